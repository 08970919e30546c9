#include "avroenc.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "xalloc.h"

#define AVROENC_MAX_DEPTH 64

struct avroenc {
	json_t *names; /* named types: full and short names -> definition */
	struct sbuf path;
	char *why; /* the first error, without the path */
};

static void avroenc_collect(json_t *s, const char *ns, json_t *names, int depth)
{
	if (depth > AVROENC_MAX_DEPTH)
		return;
	size_t i;
	json_t *x;
	if (json_is_array(s)) {
		json_array_foreach(s, i, x) avroenc_collect(x, ns, names, depth + 1);
		return;
	}
	if (!json_is_object(s))
		return;
	const char *name = json_string_value(json_object_get(s, "name"));
	const char *sns = json_string_value(json_object_get(s, "namespace"));
	if (sns)
		ns = sns;
	const char *t = json_string_value(json_object_get(s, "type"));
	if (name && t && (!strcmp(t, "record") || !strcmp(t, "enum") || !strcmp(t, "fixed") || !strcmp(t, "error"))) {
		json_object_set(names, name, s);
		const char *dot = strrchr(name, '.');
		if (dot) {
			json_object_set(names, dot + 1, s);
		} else if (ns && *ns) {
			char *full = x_asprintf("%s.%s", ns, name);
			json_object_set(names, full, s);
			free(full);
		}
	}
	avroenc_collect(json_object_get(s, "items"), ns, names, depth + 1);
	avroenc_collect(json_object_get(s, "values"), ns, names, depth + 1);
	json_t *tt = json_object_get(s, "type");
	if (json_is_object(tt) || json_is_array(tt))
		avroenc_collect(tt, ns, names, depth + 1);
	json_array_foreach(json_object_get(s, "fields"), i, x)
		avroenc_collect(json_object_get(x, "type"), ns, names, depth + 1);
}

__attribute__((format(printf, 2, 3))) static int avroenc_fail(struct avroenc *e, const char *fmt, ...)
{
	if (e->why == NULL) {
		char buf[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		e->why = x_strdup(buf);
	}
	return -1;
}

static const char *avroenc_json_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "true or false";
	default:
		return "null";
	}
}

static void avroenc_long(struct sbuf *out, int64_t v)
{
	uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
	while (z > 0x7f) {
		sbuf_addc(out, (char)((z & 0x7f) | 0x80));
		z >>= 7;
	}
	sbuf_addc(out, (char)z);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t avroenc_days(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD" into days; -1 when it is not one. */
static int avroenc_date(const char *s, int64_t *days, const char **rest)
{
	int y, m, d, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*days = avroenc_days(y, (unsigned)m, (unsigned)d);
	*rest = s + n;
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff...][Z]" into units (per_s a second); -1 when it is not one. */
static int avroenc_timestamp(const char *s, int64_t per_s, int64_t *out)
{
	int64_t days;
	const char *p;
	int h, mi, sec, n = 0;
	if (avroenc_date(s, &days, &p) < 0 || sscanf(p, "T%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 9)
		return -1;
	p += n;
	int64_t frac = 0, scale = per_s;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
			p++;
		}
	}
	if (*p == 'Z')
		p++;
	if (*p)
		return -1;
	*out = ((days * 86400) + h * 3600 + mi * 60 + sec) * per_s + frac;
	return 0;
}

/* "-12.34" with scale digits into big-endian two's complement bytes; -1 when it does not fit. */
static int avroenc_decimal(const char *s, int scale, unsigned char *buf, size_t *n)
{
	bool neg = *s == '-';
	if (neg || *s == '+')
		s++;
	__int128 v = 0;
	int frac = -1, digits = 0;
	for (; *s; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || ++digits > 38)
			return -1;
		if (frac >= 0 && ++frac > scale)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	for (int i = frac < 0 ? 0 : frac; i < scale; i++)
		v *= 10;
	if (neg)
		v = -v;
	unsigned char tmp[16];
	for (int i = 15; i >= 0; i--) {
		tmp[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	size_t start = 0; /* the shortest form that keeps the sign */
	while (start < 15 &&
	       ((tmp[start] == 0 && !(tmp[start + 1] & 0x80)) || (tmp[start] == 0xff && (tmp[start + 1] & 0x80))))
		start++;
	*n = 16 - start;
	memcpy(buf, tmp + start, *n);
	return 0;
}

/* A string of code points 0-255 as bytes (Avro's JSON for bytes and fixed). */
static int avroenc_bytes(struct avroenc *e, const char *s, size_t len, struct sbuf *out)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = (unsigned char)s[i] < 0x80 ? (cp = (unsigned char)s[i], 1)
						      : escape_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (k == 0 || cp > 255)
			return avroenc_fail(e, "bytes must be a string of code points 0-255 (\\u0000-\\u00ff)");
		sbuf_addc(out, (char)cp);
		i += k;
	}
	return 0;
}

static int avroenc_value(struct avroenc *e, json_t *s, json_t *v, struct sbuf *out, int depth);

static int avroenc_union(struct avroenc *e, json_t *u, json_t *v, struct sbuf *out, int depth)
{
	size_t i;
	json_t *b;
	/* Avro's JSON encoding: {"type name": value} */
	if (json_is_object(v) && json_object_size(v) == 1) {
		const char *k = json_object_iter_key(json_object_iter(v));
		json_array_foreach(u, i, b)
		{
			json_t *r = json_is_string(b) ? json_object_get(e->names, json_string_value(b)) : NULL;
			const char *bn = json_is_string(b)   ? json_string_value(b)
					 : json_is_object(b) ? json_string_value(json_object_get(b, "name"))
							     : NULL;
			if (bn == NULL && json_is_object(b))
				bn = json_string_value(json_object_get(b, "type"));
			(void)r;
			if (bn && strcmp(bn, k) == 0) {
				size_t mark = out->len;
				avroenc_long(out, (int64_t)i);
				if (avroenc_value(e, b, json_object_iter_value(json_object_iter(v)), out, depth + 1) ==
				    0)
					return 0;
				out->len = mark;
				return -1;
			}
		}
	}
	json_array_foreach(u, i, b)
	{ /* the first branch the value fits */
		size_t mark = out->len, plen = e->path.len;
		char *why = e->why;
		e->why = NULL;
		avroenc_long(out, (int64_t)i);
		if (avroenc_value(e, b, v, out, depth + 1) == 0) {
			free(why);
			return 0;
		}
		out->len = mark;
		e->path.len = plen;
		if (e->path.buf)
			e->path.buf[plen] = '\0';
		free(e->why);
		e->why = why;
	}
	char *types = json_dumps(u, JSON_COMPACT | JSON_ENCODE_ANY);
	int rc = avroenc_fail(e, "%s fits no branch of the union %s", avroenc_json_type(v), types ? types : "?");
	free(types);
	return rc;
}

static int avroenc_value(struct avroenc *e, json_t *s, json_t *v, struct sbuf *out, int depth)
{
	if (depth > AVROENC_MAX_DEPTH)
		return avroenc_fail(e, "nested deeper than 64 levels");
	for (int i = 0; i < 8 && json_is_string(s) && json_object_get(e->names, json_string_value(s)); i++)
		s = json_object_get(e->names, json_string_value(s));
	if (json_is_array(s))
		return avroenc_union(e, s, v, out, depth);
	json_t *def = s;
	if (json_is_object(s) &&
	    (json_is_object(json_object_get(s, "type")) || json_is_array(json_object_get(s, "type"))))
		return avroenc_value(e, json_object_get(s, "type"), v, out, depth + 1);
	const char *t = json_is_string(s) ? json_string_value(s) : json_string_value(json_object_get(s, "type"));
	const char *logical = json_string_value(json_object_get(def, "logicalType"));
	if (t == NULL)
		return avroenc_fail(e, "the schema has a type kcon does not know");
	if (json_is_string(json_object_get(e->names, t)))
		t = json_string_value(json_object_get(e->names, t));
	if (!strcmp(t, "null")) {
		if (!json_is_null(v))
			return avroenc_fail(e, "expected null, got %s", avroenc_json_type(v));
		return 0;
	}
	if (!strcmp(t, "boolean")) {
		if (!json_is_boolean(v))
			return avroenc_fail(e, "expected true or false, got %s", avroenc_json_type(v));
		sbuf_addc(out, json_is_true(v) ? 1 : 0);
		return 0;
	}
	if (!strcmp(t, "int") || !strcmp(t, "long")) {
		int64_t x;
		bool is_int = t[0] == 'i';
		if (json_is_integer(v)) {
			x = json_integer_value(v);
		} else if (json_is_string(v) && logical && !strcmp(logical, "date")) {
			const char *rest;
			if (avroenc_date(json_string_value(v), &x, &rest) < 0 || *rest)
				return avroenc_fail(e, "expected a date YYYY-MM-DD, got \"%s\"%s", json_string_value(v),
						    "");
		} else if (json_is_string(v) && logical && strstr(logical, "timestamp-")) {
			int64_t per = strstr(logical, "micros") ? 1000000 : 1000;
			if (avroenc_timestamp(json_string_value(v), per, &x) < 0)
				return avroenc_fail(e, "expected a time YYYY-MM-DDTHH:MM:SS.fffZ, got \"%s\"%s",
						    json_string_value(v), "");
		} else {
			return avroenc_fail(e, "expected %s, got %s", is_int ? "an int" : "a long",
					    avroenc_json_type(v));
		}
		if (is_int && (x < INT32_MIN || x > INT32_MAX))
			return avroenc_fail(e, "expected an int (32 bits), got a larger number");
		avroenc_long(out, x);
		return 0;
	}
	if (!strcmp(t, "float") || !strcmp(t, "double")) {
		if (!json_is_number(v))
			return avroenc_fail(e, "expected a number, got %s", avroenc_json_type(v));
		double d = json_number_value(v);
		if (t[0] == 'f') {
			float f = (float)d;
			sbuf_addn(out, &f, 4); /* little-endian, as Avro wants (x86, ARM) */
		} else {
			sbuf_addn(out, &d, 8);
		}
		return 0;
	}
	if (!strcmp(t, "string")) {
		if (!json_is_string(v))
			return avroenc_fail(e, "expected a string, got %s", avroenc_json_type(v));
		avroenc_long(out, (int64_t)json_string_length(v));
		sbuf_addn(out, json_string_value(v), json_string_length(v));
		return 0;
	}
	if (!strcmp(t, "bytes") || !strcmp(t, "fixed")) {
		bool fixed = t[0] == 'f';
		if (!json_is_string(v) && !(logical && !strcmp(logical, "decimal") && json_is_number(v)))
			return avroenc_fail(e, "expected a string, got %s", avroenc_json_type(v));
		struct sbuf b = SBUF_INIT;
		if (logical && !strcmp(logical, "decimal")) {
			unsigned char buf[16];
			size_t n;
			int scale = (int)json_integer_value(json_object_get(def, "scale"));
			char *text = json_is_string(v) ? x_strdup(json_string_value(v))
						       : json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
			int rc = avroenc_decimal(text, scale, buf, &n);
			if (rc < 0) {
				avroenc_fail(e, "expected a decimal with at most %d fraction digits, got %s", scale,
					     text);
				free(text);
				return -1;
			}
			free(text);
			if (fixed) { /* sign-extended to the fixed size */
				size_t size = (size_t)json_integer_value(json_object_get(def, "size"));
				if (n > size)
					return avroenc_fail(e, "the decimal does not fit the fixed size");
				for (size_t i = n; i < size; i++)
					sbuf_addc(&b, (char)((buf[0] & 0x80) ? 0xff : 0));
			}
			sbuf_addn(&b, buf, n);
		} else if (avroenc_bytes(e, json_string_value(v), json_string_length(v), &b) < 0) {
			sbuf_free(&b);
			return -1;
		}
		if (fixed && b.len != (size_t)json_integer_value(json_object_get(def, "size"))) {
			sbuf_free(&b);
			return avroenc_fail(e, "expected exactly the fixed type's size in bytes");
		}
		if (!fixed)
			avroenc_long(out, (int64_t)b.len);
		sbuf_addn(out, b.buf ? b.buf : "", b.len);
		sbuf_free(&b);
		return 0;
	}
	if (!strcmp(t, "enum")) {
		size_t i;
		json_t *sym;
		if (json_is_string(v))
			json_array_foreach(json_object_get(def, "symbols"), i, sym) if (json_equal(sym, v))
			{
				avroenc_long(out, (int64_t)i);
				return 0;
			}
		return avroenc_fail(e, "expected one of the enum's symbols, got %s", avroenc_json_type(v));
	}
	if (!strcmp(t, "array") || !strcmp(t, "map")) {
		bool map = t[0] == 'm';
		if (map ? !json_is_object(v) : !json_is_array(v))
			return avroenc_fail(e, "expected %s, got %s", map ? "an object (a map)" : "an array",
					    avroenc_json_type(v));
		size_t n = map ? json_object_size(v) : json_array_size(v), plen = e->path.len;
		json_t *item = json_object_get(def, map ? "values" : "items");
		if (n)
			avroenc_long(out, (int64_t)n);
		if (map) {
			const char *k;
			json_t *x;
			json_object_foreach(v, k, x)
			{
				sbuf_addf(&e->path, "[\"%s\"]", k);
				avroenc_long(out, (int64_t)strlen(k));
				sbuf_add(out, k);
				if (avroenc_value(e, item, x, out, depth + 1) < 0)
					return -1;
				e->path.len = plen, e->path.buf[plen] = '\0';
			}
		} else {
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x)
			{
				sbuf_addf(&e->path, "[%zu]", i);
				if (avroenc_value(e, item, x, out, depth + 1) < 0)
					return -1;
				e->path.len = plen, e->path.buf[plen] = '\0';
			}
		}
		sbuf_addc(out, 0);
		return 0;
	}
	if (!strcmp(t, "record") || !strcmp(t, "error")) {
		if (!json_is_object(v))
			return avroenc_fail(e, "expected an object (a record), got %s", avroenc_json_type(v));
		json_t *fields = json_object_get(def, "fields");
		size_t i, plen = e->path.len;
		json_t *f;
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			bool known = false;
			json_array_foreach(fields, i, f) known |=
				!strcmp(json_string_value(json_object_get(f, "name")), k);
			if (!known) {
				sbuf_addf(&e->path, ".%s", k);
				return avroenc_fail(e, "the record has no field %s", k);
			}
		}
		json_array_foreach(fields, i, f)
		{
			const char *name = json_string_value(json_object_get(f, "name"));
			json_t *fv = json_object_get(v, name ? name : "");
			sbuf_addf(&e->path, ".%s", name ? name : "?");
			if (fv == NULL)
				fv = json_object_get(f, "default");
			if (fv == NULL)
				return avroenc_fail(e, "missing, and the field has no default");
			if (avroenc_value(e, json_object_get(f, "type"), fv, out, depth + 1) < 0)
				return -1;
			e->path.len = plen;
			if (e->path.buf)
				e->path.buf[plen] = '\0';
		}
		return 0;
	}
	return avroenc_fail(e, "the schema's type `%s` is not one kcon encodes", t);
}

int avroenc_encode(const char *schema, const char *json, size_t len, struct sbuf *out, char **cause)
{
	json_error_t jerr;
	json_t *s = json_loads(schema, JSON_DECODE_ANY, &jerr);
	if (s == NULL) {
		*cause = x_asprintf("the schema is not JSON: %s", jerr.text);
		return -1;
	}
	json_t *v = json_loadb(json, len, JSON_DECODE_ANY, &jerr);
	if (v == NULL) {
		json_decref(s);
		*cause = x_asprintf("the record is not JSON: %s at byte %d", jerr.text, jerr.position);
		return -1;
	}
	struct avroenc e = { .names = json_object() };
	avroenc_collect(s, "", e.names, 0);
	size_t mark = out->len;
	int rc = avroenc_value(&e, s, v, out, 0);
	if (rc < 0) {
		out->len = mark;
		if (out->buf)
			out->buf[mark] = '\0';
		char *p = escape_str(e.path.len ? sbuf_str(&e.path) : "(the record)");
		*cause = x_asprintf("at %s: %s", p, e.why ? e.why : "does not match the schema");
		free(p);
	}
	free(e.why);
	sbuf_free(&e.path);
	json_decref(e.names);
	json_decref(v);
	json_decref(s);
	return rc;
}
