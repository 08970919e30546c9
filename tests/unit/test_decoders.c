/*
 * The bundled decoders (plugins/decode_*.c, loaded from the build tree as kcon loads them): known
 * byte strings and hostile ones (truncated records, lengths past the end, 10,000-deep nesting,
 * 10-byte and longer varints, unknown schema ids), and plugin_decode_auto's choice by wire format.
 * The Schema Registry is a table here (plugin_set_schema_source).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "plugin.h"
#include "sbuf.h"
#include "xalloc.h"

#include "avro_order.h"
#define ORDER_JSON                                                                                                     \
	"{\"id\":42,\"name\":\"caf\xc3\xa9 \\\"x\\\"\",\"ts\":\"2024-05-01T13:45:00.250Z\",\"day\":\"2024-05-01\","    \
	"\"price\":\"-12.34\",\"tags\":[\"a\",\"b\"],\"note\":null,\"kind\":\"B\","                                    \
	"\"uuid\":\"6f1c8e2a-0000-4000-8000-000000000001\"}"
#define LIST_SCHEMA                                                                                                    \
	"{\"type\":\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}"

static const char *schema6 = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";

/* Two records named T, in namespaces a and b: "T" inside a means a.T, inside b b.T (Avro's full names) */
#define NS_SCHEMA                                                                                                      \
	"{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"a\",\"fields\":["                                         \
	"{\"name\":\"x\",\"type\":{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"s\",\"type\":"           \
	"\"string\"}]}},"                                                                                              \
	"{\"name\":\"y\",\"type\":{\"type\":\"record\",\"name\":\"T\",\"namespace\":\"b\",\"fields\":["                \
	"{\"name\":\"n\",\"type\":\"long\"},{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":["  \
	"\"P\",\"Q\"]}},"                                                                                              \
	"{\"name\":\"e2\",\"type\":\"E\"}]}},"                                                                         \
	"{\"name\":\"z\",\"type\":\"T\"},{\"name\":\"w\",\"type\":\"b.T\"},{\"name\":\"v\",\"type\":\"b.E\"}]}"

/* Names inside a type are in the namespace where it was defined, not where it is used: E2 inside
 * a.Inner used from namespace c is a.E2, not c.E2 (a record of a string here, which the last byte
 * would run past). (A short name falling back to the null namespace libavro refuses: "Unknown Avro
 * type", so only the encoder's tests have that case.) */
#define NS_USE_INNER                                                                                                   \
	"{\"type\":\"record\",\"name\":\"Inner\",\"fields\":[{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":"    \
	"\"E2\",\"symbols\":[\"A\",\"B\"]}},{\"name\":\"k\",\"type\":\"E2\"}]}"
#define NS_USE_C_E2 "{\"type\":\"record\",\"name\":\"E2\",\"fields\":[{\"name\":\"s\",\"type\":\"string\"}]}"
#define NS_CROSS_SCHEMA                                                                                                \
	"{\"type\":\"record\",\"name\":\"Top\",\"namespace\":\"c\",\"fields\":["                                       \
	"{\"name\":\"o\",\"type\":{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"a\",\"fields\":["            \
	"{\"name\":\"i\",\"type\":" NS_USE_INNER "}]}},"                                                               \
	"{\"name\":\"ce\",\"type\":" NS_USE_C_E2 "},{\"name\":\"r\",\"type\":\"a.Inner\"}]}"

/* A .proto with what the protobuf decoder's names cover (the bytes below: Python's protobuf package) */
#define SHOP_PROTO                                                                                                     \
	"syntax = \"proto3\";\npackage shop;\nimport \"google/protobuf/timestamp.proto\";\n// an order\n"              \
	"message Order {\n  int64 id = 1;\n  string customer = 2;\n  Status status = 3;\n  repeated Item items = 4;\n" \
	"  map<string, int32> counts = 5;\n  oneof pay { string card = 6; bytes token = 7; }\n"                        \
	"  repeated sint32 deltas = 8 [packed = true];\n  double total = 9;\n  float ratio = 10;\n  bool gift = 11;\n" \
	"  fixed64 f64 = 12;\n  sfixed32 sf32 = 13;\n  uint32 u32 = 14;\n  google.protobuf.Timestamp at = 15;\n"       \
	"  map<int64, Item> by_id = 16;\n  int32 neg = 17;\n  /* nested */ message Item { string sku = 1; uint64 qty " \
	"= 2; }\n"                                                                                                     \
	"  enum Status { NEW = 0; PAID = 1; }\n  reserved 100 to 200;\n}\nmessage Other { string x = 1; }\n"
/* Order(id=-5, customer='café "q"\n', status=PAID, items=[{sku: a, qty: 2}, {sku: b, qty: 2^64-1}],
 * counts={x: 1, y: -2}, token=b"\x00\xff\x10", deltas=[-1, 2, -3], total=2.5, ratio=0.1, gift=True,
 * f64=2^64-1, sf32=-7, u32=4000000000, at={seconds: 1700000000, nanos: 5}, by_id={-9: {sku: z}}, neg=-1) */
#define SHOP_ORDER                                                                                                     \
	"\x08\xfb\xff\xff\xff\xff\xff\xff\xff\xff\x01\x12\x0a\x63\x61\x66\xc3\xa9\x20\x22\x71\x22\x0a\x18\x01\x22"     \
	"\x05\x0a\x01\x61\x10\x02\x22\x0e\x0a\x01\x62\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x2a\x0e\x0a"         \
	"\x01\x79\x10\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01\x2a\x05\x0a\x01\x78\x10\x01\x3a\x03\x00\xff\x10"         \
	"\x42\x03\x01\x04\x05\x49\x00\x00\x00\x00\x00\x00\x04\x40\x55\xcd\xcc\xcc\x3d\x58\x01\x61\xff\xff\xff"         \
	"\xff\xff\xff\xff\xff\x6d\xf9\xff\xff\xff\x70\x80\xd0\xac\xf3\x0e\x7a\x08\x08\x80\xe2\xcf\xaa\x06\x10"         \
	"\x05\x82\x01\x10\x08\xf7\xff\xff\xff\xff\xff\xff\xff\xff\x01\x12\x03\x0a\x01\x7a\x88\x01\xff\xff\xff"         \
	"\xff\xff\xff\xff\xff\xff\x01"
#define SHOP_ORDER_LEN 158
/* json_format.MessageToDict(order, preserving_proto_field_name=True), but for `at`: an imported type,
 * shown by numbers */
#define SHOP_ORDER_JSON                                                                                                \
	"{\"id\":\"-5\",\"customer\":\"caf\xc3\xa9 \\\"q\\\"\\u000a\",\"status\":\"PAID\",\"items\":[{\"sku\":"        \
	"\"a\",\"qty\":\"2\"},{\"sku\":\"b\",\"qty\":\"18446744073709551615\"}],\"counts\":{\"y\":-2,\"x\":1},"        \
	"\"token\":\"AP8Q\",\"deltas\":[-1,2,-3],\"total\":2.5,\"ratio\":0.1,\"gift\":true,\"f64\":"                   \
	"\"18446744073709551615\",\"sf32\":-7,\"u32\":4000000000,\"at\":{\"1\":1700000000,\"2\":5},\"by_id\":"         \
	"{\"-9\":{\"sku\":\"z\"}},\"neg\":-1}"

#define LONG_NAME                                                                                                      \
	"a123456789b123456789c123456789d123456789e123456789f123456789g123456789h123456789i123456789j123456789"         \
	"k123456789l123456789m123456789n123456789o123456789p123456789"
static char schema14[64] = "message M { int32 a = 1; }"; /* changed by a test: another registry's id 14 */
static char schema17[1024]; /* a map of messages of a packed enum whose value's name is the longest allowed */
static char *schema18;      /* the same with a 200 KB name: refused */

static int fake_registry(void *ud, uint32_t id, const char **type, const char **schema, char **cause)
{
	(void)ud;
	switch (id) {
	case 14:
		*type = "PROTOBUF", *schema = schema14;
		return 0;
	case 16: /* a repeated enum whose value has a long name */
		*type = "PROTOBUF", *schema = "message M { enum E { Z = 0; " LONG_NAME " = 1; } repeated E e = 1; }";
		return 0;
	case 15: /* names longer than any fixed buffer */
		*type = "PROTOBUF",
		*schema = "message M { enum E { Z = 0; " LONG_NAME "_V = 1; } E " LONG_NAME " = 1; }";
		return 0;
	case 1:
		*type = "AVRO", *schema = ORDER_SCHEMA;
		return 0;
	case 2:
		*type = "JSON", *schema = "{\"type\":\"object\"}";
		return 0;
	case 3:
		*type = "PROTOBUF", *schema = "syntax = \"proto3\"; message M { int32 a = 1; }";
		return 0;
	case 4:
		*type = "AVRO", *schema = LIST_SCHEMA;
		return 0;
	case 5:
		*type = "AVRO", *schema = "{\"type\": \"long\"}";
		return 0;
	case 6:
		*type = "AVRO", *schema = "{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":\"null\"}}";
		return 0;
	case 7:
		*type = "AVRO", *schema = NS_SCHEMA;
		return 0;
	case 8:
		*type = "AVRO", *schema = "\"bytes\"";
		return 0;
	case 9: /* another registry's id 9 after `profile NAME` */
		*type = "AVRO", *schema = schema6;
		return 0;
	case 10:
		*type = "AVRO", *schema = NS_CROSS_SCHEMA;
		return 0;
	case 11:
		*type = "PROTOBUF", *schema = SHOP_PROTO;
		return 0;
	case 12: /* a .proto that does not parse */
		*type = "PROTOBUF", *schema = "syntax = \"proto3\";\nmessage M {\n  int32 a = 1;\n";
		return 0;
	case 17:
		*type = "PROTOBUF", *schema = schema17;
		return 0;
	case 18:
		*type = "PROTOBUF", *schema = schema18;
		return 0;
	case 13: /* a recursive message */
		*type = "PROTOBUF", *schema = "message N { N next = 1; int32 v = 2; }";
		return 0;
	default:
		*cause = x_asprintf("schema id %u from http://registry.test/schemas/ids/%u: HTTP 404, not found",
				    (unsigned)id, (unsigned)id);
		return -1;
	}
}

static int setup(void **state)
{
	(void)state;
	const char *dir = getenv("KCON_PLUGIN_BUILD_DIR");
	assert_non_null(dir);
	static const char *const files[] = { "decode_avro.so", "decode_json.so", "decode_protobuf.so" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = x_asprintf("%s/%s", dir, files[i]), *cause = NULL;
		if (plugin_load(p, &cause) != 0)
			fail_msg("%s", cause);
		free(p);
	}
	plugin_set_schema_source(fake_registry, NULL);
	static const char amp[] =
		"message M { enum E { Z = 0; %s = 1; } message I { repeated E e = 1; } map<int32, I> m = 1; }";
	char name[513];
	memset(name, 'n', 512), name[512] = '\0';
	snprintf(schema17, sizeof(schema17), amp, name);
	size_t big = 200000;
	char *bigname = malloc(big + 1);
	assert_non_null(bigname);
	memset(bigname, 'n', big), bigname[big] = '\0';
	schema18 = x_asprintf(amp, bigname);
	free(bigname);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	plugin_set_schema_source(NULL, NULL);
	plugin_unload_all();
	free(schema18);
	return 0;
}

/* Runs decoder name on buf; returns its result, the text in *out (static until the next call). */
static int run(const char *name, const void *buf, size_t len, const char **out)
{
	static struct sbuf sb = SBUF_INIT;
	const struct kcon_decoder *d = plugin_decoder_find(name);
	assert_non_null(d);
	int rc = plugin_decode(d, buf, len, &sb);
	*out = sbuf_str(&sb);
	return rc;
}

static void want(const char *name, const void *buf, size_t len, int rc, const char *text)
{
	const char *got;
	int r = run(name, buf, len, &got);
	if (r != rc || (text && (rc == KCON_DECODE_ERROR ? strstr(got, text) == NULL : strcmp(got, text) != 0)))
		fail_msg("%s: result %d, text %.200s; wanted %d, %s", name, r, got, rc, text ? text : "(any)");
}

static void test_protobuf_known(void **state)
{
	(void)state;
	want("protobuf", "\x08\x96\x01", 3, KCON_DECODE_JSON, "{\"1\":150}");
	/* 1: "hi" (printable: text), 2: {1: 7}, 3 twice (repeated), 4: fixed32, 5: fixed64, 6: bytes */
	want("protobuf",
	     "\x0a\x02hi\x12\x02\x08\x07\x18\x01\x18\x02\x25\x01\x00\x00\x00\x29\x02\x00\x00\x00\x00\x00\x00\x00\x32"
	     "\x02\xff\xfe",
	     30, KCON_DECODE_JSON, "{\"1\":\"hi\",\"2\":{\"1\":7},\"3\":[1,2],\"4\":1,\"5\":2,\"6\":\"0xfffe\"}");
	/* the wire format: magic, id 3, indexes [0] as the single byte 0, then the message */
	want("protobuf", "\x00\x00\x00\x00\x03\x00\x08\x01", 8, KCON_DECODE_JSON, "{\"a\":1}");
	/* indexes [1, 0]: count 2 (zig-zag 4), 1 (2), 0 (0); schema 3 has one message: by numbers, with why */
	want("protobuf", "\x00\x00\x00\x00\x03\x04\x02\x00\x08\x01", 10, KCON_DECODE_JSON,
	     "{\"_kcon_note\":\"field names not used: the message indexes name no message of schema id 3\",\"1\":1}");
	/* a 10-byte varint: 2^64 - 1, beyond int64: a string */
	want("protobuf", "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, KCON_DECODE_JSON,
	     "{\"1\":\"18446744073709551615\"}");
	want("protobuf", "", 0, KCON_DECODE_JSON, "{}");
}

/* A protobuf message nested depth deep in field 1 (length-delimited, each holding the next); the
 * innermost is {field of tag byte inner: 1}. Its length in *n; the caller frees it. */
static unsigned char *pb_nested(size_t depth, unsigned char inner, size_t *n)
{
	size_t cap = depth * 6 + 16, len = 2;
	unsigned char *buf = malloc(cap), *tmp = malloc(cap);
	assert_non_null(buf);
	assert_non_null(tmp);
	buf[0] = inner, buf[1] = 0x01;
	for (size_t i = 0; i < depth; i++) {
		size_t k = 0, m = len;
		tmp[k++] = 0x0a;
		do {
			tmp[k++] = (unsigned char)((m & 0x7f) | (m > 0x7f ? 0x80 : 0));
			m >>= 7;
		} while (m);
		memcpy(tmp + k, buf, len);
		len += k;
		memcpy(buf, tmp, len);
	}
	free(tmp);
	*n = len;
	return buf;
}

static void test_protobuf_hostile(void **state)
{
	(void)state;
	want("protobuf", "\x08\x96", 2, KCON_DECODE_ERROR, "a varint runs past the end");
	want("protobuf", "\x0a\x05hi", 4, KCON_DECODE_ERROR, "a length runs past the end");
	want("protobuf", "\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, KCON_DECODE_ERROR,
	     "a length runs past the end");
	want("protobuf", "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 11, KCON_DECODE_ERROR, "longer than 64 bits");
	want("protobuf", "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12, KCON_DECODE_ERROR,
	     "longer than 64 bits");
	want("protobuf", "\x0f\x01", 2, KCON_DECODE_ERROR, "unknown wire type");
	want("protobuf", "\x00\x00\x00\x03", 4, KCON_DECODE_ERROR, "shorter than the 5-byte");
	want("protobuf", "\x00\x00\x00\x00\x03\x7f", 6, KCON_DECODE_ERROR, "message-index count");
	want("protobuf", "\x00\x00\x00\x00\x03\x04\x02", 7, KCON_DECODE_ERROR, "the message indexes");
	want("protobuf", "\x1b\x08\x01", 3, KCON_DECODE_ERROR, "a group without its end");
	/* 10,000 nested messages: field 1, length-delimited, each holding the next; innermost {1: 1} */
	size_t n;
	unsigned char *buf = pb_nested(10000, 0x08, &n);
	const char *got;
	assert_int_equal(run("protobuf", buf, n, &got), KCON_DECODE_JSON);
	assert_non_null(strstr(got, "\"0x0a")); /* below 32 levels: bytes, not followed */
	free(buf);
}

/* The wire format's header for schema id and the given message-index bytes, then payload. */
static size_t framed(unsigned char *out, uint32_t id, const char *idx, size_t nidx, const void *payload, size_t n)
{
	out[0] = 0, out[1] = (unsigned char)(id >> 24), out[2] = (unsigned char)(id >> 16);
	out[3] = (unsigned char)(id >> 8), out[4] = (unsigned char)id;
	memcpy(out + 5, idx, nidx);
	memcpy(out + 5 + nidx, payload, n);
	return 5 + nidx + n;
}

static void want_named(uint32_t id, const char *idx, size_t nidx, const void *payload, size_t n, int rc,
		       const char *text)
{
	unsigned char buf[512];
	assert_true(n + nidx + 5 <= sizeof(buf));
	want("protobuf", buf, framed(buf, id, idx, nidx, payload, n), rc, text);
}

static void test_protobuf_named(void **state)
{
	(void)state;
	/* every declared type, a map of messages, an imported type by numbers; index [0] and none */
	want_named(11, "\x00", 1, SHOP_ORDER, SHOP_ORDER_LEN, KCON_DECODE_JSON, SHOP_ORDER_JSON);
	want_named(11, "\x02\x00", 2, SHOP_ORDER, SHOP_ORDER_LEN, KCON_DECODE_JSON, SHOP_ORDER_JSON);
	/* [1]: Other; [0, 2]: Order.Item (the two maps' entries are nested messages 0 and 1, as in protoc) */
	want_named(11, "\x02\x02", 2, "\x0a\x01q", 3, KCON_DECODE_JSON, "{\"x\":\"q\"}");
	want_named(11, "\x04\x00\x04", 3,
		   "\x0a\x01"
		   "a\x10\x02",
		   5, KCON_DECODE_JSON, "{\"sku\":\"a\",\"qty\":\"2\"}");
	/* fields the schema does not have, or not of its declared wire type: by number, as without one */
	want_named(11, "\x00", 1, "\x10\x05\xa0\x06\x01\x12\x01x", 8, KCON_DECODE_JSON, "{\"2\":[5,\"x\"],\"100\":1}");
	/* unpacked and packed runs of one repeated field; the last of a singular one wins */
	want_named(11, "\x00", 1, "\x40\x01\x42\x02\x04\x05\x40\x06\x08\x01\x08\x02", 12, KCON_DECODE_JSON,
		   "{\"deltas\":[-1,2,-3,3],\"id\":\"2\"}");
	/* a map entry without key or value: the defaults; a repeated key: the last entry */
	want_named(11, "\x00", 1, "\x2a\x00\x2a\x05\x0a\x01x\x10\x01\x2a\x05\x0a\x01x\x10\x02\x82\x01\x00", 19,
		   KCON_DECODE_JSON, "{\"counts\":{\"\":0,\"x\":2},\"by_id\":{\"0\":{}}}");
	/* an enum value the schema does not name: its number; NaN and infinities as the mapping's strings */
	want_named(11, "\x00", 1, "\x18\x07\x55\x00\x00\xc0\x7f\x49\x00\x00\x00\x00\x00\x00\xf0\xff", 16,
		   KCON_DECODE_JSON, "{\"status\":7,\"ratio\":\"NaN\",\"total\":\"-Infinity\"}");
	/* a string field that is not UTF-8: its bytes as code points; an empty message */
	want_named(11, "\x00", 1, "\x12\x02\xff\x01\x22\x00", 6, KCON_DECODE_JSON,
		   "{\"customer\":\"\\u00ff\\u0001\",\"items\":[{}]}");
	want_named(11, "\x00", 1, "", 0, KCON_DECODE_JSON, "{}");
	want_named(15, "\x00", 1, "\x08\x01", 2, KCON_DECODE_JSON, "{\"" LONG_NAME "\":\"" LONG_NAME "_V\"}");
	/* a string may hold U+0000 (kcon's tail reads it back with JSON_ALLOW_NUL) */
	want_named(11, "\x00", 1,
		   "\x12\x02"
		   "a\x00",
		   4, KCON_DECODE_JSON, "{\"customer\":\"a\\u0000\"}");
	/* but not a key, for jansson: U+2400 there */
	want_named(11, "\x00", 1, "\x2a\x05\x0a\x01\x00\x10\x01", 7, KCON_DECODE_JSON,
		   "{\"counts\":{\"\xe2\x90\x80\":1}}");
	/* hostile payloads against the schema */
	want_named(11, "\x00", 1, "\x42\x03\x01\x04", 4, KCON_DECODE_ERROR, "a length runs past the end");
	want_named(11, "\x00", 1, "\x42\x02\x01\x84", 4, KCON_DECODE_ERROR, "message shop.Order: a varint runs past");
	want_named(11, "\x00", 1, "\x22\x02\x0a\x05", 4, KCON_DECODE_ERROR, "a length runs past the end");
	want_named(11, "\x00", 1, "\x2a\x02\x0f\x01", 4, KCON_DECODE_ERROR, "unknown wire type");
	/* indexes [4]: no such message: by numbers, with why */
	want_named(11, "\x02\x08", 2, "\x0a\x01q", 3, KCON_DECODE_JSON,
		   "{\"_kcon_note\":\"field names not used: the message indexes name no message of schema id 11\","
		   "\"1\":\"q\"}");
}

static void test_protobuf_named_fallback(void **state)
{
	(void)state;
	const char *got;
	unsigned char buf[64];
	/* a .proto that does not parse: by numbers, with why (once parsed, the error is remembered) */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(run("protobuf", buf, framed(buf, 12, "\x00", 1, "\x08\x01", 2), &got),
				 KCON_DECODE_JSON);
		assert_non_null(strstr(got,
				       "{\"_kcon_note\":\"field names not used: the .proto of schema id 12: line 4: "
				       "the schema ends inside message M"));
		assert_non_null(strstr(got, "\",\"1\":1}"));
	}
	/* a schema that is not PROTOBUF */
	assert_int_equal(run("protobuf", buf, framed(buf, 2, "\x00", 1, "\x08\x01", 2), &got), KCON_DECODE_JSON);
	assert_string_equal(got,
			    "{\"_kcon_note\":\"field names not used: schema id 2 is JSON, not PROTOBUF\",\"1\":1}");
	/* an id the registry does not know, and a bare message: by numbers, no note */
	want_named(404, "\x00", 1, "\x08\x01", 2, KCON_DECODE_JSON, "{\"1\":1}");
	want("protobuf", "\x08\x01", 2, KCON_DECODE_JSON, "{\"1\":1}");
	/* a recursive message 10,000 deep: refused at 64 levels */
	size_t n;
	unsigned char *msg = pb_nested(10000, 0x10, &n);
	unsigned char *f = malloc(n + 6);
	assert_int_equal(run("protobuf", f, framed(f, 13, "\x00", 1, msg, n), &got), KCON_DECODE_ERROR);
	assert_non_null(strstr(got, "schema id 13, message N: messages nested deeper than 64 levels"));
	/* 128 Ki of a packed enum whose value has a 160-byte name (20 MiB of JSON) are shown; 2 Mi (326 MiB) are not */
	for (int big = 0; big < 2; big++) {
		size_t count = big ? 2u << 20 : 128u << 10, len = count + 16;
		unsigned char *r = malloc(len), *q = r;
		memcpy(q, "\x00\x00\x00\x00\x10\x00\x0a", 7); /* schema 16, [0], field 1 packed */
		q += 7;
		for (size_t v = count; v; v >>= 7) /* the length */
			*q++ = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		memset(q, 1, count);
		q += count;
		int rc = run("protobuf", r, (size_t)(q - r), &got);
		if (big) {
			assert_int_equal(rc, KCON_DECODE_ERROR);
			assert_non_null(strstr(got, "larger than 32 MiB"));
		} else {
			assert_int_equal(rc, KCON_DECODE_JSON);
			assert_true(strlen(got) > count * 160);
		}
		free(r);
	}
	/* a level of it decodes */
	assert_int_equal(run("protobuf", f, framed(f, 13, "\x00", 1, "\x0a\x02\x10\x07", 4), &got), KCON_DECODE_JSON);
	assert_string_equal(got, "{\"next\":{\"v\":7}}");
	free(f);
	free(msg);
}

/* The most heap in use while armed, above what was in use when armed (under AddressSanitizer, whose
 * malloc hooks see every allocation, the plugin's too; elsewhere not measured). */
extern int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void *, size_t),
						     void (*)(const volatile void *)) __attribute__((weak));
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));
static bool heap_armed;
static size_t heap_peak;

static void heap_malloc_hook(const volatile void *p, size_t n)
{
	(void)p, (void)n;
	if (heap_armed) {
		size_t cur = __sanitizer_get_current_allocated_bytes();
		if (cur > heap_peak)
			heap_peak = cur;
	}
}

static void heap_free_hook(const volatile void *p)
{
	(void)p;
}

/* Starts measuring: false when it cannot be (no AddressSanitizer). */
static bool heap_arm(void)
{
	static bool installed;
	if (__sanitizer_install_malloc_and_free_hooks == NULL || __sanitizer_get_current_allocated_bytes == NULL)
		return false;
	if (!installed)
		installed = __sanitizer_install_malloc_and_free_hooks(heap_malloc_hook, heap_free_hook) != 0;
	heap_peak = __sanitizer_get_current_allocated_bytes();
	heap_armed = installed;
	return installed;
}

/* The most heap used since heap_arm, above what was used then. */
static size_t heap_disarm(size_t base)
{
	heap_armed = false;
	return heap_peak > base ? heap_peak - base : 0;
}

/* Appends v as a varint at q; the end. */
static unsigned char *put_varint(unsigned char *q, size_t v)
{
	do {
		*q++ = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return q;
}

/* Schema 17's M: a map<int32, I> of entries entries, each I a packed enum of count bytes 1 (each
 * shown as a 512-character name). Returns the framed record's length. */
static size_t amplifier(unsigned char *r, uint32_t id, size_t entries, size_t count)
{
	unsigned char *q = r;
	memcpy(q, "\x00\x00\x00\x00", 4), q[4] = (unsigned char)id, q[5] = 0; /* [0] */
	q += 6;
	unsigned char hdr[16], *h;
	size_t ilen = (size_t)(put_varint(hdr, count) - hdr) + 1 + count;   /* I: 0x0a len bytes */
	size_t elen = 2 + 1 + (size_t)(put_varint(hdr, ilen) - hdr) + ilen; /* entry: key, 0x12 len I */
	for (size_t i = 0; i < entries; i++) {
		*q++ = 0x0a;
		q = put_varint(q, elen);
		*q++ = 0x08, *q++ = (unsigned char)(i & 0x7f); /* key i */
		*q++ = 0x12;
		q = put_varint(q, ilen);
		*q++ = 0x0a;
		h = put_varint(q, count);
		q = h;
		memset(q, 1, count);
		q += count;
	}
	return (size_t)(q - r);
}

/* A small record must not take much memory: the output and every map key and value draw from one
 * 32 MiB budget, and names are at most 512 characters. */
static void test_protobuf_amplification(void **state)
{
	(void)state;
	const char *got;
	/* a few entries: shown */
	unsigned char small[256];
	assert_int_equal(run("protobuf", small, amplifier(small, 17, 2, 3), &got), KCON_DECODE_JSON);
	assert_int_equal(strncmp(got, "{\"m\":{\"0\":{\"e\":[\"nnn", 19), 0);
	assert_int_equal(strlen(got), strlen("{'m':{'0':{'e':[,,]},'1':{'e':[,,]}}}") + 2 * 3 * (512 + 2));
	/* 8 entries of 70,000 bytes (36 MB of JSON each), 560 KB: refused as soon as the budget is
	 * spent; each entry building its own 32 MiB took 256 MiB */
	size_t entries = 8, count = 70000;
	unsigned char *r = malloc(entries * (count + 32) + 16);
	assert_non_null(r);
	size_t n = amplifier(r, 17, entries, count);
	size_t base = __sanitizer_get_current_allocated_bytes ? __sanitizer_get_current_allocated_bytes() : 0;
	bool measured = heap_arm();
	int rc = run("protobuf", r, n, &got);
	size_t peak = heap_disarm(base);
	assert_int_equal(rc, KCON_DECODE_ERROR);
	assert_non_null(strstr(got, "larger than 32 MiB"));
	if (measured) /* 32 MiB written at most; buffers that double, and a realloc's copy, at most triple it */
		assert_true(peak < (size_t)(100u << 20));
	/* a 200 KB enum value name: the .proto is refused, the record shown by numbers */
	n = amplifier(r, 18, 2, 1000);
	assert_int_equal(run("protobuf", r, n, &got), KCON_DECODE_JSON);
	assert_non_null(strstr(got, "field names not used: the .proto of schema id 18: line 1: a value name nnnn"));
	assert_non_null(strstr(got, "is longer than 512 characters"));
	free(r);
}

/* The parsed .proto is kept per id and text: the same id with another text (another registry's,
 * after `profile NAME`) is parsed again, not shown with the old names. */
static void test_protobuf_schema_cache(void **state)
{
	(void)state;
	want_named(14, "\x00", 1, "\x08\x01", 2, KCON_DECODE_JSON, "{\"a\":1}");
	want_named(14, "\x00", 1, "\x08\x02", 2, KCON_DECODE_JSON, "{\"a\":2}");
	strcpy(schema14, "message M { int32 b = 1; }");
	want_named(14, "\x00", 1, "\x08\x01", 2, KCON_DECODE_JSON, "{\"b\":1}");
	strcpy(schema14, "message M { int32 a = 1; }");
	want_named(14, "\x00", 1, "\x08\x01", 2, KCON_DECODE_JSON, "{\"a\":1}");
	/* a longer text starting with the cached one, and back: lengths differ, each parsed anew */
	strcpy(schema14, "message M { int32 a = 1; } message N { int32 c = 1; }");
	want_named(14, "\x02\x02", 2, "\x08\x05", 2, KCON_DECODE_JSON, "{\"c\":5}");
	strcpy(schema14, "message M { int32 a = 1; }");
	want_named(14, "\x02\x02", 2, "\x08\x05", 2, KCON_DECODE_JSON,
		   "{\"_kcon_note\":\"field names not used: the message indexes name no message of schema id 14\","
		   "\"1\":5}");
}

/* Random damage to a record decoded against the schema: never a crash (ASan), always valid JSON or
 * an error. */
static void test_protobuf_named_mutations(void **state)
{
	(void)state;
	unsigned char rec[SHOP_ORDER_LEN + 8], m[sizeof(rec)];
	size_t n = framed(rec, 11, "\x00", 1, SHOP_ORDER, SHOP_ORDER_LEN);
	uint32_t seed = 12345;
	int json = 0, errors = 0;
	for (int i = 0; i < 3000; i++) {
		memcpy(m, rec, n);
		size_t len = n;
		for (int k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = 6 + (seed >> 8) % (n - 6);
			m[at] = (unsigned char)(seed >> 20);
		}
		if (i % 7 == 0)
			len = 6 + (seed >> 4) % (n - 6); /* truncated too */
		const char *got;
		int rc = run("protobuf", m, len, &got);
		if (rc == KCON_DECODE_JSON) {
			json_error_t e;
			json_t *j = json_loads(got, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
			if (j == NULL)
				fail_msg("case %d: not JSON (%s): %.300s", i, e.text, got);
			json_decref(j);
			json++;
		} else {
			assert_int_equal(rc, KCON_DECODE_ERROR);
			errors++;
		}
	}
	assert_true(json > 100 && errors > 100);
}

static void test_json(void **state)
{
	(void)state;
	want("json", "{\"a\": [1, 2.5, \"x\"]}", 20, KCON_DECODE_JSON, "{\"a\":[1,2.5,\"x\"]}");
	want("json", "{\"a\": ", 6, KCON_DECODE_ERROR, "json: not JSON");
	want("json", "\xff", 1, KCON_DECODE_ERROR, "not JSON");
	size_t n = 20000;
	char *deep = malloc(n);
	memset(deep, '[', n / 2);
	memset(deep + n / 2, ']', n / 2);
	want("json", deep, n, KCON_DECODE_ERROR, "depth");
	free(deep);
	want("json-schema", "\x00\x00\x00\x00\x02{\"b\": true}", 16, KCON_DECODE_JSON, "{\"b\":true}");
	want("json-schema", "\x00\x00\x00\x00\x02{\"b\"", 9, KCON_DECODE_ERROR, "schema id 2: not JSON");
	want("json-schema", "\x00\x00\x00\x00\x63{}", 7, KCON_DECODE_ERROR, "schema id 99 from http://registry.test");
	want("json-schema", "\x00\x00\x00\x00\x01{}", 7, KCON_DECODE_ERROR, "schema id 1 is AVRO, not JSON");
	want("json-schema", "{}", 2, KCON_DECODE_ERROR, "not the Schema Registry wire format");
}

static void test_avro_known(void **state)
{
	(void)state;
	char buf[5 + ORDER_LEN];
	memcpy(buf, "\x00\x00\x00\x00\x01", 5);
	memcpy(buf + 5, ORDER_BYTES, ORDER_LEN);
	want("avro", buf, sizeof(buf), KCON_DECODE_JSON, ORDER_JSON);
	/* a 10-byte varint: the largest long (zig-zag 2^64 - 2) */
	want("avro", "\x00\x00\x00\x00\x05\xfe\xff\xff\xff\xff\xff\xff\xff\xff\x01", 15, KCON_DECODE_JSON,
	     "9223372036854775807");
	/* a list three deep in a recursive schema */
	want("avro", "\x00\x00\x00\x00\x04\x02\x02\x02\x00", 9, KCON_DECODE_JSON,
	     "{\"next\":{\"next\":{\"next\":{\"next\":null}}}}");
	want("avro", buf, sizeof(buf), KCON_DECODE_JSON, ORDER_JSON); /* from the cache */
	/* the same id with another schema (another registry): decoded with the new one, not the cached one */
	want("avro", "\x00\x00\x00\x00\x09\x04hi", 8, KCON_DECODE_JSON, "{\"a\":\"hi\"}");
	schema6 = "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"b\",\"type\":\"string\"}]}";
	want("avro", "\x00\x00\x00\x00\x09\x04hi", 8, KCON_DECODE_JSON, "{\"b\":\"hi\"}");
	/* names by namespace: z is a.T (a string), w b.T (a long and two enums), v b.E */
	want("avro", "\x00\x00\x00\x00\x07\x04hi\x02\x02\x00\x04ok\x04\x00\x02\x02", 18, KCON_DECODE_JSON,
	     "{\"x\":{\"s\":\"hi\"},\"y\":{\"n\":1,\"e\":\"Q\",\"e2\":\"P\"},\"z\":{\"s\":\"ok\"},"
	     "\"w\":{\"n\":2,\"e\":\"P\",\"e2\":\"Q\"},\"v\":\"Q\"}");
	/* the namespace inside a type is where it was defined (bytes from fastavro) */
	static const struct {
		const char *buf;
		size_t len;
		const char *json;
	} ns[] = {
		{ "\x00\x00\x00\x00\x0a\x00\x02\x02\x78\x00\x02", 11,
		  "{\"o\":{\"i\":{\"e\":\"A\",\"k\":\"B\"}},\"ce\":{\"s\":\"x\"},\"r\":{\"e\":\"A\",\"k\":\"B\"}}" },
	};
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		want("avro", ns[i].buf, ns[i].len, KCON_DECODE_JSON, ns[i].json);
	/* 60,000 nulls in one array: within the record's allowance */
	want("avro", "\x00\x00\x00\x00\x06\x02\xc0\xa9\x07\x00\x00", 11, KCON_DECODE_JSON, NULL);
}

static void test_avro_hostile(void **state)
{
	(void)state;
	char buf[5 + ORDER_LEN];
	memcpy(buf, "\x00\x00\x00\x00\x01", 5);
	memcpy(buf + 5, ORDER_BYTES, ORDER_LEN);
	for (size_t cut = 5; cut < sizeof(buf); cut++) /* every truncation */
		want("avro", buf, cut, KCON_DECODE_ERROR, "avro, schema id 1, at byte");
	/* the name's length (2^62) past the end: refused before libavro allocates it */
	want("avro", "\x00\x00\x00\x00\x01\x54\xfe\xff\xff\xff\xff\xff\xff\xff\x7f", 15, KCON_DECODE_ERROR,
	     "a length runs past the end");
	want("avro", "\x00\x00\x00\x00\x05\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 15, KCON_DECODE_ERROR,
	     "longer than 64 bits");
	want("avro", "\x00\x00\x00\x00\x05\x02\x00", 7, KCON_DECODE_ERROR, "bytes left over");
	want("avro", "\x00\x00\x00\x00\x04\x04", 6, KCON_DECODE_ERROR, "a union branch out of range");
	want("avro", "\x00\x00\x00\x00\x63\x00", 6, KCON_DECODE_ERROR, "schema id 99 from http://registry.test");
	want("avro", "\x00\x00\x00\x00\x03\x00", 6, KCON_DECODE_ERROR, "schema id 3 is PROTOBUF, not AVRO");
	want("avro", "\x01\x00", 2, KCON_DECODE_ERROR, "not the Schema Registry wire format");
	/* 10,000 levels of the recursive list: refused at 64 */
	size_t n = 5 + 10000 + 1;
	char *deep = malloc(n);
	memcpy(deep, "\x00\x00\x00\x00\x04", 5);
	memset(deep + 5, 0x02, 10000);
	deep[n - 1] = 0;
	want("avro", deep, n, KCON_DECODE_ERROR, "nested deeper than 64 levels");
	free(deep);
	/* an array of 2^62 items in a few bytes */
	want("avro", "\x00\x00\x00\x00\x01\x54\x00\x00\x00\x00\xfe\xff\xff\xff\xff\xff\xff\xff\x7f", 19,
	     KCON_DECODE_ERROR, "count larger than the record");
	/* arrays of arrays of nulls: the allowance of zero-byte items is the record's, not each array's */
	static const struct {
		size_t outer, inner;
		int rc;
	} nulls[] = { { 2, 30000, KCON_DECODE_JSON },
		      { 3, 30000, KCON_DECODE_ERROR },
		      { 1000, 1000, KCON_DECODE_ERROR } };
	for (size_t t = 0; t < sizeof(nulls) / sizeof(nulls[0]); t++) {
		unsigned char *m = malloc(16 + nulls[t].outer * 8), *q = m;
		memcpy(q, "\x00\x00\x00\x00\x06", 5), q += 5;
		for (size_t z = nulls[t].outer * 2; z; z >>= 7)
			*q++ = (unsigned char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
		for (size_t i = 0; i < nulls[t].outer; i++) {
			for (size_t z = nulls[t].inner * 2; z; z >>= 7)
				*q++ = (unsigned char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
			*q++ = 0;
		}
		*q++ = 0;
		want("avro", m, (size_t)(q - m), nulls[t].rc,
		     nulls[t].rc == KCON_DECODE_ERROR ? "more array or map items than the record allows" : NULL);
		free(m);
	}
	/* 6 MiB of bytes 0xff: 36 MiB of JSON, past the decoder's 32 MiB */
	size_t big = 6 << 20;
	unsigned char *m = malloc(big + 16), *q = m;
	memcpy(q, "\x00\x00\x00\x00\x08", 5), q += 5;
	for (size_t z = big * 2; z; z >>= 7)
		*q++ = (unsigned char)((z & 0x7f) | (z > 0x7f ? 0x80 : 0));
	memset(q, 0xff, big), q += big;
	want("avro", m, (size_t)(q - m), KCON_DECODE_ERROR, "larger than 32 MiB");
	free(m);
}

static void test_auto(void **state)
{
	(void)state;
	struct sbuf out = SBUF_INIT;
	struct plugin_auto chose;
	assert_int_equal(plugin_decode_auto("{\"plain\":1}", 11, &out, &chose), KCON_DECODE_NOT_MINE);
	assert_null(chose.decoder);
	assert_int_equal(plugin_decode_auto("\x00\x00\x00\x00\x03\x00\x08\x01", 8, &out, &chose), KCON_DECODE_JSON);
	assert_string_equal(chose.decoder, "protobuf");
	assert_int_equal(chose.schema_id, 3);
	assert_string_equal(sbuf_str(&out), "{\"a\":1}");
	assert_int_equal(plugin_decode_auto("\x00\x00\x00\x00\x02[1]", 8, &out, &chose), KCON_DECODE_JSON);
	assert_string_equal(chose.decoder, "json-schema");
	assert_int_equal(plugin_decode_auto("\x00\x00\x00\x00\x05\x54", 6, &out, &chose), KCON_DECODE_JSON);
	assert_string_equal(chose.decoder, "avro");
	assert_string_equal(sbuf_str(&out), "42");
	assert_int_equal(plugin_decode_auto("\x00\x00\x00\x01\x00\x54", 6, &out, &chose), KCON_DECODE_ERROR);
	assert_int_equal(chose.schema_id, 256);
	assert_non_null(strstr(sbuf_str(&out), "schema id 256"));
	plugin_set_schema_source(NULL, NULL); /* no registry: the bytes are not looked at */
	assert_int_equal(plugin_decode_auto("\x00\x00\x00\x00\x05\x54", 6, &out, &chose), KCON_DECODE_NOT_MINE);
	plugin_set_schema_source(fake_registry, NULL);
	sbuf_free(&out);
}

/* The walk-through of docs/plugins.md: the file built here is the text the page shows. */
static void test_walkthrough(void **state)
{
	(void)state;
	const char *tdir = getenv("KCON_TEST_PLUGIN_DIR"), *src = getenv("KCON_SOURCE_DIR");
	assert_non_null(tdir);
	assert_non_null(src);
	char *p = x_asprintf("%s/latin1.so", tdir), *cause = NULL;
	if (plugin_load(p, &cause) != 0)
		fail_msg("%s", cause);
	free(p);
	want("latin1", "caf\xe9 \xbd", 6, KCON_DECODE_TEXT, "caf\xc3\xa9 \xc2\xbd");
	const char *got;
	assert_int_equal(run("latin1", "\x00\x00\x00\x00\x01", 5, &got), KCON_DECODE_NOT_MINE);
	char *code = x_asprintf("%s/docs/examples/decode_latin1.c", src), *doc = x_asprintf("%s/docs/plugins.md", src);
	FILE *f = fopen(code, "r"), *g = fopen(doc, "r");
	assert_non_null(f);
	assert_non_null(g);
	static char a[8192], b[65536];
	size_t na = fread(a, 1, sizeof(a) - 1, f), nb = fread(b, 1, sizeof(b) - 1, g);
	a[na] = b[nb] = '\0';
	fclose(f);
	fclose(g);
	if (strstr(b, a) == NULL)
		fail_msg("docs/plugins.md does not show docs/examples/decode_latin1.c as it is");
	size_t lines = 0;
	for (size_t i = 0; i < na; i++)
		lines += a[i] == '\n';
	assert_true(lines < 50);
	free(code);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protobuf_known),
		cmocka_unit_test(test_protobuf_hostile),
		cmocka_unit_test(test_protobuf_named),
		cmocka_unit_test(test_protobuf_named_fallback),
		cmocka_unit_test(test_protobuf_schema_cache),
		cmocka_unit_test(test_protobuf_amplification),
		cmocka_unit_test(test_protobuf_named_mutations),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_avro_known),
		cmocka_unit_test(test_avro_hostile),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_walkthrough),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
