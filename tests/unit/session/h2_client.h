/*
 * h2_client.h - an in-memory HTTP/2 gRPC client (nghttp2) wired straight
 * to a grpc_server, for the session unit tests: requests go in, bytes are
 * shuttled both ways until nothing moves, and each stream's response
 * headers, data and trailers are recorded.
 */
#ifndef HOIST_TEST_H2_CLIENT_H
#define HOIST_TEST_H2_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session/grpc.h"

#define H2C_MAX_STREAMS 16

typedef struct h2c_stream {
    int32_t id;
    int status;                /* grpc-status, -1 until trailers */
    char message[1024];        /* grpc-message as received (percent-encoded) */
    char content_type[64];
    uint8_t *data;             /* response DATA bytes (framed messages) */
    size_t len, cap;
    bool closed;
    /* request body still to send */
    const uint8_t *body;
    size_t body_len, body_off;
    bool end_after_body;
} h2c_stream;

typedef struct h2c {
    void *session;             /* nghttp2_session */
    grpc_server *srv;
    h2c_stream streams[H2C_MAX_STREAMS];
    size_t n;
} h2c;

void h2c_init(h2c *c, grpc_server *srv);
void h2c_free(h2c *c);
/* Start a call; `md` is NULL-terminated name/value pairs. The body (framed
 * messages, kept by the caller) is sent; end_stream half-closes after it. */
h2c_stream *h2c_call(h2c *c, const char *path, const char *const *md, const uint8_t *body, size_t len,
                     bool end_stream);
/* Send more body on an open stream. */
void h2c_send(h2c *c, h2c_stream *s, const uint8_t *body, size_t len, bool end_stream);
/* Shuttle bytes (and pump the server) until nothing moves. */
void h2c_run(h2c *c);
/* Frame a message: returns a new buffer of 5 + len bytes. */
uint8_t *h2c_frame(const uint8_t *msg, size_t len, size_t *out_len);
/* The i-th framed message of a stream's response (pointer into data). */
bool h2c_message(const h2c_stream *s, size_t index, const uint8_t **msg, size_t *len);

#endif
