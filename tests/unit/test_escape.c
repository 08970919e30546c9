/* escape: the allow-list that keeps untrusted bytes from reaching a terminal raw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"

static const struct {
	const char *in;
	size_t len;
	const char *out;
} cases[] = {
	{ "plain text", 10, "plain text" },
	{ "tab\there", 8, "tab\\x09here" },
	{ "\x1b[2J", 4, "\\x1b[2J" },                     /* clear screen */
	{ "\x1b]0;pwned\x07", 10, "\\x1b]0;pwned\\x07" }, /* OSC window title */
	{ "\x9b"
	  "31m",
	  4, "\\x9b31m" }, /* a bare C1 CSI byte: not UTF-8 */
	{ "\xc2\x9b"
	  "31m",
	  5, "\\xc2\\x9b31m" }, /* CSI encoded as UTF-8 U+009B */
	{ "abc\xe2\x80\xae"
	  "cba",
	  9, "abc\\xe2\\x80\\xaecba" },                              /* U+202E right-to-left override */
	{ "\xe2\x81\xa6x", 4, "\\xe2\\x81\\xa6x" },                  /* U+2066 LRI */
	{ "zero\xe2\x80\x8bwidth", 12, "zero\\xe2\\x80\\x8bwidth" }, /* U+200B */
	{ "\xef\xbb\xbf"
	  "bom",
	  6, "\\xef\\xbb\\xbfbom" },                                                            /* U+FEFF */
	{ "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", 12, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac" }, /* é 日本 kept */
	{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80" },                                          /* emoji kept */
	{ "\xc0\xaf", 2, "\\xc0\\xaf" },                                                        /* overlong '/' */
	{ "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" },                                               /* surrogate */
	{ "\xe2\x82", 2, "\\xe2\\x82" },                                                        /* truncated */
	{ "a\x7f"
	  "b",
	  3, "a\\x7fb" }, /* DEL */
	{ "nul\0byte", 8, "nul\\x00byte" },
	{ "back\\slash", 10, "back\\\\slash" },
	{ "\xff\xfe", 2, "\\xff\\xfe" },
	{ "\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80" }, /* above U+10FFFF */
};

static void test_escape_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbuf sb = SBUF_INIT;
		escape_append(&sb, cases[i].in, cases[i].len);
		assert_string_equal(sbuf_str(&sb), cases[i].out);
		assert_int_equal(escape_is_clean(cases[i].in, cases[i].len),
				 strcmp(cases[i].in, cases[i].out) == 0 && strlen(cases[i].in) == cases[i].len);
		/* whatever came in, nothing below 0x20 nor DEL comes out */
		for (size_t k = 0; k < sb.len; k++)
			assert_true((unsigned char)sb.buf[k] >= 0x20 && sb.buf[k] != 0x7f);
		sbuf_free(&sb);
	}
}

static void test_escape_every_byte(void **state)
{
	(void)state;
	/* Every single byte value: either printable ASCII, or escaped. */
	for (int b = 0; b < 256; b++) {
		char in = (char)b;
		struct sbuf sb = SBUF_INIT;
		escape_append(&sb, &in, 1);
		if (b >= 0x20 && b < 0x7f && b != '\\')
			assert_int_equal(sb.len, 1);
		else
			assert_true(sb.len >= 2 && sb.buf[0] == '\\');
		sbuf_free(&sb);
	}
}

static void test_escape_json_text(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	/* What jansson leaves raw inside strings: DEL, C1 and bidi controls. */
	escape_json_text(&sb, "{\"v\":\"a\x7f\xc2\x9b\xe2\x80\xae\xf0\x9f\x98\x80\xc3\xa9\"}");
	assert_string_equal(sbuf_str(&sb), "{\"v\":\"a\\u007f\\u009b\\u202e\xf0\x9f\x98\x80\xc3\xa9\"}");
	sbuf_reset(&sb);
	escape_json_text(&sb, "{\"t\":\"\xf3\xa0\x80\x81\"}"); /* a tag character, above the BMP */
	assert_string_equal(sbuf_str(&sb), "{\"t\":\"\\udb40\\udc01\"}");
	sbuf_reset(&sb);
	/* jansson's own escapes pass, their hex in lower case; an escaped backslash is not one */
	escape_json_text(&sb, "{\"c\":\"\\u001B\\u001F\\n\\\\u00AB\\\"\"}");
	assert_string_equal(sbuf_str(&sb), "{\"c\":\"\\u001b\\u001f\\n\\\\u00AB\\\"\"}");
	sbuf_free(&sb);
}

static void test_escape_width(void **state)
{
	(void)state;
	assert_int_equal(escape_width("abc"), 3);
	assert_int_equal(escape_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);  /* two wide characters */
	assert_int_equal(escape_width("e\xcc\x81"), 1);                 /* e + combining acute */
	assert_int_equal(escape_fit("\xe6\x97\xa5\xe6\x9c\xac", 3), 3); /* one wide char fits in 3 */
	assert_int_equal(escape_fit("abcdef", 4), 4);
	assert_int_equal(escape_fit("ab", 10), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_escape_json_text),
		cmocka_unit_test(test_escape_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
