/* The topics view: the `topics` command's list with partition health; Enter shows a topic's partitions. */
#include <curses.h>

#include "theme.h"
#include "view.h"
#include "xalloc.h"

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
static const struct vjson_spec topics_spec = {
	.command = "topics --sparklines",
	.stored = "topics --stored --sparklines",
	.array = "topics",
	.keys = topics_keys,
};

static void topics_open(struct view *v, void *arg)
{
	(void)arg;
	vjson_open(v, &topics_spec, NULL);
}

static unsigned topics_key(struct view *v, int key, int row)
{
	if ((key == '\n' || key == '\r' || key == KEY_ENTER) && row >= 0) {
		const char *name = json_string_value(json_object_get(vjson_row(v, row), "name"));
		if (name)
			tui_open_view(v->tui, "partitions", name);
		return VIEW_REDRAW;
	}
	return 0;
}

static int topics_style(struct view *v, int row)
{
	if (vjson_int(v, row, "offline") > 0)
		return THEME_PARTITION_OFFLINE;
	if (vjson_int(v, row, "under_replicated") > 0)
		return THEME_UNDER_REPLICATED;
	return THEME_NONE;
}

char **view_topics_names(struct view *v)
{
	int n = v->priv ? vjson_rows(v) : 0;
	char **names = x_calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		names[i] = x_strdup(json_string_value(json_object_get(vjson_row(v, i), "name")));
	return names;
}

const struct view_ops view_topics_ops = {
	.name = "topics",
	.cols = topics_cols,
	.open = topics_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.key = topics_key,
	.reload = vjson_reload,
	.style = topics_style,
	.value = vjson_value,
	.enter_help = "partitions",
};
