#include "pretty.h"

#include <stdbool.h>
#include <string.h>

#include "msg.h"

/* A recursive-descent JSON reader that writes what it reads, re-indented. */
struct pj {
	const unsigned char *s;
	size_t len, pos;
	int indent;
	struct sbuf *out;
};

static void pj_space(struct pj *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos] != '\0')
		p->pos++;
}

static void pj_newline(struct pj *p, int depth)
{
	sbuf_addc(p->out, '\n');
	sbuf_pad(p->out, ' ', (size_t)depth * (size_t)p->indent);
}

static bool pj_digits(struct pj *p)
{
	size_t start = p->pos;
	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos > start;
}

static bool pj_number(struct pj *p)
{
	size_t start = p->pos;
	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (!pj_digits(p))
		return false;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (!pj_digits(p))
			return false;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (!pj_digits(p))
			return false;
	}
	sbuf_addn(p->out, p->s + start, p->pos - start);
	return true;
}

static bool pj_string(struct pj *p)
{
	size_t start = p->pos++;
	while (p->pos < p->len) {
		unsigned char c = p->s[p->pos++];
		if (c == '"') {
			sbuf_addn(p->out, p->s + start, p->pos - start);
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (p->pos >= p->len)
			return false;
		c = p->s[p->pos++];
		if (c == 'u') {
			for (int i = 0; i < 4; i++, p->pos++)
				if (p->pos >= p->len || !strchr("0123456789abcdefABCDEF", p->s[p->pos]) ||
				    p->s[p->pos] == '\0')
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
			return false;
		}
	}
	return false;
}

static bool pj_value(struct pj *p, int depth);

/* An array or an object: open is '[' or '{'. */
static bool pj_container(struct pj *p, int depth)
{
	bool object = p->s[p->pos] == '{';
	char close = object ? '}' : ']';
	if (depth >= PRETTY_JSON_MAX_DEPTH)
		return false;
	sbuf_addc(p->out, (char)p->s[p->pos++]);
	pj_space(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		sbuf_addc(p->out, close);
		return true;
	}
	for (;;) {
		pj_newline(p, depth + 1);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"' || !pj_string(p))
				return false;
			pj_space(p);
			if (p->pos >= p->len || p->s[p->pos++] != ':')
				return false;
			sbuf_add(p->out, ": ");
			pj_space(p);
		}
		if (!pj_value(p, depth + 1))
			return false;
		pj_space(p);
		if (p->pos >= p->len)
			return false;
		char c = (char)p->s[p->pos++];
		if (c == close) {
			pj_newline(p, depth);
			sbuf_addc(p->out, close);
			return true;
		}
		if (c != ',')
			return false;
		sbuf_addc(p->out, ',');
		pj_space(p);
	}
}

static bool pj_literal(struct pj *p, const char *word)
{
	size_t n = strlen(word);
	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return false;
	p->pos += n;
	sbuf_add(p->out, word);
	return true;
}

static bool pj_value(struct pj *p, int depth)
{
	if (p->pos >= p->len)
		return false;
	switch (p->s[p->pos]) {
	case '{':
	case '[':
		return pj_container(p, depth);
	case '"':
		return pj_string(p);
	case 't':
		return pj_literal(p, "true");
	case 'f':
		return pj_literal(p, "false");
	case 'n':
		return pj_literal(p, "null");
	default:
		return (p->s[p->pos] == '-' || (p->s[p->pos] >= '0' && p->s[p->pos] <= '9')) && pj_number(p);
	}
}

int pretty_json(struct sbuf *sb, const void *buf, size_t len, int indent)
{
	if (buf == NULL || !msg_utf8_valid(buf, len))
		return -1;
	size_t mark = sb->len;
	struct pj p = { .s = buf, .len = len, .indent = indent < 0 ? 0 : indent, .out = sb };
	pj_space(&p);
	bool ok = pj_value(&p, 0);
	pj_space(&p);
	if (!ok || p.pos != p.len) {
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
