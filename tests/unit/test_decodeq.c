/*
 * decodeq: values decoded on the queue's own thread and handed back with their sequence numbers
 * through a wake-up fd; the newest first; forgotten values not decoded; nothing left behind on free
 * (ASan). The decoder here is in process (no decoder helper) and can be held to let values queue up.
 */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "decodeq.h"

static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cond = PTHREAD_COND_INITIALIZER;
static bool holding, held;      /* holding: the decoder waits; held: it is waiting */
static bool gate_open, at_gate; /* a value "gate" waits until gate_open; at_gate: it is waiting */
static int calls;               /* values decoded */

/* "json:X" becomes JSON X, "err:X" an error X, "not" not its format, anything else text "<bytes>". */
static int test_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
	(void)state;
	pthread_mutex_lock(&hold_lock);
	calls++;
	while (holding) {
		held = true;
		pthread_cond_broadcast(&hold_cond);
		pthread_cond_wait(&hold_cond, &hold_lock);
	}
	while (len == 4 && memcmp(buf, "gate", 4) == 0 && !gate_open) {
		at_gate = true;
		pthread_cond_broadcast(&hold_cond);
		pthread_cond_wait(&hold_cond, &hold_lock);
	}
	pthread_mutex_unlock(&hold_lock);
	if (len >= 5 && memcmp(buf, "json:", 5) == 0) {
		out->write(out, (const char *)buf + 5, len - 5);
		return KCON_DECODE_JSON;
	}
	if (len >= 4 && memcmp(buf, "err:", 4) == 0) {
		out->write(out, (const char *)buf + 4, len - 4);
		return KCON_DECODE_ERROR;
	}
	if (len == 3 && memcmp(buf, "not", 3) == 0)
		return KCON_DECODE_NOT_MINE;
	out->write(out, "<", 1);
	out->write(out, buf, len);
	out->write(out, ">", 1);
	return KCON_DECODE_TEXT;
}

static const struct kcon_decoder test_decoder = { .name = "test", .decode = test_decode };

static void hold(bool on)
{
	pthread_mutex_lock(&hold_lock);
	holding = on;
	held = false;
	pthread_cond_broadcast(&hold_cond);
	pthread_mutex_unlock(&hold_lock);
}

static void wait_held(void)
{
	pthread_mutex_lock(&hold_lock);
	while (!held)
		pthread_cond_wait(&hold_cond, &hold_lock);
	pthread_mutex_unlock(&hold_lock);
}

/* Waits (up to 10 s) for the fd, then takes what is there into seqs/out; returns how many. */
static size_t take(struct decodeq *q, uint64_t *seqs, struct decoded *out, size_t max)
{
	struct pollfd p = { .fd = decodeq_fd(q), .events = POLLIN };
	assert_int_equal(poll(&p, 1, 10000), 1);
	char buf[64];
	while (read(p.fd, buf, sizeof(buf)) > 0)
		;
	return decodeq_take(q, seqs, out, max);
}

/* Takes n results in all. */
static void take_all(struct decodeq *q, uint64_t *seqs, struct decoded *out, size_t n)
{
	size_t got = 0;
	while (got < n)
		got += take(q, seqs + got, out + got, n - got);
}

static void test_results(void **state)
{
	(void)state;
	char *cause = NULL;
	struct decodeq *q = decodeq_new(&test_decoder, &cause);
	assert_non_null(q);
	decodeq_submit(q, 10, "hi", 2);
	decodeq_submit(q, 11, "json:{\"a\":1}", 12);
	decodeq_submit(q, 12, "err:truncated", 13);
	decodeq_submit(q, 13, "not", 3);
	uint64_t seqs[4];
	struct decoded out[4];
	take_all(q, seqs, out, 4);
	for (size_t i = 0; i < 4; i++) {
		struct decoded *d = &out[i];
		if (seqs[i] == 10) {
			assert_int_equal(d->rc, KCON_DECODE_TEXT);
			assert_string_equal(d->text, "<hi>");
			assert_int_equal(d->len, 4);
			assert_string_equal(d->decoder, "test");
		} else if (seqs[i] == 11) {
			assert_int_equal(d->rc, KCON_DECODE_JSON);
			assert_string_equal(d->text, "{\"a\":1}");
		} else if (seqs[i] == 12) {
			assert_int_equal(d->rc, KCON_DECODE_ERROR);
			assert_string_equal(d->text, "truncated");
		} else {
			assert_int_equal(seqs[i], 13);
			assert_int_equal(d->rc, KCON_DECODE_NOT_MINE);
			assert_null(d->text);
			assert_null(d->decoder);
		}
		assert_int_equal(d->schema_id, -1);
		decoded_clear(d);
		assert_int_equal(d->rc, DECODED_PENDING);
	}
	assert_int_equal(decodeq_take(q, seqs, out, 4), 0); /* nothing more */
	decodeq_free(&q);
	assert_null(q);
}

static void test_newest_first_and_forget(void **state)
{
	(void)state;
	char *cause = NULL;
	struct decodeq *q = decodeq_new(&test_decoder, &cause);
	hold(true);
	decodeq_submit(q, 0, "first", 5);
	wait_held(); /* 0 is being decoded; what comes now waits */
	char v[16];
	for (uint64_t s = 1; s <= 100; s++) {
		int n = snprintf(v, sizeof(v), "v%llu", (unsigned long long)s);
		decodeq_submit(q, s, v, (size_t)n);
	}
	decodeq_forget(q, 21); /* 1-20 need no decoding any more */
	hold(false);
	uint64_t seqs[81];
	struct decoded out[81];
	take_all(q, seqs, out, 81);
	/* 0, then the newest batch (37-100, in order), then the rest (21-36) */
	assert_int_equal(seqs[0], 0);
	for (size_t i = 1; i <= DECODEQ_BATCH; i++)
		assert_int_equal(seqs[i], 100 - DECODEQ_BATCH + i);
	for (size_t i = DECODEQ_BATCH + 1; i < 81; i++)
		assert_int_equal(seqs[i], 21 + (i - DECODEQ_BATCH - 1));
	for (size_t i = 0; i < 81; i++)
		decoded_clear(&out[i]);
	decodeq_free(&q);
}

static void test_free_with_values_waiting(void **state)
{
	(void)state;
	char *cause = NULL;
	struct decodeq *q = decodeq_new(&test_decoder, &cause);
	hold(true);
	decodeq_submit(q, 0, "a", 1);
	wait_held();
	decodeq_submit(q, 1, "b", 1); /* waiting when the queue is freed */
	hold(false);
	decodeq_free(&q); /* waits for the batch in hand; frees its result and the value waiting */
	struct decodeq *none = NULL;
	decodeq_free(&none);
}

/* Stopping ends the batch in hand at its next value: the rest of it is not decoded (closing a tail view waited for it).
 */
static void test_stop_mid_batch(void **state)
{
	(void)state;
	char *cause = NULL;
	struct decodeq *q = decodeq_new(&test_decoder, &cause);
	pthread_mutex_lock(&hold_lock);
	calls = 0;
	gate_open = at_gate = false;
	pthread_mutex_unlock(&hold_lock);
	hold(true);
	decodeq_submit(q, 0, "a", 1);
	wait_held(); /* the next batch is made while 0 is decoded: 1 (the gate) to 64 */
	decodeq_submit(q, 1, "gate", 4);
	for (uint64_t s = 2; s <= DECODEQ_BATCH; s++)
		decodeq_submit(q, s, "b", 1);
	hold(false);
	pthread_mutex_lock(&hold_lock);
	while (!at_gate)
		pthread_cond_wait(&hold_cond, &hold_lock);
	pthread_mutex_unlock(&hold_lock);
	decodeq_stop(q); /* the batch's first value in hand */
	pthread_mutex_lock(&hold_lock);
	gate_open = true;
	pthread_cond_broadcast(&hold_cond);
	pthread_mutex_unlock(&hold_lock);
	decodeq_free(&q);
	assert_int_equal(calls, 2); /* 0 and the gate; not the 63 after it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results),
		cmocka_unit_test(test_newest_first_and_forget),
		cmocka_unit_test(test_free_with_values_waiting),
		cmocka_unit_test(test_stop_mid_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
