/*
 * History commands: watch (headless sampling until Ctrl-C), history lag|topic|events|snapshot|
 * sql|export|prune over the store (store.h). Everything but watch reads the store only, so it
 * works while the cluster is down.
 */
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "file.h"
#include "metricsrv.h"
#include "metrics.h"
#include "groupstatus.h"
#include "client_groups.h"
#include "cmd.h"
#include "lag.h"
#include "loop.h"
#include "sample.h"
#include "sbuf.h"
#include "session.h"
#include "spark.h"
#include "store.h"
#include "trend.h"
#include "xalloc.h"

/* --- shared ------------------------------------------------------------------------------- */

static int history_duration(struct cmd_ctx *ctx, const char *name, int64_t def, int64_t *ms)
{
	const char *v = cmd_arg(ctx, name);
	char *cause = NULL;
	*ms = def;
	if (v && clock_parse_duration(v, ms, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "e.g. 30s, 15m, 1h, 2d or PT1H", "--%s %s: %s", name, v, cause);
		free(cause);
		return CMD_USAGE;
	}
	return CMD_OK;
}

/*
 * The store and the cluster to read (--cluster, or by the session's bootstrap, or the last sampled).
 * Read-only commands open it read-only: they work on a full disk and on a file of mode 0400.
 */
static int history_open(struct cmd_ctx *ctx, bool write, struct store **st, char **cluster)
{
	struct err e = { 0 };
	if ((write ? session_store : session_store_read)(ctx->session, st, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	if (cluster && (*cluster = session_store_cluster(ctx->session, *st, cmd_arg(ctx, "cluster"), &e)) == NULL)
		return cmd_fail_err(ctx, &e);
	return CMD_OK;
}

/* What to do when the store refuses a read or write: free space, make it writable, or (busy, damaged) retry. */
static const char *history_hint(struct store *st)
{
	const char *h = store_hint(store_path(st));
	return h ? h : "try again; if it persists, move history.db aside (docs/history.md)";
}

/* A read or write of the store that SQLite refused (its message says why). */
static int history_store_failed(struct cmd_ctx *ctx, struct store *st)
{
	return cmd_fail(ctx, CMD_FAILED, history_hint(st), "history store: %s", sqlite3_errmsg(store_db(st)));
}

static json_t *history_num(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *history_real(double v, int digits)
{
	if (isnan(v))
		return json_null();
	double f = pow(10, digits);
	return json_real(round(v * f) / f);
}

static json_t *history_trend_json(const struct trend *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "direction", json_string(trend_dir_name(t->dir)));
	json_object_set_new(o, "lag", history_num(t->lag));
	json_object_set_new(o, "lag_per_s", t->dir == TREND_UNKNOWN ? json_null() : history_real(t->lag_per_s, 3));
	json_object_set_new(o, "consume_per_s", t->consume_per_s < 0 ? json_null() : history_real(t->consume_per_s, 3));
	json_object_set_new(o, "produce_per_s", t->produce_per_s < 0 ? json_null() : history_real(t->produce_per_s, 3));
	json_object_set_new(o, "eta_s", t->eta_s < 0 ? json_null() : history_real(t->eta_s, 1));
	char *h = trend_human_duration(t->eta_s);
	json_object_set_new(o, "eta", json_string(t->dir == TREND_UNKNOWN ? "unknown" : h));
	free(h);
	json_object_set_new(o, "time_lag_s", t->time_lag_s < 0 ? json_null() : history_real(t->time_lag_s, 1));
	h = t->time_lag_s < 0    ? x_strdup("unknown")
	    : t->time_lag_s == 0 ? x_strdup("caught up")
				 : trend_human_duration(t->time_lag_s);
	if (t->time_lag_s > 0) {
		char *b = x_asprintf("%s behind", h);
		free(h);
		h = b;
	}
	json_object_set_new(o, "time_lag", json_string(h));
	free(h);
	return o;
}

/* --- watch -------------------------------------------------------------------------------- */

/* The longest --interval: samples a day apart still show a trend within the raw retention's day. */
#define HISTORY_WATCH_MAX_MS (24 * 3600 * 1000LL)

struct history_watch {
	struct cmd_ctx *ctx;
	struct loop *loop;
	int64_t interval_ms, ticks, failed, unreachable, last_maintain;
	char *last_error; /* the cause of the last failed tick */
	long long count;
	const char *groups;
	char *cluster;
	bool quiet;
	struct metricsrv *metrics; /* --metrics: serves what history_watch_publish renders */
	struct metrics_tick mt;    /* its starts are the last good tick's log start offsets (owned) */
};

/*
 * Renders the metrics from the store after a tick, on the loop thread (which owns the store), and
 * hands them to the server's thread: scrapes read that snapshot only.
 */
static void history_watch_publish(struct history_watch *w, struct store *store)
{
	struct model *m = NULL;
	int64_t seen;
	char *cause = NULL;
	w->mt.under_min_isr = -1;
	if (w->mt.up && w->cluster && store_last_model(store, w->cluster, &m, &seen, &cause) == 0) {
		w->mt.under_min_isr = sample_under_min_isr(w->ctx->session, m);
		model_unref(&m);
	}
	x_free(&cause);
	char *text = metrics_render(store, w->cluster, &w->mt, clock_wall_ms(), &cause);
	if (text == NULL) {
		note_send(&w->ctx->session->note, "watch: metrics: %s", cause);
		free(cause);
		return;
	}
	metricsrv_publish(w->metrics, text);
}

static void history_watch_tick(struct loop *l, void *ud)
{
	struct history_watch *w = ud;
	int64_t start = clock_mono_ms();
	struct sample_stats st;
	struct err e = { 0 };
	/* the log start offsets only for the metrics: the store keeps none */
	int rc = sample_tick(w->ctx->session, w->groups, w->metrics ? SAMPLE_LOG_STARTS : 0, &st, &e);
	w->ticks++;
	w->mt.up = rc == CMD_OK;
	w->mt.duration_s = (double)(clock_mono_ms() - start) / 1000.0;
	if (rc == CMD_OK) {
		w->mt.last_ok_ms = st.ts_ms;
		/* a failed tick keeps the last good one's, as the store keeps its other figures */
		sample_starts_free(&w->mt.starts, w->mt.nstarts);
		w->mt.starts = st.starts, w->mt.nstarts = st.nstarts;
		st.starts = NULL, st.nstarts = 0;
	} else {
		w->mt.failures++;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	if (rc == CMD_OK) {
		if (w->cluster == NULL)
			w->cluster = x_strdup(st.cluster);
		if (!w->quiet)
			note_send(&w->ctx->session->note,
				  "watch %s: %d groups, %d group partitions, %d topic partitions", stamp, st.groups,
				  st.group_partitions, st.topic_partitions);
	} else {
		w->failed++;
		if (rc == CMD_UNREACHABLE)
			w->unreachable++;
		x_free(&w->last_error);
		w->last_error = x_strdup(e.cause ? e.cause : "failed");
		if (!w->quiet)
			note_send(&w->ctx->session->note, "watch %s: %s (%s%s%s)", stamp, e.cause,
				  st.gap     ? "recorded as a gap"
				  : st.event ? "recorded as a sample-failed event"
					     : "not recorded",
				  st.unrecorded ? ": " : "", st.unrecorded ? st.unrecorded : "");
	}
	err_clear(&e);
	sample_stats_clear(&st);
	struct store *store;
	if (w->metrics && session_store(w->ctx->session, &store, &e) == CMD_OK)
		history_watch_publish(w, store);
	err_clear(&e);
	if (start - w->last_maintain >= 60000 && session_store(w->ctx->session, &store, &e) == CMD_OK) {
		char *cause = NULL;
		if (store_maintain(store, clock_wall_ms(), &cause) < 0)
			note_send(&w->ctx->session->note, "watch: %s", cause);
		free(cause);
		int64_t bad = store_damaged_take(store);
		if (bad > 0)
			note_send(&w->ctx->session->note,
				  "watch: history store: dropped %lld damaged row(s) of samples (the file was changed "
				  "outside kcon or by a failing disk; if it goes on, move history.db aside)",
				  (long long)bad);
		w->last_maintain = start;
	}
	err_clear(&e);
	if (w->count && w->ticks >= w->count) {
		loop_stop(l);
		return;
	}
	int64_t wait = w->interval_ms - (clock_mono_ms() - start);
	loop_timer_add(l, wait, history_watch_tick, w);
}

static void history_watch_signal(struct loop *l, int signo, void *ud)
{
	struct history_watch *w = ud;
	w->ctx->stopped_by = signo; /* a script must not go on to its next command */
	loop_stop(l);
}

/*
 * --metrics-cert, --metrics-key and --metrics-auth read into o (files[] holds what it points to:
 * free them after the server started). A key or password file others may read gets a warning.
 */
static int history_metrics_opts(struct cmd_ctx *ctx, struct metricsrv_opts *o, char *files[3])
{
	static const char *const names[] = { "metrics-cert", "metrics-key", "metrics-auth" };
	static const char *const what[] = { "certificate file", "key file", "password file" };
	for (int i = 0; i < 3; i++) {
		const char *path = cmd_arg(ctx, names[i]);
		char *cause = NULL, *warn;
		if (path == NULL)
			continue;
		if ((files[i] = file_read(path, what[i], 1 << 20, 0, NULL, &cause)) == NULL) {
			cmd_fail(ctx, CMD_FAILED, NULL, "--%s: %s", names[i], cause);
			free(cause);
			return ctx->status;
		}
		if (i > 0 && (warn = file_check_private(path, what[i])) != NULL) {
			note_send(&ctx->session->note, "%s", warn);
			free(warn);
		}
	}
	if (!files[0] != !files[1])
		return cmd_fail(ctx, CMD_USAGE, "give both --metrics-cert and --metrics-key (PEM files)",
				"HTTPS needs a certificate and its key");
	o->cert_pem = files[0];
	o->key_pem = files[1];
	char *cause = NULL;
	if (files[2] && metricsrv_parse_users(files[2], &o->users, &o->nusers, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "write one user:password a line", "--metrics-auth %s: %s",
			 cmd_arg(ctx, "metrics-auth"), cause);
		free(cause);
		return ctx->status;
	}
	return CMD_OK;
}

static int cmd_watch_exec(struct cmd_ctx *ctx)
{
	/* It takes SIGINT for itself: only a shell's `kcon watch` may (main thread, nobody else catching it). */
	struct sigaction cur;
	if (syscall(SYS_gettid) != getpid() || sigaction(SIGINT, NULL, &cur) < 0 ||
	    (cur.sa_handler != SIG_DFL && cur.sa_handler != SIG_IGN))
		return cmd_fail(ctx, CMD_FAILED,
				"run `kcon watch` from a shell (or a pod); here `history tick` takes one sample",
				"watch runs headless only");
	struct history_watch w = { .ctx = ctx, .groups = cmd_arg(ctx, "groups"), .quiet = cmd_has(ctx, "quiet") };
	if (history_duration(ctx, "interval", 10000, &w.interval_ms) != CMD_OK ||
	    cmd_arg_int(ctx, "count", 0, 0, 1000000000, &w.count) != CMD_OK)
		return ctx->status;
	if (w.interval_ms < 100)
		return cmd_fail(ctx, CMD_USAGE, "give at least 100ms", "--interval is too short");
	if (w.interval_ms > HISTORY_WATCH_MAX_MS)
		return cmd_fail(ctx, CMD_USAGE, "give at most 24h; for rarer samples, run `history tick` from cron",
				"--interval is too long");
	if (history_duration(ctx, "window", GROUPSTATUS_WINDOW_MS, &w.mt.window_ms) != CMD_OK)
		return ctx->status;
	if (w.mt.window_ms < 1000)
		return cmd_fail(ctx, CMD_USAGE, "give at least 1s", "--window is too short");
	const char *maddr = cmd_arg(ctx, "metrics");
	if (!maddr && (cmd_has(ctx, "metrics-cert") || cmd_has(ctx, "metrics-key") || cmd_has(ctx, "metrics-auth")))
		return cmd_fail(ctx, CMD_USAGE, "add --metrics ADDR",
				"--metrics-cert, --metrics-key and --metrics-auth go with --metrics");
	if (maddr) {
		struct sockaddr_storage sa;
		socklen_t salen;
		char *why = NULL;
		if (metricsrv_parse_addr(maddr, &sa, &salen, &why) < 0) {
			cmd_fail(ctx, CMD_USAGE,
				 "e.g. --metrics 9308 (loopback), --metrics 0.0.0.0:9308 to serve on every address",
				 "--metrics %s", why);
			free(why);
			return ctx->status;
		}
	}
	struct store *store;
	struct err e = { 0 };
	if (session_store(ctx->session, &store, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	char *cause = NULL;
	w.loop = loop_new(&cause);
	if (w.loop == NULL) {
		cmd_fail(ctx, CMD_FAILED, NULL, "%s", cause);
		free(cause);
		return ctx->status;
	}
	if (maddr) {
		struct metricsrv_opts mo = { 0 };
		char *files[3] = { 0 };
		if (history_metrics_opts(ctx, &mo, files) == CMD_OK)
			w.metrics = metricsrv_start(maddr, &mo, &cause);
		for (int i = 0; i < 3; i++)
			free(files[i]);
		for (int i = 0; i < mo.nusers; i++)
			free(mo.users[i]);
		free(mo.users);
		if (w.metrics == NULL && ctx->status != CMD_OK) {
			loop_free(&w.loop);
			return ctx->status;
		}
		if (w.metrics == NULL) {
			loop_free(&w.loop);
			cmd_fail(ctx, CMD_FAILED,
				 !metricsrv_available() ? "run the packaged kcon (not the static one) for --metrics"
				 : cmd_has(ctx, "metrics-cert")
					 ? "check that the certificate and key are PEM and match; or pick another port"
					 : "pick another port, or stop what listens there",
				 "%s", cause);
			free(cause);
			return ctx->status;
		}
		/* Always said, --quiet or not: with port 0 it is the only way to learn the port. */
		note_send(&ctx->session->note, "watch: serving metrics on %s", metricsrv_url(w.metrics));
		metricsrv_publish(w.metrics, metrics_render(store, NULL, &w.mt, clock_wall_ms(), &cause));
	}
	static const int sigs[] = { SIGINT, SIGTERM, 0 };
	loop_signals(w.loop, sigs, history_watch_signal, &w);
	int64_t started = clock_wall_ms();
	w.last_maintain = -60000;
	loop_timer_add(w.loop, 0, history_watch_tick, &w);
	loop_run(w.loop);
	loop_free(&w.loop);
	int64_t scrapes = w.metrics ? metricsrv_scrapes(w.metrics) : -1;
	metricsrv_stop(&w.metrics);
	sample_starts_free(&w.mt.starts, w.mt.nstarts);
	json_t *o = json_pack("{s:s?,s:I,s:I,s:o,s:o,s:s}", "cluster", w.cluster, "ticks", (json_int_t)w.ticks,
			      "failed", (json_int_t)w.failed, "started_at", clock_json(started), "stopped_at",
			      clock_json(clock_wall_ms()), "store", store_path(store));
	free(w.cluster);
	if (scrapes >= 0)
		json_object_set_new(o, "scrapes", json_integer(scrapes));
	cmd_ok(ctx, o);
	/* Any failed tick fails the run, with the summary: 3 when every failure was the cluster not answering. */
	if (w.failed)
		cmd_fail(ctx, w.unreachable == w.failed ? CMD_UNREACHABLE : CMD_FAILED,
			 w.unreachable == w.failed
				 ? "check the bootstrap and the cluster; recorded outages show in `history events`"
				 : "see the lines above (or run without --quiet) for each failure",
			 "%lld of %lld ticks failed; the last: %s", (long long)w.failed, (long long)w.ticks,
			 w.last_error);
	free(w.last_error);
	return ctx->status;
}

/* --- history tick ------------------------------------------------------------------------- */

static int cmd_history_tick_exec(struct cmd_ctx *ctx)
{
	struct sample_stats st;
	struct err e = { 0 };
	if (sample_tick(ctx->session, cmd_arg(ctx, "groups"), 0, &st, &e) != CMD_OK) {
		sample_stats_clear(&st);
		return cmd_fail_err(ctx, &e);
	}
	json_t *o =
		json_pack("{s:s,s:o,s:i,s:i,s:i}", "cluster", st.cluster, "time", clock_json(st.ts_ms), "groups",
			  st.groups, "group_partitions", st.group_partitions, "topic_partitions", st.topic_partitions);
	sample_stats_clear(&st);
	return cmd_ok(ctx, o);
}

/* --- history lag -------------------------------------------------------------------------- */

/*
 * Rows of a lag series (a = committed; b = end for a partition, lag for the aggregate), its trend
 * from the points after the last gap, and its sparkline of width cells.
 */
static json_t *history_lag_rows(const struct store_point *p, int n, bool partition, const char *topic, int32_t part,
				int width, struct trend *tr, char **spark)
{
	json_t *a = json_array();
	int64_t *ts = x_calloc((size_t)n + 1, sizeof(int64_t)), *lag = x_calloc((size_t)n + 1, sizeof(int64_t));
	int64_t *com = x_calloc((size_t)n + 1, sizeof(int64_t)), *end = x_calloc((size_t)n + 1, sizeof(int64_t));
	spark_values(SPARK_LAG, !partition, p, n, lag);
	for (int i = 0; i < n; i++) {
		int64_t e = partition ? p[i].b : (p[i].a >= 0 && p[i].b >= 0 ? p[i].a + p[i].b : -1);
		ts[i] = p[i].ts_ms, com[i] = p[i].gap ? -1 : p[i].a, end[i] = p[i].gap ? -1 : e;
		json_t *r = json_object();
		json_object_set_new(r, "time", clock_json(p[i].ts_ms));
		if (topic) {
			json_object_set_new(r, "topic", json_string(topic));
			json_object_set_new(r, "partition", json_integer(part));
		}
		json_object_set_new(r, "committed", history_num(com[i]));
		json_object_set_new(r, "end", history_num(end[i]));
		json_object_set_new(r, "lag", history_num(lag[i]));
		json_object_set_new(r, "gap", json_boolean(p[i].gap));
		json_array_append_new(a, r);
	}
	int from = 0;
	for (int i = 0; i < n; i++)
		if (p[i].gap)
			from = i + 1;
	*tr = trend_of(ts + from, lag + from, com + from, end + from, (size_t)(n - from));
	*spark = trend_sparkline(lag, (size_t)n, width, true);
	free(ts), free(lag), free(com), free(end);
	return a;
}

static int cmd_history_lag_exec(struct cmd_ctx *ctx)
{
	const char *group = cmd_arg(ctx, "group"), *topic = cmd_arg(ctx, "topic");
	int64_t since_ms;
	long long want_part = -1;
	if (history_duration(ctx, "since", 3600000, &since_ms) != CMD_OK ||
	    cmd_arg_int(ctx, "partition", -1, 0, INT32_MAX, &want_part) != CMD_OK)
		return ctx->status;
	struct store *st;
	char *cluster, *cause = NULL;
	if (history_open(ctx, false, &st, &cluster) != CMD_OK)
		return ctx->status;
	int64_t since = clock_wall_ms() - since_ms;
	json_t *points = json_array(), *parts = json_array();
	int rc = 0;
	if (topic || want_part >= 0) {
		char **topics;
		int32_t *pn;
		int n;
		rc = store_group_partitions(st, cluster, group, topic, &topics, &pn, &n, &cause);
		for (int i = 0; rc == 0 && i < n; i++) {
			if (want_part >= 0 && pn[i] != want_part)
				continue;
			struct store_point *p;
			int np;
			if ((rc = store_series(st, cluster, group, topics[i], pn[i], since, &p, &np, &cause)) < 0)
				break;
			struct trend ptr;
			char *spark;
			json_t *rows = history_lag_rows(p, np, true, topics[i], pn[i], 40, &ptr, &spark);
			json_array_extend(points, rows);
			json_decref(rows);
			json_t *o = history_trend_json(&ptr);
			json_object_set_new(o, "topic", json_string(topics[i]));
			json_object_set_new(o, "partition", json_integer(pn[i]));
			json_object_set_new(o, "sparkline", json_string(spark));
			free(spark);
			json_array_append_new(parts, o);
			free(p);
		}
		for (int i = 0; i < n; i++)
			free(topics[i]);
		free(topics);
		free(pn);
	}
	/* the group's aggregate: its trend heads the result */
	struct store_point *p = NULL;
	int np = 0;
	if (rc == 0)
		rc = store_series(st, cluster, group, "", -1, since, &p, &np, &cause);
	if (rc == 0 && np == 0 && json_array_size(parts) == 0) {
		free(p);
		json_decref(points);
		json_decref(parts);
		cmd_fail(ctx, CMD_FAILED, "`kcon watch --groups GROUP` records it; `history sql` shows what is stored",
			 "no lag history of group %s on cluster %s in the last %s", group, cluster,
			 cmd_arg(ctx, "since") ? cmd_arg(ctx, "since") : "1h");
		free(cluster);
		return ctx->status;
	}
	json_t *o = NULL;
	if (rc == 0) {
		struct trend tr;
		char *spark;
		json_t *rows = history_lag_rows(p, np, false, NULL, 0, 60, &tr, &spark);
		if (!topic && want_part < 0) {
			json_decref(points);
			points = rows;
		} else {
			json_decref(rows);
		}
		o = json_pack("{s:s,s:s,s:o,s:o,s:s,s:o,s:o}", "cluster", cluster, "group", group, "since",
			      clock_json(since), "trend", history_trend_json(&tr), "sparkline", spark, "partitions",
			      parts, "points", points);
		free(spark);
	} else {
		json_decref(points);
		json_decref(parts);
		cmd_fail(ctx, CMD_FAILED, history_hint(st), "%s", cause);
	}
	free(p);
	free(cause);
	free(cluster);
	return o ? cmd_ok(ctx, o) : ctx->status;
}

static const struct out_col history_lag_fields[] = {
	{ "cluster", "Cluster", 0 },
	{ "group", "Group", 0 },
	{ "trend.direction", "Trend", 0 },
	{ "trend.lag", "Lag", 0 },
	{ "trend.lag_per_s", "Lag change/s", 0 },
	{ "trend.consume_per_s", "Consumed/s", 0 },
	{ "trend.eta", "Catch up in", 0 },
	{ "trend.time_lag", "Time lag", 0 },
	{ "sparkline", "Lag over time", 0 },
	{ 0 },
};
static const struct out_col history_lag_cols[] = {
	{ "time", "TIME", 0 },
	{ "topic", "TOPIC", OUT_WIDE },
	{ "partition", "PARTITION", OUT_RIGHT | OUT_WIDE },
	{ "committed", "COMMITTED", OUT_RIGHT },
	{ "end", "END", OUT_RIGHT },
	{ "lag", "LAG", OUT_RIGHT },
	{ "gap", "GAP", 0 },
	{ 0 },
};
static const struct out_table history_lag_tables[] = { { "points", history_lag_cols }, { 0 } };
static const struct out_view history_lag_view = { .fields = history_lag_fields, .tables = history_lag_tables };

/* --- history topic ------------------------------------------------------------------------ */

static int cmd_history_topic_exec(struct cmd_ctx *ctx)
{
	const char *topic = cmd_arg(ctx, "topic");
	int64_t since_ms;
	long long part = -1;
	if (history_duration(ctx, "since", 3600000, &since_ms) != CMD_OK ||
	    cmd_arg_int(ctx, "partition", -1, 0, INT32_MAX, &part) != CMD_OK)
		return ctx->status;
	struct store *st;
	char *cluster, *cause = NULL;
	if (history_open(ctx, false, &st, &cluster) != CMD_OK)
		return ctx->status;
	int64_t since = clock_wall_ms() - since_ms;
	struct store_point *p = NULL;
	int n = 0;
	if (store_series(st, cluster, "", topic, (int32_t)part, since, &p, &n, &cause) < 0 || n == 0) {
		if (cause)
			cmd_fail(ctx, CMD_FAILED, history_hint(st), "%s", cause);
		else
			cmd_fail(ctx, CMD_FAILED, "`kcon watch` records the end offsets of every topic",
				 "no history of topic %s on cluster %s in that time", topic, cluster);
		free(cause);
		free(p);
		free(cluster);
		return ctx->status;
	}
	json_t *a = json_array();
	int64_t *rate = x_calloc((size_t)n + 1, sizeof(int64_t));
	int prev = -1;
	double total = 0, span = 0;
	for (int i = 0; i < n; i++) {
		json_t *r = json_pack("{s:o,s:o}", "time", clock_json(p[i].ts_ms), "end",
				      history_num(p[i].gap ? -1 : p[i].a));
		rate[i] = -1;
		if (!p[i].gap && p[i].a >= 0 && prev >= 0 && p[i].ts_ms > p[prev].ts_ms && p[i].a >= p[prev].a) {
			double dt = (double)(p[i].ts_ms - p[prev].ts_ms) / 1000.0, d = (double)(p[i].a - p[prev].a);
			json_object_set_new(r, "msg_per_s", history_real(d / dt, 3));
			rate[i] = (int64_t)(d / dt + 0.5);
			total += d, span += dt;
		} else {
			json_object_set_new(r, "msg_per_s", json_null());
		}
		json_object_set_new(r, "gap", json_boolean(p[i].gap));
		prev = p[i].gap ? -1 : (p[i].a >= 0 ? i : prev);
		json_array_append_new(a, r);
	}
	char *spark = trend_sparkline(rate, (size_t)n, 60, true);
	json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:s,s:o}", "cluster", cluster, "topic", topic, "partition",
			      part < 0 ? json_null() : json_integer(part), "since", clock_json(since), "msg_per_s",
			      span > 0 ? history_real(total / span, 3) : json_null(), "sparkline", spark, "points", a);
	free(spark);
	free(rate);
	free(p);
	free(cluster);
	return cmd_ok(ctx, o);
}

static const struct out_col history_topic_fields[] = {
	{ "cluster", "Cluster", 0 }, { "topic", "Topic", 0 },    { "partition", "Partition", 0 },
	{ "msg_per_s", "Msg/s", 0 }, { "sparkline", "Rate", 0 }, { 0 },
};
static const struct out_col history_topic_cols[] = {
	{ "time", "TIME", 0 },
	{ "end", "END", OUT_RIGHT },
	{ "msg_per_s", "MSG/S", OUT_RIGHT },
	{ "gap", "GAP", 0 },
	{ 0 },
};
static const struct out_table history_topic_tables[] = { { "points", history_topic_cols }, { 0 } };
static const struct out_view history_topic_view = { .fields = history_topic_fields, .tables = history_topic_tables };

/* --- history events ----------------------------------------------------------------------- */

static int cmd_history_events_exec(struct cmd_ctx *ctx)
{
	int64_t since_ms;
	if (history_duration(ctx, "since", 24 * 3600000LL, &since_ms) != CMD_OK)
		return ctx->status;
	struct store *st;
	char *cluster;
	if (history_open(ctx, false, &st, &cluster) != CMD_OK)
		return ctx->status;
	int64_t since = clock_wall_ms() - since_ms;
	sqlite3_stmt *q;
	json_t *a = json_array();
	const char *sql =
		"SELECT ts_ms, kind, subject, detail FROM event WHERE cluster=(SELECT id FROM cluster WHERE "
		"key=?1) AND ts_ms>=?2 UNION ALL SELECT start_ms, 'outage', 'cluster', cause || coalesce("
		"' (until ' || strftime('%Y-%m-%dT%H:%M:%SZ', end_ms/1000, 'unixepoch') || ')', ' (ongoing)') "
		"FROM gap WHERE cluster=(SELECT id FROM cluster WHERE key=?1) AND coalesce(end_ms, ?2)>=?2 "
		"ORDER BY 1";
	int rc = sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(q, 1, cluster, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, since);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(q, 3);
			json_array_append_new(a, json_pack("{s:o,s:s,s:s,s:s?}", "time",
							   clock_json(sqlite3_column_int64(q, 0)), "kind",
							   (const char *)sqlite3_column_text(q, 1), "subject",
							   (const char *)sqlite3_column_text(q, 2), "detail", d));
		}
		sqlite3_finalize(q);
	}
	if (rc != SQLITE_DONE) {
		json_decref(a);
		free(cluster);
		return history_store_failed(ctx, st);
	}
	json_t *o = json_pack("{s:s,s:o,s:o}", "cluster", cluster, "since", clock_json(since), "events", a);
	free(cluster);
	return cmd_ok(ctx, o);
}

static const struct out_col history_events_cols[] = {
	{ "time", "TIME", 0 }, { "kind", "KIND", 0 }, { "subject", "SUBJECT", 0 }, { "detail", "DETAIL", 0 }, { 0 },
};
static const struct out_table history_events_tables[] = { { "events", history_events_cols }, { 0 } };
static const struct out_view history_events_view = { .tables = history_events_tables };

/* --- history snapshot --------------------------------------------------------------------- */

static int cmd_history_snapshot_exec(struct cmd_ctx *ctx)
{
	struct store *st;
	char *cluster, *cause = NULL;
	if (history_open(ctx, false, &st, &cluster) != CMD_OK)
		return ctx->status;
	struct model *m;
	int64_t seen;
	if (store_last_model(st, cluster, &m, &seen, &cause) < 0) {
		cmd_fail(ctx, CMD_FAILED, "`kcon watch` or the TUI stores one", "%s", cause);
		free(cause);
		free(cluster);
		return ctx->status;
	}
	int64_t age = clock_wall_ms() - seen;
	char *h = trend_human_duration(age / 1000.0);
	json_t *brokers = json_array(), *topics = json_array();
	for (int i = 0; i < m->nbrokers; i++)
		json_array_append_new(brokers, json_pack("{s:i,s:s,s:i}", "id", m->brokers[i].id, "host",
							 m->brokers[i].host, "port", m->brokers[i].port));
	for (int i = 0; i < m->ntopics; i++)
		json_array_append_new(topics, json_pack("{s:s,s:i,s:i,s:i,s:i,s:b}", "name", m->topics[i].name,
							"partitions", m->topics[i].npartitions, "replication_factor",
							m->topics[i].replication_factor, "under_replicated",
							m->topics[i].under_replicated, "offline", m->topics[i].offline,
							"internal", m->topics[i].internal));
	json_t *o = json_pack("{s:s,s:b,s:o,s:I,s:s,s:i,s:o,s:o}", "cluster", cluster, "stale", 1, "seen_at",
			      clock_json(seen), "age_s", (json_int_t)(age / 1000), "age", h, "controller",
			      m->controller, "brokers", brokers, "topics", topics);
	free(h);
	model_unref(&m);
	free(cluster);
	return cmd_ok(ctx, o);
}

static const struct out_col history_snapshot_fields[] = {
	{ "cluster", "Cluster", 0 }, { "seen_at", "Last seen", 0 },     { "age", "Age", 0 },
	{ "stale", "Stale", 0 },     { "controller", "Controller", 0 }, { 0 },
};
static const struct out_col history_snapshot_brokers[] = {
	{ "id", "ID", OUT_RIGHT },
	{ "host", "HOST", 0 },
	{ "port", "PORT", OUT_RIGHT },
	{ 0 },
};
static const struct out_col history_snapshot_topics[] = {
	{ "name", "TOPIC", 0 },
	{ "partitions", "PARTITIONS", OUT_RIGHT },
	{ "replication_factor", "RF", OUT_RIGHT },
	{ "under_replicated", "UNDER-REPLICATED", OUT_RIGHT },
	{ "offline", "OFFLINE", OUT_RIGHT },
	{ 0 },
};
static const struct out_table history_snapshot_tables[] = { { "brokers", history_snapshot_brokers },
							    { "topics", history_snapshot_topics },
							    { 0 } };
static const struct out_view history_snapshot_view = { .fields = history_snapshot_fields,
						       .tables = history_snapshot_tables };

/* --- history sql -------------------------------------------------------------------------- */

/* The limits of `history sql` when its options do not say. */
#define HISTORY_SQL_MAX_TIME "30s"
#define HISTORY_SQL_MAX_ROWS 100000

/*
 * On a connection and (in the TUI) a thread of its own, not the session's store: nothing here
 * touches the session but its settings, so a long query never holds up the views.
 */
static int cmd_history_sql_exec(struct cmd_ctx *ctx)
{
	struct store_limits lim = { .interrupt = &ctx->interrupt };
	long long rows = 0;
	const char *time_arg = cmd_arg(ctx, "max-time");
	if (time_arg && strcmp(time_arg, "0") == 0)
		lim.max_ms = 0;
	else if (history_duration(ctx, "max-time", 30000, &lim.max_ms) != CMD_OK)
		return ctx->status;
	else if (lim.max_ms <= 0 || (time_arg && time_arg[0] == '-'))
		return cmd_fail(ctx, CMD_USAGE, "e.g. 10s, 2m; 0 for no limit", "--max-time %s: give a positive time",
				time_arg);
	if (cmd_arg_int(ctx, "max-rows", HISTORY_SQL_MAX_ROWS, 0, INT64_MAX, &rows) != CMD_OK)
		return ctx->status;
	lim.max_rows = rows;
	struct err e = { 0 };
	char *path = session_store_path(ctx->session, &e);
	if (path == NULL)
		return cmd_fail_err(ctx, &e);
	if (access(path, F_OK) != 0) {
		cmd_fail(ctx, CMD_FAILED, "run `kcon watch` (or the TUI) against the cluster first",
			 "no history yet: %s does not exist", path);
		free(path);
		return ctx->status;
	}
	json_t *out = NULL;
	char *cause = NULL;
	switch (store_query(path, cmd_arg(ctx, "query"), &lim, &out, &cause)) {
	case STORE_DONE:
		break;
	case STORE_STOP_TIME:
		cmd_fail(ctx, CMD_FAILED,
			 "narrow the query (WHERE, LIMIT), or give more time with --max-time (0: none)",
			 "history sql: stopped after %s, the time limit", time_arg ? time_arg : HISTORY_SQL_MAX_TIME);
		break;
	case STORE_STOP_ROWS:
		cmd_fail(ctx, CMD_FAILED, "add a LIMIT, or allow more rows with --max-rows (0: no limit)",
			 "history sql: more than %lld rows, the row limit", (long long)lim.max_rows);
		break;
	case STORE_STOP_INTERRUPT:
		cmd_fail(ctx, CMD_FAILED, "--max-time and --max-rows bound a query", "history sql: interrupted");
		break;
	case STORE_STOP_REFUSED:
		cmd_fail(ctx, CMD_FAILED,
			 "only one SELECT over the tables is allowed (no writes, ATTACH or PRAGMA); docs/history.md "
			 "has the schema",
			 "history sql: %s", cause);
		break;
	default: {
		const char *hint = store_hint(path);
		cmd_fail(ctx, CMD_FAILED, hint ? hint : "docs/history.md has the schema", "history sql: %s", cause);
		break;
	}
	}
	free(cause);
	free(path);
	return out ? cmd_ok(ctx, json_pack("{s:o}", "rows", out)) : ctx->status;
}

/* --- history export ----------------------------------------------------------------------- */

static const struct out_col history_export_cols[] = {
	{ "cluster", "cluster", 0 },
	{ "group", "group", 0 },
	{ "topic", "topic", 0 },
	{ "partition", "partition", 0 },
	{ "time", "time", 0 },
	{ "resolution_s", "resolution_s", 0 },
	{ "committed", "committed", 0 },
	{ "end", "end", 0 },
	{ "lag", "lag", 0 },
	{ 0 },
};
static const struct out_table history_export_tables[] = { { "samples", history_export_cols }, { 0 } };
static const struct out_view history_export_view = { .tables = history_export_tables };

static int cmd_history_export_exec(struct cmd_ctx *ctx)
{
	int64_t since_ms;
	if (history_duration(ctx, "since", 90 * 24 * 3600000LL, &since_ms) != CMD_OK)
		return ctx->status;
	struct store *st;
	if (history_open(ctx, false, &st, NULL) != CMD_OK)
		return ctx->status;
	int64_t since = (clock_wall_ms() - since_ms) / 1000;
	sqlite3_stmt *q;
	json_t *a = json_array();
	const char *sql = "SELECT c.key, s.grp, s.topic, s.part, x.ts, x.res, x.a, x.b FROM (SELECT series, ts, 0 AS "
			  "res, a, b FROM "
			  "sample WHERE ts>=?1 UNION ALL SELECT series, ts, res, a, b FROM rollup WHERE ts>=?1) x JOIN "
			  "series s ON "
			  "s.id=x.series JOIN cluster c ON c.id=s.cluster ORDER BY c.key, s.grp, s.topic, s.part, "
			  "x.res DESC, x.ts";
	int rc = sqlite3_prepare_v2(store_db(st), sql, -1, &q, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, since);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			const char *grp = (const char *)sqlite3_column_text(q, 1),
				   *topic = (const char *)sqlite3_column_text(q, 2);
			int part = sqlite3_column_int(q, 3);
			int64_t va = sqlite3_column_type(q, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 6);
			int64_t vb = sqlite3_column_type(q, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(q, 7);
			int64_t committed = -1, end = -1, lag = -1;
			if (*grp && part >= 0)
				committed = va, end = vb, lag = va >= 0 && vb >= va ? vb - va : -1;
			else if (*grp)
				committed = va, lag = vb;
			else
				end = va;
			json_t *r = json_pack("{s:s,s:s?,s:s?,s:o,s:o,s:i,s:o,s:o,s:o}", "cluster",
					      (const char *)sqlite3_column_text(q, 0), "group", *grp ? grp : NULL,
					      "topic", *topic ? topic : NULL, "partition",
					      part >= 0 ? json_integer(part) : json_null(), "time",
					      clock_json(sqlite3_column_int64(q, 4) * 1000), "resolution_s",
					      sqlite3_column_int(q, 5), "committed", history_num(committed), "end",
					      history_num(end), "lag", history_num(lag));
			json_array_append_new(a, r);
		}
		sqlite3_finalize(q);
	}
	if (rc != SQLITE_DONE) {
		json_decref(a);
		return history_store_failed(ctx, st);
	}
	json_t *o = json_pack("{s:o}", "samples", a);
	if (cmd_has(ctx, "csv")) {
		struct sbuf sb = SBUF_INIT;
		output_render(&sb, OUT_CSV, &history_export_view, o, 0);
		json_object_set_new(o, "markdown", json_string(sbuf_str(&sb)));
		sbuf_free(&sb);
	}
	return cmd_ok(ctx, o);
}

/* --- history prune ------------------------------------------------------------------------ */

static int64_t history_file_size(const char *path)
{
	struct stat st;
	int64_t n = 0;
	char *wal = x_asprintf("%s-wal", path);
	if (stat(path, &st) == 0)
		n += st.st_size;
	if (stat(wal, &st) == 0)
		n += st.st_size;
	free(wal);
	return n;
}

static int cmd_history_prune_exec(struct cmd_ctx *ctx)
{
	int64_t older = 0;
	if (history_duration(ctx, "older-than", 0, &older) != CMD_OK)
		return ctx->status;
	struct store *st;
	if (history_open(ctx, true, &st, NULL) != CMD_OK)
		return ctx->status;
	int64_t before = history_file_size(store_path(st)), now = clock_wall_ms();
	char *cause = NULL;
	sqlite3 *db = store_db(st);
	if (store_prune(st, now, &cause) < 0) {
		cmd_fail(ctx, CMD_FAILED, history_hint(st), "%s", cause);
		free(cause);
		return ctx->status;
	}
	/* The rows --older-than drops: the connection's count of changed rows goes on from earlier work. */
	int64_t deleted = 0;
	if (older > 0) {
		int64_t cut = now - older;
		/* samples are counted one by one, packed or not */
		int64_t samples = 0;
		char *sql =
			x_asprintf("DELETE FROM rollup WHERE ts<%lld; DELETE FROM event WHERE ts_ms<%lld; DELETE FROM "
				   "gap WHERE end_ms<%lld; COMMIT;",
				   (long long)(cut / 1000), (long long)cut, (long long)cut);
		int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		if (rc == SQLITE_OK && store_drop_samples(st, cut / 1000, &samples, &cause) < 0)
			rc = SQLITE_ERROR;
		int before_changes = sqlite3_total_changes(db);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			if (cause) {
				cmd_fail(ctx, CMD_FAILED, history_hint(st), "%s", cause);
				free(cause);
			} else
				history_store_failed(ctx, st);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			store_damaged_take(st); /* rolled back: nothing was dropped */
			return ctx->status;
		}
		deleted = samples + sqlite3_total_changes(db) - before_changes;
	}
	sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL);
	const struct store_opts *o = store_options(st);
	return cmd_ok(ctx, json_pack("{s:s,s:I,s:I,s:I,s:I,s:{s:I,s:I,s:I}}", "file", store_path(st), "bytes_before",
				     (json_int_t)before, "bytes_after", (json_int_t)history_file_size(store_path(st)),
				     "changes", (json_int_t)deleted, "damaged_rows", (json_int_t)store_damaged_take(st),
				     "retention", "raw_s", (json_int_t)(o->raw_ms / 1000), "minute_s",
				     (json_int_t)(o->minute_ms / 1000), "hour_s", (json_int_t)(o->hour_ms / 1000)));
}

/* --- table -------------------------------------------------------------------------------- */

static const struct cmd_opt watch_opts[] = {
	{ "interval", 'i', CMD_ARG_STRING, 0, "time between samples: 100ms to 24h (default 10s)" },
	{ "groups", 'g', CMD_ARG_PATTERN, 0, "only groups whose name matches (glob or substring)" },
	{ "count", 'n', CMD_ARG_INT, 0, "stop after N samples (default: until Ctrl-C)" },
	{ "quiet", 'q', CMD_ARG_NONE, 0, "no line per sample on stderr" },
	{ "metrics", 0, CMD_ARG_STRING, 0,
	  "serve Prometheus metrics on ADDR: PORT (loopback), IP:PORT or [IPV6]:PORT (docs/monitoring.md)" },
	{ "window", 0, CMD_ARG_STRING, 0, "with --metrics: judge the groups' status over this much history (10m)" },
	{ "metrics-cert", 0, CMD_ARG_FILE, 0, "with --metrics: serve HTTPS with this PEM certificate (chain)" },
	{ "metrics-key", 0, CMD_ARG_FILE, 0, "with --metrics-cert: its PEM private key" },
	{ "metrics-auth", 0, CMD_ARG_FILE, 0, "with --metrics: require basic auth of a user:password line of FILE" },
	{ 0 },
};
#define HISTORY_CLUSTER_OPT                                                                                            \
	{                                                                                                              \
		"cluster", 0, CMD_ARG_STRING, 0,                                                                       \
			"the cluster id to read (default: this bootstrap's, or the last sampled)"                      \
	}
static const struct cmd_opt htick_opts[] = {
	{ "groups", 'g', CMD_ARG_PATTERN, 0, "only groups whose name matches (glob or substring)" },
	{ 0 },
};
static const struct cmd_opt hlag_opts[] = {
	{ "since", 's', CMD_ARG_STRING, 0, "how far back (default 1h)" },
	{ "topic", 't', CMD_ARG_TOPIC, 0, "per partition of this topic" },
	{ "partition", 'p', CMD_ARG_INT, 0, "only this partition" },
	HISTORY_CLUSTER_OPT,
	{ 0 },
};
static const struct cmd_opt htopic_opts[] = {
	{ "since", 's', CMD_ARG_STRING, 0, "how far back (default 1h)" },
	{ "partition", 'p', CMD_ARG_INT, 0, "only this partition" },
	HISTORY_CLUSTER_OPT,
	{ 0 },
};
static const struct cmd_opt hevents_opts[] = {
	{ "since", 's', CMD_ARG_STRING, 0, "how far back (default 24h)" },
	HISTORY_CLUSTER_OPT,
	{ 0 },
};
static const struct cmd_opt hsnap_opts[] = { HISTORY_CLUSTER_OPT, { 0 } };
static const struct cmd_opt hexport_opts[] = {
	{ "csv", 0, CMD_ARG_NONE, 0, "CSV on stdout (as -o csv)" },
	{ "since", 's', CMD_ARG_STRING, 0, "how far back (default everything)" },
	{ 0 },
};
static const struct cmd_opt hprune_opts[] = {
	{ "older-than", 0, CMD_ARG_STRING, 0, "also drop everything older than this" },
	{ 0 },
};
static const struct cmd_pos group_arg[] = { { "group", CMD_ARG_GROUP, 0 }, { 0 } };
static const struct cmd_pos topic_arg[] = { { "topic", CMD_ARG_TOPIC, 0 }, { 0 } };
static const struct cmd_pos query_arg[] = { { "query", CMD_ARG_STRING, 0 }, { 0 } };
static const struct cmd_opt hsql_opts[] = {
	{ "max-time", 0, CMD_ARG_STRING, 0,
	  "stop the query after this long (default " HISTORY_SQL_MAX_TIME "; 0: none)" },
	{ "max-rows", 0, CMD_ARG_INT, 0, "fail when it returns more rows (default 100000; 0: none)" },
	{ 0 },
};

const struct cmd_entry cmd_history_table[] = {
	{
		.name = "watch",
		.group = "history",
		.opts = watch_opts,
		.help = "sample lag, end offsets and metadata into the history store until Ctrl-C",
		.doc = "Headless (a pod, a screen session). One line per sample on stderr; an unreachable cluster is "
		       "recorded as a gap, a sample it refuses (an ACL) as a sample-failed event. Rolls up and drops "
		       "what is past retention once a minute: the global "
		       "--retention raw=24h,minute=7d,hour=90d (or the config file's \"retention\"). JSON: {cluster, "
		       "ticks, failed, started_at, stopped_at, store, scrapes (with --metrics)}. With --metrics ADDR "
		       "it serves "
		       "GET /metrics in Prometheus' text format from what the store holds after each sample "
		       "(docs/monitoring.md), on loopback unless ADDR names another address. Exit 0 when no tick "
		       "failed, else (after the "
		       "summary) 3 when every failed tick was the cluster not answering, 1 when one failed otherwise",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.exec = cmd_watch_exec,
	},
	{
		.name = "history tick",
		.group = "history",
		.opts = htick_opts,
		.help = "take one sample into the history store (what watch does at each interval)",
		.doc = "For the TUI's timer and for cron. JSON: {cluster, time, groups, group_partitions, "
		       "topic_partitions}; an unreachable cluster is recorded as a gap, a sample it refuses (an ACL, a "
		       "coordinator error) as a sample-failed event, and the command fails",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.exec = cmd_history_tick_exec,
	},
	{
		.name = "history lag",
		.group = "history",
		.args = group_arg,
		.opts = hlag_opts,
		.help = "a group's lag over time: trend, rate, time to catch up, time lag",
		.doc = "JSON: {cluster, group, since, trend: {direction, lag, lag_per_s, consume_per_s, produce_per_s, "
		       "eta_s, eta, time_lag_s, time_lag}, sparkline, partitions: [{topic, partition, sparkline, "
		       "trend...}] (with --topic/--partition), points: [{time, topic?, partition?, committed, end, "
		       "lag, "
		       "gap}]}",
		.flags = CMD_READ_ONLY,
		.view = &history_lag_view,
		.exec = cmd_history_lag_exec,
	},
	{
		.name = "history topic",
		.group = "history",
		.args = topic_arg,
		.opts = htopic_opts,
		.help = "a topic's end offsets and messages per second over time",
		.doc = "JSON: {cluster, topic, partition, since, msg_per_s, sparkline, points: [{time, end, msg_per_s, "
		       "gap}]}",
		.flags = CMD_READ_ONLY,
		.view = &history_topic_view,
		.exec = cmd_history_topic_exec,
	},
	{
		.name = "history events",
		.group = "history",
		.opts = hevents_opts,
		.help = "ISR, leader, broker, topic, group-state and group-type changes, outages and failed samples "
			"seen while sampling",
		.doc = "JSON: {cluster, since, events: [{time, kind, subject, detail}]}; kinds: isr-shrink, "
		       "isr-expand, "
		       "leader-change, partition-offline, partition-online, broker-gone, broker-back, topic-created, "
		       "topic-deleted, group-state, group-type (a group's type changed: classic -> consumer when Kafka "
		       "upgrades a classic group to the consumer protocol in place, or back), outage (the cluster did "
		       "not answer), sample-failed (it answered but a tick could not sample it: an ACL denial, a "
		       "coordinator error), topics-unseen (it answered with no topic where the last snapshot had some: "
		       "a principal that may describe none; the snapshot is kept)",
		.flags = CMD_READ_ONLY,
		.view = &history_events_view,
		.exec = cmd_history_events_exec,
	},
	{
		.name = "history snapshot",
		.group = "history",
		.opts = hsnap_opts,
		.help = "the last stored metadata snapshot, marked stale with its age (works offline)",
		.doc = "JSON: {cluster, stale: true, seen_at, age_s, age, controller, brokers: [{id, host, port}], "
		       "topics: [{name, partitions, replication_factor, under_replicated, offline, internal}]}",
		.flags = CMD_READ_ONLY,
		.view = &history_snapshot_view,
		.exec = cmd_history_snapshot_exec,
	},
	{
		.name = "history sql",
		.group = "history",
		.args = query_arg,
		.opts = hsql_opts,
		.help = "run one read-only SELECT on the history store (docs/history.md has the schema)",
		.doc = "A read-only connection of its own: writes, ATTACH and PRAGMA are refused. Bounded by "
		       "--max-time (default " HISTORY_SQL_MAX_TIME ") and --max-rows (default 100000): past either it "
		       "fails (exit 1). Ctrl-C (Esc in the TUI) interrupts it. Text that is not UTF-8 shows U+FFFD "
		       "for its bad bytes (hex(column) gives them). JSON: {rows: [{column: value}]}",
		.flags = CMD_READ_ONLY | CMD_INTERRUPT | CMD_OWN_THREAD,
		.exec = cmd_history_sql_exec,
	},
	{
		.name = "history export",
		.group = "history",
		.opts = hexport_opts,
		.help = "every stored sample (raw and rolled up), for a spreadsheet with --csv",
		.doc = "JSON: {samples: [{cluster, group, topic, partition, time, resolution_s (0 raw, 60, 3600, "
		       "86400), "
		       "committed, end, lag}]}",
		.flags = CMD_READ_ONLY,
		.view = &history_export_view,
		.exec = cmd_history_export_exec,
	},
	{
		.name = "history prune",
		.group = "history",
		.opts = hprune_opts,
		.help = "roll up and drop what is past retention now and damaged rows of samples, then compact the "
			"file",
		.doc = "JSON: {file, bytes_before, bytes_after, changes (the rows --older-than dropped), damaged_rows "
		       "(damaged packed rows of samples dropped), retention: "
		       "{raw_s, minute_s, hour_s}}. The "
		       "retention is the global --retention (or the config file's \"retention\"), by default "
		       "raw=24h,minute=7d,hour=90d; raw rows are dropped (rolled up) by whole hours.",
		.flags = CMD_READ_ONLY,
		.exec = cmd_history_prune_exec,
	},
	{ 0 },
};
