/*
 * The lag engine: the lag of consumer groups, partition by partition, from their committed offsets
 * (client_groups.h) and the log's start and end offsets, asked for in one batch for all the groups
 * of a command (one ListOffsets per leader per chunk, client_list_offsets). Used by `groups`, `lag`,
 * `group lag` and the history's ticks (sample.h). The arithmetic of one partition is lag_of()
 * (lag.h); docs/lag.md says what lag means. Everything but grouplag_fetch() works without a
 * cluster and is unit-tested in tests/unit/test_grouplag.c.
 */
#ifndef KCON_GROUPLAG_H
#define KCON_GROUPLAG_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdint.h>

#include "client_groups.h"
#include "err.h"
#include "model.h"

struct client;

/** The offsets of one partition of the model; -1 where unknown. */
struct grouplag_off {
	int64_t start, end;
	bool need_start, need_end; /* what grouplag_requests() asks for */
};

/** The offsets of every partition the rows asked about, by model topic and partition index. */
struct grouplag {
	const struct model *m;     /* borrowed: outlives the engine */
	struct grouplag_off **off; /* per model topic, NULL until a partition of it is asked about */
	int64_t end_ms;            /* wall clock when the end offsets arrived; 0 before */
};

/** One row of a group's lag: a partition it committed to, is assigned or is moving to. */
struct grouplag_row {
	const char *topic; /* borrowed from the group or the model */
	int32_t partition;
	int64_t committed;                 /* -1: none */
	const struct group_member *member; /* owner, or NULL */
	const struct group_member *target; /* the member the broker is moving it to (consumer groups), or NULL */
	struct grouplag_off *off;          /* NULL when the partition is not in the metadata */
};

/** @brief An engine over the metadata m (borrowed). */
void grouplag_init(struct grouplag *L, const struct model *m);
/** @brief Frees what L holds. */
void grouplag_clear(struct grouplag *L);

/** @brief The offsets slot of a partition of the metadata (made on first ask), or NULL when m lacks it. */
struct grouplag_off *grouplag_off(struct grouplag *L, const char *topic, int32_t partition);

/**
 * @brief The rows of group g: every partition of every topic it has committed offsets for, is
 * assigned or is moving to (or of topic only, even with none), sorted by topic and partition, with
 * the committed offset, the owner and the target. Committed partitions the metadata lacks (a
 * deleted topic) are rows too. Marks the end offset of each row as needed, and the start where
 * nothing is committed.
 * @param topic NULL for every topic
 * @param rows new array of *nrows rows (free it); they point into g and L
 */
void grouplag_rows(struct grouplag *L, const struct group_info *g, const char *topic, struct grouplag_row **rows,
		   int *nrows);

/** @brief Marks the end offset of every partition of every topic that is not internal as needed. */
void grouplag_need_all_ends(struct grouplag *L);
/** @brief Marks the start offset of every partition of every topic that is not internal as needed. */
void grouplag_need_all_starts(struct grouplag *L);

/**
 * @brief What the marked offsets ask of ListOffsets: new lists of the end (RD_KAFKA_OFFSET_END) and
 * start (RD_KAFKA_OFFSET_BEGINNING) offsets, in model order.
 */
void grouplag_requests(const struct grouplag *L, rd_kafka_topic_partition_list_t **ends,
		       rd_kafka_topic_partition_list_t **starts);
/** @brief Takes ListOffsets' answers into the slots: a partition's error or a negative offset is -1. */
void grouplag_answers(struct grouplag *L, const rd_kafka_topic_partition_list_t *ends,
		      const rd_kafka_topic_partition_list_t *starts);
/** @brief grouplag_requests(), ListOffsets for them (ends first, then end_ms), grouplag_answers(). */
int grouplag_fetch(struct client *c, struct grouplag *L, struct err *e);

/** @brief The lag of a row: lag_of() of its committed offset and its partition's offsets. */
int64_t grouplag_row_lag(const struct grouplag_row *r, bool *no_commit);

/** The sum over a group's rows. */
struct grouplag_total {
	int64_t lag;   /* of the rows whose lag is known */
	bool known;    /* every row's lag is known */
	int topics;    /* distinct topics of the rows */
	int no_commit; /* rows with nothing committed (their lag from the log's start) */
};

/** @brief Sums the rows (sorted by topic, as grouplag_rows() makes them). */
struct grouplag_total grouplag_total(const struct grouplag_row *rows, int nrows);

#endif
