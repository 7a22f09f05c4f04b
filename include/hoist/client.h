/*
 * hoist/client.h - a connection to one Docker daemon over the Engine API.
 *
 * A client resolves nothing itself: give it an endpoint (see endpoint.h).
 * hoist_client_negotiate() pings the daemon and picks the API version:
 * min(client maximum, daemon maximum), or the pinned DOCKER_API_VERSION,
 * which must not exceed the daemon's maximum. Every later call uses the
 * /vX.Y prefix of that version.
 */
#ifndef HOIST_CLIENT_H
#define HOIST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include "hoist/endpoint.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hoist_client hoist_client;

/* The request log: what a client sends and receives, for -v / HOIST_LOG.
 * Credentials never reach the callback: header values of X-Registry-Auth,
 * X-Registry-Config, Authorization, Proxy-Authorization and Cookie, the
 * query parameters buildargs, registryauth, auth, password, token and
 * secret, and in stream lines the JSON string values of keys such as
 * identitytoken, password, auth and token are replaced by "<redacted>". */
typedef enum hoist_log_event {
    HOIST_LOG_REQUEST = 0,   /* about to send: method, path, headers */
    HOIST_LOG_RESPONSE,      /* done: status (0 when no reply came), seconds */
    HOIST_LOG_STREAM_LINE,   /* one line of a streamed reply (build, push) */
} hoist_log_event;

typedef struct hoist_log_record {
    hoist_log_event event;
    const char *method;           /* "GET", "POST", ... */
    const char *path;             /* "/v1.43/build?t=x" (redacted) */
    const char *const *headers;   /* REQUEST: NULL-terminated "Name: value" (redacted) */
    long status;                  /* RESPONSE */
    double seconds;               /* RESPONSE: total time */
    const char *line;             /* STREAM_LINE: without its newline (redacted) */
    size_t line_len;
} hoist_log_record;

/* Called on the thread making the request; the record is valid during the
 * call only. */
typedef void (*hoist_log_fn)(const hoist_log_record *record, void *user);

typedef struct hoist_client_options {
    unsigned int version;            /* HOIST_CLIENT_OPTIONS_VERSION */
    const hoist_endpoint *endpoint;  /* required; copied */
    const char *api_version_pin;     /* DOCKER_API_VERSION, or NULL to negotiate */
    long request_timeout_ms;         /* for short calls (ping, version, info); 0 = 30 s */
    /* version 2: */
    hoist_log_fn log;                /* request log, or NULL */
    void *log_user;
} hoist_client_options;

/* Version 1 (without log) is still accepted. */
#define HOIST_CLIENT_OPTIONS_VERSION 2
#define HOIST_CLIENT_OPTIONS_INIT {HOIST_CLIENT_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL}

typedef struct hoist_ping {
    char api_version[32];      /* daemon's maximum API version (API-Version header) */
    char builder_version[16];  /* "1" classic, "2" BuildKit default; empty if absent */
    char os_type[32];
    bool experimental;
    double seconds;            /* round trip */
} hoist_ping;

typedef struct hoist_server_version {
    char version[64];          /* Engine version, e.g. 20.10.24+dfsg1 */
    char api_version[32];
    char min_api_version[32];
    char os[32];
    char arch[32];
    char kernel_version[128];
    char go_version[32];
    char git_commit[64];
} hoist_server_version;

typedef struct hoist_server_info {
    char name[256];
    char server_version[64];
    char storage_driver[64];
    char docker_root_dir[HOIST_PATH_MAX];
    char operating_system[256];
    char os_type[32];
    char architecture[32];
    char cgroup_driver[32];
    int ncpu;
    long long mem_total;
    long long containers;
    long long images;
} hoist_server_info;

HOIST_EXTERN int hoist_client_new(const hoist_client_options *opts, hoist_client **out, hoist_error *err);
HOIST_EXTERN void hoist_client_free(hoist_client *client);

/* Ping and choose the API version. Idempotent: later calls reuse it. */
HOIST_EXTERN int hoist_client_negotiate(hoist_client *client, hoist_error *err);

/* The version in use ("" before negotiation), and whether it was pinned. */
HOIST_EXTERN const char *hoist_client_api_version(const hoist_client *client);
HOIST_EXTERN bool hoist_client_api_version_pinned(const hoist_client *client);

/* The last ping's result (valid after negotiate). */
HOIST_EXTERN const hoist_ping *hoist_client_last_ping(const hoist_client *client);

HOIST_EXTERN const hoist_endpoint *hoist_client_endpoint(const hoist_client *client);

/* GET /_ping (unversioned). */
HOIST_EXTERN int hoist_client_ping(hoist_client *client, hoist_ping *out, hoist_error *err);
/* GET /vX.Y/version and /vX.Y/info; negotiate first if needed. */
HOIST_EXTERN int hoist_client_version(hoist_client *client, hoist_server_version *out, hoist_error *err);
HOIST_EXTERN int hoist_client_info(hoist_client *client, hoist_server_info *out, hoist_error *err);

#ifdef __cplusplus
}
#endif
#endif
