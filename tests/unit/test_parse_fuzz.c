/*
 * The command language's lexer under random input (a fixed seed, so a failure repeats): it never
 * crashes, fails only with a cause, and what it reads comes back the same through parse_join and
 * parse_quote. cmd_prepare takes whatever it produced. ASan and UBSan watch in `make test`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "parse.h"

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
	static const char *const pieces[] = { "'",     "\"",       "\\",    ";",     "#",    " ",    "\n",   "\t",
					      "x",     "0",        "9",     "a",     "f",    "{",    "}",    "-",
					      "--",    "\\x",      "\\x4",  "\\xff", "\xff", "\xc3", "\x80", "\x1b",
					      "topic", "describe", "group", "--yes", "-o",   "json", "\r" };
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_random_text),
		cmocka_unit_test(test_quote_random_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
