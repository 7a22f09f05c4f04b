/*
 * hoist/ignore.h - .dockerignore patterns, read and matched exactly as Docker
 * does.
 *
 * A hoist_ignore is an ordered list of patterns, read the way the docker CLI
 * reads an ignore file (UTF-8 BOM dropped, lines starting with '#' skipped,
 * surrounding space trimmed, paths cleaned, a leading '/' dropped, '!' marks
 * an exception) and matched with moby/patternmatcher's rules: patterns are
 * anchored at the context root, Go filepath.Match syntax plus '**', the last
 * matching pattern wins, and a pattern that matches a parent directory
 * matches everything below it. Every pattern remembers the file and line it
 * came from so that callers can say which line decided.
 *
 * Threads: a hoist_ignore being built (hoist_ignore_add_line) belongs to
 * one thread; once built, matching only reads it (every query takes a
 * const pointer), so any number of threads may match against one at once.
 * A hoist_ignore_pattern_info is a view valid while its hoist_ignore
 * lives.
 */
#ifndef HOIST_IGNORE_H
#define HOIST_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hoist_ignore hoist_ignore;

/* One pattern as read, for reports. Strings stay valid while the
 * hoist_ignore lives. */
typedef struct hoist_ignore_pattern_info {
    const char *pattern;  /* cleaned pattern, without the leading '!' */
    const char *source;   /* the line as written (before trimming) */
    const char *file;     /* file it was read from, or a description such as
                             "<always sent>" for patterns hoist added */
    int line;             /* 1-based line in file; 0 for added patterns */
    bool exception;       /* a '!' line: re-includes what it matches */
} hoist_ignore_pattern_info;

/* Create an empty pattern list (matches nothing). */
HOIST_EXTERN int hoist_ignore_new(hoist_ignore **out, hoist_error *err);

/* Parse ignore-file text. `filename` is used in error messages and reports.
 * An invalid pattern (for example an unclosed '[', or a lone '!') fails with
 * HOIST_EINPUT and err->file/err->line set to the offending line. */
HOIST_EXTERN int hoist_ignore_parse(hoist_ignore **out, const char *text, size_t len,
                       const char *filename, hoist_error *err);

/* Read and parse an ignore file. A missing file is HOIST_EINPUT; callers
 * that treat "no file" as "no patterns" should check first. */
HOIST_EXTERN int hoist_ignore_load(hoist_ignore **out, const char *path, hoist_error *err);

/* Append one line, normalised exactly like a line of the file. Blank lines
 * and comments are accepted and ignored. */
HOIST_EXTERN int hoist_ignore_add_line(hoist_ignore *ig, const char *line, const char *file,
                          int lineno, hoist_error *err);

HOIST_EXTERN void hoist_ignore_free(hoist_ignore *ig);

HOIST_EXTERN size_t hoist_ignore_pattern_count(const hoist_ignore *ig);
/* Pattern `index` (NULL when out of range); valid until the list is
 * changed (hoist_ignore_add_line) or freed. */
HOIST_EXTERN const hoist_ignore_pattern_info *hoist_ignore_pattern_at(const hoist_ignore *ig, size_t index);

/* True when at least one '!' pattern exists. */
HOIST_EXTERN bool hoist_ignore_has_exceptions(const hoist_ignore *ig);

/* Does the ignore list exclude `path` (relative to the context root, '/'
 * separators)? This is patternmatcher's MatchesOrParentMatches: a pattern
 * that matches any parent directory of `path` counts as matching `path`.
 * `*decider` (may be NULL) receives the index of the pattern that decided
 * (the last one that matched), or -1 when no pattern matched. */
HOIST_EXTERN int hoist_ignore_match(const hoist_ignore *ig, bool *excluded, int *decider,
                       const char *path, hoist_error *err);

/* Docker's rule for an excluded directory: it is still walked when some
 * exception pattern, read as text, starts with "<dir>/". Returns true when
 * the walk must descend into excluded directory `dir`. */
HOIST_EXTERN bool hoist_ignore_must_walk_excluded_dir(const hoist_ignore *ig, const char *dir);

#ifdef __cplusplus
}
#endif
#endif
