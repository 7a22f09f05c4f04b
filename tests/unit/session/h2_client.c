/*
 * h2_client.c - see h2_client.h.
 */
#include "h2_client.h"

#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static h2c_stream *find(h2c *c, int32_t id)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->streams[i].id == id)
            return &c->streams[i];
    return NULL;
}

static int on_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
                     const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
    h2c_stream *s = find(user, frame->hd.stream_id);
    if (!s)
        return 0;
    if (namelen == 11 && !memcmp(name, "grpc-status", 11))
        s->status = atoi((const char *)value);
    else if (namelen == 12 && !memcmp(name, "grpc-message", 12))
        snprintf(s->message, sizeof(s->message), "%.*s", (int)valuelen, value);
    else if (namelen == 12 && !memcmp(name, "content-type", 12))
        snprintf(s->content_type, sizeof(s->content_type), "%.*s", (int)valuelen, value);
    return 0;
}

static int on_data(nghttp2_session *h2, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *user)
{
    h2c_stream *s = find(user, id);
    if (!s)
        return 0;
    if (s->len + len > s->cap) {
        s->cap = (s->len + len) * 2;
        s->data = realloc(s->data, s->cap);
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    return 0;
}

static int on_close(nghttp2_session *h2, int32_t id, uint32_t error_code, void *user)
{
    h2c_stream *s = find(user, id);
    if (s)
        s->closed = true;
    return 0;
}

static ssize_t read_body(nghttp2_session *h2, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
                         nghttp2_data_source *source, void *user)
{
    h2c_stream *s = source->ptr;
    size_t n = s->body_len - s->body_off;
    if (n > length)
        n = length;
    if (n)
        memcpy(buf, s->body + s->body_off, n);
    s->body_off += n;
    if (s->body_off == s->body_len) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        if (!s->end_after_body)
            *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
    }
    return (ssize_t)n;
}

void h2c_init(h2c *c, grpc_server *srv)
{
    memset(c, 0, sizeof(*c));
    c->srv = srv;
    nghttp2_session_callbacks *cbs;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_close);
    nghttp2_session *h2;
    nghttp2_session_client_new(&h2, cbs, c);
    nghttp2_session_callbacks_del(cbs);
    nghttp2_submit_settings(h2, NGHTTP2_FLAG_NONE, NULL, 0);
    c->session = h2;
}

void h2c_free(h2c *c)
{
    nghttp2_session_del(c->session);
    for (size_t i = 0; i < c->n; i++)
        free(c->streams[i].data);
}

h2c_stream *h2c_call(h2c *c, const char *path, const char *const *md, const uint8_t *body, size_t len,
                     bool end_stream)
{
    nghttp2_nv nv[32];
    size_t n = 0;
#define NV(k, v) nv[n++] = (nghttp2_nv){(uint8_t *)(k), (uint8_t *)(v), strlen(k), strlen(v), 0}
    NV(":method", "POST");
    NV(":scheme", "http");
    NV(":authority", "session");
    NV(":path", path);
    NV("content-type", "application/grpc");
    NV("te", "trailers");
    for (size_t i = 0; md && md[i] && n < 30; i += 2)
        NV(md[i], md[i + 1]);
#undef NV
    h2c_stream *s = &c->streams[c->n++];
    memset(s, 0, sizeof(*s));
    s->status = -1;
    s->body = body;
    s->body_len = len;
    s->end_after_body = end_stream;
    nghttp2_data_provider prd = {.source.ptr = s, .read_callback = read_body};
    s->id = nghttp2_submit_request(c->session, NULL, nv, n, (body || !end_stream) ? &prd : NULL, NULL);
    return s;
}

void h2c_send(h2c *c, h2c_stream *s, const uint8_t *body, size_t len, bool end_stream)
{
    s->body = body;
    s->body_len = len;
    s->body_off = 0;
    s->end_after_body = end_stream;
    nghttp2_data_provider prd = {.source.ptr = s, .read_callback = read_body};
    nghttp2_submit_data(c->session, end_stream ? NGHTTP2_FLAG_END_STREAM : NGHTTP2_FLAG_NONE, s->id, &prd);
}

void h2c_run(h2c *c)
{
    for (int rounds = 0; rounds < 100000; rounds++) {
        bool moved = false;
        const uint8_t *data;
        ssize_t n;
        while ((n = nghttp2_session_mem_send(c->session, &data)) > 0) {
            grpc_server_feed(c->srv, data, (size_t)n);
            moved = true;
        }
        if (grpc_server_pump(c->srv))
            moved = true;
        while ((n = grpc_server_output(c->srv, &data)) > 0) {
            nghttp2_session_mem_recv(c->session, data, (size_t)n);
            moved = true;
        }
        if (!moved)
            return;
    }
}

uint8_t *h2c_frame(const uint8_t *msg, size_t len, size_t *out_len)
{
    uint8_t *b = malloc(5 + len);
    b[0] = 0;
    b[1] = (uint8_t)(len >> 24);
    b[2] = (uint8_t)(len >> 16);
    b[3] = (uint8_t)(len >> 8);
    b[4] = (uint8_t)len;
    if (len)
        memcpy(b + 5, msg, len);
    *out_len = 5 + len;
    return b;
}

bool h2c_message(const h2c_stream *s, size_t index, const uint8_t **msg, size_t *len)
{
    size_t pos = 0;
    for (size_t i = 0;; i++) {
        if (s->len - pos < 5)
            return false;
        const uint8_t *h = s->data + pos;
        size_t l = (size_t)h[1] << 24 | (size_t)h[2] << 16 | (size_t)h[3] << 8 | h[4];
        if (s->len - pos - 5 < l)
            return false;
        if (i == index) {
            *msg = h + 5;
            *len = l;
            return true;
        }
        pos += 5 + l;
    }
}
