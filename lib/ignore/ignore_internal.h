/*
 * ignore_internal.h - private pieces of the .dockerignore matcher.
 *
 * The matcher reproduces Go code paths that Docker runs, so the helpers here
 * are named after what they mirror: Go's utf8.DecodeRune, strings.TrimSpace,
 * filepath.Clean and filepath.Match's syntax check, a small engine for the
 * subset of Go regexp syntax that patternmatcher can generate, and the
 * compiled pattern itself.
 */
#ifndef HOIST_IGNORE_INTERNAL_H
#define HOIST_IGNORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/utf8.h"
#include "hoist/error.h"
#include "hoist/ignore.h"

/* ---- gostr.c: Go string semantics ---- */

/* Go's strings.TrimSpace: returns the trimmed span of s[0..len). */
void go_trim_space(const char *s, size_t len, size_t *start, size_t *out_len);

/* Go's filepath.Clean on Unix. Returns a malloc'd string (NULL on ENOMEM). */
char *go_clean_path(const char *path, size_t len);

/* ---- glob.c: Go's filepath.Match syntax check ---- */

/* True when filepath.Match(pattern, ".") would return ErrBadPattern. */
bool go_glob_is_bad(const char *pattern, size_t len);

/* ---- regex.c: the Go regexp subset patternmatcher generates ---- */

typedef struct go_regex go_regex;

/* Compile `re` with Go regexp (Perl flags) syntax. On failure returns -1
 * and writes a message to errbuf. Constructs that hoist does not implement
 * (\p, \Q..\E, flags) are reported as errors, never silently mis-matched. */
int go_regex_compile(const char *re, size_t len, go_regex **out, char *errbuf,
                     size_t errlen);
/* Full-match is not implied: the generated expressions carry their own
 * ^...$ anchors, and matching starts at offset 0 like an anchored search. */
bool go_regex_match(const go_regex *re, const char *s, size_t len);
void go_regex_free(go_regex *re);

/* ---- pattern.c: one compiled patternmatcher pattern ---- */

enum ignore_match_type {
    IGNORE_MATCH_EXACT,
    IGNORE_MATCH_PREFIX,
    IGNORE_MATCH_SUFFIX,
    IGNORE_MATCH_REGEXP,
};

typedef struct ignore_pattern {
    char *cleaned;        /* filepath.Clean'ed, without '!' */
    size_t cleaned_len;
    char *source;         /* raw line */
    char *file;
    int line;
    bool exception;
    enum ignore_match_type type;
    go_regex *regex;      /* IGNORE_MATCH_REGEXP only */
} ignore_pattern;

/* Compile p->cleaned (the Go pattern.compile step). Returns 0 or -1 with a
 * message in errbuf. */
int ignore_pattern_compile(ignore_pattern *p, char *errbuf, size_t errlen);
bool ignore_pattern_match(const ignore_pattern *p, const char *path, size_t len);

/* ---- ignore.c ---- */

struct hoist_ignore {
    ignore_pattern *patterns;
    size_t count;
    size_t cap;
    bool has_exceptions;
};

/* patternmatcher's MatchesUsingParentResults. `parent` holds one flag per
 * pattern saying whether it matched the parent directory, or is NULL for an
 * entry at the context root (then parent directories are checked the slow
 * way, as Docker does). `self` (may be NULL) receives this entry's flags,
 * to be passed as `parent` for its children. */
void ignore_match_using_parent(const hoist_ignore *ig, const char *path,
                               size_t len, const uint8_t *parent, uint8_t *self,
                               bool *excluded, int *decider);

#endif
