#include "clock.h"
#include "complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "client_groups.h"
#include "conf.h"
#include "escape.h"
#include "loop.h"
#include "model.h"
#include "parse.h"
#include "profiles.h"
#include "sbuf.h"
#include "theme.h"
#include "views.h"
#include "xalloc.h"

char **(*complete_groups_hook)(struct session *s);

struct complete_list {
	char **v;
	size_t n;
	char **d;               /* descriptions beside v ("" when none), for shells that show them */
	enum cmd_arg_kind kind; /* the kind of argument completed (CMD_ARG_FILE: the shell lists files) */
};

static void complete_add_d(struct complete_list *l, const char *prefix, const char *word, const char *desc)
{
	if (strncmp(word, prefix, strlen(prefix)) != 0)
		return;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], word) == 0)
			return;
	l->v = x_reallocarray(l->v, l->n + 2, sizeof(char *));
	l->d = x_reallocarray(l->d, l->n + 2, sizeof(char *));
	l->d[l->n] = x_strdup(desc ? desc : "");
	l->v[l->n++] = x_strdup(word);
	l->v[l->n] = NULL;
	l->d[l->n] = NULL;
}

static void complete_add(struct complete_list *l, const char *prefix, const char *word)
{
	complete_add_d(l, prefix, word, NULL);
}

void complete_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Splits the command being typed (after the last unquoted ';') into words. */
static int complete_words(const char *line, int len, char ***out)
{
	int seg = 0;
	char q = 0;
	for (int i = 0; i < len; i++) {
		if (line[i] == '\\' && q != '\'' && i + 1 < len)
			i++;
		else if (q && line[i] == q)
			q = 0;
		else if (!q && (line[i] == '\'' || line[i] == '"'))
			q = line[i];
		else if (!q && line[i] == ';')
			seg = i + 1;
	}
	char *text = x_strndup(line + seg, (size_t)(len - seg));
	struct parse_list pl = { 0 };
	char *cause = NULL;
	int n = 0;
	*out = NULL;
	if (parse_commands(text, &pl, &cause) == 0 && pl.n > 0) {
		n = pl.cmds[pl.n - 1].argc;
		*out = pl.cmds[pl.n - 1].argv;
		pl.cmds[pl.n - 1].argv = NULL;
		pl.cmds[pl.n - 1].argc = 0;
	}
	free(cause);
	parse_list_clear(&pl);
	free(text);
	return n;
}

/* True when word is exactly the noun of some two-word command. */
static bool complete_is_noun(const char *word)
{
	size_t n, wl = strlen(word);
	const struct cmd_entry *const *all = cmd_all(&n);
	for (size_t i = 0; i < n; i++) {
		const char *sp = strchr(all[i]->name, ' ');
		if (sp && (size_t)(sp - all[i]->name) == wl && strncmp(all[i]->name, word, wl) == 0)
			return true;
	}
	return false;
}

static void complete_commands(struct complete_list *l, const char *text)
{
	size_t n;
	const struct cmd_entry *const *all = cmd_all(&n);
	for (size_t i = 0; i < n; i++) {
		char *first = x_strdup(all[i]->name);
		char *sp = strchr(first, ' ');
		if (sp)
			*sp = '\0';
		struct sbuf verbs = SBUF_INIT; /* a noun's description: its subcommands */
		for (size_t j = 0; sp && j < n; j++) {
			const char *vsp = strchr(all[j]->name, ' ');
			if (vsp && (size_t)(vsp - all[j]->name) == strlen(first) &&
			    strncmp(all[j]->name, first, strlen(first)) == 0)
				sbuf_addf(&verbs, "%s%s", verbs.len ? ", " : "", vsp + 1);
		}
		complete_add_d(l, text, first, sp ? sbuf_str(&verbs) : all[i]->help);
		sbuf_free(&verbs);
		free(first);
		if (all[i]->alias)
			complete_add_d(l, text, all[i]->alias, all[i]->help);
	}
}

static void complete_verbs(struct complete_list *l, const char *noun, const char *text)
{
	size_t n, nl = strlen(noun);
	const struct cmd_entry *const *all = cmd_all(&n);
	for (size_t i = 0; i < n; i++) {
		const char *sp = strchr(all[i]->name, ' ');
		if (sp && (size_t)(sp - all[i]->name) == nl && strncmp(all[i]->name, noun, nl) == 0)
			complete_add_d(l, text, sp + 1, all[i]->help);
	}
}

static void complete_kind(struct complete_list *l, enum cmd_arg_kind kind, const char *text, complete_names_fn fn,
			  void *ud)
{
	l->kind = kind;
	switch (kind) {
	case CMD_ARG_FORMAT:
		complete_add(l, text, "table");
		complete_add(l, text, "json");
		complete_add(l, text, "ndjson");
		complete_add(l, text, "csv");
		break;
	case CMD_ARG_SHELL:
		complete_add(l, text, "bash");
		complete_add(l, text, "zsh");
		complete_add(l, text, "fish");
		break;
	case CMD_ARG_COMMAND:
		complete_commands(l, text);
		break;
	case CMD_ARG_TOPIC:
	case CMD_ARG_TOPIC_PARTS:
	case CMD_ARG_GROUP: {
		char **names = fn ? fn(ud, kind == CMD_ARG_GROUP ? CMD_ARG_GROUP : CMD_ARG_TOPIC) : NULL;
		for (size_t i = 0; names && names[i]; i++) {
			/* Names that would not show cleanly are left out; the rest are quoted as needed. */
			if (!escape_is_clean(names[i], strlen(names[i])))
				continue;
			char *q = parse_quote(names[i]);
			complete_add(l, text, q);
			free(q);
		}
		complete_free(names);
		break;
	}
	case CMD_ARG_THEME: { /* the theme files theme_find() finds */
		char **names = theme_list(KCON_SOURCE_THEMES);
		for (size_t i = 0; names[i]; i++)
			complete_add(l, text, names[i]);
		complete_free(names);
		break;
	}
	case CMD_ARG_PROFILE: { /* config.json's, read now: a small file */
		char *path = conf_profile_path();
		char **names = profiles_names(path);
		free(path);
		for (size_t i = 0; names && names[i]; i++)
			complete_add(l, text, names[i]); /* profiles_name_ok(): nothing to quote or escape */
		complete_free(names);
		break;
	}
	case CMD_ARG_VIEW: /* the views `view NAME` opens, from the registry */
		for (const struct views_entry *v = views_all(); v->ops; v++)
			if (v->title)
				complete_add(l, text, v->ops->name);
		break;
	default:
		break;
	}
}

/* The kind of the argument the view called name takes ("TOPIC [FROM]": a topic), from the registry. */
static enum cmd_arg_kind complete_view_arg(const char *name)
{
	const struct views_entry *v = views_find(name);
#define X(id, meta) CMD_ARG_##id,
	static const enum cmd_arg_kind kinds[] = { CMD_ARG_KINDS(X) };
#undef X
	for (size_t i = 0; v && v->title && v->arg && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *meta = cmd_arg_kind_meta(kinds[i]);
		size_t n = strlen(meta);
		if (n && strncmp(v->arg, meta, n) == 0 && (v->arg[n] == ' ' || v->arg[n] == '\0'))
			return kinds[i];
	}
	return CMD_ARG_NONE;
}

/* The spec of the i-th positional argument of e (one that takes the rest), or NULL. */
static const struct cmd_pos *complete_pos(const struct cmd_entry *e, int i)
{
	for (int k = 0; e->args && e->args[k].name; k++)
		if (k == i || (e->args[k].flags & CMD_POS_REST))
			return &e->args[k];
	return NULL;
}

static const struct cmd_opt *complete_opt(const struct cmd_entry *e, const char *word)
{
	for (const struct cmd_opt *o = e->opts; o && o->name; o++)
		if ((word[1] == '-' && strcmp(word + 2, o->name) == 0) ||
		    (word[1] != '-' && word[2] == '\0' && o->short_name == word[1]))
			return o;
	return NULL;
}

/* Options and arguments of e, given the words typed after its name. */
static void complete_args(struct complete_list *l, const struct cmd_entry *e, int argc, char **argv, const char *text,
			  complete_names_fn fn, void *ud)
{
	int npos = 0;
	bool only_pos = false;
	enum cmd_arg_kind value_of = CMD_ARG_NONE; /* the previous word is an option wanting a value */
	const char *view = NULL;                   /* a view's name given (`view tail ...`) */
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		value_of = CMD_ARG_NONE;
		if (!only_pos && strcmp(w, "--") == 0) {
			only_pos = true;
		} else if (!only_pos && w[0] == '-' && w[1] && !strchr(w, '=')) {
			const struct cmd_opt *o = complete_opt(e, w);
			if (strcmp(w, "-o") == 0 || strcmp(w, "--output") == 0)
				value_of = CMD_ARG_FORMAT;
			else if (o && o->kind != CMD_ARG_NONE)
				value_of = o->kind;
			if (value_of != CMD_ARG_NONE && i + 1 < argc) {
				i++;
				value_of = CMD_ARG_NONE;
			}
		} else if (!(w[0] == '-' && w[1] && !only_pos)) {
			const struct cmd_pos *p = complete_pos(e, npos++);
			if (p && p->kind == CMD_ARG_VIEW)
				view = w;
		}
	}
	if (value_of != CMD_ARG_NONE) {
		complete_kind(l, value_of, text, fn, ud);
		return;
	}
	if (text[0] == '-' && !only_pos) {
		for (const struct cmd_opt *o = e->opts; o && o->name; o++) {
			char *name = x_asprintf("--%s", o->name);
			complete_add_d(l, text, name, o->help);
			free(name);
		}
		complete_add_d(l, text, "--output", "table, json or csv");
		return;
	}
	const struct cmd_pos *which = complete_pos(e, npos);
	if (which && view && which->kind != CMD_ARG_VIEW) /* after a view's name: its argument */
		complete_kind(l, complete_view_arg(view), text, fn, ud);
	else if (which)
		complete_kind(l, which->kind, text, fn, ud);
}

static struct complete_list complete_collect(const char *line, int start, const char *text, complete_names_fn fn,
					     void *ud)
{
	struct complete_list l = { x_calloc(1, sizeof(char *)), 0, x_calloc(1, sizeof(char *)), CMD_ARG_NONE };
	char **argv;
	int argc = complete_words(line, start, &argv);
	cmd_init();
	if (argc == 0) {
		complete_commands(&l, text);
	} else if (argc == 1 && complete_is_noun(argv[0])) {
		complete_verbs(&l, argv[0], text);
	} else {
		int consumed = 0;
		char *cause = NULL;
		const struct cmd_entry *e = cmd_find(argc, argv, &consumed, &cause);
		free(cause);
		if (e)
			complete_args(&l, e, argc - consumed, argv + consumed, text, fn, ud);
	}
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	return l;
}

char **complete_kind_names(enum cmd_arg_kind kind, const char *text, complete_names_fn fn, void *ud)
{
	struct complete_list l = { x_calloc(1, sizeof(char *)), 0, x_calloc(1, sizeof(char *)), CMD_ARG_NONE };
	complete_kind(&l, kind, text, fn, ud);
	complete_free(l.d);
	return l.v;
}

char **complete_candidates(const char *line, int start, const char *text, complete_names_fn fn, void *ud)
{
	struct complete_list l = complete_collect(line, start, text, fn, ud);
	complete_free(l.d);
	return l.v;
}

char **complete_described(const char *line, int start, const char *text, complete_names_fn fn, void *ud, char ***descs,
			  enum cmd_arg_kind *kind)
{
	struct complete_list l = complete_collect(line, start, text, fn, ud);
	*descs = l.d;
	*kind = l.kind;
	return l.v;
}

/* --- readline -------------------------------------------------------------------------------- */

static complete_names_fn complete_fn;
static void *complete_ud;
static char **complete_current;
static size_t complete_next;

static char *complete_generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		complete_next = 0;
	if (complete_current == NULL || complete_current[complete_next] == NULL)
		return NULL;
	return x_strdup(complete_current[complete_next++]);
}

static char **complete_readline(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1; /* never fall back to file names */
	complete_free(complete_current);
	complete_current = complete_candidates(rl_line_buffer, start, text, complete_fn, complete_ud);
	char **m = rl_completion_matches(text, complete_generator);
	complete_free(complete_current);
	complete_current = NULL;
	return m;
}

void complete_attach(complete_names_fn fn, void *ud)
{
	complete_fn = fn;
	complete_ud = ud;
	rl_attempted_completion_function = complete_readline;
	rl_completer_word_break_characters = " \t;";
	rl_completer_quote_characters = "'\"";
}

/* --- names from the session -------------------------------------------------------------------- */

/* Group ids by ListGroups, kept 30 s: there is no cached group list to read them from. */
static char **complete_session_groups(struct session *s)
{
	static char **cached;
	static int64_t cached_at, failed_at;
	int64_t now = clock_mono_ms();
	if (cached == NULL || now - cached_at > 30000) {
		if (failed_at && now - failed_at < 30000)
			return NULL;
		struct err e = { 0 };
		struct client *c;
		struct group_info *g = NULL;
		int n = 0;
		if (session_client(s, &c, &e) != CMD_OK || client_groups_list(c, &g, &n, &e) != CMD_OK) {
			failed_at = now;
			err_clear(&e);
			return NULL;
		}
		complete_free(cached);
		cached = x_calloc((size_t)n + 1, sizeof(char *));
		for (int i = 0; i < n; i++)
			cached[i] = x_strdup(g[i].id);
		client_groups_free(&g, n);
		cached_at = now;
		failed_at = 0;
	}
	size_t n = 0;
	while (cached[n])
		n++;
	char **v = x_calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		v[i] = x_strdup(cached[i]);
	return v;
}

char **complete_session_names(void *session, enum cmd_arg_kind kind)
{
	static int64_t failed_at;
	struct session *s = session;
	if (kind == CMD_ARG_GROUP)
		return complete_groups_hook ? complete_groups_hook(s) : complete_session_groups(s);
	if (kind != CMD_ARG_TOPIC || (failed_at && clock_mono_ms() - failed_at < 30000))
		return NULL;
	struct err e = { 0 };
	struct client *c;
	struct model *m = NULL;
	/* A generous age: completion must not wait on the cluster when anything is cached. */
	if (session_client(s, &c, &e) != CMD_OK || client_metadata(c, 10 * 60 * 1000, &m, &e) != CMD_OK) {
		failed_at = clock_mono_ms();
		err_clear(&e);
		return NULL;
	}
	failed_at = 0;
	char **v = x_calloc((size_t)m->ntopics + 1, sizeof(char *));
	for (int i = 0; i < m->ntopics; i++)
		v[i] = x_strdup(m->topics[i].name);
	model_unref(&m);
	return v;
}
