/*
 * The one event loop: a single-threaded poll() over registered fds, monotonic timers, a signal
 * self-pipe, and the completions of the command worker. librdkafka's metadata call blocks, as do
 * kcon's waits on admin results, so commands (whose exec may block up to the session timeout) run one at a time,
 * in submission order, on one worker thread; their completion callback runs on the loop thread.
 * Commands flagged CMD_UI run on the loop thread, still in order with the others. A face's own
 * work that is no command (the TUI opening a tail's consumer) is a job: a function run on the
 * worker in the same queue, its end called on the loop thread. Commands flagged
 * CMD_OWN_THREAD (history sql: they touch neither the client nor the session's store) start on a
 * thread of their own when their turn comes, without waiting for the worker, so they cannot hold
 * up the views' reloads.
 */
#ifndef KCON_LOOP_H
#define KCON_LOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct cmd_ctx;
struct loop;

/** Called on the loop thread when fd is ready; revents as poll() reports them. */
typedef void (*loop_fd_cb)(struct loop *l, int fd, short revents, void *ud);
/** Called once when a timer expires (add it again to repeat). */
typedef void (*loop_timer_cb)(struct loop *l, void *ud);
/** Called on the loop thread for each caught signal, in arrival order. */
typedef void (*loop_signal_cb)(struct loop *l, int signo, void *ud);
/** Called on the loop thread when a command finished: ctx->status, ->result, ->error are set. */
typedef void (*loop_cmd_cb)(struct loop *l, struct cmd_ctx *ctx, void *ud);
/** A job's work, run on the worker thread. */
typedef void (*loop_job_fn)(void *ud);
/**
 * Called on the loop thread once a job's fn returned, or with cancelled true when it never ran (the
 * loop was freed first): it then owns what fn would have handled.
 */
typedef void (*loop_job_done_fn)(struct loop *l, void *ud, bool cancelled);

/** @brief A new loop; NULL with *cause (callee allocates) when pipes cannot be made. */
struct loop *loop_new(char **cause);
/**
 * @brief Interrupts what can stop early (loop_interrupt), joins the threads of CMD_OWN_THREAD
 * commands, stops the worker (waiting for the command or job it runs, bounded by that command's timeout),
 * calls the callbacks of queued commands with status CMD_FAILED ("cancelled") and of queued jobs
 * with cancelled true, restores signal
 * dispositions, frees the loop and NULLs *lp.
 */
void loop_free(struct loop **lp);

/** @brief Watches fd for events (POLLIN, POLLOUT); replaces an earlier registration of fd. */
void loop_fd_add(struct loop *l, int fd, short events, loop_fd_cb cb, void *ud);
/** @brief Stops watching fd (safe inside its own callback). */
void loop_fd_remove(struct loop *l, int fd);
/** @brief Reads a non-blocking wake-up fd until it is empty (then take what it announced, without waiting). */
void loop_fd_drain(int fd);

/**
 * @brief Calls cb once after ms milliseconds (negative: at once; any int64_t, a month too);
 * returns an id > 0 for loop_timer_cancel().
 */
unsigned loop_timer_add(struct loop *l, int64_t ms, loop_timer_cb cb, void *ud);
/** @brief Cancels a pending timer; unknown or fired ids are ignored. */
void loop_timer_cancel(struct loop *l, unsigned id);

/**
 * @brief Catches the signals of the 0-terminated list (e.g. SIGWINCH, SIGINT, SIGTERM, SIGCHLD)
 * through a self-pipe and delivers them to cb on the loop thread. One loop per process may do so.
 */
void loop_signals(struct loop *l, const int *signals, loop_signal_cb cb, void *ud);

/**
 * @brief Queues a prepared command (cmd_prepare); it runs after those queued before it, and done
 * is called with it on the loop thread. The caller keeps ctx alive until then.
 */
void loop_run_command(struct loop *l, struct cmd_ctx *ctx, loop_cmd_cb done, void *ud);
/**
 * @brief loop_run_command() ahead of the commands still waiting (after the one running and those
 * queued first before it): for quick answers from the store while the cluster is slow to answer.
 */
void loop_run_command_first(struct loop *l, struct cmd_ctx *ctx, loop_cmd_cb done, void *ud);
/**
 * @brief Queues a job: fn(ud) runs on the worker after the commands and jobs queued before it, then
 * done(ud) on the loop thread (may be NULL). Inside loop_free() (a done that queues a job), done is
 * called at once, cancelled.
 */
void loop_run_job(struct loop *l, loop_job_fn fn, void *ud, loop_job_done_fn done);
/**
 * @brief Asks the commands running now that can stop early (CMD_INTERRUPT, on the worker or on a
 * thread of their own) to stop: they end with "interrupted". loop_free() does it too.
 * @return how many were asked (not those asked before)
 */
int loop_interrupt(struct loop *l);
/** @brief Commands queued or running. */
int loop_pending(const struct loop *l);

/**
 * @brief Waits up to max_ms (-1: until something happens) and dispatches what is ready.
 * @return false once loop_stop() was called
 */
bool loop_once(struct loop *l, int max_ms);
/** @brief Runs until loop_stop(). */
void loop_run(struct loop *l);
/** @brief Makes loop_run() return after the current dispatch. */
void loop_stop(struct loop *l);
/**
 * @brief Starts fn(arg) on a new thread with every signal blocked, the caller's mask untouched:
 * signals go to the loop thread that waits for them (loop_signals()), never to a helper thread.
 * @return 0, or the errno pthread_create() gave
 */
int loop_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
