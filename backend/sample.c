#include "sample.h"

#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "client_groups.h"
#include "clock.h"
#include "cmd.h"
#include "demo.h"
#include "grouplag.h"
#include "names.h"
#include "store.h"
#include "storeckpt.h"
#include "session.h"
#include "xalloc.h"

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

int sample_tick(struct session *s, const char *groups, unsigned flags, struct sample_stats *st, struct err *e)
{
	struct store *store;
	struct client *c;
	struct model *m = NULL;
	memset(st, 0, sizeof(*st));
	st->ts_ms = clock_wall_ms();
	if (session_store(s, &store, e) != CMD_OK)
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
		if (flags & SAMPLE_LOG_STARTS)
			grouplag_need_all_starts(&L);
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
	if (flags & SAMPLE_LOG_STARTS) {
		size_t n = 1;
		for (int i = 0; i < m->ntopics; i++)
			n += m->topics[i].internal ? 0 : (size_t)m->topics[i].npartitions;
		st->starts = x_calloc(n, sizeof(*st->starts));
	}
	for (int i = 0; i < m->ntopics; i++)
		for (int p = 0; !m->topics[i].internal && p < m->topics[i].npartitions; p++, st->topic_partitions++) {
			const struct model_topic *mt = &m->topics[i];
			const struct grouplag_off *off = grouplag_off(&L, mt->name, mt->partitions[p].id);
			store_tick_topic_partition(t, mt->name, mt->partitions[p].id, off->end);
			if (st->starts)
				st->starts[st->nstarts++] =
					(struct sample_start){ x_strdup(mt->name), mt->partitions[p].id, off->start };
		}
	if (st->nstarts > 1)
		qsort(st->starts, (size_t)st->nstarts, sizeof(*st->starts), sample_start_cmp);
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
	} else {
		char *why = storeckpt_notice(store_checkpointer(store)); /* once: its thread broke */
		if (why)
			note_send(&s->note, "%s", why);
		free(why);
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
	sample_starts_free(&st->starts, st->nstarts);
	st->nstarts = 0;
}

int sample_start_cmp(const void *a, const void *b)
{
	const struct sample_start *x = a, *y = b;
	int c = strcmp(x->topic, y->topic);
	return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

void sample_starts_free(struct sample_start **starts, int n)
{
	for (int i = 0; *starts && i < n; i++)
		free((*starts)[i].topic);
	x_free(starts);
}

int *sample_min_isr(struct session *s, const struct model *m, const char *topics)
{
	struct client *c;
	struct err e = { 0 };
	bool *want = x_calloc((size_t)m->ntopics + 1, sizeof(bool));
	int n = 0;
	for (int i = 0; i < m->ntopics; i++) {
		const struct model_topic *t = &m->topics[i];
		bool shrunk = false;
		for (int p = 0; p < t->npartitions && !shrunk; p++)
			shrunk = t->partitions[p].nisr < t->partitions[p].nreplicas;
		n += want[i] = shrunk && names_match(topics, t->name);
	}
	int *min = NULL;
	if (n == 0)
		min = x_calloc((size_t)m->ntopics + 1, sizeof(int));
	else if (session_client(s, &c, &e) == CMD_OK)
		min = client_min_isr(c, m, want);
	err_clear(&e);
	free(want);
	return min;
}

long sample_under_min_isr(struct session *s, const struct model *m)
{
	int *min = sample_min_isr(s, m, NULL);
	if (min == NULL)
		return -1;
	long n = 0;
	for (int i = 0; i < m->ntopics; i++)
		for (int p = 0; min[i] > 0 && p < m->topics[i].npartitions; p++)
			n += !m->topics[i].partitions[p].offline && m->topics[i].partitions[p].nisr < min[i];
	free(min);
	return n;
}
