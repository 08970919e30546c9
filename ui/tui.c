/*
 * The full-screen TUI: curses on the event loop (stdin, SIGWINCH, SIGINT, SIGTERM, SIGTSTP, timers). It
 * never blocks on Kafka: views get their data by running commands on the command worker and
 * drawing the JSON when it arrives. Layout, top to bottom: the title bar (cluster and connection
 * state), the view (column header and rows), the status bar (view, rows, filter, data age or the
 * last error) and the message line (the `:` prompt, the `/` filter, hints, key help).
 */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <term.h>
#include <unistd.h>

#include "clock.h"
#include "complete.h"
#include "conf.h"

#include "escape.h"
#include "faces.h"
#include "fatal.h"
#include "file.h"
#include "keys.h"
#include "look.h"
#include "loop.h"
#include "parse.h"
#include "prompt.h"
#include "sample.h"
#include "termdb.h"
#include "uicmd.h"
#include "uimouse.h"
#include "uitrace.h"
#include "view.h"
#include "xalloc.h"

#define TUI_MIN_W     20
#define TUI_MIN_H     6
#define TUI_MAX_VIEWS 16
#define TUI_SAMPLE_MS 10000 /* as `kcon watch` by default */
#define TUI_FRAME_MS  33    /* at most ~30 frames a second for views that change fast */

struct tui {
	struct session *s;
	struct loop *loop;
	struct view *stack[TUI_MAX_VIEWS];
	int depth;
	bool utf8, quitting, filtering, frame_pending;
	int w, h;
	/* The title bar: from the `cluster` command. */
	char *where; /* the bootstrap list, copied: the worker may change the settings it is in */
	char *cluster_id;
	int cluster_status; /* -1 before the first answer */
	bool cluster_busy;
	int64_t cluster_seen_ms; /* wall time of the stored snapshot that stands in for the cluster; 0: none */
	/* History: `history tick` every TUI_SAMPLE_MS while the TUI is open (not with --no-history). */
	bool sample_busy;
	int sample_status; /* -1 before the first answer */
	char *sample_error;
	bool history_off;  /* the session's, as the last history tick left it */
	char *message;     /* for the message line, until the next key */
	struct keys *keys; /* key bindings: defaults, then kconrc, then `bind` at the prompt */
	int refresh_ms;    /* how often views reload */
	char *theme_name;  /* the theme in use, or NULL for none */
};

struct tui_req {
	struct tui *t;
	struct view *v;
	void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud);
	void *ud;
	struct cmd_ctx ctx;
};

static struct termios tui_termios;
static bool tui_termios_saved, tui_curses_on;

static void tui_draw(struct tui *t);
static void tui_exec(struct tui *t, int argc, char *const *argv);
static int tui_act(void *ud, enum uicmd_action a, struct cmd_ctx *ctx);
static int tui_theme_cmd(struct tui *t, struct cmd_ctx *ctx);

struct loop *tui_loop(struct tui *t)
{
	return t->loop;
}

static void tui_on_frame(struct loop *l, void *ud)
{
	struct tui *t = ud;
	(void)l;
	t->frame_pending = false;
	tui_draw(t);
}

void tui_schedule_draw(struct tui *t)
{
	if (!t->frame_pending && !t->quitting) {
		t->frame_pending = true;
		loop_timer_add(t->loop, TUI_FRAME_MS, tui_on_frame, t);
	}
}

int tui_width(const struct tui *t)
{
	return t->w;
}

bool tui_history(const struct tui *t)
{
	return !t->s->no_history && !t->s->demo;
}

/* The wall time a stale answer's snapshot was seen at (its "stale" member), or 0 for a live answer. */
static int64_t tui_stale_ms(json_t *result)
{
	json_t *st = json_object_get(result, "stale");
	return json_is_object(st) ? clock_wall_ms() - json_integer_value(json_object_get(st, "age_s")) * 1000 : 0;
}

static struct view *tui_top(struct tui *t)
{
	return t->depth ? t->stack[t->depth - 1] : NULL;
}

static void tui_message(struct tui *t, const char *fmt, const char *arg)
{
	free(t->message);
	char *raw = x_asprintf(fmt, arg);
	t->message = escape_str(raw);
	free(raw);
}

/* --- requests ----------------------------------------------------------------------------------- */

static void tui_req_done(struct loop *l, struct cmd_ctx *ctx, void *ud)
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
		tui_draw(t);
}

static void tui_confirmed(void *ud, const char *line)
{
	struct tui_req *r = ud;
	const char *target = r->ctx.args.npos ? r->ctx.args.pos[0] : r->ctx.entry->name;
	if (line && strcmp(line, target) == 0)
		r->ctx.confirmed = true;
	else
		cmd_fail(&r->ctx, CMD_FAILED, NULL, "not confirmed: nothing was changed");
	loop_run_command(r->t->loop, &r->ctx, tui_req_done, r);
}

/*
 * Queues a command for the worker. Destructive ones (and any with ask) first want their target's
 * name typed at the prompt.
 */
static void tui_submit(struct tui *t, struct view *v, int argc, char *const *argv, bool ask,
		       void (*done)(struct view *, struct cmd_ctx *, void *), void *ud, bool first)
{
	struct tui_req *r = x_calloc(1, sizeof(*r));
	*r = (struct tui_req){ .t = t, .v = v, .done = done, .ud = ud };
	if (v)
		v->inflight++;
	/* A usage error still goes through the loop, so it is answered like any result. */
	if (cmd_prepare(&r->ctx, t->s, argc, argv) == CMD_OK &&
	    (ask || ((r->ctx.entry->flags & CMD_DESTRUCTIVE) && !cmd_has(&r->ctx, "yes"))) && !t->s->read_only) {
		const char *target = r->ctx.args.npos ? r->ctx.args.pos[0] : r->ctx.entry->name;
		char *q = x_asprintf("`%s %s` %s. Type %s to confirm: ", r->ctx.entry->name, target,
				     ask ? "changes the cluster" : "cannot be undone", target);
		char *eq = escape_str(q);
		prompt_open(eq, tui_confirmed, r);
		free(eq);
		free(q);
		return;
	}
	if (first)
		loop_run_command_first(t->loop, &r->ctx, tui_req_done, r);
	else
		loop_run_command(t->loop, &r->ctx, tui_req_done, r);
}

static bool tui_request_at(struct tui *t, struct view *v, const char *line,
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
	tui_submit(t, v, pl.cmds[0].argc, pl.cmds[0].argv, false, done, ud, first);
	parse_list_clear(&pl);
	return true;
}

bool tui_request(struct tui *t, struct view *v, const char *line,
		 void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud)
{
	return tui_request_at(t, v, line, done, ud, false);
}

bool tui_request_stored(struct tui *t, struct view *v, const char *line,
			void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud)
{
	return tui_request_at(t, v, line, done, ud, true);
}

void tui_push(struct tui *t, struct view *v)
{
	if (t->depth == TUI_MAX_VIEWS) { /* drop the oldest pane above the topics */
		view_close(t->stack[1]);
		memmove(&t->stack[1], &t->stack[2], (size_t)(TUI_MAX_VIEWS - 2) * sizeof(t->stack[0]));
		t->depth--;
	}
	t->stack[t->depth++] = v;
}

static void tui_pop(struct tui *t)
{
	if (t->depth > 1)
		view_close(t->stack[--t->depth]);
}

/* The views `:NAME` opens; those with an arg (its metavariable) take one, which goes in the title's %s. */
static const struct tui_view {
	const char *name;
	const struct view_ops *ops;
	const char *title;
	const char *help;
	const char *arg;
} tui_views[] = {
	{ "topics", &view_topics_ops, "topics", "topics with partition health (the first view)", NULL },
	{ "groups", &view_groups_ops, "groups", "consumer groups: state, members, total lag", NULL },
	{ "lag", &view_lag_ops, "lag", "all groups by total lag, largest first", NULL },
	{ "brokers", &view_brokers_ops, "brokers", "the brokers", NULL },
	{ "cluster", &view_cluster_ops, "cluster", "counts and health of the cluster", NULL },
	{ "group", &view_group_ops, "group %s", NULL, "GROUP" },
	{ "partitions", &view_partitions_ops, "topic %s", NULL, "TOPIC" },
	{ 0 },
};

bool tui_open_view(struct tui *t, const char *name, const char *arg)
{
	const struct tui_view *tv = tui_views;
	while (tv->name && strcmp(tv->name, name) != 0)
		tv++;
	bool takes_arg = tv->arg != NULL;
	if (tv->name == NULL || takes_arg != (arg != NULL))
		return false;
	if (tv->ops == &view_topics_ops) { /* the first view: back to it */
		while (t->depth > 1)
			tui_pop(t);
		return true;
	}
	struct view *top = tui_top(t);
	if (top && top->ops == tv->ops && !takes_arg)
		return true;
	char *esc = arg ? escape_str(arg) : NULL;
	char *title = takes_arg ? x_asprintf(tv->title, esc) : x_strdup(tv->title);
	tui_push(t, view_new(tv->ops, t, title, (void *)arg));
	free(title);
	free(esc);
	return true;
}

/* A command typed at the prompt finished: its result or error opens in a text pane. */
static void tui_show_result(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct tui *t = ud;
	(void)v;
	if (ctx->entry && (ctx->entry->flags & CMD_UI) && ctx->status == CMD_OK)
		return;
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

void tui_run_line(struct tui *t, const char *line)
{
	struct parse_list pl = { 0 };
	char *cause = NULL;
	if (parse_commands(line, &pl, &cause) < 0) {
		tui_message(t, "%s", cause);
		free(cause);
		return;
	}
	for (size_t i = 0; i < pl.n; i++) { /* before submitting: errors are answered at once, and clear it */
		int consumed;
		const struct cmd_entry *e = cmd_find(pl.cmds[i].argc, pl.cmds[i].argv, &consumed, &cause);
		x_free(&cause);
		if (e && !(e->flags & CMD_UI)) {
			tui_message(t, "running %s", line);
			break;
		}
	}
	for (size_t i = 0; i < pl.n && !t->quitting; i++)
		tui_exec(t, pl.cmds[i].argc, pl.cmds[i].argv);
	parse_list_clear(&pl);
}

static void tui_cluster_done(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct tui *t = ud;
	(void)v;
	t->cluster_busy = false;
	if (ctx->status != t->cluster_status) {
		if (ctx->status == CMD_OK)
			view_log_add("connection", "connected to %s (cluster %s)", t->where,
				     json_string_value(json_object_get(ctx->result, "cluster_id")));
		else
			view_log_add(ctx->status == CMD_UNREACHABLE ? "connection" : "error", "%s: %s", t->where,
				     ctx->error ? ctx->error : "failed");
	}
	t->cluster_status = ctx->status;
	int64_t stale = tui_stale_ms(ctx->result);
	if (ctx->status == CMD_OK || stale) { /* a stale answer names the cluster too */
		free(t->cluster_id);
		t->cluster_id = x_strdup(json_string_value(json_object_get(ctx->result, "cluster_id")));
		t->cluster_seen_ms = stale;
	}
}

/* The first paint of the title bar: the cluster of the stored snapshot, until the cluster answers. */
static void tui_cluster_stored_done(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct tui *t = ud;
	(void)v;
	if (ctx->status == CMD_OK && t->cluster_status < 0 && t->cluster_id == NULL) {
		t->cluster_id = x_strdup(json_string_value(json_object_get(ctx->result, "cluster_id")));
		t->cluster_seen_ms = tui_stale_ms(ctx->result);
	}
}

static void tui_refresh(struct tui *t)
{
	if (!t->cluster_busy)
		t->cluster_busy = tui_request(t, NULL, "cluster", tui_cluster_done, t);
	struct view *v = tui_top(t);
	if (v && v->ops->reload)
		v->ops->reload(v);
	if (t->depth && t->stack[0] != v && t->stack[0]->ops->reload)
		t->stack[0]->ops->reload(t->stack[0]);
}

static void tui_sample_done(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct tui *t = ud;
	(void)v;
	t->sample_busy = false;
	t->history_off = ctx->session->history_off; /* the worker set it before this answer */
	t->sample_status = ctx->status;
	free(t->sample_error);
	t->sample_error = ctx->status == CMD_OK ? NULL : x_strdup(ctx->error ? ctx->error : "failed");
}

/* Records a sample into the history store (the worker runs it after the requests queued before). */
static void tui_on_sample(struct loop *l, void *ud)
{
	struct tui *t = ud;
	if (t->history_off) /* no writable state dir: the log said so once */
		return;
	if (!t->sample_busy)
		t->sample_busy = tui_request(t, NULL, "history tick", tui_sample_done, t);
	loop_timer_add(l, TUI_SAMPLE_MS, tui_on_sample, t);
}

static void tui_on_refresh(struct loop *l, void *ud)
{
	struct tui *t = ud;
	tui_refresh(t);
	loop_timer_add(l, t->refresh_ms, tui_on_refresh, t);
}

static void tui_on_tick(struct loop *l, void *ud)
{
	struct tui *t = ud;
	struct view *v = tui_top(t);
	if (v && v->ops == &view_log_ops) /* events from other threads (notes) */
		v->ops->reload(v);
	tui_draw(ud); /* the data age in the status bar */
	loop_timer_add(l, 1000, tui_on_tick, ud);
}

/* --- drawing ------------------------------------------------------------------------------------ */

static void tui_bar(int y, int w, int element)
{
	attrset(look_attr(element));
	mvhline(y, 0, ' ', w);
}

/* "45s", "12m", "3h", "2d" since the wall time ms, and " ago". */
static void tui_ago(struct sbuf *sb, int64_t ms)
{
	long s = (long)((clock_wall_ms() - ms) / 1000);
	s = s < 0 ? 0 : s;
	if (s < 60)
		sbuf_addf(sb, "%lds ago", s);
	else if (s < 3600)
		sbuf_addf(sb, "%ldm ago", s / 60);
	else if (s < 2 * 86400)
		sbuf_addf(sb, "%ldh ago", s / 3600);
	else
		sbuf_addf(sb, "%ldd ago", s / 86400);
}

static void tui_draw_title(struct tui *t)
{
	const char *sep = t->utf8 ? " \xe2\x94\x82 " : " | "; /* │ */
	const char *bootstrap = t->where;
	const char *state = t->cluster_status < 0         ? (t->utf8 ? "connecting\xe2\x80\xa6" : "connecting...")
			    : t->cluster_status == CMD_OK ? (t->cluster_seen_ms ? "offline" : "connected")
			    : t->cluster_status == CMD_UNREACHABLE ? "unreachable"
								   : "error";
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, " kcon");
	sbuf_add(&sb, sep);
	if (t->s->read_only) { /* first: it must not be cut off */
		sbuf_add(&sb, "READ-ONLY");
		sbuf_add(&sb, sep);
	}
	if (t->cluster_id) {
		escape_append(&sb, t->cluster_id, strlen(t->cluster_id));
		sbuf_add(&sb, sep);
	}
	escape_append(&sb, bootstrap, strlen(bootstrap));
	sbuf_add(&sb, sep);
	sbuf_add(&sb, state);
	if (t->cluster_seen_ms) {
		sbuf_add(&sb, ", last seen ");
		tui_ago(&sb, t->cluster_seen_ms);
	}
	if (t->history_off) {
		sbuf_add(&sb, sep);
		sbuf_add(&sb, "history off");
	} else if (t->sample_status == CMD_OK) {
		sbuf_add(&sb, sep);
		sbuf_add(&sb, "recording");
	} else if (t->sample_status > 0) {
		sbuf_add(&sb, sep);
		sbuf_add(&sb, "history: ");
		escape_append(&sb, t->sample_error, strlen(t->sample_error));
	}
	tui_bar(0, t->w, THEME_TITLE);
	view_put(0, 0, t->w, sbuf_str(&sb), t->utf8);
	attrset(A_NORMAL);
	sbuf_free(&sb);
}

static void tui_draw_status(struct tui *t, struct view *v, int y)
{
	struct sbuf left = SBUF_INIT, right = SBUF_INIT;
	sbuf_addf(&left, " %s", v->title);
	if (!(v->ops->flags & VIEW_TEXT))
		sbuf_addf(&left, " %d/%d", v->nmap ? v->sel + 1 : 0, v->nmap);
	if (v->sort > 0)
		sbuf_addf(&left, " sort %s%s", v->ops->cols[v->sort - 1].title,
			  v->sort_rev ? (t->utf8 ? "\xe2\x86\x93" : "-") : (t->utf8 ? "\xe2\x86\x91" : "+"));
	if (v->filter[0]) {
		sbuf_add(&left, " /");
		escape_append(&left, v->filter, strlen(v->filter));
	}
	if (v->stale_ms) { /* the stored snapshot stands in for the cluster */
		sbuf_add(&right, "stale: snapshot from ");
		tui_ago(&right, v->stale_ms);
		if (v->error)
			sbuf_addf(&right, ", error: %s", v->error); /* the whole right side is escaped below */
	} else if (v->error) {
		if (v->loaded_ms) { /* the rows are the last that loaded: say when */
			sbuf_add(&right, "from ");
			tui_ago(&right,
				clock_wall_ms() - (clock_mono_ms() - v->loaded_ms)); /* loaded_ms is monotonic */
			sbuf_add(&right, ", ");
		}
		sbuf_add(&right, "error: ");
		sbuf_add(&right, v->error);
	} else if (v->loaded_ms) {
		sbuf_add(&right, "updated ");
		tui_ago(&right, clock_wall_ms() - (clock_mono_ms() - v->loaded_ms));
	} else {
		sbuf_add(&right, t->utf8 ? "loading\xe2\x80\xa6" : "loading...");
	}
	if (v->inflight && v->loaded_ms)
		sbuf_add(&right, t->utf8 ? " \xe2\x86\xbb" : " *"); /* ↻: a refresh is on its way */
	sbuf_addc(&right, ' ');
	char *esc = escape_str(sbuf_str(&right));
	tui_bar(y, t->w, THEME_STATUS);
	int lw = view_put(y, 0, t->w, sbuf_str(&left), t->utf8);
	char *tr = view_text(esc, t->utf8);
	int rw = view_text_width(tr, t->utf8);
	int room = t->w - lw - 1;
	if (room > 0) {
		if (v->error || v->stale_ms)
			attron(A_BOLD);
		view_put(y, rw < room ? t->w - rw : lw + 1, room, esc, t->utf8);
		attroff(A_BOLD);
	}
	attrset(A_NORMAL);
	free(tr);
	free(esc);
	sbuf_free(&left);
	sbuf_free(&right);
}

/* The key that runs line in v (not hidden by a binding of v's own), into buf; NULL when none does. */
static const char *tui_key_for(struct tui *t, struct view *v, const char *line, char *buf, size_t size)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < keys_count(t->keys); i++) {
			const char *scope, *l;
			int key;
			keys_get(t->keys, i, &scope, &key, &l);
			if (strcmp(scope, pass ? "" : v->ops->name) == 0 && strcmp(l, line) == 0 &&
			    keys_lookup(t->keys, v->ops->name, key) == l)
				return keys_name(key, buf, size);
		}
	return NULL;
}

/* A word for what a bound line does: `topic delete {name}` is delete, `prompt 'produce {name} '` produce. */
static void tui_label(const char *line, struct sbuf *out)
{
	struct parse_list pl = { 0 }, inner = { 0 };
	char *cause = NULL;
	if (parse_commands(line, &pl, &cause) < 0 || pl.n == 0) {
		free(cause);
		return;
	}
	struct parse_cmd *c = &pl.cmds[0];
	if (strcmp(c->argv[0], "prompt") == 0 && c->argc > 1 && parse_commands(c->argv[1], &inner, &cause) == 0 &&
	    inner.n > 0)
		c = &inner.cmds[0];
	free(cause);
	static const char *const skip[] = { "view", "prompt", "topic", "group" };
	const char *label = c->argv[0];
	for (int i = 0; i < c->argc; i++) {
		const char *w = c->argv[i];
		bool skipped = w[0] == '-' || strchr(w, '{');
		for (size_t k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
			skipped |= strcmp(w, skip[k]) == 0;
		if (!skipped) {
			label = w;
			break;
		}
	}
	sbuf_add(out, label);
	parse_list_clear(&pl);
	parse_list_clear(&inner);
}

/* The key line: what Enter does, the view's own bindings and keys, then the common ones. */
static void tui_key_line(struct tui *t, struct view *v, struct sbuf *out)
{
	char key[32];
	if (v->ops->enter_help && tui_key_for(t, v, "select", key, sizeof(key)))
		sbuf_addf(out, "%s %s  ", key, v->ops->enter_help);
	for (size_t i = 0; i < keys_count(t->keys); i++) {
		const char *scope, *line;
		int k;
		keys_get(t->keys, i, &scope, &k, &line);
		if (strcmp(scope, v->ops->name) == 0) {
			sbuf_addf(out, "%s ", keys_name(k, key, sizeof(key)));
			tui_label(line, out);
			sbuf_add(out, "  ");
		}
	}
	if (v->ops->keys_help)
		sbuf_addf(out, "%s  ", v->ops->keys_help);
	static const struct {
		const char *line, *label;
		bool table; /* only in views with rows to sort */
	} common[] = {
		{ "keys", "help", false },     { "quit", "quit", false }, { "prompt", "command", false },
		{ "filter", "filter", false }, { "sort", "sort", true },  { "back", "back", false },
	};
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		if ((common[i].table && (v->ops->flags & VIEW_TEXT)) ||
		    (strcmp(common[i].line, "back") == 0 && t->depth < 2))
			continue;
		if (tui_key_for(t, v, common[i].line, key, sizeof(key)))
			sbuf_addf(out, "%s %s  ", key, common[i].label);
	}
}

static void tui_draw_bottom(struct tui *t, struct view *v, int y)
{
	move(y, 0);
	clrtoeol();
	if (prompt_active()) {
		const char *m = prompt_message();
		if (m && y > 0) { /* completion's matches, above the prompt */
			move(y - 1, 0);
			clrtoeol();
			view_put(y - 1, 0, t->w, m, t->utf8);
		}
		prompt_draw(y, t->w, t->utf8);
		return;
	}
	if (t->filtering) {
		struct sbuf sb = SBUF_INIT;
		sbuf_addc(&sb, '/');
		escape_append(&sb, v->filter, strlen(v->filter));
		int n = view_put(y, 0, t->w, sbuf_str(&sb), t->utf8);
		move(y, n < t->w ? n : t->w - 1);
		sbuf_free(&sb);
		return;
	}
	char *hint = v->hint ? escape_str(v->hint) : NULL;
	attrset(look_attr(THEME_MESSAGE));
	if (t->message) {
		view_put(y, 0, t->w, t->message, t->utf8);
	} else if (hint) {
		char *h = x_asprintf("hint: %s", hint);
		view_put(y, 0, t->w, h, t->utf8);
		free(h);
	} else {
		struct sbuf keys = SBUF_INIT;
		tui_key_line(t, v, &keys);
		view_put(y, 0, t->w, sbuf_str(&keys), t->utf8);
		sbuf_free(&keys);
	}
	attrset(A_NORMAL);
	free(hint);
}

static void tui_draw(struct tui *t)
{
	if (!tui_curses_on)
		return;
	erase();
	struct view *v = tui_top(t);
	if (t->w < TUI_MIN_W || t->h < TUI_MIN_H || v == NULL) {
		curs_set(0);
		view_put(0, 0, t->w, "terminal too small", t->utf8);
		if (t->h > 1)
			view_put(1, 0, t->w, "kcon needs 20x6", t->utf8);
		refresh();
		uitrace_frame(false, false);
		return;
	}
	tui_draw_title(t);
	view_draw(v, 1, t->h - 3, t->w, t->utf8);
	tui_draw_status(t, v, t->h - 2);
	tui_draw_bottom(t, v, t->h - 1);
	curs_set(prompt_active() || t->filtering ? 1 : 0);
	refresh();
	uitrace_frame(v->nmap > 0 && v->loaded_ms > 0, v->stale_ms != 0);
}

/* --- keys ---------------------------------------------------------------------------------------- */

/* Opens the live tail of topic from (as `tail --from`; NULL: the last 20 of each partition). */
static void tui_open_tail(struct tui *t, const char *topic, const char *from)
{
	struct view_tail_arg a = { .topic = topic, .from = from };
	char *esc = escape_str(topic);
	char *title = x_asprintf("tail %s", esc);
	tui_push(t, view_new(&view_tail_ops, t, title, &a));
	free(title);
	free(esc);
}

static bool tui_is_enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

/*
 * Prompt lines that open views rather than run commands: a view's name alone (`groups`), `tail
 * TOPIC [FROM]`, and `group G` / `topic T` when G or T is not one of their subcommands.
 */
static bool tui_prompt_view(struct tui *t, int argc, char *const *argv)
{
	if (argc == 1)
		return tui_open_view(t, argv[0], NULL);
	if (view_tail_prompt(t, argc, argv))
		return true;
	bool group = strcmp(argv[0], "group") == 0, topic = strcmp(argv[0], "topic") == 0;
	if (argc != 2 || !(group || topic) || argv[1][0] == '-')
		return false;
	int consumed = 0;
	char *cause = NULL;
	const struct cmd_entry *e = cmd_find(argc, argv, &consumed, &cause);
	free(cause);
	return e == NULL && tui_open_view(t, group ? "group" : "partitions", argv[1]);
}

/*
 * The prompt's lines in the history store (face "tui", redacted there), as the REPL's: kept as they
 * are typed and recalled at start. The store is the worker's, so two commands of the TUI's own do it.
 */
#define TUI_RECALL 200

static int tui_remember_exec(struct cmd_ctx *ctx)
{
	struct store *st;
	struct err e = { 0 };
	if (sample_store(ctx->session, &st, &e) == CMD_OK)
		store_command_add(st, "tui", ctx->args.pos[0], clock_wall_ms());
	err_clear(&e);
	return cmd_ok(ctx, json_object());
}

static int tui_recall_exec(struct cmd_ctx *ctx)
{
	json_t *kept = json_array(); /* `lines` is a terminfo macro */
	struct store *st;
	struct err e = { 0 };
	int n = 0;
	char **v = sample_store(ctx->session, &st, &e) == CMD_OK ? store_commands(st, "tui", TUI_RECALL, &n) : NULL;
	for (int i = 0; i < n; i++) {
		json_array_append_new(kept, json_string(v[i]));
		free(v[i]);
	}
	free(v);
	err_clear(&e);
	return cmd_ok(ctx, json_pack("{s:o}", "lines", kept));
}

static const struct cmd_pos tui_line_args[] = { { "line", CMD_ARG_STRING, 0 }, { 0 } };
static const struct cmd_entry tui_history_table[] = {
	{
		.name = "tui-remember",
		.group = "kcon",
		.args = tui_line_args,
		.help = "keeps a line of the TUI's prompt in the history store (the TUI's own)",
		.doc = "JSON: {}",
		.flags = CMD_READ_ONLY,
		.exec = tui_remember_exec,
	},
	{
		.name = "tui-recall",
		.group = "kcon",
		.help = "the last lines of the TUI's prompt from the history store (the TUI's own)",
		.doc = "JSON: {lines}, oldest first",
		.flags = CMD_READ_ONLY,
		.exec = tui_recall_exec,
	},
	{ 0 },
};

static void tui_recalled(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	(void)v, (void)ud;
	size_t i;
	json_t *line;
	json_array_foreach(json_object_get(ctx->result, "lines"), i, line)
	{
		prompt_remember(json_string_value(line));
	}
}

static void tui_prompt_done(void *ud, const char *line)
{
	struct tui *t = ud;
	if (line == NULL || line[strspn(line, " \t")] == '\0')
		return;
	prompt_remember(line);
	if (tui_history(t) && !t->s->offline) {
		char *argv[] = { "tui-remember", (char *)line, NULL };
		tui_submit(t, NULL, 2, argv, false, NULL, NULL, false);
	}
	struct parse_list pl = { 0 };
	char *cause = NULL;
	bool opened = parse_commands(line, &pl, &cause) == 0 && pl.n == 1 &&
		      tui_prompt_view(t, pl.cmds[0].argc, pl.cmds[0].argv);
	free(cause);
	parse_list_clear(&pl);
	if (!opened)
		tui_run_line(t, line);
}

static void tui_filter_key(struct tui *t, struct view *v, int ch)
{
	size_t len = strlen(v->filter);
	if (ch == 27) {
		v->filter[0] = '\0';
		t->filtering = false;
	} else if (tui_is_enter(ch)) {
		t->filtering = false;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		while (len > 0 && (v->filter[len - 1] & 0xc0) == 0x80) /* a whole UTF-8 character */
			len--;
		if (len > 0)
			len--;
		v->filter[len] = '\0';
	} else if (ch == 21) { /* Ctrl-U */
		v->filter[0] = '\0';
	} else if (ch >= 32 && ch < 256 && ch != 127 && len + 1 < sizeof(v->filter)) {
		v->filter[len] = (char)ch;
		v->filter[len + 1] = '\0';
	} else {
		view_move_key(v, ch, t->h - 4);
		return;
	}
	view_refilter(v);
}

/* The views a binding can be scoped to (`bind -v NAME`), by their ops' names. */
static const struct view_ops *const tui_scopes[] = {
	&view_topics_ops,  &view_partitions_ops, &view_groups_ops, &view_lag_ops, &view_group_ops, &view_brokers_ops,
	&view_cluster_ops, &view_tail_ops,       &view_text_ops,   &view_log_ops, &view_msg_ops,
};

/*
 * The default key bindings: lines of the command language, run at start before the user's
 * kconrc, so `?` (keys) lists them and any of them can be rebound or unbound.
 */
static const char *const tui_default_bindings[] = {
	"bind j down",
	"bind Down down",
	"bind k up",
	"bind Up up",
	"bind PgDn page-down",
	"bind Space page-down",
	"bind C-f page-down",
	"bind PgUp page-up",
	"bind C-b page-up",
	"bind g first",
	"bind Home first",
	"bind G last",
	"bind End last",
	"bind Enter select",
	"bind / filter",
	"bind s sort",
	"bind S sort-reverse",
	"bind r refresh",
	"bind : prompt",
	"bind ? keys",
	"bind Esc back",
	"bind q quit",
	"bind C-l redraw",
	"bind L view log",
	"bind -v topics t view tail {name}",
	"bind -v topics d topic delete {name}",
	"bind -v topics P prompt 'produce {name} '",
	"bind -v partitions t view tail {arg}",
	"bind -v partitions P prompt 'produce {arg} '",
	"bind -v groups d group delete {group}",
	"bind -v groups R prompt 'group reset {group} --all-topics --to-latest'",
	"bind -v lag d group delete {group}",
	"bind -v lag R prompt 'group reset {group} --all-topics --to-latest'",
	"bind -v group d group delete {arg}",
	"bind -v group R prompt 'group reset {arg} --topic {topic}:{partition} --to-latest'",
	"bind -v group t view tail {topic}",
	"bind -v output a apply",
};

/* A curses key as a keys.h code (-1: not one a binding can name). */
static int tui_keycode(int ch)
{
	static const struct {
		int curses, key;
	} map[] = {
		{ '\n', KEYS_ENTER },
		{ KEY_ENTER, KEYS_ENTER },
		{ KEY_UP, KEYS_UP },
		{ KEY_DOWN, KEYS_DOWN },
		{ KEY_LEFT, KEYS_LEFT },
		{ KEY_RIGHT, KEYS_RIGHT },
		{ KEY_PPAGE, KEYS_PGUP },
		{ KEY_NPAGE, KEYS_PGDN },
		{ KEY_HOME, KEYS_HOME },
		{ KEY_END, KEYS_END },
		{ KEY_IC, KEYS_INSERT },
		{ KEY_DC, KEYS_DELETE },
		{ KEY_BACKSPACE, KEYS_BACKSPACE },
		{ 127, KEYS_BACKSPACE },
		{ KEY_BTAB, KEYS_BTAB },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].curses == ch)
			return map[i].key;
	if (ch >= KEY_F(1) && ch <= KEY_F(12))
		return KEYS_F1 + (ch - KEY_F(1));
	return ch >= 0 && ch < 256 ? ch : -1;
}

/* The curses key of a keys.h code, for the views' own handlers (send-key). */
static int tui_curses_key(int key)
{
	static const int special[] = {
		KEY_UP,   KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_PPAGE,     KEY_NPAGE,
		KEY_HOME, KEY_END,  KEY_IC,   KEY_DC,    KEY_BACKSPACE, KEY_BTAB,
	};
	if (key == KEYS_ENTER)
		return KEY_ENTER;
	if (key >= KEYS_F1 && key <= KEYS_F12)
		return KEY_F(1) + (key - KEYS_F1);
	if (key >= KEYS_SPECIAL && key < KEYS_SPECIAL + (int)(sizeof(special) / sizeof(special[0])))
		return special[key - KEYS_SPECIAL];
	return key;
}

/* Gives a key to the view's own handler and does what it asks. */
static void tui_view_key(struct tui *t, struct view *v, int ch)
{
	unsigned what = v->ops->key ? v->ops->key(v, ch, view_selected(v)) : 0;
	if (what & VIEW_RELOAD && v->ops->reload)
		v->ops->reload(v);
	if (what & VIEW_CLOSE)
		tui_pop(t);
	if (what & VIEW_QUIT) {
		t->quitting = true;
		loop_stop(t->loop);
	}
}

/*
 * A word of a bound line with each {NAME} replaced by the selected row's field (quoted when the
 * word is a command line itself, as prompt's text). NULL with *cause when a field has no value.
 */
static char *tui_expand(struct view *v, const char *word, bool quote, char **cause)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = word;
	while (*p) {
		const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
		size_t nlen = close ? (size_t)(close - open - 1) : 0;
		if (open == NULL || close == NULL || nlen == 0 || nlen > 32 ||
		    strspn(open + 1, "abcdefghijklmnopqrstuvwxyz_") != nlen) {
			size_t n = open ? (size_t)(open - p) + 1 : strlen(p);
			sbuf_addn(&sb, p, n);
			p += n;
			continue;
		}
		sbuf_addn(&sb, p, (size_t)(open - p));
		char *name = x_strndup(open + 1, nlen);
		char *val = v->ops->value ? v->ops->value(v, view_selected(v), name) : NULL;
		if (val == NULL) {
			*cause = x_asprintf("{%s} has no value here: select a row of a view that has it", name);
			free(name);
			sbuf_free(&sb);
			return NULL;
		}
		if (quote) {
			char *q = parse_quote(val);
			sbuf_add(&sb, q);
			free(q);
		} else {
			sbuf_add(&sb, val);
		}
		free(val);
		free(name);
		p = close + 1;
	}
	return sbuf_release(&sb);
}

/*
 * Runs a prepared command of the TUI's own (CMD_UI) here on the loop thread, or answers its usage
 * error. Returns NULL, or what went wrong with its hint (new string).
 */
static char *tui_exec_here(struct tui *t, struct cmd_ctx *ctx)
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
static void tui_exec(struct tui *t, int argc, char *const *argv)
{
	struct cmd_ctx ctx;
	if (cmd_prepare(&ctx, t->s, argc, argv) == CMD_OK && (ctx.entry->flags & CMD_UI)) {
		char *failure = tui_exec_here(t, &ctx);
		if (failure) {
			tui_message(t, "%s", failure);
			view_log_add("error", "%s: %s", ctx.entry->name, failure);
			free(failure);
		}
		cmd_ctx_clear(&ctx);
		return;
	}
	cmd_ctx_clear(&ctx);
	tui_submit(t, NULL, argc, argv, false, tui_show_result, t, false);
}

/* Runs a key's line: each command with the {NAME}s of its words filled in from the selected row. */
static void tui_run_binding(struct tui *t, struct view *v, const char *line)
{
	struct parse_list pl = { 0 };
	char *cause = NULL;
	if (parse_commands(line, &pl, &cause) < 0) {
		tui_message(t, "%s", cause);
		free(cause);
		return;
	}
	for (size_t i = 0; i < pl.n && !t->quitting; i++) {
		struct parse_cmd *c = &pl.cmds[i];
		bool quote = strcmp(c->argv[0], "prompt") == 0;
		char **argv = x_calloc((size_t)c->argc + 1, sizeof(char *));
		int n = 0;
		for (; n < c->argc; n++)
			if ((argv[n] = tui_expand(v, c->argv[n], quote && n > 0, &cause)) == NULL)
				break;
		if (n == c->argc)
			tui_exec(t, c->argc, argv);
		for (int k = 0; k < n; k++)
			free(argv[k]);
		free(argv);
		if (cause) {
			tui_message(t, "%s", cause);
			free(cause);
			break;
		}
		if (tui_top(t) != v) /* the view changed: the rest would act on another one */
			break;
	}
	parse_list_clear(&pl);
}

static bool tui_key_line_has_scoped(struct tui *t, struct view *v)
{
	for (size_t i = 0; i < keys_count(t->keys); i++) {
		const char *scope, *line;
		int key;
		keys_get(t->keys, i, &scope, &key, &line);
		if (strcmp(scope, v->ops->name) == 0)
			return true;
	}
	return false;
}

/* `keys` (`?`): the bindings of every view and of this one, what the views are, in a text pane. */
static void tui_help(struct tui *t, struct view *v)
{
	struct sbuf sb = SBUF_INIT;
	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass == 0 ? "" : v->ops->name;
		if (pass == 0)
			sbuf_add(&sb, "KEYS IN EVERY VIEW\n");
		else
			sbuf_addf(&sb, "\nKEYS IN THE %s VIEW\n", v->ops->name);
		for (size_t i = 0; i < keys_count(t->keys); i++) {
			const char *scope, *line, *s2, *l2;
			int key, k2;
			keys_get(t->keys, i, &scope, &key, &line);
			bool seen = false; /* keys with the same line share one entry */
			for (size_t j = 0; j < i && !seen; j++) {
				keys_get(t->keys, j, &s2, &k2, &l2);
				seen = strcmp(s2, scope) == 0 && strcmp(l2, line) == 0;
			}
			if (strcmp(scope, want) != 0 || seen)
				continue;
			char name[32];
			struct sbuf names = SBUF_INIT;
			for (size_t j = i; j < keys_count(t->keys); j++) {
				keys_get(t->keys, j, &s2, &k2, &l2);
				if (strcmp(s2, scope) == 0 && strcmp(l2, line) == 0)
					sbuf_addf(&names, "%s%s", j > i ? " " : "", keys_name(k2, name, sizeof(name)));
			}
			const struct cmd_entry *e = NULL;
			struct parse_list pl = { 0 };
			char *cause = NULL;
			if (parse_commands(line, &pl, &cause) == 0 && pl.n > 0) {
				int consumed;
				e = cmd_find(pl.cmds[0].argc, pl.cmds[0].argv, &consumed, &cause);
			}
			free(cause);
			parse_list_clear(&pl);
			sbuf_addf(&sb, "  %-14s %-36s %s\n", sbuf_str(&names), line, e ? e->help : "");
			sbuf_free(&names);
		}
		if (pass == 1 && !v->ops->enter_help && !v->ops->keys_help && !tui_key_line_has_scoped(t, v))
			sbuf_add(&sb, "  (none)\n");
		if (pass == 1 && v->ops->enter_help)
			sbuf_addf(&sb, "  %-14s %-36s %s\n", "Enter", "select", v->ops->enter_help);
		if (pass == 1 && v->ops->keys_help)
			sbuf_addf(&sb, "  %-14s %-36s %s\n", "", "(the view's own keys)", v->ops->keys_help);
	}
	sbuf_add(&sb, "\nBind keys with `bind [-v VIEW] KEY COMMAND...` at the : prompt or in "
		      "$XDG_CONFIG_HOME/kcon/kconrc; {NAME} is a field of the selected row.\n");
	sbuf_add(&sb, "\nVIEWS (type :NAME)\n");
	for (const struct tui_view *tv = tui_views; tv->name; tv++)
		if (tv->help)
			sbuf_addf(&sb, "  :%-21s %s\n", tv->name, tv->help);
	sbuf_addf(&sb, "  %-22s %s\n", ":log", "the event log: connection changes, failures, commands run");
	sbuf_addf(&sb, "  %-22s %s\n", ":tail TOPIC [FROM]",
		  "live messages (FROM as tail --from; default the last 20 of each partition; --decode NAME)");
	sbuf_addf(&sb, "  %-22s %s\n", ":group G  :topic T", "a group's lag, a topic's partitions");
	sbuf_add(&sb, "  Enter on a group opens its per-partition lag; on a topic, its partitions.\n");
	struct view_text_arg a = {
		.command = "keys",
		.result = json_pack("{s:s}", "markdown", sbuf_str(&sb)),
		.status = CMD_OK,
	};
	tui_push(t, view_new(&view_text_ops, t, "keys", &a));
	sbuf_free(&sb);
}

/* `bind [-v VIEW] KEY COMMAND...` */
static int tui_bind(struct tui *t, struct cmd_ctx *ctx, bool unbind)
{
	const char *scope = cmd_arg(ctx, "view");
	char *cause = NULL;
	if (scope) {
		size_t i = 0, n = sizeof(tui_scopes) / sizeof(tui_scopes[0]);
		while (i < n && strcmp(tui_scopes[i]->name, scope) != 0)
			i++;
		if (i == n) {
			struct sbuf views = SBUF_INIT;
			for (i = 0; i < n; i++)
				sbuf_addf(&views, "%s%s", i ? ", " : "", tui_scopes[i]->name);
			cmd_fail(ctx, CMD_USAGE, NULL, "no view is called `%s`", scope);
			ctx->hint = x_asprintf("the views are %s (output: a command's result)", sbuf_str(&views));
			sbuf_free(&views);
			return CMD_USAGE;
		}
	}
	int key = keys_parse(ctx->args.pos[0], &cause);
	if (key < 0) {
		cmd_fail(ctx, CMD_USAGE, "see `help bind`", "%s", cause);
		free(cause);
		return CMD_USAGE;
	}
	if (unbind) {
		if (!keys_unbind(t->keys, scope, key))
			return cmd_fail(ctx, CMD_FAILED, "`keys` (?) lists the bindings", "`%s` is not bound%s%s",
					ctx->args.pos[0], scope ? " in the view " : "", scope ? scope : "");
		return cmd_ok(ctx, json_object());
	}
	/* The line as it will be read back: its words quoted. It must name a command. */
	char *line = parse_join(ctx->args.npos - 1, ctx->args.pos + 1);
	int consumed;
	if (cmd_find(ctx->args.npos - 1, ctx->args.pos + 1, &consumed, &cause) == NULL) {
		cmd_fail(ctx, CMD_USAGE, "bind a key to a kcon command, e.g. `bind -v topics D topic delete {name}`",
			 "%s", cause);
		free(cause);
		free(line);
		return CMD_USAGE;
	}
	keys_bind(t->keys, scope, key, line);
	free(line);
	return cmd_ok(ctx, json_object());
}

/* `apply`: the previewed command of a result pane again, with --execute, once its target is typed. */
static int tui_apply(struct tui *t, struct view *v, struct cmd_ctx *ctx)
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
		tui_submit(t, NULL, c->argc + 1, argv, true, tui_show_result, t, false);
		free(argv);
		rc = cmd_ok(ctx, json_object());
	}
	parse_list_clear(&pl);
	free(line);
	return rc;
}

/* `view NAME [ARG]` */
static int tui_view_cmd(struct tui *t, struct cmd_ctx *ctx)
{
	const char *name = ctx->args.pos[0], *arg = ctx->args.npos > 1 ? ctx->args.pos[1] : NULL;
	if (strcmp(name, "tail") == 0 && arg) {
		tui_open_tail(t, arg, NULL);
	} else if (strcmp(name, "log") == 0 && arg == NULL) {
		if (tui_top(t)->ops != &view_log_ops)
			tui_push(t, view_new(&view_log_ops, t, "log", NULL));
	} else if (!tui_open_view(t, name, arg)) {
		struct sbuf views = SBUF_INIT;
		for (const struct tui_view *tv = tui_views; tv->name; tv++)
			sbuf_addf(&views, "%s%s%s, ", tv->name, tv->arg ? " " : "", tv->arg ? tv->arg : "");
		cmd_fail(ctx, CMD_USAGE, NULL, "no view `%s`%s", name, arg ? " with an argument" : "");
		ctx->hint = x_asprintf("views: %slog, tail TOPIC", sbuf_str(&views));
		sbuf_free(&views);
		return CMD_USAGE;
	}
	return cmd_ok(ctx, json_object());
}

/* Carries out the TUI's actions (uicmd.h), on the loop thread. */
static int tui_act(void *ud, enum uicmd_action a, struct cmd_ctx *ctx)
{
	struct tui *t = ud;
	struct view *v = tui_top(t);
	if (v == NULL && a != UICMD_BIND && a != UICMD_UNBIND && a != UICMD_THEME)
		return cmd_fail(ctx, CMD_FAILED, NULL, "no view yet");
	int body = v ? t->h - 3 - !(v->ops->flags & VIEW_TEXT) : 1;
	static const enum view_move moves[] = {
		[UICMD_DOWN] = VIEW_MOVE_DOWN,           [UICMD_UP] = VIEW_MOVE_UP,
		[UICMD_PAGE_DOWN] = VIEW_MOVE_PAGE_DOWN, [UICMD_PAGE_UP] = VIEW_MOVE_PAGE_UP,
		[UICMD_FIRST] = VIEW_MOVE_TOP,           [UICMD_LAST] = VIEW_MOVE_BOTTOM,
	};
	switch (a) {
	case UICMD_DOWN:
	case UICMD_UP:
	case UICMD_PAGE_DOWN:
	case UICMD_PAGE_UP:
	case UICMD_FIRST:
	case UICMD_LAST:
		view_move(v, moves[a], body);
		break;
	case UICMD_SELECT:
		tui_view_key(t, v, KEY_ENTER);
		break;
	case UICMD_BACK:
		if (v->filter[0]) {
			v->filter[0] = '\0';
			view_refilter(v);
		} else {
			tui_pop(t);
		}
		break;
	case UICMD_FILTER:
		t->filtering = true;
		break;
	case UICMD_PROMPT:
		prompt_open(":", tui_prompt_done, t);
		if (ctx->args.npos)
			prompt_insert(ctx->args.pos[0]);
		break;
	case UICMD_REFRESH:
		tui_refresh(t);
		break;
	case UICMD_REDRAW:
		clearok(curscr, TRUE);
		break;
	case UICMD_SORT:
	case UICMD_SORT_REVERSE:
		view_sort_key(v, a == UICMD_SORT_REVERSE);
		break;
	case UICMD_KEYS:
		tui_help(t, v);
		break;
	case UICMD_VIEW:
		return tui_view_cmd(t, ctx);
	case UICMD_SEND_KEY: {
		char *cause = NULL;
		int key = keys_parse(ctx->args.pos[0], &cause);
		if (key < 0) {
			cmd_fail(ctx, CMD_USAGE, "see `help bind` for key names", "%s", cause);
			free(cause);
			return CMD_USAGE;
		}
		tui_view_key(t, v, tui_curses_key(key));
		break;
	}
	case UICMD_APPLY:
		return tui_apply(t, v, ctx);
	case UICMD_BIND:
	case UICMD_UNBIND:
		return tui_bind(t, ctx, a == UICMD_UNBIND);
	case UICMD_THEME:
		return tui_theme_cmd(t, ctx);
	case UICMD_NACTIONS:
		break;
	}
	return cmd_ok(ctx, json_object());
}

static void tui_key(struct tui *t, int ch)
{
	struct view *v = tui_top(t);
	if (ch == KEY_RESIZE || v == NULL)
		return;
	if (ch == KEY_MOUSE) { /* the rows start below the title bar (and the column header) */
		bool text = v->ops->flags & VIEW_TEXT;
		if (!prompt_active() && t->w >= TUI_MIN_W && t->h >= TUI_MIN_H)
			uimouse_key(v, text ? 1 : 2, t->h - 3 - !text);
		return;
	}
	if (prompt_active()) {
		if (ch == 27)
			prompt_cancel();
		else
			prompt_feed(ch);
		return;
	}
	x_free(&t->message);
	if (t->filtering) {
		tui_filter_key(t, v, ch);
		return;
	}
	if (ch == 27 && loop_interrupt(t->loop) > 0) { /* Esc stops a long query first (history sql) */
		tui_message(t, "%s", "interrupting the running query");
		return;
	}
	int key = tui_keycode(ch);
	const char *line = key >= 0 ? keys_lookup(t->keys, v->ops->name, key) : NULL;
	if (line) {
		char *copy = x_strdup(line); /* the line may rebind its own key */
		tui_run_binding(t, v, copy);
		free(copy);
	} else {
		tui_view_key(t, v, ch);
	}
}

static void tui_on_input(struct loop *l, int fd, short revents, void *ud)
{
	struct tui *t = ud;
	(void)l, (void)fd;
	int ch;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) { /* the terminal went away */
		t->quitting = true;
		loop_stop(t->loop);
		return;
	}
	while (!t->quitting && (ch = getch()) != ERR) {
		uitrace_key(ch);
		tui_key(t, ch);
	}
	if (!t->quitting)
		tui_draw(t);
}

static void tui_resize(struct tui *t)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, t->h, t->w);
	for (int i = 0; i < t->depth; i++)
		if (t->stack[i]->ops->resize && t->stack[i]->width != t->w)
			t->stack[i]->ops->resize(t->stack[i], t->w);
	clearok(curscr, TRUE);
}

/*
 * Ctrl-Z (SIGTSTP): the terminal back to the shell, stop, and on `fg` the screen again. kcon does
 * this itself rather than through curses' SIGTSTP handler, which flushes the terminal's input on
 * resume: a key typed behind `fg` (or just after it) was lost. Here the keys waiting in the input
 * queue are read as soon as kcon runs again.
 */
static void tui_suspend(struct tui *t)
{
	def_prog_mode();
	endwin();
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ours;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &ours);
	kill(getpid(), SIGTSTP); /* returns on SIGCONT (at once in an orphaned process group) */
	sigaction(SIGTSTP, &ours, NULL);
	reset_prog_mode();
	tui_resize(t); /* the terminal may have changed size meanwhile; redraws it all */
	tui_draw(t);
	tui_on_input(t->loop, STDIN_FILENO, 0, t); /* the keys typed before kcon was back */
}

static void tui_on_signal(struct loop *l, int signo, void *ud)
{
	struct tui *t = ud;
	if (signo == SIGTSTP) {
		tui_suspend(t);
	} else if (signo == SIGWINCH) {
		tui_resize(t);
		tui_draw(t);
	} else if (signo == SIGINT && prompt_active()) {
		prompt_cancel(); /* Ctrl-C at the prompt only leaves the prompt */
		tui_draw(t);
	} else if (signo == SIGINT && loop_interrupt(l) > 0) { /* and stops a long query before it quits */
		tui_message(t, "%s", "interrupting the running query (Ctrl-C again quits)");
		tui_draw(t);
	} else if (signo == SIGINT || signo == SIGTERM || signo == SIGHUP) {
		t->quitting = true;
		loop_stop(l);
	}
}

static char **tui_names(void *ud, enum cmd_arg_kind kind)
{
	struct tui *t = ud;
	/* Only what the views hold: completion in the TUI never waits on the cluster. */
	if (kind == CMD_ARG_TOPIC && t->depth)
		return view_topics_names(t->stack[0]);
	if (kind != CMD_ARG_GROUP)
		return NULL;
	/* Groups: those of the groups and lag views open, and of the group views. */
	size_t n = 0, cap = 16;
	char **names = x_calloc(cap + 1, sizeof(char *));
	for (int i = 0; i < t->depth; i++) {
		struct view *v = t->stack[i];
		bool list = v->ops == &view_groups_ops || v->ops == &view_lag_ops;
		if (!list && v->ops != &view_group_ops)
			continue;
		int rows = list ? v->ops->rows(v) : 1;
		for (int r = 0; r < rows; r++) {
			char *g = v->ops->value(v, r, list ? "group" : "arg");
			if (g == NULL)
				continue;
			if (n == cap) {
				cap *= 2;
				names = x_reallocarray(names, cap + 1, sizeof(char *));
			}
			names[n++] = g;
			names[n] = NULL;
		}
	}
	return names;
}

/* --- start and stop ------------------------------------------------------------------------------ */

static void tui_atexit(void)
{
	if (tui_curses_on) {
		endwin();
		tui_curses_on = false;
		fatal_terminal(NULL, NULL);
	}
}

static void tui_reset_add(struct sbuf *sb, const char *cap)
{
	if (cap && cap != (char *)-1)
		sbuf_add(sb, cap);
}

/*
 * Tells the fatal-signal handler what undoes the modes curses and we turned on: the alternate
 * screen, the hidden cursor, attributes, the keypad's application mode and, when mouse is on,
 * mouse tracking (the terminfo's XM with 0, and for an xterm-like mouse every tracking mode off).
 */
static void tui_arm_fatal(bool mouse)
{
	struct sbuf sb = SBUF_INIT;
	static const char *const caps[] = { "rmcup", "cnorm", "sgr0", "rmkx" };
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		tui_reset_add(&sb, tigetstr(caps[i]));
	if (mouse) {
		char *xm = tigetstr("XM"), *kmous = tigetstr("kmous");
		if (xm && xm != (char *)-1)
			tui_reset_add(&sb, tiparm(xm, 0));
		if (kmous && kmous != (char *)-1 && strncmp(kmous, "\033[", 2) == 0)
			sbuf_add(&sb, "\033[?1006l\033[?1015l\033[?1005l\033[?1003l\033[?1002l\033[?1000l");
	}
	fatal_terminal(tui_termios_saved ? &tui_termios : NULL, sbuf_str(&sb));
	sbuf_free(&sb);
}

static int tui_check_term(void)
{
	const char *term = getenv("TERM");
	if (term == NULL || *term == '\0' || strcmp(term, "dumb") == 0) {
		fprintf(stderr,
			"kcon: the TUI needs a terminal type, and TERM is %s: set it (e.g. export "
			"TERM=xterm-256color), "
			"or use `kcon --repl` or `kcon COMMAND`\n",
			term == NULL ? "unset"
			: *term      ? "`dumb`"
				     : "empty");
		return -1;
	}
	return 0;
}

/* The built-in terminal type's directory (TERMINFO) while the TUI runs, and what it replaced. */
static char *tui_termdb_dir, *tui_termdb_term, *tui_termdb_terminfo;

static void tui_close_terminal(void)
{
	if (tui_termdb_term == NULL)
		return;
	termdb_remove(tui_termdb_dir);
	x_free(&tui_termdb_dir);
	setenv("TERM", tui_termdb_term, 1);
	if (tui_termdb_terminfo)
		setenv("TERMINFO", tui_termdb_terminfo, 1);
	else
		unsetenv("TERMINFO");
	x_free(&tui_termdb_term);
	x_free(&tui_termdb_terminfo);
}

/* newterm() for TERM, asking terminfo first: newterm() leaks when it fails. */
static SCREEN *tui_newterm(void)
{
	int terr = 0;
	if (setupterm(NULL, STDOUT_FILENO, &terr) != OK)
		return NULL;
	del_curterm(cur_term);
	return newterm(NULL, stdout, stdin);
}

/*
 * The terminal: this system's terminfo entry for TERM, else the built-in entry nearest to it
 * (backend/termdb.h), which TERM then names and TERMINFO holds while the TUI runs (readline reads
 * them too): the entry itself (ncurses 6.1+, no file), else a private directory removed at the end
 * or at exit. *note (new string) says which built-in entry draws, when one does.
 */
static SCREEN *tui_open_terminal(char **note)
{
	SCREEN *scr = tui_newterm();
	if (scr)
		return scr;
	const char *term = getenv("TERM"); /* tui_check_term(): set */
	const struct termdb_entry *e = termdb_nearest(term);
	static bool registered;
	if (!registered)
		atexit(tui_close_terminal);
	registered = true;
	tui_termdb_term = x_strdup(term);
	tui_termdb_terminfo = x_strdup(getenv("TERMINFO"));
	setenv("TERM", e->name, 1);
	char *hex = termdb_hex(e);
	setenv("TERMINFO", hex, 1);
	free(hex);
	scr = tui_newterm();
	char *cause = NULL;
	if (scr == NULL && (tui_termdb_dir = termdb_install(e, &cause)) != NULL) {
		setenv("TERMINFO", tui_termdb_dir, 1);
		scr = tui_newterm();
	}
	if (scr == NULL) {
		fprintf(stderr,
			"kcon: the terminal type `%s` is unknown here, and kcon's own %s did not load%s%s: set "
			"TERM to one this system knows (e.g. export TERM=xterm-256color), or use `kcon --repl`\n",
			tui_termdb_term, e->name, cause ? ": " : "", cause ? cause : "");
		free(cause);
		tui_close_terminal();
		return NULL;
	}
	*note = strcmp(e->name, tui_termdb_term) == 0
			? x_asprintf("TERM %s: this system has no terminfo entry for it: kcon's own draws", e->name)
			: x_asprintf("TERM %s is unknown here: drawing as %s (kcon's own entry); set TERM to a "
				     "type this system knows, or use `kcon --repl`",
				     tui_termdb_term, e->name);
	return scr;
}

#ifndef KCON_SOURCE_THEMES
#define KCON_SOURCE_THEMES NULL
#endif

/*
 * Loads the theme called name into th. Returns -1 with *cause when it cannot be found or read;
 * otherwise the number of bad lines, the first of them in *bad_msg.
 */
static int tui_theme_load(const char *name, struct theme *th, char **cause, char **bad_msg)
{
	char *errors = NULL;
	theme_init(th);
	char *path = theme_find(name, KCON_SOURCE_THEMES, cause);
	if (path == NULL)
		return -1;
	int bad = theme_load(th, path, &errors);
	free(path);
	if (bad < 0) { /* theme_load's cause names the file and what is wrong */
		*cause = errors;
		return -1;
	}
	if (bad > 0) {
		errors[strcspn(errors, "\n")] = '\0';
		*bad_msg = bad > 1 ? x_asprintf("theme: %s (and %d more bad lines)", errors, bad - 1)
				   : x_asprintf("theme: %s", errors);
	}
	free(errors);
	return bad;
}

/* The names of the themes kcon comes with and of the user's own. */
static json_t *tui_theme_names(void)
{
	json_t *a = json_pack("[s,s,s,s]", "default", "light", "high-contrast", "mono");
	char *dir = conf_config_path("themes");
	DIR *d = dir ? opendir(dir) : NULL;
	for (struct dirent *de; d && (de = readdir(d)) != NULL;)
		if (de->d_name[0] != '.')
			json_array_append_new(a, json_string(de->d_name));
	if (d)
		closedir(d);
	free(dir);
	return a;
}

/* `theme [NAME]`: switches the colours now, or says which theme is in use and which there are. */
static int tui_theme_cmd(struct tui *t, struct cmd_ctx *ctx)
{
	if (ctx->args.npos == 0) {
		json_t *r = json_pack("{s:s?, s:o}", "theme", t->theme_name, "themes", tui_theme_names());
		char *names = NULL;
		size_t i;
		json_t *n;
		struct sbuf sb = SBUF_INIT;
		json_array_foreach(json_object_get(r, "themes"), i, n)
		{
			sbuf_addf(&sb, "%s%s", i ? " " : "", json_string_value(n));
		}
		names = sbuf_release(&sb);
		free(t->message);
		char *raw = x_asprintf("theme %s; themes: %s", t->theme_name ? t->theme_name : "(none)", names);
		t->message = escape_str(raw);
		free(raw);
		free(names);
		return cmd_ok(ctx, r);
	}
	struct theme th;
	char *cause = NULL, *bad_msg = NULL;
	int bad = tui_theme_load(ctx->args.pos[0], &th, &cause, &bad_msg);
	if (bad < 0) {
		cmd_fail(ctx, CMD_FAILED,
			 "kcon comes with the themes default, light, high-contrast and mono; `theme` lists them; a "
			 "name with a / is a file",
			 "%s", cause);
		free(cause);
		return CMD_FAILED;
	}
	look_start(&th);
	bkgdset(' ' | look_attr(THEME_NORMAL));
	clearok(curscr, TRUE);
	free(t->theme_name);
	t->theme_name = x_strdup(ctx->args.pos[0]);
	free(t->message);
	t->message = NULL;
	if (bad_msg) {
		t->message = escape_str(bad_msg);
		view_log_add("error", "%s", bad_msg);
		free(bad_msg);
	}
	return cmd_ok(ctx, json_pack("{s:s, s:i}", "theme", ctx->args.pos[0], "bad_lines", bad));
}

/*
 * Runs the user's kconrc ($XDG_CONFIG_HOME/kcon/kconrc): lines of the command language, of the
 * TUI's commands only (bind, unbind, theme, ...). A bad line is reported as file:line and skipped; a
 * kconrc that cannot be read (but exists) is reported too.
 */
static void tui_rc(struct tui *t)
{
	char *path = conf_config_path("kconrc"), *text = NULL, *cause = NULL;
	int lineno = 0, bad = 0;
	char *first = NULL; /* the first bad line */
	if (path && (text = file_read(path, "kconrc", FILE_CONFIG_MAX, 0, NULL, &cause)) == NULL) {
		if (errno != ENOENT) {
			view_log_add("error", "%s", cause);
			first = x_strdup(cause);
			bad++;
		}
		free(cause);
	}
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		struct parse_list pl = { 0 };
		cause = NULL;
		if (parse_commands(line, &pl, &cause) == 0) {
			for (size_t i = 0; i < pl.n && cause == NULL; i++) {
				struct cmd_ctx ctx;
				if (cmd_prepare(&ctx, t->s, pl.cmds[i].argc, pl.cmds[i].argv) == CMD_OK &&
				    !(ctx.entry->flags & CMD_UI))
					cause = x_asprintf(
						"`%s` does not belong in kconrc: only the TUI's commands (bind, "
						"unbind, theme, ...) do",
						ctx.entry->name);
				else
					cause = tui_exec_here(t, &ctx);
				cmd_ctx_clear(&ctx);
			}
		}
		if (cause) {
			view_log_add("error", "%s:%d: %s", path, lineno, cause);
			if (bad++ == 0)
				first = x_asprintf("%s:%d: %s", path, lineno, cause);
			free(cause);
		}
		parse_list_clear(&pl);
	}
	if (first) {
		char *msg =
			bad > 1 ? x_asprintf("%d bad lines in the kconrc (:log lists them), the first: %s", bad, first)
				: x_strdup(first);
		free(t->message);
		t->message = escape_str(msg);
		free(msg);
		free(first);
	}
	free(text);
	free(path);
}

int tui_run(struct session *s, const char *theme, int refresh_ms, bool mouse)
{
	setlocale(LC_ALL, "");
	if (tui_check_term() < 0)
		return CMD_USAGE;
	struct theme th;
	char *theme_msg = NULL, *cause = NULL;
	int bad = tui_theme_load(theme ? theme : "default", &th, &cause, &theme_msg);
	if (bad < 0 && theme) {
		fprintf(stderr,
			"kcon: error: %s\n  hint: kcon comes with the themes default, light, high-contrast and mono; a "
			"name with a / is a file; see docs/tui.md\n",
			cause);
		free(cause);
		return CMD_USAGE;
	}
	x_free(&cause); /* without --theme and no default theme installed: no colours */
	struct tui t = { .s = s, .cluster_status = -1, .sample_status = -1 };
	t.refresh_ms = refresh_ms > 0 ? refresh_ms : 5000;
	t.theme_name = bad >= 0 ? x_strdup(theme ? theme : "default") : NULL;
	t.where = x_strdup(s->demo ? "demo" : s->conf.bootstrap ? s->conf.bootstrap : "no bootstrap");
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t.loop = loop_new(&cause);
	if (t.loop == NULL) {
		fprintf(stderr, "kcon: %s\n", cause);
		free(cause);
		free(t.where);
		free(t.theme_name);
		free(theme_msg);
		return CMD_FAILED;
	}
	if (tcgetattr(STDIN_FILENO, &tui_termios) == 0)
		tui_termios_saved = true;
	char *term_note = NULL;
	SCREEN *scr = tui_open_terminal(&term_note);
	if (scr == NULL) {
		loop_free(&t.loop);
		free(t.where);
		free(t.theme_name);
		free(theme_msg);
		return CMD_USAGE;
	}
	tui_curses_on = true;
	uitrace_open();
	atexit(tui_atexit);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	uimouse_start(mouse);
	tui_arm_fatal(mouse && has_mouse());
	curs_set(0);
	getmaxyx(stdscr, t.h, t.w);
	look_start(bad >= 0 ? &th : NULL);
	bkgdset(' ' | look_attr(THEME_NORMAL));
	if (term_note) { /* the built-in terminal type that draws the screen */
		view_log_add("connection", "%s", term_note);
		t.message = escape_str(term_note);
		free(term_note);
	}
	if (theme_msg) { /* the bad lines of the theme, until the first key */
		t.message = escape_str(theme_msg);
		view_log_add("error", "%s", theme_msg);
		free(theme_msg);
	}

	/* The confirmation of destructive commands happens at the TUI's prompt, before the worker. */
	bool (*confirm)(void *, const char *, const char *) = s->confirm;
	s->confirm = NULL;
	note_fn note = note_get(&s->note); /* notes on stderr would garble the screen: they go to the log */
	void *note_ud = s->note.ud;
	note_set(&s->note, view_log_note, NULL);
	uicmd_register();
	view_tail_register();
	static bool registered;
	if (!registered)
		cmd_register(tui_history_table);
	registered = true;
	prompt_setup();
	complete_attach(tui_names, &t);
	t.keys = keys_new();
	const struct uicmd_face face = { tui_act, &t };
	uicmd_set_face(&face);
	for (size_t i = 0; i < sizeof(tui_default_bindings) / sizeof(tui_default_bindings[0]); i++)
		tui_run_line(&t, tui_default_bindings[i]);
	tui_rc(&t);
	view_log_add("connection", "kcon started on %s", t.where);

	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, 0 };
	loop_signals(t.loop, sigs, tui_on_signal, &t); /* after curses, so ours replace its handlers */
	loop_fd_add(t.loop, STDIN_FILENO, POLLIN, tui_on_input, &t);
	/* History ticks record the snapshots, not each view's answer (set before the worker runs any). */
	s->tick_records = !s->no_history && !s->offline;
	if (tui_history(&t)) /* the title bar's cluster at once, from the stored snapshot */
		tui_request_stored(&t, NULL, "cluster --stored", tui_cluster_stored_done, &t);
	tui_push(&t, view_new(&view_topics_ops, &t, "topics", NULL));
	tui_refresh(&t);
	loop_timer_add(t.loop, t.refresh_ms, tui_on_refresh, &t);
	loop_timer_add(t.loop, 1000, tui_on_tick, &t);
	if (!s->no_history && !s->offline) /* --offline asks the cluster nothing */
		tui_on_sample(t.loop, &t);
	if (tui_history(&t))
		tui_request(&t, NULL, "tui-recall", tui_recalled, NULL);
	tui_draw(&t);
	loop_run(t.loop);

	/* The terminal first: the worker may still be waiting on the cluster. */
	t.quitting = true;
	prompt_teardown();
	endwin();
	tui_curses_on = false;
	fatal_terminal(NULL, NULL);
	delscreen(scr);
	tui_close_terminal();
	uitrace_close();
	loop_free(&t.loop);
	while (t.depth)
		view_close(t.stack[--t.depth]);
	view_tail_reap();
	uicmd_set_face(NULL);
	keys_free(&t.keys);
	note_set(&s->note, note, note_ud); /* before the log goes: librdkafka's threads may still note */
	view_log_clear();
	free(t.cluster_id);
	free(t.sample_error);
	free(t.message);
	free(t.where);
	free(t.theme_name);
	s->confirm = confirm;
	s->tick_records = false;
	return CMD_OK;
}
