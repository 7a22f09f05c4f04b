/*
 * buf.c - the growable byte buffer (see buf.h): doubling growth up to a
 * cap, sticky failure instead of abort().
 */
#include "common/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

/* The cap, kept far enough below SIZE_MAX that len + extra + 1 and the
 * doubling of cap cannot wrap. */
static size_t hbuf_max(const hbuf *b)
{
    size_t max = b->max ? b->max : HBUF_DEFAULT_MAX;
    return max > SIZE_MAX / 4 ? SIZE_MAX / 4 : max;
}

static bool fail(hbuf *b, int why)
{
    if (!b->failed)
        b->failed = why;
    return false;
}

bool hbuf_reserve(hbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    size_t max = hbuf_max(b);
    if (extra > max || b->len > max - extra)
        return fail(b, EOVERFLOW);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap *= 2;
    if (ncap > max + 1)
        ncap = max + 1;
    char *p = realloc(b->data, ncap);
    if (!p)
        return fail(b, ENOMEM);
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = ncap;
    return true;
}

bool hbuf_append(hbuf *b, const void *s, size_t n)
{
    if (!hbuf_reserve(b, n))
        return false;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

void hbuf_append_head(hbuf *b, const void *s, size_t n)
{
    size_t max = hbuf_max(b);
    if (b->failed || b->len >= max)
        return;
    hbuf_append(b, s, n < max - b->len ? n : max - b->len);
}

bool hbuf_putc(hbuf *b, char c) { return hbuf_append(b, &c, 1); }

bool hbuf_puts(hbuf *b, const char *s) { return hbuf_append(b, s, strlen(s)); }

bool hbuf_put_rune(hbuf *b, int32_t r)
{
    char tmp[4];
    return hbuf_append(b, tmp, utf8_encode(r, tmp));
}

bool hbuf_vprintf(hbuf *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return false;
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return fail(b, EOVERFLOW);
    if ((size_t)n < sizeof(small))
        return hbuf_append(b, small, (size_t)n);
    if (!hbuf_reserve(b, (size_t)n))
        return false;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool hbuf_printf(hbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = hbuf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

bool hbuf_terminate(hbuf *b) { return hbuf_reserve(b, 0); }

char *hbuf_take(hbuf *b, size_t *len)
{
    if (b->failed || !hbuf_reserve(b, 0)) {
        hbuf_free(b);
        return NULL;
    }
    char *out = b->data;
    if (len)
        *len = b->len;
    size_t max = b->max;
    memset(b, 0, sizeof(*b));
    b->max = max;
    return out;
}

void hbuf_reset(hbuf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->data)
        b->data[0] = '\0';
}

void hbuf_free(hbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

int hbuf_error(const hbuf *b, hoist_error *err, const char *what)
{
    if (b->failed == EOVERFLOW)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_LIMIT, "%s: more than %zu bytes", what,
                                hbuf_max(b));
    return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory %s", what);
}
