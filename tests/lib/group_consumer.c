/*
 * Test helper: one member of a consumer group, classic (JoinGroup, the client assigns) or consumer
 * (KIP-848, group.protocol=consumer: the broker assigns). It subscribes to TOPIC, prints "assigned
 * T:P,..." each time its assignment changes to a non-empty one, consumes COUNT messages, commits
 * their offsets and prints "committed COUNT", then stays a member (reading nothing more) until its
 * stdin closes, when it leaves the group. Built next to kcon (kcon-group-consumer); the tests run
 * it through tests/lib/groupmember.py.
 *
 *   group_consumer BOOTSTRAP GROUP TOPIC classic|consumer COUNT
 */
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Prints the assignment when it differs from the last one printed; *last is updated (malloc'd). */
static void print_assignment(rd_kafka_t *rk, char **last)
{
	rd_kafka_topic_partition_list_t *a = NULL;
	if (rd_kafka_assignment(rk, &a) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return;
	rd_kafka_topic_partition_list_sort(a, NULL, NULL);
	size_t size = 1;
	for (int i = 0; i < a->cnt; i++)
		size += strlen(a->elems[i].topic) + 16;
	char *text = calloc(1, size);
	for (int i = 0; text && i < a->cnt; i++)
		snprintf(text + strlen(text), size - strlen(text), "%s%s:%d", i ? "," : "", a->elems[i].topic,
			 (int)a->elems[i].partition);
	if (text && a->cnt > 0 && (*last == NULL || strcmp(*last, text) != 0)) {
		printf("assigned %s\n", text);
		fflush(stdout);
		free(*last);
		*last = text;
		text = NULL;
	}
	free(text);
	rd_kafka_topic_partition_list_destroy(a);
}

int main(int argc, char **argv)
{
	char err[512];
	if (argc != 6 || (strcmp(argv[4], "classic") != 0 && strcmp(argv[4], "consumer") != 0)) {
		fprintf(stderr, "usage: group_consumer BOOTSTRAP GROUP TOPIC classic|consumer COUNT\n");
		return 2;
	}
	int count = atoi(argv[5]), consumed = 0;
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	const char *props[][2] = {
		{ "bootstrap.servers", argv[1] },        { "group.id", argv[2] },
		{ "group.protocol", argv[4] },           { "client.id", "kcon-group-consumer" },
		{ "auto.offset.reset", "earliest" },     { "enable.auto.commit", "false" },
		{ "enable.auto.offset.store", "false" },
	};
	for (size_t i = 0; i < sizeof(props) / sizeof(*props); i++)
		if (rd_kafka_conf_set(conf, props[i][0], props[i][1], err, sizeof(err)) != RD_KAFKA_CONF_OK) {
			fprintf(stderr, "group_consumer: %s\n", err);
			return 2;
		}
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	if (rk == NULL) {
		fprintf(stderr, "group_consumer: %s\n", err);
		return 1;
	}
	rd_kafka_poll_set_consumer(rk);
	rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(topics, argv[3], RD_KAFKA_PARTITION_UA);
	rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, topics);
	rd_kafka_topic_partition_list_destroy(topics);
	if (e) {
		fprintf(stderr, "group_consumer: subscribe: %s\n", rd_kafka_err2str(e));
		return 1;
	}
	/* The next offset of each partition read so far: what is committed after COUNT messages. */
	rd_kafka_topic_partition_list_t *next = rd_kafka_topic_partition_list_new(8);
	char *last = NULL;
	int rc = 0;
	for (;;) {
		struct pollfd in = { .fd = 0, .events = POLLIN };
		if (poll(&in, 1, 0) > 0) {
			char buf[256];
			if (read(0, buf, sizeof(buf)) <= 0)
				break; /* stdin closed: leave */
		}
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		print_assignment(rk, &last);
		if (m == NULL)
			continue;
		if (m->err) {
			if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				fprintf(stderr, "group_consumer: %s\n", rd_kafka_message_errstr(m));
		} else if (consumed < count) {
			const char *t = rd_kafka_topic_name(m->rkt);
			rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_find(next, t, m->partition);
			if (p == NULL)
				p = rd_kafka_topic_partition_list_add(next, t, m->partition);
			p->offset = m->offset + 1;
			if (++consumed == count) {
				if ((e = rd_kafka_commit(rk, next, 0)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
					fprintf(stderr, "group_consumer: commit: %s\n", rd_kafka_err2str(e));
					rc = 1;
					rd_kafka_message_destroy(m);
					break;
				}
				printf("committed %d\n", consumed);
				fflush(stdout);
			}
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_topic_partition_list_destroy(next);
	rd_kafka_destroy(rk);
	free(last);
	return rc;
}
