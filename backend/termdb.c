#include "termdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbuf.h"
#include "xalloc.h"

const struct termdb_entry *termdb_find(const char *name)
{
	for (const struct termdb_entry *e = termdb_entries; name && e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static bool termdb_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

const struct termdb_entry *termdb_nearest(const char *term)
{
	const struct termdb_entry *e = termdb_find(term);
	if (e || term == NULL)
		return e ? e : termdb_find("xterm");
	bool colors256 = strstr(term, "256") != NULL || strstr(term, "direct") != NULL;
	const char *name = colors256 ? "xterm-256color" : "xterm";
	if (termdb_prefix(term, "screen"))
		name = colors256 ? "screen-256color" : "screen";
	else if (termdb_prefix(term, "tmux"))
		name = colors256 ? "tmux-256color" : "screen";
	else if (termdb_prefix(term, "linux") || termdb_prefix(term, "con"))
		name = "linux";
	else if (termdb_prefix(term, "vt") && !colors256)
		name = "vt100";
	e = termdb_find(name);
	return e ? e : termdb_find("xterm");
}

char *termdb_hex(const struct termdb_entry *e)
{
	static const char digits[] = "0123456789abcdef";
	char *s = x_malloc(4 + 2 * e->len + 1), *p = s + 4;
	memcpy(s, "hex:", 4);
	for (size_t i = 0; i < e->len; i++) {
		*p++ = digits[e->data[i] >> 4];
		*p++ = digits[e->data[i] & 15];
	}
	*p = '\0';
	return s;
}

static int termdb_write(const char *path, const struct termdb_entry *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < e->len) {
		ssize_t n = write(fd, e->data + done, e->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;
			close(fd);
			errno = err;
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

/* A new private directory in $TMPDIR, else /tmp, else /dev/shm (a pod's root may be read-only). */
static char *termdb_mkdtemp(char **cause)
{
	const char *tmp = getenv("TMPDIR");
	const char *places[] = { tmp && *tmp == '/' ? tmp : NULL, "/tmp", "/dev/shm" };
	struct sbuf tried = SBUF_INIT;
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		if (places[i] == NULL)
			continue;
		char *dir = x_asprintf("%s/kcon-terminfo-XXXXXX", places[i]);
		if (mkdtemp(dir)) {
			sbuf_free(&tried);
			return dir;
		}
		sbuf_addf(&tried, "%s%s: %s", tried.len ? "; " : "", places[i], strerror(errno));
		free(dir);
	}
	*cause = x_asprintf("cannot create a directory for it (%s): set TMPDIR to a writable directory",
			    sbuf_str(&tried));
	sbuf_free(&tried);
	return NULL;
}

char *termdb_install(const struct termdb_entry *e, char **cause)
{
	char *dir = termdb_mkdtemp(cause);
	if (dir == NULL)
		return NULL;
	char *sub = x_asprintf("%s/%c", dir, e->name[0]), *path = x_asprintf("%s/%s", sub, e->name);
	if (mkdir(sub, 0700) < 0 || termdb_write(path, e) < 0) {
		*cause = x_asprintf("cannot write it to %s: %s: set TMPDIR to a writable directory", path,
				    strerror(errno));
		termdb_remove(dir);
		x_free(&dir);
	}
	free(path);
	free(sub);
	return dir;
}

void termdb_remove(const char *dir)
{
	if (dir == NULL)
		return;
	for (const struct termdb_entry *e = termdb_entries; e->name; e++) {
		char *sub = x_asprintf("%s/%c", dir, e->name[0]), *path = x_asprintf("%s/%s", sub, e->name);
		unlink(path);
		rmdir(sub);
		free(path);
		free(sub);
	}
	rmdir(dir);
}
