/* The history store's WAL checkpoints, off the writing thread: see storeckpt.h. */
#include "storeckpt.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "loop.h"
#include "xalloc.h"

struct storeckpt {
	sqlite3 *db; /* the writer's connection (its thread only: the WAL hook runs in its commits) */
	char *path;
	dev_t dev; /* the file the writer opened (0, 0: unknown), which the thread's connection must open too */
	ino_t ino;
	pthread_t th;
	bool started; /* the thread runs */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool want, busy, quit;    /* under mu */
	long background, inline_; /* under mu */
	int bound;                /* under mu: STORECKPT_BOUND, or a test's */
	/* under mu: the thread could not start, open its connection or checkpoint; from then on the
	 * commit that finds the WAL at STORECKPT_PAGES checkpoints itself (SQLite's default) */
	bool broken, told;
	char *why; /* why it broke */
};

/* Opens the thread's own connection to the writer's file; NULL, or why not (callee allocates). */
static char *storeckpt_connect(struct storeckpt *c, sqlite3 **dbp)
{
	sqlite3 *db = NULL;
	char *why = NULL;
	/* a read first: a connection knows the file is in WAL mode once it has read it */
	if (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK) {
		why = x_asprintf("cannot open %s: %s", c->path, db ? sqlite3_errmsg(db) : "out of memory");
	} else if (c->ino != 0) {
		/* another kcon may have moved a damaged file aside and made a new one at the path */
		struct stat st;
		if (stat(c->path, &st) != 0 || st.st_dev != c->dev || st.st_ino != c->ino)
			why = x_asprintf("%s is no longer the file this kcon writes (moved aside or replaced)",
					 c->path);
	}
	if (why) {
		sqlite3_close(db);
		db = NULL;
	}
	*dbp = db;
	return why;
}

static void *storeckpt_main(void *arg)
{
	struct storeckpt *c = arg;
	sqlite3 *db = NULL;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->want && !c->quit)
			pthread_cond_wait(&c->cond, &c->mu);
		if (c->quit)
			break;
		c->want = false;
		c->busy = true;
		pthread_mutex_unlock(&c->mu);
		char *why = db ? NULL : storeckpt_connect(c, &db);
		/* PASSIVE: copies what no reader still needs, never waits for a lock nor holds the writer */
		int log = -1, copied = -1; /* -1: the connection does not see the file in WAL mode */
		int rc = db ? sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
			    : SQLITE_ERROR;
		/* SQLITE_BUSY: another process's checkpoint holds the lock, which passes */
		if (db && rc != SQLITE_OK && rc != SQLITE_BUSY)
			why = x_asprintf("checkpoint of %s: %s", c->path, sqlite3_errmsg(db));
		else if (db && rc == SQLITE_OK && log < 0)
			why = x_asprintf("%s is not in WAL mode for the checkpoint's connection", c->path);
		pthread_mutex_lock(&c->mu);
		c->busy = false;
		if (rc == SQLITE_OK && copied > 0)
			c->background++;
		if (why && !c->broken) {
			c->broken = true;
			c->why = why;
		} else {
			free(why);
		}
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->mu);
	sqlite3_close(db); /* not the last connection: closing it checkpoints nothing */
	return NULL;
}

/* After each commit of the writer, with the WAL's size in pages. */
static int storeckpt_hook(void *ud, sqlite3 *db, const char *name, int pages)
{
	struct storeckpt *c = ud;
	if (pages < STORECKPT_PAGES)
		return SQLITE_OK;
	pthread_mutex_lock(&c->mu);
	if (!c->started && !c->broken) {
		int err = loop_thread_start(&c->th, storeckpt_main, c); /* no signals on it */
		c->started = err == 0;
		if (err) {
			c->broken = true;
			c->why = x_asprintf("cannot start a thread: %s", strerror(err));
		}
	}
	/* the thread broken, or behind (a checkpoint asked or under way) with the WAL at the bound:
	 * this commit's */
	bool self = c->broken || (pages >= c->bound && (c->want || c->busy));
	if (!self) {
		c->want = true;
		pthread_cond_signal(&c->cond);
	}
	pthread_mutex_unlock(&c->mu);
	if (self && sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK) {
		pthread_mutex_lock(&c->mu);
		c->inline_++;
		pthread_mutex_unlock(&c->mu);
	}
	return SQLITE_OK;
}

struct storeckpt *storeckpt_start(sqlite3 *db, const char *path)
{
	struct storeckpt *c = x_calloc(1, sizeof(*c));
	c->db = db;
	c->path = x_strdup(path);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cond, NULL);
	c->bound = STORECKPT_BOUND;
	struct stat st; /* db has just opened it */
	if (stat(path, &st) == 0)
		c->dev = st.st_dev, c->ino = st.st_ino;
	sqlite3_wal_hook(db, storeckpt_hook, c); /* replaces the automatic checkpoint */
	return c;
}

void storeckpt_stop(struct storeckpt **cp)
{
	struct storeckpt *c = *cp;
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->quit = true;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->mu);
	if (c->started)
		pthread_join(c->th, NULL);
	sqlite3_wal_autocheckpoint(c->db, STORECKPT_PAGES); /* SQLite's own hook again, for closing */
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cond);
	free(c->why);
	free(c->path);
	free(c);
	*cp = NULL;
}

void storeckpt_counts(struct storeckpt *c, long *background, long *inline_)
{
	pthread_mutex_lock(&c->mu);
	*background = c->background;
	*inline_ = c->inline_;
	pthread_mutex_unlock(&c->mu);
}

bool storeckpt_idle(struct storeckpt *c, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L)
		until.tv_sec++, until.tv_nsec -= 1000000000L;
	pthread_mutex_lock(&c->mu);
	int rc = 0;
	while ((c->want || c->busy) && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&c->cond, &c->mu, &until);
	bool idle = !c->want && !c->busy;
	pthread_mutex_unlock(&c->mu);
	return idle;
}

char *storeckpt_notice(struct storeckpt *c)
{
	char *msg = NULL;
	if (!c)
		return NULL;
	pthread_mutex_lock(&c->mu);
	if (c->broken && !c->told) {
		c->told = true;
		msg = x_asprintf("history store: WAL checkpoints are back in the writes (%s); a write that copies "
				 "the WAL back takes tens to hundreds of ms more (restart kcon to retry)",
				 c->why);
	}
	pthread_mutex_unlock(&c->mu);
	return msg;
}

bool storeckpt_broken(struct storeckpt *c)
{
	if (!c)
		return false;
	pthread_mutex_lock(&c->mu);
	bool broken = c->broken;
	pthread_mutex_unlock(&c->mu);
	return broken;
}

void storeckpt_set_bound(struct storeckpt *c, int pages)
{
	pthread_mutex_lock(&c->mu);
	c->bound = pages;
	pthread_mutex_unlock(&c->mu);
}
