/*
 * The one JSON lexer (RFC 8259) under the pretty-printer (pretty.h) and the message encoder
 * (msg.h): it reads a value in place and says where each token stands, without building anything.
 * Strict mode accepts only what msg_json() embeds verbatim: spaces as the only white space, and no
 * code point inside strings that a terminal must not see raw (escape_cp_allowed()).
 */
#ifndef KCON_JLEX_H
#define KCON_JLEX_H

#include <stdbool.h>
#include <stddef.h>

/** What jlex_value() tells its callback. */
enum jlex_tok {
	JLEX_OPEN,   /* { or [ */
	JLEX_CLOSE,  /* } or ] */
	JLEX_COMMA,  /* between members or elements */
	JLEX_COLON,  /* between a member's key and value */
	JLEX_SCALAR, /* a string (with its quotes), a number, true, false or null */
};

struct jlex {
	const unsigned char *s;
	size_t len, pos; /* the text and where the lexer stands */
	bool strict;
	int max_depth; /* how many containers may nest */
	/* Called for each token of jlex_value() (may be NULL): p[0..n) is its text, depth its container's. */
	void (*token)(struct jlex *j, enum jlex_tok tok, const unsigned char *p, size_t n, int depth);
	void *ud;
};

/** @brief Skips white space (spaces only when strict). */
void jlex_space(struct jlex *j);
/** @brief Reads the string token at pos (quotes included): escapes checked, valid UTF-8, no raw control. */
bool jlex_string(struct jlex *j);
/** @brief Reads the value at pos, depth the containers around it; false when it is not JSON. */
bool jlex_value(struct jlex *j, int depth);
/** @brief The four hex digits at p as a number, or -1. */
int jlex_hex4(const unsigned char *p);

#endif
