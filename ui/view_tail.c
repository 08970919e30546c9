/*
 * The live tail view (`:tail TOPIC [FROM] [--decode NAME]`). The consumer is opened on the command
 * worker (a loop job, in turn with the views' commands), read on the loop thread through tail.h's
 * pull API when its fd is readable, and closed on the worker again (another job), so leaving the
 * view never waits on librdkafka.
 *
 * It keeps the last TAILV_MAX_ROWS messages (their bytes and decoded text, at most TAILV_KEEP_BYTES
 * in all) and
 * formats a row's cells only when the core asks for them: at high rates most messages leave the
 * buffer before any frame shows them, so every message is counted and the drawn ones are a sample.
 * Reading is a loop timer's, one slice of at most TAILV_READ_MS per loop turn (the tail's fd only
 * asks for it), so a key waits for one slice at most; the core adds the new rows to its filter map
 * and drops the gone ones (view_rows_slid), and measures columns on the rows drawn only
 * (VIEW_WIDTH_SHOWN); frames come at most every ~33 ms (tui_schedule_draw).
 *
 * With a decoder (--decode NAME, or auto with a registry), each kept value is decoded once, off
 * this thread: a decoding queue (decodeq.h) with a thread of its own, which may wait on the Schema
 * Registry or the decoder helper (closing the view stops it at once, mid-batch and mid-request). A
 * row shows `[decoding]` until its result comes back through the queue's wake-up fd; the cells, the
 * filter and the message detail only read what it stored.
 */
#include <curses.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "decodeq.h"
#include "escape.h"
#include "loop.h"
#include "names.h"
#include "plugin.h"
#include "registry.h"
#include "session.h"
#include "tail.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

#define TAILV_MAX_ROWS   2000
#define TAILV_KEEP_BYTES (64u << 20) /* message bytes and decoded text kept for scrolling back and the detail */
#define TAILV_MAX_BYTES  (8u << 20)  /* the consumer's prefetch */
#define TAILV_READ_MS    4           /* reading per loop turn at most, so a key waits for no more */
#define TAILV_PREVIEW    300         /* bytes of a value shown */
#define TAILV_DQ_HINT    "close other views or kcon sessions (threads, descriptors), then open the tail again"

/* --- the consumer, opened and closed on the worker (loop jobs) ------------------------------------- */

/*
 * A consumer on its way: the job that opens it on the worker, and what came of it. The view points
 * to it while it opens; a view closed meanwhile lets go of it (view NULL, loop thread only), and an
 * opened tail then goes to a closing job of its own.
 */
struct tailv_opening {
	struct view *v; /* loop thread only: NULL once the view closed */
	struct session *s;
	char *topic, *from, *decode;
	atomic_bool abandoned; /* the view closed: the worker need not open */
	struct tail *tail;     /* the worker's result */
	struct err e;          /* or why it failed */
};

static void tailv_opening_free(struct tailv_opening *op)
{
	tail_close(&op->tail);
	err_clear(&op->e);
	free(op->topic);
	free(op->from);
	free(op->decode);
	free(op);
}

/* A decoder named by --decode: not auto (the default) or none. */
static bool tailv_named_decoder(const char *decode)
{
	return decode && strcmp(decode, "auto") != 0 && strcmp(decode, "none") != 0;
}

/* On the worker: what `tail TOPIC --from FROM --decode NAME` does before its first message. */
static void tailv_open_job(void *ud)
{
	struct tailv_opening *op = ud;
	struct tail_opts o = { .topic = op->topic, .follow = true, .max_bytes = TAILV_MAX_BYTES, .headers = true };
	if (atomic_load(&op->abandoned))
		return;
	char *cause = NULL;
	if (tail_parse_from(op->from ? op->from : "-20", clock_wall_ms(), &o.from, &cause) < 0) {
		err_set(&op->e, CMD_USAGE, "FROM is end, beginning, an offset, -N (the last N), or @TIME", "%s", cause);
		free(cause);
		return;
	}
	if (session_has_registry(op->s)) { /* where decoders get schemas */
		struct registry *reg;
		if (session_registry(op->s, &reg, &op->e) != CMD_OK)
			return;
	}
	if (tailv_named_decoder(op->decode) && plugin_decoder_load(op->decode, &cause) == NULL) {
		err_set(&op->e, CMD_USAGE, "`plugins` lists the decoders and the plugins that failed to load", "%s",
			cause);
		free(cause);
		return;
	}
	struct client *c;
	if (session_client(op->s, &c, &op->e) == CMD_OK) {
		struct conf conf; /* `profile NAME` on the worker may replace the session's meanwhile */
		session_conf_copy(op->s, &conf);
		op->tail = tail_open(c, &conf, false, NULL, &o, &op->e);
		conf_clear(&conf);
	}
}

/* What a closing view leaves to the worker: its consumer and its decoding queue. */
struct tailv_closing {
	struct tail *tail;
	struct decodeq *dq;
};

static void tailv_close_job(void *ud)
{
	struct tailv_closing *c = ud;
	decodeq_free(&c->dq); /* stopped already: waits for one value at most (decodeq.h) */
	tail_close(&c->tail); /* bounded: tail.h abandons a hanging consumer after a few seconds */
	free(c);
}

static void tailv_closed(struct loop *l, void *ud, bool cancelled)
{
	(void)l;
	if (cancelled) /* kcon is quitting: closed here, after the worker */
		tailv_close_job(ud);
}

/* Closing a consumer or a decoding queue can take seconds: the worker does it, or this thread once the loop is gone. */
static void tailv_close_tail(struct loop *l, struct tail **tp, struct decodeq **dqp)
{
	if (*tp == NULL && (dqp == NULL || *dqp == NULL))
		return;
	struct tailv_closing *c = x_calloc(1, sizeof(*c));
	c->tail = *tp;
	c->dq = dqp ? *dqp : NULL;
	if (c->dq) /* now, not when the worker gets to the job: the batch in hand ends at its next value */
		decodeq_stop(c->dq);
	*tp = NULL;
	if (dqp)
		*dqp = NULL;
	if (l)
		loop_run_job(l, tailv_close_job, c, tailv_closed);
	else
		tailv_close_job(c);
}

/* --- the rows: the messages' bytes, cells formatted when asked for ------------------------------------- */

enum { TV_POS, TV_TIME, TV_KEY, TV_VALUE, TV_NCOLS };

static const struct view_col tailv_cols[] = {
	{ "PART:OFFSET", VIEW_COL_RIGHT }, { "TIME", 0 }, { "KEY", 0 }, { "VALUE", VIEW_COL_FILL }, { 0 },
};

struct tailv_row {
	const struct msg *m;          /* the message, copied after this struct (msg_copy_after) */
	size_t bytes;                 /* the allocation's size */
	char *cells[TV_NCOLS];        /* NULL until asked for */
	struct decoded dec;           /* the value's decoding: rc KCON_DECODE_NOT_MINE when none runs */
	struct view_msg_wait *detail; /* a message detail waiting for dec, or NULL */
};

static struct tailv_row *tailv_row_new(const struct msg *m)
{
	struct msg *copy;
	size_t bytes;
	struct tailv_row *r = msg_copy_after(m, sizeof(struct tailv_row), &copy, &bytes);
	r->m = copy;
	r->bytes = bytes;
	r->dec = (struct decoded){ .rc = KCON_DECODE_NOT_MINE, .schema_id = -1 };
	return r;
}

static void tailv_row_free(struct tailv_row *r)
{
	for (int c = 0; c < TV_NCOLS; c++)
		free(r->cells[c]);
	decoded_clear(&r->dec);
	if (r->detail) /* a detail still waiting: its result will not come */
		view_msg_undecoded(r->detail, "not decoded: the tail dropped the message before its decoding came "
					      "(it keeps 2,000 messages, 64 MiB with their decoded text)");
	view_msg_wait_unref(&r->detail);
	free(r);
}

/* --- the view ----------------------------------------------------------------------------------------- */

struct tailv {
	char *topic, *from, *decode;
	const struct kcon_decoder *decoder;
	bool autodec;                  /* --decode auto with a registry: the wire format's decoder */
	struct tailv_opening *opening; /* the job opening the consumer, until it ends */
	struct tail *tail;
	int fd;
	struct decodeq *dq; /* with a decoder: where values are decoded, off this thread */
	int dq_fd;
	char *dq_note; /* why values are not decoded (the queue could not start), or NULL */
	bool paused, ended;
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
		tv->bytes -= tv->rows[i]->bytes + tv->rows[i]->dec.len;
		tailv_row_free(tv->rows[i]);
	}
	memmove(tv->rows, tv->rows + n, (size_t)(tv->nrows - n) * sizeof(tv->rows[0]));
	tv->nrows -= n;
	tv->dropped += n;
	if (tv->dq) /* their values need no decoding */
		decodeq_forget(tv->dq, (uint64_t)tv->dropped);
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
	if (tv->dq && r->m->value) { /* decoded once, off this thread; the row shows [decoding] until then */
		r->dec.rc = DECODED_PENDING;
		decodeq_submit(tv->dq, (uint64_t)(tv->dropped + tv->nrows), r->m->value, r->m->value_len);
	}
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
		return x_asprintf("%d:%lld", (int)r->m->partition, (long long)r->m->offset);
	if (col == TV_TIME) {
		char iso[40] = "-";
		if (r->m->timestamp >= 0)
			clock_iso(iso, r->m->timestamp);
		char *s = x_strdup(strlen(iso) >= 23 ? iso + 11 : iso); /* hh:mm:ss.mmm */
		if (strlen(s) > 12)
			s[12] = '\0';
		return s;
	}
	if (col == TV_KEY)
		return tailv_preview(r->m->key, r->m->key_len, 40, "-");
	(void)tv;
	const struct decoded *d = &r->dec; /* what the decoding queue made of the value, if anything */
	if (d->rc == DECODED_PENDING || d->rc == KCON_DECODE_ERROR) {
		struct sbuf e = SBUF_INIT;
		if (d->rc == DECODED_PENDING) { /* the bytes meanwhile */
			sbuf_add(&e, "[decoding] ");
			sbuf_addn(&e, r->m->value, r->m->value_len < TAILV_PREVIEW ? r->m->value_len : TAILV_PREVIEW);
		} else {
			sbuf_add(&e, "[decoder error] ");
			sbuf_addn(&e, d->text, d->len);
		}
		char *s = tailv_preview(sbuf_str(&e), e.len, TAILV_PREVIEW, "");
		sbuf_free(&e);
		return s;
	}
	if (d->rc == KCON_DECODE_TEXT || d->rc == KCON_DECODE_JSON) /* the decoder's text stands for the value */
		return tailv_preview(d->text, d->len, TAILV_PREVIEW, "");
	return tailv_preview(r->m->value, r->m->value_len, TAILV_PREVIEW, "(tombstone)");
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

/*
 * The tail's fd was readable (tailv_on_fd drained it): take what is waiting without waiting (STYLE
 * §3: the wake-up byte comes only when the empty queue gets its first message) for at most
 * TAILV_READ_MS, then ask for a frame.
 */
static void tailv_read(struct view *v)
{
	struct tailv *tv = v->priv;
	bool at_end = v->nmap == 0 || v->sel == v->nmap - 1;
	int64_t sel_abs = tv->dropped + view_selected(v); /* the selected message, counted from the first kept */
	int64_t dropped = tv->dropped;
	int got = 0;
	int64_t deadline = clock_mono_ms() + TAILV_READ_MS;
	struct err e = { 0 };
	for (;;) {
		struct msg m;
		const char *note = NULL;
		if ((got & 63) == 63 && clock_mono_ms() >= deadline) {
			/* More is waiting, and no new wake-up byte will say so: come back after the keys. */
			if (tv->more == 0)
				tv->more = loop_timer_add(tui_loop(v->tui), 0, tailv_on_more, v);
			break;
		}
		enum tail_event ev = tail_next(tv->tail, 0, &m, &note, &e);
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
			view_loaded(v, tv->dq_note, tv->dq_note ? TAILV_DQ_HINT : NULL);
		/* only the new rows meet the filter; cells are formatted when drawn, columns measured there */
		int kept_new = got < tv->nrows ? got : tv->nrows;
		view_rows_slid(v, (int)(tv->dropped - dropped), tv->nrows - kept_new);
		if (at_end && v->nmap)
			view_move_key(v, 'G', 1); /* following the newest */
		else if (!at_end && sel_abs < tv->dropped && v->nmap)
			view_move_key(v, 'g', 1); /* scrolled back past what is kept: the oldest, still not following */
	}
	tui_schedule_draw(v->tui);
}

/* Reading waits for the loop's timers, so that one loop turn reads one slice at most. */
static void tailv_read_soon(struct view *v)
{
	struct tailv *tv = v->priv;
	struct loop *l = tui_loop(v->tui);
	if (tv->more == 0 && l)
		tv->more = loop_timer_add(l, 0, tailv_on_more, v);
}

static void tailv_on_fd(struct loop *l, int fd, short revents, void *ud)
{
	(void)l, (void)revents;
	loop_fd_drain(fd); /* before the read that empties the queue: a message after it wakes again */
	tailv_read_soon(ud);
}

static int tailv_int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The decoding queue has results: each goes to its row (if still kept), and to a detail waiting for it. */
static void tailv_on_decoded(struct loop *l, int fd, short revents, void *ud)
{
	struct view *v = ud;
	struct tailv *tv = v->priv;
	(void)l, (void)revents;
	loop_fd_drain(fd);
	uint64_t seqs[DECODEQ_BATCH];
	struct decoded res[DECODEQ_BATCH];
	int changed[DECODEQ_BATCH]; /* the rows given a result, one take's worth */
	size_t n, got = 0;
	int64_t dropped = tv->dropped;
	bool all = false; /* more than one take: the filter goes over all rows */
	while ((n = decodeq_take(tv->dq, seqs, res, DECODEQ_BATCH)) > 0) {
		for (size_t i = 0; i < n; i++) {
			int64_t at = (int64_t)seqs[i] - tv->dropped;
			if (at < 0 || at >= tv->nrows) { /* dropped meanwhile */
				decoded_clear(&res[i]);
				continue;
			}
			struct tailv_row *r = tv->rows[at];
			tv->bytes -= r->dec.len; /* the decoded text counts toward what is kept */
			decoded_clear(&r->dec);
			r->dec = res[i];
			tv->bytes += r->dec.len;
			x_free(&r->cells[TV_VALUE]); /* formatted again when drawn */
			if (r->detail)
				view_msg_decoded(r->detail, &r->dec);
			if (got < DECODEQ_BATCH)
				changed[got] = (int)at;
			else
				all = true;
			got++;
		}
		if (n < DECODEQ_BATCH)
			break;
	}
	if (got == 0)
		return;
	while (tv->nrows > 1 && tv->bytes > TAILV_KEEP_BYTES) /* the newest row stays, however large */
		tailv_drop(tv, tv->nrows > 10 ? tv->nrows / 10 : tv->nrows - 1);
	if (all || tv->dropped != dropped) {
		view_refilter(v);
	} else { /* only those rows can pass the filter now, and only the value column's width changed */
		qsort(changed, got, sizeof(changed[0]), tailv_int_cmp);
		view_rows_changed(v, changed, (int)got, TV_VALUE);
	}
	tui_schedule_draw(v->tui);
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
		tailv_read_soon(v);
	tailv_title(v);
	tui_schedule_draw(v->tui);
	tv->tick = loop_timer_add(l, 1000, tailv_on_tick, v);
}

static void tailv_opened(struct loop *l, void *ud, bool cancelled)
{
	struct tailv_opening *op = ud;
	struct view *v = op->v;
	if (v == NULL) { /* the view closed meanwhile */
		tailv_close_tail(cancelled ? NULL : l, &op->tail, NULL);
		tailv_opening_free(op);
		return;
	}
	struct tailv *tv = v->priv;
	tv->opening = NULL;
	if (op->tail == NULL) {
		if (cancelled)
			err_set(&op->e, CMD_FAILED, NULL, "cancelled: kcon is quitting");
		view_loaded(v, op->e.cause, op->e.hint);
		tv->ended = true;
		tailv_title(v);
		tailv_opening_free(op);
		tui_schedule_draw(v->tui);
		return;
	}
	tv->tail = op->tail;
	op->tail = NULL;
	tailv_opening_free(op);
	if (tailv_named_decoder(tv->decode))
		tv->decoder = plugin_decoder_find(tv->decode); /* loaded by the job */
	/* --decode auto (the default): values in the wire format, once a registry is set (by the job) */
	tv->autodec = tv->decoder == NULL && (tv->decode == NULL || strcmp(tv->decode, "auto") == 0) &&
		      plugin_has_schema_source();
	char *dq_cause = NULL;
	if (tv->decoder || tv->autodec) {
		tv->dq = decodeq_new(tv->decoder, &dq_cause);
		tv->dq_fd = tv->dq ? decodeq_fd(tv->dq) : -1;
		if (tv->dq_fd >= 0) /* watched until the view closes: paused or ended, results still come */
			loop_fd_add(l, tv->dq_fd, POLLIN, tailv_on_decoded, v);
	}
	tv->fd = tail_fd(tv->tail);
	if (dq_cause) /* the tail goes on, its values as bytes */
		tv->dq_note = x_asprintf("values are not decoded: %s", dq_cause);
	free(dq_cause);
	view_loaded(v, tv->dq_note, tv->dq_note ? TAILV_DQ_HINT : NULL);
	tv->window_start_ms = clock_mono_ms();
	tv->tick = loop_timer_add(l, 1000, tailv_on_tick, v);
	tailv_watch(v, true);
	tailv_read_soon(v);
}

static void tailv_open(struct view *v, void *arg)
{
	const struct view_tail_arg *a = arg;
	struct tailv *tv = x_calloc(1, sizeof(*tv));
	tv->topic = x_strdup(a->topic);
	tv->from = a->from ? x_strdup(a->from) : NULL;
	/* the profile's "decoders" (this loop thread reads the worker's settings under the session's lock) */
	tv->decode = a->decode ? x_strdup(a->decode) : session_topic_decoder(tui_session(v->tui), tv->topic);
	tv->fd = tv->dq_fd = -1;
	v->priv = tv;
	tailv_title(v);
	struct err e = { 0 };
	if (names_check_topic(tv->topic, &e) != CMD_OK) { /* librdkafka never sees a name Kafka cannot hold */
		view_loaded(v, e.cause, e.hint);
		err_clear(&e);
		tv->ended = true;
		tailv_title(v);
		return;
	}
	struct tailv_opening *op = x_calloc(1, sizeof(*op));
	op->v = v;
	op->s = tui_session(v->tui);
	op->topic = x_strdup(tv->topic);
	op->from = tv->from ? x_strdup(tv->from) : NULL;
	op->decode = tv->decode ? x_strdup(tv->decode) : NULL;
	atomic_init(&op->abandoned, false);
	tv->opening = op;
	loop_run_job(tui_loop(v->tui), tailv_open_job, op, tailv_opened);
}

static void tailv_close(struct view *v)
{
	struct tailv *tv = v->priv;
	struct loop *l = tui_loop(v->tui);
	tailv_watch(v, false);
	if (tv->dq_fd >= 0 && l)
		loop_fd_remove(l, tv->dq_fd);
	if (tv->tick && l)
		loop_timer_cancel(l, tv->tick);
	if (tv->more && l)
		loop_timer_cancel(l, tv->more);
	if (tv->opening) { /* the job ends without the view, and closes what it opened */
		tv->opening->v = NULL;
		atomic_store(&tv->opening->abandoned, true);
	}
	tailv_close_tail(l, &tv->tail, &tv->dq);
	for (int i = 0; i < tv->nrows; i++)
		tailv_row_free(tv->rows[i]);
	free(tv->rows);
	free(tv->dq_note);
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
	if (tailv_contains(pos, strlen(pos), filter) || tailv_contains(r->m->key, r->m->key_len, filter) ||
	    tailv_contains(r->m->value, r->m->value_len, filter))
		return true;
	return r->dec.text && tailv_contains(r->dec.text, r->dec.len, filter);
}

static void tailv_detail(struct view *v, int row)
{
	struct tailv *tv = v->priv;
	struct tailv_row *r = tv->rows[row];
	struct msg m = *r->m;
	m.topic = tv->topic;
	/* the decoding as it stands; a detail opened before it came gets it when it comes */
	if (r->dec.rc == DECODED_PENDING && r->detail == NULL)
		r->detail = view_msg_wait_new();
	struct view_msg_arg a = {
		.topic = tv->topic, .m = &m, .dec = &r->dec, .wait = r->dec.rc == DECODED_PENDING ? r->detail : NULL
	};
	char *esc = escape_str(tv->topic);
	char *title = x_asprintf("message %s %d:%lld", esc, (int)r->m->partition, (long long)r->m->offset);
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
				tailv_read_soon(v);
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

/* `tail TOPIC [FROM] [--from FROM] [--decode NAME]`; false for any other line (it runs as the `tail` command). */
static bool tailv_prompt(struct tui *t, int argc, char *const *argv)
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

const struct view_ops view_tail_ops = {
	.name = "tail",
	.flags = VIEW_WIDTH_SHOWN,
	.cols = tailv_cols,
	.open = tailv_open,
	.close = tailv_close,
	.rows = tailv_rows,
	.cell = tailv_cell,
	.key = tailv_key,
	.match = tailv_match,
	.enter_help = "detail",
	.keys_help = "p pause/resume  c clear",
	.prompt = tailv_prompt,
};
