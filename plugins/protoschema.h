/*
 * A small parser of .proto schema text (proto3, and proto2's basics) as a Schema Registry returns
 * it for PROTOBUF schemas, for the protobuf decoder's field names. It reads `syntax`, `edition`,
 * `package`, `import` (the imported types stay unresolved), `option`, messages with nested
 * messages and enums, fields of scalar, message and enum types, `repeated`, `optional`,
 * `required`, `map<K, V>`, `oneof`, `reserved`, `extensions`, options in brackets, and // and
 * block comments; `service` and `extend` blocks are skipped. Anything else (a proto2 `group`, a
 * syntax error, nesting deeper than PROTOSCHEMA_MAX_DEPTH) fails the parse with the line and
 * why: the decoder then shows the message by field numbers. The text is untrusted: the parser never
 * reads past its end and bounds its recursion.
 */
#ifndef KCON_PROTOSCHEMA_H
#define KCON_PROTOSCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTOSCHEMA_MAX_DEPTH 64 /* messages nested in messages */

enum ps_type {
	PS_DOUBLE = 1,
	PS_FLOAT,
	PS_INT64,
	PS_UINT64,
	PS_INT32,
	PS_FIXED64,
	PS_FIXED32,
	PS_BOOL,
	PS_STRING,
	PS_BYTES,
	PS_UINT32,
	PS_SFIXED32,
	PS_SFIXED64,
	PS_SINT32,
	PS_SINT64,
	PS_MESSAGE,    /* ref: a message of the schema */
	PS_ENUM,       /* ref: an enum of the schema */
	PS_UNRESOLVED, /* a type the text does not define (an import's): shown by wire type */
};

struct ps_field {
	char *name;
	uint32_t number;
	bool repeated;
	bool map;          /* map<key, value>: type and ref are the value's */
	enum ps_type key;  /* map: the key's type */
	enum ps_type type; /* the field's (the map value's) type */
	char *type_name;   /* a message or enum type as written, until resolved */
	int ref;           /* PS_MESSAGE, PS_ENUM: the index in the schema's messages or enums */
};

struct ps_message {
	char *name;              /* full name, package included, no leading dot */
	struct ps_field *fields; /* sorted by number */
	size_t nfields;
	int *nested; /* nested messages in declaration order (a map's entry counts, as -1), as the
		      * wire format's message indexes count them */
	size_t nnested;
};

struct ps_enum_value {
	char *name;
	int32_t number;
};

struct ps_enum {
	char *name;
	struct ps_enum_value *values; /* in declaration order: the first of aliases wins */
	size_t nvalues;
	struct ps_enum_value *by_number; /* each number once, sorted, with its first declared name (the
					  * names are values'): protoschema_enum_name's binary search */
	size_t nby_number;
};

struct protoschema {
	struct ps_message *msgs;
	size_t nmsgs;
	struct ps_enum *enums;
	size_t nenums;
	int *top; /* top-level messages in declaration order */
	size_t ntop;
};

/* Parses text: the schema, or NULL with why (and the line) in err. */
struct protoschema *protoschema_parse(const char *text, char *err, size_t errlen);
void protoschema_free(struct protoschema *s);

/* The message at the wire format's message-index path (empty: the first message; [i, j]: the
 * j-th message nested in the i-th): its index in s->msgs, or -1. */
int protoschema_message_at(const struct protoschema *s, const int64_t *path, size_t n);

/* The field of m with number, or NULL. */
const struct ps_field *protoschema_field(const struct ps_message *m, uint32_t number);

/* The name of e's value number (the first declared), or NULL: a binary search. */
const char *protoschema_enum_name(const struct ps_enum *e, int32_t number);

#endif
