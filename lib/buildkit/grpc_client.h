/*
 * grpc_client.h - a gRPC client over one HTTP/2 connection (nghttp2) on a
 * builder byte stream (internal).
 *
 * The caller drives it: grpcc_run polls the stream (and any descriptors
 * the caller adds), feeds what arrives to nghttp2 and writes what nghttp2
 * produces, then returns, so one thread can run several calls at once
 * (BuildKit's Solve, Status and Session) and do its own work in between.
 * Calls are unary, server-streaming or bidirectional alike: send messages
 * (5-byte framed, any size up to GRPCC_MAX_MESSAGE, split across DATA
 * frames as flow control allows), close the sending side, and receive
 * messages through a callback until the call is done. A call is done when
 * the trailers arrive (grpc-status, percent-decoded grpc-message; a
 * "trailers-only" reply counts), when the stream is reset, or when the
 * connection is lost; a non-200 reply or a reply that is not
 * application/grpc ends it too, with a message saying so.
 */
#ifndef HOIST_BUILDKIT_GRPC_CLIENT_H
#define HOIST_BUILDKIT_GRPC_CLIENT_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "buildkit/stream.h"
#include "hoist/error.h"

#define GRPCC_MAX_MESSAGE (64u * 1024 * 1024)

/* Status codes besides the server's: the connection went away. */
#define GRPCC_STATUS_UNAVAILABLE 14
#define GRPCC_STATUS_CANCELLED 1
#define GRPCC_STATUS_INTERNAL 13
#define GRPCC_STATUS_UNIMPLEMENTED 12

typedef struct grpcc grpcc;
typedef struct grpcc_call grpcc_call;

typedef struct grpcc_md {
    const char *name;      /* lower case */
    const char *value;
} grpcc_md;

typedef struct grpcc_handlers {
    /* a whole message; return non-zero to cancel the call */
    int (*on_message)(grpcc_call *call, const uint8_t *msg, size_t len, void *user);
    /* the call is done (status 0 = OK) */
    void (*on_done)(grpcc_call *call, int status, const char *message, void *user);
} grpcc_handlers;

/* Take over `stream` (freed by grpcc_free). `early`: bytes already read
 * from it that belong to HTTP/2 (after a protocol switch). `authority`:
 * the :authority header. NULL when out of memory. */
grpcc *grpcc_new(bk_stream *stream, const char *authority, const uint8_t *early, size_t early_len);
void grpcc_free(grpcc *c);
bk_stream *grpcc_stream(grpcc *c);

/* Start a call to `path` ("/pkg.Service/Method") with metadata. The call
 * belongs to the client (freed with it) until grpcc_call_free. */
grpcc_call *grpcc_start(grpcc *c, const char *path, const grpcc_md *md, size_t n_md,
                        const grpcc_handlers *handlers, void *user);
int grpcc_send(grpcc_call *call, const uint8_t *msg, size_t len);
int grpcc_send_msg(grpcc_call *call, const ProtobufCMessage *msg);
/* No more messages from this side (END_STREAM after the queue). */
void grpcc_close_send(grpcc_call *call);
/* Reset the stream (RST_STREAM CANCEL): the server cancels the call. */
void grpcc_cancel(grpcc_call *call);
bool grpcc_call_done(const grpcc_call *call);
int grpcc_call_status(const grpcc_call *call);
const char *grpcc_call_message(const grpcc_call *call);
size_t grpcc_call_queued(const grpcc_call *call);
void grpcc_call_free(grpcc_call *call);

/* One round: write what is due, poll the stream and `extra` (revents are
 * filled for the caller) up to timeout_ms, read what arrived. Returns 0,
 * or HOIST_EENV when the connection failed (every open call is then done
 * with UNAVAILABLE and the reason). */
int grpcc_run(grpcc *c, struct pollfd *extra, size_t n_extra, int timeout_ms, hoist_error *err);
/* Stop reading from the stream while true (back-pressure). */
void grpcc_pause_read(grpcc *c, bool pause);
bool grpcc_alive(const grpcc *c);
/* Why the connection ended ("" while alive). */
const char *grpcc_error(const grpcc *c);

/* A unary call run to its end: request `req`, reply bytes in *resp
 * (malloc'd). A non-OK status is HOIST_EENV (HOIST_EUNSUPPORTED-like
 * reason for UNIMPLEMENTED) with the method, the status name and the
 * server's message; *status gets the gRPC status (may be NULL). */
int grpcc_unary(grpcc *c, const char *path, const ProtobufCMessage *req, uint8_t **resp, size_t *resp_len,
                int timeout_ms, int *status, hoist_error *err);

/* grpcc_unary gives up with HOIST_EINTERRUPTED once *cancel is non-zero
 * (NULL: never). */
void grpcc_set_cancel(grpcc *c, volatile sig_atomic_t *cancel);

/* "UNAVAILABLE" for 14, ... */
const char *grpcc_status_name(int status);
/* Decode gRPC's percent-encoding of grpc-message into out. */
void grpcc_percent_decode(const char *in, size_t len, char *out, size_t size);
/* Parse a gRPC message frame header: returns the payload length, or -1
 * when fewer than 5 bytes; *compressed gets the flag. */
long grpcc_frame_length(const uint8_t *buf, size_t len, bool *compressed);

#endif
