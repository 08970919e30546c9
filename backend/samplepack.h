/*
 * Packed samples (schema 8): the history store keeps a series' raw samples of one UTC hour in one
 * row of sample_pack(series, ts, n, data) instead of one row each; the hour being written stays in
 * sample_raw until the hour has passed (store_maintain packs it). `sample` is a view over both.
 *
 * data holds n samples, oldest first, as unsigned LEB128 varints:
 *   first sample   zz(a - 0), zz(b - 0)                 (its time is the row's ts)
 *   each next      ts - previous ts (>= 1), zz(a - previous a), zz(b - previous b)
 * where zz() is the zig-zag map of a 64-bit difference and a missing value (SQL NULL) is -1, so
 * a value is -1 or >= 0. Every sample of a row lies in the UTC hour of its ts, so a reader of the
 * times [lo, hi) reads the rows of ts in [lo / 3600 * 3600, hi). A row is at most
 * SAMPLEPACK_MAX_BYTES long (an hour of 10 s ticks takes 1-2 KB): within a 16 KiB page's local
 * payload; a store made with 4 KiB pages (local payload about 1 KB) keeps a long row's tail in an
 * overflow page. A row holds at most SAMPLEPACK_HOUR_MAX samples (one a second).
 *
 * The decoder checks everything (lengths, varints, times in order and in the hour, the count) and
 * says what is wrong instead of reading past a damaged row. No SQLite here but samplepack_register.
 */
#ifndef KCON_SAMPLEPACK_H
#define KCON_SAMPLEPACK_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;

#define SAMPLEPACK_MAX_BYTES  3600 /* a row's data: within a 16 KiB page's local payload */
#define SAMPLEPACK_HOUR_MAX   3600 /* the most samples of a row: times are distinct seconds of an hour */
#define SAMPLEPACK_SAMPLE_MAX 30   /* the most bytes one sample takes (three 10-byte varints) */

struct samplepack_sample {
	int64_t ts;   /* seconds */
	int64_t a, b; /* -1: none */
};

/*
 * Packs samples v[0..n) (times increasing, all in v[0]'s hour, values -1 or >= 0) into out (cap
 * bytes, at least SAMPLEPACK_SAMPLE_MAX): as many as fit, up to the first one of a later hour.
 * Returns how many were packed (>= 1 when n >= 1 and v[0].ts is in the decoder's range: >= 0 and
 * below INT64_MAX - 7200; 0 otherwise), *len the bytes written.
 */
int samplepack_encode(const struct samplepack_sample *v, int n, uint8_t *out, size_t cap, size_t *len);

/* Reading a row: samplepack_begin, then samplepack_next until it returns 0 (done) or -1 (damaged). */
struct samplepack_iter {
	const uint8_t *p, *end;
	int64_t n, i, hour_end;
	struct samplepack_sample cur; /* the sample samplepack_next returned */
	const char *why;              /* what is damaged, after -1 */
};

void samplepack_begin(struct samplepack_iter *it, int64_t ts, int64_t n, const void *data, size_t len);
int samplepack_next(struct samplepack_iter *it);

/*
 * A whole row into a new array (*out, *n; free it); -1 with *why when damaged.
 */
int samplepack_decode(int64_t ts, int64_t n, const void *data, size_t len, struct samplepack_sample **out, int *nout,
		      const char **why);

/*
 * The table-valued function sample_unpack(ts, n, data) with columns ts, a, b (NULL for -1), for
 * SQL over packed rows (the sample view, roll-ups, history sql, export). A damaged row fails the
 * statement with a message naming the row and a hint.
 */
int samplepack_register(struct sqlite3 *db);

#endif
