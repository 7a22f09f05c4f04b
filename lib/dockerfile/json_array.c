/*
 * json_array.c - decode the exec form `["a", "b"]` exactly as BuildKit's
 * parseJSON does with Go's encoding/json: the whole text must be one valid
 * JSON value (only space, tab, CR and LF around it), so `["a"] x` is not
 * JSON and falls back to shell form; a valid array holding anything but
 * strings is an error; strings decode Go's way (invalid UTF-8 and lone
 * surrogates become U+FFFD).
 */
#include <stdlib.h>

#include "dockerfile/df_internal.h"

#define JSON_MAX_DEPTH 10000

static bool is_json_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Skip a string token starting at s[i] == '"'; returns index after it or 0. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
    i++;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"')
            return i + 1;
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            if (i + 1 >= n)
                return 0;
            char e = s[i + 1];
            if (e == 'u') {
                if (i + 5 >= n)
                    return 0;
                for (int k = 2; k < 6; k++)
                    if (hexval(s[i + k]) < 0)
                        return 0;
                i += 6;
                continue;
            }
            if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' &&
                e != 't')
                return 0;
            i += 2;
            continue;
        }
        i++;
    }
    return 0;
}

static size_t skip_number(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '-')
        i++;
    if (i >= n)
        return 0;
    if (s[i] == '0')
        i++;
    else if (s[i] >= '1' && s[i] <= '9')
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    return i;
}

static size_t skip_literal(const char *s, size_t n, size_t i, const char *lit)
{
    size_t l = strlen(lit);
    if (n - i < l || memcmp(s + i, lit, l) != 0)
        return 0;
    return i + l;
}

/* Validate the whole text as one JSON value; iterative so deep nesting
 * cannot overflow the C stack. */
static bool json_valid(const char *s, size_t n)
{
    char *stack = malloc(JSON_MAX_DEPTH + 1);
    if (!stack)
        return false;
    size_t depth = 0;
    size_t i = 0;
    bool ok = false;
    /* states: expect value; after value (expect , or close) */
    enum { VALUE, AFTER, KEY_OR_CLOSE, VALUE_OR_CLOSE, KEY } st = VALUE;
    for (;;) {
        while (i < n && is_json_ws(s[i]))
            i++;
        if (st == VALUE || st == VALUE_OR_CLOSE) {
            if (i >= n)
                goto out;
            char c = s[i];
            if (st == VALUE_OR_CLOSE && c == ']') {
                depth--;
                i++;
                st = AFTER;
                goto after;
            }
            if (c == '[' || c == '{') {
                if (depth >= JSON_MAX_DEPTH)
                    goto out;
                stack[depth++] = c;
                i++;
                st = c == '[' ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
                continue;
            }
            size_t e;
            if (c == '"')
                e = skip_string(s, n, i);
            else if (c == 't')
                e = skip_literal(s, n, i, "true");
            else if (c == 'f')
                e = skip_literal(s, n, i, "false");
            else if (c == 'n')
                e = skip_literal(s, n, i, "null");
            else
                e = skip_number(s, n, i);
            if (!e)
                goto out;
            i = e;
            st = AFTER;
        } else if (st == KEY_OR_CLOSE || st == KEY) {
            if (i >= n)
                goto out;
            if (st == KEY_OR_CLOSE && s[i] == '}') {
                depth--;
                i++;
                st = AFTER;
                goto after;
            }
            if (s[i] != '"')
                goto out;
            size_t e = skip_string(s, n, i);
            if (!e)
                goto out;
            i = e;
            while (i < n && is_json_ws(s[i]))
                i++;
            if (i >= n || s[i] != ':')
                goto out;
            i++;
            st = VALUE;
            continue;
        }
    after:
        while (i < n && is_json_ws(s[i]))
            i++;
        if (depth == 0) {
            ok = i == n;
            goto out;
        }
        if (i >= n)
            goto out;
        if (s[i] == ',') {
            i++;
            st = stack[depth - 1] == '[' ? VALUE : KEY;
            continue;
        }
        if ((s[i] == ']' && stack[depth - 1] == '[') || (s[i] == '}' && stack[depth - 1] == '{')) {
            depth--;
            i++;
            goto after;
        }
        goto out;
    }
out:
    free(stack);
    return ok;
}

static int getu4(const char *s, size_t n, size_t i)
{
    if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u')
        return -1;
    int r = 0;
    for (int k = 2; k < 6; k++) {
        int h = hexval(s[i + k]);
        if (h < 0)
            return -1;
        r = r * 16 + h;
    }
    return r;
}

/* Decode a validated string token s[a..b) (quotes included). */
static char *decode_string(const char *s, size_t a, size_t b, df_arena *arena, size_t *len)
{
    hbuf out = {0};
    size_t i = a + 1, end = b - 1;
    while (i < end) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\') {
            char e = s[i + 1];
            switch (e) {
            case '"': case '\\': case '/':
                hbuf_putc(&out, e);
                i += 2;
                break;
            case 'b': hbuf_putc(&out, '\b'); i += 2; break;
            case 'f': hbuf_putc(&out, '\f'); i += 2; break;
            case 'n': hbuf_putc(&out, '\n'); i += 2; break;
            case 'r': hbuf_putc(&out, '\r'); i += 2; break;
            case 't': hbuf_putc(&out, '\t'); i += 2; break;
            case 'u': {
                int r = getu4(s, end, i);
                i += 6;
                if (r >= 0xD800 && r < 0xE000) {
                    int r2 = getu4(s, end, i);
                    if (r < 0xDC00 && r2 >= 0xDC00 && r2 < 0xE000) {
                        r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
                        i += 6;
                    } else {
                        r = UTF8_RUNE_ERROR;
                    }
                }
                hbuf_put_rune(&out, r);
                break;
            }
            }
            continue;
        }
        if (c < 0x80) {
            hbuf_putc(&out, (char)c);
            i++;
            continue;
        }
        size_t w;
        int32_t r = utf8_decode(s + i, end - i, &w);
        if (r == UTF8_RUNE_ERROR && w == 1)
            hbuf_put_rune(&out, UTF8_RUNE_ERROR);
        else
            hbuf_append(&out, s + i, w);
        i += w;
    }
    /* not strndup: a decoded \u0000 stays, as in Go */
    char *res = df_arena_alloc(arena, out.len + 1);
    if (res) {
        if (out.len)
            memcpy(res, out.data, out.len);
        res[out.len] = 0;
    }
    *len = out.len;
    hbuf_free(&out);
    return res;
}

df_json_status df_json_string_array(const char *s, size_t n, df_arena *arena, df_json_elem **elems,
                                    size_t *count)
{
    *elems = NULL;
    *count = 0;
    size_t i = utf8_trim_left_space(s, n);
    if (i >= n || s[i] != '[')
        return DF_JSON_NOT_JSON;
    if (!json_valid(s + i, n - i))
        return DF_JSON_NOT_JSON;
    /* Walk the top-level array: every element must be a string. */
    df_json_elem *v = NULL;
    size_t cnt = 0, cap = 0;
    size_t p = i + 1;
    for (;;) {
        while (p < n && is_json_ws(s[p]))
            p++;
        if (s[p] == ']')
            break;
        if (s[p] == ',') {
            p++;
            continue;
        }
        if (s[p] != '"') {
            free(v);
            return DF_JSON_NOT_STRINGS;
        }
        size_t e = skip_string(s, n, p);
        df_json_elem el = {NULL, 0, p, e};
        el.value = decode_string(s, p, e, arena, &el.len);
        if (!el.value || !df_vec_push((void **)&v, &cnt, &cap, sizeof(el), &el)) {
            free(v);
            return DF_JSON_NOMEM;
        }
        p = e;
    }
    if (cnt) {
        *elems = df_arena_memdup(arena, v, cnt * sizeof(*v));
        free(v);
        if (!*elems)
            return DF_JSON_NOMEM;
    }
    *count = cnt;
    return DF_JSON_STRINGS;
}
