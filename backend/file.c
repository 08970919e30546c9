#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbuf.h"
#include "xalloc.h"

const char *file_size_words(size_t n, char *buf, size_t size)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(buf, size, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, size, "%zu KiB", n >> 10);
	else
		snprintf(buf, size, "%zu bytes", n);
	return buf;
}

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISFIFO(m))
		return "a pipe";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

char *file_error(const char *path, const char *what, int err)
{
	switch (err) {
	case ENOENT:
		return x_asprintf("cannot read the %s %s: no such file: check the path", what, path);
	case EACCES:
	case EPERM:
		return x_asprintf("cannot read the %s %s: permission denied: check its owner and mode (ls -l %s)", what,
				  path, path);
	case EISDIR:
		return x_asprintf("cannot read the %s %s: it is a directory: name a file", what, path);
	default:
		return x_asprintf("cannot read the %s %s: %s: check the path and its permissions", what, path,
				  strerror(err));
	}
}

char *file_read(const char *path, const char *what, size_t max, unsigned flags, size_t *len, char **cause)
{
	char words[32];
	/* O_NONBLOCK: opening a FIFO nobody writes to must not hang */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int saved = errno;
		*cause = file_error(path, what, saved);
		errno = saved;
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int saved = errno;
		*cause = file_error(path, what, saved);
		close(fd);
		errno = saved;
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !((flags & FILE_PIPE_OK) && S_ISFIFO(st.st_mode))) {
		*cause = x_asprintf("cannot read the %s %s: it is %s, not a file: name a regular file", what, path,
				    file_kind(st.st_mode));
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
		*cause = x_asprintf("the %s %s is too big (%jd bytes): kcon reads at most %s of it", what, path,
				    (intmax_t)st.st_size, file_size_words(max, words, sizeof(words)));
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			*cause = file_error(path, what, saved);
			errno = saved;
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - sb.len) { /* it grew, or a pipe that goes on */
			*cause = x_asprintf("the %s %s is too big: kcon reads at most %s of it", what, path,
					    file_size_words(max, words, sizeof(words)));
			errno = EFBIG;
			rc = -1;
			break;
		}
		sbuf_addn(&sb, buf, (size_t)n);
	}
	int saved = errno;
	close(fd);
	if (rc < 0) {
		sbuf_free(&sb);
		errno = saved;
		return NULL;
	}
	if (len)
		*len = sb.len;
	return sbuf_release(&sb);
}

ssize_t file_getdelim(char **line, size_t *cap, int delim, FILE *f, size_t max)
{
	size_t n = 0;
	ssize_t rc = 0;
	int c;
	flockfile(f); /* one lock, then a byte at a time without one: produce reads stdin through here */
	while ((c = getc_unlocked(f)) != EOF) {
		if (n >= max) {
			errno = EFBIG;
			rc = -2;
			break;
		}
		if (n + 2 > *cap) {
			size_t want = *cap ? *cap * 2 : 128;
			*line = x_reallocarray(*line, want, 1);
			*cap = want;
		}
		(*line)[n++] = (char)c;
		if (c == (unsigned char)delim)
			break;
	}
	if (rc == 0 && c == EOF && ferror(f))
		rc = -2;
	funlockfile(f);
	if (rc < 0)
		return rc;
	if (n == 0)
		return -1;
	(*line)[n] = '\0';
	return (ssize_t)n;
}

ssize_t file_getline(char **line, size_t *cap, FILE *f, size_t max)
{
	return file_getdelim(line, cap, '\n', f, max);
}

char *file_check_private(const char *path, const char *what)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IROTH))
		return NULL;
	return x_asprintf("%s holds %s and every user of this machine may read it (mode %04o): chmod o-r %s", path,
			  what, (unsigned)(st.st_mode & 07777), path);
}
