/*
 * The TUI's terminal: curses started on this system's terminfo entry or kcon's own (backend/termdb.h),
 * what undoes its modes on a fatal signal (fatal.h), resizing, Ctrl-Z, and the signals the loop
 * delivers (SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP).
 */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "fatal.h"
#include "loop.h"
#include "prompt.h"
#include "sbuf.h"
#include "termdb.h"
#include "tuistate.h"
#include "uimouse.h"
#include "uitrace.h"
#include "xalloc.h"

static struct termios tuiterm_termios;

static bool tuiterm_termios_saved, tuiterm_curses_on;

static void tuiterm_atexit(void)
{
	if (tuiterm_curses_on) {
		endwin();
		tuiterm_curses_on = false;
		fatal_terminal(NULL, NULL);
	}
}

static void tuiterm_reset_add(struct sbuf *sb, const char *cap)
{
	if (cap && cap != (char *)-1)
		sbuf_add(sb, cap);
}

/*
 * Tells the fatal-signal handler what undoes the modes curses and we turned on: the alternate
 * screen, the hidden cursor, attributes, the keypad's application mode and, when mouse is on,
 * mouse tracking (the terminfo's XM with 0, and for an xterm-like mouse every tracking mode off).
 */
static void tuiterm_arm_fatal(bool mouse)
{
	struct sbuf sb = SBUF_INIT;
	static const char *const caps[] = { "rmcup", "cnorm", "sgr0", "rmkx" };
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		tuiterm_reset_add(&sb, tigetstr(caps[i]));
	if (mouse) {
		char *xm = tigetstr("XM"), *kmous = tigetstr("kmous");
		if (xm && xm != (char *)-1)
			tuiterm_reset_add(&sb, tiparm(xm, 0));
		if (kmous && kmous != (char *)-1 && strncmp(kmous, "\033[", 2) == 0)
			sbuf_add(&sb, "\033[?1006l\033[?1015l\033[?1005l\033[?1003l\033[?1002l\033[?1000l");
	}
	fatal_terminal(tuiterm_termios_saved ? &tuiterm_termios : NULL, sbuf_str(&sb));
	sbuf_free(&sb);
}

int tuiterm_check(void)
{
	const char *term = getenv("TERM");
	if (term == NULL || *term == '\0' || strcmp(term, "dumb") == 0) {
		fprintf(stderr,
			"kcon: the TUI needs a terminal type, and TERM is %s: set it (e.g. export "
			"TERM=xterm-256color), "
			"or use `kcon --repl` or `kcon COMMAND`\n",
			term == NULL ? "unset"
			: *term      ? "`dumb`"
				     : "empty");
		return -1;
	}
	return 0;
}

/* The built-in terminal type's directory (TERMINFO) while the TUI runs, and what it replaced. */
static char *tuiterm_db_dir, *tuiterm_db_term, *tuiterm_db_terminfo;

static void tuiterm_close_db(void)
{
	if (tuiterm_db_term == NULL)
		return;
	termdb_remove(tuiterm_db_dir);
	x_free(&tuiterm_db_dir);
	setenv("TERM", tuiterm_db_term, 1);
	if (tuiterm_db_terminfo)
		setenv("TERMINFO", tuiterm_db_terminfo, 1);
	else
		unsetenv("TERMINFO");
	x_free(&tuiterm_db_term);
	x_free(&tuiterm_db_terminfo);
}

/* newterm() for TERM, asking terminfo first: newterm() leaks when it fails. */
static SCREEN *tuiterm_newterm(void)
{
	int terr = 0;
	if (setupterm(NULL, STDOUT_FILENO, &terr) != OK)
		return NULL;
	del_curterm(cur_term);
	return newterm(NULL, stdout, stdin);
}

/*
 * The terminal: this system's terminfo entry for TERM, else the built-in entry nearest to it
 * (backend/termdb.h), which TERM then names and TERMINFO holds while the TUI runs (readline reads
 * them too): the entry itself (ncurses 6.1+, no file), else a private directory removed at the end
 * or at exit. *note (new string) says which built-in entry draws, when one does.
 */
static SCREEN *tuiterm_open_db(char **note)
{
	SCREEN *scr = tuiterm_newterm();
	if (scr)
		return scr;
	const char *term = getenv("TERM"); /* tuiterm_check(): set */
	const struct termdb_entry *e = termdb_nearest(term);
	static bool registered;
	if (!registered)
		atexit(tuiterm_close_db);
	registered = true;
	tuiterm_db_term = x_strdup(term);
	tuiterm_db_terminfo = x_strdup(getenv("TERMINFO"));
	setenv("TERM", e->name, 1);
	char *hex = termdb_hex(e);
	setenv("TERMINFO", hex, 1);
	free(hex);
	scr = tuiterm_newterm();
	char *cause = NULL;
	if (scr == NULL && (tuiterm_db_dir = termdb_install(e, &cause)) != NULL) {
		setenv("TERMINFO", tuiterm_db_dir, 1);
		scr = tuiterm_newterm();
	}
	if (scr == NULL) {
		fprintf(stderr,
			"kcon: the terminal type `%s` is unknown here, and kcon's own %s did not load%s%s: set "
			"TERM to one this system knows (e.g. export TERM=xterm-256color), or use `kcon --repl`\n",
			tuiterm_db_term, e->name, cause ? ": " : "", cause ? cause : "");
		free(cause);
		tuiterm_close_db();
		return NULL;
	}
	*note = strcmp(e->name, tuiterm_db_term) == 0
			? x_asprintf("TERM %s: this system has no terminfo entry for it: kcon's own draws", e->name)
			: x_asprintf("TERM %s is unknown here: drawing as %s (kcon's own entry); set TERM to a "
				     "type this system knows, or use `kcon --repl`",
				     tuiterm_db_term, e->name);
	return scr;
}

static void tuiterm_resize(struct tui *t)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, t->h, t->w);
	for (int i = 0; i < t->depth; i++)
		if (t->stack[i]->ops->resize && t->stack[i]->width != t->w)
			t->stack[i]->ops->resize(t->stack[i], t->w);
	clearok(curscr, TRUE);
}

/*
 * Ctrl-Z (SIGTSTP): the terminal back to the shell, stop, and on `fg` the screen again. kcon does
 * this itself rather than through curses' SIGTSTP handler, which flushes the terminal's input on
 * resume: a key typed behind `fg` (or just after it) was lost. Here the keys waiting in the input
 * queue are read as soon as kcon runs again.
 */
static void tuiterm_suspend(struct tui *t)
{
	def_prog_mode();
	endwin();
	struct sigaction dfl = { .sa_handler = SIG_DFL }, ours;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &ours);
	kill(getpid(), SIGTSTP); /* returns on SIGCONT (at once in an orphaned process group) */
	sigaction(SIGTSTP, &ours, NULL);
	reset_prog_mode();
	tuiterm_resize(t); /* the terminal may have changed size meanwhile; redraws it all */
	tuidraw_frame(t);
	tuikeys_on_input(t->loop, STDIN_FILENO, 0, t); /* the keys typed before kcon was back */
}

void tuiterm_on_signal(struct loop *l, int signo, void *ud)
{
	struct tui *t = ud;
	if (signo == SIGTSTP) {
		tuiterm_suspend(t);
	} else if (signo == SIGWINCH) {
		tuiterm_resize(t);
		tuidraw_frame(t);
	} else if (signo == SIGINT && prompt_active()) {
		prompt_cancel(); /* Ctrl-C at the prompt only leaves the prompt */
		tuidraw_frame(t);
	} else if (signo == SIGINT && loop_interrupt(l) > 0) { /* and stops a long query before it quits */
		tui_message(t, "%s", "interrupting the running query (Ctrl-C again quits)");
		tuidraw_frame(t);
	} else if (signo == SIGINT || signo == SIGTERM || signo == SIGHUP) {
		t->quitting = true;
		loop_stop(l);
	}
}

bool tuiterm_active(void)
{
	return tuiterm_curses_on;
}

SCREEN *tuiterm_start(bool mouse, char **note)
{
	if (tcgetattr(STDIN_FILENO, &tuiterm_termios) == 0)
		tuiterm_termios_saved = true;
	SCREEN *scr = tuiterm_open_db(note);
	if (scr == NULL)
		return NULL;
	tuiterm_curses_on = true;
	uitrace_open();
	static bool registered;
	if (!registered)
		atexit(tuiterm_atexit);
	registered = true;
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	uimouse_start(mouse);
	tuiterm_arm_fatal(mouse && has_mouse());
	curs_set(0);
	return scr;
}

void tuiterm_stop(SCREEN *scr)
{
	endwin();
	tuiterm_curses_on = false;
	fatal_terminal(NULL, NULL);
	delscreen(scr);
	tuiterm_close_db();
	uitrace_close();
}
