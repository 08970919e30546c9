/* spark: sparklines from the store (lag of a group and its partitions, a topic's rate), when they are
 * wanted, and the values they draw. Ticks (sample.c) and the stored-snapshot fallback (offline.c) face
 * the cluster: they are tested end to end (test_history*.py, test_offline.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "session.h"
#include "spark.h"
#include "xalloc.h"

static void test_values(void **state)
{
	(void)state;
	struct store_point p[] = {
		{ 0, 10, 15, false },      { 10000, 20, 30, false },  { 15000, -1, -1, true },
		{ 20000, 40, 100, false }, { 30000, -1, 100, false }, /* no commit: no partition lag */
	};
	int64_t out[5];
	spark_values(SPARK_LAG, true, p, 5, out); /* a total: b is the lag */
	int64_t total[] = { 15, 30, -1, 100, 100 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], total[i]);
	spark_values(SPARK_LAG, false, p, 5, out); /* a partition: end - committed */
	int64_t part[] = { 5, 10, -1, 60, -1 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], part[i]);
	spark_values(SPARK_RATE, true, p, 5, out); /* a's rise per second; none across the gap */
	int64_t rate[] = { -1, 1, -1, -1, -1 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(out[i], rate[i]);
}

static void test_wanted(void **state)
{
	(void)state;
	struct session s = { .format = OUT_JSON };
	bool utf8;
	setenv("LC_ALL", "C.UTF-8", 1);
	assert_false(spark_wanted(&s, NULL, false, &utf8)); /* JSON */
	assert_true(spark_wanted(&s, NULL, true, &utf8));   /* --sparklines */
	assert_true(utf8);
	s.format = OUT_TABLE;
	assert_false(spark_wanted(&s, NULL, false, &utf8)); /* a table piped elsewhere */
	s.width = 80;
	assert_true(spark_wanted(&s, NULL, false, &utf8)); /* on a terminal */
	assert_false(spark_wanted(&s, "csv", false, &utf8));
	setenv("LC_ALL", "C", 1);
	assert_true(spark_wanted(&s, "csv", true, &utf8));
	assert_false(utf8);
	unsetenv("LC_ALL");
}

/* Four ticks 10 s apart: 100, 200 and 300 more messages; the group commits nothing more. */
static void test_sparklines_from_store(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/kcon-test-spark-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	struct session s = { 0 };
	s.state_dir = x_strdup(tmpl);
	s.conf.bootstrap = x_strdup("b:9092");
	struct store *store;
	struct err e = { 0 };
	assert_int_equal(session_store(&s, &store, &e), 0);
	int64_t now = clock_wall_ms(), ends[] = { 0, 100, 300, 600 };
	for (int i = 0; i < 4; i++) {
		struct store_tick *t = store_tick_begin(store, "cid", "b:9092", now - (40 - 10 * i) * 1000LL);
		store_tick_topic_partition(t, "t", 0, ends[i]);
		store_tick_group(t, "g", "Empty", "classic");
		store_tick_group_partition(t, "g", "t", 0, 0, ends[i]);
		char *cause = NULL;
		assert_int_equal(store_tick_commit(&t, &cause), 0);
	}
	int64_t since = now - 3600 * 1000LL;
	char *sp = spark_line(&s, SPARK_RATE, "", "t", -1, since, 16, false);
	assert_non_null(sp);
	assert_string_equal(sp, " -*@"); /* no rate at the first point, then 10, 20, 30 per second */
	free(sp);
	sp = spark_line(&s, SPARK_LAG, "g", "", -1, since, 16, false);
	assert_non_null(sp);
	assert_string_equal(sp, "_.+@"); /* total lag 0, 100, 300, 600 */
	free(sp);
	sp = spark_line(&s, SPARK_LAG, "g", "t", 0, since, 16, false);
	assert_non_null(sp); /* spaced rows: the first and the newest values seen */
	assert_int_equal(sp[0], '_');
	assert_int_equal(sp[strlen(sp) - 1], '@');
	free(sp);
	sp = spark_line(&s, SPARK_LAG, "g", "", -1, since, 2, true); /* squeezed, blocks */
	assert_string_equal(sp, "\u2582\u2588");
	free(sp);
	/* One point has no rate: nothing to draw. */
	assert_null(spark_line(&s, SPARK_RATE, "", "t", -1, now - 15000, 16, false));
	/* Nothing stored: no sparkline (an unknown group, another cluster's bootstrap). */
	assert_null(spark_line(&s, SPARK_LAG, "nope", "", -1, since, 16, false));
	free(s.conf.bootstrap);
	s.conf.bootstrap = x_strdup("other:9092");
	assert_null(spark_line(&s, SPARK_LAG, "g", "", -1, since, 16, false));
	session_clear(&s);
	char *cmd = x_asprintf("rm -rf '%s'", tmpl);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_wanted),
		cmocka_unit_test(test_sparklines_from_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
