/* output: table, CSV and JSON sinks, with escaping and width fitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "output.h"

static const struct out_col cols[] = {
	{ "name", "name", 0 },
	{ "count", "count", OUT_RIGHT },
	{ "isr", "isr", 0 },
	{ "extra", "extra", OUT_WIDE },
	{ 0 },
};
static const struct out_table tables[] = { { "rows", cols }, { 0 } };
static const struct out_col fields[] = { { "title", "Title", 0 }, { "missing", "Missing", 0 }, { 0 } };
static const struct out_view view = { .fields = fields, .tables = tables };

static json_t *data(void)
{
	return json_pack("{s:s,s:[{s:s,s:i,s:[i,i],s:s},{s:s,s:i,s:[],s:n}]}", "title", "T", "rows", "name", "alpha",
			 "count", 5, "isr", 1, 2, "extra", "wide column", "name", "b", "count", 12345, "isr", "extra");
}

static char *render(enum out_format fmt, json_t *d, int width)
{
	struct sbuf sb = SBUF_INIT;
	output_render(&sb, fmt, &view, d, width);
	return sbuf_release(&sb);
}

static void test_output_table(void **state)
{
	(void)state;
	json_t *d = data();
	char *s = render(OUT_TABLE, d, 0);
	assert_string_equal(s, "Title: T\n"
			       "\n"
			       "NAME   COUNT  ISR  EXTRA\n"
			       "alpha      5  1,2  wide column\n"
			       "b      12345       -\n");
	free(s);
	/* narrow: the WIDE column goes first */
	s = render(OUT_TABLE, d, 20);
	assert_string_equal(s, "Title: T\n\nNAME   COUNT  ISR\nalpha      5  1,2\nb      12345\n");
	free(s);
	json_decref(d);
}

static void test_output_truncates_to_width(void **state)
{
	(void)state;
	static const struct out_col c2[] = { { "name", "name", 0 }, { "n", "n", OUT_RIGHT }, { 0 } };
	static const struct out_table t2[] = { { "rows", c2 }, { 0 } };
	static const struct out_view v2 = { .tables = t2 };
	json_t *d = json_pack("{s:[{s:s,s:i}]}", "rows", "name", "a-very-long-topic-name-that-does-not-fit", "n", 1);
	struct sbuf sb = SBUF_INIT;
	output_render(&sb, OUT_TABLE, &v2, d, 20);
	/* every line fits in 20 columns, and the cut is marked */
	for (char *line = strtok(sb.buf, "\n"); line; line = strtok(NULL, "\n"))
		assert_true(strlen(line) <= 20);
	assert_non_null(strstr(sb.buf + strlen(sb.buf) + 1, "~"));
	sbuf_free(&sb);
	json_decref(d);
}

static void test_output_csv(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:[{s:s,s:i,s:[i],s:s}]}", "rows", "name", "a,\"b\"", "count", 1, "isr", 3, "extra",
			      "x\ny");
	char *s = render(OUT_CSV, d, 0);
	/* CSV is data: the newline is escaped like any control byte, quotes doubled */
	assert_string_equal(s, "name,count,isr,extra\n\"a,\"\"b\"\"\",1,3,x\\x0ay\n");
	free(s);
	json_decref(d);
}

/* A column for people (OUT_TEXT, a sparkline) is shown in tables and never in CSV. */
static void test_output_text_column(void **state)
{
	(void)state;
	static const struct out_col tcols[] = { { "name", "name", 0 }, { "spark", "spark", OUT_TEXT }, { 0 } };
	static const struct out_table ttables[] = { { "rows", tcols }, { 0 } };
	static const struct out_view tview = { .tables = ttables };
	json_t *d = json_pack("{s:[{s:s,s:s}]}", "rows", "name", "a", "spark", "_#");
	struct sbuf sb = SBUF_INIT;
	output_render(&sb, OUT_CSV, &tview, d, 0);
	assert_string_equal(sb.buf, "name\na\n");
	sbuf_reset(&sb);
	output_render(&sb, OUT_TABLE, &tview, d, 0);
	assert_non_null(strstr(sb.buf, "_#"));
	sbuf_free(&sb);
	json_decref(d);
}

static void test_output_json_escapes(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:s}", "v", "\x1b]0;pwned\x07 \xe2\x80\xae \x7f \xc2\x9b");
	char *s = render(OUT_JSON, d, 0);
	/* one case for every \u escape, jansson's (C0) and ours (DEL, C1, bidi) alike */
	assert_string_equal(s, "{\"v\":\"\\u001b]0;pwned\\u0007 \\u202e \\u007f \\u009b\"}\n");
	free(s);
	json_decref(d);
}

static void test_output_hostile_table(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:s,s:[]}", "title", "\x1b[2J\xc2\x9b", "rows");
	char *s = render(OUT_TABLE, d, 0);
	assert_string_equal(s, "Title: \\x1b[2J\\xc2\\x9b\n\nNAME  COUNT  ISR  EXTRA\n");
	free(s);
	json_decref(d);
}

/*
 * An object cell is JSON text, escaped once: jansson's escapes (\\, \u001b) pass as they are, raw
 * DEL, C1 and bidi controls become \u escapes; it was escaped a second time (\\\\, \\u001B).
 */
static void test_output_object_cell(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "{\"path\":\"C:\\\\tmp\"}", "{\"path\":\"C:\\\\tmp\"}" },
		{ "{\"q\":\"say \\\"hi\\\"\"}", "{\"q\":\"say \\\"hi\\\"\"}" },
		{ "{\"esc\":\"\\u001b[2J\\n\"}", "{\"esc\":\"\\u001b[2J\\n\"}" },
		{ "{\"raw\":\"\x7f \xc2\x9b \xe2\x80\xae\"}", "{\"raw\":\"\\u007f \\u009b \\u202e\"}" },
		{ "{\"b\":[1,{\"c\":\"\\\\\"}],\"a\":\"caf\xc3\xa9\"}",
		  "{\"a\":\"caf\xc3\xa9\",\"b\":[1,{\"c\":\"\\\\\"}]}" },
		/* an array cell joins its items; an object inside it is JSON text as above */
		{ "[\"a\\\\b\",{\"k\":\"a\\\\b\"}]", "a\\\\b,{\"k\":\"a\\\\b\"}" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t err;
		json_t *v = json_loads(cases[i].json, 0, &err);
		assert_non_null(v);
		struct sbuf sb = SBUF_INIT;
		output_cell(&sb, v);
		assert_string_equal(sbuf_str(&sb), cases[i].want);
		sbuf_free(&sb);
		json_decref(v);
	}
}

static void test_output_generic_and_error(void **state)
{
	(void)state;
	json_t *d = json_pack("{s:s,s:[{s:i,s:s}]}", "topic", "t", "items", "a", 1, "b", "x");
	struct sbuf sb = SBUF_INIT;
	output_render(&sb, OUT_TABLE, NULL, d, 0);
	assert_string_equal(sbuf_str(&sb), "topic: t\n\nA  B\n1  x\n");
	sbuf_reset(&sb);
	output_error(&sb, OUT_JSON, "topics", 3, "cannot reach", "check it");
	assert_string_equal(sbuf_str(&sb), "{\"error\":{\"command\":\"topics\",\"message\":\"cannot "
					   "reach\",\"hint\":\"check it\",\"status\":3}}\n");
	sbuf_reset(&sb);
	output_error(&sb, OUT_TABLE, "topics", 1, "bad \x1b", NULL);
	assert_string_equal(sbuf_str(&sb), "error: bad \\x1b\n");
	sbuf_free(&sb);
	json_decref(d);
	assert_int_equal(output_format_parse("json"), OUT_JSON);
	assert_int_equal(output_format_parse("csv"), OUT_CSV);
	assert_int_equal(output_format_parse("table"), OUT_TABLE);
	assert_int_equal(output_format_parse("yaml"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_table),        cmocka_unit_test(test_output_truncates_to_width),
		cmocka_unit_test(test_output_csv),          cmocka_unit_test(test_output_text_column),
		cmocka_unit_test(test_output_json_escapes), cmocka_unit_test(test_output_hostile_table),
		cmocka_unit_test(test_output_object_cell),  cmocka_unit_test(test_output_generic_and_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
