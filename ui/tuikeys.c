/*
 * Keys and bindings: a key press is looked up in the bindings (the view's, then every view's) and its
 * line run with the {NAME}s of the selected row filled in; a key no binding takes goes to the view.
 * The default bindings are lines of the command language run at start. A key's line, a line typed
 * at the `:` prompt and the defaults are all run by one runner, tuikeys_run(). The TUI's actions
 * (uicmd.h) are carried out here.
 */
#include <curses.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "loop.h"
#include "parse.h"
#include "prompt.h"
#include "tuistate.h"
#include "uicmd.h"
#include "uimouse.h"
#include "uitrace.h"
#include "xalloc.h"

static bool tuikeys_is_enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

void tuikeys_prompt_done(void *ud, const char *line)
{
	struct tui *t = ud;
	if (line == NULL || line[strspn(line, " \t")] == '\0')
		return;
	prompt_remember(line);
	if (tui_history(t) && !t->s->offline) {
		tuireq_remember(t, line);
	}
	struct parse_list pl = { 0 };
	char *cause = NULL;
	bool opened = parse_commands(line, &pl, &cause) == 0 && pl.n == 1 &&
		      tuiviews_prompt(t, pl.cmds[0].argc, pl.cmds[0].argv);
	free(cause);
	parse_list_clear(&pl);
	if (!opened)
		tui_run_line(t, line);
}

static void tuikeys_filter(struct tui *t, struct view *v, int ch)
{
	size_t len = strlen(v->filter);
	if (ch == 27) {
		v->filter[0] = '\0';
		t->filtering = false;
	} else if (tuikeys_is_enter(ch)) {
		t->filtering = false;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		while (len > 0 && (v->filter[len - 1] & 0xc0) == 0x80) /* a whole UTF-8 character */
			len--;
		if (len > 0)
			len--;
		v->filter[len] = '\0';
	} else if (ch == 21) { /* Ctrl-U */
		v->filter[0] = '\0';
	} else if (ch >= 32 && ch < 256 && ch != 127 && len + 1 < sizeof(v->filter)) {
		v->filter[len] = (char)ch;
		v->filter[len + 1] = '\0';
	} else {
		view_move_key(v, ch, t->h - 4);
		return;
	}
	view_filter_changed(v);
}

/*
 * The default key bindings: lines of the command language, run at start before the user's
 * kconrc, so `?` (keys) lists them and any of them can be rebound or unbound.
 */
static const char *const tuikeys_defaults[] = {
	"bind j down",
	"bind Down down",
	"bind k up",
	"bind Up up",
	"bind PgDn page-down",
	"bind Space page-down",
	"bind C-f page-down",
	"bind PgUp page-up",
	"bind C-b page-up",
	"bind g first",
	"bind Home first",
	"bind G last",
	"bind End last",
	"bind Enter select",
	"bind / filter",
	"bind s sort",
	"bind S sort-reverse",
	"bind r refresh",
	"bind : prompt",
	"bind ? keys",
	"bind Esc back",
	"bind q quit",
	"bind C-l redraw",
	"bind L view log",
	"bind -v topics Enter view partitions {name}",
	"bind -v topics t view tail {name}",
	"bind -v topics d topic delete {name}",
	"bind -v topics P prompt 'produce {name} '",
	"bind -v partitions t view tail {arg}",
	"bind -v partitions P prompt 'produce {arg} '",
	"bind -v partitions D prompt 'topic delete-records {arg} --partition {partition} --before '",
	"bind -v partitions e prompt 'topic alter {arg} --set {name}={value}'",
	"bind -v brokers Enter view broker-configs {id}",
	"bind -v brokers c view broker-configs {id}",
	"bind -v broker-configs e prompt 'broker alter {arg} --set {name}={value}'",
	"bind -v groups Enter view group {group}",
	"bind -v groups d group delete {group}",
	"bind -v groups R prompt 'group reset {group} --all-topics --to-latest'",
	"bind -v lag Enter view group {group}",
	"bind -v lag d group delete {group}",
	"bind -v lag R prompt 'group reset {group} --all-topics --to-latest'",
	"bind -v group d group delete {arg}",
	"bind -v group R prompt 'group reset {arg} --topic {topic}:{partition} --to-latest'",
	"bind -v group t view tail {topic}",
	"bind -v output a apply",
};

/* A curses key as a keys.h code (-1: not one a binding can name). */
static int tuikeys_code(int ch)
{
	static const struct {
		int curses, key;
	} map[] = {
		{ '\n', KEYS_ENTER },
		{ KEY_ENTER, KEYS_ENTER },
		{ KEY_UP, KEYS_UP },
		{ KEY_DOWN, KEYS_DOWN },
		{ KEY_LEFT, KEYS_LEFT },
		{ KEY_RIGHT, KEYS_RIGHT },
		{ KEY_PPAGE, KEYS_PGUP },
		{ KEY_NPAGE, KEYS_PGDN },
		{ KEY_HOME, KEYS_HOME },
		{ KEY_END, KEYS_END },
		{ KEY_IC, KEYS_INSERT },
		{ KEY_DC, KEYS_DELETE },
		{ KEY_BACKSPACE, KEYS_BACKSPACE },
		{ 127, KEYS_BACKSPACE },
		{ KEY_BTAB, KEYS_BTAB },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].curses == ch)
			return map[i].key;
	if (ch >= KEY_F(1) && ch <= KEY_F(12))
		return KEYS_F1 + (ch - KEY_F(1));
	return ch >= 0 && ch < 256 ? ch : -1;
}

/* The curses key of a keys.h code, for the views' own handlers (send-key). */
static int tuikeys_curses(int key)
{
	static const int special[] = {
		KEY_UP,   KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_PPAGE,     KEY_NPAGE,
		KEY_HOME, KEY_END,  KEY_IC,   KEY_DC,    KEY_BACKSPACE, KEY_BTAB,
	};
	if (key == KEYS_ENTER)
		return KEY_ENTER;
	if (key >= KEYS_F1 && key <= KEYS_F12)
		return KEY_F(1) + (key - KEYS_F1);
	if (key >= KEYS_SPECIAL && key < KEYS_SPECIAL + (int)(sizeof(special) / sizeof(special[0])))
		return special[key - KEYS_SPECIAL];
	return key;
}

/* Gives a key to the view's own handler and does what it asks. */
static void tuikeys_view_key(struct tui *t, struct view *v, int ch)
{
	unsigned what = v->ops->key ? v->ops->key(v, ch, view_selected(v)) : 0;
	if (what & VIEW_RELOAD && v->ops->reload)
		v->ops->reload(v);
	if (what & VIEW_CLOSE)
		tui_pop(t);
	if (what & VIEW_QUIT) {
		t->quitting = true;
		loop_stop(t->loop);
	}
}

/*
 * A word of a bound line with each {NAME} replaced by the selected row's field (quoted when the
 * word is a command line itself, as prompt's text). NULL with *cause when a field has no value.
 */
static char *tuikeys_expand(struct view *v, const char *word, bool quote, char **cause)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = word;
	while (*p) {
		const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
		size_t nlen = close ? (size_t)(close - open - 1) : 0;
		if (open == NULL || close == NULL || nlen == 0 || nlen > 32 ||
		    strspn(open + 1, "abcdefghijklmnopqrstuvwxyz_") != nlen) {
			size_t n = open ? (size_t)(open - p) + 1 : strlen(p);
			sbuf_addn(&sb, p, n);
			p += n;
			continue;
		}
		sbuf_addn(&sb, p, (size_t)(open - p));
		char *name = x_strndup(open + 1, nlen);
		char *val = v->ops->value ? v->ops->value(v, view_selected(v), name) : NULL;
		if (val == NULL) {
			*cause = x_asprintf("{%s} has no value here: select a row of a view that has it", name);
			free(name);
			sbuf_free(&sb);
			return NULL;
		}
		if (quote) {
			char *q = parse_quote(val);
			sbuf_add(&sb, q);
			free(q);
		} else {
			sbuf_add(&sb, val);
		}
		free(val);
		free(name);
		p = close + 1;
	}
	return sbuf_release(&sb);
}

bool tuikeys_fits(struct view *v, const char *line)
{
	struct parse_list pl = { 0 };
	char *cause = NULL;
	bool fits = parse_commands(line, &pl, &cause) == 0;
	for (size_t i = 0; fits && i < pl.n; i++)
		for (int n = 0; fits && n < pl.cmds[i].argc; n++) {
			char *w = tuikeys_expand(v, pl.cmds[i].argv[n], false, &cause);
			fits = w != NULL;
			free(w);
		}
	free(cause);
	parse_list_clear(&pl);
	return fits;
}

/*
 * The one runner of a line of the one language: each command in turn (tuireq_exec: the TUI's
 * actions here, the others queued for the worker) until the TUI quits. From a key, v is the view
 * it was pressed in: each word's {NAME}s are filled from v's selected row (the rest stops at one
 * without a value), and the rest stops once v is no longer on top, since it would act on another
 * view. From the prompt and the defaults, v is NULL: the words go as typed, and "running LINE" is
 * said first when a command goes to the worker (an error answers at once and clears it).
 */
static void tuikeys_run(struct tui *t, struct view *v, const char *line)
{
	struct parse_list pl = { 0 };
	char *cause = NULL;
	if (parse_commands(line, &pl, &cause) < 0) {
		tui_message(t, "%s", cause);
		free(cause);
		return;
	}
	for (size_t i = 0; v == NULL && i < pl.n; i++) {
		int consumed;
		const struct cmd_entry *e = cmd_find(pl.cmds[i].argc, pl.cmds[i].argv, &consumed, &cause);
		x_free(&cause);
		if (e && !(e->flags & CMD_UI)) {
			tui_message(t, "running %s", line);
			break;
		}
	}
	for (size_t i = 0; i < pl.n && !t->quitting; i++) {
		struct parse_cmd *c = &pl.cmds[i];
		bool quote = strcmp(c->argv[0], "prompt") == 0;
		char **argv = x_calloc((size_t)c->argc + 1, sizeof(char *));
		int n = 0;
		for (; n < c->argc; n++)
			if ((argv[n] = v ? tuikeys_expand(v, c->argv[n], quote && n > 0, &cause)
					 : x_strdup(c->argv[n])) == NULL)
				break;
		if (n == c->argc)
			tuireq_exec(t, c->argc, argv);
		for (int k = 0; k < n; k++)
			free(argv[k]);
		free(argv);
		if (cause) {
			tui_message(t, "%s", cause);
			free(cause);
			break;
		}
		if (v && tui_top(t) != v) /* the view changed: the rest would act on another one */
			break;
	}
	parse_list_clear(&pl);
}

void tui_run_line(struct tui *t, const char *line)
{
	tuikeys_run(t, NULL, line);
}

static bool tuikeys_has_scoped(struct tui *t, struct view *v)
{
	for (size_t i = 0; i < keys_count(t->keys); i++) {
		const char *scope, *line;
		int key;
		keys_get(t->keys, i, &scope, &key, &line);
		if (strcmp(scope, v->ops->name) == 0)
			return true;
	}
	return false;
}

/* `keys` (`?`): the bindings of every view and of this one, what the views are, in a text pane. */
static void tuikeys_help(struct tui *t, struct view *v)
{
	struct sbuf sb = SBUF_INIT;
	for (int pass = 0; pass < 2; pass++) {
		const char *want = pass == 0 ? "" : v->ops->name;
		if (pass == 0)
			sbuf_add(&sb, "KEYS IN EVERY VIEW\n");
		else
			sbuf_addf(&sb, "\nKEYS IN THE %s VIEW\n", v->ops->name);
		for (size_t i = 0; i < keys_count(t->keys); i++) {
			const char *scope, *line, *s2, *l2;
			int key, k2;
			keys_get(t->keys, i, &scope, &key, &line);
			bool seen = false; /* keys with the same line share one entry */
			for (size_t j = 0; j < i && !seen; j++) {
				keys_get(t->keys, j, &s2, &k2, &l2);
				seen = strcmp(s2, scope) == 0 && strcmp(l2, line) == 0;
			}
			if (strcmp(scope, want) != 0 || seen)
				continue;
			char name[32];
			struct sbuf names = SBUF_INIT;
			for (size_t j = i; j < keys_count(t->keys); j++) {
				keys_get(t->keys, j, &s2, &k2, &l2);
				if (strcmp(s2, scope) == 0 && strcmp(l2, line) == 0)
					sbuf_addf(&names, "%s%s", j > i ? " " : "", keys_name(k2, name, sizeof(name)));
			}
			const struct cmd_entry *e = NULL;
			struct parse_list pl = { 0 };
			char *cause = NULL;
			if (parse_commands(line, &pl, &cause) == 0 && pl.n > 0) {
				int consumed;
				e = cmd_find(pl.cmds[0].argc, pl.cmds[0].argv, &consumed, &cause);
			}
			free(cause);
			parse_list_clear(&pl);
			sbuf_addf(&sb, "  %-14s %-36s %s\n", sbuf_str(&names), line, e ? e->help : "");
			sbuf_free(&names);
		}
		if (pass == 1 && !v->ops->enter_help && !v->ops->keys_help && !tuikeys_has_scoped(t, v))
			sbuf_add(&sb, "  (none)\n");
		const char *enter = keys_lookup(t->keys, v->ops->name, KEYS_ENTER);
		if (pass == 1 && v->ops->enter_help && enter && strcmp(enter, "select") == 0)
			sbuf_addf(&sb, "  %-14s %-36s %s\n", "Enter", "select", v->ops->enter_help);
		if (pass == 1 && v->ops->keys_help)
			sbuf_addf(&sb, "  %-14s %-36s %s\n", "", "(the view's own keys)", v->ops->keys_help);
	}
	sbuf_add(&sb, "\nBind keys with `bind [-v VIEW] KEY COMMAND...` at the : prompt or in "
		      "$XDG_CONFIG_HOME/kcon/kconrc; {NAME} is a field of the selected row.\n");
	sbuf_add(&sb, "\nVIEWS (type :NAME)\n");
	for (const struct views_entry *e = views_all(); e->ops; e++) {
		if (e->title == NULL)
			continue;
		char *name = x_asprintf(":%s%s%s", e->noun ? e->noun : e->ops->name, e->arg ? " " : "",
					e->arg ? e->arg : "");
		sbuf_addf(&sb, "  %-22s %s\n", name, e->help);
		free(name);
	}
	struct view_text_arg a = {
		.command = "keys",
		.result = json_pack("{s:s}", "markdown", sbuf_str(&sb)),
		.status = CMD_OK,
	};
	tui_push(t, view_new(&view_text_ops, t, "keys", &a));
	sbuf_free(&sb);
}

/* `bind [-v VIEW] KEY COMMAND...` */
static int tuikeys_bind(struct tui *t, struct cmd_ctx *ctx, bool unbind)
{
	const char *scope = cmd_arg(ctx, "view");
	char *cause = NULL;
	if (scope && views_find(scope) == NULL) {
		struct sbuf views = SBUF_INIT;
		for (const struct views_entry *e = views_all(); e->ops; e++)
			sbuf_addf(&views, "%s%s", e == views_all() ? "" : ", ", e->ops->name);
		cmd_fail(ctx, CMD_USAGE, NULL, "no view is called `%s`", scope);
		ctx->hint = x_asprintf("the views are %s (output: a command's result)", sbuf_str(&views));
		sbuf_free(&views);
		return CMD_USAGE;
	}
	int key = keys_parse(ctx->args.pos[0], &cause);
	if (key < 0) {
		cmd_fail(ctx, CMD_USAGE, "see `help bind`", "%s", cause);
		free(cause);
		return CMD_USAGE;
	}
	if (unbind) {
		if (!keys_unbind(t->keys, scope, key))
			return cmd_fail(ctx, CMD_FAILED, "`keys` (?) lists the bindings", "`%s` is not bound%s%s",
					ctx->args.pos[0], scope ? " in the view " : "", scope ? scope : "");
		return cmd_ok(ctx, json_object());
	}
	/* The line as it will be read back: its words quoted. It must name a command. */
	char *line = parse_join(ctx->args.npos - 1, ctx->args.pos + 1);
	int consumed;
	if (cmd_find(ctx->args.npos - 1, ctx->args.pos + 1, &consumed, &cause) == NULL) {
		cmd_fail(ctx, CMD_USAGE, "bind a key to a kcon command, e.g. `bind -v topics D topic delete {name}`",
			 "%s", cause);
		free(cause);
		free(line);
		return CMD_USAGE;
	}
	keys_bind(t->keys, scope, key, line);
	free(line);
	return cmd_ok(ctx, json_object());
}

/* Carries out the TUI's actions (uicmd.h), on the loop thread. */
int tuikeys_act(void *ud, enum uicmd_action a, struct cmd_ctx *ctx)
{
	struct tui *t = ud;
	struct view *v = tui_top(t);
	if (v == NULL && a != UICMD_BIND && a != UICMD_UNBIND && a != UICMD_THEME)
		return cmd_fail(ctx, CMD_FAILED, NULL, "no view yet");
	int body = v ? t->h - 3 - !(v->ops->flags & VIEW_TEXT) : 1;
	static const enum view_move moves[] = {
		[UICMD_DOWN] = VIEW_MOVE_DOWN,           [UICMD_UP] = VIEW_MOVE_UP,
		[UICMD_PAGE_DOWN] = VIEW_MOVE_PAGE_DOWN, [UICMD_PAGE_UP] = VIEW_MOVE_PAGE_UP,
		[UICMD_FIRST] = VIEW_MOVE_TOP,           [UICMD_LAST] = VIEW_MOVE_BOTTOM,
	};
	switch (a) {
	case UICMD_DOWN:
	case UICMD_UP:
	case UICMD_PAGE_DOWN:
	case UICMD_PAGE_UP:
	case UICMD_FIRST:
	case UICMD_LAST:
		view_move(v, moves[a], body);
		break;
	case UICMD_SELECT:
		tuikeys_view_key(t, v, KEY_ENTER);
		break;
	case UICMD_BACK:
		if (v->filter[0]) {
			v->filter[0] = '\0';
			view_filter_changed(v);
		} else {
			tui_pop(t);
		}
		break;
	case UICMD_FILTER:
		t->filtering = true;
		break;
	case UICMD_PROMPT:
		prompt_open(":", tuikeys_prompt_done, t);
		if (ctx->args.npos)
			prompt_insert(ctx->args.pos[0]);
		break;
	case UICMD_REFRESH:
		tui_refresh(t);
		break;
	case UICMD_REDRAW:
		clearok(curscr, TRUE);
		break;
	case UICMD_SORT:
	case UICMD_SORT_REVERSE:
		view_sort_key(v, a == UICMD_SORT_REVERSE);
		break;
	case UICMD_KEYS:
		tuikeys_help(t, v);
		break;
	case UICMD_VIEW:
		return tuiviews_cmd(t, ctx);
	case UICMD_SEND_KEY: {
		char *cause = NULL;
		int key = keys_parse(ctx->args.pos[0], &cause);
		if (key < 0) {
			cmd_fail(ctx, CMD_USAGE, "see `help bind` for key names", "%s", cause);
			free(cause);
			return CMD_USAGE;
		}
		tuikeys_view_key(t, v, tuikeys_curses(key));
		break;
	}
	case UICMD_APPLY:
		return tuireq_apply(t, v, ctx);
	case UICMD_BIND:
	case UICMD_UNBIND:
		return tuikeys_bind(t, ctx, a == UICMD_UNBIND);
	case UICMD_THEME:
		return tuitheme_cmd(t, ctx);
	case UICMD_NACTIONS:
		break;
	}
	return cmd_ok(ctx, json_object());
}

static void tuikeys_key(struct tui *t, int ch)
{
	struct view *v = tui_top(t);
	if (ch == KEY_RESIZE || v == NULL)
		return;
	if (ch == KEY_MOUSE) { /* the rows start below the title bar (and the column header) */
		bool text = v->ops->flags & VIEW_TEXT;
		if (!prompt_active() && t->w >= TUI_MIN_W && t->h >= TUI_MIN_H)
			uimouse_key(v, text ? 1 : 2, t->h - 3 - !text);
		return;
	}
	if (prompt_active()) {
		if (ch == 27)
			prompt_cancel();
		else
			prompt_feed(ch);
		return;
	}
	x_free(&t->message);
	if (t->filtering) {
		tuikeys_filter(t, v, ch);
		return;
	}
	if (ch == 27 && loop_interrupt(t->loop) > 0) { /* Esc stops a long query first (history sql) */
		tui_message(t, "%s", "interrupting the running query");
		return;
	}
	int key = tuikeys_code(ch);
	const char *line = key >= 0 ? keys_lookup(t->keys, v->ops->name, key) : NULL;
	if (line) {
		char *copy = x_strdup(line); /* the line may rebind its own key */
		tuikeys_run(t, v, copy);
		free(copy);
	} else {
		tuikeys_view_key(t, v, ch);
	}
}

void tuikeys_on_input(struct loop *l, int fd, short revents, void *ud)
{
	struct tui *t = ud;
	(void)l, (void)fd;
	int ch;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) { /* the terminal went away */
		t->quitting = true;
		loop_stop(t->loop);
		return;
	}
	while (!t->quitting && (ch = getch()) != ERR) {
		uitrace_key(ch);
		tuikeys_key(t, ch);
	}
	tuiask_show(t); /* a confirmation that waited for the prompt to close */
	if (!t->quitting)
		tuidraw_frame(t);
}

void tuikeys_bind_defaults(struct tui *t)
{
	for (size_t i = 0; i < sizeof(tuikeys_defaults) / sizeof(tuikeys_defaults[0]); i++)
		tui_run_line(t, tuikeys_defaults[i]);
	keys_free(&t->keys_default);
	t->keys_default = keys_new();
	for (size_t i = 0; i < keys_count(t->keys); i++) {
		const char *scope, *line;
		int key;
		keys_get(t->keys, i, &scope, &key, &line);
		keys_bind(t->keys_default, scope, key, line);
	}
}

const char *tuikeys_default(struct tui *t, struct view *v, int key)
{
	return t->keys_default ? keys_lookup(t->keys_default, v->ops->name, key) : NULL;
}
