/* note: lines for a person go to the face's sink raw (the sink escapes them, once), or nowhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "note.h"
#include "sbuf.h"

static void test_note_collect(void *ud, const char *text)
{
	struct sbuf *sb = ud;
	sbuf_add(sb, text);
	sbuf_addc(sb, '|');
}

/* The sink gets the text as formatted: escaping it here too showed `a\b` as `a\\b` in the TUI's log. */
static void test_note_sent_raw(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	struct note_sink n = { 0 };
	note_set(&n, test_note_collect, &sb);
	assert_ptr_equal(note_get(&n), test_note_collect);
	note_send(&n, "group %s: total lag %d", "g\x1b[2J", 6);
	note_send(&n, "path %s", "a\\b");
	note_send(&n, "plain");
	assert_string_equal(sbuf_str(&sb), "group g\x1b[2J: total lag 6|path a\\b|plain|");
	sbuf_free(&sb);
}

static void test_note_dropped(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	struct note_sink n = { 0 };
	note_send(&n, "nobody listens");
	note_send(NULL, "no sink at all");
	note_set(&n, test_note_collect, &sb);
	note_set(&n, NULL, NULL); /* what the TUI does */
	note_send(&n, "dropped");
	assert_null(note_get(&n));
	assert_int_equal(sb.len, 0);
	sbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_sent_raw),
		cmocka_unit_test(test_note_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
