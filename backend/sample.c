#include "clock.h"
#include "sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "client_groups.h"
#include "cmd.h"
#include "demo.h"
#include "grouplag.h"
#include "names.h"
#include "session.h"
#include "trend.h"
#include "xalloc.h"

char *sample_store_path(struct session *s, struct err *e)
{
	if (s->no_history) {
		err_set(e, CMD_FAILED, "run without --no-history", "history is off (--no-history)");
		return NULL;
	}
	char *notice = NULL, *cause = NULL;
	char *dir = store_state_dir(s->state_dir, &notice, &cause);
	if (dir == NULL) {
		err_set(e, CMD_FAILED, "give --state-dir DIR or KCON_STATE_DIR, or --no-history", "%s", cause);
		free(cause);
		return NULL;
	}
	if (notice)
		note_send(&s->note, "%s", notice);
	free(notice);
	char *path = x_asprintf("%s/history.db", dir);
	free(dir);
	return path;
}

/*
 * The session's store, opened on first use; a read-only one is opened again for writing when write.
 * With no writable state dir and none asked for (no HOME, no /tmp: a pod's read-only root), history
 * is off for the session, said once.
 */
static int sample_store_open(struct session *s, bool write, struct store **out, struct err *e)
{
	*out = NULL;
	if (s->history_off)
		return err_set(e, CMD_FAILED, "give --state-dir DIR or KCON_STATE_DIR",
			       "history is off: no writable state dir");
	if (s->store && write && store_readonly(s->store))
		store_close(&s->store);
	if (s->store == NULL) {
		char *path = sample_store_path(s, e);
		const char *env = getenv("KCON_STATE_DIR");
		if (path == NULL && !s->no_history && s->state_dir == NULL && (env == NULL || *env == '\0')) {
			note_send(&s->note, "history is off: %s", e->cause);
			s->history_off = true;
		}
		if (path == NULL)
			return e->status;
		struct store_opts opts = { 0 };
		const char *spec = s->retention ? s->retention : s->conf.retention;
		char *notice = NULL, *cause = NULL;
		if (spec && store_opts_parse(spec, &opts, &cause) < 0) {
			err_set(e, CMD_USAGE, "fix --retention or the config file's retention (docs/history.md)", "%s",
				cause);
			free(cause);
			free(path);
			return CMD_USAGE;
		}
		s->store = write ? store_open(path, &opts, &notice, &cause)
				 : store_open_read(path, &opts, &notice, &cause);
		if (notice)
			note_send(&s->note, "%s", notice);
		free(notice);
		if (s->store == NULL) {
			const char *hint = store_hint(path);
			err_set(e, CMD_FAILED,
				hint ? hint
				     : "try again; if it persists, move history.db aside (docs/history.md), or run "
				       "with "
				       "--no-history",
				"%s", cause);
			free(cause);
			free(path);
			return CMD_FAILED;
		}
		free(path);
	}
	*out = s->store;
	return CMD_OK;
}

int sample_store(struct session *s, struct store **out, struct err *e)
{
	return sample_store_open(s, true, out, e);
}

int sample_store_read(struct session *s, struct store **out, struct err *e)
{
	return sample_store_open(s, false, out, e);
}

char *sample_cluster(struct session *s, struct store *store, const char *key, struct err *e)
{
	char *cause = NULL;
	char *out = store_cluster(store, key, key ? NULL : s->conf.bootstrap, &cause);
	if (out == NULL) {
		err_set(e, CMD_FAILED, key ? "`history sql \"SELECT key FROM cluster\"` lists the clusters" : NULL,
			"%s", cause);
		free(cause);
	}
	return out;
}

/* The cluster whose history the session shows: the one last seen through its bootstrap (no other), else the last. */
static char *sample_cluster_shown(struct session *s, struct store *store, char **cause)
{
	return s->conf.bootstrap ? store_cluster_of(store, s->conf.bootstrap) : store_cluster(store, NULL, NULL, cause);
}

/* Groups with their committed offsets (the demo's own groups on --demo: its mock cannot list them). */
static int sample_groups(struct session *s, struct client *c, const struct model *m, const char *pattern,
			 struct group_info **out, int *n, struct err *e)
{
	struct group_info *all = NULL;
	int nall = 0, k = 0;
	if (s->demo) {
		size_t nd = 0;
		const char *const *names = demo_groups(s->demo, &nd);
		all = x_calloc(nd + 1, sizeof(*all));
		for (size_t i = 0; i < nd; i++) {
			all[i].id = x_strdup(names[i]);
			all[i].coordinator = -1;
		}
		nall = (int)nd;
	} else if (client_groups_list(c, &all, &nall, e) != CMD_OK) {
		return e->status;
	}
	for (int i = 0; i < nall; i++) {
		if (names_match(pattern, all[i].id)) {
			struct group_info tmp = all[k];
			all[k++] = all[i];
			all[i] = tmp;
		}
	}
	rd_kafka_topic_partition_list_t *parts = NULL;
	if (s->demo) {
		parts = rd_kafka_topic_partition_list_new(64);
		for (int i = 0; i < m->ntopics; i++)
			for (int p = 0; !m->topics[i].internal && p < m->topics[i].npartitions; p++)
				rd_kafka_topic_partition_list_add(parts, m->topics[i].name,
								  m->topics[i].partitions[p].id);
	}
	int rc = client_groups_fetch(c, all, k, (s->demo ? 0 : CLIENT_GROUPS_DESCRIBE) | CLIENT_GROUPS_OFFSETS, parts,
				     e);
	if (parts)
		rd_kafka_topic_partition_list_destroy(parts);
	if (rc != CMD_OK) {
		client_groups_free(&all, nall);
		return rc;
	}
	/* keep the matching ones only */
	for (int i = k; i < nall; i++) {
		struct group_info *one = x_calloc(1, sizeof(*one));
		*one = all[i];
		client_groups_free(&one, 1);
	}
	*out = all;
	*n = k;
	return CMD_OK;
}

int sample_tick(struct session *s, const char *groups, struct sample_stats *st, struct err *e)
{
	struct store *store;
	struct client *c;
	struct model *m = NULL;
	memset(st, 0, sizeof(*st));
	st->ts_ms = clock_wall_ms();
	if (sample_store(s, &store, e) != CMD_OK)
		return e->status;
	int rc = session_client(s, &c, e);
	if (rc == CMD_OK)
		rc = client_metadata(c, 0, &m, e);
	struct group_info *g = NULL;
	int ng = 0;
	struct grouplag L = { 0 };
	if (rc == CMD_OK) {
		st->cluster = x_strdup(m->cluster_id ? m->cluster_id : client_bootstrap(c));
		rc = sample_groups(s, c, m, groups, &g, &ng, e);
	}
	if (rc == CMD_OK) {
		grouplag_init(&L, m);
		grouplag_need_all_ends(&L);
		rc = grouplag_fetch(c, &L, e);
		st->ts_ms = clock_wall_ms();
	}
	if (rc != CMD_OK) {
		/*
		 * Unreachable: a gap in the history of the cluster last seen through this bootstrap (none
		 * other). A cluster that answered but refused (an ACL, a coordinator) is not down: an event.
		 */
		if (st->cluster == NULL)
			st->cluster = store_cluster_of(store, s->conf.bootstrap);
		if (st->cluster == NULL)
			st->unrecorded = x_strdup("the store knows no cluster behind this bootstrap yet");
		else if (rc == CMD_UNREACHABLE)
			st->gap = store_gap(store, st->cluster, st->ts_ms, e->cause, &st->unrecorded) == 0;
		else
			st->event = store_sample_failed(store, st->cluster, st->ts_ms, e->cause, &st->unrecorded) == 0;
		goto out;
	}
	struct store_tick *t = store_tick_begin(store, st->cluster, client_bootstrap(c), st->ts_ms);
	store_tick_model(t, m);
	for (int i = 0; i < m->ntopics; i++)
		for (int p = 0; !m->topics[i].internal && p < m->topics[i].npartitions; p++, st->topic_partitions++) {
			const struct model_topic *mt = &m->topics[i];
			store_tick_topic_partition(t, mt->name, mt->partitions[p].id,
						   grouplag_off(&L, mt->name, mt->partitions[p].id)->end);
		}
	for (int i = 0; i < ng; i++) {
		store_tick_group(t, g[i].id, s->demo ? NULL : rd_kafka_consumer_group_state_name(g[i].state),
				 client_group_type_name(g[i].type));
		st->groups++;
		for (int k = 0; g[i].committed && k < g[i].committed->cnt; k++) {
			const rd_kafka_topic_partition_t *tp = &g[i].committed->elems[k];
			const struct grouplag_off *off = grouplag_off(&L, tp->topic, tp->partition);
			if (tp->offset < 0 && s->demo)
				continue; /* the demo asks for every partition */
			store_tick_group_partition(t, g[i].id, tp->topic, tp->partition, tp->err ? -1 : tp->offset,
						   off ? off->end : -1);
			st->group_partitions++;
		}
	}
	char *cause = NULL;
	if (store_tick_commit(&t, &cause) < 0) {
		const char *hint = store_hint(store_path(store));
		rc = err_set(e, CMD_FAILED, hint ? hint : "another kcon may hold the store busy; the next tick retries",
			     "%s", cause);
		free(cause);
	}
out:
	if (L.m)
		grouplag_clear(&L);
	client_groups_free(&g, ng);
	model_unref(&m);
	return rc;
}

void sample_stats_clear(struct sample_stats *st)
{
	x_free(&st->cluster);
	x_free(&st->unrecorded);
}

/* Keeps fresh metadata as the cluster's last snapshot (the store writes it only when it changed). */
static void sample_record_model(struct session *s, struct client *c, const struct model *m)
{
	struct store *store;
	struct err e = { 0 };
	/* A new snapshot of 100,000 partitions takes 0.3 s to write: not in a view's first answer. */
	if (s->demo || s->tick_records || sample_store(s, &store, &e) != CMD_OK) {
		err_clear(&e);
		return;
	}
	char *cause = NULL;
	struct store_tick *t = store_tick_begin(store, m->cluster_id ? m->cluster_id : client_bootstrap(c),
						client_bootstrap(c), m->fetched_ms);
	store_tick_model(t, m);
	if (store_tick_commit(&t, &cause) < 0)
		free(cause); /* busy: the next command records it */
}

int sample_metadata(struct session *s, bool stored, struct client **c, struct model **out, struct sample_stale *st,
		    struct err *e)
{
	memset(st, 0, sizeof(*st));
	*out = NULL;
	*c = NULL;
	bool offline = s->offline || stored;
	int rc = stored ? err_set(e, CMD_UNREACHABLE, NULL, "--stored: not asking the cluster")
			: session_client(s, c, e);
	if (rc == CMD_OK && (rc = client_metadata(*c, 1000, out, e)) == CMD_OK) {
		sample_record_model(s, *c, *out);
		return CMD_OK;
	}
	*c = NULL;
	if (rc != CMD_UNREACHABLE || s->demo)
		return rc;
	/* Unreachable (or --offline): what the store last knew of the cluster behind this bootstrap. */
	struct store *store;
	struct err se = { 0 };
	char *cluster = NULL, *cause = NULL;
	if (sample_store_read(s, &store, &se) == CMD_OK && (cluster = sample_cluster_shown(s, store, &cause)) != NULL &&
	    store_last_model(store, cluster, out, &st->seen_ms, &cause) == 0) {
		st->stale = true;
		st->reason = x_strdup(s->offline ? "--offline" : stored ? "--stored" : e->cause);
		if (offline) {
			err_clear(e);
			rc = CMD_OK;
		}
	} else if (offline) {
		err_set(e, CMD_UNREACHABLE,
			"run it once without --offline (or `kcon watch`) to store one; `history snapshot` shows what "
			"is stored",
			"%s: no stored snapshot of the cluster%s%s", s->offline ? "--offline" : "--stored",
			cause || se.cause ? ": " : "",
			cause      ? cause
			: se.cause ? se.cause
				   : "");
	}
	free(cause);
	free(cluster);
	err_clear(&se);
	return rc;
}

json_t *sample_stale_json(const struct sample_stale *st)
{
	int64_t age = clock_wall_ms() - st->seen_ms;
	return json_pack("{s:o,s:I,s:s}", "seen_at", clock_json(st->seen_ms), "age_s",
			 (json_int_t)(age > 0 ? age / 1000 : 0), "reason", st->reason ? st->reason : "");
}

void sample_stale_clear(struct sample_stale *st)
{
	x_free(&st->reason);
	st->stale = false;
}

bool sample_sparklines_wanted(const struct session *s, const char *output, bool asked, bool *utf8)
{
	int f = output ? output_format_parse(output) : (int)s->format;
	const char *env[] = { "LC_ALL", "LC_CTYPE", "LANG" }, *loc = "";
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]) && !*loc; i++)
		if (getenv(env[i]))
			loc = getenv(env[i]);
	*utf8 = strcasestr(loc, "utf-8") || strcasestr(loc, "utf8");
	return asked || (f == OUT_TABLE && s->width > 0); /* the width is known only when stdout is a terminal */
}

void sample_spark_values(enum sample_spark what, bool total, const struct store_point *p, int n, int64_t *out)
{
	if (what == SAMPLE_SPARK_RATE) {
		int64_t *ts = x_calloc((size_t)n + 1, sizeof(int64_t)), *a = x_calloc((size_t)n + 1, sizeof(int64_t));
		for (int i = 0; i < n; i++) {
			ts[i] = p[i].ts_ms;
			a[i] = p[i].gap ? -1 : p[i].a;
		}
		trend_rates(ts, a, (size_t)n, out);
		free(ts);
		free(a);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (p[i].gap)
			out[i] = -1;
		else if (total)
			out[i] = p[i].b;
		else
			out[i] = p[i].a >= 0 && p[i].b >= p[i].a ? p[i].b - p[i].a : -1;
	}
}

char *sample_sparkline(struct session *s, enum sample_spark what, const char *group, const char *topic,
		       int32_t partition, int64_t since_ms, int width, bool utf8)
{
	struct store *store;
	struct err e = { 0 };
	char *cluster = NULL, *out = NULL, *cause = NULL;
	struct store_point *p = NULL;
	int n = 0;
	if (sample_store_read(s, &store, &e) == CMD_OK && (cluster = sample_cluster_shown(s, store, &cause)) != NULL &&
	    store_series(store, cluster, group, topic, partition, since_ms, &p, &n, &cause) == 0 && n > 0) {
		int64_t *v = x_calloc((size_t)n, sizeof(int64_t));
		sample_spark_values(what, partition < 0, p, n, v);
		bool known = false;
		for (int i = 0; i < n && !known; i++)
			known = v[i] >= 0;
		if (known) /* one point has no rate: nothing to draw yet */
			out = trend_sparkline(v, (size_t)n, width, utf8);
		free(v);
	}
	free(p);
	free(cause);
	free(cluster);
	err_clear(&e);
	return out;
}

void sample_sparkline_rows(struct session *s, enum sample_spark what, json_t *rows, const char *key, bool utf8)
{
	int64_t since = clock_wall_ms() - 3600 * 1000;
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		const char *name = json_string_value(json_object_get(row, key));
		if (name == NULL)
			continue;
		char *spark = what == SAMPLE_SPARK_LAG ? sample_sparkline(s, what, name, "", -1, since, 16, utf8)
						       : sample_sparkline(s, what, "", name, -1, since, 16, utf8);
		if (spark)
			json_object_set_new(row, "sparkline", json_string(spark));
		free(spark);
	}
}
