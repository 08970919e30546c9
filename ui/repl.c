/*
 * The REPL: readline's callback interface on the event loop (stdin, SIGINT, SIGWINCH, SIGTERM),
 * history in memory and in $XDG_STATE_HOME/kcon/history (secrets redacted), and in the history store
 * (store.h) unless --no-history; completion from the command table.
 * Each line runs through run_text(), so output and errors are those of scripts.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "complete.h"
#include "escape.h"
#include "faces.h"
#include "file.h"
#include "loop.h"
#include "run.h"
#include "sbuf.h"
#include "session.h"
#include "store.h"
#include "uicmd.h"
#include "xalloc.h"

#define REPL_HISTORY_MAX 1000

struct repl {
	struct session *s;
	struct loop *loop;
	char *history; /* the history file, or NULL when there is no place for it */
	bool history_warned;
	int status;
	char *prompt; /* readline's: it names the profile or the cluster, so `profile NAME` changes it */
};

static struct repl *repl_current; /* readline's line handler takes no user data */

/* mkdir -p with mode 0700 for what it creates. */
static int repl_mkdirs(const char *dir)
{
	char *p = x_strdup(dir);
	for (char *slash = strchr(p + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		struct stat st;
		if (mkdir(p, 0700) < 0 && (errno != EEXIST || stat(p, &st) < 0 || !S_ISDIR(st.st_mode))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			free(p);
			return -1;
		}
		if (slash == NULL)
			break;
		*slash = '/';
	}
	free(p);
	return 0;
}

static char *repl_history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir;
	if (state && state[0] == '/')
		dir = x_asprintf("%s/kcon", state);
	else if (home && *home)
		dir = x_asprintf("%s/.local/state/kcon", home);
	else
		return NULL;
	if (repl_mkdirs(dir) < 0) {
		fprintf(stderr, "kcon: warning: history will not be saved: cannot create %s: %s\n", dir,
			strerror(errno));
		free(dir);
		return NULL;
	}
	char *path = x_asprintf("%s/history", dir);
	free(dir);
	return path;
}

static void repl_history_save(struct repl *r)
{
	if (r->history == NULL)
		return;
	int rc = append_history(1, r->history);
	if (rc == ENOENT)
		rc = write_history(r->history);
	if (rc != 0 && !r->history_warned) {
		fprintf(stderr, "kcon: warning: cannot write history to %s: %s\n", r->history, strerror(rc));
		r->history_warned = true;
	}
}

/* The line as history keeps it: secrets (-X sasl.password=..., --password ..., token=...) as ***. */
static char *repl_history_line(const char *line)
{
	char *red = store_redact(line);
	if (strstr(red, "***") && !strstr(line, "***"))
		return red;
	free(red);
	return x_strdup(line);
}

/* Adds the line (redacted there) to the history store, unless --no-history or it cannot be opened. */
static void repl_history_store(struct repl *r, const char *line)
{
	struct store *st;
	struct err e = { 0 };
	if (!r->s->no_history && session_store(r->s, &st, &e) == CMD_OK)
		store_command_add(st, "repl", line, (int64_t)time(NULL) * 1000);
	err_clear(&e);
}

static char *repl_prompt(const struct session *s)
{
	const char *where = s->demo             ? "demo"
			    : s->conf.profile   ? s->conf.profile
			    : s->conf.bootstrap ? s->conf.bootstrap
						: "no cluster";
	char *esc = escape_str(where);
	size_t fit = escape_fit(esc, 40);
	char *p = x_asprintf("kcon(%.*s%s)> ", (int)fit, esc, esc[fit] ? "..." : "");
	free(esc);
	return p;
}

static void repl_update_width(struct session *s)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		s->width = ws.ws_col;
}

/* Runs one line; true when the REPL should end. */
static bool repl_eval(struct repl *r, const char *line)
{
	const char *p = line + strspn(line, " \t");
	if (*p == '\0')
		return false;
	r->status = run_text(r->s, line, "repl");
	/* Ctrl-C stopped the line (a tail, and what came after it on the line): back to the prompt.
	 * SIGTERM ends the REPL as it ends a script. */
	if (run_signal() == SIGINT)
		run_signal_set(0);
	return uicmd_quit_requested() || run_signal() != 0;
}

static void repl_line(char *line)
{
	struct repl *r = repl_current;
	bool end = line == NULL;
	if (line == NULL) {
		fputs("\n", stdout); /* leave the prompt's line on EOF (Ctrl-D) */
	} else if (line[strspn(line, " \t")]) {
		char *kept = repl_history_line(line);
		add_history(kept);
		free(kept);
		repl_history_save(r);
		repl_history_store(r, line);
		end = repl_eval(r, line);
		char *prompt = end ? NULL : repl_prompt(r->s);
		if (prompt && strcmp(prompt, r->prompt) != 0) {
			rl_set_prompt(prompt);
			free(r->prompt);
			r->prompt = prompt;
		} else {
			free(prompt);
		}
	}
	free(line);
	if (end) {
		rl_callback_handler_remove(); /* no new prompt */
		loop_stop(r->loop);
	}
}

static void repl_on_stdin(struct loop *l, int fd, short revents, void *ud)
{
	(void)l, (void)fd, (void)revents, (void)ud;
	rl_callback_read_char();
}

static void repl_on_signal(struct loop *l, int signo, void *ud)
{
	struct repl *r = ud;
	if (signo == SIGINT) { /* Ctrl-C: drop the line, show a fresh prompt */
		rl_free_line_state();
		rl_callback_sigcleanup();
		rl_replace_line("", 0);
		rl_point = rl_end = 0;
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	} else if (signo == SIGWINCH) {
		rl_resize_terminal();
		repl_update_width(r->s);
	} else if (signo == SIGTERM) {
		run_signal_set(SIGTERM); /* kcon ends with it once the terminal is restored */
		rl_callback_handler_remove();
		fputs("\n", stdout);
		loop_stop(l);
	}
}

/* Without a terminal: lines from stdin, no prompt, no history; failures do not end the input. */
static int repl_stream(struct session *s)
{
	char *line = NULL;
	size_t cap = 0;
	int status = CMD_OK;
	ssize_t n;
	int lineno = 0;
	while (!uicmd_quit_requested() && !run_signal() &&
	       (n = file_getline(&line, &cap, stdin, FILE_LINE_MAX)) != -1) {
		lineno++;
		if (n == -2) { /* a line that does not end (--repl < /dev/zero): not read forever */
			if (errno == EFBIG)
				fprintf(stderr, "kcon: stdin:%d: the line is longer than 1 MiB: are these commands?\n",
					lineno);
			else
				fprintf(stderr, "kcon: stdin: cannot read the commands: %s\n", strerror(errno));
			status = errno == EFBIG ? CMD_USAGE : CMD_FAILED;
			break;
		}
		if (line[strspn(line, " \t\r\n")])
			status = run_text(s, line, "stdin");
	}
	free(line);
	return status;
}

int repl_run(struct session *s)
{
	uicmd_register();
	if (!isatty(STDIN_FILENO))
		return repl_stream(s);

	char *cause = NULL;
	struct repl r = { .s = s };
	r.loop = loop_new(&cause);
	if (r.loop == NULL) {
		fprintf(stderr, "kcon: %s\n", cause);
		free(cause);
		return CMD_FAILED;
	}
	repl_current = &r;
	repl_update_width(s);

	rl_readline_name = "kcon";
	rl_catch_signals = 0; /* the loop's self-pipe gets them */
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	complete_attach(complete_session_names, s);
	stifle_history(REPL_HISTORY_MAX);
	r.history = repl_history_path();
	if (r.history) {
		int rc = read_history(r.history);
		if (rc != 0 && rc != ENOENT)
			fprintf(stderr, "kcon: warning: cannot read history %s: %s\n", r.history, strerror(rc));
	}

	static const int sigs[] = { SIGINT, SIGWINCH, SIGTERM, 0 };
	loop_signals(r.loop, sigs, repl_on_signal, &r);
	loop_fd_add(r.loop, STDIN_FILENO, POLLIN, repl_on_stdin, NULL);
	r.prompt = repl_prompt(s);
	rl_callback_handler_install(r.prompt, repl_line);
	loop_run(r.loop);
	rl_callback_handler_remove();

	int trc = r.history ? history_truncate_file(r.history, REPL_HISTORY_MAX) : 0;
	if (trc != 0 && trc != ENOENT && !r.history_warned)
		fprintf(stderr, "kcon: warning: cannot trim history %s\n", r.history);
	clear_history();
	loop_free(&r.loop);
	free(r.history);
	free(r.prompt);
	repl_current = NULL;
	return CMD_OK;
}
