/* keys: key names both ways (table-driven) and the bindings table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "keys.h"

static const struct {
	const char *name;
	int key;
	const char *canonical; /* keys_name() of the key */
} names[] = {
	{ "q", 'q', "q" },
	{ "Q", 'Q', "Q" },
	{ "?", '?', "?" },
	{ "/", '/', "/" },
	{ "C-l", 12, "C-l" },
	{ "C-L", 12, "C-l" },
	{ "^L", 12, "C-l" },
	{ "c-a", 1, "C-a" },
	{ "C-[", KEYS_ESC, "Esc" },
	{ "Enter", KEYS_ENTER, "Enter" },
	{ "return", KEYS_ENTER, "Enter" },
	{ "C-m", KEYS_ENTER, "Enter" },
	{ "Esc", KEYS_ESC, "Esc" },
	{ "ESCAPE", KEYS_ESC, "Esc" },
	{ "Tab", KEYS_TAB, "Tab" },
	{ "C-i", KEYS_TAB, "Tab" },
	{ "Space", KEYS_SPACE, "Space" },
	{ "Up", KEYS_UP, "Up" },
	{ "down", KEYS_DOWN, "Down" },
	{ "PgUp", KEYS_PGUP, "PgUp" },
	{ "PageUp", KEYS_PGUP, "PgUp" },
	{ "PageDown", KEYS_PGDN, "PgDn" },
	{ "NPage", KEYS_PGDN, "PgDn" },
	{ "Home", KEYS_HOME, "Home" },
	{ "End", KEYS_END, "End" },
	{ "Delete", KEYS_DELETE, "Delete" },
	{ "DC", KEYS_DELETE, "Delete" },
	{ "BSpace", KEYS_BACKSPACE, "Backspace" },
	{ "S-Tab", KEYS_BTAB, "BTab" },
	{ "F1", KEYS_F1, "F1" },
	{ "f12", KEYS_F12, "F12" },
};

static void test_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *cause = NULL;
		char buf[32];
		int key = keys_parse(names[i].name, &cause);
		assert_null(cause);
		if (key != names[i].key)
			fail_msg("%s: %d, expected %d", names[i].name, key, names[i].key);
		assert_string_equal(keys_name(key, buf, sizeof(buf)), names[i].canonical);
		/* the canonical name reads back as the same key */
		assert_int_equal(keys_parse(buf, &cause), key);
	}
}

static void test_bad_names(void **state)
{
	(void)state;
	const char *bad[] = { "", "xy", "F13", "C-", "C-ab", "^ab", "Ctrl-x", " ", "\x1b", "\xc3\xa9" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *cause = NULL;
		assert_int_equal(keys_parse(bad[i], &cause), -1);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "unknown key"));
		assert_non_null(strstr(cause, "C-x"));
		free(cause);
	}
}

static void test_bindings(void **state)
{
	(void)state;
	struct keys *k = keys_new();
	keys_bind(k, NULL, 'q', "quit");
	keys_bind(k, "", 'd', "down");
	keys_bind(k, "topics", 'd', "topic delete {name}");
	assert_int_equal(keys_count(k), 3);
	/* a view's own binding first, then the one for every view */
	assert_string_equal(keys_lookup(k, "topics", 'd'), "topic delete {name}");
	assert_string_equal(keys_lookup(k, "groups", 'd'), "down");
	assert_string_equal(keys_lookup(k, NULL, 'd'), "down");
	assert_string_equal(keys_lookup(k, "topics", 'q'), "quit");
	assert_null(keys_lookup(k, "topics", 'x'));
	/* binding again replaces, in place */
	keys_bind(k, "topics", 'd', "describe");
	assert_int_equal(keys_count(k), 3);
	const char *scope, *line;
	int key;
	keys_get(k, 2, &scope, &key, &line);
	assert_string_equal(scope, "topics");
	assert_int_equal(key, 'd');
	assert_string_equal(line, "describe");
	/* unbinding the view's key uncovers the global one */
	assert_true(keys_unbind(k, "topics", 'd'));
	assert_false(keys_unbind(k, "topics", 'd'));
	assert_string_equal(keys_lookup(k, "topics", 'd'), "down");
	assert_true(keys_unbind(k, NULL, 'q'));
	assert_null(keys_lookup(k, "topics", 'q'));
	keys_get(k, 0, &scope, &key, &line);
	assert_string_equal(line, "down");
	assert_int_equal(keys_count(k), 1);
	keys_free(&k);
	assert_null(k);
	keys_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bindings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
