#include "note.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "xalloc.h"

void note_set(struct note_sink *n, note_fn fn, void *ud)
{
	n->ud = ud;
	atomic_store(&n->fn, fn);
}

note_fn note_get(struct note_sink *n)
{
	return atomic_load(&n->fn);
}

void note_send(struct note_sink *n, const char *fmt, ...)
{
	note_fn fn = n ? atomic_load(&n->fn) : NULL;
	if (fn == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *raw = x_vasprintf(fmt, ap);
	va_end(ap);
	fn(n->ud, raw);
	free(raw);
}
