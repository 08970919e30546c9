/*
 * A bundled decoder: Avro in the Schema Registry wire format (magic byte 0, a 4-byte schema id,
 * then the binary record), decoded with Debian's libavro (avro-c) against the registry's schema,
 * to JSON. Unions are shown as their value (not {"type": value}); bytes and fixed as strings of
 * code points 0-255 (Avro's JSON convention). Logical types are rendered readably and exactly:
 * date "2024-05-01", time-millis/micros "13:45:00.250", timestamp-millis/micros (and local-)
 * "2024-05-01T13:45:00.250Z", decimal "12.34" (a string: no rounding), uuid as its string.
 *
 * Before libavro reads a record, the bytes are walked against the schema (ad_check): every
 * length within the record, varints of at most 10 bytes, union branches and enum symbols in range,
 * nesting at most AD_MAX_DEPTH (a recursive schema), no bytes left over, array and map items for
 * the whole record at most its bytes plus AD_MAX_EMPTY. libavro allocates what a length says before
 * reading it; the walk keeps a hostile length from getting that far. The JSON is capped at
 * AD_MAX_OUT. Named types resolve by full name (Avro's namespaces).
 */
#include <avro.h>
#include <jansson.h>
#include <pthread.h>
#include <time.h>

#include "decode_util.h"

const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

#define AD_MAX_DEPTH 64
#define AD_MAX_EMPTY 65536       /* a record's array and map items beyond one a byte (null takes none) */
#define AD_MAX_OUT   (32u << 20) /* the most JSON a record becomes */

struct ad_names {
	json_t *names, *spaces; /* full name -> definition; full name -> the namespace inside it */
};

struct ad_entry {
	uint32_t id;
	char *text;         /* the schema's text: a hit must match it (`profile NAME` may bring another registry) */
	json_t *json;       /* the schema as JSON */
	struct ad_names nm; /* named types by full name */
	avro_schema_t schema;
	avro_value_iface_t *iface;
};

static const struct kcon_host *ad_host;
static pthread_mutex_t ad_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ad_entry *ad_cache;
static size_t ad_ncache;

/* --- named types --------------------------------------------------------------------------- */

static bool ad_is_named(json_t *s)
{
	const char *t = json_string_value(json_object_get(s, "type"));
	return t && json_is_string(json_object_get(s, "name")) &&
	       (!strcmp(t, "record") || !strcmp(t, "error") || !strcmp(t, "enum") || !strcmp(t, "fixed"));
}

/* The full name of the named type s defined inside namespace ns (Avro's rules: a name with a dot
 * is full; else the type's own "namespace", else the enclosing one, qualifies it). */
static void ad_fullname(json_t *s, const char *ns, char *buf, size_t len)
{
	const char *name = json_string_value(json_object_get(s, "name"));
	const char *sns = json_string_value(json_object_get(s, "namespace"));
	if (sns)
		ns = sns;
	if (strchr(name, '.') || ns == NULL || *ns == '\0')
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s.%s", ns, name);
}

/* names: full name -> definition; spaces: full name -> the namespace names inside it are in. */
static void ad_collect(json_t *s, const char *ns, json_t *names, json_t *spaces, int depth)
{
	if (depth > AD_MAX_DEPTH)
		return;
	if (json_is_array(s)) {
		size_t i;
		json_t *b;
		json_array_foreach(s, i, b) ad_collect(b, ns, names, spaces, depth + 1);
		return;
	}
	if (!json_is_object(s))
		return;
	if (ad_is_named(s)) {
		char full[512];
		ad_fullname(s, ns, full, sizeof(full));
		const char *dot = strrchr(full, '.');
		if (json_object_get(names, full) == NULL) { /* the first definition (libavro refuses a second) */
			json_object_set(names, full, s);
			json_object_set_new(spaces, full, json_stringn(full, dot ? (size_t)(dot - full) : 0));
		}
		ns = json_string_value(json_object_get(spaces, full));
	}
	ad_collect(json_object_get(s, "items"), ns, names, spaces, depth + 1);
	ad_collect(json_object_get(s, "values"), ns, names, spaces, depth + 1);
	json_t *t = json_object_get(s, "type");
	if (json_is_object(t) || json_is_array(t))
		ad_collect(t, ns, names, spaces, depth + 1);
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(s, "fields"), i, f)
		ad_collect(json_object_get(f, "type"), ns, names, spaces, depth + 1);
}

/* The definition s stands for: a named type's by its full name (a name without a dot is in the
 * enclosing namespace *ns, or failing that the null one), or s itself (a primitive's name, an
 * unnamed type); *ns becomes the namespace inside it. */
static json_t *ad_resolve(json_t *s, const struct ad_names *nm, const char **ns)
{
	char full[512];
	if (json_is_string(s)) {
		const char *n = json_string_value(s);
		json_t *d = NULL;
		const char *key = n;
		if (strchr(n, '.') == NULL && *ns && **ns) {
			snprintf(full, sizeof(full), "%s.%s", *ns, n);
			d = json_object_get(nm->names, full);
			if (d)
				key = full;
		}
		if (d == NULL)
			d = json_object_get(nm->names, n);
		if (d == NULL)
			return s;
		/* inside it, names are in the namespace of where it was defined, not of where it is used */
		const char *sp = json_string_value(json_object_get(nm->spaces, key));
		if (sp)
			*ns = sp;
		return d;
	}
	if (ad_is_named(s)) { /* an inline definition */
		ad_fullname(s, *ns, full, sizeof(full));
		const char *sp = json_string_value(json_object_get(nm->spaces, full));
		if (sp)
			*ns = sp;
	}
	return s;
}

static const char *ad_type_name(json_t *s)
{
	if (json_is_string(s))
		return json_string_value(s);
	if (json_is_array(s))
		return "union";
	json_t *t = json_object_get(s, "type");
	return json_is_string(t) ? json_string_value(t) : json_is_array(t) ? "union" : "?";
}

/* A type's full definition: for {"type": "string", "logicalType": ...} the object itself. */
static json_t *ad_inner(json_t *s)
{
	json_t *t = json_object_get(s, "type");
	return json_is_object(t) || json_is_array(t) ? t : s;
}

/* --- the walk: bounds before libavro allocates --------------------------------------------- */

struct ad_in {
	const unsigned char *p, *end;
	const char *why;
	int64_t items; /* array and map items the rest of the record may have */
};

static int ad_long(struct ad_in *in, int64_t *out)
{
	uint64_t r = 0;
	for (int i = 0; i < 10; i++) {
		if (in->p >= in->end) {
			in->why = "a number runs past the end";
			return -1;
		}
		unsigned char c = *in->p++;
		if (i == 9 && c > 1) {
			in->why = "a varint is longer than 64 bits";
			return -1;
		}
		r |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			*out = (int64_t)(r >> 1) ^ -(int64_t)(r & 1);
			return 0;
		}
	}
	in->why = "a varint is longer than 10 bytes";
	return -1;
}

static int ad_skip(struct ad_in *in, int64_t n)
{
	if (n < 0 || n > in->end - in->p) {
		in->why = n < 0 ? "a negative length" : "a length runs past the end";
		return -1;
	}
	in->p += n;
	return 0;
}

static int ad_check(json_t *s, const struct ad_names *nm, const char *ns, struct ad_in *in, int depth)
{
	if (depth > AD_MAX_DEPTH) {
		in->why = "nested deeper than 64 levels";
		return -1;
	}
	s = ad_resolve(s, nm, &ns);
	const char *t = ad_type_name(s);
	int64_t n;
	if (strcmp(t, "union") == 0) {
		json_t *u = json_is_array(s) ? s : json_object_get(s, "type");
		if (ad_long(in, &n) < 0)
			return -1;
		if (n < 0 || (size_t)n >= json_array_size(u)) {
			in->why = "a union branch out of range";
			return -1;
		}
		return ad_check(json_array_get(u, (size_t)n), nm, ns, in, depth + 1);
	}
	if (json_is_object(s) && json_is_object(json_object_get(s, "type")))
		return ad_check(json_object_get(s, "type"), nm, ns, in, depth + 1);
	if (strcmp(t, "null") == 0)
		return 0;
	if (strcmp(t, "boolean") == 0)
		return ad_skip(in, 1);
	if (strcmp(t, "int") == 0 || strcmp(t, "long") == 0)
		return ad_long(in, &n);
	if (strcmp(t, "float") == 0)
		return ad_skip(in, 4);
	if (strcmp(t, "double") == 0)
		return ad_skip(in, 8);
	if (strcmp(t, "string") == 0 || strcmp(t, "bytes") == 0)
		return ad_long(in, &n) < 0 ? -1 : ad_skip(in, n);
	if (strcmp(t, "fixed") == 0)
		return ad_skip(in, json_integer_value(json_object_get(s, "size")));
	if (strcmp(t, "enum") == 0) {
		if (ad_long(in, &n) < 0)
			return -1;
		if (n < 0 || (size_t)n >= json_array_size(json_object_get(s, "symbols"))) {
			in->why = "an enum symbol out of range";
			return -1;
		}
		return 0;
	}
	if (strcmp(t, "record") == 0 || strcmp(t, "error") == 0) {
		size_t i;
		json_t *f;
		json_array_foreach(json_object_get(s, "fields"), i,
				   f) if (ad_check(json_object_get(f, "type"), nm, ns, in, depth + 1) < 0) return -1;
		return 0;
	}
	if (strcmp(t, "array") == 0 || strcmp(t, "map") == 0) {
		bool map = t[0] == 'm';
		json_t *item = json_object_get(s, map ? "values" : "items");
		for (;;) {
			if (ad_long(in, &n) < 0)
				return -1;
			if (n == 0)
				return 0;
			if (n < 0) {
				int64_t size;
				if (n == INT64_MIN || ad_long(in, &size) < 0)
					return -1;
				n = -n;
			}
			if (n > in->end - in->p + AD_MAX_EMPTY) {
				in->why = "an array or map count larger than the record";
				return -1;
			}
			if (n > in->items) { /* one allowance for the record: arrays of arrays of nulls */
				in->why = "more array or map items than the record allows (its bytes and 65536 more)";
				return -1;
			}
			in->items -= n;
			for (int64_t i = 0; i < n; i++) {
				int64_t klen;
				if (map && (ad_long(in, &klen) < 0 || ad_skip(in, klen) < 0))
					return -1;
				if (ad_check(item, nm, ns, in, depth + 1) < 0)
					return -1;
			}
		}
	}
	in->why = "a type libavro does not know";
	return -1;
}

/* --- rendering ------------------------------------------------------------------------------ */

static void ad_civil(int64_t days, int *y, unsigned *m, unsigned *d)
{ /* days since 1970-01-01 to a proleptic Gregorian date */
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void ad_time_of_day(struct dbuf *b, int64_t units, int64_t per_s, int digits)
{
	int64_t s = units / per_s, frac = units % per_s;
	dbuf_addf(b, "%02d:%02d:%02d.%0*lld", (int)(s / 3600 % 24), (int)(s / 60 % 60), (int)(s % 60), digits,
		  (long long)frac);
}

static void ad_timestamp(struct dbuf *b, int64_t v, int64_t per_s, int digits, bool utc)
{
	int64_t s = v / per_s, frac = v % per_s;
	if (frac < 0)
		frac += per_s, s--;
	int64_t days = s / 86400, rem = s % 86400;
	if (rem < 0)
		rem += 86400, days--;
	int y;
	unsigned m, d;
	ad_civil(days, &y, &m, &d);
	dbuf_addf(b, "\"%04d-%02u-%02uT", y, m, d);
	ad_time_of_day(b, rem * per_s + frac, per_s, digits);
	dbuf_add(b, utc ? "Z\"" : "\"");
}

static void ad_decimal(struct dbuf *b, const unsigned char *p, size_t n, int scale)
{
	if (n == 0 || n > 16 || scale < 0 || scale > 38) {
		dbuf_json_string(b, p, n);
		return;
	}
	__int128 v = (p[0] & 0x80) ? -1 : 0;
	for (size_t i = 0; i < n; i++)
		v = (__int128)((unsigned __int128)v << 8 | p[i]);
	bool neg = v < 0;
	unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
	char digits[64];
	int nd = 0;
	do {
		digits[nd++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (nd <= scale)
		digits[nd++] = '0';
	dbuf_add(b, neg ? "\"-" : "\"");
	for (int i = nd - 1; i >= 0; i--) {
		dbuf_addn(b, &digits[i], 1);
		if (i == scale && scale > 0)
			dbuf_add(b, ".");
	}
	dbuf_add(b, "\"");
}

static int ad_render(json_t *s, const struct ad_names *nm, const char *ns, avro_value_t *v, struct dbuf *b, int depth)
{
	if (depth > AD_MAX_DEPTH || b->over)
		return -1;
	s = ad_resolve(s, nm, &ns);
	json_t *def = json_is_object(s) ? ad_inner(s) : s;
	if (def != s)
		def = ad_resolve(def, nm, &ns);
	const char *logical = json_string_value(json_object_get(s, "logicalType"));
	if (logical == NULL && json_is_object(def))
		logical = json_string_value(json_object_get(def, "logicalType"));
	if (logical == NULL)
		logical = "";
	switch (avro_value_get_type(v)) {
	case AVRO_NULL:
		dbuf_add(b, "null");
		return 0;
	case AVRO_BOOLEAN: {
		int x = 0;
		avro_value_get_boolean(v, &x);
		dbuf_add(b, x ? "true" : "false");
		return 0;
	}
	case AVRO_INT32: {
		int32_t x = 0;
		avro_value_get_int(v, &x);
		if (strcmp(logical, "date") == 0) {
			int y;
			unsigned m, d;
			ad_civil(x, &y, &m, &d);
			dbuf_addf(b, "\"%04d-%02u-%02u\"", y, m, d);
		} else if (strcmp(logical, "time-millis") == 0 && x >= 0) {
			dbuf_add(b, "\"");
			ad_time_of_day(b, x, 1000, 3);
			dbuf_add(b, "\"");
		} else {
			dbuf_addf(b, "%d", (int)x);
		}
		return 0;
	}
	case AVRO_INT64: {
		int64_t x = 0;
		avro_value_get_long(v, &x);
		if (strcmp(logical, "timestamp-millis") == 0 || strcmp(logical, "local-timestamp-millis") == 0)
			ad_timestamp(b, x, 1000, 3, logical[0] == 't');
		else if (strcmp(logical, "timestamp-micros") == 0 || strcmp(logical, "local-timestamp-micros") == 0)
			ad_timestamp(b, x, 1000000, 6, logical[0] == 't');
		else if (strcmp(logical, "time-micros") == 0 && x >= 0) {
			dbuf_add(b, "\"");
			ad_time_of_day(b, x, 1000000, 6);
			dbuf_add(b, "\"");
		} else
			dbuf_addf(b, "%lld", (long long)x);
		return 0;
	}
	case AVRO_FLOAT:
	case AVRO_DOUBLE: {
		double x = 0;
		if (avro_value_get_type(v) == AVRO_FLOAT) {
			float f = 0;
			avro_value_get_float(v, &f);
			x = f;
		} else {
			avro_value_get_double(v, &x);
		}
		if (x != x)
			dbuf_add(b, "\"NaN\"");
		else if (x > 1.7976931348623157e308 || x < -1.7976931348623157e308)
			dbuf_add(b, x > 0 ? "\"Infinity\"" : "\"-Infinity\"");
		else
			dbuf_addf(b, "%.17g", x);
		return 0;
	}
	case AVRO_STRING: {
		const char *p = NULL;
		size_t n = 0;
		avro_value_get_string(v, &p, &n);
		n = n ? n - 1 : 0; /* the size counts a NUL */
		if (dbuf_is_text((const unsigned char *)p, n))
			dbuf_json_text(b, (const unsigned char *)p, n);
		else
			dbuf_json_string(b, (const unsigned char *)p, n);
		return 0;
	}
	case AVRO_BYTES:
	case AVRO_FIXED: {
		const void *p = NULL;
		size_t n = 0;
		if (avro_value_get_type(v) == AVRO_BYTES)
			avro_value_get_bytes(v, &p, &n);
		else
			avro_value_get_fixed(v, &p, &n);
		json_t *sc = json_object_get(json_is_object(s) ? s : def, "scale");
		if (sc == NULL && json_is_object(def))
			sc = json_object_get(def, "scale");
		if (strcmp(logical, "decimal") == 0)
			ad_decimal(b, p, n, (int)json_integer_value(sc));
		else
			dbuf_json_string(b, p, n);
		return 0;
	}
	case AVRO_ENUM: {
		int x = 0;
		avro_value_get_enum(v, &x);
		const char *sym = avro_schema_enum_get(avro_value_get_schema(v), x);
		dbuf_json_text(b, (const unsigned char *)(sym ? sym : ""), sym ? strlen(sym) : 0);
		return 0;
	}
	case AVRO_ARRAY:
	case AVRO_MAP: {
		bool map = avro_value_get_type(v) == AVRO_MAP;
		json_t *item = json_object_get(def, map ? "values" : "items");
		size_t n = 0;
		avro_value_get_size(v, &n);
		dbuf_add(b, map ? "{" : "[");
		for (size_t i = 0; i < n; i++) {
			avro_value_t c;
			const char *key = NULL;
			if (avro_value_get_by_index(v, i, &c, &key) != 0)
				return -1;
			if (i)
				dbuf_add(b, ",");
			if (map) {
				dbuf_json_string(b, (const unsigned char *)key, strlen(key));
				dbuf_add(b, ":");
			}
			if (ad_render(item, nm, ns, &c, b, depth + 1) < 0)
				return -1;
		}
		dbuf_add(b, map ? "}" : "]");
		return 0;
	}
	case AVRO_RECORD: {
		json_t *fields = json_object_get(def, "fields");
		size_t n = 0;
		avro_value_get_size(v, &n);
		dbuf_add(b, "{");
		for (size_t i = 0; i < n; i++) {
			avro_value_t c;
			const char *name = NULL;
			if (avro_value_get_by_index(v, i, &c, &name) != 0)
				return -1;
			dbuf_add(b, i ? "," : "");
			dbuf_json_string(b, (const unsigned char *)name, strlen(name));
			dbuf_add(b, ":");
			if (ad_render(json_object_get(json_array_get(fields, i), "type"), nm, ns, &c, b, depth + 1) < 0)
				return -1;
		}
		dbuf_add(b, "}");
		return 0;
	}
	case AVRO_UNION: {
		int d = 0;
		avro_value_t c;
		if (avro_value_get_discriminant(v, &d) != 0 || avro_value_get_current_branch(v, &c) != 0)
			return -1;
		json_t *u = json_is_array(def) ? def : json_object_get(def, "type");
		return ad_render(json_array_get(u, (size_t)d), nm, ns, &c, b, depth + 1);
	}
	default:
		return -1;
	}
}

/* --- the decoder ---------------------------------------------------------------------------- */

static void ad_entry_free(struct ad_entry *e)
{
	avro_value_iface_decref(e->iface);
	avro_schema_decref(e->schema);
	json_decref(e->nm.names);
	json_decref(e->nm.spaces);
	json_decref(e->json);
	free(e->text);
}

/*
 * The cached entry of id (ad_lock held); NULL with err. The host is asked every time (it keeps the
 * schemas of the registry in use): an id names another schema once `profile NAME` changed registry.
 */
static struct ad_entry *ad_entry_get(uint32_t id, char *err, size_t errlen)
{
	const char *type, *text;
	if (decode_schema(ad_host, id, &type, &text, err, errlen) < 0)
		return NULL;
	for (size_t i = 0; i < ad_ncache; i++) {
		if (ad_cache[i].id != id)
			continue;
		if (strcmp(ad_cache[i].text, text) == 0)
			return &ad_cache[i];
		ad_entry_free(&ad_cache[i]); /* stale: made again below */
		ad_cache[i] = ad_cache[--ad_ncache];
		break;
	}
	if (strcmp(type, "AVRO") != 0) {
		snprintf(err, errlen, "schema id %u is %s, not AVRO", (unsigned)id, type);
		return NULL;
	}
	struct ad_entry e = { .id = id };
	json_error_t jerr;
	e.json = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (e.json == NULL) {
		snprintf(err, errlen, "schema id %u is not JSON: %s", (unsigned)id, jerr.text);
		return NULL;
	}
	if (avro_schema_from_json_length(text, strlen(text), &e.schema) != 0) {
		snprintf(err, errlen, "schema id %u: libavro refuses it: %s", (unsigned)id, avro_strerror());
		json_decref(e.json);
		return NULL;
	}
	e.iface = avro_generic_class_from_schema(e.schema);
	if (e.iface == NULL) {
		snprintf(err, errlen, "schema id %u: libavro: %s", (unsigned)id, avro_strerror());
		avro_schema_decref(e.schema);
		json_decref(e.json);
		return NULL;
	}
	e.nm.names = json_object();
	e.nm.spaces = json_object();
	ad_collect(e.json, "", e.nm.names, e.nm.spaces, 0);
	e.text = strdup(text);
	struct ad_entry *nc = e.text ? realloc(ad_cache, (ad_ncache + 1) * sizeof(*nc)) : NULL;
	if (nc == NULL) {
		ad_entry_free(&e);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ad_cache = nc;
	ad_cache[ad_ncache] = e;
	return &ad_cache[ad_ncache++];
}

static int ad_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	uint32_t id;
	if (!decode_wire_header(buf, len, &id))
		return decode_error(out,
				    "avro: not the Schema Registry wire format (magic byte 0 and a 4-byte schema id)");
	char err[512];
	pthread_mutex_lock(&ad_lock);
	struct ad_entry *e = ad_entry_get(id, err, sizeof(err));
	if (e == NULL) {
		pthread_mutex_unlock(&ad_lock);
		return decode_error(out, "avro: %s", err);
	}
	struct ad_in in = { (const unsigned char *)buf + 5, (const unsigned char *)buf + len, NULL,
			    (int64_t)(len - 5) + AD_MAX_EMPTY };
	if (ad_check(e->json, &e->nm, "", &in, 0) < 0 ||
	    (in.p != in.end && (in.why = "bytes left over after the record"))) {
		size_t at = (size_t)(in.p - (const unsigned char *)buf);
		pthread_mutex_unlock(&ad_lock);
		return decode_error(out, "avro, schema id %u, at byte %zu: %s", (unsigned)id, at, in.why);
	}
	avro_value_t v;
	int rc = KCON_DECODE_ERROR;
	if (avro_generic_value_new(e->iface, &v) != 0) {
		pthread_mutex_unlock(&ad_lock);
		return decode_error(out, "avro: libavro: %s", avro_strerror());
	}
	avro_reader_t r = avro_reader_memory((const char *)buf + 5, (int64_t)(len - 5));
	if (avro_value_read(r, &v) != 0) {
		decode_error(out, "avro, schema id %u: libavro: %s", (unsigned)id, avro_strerror());
	} else {
		struct dbuf b = { .max = AD_MAX_OUT };
		if (ad_render(e->json, &e->nm, "", &v, &b, 0) == 0 && !b.over) {
			rc = dbuf_emit(&b, out, KCON_DECODE_JSON);
		} else if (b.over) {
			free(b.buf);
			decode_error(out,
				     "avro, schema id %u: the record's JSON would be larger than %u MiB; not shown",
				     (unsigned)id, AD_MAX_OUT >> 20);
		} else {
			free(b.buf);
			decode_error(out, "avro, schema id %u: the record does not follow its schema", (unsigned)id);
		}
	}
	avro_reader_free(r);
	avro_value_decref(&v);
	pthread_mutex_unlock(&ad_lock);
	return rc;
}

/* At dlclose (kcon_plugin_unload_all): the cached schemas go. */
__attribute__((destructor)) static void ad_unload(void)
{
	for (size_t i = 0; i < ad_ncache; i++)
		ad_entry_free(&ad_cache[i]);
	free(ad_cache);
	ad_cache = NULL;
	ad_ncache = 0;
}

static const struct kcon_decoder ad_decoder = {
	.name = "avro",
	.help = "Avro in the Schema Registry wire format, with libavro, to JSON (logical types readable)",
	.decode = ad_decode,
};

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	ad_host = host;
	if (host->register_decoder(host, &ad_decoder) != 0) {
		snprintf(err, errlen, "cannot register the avro decoder");
		return -1;
	}
	return 0;
}
