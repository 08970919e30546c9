/*
 * The embedded demo. One handle owns librdkafka's mock cluster; one producer and two consumers
 * (groups fraud-detector and payments-ledger) talk to it; one traffic thread drives all three.
 * Calls into the mock that wait on its thread (topic create, teardown) run under a watchdog, so
 * nothing here can hang the process: on a timeout the stuck thread and its memory are left behind.
 */
#include "clock.h"
#include "demo.h"

#include <arpa/inet.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "names.h"
#include "xalloc.h"

#define DEMO_BROKERS         3
#define DEMO_MOCK_MS         10000 /* default deadline for the mock to create topics */
#define DEMO_STOP_MS         5000  /* deadline for teardown */
#define DEMO_TICK_MS         50    /* traffic period */
#define DEMO_POKE_MS         20    /* wait this long on the mock before waking it */
#define DEMO_MAX_PARTS       1000  /* the mock allocates every partition up front */
#define DEMO_BACKLOG_MS      60000 /* a fresh demo starts with this much history */
#define DEMO_MAX_TOPIC_PARTS 24    /* the most partitions of a seeded topic */

/* The seeded topics and their traffic in messages per second (170 in all). */
static const struct demo_topic {
	const char *name;
	int partitions;
	int rate;
} demo_topics[] = {
	{ "orders", 6, 40 },
	{ "payments", 3, 30 },
	{ "credit.scores", 12, 40 },
	{ "ingest.events", 24, 60 },
};
#define DEMO_NTOPICS (sizeof(demo_topics) / sizeof(demo_topics[0]))

/* The groups: fraud-detector handles one message per tick (20/s of 40/s), payments-ledger all. */
static const char *const demo_group_names[] = { "fraud-detector", "payments-ledger" };
#define DEMO_FRAUD_TOPIC  2 /* credit.scores in demo_topics */
#define DEMO_LEDGER_TOPIC 1 /* payments */
static const size_t demo_group_topics[] = { DEMO_FRAUD_TOPIC, DEMO_LEDGER_TOPIC };

#define DEMO_RECENT 64 /* recent orders that payments refer to */

struct demo {
	rd_kafka_t *host; /* owns the mock cluster */
	rd_kafka_mock_cluster_t *mock;
	char *bootstrap;
	rd_kafka_t *producer, *fraud, *ledger;
	pthread_t traffic;
	bool traffic_started;
	pthread_mutex_t lock; /* guards stop */
	pthread_cond_t wake;  /* the traffic thread waits on it between ticks */
	bool stop;
	_Atomic(struct note_sink *) note; /* librdkafka's log, with --verbose */
	atomic_bool wedged;               /* a mock call timed out: do not start another */
	atomic_int jobs;                  /* topic creations still running, maybe past their deadline */

	/* Traffic state: demo_start's thread, then the traffic thread's. */
	unsigned seed;
	int64_t ts_ms;                                    /* the time the next message carries */
	int64_t ends[DEMO_NTOPICS][DEMO_MAX_TOPIC_PARTS]; /* delivered end offsets, from reports */
	long orders, payments, events;
	struct demo_order {
		long id;
		int customer, cents;
		const char *currency;
	} recent[DEMO_RECENT];
	int nrecent;
};

static struct timespec demo_deadline(int ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static void demo_cond_init(pthread_cond_t *c)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

/* librdkafka's log from the demo's own handles: quiet unless the session is verbose. */
static void demo_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct demo *d = rd_kafka_opaque(rk);
	if (d != NULL)
		note_send(atomic_load(&d->note), "demo %s: librdkafka %d %s: %s", rd_kafka_name(rk), level, fac, buf);
}

/*
 * Wakes the mock cluster's thread with a connection to its first broker. It can miss the wake-up
 * of a request from the API (topic create, destroy) and notice it only at its next 1 s timer (2.14
 * too: 30 topic creates take 1.2 s without this, 0.3 s with it); socket activity makes it look at once.
 */
static void demo_poke(const struct demo *d)
{
	const char *colon = d->bootstrap ? strchr(d->bootstrap, ':') : NULL;
	if (colon == NULL)
		return;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1)) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	connect(fd, (struct sockaddr *)&sa, sizeof(sa)); /* in progress is enough: the listener wakes */
	close(fd);
}

static atomic_int demo_mock_ms = DEMO_MOCK_MS;

void demo_set_deadline(int ms)
{
	atomic_store(&demo_mock_ms, ms);
}

/* --- the watchdog ---------------------------------------------------------------------------- */

/* A topic to create: name, partitions, replication factor. */
struct demo_new_topic {
	const char *name;
	int partitions, rf;
};

/* Work on its own thread that the caller waits for with a deadline. */
struct demo_job {
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	int refs; /* the caller's and the thread's */
	bool done;
	void (*fn)(struct demo_job *j);
	struct demo *d;
	/* topic creation */
	struct demo_new_topic *topics; /* owned, names too: a stuck thread may outlive the caller */
	size_t ntopics;
	atomic_size_t at; /* the topic being created */
	rd_kafka_resp_err_t err;
};

static void demo_job_unref(struct demo_job *j)
{
	pthread_mutex_lock(&j->lock);
	bool last = --j->refs == 0;
	pthread_mutex_unlock(&j->lock);
	if (last) {
		for (size_t i = 0; i < j->ntopics; i++)
			free((char *)j->topics[i].name);
		free(j->topics);
		pthread_mutex_destroy(&j->lock);
		pthread_cond_destroy(&j->done_cond);
		free(j);
	}
}

static void *demo_job_main(void *arg)
{
	struct demo_job *j = arg;
	j->fn(j);
	pthread_mutex_lock(&j->lock);
	j->done = true;
	pthread_cond_signal(&j->done_cond);
	pthread_mutex_unlock(&j->lock);
	demo_job_unref(j);
	return NULL;
}

static struct demo_job *demo_job_new(struct demo *d, void (*fn)(struct demo_job *j))
{
	struct demo_job *j = x_calloc(1, sizeof(*j));
	pthread_mutex_init(&j->lock, NULL);
	demo_cond_init(&j->done_cond);
	j->refs = 1;
	j->fn = fn;
	j->d = d;
	return j;
}

/*
 * Runs j->fn on a thread of its own and waits up to timeout_ms. True when it finished; when it did
 * not, the thread is stuck inside librdkafka and is left behind holding its reference to j (and
 * whatever j points at). Either way the caller's reference is still the caller's to drop.
 */
static bool demo_job_run(struct demo_job *j, int timeout_ms)
{
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	j->refs++;
	if (pthread_create(&t, &a, demo_job_main, j) != 0) {
		pthread_attr_destroy(&a);
		j->refs--;
		j->fn(j); /* no thread to spare: run it here */
		return true;
	}
	pthread_attr_destroy(&a);
	int64_t until = clock_mono_ms() + timeout_ms;
	pthread_mutex_lock(&j->lock);
	while (!j->done && clock_mono_ms() < until) {
		struct timespec slice = demo_deadline(DEMO_POKE_MS);
		while (!j->done && pthread_cond_timedwait(&j->done_cond, &j->lock, &slice) == 0)
			;
		if (!j->done) {
			pthread_mutex_unlock(&j->lock);
			demo_poke(j->d);
			pthread_mutex_lock(&j->lock);
		}
	}
	bool done = j->done;
	pthread_mutex_unlock(&j->lock);
	return done;
}

/* Creates j->topics one after the other, stopping at the first error. */
static void demo_job_create(struct demo_job *j)
{
	for (size_t i = 0; i < j->ntopics; i++) {
		atomic_store(&j->at, i);
		const struct demo_new_topic *t = &j->topics[i];
		if ((j->err = rd_kafka_mock_topic_create(j->d->mock, t->name, t->partitions, t->rf)))
			break;
	}
	atomic_fetch_sub(&j->d->jobs, 1); /* the last use of d */
}

/* Creates topics through the mock under the watchdog. */
static int demo_create(struct demo *d, const struct demo_new_topic *topics, size_t n, struct err *e)
{
	if (atomic_load(&d->wedged))
		return err_set(e, CMD_FAILED, "quit and run `kcon --demo` again",
			       "the embedded demo cluster stopped answering earlier (librdkafka's mock hung)");
	struct demo_job *j = demo_job_new(d, demo_job_create);
	j->topics = x_calloc(n, sizeof(*j->topics));
	for (size_t i = 0; i < n; i++)
		j->topics[i] = (struct demo_new_topic){ x_strdup(topics[i].name), topics[i].partitions, topics[i].rf };
	j->ntopics = n;
	int rc = CMD_OK;
	int deadline = atomic_load(&demo_mock_ms);
	atomic_fetch_add(&d->jobs, 1);
	bool done = demo_job_run(j, deadline);
	const char *name = topics[atomic_load(&j->at)].name; /* the caller's copy */
	if (!done) {
		atomic_store(&d->wedged, true);
		rc = err_set(e, CMD_UNREACHABLE, "quit and run `kcon --demo` again",
			     "the embedded demo cluster did not create topic `%s` within %g s (librdkafka's mock "
			     "cluster can hang creating topics)",
			     name, deadline / 1000.0);
	} else if (j->err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
		rc = err_set(e, CMD_FAILED, "`topic describe` shows it; pick another name", "topic `%s` already exists",
			     name);
	} else if (j->err) {
		rc = err_set(e, CMD_FAILED, NULL, "the embedded demo cluster cannot create topic `%s`: %s", name,
			     rd_kafka_err2str(j->err));
	}
	demo_job_unref(j);
	return rc;
}

/* --- traffic -------------------------------------------------------------------------------- */

static int demo_rand(struct demo *d, int n)
{
	return (int)(rand_r(&d->seed) % (unsigned)n);
}

static const char *demo_pick(struct demo *d, const char *const *v, int n)
{
	return v[demo_rand(d, n)];
}
#define DEMO_PICK(d, array) demo_pick(d, array, (int)(sizeof(array) / sizeof(array[0])))

/* The time of the message being made, ISO 8601. */
static void demo_now(const struct demo *d, char out[32])
{
	clock_iso(out, d->ts_ms);
}

static void demo_produce(struct demo *d, const char *topic, const char *key, const char *source, const char *json)
{
	char trace[33];
	for (int i = 0; i < 32; i++)
		trace[i] = "0123456789abcdef"[demo_rand(d, 16)];
	trace[32] = '\0';
	/* A full queue drops the message: this is demo traffic. */
	rd_kafka_producev(d->producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			  RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_VALUE((void *)json, strlen(json)),
			  RD_KAFKA_V_TIMESTAMP(d->ts_ms), RD_KAFKA_V_HEADER("source", source, -1),
			  RD_KAFKA_V_HEADER("trace-id", trace, -1),
			  RD_KAFKA_V_HEADER("content-type", "application/json", -1), RD_KAFKA_V_END);
}

static const char *const demo_currencies[] = { "EUR", "EUR", "EUR", "USD", "USD", "GBP", "CHF" };
static const char *const demo_channels[] = { "web", "web", "ios", "android", "store" };
static const char *const demo_methods[] = { "card", "card", "card", "sepa_debit", "paypal", "apple_pay" };
static const char *const demo_event_types[] = { "page_view", "page_view",   "page_view", "click",
						"search",    "add_to_cart", "checkout" };

static void demo_order(struct demo *d)
{
	char key[16], json[512], now[32];
	struct demo_order o = { .id = ++d->orders,
				.customer = demo_rand(d, 5000),
				.currency = DEMO_PICK(d, demo_currencies) };
	/* Mostly small baskets, now and then a large one. */
	o.cents = 499 + demo_rand(d, 15000) + (demo_rand(d, 40) == 0 ? demo_rand(d, 250000) : 0);
	d->recent[d->nrecent++ % DEMO_RECENT] = o;
	demo_now(d, now);
	snprintf(key, sizeof(key), "C-%05d", o.customer);
	snprintf(json, sizeof(json),
		 "{\"order_id\":\"ORD-%08ld\",\"customer_id\":\"%s\",\"amount\":%d.%02d,\"currency\":\"%s\","
		 "\"items\":%d,\"channel\":\"%s\",\"status\":\"created\",\"created_at\":\"%s\"}",
		 o.id, key, o.cents / 100, o.cents % 100, o.currency, 1 + demo_rand(d, 8), DEMO_PICK(d, demo_channels),
		 now);
	demo_produce(d, "orders", key, "checkout-service", json);
}

static void demo_payment(struct demo *d)
{
	if (d->nrecent == 0)
		return;
	int n = d->nrecent < DEMO_RECENT ? d->nrecent : DEMO_RECENT;
	const struct demo_order *o = &d->recent[demo_rand(d, n)];
	int roll = demo_rand(d, 100);
	const char *status = roll < 85 ? "authorized" : roll < 95 ? "captured" : roll < 99 ? "declined" : "refunded";
	char key[16], json[512], now[32];
	demo_now(d, now);
	snprintf(key, sizeof(key), "ORD-%08ld", o->id);
	snprintf(json, sizeof(json),
		 "{\"payment_id\":\"PAY-%08ld\",\"order_id\":\"%s\",\"customer_id\":\"C-%05d\",\"amount\":%d.%02d,"
		 "\"currency\":\"%s\",\"method\":\"%s\",\"status\":\"%s\",\"processed_at\":\"%s\"}",
		 ++d->payments, key, o->customer, o->cents / 100, o->cents % 100, o->currency,
		 DEMO_PICK(d, demo_methods), status, now);
	demo_produce(d, "payments", key, "payment-gateway", json);
}

static void demo_score(struct demo *d)
{
	/* A sum of uniforms: a bell around 650 between 350 and 850. */
	int score = 350 + demo_rand(d, 167) + demo_rand(d, 167) + demo_rand(d, 167);
	char band = score >= 750 ? 'A' : score >= 680 ? 'B' : score >= 620 ? 'C' : score >= 550 ? 'D' : 'E';
	char key[16], json[512], now[32];
	demo_now(d, now);
	snprintf(key, sizeof(key), "C-%05d", demo_rand(d, 5000));
	snprintf(json, sizeof(json),
		 "{\"customer_id\":\"%s\",\"score\":%d,\"band\":\"%c\",\"model\":\"risk-v3.2\",\"delta\":%d,"
		 "\"reason_codes\":[\"R%02d\",\"R%02d\"],\"scored_at\":\"%s\"}",
		 key, score, band, demo_rand(d, 41) - 20, 1 + demo_rand(d, 40), 1 + demo_rand(d, 40), now);
	demo_produce(d, "credit.scores", key, "scoring-engine", json);
}

static void demo_event(struct demo *d)
{
	char key[16], json[512], now[32];
	int device = demo_rand(d, 2000);
	demo_now(d, now);
	snprintf(key, sizeof(key), "dev-%04x", device);
	snprintf(json, sizeof(json),
		 "{\"event_id\":\"EVT-%010ld\",\"type\":\"%s\",\"device_id\":\"%s\",\"path\":\"/products/%d\","
		 "\"duration_ms\":%d,\"ts\":\"%s\"}",
		 ++d->events, DEMO_PICK(d, demo_event_types), key, 1000 + demo_rand(d, 9000), 5 + demo_rand(d, 3000),
		 now);
	demo_produce(d, "ingest.events", key, device % 3 ? "edge-collector" : "mobile-gateway", json);
}

static void (*const demo_makers[DEMO_NTOPICS])(struct demo *d) = { demo_order, demo_payment, demo_score, demo_event };

/* The messages due in dt ms at each topic's rate; acc carries the fractions over. */
static void demo_tick(struct demo *d, int64_t acc[DEMO_NTOPICS], int64_t dt)
{
	for (size_t i = 0; i < DEMO_NTOPICS; i++)
		for (acc[i] += demo_topics[i].rate * dt; acc[i] >= 1000; acc[i] -= 1000)
			demo_makers[i](d);
}

/* Records the end offset of each partition as deliveries come back. */
static void demo_delivered(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	struct demo *d = opaque;
	if (m->err || m->partition < 0 || m->partition >= DEMO_MAX_TOPIC_PARTS)
		return;
	const char *topic = rd_kafka_topic_name(m->rkt);
	for (size_t i = 0; i < DEMO_NTOPICS; i++)
		if (strcmp(topic, demo_topics[i].name) == 0 && d->ends[i][m->partition] < m->offset + 1)
			d->ends[i][m->partition] = m->offset + 1;
}

/* One message from a consumer, if one is ready; false when none was. */
static bool demo_consume(rd_kafka_t *rk)
{
	rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 0);
	if (m == NULL)
		return false;
	rd_kafka_message_destroy(m);
	return true;
}

static void *demo_traffic_main(void *arg)
{
	struct demo *d = arg;
	int64_t acc[DEMO_NTOPICS] = { 0 }, last = clock_mono_ms();
	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		pthread_mutex_unlock(&d->lock);
		int64_t now = clock_mono_ms(), dt = now - last;
		last = now;
		if (dt > 1000) /* after a stall, do not burst */
			dt = 1000;
		d->ts_ms = clock_wall_ms();
		demo_tick(d, acc, dt);
		rd_kafka_poll(d->producer, 0);
		demo_consume(d->fraud); /* one per tick: it falls behind */
		for (int i = 0; i < 500 && demo_consume(d->ledger); i++)
			;
		struct timespec until = demo_deadline(DEMO_TICK_MS);
		pthread_mutex_lock(&d->lock);
		while (!d->stop && pthread_cond_timedwait(&d->wake, &d->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* --- start and stop -------------------------------------------------------------------------- */

static rd_kafka_conf_t *demo_conf(struct demo *d, const char *client_id)
{
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	rd_kafka_conf_set(kc, "client.id", client_id, NULL, 0);
	rd_kafka_conf_set(kc, "log.connection.close", "false", NULL, 0);
	if (d->bootstrap)
		rd_kafka_conf_set(kc, "bootstrap.servers", d->bootstrap, NULL, 0);
	rd_kafka_conf_set_log_cb(kc, demo_log);
	rd_kafka_conf_set_opaque(kc, d);
	return kc;
}

static rd_kafka_t *demo_handle(rd_kafka_type_t type, rd_kafka_conf_t *kc, struct err *e)
{
	char errstr[256];
	rd_kafka_t *rk = rd_kafka_new(type, kc, errstr, sizeof(errstr));
	if (rk == NULL) {
		rd_kafka_conf_destroy(kc);
		err_set(e, CMD_FAILED, NULL, "cannot set up the demo's clients: %s", errstr);
	}
	return rk;
}

/* A consumer in group, committing every commit_ms once assigned (demo_assign). */
static rd_kafka_t *demo_consumer(struct demo *d, const char *group, const char *commit_ms, struct err *e)
{
	char id[64];
	snprintf(id, sizeof(id), "%s-1", group);
	rd_kafka_conf_t *kc = demo_conf(d, id);
	rd_kafka_conf_set(kc, "group.id", group, NULL, 0);
	rd_kafka_conf_set(kc, "auto.offset.reset", "earliest", NULL, 0);
	rd_kafka_conf_set(kc, "enable.auto.commit", "true", NULL, 0);
	rd_kafka_conf_set(kc, "auto.commit.interval.ms", commit_ms, NULL, 0);
	rd_kafka_conf_set(kc, "queued.max.messages.kbytes", "1024", NULL, 0);
	return demo_handle(RD_KAFKA_CONSUMER, kc, e);
}

/* The partitions of topic, each at offset (NULL: the committed offset). */
static rd_kafka_topic_partition_list_t *demo_partitions(size_t topic, const int64_t *offsets)
{
	const struct demo_topic *t = &demo_topics[topic];
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(t->partitions);
	for (int p = 0; p < t->partitions; p++)
		rd_kafka_topic_partition_list_add(parts, t->name, p)->offset =
			offsets ? offsets[p] : RD_KAFKA_OFFSET_STORED;
	return parts;
}

/* Commits frac of the way to each partition's end for rk's group; waits a bounded time for the answer. */
static void demo_commit(struct demo *d, rd_kafka_t *rk, size_t topic, double frac)
{
	int64_t offsets[DEMO_MAX_TOPIC_PARTS];
	for (int p = 0; p < demo_topics[topic].partitions; p++)
		offsets[p] = (int64_t)((double)d->ends[topic][p] * frac);
	rd_kafka_topic_partition_list_t *parts = demo_partitions(topic, offsets);
	rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
	rd_kafka_commit_queue(rk, parts, q, NULL, NULL);
	rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 5000); /* none in time: the group starts without */
	if (ev)
		rd_kafka_event_destroy(ev);
	rd_kafka_queue_destroy(q);
	rd_kafka_topic_partition_list_destroy(parts);
}

/* Starts rk on every partition of topic from the group's committed offsets. */
static int demo_assign(rd_kafka_t *rk, const char *group, size_t topic, struct err *e)
{
	/*
	 * Assigned rather than subscribed: no rebalance to wait for, and nothing to leave at close.
	 */
	rd_kafka_topic_partition_list_t *parts = demo_partitions(topic, NULL);
	rd_kafka_resp_err_t err = rd_kafka_assign(rk, parts);
	rd_kafka_topic_partition_list_destroy(parts);
	if (err)
		return err_set(e, CMD_FAILED, NULL, "the demo's consumer group %s cannot start: %s", group,
			       rd_kafka_err2str(err));
	return CMD_OK;
}

/*
 * The last minute of traffic at once, timestamped over that minute, and the groups' commits in
 * it: a fresh demo already has messages to read and lag to show.
 */
static void demo_backlog(struct demo *d)
{
	int64_t acc[DEMO_NTOPICS] = { 0 }, now = clock_wall_ms();
	/* Metadata first: topics first seen in a produce wait for the next 1 s metadata scan. */
	const struct rd_kafka_metadata *md = NULL;
	if (rd_kafka_metadata(d->producer, 1, NULL, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR)
		rd_kafka_metadata_destroy(md);
	for (d->ts_ms = now - DEMO_BACKLOG_MS; d->ts_ms < now; d->ts_ms += DEMO_TICK_MS)
		demo_tick(d, acc, DEMO_TICK_MS);
	rd_kafka_flush(d->producer, 5000);
	demo_commit(d, d->fraud, DEMO_FRAUD_TOPIC, 0.6);
	demo_commit(d, d->ledger, DEMO_LEDGER_TOPIC, 1.0);
}

/* Everything but the struct itself, in an order that needs no broker round trip. */
static void demo_teardown(struct demo_job *j)
{
	struct demo *d = j->d;
	/* A topic creation that outlived its deadline still uses the mock: wait for it (bounded by our own watchdog).
	 */
	while (atomic_load(&d->jobs) > 0)
		nanosleep(&(struct timespec){ 0, 5 * 1000000 }, NULL);
	if (d->traffic_started)
		pthread_join(d->traffic, NULL);
	if (d->fraud)
		rd_kafka_destroy_flags(d->fraud, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	if (d->ledger)
		rd_kafka_destroy_flags(d->ledger, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	if (d->producer) {
		rd_kafka_purge(d->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
		rd_kafka_destroy(d->producer);
	}
	if (d->mock)
		rd_kafka_mock_cluster_destroy(d->mock);
	if (d->host)
		rd_kafka_destroy(d->host);
}

static void demo_free(struct demo *d)
{
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->wake);
	free(d->bootstrap);
	free(d);
}

void demo_stop(struct demo **dp)
{
	struct demo *d = *dp;
	if (d == NULL)
		return;
	*dp = NULL;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	struct demo_job *j = demo_job_new(d, demo_teardown);
	bool done = demo_job_run(j, DEMO_STOP_MS);
	demo_job_unref(j);
	if (done)
		demo_free(d);
	/* Otherwise librdkafka is stuck: leave it (and d) to the process's exit rather than hang. */
}

struct demo *demo_start(struct err *e)
{
	struct demo *d = x_calloc(1, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	demo_cond_init(&d->wake);
	d->seed = (unsigned)time(NULL);

	if ((d->host = demo_handle(RD_KAFKA_PRODUCER, demo_conf(d, "kcon-demo-cluster"), e)) == NULL)
		goto fail;
	if ((d->mock = rd_kafka_mock_cluster_new(d->host, DEMO_BROKERS)) == NULL) {
		err_set(e, CMD_FAILED, NULL, "librdkafka could not start its mock cluster");
		goto fail;
	}
	d->bootstrap = x_strdup(rd_kafka_mock_cluster_bootstraps(d->mock));

	/* Topics before traffic: the mock would make them on first produce with its own defaults. */
	struct demo_new_topic seed[DEMO_NTOPICS];
	for (size_t i = 0; i < DEMO_NTOPICS; i++)
		seed[i] = (struct demo_new_topic){ demo_topics[i].name, demo_topics[i].partitions, DEMO_BROKERS };
	if (demo_create(d, seed, DEMO_NTOPICS, e) != CMD_OK)
		goto fail;

	rd_kafka_conf_t *kc = demo_conf(d, "demo-producer");
	rd_kafka_conf_set(kc, "linger.ms", "100", NULL, 0);
	rd_kafka_conf_set(kc, "compression.type", "lz4", NULL, 0); /* the mock keeps batches as sent: less memory */
	rd_kafka_conf_set(kc, "partitioner", "murmur2_random", NULL, 0); /* keys land where Java clients put them */
	rd_kafka_conf_set_dr_msg_cb(kc, demo_delivered);
	if ((d->producer = demo_handle(RD_KAFKA_PRODUCER, kc, e)) == NULL)
		goto fail;
	if ((d->fraud = demo_consumer(d, demo_group_names[0], "3000", e)) == NULL || /* the slow one */
	    (d->ledger = demo_consumer(d, demo_group_names[1], "1000", e)) == NULL)
		goto fail;
	demo_backlog(d);
	if (demo_assign(d->fraud, demo_group_names[0], DEMO_FRAUD_TOPIC, e) != CMD_OK ||
	    demo_assign(d->ledger, demo_group_names[1], DEMO_LEDGER_TOPIC, e) != CMD_OK)
		goto fail;
	if (pthread_create(&d->traffic, NULL, demo_traffic_main, d) != 0) {
		err_set(e, CMD_FAILED, NULL, "cannot start the demo's traffic thread");
		goto fail;
	}
	d->traffic_started = true;
	return d;
fail:
	demo_stop(&d);
	return NULL;
}

void demo_set_verbose(struct demo *d, struct note_sink *note)
{
	atomic_store(&d->note, note);
}

const char *demo_bootstrap(const struct demo *d)
{
	return d->bootstrap;
}

int demo_topic_create(struct demo *d, const char *name, int partitions, int rf, struct err *e)
{
	if (names_check_topic(name, e) != CMD_OK)
		return e->status;
	if (rf > DEMO_BROKERS)
		return err_set(e, CMD_FAILED, "the demo cluster has 3 brokers: use -r 3 or leave -r out",
			       "replication factor %d is more than the demo's %d brokers", rf, DEMO_BROKERS);
	if (partitions < 1 || partitions > DEMO_MAX_PARTS)
		return err_set(e, CMD_FAILED, "the demo cluster takes 1 to 1000 partitions per topic",
			       "the embedded demo cluster cannot make a topic of %d partitions", partitions);
	struct demo_new_topic t = { name, partitions, rf };
	return demo_create(d, &t, 1, e);
}

const char *const *demo_groups(const struct demo *d, size_t *n)
{
	(void)d;
	*n = sizeof(demo_group_names) / sizeof(demo_group_names[0]);
	return demo_group_names;
}

const char *demo_group_topic(const char *group)
{
	for (size_t i = 0; group && i < sizeof(demo_group_names) / sizeof(demo_group_names[0]); i++)
		if (strcmp(group, demo_group_names[i]) == 0)
			return demo_topics[demo_group_topics[i]].name;
	return NULL;
}
