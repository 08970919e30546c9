/*
 * A list of lines for a text pane, laid out once for a screen width: the text view (a command's
 * result) and the message view (one message of a tail) keep their text as one. Every line is
 * escaped text (escape.h) by the time it is stored, so a view draws it as it is. No curses.
 */
#ifndef KCON_LINES_H
#define KCON_LINES_H

#include <stddef.h>

/** The lines, owned by the list. */
struct lines {
	char **v;
	int n, cap;
};

/** @brief Frees every line: the list is empty again (and may be reused). */
void lines_clear(struct lines *l);

/** @brief Appends a copy of s[0..len) as one line. */
void lines_addn(struct lines *l, const char *s, size_t len);

/** @brief Replaces line i (0 <= i < l->n) with a copy of s. */
void lines_set(struct lines *l, int i, const char *s);

/**
 * @brief Appends s (escaped already, no newline) as lines of at most width - 1 columns, cut on
 * character boundaries; a character wider than that gets a line of its own. An empty s is one
 * empty line. width <= 0: one line, not cut. Linear in the length of s.
 */
void lines_wrap(struct lines *l, const char *s, int width);

/**
 * @brief Appends the lines of s, our own text that needs no escaping (a line per newline; a final
 * newline starts no empty line), each wrapped as lines_wrap() does.
 */
void lines_split(struct lines *l, const char *s, int width);

/**
 * @brief Appends untrusted bytes buf[0..len): each newline-separated piece escaped (escape_append)
 * and wrapped as lines_wrap() does. A final newline ends with an empty line; len 0 is one empty line.
 */
void lines_escape(struct lines *l, const char *buf, size_t len, int width);

#endif
