/* clock: ISO 8601 date-times and durations as users type them, and the ISO form of a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"

/* One case of a clock_parse_* function: want -1 means the input must be refused with a cause. */
static void check_parse(int (*parse)(const char *, int64_t *, char **), const char *in, int64_t want)
{
	int64_t ms = -7;
	char *cause = NULL;
	int rc = parse(in, &ms, &cause);
	if (want < 0) {
		assert_int_equal(rc, -1);
		assert_non_null(cause);
		free(cause);
	} else {
		assert_int_equal(rc, 0);
		assert_int_equal(ms, want);
		assert_null(cause);
	}
}

static void test_clock_datetime(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t ms; /* -1: must be refused */
	} cases[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-05-01", 1714521600000LL },
		{ "2024-05-01T12:00", 1714564800000LL },
		{ "2024-05-01T12:00:00Z", 1714564800000LL },
		{ "2024-05-01 12:00:00", 1714564800000LL },
		{ "2024-05-01T12:00:00.250Z", 1714564800250LL },
		{ "2024-05-01T12:00:00.5", 1714564800500LL },
		{ "2024-05-01T14:00:00+02:00", 1714564800000LL },
		{ "2024-05-01T14:00:00+0200", 1714564800000LL },
		{ "2024-05-01T07:30:00-04:30", 1714564800000LL },
		{ "2024-02-29T00:00:00Z", 1709164800000LL },
		{ "2023-02-29T00:00:00Z", -1 },
		{ "2024-13-01", -1 },
		{ "2024-5-1", -1 },
		{ "2024-05-01T25:00", -1 },
		{ "2024-05-01T12:00:00Zjunk", -1 },
		{ "2024-05-01T12:00:00+25:00", -1 },
		{ "2024-05-01T12:00:00.", -1 },
		{ "yesterday", -1 },
		{ "", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_parse(clock_parse_datetime, cases[i].in, cases[i].ms);
}

static void test_clock_duration(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t ms; /* -1: must be refused */
	} cases[] = {
		{ "PT1H", 3600000 },
		{ "P1D", 86400000 },
		{ "P1DT2H30M", 86400000 + 2 * 3600000 + 30 * 60000 },
		{ "PT30M", 1800000 },
		{ "PT1.5S", 1500 },
		{ "-PT1H", 3600000 },
		{ "P1W", 7 * 86400000LL },
		{ "p1dt1h", 90000000 },
		{ "-1h", 3600000 },
		{ "1h", 3600000 },
		{ "1h30m", 5400000 },
		{ "2d", 172800000 },
		{ "90s", 90000 },
		{ "500ms", 500 },
		{ "1m", 60000 },
		{ "", -1 },
		{ "P", -1 },
		{ "PT", -1 },
		{ "P1H", -1 }, /* hours need the T */
		{ "1x", -1 },
		{ "h", -1 },
		{ "0s", -1 },
		{ "-", -1 },
		{ "1h-", -1 },
		/* hostile numbers: refused, never wrapped (UBSan watches the conversions) */
		{ "36500d", CLOCK_DURATION_MAX_MS },
		{ "P36500D", CLOCK_DURATION_MAX_MS },
		{ "36500d1ms", -1 },
		{ "36501d", -1 },
		{ "99999999999999999999h", -1 },
		{ "106751991167d1d", -1 },
		{ "9223372036854775807ms", -1 },
		{ "18446744073709551616s", -1 },
		{ "1e308d", -1 },
		{ "1e400s", -1 },
		{ "PT99999999999999999999S", -1 },
		{ "P9999999999W", -1 },
		{ "nanh", -1 },
		{ "infd", -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_parse(clock_parse_duration, cases[i].in, cases[i].ms);
	/* the cause of a too long one says the limit */
	int64_t ms = 42;
	char *cause = NULL;
	assert_int_equal(clock_parse_duration("106751991167d1d", &ms, &cause), -1);
	assert_non_null(strstr(cause, "100 years"));
	assert_int_equal(ms, 42); /* untouched: no caller can use a value of a failed parse */
	free(cause);
}

static void test_clock_iso(void **state)
{
	(void)state;
	static const struct {
		int64_t ms;
		const char *iso;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00.000Z" },
		{ 1714564800250LL, "2024-05-01T12:00:00.250Z" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[32];
		int64_t back = -1;
		char *cause = NULL;
		clock_iso(buf, cases[i].ms);
		assert_string_equal(buf, cases[i].iso);
		assert_int_equal(clock_parse_datetime(buf, &back, &cause), 0); /* what kcon prints, it reads */
		assert_int_equal(back, cases[i].ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_datetime),
		cmocka_unit_test(test_clock_duration),
		cmocka_unit_test(test_clock_iso),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
