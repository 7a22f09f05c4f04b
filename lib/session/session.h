/*
 * session.h - a BuildKit session attached to the Docker daemon (internal;
 * the build engine calls this).
 *
 * hoist_session_start hijacks a new connection with POST /session
 * (Upgrade: h2c), and once the daemon has answered 101 serves gRPC on it
 * from a thread of its own: Health (so the daemon keeps the session),
 * FileSync/DiffCopy for the dirs "context" and "dockerfile" (fsutil
 * protocol; only files the daemon asks for are read, in bounded chunks),
 * Auth/Credentials from the docker config, Secrets/GetSecret and SSH
 * agent forwarding from the configured lists, FileSend for a tar export. Pass the session's id as
 * `session=` of POST /build?version=2; close it after the build.
 */
#ifndef HOIST_SESSION_SESSION_H
#define HOIST_SESSION_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "hoist/client.h"
#include "hoist/error.h"

typedef struct hoist_session hoist_session;

typedef struct hoist_session_secret {
    const char *id;    /* RUN --mount=type=secret,id=<id> */
    const char *file;  /* read from this file, or */
    const char *env;   /* from this environment variable (when file is NULL) */
} hoist_session_secret;

typedef struct hoist_session_ssh {
    const char *id;      /* RUN --mount=type=ssh,id=<id> ("default" when empty) */
    const char *socket;  /* agent socket (the caller resolves $SSH_AUTH_SOCK) */
} hoist_session_ssh;

typedef struct hoist_session_config {
    const char *context_dir;       /* served as dir "context" */
    const char *dockerfile_dir;    /* served as dir "dockerfile" */
    const char *name;              /* X-Docker-Expose-Session-Name; NULL: context_dir */
    const hoist_session_secret *secrets;
    size_t n_secrets;
    const hoist_session_ssh *ssh;
    size_t n_ssh;
    const char *docker_config_dir; /* auths for Auth/Credentials ($DOCKER_CONFIG), or NULL: */
    const char *home;              /* <home>/.docker; both NULL: no credentials */
    const char *path_env;          /* $PATH for docker-credential-NAME helpers; NULL: a default */
    const char *output_tar;        /* FileSend (tar exporter) writes here; NULL: not served */
    volatile int *cancel;          /* non-zero: stop serving (may be NULL) */
} hoist_session_config;

typedef struct hoist_session_stats {
    uint64_t stat_packets;   /* STAT packets sent (entries, plus the final empty one) */
    uint64_t req_packets;    /* REQ packets received */
    uint64_t files_sent;     /* files whose data was sent completely */
    uint64_t bytes_sent;     /* file data bytes sent */
    uint64_t health_checks;
    uint64_t calls;          /* gRPC calls received */
    uint64_t unimplemented;  /* of which answered UNIMPLEMENTED */
    uint64_t secrets_sent;
    uint64_t credentials_asked;
    uint64_t output_bytes;   /* bytes written to output_tar */
    uint64_t max_step_us;    /* longest time the session thread was away from
                                poll(): bounds the wait of a health check */
} hoist_session_stats;

int hoist_session_start(hoist_session **out, hoist_client *client, const hoist_session_config *cfg,
                        hoist_error *err);
const char *hoist_session_id(const hoist_session *s);

/* A session carried by something else than POST /session (BuildKit's
 * Control.Session gRPC stream): prepare it (checks, id, shared key), send
 * its headers as the stream's metadata, then serve it on one end of a
 * socketpair whose other end the caller pumps to and from the stream.
 * Close it with hoist_session_close as usual (also when never served). */
typedef struct hoist_session_header {
    const char *name;     /* lower case, as gRPC metadata */
    const char *value;    /* valid while the session lives */
} hoist_session_header;
int hoist_session_prepare(hoist_session **out, const hoist_session_config *cfg, hoist_error *err);
/* Fills up to max headers (uuid, name, sharedkey, one grpc-method per
 * served method); returns how many there are. */
int hoist_session_headers(const hoist_session *s, hoist_session_header *out, size_t max);
/* Before serving: FileSend (an exporter's tar) writes to `path`. */
int hoist_session_set_output_tar(hoist_session *s, const char *path, hoist_error *err);
/* Serve on fd (taken over, closed with the session) from the session's
 * thread; `peer` names the far end in messages. */
int hoist_session_serve_fd(hoist_session *s, int fd, const char *peer, hoist_error *err);
void hoist_session_get_stats(hoist_session *s, hoist_session_stats *out);
/* True once the session stopped serving on its own: the daemon closed it
 * or the connection was lost (thread-safe; poll it during the build). */
bool hoist_session_ended(hoist_session *s);
/* Stop serving, free, and return the session's own failure if one
 * happened (connection lost, a file could not be read). NULL is fine. */
int hoist_session_close(hoist_session *s, hoist_error *err);

#endif
