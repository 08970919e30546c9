/* Key names and the bindings table (see keys.h). */
#include "keys.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

static const char *const keys_special_names[] = {
#define KEYS_NAME(id, name) name,
	KEYS_SPECIALS(KEYS_NAME)
#undef KEYS_NAME
};
#define KEYS_NSPECIAL (sizeof(keys_special_names) / sizeof(keys_special_names[0]))

/* Other names people use for the same keys. */
static const struct {
	const char *name;
	int key;
} keys_aliases[] = {
	{ "Enter", KEYS_ENTER },   { "Return", KEYS_ENTER }, { "Esc", KEYS_ESC },          { "Escape", KEYS_ESC },
	{ "Tab", KEYS_TAB },       { "Space", KEYS_SPACE },  { "PageUp", KEYS_PGUP },      { "PPage", KEYS_PGUP },
	{ "PageDown", KEYS_PGDN }, { "NPage", KEYS_PGDN },   { "BSpace", KEYS_BACKSPACE }, { "Del", KEYS_DELETE },
	{ "DC", KEYS_DELETE },     { "IC", KEYS_INSERT },    { "S-Tab", KEYS_BTAB },
};

int keys_parse(const char *name, char **cause)
{
	size_t len = name ? strlen(name) : 0;
	if (len == 1 && (unsigned char)name[0] > 32 && (unsigned char)name[0] < 127)
		return (unsigned char)name[0];
	/* C-x and ^X: a control character (C-[ is Esc, C-? is Backspace's DEL) */
	if (len == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
		int c = toupper((unsigned char)name[2]);
		if (c >= '@' && c <= '_')
			return c - '@';
	}
	if (len == 2 && name[0] == '^') {
		int c = toupper((unsigned char)name[1]);
		if (c >= '@' && c <= '_')
			return c - '@';
	}
	for (size_t i = 0; i < sizeof(keys_aliases) / sizeof(keys_aliases[0]); i++)
		if (strcasecmp(name, keys_aliases[i].name) == 0)
			return keys_aliases[i].key;
	for (size_t i = 0; i < KEYS_NSPECIAL; i++)
		if (strcasecmp(name, keys_special_names[i]) == 0)
			return KEYS_SPECIAL + (int)i;
	*cause = x_asprintf("unknown key `%s`: use a character (x, X, ?), C-x for Ctrl-X, or one of Enter Esc Tab "
			    "Space Up Down Left Right PgUp PgDn Home End Insert Delete Backspace BTab F1..F12",
			    name ? name : "");
	return -1;
}

const char *keys_name(int key, char *buf, size_t size)
{
	if (key == KEYS_ENTER)
		snprintf(buf, size, "Enter");
	else if (key == KEYS_ESC)
		snprintf(buf, size, "Esc");
	else if (key == KEYS_TAB)
		snprintf(buf, size, "Tab");
	else if (key == KEYS_SPACE)
		snprintf(buf, size, "Space");
	else if (key >= 0 && key < 32)
		snprintf(buf, size, "C-%c", key + 'a' - 1);
	else if (key > 32 && key < 127)
		snprintf(buf, size, "%c", key);
	else if (key >= KEYS_SPECIAL && key < KEYS_SPECIAL + (int)KEYS_NSPECIAL)
		snprintf(buf, size, "%s", keys_special_names[key - KEYS_SPECIAL]);
	else
		snprintf(buf, size, "key-%d", key);
	return buf;
}

struct keys_binding {
	char *scope; /* "" for every view */
	int key;
	char *line;
};

struct keys {
	struct keys_binding *b;
	size_t n, cap;
};

struct keys *keys_new(void)
{
	return x_calloc(1, sizeof(struct keys));
}

void keys_free(struct keys **k)
{
	if (*k == NULL)
		return;
	for (size_t i = 0; i < (*k)->n; i++) {
		free((*k)->b[i].scope);
		free((*k)->b[i].line);
	}
	free((*k)->b);
	x_free(k);
}

static struct keys_binding *keys_find(const struct keys *k, const char *scope, int key)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->b[i].key == key && strcmp(k->b[i].scope, scope ? scope : "") == 0)
			return &k->b[i];
	return NULL;
}

void keys_bind(struct keys *k, const char *scope, int key, const char *line)
{
	struct keys_binding *b = keys_find(k, scope, key);
	if (b == NULL) {
		if (k->n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 32;
			k->b = x_reallocarray(k->b, k->cap, sizeof(*k->b));
		}
		b = &k->b[k->n++];
		*b = (struct keys_binding){ .scope = x_strdup(scope ? scope : ""), .key = key };
	}
	free(b->line);
	b->line = x_strdup(line);
}

bool keys_unbind(struct keys *k, const char *scope, int key)
{
	struct keys_binding *b = keys_find(k, scope, key);
	if (b == NULL)
		return false;
	free(b->scope);
	free(b->line);
	size_t i = (size_t)(b - k->b);
	memmove(b, b + 1, (k->n - i - 1) * sizeof(*b));
	k->n--;
	return true;
}

const char *keys_lookup(const struct keys *k, const char *scope, int key)
{
	const struct keys_binding *b = scope && *scope ? keys_find(k, scope, key) : NULL;
	if (b == NULL)
		b = keys_find(k, "", key);
	return b ? b->line : NULL;
}

size_t keys_count(const struct keys *k)
{
	return k->n;
}

void keys_get(const struct keys *k, size_t i, const char **scope, int *key, const char **line)
{
	*scope = k->b[i].scope;
	*key = k->b[i].key;
	*line = k->b[i].line;
}
