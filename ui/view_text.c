/* A scrollable text pane with a command's result, rendered by the table sink at the screen width. */
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "output.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

struct text {
	const struct cmd_entry *entry;
	char *command, *line, *error, *hint;
	json_t *result;
	int status;
	struct lines lines;
};

static void text_layout(struct view *v, int width)
{
	struct text *t = v->priv;
	json_t *md = json_object_get(t->result, "markdown"); /* or "text": a script, a man page */
	if (md == NULL)
		md = json_object_get(t->result, "text");
	lines_clear(&t->lines);
	if (t->status == CMD_OK && json_is_string(md)) {
		/*
		 * Our own text, escaped line by line: the pane takes no control bytes, the newlines
		 * excepted. With "wrap" (a confirmation's plan and question) its lines wrap at the width.
		 */
		const char *s = json_string_value(md);
		size_t len = strlen(s);
		if (len && s[len - 1] == '\n')
			len--;
		if (len)
			lines_escape(&t->lines, s, len, json_is_true(json_object_get(t->result, "wrap")) ? width : 0);
	} else {
		struct sbuf sb = SBUF_INIT;
		if (t->status != CMD_OK)
			output_error(&sb, OUT_TABLE, t->command, t->status, t->error ? t->error : "failed", t->hint);
		else
			output_render(&sb, OUT_TABLE, t->entry ? t->entry->view : NULL, t->result,
				      width > 1 ? width - 1 : 1);
		lines_split(&t->lines, sbuf_str(&sb), 0);
		sbuf_free(&sb);
	}
	if (t->lines.n == 0 && t->status == CMD_OK)
		lines_wrap(&t->lines, "(done: nothing to show)", 0);
	if (t->status == CMD_OK && json_is_false(json_object_get(t->result, "executed"))) {
		lines_wrap(&t->lines, "", 0);
		lines_wrap(&t->lines, "A preview: nothing changed yet. Press a to apply it (runs it with --execute).",
			   0);
	}
	v->width = width;
}

static void text_open(struct view *v, void *arg)
{
	const struct view_text_arg *a = arg;
	struct text *t = x_calloc(1, sizeof(*t));
	t->entry = a->entry;
	t->command = x_strdup(a->command);
	t->line = x_strdup(a->line);
	t->error = x_strdup(a->error);
	t->hint = x_strdup(a->hint);
	t->result = a->result;
	t->status = a->status;
	v->priv = t;
	text_layout(v, tui_width(v->tui));
	view_loaded(v, NULL, NULL);
}

static void text_close(struct view *v)
{
	struct text *t = v->priv;
	lines_clear(&t->lines);
	free(t->command);
	free(t->line);
	free(t->error);
	free(t->hint);
	json_decref(t->result);
	free(t);
}

static int text_rows(struct view *v)
{
	return ((struct text *)v->priv)->lines.n;
}

static void text_cell(struct view *v, int row, int col, struct sbuf *out)
{
	(void)col;
	sbuf_add(out, ((struct text *)v->priv)->lines.v[row]);
}

static char *text_value(struct view *v, int row, const char *name)
{
	struct text *t = v->priv;
	(void)row;
	return strcmp(name, "command") == 0 && t->line ? x_strdup(t->line) : NULL;
}

static void text_resize(struct view *v, int width)
{
	text_layout(v, width);
	view_refilter(v);
}

const struct view_ops view_text_ops = {
	.name = "output",
	.flags = VIEW_TEXT,
	.open = text_open,
	.close = text_close,
	.rows = text_rows,
	.cell = text_cell,
	.resize = text_resize,
	.value = text_value,
};
