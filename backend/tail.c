#include "clock.h"
#include "tail.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "escape.h"
#include "lag.h"
#include "xalloc.h"

#define TAIL_BATCH 1000

struct tail_hfilter {
	char *name;
	regex_t re;
};

/* What librdkafka's threads see (the rd_kafka_t's opaque): freed after the handle is destroyed. */
struct tail_shared {
	bool verbose;
	struct note_sink *note; /* librdkafka's log with verbose */
	atomic_int lost;        /* the connection is down */
	atomic_int gone;        /* the topic was deleted */
	pthread_mutex_t lock;
	char *lost_why;
};

static void tail_shared_free(struct tail_shared *sh)
{
	if (sh == NULL)
		return;
	pthread_mutex_destroy(&sh->lock);
	free(sh->lost_why);
	free(sh);
}

struct tail {
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	rd_kafka_queue_t *q;
	int pipe[2]; /* librdkafka writes a byte to [1] when q gets messages */
	char *topic;
	bool follow, verbose, group;
	int64_t count;
	int timeout_ms;
	size_t batch_bytes; /* how much a batch may hold */
	int batch_max;      /* messages per batch, adapted to their size */
	rd_kafka_message_t *batch[TAIL_BATCH];
	int bn, bi;
	struct tail_partition *parts;
	bool *done;
	bool *fetching; /* consume_start_queue'd: stopped before the consumer is destroyed */
	int nparts, ndone;
	bool want_headers;
	struct msg_header *hdrs;
	size_t hcap;
	regex_t grep, key;
	bool has_grep, has_key;
	struct tail_hfilter *hf;
	int nhf;
	int64_t shown, skipped;
	struct tail_shared *sh;
	bool announced; /* "reconnecting" was said */
	char note[512];
	char *commit_error;
	int64_t committed_final; /* t->shown when tail_commit_final() ran; -1: it did not */
	int64_t last_commit_ms;
	int32_t *leaders; /* the leader of each partition at start */
	int64_t taken;    /* messages taken since the queue was last empty */
	struct sbuf scratch;
	pthread_t waker; /* tail_wake_fetcher's requests, off the reader's thread */
	bool waker_started;
	atomic_bool *waker_busy; /* its own allocation: an abandoned waker still writes it */
};

/* --- parsing --------------------------------------------------------------------------------- */

static int tail_bad(char **cause, const char *s)
{
	*cause = x_asprintf(
		"--from `%.*s`: write beginning, end, an offset, -N (N before the end), @2024-05-01T12:00:00Z, "
		"@-15m (a time ago) or committed",
		ERR_QUOTE_MAX, s);
	return -1;
}

int tail_parse_from(const char *s, int64_t now_ms, struct tail_from *out, char **cause)
{
	*cause = NULL;
	if (strcmp(s, "beginning") == 0 || strcmp(s, "earliest") == 0) {
		*out = (struct tail_from){ TAIL_FROM_BEGINNING, 0 };
		return 0;
	}
	if (strcmp(s, "end") == 0 || strcmp(s, "latest") == 0) {
		*out = (struct tail_from){ TAIL_FROM_END, 0 };
		return 0;
	}
	if (strcmp(s, "committed") == 0) {
		*out = (struct tail_from){ TAIL_FROM_COMMITTED, 0 };
		return 0;
	}
	if (s[0] == '@') {
		const char *t = s + 1;
		int64_t ms;
		char *c2 = NULL, *end;
		if (*t && strspn(t, "0123456789") == strlen(t) && strlen(t) > 4) {
			errno = 0;
			long long v = strtoll(t, &end, 10);
			if (errno) {
				*cause = x_asprintf("--from %.*s: milliseconds since 1970 go up to %lld", ERR_QUOTE_MAX,
						    s, LLONG_MAX);
				return -1;
			}
			*out = (struct tail_from){ TAIL_FROM_TIME, v };
			return 0;
		}
		bool date =
			strlen(t) >= 5 && isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[3]) && t[4] == '-';
		int rc = date ? clock_parse_datetime(t, &ms, &c2) : clock_parse_duration(t, &ms, &c2);
		if (rc < 0) {
			*cause = x_asprintf("--from %.*s: %s", ERR_QUOTE_MAX, s, c2);
			free(c2);
			return -1;
		}
		/* A duration is at most CLOCK_DURATION_MAX_MS: now - ms cannot overflow. */
		*out = (struct tail_from){ TAIL_FROM_TIME, lag_time_for_offsets(date ? ms : now_ms - ms) };
		return 0;
	}
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (end == s || *end || (s[0] == '-' && n == 0))
		return tail_bad(cause, s);
	if (errno || n == LLONG_MIN) { /* -N counts back from the end: N itself must be a number */
		*cause = x_asprintf("--from %.*s: an offset goes from 0 to %lld, and -N from -1 to -%lld",
				    ERR_QUOTE_MAX, s, LLONG_MAX, LLONG_MAX);
		return -1;
	}
	*out = n < 0 ? (struct tail_from){ TAIL_FROM_LAST, -n } : (struct tail_from){ TAIL_FROM_OFFSET, n };
	return 0;
}

int tail_parse_partitions(const char *s, int32_t **parts, int *n, char **cause)
{
	char *c2 = NULL;
	if (lag_parse_partitions(s, parts, n, &c2) < 0) {
		*cause = x_asprintf("--partition: %s", c2);
		free(c2);
		return -1;
	}
	return 0;
}

/* --- librdkafka's callbacks (its threads) ----------------------------------------------------- */

static void tail_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct tail_shared *t = rd_kafka_opaque(rk);
	if (t && t->verbose)
		note_send(t->note, "librdkafka %d %s: %s", level, fac, buf);
}

static void tail_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	(void)rk;
	struct tail_shared *t = opaque;
	switch (err) {
	case RD_KAFKA_RESP_ERR__TRANSPORT:
	case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
	case RD_KAFKA_RESP_ERR__RESOLVE:
		pthread_mutex_lock(&t->lock);
		free(t->lost_why);
		t->lost_why = escape_utf8_fix(reason, strlen(reason)); /* the note's sink escapes it */
		pthread_mutex_unlock(&t->lock);
		atomic_store(&t->lost, 1);
		break;
	case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
	case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
		atomic_store(&t->gone, 1);
		break;
	default:
		break;
	}
}

/* --- open ------------------------------------------------------------------------------------ */

static rd_kafka_t *tail_consumer(struct tail *t, const struct conf *conf, const struct tail_opts *o, struct err *e)
{
	/* The memory bound: half for the prefetch queue, a quarter per fetch, a quarter for our batch. */
	size_t mb = o->max_bytes ? o->max_bytes : TAIL_DEFAULT_MAX_BYTES;
	size_t quarter = mb / 4 > 1024 ? mb / 4 : 1024;
	char queued[32], fetch[32], partition[32];
	snprintf(queued, sizeof(queued), "%zu", mb / 2 / 1024 ? mb / 2 / 1024 : 1);
	snprintf(fetch, sizeof(fetch), "%zu", quarter);
	/*
	 * Up to 4 MiB from one partition per fetch (librdkafka's default is 1 MiB): the tail is bound by
	 * fetch round trips, and a loaded broker answers each late. 1M messages to -o raw: median 0.50 s
	 * against 0.66 s (8 MiB: 0.48 s, but 45 MB peak RSS against 36 MB; docs/testing.md).
	 */
	snprintf(partition, sizeof(partition), "%zu", quarter < (4u << 20) ? quarter : (4u << 20));
	t->batch_bytes = mb / 4;
	const struct client_prop defaults[] = {
		{ "queued.max.messages.kbytes", queued },
		{ "fetch.max.bytes", fetch },
		{ "max.partition.fetch.bytes", partition },
		{ "queued.min.messages", "50000" },
		/*
		 * A fetcher whose queue is over those bounds (a reader slower than the network: -o json,
		 * a decoder) looks again after this long; librdkafka's 1 s default let the queue run dry
		 * in between: a tail of 1M messages to -o json took 2.8 s instead of 0.9 (docs/testing.md).
		 */
		{ "fetch.queue.backoff.ms", "10" },
		{ 0 },
	};
	/* Never commit, never store offsets: tailing must not disturb anyone. */
	const struct client_prop fixed[] = {
		{ "enable.auto.commit", "false" },  { "enable.auto.offset.store", "false" },
		{ "enable.partition.eof", "true" }, { "auto.offset.reset", "earliest" },
		{ "group.id", o->group },           { 0 },
	};
	const struct client_handle h = { .type = RD_KAFKA_CONSUMER,
					 .client_id = "kcon-tail",
					 .what = "consumer",
					 .defaults = defaults,
					 .fixed = fixed,
					 .opaque = t->sh,
					 .log_cb = tail_log,
					 .error_cb = tail_error };
	return client_handle_new(&h, conf, e);
}

static int tail_compile(regex_t *re, const char *what, const char *pattern, struct err *e)
{
	int rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char buf[256];
		regerror(rc, re, buf, sizeof(buf));
		err_set(e, CMD_USAGE, "write a POSIX extended regular expression, e.g. 'order-[0-9]+'", "%s `%s`: %s",
			what, pattern, buf);
		return -1;
	}
	return 0;
}

static int tail_filters(struct tail *t, const struct tail_opts *o, struct err *e)
{
	if (o->grep && tail_compile(&t->grep, "--grep", o->grep, e) < 0)
		return -1;
	t->has_grep = o->grep != NULL;
	if (o->key && tail_compile(&t->key, "--key", o->key, e) < 0)
		return -1;
	t->has_key = o->key != NULL;
	t->hf = x_calloc((size_t)o->nheader_filters + 1, sizeof(*t->hf));
	for (int i = 0; i < o->nheader_filters; i++) {
		const char *eq = strchr(o->header_filters[i], '=');
		if (eq == NULL || eq == o->header_filters[i]) {
			err_set(e, CMD_USAGE, "write --header name=REGEX",
				"--header `%s`: no name=", o->header_filters[i]);
			return -1;
		}
		if (tail_compile(&t->hf[i].re, "--header", eq + 1, e) < 0)
			return -1;
		t->hf[i].name = x_strndup(o->header_filters[i], (size_t)(eq - o->header_filters[i]));
		t->nhf++;
	}
	return 0;
}

/* Resolves the start and end offset of every partition. */
static int tail_offsets(struct tail *t, struct client *c, const struct tail_opts *o, struct err *e)
{
	rd_kafka_topic_partition_list_t *lo = rd_kafka_topic_partition_list_new(t->nparts);
	rd_kafka_topic_partition_list_t *hi = rd_kafka_topic_partition_list_new(t->nparts);
	rd_kafka_topic_partition_list_t *at = rd_kafka_topic_partition_list_new(t->nparts);
	int rc = CMD_OK;
	for (int i = 0; i < t->nparts; i++) {
		rd_kafka_topic_partition_list_add(lo, t->topic, t->parts[i].partition)->offset =
			RD_KAFKA_OFFSET_BEGINNING;
		rd_kafka_topic_partition_list_add(hi, t->topic, t->parts[i].partition)->offset = RD_KAFKA_OFFSET_END;
		rd_kafka_topic_partition_list_add(at, t->topic, t->parts[i].partition)->offset =
			o->from.kind == TAIL_FROM_TIME ? o->from.value : RD_KAFKA_OFFSET_INVALID;
	}
	if ((rc = client_list_offsets(c, lo, e)) != CMD_OK || (rc = client_list_offsets(c, hi, e)) != CMD_OK)
		goto out;
	if (o->from.kind == TAIL_FROM_TIME && (rc = client_list_offsets(c, at, e)) != CMD_OK)
		goto out;
	if (o->from.kind == TAIL_FROM_COMMITTED) {
		rd_kafka_resp_err_t err = rd_kafka_committed(t->rk, at, client_timeout(c));
		if (err) {
			rc = client_error(c, err, NULL, "read the group's committed offsets", e);
			goto out;
		}
	}
	for (int i = 0; i < t->nparts; i++) {
		if (lo->elems[i].err || hi->elems[i].err) {
			rc = client_error(c, lo->elems[i].err ? lo->elems[i].err : hi->elems[i].err, NULL,
					  "read the partition's offsets", e);
			goto out;
		}
		int64_t low = lo->elems[i].offset, high = hi->elems[i].offset, start = low;
		enum lag_clamp how;
		switch (o->from.kind) {
		case TAIL_FROM_BEGINNING:
			start = low;
			break;
		case TAIL_FROM_END:
			start = high;
			break;
		case TAIL_FROM_OFFSET:
			start = lag_clamp(o->from.value, low, high, &how);
			break;
		case TAIL_FROM_LAST:
			start = lag_clamp(high - o->from.value, low, high, &how);
			break;
		case TAIL_FROM_TIME:
		case TAIL_FROM_COMMITTED:
			start = at->elems[i].err || at->elems[i].offset < 0
					? (o->from.kind == TAIL_FROM_TIME ? high : low)
					: lag_clamp(at->elems[i].offset, low, high, &how);
			break;
		}
		t->parts[i].start = t->parts[i].next = start;
		t->parts[i].end = high;
	}
out:
	rd_kafka_topic_partition_list_destroy(lo);
	rd_kafka_topic_partition_list_destroy(hi);
	rd_kafka_topic_partition_list_destroy(at);
	return rc;
}

struct tail *tail_open(struct client *c, const struct conf *conf, bool verbose, struct note_sink *note,
		       const struct tail_opts *o, struct err *e)
{
	struct tail *t = x_calloc(1, sizeof(*t));
	t->pipe[0] = t->pipe[1] = -1;
	t->sh = x_calloc(1, sizeof(*t->sh));
	pthread_mutex_init(&t->sh->lock, NULL);
	t->sh->verbose = verbose;
	t->sh->note = note;
	t->topic = x_strdup(o->topic);
	t->follow = o->follow;
	t->verbose = verbose;
	t->count = o->count;
	t->group = o->group != NULL;
	t->want_headers = o->headers || o->nheader_filters > 0;
	t->timeout_ms = client_timeout(c);
	t->batch_max = 100;
	if (o->from.kind == TAIL_FROM_COMMITTED && o->group == NULL) {
		err_set(e, CMD_USAGE, "give --group G, or another --from", "--from committed needs a group");
		goto fail;
	}
	if (tail_filters(t, o, e) < 0)
		goto fail;

	/* The topic and its partitions, through the session's client (its errors carry hints). */
	struct model *m = NULL;
	client_invalidate(c);
	if (client_metadata(c, 0, &m, e) != CMD_OK)
		goto fail;
	const struct model_topic *mt = model_topic_find(m, o->topic);
	if (mt == NULL || mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || mt->npartitions == 0) {
		err_set(e, CMD_FAILED, "`topics` lists the topics; names are case-sensitive", "unknown topic `%s`",
			o->topic);
		model_unref(&m);
		goto fail;
	}
	int n = o->partitions ? o->npartitions : mt->npartitions;
	t->parts = x_calloc((size_t)n + 1, sizeof(*t->parts));
	t->done = x_calloc((size_t)n + 1, sizeof(*t->done));
	t->fetching = x_calloc((size_t)n + 1, sizeof(*t->fetching));
	t->leaders = x_calloc((size_t)n + 1, sizeof(*t->leaders));
	for (int i = 0; i < n; i++) {
		int32_t p = o->partitions ? o->partitions[i] : mt->partitions[i].id;
		int k = 0;
		while (k < mt->npartitions && mt->partitions[k].id != p)
			k++;
		if (k == mt->npartitions) {
			err_set(e, CMD_USAGE, "`topic describe` lists the partitions", "topic `%s` has no partition %d",
				mt->name, (int)p);
			model_unref(&m);
			goto fail;
		}
		t->leaders[t->nparts] = mt->partitions[k].leader;
		t->parts[t->nparts++].partition = p;
	}
	model_unref(&m);

	if ((t->rk = tail_consumer(t, conf, o, e)) == NULL)
		goto fail;
	if (tail_offsets(t, c, o, e) != CMD_OK)
		goto fail;

	t->rkt = rd_kafka_topic_new(t->rk, t->topic, NULL);
	t->q = rd_kafka_queue_new(t->rk);
	if (pipe(t->pipe) == 0) {
		fcntl(t->pipe[0], F_SETFL, O_NONBLOCK);
		fcntl(t->pipe[1], F_SETFL, O_NONBLOCK);
		rd_kafka_queue_io_event_enable(t->q, t->pipe[1], "1", 1);
	}
	/* Metadata on the consumer first, so fetching starts at once rather than at its next refresh. */
	const struct rd_kafka_metadata *md = NULL;
	if (rd_kafka_metadata(t->rk, 0, t->rkt, &md, t->timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR)
		rd_kafka_metadata_destroy(md);
	for (int i = 0; i < t->nparts; i++) {
		struct tail_partition *p = &t->parts[i];
		if (!t->follow && p->start >= p->end) {
			t->done[i] = true;
			t->ndone++;
			continue;
		}
		if (rd_kafka_consume_start_queue(t->rkt, p->partition, p->start, t->q) < 0) {
			rd_kafka_resp_err_t err = rd_kafka_last_error();
			client_error(c, err, NULL, "start consuming", e);
			goto fail;
		}
		t->fetching[i] = true;
	}
	t->last_commit_ms = clock_mono_ms();
	t->committed_final = -1;
	return t;
fail:
	tail_close(&t);
	return NULL;
}

int tail_fd(const struct tail *t)
{
	return t->pipe[0];
}

/* --- next ------------------------------------------------------------------------------------ */

static int tail_index(const struct tail *t, int32_t partition)
{
	for (int i = 0; i < t->nparts; i++)
		if (t->parts[i].partition == partition)
			return i;
	return -1;
}

static void tail_mark_done(struct tail *t, int i)
{
	if (!t->done[i]) {
		t->done[i] = true;
		t->ndone++;
	}
}

/* regexec needs a NUL after the bytes (REG_STARTEND lets it see embedded NULs). */
static bool tail_match(struct tail *t, regex_t *re, const void *buf, size_t len)
{
	if (buf == NULL)
		return false;
	sbuf_reset(&t->scratch);
	sbuf_addn(&t->scratch, buf, len);
	regmatch_t pm = { .rm_so = 0, .rm_eo = (regoff_t)len };
	return regexec(re, t->scratch.buf, 1, &pm, REG_STARTEND) == 0;
}

/* Fills m's headers from rm (none when it has none). */
static void tail_headers(struct tail *t, rd_kafka_message_t *rm, struct msg *m)
{
	rd_kafka_headers_t *h = NULL;
	m->headers = NULL;
	m->nheaders = 0;
	if (rd_kafka_message_headers(rm, &h) != RD_KAFKA_RESP_ERR_NO_ERROR || h == NULL)
		return;
	size_t n = rd_kafka_header_cnt(h);
	if (n > t->hcap) {
		t->hdrs = x_reallocarray(t->hdrs, n, sizeof(*t->hdrs));
		t->hcap = n;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name;
		const void *val;
		size_t size;
		if (rd_kafka_header_get_all(h, i, &name, &val, &size))
			break;
		t->hdrs[i] = (struct msg_header){ name, val, size };
		m->nheaders++;
	}
	m->headers = t->hdrs;
}

static bool tail_pass(struct tail *t, const struct msg *m)
{
	if (t->has_grep && !tail_match(t, &t->grep, m->value, m->value_len))
		return false;
	if (t->has_key && !tail_match(t, &t->key, m->key, m->key_len))
		return false;
	for (int i = 0; i < t->nhf; i++) {
		bool any = false;
		for (size_t k = 0; k < m->nheaders && !any; k++)
			any = strcmp(m->headers[k].name, t->hf[i].name) == 0 &&
			      tail_match(t, &t->hf[i].re, m->headers[k].value, m->headers[k].len);
		if (!any)
			return false;
	}
	return true;
}

static void tail_free_batch(struct tail *t)
{
	for (int i = 0; i < t->bn; i++)
		rd_kafka_message_destroy(t->batch[i]);
	t->bn = t->bi = 0;
}

/* Takes what is waiting into the batch, sized so that it holds at most batch_bytes. */
static int tail_fill(struct tail *t)
{
	tail_free_batch(t);
	ssize_t n = rd_kafka_consume_batch_queue(t->q, 0, t->batch, (size_t)t->batch_max);
	if (n <= 0)
		return 0;
	t->bn = (int)n;
	t->taken += n;
	size_t bytes = 0;
	for (int i = 0; i < t->bn; i++)
		bytes += t->batch[i]->len + t->batch[i]->key_len + 64;
	size_t avg = bytes / (size_t)n, fit = avg ? t->batch_bytes / avg : TAIL_BATCH;
	t->batch_max = fit < 1 ? 1 : fit > TAIL_BATCH ? TAIL_BATCH : (int)fit;
	return t->bn;
}

/* The partitions whose leaders tail_wake_fetcher asks, one a leader; its thread frees it. */
struct tail_wake {
	rd_kafka_t *rk;
	char *topic;
	int32_t *parts;
	int n;
	atomic_bool *busy;
};

/*
 * query_watermark_offsets waits for the round trip (hundreds of ms on a busy broker, whatever its
 * timeout): on the reader's thread it froze the TUI's keys for as long, so a thread of its own asks.
 */
static void *tail_wake_run(void *arg)
{
	struct tail_wake *w = arg;
	for (int i = 0; i < w->n; i++) {
		int64_t lo, hi;
		rd_kafka_query_watermark_offsets(w->rk, w->topic, w->parts[i], &lo, &hi, 1000);
	}
	atomic_store(w->busy, false);
	free(w->parts);
	free(w->topic);
	free(w);
	return NULL;
}

/*
 * librdkafka stops fetching a partition whose queue is full and looks again only when its broker
 * thread wakes, up to fetch.queue.backoff.ms later (kcon's 10 ms; librdkafka's 1 s default, or what
 * -X sets): a reader slower than the network would stall that long each time it drains the queue.
 * After reading in bulk, a request to each leader (a ListOffsets) wakes those threads at once.
 */
static void tail_wake_fetcher(struct tail *t)
{
	if (t->waker_busy == NULL) {
		t->waker_busy = x_calloc(1, sizeof(*t->waker_busy));
		atomic_init(t->waker_busy, false);
	}
	if (t->taken < 1000 || atomic_load(t->waker_busy))
		return;
	t->taken = 0;
	if (t->waker_started)
		pthread_join(t->waker, NULL); /* finished: busy is false */
	t->waker_started = false;
	struct tail_wake *w = x_calloc(1, sizeof(*w));
	*w = (struct tail_wake){ .rk = t->rk, .topic = x_strdup(t->topic), .busy = t->waker_busy };
	w->parts = x_calloc((size_t)t->nparts + 1, sizeof(int32_t));
	int32_t *seen = x_calloc((size_t)t->nparts + 1, sizeof(int32_t));
	for (int i = 0; i < t->nparts; i++) {
		bool dup = false;
		for (int k = 0; k < w->n && !dup; k++)
			dup = seen[k] == t->leaders[i];
		if (t->done[i] || dup)
			continue;
		seen[w->n] = t->leaders[i];
		w->parts[w->n++] = t->parts[i].partition;
	}
	free(seen);
	atomic_store(t->waker_busy, true);
	if (pthread_create(&t->waker, NULL, tail_wake_run, w) == 0) {
		t->waker_started = true;
	} else {
		atomic_store(t->waker_busy, false);
		free(w->parts);
		free(w->topic);
		free(w);
	}
}

static void tail_drain_pipe(struct tail *t)
{
	char buf[64];
	while (t->pipe[0] >= 0 && read(t->pipe[0], buf, sizeof(buf)) > 0)
		;
}

static void tail_commit(struct tail *t, int wait_ms);

enum tail_event tail_next(struct tail *t, int timeout_ms, struct msg *m, const char **note, struct err *e)
{
	*note = NULL;
	for (;;) {
		if (t->count > 0 && t->shown >= t->count)
			return TAIL_END;
		if (!t->follow && t->ndone >= t->nparts)
			return TAIL_END;
		if (atomic_load(&t->sh->gone))
			return err_set(e, CMD_FAILED, "the topic was deleted while tailing: nothing more will come",
				       "topic `%s` was deleted", t->topic),
			       TAIL_FAILED;
		if (atomic_load(&t->sh->lost) && !t->announced) {
			pthread_mutex_lock(&t->sh->lock);
			snprintf(t->note, sizeof(t->note), "connection lost (%s): reconnecting",
				 t->sh->lost_why ? t->sh->lost_why : "broker down");
			pthread_mutex_unlock(&t->sh->lock);
			t->announced = true;
			*note = t->note;
			return TAIL_NOTE;
		}
		if (t->group && clock_mono_ms() - t->last_commit_ms > 5000)
			tail_commit(t, 0);
		if (t->bi >= t->bn)
			rd_kafka_poll(t->rk, 0); /* serves the error callback */
		if (t->bi >= t->bn && tail_fill(t) == 0) {
			tail_wake_fetcher(t); /* the queue is empty: after a bulk read, the fetchers look again */
			if (timeout_ms <= 0)
				return TAIL_IDLE;
			/* Wait for one message, not for a whole batch (consume_batch waits to fill it). */
			tail_drain_pipe(t);
			rd_kafka_message_t *one = rd_kafka_consume_queue(t->q, timeout_ms);
			if (one == NULL)
				return TAIL_IDLE;
			t->batch[0] = one;
			t->bn = 1;
		}
		rd_kafka_message_t *rm = t->batch[t->bi++];
		int i = tail_index(t, rm->partition);
		if (i < 0)
			continue;
		if (rm->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			if (!t->follow && rm->offset >= t->parts[i].end)
				tail_mark_done(t, i);
			continue;
		}
		if (rm->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || rm->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		    rm->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
			atomic_store(&t->sh->gone, 1);
			continue;
		}
		if (rm->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) /* not transient: it would wait forever */
			return err_set(e, CMD_FAILED,
				       "reading a topic needs Read on it (`acl create --consumer --principal P --topic "
				       "T "
				       "--group G` grants what a consumer needs): ask a cluster admin, or use another "
				       "profile",
				       "tail %s: not authorized to read the topic (TOPIC_AUTHORIZATION_FAILED)",
				       t->topic),
			       TAIL_FAILED;
		if (rm->err)
			continue; /* transient: librdkafka retries */
		if (t->announced) {
			t->announced = false;
			atomic_store(&t->sh->lost, 0);
			*note = "reconnected: resuming where it stopped";
			t->bi--; /* hand this message out on the next call */
			return TAIL_NOTE;
		}
		struct tail_partition *p = &t->parts[i];
		if (rm->offset < p->next)
			continue; /* seen already (a refetch after a reconnect) */
		if (!t->follow && rm->offset >= p->end) {
			tail_mark_done(t, i);
			continue;
		}
		p->next = rm->offset + 1;
		if (!t->follow && p->next >= p->end)
			tail_mark_done(t, i);
		rd_kafka_timestamp_type_t tt;
		int64_t ts = rd_kafka_message_timestamp(rm, &tt);
		*m = (struct msg){
			.topic = t->topic,
			.partition = rm->partition,
			.offset = rm->offset,
			.timestamp = ts,
			.ts_type = tt == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? 1
				   : tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 2
									      : 0,
			.key = rm->key,
			.key_len = rm->key_len,
			.value = rm->payload,
			.value_len = rm->len,
		};
		if (t->want_headers)
			tail_headers(t, rm, m);
		if (!tail_pass(t, m)) {
			t->skipped++;
			continue;
		}
		t->shown++;
		return TAIL_MSG;
	}
}

struct tail_stats tail_stats(const struct tail *t)
{
	return (struct tail_stats){ t->shown, t->skipped, t->nparts, t->parts, t->commit_error };
}

static bool tail_commit_retriable(rd_kafka_resp_err_t err)
{
	return err == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE || err == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
	       err == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS || err == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT ||
	       err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__WAIT_COORD;
}

/*
 * Commits the positions of what was shown; waits up to wait_ms for the result (0: not at all),
 * asking again while the coordinator is busy.
 */
static void tail_commit(struct tail *t, int wait_ms)
{
	t->last_commit_ms = clock_mono_ms();
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(t->nparts);
	for (int i = 0; i < t->nparts; i++)
		if (t->parts[i].next > t->parts[i].start)
			rd_kafka_topic_partition_list_add(l, t->topic, t->parts[i].partition)->offset =
				t->parts[i].next;
	if (l->cnt == 0) {
		rd_kafka_topic_partition_list_destroy(l);
		return;
	}
	rd_kafka_queue_t *q = rd_kafka_queue_new(t->rk);
	int64_t deadline = clock_mono_ms() + wait_ms;
	for (;;) {
		rd_kafka_commit_queue(t->rk, l, q, NULL, NULL);
		if (wait_ms <= 0)
			break;
		int64_t left = deadline - clock_mono_ms();
		rd_kafka_event_t *ev = left > 0 ? rd_kafka_queue_poll(q, (int)left) : NULL;
		rd_kafka_resp_err_t err = ev ? rd_kafka_event_error(ev) : RD_KAFKA_RESP_ERR__TIMED_OUT;
		const rd_kafka_topic_partition_list_t *res = ev ? rd_kafka_event_topic_partition_list(ev) : NULL;
		for (int i = 0; !err && res && i < res->cnt; i++)
			err = res->elems[i].err;
		if (ev)
			rd_kafka_event_destroy(ev);
		free(t->commit_error);
		t->commit_error = err ? x_strdup(rd_kafka_err2str(err)) : NULL;
		/* a coordinator being found, moving or loading answers again soon: ask again until the deadline */
		if (!tail_commit_retriable(err) || clock_mono_ms() + 100 >= deadline)
			break;
		struct timespec nap = { 0, 100 * 1000000L };
		nanosleep(&nap, NULL);
	}
	rd_kafka_queue_destroy(q);
	rd_kafka_topic_partition_list_destroy(l);
}

int tail_commit_final(struct tail *t)
{
	if (t->rk == NULL || !t->group || atomic_load(&t->sh->gone))
		return 0;
	tail_commit(t, t->timeout_ms);
	t->committed_final = t->shown;
	return t->commit_error ? -1 : 0;
}

/* Destroys a consumer on a helper thread, abandoned after a bounded wait. */
struct tail_reaper {
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt; /* its topic, or NULL */
	int32_t *stop;         /* the partitions fetching, stopped first */
	int nstop;
	struct tail_shared *sh;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done, abandoned;
};

static void *tail_reap(void *arg)
{
	struct tail_reaper *r = arg;
	/* A consumer with a group.id waits, when destroyed, until every partition started with
	   consume_start has stopped ("waiting for N toppar(s)" in librdkafka's log): stopped here. */
	for (int i = 0; i < r->nstop; i++)
		rd_kafka_consume_stop(r->rkt, r->stop[i]);
	if (r->rkt)
		rd_kafka_topic_destroy(r->rkt);
	free(r->stop);
	rd_kafka_destroy_flags(r->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	tail_shared_free(r->sh);
	pthread_mutex_lock(&r->lock);
	r->done = true;
	bool abandoned = r->abandoned;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (abandoned) {
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->cond);
		free(r);
	}
	return NULL;
}

/* The CLOCK_REALTIME time wait_ms from now, for the timed waits of pthreads. */
static struct timespec tail_deadline(int wait_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000)
		until.tv_sec++, until.tv_nsec -= 1000000000;
	return until;
}

static void tail_destroy_bounded(struct tail *t, int wait_ms)
{
	struct tail_reaper *r = x_calloc(1, sizeof(*r));
	r->rk = t->rk;
	r->sh = t->sh;
	r->rkt = t->rkt;
	r->stop = x_calloc((size_t)t->nparts + 1, sizeof(*r->stop));
	for (int i = 0; t->rkt && i < t->nparts; i++)
		if (t->fetching[i])
			r->stop[r->nstop++] = t->parts[i].partition;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	pthread_t th;
	if (pthread_create(&th, NULL, tail_reap, r) != 0) {
		free(r->stop);
		free(r);
		return; /* leak the handle rather than risk a hang */
	}
	struct timespec until = tail_deadline(wait_ms);
	pthread_mutex_lock(&r->lock);
	while (!r->done && pthread_cond_timedwait(&r->cond, &r->lock, &until) == 0)
		;
	bool done = r->done;
	r->abandoned = !done;
	pthread_mutex_unlock(&r->lock);
	if (done) {
		pthread_join(th, NULL);
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->cond);
		free(r);
	} else {
		pthread_detach(th);
	}
}

void tail_close(struct tail **tp)
{
	struct tail *t = *tp;
	if (t == NULL)
		return;
	*tp = NULL;
	/* The waker uses the consumer: it must end first (3 s at most; else both are left, as a hung consumer is). */
	bool abandon = false;
	if (t->waker_started) {
		struct timespec until = tail_deadline(3000);
		abandon = pthread_timedjoin_np(t->waker, NULL, &until) != 0;
		if (abandon)
			pthread_detach(t->waker);
	}
	if (!abandon)
		free(t->waker_busy);
	tail_free_batch(t);
	if (t->rk && t->group && !atomic_load(&t->sh->gone) && t->shown != t->committed_final)
		tail_commit(t, t->timeout_ms); /* what came after tail_commit_final(), if it ran */
	if (t->q) {
		rd_kafka_queue_io_event_enable(t->q, -1, NULL, 0);
		rd_kafka_queue_destroy(t->q);
	}
	if (t->rk && !abandon) {
		tail_destroy_bounded(t, 3000); /* the topic too */
	} else {
		if (t->rkt)
			rd_kafka_topic_destroy(t->rkt);
		if (!abandon)
			tail_shared_free(t->sh);
	}
	for (int i = 0; i < 2; i++)
		if (t->pipe[i] >= 0)
			close(t->pipe[i]);
	if (t->has_grep)
		regfree(&t->grep);
	if (t->has_key)
		regfree(&t->key);
	for (int i = 0; i < t->nhf; i++) {
		regfree(&t->hf[i].re);
		free(t->hf[i].name);
	}
	free(t->hf);
	free(t->hdrs);
	free(t->parts);
	free(t->done);
	free(t->fetching);
	free(t->leaders);
	sbuf_free(&t->scratch);
	free(t->commit_error);
	free(t->topic);
	free(t);
}
