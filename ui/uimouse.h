/*
 * Mouse in the TUI: a click selects a row, the wheel scrolls. On unless `--no-mouse` (with it,
 * the terminal's own text selection works without Shift).
 */
#ifndef KCON_UIMOUSE_H
#define KCON_UIMOUSE_H

#include <stdbool.h>

struct view;

/** @brief Asks the terminal for clicks and the wheel (nothing when on is false). */
void uimouse_start(bool on);
/**
 * @brief Handles a KEY_MOUSE from getch() for view v, whose rows start on screen line body_y and
 * take body_h lines. Events elsewhere (bars, header) are ignored.
 */
void uimouse_key(struct view *v, int body_y, int body_h);

#endif
