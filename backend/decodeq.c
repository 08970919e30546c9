#include "decodeq.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"
#include "registry.h"
#include "xalloc.h"

/* A value waiting to be decoded. */
struct decodeq_in {
	uint64_t seq;
	size_t len;
	char *buf;
};

/* A value's result, waiting to be taken. */
struct decodeq_out {
	uint64_t seq;
	struct decoded dec;
};

struct decodeq {
	const struct kcon_decoder *d;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool stop;      /* set under lock (for cond), read anywhere: the batch ends at the next value */
	struct decodeq_in *in; /* by seq, oldest first */
	size_t nin, capin;
	struct decodeq_out *out;
	size_t nout, capout;
	int pipe[2]; /* a byte in [1] when results are waiting */
};

void decoded_clear(struct decoded *d)
{
	free(d->decoder);
	free(d->text);
	*d = (struct decoded){ .rc = DECODED_PENDING, .schema_id = -1 };
}

/* Moves v's answer into dec. */
static void decodeq_result(struct plugin_value *v, struct decoded *dec)
{
	*dec = (struct decoded){ .rc = v->rc, .schema_id = v->chose.schema_id };
	dec->decoder = v->chose.decoder && v->rc != KCON_DECODE_NOT_MINE ? x_strdup(v->chose.decoder) : NULL;
	if (v->rc != KCON_DECODE_NOT_MINE) {
		dec->len = v->out.len;
		dec->text = sbuf_release(&v->out);
		if (dec->text == NULL)
			dec->text = x_strdup("");
	}
	sbuf_free(&v->out);
}

static void *decodeq_run(void *arg)
{
	struct decodeq *q = arg;
	struct plugin_value v[DECODEQ_BATCH];
	struct decodeq_in batch[DECODEQ_BATCH];
	registry_thread_stop_on(&q->stop); /* a registry request under way ends too */
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (!atomic_load(&q->stop) && q->nin == 0)
			pthread_cond_wait(&q->cond, &q->lock);
		if (atomic_load(&q->stop))
			break;
		/* the newest first: they are on the screen */
		size_t n = q->nin < DECODEQ_BATCH ? q->nin : DECODEQ_BATCH;
		memcpy(batch, q->in + q->nin - n, n * sizeof(*batch));
		q->nin -= n;
		pthread_mutex_unlock(&q->lock);
		for (size_t i = 0; i < n; i++)
			v[i] = (struct plugin_value){ .buf = batch[i].buf, .len = batch[i].len };
		plugin_decode_many(q->d, v, n, &q->stop); /* may wait: the registry, the helper; until stopped */
		pthread_mutex_lock(&q->lock);
		bool was_empty = q->nout == 0;
		if (q->nout + n > q->capout) {
			q->capout = (q->nout + n) * 2;
			q->out = x_reallocarray(q->out, q->capout, sizeof(*q->out));
		}
		for (size_t i = 0; i < n; i++) {
			q->out[q->nout].seq = batch[i].seq;
			decodeq_result(&v[i], &q->out[q->nout++].dec);
			free(batch[i].buf);
		}
		if (was_empty && n > 0) {
			ssize_t w;
			do
				w = write(q->pipe[1], "d", 1);
			while (w < 0 && errno == EINTR); /* a full pipe says it already */
		}
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct decodeq *decodeq_new(const struct kcon_decoder *d, char **cause)
{
	struct decodeq *q = x_calloc(1, sizeof(*q));
	q->d = d;
	if (pipe2(q->pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		*cause = x_asprintf("cannot make the decoding queue's wake-up pipe: %s", strerror(errno));
		free(q);
		return NULL;
	}
	atomic_init(&q->stop, false);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	int rc = pthread_create(&q->thread, NULL, decodeq_run, q);
	if (rc != 0) {
		*cause = x_asprintf("cannot start the decoding thread: %s", strerror(rc));
		close(q->pipe[0]);
		close(q->pipe[1]);
		pthread_mutex_destroy(&q->lock);
		pthread_cond_destroy(&q->cond);
		free(q);
		return NULL;
	}
	return q;
}

int decodeq_fd(const struct decodeq *q)
{
	return q->pipe[0];
}

/* Drops the first n values waiting; called with the lock held. */
static void decodeq_drop(struct decodeq *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(q->in[i].buf);
	memmove(q->in, q->in + n, (q->nin - n) * sizeof(*q->in));
	q->nin -= n;
}

void decodeq_submit(struct decodeq *q, uint64_t seq, const void *buf, size_t len)
{
	char *copy = x_malloc(len + 1);
	memcpy(copy, buf, len);
	pthread_mutex_lock(&q->lock);
	if (q->nin == DECODEQ_MAX) /* the oldest tenth: their rows are gone, or soon will be */
		decodeq_drop(q, DECODEQ_MAX / 10);
	if (q->nin == q->capin) {
		q->capin = q->capin ? q->capin * 2 : 64;
		q->in = x_reallocarray(q->in, q->capin, sizeof(*q->in));
	}
	q->in[q->nin++] = (struct decodeq_in){ .seq = seq, .len = len, .buf = copy };
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void decodeq_forget(struct decodeq *q, uint64_t before)
{
	pthread_mutex_lock(&q->lock);
	size_t n = 0;
	while (n < q->nin && q->in[n].seq < before)
		n++;
	decodeq_drop(q, n);
	pthread_mutex_unlock(&q->lock);
}

size_t decodeq_take(struct decodeq *q, uint64_t *seqs, struct decoded *out, size_t max)
{
	pthread_mutex_lock(&q->lock);
	size_t n = q->nout < max ? q->nout : max;
	for (size_t i = 0; i < n; i++) {
		seqs[i] = q->out[i].seq;
		out[i] = q->out[i].dec;
	}
	memmove(q->out, q->out + n, (q->nout - n) * sizeof(*q->out));
	q->nout -= n;
	if (q->nout > 0) { /* more than max: the descriptor stays readable */
		ssize_t w = write(q->pipe[1], "d", 1);
		(void)w;
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

void decodeq_stop(struct decodeq *q)
{
	pthread_mutex_lock(&q->lock);
	atomic_store(&q->stop, true);
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

void decodeq_free(struct decodeq **qp)
{
	struct decodeq *q = *qp;
	if (q == NULL)
		return;
	*qp = NULL;
	decodeq_stop(q);
	pthread_join(q->thread, NULL);
	decodeq_drop(q, q->nin);
	for (size_t i = 0; i < q->nout; i++)
		decoded_clear(&q->out[i].dec);
	free(q->in);
	free(q->out);
	close(q->pipe[0]);
	close(q->pipe[1]);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
