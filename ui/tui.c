/*
 * The full-screen TUI: curses on the event loop (stdin, SIGWINCH, SIGINT, SIGTERM, SIGTSTP, timers). It
 * never blocks on Kafka: views get their data by running commands on the command worker and
 * drawing the JSON when it arrives. Layout, top to bottom: the title bar (cluster and connection
 * state), the view (column header and rows), the status bar (view, rows, filter, data age or the
 * last error) and the message line (the `:` prompt, the `/` filter, hints, key help).
 *
 * This file starts and stops it, holds the view stack and the host API views call (tuihost.h), and
 * keeps the title bar's state fresh (`cluster`, `history tick`). Its seams are files of their own:
 * tuireq.c (requests to the worker), tuidraw.c (drawing), tuikeys.c (keys, bindings, the actions),
 * tuiviews.c (opening views by name), tuitheme.c (themes and the kconrc), tuiterm.c (the terminal
 * and signals), tuiask.c (confirmations a running command asks for).
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "complete.h"
#include "faces.h"
#include "escape.h"
#include "keys.h"
#include "look.h"
#include "loop.h"
#include "prompt.h"
#include "tuistate.h"
#include "uicmd.h"
#include "xalloc.h"

struct loop *tui_loop(struct tui *t)
{
	return t->loop;
}

static void tui_on_frame(struct loop *l, void *ud)
{
	struct tui *t = ud;
	(void)l;
	t->frame_pending = false;
	tuidraw_frame(t);
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

struct session *tui_session(struct tui *t)
{
	return t->s;
}

bool tui_history(const struct tui *t)
{
	return !t->s->no_history && !t->s->demo;
}

bool tui_stored(const struct tui *t)
{
	return tui_history(t) && !t->store_none;
}

/* The wall time a stale answer's snapshot was seen at (its "stale" member), or 0 for a live answer. */
int64_t tui_stale_ms(json_t *result)
{
	json_t *st = json_object_get(result, "stale");
	return json_is_object(st) ? clock_wall_ms() - json_integer_value(json_object_get(st, "age_s")) * 1000 : 0;
}

struct view *tui_top(struct tui *t)
{
	return t->depth ? t->stack[t->depth - 1] : NULL;
}

void tui_message(struct tui *t, const char *fmt, const char *arg)
{
	free(t->message);
	char *raw = x_asprintf(fmt, arg);
	t->message = escape_str(raw);
	free(raw);
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

void tui_pop(struct tui *t)
{
	if (t->depth > 1)
		view_close(t->stack[--t->depth]);
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
	const char *where = json_string_value(json_object_get(ctx->result, "bootstrap"));
	if (where && !t->s->demo && strcmp(where, t->where) != 0) {
		free(t->where);
		t->where = x_strdup(where);
	}
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

void tui_profile_switched(struct tui *t, json_t *result)
{
	const char *name = json_string_value(json_object_get(result, "profile"));
	const char *where = json_string_value(json_object_get(result, "bootstrap"));
	free(t->profile);
	t->profile = name ? x_strdup(name) : NULL;
	free(t->where);
	t->where = x_strdup(where ? where : "no bootstrap");
	x_free(&t->cluster_id); /* until the new cluster answers */
	t->cluster_status = -1;
	t->cluster_seen_ms = 0;
	view_log_add("connection", "profile %s: connecting to %s", name ? name : "-", t->where);
	tui_message(t, "profile %s", name ? name : "-");
	tui_refresh(t);
}

void tui_refresh(struct tui *t)
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
	t->store_none = false; /* the tick made the store, and stored the snapshot unless it failed */
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
	tuidraw_frame(ud); /* the data age in the status bar */
	loop_timer_add(l, 1000, tui_on_tick, ud);
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

/* After the TUI, late notes (librdkafka closing its connections) have no screen: they are dropped. */
static void tui_note_drop(void *ud, const char *text)
{
	(void)ud, (void)text;
}

int tui_run(struct session *s, const char *theme, int refresh_ms, bool mouse)
{
	setlocale(LC_ALL, "");
	if (tuiterm_check() < 0)
		return CMD_USAGE;
	struct theme th;
	char *theme_msg = NULL, *cause = NULL;
	int bad = tuitheme_load(theme ? theme : "default", &th, &cause, &theme_msg);
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
	t.profile = s->conf.profile ? x_strdup(s->conf.profile) : NULL;
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
	char *term_note = NULL;
	SCREEN *scr = tuiterm_start(mouse, &term_note);
	if (scr == NULL) {
		loop_free(&t.loop);
		free(t.where);
		free(t.theme_name);
		free(theme_msg);
		return CMD_USAGE;
	}
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

	/* A new store has nothing to read: the first view's answer is not queued behind making it.
	   Asked before the worker runs anything: the session's store is the worker's once it does. */
	t.store_none = tui_history(&t) && session_store_missing(s);

	/*
	 * Destructive commands are confirmed at the TUI's prompt before the worker runs them
	 * (tuireq.c); what the data call for is asked by the command while it runs, answered at the
	 * prompt too (tuiask.c). The terminal is the screen: no command reads it itself.
	 */
	bool (*confirm)(void *, const char *, const char *, const char *) = s->confirm;
	void *confirm_ud = s->confirm_ud;
	s->screen_owned = true;
	tuiask_start(&t);
	note_set(&s->note, view_log_note, NULL); /* notes on stderr would garble the screen: they go to the log */
	uicmd_register();
	prompt_setup();
	complete_attach(tui_names, &t);
	t.keys = keys_new();
	const struct uicmd_face face = { tuikeys_act, &t };
	uicmd_set_face(&face);
	tuikeys_bind_defaults(&t);
	tuitheme_rc(&t);
	view_log_add("connection", "kcon started on %s", t.where);

	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, 0 };
	loop_signals(t.loop, sigs, tuiterm_on_signal, &t); /* after curses, so ours replace its handlers */
	loop_fd_add(t.loop, STDIN_FILENO, POLLIN, tuikeys_on_input, &t);
	/* History ticks record the snapshots, not each view's answer (set before the worker runs any). */
	s->tick_records = !s->no_history && !s->offline;
	s->threads = true; /* `profile NAME` keeps what it replaces: an own-thread command may hold it */

	if (tui_stored(&t)) /* the title bar's cluster at once, from the stored snapshot */
		tui_request_stored(&t, NULL, "cluster --stored", tui_cluster_stored_done, &t);
	/* The prompt's lines from the store before the first view's load: the worker answers in order,
	   so when the first view says "updated", Up at the prompt recalls them (and a line typed at
	   once is not put before them). */
	if (tui_stored(&t))
		tuireq_recall(&t);
	tui_push(&t, view_new(views_all()->ops, &t, views_all()->title, NULL)); /* the first view */
	tui_refresh(&t);
	loop_timer_add(t.loop, t.refresh_ms, tui_on_refresh, &t);
	loop_timer_add(t.loop, 1000, tui_on_tick, &t);
	if (!s->no_history && !s->offline) /* --offline asks the cluster nothing */
		tui_on_sample(t.loop, &t);
	tuidraw_frame(&t);
	loop_run(t.loop);

	/* The terminal first: the worker may still be waiting on the cluster. */
	t.quitting = true;
	prompt_teardown();
	tuiterm_stop(scr);
	tuiask_close(&t);
	loop_free(&t.loop);
	tuiask_free(&t);
	while (t.depth)
		view_close(t.stack[--t.depth]);
	uicmd_set_face(NULL);
	keys_free(&t.keys);
	keys_free(&t.keys_default);
	/* before the log goes: librdkafka's threads may still note, and the terminal is the shell's again */
	note_set(&s->note, tui_note_drop, NULL);
	view_log_clear();
	free(t.cluster_id);
	free(t.sample_error);
	free(t.message);
	free(t.where);
	free(t.profile);
	free(t.theme_name);
	s->confirm = confirm;
	s->confirm_ud = confirm_ud;
	s->screen_owned = false;
	s->tick_records = false;
	return CMD_OK;
}
