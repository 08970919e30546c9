/* ACLs and SCRAM credentials: the admin requests behind `acls`, `acl create|delete`, `users`, `user set|delete`. */
#include "client_acl.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xalloc.h"

/* A librdkafka enum name as kcon's JSON writes it: "DESCRIBE_CONFIGS" stays as Kafka's tools print it. */
json_t *client_acl_json(const rd_kafka_AclBinding_t *b)
{
	return json_pack("{s:s,s:s?,s:s,s:s?,s:s?,s:s,s:s}", "resource_type",
			 rd_kafka_ResourceType_name(rd_kafka_AclBinding_restype(b)), "resource",
			 rd_kafka_AclBinding_name(b), "pattern",
			 rd_kafka_ResourcePatternType_name(rd_kafka_AclBinding_resource_pattern_type(b)), "principal",
			 rd_kafka_AclBinding_principal(b), "host", rd_kafka_AclBinding_host(b), "operation",
			 rd_kafka_AclOperation_name(rd_kafka_AclBinding_operation(b)), "permission",
			 rd_kafka_AclPermissionType_name(rd_kafka_AclBinding_permission_type(b)));
}

int client_acls_no_authorizer(const char *what, struct err *e)
{
	return err_set(e, CMD_FAILED,
		       "the cluster has no authorizer (authorizer.class.name unset): everyone may do everything, and "
		       "there are no ACLs to list or change",
		       "%s: the broker has no authorizer (SECURITY_DISABLED)", what);
}

/* The errors that say something about ACLs themselves; the rest go to client_error(). */
static int client_acl_error(struct client *c, rd_kafka_resp_err_t err, const char *msg, const char *what, struct err *e)
{
	if (err == RD_KAFKA_RESP_ERR_SECURITY_DISABLED)
		return client_acls_no_authorizer(what, e);
	if (err == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED)
		return err_set(e, CMD_FAILED,
			       "ACLs need Describe (to list) or Alter (to change) on the cluster: log in as an admin "
			       "(a super user), or ask one",
			       "%s: not authorized (CLUSTER_AUTHORIZATION_FAILED)", what);
	return client_error(c, err, msg, what, e);
}

/* A per-item error of a result: librdkafka gives some items an error object whose code is NO_ERROR. */
static rd_kafka_resp_err_t client_acl_code(const rd_kafka_error_t *err)
{
	return err ? rd_kafka_error_code(err) : RD_KAFKA_RESP_ERR_NO_ERROR;
}

/* The requests of this file: librdkafka takes each one's arguments differently. */
struct acl_send {
	const rd_kafka_AclBindingFilter_t *filter;
	rd_kafka_AclBinding_t **bindings; /* or filters, for DeleteAcls */
	size_t n;
	const char *const *users;
	rd_kafka_UserScramCredentialAlteration_t **alterations;
};

static void acl_send_describe(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct acl_send *a = ud;
	rd_kafka_DescribeAcls(client_rk(c), (rd_kafka_AclBindingFilter_t *)a->filter, o, q);
}

static void acl_send_create(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct acl_send *a = ud;
	rd_kafka_CreateAcls(client_rk(c), a->bindings, a->n, o, q);
}

static void acl_send_delete(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct acl_send *a = ud;
	rd_kafka_DeleteAcls(client_rk(c), a->bindings, a->n, o, q);
}

/* With the operations the principal may do on the cluster. */
/* Admin options asking the broker to say what the principal may do (authorized operations). */
static void acl_ask_ops(rd_kafka_AdminOptions_t *o)
{
	rd_kafka_error_t *oe = rd_kafka_AdminOptions_set_include_authorized_operations(o, 1);
	if (oe)
		rd_kafka_error_destroy(oe);
}

static void acl_send_describe_cluster(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	(void)ud;
	acl_ask_ops(o);
	rd_kafka_DescribeCluster(client_rk(c), o, q);
}

static void acl_send_scram_describe(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct acl_send *a = ud;
	rd_kafka_DescribeUserScramCredentials(client_rk(c), (const char **)a->users, a->n, o, q);
}

static void acl_send_scram_alter(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct acl_send *a = ud;
	rd_kafka_AlterUserScramCredentials(client_rk(c), a->alterations, a->n, o, q);
}

/* One request of this file and its result event; the request's own error goes to client_acl_error(). */
static rd_kafka_event_t *client_acl_call(struct client *c, rd_kafka_admin_op_t op, const char *what,
					 void (*send)(struct client *, rd_kafka_AdminOptions_t *, rd_kafka_queue_t *,
						      void *),
					 struct acl_send *a, struct err *e)
{
	return client_admin_call(
		c,
		&(struct client_admin_req){ .op = op, .what = what, .send = send, .ud = a, .fail = client_acl_error },
		e);
}

int client_acls_describe(struct client *c, const rd_kafka_AclBindingFilter_t *f, json_t **out, struct err *e)
{
	*out = NULL;
	rd_kafka_event_t *ev = client_acl_call(c, RD_KAFKA_ADMIN_OP_DESCRIBEACLS, "describe ACLs", acl_send_describe,
					       &(struct acl_send){ .filter = f }, e);
	if (ev) {
		size_t n;
		const rd_kafka_AclBinding_t **acls =
			rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(ev), &n);
		*out = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(*out, client_acl_json(acls[i]));
		rd_kafka_event_destroy(ev);
	}
	return ev ? CMD_OK : e->status;
}

int client_acls_create(struct client *c, rd_kafka_AclBinding_t **b, int n, struct err *e)
{
	rd_kafka_event_t *ev = client_acl_call(c, RD_KAFKA_ADMIN_OP_CREATEACLS, "create ACLs", acl_send_create,
					       &(struct acl_send){ .bindings = b, .n = (size_t)n }, e);
	int rc = ev ? CMD_OK : e->status;
	if (ev) {
		size_t nres;
		const rd_kafka_acl_result_t **res =
			rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev), &nres);
		for (size_t i = 0; i < nres && rc == CMD_OK; i++) {
			const rd_kafka_error_t *err = rd_kafka_acl_result_error(res[i]);
			if (client_acl_code(err))
				rc = client_acl_error(c, rd_kafka_error_code(err), rd_kafka_error_string(err),
						      "create ACLs", e);
		}
		rd_kafka_event_destroy(ev);
	}
	return rc;
}

int client_acls_delete(struct client *c, rd_kafka_AclBindingFilter_t **f, int n, json_t **deleted, struct err *e)
{
	*deleted = json_array();
	rd_kafka_event_t *ev = client_acl_call(c, RD_KAFKA_ADMIN_OP_DELETEACLS, "delete ACLs", acl_send_delete,
					       &(struct acl_send){ .bindings = f, .n = (size_t)n }, e);
	int rc = ev ? CMD_OK : e->status;
	if (ev) {
		size_t nres;
		const rd_kafka_DeleteAcls_result_response_t **res =
			rd_kafka_DeleteAcls_result_responses(rd_kafka_event_DeleteAcls_result(ev), &nres);
		for (size_t i = 0; i < nres; i++) {
			const rd_kafka_error_t *err = rd_kafka_DeleteAcls_result_response_error(res[i]);
			if (client_acl_code(err) && rc == CMD_OK)
				rc = client_acl_error(c, rd_kafka_error_code(err), rd_kafka_error_string(err),
						      "delete ACLs", e);
			size_t nm;
			const rd_kafka_AclBinding_t **m =
				rd_kafka_DeleteAcls_result_response_matching_acls(res[i], &nm);
			for (size_t j = 0; j < nm; j++)
				json_array_append_new(*deleted, client_acl_json(m[j]));
		}
		rd_kafka_event_destroy(ev);
	}
	return rc;
}

int client_acls_denied(struct client *c, bool *denied, struct err *e)
{
	*denied = false;
	rd_kafka_event_t *ev = client_acl_call(c, RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER, "describe the cluster",
					       acl_send_describe_cluster, &(struct acl_send){ 0 }, e);
	if (ev) {
		size_t n;
		const rd_kafka_AclOperation_t *ops = rd_kafka_DescribeCluster_result_authorized_operations(
			rd_kafka_event_DescribeCluster_result(ev), &n);
		/* the broker lists what this principal may do on the cluster: none is an empty list */
		*denied = true;
		for (size_t i = 0; i < n; i++)
			if (ops[i] == RD_KAFKA_ACL_OPERATION_DESCRIBE || ops[i] == RD_KAFKA_ACL_OPERATION_ALTER ||
			    ops[i] == RD_KAFKA_ACL_OPERATION_ALL)
				*denied = false;
		rd_kafka_event_destroy(ev);
	}
	return ev ? CMD_OK : e->status;
}

int client_acls_authorizer(struct client *c, bool *none, struct err *e)
{
	*none = false;
	struct model *m = NULL;
	if (client_metadata(c, 60000, &m, e) != CMD_OK)
		return e->status;
	char id[16];
	snprintf(id, sizeof(id), "%d", m->nbrokers ? (int)m->brokers[0].id : 0);
	model_unref(&m);
	struct client_config *cfg = NULL;
	int n = 0;
	if (client_configs(c, RD_KAFKA_RESOURCE_BROKER, id, &cfg, &n, e) != CMD_OK)
		return e->status;
	for (int i = 0; i < n; i++)
		if (strcmp(cfg[i].name, "authorizer.class.name") == 0)
			*none = cfg[i].value == NULL || cfg[i].value[0] == '\0';
	client_configs_free(&cfg, n);
	return CMD_OK;
}

static const char *client_scram_name(rd_kafka_ScramMechanism_t m)
{
	return m == RD_KAFKA_SCRAM_MECHANISM_SHA_256   ? "SCRAM-SHA-256"
	       : m == RD_KAFKA_SCRAM_MECHANISM_SHA_512 ? "SCRAM-SHA-512"
						       : "UNKNOWN";
}

int client_scram_describe(struct client *c, const char *const *users, int n, json_t **out, struct err *e)
{
	*out = NULL;
	rd_kafka_event_t *ev =
		client_acl_call(c, RD_KAFKA_ADMIN_OP_DESCRIBEUSERSCRAMCREDENTIALS, "describe SCRAM users",
				acl_send_scram_describe, &(struct acl_send){ .users = users, .n = (size_t)n }, e);
	int rc = ev ? CMD_OK : e->status;
	if (ev) {
		size_t nd;
		const rd_kafka_UserScramCredentialsDescription_t **d =
			rd_kafka_DescribeUserScramCredentials_result_descriptions(
				rd_kafka_event_DescribeUserScramCredentials_result(ev), &nd);
		*out = json_array();
		for (size_t i = 0; i < nd; i++) {
			const rd_kafka_error_t *err = rd_kafka_UserScramCredentialsDescription_error(d[i]);
			if (client_acl_code(err) == RD_KAFKA_RESP_ERR_RESOURCE_NOT_FOUND)
				continue; /* asked for by name, and has no credentials */
			if (client_acl_code(err)) {
				rc = client_acl_error(c, rd_kafka_error_code(err), rd_kafka_error_string(err),
						      "describe SCRAM users", e);
				break;
			}
			json_t *creds = json_array();
			size_t nc = rd_kafka_UserScramCredentialsDescription_scramcredentialinfo_count(d[i]);
			for (size_t j = 0; j < nc; j++) {
				const rd_kafka_ScramCredentialInfo_t *ci =
					rd_kafka_UserScramCredentialsDescription_scramcredentialinfo(d[i], j);
				json_array_append_new(
					creds,
					json_pack("{s:s,s:i}", "mechanism",
						  client_scram_name(rd_kafka_ScramCredentialInfo_mechanism(ci)),
						  "iterations", (int)rd_kafka_ScramCredentialInfo_iterations(ci)));
			}
			json_array_append_new(*out, json_pack("{s:s,s:o}", "user",
							      rd_kafka_UserScramCredentialsDescription_user(d[i]),
							      "credentials", creds));
		}
		if (rc != CMD_OK)
			json_decref(*out), *out = NULL;
		rd_kafka_event_destroy(ev);
	}
	return rc;
}

int client_scram_alter(struct client *c, rd_kafka_UserScramCredentialAlteration_t **a, int n, struct err *e)
{
	rd_kafka_event_t *ev =
		client_acl_call(c, RD_KAFKA_ADMIN_OP_ALTERUSERSCRAMCREDENTIALS, "alter SCRAM users",
				acl_send_scram_alter, &(struct acl_send){ .alterations = a, .n = (size_t)n }, e);
	int rc = ev ? CMD_OK : e->status;
	if (ev) {
		size_t nr;
		const rd_kafka_AlterUserScramCredentials_result_response_t **r =
			rd_kafka_AlterUserScramCredentials_result_responses(
				rd_kafka_event_AlterUserScramCredentials_result(ev), &nr);
		for (size_t i = 0; i < nr && rc == CMD_OK; i++) {
			const rd_kafka_error_t *err = rd_kafka_AlterUserScramCredentials_result_response_error(r[i]);
			if (client_acl_code(err) == RD_KAFKA_RESP_ERR_RESOURCE_NOT_FOUND)
				rc = err_set(e, CMD_FAILED, "`users` lists the users with SCRAM credentials",
					     "alter SCRAM user %s: no such credential",
					     rd_kafka_AlterUserScramCredentials_result_response_user(r[i]));
			else if (client_acl_code(err))
				rc = client_acl_error(c, rd_kafka_error_code(err), rd_kafka_error_string(err),
						      "alter SCRAM users", e);
		}
		rd_kafka_event_destroy(ev);
	}
	return rc;
}

static void acl_send_describe_topic(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const char *topic = ud;
	acl_ask_ops(o);
	rd_kafka_TopicCollection_t *tc = rd_kafka_TopicCollection_of_topic_names(&topic, 1);
	rd_kafka_DescribeTopics(client_rk(c), tc, o, q);
	rd_kafka_TopicCollection_destroy(tc);
}

struct client_admin_pending *client_topic_ops_start(struct client *c, const char *topic)
{
	if (client_controller_missing(c))
		return NULL; /* DescribeTopics goes to the controller */
	return client_admin_start(c, &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_DESCRIBETOPICS,
								 .what = "describe topic",
								 .send = acl_send_describe_topic,
								 .ud = (void *)topic });
}

/* The operations a describe answered, by name; NULL when the broker did not say (op NULL). */
static json_t *acl_ops_json(const rd_kafka_AclOperation_t *op, size_t n)
{
	if (op == NULL)
		return NULL;
	json_t *ops = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ops, json_string(rd_kafka_AclOperation_name(op[i])));
	return ops;
}

json_t *client_topic_ops_finish(struct client *c, struct client_admin_pending **p)
{
	struct err e = { 0 };
	rd_kafka_event_t *ev = client_admin_finish(c, p, &e);
	err_clear(&e); /* no answer: the broker does not say */
	json_t *ops = NULL;
	if (ev) {
		size_t nt = 0, n = 0;
		const rd_kafka_TopicDescription_t **d =
			rd_kafka_DescribeTopics_result_topics(rd_kafka_event_DescribeTopics_result(ev), &nt);
		const rd_kafka_AclOperation_t *op = nt == 1 && !rd_kafka_TopicDescription_error(d[0])
							    ? rd_kafka_TopicDescription_authorized_operations(d[0], &n)
							    : NULL;
		ops = acl_ops_json(op, n); /* NULL: the broker did not say (a cluster before Kafka 2.3, the demo) */
		rd_kafka_event_destroy(ev);
	}
	return ops;
}

json_t *client_cluster_ops(struct client *c)
{
	if (client_controller_missing(c))
		return NULL; /* the mock (the demo) leaves DescribeCluster unanswered */
	struct err e = { 0 };
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER,
									     .what = "describe cluster",
									     .send = acl_send_describe_cluster },
						 &e);
	err_clear(&e);
	json_t *ops = NULL;
	if (ev) {
		size_t n = 0;
		const rd_kafka_AclOperation_t *op = rd_kafka_DescribeCluster_result_authorized_operations(
			rd_kafka_event_DescribeCluster_result(ev), &n);
		ops = acl_ops_json(op, n);
		rd_kafka_event_destroy(ev);
	}
	return ops;
}
