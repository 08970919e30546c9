/* profiles: config.json read for editing, written atomically (mode 0600, unknown keys kept), secrets redacted. */
#include <dirent.h>
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

#include "profiles.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kcon-profiles-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Files in dir other than the ones named: a temporary file left behind. */
static int strays(const char *keep1, const char *keep2)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, keep1) &&
		    (keep2 == NULL || strcmp(e->d_name, keep2)))
			n++;
	closedir(d);
	return n;
}

/* Whatever kcon does not know survives a read, a change and a write, in its place. */
static void test_profiles_unknown_keys_kept(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *must_keep[4];
	} cases[] = {
		{ "{\"editor_note\": \"hand-made\", \"profiles\": {}}", { "\"editor_note\": \"hand-made\"" } },
		{ "{\"profiles\": {\"a\": {\"bootstrap\": \"a:1\", \"x_team\": \"ops\", \"nested\": {\"k\": [1, 2]}}}}",
		  { "\"x_team\": \"ops\"", "\"k\": [", "\"bootstrap\": \"a:1\"" } },
		{ "{\"retention\": \"raw=24h\", \"zzz\": null, \"num\": 1.5, \"flag\": true}",
		  { "\"retention\": \"raw=24h\"", "\"zzz\": null", "\"num\": 1.5", "\"flag\": true" } },
		{ "{\"default_profile\": \"a\", \"profiles\": {\"a\": {\"bootstrap\": \"x:1\"}}, \"plugins\": {\"p\": "
		  "1}}",
		  { "\"default_profile\": \"a\"", "\"plugins\": {" } },
	};
	char *path = path_of("config.json");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put(path, cases[i].text, 0600);
		json_t *root;
		char *cause = NULL;
		assert_int_equal(profiles_read(path, &root, &cause), 0);
		json_t *profiles = json_object_get(root, "profiles");
		if (profiles == NULL)
			json_object_set_new(root, "profiles", profiles = json_object());
		json_object_set_new(profiles, "new", json_pack("{s:s}", "bootstrap", "n:9092"));
		assert_int_equal(profiles_write(path, root, &cause), 0);
		json_decref(root);
		const char *out = slurp(path);
		for (int k = 0; k < 4 && cases[i].must_keep[k]; k++)
			if (strstr(out, cases[i].must_keep[k]) == NULL)
				fail_msg("case %zu lost %s:\n%s", i, cases[i].must_keep[k], out);
		assert_non_null(strstr(out, "\"new\""));
	}
	free(path);
}

/* 0600 whatever the file's mode was, a new folder 0700, and a new file. */
static void test_profiles_mode(void **state)
{
	(void)state;
	static const mode_t before[] = { 0644, 0600, 0666, 0400 };
	char *path = path_of("config.json");
	for (size_t i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		put(path, "{}", before[i]);
		json_t *root = json_object();
		char *cause = NULL;
		assert_int_equal(profiles_write(path, root, &cause), 0);
		json_decref(root);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	char *deep = path_of("a/b/kcon/config.json");
	json_t *root = json_object();
	char *cause = NULL;
	assert_int_equal(profiles_write(deep, root, &cause), 0);
	json_decref(root);
	struct stat st;
	assert_int_equal(stat(deep, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	*strrchr(deep, '/') = '\0';
	assert_int_equal(stat(deep, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(deep);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/a'", dir);
	assert_int_equal(system(cmd), 0);
	free(path);
}

/* A new file replaces the old in one rename: a reader holding the old one sees it whole; no temp file stays. */
static void test_profiles_atomic(void **state)
{
	(void)state;
	char *path = path_of("config.json"), *link_path = path_of("old.json");
	put(path, "{\"profiles\": {\"old\": {\"bootstrap\": \"o:1\"}}}", 0600);
	unlink(link_path);
	assert_int_equal(link(path, link_path), 0); /* the old inode, as a reader that opened it holds it */
	struct stat st0, st1;
	assert_int_equal(stat(path, &st0), 0);
	json_t *root = json_pack("{s:{s:{s:s}}}", "profiles", "new", "bootstrap", "n:1");
	char *cause = NULL;
	assert_int_equal(profiles_write(path, root, &cause), 0);
	assert_int_equal(stat(path, &st1), 0);
	assert_true(st0.st_ino != st1.st_ino); /* renamed into place, not rewritten in place */
	assert_non_null(strstr(slurp(link_path), "\"old\""));
	assert_non_null(strstr(slurp(path), "\"new\""));
	assert_int_equal(strays("config.json", "old.json"), 0);
	unlink(link_path);

	/* the rename fails (a folder stands at the path): an error, and no temporary file left */
	char *blocked = path_of("blocked");
	assert_int_equal(mkdir(blocked, 0700), 0);
	assert_int_equal(profiles_write(blocked, root, &cause), -1);
	assert_non_null(strstr(cause, "was not changed"));
	free(cause);
	assert_int_equal(strays("config.json", "blocked"), 0);
	rmdir(blocked);
	free(blocked);
	json_decref(root);
	free(path);
	free(link_path);
}

/* A file that is not JSON, or not an object, is refused for editing, quoted nowhere, and left alone. */
static void test_profiles_read_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *cause;
	} cases[] = {
		{ "{\"profiles\": {\"a\": {\"bootstrap\": \"s3cr3t-text\"}", ":1:" },
		{ "{\n  \"profiles\": { \"a\": s3cr3t-text }\n}", ":2:" },
		{ "[\"s3cr3t-text\"]", "the file must be a JSON object" },
		{ "{\"profiles\": [\"s3cr3t-text\"]}", "\"profiles\" must be a JSON object" },
		{ "", "fix the JSON first" },
	};
	char *path = path_of("config.json");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put(path, cases[i].text, 0640);
		json_t *root = NULL;
		char *cause = NULL;
		assert_int_equal(profiles_read(path, &root, &cause), -1);
		assert_null(root);
		if (strstr(cause, cases[i].cause) == NULL)
			fail_msg("case %zu: %s", i, cause);
		assert_null(strstr(cause, "s3cr3t"));
		assert_non_null(strstr(cause, "not changed"));
		free(cause);
		assert_string_equal(slurp(path), cases[i].text);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0640);
	}
	/* a missing file is an empty one */
	unlink(path);
	json_t *root = NULL;
	char *cause = NULL;
	assert_int_equal(profiles_read(path, &root, &cause), 0);
	assert_true(json_is_object(root) && json_object_size(root) == 0);
	json_decref(root);
	free(path);
}

/* Secrets show as "set", at any depth; file paths and the rest as they are. */
static void test_profiles_redacted(void **state)
{
	(void)state;
	static const struct {
		const char *profile;
		const char *hidden; /* must not appear in the redacted text */
		const char *shown;  /* must appear */
		const char *secret; /* profiles_secret_state() */
	} cases[] = {
		{ "{\"bootstrap\": \"b:1\", \"password\": \"hunter2\"}", "hunter2", "\"password\": \"set\"", "set" },
		{ "{\"properties\": {\"sasl.password\": \"hunter2\", \"client.rack\": \"r1\"}}", "hunter2",
		  "\"client.rack\": \"r1\"", "set" },
		{ "{\"properties\": {\"sasl.oauthbearer.client.secret\": \"hunter2\"}}", "hunter2", "\"set\"", "set" },
		{ "{\"password_file\": \"/etc/kcon/pw\"}", "hunter2", "\"/etc/kcon/pw\"", "set" },
		{ "{\"x\": {\"deep\": {\"api_key\": \"hunter2\"}}}", "hunter2", "\"api_key\": \"set\"", "set" },
		{ "{\"sasl_jaas\": \"username=a password=hunter2\"}", "hunter2", "\"set\"", "set" },
		{ "{\"bootstrap\": \"b:1\", \"user\": \"ops\"}", "hunter2", "\"user\": \"ops\"", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t jerr;
		json_t *p = json_loads(cases[i].profile, 0, &jerr);
		assert_non_null(p);
		json_t *red = profiles_redacted(p);
		char *text = json_dumps(red, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char *spaced = json_dumps(red, JSON_PRESERVE_ORDER);
		if (strstr(text, cases[i].hidden) || !strstr(spaced, cases[i].shown))
			fail_msg("case %zu: %s", i, spaced);
		const char *st = profiles_secret_state(p);
		if (cases[i].secret)
			assert_string_equal(st, cases[i].secret);
		else
			assert_null(st);
		free(text);
		free(spaced);
		json_decref(red);
		json_decref(p);
	}
}

/* Names that reach a file, a terminal or a shell are refused; the cause never echoes the bytes raw. */
static void test_profiles_names(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool ok;
	} cases[] = {
		{ "prod", true },
		{ "dev-eu_2.old", true },
		{ "_x", true },
		{ "A", true },
		{ "", false },
		{ "-p", false },
		{ ".hidden", false },
		{ "../etc", false },
		{ "a/b", false },
		{ "a b", false },
		{ "a\x1b[31mred", false },
		{ "a\nb", false },
		{ "caf\xc3\xa9", false },
		{ "a;rm", false },
		{ "$(x)", false },
		{ "0123456789012345678901234567890123456789012345678901234567890123", true },
		{ "01234567890123456789012345678901234567890123456789012345678901234", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *cause = NULL;
		bool ok = profiles_name_ok(cases[i].name, &cause);
		if (ok != cases[i].ok)
			fail_msg("case %zu (%s): %s", i, cases[i].name, cause ? cause : "accepted");
		if (!ok) {
			for (const char *c = cause; *c; c++)
				assert_true(*c >= 0x20 && *c < 0x7f);
			free(cause);
		}
	}
}

/* The names completion offers: the file's, in order, without those no one could type. */
static void test_profiles_names_list(void **state)
{
	(void)state;
	char *path = path_of("config.json");
	put(path, "{\"profiles\": {\"b\": {}, \"a\": {}, \"bad name\": {}, \"\\u001b[31m\": {}, \"c-1\": {}}}", 0600);
	char **names = profiles_names(path);
	assert_non_null(names);
	assert_string_equal(names[0], "b");
	assert_string_equal(names[1], "a");
	assert_string_equal(names[2], "c-1");
	assert_null(names[3]);
	for (size_t i = 0; names[i]; i++)
		free(names[i]);
	free(names);
	put(path, "{broken", 0600);
	assert_null(profiles_names(path));
	unlink(path);
	names = profiles_names(path); /* no file: no names */
	assert_non_null(names);
	assert_null(names[0]);
	free(names);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_unknown_keys_kept),
		cmocka_unit_test(test_profiles_mode),
		cmocka_unit_test(test_profiles_atomic),
		cmocka_unit_test(test_profiles_read_errors),
		cmocka_unit_test(test_profiles_redacted),
		cmocka_unit_test(test_profiles_names),
		cmocka_unit_test(test_profiles_names_list),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
