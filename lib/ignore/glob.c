/*
 * glob.c - the syntax check Docker runs on every ignore pattern.
 *
 * patternmatcher.New calls filepath.Match(pattern, ".") only for its error:
 * a pattern is rejected when Go's matcher would report ErrBadPattern. Go
 * checks the whole pattern, chunk by chunk (a chunk is the text between
 * unbracketed '*'), so this file walks the same chunks and applies the same
 * rules: a '\' must escape something, and a '[' class needs at least one
 * item, may start with '^', takes items of the form c or c-c (where c is a
 * valid UTF-8 character, not an unescaped '-' or ']'), and must be closed.
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

static bool chunk_is_bad(const char *c, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (c[i] == '[') {
            i++;
            if (i < n && c[i] == '^')
                i++;
            int nrange = 0;
            for (;;) {
                if (i < n && c[i] == ']' && nrange > 0) {
                    i++;
                    break;
                }
                size_t k = class_char(c + i, n - i);
                if (!k)
                    return true;
                i += k;
                if (c[i] == '-') {
                    i++;
                    k = class_char(c + i, n - i);
                    if (!k)
                        return true;
                    i += k;
                }
                nrange++;
            }
        } else if (c[i] == '\\') {
            i++;
            if (i == n)
                return true;
            i++;
        } else {
            i++;
        }
    }
    return false;
}

bool go_glob_is_bad(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && p[i] == '*')
            i++;
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
        if (chunk_is_bad(p + start, i - start))
            return true;
    }
    return false;
}
