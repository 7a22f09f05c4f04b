/*
 * grpc.h - a small gRPC server over one HTTP/2 connection (nghttp2), for
 * the BuildKit session, where the daemon is the client (internal).
 *
 * The server owns no socket: the session loop feeds it the bytes it reads
 * (grpc_server_feed) and writes what it produces (grpc_server_output), so
 * the same code runs over a unix socket, TLS or an ssh tunnel, and in unit
 * tests over a buffer. Calls are dispatched on ":path" to a table of
 * methods; any other path is answered UNIMPLEMENTED. Messages use gRPC's
 * 5-byte framing (flag, big-endian length) across DATA frames in both
 * directions; a message above GRPC_MAX_MESSAGE ends the call with
 * RESOURCE_EXHAUSTED. Replies queue on the call and drain as HTTP/2 flow
 * control allows; a handler that has more to produce (file data) asks to
 * be pumped and is called again only while its queue is short, so memory
 * stays flat and every pump is a bounded step.
 */
#ifndef HOIST_SESSION_GRPC_H
#define HOIST_SESSION_GRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <protobuf-c/protobuf-c.h>

#include "session/grpc_wire.h" /* status codes, framing, percent-encoding */

#define GRPC_MAX_MESSAGE (16u * 1024 * 1024)
/* Request metadata entries kept per call (one per exclude pattern, so a
 * long .dockerignore makes many); a call with more is refused. */
#define GRPC_MAX_METADATA 100000u
/* A pumped call is called again only while fewer bytes than this wait. */
#define GRPC_PUMP_WATERMARK (256u * 1024)

typedef struct grpc_server grpc_server;
typedef struct grpc_call grpc_call;

/* A served method. Every callback is optional. After grpc_call_finish
 * only on_free is called. */
typedef struct grpc_method {
    const char *path;                                   /* "/pkg.Service/Method" */
    void (*on_start)(grpc_call *call);                  /* request headers complete */
    void (*on_message)(grpc_call *call, const uint8_t *msg, size_t len);
    void (*on_half_close)(grpc_call *call);             /* the client sent all it will */
    void (*on_pump)(grpc_call *call);                   /* room for more output */
    void (*on_free)(grpc_call *call);                   /* release the call's state */
} grpc_method;

/* `user` is handed to handlers through grpc_call_user. */
grpc_server *grpc_server_new(const grpc_method *methods, size_t n_methods, void *user);
void grpc_server_free(grpc_server *srv);

/* Bytes read from the peer. Returns 0, or -1 on an HTTP/2 protocol error
 * (message in grpc_server_error). */
int grpc_server_feed(grpc_server *srv, const uint8_t *data, size_t len);
/* Next bytes to write: *data valid until the next call; 0 when nothing is
 * due; -1 on an internal error. */
ssize_t grpc_server_output(grpc_server *srv, const uint8_t **data);
/* Run each call that asked to be pumped and has room, once. Returns true
 * when some call still wants pumping (do not sleep in poll). */
bool grpc_server_pump(grpc_server *srv);
/* Descriptors that pumped calls wait on (grpc_call_watch_fd): poll them
 * for POLLIN with the connection. Fills up to max, returns the count. */
size_t grpc_server_watch_fds(const grpc_server *srv, int *fds, size_t max);
/* False once the connection is finished (GOAWAY exchanged or fatal). */
bool grpc_server_alive(const grpc_server *srv);
const char *grpc_server_error(const grpc_server *srv);
/* Calls served so far per outcome, for stats and tests. */
unsigned long grpc_server_calls(const grpc_server *srv);
unsigned long grpc_server_unimplemented(const grpc_server *srv);

void *grpc_call_user(const grpc_call *call);
const char *grpc_call_path(const grpc_call *call);
void *grpc_call_state(const grpc_call *call);
void grpc_call_set_state(grpc_call *call, void *state);
/* Values of request metadata `key` (lower case), in order; returns how
 * many there are, filling up to `max`. */
size_t grpc_call_metadata(const grpc_call *call, const char *key, const char **values, size_t max);

/* Queue a message (framed). Returns 0 or -1 (out of memory, too big, or
 * the call is finished). */
int grpc_call_send(grpc_call *call, const ProtobufCMessage *msg);
int grpc_call_send_bytes(grpc_call *call, const uint8_t *payload, size_t len);
/* Bytes queued and not yet handed to HTTP/2. */
size_t grpc_call_queued(const grpc_call *call);
void grpc_call_want_pump(grpc_call *call, bool want);
/* The call's pump waits for `fd` to be readable (-1: no fd, pump at once). */
void grpc_call_watch_fd(grpc_call *call, int fd);
/* End the call after the queued messages: trailers with grpc-status and
 * (percent-encoded) grpc-message. Idempotent: the first status wins. */
void grpc_call_finish(grpc_call *call, int status, const char *message);
bool grpc_call_finished(const grpc_call *call);

#endif
