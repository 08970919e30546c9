/*
 * check: one evaluation for cron jobs and readiness probes. It samples the cluster once into the
 * history store (as `history tick`), then judges from the store: the partitions' health in the
 * newest snapshot, each group's lag, time lag and status (groupstatus.h) over --window. The rules
 * that fail are the output, and the exit status is 1 when any did (docs/monitoring.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "clock.h"
#include "cmd.h"
#include "groupstatus.h"
#include "names.h"
#include "sample.h"
#include "session.h"
#include "store.h"
#include "trend.h"
#include "xalloc.h"

struct check_rules {
	long long max_lag;  /* -1: not checked */
	int64_t max_lag_ms; /* -1: not checked */
	bool no_urp, no_offline, no_min_isr;
	unsigned status_not;       /* bit set of status codes that fail */
	const char *group, *topic; /* patterns, or NULL */
	int64_t window_ms;
};

static void check_fail(json_t *failures, const char *rule, const char *group, const char *topic, int32_t partition,
		       json_t *value, json_t *limit, const char *detail)
{
	json_array_append_new(failures,
			      json_pack("{s:s,s:s?,s:s?,s:o,s:o,s:o,s:s?}", "rule", rule, "group", group, "topic",
					topic, "partition", partition >= 0 ? json_integer(partition) : json_null(),
					"value", value ? value : json_null(), "limit", limit ? limit : json_null(),
					"detail", detail));
}

static int check_partitions(struct cmd_ctx *ctx, const struct model *m, const struct check_rules *r, json_t *failures,
			    long *checked)
{
	int *min = r->no_min_isr ? sample_min_isr(ctx->session, m, r->topic) : NULL;
	if (r->no_min_isr && min == NULL)
		return cmd_fail(ctx, CMD_FAILED, "the principal needs DescribeConfigs on the topics",
				"--no-under-min-isr: the cluster did not return min.insync.replicas");
	for (int i = 0; i < m->ntopics; i++) {
		const struct model_topic *t = &m->topics[i];
		if (!names_match(r->topic, t->name))
			continue;
		for (int p = 0; p < t->npartitions; p++) {
			const struct model_partition *mp = &t->partitions[p];
			(*checked)++;
			if (r->no_offline && mp->offline)
				check_fail(failures, "offline", NULL, t->name, mp->id, json_integer(mp->leader), NULL,
					   "the partition has no leader");
			if (r->no_urp && mp->under_replicated)
				check_fail(failures, "under-replicated", NULL, t->name, mp->id, json_integer(mp->nisr),
					   json_integer(mp->nreplicas), "in-sync replicas below the replicas");
			if (min && !mp->offline && min[i] > 0 && mp->nisr < min[i])
				check_fail(failures, "under-min-isr", NULL, t->name, mp->id, json_integer(mp->nisr),
					   json_integer(min[i]), "in-sync replicas below min.insync.replicas");
		}
	}
	free(min);
	return CMD_OK;
}

/* The group's time lag over the window from its stored totals: lag / consume rate; -1 when unknown. */
static double check_time_lag(struct store *st, const char *cluster, const char *group, int64_t since)
{
	struct trend t;
	char *cause = NULL;
	double out = groupstatus_trend(st, cluster, group, since, &t, &cause) == 0 ? t.time_lag_s : -1;
	free(cause);
	return out;
}

static int check_groups(struct cmd_ctx *ctx, struct store *st, const char *cluster, const struct check_rules *r,
			json_t *failures, json_t *groups)
{
	int64_t now = clock_wall_ms(), since = now - r->window_ms;
	char **names = NULL, *cause = NULL;
	int n = 0, rc = CMD_OK;
	if (store_groups(st, cluster, since, &names, &n, &cause) < 0) {
		rc = cmd_fail(ctx, CMD_FAILED, NULL, "%s", cause);
		free(cause);
		return rc;
	}
	for (int i = 0; i < n; i++) {
		struct groupstatus g;
		if (rc != CMD_OK || !names_match(r->group, names[i]))
			goto next;
		if (groupstatus_eval(st, cluster, names[i], now, r->window_ms, &g, &cause) < 0) {
			rc = cmd_fail(ctx, CMD_FAILED, NULL, "%s", cause);
			free(cause);
			goto next;
		}
		/* The lag and status of the partitions the topic pattern keeps. */
		int64_t lag = 0;
		bool any = false;
		enum status_code code = STATUS_UNKNOWN;
		const struct groupstatus_part *worst = NULL;
		for (int k = 0; k < g.nparts; k++) {
			const struct groupstatus_part *gp = &g.parts[k];
			if (!names_match(r->topic, gp->topic))
				continue;
			any = true;
			if (gp->r.lag > 0)
				lag += gp->r.lag;
			if (worst == NULL || gp->r.code > code)
				code = gp->r.code, worst = gp;
		}
		if (!any && r->topic) {
			groupstatus_clear(&g);
			goto next;
		}
		double time_lag = r->topic ? -1 : check_time_lag(st, cluster, names[i], since);
		json_array_append_new(groups,
				      json_pack("{s:s,s:s?,s:I,s:o,s:o,s:s?,s:s?,s:o}", "group", names[i], "state",
						g.state, "lag", (json_int_t)lag, "time_lag_s",
						time_lag >= 0 ? json_real(time_lag) : json_null(), "status",
						code == STATUS_UNKNOWN ? json_null() : json_string(status_name(code)),
						"status_reason", worst ? worst->r.reason : g.reason, "worst_topic",
						worst ? worst->topic : NULL, "worst_partition",
						worst ? json_integer(worst->partition) : json_null()));
		if (r->max_lag >= 0 && lag > r->max_lag)
			check_fail(failures, "max-lag", names[i], NULL, -1, json_integer(lag), json_integer(r->max_lag),
				   "the group's lag is above the limit");
		if (r->max_lag_ms >= 0 && time_lag * 1000 > (double)r->max_lag_ms)
			check_fail(failures, "max-lag-seconds", names[i], NULL, -1, json_real(time_lag),
				   json_real((double)r->max_lag_ms / 1000.0),
				   "the group's time lag (lag / consume rate) is above the limit");
		if ((r->status_not >> code) & 1u)
			check_fail(failures, "status-not", names[i], worst ? worst->topic : NULL,
				   worst ? worst->partition : -1, json_string(status_name(code)), NULL,
				   worst ? worst->r.reason : g.reason);
		groupstatus_clear(&g);
	next:
		free(names[i]);
	}
	free(names);
	return rc;
}

/* A duration option: seconds (30, 0.5) or a duration (2m); def when absent. */
static int check_duration(struct cmd_ctx *ctx, const char *name, int64_t def, int64_t *ms)
{
	const char *v = cmd_arg(ctx, name);
	*ms = def;
	if (v == NULL)
		return CMD_OK;
	char *end, *cause = NULL;
	double d = strtod(v, &end);
	if (end != v && *end == '\0' && d >= 0 && d * 1000 <= (double)CLOCK_DURATION_MAX_MS)
		*ms = (int64_t)(d * 1000);
	else if (v[0] == '-' || clock_parse_duration(v, ms, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "give seconds (30, 0.5) or a duration (90s, 15m, 1h)", "--%s: `%s` %s", name,
			 v, cause ? cause : "is not a duration");
		free(cause);
		return CMD_USAGE;
	}
	return CMD_OK;
}

static int cmd_check_exec(struct cmd_ctx *ctx)
{
	struct check_rules r = { .max_lag = -1, .max_lag_ms = -1 };
	char *cause = NULL;
	if (cmd_arg_int(ctx, "max-lag", -1, 0, INT64_MAX, &r.max_lag) != CMD_OK ||
	    check_duration(ctx, "max-lag-seconds", -1, &r.max_lag_ms) != CMD_OK ||
	    check_duration(ctx, "window", GROUPSTATUS_WINDOW_MS, &r.window_ms) != CMD_OK)
		return ctx->status;
	if (r.window_ms < 1000)
		return cmd_fail(ctx, CMD_USAGE, "give at least 1s", "--window is too short");
	if (cmd_arg(ctx, "status-not") && status_parse_set(cmd_arg(ctx, "status-not"), &r.status_not, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "e.g. --status-not STOP,STALL,ERR", "--status-not: %s", cause);
		free(cause);
		return ctx->status;
	}
	r.no_urp = cmd_has(ctx, "no-under-replicated");
	r.no_offline = cmd_has(ctx, "no-offline");
	r.no_min_isr = cmd_has(ctx, "no-under-min-isr");
	r.group = cmd_arg(ctx, "group");
	r.topic = cmd_arg(ctx, "topic");
	if (r.max_lag < 0 && r.max_lag_ms < 0 && !r.no_urp && !r.no_offline && !r.no_min_isr && !r.status_not)
		return cmd_fail(ctx, CMD_USAGE,
				"e.g. --max-lag 1000, --status-not STOP,STALL,ERR or --no-offline (`help check`)",
				"no rule to check");
	/* One sample into the store, then everything is judged from the store. */
	struct sample_stats stats;
	struct err e = { 0 };
	if (sample_tick(ctx->session, r.group, 0, &stats, &e) != CMD_OK) {
		sample_stats_clear(&stats);
		return cmd_fail_err(ctx, &e);
	}
	struct store *st;
	struct model *m = NULL;
	int64_t seen = 0;
	if (session_store(ctx->session, &st, &e) != CMD_OK) {
		sample_stats_clear(&stats);
		return cmd_fail_err(ctx, &e);
	}
	if (store_last_model(st, stats.cluster, &m, &seen, &cause) < 0) {
		cmd_fail(ctx, CMD_FAILED, NULL, "%s", cause);
		free(cause);
		sample_stats_clear(&stats);
		return ctx->status;
	}
	json_t *failures = json_array(), *groups = json_array();
	long partitions = 0;
	int rc = check_partitions(ctx, m, &r, failures, &partitions);
	if (rc == CMD_OK)
		rc = check_groups(ctx, st, stats.cluster, &r, failures, groups);
	model_unref(&m);
	if (rc != CMD_OK) {
		json_decref(failures);
		json_decref(groups);
		sample_stats_clear(&stats);
		return ctx->status;
	}
	size_t nfail = json_array_size(failures);
	json_t *o = json_pack("{s:b,s:s,s:o,s:I,s:I,s:o,s:o}", "ok", nfail == 0, "cluster", stats.cluster, "time",
			      clock_json(stats.ts_ms), "partitions", (json_int_t)partitions, "window_s",
			      (json_int_t)(r.window_ms / 1000), "groups", groups, "failures", failures);
	sample_stats_clear(&stats);
	cmd_ok(ctx, o);
	if (nfail)
		cmd_fail(ctx, CMD_FAILED, "the failures above say which rule each item broke", "%zu check%s failed",
			 nfail, nfail == 1 ? "" : "s");
	return ctx->status;
}

static const struct cmd_opt check_opts[] = {
	{ "max-lag", 0, CMD_ARG_INT, 0, "fail a group whose lag is above N" },
	{ "max-lag-seconds", 0, CMD_ARG_STRING, 0,
	  "fail a group whose time lag (lag / consume rate over --window) is above this (seconds or 5m)" },
	{ "no-under-replicated", 0, CMD_ARG_NONE, 0, "fail under-replicated partitions" },
	{ "no-offline", 0, CMD_ARG_NONE, 0, "fail partitions without a leader" },
	{ "no-under-min-isr", 0, CMD_ARG_NONE, 0, "fail partitions whose ISR is below min.insync.replicas" },
	{ "status-not", 0, CMD_ARG_STRING, 0, "fail groups in one of these statuses (e.g. STOP,STALL,ERR)" },
	{ "group", 'g', CMD_ARG_PATTERN, 0, "only groups whose name matches (glob or substring)" },
	{ "topic", 't', CMD_ARG_PATTERN, 0, "only topics (and groups' partitions of topics) that match" },
	{ "window", 0, CMD_ARG_STRING, 0, "judge statuses and time lag over this much history (default 10m)" },
	{ 0 },
};

static const struct out_col check_fields[] = {
	{ "ok", "OK", 0 },
	{ "cluster", "Cluster", 0 },
	{ "time", "Time", 0 },
	{ 0 },
};
static const struct out_col check_cols[] = {
	{ "rule", "rule", 0 },
	{ "group", "group", 0 },
	{ "topic", "topic", 0 },
	{ "partition", "partition", OUT_RIGHT },
	{ "value", "value", OUT_RIGHT },
	{ "limit", "limit", OUT_RIGHT },
	{ "detail", "detail", OUT_WIDE },
	{ 0 },
};
static const struct out_table check_tables[] = { { "failures", check_cols }, { 0 } };
static const struct out_view check_view = { .fields = check_fields, .tables = check_tables };

const struct cmd_entry cmd_check_table[] = {
	{
		.name = "check",
		.group = "history",
		.opts = check_opts,
		.help = "one evaluation for cron and probes: exit 1 when a rule (lag, time lag, status, partition "
			"health) fails",
		.doc = "Samples the cluster once into the history store (as `history tick`), then judges from the "
		       "store: the newest snapshot's partitions (--no-offline, --no-under-replicated, "
		       "--no-under-min-isr), and each group sampled within --window: its lag (--max-lag), its time lag "
		       "(--max-lag-seconds: lag / consume rate over the window) and its status (--status-not; OK, "
		       "WARN, "
		       "STALL, STOP, ERR by the rules of docs/monitoring.md). --group and --topic patterns narrow "
		       "what is judged. JSON: {ok, cluster, time, partitions (checked), window_s, groups: [{group, "
		       "state, lag, time_lag_s, status, status_reason, worst_topic, worst_partition}], failures: "
		       "[{rule, group, topic, partition, value, limit, detail}]}. Exit 0 when every rule holds, 1 "
		       "when one fails (the failures are printed first), 3 when the cluster does not answer, 2 on "
		       "usage errors. At least one rule must be given.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.view = &check_view,
		.exec = cmd_check_exec,
	},
	{ 0 },
};
