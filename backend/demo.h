/*
 * The embedded demo: librdkafka's mock cluster in process (3 brokers), seeded with realistic
 * topics, a background producer of keyed JSON messages with headers, and a consumer group that
 * falls behind. What librdkafka's mock cannot serve (listing and describing groups, creating topics
 * through the Admin API, describing configs, deleting topics) is said plainly by the commands.
 * docs/demo.md describes what it holds.
 */
#ifndef KCON_DEMO_H
#define KCON_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "note.h"

struct demo;

/**
 * @brief Starts the demo cluster and its traffic; NULL with e set when it cannot.
 * Bounded: when the mock cluster does not answer within a deadline it fails rather than hang.
 */
struct demo *demo_start(struct err *e);
/** @brief Stops traffic and the cluster, and NULLs *d. Bounded: gives up (and leaks) after a few seconds. */
void demo_stop(struct demo **d);
/**
 * @brief Sends librdkafka's log of the demo's own clients to note (borrowed: it outlives the demo);
 * NULL, the default: quiet.
 */
void demo_set_verbose(struct demo *d, struct note_sink *note);
/**
 * @brief How long a call into the mock cluster (seeding, topic create) may take before the demo
 * gives up with an error: 10 s unless set. Process-wide; for tests of the timeout path.
 */
void demo_set_deadline(int ms);
/** @brief The mock cluster's bootstrap list. */
const char *demo_bootstrap(const struct demo *d);
/** @brief Creates a topic through the mock cluster's own API. */
int demo_topic_create(struct demo *d, const char *name, int partitions, int rf, struct err *e);

/**
 * @brief The consumer groups the demo runs, e.g. "fraud-detector" (falls behind on credit.scores)
 * and "payments-ledger" (keeps up with payments). The mock cannot list or describe groups, so
 * commands name these instead. The array is static; *n gets its length.
 */
const char *const *demo_groups(const struct demo *d, size_t *n);
/** @brief The topic a demo group consumes, or NULL when group is not one of demo_groups(). */
const char *demo_group_topic(const char *group);

#endif
