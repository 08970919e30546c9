/* Schema Registry commands: schemas (the subjects, each with its latest version) and schema SUBJECT [VERSION]. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "registry.h"
#include "session.h"
#include "xalloc.h"

static int schemas_registry(struct cmd_ctx *ctx, struct registry **r)
{
	struct err e = { 0 };
	if (session_registry(ctx->session, r, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	return CMD_OK;
}

static int schemas_fail(struct cmd_ctx *ctx, char *cause)
{
	int rc = cmd_fail(ctx, CMD_FAILED, "check the registry URL (--registry), its credentials, and that it answers",
			  "%s", cause);
	free(cause);
	return rc;
}

static int cmd_schemas_exec(struct cmd_ctx *ctx)
{
	struct registry *r;
	if (schemas_registry(ctx, &r) != CMD_OK)
		return ctx->status;
	char *cause = NULL;
	json_t *subjects = registry_subjects(r, &cause);
	if (subjects == NULL)
		return schemas_fail(ctx, cause);
	json_t *rows = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(subjects, i, s)
	{
		if (!json_is_string(s))
			continue;
		json_t *v = registry_version(r, json_string_value(s), "latest", &cause);
		if (v == NULL) {
			json_decref(rows);
			json_decref(subjects);
			return schemas_fail(ctx, cause);
		}
		json_array_append_new(rows, json_pack("{s:O,s:O?,s:O?,s:O}", "subject", s, "version",
						      json_object_get(v, "version"), "id", json_object_get(v, "id"),
						      "type", json_object_get(v, "schemaType")));
		json_decref(v);
	}
	json_decref(subjects);
	return cmd_ok(ctx, json_pack("{s:s,s:o}", "registry", registry_url(r), "subjects", rows));
}

static int cmd_schema_exec(struct cmd_ctx *ctx)
{
	struct registry *r;
	if (schemas_registry(ctx, &r) != CMD_OK)
		return ctx->status;
	const char *subject = cmd_arg(ctx, "subject");
	const char *version = cmd_has(ctx, "version") ? cmd_arg(ctx, "version") : "latest";
	if (strcmp(version, "latest") != 0 && strspn(version, "0123456789") != strlen(version))
		return cmd_fail(ctx, CMD_USAGE, "give a version number or `latest`", "bad version `%s`", version);
	char *cause = NULL;
	json_t *versions = registry_versions(r, subject, &cause);
	if (versions == NULL)
		return schemas_fail(ctx, cause);
	json_t *v = registry_version(r, subject, version, &cause);
	if (v == NULL) {
		json_decref(versions);
		return schemas_fail(ctx, cause);
	}
	json_t *out =
		json_pack("{s:s,s:O?,s:O?,s:O?,s:o,s:O?}", "subject", subject, "version", json_object_get(v, "version"),
			  "id", json_object_get(v, "id"), "type", json_object_get(v, "schemaType"), "versions",
			  versions, "schema", json_object_get(v, "schema"));
	json_decref(v);
	return cmd_ok(ctx, out);
}

static const struct out_col schemas_cols[] = {
	{ "subject", "subject", 0 },
	{ "version", "latest", OUT_RIGHT },
	{ "id", "id", OUT_RIGHT },
	{ "type", "type", 0 },
	{ 0 },
};
static const struct out_table schemas_tables[] = {
	{ "subjects", schemas_cols },
	{ 0 },
};
static const struct out_view schemas_view = { .tables = schemas_tables };

static const struct out_col schema_fields[] = {
	{ "subject", "Subject", 0 },
	{ "version", "Version", 0 },
	{ "id", "Id", 0 },
	{ "type", "Type", 0 },
	{ "versions", "Versions", 0 },
	{ "schema", "Schema", 0 },
	{ 0 },
};
static const struct out_view schema_view = { .fields = schema_fields };

static const struct cmd_pos schema_args[] = {
	{ "subject", CMD_ARG_STRING, 0 },
	{ "version", CMD_ARG_STRING, CMD_POS_OPTIONAL },
	{ 0 },
};

const struct cmd_entry cmd_schemas_table[] = {
	{
		.name = "schemas",
		.group = "messages",
		.help = "the Schema Registry's subjects, each with its latest version, id and type",
		.doc = "Asks the registry of --registry URL (or the profile's \"registry\", or KCON_REGISTRY) through "
		       "its Confluent-compatible API (Apicurio: https://HOST/apis/ccompat/v7). JSON: "
		       "{registry, subjects: [{subject, version, id, type}]}",
		.flags = CMD_READ_ONLY,
		.view = &schemas_view,
		.exec = cmd_schemas_exec,
	},
	{
		.name = "schema",
		.group = "messages",
		.args = schema_args,
		.help = "one version of a subject's schema (the latest by default), and its versions",
		.doc = "JSON: {subject, version, id, type, versions: [N], schema} (type AVRO, JSON or PROTOBUF; "
		       "schema the text the registry holds)",
		.flags = CMD_READ_ONLY,
		.view = &schema_view,
		.exec = cmd_schema_exec,
	},
	{ 0 },
};
