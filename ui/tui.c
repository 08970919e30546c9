/*
 * The full-screen TUI: curses on the event loop (stdin, SIGWINCH, SIGINT, SIGTERM, timers). It
 * never blocks on Kafka: views get their data by running commands on the command worker and
 * drawing the JSON when it arrives. Layout, top to bottom: the title bar (cluster and connection
 * state), the view (column header and rows), the status bar (view, rows, filter, data age or the
 * last error) and the message line (the `:` prompt, the `/` filter, hints, key help).
 */
#include <curses.h>
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
#include "escape.h"
#include "faces.h"
#include "look.h"
#include "loop.h"
#include "parse.h"
#include "prompt.h"
#include "uicmd.h"
#include "view.h"
#include "xalloc.h"

#define TUI_REFRESH_MS 5000
#define TUI_MIN_W      20
#define TUI_MIN_H      6
#define TUI_MAX_VIEWS  16
#define TUI_SAMPLE_MS  10000 /* as `kcon watch` by default */
#define TUI_FRAME_MS   33    /* at most ~30 frames a second for views that change fast */

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
	/* History: `history tick` every TUI_SAMPLE_MS while the TUI is open (not with --no-history). */
	bool sample_busy;
	int sample_status; /* -1 before the first answer */
	char *sample_error;
	char *message; /* for the message line, until the next key */
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
static char tui_reset[128]; /* what puts the terminal back, for fatal signals */

static void tui_draw(struct tui *t);

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

static struct view *tui_top(struct tui *t)
{
	return t->depth ? t->stack[t->depth - 1] : NULL;
}

static void tui_message(struct tui *t, const char *fmt, const char *arg)
{
	free(t->message);
	char *raw = xasprintf(fmt, arg);
	t->message = escape_str(raw);
	free(raw);
}

/* --- requests ----------------------------------------------------------------------------------- */

static void tui_req_done(struct loop *l, struct cmd_ctx *ctx, void *ud)
{
	struct tui_req *r = ud;
	struct tui *t = r->t;
	(void)l;
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

static void tui_submit(struct tui *t, struct view *v, int argc, char *const *argv,
		       void (*done)(struct view *, struct cmd_ctx *, void *), void *ud)
{
	struct tui_req *r = xcalloc(1, sizeof(*r));
	*r = (struct tui_req){ .t = t, .v = v, .done = done, .ud = ud };
	if (v)
		v->inflight++;
	/* A usage error still goes through the loop, so it is answered like any result. */
	if (cmd_prepare(&r->ctx, t->s, argc, argv) == CMD_OK && (r->ctx.entry->flags & CMD_DESTRUCTIVE) &&
	    !cmd_has(&r->ctx, "yes") && !t->s->read_only) {
		const char *target = r->ctx.args.npos ? r->ctx.args.pos[0] : r->ctx.entry->name;
		char *q =
			xasprintf("`%s %s` cannot be undone. Type %s to confirm: ", r->ctx.entry->name, target, target);
		char *eq = escape_str(q);
		prompt_open(eq, tui_confirmed, r);
		free(eq);
		free(q);
		return;
	}
	loop_run_command(t->loop, &r->ctx, tui_req_done, r);
}

bool tui_request(struct tui *t, struct view *v, const char *line,
		 void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud)
{
	struct parse_list pl = { 0 };
	char *cause = NULL;
	if (parse_commands(line, &pl, &cause) < 0 || pl.n == 0) {
		tui_message(t, "%s", cause ? cause : "no command");
		free(cause);
		parse_list_clear(&pl);
		return false;
	}
	tui_submit(t, v, pl.cmds[0].argc, pl.cmds[0].argv, done, ud);
	parse_list_clear(&pl);
	return true;
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

/* The views `:NAME` opens; a title with %s takes an argument (the group, the topic). */
static const struct tui_view {
	const char *name;
	const struct view_ops *ops;
	const char *title;
	const char *help;
} tui_views[] = {
	{ "topics", &view_topics_ops, "topics", "topics with partition health (the first view)" },
	{ "groups", &view_groups_ops, "groups", "consumer groups: state, members, total lag" },
	{ "lag", &view_lag_ops, "lag", "all groups by total lag, largest first" },
	{ "brokers", &view_brokers_ops, "brokers", "the brokers" },
	{ "cluster", &view_cluster_ops, "cluster", "counts and health of the cluster" },
	{ "group", &view_group_ops, "group %s", NULL },
	{ "partitions", &view_partitions_ops, "topic %s", NULL },
	{ 0 },
};

bool tui_open_view(struct tui *t, const char *name, const char *arg)
{
	const struct tui_view *tv = tui_views;
	while (tv->name && strcmp(tv->name, name) != 0)
		tv++;
	bool takes_arg = tv->name && strstr(tv->title, "%s");
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
	char *title = takes_arg ? xasprintf(tv->title, esc) : xstrdup(tv->title);
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
	char *line = ctx->entry ? NULL : xstrdup("command");
	if (ctx->entry) {
		/* The title: the command as it ran, from its parsed words. */
		struct sbuf sb = SBUF_INIT;
		sbuf_add(&sb, ctx->entry->name);
		for (int i = 0; i < ctx->args.npos; i++) {
			char *q = parse_quote(ctx->args.pos[i]);
			sbuf_addf(&sb, " %s", q);
			free(q);
		}
		line = sbuf_release(&sb);
	}
	struct view_text_arg a = {
		.entry = ctx->entry,
		.command = ctx->entry ? ctx->entry->name : "kcon",
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
	if (pl.n) /* before submitting: errors are answered at once, and clear it */
		tui_message(t, "running %s", line);
	for (size_t i = 0; i < pl.n; i++)
		tui_submit(t, NULL, pl.cmds[i].argc, pl.cmds[i].argv, tui_show_result, t);
	parse_list_clear(&pl);
}

static void tui_cluster_done(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct tui *t = ud;
	(void)v;
	t->cluster_busy = false;
	t->cluster_status = ctx->status;
	if (ctx->status == CMD_OK) {
		free(t->cluster_id);
		t->cluster_id = xstrdup(json_string_value(json_object_get(ctx->result, "cluster_id")));
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
	t->sample_status = ctx->status;
	free(t->sample_error);
	t->sample_error = ctx->status == CMD_OK ? NULL : xstrdup(ctx->error ? ctx->error : "failed");
}

/* Records a sample into the history store (the worker runs it after the requests queued before). */
static void tui_on_sample(struct loop *l, void *ud)
{
	struct tui *t = ud;
	if (!t->sample_busy)
		t->sample_busy = tui_request(t, NULL, "history tick", tui_sample_done, t);
	loop_timer_add(l, TUI_SAMPLE_MS, tui_on_sample, t);
}

static void tui_on_refresh(struct loop *l, void *ud)
{
	struct tui *t = ud;
	tui_refresh(t);
	loop_timer_add(l, TUI_REFRESH_MS, tui_on_refresh, t);
}

static void tui_on_tick(struct loop *l, void *ud)
{
	tui_draw(ud); /* the data age in the status bar */
	loop_timer_add(l, 1000, tui_on_tick, ud);
}

/* --- drawing ------------------------------------------------------------------------------------ */

static void tui_bar(int y, int w, int element)
{
	attrset(look_attr(element));
	mvhline(y, 0, ' ', w);
}

static void tui_draw_title(struct tui *t)
{
	const char *sep = t->utf8 ? " \xe2\x94\x82 " : " | "; /* │ */
	const char *bootstrap = t->where;
	const char *state = t->cluster_status < 0         ? (t->utf8 ? "connecting\xe2\x80\xa6" : "connecting...")
			    : t->cluster_status == CMD_OK ? "connected"
			    : t->cluster_status == CMD_UNREACHABLE ? "unreachable"
								   : "error";
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, " kcon");
	sbuf_add(&sb, sep);
	if (t->cluster_id) {
		escape_append(&sb, t->cluster_id, strlen(t->cluster_id));
		sbuf_add(&sb, sep);
	}
	escape_append(&sb, bootstrap, strlen(bootstrap));
	sbuf_add(&sb, sep);
	sbuf_add(&sb, state);
	if (t->sample_status == CMD_OK) {
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

static void tui_age(struct sbuf *sb, int64_t ms)
{
	long s = (long)((clock_mono_ms() - ms) / 1000);
	if (s < 60)
		sbuf_addf(sb, "updated %lds ago", s);
	else
		sbuf_addf(sb, "updated %ldm ago", s / 60);
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
	if (v->error) {
		sbuf_add(&right, "error: ");
		sbuf_add(&right, v->error); /* the whole right side is escaped below */
	} else if (v->loaded_ms) {
		tui_age(&right, v->loaded_ms);
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
		if (v->error)
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
		char *h = xasprintf("hint: %s", hint);
		view_put(y, 0, t->w, h, t->utf8);
		free(h);
	} else if (v->ops->flags & VIEW_TEXT) {
		view_put(y, 0, t->w, "Esc back  j/k scroll  / filter  : command  ? help  q quit", t->utf8);
	} else {
		char *keys = xasprintf("%s%s%s%s%s/ filter  s sort  : command  ? help  q quit",
				       v->ops->enter_help ? "Enter " : "", v->ops->enter_help ? v->ops->enter_help : "",
				       v->ops->enter_help ? "  " : "", v->ops->keys_help ? v->ops->keys_help : "",
				       v->ops->keys_help ? "  " : "");
		view_put(y, 0, t->w, keys, t->utf8);
		free(keys);
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
		return;
	}
	tui_draw_title(t);
	view_draw(v, 1, t->h - 3, t->w, t->utf8);
	tui_draw_status(t, v, t->h - 2);
	tui_draw_bottom(t, v, t->h - 1);
	curs_set(prompt_active() || t->filtering ? 1 : 0);
	refresh();
}

/* --- keys ---------------------------------------------------------------------------------------- */

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
	if (strcmp(argv[0], "tail") == 0 && argc <= 3 && argv[1][0] != '-' &&
	    (argc == 2 || strncmp(argv[2], "--", 2) != 0)) {
		struct view_tail_arg a = { argv[1], argc == 3 ? argv[2] : NULL };
		char *esc = escape_str(a.topic);
		char *title = xasprintf("tail %s", esc);
		tui_push(t, view_new(&view_tail_ops, t, title, &a));
		free(title);
		free(esc);
		return true;
	}
	bool group = strcmp(argv[0], "group") == 0, topic = strcmp(argv[0], "topic") == 0;
	if (argc != 2 || !(group || topic) || argv[1][0] == '-')
		return false;
	int consumed = 0;
	char *cause = NULL;
	const struct cmd_entry *e = cmd_find(argc, argv, &consumed, &cause);
	free(cause);
	return e == NULL && tui_open_view(t, group ? "group" : "partitions", argv[1]);
}

static void tui_prompt_done(void *ud, const char *line)
{
	struct tui *t = ud;
	if (line == NULL || line[strspn(line, " \t")] == '\0')
		return;
	prompt_remember(line);
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

enum tui_action {
	TA_MOVE,
	TA_QUIT,
	TA_BACK,
	TA_FILTER,
	TA_PROMPT,
	TA_REFRESH,
	TA_REDRAW,
	TA_SORT,
	TA_SORT_REV,
	TA_HELP
};

/* The keys the TUI itself takes; `?` lists them (the movement keys are the view core's). */
static const struct tui_binding {
	int keys[4]; /* 0-terminated */
	const char *label, *help;
	enum tui_action act;
} tui_bindings[] = {
	{ { 0 }, "j k Down Up", "move the selection", TA_MOVE },
	{ { 0 }, "PgDn PgUp Space ^F ^B", "a page down or up", TA_MOVE },
	{ { 0 }, "g G Home End", "the first or the last row", TA_MOVE },
	{ { '/' }, "/", "filter the rows by their first column (Enter keeps it, Esc clears it)", TA_FILTER },
	{ { 's' }, "s", "sort by the next column (numbers as numbers; after the last: unsorted)", TA_SORT },
	{ { 'S' }, "S", "reverse the sort", TA_SORT_REV },
	{ { 'r' }, "r", "refresh now (views refresh every 5 s)", TA_REFRESH },
	{ { ':' },
	  ":",
	  "command prompt: any kcon command, or a view: :topics :groups :lag :brokers :cluster",
	  TA_PROMPT },
	{ { '?' }, "?", "this help", TA_HELP },
	{ { 27 }, "Esc", "clear the filter, or go back to the previous view", TA_BACK },
	{ { 'q' }, "q ^C", "quit", TA_QUIT },
	{ { 12 }, "^L", "redraw the screen", TA_REDRAW },
};

/* `?`: the key bindings, the views and what Enter does here, in a text pane. */
static void tui_help(struct tui *t, struct view *v)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "KEYS\n");
	for (size_t i = 0; i < sizeof(tui_bindings) / sizeof(tui_bindings[0]); i++)
		sbuf_addf(&sb, "  %-22s %s\n", tui_bindings[i].label, tui_bindings[i].help);
	if (v->ops->enter_help)
		sbuf_addf(&sb, "  %-22s %s (in the %s view)\n", "Enter", v->ops->enter_help, v->ops->name);
	if (v->ops->keys_help)
		sbuf_addf(&sb, "  %-22s %s (in the %s view)\n", "", v->ops->keys_help, v->ops->name);
	sbuf_add(&sb, "\nVIEWS (type :NAME)\n");
	for (const struct tui_view *tv = tui_views; tv->name; tv++)
		if (tv->help)
			sbuf_addf(&sb, "  %-22s %s\n", tv->name, tv->help);
	sbuf_addf(&sb, "  %-22s %s\n", "tail TOPIC [FROM]",
		  "live messages (FROM as tail --from; default the last 20 of each partition)");
	sbuf_add(&sb, "  Enter on a group opens its per-partition lag; on a topic, its partitions.\n");
	struct view_text_arg a = {
		.command = "help",
		.result = json_pack("{s:s}", "markdown", sbuf_str(&sb)),
		.status = CMD_OK,
	};
	tui_push(t, view_new(&view_text_ops, t, "help", &a));
	sbuf_free(&sb);
}

static enum tui_action tui_action_of(int ch)
{
	for (size_t i = 0; i < sizeof(tui_bindings) / sizeof(tui_bindings[0]); i++)
		for (int k = 0; k < 4 && tui_bindings[i].keys[k]; k++)
			if (tui_bindings[i].keys[k] == ch)
				return tui_bindings[i].act;
	return TA_MOVE; /* not the TUI's: the view core's or the view's */
}

static void tui_key(struct tui *t, int ch)
{
	struct view *v = tui_top(t);
	if (ch == KEY_RESIZE || v == NULL)
		return;
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
	int body = t->h - 3 - !(v->ops->flags & VIEW_TEXT);
	unsigned what = 0;
	switch (tui_action_of(ch)) {
	case TA_QUIT:
		what = VIEW_QUIT;
		break;
	case TA_BACK:
		if (v->filter[0]) {
			v->filter[0] = '\0';
			view_refilter(v);
		} else {
			what = VIEW_CLOSE;
		}
		break;
	case TA_FILTER:
		t->filtering = true;
		break;
	case TA_PROMPT:
		prompt_open(":", tui_prompt_done, t);
		break;
	case TA_REFRESH:
		tui_refresh(t);
		break;
	case TA_REDRAW:
		clearok(curscr, TRUE);
		break;
	case TA_SORT:
	case TA_SORT_REV:
		view_sort_key(v, ch == 'S');
		break;
	case TA_HELP:
		tui_help(t, v);
		break;
	case TA_MOVE:
		if (!view_move_key(v, ch, body) && v->ops->key)
			what = v->ops->key(v, ch, view_selected(v));
	}
	if (what & VIEW_RELOAD && v->ops->reload)
		v->ops->reload(v);
	if (what & VIEW_CLOSE)
		tui_pop(t);
	if (what & VIEW_QUIT) {
		t->quitting = true;
		loop_stop(t->loop);
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
	while (!t->quitting && (ch = getch()) != ERR)
		tui_key(t, ch);
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

static void tui_on_signal(struct loop *l, int signo, void *ud)
{
	struct tui *t = ud;
	if (signo == SIGWINCH) {
		tui_resize(t);
		tui_draw(t);
	} else if (signo == SIGINT && prompt_active()) {
		prompt_cancel(); /* Ctrl-C at the prompt only leaves the prompt */
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
	return NULL;
}

/* --- start and stop ------------------------------------------------------------------------------ */

static void tui_restore_fatal(int signo)
{
	if (tui_termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &tui_termios);
	if (tui_curses_on && write(STDOUT_FILENO, tui_reset, strlen(tui_reset)) < 0) {
		/* nothing more can be done */
	}
	signal(signo, SIG_DFL);
	raise(signo);
}

static void tui_atexit(void)
{
	if (tui_curses_on) {
		endwin();
		tui_curses_on = false;
	}
}

/* Saves what restores the terminal when kcon dies of a signal curses cannot clean up after. */
static void tui_catch_fatal(void)
{
	const char *caps[] = { "rmcup", "cnorm", "sgr0" };
	tui_reset[0] = '\0';
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *s = tigetstr(caps[i]);
		if (s && s != (char *)-1 && strlen(tui_reset) + strlen(s) < sizeof(tui_reset))
			strcat(tui_reset, s);
	}
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		struct sigaction sa = { .sa_handler = tui_restore_fatal, .sa_flags = SA_RESETHAND };
		sigemptyset(&sa.sa_mask);
		sigaction(fatal[i], &sa, NULL);
	}
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

#ifndef KCON_SOURCE_THEMES
#define KCON_SOURCE_THEMES NULL
#endif

/*
 * Loads the theme called name (NULL: "default", and no theme at all when it is not installed).
 * Returns -1 when a named theme cannot be found or read; bad lines go to *msg.
 */
static int tui_theme(const char *name, struct theme *th, bool *have, char **msg)
{
	char *cause = NULL, *errors = NULL;
	theme_init(th);
	*have = false;
	char *path = theme_find(name ? name : "default", KCON_SOURCE_THEMES, &cause);
	if (path == NULL) {
		if (name)
			fprintf(stderr,
				"kcon: error: %s\n  hint: kcon comes with the themes default, light, high-contrast "
				"and mono; a name with a / is a file; see docs/tui.md\n",
				cause);
		free(cause);
		return name ? -1 : 0;
	}
	int bad = theme_load(th, path, &errors);
	free(path);
	if (bad < 0) {
		fprintf(stderr, "kcon: error: cannot read the theme: %s\n", errors);
		free(errors);
		return -1;
	}
	*have = true;
	if (bad > 0) {
		size_t first = strcspn(errors, "\n");
		errors[first] = '\0';
		*msg = bad > 1 ? xasprintf("theme: %s (and %d more bad lines)", errors, bad - 1)
			       : xasprintf("theme: %s", errors);
	}
	free(errors);
	return 0;
}

int tui_run(struct session *s, const char *theme)
{
	setlocale(LC_ALL, "");
	if (tui_check_term() < 0)
		return CMD_USAGE;
	struct theme th;
	bool have_theme;
	char *theme_msg = NULL;
	if (tui_theme(theme, &th, &have_theme, &theme_msg) < 0)
		return CMD_USAGE;
	struct tui t = { .s = s, .cluster_status = -1, .sample_status = -1 };
	t.where = xstrdup(s->demo ? "demo" : s->conf.bootstrap ? s->conf.bootstrap : "no bootstrap");
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	char *cause = NULL;
	t.loop = loop_new(&cause);
	if (t.loop == NULL) {
		fprintf(stderr, "kcon: %s\n", cause);
		free(cause);
		free(t.where);
		free(theme_msg);
		return CMD_FAILED;
	}
	if (tcgetattr(STDIN_FILENO, &tui_termios) == 0)
		tui_termios_saved = true;
	/* Ask terminfo first: newterm() leaks when it fails. */
	int terr = 0;
	SCREEN *scr = NULL;
	if (setupterm(NULL, STDOUT_FILENO, &terr) == OK) {
		del_curterm(cur_term);
		scr = newterm(NULL, stdout, stdin);
	}
	if (scr == NULL) {
		fprintf(stderr,
			"kcon: the terminal type `%s` is unknown here: set TERM to one this system knows "
			"(e.g. export TERM=xterm-256color), or use `kcon --repl`\n",
			getenv("TERM"));
		loop_free(&t.loop);
		free(t.where);
		free(theme_msg);
		return CMD_USAGE;
	}
	tui_curses_on = true;
	atexit(tui_atexit);
	tui_catch_fatal();
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	getmaxyx(stdscr, t.h, t.w);
	look_start(have_theme ? &th : NULL);
	bkgdset(' ' | look_attr(THEME_NORMAL));
	if (theme_msg) { /* the bad lines of the theme, until the first key */
		t.message = escape_str(theme_msg);
		free(theme_msg);
	}

	/* The confirmation of destructive commands happens at the TUI's prompt, before the worker. */
	bool (*confirm)(void *, const char *, const char *) = s->confirm;
	s->confirm = NULL;
	uicmd_register();
	view_tail_register();
	prompt_setup();
	complete_attach(tui_names, &t);

	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, 0 };
	loop_signals(t.loop, sigs, tui_on_signal, &t); /* after curses, so ours replace its handlers */
	loop_fd_add(t.loop, STDIN_FILENO, POLLIN, tui_on_input, &t);
	tui_push(&t, view_new(&view_topics_ops, &t, "topics", NULL));
	tui_refresh(&t);
	loop_timer_add(t.loop, TUI_REFRESH_MS, tui_on_refresh, &t);
	loop_timer_add(t.loop, 1000, tui_on_tick, &t);
	if (!s->no_history)
		tui_on_sample(t.loop, &t);
	tui_draw(&t);
	loop_run(t.loop);

	/* The terminal first: the worker may still be waiting on the cluster. */
	t.quitting = true;
	prompt_teardown();
	endwin();
	tui_curses_on = false;
	delscreen(scr);
	loop_free(&t.loop);
	while (t.depth)
		view_close(t.stack[--t.depth]);
	view_tail_reap();
	free(t.cluster_id);
	free(t.sample_error);
	free(t.message);
	free(t.where);
	s->confirm = confirm;
	return CMD_OK;
}
