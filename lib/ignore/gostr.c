/*
 * gostr.c - the few Go string functions Docker's ignore handling relies on.
 *
 * Docker reads .dockerignore with strings.TrimSpace and filepath.Clean and
 * matches runes decoded with utf8.DecodeRune (common/utf8.c). Reproducing them byte for byte
 * (including how invalid UTF-8 and Unicode spaces are treated) keeps hoist's
 * answer identical to the docker CLI's on odd input.
 */
#include "ignore_internal.h"

#include <stdlib.h>
#include <string.h>

void go_trim_space(const char *s, size_t len, size_t *start, size_t *out_len)
{
    size_t b = 0, e = len;
    while (b < e) {
        size_t w;
        int32_t r = utf8_decode(s + b, e - b, &w);
        /* an invalid byte decodes as U+FFFD, which is not a space */
        if (!utf8_is_space(r) || (r == UTF8_RUNE_ERROR && w == 1))
            break;
        b += w;
    }
    while (e > b) {
        /* find the start of the last rune */
        size_t p = e - 1;
        while (p > b && ((unsigned char)s[p] & 0xC0) == 0x80 && e - p < 4)
            p--;
        size_t w;
        int32_t r = utf8_decode(s + p, e - p, &w);
        if (p + w != e) {
            /* the tail is not one valid rune: Go sees an invalid last byte */
            break;
        }
        if (!utf8_is_space(r))
            break;
        e = p;
    }
    *start = b;
    *out_len = e - b;
}

/* filepath.Clean, Unix flavour: the Plan 9 lexical rules. */
char *go_clean_path(const char *path, size_t n)
{
    if (n == 0)
        return strdup(".");
    bool rooted = path[0] == '/';
    char *out = malloc(n + 2);
    if (!out)
        return NULL;
    size_t w = 0, r = 0, dotdot = 0;
    if (rooted) {
        out[w++] = '/';
        r = 1;
        dotdot = 1;
    }
    while (r < n) {
        if (path[r] == '/') {
            r++;
        } else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
            r++;
        } else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
            r += 2;
            if (w > dotdot) {
                /* backtrack over the last element */
                w--;
                while (w > dotdot && out[w] != '/')
                    w--;
            } else if (!rooted) {
                if (w > 0)
                    out[w++] = '/';
                out[w++] = '.';
                out[w++] = '.';
                dotdot = w;
            }
        } else {
            if ((rooted && w != 1) || (!rooted && w != 0))
                out[w++] = '/';
            for (; r < n && path[r] != '/'; r++)
                out[w++] = path[r];
        }
    }
    if (w == 0)
        out[w++] = '.';
    out[w] = '\0';
    return out;
}
