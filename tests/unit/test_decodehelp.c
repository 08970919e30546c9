/*
 * decodehelp: decoders in a helper process (the kcon binary under test, `--decode-helper`, with
 * the build's and the fixtures' plugins): answers, the record's schema sent along (once), a
 * crash and a hang costing one message, decoding off after three crashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decodehelp.h"
#include "kcon-plugin.h"
#include "xalloc.h"

static int setup(void **state)
{
	(void)state;
	const char *bin = getenv("KCON_HELPER_BIN"), *a = getenv("KCON_PLUGIN_BUILD_DIR"),
		   *b = getenv("KCON_TEST_PLUGIN_DIR");
	assert_non_null(bin);
	char *path = x_asprintf("%s:%s", a, b);
	setenv("KCON_PLUGIN_PATH", path, 1);
	free(path);
	decodehelp_enable(bin);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	decodehelp_stop();
	return 0;
}

static void test_answers(void **state)
{
	(void)state;
	struct sbuf out = SBUF_INIT;
	assert_true(decodehelp_enabled());
	assert_int_equal(decodehelp_decode("hexdump", -1, NULL, NULL, "hi", 2, &out), KCON_DECODE_TEXT);
	assert_non_null(strstr(sbuf_str(&out), "68 69"));
	/* the record's schema goes along: json-schema checks its type */
	const char *rec = "\x00\x00\x00\x00\x07{\"a\": 1}";
	assert_int_equal(decodehelp_decode("json-schema", 7, "JSON", "{}", rec, 13, &out), KCON_DECODE_JSON);
	assert_string_equal(sbuf_str(&out), "{\"a\":1}");
	/* the second time the helper has it already */
	assert_int_equal(decodehelp_decode("json-schema", 7, "JSON", "{}", rec, 13, &out), KCON_DECODE_JSON);
	/* an id it was never sent */
	assert_int_equal(decodehelp_decode("json-schema", -1, NULL, NULL, "\x00\x00\x00\x00\x08{}", 7, &out),
			 KCON_DECODE_ERROR);
	assert_non_null(strstr(sbuf_str(&out), "schema id 8: not known to the decoder helper"));
	/* kcon could not get the schema: the decoder that asks says why */
	assert_int_equal(decodehelp_decode("json-schema", 9, "", "schema id 9 from http://r/schemas/ids/9: HTTP 404",
					   "\x00\x00\x00\x00\x09{}", 7, &out),
			 KCON_DECODE_ERROR);
	assert_non_null(strstr(sbuf_str(&out), "json-schema: schema id 9 from http://r/schemas/ids/9: HTTP 404"));
	/* and it is sent again next time: now it is there */
	assert_int_equal(decodehelp_decode("json-schema", 9, "JSON", "{}", "\x00\x00\x00\x00\x09{}", 7, &out),
			 KCON_DECODE_JSON);
	assert_int_equal(decodehelp_decode("nosuch", -1, NULL, NULL, "x", 1, &out), KCON_DECODE_ERROR);
	assert_non_null(strstr(sbuf_str(&out), "no decoder `nosuch`"));
	/* a megabyte both ways */
	size_t n = 1 << 20;
	char *big = malloc(n);
	memset(big, 'x', n);
	assert_int_equal(decodehelp_decode("latin1", -1, NULL, NULL, big, n, &out), KCON_DECODE_TEXT);
	assert_int_equal(out.len, n);
	free(big);
	sbuf_free(&out);
}

static void test_crashes_and_hangs(void **state)
{
	(void)state;
	struct sbuf out = SBUF_INIT;
	assert_int_equal(decodehelp_decode("crashing", -1, NULL, NULL, "boom", 4, &out), KCON_DECODE_ERROR);
	if (strstr(sbuf_str(&out), "the decoder `crashing` crashed (signal") == NULL &&
	    strstr(sbuf_str(&out), "the decoder `crashing` died (exit status") == NULL) /* a sanitizer's exit */
		fail_msg("%s", sbuf_str(&out));
	assert_non_null(strstr(sbuf_str(&out), "starts again for the next one"));
	/* a new helper answers the next message */
	assert_int_equal(decodehelp_decode("hexdump", -1, NULL, NULL, "ok", 2, &out), KCON_DECODE_TEXT);
	assert_int_equal(decodehelp_decode("hanging", -1, NULL, NULL, "zzz", 3, &out), KCON_DECODE_ERROR);
	assert_non_null(strstr(sbuf_str(&out), "did not answer within 5000 ms and was stopped"));
	/* the third within a minute switches decoding off */
	assert_int_equal(decodehelp_decode("crashing", -1, NULL, NULL, "boom", 4, &out), KCON_DECODE_ERROR);
	assert_non_null(strstr(sbuf_str(&out), "decoding is off for this session"));
	assert_int_equal(decodehelp_decode("hexdump", -1, NULL, NULL, "ok", 2, &out), KCON_DECODE_ERROR);
	assert_non_null(strstr(sbuf_str(&out), "decoding is off for this session"));
	sbuf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_crashes_and_hangs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
