/* lines: a text pane's lines, wrapped to a width, split at newlines, untrusted bytes escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lines.h"
#include "sbuf.h"

enum lines_how { WRAP, SPLIT, ESCAPE };

struct lines_case {
	enum lines_how how;
	const char *in;
	size_t len; /* ESCAPE: the bytes of in (it may hold a NUL) */
	int width;
	const char *want; /* the lines joined by '|' */
};

static const struct lines_case lines_cases[] = {
	{ WRAP, "abcdef", 0, 4, "abc|def" },
	{ WRAP, "abcdefg", 0, 4, "abc|def|g" },
	{ WRAP, "abc", 0, 4, "abc" },
	{ WRAP, "", 0, 10, "" },
	{ WRAP, "abcdef", 0, 0, "abcdef" }, /* no width: not cut */
	{ WRAP, "ab", 0, 1, "a|b" },        /* at least a column a line */
	{ WRAP, "\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2", 0, 5, "\xe6\xbc\xa2\xe5\xad\x97|\xe6\xbc\xa2" }, /* wide: 2 */
	{ WRAP, "a\xe6\xbc\xa2", 0, 3, "a|\xe6\xbc\xa2" },                       /* never cut inside a character */
	{ WRAP, "\xe6\xbc\xa2\xe5\xad\x97", 0, 2, "\xe6\xbc\xa2|\xe5\xad\x97" }, /* wider than the screen: one a line */
	{ SPLIT, "a\nb\n", 0, 0, "a|b" },                                        /* a final newline: no empty line */
	{ SPLIT, "a\n\nb", 0, 0, "a||b" },
	{ SPLIT, "abcd\nef", 0, 3, "ab|cd|ef" },
	{ ESCAPE,
	  "a\x01"
	  "b\nc\n",
	  6, 0, "a\\x01b|c|" }, /* a final newline: an empty line */
	{ ESCAPE, "", 0, 0, "" },
	{ ESCAPE, "\x1b[31mred", 8, 0, "\\x1b[31mred" },
	{ ESCAPE, "a\0b", 3, 0, "a\\x00b" },
	{ ESCAPE, "\x7f\x7f", 2, 5, "\\x7f|\\x7f" }, /* wrapped after escaping */
};

static char *lines_joined(const struct lines *l)
{
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < l->n; i++)
		sbuf_addf(&sb, "%s%s", i ? "|" : "", l->v[i]);
	return sbuf_release(&sb);
}

static void test_lines_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lines_cases) / sizeof(lines_cases[0]); i++) {
		const struct lines_case *c = &lines_cases[i];
		struct lines l = { 0 };
		if (c->how == WRAP)
			lines_wrap(&l, c->in, c->width);
		else if (c->how == SPLIT)
			lines_split(&l, c->in, c->width);
		else
			lines_escape(&l, c->in, c->len, c->width);
		char *got = lines_joined(&l);
		if (strcmp(got, c->want) != 0)
			fail_msg("case %zu (%s): got `%s`, want `%s`", i, c->in, got, c->want);
		free(got);
		lines_clear(&l);
	}
}

static void test_lines_empty_split(void **state)
{
	(void)state;
	struct lines l = { 0 };
	lines_split(&l, "", 80);
	assert_int_equal(l.n, 0);
	lines_clear(&l);
}

/* A long line wraps into many (and in linear time: the test would time out otherwise). */
static void test_lines_long(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, 'x', n);
	s[n] = '\0';
	struct lines l = { 0 };
	lines_wrap(&l, s, 81);
	assert_int_equal(l.n, (int)((n + 79) / 80));
	assert_int_equal(strlen(l.v[0]), 80);
	assert_int_equal(strlen(l.v[l.n - 1]), n % 80 ? n % 80 : 80);
	lines_clear(&l);
	free(s);
}

static void test_lines_set_and_reuse(void **state)
{
	(void)state;
	struct lines l = { 0 };
	lines_wrap(&l, "value", 0);
	lines_addn(&l, "abcdef", 3);
	lines_set(&l, 0, "value 3 bytes");
	char *got = lines_joined(&l);
	assert_string_equal(got, "value 3 bytes|abc");
	free(got);
	lines_clear(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	lines_wrap(&l, "again", 0); /* a cleared list is an empty one */
	assert_int_equal(l.n, 1);
	lines_clear(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_table),
		cmocka_unit_test(test_lines_empty_split),
		cmocka_unit_test(test_lines_long),
		cmocka_unit_test(test_lines_set_and_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
