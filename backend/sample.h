/*
 * Sampling for the history store: one tick reads the cluster's metadata, the committed offsets of
 * its groups and the end offsets of its topics, and records them (store.h) in one transaction. A
 * cluster that does not answer is recorded as a gap. Used by `kcon watch` and, on a timer, by the TUI.
 */
#ifndef KCON_SAMPLE_H
#define KCON_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

struct session;

/** What one tick recorded. */
struct sample_stats {
	int64_t ts_ms;
	int groups, group_partitions, topic_partitions;
	char *cluster; /* the cluster key; owned, freed by sample_stats_clear */
};

/**
 * @brief The session's history store, opened on first use in its state dir. Tells a notice
 * (fallback dir, corrupt file moved aside) once on stderr.
 * @return 0, or a status with e set (CMD_FAILED with --no-history: "history is off")
 */
int sample_store(struct session *s, struct store **out, struct err *e);

/**
 * @brief One sampling tick of the session's cluster into its store.
 * @param groups a name pattern (substring or glob) or NULL for every group
 * @return 0, or the client's status (3: unreachable, recorded as a gap) with e set
 */
int sample_tick(struct session *s, const char *groups, struct sample_stats *st, struct err *e);
/** @brief Frees what st holds. */
void sample_stats_clear(struct sample_stats *st);

/** @brief The cluster key the session's history is read from: the --cluster key, or by bootstrap, or the last. */
char *sample_cluster(struct session *s, struct store *store, const char *key, struct err *e);

/**
 * @brief The lag sparkline of a group from the session's store (for views and tables): its total
 * lag since since_ms, squeezed to width cells (trend.h). NULL when nothing is stored (or no store).
 */
char *sample_group_sparkline(struct session *s, const char *group, int64_t since_ms, int width, bool utf8);

#endif
