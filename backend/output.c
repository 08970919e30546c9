#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "xalloc.h"

int output_format_parse(const char *s)
{
	if (strcmp(s, "table") == 0 || strcmp(s, "text") == 0)
		return OUT_TABLE;
	if (strcmp(s, "json") == 0 || strcmp(s, "ndjson") == 0) /* one compact document a line either way */
		return OUT_JSON;
	if (strcmp(s, "csv") == 0)
		return OUT_CSV;
	return -1;
}

json_t *output_lookup(json_t *obj, const char *key)
{
	const char *dot = strchr(key, '.');
	if (!json_is_object(obj))
		return NULL;
	if (dot == NULL)
		return json_object_get(obj, key);
	char *head = x_strndup(key, (size_t)(dot - key));
	json_t *v = json_object_get(obj, head);
	free(head);
	return output_lookup(v, dot + 1);
}

void output_cell(struct sbuf *sb, json_t *v)
{
	if (v == NULL) {
		sbuf_add(sb, "-");
		return;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		escape_append(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		sbuf_addi(sb, json_integer_value(v));
		break;
	case JSON_REAL:
		sbuf_addf(sb, "%.6g", json_real_value(v));
		break;
	case JSON_TRUE:
		sbuf_add(sb, "yes");
		break;
	case JSON_FALSE:
		sbuf_add(sb, "no");
		break;
	case JSON_ARRAY: {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (i)
				sbuf_addc(sb, ',');
			output_cell(sb, e);
		}
		break;
	}
	case JSON_OBJECT: {
		/* JSON text is escaped already (a backslash is \\, C0 is \u00XX): what it still holds raw
		 * (DEL, C1, bidi controls) is rewritten as JSON escapes, not escaped a second time */
		char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		escape_json_text(sb, s ? s : "{}");
		free(s);
		break;
	}
	default:
		sbuf_add(sb, "-");
	}
}

static char *output_cell_str(json_t *v)
{
	struct sbuf sb = SBUF_INIT;
	output_cell(&sb, v);
	return sbuf_release(&sb);
}

/* Columns for an array without a view: the keys of its first object, scalars only. */
static struct out_col *output_derive_cols(json_t *rows)
{
	json_t *first = json_array_get(rows, 0);
	size_t n = json_is_object(first) ? json_object_size(first) : 0, i = 0;
	struct out_col *cols = x_calloc(n + 1, sizeof(*cols));
	const char *k;
	json_t *v;
	if (n)
		json_object_foreach(first, k, v)
		{
			if (json_is_object(v))
				continue;
			cols[i].key = k;
			cols[i].title = k;
			cols[i].flags = json_is_number(v) ? OUT_RIGHT : 0;
			i++;
		}
	return cols;
}

static void output_upper(struct sbuf *sb, const char *title)
{
	for (const char *p = title; *p; p++)
		sbuf_addc(sb, *p == '_' ? ' ' : (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p);
}

static void output_table(struct sbuf *sb, const struct out_col *cols, json_t *rows, int width)
{
	size_t ncols = 0, nrows = json_array_size(rows);
	while (cols[ncols].key)
		ncols++;
	if (ncols == 0)
		return;
	/* cells[r][c], row 0 is the header */
	char **cells = x_calloc((nrows + 1) * ncols, sizeof(char *));
	size_t *w = x_calloc(ncols, sizeof(size_t));
	bool *shown = x_calloc(ncols, sizeof(bool));
	for (size_t c = 0; c < ncols; c++) {
		struct sbuf h = SBUF_INIT;
		output_upper(&h, cols[c].title);
		cells[c] = sbuf_release(&h);
		w[c] = escape_width(cells[c]);
		/* a column whose key no row has (an optional field) is not shown */
		for (size_t r = 0; r < nrows && !shown[c]; r++)
			shown[c] = output_lookup(json_array_get(rows, r), cols[c].key) != NULL;
		shown[c] = shown[c] || nrows == 0;
	}
	for (size_t r = 0; r < nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			char *s = output_cell_str(output_lookup(json_array_get(rows, r), cols[c].key));
			size_t sw = escape_width(s);
			cells[(r + 1) * ncols + c] = s;
			if (sw > w[c])
				w[c] = sw;
		}
	/* Fit the width: drop WIDE columns from the right, then shrink the widest text column. */
	if (width > 0) {
		size_t total;
		for (;;) {
			total = 0;
			for (size_t c = 0; c < ncols; c++)
				total += shown[c] ? w[c] + 2 : 0;
			if (total <= (size_t)width + 2)
				break;
			size_t drop = ncols;
			for (size_t c = ncols; c-- > 0;)
				if (shown[c] && (cols[c].flags & OUT_WIDE)) {
					drop = c;
					break;
				}
			if (drop == ncols)
				break;
			shown[drop] = false;
		}
		while (total > (size_t)width + 2) {
			size_t wide = ncols;
			for (size_t c = 0; c < ncols; c++)
				if (shown[c] && !(cols[c].flags & OUT_RIGHT) && w[c] > 8 &&
				    (wide == ncols || w[c] > w[wide]))
					wide = c;
			if (wide == ncols)
				break;
			size_t cut = total - (size_t)width - 2;
			size_t nw = w[wide] - cut < 8 ? 8 : w[wide] - cut;
			total -= w[wide] - nw;
			w[wide] = nw;
		}
	}
	size_t last = 0;
	for (size_t c = 0; c < ncols; c++)
		if (shown[c])
			last = c;
	for (size_t r = 0; r <= nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			if (!shown[c])
				continue;
			const char *s = cells[r * ncols + c];
			size_t n = strlen(s), used = escape_width(s);
			bool cut = used > w[c];
			if (cut) { /* keep what fits in w-1 columns, then a ~ */
				n = escape_fit(s, w[c] - 1);
				char *keep = x_strndup(s, n);
				used = escape_width(keep) + 1;
				free(keep);
			}
			size_t pad = w[c] > used ? w[c] - used : 0;
			if (cols[c].flags & OUT_RIGHT)
				sbuf_pad(sb, ' ', pad);
			sbuf_addn(sb, s, n);
			if (cut)
				sbuf_addc(sb, '~');
			if (!(cols[c].flags & OUT_RIGHT) && c != last)
				sbuf_pad(sb, ' ', pad);
			if (c != last)
				sbuf_add(sb, "  ");
		}
		while (sb->len && sb->buf[sb->len - 1] == ' ') /* empty trailing cells */
			sb->buf[--sb->len] = '\0';
		sbuf_addc(sb, '\n');
	}
	for (size_t i = 0; i < (nrows + 1) * ncols; i++)
		free(cells[i]);
	free(cells);
	free(w);
	free(shown);
}

static void output_csv_field(struct sbuf *sb, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		sbuf_add(sb, s);
		return;
	}
	sbuf_addc(sb, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			sbuf_addc(sb, '"');
		sbuf_addc(sb, *p);
	}
	sbuf_addc(sb, '"');
}

static void output_csv(struct sbuf *sb, const struct out_col *cols, json_t *rows)
{
	bool first = true;
	for (size_t c = 0; cols[c].key; c++) {
		if (cols[c].flags & OUT_TEXT)
			continue;
		if (!first)
			sbuf_addc(sb, ',');
		first = false;
		output_csv_field(sb, cols[c].key);
	}
	sbuf_addc(sb, '\n');
	size_t r;
	json_t *row;
	json_array_foreach(rows, r, row)
	{
		first = true;
		for (size_t c = 0; cols[c].key; c++) {
			if (cols[c].flags & OUT_TEXT)
				continue;
			json_t *v = output_lookup(row, cols[c].key);
			char *s = json_is_null(v) || v == NULL ? x_strdup("") : output_cell_str(v);
			if (!first)
				sbuf_addc(sb, ',');
			first = false;
			output_csv_field(sb, s);
			free(s);
		}
		sbuf_addc(sb, '\n');
	}
}

static void output_fields(struct sbuf *sb, const struct out_col *fields, json_t *data)
{
	size_t tw = 0;
	for (size_t i = 0; fields[i].key; i++)
		if (strlen(fields[i].title) > tw && output_lookup(data, fields[i].key))
			tw = strlen(fields[i].title);
	for (size_t i = 0; fields[i].key; i++) {
		json_t *v = output_lookup(data, fields[i].key);
		if (v == NULL)
			continue;
		sbuf_addf(sb, "%s:", fields[i].title);
		sbuf_pad(sb, ' ', tw - strlen(fields[i].title) + 1);
		output_cell(sb, v);
		sbuf_addc(sb, '\n');
	}
}

/* A generic view of data: its scalar fields, then each array of objects as a table. */
static void output_generic(struct sbuf *sb, enum out_format fmt, json_t *data, int width)
{
	const char *k;
	json_t *v;
	size_t nf = 0;
	struct out_col *fields = x_calloc(json_object_size(data) + 1, sizeof(*fields));
	json_object_foreach(data, k, v)
	{
		if (!json_is_array(v) || !json_is_object(json_array_get(v, 0)))
			fields[nf].key = fields[nf].title = k, nf++;
	}
	if (fmt == OUT_TABLE)
		output_fields(sb, fields, data);
	free(fields);
	json_object_foreach(data, k, v)
	{
		if (!json_is_array(v) || !json_is_object(json_array_get(v, 0)))
			continue;
		struct out_col *cols = output_derive_cols(v);
		if (fmt == OUT_CSV) {
			output_csv(sb, cols, v);
		} else {
			if (sb->len)
				sbuf_addc(sb, '\n');
			output_table(sb, cols, v, width);
		}
		free(cols);
		if (fmt == OUT_CSV)
			break; /* CSV holds one table */
	}
}

void output_render(struct sbuf *sb, enum out_format fmt, const struct out_view *view, json_t *data, int width)
{
	if (fmt == OUT_JSON) {
		char *s = json_dumps(data, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		escape_json_text(sb, s ? s : "null");
		sbuf_addc(sb, '\n');
		free(s);
		return;
	}
	if (view == NULL) {
		output_generic(sb, fmt, data, width);
		return;
	}
	if (view->fields && fmt == OUT_TABLE)
		output_fields(sb, view->fields, data);
	for (const struct out_table *t = view->tables; t && t->key; t++) {
		json_t *rows = json_object_get(data, t->key);
		if (!json_is_array(rows))
			continue;
		if (fmt == OUT_CSV) {
			output_csv(sb, t->cols, rows);
			break;
		}
		if (sb->len && (view->fields || t != view->tables))
			sbuf_addc(sb, '\n');
		output_table(sb, t->cols, rows, width);
	}
}

void output_error(struct sbuf *sb, enum out_format fmt, const char *command, int status, const char *cause,
		  const char *hint)
{
	if (fmt == OUT_JSON) { /* JSON holds UTF-8 only: a byte that is not becomes U+FFFD, not a `null` */
		char *c = escape_utf8_fix(cause, strlen(cause)), *h = hint ? escape_utf8_fix(hint, strlen(hint)) : NULL;
		json_t *e = json_pack("{s:{s:s?,s:s,s:s?,s:i}}", "error", "command", command, "message", c, "hint", h,
				      "status", status);
		output_render(sb, OUT_JSON, NULL, e, 0);
		json_decref(e);
		free(c);
		free(h);
		return;
	}
	sbuf_add(sb, "error: ");
	char *c = escape_str(cause);
	sbuf_add(sb, c);
	free(c);
	if (hint) {
		char *h = escape_str(hint);
		sbuf_addf(sb, "\n  hint: %s", h);
		free(h);
	}
	sbuf_addc(sb, '\n');
}
