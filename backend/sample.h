/*
 * Sampling for the history store: one tick reads the cluster's metadata, the committed offsets of
 * its groups and the end offsets of its topics, and records them (store.h) in one transaction; on
 * request (SAMPLE_LOG_STARTS, for `watch --metrics`) also the log start offsets, which it hands
 * back instead of storing them. A
 * cluster that does not answer is recorded as a gap; a tick that fails for another reason (an ACL
 * denial, a coordinator error) as a `sample-failed` event. Used by `kcon watch` and, on a timer, by the TUI.
 * The session's store is session_store(); the stored snapshot in place of fresh metadata is
 * offline.h; sparklines drawn from the samples are spark.h.
 */
#ifndef KCON_SAMPLE_H
#define KCON_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct session;

/** What a tick asks of the cluster beyond what the store keeps (sample_tick's flags). */
enum {
	SAMPLE_LOG_STARTS = 1 << 0, /* each partition's log start offset: one more ListOffsets per leader */
};

/** The log start offset of a topic partition: the oldest offset the broker still keeps. */
struct sample_start {
	char *topic;
	int32_t partition;
	int64_t offset; /* -1: unknown */
};

/** What one tick recorded. */
struct sample_stats {
	int64_t ts_ms;
	int groups, group_partitions, topic_partitions;
	char *cluster;    /* the cluster key; owned, freed by sample_stats_clear */
	bool gap;         /* the cluster did not answer, and that was recorded as a gap */
	bool event;       /* the tick failed otherwise, and that was recorded as a sample-failed event */
	char *unrecorded; /* the tick failed and neither was recorded: why (owned); or NULL */
	/* with SAMPLE_LOG_STARTS, after a good tick: every topic partition that is not internal, sorted
	   by sample_start_cmp (owned; kept in memory only, the store has no column for them) */
	struct sample_start *starts;
	int nstarts;
};

/**
 * @brief One sampling tick of the session's cluster into its store.
 * @param groups a name pattern (substring or glob) or NULL for every group
 * @param flags SAMPLE_LOG_STARTS or 0
 * @return 0, or the client's status with e set (3: unreachable, recorded as a gap; 1: recorded as an event)
 */
int sample_tick(struct session *s, const char *groups, unsigned flags, struct sample_stats *st, struct err *e);
/** @brief Frees what st holds. */
void sample_stats_clear(struct sample_stats *st);
/** @brief Orders sample_start by topic, then partition (for qsort and bsearch). */
int sample_start_cmp(const void *a, const void *b);
/** @brief Frees an array of n sample_start and sets *starts to NULL. */
void sample_starts_free(struct sample_start **starts, int n);

struct model;
/**
 * @brief min.insync.replicas of each topic of m (by index; 0 where not asked) whose name matches the
 * pattern topics (NULL: all) and that has a partition with a shrunk ISR: only those can be under it,
 * so a healthy cluster is asked nothing. NULL when the cluster will not say (DescribeConfigs denied).
 */
int *sample_min_isr(struct session *s, const struct model *m, const char *topics);
/** @brief Partitions of m that have a leader and fewer in-sync replicas than min.insync.replicas; -1 unknown. */
long sample_under_min_isr(struct session *s, const struct model *m);

#endif
