#include "status.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

#define STATUS_NAME(e, s) s,
static const char *const status_names[] = { STATUS_LIST(STATUS_NAME) };
#undef STATUS_NAME

const char *status_name(enum status_code c)
{
	return c >= 0 && c < STATUS_COUNT ? status_names[c] : "UNKNOWN";
}

int status_parse(const char *name)
{
	for (int i = 0; i < STATUS_COUNT; i++)
		if (strcasecmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

int status_parse_set(const char *list, unsigned *set, char **cause)
{
	*set = 0;
	char *copy = x_strdup(list), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		int c = status_parse(w);
		if (c < 0) {
			*cause = x_asprintf("unknown status `%s`: give OK, WARN, STALL, STOP, ERR or UNKNOWN", w);
			rc = -1;
			break;
		}
		*set |= 1u << c;
	}
	if (rc == 0 && *set == 0) {
		*cause = x_strdup("no status given: give e.g. STOP,STALL");
		rc = -1;
	}
	free(copy);
	return rc;
}

enum status_code status_worst(enum status_code a, enum status_code b)
{
	return a > b ? a : b;
}

static int64_t status_lag(const struct status_point *p)
{
	return p->end > p->committed ? p->end - p->committed : 0;
}

static struct status_result status_is(enum status_code c, const char *reason, int64_t lag, int samples)
{
	return (struct status_result){ .code = c, .reason = reason, .lag = lag, .samples = samples };
}

struct status_result status_eval(const struct status_point *p, size_t n, int64_t since_ms, enum status_members members)
{
	/* The points after the last gap that have both offsets, and where the window starts among them. */
	size_t from = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i].gap)
			from = i + 1;
	const struct status_point **w = x_calloc(n + 1, sizeof(*w));
	size_t k = 0;
	for (size_t i = from; i < n; i++) {
		if (p[i].committed < 0 || p[i].end < 0)
			continue;
		if (p[i].ts_ms <= since_ms)
			k = 0; /* a newer point at or before the window's start is its start */
		w[k++] = &p[i];
	}
	struct status_result r;
	if (k == 0) {
		r = status_is(STATUS_UNKNOWN, "no sample with a committed offset in the window", -1, 0);
		goto out;
	}
	const struct status_point *first = w[0], *last = w[k - 1];
	int64_t lag = status_lag(last);
	if (last->committed > last->end) {
		r = status_is(STATUS_ERR, "the committed offset is past the log end", lag, (int)k);
		goto out;
	}
	bool grew = true;
	for (size_t i = 1; i < k; i++) {
		if (w[i]->committed < w[i - 1]->committed) {
			r = status_is(STATUS_ERR, "the committed offset went back (an offset reset)", lag, (int)k);
			goto out;
		}
		if (status_lag(w[i]) < status_lag(w[i - 1]))
			grew = false;
	}
	grew = grew && k > 1 && lag > status_lag(first);
	if (lag == 0)
		r = status_is(STATUS_OK, "caught up", lag, (int)k);
	else if (k < 2)
		r = status_is(STATUS_UNKNOWN, "one sample in the window: too few to judge", lag, (int)k);
	else if (last->committed == first->committed && members == STATUS_MEMBERS_SOME)
		r = status_is(STATUS_STALL,
			      "members are there but the committed offset does not move while there is lag", lag,
			      (int)k);
	else if (last->committed == first->committed && grew)
		r = status_is(STATUS_STOP, "no commits while the lag grows", lag, (int)k);
	else if (last->committed == first->committed)
		r = status_is(STATUS_STALL, "the committed offset does not move while there is lag", lag, (int)k);
	else if (grew)
		r = status_is(STATUS_WARN, "consuming, but the lag grows", lag, (int)k);
	else
		r = status_is(STATUS_OK, "consuming", lag, (int)k);
out:
	free(w);
	return r;
}
