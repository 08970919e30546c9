/* parse: the command language's lexer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

/* Each case: source text and the expected commands, words joined with '|', commands with '/'. */
static const struct {
	const char *src;
	const char *want; /* NULL: a parse error whose message contains err */
	const char *err;
} cases[] = {
	{ "topics", "topics", NULL },
	{ "  topics   --internal  ", "topics|--internal", NULL },
	{ "topics; groups", "topics/groups", NULL },
	{ "topics;;; ;groups;", "topics/groups", NULL },
	{ "topics\ngroups\n", "topics/groups", NULL },
	{ "topic describe 'my topic'", "topic|describe|my topic", NULL },
	{ "produce t \"a \\\"quoted\\\" value\"", "produce|t|a \"quoted\" value", NULL },
	{ "produce t 'semi;colon' \"#not comment\"", "produce|t|semi;colon|#not comment", NULL },
	{ "topics # a comment; groups", "topics", NULL },
	{ "# only a comment\ntopics", "topics", NULL },
	{ "a#b", "a#b", NULL },
	{ "x \\x41\\x42 \"\\t\"", "x|AB|\t", NULL },
	{ "x semi\\;colon", "x|semi;colon", NULL },
	{ "x ''", "x|", NULL },
	{ "x \"\"", "x|", NULL },
	{ "x 'a'\"b\"c", "x|abc", NULL },
	{ "x \\\n y", "x|y", NULL },
	{ "", "", NULL },
	{ "x 'open", NULL, "unterminated '" },
	{ "x \"open", NULL, "unterminated \"" },
	{ "x \\x4", NULL, "two hex digits" },
	{ "x \\", NULL, "backslash" },
};

static char *join(const struct parse_list *l)
{
	size_t cap = 1;
	for (size_t i = 0; i < l->n; i++)
		for (int j = 0; j < l->cmds[i].argc; j++)
			cap += strlen(l->cmds[i].argv[j]) + 1;
	char *s = calloc(1, cap);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			strcat(s, "/");
		for (int j = 0; j < l->cmds[i].argc; j++) {
			if (j)
				strcat(s, "|");
			strcat(s, l->cmds[i].argv[j]);
		}
		assert_null(l->cmds[i].argv[l->cmds[i].argc]);
	}
	return s;
}

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parse_list l = { 0 };
		char *cause = NULL;
		int rc = parse_commands(cases[i].src, &l, &cause);
		if (cases[i].want) {
			assert_int_equal(rc, 0);
			char *got = join(&l);
			assert_string_equal(got, cases[i].want);
			free(got);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(cause, cases[i].err));
			assert_int_equal(l.n, 0);
			free(cause);
		}
		parse_list_clear(&l);
	}
}

static void test_parse_lines(void **state)
{
	(void)state;
	struct parse_list l = { 0 };
	char *cause = NULL;
	assert_int_equal(parse_commands("a\n\nb 'x\ny'\nc", &l, &cause), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.cmds[0].line, 1);
	assert_int_equal(l.cmds[1].line, 3);
	assert_int_equal(l.cmds[2].line, 5);
	parse_list_clear(&l);
	assert_int_equal(parse_commands("a\nb \"x", &l, &cause), -1);
	assert_non_null(strstr(cause, "line 2"));
	free(cause);
}

static void test_parse_quote_roundtrip(void **state)
{
	(void)state;
	const char *words[] = { "plain", "with space", "q\"uote", "back\\slash", "semi;colon",
				"#hash", "",           "nl\nx",   "esc\x1b" };
	char *argv[sizeof(words) / sizeof(words[0])];
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		argv[i] = (char *)words[i];
	char *line = parse_join((int)(sizeof(words) / sizeof(words[0])), argv);
	struct parse_list l = { 0 };
	char *cause = NULL;
	assert_int_equal(parse_commands(line, &l, &cause), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.cmds[0].argc, (int)(sizeof(words) / sizeof(words[0])));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		assert_string_equal(l.cmds[0].argv[i], words[i]);
	parse_list_clear(&l);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_parse_quote_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
