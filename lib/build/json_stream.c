/*
 * json_stream.c - incremental splitter for a stream of JSON values.
 *
 * A small state machine tracks nesting depth and whether we are inside a
 * string (and after a backslash in it), so braces inside strings do not
 * count. Bytes of the current value accumulate in a buffer that is reused
 * for the next one; memory is bounded by the largest single message.
 */
#include "build/json_stream.h"
#include "common/buf.h"

#include <errno.h>
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
    hbuf buf;    /* the current value, at most MESSAGE_LIMIT bytes with its NUL */
};

hoist_json_stream *hoist_json_stream_new(hoist_json_message_fn on_message, void *user)
{
    hoist_json_stream *s = calloc(1, sizeof(*s));
    if (s) {
        s->on_message = on_message;
        s->user = user;
        s->buf.max = MESSAGE_LIMIT - 1; /* and its NUL */
    }
    return s;
}

void hoist_json_stream_free(hoist_json_stream *stream)
{
    if (!stream)
        return;
    hbuf_free(&stream->buf);
    free(stream);
}

static int append(hoist_json_stream *s, const char *data, size_t n, hoist_error *err)
{
    if (hbuf_append(&s->buf, data, n))
        return 0;
    if (s->buf.failed == EOVERFLOW)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_LIMIT, "a message from the daemon exceeds %u MiB",
                                MESSAGE_LIMIT >> 20);
    return hoist_error_nomem(err);
}

static int emit_value(hoist_json_stream *s, hoist_error *err)
{
    json_error_t jerr;
    json_t *value = json_loadb(s->buf.data, s->buf.len, 0, &jerr);
    hbuf_reset(&s->buf);
    if (!value)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_PROTOCOL, "malformed message from the daemon: %s",
                                jerr.text);
    int rc = s->on_message(value, s->user);
    json_decref(value);
    return rc;
}

static int emit_text(hoist_json_stream *s)
{
    size_t n = s->buf.len;
    const char *text = s->buf.data;
    while (n && (text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    s->buf.len = 0; /* the bytes stay readable until the next append */
    if (!n)
        return 0;
    json_t *value = json_stringn(text, n);
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
        hbuf_reset(&s->buf);
        return hoist_error_set(err, HOIST_EENV, "the daemon's reply ended in the middle of a message");
    }
    return 0;
}

static int reply_feed(void *stream, const char *data, size_t len, hoist_error *err)
{
    return data ? hoist_json_stream_feed(stream, data, len, err) : hoist_json_stream_finish(stream, err);
}

void hoist_json_stream_reply(hoist_json_stream *stream, hoist_reply *reply)
{
    reply->feed = reply_feed;
    reply->decoder = stream;
}
