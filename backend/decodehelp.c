#include "decodehelp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kcon-plugin.h"
#include "plugin.h"
#include "xalloc.h"

extern char **environ;

#define DH_NAME_MAX   256u
#define DH_SCHEMA_MAX (16u << 20)
#define DH_BYTES_MAX  (64u << 20)
#define DH_SENT       0xffffffffu /* the schema's length when the helper has it already */

static pthread_mutex_t dh_lock = PTHREAD_MUTEX_INITIALIZER;
static char *dh_exe;
static pid_t dh_pid = -1;
static int dh_wfd = -1, dh_rfd = -1;
static int64_t *dh_sent; /* schema ids the running helper has */
static size_t dh_nsent;
static int64_t dh_crashes[DECODEHELP_MAX_CRASHES];
static int dh_ncrashes;
static bool dh_off;

static int64_t dh_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void decodehelp_enable(const char *exe)
{
	pthread_mutex_lock(&dh_lock);
	free(dh_exe);
	dh_exe = x_strdup(exe);
	pthread_mutex_unlock(&dh_lock);
}

bool decodehelp_enabled(void)
{
	pthread_mutex_lock(&dh_lock);
	bool on = dh_exe != NULL;
	pthread_mutex_unlock(&dh_lock);
	return on;
}

/* --- I/O ---------------------------------------------------------------------------------- */

static int dh_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* Reads len bytes; with a deadline (deadline_ms > 0, monotonic) polls first. -1 at EOF or error, -2 past the deadline.
 */
static int dh_read_all(int fd, void *buf, size_t len, int64_t deadline_ms)
{
	char *p = buf;
	while (len > 0) {
		if (deadline_ms > 0) {
			int64_t left = deadline_ms - dh_now_ms();
			if (left <= 0)
				return -2;
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int r = poll(&pfd, 1, (int)left);
			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0)
				return -2;
			if (r < 0)
				return -1;
		}
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

static void dh_put_u32(struct sbuf *sb, uint32_t v)
{
	sbuf_addn(sb, &v, sizeof(v)); /* the same machine at both ends */
}

/* --- kcon's side -------------------------------------------------------------------------- */

static void dh_close_locked(bool kill_it, int *status)
{
	if (dh_wfd >= 0)
		close(dh_wfd);
	if (dh_rfd >= 0)
		close(dh_rfd);
	dh_wfd = dh_rfd = -1;
	*status = 0;
	if (dh_pid > 0) {
		if (kill_it)
			kill(dh_pid, SIGKILL);
		while (waitpid(dh_pid, status, 0) < 0 && errno == EINTR)
			;
	}
	dh_pid = -1;
	free(dh_sent);
	dh_sent = NULL;
	dh_nsent = 0;
}

/*
 * The helper's environment: only what decoders and the runtime may need (locale, paths, kcon's plugin
 * path, sanitizer settings), never kcon's secrets nor anything else the user's shell carried.
 */
static char **dh_environ(void)
{
	static const char *const keep[] = { "PATH=",
					    "HOME=",
					    "LANG=",
					    "LC_",
					    "TZ=",
					    "TMPDIR=",
					    "XDG_DATA_HOME=",
					    "KCON_PLUGIN_PATH=",
					    "KCON_CORE_DUMPS=",
					    "LD_LIBRARY_PATH=",
					    "ASAN_OPTIONS=",
					    "UBSAN_OPTIONS=",
					    "LSAN_OPTIONS=" };
	size_t n = 0;
	for (char **e = environ; *e; e++)
		n++;
	char **env = x_calloc(n + 1, sizeof(*env));
	n = 0;
	for (char **e = environ; *e; e++)
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			if (strncmp(*e, keep[i], strlen(keep[i])) == 0) {
				env[n++] = *e;
				break;
			}
	return env;
}

static int dh_start_locked(char **cause)
{
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) < 0) {
		*cause = x_asprintf("cannot start the decoder helper: %s", strerror(errno));
		return -1;
	}
	if (pipe2(out, O_CLOEXEC) < 0) {
		*cause = x_asprintf("cannot start the decoder helper: %s", strerror(errno));
		close(in[0]), close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	/* its stderr is not the terminal the TUI draws on (a sanitizer's report, a crash note) */
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* nor any other of kcon's descriptors: librdkafka's and the faces' pipes, the store, sockets */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif /* else only the descriptors kcon opens close-on-exec stay out */
	char *argv[] = { dh_exe, (char *)DECODEHELP_ARG, NULL };
	char **env = dh_environ();
	pid_t pid;
	int rc = posix_spawn(&pid, dh_exe, &fa, NULL, argv, env);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		close(in[1]);
		close(out[0]);
		*cause = x_asprintf("cannot start the decoder helper %s: %s", dh_exe, strerror(rc));
		return -1;
	}
	dh_pid = pid, dh_wfd = in[1], dh_rfd = out[0];
	return 0;
}

/* The helper ended or hung on a message of decoder name: why, and whether decoding stays on. */
static char *dh_crashed_locked(const char *name, bool hung)
{
	int status;
	dh_close_locked(hung, &status);
	int64_t now = dh_now_ms();
	int recent = 0;
	for (int i = 0; i < dh_ncrashes; i++)
		recent += now - dh_crashes[i] < 60000;
	if (dh_ncrashes < DECODEHELP_MAX_CRASHES)
		dh_crashes[dh_ncrashes++] = now;
	else {
		memmove(dh_crashes, dh_crashes + 1, sizeof(dh_crashes[0]) * (DECODEHELP_MAX_CRASHES - 1));
		dh_crashes[DECODEHELP_MAX_CRASHES - 1] = now;
	}
	recent++;
	if (recent >= DECODEHELP_MAX_CRASHES)
		dh_off = true;
	char *what = hung ? x_asprintf("did not answer within %d ms and was stopped", DECODEHELP_DEADLINE_MS)
		     : WIFSIGNALED(status)
			     ? x_asprintf("crashed (signal %d, %s)", WTERMSIG(status), strsignal(WTERMSIG(status)))
			     : x_asprintf("died (exit status %d)", WEXITSTATUS(status));
	char *msg = x_asprintf("the decoder `%s` %s on this message%s", name, what,
			       dh_off ? "; after 3 crashes within a minute, decoding is off for this session"
				      : "; its helper process starts again for the next one");
	free(what);
	return msg;
}

int decodehelp_decode(const char *name, int64_t schema_id, const char *type, const char *schema, const void *buf,
		      size_t len, struct sbuf *out)
{
	sbuf_reset(out);
	if (len > DH_BYTES_MAX) {
		sbuf_addf(out, "a value over %u MiB is not decoded", DH_BYTES_MAX >> 20);
		return KCON_DECODE_ERROR;
	}
	pthread_mutex_lock(&dh_lock);
	if (dh_off) {
		pthread_mutex_unlock(&dh_lock);
		sbuf_add(out, "decoding is off for this session: the decoder helper crashed 3 times within a minute");
		return KCON_DECODE_ERROR;
	}
	char *cause = NULL;
	if (dh_pid < 0 && dh_start_locked(&cause) < 0) {
		pthread_mutex_unlock(&dh_lock);
		sbuf_add(out, cause);
		free(cause);
		return KCON_DECODE_ERROR;
	}
	bool sent = schema == NULL;
	for (size_t i = 0; i < dh_nsent && !sent; i++)
		sent = dh_sent[i] == schema_id;
	struct sbuf req = SBUF_INIT;
	size_t nlen = strlen(name);
	dh_put_u32(&req, (uint32_t)nlen);
	sbuf_addn(&req, name, nlen);
	sbuf_addn(&req, &schema_id, sizeof(schema_id));
	if (sent) {
		dh_put_u32(&req, DH_SENT);
	} else {
		size_t tl = strlen(type), sl = strlen(schema);
		dh_put_u32(&req, (uint32_t)tl);
		sbuf_addn(&req, type, tl);
		dh_put_u32(&req, (uint32_t)sl);
		sbuf_addn(&req, schema, sl);
	}
	dh_put_u32(&req, (uint32_t)len);
	sbuf_addn(&req, buf, len);
	int rc = KCON_DECODE_ERROR;
	int64_t deadline = dh_now_ms() + DECODEHELP_DEADLINE_MS;
	int32_t result;
	uint32_t tlen;
	int r = dh_write_all(dh_wfd, req.buf, req.len) < 0 ? -1 : 0;
	if (r == 0)
		r = dh_read_all(dh_rfd, &result, sizeof(result), deadline);
	if (r == 0)
		r = dh_read_all(dh_rfd, &tlen, sizeof(tlen), deadline);
	if (r == 0 && tlen > DH_BYTES_MAX * 4u)
		r = -1;
	if (r == 0) {
		sbuf_pad(out, '\0', tlen);
		r = dh_read_all(dh_rfd, out->buf, tlen, deadline);
	}
	if (r == 0) {
		rc = result;
		if (!sent && *type) { /* a failure (empty type) is sent again: it may be different next time */
			dh_sent = x_reallocarray(dh_sent, dh_nsent + 1, sizeof(*dh_sent));
			dh_sent[dh_nsent++] = schema_id;
		}
	} else {
		char *why = dh_crashed_locked(name, r == -2);
		sbuf_reset(out);
		sbuf_add(out, why);
		free(why);
	}
	pthread_mutex_unlock(&dh_lock);
	sbuf_free(&req);
	return rc;
}

void decodehelp_stop(void)
{
	pthread_mutex_lock(&dh_lock);
	int status;
	if (dh_pid > 0)
		dh_close_locked(true,
				&status); /* it holds nothing to keep, and a hung decoder must not hold up the exit */
	pthread_mutex_unlock(&dh_lock);
}

/* --- the helper's side -------------------------------------------------------------------- */

struct dh_schema {
	int64_t id;
	char *type, *schema;
};
static struct dh_schema *dh_schemas;
static size_t dh_nschemas;

static int dh_schema_source(void *ud, uint32_t id, const char **type, const char **schema, char **cause)
{
	(void)ud;
	for (size_t i = 0; i < dh_nschemas; i++)
		if (dh_schemas[i].id == (int64_t)id) {
			if (*dh_schemas[i].type == '\0') { /* kcon could not get it: why */
				*cause = x_strdup(dh_schemas[i].schema);
				return -1;
			}
			*type = dh_schemas[i].type, *schema = dh_schemas[i].schema;
			return 0;
		}
	*cause = x_asprintf("schema id %u: not known to the decoder helper (kcon sends the record's own schema only)",
			    (unsigned)id);
	return -1;
}

static char *dh_read_str(uint32_t len)
{
	char *s = malloc((size_t)len + 1);
	if (s == NULL || dh_read_all(0, s, len, 0) < 0) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

int decodehelp_serve(void)
{
	plugin_load_all();
	plugin_set_schema_source(dh_schema_source, NULL);
	struct sbuf text = SBUF_INIT;
	for (;;) {
		uint32_t nlen, tl, blen;
		int64_t id;
		if (dh_read_all(0, &nlen, sizeof(nlen), 0) < 0)
			break; /* kcon closed the pipe: done */
		char *name = nlen <= DH_NAME_MAX ? dh_read_str(nlen) : NULL;
		if (name == NULL || dh_read_all(0, &id, sizeof(id), 0) < 0 || dh_read_all(0, &tl, sizeof(tl), 0) < 0)
			return 2;
		if (tl != DH_SENT) {
			uint32_t sl;
			char *type = tl <= DH_NAME_MAX ? dh_read_str(tl) : NULL, *schema = NULL;
			if (type == NULL || dh_read_all(0, &sl, sizeof(sl), 0) < 0 || sl > DH_SCHEMA_MAX ||
			    (schema = dh_read_str(sl)) == NULL)
				return 2;
			size_t i = 0;
			while (i < dh_nschemas && dh_schemas[i].id != id)
				i++;
			if (i == dh_nschemas) /* new; else it replaces what was sent (why kcon had none) */
				dh_schemas = x_reallocarray(dh_schemas, ++dh_nschemas, sizeof(*dh_schemas));
			else
				free(dh_schemas[i].type), free(dh_schemas[i].schema);
			dh_schemas[i] = (struct dh_schema){ id, type, schema };
		}
		if (dh_read_all(0, &blen, sizeof(blen), 0) < 0 || blen > DH_BYTES_MAX)
			return 2;
		char *bytes = dh_read_str(blen);
		if (bytes == NULL)
			return 2;
		const struct kcon_decoder *d = plugin_decoder_find(name);
		int32_t rc;
		if (d == NULL) {
			sbuf_reset(&text);
			sbuf_addf(&text, "the decoder helper has no decoder `%s`", name);
			rc = KCON_DECODE_ERROR;
		} else {
			rc = plugin_decode(d, bytes, blen, &text);
		}
		uint32_t tlen = (uint32_t)text.len;
		if (dh_write_all(1, &rc, sizeof(rc)) < 0 || dh_write_all(1, &tlen, sizeof(tlen)) < 0 ||
		    dh_write_all(1, text.buf ? text.buf : "", text.len) < 0)
			return 2;
		free(name);
		free(bytes);
	}
	sbuf_free(&text);
	plugin_set_schema_source(NULL, NULL);
	for (size_t i = 0; i < dh_nschemas; i++) {
		free(dh_schemas[i].type);
		free(dh_schemas[i].schema);
	}
	free(dh_schemas);
	plugin_unload_all();
	return 0;
}
