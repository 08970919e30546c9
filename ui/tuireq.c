/*
 * The TUI's requests: command lines queued for the command worker (in order, or ahead of the waiting
 * ones for a first paint from the store), destructive ones confirmed at the prompt first, answered on
 * the loop thread to the view that asked unless it closed meanwhile. The TUI's own actions (CMD_UI)
 * run here at once; a line typed at the `:` prompt opens its result in a text pane.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "escape.h"
#include "loop.h"
#include "parse.h"
#include "prompt.h"
#include "session.h"
#include "store.h"
#include "tuistate.h"
#include "uicmd.h"
#include "uitrace.h"
#include "xalloc.h"

struct tui_req {
	struct tui *t;
	struct view *v;
	void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud);
	void *ud;
	struct cmd_ctx ctx;
};

static void tuireq_done(struct loop *l, struct cmd_ctx *ctx, void *ud)
{
	struct tui_req *r = ud;
	struct tui *t = r->t;
	(void)l;
	uitrace_note("done", ctx->entry ? ctx->entry->name : "?");
	if (r->v) {
		r->v->inflight--;
		if (r->v->dead) {
			if (r->v->inflight == 0)
				view_free(r->v);
			r->v = NULL;
			r->done = NULL;
		}
	}
	if (r->done && !t->quitting)
		r->done(r->v, ctx, r->ud);
	cmd_ctx_clear(ctx);
	free(r);
	if (uicmd_quit_requested()) {
		t->quitting = true;
		loop_stop(t->loop);
	}
	if (!t->quitting)
		tuidraw_frame(t);
}

static void tuireq_confirmed(void *ud, const char *line)
{
	struct tui_req *r = ud;
	const char *target = r->ctx.args.npos ? r->ctx.args.pos[0] : r->ctx.entry->name;
	if (line && strcmp(line, target) == 0)
		r->ctx.confirmed = true;
	else
		cmd_fail(&r->ctx, CMD_FAILED, NULL, "not confirmed: nothing was changed");
	loop_run_command(r->t->loop, &r->ctx, tuireq_done, r);
}

/*
 * Queues a command for the worker. Destructive ones (and any with ask) first want their target's
 * name typed at the prompt, unless a precondition refuses them anyway (cmd_check, the same rule
 * as cmd_exec's).
 */
void tuireq_submit(struct tui *t, struct view *v, int argc, char *const *argv, bool ask,
		   void (*done)(struct view *, struct cmd_ctx *, void *), void *ud, bool first)
{
	struct tui_req *r = x_calloc(1, sizeof(*r));
	*r = (struct tui_req){ .t = t, .v = v, .done = done, .ud = ud };
	if (v)
		v->inflight++;
	/* A usage error still goes through the loop, so it is answered like any result. */
	if (cmd_prepare(&r->ctx, t->s, argc, argv) == CMD_OK && cmd_check(&r->ctx) == CMD_OK &&
	    (ask || cmd_unconfirmed(&r->ctx))) {
		const char *target = r->ctx.args.npos ? r->ctx.args.pos[0] : r->ctx.entry->name;
		char *q = x_asprintf("`%s %s` %s. Type %s to confirm: ", r->ctx.entry->name, target,
				     ask ? "changes the cluster" : "cannot be undone", target);
		char *eq = escape_str(q);
		prompt_open(eq, tuireq_confirmed, r);
		free(eq);
		free(q);
		return;
	}
	if (first)
		loop_run_command_first(t->loop, &r->ctx, tuireq_done, r);
	else
		loop_run_command(t->loop, &r->ctx, tuireq_done, r);
}

static bool tuireq_line(struct tui *t, struct view *v, const char *line,
			void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud, bool first)
{
	struct parse_list pl = { 0 };
	char *cause = NULL;
	if (parse_commands(line, &pl, &cause) < 0 || pl.n == 0) {
		tui_message(t, "%s", cause ? cause : "no command");
		free(cause);
		parse_list_clear(&pl);
		return false;
	}
	tuireq_submit(t, v, pl.cmds[0].argc, pl.cmds[0].argv, false, done, ud, first);
	parse_list_clear(&pl);
	return true;
}

bool tui_request(struct tui *t, struct view *v, const char *line,
		 void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud)
{
	return tuireq_line(t, v, line, done, ud, false);
}

bool tui_request_stored(struct tui *t, struct view *v, const char *line,
			void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud)
{
	return tuireq_line(t, v, line, done, ud, true);
}

/* A command typed at the prompt finished: its result or error opens in a text pane. */
static void tuireq_show_result(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct tui *t = ud;
	(void)v;
	if (ctx->entry && (ctx->entry->flags & CMD_UI) && ctx->status == CMD_OK)
		return;
	if (ctx->entry && strcmp(ctx->entry->name, "profile") == 0 && ctx->args.npos && ctx->status == CMD_OK) {
		tui_profile_switched(t, ctx->result); /* the title bar says it: no pane */
		return;
	}
	char *line = ctx->entry ? NULL : x_strdup("command");
	if (ctx->entry) {
		/* The title and the line to apply: the command as it ran, from its parsed words. */
		struct sbuf sb = SBUF_INIT;
		sbuf_add(&sb, ctx->entry->name);
		for (int i = 0; i < ctx->args.npos; i++) {
			char *q = parse_quote(ctx->args.pos[i]);
			sbuf_addf(&sb, " %s", q);
			free(q);
		}
		for (const struct cmd_opt *o = ctx->entry->opts; o && o->name; o++) {
			char *const *vals;
			int n = cmd_arg_all(ctx, o->name, &vals);
			for (int i = 0; i < n; i++) {
				sbuf_addf(&sb, " --%s", o->name);
				if (o->kind != CMD_ARG_NONE) {
					char *q = parse_quote(vals[i]);
					sbuf_addf(&sb, " %s", q);
					free(q);
				}
			}
		}
		line = sbuf_release(&sb);
		if (ctx->status == CMD_OK)
			view_log_add("command", "%s: ok", line);
		else
			view_log_add("error", "%s: %s", line, ctx->error ? ctx->error : "failed");
	}
	struct view_text_arg a = {
		.entry = ctx->entry,
		.command = ctx->entry ? ctx->entry->name : "kcon",
		.line = line,
		.result = ctx->result,
		.status = ctx->status,
		.error = ctx->error,
		.hint = ctx->hint,
	};
	ctx->result = NULL; /* the view has it */
	x_free(&t->message);
	char *title = escape_str(line);
	tui_push(t, view_new(&view_text_ops, t, title, &a));
	free(title);
	free(line);
}

/*
 * Runs a prepared command of the TUI's own (CMD_UI) here on the loop thread, or answers its usage
 * error. Returns NULL, or what went wrong with its hint (new string).
 */
char *tuireq_exec_here(struct tui *t, struct cmd_ctx *ctx)
{
	if (ctx->error == NULL)
		cmd_exec(ctx);
	if (uicmd_quit_requested()) {
		t->quitting = true;
		loop_stop(t->loop);
	}
	if (ctx->status == CMD_OK)
		return NULL;
	const char *cause = ctx->error ? ctx->error : "failed";
	return ctx->hint ? x_asprintf("%s (hint: %s)", cause, ctx->hint) : x_strdup(cause);
}

/* Runs one command: the TUI's own actions at once on this thread, the others on the worker. */
void tuireq_exec(struct tui *t, int argc, char *const *argv)
{
	struct cmd_ctx ctx;
	if (cmd_prepare(&ctx, t->s, argc, argv) == CMD_OK && (ctx.entry->flags & CMD_UI)) {
		char *failure = tuireq_exec_here(t, &ctx);
		if (failure) {
			tui_message(t, "%s", failure);
			view_log_add("error", "%s: %s", ctx.entry->name, failure);
			free(failure);
		}
		cmd_ctx_clear(&ctx);
		return;
	}
	cmd_ctx_clear(&ctx);
	tuireq_submit(t, NULL, argc, argv, false, tuireq_show_result, t, false);
}

/* `apply`: the previewed command of a result pane again, with --execute, once its target is typed. */
int tuireq_apply(struct tui *t, struct view *v, struct cmd_ctx *ctx)
{
	char *line = v->ops->value ? v->ops->value(v, -1, "command") : NULL;
	struct parse_list pl = { 0 };
	struct cmd_ctx plan = { 0 };
	char *cause = NULL;
	/* A preview: a command that has --execute, run without it. */
	bool can = line && parse_commands(line, &pl, &cause) == 0 && pl.n == 1 &&
		   cmd_prepare(&plan, t->s, pl.cmds[0].argc, pl.cmds[0].argv) == CMD_OK &&
		   cmd_takes(plan.entry, "execute") && !cmd_has(&plan, "execute");
	free(cause);
	cmd_ctx_clear(&plan);
	int rc;
	if (!can) {
		rc = cmd_fail(ctx, CMD_FAILED, "apply works on the result of a preview, such as `group reset`",
			      "there is no preview to apply here");
	} else {
		struct parse_cmd *c = &pl.cmds[0];
		char **argv = x_calloc((size_t)c->argc + 2, sizeof(char *));
		memcpy(argv, c->argv, (size_t)c->argc * sizeof(char *));
		argv[c->argc] = "--execute";
		tuireq_submit(t, NULL, c->argc + 1, argv, true, tuireq_show_result, t, false);
		free(argv);
		rc = cmd_ok(ctx, json_object());
	}
	parse_list_clear(&pl);
	free(line);
	return rc;
}

/*
 * The prompt's lines in the history store (face "tui", redacted there), as the REPL's: kept as they
 * are typed and recalled at start. The store is the worker's, so loop jobs read and write it.
 */
#define TUIREQ_RECALL 200

struct tuireq_lines {
	struct tui *t;
	char *line;   /* to remember */
	char **lines; /* recalled, oldest first */
	int n;
};

static void tuireq_remember_job(void *ud)
{
	struct tuireq_lines *j = ud;
	struct store *st;
	struct err e = { 0 };
	if (session_store(j->t->s, &st, &e) == CMD_OK)
		store_command_add(st, "tui", j->line, clock_wall_ms());
	err_clear(&e);
}

static void tuireq_recall_job(void *ud)
{
	struct tuireq_lines *j = ud;
	struct store *st;
	struct err e = { 0 };
	if (session_store(j->t->s, &st, &e) == CMD_OK)
		j->lines = store_commands(st, "tui", TUIREQ_RECALL, &j->n);
	err_clear(&e);
}

static void tuireq_lines_done(struct loop *l, void *ud, bool cancelled)
{
	struct tuireq_lines *j = ud;
	(void)l;
	for (int i = 0; i < j->n; i++) {
		if (!cancelled && !j->t->quitting)
			prompt_remember(j->lines[i]);
		free(j->lines[i]);
	}
	free(j->lines);
	free(j->line);
	free(j);
}

void tuireq_remember(struct tui *t, const char *line)
{
	struct tuireq_lines *j = x_calloc(1, sizeof(*j));
	*j = (struct tuireq_lines){ .t = t, .line = x_strdup(line) };
	loop_run_job(t->loop, tuireq_remember_job, j, tuireq_lines_done);
}

void tuireq_recall(struct tui *t)
{
	struct tuireq_lines *j = x_calloc(1, sizeof(*j));
	j->t = t;
	loop_run_job(t->loop, tuireq_recall_job, j, tuireq_lines_done);
}
