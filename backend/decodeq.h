/*
 * Decoding off the caller's thread, for a poll loop (the TUI's tail view). A queue with a thread
 * of its own: the loop hands it values (copied, each with a sequence number), the thread decodes
 * them in batches with plugin_decode_many() (one decoder-helper round trip a batch; the Schema
 * Registry asked there for a new id, up to --timeout, unless the queue stops) and hands each result back; a wake-up
 * descriptor becomes readable when results are waiting. The loop never waits on the decoder
 * helper or the registry. The newest values are decoded first (they are the ones on the screen);
 * values the loop let go of (decodeq_forget()) are not decoded at all. Curses-free.
 */
#ifndef KCON_DECODEQ_H
#define KCON_DECODEQ_H

#include <stddef.h>
#include <stdint.h>

#include "kcon-plugin.h"

#define DECODED_PENDING (-100) /* decoded.rc before the result came */
#define DECODEQ_BATCH   64     /* values decoded together at most */
#define DECODEQ_MAX     8192   /* values waiting at most: the oldest are let go beyond */

/** What a decoder made of one value. */
struct decoded {
	int rc;            /* KCON_DECODE_TEXT, _JSON, _ERROR or _NOT_MINE (none took it); DECODED_PENDING */
	char *decoder;     /* the decoder's name, or NULL */
	int64_t schema_id; /* the wire format's schema id, or -1 */
	char *text;        /* TEXT/JSON: the decoder's text; ERROR: why; else NULL */
	size_t len;
};

/** @brief Frees what d holds; d becomes {DECODED_PENDING, NULL, -1, NULL, 0}. */
void decoded_clear(struct decoded *d);

struct decodeq;

/**
 * @brief Starts a queue decoding with d (NULL: plugin_decode_auto(), by the wire format); NULL
 * with *cause (allocated) when its pipe or its thread cannot be made.
 */
struct decodeq *decodeq_new(const struct kcon_decoder *d, char **cause);
/** @brief Readable when results are waiting; drain it (loop_fd_drain), then decodeq_take(). */
int decodeq_fd(const struct decodeq *q);
/** @brief Hands over a value to decode (copied); seq numbers go up with each call. */
void decodeq_submit(struct decodeq *q, uint64_t seq, const void *buf, size_t len);
/** @brief The values before seq need no decoding any more: those still waiting are dropped. */
void decodeq_forget(struct decodeq *q, uint64_t before);
/**
 * @brief Takes up to max results without waiting: seqs[i] and out[i] (the caller owns them,
 * decoded_clear()). Returns how many; results of forgotten values may come too.
 */
size_t decodeq_take(struct decodeq *q, uint64_t *seqs, struct decoded *out, size_t max);
/**
 * @brief Asks the thread to stop, without waiting: the batch being decoded ends at its next value
 * (the rest are not decoded), a registry request under way within about a second, a decoder helper
 * request at its next answer (the helper is stopped, not counted as a crash).
 */
void decodeq_stop(struct decodeq *q);
/**
 * @brief decodeq_stop(), then waits for the thread and frees *qp, NULLs it. The wait is short but
 * not nothing (one value in an in-process decoder, about a second for a registry request, the
 * helper's answer to one value, up to DECODEHELP_DEADLINE_MS): call it where a wait is allowed (a
 * loop job).
 */
void decodeq_free(struct decodeq **qp);

#endif
