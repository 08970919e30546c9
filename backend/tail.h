/*
 * Tailing a topic: a consumer of its own that never joins a group and never commits (unless a
 * group is given), started per partition at a chosen point, filtering before display, bounded in
 * memory. A pull API: tail_next() hands out one message at a time; tail_fd() wakes a poll loop
 * (the TUI) when messages are waiting. Curses-free; the commands are in cmd_tail.c.
 */
#ifndef KCON_TAIL_H
#define KCON_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client.h"
#include "conf.h"
#include "err.h"
#include "msg.h"

/** Where tailing starts in each partition. */
enum tail_from_kind {
	TAIL_FROM_BEGINNING,
	TAIL_FROM_END,
	TAIL_FROM_OFFSET,    /* value: an offset, clamped to the log */
	TAIL_FROM_LAST,      /* value: N messages before the end */
	TAIL_FROM_TIME,      /* value: ms since the epoch, through offsets-for-times */
	TAIL_FROM_COMMITTED, /* the group's committed offsets (needs a group) */
};

struct tail_from {
	enum tail_from_kind kind;
	int64_t value;
};

/**
 * @brief Parses a start point: beginning, end, committed, OFFSET, -N, @ISO8601, @-15m (a duration
 * ago: ISO 8601 or short), @EPOCH_MS.
 * @param now_ms the wall clock, for durations
 * @return 0, or -1 with *cause (callee allocates)
 */
int tail_parse_from(const char *s, int64_t now_ms, struct tail_from *out, char **cause);

/** @brief Parses a partition list "0,2,5-7" into a new array; -1 with *cause when malformed. */
int tail_parse_partitions(const char *s, int32_t **parts, int *n, char **cause);

struct tail_opts {
	const char *topic;
	const int32_t *partitions; /* NULL: every partition */
	int npartitions;
	struct tail_from from;
	bool follow;                 /* false: stop at the end offsets read at start */
	int64_t count;               /* stop after this many shown; 0: no limit */
	const char *group;           /* commit what was shown to this group; NULL: never */
	size_t max_bytes;            /* memory for prefetched messages */
	bool headers;                /* fill msg.headers */
	const char *grep;            /* extended regex on the value, or NULL */
	const char *key;             /* extended regex on the key, or NULL */
	char *const *header_filters; /* "name=REGEX" */
	int nheader_filters;
};

#define TAIL_DEFAULT_MAX_BYTES (32u << 20)

/** What tail_next() found. */
enum tail_event {
	TAIL_MSG,    /* *m is a message that passed the filters (valid until the next call) */
	TAIL_IDLE,   /* nothing within the timeout */
	TAIL_NOTE,   /* *note says something a person should know (reconnecting, reconnected) */
	TAIL_END,    /* the count was reached, or every partition reached its end offset */
	TAIL_FAILED, /* e says why (the topic was deleted, ...) */
};

struct tail;

/**
 * @brief Starts tailing: checks the topic through c, resolves the start offsets and starts a
 * consumer made from conf (finished by conf_finish). With verbose, librdkafka's log goes to note
 * (borrowed: it outlives the tail).
 * @return the tail, or NULL with e set (1 unknown topic, 2 bad options, 3 unreachable)
 */
struct tail *tail_open(struct client *c, const struct conf *conf, bool verbose, struct note_sink *note,
		       const struct tail_opts *o, struct err *e);
/** @brief The next message, waiting up to timeout_ms (0: do not wait). */
enum tail_event tail_next(struct tail *t, int timeout_ms, struct msg *m, const char **note, struct err *e);
/** @brief A descriptor that becomes readable when messages are waiting (for poll loops). */
int tail_fd(const struct tail *t);

/** Where each partition stands. */
struct tail_partition {
	int32_t partition;
	int64_t start; /* the first offset asked for */
	int64_t end;   /* the end offset read at start */
	int64_t next;  /* the offset after the last message seen */
};

struct tail_stats {
	int64_t shown, skipped;
	int npartitions;
	const struct tail_partition *partitions;
	char *commit_error; /* with a group: why the last commit failed, or NULL */
};

/** @brief Counts and positions so far (valid until the next call on t). */
struct tail_stats tail_stats(const struct tail *t);
/**
 * @brief With a group: commits the positions of what was shown and waits for the broker's answer
 * (asking again while the coordinator is busy, up to the tail's timeout), so that a command can
 * report it; tail_close() then commits only what came after. 0, or -1 with the cause in
 * tail_stats().commit_error. Without a group: 0.
 */
int tail_commit_final(struct tail *t);
/**
 * @brief Commits (with a group), stops the consumer and frees it, NULLs *tp. Never hangs: the
 * consumer is destroyed on a helper thread that is abandoned after a few seconds (librdkafka has
 * been seen to hang destroying a consumer whose topic was deleted).
 */
void tail_close(struct tail **tp);

#endif
