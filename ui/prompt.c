#include "prompt.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "escape.h"
#include "sbuf.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

static unsigned char prompt_queue[64];
static int prompt_qlen, prompt_qhead;
static bool prompt_open_now;
static char *prompt_text;
static prompt_done_fn prompt_done;
static void *prompt_ud;
static char *prompt_matches;
static FILE *prompt_null;

static int prompt_getc(FILE *f)
{
	(void)f;
	if (prompt_qlen == 0)
		return EOF; /* not reached: readline is only called with input queued */
	prompt_qlen--;
	return prompt_queue[prompt_qhead++];
}

static int prompt_available(void)
{
	return prompt_qlen > 0;
}

static void prompt_redisplay(void)
{
	/* The TUI draws the line after every key (prompt_draw). */
}

static void prompt_show_matches(char **matches, int n, int max)
{
	(void)max;
	struct sbuf sb = SBUF_INIT;
	for (int i = 1; i <= n; i++)
		sbuf_addf(&sb, "%s%s", i > 1 ? "  " : "", matches[i]);
	free(prompt_matches);
	prompt_matches = escape_str(sbuf_str(&sb));
	sbuf_free(&sb);
}

static void prompt_finish(const char *line)
{
	prompt_open_now = false;
	rl_callback_handler_remove();
	prompt_done_fn done = prompt_done;
	prompt_done = NULL;
	if (done)
		done(prompt_ud, line);
}

static void prompt_line(char *line)
{
	prompt_finish(line ? line : NULL);
	free(line);
}

void prompt_setup(void)
{
	if (prompt_null == NULL)
		prompt_null = fopen("/dev/null", "w");
	rl_readline_name = "kcon";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = prompt_getc;
	rl_input_available_hook = prompt_available;
	rl_redisplay_function = prompt_redisplay;
	rl_completion_display_matches_hook = prompt_show_matches;
	rl_outstream = prompt_null; /* readline must never write to the curses screen */
	rl_instream = stdin;
}

void prompt_teardown(void)
{
	if (prompt_open_now) {
		prompt_done = NULL;
		prompt_open_now = false;
		rl_callback_handler_remove();
	}
	clear_history();
	x_free(&prompt_text);
	x_free(&prompt_matches);
	rl_outstream = NULL;
	if (prompt_null)
		fclose(prompt_null);
	prompt_null = NULL;
}

void prompt_open(const char *text, prompt_done_fn done, void *ud)
{
	if (prompt_open_now)
		prompt_cancel();
	free(prompt_text);
	prompt_text = x_strdup(text);
	prompt_done = done;
	prompt_ud = ud;
	prompt_open_now = true;
	prompt_qlen = prompt_qhead = 0;
	x_free(&prompt_matches);
	rl_callback_handler_install(text, prompt_line);
}

void prompt_insert(const char *text)
{
	if (prompt_open_now)
		rl_insert_text(text);
}

void prompt_cancel(void)
{
	if (!prompt_open_now)
		return;
	rl_replace_line("", 1);
	prompt_finish(NULL);
}

bool prompt_active(void)
{
	return prompt_open_now;
}

static void prompt_push(const char *bytes)
{
	size_t n = strlen(bytes);
	if (prompt_qlen == 0)
		prompt_qhead = 0;
	if (prompt_qhead + prompt_qlen + n > sizeof(prompt_queue))
		return;
	memcpy(prompt_queue + prompt_qhead + prompt_qlen, bytes, n);
	prompt_qlen += (int)n;
}

void prompt_feed(int key)
{
	char one[2] = { 0, 0 };
	x_free(&prompt_matches);
	switch (key) {
	case KEY_LEFT:
		prompt_push("\033[D");
		break;
	case KEY_RIGHT:
		prompt_push("\033[C");
		break;
	case KEY_UP:
		prompt_push("\033[A");
		break;
	case KEY_DOWN:
		prompt_push("\033[B");
		break;
	case KEY_HOME:
		prompt_push("\033[H");
		break;
	case KEY_END:
		prompt_push("\033[F");
		break;
	case KEY_DC:
		prompt_push("\033[3~");
		break;
	case KEY_BACKSPACE:
		prompt_push("\177");
		break;
	case KEY_ENTER:
		prompt_push("\r");
		break;
	default:
		if (key <= 0 || key > 0xff)
			return; /* another function key: nothing for a line editor */
		one[0] = (char)key;
		prompt_push(one);
	}
	while (prompt_open_now && prompt_qlen > 0)
		rl_callback_read_char();
}

void prompt_draw(int y, int w, bool utf8)
{
	if (!prompt_open_now || w <= 0)
		return;
	/* The prompt and the line, escaped; the cursor's column from the escaped text before it. */
	char *before = x_strndup(rl_line_buffer, (size_t)rl_point);
	char *eb = escape_str(before), *el = escape_str(rl_line_buffer), *ep = escape_str(prompt_text);
	char *full = x_asprintf("%s%s", ep, el), *upto = x_asprintf("%s%s", ep, eb);
	char *tfull = view_text(full, utf8), *tupto = view_text(upto, utf8);
	/* Scroll left until the cursor fits. */
	const char *start = tfull;
	int skipped = 0;
	while (view_text_width(tupto, utf8) - skipped > w - 1 && *start) {
		uint32_t cp;
		size_t n = escape_utf8_decode((const unsigned char *)start, strlen(start), &cp);
		char one[5] = { 0 };
		memcpy(one, start, n ? n : 1);
		skipped += view_text_width(one, utf8);
		start += n ? n : 1;
	}
	move(y, 0);
	clrtoeol();
	view_put(y, 0, w, start, utf8);
	int cx = view_text_width(tupto, utf8) - skipped;
	move(y, cx < w ? cx : w - 1);
	free(before), free(eb), free(el), free(ep), free(full), free(upto), free(tfull), free(tupto);
}

const char *prompt_message(void)
{
	return prompt_matches;
}

void prompt_remember(const char *line)
{
	if (line && *line)
		add_history(line);
}
