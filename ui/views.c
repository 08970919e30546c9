/*
 * The registry of views: every view once, in the order `bind -v` lists them. It feeds `view NAME`
 * and `:NAME` (tuiviews.c), the scopes of `bind -v`, the `?` pane's list of views, and the help and
 * doc of the `view` command (so docs/commands.md lists the views, and a test sees it stale).
 *
 * A table view over a command needs nothing but its entry here: VJSON_VIEW with the command, its
 * array and the keys of the command's columns to show (brokers below). Views with code of their own
 * (a style, a cell, keys) are declared in their files and named here.
 */
#include <string.h>

#include "sbuf.h"
#include "view.h"
#include "views.h"

static const struct views_entry views_registry[] = {
	{ &view_topics_ops, "topics", NULL, NULL, "topics with partition health (the first view)" },
	{ &view_partitions_ops, "topic %s", "TOPIC", "topic",
	  "a topic's partitions (Tab: its configs; D: delete-records, e: topic alter at the prompt)" },
	{ &view_groups_ops, "groups", NULL, NULL, "consumer groups: state, members, total lag" },
	{ &view_lag_ops, "lag", NULL, NULL, "all groups by total lag, largest first" },
	{ &view_group_ops, "group %s", "GROUP", "group", "a group's lag per partition" },
	{
		&(const struct view_ops)VJSON_VIEW(
			"brokers",
			.table =
				&(const struct vjson_spec){
					.command = "brokers",
					.stored = "brokers --stored",
					.array = "brokers",
					.keys = VJSON_KEYS("id", "host", "port", "rack", "controller"),
					.fill = "host",
				},
			.enter_help = "configs"),
		"brokers",
		NULL,
		NULL,
		"the brokers (Enter or c: a broker's configs)",
	},
	{ &view_broker_configs_ops, "broker %s", "BROKER", "broker",
	  "a broker's configs with their source (d: only the dynamic ones; e: `broker alter` at the prompt)" },
	{ &view_cluster_ops, "cluster", NULL, NULL, "counts and health of the cluster" },
	{
		&(const struct view_ops)VJSON_VIEW(
			"acls", .table =
					&(const struct vjson_spec){
						.command = "acls",
						.array = "acls",
						.keys = VJSON_KEYS("principal", "permission", "operation",
								   "resource_type", "resource", "pattern", "host"),
						.fill = "resource",
					}),
		"acls",
		NULL,
		NULL,
		"the ACLs (change them with acl create, acl delete)",
	},
	{
		&(const struct view_ops)VJSON_VIEW("users", .table =
								    &(const struct vjson_spec){
									    .command = "users",
									    .array = "users",
									    .keys = VJSON_KEYS("user", "mechanisms"),
									    .fill = "mechanisms",
								    }),
		"users",
		NULL,
		NULL,
		"the SCRAM users (change them with user set, user delete)",
	},
	{ &view_tail_ops, "tail %s", "TOPIC [FROM]", NULL,
	  "live messages (FROM as tail --from, default the last 20 of each partition; --decode NAME)" },
	{ &view_text_ops, NULL, NULL, NULL, "a command's result (:COMMAND)" },
	{ &view_log_ops, "log", NULL, NULL, "the event log: connection changes, failures, commands run" },
	{ &view_msg_ops, NULL, NULL, NULL, "one message of a tail (Enter on its row)" },
	{ 0 },
};

const struct views_entry *views_all(void)
{
	return views_registry;
}

const struct views_entry *views_find(const char *name)
{
	for (const struct views_entry *e = views_registry; e->ops; e++)
		if (strcmp(e->ops->name, name) == 0)
			return e;
	return NULL;
}

const char *views_help(void)
{
	static char *help;
	if (help)
		return help;
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "open a view: ");
	int n = 0;
	for (const struct views_entry *e = views_registry; e->ops; e++)
		if (e->title && !e->arg)
			sbuf_addf(&sb, "%s%s", n++ ? ", " : "", e->ops->name);
	for (const struct views_entry *e = views_registry; e->ops; e++)
		if (e->title && e->arg)
			sbuf_addf(&sb, "; %s %c", e->ops->name, e->arg[0]);
	return help = sbuf_release(&sb);
}

const char *views_doc(void)
{
	static char *doc;
	if (doc)
		return doc;
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "`view tail T` opens the live tail from the last 20 messages of each partition. The views "
		      "(`bind -v` takes each name):");
	for (const struct views_entry *e = views_registry; e->ops; e++) {
		sbuf_addf(&sb, " `%s%s%s`: %s", e->ops->name, e->arg ? " " : "", e->arg ? e->arg : "", e->help);
		sbuf_add(&sb, e[1].ops ? ";" : ".");
	}
	return doc = sbuf_release(&sb);
}
