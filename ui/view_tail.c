/*
 * The live tail view (`:tail TOPIC [FROM]`): the consumer is opened on the command worker (the
 * `live-tail` command, registered by the TUI only, which hands the tail over through a slot), then
 * read on the loop thread through tail.h's pull API when its fd is readable. It keeps the last
 * TAILV_MAX_ROWS messages, asks for a frame at most every TAILV_FRAME_MS, and shows msg/s.
 */
#include <curses.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "escape.h"
#include "loop.h"
#include "parse.h"
#include "session.h"
#include "tail.h"
#include "view.h"
#include "xalloc.h"

#define TAILV_MAX_ROWS  2000
#define TAILV_BATCH     500        /* messages read per wake-up, so keys stay responsive */
#define TAILV_MAX_BYTES (8u << 20) /* the consumer's prefetch */
#define TAILV_PREVIEW   300        /* bytes of a value shown */
#define TAILV_SLOTS     8

/* --- opening on the worker ------------------------------------------------------------------------ */

static pthread_mutex_t tailv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned id;
	struct tail *tail;
} tailv_slots[TAILV_SLOTS];
static unsigned tailv_ids;

static int tailv_fail(struct cmd_ctx *ctx, struct err *e)
{
	cmd_fail(ctx, e->status, e->hint, "%s", e->cause);
	err_clear(e);
	return ctx->status;
}

static int tailv_exec(struct cmd_ctx *ctx)
{
	struct tail_opts o = { .topic = ctx->args.pos[0], .follow = true, .max_bytes = TAILV_MAX_BYTES };
	const char *from = cmd_has(ctx, "from") ? cmd_arg(ctx, "from") : "-20";
	char *cause = NULL;
	if (tail_parse_from(from, clock_wall_ms(), &o.from, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "FROM is end, beginning, an offset, -N (the last N), or @TIME", "%s", cause);
		free(cause);
		return ctx->status;
	}
	struct err e = { 0 };
	struct client *c;
	struct tail *t = NULL;
	if (session_client(ctx->session, &c, &e) == CMD_OK)
		t = tail_open(c, &ctx->session->conf, false, NULL, &o, &e);
	if (t == NULL)
		return tailv_fail(ctx, &e);
	unsigned id = 0;
	pthread_mutex_lock(&tailv_lock);
	for (int i = 0; i < TAILV_SLOTS && id == 0; i++)
		if (tailv_slots[i].tail == NULL) {
			tailv_slots[i].id = id = ++tailv_ids;
			tailv_slots[i].tail = t;
		}
	pthread_mutex_unlock(&tailv_lock);
	if (id == 0) {
		tail_close(&t);
		return cmd_fail(ctx, CMD_FAILED, "close a tail view first", "too many tails opening at once");
	}
	return cmd_ok(ctx, json_pack("{s:I}", "handle", (json_int_t)id));
}

static struct tail *tailv_take(unsigned id)
{
	struct tail *t = NULL;
	pthread_mutex_lock(&tailv_lock);
	for (int i = 0; i < TAILV_SLOTS; i++)
		if (tailv_slots[i].tail && tailv_slots[i].id == id) {
			t = tailv_slots[i].tail;
			tailv_slots[i].tail = NULL;
		}
	pthread_mutex_unlock(&tailv_lock);
	return t;
}

static const struct cmd_pos tailv_args[] = { { "topic", CMD_ARG_TOPIC, 0 }, { 0 } };
static const struct cmd_opt tailv_opts[] = {
	{ "from", 0, CMD_ARG_STRING, 0, "where to start (as `tail --from`); default -20" },
	{ 0 },
};

static const struct cmd_entry tailv_table[] = {
	{
		.name = "live-tail",
		.group = "kcon",
		.args = tailv_args,
		.opts = tailv_opts,
		.help = "opens the TUI's live tail view's consumer (the TUI runs it for `:tail TOPIC [FROM]`)",
		.doc = "JSON: {handle}. FROM as in `tail --from`; default -20 (the last 20 of each partition).",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.exec = tailv_exec,
	},
	{ 0 },
};

void view_tail_register(void)
{
	static bool done;
	if (!done)
		cmd_register(tailv_table);
	done = true;
}

void view_tail_reap(void)
{
	for (int i = 0; i < TAILV_SLOTS; i++)
		if (tailv_slots[i].tail) /* opened for a view closed meanwhile */
			tail_close(&tailv_slots[i].tail);
}

/* --- the view ------------------------------------------------------------------------------------- */

enum { TV_POS, TV_TIME, TV_KEY, TV_VALUE, TV_NCOLS };

static const struct view_col tailv_cols[] = {
	{ "PART:OFFSET", VIEW_COL_RIGHT }, { "TIME", 0 }, { "KEY", 0 }, { "VALUE", VIEW_COL_FILL }, { 0 },
};

struct tailv {
	char *topic, *from;
	struct tail *tail;
	int fd;
	bool paused, ended;
	char *(*rows)[TV_NCOLS];
	int nrows;
	int64_t shown, window_start_ms, window_count;
	double rate;
	unsigned tick;
};

static void tailv_title(struct view *v)
{
	struct tailv *tv = v->priv;
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "tail ");
	escape_append(&sb, tv->topic, strlen(tv->topic));
	sbuf_addf(&sb, " %.0f msg/s %lld seen", tv->rate, (long long)tv->shown);
	if (tv->paused)
		sbuf_add(&sb, " PAUSED");
	if (tv->ended)
		sbuf_add(&sb, " ended");
	free(v->title);
	v->title = sbuf_release(&sb);
}

static char *tailv_preview(const void *buf, size_t len, size_t max, const char *none)
{
	if (buf == NULL)
		return xstrdup(none);
	struct sbuf sb = SBUF_INIT;
	escape_append(&sb, buf, len < max ? len : max);
	if (len > max)
		sbuf_add(&sb, "...");
	return sbuf_release(&sb);
}

static void tailv_add(struct tailv *tv, const struct msg *m)
{
	if (tv->nrows == TAILV_MAX_ROWS) { /* drop the oldest tenth at once */
		int drop = TAILV_MAX_ROWS / 10;
		for (int i = 0; i < drop; i++)
			for (int c = 0; c < TV_NCOLS; c++)
				free(tv->rows[i][c]);
		memmove(tv->rows, tv->rows + drop, (size_t)(tv->nrows - drop) * sizeof(tv->rows[0]));
		tv->nrows -= drop;
	}
	if (tv->rows == NULL)
		tv->rows = xcalloc(TAILV_MAX_ROWS, sizeof(tv->rows[0]));
	char iso[40] = "-";
	if (m->timestamp >= 0)
		clock_iso(iso, m->timestamp);
	char **r = tv->rows[tv->nrows++];
	r[TV_POS] = xasprintf("%d:%lld", (int)m->partition, (long long)m->offset);
	r[TV_TIME] = xstrdup(strlen(iso) >= 23 ? iso + 11 : iso); /* hh:mm:ss.mmm */
	if (strlen(r[TV_TIME]) > 12)
		r[TV_TIME][12] = '\0';
	r[TV_KEY] = tailv_preview(m->key, m->key_len, 40, "-");
	r[TV_VALUE] = tailv_preview(m->value, m->value_len, TAILV_PREVIEW, "(tombstone)");
}

static void tailv_watch(struct view *v, bool on);

/* The tail's fd is readable: take what is waiting (a bounded batch), then ask for a frame. */
static void tailv_read(struct view *v)
{
	struct tailv *tv = v->priv;
	bool at_end = v->nmap == 0 || v->sel == v->nmap - 1;
	int n = 0, got = 0;
	struct err e = { 0 };
	for (;;) {
		struct msg m;
		const char *note = NULL;
		/* With a wait of 0 the tail leaves its wake-up pipe full; the last call drains it. */
		enum tail_event ev = tail_next(tv->tail, n < TAILV_BATCH ? 0 : 1, &m, &note, &e);
		if (ev == TAIL_IDLE && n < TAILV_BATCH) {
			n = TAILV_BATCH;
			continue;
		}
		if (ev == TAIL_MSG) {
			tailv_add(tv, &m);
			tv->shown++;
			tv->window_count++;
			got++;
			if (++n < 2 * TAILV_BATCH)
				continue;
			break;
		}
		if (ev == TAIL_NOTE) {
			view_loaded(v, note, "the tail goes on once the broker is back");
			continue;
		}
		if (ev == TAIL_END || ev == TAIL_FAILED) {
			tv->ended = true;
			if (ev == TAIL_FAILED)
				view_loaded(v, e.cause, e.hint);
			err_clear(&e);
			tailv_watch(v, false);
			tailv_title(v);
		}
		break;
	}
	if (got) {
		tailv_title(v);
		view_loaded(v, NULL, NULL);
		view_refilter(v);
		if (at_end && v->nmap)
			view_move_key(v, 'G', 1); /* following the newest */
	}
	tui_schedule_draw(v->tui);
}

static void tailv_on_fd(struct loop *l, int fd, short revents, void *ud)
{
	(void)l, (void)fd, (void)revents;
	tailv_read(ud);
}

static void tailv_watch(struct view *v, bool on)
{
	struct tailv *tv = v->priv;
	struct loop *l = tui_loop(v->tui); /* NULL once the TUI is ending */
	if (tv->fd < 0 || l == NULL)
		return;
	if (on)
		loop_fd_add(l, tv->fd, POLLIN, tailv_on_fd, v);
	else
		loop_fd_remove(l, tv->fd);
}

/* Every second: the rate, and a read in case a wake-up was missed. */
static void tailv_on_tick(struct loop *l, void *ud)
{
	struct view *v = ud;
	struct tailv *tv = v->priv;
	int64_t now = clock_mono_ms();
	if (now > tv->window_start_ms)
		tv->rate = (double)tv->window_count * 1000.0 / (double)(now - tv->window_start_ms);
	tv->window_start_ms = now;
	tv->window_count = 0;
	if (tv->tail && !tv->paused && !tv->ended)
		tailv_read(v);
	tailv_title(v);
	tui_schedule_draw(v->tui);
	tv->tick = loop_timer_add(l, 1000, tailv_on_tick, v);
}

static void tailv_opened(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct tailv *tv = v->priv;
	(void)ud;
	if (ctx->status != CMD_OK) {
		view_loaded(v, ctx->error, ctx->hint);
		tv->ended = true;
		tailv_title(v);
		return;
	}
	tv->tail = tailv_take((unsigned)json_integer_value(json_object_get(ctx->result, "handle")));
	if (tv->tail == NULL)
		return;
	tv->fd = tail_fd(tv->tail);
	view_loaded(v, NULL, NULL);
	tv->window_start_ms = clock_mono_ms();
	tv->tick = loop_timer_add(tui_loop(v->tui), 1000, tailv_on_tick, v);
	tailv_watch(v, true);
	tailv_read(v);
}

static void tailv_open(struct view *v, void *arg)
{
	const struct view_tail_arg *a = arg;
	struct tailv *tv = xcalloc(1, sizeof(*tv));
	tv->topic = xstrdup(a->topic);
	tv->from = a->from ? xstrdup(a->from) : NULL;
	tv->fd = -1;
	v->priv = tv;
	tailv_title(v);
	char *qt = parse_quote(tv->topic), *qf = tv->from ? parse_quote(tv->from) : NULL;
	char *line = xasprintf("live-tail %s%s%s", qt, qf ? " --from " : "", qf ? qf : "");
	tui_request(v->tui, v, line, tailv_opened, NULL);
	free(line);
	free(qt);
	free(qf);
}

static void tailv_close(struct view *v)
{
	struct tailv *tv = v->priv;
	tailv_watch(v, false);
	if (tv->tick && tui_loop(v->tui))
		loop_timer_cancel(tui_loop(v->tui), tv->tick);
	if (tv->tail)
		tail_close(&tv->tail); /* bounded: tail.h abandons a hanging consumer after a few seconds */
	for (int i = 0; i < tv->nrows; i++)
		for (int c = 0; c < TV_NCOLS; c++)
			free(tv->rows[i][c]);
	free(tv->rows);
	free(tv->topic);
	free(tv->from);
	free(tv);
}

static int tailv_rows(struct view *v)
{
	return ((struct tailv *)v->priv)->nrows;
}

static void tailv_cell(struct view *v, int row, int col, struct sbuf *out)
{
	sbuf_add(out, ((struct tailv *)v->priv)->rows[row][col]);
}

static unsigned tailv_key(struct view *v, int key, int row)
{
	struct tailv *tv = v->priv;
	(void)row;
	if (key == 'p') {
		tv->paused = !tv->paused;
		if (tv->tail && !tv->ended) {
			tailv_watch(v, !tv->paused); /* paused: the consumer's bounded prefetch holds what comes */
			if (!tv->paused)
				tailv_read(v);
		}
		tailv_title(v);
		return VIEW_REDRAW;
	}
	if (key == 'c') {
		for (int i = 0; i < tv->nrows; i++)
			for (int c = 0; c < TV_NCOLS; c++)
				free(tv->rows[i][c]);
		tv->nrows = 0;
		view_refilter(v);
		return VIEW_REDRAW;
	}
	return 0;
}

const struct view_ops view_tail_ops = {
	.name = "tail",
	.cols = tailv_cols,
	.open = tailv_open,
	.close = tailv_close,
	.rows = tailv_rows,
	.cell = tailv_cell,
	.key = tailv_key,
	.keys_help = "p pause/resume  c clear",
};
