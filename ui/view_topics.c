/* The topics view: the `topics` command's list with partition health; Enter shows a topic's partitions (a default
 * binding). */
#include "theme.h"
#include "tuihost.h"
#include "view.h"
#include "views.h"
#include "xalloc.h"

char **view_topics_names(struct view *v)
{
	int n = v->priv ? vjson_rows(v) : 0;
	char **names = x_calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++)
		names[i] = x_strdup(json_string_value(json_object_get(vjson_row(v, i), "name")));
	return names;
}

static int topics_style(struct view *v, int row)
{
	json_t *r = vjson_row(v, row);
	return theme_health(json_integer_value(json_object_get(r, "offline")) > 0,
			    json_integer_value(json_object_get(r, "under_replicated")) > 0, false);
}

const struct view_ops view_topics_ops =
	VJSON_VIEW("topics",
		   .table =
			   &(const struct vjson_spec){
				   .command = "topics --sparklines",
				   .stored = "topics --stored --sparklines",
				   .array = "topics",
				   .keys = VJSON_KEYS("name", "partitions", "replication_factor", "under_replicated",
						      "offline", "sparkline"),
				   .fill = "name",
			   },
		   .style = topics_style, .enter_help = "partitions");
