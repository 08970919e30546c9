/*
 * The history store: one SQLite file per user (history.db in the state dir) with metadata
 * snapshots, lag and end-offset samples, events found by diffing snapshots, outage gaps and the
 * command history. WAL mode and a busy timeout let several kcon processes share it; the schema is
 * versioned with PRAGMA user_version and migrated forward step by step; a corrupt file is moved
 * aside and replaced. Roll-ups keep the file bounded (store_maintain). No curses here.
 *
 * Series: every sampled quantity is a series keyed by (cluster, group, topic, partition):
 *   group partition  (G, T, P)    a = committed, b = end      stored when changed, at most every
 *                                                              partition_interval (5 min); the newest
 *                                                              values always in series.seen_*
 *   group aggregate  (G, "", -1)  a = sum committed, b = lag  every tick
 *   topic partition  ("", T, P)   a = end offset              as group partitions
 *   topic aggregate  ("", T, -1)  a = sum of end offsets      every tick
 * Roll-ups: aggregates to minutes (kept 7 days) and hours (90 days); partitions straight to hours,
 * kept as long as the minutes, then to days (90 days, UTC days, rollup.res 86400).
 * Raw rows (schema 8): the hour being written in sample_raw; each past hour of a series packed
 * into one row of sample_pack by store_maintain (samplepack.h); the view `sample` shows both.
 */
#ifndef KCON_STORE_H
#define KCON_STORE_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct store;
struct storeckpt;
struct store_tick;

/** The newest schema version (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 8

/** Retention and sampling settings; zeros take the defaults. */
struct store_opts {
	int64_t raw_ms;           /* raw samples kept (default 24 h) */
	int64_t minute_ms;        /* per-minute roll-ups, and partitions' per-hour ones, kept (default 7 days) */
	int64_t hour_ms;          /* per-hour roll-ups of totals, and partitions' per-day ones, kept (90 days) */
	int partition_interval_s; /* least spacing of a partition's stored rows (default 300) */
};

/**
 * @brief Parses a retention spec into o: comma-separated `raw=D`, `minute=D`, `hour=D` (any of them,
 * in any order; D a duration: 90s, 12h, 7d, 2w, 1h30m, P7D), e.g. "raw=24h,minute=7d,hour=90d".
 * Only the keys given are set. Refused: unknown keys, bad durations, a raw or per-minute period
 * longer than the per-hour one (with the defaults for the keys not given).
 * @return 0, or -1 with *cause (callee allocates)
 */
int store_opts_parse(const char *spec, struct store_opts *o, char **cause);
/** @brief The store's retention and sampling settings, defaults filled in. */
const struct store_opts *store_options(const struct store *s);

/**
 * @brief The state dir: override (--state-dir), KCON_STATE_DIR, $XDG_STATE_HOME/kcon,
 * ~/.local/state/kcon, or /tmp/kcon-$UID when HOME is missing or not writable. Made with mode 0700.
 * @param notice set (callee allocates) when the /tmp fallback was taken, to be told once
 * @return the new path, or NULL with *cause
 */
char *store_state_dir(const char *override, char **notice, char **cause);
/**
 * @brief The state dir store_state_dir() would give, when it is there already: nothing is made
 * (a look, e.g. whether a store exists). NULL when none is (a dir not made yet could still be).
 */
char *store_state_dir_found(const char *override);

/**
 * @brief Opens (creating, migrating, or replacing a corrupt file at) path; ":memory:" works.
 * @param notice set (callee allocates) when a corrupt file was moved aside: tell the user
 * @return the store, or NULL with *cause
 */
struct store *store_open(const char *path, const struct store_opts *opts, char **notice, char **cause);
/**
 * @brief store_open() for reading only: the file is opened SQLITE_OPEN_READONLY, so it works on a
 * file the user may not write (mode 0400) and writes nothing (no journal-mode switch, no WAL
 * checkpoint). When even that cannot make the WAL's -shm (a full disk), the file is opened
 * query-only in exclusive locking mode (the WAL index in memory). A missing, damaged or older file
 * is opened as store_open() does, since making, moving aside or migrating it writes. Writes
 * through the store fail.
 */
struct store *store_open_read(const char *path, const struct store_opts *opts, char **notice, char **cause);
/** @brief True when s came from store_open_read() (reads only). */
bool store_readonly(const struct store *s);
/**
 * @brief What a person can do when the store at path cannot be opened or written because its disk
 * is full (free space) or it is not writable (make it so); NULL for any other cause.
 */
const char *store_hint(const char *path);
/** @brief Closes the store and NULLs *s. */
void store_close(struct store **s);
/** @brief The file's path ("" for :memory:). */
const char *store_path(const struct store *s);
/** @brief The sqlite3 handle (tests, the SQL command). */
struct sqlite3 *store_db(struct store *s);
/** @brief The WAL's checkpointer of a store opened to write a file (storeckpt.h; tests, bench), or NULL. */
struct storeckpt *store_checkpointer(struct store *s);
/** @brief Builds the schema of version `to` from version `from` (tests build older schemas with it). */
int store_migrate(struct sqlite3 *db, int from, int to, char **cause);

/*
 * Drops the samples (raw and packed) older than cut_s, in the caller's transaction; *dropped (when
 * not NULL) the number of samples dropped. A packed row of cut_s's hour that does not decode is
 * dropped whole (counted for store_damaged_take). -1 with *cause when the database fails.
 */
int store_drop_samples(struct store *s, int64_t cut_s, int64_t *dropped, char **cause);

/*
 * The number of damaged packed rows (and raw rows of a negative time) that maintenance, pruning or
 * store_drop_samples dropped since the last call, then 0: for the caller to report once.
 */
int64_t store_damaged_take(struct store *s);

/* --- recording ---------------------------------------------------------------------------- */

/**
 * @brief Starts one sampling tick of a cluster (one transaction).
 * @param cluster_key the cluster id (or the bootstrap when the cluster has none)
 */
struct store_tick *store_tick_begin(struct store *s, const char *cluster_key, const char *bootstrap, int64_t ts_ms);
/**
 * @brief Whether the cluster's stored snapshot is this model's, confirmed through this bootstrap
 * within the last within_ms before now_ms, with no gap open: recording it again would change
 * nothing but the times it was seen, so a command may skip the write.
 */
bool store_snapshot_fresh(struct store *s, const char *cluster_key, const char *bootstrap, const struct model *m,
			  int64_t now_ms, int64_t within_ms);
/**
 * @brief store_snapshot_fresh() asked of the file at path itself, for a process with no store open
 * (one command): opened read-only without the open's full check (PRAGMA quick_check reads the whole
 * file), closed before returning. False when there is no file, its schema is not this kcon's, or it
 * cannot be read: the caller then writes through a store opened (and checked) as usual.
 */
bool store_snapshot_fresh_at(const char *path, const char *cluster_key, const char *bootstrap, const struct model *m,
			     int64_t now_ms, int64_t within_ms);
/** @brief Records the metadata snapshot; differences from the last one become events. */
void store_tick_model(struct store_tick *t, const struct model *m);
/**
 * @brief Records a group's state and type (classic, consumer; NULL when not known); a change of
 * either becomes an event (group-state, group-type). Call before its partitions.
 * @param state NULL: not known (the demo), nothing is recorded but the group's name
 */
void store_tick_group(struct store_tick *t, const char *group, const char *state, const char *type);
/** @brief Records a group's partition (committed < 0: none; end < 0: unknown). */
void store_tick_group_partition(struct store_tick *t, const char *group, const char *topic, int32_t partition,
				int64_t committed, int64_t end);
/** @brief Records a topic partition's end offset. */
void store_tick_topic_partition(struct store_tick *t, const char *topic, int32_t partition, int64_t end);
/** @brief Commits the tick (closing an open gap) and frees it; NULLs *t. */
int store_tick_commit(struct store_tick **t, char **cause);
/** @brief Records that the cluster could not be sampled at ts (opens a gap, or extends one). */
int store_gap(struct store *s, const char *cluster_key, int64_t ts_ms, const char *cause_text, char **cause);
/**
 * @brief Records that the cluster answered but a tick could not sample it at ts (an ACL denial, a
 * coordinator error): a `sample-failed` event about the cluster with cause_text, unless the cluster's
 * newest event is that one already, with no good tick since (a failure that repeats every tick is one
 * event).
 */
int store_sample_failed(struct store *s, const char *cluster_key, int64_t ts_ms, const char *cause_text, char **cause);

/** @brief Rolls raw samples up to minutes and hours; once an hour drops what is past retention. */
int store_maintain(struct store *s, int64_t now_ms, char **cause);
/** @brief store_maintain() that drops what is past retention now. */
int store_prune(struct store *s, int64_t now_ms, char **cause);

/* --- reading ------------------------------------------------------------------------------ */

/** One point of a series; gap marks the start of an outage (values then unknown). */
struct store_point {
	int64_t ts_ms;
	int64_t a, b;
	bool gap;
};

/**
 * @brief The cluster key to read: key when given (id or bootstrap), else the cluster last sampled
 * through bootstrap, else the one sampled last. NULL with *cause when the store knows none.
 */
char *store_cluster(struct store *s, const char *key, const char *bootstrap, char **cause);

/** @brief The cluster last sampled through exactly this bootstrap, or NULL (no fallback to another). */
char *store_cluster_of(struct store *s, const char *bootstrap);

/**
 * @brief Points of one series since since_ms (raw, then minute and hour roll-ups for older times),
 * oldest first, with a gap point where an outage began. group or topic may be "" (see above).
 */
int store_series(struct store *s, const char *cluster, const char *group, const char *topic, int32_t partition,
		 int64_t since_ms, struct store_point **out, int *n, char **cause);

/**
 * @brief The group ids the store knows of the cluster (its series and states), sorted: *names a
 * new NULL-terminated array of new strings (NULL when none), *n their count.
 */
int store_group_names(struct store *s, const char *cluster, char ***names, int *n, char **cause);
/** @brief The partitions (topic, partition) of a group's stored series, for --topic filters. */
int store_group_partitions(struct store *s, const char *cluster, const char *group, const char *topic, char ***topics,
			   int32_t **parts, int *n, char **cause);

/**
 * @brief The groups of a cluster sampled since since_ms, sorted by name.
 * @param names new array of *n new strings
 * @return 0, or -1 with *cause
 */
int store_groups(struct store *s, const char *cluster, int64_t since_ms, char ***names, int *n, char **cause);

/** A partition series' newest values: group "" for a topic partition (a = end), else a = committed, b = end. */
typedef void (*store_newest_fn)(void *ud, const char *group, const char *topic, int32_t partition, int64_t a,
				int64_t b);
/**
 * @brief Calls fn with the newest values of every partition series of a cluster (topic partitions
 * first, then groups by name, each by topic and partition), in one scan.
 * @return 0, or -1 with *cause
 */
int store_newest(struct store *s, const char *cluster, store_newest_fn fn, void *ud, char **cause);

/**
 * One row of store_group_window(): a partition's seen (newest) values (ts_ms -1: none) and one of
 * its raw rows (ts_ms -1: none in the window), rows in time order, partitions by topic and number.
 */
typedef void (*store_window_fn)(void *ud, const char *topic, int32_t partition, const struct store_point *seen,
				const struct store_point *row);
/**
 * @brief Every partition series of a group with its raw rows from the newest one at or before
 * since_ms on (one query for the whole group; roll-ups and gaps are not read).
 * @return 0, or -1 with *cause
 */
int store_group_window(struct store *s, const char *cluster, const char *group, int64_t since_ms, store_window_fn fn,
		       void *ud, char **cause);

/** @brief A group's state at its newest tick ("Stable", "Empty", ...), or NULL when none is stored. New string. */
char *store_group_state(struct store *s, const char *cluster, const char *group);

/**
 * @brief The last metadata snapshot of a cluster as a model, and when it was last confirmed.
 * @return 0, or -1 (none stored) with *cause
 */
int store_last_model(struct store *s, const char *cluster, struct model **out, int64_t *seen_ms, char **cause);

/** @brief Whether any series of the cluster is stored: of groups (lag), or else of topics (end offsets). */
bool store_has_series(struct store *s, const char *cluster, bool groups);
/**
 * @brief Opens a read transaction for many reads in a row (one lock instead of one per statement);
 * false when one is open already (or it failed): then do not call store_read_end.
 */
bool store_read_begin(struct store *s);
/** @brief Ends the read transaction of store_read_begin. */
void store_read_end(struct store *s);

/** One topic of a stored snapshot, as the topics list shows it (table topic_row). */
struct store_topic_row {
	char *name;
	int partitions, replication_factor, under_replicated, offline, not_preferred;
};

/** A stored snapshot as compact rows: the cluster's (table cluster_row) and its topics'. */
struct store_rows {
	char *cluster_id; /* NULL when the cluster has none */
	int controller, brokers;
	struct store_topic_row *topics; /* sorted by name */
	int ntopics;
};

/**
 * @brief A cluster's last snapshot as compact rows, without reading the snapshot's document: what
 * the first frames of the TUI (`cluster --stored`, `topics --stored`) show. Written with every
 * snapshot (store_tick_model) and, for snapshots stored before, by the schema's migration.
 * @param seen_ms set to when the snapshot was last confirmed
 * @return 0 with *out (free with store_rows_clear), or -1 (none stored) with *cause
 */
int store_rows(struct store *s, const char *cluster, struct store_rows *out, int64_t *seen_ms, char **cause);
/** @brief Frees what the rows of store_rows hold. */
void store_rows_clear(struct store_rows *r);

/* --- command history ---------------------------------------------------------------------- */

/** @brief A command line with secrets replaced by "***" (-X k=v with a secret key, --password*, token=...). */
char *store_redact(const char *line);
/** @brief Adds a command line (redacted here) from face ("repl", "tui"). */
int store_command_add(struct store *s, const char *face, const char *line, int64_t ts_ms);
/** @brief The last max command lines of face, oldest first; *n gets the count. Caller frees each and the array. */
char **store_commands(struct store *s, const char *face, int max, int *n);

/* --- queries for a person ------------------------------------------------------------------ */

/** Bounds of a query a person typed (history sql); zeros: none. */
struct store_limits {
	int64_t max_ms;         /* time limit (a progress handler checks it every 1000 VM steps) */
	int64_t max_rows;       /* rows at most */
	atomic_bool *interrupt; /* set (another thread, a signal handler) to stop it; NULL: none */
};

/** How store_query() ended. */
enum store_stop {
	STORE_DONE = 0,
	STORE_STOP_TIME,      /* past lim->max_ms */
	STORE_STOP_ROWS,      /* more than lim->max_rows rows */
	STORE_STOP_INTERRUPT, /* *lim->interrupt was set */
	STORE_STOP_REFUSED,   /* not one read-only SELECT over the tables (*cause says why) */
	STORE_STOP_ERROR,     /* the file or SQLite failed (*cause says why) */
};

/**
 * @brief Runs one read-only SELECT on the store file at path, on a read-only connection of its own
 * (any thread) with an authorizer that allows reading only, within lim. Text that is not valid
 * UTF-8 (values and column names) comes with U+FFFD for each bad byte; blobs as "<N bytes>".
 * @param rows set on STORE_DONE: a new array of objects {column: value}
 * @return STORE_DONE, or why it stopped (*cause, callee allocates, set for REFUSED and ERROR)
 */
int store_query(const char *path, const char *sql, const struct store_limits *lim, json_t **rows, char **cause);

#endif
