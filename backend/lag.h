/*
 * Consumer lag without Kafka: the arithmetic of lag, the clamping of new offsets to a partition's
 * log, topic and partition specs, and offset-reset plans with their CSV form (times: clock.h).
 * Pure functions, unit-tested (tests/unit/test_lag.c); the Kafka calls are in client_groups.h.
 */
#ifndef KCON_LAG_H
#define KCON_LAG_H

#include <stdbool.h>
#include <stdint.h>

/**
 * @brief The lag of a partition: end - committed, never negative. With no committed offset
 * (committed < 0) it is end - start and *no_commit is set. Unknown offsets (end < 0) give -1.
 */
int64_t lag_of(int64_t committed, int64_t start, int64_t end, bool *no_commit);

/** Where a new offset was moved to fit the log. */
enum lag_clamp { LAG_CLAMP_NONE, LAG_CLAMP_START, LAG_CLAMP_END };

/**
 * @brief current + by, saturated at INT64_MIN and INT64_MAX instead of wrapping: a huge shift
 * forward lands past the log's end (lag_clamp() then takes the end), never before its start.
 */
int64_t lag_shift(int64_t current, int64_t by);

/**
 * @brief A wall-clock time as Kafka's ListOffsets takes it. Before 1970 (ms < 0) every message is
 * at or after it, so it is 0 (the log's first message): never -1 or -2, which ask for the log's
 * end or start instead of a time.
 */
int64_t lag_time_for_offsets(int64_t ms);

/** @brief The name of a clamp for plans: NULL, "start" or "end". */
const char *lag_clamp_name(enum lag_clamp c);
/** @brief want moved into [start, end] (the log's start and end offsets); *how says where it moved. */
int64_t lag_clamp(int64_t want, int64_t start, int64_t end, enum lag_clamp *how);

/** A partition list names at most LAG_RANGE_MAX + 1 partitions (0-100000). */
#define LAG_RANGE_MAX 100000

/**
 * @brief Parses a partition list P,P,... where each P is a number (0..INT32_MAX) or a range 0-3,
 * naming at most LAG_RANGE_MAX + 1 partitions in all.
 * @param parts new array of partition numbers
 * @return 0, or -1 with *cause (callee allocates)
 */
int lag_parse_partitions(const char *s, int32_t **parts, int *nparts, char **cause);

/**
 * @brief Parses a topic spec T or T:P,P,... (partitions as lag_parse_partitions()); T must be a
 * topic name Kafka can hold (names_check_topic()).
 * @param topic new string
 * @param parts new array of partition numbers (NULL and *nparts 0 for "every partition")
 * @return 0, or -1 with *cause (callee allocates)
 */
int lag_parse_topic_spec(const char *s, char **topic, int32_t **parts, int *nparts, char **cause);

/** A topic and partition, for lag_assignment_text(). */
struct lag_tp {
	const char *topic;
	int32_t partition;
};

/**
 * @brief Partitions in short text: "orders:0-3,7 payments:1" (sorted; tps is sorted in place).
 * @return a new string; "" for none
 */
char *lag_assignment_text(struct lag_tp *tps, int n);

/** One partition of an offset-reset plan. */
struct lag_plan_row {
	char *topic;
	int32_t partition;
	int64_t current; /* committed offset; -1 when none */
	int64_t want;    /* asked for, before clamping */
	int64_t start;   /* the log's start; -1 when unknown */
	int64_t end;     /* the log's end; -1 when unknown */
	int64_t next;    /* the new offset after clamping */
	enum lag_clamp clamped;
};

struct lag_plan {
	int n;
	struct lag_plan_row *rows;
};

/** @brief Appends a row (topic copied) with current, want, start and end; next is computed later. */
struct lag_plan_row *lag_plan_add(struct lag_plan *p, const char *topic, int32_t partition, int64_t current,
				  int64_t want);
/** @brief Clamps every row's want into its [start, end] (where known), setting next and clamped. */
void lag_plan_clamp(struct lag_plan *p);
/** @brief Sorts rows by topic, then partition. */
void lag_plan_sort(struct lag_plan *p);
/** @brief The plan as CSV: header topic,partition,current,new,delta,clamped. Caller frees. */
char *lag_plan_csv(const struct lag_plan *p);
/**
 * @brief Reads a plan from CSV: kcon's own (with its header; `new` is taken as want) or Kafka's
 * reset-offsets export (topic,partition,offset lines). current, start and end are set to -1.
 * @return 0, or -1 with *cause (callee allocates) naming the line
 */
int lag_plan_parse_csv(const char *text, struct lag_plan *p, char **cause);
/** @brief Frees the rows and empties p. */
void lag_plan_clear(struct lag_plan *p);

#endif
