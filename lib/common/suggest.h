/*
 * suggest.h - "did you mean ...?" for misspelled names (internal).
 *
 * Used by the parser (unknown instructions and flags) and the linter
 * (undefined variables): the candidate closest to the word by
 * case-insensitive edit distance, when it is close enough to be a typo.
 */
#ifndef HOIST_SUGGEST_H
#define HOIST_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance, ASCII case-insensitive; words longer than 64 bytes
 * count as far from everything. */
size_t hoist_edit_distance(const char *a, const char *b);

/* The candidate at distance 2 or less from `word` (the first of the
 * closest), or NULL. */
const char *hoist_suggest(const char *word, const char *const *candidates, size_t count);

#endif
