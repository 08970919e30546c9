/* The interactive faces. */
#ifndef KCON_FACES_H
#define KCON_FACES_H

#include <stdbool.h>

#include "session.h"

/** @brief The readline REPL; returns the exit status. */
int repl_run(struct session *s);
/**
 * @brief The full-screen TUI; returns the exit status.
 * @param theme the theme's name or path, NULL for "default"
 * @param refresh_ms how often views reload; 0 for the default (5 s)
 * @param mouse clicks select rows and the wheel scrolls (false: the terminal keeps the mouse)
 */
int tui_run(struct session *s, const char *theme, int refresh_ms, bool mouse);

#endif
