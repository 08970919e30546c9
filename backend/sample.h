/*
 * Sampling for the history store: one tick reads the cluster's metadata, the committed offsets of
 * its groups and the end offsets of its topics, and records them (store.h) in one transaction. A
 * cluster that does not answer is recorded as a gap; a tick that fails for another reason (an ACL
 * denial, a coordinator error) as a `sample-failed` event. Used by `kcon watch` and, on a timer, by the TUI.
 */
#ifndef KCON_SAMPLE_H
#define KCON_SAMPLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

struct client;
struct session;

/** What one tick recorded. */
struct sample_stats {
	int64_t ts_ms;
	int groups, group_partitions, topic_partitions;
	char *cluster;    /* the cluster key; owned, freed by sample_stats_clear */
	bool gap;         /* the cluster did not answer, and that was recorded as a gap */
	bool event;       /* the tick failed otherwise, and that was recorded as a sample-failed event */
	char *unrecorded; /* the tick failed and neither was recorded: why (owned); or NULL */
};

/**
 * @brief The session's history store for writing, opened on first use in its state dir. Tells a notice
 * (fallback dir, corrupt file moved aside) once on stderr.
 * @return 0, or a status with e set (CMD_FAILED with --no-history: "history is off")
 */
int sample_store(struct session *s, struct store **out, struct err *e);
/**
 * @brief sample_store() for reading only (store_open_read(): works on a full disk or a file the
 * user cannot write). A store opened so is opened again by the next sample_store().
 */
int sample_store_read(struct session *s, struct store **out, struct err *e);
/**
 * @brief The path of the session's store file (its state dir made, a fallback dir told), without
 * opening it; touches only the session's settings, so any thread may ask. NULL with e.
 */
char *sample_store_path(struct session *s, struct err *e);

/**
 * @brief One sampling tick of the session's cluster into its store.
 * @param groups a name pattern (substring or glob) or NULL for every group
 * @return 0, or the client's status with e set (3: unreachable, recorded as a gap; 1: recorded as an event)
 */
int sample_tick(struct session *s, const char *groups, struct sample_stats *st, struct err *e);
/** @brief Frees what st holds. */
void sample_stats_clear(struct sample_stats *st);

/** @brief The cluster key the session's history is read from: the --cluster key, or by bootstrap, or the last. */
char *sample_cluster(struct session *s, struct store *store, const char *key, struct err *e);

/** Where metadata came from when it is not fresh from the cluster. */
struct sample_stale {
	bool stale;      /* the model is the store's last snapshot */
	int64_t seen_ms; /* when that snapshot was last confirmed */
	char *reason;    /* owned: why it stands in ("--offline", or the client's error) */
};

/**
 * @brief The session's cluster metadata, the one place that falls back to history: fresh from the
 * cluster (then recorded in the store as the last snapshot, which stores it only when it changed),
 * or, with --offline or when the cluster is unreachable (status 3), the store's last snapshot of the
 * cluster (last seen through this bootstrap), with st->stale set.
 * @param stored answer from the store at once, as with --offline (`--stored`: the TUI's first paint)
 * @param c set to the client when fresh, NULL when stale
 * @param out set to the model (the caller unrefs) when there is one
 * @return CMD_OK (fresh, or stale with --offline); CMD_UNREACHABLE with *out set (stale) and e the
 * cause; or the client's status with e and no model when there is nothing to fall back to
 */
int sample_metadata(struct session *s, bool stored, struct client **c, struct model **out, struct sample_stale *st,
		    struct err *e);
/** @brief {seen_at, age_s, reason} of a stale result. */
json_t *sample_stale_json(const struct sample_stale *st);
/** @brief Frees what st holds. */
void sample_stale_clear(struct sample_stale *st);

/**
 * @brief Whether sparklines belong in a command's output: when asked (`--sparklines`, as the TUI
 * does), else tables on a terminal only (never JSON or CSV, nor a table piped elsewhere). *utf8
 * says whether the locale draws block characters.
 * @param output the command's own -o, or NULL for the session's format
 */
bool sample_sparklines_wanted(const struct session *s, const char *output, bool asked, bool *utf8);

/** What a sparkline draws. */
enum sample_spark {
	SAMPLE_SPARK_LAG,  /* a group's lag: its total (partition -1) or one partition's end - committed */
	SAMPLE_SPARK_RATE, /* messages per second into a topic (partition -1) or one partition */
};

/**
 * @brief A sparkline from the session's store (for views and tables) of a group's lag (group, and
 * topic "" with partition -1 for its total) or of a topic's rate (group ""), since since_ms, squeezed
 * to width cells (trend.h), from the cluster last sampled through the session's bootstrap. Gaps are
 * blanks. NULL when nothing is stored (or no store), or no point has a value (one point has no rate).
 */
char *sample_sparkline(struct session *s, enum sample_spark what, const char *group, const char *topic,
		       int32_t partition, int64_t since_ms, int width, bool utf8);

/**
 * @brief Sets "sparkline" (the last hour, 16 cells) in each row of the array rows whose field key
 * names the group (SAMPLE_SPARK_LAG: its total) or the topic (SAMPLE_SPARK_RATE); rows with nothing
 * stored get none.
 */
void sample_sparkline_rows(struct session *s, enum sample_spark what, json_t *rows, const char *key, bool utf8);

/**
 * @brief The values a sparkline draws from stored points: lag (b for a total, b - a for a
 * partition) or rate (trend_rates of a); -1 where unknown. out has n cells.
 */
void sample_spark_values(enum sample_spark what, bool total, const struct store_point *p, int n, int64_t *out);

#endif
