/*
 * Consumer groups through librdkafka's Admin API: list, describe, committed offsets (one group per
 * request, so many requests are pipelined on one queue and folded as they arrive), alter, delete.
 * Both kinds of group: classic (JoinGroup/SyncGroup) and consumer (KIP-848, `group.protocol=
 * consumer`, assigned by the broker). Calls block up to the client's timeout, as client.h.
 */
#ifndef KCON_CLIENT_GROUPS_H
#define KCON_CLIENT_GROUPS_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "err.h"

struct group_member {
	char *member_id, *client_id, *host, *instance_id; /* instance_id may be NULL */
	rd_kafka_topic_partition_list_t *assigned;        /* never NULL */
	rd_kafka_topic_partition_list_t *target;          /* consumer groups' target assignment, or NULL */
};

/** What kcon knows of one group; filled step by step by the calls below. */
struct group_info {
	char *id;
	rd_kafka_consumer_group_state_t state;
	rd_kafka_consumer_group_type_t type; /* classic or consumer (KIP-848); UNKNOWN when not said */
	char *protocol_type;                 /* from client_group_legacy only ("connect", ...), else NULL */
	bool simple;                         /* no protocol type: offsets committed without group membership */
	bool described;                      /* client_groups_fetch with describe succeeded */
	int32_t coordinator;                 /* broker id, -1 when unknown */
	char *assignor;                      /* may be NULL */
	int nmembers;
	struct group_member *members;
	rd_kafka_topic_partition_list_t *committed; /* NULL until fetched; offsets < 0: none */
	int64_t committed_ms;                       /* wall clock when the committed offsets arrived */
	char *error;                                /* why describe or offsets failed for this group, or NULL */
	rd_kafka_resp_err_t error_code;             /* the code of error */
};

/**
 * @brief Lists the consumer groups of the cluster (ListGroups on every broker).
 * @param out new array of *n groups with id, state, type and simple set (client_groups_free)
 */
int client_groups_list(struct client *c, struct group_info **out, int *n, struct err *e);

#define CLIENT_GROUPS_DESCRIBE 0x1 /* members, assignor, coordinator, state, type */
#define CLIENT_GROUPS_OFFSETS  0x2 /* committed offsets */

/**
 * @brief Describes groups and/or reads their committed offsets, all requests pipelined on one
 * queue. Per-group failures land in g[i].error; the call fails only when the cluster does not answer.
 * With CLIENT_GROUPS_DESCRIBE, offsets are read only for the groups that could be described.
 * @param parts the partitions whose offsets to read, or NULL for all the group has committed
 */
int client_groups_fetch(struct client *c, struct group_info *g, int n, unsigned what,
			const rd_kafka_topic_partition_list_t *parts, struct err *e);

/**
 * @brief A group as its coordinator describes it to librdkafka's legacy rd_kafka_list_groups()
 * (ListGroups on every broker, then DescribeGroups), with its protocol type in protocol_type
 * ("connect", ...; "" for a group without one). For the classic groups whose protocol type is not
 * "consumer" (Kafka Connect's): DescribeConsumerGroups refuses them (RD_KAFKA_RESP_ERR__INVALID_ARG,
 * "not a consumer group"), and ListConsumerGroups leaves them out. Members have no assignment (it
 * is the protocol's own bytes).
 * @param out set to a new group (client_groups_free, n 1), or NULL when the group is not listed
 */
int client_group_legacy(struct client *c, const char *group, struct group_info **out, struct err *e);

/**
 * @brief The partitions of a classic consumer's assignment, as its group leader encoded them
 * (ConsumerProtocolAssignment: version, [topic, [partition]], user data; any version).
 * @return a new list (empty for no bytes), or NULL when the bytes are malformed
 */
rd_kafka_topic_partition_list_t *client_group_assignment(const void *buf, size_t len);

/** @brief "classic", "consumer", or NULL for a type the broker did not say. */
const char *client_group_type_name(rd_kafka_consumer_group_type_t type);

/** @brief Frees n groups and NULLs *g. */
void client_groups_free(struct group_info **g, int n);

/**
 * @brief Commits offsets for a group (AlterConsumerGroupOffsets); per-partition errors land in
 * parts->elems[i].err. The broker refuses it as a whole while the group has members (of either
 * kind): the error then says so, with the broker's reason and what to do.
 */
int client_group_alter(struct client *c, const char *group, rd_kafka_topic_partition_list_t *parts, struct err *e);
/** @brief Deletes a group (the broker refuses it while the group has members, as client_group_alter). */
int client_group_delete(struct client *c, const char *group, struct err *e);
/** @brief Deletes a group's committed offsets for parts; per-partition errors land in parts. */
int client_group_delete_offsets(struct client *c, const char *group, rd_kafka_topic_partition_list_t *parts,
				struct err *e);

#endif
