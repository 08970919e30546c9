/*
 * The TUI's state and the functions its files share (tui.c, tuireq.c, tuidraw.c, tuikeys.c,
 * tuiviews.c, tuitheme.c, tuiterm.c); private to them. Views see only tuihost.h.
 */
#ifndef KCON_TUISTATE_H
#define KCON_TUISTATE_H

#include <curses.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd.h"
#include "session.h"
#include "theme.h"
#include "tuihost.h"
#include "uicmd.h"
#include "view.h"
#include "views.h"

#define TUI_MIN_W     20
#define TUI_MIN_H     6
#define TUI_MAX_VIEWS 16
#define TUI_SAMPLE_MS 10000 /* as `kcon watch` by default */
#define TUI_FRAME_MS  33    /* at most ~30 frames a second for views that change fast */

struct tui {
	struct session *s;
	struct loop *loop;
	struct view *stack[TUI_MAX_VIEWS];
	int depth;
	bool utf8, quitting, filtering, frame_pending;
	int w, h;
	/* The title bar: from the `cluster` command. */
	char *where;   /* the bootstrap list, copied: the worker may change the settings it is in */
	char *profile; /* the session's profile, copied, or NULL: `profile NAME` changes it on the worker */
	char *cluster_id;
	int cluster_status; /* -1 before the first answer */
	bool cluster_busy;
	int64_t cluster_seen_ms; /* wall time of the stored snapshot that stands in for the cluster; 0: none */
	/* History: `history tick` every TUI_SAMPLE_MS while the TUI is open (not with --no-history). */
	bool sample_busy;
	int sample_status; /* -1 before the first answer */
	char *sample_error;
	bool history_off;          /* the session's, as the last history tick left it */
	bool store_none;           /* no store file at start, until a history tick: nothing stored to read first */
	char *message;             /* for the message line, until the next key */
	struct keys *keys;         /* key bindings: defaults, then kconrc, then `bind` at the prompt */
	struct keys *keys_default; /* the default bindings alone, to tell a key the user rebound */
	int refresh_ms;            /* how often views reload */
	/* Confirmations a command on the worker asks while it runs (tuiask.c): the rendezvous, the pane shown. */
	struct ask *ask;
	struct view *ask_pane;
	bool asking;      /* its prompt is open */
	char *theme_name; /* the theme in use, or NULL for none */
};

/* tui.c */
/** @brief The view on top of the stack, or NULL. */
struct view *tui_top(struct tui *t);
/** @brief Closes the view on top (never the first). */
void tui_pop(struct tui *t);
/** @brief Sets the message line to fmt with arg, escaped. */
void tui_message(struct tui *t, const char *fmt, const char *arg);
/** @brief Asks for the title bar's cluster and the shown views' data again. */
void tui_refresh(struct tui *t);
/** @brief `profile NAME` switched the session (its result): the title bar follows, the views reload. */
void tui_profile_switched(struct tui *t, json_t *result);
/** @brief The wall time a stale answer's snapshot was seen at (its "stale" member), or 0 for a live answer. */
int64_t tui_stale_ms(json_t *result);

/* tuireq.c */
/**
 * @brief Queues a command for the worker; done gets it on the loop thread unless v closed meanwhile.
 * Destructive ones (and any with ask) first want their target's name typed at the prompt.
 * @param first ahead of the requests still waiting (a first paint from the store)
 */
void tuireq_submit(struct tui *t, struct view *v, int argc, char *const *argv, bool ask,
		   void (*done)(struct view *, struct cmd_ctx *, void *), void *ud, bool first);
/** @brief Runs one command: the TUI's own actions at once on this thread, the others on the worker. */
void tuireq_exec(struct tui *t, int argc, char *const *argv);
/**
 * @brief Runs a prepared command of the TUI's own (CMD_UI) here, or answers its usage error.
 * @return NULL, or what went wrong with its hint (new string)
 */
char *tuireq_exec_here(struct tui *t, struct cmd_ctx *ctx);
/** @brief Keeps a line of the prompt in the history store (a loop job: the store is the worker's). */
void tuireq_remember(struct tui *t, const char *line);
/** @brief Gives the prompt the lines kept in the history store (a loop job), oldest first. */
void tuireq_recall(struct tui *t);
/** @brief `apply`: the previewed command of a result pane again, with --execute, once confirmed. */
int tuireq_apply(struct tui *t, struct view *v, struct cmd_ctx *ctx);

/* tuiask.c */
/** @brief Makes the session's confirm ask at the TUI's prompt (ask_confirm), its fd watched by the loop. */
void tuiask_start(struct tui *t);
/** @brief Shows the question a command waits with, if one waits and the prompt is free: a pane and the prompt. */
void tuiask_show(struct tui *t);
/** @brief Refuses the question waiting and every later one (before loop_free, which waits for the worker). */
void tuiask_close(struct tui *t);
/** @brief Frees the rendezvous (after loop_free: no thread asks any more). */
void tuiask_free(struct tui *t);

/* tuidraw.c */
/** @brief Draws the whole screen now. */
void tuidraw_frame(struct tui *t);

/* tuikeys.c */
/** @brief Runs the default key bindings (before the kconrc). */
void tuikeys_bind_defaults(struct tui *t);
/** @brief The line the default bindings give key in the view v (whatever it is bound to now), or NULL. */
const char *tuikeys_default(struct tui *t, struct view *v, int key);
/**
 * @brief Whether a bound line can run on the selected row: each {NAME} of its words has a value
 * there (`e` on a config row, not on a partition's).
 */
bool tuikeys_fits(struct view *v, const char *line);
/** @brief A loop_fd_cb for the terminal's input: each key to its binding or view, then a frame. */
void tuikeys_on_input(struct loop *l, int fd, short revents, void *ud);
/** @brief Carries out a TUI action (uicmd.h's face), on the loop thread. */
int tuikeys_act(void *ud, enum uicmd_action a, struct cmd_ctx *ctx);
/** @brief A line typed at the `:` prompt: a view to open, or commands to run. */
void tuikeys_prompt_done(void *ud, const char *line);

/* tuiviews.c */
/** @brief Prompt lines that open views: a view's name alone, `tail TOPIC ...`, `group G`, `topic T`. */
bool tuiviews_prompt(struct tui *t, int argc, char *const *argv);
/** @brief `view NAME [ARG]`. */
int tuiviews_cmd(struct tui *t, struct cmd_ctx *ctx);

/* tuitheme.c */
/**
 * @brief Loads the theme called name into th.
 * @return -1 with *cause when it cannot be found or read; else the bad lines, the first in *bad_msg
 */
int tuitheme_load(const char *name, struct theme *th, char **cause, char **bad_msg);
/** @brief `theme [NAME]`. */
int tuitheme_cmd(struct tui *t, struct cmd_ctx *ctx);
/** @brief Runs the user's kconrc: the TUI's commands only; bad lines go to the log and the message line. */
void tuitheme_rc(struct tui *t);

/* tuiterm.c */
/** @brief -1 (said on stderr) when TERM cannot draw a TUI. */
int tuiterm_check(void);
/** @brief Starts curses on the terminal; NULL (said on stderr) when it cannot. *note: a built-in type draws. */
SCREEN *tuiterm_start(bool mouse, char **note);
/** @brief The terminal back as it was. */
void tuiterm_stop(SCREEN *scr);
/** @brief Whether curses draws now. */
bool tuiterm_active(void);
/** @brief A loop_signal_cb: resize, Ctrl-Z, Ctrl-C and the signals that end the TUI. */
void tuiterm_on_signal(struct loop *l, int signo, void *ud);

#endif
