/*
 * stream.h - a byte stream to a BuildKit builder, whatever carries it
 * (internal): a socket (unix, tcp, one end of a socketpair), an OpenSSL
 * connection, a libcurl CONNECT_ONLY connection (the daemon's /grpc
 * through the hoist_client's endpoint: unix socket, tcp+TLS, ssh tunnel),
 * or a child process's stdin and stdout (`buildctl dial-stdio` run by
 * ssh, docker exec or kubectl exec).
 *
 * Reads and writes never block: -1 with errno EAGAIN when nothing can move
 * now (poll read_fd for POLLIN, write_fd for POLLOUT), 0 from read at end
 * of stream, -1 with another errno on failure. A stream may hold decrypted
 * bytes poll() cannot see (TLS, curl): readers loop until EAGAIN.
 */
#ifndef HOIST_BUILDKIT_STREAM_H
#define HOIST_BUILDKIT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hoist/error.h"

typedef struct bk_stream bk_stream;

typedef struct bk_stream_ops {
    ssize_t (*read)(bk_stream *s, void *buf, size_t len);
    ssize_t (*write)(bk_stream *s, const void *buf, size_t len);
    void (*close)(bk_stream *s);          /* release impl (not the struct) */
} bk_stream_ops;

struct bk_stream {
    const bk_stream_ops *ops;
    void *impl;
    int read_fd, write_fd;                /* for poll() */
    char peer[320];                       /* who is at the other end, for messages */
    bool plain_tcp;                       /* tcp without TLS: a silent close may mean a TLS port */
};

ssize_t bk_stream_read(bk_stream *s, void *buf, size_t len);
ssize_t bk_stream_write(bk_stream *s, const void *buf, size_t len);
/* Write all of buf, polling up to timeout_ms in total. */
int bk_stream_write_all(bk_stream *s, const void *buf, size_t len, int timeout_ms, hoist_error *err);
void bk_stream_free(bk_stream *s);

/* A connected socket; the stream owns fd (set non-blocking here). */
bk_stream *bk_stream_from_fd(int fd, const char *peer);

/* Read an HTTP/1.1 reply's head (status line and headers) from s:
 * head (NUL-terminated, up to size-1 bytes) and the bytes read past it
 * (*extra, malloc'd; *extra_len). Returns the status code, or -1 with err
 * set (`what` names the request in messages). */
int bk_stream_http_head(bk_stream *s, const char *what, char *head, size_t size, unsigned char **extra,
                        size_t *extra_len, int timeout_ms, hoist_error *err);

#endif
