/*
 * json_stream.c - incremental splitter for a stream of JSON values.
 *
 * A small state machine tracks nesting depth and whether we are inside a
 * string (and after a backslash in it), so braces inside strings do not
 * count. Bytes of the current value accumulate in a buffer that is reused
 * for the next one; memory is bounded by the largest single message.
 */
#include "build/json_stream.h"

#include <stdlib.h>
#include <string.h>

#define MESSAGE_LIMIT (16u * 1024u * 1024u)

enum mode { BETWEEN, IN_VALUE, IN_TEXT };

struct hoist_json_stream {
    hoist_json_message_fn on_message;
    void *user;
    enum mode mode;
    int depth;
    int in_string;
    int escaped;
    char *buf;
    size_t len;
    size_t cap;
};

hoist_json_stream *hoist_json_stream_new(hoist_json_message_fn on_message, void *user)
{
    hoist_json_stream *s = calloc(1, sizeof(*s));
    if (s) {
        s->on_message = on_message;
        s->user = user;
    }
    return s;
}

void hoist_json_stream_free(hoist_json_stream *stream)
{
    if (!stream)
        return;
    free(stream->buf);
    free(stream);
}

static int append(hoist_json_stream *s, const char *data, size_t n, hoist_error *err)
{
    if (s->len + n + 1 > MESSAGE_LIMIT)
        return hoist_error_set(err, HOIST_EFAILED, "a message from the daemon exceeds %u MiB",
                               MESSAGE_LIMIT >> 20);
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *grown = realloc(s->buf, cap);
        if (!grown)
            return hoist_error_set(err, HOIST_EFAILED, "out of memory");
        s->buf = grown;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return 0;
}

static int emit_value(hoist_json_stream *s, hoist_error *err)
{
    json_error_t jerr;
    json_t *value = json_loadb(s->buf, s->len, 0, &jerr);
    s->len = 0;
    if (!value)
        return hoist_error_set(err, HOIST_EFAILED, "malformed message from the daemon: %s", jerr.text);
    int rc = s->on_message(value, s->user);
    json_decref(value);
    return rc;
}

static int emit_text(hoist_json_stream *s)
{
    size_t n = s->len;
    while (n && (s->buf[n - 1] == '\r' || s->buf[n - 1] == ' '))
        n--;
    s->len = 0;
    if (!n)
        return 0;
    json_t *value = json_stringn(s->buf, n);
    if (!value) /* not UTF-8: pass it on lossily rather than fail the build */
        value = json_string("(undecodable output from the daemon)");
    int rc = s->on_message(value, s->user);
    json_decref(value);
    return rc;
}

int hoist_json_stream_feed(hoist_json_stream *s, const char *data, size_t len, hoist_error *err)
{
    size_t i = 0;
    while (i < len) {
        if (s->mode == BETWEEN) {
            char c = data[i];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
                continue;
            }
            s->mode = (c == '{' || c == '[') ? IN_VALUE : IN_TEXT;
            s->depth = 0;
            s->in_string = s->escaped = 0;
        }
        if (s->mode == IN_TEXT) {
            const char *nl = memchr(data + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - (data + i)) : len - i;
            int rc = append(s, data + i, n, err);
            if (rc)
                return rc;
            i += n;
            if (nl) {
                i++;
                s->mode = BETWEEN;
                if ((rc = emit_text(s)))
                    return rc;
            }
            continue;
        }
        /* IN_VALUE: scan to the end of the value or of this chunk. */
        size_t start = i;
        int complete = 0;
        for (; i < len; i++) {
            char c = data[i];
            if (s->in_string) {
                if (s->escaped)
                    s->escaped = 0;
                else if (c == '\\')
                    s->escaped = 1;
                else if (c == '"')
                    s->in_string = 0;
            } else if (c == '"') {
                s->in_string = 1;
            } else if (c == '{' || c == '[') {
                s->depth++;
            } else if (c == '}' || c == ']') {
                if (--s->depth == 0) {
                    i++;
                    complete = 1;
                    break;
                }
            }
        }
        int rc = append(s, data + start, i - start, err);
        if (rc)
            return rc;
        if (complete) {
            s->mode = BETWEEN;
            if ((rc = emit_value(s, err)))
                return rc;
        }
    }
    return 0;
}

int hoist_json_stream_finish(hoist_json_stream *s, hoist_error *err)
{
    if (s->mode == IN_TEXT) {
        s->mode = BETWEEN;
        return emit_text(s);
    }
    if (s->mode == IN_VALUE) {
        s->mode = BETWEEN;
        s->len = 0;
        return hoist_error_set(err, HOIST_EENV, "the daemon's reply ended in the middle of a message");
    }
    return 0;
}
