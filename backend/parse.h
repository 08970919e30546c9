/*
 * The command language's lexer, shared by the REPL, the TUI prompt, -e, -f, stdin, the config
 * file, key bindings and theme files.
 *
 *   words split on blanks; 'single quotes' are literal; "double quotes" and bare words take
 *   backslash escapes (\n \t \\ \" \' \; \# \xNN); ';' or a newline ends a command; '#' at the
 *   start of a word comments out the rest of the line.
 */
#ifndef KCON_PARSE_H
#define KCON_PARSE_H

#include <stddef.h>

/** One command: its words and the line it started on (1-based). */
struct parse_cmd {
	int argc;
	char **argv; /* argc words, then NULL */
	int line;
};

/** The commands of one source text, in order. */
struct parse_list {
	size_t n;
	struct parse_cmd *cmds;
};

/**
 * @brief Splits src into commands.
 * @return 0, or -1 with *cause set (callee allocates) naming the line and what to fix.
 */
int parse_commands(const char *src, struct parse_list *out, char **cause);
/** @brief Frees the commands of l and empties it. */
void parse_list_clear(struct parse_list *l);
/** @brief Returns word quoted so that parse_commands() reads it back as one word. */
char *parse_quote(const char *word);
/** @brief Joins argv into one line that parses back to the same words. */
char *parse_join(int argc, char *const *argv);

#endif
