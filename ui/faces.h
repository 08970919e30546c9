/* The interactive faces. */
#ifndef KCON_FACES_H
#define KCON_FACES_H

#include "session.h"

/** @brief The readline REPL; returns the exit status. */
int repl_run(struct session *s);
/** @brief The full-screen TUI; returns the exit status. */
int tui_run(struct session *s, const char *theme);

#endif
