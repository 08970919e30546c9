#include "pretty.h"

#include <stdbool.h>
#include <string.h>

#include "jlex.h"
#include "msg.h"

/* Writes each token of the value jlex reads, re-indented. */
struct pj {
	struct sbuf *out;
	int indent;
	bool opened; /* the last token opened a container or separated two of its items */
};

static void pj_newline(struct pj *p, int depth)
{
	sbuf_addc(p->out, '\n');
	sbuf_pad(p->out, ' ', (size_t)depth * (size_t)p->indent);
}

static void pj_token(struct jlex *j, enum jlex_tok tok, const unsigned char *t, size_t n, int depth)
{
	struct pj *p = j->ud;
	bool opened = p->opened;
	p->opened = tok == JLEX_OPEN || tok == JLEX_COMMA;
	if (opened && tok != JLEX_CLOSE) /* an item: on a line of its own */
		pj_newline(p, depth);
	switch (tok) {
	case JLEX_CLOSE:
		if (!opened) /* {} and [] stay on one line */
			pj_newline(p, depth);
		sbuf_addc(p->out, (char)*t);
		break;
	case JLEX_COLON:
		sbuf_add(p->out, ": ");
		break;
	default: /* { [ , and the scalars: as they are */
		sbuf_addn(p->out, t, n);
		break;
	}
}

int pretty_json(struct sbuf *sb, const void *buf, size_t len, int indent)
{
	if (buf == NULL || !msg_utf8_valid(buf, len))
		return -1;
	size_t mark = sb->len;
	struct pj p = { .out = sb, .indent = indent < 0 ? 0 : indent };
	struct jlex j = { .s = buf, .len = len, .max_depth = PRETTY_JSON_MAX_DEPTH, .token = pj_token, .ud = &p };
	jlex_space(&j);
	bool ok = jlex_value(&j, 0);
	jlex_space(&j);
	if (!ok || j.pos != j.len) {
		sb->len = mark;
		if (sb->buf)
			sb->buf[mark] = '\0';
		return -1;
	}
	return 0;
}

int pretty_hexdump_width(int per_line)
{
	if (per_line < 1)
		per_line = 1;
	/* offset, 2 spaces, "xx " per byte, a gap per full group of 8 after the first, |ascii| */
	return 8 + 2 + 3 * per_line + (per_line - 1) / 8 + 1 + per_line + 1;
}

void pretty_hexdump(struct sbuf *sb, const void *buf, size_t len, int per_line)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = buf;
	if (per_line < 1)
		per_line = 1;
	size_t n = (size_t)per_line;
	for (size_t off = 0; off < len; off += n) {
		sbuf_addf(sb, "%08zx  ", off);
		for (size_t i = 0; i < n; i++) {
			if (i && i % 8 == 0)
				sbuf_addc(sb, ' ');
			if (off + i < len) {
				sbuf_addc(sb, hex[p[off + i] >> 4]);
				sbuf_addc(sb, hex[p[off + i] & 15]);
				sbuf_addc(sb, ' ');
			} else {
				sbuf_add(sb, "   ");
			}
		}
		sbuf_addc(sb, '|');
		for (size_t i = 0; i < n && off + i < len; i++)
			sbuf_addc(sb, p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.');
		sbuf_add(sb, "|\n");
	}
}
