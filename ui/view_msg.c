/*
 * The message detail view (Enter on a row of the live tail): the message's fields and headers, then
 * its value in one of three modes that `m` cycles through: pretty (JSON re-indented, else text, else
 * a hex dump; a plugin decoder's text first when the tail has one), raw (the bytes escaped, a line
 * per newline) and hex (a dump of the bytes). The view keeps its own copy of the message. Every line
 * is escaped before it is stored (hex dump lines are printable ASCII by construction) and wrapped
 * to the screen width. The decoded text is the tail's (decoded once, off the loop thread): a
 * detail opened before it came says so, and shows it when it comes (view_msg_decoded()).
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "escape.h"
#include "lines.h"
#include "pretty.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

enum msgv_mode { MSGV_PRETTY, MSGV_RAW, MSGV_HEX, MSGV_NMODES };

struct msgv {
	char *title; /* without the mode */
	char *topic;
	int32_t partition;
	int ts_type;
	int64_t offset, timestamp;
	struct sbuf key, value;
	bool has_key, has_value;
	struct msgv_header {
		char *name;
		struct sbuf value;
		bool has_value;
	} * headers;
	size_t nheaders;
	char *decoder;      /* its name, when it decoded the value */
	int64_t schema_id;  /* the wire format's schema id, or -1 */
	char *decode_error; /* the decoder failed: why (the value shows as kcon shows bytes) */
	char *undecoded;    /* the value was not decoded: why (the tail dropped it first) */
	struct sbuf decoded;
	struct view_msg_wait *wait; /* the decoding has not come yet: where it will */
	enum msgv_mode mode;
	struct lines lines;
};

/* Our label, then untrusted bytes escaped. */
static void msgv_field(struct msgv *mv, const char *label, const void *buf, size_t len, int width)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_addf(&sb, "%-11s", label);
	escape_append(&sb, buf, len);
	lines_wrap(&mv->lines, sbuf_str(&sb), width);
	sbuf_free(&sb);
}

static void msgv_hex(struct msgv *mv, const void *buf, size_t len, int width)
{
	int per = pretty_hexdump_width(16) < width ? 16 : pretty_hexdump_width(8) < width ? 8 : 4;
	struct sbuf sb = SBUF_INIT;
	pretty_hexdump(&sb, buf, len, per);
	lines_split(&mv->lines, sbuf_str(&sb), width);
	sbuf_free(&sb);
}

/* The value in pretty mode; returns what it was shown as. */
static const char *msgv_pretty(struct msgv *mv, int width)
{
	const struct sbuf *src = mv->decoder ? &mv->decoded : &mv->value;
	struct sbuf json = SBUF_INIT;
	const char *shown;
	if (pretty_json(&json, sbuf_str(src), src->len, 2) == 0) {
		struct sbuf safe = SBUF_INIT;
		escape_json_text(&safe, sbuf_str(&json)); /* bidi and other format characters as \uXXXX */
		lines_split(&mv->lines, sbuf_str(&safe), width);
		sbuf_free(&safe);
		shown = "JSON";
	} else if (mv->decoder || msg_utf8_valid(src->buf, src->len)) {
		lines_escape(&mv->lines, sbuf_str(src), src->len, width);
		shown = "text";
	} else {
		msgv_hex(mv, src->buf, src->len, width);
		shown = "binary: hex";
	}
	sbuf_free(&json);
	return shown;
}

static void msgv_layout(struct view *v, int width)
{
	struct msgv *mv = v->priv;
	lines_clear(&mv->lines);
	char buf[96];

	msgv_field(mv, "topic", mv->topic, strlen(mv->topic), width);
	snprintf(buf, sizeof(buf), "%d", (int)mv->partition);
	msgv_field(mv, "partition", buf, strlen(buf), width);
	snprintf(buf, sizeof(buf), "%lld", (long long)mv->offset);
	msgv_field(mv, "offset", buf, strlen(buf), width);
	if (mv->timestamp >= 0) {
		char iso[40];
		clock_iso(iso, mv->timestamp);
		snprintf(buf, sizeof(buf), "%s  (%s, %lld ms)", iso,
			 mv->ts_type == 1   ? "create time"
			 : mv->ts_type == 2 ? "log append time"
					    : "type unknown",
			 (long long)mv->timestamp);
	} else {
		snprintf(buf, sizeof(buf), "-  (none)");
	}
	msgv_field(mv, "timestamp", buf, strlen(buf), width);
	if (mv->has_key)
		msgv_field(mv, "key", sbuf_str(&mv->key), mv->key.len, width);
	else
		lines_wrap(&mv->lines, "key        (none)", width);
	snprintf(buf, sizeof(buf), "headers    %zu", mv->nheaders);
	lines_wrap(&mv->lines, buf, width);
	for (size_t i = 0; i < mv->nheaders; i++) {
		struct sbuf sb = SBUF_INIT;
		sbuf_add(&sb, "  ");
		escape_append(&sb, mv->headers[i].name, strlen(mv->headers[i].name));
		sbuf_add(&sb, " = ");
		if (mv->headers[i].has_value)
			escape_append(&sb, mv->headers[i].value.buf, mv->headers[i].value.len);
		else
			sbuf_add(&sb, "(null)");
		lines_wrap(&mv->lines, sbuf_str(&sb), width);
		sbuf_free(&sb);
	}

	if (mv->decode_error) /* the decoder's message, escaped: it may quote the bytes */
		msgv_field(mv, "decoder", mv->decode_error, strlen(mv->decode_error), width);
	if (mv->undecoded)
		msgv_field(mv, "decoder", mv->undecoded, strlen(mv->undecoded), width);
	/* The value under its own line, saying how it is shown. */
	int at = mv->lines.n;
	lines_wrap(&mv->lines, "value", width); /* replaced below */
	lines_wrap(&mv->lines, "", width);
	const char *shown;
	if (!mv->has_value) {
		lines_wrap(&mv->lines, "(tombstone: no value)", width);
		shown = "none";
	} else if (mv->mode == MSGV_HEX) {
		msgv_hex(mv, mv->value.buf, mv->value.len, width);
		shown = "hex";
	} else if (mv->mode == MSGV_RAW) {
		lines_escape(&mv->lines, sbuf_str(&mv->value), mv->value.len, width);
		shown = "raw, escaped";
	} else {
		shown = msgv_pretty(mv, width);
	}
	static const char *const modes[] = { "pretty", "raw", "hex" };
	struct sbuf sb = SBUF_INIT;
	sbuf_addf(&sb, "value      %zu bytes, %s", mv->value.len, shown);
	if (mv->decoder && mv->mode == MSGV_PRETTY && mv->has_value)
		sbuf_addf(&sb, ", decoded by %s", mv->decoder); /* a registered decoder's name: [A-Za-z0-9_-] */
	if (mv->schema_id >= 0)
		sbuf_addf(&sb, ", schema id %lld", (long long)mv->schema_id);
	if (mv->decode_error && mv->mode == MSGV_PRETTY)
		sbuf_add(&sb, ", decoder failed");
	if (mv->wait && mv->mode == MSGV_PRETTY)
		sbuf_add(&sb, ", decoding");
	if (mv->undecoded && mv->mode == MSGV_PRETTY)
		sbuf_add(&sb, ", not decoded");
	sbuf_addf(&sb, "  (m: %s -> %s)", modes[mv->mode], modes[(mv->mode + 1) % MSGV_NMODES]);
	lines_set(&mv->lines, at, sbuf_str(&sb)); /* may be cut on a narrow screen, never wrapped */
	sbuf_free(&sb);

	free(v->title);
	v->title = x_asprintf("%s %s", mv->title, modes[mv->mode]);
	v->width = width;
}

static void msgv_resize(struct view *v, int width);

/* Takes what the tail's decoding made of the value (copied). */
static void msgv_set_decoded(struct msgv *mv, const struct decoded *dec)
{
	if (dec->rc == DECODED_PENDING || dec->rc == KCON_DECODE_NOT_MINE)
		return;
	mv->schema_id = dec->schema_id;
	if (dec->rc == KCON_DECODE_ERROR) {
		mv->decode_error = x_strdup(dec->text ? dec->text : "");
		return;
	}
	mv->decoder = x_strdup(dec->decoder ? dec->decoder : "?");
	sbuf_addn(&mv->decoded, dec->text ? dec->text : "", dec->len);
}

struct view_msg_wait *view_msg_wait_new(void)
{
	struct view_msg_wait *w = x_calloc(1, sizeof(*w));
	w->refs = 1;
	return w;
}

void view_msg_wait_unref(struct view_msg_wait **wp)
{
	struct view_msg_wait *w = *wp;
	*wp = NULL;
	if (w && --w->refs == 0)
		free(w);
}

/* The detail a wait was for, its wait ended; NULL when the detail closed first. */
static struct view *msgv_wait_end(struct view_msg_wait *w)
{
	struct view *v = w->detail;
	if (v == NULL)
		return NULL;
	w->detail = NULL;
	view_msg_wait_unref(&((struct msgv *)v->priv)->wait);
	return v;
}

void view_msg_decoded(struct view_msg_wait *w, const struct decoded *dec)
{
	struct view *v = msgv_wait_end(w);
	if (v == NULL)
		return;
	struct msgv *mv = v->priv;
	if (mv->has_value)
		msgv_set_decoded(mv, dec);
	msgv_resize(v, v->width);
	tui_schedule_draw(v->tui);
}

void view_msg_undecoded(struct view_msg_wait *w, const char *why)
{
	struct view *v = msgv_wait_end(w);
	if (v == NULL)
		return;
	struct msgv *mv = v->priv;
	free(mv->undecoded);
	mv->undecoded = x_strdup(why);
	msgv_resize(v, v->width);
	tui_schedule_draw(v->tui);
}

static void msgv_open(struct view *v, void *arg)
{
	const struct view_msg_arg *a = arg;
	const struct msg *m = a->m;
	struct msgv *mv = x_calloc(1, sizeof(*mv));
	mv->title = x_strdup(v->title);
	mv->topic = x_strdup(a->topic);
	mv->partition = m->partition;
	mv->offset = m->offset;
	mv->timestamp = m->timestamp;
	mv->ts_type = m->ts_type;
	mv->has_key = m->key != NULL;
	sbuf_addn(&mv->key, m->key ? m->key : "", m->key_len);
	mv->has_value = m->value != NULL;
	sbuf_addn(&mv->value, m->value ? m->value : "", m->value_len);
	mv->nheaders = m->nheaders;
	mv->headers = x_calloc(m->nheaders + 1, sizeof(*mv->headers));
	for (size_t i = 0; i < m->nheaders; i++) {
		mv->headers[i].name = x_strdup(m->headers[i].name);
		mv->headers[i].has_value = m->headers[i].value != NULL;
		sbuf_addn(&mv->headers[i].value, m->headers[i].value ? m->headers[i].value : "", m->headers[i].len);
	}
	mv->schema_id = -1;
	v->priv = mv;
	if (a->wait) { /* shown when it comes */
		mv->wait = a->wait;
		mv->wait->refs++;
		mv->wait->detail = v;
	} else if (a->dec && m->value) {
		msgv_set_decoded(mv, a->dec);
	}
	msgv_layout(v, tui_width(v->tui));
	view_loaded(v, NULL, NULL);
}

static void msgv_close(struct view *v)
{
	struct msgv *mv = v->priv;
	lines_clear(&mv->lines);
	for (size_t i = 0; i < mv->nheaders; i++) {
		free(mv->headers[i].name);
		sbuf_free(&mv->headers[i].value);
	}
	free(mv->headers);
	sbuf_free(&mv->key);
	sbuf_free(&mv->value);
	sbuf_free(&mv->decoded);
	free(mv->decode_error);
	free(mv->undecoded);
	free(mv->decoder);
	if (mv->wait && mv->wait->detail == v)
		mv->wait->detail = NULL;
	view_msg_wait_unref(&mv->wait);
	free(mv->topic);
	free(mv->title);
	free(mv);
}

static int msgv_rows(struct view *v)
{
	return ((struct msgv *)v->priv)->lines.n;
}

static void msgv_cell(struct view *v, int row, int col, struct sbuf *out)
{
	(void)col;
	sbuf_add(out, ((struct msgv *)v->priv)->lines.v[row]);
}

static void msgv_resize(struct view *v, int width)
{
	msgv_layout(v, width);
	view_refilter(v);
}

static unsigned msgv_key(struct view *v, int key, int row)
{
	struct msgv *mv = v->priv;
	(void)row;
	if (key != 'm')
		return 0;
	mv->mode = (mv->mode + 1) % MSGV_NMODES;
	msgv_resize(v, v->width);
	return VIEW_REDRAW;
}

const struct view_ops view_msg_ops = {
	.name = "message",
	.flags = VIEW_TEXT,
	.open = msgv_open,
	.close = msgv_close,
	.rows = msgv_rows,
	.cell = msgv_cell,
	.key = msgv_key,
	.resize = msgv_resize,
	.keys_help = "m pretty/raw/hex",
};
