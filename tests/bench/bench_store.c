/*
 * The history store's benchmark (make bench, through bench_history.py): one sampling tick of
 * GROUPS x PARTS group partitions (and as many topic partitions) in one transaction, a simulated
 * day of ticks every 10 s with roll-ups, and reading 24 h of one group's history.
 *
 *   kcon-benchstore FILE [--groups 100] [--parts 100] [--busy 0.25] [--hours 24] [--interval 10]
 *                        [--week | --days N | --reads-only] [--no-wait]
 *
 * Busy partitions get messages and commits every 10 s; the others change once an hour.
 * --week goes on after the day for six more: days 2 to 6 ticked every 60 s (what they leave after
 * 24 h, the per-minute and per-hour roll-ups and the partitions' spaced rows rolled up, is the same
 * as with 10 s ticks, whose extra raw rows are dropped at 24 h), day 7 every --interval again, so
 * the file is what a week of `watch` leaves; it prints the file size at the end of each day.
 * --days N (N > 7) is the store after N days of `watch` (90: the default retention) in less time:
 * days 1 to N-7 ticked every hour (older than the 7 days of per-minute roll-ups, what they leave is
 * the hourly and daily roll-ups, the same as with 10 s ticks), then the week's last six days every
 * 60 s and the last day every --interval.
 * At the end it times the reads the faces make (best of 11, a new read-only connection): a group's
 * whole span and a partition's (history lag/topic), a group's status window (lag trend: its total
 * and store_group_window over 10 min), the last hour of every group's total and of one group's
 * partitions (sparklines). --reads-only times those reads again on a store made before.
 * Between two ticks it waits, untimed, for the store's checkpoint thread (as the 10 s between ticks
 * would); --no-wait does not, so a tick meets the checkpoint under way (its contention, and the
 * commits that then checkpoint themselves at the bound, are in the tick's time).
 * Prints one line per figure: "name value unit".
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "store.h"
#include "storeckpt.h"

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
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

struct bench_count {
	long rows;
};

static void bench_window_row(void *ud, const char *topic, int32_t partition, const struct store_point *seen,
			     const struct store_point *row)
{
	(void)topic, (void)partition, (void)seen, (void)row;
	((struct bench_count *)ud)->rows++;
}

#define BENCH_READ_RUNS 11

/* One read the faces make, best of BENCH_READ_RUNS on a new read-only store; prints "read_NAME_ms best (points)". */
static void bench_time(const char *path, const char *name, int what, int groups, int parts, char (*gname)[32],
		       char (*tname)[32], int64_t since, int64_t now)
{
	double best = -1;
	long points = 0;
	for (int r = 0; r < BENCH_READ_RUNS; r++) {
		char *notice = NULL, *cause = NULL;
		struct store *s = store_open_read(path, NULL, &notice, &cause);
		if (s == NULL) {
			fprintf(stderr, "%s\n", cause);
			exit(1);
		}
		double a = now_ms();
		struct store_point *p = NULL;
		int n = 0;
		points = 0;
		if (what == 0) { /* history lag G / history topic T: the whole span of a total and of a partition */
			store_series(s, "bench-cluster", gname[0], "", -1, since, &p, &n, &cause);
			points += n;
			free(p);
			store_series(s, "bench-cluster", gname[0], tname[0], 0, since, &p, &n, &cause);
			points += n;
			free(p);
		} else if (what == 1) { /* the status of every group (lag, check): total and partitions over 10 min */
			for (int g = 0; g < groups; g++) {
				struct bench_count c = { 0 };
				store_series(s, "bench-cluster", gname[g], "", -1, now - 600000, &p, &n, &cause);
				points += n;
				free(p);
				store_group_window(s, "bench-cluster", gname[g], now - 600000, bench_window_row, &c,
						   &cause);
				points += c.rows;
			}
		} else { /* sparklines: every group's and topic's last hour, one group's partitions */
			for (int g = 0; g < groups; g++) {
				store_series(s, "bench-cluster", gname[g], "", -1, now - 3600000, &p, &n, &cause);
				points += n;
				free(p);
				store_series(s, "bench-cluster", "", tname[g], -1, now - 3600000, &p, &n, &cause);
				points += n;
				free(p);
			}
			for (int q = 0; q < parts; q++) {
				store_series(s, "bench-cluster", gname[0], tname[0], q, now - 3600000, &p, &n, &cause);
				points += n;
				free(p);
			}
		}
		double d = now_ms() - a;
		if (best < 0 || d < best)
			best = d;
		store_close(&s);
		free(notice);
		free(cause);
	}
	printf("read_%s_ms %.2f (%ld points)\n", name, best, points);
}

static void bench_reads(const char *path, int groups, int parts, char (*gname)[32], char (*tname)[32], int64_t t0,
			int64_t now)
{
	bench_time(path, "history", 0, groups, parts, gname, tname, t0, now);
	bench_time(path, "status", 1, groups, parts, gname, tname, t0, now);
	bench_time(path, "sparklines", 2, groups, parts, gname, tname, t0, now);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr,
			"usage: kcon-benchstore FILE [--groups N] [--parts N] [--busy F] [--hours H] [--interval S] "
			"[--week | --days N | --reads-only] [--no-wait]\n");
		return 2;
	}
	const char *path = argv[1];
	int groups = 100, parts = 100, interval = 10;
	double busy = 0.25, hours = 24;
	bool week = false, reads_only = false, wait = true;
	int days = 0;
	for (int i = 2; i < argc; i += 2) {
		if (strcmp(argv[i], "--week") == 0 || strcmp(argv[i], "--reads-only") == 0 ||
		    strcmp(argv[i], "--no-wait") == 0) {
			week = week || argv[i][2] == 'w';
			reads_only = reads_only || argv[i][2] == 'r';
			wait = wait && argv[i][2] != 'n';
			i--;
			continue;
		}
		if (i + 1 >= argc)
			break;
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
		else if (strcmp(argv[i], "--days") == 0)
			days = atoi(argv[i + 1]);
	}
	if (days > 7)
		week = true;
	char *notice = NULL, *cause = NULL;
	char(*gname)[32] = calloc((size_t)groups, 32), (*tname)[32] = calloc((size_t)groups, 32);
	for (int g = 0; g < groups; g++) {
		snprintf(gname[g], 32, "group-%04d", g);
		snprintf(tname[g], 32, "topic-%04d", g);
	}
	if (reads_only) { /* the reads again on a store made before (with --groups and --parts as then) */
		struct store *r = store_open_read(path, NULL, &notice, &cause);
		if (r == NULL) {
			fprintf(stderr, "%s\n", cause);
			return 1;
		}
		sqlite3_stmt *st;
		int64_t newest = 0;
		if (sqlite3_prepare_v2(store_db(r), "SELECT max(ts) FROM sample", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW)
			newest = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		store_close(&r);
		bench_reads(path, groups, parts, gname, tname, 0, newest * 1000 + 10000);
		free(gname);
		free(tname);
		return 0;
	}
	remove(path);
	struct store *s = store_open(path, NULL, &notice, &cause);
	if (s == NULL) {
		fprintf(stderr, "%s\n", cause);
		return 1;
	}
	/* The phases: (hours, seconds between ticks). The simulated time ends now, so `kcon history lag` reads it. */
	double ph_hours[3] = { hours, 0, 0 };
	int ph_interval[3] = { interval, 60, interval };
	if (week)
		ph_hours[1] = 5 * 24, ph_hours[2] = 24;
	if (days > 7)
		ph_hours[0] = (days - 7) * 24.0, ph_hours[1] = 6 * 24, ph_interval[0] = 3600;
	double span_h = ph_hours[0] + ph_hours[1] + ph_hours[2];
	int64_t t0 = ((int64_t)time(NULL) * 1000 - (int64_t)(span_h * 3600000)) / 3600000 * 3600000;
	long ticks = 0, fine = 0; /* all ticks; those of the last phase at --interval (timed) */
	double first = 0, worst = 0, total = 0, cpu = 0, d1_total = 0, maint_total = 0, maint_worst = 0;
	static double ds[100000]; /* the timed ticks but the first, for the 99th percentile */
	long nds = 0;
	long ckpt_bg = 0, ckpt_inline = 0;
	long maint_n = 0;
	long d1_n = 0;
	int busy_parts = (int)(parts * busy + 0.5);
	int64_t ts = t0;
	for (int ph = 0; ph < 3; ph++) {
		long n_ph = (long)(ph_hours[ph] * 3600 / ph_interval[ph]);
		bool timed = ph == (week ? 2 : 0);
		if (timed)
			first = worst = total = cpu = 0, fine = 0, nds = 0;
		for (long j = 0; j < n_ph; j++, ticks++, ts += ph_interval[ph] * 1000LL) {
			long k = (long)((ts - t0) / 10000); /* 10 s steps since the start, whatever the tick interval */
			/* Ticks come 10 s apart in kcon: the store's checkpoint (storeckpt.h) of the last tick
			 * or roll-up runs between them, off the tick; a build without one checkpoints inside
			 * a tick (timed below). */
			if (wait && store_checkpointer(s))
				storeckpt_idle(store_checkpointer(s), 10000);
			double a = now_ms(), c = cpu_ms();
			struct store_tick *t = store_tick_begin(s, "bench-cluster", "bench:9092", ts);
			for (int g = 0; g < groups; g++) {
				for (int p = 0; p < parts; p++) {
					/* busy: 100 msgs/tick in, 99 out (a slowly growing lag); idle: moves once an
					 * hour */
					int64_t step = p < busy_parts ? k : k * 10 / 3600;
					store_tick_topic_partition(t, tname[g], p, 1000000000LL + step * 100);
				}
			}
			for (int g = 0; g < groups; g++) {
				store_tick_group(t, gname[g], "Stable", "consumer");
				for (int p = 0; p < parts; p++) {
					int64_t step = p < busy_parts ? k : k * 10 / 3600;
					store_tick_group_partition(t, gname[g], tname[g], p, 1000000000LL + step * 99,
								   1000000000LL + step * 100);
				}
			}
			if (store_tick_commit(&t, &cause) < 0) {
				fprintf(stderr, "%s\n", cause);
				return 1;
			}
			double d = now_ms() - a;
			if (timed) {
				if (fine > 0)
					cpu += cpu_ms() - c;
				if (fine == 0)
					first = d;
				else if (d > worst)
					worst = d;
				if (fine > 0 && nds < (long)(sizeof(ds) / sizeof(ds[0])))
					ds[nds++] = d;
				total += d;
				fine++;
			}
			int64_t next = ts + ph_interval[ph] * 1000LL;
			if (next / 3600000 != ts / 3600000) { /* hourly */
				double m = now_ms();
				if (store_maintain(s, ts + 1000, &cause) < 0) {
					fprintf(stderr, "%s\n", cause);
					return 1;
				}
				m = now_ms() - m;
				maint_total += m, maint_n++;
				if (m > maint_worst)
					maint_worst = m;
			}
			if ((next - t0) % 86400000 == 0 || (!week && j == n_ph - 1)) { /* the size each day */
				/* the store's own checkpoint first: one under way makes TRUNCATE give up at once
				 * (SQLITE_BUSY), and the WAL left would be counted as the file's */
				if (store_checkpointer(s))
					storeckpt_idle(store_checkpointer(s), 60000);
				sqlite3_exec(store_db(s), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
				printf("day%d_file_bytes %lld\n", (int)((next - t0 + 86399999) / 86400000),
				       file_size(path));
				fflush(stdout);
			}
			if (ph == 0 && j > 0)
				d1_total += d, d1_n++;
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
	if (store_checkpointer(s))
		storeckpt_counts(store_checkpointer(s), &ckpt_bg, &ckpt_inline);
	store_close(&s);
	bench_reads(path, groups, parts, gname, tname, t0, ts);
	qsort(ds, (size_t)nds, sizeof(ds[0]), cmp_double);
	printf("partitions %d\n", groups * parts);
	printf("busy_fraction %.2f\n", busy);
	printf("ticks %ld\n", ticks);
	printf("timed_ticks %ld\n", fine);
	printf("tick_first_ms %.1f\n", first);
	printf("tick_mean_ms %.1f\n", fine > 1 ? (total - first) / (double)(fine - 1) : first);
	printf("tick_worst_ms %.1f\n", worst);
	printf("tick_p99_ms %.1f\n", nds ? ds[(nds * 99) / 100] : 0);
	printf("checkpoints %ld off the tick, %ld in a tick\n", ckpt_bg, ckpt_inline);
	printf("maintain_mean_ms %.1f\n", maint_n ? maint_total / (double)maint_n : 0);
	printf("maintain_worst_ms %.1f\n", maint_worst);
	printf("tick_cpu_ms %.1f\n", fine > 1 ? cpu / (double)(fine - 1) : 0);
	printf("tick_mean_day1_ms %.1f\n", d1_n ? d1_total / (double)d1_n : 0);
	printf("read_group_ms %.2f (%d points, cpu %.2f ms)\n", read_group, ngroup, read_cpu);
	printf("read_partition_ms %.2f (%d points)\n", read_part, npart);
	printf("file_bytes %lld\n", file_size(path));
	free(gname);
	free(tname);
	return 0;
}
