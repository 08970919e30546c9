/* grouplag: a group's lag rows from its offsets and members, the batched ListOffsets asks, the totals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grouplag.h"
#include "sbuf.h"

/* Topics a (partitions 0, 1), b (listed as 1, 0) and the internal __consumer_offsets. */
static struct model *test_model(void)
{
	static int32_t r[] = { 1 };
	static rd_kafka_metadata_partition_t two[] = { { .id = 0, .leader = 1, .replica_cnt = 1, .replicas = r },
						       { .id = 1, .leader = 1, .replica_cnt = 1, .replicas = r } };
	static rd_kafka_metadata_partition_t rev[] = { { .id = 1, .leader = 1, .replica_cnt = 1, .replicas = r },
						       { .id = 0, .leader = 1, .replica_cnt = 1, .replicas = r } };
	static rd_kafka_metadata_topic_t topics[] = {
		{ .topic = "b", .partition_cnt = 2, .partitions = rev },
		{ .topic = "__consumer_offsets", .partition_cnt = 1, .partitions = two },
		{ .topic = "a", .partition_cnt = 2, .partitions = two },
	};
	static rd_kafka_metadata_broker_t brokers[] = { { 1, "h", 9092 } };
	struct rd_kafka_metadata md = { .broker_cnt = 1, .brokers = brokers, .topic_cnt = 3, .topics = topics };
	return model_new(&md, "cid", 1, 0);
}

/* "t:p=o t:p=o": a partition list (offset "e" is a partition error). */
static rd_kafka_topic_partition_list_t *test_list(const char *spec)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(8);
	char *copy = strdup(spec), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char topic[64];
		int part;
		char off[32] = "-1";
		if (sscanf(w, "%63[^:]:%d=%31s", topic, &part, off) < 2)
			fail_msg("bad spec %s", w);
		rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_add(l, topic, part);
		if (strcmp(off, "e") == 0)
			tp->err = RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION;
		else
			tp->offset = strtoll(off, NULL, 10);
	}
	free(copy);
	return l;
}

/* "t:p" of each element: what a request asks. */
static char *test_names(const rd_kafka_topic_partition_list_t *l)
{
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < l->cnt; i++)
		sbuf_addf(&sb, "%s%s:%d", i ? " " : "", l->elems[i].topic, (int)l->elems[i].partition);
	return sbuf_release(&sb);
}

static void test_grouplag_rows(void **state)
{
	(void)state;
	static const struct {
		const char *committed;     /* the group's committed offsets */
		const char *assigned;      /* member m1's assignment ("" none) */
		const char *target;        /* member m1's target assignment (NULL: a classic group) */
		const char *topic;         /* only this topic, or NULL */
		const char *rows;          /* topic:partition committed lag owner/target, after the answers below */
		const char *ends, *starts; /* what the engine asks ListOffsets for */
		int64_t total;
		int known, topics, no_commit;
	} cases[] = {
		/* every partition of a committed topic, the uncommitted one's lag from the log's start */
		{ "a:0=5", "", NULL, NULL, "a:0 5 5 -/- a:1 - 18 -/-", "a:0 a:1", "a:1", 23, 1, 1, 1 },
		/* committed past the end (read_uncommitted): lag 0, never negative */
		{ "a:0=12 a:1=20", "", NULL, NULL, "a:0 12 0 -/- a:1 20 0 -/-", "a:0 a:1", "", 0, 1, 1, 0 },
		/* a partition whose end offset failed has no lag: the total is of the known ones */
		{ "b:0=1 b:1=1", "", NULL, NULL, "b:0 1 6 -/- b:1 1 - -/-", "b:0 b:1", "", 6, 0, 1, 0 },
		/* assigned and target topics are rows too, sorted by topic and partition */
		{ "a:1=20", "b:1", "b:0 b:1", NULL, "a:0 - 8 -/- a:1 20 0 -/- b:0 - 7 -/m1 b:1 - - m1/m1",
		  "a:0 a:1 b:0 b:1", "a:0 b:0 b:1", 15, 0, 2, 3 },
		/* a deleted topic's commits still show, with no offsets to ask for */
		{ "gone:3=9 a:0=10", "", NULL, NULL, "a:0 10 0 -/- a:1 - 18 -/- gone:3 9 - -/-", "a:0 a:1", "a:1", 18,
		  0, 2, 1 },
		/* --topic: that topic only, also when the group has nothing there */
		{ "a:0=5", "", NULL, "b", "b:0 - 7 -/- b:1 - - -/-", "b:0 b:1", "b:0 b:1", 7, 0, 1, 2 },
		/* a negative committed offset is none; a group with nothing has no rows */
		{ "a:0=-1001", "", NULL, NULL, "", "", "", 0, 1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct model *m = test_model();
		struct group_member gm = { .member_id = "m1", .client_id = "c", .host = "h" };
		gm.assigned = test_list(cases[i].assigned);
		gm.target = cases[i].target ? test_list(cases[i].target) : NULL;
		struct group_info g = {
			.id = "g", .nmembers = 1, .members = &gm, .committed = test_list(cases[i].committed)
		};
		struct grouplag L;
		grouplag_init(&L, m);
		struct grouplag_row *rows;
		int n;
		grouplag_rows(&L, &g, cases[i].topic, &rows, &n);

		rd_kafka_topic_partition_list_t *ends, *starts;
		grouplag_requests(&L, &ends, &starts);
		char *e = test_names(ends), *s = test_names(starts);
		assert_string_equal(e, cases[i].ends);
		assert_string_equal(s, cases[i].starts);
		for (int k = 0; k < ends->cnt; k++)
			assert_int_equal(ends->elems[k].offset, RD_KAFKA_OFFSET_END);
		for (int k = 0; k < starts->cnt; k++)
			assert_int_equal(starts->elems[k].offset, RD_KAFKA_OFFSET_BEGINNING);
		free(e), free(s);
		rd_kafka_topic_partition_list_destroy(ends);
		rd_kafka_topic_partition_list_destroy(starts);

		/* the log: a 2..10 and 2..20, b:0 0..7, b:1's end failed */
		ends = test_list("a:0=10 a:1=20 b:0=7 b:1=e");
		starts = test_list("a:0=2 a:1=2 b:0=0 b:1=0");
		grouplag_answers(&L, ends, starts);
		struct sbuf sb = SBUF_INIT;
		for (int k = 0; k < n; k++) {
			bool nc;
			int64_t lag = grouplag_row_lag(&rows[k], &nc);
			sbuf_addf(&sb, "%s%s:%d ", k ? " " : "", rows[k].topic, (int)rows[k].partition);
			if (rows[k].committed >= 0)
				sbuf_addf(&sb, "%lld ", (long long)rows[k].committed);
			else
				sbuf_add(&sb, "- ");
			if (lag >= 0)
				sbuf_addf(&sb, "%lld ", (long long)lag);
			else
				sbuf_add(&sb, "- ");
			sbuf_addf(&sb, "%s/%s", rows[k].member ? rows[k].member->member_id : "-",
				  rows[k].target ? rows[k].target->member_id : "-");
		}
		if (strcmp(sbuf_str(&sb), cases[i].rows) != 0)
			fail_msg("case %zu: rows `%s`, want `%s`", i, sbuf_str(&sb), cases[i].rows);
		sbuf_free(&sb);
		struct grouplag_total t = grouplag_total(rows, n);
		assert_int_equal(t.lag, cases[i].total);
		assert_int_equal(t.known, cases[i].known);
		assert_int_equal(t.topics, cases[i].topics);
		assert_int_equal(t.no_commit, cases[i].no_commit);

		free(rows);
		rd_kafka_topic_partition_list_destroy(ends);
		rd_kafka_topic_partition_list_destroy(starts);
		grouplag_clear(&L);
		rd_kafka_topic_partition_list_destroy(gm.assigned);
		if (gm.target)
			rd_kafka_topic_partition_list_destroy(gm.target);
		rd_kafka_topic_partition_list_destroy(g.committed);
		model_unref(&m);
	}
}

/* The partitions of the metadata, found by id whatever their order; others have no slot. */
static void test_grouplag_off(void **state)
{
	(void)state;
	static const struct {
		const char *topic;
		int32_t partition;
		bool found;
	} cases[] = {
		{ "a", 0, true },  { "a", 1, true },   { "b", 0, true },  { "b", 1, true },
		{ "a", 2, false }, { "a", -1, false }, { "c", 0, false }, { "", 0, false },
	};
	struct model *m = test_model();
	struct grouplag L;
	grouplag_init(&L, m);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct grouplag_off *o = grouplag_off(&L, cases[i].topic, cases[i].partition);
		assert_int_equal(o != NULL, cases[i].found);
		if (o) { /* the same slot each time, unknown until answered */
			assert_ptr_equal(o, grouplag_off(&L, cases[i].topic, cases[i].partition));
			assert_int_equal(o->start, -1);
			assert_int_equal(o->end, -1);
		}
	}
	grouplag_clear(&L);
	model_unref(&m);
}

/* The history's ticks ask for the end of every partition but the internal topics', in one batch. */
static void test_grouplag_all_ends(void **state)
{
	(void)state;
	struct model *m = test_model();
	struct grouplag L;
	grouplag_init(&L, m);
	grouplag_need_all_ends(&L);
	rd_kafka_topic_partition_list_t *ends, *starts;
	grouplag_requests(&L, &ends, &starts);
	char *e = test_names(ends);
	assert_string_equal(e, "a:0 a:1 b:0 b:1"); /* model order: topics by name, partitions by id */
	assert_int_equal(starts->cnt, 0);
	free(e);
	rd_kafka_topic_partition_list_t *answer = test_list("a:0=4 b:1=9 a:1=e");
	grouplag_answers(&L, answer, NULL);
	assert_int_equal(grouplag_off(&L, "a", 0)->end, 4);
	assert_int_equal(grouplag_off(&L, "a", 1)->end, -1);
	assert_int_equal(grouplag_off(&L, "b", 1)->end, 9);
	assert_int_equal(grouplag_off(&L, "b", 0)->end, -1);
	rd_kafka_topic_partition_list_destroy(answer);
	rd_kafka_topic_partition_list_destroy(ends);
	rd_kafka_topic_partition_list_destroy(starts);
	grouplag_clear(&L);
	model_unref(&m);
}

/* Log starts for every partition (watch --metrics), beside the ends: two lists, neither internal. */
static void test_grouplag_all_starts(void **state)
{
	(void)state;
	struct model *m = test_model();
	struct grouplag L;
	grouplag_init(&L, m);
	grouplag_need_all_ends(&L);
	grouplag_need_all_starts(&L);
	rd_kafka_topic_partition_list_t *ends, *starts;
	grouplag_requests(&L, &ends, &starts);
	char *e = test_names(ends), *s = test_names(starts);
	assert_string_equal(e, "a:0 a:1 b:0 b:1");
	assert_string_equal(s, "a:0 a:1 b:0 b:1");
	assert_int_equal(starts->elems[0].offset, RD_KAFKA_OFFSET_BEGINNING);
	assert_int_equal(ends->elems[0].offset, RD_KAFKA_OFFSET_END);
	free(e);
	free(s);
	rd_kafka_topic_partition_list_t *end = test_list("a:0=40 a:1=9 b:0=3 b:1=5");
	rd_kafka_topic_partition_list_t *start = test_list("a:0=12 a:1=e b:0=0 b:1=5");
	grouplag_answers(&L, end, start);
	assert_int_equal(grouplag_off(&L, "a", 0)->start, 12);
	assert_int_equal(grouplag_off(&L, "a", 0)->end, 40);
	assert_int_equal(grouplag_off(&L, "a", 1)->start, -1);
	assert_int_equal(grouplag_off(&L, "b", 0)->start, 0);
	assert_int_equal(grouplag_off(&L, "b", 1)->start, 5);
	rd_kafka_topic_partition_list_destroy(end);
	rd_kafka_topic_partition_list_destroy(start);
	rd_kafka_topic_partition_list_destroy(ends);
	rd_kafka_topic_partition_list_destroy(starts);
	grouplag_clear(&L);
	model_unref(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouplag_rows),
		cmocka_unit_test(test_grouplag_off),
		cmocka_unit_test(test_grouplag_all_ends),
		cmocka_unit_test(test_grouplag_all_starts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
