/* Consumer groups (`groups`), the lag overview (`lag`) and one group's lag (`group lag G`). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "theme.h"
#include "view.h"
#include "xalloc.h"

#define GROUPS_LAG_HIGH 1000 /* a group or partition this far behind is highlighted */

/*
 * The sparkline columns: the stored lag of the last hour (`--sparklines`). TYPE: classic or
 * consumer (KIP-848), both kinds listed alike.
 */
static const struct view_col groups_cols[] = {
	{ "GROUP", VIEW_COL_FILL }, { "STATE", 0 },  { "TYPE", 0 }, { "MEMBERS", VIEW_COL_RIGHT },
	{ "LAG", VIEW_COL_RIGHT },  { "LAG 1H", 0 }, { 0 },
};
static const char *const groups_keys[] = { "group", "state", "type", "members", "total_lag", "sparkline" };
static const struct vjson_spec groups_spec = {
	.command = "groups --sparklines",
	.array = "groups",
	.keys = groups_keys,
};

static const struct view_col lag_cols[] = {
	{ "GROUP", VIEW_COL_FILL },
	{ "LAG", VIEW_COL_RIGHT },
	{ "LAG 1H", 0 },
	{ "STATE", 0 },
	{ "TYPE", 0 },
	{ "MEMBERS", VIEW_COL_RIGHT },
	{ 0 },
};
static const char *const lag_keys[] = { "group", "total_lag", "sparkline", "state", "type", "members" };
static const struct vjson_spec lag_spec = { .command = "lag --sparklines", .array = "groups", .keys = lag_keys };

static void groups_open(struct view *v, void *arg)
{
	vjson_open(v, &groups_spec, arg);
}

static void lag_open(struct view *v, void *arg)
{
	vjson_open(v, &lag_spec, arg);
}

static int groups_style(struct view *v, int row)
{
	json_t *r = vjson_row(v, row);
	if (json_object_get(r, "error"))
		return THEME_ERROR;
	return vjson_int(v, row, "total_lag") >= GROUPS_LAG_HIGH ? THEME_LAG_HIGH : THEME_NONE;
}

static unsigned groups_key(struct view *v, int key, int row)
{
	if ((key == '\n' || key == '\r' || key == KEY_ENTER) && row >= 0) {
		const char *g = json_string_value(json_object_get(vjson_row(v, row), "group"));
		if (g)
			tui_open_view(v->tui, "group", g);
		return VIEW_REDRAW;
	}
	return 0;
}

const struct view_ops view_groups_ops = {
	.name = "groups",
	.cols = groups_cols,
	.open = groups_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.key = groups_key,
	.reload = vjson_reload,
	.value = vjson_value,
	.style = groups_style,
	.enter_help = "group's lag",
};

const struct view_ops view_lag_ops = {
	.name = "lag",
	.cols = lag_cols,
	.open = lag_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.key = groups_key,
	.reload = vjson_reload,
	.value = vjson_value,
	.style = groups_style,
	.enter_help = "group's lag",
};

/* --- one group ---------------------------------------------------------------------------------- */

static const struct view_col group_cols[] = {
	{ "TOPIC", VIEW_COL_FILL },
	{ "PARTITION", VIEW_COL_RIGHT },
	{ "COMMITTED", VIEW_COL_RIGHT },
	{ "END", VIEW_COL_RIGHT },
	{ "LAG", VIEW_COL_RIGHT },
	{ "OWNER", 0 },
	{ "LAG 1H", 0 },
	{ 0 },
};
static const char *const group_keys[] = { "topic", "partition", "committed", "end", "lag", "member", "sparkline" };

/* The owner: the member's client id and host. */
static bool group_cell(json_t *row, int col, struct sbuf *out)
{
	if (col != 5)
		return false;
	json_t *m = json_object_get(row, "member");
	const char *id = json_string_value(json_object_get(m, "client_id"));
	const char *host = json_string_value(json_object_get(m, "host"));
	if (!json_is_object(m)) {
		sbuf_add(out, "-");
		return true;
	}
	escape_append(out, id ? id : "?", strlen(id ? id : "?"));
	if (host) {
		sbuf_addc(out, '@');
		escape_append(out, host, strlen(host));
	}
	return true;
}

/* The totals go in the title, beside the group's type and name: "consumer group orders (Stable) ...". */
static void group_loaded(struct view *v, json_t *res)
{
	const char *g = json_string_value(json_object_get(res, "group"));
	const char *state = json_string_value(json_object_get(res, "state"));
	const char *type = json_string_value(json_object_get(res, "type"));
	json_t *lag = json_object_get(res, "total_lag");
	struct sbuf sb = SBUF_INIT;
	if (type) {
		escape_append(&sb, type, strlen(type));
		sbuf_addc(&sb, ' ');
	}
	sbuf_add(&sb, "group ");
	escape_append(&sb, g ? g : "?", strlen(g ? g : "?"));
	if (state) {
		sbuf_add(&sb, " (");
		escape_append(&sb, state, strlen(state));
		sbuf_addc(&sb, ')');
	}
	if (json_is_integer(lag))
		sbuf_addf(&sb, " total lag %" JSON_INTEGER_FORMAT, json_integer_value(lag));
	json_int_t nc = json_integer_value(json_object_get(res, "no_commit"));
	if (nc)
		sbuf_addf(&sb, ", %" JSON_INTEGER_FORMAT " not committed", nc);
	free(v->title);
	v->title = sbuf_release(&sb);
}

static const struct vjson_spec group_spec = {
	.command = "group lag %s --sparklines",
	.array = "partitions",
	.keys = group_keys,
	.cell = group_cell,
	.loaded = group_loaded,
};

static void group_open(struct view *v, void *arg)
{
	vjson_open(v, &group_spec, arg);
}

static int group_style(struct view *v, int row)
{
	return vjson_int(v, row, "lag") >= GROUPS_LAG_HIGH ? THEME_LAG_HIGH : THEME_NONE;
}

const struct view_ops view_group_ops = {
	.name = "group",
	.cols = group_cols,
	.open = group_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.reload = vjson_reload,
	.value = vjson_value,
	.style = group_style,
};
