/*
 * The views: each a view_ops (view.h) and, where a view takes one, the argument of its open; and
 * the registry of views by name (views.c), the one list of them.
 */
#ifndef KCON_VIEWS_H
#define KCON_VIEWS_H

#include <jansson.h>
#include <stdbool.h>

#include "cmd.h"
#include "decodeq.h"
#include "kcon-plugin.h"
#include "msg.h"
#include "view.h"

struct tui;

/** A view of the registry. Its name (ops->name) is what `view NAME`, `:NAME` and `bind -v NAME` take. */
struct views_entry {
	const struct view_ops *ops;
	const char *title; /* the status bar's title, %s the argument (escaped); NULL: not opened by name */
	const char *arg;   /* the metavariable of the argument it takes ("TOPIC"), or NULL */
	const char *noun;  /* at the prompt, `NOUN ARG` opens it when ARG is no subcommand of NOUN; or NULL */
	const char *help;  /* a line for `?`, `help view` and docs/commands.md */
};

/** @brief The registry, the first view first, ending with an entry of NULL ops. */
const struct views_entry *views_all(void);
/** @brief The view called name, or NULL. */
const struct views_entry *views_find(const char *name);
/** @brief The `view` command's help line, made from the registry ("open a view: topics, ...; group G"). */
const char *views_help(void);
/** @brief The `view` command's doc: every view with its argument and help. */
const char *views_doc(void);

/** The topics view: `topics` with health counts. */
extern const struct view_ops view_topics_ops;
/** A scrollable text pane with a command's result; open's arg is a struct view_text_arg. */
extern const struct view_ops view_text_ops;

/** What the text view shows: a finished command (result or error), taken over by the view. */
struct view_text_arg {
	const struct cmd_entry *entry; /* for its out_view; may be NULL */
	const char *command;           /* the command's name, for the error text */
	const char *line;              /* the command line that ran (its `{command}`), or NULL */
	json_t *result;                /* taken over; NULL on failure */
	int status;
	const char *error, *hint;
};

/** Groups (`groups`), the lag overview (`lag`) and one group's lag (`group lag G`). */
extern const struct view_ops view_groups_ops, view_lag_ops, view_group_ops;
/** The cluster overview (`cluster`). */
extern const struct view_ops view_cluster_ops;
/** A topic's partitions (`topic describe T`); Tab or `c` switches to its configs (`topic config T`) and back. */
extern const struct view_ops view_partitions_ops;
/** A broker's configs with their source (`broker config ID`); `d` shows only the dynamic ones and back. */
extern const struct view_ops view_broker_configs_ops;

/**
 * The live tail of a topic: open's arg is a struct view_tail_arg; `p` pauses, `c` clears, `/`
 * matches keys and values, Enter opens the message in the detail view.
 */
extern const struct view_ops view_tail_ops;
struct view_tail_arg {
	const char *topic;
	const char *from;   /* as `tail --from`; NULL: the last 20 of each partition */
	const char *decode; /* a plugin decoder's name (`tail --decode`), or NULL */
};
/** The event log (`:log`): connection changes, failures and the commands run, newest last. */
extern const struct view_ops view_log_ops;
/** @brief Adds an event of a kind ("error", "connection", "command", ...) to the log (printf-style text). */
void view_log_add(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** @brief A note_fn (note.h) that puts the backend's notes into the log; safe from any thread. */
void view_log_note(void *ud, const char *text);
/** @brief Empties the log. */
void view_log_clear(void);
/**
 * One message in a scrollable text view (view_msg.c): its fields, headers and the value as pretty
 * JSON, text or a hex dump; `m` switches pretty / raw / hex. It copies what open's arg points to.
 */
extern const struct view_ops view_msg_ops;
struct view_msg_arg {
	const char *topic;
	const struct msg *m;        /* copied, bytes and all */
	const struct decoded *dec;  /* what the tail's decoding made of the value (copied), or NULL */
	struct view_msg_wait *wait; /* dec is DECODED_PENDING: where the result will come (a reference is taken) */
};

/*
 * A message detail opened before its value's decoding came back: shared by the tail's row and the
 * detail (loop thread only), freed by the last of them.
 */
struct view_msg_wait {
	int refs;
	struct view *detail; /* the detail waiting, or NULL */
};
/** @brief A new one, with the caller's reference. */
struct view_msg_wait *view_msg_wait_new(void);
/** @brief Drops a reference and NULLs *wp. */
void view_msg_wait_unref(struct view_msg_wait **wp);
/** @brief The value's decoding came: the waiting detail, if any, shows it (copied). */
void view_msg_decoded(struct view_msg_wait *w, const struct decoded *dec);
/** @brief The value will not be decoded (why: the tail let go of it first): the waiting detail, if any, says so. */
void view_msg_undecoded(struct view_msg_wait *w, const char *why);

/** @brief Names of the topics the topics view shows (for completion); NULL-terminated, new strings. */
char **view_topics_names(struct view *v);

#endif
