/*
 * The model: an immutable snapshot of cluster metadata, shared by reference between the command
 * worker and the faces. Topics are sorted by name; replica and ISR lists live in one pool.
 */
#ifndef KCON_MODEL_H
#define KCON_MODEL_H

#include <librdkafka/rdkafka.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct model_broker {
	int32_t id;
	char *host;
	int port;
};

struct model_partition {
	int32_t id;
	int32_t leader; /* -1 when offline */
	int nreplicas, nisr;
	int32_t *replicas, *isr; /* into the model's pool */
	int err;                 /* rd_kafka_resp_err_t from metadata */
	bool offline, under_replicated;
};

struct model_topic {
	char *name;
	int err;
	bool internal;
	int npartitions;
	struct model_partition *partitions;
	int replication_factor; /* the largest replica count of its partitions */
	int under_replicated, offline;
};

struct model {
	char *cluster_id;   /* NULL when the cluster did not say */
	int32_t controller; /* -1 when unknown */
	int nbrokers;
	struct model_broker *brokers; /* sorted by id */
	int ntopics;
	struct model_topic *topics; /* sorted by name */
	long npartitions, under_replicated, offline;
	int64_t fetched_ms; /* wall clock of the fetch, ms since the epoch */
	atomic_int refs;
	int32_t *pool;
};

/**
 * @brief Builds a snapshot from librdkafka metadata (which the caller still owns).
 * @param cluster_id copied; may be NULL
 */
struct model *model_new(const struct rd_kafka_metadata *md, const char *cluster_id, int32_t controller,
			int64_t fetched_ms);
/** @brief Takes another reference. */
struct model *model_ref(struct model *m);
/** @brief Drops a reference and NULLs *m; frees on the last. */
void model_unref(struct model **m);
/** @brief The topic called name, or NULL (binary search). */
const struct model_topic *model_topic_find(const struct model *m, const char *name);
/** @brief The broker with id, or NULL. */
const struct model_broker *model_broker_find(const struct model *m, int32_t id);
/** @brief True for Kafka's internal topics (names starting with "__"). */
bool model_topic_is_internal(const char *name);

#endif
