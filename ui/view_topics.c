/* The topics view: the `topics` command's list with partition health; Enter shows a topic's partitions. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "theme.h"
#include "view.h"
#include "xalloc.h"

#define TOPICS_NCOLS 6

struct topics {
	json_t *topics; /* the array of the last `topics` result */
	/*
	 * Its cells as text, TOPICS_NCOLS a row, made once per load: the core asks for every cell of
	 * every row to filter and measure columns, and formatting them from JSON each time made a key
	 * take 30 ms with 10,000 topics.
	 */
	char **cells;
	size_t ncells;
};

static const struct view_col topics_cols[] = {
	{ "NAME", VIEW_COL_FILL },
	{ "PARTITIONS", VIEW_COL_RIGHT },
	{ "RF", VIEW_COL_RIGHT },
	{ "UNDER-REPL", VIEW_COL_RIGHT },
	{ "OFFLINE", VIEW_COL_RIGHT },
	{ "MSG/S 1H", 0 },
	{ 0 },
};
static const char *const topics_keys[] = { "name",    "partitions", "replication_factor", "under_replicated",
					   "offline", "sparkline" };
_Static_assert(sizeof(topics_keys) / sizeof(topics_keys[0]) == TOPICS_NCOLS, "a key per column");

static void topics_cells_free(struct topics *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	x_free(&t->cells);
	t->ncells = 0;
}

static void topics_cells_make(struct topics *t)
{
	topics_cells_free(t);
	t->ncells = json_array_size(t->topics) * TOPICS_NCOLS;
	t->cells = xcalloc(t->ncells + 1, sizeof(char *));
	for (size_t i = 0; i < t->ncells; i++) {
		struct sbuf sb = SBUF_INIT;
		json_t *row = json_array_get(t->topics, i / TOPICS_NCOLS);
		output_cell(&sb, json_object_get(row, topics_keys[i % TOPICS_NCOLS]));
		t->cells[i] = sbuf_release(&sb);
	}
}

/* ud is non-NULL for the first paint from the stored snapshot (`topics --stored`). */
static void topics_done(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct topics *t = v->priv;
	bool stored = ud != NULL;
	bool same = false; /* the rows shown already (the usual reload): nothing to format or measure again */
	if (view_load_result(v, ctx, stored)) {
		json_t *a = json_object_get(ctx->result, "topics");
		same = t->topics && json_equal(t->topics, a);
		if (json_is_array(a) && !same) {
			json_decref(t->topics);
			t->topics = json_incref(a);
			topics_cells_make(t);
		}
		view_loaded(v, ctx->status == CMD_OK ? NULL : ctx->error, ctx->hint);
	} else if (!stored) {
		view_loaded(v, ctx->error, ctx->hint); /* the old rows stay, with the error beside them */
	}
	if (!same)
		view_refilter(v);
}

static void topics_reload(struct view *v)
{
	if (v->inflight == 0) /* one at a time: a slow cluster must not pile requests up */
		tui_request(v->tui, v, "topics --sparklines", topics_done, NULL);
}

static void topics_open(struct view *v, void *arg)
{
	(void)arg;
	v->priv = xcalloc(1, sizeof(struct topics));
	/* The last stored snapshot at once, marked stale, while the cluster is asked. */
	if (tui_history(v->tui))
		tui_request_stored(v->tui, v, "topics --stored --sparklines", topics_done, v);
	tui_request(v->tui, v, "topics --sparklines", topics_done, NULL);
}

static void topics_close(struct view *v)
{
	struct topics *t = v->priv;
	topics_cells_free(t);
	json_decref(t->topics);
	free(t);
}

static int topics_rows(struct view *v)
{
	struct topics *t = v->priv;
	return t->topics ? (int)json_array_size(t->topics) : 0;
}

static void topics_cell(struct view *v, int row, int col, struct sbuf *out)
{
	struct topics *t = v->priv;
	size_t i = (size_t)row * TOPICS_NCOLS + (size_t)col;
	if (i < t->ncells)
		sbuf_add(out, t->cells[i]);
}

static unsigned topics_key(struct view *v, int key, int row)
{
	struct topics *t = v->priv;
	if ((key == '\n' || key == '\r' || key == KEY_ENTER) && row >= 0) {
		const char *name = json_string_value(json_object_get(json_array_get(t->topics, (size_t)row), "name"));
		if (name)
			tui_open_view(v->tui, "partitions", name);
		return VIEW_REDRAW;
	}
	return 0;
}

static char *topics_value(struct view *v, int row, const char *name)
{
	struct topics *t = v->priv;
	json_t *val = row >= 0 ? json_object_get(json_array_get(t->topics, (size_t)row), name) : NULL;
	if (json_is_integer(val))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(val));
	return json_is_string(val) ? xstrdup(json_string_value(val)) : NULL;
}

static int topics_style(struct view *v, int row)
{
	struct topics *t = v->priv;
	json_t *r = json_array_get(t->topics, (size_t)row);
	if (json_integer_value(json_object_get(r, "offline")) > 0)
		return THEME_PARTITION_OFFLINE;
	if (json_integer_value(json_object_get(r, "under_replicated")) > 0)
		return THEME_UNDER_REPLICATED;
	return THEME_NONE;
}

char **view_topics_names(struct view *v)
{
	struct topics *t = v->priv;
	size_t n = t && t->topics ? json_array_size(t->topics) : 0;
	char **names = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		names[i] = xstrdup(json_string_value(json_object_get(json_array_get(t->topics, i), "name")));
	return names;
}

const struct view_ops view_topics_ops = {
	.name = "topics",
	.cols = topics_cols,
	.open = topics_open,
	.close = topics_close,
	.rows = topics_rows,
	.cell = topics_cell,
	.key = topics_key,
	.reload = topics_reload,
	.style = topics_style,
	.value = topics_value,
	.enter_help = "partitions",
};
