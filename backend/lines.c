#include "lines.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "sbuf.h"
#include "xalloc.h"

void lines_clear(struct lines *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct lines){ 0 };
}

void lines_addn(struct lines *l, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = x_reallocarray(l->v, (size_t)l->cap, sizeof(char *));
	}
	l->v[l->n++] = x_strndup(s, len);
}

void lines_set(struct lines *l, int i, const char *s)
{
	free(l->v[i]);
	l->v[i] = x_strdup(s);
}

/* Each cut looks at a bounded window (a column is at most 4 bytes), so a long line wraps in linear time. */
void lines_wrap(struct lines *l, const char *s, int width)
{
	size_t len = strlen(s);
	if (width <= 0) {
		lines_addn(l, s, len);
		return;
	}
	size_t max = width > 1 ? (size_t)width - 1 : 1;
	do {
		char *window = x_strndup(s, len < 4 * max + 4 ? len : 4 * max + 4);
		size_t n = escape_fit(window, max);
		free(window);
		if (n == 0 && len) { /* a character wider than the screen: one a line */
			uint32_t cp;
			n = escape_utf8_decode((const unsigned char *)s, len, &cp);
			n = n ? n : 1;
		}
		lines_addn(l, s, n);
		s += n;
		len -= n;
	} while (len);
}

void lines_split(struct lines *l, const char *s, int width)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		char *line = x_strndup(s, n);
		lines_wrap(l, line, width);
		free(line);
		s += n + (s[n] == '\n');
	}
}

void lines_escape(struct lines *l, const char *buf, size_t len, int width)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		struct sbuf sb = SBUF_INIT;
		escape_append(&sb, buf + start, i - start);
		lines_wrap(l, sbuf_str(&sb), width);
		sbuf_free(&sb);
		start = i + 1;
	}
}
