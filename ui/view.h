/*
 * The view core. A view is a table of functions plus private state; the core (view.c) owns the rows
 * filter (`/`), the selection, scrolling and drawing the table; the TUI owns the title and status
 * bars, the prompt, the view stack and the requests (tuihost.h). Views never call librdkafka: they
 * ask the TUI to run commands on the worker (tui_request) and draw the JSON the commands return.
 * The views themselves are in views.h; vjson_* (view_json.c) makes table views of commands.
 */
#ifndef KCON_VIEW_H
#define KCON_VIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"
#include "sbuf.h"

struct tui;
struct view;

/* What a handler asks of the core, as flags. */
#define VIEW_REDRAW 0x1 /* draw again */
#define VIEW_RELOAD 0x2 /* call ops->reload */
#define VIEW_CLOSE  0x4 /* pop this view */
#define VIEW_QUIT   0x8 /* leave the TUI */

/* Column flags */
#define VIEW_COL_RIGHT 0x1 /* right-aligned (numbers) */
#define VIEW_COL_FILL  0x2 /* shrinks first when the screen is narrow, gets what is left */

struct view_col {
	const char *title;
	unsigned flags;
};

/* View flags */
#define VIEW_TEXT 0x1 /* no selection bar: keys scroll the text; rows are lines */
/* Columns as wide as the widest cell drawn since the rows were last all replaced (view_refilter),
 * not of all rows: rows that come and go by the thousand (a live tail) are formatted only if drawn. */
#define VIEW_WIDTH_SHOWN 0x2

struct vjson_spec;

struct view_ops {
	const char *name;               /* "topics", "output": its name in the registry (views.c) */
	unsigned flags;                 /* VIEW_TEXT, VIEW_WIDTH_SHOWN */
	const struct view_col *cols;    /* ends with {0}; NULL for text views and table views */
	const struct vjson_spec *table; /* a table view's declaration (VJSON_VIEW), or NULL */
	/** Sets up v->priv and asks for data (tui_request). */
	void (*open)(struct view *v, void *arg);
	/** Frees v->priv. */
	void (*close)(struct view *v);
	/** How many rows the data has, before filtering. */
	int (*rows)(struct view *v);
	/** Appends the escaped text of a cell (col 0 for the whole line of a text view). */
	void (*cell)(struct view *v, int row, int col, struct sbuf *out);
	/** A key the core did not take, with the selected row (-1: none); returns VIEW_* flags. */
	unsigned (*key)(struct view *v, int key, int row);
	/** Asks for fresh data; may be NULL. */
	void (*reload)(struct view *v);
	/** Called when the width changed, for views that lay out their text to it; may be NULL. */
	void (*resize)(struct view *v, int width);
	/** The look of a row (a THEME_* element, 0 for the default); may be NULL. */
	int (*style)(struct view *v, int row);
	/** What Enter does on a row, for the key line and `?` help ("describe"); NULL: nothing. */
	const char *enter_help;
	/** The view's own keys, for the key line and `?` help ("p pause  c clear"); may be NULL. */
	const char *keys_help;
	/**
	 * A row's field as a new string, for the {NAME} of key bindings ("name", "group", "topic";
	 * "arg": the view's argument; row -1: no row selected); NULL when it has none. May be NULL.
	 */
	char *(*value)(struct view *v, int row, const char *name);
	/**
	 * A cell's escaped text as the view holds it (valid until its rows change, so no copy is made)
	 * and, in *width when not NULL, its width on screen (utf8: the terminal's encoding): what
	 * filtering and measuring columns read for every row. NULL: they go through cell().
	 */
	const char *(*cell_ref)(struct view *v, int row, int col, bool utf8, int *width);
	/** Whether a row passes the `/` filter (not empty); NULL: its first cell contains it, ignoring case. */
	bool (*match)(struct view *v, int row, const char *filter);
	/**
	 * Opens the view from a line's words (argv[0] its name: `tail T --from F`), for views whose
	 * argument is more than one word; false: not its line. NULL: `view NAME [ARG]` opens it.
	 */
	bool (*prompt)(struct tui *t, int argc, char *const *argv);
};

struct view {
	const struct view_ops *ops;
	const struct view_col *cols; /* ops->cols, or a table view's, from its command (ends with {0}) */
	void *priv;
	struct tui *tui;
	char *title;        /* shown in the status bar */
	int *map, nmap;     /* the rows that pass the filter */
	int sel, top;       /* indexes into map */
	char *sel_key;      /* the selected row's first cell, to keep it across reloads */
	char filter[128];   /* live substring filter on the first cell; "" for none */
	char mapped[128];   /* the filter map was made with, while the rows are the same; "" for none */
	char *low;          /* the rows' first cells in lower case (ASCII), NUL after each; NULL: not made */
	size_t *lowoff;     /* per row, where its cell starts in low */
	int64_t loaded_ms;  /* monotonic time its data arrived; 0 before */
	int64_t stale_ms;   /* wall time of the stored snapshot its rows come from (history); 0: live data */
	char *error, *hint; /* the last failure to load, or NULL */
	int inflight;       /* requests not answered yet */
	bool dead;          /* closed while requests were in flight: freed by the last answer */
	int width;          /* the width it was laid out for */
	int sort;           /* 0: the data's order; c + 1: by column c */
	bool sort_rev;      /* descending */
	int *natural;       /* per column, the widest cell of all rows; NULL: to measure at the next draw */
};

/** @brief A new view of ops; arg goes to ops->open. */
struct view *view_new(const struct view_ops *ops, struct tui *t, const char *title, void *arg);
/** @brief Closes v: frees it now, or when its last request is answered. */
void view_close(struct view *v);
/** @brief Frees a closed view whose requests are all answered. */
void view_free(struct view *v);

/** @brief Recomputes the filtered rows after the data or the filter changed, keeping the selection. */
void view_refilter(struct view *v);
/** @brief view_refilter() after the filter (not the rows) changed: the columns' widths stay as measured. */
void view_filter_changed(struct view *v);
/**
 * @brief The cells of column col changed in the rows listed (ascending), not the rows' number or
 * order: only those rows are tested against the filter, and only col is measured again; the
 * selection stays on its row. A view sorted by a column is filtered and sorted again whole.
 */
void view_rows_changed(struct view *v, const int *rows, int n, int col);
/**
 * @brief The rows slid: the first `dropped` rows of before are gone (row r is now r - dropped) and
 * rows first_new .. rows(v)-1 are new, the others unchanged (a live tail). Only the new rows are
 * tested against the filter; the selection stays on its row, or goes to the first when its row
 * was dropped. A sorted view (or one filtering by its lower-case copy) is filtered again whole.
 */
void view_rows_slid(struct view *v, int dropped, int first_new);
/** @brief Records a load: clears or sets the error (copies cause and hint) and stamps loaded_ms on success. */
void view_loaded(struct view *v, const char *cause, const char *hint);
enum view_move {
	VIEW_MOVE_DOWN,
	VIEW_MOVE_UP,
	VIEW_MOVE_PAGE_DOWN,
	VIEW_MOVE_PAGE_UP,
	VIEW_MOVE_TOP,
	VIEW_MOVE_BOTTOM
};
/** @brief Moves the selection (a text view: scrolls) in a body of h lines. */
void view_move(struct view *v, enum view_move what, int h);
/** @brief Selects the row drawn on the body's line (0: the first row line); a text view or no row there: nothing. */
void view_click(struct view *v, int line);
/**
 * @brief Whether a finished load has rows to show: the command succeeded, or it failed with a stale
 * answer (the stored snapshot while the cluster is unreachable). Sets v->stale_ms from the result's
 * "stale" member. A first paint from the store (stored: a `--stored` request) counts only when it
 * succeeded and nothing else has loaded yet.
 */
bool view_load_result(struct view *v, const struct cmd_ctx *ctx, bool stored);
/**
 * @brief Handles the movement keys (j k arrows PgUp PgDn g G Home End) for a body of h lines.
 * @return true when the key was one of them
 */
bool view_move_key(struct view *v, int key, int h);
/** @brief Sorts by the next column (after the last one: the data's order again), or reverses the order. */
void view_sort_key(struct view *v, bool reverse);
/** @brief The selected row index in the view's data, or -1. */
int view_selected(const struct view *v);
/** @brief Draws the column header on line y and the rows on lines y+1 .. y+h of width w. */
void view_draw(struct view *v, int y, int h, int w, bool utf8);

/** @brief Text made drawable: as it is in a UTF-8 locale, with '?' per non-ASCII character otherwise. */
char *view_text(const char *s, bool utf8);
/** @brief Columns of text from view_text(). */
int view_text_width(const char *s, bool utf8);
/**
 * @brief Draws text from view_text() at y, x in at most w columns, cut with an ellipsis when it
 * does not fit. Returns the columns drawn. Safe at any position (errors of curses are ignored).
 */
int view_put(int y, int x, int w, const char *s, bool utf8);

/*
 * Table views over a command's JSON (view_json.c): the command runs on the worker at open and on
 * every reload, one request at a time; its rows are an array of the result (or, without one, the
 * result's fields as FIELD/VALUE rows). A table view is one declaration: VJSON_VIEW with its spec;
 * its columns are the command's own (the out_view table of the array), picked by key.
 */
struct vjson_spec {
	const char *command; /* the command line; with %s, the view's argument (quoted) goes there */
	const char *stored;  /* optional: the line of a first paint from the stored snapshot ("cluster --stored") */
	const char *array;   /* the key of the rows' array; NULL: the result's fields are the rows */
	/**
	 * Per column, the key of the command's column (title and alignment are the command's: "rf" is
	 * RF); "key=TITLE": a column of the view's own (a cell of its own, or fields as rows). Ends with NULL.
	 */
	const char *const *keys;
	const char *fill;  /* the key of the column that gets what is left (shrinks first); NULL: none */
	const char *title; /* optional: the status bar's title, %s the view's argument */
	/** Optional: a cell of its own; returns false to use the key's value. */
	bool (*cell)(json_t *row, int col, struct sbuf *out);
	/** Optional: after each successful load (e.g. to put totals in the title). */
	void (*loaded)(struct view *v, json_t *result);
	/* A null field of a row is "" to {NAME} (a config without a value: `e` still edits it), not "no value here". */
	bool null_blank;
};

/** The keys of a vjson_spec: VJSON_KEYS("name", "partitions"). */
#define VJSON_KEYS(...) ((const char *const[]){ __VA_ARGS__, NULL })
/** A table view's view_ops: VJSON_VIEW("brokers", .table = &spec, .style = ...). */
#define VJSON_VIEW(nm, ...)                                                                                            \
	{                                                                                                              \
		.name = nm, .open = vjson_open, .close = vjson_close, .rows = vjson_rows, .cell = vjson_cell,          \
		.cell_ref = vjson_cell_ref, .reload = vjson_reload, .value = vjson_value, __VA_ARGS__                  \
	}

/** @brief view_ops.open of a table view: sets up the view over ops->table with arg (a string or NULL; copied) and asks
 * for the data. */
void vjson_open(struct view *v, void *arg);
void vjson_close(struct view *v);
int vjson_rows(struct view *v);
void vjson_cell(struct view *v, int row, int col, struct sbuf *out);
const char *vjson_cell_ref(struct view *v, int row, int col, bool utf8, int *width);
void vjson_reload(struct view *v);
/** @brief view_ops.value of a vjson view: a row's string or number field, or "arg". */
char *vjson_value(struct view *v, int row, const char *name);
/**
 * @brief Turns a vjson view into another over the same argument (a tab of a topic): the ops and
 * their table (columns, keys) change, the rows are asked for again.
 */
void vjson_switch(struct view *v, const struct view_ops *ops);
/** @brief The argument the view was opened with (borrowed), or NULL. */
const char *vjson_arg(struct view *v);
/** @brief A row's object (borrowed), or NULL. */
json_t *vjson_row(struct view *v, int row);
/** @brief A row's field as an integer (0 when missing or not a number). */
json_int_t vjson_int(struct view *v, int row, const char *key);

#endif
