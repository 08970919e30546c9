/* The theme's styles as curses attributes: colour pairs where the terminal has colours (256, or 8
 * with bright colours as bold), attributes only without them or with NO_COLOR set. */
#ifndef KCON_LOOK_H
#define KCON_LOOK_H

#include <curses.h>

#include "theme.h"

/** @brief Maps th's styles to attributes (after curses started); th may be NULL (no theme). */
void look_start(const struct theme *th);
/** @brief The attributes of a THEME_* element; A_NORMAL for THEME_NONE. */
attr_t look_attr(int element);

#endif
