/* Runs commands and prints their results through a sink: the face of scripts and one-shot use. */
#ifndef KCON_RUN_H
#define KCON_RUN_H

#include <stdio.h>

#include "session.h"

/** @brief Runs one command given as words; prints its output; returns its exit status. */
int run_argv(struct session *s, int argc, char *const *argv);
/**
 * @brief kcon's only command (`kcon topics`): run_argv() then ends stdout as soon as the output is
 * written, before the history snapshot and the clean-up, so a reader waiting for EOF (`| jq`)
 * does not wait for them. Nothing may write to stdout after it.
 */
int run_only(struct session *s, int argc, char *const *argv);
/**
 * @brief Parses src (the command language) and runs its commands in order, stopping at the
 * first that fails. origin names src in messages (e.g. "-e" or a file name).
 * @return the exit status of the last command run (2 when src does not parse; 128 + N when
 * signal N stopped a command: the commands after it do not run)
 */
int run_text(struct session *s, const char *src, const char *origin);
/**
 * @brief Runs commands read from f one line at a time (stdin that is not a terminal), as
 * run_text(); a read error (f is a directory: 2) fails.
 */
int run_stream(struct session *s, FILE *f, const char *origin);
/** @brief The session's note sink on the command line (note.h): "kcon: TEXT" on stderr. */
void run_note(void *ud, const char *text);
/**
 * @brief Writes text to stdout; a closed pipe ends the process quietly with status 0. Another
 * failure (a full disk, a closed stdout) is kept: the command then fails (status 1).
 */
void run_write(const char *text, size_t len);
/**
 * @brief At exit: flushes and closes stdout; says on stderr when output was lost.
 * @return CMD_FAILED when output was lost, else status
 */
int run_finish(int status);
/**
 * @brief The signal (SIGINT, SIGTERM) that stopped a command since run_signal_clear(), or 0.
 * run_text() and run_stream() then stop and return 128 + its number, as a shell does.
 */
int run_signal(void);
/** @brief Sets the signal that stops kcon, or forgets it with 0 (the REPL: Ctrl-C stops a line only). */
void run_signal_set(int signo);

#endif
