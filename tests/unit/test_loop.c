/*
 * loop: timers in order, fd dispatch, commands in order on the loop thread, jobs in the same queue,
 * signals via the self-pipe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "loop.h"
#include "session.h"

static struct loop *test_loop(void)
{
	char *cause = NULL;
	struct loop *l = loop_new(&cause);
	assert_non_null(l);
	assert_null(cause);
	return l;
}

/* Runs the loop until *flag reaches want or 5 s pass. */
static void spin_until(struct loop *l, const int *flag, int want)
{
	int64_t deadline = clock_mono_ms() + 5000;
	while (*flag < want && clock_mono_ms() < deadline)
		loop_once(l, 50);
	assert_int_equal(*flag, want);
}

/* --- timers ---------------------------------------------------------------------------------- */

static char fired[16];
static int nfired;

static void on_timer(struct loop *l, void *ud)
{
	(void)l;
	fired[nfired++] = (char)(intptr_t)ud;
}

static void timers_fire_in_order(void **state)
{
	(void)state;
	struct loop *l = test_loop();
	nfired = 0;
	int64_t start = clock_mono_ms();
	loop_timer_add(l, 60, on_timer, (void *)'a');
	loop_timer_add(l, 20, on_timer, (void *)'b');
	unsigned x = loop_timer_add(l, 30, on_timer, (void *)'x');
	loop_timer_add(l, 40, on_timer, (void *)'c');
	loop_timer_add(l, 20, on_timer, (void *)'d'); /* same due time as b, added later: after b */
	loop_timer_cancel(l, x);
	loop_timer_cancel(l, 9999); /* unknown: ignored */
	spin_until(l, &nfired, 4);
	fired[nfired] = '\0';
	assert_string_equal(fired, "bdca");
	assert_true(clock_mono_ms() - start >= 60);
	loop_free(&l);
	assert_null(l);
}

/* A timer that re-adds itself runs once per round, not forever within one. */
static int rearmed;
static void on_rearm(struct loop *l, void *ud)
{
	(void)ud;
	if (++rearmed < 3)
		loop_timer_add(l, 0, on_rearm, NULL);
}

static void timer_rearm(void **state)
{
	(void)state;
	struct loop *l = test_loop();
	rearmed = 0;
	loop_timer_add(l, 0, on_rearm, NULL);
	loop_once(l, 0);
	assert_int_equal(rearmed, 1);
	spin_until(l, &rearmed, 3);
	loop_free(&l);
}

/*
 * issue 10: a month-long timer (watch --interval 30d) overflowed an int: due at once, it fired
 * on every round, a hot loop. It must wait, and a near timer must still fire in its time.
 */
static void timer_far_away(void **state)
{
	(void)state;
	struct loop *l = test_loop();
	int64_t month = 30LL * 24 * 3600 * 1000, forever = INT64_MAX;
	nfired = 0;
	loop_timer_add(l, month, on_timer, (void *)'m');
	loop_timer_add(l, forever, on_timer, (void *)'f');
	for (int i = 0; i < 3; i++)
		loop_once(l, 0);
	assert_int_equal(nfired, 0);
	int64_t start = clock_mono_ms();
	loop_timer_add(l, 30, on_timer, (void *)'n');
	spin_until(l, &nfired, 1); /* poll() waits for the near one, not for a month */
	assert_int_equal(fired[0], 'n');
	assert_true(clock_mono_ms() - start >= 30);
	loop_once(l, 0);
	assert_int_equal(nfired, 1);
	loop_free(&l);
}

/* --- fds ------------------------------------------------------------------------------------- */

static int fd_calls;
static char fd_got[8];

static void on_fd(struct loop *l, int fd, short revents, void *ud)
{
	assert_true(revents & POLLIN);
	assert_ptr_equal(ud, &fd_calls);
	ssize_t n = read(fd, fd_got, sizeof(fd_got) - 1);
	assert_true(n > 0);
	fd_got[n] = '\0';
	fd_calls++;
	loop_fd_remove(l, fd);
}

static void fds_dispatch(void **state)
{
	(void)state;
	struct loop *l = test_loop();
	int p[2];
	assert_int_equal(pipe(p), 0);
	fd_calls = 0;
	loop_fd_add(l, p[0], POLLIN, on_fd, &fd_calls);
	loop_once(l, 0);
	assert_int_equal(fd_calls, 0); /* nothing to read yet */
	assert_int_equal(write(p[1], "hi", 2), 2);
	spin_until(l, &fd_calls, 1);
	assert_string_equal(fd_got, "hi");
	/* Removed in its callback: more data does not call it again. */
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_once(l, 20);
	assert_int_equal(fd_calls, 1);
	loop_free(&l);
	close(p[0]);
	close(p[1]);
}

/* --- commands -------------------------------------------------------------------------------- */

static pthread_t main_thread;
static int exec_order[8], nexec;
static int done_order[8], ndone;
static bool exec_on_main[8];
static pthread_mutex_t exec_mu = PTHREAD_MUTEX_INITIALIZER;

static int exec_slow(struct cmd_ctx *ctx)
{
	int id = (int)json_integer_value(json_object_get(ctx->result, "id"));
	if (id == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL); /* the first one takes longest: order must still hold */
	}
	pthread_mutex_lock(&exec_mu);
	exec_on_main[id] = pthread_equal(pthread_self(), main_thread);
	exec_order[nexec++] = id;
	pthread_mutex_unlock(&exec_mu);
	if (id == 3)
		return cmd_fail(ctx, CMD_FAILED, "a hint", "failed on purpose");
	return CMD_OK;
}

static const struct cmd_entry test_cmds[] = {
	{ .name = "zzslow", .group = "test", .help = "x", .flags = CMD_READ_ONLY, .exec = exec_slow },
	{ .name = "zzui", .group = "test", .help = "x", .flags = CMD_READ_ONLY | CMD_UI, .exec = exec_slow },
	{ 0 },
};

static void on_done(struct loop *l, struct cmd_ctx *ctx, void *ud)
{
	(void)l;
	assert_true(pthread_equal(pthread_self(), main_thread));
	int id = (int)(intptr_t)ud;
	assert_int_equal(json_integer_value(json_object_get(ctx->result, "id")), id);
	assert_int_equal(ctx->status, id == 3 ? CMD_FAILED : CMD_OK);
	done_order[ndone++] = id;
}

static void commands_in_order(void **state)
{
	(void)state;
	struct session s = { 0 };
	struct loop *l = test_loop();
	struct cmd_ctx ctx[5];
	main_thread = pthread_self();
	nexec = ndone = 0;
	for (int i = 0; i < 5; i++) {
		memset(&ctx[i], 0, sizeof(ctx[i]));
		ctx[i].session = &s;
		ctx[i].entry = &test_cmds[i == 2 ? 1 : 0];   /* the third is a UI command */
		ctx[i].result = json_pack("{s:i}", "id", i); /* smuggles the id into exec */
		loop_run_command(l, &ctx[i], on_done, (void *)(intptr_t)i);
	}
	assert_int_equal(loop_pending(l), 5);
	spin_until(l, &ndone, 5);
	assert_int_equal(loop_pending(l), 0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(exec_order[i], i);
		assert_int_equal(done_order[i], i);
		assert_int_equal(exec_on_main[i], i == 2); /* only the UI command ran on this thread */
		cmd_ctx_clear(&ctx[i]);
	}
	loop_free(&l);
}

/* Commands queued first run after the one running, in their own order, before the others waiting. */
static void commands_first(void **state)
{
	(void)state;
	struct session s = { 0 };
	struct loop *l = test_loop();
	struct cmd_ctx ctx[6];
	static const int ids[] = { 0, 1, 2, 4, 5 }, want[] = { 0, 4, 5, 1, 2 };
	main_thread = pthread_self();
	nexec = ndone = 0;
	for (int i = 0; i < 5; i++) {
		memset(&ctx[i], 0, sizeof(ctx[i]));
		ctx[i].session = &s;
		ctx[i].entry = &test_cmds[0];
		ctx[i].result = json_pack("{s:i}", "id", ids[i]);
		if (ids[i] < 4) /* 0 starts at once (and is slow); 1 and 2 wait */
			loop_run_command(l, &ctx[i], on_done, (void *)(intptr_t)ids[i]);
		else
			loop_run_command_first(l, &ctx[i], on_done, (void *)(intptr_t)ids[i]);
	}
	spin_until(l, &ndone, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(exec_order[i], want[i]);
		assert_int_equal(done_order[i], want[i]);
		cmd_ctx_clear(&ctx[i]);
	}
	loop_free(&l);
}

static void on_cancel(struct loop *l, struct cmd_ctx *ctx, void *ud)
{
	(void)l;
	(*(int *)ud)++;
	assert_non_null(ctx->error);
}

/* Freeing the loop finishes the running command and cancels the queued ones, calling back each. */
static void free_cancels_queued(void **state)
{
	(void)state;
	struct session s = { 0 };
	struct loop *l = test_loop();
	struct cmd_ctx ctx[3];
	int calls = 0;
	main_thread = pthread_self();
	nexec = 0;
	for (int i = 0; i < 3; i++) {
		memset(&ctx[i], 0, sizeof(ctx[i]));
		ctx[i].session = &s;
		ctx[i].entry = &test_cmds[0];
		ctx[i].result = json_pack("{s:i}", "id", 3); /* fails, so every callback sees an error */
		loop_run_command(l, &ctx[i], on_cancel, &calls);
	}
	loop_free(&l);
	assert_int_equal(calls, 3);
	assert_int_equal(nexec, 1); /* only the first ran */
	assert_string_equal(ctx[2].error, "cancelled: kcon is quitting");
	for (int i = 0; i < 3; i++)
		cmd_ctx_clear(&ctx[i]);
}

/* --- jobs: a face's own work, in the commands' queue ------------------------------------------ */

struct test_job {
	int id;
	bool ran_on_worker, done_on_main, cancelled;
	int *order; /* the shared record of fn and done, in the order they happened */
	int *n;
};

static void job_fn(void *ud)
{
	struct test_job *j = ud;
	if (j->id == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL); /* the first takes longest: the order must still hold */
	}
	pthread_mutex_lock(&exec_mu);
	j->ran_on_worker = !pthread_equal(pthread_self(), main_thread);
	exec_order[nexec++] = 100 + j->id;
	pthread_mutex_unlock(&exec_mu);
}

static void job_done(struct loop *l, void *ud, bool cancelled)
{
	(void)l;
	struct test_job *j = ud;
	j->done_on_main = pthread_equal(pthread_self(), main_thread);
	j->cancelled = cancelled;
	done_order[ndone++] = 100 + j->id;
}

/* Jobs and commands share one queue: each runs on the worker in turn, and ends on the loop thread. */
static void jobs_in_order_with_commands(void **state)
{
	(void)state;
	struct session s = { 0 };
	struct loop *l = test_loop();
	struct cmd_ctx ctx[2];
	struct test_job jobs[3];
	main_thread = pthread_self();
	nexec = ndone = 0;
	/* job 0 (slow), command 1, job 1, command 2, job 2 (no done) */
	for (int i = 0; i < 3; i++) {
		jobs[i] = (struct test_job){ .id = i };
		if (i > 0) {
			memset(&ctx[i - 1], 0, sizeof(ctx[i - 1]));
			ctx[i - 1].session = &s;
			ctx[i - 1].entry = &test_cmds[0];
			ctx[i - 1].result = json_pack("{s:i}", "id", i);
			loop_run_command(l, &ctx[i - 1], on_done, (void *)(intptr_t)i);
		}
		loop_run_job(l, job_fn, &jobs[i], i == 2 ? NULL : job_done);
	}
	assert_int_equal(loop_pending(l), 5);
	spin_until(l, &nexec, 5);
	while (loop_pending(l) > 0) /* job 2's end (no callback) follows its fn */
		loop_once(l, 50);
	static const int want_exec[] = { 100, 1, 101, 2, 102 }, want_done[] = { 100, 1, 101, 2 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(exec_order[i], want_exec[i]);
	assert_int_equal(ndone, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(done_order[i], want_done[i]);
	for (int i = 0; i < 3; i++) {
		assert_true(jobs[i].ran_on_worker);
		assert_false(jobs[i].cancelled);
	}
	assert_true(jobs[0].done_on_main && jobs[1].done_on_main);
	for (int i = 0; i < 2; i++)
		cmd_ctx_clear(&ctx[i]);
	loop_free(&l);
}

/* A job queued behind a running one when the loop is freed never runs: its done says cancelled. */
static struct test_job requeued = { .id = 7 };

static void job_done_requeue(struct loop *l, void *ud, bool cancelled)
{
	job_done(l, ud, cancelled);
	loop_run_job(l, job_fn, &requeued, job_done); /* inside loop_free: ends at once, cancelled */
}

static void jobs_cancelled_by_free(void **state)
{
	(void)state;
	struct loop *l = test_loop();
	struct test_job jobs[2] = { { .id = 0 }, { .id = 1 } };
	main_thread = pthread_self();
	nexec = ndone = 0;
	requeued = (struct test_job){ .id = 7 };
	loop_run_job(l, job_fn, &jobs[0], job_done_requeue); /* slow: still running at loop_free */
	loop_run_job(l, job_fn, &jobs[1], job_done);
	loop_free(&l);
	assert_int_equal(nexec, 1); /* only the first ran */
	assert_int_equal(ndone, 3);
	assert_false(jobs[0].cancelled);
	assert_true(jobs[0].done_on_main);
	assert_true(jobs[1].cancelled);
	assert_true(requeued.cancelled);
	assert_false(requeued.ran_on_worker);
}

/* loop_fd_drain empties a non-blocking wake-up pipe, so the next poll waits for a new byte. */
static void fd_drain_empties(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	char bytes[300];
	memset(bytes, '1', sizeof(bytes));
	assert_int_equal(write(p[1], bytes, sizeof(bytes)), (ssize_t)sizeof(bytes));
	loop_fd_drain(p[0]);
	struct pollfd pf = { .fd = p[0], .events = POLLIN };
	assert_int_equal(poll(&pf, 1, 0), 0);
	assert_int_equal(write(p[1], "1", 1), 1);
	assert_int_equal(poll(&pf, 1, 0), 1);
	close(p[0]);
	close(p[1]);
}

/* --- commands on a thread of their own, and interrupts ---------------------------------------- */

/* Runs until interrupted (a query past its limit stands for it). */
static int exec_until_interrupted(struct cmd_ctx *ctx)
{
	while (!atomic_load(&ctx->interrupt)) {
		struct timespec ts = { 0, 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return cmd_fail(ctx, CMD_FAILED, NULL, "interrupted");
}

static const struct cmd_entry test_own[] = {
	{ .name = "zzown",
	  .group = "test",
	  .help = "x",
	  .flags = CMD_READ_ONLY | CMD_INTERRUPT | CMD_OWN_THREAD,
	  .exec = exec_until_interrupted },
	{ 0 },
};

static void on_count(struct loop *l, struct cmd_ctx *ctx, void *ud)
{
	(void)l, (void)ctx;
	assert_true(pthread_equal(pthread_self(), main_thread));
	(*(int *)ud)++;
}

/*
 * A CMD_OWN_THREAD command that runs on does not hold up the commands after it; loop_interrupt()
 * stops it, and loop_free() stops one still running instead of waiting for it.
 */
static void own_thread_and_interrupt(void **state)
{
	(void)state;
	struct session s = { 0 };
	struct loop *l = test_loop();
	struct cmd_ctx ctx[4];
	int own_done = 0, other_done = 0;
	main_thread = pthread_self();
	nexec = 0;
	for (int i = 0; i < 4; i++) {
		memset(&ctx[i], 0, sizeof(ctx[i]));
		ctx[i].session = &s;
		ctx[i].entry = i == 0 || i == 3 ? &test_own[0] : &test_cmds[0];
		ctx[i].result = json_pack("{s:i}", "id", 1);
	}
	loop_run_command(l, &ctx[0], on_count, &own_done);
	loop_run_command(l, &ctx[1], on_count, &other_done);
	loop_run_command(l, &ctx[2], on_count, &other_done);
	spin_until(l, &other_done, 2); /* the worker's commands ran while the first one still runs */
	assert_int_equal(own_done, 0);
	assert_int_equal(loop_pending(l), 1);
	assert_int_equal(loop_interrupt(l), 1);
	assert_int_equal(loop_interrupt(l), 0); /* asked already */
	spin_until(l, &own_done, 1);
	assert_string_equal(ctx[0].error, "interrupted");
	/* quitting with one running: interrupted, joined, called back */
	loop_run_command(l, &ctx[3], on_count, &own_done);
	loop_free(&l);
	assert_int_equal(own_done, 2);
	assert_string_equal(ctx[3].error, "interrupted");
	for (int i = 0; i < 4; i++)
		cmd_ctx_clear(&ctx[i]);
}

/* --- long waits: on a thread of their own, woken at once ------------------------------------- */

/* Naps ten minutes when given --wait-max (as group lag --wait-max waits for the lag), else answers. */
static int exec_wait(struct cmd_ctx *ctx)
{
	if (cmd_has(ctx, "wait-max") && !cmd_nap(ctx, 10 * 60 * 1000))
		return cmd_fail(ctx, CMD_FAILED, NULL, "interrupted");
	return cmd_ok(ctx, json_object());
}

static const struct cmd_opt wait_opts[] = {
	{ "wait-max", 0, CMD_ARG_INT, CMD_OPT_WAITS, "wait" },
	{ 0 },
};
static const struct cmd_entry test_wait[] = {
	{ .name = "zzwait",
	  .group = "test",
	  .opts = wait_opts,
	  .help = "x",
	  .flags = CMD_READ_ONLY,
	  .exec = exec_wait },
	{ 0 },
};

static void prepare_line(struct cmd_ctx *ctx, struct session *s, char *line)
{
	char *argv[8];
	int argc = 0;
	for (char *t = strtok(line, " "); t; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	assert_int_equal(cmd_prepare(ctx, s, argc, argv), CMD_OK);
}

static struct cmd_ctx *alarm_ctx;
static void on_alarm(int signo)
{
	(void)signo;
	atomic_store(&alarm_ctx->interrupt, true);
}

/*
 * A command given an option flagged CMD_OPT_WAITS waits on a thread of its own: the worker runs
 * the commands after it (a view's reloads) meanwhile. loop_interrupt() (Esc in the TUI) ends its
 * wait at once, and so does a signal on the thread that waits (the command line's Ctrl-C).
 */
static void waits_hold_nothing(void **state)
{
	(void)state;
	static bool registered;
	if (!registered) {
		cmd_init();
		cmd_register(test_wait);
	}
	registered = true;
	struct session s = { 0 };
	struct cmd_ctx ctx[4];
	char lines[4][32] = { "zzwait --wait-max 1", "zzwait", "zzwait", "zzwait --wait-max 1" };
	for (int i = 0; i < 4; i++)
		prepare_line(&ctx[i], &s, lines[i]);
	assert_int_equal(cmd_flags(&ctx[0]) & (CMD_OWN_THREAD | CMD_INTERRUPT), CMD_OWN_THREAD | CMD_INTERRUPT);
	assert_int_equal(cmd_flags(&ctx[1]) & (CMD_OWN_THREAD | CMD_INTERRUPT), 0);

	struct loop *l = test_loop();
	int wait_done = 0, other_done = 0;
	main_thread = pthread_self();
	loop_run_command(l, &ctx[0], on_count, &wait_done);
	loop_run_command(l, &ctx[1], on_count, &other_done);
	loop_run_command(l, &ctx[2], on_count, &other_done);
	spin_until(l, &other_done, 2); /* the reloads ran while it waits */
	assert_int_equal(ctx[1].status, CMD_OK);
	assert_int_equal(wait_done, 0);
	int64_t asked = clock_mono_ms();
	assert_int_equal(loop_interrupt(l), 1);
	spin_until(l, &wait_done, 1);
	assert_true(clock_mono_ms() - asked < 2000); /* woken, not at the end of its ten minutes */
	assert_string_equal(ctx[0].error, "interrupted");
	loop_free(&l);

	/* the command line's way: a signal caught on the waiting thread ends the nap (EINTR) */
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm_ctx = &ctx[3];
	struct itimerval it = { .it_value = { 0, 50 * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	asked = clock_mono_ms();
	assert_int_equal(cmd_exec(&ctx[3]), CMD_FAILED);
	assert_true(clock_mono_ms() - asked < 2000);
	assert_string_equal(ctx[3].error, "interrupted");
	sigaction(SIGALRM, &old, NULL);
	for (int i = 0; i < 4; i++)
		cmd_ctx_clear(&ctx[i]);
}

/* --- signals --------------------------------------------------------------------------------- */

static int sig_got[8], nsig;

static void on_signal(struct loop *l, int signo, void *ud)
{
	(void)l;
	assert_ptr_equal(ud, sig_got);
	sig_got[nsig++] = signo;
}

static void signals_via_self_pipe(void **state)
{
	(void)state;
	struct loop *l = test_loop();
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGCHLD, 0 };
	nsig = 0;
	loop_signals(l, sigs, on_signal, sig_got);
	raise(SIGWINCH);
	raise(SIGTERM); /* caught: the test process lives on */
	spin_until(l, &nsig, 2);
	assert_int_equal(sig_got[0], SIGWINCH);
	assert_int_equal(sig_got[1], SIGTERM);
	loop_free(&l);
	/* Dispositions are restored. */
	struct sigaction sa;
	sigaction(SIGTERM, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
}

/* A helper thread runs with every signal blocked; the caller's own mask is what it was. */
static void *mask_of_thread(void *arg)
{
	sigset_t *mask = arg;
	pthread_sigmask(SIG_BLOCK, NULL, mask);
	return NULL;
}

static void thread_start_blocks_signals(void **state)
{
	(void)state;
	sigset_t before, after, inside;
	sigemptyset(&inside);
	pthread_sigmask(SIG_BLOCK, NULL, &before);
	assert_int_equal(sigismember(&before, SIGINT), 0); /* so that the check below can fail */
	pthread_t t;
	assert_int_equal(loop_thread_start(&t, mask_of_thread, &inside), 0);
	pthread_join(t, NULL);
	pthread_sigmask(SIG_BLOCK, NULL, &after);
	for (int sig = 1; sig < 32; sig++) { /* the standard ones: glibc keeps 32 and 33 for itself */
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		assert_int_equal(sigismember(&inside, sig), 1);
		assert_int_equal(sigismember(&after, sig), sigismember(&before, sig));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_fire_in_order),     cmocka_unit_test(timer_rearm),
		cmocka_unit_test(timer_far_away),           cmocka_unit_test(fds_dispatch),
		cmocka_unit_test(commands_in_order),        cmocka_unit_test(commands_first),
		cmocka_unit_test(free_cancels_queued),      cmocka_unit_test(signals_via_self_pipe),
		cmocka_unit_test(own_thread_and_interrupt), cmocka_unit_test(jobs_in_order_with_commands),
		cmocka_unit_test(jobs_cancelled_by_free),   cmocka_unit_test(fd_drain_empties),
		cmocka_unit_test(waits_hold_nothing),       cmocka_unit_test(thread_start_blocks_signals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
