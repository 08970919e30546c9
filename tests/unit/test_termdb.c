/* termdb: the built-in terminal types, the nearest one to a TERM, and the private directory that holds it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "termdb.h"

static void test_termdb_builtin(void **state)
{
	(void)state;
	static const char *const want[] = { "xterm",         "xterm-256color", "screen", "screen-256color",
					    "tmux-256color", "vt100",          "linux" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct termdb_entry *e = termdb_find(want[i]);
		assert_non_null(e);
		assert_string_equal(e->name, want[i]);
		/* a compiled entry: the legacy (0432) or the extended-number (01036) magic, little-endian */
		assert_true(e->len > 12);
		unsigned magic = e->data[0] | (unsigned)e->data[1] << 8;
		assert_true(magic == 0432 || magic == 01036);
		/* its names, after the header, start with the name asked for */
		assert_memory_equal(e->data + 12, want[i], strlen(want[i]));
	}
	assert_null(termdb_find("wyse50"));
	assert_null(termdb_find(NULL));
}

static void test_termdb_nearest(void **state)
{
	(void)state;
	static const struct {
		const char *term, *want;
	} cases[] = {
		{ "xterm-256color", "xterm-256color" },
		{ "tmux-256color", "tmux-256color" },
		{ "vt100", "vt100" },
		{ "linux", "linux" },
		{ "alacritty", "xterm" },
		{ "foot-256color", "xterm-256color" },
		{ "xterm-direct", "xterm-256color" },
		{ "rxvt-unicode-256color", "xterm-256color" },
		{ "screen.xterm-256color", "screen-256color" },
		{ "screen.linux", "screen" },
		{ "tmux", "screen" },
		{ "tmux-direct", "tmux-256color" },
		{ "linux-16color", "linux" },
		{ "vt220", "vt100" },
		{ "xterm-kitty", "xterm" },
		{ NULL, "xterm" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct termdb_entry *e = termdb_nearest(cases[i].term);
		assert_non_null(e);
		if (strcmp(e->name, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", cases[i].term ? cases[i].term : "(null)", e->name,
				 cases[i].want);
	}
}

static void test_termdb_hex(void **state)
{
	(void)state;
	static const unsigned char bytes[] = { 0x1e, 0x02, 0x00, 0xff, 0x7a };
	const struct termdb_entry e = { "t", bytes, sizeof(bytes) };
	char *hex = termdb_hex(&e);
	assert_string_equal(hex, "hex:1e0200ff7a");
	free(hex);
	hex = termdb_hex(termdb_find("xterm"));
	assert_int_equal(strlen(hex), 4 + 2 * termdb_find("xterm")->len);
	free(hex);
}

static void test_termdb_install(void **state)
{
	(void)state;
	char tmp[] = "/tmp/kcon-test-termdb-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	setenv("TMPDIR", tmp, 1);
	const struct termdb_entry *e = termdb_find("xterm-256color");
	char *cause = NULL, *dir = termdb_install(e, &cause);
	assert_non_null(dir);
	assert_null(cause);
	assert_int_equal(strncmp(dir, tmp, strlen(tmp)), 0);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* laid out as a terminfo database: DIR/x/xterm-256color, byte for byte */
	char path[256];
	snprintf(path, sizeof(path), "%s/x/xterm-256color", dir);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, e->len);
	assert_memory_equal(buf, e->data, e->len);
	termdb_remove(dir);
	assert_int_equal(stat(dir, &st), -1);
	free(dir);

	/* a TMPDIR that cannot be written: /tmp */
	setenv("TMPDIR", "/nonexistent-kcon-test", 1);
	dir = termdb_install(e, &cause);
	assert_non_null(dir);
	assert_int_equal(strncmp(dir, "/tmp/kcon-terminfo-", 19), 0);
	termdb_remove(dir);
	free(dir);
	termdb_remove(NULL);

	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	free(old);
	assert_int_equal(rmdir(tmp), 0); /* nothing left behind */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_termdb_builtin),
		cmocka_unit_test(test_termdb_nearest),
		cmocka_unit_test(test_termdb_hex),
		cmocka_unit_test(test_termdb_install),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
