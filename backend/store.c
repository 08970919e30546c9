#include "store.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "escape.h"
#include "lag.h"
#include "parse.h"
#include "samplepack.h"
#include "sbuf.h"
#include "storeckpt.h"
#include "xalloc.h"

/* --- schema ------------------------------------------------------------------------------- */

/*
 * Step N builds version N from N-1. Append only: a released step never changes.
 * Times: sample and rollup ts in seconds (smaller rows); everything else in milliseconds.
 */
static const char *const store_steps[STORE_SCHEMA_VERSION + 1] = {
	NULL,
	/* 1: clusters, series, raw samples, snapshots, events */
	"CREATE TABLE cluster(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, bootstrap TEXT, seen_ms INTEGER);"
	"CREATE TABLE series(id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL, grp TEXT NOT NULL, topic TEXT NOT NULL,"
	" part INTEGER NOT NULL, last_ts INTEGER, last_a INTEGER, last_b INTEGER, UNIQUE(cluster, grp, topic, part));"
	"CREATE TABLE sample(series INTEGER NOT NULL, ts INTEGER NOT NULL, a INTEGER, b INTEGER,"
	" PRIMARY KEY(series, ts)) WITHOUT ROWID;"
	"CREATE TABLE snapshot(cluster INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, seen_ms INTEGER NOT NULL,"
	" doc TEXT NOT NULL);"
	"CREATE TABLE event(id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL, ts_ms INTEGER NOT NULL,"
	" kind TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT);"
	"CREATE INDEX event_time ON event(cluster, ts_ms);",
	/* 2: gaps, group states, roll-ups and their watermarks */
	"CREATE TABLE gap(id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER,"
	" cause TEXT);"
	"CREATE TABLE group_state(cluster INTEGER NOT NULL, grp TEXT NOT NULL, state TEXT NOT NULL,"
	" PRIMARY KEY(cluster, grp)) WITHOUT ROWID;"
	"CREATE TABLE rollup(series INTEGER NOT NULL, res INTEGER NOT NULL, ts INTEGER NOT NULL, a INTEGER, b INTEGER,"
	" bmax INTEGER, PRIMARY KEY(series, res, ts)) WITHOUT ROWID;"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;",
	/* 3: command history */
	"CREATE TABLE command(id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, face TEXT NOT NULL, line TEXT NOT NULL);"
	"CREATE INDEX command_face ON command(face, id);",
	/* 4: a partition's newest values, seen but not yet stored as a row (rows are spaced) */
	"ALTER TABLE series ADD COLUMN seen_ts INTEGER;"
	"ALTER TABLE series ADD COLUMN seen_a INTEGER;"
	"ALTER TABLE series ADD COLUMN seen_b INTEGER;",
	/* 5: a group's type: classic or consumer (KIP-848); NULL when not known */
	"ALTER TABLE group_state ADD COLUMN type TEXT;",
	/* 6: Schema Registry schemas by (registry URL, id), so a tail decodes them offline (registry.h) */
	"CREATE TABLE schema(registry TEXT NOT NULL, id INTEGER NOT NULL, type TEXT NOT NULL, schema TEXT NOT NULL,"
	" fetched_ms INTEGER NOT NULL, PRIMARY KEY(registry, id)) WITHOUT ROWID;",
	/*
	 * 7: a cluster's snapshot as compact rows (store_rows): one for the cluster (cluster_row), one per
	 * topic (topic_row), written with the snapshot, so the first frames of the TUI's title bar and
	 * topics view read 10,000 short rows instead of parsing the whole document (0.8-1 s at 100,000
	 * partitions). Filled here from the snapshots already stored, with the counts model_new() makes:
	 * offline = no leader or LEADER_NOT_AVAILABLE (5), under-replicated = fewer ISRs than replicas,
	 * the replication factor the most replicas of a partition, not preferred = led by another broker
	 * than its first replica.
	 */
	"CREATE TABLE cluster_row(cluster INTEGER PRIMARY KEY, cluster_id TEXT, controller INTEGER NOT NULL,"
	" brokers INTEGER NOT NULL);"
	"INSERT OR REPLACE INTO cluster_row SELECT cluster, json_extract(doc, '$.cluster_id'),"
	" coalesce(json_extract(doc, '$.controller'), -1), coalesce(json_array_length(doc, '$.brokers'), 0) FROM "
	"snapshot;"
	"CREATE TABLE topic_row(cluster INTEGER NOT NULL, name TEXT NOT NULL, partitions INTEGER NOT NULL,"
	" rf INTEGER NOT NULL, under_replicated INTEGER NOT NULL, offline INTEGER NOT NULL,"
	" not_preferred INTEGER NOT NULL, PRIMARY KEY(cluster, name)) WITHOUT ROWID;"
	"INSERT OR REPLACE INTO topic_row SELECT n.cluster, json_extract(t.value, '$.name'),"
	" json_array_length(t.value, '$.partitions'),"
	" (SELECT coalesce(max(json_array_length(p.value, '$.replicas')), 0) FROM json_each(t.value, '$.partitions') "
	"p),"
	" (SELECT count(*) FROM json_each(t.value, '$.partitions') p"
	"  WHERE json_array_length(p.value, '$.isr') < json_array_length(p.value, '$.replicas')),"
	" (SELECT count(*) FROM json_each(t.value, '$.partitions') p"
	"  WHERE json_extract(p.value, '$.leader') < 0 OR json_extract(p.value, '$.err') = 5),"
	" (SELECT count(*) FROM json_each(t.value, '$.partitions') p WHERE json_array_length(p.value, '$.replicas') > 0"
	"  AND json_extract(p.value, '$.leader') IS NOT json_extract(p.value, '$.replicas[0]'))"
	" FROM snapshot n, json_each(n.doc, '$.topics') t;",
	/*
	 * 8: raw samples packed, a series' hour in one row (samplepack.h): 3.5 M rows a day of 25 bytes
	 * at 10,000 partitions become 0.5 M. The hour being written stays in sample_raw (the old table,
	 * renamed: a tick's inserts are as before) until store_maintain packs it; `sample` is a view
	 * over both, with sample's old columns, for `history sql`. store_migrate packs the rows of
	 * past hours in the same transaction.
	 */
	"ALTER TABLE sample RENAME TO sample_raw;"
	"CREATE TABLE sample_pack(series INTEGER NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL,"
	" PRIMARY KEY(series, ts)) WITHOUT ROWID;"
	"CREATE VIEW sample(series, ts, a, b) AS SELECT series, ts, a, b FROM sample_raw UNION ALL SELECT p.series, "
	"u.ts,"
	" u.a, u.b FROM sample_pack p, sample_unpack(p.ts, p.n, p.data) u;",
};

static int store_user_version(sqlite3 *db);
static int store_pack(sqlite3 *db, int64_t cut, int64_t *damaged, char **cause);

/* Each step in its own write transaction, re-reading the version there: another kcon may have just done it. */
int store_migrate(sqlite3 *db, int from, int to, char **cause)
{
	for (int v = from + 1; v <= to && v <= STORE_SCHEMA_VERSION; v++) {
		char *msg = NULL;
		int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
		if (rc == SQLITE_OK && store_user_version(db) < v) {
			char *sql = x_asprintf("%s PRAGMA user_version=%d;", store_steps[v], v);
			if (v == 8 && (rc = samplepack_register(db)) != SQLITE_OK)
				msg = sqlite3_mprintf(
					"registering sample_unpack: %s (kcon's SQLite needs virtual tables; "
					"move history.db aside to start a new one)",
					sqlite3_errmsg(db));
			if (rc == SQLITE_OK)
				rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
			free(sql);
			/* 8: the raw rows of past hours packed, in the step's transaction */
			int64_t cut = clock_wall_ms() / 1000 / 3600 * 3600;
			int64_t damaged = 0; /* none: version 7 has no packed rows */
			if (rc == SQLITE_OK && v == 8 && store_pack(db, cut, &damaged, cause) < 0) {
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
				return -1;
			}
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			*cause = x_asprintf("history store: migrating the schema to version %d: %s", v,
					    msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* --- the store ---------------------------------------------------------------------------- */

/* What the store remembers of a series between ticks, so unchanged partitions cost no query. */
struct store_series_ent {
	int64_t id;      /* the series' row id; 0: not looked up yet */
	int64_t last_ts; /* seconds of the last stored row; 0 when none */
	int64_t a, b;    /* the newest values seen (stored or not) */
};

/*
 * The series of one (cluster, group, topic), indexed by partition + 1 (0: the aggregate). A tick
 * passes a topic's partitions one after the other, so most lookups are the last topic's array:
 * no key is formatted or hashed per partition (20,000 of them per tick).
 */
struct store_topic_ent {
	int64_t cluster;
	char *grp, *topic;
	uint64_t hash;
	struct store_series_ent *parts;
	size_t nparts;
};

#define STORE_READS 32

struct store {
	sqlite3 *db;
	char *path;
	struct store_opts opts;
	struct store_topic_ent *topics; /* the cache of series */
	size_t ntopics, topics_cap;
	size_t *slots; /* open addressing over topics (index + 1; 0: free), a power of two */
	size_t nslots;
	size_t last; /* index + 1 of the topic looked up last; 0: none */
	sqlite3_stmt *st_series_get, *st_series_add, *st_series_upd, *st_sample;
	/* Reads asked once per topic (sparklines): prepared once, by their SQL text's address. */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} reads[STORE_READS];
	int nreads;
	/* The last model read back from a snapshot, for the next ask of the same one (the TUI asks twice at start). */
	struct model *last_model;
	char *last_cluster;
	int64_t last_ts, last_seen;
	bool readonly;   /* opened by store_open_read: reads only */
	bool no_check;   /* opened by store_snapshot_fresh_at: no PRAGMA quick_check */
	int64_t damaged; /* damaged packed rows dropped by maintenance or pruning (store_damaged_take) */
	/* the WAL's checkpoints, off the writing thread (storeckpt.h); NULL in memory or read-only */
	struct storeckpt *ckpt;
};

static void store_cache_clear(struct store *s);

/*
 * A prepared statement of a read that runs per topic or series, reset for another use: preparing
 * it each time cost 7 prepares a sparkline, seconds for 10,000 topics. sql must be a string
 * literal (its address is the key). Reset it after use (store_read_done) so it holds no snapshot.
 */
static sqlite3_stmt *store_read(struct store *s, const char *sql)
{
	for (int i = 0; i < s->nreads; i++)
		if (s->reads[i].sql == sql) {
			sqlite3_clear_bindings(s->reads[i].st);
			return s->reads[i].st;
		}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	if (s->nreads < STORE_READS) {
		s->reads[s->nreads].sql = sql;
		s->reads[s->nreads++].st = st;
	}
	return st;
}

/* Done with a statement of store_read: reset, or finalized when it was not kept. */
static void store_read_done(struct store *s, sqlite3_stmt *st)
{
	for (int i = 0; i < s->nreads; i++)
		if (s->reads[i].st == st) {
			sqlite3_reset(st);
			return;
		}
	sqlite3_finalize(st);
}

static void store_defaults(struct store_opts *o)
{
	if (o->raw_ms <= 0)
		o->raw_ms = 24LL * 3600 * 1000;
	if (o->minute_ms <= 0)
		o->minute_ms = 7LL * 24 * 3600 * 1000;
	if (o->hour_ms <= 0)
		o->hour_ms = 90LL * 24 * 3600 * 1000;
	if (o->partition_interval_s <= 0)
		o->partition_interval_s = 300;
}

int store_opts_parse(const char *spec, struct store_opts *o, char **cause)
{
	static const char *const keys[] = { "raw", "minute", "hour" };
	struct store_opts t = *o;
	int64_t *slot[] = { &t.raw_ms, &t.minute_ms, &t.hour_ms };
	char *copy = x_strdup(spec), *save = NULL;
	int rc = 0, n = 0;
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0; item = strtok_r(NULL, ",", &save), n++) {
		item += strspn(item, " ");
		for (size_t len = strlen(item); len > 0 && item[len - 1] == ' ';)
			item[--len] = '\0';
		char *eq = strchr(item, '=');
		size_t k = 0;
		if (eq)
			for (*eq = '\0'; k < 3 && strcmp(item, keys[k]) != 0; k++)
				;
		char *why = NULL;
		if (eq == NULL || k == 3) {
			*cause = x_asprintf(
				"retention: `%s` is not raw=D, minute=D or hour=D (e.g. raw=24h,minute=7d,hour=90d)",
				item);
			rc = -1;
		} else if (clock_parse_duration(eq + 1, slot[k], &why) < 0 || eq[1] == '-') {
			*cause = x_asprintf("retention: %s: %s", keys[k], why ? why : "give a positive duration");
			rc = -1;
		}
		free(why);
	}
	free(copy);
	if (rc == 0 && n == 0) {
		*cause = x_strdup(
			"retention: empty: give raw=D, minute=D and/or hour=D (e.g. raw=24h,minute=7d,hour=90d)");
		rc = -1;
	}
	struct store_opts d = t;
	store_defaults(&d);
	if (rc == 0 && (d.raw_ms > d.hour_ms || d.minute_ms > d.hour_ms)) {
		*cause = x_asprintf(
			"retention: the per-hour roll-ups (hour=%llds) must be kept at least as long as the raw "
			"rows (raw=%llds) and the per-minute ones (minute=%llds)",
			(long long)(d.hour_ms / 1000), (long long)(d.raw_ms / 1000), (long long)(d.minute_ms / 1000));
		rc = -1;
	}
	if (rc == 0)
		*o = t;
	return rc;
}

const struct store_opts *store_options(const struct store *s)
{
	return &s->opts;
}

static int store_mkdir(const char *dir)
{
	char *p = x_strdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	return access(dir, W_OK | X_OK);
}

/* A state dir to use: made (make), or one already there (a look that makes nothing). */
static bool store_dir_usable(const char *dir, bool make)
{
	return make ? store_mkdir(dir) == 0 : access(dir, W_OK | X_OK) == 0;
}

static char *store_state_dir_pick(const char *override, bool make, char **notice, char **cause)
{
	const char *env = getenv("KCON_STATE_DIR"), *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir = NULL;
	if (override && *override)
		dir = x_strdup(override);
	else if (env && *env)
		dir = x_strdup(env);
	else if (xdg && *xdg == '/')
		dir = x_asprintf("%s/kcon", xdg);
	else if (home && *home == '/')
		dir = x_asprintf("%s/.local/state/kcon", home);
	if (dir && store_dir_usable(dir, make))
		return dir;
	if (override || (env && *env)) {
		*cause = x_asprintf("state dir %s: %s: give a writable --state-dir or KCON_STATE_DIR", dir,
				    strerror(errno));
		free(dir);
		return NULL;
	}
	/* No usable HOME (OpenShift runs pods with an arbitrary UID): a private dir in /tmp. */
	char *tmp = x_asprintf("/tmp/kcon-%u", (unsigned)getuid());
	struct stat st;
	if (store_dir_usable(tmp, make) && stat(tmp, &st) == 0 && st.st_uid == getuid()) {
		if (make)
			chmod(tmp, 0700);
		*notice = dir ? x_asprintf("history in %s: %s is not writable (set KCON_STATE_DIR to choose)", tmp, dir)
			      : x_asprintf("history in %s: HOME is not set (set KCON_STATE_DIR to choose)", tmp);
		free(dir);
		return tmp;
	}
	*cause = x_asprintf("no writable state dir (tried %s and %s): give --state-dir or --no-history",
			    dir ? dir : "$HOME", tmp);
	free(dir);
	free(tmp);
	return NULL;
}

char *store_state_dir(const char *override, char **notice, char **cause)
{
	return store_state_dir_pick(override, true, notice, cause);
}

char *store_state_dir_found(const char *override)
{
	char *notice = NULL, *cause = NULL;
	char *dir = store_state_dir_pick(override, false, &notice, &cause);
	free(notice);
	free(cause);
	return dir;
}

/*
 * A file whose header promises more pages than it holds was truncated. Not judged while a WAL
 * exists: a checkpoint in progress writes the header before the pages that follow.
 */
static bool store_truncated(const char *path)
{
	char *wal = x_asprintf("%s-wal", path);
	struct stat wst;
	bool busy = stat(wal, &wst) == 0 && wst.st_size > 0;
	free(wal);
	if (busy)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	unsigned char h[100];
	struct stat st;
	bool bad = false;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		ssize_t n = read(fd, h, sizeof(h));
		if (n < (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0) {
			bad = true;
		} else {
			uint32_t psz = (uint32_t)h[16] << 8 | h[17];
			if (psz == 1)
				psz = 65536;
			uint32_t pages = (uint32_t)h[28] << 24 | (uint32_t)h[29] << 16 | (uint32_t)h[30] << 8 | h[31];
			bool valid = memcmp(h + 24, h + 92, 4) == 0; /* the size is valid for this change counter */
			if (valid && pages && (int64_t)pages * psz > st.st_size)
				bad = true;
		}
	}
	close(fd);
	return bad;
}

/* How store_try_open opens the file. */
enum store_mode {
	STORE_RW,      /* read and write, made when missing; switched to WAL */
	STORE_RO,      /* SQLITE_OPEN_READONLY: a file the user cannot write */
	STORE_RO_EXCL, /* read-write but query-only, in exclusive locking mode: the WAL index in memory, no -shm to
			* make, for a full disk (the read-only open needs one) */
};

/* Opens and checks the file; -1 when it is not a readable SQLite database, -3 busy, -2 else. */
static int store_try_open(struct store *s, enum store_mode mode, char **cause)
{
	int flags = mode == STORE_RO   ? SQLITE_OPEN_READONLY
		    : mode == STORE_RW ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
				       : SQLITE_OPEN_READWRITE;
	int rc = sqlite3_open_v2(s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(s->db, 5000);
	char *msg = NULL;
	if (rc == SQLITE_OK && *s->path && store_truncated(s->path))
		rc = SQLITE_CORRUPT;
	/* Reading needs no page size nor journal mode: a read-only open changes nothing (a full disk, mode 0400). */
	const char *setup = mode == STORE_RW   ? "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA "
						 "synchronous=NORMAL; SELECT count(*) FROM sqlite_master;"
			    : mode == STORE_RO ? "SELECT count(*) FROM sqlite_master;"
					       : "PRAGMA locking_mode=EXCLUSIVE; PRAGMA query_only=1; SELECT count(*) "
						 "FROM sqlite_master;";
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, setup, NULL, NULL, &msg);
	/* after the setup: registering reads the schema (the full disk's exclusive locking mode first) */
	if (rc == SQLITE_OK)
		rc = samplepack_register(s->db);
	/* A full check reads the whole file: only while it is small (header and size checks cover the rest). */
	struct stat fst;
	bool small = !s->no_check && (!*s->path || (stat(s->path, &fst) == 0 && fst.st_size <= 16 * 1024 * 1024));
	if (rc == SQLITE_OK && small) {
		sqlite3_stmt *st = NULL;
		rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL);
		if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
			rc = SQLITE_CORRUPT;
		else if (rc == SQLITE_OK)
			rc = sqlite3_errcode(s->db) == SQLITE_ROW || sqlite3_errcode(s->db) == SQLITE_DONE
				     ? SQLITE_OK
				     : sqlite3_errcode(s->db);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK) {
		*cause = x_strdup(msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(s->db);
		s->db = NULL;
		return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? -1
		       : rc == SQLITE_BUSY || rc == SQLITE_LOCKED  ? -3
								   : -2;
	}
	return 0;
}

static int store_user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int store_prepare(struct store *s, sqlite3_stmt **st, const char *sql, char **cause)
{
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK)
		return 0;
	*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
	return -1;
}

/* True when the file system of path has less room than a page of WAL and its index (a full disk). */
static bool store_disk_full(const char *path)
{
	struct statvfs v;
	return statvfs(path, &v) == 0 && (uint64_t)v.f_bavail * v.f_frsize < 64 * 1024;
}

/* True when path exists but this user may not write it (mode 0400, a read-only mount). */
static bool store_unwritable(const char *path)
{
	return access(path, F_OK) == 0 && access(path, W_OK) != 0;
}

const char *store_hint(const char *path)
{
	if (path && *path && store_disk_full(path))
		return "the disk is full: free space on it, or give --state-dir on another disk (reading history "
		       "still works)";
	if (path && *path && store_unwritable(path))
		return "make it writable (chmod u+w), or give another --state-dir (reading history still works)";
	return NULL;
}

/* Why the file at path cannot be opened, from what the system or SQLite said (why). */
static char *store_open_cause(const char *path, const char *why)
{
	if (store_disk_full(path))
		return x_asprintf("history store %s: the disk is full (%s)", path, why);
	if (store_unwritable(path))
		return x_asprintf("history store %s is read-only (%s)", path, why);
	return x_asprintf("history store %s: %s", path, why);
}

static struct store *store_new(const char *path, const struct store_opts *opts)
{
	struct store *s = x_calloc(1, sizeof(*s));
	if (opts)
		s->opts = *opts;
	store_defaults(&s->opts);
	s->path = x_strdup(strcmp(path, ":memory:") == 0 ? "" : path);
	return s;
}

/* Opens s->path in mode, again for up to 5 s while busy. */
static int store_try_open_busy(struct store *s, enum store_mode mode, char **why)
{
	int rc = store_try_open(s, mode, why);
	/*
	 * Two processes making the file at once (a `watch` and a `history` query) can find each other
	 * switching it to WAL, which SQLite reports as busy without waiting: try again for 5 s.
	 */
	for (int i = 0; rc == -3 && i < 100; i++) {
		x_free(why);
		struct timespec nap = { 0, 50 * 1000000L };
		nanosleep(&nap, NULL);
		rc = store_try_open(s, mode, why);
	}
	return rc == -3 ? -2 : rc;
}

/* The open store's schema checked (and migrated when it may write), its statements prepared. */
static struct store *store_ready(struct store *s, char **cause)
{
	int v = store_user_version(s->db);
	if (v > STORE_SCHEMA_VERSION) {
		*cause = x_asprintf("history store %s has schema %d, newer than this kcon (%d): upgrade kcon, or use "
				    "another --state-dir",
				    s->path, v, STORE_SCHEMA_VERSION);
		store_close(&s);
		return NULL;
	}
	if ((!s->readonly && store_migrate(s->db, v, STORE_SCHEMA_VERSION, cause) < 0) ||
	    store_prepare(s, &s->st_series_get,
			  "SELECT id, last_ts, coalesce(seen_a, last_a), coalesce(seen_b, last_b) FROM series WHERE "
			  "cluster=?1 AND grp=?2 AND topic=?3 AND part=?4",
			  cause) < 0 ||
	    store_prepare(s, &s->st_series_add, "INSERT INTO series(cluster, grp, topic, part) VALUES(?1,?2,?3,?4)",
			  cause) < 0 ||
	    store_prepare(
		    s, &s->st_series_upd,
		    "UPDATE series SET last_ts=coalesce(?5, last_ts), last_a=CASE WHEN ?5 IS NULL THEN last_a ELSE "
		    "?3 END, last_b=CASE WHEN ?5 IS NULL THEN last_b ELSE ?4 END, seen_ts=?2, seen_a=?3, seen_b=?4 "
		    "WHERE id=?1",
		    cause) < 0 ||
	    store_prepare(s, &s->st_sample, "INSERT OR REPLACE INTO sample_raw(series, ts, a, b) VALUES(?1,?2,?3,?4)",
			  cause) < 0) {
		store_close(&s);
		return NULL;
	}
	return s;
}

struct store *store_open(const char *path, const struct store_opts *opts, char **notice, char **cause)
{
	struct store *s = store_new(path, opts);
	bool mem = !*s->path;
	if (!mem) {
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600); /* the mode sqlite then keeps */
		if (fd < 0) {
			char *why = x_strdup(strerror(errno));
			*cause = store_open_cause(path, why);
			free(why);
			store_close(&s);
			return NULL;
		}
		close(fd);
	}
	char *why = NULL;
	int rc = store_try_open_busy(s, STORE_RW, &why);
	if (rc == -1 && !mem) {
		/* Corrupt: move it aside (with its WAL) and start afresh. */
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		char *aside = x_asprintf("%s.corrupt-%s", path, stamp);
		rename(path, aside);
		for (int i = 0; i < 2; i++) {
			char *side = x_asprintf("%s%s", path, i ? "-shm" : "-wal");
			char *side_aside = x_asprintf("%s%s", aside, i ? "-shm" : "-wal");
			rename(side, side_aside);
			free(side);
			free(side_aside);
		}
		*notice = x_asprintf("history store %s was unreadable (%s): moved aside as %s, starting a fresh one",
				     path, why, aside);
		free(aside);
		free(why);
		why = NULL;
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		rc = store_try_open(s, STORE_RW, &why);
	}
	if (rc < 0) {
		*cause = mem ? x_asprintf("history store: %s", why) : store_open_cause(path, why);
		free(why);
		store_close(&s);
		return NULL;
	}
	s = store_ready(s, cause);
	if (s && !mem)
		s->ckpt = storeckpt_start(s->db, s->path);
	return s;
}

struct store *store_open_read(const char *path, const struct store_opts *opts, char **notice, char **cause)
{
	/* Nothing to read yet (or in memory): the file is made as for writing. */
	if (strcmp(path, ":memory:") == 0 || access(path, F_OK) != 0)
		return store_open(path, opts, notice, cause);
	struct store *s = store_new(path, opts);
	s->readonly = true;
	char *why = NULL;
	int rc = store_try_open_busy(s, STORE_RO, &why);
	if (rc == -2 && !store_unwritable(path)) {
		/* A read-only open of a WAL file makes its -shm, which a full disk refuses. */
		x_free(&why);
		rc = store_try_open_busy(s, STORE_RO_EXCL, &why);
	}
	/* A damaged file is moved aside, an older schema migrated: both write, as store_open does. */
	if (rc == -1 || (rc == 0 && store_user_version(s->db) < STORE_SCHEMA_VERSION)) {
		free(why);
		store_close(&s);
		return store_open(path, opts, notice, cause);
	}
	if (rc < 0) {
		*cause = store_open_cause(path, why);
		free(why);
		store_close(&s);
		return NULL;
	}
	return store_ready(s, cause);
}

bool store_readonly(const struct store *s)
{
	return s->readonly;
}

void store_close(struct store **sp)
{
	struct store *s = *sp;
	if (s == NULL)
		return;
	sqlite3_finalize(s->st_series_get);
	sqlite3_finalize(s->st_series_add);
	sqlite3_finalize(s->st_series_upd);
	sqlite3_finalize(s->st_sample);
	for (int i = 0; i < s->nreads; i++)
		sqlite3_finalize(s->reads[i].st);
	model_unref(&s->last_model);
	free(s->last_cluster);
	storeckpt_stop(&s->ckpt); /* before the last connection closes (which checkpoints, as ever) */
	if (s->db)
		sqlite3_close(s->db);
	store_cache_clear(s);
	free(s->path);
	free(s);
	*sp = NULL;
}

const char *store_path(const struct store *s)
{
	return s->path;
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

struct storeckpt *store_checkpointer(struct store *s)
{
	return s->ckpt;
}

/* --- small helpers ------------------------------------------------------------------------ */

static int64_t store_int(struct store *s, const char *sql, const char *text, int64_t i1, int64_t def)
{
	sqlite3_stmt *st;
	int64_t v = def;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return def;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, i1);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Runs sql with up to 4 integer-or-text parameters ("i" or "t" per letter of types). */
static int store_run(struct store *s, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 't') {
			const char *t = va_arg(ap, const char *);
			if (t) /* the statement ends here: no copy (a snapshot's document is megabytes) */
				sqlite3_bind_text(st, i + 1, t, -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		}
	}
	va_end(ap);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The cluster's row id, made on first sight. */
static int64_t store_cluster_id(struct store *s, const char *key, const char *bootstrap, int64_t ts_ms)
{
	store_run(s,
		  "INSERT INTO cluster(key, bootstrap, seen_ms) VALUES(?1, ?2, ?3) ON CONFLICT(key) DO UPDATE SET "
		  "bootstrap=coalesce(?2, bootstrap), seen_ms=max(coalesce(seen_ms, 0), ?3)",
		  "tti", key, bootstrap, ts_ms);
	return store_int(s, "SELECT id FROM cluster WHERE key=?1", key, 0, 0);
}

/* FNV-1a, continued from h over n bytes. */
static uint64_t store_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *k = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	return h;
}

/* The slot of (cluster, grp, topic) in s->slots, or the free slot where it goes. */
static size_t *store_topic_slot(struct store *s, uint64_t h, int64_t cluster, const char *grp, const char *topic)
{
	for (size_t i = h & (s->nslots - 1);; i = (i + 1) & (s->nslots - 1)) {
		const struct store_topic_ent *te = s->slots[i] ? &s->topics[s->slots[i] - 1] : NULL;
		if (te == NULL || (te->hash == h && te->cluster == cluster && strcmp(te->topic, topic) == 0 &&
				   strcmp(te->grp, grp) == 0))
			return &s->slots[i];
	}
}

/* The cache entry of (cluster, grp, topic), made on first sight. */
static struct store_topic_ent *store_topic_ent(struct store *s, int64_t cluster, const char *grp, const char *topic)
{
	if (s->last) {
		struct store_topic_ent *te = &s->topics[s->last - 1];
		if (te->cluster == cluster && strcmp(te->topic, topic) == 0 && strcmp(te->grp, grp) == 0)
			return te;
	}
	if ((s->ntopics + 1) * 2 > s->nslots) { /* grow the slots, keep the topics */
		free(s->slots);
		s->nslots = s->nslots ? s->nslots * 2 : 256;
		s->slots = x_calloc(s->nslots, sizeof(*s->slots));
		for (size_t i = 0; i < s->ntopics; i++) {
			size_t k = s->topics[i].hash & (s->nslots - 1);
			while (s->slots[k])
				k = (k + 1) & (s->nslots - 1);
			s->slots[k] = i + 1;
		}
	}
	uint64_t h = store_hash(1469598103934665603ULL, &cluster, sizeof(cluster));
	h = store_hash(h, grp, strlen(grp) + 1); /* with its NUL, so ("ab", "c") and ("a", "bc") differ */
	h = store_hash(h, topic, strlen(topic));
	size_t *slot = store_topic_slot(s, h, cluster, grp, topic);
	if (*slot == 0) {
		if (s->ntopics == s->topics_cap) {
			s->topics_cap = s->topics_cap ? s->topics_cap * 2 : 64;
			s->topics = x_reallocarray(s->topics, s->topics_cap, sizeof(*s->topics));
		}
		s->topics[s->ntopics] = (struct store_topic_ent){
			.cluster = cluster, .grp = x_strdup(grp), .topic = x_strdup(topic), .hash = h
		};
		*slot = ++s->ntopics;
	}
	s->last = *slot;
	return &s->topics[*slot - 1];
}

/* Forgets every cached series (a rolled-back tick: what the cache says was stored was not). */
static void store_cache_clear(struct store *s)
{
	for (size_t i = 0; i < s->ntopics; i++) {
		free(s->topics[i].grp);
		free(s->topics[i].topic);
		free(s->topics[i].parts);
	}
	x_free(&s->topics);
	x_free(&s->slots);
	s->ntopics = s->topics_cap = s->nslots = s->last = 0;
}

/* The series (cluster, grp, topic, part >= -1): from the cache, else the table, else made. */
static struct store_series_ent *store_series_ent(struct store *s, int64_t cluster, const char *grp, const char *topic,
						 int32_t part)
{
	struct store_topic_ent *te = store_topic_ent(s, cluster, grp, topic);
	size_t k = part < 0 ? 0 : (size_t)part + 1;
	if (k >= te->nparts) {
		size_t n = k + 1 > te->nparts * 2 ? k + 1 : te->nparts * 2;
		te->parts = x_reallocarray(te->parts, n, sizeof(*te->parts));
		memset(te->parts + te->nparts, 0, (n - te->nparts) * sizeof(*te->parts));
		te->nparts = n;
	}
	struct store_series_ent *e = &te->parts[k];
	if (e->id)
		return e;
	sqlite3_stmt *st = s->st_series_get;
	sqlite3_bind_int64(st, 1, cluster);
	sqlite3_bind_text(st, 2, grp, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, part);
	if (sqlite3_step(st) == SQLITE_ROW) {
		e->id = sqlite3_column_int64(st, 0);
		e->last_ts = sqlite3_column_int64(st, 1);
		e->a = sqlite3_column_int64(st, 2);
		e->b = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (e->id == 0) {
		st = s->st_series_add;
		sqlite3_bind_int64(st, 1, cluster);
		sqlite3_bind_text(st, 2, grp, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, part);
		sqlite3_step(st);
		sqlite3_reset(st);
		e->id = sqlite3_last_insert_rowid(s->db);
	}
	return e;
}

/*
 * Stores a row of a series: always (every), or, for partitions, when its values changed and the
 * last row is partition_interval old; changes in between only update the series' seen_* values,
 * which store_series() shows as the newest point.
 */
static void store_sample(struct store *s, struct store_series_ent *e, int64_t ts, int64_t a, int64_t b, bool every)
{
	bool changed = !e->last_ts || e->a != a || e->b != b;
	if (!every && !changed)
		return;
	bool row = every || !e->last_ts || ts - e->last_ts >= s->opts.partition_interval_s;
	sqlite3_stmt *st = s->st_sample;
	if (row) {
		sqlite3_bind_int64(st, 1, e->id);
		sqlite3_bind_int64(st, 2, ts);
		if (a < 0)
			sqlite3_bind_null(st, 3);
		else
			sqlite3_bind_int64(st, 3, a);
		if (b < 0)
			sqlite3_bind_null(st, 4);
		else
			sqlite3_bind_int64(st, 4, b);
		sqlite3_step(st);
		sqlite3_reset(st);
		e->last_ts = ts;
	}
	e->a = a;
	e->b = b;
	if (every)
		return; /* aggregates need no change detection after a restart */
	st = s->st_series_upd;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int64(st, 3, a);
	sqlite3_bind_int64(st, 4, b);
	if (row)
		sqlite3_bind_int64(st, 5, ts);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_step(st);
	sqlite3_reset(st);
}

/* --- ticks -------------------------------------------------------------------------------- */

struct store_tick {
	struct store *s;
	int64_t cluster, ts_ms;
	/* the group and topic being summed into their aggregates */
	char *group;
	int64_t g_committed, g_lag;
	bool g_any;
	char *topic;
	int64_t t_end;
	bool t_any;
	bool failed;
	char *why; /* SQLite's word on the first failure, for the commit's cause */
};

/* The tick cannot be committed: the first failure's error kept for store_tick_commit(). */
static void store_tick_fail(struct store_tick *t)
{
	t->failed = true;
	if (t->why == NULL)
		t->why = x_strdup(sqlite3_errmsg(t->s->db));
}

static void store_event(struct store_tick *t, const char *kind, const char *subject, const char *detail)
{
	store_run(t->s, "INSERT INTO event(cluster, ts_ms, kind, subject, detail) VALUES(?1, ?2, ?3, ?4, ?5)", "iittt",
		  t->cluster, t->ts_ms, kind, subject, detail);
}

struct store_tick *store_tick_begin(struct store *s, const char *cluster_key, const char *bootstrap, int64_t ts_ms)
{
	struct store_tick *t = x_calloc(1, sizeof(*t));
	t->s = s;
	t->ts_ms = ts_ms;
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		store_tick_fail(t);
	t->cluster = store_cluster_id(s, cluster_key, bootstrap, ts_ms);
	return t;
}

static void store_flush_group(struct store_tick *t)
{
	if (t->group && t->g_any) {
		struct store_series_ent *e = store_series_ent(t->s, t->cluster, t->group, "", -1);
		store_sample(t->s, e, t->ts_ms / 1000, t->g_committed, t->g_lag, true);
	}
	x_free(&t->group);
	t->g_committed = t->g_lag = 0;
	t->g_any = false;
}

static void store_flush_topic(struct store_tick *t)
{
	if (t->topic && t->t_any) {
		struct store_series_ent *e = store_series_ent(t->s, t->cluster, "", t->topic, -1);
		store_sample(t->s, e, t->ts_ms / 1000, t->t_end, -1, true);
	}
	x_free(&t->topic);
	t->t_end = 0;
	t->t_any = false;
}

/* An event "old -> new" of kind about group when old is known and differs from new. */
static void store_group_change(struct store_tick *t, const char *kind, const char *group, const char *old,
			       const char *new)
{
	if (old && new &&strcmp(old, new) != 0) {
		char *d = x_asprintf("%s -> %s", old, new);
		store_event(t, kind, group, d);
		free(d);
	}
}

static bool store_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void store_tick_group(struct store_tick *t, const char *group, const char *state, const char *type)
{
	store_flush_group(t);
	t->group = x_strdup(group);
	if (state == NULL)
		return;
	/* asked for every group at every tick: prepared once */
	sqlite3_stmt *st = store_read(t->s, "SELECT state, type FROM group_state WHERE cluster=?1 AND grp=?2");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, t->cluster);
	sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
	char *old = NULL, *old_type = NULL;
	bool known = sqlite3_step(st) == SQLITE_ROW;
	if (known) {
		old = x_strdup((const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			old_type = x_strdup((const char *)sqlite3_column_text(st, 1));
	}
	store_read_done(t->s, st);
	/* A type not said this time (the broker did not) keeps the one stored. */
	if (type == NULL)
		type = old_type;
	if (!known || strcmp(old, state) != 0 || !store_same(old_type, type)) {
		store_group_change(t, "group-state", group, old, state);
		/* a classic group upgraded to the consumer protocol in place, or back */
		store_group_change(t, "group-type", group, old_type, type);
		store_run(t->s, "INSERT OR REPLACE INTO group_state(cluster, grp, state, type) VALUES(?1, ?2, ?3, ?4)",
			  "ittt", t->cluster, group, state, type);
	}
	free(old);
	free(old_type);
}

void store_tick_group_partition(struct store_tick *t, const char *group, const char *topic, int32_t partition,
				int64_t committed, int64_t end)
{
	if (t->group == NULL || strcmp(t->group, group) != 0)
		store_tick_group(t, group, NULL, NULL);
	struct store_series_ent *e = store_series_ent(t->s, t->cluster, group, topic, partition);
	store_sample(t->s, e, t->ts_ms / 1000, committed, end, false);
	if (committed >= 0) {
		t->g_committed += committed;
		if (end >= committed)
			t->g_lag += end - committed;
		t->g_any = true;
	}
}

void store_tick_topic_partition(struct store_tick *t, const char *topic, int32_t partition, int64_t end)
{
	if (t->topic == NULL || strcmp(t->topic, topic) != 0) {
		store_flush_topic(t);
		t->topic = x_strdup(topic);
	}
	struct store_series_ent *e = store_series_ent(t->s, t->cluster, "", topic, partition);
	store_sample(t->s, e, t->ts_ms / 1000, end, -1, false);
	if (end >= 0) {
		t->t_end += end;
		t->t_any = true;
	}
}

/* A JSON string of trusted-length text: names from the cluster, escaped by jansson's rules. */
/* A JSON array of broker ids: [1,2,3]. */
static void store_json_ids(struct sbuf *sb, const int32_t *v, int n)
{
	sbuf_addc(sb, '[');
	for (int k = 0; k < n; k++) {
		if (k)
			sbuf_addc(sb, ',');
		sbuf_addi(sb, v[k]);
	}
	sbuf_addc(sb, ']');
}

static void store_json_str(struct sbuf *sb, const char *s)
{
	s = s ? s : "";
	/* Printable ASCII without " or \ (every topic name, most hosts) is written as it is, as jansson would. */
	const char *p = s;
	while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
		p++;
	if (*p == '\0') {
		sbuf_addc(sb, '"');
		sbuf_addn(sb, s, (size_t)(p - s));
		sbuf_addc(sb, '"');
		return;
	}
	json_t *j = json_string(s);
	char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
	sbuf_add(sb, t ? t : "\"\"");
	free(t);
	json_decref(j);
}

/*
 * The snapshot document of a model, written straight to text (a 100k-partition cluster would take
 * a hundred megabytes as jansson objects): what the offline start shows and events are diffed from.
 */
#define STORE_LIT(sb, lit) sbuf_addn(sb, lit, sizeof(lit) - 1) /* a literal: its length known */
static void store_model_doc(struct sbuf *sb, const struct model *m)
{
	STORE_LIT(sb, "\"cluster_id\":");
	if (m->cluster_id)
		store_json_str(sb, m->cluster_id);
	else
		STORE_LIT(sb, "null");
	STORE_LIT(sb, ",\"controller\":");
	sbuf_addi(sb, m->controller);
	STORE_LIT(sb, ",\"brokers\":[");
	for (int i = 0; i < m->nbrokers; i++) {
		if (i)
			sbuf_addc(sb, ',');
		STORE_LIT(sb, "{\"id\":");
		sbuf_addi(sb, m->brokers[i].id);
		STORE_LIT(sb, ",\"host\":");
		store_json_str(sb, m->brokers[i].host);
		STORE_LIT(sb, ",\"port\":");
		sbuf_addi(sb, m->brokers[i].port);
		sbuf_addc(sb, '}');
	}
	STORE_LIT(sb, "],\"topics\":[");
	for (int i = 0; i < m->ntopics; i++) {
		const struct model_topic *t = &m->topics[i];
		if (i)
			sbuf_addc(sb, ',');
		STORE_LIT(sb, "{\"name\":");
		store_json_str(sb, t->name);
		STORE_LIT(sb, ",\"err\":");
		sbuf_addi(sb, t->err);
		STORE_LIT(sb, ",\"partitions\":[");
		for (int p = 0; p < t->npartitions; p++) {
			const struct model_partition *mp = &t->partitions[p];
			if (p)
				sbuf_addc(sb, ',');
			STORE_LIT(sb, "{\"id\":");
			sbuf_addi(sb, mp->id);
			STORE_LIT(sb, ",\"leader\":");
			sbuf_addi(sb, mp->leader);
			STORE_LIT(sb, ",\"replicas\":");
			store_json_ids(sb, mp->replicas, mp->nreplicas);
			STORE_LIT(sb, ",\"isr\":");
			store_json_ids(sb, mp->isr, mp->nisr);
			STORE_LIT(sb, ",\"err\":");
			sbuf_addi(sb, mp->err);
			sbuf_addc(sb, '}');
		}
		STORE_LIT(sb, "]}");
	}
	STORE_LIT(sb, "]}");
}

#undef STORE_LIT

static json_t *store_find_id(json_t *a, const char *field, json_t *want)
{
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) if (json_equal(json_object_get(v, field), want)) return v;
	return NULL;
}

static void store_diff_partition(struct store_tick *t, const char *topic, json_t *op, json_t *np)
{
	char *subject = x_asprintf("%s/%lld", topic, (long long)json_integer_value(json_object_get(np, "id")));
	json_int_t ol = json_integer_value(json_object_get(op, "leader"));
	json_int_t nl = json_integer_value(json_object_get(np, "leader"));
	size_t oi = json_array_size(json_object_get(op, "isr")), ni = json_array_size(json_object_get(np, "isr"));
	char *d = NULL;
	if (ol >= 0 && nl < 0) {
		store_event(t, "partition-offline", subject, NULL);
	} else if (ol < 0 && nl >= 0) {
		d = x_asprintf("leader %lld", (long long)nl);
		store_event(t, "partition-online", subject, d);
	} else if (ol != nl) {
		d = x_asprintf("leader %lld -> %lld", (long long)ol, (long long)nl);
		store_event(t, "leader-change", subject, d);
	}
	x_free(&d);
	if (oi != ni) {
		char *os = json_dumps(json_object_get(op, "isr"), JSON_COMPACT);
		char *ns = json_dumps(json_object_get(np, "isr"), JSON_COMPACT);
		d = x_asprintf("isr %s -> %s", os, ns);
		store_event(t, ni < oi ? "isr-shrink" : "isr-expand", subject, d);
		free(os);
		free(ns);
		free(d);
	}
	free(subject);
}

/* The members of a snapshot's array by a string field: one step per lookup, not a walk (10,000 topics). */
static json_t *store_index(json_t *a, const char *field)
{
	json_t *ix = json_object(), *v;
	size_t i;
	json_array_foreach(a, i, v)
	{
		const char *k = json_string_value(json_object_get(v, field));
		if (k)
			json_object_set(ix, k, v);
	}
	return ix;
}

static void store_diff(struct store_tick *t, json_t *old, json_t *doc)
{
	json_t *ob = json_object_get(old, "brokers"), *nb = json_object_get(doc, "brokers"), *v;
	json_t *ot = json_object_get(old, "topics"), *nt = json_object_get(doc, "topics");
	size_t i;
	char buf[32];
	json_array_foreach(ob, i, v) if (!store_find_id(nb, "id", json_object_get(v, "id")))
	{
		snprintf(buf, sizeof(buf), "broker %lld", (long long)json_integer_value(json_object_get(v, "id")));
		store_event(t, "broker-gone", buf, json_string_value(json_object_get(v, "host")));
	}
	json_array_foreach(nb, i, v) if (!store_find_id(ob, "id", json_object_get(v, "id")))
	{
		snprintf(buf, sizeof(buf), "broker %lld", (long long)json_integer_value(json_object_get(v, "id")));
		store_event(t, "broker-back", buf, json_string_value(json_object_get(v, "host")));
	}
	json_t *oix = store_index(ot, "name"), *nix = store_index(nt, "name");
	json_array_foreach(ot, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		if (json_object_get(nix, name) == NULL)
			store_event(t, "topic-deleted", name, NULL);
	}
	json_array_foreach(nt, i, v)
	{
		const char *name = json_string_value(json_object_get(v, "name"));
		json_t *o = json_object_get(oix, name);
		if (o == NULL) {
			snprintf(buf, sizeof(buf), "%zu partitions", json_array_size(json_object_get(v, "partitions")));
			store_event(t, "topic-created", name, buf);
			continue;
		}
		size_t k;
		json_t *np;
		json_array_foreach(json_object_get(v, "partitions"), k, np)
		{
			json_t *ops = json_object_get(o, "partitions"), *id = json_object_get(np, "id");
			json_t *op = json_array_get(ops, (size_t)json_integer_value(id)); /* kept in id order */
			if (!json_equal(json_object_get(op, "id"), id))
				op = store_find_id(ops, "id", id);
			if (op)
				store_diff_partition(t, name, op, np);
		}
	}
	json_decref(oix);
	json_decref(nix);
}

/* A fingerprint of what a snapshot holds (FNV-1a over the model), so an unchanged one costs no JSON. */
static uint64_t store_model_fp(const struct model *m)
{
	uint64_t h = 1469598103934665603ULL;
#define FP(v) (h = (h ^ (uint64_t)(int64_t)(v)) * 1099511628211ULL)
	FP(m->controller);
	for (const char *p = m->cluster_id ? m->cluster_id : ""; *p; p++)
		FP(*p);
	for (int i = 0; i < m->nbrokers; i++) {
		FP(m->brokers[i].id), FP(m->brokers[i].port);
		for (const char *p = m->brokers[i].host ? m->brokers[i].host : ""; *p; p++)
			FP(*p);
	}
	for (int i = 0; i < m->ntopics; i++) {
		const struct model_topic *t = &m->topics[i];
		for (const char *p = t->name; *p; p++)
			FP(*p);
		FP(t->err), FP(t->npartitions);
		for (int j = 0; j < t->npartitions; j++) {
			const struct model_partition *mp = &t->partitions[j];
			FP(mp->id), FP(mp->leader), FP(mp->err), FP(mp->nreplicas), FP(mp->nisr);
			for (int k = 0; k < mp->nreplicas; k++)
				FP(mp->replicas[k]);
			for (int k = 0; k < mp->nisr; k++)
				FP(mp->isr[k]);
		}
	}
#undef FP
	return h;
}

/* A topic's compact row, as topic_row holds it. */
struct store_trow {
	char *name;
	int v[5]; /* partitions, rf, under_replicated, offline, not_preferred */
};

static void store_trow_of(const struct model_topic *mt, int v[5])
{
	int not_preferred = 0;
	for (int p = 0; p < mt->npartitions; p++) {
		const struct model_partition *mp = &mt->partitions[p];
		not_preferred += mp->nreplicas > 0 && mp->leader != mp->replicas[0];
	}
	v[0] = mt->npartitions, v[1] = mt->replication_factor, v[2] = mt->under_replicated, v[3] = mt->offline;
	v[4] = not_preferred;
}

/*
 * The snapshot as rows of cluster_row and topic_row, in the snapshot's transaction. Only the topics
 * whose row changed are written and only the gone ones deleted: the stored rows and the model's
 * topics are both in name order (BINARY, strcmp), walked side by side. A leader moving in a cluster
 * of 10,000 topics writes one row, not 10,000.
 */
static void store_rows_write(struct store_tick *t, const struct model *m)
{
	sqlite3_stmt *sel = NULL, *ins = NULL, *del = NULL;
	if (store_run(t->s,
		      "INSERT OR REPLACE INTO cluster_row(cluster, cluster_id, controller, brokers) VALUES(?1, ?2, "
		      "?3, ?4)",
		      "itii", t->cluster, m->cluster_id, (int64_t)m->controller, (int64_t)m->nbrokers) < 0 ||
	    sqlite3_prepare_v2(t->s->db,
			       "SELECT name, partitions, rf, under_replicated, offline, not_preferred FROM topic_row "
			       "WHERE cluster=?1 ORDER BY name",
			       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->s->db,
			       "INSERT OR REPLACE INTO topic_row(cluster, name, partitions, rf, under_replicated, "
			       "offline, not_preferred) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(t->s->db, "DELETE FROM topic_row WHERE cluster=?1 AND name=?2", -1, &del, NULL) !=
		    SQLITE_OK) {
		sqlite3_finalize(sel);
		sqlite3_finalize(ins);
		store_tick_fail(t);
		return;
	}
	/* The stored rows first (the table is written below: no cursor left open on it). */
	struct store_trow *old = NULL;
	size_t nold = 0, cap = 0;
	sqlite3_bind_int64(sel, 1, t->cluster);
	while (sqlite3_step(sel) == SQLITE_ROW) {
		if (nold == cap) {
			cap = cap ? cap * 2 : 256;
			old = x_reallocarray(old, cap, sizeof(*old));
		}
		old[nold].name = x_strdup((const char *)sqlite3_column_text(sel, 0));
		for (int k = 0; k < 5; k++)
			old[nold].v[k] = sqlite3_column_int(sel, k + 1);
		nold++;
	}
	sqlite3_finalize(sel);
	sqlite3_bind_int64(ins, 1, t->cluster);
	sqlite3_bind_int64(del, 1, t->cluster);
	size_t o = 0;
	for (int i = 0; i <= m->ntopics; i++) {
		const struct model_topic *mt = i < m->ntopics ? &m->topics[i] : NULL;
		/* stored rows before this topic (or after the last) are of topics gone */
		for (; o < nold && (mt == NULL || strcmp(old[o].name, mt->name) < 0); o++) {
			sqlite3_bind_text(del, 2, old[o].name, -1, SQLITE_STATIC);
			if (sqlite3_step(del) != SQLITE_DONE)
				store_tick_fail(t);
			sqlite3_reset(del);
		}
		if (mt == NULL)
			break;
		int v[5];
		store_trow_of(mt, v);
		if (o < nold && strcmp(old[o].name, mt->name) == 0 && memcmp(old[o++].v, v, sizeof(v)) == 0)
			continue; /* stored as it is */
		sqlite3_bind_text(ins, 2, mt->name, -1, SQLITE_STATIC);
		for (int k = 0; k < 5; k++)
			sqlite3_bind_int(ins, k + 3, v[k]);
		if (sqlite3_step(ins) != SQLITE_DONE)
			store_tick_fail(t);
		sqlite3_reset(ins);
	}
	for (size_t k = 0; k < nold; k++)
		free(old[k].name);
	free(old);
	sqlite3_finalize(ins);
	sqlite3_finalize(del);
}

/*
 * Whether the stored snapshot of cluster starts with head (its fingerprint): 1 yes, 0 no, -1 none stored,
 * -2 not readable now (busy, I/O): the caller must not take that for none.
 * Read as a blob, so only the first page comes in: a column read would copy the whole document
 * (5.6 MB at 100,000 partitions) to compare 26 bytes.
 */
static int store_doc_head_is(struct store *s, int64_t cluster, const char *head)
{
	sqlite3_blob *b = NULL;
	if (sqlite3_blob_open(s->db, "main", "snapshot", "doc", cluster, 0, &b) != SQLITE_OK) {
		sqlite3_blob_close(b);
		/* no snapshot yet, or a failure (busy, I/O): then nothing may be overwritten */
		return store_int(s, "SELECT count(*) FROM snapshot WHERE cluster=?1", NULL, cluster, 1) == 0 ? -1 : -2;
	}
	int n = (int)strlen(head), same = 0;
	char buf[64];
	if (n < (int)sizeof(buf) && sqlite3_blob_bytes(b) >= n && sqlite3_blob_read(b, buf, n, 0) == SQLITE_OK)
		same = memcmp(buf, head, (size_t)n) == 0;
	sqlite3_blob_close(b);
	return same;
}

void store_tick_model(struct store_tick *t, const struct model *m)
{
	/* The stored document starts with {"fp":"<16 hex digits>",: compare that before building anything. */
	char head[40];
	snprintf(head, sizeof(head), "{\"fp\":\"%016llx\",", (unsigned long long)store_model_fp(m));
	sqlite3_stmt *st;
	int is = store_doc_head_is(t->s, t->cluster, head);
	if (is == -2) { /* the snapshot could not be read: the tick fails rather than lose its events */
		store_tick_fail(t);
		return;
	}
	bool same = is == 1, had = is >= 0;
	if (same) {
		store_run(t->s, "UPDATE snapshot SET seen_ms=?2 WHERE cluster=?1", "ii", t->cluster, t->ts_ms);
		return;
	}
	/*
	 * No topic at all where the snapshot has some: a principal that may describe none (ACLs) sees
	 * an empty cluster, which is not every topic deleted (nor, at the next tick of one that sees
	 * them, created again). The snapshot stays; an event says so, once until the snapshot is seen again.
	 */
	if (had && m->ntopics == 0 &&
	    store_int(t->s, "SELECT json_array_length(doc, '$.topics') FROM snapshot WHERE cluster=?1", NULL,
		      t->cluster, 0) > 0) {
		store_run(
			t->s,
			"INSERT INTO event(cluster, ts_ms, kind, subject, detail) SELECT ?1, ?2, 'topics-unseen', "
			"'cluster', ?3 WHERE NOT EXISTS (SELECT 1 FROM (SELECT kind, ts_ms FROM event WHERE cluster=?1 "
			"ORDER BY ts_ms DESC, id DESC LIMIT 1) WHERE kind='topics-unseen' AND ts_ms > (SELECT "
			"seen_ms FROM snapshot WHERE cluster=?1))",
			"iit", t->cluster, t->ts_ms,
			"the cluster answered with no topic where the last snapshot had some: the principal may "
			"describe none (ACLs); the snapshot is kept");
		return;
	}
	struct sbuf text = SBUF_INIT;
	sbuf_add(&text, head); /* the fingerprint, then the document's members */
	store_model_doc(&text, m);
	if (had) { /* events come from the difference with what was there */
		json_t *o = NULL, *doc = json_loads(text.buf, 0, NULL);
		if (sqlite3_prepare_v2(t->s->db, "SELECT doc FROM snapshot WHERE cluster=?1", -1, &st, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_int64(st, 1, t->cluster);
			if (sqlite3_step(st) == SQLITE_ROW)
				o = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
			sqlite3_finalize(st);
		}
		if (o && doc)
			store_diff(t, o, doc);
		json_decref(o);
		json_decref(doc);
	}
	store_run(t->s, "INSERT OR REPLACE INTO snapshot(cluster, ts_ms, seen_ms, doc) VALUES(?1, ?2, ?2, ?3)", "iit",
		  t->cluster, t->ts_ms, text.buf);
	sbuf_free(&text);
	store_rows_write(t, m);
}

bool store_snapshot_fresh(struct store *s, const char *cluster_key, const char *bootstrap, const struct model *m,
			  int64_t now_ms, int64_t within_ms)
{
	sqlite3_stmt *st;
	/* the same document (its head compared below), confirmed lately through the same bootstrap, no gap open */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT c.id FROM cluster c JOIN snapshot n ON n.cluster=c.id WHERE c.key=?1 AND "
			       "c.bootstrap IS ?2 AND c.seen_ms>=?3 AND n.seen_ms>=?3 AND n.seen_ms<=?4 AND NOT EXISTS "
			       "(SELECT 1 FROM gap g WHERE g.cluster=c.id AND g.end_ms IS NULL)",
			       -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, cluster_key, -1, SQLITE_STATIC);
	if (bootstrap)
		sqlite3_bind_text(st, 2, bootstrap, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, now_ms - within_ms);
	sqlite3_bind_int64(st, 4, now_ms);
	int64_t cluster = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	if (cluster < 0)
		return false;
	char head[40];
	snprintf(head, sizeof(head), "{\"fp\":\"%016llx\",", (unsigned long long)store_model_fp(m));
	return store_doc_head_is(s, cluster, head) == 1;
}

bool store_snapshot_fresh_at(const char *path, const char *cluster_key, const char *bootstrap, const struct model *m,
			     int64_t now_ms, int64_t within_ms)
{
	if (access(path, F_OK) != 0)
		return false;
	struct store *s = store_new(path, NULL);
	s->readonly = s->no_check = true;
	char *why = NULL;
	bool fresh = store_try_open(s, STORE_RO, &why) == 0 && store_user_version(s->db) == STORE_SCHEMA_VERSION &&
		     store_snapshot_fresh(s, cluster_key, bootstrap, m, now_ms, within_ms);
	free(why);
	store_close(&s);
	return fresh;
}

int store_tick_commit(struct store_tick **tp, char **cause)
{
	struct store_tick *t = *tp;
	store_flush_group(t);
	store_flush_topic(t);
	store_run(t->s, "UPDATE gap SET end_ms=?2 WHERE cluster=?1 AND end_ms IS NULL", "ii", t->cluster, t->ts_ms);
	int rc = t->failed ? SQLITE_BUSY : sqlite3_exec(t->s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*cause = x_asprintf("history store: writing a sample: %s", t->why ? t->why : sqlite3_errmsg(t->s->db));
		sqlite3_exec(t->s->db, "ROLLBACK", NULL, NULL, NULL);
		store_cache_clear(t->s); /* what the cache says was stored was not: forget it */
	}
	free(t->why);
	free(t);
	*tp = NULL;
	return rc == SQLITE_OK ? 0 : -1;
}

int store_gap(struct store *s, const char *cluster_key, int64_t ts_ms, const char *cause_text, char **cause)
{
	int64_t c = store_cluster_id(s, cluster_key, NULL, 0);
	int rc = store_run(
		s,
		"INSERT INTO gap(cluster, start_ms, cause) SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM gap "
		"WHERE cluster=?1 AND end_ms IS NULL)",
		"iit", c, ts_ms, cause_text);
	if (rc < 0)
		*cause = x_asprintf("history store: recording a gap: %s", sqlite3_errmsg(s->db));
	return rc;
}

int store_sample_failed(struct store *s, const char *cluster_key, int64_t ts_ms, const char *cause_text, char **cause)
{
	int64_t c = store_cluster_id(s, cluster_key, NULL, 0);
	int rc = store_run(s,
			   "INSERT INTO event(cluster, ts_ms, kind, subject, detail) SELECT ?1, ?2, 'sample-failed', "
			   "'cluster', ?3 WHERE NOT EXISTS (SELECT 1 FROM (SELECT kind, detail, ts_ms FROM event WHERE "
			   "cluster=?1 ORDER BY ts_ms DESC, id DESC LIMIT 1) WHERE kind='sample-failed' AND detail=?3 "
			   "AND ts_ms > (SELECT coalesce(seen_ms, 0) FROM cluster WHERE id=?1))",
			   "iit", c, ts_ms, cause_text);
	if (rc < 0)
		*cause = x_asprintf("history store: recording a failed sample: %s", sqlite3_errmsg(s->db));
	return rc;
}

static struct store_point *store_add_value(struct store_point **out, int *n, int *cap, int64_t ts_ms, int64_t a,
					   int64_t b)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*out = x_reallocarray(*out, (size_t)*cap, sizeof(**out));
	}
	struct store_point *p = &(*out)[(*n)++];
	p->ts_ms = ts_ms;
	p->gap = false;
	p->a = a;
	p->b = b;
	return p;
}

static void store_add_point(struct store_point **out, int *n, int *cap, int64_t ts_ms, sqlite3_stmt *st, bool gap)
{
	store_add_value(out, n, cap, ts_ms,
			st && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int64(st, 0) : -1,
			st && sqlite3_column_type(st, 1) != SQLITE_NULL ? sqlite3_column_int64(st, 1) : -1)
		->gap = gap;
}

/* --- packed samples (schema 8, samplepack.h) ---------------------------------------------- */

static char *store_damaged(int64_t series, int64_t ts, const char *why)
{
	return x_asprintf("history store: the packed samples of series %lld at ts %lld are damaged: %s (the file was "
			  "changed outside kcon or by a failing disk; `kcon history prune` drops them, or move "
			  "history.db aside for a new one)",
			  (long long)series, (long long)ts, why);
}

/* A row of sample_pack (columns ts, n, data from col) decoded; -1 with *cause when damaged. */
static int store_unpack_row(sqlite3_stmt *st, int col, int64_t series, struct samplepack_sample **v, int *n,
			    char **cause)
{
	const char *why = NULL;
	int64_t ts = sqlite3_column_int64(st, col);
	if (sqlite3_column_type(st, col) != SQLITE_INTEGER || sqlite3_column_type(st, col + 1) != SQLITE_INTEGER)
		why = "its time or count is not an integer"; /* as sample_unpack refuses it */
	else if (sqlite3_column_type(st, col + 2) != SQLITE_BLOB)
		why = "its data is not a blob";
	else if (samplepack_decode(ts, sqlite3_column_int64(st, col + 1), sqlite3_column_blob(st, col + 2),
				   (size_t)sqlite3_column_bytes(st, col + 2), v, n, &why) == 0)
		return 0;
	*cause = store_damaged(series, ts, why);
	return -1;
}

struct store_packer {
	sqlite3 *db;
	sqlite3_stmt *old, *del, *ins;
	struct samplepack_sample *v, *m; /* the raw samples of a series' hour; merged with the packed ones */
	int n, cap;
	int64_t newest;  /* the newest sample packed; 0: none */
	int64_t damaged; /* the packed rows of an hour being packed again that did not decode: dropped */
};

/* Writes samples v[0..n) of series (one hour, times increasing) as rows of sample_pack. */
static int store_pack_write(sqlite3_stmt *ins, int64_t series, const struct samplepack_sample *v, int n)
{
	uint8_t buf[SAMPLEPACK_MAX_BYTES];
	for (int i = 0; i < n;) {
		size_t len;
		int k = samplepack_encode(v + i, n - i, buf, sizeof(buf), &len);
		if (k < 1)
			return -1; /* a time out of range (store_pack skips those) */
		sqlite3_bind_int64(ins, 1, series);
		sqlite3_bind_int64(ins, 2, v[i].ts);
		sqlite3_bind_int(ins, 3, k);
		sqlite3_bind_blob(ins, 4, buf, (int)len, SQLITE_STATIC);
		int rc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (rc != SQLITE_DONE)
			return -1;
		i += k;
	}
	return 0;
}

/* The raw samples gathered of a series' hour, with the hour's packed rows (a late raw sample, a migration). */
static int store_pack_flush(struct store_packer *p, int64_t series, char **cause)
{
	if (p->n == 0)
		return 0;
	int64_t hour = p->v[0].ts / 3600 * 3600;
	struct samplepack_sample *all = p->v;
	int nall = p->n, rc = 0;
	sqlite3_bind_int64(p->old, 1, series);
	sqlite3_bind_int64(p->old, 2, hour);
	sqlite3_bind_int64(p->old, 3, hour + 3600);
	bool had = false;
	int step;
	while ((step = sqlite3_step(p->old)) == SQLITE_ROW) {
		struct samplepack_sample *o;
		int no, k = 0, j = 0, out = 0;
		had = true;
		/* a damaged row is dropped with the hour's others (p->del), not kept failing every pass */
		char *bad = NULL;
		if (store_unpack_row(p->old, 0, series, &o, &no, &bad) < 0) {
			free(bad);
			p->damaged++;
			continue;
		}
		/* merge two lists in time order; a raw sample replaces a packed one of its second */
		struct samplepack_sample *mm = x_reallocarray(NULL, (size_t)(nall + no), sizeof(*mm));
		while (k < nall || j < no) {
			if (j == no || (k < nall && all[k].ts <= o[j].ts)) {
				if (j < no && o[j].ts == all[k].ts)
					j++;
				mm[out++] = all[k++];
			} else
				mm[out++] = o[j++];
		}
		free(o);
		if (all != p->v)
			free(all);
		all = mm;
		nall = out;
	}
	/* a read that failed (I/O, a damaged page, memory) ends here: the hour's rows not read must not be
	 * deleted below as if they had been merged */
	if (step != SQLITE_DONE) {
		*cause = x_asprintf("history store: reading packed samples: %s (the file may be damaged or the disk "
				    "failing; if it goes on, move history.db aside)",
				    sqlite3_errmsg(p->db));
		rc = -1;
	}
	sqlite3_reset(p->old);
	if (rc == 0 && had) {
		sqlite3_bind_int64(p->del, 1, series);
		sqlite3_bind_int64(p->del, 2, hour);
		sqlite3_bind_int64(p->del, 3, hour + 3600);
		rc = sqlite3_step(p->del) == SQLITE_DONE ? 0 : -1;
		sqlite3_reset(p->del);
	}
	if (rc == 0)
		rc = store_pack_write(p->ins, series, all, nall);
	if (rc == 0 && all[nall - 1].ts > p->newest)
		p->newest = all[nall - 1].ts;
	if (all != p->v)
		free(all);
	p->n = 0;
	if (rc < 0 && *cause == NULL)
		*cause = x_asprintf("history store: packing samples: %s (is the disk full or the file read-only?)",
				    sqlite3_errmsg(p->db));
	return rc;
}

/*
 * Packs the raw rows before cut (an hour's start) into sample_pack, one row per series and hour
 * (more when an hour's data passes SAMPLEPACK_MAX_BYTES), and drops them from sample_raw. In the
 * caller's transaction. A raw row of a negative time (damage: no packed row could hold it) is
 * dropped; so is a packed row of an hour packed again that does not decode (*damaged counts them).
 */
static int store_pack(sqlite3 *db, int64_t cut, int64_t *damaged, char **cause)
{
	struct store_packer p = { .db = db };
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT series, ts, a, b FROM sample_raw WHERE ts<?1 ORDER BY series, ts", -1,
				    &q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT ts, n, data FROM sample_pack WHERE series=?1 AND ts>=?2 AND ts<?3",
					-1, &p.old, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "DELETE FROM sample_pack WHERE series=?1 AND ts>=?2 AND ts<?3", -1, &p.del,
					NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO sample_pack(series, ts, n, data) VALUES(?1, ?2, ?3, ?4)", -1,
					&p.ins, NULL);
	*cause = NULL;
	int out = rc == SQLITE_OK ? 0 : -1;
	if (out == 0) {
		sqlite3_bind_int64(q, 1, cut);
		int64_t series = 0;
		while (out == 0 && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			int64_t sid = sqlite3_column_int64(q, 0), ts = sqlite3_column_int64(q, 1);
			if (ts < 0) {
				p.damaged++;
				continue; /* deleted below with the rest */
			}
			if (p.n > 0 && (sid != series || ts / 3600 != p.v[0].ts / 3600))
				out = store_pack_flush(&p, series, cause);
			series = sid;
			if (p.n == p.cap) {
				p.cap = p.cap ? p.cap * 2 : 512;
				p.v = x_reallocarray(p.v, (size_t)p.cap, sizeof(*p.v));
			}
			p.v[p.n++] = (struct samplepack_sample){
				.ts = ts,
				.a = sqlite3_column_type(q, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 2),
				.b = sqlite3_column_type(q, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 3),
			};
		}
		if (out == 0 && rc != SQLITE_DONE)
			out = -1;
		if (out == 0)
			out = store_pack_flush(&p, series, cause);
	}
	sqlite3_finalize(q);
	sqlite3_finalize(p.old);
	sqlite3_finalize(p.del);
	sqlite3_finalize(p.ins);
	free(p.v);
	*damaged += p.damaged;
	/* every packed sample is older than meta 'packed_below' (store_group_window reads no packed row after it) */
	if (out == 0 && p.newest > 0) {
		char *sql = x_asprintf("INSERT OR REPLACE INTO meta(key, value) SELECT 'packed_below', max(%lld, "
				       "coalesce((SELECT value FROM meta WHERE key='packed_below'), 0))",
				       (long long)p.newest + 1);
		out = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
		free(sql);
	}
	if (out == 0) {
		char *sql = x_asprintf("DELETE FROM sample_raw WHERE ts<%lld", (long long)cut);
		out = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
		free(sql);
	}
	if (out < 0 && *cause == NULL)
		*cause = x_asprintf("history store: packing samples: %s (is the disk full or the file read-only?)",
				    sqlite3_errmsg(db));
	return out;
}

int store_drop_samples(struct store *s, int64_t cut, int64_t *dropped, char **cause)
{
	int64_t n = 0, hour = cut / 3600 * 3600;
	*cause = NULL;
	int rc = store_run(s, "DELETE FROM sample_raw WHERE ts<?1", "i", cut);
	if (rc == 0)
		n += sqlite3_changes(s->db);
	if (rc == 0 && dropped)
		n += store_int(s, "SELECT coalesce(sum(n), 0) FROM sample_pack WHERE ts<?1", NULL, hour, 0);
	if (rc == 0)
		rc = store_run(s, "DELETE FROM sample_pack WHERE ts<?1", "i", hour);
	/* the rows of cut's hour that begin before cut: their samples from cut on, packed again */
	sqlite3_stmt *st = NULL, *ins = NULL;
	struct {
		int64_t series;
		struct samplepack_sample *v;
		int n;
	} *rows = NULL;
	int nrows = 0;
	if (rc == 0 && cut > hour)
		rc = sqlite3_prepare_v2(s->db, "SELECT series, ts, n, data FROM sample_pack WHERE ts>=?1 AND ts<?2", -1,
					&st, NULL) == SQLITE_OK
			     ? 0
			     : -1;
	if (rc == 0 && cut > hour) {
		sqlite3_bind_int64(st, 1, hour);
		sqlite3_bind_int64(st, 2, cut);
		int step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			rows = x_reallocarray(rows, (size_t)nrows + 1, sizeof(*rows));
			rows[nrows].series = sqlite3_column_int64(st, 0);
			/* a damaged row is dropped (the DELETE below), not kept failing every prune */
			char *bad = NULL;
			if (store_unpack_row(st, 1, rows[nrows].series, &rows[nrows].v, &rows[nrows].n, &bad) < 0) {
				free(bad);
				s->damaged++;
			} else
				nrows++;
		}
		if (step != SQLITE_DONE)
			rc = -1;
		sqlite3_finalize(st);
		if (rc == 0)
			rc = store_run(s, "DELETE FROM sample_pack WHERE ts>=?1 AND ts<?2", "ii", hour, cut);
		if (rc == 0)
			rc = sqlite3_prepare_v2(
				     s->db,
				     "INSERT OR REPLACE INTO sample_pack(series, ts, n, data) VALUES(?1, ?2, "
				     "?3, ?4)",
				     -1, &ins, NULL) == SQLITE_OK
				     ? 0
				     : -1;
		for (int i = 0; i < nrows; i++) {
			int k = 0;
			while (k < rows[i].n && rows[i].v[k].ts < cut)
				k++;
			n += k;
			if (rc == 0 && k < rows[i].n)
				rc = store_pack_write(ins, rows[i].series, rows[i].v + k, rows[i].n - k);
			free(rows[i].v);
		}
		sqlite3_finalize(ins);
		free(rows);
	}
	if (dropped)
		*dropped = n;
	if (rc < 0 && *cause == NULL)
		*cause = x_asprintf("history store: dropping samples: %s (is the disk full or the file read-only?)",
				    sqlite3_errmsg(s->db));
	return rc;
}

int64_t store_damaged_take(struct store *s)
{
	int64_t n = s->damaged;
	s->damaged = 0;
	return n;
}

/*
 * The samples of series sid in [lo, hi) as points (raw and packed, in no order); *first the
 * oldest one's time (unchanged when none). -1 with *cause when a packed row is damaged.
 */
static int store_range(struct store *s, int64_t sid, int64_t lo, int64_t hi, struct store_point **out, int *n, int *cap,
		       int64_t *first, char **cause)
{
	/* one statement (raw rows, then packed ones: column 3 says which): a sparkline asks it per series */
	sqlite3_stmt *st = store_read(s, "SELECT a, b, ts, 0, NULL FROM sample_raw WHERE series=?1 AND ts>=?2 AND "
					 "ts<?3 UNION ALL SELECT n, NULL, ts, 1, data FROM sample_pack WHERE series=?1 "
					 "AND ts>=?4 AND ts<?3");
	if (st == NULL) {
		*cause = x_asprintf("history store: reading samples: %s (is history.db damaged? move it aside for a "
				    "new one)",
				    sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	sqlite3_bind_int64(st, 4, lo / 3600 * 3600);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t ts = sqlite3_column_int64(st, 2);
		if (sqlite3_column_int(st, 3) == 0) {
			if (ts < *first)
				*first = ts;
			store_add_point(out, n, cap, ts * 1000, st, false);
			continue;
		}
		struct samplepack_iter it;
		samplepack_begin(&it, ts, sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 4),
				 (size_t)sqlite3_column_bytes(st, 4));
		if (sqlite3_column_type(st, 4) != SQLITE_BLOB)
			it.why = "its data is not a blob";
		int rc;
		while ((rc = samplepack_next(&it)) == 1)
			if (it.cur.ts >= lo && it.cur.ts < hi) {
				if (it.cur.ts < *first)
					*first = it.cur.ts;
				store_add_value(out, n, cap, it.cur.ts * 1000, it.cur.a, it.cur.b);
			}
		if (rc < 0) {
			*cause = store_damaged(sid, ts, it.why);
			store_read_done(s, st);
			return -1;
		}
	}
	store_read_done(s, st);
	return 0;
}

/* The time of the newest sample of series sid at or before t; -1 when none. */
static int64_t store_newest_at(struct store *s, int64_t sid, int64_t t, char **cause)
{
	int64_t best = -1;
	sqlite3_stmt *st = store_read(s, "SELECT max(ts) FROM sample_raw WHERE series=?1 AND ts<=?2");
	if (st && (sqlite3_bind_int64(st, 1, sid), sqlite3_bind_int64(st, 2, t), sqlite3_step(st) == SQLITE_ROW) &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		best = sqlite3_column_int64(st, 0);
	if (st)
		store_read_done(s, st);
	/* the packed row that begins last at or before t holds the newest packed sample at or before it */
	st = store_read(s, "SELECT ts, n, data FROM sample_pack WHERE series=?1 AND ts<=?2 ORDER BY ts DESC LIMIT 1");
	if (st == NULL) {
		*cause = x_asprintf("history store: reading samples: %s (is history.db damaged? move it aside for a "
				    "new one)",
				    sqlite3_errmsg(s->db));
		return -2;
	}
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_int64(st, 2, t);
	if (sqlite3_step(st) == SQLITE_ROW) {
		struct samplepack_sample *v;
		int n;
		if (store_unpack_row(st, 0, sid, &v, &n, cause) < 0) {
			store_read_done(s, st);
			return -2;
		}
		for (int i = 0; i < n; i++)
			if (v[i].ts <= t && v[i].ts > best)
				best = v[i].ts;
		free(v);
	}
	store_read_done(s, st);
	return best;
}

/* --- roll-ups and retention --------------------------------------------------------------- */

static int64_t store_meta(struct store *s, const char *key)
{
	return store_int(s, "SELECT value FROM meta WHERE key=?1", key, 0, 0);
}

/*
 * The samples of times [lo, hi) (SQL expressions) as rows (series, ts, a, b): raw and packed. A
 * packed row holds one hour from its ts on, so the rows of ts in [lo's hour, hi) are unpacked.
 */
#define STORE_SAMPLES_IN(lo, hi)                                                                                       \
	"(SELECT series, ts, a, b FROM sample_raw WHERE ts>=" lo " AND ts<" hi " UNION ALL SELECT p.series, "          \
	"u.ts, u.a, u.b FROM sample_pack p, sample_unpack(p.ts, p.n, p.data) u WHERE p.ts>=" lo "/3600*3600 AND "      \
	"p.ts<" hi " AND u.ts>=" lo " AND u.ts<" hi ")"

/*
 * Drops the packed rows of ts in [lo, hi) that do not decode (counted in s->damaged): a roll-up
 * over a damaged row fails, and would again at every pass with its watermark never moving on.
 */
static int store_heal(struct store *s, int64_t lo, int64_t hi)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT series, ts, n, data FROM sample_pack WHERE ts>=?1 AND ts<?2", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, lo);
	sqlite3_bind_int64(st, 2, hi);
	struct {
		int64_t series, ts;
	} *bad = NULL;
	int nbad = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct samplepack_sample *v;
		int n;
		char *why = NULL;
		if (store_unpack_row(st, 1, sqlite3_column_int64(st, 0), &v, &n, &why) == 0) {
			free(v);
			continue;
		}
		free(why);
		bad = x_reallocarray(bad, (size_t)nbad + 1, sizeof(*bad));
		bad[nbad].series = sqlite3_column_int64(st, 0);
		bad[nbad++].ts = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	int rc = step == SQLITE_DONE ? 0 : -1;
	for (int i = 0; rc == 0 && i < nbad; i++)
		rc = store_run(s, "DELETE FROM sample_pack WHERE series=?1 AND ts=?2", "ii", bad[i].series, bad[i].ts);
	if (rc == 0)
		s->damaged += nbad;
	free(bad);
	return rc;
}

/* After a roll-up over samples of [lo, hi) failed: true when a damaged packed row was the cause and is dropped. */
static bool store_healed(struct store *s, int64_t lo, int64_t hi)
{
	return sqlite3_extended_errcode(s->db) == SQLITE_CORRUPT_VTAB && !sqlite3_get_autocommit(s->db) &&
	       store_heal(s, lo / 3600 * 3600, hi) == 0;
}

static int store_roll(struct store *s, int64_t now_ms, bool force, char **cause)
{
	/*
	 * Raw rows are rolled up only as they leave raw retention: readers take raw rows first and
	 * roll-ups only for older times, so a roll-up of times still held raw would be stored twice.
	 */
	int64_t now = now_ms / 1000, raw_cut = now - s->opts.raw_ms / 1000;
	int64_t mcut = raw_cut / 60 * 60, hcut = raw_cut / 3600 * 3600;
	int64_t mwm = store_meta(s, "rolled_minute"), hwm = store_meta(s, "rolled_hour"),
		dwm = store_meta(s, "rolled_day");
	int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	int64_t damaged = s->damaged; /* what this pass drops counts only when it commits */
	/* a prune drops every damaged packed row, wherever it is (maintenance meets them only as it goes) */
	if (rc == 0 && force && store_heal(s, INT64_MIN, INT64_MAX) < 0) {
		*cause = x_asprintf("history store: looking for damaged samples: %s (the file may be damaged or "
				    "the disk failing; if it goes on, move history.db aside)",
				    sqlite3_errmsg(s->db));
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->damaged = damaged;
		return -1;
	}
	/* The raw rows of past hours packed (samplepack.h); again on a prune (rows an older kcon left, or late) */
	int64_t pcut = now / 3600 * 3600, pwm = store_meta(s, "packed");
	char *pcause = NULL;
	if (rc == 0 && (pcut > pwm || force) && (rc = store_pack(s->db, pcut, &s->damaged, &pcause)) == 0)
		rc = store_run(s, "INSERT OR REPLACE INTO meta(key, value) VALUES('packed', ?1)", "i",
			       pcut > pwm ? pcut : pwm);
	if (rc < 0 && pcause) {
		*cause = pcause;
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->damaged = damaged;
		return -1;
	}
	for (int again = 1; rc == 0 && mcut > mwm; again--) {
		rc = store_run(
			s,
			"INSERT OR REPLACE INTO rollup(series, res, ts, a, b, bmax) SELECT series, 60, ts/60*60, "
			"max(a), CAST(avg(b) AS INTEGER), max(b) FROM " STORE_SAMPLES_IN(
				"?1", "?2") " WHERE series IN "
					    "(SELECT id FROM series WHERE part<0) GROUP BY series, ts/60",
			"ii", mwm, mcut);
		if (rc == 0 || !again || !store_healed(s, mwm, mcut))
			break;
		rc = 0;
	}
	if (rc == 0 && hcut > hwm)
		rc = store_run(
			s,
			"INSERT OR REPLACE INTO rollup(series, res, ts, a, b, bmax) SELECT series, 3600, "
			"ts/3600*3600, max(a), CAST(avg(b) AS INTEGER), max(bmax) FROM rollup WHERE res=60 AND ts>=?1 "
			"AND ts<?2 GROUP BY series, ts/3600",
			"ii", hwm, hcut);
	/* partitions (rows already spaced): straight from their rows to hours */
	for (int again = 1; rc == 0 && hcut > hwm; again--) {
		rc = store_run(
			s,
			"INSERT OR REPLACE INTO rollup(series, res, ts, a, b, bmax) SELECT series, 3600, "
			"ts/3600*3600, max(a), CAST(avg(b) AS INTEGER), max(b) FROM " STORE_SAMPLES_IN(
				"?1", "?2") " WHERE "
					    "series IN (SELECT id FROM series WHERE part>=0) GROUP BY series, ts/3600",
			"ii", hwm, hcut);
		if (rc == 0 || !again || !store_healed(s, hwm, hcut))
			break;
		rc = 0;
	}
	/*
	 * Partitions' hours older than the per-minute period to days (their hours are then dropped):
	 * whole UTC days, and only days whose hours are all made (before hcut). A store of an older
	 * kcon (no rolled_day yet) has its old hours rolled up on its first pass.
	 */
	int64_t hnew = hcut > hwm ? hcut : hwm; /* no query from here on: a failure's message is the last */
	int64_t dcut = now - s->opts.minute_ms / 1000;
	dcut = (dcut < hnew ? dcut : hnew) / 86400 * 86400;
	if (rc == 0 && dcut > dwm)
		rc = store_run(
			s,
			"INSERT OR REPLACE INTO rollup(series, res, ts, a, b, bmax) SELECT series, 86400, "
			"ts/86400*86400, max(a), CAST(avg(b) AS INTEGER), max(bmax) FROM rollup WHERE res=3600 AND "
			"ts>=?1 AND ts<?2 AND series IN (SELECT id FROM series WHERE part>=0) GROUP BY series, "
			"ts/86400",
			"ii", dwm, dcut);
	if (rc == 0 && dcut > dwm)
		rc = store_run(s,
			       "DELETE FROM rollup WHERE res=3600 AND ts<?1 AND series IN (SELECT id FROM series WHERE "
			       "part>=0)",
			       "i", dcut);
	if (rc == 0)
		rc = store_run(
			s,
			"INSERT OR REPLACE INTO meta(key, value) VALUES('rolled_minute', ?1), ('rolled_hour', ?2), "
			"('rolled_day', ?3)",
			"iii", mcut > mwm ? mcut : mwm, hnew, dcut > dwm ? dcut : dwm);
	/* Retention once an hour: the deletes scan the tables. */
	bool hourly = force || hcut > hwm;
	if (rc == 0 && hourly) { /* rolled up, and past retention */
		rc = store_drop_samples(s, hcut > hwm ? hcut : hwm < raw_cut ? hwm : raw_cut, NULL, &pcause);
		if (rc < 0 && pcause) {
			*cause = pcause;
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			s->damaged = damaged;
			return -1;
		}
	}
	if (rc == 0 && hourly)
		rc = store_run(s, "DELETE FROM rollup WHERE res=60 AND ts<?1", "i", now - s->opts.minute_ms / 1000);
	if (rc == 0 && hourly)
		rc = store_run(s, "DELETE FROM rollup WHERE res>=3600 AND ts<?1", "i", now - s->opts.hour_ms / 1000);
	if (rc == 0 && hourly)
		rc = store_run(s, "DELETE FROM event WHERE ts_ms<?1", "i", now_ms - s->opts.hour_ms);
	if (rc == 0 && hourly)
		rc = store_run(s, "DELETE FROM gap WHERE end_ms<?1", "i", now_ms - s->opts.hour_ms);
	if (rc == 0 && hourly)
		rc = store_run(s, "DELETE FROM command WHERE id <= (SELECT max(id) - 10000 FROM command)", "");
	if (rc == 0 && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	*cause = x_asprintf("history store: roll-up: %s", sqlite3_errmsg(s->db));
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->damaged = damaged;
	return -1;
}

int store_maintain(struct store *s, int64_t now_ms, char **cause)
{
	return store_roll(s, now_ms, false, cause);
}

int store_prune(struct store *s, int64_t now_ms, char **cause)
{
	return store_roll(s, now_ms, true, cause);
}

/* --- reading ------------------------------------------------------------------------------ */

/* The text of the first column of sql's first row (a literal for store_read), ?1 bound to text when given. */
static char *store_text(struct store *s, const char *sql, const char *text)
{
	sqlite3_stmt *st = store_read(s, sql);
	char *out = NULL;
	if (st == NULL)
		return NULL;
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		out = x_strdup((const char *)sqlite3_column_text(st, 0));
	store_read_done(s, st);
	return out;
}

char *store_cluster(struct store *s, const char *key, const char *bootstrap, char **cause)
{
	char *out = key ? store_text(s, "SELECT key FROM cluster WHERE key=?1", key) : store_cluster_of(s, bootstrap);
	if (out == NULL && key == NULL)
		out = store_text(s, "SELECT key FROM cluster ORDER BY seen_ms DESC LIMIT 1", NULL);
	if (out == NULL)
		*cause = key ? x_asprintf("no history of cluster %s", key)
			     : x_strdup("no history yet: run `kcon watch` (or the TUI) against the cluster first");
	return out;
}

char *store_cluster_of(struct store *s, const char *bootstrap)
{
	return bootstrap ? store_text(s, "SELECT key FROM cluster WHERE bootstrap=?1 ORDER BY seen_ms DESC LIMIT 1",
				      bootstrap)
			 : NULL;
}

static int store_point_cmp(const void *a, const void *b)
{
	const struct store_point *x = a, *y = b;
	return x->ts_ms < y->ts_ms ? -1 : x->ts_ms > y->ts_ms;
}

int store_series(struct store *s, const char *cluster, const char *group, const char *topic, int32_t partition,
		 int64_t since_ms, struct store_point **out, int *n, char **cause)
{
	*out = NULL;
	*n = 0;
	int cap = 0;
	int64_t cid = 0;
	sqlite3_stmt *st = store_read(s, "SELECT id FROM cluster WHERE key=?1");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		cid = sqlite3_column_int64(st, 0);
	store_read_done(s, st);
	/* seen_a and seen_b first: store_add_point reads the values from columns 0 and 1 */
	st = store_read(s, "SELECT seen_a, seen_b, id, seen_ts, coalesce(last_ts, 0) FROM series WHERE cluster=?1 "
			   "AND grp=?2 AND topic=?3 AND part=?4");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, partition);
	int64_t sid = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		sid = sqlite3_column_int64(st, 2);
		/* the newest values seen, when no row holds them yet */
		int64_t seen = sqlite3_column_int64(st, 3), last = sqlite3_column_int64(st, 4);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL && seen > last && seen * 1000 >= since_ms)
			store_add_point(out, n, &cap, seen * 1000, st, false);
	}
	store_read_done(s, st);
	if (sid == 0)
		return 0;
	/*
	 * Raw rows, then roll-ups for the times before the oldest raw row: minutes, hours, days (a day
	 * point is the day's start, at or after since: a day that began before since is left out).
	 */
	int64_t since = since_ms / 1000, upto = INT64_MAX;
	static const char *const q[] = {
		NULL, /* raw samples: store_range */
		"SELECT a, b, ts FROM rollup WHERE series=?1 AND res=60 AND ts>=?2 AND ts<?3 ORDER BY ts",
		"SELECT a, b, ts FROM rollup WHERE series=?1 AND res=3600 AND ts>=?2 AND ts<?3 ORDER BY ts",
		"SELECT a, b, ts FROM rollup WHERE series=?1 AND res=86400 AND ts>=?2 AND ts<?3 ORDER BY ts",
	};
	for (int k = 0; k < 4; k++) {
		if ((k == 1 && partition >= 0) || (k == 3 && partition < 0))
			continue; /* minutes are of totals only, days of partitions only (store_roll) */
		if (k == 0) {
			int64_t first = upto;
			if (store_range(s, sid, since, upto, out, n, &cap, &first, cause) < 0) {
				x_free(out);
				*n = 0;
				return -1;
			}
			upto = first;
			continue;
		}
		if ((st = store_read(s, q[k])) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_int64(st, 2, since);
		sqlite3_bind_int64(st, 3, upto);
		int64_t first = upto;
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t ts = sqlite3_column_int64(st, 2);
			if (ts < first)
				first = ts;
			store_add_point(out, n, &cap, ts * 1000, st, false);
		}
		store_read_done(s, st);
		upto = first;
	}
	/* Outages: a point with unknown values where each began. */
	if ((st = store_read(s, "SELECT start_ms FROM gap WHERE cluster=?1 AND coalesce(end_ms, ?2+1)>=?2")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, since_ms);
	while (sqlite3_step(st) == SQLITE_ROW)
		store_add_point(out, n, &cap, sqlite3_column_int64(st, 0), NULL, true);
	store_read_done(s, st);
	if (*n > 1)
		qsort(*out, (size_t)*n, sizeof(**out), store_point_cmp);
	return 0;
fail:
	*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
	x_free(out);
	*n = 0;
	return -1;
}

int store_groups(struct store *s, const char *cluster, int64_t since_ms, char ***names, int *n, char **cause)
{
	*names = NULL;
	*n = 0;
	sqlite3_stmt *st =
		store_read(s, "SELECT grp FROM series s WHERE cluster=(SELECT id FROM cluster WHERE key=?1) "
			      "AND grp<>'' AND topic='' AND part=-1 AND (EXISTS(SELECT 1 FROM sample_raw "
			      "WHERE series=s.id AND ts>=?2) OR EXISTS(SELECT 1 FROM sample_pack p, "
			      "sample_unpack(p.ts, p.n, p.data) u WHERE p.series=s.id AND p.ts>=?2/3600*3600 "
			      "AND u.ts>=?2)) ORDER BY grp");
	if (st == NULL) {
		*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since_ms / 1000);
	int cap = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*names = x_reallocarray(*names, (size_t)cap + 1, sizeof(char *));
		}
		(*names)[(*n)++] = x_strdup((const char *)sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE) { /* a damaged packed row (sample_unpack's message says which) */
		*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
		store_read_done(s, st);
		for (int i = 0; i < *n; i++)
			free((*names)[i]);
		x_free(names);
		*n = 0;
		return -1;
	}
	store_read_done(s, st);
	return 0;
}

int store_group_names(struct store *s, const char *cluster, char ***names, int *n, char **cause)
{
	sqlite3_stmt *st;
	*names = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT grp FROM series WHERE cluster=(SELECT id FROM cluster WHERE key=?1) AND grp<>'' "
			       "UNION SELECT grp FROM group_state WHERE cluster=(SELECT id FROM cluster WHERE key=?1) "
			       "ORDER BY 1",
			       -1, &st, NULL) != SQLITE_OK) {
		*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*names = x_reallocarray(*names, (size_t)*n + 2, sizeof(char *));
		(*names)[(*n)++] = x_strdup((const char *)sqlite3_column_text(st, 0));
		(*names)[*n] = NULL;
	}
	sqlite3_finalize(st);
	return 0;
}

int store_newest(struct store *s, const char *cluster, store_newest_fn fn, void *ud, char **cause)
{
	sqlite3_stmt *st = store_read(s, "SELECT grp, topic, part, coalesce(seen_a, last_a), coalesce(seen_b, last_b) "
					 "FROM series WHERE cluster=(SELECT id FROM cluster WHERE key=?1) AND part>=0 "
					 "ORDER BY grp, topic, part");
	if (st == NULL) {
		*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		fn(ud, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		   sqlite3_column_int(st, 2),
		   sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 3),
		   sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4));
	store_read_done(s, st);
	return 0;
}

/*
 * One partition of store_group_window: its raw rows from the query (pts[0..n), from the newest
 * raw row at or before since on) are the answer when nothing was packed yet (packed 0) or that
 * newest row is at or after packed (meta 'packed_below', read in the same statement: every packed
 * sample is older, store_pack); else it is read exactly.
 */
static int store_window_part(struct store *s, int64_t sid, int64_t since, int64_t packed, struct store_point **pts,
			     int *n, int *cap, char **cause)
{
	bool raw_only = packed == 0 || (*n > 0 && (*pts)[0].ts_ms / 1000 <= since && (*pts)[0].ts_ms / 1000 >= packed);
	if (raw_only)
		return 0;
	int64_t first = INT64_MAX, lo = store_newest_at(s, sid, since, cause);
	*n = 0;
	if (lo < -1 || store_range(s, sid, lo < 0 ? since : lo, INT64_MAX, pts, n, cap, &first, cause) < 0)
		return -1;
	if (*n > 1)
		qsort(*pts, (size_t)*n, sizeof(**pts), store_point_cmp);
	return 0;
}

int store_group_window(struct store *s, const char *cluster, const char *group, int64_t since_ms, store_window_fn fn,
		       void *ud, char **cause)
{
	/*
	 * Per partition: its seen values, and its samples from the newest one at or before since on.
	 * The raw rows in one query; the packed rows (past hours) only for partitions they may
	 * concern (store_window_part).
	 */
	sqlite3_stmt *st = store_read(
		s,
		"SELECT s.id, s.topic, s.part, s.seen_ts, s.seen_a, s.seen_b, x.ts, x.a, x.b, coalesce((SELECT "
		"value FROM meta WHERE key='packed_below'), 0) FROM series s LEFT JOIN sample_raw x ON "
		"x.series=s.id AND x.ts>=coalesce((SELECT max(ts) FROM sample_raw WHERE series=s.id AND ts<=?3), ?3) "
		"WHERE s.cluster=(SELECT id FROM cluster WHERE key=?1) AND s.grp=?2 AND s.part>=0 "
		"ORDER BY s.topic, s.part, x.ts");
	if (st == NULL) {
		*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
	int64_t since = since_ms / 1000, sid = 0, packed = 0;
	sqlite3_bind_int64(st, 3, since);
	struct store_point *pts = NULL, seen = { .ts_ms = -1 };
	int npts = 0, cap = 0, rc = 0, part = 0;
	char *topic = NULL;
	bool more = true;
	while (rc == 0 && more) {
		more = sqlite3_step(st) == SQLITE_ROW;
		int64_t id = more ? sqlite3_column_int64(st, 0) : 0;
		if (sid && id != sid) { /* the last partition's rows are all here */
			rc = store_window_part(s, sid, since, packed, &pts, &npts, &cap, cause);
			struct store_point none = { .ts_ms = -1 };
			for (int i = 0; rc == 0 && i < npts; i++)
				fn(ud, topic, part, &seen, &pts[i]);
			if (rc == 0 && npts == 0)
				fn(ud, topic, part, &seen, &none);
			x_free(&topic);
			npts = 0;
		}
		if (!more || rc < 0)
			break;
		if (id != sid) {
			sid = id;
			topic = x_strdup((const char *)sqlite3_column_text(st, 1));
			part = sqlite3_column_int(st, 2);
			packed = sqlite3_column_int64(st, 9);
			seen = (struct store_point){ .ts_ms = -1 };
			if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
				seen.ts_ms = sqlite3_column_int64(st, 3) * 1000;
				seen.a = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
				seen.b = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
			}
		}
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			store_add_value(&pts, &npts, &cap, sqlite3_column_int64(st, 6) * 1000,
					sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 7),
					sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 8));
	}
	store_read_done(s, st);
	free(topic);
	free(pts);
	return rc;
}

char *store_group_state(struct store *s, const char *cluster, const char *group)
{
	sqlite3_stmt *st = store_read(
		s, "SELECT state FROM group_state WHERE cluster=(SELECT id FROM cluster WHERE key=?1) AND grp=?2");
	if (st == NULL)
		return NULL;
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
	char *out = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
			    ? x_strdup((const char *)sqlite3_column_text(st, 0))
			    : NULL;
	store_read_done(s, st);
	return out;
}

int store_group_partitions(struct store *s, const char *cluster, const char *group, const char *topic, char ***topics,
			   int32_t **parts, int *n, char **cause)
{
	sqlite3_stmt *st;
	*topics = NULL;
	*parts = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(
		    s->db,
		    "SELECT topic, part FROM series WHERE cluster=(SELECT id FROM cluster WHERE key=?1) AND grp=?2 "
		    "AND part>=0 AND (?3 IS NULL OR topic=?3) ORDER BY topic, part",
		    -1, &st, NULL) != SQLITE_OK) {
		*cause = x_asprintf("history store: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
	if (topic)
		sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*topics = x_reallocarray(*topics, (size_t)*n + 1, sizeof(char *));
		*parts = x_reallocarray(*parts, (size_t)*n + 1, sizeof(int32_t));
		(*topics)[*n] = x_strdup((const char *)sqlite3_column_text(st, 0));
		(*parts)[(*n)++] = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

int store_last_model(struct store *s, const char *cluster, struct model **out, int64_t *seen_ms, char **cause)
{
	sqlite3_stmt *st;
	json_t *doc = NULL;
	int64_t ts = 0;
	*out = NULL;
	/* Parsing the document is the cost (0.8 s for 100,000 partitions): the same snapshot again is the last model.
	 */
	if (s->last_model && strcmp(s->last_cluster, cluster) == 0 &&
	    (st = store_read(s, "SELECT seen_ms, ts_ms FROM snapshot WHERE cluster=(SELECT id FROM cluster WHERE "
				"key=?1)")) != NULL) {
		sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
		bool same = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == s->last_seen &&
			    sqlite3_column_int64(st, 1) == s->last_ts;
		store_read_done(s, st);
		if (same) {
			*out = model_ref(s->last_model);
			*seen_ms = s->last_seen;
			return 0;
		}
	}
	if (sqlite3_prepare_v2(
		    s->db,
		    "SELECT doc, seen_ms, ts_ms FROM snapshot WHERE cluster=(SELECT id FROM cluster WHERE key=?1)", -1,
		    &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			doc = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
			*seen_ms = sqlite3_column_int64(st, 1);
			ts = sqlite3_column_int64(st, 2);
		}
		sqlite3_finalize(st);
	}
	if (doc == NULL) {
		*cause = x_asprintf("no snapshot of cluster %s is stored", cluster);
		return -1;
	}
	/* Rebuild librdkafka's metadata shape, so the model is built by the same code as a live one. */
	json_t *b = json_object_get(doc, "brokers"), *t = json_object_get(doc, "topics");
	struct rd_kafka_metadata md = { 0 };
	md.broker_cnt = (int)json_array_size(b);
	md.brokers = x_calloc((size_t)md.broker_cnt + 1, sizeof(*md.brokers));
	for (int i = 0; i < md.broker_cnt; i++) {
		json_t *v = json_array_get(b, (size_t)i);
		md.brokers[i].id = (int32_t)json_integer_value(json_object_get(v, "id"));
		md.brokers[i].host = (char *)json_string_value(json_object_get(v, "host"));
		md.brokers[i].port = (int)json_integer_value(json_object_get(v, "port"));
	}
	md.topic_cnt = (int)json_array_size(t);
	md.topics = x_calloc((size_t)md.topic_cnt + 1, sizeof(*md.topics));
	for (int i = 0; i < md.topic_cnt; i++) {
		json_t *v = json_array_get(t, (size_t)i), *ps = json_object_get(v, "partitions");
		struct rd_kafka_metadata_topic *mt = &md.topics[i];
		mt->topic = (char *)json_string_value(json_object_get(v, "name"));
		mt->err = (rd_kafka_resp_err_t)json_integer_value(json_object_get(v, "err"));
		mt->partition_cnt = (int)json_array_size(ps);
		mt->partitions = x_calloc((size_t)mt->partition_cnt + 1, sizeof(*mt->partitions));
		for (int p = 0; p < mt->partition_cnt; p++) {
			json_t *pv = json_array_get(ps, (size_t)p), *r = json_object_get(pv, "replicas"),
			       *isr = json_object_get(pv, "isr");
			struct rd_kafka_metadata_partition *mp = &mt->partitions[p];
			mp->id = (int32_t)json_integer_value(json_object_get(pv, "id"));
			mp->leader = (int32_t)json_integer_value(json_object_get(pv, "leader"));
			mp->err = (rd_kafka_resp_err_t)json_integer_value(json_object_get(pv, "err"));
			mp->replica_cnt = (int)json_array_size(r);
			mp->replicas = x_calloc((size_t)mp->replica_cnt + 1, sizeof(int32_t));
			for (int k = 0; k < mp->replica_cnt; k++)
				mp->replicas[k] = (int32_t)json_integer_value(json_array_get(r, (size_t)k));
			mp->isr_cnt = (int)json_array_size(isr);
			mp->isrs = x_calloc((size_t)mp->isr_cnt + 1, sizeof(int32_t));
			for (int k = 0; k < mp->isr_cnt; k++)
				mp->isrs[k] = (int32_t)json_integer_value(json_array_get(isr, (size_t)k));
		}
	}
	*out = model_new(&md, json_string_value(json_object_get(doc, "cluster_id")),
			 (int32_t)json_integer_value(json_object_get(doc, "controller")), *seen_ms);
	for (int i = 0; i < md.topic_cnt; i++) {
		for (int p = 0; p < md.topics[i].partition_cnt; p++) {
			free(md.topics[i].partitions[p].replicas);
			free(md.topics[i].partitions[p].isrs);
		}
		free(md.topics[i].partitions);
	}
	free(md.topics);
	free(md.brokers);
	json_decref(doc);
	model_unref(&s->last_model);
	free(s->last_cluster);
	s->last_model = model_ref(*out);
	s->last_cluster = x_strdup(cluster);
	s->last_ts = ts;
	s->last_seen = *seen_ms;
	return 0;
}

bool store_has_series(struct store *s, const char *cluster, bool groups)
{
	sqlite3_stmt *st = store_read(s, groups ? "SELECT 1 FROM series WHERE cluster=(SELECT id FROM cluster WHERE "
						  "key=?1) AND grp>'' LIMIT 1"
						: "SELECT 1 FROM series WHERE cluster=(SELECT id FROM cluster WHERE "
						  "key=?1) AND grp='' LIMIT 1");
	if (st == NULL)
		return true; /* cannot tell: look */
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	bool any = sqlite3_step(st) == SQLITE_ROW;
	store_read_done(s, st);
	return any;
}

bool store_read_begin(struct store *s)
{
	return sqlite3_get_autocommit(s->db) && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void store_read_end(struct store *s)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_rows(struct store *s, const char *cluster, struct store_rows *out, int64_t *seen_ms, char **cause)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st;
	int64_t cid = 0;
	bool found = false, own = sqlite3_get_autocommit(s->db) != 0;
	/* One read transaction: the rows and the snapshot's time are of the same write. */
	if (own && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if ((st = store_read(s, "SELECT n.cluster, n.seen_ms, r.cluster_id, r.controller, r.brokers FROM snapshot n "
				"JOIN cluster c ON c.id=n.cluster JOIN cluster_row r ON r.cluster=n.cluster WHERE "
				"c.key=?1")) == NULL)
		goto fail_tx;
	sqlite3_bind_text(st, 1, cluster, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = true;
		cid = sqlite3_column_int64(st, 0);
		*seen_ms = sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			out->cluster_id = x_strdup((const char *)sqlite3_column_text(st, 2));
		out->controller = sqlite3_column_int(st, 3);
		out->brokers = sqlite3_column_int(st, 4);
	}
	store_read_done(s, st);
	if (!found) {
		if (own)
			sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
		*cause = x_asprintf("no snapshot of cluster %s is stored", cluster);
		return -1;
	}
	if ((st = store_read(s, "SELECT name, partitions, rf, under_replicated, offline, not_preferred FROM "
				"topic_row WHERE cluster=?1 ORDER BY name")) == NULL)
		goto fail_tx;
	sqlite3_bind_int64(st, 1, cid);
	int cap = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (out->ntopics == cap) {
			cap = cap ? cap * 2 : 64;
			out->topics = x_reallocarray(out->topics, (size_t)cap, sizeof(*out->topics));
		}
		struct store_topic_row *r = &out->topics[out->ntopics++];
		r->name = x_strdup((const char *)sqlite3_column_text(st, 0));
		r->partitions = sqlite3_column_int(st, 1);
		r->replication_factor = sqlite3_column_int(st, 2);
		r->under_replicated = sqlite3_column_int(st, 3);
		r->offline = sqlite3_column_int(st, 4);
		r->not_preferred = sqlite3_column_int(st, 5);
	}
	store_read_done(s, st);
	if (own)
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return 0;
fail_tx:
	if (own)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
fail:
	*cause = x_asprintf("history store: reading the stored snapshot's rows: %s", sqlite3_errmsg(s->db));
	store_rows_clear(out);
	return -1;
}

void store_rows_clear(struct store_rows *r)
{
	for (int i = 0; r->topics && i < r->ntopics; i++)
		free(r->topics[i].name);
	x_free(&r->topics);
	x_free(&r->cluster_id);
	r->ntopics = 0;
}

/* --- command history ---------------------------------------------------------------------- */

/*
 * Redaction of a command line, one pass over its text (also a line the lexer refuses), the quotes
 * of the language followed ('...' literal, "..." with \ escapes):
 * - KEY=VALUE and KEY: VALUE where KEY names a secret (conf_is_secret: password, pwd, token, api-key,
 *   authorization, ...; in any case, in JSON quotes or not): VALUE becomes ***, its quotes kept;
 * - an option naming a secret, then a word (--password WORD): the word;
 * - an authorization scheme (Bearer ...): kept, the credentials after it go; Bearer also alone.
 */
static const struct {
	const char *name;
	bool alone; /* the credentials follow it without a key too */
} store_schemes[] = {
	{ "bearer", true }, { "basic", false }, { "digest", false }, { "negotiate", false }, { "token", false },
};

static bool store_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

/* The scheme at p (a whole word followed by blanks), with its blanks: its length, else 0. */
static size_t store_scheme(const char *p, bool alone)
{
	for (size_t i = 0; i < sizeof(store_schemes) / sizeof(store_schemes[0]); i++) {
		size_t n = strlen(store_schemes[i].name);
		if ((!alone || store_schemes[i].alone) && strncasecmp(p, store_schemes[i].name, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\t')) {
			while (p[n] == ' ' || p[n] == '\t')
				n++;
			return n;
		}
	}
	return 0;
}

/* The closing quote of a value opened by q ('\\' for \" in a double-quoted word) at p, or NULL. */
static bool store_is_close(const char *p, char q)
{
	return q == '\\' ? p[0] == '\\' && p[1] == '"' : *p == q;
}

/*
 * Writes the value at p as *** (its quotes kept); returns where it ends. A value is quoted ("...",
 * '...', or \"...\" in a double-quoted word) or runs up to a blank, ; or & (outside quotes) or up to
 * the word's closing quote, , ; & } ] (inside).
 */
static const char *store_redact_value(struct sbuf *sb, const char *p, char region)
{
	char q = 0;
	if ((*p == '"' || *p == '\'') && *p != region)
		q = *p;
	else if (region == '"' && p[0] == '\\' && p[1] == '"')
		q = '\\';
	if (q) {
		size_t quote = q == '\\' ? 2 : 1;
		sbuf_addn(sb, p, quote);
		p += quote;
		while (*p && !store_is_close(p, q) && !(region == '\'' && *p == '\'')) {
			if (*p == '\\' && p[1] && q != '\'' && !store_is_close(p, q))
				p++;
			p++;
		}
		sbuf_add(sb, "***");
		if (store_is_close(p, q)) {
			sbuf_addn(sb, p, quote);
			p += quote;
		}
		return p;
	}
	const char *stop = region ? ",;&}]" : " \t;&";
	const char *v = p;
	while (*p && *p != region && !strchr(stop, *p) && !(region == '"' && p[0] == '\\' && p[1] == '"')) {
		if (*p == '\\' && p[1] && region != '\'')
			p++;
		p++;
	}
	if (p > v)
		sbuf_add(sb, "***");
	return p;
}

char *store_redact(const char *line)
{
	struct sbuf sb = SBUF_INIT;
	char region = 0; /* the quote the scan is in */
	for (const char *p = line; *p;) {
		if (*p == '\\' && p[1] && region != '\'') {
			sbuf_addn(&sb, p, 2);
			p += 2;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			region = region == 0 ? *p : region == *p ? 0 : region;
			sbuf_addc(&sb, *p++);
			continue;
		}
		if (!store_key_char(*p) || (p > line && store_key_char(p[-1]))) {
			sbuf_addc(&sb, *p++);
			continue;
		}
		const char *key = p, *q;
		size_t n = 0, sch;
		while (store_key_char(key[n]))
			n++;
		if ((sch = store_scheme(key, true)) > 0) { /* Bearer TOKEN */
			sbuf_addn(&sb, key, sch);
			p = store_redact_value(&sb, key + sch, region);
			continue;
		}
		char *name = x_strndup(key, n);
		bool secret = conf_is_secret(name);
		free(name);
		sbuf_addn(&sb, key, n);
		p = q = key + n;
		if (!secret)
			continue;
		if ((*q == '"' || *q == '\'') && *q != region) /* "password": */
			q++;
		else if (region == '"' && q[0] == '\\' && q[1] == '"')
			q += 2;
		const char *after = q;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=' || *q == ':') { /* KEY=VALUE, KEY: VALUE */
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			sch = store_scheme(q, false);
			sbuf_addn(&sb, p, (size_t)(q - p) + sch);
			p = store_redact_value(&sb, q + sch, region);
		} else if (*key == '-' && after == p && q > p && *q && *q != '-' && *q != ';') { /* --password WORD */
			sbuf_addn(&sb, p, (size_t)(q - p));
			p = store_redact_value(&sb, q, region);
		}
	}
	return sbuf_release(&sb);
}

int store_command_add(struct store *s, const char *face, const char *line, int64_t ts_ms)
{
	char *r = store_redact(line);
	int rc = store_run(s,
			   "INSERT INTO command(ts_ms, face, line) SELECT ?1, ?2, ?3 WHERE ?3 IS NOT (SELECT line FROM "
			   "command WHERE face=?2 ORDER BY id DESC LIMIT 1)",
			   "itt", ts_ms, face, r);
	free(r);
	return rc;
}

char **store_commands(struct store *s, const char *face, int max, int *n)
{
	sqlite3_stmt *st;
	char **out = x_calloc((size_t)max + 1, sizeof(char *));
	*n = 0;
	if (sqlite3_prepare_v2(
		    s->db,
		    "SELECT line FROM (SELECT id, line FROM command WHERE face=?1 ORDER BY id DESC LIMIT ?2) "
		    "ORDER BY id",
		    -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, face, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, max);
		while (*n < max && sqlite3_step(st) == SQLITE_ROW)
			out[(*n)++] = x_strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	return out;
}

/* --- queries for a person (history sql) ----------------------------------------------------- */

struct store_guard {
	const struct store_limits *lim;
	int64_t deadline; /* monotonic ms; 0: none */
	enum store_stop why;
};

/* SQLite's progress handler: non-zero stops the statement (SQLITE_INTERRUPT). */
static int store_progress(void *ud)
{
	struct store_guard *g = ud;
	if (g->lim->interrupt && atomic_load(g->lim->interrupt))
		g->why = STORE_STOP_INTERRUPT;
	else if (g->deadline && clock_mono_ms() >= g->deadline)
		g->why = STORE_STOP_TIME;
	return g->why != STORE_DONE;
}

/* Reading only: no writes, ATTACH, pragmas or anything else than SELECT over the tables. */
static int store_query_auth(void *ud, int action, const char *a, const char *b, const char *c, const char *d)
{
	(void)ud, (void)a, (void)b, (void)c, (void)d;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

/* A column's value; text that is not UTF-8 is shown with U+FFFD for its bad bytes, never dropped. */
static json_t *store_query_value(sqlite3_stmt *q, int i)
{
	switch (sqlite3_column_type(q, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(q, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(q, i));
	case SQLITE_NULL:
		return json_null();
	case SQLITE_BLOB:
		return json_sprintf("<%d bytes>", sqlite3_column_bytes(q, i));
	default: {
		const unsigned char *t = sqlite3_column_text(q, i);
		size_t n = (size_t)sqlite3_column_bytes(q, i);
		json_t *v = json_stringn((const char *)t, n);
		if (v == NULL) {
			char *fixed = escape_utf8_fix(t, n);
			v = json_string(fixed);
			free(fixed);
		}
		return v;
	}
	}
}

int store_query(const char *path, const char *sql, const struct store_limits *lim, json_t **rows, char **cause)
{
	*rows = NULL;
	struct store *s = store_new(path, NULL);
	char *why = NULL;
	/* Its own read-only connection: the query never holds the session's store, nor writes. */
	int rc = store_try_open_busy(s, STORE_RO, &why);
	if (rc == -2 && !store_unwritable(path)) {
		x_free(&why);
		rc = store_try_open_busy(s, STORE_RO_EXCL, &why);
	}
	if (rc < 0) {
		*cause = store_open_cause(path, why);
		free(why);
		store_close(&s);
		return STORE_STOP_ERROR;
	}
	sqlite3_set_authorizer(s->db, store_query_auth, NULL);
	struct store_guard g = { .lim = lim, .deadline = lim->max_ms > 0 ? clock_mono_ms() + lim->max_ms : 0 };
	sqlite3_progress_handler(s->db, 1000, store_progress, &g);
	sqlite3_stmt *q = NULL;
	const char *tail = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, &tail) != SQLITE_OK || q == NULL) {
		*cause = x_strdup(g.why != STORE_DONE                                ? "stopped while preparing"
				  : q == NULL && sqlite3_errcode(s->db) == SQLITE_OK ? "empty query"
										     : sqlite3_errmsg(s->db));
		store_close(&s);
		return g.why != STORE_DONE ? g.why : STORE_STOP_REFUSED;
	}
	if (!sqlite3_stmt_readonly(q) || (tail && strspn(tail, " \t\r\n;") != strlen(tail))) {
		sqlite3_finalize(q);
		store_close(&s);
		*cause = x_strdup("only one read-only statement is allowed");
		return STORE_STOP_REFUSED;
	}
	json_t *a = json_array();
	int ncol = sqlite3_column_count(q);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (lim->max_rows > 0 && (int64_t)json_array_size(a) >= lim->max_rows) {
			g.why = STORE_STOP_ROWS;
			break;
		}
		json_t *r = json_object();
		for (int i = 0; i < ncol; i++) {
			const char *name = sqlite3_column_name(q, i);
			char *fixed = escape_utf8_fix(name, strlen(name));
			json_object_set_new(r, fixed, store_query_value(q, i));
			free(fixed);
		}
		json_array_append_new(a, r);
		if (store_progress(&g))
			break;
	}
	int out = g.why;
	if (out == STORE_DONE && rc != SQLITE_DONE) {
		*cause = x_strdup(sqlite3_errmsg(s->db));
		out = STORE_STOP_ERROR;
	}
	sqlite3_finalize(q);
	store_close(&s);
	if (out == STORE_DONE)
		*rows = a;
	else
		json_decref(a);
	return out;
}
