/* suggest: "did you mean", the nearest names to a mistyped one by edit distance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "suggest.h"

static void test_suggest_distance(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		size_t limit, want;
	} cases[] = {
		{ "topics", "topics", 3, 0 },  { "topcs", "topics", 3, 1 }, /* a letter left out */
		{ "tpoics", "topics", 3, 1 },                               /* two neighbours swapped */
		{ "topicz", "topics", 3, 1 },                               /* one wrong */
		{ "topicss", "topics", 3, 1 },                              /* one too many */
		{ "", "abc", 5, 3 },           { "abc", "", 5, 3 },
		{ "kitten", "sitting", 5, 3 }, { "kitten", "sitting", 2, 3 }, /* beyond the limit: limit + 1 */
		{ "a", "abcdefgh", 2, 3 },                                    /* lengths alone exceed it */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t got = suggest_distance(cases[i].a, cases[i].b, cases[i].limit);
		if (got != cases[i].want)
			fail_msg("distance(%s, %s, %zu) = %zu, want %zu", cases[i].a, cases[i].b, cases[i].limit, got,
				 cases[i].want);
	}
	char long_word[200];
	memset(long_word, 'a', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	assert_int_equal(suggest_distance(long_word, "a", 3), 4); /* a megabyte of junk costs nothing */
}

static void test_suggest_hint(void **state)
{
	(void)state;
	static const char *const cmds[] = { "topics", "topic",   "groups", "group",   "brokers", "cluster",
					    "tail",   "produce", "help",   "history", "doctor",  "tail" };
	static const struct {
		const char *word, *prefix, *want; /* want NULL: no hint */
	} cases[] = {
		{ "topcs", "", "did you mean `topics` or `topic`?" },
		{ "grups", "", "did you mean `groups` or `group`?" },
		{ "brokres", "", "did you mean `brokers`?" },
		{ "clster", "", "did you mean `cluster`?" },
		{ "tial", "", "did you mean `tail`?" }, /* the repeated candidate counts once */
		{ "hlep", "", "did you mean `help`?" },
		{ "xyzzy", "", NULL }, /* nothing near */
		{ "tail", "", NULL },  /* the word itself is no suggestion */
		{ "zzzzzzzzzzzz", "", NULL },
		{ "docter", "--", "did you mean `--doctor`?" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = suggest_hint(cases[i].word, cmds, sizeof(cmds) / sizeof(cmds[0]), cases[i].prefix);
		if (cases[i].want == NULL ? got != NULL : (got == NULL || strcmp(got, cases[i].want) != 0))
			fail_msg("hint(%s) = %s, want %s", cases[i].word, got ? got : "NULL",
				 cases[i].want ? cases[i].want : "NULL");
		free(got);
	}
}

static void test_suggest_nearest_first(void **state)
{
	(void)state;
	static const char *const cands[] = { "partitions", "partition", "replication-factor", "config" };
	const char *out[2];
	assert_int_equal(suggest_nearest("partitons", cands, 4, out), 2);
	assert_string_equal(out[0], "partitions"); /* distance 1 before partition's 2 */
	assert_string_equal(out[1], "partition");
	assert_int_equal(suggest_nearest("replication-factr", cands, 4, out), 1);
	assert_string_equal(out[0], "replication-factor");
	assert_null(out[1]);
	assert_int_equal(suggest_nearest("q", cands, 4, out), 0);
	assert_int_equal(suggest_nearest("x", cands, 0, out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest_distance),
		cmocka_unit_test(test_suggest_hint),
		cmocka_unit_test(test_suggest_nearest_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
