/* seed: librdkafka's RAND_priv_bytes() taken from the kernel (ui/seed.c), answering as OpenSSL does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

int __wrap_RAND_priv_bytes(unsigned char *buf, int num);

/* Fills buf[0..n) and leaves the guard bytes after it alone; no byte position stays 0x00 in every
 * one of a few fills (a short read would leave the tail as it was). */
static void check_fill(int n)
{
	size_t len = (size_t)n + 16;
	unsigned char *buf = calloc(1, len), *seen = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_non_null(seen);
	for (int round = 0; round < 4; round++) {
		memset(buf, 0, len);
		memset(buf + n, 0xA5, 16);
		assert_int_equal(__wrap_RAND_priv_bytes(buf, n), 1);
		for (int i = 0; i < n; i++)
			seen[i] |= buf[i];
		for (int i = 0; i < 16; i++)
			assert_int_equal(buf[n + i], 0xA5);
	}
	/* a byte that is 0 in four independent fills: 2^-32 per byte */
	for (int i = 0; i < n; i++)
		assert_int_not_equal(seen[i], 0);
	free(buf);
	free(seen);
}

static void test_seed_fills(void **state)
{
	(void)state;
	check_fill(1);
	check_fill(32);
	check_fill(4096);
	/* above getrandom()'s 256-byte atomic limit and its 32 MiB per-call cap: the loop must go on */
	check_fill(1 << 20);
	check_fill((32 << 20) + 1000);
}

static void test_seed_lengths(void **state)
{
	(void)state;
	unsigned char b[4] = { 7, 7, 7, 7 };
	assert_int_equal(__wrap_RAND_priv_bytes(b, 0), 1);
	assert_int_equal(__wrap_RAND_priv_bytes(NULL, 0), 1);
	assert_int_equal(__wrap_RAND_priv_bytes(b, -1), 0);
	assert_int_equal(__wrap_RAND_priv_bytes(b, -4096), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(b[i], 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_fills),
		cmocka_unit_test(test_seed_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
