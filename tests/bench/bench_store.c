/*
 * The history store's benchmark (make bench, through bench_history.py): one sampling tick of
 * GROUPS x PARTS group partitions (and as many topic partitions) in one transaction, a simulated
 * day of ticks every 10 s with roll-ups, and reading 24 h of one group's history.
 *
 *   kcon-benchstore FILE [--groups 100] [--parts 100] [--busy 0.25] [--hours 24] [--interval 10]
 *
 * Busy partitions get messages and commits every tick; the others change once an hour.
 * Prints one line per figure: "name value unit".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static long long file_size(const char *path)
{
	struct stat st;
	long long n = 0;
	char wal[4096];
	if (stat(path, &st) == 0)
		n += st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (stat(wal, &st) == 0)
		n += st.st_size;
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: kcon-benchstore FILE [--groups N] [--parts N] [--busy F] [--hours H] [--interval S]\n");
		return 2;
	}
	const char *path = argv[1];
	int groups = 100, parts = 100, interval = 10;
	double busy = 0.25, hours = 24;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--groups") == 0)
			groups = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--parts") == 0)
			parts = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--busy") == 0)
			busy = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--hours") == 0)
			hours = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--interval") == 0)
			interval = atoi(argv[i + 1]);
	}
	remove(path);
	char *notice = NULL, *cause = NULL;
	struct store *s = store_open(path, NULL, &notice, &cause);
	if (s == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	char(*gname)[32] = calloc((size_t)groups, 32), (*tname)[32] = calloc((size_t)groups, 32);
	for (int g = 0; g < groups; g++) {
		snprintf(gname[g], 32, "group-%04d", g);
		snprintf(tname[g], 32, "topic-%04d", g);
	}
	/* the simulated day ends now, so `kcon history lag` reads it afterwards */
	int64_t t0 = ((int64_t)time(NULL) * 1000 - (int64_t)(hours * 3600000)) / 3600000 * 3600000;
	long ticks = (long)(hours * 3600 / interval);
	double first = 0, worst = 0, total = 0, cpu = 0;
	int busy_parts = (int)(parts * busy + 0.5);
	for (long k = 0; k < ticks; k++) {
		int64_t ts = t0 + k * interval * 1000LL;
		double a = now_ms(), c = cpu_ms();
		struct store_tick *t = store_tick_begin(s, "bench-cluster", "bench:9092", ts);
		for (int g = 0; g < groups; g++) {
			for (int p = 0; p < parts; p++) {
				/* busy: 100 msgs/tick in, 99 out (a slowly growing lag); idle: moves once an hour */
				int64_t step = p < busy_parts ? k : k * interval / 3600;
				store_tick_topic_partition(t, tname[g], p, 1000000000LL + step * 100);
			}
		}
		for (int g = 0; g < groups; g++) {
			store_tick_group(t, gname[g], "Stable");
			for (int p = 0; p < parts; p++) {
				int64_t step = p < busy_parts ? k : k * interval / 3600;
				store_tick_group_partition(t, gname[g], tname[g], p, 1000000000LL + step * 99,
							   1000000000LL + step * 100);
			}
		}
		if (store_tick_commit(&t, &cause) < 0) {
			fprintf(stderr, "%s\n", cause);
			return 1;
		}
		double d = now_ms() - a;
		if (k > 0)
			cpu += cpu_ms() - c;
		if (k == 0)
			first = d;
		else if (d > worst)
			worst = d;
		total += d;
		if ((k + 1) % (3600 / interval) == 0 && store_maintain(s, ts + 1000, &cause) < 0) {
			fprintf(stderr, "%s\n", cause);
			return 1;
		}
	}
	double a = now_ms(), rc0 = cpu_ms();
	struct store_point *pts;
	int n;
	if (store_series(s, "bench-cluster", gname[0], "", -1, t0, &pts, &n, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	double read_group = now_ms() - a, read_cpu = cpu_ms() - rc0;
	int ngroup = n;
	free(pts);
	a = now_ms();
	if (store_series(s, "bench-cluster", gname[0], tname[0], 0, t0, &pts, &n, &cause) < 0)
		return 1;
	double read_part = now_ms() - a;
	int npart = n;
	free(pts);
	store_close(&s);
	printf("partitions %d\n", groups * parts);
	printf("busy_fraction %.2f\n", busy);
	printf("ticks %ld\n", ticks);
	printf("tick_first_ms %.1f\n", first);
	printf("tick_mean_ms %.1f\n", ticks > 1 ? (total - first) / (double)(ticks - 1) : first);
	printf("tick_worst_ms %.1f\n", worst);
	printf("tick_cpu_ms %.1f\n", ticks > 1 ? cpu / (double)(ticks - 1) : 0);
	printf("read_group_ms %.2f (%d points, cpu %.2f ms)\n", read_group, ngroup, read_cpu);
	printf("read_partition_ms %.2f (%d points)\n", read_part, npart);
	printf("file_bytes %lld\n", file_size(path));
	free(gname);
	free(tname);
	return 0;
}
