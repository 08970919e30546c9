/* plugin: loading, the ABI check, refusals that unload, the bundled hexdump decoder, plugin_decode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "plugin.h"
#include "sbuf.h"

static char *path_of(const char *dirvar, const char *name)
{
	const char *dir = getenv(dirvar);
	assert_non_null(dir);
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void out_write(struct kcon_plugin_out *out, const void *buf, size_t len)
{
	sbuf_addn(out->opaque, buf, len);
}

static void test_plugin_hexdump(void **state)
{
	(void)state;
	char *p = path_of("KCON_PLUGIN_BUILD_DIR", "decode_hexdump.so"), *cause = NULL;
	assert_int_equal(plugin_load(p, &cause), 0);
	const struct kcon_decoder *d = plugin_decoder_find("hexdump");
	assert_non_null(d);
	assert_null(plugin_decoder_find("nosuch"));
	struct sbuf sb = SBUF_INIT;
	struct kcon_plugin_out out = { .write = out_write, .opaque = &sb };
	assert_int_equal(d->decode(d->state, "Hello, kcon!\x00\x01\x1b\xff xyz", 20, &out), KCON_DECODE_TEXT);
	assert_string_equal(sbuf_str(&sb),
			    "00000000  48 65 6c 6c 6f 2c 20 6b 63 6f 6e 21 00 01 1b ff  |Hello, kcon!....|"
			    " 00000010  20 78 79 7a                                      | xyz|");
	sbuf_free(&sb);
	const struct kcon_decoder *const *decs;
	const char *const *paths;
	assert_int_equal(plugin_decoders(&decs, &paths), 1);
	assert_string_equal(paths[0], p);
	/* the same plugin twice: the name is taken, so its init fails and it is unloaded */
	assert_int_equal(plugin_load(p, &cause), -1);
	assert_non_null(strstr(cause, "failed to start"));
	free(cause);
	assert_int_equal(plugin_decoders(&decs, &paths), 1);
	free(p);
	plugin_unload_all();
	assert_null(plugin_decoder_find("hexdump"));
}

static void test_plugin_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "bad_abi.so", "built for plugin ABI 99, this kcon has ABI 1: rebuild it" },
		{ "failing_init.so", "failed to start: the licence file is missing" },
		{ "no_symbols.so", "no kcon_plugin_abi_major symbol: not a kcon plugin" },
		{ "missing.so", "is it a kcon plugin built for this machine?" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = path_of("KCON_TEST_PLUGIN_DIR", cases[i].file), *cause = NULL;
		assert_int_equal(plugin_load(p, &cause), -1);
		if (strstr(cause, cases[i].want) == NULL)
			fail_msg("%s: `%s` lacks `%s`", cases[i].file, cause, cases[i].want);
		free(cause);
		free(p);
	}
	/* what the failed plugin registered went with it */
	assert_null(plugin_decoder_find("half-started"));
	const struct kcon_decoder *const *decs;
	const char *const *paths;
	assert_int_equal(plugin_decoders(&decs, &paths), 0);
}

static void test_plugin_path(void **state)
{
	(void)state;
	/* KCON_PLUGIN_PATH: every .so of each folder; failures are kept, good plugins load */
	char *both = malloc(4096);
	snprintf(both, 4096, "%s:%s", getenv("KCON_PLUGIN_BUILD_DIR"), getenv("KCON_TEST_PLUGIN_DIR"));
	setenv("KCON_PLUGIN_PATH", both, 1);
	free(both);
	plugin_load_all();
	assert_non_null(plugin_decoder_find("hexdump"));
	size_t n;
	const char *const *errs = plugin_errors(&n);
	assert_int_equal(n, 3); /* bad_abi, failing_init, no_symbols */
	assert_non_null(strstr(errs[0], "bad_abi.so"));
	plugin_unload_all();
}

/* A decoder that writes "<state>" and answers as its state says: 0 text, 1 JSON, other not its format. */
static int fake_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)buf, (void)len;
	const char *answer = state;
	out->write(out, answer, strlen(answer));
	return answer[0] == 't' ? KCON_DECODE_TEXT : answer[0] == 'j' ? KCON_DECODE_JSON : 7;
}

static void test_plugin_decode(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "left from before");
	struct kcon_decoder d = { .name = "fake", .decode = fake_decode, .state = "text" };
	assert_int_equal(plugin_decode(&d, "x", 1, &sb), KCON_DECODE_TEXT);
	assert_string_equal(sbuf_str(&sb), "text"); /* emptied first */
	d.state = "json";
	assert_int_equal(plugin_decode(&d, "x", 1, &sb), KCON_DECODE_JSON);
	assert_string_equal(sbuf_str(&sb), "json");
	d.state = "other";
	assert_int_equal(plugin_decode(&d, "x", 1, &sb), KCON_DECODE_NOT_MINE); /* an unknown answer too */
	sbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plugin_hexdump),
		cmocka_unit_test(test_plugin_refusals),
		cmocka_unit_test(test_plugin_path),
		cmocka_unit_test(test_plugin_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
