/*
 * The live tail view (`:tail TOPIC [FROM] [--decode NAME]`). The consumer is opened on the command
 * worker (the `live-tail` command, registered by the TUI only, which hands the tail over through a
 * slot), read on the loop thread through tail.h's pull API when its fd is readable, and closed on
 * the worker again (`live-tail-close`), so leaving the view never waits on librdkafka.
 *
 * It keeps the last TAILV_MAX_ROWS messages (their bytes, at most TAILV_KEEP_BYTES in all) and
 * formats a row's cells only when the core asks for them: at high rates most messages leave the
 * buffer before any frame shows them, so every message is counted and the drawn ones are a sample.
 * Reading is bounded in time per wake-up, frames come at most every ~33 ms (tui_schedule_draw).
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
#include "plugin.h"
#include "session.h"
#include "tail.h"
#include "view.h"
#include "xalloc.h"

#define TAILV_MAX_ROWS   2000
#define TAILV_KEEP_BYTES (64u << 20) /* message bytes kept for scrolling back and the detail view */
#define TAILV_MAX_BYTES  (8u << 20)  /* the consumer's prefetch */
#define TAILV_READ_MS    8           /* reading per wake-up at most, so keys stay responsive */
#define TAILV_PREVIEW    300         /* bytes of a value shown */

/* --- handing consumers between the worker and the loop thread --------------------------------------- */

/*
 * A view asks for its consumer with an id of its own. The worker leaves the opened tail in a slot
 * under that id until the view takes it. A view closed before that abandons its id: an opened tail
 * goes to the closing list, and a slot without a tail tells the worker not to open (or to close what
 * it just opened). `live-tail-close` closes what is on the list, on the worker.
 */
static pthread_mutex_t tailv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tailv_slot {
	unsigned id;
	struct tail *tail; /* NULL: abandoned before it opened */
} * tailv_slots;
static int tailv_nslots;
static struct tail **tailv_closing;
static int tailv_nclosing;
static unsigned tailv_ids; /* loop thread only */

/* With the lock held: the slot of id, or -1. */
static int tailv_slot_find(unsigned id)
{
	for (int i = 0; i < tailv_nslots; i++)
		if (tailv_slots[i].id == id)
			return i;
	return -1;
}

/* With the lock held: removes slot i and returns its tail. */
static struct tail *tailv_slot_remove(int i)
{
	struct tail *t = tailv_slots[i].tail;
	tailv_slots[i] = tailv_slots[--tailv_nslots];
	return t;
}

static void tailv_slot_add(unsigned id, struct tail *t)
{
	tailv_slots = x_reallocarray(tailv_slots, (size_t)tailv_nslots + 1, sizeof(*tailv_slots));
	tailv_slots[tailv_nslots++] = (struct tailv_slot){ id, t };
}

/* With the lock held: takes over *tp for the next live-tail-close. */
static void tailv_to_close(struct tail **tp)
{
	tailv_closing = x_reallocarray(tailv_closing, (size_t)tailv_nclosing + 1, sizeof(*tailv_closing));
	tailv_closing[tailv_nclosing++] = *tp;
	*tp = NULL;
}

/* True (and the mark removed) when the view of id was closed meanwhile. */
static bool tailv_abandoned(unsigned id)
{
	pthread_mutex_lock(&tailv_lock);
	int i = tailv_slot_find(id);
	if (i >= 0)
		tailv_slot_remove(i);
	pthread_mutex_unlock(&tailv_lock);
	return i >= 0;
}

static int tailv_exec(struct cmd_ctx *ctx)
{
	struct tail_opts o = {
		.topic = ctx->args.pos[0], .follow = true, .max_bytes = TAILV_MAX_BYTES, .headers = true
	};
	const char *from = cmd_has(ctx, "from") ? cmd_arg(ctx, "from") : "-20";
	long long id;
	if (cmd_arg_int(ctx, "id", 0, 0, UINT32_MAX, &id))
		return ctx->status;
	if (id == 0)
		return cmd_fail(ctx, CMD_USAGE, "type `:tail TOPIC` to open a live tail view",
				"live-tail is the tail view's own (it needs the view's --id)");
	if (tailv_abandoned((unsigned)id))
		return cmd_fail(ctx, CMD_FAILED, NULL, "the tail view was closed before its consumer opened");
	char *cause = NULL;
	if (tail_parse_from(from, clock_wall_ms(), &o.from, &cause) < 0) {
		cmd_fail(ctx, CMD_USAGE, "FROM is end, beginning, an offset, -N (the last N), or @TIME", "%s", cause);
		free(cause);
		return ctx->status;
	}
	const char *decode = cmd_arg(ctx, "decode");
	char *why = NULL;
	if (decode && plugin_decoder_load(decode, &why) == NULL) {
		int st = cmd_fail(ctx, CMD_USAGE, "`plugins` lists the decoders and the plugins that failed to load",
				  "%s", why);
		free(why);
		return st;
	}
	struct err e = { 0 };
	struct client *c;
	struct tail *t = NULL;
	if (session_client(ctx->session, &c, &e) == CMD_OK)
		t = tail_open(c, &ctx->session->conf, false, NULL, &o, &e);
	if (t == NULL) {
		tailv_abandoned((unsigned)id);
		return cmd_fail_err(ctx, &e);
	}
	pthread_mutex_lock(&tailv_lock);
	int i = tailv_slot_find((unsigned)id);
	if (i >= 0) /* closed while it opened */
		tailv_slot_remove(i);
	else
		tailv_slot_add((unsigned)id, t);
	pthread_mutex_unlock(&tailv_lock);
	if (i >= 0) {
		tail_close(&t);
		return cmd_fail(ctx, CMD_FAILED, NULL, "the tail view was closed before its consumer opened");
	}
	json_t *r = json_pack("{s:I}", "handle", (json_int_t)id);
	if (decode)
		json_object_set_new(r, "decoder", json_string(decode));
	return cmd_ok(ctx, r);
}

static int tailv_close_exec(struct cmd_ctx *ctx)
{
	pthread_mutex_lock(&tailv_lock);
	struct tail **list = tailv_closing;
	int n = tailv_nclosing;
	tailv_closing = NULL;
	tailv_nclosing = 0;
	pthread_mutex_unlock(&tailv_lock);
	for (int i = 0; i < n; i++)
		tail_close(&list[i]); /* bounded: tail.h abandons a hanging consumer after a few seconds */
	free(list);
	return cmd_ok(ctx, json_pack("{s:i}", "closed", n));
}

static struct tail *tailv_take(unsigned id)
{
	struct tail *t = NULL;
	pthread_mutex_lock(&tailv_lock);
	int i = tailv_slot_find(id);
	if (i >= 0 && tailv_slots[i].tail)
		t = tailv_slot_remove(i);
	pthread_mutex_unlock(&tailv_lock);
	return t;
}

/* The view of id is closing: its consumer, opened or on its way, is to be closed on the worker. */
static void tailv_abandon(unsigned id, struct tail **tp)
{
	pthread_mutex_lock(&tailv_lock);
	if (*tp) {
		tailv_to_close(tp);
	} else {
		int i = tailv_slot_find(id);
		if (i >= 0 && tailv_slots[i].tail) {
			struct tail *t = tailv_slot_remove(i);
			tailv_to_close(&t);
		} else if (i < 0) {
			tailv_slot_add(id, NULL);
		}
	}
	pthread_mutex_unlock(&tailv_lock);
}

static const struct cmd_pos tailv_args[] = { { "topic", CMD_ARG_TOPIC, 0 }, { 0 } };
static const struct cmd_opt tailv_opts[] = {
	{ "from", 0, CMD_ARG_STRING, 0, "where to start (as `tail --from`); default -20" },
	{ "decode", 0, CMD_ARG_STRING, 0, "a plugin decoder for the values (as `tail --decode`)" },
	{ "id", 0, CMD_ARG_INT, 0, "the view's handle (the TUI's own)" },
	{ 0 },
};

static const struct cmd_entry tailv_table[] = {
	{
		.name = "live-tail",
		.group = "kcon",
		.args = tailv_args,
		.opts = tailv_opts,
		.help = "opens the TUI's live tail view's consumer (the TUI runs it for `:tail TOPIC [FROM]`)",
		.doc = "JSON: {handle, decoder?}. FROM as in `tail --from`; default -20 (the last 20 of each "
		       "partition).",
		.flags = CMD_READ_ONLY | CMD_NEEDS_CLUSTER,
		.exec = tailv_exec,
	},
	{
		.name = "live-tail-close",
		.group = "kcon",
		.help = "closes the consumers of closed tail views (the TUI runs it when a tail view closes)",
		.doc = "JSON: {closed}",
		.flags = CMD_READ_ONLY,
		.exec = tailv_close_exec,
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
	pthread_mutex_lock(&tailv_lock);
	for (int i = 0; i < tailv_nslots; i++)
		tail_close(&tailv_slots[i].tail); /* opened for a view closed meanwhile */
	for (int i = 0; i < tailv_nclosing; i++)
		tail_close(&tailv_closing[i]);
	x_free(&tailv_slots);
	x_free(&tailv_closing);
	tailv_nslots = tailv_nclosing = 0;
	pthread_mutex_unlock(&tailv_lock);
}

/* --- the rows: the messages' bytes, cells formatted when asked for ------------------------------------- */

enum { TV_POS, TV_TIME, TV_KEY, TV_VALUE, TV_NCOLS };

static const struct view_col tailv_cols[] = {
	{ "PART:OFFSET", VIEW_COL_RIGHT }, { "TIME", 0 }, { "KEY", 0 }, { "VALUE", VIEW_COL_FILL }, { 0 },
};

struct tailv_row {
	int32_t partition;
	int ts_type;
	int64_t offset, timestamp;
	const void *key, *value; /* into the bytes after headers[], or NULL */
	size_t key_len, value_len, nheaders, bytes;
	char *cells[TV_NCOLS]; /* NULL until asked for */
	struct msg_header headers[];
};

static struct tailv_row *tailv_row_new(const struct msg *m)
{
	size_t bytes = sizeof(struct tailv_row) + m->nheaders * sizeof(struct msg_header) + m->key_len + m->value_len;
	for (size_t i = 0; i < m->nheaders; i++)
		bytes += strlen(m->headers[i].name) + 1 + m->headers[i].len;
	struct tailv_row *r = x_malloc(bytes);
	*r = (struct tailv_row){ .partition = m->partition,
				 .ts_type = m->ts_type,
				 .offset = m->offset,
				 .timestamp = m->timestamp,
				 .key_len = m->key_len,
				 .value_len = m->value_len,
				 .nheaders = m->nheaders,
				 .bytes = bytes };
	char *p = (char *)(r->headers + m->nheaders);
	if (m->key) {
		r->key = memcpy(p, m->key, m->key_len);
		p += m->key_len;
	}
	if (m->value) {
		r->value = memcpy(p, m->value, m->value_len);
		p += m->value_len;
	}
	for (size_t i = 0; i < m->nheaders; i++) {
		const struct msg_header *h = &m->headers[i];
		size_t nl = strlen(h->name) + 1;
		r->headers[i].name = memcpy(p, h->name, nl);
		p += nl;
		r->headers[i].len = h->len;
		r->headers[i].value = h->value ? memcpy(p, h->value, h->len) : NULL;
		p += h->value ? h->len : 0;
	}
	return r;
}

static void tailv_row_free(struct tailv_row *r)
{
	for (int c = 0; c < TV_NCOLS; c++)
		free(r->cells[c]);
	free(r);
}

/* --- the view ----------------------------------------------------------------------------------------- */

struct tailv {
	char *topic, *from, *decode;
	const struct kcon_decoder *decoder;
	unsigned id;
	struct tail *tail;
	int fd;
	bool opening, paused, ended;
	struct tailv_row **rows;
	int nrows;
	size_t bytes;
	int64_t seen, window_start_ms, window_count;
	int64_t dropped; /* rows dropped from the front so far */
	double rate;
	unsigned tick, more; /* timers */
};

static void tailv_title(struct view *v)
{
	struct tailv *tv = v->priv;
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "tail ");
	escape_append(&sb, tv->topic, strlen(tv->topic));
	if (tv->decode) {
		sbuf_add(&sb, " decode ");
		escape_append(&sb, tv->decode, strlen(tv->decode));
	}
	sbuf_addf(&sb, " %.0f msg/s %lld seen", tv->rate, (long long)tv->seen);
	if (tv->paused)
		sbuf_add(&sb, " PAUSED");
	if (tv->ended)
		sbuf_add(&sb, " ended");
	free(v->title);
	v->title = sbuf_release(&sb);
}

static void tailv_drop(struct tailv *tv, int n)
{
	for (int i = 0; i < n; i++) {
		tv->bytes -= tv->rows[i]->bytes;
		tailv_row_free(tv->rows[i]);
	}
	memmove(tv->rows, tv->rows + n, (size_t)(tv->nrows - n) * sizeof(tv->rows[0]));
	tv->nrows -= n;
	tv->dropped += n;
}

static void tailv_add(struct tailv *tv, const struct msg *m)
{
	struct tailv_row *r = tailv_row_new(m);
	if (tv->nrows == TAILV_MAX_ROWS) /* the oldest tenth at once */
		tailv_drop(tv, TAILV_MAX_ROWS / 10);
	while (tv->nrows > 0 && tv->bytes + r->bytes > TAILV_KEEP_BYTES)
		tailv_drop(tv, tv->nrows > 10 ? tv->nrows / 10 : tv->nrows);
	if (tv->rows == NULL)
		tv->rows = x_calloc(TAILV_MAX_ROWS, sizeof(tv->rows[0]));
	tv->rows[tv->nrows++] = r;
	tv->bytes += r->bytes;
}

static char *tailv_preview(const void *buf, size_t len, size_t max, const char *none)
{
	if (buf == NULL)
		return x_strdup(none);
	struct sbuf sb = SBUF_INIT;
	escape_append(&sb, buf, len < max ? len : max);
	if (len > max)
		sbuf_add(&sb, "...");
	return sbuf_release(&sb);
}

static char *tailv_format(struct tailv *tv, const struct tailv_row *r, int col)
{
	if (col == TV_POS)
		return x_asprintf("%d:%lld", (int)r->partition, (long long)r->offset);
	if (col == TV_TIME) {
		char iso[40] = "-";
		if (r->timestamp >= 0)
			clock_iso(iso, r->timestamp);
		char *s = x_strdup(strlen(iso) >= 23 ? iso + 11 : iso); /* hh:mm:ss.mmm */
		if (strlen(s) > 12)
			s[12] = '\0';
		return s;
	}
	if (col == TV_KEY)
		return tailv_preview(r->key, r->key_len, 40, "-");
	if (tv->decoder && r->value) { /* the decoder's text stands for the value */
		struct sbuf d = SBUF_INIT;
		char *s = plugin_decode(tv->decoder, r->value, r->value_len, &d) != KCON_DECODE_NOT_MINE
				  ? tailv_preview(sbuf_str(&d), d.len, TAILV_PREVIEW, "")
				  : NULL;
		sbuf_free(&d);
		if (s)
			return s;
	}
	return tailv_preview(r->value, r->value_len, TAILV_PREVIEW, "(tombstone)");
}

static const char *tailv_cell_of(struct tailv *tv, int row, int col)
{
	struct tailv_row *r = tv->rows[row];
	if (r->cells[col] == NULL)
		r->cells[col] = tailv_format(tv, r, col);
	return r->cells[col];
}

static void tailv_watch(struct view *v, bool on);
static void tailv_on_more(struct loop *l, void *ud);

/* The tail's fd is readable: take what is waiting for at most TAILV_READ_MS, then ask for a frame. */
static void tailv_read(struct view *v)
{
	struct tailv *tv = v->priv;
	bool at_end = v->nmap == 0 || v->sel == v->nmap - 1;
	int64_t sel_abs = tv->dropped + view_selected(v); /* the selected message, counted from the first kept */
	bool drained = false;
	int got = 0;
	int64_t deadline = clock_mono_ms() + TAILV_READ_MS;
	struct err e = { 0 };
	for (;;) {
		struct msg m;
		const char *note = NULL;
		if ((got & 63) == 63 && clock_mono_ms() >= deadline) {
			/* More is waiting, but the wake-up pipe may be drained already: come back after the keys. */
			if (tv->more == 0)
				tv->more = loop_timer_add(tui_loop(v->tui), 0, tailv_on_more, v);
			break;
		}
		/* With a wait of 0 the tail leaves its wake-up pipe full; a waiting call drains it. */
		enum tail_event ev = tail_next(tv->tail, drained ? 1 : 0, &m, &note, &e);
		if (ev == TAIL_IDLE && !drained) {
			drained = true;
			continue;
		}
		if (ev == TAIL_MSG) {
			tailv_add(tv, &m);
			tv->seen++;
			tv->window_count++;
			got++;
			continue;
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
		if (v->error == NULL || !tv->ended)
			view_loaded(v, NULL, NULL);
		view_refilter(v);
		if (at_end && v->nmap)
			view_move_key(v, 'G', 1); /* following the newest */
		else if (!at_end && sel_abs < tv->dropped && v->nmap)
			view_move_key(v, 'g', 1); /* scrolled back past what is kept: the oldest, still not following */
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

static void tailv_on_more(struct loop *l, void *ud)
{
	struct view *v = ud;
	struct tailv *tv = v->priv;
	(void)l;
	tv->more = 0;
	if (tv->tail && !tv->paused && !tv->ended)
		tailv_read(v);
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
	tv->opening = false;
	if (ctx->status != CMD_OK) {
		view_loaded(v, ctx->error, ctx->hint);
		tv->ended = true;
		tailv_title(v);
		return;
	}
	tv->tail = tailv_take(tv->id);
	if (tv->tail == NULL)
		return;
	if (tv->decode)
		tv->decoder = plugin_decoder_find(tv->decode); /* loaded by live-tail */
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
	struct tailv *tv = x_calloc(1, sizeof(*tv));
	tv->topic = x_strdup(a->topic);
	tv->from = a->from ? x_strdup(a->from) : NULL;
	tv->decode = a->decode ? x_strdup(a->decode) : NULL;
	tv->fd = -1;
	tv->id = ++tailv_ids;
	v->priv = tv;
	tailv_title(v);
	struct sbuf line = SBUF_INIT;
	char *q = parse_quote(tv->topic);
	sbuf_addf(&line, "live-tail %s --id %u", q, tv->id);
	free(q);
	if (tv->from) {
		q = parse_quote(tv->from);
		sbuf_addf(&line, " --from %s", q);
		free(q);
	}
	if (tv->decode) {
		q = parse_quote(tv->decode);
		sbuf_addf(&line, " --decode %s", q);
		free(q);
	}
	tv->opening = tui_request(v->tui, v, sbuf_str(&line), tailv_opened, NULL);
	sbuf_free(&line);
}

static void tailv_close(struct view *v)
{
	struct tailv *tv = v->priv;
	struct loop *l = tui_loop(v->tui);
	tailv_watch(v, false);
	if (tv->tick && l)
		loop_timer_cancel(l, tv->tick);
	if (tv->more && l)
		loop_timer_cancel(l, tv->more);
	if (tv->tail || tv->opening) {
		/* Closing a consumer can take seconds: the worker does it (or view_tail_reap at exit). */
		tailv_abandon(tv->id, &tv->tail);
		if (l)
			tui_request(v->tui, NULL, "live-tail-close", NULL, NULL);
	}
	for (int i = 0; i < tv->nrows; i++)
		tailv_row_free(tv->rows[i]);
	free(tv->rows);
	free(tv->topic);
	free(tv->from);
	free(tv->decode);
	free(tv);
}

static int tailv_rows(struct view *v)
{
	return ((struct tailv *)v->priv)->nrows;
}

static void tailv_cell(struct view *v, int row, int col, struct sbuf *out)
{
	sbuf_add(out, tailv_cell_of(v->priv, row, col));
}

/* Whether buf[0..len) contains s, ASCII letters in any case. */
static bool tailv_contains(const void *buf, size_t len, const char *s)
{
	size_t n = strlen(s);
	const unsigned char *b = buf, *u = (const unsigned char *)s;
	if (buf == NULL || n > len)
		return false;
	for (size_t i = 0; i + n <= len; i++) {
		size_t k = 0;
		while (k < n &&
		       (b[i + k] == u[k] || (b[i + k] < 0x80 && u[k] < 0x80 && (b[i + k] | 0x20) == (u[k] | 0x20) &&
					     (u[k] | 0x20) >= 'a' && (u[k] | 0x20) <= 'z')))
			k++;
		if (k == n)
			return true;
	}
	return false;
}

/* `/` matches the position, the key, the value, or the decoder's text of the value. */
static bool tailv_match(struct view *v, int row, const char *filter)
{
	struct tailv *tv = v->priv;
	const struct tailv_row *r = tv->rows[row];
	const char *pos = tailv_cell_of(tv, row, TV_POS);
	if (tailv_contains(pos, strlen(pos), filter) || tailv_contains(r->key, r->key_len, filter) ||
	    tailv_contains(r->value, r->value_len, filter))
		return true;
	if (tv->decoder) {
		const char *dv = tailv_cell_of(tv, row, TV_VALUE);
		return tailv_contains(dv, strlen(dv), filter);
	}
	return false;
}

static void tailv_detail(struct view *v, int row)
{
	struct tailv *tv = v->priv;
	const struct tailv_row *r = tv->rows[row];
	struct msg m = {
		.topic = tv->topic,
		.partition = r->partition,
		.offset = r->offset,
		.timestamp = r->timestamp,
		.ts_type = r->ts_type,
		.key = r->key,
		.key_len = r->key_len,
		.value = r->value,
		.value_len = r->value_len,
		.headers = r->headers,
		.nheaders = r->nheaders,
	};
	struct view_msg_arg a = { .topic = tv->topic, .m = &m, .decoder = tv->decoder };
	char *esc = escape_str(tv->topic);
	char *title = x_asprintf("message %s %d:%lld", esc, (int)r->partition, (long long)r->offset);
	tui_push(v->tui, view_new(&view_msg_ops, v->tui, title, &a));
	free(title);
	free(esc);
}

static unsigned tailv_key(struct view *v, int key, int row)
{
	struct tailv *tv = v->priv;
	if ((key == '\n' || key == '\r' || key == KEY_ENTER) && row >= 0) {
		tailv_detail(v, row);
		return VIEW_REDRAW;
	}
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
		tailv_drop(tv, tv->nrows);
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
	.match = tailv_match,
	.enter_help = "detail",
	.keys_help = "p pause/resume  c clear",
};

bool view_tail_prompt(struct tui *t, int argc, char *const *argv)
{
	struct view_tail_arg a = { 0 };
	if (argc < 2 || strcmp(argv[0], "tail") != 0 || argv[1][0] == '-')
		return false;
	a.topic = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc && a.from == NULL)
			a.from = argv[++i];
		else if (strcmp(argv[i], "--decode") == 0 && i + 1 < argc && a.decode == NULL)
			a.decode = argv[++i];
		else if (i == 2 && strncmp(argv[i], "--", 2) != 0)
			a.from = argv[i];
		else
			return false;
	}
	char *esc = escape_str(a.topic);
	char *title = x_asprintf("tail %s", esc);
	tui_push(t, view_new(&view_tail_ops, t, title, &a));
	free(title);
	free(esc);
	return true;
}
