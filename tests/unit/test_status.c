/* status: the consumer status rules over a window of samples, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "status.h"

#define P(t, c, e)                                                                                                     \
	{                                                                                                              \
		(t) * 1000LL, (c), (e), false                                                                          \
	}
#define GAP(t)                                                                                                         \
	{                                                                                                              \
		(t) * 1000LL, -1, -1, true                                                                             \
	}

struct status_case {
	const char *name;
	struct status_point p[8];
	size_t n;
	int64_t since_s;
	enum status_members members;
	enum status_code want;
	int64_t lag;
};

static const struct status_case status_cases[] = {
	{ "nothing stored", { { 0 } }, 0, 0, STATUS_MEMBERS_NONE, STATUS_UNKNOWN, -1 },
	{ "one sample with lag", { P(10, 5, 9) }, 1, 0, STATUS_MEMBERS_NONE, STATUS_UNKNOWN, 4 },
	{ "one sample caught up", { P(10, 9, 9) }, 1, 0, STATUS_MEMBERS_NONE, STATUS_OK, 0 },
	{ "caught up at the end", { P(10, 0, 9), P(20, 0, 9), P(30, 9, 9) }, 3, 0, STATUS_MEMBERS_SOME, STATUS_OK, 0 },
	{ "consuming, lag shrinks",
	  { P(10, 0, 100), P(20, 50, 120), P(30, 100, 130) },
	  3,
	  0,
	  STATUS_MEMBERS_SOME,
	  STATUS_OK,
	  30 },
	{ "consuming, lag steady up and down",
	  { P(10, 0, 100), P(20, 50, 170), P(30, 100, 190) },
	  3,
	  0,
	  STATUS_MEMBERS_SOME,
	  STATUS_OK,
	  90 },
	{ "consuming, lag grows throughout",
	  { P(10, 0, 100), P(20, 50, 160), P(30, 100, 220) },
	  3,
	  0,
	  STATUS_MEMBERS_SOME,
	  STATUS_WARN,
	  120 },
	{ "members, offset stuck, lag steady",
	  { P(10, 5, 100), P(20, 5, 100) },
	  2,
	  0,
	  STATUS_MEMBERS_SOME,
	  STATUS_STALL,
	  95 },
	{ "members, offset stuck, lag grows",
	  { P(10, 5, 100), P(20, 5, 200) },
	  2,
	  0,
	  STATUS_MEMBERS_SOME,
	  STATUS_STALL,
	  195 },
	{ "no members, lag grows",
	  { P(10, 5, 5), P(20, 5, 50), P(30, 5, 80) },
	  3,
	  0,
	  STATUS_MEMBERS_NONE,
	  STATUS_STOP,
	  75 },
	{ "unknown members, lag grows", { P(10, 5, 5), P(20, 5, 50) }, 2, 0, STATUS_MEMBERS_UNKNOWN, STATUS_STOP, 45 },
	{ "no members, lag steady", { P(10, 5, 50), P(20, 5, 50) }, 2, 0, STATUS_MEMBERS_NONE, STATUS_STALL, 45 },
	{ "ahead of the end", { P(10, 5, 50), P(20, 60, 50) }, 2, 0, STATUS_MEMBERS_SOME, STATUS_ERR, 0 },
	{ "ahead of the end, one sample", { P(20, 60, 50) }, 1, 0, STATUS_MEMBERS_SOME, STATUS_ERR, 0 },
	{ "reset back", { P(10, 50, 50), P(20, 10, 60), P(30, 60, 60) }, 3, 0, STATUS_MEMBERS_SOME, STATUS_ERR, 0 },
	/* the window starts at the newest point at or before since: older points do not count */
	{ "old reset outside the window",
	  { P(10, 50, 50), P(20, 10, 60), P(30, 60, 60) },
	  3,
	  25,
	  STATUS_MEMBERS_SOME,
	  STATUS_OK,
	  0 },
	{ "old growth before the window, stuck since",
	  { P(10, 5, 5), P(20, 5, 50), P(30, 5, 50), P(40, 5, 50) },
	  4,
	  30,
	  STATUS_MEMBERS_NONE,
	  STATUS_STALL,
	  45 },
	{ "baseline before the window start",
	  { P(10, 5, 5), P(20, 5, 50), P(30, 5, 90) },
	  3,
	  15,
	  STATUS_MEMBERS_NONE,
	  STATUS_STOP,
	  85 },
	/* only points after the last gap count */
	{ "gap resets the window",
	  { P(10, 50, 50), P(20, 10, 60), GAP(25), P(30, 60, 70), P(40, 70, 70) },
	  5,
	  0,
	  STATUS_MEMBERS_SOME,
	  STATUS_OK,
	  0 },
	{ "gap at the end", { P(10, 5, 5), P(20, 5, 50), GAP(30) }, 3, 0, STATUS_MEMBERS_NONE, STATUS_UNKNOWN, -1 },
	/* unknown offsets are skipped */
	{ "unknown end skipped",
	  { P(10, 5, 5), P(20, 5, -1), P(30, 5, 80) },
	  3,
	  0,
	  STATUS_MEMBERS_NONE,
	  STATUS_STOP,
	  75 },
	{ "no commit at all", { P(10, -1, 5), P(20, -1, 50) }, 2, 0, STATUS_MEMBERS_NONE, STATUS_UNKNOWN, -1 },
};

static void test_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(status_cases) / sizeof(status_cases[0]); i++) {
		const struct status_case *c = &status_cases[i];
		struct status_result r = status_eval(c->p, c->n, c->since_s * 1000, c->members);
		if (r.code != c->want || r.lag != c->lag)
			fail_msg("%s: got %s (%s) lag %lld, want %s lag %lld", c->name, status_name(r.code), r.reason,
				 (long long)r.lag, status_name(c->want), (long long)c->lag);
		assert_non_null(r.reason);
	}
}

static void test_names(void **state)
{
	(void)state;
	for (int i = 0; i < STATUS_COUNT; i++)
		assert_int_equal(status_parse(status_name((enum status_code)i)), i);
	assert_int_equal(status_parse("stop"), STATUS_STOP);
	assert_int_equal(status_parse("bad"), -1);
	assert_string_equal(status_name((enum status_code)99), "UNKNOWN");
	assert_int_equal(status_worst(STATUS_OK, STATUS_STOP), STATUS_STOP);
	assert_int_equal(status_worst(STATUS_ERR, STATUS_WARN), STATUS_ERR);
	assert_int_equal(status_worst(STATUS_UNKNOWN, STATUS_OK), STATUS_OK);
}

static void test_parse_set(void **state)
{
	(void)state;
	unsigned set;
	char *cause = NULL;
	assert_int_equal(status_parse_set("STOP,stall", &set, &cause), 0);
	assert_int_equal(set, (1u << STATUS_STOP) | (1u << STATUS_STALL));
	assert_int_equal(status_parse_set("ERR", &set, &cause), 0);
	assert_int_equal(set, 1u << STATUS_ERR);
	assert_int_equal(status_parse_set("STOP,NOPE", &set, &cause), -1);
	assert_non_null(strstr(cause, "NOPE"));
	free(cause);
	cause = NULL;
	assert_int_equal(status_parse_set(",", &set, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_parse_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
