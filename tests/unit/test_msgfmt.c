/* Output templates for tail: fields, escapes, hostile templates, escaping of message bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msgfmt.h"

static const struct msg_header test_headers[] = {
	{ "trace-id", "abc123", 6 },
	{ "source", "svc\x1b[2J", 7 },
	{ "trace-id", "second", 6 },
	{ "empty", NULL, 0 },
};

static const struct msg test_msg = {
	.topic = "orders",
	.partition = 3,
	.offset = 42,
	.timestamp = 1700000000123,
	.ts_type = 1,
	.key = "k\x01y",
	.key_len = 3,
	.value = "v\nal\xff",
	.value_len = 5,
	.headers = test_headers,
	.nheaders = 4,
};

static char *render(const char *tmpl, const struct msg *m, enum msg_encoding enc, bool raw)
{
	char *cause = NULL;
	struct msgfmt *f = msgfmt_parse(tmpl, &cause);
	assert_non_null(f);
	assert_null(cause);
	struct sbuf sb = SBUF_INIT;
	msgfmt_render(&sb, f, m, enc, raw);
	msgfmt_free(f);
	return sbuf_release(&sb);
}

static void test_fields(void **state)
{
	(void)state;
	static const struct {
		const char *tmpl;
		enum msg_encoding enc;
		bool raw;
		const char *out;
	} cases[] = {
		{ "%t %p %o\\n", MSG_AUTO, false, "orders 3 42\n" },
		{ "%T", MSG_AUTO, false, "1700000000123" },
		{ "%K %S", MSG_AUTO, false, "3 5" },
		{ "[%k]", MSG_AUTO, false, "[k\\x01y]" },       /* escaped: a control byte */
		{ "[%s]", MSG_AUTO, false, "[v\\x0aal\\xff]" }, /* a newline and a byte that is no UTF-8 */
		{ "[%k][%s]", MSG_AUTO, true, "[k\x01y][v\nal\xff]" },
		{ "%k|%s", MSG_HEX, false, "6b0179|760a616cff" },
		{ "%s", MSG_BASE64, false, "dgphbP8=" },
		{ "%h{trace-id}", MSG_AUTO, false, "abc123" }, /* the first of two */
		{ "<%h{missing}>", MSG_AUTO, false, "<>" },
		{ "<%h{empty}>", MSG_AUTO, false, "<>" },
		{ "%h{source}", MSG_AUTO, false, "svc\\x1b[2J" },
		{ "%h", MSG_AUTO, false, "trace-id=abc123,source=svc\\x1b[2J,trace-id=second,empty=" },
		{ "100%% %%t", MSG_AUTO, false, "100% %t" },
		{ "a\\tb\\\\c\\r", MSG_AUTO, false, "a\tb\\c\r" },
		{ "", MSG_AUTO, false, "" },
		{ "no fields", MSG_AUTO, false, "no fields" },
		{ "%h{a}b}", MSG_AUTO, false, "b}" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = render(cases[i].tmpl, &test_msg, cases[i].enc, cases[i].raw);
		if (strcmp(out, cases[i].out) != 0)
			fail_msg("case %zu `%s`: got `%s`, want `%s`", i, cases[i].tmpl, out, cases[i].out);
		free(out);
	}
}

static void test_null_key_value(void **state)
{
	(void)state;
	struct msg m = test_msg;
	m.key = NULL;
	m.value = NULL;
	m.timestamp = -1;
	m.ts_type = 0;
	m.nheaders = 0;
	char *out = render("[%k][%K][%s][%S][%T][%h][%h{trace-id}]", &m, MSG_AUTO, false);
	assert_string_equal(out, "[][-1][][-1][-1][][]");
	free(out);
}

static void test_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *tmpl, *cause;
	} cases[] = {
		{ "%x", "--format has an unknown field %x at 0" },
		{ "abc %", "--format ends in a lone % (write %%)" },
		{ "%h{trace-id", "--format: %h{ at 0 has no closing }" },
		{ "%k %h{", "--format: %h{ at 3 has no closing }" },
		{ "%h{}", "--format: %h{} at 0 names no header" },
		{ "x\\", "--format ends in a lone backslash (two stand for one)" },
		{ "\\q", "--format has an unknown escape at 0: a backslash before `q`" },
		{ "%\x1b", "--format has an unknown field at 0" },
		{ "%\xc3\xa9", "--format has an unknown field at 0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *cause = NULL;
		struct msgfmt *f = msgfmt_parse(cases[i].tmpl, &cause);
		assert_null(f);
		assert_non_null(cause);
		if (strcmp(cause, cases[i].cause) != 0)
			fail_msg("case %zu: got `%s`, want `%s`", i, cause, cases[i].cause);
		free(cause);
	}
}

static void test_is_template_and_headers(void **state)
{
	(void)state;
	assert_true(msgfmt_is_template("%s"));
	assert_false(msgfmt_is_template("hex"));
	char *cause = NULL;
	struct msgfmt *f = msgfmt_parse("%k %s", &cause);
	assert_false(msgfmt_wants_headers(f));
	msgfmt_free(f);
	f = msgfmt_parse("%h{x}", &cause);
	assert_true(msgfmt_wants_headers(f));
	msgfmt_free(f);
	msgfmt_free(NULL);
	assert_non_null(strstr(msgfmt_hint(), "%h{NAME}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_null_key_value),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_is_template_and_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
