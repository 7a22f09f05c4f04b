/*
 * hoist/endpoint.h - which Docker daemon to talk to, and why.
 *
 * Resolution follows the docker CLI: the -H/--host flag, then DOCKER_HOST,
 * then DOCKER_CONTEXT (or the current context named in
 * $DOCKER_CONFIG/config.json) looked up in the context store, then the
 * default unix:///var/run/docker.sock. The inputs are passed explicitly
 * (hoist_endpoint_options_from_env() reads them from the environment) so
 * resolution is a pure function of its options and the config files.
 */
#ifndef HOIST_ENDPOINT_H
#define HOIST_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HOIST_DEFAULT_HOST "unix:///var/run/docker.sock"
#define HOIST_PATH_MAX 4096

typedef enum hoist_endpoint_kind {
    HOIST_ENDPOINT_UNIX = 0,
    HOIST_ENDPOINT_TCP,
    HOIST_ENDPOINT_SSH,
} hoist_endpoint_kind;

typedef enum hoist_endpoint_source {
    HOIST_ENDPOINT_FROM_FLAG = 0,        /* -H / --host */
    HOIST_ENDPOINT_FROM_DOCKER_HOST,     /* DOCKER_HOST */
    HOIST_ENDPOINT_FROM_DOCKER_CONTEXT,  /* DOCKER_CONTEXT env or --context */
    HOIST_ENDPOINT_FROM_CONFIG_CONTEXT,  /* currentContext in config.json */
    HOIST_ENDPOINT_FROM_DEFAULT,         /* built-in default socket */
} hoist_endpoint_source;

typedef struct hoist_endpoint_options {
    unsigned int version;        /* HOIST_ENDPOINT_OPTIONS_VERSION */
    const char *host_flag;       /* -H value, or NULL */
    const char *context_flag;    /* --context value, or NULL */
    const char *docker_host;     /* $DOCKER_HOST, or NULL */
    const char *docker_context;  /* $DOCKER_CONTEXT, or NULL */
    const char *docker_config;   /* $DOCKER_CONFIG, or NULL for ~/.docker */
    const char *home;            /* $HOME, used when docker_config is NULL */
    const char *tls_verify;      /* $DOCKER_TLS_VERIFY, or NULL */
    const char *cert_path;       /* $DOCKER_CERT_PATH, or NULL */
    const char *ssh_socket;      /* $HOIST_SSH_SOCKET: the daemon socket on an ssh host;
                                    NULL: /var/run/docker.sock */
} hoist_endpoint_options;

#define HOIST_ENDPOINT_OPTIONS_VERSION 1
#define HOIST_ENDPOINT_OPTIONS_INIT {HOIST_ENDPOINT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

typedef struct hoist_endpoint {
    hoist_endpoint_kind kind;
    hoist_endpoint_source source;
    char host[HOIST_PATH_MAX];         /* the URL as resolved, e.g. unix:///run/x.sock */
    char socket_path[HOIST_PATH_MAX];  /* UNIX: filesystem path of the socket */
    char address[512];                 /* TCP/SSH: host name or address */
    int port;                          /* TCP/SSH: port */
    char ssh_user[256];                /* SSH: user, may be empty */
    char ssh_socket[HOIST_PATH_MAX];   /* SSH: the daemon's socket on the remote host */
    bool tls;                          /* TCP: use TLS */
    bool tls_verify;                   /* TCP+TLS: verify the server certificate */
    char ca_file[HOIST_PATH_MAX];      /* TLS material, may be empty */
    char cert_file[HOIST_PATH_MAX];
    char key_file[HOIST_PATH_MAX];
    char context_name[256];            /* the docker context used, if any */
} hoist_endpoint;

/* Fill options from the process environment (getenv). */
HOIST_EXTERN void hoist_endpoint_options_from_env(hoist_endpoint_options *opts);

/* The names of the docker CLI's contexts ($DOCKER_CONFIG/contexts/meta, as
 * `docker context ls` lists them): "default" first, then the others sorted.
 * *names is a new array of *count malloc'd strings: free it with
 * hoist_endpoint_context_names_free(). A missing store gives just
 * "default"; unreadable entries are skipped. */
HOIST_EXTERN int hoist_endpoint_context_names(const hoist_endpoint_options *opts, char ***names,
                                              size_t *count, hoist_error *err);
HOIST_EXTERN void hoist_endpoint_context_names_free(char **names, size_t count);

/* Resolve which daemon to use. Errors: HOIST_EUSAGE for a malformed host
 * flag, HOIST_EENV for a bad DOCKER_HOST, unknown context or unreadable
 * context metadata. */
HOIST_EXTERN int hoist_endpoint_resolve(const hoist_endpoint_options *opts, hoist_endpoint *out,
                           hoist_error *err);

/* Parse one host URL (unix://, tcp://, ssh://, or a bare host:port which
 * means tcp) into `out` (source left unchanged). */
HOIST_EXTERN int hoist_endpoint_parse_host(const char *host, hoist_endpoint *out, hoist_error *err);

/* Human description of how the endpoint was chosen, e.g. "from DOCKER_HOST". */
HOIST_EXTERN const char *hoist_endpoint_source_describe(hoist_endpoint_source source);

#ifdef __cplusplus
}
#endif
#endif
