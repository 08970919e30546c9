/*
 * decodehelp: decoders in a helper process (the kcon binary under test, `--decode-helper`, with
 * the build's and the fixtures' plugins): answers, the record's schema sent along (once), a
 * crash and a hang costing one message, decoding off after three crashes; batches (several values
 * a request), split by count and size, and a crash in the middle of one costing that value only;
 * a helper that died between requests started again without blaming a value.
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

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

static void test_batch(void **state)
{
	(void)state;
	enum { N = 600 }; /* more than DECODEHELP_BATCH: several requests */
	static struct decodehelp_item items[N];
	static struct sbuf outs[N];
	size_t big = (3u << 20) / 2; /* past the request's size: a request of its own */
	char *large = malloc(big);
	memset(large, 'y', big);
	const char *rec = "\x00\x00\x00\x00\x0b{\"b\": 2}";
	for (size_t i = 0; i < N; i++) {
		outs[i] = (struct sbuf)SBUF_INIT;
		sbuf_add(&outs[i], "left from before");
		switch (i % 4) {
		case 0:
			items[i] =
				(struct decodehelp_item){ .name = "hexdump", .schema_id = -1, .buf = "hi", .len = 2 };
			break;
		case 1: /* the schema goes once per helper: with the first such value only */
			items[i] = (struct decodehelp_item){ .name = "json-schema",
							     .schema_id = 11,
							     .type = "JSON",
							     .schema = "{}",
							     .buf = rec,
							     .len = 13 };
			break;
		case 2:
			items[i] = (struct decodehelp_item){ .name = "nosuch", .schema_id = -1, .buf = "x", .len = 1 };
			break;
		default:
			items[i] = (struct decodehelp_item){ .name = "latin1",
							     .schema_id = -1,
							     .buf = i == 303 ? large : "z",
							     .len = i == 303 ? big : 1 };
		}
		items[i].out = &outs[i];
		items[i].rc = -42;
	}
	decodehelp_decode_many(items, N, NULL);
	for (size_t i = 0; i < N; i++) {
		const char *o = sbuf_str(&outs[i]);
		switch (i % 4) {
		case 0:
			assert_int_equal(items[i].rc, KCON_DECODE_TEXT);
			assert_non_null(strstr(o, "68 69"));
			break;
		case 1:
			assert_int_equal(items[i].rc, KCON_DECODE_JSON);
			assert_string_equal(o, "{\"b\":2}");
			break;
		case 2:
			assert_int_equal(items[i].rc, KCON_DECODE_ERROR);
			assert_non_null(strstr(o, "no decoder `nosuch`"));
			break;
		default:
			assert_int_equal(items[i].rc, KCON_DECODE_TEXT);
			assert_int_equal(outs[i].len, i == 303 ? big : 1);
		}
		sbuf_free(&outs[i]);
	}
	free(large);
}

/* In a child process (its crash counts stay there): a crash in the middle of a batch costs that value. */
static int batch_crash_child(void)
{
	struct sbuf o[4] = { SBUF_INIT, SBUF_INIT, SBUF_INIT, SBUF_INIT };
	struct decodehelp_item it[4] = {
		{ .name = "hexdump", .schema_id = -1, .buf = "a", .len = 1, .out = &o[0] },
		{ .name = "crashing", .schema_id = -1, .buf = "boom", .len = 4, .out = &o[1] },
		{ .name = "hexdump", .schema_id = -1, .buf = "b", .len = 1, .out = &o[2] },
		/* the new helper is sent the schema again */
		{ .name = "json-schema",
		  .schema_id = 12,
		  .type = "JSON",
		  .schema = "{}",
		  .buf = "\x00\x00\x00\x00\x0c[1]",
		  .len = 8,
		  .out = &o[3] },
	};
	struct decodehelp_item first = it[3]; /* the schema known to the first helper before the crash */
	struct sbuf fo = SBUF_INIT;
	first.out = &fo;
	decodehelp_decode_many(&first, 1, NULL);
	decodehelp_decode_many(it, 4, NULL);
	int bad = 0;
	bad |= first.rc != KCON_DECODE_JSON;
	bad |= it[0].rc != KCON_DECODE_TEXT || strstr(sbuf_str(&o[0]), "61") == NULL;
	bad |= (it[1].rc != KCON_DECODE_ERROR || strstr(sbuf_str(&o[1]), "the decoder `crashing`") == NULL) << 1;
	bad |= (it[2].rc != KCON_DECODE_TEXT || strstr(sbuf_str(&o[2]), "62") == NULL) << 2;
	bad |= (it[3].rc != KCON_DECODE_JSON || strcmp(sbuf_str(&o[3]), "[1]") != 0) << 3;
	if (bad)
		fprintf(stderr, "batch with a crash: %d: %s | %s | %s | %s\n", bad, sbuf_str(&o[0]), sbuf_str(&o[1]),
			sbuf_str(&o[2]), sbuf_str(&o[3]));
	decodehelp_stop();
	for (int i = 0; i < 4; i++)
		sbuf_free(&o[i]);
	sbuf_free(&fo);
	return bad;
}

static void test_batch_crash(void **state)
{
	(void)state;
	decodehelp_stop(); /* the child starts a helper of its own */
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(batch_crash_child());
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The pid of this process's one child (the helper), or -1. */
static pid_t helper_pid(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	FILE *f = fopen(path, "r");
	int pid = -1;
	if (f && fscanf(f, "%d", &pid) != 1)
		pid = -1;
	if (f)
		fclose(f);
	return pid;
}

/* Whether pid has ended (a zombie, not reaped: kcon's side reaps it). */
static bool helper_ended(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p == NULL || p[2] == 'Z' || p[2] == 'X';
}

/* In a child process: the helper killed between requests, four times; each next value is answered, none blamed. */
static int died_between_child(void)
{
	signal(SIGPIPE, SIG_IGN); /* as kcon does: a write to the dead helper fails instead */
	struct sbuf o = SBUF_INIT;
	int bad = 0;
	for (int round = 0; round < 4 && !bad; round++) {
		char v[2] = { (char)('a' + round), 0 };
		struct decodehelp_item it = { .name = "hexdump", .schema_id = -1, .buf = v, .len = 1, .out = &o };
		decodehelp_decode_many(&it, 1, NULL);
		if (it.rc != KCON_DECODE_TEXT) {
			fprintf(stderr, "round %d: %d %s\n", round, it.rc, sbuf_str(&o));
			bad = 1;
		}
		pid_t pid = helper_pid();
		if (pid <= 0) {
			fprintf(stderr, "round %d: no helper\n", round);
			bad = 2;
			break;
		}
		kill(pid, SIGKILL);
		while (!helper_ended(pid))
			sched_yield();
	}
	decodehelp_stop();
	sbuf_free(&o);
	return bad;
}

static void test_helper_died_between_requests(void **state)
{
	(void)state;
	decodehelp_stop();
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(died_between_child());
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A stopped batch: nothing is sent, each value says so. */
static void test_stopped(void **state)
{
	(void)state;
	atomic_bool stop = true;
	struct sbuf o = SBUF_INIT;
	struct decodehelp_item it = { .name = "hexdump", .schema_id = -1, .buf = "a", .len = 1, .out = &o };
	decodehelp_decode_many(&it, 1, &stop);
	assert_int_equal(it.rc, KCON_DECODE_ERROR);
	assert_string_equal(sbuf_str(&o), "stopped before it was decoded");
	sbuf_free(&o);
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
		cmocka_unit_test(test_answers),     cmocka_unit_test(test_batch),
		cmocka_unit_test(test_batch_crash), cmocka_unit_test(test_helper_died_between_requests),
		cmocka_unit_test(test_stopped),     cmocka_unit_test(test_crashes_and_hangs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
