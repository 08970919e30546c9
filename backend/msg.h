/*
 * Message encodings for tail and produce: one line per message as a table row, a JSON envelope
 * that round-trips every byte, or the raw value. Pure functions over a plain view of a message
 * (no librdkafka types), unit-tested in tests/unit/test_msg.c. Decoders from plugins plug in at
 * msg_encoding.
 */
#ifndef KCON_MSG_H
#define KCON_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/** How key and value bytes are shown. */
enum msg_encoding {
	MSG_AUTO,   /* JSON embedded as JSON, UTF-8 as a string, anything else base64 (escaped in tables) */
	MSG_TEXT,   /* UTF-8 as a string, anything else base64: never embedded */
	MSG_HEX,    /* lower-case hex */
	MSG_BASE64, /* standard base64 */
};

/** @brief Parses "auto", "text", "hex" or "base64"; -1 for anything else. */
int msg_encoding_parse(const char *s);

struct msg_header {
	const char *name;
	const void *value; /* NULL: a null header value */
	size_t len;
};

/** A message as tail sees it: views into bytes owned elsewhere. */
struct msg {
	const char *topic;
	int32_t partition;
	int64_t offset;
	int64_t timestamp; /* ms since the epoch; -1 when not available */
	int ts_type;       /* 0 none, 1 create time, 2 log append time */
	const void *key;   /* NULL: no key */
	size_t key_len;
	const void *value; /* NULL: a tombstone */
	size_t value_len;
	const struct msg_header *headers;
	size_t nheaders;
	/* What a decoder made of the value (tail --decode): NULL/-1 when none ran. */
	const char *decoder;      /* the decoder's name */
	int64_t schema_id;        /* the Schema Registry wire format's schema id, or -1 (0 counts as unset too) */
	const char *decode_error; /* the decoder failed: the value is shown as hex, and this beside it */
};

/** @brief True when buf[0..len) is valid UTF-8 (no overlongs or surrogates). */
bool msg_utf8_valid(const void *buf, size_t len);
/**
 * @brief True when buf is a JSON object or array that msg_json() can embed byte for byte: valid
 * JSON, no white space but spaces outside strings, nothing inside strings that needs escaping, and
 * every \uXXXX escape in lower case as kcon writes them (else the envelope would mix cases).
 */
bool msg_json_embeddable(const void *buf, size_t len);
/** @brief Appends a JSON string of UTF-8 text (quotes included); controls and non-allowed code points as \uXXXX. */
void msg_json_string(struct sbuf *sb, const void *buf, size_t len);
/** @brief Appends standard base64 (with padding). */
void msg_base64(struct sbuf *sb, const void *buf, size_t len);
/** @brief Decodes base64 into out; -1 when it is not base64. */
int msg_unbase64(struct sbuf *out, const char *s, size_t len);
/** @brief Appends lower-case hex. */
void msg_hex(struct sbuf *sb, const void *buf, size_t len);
/** @brief Decodes hex into out; -1 when it is not hex. */
int msg_unhex(struct sbuf *out, const char *s, size_t len);
/** @brief Appends a decimal integer (faster than printf). */
void msg_int(struct sbuf *sb, int64_t v);

/**
 * @brief Appends the JSON envelope of m and a newline:
 * {"topic","partition","offset","timestamp","timestamp_type","key","headers":[{"name","value"}],"value"}
 * with "key_encoding", "encoding" (the value's) or a header's "encoding" when they are not text,
 * and "decoder", "schema_id" and "decode_error" when a decoder ran (an error: the value in hex).
 */
void msg_json(struct sbuf *sb, const struct msg *m, enum msg_encoding enc);
/**
 * @brief Appends one table line: time, partition, offset, key, size, value preview, escaped and
 * cut to width columns (0: a preview of up to 1000 columns).
 */
void msg_table(struct sbuf *sb, const struct msg *m, enum msg_encoding enc, int width);
/** @brief Appends the value (raw bytes, or hex/base64 text for those encodings) and the delimiter. */
void msg_raw(struct sbuf *sb, const struct msg *m, enum msg_encoding enc, const char *delim, size_t dlen);

/** A message read back for produce: owned bytes. */
struct msg_in {
	struct sbuf key, value;
	bool has_key, has_value;
	int32_t partition; /* -1: not given */
	int64_t timestamp; /* 0: not given */
	int nheaders;
	struct msg_in_header {
		char *name;
		struct sbuf value;
		bool has_value;
	} * headers;
};

/**
 * @brief Reads one line of the msg_json() form (other fields are ignored) into in.
 * @return 0, or -1 with *cause (callee allocates)
 */
int msg_parse_json(const char *line, size_t len, struct msg_in *in, char **cause);
/** @brief Frees what in holds and empties it. */
void msg_in_clear(struct msg_in *in);

/**
 * @brief A copy of m in one allocation (free() it): its key, value, headers and topic, for a
 * message kept past the call that lent it (tail_next()'s are valid until the next call). What a
 * decoder made of it is not copied (decoder and decode_error NULL, schema_id -1).
 */
struct msg *msg_copy(const struct msg *m);
/**
 * @brief msg_copy() after head bytes of the caller's own (zeroed, e.g. a struct that holds the
 * message), in one allocation: returns it (free() it), *copy is the message in it and *bytes (may
 * be NULL) its size.
 */
void *msg_copy_after(const struct msg *m, size_t head, struct msg **copy, size_t *bytes);

#endif
