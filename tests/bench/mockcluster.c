/*
 * A librdkafka mock cluster for benchmarks: N topics of P partitions on B brokers, in process.
 * Prints the bootstrap list on stdout, then serves until stdin closes. With -P TOPIC:RATE it also
 * produces RATE messages of 200 bytes a second into TOPIC (3 partitions, made for it), in steps of 10 ms.
 *   kcon-mockcluster [-b BROKERS] [-t TOPICS] [-p PARTITIONS] [-r RF] [-P TOPIC:RATE]
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void mock_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk, (void)level, (void)fac, (void)buf;
}

/*
 * rd_kafka_mock_topic_create waits about 300 ms for each topic (an hour for 10,000), most of it
 * idle: MOCK_THREADS threads share the topics bench-000, bench-001, ...
 */
#define MOCK_THREADS 256

static struct {
	rd_kafka_mock_cluster_t *mc;
	int topics, partitions, rf, failed;
} mock_create;

static void *mock_create_some(void *arg)
{
	for (long t = (long)arg; t < mock_create.topics; t += MOCK_THREADS) {
		char name[64];
		snprintf(name, sizeof(name), "bench-%03ld", t);
		if (rd_kafka_mock_topic_create(mock_create.mc, name, mock_create.partitions, mock_create.rf)) {
			fprintf(stderr, "kcon-mockcluster: cannot create %s\n", name);
			mock_create.failed = 1;
		}
	}
	return NULL;
}

static int mock_create_topics(rd_kafka_mock_cluster_t *mc, int topics, int partitions, int rf)
{
	pthread_t th[MOCK_THREADS];
	long n = topics < MOCK_THREADS ? topics : MOCK_THREADS;
	mock_create.mc = mc;
	mock_create.topics = topics;
	mock_create.partitions = partitions;
	mock_create.rf = rf;
	for (long i = 0; i < n; i++)
		pthread_create(&th[i], NULL, mock_create_some, (void *)i);
	for (long i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return mock_create.failed ? -1 : 0;
}

static double mock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Produces rate messages a second into topic until stdin closes (or just waits when rate is 0). */
static void mock_serve(const char *bootstrap, const char *topic, long rate)
{
	char errstr[256], value[200];
	rd_kafka_t *p = NULL;
	if (rate > 0) {
		rd_kafka_conf_t *conf = rd_kafka_conf_new();
		rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof(errstr));
		rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof(errstr));
		rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", errstr, sizeof(errstr));
		rd_kafka_conf_set_log_cb(conf, mock_log);
		p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
		if (p == NULL) {
			fprintf(stderr, "kcon-mockcluster: %s\n", errstr);
			exit(1);
		}
	}
	memset(value, 'x', sizeof(value));
	double start = mock_now();
	long sent = 0;
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };
	for (;;) {
		if (poll(&in, 1, p ? 10 : -1) > 0) {
			char buf[64];
			if (read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
				break;
		}
		if (p == NULL)
			continue;
		long due = (long)((mock_now() - start) * (double)rate);
		for (; sent < due; sent++) {
			char key[32];
			int kl = snprintf(key, sizeof(key), "k%ld", sent);
			if (rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, (size_t)kl),
					      RD_KAFKA_V_VALUE(value, sizeof(value)),
					      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END))
				break; /* the queue is full: the rate is behind, try in the next step */
		}
		rd_kafka_poll(p, 0);
	}
	if (p) {
		rd_kafka_flush(p, 2000);
		rd_kafka_destroy(p);
	}
}

int main(int argc, char **argv)
{
	int brokers = 3, topics = 10, partitions = 10000, rf = 1, c;
	char *produce = NULL;
	long rate = 0;
	while ((c = getopt(argc, argv, "b:t:p:r:P:")) != -1) {
		switch (c) {
		case 'b':
			brokers = atoi(optarg);
			break;
		case 't':
			topics = atoi(optarg);
			break;
		case 'p':
			partitions = atoi(optarg);
			break;
		case 'r':
			rf = atoi(optarg);
			break;
		case 'P':
			produce = optarg;
			if (strchr(produce, ':') == NULL)
				goto usage;
			*strchr(produce, ':') = '\0';
			rate = atol(produce + strlen(produce) + 1);
			break;
		default:
		usage:
			fprintf(stderr, "usage: kcon-mockcluster [-b BROKERS] [-t TOPICS] [-p PARTITIONS] [-r RF] "
					"[-P TOPIC:RATE]\n");
			return 2;
		}
	}
	char errstr[256];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set_log_cb(conf, mock_log);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (rk == NULL) {
		fprintf(stderr, "kcon-mockcluster: %s\n", errstr);
		return 1;
	}
	rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
	const char *bootstrap = rd_kafka_mock_cluster_bootstraps(mc);
	if (mock_create_topics(mc, topics, partitions, rf) < 0)
		return 1;
	if (produce && rd_kafka_mock_topic_create(mc, produce, 3, rf)) {
		fprintf(stderr, "kcon-mockcluster: cannot create %s\n", produce);
		return 1;
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	mock_serve(bootstrap, produce, rate);
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
