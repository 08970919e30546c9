/*
 * Colour themes, without curses: a theme file is lines of `color <element> <fg> <bg> [attrs...]`
 * over the semantic elements below ('#' starts a comment). Colours are names (default, black, red,
 * green, yellow, blue, magenta, cyan, white, and bright-<name>) or numbers 0-255; attrs are bold,
 * dim, underline, reverse, standout. The UI maps the styles to what the terminal can show.
 */
#ifndef KCON_THEME_H
#define KCON_THEME_H

#include <stdbool.h>

/* X(id, name in theme files) */
#define THEME_ELEMENTS(X)                                                                                              \
	X(THEME_NORMAL, "normal")                                                                                      \
	X(THEME_TITLE, "title")                                                                                        \
	X(THEME_STATUS, "status")                                                                                      \
	X(THEME_CURSOR, "cursor")                                                                                      \
	X(THEME_HEADER, "header")                                                                                      \
	X(THEME_MESSAGE, "message")                                                                                    \
	X(THEME_ERROR, "error")                                                                                        \
	X(THEME_LAG_HIGH, "lag-high")                                                                                  \
	X(THEME_PARTITION_OFFLINE, "partition-offline")                                                                \
	X(THEME_UNDER_REPLICATED, "under-replicated")                                                                  \
	X(THEME_UNDER_MIN_ISR, "under-min-isr")

enum theme_element {
	THEME_NONE = 0, /* a row's default look */
#define THEME_ENUM(id, name) id,
	THEME_ELEMENTS(THEME_ENUM)
#undef THEME_ENUM
		THEME_COUNT
};

#define THEME_DEFAULT_COLOR (-1)

#define THEME_BOLD      0x1
#define THEME_DIM       0x2
#define THEME_UNDERLINE 0x4
#define THEME_REVERSE   0x8
#define THEME_STANDOUT  0x10

struct theme_style {
	int fg, bg;     /* 0-255, or THEME_DEFAULT_COLOR */
	unsigned attrs; /* THEME_BOLD ... */
	bool set;       /* the theme gave it */
};

struct theme {
	struct theme_style style[THEME_COUNT];
};

/** @brief th with no element set: every look is the UI's fallback. */
void theme_init(struct theme *th);
/**
 * @brief The look of a row by the health of its partitions: offline first, then under-replicated,
 * then under min ISR; THEME_NONE when healthy. The topics, partitions and cluster views share it.
 */
int theme_health(bool offline, bool under_replicated, bool under_min_isr);
/** @brief The name of an element in theme files ("lag-high"), or NULL. */
const char *theme_element_name(int element);
/** @brief A colour name or number 0-255; -1 (default) for "default"; -2 when not a colour. */
int theme_color_parse(const char *s);
/**
 * @brief Applies one line of a theme file to th.
 * @return 0, or -1 with *cause (new string) saying what is wrong
 */
int theme_parse_line(struct theme *th, const char *line, char **cause);
/**
 * @brief Loads a theme file over th: every good line applies, each bad one adds `file:line: what`
 * to *errors (a new string, NULL when all was well).
 * @return -1 when the file cannot be read (*errors says why), else how many lines were bad
 */
int theme_load(struct theme *th, const char *path, char **errors);

/**
 * @brief The file of theme name: a name with a '/' is a path; otherwise
 * $XDG_CONFIG_HOME/kcon/themes/NAME (~/.config/...), then KCON_DATADIR/themes/NAME, then
 * srcdir/NAME when srcdir is not NULL (running from the build tree).
 * @return a new path, or NULL with *cause (new string) saying where it looked
 */
char *theme_find(const char *name, const char *srcdir, char **cause);

/**
 * @brief The names theme_find() finds, each once, in its order of places (srcdir may be NULL): a
 * new NULL-terminated array of new strings (free each, then it).
 */
char **theme_list(const char *srcdir);

#endif
