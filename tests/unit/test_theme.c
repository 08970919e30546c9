/* theme: colour names and numbers, attributes, file loading with errors per line, finding themes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "theme.h"

static void test_theme_colors(void **state)
{
	(void)state;
	assert_int_equal(theme_color_parse("default"), THEME_DEFAULT_COLOR);
	assert_int_equal(theme_color_parse("black"), 0);
	assert_int_equal(theme_color_parse("red"), 1);
	assert_int_equal(theme_color_parse("white"), 7);
	assert_int_equal(theme_color_parse("bright-red"), 9);
	assert_int_equal(theme_color_parse("bright-white"), 15);
	assert_int_equal(theme_color_parse("0"), 0);
	assert_int_equal(theme_color_parse("255"), 255);
	assert_int_equal(theme_color_parse("256"), -2);
	assert_int_equal(theme_color_parse("12x"), -2);
	assert_int_equal(theme_color_parse("-1"), -2);
	assert_int_equal(theme_color_parse("purple"), -2);
	assert_int_equal(theme_color_parse("bright-"), -2);
	assert_int_equal(theme_color_parse(""), -2);
}

static void test_theme_lines(void **state)
{
	(void)state;
	struct theme th;
	theme_init(&th);
	char *cause = NULL;
	assert_int_equal(theme_parse_line(&th, "color lag-high bright-magenta 17 bold underline # c", &cause), 0);
	assert_null(cause);
	struct theme_style s = th.style[THEME_LAG_HIGH];
	assert_true(s.set);
	assert_int_equal(s.fg, 13);
	assert_int_equal(s.bg, 17);
	assert_int_equal(s.attrs, THEME_BOLD | THEME_UNDERLINE);
	assert_false(th.style[THEME_TITLE].set);
	assert_int_equal(theme_parse_line(&th, "   # only a comment", &cause), 0);
	assert_int_equal(theme_parse_line(&th, "", &cause), 0);
	assert_string_equal(theme_element_name(THEME_PARTITION_OFFLINE), "partition-offline");
	assert_null(theme_element_name(THEME_NONE));

	static const struct {
		const char *line, *cause;
	} bad[] = {
		{ "colour title red black", "unknown directive `colour`" },
		{ "color title red", "`color` takes an element" },
		{ "color titel red black", "unknown element `titel`" },
		{ "color title redd black", "`redd` is not a colour" },
		{ "color title red 300", "`300` is not a colour" },
		{ "color title red black blink", "unknown attribute `blink`" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cause = NULL;
		assert_int_equal(theme_parse_line(&th, bad[i].line, &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, bad[i].cause) == NULL)
			fail_msg("%s: got `%s`, want `%s`", bad[i].line, cause, bad[i].cause);
		free(cause);
	}
	assert_false(th.style[THEME_TITLE].set); /* bad lines change nothing */
}

static void test_theme_load_reports_lines(void **state)
{
	(void)state;
	char path[] = "/tmp/kcon-theme-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("color title black cyan bold\ncolor nosuch red black\n\ncolor error red default\n"
	      "color status red\n",
	      f);
	fclose(f);
	struct theme th;
	theme_init(&th);
	char *errors = NULL;
	assert_int_equal(theme_load(&th, path, &errors), 2);
	char *want = NULL;
	assert_true(asprintf(&want, "%s:2: unknown element `nosuch`", path) > 0);
	assert_non_null(strstr(errors, want));
	free(want);
	assert_true(asprintf(&want, "%s:5: `color` takes", path) > 0);
	assert_non_null(strstr(errors, want));
	free(want);
	free(errors);
	assert_true(th.style[THEME_TITLE].set); /* the good lines loaded */
	assert_int_equal(th.style[THEME_TITLE].bg, 6);
	assert_true(th.style[THEME_ERROR].set);
	assert_false(th.style[THEME_STATUS].set);
	unlink(path);
	assert_int_equal(theme_load(&th, path, &errors), -1);
	assert_non_null(strstr(errors, "no such file"));
	free(errors);
}

/* `theme /dev/zero` (in kconrc, or --theme) and a huge theme file are refused, not read forever. */
static void test_theme_load_bounded(void **state)
{
	(void)state;
	char path[] = "/tmp/kcon-theme-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 << 20), 0);
	close(fd);
	const struct {
		const char *path, *want;
	} cases[] = {
		{ "/dev/zero", "cannot read the theme file /dev/zero: it is a device" },
		{ "/tmp", "cannot read the theme file /tmp: it is a directory" },
		{ path, "is too big (2097152 bytes): kcon reads at most 1 MiB of it" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct theme th;
		theme_init(&th);
		char *errors = NULL;
		assert_int_equal(theme_load(&th, cases[i].path, &errors), -1);
		if (strstr(errors, cases[i].want) == NULL)
			fail_msg("%s: %s", cases[i].path, errors);
		free(errors);
	}
	unlink(path);
}

/* The shipped themes load without an error and set every element. */
static void test_theme_shipped(void **state)
{
	(void)state;
	const char *src = getenv("KCON_SOURCE_DIR");
	if (src == NULL)
		skip();
	static const char *const names[] = { "default", "light", "high-contrast", "mono" };
	char *dir = NULL;
	assert_true(asprintf(&dir, "%s/themes", src) > 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		setenv("XDG_CONFIG_HOME", "/nonexistent-kcon-test", 1);
		char *cause = NULL, *errors = NULL;
		char *path = theme_find(names[i], dir, &cause);
		assert_non_null(path);
		struct theme th;
		theme_init(&th);
		assert_int_equal(theme_load(&th, path, &errors), 0);
		for (int e = THEME_NONE + 1; e < THEME_COUNT; e++)
			if (!th.style[e].set)
				fail_msg("theme %s does not set %s", names[i], theme_element_name(e));
		free(path);
	}
	char *cause = NULL;
	assert_null(theme_find("nosuch", dir, &cause));
	assert_non_null(strstr(cause, "no theme `nosuch` (looked in /nonexistent-kcon-test/kcon/themes, "));
	free(cause);
	free(dir);
}

/* The health of a row's partitions to its look: the worst state wins. */
static void test_theme_health(void **state)
{
	(void)state;
	static const struct {
		bool offline, under_repl, under_isr;
		int want;
	} cases[] = {
		{ false, false, false, THEME_NONE },
		{ false, false, true, THEME_UNDER_MIN_ISR },
		{ false, true, false, THEME_UNDER_REPLICATED },
		{ false, true, true, THEME_UNDER_REPLICATED },
		{ true, false, false, THEME_PARTITION_OFFLINE },
		{ true, true, true, THEME_PARTITION_OFFLINE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(theme_health(cases[i].offline, cases[i].under_repl, cases[i].under_isr),
				 cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_theme_colors),
		cmocka_unit_test(test_theme_lines),
		cmocka_unit_test(test_theme_load_reports_lines),
		cmocka_unit_test(test_theme_load_bounded),
		cmocka_unit_test(test_theme_shipped),
		cmocka_unit_test(test_theme_health),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
