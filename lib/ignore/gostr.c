/*
 * gostr.c - the few Go string functions Docker's ignore handling relies on.
 *
 * Docker reads .dockerignore with strings.TrimSpace and filepath.Clean and
 * matches runes decoded with utf8.DecodeRune (those live in common/utf8.c,
 * shared with the Dockerfile parser). Reproducing them byte for byte
 * (including how invalid UTF-8 and Unicode spaces are treated) keeps hoist's
 * answer identical to the docker CLI's on odd input.
 */
#include "ignore_internal.h"

#include <stdlib.h>
#include <string.h>

void go_trim_space(const char *s, size_t len, size_t *start, size_t *out_len)
{
    size_t b = utf8_trim_left_space(s, len);
    *start = b;
    *out_len = utf8_trim_right_space(s + b, len - b);
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
