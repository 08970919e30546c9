/* model: snapshots built from librdkafka metadata, health counts, lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "sbuf.h"

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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_build),
		cmocka_unit_test(test_sbuf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
