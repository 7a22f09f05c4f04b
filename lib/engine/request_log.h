/*
 * request_log.h - the client's request log: redaction and line splitting
 * (internal).
 *
 * A hoist_client made with a log callback (hoist_client_options.log) has
 * every Engine API request, its reply and each line of a streamed reply
 * passed to it (transport.c). Everything passed goes through the
 * redaction here first: header values of X-Registry-Auth,
 * X-Registry-Config, Authorization, Proxy-Authorization and Cookie, the
 * query parameters that carry credentials or build arguments (buildargs,
 * registryauth, auth, password, token, secret), and in stream lines the
 * JSON string values of keys that hold credentials (identitytoken,
 * password, auth, registrytoken, secret, token, ...). The callback never
 * sees them, so no caller can print them by mistake.
 */
#ifndef HOIST_ENGINE_REQUEST_LOG_H
#define HOIST_ENGINE_REQUEST_LOG_H

#include <stddef.h>
#include "hoist/client.h"

#define HOIST_REDACTED "<redacted>"

/* "Name: value" with the value replaced when Name carries credentials. */
void hoist_log_redact_header(const char *header, char *out, size_t size);
/* A request path with the values of credential query parameters replaced. */
void hoist_log_redact_path(const char *path, char *out, size_t size);
/* A line of a reply with credential JSON string values replaced; out is
 * NUL-terminated and its length returned (truncated to size - 1). */
size_t hoist_log_redact_line(const char *line, size_t len, char *out, size_t size);

/* Splits a streamed reply into lines for the callback. */
typedef struct hoist_log_lines {
    hoist_log_fn fn;
    void *user;
    const char *method;
    const char *path;   /* already redacted */
    char buf[8192];     /* the partial line; a longer line is passed in pieces */
    size_t len;
} hoist_log_lines;

void hoist_log_lines_feed(hoist_log_lines *l, const char *data, size_t len);
/* Pass what is left without a final newline. */
void hoist_log_lines_flush(hoist_log_lines *l);

#endif
