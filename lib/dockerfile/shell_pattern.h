/*
 * shell_pattern.h - the `${v#p}`, `${v%p}` and `${v/p/r}` patterns of
 * BuildKit's shell lexer. BuildKit turns the pattern into a Go regular
 * expression (`*` -> `.*` or `.*?`, `?` -> `.`, everything else literal) and
 * runs it; we match the same language directly: `*` and `?` never match a
 * newline (Go's `.`), matching is by runes, invalid UTF-8 bytes are single
 * U+FFFD runes.
 */
#ifndef HOIST_DF_SHELL_PATTERN_H
#define HOIST_DF_SHELL_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dockerfile/df_util.h"

/* Nested ${v//p/r} can grow a value exponentially; Go would grow until it
 * runs out of memory. hoist stops with an error past this size. */
#define DF_EXPAND_MAX (1 << 20)

typedef enum { DF_PAT_LIT, DF_PAT_ANY, DF_PAT_STAR } df_pat_kind;
typedef struct df_pat_tok {
    df_pat_kind kind;
    int32_t rune;
} df_pat_tok;

typedef struct df_pattern {
    df_pat_tok *toks;
    size_t count;
} df_pattern;

/* Compile like convertShellPatternToRegex. On a bad escape returns false and
 * writes BuildKit's message into msg. */
bool df_pattern_compile(const char *pat, size_t n, df_pattern *out, char *msg, size_t msgsz);
void df_pattern_free(df_pattern *p);

/* Match anchored at byte offset `start` of s; shortest (greedy=false) or
 * longest end. Returns false when nothing matches. */
bool df_pattern_match_at(const df_pattern *p, const char *s, size_t n, size_t start, bool greedy,
                         size_t *end);

/* ${v#p} / ${v##p} and ${v%p} / ${v%%p}: result appended to out. */
bool df_pattern_trim_prefix(const char *pat, size_t patn, const char *v, size_t vn, bool greedy,
                            hbuf *out, char *msg, size_t msgsz);
bool df_pattern_trim_suffix(const char *pat, size_t patn, const char *v, size_t vn, bool greedy,
                            hbuf *out, char *msg, size_t msgsz);
/* ${v/p/r} and ${v//p/r}. */
bool df_pattern_replace(const char *pat, size_t patn, const char *v, size_t vn, const char *repl,
                        size_t repln, bool all, hbuf *out, char *msg, size_t msgsz);

#endif
