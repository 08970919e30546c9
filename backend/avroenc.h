/*
 * JSON to Avro binary, against an Avro schema (its JSON text), for `produce --value-schema-id`.
 * Pure C over jansson, no libavro: the backend stays free of it (the static build too). Accepts
 * what the avro decoder prints, so a decoded tail can be produced again: unions as the plain
 * value (or Avro's {"type": value}), bytes and fixed as strings of code points 0-255, and the
 * readable logical types (date "2024-05-01", timestamp-millis/micros "2024-05-01T13:45:00.250Z",
 * decimal "12.34"), besides their plain numbers. A record field left out takes its default.
 * Named types resolve by full name (Avro's namespaces); the schema is checked before any value.
 */
#ifndef KCON_AVROENC_H
#define KCON_AVROENC_H

#include <stddef.h>

#include "sbuf.h"

/**
 * @brief Appends the Avro binary of the JSON text json[0..len) to out.
 * @return 0; -1 with *cause (allocated) naming the field path ("at .items[2].price: ...") and
 * what was expected; -2 with *cause naming what kcon cannot encode with in the schema itself (a
 * field without a name, a decimal's precision outside 1..38, ...); out is then left as it was
 */
int avroenc_encode(const char *schema, const char *json, size_t len, struct sbuf *out, char **cause);

#endif
