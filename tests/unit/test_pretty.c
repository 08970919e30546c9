/* pretty: JSON re-indented byte for byte, and the hex dump of the message detail view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pretty.h"

static const struct {
	const char *in;
	const char *out; /* NULL: not JSON */
} json_cases[] = {
	{ "{}", "{}" },
	{ " [ ] ", "[]" },
	{ "42", "42" },
	{ "-0.5e+10", "-0.5e+10" },
	{ "1.10", "1.10" }, /* numbers as written, not re-printed */
	{ "123456789012345678901234567890", "123456789012345678901234567890" },
	{ "\"s\"", "\"s\"" },
	{ "true", "true" },
	{ "null", "null" },
	{ "{\"a\":1,\"b\":[true,null,{}],\"c\":{\"d\":\"x\"}}",
	  "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null,\n    {}\n  ],\n  \"c\": {\n    \"d\": \"x\"\n  }\n}" },
	{ "{\"a\" : 1 ,\n\t\"a\":2}", "{\n  \"a\": 1,\n  \"a\": 2\n}" }, /* duplicate keys kept */
	{ "[\"\\u001b[2J\", \"\\\"q\\\\\"]", "[\n  \"\\u001b[2J\",\n  \"\\\"q\\\\\"\n]" },
	{ "{\"k\":\"caf\xc3\xa9\"}", "{\n  \"k\": \"caf\xc3\xa9\"\n}" },
	{ "", NULL },
	{ "   ", NULL },
	{ "{", NULL },
	{ "{\"a\"}", NULL },
	{ "{\"a\":1,}", NULL },
	{ "[1,]", NULL },
	{ "[1 2]", NULL },
	{ "{a:1}", NULL },
	{ "01", NULL },
	{ "1.", NULL },
	{ ".5", NULL },
	{ "1e", NULL },
	{ "-", NULL },
	{ "tru", NULL },
	{ "nulls", NULL },
	{ "{} {}", NULL },
	{ "\"raw\x1b[2J\"", NULL }, /* a control byte inside a string: not JSON */
	{ "\"tab\there\"", NULL },
	{ "\"\\x41\"", NULL },
	{ "\"\\u12\"", NULL },
	{ "\"open", NULL },
	{ "\"\xff\"", NULL }, /* not UTF-8 */
	{ "hello world", NULL },
};

static void test_json_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		struct sbuf sb = SBUF_INIT;
		sbuf_add(&sb, "<");
		int r = pretty_json(&sb, json_cases[i].in, strlen(json_cases[i].in), 2);
		if (json_cases[i].out == NULL) {
			assert_int_equal(r, -1);
			assert_string_equal(sbuf_str(&sb), "<"); /* unchanged */
		} else {
			assert_int_equal(r, 0);
			assert_string_equal(sbuf_str(&sb) + 1, json_cases[i].out);
		}
		sbuf_free(&sb);
	}
}

static void test_json_nul_and_depth(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	assert_int_equal(pretty_json(&sb, "[1]\0", 4, 2), -1); /* a NUL after the value */
	assert_int_equal(pretty_json(&sb, "\"a\0b\"", 5, 2), -1);
	assert_int_equal(pretty_json(&sb, NULL, 0, 2), -1);
	/* Deep nesting is refused, not followed down the stack. */
	size_t n = PRETTY_JSON_MAX_DEPTH + 1;
	char *deep = malloc(2 * n);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	assert_int_equal(pretty_json(&sb, deep, 2 * n, 1), -1);
	assert_int_equal(pretty_json(&sb, deep + 1, 2 * n - 2, 0), 0);
	free(deep);
	sbuf_free(&sb);
}

static const struct {
	const char *in;
	size_t len;
	int per_line;
	const char *out;
} hex_cases[] = {
	{ "", 0, 16, "" },
	{ "Hi\n", 3, 16, "00000000  48 69 0a                                         |Hi.|\n" },
	{ "0123456789abcdefXY", 18, 16,
	  "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66 |0123456789abcdef|\n"
	  "00000010  58 59                                            |XY|\n" },
	{ "\x1b[2J\x9b\xe2\x80\xae", 8, 8, "00000000  1b 5b 32 4a 9b e2 80 ae |.[2J....|\n" },
	{ "\x00\x7f\x20~", 4, 4, "00000000  00 7f 20 7e |.. ~|\n" },
};

static void test_hexdump_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hex_cases) / sizeof(hex_cases[0]); i++) {
		struct sbuf sb = SBUF_INIT;
		pretty_hexdump(&sb, hex_cases[i].in, hex_cases[i].len, hex_cases[i].per_line);
		assert_string_equal(sbuf_str(&sb), hex_cases[i].out);
		/* every full line is as wide as pretty_hexdump_width says, and holds no control byte */
		const char *line = sbuf_str(&sb);
		if (hex_cases[i].len >= (size_t)hex_cases[i].per_line)
			assert_int_equal((int)strcspn(line, "\n"), pretty_hexdump_width(hex_cases[i].per_line));
		for (size_t k = 0; k < sb.len; k++)
			assert_true(sb.buf[k] == '\n' || ((unsigned char)sb.buf[k] >= 0x20 && sb.buf[k] != 0x7f));
		sbuf_free(&sb);
	}
	assert_int_equal(pretty_hexdump_width(16), 77);
	assert_int_equal(pretty_hexdump_width(8), 44);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_table),
		cmocka_unit_test(test_json_nul_and_depth),
		cmocka_unit_test(test_hexdump_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
