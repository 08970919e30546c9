/* Theme styles to curses attributes, with fallbacks for 8 colours and for monochrome. */
#include "look.h"

#include <stdlib.h>

static attr_t look_attrs[THEME_COUNT];

/* What an element looks like without colours, added to the theme's own attributes. */
static attr_t look_mono(int el)
{
	switch (el) {
	case THEME_TITLE:
	case THEME_STATUS:
	case THEME_CURSOR:
		return A_REVERSE;
	case THEME_HEADER:
	case THEME_ERROR:
	case THEME_LAG_HIGH:
		return A_BOLD;
	case THEME_PARTITION_OFFLINE:
		return A_BOLD | A_UNDERLINE;
	case THEME_UNDER_REPLICATED:
	case THEME_UNDER_MIN_ISR:
		return A_UNDERLINE;
	default:
		return A_NORMAL;
	}
}

static attr_t look_flags(unsigned a)
{
	return (a & THEME_BOLD ? A_BOLD : 0) | (a & THEME_DIM ? A_DIM : 0) | (a & THEME_UNDERLINE ? A_UNDERLINE : 0) |
	       (a & THEME_REVERSE ? A_REVERSE : 0) | (a & THEME_STANDOUT ? A_STANDOUT : 0);
}

/* A colour the terminal has: bright ones become the plain ones (bold for a foreground) on 8 colours. */
static short look_color(int c, attr_t *extra, bool fg)
{
	if (c < 0 || c < COLORS)
		return (short)c;
	if (c < 16) {
		if (fg)
			*extra |= A_BOLD;
		return (short)(c - 8);
	}
	return -1;
}

void look_start(const struct theme *th)
{
	const char *nc = getenv("NO_COLOR");
	bool color =
		th && !(nc && *nc) && has_colors() && start_color() == OK && COLORS >= 8 && COLOR_PAIRS > THEME_COUNT;
	if (color)
		use_default_colors();
	for (int el = 0; el < THEME_COUNT; el++) {
		const struct theme_style *st = th ? &th->style[el] : NULL;
		look_attrs[el] = look_mono(el);
		if (st == NULL || !st->set)
			continue;
		attr_t a = look_flags(st->attrs);
		if (!color) {
			look_attrs[el] |= a;
			continue;
		}
		short fg = look_color(st->fg, &a, true), bg = look_color(st->bg, &a, false);
		if (fg < 0 && bg < 0) { /* no colours in this style: the attributes say it all */
			look_attrs[el] = a ? a : look_mono(el);
			continue;
		}
		init_pair((short)(el + 1), fg, bg);
		look_attrs[el] = COLOR_PAIR(el + 1) | a;
	}
}

attr_t look_attr(int element)
{
	return element > THEME_NONE && element < THEME_COUNT ? look_attrs[element] : A_NORMAL;
}
