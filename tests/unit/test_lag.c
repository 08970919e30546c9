/* lag: lag arithmetic, clamping, topic specs, plan CSV (date-times and durations: test_clock.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "lag.h"

static void test_lag_of(void **state)
{
	(void)state;
	static const struct {
		int64_t committed, start, end, lag;
		bool no_commit;
	} cases[] = {
		{ 5, 0, 10, 5, false },
		{ 10, 0, 10, 0, false },
		{ 0, 0, 0, 0, false },
		{ 12, 0, 10, 0,
		  false }, /* committed past the visible end (read_uncommitted consumer): no negative lag */
		{ -1, 0, 10, 10, true },  /* no commit: from the log start */
		{ -1, 4, 10, 6, true },   /* ... a start moved by retention */
		{ -1, -1, 10, 10, true }, /* start unknown: from 0 */
		{ 3, 0, -1, -1, false },  /* end unknown */
		{ -1001, 2, 9, 7, true }, /* RD_KAFKA_OFFSET_INVALID */
		{ 1000000000000LL, 0, 1000000000042LL, 42, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool nc = !cases[i].no_commit;
		assert_int_equal(lag_of(cases[i].committed, cases[i].start, cases[i].end, &nc), cases[i].lag);
		assert_int_equal(nc, cases[i].no_commit);
	}
}

static void test_lag_clamp(void **state)
{
	(void)state;
	static const struct {
		int64_t want, start, end, out;
		enum lag_clamp how;
	} cases[] = {
		{ 5, 0, 10, 5, LAG_CLAMP_NONE },  { 0, 0, 10, 0, LAG_CLAMP_NONE },   { 10, 0, 10, 10, LAG_CLAMP_NONE },
		{ 11, 0, 10, 10, LAG_CLAMP_END }, { -5, 0, 10, 0, LAG_CLAMP_START }, { 3, 4, 10, 4, LAG_CLAMP_START },
		{ 7, -1, -1, 7, LAG_CLAMP_NONE }, /* unknown bounds: left alone */
		{ 99, 5, 5, 5, LAG_CLAMP_END },   /* empty log */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum lag_clamp how;
		assert_int_equal(lag_clamp(cases[i].want, cases[i].start, cases[i].end, &how), cases[i].out);
		assert_int_equal(how, cases[i].how);
	}
	assert_null(lag_clamp_name(LAG_CLAMP_NONE));
	assert_string_equal(lag_clamp_name(LAG_CLAMP_START), "start");
	assert_string_equal(lag_clamp_name(LAG_CLAMP_END), "end");
}

/* A shift never wraps: far forward stays past the end (then clamped to it), far back before the start. */
static void test_lag_shift(void **state)
{
	(void)state;
	static const struct {
		int64_t current, by, want;
	} cases[] = {
		{ 5, 3, 8 },
		{ 5, -3, 2 },
		{ 5, -10, -5 }, /* before the start: lag_clamp() says so */
		{ 5, INT64_MAX, INT64_MAX },
		{ INT64_MAX, 1, INT64_MAX },
		{ 5, INT64_MIN, INT64_MIN + 5 },
		{ -1, INT64_MIN, INT64_MIN },
		{ INT64_MAX, INT64_MIN, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(lag_shift(cases[i].current, cases[i].by), cases[i].want);
	/* the plan of a huge forward shift goes to the log's end */
	enum lag_clamp how;
	assert_int_equal(lag_clamp(lag_shift(40, INT64_MAX), 0, 100, &how), 100);
	assert_int_equal(how, LAG_CLAMP_END);
	assert_int_equal(lag_clamp(lag_shift(40, INT64_MIN), 10, 100, &how), 10);
	assert_int_equal(how, LAG_CLAMP_START);
}

/* Times before 1970 ask ListOffsets for the first message, never for -1 (end) or -2 (start). */
static void test_lag_time_for_offsets(void **state)
{
	(void)state;
	int64_t ms;
	char *cause = NULL;
	assert_int_equal(clock_parse_datetime("1969-12-31T23:59:59.999Z", &ms, &cause), 0);
	assert_int_equal(ms, -1);
	assert_int_equal(lag_time_for_offsets(ms), 0);
	assert_int_equal(lag_time_for_offsets(-2), 0);
	assert_int_equal(lag_time_for_offsets(INT64_MIN), 0);
	assert_int_equal(lag_time_for_offsets(0), 0);
	assert_int_equal(lag_time_for_offsets(1714564800000LL), 1714564800000LL);
	assert_int_equal(clock_parse_datetime("0000-01-01T00:00:00Z", &ms, &cause), 0);
	assert_int_equal(lag_time_for_offsets(ms), 0);
}

static void test_lag_topic_spec(void **state)
{
	(void)state;
	static const struct {
		const char *in, *topic; /* topic NULL: refused */
		int n;
		int32_t parts[6];
	} cases[] = {
		{ "orders", "orders", 0, { 0 } },
		{ "orders:0", "orders", 1, { 0 } },
		{ "orders:0,2,5", "orders", 3, { 0, 2, 5 } },
		{ "my.topic_v2-x:1-3,7", "my.topic_v2-x", 4, { 1, 2, 3, 7 } },
		{ "orders:", NULL, 0, { 0 } },
		{ ":1", NULL, 0, { 0 } },
		{ "orders:a", NULL, 0, { 0 } },
		{ "orders:3-1", NULL, 0, { 0 } },
		{ "orders:1,", NULL, 0, { 0 } },
		{ "orders:-1", NULL, 0, { 0 } },
		{ "bad topic:1", NULL, 0, { 0 } },
		{ "..:1", NULL, 0, { 0 } },
		{ "orders:99999999999", NULL, 0, { 0 } },
		{ "orders:2147483647-2147483647", "orders", 1, { INT32_MAX } },
		{ "orders:0-2147483647", NULL, 0, { 0 } }, /* a range spans at most LAG_RANGE_MAX */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *topic = NULL, *cause = NULL;
		int32_t *parts = NULL;
		int n = -1;
		int rc = lag_parse_topic_spec(cases[i].in, &topic, &parts, &n, &cause);
		if (cases[i].topic == NULL) {
			assert_int_equal(rc, -1);
			assert_non_null(cause);
			assert_null(topic);
			free(cause);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(topic, cases[i].topic);
		assert_int_equal(n, cases[i].n);
		for (int k = 0; k < n; k++)
			assert_int_equal(parts[k], cases[i].parts[k]);
		free(topic);
		free(parts);
	}
}

static void test_lag_plan_round_trip(void **state)
{
	(void)state;
	struct lag_plan p = { 0 };
	struct lag_plan_row *r;
	r = lag_plan_add(&p, "orders", 1, 50, 200);
	r->start = 0, r->end = 120;
	r = lag_plan_add(&p, "orders", 0, -1, 3);
	r->start = 10, r->end = 40;
	r = lag_plan_add(&p, "audit", 0, 7, 9);
	r->start = 0, r->end = 100;
	lag_plan_clamp(&p);
	lag_plan_sort(&p);
	assert_string_equal(p.rows[0].topic, "audit");
	assert_int_equal(p.rows[1].partition, 0);
	assert_int_equal(p.rows[1].next, 10);
	assert_int_equal(p.rows[1].clamped, LAG_CLAMP_START);
	assert_int_equal(p.rows[2].next, 120);
	assert_int_equal(p.rows[2].clamped, LAG_CLAMP_END);
	char *csv = lag_plan_csv(&p);
	assert_string_equal(csv, "topic,partition,current,new,delta,clamped\n"
				 "audit,0,7,9,2,\n"
				 "orders,0,,10,,start\n"
				 "orders,1,50,120,70,end\n");
	struct lag_plan q = { 0 };
	char *cause = NULL;
	assert_int_equal(lag_plan_parse_csv(csv, &q, &cause), 0);
	assert_int_equal(q.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(q.rows[i].topic, p.rows[i].topic);
		assert_int_equal(q.rows[i].partition, p.rows[i].partition);
		assert_int_equal(q.rows[i].want, p.rows[i].next); /* what was planned is what gets applied */
		assert_int_equal(q.rows[i].current, -1);
	}
	free(csv);
	lag_plan_clear(&q);
	lag_plan_clear(&p);
	assert_int_equal(p.n, 0);
	assert_null(p.rows);
}

static void test_lag_plan_parse(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int n; /* -1: refused */
		int64_t first;
	} cases[] = {
		{ "orders,0,15\norders,1,20\n", 2, 15 },     /* Kafka's export */
		{ "orders,0,15\r\n", 1, 15 },                /* CRLF */
		{ "# reviewed by ops\norders,3,0\n", 1, 0 }, /* comments */
		{ "topic,partition,current,new,delta,clamped\nx,0,1,2,1,\n", 1, 2 },
		{ "topic,partition,new\nx,0,9\n", 1, 9 }, /* a minimal header */
		{ "", -1, 0 },
		{ "topic,partition,current,new\n", -1, 0 }, /* no rows */
		{ "orders,0\n", -1, 0 },
		{ "orders,zero,15\n", -1, 0 },
		{ "orders,0,-3\n", -1, 0 },
		{ "bad topic,0,3\n", -1, 0 },
		{ "topic,partition,current\nx,0,1\n", -1, 0 }, /* header without new */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lag_plan p = { 0 };
		char *cause = NULL;
		int rc = lag_plan_parse_csv(cases[i].in, &p, &cause);
		if (cases[i].n < 0) {
			assert_int_equal(rc, -1);
			assert_non_null(cause);
			assert_int_equal(p.n, 0);
			free(cause);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(p.n, cases[i].n);
		assert_int_equal(p.rows[0].want, cases[i].first);
		lag_plan_clear(&p);
	}
}

static void test_lag_assignment_text(void **state)
{
	(void)state;
	struct lag_tp none[1] = { { "x", 0 } };
	char *s = lag_assignment_text(none, 0);
	assert_string_equal(s, "");
	free(s);
	struct lag_tp one[] = { { "orders", 4 } };
	s = lag_assignment_text(one, 1);
	assert_string_equal(s, "orders:4");
	free(s);
	struct lag_tp mixed[] = { { "payments", 1 }, { "orders", 3 }, { "orders", 0 },   { "orders", 7 },
				  { "orders", 1 },   { "orders", 2 }, { "payments", 1 }, { "audit", 9 } };
	s = lag_assignment_text(mixed, 8);
	assert_string_equal(s, "audit:9 orders:0-3,7 payments:1");
	free(s);
	struct lag_tp gaps[] = { { "t", 0 }, { "t", 2 }, { "t", 4 }, { "t", 5 } };
	s = lag_assignment_text(gaps, 4);
	assert_string_equal(s, "t:0,2,4-5");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lag_of),
		cmocka_unit_test(test_lag_clamp),
		cmocka_unit_test(test_lag_topic_spec),
		cmocka_unit_test(test_lag_shift),
		cmocka_unit_test(test_lag_time_for_offsets),
		cmocka_unit_test(test_lag_plan_round_trip),
		cmocka_unit_test(test_lag_plan_parse),
		cmocka_unit_test(test_lag_assignment_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
