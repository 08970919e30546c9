#include "groupstatus.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "session.h"
#include "xalloc.h"

enum status_members groupstatus_members(const char *state)
{
	if (state == NULL || strcmp(state, "Unknown") == 0)
		return STATUS_MEMBERS_UNKNOWN;
	if (strcmp(state, "Empty") == 0 || strcmp(state, "Dead") == 0)
		return STATUS_MEMBERS_NONE;
	return STATUS_MEMBERS_SOME;
}

/*
 * The partition's points for the window: the value it held at since, the rows after it, and its
 * newest values (series.seen_*) at the group's newest tick: a partition is stored only when it
 * changes, and then as a row at most every partition_interval, so it held those values then.
 */
static int groupstatus_points(struct store *s, const char *cluster, const char *group, const char *topic, int32_t part,
			      int64_t since, int64_t newest, struct status_point **out, size_t *n, char **cause)
{
	struct store_point *p = NULL, before, last;
	int np = 0;
	int found = store_point_before(s, cluster, group, topic, part, since, &before, cause), have;
	if (found < 0 || store_series(s, cluster, group, topic, part, since, &p, &np, cause) < 0 ||
	    (have = store_point_before(s, cluster, group, topic, part, newest, &last, cause)) < 0) {
		free(p);
		return -1;
	}
	*out = x_calloc((size_t)np + 3, sizeof(**out));
	*n = 0;
	if (found)
		(*out)[(*n)++] = (struct status_point){ before.ts_ms, before.a, before.b, false };
	for (int i = 0; i < np; i++)
		if (p[i].gap || !found || p[i].ts_ms > before.ts_ms)
			(*out)[(*n)++] = (struct status_point){ p[i].ts_ms, p[i].gap ? -1 : p[i].a,
								p[i].gap ? -1 : p[i].b, p[i].gap };
	if (have && (*n == 0 || newest >= (*out)[*n - 1].ts_ms)) /* not while an outage goes on */
		(*out)[(*n)++] =
			(struct status_point){ newest > last.ts_ms ? newest : last.ts_ms, last.a, last.b, false };
	free(p);
	return 0;
}

int groupstatus_eval(struct store *s, const char *cluster, const char *group, int64_t now_ms, int64_t window_ms,
		     struct groupstatus *out, char **cause)
{
	memset(out, 0, sizeof(*out));
	out->worst = -1;
	out->reason = "no sample of the group in the window (is `kcon watch` running?)";
	int64_t since = now_ms - window_ms;
	struct store_point *agg = NULL;
	int nagg = 0;
	if (store_series(s, cluster, group, "", -1, since, &agg, &nagg, cause) < 0)
		return -1;
	for (int i = 0; i < nagg; i++)
		if (!agg[i].gap && agg[i].ts_ms > out->newest_ms)
			out->newest_ms = agg[i].ts_ms;
	free(agg);
	if (out->newest_ms == 0)
		return 0;
	out->state = store_group_state(s, cluster, group);
	enum status_members members = groupstatus_members(out->state);
	char **topics = NULL;
	int32_t *parts = NULL;
	int n = 0;
	if (store_group_partitions(s, cluster, group, NULL, &topics, &parts, &n, cause) < 0)
		return -1;
	out->parts = x_calloc((size_t)n + 1, sizeof(*out->parts));
	int rc = 0;
	for (int i = 0; i < n; i++) {
		struct status_point *p = NULL;
		size_t np = 0;
		if (rc == 0 && groupstatus_points(s, cluster, group, topics[i], parts[i], since, out->newest_ms, &p,
						  &np, cause) < 0)
			rc = -1;
		if (rc == 0) {
			struct groupstatus_part *gp = &out->parts[out->nparts++];
			gp->topic = topics[i];
			topics[i] = NULL;
			gp->partition = parts[i];
			gp->r = status_eval(p, np, since, members);
			if (out->worst < 0 || gp->r.code > out->code) {
				out->code = gp->r.code;
				out->worst = out->nparts - 1;
				out->reason = gp->r.reason;
			}
		}
		free(p);
		free(topics[i]);
	}
	free(topics);
	free(parts);
	if (out->nparts == 0)
		out->reason = "nothing committed is stored for the group";
	return rc;
}

void groupstatus_clear(struct groupstatus *g)
{
	for (int i = 0; i < g->nparts; i++)
		free(g->parts[i].topic);
	x_free(&g->parts);
	x_free(&g->state);
	g->nparts = 0;
}

static void groupstatus_set(json_t *o, const struct status_result *r)
{
	json_object_set_new(o, "status", r->code == STATUS_UNKNOWN ? json_null() : json_string(status_name(r->code)));
	json_object_set_new(o, "status_reason", json_string(r->reason));
}

/* Every row (and its partitions) without a status, for why. */
static void groupstatus_none(json_t *rows, const char *why)
{
	struct status_result r = { .code = STATUS_UNKNOWN, .reason = why };
	size_t i, k;
	json_t *row, *pr;
	json_array_foreach(rows, i, row)
	{
		groupstatus_set(row, &r);
		json_array_foreach(json_object_get(row, "partitions"), k, pr) groupstatus_set(pr, &r);
	}
}

void groupstatus_rows(struct session *s, json_t *rows, const char *key, int64_t window_ms)
{
	struct store *store;
	struct err e = { 0 };
	char *cluster = NULL, *cause = NULL;
	if (s->no_history) {
		groupstatus_none(rows, "history is off (--no-history): the status is judged from stored samples");
		return;
	}
	/* A command that only reads makes no store: with none yet there is nothing to judge. */
	char *path = s->store ? NULL : session_store_path(s, &e);
	bool absent = s->store == NULL && (path == NULL || access(path, F_OK) != 0);
	free(path);
	if (absent || session_store_read(s, &store, &e) != CMD_OK ||
	    (cluster = session_store_cluster_shown(s, store, &cause)) == NULL) {
		groupstatus_none(rows, "nothing stored of this cluster (is `kcon watch` running?)");
		err_clear(&e);
		free(cause);
		return;
	}
	int64_t now = clock_wall_ms();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		const char *name = json_string_value(json_object_get(row, key));
		struct groupstatus g;
		if (name == NULL || groupstatus_eval(store, cluster, name, now, window_ms, &g, &cause) < 0) {
			x_free(&cause);
			continue;
		}
		struct status_result r = { .code = g.code, .reason = g.reason };
		groupstatus_set(row, &r);
		size_t k;
		json_t *pr;
		json_array_foreach(json_object_get(row, "partitions"), k, pr)
		{
			const char *t = json_string_value(json_object_get(pr, "topic"));
			json_int_t pn = json_integer_value(json_object_get(pr, "partition"));
			struct status_result none = { .code = STATUS_UNKNOWN,
						      .reason = g.newest_ms ? "nothing stored for the partition"
									    : g.reason };
			const struct status_result *pick = &none;
			for (int j = 0; t && j < g.nparts; j++)
				if (g.parts[j].partition == pn && strcmp(g.parts[j].topic, t) == 0)
					pick = &g.parts[j].r;
			groupstatus_set(pr, pick);
		}
		groupstatus_clear(&g);
	}
	free(cluster);
	err_clear(&e);
}
