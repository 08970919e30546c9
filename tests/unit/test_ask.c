/*
 * ask: a confirmation asked on one thread (a command on the worker) and answered on another (the
 * TUI's loop thread), which learns of it through a wake-up fd and never blocks.
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ask.h"

struct asker {
	struct ask *a;
	const char *plan, *question, *expect;
	pthread_t th;
	bool yes;
};

static void *asker_run(void *ud)
{
	struct asker *k = ud;
	k->yes = ask_confirm(k->a, k->plan, k->question, k->expect);
	return NULL;
}

static void asker_start(struct asker *k, struct ask *a, const char *plan, const char *question, const char *expect)
{
	*k = (struct asker){ .a = a, .plan = plan, .question = question, .expect = expect };
	assert_int_equal(pthread_create(&k->th, NULL, asker_run, k), 0);
}

/* What the loop thread does: wait for the fd (bounded), drain it, take the question. */
static bool answerer_take(struct ask *a, char **plan, char **question, char **expect)
{
	for (int i = 0; i < 100; i++) { /* up to 10 s */
		if (ask_take(a, plan, question, expect))
			return true;
		struct pollfd p = { .fd = ask_fd(a), .events = POLLIN };
		if (poll(&p, 1, 100) > 0) {
			char buf[16];
			while (read(ask_fd(a), buf, sizeof(buf)) > 0)
				;
		}
	}
	return false;
}

static void check_answer(const char *line, bool want)
{
	char *cause = NULL;
	struct ask *a = ask_new(&cause);
	assert_non_null(a);
	struct asker k;
	asker_start(&k, a, "delete records of t:\n  partition 0: low 0 -> 2\n", "Type `t` to confirm: ", "t");
	char *plan, *question, *expect;
	assert_true(answerer_take(a, &plan, &question, &expect));
	assert_string_equal(plan, "delete records of t:\n  partition 0: low 0 -> 2\n");
	assert_string_equal(question, "Type `t` to confirm: ");
	assert_string_equal(expect, "t");
	/* taken once: a second look finds nothing new while it waits for the answer */
	char *p2, *q2, *e2;
	assert_false(ask_take(a, &p2, &q2, &e2));
	ask_answer(a, line);
	assert_int_equal(pthread_join(k.th, NULL), 0);
	assert_int_equal(k.yes, want);
	free(plan);
	free(question);
	free(expect);
	ask_close(a);
	ask_free(&a);
	assert_null(a);
}

static void test_ask_answers(void **state)
{
	(void)state;
	check_answer("t", true);
	check_answer("T", false);  /* exactly the name */
	check_answer("t ", false); /* nothing around it */
	check_answer("", false);
	check_answer(NULL, false); /* Esc */
}

/* Two askers (the worker and a command's own thread): one question at a time, each answered. */
static void test_ask_one_at_a_time(void **state)
{
	(void)state;
	char *cause = NULL;
	struct ask *a = ask_new(&cause);
	struct asker k1, k2;
	asker_start(&k1, a, NULL, "first?", "one");
	asker_start(&k2, a, NULL, "second?", "two");
	for (int i = 0; i < 2; i++) {
		char *plan, *question, *expect;
		assert_true(answerer_take(a, &plan, &question, &expect));
		assert_null(plan);
		assert_string_equal(question, strcmp(expect, "one") == 0 ? "first?" : "second?");
		ask_answer(a, expect);
		free(question);
		free(expect);
	}
	assert_int_equal(pthread_join(k1.th, NULL), 0);
	assert_int_equal(pthread_join(k2.th, NULL), 0);
	assert_true(k1.yes);
	assert_true(k2.yes);
	ask_close(a);
	ask_free(&a);
}

/* Closing (the TUI quitting) refuses the question waiting, and any asked later at once. */
static void test_ask_close(void **state)
{
	(void)state;
	char *cause = NULL;
	struct ask *a = ask_new(&cause);
	struct asker k;
	asker_start(&k, a, NULL, "q?", "x");
	char *plan, *question, *expect;
	assert_true(answerer_take(a, &plan, &question, &expect));
	ask_close(a);
	assert_int_equal(pthread_join(k.th, NULL), 0);
	assert_false(k.yes);
	ask_answer(a, "x"); /* too late: nobody waits */
	assert_false(ask_confirm(a, NULL, "later?", "x"));
	free(question);
	free(expect);
	char *p3 = NULL, *q3 = NULL, *e3 = NULL;
	assert_false(ask_take(a, &p3, &q3, &e3));
	assert_null(q3);
	ask_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ask_answers),
		cmocka_unit_test(test_ask_one_at_a_time),
		cmocka_unit_test(test_ask_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
