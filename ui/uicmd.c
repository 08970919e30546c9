#include "uicmd.h"

#include "cmd.h"

static bool uicmd_quit;

static int uicmd_quit_exec(struct cmd_ctx *ctx)
{
	uicmd_quit = true;
	return cmd_ok(ctx, json_object());
}

static const struct out_view uicmd_quiet = { 0 }; /* prints nothing */

static const struct cmd_entry uicmd_table[] = {
	{
		.name = "quit",
		.alias = "exit",
		.group = "kcon",
		.help = "leave the REPL or the TUI",
		.doc = "JSON: {}",
		.flags = CMD_READ_ONLY | CMD_UI,
		.view = &uicmd_quiet,
		.exec = uicmd_quit_exec,
	},
	{ 0 },
};

void uicmd_register(void)
{
	static bool done;
	cmd_init();
	if (!done)
		cmd_register(uicmd_table);
	done = true;
	uicmd_quit = false;
}

bool uicmd_quit_requested(void)
{
	return uicmd_quit;
}
