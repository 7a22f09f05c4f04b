/*
 * transport.h - HTTP to the Docker daemon over libcurl (internal).
 *
 * One hoist_transport per endpoint. Unix sockets and tcp (+TLS with client
 * certificates) are handled by libcurl; ssh:// endpoints go through an
 * OpenSSH stream-local forward to the remote daemon's socket (ssh_tunnel.c)
 * that lives as long as the transport. Requests can stream their body from a callback (chunked
 * upload, used by builds) and stream the response to a callback (the build
 * message stream), so neither side is ever held in memory whole. Connection
 * failures are diagnosed (socket missing, stale socket, permission denied,
 * refused, timeout) into a hoist_error with a hint.
 */
#ifndef HOIST_ENGINE_TRANSPORT_H
#define HOIST_ENGINE_TRANSPORT_H

#include <stddef.h>
#include "hoist/client.h"
#include "hoist/endpoint.h"
#include "hoist/error.h"

typedef struct hoist_transport hoist_transport;

/* Fill buf with up to len body bytes; return the count, 0 at the end, or
 * HOIST_BODY_ABORT to abort the request. */
#define HOIST_BODY_ABORT ((size_t)-1)
typedef size_t (*hoist_body_source_fn)(char *buf, size_t len, void *user);
/* Receive response bytes; return 0 to go on, non-zero to stop. */
typedef int (*hoist_body_sink_fn)(const char *data, size_t len, void *user);
/* Polled during a transfer; return non-zero to cancel it. */
typedef int (*hoist_cancel_fn)(void *user);

typedef struct hoist_http_request {
    const char *method;          /* "GET", "HEAD", "POST", ... */
    const char *path;            /* absolute path incl. version prefix and query */
    const char *const *headers;  /* NULL-terminated "Name: value" list, or NULL */
    const void *body;            /* fixed body (copied by curl), or NULL */
    size_t body_len;
    hoist_body_source_fn body_source; /* streaming body (chunked), or NULL */
    void *body_user;
    hoist_body_sink_fn sink;     /* streaming response; NULL collects into response.body */
    void *sink_user;
    hoist_cancel_fn cancel;      /* optional cancellation poll */
    void *cancel_user;
    long timeout_ms;             /* whole request; 0 = none */
    long idle_timeout_s;         /* abort when no byte moves for this long; 0 = none */
} hoist_http_request;

typedef struct hoist_http_response {
    long status;
    char *body;                  /* collected body (NUL-terminated) when no sink */
    size_t body_len;
    char api_version[32];        /* API-Version header */
    char builder_version[16];    /* Builder-Version header */
    char os_type[32];            /* OSType header */
    char docker_experimental[8]; /* Docker-Experimental header */
    double seconds;              /* total time */
} hoist_http_response;

int hoist_transport_new(const hoist_endpoint *endpoint, hoist_transport **out, hoist_error *err);
void hoist_transport_free(hoist_transport *transport);
/* Pass every request, reply and streamed reply line to `fn`, redacted
 * (request_log.h). */
void hoist_transport_set_log(hoist_transport *transport, hoist_log_fn fn, void *user);

/* Perform one request. Returns 0 when an HTTP response arrived (any
 * status); HOIST_EENV with a diagnosis when the daemon could not be
 * reached or the connection dropped; HOIST_EINTERRUPTED when cancelled. */
int hoist_transport_request(hoist_transport *transport, const hoist_http_request *request,
                            hoist_http_response *response, hoist_error *err);

void hoist_http_response_clear(hoist_http_response *response);

/* URL-encode `text` for a query string; a new string (free()), NULL when
 * out of memory. */
char *hoist_transport_escape(hoist_transport *transport, const char *text);

/* Diagnose a failure to reach `endpoint` given the OS errno of the connect
 * attempt (0 when unknown) and curl's text. Always returns HOIST_EENV. */
int hoist_diagnose_connect(const hoist_endpoint *endpoint, int os_errno, const char *detail,
                           hoist_error *err);

#endif
