/*
 * The protobuf decoder's .proto parser (plugins/protoschema.c): what it reads (table-driven: a
 * schema and what it must hold), what it refuses with the line and why (hostile text: unterminated
 * comments and strings, 10,000-deep nesting, huge numbers, missing braces, unknown constructs), type
 * resolution by protobuf's scopes, and the wire format's message-index paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "protoschema.h"

static struct protoschema *parse_ok(const char *text)
{
	char err[256];
	struct protoschema *s = protoschema_parse(text, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s: %s", text, err);
	return s;
}

static const struct ps_message *msg(const struct protoschema *s, const char *name)
{
	for (size_t i = 0; i < s->nmsgs; i++)
		if (strcmp(s->msgs[i].name, name) == 0)
			return &s->msgs[i];
	fail_msg("no message %s", name);
	return NULL;
}

static const struct ps_field *field(const struct protoschema *s, const char *m, uint32_t number)
{
	const struct ps_field *f = protoschema_field(msg(s, m), number);
	if (f == NULL)
		fail_msg("no field %u in %s", (unsigned)number, m);
	return f;
}

/* A field's type as text: "int32", "repeated string", "map<string,.pkg.M>", "enum .pkg.E", "?Name" */
static void type_text(const struct protoschema *s, const struct ps_field *f, char *buf, size_t len)
{
	static const char *const scalars[] = { "",         "double",   "float",  "int64",  "uint64", "int32",
					       "fixed64",  "fixed32",  "bool",   "string", "bytes",  "uint32",
					       "sfixed32", "sfixed64", "sint32", "sint64" };
	char value[160];
	if (f->type == PS_MESSAGE)
		snprintf(value, sizeof(value), ".%s", s->msgs[f->ref].name);
	else if (f->type == PS_ENUM)
		snprintf(value, sizeof(value), "enum .%s", s->enums[f->ref].name);
	else if (f->type == PS_UNRESOLVED)
		snprintf(value, sizeof(value), "?%s", f->type_name);
	else
		snprintf(value, sizeof(value), "%s", scalars[f->type]);
	if (f->map)
		snprintf(buf, len, "map<%s,%s>", scalars[f->key], value);
	else
		snprintf(buf, len, "%s%s", f->repeated ? "repeated " : "", value);
}

static const struct {
	const char *text;
	const char *message; /* a message of it, */
	uint32_t number;     /* a field, */
	const char *name;    /* its name */
	const char *type;    /* and its type (type_text) */
} good[] = {
	{ "syntax = \"proto3\"; message M { int32 a = 1; }", "M", 1, "a", "int32" },
	{ "syntax = 'proto2'; message M { required sint64 a = 1; optional fixed32 b = 2; }", "M", 1, "a", "sint64" },
	{ "syntax = 'proto2'; message M { required sint64 a = 1; optional fixed32 b = 2; }", "M", 2, "b", "fixed32" },
	{ "message M { repeated string tags = 4; }", "M", 4, "tags", "repeated string" },
	/* comments anywhere, a block comment over lines, a // inside a string */
	{ "// top\nmessage /* a */ M { /* multi\nline */ string s = 1 // trailing\n; bytes b = 2; string u = 3 "
	  "[default = \"//x\"]; }",
	  "M", 3, "u", "string" },
	{ "package a.b; message M { N n = 1; message N { E e = 1; enum E { X = 0; Y = -2; } } }", "a.b.M", 1, "n",
	  ".a.b.M.N" },
	{ "package a.b; message M { N n = 1; message N { E e = 1; enum E { X = 0; Y = -2; } } }", "a.b.M.N", 1, "e",
	  "enum .a.b.M.N.E" },
	/* scopes: the innermost first; a leading dot is a full name; package parts are scopes */
	{ "package p; message T {} message M { message T {} T inner = 1; .p.T outer = 2; p.T also = 3; }", "p.M", 1,
	  "inner", ".p.M.T" },
	{ "package p; message T {} message M { message T {} T inner = 1; .p.T outer = 2; p.T also = 3; }", "p.M", 2,
	  "outer", ".p.T" },
	{ "package p; message T {} message M { message T {} T inner = 1; .p.T outer = 2; p.T also = 3; }", "p.M", 3,
	  "also", ".p.T" },
	{ "message M { map<string, Inner> by_name = 7; message Inner {} }", "M", 7, "by_name", "map<string,.M.Inner>" },
	{ "message M { map<int64, string> m = 1; }", "M", 1, "m", "map<int64,string>" },
	{ "message M { oneof pick { string s = 1; int32 i = 2 [json_name = \"eye\"]; option (x) = 1; } }", "M", 2, "i",
	  "int32" },
	/* imports' types stay unresolved, shown by wire type */
	{ "import \"google/protobuf/timestamp.proto\"; import public \"x.proto\"; message M { "
	  "google.protobuf.Timestamp "
	  "at = 1; }",
	  "M", 1, "at", "?google.protobuf.Timestamp" },
	/* what is skipped */
	{ "syntax = \"proto3\"; option java_package = \"x\"; option (my.opt) = { a: 1 b: [2, 3] c { d: \"}\" } };\n"
	  "service S { rpc Get(M) returns (M) { option (http) = { get: \"/v1\" }; } }\n"
	  "message M { reserved 2, 15, 9 to 11; reserved \"foo\", \"bar\"; option deprecated = true; int32 a = 1 "
	  "[packed = false, (c).d = { e: 1 }]; ; }\n"
	  "extend M { int32 ext = 100; }",
	  "M", 1, "a", "int32" },
	{ "syntax = \"proto2\"; message M { extensions 100 to max; optional int32 a = 0x1F; }", "M", 31, "a", "int32" },
	{ "message M { int32 a = 017; }", "M", 15, "a", "int32" },
	{ "message M { int32 a = 536870911; }", "M", 536870911, "a", "int32" },
	{ "edition = \"2023\"; message M { int32 a = 1; }", "M", 1, "a", "int32" },
	{ "enum E { option allow_alias = true; A = 0; B = 0; reserved 5; C = 2147483647; D = -2147483648; }\n"
	  "message M { E e = 1; }",
	  "M", 1, "e", "enum .E" },
	{ "message M { map m = 1; } message map {}", "M", 1, "m", ".map" },
};

static void test_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct protoschema *s = parse_ok(good[i].text);
		const struct ps_field *f = field(s, good[i].message, good[i].number);
		char t[256];
		type_text(s, f, t, sizeof(t));
		if (strcmp(f->name, good[i].name) != 0 || strcmp(t, good[i].type) != 0)
			fail_msg("case %zu: %s %s, wanted %s %s", i, t, f->name, good[i].type, good[i].name);
		protoschema_free(s);
	}
}

static const struct {
	const char *text;
	const char *why; /* in the error */
} bad[] = {
	{ "message M { int32 a = 1; } /* open", "line 1: a comment /* is not closed" },
	{ "message M {\n int32 a = 1;\n", "line 3: the schema ends inside message M" },
	{ "message M { int32 a = 1; ", "a `}` is missing" },
	{ "message M { int32 a = 1; }}", "unexpected `}`" },
	{ "message M { int32 a = 536870912; }", "a field number `536870912` is too large" },
	{ "message M { int32 a = 99999999999999999999999999999; }", "is too large" },
	{ "message M { int32 a = 0; }", "the field number of `a` is 0" },
	{ "message M { int32 a = 1.5; }", "is not an integer" },
	{ "message M { int32 a = -1; }", "a field number expected, not `-`" },
	{ "enum E { A = 2147483648; }", "is too large" },
	{ "enum E { A = -2147483649; }", "is too large" },
	{ "message M { int32 a = 1; int64 b = 1; }", "field number 1 is used twice in M" },
	{ "message M {} message M {}", "the type M is defined twice" },
	{ "syntax = \"proto4\";", "is not proto2 or proto3" },
	{ "syntax = \"proto3", "a string is not closed" },
	{ "message M { string s = 1 [default = \"x]; }", "a string is not closed" },
	{ "syntax = \"proto2\"; message M { optional group G = 1 { optional int32 a = 2; } }",
	  "proto2 groups are not supported" },
	{ "message M { map<float, string> m = 1; }", "a map's key must be" },
	{ "message M { repeated map<string, string> m = 1; }", "cannot be repeated" },
	{ "message M { int32 a = 1 [packed = true; }", "unbalanced brackets" },
	{ "message M { int32 a = 1 [packed = true", "a `]` is missing" },
	{ "option x = { a: 1 ", "a `;` or `}` is missing" },
	{ "import \"a.proto\"", "a `;` or `}` is missing" },
	{ "rpc x;", "unexpected `rpc`" },
	{ "message { }", "a message name expected, not `{`" },
	{ "message M { int32 = 1; }", "a field name expected, not `=`" },
	{ "message M { @ }", "unexpected `@` in message M" },
	{ "package .a;", "cannot start with a dot" },
	{ "message M { int32 a.b = 1; }", "a field name cannot hold a dot: `a.b`" },
	{ "message M.N { }", "a message name cannot hold a dot" },
	{ "enum E { A.B = 0; }", "a value name cannot hold a dot" },
	{ "message M { \xff\xfe }", "unexpected `?` in message M" },
};

static void test_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256];
		struct protoschema *s = protoschema_parse(bad[i].text, err, sizeof(err));
		if (s != NULL)
			fail_msg("case %zu parsed: %s", i, bad[i].text);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("case %zu: %s; wanted %s", i, err, bad[i].why);
	}
	/* a tiny error buffer is filled, not overrun */
	char small[8];
	assert_null(protoschema_parse("message", small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* Builds "message M0 { message M1 { ... } }" nested depth levels, optionally without its closing braces. */
static char *nested(size_t depth, bool closed)
{
	size_t cap = depth * 24 + 64, n = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	for (size_t i = 0; i < depth; i++)
		n += (size_t)snprintf(t + n, cap - n, "message M%zu { ", i);
	n += (size_t)snprintf(t + n, cap - n, "int32 a = 1;");
	for (size_t i = 0; closed && i < depth; i++)
		n += (size_t)snprintf(t + n, cap - n, " }");
	return t;
}

static void test_hostile_sizes(void **state)
{
	(void)state;
	char err[256];
	char *t = nested(10000, true); /* 10,000 levels: refused at 64, no deep recursion */
	assert_null(protoschema_parse(t, err, sizeof(err)));
	assert_non_null(strstr(err, "nested deeper than 64 levels"));
	free(t);
	t = nested(10000, false);
	assert_null(protoschema_parse(t, err, sizeof(err)));
	free(t);
	t = nested(64, true); /* 64 levels parse, and their path resolves */
	struct protoschema *s = parse_ok(t);
	int64_t path[64] = { 0 };
	int mi = protoschema_message_at(s, path, 64);
	assert_true(mi >= 0);
	assert_string_equal(s->msgs[mi].name + strlen(s->msgs[mi].name) - 4, ".M63");
	protoschema_free(s);
	free(t);
	t = nested(65, true);
	assert_null(protoschema_parse(t, err, sizeof(err)));
	free(t);
	/* 10,000 options brackets deep, and an option of 10,000 braces never closed: iterative skipping */
	size_t n = 10000;
	t = malloc(3 * n + 64);
	assert_non_null(t);
	strcpy(t, "message M { int32 a = 1 ");
	size_t k = strlen(t);
	for (size_t i = 0; i < n; i++)
		t[k++] = '[';
	for (size_t i = 0; i < n; i++)
		t[k++] = ']';
	strcpy(t + k, "; }");
	s = parse_ok(t);
	protoschema_free(s);
	strcpy(t, "option x = ");
	k = strlen(t);
	for (size_t i = 0; i < n; i++)
		t[k++] = '{';
	t[k] = '\0';
	assert_null(protoschema_parse(t, err, sizeof(err)));
	free(t);
	/* many fields: sorted and found by number */
	size_t nf = 5000;
	t = malloc(nf * 32 + 32);
	assert_non_null(t);
	k = (size_t)sprintf(t, "message M {");
	for (size_t i = nf; i > 0; i--)
		k += (size_t)sprintf(t + k, " int32 f%zu = %zu;", i, i);
	strcpy(t + k, " }");
	s = parse_ok(t);
	assert_string_equal(protoschema_field(&s->msgs[0], 4321)->name, "f4321");
	assert_null(protoschema_field(&s->msgs[0], 5001));
	protoschema_free(s);
	free(t);
	/* the most resolving work a schema may ask: a package of 254 dots and 19,998 fields of a type that
	 * is in none of the scopes (each tries them all); limits past it are refused */
	t = malloc(20000 * 32 + 1024);
	assert_non_null(t);
	k = (size_t)sprintf(t, "package a");
	for (int i = 0; i < 254; i++)
		k += (size_t)sprintf(t + k, ".a");
	k += (size_t)sprintf(t + k, "; message M {");
	for (int i = 1; i <= 19998; i++)
		k += (size_t)sprintf(t + k, " a.a.X f%d = %d;", i, i);
	strcpy(t + k, " }");
	s = parse_ok(t);
	assert_int_equal(s->msgs[0].nfields, 19998);
	assert_int_equal(s->msgs[0].fields[0].type, PS_UNRESOLVED);
	protoschema_free(s);
	strcpy(t + k, " int32 g = 19999; int32 h = 20000; }"); /* 20,001 definitions */
	assert_null(protoschema_parse(t, err, sizeof(err)));
	assert_non_null(strstr(err, "more than 20000 definitions"));
	k = (size_t)sprintf(t, "package a");
	for (int i = 0; i < 256; i++)
		k += (size_t)sprintf(t + k, ".a");
	strcpy(t + k, "; message M {}");
	assert_null(protoschema_parse(t, err, sizeof(err)));
	assert_non_null(strstr(err, "longer than 512"));
	free(t);
	/* empty text, NULL: a schema with no message */
	s = parse_ok("");
	assert_int_equal(protoschema_message_at(s, NULL, 0), -1);
	protoschema_free(s);
	s = parse_ok("  // only a comment\n");
	protoschema_free(s);
	s = protoschema_parse(NULL, err, sizeof(err));
	assert_non_null(s);
	protoschema_free(s);
}

/* A name of any kind is at most 512 characters: an enum value's name is what one byte of a record
 * becomes in JSON. */
static void test_long_names(void **state)
{
	(void)state;
	char err[256];
	size_t big = 200000;
	char *name = malloc(big + 1), *t = malloc(big + 256);
	assert_non_null(name);
	assert_non_null(t);
	memset(name, 'n', big);
	static const char *const forms[] = {
		"message M {\n  enum E { Z = 0; %s = 1; }\n}", /* an enum value */
		"message M {\n  int32 %s = 1;\n}",             /* a field */
		"message M {\n  map<int32, int32> %s = 1;\n}", /* a map field */
		"message M {\n  oneof %s { int32 a = 1; }\n}", /* a oneof */
	};
	static const char *const what[] = { "a value name", "a field name", "a field name", "a oneof name" };
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t lens[] = { 512, 513, big };
		for (size_t j = 0; j < 3; j++) {
			name[lens[j]] = '\0';
			snprintf(t, big + 256, forms[i], name);
			struct protoschema *s = protoschema_parse(t, err, sizeof(err));
			if (lens[j] <= 512) {
				if (s == NULL)
					fail_msg("%s: %s", forms[i], err);
				protoschema_free(s);
			} else {
				assert_null(s);
				char want[128];
				snprintf(want, sizeof(want), "line 2: %s nnnn", what[i]);
				if (strstr(err, want) == NULL || strstr(err, "is longer than 512 characters") == NULL)
					fail_msg("%s (%zu): %s", forms[i], lens[j], err);
			}
			name[lens[j]] = 'n';
		}
	}
	free(name);
	free(t);
}

/* An enum's names by number: the first of aliases (as protoc's JSON), found by a binary search in
 * a copy sorted by number. */
static void test_enum_names(void **state)
{
	(void)state;
	struct protoschema *s = parse_ok("enum E { option allow_alias = true; B = 3; A = 1; C = 3; D = -5; E0 = 1; "
					 "F = 2147483647; G = -2147483648; }");
	const struct ps_enum *e = &s->enums[0];
	assert_int_equal(e->nvalues, 7);
	assert_int_equal(e->nby_number, 5); /* aliases once */
	assert_string_equal(protoschema_enum_name(e, 3), "B");
	assert_string_equal(protoschema_enum_name(e, 1), "A");
	assert_string_equal(protoschema_enum_name(e, -5), "D");
	assert_string_equal(protoschema_enum_name(e, 2147483647), "F");
	assert_string_equal(protoschema_enum_name(e, -2147483647 - 1), "G");
	assert_null(protoschema_enum_name(e, 0));
	assert_null(protoschema_enum_name(e, 2));
	for (size_t i = 1; i < e->nby_number; i++)
		assert_true(e->by_number[i - 1].number < e->by_number[i].number);
	protoschema_free(s);
	s = parse_ok("enum E { }");
	assert_null(protoschema_enum_name(&s->enums[0], 0));
	protoschema_free(s);
	/* 19,990 values declared out of order, every third an alias of the one before: each found */
	size_t n = 19990;
	char *t = malloc(n * 40 + 64);
	assert_non_null(t);
	size_t k = (size_t)sprintf(t, "enum E { option allow_alias = true;");
	for (size_t i = 0; i < n; i++) {
		long num = (long)((i * 7919) % n) - 10000; /* a permutation of -10000..9989 */
		if (i % 3 == 2)
			num = (long)(((i - 1) * 7919) % n) - 10000;
		k += (size_t)sprintf(t + k, " V%zu = %ld;", i, num);
	}
	strcpy(t + k, " }");
	s = parse_ok(t);
	e = &s->enums[0];
	for (size_t i = 0; i < n; i++) {
		long num = (long)((i * 7919) % n) - 10000;
		char want[32];
		snprintf(want, sizeof(want), "V%zu", i);
		if (i % 3 == 2) { /* an alias: the name declared first */
			num = (long)(((i - 1) * 7919) % n) - 10000;
			snprintf(want, sizeof(want), "V%zu", i - 1);
		}
		const char *got = protoschema_enum_name(e, (int32_t)num);
		if (got == NULL || strcmp(got, want) != 0)
			fail_msg("value %ld: %s, wanted %s", num, got ? got : "(none)", want);
	}
	protoschema_free(s);
	free(t);
}

static void test_message_indexes(void **state)
{
	(void)state;
	/* a map field's entry counts among the nested messages, as in protoc's descriptors */
	struct protoschema *s = parse_ok("enum E0 { Z = 0; } message A { message A1 {} map<string, int32> m = 1; "
					 "message A2 { message A21 {} } } message B {}");
	int64_t p[3];
	assert_string_equal(s->msgs[protoschema_message_at(s, NULL, 0)].name, "A");
	p[0] = 0;
	assert_string_equal(s->msgs[protoschema_message_at(s, p, 1)].name, "A");
	p[0] = 1;
	assert_string_equal(s->msgs[protoschema_message_at(s, p, 1)].name, "B");
	p[0] = 0, p[1] = 0;
	assert_string_equal(s->msgs[protoschema_message_at(s, p, 2)].name, "A.A1");
	p[1] = 1; /* the map's entry: not a message kcon decodes by name */
	assert_int_equal(protoschema_message_at(s, p, 2), -1);
	p[1] = 2, p[2] = 0;
	assert_string_equal(s->msgs[protoschema_message_at(s, p, 3)].name, "A.A2.A21");
	p[0] = 2;
	assert_int_equal(protoschema_message_at(s, p, 1), -1);
	p[0] = -1;
	assert_int_equal(protoschema_message_at(s, p, 1), -1);
	p[0] = 1, p[1] = 0;
	assert_int_equal(protoschema_message_at(s, p, 2), -1);
	assert_string_equal(protoschema_enum_name(&s->enums[0], 0), "Z");
	assert_null(protoschema_enum_name(&s->enums[0], 1));
	protoschema_free(s);
}

/* Random damage to every good schema (bytes changed, cut short): parsed or refused, never a crash
 * (ASan) nor a read past the text. */
static void test_mutations(void **state)
{
	(void)state;
	uint32_t seed = 42;
	int parsed = 0, refused = 0;
	for (size_t c = 0; c < sizeof(good) / sizeof(good[0]); c++) {
		size_t n = strlen(good[c].text);
		for (int i = 0; i < 400; i++) {
			char *t = malloc(n + 1);
			assert_non_null(t);
			memcpy(t, good[c].text, n + 1);
			for (int k = 0; k < 1 + i % 3; k++) {
				seed = seed * 1103515245u + 12345u;
				static const char pick[] = "{}[]<>()=;,.\"'/*-0x9 \nmessage";
				t[(seed >> 8) % n] =
					i % 2 ? pick[(seed >> 20) % (sizeof(pick) - 1)] : (char)(seed >> 16);
			}
			if (i % 5 == 0)
				t[(seed >> 4) % n] = '\0';
			char err[256];
			struct protoschema *s = protoschema_parse(t, err, sizeof(err));
			if (s) {
				int64_t path[2] = { (int64_t)(seed % 3), 0 };
				(void)protoschema_message_at(s, path, 2);
				parsed++;
			} else {
				assert_true(err[0] != '\0');
				refused++;
			}
			protoschema_free(s);
			free(t);
		}
	}
	assert_true(parsed > 100 && refused > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),          cmocka_unit_test(test_bad),
		cmocka_unit_test(test_hostile_sizes), cmocka_unit_test(test_message_indexes),
		cmocka_unit_test(test_mutations),     cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_enum_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
