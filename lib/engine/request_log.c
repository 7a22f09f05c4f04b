/*
 * request_log.c - redaction and line splitting for the client's request
 * log (request_log.h says what is redacted and why).
 *
 * Redaction works on the text as sent or received, without parsing it
 * fully: a header is "Name: value"; a query is name=value pairs after '?';
 * a stream line is scanned for "key" : "string" pairs whose key (any case)
 * is a credential name, and only that string's characters are replaced, so
 * the rest of the line (status, progress, the build output) stays readable.
 */
#include "engine/request_log.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const secret_headers[] = {
    "X-Registry-Auth", "X-Registry-Config", "Authorization", "Proxy-Authorization", "Cookie",
};

static const char *const secret_params[] = {
    "buildargs", "registryauth", "auth", "password", "token", "secret", "identitytoken",
};

static const char *const secret_keys[] = {
    "identitytoken", "identity_token", "password", "auth", "registrytoken", "registry_token",
    "secret", "token", "access_token", "refresh_token", "authorization",
};

static bool in_list(const char *name, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && !strncasecmp(name, list[i], len))
            return true;
    return false;
}

void hoist_log_redact_header(const char *header, char *out, size_t size)
{
    const char *colon = strchr(header, ':');
    if (colon && in_list(header, (size_t)(colon - header), secret_headers,
                         sizeof(secret_headers) / sizeof(secret_headers[0])))
        snprintf(out, size, "%.*s: " HOIST_REDACTED, (int)(colon - header), header);
    else
        snprintf(out, size, "%s", header);
}

void hoist_log_redact_path(const char *path, char *out, size_t size)
{
    if (!size)
        return;
    size_t o = 0;
#define PUT(s, n)                                  \
    do {                                           \
        size_t n_ = (n);                           \
        if (o + n_ >= size)                        \
            n_ = size - 1 - o;                     \
        memcpy(out + o, (s), n_);                  \
        o += n_;                                   \
    } while (0)
    const char *q = strchr(path, '?');
    PUT(path, q ? (size_t)(q - path) + 1 : strlen(path));
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        size_t n = strcspn(p, "&");
        size_t name_len = strcspn(p, "=&");
        if (name_len < n &&
            in_list(p, name_len, secret_params, sizeof(secret_params) / sizeof(secret_params[0]))) {
            PUT(p, name_len + 1);
            PUT(HOIST_REDACTED, strlen(HOIST_REDACTED));
        } else {
            PUT(p, n);
        }
        p += n;
        if (*p == '&') {
            PUT("&", 1);
            p++;
        }
    }
    out[o] = '\0';
#undef PUT
}

/* End of the JSON string starting after its opening quote at s[i]; the
 * index of the closing quote, or len when unterminated. */
static size_t string_end(const char *s, size_t i, size_t len)
{
    while (i < len && s[i] != '"')
        i += s[i] == '\\' ? 2 : 1;
    return i < len ? i : len;
}

size_t hoist_log_redact_line(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0;
    if (!size)
        return 0;
    for (size_t i = 0; i < len && o + 1 < size;) {
        if (s[i] != '"') {
            out[o++] = s[i++];
            continue;
        }
        /* A string: is it a key whose value is a credential? */
        size_t start = i + 1, end = string_end(s, start, len);
        size_t after = end + 1;
        while (after < len && (s[after] == ' ' || s[after] == '\t'))
            after++;
        bool is_key = after < len && s[after] == ':';
        bool secret = is_key && in_list(s + start, end - start, secret_keys,
                                        sizeof(secret_keys) / sizeof(secret_keys[0]));
        size_t upto = end < len ? end + 1 : len;
        for (size_t k = i; k < upto && o + 1 < size; k++)
            out[o++] = s[k];
        i = upto;
        if (!secret)
            continue;
        /* Copy up to the value; replace a string value. */
        size_t v = after + 1;
        while (v < len && (s[v] == ' ' || s[v] == '\t'))
            v++;
        for (size_t k = i; k < v && k < len && o + 1 < size; k++)
            out[o++] = s[k];
        i = v < len ? v : len;
        if (i < len && s[i] == '"') {
            size_t vend = string_end(s, i + 1, len);
            const char *r = "\"" HOIST_REDACTED "\"";
            for (size_t k = 0; r[k] && o + 1 < size; k++)
                out[o++] = r[k];
            i = vend < len ? vend + 1 : len;
        }
    }
    out[o] = '\0';
    return o;
}

static void emit(hoist_log_lines *l, const char *line, size_t len)
{
    char red[sizeof(l->buf) + 64];
    size_t n = hoist_log_redact_line(line, len, red, sizeof(red));
    hoist_log_record rec = {.event = HOIST_LOG_STREAM_LINE, .method = l->method, .path = l->path,
                            .line = red, .line_len = n};
    l->fn(&rec, l->user);
}

void hoist_log_lines_feed(hoist_log_lines *l, const char *data, size_t len)
{
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        size_t room = sizeof(l->buf) - l->len;
        if (take > room)
            take = room;
        memcpy(l->buf + l->len, data, take);
        l->len += take;
        data += take;
        len -= take;
        if (l->len == sizeof(l->buf) || (len && *data == '\n')) {
            size_t n = l->len;
            while (n && l->buf[n - 1] == '\r')
                n--;
            if (n)
                emit(l, l->buf, n);
            l->len = 0;
            if (len && *data == '\n') {
                data++;
                len--;
            }
        }
    }
}

void hoist_log_lines_flush(hoist_log_lines *l)
{
    if (l->len)
        emit(l, l->buf, l->len);
    l->len = 0;
}
