/*
 * The confirmations the data call for, in the TUI: a command on the worker that finds its change can
 * lose data (a lowered retention, delete-records, acl delete, an unclean election) asks through
 * cmd_confirm() as on the command line, and waits there; the session's confirm is ask_confirm()
 * (backend/ask.h), whose fd wakes the loop. The loop thread never waits for the answer: it opens a
 * pane with the plan and the whole question, and the prompt with its last sentence; the line typed
 * there is the answer (Esc: none, so nothing changes). A question that comes while the prompt is in
 * use waits until it closes.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "escape.h"
#include "loop.h"
#include "prompt.h"
#include "sbuf.h"
#include "tuistate.h"
#include "xalloc.h"

/* The prompt's text: the question's last sentence ("Type `t` to confirm: "), escaped. */
static char *tuiask_prompt_text(const char *question)
{
	const char *line = strrchr(question, '\n');
	line = line ? line + 1 : question;
	if (*line == '\0') /* a question ending with a newline: its last line with text */
		line = question;
	const char *s = line;
	for (const char *p = line; (p = strstr(p, ". ")) != NULL; p += 2)
		if (p[2] != '\0')
			s = p + 2;
	return escape_str(s);
}

static void tuiask_answered(void *ud, const char *line)
{
	struct tui *t = ud;
	t->asking = false;
	ask_answer(t->ask, line); /* the worker goes on: the command's result says what was done */
	if (t->ask_pane && tui_top(t) == t->ask_pane)
		tui_pop(t);
	t->ask_pane = NULL;
}

void tuiask_show(struct tui *t)
{
	char *plan = NULL, *question = NULL, *expect = NULL;
	if (t->ask == NULL || t->asking || t->quitting || prompt_active() ||
	    !ask_take(t->ask, &plan, &question, &expect))
		return;
	struct sbuf sb = SBUF_INIT;
	if (plan)
		sbuf_addf(&sb, "%s\n", plan);
	sbuf_addf(&sb, "%s\n\nType the answer at the prompt below; Esc cancels, and nothing changes.\n", question);
	struct view_text_arg a = {
		.command = "confirm",
		.result = json_pack("{s:s,s:b}", "markdown", sbuf_str(&sb), "wrap", 1),
		.status = CMD_OK,
	};
	sbuf_free(&sb);
	t->filtering = false; /* the prompt takes the keys */
	t->ask_pane = view_new(&view_text_ops, t, "confirm", &a);
	tui_push(t, t->ask_pane);
	t->asking = true;
	char *text = tuiask_prompt_text(question);
	prompt_open(text, tuiask_answered, t);
	free(text);
	free(plan);
	free(question);
	free(expect);
}

static void tuiask_on_fd(struct loop *l, int fd, short revents, void *ud)
{
	struct tui *t = ud;
	(void)l, (void)revents;
	loop_fd_drain(fd);
	tuiask_show(t);
	if (!t->quitting)
		tuidraw_frame(t);
}

void tuiask_start(struct tui *t)
{
	char *cause = NULL;
	t->ask = ask_new(&cause);
	if (t->ask == NULL) { /* no answerer: such changes are refused, as without a terminal */
		view_log_add("error", "confirmations: %s", cause);
		free(cause);
		t->s->confirm = NULL;
		return;
	}
	t->s->confirm = ask_confirm;
	t->s->confirm_ud = t->ask;
	loop_fd_add(t->loop, ask_fd(t->ask), POLLIN, tuiask_on_fd, t);
}

void tuiask_close(struct tui *t)
{
	if (t->ask) /* a waiting command and any later one get no (the worker may still read s->confirm) */
		ask_close(t->ask);
	t->asking = false;
	t->ask_pane = NULL;
}

void tuiask_free(struct tui *t)
{
	ask_free(&t->ask);
}
