/*
 * utf8.c - Go-compatible UTF-8 decoding, encoding and unicode.IsSpace (see
 * utf8.h for why hoist needs Go's exact behaviour on invalid input).
 */
#include "common/utf8.h"

int32_t utf8_decode(const char *str, size_t n, size_t *width)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0) {
        *width = 0;
        return UTF8_RUNE_ERROR;
    }
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
        return UTF8_RUNE_ERROR;
    }
    if (n < need)
        return UTF8_RUNE_ERROR;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return UTF8_RUNE_ERROR;
        r = (r << 6) | (s[i] & 0x3F);
    }
    /* the accepted set is RFC 3629's: no overlong forms, no surrogates,
     * nothing past U+10FFFF */
    if (r < min || (r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF)
        return UTF8_RUNE_ERROR;
    *width = need;
    return r;
}

size_t utf8_encode(int32_t r, char out[4])
{
    unsigned char *b = (unsigned char *)out;
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = UTF8_RUNE_ERROR;
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

bool utf8_is_space(int32_t r)
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

int32_t utf8_decode_last(const char *s, size_t n, size_t *width)
{
    /* back to the start of the last rune: at most 3 continuation bytes */
    size_t start = n - 1;
    size_t lim = n >= 4 ? n - 4 : 0;
    while (start > lim && ((unsigned char)s[start] & 0xC0) == 0x80)
        start--;
    size_t w;
    int32_t r = utf8_decode(s + start, n - start, &w);
    if (start + w != n) {
        *width = 1;
        return UTF8_RUNE_ERROR;
    }
    *width = w;
    return r;
}

static bool ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

size_t utf8_trim_left_space(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { /* ASCII fast path */
            if (!ascii_space(c))
                break;
            i++;
            continue;
        }
        size_t w;
        if (!utf8_is_space(utf8_decode(s + i, n - i, &w)))
            break;
        i += w;
    }
    return i;
}

size_t utf8_trim_right_space(const char *s, size_t n)
{
    while (n > 0) {
        unsigned char c = (unsigned char)s[n - 1];
        if (c < 0x80) {
            if (!ascii_space(c))
                break;
            n--;
            continue;
        }
        size_t w;
        if (!utf8_is_space(utf8_decode_last(s, n, &w)))
            break;
        n -= w;
    }
    return n;
}

int32_t utf8_peek(const utf8_scanner *sc)
{
    if (sc->pos >= sc->len)
        return UTF8_EOF;
    size_t w;
    return utf8_decode(sc->s + sc->pos, sc->len - sc->pos, &w);
}

int32_t utf8_next(utf8_scanner *sc)
{
    if (sc->pos >= sc->len)
        return UTF8_EOF;
    size_t w;
    int32_t r = utf8_decode(sc->s + sc->pos, sc->len - sc->pos, &w);
    sc->pos += w;
    return r;
}
