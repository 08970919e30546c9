#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void xalloc_die(size_t size)
{
	fprintf(stderr, "kcon: out of memory (allocating %zu bytes)\n", size);
	abort();
}

void *x_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		xalloc_die(size);
	return p;
}

void *x_calloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		xalloc_die(nmemb * size);
	return p;
}

void *x_reallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		xalloc_die(SIZE_MAX);
	size_t bytes = nmemb * size;
	void *p = realloc(ptr, bytes ? bytes : 1);
	if (p == NULL)
		xalloc_die(nmemb * size);
	return p;
}

char *x_strdup(const char *s)
{
	return s ? x_strndup(s, strlen(s)) : NULL;
}

char *x_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = x_malloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *x_vasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		xalloc_die(strlen(fmt));
	return s;
}

char *x_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = x_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void x_free(void *pp)
{
	void **p = pp;
	if (p != NULL) {
		free(*p);
		*p = NULL;
	}
}
