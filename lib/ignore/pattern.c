/*
 * pattern.c - one .dockerignore pattern, compiled the way patternmatcher
 * compiles it.
 *
 * Docker classifies each cleaned pattern while translating it, rune by rune,
 * into a Go regular expression: a pattern without wildcards is compared as
 * a string (exact), one ending in '**' with nothing special before is a
 * prefix test, one starting with '**' and otherwise literal is a suffix test
 * (which is why "**foo" also matches "xfoo"), and anything else runs the
 * regular expression. The classification changes results in corner cases,
 * so it is reproduced step for step here, including the text of the
 * generated expression, which Go's regexp (RE2, re2_shim.cc) then runs: Docker
 * passes the user's [...] classes, \\ escapes and '|' '{' '}' through.
 */
#include "ignore_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct strbuf {
    char *s;
    size_t n, cap;
} strbuf;

static int sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *ns = realloc(b->s, cap);
        if (!ns)
            return -1;
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

static int sb_str(strbuf *b, const char *s) { return sb_add(b, s, strlen(s)); }

static int sb_rune(strbuf *b, int32_t r)
{
    char tmp[4];
    return sb_add(b, tmp, go_encode_rune(r, tmp));
}

/* Runes of the pattern as Go's text/scanner yields them: an invalid byte
 * becomes U+FFFD. */
typedef struct rune_scanner {
    const char *s;
    size_t len, pos;
} rune_scanner;

#define SCAN_EOF (-1)

static int32_t scan_peek(const rune_scanner *sc)
{
    if (sc->pos >= sc->len)
        return SCAN_EOF;
    size_t w;
    return go_decode_rune(sc->s + sc->pos, sc->len - sc->pos, &w);
}

static int32_t scan_next(rune_scanner *sc)
{
    if (sc->pos >= sc->len)
        return SCAN_EOF;
    size_t w;
    int32_t r = go_decode_rune(sc->s + sc->pos, sc->len - sc->pos, &w);
    sc->pos += w;
    return r;
}

/* Characters patternmatcher escapes because they mean something to a regexp
 * but nothing to filepath.Match. It lists .+()|{}$, but its bitmap keeps
 * bit c/8 of an 8-bit byte, so the characters from 64 up ('|', '{', '}')
 * lose their bit and reach the regexp as operators: "p|q" is an
 * alternation and "a{2}" a repetition. Docker does this; so does hoist. */
static bool should_escape(int32_t r)
{
    return r > 0 && r < 64 && strchr(".+()$", (int)r) != NULL;
}

int ignore_pattern_compile(ignore_pattern *p, char *errbuf, size_t errlen)
{
    strbuf re = {0};
    enum ignore_match_type type = IGNORE_MATCH_EXACT;
    rune_scanner sc = {p->cleaned, p->cleaned_len, 0};
    int rc = -1;

    if (sb_str(&re, "^") < 0)
        goto oom;
    for (int i = 0; scan_peek(&sc) != SCAN_EOF; i++) {
        int32_t ch = scan_next(&sc);
        if (ch == '*') {
            if (scan_peek(&sc) == '*') {
                scan_next(&sc);
                /* "**" followed by "/" is treated as "**" */
                if (scan_peek(&sc) == '/')
                    scan_next(&sc);
                if (scan_peek(&sc) == SCAN_EOF) {
                    if (type == IGNORE_MATCH_EXACT) {
                        type = IGNORE_MATCH_PREFIX;
                    } else {
                        if (sb_str(&re, ".*") < 0)
                            goto oom;
                        type = IGNORE_MATCH_REGEXP;
                    }
                } else {
                    if (sb_str(&re, "(.*/)?") < 0)
                        goto oom;
                    type = IGNORE_MATCH_REGEXP;
                }
                if (i == 0)
                    type = IGNORE_MATCH_SUFFIX;
            } else {
                if (sb_str(&re, "[^/]*") < 0)
                    goto oom;
                type = IGNORE_MATCH_REGEXP;
            }
        } else if (ch == '?') {
            if (sb_str(&re, "[^/]") < 0)
                goto oom;
            type = IGNORE_MATCH_REGEXP;
        } else if (should_escape(ch)) {
            if (sb_str(&re, "\\") < 0 || sb_rune(&re, ch) < 0)
                goto oom;
        } else if (ch == '\\') {
            if (scan_peek(&sc) != SCAN_EOF) {
                if (sb_str(&re, "\\") < 0 || sb_rune(&re, scan_next(&sc)) < 0)
                    goto oom;
                type = IGNORE_MATCH_REGEXP;
            } else if (sb_str(&re, "\\") < 0) {
                goto oom;
            }
        } else if (ch == '[' || ch == ']') {
            if (sb_rune(&re, ch) < 0)
                goto oom;
            type = IGNORE_MATCH_REGEXP;
        } else if (sb_rune(&re, ch) < 0) {
            goto oom;
        }
    }
    if (type == IGNORE_MATCH_REGEXP) {
        if (sb_str(&re, "$") < 0)
            goto oom;
        if (go_regex_compile(re.s, re.n, &p->regex, errbuf, errlen) < 0) {
            if (!strcmp(errbuf, "out of memory") || !(p->bad = strdup(errbuf)))
                goto oom;
        }
    }
    p->type = type;
    rc = 0;
    goto out;
oom:
    snprintf(errbuf, errlen, "out of memory");
out:
    free(re.s);
    return rc;
}

bool ignore_pattern_match(const ignore_pattern *p, const char *path, size_t len)
{
    switch (p->type) {
    case IGNORE_MATCH_EXACT:
        return len == p->cleaned_len && !memcmp(path, p->cleaned, len);
    case IGNORE_MATCH_PREFIX: {
        size_t n = p->cleaned_len - 2; /* without the trailing "**" */
        return len >= n && !memcmp(path, p->cleaned, n);
    }
    case IGNORE_MATCH_SUFFIX: {
        const char *suffix = p->cleaned + 2; /* without the leading "**" */
        size_t n = p->cleaned_len - 2;
        if (len >= n && !memcmp(path + len - n, suffix, n))
            return true;
        /* "**" + "/foo" also matches "foo" itself */
        return n > 0 && suffix[0] == '/' && len == n - 1 && !memcmp(path, suffix + 1, n - 1);
    }
    case IGNORE_MATCH_REGEXP:
        return p->regex && go_regex_match(p->regex, path, len);
    }
    return false;
}
