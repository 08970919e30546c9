/*
 * The tail bench's ceiling (bench_tail.py, issue #18): a bare librdkafka consume loop that polls and
 * discards, built against the same static librdkafka as kcon. It reads every partition of a topic
 * from the beginning to the end it finds at start, with the legacy consumer API kcon's tail uses
 * (one queue: rd_kafka_consume_batch_queue without waiting, rd_kafka_consume_queue when it is empty),
 * and prints how many messages and bytes it saw.
 *   kcon-bare-consume BOOTSTRAP TOPIC [KEY=VALUE ...]   (librdkafka properties, as kcon's -X)
 */
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BARE_BATCH 1000

static void bare_die(const char *what, const char *why)
{
	fprintf(stderr, "kcon-bare-consume: %s: %s\n", what, why);
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		bare_die("usage", "kcon-bare-consume BOOTSTRAP TOPIC [KEY=VALUE ...]");
	char errstr[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	const char *fixed[][2] = { { "bootstrap.servers", argv[1] },
				   { "enable.partition.eof", "true" },
				   { "enable.auto.commit", "false" },
				   { "group.id", "kcon-bare-consume" } };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (rd_kafka_conf_set(conf, fixed[i][0], fixed[i][1], errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
			bare_die(fixed[i][0], errstr);
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL)
			bare_die(argv[i], "give KEY=VALUE");
		*eq = '\0';
		if (rd_kafka_conf_set(conf, argv[i], eq + 1, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
			bare_die(argv[i], errstr);
	}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
	if (rk == NULL)
		bare_die("rd_kafka_new", errstr);
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, argv[2], NULL);
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
	if (err || md->topic_cnt != 1 || md->topics[0].err)
		bare_die(argv[2], err ? rd_kafka_err2str(err) : "no such topic");
	int nparts = md->topics[0].partition_cnt;
	rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
	int live = 0;
	int32_t *started = calloc((size_t)nparts + 1, sizeof(int32_t));
	for (int i = 0; i < nparts; i++) {
		int32_t p = md->topics[0].partitions[i].id;
		int64_t lo, hi;
		if (rd_kafka_query_watermark_offsets(rk, argv[2], p, &lo, &hi, 10000) || hi <= lo)
			continue; /* empty: no EOF would come */
		if (rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, q) < 0)
			bare_die("consume_start", rd_kafka_err2str(rd_kafka_last_error()));
		started[live++] = p;
	}
	rd_kafka_metadata_destroy(md);
	rd_kafka_message_t *batch[BARE_BATCH];
	uint64_t msgs = 0, bytes = 0;
	int nstarted = live;
	while (live > 0) {
		/* What is waiting, at once; else wait for one message: a batch call with a timeout waits
		 * until the batch is full, a second at the end of the log. */
		ssize_t n = rd_kafka_consume_batch_queue(q, 0, batch, BARE_BATCH);
		if (n == 0 && (batch[0] = rd_kafka_consume_queue(q, 1000)) != NULL)
			n = 1;
		for (ssize_t i = 0; i < n; i++) {
			rd_kafka_message_t *m = batch[i];
			if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
				live--;
			else if (m->err == 0) {
				msgs++;
				bytes += m->len + m->key_len;
			}
			rd_kafka_message_destroy(m);
		}
	}
	for (int i = 0; i < nstarted; i++)
		rd_kafka_consume_stop(rkt, started[i]);
	free(started);
	rd_kafka_queue_destroy(q);
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	printf("%" PRIu64 " messages, %" PRIu64 " bytes\n", msgs, bytes);
	return 0;
}
