/*
 * The TUI's bottom-line prompt: readline through its callback interface, fed with curses keys
 * (rl_getc_function), drawn by the TUI (rl_redisplay_function does nothing; prompt_draw draws),
 * never touching the terminal itself. One prompt at a time.
 */
#ifndef KCON_PROMPT_H
#define KCON_PROMPT_H

#include <stdbool.h>

/** Called with the accepted line, or NULL when the prompt was cancelled. */
typedef void (*prompt_done_fn)(void *ud, const char *line);

/** @brief Points readline at the prompt (call once, after curses started). */
void prompt_setup(void);
/** @brief Gives readline back its defaults and frees the prompt's history. */
void prompt_teardown(void);
/** @brief Starts reading a line after text; history: whether Up/Down and the history apply. */
void prompt_open(const char *text, prompt_done_fn done, void *ud);
/** @brief Types text into the open prompt, as if the person had. */
void prompt_insert(const char *text);
/** @brief Ends the prompt without a line (done gets NULL). */
void prompt_cancel(void);
/** @brief True while a prompt is open. */
bool prompt_active(void);
/** @brief Passes one curses key to readline. */
void prompt_feed(int key);
/** @brief Draws the prompt on line y of width w and puts the cursor where readline has it. */
void prompt_draw(int y, int w, bool utf8);
/** @brief What completion listed (possible matches), or NULL; valid until the next key. */
const char *prompt_message(void);
/** @brief Adds a line to the prompt's history. */
void prompt_remember(const char *line);

#endif
