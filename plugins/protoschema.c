/*
 * The .proto parser of the protobuf decoder (protoschema.h): a tokenizer over the untrusted text,
 * a recursive-descent parser bounded to PROTOSCHEMA_MAX_DEPTH levels of messages, and a pass that
 * resolves type names by protobuf's scoping (innermost scope first, a leading dot for a full name).
 */
#include "protoschema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PS_MAX_DEFS 20000 /* messages + enums + fields + enum values: a larger schema is refused */
/* A full name's length, and any name's: with PS_MAX_DEFS, bounds the time resolving takes, and what an
 * enum's value (one byte of a record) becomes in JSON. */
#define PS_MAX_NAME   512
#define PS_MAX_NUMBER 536870911u

enum ps_tok { T_EOF, T_IDENT, T_NUMBER, T_STRING, T_SYM, T_ERR };

struct ps_parser {
	const char *p;
	int line;
	enum ps_tok tok; /* the current token */
	const char *t;   /* its text */
	size_t tn;
	int tline;
	char *err;
	size_t errlen;
	bool failed;
	size_t ndefs;
	struct protoschema *s;
	char *package;
};

__attribute__((format(printf, 2, 3))) static void ps_fail(struct ps_parser *x, const char *fmt, ...)
{
	if (x->failed)
		return;
	x->failed = true;
	int n = snprintf(x->err, x->errlen, "line %d: ", x->tline);
	if (n < 0 || (size_t)n >= x->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static bool ps_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Reads the next token into x->tok; T_ERR (and x->failed) on an unterminated comment or string. */
static void ps_next(struct ps_parser *x)
{
	if (x->failed) {
		x->tok = T_ERR;
		return;
	}
	const char *p = x->p;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v')
			x->line += *p++ == '\n';
		if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			int start = x->line;
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/'))
				x->line += *p++ == '\n';
			if (!*p) {
				x->tline = start;
				ps_fail(x, "a comment /* is not closed");
				x->tok = T_ERR;
				return;
			}
			p += 2;
			continue;
		}
		break;
	}
	x->t = p, x->tline = x->line;
	char c = *p;
	if (c == '\0') {
		x->tok = T_EOF, x->tn = 0;
	} else if (ps_ident_char(c) && !(c >= '0' && c <= '9')) {
		x->tok = T_IDENT;
		while (ps_ident_char(*p) || (*p == '.' && ps_ident_char(p[1])))
			p++;
	} else if (c == '.' && ps_ident_char(p[1]) && !(p[1] >= '0' && p[1] <= '9')) {
		x->tok = T_IDENT; /* a full name: .pkg.Type */
		p++;
		while (ps_ident_char(*p) || (*p == '.' && ps_ident_char(p[1])))
			p++;
	} else if ((c >= '0' && c <= '9') || (c == '.' && p[1] >= '0' && p[1] <= '9')) {
		x->tok = T_NUMBER; /* 12, 0x1f, 017, 1.5e-3: read as an integer when one is wanted */
		while (ps_ident_char(*p) || *p == '.' ||
		       ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E') &&
			!(x->t[0] == '0' && (x->t[1] | 32) == 'x')))
			p++;
	} else if (c == '"' || c == '\'') {
		x->tok = T_STRING;
		p++;
		while (*p && *p != c && *p != '\n') {
			if (*p == '\\' && p[1] && p[1] != '\n')
				p++;
			p++;
		}
		if (*p != c) {
			ps_fail(x, "a string is not closed");
			x->tok = T_ERR;
			return;
		}
		p++;
	} else {
		x->tok = T_SYM;
		p++;
	}
	x->tn = (size_t)(p - x->t);
	x->p = p;
}

static bool ps_is(const struct ps_parser *x, const char *word)
{
	return (x->tok == T_IDENT || x->tok == T_SYM) && strlen(word) == x->tn && memcmp(x->t, word, x->tn) == 0;
}

static const char *ps_what(const struct ps_parser *x, char *buf, size_t len)
{
	if (x->tok == T_EOF)
		return "the end of the schema";
	size_t n = x->tn > 40 ? 40 : x->tn;
	snprintf(buf, len, "`%.*s`", (int)n, x->t);
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?'; /* the message is shown as it is */
	return buf;
}

/* Expects the symbol or word w and reads past it; false (failed) otherwise. */
static bool ps_expect(struct ps_parser *x, const char *w)
{
	if (x->failed)
		return false;
	if (!ps_is(x, w)) {
		char b[64];
		ps_fail(x, "`%s` expected, not %s", w, ps_what(x, b, sizeof(b)));
		return false;
	}
	ps_next(x);
	return true;
}

static char *ps_strndup(struct ps_parser *x, const char *s, size_t n)
{
	char *r = malloc(n + 1);
	if (r == NULL) {
		ps_fail(x, "out of memory");
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* The current token as a name; NULL (failed) when it is not an identifier. */
static char *ps_take_ident(struct ps_parser *x, const char *what)
{
	if (x->failed)
		return NULL;
	if (x->tok != T_IDENT) {
		char b[64];
		ps_fail(x, "%s expected, not %s", what, ps_what(x, b, sizeof(b)));
		return NULL;
	}
	char *r = ps_strndup(x, x->t, x->tn);
	ps_next(x);
	return r;
}

/* The current token as the name of a definition: an identifier without dots, of at most
 * PS_MAX_NAME characters. */
static char *ps_take_name(struct ps_parser *x, const char *what)
{
	if (!x->failed && x->tok == T_IDENT && memchr(x->t, '.', x->tn) != NULL) {
		char b[64];
		ps_fail(x, "%s cannot hold a dot: %s", what, ps_what(x, b, sizeof(b)));
		return NULL;
	}
	if (!x->failed && x->tok == T_IDENT && x->tn > PS_MAX_NAME) {
		ps_fail(x, "%s %.40s... is longer than %d characters", what, x->t, PS_MAX_NAME);
		return NULL;
	}
	return ps_take_ident(x, what);
}

/* The current token as an unsigned integer (decimal, 0x hex or 0 octal) of at most max. */
static bool ps_take_uint(struct ps_parser *x, uint64_t max, uint64_t *v, const char *what)
{
	if (x->failed)
		return false;
	char b[64];
	if (x->tok != T_NUMBER) {
		ps_fail(x, "%s expected, not %s", what, ps_what(x, b, sizeof(b)));
		return false;
	}
	const char *s = x->t, *end = x->t + x->tn;
	unsigned base = 10;
	if (end - s > 1 && s[0] == '0' && (s[1] | 32) == 'x')
		base = 16, s += 2;
	else if (end - s > 1 && s[0] == '0')
		base = 8, s++;
	uint64_t r = 0;
	if (s == end)
		goto bad;
	for (; s < end; s++) {
		unsigned d;
		char c = *s;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if ((c | 32) >= 'a' && (c | 32) <= 'f')
			d = (unsigned)((c | 32) - 'a' + 10);
		else
			goto bad;
		if (d >= base)
			goto bad;
		if (r > (max - d) / base) {
			ps_fail(x, "%s %s is too large (at most %llu)", what, ps_what(x, b, sizeof(b)),
				(unsigned long long)max);
			return false;
		}
		r = r * base + d;
	}
	*v = r;
	ps_next(x);
	return true;
bad:
	ps_fail(x, "%s %s is not an integer", what, ps_what(x, b, sizeof(b)));
	return false;
}

/* Skips to the end of a statement: past its `;`, or past a balanced `{ ... }` that ends it. */
static void ps_skip_statement(struct ps_parser *x)
{
	size_t depth = 0;
	while (!x->failed) {
		if (x->tok == T_EOF) {
			ps_fail(x, "the schema ends inside a statement: a `;` or `}` is missing");
			return;
		}
		if (ps_is(x, "{") || ps_is(x, "[") || ps_is(x, "(") || ps_is(x, "<")) {
			depth++;
		} else if (ps_is(x, "}") || ps_is(x, "]") || ps_is(x, ")") || ps_is(x, ">")) {
			if (depth == 0) {
				char b[64];
				ps_fail(x, "unexpected %s", ps_what(x, b, sizeof(b)));
				return;
			}
			if (--depth == 0 && ps_is(x, "}")) {
				ps_next(x);
				if (ps_is(x, ";"))
					ps_next(x);
				return;
			}
		} else if (depth == 0 && ps_is(x, ";")) {
			ps_next(x);
			return;
		}
		ps_next(x);
	}
}

/* Skips field options: `[a = 1, (b).c = { x: 2 }]`, when there are. */
static void ps_skip_options(struct ps_parser *x)
{
	if (!ps_is(x, "["))
		return;
	size_t depth = 0;
	while (!x->failed) {
		if (x->tok == T_EOF) {
			ps_fail(x, "the schema ends inside options: a `]` is missing");
			return;
		}
		if (ps_is(x, "[") || ps_is(x, "{") || ps_is(x, "(") || ps_is(x, "<"))
			depth++;
		else if (ps_is(x, "]") || ps_is(x, "}") || ps_is(x, ")") || ps_is(x, ">")) {
			if (depth == 0) {
				ps_fail(x, "unbalanced brackets in options");
				return;
			}
			if (--depth == 0) {
				if (!ps_is(x, "]")) {
					ps_fail(x, "unbalanced brackets in options");
					return;
				}
				ps_next(x);
				return;
			}
		}
		ps_next(x);
	}
}

static bool ps_count(struct ps_parser *x)
{
	if (++x->ndefs > PS_MAX_DEFS) {
		ps_fail(x, "more than %d definitions", PS_MAX_DEFS);
		return false;
	}
	return true;
}

static bool ps_grow(struct ps_parser *x, void **arr, size_t n, size_t size)
{
	if (n && (n & (n - 1)) != 0)
		return true; /* room left: capacities are powers of two */
	void *r = realloc(*arr, (n ? 2 * n : 1) * size);
	if (r == NULL) {
		ps_fail(x, "out of memory");
		return false;
	}
	*arr = r;
	return true;
}

static char *ps_join(struct ps_parser *x, const char *scope, const char *name)
{
	size_t a = strlen(scope), b = strlen(name);
	if (a + b + 1 > PS_MAX_NAME) {
		ps_fail(x, "the full name of %.40s is longer than %d characters", name, PS_MAX_NAME);
		return NULL;
	}
	char *r = malloc(a + b + 2);
	if (r == NULL) {
		ps_fail(x, "out of memory");
		return NULL;
	}
	if (a) {
		memcpy(r, scope, a);
		r[a++] = '.';
	}
	memcpy(r + a, name, b + 1);
	return r;
}

static const struct {
	const char *name;
	enum ps_type type;
} ps_scalars[] = {
	{ "double", PS_DOUBLE },     { "float", PS_FLOAT },     { "int64", PS_INT64 },     { "uint64", PS_UINT64 },
	{ "int32", PS_INT32 },       { "fixed64", PS_FIXED64 }, { "fixed32", PS_FIXED32 }, { "bool", PS_BOOL },
	{ "string", PS_STRING },     { "bytes", PS_BYTES },     { "uint32", PS_UINT32 },   { "sfixed32", PS_SFIXED32 },
	{ "sfixed64", PS_SFIXED64 }, { "sint32", PS_SINT32 },   { "sint64", PS_SINT64 },
};

static enum ps_type ps_scalar(const char *name)
{
	for (size_t i = 0; i < sizeof(ps_scalars) / sizeof(ps_scalars[0]); i++)
		if (strcmp(ps_scalars[i].name, name) == 0)
			return ps_scalars[i].type;
	return 0;
}

/* Sets f's type from its name: a scalar, or a named type resolved later. */
static void ps_set_type(struct ps_parser *x, struct ps_field *f, char *type)
{
	if (strlen(type) > PS_MAX_NAME) {
		ps_fail(x, "a type name longer than %d characters", PS_MAX_NAME);
		free(type);
		return;
	}
	enum ps_type t = ps_scalar(type);
	if (t) {
		f->type = t;
		free(type);
		return;
	}
	f->type = PS_UNRESOLVED;
	f->type_name = type;
}

/* A field of message mi, from its type on (the label read): `TYPE NAME = N [options];`, or a map's
 * `map<K, V> NAME = N ...`. */
static void ps_field(struct ps_parser *x, int mi, bool repeated)
{
	struct ps_field f = { .repeated = repeated, .ref = -1 };
	if (ps_is(x, "group")) {
		ps_fail(x, "proto2 groups are not supported");
		return;
	}
	if (ps_is(x, "map")) {
		ps_next(x);
		if (ps_is(x, "<")) {
			if (repeated) {
				ps_fail(x, "a map field cannot be repeated");
				return;
			}
			ps_next(x);
			char *k = ps_take_ident(x, "a map's key type");
			if (k == NULL)
				return;
			f.key = ps_scalar(k);
			free(k);
			if (f.key == 0 || f.key == PS_DOUBLE || f.key == PS_FLOAT || f.key == PS_BYTES) {
				ps_fail(x, "a map's key must be an integer, bool or string type");
				return;
			}
			if (!ps_expect(x, ","))
				return;
			char *v = ps_take_ident(x, "a map's value type");
			if (v == NULL)
				return;
			ps_set_type(x, &f, v);
			if (!ps_expect(x, ">")) {
				free(f.type_name);
				return;
			}
			f.map = f.repeated = true;
		} else {
			char *t = x->failed ? NULL : ps_strndup(x, "map", 3); /* a type called map */
			if (t == NULL)
				return;
			ps_set_type(x, &f, t);
		}
	} else {
		char *type = ps_take_ident(x, "a field type");
		if (type == NULL)
			return;
		ps_set_type(x, &f, type);
	}
	uint64_t num = 0;
	if ((f.name = ps_take_name(x, "a field name")) == NULL || !ps_expect(x, "=") ||
	    !ps_take_uint(x, PS_MAX_NUMBER, &num, "a field number"))
		goto fail;
	if (num == 0) {
		ps_fail(x, "the field number of `%s` is 0", f.name);
		goto fail;
	}
	f.number = (uint32_t)num;
	ps_skip_options(x);
	if (!ps_expect(x, ";") || !ps_count(x))
		goto fail;
	struct ps_message *m = &x->s->msgs[mi]; /* a number used twice: found once sorted (ps_resolve) */
	if (f.map) {                            /* its entry message counts in the message indexes */
		if (!ps_grow(x, (void **)&m->nested, m->nnested, sizeof(int)))
			goto fail;
		m->nested[m->nnested++] = -1;
	}
	if (!ps_grow(x, (void **)&m->fields, m->nfields, sizeof(*m->fields)))
		goto fail;
	m->fields[m->nfields++] = f;
	return;
fail:
	free(f.name);
	free(f.type_name);
}

/* `enum NAME { ... }` in scope: the enum's index, or -1. */
static int ps_enum(struct ps_parser *x, const char *scope)
{
	ps_next(x); /* enum */
	char *name = ps_take_name(x, "an enum name");
	if (name == NULL)
		return -1;
	char *full = ps_join(x, scope, name);
	free(name);
	if (full == NULL || !ps_expect(x, "{") || !ps_count(x) ||
	    !ps_grow(x, (void **)&x->s->enums, x->s->nenums, sizeof(*x->s->enums))) {
		free(full);
		return -1;
	}
	int ei = (int)x->s->nenums++;
	struct ps_enum *e = &x->s->enums[ei];
	*e = (struct ps_enum){ .name = full };
	while (!x->failed && !ps_is(x, "}")) {
		if (ps_is(x, ";")) {
			ps_next(x);
		} else if (ps_is(x, "option") || ps_is(x, "reserved")) {
			ps_skip_statement(x);
		} else if (x->tok == T_IDENT) {
			struct ps_enum_value v = { .name = ps_take_name(x, "a value name") };
			bool neg = false;
			uint64_t n = 0;
			if (v.name == NULL || !ps_expect(x, "=")) {
				free(v.name);
				break;
			}
			if (ps_is(x, "-"))
				neg = true, ps_next(x);
			if (!ps_take_uint(x, neg ? 2147483648u : 2147483647u, &n, "an enum value")) {
				free(v.name);
				break;
			}
			v.number = neg ? (int32_t)(-(int64_t)n) : (int32_t)n;
			ps_skip_options(x);
			e = &x->s->enums[ei];
			if (!ps_expect(x, ";") || !ps_count(x) ||
			    !ps_grow(x, (void **)&e->values, e->nvalues, sizeof(*e->values))) {
				free(v.name);
				break;
			}
			e->values[e->nvalues++] = v;
		} else {
			char b[64];
			ps_fail(x, "unexpected %s in enum %s", ps_what(x, b, sizeof(b)), e->name);
		}
	}
	ps_expect(x, "}");
	return x->failed ? -1 : ei;
}

static int ps_message(struct ps_parser *x, const char *scope, int depth);

/* The fields of `oneof NAME { ... }` in message mi. */
static void ps_oneof(struct ps_parser *x, int mi)
{
	ps_next(x); /* oneof */
	char *name = ps_take_name(x, "a oneof name");
	free(name);
	if (name == NULL || !ps_expect(x, "{"))
		return;
	while (!x->failed && !ps_is(x, "}")) {
		if (x->tok == T_EOF)
			ps_fail(x, "the schema ends inside a oneof: a `}` is missing");
		else if (ps_is(x, ";"))
			ps_next(x);
		else if (ps_is(x, "option"))
			ps_skip_statement(x);
		else
			ps_field(x, mi, false);
	}
	ps_expect(x, "}");
}

/* `message NAME { ... }` in scope: the message's index, or -1. */
static int ps_message(struct ps_parser *x, const char *scope, int depth)
{
	if (depth >= PROTOSCHEMA_MAX_DEPTH) {
		ps_fail(x, "messages nested deeper than %d levels", PROTOSCHEMA_MAX_DEPTH);
		return -1;
	}
	ps_next(x); /* message */
	char *name = ps_take_name(x, "a message name");
	if (name == NULL)
		return -1;
	char *full = ps_join(x, scope, name);
	free(name);
	if (full == NULL || !ps_expect(x, "{") || !ps_count(x) ||
	    !ps_grow(x, (void **)&x->s->msgs, x->s->nmsgs, sizeof(*x->s->msgs))) {
		free(full);
		return -1;
	}
	int mi = (int)x->s->nmsgs++;
	x->s->msgs[mi] = (struct ps_message){ .name = full };
	while (!x->failed && !ps_is(x, "}")) {
		if (x->tok == T_EOF) {
			ps_fail(x, "the schema ends inside message %s: a `}` is missing", x->s->msgs[mi].name);
		} else if (ps_is(x, ";")) {
			ps_next(x);
		} else if (ps_is(x, "message")) {
			int ni = ps_message(x, x->s->msgs[mi].name, depth + 1);
			struct ps_message *m = &x->s->msgs[mi]; /* msgs moved */
			if (ni >= 0 && ps_grow(x, (void **)&m->nested, m->nnested, sizeof(int)))
				m->nested[m->nnested++] = ni;
		} else if (ps_is(x, "enum")) {
			ps_enum(x, x->s->msgs[mi].name);
		} else if (ps_is(x, "oneof")) {
			ps_oneof(x, mi);
		} else if (ps_is(x, "option") || ps_is(x, "reserved") || ps_is(x, "extensions") || ps_is(x, "extend")) {
			ps_skip_statement(x);
		} else if (ps_is(x, "repeated") || ps_is(x, "optional") || ps_is(x, "required")) {
			bool rep = ps_is(x, "repeated");
			ps_next(x);
			ps_field(x, mi, rep);
		} else if (x->tok == T_IDENT) {
			ps_field(x, mi, false);
		} else {
			char b[64];
			ps_fail(x, "unexpected %s in message %s", ps_what(x, b, sizeof(b)), x->s->msgs[mi].name);
		}
	}
	ps_expect(x, "}");
	return x->failed ? -1 : mi;
}

/* Names of the schema's types, sorted, for resolving. */
struct ps_name {
	const char *name;
	enum ps_type type;
	int ref;
};

static int ps_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ps_name *)a)->name, ((const struct ps_name *)b)->name);
}

static int ps_field_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct ps_field *)a)->number, y = ((const struct ps_field *)b)->number;
	return x < y ? -1 : x > y;
}

/* An enum value's number and declaration index, for sorting stably. */
struct ps_numbered {
	int32_t number;
	size_t i;
};

static int ps_numbered_cmp(const void *a, const void *b)
{
	const struct ps_numbered *x = a, *y = b;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* e->by_number: each number once with its first declared name (protoc's JSON shows the first of
 * aliases), sorted by number. */
static bool ps_sort_enum(struct ps_parser *x, struct ps_enum *e)
{
	size_t n = e->nvalues;
	struct ps_numbered *t = malloc((n ? n : 1) * sizeof(*t));
	e->by_number = malloc((n ? n : 1) * sizeof(*e->by_number));
	if (t == NULL || e->by_number == NULL) {
		free(t);
		ps_fail(x, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		t[i] = (struct ps_numbered){ e->values[i].number, i };
	qsort(t, n, sizeof(*t), ps_numbered_cmp);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || e->by_number[k - 1].number != t[i].number)
			e->by_number[k++] = e->values[t[i].i];
	e->nby_number = k;
	free(t);
	return true;
}

static const struct ps_name *ps_find(const struct ps_name *names, size_t n, const char *name)
{
	struct ps_name key = { .name = name };
	return bsearch(&key, names, n, sizeof(*names), ps_name_cmp);
}

/* Resolves every field's type name: innermost scope first (the message itself, its parents, the
 * package's parts, the root), or the full name after a leading dot. Unknown names stay
 * PS_UNRESOLVED (an import's types). */
static bool ps_resolve(struct ps_parser *x)
{
	struct protoschema *s = x->s;
	size_t n = s->nmsgs + s->nenums;
	struct ps_name *names = malloc((n ? n : 1) * sizeof(*names));
	if (names == NULL) {
		ps_fail(x, "out of memory");
		return false;
	}
	for (size_t i = 0; i < s->nmsgs; i++)
		names[i] = (struct ps_name){ s->msgs[i].name, PS_MESSAGE, (int)i };
	for (size_t i = 0; i < s->nenums; i++)
		names[s->nmsgs + i] = (struct ps_name){ s->enums[i].name, PS_ENUM, (int)i };
	qsort(names, n, sizeof(*names), ps_name_cmp);
	for (size_t i = 0; i + 1 < n; i++)
		if (strcmp(names[i].name, names[i + 1].name) == 0) {
			x->tline = 0;
			snprintf(x->err, x->errlen, "the type %s is defined twice", names[i].name);
			x->failed = true;
			free(names);
			return false;
		}
	bool ok = true;
	for (size_t i = 0; i < s->nenums && ok; i++)
		ok = ps_sort_enum(x, &s->enums[i]);
	for (size_t i = 0; i < s->nmsgs && ok; i++) {
		struct ps_message *m = &s->msgs[i];
		size_t ml = strlen(m->name);
		for (size_t j = 0; j < m->nfields && ok; j++) {
			struct ps_field *f = &m->fields[j];
			if (f->type_name == NULL)
				continue;
			char *buf = malloc(ml + strlen(f->type_name) + 2);
			if (buf == NULL) {
				ps_fail(x, "out of memory");
				ok = false;
				break;
			}
			const struct ps_name *hit = NULL;
			size_t tl = strlen(f->type_name);
			if (f->type_name[0] == '.') {
				hit = ps_find(names, n, f->type_name + 1);
			} else {
				/* scopes: m->name cut at each dot, innermost first, then the root. buf holds
				 * m->name; each candidate writes ".type" over its tail, leaving the shorter
				 * prefixes intact (no copy of the scope per try) */
				memcpy(buf, m->name, ml);
				for (size_t k = ml; k > 0 && hit == NULL; k--)
					if (k == ml || m->name[k] == '.') {
						buf[k] = '.';
						memcpy(buf + k + 1, f->type_name, tl + 1);
						hit = ps_find(names, n, buf);
					}
				if (hit == NULL)
					hit = ps_find(names, n, f->type_name);
			}
			free(buf);
			if (hit)
				f->type = hit->type, f->ref = hit->ref;
		}
		if (m->nfields > 1)
			qsort(m->fields, m->nfields, sizeof(*m->fields), ps_field_cmp);
		for (size_t j = 0; j + 1 < m->nfields && ok; j++)
			if (m->fields[j].number == m->fields[j + 1].number) {
				snprintf(x->err, x->errlen, "field number %u is used twice in %s",
					 (unsigned)m->fields[j].number, m->name);
				x->failed = true;
				ok = false;
			}
	}
	free(names);
	return ok;
}

struct protoschema *protoschema_parse(const char *text, char *err, size_t errlen)
{
	struct ps_parser x = { .p = text ? text : "", .line = 1, .err = err, .errlen = errlen };
	if (errlen)
		err[0] = '\0';
	x.s = calloc(1, sizeof(*x.s));
	if (x.s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	char *package = NULL;
	ps_next(&x);
	while (!x.failed && x.tok != T_EOF) {
		if (ps_is(&x, ";")) {
			ps_next(&x);
		} else if (ps_is(&x, "syntax") || ps_is(&x, "edition")) {
			bool syntax = ps_is(&x, "syntax");
			ps_next(&x);
			if (!ps_expect(&x, "="))
				break;
			if (syntax && x.tok == T_STRING &&
			    !(x.tn == 8 && (memcmp(x.t + 1, "proto2", 6) == 0 || memcmp(x.t + 1, "proto3", 6) == 0))) {
				char b[64];
				ps_fail(&x, "syntax %s is not proto2 or proto3", ps_what(&x, b, sizeof(b)));
				break;
			}
			if (x.tok != T_STRING) {
				char b[64];
				ps_fail(&x, "a quoted syntax expected, not %s", ps_what(&x, b, sizeof(b)));
				break;
			}
			ps_next(&x);
			ps_expect(&x, ";");
		} else if (ps_is(&x, "package")) {
			ps_next(&x);
			free(package);
			package = ps_take_ident(&x, "a package name");
			if (package && strlen(package) > PS_MAX_NAME) {
				ps_fail(&x, "a package name longer than %d characters", PS_MAX_NAME);
				break;
			}
			if (package && package[0] == '.') {
				ps_fail(&x, "a package name cannot start with a dot");
				break;
			}
			ps_expect(&x, ";");
		} else if (ps_is(&x, "import") || ps_is(&x, "option") || ps_is(&x, "service") || ps_is(&x, "extend")) {
			ps_skip_statement(&x); /* an import's types stay unresolved: shown by wire type */
		} else if (ps_is(&x, "message")) {
			int mi = ps_message(&x, package ? package : "", 0);
			if (mi >= 0 && ps_grow(&x, (void **)&x.s->top, x.s->ntop, sizeof(int)))
				x.s->top[x.s->ntop++] = mi;
		} else if (ps_is(&x, "enum")) {
			ps_enum(&x, package ? package : "");
		} else {
			char b[64];
			ps_fail(&x, "unexpected %s", ps_what(&x, b, sizeof(b)));
		}
	}
	if (!x.failed)
		ps_resolve(&x);
	free(package);
	if (x.failed) {
		protoschema_free(x.s);
		return NULL;
	}
	return x.s;
}

void protoschema_free(struct protoschema *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nmsgs; i++) {
		struct ps_message *m = &s->msgs[i];
		for (size_t j = 0; j < m->nfields; j++) {
			free(m->fields[j].name);
			free(m->fields[j].type_name);
		}
		free(m->fields);
		free(m->nested);
		free(m->name);
	}
	for (size_t i = 0; i < s->nenums; i++) {
		for (size_t j = 0; j < s->enums[i].nvalues; j++)
			free(s->enums[i].values[j].name);
		free(s->enums[i].values);
		free(s->enums[i].by_number); /* its names are values' */
		free(s->enums[i].name);
	}
	free(s->msgs);
	free(s->enums);
	free(s->top);
	free(s);
}

int protoschema_message_at(const struct protoschema *s, const int64_t *path, size_t n)
{
	if (s == NULL || s->ntop == 0)
		return -1;
	if (n == 0)
		return s->top[0];
	if (path[0] < 0 || (uint64_t)path[0] >= s->ntop)
		return -1;
	int mi = s->top[path[0]];
	for (size_t i = 1; i < n; i++) {
		const struct ps_message *m = &s->msgs[mi];
		if (path[i] < 0 || (uint64_t)path[i] >= m->nnested || m->nested[path[i]] < 0)
			return -1;
		mi = m->nested[path[i]];
	}
	return mi;
}

const struct ps_field *protoschema_field(const struct ps_message *m, uint32_t number)
{
	size_t lo = 0, hi = m->nfields;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->fields[mid].number == number)
			return &m->fields[mid];
		if (m->fields[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *protoschema_enum_name(const struct ps_enum *e, int32_t number)
{
	size_t lo = 0, hi = e->nby_number;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->by_number[mid].number == number)
			return e->by_number[mid].name;
		if (e->by_number[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
