/*
 * Consumer status: the judgement of a group and of each of its partitions over a window of stored
 * samples (OK, WARN, STALL, STOP, ERR), from committed and end offsets alone. Pure functions,
 * unit-tested in tests/unit/test_status.c; the rules are in docs/monitoring.md. Reading the
 * samples from the history store is groupstatus.h.
 */
#ifndef KCON_STATUS_H
#define KCON_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The statuses, from best to worst (a group takes its worst partition's). */
#define STATUS_LIST(X)                                                                                                 \
	X(STATUS_UNKNOWN, "UNKNOWN")                                                                                   \
	X(STATUS_OK, "OK")                                                                                             \
	X(STATUS_WARN, "WARN")                                                                                         \
	X(STATUS_STALL, "STALL")                                                                                       \
	X(STATUS_STOP, "STOP")                                                                                         \
	X(STATUS_ERR, "ERR")

#define STATUS_ENUM(e, s) e,
enum status_code { STATUS_LIST(STATUS_ENUM) STATUS_COUNT };
#undef STATUS_ENUM

/** Whether the group has members that could commit. */
enum status_members { STATUS_MEMBERS_UNKNOWN, STATUS_MEMBERS_NONE, STATUS_MEMBERS_SOME };

/** One stored sample of a partition: committed < 0 none, end < 0 unknown; gap marks an outage. */
struct status_point {
	int64_t ts_ms;
	int64_t committed, end;
	bool gap;
};

/** A judgement with the reason a person reads (a static string). */
struct status_result {
	enum status_code code;
	const char *reason;
	int64_t lag; /* at the newest usable point; -1 when unknown */
	int samples; /* usable points in the window */
};

/**
 * @brief Judges one partition from its points (oldest first). The window starts at the newest
 * point at or before since_ms (or the first point after it) and goes on to the last point; only the
 * points after the last gap count, and points with an unknown committed or end offset are skipped.
 */
struct status_result status_eval(const struct status_point *p, size_t n, int64_t since_ms, enum status_members members);

/** @brief "OK", "WARN", "STALL", "STOP", "ERR" or "UNKNOWN". */
const char *status_name(enum status_code c);
/** @brief The status called name (case-insensitive), or -1. */
int status_parse(const char *name);
/**
 * @brief Parses a comma-separated list of statuses ("STOP,STALL") into a bit set (1 << code).
 * @return 0, or -1 with *cause (callee allocates)
 */
int status_parse_set(const char *list, unsigned *set, char **cause);
/** @brief The worse of a and b. */
enum status_code status_worst(enum status_code a, enum status_code b);

#endif
