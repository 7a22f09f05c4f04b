/*
 * grpc_client.c - gRPC calls on an nghttp2 client session (see
 * grpc_client.h).
 *
 * nghttp2 does the framing, HPACK and flow control from memory buffers;
 * this file owns the byte stream and maps streams to calls. Each call has
 * a queue of framed outgoing messages drained by nghttp2's data provider
 * (deferred while empty, END_STREAM once the sending side is closed and
 * the queue empty) and a buffer reassembling incoming messages across
 * DATA frames. The status comes from the last header block (trailers, or
 * the only one in a trailers-only reply).
 */
#include "buildkit/grpc_client.h"

#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct out_chunk {
    struct out_chunk *next;
    size_t len, off;
    uint8_t data[];
} out_chunk;

struct grpcc_call {
    grpcc *c;
    grpcc_call *next;
    int32_t stream_id;          /* -1 once the stream is closed */
    char path[256];
    grpcc_handlers h;
    void *user;
    uint8_t *in;
    size_t in_len, in_cap;
    out_chunk *head, *tail;
    size_t queued;
    bool deferred, close_send, done, user_freed;
    int http_status;
    bool content_type_bad;
    bool have_status;
    int status;
    char message[1024];
};

struct grpcc {
    nghttp2_session *h2;
    bk_stream *s;
    char authority[256];
    grpcc_call *calls;
    const uint8_t *out;
    size_t out_len;
    bool paused, read_more, dead;
    char error[600];
    char first[160];            /* the first bytes received, to recognise an HTTP/1 server */
    size_t first_len;
    volatile sig_atomic_t *cancel;
};

void grpcc_set_cancel(grpcc *c, volatile sig_atomic_t *cancel) { c->cancel = cancel; }

static const char *const status_names[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
};

const char *grpcc_status_name(int status)
{
    if (status >= 0 && (size_t)status < sizeof(status_names) / sizeof(status_names[0]))
        return status_names[status];
    return "UNKNOWN";
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

void grpcc_percent_decode(const char *in, size_t len, char *out, size_t size)
{
    size_t o = 0;
    if (!size)
        return;
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        int hi, lo;
        if (in[i] == '%' && i + 2 < len && (hi = hexval(in[i + 1])) >= 0 && (lo = hexval(in[i + 2])) >= 0) {
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = in[i];
        }
    }
    out[o] = '\0';
}

long grpcc_frame_length(const uint8_t *b, size_t len, bool *compressed)
{
    if (len < 5)
        return -1;
    *compressed = b[0] != 0;
    return (long)((uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4]);
}

bool grpcc_call_done(const grpcc_call *call) { return call->done; }
int grpcc_call_status(const grpcc_call *call) { return call->status; }
const char *grpcc_call_message(const grpcc_call *call) { return call->message; }
size_t grpcc_call_queued(const grpcc_call *call) { return call->queued; }
bk_stream *grpcc_stream(grpcc *c) { return c->s; }
bool grpcc_alive(const grpcc *c) { return !c->dead && (nghttp2_session_want_read(c->h2) || nghttp2_session_want_write(c->h2)); }
const char *grpcc_error(const grpcc *c) { return c->error; }

void grpcc_pause_read(grpcc *c, bool pause)
{
    if (c->paused && !pause)
        c->read_more = true; /* TLS may hold bytes poll() cannot see */
    c->paused = pause;
}

static void finish(grpcc_call *call, int status, const char *message)
{
    if (call->done)
        return;
    call->done = true;
    call->status = status;
    if (message != call->message)
        snprintf(call->message, sizeof(call->message), "%s", message ? message : "");
    if (call->h.on_done && !call->user_freed)
        call->h.on_done(call, status, call->message, call->user);
}

static void call_release(grpcc_call *call)
{
    grpcc *c = call->c;
    for (grpcc_call **pp = &c->calls; *pp; pp = &(*pp)->next)
        if (*pp == call) {
            *pp = call->next;
            break;
        }
    for (out_chunk *o = call->head, *n; o; o = n) {
        n = o->next;
        free(o);
    }
    free(call->in);
    free(call);
}

void grpcc_call_free(grpcc_call *call)
{
    if (!call)
        return;
    call->user_freed = true;
    if (call->stream_id > 0 && !call->c->dead) {
        /* nghttp2 refers to the call until its stream closes: reset the
         * stream and release the call from on_stream_close */
        nghttp2_submit_rst_stream(call->c->h2, NGHTTP2_FLAG_NONE, call->stream_id, NGHTTP2_CANCEL);
        finish(call, GRPCC_STATUS_CANCELLED, "cancelled");
        return;
    }
    if (call->stream_id > 0)
        nghttp2_session_set_stream_user_data(call->c->h2, call->stream_id, NULL);
    call_release(call);
}

static void resume(grpcc_call *call)
{
    if (call->deferred && call->stream_id > 0) {
        call->deferred = false;
        nghttp2_session_resume_data(call->c->h2, call->stream_id);
    }
}

static int queue_frame(grpcc_call *call, const ProtobufCMessage *msg, const uint8_t *bytes, size_t len)
{
    if (call->done || call->close_send || len > GRPCC_MAX_MESSAGE)
        return -1;
    out_chunk *o = malloc(sizeof(*o) + 5 + len);
    if (!o)
        return -1;
    o->next = NULL;
    o->off = 0;
    o->len = 5 + len;
    o->data[0] = 0;
    o->data[1] = (uint8_t)(len >> 24);
    o->data[2] = (uint8_t)(len >> 16);
    o->data[3] = (uint8_t)(len >> 8);
    o->data[4] = (uint8_t)len;
    if (msg)
        protobuf_c_message_pack(msg, o->data + 5);
    else if (len)
        memcpy(o->data + 5, bytes, len);
    if (call->tail)
        call->tail->next = o;
    else
        call->head = o;
    call->tail = o;
    call->queued += o->len;
    resume(call);
    return 0;
}

int grpcc_send(grpcc_call *call, const uint8_t *msg, size_t len) { return queue_frame(call, NULL, msg, len); }

int grpcc_send_msg(grpcc_call *call, const ProtobufCMessage *msg)
{
    return queue_frame(call, msg, NULL, protobuf_c_message_get_packed_size(msg));
}

void grpcc_close_send(grpcc_call *call)
{
    call->close_send = true;
    resume(call);
}

void grpcc_cancel(grpcc_call *call)
{
    if (call->done)
        return;
    if (call->stream_id > 0)
        nghttp2_submit_rst_stream(call->c->h2, NGHTTP2_FLAG_NONE, call->stream_id, NGHTTP2_CANCEL);
    finish(call, GRPCC_STATUS_CANCELLED, "cancelled by hoist");
}

static ssize_t read_out(nghttp2_session *h2, int32_t stream_id, uint8_t *buf, size_t length, uint32_t *flags,
                        nghttp2_data_source *source, void *user)
{
    (void)h2;
    (void)stream_id;
    (void)user;
    grpcc_call *call = source->ptr;
    if (!call)
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (call->user_freed) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        return 0;
    }
    size_t n = 0;
    while (n < length && call->head) {
        out_chunk *o = call->head;
        size_t take = o->len - o->off;
        if (take > length - n)
            take = length - n;
        memcpy(buf + n, o->data + o->off, take);
        o->off += take;
        n += take;
        call->queued -= take;
        if (o->off == o->len) {
            call->head = o->next;
            if (!call->head)
                call->tail = NULL;
            free(o);
        }
    }
    if (!call->head && call->close_send)
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    else if (!n) {
        call->deferred = true;
        return NGHTTP2_ERR_DEFERRED;
    }
    return (ssize_t)n;
}

grpcc_call *grpcc_start(grpcc *c, const char *path, const grpcc_md *md, size_t n_md,
                        const grpcc_handlers *handlers, void *user)
{
    if (c->dead)
        return NULL;
    grpcc_call *call = calloc(1, sizeof(*call));
    nghttp2_nv *nv = calloc(7 + n_md, sizeof(*nv));
    if (!call || !nv) {
        free(call);
        free(nv);
        return NULL;
    }
    call->c = c;
    snprintf(call->path, sizeof(call->path), "%s", path);
    if (handlers)
        call->h = *handlers;
    call->user = user;
#define NV(n, v) (nghttp2_nv){(uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE}
    size_t k = 0;
    nv[k++] = NV(":method", "POST");
    nv[k++] = NV(":scheme", "http");
    nv[k++] = NV(":path", call->path);
    nv[k++] = NV(":authority", c->authority);
    nv[k++] = NV("content-type", "application/grpc");
    nv[k++] = NV("te", "trailers");
    nv[k++] = NV("user-agent", "grpc-c-hoist/1");
    for (size_t i = 0; i < n_md; i++)
        nv[k++] = NV(md[i].name, md[i].value);
#undef NV
    nghttp2_data_provider prd = {.source.ptr = call, .read_callback = read_out};
    int32_t id = nghttp2_submit_request(c->h2, NULL, nv, k, &prd, call);
    free(nv);
    if (id < 0) {
        free(call);
        return NULL;
    }
    call->stream_id = id;
    call->next = c->calls;
    c->calls = call;
    return call;
}

/* ---- nghttp2 callbacks -------------------------------------------------- */

static int on_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
                     const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
    (void)flags;
    (void)user;
    if (frame->hd.type != NGHTTP2_HEADERS)
        return 0;
    grpcc_call *call = nghttp2_session_get_stream_user_data(h2, frame->hd.stream_id);
    if (!call)
        return 0;
    if (namelen == 7 && !memcmp(name, ":status", 7)) {
        call->http_status = 0;
        for (size_t i = 0; i < valuelen && value[i] >= '0' && value[i] <= '9'; i++)
            call->http_status = call->http_status * 10 + (value[i] - '0');
    } else if (namelen == 12 && !memcmp(name, "content-type", 12)) {
        call->content_type_bad = valuelen < 16 || memcmp(value, "application/grpc", 16);
    } else if (namelen == 11 && !memcmp(name, "grpc-status", 11)) {
        call->have_status = true;
        call->status = 0;
        for (size_t i = 0; i < valuelen && value[i] >= '0' && value[i] <= '9'; i++)
            call->status = call->status * 10 + (value[i] - '0');
    } else if (namelen == 12 && !memcmp(name, "grpc-message", 12)) {
        grpcc_percent_decode((const char *)value, valuelen, call->message, sizeof(call->message));
    }
    return 0;
}

/* The end of the reply: the status the trailers gave, or why there is none. */
static void reply_ended(grpcc_call *call)
{
    char msg[1200];
    if (call->http_status && call->http_status != 200) {
        snprintf(msg, sizeof(msg), "%s: the server answered HTTP %d, not a gRPC reply", call->path,
                 call->http_status);
        finish(call, call->http_status == 404 || call->http_status == 501 ? GRPCC_STATUS_UNIMPLEMENTED
                                                                           : GRPCC_STATUS_INTERNAL, msg);
    } else if (call->content_type_bad) {
        snprintf(msg, sizeof(msg), "%s: the reply's content-type is not application/grpc", call->path);
        finish(call, GRPCC_STATUS_INTERNAL, msg);
    } else if (!call->have_status) {
        snprintf(msg, sizeof(msg), "%s: the reply ended without a grpc-status", call->path);
        finish(call, GRPCC_STATUS_INTERNAL, msg);
    } else if (call->in_len && call->status == 0) {
        snprintf(msg, sizeof(msg), "%s: the reply ended inside a message", call->path);
        finish(call, GRPCC_STATUS_INTERNAL, msg);
    } else {
        finish(call, call->status, call->message);
    }
}

static int on_frame_recv(nghttp2_session *h2, const nghttp2_frame *frame, void *user)
{
    (void)user;
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA)
        return 0;
    grpcc_call *call = nghttp2_session_get_stream_user_data(h2, frame->hd.stream_id);
    if (!call || call->done)
        return 0;
    if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
        reply_ended(call);
    return 0;
}

static void deliver(grpcc_call *call)
{
    size_t pos = 0;
    while (!call->done && call->in_len - pos >= 5) {
        bool compressed;
        long len = grpcc_frame_length(call->in + pos, call->in_len - pos, &compressed);
        char msg[300];
        if (compressed) {
            snprintf(msg, sizeof(msg), "%s: the server sent a compressed message (not asked for)", call->path);
            grpcc_cancel(call);
            call->status = GRPCC_STATUS_INTERNAL;
            snprintf(call->message, sizeof(call->message), "%s", msg);
            break;
        }
        if ((unsigned long)len > GRPCC_MAX_MESSAGE) {
            snprintf(msg, sizeof(msg), "%s: a reply message of %ld bytes is over the limit of %u bytes", call->path,
                     len, GRPCC_MAX_MESSAGE);
            grpcc_cancel(call);
            call->status = 8; /* RESOURCE_EXHAUSTED */
            snprintf(call->message, sizeof(call->message), "%s", msg);
            break;
        }
        if (call->in_len - pos - 5 < (size_t)len)
            break;
        if (call->h.on_message && call->h.on_message(call, call->in + pos + 5, (size_t)len, call->user)) {
            grpcc_cancel(call);
            break;
        }
        pos += 5 + (size_t)len;
    }
    if (call->done) {
        call->in_len = 0;
        return;
    }
    if (pos) {
        memmove(call->in, call->in + pos, call->in_len - pos);
        call->in_len -= pos;
    }
}

static int on_data_chunk(nghttp2_session *h2, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len,
                         void *user)
{
    (void)flags;
    (void)user;
    grpcc_call *call = nghttp2_session_get_stream_user_data(h2, stream_id);
    if (!call || call->done)
        return 0;
    if (call->in_len + len > call->in_cap) {
        size_t cap = call->in_cap ? call->in_cap : 16384;
        while (cap < call->in_len + len)
            cap *= 2;
        uint8_t *ni = cap <= GRPCC_MAX_MESSAGE + 5 + 2 * 16384 ? realloc(call->in, cap) : NULL;
        if (!ni) {
            grpcc_cancel(call);
            call->status = 8;
            snprintf(call->message, sizeof(call->message), "%s: no memory for a reply message", call->path);
            return 0;
        }
        call->in = ni;
        call->in_cap = cap;
    }
    memcpy(call->in + call->in_len, data, len);
    call->in_len += len;
    deliver(call);
    return 0;
}

static int on_stream_close(nghttp2_session *h2, int32_t stream_id, uint32_t error_code, void *user)
{
    (void)user;
    grpcc_call *call = nghttp2_session_get_stream_user_data(h2, stream_id);
    if (!call)
        return 0;
    nghttp2_session_set_stream_user_data(h2, stream_id, NULL);
    call->stream_id = -1;
    if (call->user_freed) {
        call_release(call);
        return 0;
    }
    if (!call->done) {
        char msg[400];
        if (error_code == NGHTTP2_REFUSED_STREAM) {
            snprintf(msg, sizeof(msg), "%s: the server refused the call", call->path);
            finish(call, GRPCC_STATUS_UNAVAILABLE, msg);
        } else if (error_code == NGHTTP2_CANCEL) {
            snprintf(msg, sizeof(msg), "%s: the server cancelled the call", call->path);
            finish(call, GRPCC_STATUS_CANCELLED, msg);
        } else {
            snprintf(msg, sizeof(msg), "%s: the server reset the stream (HTTP/2 %s)", call->path,
                     nghttp2_http2_strerror(error_code));
            finish(call, GRPCC_STATUS_INTERNAL, msg);
        }
    }
    return 0;
}

grpcc *grpcc_new(bk_stream *stream, const char *authority, const uint8_t *early, size_t early_len)
{
    grpcc *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->s = stream;
    snprintf(c->authority, sizeof(c->authority), "%s", authority && *authority ? authority : "localhost");
    nghttp2_session_callbacks *cbs;
    if (nghttp2_session_callbacks_new(&cbs)) {
        free(c);
        return NULL;
    }
    nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, on_stream_close);
    int rc = nghttp2_session_client_new(&c->h2, cbs, c);
    nghttp2_session_callbacks_del(cbs);
    if (rc) {
        free(c);
        return NULL;
    }
    nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
    };
    if (nghttp2_submit_settings(c->h2, NGHTTP2_FLAG_NONE, settings, 2) ||
        nghttp2_session_set_local_window_size(c->h2, NGHTTP2_FLAG_NONE, 0, 16 << 20) ||
        (early_len && nghttp2_session_mem_recv(c->h2, early, early_len) < 0)) {
        nghttp2_session_del(c->h2);
        free(c);
        return NULL;
    }
    return c;
}

void grpcc_free(grpcc *c)
{
    if (!c)
        return;
    while (c->calls) {
        grpcc_call *call = c->calls;
        if (call->stream_id > 0)
            nghttp2_session_set_stream_user_data(c->h2, call->stream_id, NULL);
        call->stream_id = -1;
        call_release(call);
    }
    nghttp2_session_del(c->h2);
    bk_stream_free(c->s);
    free(c);
}

/* The connection is finished, for the reason in c->error (set first),
 * unless the peer turned out to speak HTTP/1.x: then that is the reason. */
static void fail(grpcc *c)
{
    if (!c->dead && c->first_len >= 5 && !memcmp(c->first, "HTTP/", 5)) {
        char line[120];
        snprintf(line, sizeof(line), "%.*s", (int)strcspn(c->first, "\r\n"), c->first);
        if (strstr(c->first, "HTTPS"))
            snprintf(c->error, sizeof(c->error), "the builder at %s speaks TLS (it answered \"%s\" to plain HTTP/2): "
                     "give --builder-tlscacert, --builder-tlscert and --builder-tlskey", c->s->peer, line);
        else
            snprintf(c->error, sizeof(c->error), "the server at %s speaks HTTP/1.x, not gRPC over HTTP/2 (it answered "
                     "\"%s\"): is it a Docker engine? use --builder docker with DOCKER_HOST, or tcp:// with TLS",
                     c->s->peer, line);
    }
    if (!c->dead && !c->first_len && c->s->plain_tcp)
        snprintf(c->error, sizeof(c->error), "the builder at %s closed the connection without a word: it may "
                 "speak TLS (then give --builder-tlscacert, --builder-tlscert and --builder-tlskey)", c->s->peer);
    c->dead = true;
    for (grpcc_call *call = c->calls; call; call = call->next)
        finish(call, GRPCC_STATUS_UNAVAILABLE, c->error);
}

/* Write what nghttp2 has; *blocked when the stream is full. */
static int flush(grpcc *c, bool *blocked)
{
    *blocked = false;
    for (;;) {
        if (!c->out_len) {
            ssize_t n = nghttp2_session_mem_send(c->h2, &c->out);
            if (n < 0) {
                snprintf(c->error, sizeof(c->error), "HTTP/2 error on the connection to %s: %s", c->s->peer,
                         nghttp2_strerror((int)n));
                fail(c);
                return -1;
            }
            if (!n)
                return 0;
            c->out_len = (size_t)n;
        }
        ssize_t w = bk_stream_write(c->s, c->out, c->out_len);
        if (w > 0) {
            c->out += w;
            c->out_len -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EAGAIN) {
            *blocked = true;
            return 0;
        }
        snprintf(c->error, sizeof(c->error), "lost the connection to the builder at %s: %s", c->s->peer,
                 w < 0 ? strerror(errno) : "closed");
        if (!c->first_len) {
            /* a server that refused HTTP/2 may have said why before closing */
            ssize_t n = bk_stream_read(c->s, c->first, sizeof(c->first) - 1);
            if (n > 0) {
                c->first_len = (size_t)n;
                c->first[n] = '\0';
            }
        }
        fail(c);
        return -1;
    }
}

static int read_some(grpcc *c)
{
    uint8_t buf[65536];
    c->read_more = false;
    for (int reads = 0; reads < 16; reads++) {
        ssize_t n = bk_stream_read(c->s, buf, sizeof(buf));
        if (n > 0 && c->first_len < sizeof(c->first) - 1) {
            size_t take = sizeof(c->first) - 1 - c->first_len < (size_t)n ? sizeof(c->first) - 1 - c->first_len
                                                                           : (size_t)n;
            memcpy(c->first + c->first_len, buf, take);
            c->first_len += take;
            c->first[c->first_len] = '\0';
        }
        if (n > 0) {
            ssize_t r = nghttp2_session_mem_recv(c->h2, buf, (size_t)n);
            if (r < 0) {
                snprintf(c->error, sizeof(c->error), "HTTP/2 error from the builder at %s: %s", c->s->peer,
                         nghttp2_strerror((int)r));
                fail(c);
                return -1;
            }
            if (c->paused)
                return 0;
            continue;
        }
        if (n < 0 && errno == EAGAIN)
            return 0;
        snprintf(c->error, sizeof(c->error), "the builder at %s closed the connection%s%s", c->s->peer,
                 n == 0 ? "" : ": ", n == 0 ? "" : strerror(errno));
        fail(c);
        return -1;
    }
    c->read_more = true;
    return 0;
}

int grpcc_run(grpcc *c, struct pollfd *extra, size_t n_extra, int timeout_ms, hoist_error *err)
{
    for (size_t i = 0; i < n_extra; i++)
        extra[i].revents = 0;
    if (c->dead)
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "%s", c->error);
    bool blocked;
    if (flush(c, &blocked))
        goto failed;
    struct pollfd pfd[34];
    size_t np = 0;
    int rd = -1, wr = -1;
    if (!c->paused) {
        pfd[np] = (struct pollfd){.fd = c->s->read_fd, .events = POLLIN};
        rd = (int)np++;
    }
    if (blocked) {
        if (rd >= 0 && c->s->write_fd == c->s->read_fd) {
            pfd[rd].events |= POLLOUT;
            wr = rd;
        } else {
            pfd[np] = (struct pollfd){.fd = c->s->write_fd, .events = POLLOUT};
            wr = (int)np++;
        }
    }
    size_t base = np;
    for (size_t i = 0; i < n_extra && np < sizeof(pfd) / sizeof(pfd[0]); i++)
        pfd[np++] = extra[i];
    int pr = poll(pfd, (nfds_t)np, c->read_more && !c->paused ? 0 : timeout_ms);
    if (pr < 0 && errno != EINTR)
        return hoist_error_set(err, HOIST_EFAILED, "poll: %s", strerror(errno));
    for (size_t i = base; i < np; i++)
        extra[i - base].revents = pr > 0 ? pfd[i].revents : 0;
    (void)wr;
    if (!c->paused && (c->read_more || (pr > 0 && rd >= 0 && (pfd[rd].revents & (POLLIN | POLLHUP | POLLERR))))) {
        if (read_some(c))
            goto failed;
    }
    if (flush(c, &blocked))
        goto failed;
    if (!nghttp2_session_want_read(c->h2) && !nghttp2_session_want_write(c->h2)) {
        snprintf(c->error, sizeof(c->error), "the builder at %s ended the HTTP/2 connection", c->s->peer);
        fail(c);
        goto failed;
    }
    return 0;
failed:
    return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "%s", c->error);
}

/* ---- unary -------------------------------------------------------------- */

typedef struct unary_state {
    uint8_t *data;
    size_t len;
    bool got;
    bool oom;
} unary_state;

static int unary_message(grpcc_call *call, const uint8_t *msg, size_t len, void *user)
{
    (void)call;
    unary_state *u = user;
    if (u->got)
        return 0; /* a unary reply has one message */
    u->got = true;
    u->data = malloc(len ? len : 1);
    if (!u->data) {
        u->oom = true;
        return 1;
    }
    memcpy(u->data, msg, len);
    u->len = len;
    return 0;
}

static long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int grpcc_unary(grpcc *c, const char *path, const ProtobufCMessage *req, uint8_t **resp, size_t *resp_len,
                int timeout_ms, int *status, hoist_error *err)
{
    *resp = NULL;
    *resp_len = 0;
    if (status)
        *status = -1;
    unary_state u = {0};
    grpcc_handlers h = {.on_message = unary_message};
    grpcc_call *call = grpcc_start(c, path, NULL, 0, &h, &u);
    if (!call)
        return c->dead ? hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "%s", c->error)
                       : hoist_error_nomem(err);
    if (grpcc_send_msg(call, req)) {
        grpcc_call_free(call);
        return hoist_error_nomem(err);
    }
    grpcc_close_send(call);
    long deadline = mono_ms() + timeout_ms;
    int rc = 0;
    while (!call->done) {
        if (c->cancel && *c->cancel) {
            grpcc_cancel(call);
            rc = hoist_error_set(err, HOIST_EINTERRUPTED, "%s: cancelled", path);
            break;
        }
        long left = deadline - mono_ms();
        if (left <= 0) {
            grpcc_cancel(call);
            rc = hoist_error_setr(err, HOIST_EENV, HOIST_REASON_TIMEOUT, "%s: the builder at %s did not answer "
                                  "within %d s", path, c->s->peer, timeout_ms / 1000);
            break;
        }
        if ((rc = grpcc_run(c, NULL, 0, left > 200 ? 200 : (int)left, err)))
            break;
    }
    if (!rc && status)
        *status = call->status;
    if (!rc && u.oom)
        rc = hoist_error_nomem(err);
    else if (!rc && call->status) {
        rc = hoist_error_setr(err, HOIST_EENV, call->status == GRPCC_STATUS_UNIMPLEMENTED ? HOIST_REASON_UNSUPPORTED
                                                                                          : HOIST_REASON_DAEMON,
                              "%s on the builder at %s failed: %s (gRPC status %s)", path, c->s->peer,
                              call->message[0] ? call->message : "no message", grpcc_status_name(call->status));
    }
    if (!rc && !u.got)
        rc = hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "%s: the builder at %s answered OK without "
                              "a reply message", path, c->s->peer);
    grpcc_call_free(call);
    if (rc) {
        free(u.data);
        return rc;
    }
    *resp = u.data;
    *resp_len = u.len;
    return 0;
}
