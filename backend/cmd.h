/*
 * The one command table. Every face (REPL, TUI prompt, key bindings, -e, -f, stdin, scripts)
 * looks commands up here, parses their arguments with their spec, and runs their exec, which
 * returns data (a jansson object) or an error with a cause and a hint. Sinks render the data.
 */
#ifndef KCON_CMD_H
#define KCON_CMD_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "output.h"

struct session;
struct err;
struct client;

/** Exit statuses with a meaning for scripts. */
enum cmd_status {
	CMD_OK = 0,          /* done */
	CMD_FAILED = 1,      /* the command failed (unknown topic, refused, ...) */
	CMD_USAGE = 2,       /* malformed command or arguments */
	CMD_UNREACHABLE = 3, /* cluster unreachable, auth failure or timed out */
};

/**
 * What an argument holds: drives parsing, completion and the usage text. cmd_prepare() refuses a
 * TOPIC, TOPIC_PARTS, GROUP or PRINCIPAL that Kafka cannot hold (backend/names.h), so no exec
 * ever hands such a name to librdkafka.
 */
#define CMD_ARG_KINDS(X)                                                                                               \
	X(NONE, "")                                                                                                    \
	X(STRING, "TEXT")                                                                                              \
	X(INT, "N")                                                                                                    \
	X(TOPIC, "TOPIC")                                                                                              \
	X(TOPIC_PARTS, "TOPIC[:P,...]")                                                                                \
	X(GROUP, "GROUP")                                                                                              \
	X(PRINCIPAL, "PRINCIPAL")                                                                                      \
	X(BROKER, "BROKER")                                                                                            \
	X(CONFIG, "KEY=VALUE")                                                                                         \
	X(COMMAND, "COMMAND")                                                                                          \
	X(PATTERN, "PATTERN")                                                                                          \
	X(FILE, "FILE")                                                                                                \
	X(FORMAT, "FORMAT")                                                                                            \
	X(KEY, "KEY")                                                                                                  \
	X(NAME, "NAME")                                                                                                \
	X(VIEW, "VIEW")                                                                                                \
	X(THEME, "THEME")                                                                                              \
	X(PROFILE, "PROFILE")                                                                                          \
	X(SHELL, "bash|zsh|fish")

enum cmd_arg_kind {
#define X(name, meta) CMD_ARG_##name,
	CMD_ARG_KINDS(X)
#undef X
};

/** @brief The metavariable shown in usage for an argument kind, e.g. "TOPIC". */
const char *cmd_arg_kind_meta(enum cmd_arg_kind kind);

#define CMD_OPT_REPEAT 0x1 /* may be given more than once */
#define CMD_OPT_WRITES 0x2 /* given, it makes the command change the cluster (tail --group commits offsets) */
#define CMD_OPT_WAITS                                                                                                  \
	0x4 /* given, the command waits long (group lag --wait-max): it runs as CMD_OWN_THREAD | CMD_INTERRUPT,        \
	     * so the wait holds up no other command and a signal (Esc in the TUI) ends it at once */

/** An option: --name VALUE (or a flag when kind is CMD_ARG_NONE). */
struct cmd_opt {
	const char *name;
	char short_name;
	enum cmd_arg_kind kind;
	unsigned flags;
	const char *help;
};

#define CMD_POS_OPTIONAL 0x1
#define CMD_POS_REST     0x2 /* takes every remaining word */
#define CMD_POS_LINE     0x4 /* with REST: the words are a command line of their own, options too */

/** A positional argument. */
struct cmd_pos {
	const char *name;
	enum cmd_arg_kind kind;
	unsigned flags;
};

/*
 * Command flags. The preconditions among them (READ_ONLY, DESTRUCTIVE, NEEDS_CLUSTER, OFFLINE, and
 * the entry's demo_missing and validate) are declared here and enforced by cmd_check() before any
 * exec runs.
 */
#define CMD_READ_ONLY     0x1  /* changes nothing on the cluster: else refused in a --read-only session */
#define CMD_DESTRUCTIVE   0x2  /* asks for confirmation (typed name), or --yes */
#define CMD_NEEDS_CLUSTER 0x4  /* asks the cluster: refused without a bootstrap (or --demo), and with --offline */
#define CMD_UI            0x8  /* acts on the face (theme, quit): runs on the UI thread */
#define CMD_STREAM        0x10 /* writes records to ctx->stream as they come; its result is a summary */
#define CMD_EXACT         0x20 /* found by its whole name only, never by a prefix (the TUI's actions) */
#define CMD_INTERRUPT     0x40 /* stops early once ctx->interrupt is set: faces set it on Ctrl-C (Esc in the TUI) */
#define CMD_OWN_THREAD                                                                                                 \
	0x80 /* does not use the session's store (the client it may: session_client() is thread-safe): the loop        \
	      * runs it on a thread of its own, beside the worker, so it cannot hold up the views */
#define CMD_OFFLINE 0x100 /* with NEEDS_CLUSTER: answers with --offline too, from the last stored snapshot */

/**
 * What the embedded demo cluster (--demo) cannot do for a command, because librdkafka's mock
 * cluster lacks a request: cmd_check() refuses the command there, before exec, as "the embedded
 * demo cluster cannot CANNOT (librdkafka's mock cluster has no API)". api NULL: it runs on the demo.
 */
struct cmd_demo_gap {
	const char *cannot; /* "delete topics" */
	const char *api;    /* "DeleteTopics": the request the mock lacks */
	const char *hint;   /* what to do instead; NULL: try it on a real cluster */
};

/**
 * Where a streaming command (CMD_STREAM: tail, produce) writes its records, one at a time, as
 * text already in the asked format. A face that streams sets ctx->stream; without one the command
 * collects a bounded result instead. The summary the command returns goes to stderr.
 */
struct cmd_stream {
	enum out_format format; /* table, json, or raw */
	bool tty;               /* the records go to a terminal */
	int width;              /* terminal columns; 0: no limit */
	/* Appends output (buffered). A reader that went away ends the process quietly. */
	void (*write)(void *ud, const void *buf, size_t len);
	/* Pushes buffered output out: called when the command waits for more. */
	void (*flush)(void *ud);
	/* A line for a person on stderr ("reconnecting"), flushed in order with the records. */
	void (*note)(void *ud, const char *text);
	/* True once the person asked to stop (Ctrl-C), or the output failed: the command ends with its summary. */
	bool (*stopped)(void *ud);
	/*
	 * After flush: how many records (write calls) reached the output whole, and the errno that
	 * stopped the output, or 0. NULL: every record written is out.
	 */
	long long (*written)(void *ud, int *err);
	void *ud;
};

struct cmd_ctx;

/** One command of the table. Designated initialisers only. */
struct cmd_entry {
	const char *name;           /* "topics", or "noun verb": "topic describe" */
	const char *alias;          /* one word, or NULL */
	const char *group;          /* for help: "cluster", "topics", "groups", ... */
	const struct cmd_pos *args; /* ends with {0} */
	const struct cmd_opt *opts; /* ends with {0} */
	const char *help;           /* one line */
	const char *doc;            /* more, including the JSON shape; may be NULL */
	unsigned flags;
	struct cmd_demo_gap demo_missing; /* refused on --demo when .api is set */
	const struct out_view *view;      /* how sinks lay out the data; NULL: generic */
	/*
	 * May be NULL. Checks what the arguments say among themselves, with no cluster (`acl create`
	 * needs --principal): CMD_OK, or CMD_USAGE after cmd_fail(). cmd_check() runs it before the
	 * demo's refusal, so that a malformed line is a usage error there too. It keeps nothing: exec
	 * reads the arguments again.
	 */
	int (*validate)(struct cmd_ctx *ctx);
	int (*exec)(struct cmd_ctx *ctx);
};

/** Parsed arguments of one invocation. */
struct cmd_args {
	int npos;
	char **pos;
	struct cmd_optval {
		int n;
		char **v;
	} * opt;      /* one per entry option, same order */
	char *output; /* -o/--output given on the command itself, or NULL */
	bool yes;     /* --yes (-y), which every command takes: "no questions" */
};

/** One invocation: the entry, its arguments, the session, and its result. */
struct cmd_ctx {
	const struct cmd_entry *entry;
	struct cmd_args args;
	struct session *session;
	json_t *result;            /* owned; set by exec on success, and also with CMD_UNREACHABLE when
				    * the last stored snapshot stands in (it then has a "stale" member) */
	char *error;               /* owned; the cause, set by cmd_fail() */
	char *hint;                /* owned; what to do, may be NULL */
	int status;                /* enum cmd_status */
	bool confirmed;            /* the face already had a destructive command confirmed */
	struct cmd_stream *stream; /* for CMD_STREAM commands; NULL: collect a bounded result */
	int stopped_by;            /* the signal (SIGINT, SIGTERM) that ended the command early, or 0:
				    * a script face then stops the script (ui/run.h) */
	atomic_bool interrupt;     /* set by the face (a signal handler, the loop thread) to stop a CMD_INTERRUPT
				    * command; it then fails with "interrupted" */
	int wake_fd;               /* > 0: a pipe the face writes a byte to after setting interrupt, so that
				    * cmd_nap() on another thread wakes at once; 0: none (a signal interrupts it) */
	char *plan;                /* owned; the lines of cmd_plan(), each ending with a newline, or NULL */
};

/** @brief Registers the built-in commands (idempotent). */
void cmd_init(void);
/** @brief Adds the commands of a table ending with {0}; the table must outlive the process. */
void cmd_register(const struct cmd_entry *table);
/** @brief Every registered command in table order; *n gets the count. */
const struct cmd_entry *const *cmd_all(size_t *n);

/**
 * @brief Finds the command that argv names, by full name, alias or unique prefix of each word.
 * @param consumed set to how many words name the command (1 or 2)
 * @return the entry, or NULL with *cause (callee allocates) saying what matched or what to try
 */
const struct cmd_entry *cmd_find(int argc, char *const *argv, int *consumed, char **cause);

/**
 * @brief After cmd_find() failed on argv: "did you mean `topics`?", the nearest one or two
 * commands (or the noun's subcommands) by edit distance (backend/suggest.h); NULL when none is
 * near. Caller frees. cmd_prepare() puts it in ctx->hint, as it does for an unknown option.
 */
char *cmd_suggest(int argc, char *const *argv);

/**
 * @brief Looks up and parses a command line into ctx (ctx->entry, ctx->args), and checks each
 * name argument by its kind (a topic, group id or principal Kafka can hold).
 * @return CMD_OK, or CMD_USAGE with ctx->error and ctx->hint set
 */
int cmd_prepare(struct cmd_ctx *ctx, struct session *s, int argc, char *const *argv);
/**
 * @brief Whether this invocation changes the cluster: its command is not CMD_READ_ONLY, or it was
 * given an option flagged CMD_OPT_WRITES.
 * @param opt set to that option (without dashes), or NULL when the command itself writes; may be NULL
 */
bool cmd_writes(const struct cmd_ctx *ctx, const char **opt);
/**
 * @brief Refuses, with a cause and a hint, what this session cannot run, in this order: what
 * cmd_writes() in a --read-only session (CMD_FAILED); a NEEDS_CLUSTER command that is not
 * CMD_OFFLINE with --offline (CMD_FAILED); a NEEDS_CLUSTER command with no bootstrap and no demo
 * (CMD_USAGE); what the entry's validate refuses (CMD_USAGE); on --demo, a command with
 * demo_missing (CMD_FAILED). Confirmation is not among them: see cmd_unconfirmed().
 * @return CMD_OK, or the status with ctx->error and ctx->hint set (also when they were set before)
 */
int cmd_check(struct cmd_ctx *ctx);
/** @brief True when the command is CMD_DESTRUCTIVE and neither --yes nor a face confirmed it. */
bool cmd_unconfirmed(const struct cmd_ctx *ctx);
/**
 * @brief The one rule of confirmation: unless --yes was given or a face confirmed the command,
 * asks the person (session.confirm, with ctx->plan) to type target, or refuses where nobody can answer. cmd_exec()
 * asks it of a CMD_DESTRUCTIVE command; an exec asks it when the data call for it (a config change
 * that can delete messages).
 * @param why what is at stake: "it cannot be undone"
 * @param hint for the refusal without a terminal: "add --yes to run it without a terminal"
 * @return CMD_OK; CMD_USAGE (nobody to ask) or CMD_FAILED (another answer) after cmd_fail()
 */
int cmd_confirm(struct cmd_ctx *ctx, const char *target, const char *why, const char *hint);
/**
 * @brief cmd_confirm()'s rule in the command's own words (`acl delete` lists the ACLs and asks for
 * their number): asks question, which expect answers, or refuses with refusal and hint (CMD_USAGE)
 * where nobody can answer; another answer fails as cmd_confirm() does.
 */
int cmd_confirm_as(struct cmd_ctx *ctx, const char *question, const char *expect, const char *refusal,
		   const char *hint);
/**
 * @brief cmd_confirm_as() for a request that changes nothing but needs a yes (`tail -o raw` to a
 * terminal): any answer but expect refuses as where nobody can answer, with refusal and hint.
 * @return CMD_OK, or CMD_USAGE after cmd_fail()
 */
int cmd_consent(struct cmd_ctx *ctx, const char *question, const char *expect, const char *refusal, const char *hint);
/**
 * @brief A line of the plan a confirmation is about (a config's diff, the records a partition
 * loses): sent as a note at once, and kept in ctx->plan, which cmd_confirm() hands to
 * session.confirm, so that a face whose notes go elsewhere (the TUI's log) shows it beside the question.
 */
void cmd_plan(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/**
 * @brief Runs a prepared command; sets ctx->status and returns it. What cmd_check() refuses, and a
 * destructive command nobody confirmed (cmd_confirm()), never reaches exec.
 */
int cmd_exec(struct cmd_ctx *ctx);
/**
 * @brief The command's flags for this invocation: its entry's, plus CMD_OWN_THREAD | CMD_INTERRUPT
 * when it was given an option flagged CMD_OPT_WAITS. Faces and the loop decide by these.
 */
unsigned cmd_flags(const struct cmd_ctx *ctx);
/**
 * @brief Waits ms milliseconds, or less once ctx->interrupt is set (a signal on this thread, or a
 * byte on ctx->wake_fd, wakes the wait at once).
 * @return true when the time passed, false when interrupted
 */
bool cmd_nap(struct cmd_ctx *ctx, int64_t ms);
/**
 * @brief Whether the command whose exec runs on this thread is CMD_INTERRUPT (for the waits below
 * it that know no ctx: the client's admin wait), and whether it was interrupted since.
 */
bool cmd_interruptible_here(void);
bool cmd_interrupted_here(void);
/** @brief Frees what ctx owns and resets it. */
void cmd_ctx_clear(struct cmd_ctx *ctx);

/** @brief Records a failure: status, hint (may be NULL) and a formatted cause; returns status. */
int cmd_fail(struct cmd_ctx *ctx, int status, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/** @brief cmd_fail() with e's status, hint and cause, then clears e; returns the status. */
int cmd_fail_err(struct cmd_ctx *ctx, struct err *e);
/**
 * @brief The session's client on a live cluster, or NULL after cmd_fail_err() (unreachable, bad
 * settings). For a command whose entry declares NEEDS_CLUSTER and demo_missing: cmd_check() has
 * refused --offline and the demo before exec.
 */
struct client *cmd_client(struct cmd_ctx *ctx);
/** @brief Sorts the JSON array rows in place; cmp is qsort's, its arguments point at json_t *. */
void cmd_rows_sort(json_t *rows, int (*cmp)(const void *, const void *));
/** @brief Sets the result (takes ownership of data); returns CMD_OK. data NULL (a json_pack() that
 * failed: text not UTF-8) fails the command instead, so that it never ends with nothing and 0. */
int cmd_ok(struct cmd_ctx *ctx, json_t *data);

/** @brief Last value of positional or option `name`, or NULL. */
const char *cmd_arg(const struct cmd_ctx *ctx, const char *name);
/** @brief All values of option `name`; returns the count. */
int cmd_arg_all(const struct cmd_ctx *ctx, const char *name, char *const **values);
/** @brief True when e has the option `name` (without dashes). */
bool cmd_takes(const struct cmd_entry *e, const char *name);
/** @brief True when flag or option `name` was given; "yes" is true for the --yes every command takes. */
bool cmd_has(const struct cmd_ctx *ctx, const char *name);
/**
 * @brief Integer value of `name` in [min, max], def when absent.
 * @return 0, or CMD_USAGE after cmd_fail() when it is not such a number
 */
int cmd_arg_int(struct cmd_ctx *ctx, const char *name, long long def, long long min, long long max, long long *out);

/** @brief The usage line of e, e.g. "topic describe TOPIC". */
char *cmd_usage(const struct cmd_entry *e);

#endif
