#include "lag.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "err.h"
#include "names.h"
#include "sbuf.h"
#include "xalloc.h"

int64_t lag_of(int64_t committed, int64_t start, int64_t end, bool *no_commit)
{
	*no_commit = committed < 0;
	if (end < 0)
		return -1;
	if (committed < 0)
		committed = start < 0 ? 0 : start;
	return end > committed ? end - committed : 0;
}

int64_t lag_shift(int64_t current, int64_t by)
{
	int64_t sum;
	if (__builtin_add_overflow(current, by, &sum))
		return by > 0 ? INT64_MAX : INT64_MIN;
	return sum;
}

int64_t lag_time_for_offsets(int64_t ms)
{
	return ms < 0 ? 0 : ms;
}

const char *lag_clamp_name(enum lag_clamp c)
{
	return c == LAG_CLAMP_START ? "start" : c == LAG_CLAMP_END ? "end" : NULL;
}

int64_t lag_clamp(int64_t want, int64_t start, int64_t end, enum lag_clamp *how)
{
	*how = LAG_CLAMP_NONE;
	if (start >= 0 && want < start) {
		*how = LAG_CLAMP_START;
		return start;
	}
	if (end >= 0 && want > end) {
		*how = LAG_CLAMP_END;
		return end;
	}
	return want;
}

/* A non-negative 32-bit number at *p; advances *p. */
static bool lag_partition_number(const char **p, int32_t *v)
{
	char *end;
	errno = 0;
	long n = strtol(*p, &end, 10);
	if (end == *p || errno || n < 0 || n > INT32_MAX || !isdigit((unsigned char)**p))
		return false;
	*p = end;
	*v = (int32_t)n;
	return true;
}

int lag_parse_partitions(const char *s, int32_t **parts, int *nparts, char **cause)
{
	int n = 0;
	int32_t *v = NULL;
	const char *p = s;
	*parts = NULL, *nparts = 0;
	do {
		int32_t a, b;
		if (!lag_partition_number(&p, &a))
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (!lag_partition_number(&p, &b) || b < a)
				goto bad;
		}
		if (b - a > LAG_RANGE_MAX - n) /* at most LAG_RANGE_MAX + 1 in all */
			goto bad;
		v = x_reallocarray(v, (size_t)n + (size_t)(b - a) + 1, sizeof(*v));
		for (int32_t x = a;; x++) {
			v[n++] = x;
			if (x == b)
				break;
		}
	} while (*p++ == ',');
	if (p[-1] != '\0')
		goto bad;
	*parts = v, *nparts = n;
	return 0;
bad:
	free(v);
	*cause = x_asprintf("`%.*s%s` is not a list of partitions: write numbers from 0 to %d or ranges of them, as "
			    "0,2,5-7 (at most %d of them)",
			    ERR_QUOTE_MAX, s, strlen(s) > ERR_QUOTE_MAX ? "..." : "", INT32_MAX, LAG_RANGE_MAX + 1);
	return -1;
}

int lag_parse_topic_spec(const char *s, char **topic, int32_t **parts, int *nparts, char **cause)
{
	const char *colon = strchr(s, ':');
	char *name = colon ? x_strndup(s, (size_t)(colon - s)) : x_strdup(s);
	struct err e = { 0 };
	*topic = NULL, *parts = NULL, *nparts = 0;
	if (names_check_topic(name, &e) != 0) {
		*cause = e.cause; /* it names the topic */
		e.cause = NULL;
		err_clear(&e);
		free(name);
		return -1;
	}
	char *c2 = NULL;
	if (colon && lag_parse_partitions(colon + 1, parts, nparts, &c2) < 0) {
		*cause = x_asprintf("`%.*s%s`: %s", ERR_QUOTE_MAX, s, strlen(s) > ERR_QUOTE_MAX ? "..." : "", c2);
		free(c2);
		free(name);
		return -1;
	}
	*topic = name;
	return 0;
}

static int lag_tp_cmp(const void *a, const void *b)
{
	const struct lag_tp *x = a, *y = b;
	int c = strcmp(x->topic, y->topic);
	return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

char *lag_assignment_text(struct lag_tp *tps, int n)
{
	struct sbuf sb = SBUF_INIT;
	if (n > 1)
		qsort(tps, (size_t)n, sizeof(*tps), lag_tp_cmp);
	for (int i = 0; i < n;) {
		bool new_topic = i == 0 || strcmp(tps[i].topic, tps[i - 1].topic) != 0;
		if (new_topic)
			sbuf_addf(&sb, "%s%s:", i ? " " : "", tps[i].topic);
		else
			sbuf_addc(&sb, ',');
		/* the run of consecutive partitions starting at i */
		int j = i;
		while (j + 1 < n && strcmp(tps[j + 1].topic, tps[i].topic) == 0 &&
		       tps[j + 1].partition == tps[j].partition + 1)
			j++;
		if (j > i)
			sbuf_addf(&sb, "%" PRId32 "-%" PRId32, tps[i].partition, tps[j].partition);
		else
			sbuf_addf(&sb, "%" PRId32, tps[i].partition);
		i = j + 1;
		while (i < n && i > 0 && strcmp(tps[i].topic, tps[i - 1].topic) == 0 &&
		       tps[i].partition == tps[i - 1].partition)
			i++; /* duplicates */
	}
	return sbuf_release(&sb);
}

struct lag_plan_row *lag_plan_add(struct lag_plan *p, const char *topic, int32_t partition, int64_t current,
				  int64_t want)
{
	p->rows = x_reallocarray(p->rows, (size_t)p->n + 1, sizeof(*p->rows));
	struct lag_plan_row *r = &p->rows[p->n++];
	*r = (struct lag_plan_row){ .topic = x_strdup(topic),
				    .partition = partition,
				    .current = current,
				    .want = want,
				    .start = -1,
				    .end = -1,
				    .next = want };
	return r;
}

void lag_plan_clamp(struct lag_plan *p)
{
	for (int i = 0; i < p->n; i++) {
		struct lag_plan_row *r = &p->rows[i];
		r->next = lag_clamp(r->want, r->start, r->end, &r->clamped);
	}
}

static int lag_row_cmp(const void *a, const void *b)
{
	const struct lag_plan_row *x = a, *y = b;
	int c = strcmp(x->topic, y->topic);
	return c ? c : (x->partition > y->partition) - (x->partition < y->partition);
}

void lag_plan_sort(struct lag_plan *p)
{
	if (p->n > 1)
		qsort(p->rows, (size_t)p->n, sizeof(*p->rows), lag_row_cmp);
}

char *lag_plan_csv(const struct lag_plan *p)
{
	struct sbuf sb = SBUF_INIT;
	sbuf_add(&sb, "topic,partition,current,new,delta,clamped\n");
	for (int i = 0; i < p->n; i++) {
		const struct lag_plan_row *r = &p->rows[i];
		const char *cl = lag_clamp_name(r->clamped);
		sbuf_addf(&sb, "%s,%" PRId32 ",", r->topic, r->partition);
		if (r->current >= 0)
			sbuf_addf(&sb, "%" PRId64 ",%" PRId64 ",%" PRId64, r->current, r->next, r->next - r->current);
		else
			sbuf_addf(&sb, ",%" PRId64 ",", r->next);
		sbuf_addf(&sb, ",%s\n", cl ? cl : "");
	}
	return sbuf_release(&sb);
}

/* Splits line (modified in place) at commas; returns the field count (at most max). */
static int lag_csv_fields(char *line, char **f, int max)
{
	int n = 0;
	for (char *p = line;; p++) {
		if (n < max)
			f[n] = p;
		n++;
		p = strchr(p, ',');
		if (p == NULL)
			break;
		*p = '\0';
	}
	return n;
}

static bool lag_csv_int(const char *s, int64_t min, int64_t *v)
{
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (end == s || *end || errno || n < min)
		return false;
	*v = n;
	return true;
}

int lag_plan_parse_csv(const char *text, struct lag_plan *p, char **cause)
{
	char *copy = x_strdup(text), *save = NULL;
	int lineno = 0, col_new = 2; /* Kafka's export: topic,partition,offset */
	int rc = 0;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		char *f[8];
		int n = lag_csv_fields(line, f, 8);
		if (lineno == 1 && strcmp(f[0], "topic") == 0) {
			col_new = -1;
			for (int i = 0; i < n && i < 8; i++)
				if (strcmp(f[i], "new") == 0)
					col_new = i;
			if (col_new < 2 || n < 2 || strcmp(f[1], "partition") != 0) {
				*cause = x_strdup("line 1: the header needs topic,partition,...,new");
				rc = -1;
				break;
			}
			continue;
		}
		int64_t part, off;
		struct err e = { 0 };
		bool topic_ok = names_check_topic(f[0], &e) == 0;
		err_clear(&e);
		if (n <= col_new || !topic_ok || !lag_csv_int(f[1], 0, &part) || part > INT32_MAX ||
		    !lag_csv_int(f[col_new], 0, &off)) {
			*cause = x_asprintf("line %d: expected topic,partition,%s with a topic name Kafka can hold "
					    "(a-z A-Z 0-9 . _ -, at most 249) and whole numbers",
					    lineno, col_new == 2 ? "offset" : "current,new,...");
			rc = -1;
			break;
		}
		lag_plan_add(p, f[0], (int32_t)part, -1, off);
	}
	free(copy);
	if (rc == 0 && p->n == 0) {
		*cause = x_strdup("the plan has no partitions");
		rc = -1;
	}
	if (rc)
		lag_plan_clear(p);
	return rc;
}

void lag_plan_clear(struct lag_plan *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->rows[i].topic);
	free(p->rows);
	p->rows = NULL;
	p->n = 0;
}
