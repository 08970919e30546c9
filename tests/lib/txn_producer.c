/*
 * Test helper: a transactional producer that leaves a transaction open. Writes COMMITTED messages
 * to partition 0 of TOPIC in one committed transaction, then OPEN messages in a second one, prints
 * "open" and waits until stdin closes, then aborts the open transaction. Built next to kcon
 * (kcon-txn-producer) for tests/e2e/test_groups.py.
 *
 *   txn_producer BOOTSTRAP TOPIC TRANSACTIONAL_ID COMMITTED OPEN
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fail(const char *step, rd_kafka_error_t *e)
{
	fprintf(stderr, "txn_producer: %s: %s\n", step, rd_kafka_error_string(e));
	rd_kafka_error_destroy(e);
	return 1;
}

static void produce(rd_kafka_t *rk, const char *topic, int n)
{
	for (int i = 0; i < n; i++)
		rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE("x", 1),
				  RD_KAFKA_V_END);
}

int main(int argc, char **argv)
{
	char err[512];
	if (argc != 6) {
		fprintf(stderr, "usage: txn_producer BOOTSTRAP TOPIC TRANSACTIONAL_ID COMMITTED OPEN\n");
		return 2;
	}
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof(err)) ||
	    rd_kafka_conf_set(conf, "transactional.id", argv[3], err, sizeof(err))) {
		fprintf(stderr, "txn_producer: %s\n", err);
		return 2;
	}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	if (rk == NULL) {
		fprintf(stderr, "txn_producer: %s\n", err);
		return 1;
	}
	rd_kafka_error_t *e;
	if ((e = rd_kafka_init_transactions(rk, 60000)))
		return fail("init", e);
	if ((e = rd_kafka_begin_transaction(rk)))
		return fail("begin", e);
	produce(rk, argv[2], atoi(argv[4]));
	if ((e = rd_kafka_commit_transaction(rk, 60000)))
		return fail("commit", e);
	if ((e = rd_kafka_begin_transaction(rk)))
		return fail("begin", e);
	produce(rk, argv[2], atoi(argv[5]));
	rd_kafka_flush(rk, 60000);
	printf("open\n");
	fflush(stdout);
	char buf[64];
	while (read(0, buf, sizeof(buf)) > 0)
		;
	if ((e = rd_kafka_abort_transaction(rk, 60000)))
		return fail("abort", e);
	rd_kafka_destroy(rk);
	return 0;
}
