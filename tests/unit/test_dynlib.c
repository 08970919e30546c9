/* dynlib: a library opened on first use, its functions resolved into a table, or a cause. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dynlib.h"

static void test_dynlib_resolves_every_symbol(void **state)
{
	(void)state;
	struct {
		double (*cos)(double);
		double (*sqrt)(double);
	} m = { 0 };
	const struct dynlib_sym syms[] = { { "cos", (void **)&m.cos }, { "sqrt", (void **)&m.sqrt } };
	char *cause = NULL;
	assert_int_equal(dynlib_load("libm.so.6", "libc6", "the test", syms, 2, &cause), 0);
	assert_null(cause);
	assert_true(m.cos(0.0) == 1.0);
	assert_true(m.sqrt(16.0) == 4.0);
}

static void test_dynlib_missing_library(void **state)
{
	(void)state;
	void (*fn)(void) = NULL;
	const struct dynlib_sym syms[] = { { "nothing", (void **)&fn } };
	char *cause = NULL;
	assert_int_equal(
		dynlib_load("libkcon-none.so.9", "libkcon-none9", "the metrics server (--metrics)", syms, 1, &cause),
		-1);
	assert_non_null(cause);
	/* what needs it, the library, and what to install */
	assert_non_null(strstr(cause, "the metrics server (--metrics) needs libkcon-none.so.9"));
	assert_non_null(strstr(cause, "install libkcon-none9"));
	assert_null(fn);
	free(cause);
}

static void test_dynlib_missing_symbol_leaves_the_table_empty(void **state)
{
	(void)state;
	struct {
		double (*cos)(double);
		void (*gone)(void);
	} m = { 0 };
	const struct dynlib_sym syms[] = { { "cos", (void **)&m.cos }, { "kcon_no_such_function", (void **)&m.gone } };
	char *cause = NULL;
	assert_int_equal(dynlib_load("libm.so.6", "libc6", "the test", syms, 2, &cause), -1);
	assert_non_null(strstr(cause, "kcon_no_such_function"));
	assert_non_null(strstr(cause, "a newer libc6"));
	assert_null(m.cos); /* nothing half-loaded is left for a caller to use */
	assert_null(m.gone);
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynlib_resolves_every_symbol),
		cmocka_unit_test(test_dynlib_missing_library),
		cmocka_unit_test(test_dynlib_missing_symbol_leaves_the_table_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
