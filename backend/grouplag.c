#include "grouplag.h"

#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "clock.h"
#include "cmd.h"
#include "lag.h"
#include "xalloc.h"

void grouplag_init(struct grouplag *L, const struct model *m)
{
	L->m = m;
	L->off = x_calloc((size_t)m->ntopics + 1, sizeof(*L->off));
	L->end_ms = 0;
}

void grouplag_clear(struct grouplag *L)
{
	for (int i = 0; L->off && i < L->m->ntopics; i++)
		free(L->off[i]);
	x_free(&L->off);
}

struct grouplag_off *grouplag_off(struct grouplag *L, const char *topic, int32_t partition)
{
	const struct model_topic *t = model_topic_find(L->m, topic);
	if (t == NULL)
		return NULL;
	int ti = (int)(t - L->m->topics), pi = -1;
	if (partition >= 0 && partition < t->npartitions && t->partitions[partition].id == partition)
		pi = partition; /* ids are usually their index */
	for (int p = 0; pi < 0 && p < t->npartitions; p++)
		if (t->partitions[p].id == partition)
			pi = p;
	if (pi < 0)
		return NULL;
	if (L->off[ti] == NULL) {
		L->off[ti] = x_calloc((size_t)t->npartitions + 1, sizeof(struct grouplag_off));
		for (int p = 0; p < t->npartitions; p++)
			L->off[ti][p].start = L->off[ti][p].end = -1;
	}
	return &L->off[ti][pi];
}

/* Rows grouped by topic, partition order. */
static int grouplag_row_cmp(const void *a, const void *b)
{
	const struct grouplag_row *x = a, *y = b;
	int c = strcmp(x->topic, y->topic);
	return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

static struct grouplag_row *grouplag_row_find(struct grouplag_row *rows, int n, const char *topic, int32_t partition)
{
	struct grouplag_row key = { .topic = topic, .partition = partition };
	return n ? bsearch(&key, rows, (size_t)n, sizeof(*rows), grouplag_row_cmp) : NULL;
}

static void grouplag_add_row(struct grouplag_row **rows, int *n, struct grouplag *L, const char *topic,
			     int32_t partition)
{
	*rows = x_reallocarray(*rows, (size_t)*n + 1, sizeof(**rows));
	struct grouplag_row *r = &(*rows)[(*n)++];
	*r = (struct grouplag_row){ .topic = topic, .partition = partition, .committed = -1 };
	r->off = grouplag_off(L, topic, partition);
}

/* Adds name to the set topics (of *nt) unless it is there, or only is set and differs. */
static void grouplag_add_topic(const char ***topics, int *nt, const char *name, const char *only)
{
	if (only && strcmp(only, name) != 0)
		return;
	for (int k = 0; k < *nt; k++)
		if (strcmp((*topics)[k], name) == 0)
			return;
	*topics = x_reallocarray(*topics, (size_t)*nt + 1, sizeof(**topics));
	(*topics)[(*nt)++] = name;
}

/* Sets the field of the rows that l names (the first member to name a partition keeps it). */
static void grouplag_owners(struct grouplag_row *rows, int nrows, const rd_kafka_topic_partition_list_t *l,
			    const struct group_member *gm, bool target)
{
	for (int i = 0; l && i < l->cnt; i++) {
		struct grouplag_row *r = grouplag_row_find(rows, nrows, l->elems[i].topic, l->elems[i].partition);
		const struct group_member **slot = r ? (target ? &r->target : &r->member) : NULL;
		if (slot && *slot == NULL)
			*slot = gm;
	}
}

void grouplag_rows(struct grouplag *L, const struct group_info *g, const char *topic, struct grouplag_row **rows,
		   int *nrows)
{
	*rows = NULL, *nrows = 0;
	/* Topics first: committed, assigned, asked for. */
	const char **topics = NULL;
	int nt = 0;
	const rd_kafka_topic_partition_list_t *cl = g->committed;
	for (int i = 0; cl && i < cl->cnt; i++)
		if (cl->elems[i].offset >= 0)
			grouplag_add_topic(&topics, &nt, cl->elems[i].topic, topic);
	for (int j = 0; j < g->nmembers; j++) {
		const struct group_member *gm = &g->members[j];
		for (int i = 0; i < gm->assigned->cnt; i++)
			grouplag_add_topic(&topics, &nt, gm->assigned->elems[i].topic, topic);
		for (int i = 0; gm->target && i < gm->target->cnt; i++)
			grouplag_add_topic(&topics, &nt, gm->target->elems[i].topic, topic);
	}
	if (topic)
		grouplag_add_topic(&topics, &nt, topic, topic);
	for (int k = 0; k < nt; k++) {
		const struct model_topic *t = model_topic_find(L->m, topics[k]);
		for (int p = 0; t && p < t->npartitions; p++)
			grouplag_add_row(rows, nrows, L, t->name, t->partitions[p].id);
		/* Committed partitions the metadata does not know (a deleted topic) still show. */
		for (int i = 0; cl && i < cl->cnt; i++)
			if (cl->elems[i].offset >= 0 && strcmp(cl->elems[i].topic, topics[k]) == 0 &&
			    (t == NULL || grouplag_off(L, cl->elems[i].topic, cl->elems[i].partition) == NULL))
				grouplag_add_row(rows, nrows, L, cl->elems[i].topic, cl->elems[i].partition);
	}
	free(topics);
	/* Sorted rows, then committed offsets and owners looked up: no scan per row. */
	if (*nrows > 1)
		qsort(*rows, (size_t)*nrows, sizeof(**rows), grouplag_row_cmp);
	for (int i = 0; cl && i < cl->cnt; i++) {
		struct grouplag_row *r = grouplag_row_find(*rows, *nrows, cl->elems[i].topic, cl->elems[i].partition);
		if (r && cl->elems[i].offset >= 0 && !cl->elems[i].err)
			r->committed = cl->elems[i].offset;
	}
	for (int j = 0; j < g->nmembers; j++) {
		grouplag_owners(*rows, *nrows, g->members[j].assigned, &g->members[j], false);
		grouplag_owners(*rows, *nrows, g->members[j].target, &g->members[j], true);
	}
	for (int i = 0; i < *nrows; i++) {
		struct grouplag_row *r = &(*rows)[i];
		if (r->off) {
			r->off->need_end = true;
			if (r->committed < 0)
				r->off->need_start = true;
		}
	}
}

/* Marks the end (or start) offset of every partition of every topic that is not internal as needed. */
static void grouplag_need_all(struct grouplag *L, bool start)
{
	for (int i = 0; i < L->m->ntopics; i++) {
		const struct model_topic *t = &L->m->topics[i];
		for (int p = 0; !t->internal && p < t->npartitions; p++) {
			struct grouplag_off *o = grouplag_off(L, t->name, t->partitions[p].id);
			if (start)
				o->need_start = true;
			else
				o->need_end = true;
		}
	}
}

void grouplag_need_all_ends(struct grouplag *L)
{
	grouplag_need_all(L, false);
}

void grouplag_need_all_starts(struct grouplag *L)
{
	grouplag_need_all(L, true);
}

void grouplag_requests(const struct grouplag *L, rd_kafka_topic_partition_list_t **ends,
		       rd_kafka_topic_partition_list_t **starts)
{
	*ends = rd_kafka_topic_partition_list_new(1024);
	*starts = rd_kafka_topic_partition_list_new(64);
	for (int ti = 0; ti < L->m->ntopics; ti++) {
		const struct model_topic *t = &L->m->topics[ti];
		for (int p = 0; L->off[ti] && p < t->npartitions; p++) {
			if (L->off[ti][p].need_end)
				rd_kafka_topic_partition_list_add(*ends, t->name, t->partitions[p].id)->offset =
					RD_KAFKA_OFFSET_END;
			if (L->off[ti][p].need_start)
				rd_kafka_topic_partition_list_add(*starts, t->name, t->partitions[p].id)->offset =
					RD_KAFKA_OFFSET_BEGINNING;
		}
	}
}

void grouplag_answers(struct grouplag *L, const rd_kafka_topic_partition_list_t *ends,
		      const rd_kafka_topic_partition_list_t *starts)
{
	for (int pass = 0; pass < 2; pass++) {
		const rd_kafka_topic_partition_list_t *l = pass ? starts : ends;
		for (int i = 0; l && i < l->cnt; i++) {
			struct grouplag_off *o = grouplag_off(L, l->elems[i].topic, l->elems[i].partition);
			int64_t v = l->elems[i].err || l->elems[i].offset < 0 ? -1 : l->elems[i].offset;
			if (o && pass)
				o->start = v;
			else if (o)
				o->end = v;
		}
	}
}

int grouplag_fetch(struct client *c, struct grouplag *L, struct err *e)
{
	rd_kafka_topic_partition_list_t *ends, *starts;
	grouplag_requests(L, &ends, &starts);
	int rc = client_list_offsets(c, ends, e);
	L->end_ms = clock_wall_ms();
	if (rc == CMD_OK && starts->cnt)
		rc = client_list_offsets(c, starts, e);
	if (rc == CMD_OK)
		grouplag_answers(L, ends, starts);
	rd_kafka_topic_partition_list_destroy(ends);
	rd_kafka_topic_partition_list_destroy(starts);
	return rc;
}

int64_t grouplag_row_lag(const struct grouplag_row *r, bool *no_commit)
{
	return lag_of(r->committed, r->off ? r->off->start : -1, r->off ? r->off->end : -1, no_commit);
}

struct grouplag_total grouplag_total(const struct grouplag_row *rows, int nrows)
{
	struct grouplag_total t = { .known = true };
	for (int i = 0; i < nrows; i++) {
		bool nc;
		int64_t l = grouplag_row_lag(&rows[i], &nc);
		t.no_commit += nc;
		if (l < 0)
			t.known = false;
		else
			t.lag += l;
		if (i == 0 || strcmp(rows[i].topic, rows[i - 1].topic) != 0)
			t.topics++;
	}
	return t;
}
