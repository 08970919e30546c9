/*
 * Decoders in a helper process, so that a plugin that crashes in decode() costs a message, not
 * the session (docs/plugins.md). kcon starts its own binary with `--decode-helper` (posix_spawn:
 * kcon has threads by then), which loads the plugins with the same checks and answers decode
 * requests on a pipe, one message at a time: {decoder name, schema id, type and text (once per id
 * and helper), bytes} -> {result, text}. A helper that dies or does not answer within
 * DECODEHELP_DEADLINE_MS is reaped (killed first) and the message is a KCON_DECODE_ERROR saying
 * so; the next message starts a new helper. After DECODEHELP_MAX_CRASHES within a minute,
 * decoding is off for the process (every answer an error saying so).
 */
#ifndef KCON_DECODEHELP_H
#define KCON_DECODEHELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

#define DECODEHELP_ARG         "--decode-helper"
#define DECODEHELP_DEADLINE_MS 5000
#define DECODEHELP_MAX_CRASHES 3

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
/** @brief The helper's main: serves requests on stdin, answers on stdout, until stdin ends; the exit status. */
int decodehelp_serve(void);
/** @brief Stops the helper (at exit). */
void decodehelp_stop(void);

#endif
