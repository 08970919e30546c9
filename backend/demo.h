/*
 * The embedded demo: librdkafka's mock cluster in process (3 brokers), seeded with realistic
 * topics, a background producer of keyed JSON messages with headers, and a consumer group that
 * falls behind. What the 2.0.2 mock cannot serve (listing and describing groups, creating topics
 * through the Admin API, describing configs, deleting topics) is said plainly by the commands.
 */
#ifndef KCON_DEMO_H
#define KCON_DEMO_H

#include "err.h"

struct demo;

/** @brief Starts the demo cluster and its traffic; NULL with e set when it cannot. */
struct demo *demo_start(struct err *e);
/** @brief Stops traffic and the cluster, and NULLs *d. */
void demo_stop(struct demo **d);
/** @brief The mock cluster's bootstrap list. */
const char *demo_bootstrap(const struct demo *d);
/** @brief Creates a topic through the mock cluster's own API. */
int demo_topic_create(struct demo *d, const char *name, int partitions, int rf, struct err *e);

#endif
