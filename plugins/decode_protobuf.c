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
 * the schema's field names are not used (no .proto parser: docs/plugins.md). A value not starting
 * with byte 0 is decoded as a bare message (a message cannot start with 0: field number 0 is not valid).
 */
#include "decode_util.h"

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

/* Skips the wire format's message indexes; 0, or -1 with *why. */
static int pb_skip_indexes(const unsigned char **p, const unsigned char *end, const char **why)
{
	uint64_t count;
	if (pb_varint(p, end, &count, why) < 0)
		return -1;
	count = (count >> 1) ^ (~(count & 1) + 1); /* zig-zag */
	if (count > 64 || (int64_t)count < 0) {
		*why = "the message-index count is negative or above 64";
		return -1;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t skip;
		if (pb_varint(p, end, &skip, why) < 0)
			return -1;
	}
	return 0;
}

static int protobuf_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	const unsigned char *p = buf, *end = p + len;
	uint32_t id = 0;
	const char *why = NULL;
	bool wire = decode_wire_header(p, len, &id);
	if (wire) {
		p += 5;
		if (pb_skip_indexes(&p, end, &why) < 0)
			return decode_error(out, "protobuf, schema id %u: the message indexes: %s", (unsigned)id, why);
	} else if (len > 0 && p[0] == 0) {
		return decode_error(out, "protobuf: magic byte 0 but shorter than the 5-byte wire-format header");
	}
	struct dbuf b = { 0 };
	if (pb_message(&b, p, (size_t)(end - p), 0, 0, &why) < 0) {
		free(b.buf);
		if (wire)
			return decode_error(out, "protobuf, schema id %u, at byte %zu: %s", (unsigned)id,
					    (size_t)(p - (const unsigned char *)buf), why);
		return decode_error(out, "protobuf: %s", why);
	}
	return dbuf_emit(&b, out, KCON_DECODE_JSON);
}

static const struct kcon_decoder protobuf = {
	.name = "protobuf",
	.help = "Protocol Buffers by field number and wire type (as protoc --decode_raw), wire format or bare",
	.decode = protobuf_decode,
};

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
	if (host->register_decoder(host, &protobuf) != 0) {
		snprintf(err, errlen, "cannot register the protobuf decoder");
		return -1;
	}
	return 0;
}
