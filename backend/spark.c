#include "spark.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cmd.h"
#include "session.h"
#include "trend.h"
#include "xalloc.h"

bool spark_wanted(const struct session *s, const char *output, bool asked, bool *utf8)
{
	int f = output ? output_format_parse(output) : (int)s->format;
	const char *env[] = { "LC_ALL", "LC_CTYPE", "LANG" }, *loc = "";
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]) && !*loc; i++)
		if (getenv(env[i]))
			loc = getenv(env[i]);
	*utf8 = strcasestr(loc, "utf-8") || strcasestr(loc, "utf8");
	return asked || (f == OUT_TABLE && s->width > 0); /* the width is known only when stdout is a terminal */
}

void spark_values(enum spark_what what, bool total, const struct store_point *p, int n, int64_t *out)
{
	if (what == SPARK_RATE) {
		int64_t *ts = x_calloc((size_t)n + 1, sizeof(int64_t)), *a = x_calloc((size_t)n + 1, sizeof(int64_t));
		for (int i = 0; i < n; i++) {
			ts[i] = p[i].ts_ms;
			a[i] = p[i].gap ? -1 : p[i].a;
		}
		trend_rates(ts, a, (size_t)n, out);
		free(ts);
		free(a);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (p[i].gap)
			out[i] = -1;
		else if (total)
			out[i] = p[i].b;
		else
			out[i] = p[i].a >= 0 && p[i].b >= p[i].a ? p[i].b - p[i].a : -1;
	}
}

/* The sparkline of one series of the store's cluster, or NULL when it has too little. */
static char *spark_of(struct store *store, const char *cluster, enum spark_what what, const char *group,
		      const char *topic, int32_t partition, int64_t since_ms, int width, bool utf8)
{
	char *out = NULL, *cause = NULL;
	struct store_point *p = NULL;
	int n = 0;
	if (store_series(store, cluster, group, topic, partition, since_ms, &p, &n, &cause) == 0 && n > 0) {
		int64_t *v = x_calloc((size_t)n, sizeof(int64_t));
		spark_values(what, partition < 0, p, n, v);
		bool known = false;
		for (int i = 0; i < n && !known; i++)
			known = v[i] >= 0;
		if (known) /* one point has no rate: nothing to draw yet */
			out = trend_sparkline(v, (size_t)n, width, utf8);
		free(v);
	}
	free(p);
	free(cause);
	return out;
}

char *spark_line(struct session *s, enum spark_what what, const char *group, const char *topic, int32_t partition,
		 int64_t since_ms, int width, bool utf8)
{
	struct store *store;
	struct err e = { 0 };
	char *cluster = NULL, *out = NULL, *cause = NULL;
	if (session_store_read(s, &store, &e) == CMD_OK &&
	    (cluster = session_store_cluster_shown(s, store, &cause)) != NULL)
		out = spark_of(store, cluster, what, group, topic, partition, since_ms, width, utf8);
	free(cause);
	free(cluster);
	err_clear(&e);
	return out;
}

void spark_rows(struct session *s, enum spark_what what, json_t *rows, const char *key, bool utf8)
{
	int64_t since = clock_wall_ms() - 3600 * 1000;
	struct store *store;
	struct err e = { 0 };
	char *cluster = NULL, *cause = NULL;
	/*
	 * The store and the cluster once, nothing when no series is stored, and every row's reads in one
	 * read transaction: per row, they took 0.4 s of a 10,000-topic list (a lock taken and dropped
	 * for each statement).
	 */
	if (!session_store_missing(s) && session_store_read(s, &store, &e) == CMD_OK &&
	    (cluster = session_store_cluster_shown(s, store, &cause)) != NULL &&
	    store_has_series(store, cluster, what == SPARK_LAG)) {
		bool tx = store_read_begin(store);
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row)
		{
			const char *name = json_string_value(json_object_get(row, key));
			if (name == NULL)
				continue;
			char *spark = what == SPARK_LAG ? spark_of(store, cluster, what, name, "", -1, since, 16, utf8)
							: spark_of(store, cluster, what, "", name, -1, since, 16, utf8);
			if (spark)
				json_object_set_new(row, "sparkline", json_string(spark));
			free(spark);
		}
		if (tx)
			store_read_end(store);
	}
	free(cause);
	free(cluster);
	err_clear(&e);
}
