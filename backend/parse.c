#include "parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "xalloc.h"

struct parse_state {
	const char *p;
	int line;
	struct parse_list *out;
	struct parse_cmd cur;
	size_t cap;
};

static void parse_push_word(struct parse_state *st, struct sbuf *word)
{
	struct parse_cmd *c = &st->cur;
	if (c->argc == 0)
		c->line = st->line;
	c->argv = x_reallocarray(c->argv, (size_t)c->argc + 2, sizeof(char *));
	c->argv[c->argc++] = sbuf_release(word);
	c->argv[c->argc] = NULL;
}

static void parse_end_cmd(struct parse_state *st)
{
	if (st->cur.argc == 0)
		return;
	struct parse_list *l = st->out;
	if (l->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 4;
		l->cmds = x_reallocarray(l->cmds, st->cap, sizeof(*l->cmds));
	}
	l->cmds[l->n++] = st->cur;
	memset(&st->cur, 0, sizeof(st->cur));
}

static int parse_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reads the escape after a backslash at st->p; appends its byte. */
static int parse_escape(struct parse_state *st, struct sbuf *word, char **cause)
{
	char c = *st->p;
	switch (c) {
	case '\0':
		*cause = x_asprintf("line %d: a backslash ends the text: write \\\\ for a backslash", st->line);
		return -1;
	case 'n':
		sbuf_addc(word, '\n');
		break;
	case 't':
		sbuf_addc(word, '\t');
		break;
	case 'r':
		sbuf_addc(word, '\r');
		break;
	case 'x': {
		int hi = parse_hex((unsigned char)st->p[1]);
		int lo = hi < 0 ? -1 : parse_hex((unsigned char)st->p[2]);
		if (lo < 0) {
			*cause = x_asprintf("line %d: \\x needs two hex digits, as in \\x1b", st->line);
			return -1;
		}
		sbuf_addc(word, (char)(hi * 16 + lo));
		st->p += 2;
		break;
	}
	case '\n':
		st->line++; /* a continued line */
		break;
	default:
		sbuf_addc(word, c);
	}
	st->p++;
	return 0;
}

int parse_commands(const char *src, struct parse_list *out, char **cause)
{
	struct parse_state st = { .p = src, .line = 1, .out = out };
	struct sbuf word = SBUF_INIT;
	bool in_word = false;

	for (;;) {
		char c = *st.p;
		if (c == '\0' || c == ';' || c == '\n' || c == ' ' || c == '\t' || c == '\r') {
			if (in_word)
				parse_push_word(&st, &word);
			in_word = false;
			if (c == '\0') {
				parse_end_cmd(&st);
				break;
			}
			if (c == ';' || c == '\n')
				parse_end_cmd(&st);
			if (c == '\n')
				st.line++;
			st.p++;
			continue;
		}
		if (c == '#' && !in_word) {
			while (*st.p != '\0' && *st.p != '\n')
				st.p++;
			continue;
		}
		if (c == '\\' && st.p[1] == '\n') { /* a continued line separates words */
			if (in_word)
				parse_push_word(&st, &word);
			in_word = false;
			st.p += 2;
			st.line++;
			continue;
		}
		in_word = true;
		if (c == '\\') {
			st.p++;
			if (parse_escape(&st, &word, cause) < 0)
				goto fail;
		} else if (c == '\'') {
			const char *end = strchr(st.p + 1, '\'');
			if (end == NULL) {
				*cause = x_asprintf("line %d: unterminated ' quote: close it with '", st.line);
				goto fail;
			}
			for (const char *q = st.p + 1; q < end; q++)
				st.line += *q == '\n';
			sbuf_addn(&word, st.p + 1, (size_t)(end - st.p - 1));
			st.p = end + 1;
		} else if (c == '"') {
			int start = st.line;
			st.p++;
			while (*st.p != '"') {
				if (*st.p == '\0') {
					*cause = x_asprintf("line %d: unterminated \" quote: close it with \"", start);
					goto fail;
				}
				if (*st.p == '\\') {
					st.p++;
					if (parse_escape(&st, &word, cause) < 0)
						goto fail;
					continue;
				}
				st.line += *st.p == '\n';
				sbuf_addc(&word, *st.p++);
			}
			st.p++;
			/* "" is an empty word: make sure it is pushed even with nothing in it */
			if (word.buf == NULL)
				sbuf_addn(&word, "", 0);
		} else {
			sbuf_addc(&word, c);
			st.p++;
		}
	}
	sbuf_free(&word);
	return 0;
fail:
	sbuf_free(&word);
	for (int i = 0; i < st.cur.argc; i++)
		free(st.cur.argv[i]);
	free(st.cur.argv);
	parse_list_clear(out);
	return -1;
}

void parse_list_clear(struct parse_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (int j = 0; j < l->cmds[i].argc; j++)
			free(l->cmds[i].argv[j]);
		free(l->cmds[i].argv);
	}
	x_free(&l->cmds);
	l->n = 0;
}

char *parse_quote(const char *word)
{
	bool plain = *word != '\0' && *word != '#';
	for (const char *p = word; *p && plain; p++)
		plain = isalnum((unsigned char)*p) || strchr("-_.,:=/@+%*?[]^$!<>{}()|~", *p);
	if (plain)
		return x_strdup(word);
	struct sbuf sb = SBUF_INIT;
	sbuf_addc(&sb, '"');
	for (const unsigned char *p = (const unsigned char *)word; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_addf(&sb, "\\%c", *p);
		else if (*p == '\n')
			sbuf_add(&sb, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			sbuf_addf(&sb, "\\x%02x", *p);
		else
			sbuf_addc(&sb, (char)*p);
	}
	sbuf_addc(&sb, '"');
	return sbuf_release(&sb);
}

char *parse_join(int argc, char *const *argv)
{
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < argc; i++) {
		char *q = parse_quote(argv[i]);
		if (i)
			sbuf_addc(&sb, ' ');
		sbuf_add(&sb, q);
		free(q);
	}
	return sbuf_release(&sb);
}
