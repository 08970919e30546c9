/*
 * Showing message bytes to a person: JSON re-indented without changing a byte of its tokens, and a
 * classic hex dump. Curses-free, unit-tested in tests/unit/test_pretty.c. The output is not escaped:
 * pretty_json copies string tokens as they are (valid JSON strings hold no control byte, but they
 * may hold bidi or other format characters), so callers escape it before a terminal sees it.
 */
#ifndef KCON_PRETTY_H
#define KCON_PRETTY_H

#include <stddef.h>

#include "sbuf.h"

/** How deep pretty_json() follows nested arrays and objects before it gives up. */
#define PRETTY_JSON_MAX_DEPTH 256

/**
 * @brief Appends buf[0..len) re-indented by indent spaces a level (one member or element a line,
 * "key": value, empty containers as {} and []), when it is one JSON value (RFC 8259, valid UTF-8,
 * white space around it allowed). Numbers and strings are copied byte for byte.
 * @return 0, or -1 (sb unchanged) when buf is not JSON or nests deeper than PRETTY_JSON_MAX_DEPTH
 */
int pretty_json(struct sbuf *sb, const void *buf, size_t len, int indent);

/**
 * @brief Appends a hex dump of buf[0..len), per_line bytes a line (8 and up: a gap after each 8):
 * "00000010  48 69 0a ...  |Hi.|" with the offset in hex and printable ASCII ('.' for the rest).
 * Every line ends with '\n'; an empty buf appends nothing.
 */
void pretty_hexdump(struct sbuf *sb, const void *buf, size_t len, int per_line);
/** @brief The columns of a full line of pretty_hexdump() with per_line bytes. */
int pretty_hexdump_width(int per_line);

#endif
