/*
 * Consumer status from the history store: each group's partitions judged (status.h) over the
 * samples of a window, and the group by its worst partition. Reads the store only (no cluster);
 * used by `lag`, `group lag`, `check` and the TUI's lag views. The rules: docs/monitoring.md.
 */
#ifndef KCON_GROUPSTATUS_H
#define KCON_GROUPSTATUS_H

#include <jansson.h>
#include <stdint.h>

#include "status.h"
#include "store.h"
#include "trend.h"

struct session;

/** The default window: 10 minutes. */
#define GROUPSTATUS_WINDOW_MS (600 * 1000LL)

struct groupstatus_part {
	char *topic;
	int32_t partition;
	struct status_result r;
};

struct groupstatus {
	enum status_code code;
	const char *reason; /* the worst partition's (static) */
	int worst;          /* its index in parts, or -1 */
	char *state;        /* the stored group state, or NULL */
	int64_t newest_ms;  /* the group's newest tick in the window; 0 when none */
	int nparts;
	struct groupstatus_part *parts; /* sorted by topic, partition */
};

/**
 * @brief Judges a group of a cluster over [now_ms - window_ms, now_ms] from the store.
 * @return 0, or -1 with *cause (callee allocates)
 */
int groupstatus_eval(struct store *s, const char *cluster, const char *group, int64_t now_ms, int64_t window_ms,
		     struct groupstatus *out, char **cause);
/**
 * @brief The trend (trend.h) of a group's stored totals since since (ms), over the samples after its
 * last gap; TREND_UNKNOWN when there are none.
 * @return 0, or -1 with *cause (callee allocates)
 */
int groupstatus_trend(struct store *s, const char *cluster, const char *group, int64_t since, struct trend *out,
		      char **cause);
/** @brief Frees what g holds. */
void groupstatus_clear(struct groupstatus *g);

/** @brief The group's members as the status rules see them, from its state name (NULL: unknown). */
enum status_members groupstatus_members(const char *state);

/**
 * @brief Sets "status" (a name, or null when not judged) and "status_reason" on each object of rows
 * whose key field names a group, from the session's store (the cluster it shows); and, when
 * partitions is true, on each object of the row's "partitions" array by its topic and partition.
 * Nothing is set without a store.
 */
void groupstatus_rows(struct session *s, json_t *rows, const char *key, int64_t window_ms);

#endif
