/* Commands that act on the interactive faces (CMD_UI): quit. Registered by the REPL and the TUI. */
#ifndef KCON_UICMD_H
#define KCON_UICMD_H

#include <stdbool.h>

/** @brief Registers the face commands into the command table (once). */
void uicmd_register(void);
/** @brief True once `quit` (or `exit`) ran; uicmd_register() resets it. */
bool uicmd_quit_requested(void);

#endif
