/* Theme files: `color <element> <fg> <bg> [attrs...]` lines, parsed without curses. */
#include "theme.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "file.h"
#include "sbuf.h"
#include "xalloc.h"

static const char *const theme_names[THEME_COUNT] = {
#define THEME_NAME(id, name) [id] = name,
	THEME_ELEMENTS(THEME_NAME)
#undef THEME_NAME
};

static const char *const theme_colors[] = { "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white" };

static const struct {
	const char *name;
	unsigned bit;
} theme_attrs[] = {
	{ "bold", THEME_BOLD },       { "dim", THEME_DIM },           { "underline", THEME_UNDERLINE },
	{ "reverse", THEME_REVERSE }, { "standout", THEME_STANDOUT },
};

void theme_init(struct theme *th)
{
	memset(th, 0, sizeof(*th));
	for (int i = 0; i < THEME_COUNT; i++)
		th->style[i].fg = th->style[i].bg = THEME_DEFAULT_COLOR;
}

const char *theme_element_name(int element)
{
	return element > THEME_NONE && element < THEME_COUNT ? theme_names[element] : NULL;
}

int theme_color_parse(const char *s)
{
	if (strcmp(s, "default") == 0)
		return THEME_DEFAULT_COLOR;
	if (s[0] >= '0' && s[0] <= '9') {
		char *end;
		errno = 0;
		long n = strtol(s, &end, 10);
		return *end == '\0' && errno == 0 && n <= 255 ? (int)n : -2;
	}
	bool bright = strncmp(s, "bright-", 7) == 0;
	for (int i = 0; i < 8; i++)
		if (strcmp(s + (bright ? 7 : 0), theme_colors[i]) == 0)
			return i + (bright ? 8 : 0);
	return -2;
}

int theme_parse_line(struct theme *th, const char *line, char **cause)
{
	char *copy = x_strdup(line), *save = NULL;
	char *hash = strchr(copy, '#');
	if (hash)
		*hash = '\0';
	char *w[16];
	int n = 0;
	for (char *tok = strtok_r(copy, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save))
		if (n < 16)
			w[n++] = tok;
	int rc = 0;
	struct theme_style st = { .set = true };
	int el = THEME_NONE;
	if (n == 0)
		goto out;
	*cause = NULL;
	if (strcmp(w[0], "color") != 0) {
		*cause = x_asprintf("unknown directive `%s` (lines are `color ELEMENT FG BG [ATTRS]`)", w[0]);
	} else if (n < 4) {
		*cause = x_strdup("`color` takes an element, a foreground and a background colour");
	} else {
		for (int i = 1; i < THEME_COUNT && el == THEME_NONE; i++)
			if (strcmp(w[1], theme_names[i]) == 0)
				el = i;
		st.fg = theme_color_parse(w[2]);
		st.bg = theme_color_parse(w[3]);
		if (el == THEME_NONE)
			*cause = x_asprintf("unknown element `%s`", w[1]);
		else if (st.fg == -2 || st.bg == -2)
			*cause = x_asprintf("`%s` is not a colour (a name like red or bright-red, default, or 0-255)",
					    st.fg == -2 ? w[2] : w[3]);
		for (int i = 4; i < n && *cause == NULL; i++) {
			size_t a = 0;
			while (a < sizeof(theme_attrs) / sizeof(theme_attrs[0]) && strcmp(w[i], theme_attrs[a].name))
				a++;
			if (a == sizeof(theme_attrs) / sizeof(theme_attrs[0]))
				*cause = x_asprintf("unknown attribute `%s` (bold, dim, underline, reverse, standout)",
						    w[i]);
			else
				st.attrs |= theme_attrs[a].bit;
		}
	}
	if (*cause)
		rc = -1;
	else
		th->style[el] = st;
out:
	free(copy);
	return rc;
}

int theme_load(struct theme *th, const char *path, char **errors)
{
	*errors = NULL;
	char *text = file_read(path, "theme file", FILE_CONFIG_MAX, 0, NULL, errors);
	if (text == NULL)
		return -1;
	struct sbuf sb = SBUF_INIT;
	int lineno = 0, bad = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *cause = NULL;
		lineno++;
		if (theme_parse_line(th, line, &cause) < 0) {
			sbuf_addf(&sb, "%s%s:%d: %s", bad ? "\n" : "", path, lineno, cause);
			bad++;
			free(cause);
		}
	}
	free(text);
	*errors = bad ? sbuf_release(&sb) : NULL;
	sbuf_free(&sb);
	return bad;
}

static char *theme_try(const char *dir, const char *sub, const char *name, struct sbuf *tried)
{
	char *p = x_asprintf("%s%s/%s", dir, sub, name);
	if (access(p, R_OK) == 0)
		return p;
	sbuf_addf(tried, "%s%s%s", tried->len ? ", " : "", dir, sub);
	free(p);
	return NULL;
}

char *theme_find(const char *name, const char *srcdir, char **cause)
{
	*cause = NULL;
	if (strchr(name, '/')) {
		if (access(name, R_OK) == 0)
			return x_strdup(name);
		*cause = x_asprintf("theme file %s: %s", name, strerror(errno));
		return NULL;
	}
	struct sbuf tried = SBUF_INIT;
	char *p = NULL;
	char *mine = conf_config_path("themes");
	if (mine)
		p = theme_try(mine, "", name, &tried);
	free(mine);
	if (p == NULL)
		p = theme_try(KCON_DATADIR, "/themes", name, &tried);
	if (p == NULL && srcdir)
		p = theme_try(srcdir, "", name, &tried);
	if (p == NULL)
		*cause = x_asprintf("no theme `%s` (looked in %s)", name, sbuf_str(&tried));
	sbuf_free(&tried);
	return p;
}

/* Adds the names of dir's readable files to *v (n of them), each once. */
static void theme_list_dir(const char *dir, char ***v, size_t *n)
{
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		bool seen = false;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = strcmp((*v)[i], de->d_name) == 0;
		if (seen)
			continue;
		*v = x_reallocarray(*v, *n + 2, sizeof(char *));
		(*v)[(*n)++] = x_strdup(de->d_name);
		(*v)[*n] = NULL;
	}
	if (d)
		closedir(d);
}

char **theme_list(const char *srcdir)
{
	char **v = x_calloc(1, sizeof(char *));
	size_t n = 0;
	char *mine = conf_config_path("themes");
	theme_list_dir(mine, &v, &n);
	free(mine);
	theme_list_dir(KCON_DATADIR "/themes", &v, &n);
	theme_list_dir(srcdir, &v, &n);
	return v;
}

int theme_health(bool offline, bool under_replicated, bool under_min_isr)
{
	return offline            ? THEME_PARTITION_OFFLINE
	       : under_replicated ? THEME_UNDER_REPLICATED
	       : under_min_isr    ? THEME_UNDER_MIN_ISR
				  : THEME_NONE;
}
