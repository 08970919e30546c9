#include "clock.h"
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "xalloc.h"

struct loop_fd {
	int fd;
	short events;
	loop_fd_cb cb;
	void *ud;
};

struct loop_timer {
	unsigned id;
	int64_t due;
	loop_timer_cb cb;
	void *ud;
};

struct loop_job {
	struct cmd_ctx *ctx; /* a command, or NULL for a job of fn */
	loop_cmd_cb done;
	loop_job_fn fn;            /* a job's work, on the worker */
	loop_job_done_fn job_done; /* and its end, on the loop thread */
	void *ud;
	struct loop_job *next;
	int wake[2];          /* a CMD_INTERRUPT command's: loop_interrupt() writes a byte to wake its cmd_nap() */
	struct loop *loop;    /* for a job on a thread of its own (CMD_OWN_THREAD) */
	pthread_t thread;     /* that thread */
	struct loop_job *own; /* the next such job: l->own (running) or l->own_done (finished) */
};

struct loop {
	struct loop_fd *fds;
	int nfds;
	struct loop_timer *timers;
	int ntimers;
	unsigned next_timer;
	bool stopped;

	loop_signal_cb sig_cb;
	void *sig_ud;
	int sigs[16];
	struct sigaction old[16];
	int nsigs;

	/* Loop thread only: the queue, and the job the worker has. */
	struct loop_job *head, *tail, *running;
	struct loop_job *first_tail; /* the last queued by loop_run_command_first, while it waits */
	int pending;
	bool pumping;

	/* Shared with the worker under mu. */
	pthread_t worker;
	bool started, quit;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct loop_job *todo, *finished;
	struct loop_job *own_done; /* CMD_OWN_THREAD jobs finished, to be joined */
	int wake[2];               /* the worker writes a byte when a job finished */
	/* Loop thread only: CMD_OWN_THREAD jobs running; set while loop_free() runs. */
	struct loop_job *own;
	bool freeing;
};

/* The write end of the signal self-pipe; one per process, since handlers get no context. */
static int loop_sig_pipe[2] = { -1, -1 };

static int loop_pipe(int p[2], char **cause)
{
	if (pipe(p) < 0) {
		*cause = x_asprintf("cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
		fcntl(p[i], F_SETFD, FD_CLOEXEC);
	}
	return 0;
}

struct loop *loop_new(char **cause)
{
	struct loop *l = x_calloc(1, sizeof(*l));
	*cause = NULL;
	if (loop_pipe(l->wake, cause) < 0) {
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cond, NULL);
	return l;
}

void loop_fd_drain(int fd)
{
	char buf[64];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* --- signals -------------------------------------------------------------------------------- */

static void loop_on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	if (loop_sig_pipe[1] >= 0 && write(loop_sig_pipe[1], &b, 1) < 0) {
		/* a full pipe already holds enough wake-ups */
	}
	errno = saved;
}

void loop_signals(struct loop *l, const int *signals, loop_signal_cb cb, void *ud)
{
	char *cause = NULL;
	if (loop_sig_pipe[0] < 0 && loop_pipe(loop_sig_pipe, &cause) < 0) {
		free(cause);
		return;
	}
	l->sig_cb = cb;
	l->sig_ud = ud;
	for (const int *s = signals; *s && l->nsigs < (int)(sizeof(l->sigs) / sizeof(l->sigs[0])); s++) {
		struct sigaction sa = { .sa_handler = loop_on_signal, .sa_flags = SA_RESTART };
		sigemptyset(&sa.sa_mask);
		if (sigaction(*s, &sa, &l->old[l->nsigs]) == 0)
			l->sigs[l->nsigs++] = *s;
	}
}

static void loop_signals_restore(struct loop *l)
{
	for (int i = 0; i < l->nsigs; i++)
		sigaction(l->sigs[i], &l->old[i], NULL);
	l->nsigs = 0;
	if (l->sig_cb && loop_sig_pipe[0] >= 0) {
		close(loop_sig_pipe[0]);
		close(loop_sig_pipe[1]);
		loop_sig_pipe[0] = loop_sig_pipe[1] = -1;
	}
}

/* --- fds and timers ------------------------------------------------------------------------- */

void loop_fd_add(struct loop *l, int fd, short events, loop_fd_cb cb, void *ud)
{
	loop_fd_remove(l, fd);
	l->fds = x_reallocarray(l->fds, (size_t)l->nfds + 1, sizeof(*l->fds));
	l->fds[l->nfds++] = (struct loop_fd){ fd, events, cb, ud };
}

void loop_fd_remove(struct loop *l, int fd)
{
	for (int i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd) {
			memmove(&l->fds[i], &l->fds[i + 1], (size_t)(l->nfds - i - 1) * sizeof(*l->fds));
			l->nfds--;
			return;
		}
}

unsigned loop_timer_add(struct loop *l, int64_t ms, loop_timer_cb cb, void *ud)
{
	l->timers = x_reallocarray(l->timers, (size_t)l->ntimers + 1, sizeof(*l->timers));
	unsigned id = ++l->next_timer;
	int64_t now = clock_mono_ms();
	int64_t due = ms < 0 ? now : ms > INT64_MAX - now ? INT64_MAX : now + ms;
	l->timers[l->ntimers++] = (struct loop_timer){ id, due, cb, ud };
	return id;
}

void loop_timer_cancel(struct loop *l, unsigned id)
{
	for (int i = 0; i < l->ntimers; i++)
		if (l->timers[i].id == id) {
			memmove(&l->timers[i], &l->timers[i + 1], (size_t)(l->ntimers - i - 1) * sizeof(*l->timers));
			l->ntimers--;
			return;
		}
}

/* The earliest timer due by now among those older than limit, or -1. Ties go to the older id. */
static int loop_timer_due(struct loop *l, int64_t now, unsigned limit)
{
	int best = -1;
	for (int i = 0; i < l->ntimers; i++) {
		const struct loop_timer *t = &l->timers[i];
		if (t->due <= now && t->id <= limit &&
		    (best < 0 || t->due < l->timers[best].due ||
		     (t->due == l->timers[best].due && t->id < l->timers[best].id)))
			best = i;
	}
	return best;
}

static void loop_fire_timers(struct loop *l)
{
	int64_t now = clock_mono_ms();
	unsigned limit = l->next_timer; /* timers added by callbacks wait for the next round */
	int i;
	while (!l->stopped && (i = loop_timer_due(l, now, limit)) >= 0) {
		struct loop_timer t = l->timers[i];
		loop_timer_cancel(l, t.id);
		t.cb(l, t.ud);
	}
}

/* --- the command worker --------------------------------------------------------------------- */

static void *loop_worker(void *arg)
{
	struct loop *l = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals go to the loop thread */
	pthread_mutex_lock(&l->mu);
	for (;;) {
		while (l->todo == NULL && !l->quit)
			pthread_cond_wait(&l->cond, &l->mu);
		if (l->todo == NULL)
			break;
		struct loop_job *j = l->todo;
		l->todo = NULL;
		pthread_mutex_unlock(&l->mu);
		if (j->ctx)
			cmd_exec(j->ctx);
		else
			j->fn(j->ud);
		pthread_mutex_lock(&l->mu);
		l->finished = j;
		if (write(l->wake[1], "", 1) < 0) {
			/* the pipe is non-blocking; a full one still wakes the loop */
		}
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* A command's job; a CMD_INTERRUPT one gets a pipe that wakes its waits (ctx->wake_fd). */
static struct loop_job *loop_job_new(struct cmd_ctx *ctx, loop_cmd_cb done, void *ud)
{
	struct loop_job *j = x_calloc(1, sizeof(*j));
	*j = (struct loop_job){ .ctx = ctx, .done = done, .ud = ud, .wake = { -1, -1 } };
	char *cause = NULL;
	if ((cmd_flags(ctx) & CMD_INTERRUPT) && loop_pipe(j->wake, &cause) == 0)
		ctx->wake_fd = j->wake[0]; /* not 0: stdin is open; else it waits out its naps */
	free(cause);
	return j;
}

/* Sets a command's interrupt and wakes its waits; true when it was not set before. */
static bool loop_job_interrupt(struct loop_job *j)
{
	if (j->ctx == NULL || !(cmd_flags(j->ctx) & CMD_INTERRUPT) || atomic_exchange(&j->ctx->interrupt, true))
		return false;
	if (j->wake[1] >= 0 && write(j->wake[1], "", 1) < 0) {
		/* a full pipe is awake already */
	}
	return true;
}

/* Calls the end of a job that ran (or, cancelled, did not) and frees it. */
static void loop_job_end(struct loop *l, struct loop_job *j, bool cancelled)
{
	if (j->ctx) { /* a job of fn has no pipe */
		for (int i = 0; i < 2; i++)
			if (j->wake[i] >= 0)
				close(j->wake[i]);
		j->ctx->wake_fd = 0;
	}
	l->pending--;
	if (j->ctx)
		j->done(l, j->ctx, j->ud);
	else if (j->job_done)
		j->job_done(l, j->ud, cancelled);
	free(j);
}

static void loop_job_done(struct loop *l, struct loop_job *j)
{
	loop_job_end(l, j, false);
}

static void *loop_own_thread(void *arg)
{
	struct loop_job *j = arg;
	struct loop *l = j->loop;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	cmd_exec(j->ctx);
	pthread_mutex_lock(&l->mu);
	j->own = l->own_done;
	l->own_done = j;
	if (write(l->wake[1], "", 1) < 0) {
		/* a full pipe still wakes the loop */
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

/* Starts a CMD_OWN_THREAD job on a thread of its own; false when no thread could be made. */
static bool loop_own_start(struct loop *l, struct loop_job *j)
{
	j->loop = l;
	j->own = l->own;
	l->own = j;
	if (pthread_create(&j->thread, NULL, loop_own_thread, j) == 0)
		return true;
	l->own = j->own;
	return false;
}

/* Joins the finished CMD_OWN_THREAD jobs and calls their callbacks. */
static void loop_own_collect(struct loop *l)
{
	pthread_mutex_lock(&l->mu);
	struct loop_job *j = l->own_done;
	l->own_done = NULL;
	pthread_mutex_unlock(&l->mu);
	while (j) {
		struct loop_job *next = j->own;
		pthread_join(j->thread, NULL);
		for (struct loop_job **p = &l->own; *p; p = &(*p)->own)
			if (*p == j) {
				*p = j->own;
				break;
			}
		loop_job_done(l, j);
		j = next;
	}
}

int loop_interrupt(struct loop *l)
{
	int n = 0;
	for (struct loop_job *j = l->own; j; j = j->own)
		n += loop_job_interrupt(j);
	if (l->running)
		n += loop_job_interrupt(l->running);
	return n;
}

/* Starts queued jobs while the worker is free: CMD_UI ones here, the others on the worker. */
static void loop_pump(struct loop *l)
{
	if (l->pumping)
		return;
	l->pumping = true;
	while (l->running == NULL && l->head) {
		struct loop_job *j = l->head;
		l->head = j->next;
		if (l->head == NULL)
			l->tail = NULL;
		if (j == l->first_tail)
			l->first_tail = NULL;
		const struct cmd_entry *e = j->ctx ? j->ctx->entry : NULL;
		unsigned flags = j->ctx ? cmd_flags(j->ctx) : 0;
		if ((flags & CMD_OWN_THREAD) && !j->ctx->error && loop_own_start(l, j))
			continue;
		if (j->ctx && (e == NULL || (flags & CMD_UI) || j->ctx->error)) {
			cmd_exec(j->ctx);
			loop_job_done(l, j);
			continue;
		}
		l->running = j;
		pthread_mutex_lock(&l->mu);
		if (!l->started) {
			l->started = pthread_create(&l->worker, NULL, loop_worker, l) == 0;
			if (!l->started) {
				pthread_mutex_unlock(&l->mu);
				l->running = NULL;
				if (j->ctx)
					cmd_fail(j->ctx, CMD_FAILED, "the system is short of threads or memory",
						 "cannot start the command worker");
				loop_job_end(l, j, j->ctx == NULL);
				continue;
			}
		}
		l->todo = j;
		pthread_cond_signal(&l->cond);
		pthread_mutex_unlock(&l->mu);
	}
	l->pumping = false;
}

static void loop_append(struct loop *l, struct loop_job *j)
{
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
	l->pending++;
	loop_pump(l);
}

void loop_run_command(struct loop *l, struct cmd_ctx *ctx, loop_cmd_cb done, void *ud)
{
	struct loop_job *j = loop_job_new(ctx, done, ud);
	loop_append(l, j);
}

void loop_run_job(struct loop *l, loop_job_fn fn, void *ud, loop_job_done_fn done)
{
	struct loop_job *j = x_calloc(1, sizeof(*j));
	*j = (struct loop_job){ .fn = fn, .job_done = done, .ud = ud };
	if (l->freeing) { /* no worker any more: it ends, cancelled, at once */
		l->pending++;
		loop_job_end(l, j, true);
		return;
	}
	loop_append(l, j);
}

void loop_run_command_first(struct loop *l, struct cmd_ctx *ctx, loop_cmd_cb done, void *ud)
{
	struct loop_job *j = loop_job_new(ctx, done, ud);
	struct loop_job **at = l->first_tail ? &l->first_tail->next : &l->head;
	j->next = *at;
	*at = j;
	if (j->next == NULL)
		l->tail = j;
	l->first_tail = j;
	l->pending++;
	loop_pump(l);
}

int loop_pending(const struct loop *l)
{
	return l->pending;
}

static void loop_collect(struct loop *l)
{
	loop_fd_drain(l->wake[0]);
	loop_own_collect(l);
	pthread_mutex_lock(&l->mu);
	struct loop_job *j = l->finished;
	l->finished = NULL;
	pthread_mutex_unlock(&l->mu);
	if (j == NULL)
		return;
	l->running = NULL;
	loop_job_done(l, j);
	loop_pump(l);
}

/* --- dispatch -------------------------------------------------------------------------------- */

bool loop_once(struct loop *l, int max_ms)
{
	if (l->stopped)
		return false;
	int timeout = max_ms;
	if (l->ntimers) {
		int64_t next = l->timers[0].due;
		for (int i = 1; i < l->ntimers; i++)
			if (l->timers[i].due < next)
				next = l->timers[i].due;
		int64_t wait = next - clock_mono_ms();
		if (wait < 0)
			wait = 0;
		if (wait > INT_MAX) /* poll() takes an int: a far timer is looked at again in 24 days */
			wait = INT_MAX;
		if (timeout < 0 || wait < timeout)
			timeout = (int)wait;
	}
	int n = l->nfds + 2;
	struct pollfd *p = x_calloc((size_t)n, sizeof(*p));
	p[0] = (struct pollfd){ .fd = l->wake[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = l->nsigs ? loop_sig_pipe[0] : -1, .events = POLLIN };
	for (int i = 0; i < l->nfds; i++)
		p[i + 2] = (struct pollfd){ .fd = l->fds[i].fd, .events = l->fds[i].events };
	int rc = poll(p, (nfds_t)n, timeout);
	if (rc > 0) {
		if (p[1].revents) {
			unsigned char sigs[64];
			ssize_t got;
			while ((got = read(loop_sig_pipe[0], sigs, sizeof(sigs))) > 0)
				for (ssize_t i = 0; i < got && l->sig_cb; i++)
					l->sig_cb(l, sigs[i], l->sig_ud);
		}
		if (p[0].revents)
			loop_collect(l);
		for (int i = 2; i < n && !l->stopped; i++) {
			if (p[i].revents == 0)
				continue;
			/* Look the fd up again: an earlier callback may have removed it. */
			for (int k = 0; k < l->nfds; k++)
				if (l->fds[k].fd == p[i].fd) {
					l->fds[k].cb(l, p[i].fd, p[i].revents, l->fds[k].ud);
					break;
				}
		}
	}
	free(p);
	loop_fire_timers(l);
	return !l->stopped;
}

void loop_run(struct loop *l)
{
	while (loop_once(l, -1))
		;
}

void loop_stop(struct loop *l)
{
	l->stopped = true;
}

void loop_free(struct loop **lp)
{
	struct loop *l = *lp;
	if (l == NULL)
		return;
	/* What can stop early does, so that quitting never waits on a long query. */
	l->freeing = true;
	loop_interrupt(l);
	while (l->own) {
		struct pollfd p = { .fd = l->wake[0], .events = POLLIN };
		poll(&p, 1, 100);
		loop_fd_drain(l->wake[0]);
		loop_own_collect(l);
	}
	if (l->started) {
		pthread_mutex_lock(&l->mu);
		l->quit = true;
		pthread_cond_signal(&l->cond);
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->worker, NULL);
		if (l->finished) {
			l->running = NULL;
			loop_job_done(l, l->finished);
			l->finished = NULL;
		}
	}
	while (l->head) {
		struct loop_job *j = l->head;
		l->head = j->next;
		if (j->ctx)
			cmd_fail(j->ctx, CMD_FAILED, NULL, "cancelled: kcon is quitting");
		loop_job_end(l, j, true);
	}
	loop_signals_restore(l);
	close(l->wake[0]);
	close(l->wake[1]);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cond);
	free(l->fds);
	free(l->timers);
	free(l);
	*lp = NULL;
}

int loop_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* the new thread inherits it */
	int err = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}
