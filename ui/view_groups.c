/* Consumer groups (`groups`), the lag overview (`lag`) and one group's lag (`group lag G`). */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "theme.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

#define GROUPS_LAG_HIGH 1000 /* a group or partition this far behind is highlighted */

static int groups_style(struct view *v, int row)
{
	json_t *r = vjson_row(v, row);
	if (json_object_get(r, "error"))
		return THEME_ERROR;
	return json_integer_value(json_object_get(r, "total_lag")) >= GROUPS_LAG_HIGH ? THEME_LAG_HIGH : THEME_NONE;
}

/*
 * The sparkline columns: the stored lag of the last hour (`--sparklines`). TYPE: classic or
 * consumer (KIP-848), both kinds listed alike. Enter opens a group's lag (a default binding).
 */
const struct view_ops view_groups_ops = VJSON_VIEW(
	"groups",
	.table =
		&(const struct vjson_spec){
			.command = "groups --sparklines",
			.array = "groups",
			.keys = VJSON_KEYS("group", "state", "type", "members", "total_lag", "status", "sparkline"),
			.fill = "group",
		},
	.style = groups_style, .enter_help = "group's lag");

const struct view_ops view_lag_ops = VJSON_VIEW(
	"lag",
	.table =
		&(const struct vjson_spec){
			.command = "lag --sparklines",
			.array = "groups",
			.keys = VJSON_KEYS("group", "total_lag", "status", "sparkline", "state", "type", "members"),
			.fill = "group",
		},
	.style = groups_style, .enter_help = "group's lag");

/* --- one group ---------------------------------------------------------------------------------- */

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
	const char *status = json_string_value(json_object_get(res, "status"));
	if (status)
		sbuf_addf(&sb, " status %s", status); /* one of status.h's names */
	json_int_t nc = json_integer_value(json_object_get(res, "no_commit"));
	if (nc)
		sbuf_addf(&sb, ", %" JSON_INTEGER_FORMAT " not committed", nc);
	free(v->title);
	v->title = sbuf_release(&sb);
}

static int group_style(struct view *v, int row)
{
	return json_integer_value(json_object_get(vjson_row(v, row), "lag")) >= GROUPS_LAG_HIGH ? THEME_LAG_HIGH
												: THEME_NONE;
}

/* OWNER: the member's client id and host in one column of the view's own. */
const struct view_ops view_group_ops =
	VJSON_VIEW("group",
		   .table =
			   &(const struct vjson_spec){
				   .command = "group lag %s --sparklines",
				   .array = "partitions",
				   .keys = VJSON_KEYS("topic", "partition", "committed", "end", "lag", "member=OWNER",
						      "status", "sparkline"),
				   .fill = "topic",
				   .cell = group_cell,
				   .loaded = group_loaded,
			   },
		   .style = group_style);
