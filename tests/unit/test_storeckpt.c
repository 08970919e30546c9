/* storeckpt: the history store's WAL checkpoints run off the writing thread (the commit that grows
 * the WAL past STORECKPT_PAGES only asks), copy everything back, let the WAL start again, and
 * closing leaves no WAL; should the thread break or fall behind, the commits checkpoint themselves.
 * A VFS shim records which thread writes the database file itself (in WAL mode only a checkpoint
 * does), and can refuse or hold the checkpoint thread's open. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>

#include "store.h"
#include "storeckpt.h"
#include "xalloc.h"

/* --- a VFS that counts writes to main database files, by thread ------------------------------- */

static sqlite3_vfs *shim_real;
static sqlite3_vfs shim_vfs;
static pthread_t shim_test_thread;
static pthread_mutex_t shim_mu = PTHREAD_MUTEX_INITIALIZER;
static long shim_writes_here, shim_writes_elsewhere; /* to main database files, under shim_mu */
static bool shim_refuse_elsewhere;          /* other threads cannot open a main database file (under shim_mu) */
static bool shim_hold_elsewhere, shim_held; /* other threads wait in opening one; one does (under shim_mu) */
static pthread_cond_t shim_cond = PTHREAD_COND_INITIALIZER;

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct */
	int main_db;
};

#define REAL(f) (((struct shim_file *)(f))->real)

static int shim_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}
static int shim_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int shim_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	if (((struct shim_file *)f)->main_db) {
		pthread_mutex_lock(&shim_mu);
		if (pthread_equal(pthread_self(), shim_test_thread))
			shim_writes_here++;
		else
			shim_writes_elsewhere++;
		pthread_mutex_unlock(&shim_mu);
	}
	return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int shim_truncate(sqlite3_file *f, sqlite3_int64 n)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), n);
}
static int shim_sync(sqlite3_file *f, int fl)
{
	return REAL(f)->pMethods->xSync(REAL(f), fl);
}
static int shim_size(sqlite3_file *f, sqlite3_int64 *n)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), n);
}
static int shim_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int shim_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int shim_reserved(sqlite3_file *f, int *r)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r);
}
static int shim_fcntl(sqlite3_file *f, int op, void *a)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, a);
}
static int shim_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int shim_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int shim_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, p);
}
static int shim_shmlock(sqlite3_file *f, int off, int n, int fl)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, fl);
}
static void shim_shmbarrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int shim_shmunmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static const sqlite3_io_methods shim_io = {
	2,
	shim_close,
	shim_read,
	shim_write,
	shim_truncate,
	shim_sync,
	shim_size,
	shim_lock,
	shim_unlock,
	shim_reserved,
	shim_fcntl,
	shim_sector,
	shim_devchar,
	shim_shmmap,
	shim_shmlock,
	shim_shmbarrier,
	shim_shmunmap,
	NULL,
	NULL,
};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	struct shim_file *p = (struct shim_file *)f;
	p->real = (sqlite3_file *)(p + 1);
	p->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
	pthread_mutex_lock(&shim_mu);
	bool elsewhere = p->main_db && !pthread_equal(pthread_self(), shim_test_thread);
	bool refuse = elsewhere && shim_refuse_elsewhere;
	while (elsewhere && shim_hold_elsewhere) {
		shim_held = true;
		pthread_cond_broadcast(&shim_cond);
		pthread_cond_wait(&shim_cond, &shim_mu);
	}
	pthread_mutex_unlock(&shim_mu);
	if (refuse) {
		p->base.pMethods = NULL;
		return SQLITE_CANTOPEN; /* as out of descriptors would */
	}
	int rc = shim_real->xOpen(shim_real, name, p->real, flags, out);
	p->base.pMethods = rc == SQLITE_OK ? &shim_io : NULL;
	return rc;
}

static void shim_install(void)
{
	shim_real = sqlite3_vfs_find(NULL);
	shim_vfs = *shim_real;
	shim_vfs.iVersion = 1; /* the calls past version 1 (xCurrentTimeInt64...) come from shim_real's copy */
	shim_vfs.zName = "kcon-test-shim";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + shim_real->szOsFile;
	shim_vfs.xOpen = shim_open;
	assert_int_equal(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);
}

static void shim_counts(long *here, long *elsewhere)
{
	pthread_mutex_lock(&shim_mu);
	*here = shim_writes_here;
	*elsewhere = shim_writes_elsewhere;
	shim_writes_here = shim_writes_elsewhere = 0;
	pthread_mutex_unlock(&shim_mu);
}

/* --- tests ------------------------------------------------------------------------------------ */

/* A commit of about a megabyte (64 pages of 16 KiB) on the store's own connection. */
static void fill(struct store *s, int i)
{
	char *sql = x_asprintf("INSERT INTO ckpt_fill VALUES(%d, randomblob(1000000))", i);
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
}

/* Pages in the WAL of path (and how many are in the database after a PASSIVE checkpoint of another connection). */
static void wal_state(const char *path, int *log, int *copied)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL), SQLITE_OK);
	/* what the checker copies comes after the checks that count writes */
	assert_int_equal(sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, log, copied), SQLITE_OK);
	sqlite3_close(db);
}

static void test_checkpoint_off_the_writer(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/kcon-test-storeckpt-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char *path = x_asprintf("%s/history.db", dir), *wal = x_asprintf("%s-wal", path);
	char *notice = NULL, *cause = NULL;
	struct store *s = store_open(path, NULL, &notice, &cause);
	assert_non_null(s);
	assert_non_null(store_checkpointer(s));
	assert_int_equal(sqlite3_exec(store_db(s), "CREATE TABLE ckpt_fill(i, b)", NULL, NULL, NULL), SQLITE_OK);
	long here, elsewhere;
	shim_counts(&here, &elsewhere); /* from here on */

	/* 20 commits of 64 pages: the WAL passes STORECKPT_PAGES on the 16th */
	for (int i = 0; i < 20; i++)
		fill(s, i);
	assert_true(storeckpt_idle(store_checkpointer(s), 30000));
	shim_counts(&here, &elsewhere);
	assert_int_equal(here, 0);    /* no commit copied the WAL back (SQLite's own would have, in the 16th) */
	assert_true(elsewhere > 100); /* the checkpoint thread did: the pages of 16 MB */
	long bg, inl;
	storeckpt_counts(store_checkpointer(s), &bg, &inl);
	assert_true(bg >= 1);
	assert_int_equal(inl, 0);

	/* the thread copied all of it: the next commit starts the WAL again from its beginning */
	fill(s, 20);
	int log, copied;
	wal_state(path, &log, &copied);
	assert_true(log > 0 && log < 100);

	/* another connection reads every commit */
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), sum(length(b)) FROM ckpt_fill", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 21);
	assert_int_equal(sqlite3_column_int64(st, 1), 21000000);
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* closing (the last connection) copies the rest back and removes the WAL */
	for (int i = 21; i < 40; i++)
		fill(s, i);
	store_close(&s);
	assert_int_not_equal(access(wal, F_OK), 0);
	char *cmd = x_asprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(path);
	free(wal);
}

static void shim_refuse(bool on)
{
	pthread_mutex_lock(&shim_mu);
	shim_refuse_elsewhere = on;
	pthread_mutex_unlock(&shim_mu);
}

/* Holds the other threads in their next open of a main database file, or lets them go. */
static void shim_hold(bool on)
{
	pthread_mutex_lock(&shim_mu);
	shim_hold_elsewhere = on;
	shim_held = false;
	pthread_cond_broadcast(&shim_cond);
	pthread_mutex_unlock(&shim_mu);
}

/* Waits until another thread is held. */
static void shim_wait_held(void)
{
	pthread_mutex_lock(&shim_mu);
	while (!shim_held)
		pthread_cond_wait(&shim_cond, &shim_mu);
	pthread_mutex_unlock(&shim_mu);
}

static char *temp_store(struct store **s)
{
	char tmpl[] = "/tmp/kcon-test-storeckpt-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char *path = x_asprintf("%s/history.db", dir);
	char *notice = NULL, *cause = NULL;
	*s = store_open(path, NULL, &notice, &cause);
	assert_non_null(*s);
	assert_non_null(store_checkpointer(*s));
	assert_int_equal(sqlite3_exec(store_db(*s), "CREATE TABLE ckpt_fill(i, b)", NULL, NULL, NULL), SQLITE_OK);
	return path;
}

static void temp_remove(char *path)
{
	char *cmd = x_asprintf("rm -rf \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(path);
}

/* The thread behind (its checkpoint under way) and the WAL at the bound: the commit checkpoints itself. */
static void test_bound_while_busy(void **state)
{
	(void)state;
	struct store *s;
	char *path = temp_store(&s);
	struct storeckpt *ck = store_checkpointer(s);
	storeckpt_set_bound(ck, 1200);
	shim_hold(true);
	long here, elsewhere, bg, inl;
	shim_counts(&here, &elsewhere);
	/* past STORECKPT_PAGES on the 16th commit: the thread starts and stays in opening its connection */
	for (int i = 0; i < 16; i++)
		fill(s, i);
	shim_wait_held();
	shim_counts(&here, &elsewhere);
	assert_int_equal(here, 0);
	storeckpt_counts(ck, &bg, &inl);
	assert_int_equal(inl, 0);
	/* 64 pages each: the 20th commit finds the WAL past 1,200 pages */
	for (int i = 16; i < 22; i++)
		fill(s, i);
	shim_counts(&here, &elsewhere);
	assert_true(here > 100); /* that commit copied the WAL back */
	assert_int_equal(elsewhere, 0);
	storeckpt_counts(ck, &bg, &inl);
	assert_int_equal(inl, 1);
	assert_false(storeckpt_broken(ck)); /* only behind */
	int log, copied;
	wal_state(path, &log, &copied);
	assert_true(log > 0 && log < 200); /* it started the WAL again */
	shim_hold(false);
	assert_true(storeckpt_idle(ck, 30000));
	assert_false(storeckpt_broken(ck));
	store_close(&s);
	temp_remove(path);
}

/* Another kcon moved the file aside (it found it damaged) and made a new one at the path, before the
 * thread opened its connection: the thread would checkpoint that one; the writer's commits checkpoint
 * theirs. */
static void test_path_replaced(void **state)
{
	(void)state;
	struct store *s;
	char *path = temp_store(&s);
	for (int i = 0; i < 3; i++) {
		char *from = x_asprintf("%s%s", path, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
		char *to = x_asprintf("%s.aside%s", path, i == 0 ? "" : i == 1 ? "-wal" : "-shm");
		assert_int_equal(rename(from, to), 0);
		free(from);
		free(to);
	}
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE other(x)", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	long here, elsewhere, bg, inl;
	shim_counts(&here, &elsewhere);
	for (int i = 0; i < 16; i++)
		fill(s, i);
	struct storeckpt *ck = store_checkpointer(s);
	assert_true(storeckpt_idle(ck, 30000));
	assert_true(storeckpt_broken(ck));
	for (int i = 16; i < 40; i++)
		fill(s, i);
	shim_counts(&here, &elsewhere);
	assert_true(here > 100);
	assert_int_equal(elsewhere, 0); /* the new file was not checkpointed */
	storeckpt_counts(ck, &bg, &inl);
	assert_int_equal(bg, 0);
	assert_true(inl >= 1);
	char *notice = storeckpt_notice(ck);
	assert_non_null(notice);
	assert_non_null(strstr(notice, "moved aside or replaced"));
	free(notice);
	store_close(&s);
	temp_remove(path);
}

/* The checkpoint thread cannot open its connection (out of descriptors, say): the writing commits
 * checkpoint themselves, and the WAL stays as small as SQLite's default keeps it. */
static void test_thread_cannot_open(void **state)
{
	(void)state;
	struct store *s;
	char *path = temp_store(&s);
	struct storeckpt *ck = store_checkpointer(s);
	shim_refuse(true);
	long here, elsewhere;
	shim_counts(&here, &elsewhere);
	/* 40 commits of 64 pages: 2,560 pages were none checkpointed */
	for (int i = 0; i < 40; i++)
		fill(s, i);
	assert_true(storeckpt_idle(ck, 30000));
	shim_counts(&here, &elsewhere);
	assert_int_equal(elsewhere, 0);
	assert_true(here > 100); /* the commits copied the WAL back */
	int log, copied;
	wal_state(path, &log, &copied);
	assert_true(log > 0 && log <= STORECKPT_PAGES + 64);
	/* told once */
	assert_true(storeckpt_broken(ck));
	char *told = storeckpt_notice(ck);
	assert_non_null(told);
	assert_non_null(strstr(told, "cannot open"));
	free(told);
	assert_null(storeckpt_notice(ck));
	store_close(&s);
	shim_refuse(false);
	temp_remove(path);
}

/* A store in memory has no WAL and no checkpointer. */
static void test_memory_store(void **state)
{
	(void)state;
	char *notice = NULL, *cause = NULL;
	struct store *s = store_open(":memory:", NULL, &notice, &cause);
	assert_non_null(s);
	assert_null(store_checkpointer(s));
	store_close(&s);
}

int main(void)
{
	shim_test_thread = pthread_self();
	shim_install();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkpoint_off_the_writer),
		cmocka_unit_test(test_thread_cannot_open),
		cmocka_unit_test(test_bound_while_busy),
		cmocka_unit_test(test_path_replaced),
		cmocka_unit_test(test_memory_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
