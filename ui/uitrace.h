/*
 * A trace of the TUI's timing for the benchmark (tests/bench/bench_tui.py): with KCON_UI_TRACE=FILE,
 * one line per event, times in milliseconds of CLOCK_MONOTONIC:
 *   first-frame MS_SINCE_START at ABS   the first frame with rows of data on screen (maybe the
 *                                       stored snapshot's, painted while the cluster is asked)
 *   first-live-frame MS_SINCE_START at ABS  the first frame with rows of the cluster's answer
 *   key NAME MS_GETCH_TO_DRAWN at ABS   a key, from getch() to the end of the frame that shows it
 *   WHAT TEXT MS_SINCE_START at ABS     a note (e.g. "done topics": a command's answer arrived)
 * MS_SINCE_START counts from the program's load (before main). Without the variable, nothing.
 */
#ifndef KCON_UITRACE_H
#define KCON_UITRACE_H

#include <stdbool.h>

/** @brief Opens the file named by KCON_UI_TRACE (once; nothing when it is unset or cannot be opened). */
void uitrace_open(void);
/** @brief A key came from getch(): its time is kept until the frame that shows it. */
void uitrace_key(int ch);
/** @brief A frame was drawn (after refresh()); rows: the top view showed rows; stale: from the store. */
void uitrace_frame(bool rows, bool stale);
/** @brief Writes a note "what text": text is a word (a command's name). */
void uitrace_note(const char *what, const char *text);
/** @brief Closes the trace. */
void uitrace_close(void);

#endif
