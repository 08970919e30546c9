/*
 * Admin requests that change the cluster: configs (IncrementalAlterConfigs), partitions
 * (CreatePartitions), records (DeleteRecords) and leaders (ElectLeaders). Each blocks up to the
 * client's timeout, as client.h's calls do.
 */
#ifndef KCON_CLIENT_ADMIN_H
#define KCON_CLIENT_ADMIN_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>

#include "client.h"
#include "err.h"

/** One change of an IncrementalAlterConfigs request. */
struct client_alter {
	const char *name;
	const char *value; /* NULL for a delete */
	rd_kafka_AlterConfigOpType_t op;
};

/**
 * @brief Applies n config changes to one resource (a topic, a broker id, "" for the brokers'
 * default) in one IncrementalAlterConfigs request.
 * @param validate_only the broker checks the changes and applies none
 * @return 0, or a status with e set to the broker's reason
 */
int client_alter_configs(struct client *c, rd_kafka_ResourceType_t type, const char *name,
			 const struct client_alter *ops, int n, bool validate_only, struct err *e);

/** @brief Grows a topic to total partitions (CreatePartitions); validate_only as above. */
int client_create_partitions(struct client *c, const char *topic, int total, bool validate_only, struct err *e);

/**
 * @brief Deletes the records before each element's .offset (DeleteRecords). On success each
 * element's .offset holds the partition's new low watermark and .err its own error.
 */
int client_delete_records(struct client *c, rd_kafka_topic_partition_list_t *parts, struct err *e);

/**
 * @brief Elects leaders (ElectLeaders) for parts, or for every partition when parts is NULL.
 * @param out new list (caller destroys) of the partitions the broker answered for, .err set to
 * each one's error (RD_KAFKA_RESP_ERR_ELECTION_NOT_NEEDED where the leader was already right)
 */
int client_elect_leaders(struct client *c, rd_kafka_ElectionType_t type, const rd_kafka_topic_partition_list_t *parts,
			 rd_kafka_topic_partition_list_t **out, struct err *e);

#endif
