/*
 * raw_conn.h - a raw byte connection to the daemon, for protocols the
 * daemon switches to after an HTTP/1.1 "101 Switching Protocols" (the
 * BuildKit session's h2c hijack).
 *
 * libcurl makes the connection (unix socket, tcp, TLS with the endpoint's
 * certificates, the ssh tunnel's local socket) with CURLOPT_CONNECT_ONLY;
 * after that the caller speaks HTTP itself through curl_easy_send and
 * curl_easy_recv, so TLS stays curl's business. The connection owns its
 * own libcurl table and handle: it may live on another thread than the
 * transport it came from, but not longer than it (the ssh tunnel).
 */
#ifndef HOIST_ENGINE_RAW_CONN_H
#define HOIST_ENGINE_RAW_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "engine/curl_api.h"
#include "engine/transport.h"

typedef struct hoist_raw_conn {
    hoist_curl_api api;
    CURL *curl;
    int fd;                /* the socket, for poll() */
    char host[300];        /* for messages */
} hoist_raw_conn;

/* Connect to the transport's endpoint. */
int hoist_transport_raw_open(hoist_transport *transport, hoist_raw_conn **out, hoist_error *err);

/* A connected socket without curl (the stream owns fd). -1 when out of
 * memory (fd is then not closed). */
int hoist_raw_conn_from_fd(int fd, const char *host, hoist_raw_conn **out);

/* Never block. Return the byte count; -1 with errno EAGAIN when nothing
 * can move now; -1 with errno ECONNRESET (or another) on failure; recv
 * returns 0 when the peer closed. */
ssize_t hoist_raw_conn_send(hoist_raw_conn *conn, const void *buf, size_t len);
ssize_t hoist_raw_conn_recv(hoist_raw_conn *conn, void *buf, size_t len);

/* Send all of buf, waiting (poll) up to timeout_ms in total. */
int hoist_raw_conn_send_all(hoist_raw_conn *conn, const void *buf, size_t len, int timeout_ms,
                            hoist_error *err);

void hoist_raw_conn_free(hoist_raw_conn *conn);

#endif
