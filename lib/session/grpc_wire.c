/*
 * grpc_wire.c - gRPC message framing, the send queue, reassembly and
 * grpc-message percent-encoding, and the HTTP/2 session setup shared by
 * the session's server and the BuildKit client (see grpc_wire.h).
 */
#include "session/grpc_wire.h"

#include <stdlib.h>
#include <string.h>

struct grpc_out_chunk {
    grpc_out_chunk *next;
    size_t len, off;
    uint8_t data[];
};

static const char *const status_names[] = {
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
    "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
};

const char *grpc_status_name(int status)
{
    if (status >= 0 && (size_t)status < sizeof(status_names) / sizeof(status_names[0]))
        return status_names[status];
    return "UNKNOWN";
}

int grpc_outq_push(grpc_outq *q, const ProtobufCMessage *msg, const uint8_t *bytes, size_t len)
{
    grpc_out_chunk *o = malloc(sizeof(*o) + 5 + len);
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
    if (q->tail)
        q->tail->next = o;
    else
        q->head = o;
    q->tail = o;
    q->queued += o->len;
    return 0;
}

size_t grpc_outq_drain(grpc_outq *q, uint8_t *buf, size_t size)
{
    size_t n = 0;
    while (n < size && q->head) {
        grpc_out_chunk *o = q->head;
        size_t take = o->len - o->off;
        if (take > size - n)
            take = size - n;
        memcpy(buf + n, o->data + o->off, take);
        o->off += take;
        n += take;
        q->queued -= take;
        if (o->off == o->len) {
            q->head = o->next;
            if (!q->head)
                q->tail = NULL;
            free(o);
        }
    }
    return n;
}

void grpc_outq_clear(grpc_outq *q)
{
    for (grpc_out_chunk *o = q->head, *n; o; o = n) {
        n = o->next;
        free(o);
    }
    q->head = q->tail = NULL;
    q->queued = 0;
}

int grpc_inbuf_append(grpc_inbuf *in, const uint8_t *data, size_t len, size_t max_cap)
{
    if (in->len + len > in->cap) {
        size_t cap = in->cap ? in->cap : 16384;
        while (cap < in->len + len)
            cap *= 2;
        if (cap > max_cap)
            cap = max_cap;
        if (in->len + len > cap)
            return GRPC_INBUF_TOO_BIG;
        uint8_t *ni = realloc(in->data, cap);
        if (!ni)
            return GRPC_INBUF_NOMEM;
        in->data = ni;
        in->cap = cap;
    }
    memcpy(in->data + in->len, data, len);
    in->len += len;
    return 0;
}

long grpc_frame_length(const uint8_t *b, size_t len, bool *compressed)
{
    if (len < 5)
        return -1;
    *compressed = b[0] != 0;
    return (long)((uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4]);
}

int grpc_inbuf_next(const grpc_inbuf *in, size_t *pos, size_t max, const uint8_t **msg, size_t *len)
{
    bool compressed;
    long n = grpc_frame_length(in->data + *pos, in->len - *pos, &compressed);
    if (n < 0)
        return 0;
    *len = (size_t)n;
    if (compressed)
        return GRPC_FRAME_COMPRESSED;
    if ((size_t)n > max)
        return GRPC_FRAME_TOO_BIG;
    if (in->len - *pos - 5 < (size_t)n)
        return 0;
    *msg = in->data + *pos + 5;
    *pos += 5 + (size_t)n;
    return 1;
}

void grpc_inbuf_consume(grpc_inbuf *in, size_t n)
{
    if (n >= in->len) {
        in->len = 0;
        return;
    }
    memmove(in->data, in->data + n, in->len - n);
    in->len -= n;
}

void grpc_inbuf_free(grpc_inbuf *in)
{
    free(in->data);
    *in = (grpc_inbuf){0};
}

void grpc_percent_encode(const char *in, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (!size)
        return;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        if (*p >= 0x20 && *p <= 0x7e && *p != '%') {
            if (o + 1 >= size)
                break;
            out[o++] = (char)*p;
        } else {
            if (o + 3 >= size)
                break;
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
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

void grpc_percent_decode(const char *in, size_t len, char *out, size_t size)
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

int grpc_h2_session_new(nghttp2_session **h2, bool server, const grpc_h2_callbacks *cb, void *user)
{
    *h2 = NULL;
    nghttp2_session_callbacks *cbs;
    if (nghttp2_session_callbacks_new(&cbs))
        return -1;
    if (cb->on_begin_headers)
        nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, cb->on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cbs, cb->on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, cb->on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, cb->on_data_chunk_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, cb->on_stream_close);
    int rc = server ? nghttp2_session_server_new(h2, cbs, user) : nghttp2_session_client_new(h2, cbs, user);
    nghttp2_session_callbacks_del(cbs);
    if (rc) {
        *h2 = NULL;
        return -1;
    }
    nghttp2_settings_entry settings[] = {
        server ? (nghttp2_settings_entry){NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 128}
               : (nghttp2_settings_entry){NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20},
    };
    if (nghttp2_submit_settings(*h2, NGHTTP2_FLAG_NONE, settings, 2) ||
        nghttp2_session_set_local_window_size(*h2, NGHTTP2_FLAG_NONE, 0, 16 << 20)) {
        nghttp2_session_del(*h2);
        *h2 = NULL;
        return -1;
    }
    return 0;
}
