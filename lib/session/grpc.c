/*
 * grpc.c - gRPC calls on an nghttp2 server session (see grpc.h).
 *
 * nghttp2 does the HTTP/2 framing, HPACK and flow control; this file maps
 * streams to calls. Each call keeps its request metadata, a buffer that
 * reassembles incoming messages across DATA frames, and a queue of framed
 * outgoing messages that nghttp2's data provider drains as the windows
 * allow (deferring when empty). Finishing a call submits the trailers from
 * the data provider once the queue is empty.
 */
#include "session/grpc.h"
#include "common/vec.h"

#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct md_entry {
    char *name, *value;
} md_entry;

struct grpc_call {
    grpc_server *srv;
    grpc_call *next;          /* server's list */
    int32_t stream_id;
    const grpc_method *method;
    char *path;
    md_entry *md;
    size_t n_md, md_cap;
    void *state;
    grpc_inbuf in;            /* partial incoming message */
    bool discard_input;
    grpc_outq out;
    bool deferred;            /* the data provider is waiting for data */
    bool responded;           /* response headers submitted */
    bool finished;
    bool trailers_sent;
    bool half_closed;
    bool want_pump;
    bool md_overflow;         /* more metadata entries than GRPC_MAX_METADATA */
    int watch_fd;             /* pump when readable; 0 until set (see on_begin_headers) */
    int status;
    char message[512];
};

struct grpc_server {
    nghttp2_session *h2;
    const grpc_method *methods;
    size_t n_methods;
    void *user;
    grpc_call *calls;
    char error[256];
    unsigned long n_calls, n_unimplemented;
};

void *grpc_call_user(const grpc_call *c) { return c->srv->user; }
const char *grpc_call_path(const grpc_call *c) { return c->path ? c->path : ""; }
void *grpc_call_state(const grpc_call *c) { return c->state; }
void grpc_call_set_state(grpc_call *c, void *state) { c->state = state; }
size_t grpc_call_queued(const grpc_call *c) { return c->out.queued; }
bool grpc_call_finished(const grpc_call *c) { return c->finished; }
void grpc_call_want_pump(grpc_call *c, bool want) { c->want_pump = want && !c->finished; }
void grpc_call_watch_fd(grpc_call *c, int fd) { c->watch_fd = fd; }

size_t grpc_server_watch_fds(const grpc_server *srv, int *fds, size_t max)
{
    size_t n = 0;
    for (const grpc_call *c = srv->calls; c && n < max; c = c->next)
        if (c->want_pump && !c->finished && c->watch_fd >= 0 && c->out.queued < GRPC_PUMP_WATERMARK)
            fds[n++] = c->watch_fd;
    return n;
}
const char *grpc_server_error(const grpc_server *s) { return s->error; }
unsigned long grpc_server_calls(const grpc_server *s) { return s->n_calls; }
unsigned long grpc_server_unimplemented(const grpc_server *s) { return s->n_unimplemented; }

size_t grpc_call_metadata(const grpc_call *c, const char *key, const char **values, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_md; i++) {
        if (strcmp(c->md[i].name, key))
            continue;
        if (n < max)
            values[n] = c->md[i].value;
        n++;
    }
    return n;
}

static void call_free(grpc_call *c)
{
    if (c->method && c->method->on_free)
        c->method->on_free(c);
    for (size_t i = 0; i < c->n_md; i++) {
        free(c->md[i].name);
        free(c->md[i].value);
    }
    free(c->md);
    free(c->path);
    grpc_inbuf_free(&c->in);
    grpc_outq_clear(&c->out);
    free(c);
}

static void resume(grpc_call *c)
{
    if (c->deferred && c->responded) {
        c->deferred = false;
        nghttp2_session_resume_data(c->srv->h2, c->stream_id);
    }
}

static int queue(grpc_call *c, const ProtobufCMessage *msg, const uint8_t *payload, size_t len)
{
    if (c->finished || len > GRPC_MAX_MESSAGE || grpc_outq_push(&c->out, msg, payload, len))
        return -1;
    resume(c);
    return 0;
}

int grpc_call_send_bytes(grpc_call *c, const uint8_t *payload, size_t len) { return queue(c, NULL, payload, len); }

int grpc_call_send(grpc_call *c, const ProtobufCMessage *msg)
{
    return queue(c, msg, NULL, protobuf_c_message_get_packed_size(msg));
}

void grpc_call_finish(grpc_call *c, int status, const char *message)
{
    if (c->finished)
        return;
    c->finished = true;
    c->want_pump = false;
    c->status = status;
    snprintf(c->message, sizeof(c->message), "%s", message ? message : "");
    resume(c);
}

static ssize_t read_out(nghttp2_session *h2, int32_t stream_id, uint8_t *buf, size_t length,
                        uint32_t *flags, nghttp2_data_source *source, void *user)
{
    grpc_call *c = nghttp2_session_get_stream_user_data(h2, stream_id);
    if (!c)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    size_t n = grpc_outq_drain(&c->out, buf, length);
    if (n)
        return (ssize_t)n;
    if (!c->finished) {
        c->deferred = true;
        return NGHTTP2_ERR_DEFERRED;
    }
    *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
    char status[16], message[1600];
    snprintf(status, sizeof(status), "%d", c->status);
    grpc_percent_encode(c->message, message, sizeof(message));
    nghttp2_nv trailers[2] = {
        {(uint8_t *)"grpc-status", (uint8_t *)status, 11, strlen(status), NGHTTP2_NV_FLAG_NONE},
        {(uint8_t *)"grpc-message", (uint8_t *)message, 12, strlen(message), NGHTTP2_NV_FLAG_NONE},
    };
    c->trailers_sent = true;
    if (nghttp2_submit_trailer(h2, stream_id, trailers, message[0] ? 2 : 1))
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    return 0;
}

static int on_begin_headers(nghttp2_session *h2, const nghttp2_frame *frame, void *user)
{
    grpc_server *srv = user;
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    grpc_call *c = calloc(1, sizeof(*c));
    if (!c)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    c->srv = srv;
    c->stream_id = frame->hd.stream_id;
    c->watch_fd = -1;
    c->next = srv->calls;
    srv->calls = c;
    nghttp2_session_set_stream_user_data(h2, frame->hd.stream_id, c);
    return 0;
}

static int on_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
                     const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
        return 0;
    grpc_call *c = nghttp2_session_get_stream_user_data(h2, frame->hd.stream_id);
    if (!c)
        return 0;
    if (namelen == 5 && !memcmp(name, ":path", 5)) {
        free(c->path);
        if (!(c->path = strndup((const char *)value, valuelen)))
            return NGHTTP2_ERR_CALLBACK_FAILURE;
        return 0;
    }
    if (namelen && name[0] == ':')
        return 0;
    if (c->n_md == GRPC_MAX_METADATA) {
        c->md_overflow = true; /* refused when the call starts: never drop a pattern silently */
        return 0;
    }
    md_entry *nm = hoist_vec_grow(c->md, &c->md_cap, c->n_md, sizeof(*nm), 8);
    if (!nm)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    c->md = nm;
    md_entry *e = &c->md[c->n_md];
    e->name = strndup((const char *)name, namelen);
    e->value = strndup((const char *)value, valuelen);
    if (!e->name || !e->value) {
        free(e->name);
        free(e->value);
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    c->n_md++;
    return 0;
}

static const grpc_method *find_method(grpc_server *srv, const char *path)
{
    for (size_t i = 0; path && i < srv->n_methods; i++)
        if (!strcmp(srv->methods[i].path, path))
            return &srv->methods[i];
    return NULL;
}

static void half_close(grpc_call *c)
{
    if (c->half_closed)
        return;
    c->half_closed = true;
    if (c->finished)
        return;
    if (c->in.len && !c->discard_input) {
        grpc_call_finish(c, GRPC_INTERNAL, "the request ended inside a message");
        return;
    }
    if (c->method && c->method->on_half_close)
        c->method->on_half_close(c);
}

static int start_call(grpc_server *srv, grpc_call *c)
{
    nghttp2_nv hdrs[2] = {
        {(uint8_t *)":status", (uint8_t *)"200", 7, 3, NGHTTP2_NV_FLAG_NONE},
        {(uint8_t *)"content-type", (uint8_t *)"application/grpc", 12, 16, NGHTTP2_NV_FLAG_NONE},
    };
    nghttp2_data_provider prd = {.source.ptr = c, .read_callback = read_out};
    if (nghttp2_submit_response(srv->h2, c->stream_id, hdrs, 2, &prd))
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    c->responded = true;
    srv->n_calls++;
    c->method = find_method(srv, c->path);
    if (c->md_overflow) {
        char msg[128];
        snprintf(msg, sizeof(msg), "more than %u metadata entries", GRPC_MAX_METADATA);
        grpc_call_finish(c, GRPC_RESOURCE_EXHAUSTED, msg);
        c->discard_input = true;
        return 0;
    }
    if (!c->method) {
        srv->n_unimplemented++;
        char msg[300];
        snprintf(msg, sizeof(msg), "unknown method %s", c->path ? c->path : "(none)");
        grpc_call_finish(c, GRPC_UNIMPLEMENTED, msg);
        c->discard_input = true;
        return 0;
    }
    if (c->method->on_start)
        c->method->on_start(c);
    return 0;
}

static int on_frame_recv(nghttp2_session *h2, const nghttp2_frame *frame, void *user)
{
    grpc_server *srv = user;
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA)
        return 0;
    grpc_call *c = nghttp2_session_get_stream_user_data(h2, frame->hd.stream_id);
    if (!c)
        return 0;
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST && !c->responded) {
        int rc = start_call(srv, c);
        if (rc)
            return rc;
    }
    if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
        half_close(c);
    return 0;
}

static void deliver(grpc_call *c)
{
    size_t pos = 0;
    while (!c->finished) {
        const uint8_t *msg;
        size_t len;
        int r = grpc_inbuf_next(&c->in, &pos, GRPC_MAX_MESSAGE, &msg, &len);
        if (r == 0)
            break;
        if (r == GRPC_FRAME_COMPRESSED) {
            grpc_call_finish(c, GRPC_UNIMPLEMENTED, "compressed messages are not supported");
            c->discard_input = true;
            break;
        }
        if (r == GRPC_FRAME_TOO_BIG) {
            char text[200];
            snprintf(text, sizeof(text), "message of %zu bytes is larger than the limit of %u bytes", len,
                     GRPC_MAX_MESSAGE);
            grpc_call_finish(c, GRPC_RESOURCE_EXHAUSTED, text);
            c->discard_input = true;
            break;
        }
        if (c->method->on_message)
            c->method->on_message(c, msg, len);
    }
    grpc_inbuf_consume(&c->in, c->discard_input ? c->in.len : pos);
}

static int on_data_chunk(nghttp2_session *h2, uint8_t flags, int32_t stream_id, const uint8_t *data,
                         size_t len, void *user)
{
    grpc_call *c = nghttp2_session_get_stream_user_data(h2, stream_id);
    if (!c || c->discard_input || c->finished || !c->method)
        return 0;
    int r = grpc_inbuf_append(&c->in, data, len, GRPC_MAX_MESSAGE + 5 + 16384);
    if (r) {
        /* too big cannot happen: deliver() rejects a header above the limit */
        grpc_call_finish(c, GRPC_RESOURCE_EXHAUSTED,
                         r == GRPC_INBUF_TOO_BIG ? "message too large" : "out of memory for a message");
        c->discard_input = true;
        return 0;
    }
    deliver(c);
    return 0;
}

static int on_stream_close(nghttp2_session *h2, int32_t stream_id, uint32_t error_code, void *user)
{
    grpc_server *srv = user;
    grpc_call *c = nghttp2_session_get_stream_user_data(h2, stream_id);
    if (!c)
        return 0;
    nghttp2_session_set_stream_user_data(h2, stream_id, NULL);
    for (grpc_call **pp = &srv->calls; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    call_free(c);
    return 0;
}

grpc_server *grpc_server_new(const grpc_method *methods, size_t n_methods, void *user)
{
    grpc_server *srv = calloc(1, sizeof(*srv));
    if (!srv)
        return NULL;
    srv->methods = methods;
    srv->n_methods = n_methods;
    srv->user = user;
    grpc_h2_callbacks cb = {
        .on_begin_headers = on_begin_headers,
        .on_header = on_header,
        .on_frame_recv = on_frame_recv,
        .on_data_chunk_recv = on_data_chunk,
        .on_stream_close = on_stream_close,
    };
    if (grpc_h2_session_new(&srv->h2, true, &cb, srv)) {
        free(srv);
        return NULL;
    }
    return srv;
}

void grpc_server_free(grpc_server *srv)
{
    if (!srv)
        return;
    /* nghttp2_session_del does not close streams through the callback */
    for (grpc_call *c = srv->calls, *n; c; c = n) {
        n = c->next;
        nghttp2_session_set_stream_user_data(srv->h2, c->stream_id, NULL);
        call_free(c);
    }
    nghttp2_session_del(srv->h2);
    free(srv);
}

int grpc_server_feed(grpc_server *srv, const uint8_t *data, size_t len)
{
    ssize_t n = nghttp2_session_mem_recv(srv->h2, data, len);
    if (n < 0) {
        snprintf(srv->error, sizeof(srv->error), "HTTP/2 error from the daemon's side: %s",
                 nghttp2_strerror((int)n));
        return -1;
    }
    return 0;
}

ssize_t grpc_server_output(grpc_server *srv, const uint8_t **data)
{
    ssize_t n = nghttp2_session_mem_send(srv->h2, data);
    if (n < 0) {
        snprintf(srv->error, sizeof(srv->error), "HTTP/2 error: %s", nghttp2_strerror((int)n));
        return -1;
    }
    return n;
}

bool grpc_server_pump(grpc_server *srv)
{
    bool more = false;
    for (grpc_call *c = srv->calls; c; c = c->next) {
        if (!c->want_pump || c->finished || !c->method || !c->method->on_pump)
            continue;
        if (c->out.queued < GRPC_PUMP_WATERMARK)
            c->method->on_pump(c);
        if (c->want_pump && c->watch_fd < 0 && c->out.queued < GRPC_PUMP_WATERMARK)
            more = true;
    }
    return more;
}

bool grpc_server_alive(const grpc_server *srv)
{
    return nghttp2_session_want_read(srv->h2) || nghttp2_session_want_write(srv->h2);
}
