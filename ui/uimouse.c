/* Mouse in the TUI: see uimouse.h. */
#include "uimouse.h"

#include <curses.h>

#include "tuihost.h"
#include "view.h"
#include "views.h"

#define UIMOUSE_WHEEL_ROWS 3

void uimouse_start(bool on)
{
	if (!on)
		return;
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0); /* a press is the click: no wait for its release */
}

void uimouse_key(struct view *v, int body_y, int body_h)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || body_h <= 0)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		for (int i = 0; i < UIMOUSE_WHEEL_ROWS; i++)
			view_move(v, ev.bstate & BUTTON4_PRESSED ? VIEW_MOVE_UP : VIEW_MOVE_DOWN, body_h);
	} else if ((ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) && ev.y >= body_y && ev.y < body_y + body_h) {
		view_click(v, ev.y - body_y);
	}
}
