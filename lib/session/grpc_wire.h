/*
 * grpc_wire.h - what gRPC's server (session/grpc.c) and client
 * (buildkit/grpc_client.c) both put on and take off the wire (internal).
 *
 * The status codes and their names, the 5-byte message framing (flag,
 * big-endian length) of outgoing and incoming messages, a queue of framed
 * messages drained into nghttp2 DATA frames as flow control allows, a
 * buffer reassembling incoming messages across DATA frames, and the
 * percent-encoding of grpc-message, and the HTTP/2 session both open
 * (nghttp2, with the same windows). Each side keeps its own callbacks,
 * headers and call state.
 */
#ifndef HOIST_SESSION_GRPC_WIRE_H
#define HOIST_SESSION_GRPC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nghttp2/nghttp2.h>
#include <protobuf-c/protobuf-c.h>

enum {
    GRPC_OK = 0,
    GRPC_CANCELLED = 1,
    GRPC_UNKNOWN = 2,
    GRPC_INVALID_ARGUMENT = 3,
    GRPC_NOT_FOUND = 5,
    GRPC_PERMISSION_DENIED = 7,
    GRPC_RESOURCE_EXHAUSTED = 8,
    GRPC_FAILED_PRECONDITION = 9,
    GRPC_UNIMPLEMENTED = 12,
    GRPC_INTERNAL = 13,
    GRPC_UNAVAILABLE = 14,
};

/* "UNAVAILABLE" for 14, ...; "UNKNOWN" outside the table. */
const char *grpc_status_name(int status);

/* Framed messages waiting to be sent. Zero-initialise. */
typedef struct grpc_out_chunk grpc_out_chunk;
typedef struct grpc_outq {
    grpc_out_chunk *head, *tail;
    size_t queued;            /* bytes not yet drained */
} grpc_outq;

/* Queue one message: `msg` packed, or else `len` bytes of `bytes`; `len`
 * is the payload length (protobuf_c_message_get_packed_size for msg).
 * Returns 0 or -1 (out of memory). */
int grpc_outq_push(grpc_outq *q, const ProtobufCMessage *msg, const uint8_t *bytes, size_t len);
/* Move up to `size` queued bytes into buf; returns how many. */
size_t grpc_outq_drain(grpc_outq *q, uint8_t *buf, size_t size);
void grpc_outq_clear(grpc_outq *q);

/* Incoming bytes of one call. Zero-initialise. */
typedef struct grpc_inbuf {
    uint8_t *data;
    size_t len, cap;
} grpc_inbuf;

enum { GRPC_INBUF_TOO_BIG = -1, GRPC_INBUF_NOMEM = -2 };
/* Append; the buffer never grows beyond max_cap bytes. Returns 0,
 * GRPC_INBUF_TOO_BIG or GRPC_INBUF_NOMEM. */
int grpc_inbuf_append(grpc_inbuf *in, const uint8_t *data, size_t len, size_t max_cap);

enum { GRPC_FRAME_COMPRESSED = -1, GRPC_FRAME_TOO_BIG = -2 };
/* The next message at *pos: 1 with *msg and *len set and *pos past it, 0 when
 * it is not all there yet, GRPC_FRAME_COMPRESSED, or GRPC_FRAME_TOO_BIG
 * (its announced length in *len is above max). */
int grpc_inbuf_next(const grpc_inbuf *in, size_t *pos, size_t max, const uint8_t **msg, size_t *len);
/* Drop the first n bytes (the messages grpc_inbuf_next went past). */
void grpc_inbuf_consume(grpc_inbuf *in, size_t n);
void grpc_inbuf_free(grpc_inbuf *in);

/* Parse a frame header: the payload length, or -1 when fewer than 5
 * bytes; *compressed gets the flag. */
long grpc_frame_length(const uint8_t *buf, size_t len, bool *compressed);

/* gRPC's percent-encoding of grpc-message into out (NUL-terminated,
 * truncated to fit), and its decoding. */
void grpc_percent_encode(const char *in, char *out, size_t size);
void grpc_percent_decode(const char *in, size_t len, char *out, size_t size);

/* The nghttp2 callbacks a side handles (on_begin_headers may be NULL). */
typedef struct grpc_h2_callbacks {
    nghttp2_on_begin_headers_callback on_begin_headers;
    nghttp2_on_header_callback on_header;
    nghttp2_on_frame_recv_callback on_frame_recv;
    nghttp2_on_data_chunk_recv_callback on_data_chunk_recv;
    nghttp2_on_stream_close_callback on_stream_close;
} grpc_h2_callbacks;

/* A server or client session with `user` as its user data, SETTINGS
 * queued (a server allows 128 concurrent streams, a client refuses push;
 * 1 MiB stream windows) and a 16 MiB connection window. Returns 0 or -1
 * (*h2 is then NULL). */
int grpc_h2_session_new(nghttp2_session **h2, bool server, const grpc_h2_callbacks *cb, void *user);

#endif
