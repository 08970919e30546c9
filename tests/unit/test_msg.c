/* msg and tail parsing: JSON strings and envelopes, embedding, base64/hex, table escaping, reading
 * envelopes back, start points and partition lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "msg.h"
#include "tail.h"

static char *json_str(const char *s, size_t len)
{
	struct sbuf sb = SBUF_INIT;
	msg_json_string(&sb, s, len);
	return sbuf_release(&sb);
}

static void test_json_string(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{ "plain", 5, "\"plain\"" },
		{ "q\"b\\", 4, "\"q\\\"b\\\\\"" },
		{ "a\nb\tc\r", 6, "\"a\\nb\\tc\\r\"" },
		{ "\x1b]0;pwned\x07", 10, "\"\\u001b]0;pwned\\u0007\"" },
		{ "\x1b[2J", 4, "\"\\u001b[2J\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "\xe2\x80\xae", 3, "\"\\u202e\"" },            /* RLO */
		{ "\xc2\x9b", 2, "\"\\u009b\"" },                /* C1 CSI */
		{ "\xf3\xa0\x80\x81", 4, "\"\\udb40\\udc01\"" }, /* a tag character: a surrogate pair */
		{ "\x7f", 1, "\"\\u007f\"" },
		{ "nul\0x", 5, "\"nul\\u0000x\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = json_str(cases[i].in, cases[i].len);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

/* The word-at-a-time scan: a special byte at every position of a longer string. */
static void test_json_string_every_position(void **state)
{
	(void)state;
	static const struct {
		char c;
		const char *esc;
	} specials[] = { { '"', "\\\"" },       { '\\', "\\\\" },      { '\x01', "\\u0001" },
			 { '\x1f', "\\u001f" }, { '\x7f', "\\u007f" }, { '\n', "\\n" } };
	for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++)
		for (int pos = 0; pos < 20; pos++) {
			char in[20], want[64];
			memset(in, 'a', sizeof(in));
			in[pos] = specials[k].c;
			snprintf(want, sizeof(want), "\"%.*s%s%.*s\"", pos, in, specials[k].esc, 19 - pos,
				 in + pos + 1);
			char *got = json_str(in, sizeof(in));
			assert_string_equal(got, want);
			free(got);
		}
	char *got = json_str("abcdefgh\xc3\xa9ijklmnop", 18); /* UTF-8 after a plain word */
	assert_string_equal(got, "\"abcdefgh\xc3\xa9ijklmnop\"");
	free(got);
}

static void test_utf8_and_embeddable(void **state)
{
	(void)state;
	assert_true(msg_utf8_valid("caf\xc3\xa9", 5));
	assert_false(msg_utf8_valid("\xff", 1));
	assert_false(msg_utf8_valid("\xc0\xaf", 2));     /* overlong */
	assert_false(msg_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	static const char *const yes[] = { "{}",
					   "[]",
					   "{\"a\":1}",
					   "{\"a\": [1, 2.5e3, -0, true, false, null]}",
					   "[\"x\\u001b\\\"\"]",
					   "[\"\\\\u001B\"]", /* an escaped backslash, then text */
					   "{\"k\":{\"n\":[[]]}}" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(msg_json_embeddable(yes[i], strlen(yes[i])));
	static const char *const no[] = { "", "1", "\"s\"", "null", " {}", "{} ", "{\"a\":1,}", "{\"a\"\n:1}", "[01]",
					  "{\"a\":\"\x1b\"}", "{\"a\":\"\xe2\x80\xae\"}", "[1,2", "{\"a\":tru}",
					  "{'a':1}", "[\"\\x\"]",
					  /* upper-case hex in an escape: embedded it would break the one case of every
					     \uXXXX kcon writes; as a string it is written in lower case */
					  "{\"a\":\"\\u001B\"}", "[\"\\u00e9\\u009B\"]" };
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(msg_json_embeddable(no[i], strlen(no[i])));
}

static void test_base64_hex(void **state)
{
	(void)state;
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const b64[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	for (size_t i = 0; i < 7; i++) {
		struct sbuf sb = SBUF_INIT, back = SBUF_INIT;
		msg_base64(&sb, in[i], strlen(in[i]));
		assert_string_equal(sbuf_str(&sb), b64[i]);
		assert_int_equal(msg_unbase64(&back, sb.buf ? sb.buf : "", sb.len), 0);
		assert_int_equal(back.len, strlen(in[i]));
		assert_memory_equal(sbuf_str(&back), in[i], back.len);
		sbuf_free(&sb);
		sbuf_free(&back);
	}
	struct sbuf sb = SBUF_INIT;
	assert_int_equal(msg_unbase64(&sb, "Zm9v!", 5), -1);
	msg_hex(&sb, "\x00\xff\x1b", 3);
	assert_string_equal(sbuf_str(&sb), "00ff1b");
	struct sbuf back = SBUF_INIT;
	assert_int_equal(msg_unhex(&back, "00FF1b", 6), 0);
	assert_memory_equal(back.buf, "\x00\xff\x1b", 3);
	assert_int_equal(msg_unhex(&back, "0g", 2), -1);
	assert_int_equal(msg_unhex(&back, "abc", 3), -1);
	sbuf_free(&sb);
	sbuf_free(&back);
	msg_int(&sb, 0);
	sbuf_addc(&sb, ' ');
	msg_int(&sb, -9223372036854775807LL - 1);
	sbuf_addc(&sb, ' ');
	msg_int(&sb, 42);
	assert_string_equal(sbuf_str(&sb), "0 -9223372036854775808 42");
	sbuf_free(&sb);
}

static void test_envelope(void **state)
{
	(void)state;
	struct msg_header h[] = { { "trace", "abc", 3 }, { "bin", "\xff\x00", 2 }, { "none", NULL, 0 } };
	struct msg m = { .topic = "orders",
			 .partition = 3,
			 .offset = 42,
			 .timestamp = 1714564800250,
			 .ts_type = 1,
			 .key = "\xff\x01",
			 .key_len = 2,
			 .value = "{\"id\":7}",
			 .value_len = 8,
			 .headers = h,
			 .nheaders = 3 };
	struct sbuf sb = SBUF_INIT;
	msg_json(&sb, &m, MSG_AUTO);
	assert_string_equal(
		sbuf_str(&sb),
		"{\"topic\":\"orders\",\"partition\":3,\"offset\":42,\"timestamp\":1714564800250,"
		"\"timestamp_type\":\"create_time\",\"key\":\"/wE=\",\"key_encoding\":\"base64\",\"headers\":["
		"{\"name\":\"trace\",\"value\":\"abc\"},{\"name\":\"bin\",\"value\":\"/wA=\",\"encoding\":"
		"\"base64\"},{\"name\":\"none\",\"value\":null}],\"value\":{\"id\":7}}\n");

	/* Read back: every byte the same. */
	struct msg_in in;
	char *cause = NULL;
	assert_int_equal(msg_parse_json(sb.buf, sb.len - 1, &in, &cause), 0);
	assert_true(in.has_key);
	assert_int_equal(in.key.len, 2);
	assert_memory_equal(in.key.buf, "\xff\x01", 2);
	assert_string_equal(sbuf_str(&in.value), "{\"id\":7}");
	assert_int_equal(in.partition, 3);
	assert_int_equal(in.timestamp, 1714564800250);
	assert_int_equal(in.nheaders, 3);
	assert_string_equal(in.headers[1].name, "bin");
	assert_memory_equal(in.headers[1].value.buf, "\xff\x00", 2);
	assert_false(in.headers[2].has_value);
	msg_in_clear(&in);

	/* Not embeddable JSON, hostile text, a tombstone, hex. */
	sbuf_reset(&sb);
	struct msg t = { .topic = "t", .timestamp = -1, .value = "{\"a\": 1}\n", .value_len = 9 };
	msg_json(&sb, &t, MSG_AUTO);
	assert_non_null(strstr(sbuf_str(&sb), "\"timestamp\":null,\"timestamp_type\":null,\"key\":null"));
	assert_non_null(strstr(sbuf_str(&sb), "\"value\":\"{\\\"a\\\": 1}\\n\"}"));
	assert_int_equal(msg_parse_json(sb.buf, sb.len - 1, &in, &cause), 0);
	assert_int_equal(in.value.len, 9);
	assert_memory_equal(in.value.buf, "{\"a\": 1}\n", 9);
	assert_false(in.has_key);
	msg_in_clear(&in);
	sbuf_reset(&sb);
	t.value = NULL;
	msg_json(&sb, &t, MSG_HEX);
	assert_non_null(strstr(sbuf_str(&sb), "\"value\":null}"));
	assert_int_equal(msg_parse_json(sb.buf, sb.len - 1, &in, &cause), 0);
	assert_false(in.has_value);
	msg_in_clear(&in);
	sbuf_reset(&sb);
	t.value = "\x1b]0;x\x07";
	t.value_len = 6;
	msg_json(&sb, &t, MSG_HEX);
	assert_non_null(strstr(sbuf_str(&sb), "\"value\":\"1b5d303b7807\",\"encoding\":\"hex\""));
	assert_int_equal(msg_parse_json(sb.buf, sb.len - 1, &in, &cause), 0);
	assert_memory_equal(in.value.buf, "\x1b]0;x\x07", 6);
	msg_in_clear(&in);

	/* Header names: UTF-8 as a string (controls escaped), other bytes base64, whatever the encoding. */
	struct msg_header hn[] = { { "caf\xc3\xa9\x1b", "v", 1 }, { "\xff\xfe", "w", 1 } };
	t.headers = hn;
	t.nheaders = 2;
	static const enum msg_encoding encs[] = { MSG_AUTO, MSG_HEX };
	for (size_t i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		sbuf_reset(&sb);
		msg_json(&sb, &t, encs[i]);
		assert_non_null(strstr(sbuf_str(&sb), "{\"name\":\"caf\xc3\xa9\\u001b\",\"value\":"));
		assert_non_null(strstr(sbuf_str(&sb), "{\"name\":\"//4=\",\"name_encoding\":\"base64\",\"value\":"));
		assert_int_equal(msg_parse_json(sb.buf, sb.len - 1, &in, &cause), 0);
		assert_int_equal(in.nheaders, 2);
		assert_string_equal(in.headers[0].name, "caf\xc3\xa9\x1b");
		assert_string_equal(in.headers[1].name, "\xff\xfe");
		msg_in_clear(&in);
	}
	sbuf_free(&sb);

	static const char *const bad[] = { "",
					   "[]",
					   "{\"value\":1",
					   "{\"key\":{}}",
					   "{\"value\":\"x\",\"encoding\":\"rot13\"}",
					   "{\"partition\":\"x\"}",
					   "{\"headers\":{\"a\":\"b\"}}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(msg_parse_json(bad[i], strlen(bad[i]), &in, &cause), -1);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
	}
}

static void test_table_and_raw(void **state)
{
	(void)state;
	struct msg m = { .topic = "t",
			 .partition = 1,
			 .offset = 7,
			 .timestamp = 0,
			 .ts_type = 1,
			 .key = "k\x1b",
			 .key_len = 2,
			 .value = "\x1b]0;pwned\x07 and \x1b[2J",
			 .value_len = 19 };
	struct sbuf sb = SBUF_INIT;
	msg_table(&sb, &m, MSG_AUTO, 0);
	assert_null(strchr(sbuf_str(&sb), '\x1b'));
	assert_null(strchr(sbuf_str(&sb), '\x07'));
	assert_non_null(strstr(sbuf_str(&sb), "1970-01-01T00:00:00.000Z"));
	assert_non_null(strstr(sbuf_str(&sb), "k\\x1b"));
	assert_non_null(strstr(sbuf_str(&sb), "\\x1b]0;pwned\\x07 and \\x1b[2J\n"));
	sbuf_reset(&sb);
	msg_table(&sb, &m, MSG_AUTO, 70); /* cut to the width */
	assert_true(sb.len < 80);         /* the value gets at least 8 columns */
	assert_non_null(strstr(sbuf_str(&sb), " \\x1b]...\n"));
	sbuf_reset(&sb);
	msg_raw(&sb, &m, MSG_AUTO, "\n", 1);
	assert_int_equal(sb.len, 20);
	assert_memory_equal(sb.buf, m.value, 19);
	sbuf_free(&sb);
}

static void test_parse_from(void **state)
{
	(void)state;
	struct tail_from f;
	char *cause = NULL;
	const int64_t now = 1714564800000; /* 2024-05-01T12:00:00Z */
	assert_int_equal(tail_parse_from("beginning", now, &f, &cause), 0);
	assert_int_equal(f.kind, TAIL_FROM_BEGINNING);
	assert_int_equal(tail_parse_from("end", now, &f, &cause), 0);
	assert_int_equal(f.kind, TAIL_FROM_END);
	assert_int_equal(tail_parse_from("committed", now, &f, &cause), 0);
	assert_int_equal(f.kind, TAIL_FROM_COMMITTED);
	assert_int_equal(tail_parse_from("1234", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_OFFSET && f.value == 1234);
	assert_int_equal(tail_parse_from("-10", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_LAST && f.value == 10);
	assert_int_equal(tail_parse_from("@2024-05-01T11:00:00Z", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_TIME && f.value == now - 3600000);
	assert_int_equal(tail_parse_from("@2024-05-01T13:00:00+02:00", now, &f, &cause), 0);
	assert_int_equal(f.value, now - 3600000);
	assert_int_equal(tail_parse_from("@-15m", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_TIME && f.value == now - 900000);
	assert_int_equal(tail_parse_from("@PT1H30M", now, &f, &cause), 0);
	assert_int_equal(f.value, now - 5400000);
	assert_int_equal(tail_parse_from("@1714564800000", now, &f, &cause), 0);
	assert_int_equal(f.value, now);
	/* before 1970 (a date, or a duration longer than since then): the first message, not -1 or -2 */
	assert_int_equal(tail_parse_from("@1969-12-31T23:59:59.999Z", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_TIME && f.value == 0);
	assert_int_equal(tail_parse_from("@-36500d", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_TIME && f.value == 0);
	assert_int_equal(tail_parse_from("-9223372036854775807", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_LAST && f.value == INT64_MAX);
	assert_int_equal(tail_parse_from("9223372036854775807", now, &f, &cause), 0);
	assert_true(f.kind == TAIL_FROM_OFFSET && f.value == INT64_MAX);
	static const char *const bad[] = {
		"",
		"yesterday",
		"-0",
		"12x",
		"@",
		"@-15q",
		"@2024-13-01",
		"--5",
		"-9223372036854775808", /* -N with N past INT64_MAX: negating it overflowed */
		"9223372036854775808",
		"-99999999999999999999",
		"@99999999999999999999",
		"@-106751991167d1d",
		"@-99999999999999999999h"
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(tail_parse_from(bad[i], now, &f, &cause), -1);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
	}
	int32_t *parts;
	int n;
	assert_int_equal(tail_parse_partitions("0,2,5-7", &parts, &n, &cause), 0);
	assert_int_equal(n, 5);
	assert_int_equal(parts[4], 7);
	free(parts);
	assert_int_equal(tail_parse_partitions("x", &parts, &n, &cause), -1);
	free(cause);
	/* the cause names the option and what was typed, nothing internal */
	assert_int_equal(tail_parse_partitions("99999999999", &parts, &n, &cause), -1);
	assert_true(strncmp(cause, "--partition: `99999999999`", 26) == 0);
	assert_null(strstr(cause, "t:"));
	free(cause);
}

/* msg_copy: one allocation that outlives what it was copied from, bytes and all. */
static void test_copy(void **state)
{
	(void)state;
	char topic[] = "t", key[] = "k\0y", value[] = "value", hname[] = "h", hval[] = "hv";
	struct msg_header hs[2] = { { hname, hval, 2 }, { hname, NULL, 0 } };
	struct msg m = { .topic = topic,
			 .partition = 3,
			 .offset = 42,
			 .timestamp = 7,
			 .ts_type = 1,
			 .key = key,
			 .key_len = 3,
			 .value = value,
			 .value_len = 5,
			 .headers = hs,
			 .nheaders = 2,
			 .schema_id = -1 };
	m.decoder = "d", m.decode_error = "e", m.schema_id = 5; /* a decoder's work is not copied */
	struct msg *c = msg_copy(&m);
	assert_null(c->decoder);
	assert_null(c->decode_error);
	assert_int_equal(c->schema_id, -1);
	memset(topic, 'x', 1), memset(key, 'x', 3), memset(value, 'x', 5), memset(hname, 'x', 1), memset(hval, 'x', 2);
	assert_string_equal(c->topic, "t");
	assert_int_equal(c->partition, 3);
	assert_int_equal(c->offset, 42);
	assert_memory_equal(c->key, "k\0y", 3);
	assert_memory_equal(c->value, "value", 5);
	assert_int_equal(c->nheaders, 2);
	assert_string_equal(c->headers[0].name, "h");
	assert_memory_equal(c->headers[0].value, "hv", 2);
	assert_null(c->headers[1].value);
	free(c);
	/* after the caller's own bytes, zeroed, the message aligned */
	size_t bytes = 0;
	char *mem = msg_copy_after(&m, 10, &c, &bytes);
	for (int i = 0; i < 10; i++)
		assert_int_equal(mem[i], 0);
	assert_int_equal((uintptr_t)c % _Alignof(max_align_t), 0);
	assert_true((char *)c >= mem + 10 && bytes > sizeof(struct msg) + 5 + 3);
	assert_memory_equal(c->value, "xxxxx", 5); /* copied from m as it is now */
	free(mem);
	struct msg tomb = { .topic = NULL, .key = NULL, .value = NULL }; /* a tombstone without key or headers */
	c = msg_copy(&tomb);
	assert_null(c->key);
	assert_null(c->value);
	assert_null(c->headers);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_json_string_every_position),
		cmocka_unit_test(test_utf8_and_embeddable),
		cmocka_unit_test(test_base64_hex),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_table_and_raw),
		cmocka_unit_test(test_parse_from),
		cmocka_unit_test(test_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
