/*
 * glob.c - the syntax check Docker runs on every ignore pattern.
 *
 * patternmatcher.New calls filepath.Match(pattern, ".") only for its error:
 * a pattern is rejected when Go's matcher reports ErrBadPattern. Go checks
 * syntax while it matches, chunk by chunk (a chunk is the text between
 * unbracketed '*'): a chunk it reaches is checked whole, but once a chunk
 * fails to match "." (and no '*' before it can rescue it) Match returns
 * false at once and never reads the rest. So x*[--z] and x/(**)/[--z]
 * (without the parentheses) pass this check: their first chunk, "x" or
 * "x/", already fails on ".". x/[--z] and (*)/[--z] do not; the docker CLI 28 agrees. This file
 * runs the same walk against ".": a '\' must escape something, and a '['
 * class needs at least one item, may start with '^', takes items of the form
 * c or c-c (where c is a valid UTF-8 character, not an unescaped '-' or
 * ']'), and must be closed.
 */
#include "ignore_internal.h"

/* Go's getEsc: one class character, possibly escaped. Returns the bytes
 * consumed or 0 for a bad pattern. The character must not end the chunk. */
static size_t class_char(const char *c, size_t n)
{
    size_t i = 0;
    if (n == 0 || c[0] == '-' || c[0] == ']')
        return 0;
    if (c[0] == '\\') {
        i = 1;
        if (i == n)
            return 0;
    }
    size_t w;
    int32_t r = utf8_decode(c + i, n - i, &w);
    if (r == UTF8_RUNE_ERROR && w == 1)
        return 0;
    i += w;
    if (i == n)
        return 0;
    return i;
}

/* Go's matchChunk(chunk, name): checks the whole chunk's syntax (returns
 * -1 when bad), and says whether it matches a prefix of name (1, with
 * *rest the bytes consumed) or not (0). */
static int match_chunk(const char *c, size_t n, const char *name, size_t nlen, size_t *rest)
{
    size_t i = 0, s = 0;
    bool failed = false;
    while (i < n) {
        if (!failed && s == nlen)
            failed = true;
        if (c[i] == '[') {
            int32_t r = 0;
            if (!failed) {
                size_t w;
                r = utf8_decode(name + s, nlen - s, &w);
                s += w;
            }
            i++;
            bool negated = false;
            if (i < n && c[i] == '^') {
                negated = true;
                i++;
            }
            bool match = false;
            int nrange = 0;
            for (;;) {
                if (i < n && c[i] == ']' && nrange > 0) {
                    i++;
                    break;
                }
                size_t k = class_char(c + i, n - i);
                if (!k)
                    return -1;
                size_t w;
                int32_t lo = utf8_decode(c + i + (c[i] == '\\'), n - i - (c[i] == '\\'), &w);
                int32_t hi = lo;
                i += k;
                if (c[i] == '-') {
                    i++;
                    k = class_char(c + i, n - i);
                    if (!k)
                        return -1;
                    hi = utf8_decode(c + i + (c[i] == '\\'), n - i - (c[i] == '\\'), &w);
                    i += k;
                }
                if (lo <= r && r <= hi)
                    match = true;
                nrange++;
            }
            if (match == negated)
                failed = true;
        } else if (c[i] == '?') {
            if (!failed) {
                if (name[s] == '/')
                    failed = true;
                size_t w;
                utf8_decode(name + s, nlen - s, &w);
                s += w;
            }
            i++;
        } else {
            if (c[i] == '\\') {
                i++;
                if (i == n)
                    return -1;
            }
            if (!failed) {
                if (c[i] != name[s])
                    failed = true;
                s++;
            }
            i++;
        }
    }
    if (failed)
        return 0;
    *rest = s;
    return 1;
}

bool ignore_go_glob_is_bad(const char *p, size_t n)
{
    const char *name = ".";
    size_t nlen = 1, i = 0;
    while (i < n) {
        bool star = false;
        while (i < n && p[i] == '*') {
            i++;
            star = true;
        }
        /* scanChunk: up to the next '*' outside brackets */
        size_t start = i;
        bool inrange = false;
        for (; i < n; i++) {
            if (p[i] == '\\') {
                if (i + 1 < n)
                    i++;
            } else if (p[i] == '[') {
                inrange = true;
            } else if (p[i] == ']') {
                inrange = false;
            } else if (p[i] == '*' && !inrange) {
                break;
            }
        }
        const char *chunk = p + start;
        size_t clen = i - start;
        if (star && clen == 0)
            return false; /* a trailing '*' matches the rest */
        size_t used = 0;
        int m = match_chunk(chunk, clen, name, nlen, &used);
        if (m < 0)
            return true;
        if (m > 0 && (used == nlen || i < n)) {
            name += used;
            nlen -= used;
            continue;
        }
        bool rescued = false;
        if (star) {
            for (size_t k = 0; k < nlen && name[k] != '/'; k++) {
                m = match_chunk(chunk, clen, name + k + 1, nlen - k - 1, &used);
                if (m < 0)
                    return true;
                if (m > 0) {
                    if (i == n && used < nlen - k - 1)
                        continue;
                    name += k + 1 + used;
                    nlen -= k + 1 + used;
                    rescued = true;
                    break;
                }
            }
        }
        if (!rescued)
            return false; /* Match returns false here without reading on */
    }
    return false;
}
