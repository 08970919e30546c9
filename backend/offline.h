/*
 * The session's cluster metadata, fresh or, when the cluster cannot be asked (--offline, --stored,
 * or unreachable), the history store's last snapshot in its place, said to be stale. The one place
 * that falls back to history; the commands that show metadata (topics, brokers, ...) go through it.
 */
#ifndef KCON_OFFLINE_H
#define KCON_OFFLINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct client;
struct model;
struct session;
struct store_rows;

/** Where metadata came from when it is not fresh from the cluster. */
struct offline_stale {
	bool stale;      /* the model is the store's last snapshot */
	int64_t seen_ms; /* when that snapshot was last confirmed */
	char *reason;    /* owned: why it stands in ("--offline", or the client's error) */
};

/**
 * @brief The session's cluster metadata: fresh from the cluster (then recorded in the store as the
 * last snapshot, which stores it only when it changed), or, with --offline or when the cluster is
 * unreachable (status 3), the store's last snapshot of the cluster (last seen through this
 * bootstrap), with st->stale set.
 * @param stored answer from the store at once, as with --offline (`--stored`: the TUI's first paint)
 * @param c set to the client when fresh, NULL when stale
 * @param out set to the model (the caller unrefs) when there is one
 * @return CMD_OK (fresh, or stale with --offline); CMD_UNREACHABLE with *out set (stale) and e the
 * cause; or the client's status with e and no model when there is nothing to fall back to
 */
int offline_metadata(struct session *s, bool stored, struct client **c, struct model **out, struct offline_stale *st,
		     struct err *e);
/**
 * @brief offline_metadata() for a command that needs only the snapshot's counts (cluster, topics):
 * when the store stands in, rows (when not NULL) get its compact rows (store_rows) instead of a
 * model rebuilt from its document (0.8-1 s at 100,000 partitions); *out stays NULL then. A fresh
 * answer is a model, as with offline_metadata(), and rows stay empty.
 */
int offline_metadata_rows(struct session *s, bool stored, struct client **c, struct model **out,
			  struct store_rows *rows, struct offline_stale *st, struct err *e);
/** @brief {seen_at, age_s, reason} of a stale result. */
json_t *offline_stale_json(const struct offline_stale *st);
/** @brief Frees what st holds. */
void offline_stale_clear(struct offline_stale *st);

#endif
