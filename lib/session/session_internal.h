/*
 * session_internal.h - the session's state shared by its services.
 *
 * Everything here is touched by the session thread only, except the
 * counters (atomics, read by hoist_session_get_stats) and `stop`.
 */
#ifndef HOIST_SESSION_INTERNAL_H
#define HOIST_SESSION_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "engine/raw_conn.h"
#include "session/grpc.h"
#include "session/session.h"

/* A credential helper runs on the session thread (Auth.Credentials):
 * it must answer well within the daemon's health-check patience. */
#define SESSION_HELPER_TIMEOUT_MS 5000

struct hoist_session {
    char id[32];
    char shared_key[65];
    char *context_dir;
    char *dockerfile_dir;
    char *config_dir;
    char *home;
    char *path_env;
    char *output_tar;
    hoist_session_config cfg;   /* secrets and ssh point into the caller's arrays */
    hoist_raw_conn *conn;
    grpc_server *srv;
    uint8_t *early;             /* bytes read past the 101 */
    size_t early_len;
    pthread_t thread;
    bool thread_started;
    int wake[2];
    atomic_int stop;
    atomic_int ended;           /* the thread returned (lost connection, failure, or stop) */
    atomic_uint_fast64_t stat_packets, req_packets, files_sent, bytes_sent, health_checks, secrets_sent,
        credentials_asked, calls, unimplemented, output_bytes, max_step_us;
    bool failed;                /* set by the thread; read after join */
    hoist_error failure;
    bool peer_closed;
};

#define SESSION_COUNT(s, field, n) atomic_fetch_add(&(s)->field, (uint64_t)(n))

/* A unary call's request, kept by svc_unary_message until half-close. */
typedef struct unary_req {
    size_t len;
    uint8_t data[];
} unary_req;

/* The served methods (services.c). */
extern const grpc_method hoist_session_methods[];
extern const size_t hoist_session_n_methods;

/* Service handlers, one file each. */
void svc_filesync_start(grpc_call *call);
void svc_filesync_message(grpc_call *call, const uint8_t *msg, size_t len);
void svc_filesync_pump(grpc_call *call);
void svc_filesync_free(grpc_call *call);

void svc_filesend_start(grpc_call *call);
void svc_filesend_message(grpc_call *call, const uint8_t *msg, size_t len);
void svc_filesend_half_close(grpc_call *call);
void svc_filesend_free(grpc_call *call);

void svc_unary_message(grpc_call *call, const uint8_t *msg, size_t len);
void svc_unary_free(grpc_call *call);
void svc_health_done(grpc_call *call);
void svc_credentials_done(grpc_call *call);
void svc_secret_done(grpc_call *call);
void svc_ssh_check_done(grpc_call *call);
void svc_ssh_forward_start(grpc_call *call);
void svc_ssh_forward_message(grpc_call *call, const uint8_t *msg, size_t len);
void svc_ssh_forward_half_close(grpc_call *call);
void svc_ssh_forward_pump(grpc_call *call);
void svc_ssh_forward_free(grpc_call *call);

#endif
