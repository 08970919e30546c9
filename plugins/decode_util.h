/*
 * Small helpers the bundled decoders share (header-only: a plugin sees kcon-plugin.h and what it
 * brings itself): a growable buffer, JSON strings, and the Schema Registry wire format's header.
 */
#ifndef KCON_DECODE_UTIL_H
#define KCON_DECODE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcon-plugin.h"

struct dbuf {
	char *buf;
	size_t len, cap;
	bool oom;
	size_t max; /* when not 0: the most the buffer holds; past it, over is set and nothing more is added */
	bool over;
	size_t *left; /* when not NULL: the bytes left to every buffer sharing it (one budget for a record's
		       * output and its scratch buffers); each add spends from it, past it over is set */
};

static inline void dbuf_addn(struct dbuf *b, const void *p, size_t n)
{
	if (b->oom || b->over)
		return;
	if ((b->max && n > b->max - b->len) || (b->left && n > *b->left)) {
		b->over = true;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *nb = realloc(b->buf, cap);
		if (nb == NULL) {
			b->oom = true;
			return;
		}
		b->buf = nb, b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	if (b->left)
		*b->left -= n;
}

static inline void dbuf_add(struct dbuf *b, const char *s)
{
	dbuf_addn(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static inline void dbuf_addf(struct dbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		dbuf_addn(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A JSON string of bytes: UTF-8 passes (kcon checks and escapes the result), the rest \u00XX. */
static inline void dbuf_json_string(struct dbuf *b, const unsigned char *s, size_t n)
{
	dbuf_addn(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			dbuf_addf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f || c >= 0x80)
			dbuf_addf(b, "\\u%04x", c); /* bytes as code points, as Avro's JSON encoding does */
		else
			dbuf_addn(b, &s[i], 1);
	}
	dbuf_addn(b, "\"", 1);
}

/* Valid UTF-8; with controls false, also no control characters but newline, tab and CR. */
static inline bool dbuf_utf8_valid(const unsigned char *s, size_t n, bool controls)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (!controls && ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f))
				return false;
			i++;
			continue;
		}
		size_t k = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
		if (k == 0 || c >= 0xf5 || k > n - i)
			return false;
		for (size_t j = 1; j < k; j++)
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
		i += k;
	}
	return true;
}

/* Valid UTF-8 with no control characters: shown as a string. */
static inline bool dbuf_is_text(const unsigned char *s, size_t n)
{
	return dbuf_utf8_valid(s, n, false);
}

/* A JSON string of UTF-8 text (valid: dbuf_is_text), escaping quotes, backslashes and controls. */
static inline void dbuf_json_text(struct dbuf *b, const unsigned char *s, size_t n)
{
	dbuf_addn(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			dbuf_addf(b, "\\%c", c);
		else if (c < 0x20)
			dbuf_addf(b, "\\u%04x", c);
		else
			dbuf_addn(b, &s[i], 1);
	}
	dbuf_addn(b, "\"", 1);
}

/* Hands b to kcon as the decoder's answer and frees it; an out-of-memory buffer becomes an error. */
static inline int dbuf_emit(struct dbuf *b, struct kcon_plugin_out *out, int result)
{
	if (b->oom) {
		static const char oom[] = "out of memory";
		out->write(out, oom, sizeof(oom) - 1);
		result = KCON_DECODE_ERROR;
	} else if (b->len) {
		out->write(out, b->buf, b->len);
	}
	free(b->buf);
	memset(b, 0, sizeof(*b));
	return result;
}

/* An error message as the answer. */
__attribute__((format(printf, 2, 3))) static inline int decode_error(struct kcon_plugin_out *out, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		out->write(out, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
	return KCON_DECODE_ERROR;
}

/* The Schema Registry wire format: magic byte 0 and a big-endian 4-byte schema id; true when buf has it. */
static inline bool decode_wire_header(const unsigned char *buf, size_t len, uint32_t *id)
{
	if (len < 5 || buf[0] != 0)
		return false;
	*id = (uint32_t)buf[1] << 24 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 8 | buf[4];
	return true;
}

/* The host's schema_by_id, when this kcon offers it (ABI 1.1): 0, or -1 with why in err. */
static inline int decode_schema(const struct kcon_host *host, uint32_t id, const char **type, const char **schema,
				char *err, size_t errlen)
{
	if (host == NULL || host->size < offsetof(struct kcon_host, schema_by_id) + sizeof(host->schema_by_id) ||
	    host->schema_by_id == NULL) {
		snprintf(err, errlen, "schema id %u: this kcon has no Schema Registry support (plugin ABI 1.1)",
			 (unsigned)id);
		return -1;
	}
	return host->schema_by_id(host, id, type, schema, err, errlen);
}

#endif
