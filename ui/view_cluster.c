/*
 * Brokers (`brokers`), the cluster overview (`cluster`) and a topic: its partitions (`topic
 * describe T`) and, in a second tab, its configs (`topic config T`).
 */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "theme.h"
#include "view.h"
#include "xalloc.h"

static const struct view_col brokers_cols[] = {
	{ "ID", VIEW_COL_RIGHT },   { "HOST", VIEW_COL_FILL },
	{ "PORT", VIEW_COL_RIGHT }, { "RACK", 0 },
	{ "CONTROLLER", 0 },        { 0 },
};
static const char *const brokers_keys[] = { "id", "host", "port", "rack", "controller" };
static const struct vjson_spec brokers_spec = {
	.command = "brokers",
	.stored = "brokers --stored",
	.array = "brokers",
	.keys = brokers_keys,
};

static void brokers_open(struct view *v, void *arg)
{
	vjson_open(v, &brokers_spec, arg);
}

const struct view_ops view_brokers_ops = {
	.name = "brokers",
	.cols = brokers_cols,
	.open = brokers_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.reload = vjson_reload,
	.value = vjson_value,
};

/* --- the cluster: its fields as rows ------------------------------------------------------------ */

static const struct view_col cluster_cols[] = { { "FIELD", 0 }, { "VALUE", VIEW_COL_FILL }, { 0 } };
static const char *const cluster_keys[] = { "field", "value" };
static const struct vjson_spec cluster_spec = {
	.command = "cluster",
	.stored = "cluster --stored",
	.keys = cluster_keys,
};

static void cluster_open(struct view *v, void *arg)
{
	vjson_open(v, &cluster_spec, arg);
}

/* Health counts above zero stand out: offline red, under-replicated and under-min-ISR yellow. */
static int cluster_style(struct view *v, int row)
{
	const char *f = json_string_value(json_object_get(vjson_row(v, row), "field"));
	if (f == NULL || vjson_int(v, row, "value") <= 0)
		return THEME_NONE;
	if (strcmp(f, "offline") == 0)
		return THEME_PARTITION_OFFLINE;
	if (strcmp(f, "under_replicated") == 0)
		return THEME_UNDER_REPLICATED;
	if (strcmp(f, "under_min_isr") == 0)
		return THEME_UNDER_MIN_ISR;
	return THEME_NONE;
}

const struct view_ops view_cluster_ops = {
	.name = "cluster",
	.cols = cluster_cols,
	.open = cluster_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.reload = vjson_reload,
	.value = vjson_value,
	.style = cluster_style,
};

/* --- a topic: its partitions, and its configs in a second tab ------------------------------------ */

static const struct view_col partitions_cols[] = {
	{ "PARTITION", VIEW_COL_RIGHT },
	{ "LEADER", VIEW_COL_RIGHT },
	{ "REPLICAS", 0 },
	{ "ISR", 0 },
	{ "LOW", VIEW_COL_RIGHT },
	{ "HIGH", VIEW_COL_RIGHT },
	{ "MESSAGES", VIEW_COL_RIGHT },
	{ "STATUS", VIEW_COL_FILL },
	{ 0 },
};
static const char *const partitions_keys[] = { "partition", "leader", "replicas", "isr",
					       "low",       "high",   "messages", "status" };
static const struct vjson_spec partitions_spec = {
	.command = "topic describe %s",
	.stored = "topic describe %s --stored",
	.array = "partitions",
	.keys = partitions_keys,
};

static const struct view_col configs_cols[] = {
	{ "NAME", 0 }, { "VALUE", VIEW_COL_FILL }, { "SOURCE", 0 }, { "DEFAULT", 0 }, { 0 },
};
static const char *const configs_keys[] = { "name", "value", "source", "is_default" };
static const struct vjson_spec configs_spec = {
	.command = "topic config %s",
	.array = "configs",
	.keys = configs_keys,
};

/* The title names the topic and the tab shown; the key line names the other. */
static void topic_title(struct view *v, bool configs)
{
	const char *name = vjson_arg(v);
	char *esc = escape_str(name ? name : "?");
	free(v->title);
	v->title = x_asprintf("topic %s: %s", esc, configs ? "configs" : "partitions");
	free(esc);
}

static void partitions_open(struct view *v, void *arg)
{
	vjson_open(v, &partitions_spec, arg);
	topic_title(v, false);
}

/* Tab or c: the other tab. */
static unsigned topic_key(struct view *v, int key, int row)
{
	(void)row;
	if (key != '\t' && key != 'c')
		return 0;
	bool configs = v->ops == &view_partitions_ops;
	vjson_switch(v, configs ? &view_topic_configs_ops : &view_partitions_ops,
		     configs ? &configs_spec : &partitions_spec);
	topic_title(v, configs);
	return VIEW_REDRAW;
}

static int partitions_style(struct view *v, int row)
{
	json_t *r = vjson_row(v, row);
	if (json_is_true(json_object_get(r, "offline")))
		return THEME_PARTITION_OFFLINE;
	if (json_is_true(json_object_get(r, "under_replicated")))
		return THEME_UNDER_REPLICATED;
	if (json_is_true(json_object_get(r, "under_min_isr")))
		return THEME_UNDER_MIN_ISR;
	return THEME_NONE;
}

const struct view_ops view_partitions_ops = {
	.name = "partitions",
	.cols = partitions_cols,
	.open = partitions_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.key = topic_key,
	.reload = vjson_reload,
	.value = vjson_value,
	.style = partitions_style,
	.keys_help = "Tab/c configs",
};

/*
 * Reached from the partitions by Tab: it has no open of its own. A tab of the same view, it has its
 * name, so the bindings of `bind -v partitions` (t: tail the topic) work in both tabs.
 */
const struct view_ops view_topic_configs_ops = {
	.name = "partitions",
	.cols = configs_cols,
	.open = partitions_open,
	.close = vjson_close,
	.rows = vjson_rows,
	.cell = vjson_cell,
	.key = topic_key,
	.reload = vjson_reload,
	.value = vjson_value,
	.keys_help = "Tab/c partitions",
};
