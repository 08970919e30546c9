/*
 * Output templates for tail (`--format '%t %p %o %k %s\n'`), in the spirit of kcat's -f: literal
 * text, backslash escapes and %-fields, parsed once into a list of pieces and rendered per message.
 * Message bytes (topic, key, value, header names and values) are escaped with escape_append()
 * unless the caller asks for raw bytes (-o raw). Pure functions, unit-tested in
 * tests/unit/test_msgfmt.c; docs/tail.md lists the fields.
 */
#ifndef KCON_MSGFMT_H
#define KCON_MSGFMT_H

#include <stdbool.h>

#include "msg.h"
#include "sbuf.h"

struct msgfmt;

/** @brief True when s is meant as a template rather than an encoding name: it holds a '%'. */
bool msgfmt_is_template(const char *s);
/**
 * @brief Parses a template: %t topic, %p partition, %o offset, %k key, %K key length, %s value,
 * %S value length, %T timestamp (ms, -1 when none), %h all headers (name=value,...), %h{NAME} the
 * first header NAME's value, %% a percent sign; escapes \n \r \t \\.
 * @return the template, or NULL with *cause (callee allocates) for an unknown field or escape, a
 *         trailing % or \, or an unterminated or empty %h{.
 */
struct msgfmt *msgfmt_parse(const char *s, char **cause);
/** @brief The fields and escapes, for a usage error's hint. */
const char *msgfmt_hint(void);
/** @brief True when the template shows headers (tail must fetch them). */
bool msgfmt_wants_headers(const struct msgfmt *f);
/**
 * @brief Appends m through the template. Keys, values and header values are shown in enc (hex and
 * base64 as text); raw: bytes as they are, else escaped for a terminal.
 */
void msgfmt_render(struct sbuf *sb, const struct msgfmt *f, const struct msg *m, enum msg_encoding enc, bool raw);
/** @brief Frees f (NULL is fine). */
void msgfmt_free(struct msgfmt *f);

#endif
