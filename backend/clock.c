#include "clock.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "err.h"
#include "xalloc.h"

static int64_t clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

int64_t clock_wall_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

void clock_iso(char *buf, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}

json_t *clock_json(int64_t ms)
{
	char buf[32];
	clock_iso(buf, ms);
	return json_string(buf);
}

/* Reads exactly n digits into *v; returns the rest or NULL. */
static const char *clock_digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, s++) {
		if (!isdigit((unsigned char)*s))
			return NULL;
		*v = *v * 10 + (*s - '0');
	}
	return s;
}

/* fmt has one %s: the input, cut to ERR_QUOTE_MAX bytes (a hostile one may be a megabyte). */
static int clock_bad(char **cause, const char *fmt, const char *s)
{
	char *cut = strlen(s) > ERR_QUOTE_MAX ? x_asprintf("%.*s...", ERR_QUOTE_MAX, s) : NULL;
	*cause = x_asprintf(fmt, cut ? cut : s);
	free(cut);
	return -1;
}

int clock_parse_datetime(const char *s, int64_t *ms, char **cause)
{
	static const char *const bad =
		"`%s` is not an ISO 8601 date-time: write 2024-05-01T12:00:00Z (UTC when no zone "
		"is given) or 2024-05-01T14:00:00+02:00";
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0;
	const char *p = s;
	if ((p = clock_digits(p, 4, &y)) == NULL || *p++ != '-' || (p = clock_digits(p, 2, &mo)) == NULL ||
	    *p++ != '-' || (p = clock_digits(p, 2, &d)) == NULL)
		return clock_bad(cause, bad, s);
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if ((p = clock_digits(p, 2, &h)) == NULL || *p++ != ':' || (p = clock_digits(p, 2, &mi)) == NULL)
			return clock_bad(cause, bad, s);
		if (*p == ':') {
			if ((p = clock_digits(p + 1, 2, &sec)) == NULL)
				return clock_bad(cause, bad, s);
			if (*p == '.' || *p == ',') {
				int scale = 100;
				if (!isdigit((unsigned char)p[1]))
					return clock_bad(cause, bad, s);
				for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
					frac += scale * (*p - '0');
			}
		}
	}
	int64_t offset_s = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
		if ((p = clock_digits(p, 2, &oh)) == NULL)
			return clock_bad(cause, bad, s);
		if (*p == ':')
			p++;
		if (*p && (p = clock_digits(p, 2, &om)) == NULL)
			return clock_bad(cause, bad, s);
		if (oh > 23 || om > 59)
			return clock_bad(cause, bad, s);
		offset_s = sign * (oh * 3600 + om * 60);
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return clock_bad(cause, bad, s);
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
	time_t t = timegm(&tm);
	if (tm.tm_mday != d) /* 2024-02-30 rolled over */
		return clock_bad(cause, "`%s` is not a date that exists", s);
	*ms = ((int64_t)t - offset_s) * 1000 + frac;
	return 0;
}

/*
 * A number (maybe with a fraction) followed by a unit; adds its length to *ms. Returns the rest,
 * or NULL when malformed; *too_long is set when the sum would pass CLOCK_DURATION_MAX_MS.
 */
static const char *clock_duration_part(const char *p, const char *const *units, const int64_t *unit_ms, int64_t *ms,
				       bool *too_long)
{
	char *end;
	errno = 0;
	double v = strtod(p, &end);
	if (end == p || errno || !(v >= 0) || !isdigit((unsigned char)*p))
		return NULL;
	for (int i = 0; units[i]; i++) {
		size_t n = strlen(units[i]);
		if (strncasecmp(end, units[i], n) == 0) {
			/* compared as doubles first: the product of a hostile number is no int64_t */
			double part = v * (double)unit_ms[i] + 0.5;
			if (part >= (double)CLOCK_DURATION_MAX_MS + 1 || (int64_t)part > CLOCK_DURATION_MAX_MS - *ms) {
				*too_long = true;
				return NULL;
			}
			*ms += (int64_t)part;
			return end + n;
		}
	}
	return NULL;
}

int clock_parse_duration(const char *s, int64_t *out, char **cause)
{
	static const char *const bad =
		"`%s` is not a duration: write ISO 8601 (P1DT2H, PT30M) or short (1h30m, 2d, 90s, -1h)";
	static const char *const date_units[] = { "W", "D", NULL }, *const time_units[] = { "H", "M", "S", NULL },
				 *const short_units[] = { "ms", "w", "d", "h", "m", "s", NULL };
	static const int64_t date_ms[] = { 7 * 86400000LL, 86400000LL }, time_ms[] = { 3600000LL, 60000LL, 1000LL },
			     short_ms[] = { 1, 7 * 86400000LL, 86400000LL, 3600000LL, 60000LL, 1000LL };
	const char *p = s;
	int64_t ms = 0;
	bool too_long = false;
	if (*p == '-')
		p++;
	if (*p == 'P' || *p == 'p') {
		p++;
		bool in_time = false, any = false;
		while (*p) {
			if ((*p == 'T' || *p == 't') && !in_time) {
				in_time = true;
				p++;
				continue;
			}
			p = clock_duration_part(p, in_time ? time_units : date_units, in_time ? time_ms : date_ms, &ms,
						&too_long);
			if (p == NULL)
				break;
			any = true;
		}
		if (p && !any)
			p = NULL;
	} else {
		if (*p == '\0')
			p = NULL;
		while (p && *p)
			p = clock_duration_part(p, short_units, short_ms, &ms, &too_long);
	}
	if (too_long)
		return clock_bad(cause, "the duration `%s` is longer than 100 years (36500d): give a shorter one", s);
	if (p == NULL)
		return clock_bad(cause, bad, s);
	if (ms <= 0)
		return clock_bad(cause, "the duration `%s` is zero: give a time back from now, e.g. 1h", s);
	*out = ms;
	return 0;
}
