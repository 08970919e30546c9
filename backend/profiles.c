#include "profiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "file.h"
#include "xalloc.h"

int profiles_read(const char *path, json_t **root, char **cause)
{
	*root = NULL;
	size_t len;
	char *text = file_read(path, "config file", FILE_CONFIG_MAX, 0, &len, cause);
	if (text == NULL) {
		if (errno != ENOENT)
			return -1;
		free(*cause);
		*cause = NULL;
		*root = json_object();
		return 0;
	}
	json_error_t jerr;
	json_t *o = json_loadb(text, len, 0, &jerr);
	free(text);
	if (o == NULL) {
		/* jansson's message without its "near '...'", which would quote the file */
		const char *near = strstr(jerr.text, " near ");
		int n = near ? (int)(near - jerr.text) : (int)strlen(jerr.text);
		*cause = x_asprintf("%s:%d:%d: %.*s: fix the JSON first; the file was not changed", path, jerr.line,
				    jerr.column, n, jerr.text);
		return -1;
	}
	const json_t *p = json_object_get(o, "profiles");
	if (!json_is_object(o) || (p && !json_is_object(p))) {
		*cause = x_asprintf("%s: %s must be a JSON object: fix it first (docs/configuration.md shows the "
				    "format); the file was not changed",
				    path, json_is_object(o) ? "\"profiles\"" : "the file");
		json_decref(o);
		return -1;
	}
	*root = o;
	return 0;
}

/* mkdir -p for the config file's folder, new folders 0700 (they will hold credentials' paths). */
static int profiles_mkdirs(const char *dir, char **cause)
{
	char *d = x_strdup(dir);
	for (char *p = d + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(d, 0700) < 0 && errno != EEXIST) {
			*cause = file_error(d, "config folder", errno);
			free(d);
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return 0;
}

static int profiles_write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int profiles_write(const char *path, const json_t *root, char **cause)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? x_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : x_strdup(".");
	char *tmp = x_asprintf("%s.XXXXXX", path);
	char *text = NULL;
	int fd = -1, rc = -1;
	if (profiles_mkdirs(dir, cause) < 0)
		goto out;
	fd = mkstemp(tmp); /* 0600, in the same folder: rename() replaces path in one step */
	if (fd < 0) {
		*cause = file_error(tmp, "temporary config file", errno);
		goto out;
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		*cause = x_strdup("the config could not be turned into JSON (out of memory?)");
		goto fail;
	}
	if (fchmod(fd, 0600) < 0 || profiles_write_all(fd, text, strlen(text)) < 0 ||
	    profiles_write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
		*cause = x_asprintf("cannot write %s: %s: check the free space and the folder's mode; %s was not "
				    "changed",
				    tmp, strerror(errno), path);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		*cause = x_asprintf("cannot write %s: %s; %s was not changed", tmp, strerror(errno), path);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		*cause = x_asprintf("cannot replace %s: %s; it was not changed", path, strerror(errno));
		goto fail;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) { /* the rename itself on disk */
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(text);
	free(tmp);
	free(dir);
	return rc;
}

bool profiles_name_ok(const char *name, char **cause)
{
	size_t n = strlen(name);
	if (n == 0 || n > PROFILES_NAME_MAX) {
		*cause = x_asprintf("a profile name has 1 to %d characters, not %zu", PROFILES_NAME_MAX, n);
		return false;
	}
	if (name[0] == '-' || name[0] == '.') {
		*cause = x_strdup("a profile name starts with a letter, a digit or '_'");
		return false;
	}
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			  c == '_' || c == '-';
		if (!ok) {
			*cause = x_asprintf("a profile name holds letters, digits, '.', '_' and '-' only, not the "
					    "byte 0x%02x at %zu",
					    c, (size_t)(p - name) + 1);
			return false;
		}
	}
	return true;
}

static bool profiles_is_file_field(const char *key)
{
	size_t n = strlen(key);
	return n > 5 && strcmp(key + n - 5, "_file") == 0;
}

static json_t *profiles_redact(const json_t *v)
{
	if (!json_is_object(v))
		return json_deep_copy(v);
	json_t *o = json_object();
	const char *k;
	json_t *m;
	json_object_foreach((json_t *)v, k, m)
	{
		if (conf_is_secret(k) && !profiles_is_file_field(k))
			json_object_set_new(o, k, json_string("set"));
		else
			json_object_set_new(o, k, profiles_redact(m));
	}
	return o;
}

json_t *profiles_redacted(const json_t *profile)
{
	return profiles_redact(profile);
}

/* A member whose key names a secret, at any depth. */
static bool profiles_has_secret(const json_t *v)
{
	const char *k;
	json_t *m;
	json_object_foreach((json_t *)v, k, m)
	{
		if ((conf_is_secret(k) && !profiles_is_file_field(k)) || profiles_has_secret(m))
			return true;
	}
	return false;
}

const char *profiles_secret_state(const json_t *profile)
{
	if (!json_is_object(profile))
		return NULL;
	if (json_object_get(profile, "password_file") || json_object_get(profile, "key") ||
	    profiles_has_secret(profile))
		return "set";
	return NULL;
}

char **profiles_names(const char *path)
{
	json_t *root;
	char *cause = NULL;
	if (profiles_read(path, &root, &cause) < 0) {
		free(cause);
		return NULL;
	}
	json_t *profiles = json_object_get(root, "profiles");
	char **names = x_calloc(json_object_size(profiles) + 1, sizeof(char *));
	size_t n = 0;
	const char *k;
	json_t *v;
	json_object_foreach(profiles, k, v)
	{
		if (profiles_name_ok(k, &cause))
			names[n++] = x_strdup(k);
		else
			x_free(&cause);
	}
	json_decref(root);
	return names;
}
