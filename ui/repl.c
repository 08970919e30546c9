#include <stdio.h>

#include "faces.h"

int repl_run(struct session *s)
{
	(void)s;
	fprintf(stderr, "kcon: the REPL is not built yet\n");
	return 1;
}
