/*
 * The command language's lexer under random input (a fixed seed, so a failure repeats): it never
 * crashes, fails only with a cause, and what it reads comes back the same through parse_join and
 * parse_quote. cmd_prepare takes whatever it produced. Hostile names (not UTF-8, Latin-1, empty,
 * huge) and numbers (INT64_MIN/MAX, 2^64, huge exponents, durations that overflow) go through
 * cmd_prepare and through every parser of numbers, times and partition lists a user reaches:
 * each answers in range or fails with a cause. ASan and UBSan (float casts too) watch in the
 * sanitizer build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "err.h"
#include "clock.h"
#include "lag.h"
#include "names.h"
#include "parse.h"
#include "tail.h"
#include "xalloc.h"

#define FUZZ_RUNS 50000

static uint64_t fuzz_state = 0x9e3779b97f4a7c15ULL;

static uint32_t fuzz_next(void)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 7;
	fuzz_state ^= fuzz_state << 17;
	return (uint32_t)(fuzz_state >> 32);
}

/* A random text, mostly of the characters the lexer treats specially. */
static void fuzz_text(char *buf, size_t max)
{
	static const char *const pieces[] = {
		"'", "\"", "\\", ";", "#", " ", "\n", "\t", "x", "0", "9", "a", "f", "{", "}", "-", "--", "\\x", "\\x4",
		"\\xff", "\xff", "\xc3", "\x80", "\x1b", "topic", "describe", "group", "--yes", "-o", "json", "\r",
		/* names Kafka cannot hold, and commands that take names */
		"\xe9t\xe9", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "''", "\"\"", "..", "a/b", "lag", "reset",
		"delete", "tail", "produce", "create", "--group", "--topic", "orders:0,2-3", ":", ",",
		/* numbers */
		"-9223372036854775808", "9223372036854775807", "+9223372036854775807", "18446744073709551616",
		"2147483648", "99999999999999999999h", "106751991167d1d", "1e400", "nan", "--from", "--shift-by",
		"--by-duration", "--partition", "--count"
	};
	size_t n = fuzz_next() % 24, len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[fuzz_next() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t pl = strlen(p);
		if (len + pl >= max)
			break;
		memcpy(buf + len, p, pl);
		len += pl;
	}
	buf[len] = '\0';
}

static void fuzz_same_words(const struct parse_cmd *a, const struct parse_cmd *b, const char *src)
{
	if (a->argc != b->argc)
		fail_msg("%d words became %d, from `%s`", a->argc, b->argc, src);
	for (int i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			fail_msg("word %d `%s` became `%s`, from `%s`", i, a->argv[i], b->argv[i], src);
}

static void test_parse_random_text(void **state)
{
	(void)state;
	cmd_init();
	char src[256];
	int parsed = 0, refused = 0;
	for (int run = 0; run < FUZZ_RUNS; run++) {
		fuzz_text(src, sizeof(src));
		struct parse_list pl = { 0 };
		char *cause = NULL;
		if (parse_commands(src, &pl, &cause) < 0) {
			assert_non_null(cause);
			assert_int_equal(pl.n, 0);
			free(cause);
			refused++;
			continue;
		}
		assert_null(cause);
		parsed++;
		for (size_t i = 0; i < pl.n; i++) {
			const struct parse_cmd *c = &pl.cmds[i];
			assert_true(c->argc >= 1);
			assert_null(c->argv[c->argc]);
			assert_true(c->line >= 1);
			/* the words, joined and read again, are the same words */
			char *line = parse_join(c->argc, c->argv);
			struct parse_list again = { 0 };
			if (parse_commands(line, &again, &cause) < 0 || again.n != 1)
				fail_msg("`%s` (from `%s`) does not read back: %s", line, src,
					 cause ? cause : "not one command");
			fuzz_same_words(c, &again.cmds[0], src);
			parse_list_clear(&again);
			free(line);
			/* and the command table takes them: a command, or a usage error with its cause */
			struct cmd_ctx ctx;
			int rc = cmd_prepare(&ctx, NULL, c->argc, c->argv);
			assert_true(rc == CMD_OK || (rc == CMD_USAGE && ctx.error != NULL));
			cmd_ctx_clear(&ctx);
		}
		parse_list_clear(&pl);
	}
	/* the generator reaches both outcomes */
	assert_true(parsed > FUZZ_RUNS / 10);
	assert_true(refused > FUZZ_RUNS / 10);
}

static void test_quote_random_words(void **state)
{
	(void)state;
	char word[64];
	for (int run = 0; run < FUZZ_RUNS; run++) {
		size_t n = fuzz_next() % sizeof(word);
		for (size_t i = 0; i < n; i++)
			word[i] = (char)(1 + fuzz_next() % 255); /* any byte but NUL */
		word[n] = '\0';
		char *q = parse_quote(word), *cause = NULL;
		struct parse_list pl = { 0 };
		if (parse_commands(q, &pl, &cause) < 0)
			fail_msg("the quoted word does not parse: %s", cause);
		if (n == 0) {
			/* an empty word quotes as '' and reads back as one empty word */
			assert_int_equal(pl.n, 1);
			assert_string_equal(pl.cmds[0].argv[0], "");
		} else {
			assert_int_equal(pl.n, 1);
			assert_int_equal(pl.cmds[0].argc, 1);
			assert_string_equal(pl.cmds[0].argv[0], word);
		}
		parse_list_clear(&pl);
		free(q);
	}
}

/* A random word of the pieces numbers, times and lists are made of. */
static void fuzz_number(char *buf, size_t max)
{
	static const char *const pieces[] = {
		"0",
		"1",
		"9",
		"-",
		"+",
		"@",
		".",
		",",
		":",
		"e",
		"E",
		"x",
		"ms",
		"s",
		"m",
		"h",
		"d",
		"w",
		"P",
		"T",
		"D",
		"H",
		"M",
		"S",
		"Z",
		"nan",
		"inf",
		"0x",
		" ",
		"\xff",
		"2024",
		"-05",
		"-01",
		"T12",
		":00",
		"+02:00",
		"1969",
		"0000",
		"9999",
		"9223372036854775807",
		"9223372036854775808",
		"18446744073709551616",
		"2147483647",
		"2147483648",
		"99999999999999999999",
		"106751991167",
		"36500",
		"1e308",
		"1e400",
		"e-400",
	};
	size_t n = 1 + fuzz_next() % 8, len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[fuzz_next() % (sizeof(pieces) / sizeof(pieces[0]))];
		size_t pl = strlen(p);
		if (len + pl >= max)
			break;
		memcpy(buf + len, p, pl);
		len += pl;
	}
	buf[len] = '\0';
}

/* Every parser of what a user types as a number, time or list: in range, or a cause. */
static void test_numbers_random(void **state)
{
	(void)state;
	const int64_t now = 1714564800000LL;
	char in[256];
	for (int run = 0; run < FUZZ_RUNS; run++) {
		fuzz_number(in, sizeof(in));
		int64_t ms = -7;
		char *cause = NULL;
		if (clock_parse_duration(in, &ms, &cause) == 0)
			assert_true(ms > 0 && ms <= CLOCK_DURATION_MAX_MS);
		else
			assert_true(cause != NULL && ms == -7);
		free(cause);
		cause = NULL;
		if (clock_parse_datetime(in, &ms, &cause) < 0)
			assert_non_null(cause);
		free(cause);
		cause = NULL;
		struct tail_from f;
		if (tail_parse_from(in, now, &f, &cause) == 0) {
			assert_null(cause);
			assert_true(f.value >= 0);
		} else {
			assert_non_null(cause);
		}
		free(cause);
		cause = NULL;
		int32_t *parts = NULL;
		int np = 0;
		if (lag_parse_partitions(in, &parts, &np, &cause) == 0) {
			assert_true(np >= 1 && np <= 1000 * (LAG_RANGE_MAX + 1));
			for (int i = 0; i < np; i++)
				assert_true(parts[i] >= 0);
		} else {
			assert_non_null(cause);
		}
		free(parts);
		free(cause);
		/* a shift by any int64 from any offset stays an int64 */
		int64_t a = (int64_t)(((uint64_t)fuzz_next() << 32) | fuzz_next()),
			b = (int64_t)(((uint64_t)fuzz_next() << 32) | fuzz_next());
		int64_t sum = lag_shift(a, b);
		assert_true(b >= 0 ? sum >= a : sum < a);
	}
}

/* Words of a megabyte: names, numbers and lines, refused (or taken) with a bounded cause. */
static void test_huge_inputs(void **state)
{
	(void)state;
	size_t big = 1 << 20;
	char *huge = x_malloc(big + 1);
	static const char fills[] = { '\xff', 'a', '9', '\xe9' };
	for (size_t k = 0; k < sizeof(fills); k++) {
		memset(huge, fills[k], big);
		huge[big] = '\0';
		char *const lines[][4] = { { "group", "lag", huge, NULL },       { "tail", huge, NULL, NULL },
					   { "tail", "orders", "--from", huge }, { "group", "reset", "g", huge },
					   { huge, NULL, NULL, NULL },           { "group", huge, NULL, NULL } };
		for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
			int argc = 0;
			while (argc < 4 && lines[l][argc])
				argc++;
			struct cmd_ctx ctx;
			int rc = cmd_prepare(&ctx, NULL, argc, lines[l]);
			assert_true(rc == CMD_OK || (rc == CMD_USAGE && ctx.error && strlen(ctx.error) < 1024));
			cmd_ctx_clear(&ctx);
		}
		struct err e = { 0 };
		if (names_check_group(huge, &e) != CMD_OK)
			assert_true(strlen(e.cause) < 1024);
		err_clear(&e);
		int64_t ms;
		char *cause = NULL;
		assert_int_equal(clock_parse_duration(huge, &ms, &cause), -1);
		free(cause);
		cause = NULL;
		struct tail_from f;
		if (tail_parse_from(huge, 0, &f, &cause) < 0)
			assert_non_null(cause);
		free(cause);
		/* and a whole script line of it */
		struct parse_list pl = { 0 };
		cause = NULL;
		if (parse_commands(huge, &pl, &cause) == 0)
			parse_list_clear(&pl);
		free(cause);
	}
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_random_text),
		cmocka_unit_test(test_quote_random_words),
		cmocka_unit_test(test_numbers_random),
		cmocka_unit_test(test_huge_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
