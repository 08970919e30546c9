/*
 * plugin: loading, the trust checks before dlopen (owner and mode of the file and its folders),
 * the places searched, the ABI check, refusals that unload, the bundled hexdump decoder,
 * plugin_decode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
		{ "missing.so", "missing.so: No such file or directory" },
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

/* A folder of the test's own under /tmp (sticky, so its own folder decides), removed by rmtree(). */
static char *tmpdir_new(void)
{
	char *d = strdup("/tmp/kcon-test-plugin-XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

static void rmtree(const char *dir)
{
	char *cmd = malloc(strlen(dir) + 16);
	sprintf(cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Copies the file from to the file to, with mode. */
static void copy_file(const char *from, const char *to, mode_t mode)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(to, mode), 0);
}

static void test_plugin_trust(void **state)
{
	(void)state;
	static const uid_t other = 65534; /* nobody */
	static const struct {
		const char *what;
		mode_t dir_mode, file_mode;
		bool dir_other, file_other; /* owned by another user (needs root to arrange) */
		const char *want;           /* NULL: it loads */
	} cases[] = {
		{ "owned by me, not writable by others", 0755, 0755, false, false, NULL },
		{ "read-only", 0500, 0400, false, false, NULL },
		{ "file world-writable", 0755, 0666, false, false, "is writable by others (mode 0666)" },
		{ "file group-writable", 0755, 0775, false, false, "is writable by its group (mode 0775)" },
		{ "folder world-writable", 0777, 0755, false, false, "/plugins is writable by others (mode 0777)" },
		{ "folder group-writable", 0775, 0755, false, false, "/plugins is writable by its group (mode 0775)" },
		{ "folder sticky and world-writable", 01777, 0755, false, false, "/plugins is writable by others" },
		{ "file of another user", 0755, 0755, false, true, "belongs to uid 65534, neither you" },
		{ "folder of another user", 0755, 0755, true, false, "/plugins belongs to uid 65534, neither you" },
	};
	char *hexdump = path_of("KCON_PLUGIN_BUILD_DIR", "decode_hexdump.so");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((cases[i].dir_other || cases[i].file_other) && geteuid() != 0) {
			print_message("skipped (not root): %s\n", cases[i].what);
			continue;
		}
		char *top = tmpdir_new(), dir[512], file[600];
		snprintf(dir, sizeof(dir), "%s/plugins", top);
		snprintf(file, sizeof(file), "%s/x.so", dir);
		assert_int_equal(mkdir(dir, 0700), 0);
		copy_file(hexdump, file, cases[i].file_mode);
		if (cases[i].file_other)
			assert_int_equal(chown(file, other, (gid_t)-1), 0);
		if (cases[i].dir_other)
			assert_int_equal(chown(dir, other, (gid_t)-1), 0);
		assert_int_equal(chmod(dir, cases[i].dir_mode), 0);
		char *cause = NULL;
		int rc = plugin_load(file, &cause);
		if (cases[i].want == NULL) {
			if (rc != 0)
				fail_msg("%s: refused: %s", cases[i].what, cause);
			assert_non_null(plugin_decoder_find("hexdump"));
		} else {
			if (rc == 0)
				fail_msg("%s: loaded", cases[i].what);
			if (strstr(cause, cases[i].want) == NULL || strstr(cause, "refused") == NULL)
				fail_msg("%s: `%s` lacks `%s`", cases[i].what, cause, cases[i].want);
			assert_null(plugin_decoder_find("hexdump"));
			free(cause);
		}
		plugin_unload_all();
		chmod(dir, 0700);
		rmtree(top);
		free(top);
	}

	/* a link from a safe folder to a plugin in an unsafe one: the plugin's real folder decides */
	char *top = tmpdir_new(), safe[512], unsafe[512], link[600], target[600];
	snprintf(safe, sizeof(safe), "%s/safe", top);
	snprintf(unsafe, sizeof(unsafe), "%s/unsafe", top);
	snprintf(link, sizeof(link), "%s/x.so", safe);
	snprintf(target, sizeof(target), "%s/x.so", unsafe);
	assert_int_equal(mkdir(safe, 0755), 0);
	assert_int_equal(mkdir(unsafe, 0755), 0);
	copy_file(hexdump, target, 0755);
	assert_int_equal(chmod(unsafe, 0777), 0);
	assert_int_equal(symlink(target, link), 0);
	char *cause = NULL;
	assert_int_equal(plugin_load(link, &cause), -1);
	assert_non_null(strstr(cause, "/unsafe is writable by others"));
	free(cause);
	/* something that is no regular file */
	assert_int_equal(plugin_load("/dev/null", &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);

	/* a folder of the plugin path that others can write: refused once, as a folder, nothing in it runs */
	setenv("KCON_PLUGIN_PATH", unsafe, 1);
	plugin_load_all();
	size_t n;
	const char *const *errs = plugin_errors(&n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(errs[0], "plugin folder"));
	assert_non_null(strstr(errs[0], "/unsafe is writable by others (mode 0777)"));
	assert_null(plugin_decoder_find("hexdump"));
	/* and where the decoder is asked for, the refusal is said */
	assert_null(plugin_decoder_load("hexdump", &cause));
	assert_non_null(strstr(cause, "no decoder called `hexdump`; 1 plugin or folder refused or failed to load, the "
				      "first: plugin folder "));
	free(cause);
	plugin_unload_all();
	unsetenv("KCON_PLUGIN_PATH");
	rmtree(top);
	free(top);
	free(hexdump);
}

static void test_plugin_places(void **state)
{
	(void)state;
	/* Without KCON_PLUGIN_PATH: the user's folder and the installed one, not the folder beside the
	 * binary (beside this test's binary lie the refused plugins of test_plugin_refusals). */
	char *top = tmpdir_new(), dir[512], file[600];
	snprintf(dir, sizeof(dir), "%s/kcon", top);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/kcon/plugins", top);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(file, sizeof(file), "%s/hexdump.so", dir);
	char *hexdump = path_of("KCON_PLUGIN_BUILD_DIR", "decode_hexdump.so");
	copy_file(hexdump, file, 0644);
	unsetenv("KCON_PLUGIN_PATH");
	setenv("XDG_DATA_HOME", top, 1);
	plugin_load_all();
	size_t n;
	const char *const *errs = plugin_errors(&n);
	if (n != 0)
		fail_msg("%zu plugins failed, the first: %s", n, errs[0]);
	assert_non_null(plugin_decoder_find("hexdump"));
	plugin_unload_all();
	unsetenv("XDG_DATA_HOME");
	rmtree(top);
	free(top);
	free(hexdump);
}

static int crash_fd = -1;

/* A fatal-signal handler as the faces have: it writes what plugin_running() says. */
static void on_crash(int signo)
{
	(void)signo;
	const char *note = plugin_running();
	if (note && write(crash_fd, note, strlen(note)) < 0)
		_exit(4);
	_exit(3);
}

static void test_plugin_crash_named(void **state)
{
	(void)state;
	char *p = path_of("KCON_TEST_PLUGIN_DIR", "crashing.so"), *cause = NULL;
	if (plugin_load(p, &cause) != 0)
		fail_msg("%s", cause);
	const struct kcon_decoder *d = plugin_decoder_find("crashing");
	assert_non_null(d);
	assert_null(plugin_running()); /* nothing is decoding */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) { /* the child crashes in the decoder */
		close(fds[0]);
		crash_fd = fds[1];
		struct sigaction sa = { .sa_handler = on_crash };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		struct sbuf sb = SBUF_INIT;
		plugin_decode(d, "x", 1, &sb);
		_exit(0);
	}
	close(fds[1]);
	char note[2048];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(note) - 1 && (r = read(fds[0], note + n, sizeof(note) - 1 - n)) > 0)
		n += (size_t)r;
	note[n] = '\0';
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3); /* it crashed, and the handler ran */
	if (n == 0 || strstr(note, "decoder `crashing`") == NULL || strstr(note, p) == NULL || note[n - 1] != '\n')
		fail_msg("the note does not name the decoder and its plugin: `%s`", note);
	assert_null(plugin_running()); /* in this process, nothing is decoding */
	plugin_unload_all();
	free(p);
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

/* plugin_decode_many: each value answered as plugin_decode() would, in order; auto without a schema source takes none.
 */
static void test_plugin_decode_many(void **state)
{
	(void)state;
	struct kcon_decoder d = { .name = "fake", .decode = fake_decode, .state = "json" };
	struct plugin_value v[3] = { { .buf = "a", .len = 1 }, { .buf = "b", .len = 1 }, { .buf = NULL, .len = 0 } };
	sbuf_add(&v[0].out, "left from before");
	plugin_decode_many(&d, v, 3, NULL);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(v[i].rc, KCON_DECODE_JSON);
		assert_string_equal(sbuf_str(&v[i].out), "json");
		assert_string_equal(v[i].chose.decoder, "fake");
		assert_int_equal(v[i].chose.schema_id, -1);
		sbuf_free(&v[i].out);
	}
	struct plugin_value w[2] = { { .buf = "\x00\x00\x00\x00\x01x", .len = 6 }, { .buf = "plain", .len = 5 } };
	plugin_decode_many(NULL, w, 2, NULL); /* no registry: auto looks at nothing */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(w[i].rc, KCON_DECODE_NOT_MINE);
		assert_null(w[i].chose.decoder);
		sbuf_free(&w[i].out);
	}
	plugin_decode_many(&d, NULL, 0, NULL); /* nothing to do */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plugin_hexdump),     cmocka_unit_test(test_plugin_refusals),
		cmocka_unit_test(test_plugin_path),        cmocka_unit_test(test_plugin_trust),
		cmocka_unit_test(test_plugin_places),      cmocka_unit_test(test_plugin_decode),
		cmocka_unit_test(test_plugin_decode_many), cmocka_unit_test(test_plugin_crash_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
