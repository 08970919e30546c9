/* The history store's WAL checkpoints, off the writing thread: see storeckpt.h. */
#include "storeckpt.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "xalloc.h"

struct storeckpt {
	sqlite3 *db; /* the writer's connection (its thread only: the WAL hook runs in its commits) */
	char *path;
	pthread_t th;
	bool started, failed; /* the thread runs; it could not start (the commit checkpoints) */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool want, busy, quit;    /* under mu */
	long background, inline_; /* under mu */
};

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
		/* a read first: a connection knows the file is in WAL mode once it has read it */
		if (db == NULL &&
		    (sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
		     sqlite3_exec(db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK)) {
			sqlite3_close(db); /* the writer's bound checkpoints instead */
			db = NULL;
		}
		/* PASSIVE: copies what no reader still needs, never waits for a lock nor holds the writer */
		int log = -1, copied = -1; /* -1: the connection does not see the file in WAL mode */
		int rc = db ? sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
			    : SQLITE_ERROR;
		pthread_mutex_lock(&c->mu);
		c->busy = false;
		if (rc == SQLITE_OK && copied > 0)
			c->background++;
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
	if (!c->started && !c->failed) {
		sigset_t all, old; /* signals go to the threads that wait for them, never to this one */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		c->started = pthread_create(&c->th, NULL, storeckpt_main, c) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		c->failed = !c->started;
	}
	/* the thread behind (a checkpoint asked or under way) and the WAL at the bound: this commit's */
	bool self = !c->started || (pages >= STORECKPT_BOUND && (c->want || c->busy));
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
