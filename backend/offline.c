#include "offline.h"

#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "clock.h"
#include "cmd.h"
#include "session.h"
#include "store.h"
#include "xalloc.h"

/*
 * Keeps fresh metadata as the cluster's last snapshot: recorded once the command's output is out
 * (session_history_flush()), and only when it changed or is no longer fresh.
 */
static void offline_record_model(struct session *s, struct client *c, struct model *m)
{
	/* A new snapshot of 100,000 partitions takes 0.3 s to write: not in a view's first answer. */
	if (s->demo || s->tick_records || s->no_history || s->history_off)
		return;
	session_history_defer(s, m->cluster_id ? m->cluster_id : client_bootstrap(c), client_bootstrap(c), m);
}

int offline_metadata(struct session *s, bool stored, struct client **c, struct model **out, struct offline_stale *st,
		     struct err *e)
{
	return offline_metadata_rows(s, stored, c, out, NULL, st, e);
}

int offline_metadata_rows(struct session *s, bool stored, struct client **c, struct model **out,
			  struct store_rows *rows, struct offline_stale *st, struct err *e)
{
	memset(st, 0, sizeof(*st));
	*out = NULL;
	if (rows)
		memset(rows, 0, sizeof(*rows));
	*c = NULL;
	bool offline = s->offline || stored;
	int rc = stored ? err_set(e, CMD_UNREACHABLE, NULL, "--stored: not asking the cluster")
			: session_client(s, c, e);
	if (rc == CMD_OK && (rc = client_metadata(*c, 1000, out, e)) == CMD_OK) {
		offline_record_model(s, *c, *out);
		return CMD_OK;
	}
	*c = NULL;
	if (rc != CMD_UNREACHABLE || s->demo)
		return rc;
	/* Unreachable (or --offline): what the store last knew of the cluster behind this bootstrap. */
	struct store *store;
	struct err se = { 0 };
	char *cluster = NULL, *cause = NULL;
	if (session_store_read(s, &store, &se) == CMD_OK &&
	    (cluster = session_store_cluster_shown(s, store, &cause)) != NULL &&
	    (rows ? store_rows(store, cluster, rows, &st->seen_ms, &cause)
		  : store_last_model(store, cluster, out, &st->seen_ms, &cause)) == 0) {
		st->stale = true;
		st->reason = x_strdup(s->offline ? "--offline" : stored ? "--stored" : e->cause);
		if (offline) {
			err_clear(e);
			rc = CMD_OK;
		}
	} else if (offline) {
		err_set(e, CMD_UNREACHABLE,
			"run it once without --offline (or `kcon watch`) to store one; `history snapshot` shows what "
			"is stored",
			"%s: no stored snapshot of the cluster%s%s", s->offline ? "--offline" : "--stored",
			cause || se.cause ? ": " : "",
			cause      ? cause
			: se.cause ? se.cause
				   : "");
	}
	free(cause);
	free(cluster);
	err_clear(&se);
	return rc;
}

json_t *offline_stale_json(const struct offline_stale *st)
{
	int64_t age = clock_wall_ms() - st->seen_ms;
	return json_pack("{s:o,s:I,s:s}", "seen_at", clock_json(st->seen_ms), "age_s",
			 (json_int_t)(age > 0 ? age / 1000 : 0), "reason", st->reason ? st->reason : "");
}

void offline_stale_clear(struct offline_stale *st)
{
	x_free(&st->reason);
	st->stale = false;
}
