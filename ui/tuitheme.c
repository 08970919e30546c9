/* Themes in the TUI (`theme [NAME]`, --theme) and the user's kconrc (the TUI's commands run at start). */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "escape.h"
#include "file.h"
#include "look.h"
#include "parse.h"
#include "tuistate.h"
#include "xalloc.h"

#ifndef KCON_SOURCE_THEMES
#define KCON_SOURCE_THEMES NULL
#endif

/*
 * Loads the theme called name into th. Returns -1 with *cause when it cannot be found or read;
 * otherwise the number of bad lines, the first of them in *bad_msg.
 */
int tuitheme_load(const char *name, struct theme *th, char **cause, char **bad_msg)
{
	char *errors = NULL;
	theme_init(th);
	char *path = theme_find(name, KCON_SOURCE_THEMES, cause);
	if (path == NULL)
		return -1;
	int bad = theme_load(th, path, &errors);
	free(path);
	if (bad < 0) { /* theme_load's cause names the file and what is wrong */
		*cause = errors;
		return -1;
	}
	if (bad > 0) {
		errors[strcspn(errors, "\n")] = '\0';
		*bad_msg = bad > 1 ? x_asprintf("theme: %s (and %d more bad lines)", errors, bad - 1)
				   : x_asprintf("theme: %s", errors);
	}
	free(errors);
	return bad;
}

/* The names of the themes kcon comes with and of the user's own. */
static json_t *tuitheme_names(void)
{
	json_t *a = json_pack("[s,s,s,s]", "default", "light", "high-contrast", "mono");
	char *dir = conf_config_path("themes");
	DIR *d = dir ? opendir(dir) : NULL;
	for (struct dirent *de; d && (de = readdir(d)) != NULL;)
		if (de->d_name[0] != '.')
			json_array_append_new(a, json_string(de->d_name));
	if (d)
		closedir(d);
	free(dir);
	return a;
}

/* `theme [NAME]`: switches the colours now, or says which theme is in use and which there are. */
int tuitheme_cmd(struct tui *t, struct cmd_ctx *ctx)
{
	if (ctx->args.npos == 0) {
		json_t *r = json_pack("{s:s?, s:o}", "theme", t->theme_name, "themes", tuitheme_names());
		char *names = NULL;
		size_t i;
		json_t *n;
		struct sbuf sb = SBUF_INIT;
		json_array_foreach(json_object_get(r, "themes"), i, n)
		{
			sbuf_addf(&sb, "%s%s", i ? " " : "", json_string_value(n));
		}
		names = sbuf_release(&sb);
		free(t->message);
		char *raw = x_asprintf("theme %s; themes: %s", t->theme_name ? t->theme_name : "(none)", names);
		t->message = escape_str(raw);
		free(raw);
		free(names);
		return cmd_ok(ctx, r);
	}
	struct theme th;
	char *cause = NULL, *bad_msg = NULL;
	int bad = tuitheme_load(ctx->args.pos[0], &th, &cause, &bad_msg);
	if (bad < 0) {
		cmd_fail(ctx, CMD_FAILED,
			 "kcon comes with the themes default, light, high-contrast and mono; `theme` lists them; a "
			 "name with a / is a file",
			 "%s", cause);
		free(cause);
		return CMD_FAILED;
	}
	look_start(&th);
	bkgdset(' ' | look_attr(THEME_NORMAL));
	clearok(curscr, TRUE);
	free(t->theme_name);
	t->theme_name = x_strdup(ctx->args.pos[0]);
	free(t->message);
	t->message = NULL;
	if (bad_msg) {
		t->message = escape_str(bad_msg);
		view_log_add("error", "%s", bad_msg);
		free(bad_msg);
	}
	return cmd_ok(ctx, json_pack("{s:s, s:i}", "theme", ctx->args.pos[0], "bad_lines", bad));
}

/*
 * Runs the user's kconrc ($XDG_CONFIG_HOME/kcon/kconrc): lines of the command language, of the
 * TUI's commands only (bind, unbind, theme, ...). A bad line is reported as file:line and skipped; a
 * kconrc that cannot be read (but exists) is reported too.
 */
void tuitheme_rc(struct tui *t)
{
	char *path = conf_config_path("kconrc"), *text = NULL, *cause = NULL;
	int lineno = 0, bad = 0;
	char *first = NULL; /* the first bad line */
	if (path && (text = file_read(path, "kconrc", FILE_CONFIG_MAX, 0, NULL, &cause)) == NULL) {
		if (errno != ENOENT) {
			view_log_add("error", "%s", cause);
			first = x_strdup(cause);
			bad++;
		}
		free(cause);
	}
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		struct parse_list pl = { 0 };
		cause = NULL;
		if (parse_commands(line, &pl, &cause) == 0) {
			for (size_t i = 0; i < pl.n && cause == NULL; i++) {
				struct cmd_ctx ctx;
				if (cmd_prepare(&ctx, t->s, pl.cmds[i].argc, pl.cmds[i].argv) == CMD_OK &&
				    !(ctx.entry->flags & CMD_UI))
					cause = x_asprintf(
						"`%s` does not belong in kconrc: only the TUI's commands (bind, "
						"unbind, theme, ...) do",
						ctx.entry->name);
				else
					cause = tuireq_exec_here(t, &ctx);
				cmd_ctx_clear(&ctx);
			}
		}
		if (cause) {
			view_log_add("error", "%s:%d: %s", path, lineno, cause);
			if (bad++ == 0)
				first = x_asprintf("%s:%d: %s", path, lineno, cause);
			free(cause);
		}
		parse_list_clear(&pl);
	}
	if (first) {
		char *msg =
			bad > 1 ? x_asprintf("%d bad lines in the kconrc (:log lists them), the first: %s", bad, first)
				: x_strdup(first);
		free(t->message);
		t->message = escape_str(msg);
		free(msg);
		free(first);
	}
	free(text);
	free(path);
}
