/* An error a person can act on: a status for scripts, the cause, and a hint. */
#ifndef KCON_ERR_H
#define KCON_ERR_H

/** How much of a malformed input a cause quotes: a hostile one may be a megabyte (the sink escapes it). */
#define ERR_QUOTE_MAX 64

struct err {
	int status;  /* enum cmd_status: 1 failed, 2 usage, 3 unreachable */
	char *cause; /* what failed */
	char *hint;  /* what to try; may be NULL */
};

/** @brief Sets e (replacing what it held); returns status. */
int err_set(struct err *e, int status, const char *hint, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/** @brief Frees what e holds and zeroes it. */
void err_clear(struct err *e);

#endif
