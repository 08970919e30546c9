/*
 * Key names and key bindings, without curses: a binding maps a key, in one view or in all of them,
 * to a line of the command language (`bind -v topics d topic delete {name}`). The TUI turns curses
 * key codes into these codes, looks bindings up and runs their lines. Unit-tested in test_keys.c.
 */
#ifndef KCON_KEYS_H
#define KCON_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Key codes: a byte for characters (1..26 are Ctrl-A..Ctrl-Z, 9 Tab, 13 Enter, 27 Esc, 32 Space),
 * and the special keys below.
 */
#define KEYS_TAB   9
#define KEYS_ENTER 13
#define KEYS_ESC   27
#define KEYS_SPACE 32

/* The special keys: name and code, in the order of their codes from KEYS_SPECIAL. */
#define KEYS_SPECIALS(X)                                                                                               \
	X(UP, "Up")                                                                                                    \
	X(DOWN, "Down")                                                                                                \
	X(LEFT, "Left")                                                                                                \
	X(RIGHT, "Right")                                                                                              \
	X(PGUP, "PgUp")                                                                                                \
	X(PGDN, "PgDn")                                                                                                \
	X(HOME, "Home")                                                                                                \
	X(END, "End")                                                                                                  \
	X(INSERT, "Insert")                                                                                            \
	X(DELETE, "Delete")                                                                                            \
	X(BACKSPACE, "Backspace")                                                                                      \
	X(BTAB, "BTab")                                                                                                \
	X(F1, "F1")                                                                                                    \
	X(F2, "F2")                                                                                                    \
	X(F3, "F3")                                                                                                    \
	X(F4, "F4")                                                                                                    \
	X(F5, "F5")                                                                                                    \
	X(F6, "F6")                                                                                                    \
	X(F7, "F7")                                                                                                    \
	X(F8, "F8")                                                                                                    \
	X(F9, "F9")                                                                                                    \
	X(F10, "F10")                                                                                                  \
	X(F11, "F11")                                                                                                  \
	X(F12, "F12")

#define KEYS_SPECIAL 0x1000
enum keys_special {
	KEYS_SPECIAL_START = KEYS_SPECIAL - 1,
#define KEYS_ENUM(id, name) KEYS_##id,
	KEYS_SPECIALS(KEYS_ENUM)
#undef KEYS_ENUM
		KEYS_SPECIAL_END
};

/**
 * @brief The code of a key name: `x`, `C-x` or `^X`, `Enter`, `Esc`, `Tab`, `Space`, and the names of
 * KEYS_SPECIALS (any case; `PageUp`/`PageDown`, `Escape`, `Return`, `BSpace`, `Del` also do).
 * @return the code, or -1 with *cause set (callee allocates) saying what names there are
 */
int keys_parse(const char *name, char **cause);
/** @brief The canonical name of a key code into buf ("C-x", "Enter", "PgDn", "?"). */
const char *keys_name(int key, char *buf, size_t size);

struct keys;
/** @brief An empty table of bindings. */
struct keys *keys_new(void);
/** @brief Frees the table and NULLs *k. */
void keys_free(struct keys **k);
/** @brief Binds key in scope (a view's name; NULL or "" for every view) to line, replacing an earlier one. */
void keys_bind(struct keys *k, const char *scope, int key, const char *line);
/** @brief Removes a binding. @return false when there was none */
bool keys_unbind(struct keys *k, const char *scope, int key);
/** @brief The line bound to key in scope, else in every view, else NULL. */
const char *keys_lookup(const struct keys *k, const char *scope, int key);
/** @brief How many bindings there are. */
size_t keys_count(const struct keys *k);
/** @brief The i-th binding (in the order they were made); scope is "" for every view. */
void keys_get(const struct keys *k, size_t i, const char **scope, int *key, const char **line);

#endif
