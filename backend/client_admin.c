#include "client_admin.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xalloc.h"

/* What the requests of this file send: one request (the field its send reads), and whether the broker only checks it.
 */
struct admin_send {
	rd_kafka_ConfigResource_t *res;
	rd_kafka_NewPartitions_t *np;
	rd_kafka_DeleteRecords_t *dr;
	rd_kafka_ElectLeaders_t *el;
	bool validate_only;
};

/* The broker answers once the change is done (the operation timeout), or only checks it. */
static void admin_opts(struct client *c, rd_kafka_AdminOptions_t *o, bool validate_only)
{
	rd_kafka_AdminOptions_set_operation_timeout(o, client_timeout(c), NULL, 0);
	if (validate_only)
		rd_kafka_AdminOptions_set_validate_only(o, 1, NULL, 0);
}

static void admin_send_alter(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	struct admin_send *a = ud;
	admin_opts(c, o, a->validate_only);
	rd_kafka_IncrementalAlterConfigs(client_rk(c), &a->res, 1, o, q);
}

static void admin_send_partitions(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	struct admin_send *a = ud;
	admin_opts(c, o, a->validate_only);
	rd_kafka_CreatePartitions(client_rk(c), &a->np, 1, o, q);
}

static void admin_send_delete_records(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	struct admin_send *a = ud;
	admin_opts(c, o, false);
	rd_kafka_DeleteRecords(client_rk(c), &a->dr, 1, o, q);
}

static void admin_send_elect(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	struct admin_send *a = ud;
	admin_opts(c, o, false);
	rd_kafka_ElectLeaders(client_rk(c), a->el, o, q);
}

int client_alter_configs(struct client *c, rd_kafka_ResourceType_t type, const char *name,
			 const struct client_alter *ops, int n, bool validate_only, struct err *e)
{
	char *what = x_asprintf("alter configs of %s %s", type == RD_KAFKA_RESOURCE_TOPIC ? "topic" : "broker",
				*name ? name : "default");
	int rc;
	rd_kafka_ConfigResource_t *r = rd_kafka_ConfigResource_new(type, name);
	for (int i = 0; i < n; i++) {
		rd_kafka_error_t *err =
			rd_kafka_ConfigResource_add_incremental_config(r, ops[i].name, ops[i].op, ops[i].value);
		if (err) {
			rc = err_set(e, CMD_USAGE, "each config may be changed once per command", "%s: %s: %s", what,
				     ops[i].name, rd_kafka_error_string(err));
			rd_kafka_error_destroy(err);
			rd_kafka_ConfigResource_destroy(r);
			free(what);
			return rc;
		}
	}
	struct admin_send a = { .res = r, .validate_only = validate_only };
	rd_kafka_event_t *ev =
		client_admin_call(c,
				  &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
							      .what = what,
							      .send = admin_send_alter,
							      .ud = &a },
				  e);
	rc = e->status;
	if (ev) {
		size_t nr;
		const rd_kafka_ConfigResource_t **rr = rd_kafka_IncrementalAlterConfigs_result_resources(
			rd_kafka_event_IncrementalAlterConfigs_result(ev), &nr);
		rd_kafka_resp_err_t err = nr < 1 ? RD_KAFKA_RESP_ERR__BAD_MSG : rd_kafka_ConfigResource_error(rr[0]);
		if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
			rc = err_set(e, CMD_FAILED, "`topics` lists the topics; names are case-sensitive",
				     "unknown topic `%s`", name);
		else if (err)
			rc = client_error(c, err,
					  nr < 1 ? "the broker sent no result"
						 : rd_kafka_ConfigResource_error_string(rr[0]),
					  what, e);
		else
			rc = CMD_OK;
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_ConfigResource_destroy(r);
	free(what);
	return rc;
}

int client_create_partitions(struct client *c, const char *topic, int total, bool validate_only, struct err *e)
{
	char errstr[512];
	char *what = x_asprintf("create partitions of topic %s", topic);
	int rc;
	rd_kafka_NewPartitions_t *np = rd_kafka_NewPartitions_new(topic, (size_t)total, errstr, sizeof(errstr));
	if (np == NULL) {
		rc = err_set(e, CMD_USAGE, NULL, "%s: %s", what, errstr);
		free(what);
		return rc;
	}
	struct admin_send a = { .np = np, .validate_only = validate_only };
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_CREATEPARTITIONS,
									     .what = what,
									     .send = admin_send_partitions,
									     .ud = &a },
						 e);
	rc = e->status;
	if (ev) {
		size_t n;
		const rd_kafka_topic_result_t **res =
			rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), &n);
		rd_kafka_resp_err_t err = n < 1 ? RD_KAFKA_RESP_ERR__BAD_MSG : rd_kafka_topic_result_error(res[0]);
		rc = err ? client_error(c, err,
					n < 1 ? "the broker sent no result"
					      : rd_kafka_topic_result_error_string(res[0]),
					what, e)
			 : CMD_OK;
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_NewPartitions_destroy(np);
	if (!validate_only)
		client_invalidate(c);
	free(what);
	return rc;
}

int client_delete_records(struct client *c, rd_kafka_topic_partition_list_t *parts, struct err *e)
{
	rd_kafka_DeleteRecords_t *dr = rd_kafka_DeleteRecords_new(parts);
	struct admin_send a = { .dr = dr };
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_DELETERECORDS,
									     .what = "delete records",
									     .send = admin_send_delete_records,
									     .ud = &a },
						 e);
	int rc = e->status;
	if (ev) {
		rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
		if (err) {
			rc = client_error(c, err, rd_kafka_event_error_string(ev), "delete records", e);
		} else {
			const rd_kafka_topic_partition_list_t *res =
				rd_kafka_DeleteRecords_result_offsets(rd_kafka_event_DeleteRecords_result(ev));
			for (int i = 0; i < parts->cnt; i++) {
				rd_kafka_topic_partition_t *p = &parts->elems[i];
				const rd_kafka_topic_partition_t *r =
					res ? rd_kafka_topic_partition_list_find(res, p->topic, p->partition) : NULL;
				p->err = r ? r->err : RD_KAFKA_RESP_ERR__BAD_MSG;
				p->offset = r ? r->offset : -1;
			}
			rc = CMD_OK;
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_DeleteRecords_destroy(dr);
	return rc;
}

int client_elect_leaders(struct client *c, rd_kafka_ElectionType_t type, const rd_kafka_topic_partition_list_t *parts,
			 rd_kafka_topic_partition_list_t **out, struct err *e)
{
	*out = NULL;
	rd_kafka_topic_partition_list_t *copy = parts ? rd_kafka_topic_partition_list_copy(parts) : NULL;
	rd_kafka_ElectLeaders_t *el = rd_kafka_ElectLeaders_new(type, copy);
	struct admin_send a = { .el = el };
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_ELECTLEADERS,
									     .what = "elect leaders",
									     .send = admin_send_elect,
									     .ud = &a },
						 e);
	int rc = e->status;
	if (ev) {
		rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
		if (err) {
			rc = client_error(c, err, rd_kafka_event_error_string(ev), "elect leaders", e);
		} else {
			size_t n;
			const rd_kafka_topic_partition_result_t **res =
				rd_kafka_ElectLeaders_result_partitions(rd_kafka_event_ElectLeaders_result(ev), &n);
			*out = rd_kafka_topic_partition_list_new((int)n + 1);
			for (size_t i = 0; i < n; i++) {
				const rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_result_partition(res[i]);
				const rd_kafka_error_t *pe = rd_kafka_topic_partition_result_error(res[i]);
				rd_kafka_topic_partition_list_add(*out, p->topic, p->partition)->err =
					pe ? rd_kafka_error_code(pe) : RD_KAFKA_RESP_ERR_NO_ERROR;
			}
			rc = CMD_OK;
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_ElectLeaders_destroy(el);
	if (copy)
		rd_kafka_topic_partition_list_destroy(copy);
	client_invalidate(c);
	return rc;
}
