/* store: schema migrations, samples and change detection, roll-ups and retention, gaps, events,
 * snapshots, the corrupt-file path, permissions, redaction and command history, the read-only
 * open, and the bounded query of history sql. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "clock.h"
#include "samplepack.h"
#include "store.h"
#include "xalloc.h"

#define T0 1700000000000LL /* a round minute: 2023-11-14T22:13:20Z is not; use multiples below */

static char *test_dir(void)
{
	char tmpl[] = "/tmp/kcon-test-store-XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return x_strdup(d);
}

static void test_rm(const char *dir)
{
	char *cmd = x_asprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int64_t test_count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static struct store *test_open(const char *path, const struct store_opts *o)
{
	char *notice = NULL, *cause = NULL;
	struct store *s = store_open(path, o, &notice, &cause);
	if (s == NULL)
		fail_msg("store_open: %s", cause);
	assert_null(notice);
	return s;
}

/* A model of one broker set and one topic "t" with partition 0 led by leader with isr. */
static struct model *test_model(int nbrokers, int32_t leader, int32_t *isr, int nisr, const char *topic2)
{
	int32_t r[] = { 1, 2, 3 };
	rd_kafka_metadata_partition_t p[] = {
		{ .id = 0, .leader = leader, .replica_cnt = 3, .replicas = r, .isr_cnt = nisr, .isrs = isr }
	};
	rd_kafka_metadata_topic_t topics[] = { { .topic = "t", .partition_cnt = 1, .partitions = p },
					       { .topic = (char *)topic2, .partition_cnt = 1, .partitions = p } };
	rd_kafka_metadata_broker_t brokers[] = { { 1, "a", 9092 }, { 2, "b", 9092 }, { 3, "c", 9092 } };
	struct rd_kafka_metadata md = {
		.broker_cnt = nbrokers, .brokers = brokers, .topic_cnt = topic2 ? 2 : 1, .topics = topics
	};
	return model_new(&md, "cid", 1, T0);
}

static void test_migrations(void **state)
{
	(void)state;
	/* From every older version: build it, put a row in, open, and find the row and the new tables. */
	for (int from = 0; from < STORE_SCHEMA_VERSION; from++) {
		char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *cause = NULL;
		sqlite3 *db;
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(store_migrate(db, 0, from, &cause), 0);
		if (from >= 1)
			assert_int_equal(sqlite3_exec(db, "INSERT INTO cluster(key, seen_ms) VALUES('old', 5)", NULL,
						      NULL, NULL),
					 SQLITE_OK);
		if (from >= 1) /* a sample: packed by the migration to 8 */
			assert_int_equal(sqlite3_exec(db,
						      "INSERT INTO sample(series, ts, a, b) VALUES(1, 3600, 5, NULL)",
						      NULL, NULL, NULL),
					 SQLITE_OK);
		if (from >= 2) /* a group recorded before its type was */
			assert_int_equal(sqlite3_exec(db,
						      "INSERT INTO group_state(cluster, grp, state) VALUES(1, 'g', "
						      "'Stable')",
						      NULL, NULL, NULL),
					 SQLITE_OK);
		sqlite3_close(db);
		struct store *s = test_open(path, NULL);
		assert_int_equal(test_count(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
		assert_int_equal(test_count(s, "SELECT count(*) FROM cluster WHERE key='old'"), from >= 1 ? 1 : 0);
		assert_int_equal(test_count(s, "SELECT count(*) FROM command"), 0);
		assert_int_equal(
			test_count(s, "SELECT count(*) FROM sample WHERE series=1 AND ts=3600 AND a=5 AND b IS NULL"),
			from >= 1 ? 1 : 0);
		assert_int_equal(test_count(s, "SELECT count(*) FROM sample_raw"), 0);
		assert_int_equal(test_count(s, "SELECT count(*) FROM sample_pack"), from >= 1 ? 1 : 0);
		assert_int_equal(test_count(s, "SELECT count(*) FROM rollup"), 0);
		assert_int_equal(test_count(s, "SELECT count(*) FROM group_state WHERE grp='g' AND type IS NULL"),
				 from >= 2 ? 1 : 0);
		if (from >= 2) { /* the old row learns its type without a change being claimed */
			char *cause2 = NULL;
			struct store_tick *t = store_tick_begin(s, "old", NULL, T0);
			store_tick_group(t, "g", "Stable", "consumer");
			assert_int_equal(store_tick_commit(&t, &cause2), 0);
			assert_int_equal(test_count(s, "SELECT count(*) FROM group_state WHERE type='consumer'"), 1);
			assert_int_equal(test_count(s, "SELECT count(*) FROM event"), 0);
		}
		store_close(&s);
		/* reopening a current file changes nothing */
		s = test_open(path, NULL);
		assert_int_equal(test_count(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
		store_close(&s);
		test_rm(dir);
		free(path);
		free(dir);
	}
}

/* Two topics: "a" of 3 partitions (one fine, one led by its second replica with a short ISR, one
 * without a leader) and "b" of 1 partition with one replica. */
static struct model *test_rows_model(const char *cluster_id)
{
	int32_t r[] = { 1, 2, 3 }, all[] = { 1, 2, 3 }, two[] = { 2 }, one[] = { 1 };
	rd_kafka_metadata_partition_t pa[] = {
		{ .id = 0, .leader = 1, .replica_cnt = 3, .replicas = r, .isr_cnt = 3, .isrs = all },
		{ .id = 1, .leader = 2, .replica_cnt = 3, .replicas = r, .isr_cnt = 1, .isrs = two },
		{ .id = 2, .leader = -1, .replica_cnt = 3, .replicas = r, .isr_cnt = 0, .isrs = NULL },
	};
	rd_kafka_metadata_partition_t pb[] = {
		{ .id = 0, .leader = 1, .replica_cnt = 1, .replicas = one, .isr_cnt = 1, .isrs = one },
	};
	rd_kafka_metadata_topic_t topics[] = { { .topic = "b", .partition_cnt = 1, .partitions = pb },
					       { .topic = "a", .partition_cnt = 3, .partitions = pa } };
	rd_kafka_metadata_broker_t brokers[] = { { 1, "a", 9092 }, { 2, "b", 9092 }, { 3, "c", 9092 } };
	struct rd_kafka_metadata md = { .broker_cnt = 3, .brokers = brokers, .topic_cnt = 2, .topics = topics };
	return model_new(&md, cluster_id, 2, T0);
}

static void test_rows_expect(struct store *s, const char *cluster, const char *cluster_id)
{
	struct store_rows r;
	int64_t seen = 0;
	char *cause = NULL;
	if (store_rows(s, cluster, &r, &seen, &cause) != 0)
		fail_msg("store_rows: %s", cause);
	assert_int_equal(seen, T0);
	if (cluster_id)
		assert_string_equal(r.cluster_id, cluster_id);
	else
		assert_null(r.cluster_id);
	assert_int_equal(r.controller, 2);
	assert_int_equal(r.brokers, 3);
	assert_int_equal(r.ntopics, 2);
	const struct store_topic_row *a = &r.topics[0], *b = &r.topics[1]; /* sorted by name */
	assert_string_equal(a->name, "a");
	assert_int_equal(a->partitions, 3);
	assert_int_equal(a->replication_factor, 3);
	assert_int_equal(a->under_replicated, 2);
	assert_int_equal(a->offline, 1);
	assert_int_equal(a->not_preferred, 2);
	assert_string_equal(b->name, "b");
	assert_int_equal(b->partitions, 1);
	assert_int_equal(b->replication_factor, 1);
	assert_int_equal(b->under_replicated + b->offline + b->not_preferred, 0);
	store_rows_clear(&r);
	assert_null(r.topics);
}

static void test_snapshot_rows(void **state)
{
	(void)state;
	char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *cause = NULL;
	struct store *s = test_open(path, NULL);
	struct store_rows r;
	int64_t seen = 0;
	assert_int_equal(store_rows(s, "c1", &r, &seen, &cause), -1);
	assert_non_null(strstr(cause, "no snapshot of cluster c1"));
	x_free(&cause);
	/* Written with the snapshot: the counts the model makes. */
	const char *ids[] = { "cid", NULL };
	for (int i = 0; i < 2; i++) {
		struct model *m = test_rows_model(ids[i]);
		struct store_tick *t = store_tick_begin(s, i ? "c2" : "c1", "boot:9092", T0);
		store_tick_model(t, m);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
		model_unref(&m);
	}
	test_rows_expect(s, "c1", "cid");
	test_rows_expect(s, "c2", NULL);
	store_close(&s);
	/*
	 * A file of version 6, whose snapshots have documents but no rows: opening it migrates, and the
	 * migration makes the same rows from the documents.
	 */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "DROP VIEW sample; DROP TABLE sample_pack; ALTER TABLE sample_raw RENAME TO sample; "
			     "DROP TABLE topic_row; DROP TABLE cluster_row; PRAGMA user_version=6",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	s = test_open(path, NULL);
	assert_int_equal(test_count(s, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(test_count(s, "SELECT count(*) FROM topic_row"), 4);
	test_rows_expect(s, "c1", "cid");
	test_rows_expect(s, "c2", NULL);
	/* A newer snapshot without topic "b" replaces the rows: b's goes. */
	rd_kafka_metadata_broker_t brokers[] = { { 1, "a", 9092 } };
	struct store_tick *t = store_tick_begin(s, "c1", "boot:9092", T0 + 1000);
	int32_t one[] = { 1 };
	rd_kafka_metadata_partition_t p[] = {
		{ .id = 0, .leader = 1, .replica_cnt = 1, .replicas = one, .isr_cnt = 1, .isrs = one }
	};
	rd_kafka_metadata_topic_t topics[] = { { .topic = "a", .partition_cnt = 1, .partitions = p } };
	struct rd_kafka_metadata md2 = { .broker_cnt = 1, .brokers = brokers, .topic_cnt = 1, .topics = topics };
	struct model *m2 = model_new(&md2, "cid", 1, T0 + 1000);
	store_tick_model(t, m2);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(store_rows(s, "c1", &r, &seen, &cause), 0);
	assert_int_equal(seen, T0 + 1000);
	assert_int_equal(r.brokers, 1);
	assert_int_equal(r.ntopics, 1);
	assert_string_equal(r.topics[0].name, "a");
	assert_int_equal(r.topics[0].partitions, 1);
	store_rows_clear(&r);
	model_unref(&m2);
	store_close(&s);
	test_rm(dir);
	free(path);
	free(dir);
}

/* A model of one-partition topics names[i], partition 0 led by leaders[i] of replicas 1, 2, 3. */
static struct model *test_topics_model(const char *const *names, const int32_t *leaders, int n)
{
	int32_t r[] = { 1, 2, 3 };
	rd_kafka_metadata_partition_t p[8];
	rd_kafka_metadata_topic_t topics[8];
	assert_true(n <= 8);
	for (int i = 0; i < n; i++) {
		p[i] = (rd_kafka_metadata_partition_t){
			.id = 0, .leader = leaders[i], .replica_cnt = 3, .replicas = r, .isr_cnt = 3, .isrs = r
		};
		topics[i] = (rd_kafka_metadata_topic_t){ .topic = (char *)names[i],
							 .partition_cnt = 1,
							 .partitions = &p[i] };
	}
	rd_kafka_metadata_broker_t brokers[] = { { 1, "a", 9092 }, { 2, "b", 9092 }, { 3, "c", 9092 } };
	struct rd_kafka_metadata md = { .broker_cnt = 3, .brokers = brokers, .topic_cnt = n, .topics = topics };
	return model_new(&md, "cid", 1, T0);
}

/*
 * A changed snapshot writes the rows of the topics that changed and deletes those gone; the others
 * stay as they are (counted by temporary triggers): 10,000 topics and one leader moved write one row.
 */
static void test_snapshot_rows_changed_only(void **state)
{
	(void)state;
	char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *cause = NULL;
	struct store *s = test_open(path, NULL);
	const char *n1[] = { "b", "a", "c", "e" }, *n2[] = { "d", "a", "e", "b" };
	const int32_t l1[] = { 1, 1, 1, 1 }, l2[] = { 1, 2, 1, 1 }; /* a's leader moves; c goes, d comes */
	struct model *m1 = test_topics_model(n1, l1, 4), *m2 = test_topics_model(n2, l2, 4);
	struct store_tick *t = store_tick_begin(s, "c1", "boot:9092", T0);
	store_tick_model(t, m1);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(sqlite3_exec(store_db(s),
				      "CREATE TEMP TABLE touched(op TEXT, name TEXT);"
				      "CREATE TEMP TRIGGER ti AFTER INSERT ON main.topic_row BEGIN INSERT INTO "
				      "touched VALUES('insert', new.name); END;"
				      "CREATE TEMP TRIGGER td AFTER DELETE ON main.topic_row BEGIN INSERT INTO "
				      "touched VALUES('delete', old.name); END;"
				      "CREATE TEMP TRIGGER tu AFTER UPDATE ON main.topic_row BEGIN INSERT INTO "
				      "touched VALUES('update', new.name); END;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	t = store_tick_begin(s, "c1", "boot:9092", T0 + 1000);
	store_tick_model(t, m2);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM touched"), 3);
	assert_int_equal(test_count(s, "SELECT count(*) FROM touched WHERE op='insert' AND name IN ('a', 'd')"), 2);
	assert_int_equal(test_count(s, "SELECT count(*) FROM touched WHERE op='delete' AND name='c'"), 1);
	/* and the rows are the new snapshot's */
	struct store_rows r;
	int64_t seen = 0;
	assert_int_equal(store_rows(s, "c1", &r, &seen, &cause), 0);
	assert_int_equal(seen, T0 + 1000);
	assert_int_equal(r.ntopics, 4);
	const char *want[] = { "a", "b", "d", "e" };
	for (int i = 0; i < 4; i++) {
		assert_string_equal(r.topics[i].name, want[i]);
		assert_int_equal(r.topics[i].partitions, 1);
		assert_int_equal(r.topics[i].replication_factor, 3);
		assert_int_equal(r.topics[i].not_preferred, i == 0); /* a: led by its second replica */
	}
	store_rows_clear(&r);
	/* the same snapshot again touches no row; one with no topic left at all is kept (ACLs) */
	sqlite3_exec(store_db(s), "DELETE FROM touched", NULL, NULL, NULL);
	t = store_tick_begin(s, "c1", "boot:9092", T0 + 2000);
	store_tick_model(t, m2);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM touched"), 0);
	model_unref(&m1);
	model_unref(&m2);
	store_close(&s);
	test_rm(dir);
	free(path);
	free(dir);
}

/* Names that need escaping go through the document and come back as they were. */
static void test_snapshot_text(void **state)
{
	(void)state;
	char *cause = NULL;
	struct store *s = test_open(":memory:", NULL);
	int32_t r[] = { 1 };
	rd_kafka_metadata_partition_t p[] = { { .id = 0, .leader = -1, .replica_cnt = 1, .replicas = r } };
	rd_kafka_metadata_topic_t topics[] = { { .topic = "t.1_x-y", .partition_cnt = 1, .partitions = p } };
	rd_kafka_metadata_broker_t brokers[] = { { 1, "q\"uote", 9092 },
						 { 2, "back\\slash", -1 },
						 { 3, "ctl\x01\t\u00e9\u2603\xf0\x9f\x98\x80", 65535 } };
	struct rd_kafka_metadata md = { .broker_cnt = 3, .brokers = brokers, .topic_cnt = 1, .topics = topics };
	struct model *m = model_new(&md, "id \"with\" quotes", -1, T0), *back = NULL;
	struct store_tick *t = store_tick_begin(s, "c1", NULL, T0);
	store_tick_model(t, m);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	int64_t seen;
	assert_int_equal(store_last_model(s, "c1", &back, &seen, &cause), 0);
	assert_string_equal(back->cluster_id, m->cluster_id);
	assert_int_equal(back->controller, -1);
	assert_int_equal(back->nbrokers, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(back->brokers[i].host, m->brokers[i].host);
		assert_int_equal(back->brokers[i].port, m->brokers[i].port);
	}
	assert_string_equal(back->topics[0].name, "t.1_x-y");
	assert_int_equal(back->topics[0].partitions[0].leader, -1);
	/* the document is valid JSON to SQLite too */
	assert_int_equal(test_count(s, "SELECT json_valid(substr(doc, 1)) FROM snapshot"), 1);
	model_unref(&m);
	model_unref(&back);
	store_close(&s);
}

static void test_migration_race(void **state)
{
	(void)state;
	/* Two processes read version 0 from a new file and both migrate: the second finds it done. */
	char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *cause = NULL;
	sqlite3 *a, *b;
	assert_int_equal(sqlite3_open(path, &a), SQLITE_OK);
	assert_int_equal(sqlite3_open(path, &b), SQLITE_OK);
	assert_int_equal(store_migrate(a, 0, STORE_SCHEMA_VERSION, &cause), 0);
	if (store_migrate(b, 0, STORE_SCHEMA_VERSION, &cause) != 0)
		fail_msg("%s", cause);
	sqlite3_close(a);
	sqlite3_close(b);
	test_rm(dir);
	free(path);
	free(dir);
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *cause = NULL, *notice = NULL;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_null(store_open(path, NULL, &notice, &cause));
	assert_non_null(strstr(cause, "newer than this kcon"));
	free(cause);
	test_rm(dir);
	free(path);
	free(dir);
}

static void test_samples_change_only(void **state)
{
	(void)state;
	struct store_opts o = { .partition_interval_s = 60 };
	struct store *s = test_open(":memory:", &o);
	char *cause = NULL;
	/* 10 ticks 10 s apart: partition 0 moves every tick, partition 1 never */
	for (int i = 0; i < 10; i++) {
		struct store_tick *t = store_tick_begin(s, "cid", "b:9092", T0 + i * 10000LL);
		store_tick_group(t, "g", "Stable", "classic");
		store_tick_group_partition(t, "g", "t", 0, 100 + i, 200 + 2 * i);
		store_tick_group_partition(t, "g", "t", 1, 50, 50);
		store_tick_topic_partition(t, "t", 0, 200 + 2 * i);
		store_tick_topic_partition(t, "t", 1, 50);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	/* the aggregates every tick */
	struct store_point *p;
	int n;
	assert_int_equal(store_series(s, "cid", "g", "", -1, T0, &p, &n, &cause), 0);
	assert_int_equal(n, 10);
	assert_int_equal(p[9].a, 109 + 50);        /* committed sum */
	assert_int_equal(p[9].b, (218 - 109) + 0); /* lag */
	free(p);
	assert_int_equal(store_series(s, "cid", "", "t", -1, T0, &p, &n, &cause), 0);
	assert_int_equal(n, 10);
	assert_int_equal(p[3].a, 206 + 50);
	free(p);
	/* the busy partition: the first row, then at most one a minute (at 60 s); the idle one once */
	assert_int_equal(store_series(s, "cid", "g", "t", 0, T0, &p, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[1].ts_ms, T0 + 60000);
	assert_int_equal(p[1].a, 106);
	/* and the newest values, seen at 90 s but not stored as a row */
	assert_int_equal(p[2].ts_ms, T0 + 90000);
	assert_int_equal(p[2].a, 109);
	assert_int_equal(p[2].b, 218);
	free(p);
	assert_int_equal(test_count(s,
				    "SELECT count(*) FROM sample s JOIN series r ON r.id=s.series WHERE r.part=0 AND "
				    "r.grp='g'"),
			 2);
	assert_int_equal(store_series(s, "cid", "g", "t", 1, T0, &p, &n, &cause), 0);
	assert_int_equal(n, 1);
	free(p);
	struct store_tick *t = store_tick_begin(s, "cid", "b:9092", T0 + 120000);
	store_tick_group_partition(t, "g", "t", 0, 170, 300);
	store_tick_group_partition(t, "g", "t", 1, 50, 50);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(store_series(s, "cid", "g", "t", 0, T0, &p, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(p[2].a, 170);
	assert_int_equal(p[2].b, 300);
	free(p);
	assert_int_equal(store_series(s, "cid", "g", "t", 1, T0, &p, &n, &cause), 0);
	assert_int_equal(n, 1);
	free(p);
	/* the cluster by bootstrap, by key, or the last */
	char *c = store_cluster(s, NULL, "b:9092", &cause);
	assert_string_equal(c, "cid");
	free(c);
	assert_null(store_cluster(s, "nope", NULL, &cause));
	free(cause);
	cause = NULL;
	/* exactly by bootstrap: no fallback to another cluster for an unknown one */
	c = store_cluster_of(s, "b:9092");
	assert_string_equal(c, "cid");
	free(c);
	assert_null(store_cluster_of(s, "other:9092"));
	assert_null(store_cluster_of(s, NULL));
	/* another cluster seen later: by key or bootstrap each is found; else the one sampled last */
	t = store_tick_begin(s, "cid2", "c:9092", T0 + 999000);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	static const struct {
		const char *key, *bootstrap, *want;
	} finds[] = {
		{ "cid", NULL, "cid" },         { NULL, "b:9092", "cid" }, { NULL, "c:9092", "cid2" },
		{ NULL, "other:9092", "cid2" }, { NULL, NULL, "cid2" },
	};
	for (size_t i = 0; i < sizeof(finds) / sizeof(finds[0]); i++) {
		c = store_cluster(s, finds[i].key, finds[i].bootstrap, &cause);
		assert_non_null(c);
		assert_string_equal(c, finds[i].want);
		free(c);
	}
	store_close(&s);
}

/* The group ids a cluster's history knows, for completion: from its series and states, sorted, no other cluster's. */
static void test_group_names(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL, **names;
	int n;
	assert_int_equal(store_group_names(s, "cid", &names, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(names);
	struct store_tick *t = store_tick_begin(s, "cid", "b:9092", T0);
	store_tick_group(t, "zeta", "Empty", "classic"); /* a state, no partitions */
	store_tick_group(t, "alpha", "Stable", "classic");
	store_tick_group_partition(t, "alpha", "t", 0, 1, 2);
	store_tick_topic_partition(t, "t", 0, 2);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	t = store_tick_begin(s, "other", "o:9092", T0);
	store_tick_group(t, "theirs", "Stable", "classic");
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(store_group_names(s, "cid", &names, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "alpha");
	assert_string_equal(names[1], "zeta");
	assert_null(names[2]);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	store_close(&s);
}

/* The text of a query's first column over all its rows, ';'-joined (NULL as 'n'). */
static char *test_rows_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	char *out = x_strdup("");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		char *next = x_asprintf("%s%s;", out, v ? v : "n");
		free(out);
		out = next;
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	return out;
}

static void test_window_row(void *ud, const char *topic, int32_t partition, const struct store_point *seen,
			    const struct store_point *row)
{
	char **out = ud;
	char *next = x_asprintf("%s%s/%d seen %lld %lld %lld row %lld %lld %lld;", *out, topic, partition,
				(long long)seen->ts_ms, (long long)seen->a, (long long)seen->b, (long long)row->ts_ms,
				(long long)row->a, (long long)row->b);
	free(*out);
	*out = next;
}

/* What the readers make of a store: series (history lag/topic, trends, sparklines), windows (status), groups. */
static char *test_readings(struct store *s, int64_t base)
{
	static const struct {
		const char *grp, *topic;
		int part;
	} keys[] = { { "g", "", -1 }, { "g", "t", 0 }, { "g", "t", 1 }, { "g", "t", 2 },
		     { "", "t", -1 }, { "", "t", 0 },  { "", "t", 2 } };
	static const int64_t since[] = { 0, 30 * 60000LL, 2 * 3600000LL + 50 * 60000LL, 3 * 3600000LL };
	char *out = x_strdup(""), *cause = NULL;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (size_t w = 0; w < sizeof(since) / sizeof(since[0]); w++) {
			struct store_point *p;
			int n;
			assert_int_equal(store_series(s, "cid", keys[k].grp, keys[k].topic, keys[k].part,
						      base + since[w], &p, &n, &cause),
					 0);
			for (int i = 0; i < n; i++) {
				char *next = x_asprintf("%s%lld:%lld:%lld:%d,", out, (long long)p[i].ts_ms,
							(long long)p[i].a, (long long)p[i].b, p[i].gap);
				free(out);
				out = next;
			}
			free(p);
			char *next = x_asprintf("%s|", out);
			free(out);
			out = next;
		}
	for (size_t w = 0; w < sizeof(since) / sizeof(since[0]); w++)
		assert_int_equal(store_group_window(s, "cid", "g", base + since[w], test_window_row, &out, &cause), 0);
	char **names;
	int n;
	for (size_t w = 0; w < sizeof(since) / sizeof(since[0]); w++) { /* the groups sampled since */
		assert_int_equal(store_groups(s, "cid", base + since[w] + 3590000, &names, &n, &cause), 0);
		for (int i = 0; i < n; i++) {
			char *next = x_asprintf("%sgroup %s;", out, names[i]);
			free(out);
			out = next;
			free(names[i]);
		}
		free(names);
	}
	return out;
}

/*
 * Schema 7 kept each sample as a row of the table sample(series, ts, a, b); 8 packs a series' hour
 * in one row. A store of schema 7 holding the rows ticks write (copied from one made now: the
 * ticks write the same rows) reads the same after its migration, and rolls up the same.
 */
static void test_migrate_packs(void **state)
{
	(void)state;
	char *dir = test_dir(), *now_path = x_asprintf("%s/now.db", dir), *old_path = x_asprintf("%s/history.db", dir),
	     *cause = NULL;
	struct store *a = test_open(now_path, NULL);
	int64_t base = 1699999200000LL; /* a whole hour */
	/* 3 hours of 10 s ticks as watch makes them (a maintenance each hour); the last hour stays raw */
	for (int i = 0; i < 3 * 360; i++) {
		int64_t ts = base + i * 10000LL;
		struct store_tick *t = store_tick_begin(a, "cid", "b:9092", ts);
		store_tick_group(t, "g", "Stable", "classic");
		store_tick_group_partition(t, "g", "t", 0, 1000 + i * 7, 1000 + i * 9);
		store_tick_group_partition(t, "g", "t", 1, 50 + i / 360, 60 + i / 360); /* once an hour */
		store_tick_group_partition(t, "g", "t", 2, i < 200 ? -1 : 5, 10 + i);   /* no commit at first */
		store_tick_topic_partition(t, "t", 0, 1000 + i * 9);
		store_tick_topic_partition(t, "t", 1, 60 + i / 360);
		store_tick_topic_partition(t, "t", 2, 10 + i);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
		if ((ts + 10000) / 3600000 != ts / 3600000 && i < 3 * 360 - 1)
			assert_int_equal(store_maintain(a, ts + 10000, &cause), 0);
	}
	assert_true(test_count(a, "SELECT count(*) FROM sample_raw") > 0);
	assert_true(test_count(a, "SELECT count(*) FROM sample_pack") > 0);
	int64_t rows = test_count(a, "SELECT count(*) FROM sample");
	/* the old layout with those rows */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(old_path, &db), SQLITE_OK);
	assert_int_equal(store_migrate(db, 0, 7, &cause), 0);
	assert_int_equal(samplepack_register(db), SQLITE_OK); /* to read the new file's packed rows */
	char *copy =
		x_asprintf("ATTACH '%s' AS a; INSERT INTO cluster SELECT * FROM a.cluster; INSERT INTO series SELECT * "
			   "FROM a.series; INSERT INTO sample SELECT * FROM a.sample; INSERT INTO group_state SELECT "
			   "* FROM a.group_state; INSERT INTO meta SELECT * FROM a.meta WHERE key<>'packed'; "
			   "INSERT INTO snapshot SELECT * FROM a.snapshot; DETACH a;",
			   now_path);
	assert_int_equal(sqlite3_exec(db, copy, NULL, NULL, NULL), SQLITE_OK);
	free(copy);
	sqlite3_close(db);
	struct store *b = test_open(old_path, NULL);
	/* converted: every row of a past hour packed (the ticks are of 2023), none lost */
	assert_int_equal(test_count(b, "PRAGMA user_version"), 8);
	assert_int_equal(test_count(b, "SELECT count(*) FROM sample_raw"), 0);
	assert_int_equal(test_count(b, "SELECT sum(n) FROM sample_pack"), rows);
	assert_true(test_count(b, "SELECT count(*) FROM sample_pack") <= 3 * 8); /* 8 series, 3 hours */
	const char *all =
		"SELECT series || ',' || ts || ',' || coalesce(a, 'n') || ',' || coalesce(b, 'n') FROM sample "
		"ORDER BY series, ts";
	char *ta = test_rows_text(store_db(a), all), *tb = test_rows_text(store_db(b), all);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	ta = test_readings(a, base);
	tb = test_readings(b, base);
	assert_non_null(strstr(ta, "group g;"));
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	/* a day later both roll up the same (minutes, hours), and hold no raw sample */
	assert_int_equal(store_maintain(a, base + 28 * 3600000LL, &cause), 0);
	assert_int_equal(store_maintain(b, base + 28 * 3600000LL, &cause), 0);
	const char *rolled =
		"SELECT series || ',' || res || ',' || ts || ',' || coalesce(a, 'n') || ',' || coalesce(b, "
		"'n') || ',' || coalesce(bmax, 'n') FROM rollup ORDER BY series, res, ts";
	ta = test_rows_text(store_db(a), rolled);
	tb = test_rows_text(store_db(b), rolled);
	assert_true(strlen(ta) > 100);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	assert_int_equal(test_count(a, "SELECT count(*) FROM sample"), 0);
	assert_int_equal(test_count(b, "SELECT count(*) FROM sample"), 0);
	ta = test_readings(a, base);
	tb = test_readings(b, base);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	store_close(&a);
	store_close(&b);
	test_rm(dir);
	free(now_path);
	free(old_path);
	free(dir);
}

/* A packed row damaged on disk: the readers fail with the reason and a hint, and nothing crashes. */
static void test_damaged_pack(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int64_t base = 1699999200000LL;
	for (int i = 0; i < 360; i++) { /* an hour, packed */
		struct store_tick *t = store_tick_begin(s, "cid", NULL, base + i * 10000LL);
		store_tick_group_partition(t, "g", "t", 0, i, 2 * i);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	assert_int_equal(store_maintain(s, base + 3600000LL + 60000, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample_raw"), 0);
	assert_int_equal(sqlite3_exec(store_db(s), "UPDATE sample_pack SET data=substr(data, 1, length(data) - 1)",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	struct store_point *p = NULL;
	int n = 5;
	assert_int_equal(store_series(s, "cid", "g", "", -1, base, &p, &n, &cause), -1);
	assert_null(p);
	assert_int_equal(n, 0);
	assert_non_null(strstr(cause, "damaged"));
	assert_non_null(strstr(cause, "`kcon history prune` drops"));
	x_free(&cause);
	assert_int_equal(store_group_window(s, "cid", "g", base, test_window_row, &(char *){ NULL }, &cause), -1);
	assert_non_null(strstr(cause, "damaged"));
	x_free(&cause);
	char **names;
	assert_int_equal(store_groups(s, "cid", base + 3590000, &names, &n, &cause), -1); /* the last, cut off */
	assert_non_null(strstr(cause, "damaged"));
	x_free(&cause);
	/* the roll-up a day later meets them: it drops them (counted once) and goes on */
	assert_int_equal(store_maintain(s, base + 26 * 3600000LL, &cause), 0);
	assert_int_equal(store_damaged_take(s), 2);
	assert_int_equal(store_damaged_take(s), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample_pack"), 0);
	assert_int_equal(store_series(s, "cid", "g", "", -1, base, &p, &n, &cause), 0);
	free(p);
	assert_int_equal(store_maintain(s, base + 27 * 3600000LL, &cause), 0);
	store_close(&s);
}

/* A store of an hour of one group's samples, packed, with the packed rows of the series `damage` picks cut short. */
static struct store *test_damaged_store(int64_t base, const char *damage)
{
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	for (int i = 0; i < 360; i++) {
		struct store_tick *t = store_tick_begin(s, "cid", NULL, base + i * 10000LL);
		store_tick_group_partition(t, "g", "t", 0, i, 2 * i);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	assert_int_equal(store_maintain(s, base + 3600000LL + 60000, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample_raw"), 0);
	char *sql = x_asprintf("UPDATE sample_pack SET data=substr(data, 1, length(data) - 1) WHERE series IN "
			       "(SELECT id FROM series WHERE %s)",
			       damage);
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(store_db(s)), 1);
	free(sql);
	return s;
}

/* --older-than inside a damaged row's hour drops the row (as the hint says) instead of failing on it. */
static void test_damaged_drop_inside_hour(void **state)
{
	(void)state;
	int64_t base = 1699999200000LL, dropped = -1;
	struct store *s = test_damaged_store(base, "part<0");
	char *cause = NULL;
	assert_int_equal(sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	if (store_drop_samples(s, base / 1000 + 100, &dropped, &cause) < 0)
		fail_msg("%s", cause);
	assert_int_equal(sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(store_damaged_take(s), 1);
	assert_int_equal(dropped, 1); /* the partition's row at 0 (the damaged row's samples are not counted) */
	/* the partition's later samples are kept; the total's row is gone, so it reads again */
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample"), 11);
	struct store_point *p;
	int n;
	assert_int_equal(store_series(s, "cid", "g", "", -1, base, &p, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(p);
	store_close(&s);
}

/* A damaged row in the minute roll-up's window does not wedge maintenance: dropped, the roll-ups go on. */
static void test_damaged_rollup_window(void **state)
{
	(void)state;
	int64_t base = 1699999200000LL;
	struct store *s = test_damaged_store(base, "part<0");
	char *cause = NULL;
	int64_t mwm = test_count(s, "SELECT value FROM meta WHERE key='rolled_minute'");
	if (store_maintain(s, base + 26 * 3600000LL, &cause) < 0)
		fail_msg("%s", cause);
	assert_true(test_count(s, "SELECT value FROM meta WHERE key='rolled_minute'") > mwm);
	assert_int_equal(store_damaged_take(s), 1);
	/* the partition's hour (a good row) is rolled up; the total's minutes are lost with its row */
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup WHERE res=3600 AND series IN (SELECT id FROM "
				       "series WHERE part=0)"),
			 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup WHERE series IN (SELECT id FROM series WHERE "
				       "part<0)"),
			 0);
	assert_int_equal(store_maintain(s, base + 27 * 3600000LL, &cause), 0);
	assert_int_equal(store_damaged_take(s), 0);
	store_close(&s);

	/* the same in the partitions' hour roll-up */
	s = test_damaged_store(base, "part=0");
	if (store_maintain(s, base + 26 * 3600000LL, &cause) < 0)
		fail_msg("%s", cause);
	assert_int_equal(store_damaged_take(s), 1);
	assert_true(test_count(s, "SELECT count(*) FROM rollup WHERE res=60 AND series IN (SELECT id FROM series WHERE "
				  "part<0)") > 50);
	store_close(&s);
}

/* A raw row of a negative time (never written by kcon) is dropped by the packer, not packed unreadable. */
static void test_pack_negative_time(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int64_t base = 1699999200000LL;
	struct store_tick *t = store_tick_begin(s, "cid", NULL, base);
	store_tick_group_partition(t, "g", "t", 0, 1, 2);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(sqlite3_exec(store_db(s),
				      "INSERT INTO sample_raw(series, ts, a, b) SELECT id, -5, 1, 1 FROM series WHERE "
				      "part<0",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	if (store_maintain(s, base + 3600000LL, &cause) < 0)
		fail_msg("%s", cause);
	assert_int_equal(store_damaged_take(s), 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample_pack WHERE ts<0"), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample WHERE ts<0"), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample"), 2);
	struct store_point *p;
	int n;
	assert_int_equal(store_series(s, "cid", "g", "", -1, 0, &p, &n, &cause), 0);
	assert_int_equal(n, 1);
	free(p);
	store_close(&s);
}

/* Migrating to 8: an empty store; one with a raw row of a later hour (kept raw); one that fails (rolled back).
 */
static void test_migrate_cases(void **state)
{
	(void)state;
	for (int c = 0; c < 3; c++) {
		char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *cause = NULL;
		sqlite3 *db;
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(store_migrate(db, 0, 7, &cause), 0);
		/* a row of a past hour, and one of the next hour: one at `now` would be packed should the hour
		 * turn between this read of the clock and the migration's */
		int64_t now = clock_wall_ms() / 1000, later = now / 3600 * 3600 + 3600 + 5;
		if (c >= 1) {
			char *sql =
				x_asprintf("INSERT INTO sample(series, ts, a, b) VALUES(1, %lld, 5, 6), (1, %lld, 7, "
					   "NULL)",
					   (long long)(now / 3600 * 3600 - 10), (long long)later);
			assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
			free(sql);
		}
		if (c == 2) { /* the migration's last step refused: the packer's delete of the old rows */
			assert_int_equal(sqlite3_exec(db,
						      "CREATE TRIGGER refuse BEFORE DELETE ON sample BEGIN SELECT "
						      "RAISE(ABORT, 'refused by the test'); END",
						      NULL, NULL, NULL),
					 SQLITE_OK);
			assert_int_equal(store_migrate(db, 7, 8, &cause), -1);
			assert_non_null(strstr(cause, "refused by the test"));
			x_free(&cause);
			sqlite3_stmt *st;
			assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			assert_int_equal(sqlite3_column_int(st, 0), 7);
			sqlite3_finalize(st);
			assert_int_equal(
				sqlite3_prepare_v2(db,
						   "SELECT count(*), (SELECT count(*) FROM sqlite_master WHERE "
						   "name IN ('sample_raw', 'sample_pack')) FROM sample",
						   -1, &st, NULL),
				SQLITE_OK);
			assert_int_equal(sqlite3_step(st), SQLITE_ROW);
			assert_int_equal(sqlite3_column_int(st, 0), 2);
			assert_int_equal(sqlite3_column_int(st, 1), 0);
			sqlite3_finalize(st);
			assert_int_equal(sqlite3_exec(db, "DROP TRIGGER refuse", NULL, NULL, NULL), SQLITE_OK);
		}
		sqlite3_close(db);
		struct store *s = test_open(path, NULL);
		assert_int_equal(test_count(s, "PRAGMA user_version"), 8);
		assert_int_equal(test_count(s, "SELECT count(*) FROM sample"), c >= 1 ? 2 : 0);
		/* the row of a past hour packed, the later one kept raw */
		assert_int_equal(test_count(s, "SELECT count(*) FROM sample_pack"), c >= 1 ? 1 : 0);
		char *sql = x_asprintf("SELECT count(*) FROM sample_raw WHERE ts=%lld AND a=7 AND b IS NULL",
				       (long long)later);
		assert_int_equal(test_count(s, sql), c >= 1 ? 1 : 0);
		free(sql);
		assert_int_equal(test_count(s, "SELECT count(*) FROM sample_raw"), c >= 1 ? 1 : 0);
		store_close(&s);
		test_rm(dir);
		free(path);
		free(dir);
	}
}

/* Dropping samples before a time inside a packed hour keeps the hour's later samples, counted one by one. */
static void test_drop_inside_hour(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int64_t base = 1699999200000LL;
	for (int i = 0; i < 360; i++) {
		struct store_tick *t = store_tick_begin(s, "cid", NULL, base + i * 10000LL);
		store_tick_group_partition(t, "g", "t", 0, i, 2 * i);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	assert_int_equal(store_maintain(s, base + 3600000LL, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample_raw"), 0);
	int64_t dropped = 0;
	assert_int_equal(sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	/* 100 s into the hour: ticks 0..9 of the total, the partition's row at 0 */
	assert_int_equal(store_drop_samples(s, base / 1000 + 100, &dropped, &cause), 0);
	assert_int_equal(sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(dropped, 11);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample"), 360 + 12 - 11);
	assert_int_equal(test_count(s, "SELECT min(ts) FROM sample"), base / 1000 + 100);
	struct store_point *p;
	int n;
	assert_int_equal(store_series(s, "cid", "g", "", -1, base, &p, &n, &cause), 0);
	assert_int_equal(n, 350);
	assert_int_equal(p[0].ts_ms, base + 100000);
	assert_int_equal(p[0].a, 10);
	free(p);
	store_close(&s);
}

static void test_rollup_retention(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int64_t base = 1699999200000LL; /* a whole hour */
	/* 2 hours of 10 s ticks with lag i % 60 */
	for (int i = 0; i < 720; i++) {
		struct store_tick *t = store_tick_begin(s, "cid", NULL, base + i * 10000LL);
		store_tick_group_partition(t, "g", "t", 0, i, i + i % 6);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	int64_t end = base + 7200000;
	assert_int_equal(store_maintain(s, end, &cause), 0);
	/* nothing is rolled up while it is held raw (readers take raw rows first) */
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup"), 0);
	/* the first hour raw: 360 rows of the aggregate, 12 of the partition (one per 5 min) */
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample WHERE ts<1699999200+3600"), 372);
	/* packed: one row per series and hour, and only the hour being written is left raw */
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample_raw WHERE ts<1699999200+3600"), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample_pack WHERE ts<1699999200+3600"), 2);
	assert_int_equal(test_count(s, "SELECT sum(n) FROM sample_pack WHERE ts<1699999200+3600"), 372);
	/* a day later: 120 minutes and 2 hours of the aggregate, and of the partition, and the raw rows gone */
	end += 24 * 3600000LL;
	assert_int_equal(store_maintain(s, end, &cause), 0);
	assert_int_equal(test_count(s,
				    "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=-1 AND "
				    "res=60"),
			 120);
	assert_int_equal(test_count(s,
				    "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=-1 AND "
				    "res=3600"),
			 2);
	/* a minute's average lag of 0..5 is 2 (integer), its max 5 */
	assert_int_equal(test_count(s,
				    "SELECT b FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=-1 AND res=60 "
				    "ORDER BY ts LIMIT 1"),
			 2);
	assert_int_equal(test_count(s, "SELECT bmax FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=-1 AND "
				       "res=3600 ORDER BY ts LIMIT 1"),
			 5);
	/* running it again adds nothing */
	assert_int_equal(store_maintain(s, end, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup WHERE res=60"), 120); /* aggregates only */
	/* the partition's rows (one per 5 min) go straight to hours */
	assert_int_equal(test_count(s,
				    "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=0 AND "
				    "res=3600"),
			 2);
	/* the raw rows are gone; the series reads from the roll-ups */
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample"), 0);
	struct store_point *p;
	int n;
	assert_int_equal(store_series(s, "cid", "g", "", -1, base, &p, &n, &cause), 0);
	assert_int_equal(n, 120);
	free(p);
	/* after 8 days only the hours; after 91 nothing */
	assert_int_equal(store_maintain(s, end + 8 * 86400000LL, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup WHERE res=60"), 0);
	assert_int_equal(store_series(s, "cid", "g", "", -1, base, &p, &n, &cause), 0);
	assert_int_equal(n, 2);
	free(p);
	assert_int_equal(store_maintain(s, end + 91 * 86400000LL, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup"), 0);
	store_close(&s);
}

/*
 * Partitions' hours older than the per-minute period become days (res 86400): whole UTC days,
 * a max, b average, bmax max; totals keep their hours; a partition reads as days, hours, raw rows.
 */
static void test_rollup_days(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int64_t base = 1699920000000LL; /* a UTC midnight */
	int64_t end = base + 10 * 86400000LL;
	for (int i = 0; i < 10 * 144; i++) { /* 10 days of ticks every 10 min */
		int64_t ts = base + i * 600000LL;
		struct store_tick *t = store_tick_begin(s, "cid", NULL, ts);
		store_tick_group_partition(t, "g", "t", 0, i, i + i % 3);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
		if ((ts + 600000) / 3600000 != ts / 3600000)
			assert_int_equal(store_maintain(s, ts + 600000, &cause), 0);
	}
	assert_int_equal(store_maintain(s, end, &cause), 0);
	/* days 0 to 2 are older than 7 days: days; hours from day 3 to the raw rows (day 9) */
	static const char *part = "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=0 AND ";
	char *q = x_asprintf("%sres=86400", part);
	assert_int_equal(test_count(s, q), 3);
	free(q);
	q = x_asprintf("%sres=3600", part);
	assert_int_equal(test_count(s, q), 6 * 24);
	free(q);
	q = x_asprintf("%sres=3600 AND ts<%lld", part, (long long)(base / 1000 + 3 * 86400));
	assert_int_equal(test_count(s, q), 0);
	free(q);
	/* the total keeps its hours */
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=-1 "
				       "AND res=3600"),
			 9 * 24);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup WHERE res=86400"), 3);
	/* day 0: ticks 0..143, committed max 143, end max 143 + 2 */
	assert_int_equal(test_count(s, "SELECT a FROM rollup WHERE res=86400 ORDER BY ts LIMIT 1"), 143);
	assert_int_equal(test_count(s, "SELECT bmax FROM rollup WHERE res=86400 ORDER BY ts LIMIT 1"), 145);
	assert_int_equal(test_count(s, "SELECT ts FROM rollup WHERE res=86400 ORDER BY ts LIMIT 1"), base / 1000);
	/* running it again changes nothing */
	int64_t rows = test_count(s, "SELECT count(*) FROM rollup");
	assert_int_equal(store_maintain(s, end, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup"), rows);
	/* the partition reads as 3 days, 144 hours and its raw rows, in time order */
	struct store_point *p;
	int n;
	assert_int_equal(store_series(s, "cid", "g", "t", 0, base, &p, &n, &cause), 0);
	assert_true(n > 3 + 144);
	assert_int_equal(p[0].ts_ms, base);
	assert_int_equal(p[0].a, 143);
	assert_int_equal(p[2].ts_ms, base + 2 * 86400000LL);
	assert_int_equal(p[3].ts_ms, base + 3 * 86400000LL);
	assert_int_equal(p[3 + 144].ts_ms - p[3 + 143].ts_ms, 3600000); /* the last hour, then raw */
	for (int i = 1; i < n; i++)
		assert_true(p[i].ts_ms > p[i - 1].ts_ms);
	assert_int_equal(p[n - 1].a, 10 * 144 - 1);
	free(p);
	/* days are kept as long as the hours of totals (90 days), then dropped */
	assert_int_equal(store_maintain(s, base + 90 * 86400000LL + 3600000, &cause), 0);
	q = x_asprintf("SELECT count(*) FROM rollup WHERE res=86400 AND ts<%lld", (long long)(base / 1000 + 3 * 86400));
	assert_int_equal(test_count(s, q), 2);
	free(q);
	assert_int_equal(store_maintain(s, end + 91 * 86400000LL, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup"), 0);
	store_close(&s);
}

/* A store an older kcon kept (partitions' hours for 90 days, no rolled_day) gets its old hours as days. */
static void test_rollup_days_older_store(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int64_t now = 1699920000000LL + 12 * 3600000LL; /* midday */
	struct store_tick *t = store_tick_begin(s, "cid", NULL, now - 3600000);
	store_tick_group_partition(t, "g", "t", 0, 1, 2);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	/* 30 days of hours of both series, before the raw day, as an older kcon rolled them up */
	int64_t first = (now / 1000 - 31 * 86400) / 3600 * 3600, hcut = (now / 1000 - 86400) / 3600 * 3600;
	char *sql = x_asprintf(
		"WITH RECURSIVE h(ts) AS (SELECT %lld UNION ALL SELECT ts+3600 FROM h WHERE ts+3600<%lld) "
		"INSERT INTO rollup(series, res, ts, a, b, bmax) SELECT s.id, 3600, h.ts, h.ts, h.ts+1, h.ts+2 "
		"FROM h, series s; INSERT INTO meta(key, value) VALUES('rolled_minute', %lld), ('rolled_hour', %lld)",
		(long long)first, (long long)hcut, (long long)hcut, (long long)hcut);
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	int64_t hours = (hcut - first) / 3600;
	assert_int_equal(store_maintain(s, now, &cause), 0);
	int64_t dcut = (now / 1000 - 7 * 86400) / 86400 * 86400;
	/* the partition: days before dcut (the first one partial), hours after */
	int64_t days = (dcut - first / 86400 * 86400) / 86400;
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=0 "
				       "AND res=86400"),
			 days);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=0 "
				       "AND res=3600"),
			 (hcut - dcut) / 3600);
	/* a day's values: the largest a and bmax of its hours, the mean b */
	char *q = x_asprintf("SELECT a - ts FROM rollup WHERE res=86400 AND ts=%lld", (long long)(dcut - 86400));
	assert_int_equal(test_count(s, q), 23 * 3600);
	free(q);
	q = x_asprintf("SELECT b - ts FROM rollup WHERE res=86400 AND ts=%lld", (long long)(dcut - 86400));
	assert_int_equal(test_count(s, q), 23 * 3600 / 2 + 1);
	free(q);
	/* the total keeps every hour */
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup r JOIN series s ON s.id=r.series WHERE s.part=-1 "
				       "AND res=3600"),
			 hours);
	store_close(&s);
}

/* A store rolled up by an older kcon (watermarks at "now") keeps its raw rows for the whole retention. */
static void test_rollup_from_older_watermarks(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int64_t base = 1699999200000LL, end = base + 7200000;
	for (int i = 0; i < 720; i++) {
		struct store_tick *t = store_tick_begin(s, "cid", NULL, base + i * 10000LL);
		store_tick_group_partition(t, "g", "t", 0, i, i + 1);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	char *sql = x_asprintf("INSERT INTO meta(key, value) VALUES('rolled_minute', %lld), ('rolled_hour', %lld)",
			       (long long)(end / 1000), (long long)(end / 1000));
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	int64_t rows = test_count(s, "SELECT count(*) FROM sample");
	assert_int_equal(store_prune(s, end + 3600000, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample"), rows);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup"), 0);
	/* past retention they go (the older kcon rolled them up) */
	assert_int_equal(store_prune(s, end + 25 * 3600000LL, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample"), 0);
	store_close(&s);
}

/* Retention specs: the keys given are set, the others kept; bad ones refused with the reason. */
static void test_opts_parse(void **state)
{
	(void)state;
	static const struct {
		const char *spec;
		int64_t raw, minute, hour; /* 0: untouched; -1: refused */
		const char *why;
	} cases[] = {
		{ "raw=24h,minute=7d,hour=90d", 86400000LL, 7 * 86400000LL, 90 * 86400000LL, NULL },
		{ "raw=2h", 7200000LL, 0, 0, NULL },
		{ " hour=1w , raw=30m", 1800000LL, 0, 7 * 86400000LL, NULL },
		{ "minute=PT90M", 0, 5400000LL, 0, NULL },
		{ "raw=10s", 10000LL, 0, 0, NULL },
		{ "", -1, -1, -1, "empty" },
		{ "raw", -1, -1, -1, "is not raw=D" },
		{ "days=3d", -1, -1, -1, "is not raw=D" },
		{ "raw=3x", -1, -1, -1, "not a duration" },
		{ "raw=-1h", -1, -1, -1, "positive" },
		{ "raw=0s", -1, -1, -1, "raw" },
		{ "raw=100d", -1, -1, -1, "at least as long" },           /* longer than the default 90 d of hours */
		{ "hour=1d", -1, -1, -1, "at least as long" },            /* shorter than the default 7 d of minutes */
		{ "hour=1d,minute=1d", 0, 86400000LL, 86400000LL, NULL }, /* raw 24 h: equal is fine */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct store_opts o = { .partition_interval_s = 7 };
		char *cause = NULL;
		int rc = store_opts_parse(cases[i].spec, &o, &cause);
		if (cases[i].why) {
			assert_int_equal(rc, -1);
			assert_non_null(cause);
			if (strstr(cause, cases[i].why) == NULL)
				fail_msg("%s: %s", cases[i].spec, cause);
			assert_int_equal(o.raw_ms, 0); /* nothing set on failure */
			free(cause);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", cases[i].spec, cause);
		assert_int_equal(o.raw_ms, cases[i].raw);
		assert_int_equal(o.minute_ms, cases[i].minute);
		assert_int_equal(o.hour_ms, cases[i].hour);
		assert_int_equal(o.partition_interval_s, 7);
	}
	/* The store takes them, defaults for the rest. */
	struct store_opts o = { 0 };
	char *cause = NULL;
	assert_int_equal(store_opts_parse("raw=2h", &o, &cause), 0);
	struct store *s = test_open(":memory:", &o);
	assert_int_equal(store_options(s)->raw_ms, 7200000LL);
	assert_int_equal(store_options(s)->minute_ms, 7 * 86400000LL);
	assert_int_equal(store_options(s)->hour_ms, 90 * 86400000LL);
	/* A raw retention of 2 h drops raw rows 3 h old (rolled up), and keeps those of the last hour. */
	int64_t now = 1700002800000LL; /* a whole hour */
	for (int i = 0; i < 2; i++) {
		struct store_tick *t = store_tick_begin(s, "cid", NULL, now - (i ? 3 : 0) * 3600000LL - 60000);
		store_tick_group_partition(t, "g", "t", 0, 1, 5);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample s JOIN series x ON x.id=s.series WHERE part<0"), 2);
	assert_int_equal(store_prune(s, now, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM sample s JOIN series x ON x.id=s.series WHERE part<0"), 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM rollup WHERE res=60"), 1);
	store_close(&s);
}

static void test_gaps(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	for (int i = 0; i < 6; i++) {
		int64_t ts = T0 + i * 10000LL;
		if (i == 2 || i == 3) {
			assert_int_equal(store_gap(s, "cid", ts, "broker down", &cause), 0);
			continue;
		}
		struct store_tick *t = store_tick_begin(s, "cid", NULL, ts);
		store_tick_group_partition(t, "g", "t", 0, 10, 20);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	assert_int_equal(test_count(s, "SELECT count(*) FROM gap"), 1);
	assert_int_equal(test_count(s, "SELECT end_ms FROM gap"), T0 + 40000);
	struct store_point *p;
	int n;
	assert_int_equal(store_series(s, "cid", "g", "", -1, T0, &p, &n, &cause), 0);
	assert_int_equal(n, 5); /* 4 samples and the gap, not zeros */
	assert_true(p[2].gap);
	assert_int_equal(p[2].ts_ms, T0 + 20000);
	assert_false(p[3].gap);
	free(p);
	store_close(&s);
}

/* A tick the cluster refused (an ACL) is an event, not a gap; the same failure every tick is one event. */
static void test_sample_failed(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	static const struct {
		const char *failure; /* NULL: a good tick */
		int events, gaps;    /* after it */
	} ticks[] = {
		{ "groups: not authorized", 1, 0 },
		{ "groups: not authorized", 1, 0 }, /* the same again: no new event */
		{ "coordinator loading", 2, 0 },
		{ NULL, 2, 0 },
		{ "coordinator loading", 3, 0 }, /* the newest event was it, but ticks in between were good */
	};
	for (size_t i = 0; i < sizeof(ticks) / sizeof(ticks[0]); i++) {
		int64_t ts = T0 + (int64_t)i * 10000;
		if (ticks[i].failure) {
			assert_int_equal(store_sample_failed(s, "cid", ts, ticks[i].failure, &cause), 0);
		} else {
			struct store_tick *t = store_tick_begin(s, "cid", NULL, ts);
			store_tick_group(t, "g", "Stable", NULL); /* an event of its own would end the run too */
			assert_int_equal(store_tick_commit(&t, &cause), 0);
		}
		assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='sample-failed'"),
				 ticks[i].events);
		assert_int_equal(test_count(s, "SELECT count(*) FROM gap"), ticks[i].gaps);
	}
	store_close(&s);
}

/* A group's type is recorded; a change (a classic group upgraded in place) is an event; unknown keeps it. */
static void test_group_type(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	static const struct {
		const char *state, *type, *stored_type;
		int state_events, type_events;
	} ticks[] = {
		{ "Stable", "classic", "classic", 0, 0 }, { "Stable", "classic", "classic", 0, 0 },
		{ "Empty", "classic", "classic", 1, 0 },  { "Stable", "consumer", "consumer", 2, 1 },
		{ "Stable", NULL, "consumer", 2, 1 }, /* not said: kept */
		{ "Stable", "classic", "classic", 2, 2 },
	};
	for (size_t i = 0; i < sizeof(ticks) / sizeof(*ticks); i++) {
		struct store_tick *t = store_tick_begin(s, "cid", NULL, T0 + (int64_t)i * 10000);
		store_tick_group(t, "g", ticks[i].state, ticks[i].type);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
		char *q = x_asprintf("SELECT count(*) FROM group_state WHERE grp='g' AND type='%s'",
				     ticks[i].stored_type);
		assert_int_equal(test_count(s, q), 1);
		free(q);
		assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='group-state'"),
				 ticks[i].state_events);
		assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='group-type'"),
				 ticks[i].type_events);
	}
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='group-type' AND detail='classic -> "
				       "consumer'"),
			 1);
	store_close(&s);
}

static void test_events_and_snapshot(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int32_t isr3[] = { 1, 2, 3 }, isr2[] = { 1, 2 };
	struct model *m1 = test_model(3, 1, isr3, 3, NULL), *m2 = test_model(2, 2, isr2, 2, "new");
	struct store_tick *t = store_tick_begin(s, "cid", NULL, T0);
	store_tick_model(t, m1);
	store_tick_group(t, "g", "Stable", "classic");
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	t = store_tick_begin(s, "cid", NULL, T0 + 10000);
	store_tick_model(t, m1); /* unchanged: no events, seen later */
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event"), 0);
	/* unchanged: the stored document stays, only its "last seen" time moves (plain commands record too) */
	assert_int_equal(test_count(s, "SELECT ts_ms FROM snapshot"), T0);
	assert_int_equal(test_count(s, "SELECT seen_ms FROM snapshot"), T0 + 10000);
	t = store_tick_begin(s, "cid", NULL, T0 + 20000);
	store_tick_model(t, m2);
	store_tick_group(t, "g", "PreparingRebalance", "classic");
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='broker-gone' AND subject='broker 3'"),
			 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='leader-change' AND subject='t/0'"), 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='isr-shrink' AND subject='t/0'"), 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='topic-created' AND subject='new'"), 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='group-state'"), 1);
	t = store_tick_begin(s, "cid", NULL, T0 + 30000);
	store_tick_model(t, m1);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='broker-back'"), 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='isr-expand'"), 1);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='topic-deleted'"), 1);
	/* the last snapshot comes back as a model, with when it was last seen */
	struct model *back;
	int64_t seen;
	assert_int_equal(store_last_model(s, "cid", &back, &seen, &cause), 0);
	assert_int_equal(seen, T0 + 30000);
	assert_int_equal(back->nbrokers, 3);
	assert_string_equal(back->cluster_id, "cid");
	assert_int_equal(back->ntopics, 1);
	assert_int_equal(back->topics[0].partitions[0].nisr, 3);
	assert_int_equal(back->topics[0].partitions[0].replicas[2], 3);
	model_unref(&back);
	assert_int_equal(store_last_model(s, "other", &back, &seen, &cause), -1);
	free(cause);
	model_unref(&m1);
	model_unref(&m2);
	store_close(&s);
}

/* store_snapshot_fresh(): the same document, seen lately through the same bootstrap, no gap open. */
static void test_snapshot_fresh(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int32_t isr3[] = { 1, 2, 3 }, isr2[] = { 1, 2 };
	struct model *m1 = test_model(3, 1, isr3, 3, NULL), *m2 = test_model(3, 1, isr2, 2, NULL);
	assert_false(store_snapshot_fresh(s, "cid", "b:9092", m1, T0, 10000)); /* nothing stored */
	struct store_tick *t = store_tick_begin(s, "cid", "b:9092", T0);
	store_tick_model(t, m1);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_true(store_snapshot_fresh(s, "cid", "b:9092", m1, T0 + 9999, 10000));
	assert_false(store_snapshot_fresh(s, "cid", "b:9092", m1, T0 + 10001, 10000)); /* too old */
	assert_false(store_snapshot_fresh(s, "cid", "b:9092", m2, T0 + 1, 10000));     /* changed */
	assert_false(store_snapshot_fresh(s, "cid", "other:9092", m1, T0 + 1, 10000)); /* another bootstrap */
	assert_false(store_snapshot_fresh(s, "other", "b:9092", m1, T0 + 1, 10000));   /* another cluster */
	assert_false(store_snapshot_fresh(s, "cid", "b:9092", m1, T0 - 1, 10000));     /* seen after now */
	assert_int_equal(store_gap(s, "cid", T0 + 1, "down", &cause), 0);
	assert_false(store_snapshot_fresh(s, "cid", "b:9092", m1, T0 + 2, 10000)); /* a gap to close */
	store_close(&s);
	/* Asked of a file (store_snapshot_fresh_at): the same answers, and none without a current file. */
	char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir);
	assert_false(store_snapshot_fresh_at(path, "cid", "b:9092", m1, T0, 10000)); /* no file */
	assert_int_not_equal(access(path, F_OK), 0);                                 /* nor made */
	s = test_open(path, NULL);
	t = store_tick_begin(s, "cid", "b:9092", T0);
	store_tick_model(t, m1);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	store_close(&s);
	assert_true(store_snapshot_fresh_at(path, "cid", "b:9092", m1, T0 + 9999, 10000));
	assert_false(store_snapshot_fresh_at(path, "cid", "b:9092", m1, T0 + 10001, 10000));
	assert_false(store_snapshot_fresh_at(path, "cid", "b:9092", m2, T0 + 1, 10000));
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=6", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_false(store_snapshot_fresh_at(path, "cid", "b:9092", m1, T0 + 1, 10000)); /* an older schema */
	test_rm(dir);
	free(path);
	free(dir);
	model_unref(&m1);
	model_unref(&m2);
}

/*
 * A principal that may describe no topic gets an empty answer: stored beside the snapshot of one
 * that sees them, it was diffed as every topic deleted, then created again at the next full tick.
 */
static void test_no_topic_visible_is_not_deletions(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	char *cause = NULL;
	int32_t isr3[] = { 1, 2, 3 };
	struct model *full = test_model(3, 1, isr3, 3, "u");
	rd_kafka_metadata_broker_t brokers[] = { { 1, "a", 9092 }, { 2, "b", 9092 }, { 3, "c", 9092 } };
	struct rd_kafka_metadata md = { .broker_cnt = 3, .brokers = brokers };
	struct model *none = model_new(&md, "cid", 1, T0);
	struct model *seq[] = { full, none, none, full, none };
	for (size_t i = 0; i < sizeof(seq) / sizeof(*seq); i++) {
		struct store_tick *t = store_tick_begin(s, "cid", NULL, T0 + (int64_t)i * 10000);
		store_tick_model(t, seq[i]);
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind IN ('topic-deleted', 'topic-created')"),
			 0);
	/* said once while it repeats, again after a tick that saw the topics */
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='topics-unseen'"), 2);
	struct model *back;
	int64_t seen;
	assert_int_equal(store_last_model(s, "cid", &back, &seen, &cause), 0);
	assert_int_equal(back->ntopics, 2); /* the snapshot that saw them stays */
	assert_int_equal(seen, T0 + 30000);
	model_unref(&back);
	/* a cluster with no topic from its first snapshot on is simply empty */
	struct store_tick *t = store_tick_begin(s, "empty", NULL, T0);
	store_tick_model(t, none);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	t = store_tick_begin(s, "empty", NULL, T0 + 10000);
	store_tick_model(t, none);
	assert_int_equal(store_tick_commit(&t, &cause), 0);
	assert_int_equal(test_count(s, "SELECT count(*) FROM event WHERE kind='topics-unseen'"), 2);
	model_unref(&full);
	model_unref(&none);
	store_close(&s);
}

static void test_corrupt(void **state)
{
	(void)state;
	for (int kind = 0; kind < 2; kind++) {
		char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *cause = NULL, *notice = NULL;
		if (kind == 0) {
			FILE *f = fopen(path, "w");
			for (int i = 0; i < 5000; i++)
				fputc((i * 7919) & 0xff, f);
			fclose(f);
		} else {
			/* a real store with data, cut in half */
			struct store *s = test_open(path, NULL);
			for (int i = 0; i < 200; i++) {
				struct store_tick *t = store_tick_begin(s, "cid", NULL, T0 + i * 10000LL);
				for (int p = 0; p < 50; p++)
					store_tick_group_partition(t, "g", "t", p, i * 100 + p, i * 200 + p);
				assert_int_equal(store_tick_commit(&t, &cause), 0);
			}
			sqlite3_exec(store_db(s), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
			store_close(&s);
			struct stat st;
			assert_int_equal(stat(path, &st), 0);
			assert_true(st.st_size > 8192);
			assert_int_equal(truncate(path, st.st_size / 2), 0);
		}
		struct store *s = store_open(path, NULL, &notice, &cause);
		assert_non_null(s);
		assert_non_null(notice);
		assert_non_null(strstr(notice, "moved aside as"));
		assert_int_equal(test_count(s, "SELECT count(*) FROM cluster"), 0);
		store_close(&s);
		/* the bad file is kept beside it */
		char *cmd = x_asprintf("ls '%s' | grep -c 'history.db.corrupt-'", dir);
		FILE *p = popen(cmd, "r");
		int found = 0;
		assert_int_equal(fscanf(p, "%d", &found), 1);
		pclose(p);
		assert_int_equal(found, 1);
		free(cmd);
		free(notice);
		test_rm(dir);
		free(path);
		free(dir);
	}
}

static void test_permissions(void **state)
{
	(void)state;
	char *dir = test_dir(), *sub = x_asprintf("%s/a/b/kcon", dir), *notice = NULL, *cause = NULL;
	mode_t old = umask(022);
	char *got = store_state_dir(sub, &notice, &cause);
	assert_string_equal(got, sub);
	assert_null(notice);
	struct stat st;
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *path = x_asprintf("%s/history.db", sub);
	struct store *s = test_open(path, NULL);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(test_count(s, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode='wal'"), 1);
	store_close(&s);
	/* KCON_STATE_DIR when no override */
	setenv("KCON_STATE_DIR", sub, 1);
	char *env = store_state_dir(NULL, &notice, &cause);
	assert_string_equal(env, sub);
	unsetenv("KCON_STATE_DIR");
	/* no HOME, no XDG: /tmp/kcon-UID, said once */
	char *home = getenv("HOME") ? x_strdup(getenv("HOME")) : NULL,
	     *xdg = getenv("XDG_STATE_HOME") ? x_strdup(getenv("XDG_STATE_HOME")) : NULL;
	unsetenv("HOME");
	unsetenv("XDG_STATE_HOME");
	char *tmp = store_state_dir(NULL, &notice, &cause);
	char *want = x_asprintf("/tmp/kcon-%u", (unsigned)getuid());
	assert_string_equal(tmp, want);
	assert_non_null(notice);
	if (home)
		setenv("HOME", home, 1);
	if (xdg)
		setenv("XDG_STATE_HOME", xdg, 1);
	umask(old);
	free(home), free(xdg), free(tmp), free(want), free(notice), free(env), free(path), free(got), free(sub);
	test_rm(dir);
	free(dir);
}

/* The forms a secret takes on a command line, and what the command history keeps of each. */
static void test_redact(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "topics", "topics" },
		{ "topic describe password-reset", "topic describe password-reset" },
		{ "tail orders -X sasl.password=hunter2", "tail orders -X sasl.password=***" },
		{ "tail orders -Xsasl.password=hunter2", "tail orders -Xsasl.password=***" },
		{ "tail orders -X SASL.PASSWORD=hunter2 -n 2", "tail orders -X SASL.PASSWORD=*** -n 2" },
		{ "connect --password hunter2 --user bob", "connect --password *** --user bob" },
		{ "connect --password 'hunter 2' --user bob", "connect --password '***' --user bob" },
		{ "connect --password=hunter2", "connect --password=***" },
		{ "x token=abc; y secret=s3 z", "x token=***; y secret=*** z" },
		{ "x -X ssl.key.password=p -X acks=all", "x -X ssl.key.password=*** -X acks=all" },
		{ "x sasl.jaas.config='a b c'", "x sasl.jaas.config='***'" },
		{ "x 'sasl.jaas.config=o.a.k.PlainLoginModule required username=\"u\" password=\"p w\";'",
		  "x 'sasl.jaas.config=***;'" },
		{ "broken 'quote password=abc", "broken 'quote password=***" },
		/* JSON, in a quoted word and not */
		{ "produce t '{\"password\": \"hunter2\", \"user\": \"bob\"}'",
		  "produce t '{\"password\": \"***\", \"user\": \"bob\"}'" },
		{ "produce t '{\"Password\":\"hun\\\"ter2\"}'", "produce t '{\"Password\":\"***\"}'" },
		{ "produce t \"{\\\"password\\\": \\\"hunter2\\\"}\"",
		  "produce t \"{\\\"password\\\": \\\"***\\\"}\"" },
		{ "produce t '{\"api_key\": 12345, \"n\": 1}'", "produce t '{\"api_key\": ***, \"n\": 1}'" },
		/* HTTP headers */
		{ "produce t v --header 'Authorization: Bearer eyJhbGciOi.x.y'",
		  "produce t v --header 'Authorization: Bearer ***'" },
		{ "produce t v -H authorization:Basic dXNlcjpwYXNz", "produce t v -H authorization:Basic ***" },
		{ "produce t v --header Authorization: Bearer abc", "produce t v --header Authorization: Bearer ***" },
		{ "x 'bearer abc.def'", "x 'bearer ***'" },
		{ "produce t v --header 'x-api-key: k-123'", "produce t v --header 'x-api-key: ***'" },
		{ "produce t v --header X-API-KEY=k-123", "produce t v --header X-API-KEY=***" },
		/* short and odd spellings */
		{ "x passwd=hunter2", "x passwd=***" },
		{ "x PWD:hunter2", "x PWD:***" },
		{ "x pwd: hunter2 y", "x pwd: *** y" },
		{ "x apikey=abc&user=bob", "x apikey=***&user=bob" },
		{ "x client_secret = s3", "x client_secret = ***" },
		{ "x --api-key abc", "x --api-key ***" },
		/* not secrets */
		{ "group reset g --to-datetime 2024-01-01T10:00:00",
		  "group reset g --to-datetime 2024-01-01T10:00:00" },
		{ "x -X sasl.oauthbearer.token.endpoint.url=https://idp/token",
		  "x -X sasl.oauthbearer.token.endpoint.url=https://idp/token" },
		{ "x --password-file /p --user bob", "x --password-file *** --user bob" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = store_redact(cases[i].in);
		if (strcmp(r, cases[i].out) != 0)
			fail_msg("case %zu: %s\n   got: %s\n  want: %s", i, cases[i].in, r, cases[i].out);
		free(r);
	}
}

static void test_commands(void **state)
{
	(void)state;
	struct store *s = test_open(":memory:", NULL);
	assert_int_equal(store_command_add(s, "repl", "topics", T0), 0);
	assert_int_equal(store_command_add(s, "repl", "topics", T0 + 1), 0); /* repeated: kept once */
	assert_int_equal(store_command_add(s, "repl", "x -X sasl.password=pw", T0 + 2), 0);
	assert_int_equal(store_command_add(s, "tui", "groups", T0 + 3), 0);
	int n;
	char **l = store_commands(s, "repl", 10, &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[0], "topics");
	assert_string_equal(l[1], "x -X sasl.password=***");
	for (int i = 0; i < n; i++)
		free(l[i]);
	free(l);
	l = store_commands(s, "repl", 1, &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "x -X sasl.password=***");
	free(l[0]);
	free(l);
	store_close(&s);
}

/* --- history sql: one bounded, read-only query ------------------------------------------------ */

#define TEST_FOREVER "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) "

static atomic_bool test_stop_flag;

static void *test_stop_later(void *ud)
{
	(void)ud;
	struct timespec nap = { 0, 100 * 1000000L };
	nanosleep(&nap, NULL);
	atomic_store(&test_stop_flag, true);
	return NULL;
}

/* Time and row limits, the interrupt flag (from another thread too), refused statements, bad UTF-8. */
static void test_query_limits(void **state)
{
	(void)state;
	char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir);
	struct store *s = test_open(path, NULL);
	store_command_add(s, "repl", "topics", T0);
	store_close(&s);
	atomic_bool set = true;
	static const struct {
		const char *sql;
		int64_t max_ms, max_rows;
		bool interrupted;
		int want;
		int rows;            /* on STORE_DONE */
		const char *col, *v; /* a text value expected in the first row */
	} cases[] = {
		{ TEST_FOREVER "SELECT count(*) FROM c", 200, 0, false, STORE_STOP_TIME, 0, NULL, NULL },
		{ TEST_FOREVER "SELECT i FROM c", 0, 10, false, STORE_STOP_ROWS, 0, NULL, NULL },
		{ TEST_FOREVER "SELECT i FROM c LIMIT 10", 0, 10, false, STORE_DONE, 10, NULL, NULL },
		{ TEST_FOREVER "SELECT count(*) FROM c", 0, 0, true, STORE_STOP_INTERRUPT, 0, NULL, NULL },
		{ "SELECT line FROM command", 1000, 10, false, STORE_DONE, 1, "line", "topics" },
		{ "SELECT CAST(x'41ff42' AS TEXT) AS t", 0, 0, false, STORE_DONE, 1, "t",
		  "A\xef\xbf\xbd"
		  "B" },
		{ "SELECT 1 AS \"a\xff\"", 0, 0, false, STORE_DONE, 1, NULL, NULL },
		/* the samples' view and the function that unpacks a packed row are readable */
		{ "SELECT count(*) AS n FROM sample", 0, 0, false, STORE_DONE, 1, NULL, NULL },
		{ "SELECT count(u.ts) AS n FROM sample_pack p, sample_unpack(p.ts, p.n, p.data) u", 0, 0, false,
		  STORE_DONE, 1, NULL, NULL },
		{ "SELECT a FROM sample_unpack(1699999200, 1, x'0402')", 0, 0, false, STORE_DONE, 1, NULL, NULL },
		{ "UPDATE sample_pack SET n=1", 0, 0, false, STORE_STOP_REFUSED, 0, NULL, NULL },
		{ "DELETE FROM sample", 0, 0, false, STORE_STOP_REFUSED, 0, NULL, NULL },
		{ "DELETE FROM command", 0, 0, false, STORE_STOP_REFUSED, 0, NULL, NULL },
		{ "PRAGMA user_version=1", 0, 0, false, STORE_STOP_REFUSED, 0, NULL, NULL },
		{ "SELECT 1; SELECT 2", 0, 0, false, STORE_STOP_REFUSED, 0, NULL, NULL },
		{ "SELECT nothing FROM nowhere", 0, 0, false, STORE_STOP_REFUSED, 0, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct store_limits lim = { cases[i].max_ms, cases[i].max_rows, cases[i].interrupted ? &set : NULL };
		json_t *rows = NULL;
		char *cause = NULL;
		int64_t t0 = clock_mono_ms();
		int got = store_query(path, cases[i].sql, &lim, &rows, &cause);
		if (got != cases[i].want)
			fail_msg("%s: got %d, want %d (%s)", cases[i].sql, got, cases[i].want, cause ? cause : "");
		assert_true(clock_mono_ms() - t0 < 5000);
		if (got == STORE_DONE) {
			assert_int_equal(json_array_size(rows), cases[i].rows);
			json_t *first = json_array_get(rows, 0);
			if (cases[i].col)
				assert_string_equal(json_string_value(json_object_get(first, cases[i].col)),
						    cases[i].v);
			assert_int_equal(json_object_size(first), 1); /* no column dropped, bad UTF-8 in its name too */
		} else {
			assert_null(rows);
		}
		json_decref(rows);
		free(cause);
	}
	/* Another thread stops a query that has no limit. */
	pthread_t th;
	atomic_store(&test_stop_flag, false);
	assert_int_equal(pthread_create(&th, NULL, test_stop_later, NULL), 0);
	struct store_limits lim = { 0, 0, &test_stop_flag };
	json_t *rows = NULL;
	char *cause = NULL;
	assert_int_equal(store_query(path, TEST_FOREVER "SELECT count(*) FROM c", &lim, &rows, &cause),
			 STORE_STOP_INTERRUPT);
	pthread_join(th, NULL);
	free(path);
	test_rm(dir);
	free(dir);
}

/* Reading opens the file read-only: writes through it fail, nothing is migrated or switched. */
static void test_open_read(void **state)
{
	(void)state;
	char *dir = test_dir(), *path = x_asprintf("%s/history.db", dir), *notice = NULL, *cause = NULL;
	/* no file yet: made as for writing */
	struct store *s = store_open_read(path, NULL, &notice, &cause);
	assert_non_null(s);
	assert_false(store_readonly(s));
	store_command_add(s, "repl", "topics", T0);
	store_close(&s);
	s = store_open_read(path, NULL, &notice, &cause);
	assert_non_null(s);
	assert_true(store_readonly(s));
	int n = 0;
	char **lines = store_commands(s, "repl", 10, &n);
	assert_int_equal(n, 1);
	assert_string_equal(lines[0], "topics");
	free(lines[0]);
	free(lines);
	assert_int_equal(store_command_add(s, "repl", "brokers", T0), -1);
	assert_null(store_hint(path)); /* neither full nor read-only */
	store_close(&s);
	/* an older schema is migrated, which writes */
	sqlite3 *db;
	char *old = x_asprintf("%s/old.db", dir);
	assert_int_equal(sqlite3_open(old, &db), SQLITE_OK);
	assert_int_equal(store_migrate(db, 0, STORE_SCHEMA_VERSION - 1, &cause), 0);
	sqlite3_close(db);
	s = store_open_read(old, NULL, &notice, &cause);
	free(old);
	assert_non_null(s);
	assert_false(store_readonly(s));
	store_close(&s);
	free(path);
	test_rm(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_group_type),
		cmocka_unit_test(test_opts_parse),
		cmocka_unit_test(test_migration_race),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_samples_change_only),
		cmocka_unit_test(test_group_names),
		cmocka_unit_test(test_rollup_retention),
		cmocka_unit_test(test_rollup_from_older_watermarks),
		cmocka_unit_test(test_rollup_days),
		cmocka_unit_test(test_rollup_days_older_store),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_sample_failed),
		cmocka_unit_test(test_no_topic_visible_is_not_deletions),
		cmocka_unit_test(test_events_and_snapshot),
		cmocka_unit_test(test_snapshot_fresh),
		cmocka_unit_test(test_snapshot_rows),
		cmocka_unit_test(test_snapshot_rows_changed_only),
		cmocka_unit_test(test_snapshot_text),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_migrate_packs),
		cmocka_unit_test(test_damaged_pack),
		cmocka_unit_test(test_drop_inside_hour),
		cmocka_unit_test(test_damaged_drop_inside_hour),
		cmocka_unit_test(test_damaged_rollup_window),
		cmocka_unit_test(test_pack_negative_time),
		cmocka_unit_test(test_migrate_cases),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_query_limits),
		cmocka_unit_test(test_open_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
