/* samplepack: packed samples round-trip (table of series), rows split at the size cap and the
 * hour, damaged rows (table of hostile blobs) refused with the reason, random bytes never read
 * past the end, and the sample_unpack table-valued function, including its error on damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "samplepack.h"
#include "xalloc.h"

#define H0 1699999200 /* an hour's start */

/* Packs v (all of it: asserted) and unpacks it again; the result must equal v. */
static void test_roundtrip_one(const struct samplepack_sample *v, int n)
{
	uint8_t buf[SAMPLEPACK_MAX_BYTES];
	size_t len = 0;
	assert_int_equal(samplepack_encode(v, n, buf, sizeof(buf), &len), n);
	assert_true(len >= (size_t)n * 2 - 1);
	struct samplepack_sample *out;
	int nout;
	const char *why = NULL;
	assert_int_equal(samplepack_decode(v[0].ts, n, buf, len, &out, &nout, &why), 0);
	assert_null(why);
	assert_int_equal(nout, n);
	for (int i = 0; i < n; i++) {
		assert_int_equal(out[i].ts, v[i].ts);
		assert_int_equal(out[i].a, v[i].a < 0 ? -1 : v[i].a);
		assert_int_equal(out[i].b, v[i].b < 0 ? -1 : v[i].b);
	}
	free(out);
}

static void test_roundtrip(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		struct samplepack_sample v[6];
		int n;
	} cases[] = {
		{ "one sample", { { H0, 5, 7 } }, 1 },
		{ "none values", { { H0 + 10, -1, -1 }, { H0 + 20, -1, 3 }, { H0 + 30, 4, -1 } }, 3 },
		{ "any negative is none", { { H0, -7, -100 }, { H0 + 1, 0, 0 } }, 2 },
		{ "zeros", { { H0, 0, 0 }, { H0 + 3599, 0, 0 } }, 2 },
		{ "offsets going down (a reset group)", { { H0, 1000000, 2000000 }, { H0 + 10, 3, 5 } }, 2 },
		{ "extremes",
		  { { H0, INT64_MAX, 0 },
		    { H0 + 1, -1, INT64_MAX },
		    { H0 + 2, 0, -1 },
		    { H0 + 3, INT64_MAX, INT64_MAX } },
		  4 },
		{ "the hour's first and last second", { { H0, 1, 1 }, { H0 + 3599, 2, 2 } }, 2 },
		{ "a time at 0", { { 0, 1, 2 }, { 5, 3, 4 } }, 2 },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		print_message("case: %s\n", cases[c].name);
		test_roundtrip_one(cases[c].v, cases[c].n);
	}
	/* an hour of 10 s ticks with growing offsets: about 5 bytes a sample */
	struct samplepack_sample v[360];
	for (int i = 0; i < 360; i++)
		v[i] = (struct samplepack_sample){ H0 + 10 * i, 123456789 + 250 * i, 90000 + (i % 7) * 13 };
	test_roundtrip_one(v, 360);
	uint8_t buf[SAMPLEPACK_MAX_BYTES];
	size_t len;
	assert_int_equal(samplepack_encode(v, 360, buf, sizeof(buf), &len), 360);
	assert_true(len < 360 * 6);
}

/* Rows end at the size cap and before a sample of a later hour or out of order. */
static void test_split(void **state)
{
	(void)state;
	enum { N = 1000 };
	struct samplepack_sample *v = x_reallocarray(NULL, N, sizeof(*v));
	for (int i = 0; i < N; i++) /* big jumps: 3 full varints a sample */
		v[i] = (struct samplepack_sample){ H0 + i, (i % 2) ? INT64_MAX : 0, (i % 2) ? 0 : INT64_MAX };
	uint8_t buf[SAMPLEPACK_MAX_BYTES];
	size_t len;
	int k = samplepack_encode(v, N, buf, sizeof(buf), &len);
	assert_true(k > 0 && k < N);
	assert_true(len <= sizeof(buf));
	test_roundtrip_one(v, k);
	test_roundtrip_one(v + k, samplepack_encode(v + k, N - k, buf, sizeof(buf), &len));
	/* the hour's end */
	struct samplepack_sample h[] = { { H0 + 3590, 1, 1 }, { H0 + 3599, 2, 2 }, { H0 + 3600, 3, 3 } };
	assert_int_equal(samplepack_encode(h, 3, buf, sizeof(buf), &len), 2);
	assert_int_equal(samplepack_encode(h + 2, 1, buf, sizeof(buf), &len), 1);
	/* times not increasing end a row too (never packed as damage) */
	struct samplepack_sample o[] = { { H0 + 5, 1, 1 }, { H0 + 5, 2, 2 } };
	assert_int_equal(samplepack_encode(o, 2, buf, sizeof(buf), &len), 1);
	/* no room, nothing */
	assert_int_equal(samplepack_encode(h, 3, buf, SAMPLEPACK_SAMPLE_MAX - 1, &len), 0);
	assert_int_equal(samplepack_encode(h, 0, buf, sizeof(buf), &len), 0);
	free(v);
}

static void test_hostile(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int64_t ts, n;
		uint8_t data[16];
		size_t len;
		const char *why;
	} cases[] = {
		{ "no data", H0, 1, { 0 }, 0, "ends inside a number" },
		{ "count 0", H0, 0, { 2, 2 }, 2, "not positive" },
		{ "negative count", H0, -3, { 2, 2 }, 2, "not positive" },
		{ "count past the data", H0, 1000, { 2, 2, 1, 2, 2 }, 5, "count is more" },
		{ "one sample short", H0, 2, { 2, 2, 1, 2 }, 4, "ends inside a number" },
		{ "a number cut off", H0, 1, { 2, 0x80 }, 2, "ends inside a number" },
		{ "a number of 11 bytes",
		  H0,
		  1,
		  { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 2 },
		  12,
		  "longer than 64 bits" },
		{ "a tenth byte over 64 bits",
		  H0,
		  1,
		  { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 2 },
		  11,
		  "longer than 64 bits" },
		{ "bytes after the last sample", H0, 1, { 2, 2, 7 }, 3, "more bytes than" },
		{ "two samples of one second", H0, 2, { 2, 2, 0, 2, 2 }, 5, "same time" },
		{ "a time past the hour", H0 + 3000, 2, { 2, 2, 0xd8, 0x04, 2, 2 }, 6, "leaves the row's hour" },
		{ "a value below -1", H0, 1, { 3, 2 }, 2, "negative" },
		{ "b below -1 after a", H0, 2, { 2, 2, 1, 0, 5 }, 5, "negative" },
		{ "a time out of range", -5, 1, { 2, 2 }, 2, "out of range" },
		{ "a time at the end of int64", INT64_MAX, 1, { 2, 2 }, 2, "out of range" },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		print_message("case: %s\n", cases[c].name);
		struct samplepack_sample *out = (void *)1;
		int n = 99;
		const char *why = NULL;
		/* a copy of exactly len bytes, so the sanitizer sees any read past them */
		uint8_t *d = cases[c].len ? x_malloc(cases[c].len) : NULL;
		if (d)
			memcpy(d, cases[c].data, cases[c].len);
		assert_int_equal(samplepack_decode(cases[c].ts, cases[c].n, d, cases[c].len, &out, &n, &why), -1);
		assert_null(out);
		assert_int_equal(n, 0);
		assert_non_null(why);
		if (strstr(why, cases[c].why) == NULL)
			fail_msg("%s: why '%s' lacks '%s'", cases[c].name, why, cases[c].why);
		free(d);
	}
}

/* A decode that was accepted: every sample in the row's hour, in order, values -1 or more; packed again the same. */
static void test_check_decoded(int64_t ts, const struct samplepack_sample *out, int n)
{
	assert_true(n >= 1 && n <= SAMPLEPACK_HOUR_MAX);
	assert_int_equal(out[0].ts, ts);
	for (int i = 0; i < n; i++) {
		assert_true(out[i].ts / 3600 == ts / 3600);
		assert_true(i == 0 || out[i].ts > out[i - 1].ts);
		assert_true(out[i].a >= -1 && out[i].b >= -1);
	}
	uint8_t buf[SAMPLEPACK_MAX_BYTES];
	size_t len;
	if (n * SAMPLEPACK_SAMPLE_MAX > (int)sizeof(buf))
		return;
	assert_int_equal(samplepack_encode(out, n, buf, sizeof(buf), &len), n);
	struct samplepack_sample *again;
	int nagain;
	const char *why = NULL;
	assert_int_equal(samplepack_decode(ts, n, buf, len, &again, &nagain, &why), 0);
	assert_int_equal(nagain, n);
	assert_memory_equal(again, out, (size_t)n * sizeof(*out));
	free(again);
}

/*
 * Random bytes and counts: decoded or refused, never read past (the sanitizer build checks); what
 * is decoded obeys the rules. Mostly one-byte numbers of a length that fits the count, so that
 * many decode.
 */
static void test_random_bytes(void **state)
{
	(void)state;
	uint32_t x = 2463534242u;
	int refused = 0, accepted = 0;
	for (int r = 0; r < 20000; r++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		int64_t count = 1 + (int64_t)(x >> 8) % 8, ts = H0 + (int64_t)(x % 3600);
		size_t len = r % 2 ? (size_t)(3 * count - 1) : (size_t)(1 + r % 40);
		uint8_t *d = x_malloc(len);
		for (size_t i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			d[i] = (x & 15) == 0 ? (uint8_t)(x >> 8) : (uint8_t)((x >> 8) & 0x07);
		}
		struct samplepack_sample *out;
		int n;
		const char *why = NULL;
		if (samplepack_decode(ts, count, d, len, &out, &n, &why) < 0) {
			refused++;
			assert_non_null(why);
		} else {
			accepted++;
			assert_int_equal(n, count);
			test_check_decoded(ts, out, n);
			free(out);
		}
		free(d);
	}
	print_message("random rows: %d decoded, %d refused\n", accepted, refused);
	assert_true(refused > 1000);
	assert_true(accepted > 300);
}

/* A count above an hour's seconds is damage, refused before anything is allocated for it. */
static void test_count_cap(void **state)
{
	(void)state;
	size_t len = 3 * 5000;
	uint8_t *d = x_calloc(1, len);
	struct samplepack_sample *out;
	int n;
	const char *why = NULL;
	assert_int_equal(samplepack_decode(H0, 5000, d, len, &out, &n, &why), -1);
	assert_non_null(strstr(why, "more than an hour's seconds"));
	struct samplepack_iter it;
	samplepack_begin(&it, H0, SAMPLEPACK_HOUR_MAX + 1, d, len);
	assert_int_equal(samplepack_next(&it), -1);
	assert_non_null(strstr(it.why, "more than an hour's seconds"));
	free(d);
	/* an hour of every second is the most a row holds: it decodes */
	struct samplepack_sample *v = x_calloc(SAMPLEPACK_HOUR_MAX, sizeof(*v));
	for (int i = 0; i < SAMPLEPACK_HOUR_MAX; i++)
		v[i] = (struct samplepack_sample){ H0 + i, 1, 2 };
	uint8_t *buf = x_malloc(SAMPLEPACK_HOUR_MAX * SAMPLEPACK_SAMPLE_MAX);
	size_t blen;
	assert_int_equal(
		samplepack_encode(v, SAMPLEPACK_HOUR_MAX, buf, SAMPLEPACK_HOUR_MAX * SAMPLEPACK_SAMPLE_MAX, &blen),
		SAMPLEPACK_HOUR_MAX);
	assert_int_equal(samplepack_decode(H0, SAMPLEPACK_HOUR_MAX, buf, blen, &out, &n, &why), 0);
	assert_int_equal(n, SAMPLEPACK_HOUR_MAX);
	free(out);
	/* the encoder refuses a time the decoder would (nothing packed, rather than a row never read) */
	v[0].ts = -5;
	assert_int_equal(samplepack_encode(v, 1, buf, 64, &blen), 0);
	assert_int_equal(blen, 0);
	free(buf);
	free(v);
}

static int64_t test_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_sql_function(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(samplepack_register(db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE p(ts INTEGER, n INTEGER, data BLOB)", NULL, NULL, NULL),
			 SQLITE_OK);
	struct samplepack_sample v[] = { { H0 + 10, 100, -1 }, { H0 + 20, 110, 7 }, { H0 + 30, -1, 9 } };
	uint8_t buf[SAMPLEPACK_MAX_BYTES];
	size_t len;
	assert_int_equal(samplepack_encode(v, 3, buf, sizeof(buf), &len), 3);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO p VALUES(?1, 3, ?2)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, H0 + 10);
	sqlite3_bind_blob(st, 2, buf, (int)len, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(test_int(db, "SELECT count(*) FROM p, sample_unpack(p.ts, p.n, p.data)"), 3);
	assert_int_equal(test_int(db, "SELECT sum(a) FROM p, sample_unpack(p.ts, p.n, p.data) u"), 210);
	assert_int_equal(test_int(db, "SELECT count(*) FROM p, sample_unpack(p.ts, p.n, p.data) u WHERE u.b IS NULL"),
			 1);
	assert_int_equal(test_int(db, "SELECT max(u.ts) FROM p, sample_unpack(p.ts, p.n, p.data) u WHERE u.ts<"
				      "1699999230"),
			 H0 + 20);
	/* without its arguments it is not a table to scan */
	assert_int_not_equal(sqlite3_prepare_v2(db, "SELECT * FROM sample_unpack", -1, &st, NULL), SQLITE_OK);
	/* a hidden column constrained twice, or once more where it cannot be used: the right rows, no malfunction */
	static const char *const twice[] = {
		"SELECT count(*) FROM p, sample_unpack(p.ts, p.n, p.data) u WHERE u.n = p.n",
		"SELECT count(*) FROM p, sample_unpack(p.ts, p.n, p.data) u WHERE u.row_ts = p.ts AND u.data = p.data",
		"SELECT count(*) FROM p, sample_unpack u WHERE u.row_ts = p.ts AND u.n = p.n AND u.data = p.data AND "
		"u.n = 3",
		"SELECT count(*) FROM p, p AS q, sample_unpack(p.ts, p.n, p.data) u WHERE u.row_ts = q.ts",
		"SELECT count(*) FROM sample_unpack(1699999210, 3, (SELECT data FROM p)) u WHERE u.n = 3 AND "
		"u.row_ts = 1699999210",
	};
	for (size_t c = 0; c < sizeof(twice) / sizeof(twice[0]); c++) {
		if (sqlite3_prepare_v2(db, twice[c], -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", twice[c], sqlite3_errmsg(db));
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != 3)
			fail_msg("%s: %d rows", twice[c], sqlite3_column_int(st, 0));
		sqlite3_finalize(st);
	}
	/* arguments of other types: refused as damage, not read as numbers */
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT count(*) FROM sample_unpack('1699999210', 3, x'00')", -1, &st, NULL),
		SQLITE_OK);
	assert_int_not_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(strstr(sqlite3_errmsg(db), "not (integer, integer, blob)"));
	sqlite3_finalize(st);
	/* a damaged row (its count one more than its data) fails the statement, saying which row and what to do */
	static const char *const damaged[] = {
		"UPDATE p SET n=4",
		"UPDATE p SET n=3, data=x'0280'",
		"UPDATE p SET data='text'",
		"UPDATE p SET data=NULL",
	};
	for (size_t c = 0; c < sizeof(damaged) / sizeof(damaged[0]); c++) {
		assert_int_equal(sqlite3_exec(db, damaged[c], NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(
			sqlite3_prepare_v2(db, "SELECT u.ts FROM p, sample_unpack(p.ts, p.n, p.data) u", -1, &st, NULL),
			SQLITE_OK);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			;
		assert_int_not_equal(rc, SQLITE_DONE);
		const char *msg = sqlite3_errmsg(db);
		print_message("%s: %s\n", damaged[c], msg);
		assert_non_null(strstr(msg, "is damaged"));
		assert_non_null(strstr(msg, "`kcon history prune` drops"));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),    cmocka_unit_test(test_split),
		cmocka_unit_test(test_hostile),      cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_sql_function), cmocka_unit_test(test_count_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
