/* plugins: what was loaded from the plugin path, what it offers, and what failed. */
#include "cmd.h"
#include "plugin.h"

static int cmd_plugins_exec(struct cmd_ctx *ctx)
{
	plugin_load_all();
	const struct kcon_decoder *const *decs;
	const char *const *paths;
	size_t n = plugin_decoders(&decs, &paths), nerr;
	json_t *d = json_array(), *e = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(d, json_pack("{s:s,s:s?,s:s}", "name", decs[i]->name, "help", decs[i]->help,
						   "plugin", paths[i]));
	const char *const *errs = plugin_errors(&nerr);
	for (size_t i = 0; i < nerr; i++)
		json_array_append_new(e, json_pack("{s:s}", "message", errs[i]));
	return cmd_ok(ctx, json_pack("{s:i,s:o,s:o}", "abi_major", KCON_PLUGIN_ABI_MAJOR, "decoders", d, "errors", e));
}

static const struct out_col plugins_dec_cols[] = {
	{ "name", "decoder", 0 },
	{ "help", "what it shows", 0 },
	{ "plugin", "plugin", OUT_WIDE },
	{ 0 },
};
static const struct out_col plugins_err_cols[] = {
	{ "message", "failed to load", 0 },
	{ 0 },
};
static const struct out_table plugins_tables[] = {
	{ "decoders", plugins_dec_cols },
	{ "errors", plugins_err_cols },
	{ 0 },
};
static const struct out_view plugins_view = { .tables = plugins_tables };

const struct cmd_entry cmd_plugins_table[] = {
	{
		.name = "plugins",
		.group = "general",
		.help = "the message decoders that plugins offer, and the plugins that failed to load",
		.doc = "Plugins are loaded from KCON_PLUGIN_PATH (colon-separated), else ~/.local/share/kcon/plugins "
		       "and LIBDIR/kcon/plugins. A plugin or folder that another user could change is refused. JSON: "
		       "{abi_major, decoders: [{name, help, plugin}], errors: [{message}]}",
		.flags = CMD_READ_ONLY,
		.view = &plugins_view,
		.exec = cmd_plugins_exec,
	},
	{ 0 },
};
