#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "escape.h"
#include "file.h"
#include "parse.h"
#include "sbuf.h"
#include "trend.h"
#include "xalloc.h"

/*
 * Output that could not be written (a full disk, a closed stdout): the first error, kept, so the
 * command fails, a script stops, and kcon exits 1 rather than leave a cut file behind with 0.
 */
static int run_out_errno;
static bool run_out_reported;

/* The signal that stopped a command of a script (cmd_ctx.stopped_by), or 0. */
static int run_stop_signal;

/* The session of the command running (run_argv), whose snapshot a reader that went away must not lose. */
static struct session *run_session;

/* A failed write to stdout: a reader that went away ends the process quietly; else it is kept. */
static void run_out_failed(int err)
{
	if (err == EPIPE) { /* the reader went away (kcon ... | head): nothing left to say */
		if (run_session)
			session_history_flush(run_session); /* the metadata was fetched: it is kept all the same */
		_exit(0);
	}
	if (run_out_errno == 0)
		run_out_errno = err;
}

/* Says once on stderr that output was lost; returns CMD_FAILED then, else status. */
static int run_out_check(int status)
{
	if (run_out_errno == 0)
		return status;
	if (!run_out_reported)
		fprintf(stderr, "kcon: writing output: %s\n", strerror(run_out_errno));
	run_out_reported = true;
	return CMD_FAILED;
}

void run_write(const char *text, size_t len)
{
	if (run_out_errno)
		return;
	errno = 0;
	if ((len && fwrite(text, 1, len, stdout) != len) || fflush(stdout) != 0)
		run_out_failed(errno ? errno : EIO);
}

/* run_only(): stdout's end was written early; later writes go to /dev/null. */
static bool run_released, run_release_early;

/*
 * Flushes stdout and ends the stream (the reader sees EOF) while fd 1 stays open, on /dev/null:
 * no later open() can take fd 1. The last descriptor of the old stream is closed on its own, so
 * that close()'s error (NFS, a quota) still fails the command.
 */
static void run_release_stdout(void)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		run_out_failed(errno ? errno : EIO);
		return;
	}
	int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int old = nul < 0 ? -1 : fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (old < 0 || dup2(nul, STDOUT_FILENO) < 0) {
		if (nul >= 0)
			close(nul);
		if (old >= 0)
			close(old);
		return; /* ends at exit then, as without run_only() */
	}
	close(nul);
	run_released = true;
	if (close(old) != 0 && errno != EINTR)
		run_out_failed(errno);
}

int run_only(struct session *s, int argc, char *const *argv)
{
	run_release_early = true;
	int status = run_argv(s, argc, argv);
	run_release_early = false;
	return status;
}

int run_finish(int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		run_out_failed(errno ? errno : EIO);
	errno = 0;
	if (fclose(stdout) != 0 && run_out_errno == 0)
		run_out_failed(errno ? errno : EIO);
	return run_out_check(status);
}

int run_signal(void)
{
	return run_stop_signal;
}

void run_signal_set(int signo)
{
	run_stop_signal = signo;
}

void run_note(void *ud, const char *text)
{
	(void)ud;
	char *safe = escape_str(text); /* a note comes raw: its sink escapes it, once */
	fprintf(stderr, "kcon: %s\n", safe);
	free(safe);
}

static enum out_format run_format(struct session *s, const struct cmd_ctx *ctx, int *status)
{
	bool streams = ctx->entry && (ctx->entry->flags & CMD_STREAM);
	const char *o = ctx->args.output;
	int f = o == NULL ? (int)s->format : strcmp(o, "raw") == 0 ? OUT_RAW : output_format_parse(o);
	if (f < 0 || (f == OUT_RAW && !streams)) {
		fprintf(stderr, "kcon: -o %s: unknown output format: use table, json or csv%s\n", o ? o : "raw",
			streams ? " (or raw)" : " (raw is for tail)");
		*status = CMD_USAGE;
		return OUT_TABLE;
	}
	return (enum out_format)f;
}

/*
 * The sink of a streaming command: records gather in a large buffer written with write(2) when
 * full or when the command waits, so a fast tail costs one system call per megabyte, and a
 * follower sees each batch at once. Ctrl-C (SIGINT, SIGTERM) asks the command to stop. The sink
 * counts the records that reached the output whole: when a write fails, the end of each record
 * in the buffer says which did.
 */
#define RUN_SINK_SIZE    (1u << 20)
#define RUN_SINK_RECORDS 16384 /* records in the buffer at most */

struct run_sink {
	char *buf;
	size_t len;
	size_t *ends; /* the end of each record in buf */
	size_t nends;
	long long written; /* records that reached the output whole */
};

static volatile sig_atomic_t run_interrupted; /* the signal caught, or 0 */
static struct cmd_ctx *run_stoppable;         /* the CMD_INTERRUPT command running, or NULL */
static int run_wake = -1; /* the write end of its ctx->wake_fd: wakes its cmd_nap() from any thread */

static void run_on_interrupt(int signo)
{
	int saved = errno;
	run_interrupted = signo;
	if (run_stoppable)
		atomic_store(&run_stoppable->interrupt, true);
	if (run_wake >= 0 && write(run_wake, "", 1) < 0) {
		/* full: awake already */
	}
	errno = saved;
}

/* Writes buf[0..len) to stdout; returns how much got out (len, or less when the output failed). */
static size_t run_sink_out(const char *buf, size_t len)
{
	size_t off = 0;
	while (off < len && run_out_errno == 0) {
		ssize_t n = write(STDOUT_FILENO, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			run_out_failed(errno); /* a closed pipe ends kcon; else the command stops */
		else
			off += (size_t)n;
	}
	return off;
}

static void run_sink_flush(void *ud)
{
	struct run_sink *k = ud;
	size_t out = run_sink_out(k->buf, k->len);
	for (size_t i = 0; i < k->nends && k->ends[i] <= out; i++)
		k->written++;
	k->len = k->nends = 0;
}

static void run_sink_write(void *ud, const void *buf, size_t len)
{
	struct run_sink *k = ud;
	if (run_out_errno)
		return;
	if (k->len + len > RUN_SINK_SIZE || k->nends == RUN_SINK_RECORDS)
		run_sink_flush(k);
	if (len > RUN_SINK_SIZE) { /* one huge record: straight out */
		if (run_sink_out(buf, len) == len)
			k->written++;
		return;
	}
	memcpy(k->buf + k->len, buf, len);
	k->len += len;
	k->ends[k->nends++] = k->len;
}

static long long run_sink_written(void *ud, int *err)
{
	struct run_sink *k = ud;
	*err = run_out_errno;
	return k->written;
}

/* A note from a streaming command (it may carry a broker's words): escaped like any output. */
static void run_sink_note(void *ud, const char *text)
{
	run_sink_flush(ud);
	char *safe = escape_str(text);
	fprintf(stderr, "kcon: %s\n", safe);
	free(safe);
}

static bool run_sink_stopped(void *ud)
{
	(void)ud;
	return run_interrupted != 0 || run_out_errno != 0;
}

/* Runs a CMD_STREAM command with the sink, Ctrl-C caught, then prints its summary on stderr. */
static int run_streaming(struct session *s, struct cmd_ctx *ctx, enum out_format fmt)
{
	struct run_sink k = { .buf = x_malloc(RUN_SINK_SIZE), .ends = x_calloc(RUN_SINK_RECORDS, sizeof(size_t)) };
	struct cmd_stream st = {
		.format = fmt,
		.tty = isatty(STDOUT_FILENO),
		.width = s->width,
		.write = run_sink_write,
		.flush = run_sink_flush,
		.note = run_sink_note,
		.stopped = run_sink_stopped,
		.written = run_sink_written,
		.ud = &k,
	};
	struct sigaction sa = { .sa_handler = run_on_interrupt }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	run_interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	fflush(stdout);
	ctx->stream = &st;
	int status = cmd_exec(ctx);
	ctx->stream = NULL;
	run_sink_flush(&k);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (run_interrupted && !ctx->stopped_by)
		ctx->stopped_by = run_interrupted;
	free(k.buf);
	free(k.ends);
	if (status == CMD_OK) {
		json_t *msg = json_object_get(ctx->result, "message");
		struct sbuf sb = SBUF_INIT;
		if (fmt == OUT_JSON || !json_is_string(msg)) {
			char *text = json_dumps(ctx->result, JSON_COMPACT | JSON_PRESERVE_ORDER);
			escape_json_text(&sb, text);
			free(text);
			fprintf(stderr, "%s\n", sb.buf);
		} else {
			escape_append(&sb, json_string_value(msg), json_string_length(msg));
			fprintf(stderr, "kcon: %s\n", sb.buf);
		}
		sbuf_free(&sb);
	}
	return status;
}

/*
 * Runs a CMD_INTERRUPT command with SIGINT and SIGTERM caught: they stop it (it fails with
 * "interrupted") and then stop the script as they would between commands (cmd_ctx.stopped_by).
 */
static int run_interruptible(struct cmd_ctx *ctx)
{
	struct sigaction sa = { .sa_handler = run_on_interrupt }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	run_interrupted = 0;
	run_stoppable = ctx;
	/* A signal may land on another thread than the one that waits: the pipe wakes the wait. */
	int wake[2];
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == 0) {
		if (wake[0] > 0) {
			ctx->wake_fd = wake[0];
			run_wake = wake[1];
		} else { /* fd 0 means none: stdin was closed; a signal on this thread still wakes it */
			close(wake[0]);
			close(wake[1]);
		}
	}
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	int status = cmd_exec(ctx);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	run_stoppable = NULL;
	if (ctx->wake_fd > 0) {
		close(ctx->wake_fd);
		close(run_wake);
		ctx->wake_fd = 0;
		run_wake = -1;
	}
	if (run_interrupted && !ctx->stopped_by)
		ctx->stopped_by = run_interrupted;
	return status;
}

/*
 * One line on stderr for a result that stands in for the cluster's answer (a "stale" member: the
 * last stored snapshot, with --offline or while the cluster is unreachable). JSON has the member.
 */
static void run_stale_note(const struct cmd_ctx *ctx, enum out_format fmt)
{
	json_t *st = json_object_get(ctx->result, "stale");
	if (!json_is_object(st) || (fmt == OUT_JSON && ctx->error == NULL))
		return;
	char *age = trend_human_duration((double)json_integer_value(json_object_get(st, "age_s")));
	struct sbuf sb = SBUF_INIT;
	sbuf_addf(&sb, "stale: the stored snapshot of %s (%s ago), ", json_string_value(json_object_get(st, "seen_at")),
		  age);
	if (ctx->error) {
		sbuf_add(&sb, "the cluster did not answer: ");
		escape_append(&sb, ctx->error, strlen(ctx->error));
	} else {
		sbuf_add(&sb, "not asking the cluster (--offline)");
	}
	if (ctx->error && ctx->hint) { /* what to do about the cluster not answering, as without a snapshot */
		sbuf_add(&sb, "\n  hint: ");
		escape_append(&sb, ctx->hint, strlen(ctx->hint));
	}
	fprintf(stderr, "kcon: %s\n", sb.buf);
	sbuf_free(&sb);
	free(age);
}

int run_argv(struct session *s, int argc, char *const *argv)
{
	run_session = s;
	struct cmd_ctx ctx;
	struct sbuf out = SBUF_INIT;
	int status = cmd_prepare(&ctx, s, argc, argv);
	enum out_format fmt = run_format(s, &ctx, &status);
	bool streams = status == CMD_OK && (ctx.entry->flags & CMD_STREAM);
	if (streams)
		status = run_streaming(s, &ctx, fmt);
	else if (status == CMD_OK && (cmd_flags(&ctx) & CMD_INTERRUPT))
		status = run_interruptible(&ctx);
	else if (status == CMD_OK)
		status = cmd_exec(&ctx);
	/* a failed command may still have a result: the last stored snapshot while the cluster is unreachable */
	bool partial = status != CMD_OK && ctx.result != NULL && !streams;
	if ((status == CMD_OK || partial) && !streams) {
		json_t *md = json_object_get(ctx.result, "markdown"); /* or "text": a script, a man page */
		if (md == NULL)
			md = json_object_get(ctx.result, "text");
		if (fmt == OUT_TABLE && json_is_string(md)) /* our own text: printed as it is */
			sbuf_add(&out, json_string_value(md));
		else
			output_render(&out, fmt, ctx.entry ? ctx.entry->view : NULL, ctx.result, s->width);
		run_write(out.buf, out.len);
		run_stale_note(&ctx, fmt);
		if (partial && ctx.error &&
		    !json_object_get(ctx.result, "stale")) { /* rows, and a verdict (doctor, watch) */
			sbuf_reset(&out);
			output_error(&out, OUT_TABLE, ctx.entry->name, status, ctx.error, ctx.hint);
			fprintf(stderr, "kcon: %s", out.buf);
		}
	} else if (ctx.error) {
		const char *name = ctx.entry ? ctx.entry->name : argv[0];
		if (fmt == OUT_JSON && !streams) {
			output_error(&out, OUT_JSON, name, status, ctx.error, ctx.hint);
			run_write(out.buf, out.len);
			sbuf_reset(&out);
		}
		output_error(&out, OUT_TABLE, name, status, ctx.error, ctx.hint);
		fprintf(stderr, "kcon: %s", out.buf);
	}
	sbuf_free(&out);
	if (run_release_early && !run_released)
		run_release_stdout(); /* the reader's EOF comes before the snapshot and the clean-up */
	session_history_flush(s);     /* the output is out: history waits for it, never the reverse */
	if (ctx.stopped_by)
		run_stop_signal = ctx.stopped_by;
	cmd_ctx_clear(&ctx);
	return run_out_check(status);
}

/* The status of a script a signal stopped, as a shell gives it: 128 + the signal's number. */
static int run_stopped_status(int status)
{
	return run_stop_signal ? 128 + run_stop_signal : status;
}

static int run_list(struct session *s, struct parse_list *l)
{
	int status = CMD_OK;
	for (size_t i = 0; i < l->n && status == CMD_OK && !run_stop_signal; i++)
		status = run_argv(s, l->cmds[i].argc, l->cmds[i].argv);
	return run_stopped_status(status);
}

int run_text(struct session *s, const char *src, const char *origin)
{
	struct parse_list l = { 0 };
	char *cause = NULL;
	if (parse_commands(src, &l, &cause) < 0) {
		fprintf(stderr, "kcon: %s: %s\n", origin, cause);
		free(cause);
		return CMD_USAGE;
	}
	int status = run_list(s, &l);
	parse_list_clear(&l);
	return status;
}

int run_stream(struct session *s, FILE *f, const char *origin)
{
	char *line = NULL;
	size_t cap = 0;
	int status = CMD_OK, lineno = 0;
	ssize_t n;
	errno = 0;
	while (status == CMD_OK && (n = file_getline(&line, &cap, f, FILE_LINE_MAX)) != -1) {
		if (n == -2) { /* a line that does not end (-f /dev/zero), or a read error */
			if (errno == EFBIG) {
				fprintf(stderr, "kcon: %s:%d: the line is longer than 1 MiB: is this a script?\n",
					origin, lineno + 1);
				status = CMD_USAGE;
			} else { /* not the end of the commands: they could not be read */
				fprintf(stderr, "kcon: %s: cannot read the commands: %s\n", origin,
					strerror(errno ? errno : EIO));
				status = errno == EISDIR ? CMD_USAGE : CMD_FAILED;
			}
			break;
		}
		struct parse_list l = { 0 };
		char *cause = NULL;
		lineno++;
		if (parse_commands(line, &l, &cause) < 0) {
			fprintf(stderr, "kcon: %s:%d: %s\n", origin, lineno, cause);
			free(cause);
			status = CMD_USAGE;
			break;
		}
		status = run_list(s, &l);
		parse_list_clear(&l);
	}
	free(line);
	return status;
}
