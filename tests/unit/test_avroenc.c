/*
 * avroenc: JSON to Avro binary. The known record is the one tests/unit/test_decoders.c decodes,
 * made by fastavro: kcon's encoding must be byte for byte the same. Then every refusal with its
 * field path, and hostile input (deep nesting, huge numbers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "avroenc.h"
#include "sbuf.h"

#include "avro_order.h"

static void test_known(void **state)
{
	(void)state;
	const char *json = "{\"id\":42,\"name\":\"caf\xc3\xa9 \\\"x\\\"\",\"ts\":\"2024-05-01T13:45:00.250Z\","
			   "\"day\":\"2024-05-01\",\"price\":\"-12.34\",\"tags\":[\"a\",\"b\"],\"note\":null,"
			   "\"kind\":\"B\",\"uuid\":\"6f1c8e2a-0000-4000-8000-000000000001\"}";
	struct sbuf out = SBUF_INIT;
	char *cause = NULL;
	if (avroenc_encode(ORDER_SCHEMA, json, strlen(json), &out, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(out.len, ORDER_LEN);
	assert_memory_equal(out.buf, ORDER_BYTES, ORDER_LEN);
	/* plain numbers for the logical types, and Avro's {"type": value} for a union */
	sbuf_reset(&out);
	const char *plain = "{\"id\":42,\"name\":\"caf\xc3\xa9 \\\"x\\\"\",\"ts\":1714571100250,\"day\":19844,"
			    "\"price\":-12.34,\"tags\":[\"a\",\"b\"],\"note\":null,\"kind\":\"B\","
			    "\"uuid\":\"6f1c8e2a-0000-4000-8000-000000000001\"}";
	if (avroenc_encode(ORDER_SCHEMA, plain, strlen(plain), &out, &cause) != 0)
		fail_msg("%s", cause);
	assert_memory_equal(out.buf, ORDER_BYTES, ORDER_LEN);
	sbuf_reset(&out);
	assert_int_equal(avroenc_encode("[\"null\",\"long\"]", "{\"long\": -1}", 12, &out, &cause), 0);
	assert_int_equal(out.len, 2);
	assert_memory_equal(out.buf, "\x02\x01", 2);
	sbuf_reset(&out);
	assert_int_equal(avroenc_encode("\"long\"", "9223372036854775807", 19, &out, &cause), 0);
	assert_memory_equal(out.buf, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10);
	sbuf_free(&out);
}

/* rc -1: the value does not match; -2: the schema itself is one kcon cannot encode with */
static void refused_rc(const char *schema, const char *json, const char *want, int rc)
{
	struct sbuf out = SBUF_INIT;
	sbuf_add(&out, "kept");
	char *cause = NULL;
	int got = avroenc_encode(schema, json, strlen(json), &out, &cause);
	if (got != rc)
		fail_msg("%s: %d (%s), wanted %d", json, got, got ? cause : "accepted", rc);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: %s, wanted %s", json, cause, want);
	assert_string_equal(sbuf_str(&out), "kept"); /* nothing of it appended */
	free(cause);
	sbuf_free(&out);
}

static void refused(const char *schema, const char *json, const char *want)
{
	refused_rc(schema, json, want, -1);
}

/* Schemas kcon cannot encode with, and decimals past their precision: refused, not a crash or a
 * silent wrong value. */
static void test_refused_schema(void **state)
{
	(void)state;
	static const struct {
		const char *schema, *json, *want;
	} t[] = {
		{ "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"type\":\"long\"}]}", "{\"a\":1}",
		  "the schema's field 1 of record R has no name" },
		{ "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":7,\"type\":\"long\"}]}", "{}",
		  "the schema's field 1 of record R has no name" },
		{ "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\"}]}", "{\"a\":1}",
		  "the schema's field a of record R has no type" },
		{ "{\"type\":\"record\",\"name\":\"R\",\"fields\":7}", "{}",
		  "the schema's record R has no fields array" },
		{ "{\"type\":\"record\",\"fields\":[]}", "{}", "the schema has a record without a name" },
		{ "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[1]}", "\"A\"", "enum E's symbols must be strings" },
		{ "{\"type\":\"fixed\",\"name\":\"F\"}", "\"\"", "fixed F has no size" },
		{ "{\"type\":\"array\"}", "[]", "an array without items" },
		{ "{\"type\":\"map\"}", "{}", "a map without values" },
		/* decimals: digits and the scale's padding together at most the precision (and 38) */
		{ "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":38,\"scale\":2}",
		  "\"99999999999999999999999999999999999999\"", "more than 38 digits" },
		{ "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":2}", "\"123.4\"",
		  "more than 4 digits" },
		{ "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":38,\"scale\":2147483647}", "\"1\"",
		  "the decimal's scale must be 0 to its precision" },
		{ "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":4,\"scale\":-1}", "\"1\"",
		  "the decimal's scale must be 0 to its precision" },
		{ "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":39,\"scale\":0}", "\"1\"",
		  "the decimal's precision must be 1 to 38" },
		{ "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"scale\":0}", "\"1\"",
		  "the decimal's precision must be 1 to 38" },
		{ "{\"type\":\"fixed\",\"name\":\"D\",\"size\":2,\"logicalType\":\"decimal\",\"precision\":5}", "\"1\"",
		  "precision must be 1 to 4 for a fixed of 2 bytes" },
		{ "{\"type\":\"fixed\",\"name\":\"D\",\"size\":2,\"logicalType\":\"decimal\",\"precision\":4}",
		  "\"99999\"", "more than 4 digits" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		refused_rc(t[i].schema, t[i].json, t[i].want, strstr(t[i].want, "digits") ? -1 : -2);
}

/* Names inside a type are in the namespace where it was defined, not where it is used: Inner is
 * a.Inner (defined in a.Outer), N in the null namespace; used from namespace c, the E2 inside them
 * is still a.E2 (or the null namespace's E2), not c.E2 (here an enum with its symbols the other way
 * round, so the wrong one writes other bytes). The bytes are fastavro's (for the fallback, from the
 * same layout spelled with full names: fastavro does not fall back to the null namespace). */
#define NS_INNER                                                                                                       \
	"{\"type\":\"record\",\"name\":\"Inner\",\"fields\":[{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":"    \
	"\"E2\",\"symbols\":[\"A\",\"B\"]}},{\"name\":\"k\",\"type\":\"E2\"}]}"
#define NS_N                                                                                                           \
	"{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":"        \
	"\"E2\",\"symbols\":[\"A\",\"B\"]}},{\"name\":\"k\",\"type\":\"E2\"}]}"
#define NS_C_E2 "{\"type\":\"enum\",\"name\":\"E2\",\"symbols\":[\"B\",\"A\"]}"
static void test_namespace_of_definition(void **state)
{
	(void)state;
	static const struct {
		const char *schema, *json;
		size_t len;
		const char *bytes;
	} t[] = {
		/* a.Inner by its full name from namespace c; c.Inner, a union branch by its full name */
		{ "{\"type\":\"record\",\"name\":\"Top\",\"namespace\":\"c\",\"fields\":["
		  "{\"name\":\"o\",\"type\":{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"a\",\"fields\":["
		  "{\"name\":\"i\",\"type\":" NS_INNER "}]}},"
		  "{\"name\":\"ce\",\"type\":" NS_C_E2 "},{\"name\":\"r\",\"type\":\"a.Inner\"},"
		  "{\"name\":\"u\",\"type\":[\"null\",\"a.Inner\",{\"type\":\"record\",\"name\":\"Inner\",\"fields\":["
		  "{\"name\":\"z\",\"type\":\"long\"}]}]}]}",
		  "{\"o\":{\"i\":{\"e\":\"A\",\"k\":\"B\"}},\"ce\":\"A\",\"r\":{\"e\":\"B\",\"k\":\"B\"},"
		  "\"u\":{\"c.Inner\":{\"z\":1}}}",
		  7, "\x00\x02\x02\x02\x02\x04\x02" },
		/* the same without the union: only the bytes of r.k tell */
		{ "{\"type\":\"record\",\"name\":\"Top\",\"namespace\":\"c\",\"fields\":["
		  "{\"name\":\"o\",\"type\":{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"a\",\"fields\":["
		  "{\"name\":\"i\",\"type\":" NS_INNER "}]}},"
		  "{\"name\":\"ce\",\"type\":" NS_C_E2 "},{\"name\":\"r\",\"type\":\"a.Inner\"}]}",
		  "{\"o\":{\"i\":{\"e\":\"A\",\"k\":\"B\"}},\"ce\":\"A\",\"r\":{\"e\":\"B\",\"k\":\"B\"}}", 5,
		  "\x00\x02\x02\x02\x02" },
		/* N by its short name from namespace c: not c.N, so the null namespace's */
		{ "{\"type\":\"record\",\"name\":\"Top\",\"fields\":[{\"name\":\"n\",\"type\":" NS_N "},"
		  "{\"name\":\"c\",\"type\":{\"type\":\"record\",\"name\":\"C\",\"namespace\":\"c\",\"fields\":["
		  "{\"name\":\"ce\",\"type\":" NS_C_E2 "},{\"name\":\"r\",\"type\":\"N\"}]}}]}",
		  "{\"n\":{\"e\":\"A\",\"k\":\"B\"},\"c\":{\"ce\":\"A\",\"r\":{\"e\":\"B\",\"k\":\"B\"}}}", 5,
		  "\x00\x02\x02\x02\x02" },
	};
	int failed = 0; /* every case, not only the first that fails */
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sbuf out = SBUF_INIT;
		char *cause = NULL;
		if (avroenc_encode(t[i].schema, t[i].json, strlen(t[i].json), &out, &cause) != 0) {
			print_error("%zu: %s\n", i, cause);
			failed++;
		} else if (out.len != t[i].len || memcmp(out.buf, t[i].bytes, t[i].len) != 0) {
			char got[64] = "";
			for (size_t k = 0; k < out.len && k < 20; k++)
				snprintf(got + 3 * k, sizeof(got) - 3 * k, "%02x ", (unsigned char)out.buf[k]);
			print_error("%zu: wrote %zu bytes: %s\n", i, out.len, got);
			failed++;
		}
		free(cause);
		sbuf_free(&out);
	}
	assert_int_equal(failed, 0);
}

/* Named types by full name (Avro's namespaces): a.T and b.T are two types. */
static void test_namespaces(void **state)
{
	(void)state;
	const char *schema =
		"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":["
		"{\"name\":\"x\",\"type\":{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"s\",\"type\":"
		"\"string\"}]}},"
		"{\"name\":\"y\",\"type\":{\"type\":\"record\",\"name\":\"T\",\"namespace\":\"b\",\"fields\":["
		"{\"name\":\"n\",\"type\":\"long\"},{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\","
		"\"symbols\":[\"P\",\"Q\"]}},"
		"{\"name\":\"e2\",\"type\":\"E\"}]}},"
		"{\"name\":\"z\",\"type\":\"T\"},{\"name\":\"w\",\"type\":\"b.T\"},{\"name\":\"v\",\"type\":\"b.E\"},"
		"{\"name\":\"u\",\"type\":[\"null\",\"a.T\",\"b.T\"]}]}";
	static const struct {
		const char *json;
		size_t len;
		const char *bytes;
	} t[] = {
		{ "{\"x\":{\"s\":\"hi\"},\"y\":{\"n\":1,\"e\":\"Q\",\"e2\":\"P\"},\"z\":{\"s\":\"ok\"},"
		  "\"w\":{\"n\":2,\"e\":\"P\",\"e2\":\"Q\"},\"v\":\"Q\",\"u\":null}",
		  14, "\x04hi\x02\x02\x00\x04ok\x04\x00\x02\x02\x00" },
		/* a union branch by its full name, and by the value's shape */
		{ "{\"x\":{\"s\":\"\"},\"y\":{\"n\":0,\"e\":\"P\",\"e2\":\"P\"},\"z\":{\"s\":\"\"},"
		  "\"w\":{\"n\":0,\"e\":\"P\",\"e2\":\"P\"},\"v\":\"P\",\"u\":{\"b.T\":{\"n\":3,\"e\":\"P\",\"e2\":"
		  "\"P\"}}}",
		  13, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x06\x00\x00" },
		{ "{\"x\":{\"s\":\"\"},\"y\":{\"n\":0,\"e\":\"P\",\"e2\":\"P\"},\"z\":{\"s\":\"\"},"
		  "\"w\":{\"n\":0,\"e\":\"P\",\"e2\":\"P\"},\"v\":\"P\",\"u\":{\"s\":\"q\"}}",
		  12, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x02q" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sbuf out = SBUF_INIT;
		char *cause = NULL;
		if (avroenc_encode(schema, t[i].json, strlen(t[i].json), &out, &cause) != 0)
			fail_msg("%zu: %s", i, cause);
		assert_int_equal(out.len, t[i].len);
		assert_memory_equal(out.buf, t[i].bytes, t[i].len);
		sbuf_free(&out);
	}
	/* a decimal of exactly 38 digits, and the largest a 2-byte fixed holds */
	struct sbuf out = SBUF_INIT;
	char *cause = NULL;
	if (avroenc_encode("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":38,\"scale\":2}",
			   "\"999999999999999999999999999999999999.99\"", 41, &out, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(out.len, 17); /* the length, then 16 bytes */
	assert_memory_equal(out.buf, "\x20\x4b\x3b\x4c\xa8\x5a\x86\xc4\x7a\x09\x8a\x22\x3f\xff\xff\xff\xff", 17);
	sbuf_free(&out);
}

static void test_refused(void **state)
{
	(void)state;
	refused(ORDER_SCHEMA, "{\"id\": \"x\"}", "at .id: expected a long, got a string");
	refused(ORDER_SCHEMA, "{\"id\": 1}", "at .name: missing, and the field has no default");
	refused(ORDER_SCHEMA, "{\"id\": 1, \"nope\": 2}", "at .nope: the record has no field nope");
	refused(ORDER_SCHEMA, "[1]", "at (the record): expected an object (a record), got an array");
	refused(ORDER_SCHEMA, "{\"id\": ", "the record is not JSON");
	refused("{\"type\": \"array\", \"items\": \"int\"}", "[1, 4294967296]", "at [1]: expected an int (32 bits)");
	refused("{\"type\": \"map\", \"values\": \"boolean\"}", "{\"a\": true, \"b\": 1}",
		"at [\"b\"]: expected true or false, got an integer");
	refused("[\"null\", \"string\"]", "5", "an integer fits no branch of the union");
	refused("{\"type\": \"fixed\", \"name\": \"F\", \"size\": 2}", "\"abc\"", "the fixed type's size");
	refused("\"bytes\"", "\"\\u0100\"", "code points 0-255");
	refused("{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 10, \"scale\": 2}", "\"1.234\"",
		"at most 2 fraction digits");
	refused("{\"type\": \"int\", \"logicalType\": \"date\"}", "\"2024-13-01\"", "expected a date");
	refused("{\"type\": \"long\", \"logicalType\": \"timestamp-millis\"}", "\"yesterday\"", "expected a time");
	refused("{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\"]}", "\"B\"", "enum's symbols");
	refused("\"no-such-type\"", "1", "not one kcon encodes");
	refused("{", "1", "the schema is not JSON");
	/* a recursive schema 10,000 levels deep in the record: jansson or the 64-level limit refuses it */
	const char *list =
		"{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"n\",\"type\":[\"null\",\"N\"]}]}";
	size_t depth = 10000;
	char *deep = malloc(depth * 6 + 16), *p = deep;
	for (size_t i = 0; i < depth; i++)
		p += sprintf(p, "{\"n\":");
	p += sprintf(p, "null");
	for (size_t i = 0; i < depth; i++)
		*p++ = '}';
	*p = '\0';
	struct sbuf out = SBUF_INIT;
	char *cause = NULL;
	assert_int_equal(avroenc_encode(list, deep, strlen(deep), &out, &cause), -1);
	free(cause);
	/* 40 levels: fine */
	p = deep;
	for (size_t i = 0; i < 20; i++)
		p += sprintf(p, "{\"n\":");
	p += sprintf(p, "null");
	for (size_t i = 0; i < 20; i++)
		*p++ = '}';
	*p = '\0';
	if (avroenc_encode(list, deep, strlen(deep), &out, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(out.len, 20); /* 20 records: 19 union branches N, then null */
	sbuf_free(&out);
	free(deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_refused_schema),
		cmocka_unit_test(test_namespaces),
		cmocka_unit_test(test_namespace_of_definition),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
