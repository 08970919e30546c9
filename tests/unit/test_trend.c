/* trend: direction, rates, time to catch up, time lag, human durations, sparklines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trend.h"

static void test_shrinking(void **state)
{
	(void)state;
	/* lag falls 10/s while the consumer reads 30/s and producers write 20/s */
	int64_t ts[11], lag[11], com[11], end[11];
	for (int i = 0; i < 11; i++) {
		ts[i] = 1000000 + i * 10000LL;
		com[i] = 1000 + 300LL * i;
		end[i] = 2000 + 200LL * i;
		lag[i] = end[i] - com[i];
	}
	struct trend t = trend_of(ts, lag, com, end, 11);
	assert_int_equal(t.dir, TREND_SHRINKING);
	assert_float_equal(t.lag_per_s, -10.0, 1e-9);
	assert_float_equal(t.consume_per_s, 30.0, 1e-9);
	assert_float_equal(t.produce_per_s, 20.0, 1e-9);
	assert_int_equal(t.lag, 0 + 1000 - 1000 + (2000 + 2000) - (1000 + 3000));
	assert_float_equal(t.eta_s, (double)t.lag / 10.0, 1e-9);
	assert_float_equal(t.time_lag_s, (double)t.lag / 30.0, 1e-9);
	assert_string_equal(trend_dir_name(t.dir), "shrinking");
}

static void test_growing_steady_unknown(void **state)
{
	(void)state;
	int64_t ts[] = { 0, 10000, 20000, 30000 }, grow[] = { 100, 200, 300, 400 }, flat[] = { 1000, 1010, 995, 1003 };
	struct trend t = trend_of(ts, grow, NULL, NULL, 4);
	assert_int_equal(t.dir, TREND_GROWING);
	assert_float_equal(t.lag_per_s, 10.0, 1e-9);
	assert_float_equal(t.eta_s, -1, 0);
	assert_float_equal(t.consume_per_s, -1, 0);
	t = trend_of(ts, flat, NULL, NULL, 4);
	assert_int_equal(t.dir, TREND_STEADY); /* within 5% of the lag */
	int64_t one[] = { 5 };
	t = trend_of(ts, one, NULL, NULL, 1);
	assert_int_equal(t.dir, TREND_UNKNOWN);
	/* unknown points are skipped */
	int64_t holes[] = { -1, 100, -1, 300 };
	t = trend_of(ts, holes, NULL, NULL, 4);
	assert_int_equal(t.dir, TREND_GROWING);
	assert_float_equal(t.lag_per_s, 10.0, 1e-9);
	/* caught up */
	int64_t zero[] = { 0, 0, 0, 0 }, com[] = { 5, 10, 15, 20 };
	t = trend_of(ts, zero, com, NULL, 4);
	assert_int_equal(t.dir, TREND_STEADY);
	assert_float_equal(t.eta_s, 0, 0);
	assert_float_equal(t.time_lag_s, 0, 0);
}

static void test_human(void **state)
{
	(void)state;
	static const struct {
		double s;
		const char *want;
	} cases[] = { { -1, "never at this rate" },
		      { 45, "45 s" },
		      { 240, "about 4 min" },
		      { 3 * 3600, "about 3 h" },
		      { 2 * 86400, "about 2 d" } };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *h = trend_human_duration(cases[i].s);
		assert_string_equal(h, cases[i].want);
		free(h);
	}
}

static void test_sparkline(void **state)
{
	(void)state;
	int64_t v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	char *s = trend_sparkline(v, 8, 20, false);
	assert_string_equal(s, "_.-=+*#@");
	free(s);
	s = trend_sparkline(v, 8, 4, false); /* squeezed: each cell the max of its bucket */
	assert_string_equal(s, ".=*@");
	free(s);
	s = trend_sparkline(v, 8, 8, true);
	assert_string_equal(s, "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
	free(s);
	int64_t gap[] = { 7, -1, 7 };
	s = trend_sparkline(gap, 3, 3, false);
	assert_string_equal(s, "@ @");
	free(s);
	s = trend_sparkline(v, 0, 10, true);
	assert_string_equal(s, "");
	free(s);
}

static void test_rates(void **state)
{
	(void)state;
	/* 10 s apart: +100, +50, unknown, +30 after the gap has no base, a counter that went back */
	int64_t ts[] = { 0, 10000, 20000, 30000, 40000, 50000, 60000, 60000 };
	int64_t v[] = { 1000, 2000, 2500, -1, 2800, 3100, 100, 200 };
	int64_t out[8];
	trend_rates(ts, v, 8, out);
	int64_t want[] = { -1, 100, 50, -1, -1, 30, -1, -1 };
	for (int i = 0; i < 8; i++)
		assert_int_equal(out[i], want[i]);
	int64_t t2[] = { 0, 3000 }, v2[] = { 0, 10 }; /* 3.33/s rounds to 3 */
	trend_rates(t2, v2, 2, out);
	assert_int_equal(out[1], 3);
	trend_rates(t2, v2, 0, out); /* nothing: no write */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shrinking), cmocka_unit_test(test_growing_steady_unknown),
		cmocka_unit_test(test_human),     cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
