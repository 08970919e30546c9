/* A scrollable text pane with a command's result, rendered by the table sink at the screen width. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
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
	char **lines;
	int nlines;
};

/* Our own text, escaped line by line: the pane takes no control bytes, the newlines excepted. */
static void text_escape_lines(struct sbuf *sb, const char *s)
{
	while (*s) {
		size_t len = strcspn(s, "\n");
		escape_append(sb, s, len);
		sbuf_addc(sb, '\n');
		s += len + (s[len] == '\n');
	}
}

static void text_layout(struct view *v, int width)
{
	struct text *t = v->priv;
	struct sbuf sb = SBUF_INIT;
	json_t *md = json_object_get(t->result, "markdown");
	if (t->status != CMD_OK)
		output_error(&sb, OUT_TABLE, t->command, t->status, t->error ? t->error : "failed", t->hint);
	else if (json_is_string(md))
		text_escape_lines(&sb, json_string_value(md));
	else
		output_render(&sb, OUT_TABLE, t->entry ? t->entry->view : NULL, t->result, width > 1 ? width - 1 : 1);
	for (int i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->nlines = 0;
	/* One allocation for the lines (and the two of a preview's note): a big result has many. */
	const char *p = sbuf_str(&sb);
	size_t n = 3;
	for (const char *q = p; (q = strchr(q, '\n')) != NULL; q++)
		n++;
	t->lines = x_calloc(n, sizeof(char *));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		t->lines[t->nlines++] = x_strndup(p, len);
		p += len + (nl != NULL);
	}
	if (t->nlines == 0 && t->status == CMD_OK)
		t->lines[t->nlines++] = x_strdup("(done: nothing to show)");
	if (t->status == CMD_OK && json_is_false(json_object_get(t->result, "executed"))) {
		t->lines[t->nlines++] = x_strdup("");
		t->lines[t->nlines++] =
			x_strdup("A preview: nothing changed yet. Press a to apply it (runs it with --execute).");
	}
	sbuf_free(&sb);
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
	for (int i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	free(t->lines);
	free(t->command);
	free(t->line);
	free(t->error);
	free(t->hint);
	json_decref(t->result);
	free(t);
}

static int text_rows(struct view *v)
{
	return ((struct text *)v->priv)->nlines;
}

static void text_cell(struct view *v, int row, int col, struct sbuf *out)
{
	(void)col;
	sbuf_add(out, ((struct text *)v->priv)->lines[row]);
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
