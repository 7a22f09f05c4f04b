/*
 * dial.c - builder addresses to gRPC connections (see dial.h).
 *
 * The Docker engine's /grpc: a new connection through the client's
 * transport (engine/raw_conn.h: libcurl makes it, so unix sockets, TLS
 * with DOCKER_CERT_PATH and the ssh tunnel all work), POST /vX.Y/grpc with
 * Connection: Upgrade and Upgrade: h2c, a 101, and from then on the
 * connection is HTTP/2 with hoist as the client: it sends the client
 * preface itself (no HTTP2-Settings upgrade dance, as BuildKit's own
 * clients do). Bytes read past the 101 already belong to HTTP/2.
 */
#include "buildkit/dial.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "engine/client_internal.h"
#include "engine/raw_conn.h"

#define UPGRADE_TIMEOUT_MS 30000

/* ---- a libcurl CONNECT_ONLY connection as a stream ---------------------- */

static ssize_t raw_read(bk_stream *s, void *buf, size_t len) { return hoist_raw_conn_recv(s->impl, buf, len); }
static ssize_t raw_write(bk_stream *s, const void *buf, size_t len) { return hoist_raw_conn_send(s->impl, buf, len); }
static void raw_close(bk_stream *s) { hoist_raw_conn_free(s->impl); }
static const bk_stream_ops raw_ops = {raw_read, raw_write, raw_close};

static bk_stream *stream_from_raw(hoist_raw_conn *conn)
{
    bk_stream *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->ops = &raw_ops;
    s->impl = conn;
    s->read_fd = s->write_fd = conn->fd;
    snprintf(s->peer, sizeof(s->peer), "%s", conn->host);
    return s;
}

/* POST /grpc with Upgrade: h2c on a fresh HTTP/1.1 stream; on success the
 * gRPC client owns the stream. */
int bk_grpc_upgrade(bk_stream *s, const char *path, const char *authority, grpcc **out, hoist_error *err)
{
    char req[512];
    int n = snprintf(req, sizeof(req),
                     "POST %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: hoist/0.2\r\nConnection: Upgrade\r\n"
                     "Upgrade: h2c\r\nContent-Length: 0\r\n\r\n", path, authority);
    int rc = bk_stream_write_all(s, req, (size_t)n, UPGRADE_TIMEOUT_MS, err);
    if (rc)
        return rc;
    char head[8192];
    _cleanup_free_ unsigned char *extra = NULL;
    size_t extra_len = 0;
    int status = bk_stream_http_head(s, "POST /grpc", head, sizeof(head), &extra, &extra_len, UPGRADE_TIMEOUT_MS,
                                     err);
    if (status < 0)
        return err->code;
    if (status != 101) {
        const char *body = extra ? (const char *)extra : "";
        char first[300];
        snprintf(first, sizeof(first), "%.*s", (int)(extra_len < 299 ? extra_len : 299), body);
        char *nl = strchr(first, '\n');
        if (nl)
            *nl = '\0';
        hoist_error_setr(err, HOIST_EENV, status == 404 ? HOIST_REASON_UNSUPPORTED : HOIST_REASON_DAEMON,
                         "the Docker engine at %s refused POST /grpc (HTTP %d)%s%s", s->peer, status,
                         first[0] ? ": " : "", first);
        return hoist_error_hint(err, "BuildKit's Control API through the engine needs Docker 18.09 or later "
                                     "with BuildKit enabled; or give a buildkitd address with --builder");
    }
    grpcc *c = grpcc_new(s, authority, extra, extra_len);
    if (!c)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "cannot start HTTP/2 (out of memory)");
    *out = c;
    return 0;
}

static int dial_docker(const bk_dial_options *o, grpcc **out, bk_dial_info *info, hoist_error *err)
{
    if (!o->engine)
        return hoist_error_set(err, HOIST_EUSAGE, "--builder docker needs a Docker engine client");
    char path[128];
    int rc = hoist_client_versioned_path(o->engine, "/grpc", path, sizeof(path), err);
    if (rc)
        return rc;
    hoist_raw_conn *conn = NULL;
    if ((rc = hoist_transport_raw_open(hoist_client_transport(o->engine), &conn, err)))
        return rc;
    bk_stream *s = stream_from_raw(conn);
    if (!s) {
        hoist_raw_conn_free(conn);
        return hoist_error_nomem(err);
    }
    if ((rc = bk_grpc_upgrade(s, path, "docker", out, err))) {
        bk_stream_free(s);
        return rc;
    }
    info->engine_is_builder = true;
    info->via_dockerd = true;
    snprintf(info->describe, sizeof(info->describe), "the BuildKit of the Docker engine at %s (its /grpc endpoint)",
             s->peer);
    return 0;
}

/* ---- unix:// ------------------------------------------------------------ */

static int dial_unix(const char *path, grpcc **out, bk_dial_info *info, hoist_error *err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--builder unix://%s: the path is too long "
                                "for a unix socket", path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return hoist_error_set(err, HOIST_EFAILED, "socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        int e = errno;
        close(fd);
        hoist_error_setr(err, HOIST_EENV, e == EACCES ? HOIST_REASON_PERMISSION : HOIST_REASON_CONNECT,
                         "cannot connect to the BuildKit builder at unix://%s: %s", path, strerror(e));
        return hoist_error_hint(err, e == EACCES ? "you may not use that socket: check its owner and mode"
                                                 : "is buildkitd running? (buildkitd --addr unix://%s)", path);
    }
    char peer[300];
    snprintf(peer, sizeof(peer), "unix://%s", path);
    bk_stream *s = bk_stream_from_fd(fd, peer);
    if (!s)
        return hoist_error_nomem(err);
    grpcc *c = grpcc_new(s, "localhost", NULL, 0);
    if (!c) {
        bk_stream_free(s);
        return hoist_error_nomem(err);
    }
    *out = c;
    snprintf(info->describe, sizeof(info->describe), "the BuildKit builder at %s", peer);
    return 0;
}

/* ---- addresses ---------------------------------------------------------- */

static bool has_prefix(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

int bk_address_check(const char *a, hoist_error *err)
{
    if (a && (!strcmp(a, "docker") || (has_prefix(a, "unix://") && a[7]) || (has_prefix(a, "tcp://") && a[6]) ||
              (has_prefix(a, "ssh://") && a[6]) || (has_prefix(a, "docker-container://") && a[19]) ||
              (has_prefix(a, "kube-pod://") && a[11])))
        return 0;
    hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--builder '%s' is not a BuildKit address", a ? a : "");
    return hoist_error_hint(err, "write docker (the engine's own BuildKit), unix:///run/buildkit/buildkitd.sock, "
                                 "tcp://HOST:PORT, ssh://HOST, docker-container://NAME or kube-pod://NAME");
}

int bk_dial(const bk_dial_options *o, grpcc **out, bk_dial_info *info, hoist_error *err)
{
    *out = NULL;
    memset(info, 0, sizeof(*info));
    int rc = bk_address_check(o->address, err);
    if (rc)
        return rc;
    const char *a = o->address;
    if (!strcmp(a, "docker"))
        return dial_docker(o, out, info, err);
    if (has_prefix(a, "unix://"))
        return dial_unix(a + 7, out, info, err);
    if (has_prefix(a, "tcp://"))
        return bk_dial_tcp(o, a + 6, out, info, err);
    return bk_dial_stdio(o, out, info, err);
}
