/* ACL commands: acls, acl create, acl delete (DescribeAcls, CreateAcls, DeleteAcls). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_acl.h"
#include "cmd.h"
#include "err.h"
#include "sbuf.h"
#include "session.h"
#include "xalloc.h"

/* Kafka's name for the one cluster resource. */
#define ACL_CLUSTER_NAME "kafka-cluster"

/* "describe-configs", "DescribeConfigs" and "DESCRIBE_CONFIGS" are one name: letters alone, case folded. */
static bool acl_name_eq(const char *given, const char *name)
{
	for (;;) {
		while (*given == '-' || *given == '_')
			given++;
		while (*name == '-' || *name == '_')
			name++;
		if (tolower((unsigned char)*given) != tolower((unsigned char)*name))
			return false;
		if (*given == '\0')
			return true;
		given++, name++;
	}
}

/* The value of a librdkafka enum whose names name() gives, from lo to hi; -1 when none matches. */
static int acl_enum(const char *given, int lo, int hi, const char *(*name)(int))
{
	for (int i = lo; i <= hi; i++)
		if (acl_name_eq(given, name(i)))
			return i;
	return -1;
}

static const char *acl_op_name(int i)
{
	return rd_kafka_AclOperation_name((rd_kafka_AclOperation_t)i);
}
static const char *acl_perm_name(int i)
{
	return rd_kafka_AclPermissionType_name((rd_kafka_AclPermissionType_t)i);
}
static const char *acl_pattern_name(int i)
{
	return rd_kafka_ResourcePatternType_name((rd_kafka_ResourcePatternType_t)i);
}

/* What the options of one invocation select. */
struct acl_spec {
	rd_kafka_ResourceType_t restype;
	const char *resource; /* NULL: any name */
	rd_kafka_ResourcePatternType_t pattern;
	const char *principal, *host;
	rd_kafka_AclOperation_t op;
	rd_kafka_AclPermissionType_t perm;
};

/*
 * Reads the resource, pattern, principal, host, operation and permission options into sp. filter:
 * for `acls` and `acl delete` (ANY where not given); else for `acl create` (all needed).
 * def_pattern: the pattern type when --pattern is not given.
 */
static int acl_spec_read(struct cmd_ctx *ctx, struct acl_spec *sp, bool filter,
			 rd_kafka_ResourcePatternType_t def_pattern, bool shorthand)
{
	static const char *const res_opts[] = { "topic", "group", "cluster", "transactional-id" };
	static const rd_kafka_ResourceType_t res_types[] = { RD_KAFKA_RESOURCE_TOPIC, RD_KAFKA_RESOURCE_GROUP,
							     RD_KAFKA_RESOURCE_BROKER,
							     RD_KAFKA_RESOURCE_TRANSACTIONAL_ID };
	const char *hint = "one of --topic T, --group G, --cluster, --transactional-id ID";
	memset(sp, 0, sizeof(*sp));
	sp->restype = RD_KAFKA_RESOURCE_ANY;
	int nres = 0;
	for (int i = 0; i < 4 && !shorthand; i++)
		if (cmd_has(ctx, res_opts[i])) {
			nres++;
			sp->restype = res_types[i];
			sp->resource = i == 2 ? ACL_CLUSTER_NAME : cmd_arg(ctx, res_opts[i]);
		}
	if (nres > 1)
		return cmd_fail(ctx, CMD_USAGE, hint, "name one resource at a time");
	if (!filter && nres == 0 && !shorthand)
		return cmd_fail(ctx, CMD_USAGE, hint, "which resource? an ACL is on one resource");
	const char *v = cmd_arg(ctx, "pattern");
	sp->pattern = def_pattern;
	if (v) {
		int p = acl_enum(v, RD_KAFKA_RESOURCE_PATTERN_ANY, RD_KAFKA_RESOURCE_PATTERN_PREFIXED,
				 acl_pattern_name);
		if (p < 0 ||
		    (!filter && p != RD_KAFKA_RESOURCE_PATTERN_LITERAL && p != RD_KAFKA_RESOURCE_PATTERN_PREFIXED))
			return cmd_fail(ctx, CMD_USAGE,
					filter ? "--pattern is literal, prefixed, match (every ACL that applies to the "
						 "name) or any"
					       : "an ACL's --pattern is literal or prefixed",
					"--pattern: `%.*s` is not a pattern type here", ERR_QUOTE_MAX, v);
		sp->pattern = (rd_kafka_ResourcePatternType_t)p;
	}
	if (sp->pattern == RD_KAFKA_RESOURCE_PATTERN_MATCH && sp->resource == NULL)
		return cmd_fail(ctx, CMD_USAGE, "name the resource whose ACLs --pattern match finds",
				"--pattern match needs a resource name");
	sp->principal = cmd_arg(ctx, "principal");
	sp->host = cmd_arg(ctx, "host");
	if (!filter && sp->host == NULL)
		sp->host = "*";
	sp->op = filter ? RD_KAFKA_ACL_OPERATION_ANY : RD_KAFKA_ACL_OPERATION_UNKNOWN;
	if ((v = cmd_arg(ctx, "operation"))) {
		int o = acl_enum(v, RD_KAFKA_ACL_OPERATION_ANY, RD_KAFKA_ACL_OPERATION_IDEMPOTENT_WRITE, acl_op_name);
		if (o < 0 || (!filter && o == RD_KAFKA_ACL_OPERATION_ANY))
			return cmd_fail(ctx, CMD_USAGE,
					"operations: Read, Write, Create, Delete, Alter, Describe, ClusterAction, "
					"DescribeConfigs, AlterConfigs, IdempotentWrite, All",
					"--operation: unknown operation `%.*s`", ERR_QUOTE_MAX, v);
		sp->op = (rd_kafka_AclOperation_t)o;
	}
	sp->perm = filter ? RD_KAFKA_ACL_PERMISSION_TYPE_ANY : RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW;
	if (cmd_has(ctx, "deny") && shorthand)
		return cmd_fail(ctx, CMD_USAGE, "deny operations one by one with --operation",
				"--deny goes without --consumer and --producer");
	if (cmd_has(ctx, "deny"))
		sp->perm = RD_KAFKA_ACL_PERMISSION_TYPE_DENY;
	if ((v = cmd_arg(ctx, "permission"))) {
		int p = acl_enum(v, RD_KAFKA_ACL_PERMISSION_TYPE_ANY, RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW,
				 acl_perm_name);
		if (p < 0)
			return cmd_fail(ctx, CMD_USAGE, "--permission is allow, deny or any",
					"--permission: `%.*s` is not allow or deny", ERR_QUOTE_MAX, v);
		sp->perm = (rd_kafka_AclPermissionType_t)p;
	}
	return CMD_OK;
}

/* A filter (or, with all fields set, a binding) from sp; NULL after cmd_fail() when librdkafka refuses it. */
static rd_kafka_AclBinding_t *acl_binding(struct cmd_ctx *ctx, const struct acl_spec *sp, bool filter,
					  rd_kafka_AclOperation_t op)
{
	char errstr[256];
	rd_kafka_AclBinding_t *b =
		filter ? rd_kafka_AclBindingFilter_new(sp->restype, sp->resource, sp->pattern, sp->principal, sp->host,
						       op, sp->perm, errstr, sizeof(errstr))
		       : rd_kafka_AclBinding_new(sp->restype, sp->resource, sp->pattern, sp->principal, sp->host, op,
						 sp->perm, errstr, sizeof(errstr));
	if (b == NULL)
		cmd_fail(ctx, CMD_USAGE, "see `help acl create`", "invalid ACL: %s", errstr);
	return b;
}

/* A strimzi profile: the User Operator replaces a KafkaUser's ACLs with its spec.authorization. */
static void acl_strimzi_note(struct cmd_ctx *ctx, const char *principal)
{
	const char *user = principal && strncmp(principal, "User:", 5) == 0 ? principal + 5 : "NAME";
	session_strimzi_note(ctx->session, SESSION_KAFKAUSER, user);
}

/* --- acls ----------------------------------------------------------------------------------- */

/*
 * librdkafka 2.14 gives an empty list, not CLUSTER_AUTHORIZATION_FAILED, when the principal may
 * not describe ACLs. An empty answer is checked against what the cluster says the principal may
 * do (DescribeCluster's authorized operations); a failed check leaves a note, not a false "none".
 * Returns CMD_OK, or fails ctx when the principal is denied.
 */
static int acl_check_empty(struct cmd_ctx *ctx, struct client *c, json_t *r)
{
	bool denied = false;
	struct err e = { 0 };
	if (client_acls_denied(c, &denied, &e) != CMD_OK) {
		json_object_set_new(r, "note",
				    json_string("no ACLs match, or this principal may not describe ACLs: "
						"the cluster did not say which"));
		err_clear(&e);
		return CMD_OK;
	}
	bool none = false;
	if (!denied && client_acls_authorizer(c, &none, &e) == CMD_OK && none) {
		client_acls_no_authorizer("describe ACLs", &e);
		return cmd_fail_err(ctx, &e);
	}
	err_clear(&e);
	if (denied)
		return cmd_fail(
			ctx, CMD_FAILED,
			"listing ACLs needs Describe on the cluster: log in as an admin (a super user), or ask one",
			"describe ACLs: not authorized (this principal may not describe the cluster; librdkafka "
			"reports the broker's refusal as an empty list)");
	return CMD_OK;
}

/* The filter of `acls` (for_delete: of `acl delete`) in *f; CMD_OK, or a usage error after cmd_fail(). */
static int acl_filter(struct cmd_ctx *ctx, bool for_delete, struct acl_spec *sp, rd_kafka_AclBinding_t **f)
{
	*f = NULL;
	if (acl_spec_read(ctx, sp, true, for_delete ? RD_KAFKA_RESOURCE_PATTERN_LITERAL : RD_KAFKA_RESOURCE_PATTERN_ANY,
			  false) != CMD_OK)
		return ctx->status;
	if (for_delete && sp->restype == RD_KAFKA_RESOURCE_ANY && sp->principal == NULL)
		return cmd_fail(ctx, CMD_USAGE,
				"name a resource (--topic, --group, --cluster, --transactional-id) or a --principal",
				"refusing a filter that matches every ACL of the cluster");
	*f = acl_binding(ctx, sp, true, sp->op);
	return *f ? CMD_OK : ctx->status;
}

/* The validate of `acls` and `acl delete`: the filter can be made. */
static int acl_filter_validate(struct cmd_ctx *ctx, bool for_delete)
{
	struct acl_spec sp;
	rd_kafka_AclBinding_t *f;
	if (acl_filter(ctx, for_delete, &sp, &f) != CMD_OK)
		return ctx->status;
	rd_kafka_AclBinding_destroy(f);
	return CMD_OK;
}

static int cmd_acls_validate(struct cmd_ctx *ctx)
{
	return acl_filter_validate(ctx, false);
}

static int cmd_acls_exec(struct cmd_ctx *ctx)
{
	struct acl_spec sp;
	rd_kafka_AclBinding_t *f;
	if (acl_filter(ctx, false, &sp, &f) != CMD_OK)
		return ctx->status;
	struct client *c = cmd_client(ctx);
	json_t *acls = NULL;
	struct err e = { 0 };
	if (c && client_acls_describe(c, f, &acls, &e) != CMD_OK)
		cmd_fail_err(ctx, &e);
	rd_kafka_AclBinding_destroy(f);
	if (acls == NULL)
		return ctx->status;
	json_t *r = json_pack("{s:o}", "acls", acls);
	if (json_array_size(acls) == 0 && acl_check_empty(ctx, c, r) != CMD_OK) {
		json_decref(r);
		return ctx->status;
	}
	return cmd_ok(ctx, r);
}

static const struct out_col acl_cols[] = {
	{ "principal", "principal", 0 }, { "permission", "permission", 0 },
	{ "operation", "operation", 0 }, { "resource_type", "type", 0 },
	{ "resource", "resource", 0 },   { "pattern", "pattern", 0 },
	{ "host", "host", 0 },           { 0 },
};
static const struct out_col acls_fields[] = { { "note", "Note", 0 }, { 0 } };
static const struct out_table acls_tables[] = { { "acls", acl_cols }, { 0 } };
static const struct out_view acls_view = { .fields = acls_fields, .tables = acls_tables };

/* --- acl create ----------------------------------------------------------------------------- */

/* One binding to create: on which resource, which operation. */
struct acl_want {
	rd_kafka_ResourceType_t restype;
	const char *resource;
	rd_kafka_AclOperation_t op;
};

static void acl_bindings_free(rd_kafka_AclBinding_t **b, int n)
{
	for (int i = 0; i < n; i++)
		rd_kafka_AclBinding_destroy(b[i]);
}

/*
 * The bindings `acl create` asks for, into b (room for 16), *nb of them, and the options in *sp;
 * CMD_OK, or a usage error after cmd_fail() with none left in b.
 */
static int acl_create_bindings(struct cmd_ctx *ctx, rd_kafka_AclBinding_t **b, int *nb, struct acl_spec *out)
{
	*nb = 0;
	bool consumer = cmd_has(ctx, "consumer"), producer = cmd_has(ctx, "producer");
	const char *topic = cmd_arg(ctx, "topic"), *group = cmd_arg(ctx, "group"),
		   *txn = cmd_arg(ctx, "transactional-id");
	struct acl_want want[16];
	int nwant = 0;
	struct acl_spec sp = { 0 };
	if (cmd_arg(ctx, "principal") == NULL)
		return cmd_fail(ctx, CMD_USAGE, "e.g. --principal User:alice", "whose ACL? --principal is needed");
	if (consumer || producer) {
		if (cmd_has(ctx, "operation") || cmd_has(ctx, "cluster"))
			return cmd_fail(ctx, CMD_USAGE, "leave out --operation and --cluster: the shorthand picks them",
					"--%s grants a fixed set of operations", consumer ? "consumer" : "producer");
		if (topic == NULL)
			return cmd_fail(ctx, CMD_USAGE, "add --topic T (with --pattern prefixed for a prefix)",
					"--%s needs --topic", consumer ? "consumer" : "producer");
		if (consumer && group == NULL)
			return cmd_fail(ctx, CMD_USAGE, "add --group G: a consumer reads through its group",
					"--consumer needs --group");
		if (!consumer && group)
			return cmd_fail(ctx, CMD_USAGE, "add --consumer to grant the group too",
					"--group goes with --consumer");
		if (!producer && txn)
			return cmd_fail(ctx, CMD_USAGE, "add --producer to grant the transactional id too",
					"--transactional-id goes with --producer here");
		if (producer) {
			want[nwant++] =
				(struct acl_want){ RD_KAFKA_RESOURCE_TOPIC, topic, RD_KAFKA_ACL_OPERATION_WRITE };
			want[nwant++] =
				(struct acl_want){ RD_KAFKA_RESOURCE_TOPIC, topic, RD_KAFKA_ACL_OPERATION_DESCRIBE };
			if (txn) {
				want[nwant++] = (struct acl_want){ RD_KAFKA_RESOURCE_TRANSACTIONAL_ID, txn,
								   RD_KAFKA_ACL_OPERATION_WRITE };
				want[nwant++] = (struct acl_want){ RD_KAFKA_RESOURCE_TRANSACTIONAL_ID, txn,
								   RD_KAFKA_ACL_OPERATION_DESCRIBE };
			}
		}
		if (consumer) {
			want[nwant++] =
				(struct acl_want){ RD_KAFKA_RESOURCE_TOPIC, topic, RD_KAFKA_ACL_OPERATION_READ };
			if (!producer)
				want[nwant++] = (struct acl_want){ RD_KAFKA_RESOURCE_TOPIC, topic,
								   RD_KAFKA_ACL_OPERATION_DESCRIBE };
			want[nwant++] =
				(struct acl_want){ RD_KAFKA_RESOURCE_GROUP, group, RD_KAFKA_ACL_OPERATION_READ };
		}
		if (acl_spec_read(ctx, &sp, false, RD_KAFKA_RESOURCE_PATTERN_LITERAL, true) != CMD_OK)
			return ctx->status;
	} else {
		char *const *ops;
		int nops = cmd_arg_all(ctx, "operation", &ops);
		if (nops == 0)
			return cmd_fail(ctx, CMD_USAGE,
					"e.g. --operation Read (repeat it for more), or --consumer / --producer",
					"which operation? --operation is needed");
		if (acl_spec_read(ctx, &sp, false, RD_KAFKA_RESOURCE_PATTERN_LITERAL, false) != CMD_OK)
			return ctx->status;
		if (nops > 12)
			return cmd_fail(ctx, CMD_USAGE, "there are 11 operations; --operation All grants every one",
					"too many --operation options (%d)", nops);
		for (int i = 0; i < nops; i++) {
			int o = acl_enum(ops[i], RD_KAFKA_ACL_OPERATION_ALL, RD_KAFKA_ACL_OPERATION_IDEMPOTENT_WRITE,
					 acl_op_name);
			if (o < 0)
				return cmd_fail(ctx, CMD_USAGE,
						"operations: Read, Write, Create, Delete, Alter, Describe, "
						"ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All",
						"--operation: unknown operation `%.*s`", ERR_QUOTE_MAX, ops[i]);
			want[nwant++] = (struct acl_want){ sp.restype, sp.resource, (rd_kafka_AclOperation_t)o };
		}
	}
	for (int i = 0; i < nwant; i++) {
		struct acl_spec one = sp;
		one.restype = want[i].restype, one.resource = want[i].resource;
		/* a shorthand's group and transactional id are literal names even with --pattern prefixed */
		if (want[i].restype != RD_KAFKA_RESOURCE_TOPIC && (consumer || producer))
			one.pattern = RD_KAFKA_RESOURCE_PATTERN_LITERAL;
		if ((b[*nb] = acl_binding(ctx, &one, false, want[i].op)) == NULL) {
			acl_bindings_free(b, *nb);
			*nb = 0;
			return ctx->status;
		}
		(*nb)++;
	}
	*out = sp;
	return CMD_OK;
}

static int cmd_acl_create_validate(struct cmd_ctx *ctx)
{
	rd_kafka_AclBinding_t *b[16];
	int nb;
	struct acl_spec sp;
	if (acl_create_bindings(ctx, b, &nb, &sp) != CMD_OK)
		return ctx->status;
	acl_bindings_free(b, nb);
	return CMD_OK;
}

static int cmd_acl_create_exec(struct cmd_ctx *ctx)
{
	rd_kafka_AclBinding_t *b[16];
	int nb;
	struct acl_spec sp;
	if (acl_create_bindings(ctx, b, &nb, &sp) != CMD_OK)
		return ctx->status;
	json_t *rows = json_array();
	for (int i = 0; i < nb; i++)
		json_array_append_new(rows, client_acl_json(b[i]));
	struct client *c = cmd_client(ctx);
	struct err e = { 0 };
	if (c && client_acls_create(c, b, nb, &e) != CMD_OK)
		cmd_fail_err(ctx, &e);
	else if (c)
		acl_strimzi_note(ctx, sp.principal);
	acl_bindings_free(b, nb);
	if (c == NULL || ctx->error) {
		json_decref(rows);
		return ctx->status;
	}
	return cmd_ok(ctx, json_pack("{s:o,s:b}", "acls", rows, "created", 1));
}

/* --- acl delete ----------------------------------------------------------------------------- */

/* The matching ACLs as lines for a person, for the confirmation question. */
static char *acl_plan_text(const json_t *acls)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;
	const json_t *a;
	json_array_foreach(acls, i, a)
	{
		sbuf_addf(&sb, "  %s %s %s on %s %s (%s, host %s)\n",
			  json_string_value(json_object_get(a, "principal")),
			  json_string_value(json_object_get(a, "permission")),
			  json_string_value(json_object_get(a, "operation")),
			  json_string_value(json_object_get(a, "resource_type")),
			  json_string_value(json_object_get(a, "resource")),
			  json_string_value(json_object_get(a, "pattern")),
			  json_string_value(json_object_get(a, "host")));
	}
	return sbuf_release(&sb);
}

static int cmd_acl_delete_validate(struct cmd_ctx *ctx)
{
	return acl_filter_validate(ctx, true);
}

/* Lists the matching ACLs and asks for their number to be typed, by cmd_confirm()'s rule. */
static int acl_delete_confirm(struct cmd_ctx *ctx, const json_t *match)
{
	size_t n = json_array_size(match);
	char expect[32];
	snprintf(expect, sizeof(expect), "%zu", n);
	char *plan = acl_plan_text(match);
	char *q = x_asprintf("These %zu ACL%s match and will be deleted:\n%sType %s (their number) to confirm: ", n,
			     n == 1 ? "" : "s", plan, expect);
	char *refusal = x_asprintf("refusing to delete %zu ACL%s without confirmation", n, n == 1 ? "" : "s");
	int rc = cmd_confirm_as(ctx, q, expect, refusal, "check them with `acls` and the same options, then add --yes");
	free(refusal);
	free(q);
	free(plan);
	return rc;
}

static int cmd_acl_delete_exec(struct cmd_ctx *ctx)
{
	struct acl_spec sp;
	rd_kafka_AclBinding_t *f;
	if (acl_filter(ctx, true, &sp, &f) != CMD_OK)
		return ctx->status;
	struct client *c = cmd_client(ctx);
	json_t *match = NULL, *deleted = NULL;
	struct err e = { 0 };
	/* The plan: what the same filter matches now. */
	if (c && client_acls_describe(c, f, &match, &e) != CMD_OK)
		cmd_fail_err(ctx, &e);
	if (match && json_array_size(match) == 0 && acl_check_empty(ctx, c, match) != CMD_OK)
		goto out;
	if (match && json_array_size(match) == 0) {
		cmd_fail(ctx, CMD_FAILED,
			 "`acls` with the same options lists what there is (add --pattern any for prefixed ACLs)",
			 "no ACL matches: nothing to delete (or this principal may not describe ACLs)");
		goto out;
	}
	if (match && acl_delete_confirm(ctx, match) != CMD_OK)
		goto out;
	if (match && client_acls_delete(c, &f, 1, &deleted, &e) != CMD_OK)
		cmd_fail_err(ctx, &e);
	else if (match)
		acl_strimzi_note(ctx, sp.principal);
out:
	rd_kafka_AclBinding_destroy(f);
	json_decref(match);
	if (ctx->error) {
		json_decref(deleted);
		return ctx->status;
	}
	return cmd_ok(ctx, json_pack("{s:o,s:i}", "acls", deleted, "deleted", (int)json_array_size(deleted)));
}

/* --- the table ------------------------------------------------------------------------------ */

#define ACL_RESOURCE_OPTS                                                                                              \
	{ "topic", 't', CMD_ARG_TOPIC, 0, "the ACLs on this topic (name or prefix, see --pattern)" },                  \
		{ "group", 'g', CMD_ARG_GROUP, 0, "the ACLs on this consumer group" },                                 \
		{ "cluster", 0, CMD_ARG_NONE, 0, "the ACLs on the cluster (kafka-cluster)" },                          \
		{ "transactional-id", 0, CMD_ARG_STRING, 0, "the ACLs on this transactional id" },                     \
		{ "principal", 0, CMD_ARG_PRINCIPAL, 0, "whose ACLs: User:NAME (the login's principal)" },             \
	{                                                                                                              \
		"host", 0, CMD_ARG_STRING, 0, "the client host the ACL applies to (default *: any)"                    \
	}

static const struct cmd_opt acls_opts[] = {
	ACL_RESOURCE_OPTS,
	{ "pattern", 0, CMD_ARG_STRING, 0,
	  "literal, prefixed, any (default: both) or match (every ACL that applies to the named resource, "
	  "wildcards and prefixes too)" },
	{ "operation", 0, CMD_ARG_STRING, 0, "only this operation (Read, Write, Describe, ...)" },
	{ "permission", 0, CMD_ARG_STRING, 0, "allow or deny" },
	{ 0 },
};
static const struct cmd_opt acl_create_opts[] = {
	ACL_RESOURCE_OPTS,
	{ "pattern", 0, CMD_ARG_STRING, 0, "literal (default) or prefixed: the resource name is a prefix" },
	{ "operation", 0, CMD_ARG_STRING, CMD_OPT_REPEAT,
	  "Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, "
	  "IdempotentWrite or All; repeat it for more" },
	{ "deny", 0, CMD_ARG_NONE, 0, "a DENY ACL (default: ALLOW)" },
	{ "consumer", 0, CMD_ARG_NONE, 0, "what a consumer needs: Read and Describe on --topic, Read on --group" },
	{ "producer", 0, CMD_ARG_NONE, 0,
	  "what a producer needs: Write and Describe on --topic (and on --transactional-id for transactions)" },
	{ 0 },
};
static const struct cmd_opt acl_delete_opts[] = {
	ACL_RESOURCE_OPTS,
	{ "pattern", 0, CMD_ARG_STRING, 0,
	  "literal (default), prefixed, any or match: which resource patterns the filter takes" },
	{ "operation", 0, CMD_ARG_STRING, 0, "only this operation (default: all of them)" },
	{ "permission", 0, CMD_ARG_STRING, 0, "allow or deny (default: both)" },
	{ "yes", 'y', CMD_ARG_NONE, 0, "do not ask for confirmation" },
	{ 0 },
};

#define ACL_ROW_DOC                                                                                                    \
	"{resource_type (TOPIC, GROUP, BROKER for the cluster, TRANSACTIONAL_ID), resource, pattern (LITERAL, "        \
	"PREFIXED), principal, host, operation (READ, WRITE, DESCRIBE, ...), permission (ALLOW, DENY)}"
#define ACL_REFUSALS_DOC                                                                                               \
	" A broker without an authorizer: kcon says so and exits 1, never an empty list (CreateAcls and "              \
	"DeleteAcls answer SECURITY_DISABLED; librdkafka 2.14 answers DescribeAcls with an empty list, so an "         \
	"empty answer is checked against a broker's authorizer.class.name). A principal that may not describe "        \
	"ACLs gets `not authorized`, exit 1: librdkafka 2.14 turns that refusal into an empty list too, so kcon "      \
	"checks an empty answer against the operations DescribeCluster says the principal may do on the "              \
	"cluster (no Describe, Alter or All: not authorized; no answer: a note that the list may be empty or "         \
	"denied). Refused on the --demo cluster (librdkafka's mock cluster has no ACL APIs) and with --offline."

const struct cmd_entry cmd_acl_table[] = {
	{
		.name = "acls",
		.group = "security",
		.opts = acls_opts,
		.help = "list ACLs, filtered by principal, resource, pattern, operation, permission",
		.doc = "JSON: {acls: [" ACL_ROW_DOC
		       "], note? (when the list is empty and the cluster would not say whether this principal may "
		       "describe ACLs)}. Without options: every ACL. "
		       "--topic T lists the ACLs whose resource is named T, literal or prefixed; --pattern match "
		       "adds every ACL that applies to T (the * wildcard, prefixes of T)." ACL_REFUSALS_DOC,
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.view = &acls_view,
		.demo_missing = { "describe ACLs", "DescribeAcls" },
		.validate = cmd_acls_validate,
		.exec = cmd_acls_exec,
	},
	{
		.name = "acl create",
		.group = "security",
		.opts = acl_create_opts,
		.help = "grant (or --deny) operations on a resource to a principal; --consumer / --producer for the "
			"usual sets",
		.doc = "JSON: {acls: [" ACL_ROW_DOC "], created: true}: the ACLs created, in one CreateAcls request. "
		       "`acl create --principal User:x --operation Read --topic T`: one ACL per --operation. "
		       "--consumer --topic T --group G: READ and DESCRIBE on T, READ on G. --producer --topic T: "
		       "WRITE and DESCRIBE on T, and with --transactional-id ID WRITE and DESCRIBE on ID (what "
		       "transactions need). Idempotent producers need nothing more since Kafka 3.0 (KIP-679: WRITE "
		       "on a topic implies it; an older cluster wants `--operation IdempotentWrite --cluster`). "
		       "Kafka's kafka-acls --producer also grants CREATE on the topic: kcon does not, add "
		       "`--operation Create` for a producer that creates its topics. With --pattern prefixed the "
		       "topic is a prefix; a shorthand's group and transactional id stay literal. A profile with "
		       "\"strimzi\": true adds a note that the User Operator reverts ACLs made outside a "
		       "KafkaUser." ACL_REFUSALS_DOC,
		.flags = CMD_NEEDS_CLUSTER,
		.view = &acls_view,
		.demo_missing = { "create ACLs", "CreateAcls" },
		.validate = cmd_acl_create_validate,
		.exec = cmd_acl_create_exec,
	},
	{
		.name = "acl delete",
		.group = "security",
		.opts = acl_delete_opts,
		.help = "delete the ACLs a filter matches: shows them first and asks for their number (or --yes)",
		.doc = "JSON: {acls: [" ACL_ROW_DOC "], deleted: N}: the ACLs the broker deleted. The filter takes "
		       "the options of `acls`, with --pattern literal by default; a filter without a resource or "
		       "a --principal is refused (it would match every ACL). kcon first asks the broker which "
		       "ACLs match (DescribeAcls with the same filter), lists them and asks for their number to "
		       "be typed; scripts pass --yes. Nothing matching exits 1." ACL_REFUSALS_DOC,
		.flags = CMD_NEEDS_CLUSTER,
		.view = &acls_view,
		.demo_missing = { "delete ACLs", "DeleteAcls" },
		.validate = cmd_acl_delete_validate,
		.exec = cmd_acl_delete_exec,
	},
	{ 0 },
};
