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

/* The partitions' points as store_group_window() hands them, and the gaps to merge in. */
struct groupstatus_build {
	struct groupstatus *out;
	int64_t since, newest;
	const struct store_point *gaps; /* the group's outages in the window (gap points) */
	int ngaps;
	enum status_members members;
	/* the partition being collected */
	char *topic;
	int32_t partition;
	struct store_point seen;
	struct status_point *p;
	size_t n, cap;
};

static void groupstatus_add(struct groupstatus_build *b, int64_t ts, int64_t a, int64_t c, bool gap)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->p = x_reallocarray(b->p, b->cap, sizeof(*b->p));
	}
	b->p[b->n++] = (struct status_point){ ts, a, c, gap };
}

static int groupstatus_point_cmp(const void *x, const void *y)
{
	const struct status_point *a = x, *b = y;
	return a->ts_ms < b->ts_ms ? -1 : a->ts_ms > b->ts_ms;
}

/*
 * Judges the partition collected: the value it held at since (its seen values when they are that
 * old, else its newest row at or before since), the rows after it, its seen values when newer,
 * then those values again at the group's newest tick (a partition is stored only when it changes,
 * and then as a row at most every partition_interval: it held them then), and the group's gaps.
 */
static void groupstatus_flush(struct groupstatus_build *b)
{
	if (b->topic == NULL)
		return;
	size_t rows = b->n;
	if (b->seen.ts_ms >= 0 && b->seen.ts_ms <= b->since) {
		b->n = 0; /* unchanged since before the window: its seen values are its value throughout */
		groupstatus_add(b, b->seen.ts_ms, b->seen.a, b->seen.b, false);
	} else if (b->seen.ts_ms >= 0 && (rows == 0 || b->seen.ts_ms > b->p[rows - 1].ts_ms)) {
		groupstatus_add(b, b->seen.ts_ms, b->seen.a, b->seen.b, false);
	}
	if (b->n > 0) {
		/* a later tick, or the same second's tick with newer values; never the same sample twice */
		struct status_point last = b->p[b->n - 1], now = last;
		if (b->seen.ts_ms >= 0)
			now.committed = b->seen.a, now.end = b->seen.b;
		if (b->newest > last.ts_ms ||
		    (b->newest == last.ts_ms && (now.committed != last.committed || now.end != last.end)))
			groupstatus_add(b, b->newest, now.committed, now.end, false);
	}
	for (int i = 0; i < b->ngaps; i++)
		groupstatus_add(b, b->gaps[i].ts_ms, -1, -1, true);
	if (b->ngaps)
		qsort(b->p, b->n, sizeof(*b->p), groupstatus_point_cmp);
	struct groupstatus *out = b->out;
	out->parts = x_reallocarray(out->parts, (size_t)out->nparts + 1, sizeof(*out->parts));
	struct groupstatus_part *gp = &out->parts[out->nparts++];
	gp->topic = b->topic;
	gp->partition = b->partition;
	gp->r = status_eval(b->p, b->n, b->since, b->members);
	if (out->worst < 0 || gp->r.code > out->code) {
		out->code = gp->r.code;
		out->worst = out->nparts - 1;
		out->reason = gp->r.reason;
	}
	b->topic = NULL;
	b->n = 0;
}

static void groupstatus_row(void *ud, const char *topic, int32_t partition, const struct store_point *seen,
			    const struct store_point *row)
{
	struct groupstatus_build *b = ud;
	if (b->topic == NULL || b->partition != partition || strcmp(b->topic, topic) != 0) {
		groupstatus_flush(b);
		b->topic = x_strdup(topic);
		b->partition = partition;
		b->seen = *seen;
	}
	if (row->ts_ms >= 0)
		groupstatus_add(b, row->ts_ms, row->a, row->b, false);
}

int groupstatus_trend(struct store *s, const char *cluster, const char *group, int64_t since, struct trend *out,
		      char **cause)
{
	struct store_point *p = NULL;
	int n = 0;
	if (store_series(s, cluster, group, "", -1, since, &p, &n, cause) < 0)
		return -1;
	int64_t *ts = x_calloc((size_t)n + 1, sizeof(int64_t)), *lag = x_calloc((size_t)n + 1, sizeof(int64_t)),
		*com = x_calloc((size_t)n + 1, sizeof(int64_t));
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		if (p[i].gap) {
			k = 0;
			continue;
		}
		ts[k] = p[i].ts_ms, lag[k] = p[i].b, com[k++] = p[i].a;
	}
	*out = trend_of(ts, lag, com, NULL, k);
	free(ts);
	free(lag);
	free(com);
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
	if (out->newest_ms == 0) {
		free(agg);
		return 0;
	}
	out->state = store_group_state(s, cluster, group);
	struct groupstatus_build b = {
		.out = out, .since = since, .newest = out->newest_ms, .members = groupstatus_members(out->state)
	};
	for (int i = 0; i < nagg; i++)
		if (agg[i].gap)
			b.ngaps++;
	struct store_point *gaps = x_calloc((size_t)b.ngaps + 1, sizeof(*gaps));
	for (int i = 0, k = 0; i < nagg; i++)
		if (agg[i].gap)
			gaps[k++] = agg[i];
	b.gaps = gaps;
	int rc = store_group_window(s, cluster, group, since, groupstatus_row, &b, cause);
	groupstatus_flush(&b);
	free(b.p);
	free(gaps);
	free(agg);
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
