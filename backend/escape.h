/*
 * Untrusted bytes (message keys and values, names from the cluster) never reach a terminal raw.
 * The allow-list: printable ASCII and valid UTF-8 that is not a C0 or C1 control, DEL, a bidi
 * control or another format character. Everything else is written as \xNN, byte by byte, and a
 * backslash as \\, so the escaped text is unambiguous.
 */
#ifndef KCON_ESCAPE_H
#define KCON_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/** @brief True when code point cp may be shown as itself (cp >= 0x20, not DEL, C1, bidi, Cf). */
bool escape_cp_allowed(uint32_t cp);
/**
 * @brief Decodes one UTF-8 sequence of s[0..len).
 * @return its length (1-4) with *cp set, or 0 when the bytes are not valid UTF-8
 *         (overlong, surrogate, above U+10FFFF, truncated).
 */
size_t escape_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/**
 * @brief A new NUL-terminated copy of buf[0..len) that is valid UTF-8: each byte that is not part of a
 * valid sequence becomes U+FFFD. Other bytes (controls too) are kept: escape it again in the sink.
 */
char *escape_utf8_fix(const void *buf, size_t len);
/** @brief Appends buf[0..len) to sb with every byte outside the allow-list as \xNN. */
void escape_append(struct sbuf *sb, const void *buf, size_t len);
/** @brief Returns a new escaped copy of the NUL-terminated s (NULL gives ""). */
char *escape_str(const char *s);
/** @brief True when buf[0..len) is shown unchanged by escape_append(). */
bool escape_is_clean(const void *buf, size_t len);
/**
 * @brief Appends JSON text, rewriting DEL and every non-allowed code point as \uXXXX.
 * Safe because such characters can only stand inside JSON strings. Every \uXXXX of the output
 * has lower-case hex digits (\u001b, \u009b), as msg_json_string() writes them: jansson's upper
 * case ones are lowered here.
 */
void escape_json_text(struct sbuf *sb, const char *json);
/** @brief Terminal columns of an already-escaped UTF-8 string (East Asian wide counts 2). */
size_t escape_width(const char *s);
/** @brief Bytes of s that fit in at most max columns, cut on a character boundary. */
size_t escape_fit(const char *s, size_t max);

#endif
