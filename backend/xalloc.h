/* Allocation that never returns NULL: on exhaustion kcon aborts with a message. */
#ifndef KCON_XALLOC_H
#define KCON_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/** @brief malloc() that aborts instead of returning NULL. */
void *x_malloc(size_t size);
/** @brief calloc() that aborts instead of returning NULL, and checks nmemb*size. */
void *x_calloc(size_t nmemb, size_t size);
/** @brief reallocarray() that aborts instead of returning NULL. */
void *x_reallocarray(void *ptr, size_t nmemb, size_t size);
/** @brief strdup() that aborts instead of returning NULL; NULL in gives NULL out. */
char *x_strdup(const char *s);
/** @brief strndup() that aborts instead of returning NULL. */
char *x_strndup(const char *s, size_t n);
/** @brief asprintf() that aborts instead of failing; returns the new string. */
char *x_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** @brief vasprintf() that aborts instead of failing; returns the new string. */
char *x_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/** @brief Frees *pp and sets it to NULL; pp is a pointer to any pointer. */
void x_free(void *pp);

#endif
