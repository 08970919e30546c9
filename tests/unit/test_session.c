/*
 * session: switching the profile of a running session (session_use_profile), copying its settings;
 * the store's path, and whether there is a store (a look that makes no dir).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "session.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kcon-session-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	setenv("XDG_CONFIG_HOME", dir, 1);
	char path[128];
	snprintf(path, sizeof(path), "%s/kcon", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/kcon/config.json", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs("{\"profiles\": {\"a\": {\"bootstrap\": \"127.0.0.1:1\", \"properties\": {\"client.id\": \"from-a\"}},"
	      " \"ro\": {\"bootstrap\": \"127.0.0.1:2\", \"read_only\": true},"
	      " \"nohost\": {\"user\": \"x\"},"
	      " \"badfile\": {\"bootstrap\": \"h:1\", \"password_file\": \"/nonexistent/pw\"}}}",
	      f);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void start(struct session *s, bool threads)
{
	*s = (struct session){ .timeout_ms = 1000, .threads = threads, .no_history = true };
	conf_set_option(&s->conf, "bootstrap", "first:9092", &(char *){ NULL });
	conf_set(&s->conf, "client.id", "from-the-command-line");
}

/* The new profile's settings alone; read_only follows the profile unless --read-only was given. */
static void test_session_switch(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool cli_read_only, read_only;
		const char *bootstrap;
	} cases[] = {
		{ "a", false, false, "127.0.0.1:1" },
		{ "ro", false, true, "127.0.0.1:2" },
		{ "a", true, true, "127.0.0.1:1" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct session s;
		start(&s, false);
		s.read_only = s.read_only_cli = cases[i].cli_read_only;
		struct err e = { 0 };
		assert_int_equal(session_use_profile(&s, cases[i].name, &e), 0);
		assert_string_equal(s.conf.bootstrap, cases[i].bootstrap);
		assert_string_equal(s.conf.profile, cases[i].name);
		assert_int_equal(s.read_only, cases[i].read_only);
		const char *id = conf_get(&s.conf, "client.id");
		if (strcmp(cases[i].name, "a") == 0)
			assert_string_equal(id, "from-a");
		else
			assert_null(id); /* the command line's settings do not carry over */
		/* and back from a read-only profile */
		assert_int_equal(session_use_profile(&s, "a", &e), 0);
		assert_int_equal(s.read_only, cases[i].cli_read_only);
		session_clear(&s);
	}
}

/* A profile that cannot be used leaves the session as it was. */
static void test_session_switch_fails(void **state)
{
	(void)state;
	static const struct {
		const char *name, *cause;
	} cases[] = {
		{ "missing", "no profile `missing`" },
		{ "nohost", "no bootstrap servers" },
		{ "badfile", "/nonexistent/pw" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct session s;
		start(&s, true);
		struct err e = { 0 };
		assert_int_equal(session_use_profile(&s, cases[i].name, &e), 1);
		if (strstr(e.cause, cases[i].cause) == NULL)
			fail_msg("case %zu: %s", i, e.cause);
		assert_non_null(strstr(e.hint, "config profiles"));
		err_clear(&e);
		assert_string_equal(s.conf.bootstrap, "first:9092");
		assert_string_equal(conf_get(&s.conf, "client.id"), "from-the-command-line");
		assert_int_equal(s.nretired, 0);
		session_clear(&s);
	}
	struct session s;
	start(&s, false);
	s.demo = (struct demo *)&s; /* only tested for NULL before anything else */
	struct err e = { 0 };
	assert_int_equal(session_use_profile(&s, "a", &e), 2);
	assert_non_null(strstr(e.cause, "demo"));
	err_clear(&e);
	s.demo = NULL;
	session_clear(&s);
}

/* With commands on several threads (the TUI) the client replaced is kept to the end; else freed at once. */
static void test_session_switch_retires(void **state)
{
	(void)state;
	for (int threads = 0; threads <= 1; threads++) {
		struct session s;
		start(&s, threads);
		struct client *c;
		struct err e = { 0 };
		assert_int_equal(session_client(&s, &c, &e), 0);
		assert_int_equal(session_use_profile(&s, "a", &e), 0);
		assert_null(s.client);
		assert_int_equal(s.nretired, threads ? 1 : 0);
		if (threads)
			assert_ptr_equal(s.retired_clients[0], c);
		assert_int_equal(session_use_profile(&s, "ro", &e), 0);
		assert_int_equal(s.nretired, threads ? 2 : 0);
		session_clear(&s); /* frees them: the leak checker says so */
		assert_int_equal(s.nretired, 0);
	}
}

/* A command on a thread of its own (doctor) takes the settings and the client's timeout and verbosity
 * together, as they are after a switch. */
static void test_session_settings_copy(void **state)
{
	(void)state;
	struct session s;
	start(&s, true);
	s.verbose = true;
	struct err e = { 0 };
	assert_int_equal(session_use_profile(&s, "a", &e), 0);
	struct conf c = { 0 };
	int timeout_ms = -1;
	bool verbose = false;
	session_settings_copy(&s, &c, &timeout_ms, &verbose);
	assert_string_equal(c.bootstrap, "127.0.0.1:1");
	assert_string_equal(conf_get(&c, "client.id"), "from-a");
	assert_int_equal(timeout_ms, 1000);
	assert_true(verbose);
	assert_ptr_not_equal(c.bootstrap, s.conf.bootstrap); /* a copy: the session may switch again */
	conf_clear(&c);
	session_clear(&s);
}

/* session_store_missing() only looks: no state dir is made; session_store_path() makes it. */
static void test_session_store_missing(void **state)
{
	(void)state;
	char sub[128], db[160];
	snprintf(sub, sizeof(sub), "%s/state/kcon", dir);
	snprintf(db, sizeof(db), "%s/history.db", sub);
	struct session s = { .state_dir = strdup(sub) };
	struct stat st;
	assert_true(session_store_missing(&s));
	assert_int_not_equal(stat(sub, &st), 0); /* not made by asking */
	struct err e = { 0 };
	char *path = session_store_path(&s, &e);
	assert_string_equal(path, db);
	assert_int_equal(stat(sub, &st), 0);    /* made for the store */
	assert_true(session_store_missing(&s)); /* the dir, still no file */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_false(session_store_missing(&s));
	unlink(path);
	free(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/state", dir);
	rmdir(sub);
	s.no_history = true;
	assert_true(session_store_missing(&s));
	assert_null(session_store_path(&s, &e));
	err_clear(&e);
	free(s.state_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_switch),         cmocka_unit_test(test_session_switch_fails),
		cmocka_unit_test(test_session_switch_retires), cmocka_unit_test(test_session_settings_copy),
		cmocka_unit_test(test_session_store_missing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
