#include "escape.h"

#include <ctype.h>
#include <string.h>

#include "xalloc.h"

/* Format characters (Unicode category Cf), separators and bidi controls: never shown raw. */
static const struct {
	uint32_t lo, hi;
} escape_deny[] = {
	{ 0x0080, 0x009f },                       /* C1 controls, including CSI U+009B */
	{ 0x00ad, 0x00ad },                       /* soft hyphen */
	{ 0x0600, 0x0605 },   { 0x061c, 0x061c }, /* Arabic letter mark */
	{ 0x06dd, 0x06dd },   { 0x070f, 0x070f },   { 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 },   { 0x180e, 0x180e }, /* Mongolian vowel separator */
	{ 0x200b, 0x200f },                       /* zero width space .. right-to-left mark */
	{ 0x2028, 0x202e },                       /* line/paragraph separators, LRE RLE PDF LRO RLO */
	{ 0x2060, 0x206f },                       /* word joiner .. LRI RLI FSI PDI, deprecated format */
	{ 0xfeff, 0xfeff },                       /* byte order mark */
	{ 0xfff9, 0xfffb },                       /* interlinear annotation */
	{ 0x110bd, 0x110bd }, { 0x110cd, 0x110cd }, { 0x13430, 0x1343f },
	{ 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a }, { 0xe0000, 0xe007f }, /* tags */
};

bool escape_cp_allowed(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f)
		return false;
	if (cp < 0x7f)
		return true;
	for (size_t i = 0; i < sizeof(escape_deny) / sizeof(escape_deny[0]); i++)
		if (cp >= escape_deny[i].lo && cp <= escape_deny[i].hi)
			return false;
	return true;
}

size_t escape_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (len == 0)
		return 0;
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

void escape_append(struct sbuf *sb, const void *buf, size_t len)
{
	const unsigned char *s = buf;
	size_t i = 0, run = 0; /* s[run..i) is clean and not yet copied */
	while (i < len) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') { /* printable ASCII: allowed, no decoding */
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = escape_utf8_decode(s + i, len - i, &cp);
		if (n > 0 && cp != '\\' && escape_cp_allowed(cp)) {
			i += n;
			continue;
		}
		sbuf_addn(sb, s + run, i - run);
		if (n > 0 && cp == '\\') {
			sbuf_add(sb, "\\\\");
			i += 1;
		} else {
			/* A rejected character is escaped byte by byte: \xNN for each of its bytes. */
			size_t bad = n ? n : 1;
			for (size_t k = 0; k < bad; k++)
				sbuf_addf(sb, "\\x%02x", s[i + k]);
			i += bad;
		}
		run = i;
	}
	sbuf_addn(sb, s + run, i - run);
}

char *escape_str(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	if (s)
		escape_append(&sb, s, strlen(s));
	return sbuf_release(&sb);
}

bool escape_is_clean(const void *buf, size_t len)
{
	const unsigned char *s = buf;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = escape_utf8_decode(s + i, len - i, &cp);
		if (n == 0 || cp == '\\' || !escape_cp_allowed(cp))
			return false;
		i += n;
	}
	return true;
}

void escape_json_text(struct sbuf *sb, const char *json)
{
	const unsigned char *s = (const unsigned char *)json;
	size_t len = strlen(json), i = 0, run = 0;
	while (i < len) {
		if (s[i] == '\\' && i + 1 < len) {
			/* An escape of jansson's: passed on, with the hex digits of \uXXXX in lower case as ours */
			size_t n = s[i + 1] == 'u' && i + 6 <= len ? 6 : 2;
			sbuf_addn(sb, s + run, i - run);
			for (size_t k = 0; k < n; k++)
				sbuf_addc(sb, k >= 2 ? (char)tolower(s[i + k]) : (char)s[i + k]);
			run = i += n;
			continue;
		}
		uint32_t cp;
		size_t n = escape_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			/* Not valid UTF-8: jansson never produces it; show the byte, never pass it. */
			sbuf_addn(sb, s + run, i - run);
			sbuf_addf(sb, "\\u00%02x", s[i]);
			run = ++i;
			continue;
		}
		if (cp < 0x20 || escape_cp_allowed(cp)) { /* C0 inside strings is already escaped */
			i += n;
			continue;
		}
		sbuf_addn(sb, s + run, i - run);
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			sbuf_addf(sb, "\\u%04x\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
		} else {
			sbuf_addf(sb, "\\u%04x", cp);
		}
		i += n;
		run = i;
	}
	sbuf_addn(sb, s + run, i - run);
}

/* East Asian Wide and Fullwidth ranges, and emoji: two columns. Combining marks: zero. */
static int escape_cp_width(uint32_t cp)
{
	if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp != 0x303f) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

size_t escape_width(const char *s)
{
	size_t w = 0, len = strlen(s);
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = escape_utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			w++, i++;
			continue;
		}
		w += (size_t)escape_cp_width(cp);
		i += n;
	}
	return w;
}

size_t escape_fit(const char *s, size_t max)
{
	size_t w = 0, len = strlen(s), i = 0;
	const unsigned char *u = (const unsigned char *)s;
	while (i < len) {
		uint32_t cp;
		size_t n = escape_utf8_decode(u + i, len - i, &cp);
		int cw = n ? escape_cp_width(cp) : 1;
		if (n == 0)
			n = 1;
		if (w + (size_t)cw > max)
			break;
		w += (size_t)cw;
		i += n;
	}
	return i;
}

char *escape_utf8_fix(const void *buf, size_t len)
{
	const unsigned char *s = buf;
	struct sbuf sb = SBUF_INIT;
	size_t run = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = s[i] < 0x80 ? 1 : escape_utf8_decode(s + i, len - i, &cp);
		if (n) {
			i += n;
			continue;
		}
		sbuf_addn(&sb, s + run, i - run);
		sbuf_add(&sb, "\xef\xbf\xbd"); /* U+FFFD */
		run = ++i;
	}
	sbuf_addn(&sb, s + run, i - run);
	return sbuf_release(&sb);
}
