/* layout: fitting table columns into the screen width (table-driven). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

static const struct {
	const char *what;
	int ncols, fill, gap, width;
	int in[6];
	int shown;
	int out[6];
} cases[] = {
	{ "fits as is", 3, -1, 2, 80, { 10, 5, 5 }, 3, { 10, 5, 5 } },
	{ "exactly fits", 3, -1, 2, 24, { 10, 5, 5 }, 3, { 10, 5, 5 } },
	{ "one too many: the last column goes", 3, -1, 2, 23, { 10, 5, 5 }, 2, { 10, 5, 5 } },
	{ "the fill column shrinks first, to its minimum", 3, 0, 2, 22, { 40, 5, 5 }, 3, { 8, 5, 5 } },
	{ "then the last column goes, and the fill column takes the room", 3, 0, 2, 20, { 40, 5, 5 }, 2, { 13, 5, 5 } },
	{ "the fill column shrinks just enough", 3, 0, 2, 40, { 40, 5, 5 }, 3, { 26, 5, 5 } },
	{ "fill at its minimum, then columns go", 3, 0, 2, 16, { 40, 5, 5 }, 2, { 9, 5, 5 } },
	{ "a fill column in the middle", 4, 2, 1, 30, { 5, 5, 50, 5 }, 4, { 5, 5, 12, 5 } },
	{ "a fill column already narrow", 3, 1, 2, 15, { 6, 6, 6 }, 2, { 6, 6, 6 } },
	{ "the first column stays, however wide", 2, -1, 2, 10, { 30, 5 }, 1, { 30, 5 } },
	{ "1 column wide screen", 3, 0, 2, 1, { 20, 5, 5 }, 1, { 8, 5, 5 } },
	{ "no columns", 0, -1, 2, 80, { 0 }, 0, { 0 } },
	{ "a zero-width screen", 2, -1, 2, 0, { 3, 3 }, 1, { 3, 3 } },
};

static void test_layout(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int wid[6];
		memcpy(wid, cases[i].in, sizeof(wid));
		int shown = layout_columns(wid, cases[i].ncols, cases[i].fill, cases[i].gap, cases[i].width);
		if (shown != cases[i].shown)
			fail_msg("%s: %d shown, expected %d", cases[i].what, shown, cases[i].shown);
		for (int c = 0; c < cases[i].ncols; c++)
			if (wid[c] != cases[i].out[c])
				fail_msg("%s: column %d is %d wide, expected %d", cases[i].what, c, wid[c],
					 cases[i].out[c]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
