/*
 * Consumer group commands: groups, lag, group describe|lag|reset|delete|delete-offsets.
 * Lag = log end (what a read_committed consumer can see) - committed offset; see docs/lag.md.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clock.h"
#include "client.h"
#include "client_groups.h"
#include "cmd.h"
#include "demo.h"
#include "file.h"
#include "grouplag.h"
#include "groupstatus.h"
#include "lag.h"
#include "names.h"
#include "sbuf.h"
#include "session.h"
#include "spark.h"
#include "xalloc.h"

/* --- shared ------------------------------------------------------------------------------- */

/* The client and a metadata snapshot; on failure the command fails. */
static int groups_connect(struct cmd_ctx *ctx, struct client **c, struct model **m)
{
	struct err e = { 0 };
	if (session_client(ctx->session, c, &e) != CMD_OK || client_metadata(*c, 1000, m, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	return CMD_OK;
}

/* The isolation level the end offsets are read with: librdkafka's default, or -X isolation.level. */
static const char *groups_isolation(const struct session *s)
{
	const char *v = "read_committed";
	for (size_t i = 0; i < s->conf.nprops; i++)
		if (strcmp(s->conf.props[i].key, "isolation.level") == 0)
			v = strcmp(s->conf.props[i].value, "read_uncommitted") == 0 ? "read_uncommitted"
										    : "read_committed";
	return v;
}

static const char *groups_state_name(rd_kafka_consumer_group_state_t s)
{
	return rd_kafka_consumer_group_state_name(s);
}

/* The coordinator's protocol type: consumer, connect, ...; simple for a group without one. */
static const char *groups_protocol_type(const struct group_info *g)
{
	if (g->protocol_type)
		return *g->protocol_type ? g->protocol_type : "simple";
	return g->simple ? "simple" : "consumer";
}

static bool groups_active(const struct group_info *g)
{
	return g->nmembers > 0 ||
	       (g->state != RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY && g->state != RD_KAFKA_CONSUMER_GROUP_STATE_DEAD &&
		g->state != RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN);
}

/*
 * The groups of the embedded demo: librdkafka's mock cluster cannot list or describe
 * groups, so `groups` and `lag` on --demo take the names from the demo itself (demo_groups()),
 * and their lag from committed offsets. State, members and coordinator stay unknown.
 */
static int groups_demo_list(struct session *s, struct group_info **out, int *n)
{
	size_t k = 0;
	const char *const *names = demo_groups(s->demo, &k);
	*out = x_calloc(k + 1, sizeof(**out));
	for (size_t i = 0; i < k; i++) {
		(*out)[i].id = x_strdup(names[i]);
		(*out)[i].state = RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN;
		(*out)[i].coordinator = -1;
	}
	*n = (int)k;
	return CMD_OK;
}

/* Partitions of every non-internal topic (or of `only`): what the demo's mock needs to answer OffsetFetch. */
static rd_kafka_topic_partition_list_t *groups_all_partitions(const struct model *m, const char *only)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(64);
	for (int i = 0; i < m->ntopics; i++) {
		const struct model_topic *t = &m->topics[i];
		if ((only && strcmp(only, t->name) != 0) || (!only && t->internal))
			continue;
		for (int p = 0; p < t->npartitions; p++)
			rd_kafka_topic_partition_list_add(l, t->name, t->partitions[p].id);
	}
	return l;
}

/* The overview object of a group ({group, state, ...}) from its rows. */
static json_t *groups_summary(const struct group_info *g, const struct grouplag_row *rows, int nrows)
{
	struct grouplag_total t = grouplag_total(rows, nrows);
	json_t *o = json_pack("{s:s,s:s,s:s?,s:s,s:s?,s:i,s:o,s:i,s:o}", "group", g->id, "state",
			      groups_state_name(g->state), "type", client_group_type_name(g->type), "protocol_type",
			      groups_protocol_type(g), "assignor", g->assignor, "members", g->nmembers, "coordinator",
			      g->coordinator >= 0 ? json_integer(g->coordinator) : json_null(), "topics", t.topics,
			      "total_lag", t.known || t.lag > 0 ? json_integer(t.lag) : json_null());
	if (g->error)
		json_object_set_new(o, "error", json_string(g->error));
	return o;
}

static json_int_t groups_total(json_t *summary)
{
	return json_integer_value(json_object_get(summary, "total_lag"));
}

/* --- groups / lag ---------------------------------------------------------------------------- */

static int groups_state_filter(struct cmd_ctx *ctx, const char *state, rd_kafka_consumer_group_state_t *out)
{
	for (int s = 0; s < RD_KAFKA_CONSUMER_GROUP_STATE__CNT; s++)
		if (strcasecmp(state, rd_kafka_consumer_group_state_name((rd_kafka_consumer_group_state_t)s)) == 0) {
			*out = (rd_kafka_consumer_group_state_t)s;
			return CMD_OK;
		}
	return cmd_fail(ctx, CMD_USAGE, "states: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead",
			"--state: unknown group state `%s`", state);
}

/* Every group (filtered) with its summary; the shared body of `groups` and `lag`. */
static int groups_overview(struct cmd_ctx *ctx, json_t **out_groups, json_t *meta)
{
	const char *pattern = cmd_arg(ctx, "pattern"), *state = cmd_arg(ctx, "state");
	rd_kafka_consumer_group_state_t want_state = RD_KAFKA_CONSUMER_GROUP_STATE_UNKNOWN;
	if (state && groups_state_filter(ctx, state, &want_state) != CMD_OK)
		return ctx->status;
	struct client *c;
	struct model *m;
	if (groups_connect(ctx, &c, &m) != CMD_OK)
		return ctx->status;
	struct err e = { 0 };
	struct group_info *all = NULL;
	int n = 0, rc;
	/* Not a precondition (cmd_entry.demo_missing): on the demo the groups come another way. */
	bool demo = ctx->session->demo != NULL;
	if (demo)
		rc = groups_demo_list(ctx->session, &all, &n);
	else
		rc = client_groups_list(c, &all, &n, &e);
	if (rc != CMD_OK) {
		model_unref(&m);
		return cmd_fail_err(ctx, &e);
	}
	/* Filter by name before asking anything more. */
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (names_match(pattern, all[i].id)) {
			struct group_info tmp = all[k];
			all[k++] = all[i];
			all[i] = tmp;
		}
	}
	rd_kafka_topic_partition_list_t *parts = demo ? groups_all_partitions(m, NULL) : NULL;
	rc = client_groups_fetch(c, all, k, (demo ? 0 : CLIENT_GROUPS_DESCRIBE) | CLIENT_GROUPS_OFFSETS, parts, &e);
	if (parts)
		rd_kafka_topic_partition_list_destroy(parts);
	if (rc != CMD_OK) {
		client_groups_free(&all, n);
		model_unref(&m);
		return cmd_fail_err(ctx, &e);
	}
	struct grouplag L;
	grouplag_init(&L, m);
	struct grouplag_row **rows = x_calloc((size_t)k + 1, sizeof(*rows));
	int *nrows = x_calloc((size_t)k + 1, sizeof(int));
	for (int i = 0; i < k; i++)
		grouplag_rows(&L, &all[i], NULL, &rows[i], &nrows[i]);
	rc = grouplag_fetch(c, &L, &e);
	json_t *a = json_array();
	int64_t first_committed = 0;
	for (int i = 0; rc == CMD_OK && i < k; i++) {
		if (state && all[i].state != want_state)
			continue;
		if (all[i].committed_ms && (first_committed == 0 || all[i].committed_ms < first_committed))
			first_committed = all[i].committed_ms;
		json_array_append_new(a, groups_summary(&all[i], rows[i], nrows[i]));
	}
	for (int i = 0; i < k; i++)
		free(rows[i]);
	free(rows);
	free(nrows);
	if (rc == CMD_OK) {
		json_object_set_new(meta, "source", json_string(demo ? "demo" : "cluster"));
		if (demo)
			json_object_set_new(meta, "note",
					    json_string("the demo's mock cluster cannot list or describe groups: these "
							"are the demo's own groups"));
		json_object_set_new(meta, "committed_read_at",
				    first_committed ? clock_json(first_committed) : json_null());
		json_object_set_new(meta, "end_read_at", L.end_ms ? clock_json(L.end_ms) : json_null());
		json_object_set_new(meta, "isolation", json_string(groups_isolation(ctx->session)));
		*out_groups = a;
	} else {
		json_decref(a);
	}
	grouplag_clear(&L);
	client_groups_free(&all, n);
	model_unref(&m);
	return rc == CMD_OK ? CMD_OK : cmd_fail_err(ctx, &e);
}

static int groups_by_name(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "group")),
		      json_string_value(json_object_get(*(json_t *const *)b, "group")));
}

static int groups_by_lag(const void *a, const void *b)
{
	json_int_t x = groups_total(*(json_t *const *)a), y = groups_total(*(json_t *const *)b);
	return x != y ? (x < y) - (x > y) : groups_by_name(a, b);
}

/* The stored total lag of each group over the last hour as a sparkline: tables on a terminal only. */
static void groups_sparklines(struct cmd_ctx *ctx, json_t *groups)
{
	bool utf8;
	if (!ctx->session->no_history &&
	    spark_wanted(ctx->session, ctx->args.output, cmd_has(ctx, "sparklines"), &utf8))
		spark_rows(ctx->session, SPARK_LAG, groups, "group", utf8);
}

static int groups_seconds(struct cmd_ctx *ctx, const char *name, int64_t def, int64_t min_ms, int64_t *ms);

/* Each group's status from the stored history (groupstatus.h) over --window; fails on a bad --window. */
static int groups_status(struct cmd_ctx *ctx, json_t *rows)
{
	int64_t window;
	if (groups_seconds(ctx, "window", GROUPSTATUS_WINDOW_MS, 1000, &window) != CMD_OK)
		return ctx->status;
	groupstatus_rows(ctx->session, rows, "group", window);
	return CMD_OK;
}

static int cmd_groups_exec(struct cmd_ctx *ctx)
{
	json_t *r = json_object(), *a = NULL;
	if (groups_overview(ctx, &a, r) != CMD_OK) {
		json_decref(r);
		return ctx->status;
	}
	cmd_rows_sort(a, groups_by_name);
	if (groups_status(ctx, a) != CMD_OK) {
		json_decref(r);
		json_decref(a);
		return ctx->status;
	}
	groups_sparklines(ctx, a);
	json_object_set_new(r, "groups", a);
	return cmd_ok(ctx, r);
}

static int cmd_lag_exec(struct cmd_ctx *ctx)
{
	long long min, top;
	if (cmd_arg_int(ctx, "min", 0, 0, INT64_MAX, &min) || cmd_arg_int(ctx, "top", 0, 0, INT32_MAX, &top))
		return ctx->status;
	json_t *r = json_object(), *a = NULL;
	if (groups_overview(ctx, &a, r) != CMD_OK) {
		json_decref(r);
		return ctx->status;
	}
	cmd_rows_sort(a, groups_by_lag);
	json_t *b = json_array();
	size_t i;
	json_t *g;
	json_array_foreach(a, i, g)
	{
		if (groups_total(g) < min || (top > 0 && (long long)json_array_size(b) >= top))
			continue;
		json_array_append(b, g);
	}
	json_decref(a);
	if (groups_status(ctx, b) != CMD_OK) {
		json_decref(r);
		json_decref(b);
		return ctx->status;
	}
	groups_sparklines(ctx, b);
	json_object_set_new(r, "groups", b);
	return cmd_ok(ctx, r);
}

static const struct out_col groups_cols[] = {
	{ "group", "group", 0 },
	{ "state", "state", 0 },
	{ "type", "type", 0 },
	{ "protocol_type", "protocol", OUT_WIDE },
	{ "assignor", "assignor", OUT_WIDE },
	{ "members", "members", OUT_RIGHT },
	{ "coordinator", "coordinator", OUT_RIGHT | OUT_WIDE },
	{ "topics", "topics", OUT_RIGHT },
	{ "total_lag", "lag", OUT_RIGHT },
	{ "status", "status", 0 },
	{ "sparkline", "lag 1h", OUT_WIDE | OUT_TEXT },
	{ 0 },
};
static const struct out_col groups_fields[] = {
	{ "note", "Note", 0 },
	{ "end_read_at", "Read at", 0 },
	{ 0 },
};
static const struct out_table groups_tables[] = { { "groups", groups_cols }, { 0 } };
static const struct out_view groups_view = { .fields = groups_fields, .tables = groups_tables };

/* --- group describe ------------------------------------------------------------------------- */

/*
 * With this in groups_one's what: a group that DescribeConsumerGroups refuses as not a consumer
 * group (a classic group of another protocol type, such as Kafka Connect's) is described by the
 * older DescribeGroups instead (client_group_legacy).
 */
#define GROUPS_ANY_PROTOCOL 0x100

/* One group, described and/or with its committed offsets; fails the command when it cannot. */
static struct group_info *groups_one(struct cmd_ctx *ctx, struct client *c, const struct model *m, unsigned what,
				     const char *topic)
{
	struct group_info *g = x_calloc(1, sizeof(*g));
	g->id = x_strdup(cmd_arg(ctx, "group"));
	g->coordinator = -1;
	struct err e = { 0 };
	bool demo = ctx->session->demo != NULL; /* the mock answers OffsetFetch only for what it is asked */
	const char *only = topic ? topic : demo ? demo_group_topic(g->id) : NULL;
	rd_kafka_topic_partition_list_t *parts = demo ? groups_all_partitions(m, only) : NULL;
	if (demo)
		what &= ~(unsigned)(CLIENT_GROUPS_DESCRIBE | GROUPS_ANY_PROTOCOL);
	int rc = client_groups_fetch(c, g, 1, what & (CLIENT_GROUPS_DESCRIBE | CLIENT_GROUPS_OFFSETS), parts, &e);
	if (parts)
		rd_kafka_topic_partition_list_destroy(parts);
	if (rc != CMD_OK) {
		client_groups_free(&g, 1);
		cmd_fail_err(ctx, &e);
		return NULL;
	}
	if ((what & GROUPS_ANY_PROTOCOL) && !g->described && g->error_code == RD_KAFKA_RESP_ERR__INVALID_ARG) {
		struct group_info *other = NULL;
		if (client_group_legacy(c, g->id, &other, &e) != CMD_OK) {
			client_groups_free(&g, 1);
			cmd_fail_err(ctx, &e);
			return NULL;
		}
		if (other) {
			client_groups_free(&g, 1);
			g = other;
		}
	}
	if (g->error) { /* the cause with the hint its code calls for */
		char *label = x_asprintf("group %s", g->id);
		client_error(c, g->error_code, g->error, label, &e);
		free(label);
		client_groups_free(&g, 1);
		cmd_fail_err(ctx, &e);
		return NULL;
	}
	return g;
}

/*
 * True when the group is unknown to the cluster: described Dead with no offsets. The demo's mock
 * describes no group, and answers for every partition it was asked about: there a group is
 * unknown when it is none of the demo's own and has no committed offset.
 */
static bool groups_unknown(const struct session *s, const struct group_info *g)
{
	if (s->demo) {
		for (int i = 0; g->committed && i < g->committed->cnt; i++)
			if (g->committed->elems[i].offset >= 0)
				return false;
		return g->nmembers == 0 && demo_group_topic(g->id) == NULL;
	}
	return g->described && g->state == RD_KAFKA_CONSUMER_GROUP_STATE_DEAD && g->nmembers == 0 &&
	       (g->committed == NULL || g->committed->cnt == 0);
}

static int groups_no_such(struct cmd_ctx *ctx, const char *group)
{
	return cmd_fail(ctx, CMD_FAILED, "`groups` lists the groups; names are case-sensitive", "unknown group `%s`",
			group);
}

/* Partitions as ["topic:partition", ...] into *parts, and as text ("orders:0-3,7 payments:1"): new, free it. */
static char *groups_partitions_json(const rd_kafka_topic_partition_list_t *l, json_t **parts)
{
	*parts = json_array();
	struct lag_tp *tps = x_calloc((size_t)l->cnt + 1, sizeof(*tps));
	for (int i = 0; i < l->cnt; i++) {
		char *s = x_asprintf("%s:%" PRId32, l->elems[i].topic, l->elems[i].partition);
		json_array_append_new(*parts, json_string(s));
		free(s);
		tps[i] = (struct lag_tp){ l->elems[i].topic, l->elems[i].partition };
	}
	char *text = lag_assignment_text(tps, l->cnt);
	free(tps);
	return text;
}

static json_t *groups_member_json(const struct group_member *gm)
{
	json_t *parts, *tparts = NULL;
	char *text = groups_partitions_json(gm->assigned, &parts);
	char *ttext = gm->target ? groups_partitions_json(gm->target, &tparts) : NULL;
	json_t *o =
		json_pack("{s:s,s:s,s:s,s:s?,s:o,s:s,s:o,s:s?}", "member_id", gm->member_id, "client_id", gm->client_id,
			  "host", gm->host, "instance_id", gm->instance_id, "partitions", parts, "assignment", text,
			  "target_partitions", tparts ? tparts : json_null(), "target_assignment", ttext);
	free(text);
	free(ttext);
	return o;
}

static int cmd_group_describe_exec(struct cmd_ctx *ctx)
{
	struct client *c;
	struct model *m;
	if (groups_connect(ctx, &c, &m) != CMD_OK)
		return ctx->status;
	struct group_info *g =
		groups_one(ctx, c, m, CLIENT_GROUPS_DESCRIBE | CLIENT_GROUPS_OFFSETS | GROUPS_ANY_PROTOCOL, NULL);
	model_unref(&m);
	if (g == NULL)
		return ctx->status;
	if (groups_unknown(ctx->session, g)) {
		client_groups_free(&g, 1);
		return groups_no_such(ctx, cmd_arg(ctx, "group"));
	}
	json_t *members = json_array();
	for (int i = 0; i < g->nmembers; i++)
		json_array_append_new(members, groups_member_json(&g->members[i]));
	json_t *r = json_pack("{s:s,s:s,s:s?,s:s,s:o,s:s?,s:o}", "group", g->id, "state", groups_state_name(g->state),
			      "type", client_group_type_name(g->type), "protocol_type", groups_protocol_type(g),
			      "coordinator", g->coordinator >= 0 ? json_integer(g->coordinator) : json_null(),
			      "assignor", g->assignor, "members", members);
	client_groups_free(&g, 1);
	return cmd_ok(ctx, r);
}

static const struct out_col describe_fields[] = {
	{ "group", "Group", 0 },
	{ "state", "State", 0 },
	{ "type", "Type", 0 },
	{ "protocol_type", "Protocol", 0 },
	{ "coordinator", "Coordinator", 0 },
	{ "assignor", "Assignor", 0 },
	{ 0 },
};
static const struct out_col describe_cols[] = {
	{ "client_id", "client_id", 0 },
	{ "host", "host", 0 },
	{ "assignment", "partitions", 0 },
	{ "target_assignment", "target", 0 },
	{ "instance_id", "instance", OUT_WIDE },
	{ "member_id", "member_id", OUT_WIDE },
	{ 0 },
};
static const struct out_table describe_tables[] = { { "members", describe_cols }, { 0 } };
static const struct out_view describe_view = { .fields = describe_fields, .tables = describe_tables };

/* --- group lag ------------------------------------------------------------------------------- */

/* A partition's owner as {client_id, host, member_id}, or null. */
static json_t *groups_owner_json(const struct group_member *m)
{
	return m ? json_pack("{s:s,s:s,s:s}", "client_id", m->client_id, "host", m->host, "member_id", m->member_id)
		 : json_null();
}

/* One group's lag document: partitions, per-topic totals, the total. Unknown groups fail unless waiting. */
static int groups_lag_doc(struct cmd_ctx *ctx, const char *topic, bool waiting, json_t **out, json_int_t *total)
{
	struct client *c;
	struct model *m = NULL;
	struct group_info *g = NULL;
	const unsigned what = CLIENT_GROUPS_DESCRIBE | CLIENT_GROUPS_OFFSETS;
	bool demo = ctx->session->demo != NULL;
	if (demo) { /* the demo's group is read from the metadata: asked after it */
		if (groups_connect(ctx, &c, &m) != CMD_OK)
			return ctx->status;
	} else {
		/* the group's coordinator is looked up beside the metadata, not after it: on a new
		 * connection both go to the bootstrap broker, not to the next connection */
		struct err e = { 0 };
		if (session_client(ctx->session, &c, &e) != CMD_OK)
			return cmd_fail_err(ctx, &e);
		struct client_metadata_q *mq = client_metadata_start(c, 1000);
		g = groups_one(ctx, c, NULL, what, topic);
		if (client_metadata_finish(&mq, &m, &e) != CMD_OK) { /* the metadata's error comes first */
			client_groups_free(&g, 1);
			return cmd_fail_err(ctx, &e);
		}
	}
	if (topic && model_topic_find(m, topic) == NULL) { /* and then an unknown topic, as before */
		client_groups_free(&g, 1);
		model_unref(&m);
		return cmd_fail(ctx, CMD_FAILED, "`topics` lists the topics; names are case-sensitive",
				"unknown topic `%s`", topic);
	}
	if (demo)
		g = groups_one(ctx, c, m, what, topic);
	if (g == NULL) {
		model_unref(&m);
		return ctx->status;
	}
	if (groups_unknown(ctx->session, g) && topic == NULL && !waiting) {
		client_groups_free(&g, 1);
		model_unref(&m);
		return groups_no_such(ctx, cmd_arg(ctx, "group"));
	}
	struct grouplag L;
	grouplag_init(&L, m);
	struct grouplag_row *rows;
	int nrows;
	grouplag_rows(&L, g, topic, &rows, &nrows);
	struct err e = { 0 };
	int rc = grouplag_fetch(c, &L, &e);
	if (rc == CMD_OK) {
		json_t *parts = json_array(), *topics = json_array(), *cur = NULL;
		json_int_t sum = 0, tsum = 0;
		for (int i = 0; i < nrows; i++) {
			const struct grouplag_row *r = &rows[i];
			bool nc;
			int64_t l = grouplag_row_lag(r, &nc);
			json_t *o =
				json_pack("{s:s,s:i,s:o,s:o,s:o,s:b}", "topic", r->topic, "partition", r->partition,
					  "committed", r->committed >= 0 ? json_integer(r->committed) : json_null(),
					  "end", r->off && r->off->end >= 0 ? json_integer(r->off->end) : json_null(),
					  "lag", l >= 0 ? json_integer(l) : json_null(), "no_commit", nc);
			if (nc)
				json_object_set_new(o, "start",
						    r->off && r->off->start >= 0 ? json_integer(r->off->start)
										 : json_null());
			json_object_set_new(o, "member", groups_owner_json(r->member));
			json_object_set_new(o, "target_member", groups_owner_json(r->target));
			json_array_append_new(parts, o);
			if (cur == NULL || strcmp(json_string_value(json_object_get(cur, "topic")), r->topic) != 0) {
				if (cur)
					json_object_set_new(cur, "lag", json_integer(tsum));
				cur = json_pack("{s:s,s:i}", "topic", r->topic, "partitions", 0);
				json_array_append_new(topics, cur);
				tsum = 0;
			}
			json_object_set_new(cur, "partitions",
					    json_integer(json_integer_value(json_object_get(cur, "partitions")) + 1));
			if (l > 0)
				tsum += l, sum += l;
		}
		if (cur)
			json_object_set_new(cur, "lag", json_integer(tsum));
		struct grouplag_total t = grouplag_total(rows, nrows);
		*total = sum;
		*out = json_pack("{s:s,s:s,s:s?,s:s,s:s?,s:i,s:o,s:o,s:s,s:o,s:o,s:I,s:i}", "group", g->id, "state",
				 groups_state_name(g->state), "type", client_group_type_name(g->type), "protocol_type",
				 groups_protocol_type(g), "assignor", g->assignor, "members", g->nmembers,
				 "committed_read_at", g->committed_ms ? clock_json(g->committed_ms) : json_null(),
				 "end_read_at", clock_json(L.end_ms), "isolation", groups_isolation(ctx->session),
				 "partitions", parts, "topics", topics, "total_lag", sum, "no_commit", t.no_commit);
	}
	free(rows);
	grouplag_clear(&L);
	client_groups_free(&g, 1);
	model_unref(&m);
	return rc == CMD_OK ? CMD_OK : cmd_fail_err(ctx, &e);
}

/* The shortest --interval of group lag --wait-max: each sample asks the cluster (as watch's). */
#define GROUPS_INTERVAL_MIN_MS 100

/* Seconds ("30", "2.5") or a duration ("2m", "PT1M") in ms, at least min_ms. */
static int groups_seconds(struct cmd_ctx *ctx, const char *name, int64_t def, int64_t min_ms, int64_t *ms)
{
	const char *v = cmd_arg(ctx, name);
	*ms = def;
	if (v == NULL)
		return CMD_OK;
	char *end, *cause = NULL;
	errno = 0;
	double d = strtod(v, &end);
	if (v[0] == '-') { /* clock_parse_duration() takes "-1h" for 1h (a time back): a wait is no such thing */
		cause = x_asprintf("`%s` is negative", v);
	} else if (end != v && *end == '\0' && isdigit((unsigned char)v[0])) {
		/* compared as a double first: d * 1000 of a hostile number is no int64_t; an underflow is 0 */
		if (!(d * 1000 <= (double)CLOCK_DURATION_MAX_MS))
			cause = x_asprintf("`%s` seconds is longer than 100 years", v);
		else
			*ms = errno == ERANGE ? 0 : (int64_t)(d * 1000);
	} else if (clock_parse_duration(v, ms, &cause) < 0) {
		*ms = def;
	}
	if (cause == NULL && *ms < min_ms)
		cause = x_asprintf("`%s` is shorter than %lld ms", v, (long long)min_ms);
	if (cause == NULL)
		return CMD_OK;
	cmd_fail(ctx, CMD_USAGE,
		 min_ms > 0 ? "give seconds (30, 0.5) or a duration (2m, 100ms), at least 100ms as for watch"
			    : "give seconds (30) or a duration (2m, PT90S)",
		 "--%s: %s", name, cause);
	free(cause);
	return CMD_USAGE;
}

/* The group's stored total lag over the last hour, and each partition's: when asked, or on a terminal. */
static void groups_lag_sparklines(struct cmd_ctx *ctx, json_t *doc)
{
	bool utf8;
	const char *group = cmd_arg(ctx, "group");
	if (ctx->session->no_history ||
	    !spark_wanted(ctx->session, ctx->args.output, cmd_has(ctx, "sparklines"), &utf8))
		return;
	int64_t since = clock_wall_ms() - 3600 * 1000;
	char *spark = spark_line(ctx->session, SPARK_LAG, group, "", -1, since, 40, utf8);
	if (spark == NULL)
		return; /* nothing stored of the group: nor of its partitions */
	json_object_set_new(doc, "sparkline", json_string(spark));
	free(spark);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "partitions"), i, p)
	{
		spark = spark_line(ctx->session, SPARK_LAG, group, json_string_value(json_object_get(p, "topic")),
				   (int32_t)json_integer_value(json_object_get(p, "partition")), since, 16, utf8);
		if (spark)
			json_object_set_new(p, "sparkline", json_string(spark));
		free(spark);
	}
}

static int cmd_group_lag_exec(struct cmd_ctx *ctx)
{
	const char *topic = cmd_arg(ctx, "topic");
	long long wait_max;
	int64_t timeout_ms, interval_ms;
	bool wait = cmd_has(ctx, "wait-max");
	if (cmd_arg_int(ctx, "wait-max", 0, 0, INT64_MAX, &wait_max) ||
	    groups_seconds(ctx, "timeout", 300000, 0, &timeout_ms) ||
	    groups_seconds(ctx, "interval", 1000, GROUPS_INTERVAL_MIN_MS, &interval_ms))
		return ctx->status;
	if (!wait && (cmd_has(ctx, "timeout") || cmd_has(ctx, "interval")))
		return cmd_fail(ctx, CMD_USAGE, "add --wait-max N to wait until the lag is at most N",
				"--timeout and --interval go with --wait-max");
	int64_t t0 = clock_mono_ms();
	for (;;) {
		json_t *doc = NULL;
		json_int_t total = 0;
		if (groups_lag_doc(ctx, topic, wait, &doc, &total) != CMD_OK)
			return ctx->status;
		if (!wait) {
			json_t *one = json_pack("[O]", doc);
			int rc = groups_status(ctx, one);
			json_decref(one);
			if (rc != CMD_OK) {
				json_decref(doc);
				return ctx->status;
			}
			groups_lag_sparklines(ctx, doc);
			return cmd_ok(ctx, doc);
		}
		int64_t elapsed = clock_mono_ms() - t0;
		if (json_array_size(json_object_get(doc, "partitions")) == 0)
			note_send(&ctx->session->note,
				  "group %s: no committed offsets yet (waiting for lag <= %lld), %.1f s",
				  cmd_arg(ctx, "group"), wait_max, (double)elapsed / 1000.0);
		else
			note_send(&ctx->session->note,
				  "group %s: total lag %" JSON_INTEGER_FORMAT " (waiting for <= %lld), %.1f s",
				  cmd_arg(ctx, "group"), total, wait_max, (double)elapsed / 1000.0);
		/* A group with nothing committed and nothing assigned has not caught up: it has not started. */
		if (total <= wait_max && json_array_size(json_object_get(doc, "partitions")) > 0) {
			json_object_set_new(doc, "waited_ms", json_integer(elapsed));
			return cmd_ok(ctx, doc);
		}
		if (elapsed >= timeout_ms) {
			json_decref(doc);
			return cmd_fail(ctx, CMD_FAILED,
					"the consumer is not catching up: check it with `group describe`",
					"group %s: total lag %" JSON_INTEGER_FORMAT " is still above %lld after %.1f s",
					cmd_arg(ctx, "group"), total, wait_max, (double)elapsed / 1000.0);
		}
		json_decref(doc);
		int64_t left = timeout_ms - elapsed;
		/* On a thread of its own (CMD_OPT_WAITS): the worker serves the views meanwhile. */
		if (!cmd_nap(ctx, interval_ms < left ? interval_ms : left))
			return cmd_fail(ctx, CMD_FAILED, NULL,
					"group %s: interrupted after %.1f s, total lag %" JSON_INTEGER_FORMAT
					" (waiting for <= %lld)",
					cmd_arg(ctx, "group"), (double)(clock_mono_ms() - t0) / 1000.0, total,
					wait_max);
	}
}

static const struct out_col lag_fields[] = {
	{ "group", "Group", 0 },         { "state", "State", 0 },
	{ "type", "Type", 0 },           { "total_lag", "Total lag", 0 },
	{ "status", "Status", 0 },       { "status_reason", "Why", 0 },
	{ "no_commit", "No commit", 0 }, { "end_read_at", "Read at", 0 },
	{ "sparkline", "Lag 1h", 0 },    { 0 },
};
static const struct out_col lag_cols[] = {
	{ "topic", "topic", 0 },
	{ "partition", "partition", OUT_RIGHT },
	{ "committed", "committed", OUT_RIGHT },
	{ "end", "end", OUT_RIGHT },
	{ "lag", "lag", OUT_RIGHT },
	{ "no_commit", "no_commit", 0 },
	{ "status", "status", 0 },
	{ "member.client_id", "client_id", 0 },
	{ "member.host", "host", OUT_WIDE },
	{ "target_member.client_id", "target", OUT_WIDE },
	{ "sparkline", "lag 1h", OUT_WIDE | OUT_TEXT },
	{ 0 },
};
static const struct out_col lag_topic_cols[] = {
	{ "topic", "topic", 0 },
	{ "partitions", "partitions", OUT_RIGHT },
	{ "lag", "lag", OUT_RIGHT },
	{ 0 },
};
static const struct out_table lag_tables[] = { { "partitions", lag_cols }, { "topics", lag_topic_cols }, { 0 } };
static const struct out_view lag_view = { .fields = lag_fields, .tables = lag_tables };

/* --- group reset ------------------------------------------------------------------------------ */

enum groups_mode {
	RESET_EARLIEST,
	RESET_LATEST,
	RESET_OFFSET,
	RESET_DATETIME,
	RESET_DURATION,
	RESET_SHIFT,
	RESET_FILE
};
static const char *const groups_modes[] = { "to-earliest", "to-latest", "to-offset", "to-datetime",
					    "by-duration", "shift-by",  "from-file" };

/* The partitions the reset names, as plan rows with want unset; fails the command on bad input. */
static int groups_reset_targets(struct cmd_ctx *ctx, const struct model *m, const struct group_info *g,
				struct lag_plan *plan)
{
	char *const *specs;
	int nspecs = cmd_arg_all(ctx, "topic", &specs);
	if (cmd_has(ctx, "all-topics")) {
		const rd_kafka_topic_partition_list_t *cl = g->committed;
		for (int i = 0; cl && i < cl->cnt; i++)
			if (cl->elems[i].offset >= 0)
				lag_plan_add(plan, cl->elems[i].topic, cl->elems[i].partition, -1, 0);
		if (plan->n == 0)
			return cmd_fail(ctx, CMD_FAILED, "name the topics with --topic T",
					"--all-topics: group %s has no committed offsets", g->id);
		return CMD_OK;
	}
	for (int i = 0; i < nspecs; i++) {
		char *topic, *cause;
		int32_t *parts;
		int np;
		if (lag_parse_topic_spec(specs[i], &topic, &parts, &np, &cause) < 0) {
			cmd_fail(ctx, CMD_USAGE, NULL, "--topic %s", cause);
			free(cause);
			return CMD_USAGE;
		}
		const struct model_topic *t = model_topic_find(m, topic);
		int rc = CMD_OK;
		if (t == NULL) {
			rc = cmd_fail(ctx, CMD_FAILED, "`topics` lists the topics; names are case-sensitive",
				      "unknown topic `%s`", topic);
		} else if (np == 0) {
			for (int p = 0; p < t->npartitions; p++)
				lag_plan_add(plan, t->name, t->partitions[p].id, -1, 0);
		} else {
			for (int k = 0; k < np && rc == CMD_OK; k++) {
				bool found = false;
				for (int p = 0; p < t->npartitions && !found; p++)
					found = t->partitions[p].id == parts[k];
				if (!found)
					rc = cmd_fail(ctx, CMD_FAILED, "`topic describe` lists its partitions",
						      "topic %s has no partition %" PRId32, topic, parts[k]);
				else
					lag_plan_add(plan, t->name, parts[k], -1, 0);
			}
		}
		free(topic);
		free(parts);
		if (rc != CMD_OK)
			return rc;
	}
	return CMD_OK;
}

/*
 * client_list_offsets, asked again for a few seconds while partitions have no leader yet (a topic
 * created a moment ago), so `topic create` and `group reset` can follow each other in a script.
 */
static int groups_list_offsets(struct cmd_ctx *ctx, struct client *c, rd_kafka_topic_partition_list_t *l, struct err *e)
{
	int64_t *asked = x_calloc((size_t)l->cnt + 1, sizeof(int64_t));
	for (int i = 0; i < l->cnt; i++)
		asked[i] = l->elems[i].offset;
	int rc;
	for (int tries = 0;; tries++) {
		if ((rc = client_list_offsets(c, l, e)) != CMD_OK || tries >= 20)
			break;
		bool again = false;
		for (int i = 0; i < l->cnt; i++) {
			rd_kafka_resp_err_t err = l->elems[i].err;
			again |= err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
				 err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
				 err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
		}
		if (!again)
			break;
		for (int i = 0; i < l->cnt; i++)
			l->elems[i].offset = asked[i], l->elems[i].err = 0;
		client_invalidate(c);
		if (!cmd_nap(ctx, 100))
			break;
	}
	free(asked);
	return rc;
}

/*
 * The value of a reset's mode, read before anything is asked of the cluster: the time of
 * --to-datetime and --by-duration (*stamp, as ListOffsets takes it), the offset of --to-offset or
 * the shift of --shift-by (*want). Fails the command on a malformed or out-of-range value.
 */
static int groups_reset_value(struct cmd_ctx *ctx, enum groups_mode mode, const char *value, int64_t *stamp,
			      int64_t *want)
{
	char *cause = NULL;
	int64_t ms = 0;
	*stamp = *want = 0;
	if (mode == RESET_DATETIME || mode == RESET_DURATION) {
		int rc = mode == RESET_DATETIME ? clock_parse_datetime(value, &ms, &cause)
						: clock_parse_duration(value, &ms, &cause);
		if (rc < 0) {
			cmd_fail(ctx, CMD_USAGE,
				 mode == RESET_DATETIME
					 ? "e.g. --to-datetime 2024-05-01T12:00:00Z (UTC when no zone is given)"
					 : "e.g. --by-duration 1h30m or PT90M, at most 36500d",
				 "--%s: %s", groups_modes[mode], cause);
			free(cause);
			return CMD_USAGE;
		}
		/* A duration is at most CLOCK_DURATION_MAX_MS: the subtraction cannot overflow. */
		*stamp = lag_time_for_offsets(mode == RESET_DATETIME ? ms : clock_wall_ms() - ms);
	}
	if (mode == RESET_OFFSET || mode == RESET_SHIFT) {
		errno = 0;
		char *end;
		long long v = strtoll(value, &end, 10);
		if (errno || end == value || *end || (mode == RESET_OFFSET && v < 0))
			return cmd_fail(ctx, CMD_USAGE,
					mode == RESET_OFFSET ? "give an offset from 0 to 9223372036854775807"
							     : "give +N or -N, N at most 9223372036854775807",
					"--%s: `%s` is not a valid number", groups_modes[mode], value);
		*want = v;
	}
	return CMD_OK;
}

/* Fills current, start and end of every row, and want by mode; fails the command on errors. */
static int groups_reset_resolve(struct cmd_ctx *ctx, struct client *c, const struct group_info *g,
				struct lag_plan *plan, enum groups_mode mode, int64_t stamp, int64_t want)
{
	int n = plan->n;
	rd_kafka_topic_partition_list_t *lo = rd_kafka_topic_partition_list_new(n),
					*hi = rd_kafka_topic_partition_list_new(n),
					*ts = rd_kafka_topic_partition_list_new(n);
	int rc = CMD_OK;
	for (int i = 0; rc == CMD_OK && i < n; i++) {
		struct lag_plan_row *r = &plan->rows[i];
		rd_kafka_topic_partition_list_add(lo, r->topic, r->partition)->offset = RD_KAFKA_OFFSET_BEGINNING;
		rd_kafka_topic_partition_list_add(hi, r->topic, r->partition)->offset = RD_KAFKA_OFFSET_END;
		rd_kafka_topic_partition_list_add(ts, r->topic, r->partition)->offset = stamp;
		const rd_kafka_topic_partition_t *cp =
			g->committed ? rd_kafka_topic_partition_list_find(g->committed, r->topic, r->partition) : NULL;
		r->current = cp && !cp->err && cp->offset >= 0 ? cp->offset : -1;
	}
	struct err e = { 0 };
	if (rc == CMD_OK &&
	    (groups_list_offsets(ctx, c, lo, &e) != CMD_OK || groups_list_offsets(ctx, c, hi, &e) != CMD_OK ||
	     ((mode == RESET_DATETIME || mode == RESET_DURATION) && groups_list_offsets(ctx, c, ts, &e) != CMD_OK)))
		rc = cmd_fail_err(ctx, &e);
	for (int i = 0; rc == CMD_OK && i < n; i++) {
		struct lag_plan_row *r = &plan->rows[i];
		if (lo->elems[i].err || hi->elems[i].err) {
			rc = cmd_fail(ctx, CMD_FAILED, "check the partition's leader with `topic describe`",
				      "%s:%" PRId32 ": cannot read the log's offsets: %s", r->topic, r->partition,
				      rd_kafka_err2str(lo->elems[i].err ? lo->elems[i].err : hi->elems[i].err));
			break;
		}
		r->start = lo->elems[i].offset, r->end = hi->elems[i].offset;
		switch (mode) {
		case RESET_EARLIEST:
			r->want = r->start;
			break;
		case RESET_LATEST:
			r->want = r->end;
			break;
		case RESET_OFFSET:
			r->want = want;
			break;
		case RESET_SHIFT:
			if (r->current < 0)
				rc = cmd_fail(ctx, CMD_FAILED, "reset it with --to-earliest or --to-offset first",
					      "--shift-by: %s:%" PRId32 " has no committed offset to shift from",
					      r->topic, r->partition);
			r->want = lag_shift(r->current, want); /* saturates: lag_plan_clamp() takes the end */
			break;
		case RESET_DATETIME:
		case RESET_DURATION:
			/* No message at or after the time: the end. */
			r->want = ts->elems[i].err || ts->elems[i].offset < 0 ? r->end : ts->elems[i].offset;
			break;
		case RESET_FILE:
			break;
		}
	}
	lag_plan_clamp(plan);
	rd_kafka_topic_partition_list_destroy(lo);
	rd_kafka_topic_partition_list_destroy(hi);
	rd_kafka_topic_partition_list_destroy(ts);
	return rc;
}

static json_t *groups_plan_json(const struct lag_plan *plan)
{
	json_t *a = json_array();
	for (int i = 0; i < plan->n; i++) {
		const struct lag_plan_row *r = &plan->rows[i];
		const char *cl = lag_clamp_name(r->clamped);
		json_array_append_new(a, json_pack("{s:s,s:i,s:o,s:I,s:o,s:I,s:I,s:I,s:s?}", "topic", r->topic,
						   "partition", r->partition, "current",
						   r->current >= 0 ? json_integer(r->current) : json_null(), "new",
						   (json_int_t)r->next, "delta",
						   r->current >= 0 ? json_integer(r->next - r->current) : json_null(),
						   "start", (json_int_t)r->start, "end", (json_int_t)r->end,
						   "requested", (json_int_t)r->want, "clamped", cl));
	}
	return a;
}

static int cmd_group_reset_exec(struct cmd_ctx *ctx)
{
	const char *group = cmd_arg(ctx, "group"), *value = NULL, *export = cmd_arg(ctx, "export");
	int nmodes = 0;
	enum groups_mode mode = RESET_EARLIEST;
	for (int i = 0; i < (int)(sizeof(groups_modes) / sizeof(*groups_modes)); i++)
		if (cmd_has(ctx, groups_modes[i]))
			nmodes++, mode = (enum groups_mode)i, value = cmd_arg(ctx, groups_modes[i]);
	if (nmodes != 1)
		return cmd_fail(ctx, CMD_USAGE,
				"give one of --to-earliest, --to-latest, --to-offset N, --to-datetime ISO8601, "
				"--by-duration 1h, --shift-by N, --from-file plan.csv",
				nmodes ? "more than one reset target given" : "no reset target given");
	int nscopes = cmd_has(ctx, "all-topics") + (cmd_has(ctx, "topic") ? 1 : 0);
	if (mode != RESET_FILE && nscopes != 1)
		return cmd_fail(ctx, CMD_USAGE, "give --topic T[:P,...] (repeatable) or --all-topics",
				nscopes ? "--topic and --all-topics exclude each other"
					: "which partitions? no topic given");
	if (mode == RESET_FILE && nscopes)
		return cmd_fail(ctx, CMD_USAGE, "the plan file names its partitions",
				"--from-file takes no --topic or --all-topics");
	int64_t stamp, want;
	if (groups_reset_value(ctx, mode, value, &stamp, &want) != CMD_OK)
		return ctx->status;
	bool execute = cmd_has(ctx, "execute"); /* refused by cmd_exec in a read-only session */
	struct lag_plan plan = { 0 };
	if (mode == RESET_FILE) { /* read and parsed before any connection */
		static const char *const csv =
			"the plan is CSV as written by --export, or Kafka's topic,partition,offset";
		char *cause = NULL, *text = file_read(value, "plan file", FILE_PLAN_MAX, FILE_PIPE_OK, NULL, &cause);
		if (text == NULL) {
			cmd_fail(ctx, CMD_USAGE, errno == EFBIG ? "split the plan: one file per topic" : csv,
				 "--from-file: %s", cause);
			free(cause);
			return ctx->status;
		}
		if (lag_plan_parse_csv(text, &plan, &cause) < 0) {
			cmd_fail(ctx, CMD_USAGE, csv, "--from-file %s: %s", value, cause);
			free(cause);
			free(text);
			lag_plan_clear(&plan);
			return ctx->status;
		}
		free(text);
	}
	struct client *c;
	struct model *m = NULL;
	struct group_info *g = NULL;
	if (groups_connect(ctx, &c, &m) != CMD_OK)
		goto out;
	if (mode == RESET_FILE) {
		for (int i = 0; i < plan.n; i++)
			if (model_topic_find(m, plan.rows[i].topic) == NULL) {
				cmd_fail(ctx, CMD_FAILED, "`topics` lists the topics",
					 "--from-file %s: unknown topic `%s`", value, plan.rows[i].topic);
				goto out;
			}
	}
	if ((g = groups_one(ctx, c, m, CLIENT_GROUPS_DESCRIBE | CLIENT_GROUPS_OFFSETS, NULL)) == NULL)
		goto out;
	if (mode != RESET_FILE && groups_reset_targets(ctx, m, g, &plan) != CMD_OK)
		goto out;
	if (plan.n == 0) {
		cmd_fail(ctx, CMD_FAILED, "a new topic may not be ready yet: retry, or check `topic describe`",
			 "no partitions to reset");
		goto out;
	}
	lag_plan_sort(&plan);
	if (groups_reset_resolve(ctx, c, g, &plan, mode, stamp, want) != CMD_OK)
		goto out;
	/* Members or not, --execute asks the broker: only it knows for sure, and it says why it refuses. */
	bool active = groups_active(g) && !groups_unknown(ctx->session, g);
	if (export) {
		char *csv = lag_plan_csv(&plan);
		FILE *f = fopen(export, "w");
		bool ok = f && fputs(csv, f) >= 0;
		if (f && fclose(f) != 0)
			ok = false;
		free(csv);
		if (!ok) {
			cmd_fail(ctx, CMD_FAILED, "check the path and its directory's permissions", "--export %s: %s",
				 export, strerror(errno));
			goto out;
		}
	}
	if (execute) {
		rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(plan.n);
		for (int i = 0; i < plan.n; i++)
			rd_kafka_topic_partition_list_add(l, plan.rows[i].topic, plan.rows[i].partition)->offset =
				plan.rows[i].next;
		struct err e = { 0 };
		int rc = client_group_alter(c, group, l, &e);
		for (int i = 0; rc == CMD_OK && i < l->cnt; i++)
			if (l->elems[i].err) {
				rc = cmd_fail(ctx, CMD_FAILED, "nothing else was changed on that partition; retry",
					      "%s:%" PRId32 ": the broker refused the new offset: %s",
					      l->elems[i].topic, l->elems[i].partition,
					      rd_kafka_err2str(l->elems[i].err));
			}
		rd_kafka_topic_partition_list_destroy(l);
		if (rc != CMD_OK) {
			if (e.cause)
				cmd_fail_err(ctx, &e);
			goto out;
		}
	}
	json_t *r = json_pack("{s:s,s:s,s:b,s:o,s:s?}", "group", group, "mode", groups_modes[mode], "executed", execute,
			      "partitions", groups_plan_json(&plan), "exported", export);
	if (!execute)
		json_object_set_new(r, "note",
				    json_string(active ? "preview only; the group has active members, so "
							 "--execute would be refused"
						       : "preview only: add --execute to apply"));
	cmd_ok(ctx, r);
out:
	lag_plan_clear(&plan);
	client_groups_free(&g, 1);
	model_unref(&m);
	return ctx->status;
}

static const struct out_col reset_fields[] = {
	{ "group", "Group", 0 },          { "mode", "Reset", 0 }, { "executed", "Executed", 0 },
	{ "exported", "Exported to", 0 }, { "note", "Note", 0 },  { 0 },
};
static const struct out_col reset_cols[] = {
	{ "topic", "topic", 0 },
	{ "partition", "partition", OUT_RIGHT },
	{ "current", "current", OUT_RIGHT },
	{ "new", "new", OUT_RIGHT },
	{ "delta", "delta", OUT_RIGHT },
	{ "clamped", "clamped", 0 },
	{ "start", "start", OUT_RIGHT | OUT_WIDE },
	{ "end", "end", OUT_RIGHT | OUT_WIDE },
	{ 0 },
};
static const struct out_table reset_tables[] = { { "partitions", reset_cols }, { 0 } };
static const struct out_view reset_view = { .fields = reset_fields, .tables = reset_tables };

/* --- group delete / delete-offsets ------------------------------------------------------------ */

static int cmd_group_delete_exec(struct cmd_ctx *ctx)
{
	const char *group = cmd_arg(ctx, "group");
	struct client *c;
	struct err e = { 0 };
	if (session_client(ctx->session, &c, &e) != CMD_OK || client_group_delete(c, group, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	return cmd_ok(ctx, json_pack("{s:s,s:b}", "group", group, "deleted", 1));
}

static int cmd_group_delete_offsets_exec(struct cmd_ctx *ctx)
{
	const char *group = cmd_arg(ctx, "group");
	struct client *c;
	struct model *m;
	if (groups_connect(ctx, &c, &m) != CMD_OK)
		return ctx->status;
	struct lag_plan plan = { 0 };
	struct group_info dummy = { .id = (char *)group };
	rd_kafka_topic_partition_list_t *l = NULL;
	if (!cmd_has(ctx, "topic")) {
		cmd_fail(ctx, CMD_USAGE, "give --topic T (repeatable)", "which topic's offsets? no --topic given");
		goto out;
	}
	if (groups_reset_targets(ctx, m, &dummy, &plan) != CMD_OK)
		goto out;
	if (plan.n == 0) {
		cmd_fail(ctx, CMD_FAILED, "check the topic with `topic describe`",
			 "no partitions to delete offsets of");
		goto out;
	}
	l = rd_kafka_topic_partition_list_new(plan.n);
	for (int i = 0; i < plan.n; i++)
		rd_kafka_topic_partition_list_add(l, plan.rows[i].topic, plan.rows[i].partition);
	struct err e = { 0 };
	if (client_group_delete_offsets(c, group, l, &e) != CMD_OK) {
		cmd_fail_err(ctx, &e);
		goto out;
	}
	json_t *a = json_array();
	for (int i = 0; i < l->cnt; i++) {
		rd_kafka_resp_err_t err = l->elems[i].err;
		json_array_append_new(a, json_pack("{s:s,s:i,s:b,s:s?}", "topic", l->elems[i].topic, "partition",
						   l->elems[i].partition, "deleted", err == 0, "error",
						   err ? rd_kafka_err2str(err) : NULL));
		if (err && ctx->error == NULL)
			cmd_fail(ctx, CMD_FAILED,
				 err == RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC
					 ? "the group's consumers still subscribe to the topic: stop them first"
					 : NULL,
				 "%s:%" PRId32 ": %s", l->elems[i].topic, l->elems[i].partition, rd_kafka_err2str(err));
	}
	if (ctx->error)
		json_decref(a);
	else
		cmd_ok(ctx, json_pack("{s:s,s:o}", "group", group, "partitions", a));
out:
	if (l)
		rd_kafka_topic_partition_list_destroy(l);
	lag_plan_clear(&plan);
	model_unref(&m);
	return ctx->status;
}

/* --- the table ------------------------------------------------------------------------------- */

static const struct cmd_pos groups_args[] = { { "pattern", CMD_ARG_PATTERN, CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_pos group_args[] = { { "group", CMD_ARG_GROUP, 0 }, { 0 } };
static const struct cmd_opt groups_opts[] = {
	{ "state", 's', CMD_ARG_STRING, 0, "only groups in this state (Stable, Empty, PreparingRebalance, ...)" },
	{ "sparklines", 0, CMD_ARG_NONE, 0, "add lag sparklines of the last hour from the stored history (sparkline)" },
	{ "window", 0, CMD_ARG_STRING, 0, "judge each group's status over this much stored history (default 10m)" },
	{ 0 },
};
static const struct cmd_opt lag_opts[] = {
	{ "min", 0, CMD_ARG_INT, 0, "only groups with at least this total lag" },
	{ "top", 0, CMD_ARG_INT, 0, "only the K groups with the most lag" },
	{ "state", 's', CMD_ARG_STRING, 0, "only groups in this state" },
	{ "sparklines", 0, CMD_ARG_NONE, 0, "add lag sparklines of the last hour from the stored history (sparkline)" },
	{ "window", 0, CMD_ARG_STRING, 0, "judge each group's status over this much stored history (default 10m)" },
	{ 0 },
};
static const struct cmd_opt group_lag_opts[] = {
	{ "topic", 't', CMD_ARG_TOPIC, 0, "only this topic (all its partitions, committed or not)" },
	{ "wait-max", 0, CMD_ARG_INT, CMD_OPT_WAITS,
	  "wait until the total lag is at most N (exit 0), or fail at --timeout" },
	{ "timeout", 0, CMD_ARG_STRING, 0, "with --wait-max: give up after this long (seconds or 2m; default 300)" },
	{ "interval", 0, CMD_ARG_STRING, 0, "with --wait-max: time between samples, at least 100ms (default 1 s)" },
	{ "sparklines", 0, CMD_ARG_NONE, 0, "add lag sparklines of the last hour from the stored history (sparkline)" },
	{ "window", 0, CMD_ARG_STRING, 0, "judge each group's status over this much stored history (default 10m)" },
	{ 0 },
};
static const struct cmd_opt reset_opts[] = {
	{ "topic", 't', CMD_ARG_TOPIC_PARTS, CMD_OPT_REPEAT, "TOPIC or TOPIC:P,P,... (ranges 0-3 too)" },
	{ "all-topics", 0, CMD_ARG_NONE, 0, "every partition the group has committed offsets for" },
	{ "to-earliest", 0, CMD_ARG_NONE, 0, "to the log start" },
	{ "to-latest", 0, CMD_ARG_NONE, 0, "to the log end (skip everything)" },
	{ "to-offset", 0, CMD_ARG_INT, 0, "to this offset" },
	{ "to-datetime", 0, CMD_ARG_STRING, 0, "to the first message at or after this ISO 8601 time" },
	{ "by-duration", 0, CMD_ARG_STRING, 0, "to the first message of this long ago (PT1H, 1h30m, -1h)" },
	{ "shift-by", 0, CMD_ARG_STRING, 0, "move the committed offset by +N or -N" },
	{ "from-file", 0, CMD_ARG_FILE, 0, "apply a plan written by --export (or Kafka's CSV)" },
	{ "export", 0, CMD_ARG_FILE, 0, "write the plan as CSV to this file" },
	{ "execute", 0, CMD_ARG_NONE, CMD_OPT_WRITES, "apply the plan (without it, only show it)" },
	{ 0 },
};
static const struct cmd_opt delete_opts[] = {
	{ "yes", 'y', CMD_ARG_NONE, 0, "do not ask for confirmation" },
	{ 0 },
};
static const struct cmd_opt delete_offsets_opts[] = {
	{ "topic", 't', CMD_ARG_TOPIC_PARTS, CMD_OPT_REPEAT, "TOPIC or TOPIC:P,P,..." },
	{ "yes", 'y', CMD_ARG_NONE, 0, "do not ask for confirmation" },
	{ 0 },
};

#define GROUPS_TYPE_DOC                                                                                                \
	"type is the group's kind: classic (members join with JoinGroup and assign partitions among themselves; "      \
	"also a group that only commits offsets) or consumer (KIP-848, `group.protocol=consumer`: the broker "         \
	"assigns), null when the broker does not say (the demo). protocol_type is the coordinator's protocol type: "   \
	"consumer (both kinds of consumer group), connect, ..., or simple for a group without one (offsets "           \
	"committed without membership). assignor is the classic group's partition assignor (range, roundrobin, "       \
	"cooperative-sticky; a Connect group's protocol), or the consumer group's server-side assignor (uniform, "     \
	"range), null when none. A consumer group that is Assigning or Reconciling shows state Unknown"

#define GROUPS_SUMMARY_DOC                                                                                             \
	"groups: [{group, state, type (classic|consumer|null), protocol_type (consumer|simple: groups of other "       \
	"protocol types, such as Kafka Connect's, are not listed; `group describe G` shows them), assignor, members, " \
	"coordinator (broker id or null), topics, "                                                                    \
	"total_lag (null when no end offset could be read), status (OK|WARN|STALL|STOP|ERR, or null when the "         \
	"stored history of --window (default 10m) is too short to judge; docs/monitoring.md), status_reason, error "   \
	"(only when the group could not be read)}], "                                                                  \
	"source (cluster|demo), note (demo only), committed_read_at, end_read_at, isolation (read_committed). "        \
	"With --sparklines (and in tables on a terminal) each group has sparkline: its stored total lag over the "     \
	"last hour, 16 cells (blocks in a UTF-8 locale, else ASCII; absent when nothing is stored). " GROUPS_TYPE_DOC

const struct cmd_entry cmd_groups_table[] = {
	{
		.name = "groups",
		.group = "groups",
		.args = groups_args,
		.opts = groups_opts,
		.help = "consumer groups with state, members, coordinator, topics and total lag; PATTERN is a glob or "
			"substring",
		.doc = "JSON: {" GROUPS_SUMMARY_DOC "}, sorted by group. Lag as in `group lag`; see docs/lag.md.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.view = &groups_view,
		.exec = cmd_groups_exec,
	},
	{
		.name = "lag",
		.group = "groups",
		.args = groups_args,
		.opts = lag_opts,
		.help = "every group (or those matching PATTERN) by total lag, largest first: the overview to open "
			"first",
		.doc = "JSON: {" GROUPS_SUMMARY_DOC "}, sorted by total_lag (largest first), then group.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.view = &groups_view,
		.exec = cmd_lag_exec,
	},
	{
		.name = "group describe",
		.group = "groups",
		.args = group_args,
		.help = "a group's state, type, coordinator, assignor and members with their partitions (and, in a "
			"consumer group, the partitions the broker is moving them to)",
		.doc = "JSON: {group, state, type, protocol_type, coordinator, assignor, members: [{member_id, "
		       "client_id, host, instance_id, partitions: [\"topic:partition\", ...], assignment (the same as "
		       "text: \"orders:0-3,7 payments:1\"), target_partitions, target_assignment}]}. " GROUPS_TYPE_DOC
		       ". target_partitions and target_assignment (as partitions and assignment) are a consumer "
		       "group's target assignment: what the broker's assignor gives the member, which it takes "
		       "over once it has released partitions other members are waiting for; equal to its "
		       "partitions when the group is stable. null in a classic group, where the broker keeps no "
		       "target. A group of another protocol type than consumer (Kafka Connect's), which "
		       "DescribeConsumerGroups refuses, is described by DescribeGroups: assignor is its protocol, "
		       "and its members' assignments, the protocol's own bytes, show as no partitions.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.demo_missing = { "describe groups", "DescribeGroups",
				  "`group lag GROUP` works on the demo from committed offsets" },
		.view = &describe_view,
		.exec = cmd_group_describe_exec,
	},
	{
		.name = "group lag",
		.group = "groups",
		.args = group_args,
		.opts = group_lag_opts,
		.help = "per-partition lag of a group: committed, log end, lag, owner; --wait-max N waits for it",
		.doc = "JSON: {group, state, type, protocol_type, assignor (as in `group describe`), members, "
		       "committed_read_at, end_read_at, isolation, partitions: [{topic, partition, committed (null: no "
		       "commit), end, lag, no_commit, start (only when no_commit), status, status_reason (the "
		       "partition's, as "
		       "the group's status and status_reason: docs/monitoring.md), member ({client_id, host, "
		       "member_id} "
		       "or null: the partition's owner), target_member (the same, or null: the member a consumer "
		       "group's target assignment gives it to; always null in a classic group)}], topics: [{topic, "
		       "partitions, lag}], total_lag, no_commit (count), waited_ms (with --wait-max), sparkline?}. "
		       "With --sparklines (and in tables "
		       "on "
		       "a terminal) sparkline is the stored total lag over the last hour (40 cells) and each partition "
		       "has one of its lag (16 cells); absent when nothing is stored. A partition without a committed "
		       "offset counts "
		       "its lag from the log start. With --wait-max N it samples every --interval until total_lag <= N "
		       "(exit 0) or --timeout passes (exit 1), printing progress on stderr (the TUI shows none); a "
		       "group not known yet, or with nothing committed yet, is waited for. The wait runs on a thread "
		       "of its own, so the TUI's views reload meanwhile; Ctrl-C or SIGTERM (Esc in the TUI) ends it "
		       "at once (exit 1, and a script stops).",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.view = &lag_view,
		.exec = cmd_group_lag_exec,
	},
	{
		.name = "group reset",
		.group = "groups",
		.args = group_args,
		.opts = reset_opts,
		.help = "plan (default) or --execute a reset of a group's committed offsets",
		.doc = "JSON: {group, mode, executed, exported (path or null), note (preview only), partitions: "
		       "[{topic, "
		       "partition, current (null: none), new, delta (null when no current), start, end, requested, "
		       "clamped (null|start|end)}]}. New offsets are clamped to [start, end]. The broker refuses "
		       "--execute while the group, classic or consumer, has members: kcon says so with the broker's "
		       "reason, and nothing is changed; stop the consumers first. --export writes CSV: "
		       "topic,partition,current,new,delta,clamped; "
		       "--from-file reads it back (or Kafka's topic,partition,offset).",
		.flags = CMD_NEEDS_CLUSTER | CMD_READ_ONLY,
		.view = &reset_view,
		.exec = cmd_group_reset_exec,
	},
	{
		.name = "group delete",
		.group = "groups",
		.args = group_args,
		.opts = delete_opts,
		.help = "delete a group and its committed offsets (it must have no members; asks for the name, or "
			"--yes)",
		.doc = "JSON: {group, deleted}. The broker refuses to delete a group, classic or consumer, while it "
		       "has members: kcon says so with the broker's reason.",
		.flags = CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE,
		/* librdkafka's client aborts on the mock's answer to these (2.14 too): never sent */
		.demo_missing = { "delete groups or their offsets", "DeleteGroups or OffsetDelete", NULL },
		.exec = cmd_group_delete_exec,
	},
	{
		.name = "group delete-offsets",
		.group = "groups",
		.args = group_args,
		.opts = delete_offsets_opts,
		.help = "delete a group's committed offsets for a topic (asks for the group name, or --yes)",
		.doc = "JSON: {group, partitions: [{topic, partition, deleted, error}]}. Refused for topics the "
		       "group's consumers subscribe to (classic or consumer group), with the broker's reason.",
		.flags = CMD_NEEDS_CLUSTER | CMD_DESTRUCTIVE,
		/* librdkafka's client aborts on the mock's answer to these (2.14 too): never sent */
		.demo_missing = { "delete groups or their offsets", "DeleteGroups or OffsetDelete", NULL },
		.exec = cmd_group_delete_offsets_exec,
	},
	{ 0 },
};
