/*
 * Table views over a command's JSON, declared by a vjson_spec (VJSON_VIEW): the shared part of
 * topics, groups, lag, group, brokers, cluster, partitions. The columns come from the command's own
 * (its out_view table of the spec's array), so the view and the command's text table agree.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "output.h"
#include "parse.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

struct vjson {
	const struct vjson_spec *spec;
	struct view_col *cols; /* v->cols: from the command's columns (out_view) and the spec */
	char **keys;           /* per column, the key of a row's cell */
	char *arg;
	json_t *rows; /* the array of the last result */
	unsigned gen; /* bumped by vjson_switch: answers to an older spec are dropped */
	/*
	 * The rows' cells as text, ncols a row, made at the first cell asked after the rows changed:
	 * the core asks for every cell of every row to filter and measure columns, and formatting them
	 * from JSON each time made a filter key take 15-60 ms on a topic of 10,000 partitions.
	 */
	char **cells;
	size_t ncells;
	int ncols;
	/*
	 * Their widths on screen, made at the first width asked (-1: not yet), for the encoding of
	 * widths_utf8: measuring the columns of 100,000 rows after each filter key read and measured
	 * every cell again.
	 */
	int *widths;
	bool widths_utf8;
};

static void vjson_cells_free(struct vjson *j)
{
	for (size_t i = 0; i < j->ncells; i++)
		free(j->cells[i]);
	x_free(&j->cells);
	x_free(&j->widths);
	j->ncells = 0;
}

/* Rows replaced (taken over; may be NULL): their cells are made again when asked. */
static void vjson_set_rows(struct vjson *j, json_t *rows)
{
	vjson_cells_free(j);
	json_decref(j->rows);
	j->rows = rows;
}

/* The fields of an object as rows {field, value}, for views of one object. */
static json_t *vjson_fields(json_t *obj)
{
	json_t *a = json_array();
	const char *k;
	json_t *val;
	json_object_foreach(obj, k, val)
	{
		if (strcmp(k, "stale") == 0) /* the status bar says it */
			continue;
		json_array_append_new(a, json_pack("{s:s, s:O}", "field", k, "value", val));
	}
	return a;
}

/* The command's columns of the spec's array (its out_view table), or NULL. */
static const struct out_col *vjson_command_cols(const struct vjson_spec *spec)
{
	struct parse_list pl = { 0 };
	char *cause = NULL;
	const struct out_col *cols = NULL;
	if (parse_commands(spec->command, &pl, &cause) == 0 && pl.n > 0) {
		int consumed;
		const struct cmd_entry *e = cmd_find(pl.cmds[0].argc, pl.cmds[0].argv, &consumed, &cause);
		for (const struct out_table *tb = e && e->view ? e->view->tables : NULL; tb && tb->key; tb++)
			if (spec->array && strcmp(tb->key, spec->array) == 0)
				cols = tb->cols;
	}
	free(cause);
	parse_list_clear(&pl);
	return cols;
}

/*
 * The view's columns: per key of the spec, the command's column of that key, its title in capitals
 * ('_' as '-') and right-aligned as the command's; "key=TITLE" is a column of the view's own.
 */
static void vjson_columns(struct vjson *j)
{
	const struct out_col *cc = vjson_command_cols(j->spec);
	int n = 0;
	while (j->spec->keys[n])
		n++;
	j->cols = x_calloc((size_t)n + 1, sizeof(*j->cols));
	j->keys = x_calloc((size_t)n + 1, sizeof(*j->keys));
	for (int c = 0; c < n; c++) {
		const char *k = j->spec->keys[c], *eq = strchr(k, '=');
		j->keys[c] = eq ? x_strndup(k, (size_t)(eq - k)) : x_strdup(k);
		const struct out_col *oc = cc;
		while (!eq && oc && oc->key && strcmp(oc->key, k) != 0)
			oc++;
		char *title = x_strdup(eq ? eq + 1 : oc && oc->key ? oc->title : k);
		for (char *p = title; !eq && *p; p++)
			*p = *p == '_' ? '-' : (char)toupper((unsigned char)*p);
		j->cols[c].title = title;
		j->cols[c].flags = (!eq && oc && oc->key && (oc->flags & OUT_RIGHT) ? VIEW_COL_RIGHT : 0) |
				   (j->spec->fill && strcmp(j->keys[c], j->spec->fill) == 0 ? VIEW_COL_FILL : 0);
	}
}

static void vjson_columns_free(struct vjson *j)
{
	for (int c = 0; j->keys && j->keys[c]; c++) {
		free((char *)j->cols[c].title);
		free(j->keys[c]);
	}
	x_free(&j->cols);
	x_free(&j->keys);
}

/* The title of the spec, with the view's argument escaped for %s. */
static void vjson_title(struct view *v, struct vjson *j)
{
	if (j->spec->title == NULL)
		return;
	char *esc = escape_str(j->arg ? j->arg : "?");
	free(v->title);
	v->title = x_asprintf(j->spec->title, esc);
	free(esc);
}

/* A request's tag (its ud): the spec's generation, and whether it is the first paint from the store. */
#define VJSON_TAG(gen, stored) ((void *)(((uintptr_t)(gen) << 1) | ((stored) ? 1u : 0u)))

static void vjson_done(struct view *v, struct cmd_ctx *ctx, void *ud)
{
	struct vjson *j = v->priv;
	bool stored = (uintptr_t)ud & 1;
	if ((unsigned)((uintptr_t)ud >> 1) != j->gen) { /* asked before a switch: ask again for what is shown now */
		if (!stored)
			vjson_reload(v);
		return;
	}
	bool same = false; /* the rows shown already: nothing to format, filter or measure again */
	if (view_load_result(v, ctx, stored)) {
		json_t *a = j->spec->array ? json_incref(json_object_get(ctx->result, j->spec->array))
					   : vjson_fields(ctx->result);
		same = j->rows && json_equal(j->rows, a);
		if (json_is_array(a) && !same) {
			vjson_set_rows(j, a);
		} else {
			json_decref(a);
		}
		if (j->spec->loaded)
			j->spec->loaded(v, ctx->result);
		view_loaded(v, ctx->status == CMD_OK ? NULL : ctx->error, ctx->hint);
	} else if (!stored) {
		view_loaded(v, ctx->error, ctx->hint); /* the old rows stay, with the error beside them */
	}
	if (!same)
		view_refilter(v);
}

/* Runs the command line (with the view's argument for %s); stored: the first paint from the store. */
static void vjson_request(struct view *v, const char *command, bool stored)
{
	struct vjson *j = v->priv;
	char *q = parse_quote(j->arg ? j->arg : "");
	char *line = strstr(command, "%s") ? x_asprintf(command, q) : x_strdup(command);
	if (stored) /* ahead of the requests waiting for a slow cluster */
		tui_request_stored(v->tui, v, line, vjson_done, VJSON_TAG(j->gen, true));
	else
		tui_request(v->tui, v, line, vjson_done, VJSON_TAG(j->gen, false));
	free(line);
	free(q);
}

void vjson_reload(struct view *v)
{
	struct vjson *j = v->priv;
	if (v->inflight == 0) /* one at a time: a slow cluster must not pile requests up */
		vjson_request(v, j->spec->command, false);
}

void vjson_open(struct view *v, void *arg)
{
	const struct vjson_spec *spec = v->ops->table;
	struct vjson *j = x_calloc(1, sizeof(*j));
	j->spec = spec;
	j->arg = arg ? x_strdup(arg) : NULL;
	v->priv = j;
	vjson_columns(j);
	v->cols = j->cols;
	vjson_title(v, j);
	/* The last stored snapshot at once, marked stale, while the cluster is asked. */
	if (spec->stored && tui_stored(v->tui))
		vjson_request(v, spec->stored, true);
	vjson_request(v, spec->command, false);
}

void vjson_close(struct view *v)
{
	struct vjson *j = v->priv;
	vjson_set_rows(j, NULL);
	vjson_columns_free(j);
	free(j->arg);
	free(j);
}

int vjson_rows(struct view *v)
{
	struct vjson *j = v->priv;
	return j->rows ? (int)json_array_size(j->rows) : 0;
}

const char *vjson_arg(struct view *v)
{
	struct vjson *j = v->priv;
	return j->arg;
}

json_t *vjson_row(struct view *v, int row)
{
	struct vjson *j = v->priv;
	return json_array_get(j->rows, (size_t)row);
}

json_int_t vjson_int(struct view *v, int row, const char *key)
{
	return json_integer_value(json_object_get(vjson_row(v, row), key));
}

static void vjson_cell_of(struct vjson *j, json_t *r, int col, struct sbuf *out)
{
	if (j->spec->cell && j->spec->cell(r, col, out))
		return;
	output_cell(out, json_object_get(r, j->keys[col]));
}

/* The cell's text, made for every row at the first ask after the rows changed; NULL out of range. */
static const char *vjson_cell_text(struct view *v, int row, int col)
{
	struct vjson *j = v->priv;
	if (j->cells == NULL && j->rows) {
		j->ncols = 0;
		while (v->cols[j->ncols].title)
			j->ncols++;
		j->ncells = json_array_size(j->rows) * (size_t)j->ncols;
		j->cells = x_calloc(j->ncells + 1, sizeof(char *));
		for (size_t i = 0; i < j->ncells; i++) {
			struct sbuf sb = SBUF_INIT;
			vjson_cell_of(j, json_array_get(j->rows, i / (size_t)j->ncols), (int)(i % (size_t)j->ncols),
				      &sb);
			j->cells[i] = sbuf_release(&sb);
		}
	}
	size_t i = (size_t)row * (size_t)j->ncols + (size_t)col;
	return row >= 0 && col >= 0 && col < j->ncols && i < j->ncells ? j->cells[i] : NULL;
}

void vjson_cell(struct view *v, int row, int col, struct sbuf *out)
{
	const char *c = vjson_cell_text(v, row, col);
	if (c)
		sbuf_add(out, c);
}

const char *vjson_cell_ref(struct view *v, int row, int col, bool utf8, int *width)
{
	struct vjson *j = v->priv;
	const char *c = vjson_cell_text(v, row, col);
	if (c == NULL || width == NULL) {
		if (width)
			*width = 0;
		return c ? c : "";
	}
	if (j->widths == NULL || j->widths_utf8 != utf8) {
		free(j->widths);
		j->widths = x_calloc(j->ncells + 1, sizeof(int));
		memset(j->widths, 0xff, (j->ncells + 1) * sizeof(int));
		j->widths_utf8 = utf8;
	}
	size_t i = (size_t)row * (size_t)j->ncols + (size_t)col;
	if (j->widths[i] < 0) {
		char *t = utf8 ? NULL : view_text(c, utf8); /* as view_put shows it: '?' for each character */
		j->widths[i] = view_text_width(t ? t : c, utf8);
		free(t);
	}
	*width = j->widths[i];
	return c;
}

/* A string or a number of a JSON value, as a new string; NULL for anything else. */
static char *vjson_scalar(json_t *val)
{
	if (json_is_string(val))
		return x_strdup(json_string_value(val));
	if (json_is_integer(val))
		return x_asprintf("%" JSON_INTEGER_FORMAT, json_integer_value(val));
	return NULL;
}

char *vjson_value(struct view *v, int row, const char *name)
{
	struct vjson *j = v->priv;
	if (strcmp(name, "arg") == 0)
		return j->arg ? x_strdup(j->arg) : NULL;
	json_t *val = row >= 0 ? json_object_get(vjson_row(v, row), name) : NULL;
	if (j->spec->null_blank && json_is_null(val))
		return x_strdup("");
	return vjson_scalar(val);
}

void vjson_switch(struct view *v, const struct view_ops *ops)
{
	struct vjson *j = v->priv;
	j->spec = ops->table;
	j->gen++;
	vjson_set_rows(j, NULL);
	/* Another table: its columns, no rows until its answer, and none of the old filter or sort. */
	v->ops = ops;
	vjson_columns_free(j);
	vjson_columns(j);
	v->cols = j->cols;
	x_free(&v->natural);
	vjson_title(v, j);
	v->sel = v->top = 0;
	x_free(&v->sel_key);
	v->filter[0] = '\0';
	v->sort = 0;
	v->sort_rev = false;
	v->loaded_ms = 0;
	v->stale_ms = 0;
	x_free(&v->error);
	x_free(&v->hint);
	view_refilter(v);
	vjson_reload(v);
}
