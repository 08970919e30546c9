/*
 * Lines for a person beside the results: the progress of a wait, notices, librdkafka's log with
 * --verbose. The backend never prints them itself: it hands them, raw, to the session's sink, and the
 * face decides where they go (the command line and the REPL: stderr; the TUI: its `:log` view, as
 * stderr is its screen). A note may carry a broker's or a user's words: the sink escapes them, once,
 * where it writes them to a terminal (escape.h).
 */
#ifndef KCON_NOTE_H
#define KCON_NOTE_H

typedef void (*note_fn)(void *ud, const char *text);

/**
 * Where notes go. Notes may come from any thread (librdkafka's too), so fn is read atomically. fn
 * gets the text as formatted, not escaped: it escapes what it prints.
 */
struct note_sink {
	_Atomic(note_fn) fn; /* NULL: notes are dropped */
	void *ud;
};

/** @brief Points the sink at fn (NULL: drop notes); ud is set first. */
void note_set(struct note_sink *n, note_fn fn, void *ud);
/** @brief The sink's function now (NULL when notes are dropped). */
note_fn note_get(struct note_sink *n);
/**
 * @brief Formats a note and hands it, raw, to the sink (which escapes it where it shows it);
 * nothing happens when n is NULL or drops notes.
 */
void note_send(struct note_sink *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
