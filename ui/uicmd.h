/*
 * Commands that act on the interactive faces (CMD_UI), in the one command table: `quit`, and the
 * TUI's actions (move, select, filter, prompt, views, bindings, themes). Keys are bound to lines of
 * these (and of any other command); the TUI carries the actions out through a face it sets here.
 * Outside the TUI the actions fail with a hint. They are found by their whole names only
 * (CMD_EXACT), so they take no prefix away from the other commands. Registered by every face, so `help` and
 * docs/commands.md list them.
 */
#ifndef KCON_UICMD_H
#define KCON_UICMD_H

#include <stdbool.h>

#include "cmd.h"

/* The TUI's actions: id and command name, in the order of their table entries. */
#define UICMD_ACTIONS(X)                                                                                               \
	X(DOWN, "down")                                                                                                \
	X(UP, "up")                                                                                                    \
	X(PAGE_DOWN, "page-down")                                                                                      \
	X(PAGE_UP, "page-up")                                                                                          \
	X(FIRST, "first")                                                                                              \
	X(LAST, "last")                                                                                                \
	X(SELECT, "select")                                                                                            \
	X(BACK, "back")                                                                                                \
	X(FILTER, "filter")                                                                                            \
	X(PROMPT, "prompt")                                                                                            \
	X(REFRESH, "refresh")                                                                                          \
	X(REDRAW, "redraw")                                                                                            \
	X(SORT, "sort")                                                                                                \
	X(SORT_REVERSE, "sort-reverse")                                                                                \
	X(KEYS, "keys")                                                                                                \
	X(VIEW, "view")                                                                                                \
	X(SEND_KEY, "send-key")                                                                                        \
	X(APPLY, "apply")                                                                                              \
	X(BIND, "bind")                                                                                                \
	X(UNBIND, "unbind")                                                                                            \
	X(THEME, "theme")

enum uicmd_action {
#define UICMD_ENUM(id, name) UICMD_##id,
	UICMD_ACTIONS(UICMD_ENUM)
#undef UICMD_ENUM
		UICMD_NACTIONS
};

/** The face that carries the actions out (the TUI), on the UI thread. */
struct uicmd_face {
	/** Does action a with ctx's arguments; returns cmd_ok() or cmd_fail(). */
	int (*act)(void *ud, enum uicmd_action a, struct cmd_ctx *ctx);
	void *ud;
};

/** @brief Registers the face commands into the command table (once); resets the quit request. */
void uicmd_register(void);
/** @brief Sets (or with NULL, removes) the face that carries out the TUI's actions. */
void uicmd_set_face(const struct uicmd_face *face);
/** @brief The action an entry is, or -1 when it is not one of the TUI's. */
int uicmd_action_of(const struct cmd_entry *e);
/** @brief True once `quit` (or `exit`) ran; uicmd_register() resets it. */
bool uicmd_quit_requested(void);

#endif
