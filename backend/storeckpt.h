/*
 * The history store's WAL checkpoints, off the writing thread. SQLite's default copies the WAL
 * back into the database inside the commit that grows it past 1,000 pages: at 10k+10k partitions
 * one history tick in thirty then took 170-220 ms instead of 18 (and the worker, or `watch`'s
 * loop, waited for it). Here the commit only signals: a thread of the store's own, with a
 * connection of its own, runs a PASSIVE checkpoint (which never blocks the writer nor readers),
 * and the next write after it starts the WAL again from its beginning. Crash safety is SQLite's
 * own: a checkpoint syncs the WAL before copying and the database after. Bound: should the thread
 * fall behind (a checkpoint still asked or under way), the commit that finds the WAL at
 * STORECKPT_BOUND pages checkpoints itself. Should it break (not start, not open its connection,
 * find another file at the path than the writer's, or fail a checkpoint other than for a lock
 * another process holds), every commit that finds the WAL at STORECKPT_PAGES checkpoints itself,
 * SQLite's default, until the store closes; storeckpt_notice() says so once. Stopping waits for a
 * checkpoint under way (one PASSIVE call, which cannot be cut short). No curses here.
 */
#ifndef KCON_STORECKPT_H
#define KCON_STORECKPT_H

#include <sqlite3.h>
#include <stdbool.h>

#define STORECKPT_PAGES 1000 /* a checkpoint is asked for at this size of the WAL (SQLite's default) */
#define STORECKPT_BOUND 4000 /* the writing commit checkpoints itself at this size (64 MiB of 16 KiB pages) */

struct storeckpt;

/**
 * @brief Takes over db's checkpoints (its WAL hook): db is a connection that writes the file at
 * path, which must stay open until storeckpt_stop(). The thread starts at the first checkpoint.
 */
struct storeckpt *storeckpt_start(sqlite3 *db, const char *path);
/** @brief Waits for a checkpoint under way, stops the thread and gives db back its default. NULL-safe. */
void storeckpt_stop(struct storeckpt **cp);
/** @brief Checkpoints done so far by the thread and by the writing commit itself (tests, bench). */
void storeckpt_counts(struct storeckpt *c, long *background, long *inline_);
/**
 * @brief Once the thread has broken (the commits checkpoint themselves): why, to tell the user
 * (callee allocates); NULL before and after that once, and for c NULL. Any thread; the checkpoint thread
 * prints nothing: sample_tick() sends it as a note (the TUI's log, `watch`'s stderr).
 */
char *storeckpt_notice(struct storeckpt *c);
/** @brief Whether the thread has broken (see above). */
bool storeckpt_broken(struct storeckpt *c);
/** @brief Tests: the size of the WAL in pages at which a commit checkpoints itself while the thread is behind. */
void storeckpt_set_bound(struct storeckpt *c, int pages);
/** @brief Waits (up to ms) until the thread has no checkpoint asked for or under way; false on timeout. */
bool storeckpt_idle(struct storeckpt *c, int ms);

#endif
