/* Column layout for the TUI's tables, curses-free (unit-tested in test_layout.c). */
#ifndef KCON_LAYOUT_H
#define KCON_LAYOUT_H

/** The narrowest a fill column is shrunk to before columns are dropped. */
#define LAYOUT_FILL_MIN 8

/**
 * @brief Fits columns into width: wid[] holds each column's content width (title included) and is
 * changed in place. When they do not fit, column fill (-1: none) shrinks down to LAYOUT_FILL_MIN,
 * then columns are dropped from the right; the first column is always shown, cut if need be by
 * the drawing.
 * @param gap columns between two columns
 * @return how many columns are shown (1..ncols; 0 when ncols is 0)
 */
int layout_columns(int *wid, int ncols, int fill, int gap, int width);

#endif
