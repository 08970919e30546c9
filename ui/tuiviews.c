/* Opening views by name (`view NAME [ARG]`, `:NAME` at the prompt), from the registry (views.h). */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "tuistate.h"
#include "xalloc.h"

bool tui_open_view(struct tui *t, const char *name, const char *arg)
{
	const struct views_entry *e = views_find(name);
	if (e == NULL || e->title == NULL || (e->arg != NULL) != (arg != NULL))
		return false;
	if (e->ops->prompt) /* a view that reads its own words */
		return e->ops->prompt(t, arg ? 2 : 1, (char *const[]){ (char *)name, (char *)arg, NULL });
	if (e == views_all()) { /* the first view: back to it */
		while (t->depth > 1)
			tui_pop(t);
		return true;
	}
	struct view *top = tui_top(t);
	if (top && top->ops == e->ops && !arg)
		return true;
	char *esc = arg ? escape_str(arg) : NULL;
	char *title = arg ? x_asprintf(e->title, esc) : x_strdup(e->title);
	tui_push(t, view_new(e->ops, t, title, (void *)arg));
	free(title);
	free(esc);
	return true;
}

/*
 * Prompt lines that open views rather than run commands: a view's name alone (`groups`), a view's
 * own line (`tail TOPIC [FROM]`), and `NOUN ARG` (`group G`, `topic T`) when ARG is not one of the
 * noun's subcommands.
 */
bool tuiviews_prompt(struct tui *t, int argc, char *const *argv)
{
	if (argc == 1)
		return tui_open_view(t, argv[0], NULL);
	const struct views_entry *own = views_find(argv[0]);
	if (own && own->ops->prompt)
		return own->ops->prompt(t, argc, argv);
	if (argc != 2 || argv[1][0] == '-')
		return false;
	for (const struct views_entry *e = views_all(); e->ops; e++) {
		if (e->noun == NULL || strcmp(e->noun, argv[0]) != 0)
			continue;
		int consumed = 0;
		char *cause = NULL;
		const struct cmd_entry *c = cmd_find(argc, argv, &consumed, &cause);
		free(cause);
		return c == NULL && tui_open_view(t, e->ops->name, argv[1]);
	}
	return false;
}

/* `view NAME [ARG]` */
int tuiviews_cmd(struct tui *t, struct cmd_ctx *ctx)
{
	const char *name = ctx->args.pos[0], *arg = ctx->args.npos > 1 ? ctx->args.pos[1] : NULL;
	if (tui_open_view(t, name, arg))
		return cmd_ok(ctx, json_object());
	struct sbuf views = SBUF_INIT;
	for (const struct views_entry *e = views_all(); e->ops; e++)
		if (e->title)
			sbuf_addf(&views, "%s%s%s%s", views.len ? ", " : "", e->ops->name, e->arg ? " " : "",
				  e->arg ? e->arg : "");
	cmd_fail(ctx, CMD_USAGE, NULL, "no view `%s`%s", name, arg ? " with an argument" : "");
	ctx->hint = x_asprintf("views: %s", sbuf_str(&views));
	sbuf_free(&views);
	return CMD_USAGE;
}
