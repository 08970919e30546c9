/*
 * ACLs (DescribeAcls, CreateAcls, DeleteAcls) and SCRAM credentials (Describe/AlterUserScramCredentials)
 * through the session's client. Results are JSON rows the commands print as they are.
 */
#ifndef KCON_CLIENT_ACL_H
#define KCON_CLIENT_ACL_H

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdbool.h>

#include "client.h"
#include "err.h"

/** @brief One binding as {resource_type, resource, pattern, principal, host, operation, permission} (new). */
json_t *client_acl_json(const rd_kafka_AclBinding_t *b);

/**
 * @brief The ACLs that match filter f (DescribeAcls).
 * @param out a new array of client_acl_json() rows
 * @return 0, or a status with e set: a broker without an authorizer fails with 1 and says so
 */
int client_acls_describe(struct client *c, const rd_kafka_AclBindingFilter_t *f, json_t **out, struct err *e);
/**
 * @brief Whether this principal may not describe ACLs: DescribeCluster's authorized operations
 * lack Describe (and Alter, which implies it) on the cluster. librdkafka 2.14 answers a denied
 * DescribeAcls with an empty list, so an empty list is checked with this.
 */
int client_acls_denied(struct client *c, bool *denied, struct err *e);
/**
 * @brief Whether the brokers run without an authorizer: a broker's authorizer.class.name is empty
 * (DescribeConfigs). librdkafka 2.14 answers DescribeAcls on such a cluster with an empty list,
 * not SECURITY_DISABLED.
 */
int client_acls_authorizer(struct client *c, bool *none, struct err *e);
/** @brief Sets e to "the broker has no authorizer" for `what`; returns its status (1). */
int client_acls_no_authorizer(const char *what, struct err *e);
/** @brief Creates n bindings in one CreateAcls request; the first refused one fails it with e set. */
int client_acls_create(struct client *c, rd_kafka_AclBinding_t **b, int n, struct err *e);
/**
 * @brief Deletes the ACLs that match each of n filters (DeleteAcls).
 * @param deleted a new array of the client_acl_json() rows the broker deleted
 */
int client_acls_delete(struct client *c, rd_kafka_AclBindingFilter_t **f, int n, json_t **deleted, struct err *e);

/**
 * @brief What this principal may do on the cluster (DescribeCluster's authorized operations:
 * "DESCRIBE", "ALTER", ...; an empty array for nothing), or NULL when the cluster did not say.
 */
json_t *client_cluster_ops(struct client *c);
/**
 * @brief Starts a DescribeTopics of one topic with what this principal may do on it, so that it
 * runs beside other requests; client_topic_ops_finish() takes its answer.
 * @return the request under way (topic must outlive it), or NULL on a cluster without a controller (the demo)
 */
struct client_admin_pending *client_topic_ops_start(struct client *c, const char *topic);
/**
 * @brief The topic's authorized operations ("READ", "WRITE", "DESCRIBE", ...: Kafka's names, as
 * `acls` prints them), or NULL when the cluster did not say; ends the request and NULLs *p.
 */
json_t *client_topic_ops_finish(struct client *c, struct client_admin_pending **p);

/**
 * @brief SCRAM credentials of n users, or of every user when n is 0 (DescribeUserScramCredentials).
 * @param out a new array of {user, credentials: [{mechanism, iterations}]}; a user without
 * credentials is left out
 */
int client_scram_describe(struct client *c, const char *const *users, int n, json_t **out, struct err *e);
/** @brief Applies n SCRAM upsertions or deletions in one AlterUserScramCredentials request. */
int client_scram_alter(struct client *c, rd_kafka_UserScramCredentialAlteration_t **a, int n, struct err *e);

#endif
