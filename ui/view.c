/* The view core: filtering, selection, scrolling and drawing rows as an aligned table. */
#include "clock.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "escape.h"
#include "layout.h"
#include "look.h"
#include "loop.h"
#include "xalloc.h"

#define VIEW_GAP 2 /* columns between table columns */

char *view_text(const char *s, bool utf8)
{
	if (utf8)
		return x_strdup(s);
	struct sbuf sb = SBUF_INIT;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			sbuf_addc(&sb, (char)c);
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = escape_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		sbuf_addc(&sb, '?');
		i += n ? n : 1;
	}
	return sbuf_release(&sb);
}

int view_text_width(const char *s, bool utf8)
{
	return utf8 ? (int)escape_width(s) : (int)strlen(s);
}

int view_put(int y, int x, int w, const char *s, bool utf8)
{
	if (w <= 0)
		return 0;
	char *t = view_text(s, utf8);
	int tw = view_text_width(t, utf8);
	int drawn;
	if (tw <= w) {
		mvaddnstr(y, x, t, (int)strlen(t));
		drawn = tw;
	} else {
		size_t fit = utf8 ? escape_fit(t, (size_t)w - 1) : (size_t)w - 1;
		mvaddnstr(y, x, t, (int)fit);
		addstr(utf8 ? "\xe2\x80\xa6" : "~"); /* … */
		drawn = w;
	}
	free(t);
	return drawn;
}

struct view *view_new(const struct view_ops *ops, struct tui *t, const char *title, void *arg)
{
	struct view *v = x_calloc(1, sizeof(*v));
	v->ops = ops;
	v->cols = ops->cols;
	v->tui = t;
	v->title = x_strdup(title);
	v->width = tui_width(t);
	ops->open(v, arg);
	view_refilter(v);
	return v;
}

void view_free(struct view *v)
{
	free(v->low);
	free(v->lowoff);
	free(v->map);
	free(v->natural);
	free(v->title);
	free(v->sel_key);
	free(v->error);
	free(v->hint);
	free(v);
}

void view_close(struct view *v)
{
	v->ops->close(v);
	v->priv = NULL;
	v->dead = true;
	if (v->inflight == 0)
		view_free(v);
}

static char *view_cell(struct view *v, int row, int col)
{
	struct sbuf sb = SBUF_INIT;
	v->ops->cell(v, row, col, &sb);
	return sbuf_release(&sb);
}

/*
 * A cell's text without a copy when the view holds it (cell_ref), else a copy left in *own to free:
 * what the loops over every row use (filtering, measuring, finding the selected row again).
 */
static const char *view_cell_peek(struct view *v, int row, int col, char **own, bool utf8, int *width)
{
	*own = NULL;
	if (v->ops->cell_ref)
		return v->ops->cell_ref(v, row, col, utf8, width);
	*own = view_cell(v, row, col);
	if (width) {
		char *t = utf8 ? NULL : view_text(*own, utf8); /* in UTF-8, view_text would only copy it */
		*width = view_text_width(t ? t : *own, utf8);
		free(t);
	}
	return *own;
}

static void view_remember(struct view *v)
{
	free(v->sel_key);
	v->sel_key = v->nmap > 0 && !(v->ops->flags & VIEW_TEXT) ? view_cell(v, v->map[v->sel], 0) : NULL;
}

/* A row's sort key: numbers compare as numbers, before text; "-" (no value) comes last. */
struct view_sortkey {
	int row;
	const char *cell;
	char *own; /* the copy to free when the view holds no cells (cell_ref) */
	double num;
	int kind; /* 0 number, 1 text, 2 none */
};

static int view_sortkey_cmp(const struct view_sortkey *a, const struct view_sortkey *b)
{
	if (a->kind != b->kind)
		return a->kind - b->kind;
	if (a->kind == 0 && a->num != b->num)
		return a->num < b->num ? -1 : 1;
	return a->kind == 1 ? strcasecmp(a->cell, b->cell) : 0;
}

static bool view_sort_rev; /* for qsort's comparison: the UI is one thread */

static int view_sortkey_qcmp(const void *pa, const void *pb)
{
	const struct view_sortkey *a = pa, *b = pb;
	int c = view_sortkey_cmp(a, b);
	if (c == 0 || a->kind == 2 || b->kind == 2) /* ties keep the data's order; no value stays last */
		return c ? c : a->row - b->row;
	return view_sort_rev ? -c : c;
}

static void view_sort(struct view *v)
{
	if (v->sort <= 0 || v->nmap < 2 || (v->ops->flags & VIEW_TEXT))
		return;
	struct view_sortkey *k = x_calloc((size_t)v->nmap, sizeof(*k));
	for (int i = 0; i < v->nmap; i++) {
		k[i].row = v->map[i];
		k[i].cell = view_cell_peek(v, v->map[i], v->sort - 1, &k[i].own, true, NULL);
		char *end = NULL;
		k[i].num = strtod(k[i].cell, &end);
		k[i].kind = k[i].cell[0] && end && *end == '\0' ? 0 : strcmp(k[i].cell, "-") && k[i].cell[0] ? 1 : 2;
	}
	view_sort_rev = v->sort_rev;
	qsort(k, (size_t)v->nmap, sizeof(*k), view_sortkey_qcmp);
	for (int i = 0; i < v->nmap; i++) {
		v->map[i] = k[i].row;
		free(k[i].own);
	}
	free(k);
}

static bool view_low_ready(struct view *v);

void view_refilter(struct view *v)
{
	x_free(&v->natural); /* measured again at the next draw */
	v->mapped[0] = '\0';
	x_free(&v->low);
	x_free(&v->lowoff);
	if (v->ops->rows(v) > 0)
		view_low_ready(v); /* with the load, not at a key */
	view_filter_changed(v);
}

static char view_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * The rows' first cells in lower case, in one buffer, for views that hold their cells (cell_ref):
 * strstr over it is several times faster than strcasestr over the cells (100,000 rows at each key
 * that widens the filter). Made when the rows change, so that no key waits for it.
 */
static bool view_low_ready(struct view *v)
{
	if (v->low)
		return true;
	if (!v->ops->cell_ref || v->ops->match)
		return false;
	int n = v->ops->rows(v);
	size_t len = 0;
	v->lowoff = x_calloc((size_t)n + 1, sizeof(size_t));
	for (int r = 0; r < n; r++) {
		v->lowoff[r] = len;
		len += strlen(v->ops->cell_ref(v, r, 0, true, NULL)) + 1;
	}
	v->low = x_malloc(len + 1);
	for (int r = 0; r < n; r++) {
		char *d = v->low + v->lowoff[r];
		for (const char *c = v->ops->cell_ref(v, r, 0, true, NULL); *c; c++)
			*d++ = view_lower(*c);
		*d = '\0';
	}
	return true;
}

/* Whether row r's first cell contains the filter, ignoring case; low: the filter in lower case. */
static bool view_passes(struct view *v, int r, const char *low)
{
	if (v->low)
		return strstr(v->low + v->lowoff[r], low) != NULL;
	char *own;
	bool ok = strcasestr(view_cell_peek(v, r, 0, &own, true, NULL), v->filter) != NULL;
	free(own);
	return ok;
}

/*
 * Narrows the filtered rows to those whose first cell contains the filter: when the filter grew
 * from the one the rows were filtered with (a character typed), only those rows can pass, in the
 * same (sorted) order. 100,000 rows made every key of a filter search all of them.
 */
static bool view_narrow(struct view *v, const char *low)
{
	if (v->ops->match || !v->mapped[0] || !strcasestr(v->filter, v->mapped))
		return false;
	int n = 0;
	for (int i = 0; i < v->nmap; i++)
		if (view_passes(v, v->map[i], low))
			v->map[n++] = v->map[i];
	v->nmap = n;
	return true;
}

void view_rows_changed(struct view *v, const int *rows, int n, int col)
{
	if (n <= 0)
		return;
	if (v->sort > 0 || (v->low && col == 0)) { /* the order, or the lower-case copy, may change: all again */
		view_refilter(v);
		return;
	}
	if (v->natural) /* that column is measured again at the next draw, the others stay */
		v->natural[col] = -1;
	if (v->filter[0] == '\0' || strcmp(v->mapped, v->filter) != 0) { /* every row passes; or not filtered yet */
		if (v->filter[0])
			view_filter_changed(v);
		return;
	}
	char low[sizeof(v->filter)];
	for (size_t i = 0; i < sizeof(low); i++)
		low[i] = view_lower(v->filter[i]);
	v->map = x_reallocarray(v->map, (size_t)v->ops->rows(v) + 1, sizeof(int)); /* room for every row */
	for (int k = 0; k < n; k++) {
		int r = rows[k];
		bool pass = v->ops->match ? v->ops->match(v, r, v->filter) : view_passes(v, r, low);
		int lo = 0, hi = v->nmap; /* the map is in the rows' order (not sorted): where r is, or goes */
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (v->map[mid] < r)
				lo = mid + 1;
			else
				hi = mid;
		}
		bool in = lo < v->nmap && v->map[lo] == r;
		if (pass && !in) {
			memmove(v->map + lo + 1, v->map + lo, (size_t)(v->nmap - lo) * sizeof(int));
			v->map[lo] = r;
			if (lo <= v->sel && v->nmap > 0) /* the selection stays on its row */
				v->sel++;
			v->nmap++;
		} else if (!pass && in) {
			memmove(v->map + lo, v->map + lo + 1, (size_t)(v->nmap - lo - 1) * sizeof(int));
			v->nmap--;
			if (lo < v->sel)
				v->sel--;
		}
	}
	if (v->sel >= v->nmap)
		v->sel = v->nmap - 1;
	if (v->sel < 0)
		v->sel = 0;
	view_remember(v);
}

void view_rows_slid(struct view *v, int dropped, int first_new)
{
	if (v->sort > 0 || v->low || strcmp(v->mapped, v->filter) != 0 || (v->ops->flags & VIEW_TEXT)) {
		view_refilter(v);
		return;
	}
	if (!(v->ops->flags & VIEW_WIDTH_SHOWN))
		x_free(&v->natural); /* all rows measured again at the next draw */
	int n = v->ops->rows(v), k = 0, sel = v->sel, top = v->top;
	bool sel_gone = false;
	for (int i = 0; i < v->nmap; i++) { /* the rows still kept, numbered anew */
		int r = v->map[i] - dropped;
		if (r >= 0 && r < first_new) {
			v->map[k++] = r;
			continue;
		}
		if (i == v->sel)
			sel_gone = true;
		else if (i < v->sel)
			sel--;
		if (i < v->top)
			top--;
	}
	v->nmap = k;
	v->map = x_reallocarray(v->map, (size_t)n + 1, sizeof(int));
	char low[sizeof(v->filter)];
	for (size_t i = 0; i < sizeof(low); i++)
		low[i] = view_lower(v->filter[i]);
	for (int r = first_new < 0 ? 0 : first_new; r < n; r++) /* only the new rows meet the filter */
		if (v->filter[0] == '\0' || (v->ops->match ? v->ops->match(v, r, v->filter) : view_passes(v, r, low)))
			v->map[v->nmap++] = r;
	v->sel = sel_gone ? 0 : sel;
	v->top = top < 0 ? 0 : top;
	if (v->sel >= v->nmap)
		v->sel = v->nmap - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (sel_gone || v->sel_key == NULL)
		view_remember(v);
}

void view_filter_changed(struct view *v)
{
	int n = v->ops->rows(v);
	char low[sizeof(v->filter)];
	for (size_t i = 0; i < sizeof(low); i++)
		low[i] = view_lower(v->filter[i]);
	if (v->filter[0])
		view_low_ready(v);
	bool narrowed = view_narrow(v, low);
	if (!narrowed) {
		v->map = x_reallocarray(v->map, (size_t)n + 1, sizeof(int));
		v->nmap = 0;
	}
	for (int r = 0; !narrowed && r < n; r++) {
		if (v->filter[0] == '\0' || (v->ops->match && v->ops->match(v, r, v->filter)))
			v->map[v->nmap++] = r;
		else if (!v->ops->match && view_passes(v, r, low))
			v->map[v->nmap++] = r;
	}
	if (!narrowed)
		view_sort(v);
	snprintf(v->mapped, sizeof(v->mapped), "%s", v->filter);
	int keep = -1;
	for (int i = 0; v->sel_key && keep < 0 && i < v->nmap; i++) {
		char *own;
		if (strcmp(view_cell_peek(v, v->map[i], 0, &own, true, NULL), v->sel_key) == 0)
			keep = i;
		free(own);
	}
	if (keep >= 0)
		v->sel = keep;
	if (v->sel >= v->nmap)
		v->sel = v->nmap - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (v->top > v->sel && !(v->ops->flags & VIEW_TEXT))
		v->top = v->sel;
	view_remember(v);
}

void view_sort_key(struct view *v, bool reverse)
{
	int ncols = 0;
	if (v->ops->flags & VIEW_TEXT)
		return;
	while (v->cols[ncols].title)
		ncols++;
	if (reverse) {
		v->sort_rev = !v->sort_rev;
		if (v->sort == 0)
			v->sort = 1;
	} else {
		v->sort = (v->sort + 1) % (ncols + 1);
	}
	view_refilter(v);
}

void view_loaded(struct view *v, const char *cause, const char *hint)
{
	/* The event log gets the changes: a new failure, and the first load after one. */
	if (cause && (v->error == NULL || strcmp(v->error, cause) != 0))
		view_log_add("error", "%s view: %s", v->ops->name, cause);
	else if (cause == NULL && v->error)
		view_log_add("connection", "%s view: loaded again", v->ops->name);
	x_free(&v->error);
	x_free(&v->hint);
	if (cause) {
		v->error = x_strdup(cause);
		v->hint = x_strdup(hint);
	} else {
		v->loaded_ms = clock_mono_ms();
	}
}

bool view_load_result(struct view *v, const struct cmd_ctx *ctx, bool stored)
{
	json_t *st = json_object_get(ctx->result, "stale");
	if (stored ? ctx->status != CMD_OK || v->loaded_ms || v->error : ctx->status != CMD_OK && st == NULL)
		return false;
	v->stale_ms = 0;
	if (json_is_object(st)) /* its age now, as the wall time it was seen at */
		v->stale_ms = clock_wall_ms() - json_integer_value(json_object_get(st, "age_s")) * 1000;
	return true;
}

int view_selected(const struct view *v)
{
	if (v->nmap == 0 || (v->ops->flags & VIEW_TEXT))
		return -1;
	return v->map[v->sel];
}

void view_click(struct view *v, int line)
{
	if ((v->ops->flags & VIEW_TEXT) || line < 0 || v->top + line >= v->nmap)
		return;
	v->sel = v->top + line;
	view_remember(v);
}

void view_move(struct view *v, enum view_move what, int h)
{
	bool text = v->ops->flags & VIEW_TEXT;
	int pos = text ? v->top : v->sel, last = v->nmap - 1, page = h > 1 ? h - 1 : 1;
	if (text)
		last = v->nmap - h; /* the last screenful */
	switch (what) {
	case VIEW_MOVE_DOWN:
		pos++;
		break;
	case VIEW_MOVE_UP:
		pos--;
		break;
	case VIEW_MOVE_PAGE_DOWN:
		pos += page;
		break;
	case VIEW_MOVE_PAGE_UP:
		pos -= page;
		break;
	case VIEW_MOVE_TOP:
		pos = 0;
		break;
	case VIEW_MOVE_BOTTOM:
		pos = last;
		break;
	}
	if (pos > last)
		pos = last;
	if (pos < 0)
		pos = 0;
	if (text) {
		v->top = pos;
	} else {
		v->sel = pos;
		view_remember(v);
	}
}

bool view_move_key(struct view *v, int key, int h)
{
	static const struct {
		int key;
		enum view_move what;
	} moves[] = {
		{ 'j', VIEW_MOVE_DOWN },       { KEY_DOWN, VIEW_MOVE_DOWN },       { 'k', VIEW_MOVE_UP },
		{ KEY_UP, VIEW_MOVE_UP },      { KEY_NPAGE, VIEW_MOVE_PAGE_DOWN }, { ' ', VIEW_MOVE_PAGE_DOWN },
		{ 6, VIEW_MOVE_PAGE_DOWN },    { KEY_PPAGE, VIEW_MOVE_PAGE_UP },   { 2, VIEW_MOVE_PAGE_UP },
		{ 'g', VIEW_MOVE_TOP },        { KEY_HOME, VIEW_MOVE_TOP },        { 'G', VIEW_MOVE_BOTTOM },
		{ KEY_END, VIEW_MOVE_BOTTOM },
	};
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (moves[i].key == key) {
			view_move(v, moves[i].what, h);
			return true;
		}
	return false;
}

/*
 * Column widths for the table in w columns: as wide as their content, fitted by layout_columns().
 * Returns how many columns are shown.
 */
/* The width of a cell as drawn. */
static int view_cell_width(struct view *v, int row, int col, bool utf8)
{
	char *own;
	int cw;
	view_cell_peek(v, row, col, &own, utf8, &cw);
	free(own);
	return cw;
}

/*
 * Column widths for w columns: as wide as their widest cell of all rows, filtered out or not, so
 * columns stay put while a filter is typed. Measuring every row is the costly part of a frame
 * (10,000 topics: 50,000 cells, ~40 ms), so it is done once after the rows change (v->natural;
 * a filter key keeps it) and a frame adds only its visible rows (top .. top+h), whose cells may
 * have changed since. A VIEW_WIDTH_SHOWN view measures only those, and keeps the widest.
 */
static int view_widths(struct view *v, int *wid, int ncols, int w, int h, bool utf8)
{
	if (v->natural == NULL) {
		v->natural = x_calloc((size_t)ncols + 1, sizeof(int));
		for (int c = 0; c < ncols; c++)
			v->natural[c] = -1;
	}
	int rows = v->ops->rows(v);
	/* VIEW_WIDTH_SHOWN: the rows drawn only, at each frame (below) */
	bool shown = v->ops->flags & VIEW_WIDTH_SHOWN;
	for (int c = 0; c < ncols; c++) { /* the columns not measured yet (-1: view_rows_changed()) */
		if (v->natural[c] < 0) {
			v->natural[c] = view_text_width(v->cols[c].title, utf8);
			for (int i = 0; !shown && i < rows; i++) {
				int cw = view_cell_width(v, i, c, utf8);
				if (cw > v->natural[c])
					v->natural[c] = cw;
			}
		}
	}
	int fill = -1;
	for (int c = 0; c < ncols; c++) {
		wid[c] = v->natural[c];
		for (int i = v->top; i < v->top + h && i < v->nmap; i++) {
			int cw = view_cell_width(v, v->map[i], c, utf8);
			if (cw > wid[c])
				wid[c] = cw;
		}
		if (shown) /* widths only grow while rows slide by, so columns stay put */
			v->natural[c] = wid[c];
		if ((v->cols[c].flags & VIEW_COL_FILL) && fill < 0)
			fill = c;
	}
	return layout_columns(wid, ncols, fill, VIEW_GAP, w);
}

/* Draws one table line: cells (titles when row < 0) in the columns of wid. */
static void view_draw_line(struct view *v, int y, int row, const int *wid, int ncols, int w, bool utf8)
{
	int x = 1;
	for (int c = 0; c < ncols && x < w; c++) {
		char *cell = row < 0 ? x_strdup(v->cols[c].title) : view_cell(v, row, c);
		int cw = wid[c] < w - x ? wid[c] : w - x;
		int pad = 0;
		if (v->cols[c].flags & VIEW_COL_RIGHT) {
			char *t = view_text(cell, utf8);
			pad = cw - view_text_width(t, utf8);
			free(t);
			if (pad < 0)
				pad = 0;
		}
		view_put(y, x + pad, cw - pad, cell, utf8);
		free(cell);
		x += wid[c] + VIEW_GAP;
	}
}

static void view_draw_empty(struct view *v, int y, int w, bool utf8)
{
	const char *msg;
	char *buf = NULL;
	if (v->filter[0])
		msg = buf = x_asprintf("nothing matches /%s (Esc clears the filter)", v->filter);
	else if (v->loaded_ms == 0 && v->error == NULL)
		msg = utf8 ? "loading\xe2\x80\xa6" : "loading...";
	else if (v->error)
		msg = "no data: the status bar says why";
	else
		msg = "nothing to show";
	char *esc = escape_str(msg);
	view_put(y, 1, w - 1, esc, utf8);
	free(esc);
	free(buf);
}

void view_draw(struct view *v, int y, int h, int w, bool utf8)
{
	bool text = v->ops->flags & VIEW_TEXT;
	int ncols = 0;
	while (!text && v->cols[ncols].title)
		ncols++;
	if (h <= 0 || w <= 0)
		return;
	if (!text) {
		int *wid = x_calloc((size_t)ncols + 1, sizeof(int));
		y++, h--; /* the rows, below the header */
		if (v->sel < v->top)
			v->top = v->sel;
		if (h > 0 && v->sel >= v->top + h)
			v->top = v->sel - h + 1;
		if (v->top > 0 && v->top > v->nmap - h)
			v->top = v->nmap - h > 0 ? v->nmap - h : 0;
		ncols = view_widths(v, wid, ncols, w - 1, h, utf8);
		attrset(look_attr(THEME_HEADER));
		view_draw_line(v, y - 1, -1, wid, ncols, w, utf8);
		attrset(A_NORMAL);
		for (int i = 0; i < h && v->top + i < v->nmap; i++) {
			int row = v->map[v->top + i];
			if (v->top + i == v->sel) {
				attrset(look_attr(THEME_CURSOR));
				mvhline(y + i, 0, ' ', w);
			} else {
				attrset(look_attr(v->ops->style ? v->ops->style(v, row) : THEME_NONE));
			}
			view_draw_line(v, y + i, row, wid, ncols, w, utf8);
			attrset(A_NORMAL);
		}
		free(wid);
	} else {
		if (v->top > v->nmap - h)
			v->top = v->nmap - h;
		if (v->top < 0)
			v->top = 0;
		for (int i = 0; i < h && v->top + i < v->nmap; i++) {
			char *line = view_cell(v, v->map[v->top + i], 0);
			view_put(y + i, 0, w, line, utf8);
			free(line);
		}
	}
	if (v->nmap == 0 && h > 0)
		view_draw_empty(v, y, w, utf8);
}
