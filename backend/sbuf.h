/* A growable byte buffer, always NUL-terminated. */
#ifndef KCON_SBUF_H
#define KCON_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define SBUF_INIT                                                                                                      \
	{                                                                                                              \
		NULL, 0, 0                                                                                             \
	}

/** @brief Appends n bytes. */
void sbuf_addn(struct sbuf *sb, const void *p, size_t n);
/** @brief Appends a NUL-terminated string. */
void sbuf_add(struct sbuf *sb, const char *s);
/** @brief Appends one byte. */
void sbuf_addc(struct sbuf *sb, char c);
/** @brief Appends an integer in decimal, as printf's %lld writes it (without printf's cost). */
void sbuf_addi(struct sbuf *sb, long long v);
/**
 * @brief Appends formatted text. It is formatted straight into the buffer: no argument may point into
 * sb's own text (sb->buf), which the formatting overwrites or moves.
 */
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** @brief Appends formatted text from a va_list (as sbuf_addf(): no argument may point into sb). */
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/** @brief Appends c n times. */
void sbuf_pad(struct sbuf *sb, char c, size_t n);
/** @brief Empties the buffer, keeping its memory. */
void sbuf_reset(struct sbuf *sb);
/** @brief Returns the string (never NULL) and leaves the buffer empty; the caller owns it. */
char *sbuf_release(struct sbuf *sb);
/** @brief Frees the buffer's memory. */
void sbuf_free(struct sbuf *sb);
/** @brief The contents as a string; "" when empty. Valid until the next change. */
const char *sbuf_str(const struct sbuf *sb);

#endif
