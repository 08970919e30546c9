/*
 * The metrics' benchmark (make bench, through bench_metrics.sh): a history store of TOPICS x PARTS
 * topic partitions and GROUPS groups of GPARTS partitions each, ticked like `watch` every 10 s for
 * TICKS ticks; then the time watch's loop takes to render the exposition after a tick
 * (metrics_render: the cost of each tick, not of a scrape), its size, and the latency of scrapes
 * served from the published snapshot by metricsrv over loopback HTTP.
 *
 *   kcon-benchmetrics DIR [--topics 100] [--parts 100] [--groups 2000] [--gparts 5] [--ticks 7]
 *                         [--scrapes 200]
 *
 * Prints one line per figure: "name value unit".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"
#include "metricsrv.h"
#include "model.h"
#include "store.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static struct model *bench_model(int ntopics, int nparts)
{
	static int32_t one[] = { 1 };
	rd_kafka_metadata_topic_t *t = calloc((size_t)ntopics, sizeof(*t));
	rd_kafka_metadata_partition_t *p = calloc((size_t)nparts, sizeof(*p));
	for (int k = 0; k < nparts; k++)
		p[k] = (rd_kafka_metadata_partition_t){
			.id = k, .leader = 1, .replica_cnt = 1, .replicas = one, .isr_cnt = 1, .isrs = one
		};
	char **names = calloc((size_t)ntopics, sizeof(char *));
	for (int i = 0; i < ntopics; i++) {
		names[i] = malloc(32);
		snprintf(names[i], 32, "topic-%04d", i);
		t[i] = (rd_kafka_metadata_topic_t){ .topic = names[i], .partition_cnt = nparts, .partitions = p };
	}
	rd_kafka_metadata_broker_t b[] = { { 1, "broker", 9092 } };
	struct rd_kafka_metadata md = { .broker_cnt = 1, .brokers = b, .topic_cnt = ntopics, .topics = t };
	struct model *m = model_new(&md, "bench", 1, 0);
	for (int i = 0; i < ntopics; i++)
		free(names[i]);
	free(names);
	free(t);
	free(p);
	return m;
}

/* One GET of url's /metrics over a fresh connection; returns the bytes read, or -1. */
static long bench_get(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	const char req[] = "GET /metrics HTTP/1.0\r\nHost: bench\r\n\r\n";
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		close(fd);
		return -1;
	}
	char buf[65536];
	long total = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	return total;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: kcon-benchmetrics DIR [--topics N] [--parts N] [--groups N] [--gparts N] "
				"[--ticks N] [--scrapes N]\n");
		return 2;
	}
	int ntopics = 100, nparts = 100, ngroups = 2000, gparts = 5, ticks = 7, scrapes = 200;
	for (int i = 2; i + 1 < argc; i += 2) {
		int v = atoi(argv[i + 1]);
		if (strcmp(argv[i], "--topics") == 0)
			ntopics = v;
		else if (strcmp(argv[i], "--parts") == 0)
			nparts = v;
		else if (strcmp(argv[i], "--groups") == 0)
			ngroups = v;
		else if (strcmp(argv[i], "--gparts") == 0)
			gparts = v;
		else if (strcmp(argv[i], "--ticks") == 0)
			ticks = v;
		else if (strcmp(argv[i], "--scrapes") == 0)
			scrapes = v;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/bench-metrics.db", argv[1]);
	unlink(path);
	char *notice = NULL, *cause = NULL;
	struct store *s = store_open(path, NULL, &notice, &cause);
	if (s == NULL) {
		fprintf(stderr, "kcon-benchmetrics: %s\n", cause);
		return 1;
	}
	struct model *m = bench_model(ntopics, nparts);
	int64_t t0 = (int64_t)time(NULL) * 1000 - (int64_t)ticks * 10000;
	char gname[64];
	double tick_ms = 0;
	for (int k = 0; k < ticks; k++) {
		double a = now_ms();
		struct store_tick *t = store_tick_begin(s, "bench", "b:9092", t0 + k * 10000LL);
		store_tick_model(t, m);
		for (int i = 0; i < ntopics; i++)
			for (int p = 0; p < nparts; p++)
				store_tick_topic_partition(t, m->topics[i].name, p, 1000 + 10LL * k * (p % 3));
		for (int g = 0; g < ngroups; g++) {
			snprintf(gname, sizeof(gname), "group-%05d", g);
			store_tick_group(t, gname, g % 4 ? "Stable" : "Empty", "classic");
			const char *topic = m->topics[g % ntopics].name;
			for (int j = 0; j < gparts; j++) {
				int p = (g * gparts + j) % nparts;
				int64_t end = 1000 + 10LL * k * (p % 3);
				store_tick_group_partition(t, gname, topic, p, g % 4 ? end - 5 : 1000, end);
			}
		}
		if (store_tick_commit(&t, &cause) < 0) {
			fprintf(stderr, "kcon-benchmetrics: %s\n", cause);
			return 1;
		}
		tick_ms += now_ms() - a;
	}
	printf("store_tick_ms %.1f ms\n", tick_ms / ticks);
	/* every partition's log start, as watch --metrics keeps them in memory (sorted) */
	struct sample_start *starts = calloc((size_t)ntopics * (size_t)nparts + 1, sizeof(*starts));
	int nstarts = 0;
	for (int i = 0; i < ntopics; i++)
		for (int p = 0; p < nparts; p++)
			starts[nstarts++] = (struct sample_start){ strdup(m->topics[i].name), p, 100 + p };
	qsort(starts, (size_t)nstarts, sizeof(*starts), sample_start_cmp);
	struct metrics_tick mt = { .up = true,
				   .duration_s = 1,
				   .last_ok_ms = t0 + (ticks - 1) * 10000LL,
				   .under_min_isr = 0,
				   .window_ms = 600000,
				   .starts = starts,
				   .nstarts = nstarts };
	double r[3];
	char *text = NULL;
	for (int i = 0; i < 3; i++) {
		free(text);
		double a = now_ms();
		text = metrics_render(s, "bench", &mt, t0 + ticks * 10000LL, &cause);
		r[i] = now_ms() - a;
		if (text == NULL) {
			fprintf(stderr, "kcon-benchmetrics: %s\n", cause);
			return 1;
		}
	}
	qsort(r, 3, sizeof(double), cmp_double);
	long lines = 0;
	for (const char *c = text; *c; c++)
		lines += *c == '\n';
	printf("render_ms %.1f ms\n", r[1]);
	printf("exposition_bytes %zu bytes\n", strlen(text));
	printf("exposition_lines %ld lines\n", lines);
	struct metricsrv *srv = metricsrv_start("127.0.0.1:0", NULL, &cause);
	if (srv == NULL) {
		fprintf(stderr, "kcon-benchmetrics: %s\n", cause);
		return 1;
	}
	metricsrv_publish(srv, text);
	int port = atoi(strrchr(metricsrv_url(srv), ':') + 1);
	double *lat = calloc((size_t)scrapes + 1, sizeof(double));
	int failed = 0;
	for (int i = 0; i < scrapes; i++) {
		double a = now_ms();
		failed += bench_get(port) <= 0;
		lat[i] = now_ms() - a;
	}
	qsort(lat, (size_t)scrapes, sizeof(double), cmp_double);
	printf("scrape_ms_median %.2f ms\n", lat[scrapes / 2]);
	printf("scrape_ms_p99 %.2f ms\n", lat[scrapes * 99 / 100]);
	printf("scrapes_failed %d scrapes\n", failed);
	free(lat);
	metricsrv_stop(&srv);
	sample_starts_free(&starts, nstarts);
	model_unref(&m);
	store_close(&s);
	unlink(path);
	return failed != 0;
}
