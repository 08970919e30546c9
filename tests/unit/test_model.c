/* model: snapshots built from librdkafka metadata, health counts, lookups. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "sbuf.h"
#include "xalloc.h"

static void test_model_build(void **state)
{
	(void)state;
	int32_t r123[] = { 1, 2, 3 }, r12[] = { 1, 2 }, r3[] = { 3 };
	rd_kafka_metadata_partition_t zp[] = {
		{ .id = 1, .leader = 2, .replica_cnt = 3, .replicas = r123, .isr_cnt = 2, .isrs = r12 },
		{ .id = 0, .leader = 1, .replica_cnt = 3, .replicas = r123, .isr_cnt = 3, .isrs = r123 },
		{ .id = 2,
		  .leader = -1,
		  .err = RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
		  .replica_cnt = 1,
		  .replicas = r3,
		  .isr_cnt = 0,
		  .isrs = NULL },
	};
	rd_kafka_metadata_partition_t ap[] = {
		{ .id = 0, .leader = 3, .replica_cnt = 1, .replicas = r3, .isr_cnt = 1, .isrs = r3 }
	};
	rd_kafka_metadata_topic_t topics[] = {
		{ .topic = "zeta", .partition_cnt = 3, .partitions = zp },
		{ .topic = "__consumer_offsets", .partition_cnt = 1, .partitions = ap },
		{ .topic = "alpha", .partition_cnt = 1, .partitions = ap },
	};
	rd_kafka_metadata_broker_t brokers[] = { { 3, "c", 9094 }, { 1, "a", 9092 }, { 2, "b", 9093 } };
	struct rd_kafka_metadata md = { .broker_cnt = 3, .brokers = brokers, .topic_cnt = 3, .topics = topics };

	struct model *m = model_new(&md, "cid", 2, 1700000000000);
	assert_string_equal(m->cluster_id, "cid");
	assert_int_equal(m->controller, 2);
	assert_int_equal(m->nbrokers, 3);
	assert_int_equal(m->brokers[0].id, 1); /* sorted */
	assert_string_equal(model_broker_find(m, 3)->host, "c");
	assert_null(model_broker_find(m, 9));
	assert_int_equal(m->ntopics, 3);
	assert_string_equal(m->topics[0].name, "__consumer_offsets");
	assert_true(m->topics[0].internal);
	assert_string_equal(m->topics[1].name, "alpha");
	assert_false(m->topics[1].internal);

	const struct model_topic *z = model_topic_find(m, "zeta");
	assert_non_null(z);
	assert_null(model_topic_find(m, "zet"));
	assert_int_equal(z->npartitions, 3);
	assert_int_equal(z->partitions[0].id, 0); /* partitions sorted by id */
	assert_int_equal(z->partitions[1].nisr, 2);
	assert_true(z->partitions[1].under_replicated);
	assert_true(z->partitions[2].offline);
	assert_int_equal(z->under_replicated, 2); /* the offline one also lacks ISR */
	assert_int_equal(z->offline, 1);
	assert_int_equal(z->replication_factor, 3);
	assert_int_equal(m->npartitions, 5);
	assert_int_equal(m->offline, 1);
	/* the snapshot owns copies: change the source, the model keeps its values */
	r12[1] = 99;
	assert_int_equal(z->partitions[1].isr[1], 2);

	struct model *ref = model_ref(m);
	model_unref(&m);
	assert_null(m);
	assert_string_equal(ref->topics[2].name, "zeta");
	model_unref(&ref);
	assert_null(ref);
}

static void test_sbuf(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	assert_string_equal(sbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		sbuf_addf(&sb, "%d,", i);
	assert_int_equal(sb.len, strlen(sb.buf));
	sbuf_pad(&sb, '-', 3);
	assert_int_equal(strcmp(sb.buf + sb.len - 5, "9,---"), 0);
	char *s = sbuf_release(&sb);
	assert_null(sb.buf);
	free(s);
	s = sbuf_release(&sb);
	assert_string_equal(s, "");
	free(s);
	/* Formatted text that fits the room left is written once; text that does not grows the buffer. */
	sbuf_add(&sb, "x");
	size_t cap = sb.cap;
	sbuf_addf(&sb, "%s", "");
	assert_string_equal(sb.buf, "x");
	while (sb.len + 10 < cap)
		sbuf_addf(&sb, "%c", 'y');
	sbuf_addf(&sb, "%030d", 7); /* straddles the end of the room: written again after growing */
	assert_int_equal(sb.len, strlen(sb.buf));
	assert_true(sb.cap > cap);
	assert_string_equal(sb.buf + sb.len - 30, "000000000000000000000000000007");
	sbuf_free(&sb);
	/* Integers as %lld writes them, the extremes included. */
	const long long ints[] = { 0, 7, -7, 10, -10, 1234567890123LL, LLONG_MAX, LLONG_MIN };
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		char want[32];
		snprintf(want, sizeof(want), "%lld", ints[i]);
		sbuf_reset(&sb);
		sbuf_add(&sb, "<");
		sbuf_addi(&sb, ints[i]);
		sbuf_add(&sb, ">");
		char *w = x_asprintf("<%s>", want);
		assert_string_equal(sb.buf, w);
		free(w);
	}
	sbuf_free(&sb);
}

/* Partitions in id order and topics in name order, whatever order the metadata gave them in. */
static void test_model_order(void **state)
{
	(void)state;
	int32_t r[] = { 1 };
	rd_kafka_metadata_partition_t p[] = { { .id = 2, .leader = 1, .replica_cnt = 1, .replicas = r },
					      { .id = 0, .leader = 1, .replica_cnt = 1, .replicas = r },
					      { .id = 1, .leader = 1, .replica_cnt = 1, .replicas = r } };
	rd_kafka_metadata_partition_t q[] = { { .id = 0, .leader = 1, .replica_cnt = 1, .replicas = r },
					      { .id = 1, .leader = 1, .replica_cnt = 1, .replicas = r } };
	rd_kafka_metadata_topic_t topics[] = { { .topic = "z", .partition_cnt = 3, .partitions = p },
					       { .topic = "a", .partition_cnt = 2, .partitions = q },
					       { .topic = "m", .partition_cnt = 2, .partitions = q } };
	rd_kafka_metadata_broker_t brokers[] = { { 1, "h", 9092 } };
	struct rd_kafka_metadata md = { .broker_cnt = 1, .brokers = brokers, .topic_cnt = 3, .topics = topics };
	struct model *m = model_new(&md, "cid", 1, 0);
	assert_int_equal(m->ntopics, 3);
	assert_string_equal(m->topics[0].name, "a");
	assert_string_equal(m->topics[1].name, "m");
	assert_string_equal(m->topics[2].name, "z");
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < m->topics[i].npartitions; k++)
			assert_int_equal(m->topics[i].partitions[k].id, k);
	model_unref(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_build),
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_model_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
