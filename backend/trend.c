#include "trend.h"

#include <math.h>
#include <stdio.h>

#include "sbuf.h"
#include "xalloc.h"

const char *trend_dir_name(enum trend_dir d)
{
	static const char *const names[] = { "steady", "growing", "shrinking", "unknown" };
	return names[d];
}

/* The rate of a counter between its first and last known values, per second; -1 when unknown. */
static double trend_rate(const int64_t *ts_ms, const int64_t *v, size_t n)
{
	size_t i = 0, j = n;
	while (i < n && v[i] < 0)
		i++;
	while (j > i && v[j - 1] < 0)
		j--;
	if (j == 0 || i + 1 >= j || ts_ms[j - 1] <= ts_ms[i])
		return -1;
	return (double)(v[j - 1] - v[i]) * 1000.0 / (double)(ts_ms[j - 1] - ts_ms[i]);
}

struct trend trend_of(const int64_t *ts_ms, const int64_t *lag, const int64_t *committed, const int64_t *end, size_t n)
{
	struct trend t = {
		.dir = TREND_UNKNOWN, .consume_per_s = -1, .produce_per_s = -1, .lag = -1, .eta_s = -1, .time_lag_s = -1
	};
	double sx = 0, sy = 0, sxx = 0, sxy = 0, k = 0, maxlag = 0;
	for (size_t i = 0; i < n; i++) {
		if (lag[i] < 0)
			continue;
		double x = (double)(ts_ms[i] - ts_ms[0]) / 1000.0, y = (double)lag[i];
		sx += x, sy += y, sxx += x * x, sxy += x * y, k++;
		if (y > maxlag)
			maxlag = y;
		t.lag = lag[i];
	}
	if (committed)
		t.consume_per_s = trend_rate(ts_ms, committed, n);
	if (end)
		t.produce_per_s = trend_rate(ts_ms, end, n);
	if (t.lag >= 0 && t.consume_per_s > 0)
		t.time_lag_s = (double)t.lag / t.consume_per_s;
	else if (t.lag == 0)
		t.time_lag_s = 0;
	double den = k * sxx - sx * sx;
	if (k < 2 || den <= 0)
		return t;
	t.lag_per_s = (k * sxy - sx * sy) / den;
	/* the window's length, from the variance of the times (of evenly spread ones: span^2 / 12) */
	double var = sxx / k - (sx / k) * (sx / k), span = var > 0 ? sqrt(12.0 * var) : 0;
	/* Steady when the fitted change over the window is within 5% of the largest lag (or 1 message). */
	double change = fabs(t.lag_per_s) * span, floor = fmax(1.0, 0.05 * maxlag);
	if (change <= floor)
		t.dir = TREND_STEADY;
	else
		t.dir = t.lag_per_s > 0 ? TREND_GROWING : TREND_SHRINKING;
	if (t.lag == 0)
		t.eta_s = 0;
	else if (t.dir == TREND_SHRINKING)
		t.eta_s = (double)t.lag / -t.lag_per_s;
	return t;
}

char *trend_human_duration(double s)
{
	if (s < 0)
		return x_strdup("never at this rate");
	if (s < 90)
		return x_asprintf("%.0f s", s);
	if (s < 90 * 60)
		return x_asprintf("about %.0f min", s / 60);
	if (s < 36 * 3600)
		return x_asprintf("about %.0f h", s / 3600);
	return x_asprintf("about %.0f d", s / 86400);
}

char *trend_sparkline(const int64_t *values, size_t n, int width, bool utf8)
{
	static const char *const blocks[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-=+*#@";
	struct sbuf sb = SBUF_INIT;
	if (width <= 0 || n == 0)
		return sbuf_release(&sb);
	size_t cells = n < (size_t)width ? n : (size_t)width;
	int64_t max = 0;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	for (size_t c = 0; c < cells; c++) {
		size_t from = c * n / cells, to = (c + 1) * n / cells;
		int64_t v = -1;
		for (size_t i = from; i < to; i++)
			if (values[i] > v)
				v = values[i];
		if (v < 0) {
			sbuf_addc(&sb, ' ');
			continue;
		}
		int level = max > 0 ? (int)((double)v * 7.0 / (double)max + 0.5) : 0;
		if (utf8)
			sbuf_add(&sb, blocks[level]);
		else
			sbuf_addc(&sb, ascii[level]);
	}
	return sbuf_release(&sb);
}

void trend_rates(const int64_t *ts_ms, const int64_t *values, size_t n, int64_t *out)
{
	size_t prev = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		out[i] = -1;
		if (values[i] < 0) {
			prev = SIZE_MAX; /* unknown (a gap): the next value starts again */
			continue;
		}
		if (prev != SIZE_MAX && ts_ms[i] > ts_ms[prev] && values[i] >= values[prev])
			out[i] = (int64_t)((double)(values[i] - values[prev]) * 1000.0 /
						   (double)(ts_ms[i] - ts_ms[prev]) +
					   0.5);
		prev = i;
	}
}
