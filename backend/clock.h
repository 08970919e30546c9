/* Time: monotonic milliseconds for intervals, wall-clock milliseconds and ISO 8601 for data. */
#ifndef KCON_CLOCK_H
#define KCON_CLOCK_H

#include <jansson.h>
#include <stdint.h>

/** @brief Milliseconds of CLOCK_MONOTONIC: for deadlines and intervals. */
int64_t clock_mono_ms(void);
/** @brief Milliseconds since the epoch (CLOCK_REALTIME): for data and stored samples. */
int64_t clock_wall_ms(void);
/** @brief Writes ms since the epoch as 2026-05-01T12:00:00.250Z into buf (at least 32 bytes). */
void clock_iso(char *buf, int64_t ms);
/** @brief The same as a new JSON string. */
json_t *clock_json(int64_t ms);

#endif
