#include "err.h"

#include <stdarg.h>
#include <stdlib.h>

#include "xalloc.h"

int err_set(struct err *e, int status, const char *hint, const char *fmt, ...)
{
	va_list ap;
	err_clear(e);
	va_start(ap, fmt);
	e->cause = x_vasprintf(fmt, ap);
	va_end(ap);
	e->hint = x_strdup(hint);
	e->status = status;
	return status;
}

void err_clear(struct err *e)
{
	free(e->cause);
	free(e->hint);
	e->cause = e->hint = NULL;
	e->status = 0;
}
