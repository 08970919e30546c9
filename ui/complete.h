/*
 * Tab completion from the command table, shared by the REPL and the TUI prompt (both readline):
 * command names (both words of noun-verb commands), option names of the command being typed, and
 * arguments by kind: topic names, group names, command names, output formats, the names of the
 * views (views.h) and, after a view's name, names of the kind its argument is (`view tail T`).
 */
#ifndef KCON_COMPLETE_H
#define KCON_COMPLETE_H

#include "cmd.h"
#include "session.h"

/**
 * Supplies live names for an argument kind (CMD_ARG_TOPIC, CMD_ARG_GROUP): returns a new
 * NULL-terminated array of new strings (complete frees them), or NULL when it has none.
 */
typedef char **(*complete_names_fn)(void *ud, enum cmd_arg_kind kind);

/** @brief Makes readline complete kcon commands; names come from fn (NULL: commands only). */
void complete_attach(complete_names_fn fn, void *ud);

/**
 * @brief Candidates for the word text that starts at byte start of line: a new NULL-terminated
 * array of new strings, possibly empty. Exposed for tests and for faces without readline.
 */
char **complete_candidates(const char *line, int start, const char *text, complete_names_fn fn, void *ud);

/**
 * @brief complete_candidates(), and each candidate's description beside it in *descs (a command's
 * or an option's help, "" for a name): for shells that show them (zsh, fish). *kind gets the kind
 * of argument the word is (CMD_ARG_FILE: the shell lists files), CMD_ARG_NONE for a command or option.
 */
char **complete_described(const char *line, int start, const char *text, complete_names_fn fn, void *ud, char ***descs,
			  enum cmd_arg_kind *kind);

/** @brief The candidates for text as an argument of kind (a format, a theme, a topic...), as complete_candidates()
 * gives them. */
char **complete_kind_names(enum cmd_arg_kind kind, const char *text, complete_names_fn fn, void *ud);

/** @brief Frees an array from complete_candidates() or a complete_names_fn. */
void complete_free(char **v);

/**
 * @brief Names for the REPL: topics from the session client's cached metadata (fetched once with
 * the session timeout when nothing is cached), group ids from ListGroups kept 30 s (or from
 * complete_groups_hook when set). A failed fetch is not retried for 30 s.
 */
char **complete_session_names(void *session, enum cmd_arg_kind kind);

/*
 * Overrides where the REPL gets group names (e.g. from a groups cache, when one exists); NULL:
 * complete_session_names lists them itself.
 */
extern char **(*complete_groups_hook)(struct session *s);

#endif
