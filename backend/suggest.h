/*
 * "Did you mean": the nearest words to a mistyped one, by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours each cost 1). cmd.c puts them in the hint of an
 * unknown command, subcommand or option, on every face.
 */
#ifndef KCON_SUGGEST_H
#define KCON_SUGGEST_H

#include <stddef.h>

/** @brief The edit distance between a and b (bytes), at most limit + 1 (it stops counting there). */
size_t suggest_distance(const char *a, const char *b, size_t limit);

/**
 * @brief Picks the one or two candidates nearest to word, each near enough to be a typo of it
 * (a distance of at most a third of the word's length, rounded up, and at least 1). Candidates equal to word,
 * and repeated ones, are skipped.
 * @param cands n candidates
 * @param out gets up to two of them, nearest first (pointers into cands)
 * @return how many: 0, 1 or 2
 */
int suggest_nearest(const char *word, const char *const *cands, size_t n, const char *out[2]);

/**
 * @brief The hint "did you mean `A`?" or "did you mean `A` or `B`?" for word among cands, each
 * preceded by prefix ("--" for options); NULL when none is near. Caller frees.
 */
char *suggest_hint(const char *word, const char *const *cands, size_t n, const char *prefix);

#endif
