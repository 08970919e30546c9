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
	json_t *names;  /* named types: full name -> definition */
	json_t *spaces; /* full name -> the namespace names inside the type are in */
	struct sbuf path;
	char *why; /* the first error, without the path */
};

static bool avroenc_is_named(json_t *s)
{
	const char *t = json_string_value(json_object_get(s, "type"));
	return t && json_is_string(json_object_get(s, "name")) &&
	       (!strcmp(t, "record") || !strcmp(t, "error") || !strcmp(t, "enum") || !strcmp(t, "fixed"));
}

/* The full name of the named type s defined inside namespace ns (Avro's rules: a name with a dot
 * is full; else the type's own "namespace", else the enclosing one, qualifies it). */
static char *avroenc_fullname(json_t *s, const char *ns)
{
	const char *name = json_string_value(json_object_get(s, "name"));
	const char *sns = json_string_value(json_object_get(s, "namespace"));
	if (sns)
		ns = sns;
	if (strchr(name, '.') || ns == NULL || *ns == '\0')
		return x_strdup(name);
	return x_asprintf("%s.%s", ns, name);
}

static void avroenc_collect(struct avroenc *e, json_t *s, const char *ns, int depth)
{
	if (depth > AVROENC_MAX_DEPTH)
		return;
	size_t i;
	json_t *x;
	if (json_is_array(s)) {
		json_array_foreach(s, i, x) avroenc_collect(e, x, ns, depth + 1);
		return;
	}
	if (!json_is_object(s))
		return;
	if (avroenc_is_named(s)) {
		char *full = avroenc_fullname(s, ns);
		const char *dot = strrchr(full, '.');
		if (json_object_get(e->names, full) == NULL) { /* a second definition: the first stands */
			json_object_set(e->names, full, s);
			json_object_set_new(e->spaces, full, json_stringn(full, dot ? (size_t)(dot - full) : 0));
		}
		ns = json_string_value(json_object_get(e->spaces, full));
		free(full);
	}
	avroenc_collect(e, json_object_get(s, "items"), ns, depth + 1);
	avroenc_collect(e, json_object_get(s, "values"), ns, depth + 1);
	json_t *tt = json_object_get(s, "type");
	if (json_is_object(tt) || json_is_array(tt))
		avroenc_collect(e, tt, ns, depth + 1);
	json_array_foreach(json_object_get(s, "fields"), i, x)
		avroenc_collect(e, json_object_get(x, "type"), ns, depth + 1);
}

/* The definition s stands for: a named type's by its full name (a name without a dot is in the
 * enclosing namespace *ns, or failing that the null one), or s itself; *ns becomes the namespace
 * inside it. *full (when full is not NULL) is its full name, or NULL for an unnamed type. */
static json_t *avroenc_resolve(struct avroenc *e, json_t *s, const char **ns, char **full)
{
	char *fn = NULL;
	if (json_is_string(s)) {
		const char *n = json_string_value(s);
		json_t *d = NULL;
		if (strchr(n, '.') == NULL && *ns && **ns) {
			fn = x_asprintf("%s.%s", *ns, n);
			d = json_object_get(e->names, fn);
		}
		if (d == NULL) {
			free(fn);
			fn = NULL;
			d = json_object_get(e->names, n);
		}
		if (d) {
			/* inside it, names are in the namespace of where it was defined, not of where
			 * it is used */
			if (fn == NULL)
				fn = x_strdup(n);
			const char *sp = json_string_value(json_object_get(e->spaces, fn));
			if (sp)
				*ns = sp;
			s = d;
		}
		if (full) /* fn is NULL when nothing is named n */
			*full = fn;
		else
			free(fn);
		return s;
	}
	if (avroenc_is_named(s)) { /* an inline definition */
		fn = avroenc_fullname(s, *ns);
		const char *sp = json_string_value(json_object_get(e->spaces, fn));
		if (sp)
			*ns = sp;
	}
	if (full)
		*full = fn;
	else
		free(fn);
	return s;
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

/* "-12.34" with scale fraction digits into big-endian two's complement bytes: 0; -1 when it is not
 * a number, -2 with more fraction digits than scale, -3 with more digits than precision (at most
 * 38) once scaled. */
static int avroenc_decimal(const char *s, int scale, int precision, unsigned char *buf, size_t *n)
{
	bool neg = *s == '-';
	if (neg || *s == '+')
		s++;
	__int128 v = 0;
	int frac = -1, digits = 0, sig = 0; /* sig: digits from the first that is not 0 */
	for (; *s; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -1;
		digits++;
		if (frac >= 0 && ++frac > scale)
			return -2;
		if ((sig || *s != '0') && ++sig > precision)
			return -3;
		v = v * 10 + (*s - '0');
	}
	if (digits == 0)
		return -1;
	if (sig && sig + scale - (frac < 0 ? 0 : frac) > precision)
		return -3; /* checked before scaling: 10^38 fits in 127 bits, more may not */
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

/* The most decimal digits a fixed of size bytes holds (two's complement), at most 38. */
static int avroenc_fixed_precision(json_int_t size)
{
	if (size <= 0)
		return 0;
	if (size > 16)
		return 38;
	unsigned __int128 v = ((unsigned __int128)1 << (8 * size - 1)) - 1;
	int d = 0;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d > 38 ? 38 : d;
}

/* The schema, before any value: what encoding relies on (names, fields, sizes, decimals). */
static int avroenc_check_schema(struct avroenc *e, json_t *s, int depth)
{
	size_t i;
	json_t *x;
	if (depth > AVROENC_MAX_DEPTH)
		return avroenc_fail(e, "the schema is nested deeper than 64 levels");
	if (json_is_string(s))
		return 0;
	if (json_is_array(s)) {
		json_array_foreach(s, i, x) if (avroenc_check_schema(e, x, depth + 1) < 0) return -1;
		return 0;
	}
	if (!json_is_object(s))
		return avroenc_fail(e, "the schema has a type that is %s, not a name, an object or a union",
				    avroenc_json_type(s));
	json_t *tt = json_object_get(s, "type");
	if (json_is_object(tt) || json_is_array(tt))
		return avroenc_check_schema(e, tt, depth + 1);
	const char *t = json_string_value(tt);
	if (t == NULL)
		return avroenc_fail(e, "the schema has an object without a type");
	const char *name = json_string_value(json_object_get(s, "name"));
	bool record = !strcmp(t, "record") || !strcmp(t, "error");
	if ((record || !strcmp(t, "enum") || !strcmp(t, "fixed")) && name == NULL)
		return avroenc_fail(e, "the schema has a%s %s without a name", t[0] == 'e' ? "n" : "", t);
	if (record) {
		json_t *fields = json_object_get(s, "fields");
		if (!json_is_array(fields))
			return avroenc_fail(e, "the schema's record %s has no fields array", name);
		json_array_foreach(fields, i, x)
		{
			const char *fname = json_string_value(json_object_get(x, "name"));
			if (fname == NULL)
				return avroenc_fail(e, "the schema's field %zu of record %s has no name", i + 1, name);
			if (json_object_get(x, "type") == NULL)
				return avroenc_fail(e, "the schema's field %s of record %s has no type", fname, name);
			if (avroenc_check_schema(e, json_object_get(x, "type"), depth + 1) < 0)
				return -1;
		}
	} else if (!strcmp(t, "enum")) {
		json_t *syms = json_object_get(s, "symbols");
		bool ok = json_is_array(syms);
		json_array_foreach(syms, i, x) ok &= json_is_string(x);
		if (!ok)
			return avroenc_fail(e, "the schema's enum %s's symbols must be strings (an array of them)",
					    name);
	} else if (!strcmp(t, "fixed")) {
		json_t *size = json_object_get(s, "size");
		if (!json_is_integer(size) || json_integer_value(size) < 0)
			return avroenc_fail(e, "the schema's fixed %s has no size (a whole number of bytes)", name);
	} else if (!strcmp(t, "array") || !strcmp(t, "map")) {
		bool map = t[0] == 'm';
		json_t *item = json_object_get(s, map ? "values" : "items");
		if (item == NULL)
			return avroenc_fail(e, "the schema has %s",
					    map ? "a map without values" : "an array without items");
		return avroenc_check_schema(e, item, depth + 1);
	}
	const char *logical = json_string_value(json_object_get(s, "logicalType"));
	if (logical && !strcmp(logical, "decimal") && (!strcmp(t, "bytes") || !strcmp(t, "fixed"))) {
		bool fixed = t[0] == 'f';
		json_int_t size = json_integer_value(json_object_get(s, "size"));
		int max = fixed ? avroenc_fixed_precision(size) : 38;
		json_t *p = json_object_get(s, "precision"), *sc = json_object_get(s, "scale");
		char *got = p ? json_dumps(p, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		if (!json_is_integer(p) || json_integer_value(p) < 1 || json_integer_value(p) > max) {
			if (fixed)
				avroenc_fail(
					e,
					"in the schema, the decimal's precision must be 1 to %d for a fixed of %lld "
					"bytes, not %s",
					max, (long long)size, got ? got : "missing");
			else
				avroenc_fail(e, "in the schema, the decimal's precision must be 1 to 38, not %s",
					     got ? got : "missing");
			free(got);
			return -1;
		}
		free(got);
		if (sc && (!json_is_integer(sc) || json_integer_value(sc) < 0 ||
			   json_integer_value(sc) > json_integer_value(p))) {
			got = json_dumps(sc, JSON_ENCODE_ANY | JSON_COMPACT);
			avroenc_fail(e, "in the schema, the decimal's scale must be 0 to its precision (%lld), not %s",
				     (long long)json_integer_value(p), got ? got : "?");
			free(got);
			return -1;
		}
	}
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

static int avroenc_value(struct avroenc *e, json_t *s, const char *ns, json_t *v, struct sbuf *out, int depth);

/* A union branch's name in Avro's JSON encoding: a named type's full name, else its type. */
static char *avroenc_branch_name(struct avroenc *e, json_t *b, const char *ns)
{
	char *full = NULL;
	json_t *d = avroenc_resolve(e, b, &ns, &full);
	if (full)
		return full;
	if (json_is_string(b))
		return x_strdup(json_string_value(b));
	const char *t = json_string_value(json_object_get(d, "type"));
	return t ? x_strdup(t) : NULL;
}

static int avroenc_union(struct avroenc *e, json_t *u, const char *ns, json_t *v, struct sbuf *out, int depth)
{
	size_t i;
	json_t *b;
	/* Avro's JSON encoding: {"type name": value}, a named type by its full name (or, failing
	 * that, its short one) */
	if (json_is_object(v) && json_object_size(v) == 1) {
		const char *k = json_object_iter_key(json_object_iter(v));
		for (int pass = 0; pass < 2; pass++) {
			json_array_foreach(u, i, b)
			{
				char *bn = avroenc_branch_name(e, b, ns);
				const char *dot = bn ? strrchr(bn, '.') : NULL;
				bool match = bn && strcmp(pass == 0 || dot == NULL ? bn : dot + 1, k) == 0;
				free(bn);
				if (!match)
					continue;
				size_t mark = out->len;
				avroenc_long(out, (int64_t)i);
				if (avroenc_value(e, b, ns, json_object_iter_value(json_object_iter(v)), out,
						  depth + 1) == 0)
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
		if (avroenc_value(e, b, ns, v, out, depth + 1) == 0) {
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

static int avroenc_value(struct avroenc *e, json_t *s, const char *ns, json_t *v, struct sbuf *out, int depth)
{
	if (depth > AVROENC_MAX_DEPTH)
		return avroenc_fail(e, "nested deeper than 64 levels");
	s = avroenc_resolve(e, s, &ns, NULL);
	if (json_is_array(s))
		return avroenc_union(e, s, ns, v, out, depth);
	json_t *def = s;
	if (json_is_object(s) &&
	    (json_is_object(json_object_get(s, "type")) || json_is_array(json_object_get(s, "type"))))
		return avroenc_value(e, json_object_get(s, "type"), ns, v, out, depth + 1);
	const char *t = json_is_string(s) ? json_string_value(s) : json_string_value(json_object_get(s, "type"));
	const char *logical = json_string_value(json_object_get(def, "logicalType"));
	if (t == NULL)
		return avroenc_fail(e, "the schema has a type kcon does not know");
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
			/* avroenc_check_schema saw precision 1..38 and scale 0..precision */
			int scale = (int)json_integer_value(json_object_get(def, "scale"));
			int precision = (int)json_integer_value(json_object_get(def, "precision"));
			char *text = json_is_string(v) ? x_strdup(json_string_value(v))
						       : json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
			int rc = avroenc_decimal(text, scale, precision, buf, &n);
			if (rc == -3)
				avroenc_fail(e,
					     "%s has more than %d digits once given its %d fraction digits (the "
					     "decimal's precision)",
					     text, precision, scale);
			else if (rc < 0)
				avroenc_fail(e, "expected a decimal with at most %d fraction digits, got %s", scale,
					     text);
			free(text);
			if (rc < 0)
				return -1;
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
				if (avroenc_value(e, item, ns, x, out, depth + 1) < 0)
					return -1;
				e->path.len = plen, e->path.buf[plen] = '\0';
			}
		} else {
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x)
			{
				sbuf_addf(&e->path, "[%zu]", i);
				if (avroenc_value(e, item, ns, x, out, depth + 1) < 0)
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
			json_array_foreach(fields, i, f)
			{
				const char *fname = json_string_value(json_object_get(f, "name"));
				known |= fname && !strcmp(fname, k);
			}
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
			if (avroenc_value(e, json_object_get(f, "type"), ns, fv, out, depth + 1) < 0)
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
	struct avroenc e = { .names = json_object(), .spaces = json_object() };
	if (avroenc_check_schema(&e, s, 0) < 0) {
		*cause = e.why;
		json_decref(e.names);
		json_decref(e.spaces);
		json_decref(v);
		json_decref(s);
		return -2;
	}
	avroenc_collect(&e, s, "", 0);
	size_t mark = out->len;
	int rc = avroenc_value(&e, s, "", v, out, 0);
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
	json_decref(e.spaces);
	json_decref(v);
	json_decref(s);
	return rc;
}
