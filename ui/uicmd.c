/* The face commands: `quit` and the TUI's actions (see uicmd.h). */
#include "uicmd.h"

#include "views.h"

static bool uicmd_quit;
static struct uicmd_face uicmd_face;

static int uicmd_quit_exec(struct cmd_ctx *ctx)
{
	uicmd_quit = true;
	return cmd_ok(ctx, json_object());
}

static const struct out_view uicmd_quiet = { 0 }; /* prints nothing */

static const struct cmd_entry uicmd_table[] = {
	{
		.name = "quit",
		.alias = "exit",
		.group = "kcon",
		.help = "leave the REPL or the TUI",
		.doc = "JSON: {}",
		.flags = CMD_READ_ONLY | CMD_UI,
		.view = &uicmd_quiet,
		.exec = uicmd_quit_exec,
	},
	{ 0 },
};

static int uicmd_act_exec(struct cmd_ctx *ctx);

static const struct cmd_pos uicmd_prompt_args[] = { { "text", CMD_ARG_STRING, CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_pos uicmd_view_args[] = { { "name", CMD_ARG_VIEW, 0 },
						  { "arg", CMD_ARG_NAME, CMD_POS_OPTIONAL },
						  { 0 } };
static const struct cmd_pos uicmd_key_args[] = { { "key", CMD_ARG_KEY, 0 }, { 0 } };
static const struct cmd_pos uicmd_bind_args[] = { { "key", CMD_ARG_KEY, 0 },
						  { "command", CMD_ARG_COMMAND, CMD_POS_REST | CMD_POS_LINE },
						  { 0 } };
static const struct cmd_pos uicmd_theme_args[] = { { "name", CMD_ARG_THEME, CMD_POS_OPTIONAL }, { 0 } };
static const struct cmd_opt uicmd_scope_opts[] = {
	{ "view", 'v', CMD_ARG_VIEW, 0, "only in this view (topics, partitions, groups, lag, group, ...)" },
	{ 0 },
};

#define UICMD(nm, hlp, ...)                                                                                            \
	{                                                                                                              \
		.name = nm, .group = "tui", .help = hlp, .flags = CMD_READ_ONLY | CMD_UI | CMD_EXACT,                  \
		.view = &uicmd_quiet, .exec = uicmd_act_exec, __VA_ARGS__                                              \
	}

/* In the order of UICMD_ACTIONS. The help and doc of `view` come from the registry of views (views.h). */
static struct cmd_entry uicmd_actions[] = {
	UICMD("down", "move the selection down a row (a text pane: scroll)"),
	UICMD("up", "move the selection up a row"),
	UICMD("page-down", "a page down"),
	UICMD("page-up", "a page up"),
	UICMD("first", "the first row"),
	UICMD("last", "the last row"),
	UICMD("select", "drill into the selected row (what Enter does in this view)"),
	UICMD("back", "clear the filter, or close this view and go back"),
	UICMD("filter", "filter the rows as you type (Enter keeps it, Esc clears it)"),
	UICMD("prompt", "open the command prompt, with TEXT typed in already", .args = uicmd_prompt_args),
	UICMD("refresh", "load the view's data again now"),
	UICMD("redraw", "redraw the whole screen"),
	UICMD("sort", "sort by the next column (after the last: the data's order)"),
	UICMD("sort-reverse", "reverse the sort"),
	UICMD("keys", "show the key bindings and what they do"),
	UICMD("view", NULL, .args = uicmd_view_args),
	UICMD("send-key", "pass KEY to the view's own handling (e.g. the tail view's p and c)", .args = uicmd_key_args),
	UICMD("apply", "run the previewed command of this pane with --execute, after confirmation"),
	UICMD("bind", "bind KEY to a command line, in every view or in one (-v VIEW)", .args = uicmd_bind_args,
	      .opts = uicmd_scope_opts,
	      .doc = "KEY: a character, C-x, Enter, Esc, Tab, Space, Up, Down, Left, Right, PgUp, PgDn, Home, End, "
		     "Insert, Delete, Backspace, BTab, F1..F12. In the command, {NAME} is replaced by the field NAME "
		     "of the selected row (e.g. {name} of a topic, {group}, {topic}, {partition}) and {arg} by the "
		     "view's argument (the group or topic it shows). Put bind lines in $XDG_CONFIG_HOME/kcon/kconrc. "
		     "A view's binding comes before one for every view. See docs/tui.md."),
	UICMD("unbind", "remove a key binding", .args = uicmd_key_args, .opts = uicmd_scope_opts),
	UICMD("theme", "switch the TUI's theme now (no THEME: list the themes)", .args = uicmd_theme_args,
	      .doc = "THEME: default, light, high-contrast, mono, a theme of $XDG_CONFIG_HOME/kcon/themes, or a "
		     "path."),
	{ 0 },
};
_Static_assert(sizeof(uicmd_actions) / sizeof(uicmd_actions[0]) == UICMD_NACTIONS + 1,
	       "uicmd_actions follows UICMD_ACTIONS");

int uicmd_action_of(const struct cmd_entry *e)
{
	if (e < uicmd_actions || e >= uicmd_actions + UICMD_NACTIONS)
		return -1;
	return (int)(e - uicmd_actions);
}

static int uicmd_act_exec(struct cmd_ctx *ctx)
{
	int a = uicmd_action_of(ctx->entry);
	if (uicmd_face.act == NULL)
		return cmd_fail(ctx, CMD_USAGE,
				"start the TUI (kcon with no command, on a terminal) and use it there, at the : prompt "
				"or in $XDG_CONFIG_HOME/kcon/kconrc",
				"`%s` acts on the TUI, which is not running", ctx->entry->name);
	return uicmd_face.act(uicmd_face.ud, (enum uicmd_action)a, ctx);
}

void uicmd_set_face(const struct uicmd_face *face)
{
	uicmd_face = face ? *face : (struct uicmd_face){ 0 };
}

void uicmd_register(void)
{
	static bool done;
	cmd_init();
	if (!done) {
		uicmd_actions[UICMD_VIEW].help = views_help();
		uicmd_actions[UICMD_VIEW].doc = views_doc();
		cmd_register(uicmd_table);
		cmd_register(uicmd_actions);
	}
	done = true;
	uicmd_quit = false;
}

bool uicmd_quit_requested(void)
{
	return uicmd_quit;
}
