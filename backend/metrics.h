/*
 * Prometheus metrics from the history store: the text exposition format (version 0.0.4) of what
 * `kcon watch` sampled last, rendered on watch's loop thread after each tick and served by
 * metricsrv.h from that snapshot, so a scrape never asks Kafka nor reads the store. Metric names
 * follow kafka_exporter's where it has them (docs/monitoring.md). Unit-tested in test_metrics.c.
 */
#ifndef KCON_METRICS_H
#define KCON_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "sample.h"
#include "sbuf.h"
#include "store.h"

/** What watch knows of its own ticks. */
struct metrics_tick {
	bool up;            /* the last tick sampled the cluster */
	double duration_s;  /* how long the last tick took */
	int64_t failures;   /* failed ticks since watch started */
	int64_t last_ok_ms; /* wall clock of the last good tick; 0: none yet */
	long under_min_isr; /* partitions whose ISR is below min.insync.replicas; -1 unknown */
	int64_t window_ms;  /* the status window (groupstatus.h) */
	/* the last good tick's log start offsets (sample.h, SAMPLE_LOG_STARTS), sorted; borrowed, may be NULL */
	struct sample_start *starts;
	int nstarts;
};

/**
 * @brief Appends s to sb as a label value: backslash, double quote and line feed escaped as the
 * exposition format wants, bytes that are not UTF-8 as U+FFFD.
 */
void metrics_label(struct sbuf *sb, const char *s);

/**
 * @brief The exposition of a cluster's newest stored samples (cluster NULL: only kcon's own
 * metrics, kcon_up 0).
 * @return a new string, or NULL with *cause
 */
char *metrics_render(struct store *s, const char *cluster, const struct metrics_tick *t, int64_t now_ms, char **cause);

#endif
