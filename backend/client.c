#include "clock.h"
#include "client.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "escape.h"
#include "loop.h"
#include "xalloc.h"

/* The build links the librdkafka it built (docs/building.md); this guards against any other. */
#if RD_KAFKA_VERSION < 0x020e0000
#error "kcon needs librdkafka 2.14 or newer: build it with kcon's own build (docs/building.md)"
#endif

struct client {
	rd_kafka_t *rk;
	char *bootstrap;
	int timeout_ms;
	bool verbose;
	struct note_sink *note; /* librdkafka's log with verbose */
	pthread_mutex_t lock;   /* guards what follows: librdkafka logs from its own threads */
	char *last_fail;        /* the last error librdkafka logged, for messages */
	struct model *cache;
	int64_t cache_at;                 /* monotonic ms */
	bool logged_in;                   /* a bootstrap connection came up */
	bool sasl_ssl_implied;            /* conf.sasl_ssl_implied: TLS only because --user asked for SASL */
	rd_kafka_metadata_broker_t *seen; /* the brokers advertised to this client, by id */
	int nseen;
};

/*
 * Partitions per ListOffsets batch. librdkafka matches each answer with a linear search of the batch
 * (n^2 / 2 strcmp): batches of 5000 took 20 s of CPU for a topic of 100,000 partitions, 1000 take
 * 1.3 s; one call over all 100k is far slower still.
 */
#define CLIENT_CHUNK 1000

static void client_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct client *c = rd_kafka_opaque(rk);
	if (c == NULL)
		return;
	if (c->verbose)
		note_send(c->note, "librdkafka %d %s: %s", level, fac, buf);
	if (level > 4) /* keep errors and warnings */
		return;
	/* "[thrd:host:port/bootstrap]: " says nothing a person needs */
	if (strncmp(buf, "[thrd:", 6) == 0 && strstr(buf, "]: "))
		buf = strstr(buf, "]: ") + 3;
	pthread_mutex_lock(&c->lock);
	/* "N/N brokers are down" follows the error that says why: keep the why */
	if (c->last_fail == NULL || strstr(buf, "brokers are down") == NULL) {
		free(c->last_fail);
		c->last_fail = x_strdup(buf);
	}
	pthread_mutex_unlock(&c->lock);
}

/*
 * Called by librdkafka's broker threads when a broker is created or changes state. A bootstrap
 * broker (id -1) in state UP has logged in: connected, TLS, SASL and ApiVersions done. A broker
 * with an id was advertised to us (by a Metadata or FindCoordinator response). Both are kept
 * whatever librdkafka does next with its broker list: since 2.10 it drops the bootstrap broker
 * after the first Metadata response and talks only to the advertised ones.
 */
static rd_kafka_resp_err_t client_on_broker(rd_kafka_t *rk, int32_t id, const char *secproto, const char *name,
					    int port, const char *state, void *opaque)
{
	(void)rk;
	(void)secproto;
	struct client *c = opaque;
	pthread_mutex_lock(&c->lock);
	if (id < 0 && strcmp(state, "UP") == 0)
		c->logged_in = true;
	if (id >= 0) {
		int i = 0;
		while (i < c->nseen && c->seen[i].id != id)
			i++;
		if (i == c->nseen) {
			c->seen = x_reallocarray(c->seen, (size_t)c->nseen + 1, sizeof(*c->seen));
			c->seen[c->nseen++] = (rd_kafka_metadata_broker_t){ .id = id };
		}
		if (c->seen[i].host == NULL || strcmp(c->seen[i].host, name) != 0) {
			free(c->seen[i].host);
			c->seen[i].host = x_strdup(name);
		}
		c->seen[i].port = port;
	}
	pthread_mutex_unlock(&c->lock);
	return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static rd_kafka_resp_err_t client_on_new(rd_kafka_t *rk, const rd_kafka_conf_t *conf, void *opaque, char *errstr,
					 size_t errstr_size)
{
	(void)conf;
	(void)errstr;
	(void)errstr_size;
	return rd_kafka_interceptor_add_on_broker_state_change(rk, "kcon", client_on_broker, opaque);
}

static int client_conf_apply(rd_kafka_conf_t *kc, const struct conf *conf, struct err *e)
{
	char errstr[512];
	for (size_t i = 0; i < conf->nprops; i++) {
		const struct conf_prop *p = &conf->props[i];
		rd_kafka_conf_res_t r = rd_kafka_conf_set(kc, p->key, p->value, errstr, sizeof(errstr));
		if (r == RD_KAFKA_CONF_UNKNOWN)
			return err_set(e, CMD_USAGE,
				       "see librdkafka's CONFIGURATION.md for property names; Java client files go "
				       "through -F",
				       "unknown librdkafka property `%s`", p->key);
		if (r != RD_KAFKA_CONF_OK) /* librdkafka's errstr quotes the value: not a secret's */
			return err_set(e, CMD_USAGE, "fix the value given with -X, -F or the profile",
				       "property %s: %s", p->key,
				       conf_is_secret(p->key) ? "librdkafka refuses its value" : errstr);
	}
	return CMD_OK;
}

static void client_props_set(rd_kafka_conf_t *kc, const struct client_prop *p)
{
	for (; p && p->key; p++)
		if (p->value)
			rd_kafka_conf_set(kc, p->key, p->value, NULL, 0);
}

rd_kafka_t *client_handle_new(const struct client_handle *h, const struct conf *conf, struct err *e)
{
	char errstr[512];
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	rd_kafka_conf_set(kc, "client.id", h->client_id, NULL, 0);
	rd_kafka_conf_set(kc, "log.connection.close", "false", NULL, 0);
	/*
	 * librdkafka drops the bootstrap connection after the first metadata answer and connects to
	 * the broker by its id, waiting half the reconnect backoff first: 100 ms by default, about
	 * 45 ms of every short command. The backoff still doubles on failures, up to
	 * reconnect.backoff.max.ms; -X overrides it.
	 */
	rd_kafka_conf_set(kc, "reconnect.backoff.ms", "10", NULL, 0);
	client_props_set(kc, h->defaults);
	if (client_conf_apply(kc, conf, e) != CMD_OK) {
		rd_kafka_conf_destroy(kc);
		return NULL;
	}
	client_props_set(kc, h->fixed);
	if (h->log_cb)
		rd_kafka_conf_set_log_cb(kc, h->log_cb);
	if (h->error_cb)
		rd_kafka_conf_set_error_cb(kc, h->error_cb);
	if (h->dr_msg_cb)
		rd_kafka_conf_set_dr_msg_cb(kc, h->dr_msg_cb);
	rd_kafka_conf_set_opaque(kc, h->opaque);
	if (h->on_new)
		rd_kafka_conf_interceptor_add_on_new(kc, h->client_id, h->on_new, h->opaque);
	rd_kafka_t *rk = rd_kafka_new(h->type, kc, errstr, sizeof(errstr));
	if (rk == NULL) { /* on success librdkafka owns kc */
		err_set(e, CMD_USAGE, "check the TLS files (--ca, --cert, --key) and SASL settings",
			"cannot set up the %s: %s", h->what, errstr);
		rd_kafka_conf_destroy(kc);
	}
	return rk;
}

struct client *client_new(const struct conf *conf, int timeout_ms, bool verbose, struct note_sink *note, struct err *e)
{
	struct client *c = x_calloc(1, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->timeout_ms = timeout_ms;
	c->verbose = verbose;
	c->note = note;
	c->bootstrap = x_strdup(conf->bootstrap);
	c->sasl_ssl_implied = conf->sasl_ssl_implied;
	const struct client_handle h = { .type = RD_KAFKA_PRODUCER,
					 .client_id = "kcon",
					 .what = "client",
					 .opaque = c,
					 .log_cb = client_log,
					 .on_new = client_on_new };
	c->rk = client_handle_new(&h, conf, e);
	if (c->rk == NULL) {
		free(c->bootstrap);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	return c;
}

void client_free(struct client **cp)
{
	struct client *c = *cp;
	if (c == NULL)
		return;
	*cp = NULL;
	model_unref(&c->cache);
	rd_kafka_destroy(c->rk);
	for (int i = 0; i < c->nseen; i++)
		free(c->seen[i].host);
	free(c->seen);
	free(c->last_fail);
	free(c->bootstrap);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

rd_kafka_t *client_rk(struct client *c)
{
	return c->rk;
}

char *client_library(void)
{
	char features[1024] = "";
	size_t size = sizeof(features);
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	if (rd_kafka_conf_get(kc, "builtin.features", features, &size) != RD_KAFKA_CONF_OK)
		snprintf(features, sizeof(features), "(unknown)");
	rd_kafka_conf_destroy(kc);
	return x_asprintf("librdkafka %s (static), features: %s", rd_kafka_version_str(), features);
}

const char *client_bootstrap(const struct client *c)
{
	return c->bootstrap;
}

int client_timeout(const struct client *c)
{
	return c->timeout_ms;
}

/* Which connection step a librdkafka log line speaks of, and what to try. */
static const struct {
	const char *needle, *step, *hint;
} client_steps[] = {
	{ "resolve", "resolve",
	  "check the host names in --bootstrap or KCON_BOOTSTRAP and DNS (in OpenShift: "
	  "CLUSTER-kafka-bootstrap.NAMESPACE.svc:9092)" },
	{ "SASL", "SASL", "check --sasl-mechanism, --user and --password-file, and that the user exists" },
	{ "uthenticat", "SASL", "check --sasl-mechanism, --user and --password-file, and that the user exists" },
	{ "SSL", "TLS",
	  "give the CA with --ca FILE or --strimzi-ca DIR (Strimzi: the CLUSTER-cluster-ca-cert secret; without "
	  "either kcon trusts the system's CA store, where it finds one), check --cert and --key, and that the port "
	  "is a TLS listener" },
	{ "certificate", "TLS",
	  "give the CA with --ca FILE or --strimzi-ca DIR (without either kcon trusts the system's CA store, where it "
	  "finds one), check --cert and --key" },
	{ "ApiVersion", "connect",
	  "the listener may speak TLS or SASL: try --ca, or -X security.protocol=SSL / SASL_SSL" },
	{ "Connect to", "connect", "is a broker listening there? check the port, the broker, and any network policy" },
	{ "Connection refused", "connect",
	  "is a broker listening there? check the port, the broker, and any network policy" },
};

/* --user without -X security.protocol means SASL_SSL (conf_finish); when its TLS fails: */
static const char client_hint_no_tls[] = "the listener speaks no TLS: for SASL without TLS add "
					 "-X security.protocol=SASL_PLAINTEXT; a TLS listener wants --ca FILE",
		  client_hint_tls_ca[] = "a TLS listener wants its CA: --ca FILE or --strimzi-ca DIR; for SASL "
					 "without TLS add -X security.protocol=SASL_PLAINTEXT";

int client_error(struct client *c, rd_kafka_resp_err_t err, const char *errstr, const char *what, struct err *e)
{
	const char *msg = errstr && *errstr ? errstr : rd_kafka_err2str(err);
	switch (err) {
	case RD_KAFKA_RESP_ERR__TRANSPORT:
	case RD_KAFKA_RESP_ERR__TIMED_OUT:
	case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
	case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
	case RD_KAFKA_RESP_ERR__RESOLVE:
	case RD_KAFKA_RESP_ERR__AUTHENTICATION:
	case RD_KAFKA_RESP_ERR__SSL:
	case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED: {
		char *last = NULL;
		pthread_mutex_lock(&c->lock);
		last = x_strdup(c->last_fail);
		pthread_mutex_unlock(&c->lock);
		const char *step = "metadata",
			   *hint = "check that the brokers are up and reachable; raise --timeout on a slow network";
		for (size_t i = 0; last && i < sizeof(client_steps) / sizeof(client_steps[0]); i++)
			if (strstr(last, client_steps[i].needle)) {
				step = client_steps[i].step;
				hint = client_steps[i].hint;
				break;
			}
		/* librdkafka's words, valid UTF-8 for JSON; the sink escapes them */
		const char *why = last ? last : msg;
		char *safe = escape_utf8_fix(why, strlen(why));
		if (last && c->sasl_ssl_implied && strcmp(step, "TLS") == 0 &&
		    !strstr(last, "certificate verify failed"))
			/* TLS nobody asked for in words, and no TLS listener answered (one whose certificate
			   fails verification is one): say where it came from, and how to do without */
			err_set(e, CMD_UNREACHABLE,
				strstr(last, "PLAINTEXT broker listener") ? client_hint_no_tls : client_hint_tls_ca,
				"%s: cannot reach the cluster at %s (TLS failed; kcon tried TLS because --user "
				"implies SASL_SSL): %s",
				what, c->bootstrap, safe);
		else if (last)
			err_set(e, CMD_UNREACHABLE, hint, "%s: cannot reach the cluster at %s (%s failed): %s", what,
				c->bootstrap, step, safe);
		else
			err_set(e, CMD_UNREACHABLE, hint, "%s: no answer from the cluster at %s within %d ms: %s", what,
				c->bootstrap, c->timeout_ms, safe);
		free(safe);
		free(last);
		return CMD_UNREACHABLE;
	}
	case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
		return err_set(e, CMD_FAILED, "`topics` lists the topics; names are case-sensitive", "%s: %s", what,
			       msg);
	case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
		return err_set(e, CMD_FAILED, "`topic describe` shows it; pick another name", "%s: %s", what, msg);
	case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
		return err_set(e, CMD_FAILED, "the replication factor cannot exceed the number of brokers (`brokers`)",
			       "%s: %s", what, msg);
	case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
	case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
		return err_set(e, CMD_FAILED,
			       "the user lacks an ACL for this: ask a cluster admin, or use another profile",
			       "%s: not authorized: %s", what, msg);
	case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
	case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
	case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
		return err_set(e, CMD_FAILED,
			       "the group's coordinator is moving or still loading: retry in a few seconds", "%s: %s",
			       what, msg);
	case RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE:
	case RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION:
	case RD_KAFKA_RESP_ERR_INVALID_REQUEST:
		return err_set(e, CMD_FAILED,
			       "the cluster does not serve this request (the embedded --demo cluster serves few)",
			       "%s: %s", what, msg);
	default:
		return err_set(e, CMD_FAILED, NULL, "%s: %s", what, msg);
	}
}

int client_metadata(struct client *c, int max_age_ms, struct model **out, struct err *e)
{
	pthread_mutex_lock(&c->lock);
	if (c->cache && clock_mono_ms() - c->cache_at <= max_age_ms) {
		*out = model_ref(c->cache);
		pthread_mutex_unlock(&c->lock);
		return CMD_OK;
	}
	pthread_mutex_unlock(&c->lock);

	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t err = rd_kafka_metadata(c->rk, 1, NULL, &md, c->timeout_ms);
	if (err)
		return client_error(c, err, NULL, "metadata", e);
	char *cid = rd_kafka_clusterid(c->rk, 0);
	struct model *m = model_new(md, cid, rd_kafka_controllerid(c->rk, 0), clock_wall_ms());
	if (cid)
		rd_kafka_mem_free(c->rk, cid);
	rd_kafka_metadata_destroy(md);

	pthread_mutex_lock(&c->lock);
	model_unref(&c->cache);
	c->cache = model_ref(m);
	c->cache_at = clock_mono_ms();
	pthread_mutex_unlock(&c->lock);
	*out = m;
	return CMD_OK;
}

struct client_metadata_q {
	struct client *c;
	int max_age_ms;
	pthread_t t;
	bool threaded;
	struct model *m;
	struct err e;
	int rc;
};

static void *client_metadata_thread(void *arg)
{
	struct client_metadata_q *q = arg;
	q->rc = client_metadata(q->c, q->max_age_ms, &q->m, &q->e);
	return NULL;
}

struct client_metadata_q *client_metadata_start(struct client *c, int max_age_ms)
{
	struct client_metadata_q *q = x_calloc(1, sizeof(*q));
	q->c = c;
	q->max_age_ms = max_age_ms;
	q->threaded = loop_thread_start(&q->t, client_metadata_thread, q) == 0;
	if (!q->threaded)
		client_metadata_thread(q);
	return q;
}

int client_metadata_finish(struct client_metadata_q **qp, struct model **out, struct err *e)
{
	struct client_metadata_q *q = *qp;
	*qp = NULL;
	if (q->threaded)
		pthread_join(q->t, NULL);
	int rc = q->rc;
	*out = q->m;
	if (rc != CMD_OK) {
		err_clear(e);
		*e = q->e;
	}
	free(q);
	return rc;
}

bool client_logged_in(struct client *c)
{
	pthread_mutex_lock(&c->lock);
	bool up = c->logged_in;
	pthread_mutex_unlock(&c->lock);
	return up;
}

struct model *client_advertised(struct client *c)
{
	struct model *m = NULL;
	pthread_mutex_lock(&c->lock);
	if (c->nseen > 0) {
		struct rd_kafka_metadata md = { .broker_cnt = c->nseen, .brokers = c->seen };
		m = model_new(&md, NULL, -1, clock_wall_ms());
	}
	pthread_mutex_unlock(&c->lock);
	return m;
}

void client_invalidate(struct client *c)
{
	pthread_mutex_lock(&c->lock);
	model_unref(&c->cache);
	pthread_mutex_unlock(&c->lock);
}

/* A leader's epoch the client and the broker do not agree on yet (a broker just restarted, a leader
   just moved): librdkafka drops the topic's cached metadata, so asking again shortly helps. */
static bool client_epoch_moving(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH || err == RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH ||
	       err == RD_KAFKA_RESP_ERR_OFFSET_NOT_AVAILABLE;
}

/* Errors of a partition whose leader is elsewhere, absent or moving: its offset stays unknown.
   librdkafka says __UNKNOWN_PARTITION when no partition asked has a leader (a broker shutting down). */
static bool client_partition_error(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
	       err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION || err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
	       client_epoch_moving(err);
}

int client_list_offsets(struct client *c, rd_kafka_topic_partition_list_t *parts, struct err *e)
{
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	for (int start = 0; start < parts->cnt; start += CLIENT_CHUNK) {
		int n = parts->cnt - start < CLIENT_CHUNK ? parts->cnt - start : CLIENT_CHUNK;
		rd_kafka_topic_partition_list_t *chunk = rd_kafka_topic_partition_list_new(n);
		for (int i = 0; i < n; i++) {
			const rd_kafka_topic_partition_t *p = &parts->elems[start + i];
			rd_kafka_topic_partition_list_add(chunk, p->topic, p->partition)->offset = p->offset;
		}
		rd_kafka_resp_err_t err;
		/* a moving epoch is asked again with a bounded backoff within the timeout */
		for (int nap = 50;;) {
			err = rd_kafka_offsets_for_times(c->rk, chunk, c->timeout_ms);
			if (!client_epoch_moving(err) || !client_backoff(&nap, deadline))
				break;
			for (int i = 0; i < n; i++)
				chunk->elems[i].offset = parts->elems[start + i].offset, chunk->elems[i].err = 0;
		}
		for (int i = 0; i < n; i++) {
			parts->elems[start + i].offset = chunk->elems[i].offset;
			parts->elems[start + i].err = err ? err : chunk->elems[i].err;
		}
		rd_kafka_topic_partition_list_destroy(chunk);
		if (err && !client_partition_error(err))
			return client_error(c, err, NULL, "list offsets", e);
	}
	return CMD_OK;
}

struct client_offsets_job {
	struct client *c;
	rd_kafka_topic_partition_list_t *parts;
	struct err e;
	int rc;
};

static void *client_offsets_thread(void *arg)
{
	struct client_offsets_job *j = arg;
	j->rc = client_list_offsets(j->c, j->parts, &j->e);
	return NULL;
}

int client_list_offsets_both(struct client *c, rd_kafka_topic_partition_list_t *a, rd_kafka_topic_partition_list_t *b,
			     struct err *e)
{
	/* librdkafka sends one ListOffsets per leader and call: two calls at once share the round trip */
	struct client_offsets_job j = { .c = c, .parts = a };
	pthread_t t;
	bool threaded = loop_thread_start(&t, client_offsets_thread, &j) == 0;
	if (!threaded)
		client_offsets_thread(&j);
	int rc = client_list_offsets(c, b, e);
	if (threaded)
		pthread_join(t, NULL);
	if (rc == CMD_OK && j.rc != CMD_OK) {
		err_clear(e);
		*e = j.e;
		return j.rc;
	}
	err_clear(&j.e);
	return rc;
}

bool client_backoff(int *nap, int64_t deadline)
{
	if (clock_mono_ms() + *nap > deadline)
		return false;
	struct timespec ts = { .tv_sec = *nap / 1000, .tv_nsec = (long)(*nap % 1000) * 1000000 };
	nanosleep(&ts, NULL); /* a signal ends it early: the caller asks again, or gives up at deadline */
	*nap = *nap < 800 ? *nap * 2 : *nap;
	return true;
}

struct client_admin_pending {
	struct client_admin_req req;
	rd_kafka_AdminOptions_t *o;
	rd_kafka_queue_t *q;
	int64_t deadline; /* of the next result: the timeout (and a second) after the last send or result */
};

struct client_admin_pending *client_admin_open(struct client *c, const struct client_admin_req *req)
{
	struct client_admin_pending *p = x_calloc(1, sizeof(*p));
	p->req = *req;
	p->o = client_admin_options(c, req->op);
	p->q = rd_kafka_queue_new(c->rk);
	return p;
}

void client_admin_send(struct client *c, struct client_admin_pending *p)
{
	p->req.send(c, p->o, p->q, p->req.ud);
	p->deadline = clock_mono_ms() + c->timeout_ms + 1000;
}

struct client_admin_pending *client_admin_start(struct client *c, const struct client_admin_req *req)
{
	struct client_admin_pending *p = client_admin_open(c, req);
	client_admin_send(c, p);
	return p;
}

#define CLIENT_WAIT_SLICE 50 /* ms: how soon an interruptible command's admin wait sees the interrupt */

/* The one wait of kcon's admin requests: every result is waited for here, up to its deadline. */
rd_kafka_event_t *client_admin_next(struct client *c, struct client_admin_pending *p, struct err *e)
{
	/* an interruptible command's wait looks at its interrupt between slices; another's is one poll */
	int slice = cmd_interruptible_here() ? CLIENT_WAIT_SLICE : INT_MAX;
	rd_kafka_event_t *ev = NULL;
	for (int64_t left; !ev && (left = p->deadline - clock_mono_ms()) > 0;) {
		if (cmd_interrupted_here()) {
			err_set(e, CMD_FAILED, NULL, "%s: interrupted", p->req.what);
			return NULL;
		}
		ev = rd_kafka_queue_poll(p->q, left > slice ? slice : (int)left);
	}
	if (ev == NULL) {
		client_error(c, RD_KAFKA_RESP_ERR__TIMED_OUT, NULL, p->req.what, e);
		return NULL;
	}
	p->deadline = clock_mono_ms() + c->timeout_ms + 1000; /* progress: the clock restarts */
	return ev;
}

void client_admin_end(struct client_admin_pending **pp)
{
	struct client_admin_pending *p = *pp;
	if (p == NULL)
		return;
	rd_kafka_queue_destroy(p->q); /* results still on their way are dropped with the queue */
	rd_kafka_AdminOptions_destroy(p->o);
	free(p);
	*pp = NULL;
}

rd_kafka_event_t *client_admin_finish(struct client *c, struct client_admin_pending **pp, struct err *e)
{
	struct client_admin_pending *p = *pp;
	rd_kafka_event_t *ev = client_admin_next(c, p, e);
	if (ev && rd_kafka_event_error(ev)) {
		(p->req.fail ? p->req.fail : client_error)(c, rd_kafka_event_error(ev), rd_kafka_event_error_string(ev),
							   p->req.what, e);
		rd_kafka_event_destroy(ev);
		ev = NULL;
	}
	client_admin_end(pp);
	return ev;
}

rd_kafka_event_t *client_admin_call(struct client *c, const struct client_admin_req *req, struct err *e)
{
	struct client_admin_pending *p = client_admin_start(c, req);
	return client_admin_finish(c, &p, e);
}

rd_kafka_AdminOptions_t *client_admin_options(struct client *c, rd_kafka_admin_op_t op)
{
	rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(c->rk, op);
	rd_kafka_AdminOptions_set_request_timeout(o, c->timeout_ms, NULL, 0);
	if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS)
		rd_kafka_AdminOptions_set_operation_timeout(o, c->timeout_ms, NULL, 0);
	return o;
}

static void client_send_create_topic(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	rd_kafka_NewTopic_t *nt = ud;
	rd_kafka_CreateTopics(c->rk, &nt, 1, o, q);
}

static void client_send_delete_topic(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	rd_kafka_DeleteTopic_t *dt = ud;
	rd_kafka_DeleteTopics(c->rk, &dt, 1, o, q);
}

struct client_configs_send {
	rd_kafka_ConfigResource_t **res;
	size_t n;
};

static void client_send_configs(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	const struct client_configs_send *cs = ud;
	rd_kafka_DescribeConfigs(c->rk, cs->res, cs->n, o, q);
}

/* The one topic result of a Create/DeleteTopics event. */
static int client_topic_result(struct client *c, const rd_kafka_topic_result_t **res, size_t n, const char *what,
			       struct err *e)
{
	if (n < 1)
		return err_set(e, CMD_FAILED, NULL, "%s: the broker sent no result", what);
	rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[0]);
	if (err)
		return client_error(c, err, rd_kafka_topic_result_error_string(res[0]), what, e);
	return CMD_OK;
}

/*
 * Waits (up to the timeout) until the metadata of a topic just created names a leader for each of
 * its partitions: a broker answers CreateTopics before every broker's metadata has the topic, and
 * `topic create t; produce t` in a script must work.
 */
static int client_await_topic(struct client *c, const char *name)
{
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(c->rk, name, NULL);
	int64_t deadline = clock_mono_ms() + c->timeout_ms;
	int rf = -1;
	for (;;) {
		const struct rd_kafka_metadata *md = NULL;
		bool ready = false;
		int64_t left = deadline - clock_mono_ms();
		if (rd_kafka_metadata(c->rk, 0, rkt, &md, left > 0 ? (int)left : 1) == RD_KAFKA_RESP_ERR_NO_ERROR) {
			ready = md->topic_cnt == 1 && md->topics[0].err == 0 && md->topics[0].partition_cnt > 0;
			for (int p = 0; ready && p < md->topics[0].partition_cnt; p++) {
				ready = md->topics[0].partitions[p].leader >= 0;
				if (md->topics[0].partitions[p].replica_cnt > rf) /* as model.h counts it */
					rf = md->topics[0].partitions[p].replica_cnt;
			}
		}
		if (md)
			rd_kafka_metadata_destroy(md);
		if (ready || clock_mono_ms() >= deadline)
			break;
		struct timespec pause = { 0, 50 * 1000000L }; /* between two metadata requests */
		nanosleep(&pause, NULL);
	}
	rd_kafka_topic_destroy(rkt);
	return rf;
}

int client_topic_create(struct client *c, const char *name, int partitions, int rf, char *const *configs, int nconfigs,
			int *applied_rf, struct err *e)
{
	*applied_rf = -1;
	char errstr[512];
	char *what = x_asprintf("create topic %s", name);
	int rc = CMD_FAILED;
	rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(name, partitions, rf, errstr, sizeof(errstr));
	if (nt == NULL) {
		err_set(e, CMD_USAGE, NULL, "%s: %s", what, errstr);
		free(what);
		return CMD_USAGE;
	}
	for (int i = 0; i < nconfigs; i++) {
		const char *eq = strchr(configs[i], '=');
		if (eq == NULL || eq == configs[i]) {
			rc = err_set(e, CMD_USAGE, "write --config key=value, as in --config retention.ms=86400000",
				     "%s: bad --config `%s`", what, configs[i]);
			goto out;
		}
		char *k = x_strndup(configs[i], (size_t)(eq - configs[i]));
		rd_kafka_NewTopic_set_config(nt, k, eq + 1);
		free(k);
	}
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_CREATETOPICS,
									     .what = what,
									     .send = client_send_create_topic,
									     .ud = nt },
						 e);
	if (ev) {
		size_t n;
		const rd_kafka_topic_result_t **res =
			rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
		rc = client_topic_result(c, res, n, what, e);
		if (rc == CMD_OK)
			*applied_rf = client_await_topic(c, name);
		rd_kafka_event_destroy(ev);
	} else {
		rc = e->status;
	}
	client_invalidate(c);
out:
	rd_kafka_NewTopic_destroy(nt);
	free(what);
	return rc;
}

int client_topic_delete(struct client *c, const char *name, struct err *e)
{
	char *what = x_asprintf("delete topic %s", name);
	rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(name);
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_DELETETOPICS,
									     .what = what,
									     .send = client_send_delete_topic,
									     .ud = dt },
						 e);
	int rc = e->status;
	if (ev) {
		size_t n;
		const rd_kafka_topic_result_t **res =
			rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
		rc = client_topic_result(c, res, n, what, e);
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_DeleteTopic_destroy(dt);
	client_invalidate(c);
	free(what);
	return rc;
}

bool client_controller_missing(struct client *c)
{
	bool missing = false;
	pthread_mutex_lock(&c->lock);
	if (c->cache && c->cache->controller >= 0) {
		missing = true;
		for (int i = 0; i < c->cache->nbrokers; i++)
			missing = missing && c->cache->brokers[i].id != c->cache->controller;
	}
	pthread_mutex_unlock(&c->lock);
	return missing;
}

/*
 * DescribeConfigs of n resources of one type in one request, sent; NULL with e set when the cluster
 * cannot answer. client_admin_finish() gives the event: the caller reads its resources and destroys it.
 */
static struct client_admin_pending *client_describe_configs_start(struct client *c, rd_kafka_ResourceType_t type,
								  const char *const *names, int n, const char *what,
								  struct err *e)
{
	if (client_controller_missing(c)) {
		err_set(e, CMD_FAILED, "the embedded --demo cluster cannot describe configs",
			"%s: the cluster names no broker as its controller", what);
		return NULL;
	}
	rd_kafka_ConfigResource_t **res = x_calloc((size_t)n, sizeof(*res));
	for (int i = 0; i < n; i++)
		res[i] = rd_kafka_ConfigResource_new(type, names[i]);
	struct client_configs_send send = { res, (size_t)n };
	struct client_admin_pending *p =
		client_admin_start(c, &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
								  .what = what,
								  .send = client_send_configs,
								  .ud = &send });
	rd_kafka_ConfigResource_destroy_array(res, (size_t)n);
	free(res);
	return p;
}

/* The value of key of each of the n topics in a DescribeConfigs answer, into values (NULL where unknown). */
static void client_topic_config_read(rd_kafka_event_t *ev, char *const *topics, int n, const char *key, char **values)
{
	size_t nr;
	const rd_kafka_ConfigResource_t **rr =
		rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &nr);
	for (size_t i = 0; i < nr; i++) {
		if (rd_kafka_ConfigResource_error(rr[i]))
			continue;
		int slot = -1;
		for (int j = 0; j < n && slot < 0; j++)
			if (strcmp(topics[j], rd_kafka_ConfigResource_name(rr[i])) == 0)
				slot = j;
		size_t nc;
		const rd_kafka_ConfigEntry_t **ce = rd_kafka_ConfigResource_configs(rr[i], &nc);
		for (size_t k = 0; slot >= 0 && k < nc; k++)
			if (strcmp(rd_kafka_ConfigEntry_name(ce[k]), key) == 0 && rd_kafka_ConfigEntry_value(ce[k]))
				values[slot] = x_strdup(rd_kafka_ConfigEntry_value(ce[k]));
	}
}

int client_topic_config(struct client *c, char *const *topics, int n, const char *key, char **values, struct err *e)
{
	for (int i = 0; i < n; i++)
		values[i] = NULL;
	if (n == 0)
		return CMD_OK;
	struct client_admin_pending *p = client_describe_configs_start(
		c, RD_KAFKA_RESOURCE_TOPIC, (const char *const *)topics, n, "describe topic configs", e);
	rd_kafka_event_t *ev = p ? client_admin_finish(c, &p, e) : NULL;
	if (ev == NULL)
		return e->status;
	client_topic_config_read(ev, topics, n, key, values);
	rd_kafka_event_destroy(ev);
	return CMD_OK;
}

struct client_min_isr_q {
	struct client_admin_pending *p; /* NULL: nothing asked, or the cluster cannot answer */
	int ntopics, n;
	char **names; /* the n topics asked */
	int *slot;    /* names[i] is topic slot[i] of the model */
};

struct client_min_isr_q *client_min_isr_start(struct client *c, const struct model *m, const bool *want)
{
	struct client_min_isr_q *q = x_calloc(1, sizeof(*q));
	q->ntopics = m->ntopics;
	q->names = x_calloc((size_t)m->ntopics + 1, sizeof(char *));
	q->slot = x_calloc((size_t)m->ntopics + 1, sizeof(int));
	for (int i = 0; i < m->ntopics; i++)
		if (want == NULL || want[i])
			q->slot[q->n] = i, q->names[q->n++] = x_strdup(m->topics[i].name);
	struct err e = { 0 };
	if (q->n > 0)
		q->p = client_describe_configs_start(c, RD_KAFKA_RESOURCE_TOPIC, (const char *const *)q->names, q->n,
						     "describe topic configs", &e);
	err_clear(&e);
	return q;
}

int *client_min_isr_finish(struct client *c, struct client_min_isr_q **qp)
{
	struct client_min_isr_q *q = *qp;
	if (q == NULL)
		return NULL;
	*qp = NULL;
	struct err e = { 0 };
	int *min = NULL;
	rd_kafka_event_t *ev = q->p ? client_admin_finish(c, &q->p, &e) : NULL;
	if (ev || (q->n == 0 && q->p == NULL && e.status == CMD_OK)) {
		char **values = x_calloc((size_t)q->n + 1, sizeof(char *));
		if (ev)
			client_topic_config_read(ev, q->names, q->n, "min.insync.replicas", values);
		min = x_calloc((size_t)q->ntopics + 1, sizeof(int));
		for (int i = 0; i < q->n; i++) {
			min[q->slot[i]] = values[i] ? atoi(values[i]) : 0;
			free(values[i]);
		}
		free(values);
	}
	if (ev)
		rd_kafka_event_destroy(ev);
	err_clear(&e);
	client_min_isr_cancel(&q);
	return min;
}

void client_min_isr_cancel(struct client_min_isr_q **qp)
{
	struct client_min_isr_q *q = *qp;
	if (q == NULL)
		return;
	*qp = NULL;
	client_admin_end(&q->p); /* an answer still on its way is dropped with its queue */
	for (int i = 0; i < q->n; i++)
		free(q->names[i]);
	free(q->names);
	free(q->slot);
	free(q);
}

int *client_min_isr(struct client *c, const struct model *m, const bool *want)
{
	struct client_min_isr_q *q = client_min_isr_start(c, m, want);
	return client_min_isr_finish(c, &q);
}

int client_configs(struct client *c, rd_kafka_ResourceType_t type, const char *name, struct client_config **out, int *n,
		   struct err *e)
{
	*out = NULL;
	*n = 0;
	char *what = x_asprintf("describe configs of %s %s", rd_kafka_ResourceType_name(type), name);
	struct client_admin_pending *p = client_describe_configs_start(c, type, &name, 1, what, e);
	rd_kafka_event_t *ev = p ? client_admin_finish(c, &p, e) : NULL;
	int rc = e->status;
	if (ev == NULL)
		goto out;
	size_t nr, nc = 0;
	const rd_kafka_ConfigResource_t **rr =
		rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &nr);
	rd_kafka_resp_err_t err = nr < 1 ? RD_KAFKA_RESP_ERR__BAD_MSG : rd_kafka_ConfigResource_error(rr[0]);
	if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
		rc = err_set(e, CMD_FAILED, "`topics` lists the topics; names are case-sensitive", "unknown %s `%s`",
			     type == RD_KAFKA_RESOURCE_TOPIC ? "topic" : "resource", name);
	} else if (err) {
		rc = client_error(c, err,
				  nr < 1 ? "the broker sent no result" : rd_kafka_ConfigResource_error_string(rr[0]),
				  what, e);
	} else {
		const rd_kafka_ConfigEntry_t **ce = rd_kafka_ConfigResource_configs(rr[0], &nc);
		struct client_config *cfg = x_calloc(nc + 1, sizeof(*cfg));
		for (size_t k = 0; k < nc; k++) {
			const char *v = rd_kafka_ConfigEntry_value(ce[k]);
			cfg[k] = (struct client_config){
				.name = x_strdup(rd_kafka_ConfigEntry_name(ce[k])),
				.source = rd_kafka_ConfigEntry_source(ce[k]),
				.is_default = rd_kafka_ConfigEntry_is_default(ce[k]) == 1,
				.read_only = rd_kafka_ConfigEntry_is_read_only(ce[k]) == 1,
				.sensitive = rd_kafka_ConfigEntry_is_sensitive(ce[k]) == 1,
			};
			cfg[k].value = v && !cfg[k].sensitive ? x_strdup(v) : NULL;
		}
		*out = cfg;
		*n = (int)nc;
		rc = CMD_OK;
	}
	rd_kafka_event_destroy(ev);
out:
	free(what);
	return rc;
}

void client_configs_free(struct client_config **cfg, int n)
{
	for (int i = 0; *cfg && i < n; i++) {
		free((*cfg)[i].name);
		free((*cfg)[i].value);
	}
	x_free(cfg);
}

static void client_send_describe_cluster(struct client *c, rd_kafka_AdminOptions_t *o, rd_kafka_queue_t *q, void *ud)
{
	(void)ud;
	rd_kafka_DescribeCluster(c->rk, o, q);
}

/*
 * One DescribeCluster names every broker with its rack (librdkafka sends it as a Metadata request to
 * any broker), where kcon used to read each broker's broker.rack config, one DescribeConfigs per broker.
 */
int client_broker_racks(struct client *c, const struct model *m, char **racks, struct err *e)
{
	for (int i = 0; i < m->nbrokers; i++)
		racks[i] = NULL;
	/* librdkafka's mock cluster (the demo) leaves DescribeCluster unanswered until the timeout */
	if (m->nbrokers == 0 || client_controller_missing(c))
		return err_set(e, CMD_FAILED, NULL, "describe cluster: not served by this cluster");
	rd_kafka_event_t *ev = client_admin_call(c,
						 &(struct client_admin_req){ .op = RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER,
									     .what = "describe cluster",
									     .send = client_send_describe_cluster },
						 e);
	if (ev == NULL)
		return e->status;
	size_t nn;
	const rd_kafka_Node_t **nodes =
		rd_kafka_DescribeCluster_result_nodes(rd_kafka_event_DescribeCluster_result(ev), &nn);
	for (size_t k = 0; k < nn; k++) {
		const char *rack = rd_kafka_Node_rack(nodes[k]);
		for (int i = 0; rack && *rack && i < m->nbrokers; i++)
			if (m->brokers[i].id == rd_kafka_Node_id(nodes[k]) && racks[i] == NULL)
				racks[i] = x_strdup(rack);
	}
	rd_kafka_event_destroy(ev);
	return CMD_OK;
}
