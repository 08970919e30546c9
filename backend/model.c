#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

bool model_topic_is_internal(const char *name)
{
	return name[0] == '_' && name[1] == '_';
}

static int model_cmp_topic(const void *a, const void *b)
{
	return strcmp(((const struct model_topic *)a)->name, ((const struct model_topic *)b)->name);
}

static int model_cmp_broker(const void *a, const void *b)
{
	int32_t x = ((const struct model_broker *)a)->id, y = ((const struct model_broker *)b)->id;
	return (x > y) - (x < y);
}

static int model_cmp_partition(const void *a, const void *b)
{
	int32_t x = ((const struct model_partition *)a)->id, y = ((const struct model_partition *)b)->id;
	return (x > y) - (x < y);
}

/* Whether n members of size each are in cmp's order already (a topic's partitions mostly come in id order). */
static bool model_sorted(const void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	const char *p = base;
	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			return false;
	return true;
}

/* qsort, skipped when nothing is out of place: glibc's merge sort copies and allocates even then. */
static void model_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (!model_sorted(base, n, size, cmp))
		qsort(base, n, size, cmp);
}

struct model *model_new(const struct rd_kafka_metadata *md, const char *cluster_id, int32_t controller,
			int64_t fetched_ms)
{
	struct model *m = x_calloc(1, sizeof(*m));
	atomic_init(&m->refs, 1);
	m->cluster_id = x_strdup(cluster_id);
	m->controller = controller;
	m->fetched_ms = fetched_ms;

	m->nbrokers = md->broker_cnt;
	m->brokers = x_calloc((size_t)md->broker_cnt, sizeof(*m->brokers));
	for (int i = 0; i < md->broker_cnt; i++) {
		m->brokers[i].id = md->brokers[i].id;
		m->brokers[i].host = x_strdup(md->brokers[i].host);
		m->brokers[i].port = md->brokers[i].port;
	}
	qsort(m->brokers, (size_t)m->nbrokers, sizeof(*m->brokers), model_cmp_broker);

	size_t pool = 0;
	for (int t = 0; t < md->topic_cnt; t++)
		for (int p = 0; p < md->topics[t].partition_cnt; p++)
			pool += (size_t)md->topics[t].partitions[p].replica_cnt +
				(size_t)md->topics[t].partitions[p].isr_cnt;
	m->pool = x_calloc(pool, sizeof(int32_t));
	int32_t *next = m->pool;

	m->ntopics = md->topic_cnt;
	m->topics = x_calloc((size_t)md->topic_cnt, sizeof(*m->topics));
	for (int t = 0; t < md->topic_cnt; t++) {
		const rd_kafka_metadata_topic_t *mt = &md->topics[t];
		struct model_topic *tp = &m->topics[t];
		tp->name = x_strdup(mt->topic);
		tp->err = mt->err;
		tp->internal = model_topic_is_internal(mt->topic);
		tp->npartitions = mt->partition_cnt;
		tp->partitions = x_calloc((size_t)mt->partition_cnt, sizeof(*tp->partitions));
		for (int p = 0; p < mt->partition_cnt; p++) {
			const rd_kafka_metadata_partition_t *mp = &mt->partitions[p];
			struct model_partition *pp = &tp->partitions[p];
			pp->id = mp->id;
			pp->leader = mp->leader;
			pp->err = mp->err;
			pp->nreplicas = mp->replica_cnt;
			pp->replicas = next;
			if (mp->replica_cnt > 0)
				memcpy(next, mp->replicas, sizeof(int32_t) * (size_t)mp->replica_cnt);
			next += mp->replica_cnt;
			pp->nisr = mp->isr_cnt;
			pp->isr = next;
			if (mp->isr_cnt > 0)
				memcpy(next, mp->isrs, sizeof(int32_t) * (size_t)mp->isr_cnt);
			next += mp->isr_cnt;
			pp->offline = mp->leader < 0 || mp->err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE;
			pp->under_replicated = mp->isr_cnt < mp->replica_cnt;
			tp->offline += pp->offline;
			tp->under_replicated += pp->under_replicated;
			if (mp->replica_cnt > tp->replication_factor)
				tp->replication_factor = mp->replica_cnt;
		}
		model_sort(tp->partitions, (size_t)tp->npartitions, sizeof(*tp->partitions), model_cmp_partition);
		m->npartitions += tp->npartitions;
		m->offline += tp->offline;
		m->under_replicated += tp->under_replicated;
	}
	model_sort(m->topics, (size_t)m->ntopics, sizeof(*m->topics), model_cmp_topic);
	return m;
}

struct model *model_ref(struct model *m)
{
	atomic_fetch_add(&m->refs, 1);
	return m;
}

void model_unref(struct model **mp)
{
	struct model *m = *mp;
	*mp = NULL;
	if (m == NULL || atomic_fetch_sub(&m->refs, 1) != 1)
		return;
	for (int i = 0; i < m->nbrokers; i++)
		free(m->brokers[i].host);
	for (int i = 0; i < m->ntopics; i++) {
		free(m->topics[i].name);
		free(m->topics[i].partitions);
	}
	free(m->brokers);
	free(m->topics);
	free(m->pool);
	free(m->cluster_id);
	free(m);
}

const struct model_topic *model_topic_find(const struct model *m, const char *name)
{
	struct model_topic key = { .name = (char *)name };
	return bsearch(&key, m->topics, (size_t)m->ntopics, sizeof(*m->topics), model_cmp_topic);
}

const struct model_broker *model_broker_find(const struct model *m, int32_t id)
{
	struct model_broker key = { .id = id };
	return bsearch(&key, m->brokers, (size_t)m->nbrokers, sizeof(*m->brokers), model_cmp_broker);
}
