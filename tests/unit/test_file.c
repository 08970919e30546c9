/* file: bounded reads of the files a user names, refusal of devices and directories, capped lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "file.h"

static char *test_tmp_file(const char *text, off_t size)
{
	char *path = strdup("/tmp/kcon-test-file-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	if (size)
		assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
	return path;
}

static void test_file_read(void **state)
{
	(void)state;
	char *small = test_tmp_file("a=1\nb=2\n", 0), *exact = test_tmp_file("", (off_t)FILE_CONFIG_MAX),
	     *big = test_tmp_file("", (off_t)FILE_CONFIG_MAX + 1);
	char dir[] = "/tmp/kcon-test-dir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char fifo[64];
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char missing[64];
	snprintf(missing, sizeof(missing), "%s/none", dir);
	static const unsigned none = 0;
	const struct {
		const char *path;
		unsigned flags;
		int err;          /* 0: read */
		const char *want; /* in the cause */
	} cases[] = {
		{ small, none, 0, NULL },
		{ exact, none, 0, NULL },
		{ big, none, EFBIG, "is too big (1048577 bytes): kcon reads at most 1 MiB of it" },
		{ "/dev/zero", none, EINVAL, "/dev/zero: it is a device, not a file" },
		{ "/dev/zero", FILE_PIPE_OK, EINVAL, "it is a device" },
		{ dir, none, EINVAL, "it is a directory" },
		{ fifo, none, EINVAL, "it is a pipe" },
		{ fifo, FILE_PIPE_OK, 0, NULL }, /* nobody writes: empty, at once */
		{ missing, none, ENOENT, "no such file: check the path" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *cause = NULL;
		size_t len = 99;
		errno = 0;
		char *text = file_read(cases[i].path, "test file", FILE_CONFIG_MAX, cases[i].flags, &len, &cause);
		if (cases[i].err == 0) {
			if (text == NULL)
				fail_msg("case %zu: %s", i, cause);
		} else if (text || errno != cases[i].err || strstr(cause, cases[i].path) == NULL ||
			   strstr(cause, cases[i].want) == NULL) {
			fail_msg("case %zu: errno %d, %s", i, errno, cause ? cause : "(none)");
		}
		free(text);
		free(cause);
	}
	char *cause = NULL;
	size_t len;
	char *text = file_read(small, "test file", FILE_CONFIG_MAX, 0, &len, &cause);
	assert_string_equal(text, "a=1\nb=2\n");
	assert_int_equal(len, 8);
	free(text);
	text = file_read(exact, "test file", FILE_CONFIG_MAX, 0, &len, &cause);
	assert_int_equal(len, FILE_CONFIG_MAX);
	free(text);

	/* a pipe that goes on (as /dev/stdin or -F <(yes)) stops at the cap */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "0123456789", 10), 10);
	close(fds[1]);
	char dev[64];
	snprintf(dev, sizeof(dev), "/dev/fd/%d", fds[0]);
	assert_null(file_read(dev, "test file", 8, FILE_PIPE_OK, &len, &cause));
	assert_int_equal(errno, EFBIG);
	assert_non_null(strstr(cause, "at most 8 bytes"));
	free(cause);
	close(fds[0]);

	unlink(fifo);
	rmdir(dir);
	unlink(small), unlink(exact), unlink(big);
	free(small), free(exact), free(big);
}

static void test_file_getline(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	fputs("short\nexactly8\nthe third line is long\nlast", f);
	rewind(f);
	char *line = NULL;
	size_t cap = 0;
	assert_int_equal(file_getline(&line, &cap, f, 9), 6);
	assert_string_equal(line, "short\n");
	assert_int_equal(file_getline(&line, &cap, f, 9), 9);
	assert_string_equal(line, "exactly8\n");
	assert_int_equal(file_getline(&line, &cap, f, 9), -2);
	assert_int_equal(errno, EFBIG);
	fclose(f);

	f = tmpfile();
	fputs("one\nlast", f);
	rewind(f);
	assert_int_equal(file_getline(&line, &cap, f, 100), 4);
	assert_int_equal(file_getline(&line, &cap, f, 100), 4);
	assert_string_equal(line, "last");
	assert_int_equal(file_getline(&line, &cap, f, 100), -1);
	fclose(f);

	f = fopen("/dev/zero", "r"); /* a line that never ends */
	assert_int_equal(file_getline(&line, &cap, f, 1000), -2);
	assert_int_equal(errno, EFBIG);
	assert_true(cap <= 2048);
	fclose(f);
	free(line);
}

/* produce's records of stdin: any delimiter byte (NUL too), the same cap. */
static void test_file_getdelim(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	fwrite("a;bb;\0x\0ccc", 1, 11, f);
	rewind(f);
	char *rec = NULL;
	size_t cap = 0;
	assert_int_equal(file_getdelim(&rec, &cap, ';', f, 3), 2);
	assert_string_equal(rec, "a;");
	assert_int_equal(file_getdelim(&rec, &cap, ';', f, 3), 3);
	assert_string_equal(rec, "bb;");
	assert_int_equal(file_getdelim(&rec, &cap, '\0', f, 3), 1); /* the NUL ends the record */
	assert_int_equal(file_getdelim(&rec, &cap, '\0', f, 3), 2);
	assert_memory_equal(rec, "x", 2);
	assert_int_equal(file_getdelim(&rec, &cap, '\0', f, 3), 3);
	assert_string_equal(rec, "ccc");
	assert_int_equal(file_getdelim(&rec, &cap, '\0', f, 3), -1);
	fclose(f);

	f = fopen("/dev/zero", "r"); /* no ';' ever */
	assert_int_equal(file_getdelim(&rec, &cap, ';', f, 4096), -2);
	assert_int_equal(errno, EFBIG);
	assert_true(cap <= 8192);
	fclose(f);
	free(rec);
}

static void test_file_check_private(void **state)
{
	(void)state;
	static const struct {
		mode_t mode;
		bool warn;
	} cases[] = {
		{ 0600, false }, { 0640, false }, { 0400, false }, { 0644, true }, { 0604, true }, { 0666, true }
	};
	char *path = test_tmp_file("hunter2\n", 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(chmod(path, cases[i].mode), 0);
		char *w = file_check_private(path, "a password");
		if (cases[i].warn != (w != NULL) ||
		    (w && (strstr(w, path) == NULL || strstr(w, "chmod o-r") == NULL || strstr(w, "hunter2"))))
			fail_msg("mode %o: %s", (unsigned)cases[i].mode, w ? w : "(none)");
		free(w);
	}
	assert_null(file_check_private("/nonexistent/kcon", "a password"));
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_read),
		cmocka_unit_test(test_file_getline),
		cmocka_unit_test(test_file_getdelim),
		cmocka_unit_test(test_file_check_private),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
