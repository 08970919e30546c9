/*
 * Administration with safety rails: topic alter, topic partitions, topic delete-records,
 * broker config, broker alter, leaders elect and howto. Each shows its plan first; a change that
 * can lose data asks for a typed name (or --yes); every one that writes is refused read-only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "clock.h"
#include "client_admin.h"
#include "cmd.h"
#include "lag.h"
#include "names.h"
#include "session.h"
#include "xalloc.h"

/*
 * Asks for target to be typed when the change can lose data, by cmd_confirm()'s rule (not with
 * --yes, nor when a face has confirmed already; refused without a terminal). why says what may be
 * lost; the plan went to the notes before.
 */
static int admin_confirm(struct cmd_ctx *ctx, const char *target, const char *why)
{
	return cmd_confirm(ctx, target, why, "add --yes to run it without a terminal (--dry-run shows the plan)");
}

/* --- config changes: the diff ---------------------------------------------------------------- */

/* "DYNAMIC_TOPIC_CONFIG" as "dynamic_topic_config". */
static json_t *admin_source(rd_kafka_ConfigSource_t source)
{
	char *s = x_strdup(rd_kafka_ConfigSource_name(source));
	for (char *p = s; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	json_t *j = json_string(s);
	free(s);
	return j;
}

static const char *const admin_op_names[] = { "set", "delete", "append", "subtract" };

/* The changes asked for: --set, --delete, --append, --subtract in that order; owns the strings. */
struct admin_changes {
	int n;
	struct client_alter *ops;
	char **keys; /* n keys, owned */
};

static void admin_changes_clear(struct admin_changes *ch)
{
	for (int i = 0; i < ch->n; i++)
		free(ch->keys[i]);
	free(ch->keys);
	free(ch->ops);
	memset(ch, 0, sizeof(*ch));
}

/* Reads the change options into ch; CMD_USAGE after cmd_fail() on a malformed one or none. */
static int admin_changes_parse(struct cmd_ctx *ctx, struct admin_changes *ch)
{
	static const struct {
		const char *opt;
		rd_kafka_AlterConfigOpType_t op;
	} kinds[] = {
		{ "set", RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET },
		{ "delete", RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE },
		{ "append", RD_KAFKA_ALTER_CONFIG_OP_TYPE_APPEND },
		{ "subtract", RD_KAFKA_ALTER_CONFIG_OP_TYPE_SUBTRACT },
	};
	memset(ch, 0, sizeof(*ch));
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		char *const *v;
		int n = cmd_arg_all(ctx, kinds[k].opt, &v);
		for (int i = 0; i < n; i++) {
			const char *eq = strchr(v[i], '=');
			bool del = kinds[k].op == RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE;
			const char *end = del ? v[i] + strlen(v[i]) : eq;
			if ((!del && eq == NULL) || (del && eq != NULL) || end == v[i]) {
				char *hint = x_asprintf(del ? "write --delete KEY, as in --delete retention.ms"
							    : "write --%s KEY=VALUE, as in --%s retention.ms=86400000",
							kinds[k].opt, kinds[k].opt);
				cmd_fail(ctx, CMD_USAGE, hint, "--%s: `%s` is not %s", kinds[k].opt, v[i],
					 del ? "a config name" : "KEY=VALUE");
				free(hint);
				admin_changes_clear(ch);
				return CMD_USAGE;
			}
			char *key = x_strndup(v[i], (size_t)(end - v[i]));
			for (int j = 0; j < ch->n; j++)
				if (strcmp(ch->keys[j], key) == 0) {
					cmd_fail(ctx, CMD_USAGE, "change each config once per command",
						 "`%s` is changed twice", key);
					free(key);
					admin_changes_clear(ch);
					return CMD_USAGE;
				}
			ch->ops = x_reallocarray(ch->ops, (size_t)ch->n + 1, sizeof(*ch->ops));
			ch->keys = x_reallocarray(ch->keys, (size_t)ch->n + 1, sizeof(*ch->keys));
			ch->keys[ch->n] = key;
			ch->ops[ch->n] =
				(struct client_alter){ .name = key, .value = del ? NULL : eq + 1, .op = kinds[k].op };
			ch->n++;
		}
	}
	if (ch->n == 0)
		return cmd_fail(ctx, CMD_USAGE,
				"give --set KEY=VALUE, --delete KEY, --append KEY=V or --subtract KEY=V",
				"nothing to change");
	return CMD_OK;
}

static const struct client_config *admin_config_find(const struct client_config *cfg, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(cfg[i].name, name) == 0)
			return &cfg[i];
	return NULL;
}

/* A list value (a,b,c) with v appended (when absent) or taken out; a new string. */
static char *admin_list_edit(const char *old, const char *v, bool append)
{
	char *copy = x_strdup(old ? old : ""), *save = NULL, *out = x_strdup("");
	bool have = false;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, v) == 0) {
			have = true;
			if (!append)
				continue;
		}
		char *next = x_asprintf("%s%s%s", out, *out ? "," : "", t);
		free(out);
		out = next;
	}
	if (append && !have) {
		char *next = x_asprintf("%s%s%s", out, *out ? "," : "", v);
		free(out);
		out = next;
	}
	free(copy);
	return out;
}

/* A config value as a number; false when it is not one. */
static bool admin_number(const char *s, long long *n)
{
	if (s == NULL || *s == '\0')
		return false;
	char *end;
	errno = 0;
	*n = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/*
 * Whether a topic config change can delete data: retention.ms or retention.bytes lowered (-1 is
 * unlimited; a delete falls back to a default kcon cannot see, so it counts), or cleanup.policy
 * changed.
 */
static bool admin_loses_data(const char *key, const char *old, const char *new_value, bool deleted)
{
	if (strcmp(key, "cleanup.policy") == 0)
		return deleted || old == NULL || new_value == NULL || strcmp(old, new_value) != 0;
	if (strcmp(key, "retention.ms") != 0 && strcmp(key, "retention.bytes") != 0)
		return false;
	if (deleted)
		return true;
	long long o, n;
	if (!admin_number(new_value, &n) || !admin_number(old, &o))
		return true; /* the broker refuses a non-number; an unknown old value is no proof of safety */
	if (n < 0)
		return false; /* unlimited */
	return o < 0 || n < o;
}

/* The diff rows of ch against the current configs; *risky gets whether any can lose data. */
static json_t *admin_diff(const struct admin_changes *ch, const struct client_config *cfg, int ncfg, bool topic,
			  bool *risky)
{
	json_t *a = json_array();
	*risky = false;
	for (int i = 0; i < ch->n; i++) {
		const struct client_alter *op = &ch->ops[i];
		const struct client_config *cur = admin_config_find(cfg, ncfg, op->name);
		const char *old = cur ? cur->value : NULL;
		char *new_value = NULL;
		switch (op->op) {
		case RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET:
			new_value = x_strdup(op->value);
			break;
		case RD_KAFKA_ALTER_CONFIG_OP_TYPE_APPEND:
		case RD_KAFKA_ALTER_CONFIG_OP_TYPE_SUBTRACT:
			new_value = admin_list_edit(old, op->value, op->op == RD_KAFKA_ALTER_CONFIG_OP_TYPE_APPEND);
			break;
		default:
			break; /* delete: back to the default, which the broker knows */
		}
		bool loses = topic &&
			     admin_loses_data(op->name, old, new_value, op->op == RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE);
		*risky |= loses;
		json_t *row =
			json_pack("{s:s,s:s,s:s?,s:s?,s:o,s:b,s:b}", "name", op->name, "op", admin_op_names[op->op],
				  "old", old, "new", new_value, "source", cur ? admin_source(cur->source) : json_null(),
				  "known", cur != NULL, "data_loss", loses);
		if (cur && cur->sensitive)
			json_object_set_new(row, "old", json_string("(sensitive)"));
		if (op->op == RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE)
			json_object_set_new(row, "new", json_string("(default)"));
		json_array_append_new(a, row);
		free(new_value);
	}
	return a;
}

/* The diff as lines for a person, before a question. */
/* A line of the diff: a line of the plan a confirmation is about (cmd_plan), else a note alone. */
static void admin_note_line(struct cmd_ctx *ctx, bool plan, const char *line)
{
	if (plan)
		cmd_plan(ctx, "%s", line);
	else
		note_send(&ctx->session->note, "%s", line);
}

static void admin_note_diff(struct cmd_ctx *ctx, const char *what, json_t *changes, bool plan)
{
	size_t i;
	json_t *row;
	char *line = x_asprintf("%s:", what);
	admin_note_line(ctx, plan, line);
	free(line);
	json_array_foreach(changes, i, row)
	{
		const char *old = json_string_value(json_object_get(row, "old"));
		const char *nw = json_string_value(json_object_get(row, "new"));
		const char *src = json_string_value(json_object_get(row, "source"));
		line = x_asprintf("  %s: %s -> %s (%s)%s", json_string_value(json_object_get(row, "name")),
				  old ? old : "(unset)", nw ? nw : "(unset)", src ? src : "unknown",
				  json_is_true(json_object_get(row, "data_loss")) ? "  can delete data" : "");
		admin_note_line(ctx, plan, line);
		free(line);
	}
}

/* Puts each changed config's value after the change into its row as "now". */
static void admin_read_back(json_t *changes, const struct client_config *cfg, int ncfg)
{
	size_t i;
	json_t *row;
	json_array_foreach(changes, i, row)
	{
		const struct client_config *cur =
			admin_config_find(cfg, ncfg, json_string_value(json_object_get(row, "name")));
		json_object_set_new(row, "now", cur && cur->value ? json_string(cur->value) : json_null());
		json_object_set_new(row, "now_source", cur ? admin_source(cur->source) : json_null());
	}
}

/* Whether every set or appended value reads back as asked. */
static bool admin_settled(json_t *changes)
{
	size_t i;
	json_t *row;
	json_array_foreach(changes, i, row)
	{
		const char *op = json_string_value(json_object_get(row, "op"));
		const char *nw = json_string_value(json_object_get(row, "new"));
		const char *now = json_string_value(json_object_get(row, "now"));
		if (strcmp(op, "delete") != 0 && nw && (now == NULL || strcmp(nw, now) != 0))
			return false;
	}
	return true;
}

/*
 * The shared body of topic alter and broker alter: read the configs, diff, let the broker validate,
 * ask when data can be lost, apply, read back.
 */
static int admin_alter(struct cmd_ctx *ctx, rd_kafka_ResourceType_t type, const char *name, const char *label)
{
	struct admin_changes ch;
	if (admin_changes_parse(ctx, &ch) != CMD_OK)
		return ctx->status;
	bool dry = cmd_has(ctx, "dry-run"), topic = type == RD_KAFKA_RESOURCE_TOPIC;
	struct client *c = cmd_client(ctx);
	struct client_config *cfg = NULL;
	int ncfg = 0;
	struct err e = { 0 };
	if (c == NULL)
		goto out;
	if (client_configs(c, type, name, &cfg, &ncfg, &e) != CMD_OK) {
		cmd_fail_err(ctx, &e);
		goto out;
	}
	bool risky;
	json_t *changes = admin_diff(&ch, cfg, ncfg, topic, &risky);
	client_configs_free(&cfg, ncfg);
	/* The broker judges first: a bad value is refused with its reason before anyone is asked. */
	if (client_alter_configs(c, type, name, ch.ops, ch.n, true, &e) != CMD_OK) {
		admin_note_diff(ctx, "refused change", changes, false);
		json_decref(changes);
		cmd_fail_err(ctx, &e);
		goto out;
	}
	if (!dry && risky) {
		admin_note_diff(ctx, "change", changes, true);
		if (admin_confirm(ctx, name,
				  "this change can delete messages (retention lowered or cleanup.policy "
				  "changed)") != CMD_OK) {
			json_decref(changes);
			goto out;
		}
	}
	if (!dry) {
		if (client_alter_configs(c, type, name, ch.ops, ch.n, false, &e) != CMD_OK) {
			json_decref(changes);
			cmd_fail_err(ctx, &e);
			goto out;
		}
		/*
		 * Read back what the broker now says. A broker applies a dynamic config after it has
		 * answered, and a topic's reaches the broker's metadata after the controller answered:
		 * either may describe the old value for a moment, so both are read again (every 100 ms,
		 * up to 3 s) until each set value shows.
		 */
		for (int tries = 0; tries < 30; tries++) {
			if (client_configs(c, type, name, &cfg, &ncfg, &e) == CMD_OK)
				admin_read_back(changes, cfg, ncfg);
			client_configs_free(&cfg, ncfg);
			err_clear(&e);
			if (admin_settled(changes))
				break;
			if (!cmd_nap(ctx, 100))
				break;
		}
	}
	if (topic && !dry)
		session_strimzi_note(ctx->session, SESSION_KAFKATOPIC, name);
	cmd_ok(ctx, json_pack("{s:s,s:b,s:b,s:b,s:o}", label, name, "dry_run", dry, "applied", !dry, "data_loss", risky,
			      "changes", changes));
out:
	admin_changes_clear(&ch);
	return ctx->status;
}

static int cmd_topic_alter_exec(struct cmd_ctx *ctx)
{
	return admin_alter(ctx, RD_KAFKA_RESOURCE_TOPIC, cmd_arg(ctx, "topic"), "topic");
}

static const struct out_col alter_fields[] = {
	{ "topic", "Topic", 0 },
	{ "broker", "Broker", 0 },
	{ "dry_run", "Dry run", 0 },
	{ "applied", "Applied", 0 },
	{ "data_loss", "Can delete data", 0 },
	{ 0 },
};
static const struct out_col alter_cols[] = {
	{ "name", "name", 0 },
	{ "op", "op", 0 },
	{ "old", "old", 0 },
	{ "new", "new", 0 },
	{ "source", "source", 0 },
	{ "now", "now", 0 },
	{ "data_loss", "data_loss", 0 },
	{ 0 },
};
static const struct out_table alter_tables[] = { { "changes", alter_cols }, { 0 } };
static const struct out_view alter_view = { .fields = alter_fields, .tables = alter_tables };

/* --- topic partitions ------------------------------------------------------------------------- */

/* The topic's metadata, fresh; NULL after cmd_fail() when it is unknown. */
static struct model *admin_topic(struct cmd_ctx *ctx, struct client *c, const char *name, const struct model_topic **t)
{
	struct model *m = NULL;
	struct err e = { 0 };
	client_invalidate(c);
	if (client_metadata(c, 0, &m, &e) != CMD_OK) {
		cmd_fail_err(ctx, &e);
		return NULL;
	}
	*t = model_topic_find(m, name);
	if (*t == NULL || (*t)->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
		model_unref(&m);
		cmd_fail(ctx, CMD_FAILED, "`topics` lists the topics; names are case-sensitive", "unknown topic `%s`",
			 name);
		return NULL;
	}
	return m;
}

/* Watermarks of every partition of t into lo and hi (new lists, in partition order). */
static int admin_watermarks(struct client *c, const struct model_topic *t, rd_kafka_topic_partition_list_t **lo,
			    rd_kafka_topic_partition_list_t **hi, struct err *e)
{
	*lo = rd_kafka_topic_partition_list_new(t->npartitions + 1);
	*hi = rd_kafka_topic_partition_list_new(t->npartitions + 1);
	for (int p = 0; p < t->npartitions; p++) {
		rd_kafka_topic_partition_list_add(*lo, t->name, t->partitions[p].id)->offset =
			RD_KAFKA_OFFSET_BEGINNING;
		rd_kafka_topic_partition_list_add(*hi, t->name, t->partitions[p].id)->offset = RD_KAFKA_OFFSET_END;
	}
	if (client_list_offsets(c, *lo, e) != CMD_OK || client_list_offsets(c, *hi, e) != CMD_OK)
		return e->status;
	return CMD_OK;
}

static int cmd_topic_partitions_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "topic");
	long long count;
	if (cmd_arg_int(ctx, "count", 0, 1, 1000000, &count))
		return ctx->status;
	if (!cmd_has(ctx, "count"))
		return cmd_fail(ctx, CMD_USAGE, "give the new total, as in --count 12", "--count is required");
	bool dry = cmd_has(ctx, "dry-run");
	struct client *c = cmd_client(ctx);
	if (c == NULL)
		return ctx->status;
	const struct model_topic *t;
	struct model *m = admin_topic(ctx, c, name, &t);
	if (m == NULL)
		return ctx->status;
	int cur = t->npartitions;
	if (count < cur) {
		model_unref(&m);
		return cmd_fail(ctx, CMD_USAGE,
				"Kafka cannot remove partitions: create a new topic with fewer and copy the messages",
				"`%s` has %d partitions: --count %lld would shrink it", name, cur, count);
	}
	/* Messages in it: their keys were hashed over cur partitions, and new ones will not be. */
	rd_kafka_topic_partition_list_t *lo, *hi;
	struct err e = { 0 };
	long long messages = -1;
	if (admin_watermarks(c, t, &lo, &hi, &e) == CMD_OK) {
		messages = 0;
		for (int p = 0; p < lo->cnt; p++)
			if (!lo->elems[p].err && !hi->elems[p].err && hi->elems[p].offset > lo->elems[p].offset)
				messages += hi->elems[p].offset - lo->elems[p].offset;
	}
	err_clear(&e);
	rd_kafka_topic_partition_list_destroy(lo);
	rd_kafka_topic_partition_list_destroy(hi);
	model_unref(&m);
	const char *warning = NULL;
	if (count > cur && messages != 0)
		warning = "the topic has messages: a key now goes to another partition than the one its earlier "
			  "messages are in, so consumers that rely on per-key order or on co-partitioning see the "
			  "change";
	if (warning)
		note_send(&ctx->session->note, "warning: %s", warning);
	bool changed = false;
	if (count > cur) {
		if (client_create_partitions(c, name, (int)count, dry, &e) != CMD_OK)
			return cmd_fail_err(ctx, &e);
		changed = !dry;
	}
	if (changed)
		session_strimzi_note(ctx->session, SESSION_KAFKATOPIC, name);
	json_t *r = json_pack("{s:s,s:i,s:I,s:b,s:b,s:s?}", "topic", name, "old_count", cur, "new_count",
			      (json_int_t)count, "dry_run", dry, "changed", changed, "warning", warning);
	json_object_set_new(r, "messages", messages < 0 ? json_null() : json_integer(messages));
	return cmd_ok(ctx, r);
}

static const struct out_col partitions_fields[] = {
	{ "topic", "Topic", 0 },
	{ "old_count", "Partitions before", 0 },
	{ "new_count", "Partitions after", 0 },
	{ "messages", "Messages", 0 },
	{ "dry_run", "Dry run", 0 },
	{ "changed", "Changed", 0 },
	{ "warning", "Warning", 0 },
	{ 0 },
};
static const struct out_view partitions_view = { .fields = partitions_fields };

/* --- topic delete-records ----------------------------------------------------------------------- */

enum admin_before { BEFORE_OFFSET, BEFORE_TIME, BEFORE_KEEP, BEFORE_END };

/* --before OFFSET | @TIME | -N | end; CMD_USAGE after cmd_fail() when malformed. */
static int admin_before_parse(struct cmd_ctx *ctx, const char *s, enum admin_before *how, long long *v)
{
	const char *hint = "--before 1200 (an offset), --before @2024-05-01T12:00Z (a time), --before -100 (keep "
			   "the last 100), or --before end (all)";
	if (s == NULL)
		return cmd_fail(ctx, CMD_USAGE, hint, "--before is required");
	if (strcmp(s, "end") == 0) {
		*how = BEFORE_END;
		return CMD_OK;
	}
	if (s[0] == '@') {
		int64_t ms;
		char *cause = NULL;
		if (clock_parse_datetime(s + 1, &ms, &cause) != 0) {
			cmd_fail(ctx, CMD_USAGE, hint, "--before: %s", cause);
			free(cause);
			return CMD_USAGE;
		}
		*how = BEFORE_TIME, *v = ms;
		return CMD_OK;
	}
	if (admin_number(s, v) && (*v >= 0 || *v > -1000000000000000LL)) {
		*how = *v < 0 ? BEFORE_KEEP : BEFORE_OFFSET;
		if (*v < 0)
			*v = -*v;
		return CMD_OK;
	}
	return cmd_fail(ctx, CMD_USAGE, hint, "--before: `%.64s` is not an offset, @time, -N or end", s);
}

static int cmd_topic_delete_records_exec(struct cmd_ctx *ctx)
{
	const char *name = cmd_arg(ctx, "topic");
	char *const *pv;
	int np = cmd_arg_all(ctx, "partition", &pv);
	bool all = cmd_has(ctx, "all"), dry = cmd_has(ctx, "dry-run");
	enum admin_before how = BEFORE_END;
	long long v = 0;
	if (np == 0 && !all)
		return cmd_fail(ctx, CMD_USAGE, "give --partition P (repeatable) or --all", "which partitions?");
	if (np > 0 && all)
		return cmd_fail(ctx, CMD_USAGE, "give --partition P or --all, not both", "--partition and --all");
	if (admin_before_parse(ctx, cmd_arg(ctx, "before"), &how, &v) != CMD_OK)
		return ctx->status;
	struct client *c = cmd_client(ctx);
	if (c == NULL)
		return ctx->status;
	const struct model_topic *t;
	struct model *m = admin_topic(ctx, c, name, &t);
	if (m == NULL)
		return ctx->status;
	bool *want = x_calloc((size_t)t->npartitions + 1, sizeof(bool));
	for (int i = 0; i < np; i++) {
		long long p;
		if (!admin_number(pv[i], &p) || p < 0 || p >= t->npartitions) {
			free(want);
			model_unref(&m);
			char *hint = x_asprintf("`%s` has partitions 0 to %d", name, t->npartitions - 1);
			cmd_fail(ctx, CMD_USAGE, hint, "--partition: no partition `%.64s` in `%s`", pv[i], name);
			free(hint);
			return ctx->status;
		}
		want[p] = true;
	}
	rd_kafka_topic_partition_list_t *lo = NULL, *hi = NULL, *at = NULL, *del = NULL;
	struct err e = { 0 };
	json_t *plan = NULL;
	if (admin_watermarks(c, t, &lo, &hi, &e) != CMD_OK) {
		cmd_fail_err(ctx, &e);
		goto out;
	}
	if (how == BEFORE_TIME) {
		at = rd_kafka_topic_partition_list_new(t->npartitions + 1);
		for (int p = 0; p < t->npartitions; p++)
			rd_kafka_topic_partition_list_add(at, name, t->partitions[p].id)->offset = v;
		if (client_list_offsets(c, at, &e) != CMD_OK) {
			cmd_fail_err(ctx, &e);
			goto out;
		}
	}
	plan = json_array();
	del = rd_kafka_topic_partition_list_new(t->npartitions + 1);
	long long total = 0;
	for (int p = 0; p < t->npartitions; p++) {
		if (!all && !want[p])
			continue;
		const rd_kafka_topic_partition_t *l = &lo->elems[p], *h = &hi->elems[p];
		if (l->err || h->err) {
			cmd_fail(ctx, CMD_FAILED, "check the partition's leader with `topic describe`",
				 "partition %d of `%s`: cannot read its watermarks: %s", l->partition, name,
				 rd_kafka_err2str(l->err ? l->err : h->err));
			goto out;
		}
		long long low = l->offset, high = h->offset, to = high;
		switch (how) {
		case BEFORE_OFFSET:
			to = v;
			break;
		case BEFORE_KEEP:
			to = high - v;
			break;
		case BEFORE_TIME:
			to = at->elems[p].err || at->elems[p].offset < 0 ? high : at->elems[p].offset;
			break;
		case BEFORE_END:
			break;
		}
		if (to > high)
			to = high;
		if (to < low)
			to = low;
		total += to - low;
		json_array_append_new(plan, json_pack("{s:i,s:I,s:I,s:I,s:I}", "partition", l->partition, "low",
						      (json_int_t)low, "high", (json_int_t)high, "new_low",
						      (json_int_t)to, "dropped", (json_int_t)(to - low)));
		if (to > low)
			rd_kafka_topic_partition_list_add(del, name, l->partition)->offset = to;
	}
	if (!dry && del->cnt > 0) {
		size_t i;
		json_t *row;
		cmd_plan(ctx, "delete records of %s:", name);
		json_array_foreach(plan, i, row)
			cmd_plan(ctx, "  partition %lld: low %lld -> %lld of high %lld, %lld messages dropped",
				 json_integer_value(json_object_get(row, "partition")),
				 json_integer_value(json_object_get(row, "low")),
				 json_integer_value(json_object_get(row, "new_low")),
				 json_integer_value(json_object_get(row, "high")),
				 json_integer_value(json_object_get(row, "dropped")));
		char *why = x_asprintf("this deletes %lld messages for good", total);
		int rc = admin_confirm(ctx, name, why);
		free(why);
		if (rc != CMD_OK)
			goto out;
		if (client_delete_records(c, del, &e) != CMD_OK) {
			cmd_fail_err(ctx, &e);
			goto out;
		}
	}
	/* The low watermark each partition reports now (DeleteRecords' answer), or where it stood. */
	bool failed = false;
	size_t i;
	json_t *row;
	json_array_foreach(plan, i, row)
	{
		int part = (int)json_integer_value(json_object_get(row, "partition"));
		const rd_kafka_topic_partition_t *d = rd_kafka_topic_partition_list_find(del, name, part);
		json_t *after = json_null(), *err = json_null();
		if (dry)
			;
		else if (d && d->err)
			err = json_string(rd_kafka_err2str(d->err)), failed = true;
		else
			after = json_integer(d ? d->offset : json_integer_value(json_object_get(row, "low")));
		json_object_set_new(row, "low_after", after);
		json_object_set_new(row, "error", err);
	}
	json_t *r = json_pack("{s:s,s:s,s:b,s:I,s:o}", "topic", name, "before", cmd_arg(ctx, "before"), "dry_run", dry,
			      "dropped", (json_int_t)total, "partitions", plan);
	plan = NULL;
	cmd_ok(ctx, r);
	if (failed)
		cmd_fail(ctx, CMD_FAILED, "the partitions' error says why", "some partitions were not truncated");
out:
	json_decref(plan);
	free(want);
	model_unref(&m);
	if (lo)
		rd_kafka_topic_partition_list_destroy(lo);
	if (hi)
		rd_kafka_topic_partition_list_destroy(hi);
	if (at)
		rd_kafka_topic_partition_list_destroy(at);
	if (del)
		rd_kafka_topic_partition_list_destroy(del);
	return ctx->status;
}

static const struct out_col records_fields[] = {
	{ "topic", "Topic", 0 },
	{ "before", "Before", 0 },
	{ "dry_run", "Dry run", 0 },
	{ "dropped", "Dropped", 0 },
	{ 0 },
};
static const struct out_col records_cols[] = {
	{ "partition", "partition", OUT_RIGHT },
	{ "low", "low", OUT_RIGHT },
	{ "high", "high", OUT_RIGHT },
	{ "new_low", "new_low", OUT_RIGHT },
	{ "dropped", "dropped", OUT_RIGHT },
	{ "low_after", "low_after", OUT_RIGHT },
	{ "error", "error", 0 },
	{ 0 },
};
static const struct out_table records_tables[] = { { "partitions", records_cols }, { 0 } };
static const struct out_view records_view = { .fields = records_fields, .tables = records_tables };

/* --- broker config / broker alter ------------------------------------------------------------- */

/*
 * The broker a command is about: its id, "" for --default (the cluster-wide dynamic default), or
 * with neither the lowest broker id; NULL after cmd_fail().
 */
static char *admin_broker(struct cmd_ctx *ctx, struct client *c, bool needs_one)
{
	const char *id = cmd_arg(ctx, "broker");
	bool def = cmd_has(ctx, "default");
	long long n;
	if (id && def) {
		cmd_fail(ctx, CMD_USAGE, "give a broker id or --default, not both", "broker id and --default");
		return NULL;
	}
	if (def) {
		/* Kafka names the default with an empty broker name, which librdkafka cannot send. */
		cmd_fail(ctx, CMD_FAILED,
			 "`howto broker-defaults` gives the kafka-configs.sh invocation; a broker's own configs show "
			 "a default's value with source dynamic_default_broker_config",
			 "librdkafka cannot address the cluster-wide broker default (its resource name is empty)");
		return NULL;
	}
	if (id) {
		if (!admin_number(id, &n) || n < 0 || n > INT32_MAX) {
			cmd_fail(ctx, CMD_USAGE, "`brokers` lists the broker ids", "`%.64s` is not a broker id", id);
			return NULL;
		}
		return x_asprintf("%lld", n);
	}
	if (needs_one) {
		cmd_fail(ctx, CMD_USAGE, "give a broker id (`brokers` lists them) or --default for every broker",
			 "which broker?");
		return NULL;
	}
	struct model *m = NULL;
	struct err e = { 0 };
	if (client_metadata(c, 0, &m, &e) != CMD_OK) {
		cmd_fail_err(ctx, &e);
		return NULL;
	}
	char *s = m->nbrokers ? x_asprintf("%d", m->brokers[0].id) : NULL;
	model_unref(&m);
	if (s == NULL)
		cmd_fail(ctx, CMD_FAILED, NULL, "the cluster named no broker");
	return s;
}

/* A source a person can change with broker alter. */
static bool admin_dynamic(rd_kafka_ConfigSource_t s)
{
	return s == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_BROKER_CONFIG ||
	       s == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER_CONFIG;
}

static int cmd_broker_config_exec(struct cmd_ctx *ctx)
{
	const char *pattern = cmd_arg(ctx, "pattern");
	bool changed = cmd_has(ctx, "changed"), dynamic = cmd_has(ctx, "dynamic");
	struct client *c = cmd_client(ctx);
	if (c == NULL)
		return ctx->status;
	char *id = admin_broker(ctx, c, false);
	if (id == NULL)
		return ctx->status;
	struct client_config *cfg = NULL;
	int n = 0;
	struct err e = { 0 };
	if (client_configs(c, RD_KAFKA_RESOURCE_BROKER, id, &cfg, &n, &e) != CMD_OK) {
		free(id);
		return cmd_fail_err(ctx, &e);
	}
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		const struct client_config *f = &cfg[i];
		if ((changed && f->is_default) || (dynamic && !admin_dynamic(f->source)) ||
		    !names_match(pattern, f->name))
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s?,s:o,s:b,s:b,s:b,s:b}", "name", f->name, "value", f->value,
						   "source", admin_source(f->source), "is_default", f->is_default,
						   "dynamic", admin_dynamic(f->source), "read_only", f->read_only,
						   "sensitive", f->sensitive));
	}
	client_configs_free(&cfg, n);
	json_t *r = json_pack("{s:s,s:o}", "broker", id, "configs", a);
	free(id);
	return cmd_ok(ctx, r);
}

static const struct out_col bconfig_cols[] = {
	{ "name", "name", 0 },
	{ "value", "value", 0 },
	{ "source", "source", 0 },
	{ "is_default", "default", 0 },
	{ "dynamic", "dynamic", 0 },
	{ "read_only", "read_only", OUT_WIDE },
	{ "sensitive", "sensitive", OUT_WIDE },
	{ 0 },
};
static const struct out_col bconfig_fields[] = { { "broker", "Broker", 0 }, { 0 } };
static const struct out_table bconfig_tables[] = { { "configs", bconfig_cols }, { 0 } };
static const struct out_view bconfig_view = { .fields = bconfig_fields, .tables = bconfig_tables };

static int cmd_broker_alter_exec(struct cmd_ctx *ctx)
{
	struct client *c = cmd_client(ctx);
	if (c == NULL)
		return ctx->status;
	char *id = admin_broker(ctx, c, true);
	if (id == NULL)
		return ctx->status;
	admin_alter(ctx, RD_KAFKA_RESOURCE_BROKER, id, "broker");
	free(id);
	return ctx->status;
}

/* --- leaders elect ---------------------------------------------------------------------------- */

static bool admin_in(const int32_t *ids, int n, int32_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Whether p is a candidate: preferred, led by another than its first replica; unclean, no leader. */
static bool admin_candidate(const struct model_partition *p, bool unclean)
{
	if (unclean)
		return p->leader < 0;
	return p->nreplicas > 0 && p->leader != p->replicas[0];
}

static json_t *admin_ids(const int32_t *ids, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(ids[i]));
	return a;
}

static void admin_plan_add(json_t *plan, rd_kafka_topic_partition_list_t *l, const struct model_topic *t,
			   const struct model_partition *p)
{
	json_t *row = json_pack("{s:s,s:i,s:o,s:o,s:o,s:o,s:b}", "topic", t->name, "partition", p->id, "leader",
				p->leader < 0 ? json_null() : json_integer(p->leader), "preferred",
				p->nreplicas ? json_integer(p->replicas[0]) : json_null(), "replicas",
				admin_ids(p->replicas, p->nreplicas), "isr", admin_ids(p->isr, p->nisr),
				"preferred_in_isr", p->nreplicas && admin_in(p->isr, p->nisr, p->replicas[0]));
	json_array_append_new(plan, row);
	rd_kafka_topic_partition_list_add(l, t->name, p->id);
}

static int cmd_leaders_elect_exec(struct cmd_ctx *ctx)
{
	bool unclean = cmd_has(ctx, "unclean"), dry = cmd_has(ctx, "dry-run");
	if (unclean && cmd_has(ctx, "preferred"))
		return cmd_fail(ctx, CMD_USAGE, "give --preferred (the default) or --unclean", "two election types");
	struct client *c = cmd_client(ctx);
	if (c == NULL)
		return ctx->status;
	struct model *m = NULL;
	struct err e = { 0 };
	client_invalidate(c);
	if (client_metadata(c, 0, &m, &e) != CMD_OK)
		return cmd_fail_err(ctx, &e);
	json_t *plan = json_array();
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(16), *res = NULL;
	int nspecs = ctx->args.npos;
	for (int s = 0; s < nspecs; s++) {
		char *topic = NULL, *cause = NULL;
		int32_t *parts = NULL;
		int np = 0;
		if (lag_parse_topic_spec(ctx->args.pos[s], &topic, &parts, &np, &cause) < 0) {
			cmd_fail(ctx, CMD_USAGE, "write TOPIC or TOPIC:P,P,...", "%s", cause);
			free(cause);
			goto out;
		}
		const struct model_topic *t = model_topic_find(m, topic);
		if (t == NULL || t->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
			cmd_fail(ctx, CMD_FAILED, "`topics` lists the topics", "unknown topic `%s`", topic);
			free(topic);
			free(parts);
			goto out;
		}
		for (int p = 0; p < t->npartitions; p++) {
			bool asked = np == 0;
			for (int k = 0; k < np; k++)
				asked |= parts[k] == t->partitions[p].id;
			if (asked && admin_candidate(&t->partitions[p], unclean) &&
			    !rd_kafka_topic_partition_list_find(l, t->name, t->partitions[p].id))
				admin_plan_add(plan, l, t, &t->partitions[p]);
		}
		free(topic);
		free(parts);
	}
	for (int i = 0; nspecs == 0 && i < m->ntopics; i++)
		for (int p = 0; p < m->topics[i].npartitions; p++)
			if (admin_candidate(&m->topics[i].partitions[p], unclean))
				admin_plan_add(plan, l, &m->topics[i], &m->topics[i].partitions[p]);
	if (!dry && l->cnt > 0) {
		if (unclean) {
			cmd_plan(ctx, "unclean election of %d partitions without a leader", l->cnt);
			if (admin_confirm(ctx, "unclean",
					  "an unclean election makes a replica outside the ISR the leader: the "
					  "messages it lacks are lost for good") != CMD_OK)
				goto out;
		}
		if (client_elect_leaders(c, unclean ? RD_KAFKA_ELECTION_TYPE_UNCLEAN : RD_KAFKA_ELECTION_TYPE_PREFERRED,
					 l, &res, &e) != CMD_OK) {
			cmd_fail_err(ctx, &e);
			goto out;
		}
	}
	int elected = 0, failed = 0;
	size_t i;
	json_t *row;
	json_array_foreach(plan, i, row)
	{
		const char *topic = json_string_value(json_object_get(row, "topic"));
		int part = (int)json_integer_value(json_object_get(row, "partition"));
		const rd_kafka_topic_partition_t *r = res ? rd_kafka_topic_partition_list_find(res, topic, part) : NULL;
		const char *result = dry ? "planned" : "no answer";
		if (r && (r->err == 0 || r->err == RD_KAFKA_RESP_ERR_ELECTION_NOT_NEEDED))
			result = r->err ? "not needed" : "elected", elected += r->err == 0;
		else if (r)
			result = rd_kafka_err2str(r->err), failed++;
		else if (!dry)
			failed++;
		json_object_set_new(row, "result", json_string(result));
	}
	cmd_ok(ctx, json_pack("{s:s,s:b,s:i,s:i,s:i,s:O}", "type", unclean ? "unclean" : "preferred", "dry_run", dry,
			      "planned", l->cnt, "elected", elected, "failed", failed, "partitions", plan));
	if (failed)
		cmd_fail(ctx, CMD_FAILED, "the partitions' result says why (a preferred replica must be in the ISR)",
			 "%d of %d elections failed", failed, l->cnt);
out:
	json_decref(plan);
	rd_kafka_topic_partition_list_destroy(l);
	if (res)
		rd_kafka_topic_partition_list_destroy(res);
	model_unref(&m);
	return ctx->status;
}

static const struct out_col elect_fields[] = {
	{ "type", "Election", 0 },   { "dry_run", "Dry run", 0 }, { "planned", "Planned", 0 },
	{ "elected", "Elected", 0 }, { "failed", "Failed", 0 },   { 0 },
};
static const struct out_col elect_cols[] = {
	{ "topic", "topic", 0 },           { "partition", "partition", OUT_RIGHT },
	{ "leader", "leader", OUT_RIGHT }, { "preferred", "preferred", OUT_RIGHT },
	{ "replicas", "replicas", 0 },     { "isr", "isr", 0 },
	{ "result", "result", 0 },         { 0 },
};
static const struct out_table elect_tables[] = { { "partitions", elect_cols }, { 0 } };
static const struct out_view elect_view = { .fields = elect_fields, .tables = elect_tables };

/* --- howto ----------------------------------------------------------------------------------- */

/* Operations librdkafka has no API for, answered with the Kafka tool that does them. */
static const struct admin_howto {
	const char *topic, *summary, *tool, *in_kcon;
	const char *steps[4][2]; /* {what, command with %s for the bootstrap} */
} admin_howtos[] = {
	{ "reassign",
	  "move partition replicas between brokers (also: change a replication factor)",
	  "kafka-reassign-partitions.sh",
	  "`topic describe T` shows the replicas before and after",
	  { { "propose a plan for the topics in topics.json onto brokers 1,2,3",
	      "kafka-reassign-partitions.sh --bootstrap-server %s --topics-to-move-json-file topics.json "
	      "--broker-list 1,2,3 --generate" },
	    { "run the plan (saved as plan.json), throttled to 50 MB/s",
	      "kafka-reassign-partitions.sh --bootstrap-server %s --reassignment-json-file plan.json --execute "
	      "--throttle 50000000" },
	    { "follow it, and remove the throttle once done",
	      "kafka-reassign-partitions.sh --bootstrap-server %s --reassignment-json-file plan.json --verify" },
	    { 0 } } },
	{ "log-dirs",
	  "the size of each partition on each broker's log directories, and moving between them",
	  "kafka-log-dirs.sh",
	  "`topic describe T` shows the message counts, not the bytes",
	  { { "sizes per broker, log directory and partition",
	      "kafka-log-dirs.sh --bootstrap-server %s --describe --topic-list orders" },
	    { "move a replica to another directory: a reassignment whose plan names log_dirs",
	      "kafka-reassign-partitions.sh --bootstrap-server %s --reassignment-json-file plan.json --execute" },
	    { 0 } } },
	{ "quotas",
	  "produce, fetch and request-rate quotas of users and client ids",
	  "kafka-configs.sh",
	  "none: kcon neither reads nor sets quotas",
	  { { "show the quotas of a user",
	      "kafka-configs.sh --bootstrap-server %s --describe --entity-type users --entity-name alice" },
	    { "limit a user to 1 MB/s produced and 2 MB/s fetched",
	      "kafka-configs.sh --bootstrap-server %s --alter --entity-type users --entity-name alice "
	      "--add-config producer_byte_rate=1048576,consumer_byte_rate=2097152" },
	    { "remove them", "kafka-configs.sh --bootstrap-server %s --alter --entity-type users --entity-name alice "
			     "--delete-config producer_byte_rate,consumer_byte_rate" },
	    { 0 } } },
	{ "broker-defaults",
	  "the cluster-wide dynamic broker configs (every broker's default)",
	  "kafka-configs.sh",
	  "`broker config ID` shows their values (source dynamic_default_broker_config); `broker alter ID` sets one "
	  "broker's",
	  { { "show them", "kafka-configs.sh --bootstrap-server %s --describe --entity-type brokers --entity-default" },
	    { "set one for every broker",
	      "kafka-configs.sh --bootstrap-server %s --alter --entity-type brokers --entity-default "
	      "--add-config log.cleaner.threads=2" },
	    { "remove it", "kafka-configs.sh --bootstrap-server %s --alter --entity-type brokers --entity-default "
			   "--delete-config log.cleaner.threads" },
	    { 0 } } },
	{ "quorum",
	  "the KRaft controller quorum: leader, voters, observers and their lag",
	  "kafka-metadata-quorum.sh",
	  "`cluster` shows the active controller",
	  { { "leader, epoch, voters and observers",
	      "kafka-metadata-quorum.sh --bootstrap-server %s describe --status" },
	    { "each voter's and observer's log end offset and lag",
	      "kafka-metadata-quorum.sh --bootstrap-server %s describe --replication" },
	    { 0 } } },
	{ 0 },
};

static int cmd_howto_exec(struct cmd_ctx *ctx)
{
	const char *want = cmd_arg(ctx, "topic");
	const char *b = ctx->session->conf.bootstrap ? ctx->session->conf.bootstrap : "HOST:9092";
	if (want == NULL) {
		json_t *a = json_array();
		for (const struct admin_howto *h = admin_howtos; h->topic; h++)
			json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "topic", h->topic, "summary", h->summary,
							   "tool", h->tool));
		return cmd_ok(ctx, json_pack("{s:o}", "topics", a));
	}
	for (const struct admin_howto *h = admin_howtos; h->topic; h++) {
		if (strcmp(h->topic, want) != 0)
			continue;
		json_t *steps = json_array();
		for (int i = 0; i < 4 && h->steps[i][0]; i++) {
			char *cmd = x_asprintf(h->steps[i][1], b, b);
			json_array_append_new(steps, json_pack("{s:s,s:s}", "what", h->steps[i][0], "command", cmd));
			free(cmd);
		}
		return cmd_ok(ctx,
			      json_pack("{s:s,s:s,s:s,s:s,s:o,s:s}", "topic", h->topic, "summary", h->summary, "tool",
					h->tool, "in_kcon", h->in_kcon, "steps", steps, "note",
					"librdkafka has no API for this, so kcon cannot do it; the tool is in Kafka's "
					"bin/. With TLS or SASL add --command-config FILE (client properties)"));
	}
	return cmd_fail(ctx, CMD_USAGE, "`howto` lists the topics: reassign, log-dirs, quotas, broker-defaults, quorum",
			"no howto about `%.64s`", want);
}

static const struct out_col howto_fields[] = {
	{ "topic", "Topic", 0 },     { "summary", "What", 0 }, { "tool", "Tool", 0 },
	{ "in_kcon", "In kcon", 0 }, { "note", "Note", 0 },    { 0 },
};
static const struct out_col howto_list_cols[] = {
	{ "topic", "topic", 0 },
	{ "summary", "summary", 0 },
	{ "tool", "tool", 0 },
	{ 0 },
};
static const struct out_col howto_step_cols[] = { { "what", "what", 0 }, { "command", "command", 0 }, { 0 } };
static const struct out_table howto_tables[] = { { "topics", howto_list_cols }, { "steps", howto_step_cols }, { 0 } };
static const struct out_view howto_view = { .fields = howto_fields, .tables = howto_tables };

/* --- the table --------------------------------------------------------------------------------- */

#define ADMIN_OPT_YES                                                                                                  \
	{                                                                                                              \
		"yes", 'y', CMD_ARG_NONE, 0, "do not ask for confirmation"                                             \
	}
#define ADMIN_OPT_DRY                                                                                                  \
	{                                                                                                              \
		"dry-run", 'n', CMD_ARG_NONE, 0, "show the plan only; change nothing"                                  \
	}
#define ADMIN_OPTS_CHANGE                                                                                              \
	{ "set", 's', CMD_ARG_CONFIG, CMD_OPT_REPEAT, "set a config: KEY=VALUE" },                                     \
		{ "delete", 'd', CMD_ARG_KEY, CMD_OPT_REPEAT, "remove a config's override (back to the default)" },    \
		{ "append", 0, CMD_ARG_CONFIG, CMD_OPT_REPEAT, "add a value to a list config: KEY=VALUE" },            \
	{                                                                                                              \
		"subtract", 0, CMD_ARG_CONFIG, CMD_OPT_REPEAT, "take a value out of a list config: KEY=VALUE"          \
	}

static const struct cmd_pos admin_topic_args[] = { { "topic", CMD_ARG_TOPIC, 0 }, { 0 } };
static const struct cmd_opt topic_alter_opts[] = {
	ADMIN_OPTS_CHANGE,
	{ "dry-run", 'n', CMD_ARG_NONE, 0,
	  "show the diff and let the broker validate it (validate_only); change "
	  "nothing" },
	ADMIN_OPT_YES,
	{ 0 },
};
static const struct cmd_opt topic_partitions_opts[] = {
	{ "count", 'c', CMD_ARG_INT, 0, "the new total number of partitions (more than now)" },
	{ "dry-run", 'n', CMD_ARG_NONE, 0, "let the broker validate the change (validate_only); change nothing" },
	ADMIN_OPT_YES,
	{ 0 },
};
static const struct cmd_opt delete_records_opts[] = {
	{ "partition", 'p', CMD_ARG_INT, CMD_OPT_REPEAT, "a partition to truncate (repeatable)" },
	{ "all", 'a', CMD_ARG_NONE, 0, "every partition" },
	{ "before", 'b', CMD_ARG_STRING, 0, "OFFSET, @TIME (ISO 8601), -N (keep the last N) or end (everything)" },
	ADMIN_OPT_DRY,
	ADMIN_OPT_YES,
	{ 0 },
};
static const struct cmd_pos broker_args[] = {
	{ "broker", CMD_ARG_BROKER, CMD_POS_OPTIONAL },
	{ "pattern", CMD_ARG_PATTERN, CMD_POS_OPTIONAL },
	{ 0 },
};
static const struct cmd_pos broker_alter_args[] = { { "broker", CMD_ARG_BROKER, CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_opt broker_config_opts[] = {
	{ "default", 0, CMD_ARG_NONE, 0, "the cluster-wide defaults: refused, see `howto broker-defaults`" },
	{ "changed", 'c', CMD_ARG_NONE, 0, "only the configs not at their default" },
	{ "dynamic", 0, CMD_ARG_NONE, 0, "only the dynamic configs (set with broker alter)" },
	{ 0 },
};
static const struct cmd_opt broker_alter_opts[] = {
	ADMIN_OPTS_CHANGE,
	{ "default", 0, CMD_ARG_NONE, 0, "the cluster-wide defaults: refused, see `howto broker-defaults`" },
	{ "dry-run", 'n', CMD_ARG_NONE, 0, "show the diff and let the broker validate it; change nothing" },
	ADMIN_OPT_YES,
	{ 0 },
};
static const struct cmd_pos elect_args[] = { { "partitions", CMD_ARG_TOPIC_PARTS, CMD_POS_OPTIONAL | CMD_POS_REST },
					     { 0 } };
static const struct cmd_opt elect_opts[] = {
	{ "preferred", 0, CMD_ARG_NONE, 0, "move leadership back to each partition's preferred replica (default)" },
	{ "unclean", 0, CMD_ARG_NONE, 0, "elect a leader outside the ISR for partitions without one (loses data)" },
	ADMIN_OPT_DRY,
	ADMIN_OPT_YES,
	{ 0 },
};
static const struct cmd_pos howto_args[] = { { "topic", CMD_ARG_NAME, CMD_POS_OPTIONAL }, { 0 } };

const struct cmd_entry cmd_admin_table[] = {
	{
		.name = "topic alter",
		.group = "topics",
		.args = admin_topic_args,
		.opts = topic_alter_opts,
		.help = "change a topic's configs (IncrementalAlterConfigs), showing the diff first",
		.doc = "JSON: {topic, dry_run, applied, data_loss, changes: [{name, op (set|delete|append|subtract), "
		       "old (null: unset), new (\"(default)\" for a delete), source (of the old value, as in `topic "
		       "config`), known, data_loss, now, now_source (read back after the change; absent with "
		       "--dry-run)}]}. The broker validates every change first (validate_only): a bad value is "
		       "refused with its reason and nothing changes; --dry-run stops there. Lowering retention.ms or "
		       "retention.bytes (or deleting them), or changing cleanup.policy, can delete messages: kcon "
		       "prints the diff and asks for the topic's name to be typed (--yes in scripts; without a "
		       "terminal it refuses, exit 2). Refused with --read-only.",
		.flags = CMD_NEEDS_CLUSTER,
		.demo_missing = { "alter configs", "DescribeConfigs or IncrementalAlterConfigs", NULL },
		.view = &alter_view,
		.exec = cmd_topic_alter_exec,
	},
	{
		.name = "topic partitions",
		.group = "topics",
		.args = admin_topic_args,
		.opts = topic_partitions_opts,
		.help = "add partitions to a topic (--count N, the new total; grow only)",
		.doc = "JSON: {topic, old_count, new_count, messages (null when the watermarks cannot be read), "
		       "dry_run, changed, warning (null or text)}. Kafka cannot remove partitions: a smaller --count "
		       "exits 2 and changes nothing; the same count changes nothing. Keys are hashed over the "
		       "partition count, so a topic with messages gets a warning (kcon does not read the messages "
		       "to tell keyed from unkeyed ones: any message counts). Refused with --read-only.",
		.flags = CMD_NEEDS_CLUSTER,
		.demo_missing = { "add partitions", "CreatePartitions", NULL },
		.view = &partitions_view,
		.exec = cmd_topic_partitions_exec,
	},
	{
		.name = "topic delete-records",
		.group = "topics",
		.args = admin_topic_args,
		.opts = delete_records_opts,
		.help = "delete a topic's oldest messages: --partition P|--all --before OFFSET|@TIME|-N|end",
		.doc = "JSON: {topic, before, dry_run, dropped, partitions: [{partition, low, high, new_low, dropped, "
		       "low_after (the low watermark the broker reports after; null with --dry-run), error}]}. "
		       "--before OFFSET deletes below that offset; @TIME below the first message at or after the "
		       "time; -N keeps the last N; end deletes everything; each is clamped to [low, high]. kcon "
		       "prints the plan and asks for the topic's name (--yes in scripts). Refused with --read-only.",
		.flags = CMD_NEEDS_CLUSTER,
		.demo_missing = { "delete records", "DeleteRecords", NULL },
		.view = &records_view,
		.exec = cmd_topic_delete_records_exec,
	},
	{
		.name = "broker config",
		.group = "cluster",
		.args = broker_args,
		.opts = broker_config_opts,
		.help = "a broker's configs with their source",
		.doc = "JSON: {broker, configs: [{name, value, source, is_default, dynamic, "
		       "read_only, sensitive}]}. Without an id, the broker with the lowest id. --default (the "
		       "cluster-wide default) is refused: librdkafka cannot address it; `howto broker-defaults` "
		       "says how. dynamic: set with "
		       "`broker alter` (dynamic_broker_config or dynamic_default_broker_config); whether a config "
		       "may be changed at run time is Kafka's to say: `broker alter --dry-run` asks the broker.",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.demo_missing = { "describe configs", "DescribeConfigs", NULL },
		.view = &bconfig_view,
		.exec = cmd_broker_config_exec,
	},
	{
		.name = "broker alter",
		.group = "cluster",
		.args = broker_alter_args,
		.opts = broker_alter_opts,
		.help = "change a broker's dynamic configs, showing the diff first",
		.doc = "JSON: as `topic alter`, with broker (the id) for topic. --default is refused as in `broker "
		       "config`. The broker validates "
		       "first (validate_only) and refuses a config that cannot change at run time, with its reason; "
		       "--dry-run stops there. Refused with --read-only.",
		.flags = CMD_NEEDS_CLUSTER,
		.demo_missing = { "alter configs", "DescribeConfigs or IncrementalAlterConfigs", NULL },
		.view = &alter_view,
		.exec = cmd_broker_alter_exec,
	},
	{
		.name = "leaders elect",
		.group = "cluster",
		.args = elect_args,
		.opts = elect_opts,
		.help = "move leadership back to preferred replicas (or --unclean: elect one for leaderless "
			"partitions)",
		.doc = "JSON: {type (preferred|unclean), dry_run, planned, elected, failed, partitions: [{topic, "
		       "partition, leader (null: none), preferred, replicas, isr, preferred_in_isr, result (planned, "
		       "elected, not needed, or the broker's error)}]}. Without arguments: every partition whose "
		       "leader is not its preferred replica (the first of its replicas), or with --unclean every "
		       "partition without a leader. --unclean can lose messages: kcon asks for `unclean` to be typed "
		       "(--yes in scripts). Exits 1 when an election failed. Refused with --read-only.",
		.flags = CMD_NEEDS_CLUSTER,
		.demo_missing = { "elect leaders", "ElectLeaders", NULL },
		.view = &elect_view,
		.exec = cmd_leaders_elect_exec,
	},
	{
		.name = "howto",
		.group = "help",
		.args = howto_args,
		.help = "how to do what kcon cannot (reassign, log-dirs, quotas, broker-defaults, quorum): the Kafka "
			"tool invocation",
		.doc = "JSON: without TOPIC {topics: [{topic, summary, tool}]}; with one {topic, summary, tool, "
		       "in_kcon, steps: [{what, command}], note}. The commands carry this session's bootstrap. "
		       "docs/admin.md has the table of what kcon can and cannot change.",
		.flags = CMD_READ_ONLY,
		.view = &howto_view,
		.exec = cmd_howto_exec,
	},
	{ 0 },
};
