/* Column layout (see layout.h). */
#include "layout.h"

int layout_columns(int *wid, int ncols, int fill, int gap, int width)
{
	int shown = ncols;
	while (shown > 0) {
		int total = 0;
		for (int c = 0; c < shown; c++)
			total += wid[c] + (c ? gap : 0);
		if (total <= width)
			break;
		int spare = fill >= 0 && fill < shown && wid[fill] > LAYOUT_FILL_MIN ? wid[fill] - LAYOUT_FILL_MIN : 0;
		if (total - spare <= width || shown == 1) {
			if (fill >= 0 && fill < shown)
				wid[fill] -= total - width < spare ? total - width : spare;
			break;
		}
		shown--;
	}
	return shown;
}
