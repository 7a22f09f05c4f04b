/*
 * ignore_internal.h - private pieces of the .dockerignore matcher.
 *
 * The matcher reproduces Go code paths that Docker runs, so the helpers here
 * are named after what they mirror: Go's utf8.DecodeRune, strings.TrimSpace,
 * filepath.Clean and filepath.Match's syntax check, Go's regexp (RE2 through
 * re2_shim.cc in the module hoist-re2.so, loaded by regex.c), and the
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
void ignore_go_trim_space(const char *s, size_t len, size_t *start, size_t *out_len);

/* Go's filepath.Clean on Unix. Returns a malloc'd string (NULL on ENOMEM). */
char *ignore_go_clean_path(const char *path, size_t len);

/* ---- glob.c: Go's filepath.Match syntax check ---- */

/* True when filepath.Match(pattern, ".") would return ErrBadPattern. */
bool ignore_go_glob_is_bad(const char *pattern, size_t len);

/* ---- regex.c: Go's regexp package (RE2, in hoist-re2.so) ---- */

typedef struct ignore_go_regex ignore_go_regex;

/* regexp.Compile: Go syntax (RE2's, less \C). Returns -1 with Go's reason
 * in errbuf when Go refuses the expression (or "out of memory"), -2 with
 * err set (HOIST_EENV) when hoist-re2.so cannot be loaded. */
int ignore_go_regex_compile(const char *re, size_t len, ignore_go_regex **out, char *errbuf,
                     size_t errlen, hoist_error *err);
/* regexp.MatchString: an unanchored search; the generated expressions carry
 * their own ^...$ anchors (which an unescaped '|' splits). */
bool ignore_go_regex_match(const ignore_go_regex *re, const char *s, size_t len);
void ignore_go_regex_free(ignore_go_regex *re);

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
    ignore_go_regex *regex;      /* IGNORE_MATCH_REGEXP only */
    char *bad;            /* why the expression does not compile, or NULL */
    hoist_ignore_pattern_info info; /* the public view, for hoist_ignore_pattern_at */
} ignore_pattern;

/* Compile p->cleaned (the Go pattern.compile step). Returns 0, -1 with a
 * message in errbuf (out of memory), or -2 with err set when the regexp
 * module cannot be loaded. Docker compiles a pattern when it is first evaluated,
 * so a failure is kept in p->bad and reported only when a path reaches the
 * pattern (ignore_match_using_parent's *bad). */
int ignore_pattern_compile(ignore_pattern *p, char *errbuf, size_t errlen, hoist_error *err);
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
/* `*bad` receives -1, or the index of a pattern whose expression does not
 * compile and that this path evaluated: Docker fails there (patternmatcher
 * returns filepath.ErrBadPattern), and *excluded is then meaningless. */
void ignore_match_using_parent(const hoist_ignore *ig, const char *path,
                               size_t len, const uint8_t *parent, uint8_t *self,
                               bool *excluded, int *decider, int *bad);

/* The error for bad pattern `index`, first evaluated for `path`. Returns
 * HOIST_EINPUT. */
int ignore_bad_pattern_error(const hoist_ignore *ig, int index, const char *path,
                             hoist_error *err);

#endif
