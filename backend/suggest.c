#include "suggest.h"

#include <string.h>

#include "xalloc.h"

/* Words longer than this are no typo of a command or option name: they are not compared. */
#define SUGGEST_MAX_LEN 64

size_t suggest_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	/* Three rows of the optimal string alignment table: two back, the last, the current. */
	size_t rows[3][SUGGEST_MAX_LEN + 1];
	size_t *back2 = rows[0], *prev = rows[1], *cur = rows[2];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		size_t row_min = cur[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t d = prev[j - 1] + cost;
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && back2[j - 2] + 1 < d)
				d = back2[j - 2] + 1;
			cur[j] = d;
			if (d < row_min)
				row_min = d;
		}
		if (row_min > limit)
			return limit + 1;
		size_t *t = back2;
		back2 = prev, prev = cur, cur = t;
	}
	return prev[lb] > limit ? limit + 1 : prev[lb];
}

int suggest_nearest(const char *word, const char *const *cands, size_t n, const char *out[2])
{
	size_t len = strlen(word), limit = (len + 2) / 3 > 0 ? (len + 2) / 3 : 1;
	size_t best[2] = { limit + 1, limit + 1 };
	int found = 0;
	out[0] = out[1] = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *c = cands[i];
		if (c == NULL || *c == '\0' || strcmp(c, word) == 0 || (out[0] && strcmp(c, out[0]) == 0) ||
		    (out[1] && strcmp(c, out[1]) == 0))
			continue;
		size_t d = suggest_distance(word, c, limit);
		if (d > limit)
			continue;
		if (d < best[0]) {
			best[1] = best[0], out[1] = out[0];
			best[0] = d, out[0] = c;
		} else if (d < best[1]) {
			best[1] = d, out[1] = c;
		}
	}
	found = out[0] ? (out[1] ? 2 : 1) : 0;
	return found;
}

char *suggest_hint(const char *word, const char *const *cands, size_t n, const char *prefix)
{
	const char *near[2];
	int k = suggest_nearest(word, cands, n, near);
	if (k == 0)
		return NULL;
	if (k == 1)
		return x_asprintf("did you mean `%s%s`?", prefix, near[0]);
	return x_asprintf("did you mean `%s%s` or `%s%s`?", prefix, near[0], prefix, near[1]);
}
