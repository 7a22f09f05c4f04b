/*
 * gostr.c - the few Go string functions Docker's ignore handling relies on.
 *
 * Docker reads .dockerignore with strings.TrimSpace and filepath.Clean and
 * matches runes decoded with utf8.DecodeRune. Reproducing them byte for byte
 * (including how invalid UTF-8 and Unicode spaces are treated) keeps hoist's
 * answer identical to the docker CLI's on odd input.
 */
#include "ignore_internal.h"

#include <stdlib.h>
#include <string.h>

int32_t go_decode_rune(const char *str, size_t len, size_t *width)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    *width = 1;
    if (c < 0x80)
        return c;
    size_t need;
    int32_t r, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2; r = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3; r = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4; r = c & 0x07; min = 0x10000;
    } else {
        return GO_RUNE_ERROR;
    }
    if (len < need)
        return GO_RUNE_ERROR;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return GO_RUNE_ERROR;
        r = (r << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates and values past U+10FFFF are invalid */
    if (r < min || (r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF)
        return GO_RUNE_ERROR;
    *width = need;
    return r;
}

size_t go_encode_rune(int32_t r, char *buf)
{
    unsigned char *b = (unsigned char *)buf;
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = GO_RUNE_ERROR;
    if (r < 0x80) {
        b[0] = (unsigned char)r;
        return 1;
    }
    if (r < 0x800) {
        b[0] = (unsigned char)(0xC0 | (r >> 6));
        b[1] = (unsigned char)(0x80 | (r & 0x3F));
        return 2;
    }
    if (r < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (r >> 12));
        b[1] = (unsigned char)(0x80 | ((r >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (r & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | (r >> 18));
    b[1] = (unsigned char)(0x80 | ((r >> 12) & 0x3F));
    b[2] = (unsigned char)(0x80 | ((r >> 6) & 0x3F));
    b[3] = (unsigned char)(0x80 | (r & 0x3F));
    return 4;
}

/* unicode.IsSpace */
static bool go_is_space(int32_t r)
{
    switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return true;
    default:
        return r >= 0x2000 && r <= 0x200A;
    }
}

void go_trim_space(const char *s, size_t len, size_t *start, size_t *out_len)
{
    size_t b = 0, e = len;
    while (b < e) {
        size_t w;
        int32_t r = go_decode_rune(s + b, e - b, &w);
        /* an invalid byte decodes as U+FFFD, which is not a space */
        if (!go_is_space(r) || (r == GO_RUNE_ERROR && w == 1))
            break;
        b += w;
    }
    while (e > b) {
        /* find the start of the last rune */
        size_t p = e - 1;
        while (p > b && ((unsigned char)s[p] & 0xC0) == 0x80 && e - p < 4)
            p--;
        size_t w;
        int32_t r = go_decode_rune(s + p, e - p, &w);
        if (p + w != e) {
            /* the tail is not one valid rune: Go sees an invalid last byte */
            break;
        }
        if (!go_is_space(r))
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
