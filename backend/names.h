/*
 * The names a user types for Kafka to hold: topic names, group ids and principals. Each is
 * checked against what Kafka accepts before any request is made, so librdkafka never sees a
 * name the broker would refuse (or that librdkafka itself cannot carry: a group id that is not
 * UTF-8 aborts it). cmd_prepare() checks every argument by its kind (CMD_ARG_TOPIC, ...); files
 * that name topics (a reset plan) use the same checks. Unit-tested in tests/unit/test_names.c.
 */
#ifndef KCON_NAMES_H
#define KCON_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct err;

/** Kafka's longest topic name, in bytes (characters: they are ASCII). */
#define NAMES_TOPIC_MAX 249
/** The longest group id or principal: a string of Kafka's protocol holds at most 32767 bytes. */
#define NAMES_STRING_MAX 32767

/** @brief True when c may stand in a topic name: a-z A-Z 0-9 . _ - */
bool names_topic_char(char c);
/**
 * @brief Checks a topic name: 1 to 249 of a-z A-Z 0-9 . _ -, and not "." or "..".
 * @return CMD_OK, or CMD_USAGE with e set (cause and hint)
 */
int names_check_topic(const char *name, struct err *e);
/**
 * @brief Checks a group id: 1 to 32767 bytes of valid UTF-8 (what Kafka's strings hold).
 * @return CMD_OK, or CMD_USAGE with e set (cause and hint)
 */
int names_check_group(const char *name, struct err *e);
/**
 * @brief Checks a principal: Type:name (User:alice), both parts non-empty, valid UTF-8, at most
 * 32767 bytes in all.
 * @return CMD_OK, or CMD_USAGE with e set (cause and hint)
 */
int names_check_principal(const char *name, struct err *e);

/**
 * @brief Whether name matches a user's pattern (`topics orders`, `groups 'app-*'`, `watch --groups`):
 * a glob (with * ? or [) matches whole names, a plain word anywhere in the name; NULL matches all.
 */
bool names_match(const char *pattern, const char *name);

#endif
