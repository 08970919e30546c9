/*
 * A broker's configs (`broker config ID`): name, value, source and whether it is dynamic (set with
 * `broker alter`); `d` shows only the dynamic ones and back. Reached from the brokers view (Enter
 * or c), or `:broker ID`. `e` (a default binding) puts `broker alter ID --set KEY=VALUE` at the prompt.
 */
#include "tuihost.h"
#include "view.h"
#include "views.h"

static const struct view_ops view_broker_dynamic_ops;

/* d: only the dynamic configs, and back. */
static unsigned broker_key(struct view *v, int key, int row)
{
	(void)row;
	if (key != 'd')
		return 0;
	vjson_switch(v, v->ops == &view_broker_configs_ops ? &view_broker_dynamic_ops : &view_broker_configs_ops);
	return VIEW_REDRAW;
}

#define BROKER_CONFIG_KEYS VJSON_KEYS("name", "value", "source", "dynamic")

const struct view_ops view_broker_configs_ops = VJSON_VIEW("broker-configs",
							   .table =
								   &(const struct vjson_spec){
									   .command = "broker config %s",
									   .array = "configs",
									   .keys = BROKER_CONFIG_KEYS,
									   .fill = "value",
									   .title = "broker %s: configs",
									   .null_blank = true,
								   },
							   .key = broker_key, .keys_help = "d only dynamic");

/* The same view (its bindings apply), over `broker config ID --dynamic`. */
static const struct view_ops view_broker_dynamic_ops =
	VJSON_VIEW("broker-configs",
		   .table =
			   &(const struct vjson_spec){
				   .command = "broker config %s --dynamic",
				   .array = "configs",
				   .keys = BROKER_CONFIG_KEYS,
				   .fill = "value",
				   .title = "broker %s: dynamic configs",
				   .null_blank = true,
			   },
		   .key = broker_key, .keys_help = "d all configs");
