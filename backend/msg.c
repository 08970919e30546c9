#include "clock.h"
#include "msg.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "jlex.h"
#include "xalloc.h"

int msg_encoding_parse(const char *s)
{
	static const char *const names[] = { "auto", "text", "hex", "base64" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

bool msg_utf8_valid(const void *buf, size_t len)
{
	const unsigned char *s = buf;
	for (size_t i = 0; i < len;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = escape_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

void msg_int(struct sbuf *sb, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	sbuf_addn(sb, p, (size_t)(buf + sizeof(buf) - p));
}

/* --- JSON text ----------------------------------------------------------------------------- */

static void msg_u_escape(struct sbuf *sb, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char b[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15] };
	sbuf_addn(sb, b, 6);
}

/* Bytes that stand for themselves inside a JSON string: printable ASCII but '"' and '\\'. */
static bool msg_plain[256];

static void msg_plain_init(void)
{
	if (msg_plain['a'])
		return;
	for (int c = 0x20; c < 0x7f; c++)
		msg_plain[c] = c != '"' && c != '\\';
}

/* Non-zero when a byte of v is zero. */
static uint64_t msg_haszero(uint64_t v)
{
	return (v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL;
}

/* True when the 8 bytes at p are all plain: none < 0x20, >= 0x7f, '"' or '\\' (bit tricks on a word). */
static bool msg_plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t w;
	memcpy(&w, p, 8);
	if (w & high)
		return false; /* not ASCII */
	return !(((w - ones * 0x20) & ~w & high) | msg_haszero(w ^ (ones * '"')) | msg_haszero(w ^ (ones * '\\')) |
		 msg_haszero(w ^ (ones * 0x7f)));
}

/* Appends a JSON string of buf; false (sb unchanged) when strict and buf is not UTF-8. */
static bool msg_json_text(struct sbuf *sb, const void *buf, size_t len, bool strict)
{
	const unsigned char *s = buf;
	size_t i = 0, run = 0, start = sb->len;
	msg_plain_init();
	sbuf_addc(sb, '"');
	while (i < len) {
		while (i + 8 <= len && msg_plain8(s + i))
			i += 8;
		while (i < len && msg_plain[s[i]])
			i++;
		if (i >= len)
			break;
		unsigned char c = s[i];
		uint32_t cp = c;
		size_t n = c < 0x80 ? 1 : escape_utf8_decode(s + i, len - i, &cp);
		if (n > 1 && escape_cp_allowed(cp)) {
			i += n;
			continue;
		}
		if (n == 0 && strict) {
			sb->len = start;
			sb->buf[start] = '\0';
			return false;
		}
		sbuf_addn(sb, s + run, i - run);
		if (n == 0) { /* not UTF-8: never pass the byte */
			msg_u_escape(sb, 0xfffd);
			n = 1;
		} else if (c == '"' || c == '\\') {
			sbuf_addc(sb, '\\');
			sbuf_addc(sb, (char)c);
		} else if (c == '\n') {
			sbuf_addn(sb, "\\n", 2);
		} else if (c == '\t') {
			sbuf_addn(sb, "\\t", 2);
		} else if (c == '\r') {
			sbuf_addn(sb, "\\r", 2);
		} else if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			msg_u_escape(sb, 0xd800 + (v >> 10));
			msg_u_escape(sb, 0xdc00 + (v & 0x3ff));
		} else {
			msg_u_escape(sb, cp);
		}
		i += n;
		run = i;
	}
	sbuf_addn(sb, s + run, i - run);
	sbuf_addc(sb, '"');
	return true;
}

void msg_json_string(struct sbuf *sb, const void *buf, size_t len)
{
	msg_json_text(sb, buf, len, false);
}

/* How many containers msg_json_embeddable() and msg_parse_json() follow inside a value. */
#define MSG_JSON_MAX_DEPTH 64

/* True when a \uXXXX escape of JSON text s has an upper-case hex digit (a backslash only stands in strings). */
static bool msg_json_upper_escape(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u')
			for (size_t k = i + 2; k < i + 6 && k < len; k++)
				if (s[k] >= 'A' && s[k] <= 'F')
					return true;
		i++; /* the escaped character: \\ is no start of an escape */
	}
	return false;
}

bool msg_json_embeddable(const void *buf, size_t len)
{
	struct jlex j = { .s = buf, .len = len, .strict = true, .max_depth = MSG_JSON_MAX_DEPTH };
	if (len < 2 || (j.s[0] != '{' && j.s[0] != '['))
		return false;
	/* embedded byte for byte, so its escapes must already be in kcon's one case, lower */
	return jlex_value(&j, 0) && j.pos == len && !msg_json_upper_escape(buf, len);
}

/* --- base64 and hex ------------------------------------------------------------------------ */

static const char msg_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void msg_base64(struct sbuf *sb, const void *buf, size_t len)
{
	const unsigned char *s = buf;
	size_t need = (len + 2) / 3 * 4, o = 0;
	sbuf_pad(sb, '=', need); /* grows once; the padding stays where it belongs */
	char *d = sb->buf + sb->len - need;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		d[o++] = msg_b64[v >> 18], d[o++] = msg_b64[(v >> 12) & 63];
		d[o++] = msg_b64[(v >> 6) & 63], d[o++] = msg_b64[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)s[i] << 16;
		d[o++] = msg_b64[v >> 18], d[o++] = msg_b64[(v >> 12) & 63];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		d[o++] = msg_b64[v >> 18], d[o++] = msg_b64[(v >> 12) & 63], d[o++] = msg_b64[(v >> 6) & 63];
	}
}

static int msg_b64_value(unsigned char c)
{
	const char *p = c ? strchr(msg_b64, c) : NULL;
	return p ? (int)(p - msg_b64) : -1;
}

int msg_unbase64(struct sbuf *out, const char *s, size_t len)
{
	while (len > 0 && s[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return -1;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = msg_b64_value((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sbuf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	return 0;
}

void msg_hex(struct sbuf *sb, const void *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = buf;
	sbuf_pad(sb, '0', len * 2);
	char *d = sb->buf + sb->len - len * 2;
	for (size_t i = 0; i < len; i++)
		d[2 * i] = hex[s[i] >> 4], d[2 * i + 1] = hex[s[i] & 15];
}

static int msg_hexdigit(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

int msg_unhex(struct sbuf *out, const char *s, size_t len)
{
	if (len % 2)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = msg_hexdigit(s[i]), lo = msg_hexdigit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		sbuf_addc(out, (char)(hi << 4 | lo));
	}
	return 0;
}

/* --- the formats --------------------------------------------------------------------------- */

/* Appends bytes as a JSON value; returns the encoding's name when it is not plain text. */
static const char *msg_json_bytes(struct sbuf *sb, const void *buf, size_t len, enum msg_encoding enc, bool embed)
{
	if (buf == NULL) {
		sbuf_add(sb, "null");
		return NULL;
	}
	if (enc == MSG_HEX) {
		sbuf_addc(sb, '"');
		msg_hex(sb, buf, len);
		sbuf_addc(sb, '"');
		return "hex";
	}
	if (enc != MSG_BASE64) {
		if (embed && enc == MSG_AUTO && msg_json_embeddable(buf, len)) {
			sbuf_addn(sb, buf, len);
			return NULL;
		}
		if (msg_json_text(sb, buf, len, true))
			return NULL;
	}
	sbuf_addc(sb, '"');
	msg_base64(sb, buf, len);
	sbuf_addc(sb, '"');
	return "base64";
}

static void msg_json_encoding(struct sbuf *sb, const char *field, const char *enc)
{
	if (enc == NULL)
		return;
	sbuf_add(sb, ",\"");
	sbuf_add(sb, field);
	sbuf_add(sb, "\":\"");
	sbuf_add(sb, enc);
	sbuf_addc(sb, '"');
}

void msg_json(struct sbuf *sb, const struct msg *m, enum msg_encoding enc)
{
	static const char *const ts_types[] = { NULL, "create_time", "log_append_time" };
	sbuf_add(sb, "{\"topic\":");
	msg_json_string(sb, m->topic, strlen(m->topic));
	sbuf_add(sb, ",\"partition\":");
	msg_int(sb, m->partition);
	sbuf_add(sb, ",\"offset\":");
	msg_int(sb, m->offset);
	sbuf_add(sb, ",\"timestamp\":");
	if (m->timestamp >= 0 && m->ts_type > 0 && m->ts_type < 3) {
		msg_int(sb, m->timestamp);
		sbuf_add(sb, ",\"timestamp_type\":\"");
		sbuf_add(sb, ts_types[m->ts_type]);
		sbuf_addc(sb, '"');
	} else {
		sbuf_add(sb, "null,\"timestamp_type\":null");
	}
	sbuf_add(sb, ",\"key\":");
	const char *ke = msg_json_bytes(sb, m->key, m->key_len, enc, false);
	msg_json_encoding(sb, "key_encoding", ke);
	sbuf_add(sb, ",\"headers\":[");
	for (size_t i = 0; i < m->nheaders; i++) {
		const struct msg_header *h = &m->headers[i];
		sbuf_add(sb, i ? ",{\"name\":" : "{\"name\":");
		const char *ne = msg_json_bytes(sb, h->name, strlen(h->name), MSG_TEXT, false);
		msg_json_encoding(sb, "name_encoding", ne);
		sbuf_add(sb, ",\"value\":");
		const char *he = msg_json_bytes(sb, h->value, h->len, enc == MSG_AUTO ? MSG_TEXT : enc, false);
		msg_json_encoding(sb, "encoding", he);
		sbuf_addc(sb, '}');
	}
	sbuf_add(sb, "],\"value\":");
	const char *ve = msg_json_bytes(sb, m->value, m->value_len, m->decode_error ? MSG_HEX : enc, true);
	msg_json_encoding(sb, "encoding", ve);
	if (m->decoder) {
		sbuf_add(sb, ",\"decoder\":");
		msg_json_string(sb, m->decoder, strlen(m->decoder));
	}
	if (m->schema_id > 0) {
		sbuf_add(sb, ",\"schema_id\":");
		msg_int(sb, m->schema_id);
	}
	if (m->decode_error) {
		sbuf_add(sb, ",\"decode_error\":");
		msg_json_string(sb, m->decode_error, strlen(m->decode_error));
	}
	sbuf_add(sb, "}\n");
}

/* Appends bytes for a table cell, escaped, at most max columns ("..." when cut). */
static void msg_cell(struct sbuf *sb, const void *buf, size_t len, enum msg_encoding enc, size_t max, bool pad)
{
	struct sbuf t = SBUF_INIT;
	size_t take = len < max * 4 + 16 ? len : max * 4 + 16; /* enough bytes for max columns */
	if (buf == NULL)
		sbuf_add(&t, "-");
	else if (enc == MSG_HEX)
		msg_hex(&t, buf, take < max / 2 + 2 ? take : max / 2 + 2);
	else if (enc == MSG_BASE64)
		msg_base64(&t, buf, take < max + 3 ? take : max + 3);
	else
		escape_append(&t, buf, take);
	size_t w = escape_width(sbuf_str(&t));
	if (w > max || take < len) {
		size_t fit = escape_fit(t.buf, max > 3 ? max - 3 : 0);
		t.buf[fit] = '\0';
		w = escape_width(t.buf) + 3;
		sbuf_addn(sb, t.buf, fit);
		sbuf_add(sb, "...");
	} else {
		sbuf_addn(sb, t.buf, t.len);
	}
	if (pad && w < max)
		sbuf_pad(sb, ' ', max - w);
	sbuf_free(&t);
}

void msg_table(struct sbuf *sb, const struct msg *m, enum msg_encoding enc, int width)
{
	char ts[32] = "-";
	if (m->timestamp >= 0)
		clock_iso(ts, m->timestamp);
	size_t before = sb->len;
	sbuf_addf(sb, "%-24s %3d %10lld ", ts, (int)m->partition, (long long)m->offset);
	msg_cell(sb, m->key, m->key_len, enc, 16, true);
	if (m->value)
		sbuf_addf(sb, " %7zu ", m->value_len);
	else
		sbuf_add(sb, "       - ");
	size_t used = sb->len - before;
	size_t room = width > 0 ? ((size_t)width > used + 8 ? (size_t)width - used : 8) : 1000;
	if (m->value == NULL) {
		sbuf_add(sb, "(tombstone)");
	} else if (m->decode_error) { /* the error, then the bytes */
		size_t at = sb->len;
		sbuf_add(sb, "[");
		msg_cell(sb, m->decode_error, strlen(m->decode_error), MSG_TEXT, room > 40 ? room / 2 : 20, false);
		sbuf_add(sb, "] ");
		size_t took = sb->len - at;
		msg_cell(sb, m->value, m->value_len, MSG_HEX, room > took + 8 ? room - took : 8, false);
	} else {
		msg_cell(sb, m->value, m->value_len, enc, room, false);
	}
	sbuf_addc(sb, '\n');
}

void msg_raw(struct sbuf *sb, const struct msg *m, enum msg_encoding enc, const char *delim, size_t dlen)
{
	if (m->value && enc == MSG_HEX)
		msg_hex(sb, m->value, m->value_len);
	else if (m->value && enc == MSG_BASE64)
		msg_base64(sb, m->value, m->value_len);
	else if (m->value)
		sbuf_addn(sb, m->value, m->value_len);
	sbuf_addn(sb, delim, dlen);
}

/* --- reading the envelope back ------------------------------------------------------------- */

/* Decodes the JSON string at s[0..len) (quotes included) into out. */
static int msg_unstring(struct sbuf *out, const unsigned char *s, size_t len)
{
	for (size_t i = 1; i + 1 < len; i++) {
		if (s[i] != '\\') {
			sbuf_addc(out, (char)s[i]);
			continue;
		}
		unsigned char e = s[++i];
		if (e != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *at = e ? strchr(from, e) : NULL;
			if (at == NULL)
				return -1;
			sbuf_addc(out, to[at - from]);
			continue;
		}
		int v = jlex_hex4(s + i + 1);
		uint32_t cp = (uint32_t)v;
		i += 4;
		if (v >= 0xd800 && v <= 0xdbff) {
			int lo = i + 6 < len && s[i + 1] == '\\' && s[i + 2] == 'u' ? jlex_hex4(s + i + 3) : -1;
			if (lo < 0xdc00 || lo > 0xdfff)
				return -1;
			cp = 0x10000 + (((uint32_t)v - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
			i += 6;
		} else if (v >= 0xdc00 && v <= 0xdfff) {
			return -1;
		}
		char b[4];
		size_t n;
		if (cp < 0x80)
			b[0] = (char)cp, n = 1;
		else if (cp < 0x800)
			b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 63)), n = 2;
		else if (cp < 0x10000)
			b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 63)),
			b[2] = (char)(0x80 | (cp & 63)), n = 3;
		else
			b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 63)),
			b[2] = (char)(0x80 | ((cp >> 6) & 63)), b[3] = (char)(0x80 | (cp & 63)), n = 4;
		sbuf_addn(out, b, n);
	}
	return 0;
}

struct msg_span {
	const unsigned char *p;
	size_t len;
};

/* The members of the object at j (already scanned): calls back with key text and value span. */
static bool msg_members(struct jlex *j, struct msg_span *keys, struct msg_span *vals, int max, int *n)
{
	*n = 0;
	jlex_space(j);
	if (j->pos >= j->len || j->s[j->pos] != '{')
		return false;
	j->pos++;
	jlex_space(j);
	if (j->pos < j->len && j->s[j->pos] == '}') {
		j->pos++;
		return true;
	}
	for (;;) {
		size_t k = j->pos;
		if (!jlex_string(j))
			return false;
		struct msg_span key = { j->s + k, j->pos - k };
		jlex_space(j);
		if (j->pos >= j->len || j->s[j->pos++] != ':')
			return false;
		jlex_space(j);
		size_t v = j->pos;
		if (!jlex_value(j, 0))
			return false;
		if (*n < max) {
			keys[*n] = key;
			vals[*n] = (struct msg_span){ j->s + v, j->pos - v };
			(*n)++;
		}
		jlex_space(j);
		if (j->pos >= j->len)
			return false;
		unsigned char c = j->s[j->pos++];
		if (c == '}')
			return true;
		if (c != ',')
			return false;
		jlex_space(j);
	}
}

static const struct msg_span *msg_member(const struct msg_span *keys, const struct msg_span *vals, int n,
					 const char *name)
{
	size_t nl = strlen(name);
	for (int i = 0; i < n; i++)
		if (keys[i].len == nl + 2 && memcmp(keys[i].p + 1, name, nl) == 0)
			return &vals[i];
	return NULL;
}

static bool msg_span_is(const struct msg_span *v, const char *lit)
{
	return v && v->len == strlen(lit) && memcmp(v->p, lit, v->len) == 0;
}

/* A string or JSON value with its encoding member into out; *has false for null. */
static int msg_take_bytes(const struct msg_span *v, const struct msg_span *enc, struct sbuf *out, bool *has,
			  bool verbatim_json)
{
	*has = false;
	if (v == NULL || msg_span_is(v, "null"))
		return 0;
	*has = true;
	if (v->p[0] != '"') {
		if (!verbatim_json)
			return -1;
		sbuf_addn(out, v->p, v->len);
		return 0;
	}
	struct sbuf text = SBUF_INIT;
	int rc = msg_unstring(&text, v->p, v->len);
	if (rc == 0 && enc && !msg_span_is(enc, "null")) {
		if (msg_span_is(enc, "\"base64\""))
			rc = msg_unbase64(out, sbuf_str(&text), text.len);
		else if (msg_span_is(enc, "\"hex\""))
			rc = msg_unhex(out, sbuf_str(&text), text.len);
		else
			rc = -1;
	} else if (rc == 0) {
		sbuf_addn(out, text.buf, text.len);
	}
	sbuf_free(&text);
	return rc;
}

static int msg_take_int(const struct msg_span *v, int64_t *out)
{
	if (v == NULL || msg_span_is(v, "null"))
		return 0;
	char buf[32];
	if (v->len >= sizeof(buf))
		return -1;
	memcpy(buf, v->p, v->len);
	buf[v->len] = '\0';
	char *end;
	errno = 0;
	long long n = strtoll(buf, &end, 10);
	if (errno || *end)
		return -1;
	*out = n;
	return 0;
}

int msg_parse_json(const char *line, size_t len, struct msg_in *in, char **cause)
{
	struct msg_span keys[16], vals[16];
	int n;
	struct jlex j = { .s = (const unsigned char *)line, .len = len, .max_depth = MSG_JSON_MAX_DEPTH };
	memset(in, 0, sizeof(*in));
	in->partition = -1;
	if (!msg_members(&j, keys, vals, 16, &n) || (jlex_space(&j), j.pos != len)) {
		*cause = x_strdup("not a JSON object: write one object per line, as `tail -o json` prints");
		return -1;
	}
	int64_t part = -1, ts = 0;
	if (msg_take_int(msg_member(keys, vals, n, "partition"), &part) < 0 || part > INT32_MAX ||
	    msg_take_int(msg_member(keys, vals, n, "timestamp"), &ts) < 0) {
		*cause = x_strdup("partition and timestamp must be whole numbers");
		return -1;
	}
	in->partition = (int32_t)part, in->timestamp = ts;
	if (msg_take_bytes(msg_member(keys, vals, n, "key"), msg_member(keys, vals, n, "key_encoding"), &in->key,
			   &in->has_key, false) < 0 ||
	    msg_take_bytes(msg_member(keys, vals, n, "value"), msg_member(keys, vals, n, "encoding"), &in->value,
			   &in->has_value, true) < 0) {
		*cause = x_strdup(
			"key and value must be null, a string (with \"encoding\": base64 or hex), or JSON for value");
		msg_in_clear(in);
		return -1;
	}
	const struct msg_span *hs = msg_member(keys, vals, n, "headers");
	if (hs && !msg_span_is(hs, "null")) {
		struct jlex h = { .s = hs->p, .len = hs->len, .max_depth = MSG_JSON_MAX_DEPTH };
		if (hs->p[0] != '[')
			goto bad_headers;
		h.pos = 1;
		jlex_space(&h);
		while (h.pos < h.len && h.s[h.pos] != ']') {
			struct msg_span hk[8], hv[8];
			int hn;
			if (!msg_members(&h, hk, hv, 8, &hn))
				goto bad_headers;
			in->headers = x_reallocarray(in->headers, (size_t)in->nheaders + 1, sizeof(*in->headers));
			struct msg_in_header *mh = &in->headers[in->nheaders++];
			memset(mh, 0, sizeof(*mh));
			struct sbuf name = SBUF_INIT;
			bool has_name;
			int rc = msg_take_bytes(msg_member(hk, hv, hn, "name"), msg_member(hk, hv, hn, "name_encoding"),
						&name, &has_name, false);
			mh->name = sbuf_release(&name);
			if (rc < 0 || !has_name ||
			    msg_take_bytes(msg_member(hk, hv, hn, "value"), msg_member(hk, hv, hn, "encoding"),
					   &mh->value, &mh->has_value, false) < 0)
				goto bad_headers;
			jlex_space(&h);
			if (h.pos < h.len && h.s[h.pos] == ',') {
				h.pos++;
				jlex_space(&h);
			}
		}
	}
	return 0;
bad_headers:
	*cause = x_strdup("headers must be a list of {\"name\": ..., \"value\": ...}");
	msg_in_clear(in);
	return -1;
}

void msg_in_clear(struct msg_in *in)
{
	sbuf_free(&in->key);
	sbuf_free(&in->value);
	for (int i = 0; i < in->nheaders; i++) {
		free(in->headers[i].name);
		sbuf_free(&in->headers[i].value);
	}
	free(in->headers);
	memset(in, 0, sizeof(*in));
	in->partition = -1;
}

void *msg_copy_after(const struct msg *m, size_t head, struct msg **copy, size_t *bytes)
{
	const size_t align = _Alignof(max_align_t);
	head = (head + align - 1) / align * align;
	size_t tl = m->topic ? strlen(m->topic) + 1 : 0;
	size_t n = head + sizeof(struct msg) + m->nheaders * sizeof(struct msg_header) + tl + m->key_len + m->value_len;
	for (size_t i = 0; i < m->nheaders; i++)
		n += strlen(m->headers[i].name) + 1 + (m->headers[i].value ? m->headers[i].len : 0);
	char *mem = x_malloc(n);
	memset(mem, 0, head);
	struct msg *c = (struct msg *)(mem + head);
	*c = *m;
	c->decoder = c->decode_error = NULL; /* what a decoder made of it belongs to whoever decodes the copy */
	c->schema_id = -1;
	struct msg_header *h = (struct msg_header *)(c + 1);
	char *p = (char *)(h + m->nheaders);
	c->headers = m->nheaders ? h : NULL;
	if (m->topic)
		c->topic = memcpy(p, m->topic, tl), p += tl;
	if (m->key)
		c->key = memcpy(p, m->key, m->key_len), p += m->key_len;
	if (m->value)
		c->value = memcpy(p, m->value, m->value_len), p += m->value_len;
	for (size_t i = 0; i < m->nheaders; i++) {
		size_t nl = strlen(m->headers[i].name) + 1;
		h[i].name = memcpy(p, m->headers[i].name, nl);
		p += nl;
		h[i].len = m->headers[i].len;
		h[i].value = m->headers[i].value ? memcpy(p, m->headers[i].value, m->headers[i].len) : NULL;
		p += m->headers[i].value ? m->headers[i].len : 0;
	}
	*copy = c;
	if (bytes)
		*bytes = n;
	return mem;
}

struct msg *msg_copy(const struct msg *m)
{
	struct msg *c;
	msg_copy_after(m, 0, &c, NULL);
	return c;
}
