/*
 * dial.h - connect to a BuildKit builder by address and start gRPC on the
 * connection (internal).
 *
 * Addresses (buildctl's, plus one of hoist's):
 *   docker                  the Docker engine of the hoist_client (DOCKER_HOST:
 *                           unix socket, tcp+TLS, ssh), through its /grpc
 *                           endpoint (HTTP/1.1 Upgrade: h2c, then BuildKit's
 *                           Control API as on buildkitd's own socket)
 *   unix:///PATH            buildkitd's socket (h2c gRPC directly)
 *   tcp://HOST:PORT         buildkitd with mutual TLS (ALPN h2), or a Docker
 *                           engine's TLS port (no h2 from ALPN: /_ping, then
 *                           /grpc on the same TLS connection)
 *   ssh://[USER@]HOST[:PORT]       `ssh HOST buildctl dial-stdio`
 *   docker-container://NAME        `docker exec -i NAME buildctl dial-stdio`
 *   kube-pod://NAME[?namespace=NS&container=C&context=CTX]
 *                           `kubectl [--context CTX] exec [--namespace NS] [-c C] -i NAME -- buildctl dial-stdio`
 */
#ifndef HOIST_BUILDKIT_DIAL_H
#define HOIST_BUILDKIT_DIAL_H

#include <signal.h>
#include <stdbool.h>

#include "buildkit/grpc_client.h"
#include "hoist/client.h"
#include "hoist/error.h"

typedef struct bk_dial_options {
    const char *address;
    hoist_client *engine;          /* the engine hoist builds for ("docker") */
    const char *tls_ca, *tls_cert, *tls_key;   /* tcp:// */
    const char *tls_server_name;   /* NULL: the address's host */
    const char *path_env;          /* $PATH for ssh, docker, kubectl */
} bk_dial_options;

typedef struct bk_dial_info {
    bool engine_is_builder;        /* the builder is the hoist_client's engine: images land there */
    bool via_dockerd;              /* the Control API of a Docker engine (/grpc) */
    char describe[512];            /* "the Docker engine's BuildKit at unix:///... (/grpc)" */
    char engine_id[512];           /* via_dockerd over tcp: the engine's "ID DockerRootDir" (GET /info) */
} bk_dial_info;

/* Is `address` one of the forms above? (no connection) HOIST_EUSAGE with
 * a hint when not. */
int bk_address_check(const char *address, hoist_error *err);

int bk_dial(const bk_dial_options *opts, grpcc **out, bk_dial_info *info, hoist_error *err);

/* POST `path` (/grpc) with Upgrade: h2c on a fresh HTTP/1.1 stream to a
 * Docker engine; on success *out owns the stream. */
int bk_grpc_upgrade(bk_stream *s, const char *path, const char *authority, grpcc **out, hoist_error *err);

/* dial_remote.c: tcp:// (TLS) and the dial-stdio helpers. */
int bk_dial_tcp(const bk_dial_options *o, const char *hostport, grpcc **out, bk_dial_info *info, hoist_error *err);
int bk_dial_stdio(const bk_dial_options *o, grpcc **out, bk_dial_info *info, hoist_error *err);
/* A new connection to a tcp:// builder (TLS when certificate options are
 * given); *h2: ALPN chose h2 (or plain h2c), else a Docker engine's port
 * speaking HTTP/1.1 on it. */
int bk_dial_tcp_stream(const bk_dial_options *o, bk_stream **out, bool *h2, hoist_error *err);

#endif
