/*
 * Sparklines from the history store: a group's lag or a topic's rate over the samples of the
 * cluster the session shows (session_store_cluster_shown()), squeezed to a width (trend.h), and
 * whether a command's output wants them.
 */
#ifndef KCON_SPARK_H
#define KCON_SPARK_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store.h"

struct session;

/**
 * @brief Whether sparklines belong in a command's output: when asked (`--sparklines`, as the TUI
 * does), else tables on a terminal only (never JSON or CSV, nor a table piped elsewhere). *utf8
 * says whether the locale draws block characters.
 * @param output the command's own -o, or NULL for the session's format
 */
bool spark_wanted(const struct session *s, const char *output, bool asked, bool *utf8);

/** What a sparkline draws. */
enum spark_what {
	SPARK_LAG,  /* a group's lag: its total (partition -1) or one partition's end - committed */
	SPARK_RATE, /* messages per second into a topic (partition -1) or one partition */
};

/**
 * @brief A sparkline from the session's store (for views and tables) of a group's lag (group, and
 * topic "" with partition -1 for its total) or of a topic's rate (group ""), since since_ms, squeezed
 * to width cells (trend.h), from the cluster last sampled through the session's bootstrap. Gaps are
 * blanks. NULL when nothing is stored (or no store), or no point has a value (one point has no rate).
 */
char *spark_line(struct session *s, enum spark_what what, const char *group, const char *topic, int32_t partition,
		 int64_t since_ms, int width, bool utf8);

/**
 * @brief Sets "sparkline" (the last hour, 16 cells) in each row of the array rows whose field key
 * names the group (SPARK_LAG: its total) or the topic (SPARK_RATE); rows with nothing
 * stored get none.
 */
void spark_rows(struct session *s, enum spark_what what, json_t *rows, const char *key, bool utf8);

/**
 * @brief The values a sparkline draws from stored points: lag (b for a total, b - a for a
 * partition) or rate (trend_rates of a); -1 where unknown. out has n cells.
 */
void spark_values(enum spark_what what, bool total, const struct store_point *p, int n, int64_t *out);

#endif
