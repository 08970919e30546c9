/* Drawing the TUI: the title bar, the view, the status bar and the message line (prompt, filter, key line). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "escape.h"
#include "keys.h"
#include "look.h"
#include "parse.h"
#include "prompt.h"
#include "tuistate.h"
#include "uitrace.h"
#include "xalloc.h"

static void tuidraw_bar(int y, int w, int element)
{
	attrset(look_attr(element));
	mvhline(y, 0, ' ', w);
}

/* "45s", "12m", "3h", "2d" since the wall time ms, and " ago". */
static void tuidraw_ago(struct sbuf *sb, int64_t ms)
{
	long s = (long)((clock_wall_ms() - ms) / 1000);
	s = s < 0 ? 0 : s;
	if (s < 60)
		sbuf_addf(sb, "%lds ago", s);
	else if (s < 3600)
		sbuf_addf(sb, "%ldm ago", s / 60);
	else if (s < 2 * 86400)
		sbuf_addf(sb, "%ldh ago", s / 3600);
	else
		sbuf_addf(sb, "%ldd ago", s / 86400);
}

static void tuidraw_title(struct tui *t)
{
	const char *sep = t->utf8 ? " \xe2\x94\x82 " : " | "; /* │ */
	const char *bootstrap = t->where;
	const char *state = t->cluster_status < 0         ? (t->utf8 ? "connecting\xe2\x80\xa6" : "connecting...")
			    : t->cluster_status == CMD_OK ? (t->cluster_seen_ms ? "offline" : "connected")
			    : t->cluster_status == CMD_UNREACHABLE ? "unreachable"
								   : "error";
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, " kcon");
	sbuf_add(&sb, sep);
	if (t->s->read_only) { /* first: it must not be cut off */
		sbuf_add(&sb, "READ-ONLY");
		sbuf_add(&sb, sep);
	}
	if (t->profile) { /* the profile before the cluster it reaches: what the person chose */
		sbuf_add(&sb, "profile ");
		escape_append(&sb, t->profile, strlen(t->profile));
		sbuf_add(&sb, sep);
	}
	if (t->cluster_id) {
		escape_append(&sb, t->cluster_id, strlen(t->cluster_id));
		sbuf_add(&sb, sep);
	}
	escape_append(&sb, bootstrap, strlen(bootstrap));
	sbuf_add(&sb, sep);
	sbuf_add(&sb, state);
	if (t->cluster_seen_ms) {
		sbuf_add(&sb, ", last seen ");
		tuidraw_ago(&sb, t->cluster_seen_ms);
	}
	if (t->history_off) {
		sbuf_add(&sb, sep);
		sbuf_add(&sb, "history off");
	} else if (t->sample_status == CMD_OK) {
		sbuf_add(&sb, sep);
		sbuf_add(&sb, "recording");
	} else if (t->sample_status > 0) {
		sbuf_add(&sb, sep);
		sbuf_add(&sb, "history: ");
		escape_append(&sb, t->sample_error, strlen(t->sample_error));
	}
	tuidraw_bar(0, t->w, THEME_TITLE);
	view_put(0, 0, t->w, sbuf_str(&sb), t->utf8);
	attrset(A_NORMAL);
	sbuf_free(&sb);
}

static void tuidraw_status(struct tui *t, struct view *v, int y)
{
	struct sbuf left = SBUF_INIT, right = SBUF_INIT;
	sbuf_addf(&left, " %s", v->title);
	if (!(v->ops->flags & VIEW_TEXT))
		sbuf_addf(&left, " %d/%d", v->nmap ? v->sel + 1 : 0, v->nmap);
	if (v->sort > 0)
		sbuf_addf(&left, " sort %s%s", v->cols[v->sort - 1].title,
			  v->sort_rev ? (t->utf8 ? "\xe2\x86\x93" : "-") : (t->utf8 ? "\xe2\x86\x91" : "+"));
	if (v->filter[0]) {
		sbuf_add(&left, " /");
		escape_append(&left, v->filter, strlen(v->filter));
	}
	if (v->stale_ms) { /* the stored snapshot stands in for the cluster */
		sbuf_add(&right, "stale: snapshot from ");
		tuidraw_ago(&right, v->stale_ms);
		if (v->error)
			sbuf_addf(&right, ", error: %s", v->error); /* the whole right side is escaped below */
	} else if (v->error) {
		if (v->loaded_ms) { /* the rows are the last that loaded: say when */
			sbuf_add(&right, "from ");
			tuidraw_ago(&right,
				    clock_wall_ms() - (clock_mono_ms() - v->loaded_ms)); /* loaded_ms is monotonic */
			sbuf_add(&right, ", ");
		}
		sbuf_add(&right, "error: ");
		sbuf_add(&right, v->error);
	} else if (v->loaded_ms) {
		sbuf_add(&right, "updated ");
		tuidraw_ago(&right, clock_wall_ms() - (clock_mono_ms() - v->loaded_ms));
	} else {
		sbuf_add(&right, t->utf8 ? "loading\xe2\x80\xa6" : "loading...");
	}
	if (v->inflight && v->loaded_ms)
		sbuf_add(&right, t->utf8 ? " \xe2\x86\xbb" : " *"); /* ↻: a refresh is on its way */
	sbuf_addc(&right, ' ');
	char *esc = escape_str(sbuf_str(&right));
	tuidraw_bar(y, t->w, THEME_STATUS);
	int lw = view_put(y, 0, t->w, sbuf_str(&left), t->utf8);
	char *tr = view_text(esc, t->utf8);
	int rw = view_text_width(tr, t->utf8);
	int room = t->w - lw - 1;
	if (room > 0) {
		if (v->error || v->stale_ms)
			attron(A_BOLD);
		view_put(y, rw < room ? t->w - rw : lw + 1, room, esc, t->utf8);
		attroff(A_BOLD);
	}
	attrset(A_NORMAL);
	free(tr);
	free(esc);
	sbuf_free(&left);
	sbuf_free(&right);
}

/* The key that runs line in v (not hidden by a binding of v's own), into buf; NULL when none does. */
static const char *tuidraw_key_for(struct tui *t, struct view *v, const char *line, char *buf, size_t size)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < keys_count(t->keys); i++) {
			const char *scope, *l;
			int key;
			keys_get(t->keys, i, &scope, &key, &l);
			if (strcmp(scope, pass ? "" : v->ops->name) == 0 && strcmp(l, line) == 0 &&
			    keys_lookup(t->keys, v->ops->name, key) == l)
				return keys_name(key, buf, size);
		}
	return NULL;
}

/* A word for what a bound line does: `topic delete {name}` is delete, `prompt 'produce {name} '` produce. */
static void tuidraw_label(const char *line, struct sbuf *out)
{
	struct parse_list pl = { 0 }, inner = { 0 };
	char *cause = NULL;
	if (parse_commands(line, &pl, &cause) < 0 || pl.n == 0) {
		free(cause);
		return;
	}
	struct parse_cmd *c = &pl.cmds[0];
	if (strcmp(c->argv[0], "prompt") == 0 && c->argc > 1 && parse_commands(c->argv[1], &inner, &cause) == 0 &&
	    inner.n > 0)
		c = &inner.cmds[0];
	free(cause);
	static const char *const skip[] = { "view", "prompt", "topic", "group", "broker" };
	const char *label = c->argv[0];
	for (int i = 0; i < c->argc; i++) {
		const char *w = c->argv[i];
		bool skipped = w[0] == '-' || strchr(w, '{');
		for (size_t k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
			skipped |= strcmp(w, skip[k]) == 0;
		if (!skipped) {
			label = w;
			break;
		}
	}
	sbuf_add(out, label);
	parse_list_clear(&pl);
	parse_list_clear(&inner);
}

/*
 * The key line: what Enter does, the view's own bindings (those that fit the selected row) and keys,
 * then the common ones.
 */
static void tuidraw_key_line(struct tui *t, struct view *v, struct sbuf *out)
{
	char key[32];
	/*
	 * The view's words for Enter (enter_help) say what its default binding does: its own Enter (a
	 * key that runs `select`), or a drill-down line bound in the view, labelled so while it is bound.
	 */
	const char *def = v->ops->enter_help ? tuikeys_default(t, v, KEYS_ENTER) : NULL;
	const char *now = keys_lookup(t->keys, v->ops->name, KEYS_ENTER);
	bool drill_default = def && now && strcmp(def, now) == 0;
	if (def && strcmp(def, "select") == 0 && tuidraw_key_for(t, v, "select", key, sizeof(key)))
		sbuf_addf(out, "%s %s  ", key, v->ops->enter_help);
	for (size_t i = 0; i < keys_count(t->keys); i++) {
		const char *scope, *line;
		int k;
		keys_get(t->keys, i, &scope, &k, &line);
		/* A key for rows of another kind (a tab's: `e` edits a config, not a partition) is left out. */
		if (strcmp(scope, v->ops->name) == 0 && (view_selected(v) < 0 || tuikeys_fits(v, line))) {
			sbuf_addf(out, "%s ", keys_name(k, key, sizeof(key)));
			if (k == KEYS_ENTER && drill_default)
				sbuf_add(out, v->ops->enter_help);
			else
				tuidraw_label(line, out);
			sbuf_add(out, "  ");
		}
	}
	if (v->ops->keys_help)
		sbuf_addf(out, "%s  ", v->ops->keys_help);
	static const struct {
		const char *line, *label;
		bool table; /* only in views with rows to sort */
	} common[] = {
		{ "keys", "help", false },     { "quit", "quit", false }, { "prompt", "command", false },
		{ "filter", "filter", false }, { "sort", "sort", true },  { "back", "back", false },
	};
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		if ((common[i].table && (v->ops->flags & VIEW_TEXT)) ||
		    (strcmp(common[i].line, "back") == 0 && t->depth < 2))
			continue;
		if (tuidraw_key_for(t, v, common[i].line, key, sizeof(key)))
			sbuf_addf(out, "%s %s  ", key, common[i].label);
	}
}

static void tuidraw_bottom(struct tui *t, struct view *v, int y)
{
	move(y, 0);
	clrtoeol();
	if (prompt_active()) {
		const char *m = prompt_message();
		if (m && y > 0) { /* completion's matches, above the prompt */
			move(y - 1, 0);
			clrtoeol();
			view_put(y - 1, 0, t->w, m, t->utf8);
		}
		prompt_draw(y, t->w, t->utf8);
		return;
	}
	if (t->filtering) {
		struct sbuf sb = SBUF_INIT;
		sbuf_addc(&sb, '/');
		escape_append(&sb, v->filter, strlen(v->filter));
		int n = view_put(y, 0, t->w, sbuf_str(&sb), t->utf8);
		move(y, n < t->w ? n : t->w - 1);
		sbuf_free(&sb);
		return;
	}
	char *hint = v->hint ? escape_str(v->hint) : NULL;
	attrset(look_attr(THEME_MESSAGE));
	if (t->message) {
		view_put(y, 0, t->w, t->message, t->utf8);
	} else if (hint) {
		char *h = x_asprintf("hint: %s", hint);
		view_put(y, 0, t->w, h, t->utf8);
		free(h);
	} else {
		struct sbuf keys = SBUF_INIT;
		tuidraw_key_line(t, v, &keys);
		view_put(y, 0, t->w, sbuf_str(&keys), t->utf8);
		sbuf_free(&keys);
	}
	attrset(A_NORMAL);
	free(hint);
}

void tuidraw_frame(struct tui *t)
{
	if (!tuiterm_active())
		return;
	erase();
	struct view *v = tui_top(t);
	if (t->w < TUI_MIN_W || t->h < TUI_MIN_H || v == NULL) {
		curs_set(0);
		view_put(0, 0, t->w, "terminal too small", t->utf8);
		if (t->h > 1)
			view_put(1, 0, t->w, "kcon needs 20x6", t->utf8);
		refresh();
		uitrace_frame(false, false);
		return;
	}
	tuidraw_title(t);
	view_draw(v, 1, t->h - 3, t->w, t->utf8);
	tuidraw_status(t, v, t->h - 2);
	tuidraw_bottom(t, v, t->h - 1);
	curs_set(prompt_active() || t->filtering ? 1 : 0);
	refresh();
	uitrace_frame(v->nmap > 0 && v->loaded_ms > 0, v->stale_ms != 0);
}
