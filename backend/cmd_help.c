/* help: the command list, one command's usage, or docs/commands.md (--markdown). */
#include <string.h>

#include "cmd.h"
#include "manpage.h"
#include "sbuf.h"
#include "xalloc.h"

static json_t *help_options(const struct cmd_entry *e)
{
	json_t *a = json_array();
	for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
		struct sbuf sb = SBUF_INIT;
		if (o->short_name)
			sbuf_addf(&sb, "-%c, ", o->short_name);
		sbuf_addf(&sb, "--%s", o->name);
		if (o->kind != CMD_ARG_NONE)
			sbuf_addf(&sb, " %s", cmd_arg_kind_meta(o->kind));
		if (o->flags & CMD_OPT_REPEAT)
			sbuf_add(&sb, " (repeatable)");
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "option", sbuf_str(&sb), "help", o->help, "writes",
						   (o->flags & CMD_OPT_WRITES) != 0));
		sbuf_free(&sb);
	}
	return a;
}

static json_t *help_entry(const struct cmd_entry *e)
{
	char *usage = cmd_usage(e);
	json_t *o = json_pack("{s:s,s:s?,s:s,s:s,s:s,s:s?,s:o,s:b,s:b,s:b,s:b,s:s?}", "name", e->name, "alias",
			      e->alias, "group", e->group, "usage", usage, "help", e->help, "doc", e->doc, "options",
			      help_options(e), "read_only", (e->flags & CMD_READ_ONLY) != 0, "destructive",
			      (e->flags & CMD_DESTRUCTIVE) != 0, "needs_cluster", (e->flags & CMD_NEEDS_CLUSTER) != 0,
			      "offline", (e->flags & CMD_OFFLINE) != 0, "demo_missing", e->demo_missing.api);
	free(usage);
	return o;
}

static char *help_markdown(void)
{
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "# kcon commands\n\n"
		      "Generated from the command table by `kcon help --markdown`; a test fails when it is stale.\n"
		      "Every command runs the same in the REPL, the TUI `:` prompt, `-e`, `-f`, stdin and as\n"
		      "`kcon COMMAND ARGS`. Words may be shortened to a unique prefix (`top desc orders`).\n"
		      "Every command takes `-o table|json|csv`, and `--yes` (`-y`): no questions. A command that\n"
		      "asks nothing ignores it, so a script may pass it to any command.\n\n"
		      "Names are checked before any request, and a name Kafka cannot hold is a usage error (exit 2):\n"
		      "a TOPIC is 1 to 249 of `a-z A-Z 0-9 . _ -` (not `.` or `..`); a GROUP id is 1 to 32767 bytes\n"
		      "of valid UTF-8 (save scripts as UTF-8, not Latin-1). Patterns that only match (`topics\n"
		      "PATTERN`) take any text.\n\n"
		      "Exit codes: 0 ok, 1 the command failed (or its output could not be written), 2 usage error,\n"
		      "3 cluster unreachable or timed out. A script (`-e`, `-f`, stdin) that SIGINT or SIGTERM\n"
		      "stops ends by that signal: `$?` is 130 or 143, and the commands after it never run.\n");
	const char *group = "";
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = all[i];
		if (strcmp(group, e->group) != 0) {
			group = e->group;
			sbuf_addf(&sb, "\n## %c%s\n", group[0] - 32, group + 1);
		}
		char *usage = cmd_usage(e);
		sbuf_addf(&sb, "\n### `%s`\n\n%s.\n\n```\n%s\n```\n", e->name, e->help, usage);
		free(usage);
		if (e->alias)
			sbuf_addf(&sb, "\nAlias: `%s`.\n", e->alias);
		for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
			if (o == e->opts)
				sbuf_add(&sb, "\n| option | meaning |\n| --- | --- |\n");
			sbuf_add(&sb, "| ");
			if (o->short_name)
				sbuf_addf(&sb, "`-%c`, ", o->short_name);
			sbuf_addf(&sb, "`--%s", o->name);
			if (o->kind != CMD_ARG_NONE)
				sbuf_addf(&sb, " %s", cmd_arg_kind_meta(o->kind));
			sbuf_addf(&sb, "`%s | %s%s |\n", o->flags & CMD_OPT_REPEAT ? " (repeatable)" : "", o->help,
				  o->flags & CMD_OPT_WRITES ? "; changes the cluster: refused with `--read-only`" : "");
		}
		if (e->doc)
			sbuf_addf(&sb, "\n%s\n", e->doc);
		if ((e->flags & CMD_NEEDS_CLUSTER) && !(e->flags & CMD_OFFLINE))
			sbuf_add(&sb, "\nNeeds the cluster: refused with `--offline`.\n");
		if (e->demo_missing.api)
			sbuf_addf(&sb, "\nNot on `--demo`: librdkafka's mock cluster has no %s.\n",
				  e->demo_missing.api);
		if (e->flags & CMD_DESTRUCTIVE)
			sbuf_add(&sb,
				 "\nDestructive: asks to type the name on a terminal; scripts must pass `--yes`.\n");
	}
	return sbuf_release(&sb);
}

static int cmd_help_exec(struct cmd_ctx *ctx)
{
	if (cmd_has(ctx, "man")) {
		char *page = manpage_render();
		json_t *o = json_pack("{s:s}", "text", page);
		free(page);
		return cmd_ok(ctx, o);
	}
	if (cmd_has(ctx, "markdown")) {
		char *md = help_markdown();
		json_t *o = json_pack("{s:s}", "markdown", md);
		free(md);
		return cmd_ok(ctx, o);
	}
	if (ctx->args.npos > 0) {
		int consumed;
		char *cause = NULL;
		const struct cmd_entry *e = cmd_find(ctx->args.npos, ctx->args.pos, &consumed, &cause);
		if (e == NULL) {
			char *near = cmd_suggest(ctx->args.npos, ctx->args.pos);
			cmd_fail(ctx, CMD_USAGE, near ? near : "`help` lists the commands", "%s", cause);
			free(near);
			free(cause);
			return CMD_USAGE;
		}
		return cmd_ok(ctx, help_entry(e));
	}
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char *usage = cmd_usage(all[i]);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "name", all[i]->name, "group", all[i]->group,
						   "usage", usage, "help", all[i]->help));
		free(usage);
	}
	return cmd_ok(ctx, json_pack("{s:o}", "commands", a));
}

static const struct out_col help_list_cols[] = {
	{ "name", "command", 0 },
	{ "help", "what it does", 0 },
	{ 0 },
};
static const struct out_col help_one_fields[] = {
	{ "usage", "Usage", 0 }, { "help", "Does", 0 }, { "alias", "Alias", 0 }, { "doc", "Notes", 0 }, { 0 },
};
static const struct out_col help_opt_cols[] = {
	{ "option", "option", 0 },
	{ "help", "meaning", 0 },
	{ 0 },
};
static const struct out_table help_tables[] = { { "commands", help_list_cols }, { "options", help_opt_cols }, { 0 } };
static const struct out_view help_view = { .fields = help_one_fields, .tables = help_tables };

static const struct cmd_pos help_args[] = { { "command", CMD_ARG_COMMAND, CMD_POS_REST | CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_opt help_opts[] = {
	{ "markdown", 0, CMD_ARG_NONE, 0, "print the command reference as Markdown (docs/commands.md)" },
	{ "man", 0, CMD_ARG_NONE, 0, "print the man page kcon.1, in troff (docs/kcon.1)" },
	{ 0 },
};

const struct cmd_entry cmd_help_table[] = {
	{
		.name = "help",
		.group = "general",
		.args = help_args,
		.opts = help_opts,
		.help = "list the commands, or show how to use one",
		.doc = "JSON: {commands: [{name, group, usage, help}]}, or for one command {name, alias, group, usage, "
		       "help, doc, options: [{option, help, writes (given, it changes the cluster: refused with "
		       "--read-only)}], read_only (without such options), destructive, needs_cluster (refused "
		       "without a bootstrap, and with --offline unless offline), offline (answers with --offline "
		       "from the stored snapshot), demo_missing (the request the --demo cluster lacks: refused "
		       "there; null when it runs there)}",
		.flags = CMD_READ_ONLY,
		.view = &help_view,
		.exec = cmd_help_exec,
	},
	{ 0 },
};
