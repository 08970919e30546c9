/*
 * The Kafka client: one rd_kafka_t per session for metadata, offsets and admin requests.
 * Calls here block up to their timeout; the faces run them on the command worker (loop.h), never
 * on the UI thread. Errors name the step that failed (resolve, connect, TLS, SASL, metadata) with
 * a hint.
 */
#ifndef KCON_CLIENT_H
#define KCON_CLIENT_H

#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "err.h"
#include "model.h"
#include "note.h"

struct client;

/** One librdkafka property kcon sets itself; a NULL value is left unset. */
struct client_prop {
	const char *key, *value;
};

/** What a librdkafka handle is for, beyond the session's connection settings. */
struct client_handle {
	rd_kafka_type_t type;
	const char *client_id;              /* "kcon", "kcon-tail", ... */
	const char *what;                   /* for the error: "client", "consumer", "producer" */
	const struct client_prop *defaults; /* before the session's settings, which may change them; {0} ends */
	const struct client_prop *fixed;    /* after them: what kcon needs whatever they say; {0} ends */
	void *opaque;                       /* rd_kafka_opaque() */
	void (*log_cb)(const rd_kafka_t *rk, int level, const char *fac, const char *buf);
	void (*error_cb)(rd_kafka_t *rk, int err, const char *reason, void *opaque);
	void (*dr_msg_cb)(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque);
	rd_kafka_interceptor_f_on_new_t *on_new; /* adds the handle's interceptors (opaque passed), or NULL */
};

/**
 * @brief The one way kcon makes a librdkafka handle: client.id, the handle's defaults, the session's
 * properties (-X, -F, the profile: TLS, SASL), the fixed properties, then the callbacks.
 * @return the handle, or NULL with e set (an unknown or refused property: CMD_USAGE with a hint on the TLS
 * files and SASL settings)
 */
rd_kafka_t *client_handle_new(const struct client_handle *h, const struct conf *conf, struct err *e);
/**
 * @brief Creates a client from finished settings (conf_finish); NULL with e set on bad settings.
 * @param note where librdkafka's log goes with verbose (borrowed: it outlives the client)
 */
struct client *client_new(const struct conf *conf, int timeout_ms, bool verbose, struct note_sink *note, struct err *e);
/** @brief Destroys the client (bounded wait) and NULLs *c. */
void client_free(struct client **c);
/** @brief The librdkafka handle, for the modules that need it directly. */
rd_kafka_t *client_rk(struct client *c);
/** @brief The librdkafka kcon runs on and its built-in features, one line for `kcon --version` (caller frees). */
char *client_library(void);
/** @brief The bootstrap list the client was made with. */
const char *client_bootstrap(const struct client *c);
/** @brief The request timeout in ms. */
int client_timeout(const struct client *c);

/**
 * @brief The current metadata snapshot; a cached one younger than max_age_ms is reused.
 * @param out a new reference for the caller (model_unref)
 * @return 0, or a status with e set (3 when the cluster cannot be reached)
 */
int client_metadata(struct client *c, int max_age_ms, struct model **out, struct err *e);
/**
 * @brief client_metadata() on a thread of its own, so that other requests go out beside it (on a
 * new connection they share the bootstrap broker's instead of waiting for the next connection).
 */
struct client_metadata_q *client_metadata_start(struct client *c, int max_age_ms);
/** @brief The answer to client_metadata_start(), as client_metadata()'s; frees *q and sets it NULL. */
int client_metadata_finish(struct client_metadata_q **q, struct model **out, struct err *e);
/**
 * @brief Whether a bootstrap connection of this client came up (connected, TLS, SASL and
 * ApiVersions done): the login's own result, whichever broker a later request goes to.
 */
bool client_logged_in(struct client *c);
/**
 * @brief The brokers advertised to this client so far (by the Metadata responses librdkafka got,
 * its own included), even those librdkafka cannot reach: a model with brokers only (no topics,
 * controller -1), or NULL when none came.
 * @return a new reference (model_unref), or NULL
 */
struct model *client_advertised(struct client *c);
/**
 * @brief True when the last metadata named a controller that is none of the brokers (librdkafka's
 * mock cluster, the --demo, says 0): requests sent to the controller would wait for it until the timeout.
 */
bool client_controller_missing(struct client *c);
/** @brief Forgets the cached snapshot, so the next client_metadata() fetches. */
void client_invalidate(struct client *c);

/**
 * @brief Resolves list offsets in place: each element's .offset holds RD_KAFKA_OFFSET_BEGINNING,
 * RD_KAFKA_OFFSET_END or a timestamp on input and the offset on output (per-partition .err set).
 * Batched by chunks, one ListOffsets per leader per chunk.
 */
int client_list_offsets(struct client *c, rd_kafka_topic_partition_list_t *parts, struct err *e);
/** @brief client_list_offsets() of a and of b at once (b in this thread); the first error of the two. */
int client_list_offsets_both(struct client *c, rd_kafka_topic_partition_list_t *a, rd_kafka_topic_partition_list_t *b,
			     struct err *e);

/**
 * @brief Creates a topic (rf -1: the broker's default). configs: n "key=value" strings.
 * *applied_rf: the replication factor the created topic's metadata shows, -1 when none showed in time.
 */
int client_topic_create(struct client *c, const char *name, int partitions, int rf, char *const *configs, int nconfigs,
			int *applied_rf, struct err *e);
/** @brief Deletes a topic. */
int client_topic_delete(struct client *c, const char *name, struct err *e);
/**
 * @brief The value of config key for each topic (DescribeConfigs, one request).
 * @param values n slots, set to new strings or NULL where unknown
 */
int client_topic_config(struct client *c, char *const *topics, int n, const char *key, char **values, struct err *e);
/**
 * @brief min.insync.replicas of the topics of m where want[i] (every topic when want is NULL), in
 * one DescribeConfigs: a new array of m->ntopics values (0 where not asked), or NULL when the
 * cluster will not say (not authorized, the demo).
 */
int *client_min_isr(struct client *c, const struct model *m, const bool *want);
/** @brief client_min_isr() in two halves, so that other requests go out while it is answered. */
struct client_min_isr_q *client_min_isr_start(struct client *c, const struct model *m, const bool *want);
/** @brief The answer to client_min_isr_start() (as client_min_isr()); frees *q and sets it NULL. */
int *client_min_isr_finish(struct client *c, struct client_min_isr_q **q);
/** @brief Drops a client_min_isr_start() without waiting for its answer; frees *q and sets it NULL. */
void client_min_isr_cancel(struct client_min_isr_q **q);

/** One config of a resource, as DescribeConfigs describes it. */
struct client_config {
	char *name;
	char *value; /* NULL when unset, and always for a sensitive config */
	rd_kafka_ConfigSource_t source;
	bool is_default, read_only, sensitive;
};

/**
 * @brief Every config of one resource (a topic, a broker id) in one DescribeConfigs request.
 * @param out new array of *n configs in the broker's order (client_configs_free)
 * @return 0, or a status with e set; an unknown topic fails with 1 and says so
 */
int client_configs(struct client *c, rd_kafka_ResourceType_t type, const char *name, struct client_config **out, int *n,
		   struct err *e);
/** @brief Frees n configs and NULLs *cfg. */
void client_configs_free(struct client_config **cfg, int n);

/**
 * @brief The rack of each broker of m: one DescribeCluster (not asked of the demo's mock cluster).
 * racks: m->nbrokers slots, set to new strings or NULL where the broker has none.
 */
int client_broker_racks(struct client *c, const struct model *m, char **racks, struct err *e);

/**
 * @brief Admin options with the client's request timeout (and, for topic creation and deletion,
 * the operation timeout, so the broker answers when the change is done).
 */
rd_kafka_AdminOptions_t *client_admin_options(struct client *c, rd_kafka_admin_op_t op);

/** One admin request, for client_admin_call(). */
struct client_admin_req {
	rd_kafka_admin_op_t op;
	const char *what; /* names the request in errors: "delete ACLs"; kept until the request ends */
	/* Sends the request with options o (client_admin_options(), which it may set further) on q. */
	void (*send)(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud);
	void *ud;
	/* Maps the request's own error (the event's); NULL: client_error(). */
	int (*fail)(struct client *c, rd_kafka_resp_err_t err, const char *msg, const char *what, struct err *e);
};
/**
 * @brief The round trip of every admin request: its options and a queue, send, the wait (up to the
 * timeout), the request's error, then both freed. It is client_admin_start() then
 * client_admin_finish(); every wait for an admin result is client_admin_next()'s.
 * @return the result event, which the caller reads and destroys; NULL with e set
 */
rd_kafka_event_t *client_admin_call(struct client *c, const struct client_admin_req *req, struct err *e);

/** An admin request under way: its options, the queue its results come on, its deadline. */
struct client_admin_pending;
/** @brief Options and a queue for req, nothing sent yet (req is copied; req->what and ud must outlive it). */
struct client_admin_pending *client_admin_open(struct client *c, const struct client_admin_req *req);
/** @brief Sends req once more on the same queue and options (a window of requests: `groups`' fetch). */
void client_admin_send(struct client *c, struct client_admin_pending *p);
/** @brief client_admin_open() and one send: the request runs beside the caller's other work. */
struct client_admin_pending *client_admin_start(struct client *c, const struct client_admin_req *req);
/**
 * @brief The next result on p's queue, its error unread: the one wait of every admin request, up to
 * the timeout (and a second) after the last send or result. NULL with e set when none came in time,
 * or ("WHAT: interrupted") when the CMD_INTERRUPT command it waits for was interrupted (Esc,
 * Ctrl-C: cmd_interrupted_here(), looked at every 50 ms).
 */
rd_kafka_event_t *client_admin_next(struct client *c, struct client_admin_pending *p, struct err *e);
/**
 * @brief The one result of a started request, its own error mapped by req.fail (NULL with e set),
 * then client_admin_end(). The caller reads and destroys the event.
 */
rd_kafka_event_t *client_admin_finish(struct client *c, struct client_admin_pending **p, struct err *e);
/** @brief Frees a request under way (results still on their way are dropped) and NULLs *p; NULL is ignored. */
void client_admin_end(struct client_admin_pending **p);

/**
 * @brief The pause between two attempts of a request that may soon succeed (a coordinator loading,
 * a leader's epoch moving): waits *nap ms (50, 100, ... up to 800) and returns true, or false at
 * once when the wait would pass deadline (clock_mono_ms()).
 */
bool client_backoff(int *nap, int64_t deadline);

/** @brief Maps a librdkafka error to a cmd status and fills e with cause and hint for `what`. */
int client_error(struct client *c, rd_kafka_resp_err_t err, const char *errstr, const char *what, struct err *e);

#endif
