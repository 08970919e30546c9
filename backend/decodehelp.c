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

#define DH_NAME_MAX      256u
#define DH_SCHEMA_MAX    (16u << 20)
#define DH_BYTES_MAX     (64u << 20)
#define DH_SENT          0xffffffffu /* the schema's length when the helper has it already */
#define DH_REQUEST_BYTES (1u << 20)  /* a request holds values up to this size in all (one at least) */

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

/* A pipe read through a buffer: many small fields, few system calls. */
struct dh_in {
	int fd;
	size_t pos, len;
	char buf[64 * 1024];
};

static struct dh_in dh_from = { .fd = -1 }; /* kcon's side: the helper's answers */
static struct dh_in dh_stdin;               /* the helper's side: kcon's requests */

static _Thread_local const atomic_bool *dh_stop; /* decodehelp_decode_many()'s stop, while it runs */

/*
 * Waits until in's descriptor is readable; 0, -1 on error, -2 past the deadline (deadline_ms > 0,
 * monotonic), -3 once *dh_stop is true (looked at every 100 ms).
 */
static int dh_wait(const struct dh_in *in, int64_t deadline_ms)
{
	for (;;) {
		if (deadline_ms <= 0)
			return 0;
		if (dh_stop && atomic_load(dh_stop))
			return -3;
		int64_t left = deadline_ms - dh_now_ms();
		if (left <= 0)
			return -2;
		struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
		int r = poll(&pfd, 1, dh_stop && left > 100 ? 100 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && dh_stop && left > 100)
			continue;
		return r == 0 ? -2 : r < 0 ? -1 : 0;
	}
}

/* Reads len bytes; with a deadline (deadline_ms > 0, monotonic) polls first. -1 at EOF or error, -2 past the deadline.
 */
static int dh_read_all(struct dh_in *in, void *buf, size_t len, int64_t deadline_ms)
{
	char *p = buf;
	while (len > 0) {
		if (in->pos < in->len) {
			size_t n = in->len - in->pos < len ? in->len - in->pos : len;
			memcpy(p, in->buf + in->pos, n);
			in->pos += n, p += n, len -= n;
			continue;
		}
		int w = dh_wait(in, deadline_ms);
		if (w < 0)
			return w;
		bool direct = len >= sizeof(in->buf); /* a large value: straight into place */
		ssize_t n = read(in->fd, direct ? p : in->buf, direct ? len : sizeof(in->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (direct)
			p += n, len -= (size_t)n;
		else
			in->pos = 0, in->len = (size_t)n;
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
	dh_from = (struct dh_in){ .fd = dh_rfd };
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

/* Why item i gets no answer: decoding is off, or the helper cannot start (cause). */
static void dh_fail(struct decodehelp_item *it, const char *why)
{
	sbuf_reset(it->out);
	sbuf_add(it->out, why);
	it->rc = KCON_DECODE_ERROR;
}

/* Adds item it to the request; with its schema unless the helper has it or this request carries it. */
static void dh_put_item(struct sbuf *req, const struct decodehelp_item *it)
{
	bool sent = it->schema == NULL;
	for (size_t i = 0; i < dh_nsent && !sent; i++)
		sent = dh_sent[i] == it->schema_id;
	size_t nlen = strlen(it->name);
	dh_put_u32(req, (uint32_t)nlen);
	sbuf_addn(req, it->name, nlen);
	sbuf_addn(req, &it->schema_id, sizeof(it->schema_id));
	if (sent) {
		dh_put_u32(req, DH_SENT);
	} else {
		size_t tl = strlen(it->type), sl = strlen(it->schema);
		dh_put_u32(req, (uint32_t)tl);
		sbuf_addn(req, it->type, tl);
		dh_put_u32(req, (uint32_t)sl);
		sbuf_addn(req, it->schema, sl);
		/* the helper keeps it once it has read the request; a crash forgets the list (dh_close_locked).
		 * A failure (empty type) is sent again: it may be different next time. */
		if (*it->type) {
			dh_sent = x_reallocarray(dh_sent, dh_nsent + 1, sizeof(*dh_sent));
			dh_sent[dh_nsent++] = it->schema_id;
		}
	}
	dh_put_u32(req, (uint32_t)it->len);
	sbuf_addn(req, it->buf, it->len);
}

/* Reads one answer into it, waiting at most DECODEHELP_DEADLINE_MS; 0, -1 (the helper ended), -2 (it hung) or -3
 * (stopped). */
static int dh_read_answer(struct decodehelp_item *it)
{
	int64_t deadline = dh_now_ms() + DECODEHELP_DEADLINE_MS;
	int32_t result;
	uint32_t tlen;
	sbuf_reset(it->out);
	int r = dh_read_all(&dh_from, &result, sizeof(result), deadline);
	if (r == 0)
		r = dh_read_all(&dh_from, &tlen, sizeof(tlen), deadline);
	if (r == 0 && tlen > DH_BYTES_MAX * 4u)
		r = -1;
	if (r == 0) {
		sbuf_pad(it->out, '\0', tlen);
		r = dh_read_all(&dh_from, it->out->buf, tlen, deadline);
	}
	if (r == 0)
		it->rc = result;
	return r;
}

/* The bytes item it adds to a request (dh_put_item()), its schema counted unless the helper has it. */
static size_t dh_item_bytes(const struct decodehelp_item *it)
{
	size_t bytes = 4 + strlen(it->name) + sizeof(it->schema_id) + 4 + 4 + it->len;
	bool sent = it->schema == NULL;
	for (size_t i = 0; i < dh_nsent && !sent; i++)
		sent = dh_sent[i] == it->schema_id;
	if (!sent)
		bytes += 4 + strlen(it->type) + strlen(it->schema);
	return bytes;
}

void decodehelp_decode_many(struct decodehelp_item *items, size_t n, const atomic_bool *stop)
{
	struct sbuf req = SBUF_INIT;
	size_t *sent = x_calloc(n + 1, sizeof(*sent)); /* the items of one request, in order */
	size_t i = 0;
	bool restarted = false; /* the helper was started again after a failed write, for this request */
	pthread_mutex_lock(&dh_lock);
	dh_stop = stop;
	while (i < n) {
		char *cause = NULL;
		if (stop && atomic_load(stop)) {
			for (; i < n; i++)
				dh_fail(&items[i], "stopped before it was decoded");
			break;
		}
		if (dh_off) {
			for (; i < n; i++)
				dh_fail(&items[i],
					"decoding is off for this session: the decoder helper crashed 3 times "
					"within a minute");
			break;
		}
		if (dh_pid < 0 && dh_start_locked(&cause) < 0) {
			for (; i < n; i++)
				dh_fail(&items[i], cause);
			free(cause);
			break;
		}
		/* One request: up to DECODEHELP_BATCH values or DH_REQUEST_BYTES (at least one value) */
		sbuf_reset(&req);
		dh_put_u32(&req, 0); /* the count, filled in below */
		uint32_t count = 0;
		for (; i < n && count < DECODEHELP_BATCH &&
		       (count == 0 || req.len + dh_item_bytes(&items[i]) < DH_REQUEST_BYTES);
		     i++) {
			if (items[i].len > DH_BYTES_MAX) {
				sbuf_reset(items[i].out);
				sbuf_addf(items[i].out, "a value over %u MiB is not decoded", DH_BYTES_MAX >> 20);
				items[i].rc = KCON_DECODE_ERROR;
				continue;
			}
			dh_put_item(&req, &items[i]);
			sent[count++] = i;
		}
		if (count == 0)
			continue;
		memcpy(req.buf, &count, sizeof(count));
		/* The helper reads the whole request before it answers: the two pipes never both fill. */
		if (dh_write_all(dh_wfd, req.buf, req.len) < 0 && !restarted) {
			/* It died before it read this request (since the last one): no value's fault. Once
			 * more with a new helper; a new one that dies too is blamed on the first value. */
			int status;
			dh_close_locked(true, &status);
			restarted = true;
			i = sent[0];
			continue;
		}
		restarted = false;
		int r = 0;
		uint32_t k = 0;
		for (; r == 0 && k < count; k++)
			r = dh_read_answer(&items[sent[k]]);
		if (r == -3) { /* stopped mid-request: the helper is stopped too, not counted as a crash */
			int status;
			dh_close_locked(true, &status);
			i = sent[k - 1];
			continue;
		}
		if (r != 0) { /* the helper ended or hung on value k: that one fails, the rest go to a new helper */
			if (k > 0)
				k--;
			struct decodehelp_item *it = &items[sent[k]];
			char *why = dh_crashed_locked(it->name, r == -2);
			dh_fail(it, why);
			free(why);
			i = sent[k] + 1;
		}
	}
	dh_stop = NULL;
	pthread_mutex_unlock(&dh_lock);
	free(sent);
	sbuf_free(&req);
}

int decodehelp_decode(const char *name, int64_t schema_id, const char *type, const char *schema, const void *buf,
		      size_t len, struct sbuf *out)
{
	struct decodehelp_item it = {
		.name = name, .schema_id = schema_id, .type = type, .schema = schema, .buf = buf, .len = len, .out = out
	};
	decodehelp_decode_many(&it, 1, NULL);
	return it.rc;
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
	if (s == NULL || dh_read_all(&dh_stdin, s, len, 0) < 0) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

/* One value of a request, as the helper read it. */
struct dh_value {
	char *name, *bytes;
	uint32_t len;
};

/* Reads one value of a request (its schema kept in dh_schemas); 0, or -1 when the request is malformed. */
static int dh_read_value(struct dh_value *v)
{
	uint32_t nlen, tl;
	int64_t id;
	if (dh_read_all(&dh_stdin, &nlen, sizeof(nlen), 0) < 0 || nlen > DH_NAME_MAX ||
	    (v->name = dh_read_str(nlen)) == NULL || dh_read_all(&dh_stdin, &id, sizeof(id), 0) < 0 ||
	    dh_read_all(&dh_stdin, &tl, sizeof(tl), 0) < 0)
		return -1;
	if (tl != DH_SENT) {
		uint32_t sl;
		char *type = tl <= DH_NAME_MAX ? dh_read_str(tl) : NULL, *schema = NULL;
		if (type == NULL || dh_read_all(&dh_stdin, &sl, sizeof(sl), 0) < 0 || sl > DH_SCHEMA_MAX ||
		    (schema = dh_read_str(sl)) == NULL) {
			free(type);
			return -1;
		}
		size_t i = 0;
		while (i < dh_nschemas && dh_schemas[i].id != id)
			i++;
		if (i == dh_nschemas) /* new; else it replaces what was sent (why kcon had none) */
			dh_schemas = x_reallocarray(dh_schemas, ++dh_nschemas, sizeof(*dh_schemas));
		else
			free(dh_schemas[i].type), free(dh_schemas[i].schema);
		dh_schemas[i] = (struct dh_schema){ id, type, schema };
	}
	if (dh_read_all(&dh_stdin, &v->len, sizeof(v->len), 0) < 0 || v->len > DH_BYTES_MAX ||
	    (v->bytes = dh_read_str(v->len)) == NULL)
		return -1;
	return 0;
}

int decodehelp_serve(void)
{
	plugin_load_all();
	plugin_set_schema_source(dh_schema_source, NULL);
	dh_stdin = (struct dh_in){ .fd = 0 };
	struct sbuf text = SBUF_INIT, answer = SBUF_INIT;
	struct dh_value *values = x_calloc(DECODEHELP_BATCH, sizeof(*values));
	int status = 0;
	for (;;) {
		uint32_t count;
		if (dh_read_all(&dh_stdin, &count, sizeof(count), 0) < 0)
			break; /* kcon closed the pipe: done */
		if (count == 0 || count > DECODEHELP_BATCH) {
			status = 2;
			break;
		}
		/* the whole request first: kcon writes it all before it reads an answer */
		uint32_t got = 0;
		while (got < count && dh_read_value(&values[got]) == 0)
			got++;
		for (uint32_t i = 0; status == 0 && i < count; i++) {
			if (got < count) { /* malformed: nothing is answered */
				status = 2;
				break;
			}
			const struct kcon_decoder *d = plugin_decoder_find(values[i].name);
			int32_t rc;
			if (d == NULL) {
				sbuf_reset(&text);
				sbuf_addf(&text, "the decoder helper has no decoder `%s`", values[i].name);
				rc = KCON_DECODE_ERROR;
			} else {
				rc = plugin_decode(d, values[i].bytes, values[i].len, &text);
			}
			/* each answer as soon as it is made: a crash on the next value leaves this one answered */
			sbuf_reset(&answer);
			sbuf_addn(&answer, &rc, sizeof(rc));
			dh_put_u32(&answer, (uint32_t)text.len);
			sbuf_addn(&answer, text.buf ? text.buf : "", text.len);
			if (dh_write_all(1, answer.buf, answer.len) < 0)
				status = 2;
		}
		for (uint32_t i = 0; i < count; i++) {
			free(values[i].name);
			free(values[i].bytes);
			values[i] = (struct dh_value){ 0 };
		}
		if (status)
			break;
	}
	free(values);
	sbuf_free(&answer);
	sbuf_free(&text);
	plugin_set_schema_source(NULL, NULL);
	for (size_t i = 0; i < dh_nschemas; i++) {
		free(dh_schemas[i].type);
		free(dh_schemas[i].schema);
	}
	free(dh_schemas);
	plugin_unload_all();
	return status;
}
