/*
 * A librdkafka mock cluster for benchmarks: N topics of P partitions on B brokers, in process.
 * Prints the bootstrap list on stdout, then serves until stdin closes.
 *   kcon-mockcluster [-b BROKERS] [-t TOPICS] [-p PARTITIONS] [-r RF]
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void mock_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk, (void)level, (void)fac, (void)buf;
}

int main(int argc, char **argv)
{
	int brokers = 3, topics = 10, partitions = 10000, rf = 1, c;
	while ((c = getopt(argc, argv, "b:t:p:r:")) != -1) {
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
		default:
			fprintf(stderr, "usage: kcon-mockcluster [-b BROKERS] [-t TOPICS] [-p PARTITIONS] [-r RF]\n");
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
	for (int t = 0; t < topics; t++) {
		char name[64];
		snprintf(name, sizeof(name), "bench-%03d", t);
		if (rd_kafka_mock_topic_create(mc, name, partitions, rf)) {
			fprintf(stderr, "kcon-mockcluster: cannot create %s\n", name);
			return 1;
		}
	}
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	char buf[64];
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
