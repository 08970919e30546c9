/*
 * Lag over time without SQLite or curses: the trend of a lag series (growing, shrinking or
 * steady, by a least-squares slope), the consume rate, the time to catch up, the time lag, and
 * sparklines as plain strings (UTF-8 blocks or ASCII) for any face. Unit-tested in test_trend.c.
 */
#ifndef KCON_TREND_H
#define KCON_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum trend_dir { TREND_STEADY, TREND_GROWING, TREND_SHRINKING, TREND_UNKNOWN };

struct trend {
	enum trend_dir dir;
	double lag_per_s;     /* slope of the lag (messages per second; < 0 shrinking) */
	double consume_per_s; /* committed offsets per second, -1 when unknown */
	double produce_per_s; /* end offsets per second, -1 when unknown */
	int64_t lag;          /* the last lag, -1 when unknown */
	double eta_s;         /* seconds until the lag reaches 0 at this slope; -1: not catching up */
	double time_lag_s;    /* lag / consume rate: how far behind in time; -1 when unknown */
};

/**
 * @brief The trend of n samples (times in ms, lag, committed and end; -1 where unknown), oldest
 * first. Fewer than 2 known points give TREND_UNKNOWN.
 */
struct trend trend_of(const int64_t *ts_ms, const int64_t *lag, const int64_t *committed, const int64_t *end, size_t n);
/** @brief "growing", "shrinking", "steady" or "unknown". */
const char *trend_dir_name(enum trend_dir d);
/** @brief A duration for people: "45 s", "about 4 min", "about 3 h", "about 2 d". Caller frees. */
char *trend_human_duration(double seconds);

/**
 * @brief A sparkline of the values (-1: unknown, drawn as a blank) squeezed or kept to width
 * cells (the maximum of each bucket), scaled from 0 to the largest value.
 * @param utf8 block characters when true, else ASCII " _.-=+*#"
 * @return a new string of width cells (fewer when there are fewer values)
 */
char *trend_sparkline(const int64_t *values, size_t n, int width, bool utf8);

/**
 * @brief Per-second rates of a counter (an end offset): out[i] is the rise from the last known
 * value before i to values[i], divided by the seconds between them, rounded; -1 where values[i] or
 * an earlier value is unknown (-1), time does not advance, or the counter went back (a recreated
 * topic). out[0] is always -1. out has n cells.
 */
void trend_rates(const int64_t *ts_ms, const int64_t *values, size_t n, int64_t *out);

#endif
