/*
 * Sinks for command data: an aligned text table that fits the terminal, CSV, or JSON.
 * A view says which fields and arrays of the data to show, under which titles; without one the
 * layout is derived from the data. Every string from the data is escaped (escape.h) in every
 * format, so no message or metadata byte reaches a terminal raw.
 */
#ifndef KCON_OUTPUT_H
#define KCON_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>

#include "sbuf.h"

#define OUT_RIGHT 0x1 /* right-align (numbers) */
#define OUT_WIDE  0x2 /* dropped first when the table does not fit */
#define OUT_TEXT  0x4 /* for people only: never a CSV column (a sparkline) */

/** A column or a field: the data key (a.b for nested), its title and flags. */
struct out_col {
	const char *key;
	const char *title;
	unsigned flags;
};

/** An array of objects in the data, shown as a table. */
struct out_table {
	const char *key;            /* the array's key in the data; NULL ends a list of tables */
	const struct out_col *cols; /* ends with {0} */
};

/** How a command's data is laid out. */
struct out_view {
	const struct out_col *fields;   /* scalars shown as "Title: value" lines; ends with {0}; may be NULL */
	const struct out_table *tables; /* ends with {0}; may be NULL */
};

enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV, OUT_RAW /* message bytes: streaming commands only */ };

/** @brief Parses "table", "json" or "csv"; returns -1 for anything else. */
int output_format_parse(const char *s);
/**
 * @brief Renders data in fmt into sb.
 * @param width terminal columns for tables; 0 means no limit
 */
void output_render(struct sbuf *sb, enum out_format fmt, const struct out_view *view, json_t *data, int width);
/** @brief Renders an error (cause and hint) as fmt: JSON gets {"error":{...}}; text "error: ...". */
void output_error(struct sbuf *sb, enum out_format fmt, const char *command, int status, const char *cause,
		  const char *hint);
/** @brief Appends the text of a scalar cell: null "-", true "yes", arrays joined with ",", escaped. */
void output_cell(struct sbuf *sb, json_t *v);
/** @brief The value at dotted path key inside obj, or NULL. */
json_t *output_lookup(json_t *obj, const char *key);

#endif
