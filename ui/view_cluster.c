/*
 * The cluster overview (`cluster`) and a topic: its partitions (`topic describe T`) and, in a second
 * tab, its configs (`topic config T`).
 */
#include <stdlib.h>
#include <string.h>

#include "theme.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"

/* Health counts above zero stand out: offline red, under-replicated and under-min-ISR yellow. */
static int cluster_style(struct view *v, int row)
{
	json_t *r = vjson_row(v, row);
	const char *f = json_string_value(json_object_get(r, "field"));
	if (f == NULL || json_integer_value(json_object_get(r, "value")) <= 0)
		return THEME_NONE;
	return theme_health(strcmp(f, "offline") == 0, strcmp(f, "under_replicated") == 0,
			    strcmp(f, "under_min_isr") == 0);
}

/* The cluster: its fields as rows. */
const struct view_ops view_cluster_ops = VJSON_VIEW("cluster",
						    .table =
							    &(const struct vjson_spec){
								    .command = "cluster",
								    .stored = "cluster --stored",
								    .keys = VJSON_KEYS("field=FIELD", "value=VALUE"),
								    .fill = "value",
							    },
						    .style = cluster_style);

/* --- a topic: its partitions, and its configs in a second tab ------------------------------------ */

static const struct view_ops view_topic_configs_ops;

/* Tab or c: the other tab. */
static unsigned topic_key(struct view *v, int key, int row)
{
	(void)row;
	if (key != '\t' && key != 'c')
		return 0;
	vjson_switch(v, v->ops == &view_partitions_ops ? &view_topic_configs_ops : &view_partitions_ops);
	return VIEW_REDRAW;
}

static int partitions_style(struct view *v, int row)
{
	json_t *r = vjson_row(v, row);
	return theme_health(json_is_true(json_object_get(r, "offline")),
			    json_is_true(json_object_get(r, "under_replicated")),
			    json_is_true(json_object_get(r, "under_min_isr")));
}

/* The title names the topic and the tab shown; the key line names the other. */
const struct view_ops view_partitions_ops =
	VJSON_VIEW("partitions",
		   .table =
			   &(const struct vjson_spec){
				   .command = "topic describe %s",
				   .stored = "topic describe %s --stored",
				   .array = "partitions",
				   .keys = VJSON_KEYS("partition", "leader", "replicas", "isr", "low", "high",
						      "messages", "status"),
				   .fill = "status",
				   .title = "topic %s: partitions",
			   },
		   .key = topic_key, .style = partitions_style, .keys_help = "Tab/c configs");

/*
 * Reached from the partitions by Tab. A tab of the same view, it has its name, so the bindings of
 * `bind -v partitions` (t: tail the topic) work in both tabs.
 */
static const struct view_ops view_topic_configs_ops =
	VJSON_VIEW("partitions",
		   .table =
			   &(const struct vjson_spec){
				   .command = "topic config %s",
				   .array = "configs",
				   .keys = VJSON_KEYS("name", "value", "source", "is_default"),
				   .fill = "value",
				   .title = "topic %s: configs",
				   .null_blank = true,
			   },
		   .key = topic_key, .keys_help = "Tab/c partitions");
