/*
 * Decoders in a helper process, so that a plugin that crashes in decode() costs a message, not
 * the session (docs/plugins.md). kcon starts its own binary with `--decode-helper` (posix_spawn:
 * kcon has threads by then), which loads the plugins with the same checks and answers decode
 * requests on a pipe, up to DECODEHELP_BATCH values a request: {count, then each {decoder name,
 * schema id, type and text (once per id and helper), bytes}} -> an answer {result, text} for each,
 * written as soon as it is made. A helper that dies or does not answer a value within
 * DECODEHELP_DEADLINE_MS is reaped (killed first) and that value is a KCON_DECODE_ERROR saying
 * so; the values after it go to a new helper. After DECODEHELP_MAX_CRASHES within a minute,
 * decoding is off for the process (every answer an error saying so).
 */
#ifndef KCON_DECODEHELP_H
#define KCON_DECODEHELP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

#define DECODEHELP_ARG         "--decode-helper"
#define DECODEHELP_DEADLINE_MS 5000
#define DECODEHELP_MAX_CRASHES 3
#define DECODEHELP_BATCH       256 /* values a request holds at most */

/** @brief Runs decoders in helpers started from exe (kcon's own binary) from now on. */
void decodehelp_enable(const char *exe);
/** @brief True once decodehelp_enable() was called (never in the helper itself). */
bool decodehelp_enabled(void);
/**
 * @brief Decoder name on buf in the helper: a plugin_decode() result with its text in out (emptied
 * first); KCON_DECODE_ERROR when the helper crashed, hung or could not start, saying which.
 * type and schema (may be NULL) are the schema of schema_id (-1: none) the decoder may ask for; an
 * empty type says that kcon could not get it, and schema why.
 */
int decodehelp_decode(const char *name, int64_t schema_id, const char *type, const char *schema, const void *buf,
		      size_t len, struct sbuf *out);
/** One value for decodehelp_decode_many(). */
struct decodehelp_item {
	const char *name;          /* the decoder */
	int64_t schema_id;         /* -1: none */
	const char *type, *schema; /* as decodehelp_decode() takes them */
	const void *buf;
	size_t len;
	int rc;           /* out: as decodehelp_decode() returns */
	struct sbuf *out; /* out: the text (emptied first) */
};
/**
 * @brief decodehelp_decode() on each of n values, in as few round trips as their sizes allow (up
 * to DECODEHELP_BATCH values, about a megabyte, a request). A crash or a hang costs the value it
 * happened on; the others are answered. A helper found dead when a request is written (it died
 * since the last one) is started again, and the request sent again, without blaming a value. With
 * stop (may be NULL): once *stop is true, the values not answered yet fail saying "stopped" (the
 * helper is stopped if it was in the middle of a request, not counted as a crash).
 */
void decodehelp_decode_many(struct decodehelp_item *items, size_t n, const atomic_bool *stop);
/** @brief The helper's main: serves requests on stdin, answers on stdout, until stdin ends; the exit status. */
int decodehelp_serve(void);
/** @brief Stops the helper (at exit). */
void decodehelp_stop(void);

#endif
