/*
 * A bundled decoder: Protocol Buffers without the .proto, by field numbers and wire types, as
 * `protoc --decode_raw` does, to JSON: {"1": 150, "2": "text", "3": {"1": ...}}. A field seen more
 * than once becomes an array. A length-delimited field is shown as text when it is UTF-8 without
 * control characters, else as a nested message when it parses as one (a guess, up to PB_MAX_DEPTH
 * levels), else as text when it is UTF-8, else as hex bytes ("0x0a0b"); empty as "". Varints above 2^63 - 1 and fixed64
 * are shown as decimal strings.
 *
 * The Schema Registry wire format (magic byte 0, a 4-byte schema id, then the message indexes: a
 * zig-zag varint count and that many zig-zag varints, a lone 0 meaning [0]) is read and skipped;
 * the message indexes pick the message in the schema. When the schema is PROTOBUF and its .proto
 * text parses (protoschema.c), the message is decoded with its names and declared types (pb_named:
 * the proto3 JSON mapping, see docs/plugins.md); fields the schema does not know keep the raw form.
 * When the text does not parse, or the indexes name no message of it, the raw form carries a
 * "_kcon_note" saying why. A value not starting with byte 0 is decoded as a bare message (a message
 * cannot start with 0: field number 0 is not valid), by numbers.
 */
#include <math.h>
#include <pthread.h>

#include "decode_util.h"
#include "protoschema.h"

#ifdef KCON_PLUGIN_BUILTIN
#define kcon_plugin_init kcon_builtin_protobuf_init
#else
const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;
#endif
int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen);

#define PB_MAX_DEPTH  32   /* nested messages guessed; deeper ones are shown as bytes */
#define PB_MAX_FIELDS 4096 /* fields of one message shown; a longer one is an error */

struct pb_field {
	uint64_t num;
	int wire;
	uint64_t v;             /* varint, fixed32, fixed64 */
	const unsigned char *p; /* length-delimited or group: the bytes */
	size_t n;
};

/* A varint at *p (< end): 0 with *v, or -1 (past the end, or longer than 10 bytes / 64 bits). */
static int pb_varint(const unsigned char **p, const unsigned char *end, uint64_t *v, const char **why)
{
	uint64_t r = 0;
	for (int i = 0; i < 10; i++) {
		if (*p >= end) {
			*why = "a varint runs past the end";
			return -1;
		}
		unsigned char c = *(*p)++;
		if (i == 9 && c > 1) {
			*why = "a varint is longer than 64 bits";
			return -1;
		}
		r |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			*v = r;
			return 0;
		}
	}
	*why = "a varint is longer than 10 bytes";
	return -1;
}

/* Splits [p, end) into fields; 0, or -1 with *why. With group, stops at its END_GROUP (*p after it). */
static int pb_fields(const unsigned char **pp, const unsigned char *end, uint64_t group, struct pb_field **out,
		     size_t *nout, const char **why, int depth)
{
	const unsigned char *p = *pp;
	struct pb_field *f = NULL;
	size_t n = 0;
	while (p < end) {
		uint64_t key;
		if (pb_varint(&p, end, &key, why) < 0)
			goto fail;
		struct pb_field x = { .num = key >> 3, .wire = (int)(key & 7) };
		if (x.num == 0 || x.num > 536870911) {
			*why = "a field number is 0 or above 2^29 - 1";
			goto fail;
		}
		if (x.wire == 4) {
			if (x.num != group) {
				*why = "an end-group without its start";
				goto fail;
			}
			*pp = p;
			*out = f, *nout = n;
			return 0;
		}
		switch (x.wire) {
		case 0:
			if (pb_varint(&p, end, &x.v, why) < 0)
				goto fail;
			break;
		case 1:
		case 5: {
			size_t w = x.wire == 1 ? 8 : 4;
			if ((size_t)(end - p) < w) {
				*why = "a fixed-size field runs past the end";
				goto fail;
			}
			x.v = 0;
			for (size_t i = 0; i < w; i++)
				x.v |= (uint64_t)p[i] << (8 * i);
			p += w;
			break;
		}
		case 2: {
			uint64_t len;
			if (pb_varint(&p, end, &len, why) < 0)
				goto fail;
			if (len > (uint64_t)(end - p)) {
				*why = "a length runs past the end";
				goto fail;
			}
			x.p = p, x.n = (size_t)len;
			p += len;
			break;
		}
		case 3: {
			if (depth >= PB_MAX_DEPTH) {
				*why = "groups nested too deep";
				goto fail;
			}
			struct pb_field *inner = NULL;
			size_t ninner = 0;
			const unsigned char *start = p;
			if (pb_fields(&p, end, x.num, &inner, &ninner, why, depth + 1) < 0)
				goto fail;
			free(inner);
			x.p = start, x.n = (size_t)(p - start); /* the group's fields and its end tag */
			break;
		}
		default:
			*why = "an unknown wire type (6 or 7)";
			goto fail;
		}
		if (n == PB_MAX_FIELDS) {
			*why = "more than 4096 fields in one message";
			goto fail;
		}
		struct pb_field *nf = realloc(f, (n + 1) * sizeof(*f));
		if (nf == NULL) {
			*why = "out of memory";
			goto fail;
		}
		f = nf;
		f[n++] = x;
	}
	if (group) {
		*why = "a group without its end";
		goto fail;
	}
	*pp = p;
	*out = f, *nout = n;
	return 0;
fail:
	free(f);
	return -1;
}

static void pb_uint(struct dbuf *b, uint64_t v)
{
	if (v > INT64_MAX)
		dbuf_addf(b, "\"%llu\"", (unsigned long long)v);
	else
		dbuf_addf(b, "%llu", (unsigned long long)v);
}

static int pb_message(struct dbuf *b, const unsigned char *p, size_t n, uint64_t group, int depth, const char **why);

static void pb_value(struct dbuf *b, const struct pb_field *f, int depth)
{
	const char *why;
	switch (f->wire) {
	case 0:
	case 1:
		pb_uint(b, f->v);
		return;
	case 5:
		dbuf_addf(b, "%lu", (unsigned long)f->v);
		return;
	case 3: {
		size_t mark = b->len;
		if (pb_message(b, f->p, f->n, f->num, depth + 1, &why) == 0)
			return;
		b->len = mark; /* cannot happen: it parsed before */
		dbuf_add(b, "null");
		return;
	}
	default:
		break;
	}
	bool plain = true; /* printable, not even a newline: text, though it may parse as a message ("hi") */
	for (size_t i = 0; i < f->n && plain; i++)
		plain = f->p[i] >= 0x20 && f->p[i] != 0x7f;
	if ((plain && dbuf_is_text(f->p, f->n)) || f->n == 0) {
		dbuf_json_text(b, f->p, f->n);
		return;
	}
	if (depth < PB_MAX_DEPTH) {
		size_t mark = b->len;
		if (pb_message(b, f->p, f->n, 0, depth + 1, &why) == 0)
			return;
		b->len = mark;
		if (b->buf)
			b->buf[mark] = '\0';
	}
	if (dbuf_is_text(f->p, f->n)) {
		dbuf_json_text(b, f->p, f->n);
		return;
	}
	dbuf_add(b, "\"0x");
	for (size_t i = 0; i < f->n; i++)
		dbuf_addf(b, "%02x", f->p[i]);
	dbuf_add(b, "\"");
}

/* Appends the message in [p, p+n) (a group's fields when group is its number) as a JSON object. */
static int pb_message(struct dbuf *b, const unsigned char *p, size_t n, uint64_t group, int depth, const char **why)
{
	struct pb_field *f;
	size_t nf;
	const unsigned char *q = p;
	if (pb_fields(&q, p + n, group, &f, &nf, why, depth) < 0)
		return -1;
	dbuf_add(b, "{");
	bool *done = calloc(nf ? nf : 1, sizeof(*done));
	if (done == NULL) {
		free(f);
		*why = "out of memory";
		return -1;
	}
	bool first = true;
	for (size_t i = 0; i < nf; i++) {
		if (done[i])
			continue;
		size_t count = 0;
		for (size_t j = i; j < nf; j++)
			count += f[j].num == f[i].num;
		dbuf_addf(b, "%s\"%llu\":", first ? "" : ",", (unsigned long long)f[i].num);
		first = false;
		if (count > 1)
			dbuf_add(b, "[");
		bool firstv = true;
		for (size_t j = i; j < nf; j++) {
			if (f[j].num != f[i].num)
				continue;
			done[j] = true;
			if (!firstv)
				dbuf_add(b, ",");
			firstv = false;
			pb_value(b, &f[j], depth);
		}
		if (count > 1)
			dbuf_add(b, "]");
	}
	dbuf_add(b, "}");
	free(done);
	free(f);
	return 0;
}

#define PB_MAX_INDEXES 64 /* message indexes of the wire format */

/* Reads the wire format's message indexes into path (*n of them); 0, or -1 with *why. */
static int pb_read_indexes(const unsigned char **p, const unsigned char *end, int64_t *path, size_t *n,
			   const char **why)
{
	uint64_t count;
	if (pb_varint(p, end, &count, why) < 0)
		return -1;
	count = (count >> 1) ^ (~(count & 1) + 1); /* zig-zag */
	if (count > PB_MAX_INDEXES || (int64_t)count < 0) {
		*why = "the message-index count is negative or above 64";
		return -1;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t v;
		if (pb_varint(p, end, &v, why) < 0)
			return -1;
		path[i] = (int64_t)((v >> 1) ^ (~(v & 1) + 1));
	}
	*n = (size_t)count;
	return 0;
}

/* -- Decoding with the schema's names ---------------------------------------------------------- */

#define PB_NAMED_DEPTH 64 /* messages nested in a named decode; deeper is an error */
/* The most bytes a record's JSON with names takes, its output and every map key and value built on the
 * way drawing from this one budget (dbuf.left): an enum's name for each byte, in maps within maps,
 * could make a small record huge. Used up, the decode stops with an error. */
#define PB_MAX_OUT (32u << 20)
#define PB_OVER    "the record's JSON would be larger than 32 MiB"
_Static_assert(PB_MAX_OUT == 32u << 20, "PB_OVER says 32 MiB");

struct pb_named {
	const struct protoschema *s;
	const char *why;
};

static int pb_named_message(struct pb_named *nd, struct dbuf *b, int mi, const unsigned char *p, size_t n, int depth);

/* The wire type a field of type t has, unpacked. */
static int pb_wire_of(enum ps_type t)
{
	switch (t) {
	case PS_DOUBLE:
	case PS_FIXED64:
	case PS_SFIXED64:
		return 1;
	case PS_FLOAT:
	case PS_FIXED32:
	case PS_SFIXED32:
		return 5;
	case PS_STRING:
	case PS_BYTES:
	case PS_MESSAGE:
		return 2;
	case PS_UNRESOLVED:
		return -1; /* any */
	default:
		return 0;
	}
}

static void pb_base64(struct dbuf *b, const unsigned char *p, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	dbuf_add(b, "\"");
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v =
			(uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { a[v >> 18], a[(v >> 12) & 63], i + 1 < n ? a[(v >> 6) & 63] : '=',
			      i + 2 < n ? a[v & 63] : '=' };
		dbuf_addn(b, q, 4);
	}
	dbuf_add(b, "\"");
}

/* A float or double as the shortest JSON number that reads back as the same value; "NaN",
 * "Infinity", "-Infinity" as strings (the proto3 JSON mapping). */
static void pb_real(struct dbuf *b, double v, bool single)
{
	if (isnan(v)) {
		dbuf_add(b, "\"NaN\"");
		return;
	}
	if (isinf(v)) {
		dbuf_add(b, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
		return;
	}
	char tmp[40];
	for (int prec = single ? 6 : 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (single ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v)
			break;
	}
	dbuf_add(b, tmp);
}

/* One scalar value of type t from a varint or fixed value v (wire types 0, 1, 5). */
static void pb_named_scalar(struct pb_named *nd, struct dbuf *b, const struct ps_field *f, enum ps_type t, uint64_t v)
{
	switch (t) {
	case PS_INT32:
		dbuf_addf(b, "%ld", (long)(int32_t)(uint32_t)v);
		return;
	case PS_SFIXED32:
		dbuf_addf(b, "%ld", (long)(int32_t)(uint32_t)v);
		return;
	case PS_UINT32:
	case PS_FIXED32:
		dbuf_addf(b, "%lu", (unsigned long)(uint32_t)v);
		return;
	case PS_SINT32: {
		uint32_t u = (uint32_t)v;
		dbuf_addf(b, "%ld", (long)(int32_t)((u >> 1) ^ (~(u & 1) + 1)));
		return;
	}
	case PS_INT64:
	case PS_SFIXED64:
		dbuf_addf(b, "\"%lld\"", (long long)(int64_t)v);
		return;
	case PS_SINT64:
		dbuf_addf(b, "\"%lld\"", (long long)(int64_t)((v >> 1) ^ (~(v & 1) + 1)));
		return;
	case PS_UINT64:
	case PS_FIXED64:
		dbuf_addf(b, "\"%llu\"", (unsigned long long)v);
		return;
	case PS_BOOL:
		dbuf_add(b, v ? "true" : "false");
		return;
	case PS_FLOAT: {
		uint32_t u = (uint32_t)v;
		float x;
		memcpy(&x, &u, sizeof(x));
		pb_real(b, x, true);
		return;
	}
	case PS_DOUBLE: {
		double x;
		memcpy(&x, &v, sizeof(x));
		pb_real(b, x, false);
		return;
	}
	case PS_ENUM: {
		int32_t e = (int32_t)(uint32_t)v;
		const char *name = f && f->ref >= 0 ? protoschema_enum_name(&nd->s->enums[f->ref], e) : NULL;
		if (name)                                                        /* an identifier: nothing to escape */
			dbuf_add(b, "\""), dbuf_add(b, name), dbuf_add(b, "\""); /* not dbuf_addf: any length */
		else
			dbuf_addf(b, "%ld", (long)e); /* a value the schema does not name, as the mapping says */
		return;
	}
	default:
		pb_uint(b, v);
		return;
	}
}

/* The value of one occurrence w of field f, of type t (a map's key or value when it is one). */
static int pb_named_value(struct pb_named *nd, struct dbuf *b, const struct ps_field *f, enum ps_type t,
			  const struct pb_field *w, int depth)
{
	switch (t) {
	case PS_STRING:
		if (dbuf_utf8_valid(w->p, w->n, true) /* a string field may hold controls */)
			dbuf_json_text(b, w->p, w->n);
		else
			dbuf_json_string(b, w->p, w->n); /* not UTF-8: bytes as code points */
		return 0;
	case PS_BYTES:
		pb_base64(b, w->p, w->n);
		return 0;
	case PS_MESSAGE:
		return pb_named_message(nd, b, f->ref, w->p, w->n, depth + 1);
	case PS_UNRESOLVED:
		pb_value(b, w, depth < PB_MAX_DEPTH ? depth : PB_MAX_DEPTH);
		return 0;
	default:
		pb_named_scalar(nd, b, f, t, w->v);
		return 0;
	}
}

/* The elements of a packed repeated scalar field, into an array being written (*first: none yet). */
static int pb_named_packed(struct pb_named *nd, struct dbuf *b, const struct ps_field *f, const struct pb_field *w,
			   bool *first)
{
	const unsigned char *p = w->p, *end = w->p + w->n;
	int wt = pb_wire_of(f->type);
	while (p < end) {
		uint64_t v = 0;
		if (wt == 0) {
			if (pb_varint(&p, end, &v, &nd->why) < 0)
				return -1;
		} else {
			size_t k = wt == 1 ? 8 : 4;
			if ((size_t)(end - p) < k) {
				nd->why = "a packed field's length is not a multiple of its elements' size";
				return -1;
			}
			for (size_t i = 0; i < k; i++)
				v |= (uint64_t)p[i] << (8 * i);
			p += k;
		}
		if (!*first)
			dbuf_add(b, ",");
		*first = false;
		pb_named_scalar(nd, b, f, f->type, v);
		if (b->over) { /* the budget is used up: no need to read the rest */
			nd->why = PB_OVER;
			return -1;
		}
	}
	return 0;
}

/* Whether occurrence w fits field f: its unpacked wire type, or a packed run of a repeated scalar. */
static bool pb_named_fits(const struct ps_field *f, const struct pb_field *w)
{
	if (f->map)
		return w->wire == 2;
	int wt = pb_wire_of(f->type);
	if (wt < 0)
		return w->wire != 3;
	return w->wire == wt || (f->repeated && w->wire == 2 && wt != 2);
}

/* A map field's entries (the occurrences of f in fs) as a JSON object; a later entry with the same
 * key replaces an earlier one, as in protobuf. */
static int pb_named_map(struct pb_named *nd, struct dbuf *b, const struct ps_field *f, const struct pb_field *fs,
			size_t nf, int depth)
{
	size_t n = 0;
	for (size_t i = 0; i < nf; i++)
		n += fs[i].num == f->number;
	struct dbuf *kv = calloc(2 * (n ? n : 1), sizeof(*kv)); /* each entry's key and value */
	if (kv == NULL) {
		nd->why = "out of memory";
		return -1;
	}
	for (size_t i = 0; i < 2 * n; i++)
		kv[i].max = PB_MAX_OUT, kv[i].left = b->left; /* the output's budget, not one of their own */
	int rc = 0;
	size_t e = 0;
	for (size_t i = 0; i < nf && rc == 0; i++) {
		if (fs[i].num != f->number)
			continue;
		struct pb_field *ef = NULL;
		size_t nef = 0;
		const unsigned char *q = fs[i].p;
		if (pb_fields(&q, fs[i].p + fs[i].n, 0, &ef, &nef, &nd->why, depth) < 0) {
			rc = -1;
			break;
		}
		const struct pb_field *k = NULL, *v = NULL;
		int vw = pb_wire_of(f->type);
		for (size_t j = 0; j < nef; j++) {
			if (ef[j].num == 1 && ef[j].wire == pb_wire_of(f->key))
				k = &ef[j];
			else if (ef[j].num == 2 && (vw < 0 ? ef[j].wire != 3 : ef[j].wire == vw))
				v = &ef[j];
		}
		struct pb_field zero = { .wire = vw < 0 ? 0 : vw, .p = (const unsigned char *)"", .n = 0 };
		if (f->key == PS_STRING && k && memchr(k->p, 0, k->n)) {
			/* JSON allows U+0000 in a key, jansson (kcon's reader) does not: shown as U+2400 */
			struct dbuf key = { .left = b->left };
			for (size_t j = 0; j < k->n; j++)
				dbuf_addn(&key, k->p[j] ? (const char *)&k->p[j] : "\xe2\x90\x80", k->p[j] ? 1 : 3);
			struct pb_field kk = { .wire = 2,
					       .p = (const unsigned char *)(key.buf ? key.buf : ""),
					       .n = key.len };
			pb_named_value(nd, &kv[2 * e], f, PS_STRING, &kk, depth);
			if (key.oom)
				kv[2 * e].oom = true;
			free(key.buf);
		} else if (f->key == PS_STRING) {
			pb_named_value(nd, &kv[2 * e], f, PS_STRING, k ? k : &zero, depth);
		} else { /* integers and bools become strings: JSON's keys are */
			struct dbuf num = { 0 };
			pb_named_scalar(nd, &num, NULL, f->key, k ? k->v : 0);
			const char *t = num.buf ? num.buf : "0";
			size_t tl = strlen(t);
			if (tl >= 2 && t[0] == '"') /* 64-bit: quoted already */
				dbuf_addn(&kv[2 * e], t, tl);
			else
				dbuf_add(&kv[2 * e], "\""), dbuf_addn(&kv[2 * e], t, tl), dbuf_add(&kv[2 * e], "\"");
			free(num.buf);
		}
		if (v == NULL && f->type == PS_MESSAGE)
			dbuf_add(&kv[2 * e + 1], "{}"); /* absent: the type's default */
		else
			rc = pb_named_value(nd, &kv[2 * e + 1], f, f->type == PS_UNRESOLVED && !v ? PS_INT32 : f->type,
					    v ? v : &zero, depth);
		free(ef);
		e++;
		if (kv[2 * e - 2].over || kv[2 * e - 1].over) { /* the budget is used up: stop now */
			b->over = true;
			nd->why = PB_OVER;
			rc = -1;
		}
	}
	if (rc == 0) {
		dbuf_add(b, "{");
		bool first = true;
		for (size_t i = 0; i < e; i++) {
			bool later = false; /* the same key again later: this one is replaced */
			for (size_t j = i + 1; j < e && !later; j++)
				later = kv[2 * i].len == kv[2 * j].len &&
					(kv[2 * i].len == 0 ||
					 memcmp(kv[2 * i].buf, kv[2 * j].buf, kv[2 * i].len) == 0);
			if (later)
				continue;
			if (!first)
				dbuf_add(b, ",");
			first = false;
			dbuf_addn(b, kv[2 * i].buf ? kv[2 * i].buf : "\"\"", kv[2 * i].buf ? kv[2 * i].len : 2);
			dbuf_add(b, ":");
			dbuf_addn(b, kv[2 * i + 1].buf ? kv[2 * i + 1].buf : "null",
				  kv[2 * i + 1].buf ? kv[2 * i + 1].len : 4);
		}
		dbuf_add(b, "}");
	}
	for (size_t i = 0; i < 2 * e; i++) {
		if (kv[i].oom)
			b->oom = true;
		if (kv[i].over)
			b->over = true;
		free(kv[i].buf);
	}
	free(kv);
	return rc;
}

/* Message mi of the schema in [p, p+n) as a JSON object keyed by field names; fields the schema does
 * not have (or whose wire type is not the declared type's) by number, in the raw form. */
static int pb_named_message(struct pb_named *nd, struct dbuf *b, int mi, const unsigned char *p, size_t n, int depth)
{
	if (depth > PB_NAMED_DEPTH) {
		nd->why = "messages nested deeper than 64 levels";
		return -1;
	}
	const struct ps_message *m = &nd->s->msgs[mi];
	struct pb_field *fs;
	size_t nf;
	const unsigned char *q = p;
	if (pb_fields(&q, p + n, 0, &fs, &nf, &nd->why, depth) < 0)
		return -1;
	bool *done = calloc(nf ? nf : 1, sizeof(*done));
	if (done == NULL) {
		free(fs);
		nd->why = "out of memory";
		return -1;
	}
	int rc = 0;
	bool first = true;
	dbuf_add(b, "{");
	for (size_t i = 0; i < nf && rc == 0 && !b->over; i++) {
		if (done[i])
			continue;
		const struct ps_field *f = protoschema_field(m, (uint32_t)fs[i].num);
		size_t count = 0;
		bool fits = f != NULL;
		for (size_t j = i; j < nf; j++)
			if (fs[j].num == fs[i].num) {
				count++;
				done[j] = true;
				fits = fits && pb_named_fits(f, &fs[j]);
			}
		if (!first)
			dbuf_add(b, ",");
		first = false;
		if (!fits) { /* unknown to the schema, or not its declared type: by number, as without one */
			dbuf_addf(b, "\"%llu\":", (unsigned long long)fs[i].num);
			if (count > 1)
				dbuf_add(b, "[");
			bool firstv = true;
			for (size_t j = i; j < nf; j++) {
				if (fs[j].num != fs[i].num)
					continue;
				if (!firstv)
					dbuf_add(b, ",");
				firstv = false;
				pb_value(b, &fs[j], depth < PB_MAX_DEPTH ? depth : PB_MAX_DEPTH);
			}
			if (count > 1)
				dbuf_add(b, "]");
			continue;
		}
		dbuf_add(b, "\""), dbuf_add(b, f->name), dbuf_add(b, "\":"); /* an identifier: nothing to escape */
		if (f->map) {
			rc = pb_named_map(nd, b, f, fs + i, nf - i, depth);
		} else if (f->repeated) {
			dbuf_add(b, "[");
			bool firstv = true;
			for (size_t j = i; j < nf && rc == 0 && !b->over; j++) {
				if (fs[j].num != fs[i].num)
					continue;
				if (fs[j].wire == 2 && pb_wire_of(f->type) != 2 && f->type != PS_UNRESOLVED) {
					rc = pb_named_packed(nd, b, f, &fs[j], &firstv);
					continue;
				}
				if (!firstv)
					dbuf_add(b, ",");
				firstv = false;
				rc = pb_named_value(nd, b, f, f->type, &fs[j], depth);
			}
			dbuf_add(b, "]");
		} else { /* a singular field seen more than once: the last one, as protobuf keeps */
			size_t last = i;
			for (size_t j = i; j < nf; j++)
				if (fs[j].num == fs[i].num)
					last = j;
			rc = pb_named_value(nd, b, f, f->type, &fs[last], depth);
		}
	}
	dbuf_add(b, "}");
	free(done);
	free(fs);
	return rc;
}

/* -- The schemas, parsed once ------------------------------------------------------------------ */

#define PB_CACHE 64 /* parsed schemas kept: a new one replaces the oldest */

struct pb_cached {
	bool used;
	uint32_t id;
	char *text;            /* the schema text it was parsed from (an id may mean another after `profile`) */
	size_t len;            /* its length */
	uint64_t hash;         /* and hash (pb_hash): compared before the text, which may be 16 MiB */
	struct protoschema *s; /* or NULL: */
	char why[256];         /* why it did not parse */
};

static const struct kcon_host *pb_host;
static pthread_mutex_t pb_lock = PTHREAD_MUTEX_INITIALIZER; /* the cache, and a decode that uses it */
static struct pb_cached pb_cache[PB_CACHE];
static size_t pb_cache_next;

/* text's length (in *len) and 64-bit FNV-1a hash: taken before pb_lock, so that finding a schema in
 * the cache compares whole texts only when their lengths and hashes match. */
static uint64_t pb_hash(const char *text, size_t *len)
{
	uint64_t h = 14695981039346656037u;
	const unsigned char *p = (const unsigned char *)text;
	for (; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	*len = (size_t)(p - (const unsigned char *)text);
	return h;
}

/* The parsed schema of id (text, of len and hash: pb_hash), from the cache or parsed now; with
 * pb_lock held. */
static struct pb_cached *pb_schema(uint32_t id, const char *text, size_t len, uint64_t hash)
{
	for (size_t i = 0; i < PB_CACHE; i++)
		if (pb_cache[i].used && pb_cache[i].id == id && pb_cache[i].len == len && pb_cache[i].hash == hash &&
		    memcmp(pb_cache[i].text, text, len) == 0)
			return &pb_cache[i];
	char *copy = malloc(len + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, text, len + 1);
	struct pb_cached *c = &pb_cache[pb_cache_next];
	pb_cache_next = (pb_cache_next + 1) % PB_CACHE;
	if (c->used) {
		free(c->text);
		protoschema_free(c->s);
	}
	*c = (struct pb_cached){ .used = true, .id = id, .text = copy, .len = len, .hash = hash };
	c->s = protoschema_parse(text, c->why, sizeof(c->why));
	return c;
}

/* Frees the parsed schemas when kcon unloads the plugin (or exits). */
__attribute__((destructor)) static void pb_cache_free(void)
{
	for (size_t i = 0; i < PB_CACHE; i++)
		if (pb_cache[i].used) {
			free(pb_cache[i].text);
			protoschema_free(pb_cache[i].s);
			pb_cache[i].used = false;
		}
}

/* Appends "_kcon_note": why (escaped) as the first key of the raw object in b from mark on. */
static void pb_note(struct dbuf *b, size_t mark, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pb_note(struct dbuf *b, size_t mark, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (b->oom || b->len <= mark || b->buf[mark] != '{')
		return;
	struct dbuf rest = { 0 };
	dbuf_addn(&rest, b->buf + mark + 1, b->len - mark - 1);
	b->len = mark;
	dbuf_add(b, "{\"_kcon_note\":");
	dbuf_json_string(b, (const unsigned char *)why, strlen(why));
	if (rest.len > 1) /* not "}": fields follow */
		dbuf_add(b, ",");
	dbuf_addn(b, rest.buf, rest.len);
	if (rest.oom)
		b->oom = true;
	free(rest.buf);
}

static int protobuf_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	const unsigned char *p = buf, *end = p + len;
	uint32_t id = 0;
	const char *why = NULL;
	int64_t path[PB_MAX_INDEXES];
	size_t npath = 0;
	bool wire = decode_wire_header(p, len, &id);
	if (wire) {
		p += 5;
		if (pb_read_indexes(&p, end, path, &npath, &why) < 0)
			return decode_error(out, "protobuf, schema id %u: the message indexes: %s", (unsigned)id, why);
	} else if (len > 0 && p[0] == 0) {
		return decode_error(out, "protobuf: magic byte 0 but shorter than the 5-byte wire-format header");
	}
	size_t at = (size_t)(p - (const unsigned char *)buf);
	struct dbuf b = { 0 };
	char note[400] = "";
	if (wire) { /* the schema's names, when it is a .proto that parses */
		const char *type, *schema;
		char err[256];
		if (decode_schema(pb_host, id, &type, &schema, err, sizeof(err)) == 0) {
			bool proto = strcmp(type, "PROTOBUF") == 0;
			size_t slen = 0;
			uint64_t shash = proto ? pb_hash(schema, &slen) : 0;
			pthread_mutex_lock(&pb_lock);
			struct pb_cached *c = proto ? pb_schema(id, schema, slen, shash) : NULL;
			int mi = c && c->s ? protoschema_message_at(c->s, path, npath) : -1;
			if (mi >= 0) {
				struct pb_named nd = { .s = c->s };
				size_t left = PB_MAX_OUT; /* shared by b and every map key and value */
				b.max = PB_MAX_OUT, b.left = &left;
				int rc = pb_named_message(&nd, &b, mi, p, (size_t)(end - p), 0);
				pthread_mutex_unlock(&pb_lock);
				if (b.over) {
					free(b.buf);
					return decode_error(out,
							    "protobuf, schema id %u: " PB_OVER
							    " (its map keys and values built on the way count); "
							    "not shown",
							    (unsigned)id);
				}
				if (rc < 0) {
					free(b.buf);
					return decode_error(out, "protobuf, schema id %u, message %s: %s", (unsigned)id,
							    c->s->msgs[mi].name, nd.why);
				}
				return dbuf_emit(&b, out, KCON_DECODE_JSON);
			}
			if (strcmp(type, "PROTOBUF") != 0)
				snprintf(note, sizeof(note), "field names not used: schema id %u is %s, not PROTOBUF",
					 (unsigned)id, type);
			else if (c == NULL)
				snprintf(note, sizeof(note), "field names not used: out of memory");
			else if (c->s == NULL)
				snprintf(note, sizeof(note), "field names not used: the .proto of schema id %u: %s",
					 (unsigned)id, c->why);
			else
				snprintf(note, sizeof(note),
					 "field names not used: the message indexes name no message of schema id %u",
					 (unsigned)id);
			pthread_mutex_unlock(&pb_lock);
		} /* no schema at hand (no registry, an unknown id): by numbers, as without a registry */
	}
	if (pb_message(&b, p, (size_t)(end - p), 0, 0, &why) < 0) {
		free(b.buf);
		if (wire)
			return decode_error(out, "protobuf, schema id %u, at byte %zu: %s", (unsigned)id, at, why);
		return decode_error(out, "protobuf: %s", why);
	}
	if (note[0])
		pb_note(&b, 0, "%s", note);
	return dbuf_emit(&b, out, KCON_DECODE_JSON);
}

static const struct kcon_decoder protobuf = {
	.name = "protobuf",
	.help = "Protocol Buffers: field names from the registry's .proto, else by number (as protoc --decode_raw)",
	.decode = protobuf_decode,
};

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	pb_host = host;
	if (host->register_decoder(host, &protobuf) != 0) {
		snprintf(err, errlen, "cannot register the protobuf decoder");
		return -1;
	}
	return 0;
}
