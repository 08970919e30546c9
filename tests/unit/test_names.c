/* names: the topic names, group ids and principals Kafka can hold, and the reasons it cannot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "err.h"
#include "names.h"
#include "xalloc.h"

struct names_case {
	const char *in;
	const char *error; /* NULL: accepted; else a part of the cause */
};

/* A string of n copies of c (caller frees). */
static char *repeat(char c, size_t n)
{
	char *s = x_malloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void check(int (*fn)(const char *, struct err *), const struct names_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct err e = { 0 };
		int rc = fn(cases[i].in, &e);
		if (cases[i].error == NULL) {
			if (rc != CMD_OK)
				fail_msg("`%s` refused: %s", cases[i].in, e.cause);
			assert_null(e.cause);
			continue;
		}
		if (rc != CMD_USAGE || e.status != CMD_USAGE)
			fail_msg("`%s` accepted", cases[i].in);
		if (strstr(e.cause, cases[i].error) == NULL)
			fail_msg("`%s`: cause `%s` lacks `%s`", cases[i].in, e.cause, cases[i].error);
		assert_non_null(e.hint);
		err_clear(&e);
	}
}

static void test_names_topic(void **state)
{
	(void)state;
	char *longest = repeat('a', 249), *too_long = repeat('a', 250);
	const struct names_case cases[] = {
		{ "orders", NULL },
		{ "a.b_c-D9", NULL },
		{ "...", NULL },
		{ ".x", NULL },
		{ longest, NULL },
		{ "", "is empty" },
		{ ".", "cannot be a topic name" },
		{ "..", "cannot be a topic name" },
		{ too_long, "is 250 bytes long" },
		{ "a b", "cannot be a topic name" },
		{ "a/b", "cannot be a topic name" },
		{ "a:0", "cannot be a topic name" },
		{ "\xff", "cannot be a topic name" },
		{ "caf\xc3\xa9", "cannot be a topic name" }, /* UTF-8, but not Kafka's characters */
		{ "x\x1b[2J", "cannot be a topic name" },
	};
	check(names_check_topic, cases, sizeof(cases) / sizeof(cases[0]));
	free(longest);
	free(too_long);
}

static void test_names_group(void **state)
{
	(void)state;
	char *longest = repeat('g', NAMES_STRING_MAX), *too_long = repeat('g', NAMES_STRING_MAX + 1);
	const struct names_case cases[] = {
		{ "g", NULL },
		{ "my group/with:any chars", NULL },
		{ "\xc3\xa9t\xc3\xa9", NULL }, /* été in UTF-8 */
		{ "\xf0\x9f\x98\x80", NULL },  /* an emoji */
		{ longest, NULL },
		{ "", "is empty" },
		{ too_long, "bytes long" },
		{ "\xff", "not valid UTF-8" },
		{ "\xe9t\xe9", "not valid UTF-8" },        /* été in Latin-1 */
		{ "\xc0\xaf", "not valid UTF-8" },         /* overlong '/' */
		{ "\xed\xa0\x80", "not valid UTF-8" },     /* a surrogate */
		{ "\xf4\x90\x80\x80", "not valid UTF-8" }, /* above U+10FFFF */
		{ "ab\xc3", "not valid UTF-8" },           /* truncated */
	};
	check(names_check_group, cases, sizeof(cases) / sizeof(cases[0]));
	free(longest);
	free(too_long);
}

static void test_names_principal(void **state)
{
	(void)state;
	const struct names_case cases[] = {
		{ "User:alice", NULL },        { "User:*", NULL },           { "Group:ops:eu", NULL },
		{ "User:\xc3\xa9", NULL },     { "", "is empty" },           { "alice", "not Type:name" },
		{ ":alice", "not Type:name" }, { "User:", "not Type:name" }, { "User:\xff", "not valid UTF-8" },
	};
	check(names_check_principal, cases, sizeof(cases) / sizeof(cases[0]));
}

/* A hostile name is quoted in part: a cause stays short. */
static void test_names_cause_is_bounded(void **state)
{
	(void)state;
	char *huge = repeat('\xff', 1 << 20);
	struct err e = { 0 };
	assert_int_equal(names_check_group(huge, &e), CMD_USAGE);
	assert_true(strlen(e.cause) < 200);
	err_clear(&e);
	assert_int_equal(names_check_topic(huge, &e), CMD_USAGE);
	assert_true(strlen(e.cause) < 200);
	err_clear(&e);
	free(huge);
}

/* One matcher for every name pattern: a glob matches whole names, a plain word anywhere. */
static void test_names_match(void **state)
{
	(void)state;
	static const struct {
		const char *pattern, *name;
		bool match;
	} cases[] = {
		{ NULL, "orders", true },          /* no pattern: everything */
		{ "", "orders", true },            /* an empty word is in every name */
		{ "ord", "orders", true },         /* a plain word: anywhere in the name */
		{ "ders", "orders", true },        /* ... the end too */
		{ "Orders", "orders", false },     /* names are case-sensitive */
		{ "orders-eu", "orders", false },  /* longer than the name */
		{ "orders-*", "orders-eu", true }, /* a glob: the whole name */
		{ "orders-*", "orders", false },
		{ "*-eu", "orders-eu", true },
		{ "ord*", "my-orders", false }, /* a glob is anchored at both ends */
		{ "orders-??", "orders-eu", true },
		{ "orders-?", "orders-eu", false },
		{ "orders-[ab]", "orders-a", true },
		{ "orders-[ab]", "orders-c", false },
		{ "app.v1", "app.v1", true }, /* . is no wildcard */
		{ "app.v1", "appxv1", false },
		{ "a\\b", "a\\b", true }, /* a group id may hold a backslash: a plain word */
		{ "*", "", true },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (names_match(cases[i].pattern, cases[i].name) != cases[i].match)
			fail_msg("names_match(%s, %s) != %d", cases[i].pattern ? cases[i].pattern : "NULL",
				 cases[i].name, cases[i].match);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_topic),     cmocka_unit_test(test_names_group),
		cmocka_unit_test(test_names_principal), cmocka_unit_test(test_names_cause_is_bounded),
		cmocka_unit_test(test_names_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
