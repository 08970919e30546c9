/* Runs commands and prints their results through a sink: the face of scripts and one-shot use. */
#ifndef KCON_RUN_H
#define KCON_RUN_H

#include <stdio.h>

#include "session.h"

/** @brief Runs one command given as words; prints its output; returns its exit status. */
int run_argv(struct session *s, int argc, char *const *argv);
/**
 * @brief Parses src (the command language) and runs its commands in order, stopping at the
 * first that fails. origin names src in messages (e.g. "-e" or a file name).
 * @return the exit status of the last command run (2 when src does not parse)
 */
int run_text(struct session *s, const char *src, const char *origin);
/** @brief Runs commands read from f one line at a time (stdin that is not a terminal). */
int run_stream(struct session *s, FILE *f, const char *origin);
/** @brief The session's note sink on the command line (note.h): "kcon: TEXT" on stderr. */
void run_note(void *ud, const char *text);
/** @brief Writes text to stdout; a closed pipe ends the process quietly with status 0. */
void run_write(const char *text, size_t len);

#endif
