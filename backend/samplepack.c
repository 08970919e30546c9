#include "samplepack.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "xalloc.h"

/* --- codec -------------------------------------------------------------------------------- */

static size_t samplepack_put(uint8_t *p, uint64_t v)
{
	size_t k = 0;
	while (v >= 0x80) {
		p[k++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[k++] = (uint8_t)v;
	return k;
}

/* The difference cur - prev of two values in [-1, INT64_MAX], zig-zag mapped (wraps never lose bits). */
static uint64_t samplepack_zz(int64_t cur, int64_t prev)
{
	uint64_t d = (uint64_t)cur - (uint64_t)prev;
	return (d << 1) ^ (0 - (d >> 63));
}

static int64_t samplepack_unzz(uint64_t zz, int64_t prev)
{
	uint64_t d = (zz >> 1) ^ (0 - (zz & 1));
	uint64_t v = (uint64_t)prev + d;
	int64_t out;
	memcpy(&out, &v, sizeof(out));
	return out;
}

int samplepack_encode(const struct samplepack_sample *v, int n, uint8_t *out, size_t cap, size_t *len)
{
	size_t k = 0;
	int i = 0;
	if (n <= 0 || cap < SAMPLEPACK_SAMPLE_MAX) {
		*len = 0;
		return 0;
	}
	/* the decoder's range: a row of another time could never be read back */
	if (v[0].ts < 0 || v[0].ts >= INT64_MAX - 7200) {
		*len = 0;
		return 0;
	}
	int64_t hour_end = v[0].ts / 3600 * 3600 + 3600, pa = 0, pb = 0;
	for (; i < n && k + SAMPLEPACK_SAMPLE_MAX <= cap; i++) {
		if (i > 0) {
			if (v[i].ts >= hour_end || v[i].ts <= v[i - 1].ts)
				break;
			k += samplepack_put(out + k, (uint64_t)(v[i].ts - v[i - 1].ts));
		}
		int64_t a = v[i].a < 0 ? -1 : v[i].a, b = v[i].b < 0 ? -1 : v[i].b;
		k += samplepack_put(out + k, samplepack_zz(a, pa));
		k += samplepack_put(out + k, samplepack_zz(b, pb));
		pa = a;
		pb = b;
	}
	*len = k;
	return i;
}

void samplepack_begin(struct samplepack_iter *it, int64_t ts, int64_t n, const void *data, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->p = data;
	it->end = it->p ? it->p + len : NULL;
	it->n = n;
	it->hour_end = ts >= 0 && ts < INT64_MAX - 7200 ? ts / 3600 * 3600 + 3600 : -1;
	it->cur.ts = ts;
}

static bool samplepack_get(struct samplepack_iter *it, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (it->p == it->end)
			return (it->why = "the data ends inside a number"), false;
		uint8_t c = *it->p++;
		if (shift == 63 && c > 1)
			return (it->why = "a number is longer than 64 bits"), false;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return true;
		}
	}
	return (it->why = "a number is longer than 64 bits"), false;
}

int samplepack_next(struct samplepack_iter *it)
{
	if (it->why)
		return -1;
	if (it->hour_end < 0)
		return (it->why = "its time is out of range"), -1;
	if (it->n < 1)
		return (it->why = "its count is not positive"), -1;
	if (it->n > SAMPLEPACK_HOUR_MAX)
		return (it->why = "its count is more than an hour's seconds"), -1;
	if (it->i == it->n) {
		if (it->p != it->end)
			return (it->why = "there are more bytes than its count of samples"), -1;
		return 0;
	}
	struct samplepack_sample s = it->cur;
	uint64_t dt = 0, za, zb;
	if (it->i > 0 && !samplepack_get(it, &dt))
		return -1;
	if (it->i > 0 && (dt == 0 || dt >= (uint64_t)(it->hour_end - s.ts)))
		return (it->why = dt == 0 ? "two samples have the same time" : "a sample's time leaves the row's hour"),
		       -1;
	if (!samplepack_get(it, &za) || !samplepack_get(it, &zb))
		return -1;
	s.ts += (int64_t)dt;
	s.a = samplepack_unzz(za, it->i > 0 ? it->cur.a : 0);
	s.b = samplepack_unzz(zb, it->i > 0 ? it->cur.b : 0);
	if (s.a < -1 || s.b < -1)
		return (it->why = "a value is negative"), -1;
	it->cur = s;
	it->i++;
	return 1;
}

int samplepack_decode(int64_t ts, int64_t n, const void *data, size_t len, struct samplepack_sample **out, int *nout,
		      const char **why)
{
	struct samplepack_iter it;
	samplepack_begin(&it, ts, n, data, len);
	*out = NULL;
	*nout = 0;
	/* a sample takes at least 2 bytes: a count above that is damage, not an allocation to make */
	if (n > SAMPLEPACK_HOUR_MAX) {
		*why = "its count is more than an hour's seconds";
		return -1;
	}
	if (n > 0 && (uint64_t)n > len / 2 + 1) {
		*why = "its count is more than its data holds";
		return -1;
	}
	if (n > 0)
		*out = x_reallocarray(NULL, (size_t)n, sizeof(**out));
	int rc;
	while ((rc = samplepack_next(&it)) == 1)
		(*out)[(*nout)++] = it.cur;
	if (rc < 0) {
		*why = it.why;
		x_free(out);
		*nout = 0;
		return -1;
	}
	return 0;
}

/* --- sample_unpack(ts, n, data) ----------------------------------------------------------- */

struct samplepack_cursor {
	sqlite3_vtab_cursor base;
	struct samplepack_iter it;
	int64_t row_ts;
	bool eof;
	void *data; /* the row's data, copied: xFilter's arguments need not outlive the call */
	int len;
	int64_t n; /* the row's count as given */
};

static int samplepack_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **vt, char **err)
{
	(void)aux, (void)argc, (void)argv, (void)err;
	int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(ts INTEGER, a INTEGER, b INTEGER, row_ts HIDDEN, n HIDDEN, "
					  "data HIDDEN)");
	if (rc != SQLITE_OK)
		return rc;
	*vt = sqlite3_malloc(sizeof(**vt));
	if (*vt == NULL)
		return SQLITE_NOMEM;
	memset(*vt, 0, sizeof(**vt));
	sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
	return SQLITE_OK;
}

static int samplepack_disconnect(sqlite3_vtab *vt)
{
	sqlite3_free(vt);
	return SQLITE_OK;
}

/*
 * The three hidden columns must be given (by equality); without them there is nothing to read. The
 * first usable equality of each is taken (a column constrained twice passes one argument once).
 */
static int samplepack_best_index(sqlite3_vtab *vt, sqlite3_index_info *ii)
{
	(void)vt;
	int have = 0;
	for (int i = 0; i < ii->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &ii->aConstraint[i];
		if (c->iColumn < 3 || c->iColumn > 5 || c->op != SQLITE_INDEX_CONSTRAINT_EQ || !c->usable ||
		    (have & 1 << (c->iColumn - 3)))
			continue;
		ii->aConstraintUsage[i].argvIndex = c->iColumn - 2;
		ii->aConstraintUsage[i].omit = 1;
		have |= 1 << (c->iColumn - 3);
	}
	if (have != 7)
		return SQLITE_CONSTRAINT;
	ii->estimatedCost = 10;
	ii->estimatedRows = 60;
	if (ii->nOrderBy == 1 && ii->aOrderBy[0].iColumn == 0 && !ii->aOrderBy[0].desc)
		ii->orderByConsumed = 1; /* samples come in time order */
	return SQLITE_OK;
}

static int samplepack_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **cur)
{
	(void)vt;
	struct samplepack_cursor *c = sqlite3_malloc(sizeof(*c));
	if (c == NULL)
		return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	*cur = &c->base;
	return SQLITE_OK;
}

static int samplepack_close(sqlite3_vtab_cursor *cur)
{
	sqlite3_free(((struct samplepack_cursor *)cur)->data);
	sqlite3_free(cur);
	return SQLITE_OK;
}

static int samplepack_step(struct samplepack_cursor *c)
{
	int rc = samplepack_next(&c->it);
	c->eof = rc != 1;
	if (rc >= 0)
		return SQLITE_OK;
	sqlite3_vtab *vt = c->base.pVtab;
	sqlite3_free(vt->zErrMsg);
	vt->zErrMsg = sqlite3_mprintf("a packed row of samples (sample_pack, ts %lld) is damaged: %s (the file was "
				      "changed outside kcon or by a failing disk; `kcon history prune` drops it, or "
				      "move history.db aside for a new one)",
				      (long long)c->row_ts, c->it.why);
	return SQLITE_CORRUPT_VTAB;
}

static int samplepack_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
	(void)idx, (void)idxstr;
	struct samplepack_cursor *c = (struct samplepack_cursor *)cur;
	sqlite3_free(c->data);
	c->data = NULL;
	c->eof = true;
	if (argc != 3) {
		sqlite3_free(cur->pVtab->zErrMsg);
		cur->pVtab->zErrMsg = sqlite3_mprintf("sample_unpack needs its three arguments (ts, n, data)");
		return SQLITE_ERROR;
	}
	/* the types first: reading a value as another type converts it */
	bool typed = sqlite3_value_type(argv[0]) == SQLITE_INTEGER && sqlite3_value_type(argv[1]) == SQLITE_INTEGER &&
		     sqlite3_value_type(argv[2]) == SQLITE_BLOB;
	c->row_ts = sqlite3_value_type(argv[0]) == SQLITE_INTEGER ? sqlite3_value_int64(argv[0]) : 0;
	int len = typed ? sqlite3_value_bytes(argv[2]) : 0;
	c->n = typed ? sqlite3_value_int64(argv[1]) : 0;
	c->len = len;
	if (len > 0) {
		c->data = sqlite3_malloc(len);
		if (c->data == NULL)
			return SQLITE_NOMEM;
		memcpy(c->data, sqlite3_value_blob(argv[2]), (size_t)len);
	}
	samplepack_begin(&c->it, c->row_ts, typed ? sqlite3_value_int64(argv[1]) : 0, c->data,
			 len > 0 ? (size_t)len : 0);
	if (!typed)
		c->it.why = "its columns are not (integer, integer, blob)";
	return samplepack_step(c);
}

static int samplepack_next_row(sqlite3_vtab_cursor *cur)
{
	return samplepack_step((struct samplepack_cursor *)cur);
}

static int samplepack_eof(sqlite3_vtab_cursor *cur)
{
	return ((struct samplepack_cursor *)cur)->eof;
}

static int samplepack_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct samplepack_cursor *c = (struct samplepack_cursor *)cur;
	/* the hidden columns too: a second constraint on one of them is checked by SQLite */
	if (col == 5) {
		sqlite3_result_blob(ctx, c->data ? c->data : "", c->len, SQLITE_TRANSIENT);
		return SQLITE_OK;
	}
	int64_t v = col == 0   ? c->it.cur.ts
		    : col == 1 ? c->it.cur.a
		    : col == 2 ? c->it.cur.b
		    : col == 3 ? c->row_ts
			       : c->n;
	if (col >= 3) {
		sqlite3_result_int64(ctx, v);
		return SQLITE_OK;
	}
	if (v < 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, v);
	return SQLITE_OK;
}

static int samplepack_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *rowid)
{
	*rowid = ((struct samplepack_cursor *)cur)->it.i;
	return SQLITE_OK;
}

static const sqlite3_module samplepack_module = {
	.iVersion = 0,
	.xConnect = samplepack_connect,
	.xBestIndex = samplepack_best_index,
	.xDisconnect = samplepack_disconnect,
	.xOpen = samplepack_open,
	.xClose = samplepack_close,
	.xFilter = samplepack_filter,
	.xNext = samplepack_next_row,
	.xEof = samplepack_eof,
	.xColumn = samplepack_column,
	.xRowid = samplepack_rowid,
};

int samplepack_register(sqlite3 *db)
{
	int rc = sqlite3_create_module(db, "sample_unpack", &samplepack_module, NULL);
	/*
	 * Connected now, once for the connection: connecting declares its columns with a CREATE TABLE,
	 * which a read-only authorizer set later (history sql's) would refuse.
	 */
	sqlite3_stmt *st = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT ts FROM sample_unpack(0, 1, x'0000')", -1, &st, NULL);
	sqlite3_finalize(st);
	return rc;
}
