#include <stdio.h>

#include "faces.h"

int tui_run(struct session *s, const char *theme)
{
	(void)s, (void)theme;
	fprintf(stderr, "kcon: the TUI is not built yet\n");
	return 1;
}
