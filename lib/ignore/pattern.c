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

#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The expression is built in an hbuf (common/buf.h); the pattern is read
 * rune by rune as Go's text/scanner yields them (common/utf8.h): an invalid
 * byte becomes U+FFFD. */
static int sb_str(hbuf *b, const char *s) { return hbuf_puts(b, s) ? 0 : -1; }
static int sb_rune(hbuf *b, int32_t r) { return hbuf_put_rune(b, r) ? 0 : -1; }

/* Characters patternmatcher escapes because they mean something to a regexp
 * but nothing to filepath.Match. It lists .+()|{}$, but its bitmap keeps
 * bit c/8 of an 8-bit byte, so the characters from 64 up ('|', '{', '}')
 * lose their bit and reach the regexp as operators: "p|q" is an
 * alternation and "a{2}" a repetition. Docker does this; so does hoist. */
static bool should_escape(int32_t r)
{
    return r > 0 && r < 64 && strchr(".+()$", (int)r) != NULL;
}

int ignore_pattern_compile(ignore_pattern *p, char *errbuf, size_t errlen, hoist_error *err)
{
    hbuf re = {0};
    enum ignore_match_type type = IGNORE_MATCH_EXACT;
    utf8_scanner sc = {p->cleaned, p->cleaned_len, 0};
    int rc = -1;

    if (sb_str(&re, "^") < 0)
        goto oom;
    for (int i = 0; utf8_peek(&sc) != UTF8_EOF; i++) {
        int32_t ch = utf8_next(&sc);
        if (ch == '*') {
            if (utf8_peek(&sc) == '*') {
                utf8_next(&sc);
                /* "**" followed by "/" is treated as "**" */
                if (utf8_peek(&sc) == '/')
                    utf8_next(&sc);
                if (utf8_peek(&sc) == UTF8_EOF) {
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
            if (utf8_peek(&sc) != UTF8_EOF) {
                if (sb_str(&re, "\\") < 0 || sb_rune(&re, utf8_next(&sc)) < 0)
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
        int c = ignore_go_regex_compile(re.data, re.len, &p->regex, errbuf, errlen, err);
        if (c == -2) {
            rc = -2;
            goto out;
        }
        if (c < 0 && (!strcmp(errbuf, "out of memory") || !(p->bad = strdup(errbuf))))
            goto oom;
    }
    p->type = type;
    rc = 0;
    goto out;
oom:
    snprintf(errbuf, errlen, "out of memory");
out:
    hbuf_free(&re);
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
        return p->regex && ignore_go_regex_match(p->regex, path, len);
    }
    return false;
}
