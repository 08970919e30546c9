/*
 * Dying of a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT). The handler puts
 * the terminal back as the face that owns it said (its termios, and the bytes that leave the
 * alternate screen and turn off the keypad and mouse modes), names the plugin decoder that was
 * running on the crashing thread, if any (plugin_running()), and dies of the same signal. It
 * calls only async-signal-safe functions: everything it writes is made beforehand.
 */
#ifndef KCON_FATAL_H
#define KCON_FATAL_H

#include <termios.h>

/** @brief Installs the handler for the fatal signals (at start, in every face). */
void fatal_catch(void);
/**
 * @brief What restores the terminal: tio (NULL: leave the modes) and reset, bytes for stdout
 * (copied; NULL or "" for none). fatal_terminal(NULL, NULL) forgets them, when the face has put the
 * terminal back itself.
 */
void fatal_terminal(const struct termios *tio, const char *reset);

#endif
