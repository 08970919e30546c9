/*
 * Time: monotonic milliseconds for intervals, wall-clock milliseconds and ISO 8601 for data, and
 * the date-times and durations users type (--from, --to-datetime, --since, --interval, retention).
 * Unit-tested in tests/unit/test_clock.c.
 */
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

/**
 * @brief Parses an ISO 8601 date-time: 2024-05-01, 2024-05-01T12:00, 2024-05-01T12:00:00.250Z,
 * 2024-05-01T12:00:00+02:00 (a space may replace the T; no zone means UTC).
 * @param ms milliseconds since the epoch
 * @return 0, or -1 with *cause (callee allocates)
 */
int clock_parse_datetime(const char *s, int64_t *ms, char **cause);

/** The longest duration clock_parse_duration() takes: 100 years (36500d), so now - it never overflows. */
#define CLOCK_DURATION_MAX_MS (36500LL * 86400000LL)

/**
 * @brief Parses a duration back from now: ISO 8601 PnDTnHnMnS (P1DT2H, PT30M, PT1.5S) or short
 * 1h30m, 2d, 90s, 500ms; an optional leading '-' means the same (it always points back).
 * @param ms the length in milliseconds (> 0, at most CLOCK_DURATION_MAX_MS); untouched on failure
 * @return 0, or -1 with *cause (callee allocates)
 */
int clock_parse_duration(const char *s, int64_t *ms, char **cause);

#endif
