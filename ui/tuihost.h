/*
 * What the TUI offers its views: requests to the command worker, loop jobs, the view stack, the
 * screen's width, the session. Implemented by tui.c and tuireq.c.
 */
#ifndef KCON_TUIHOST_H
#define KCON_TUIHOST_H

#include <stdbool.h>

#include "cmd.h"

struct tui;
struct view;
struct loop;
struct session;

/**
 * @brief Runs a command line on the command worker (the first command of line) and calls done
 * on the loop thread with the finished command (ctx->status, result, error), unless the view was
 * closed meanwhile. Destructive commands ask for confirmation first.
 * @return false (and done is not called) when the line does not parse; the TUI shows why
 */
bool tui_request(struct tui *t, struct view *v, const char *line,
		 void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud);
/**
 * @brief tui_request() ahead of the requests still waiting (after the one running): for quick answers
 * from the store (`--stored`) while the cluster is slow to answer.
 */
bool tui_request_stored(struct tui *t, struct view *v, const char *line,
			void (*done)(struct view *v, struct cmd_ctx *ctx, void *ud), void *ud);
/**
 * @brief Runs a command line as typed at the `:` prompt (its result opens in a text view), by the
 * same runner as a key's line (tuikeys.c).
 */
void tui_run_line(struct tui *t, const char *line);
/** @brief Opens a view on top of the stack. */
void tui_push(struct tui *t, struct view *v);
/** @brief The screen width, for views that render text. */
int tui_width(const struct tui *t);
/** @brief The session, for a view's loop jobs (they run on the worker, which owns its client and store). */
struct session *tui_session(struct tui *t);
/** @brief Whether the session keeps history (not --no-history): views then paint the stored snapshot first. */
bool tui_history(const struct tui *t);
/**
 * @brief Whether a stored snapshot may be there to paint first: history on, and the store existed when
 * the TUI started or a history tick ran since. A new store is not made before the first view's answer.
 */
bool tui_stored(const struct tui *t);

/** @brief The TUI's event loop, for views that watch descriptors or set timers. */
struct loop *tui_loop(struct tui *t);
/** @brief Asks for a redraw within a frame (~30 per second at most). */
void tui_schedule_draw(struct tui *t);

/**
 * @brief Opens the view called name ("topics", "groups", "lag", "brokers", "cluster"; "group" and
 * "partitions" take arg) on top of the stack.
 * @return false when there is no such view
 */
bool tui_open_view(struct tui *t, const char *name, const char *arg);

#endif
