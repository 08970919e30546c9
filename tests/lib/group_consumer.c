/*
 * Test helper: one member of a consumer group, classic (JoinGroup, the client assigns) or consumer
 * (KIP-848, group.protocol=consumer: the broker assigns). It subscribes to TOPIC, prints "assigned
 * T:P,..." each time its assignment changes to a non-empty one, consumes COUNT messages, commits
 * their offsets and prints "committed COUNT", then stays a member, consuming nothing more (what
 * arrives is held back, unconsumed), until its stdin says:
 *
 *   consume N   consume N more messages, commit and print "committed TOTAL" (TOTAL: all so far)
 *   commit      commit the same offsets again and print "recommitted TOTAL"
 *
 * When its stdin closes it leaves the group. Built next to kcon (kcon-group-consumer); the tests
 * run it through tests/lib/groupmember.py.
 *
 *   group_consumer BOOTSTRAP GROUP TOPIC classic|consumer COUNT
 */
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <stdbool.h>
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

/* The messages polled beyond what it was told to consume, oldest first: consumed when told. */
struct held {
	rd_kafka_message_t **m;
	int n, cap;
};

static int commit(rd_kafka_t *rk, rd_kafka_topic_partition_list_t *next, const char *said, int total)
{
	rd_kafka_resp_err_t e = rd_kafka_commit(rk, next, 0);
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "group_consumer: commit: %s\n", rd_kafka_err2str(e));
		return 1;
	}
	printf("%s %d\n", said, total);
	fflush(stdout);
	return 0;
}

/* Takes m as consumed: its next offset is what the next commit commits. */
static void take(rd_kafka_topic_partition_list_t *next, rd_kafka_message_t *m)
{
	const char *t = rd_kafka_topic_name(m->rkt);
	rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_find(next, t, m->partition);
	if (p == NULL)
		p = rd_kafka_topic_partition_list_add(next, t, m->partition);
	p->offset = m->offset + 1;
	rd_kafka_message_destroy(m);
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
	struct held held = { 0 };
	char *last = NULL, line[256];
	size_t len = 0;
	int rc = 0, want = count;
	while (rc == 0) {
		struct pollfd in = { .fd = 0, .events = POLLIN };
		if (poll(&in, 1, 0) > 0) {
			ssize_t got = read(0, line + len, sizeof(line) - 1 - len);
			if (got <= 0)
				break; /* stdin closed: leave */
			len += (size_t)got;
			line[len] = '\0';
			char *nl;
			while ((nl = strchr(line, '\n')) != NULL) {
				*nl = '\0';
				int n;
				if (sscanf(line, "consume %d", &n) == 1 && n > 0)
					want += n;
				else if (strcmp(line, "commit") == 0)
					rc = commit(rk, next, "recommitted", consumed);
				else if (line[0])
					fprintf(stderr, "group_consumer: unknown command `%s`\n", line);
				len -= (size_t)(nl + 1 - line);
				memmove(line, nl + 1, len + 1);
			}
			if (len == sizeof(line) - 1)
				len = 0; /* a line too long: dropped */
		}
		bool was_short = consumed < want;
		while (consumed < want && held.n > 0) {
			take(next, held.m[0]);
			memmove(held.m, held.m + 1, (size_t)--held.n * sizeof(*held.m));
			consumed++;
		}
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		print_assignment(rk, &last);
		if (m && m->err) {
			if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				fprintf(stderr, "group_consumer: %s\n", rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
		} else if (m && consumed < want) {
			take(next, m);
			consumed++;
		} else if (m) {
			if (held.n == held.cap) {
				held.cap = held.cap ? held.cap * 2 : 64;
				held.m = realloc(held.m, (size_t)held.cap * sizeof(*held.m));
			}
			held.m[held.n++] = m;
		}
		if (was_short && consumed == want && want > 0)
			rc = commit(rk, next, "committed", consumed);
	}
	for (int i = 0; i < held.n; i++)
		rd_kafka_message_destroy(held.m[i]);
	free(held.m);
	rd_kafka_consumer_close(rk);
	rd_kafka_topic_partition_list_destroy(next);
	rd_kafka_destroy(rk);
	free(last);
	return rc;
}
