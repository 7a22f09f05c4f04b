/*
 * diagnose.c - turn "could not reach the daemon" into a diagnosis.
 *
 * Users see the same few failures again and again; each gets its own
 * message and a hint that says what to do: the socket file is missing (no
 * daemon running), it exists but nobody listens (a stale socket), the
 * caller may not open it (the docker group, or the rootless socket), the
 * path is not a socket, or a tcp daemon refused or did not answer.
 */
#include "engine/transport.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void rootless_hint(char *buf, size_t size)
{
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/docker.sock", runtime && *runtime ? runtime : "/run/user/<uid>");
    struct stat st;
    if (runtime && *runtime && stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        snprintf(buf, size, "; a rootless daemon is listening at %s: export DOCKER_HOST=unix://%s",
                 path, path);
    else
        buf[0] = '\0';
}

static int diagnose_unix(const hoist_endpoint *ep, int os_errno, const char *detail, hoist_error *err)
{
    const char *sock = ep->socket_path;
    struct stat st;
    char rootless[1200];
    rootless_hint(rootless, sizeof(rootless));

    if (stat(sock, &st) != 0) {
        if (errno == EACCES) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PERMISSION,
                             "permission denied while looking up the Docker socket %s", sock);
            return hoist_error_hint(err, "a directory on the way to %s is not searchable for you; "
                                         "run as a user who may use Docker%s", sock, rootless);
        }
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_NOT_FOUND,
                         "cannot connect to the Docker daemon at %s: the socket %s does not exist, "
                         "so the daemon is not running", ep->host, sock);
        return hoist_error_hint(err, "start the daemon (e.g. 'sudo systemctl start docker' or "
                                     "'sudo dockerd &'), or point DOCKER_HOST / -H at a running one%s",
                                rootless);
    }
    if (!S_ISSOCK(st.st_mode)) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_INVALID,
                         "cannot connect to the Docker daemon at %s: %s is not a socket",
                         ep->host, sock);
        return hoist_error_hint(err, "check DOCKER_HOST / -H; it must name the daemon's unix socket");
    }
    if (os_errno == EACCES || os_errno == EPERM) {
        struct group *gr = getgrgid(st.st_gid);
        char group[256];
        snprintf(group, sizeof(group), "%s", gr ? gr->gr_name : "");
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PERMISSION,
                         "permission denied while trying to connect to the Docker daemon socket at %s "
                         "(owned by uid %u, group %s, mode %03o)",
                         ep->host, (unsigned)st.st_uid, group[0] ? group : "?",
                         (unsigned)(st.st_mode & 0777));
        if (group[0] && strcmp(group, "root"))
            return hoist_error_hint(err, "add your user to the '%s' group ('sudo usermod -aG %s $USER', "
                                         "then log in again), or run as root%s",
                                    group, group, rootless);
        return hoist_error_hint(err, "run as root, or use a rootless daemon's socket "
                                     "(DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock)%s", rootless);
    }
    if (os_errno == ECONNREFUSED) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                         "cannot connect to the Docker daemon at %s: connection refused; the socket "
                         "exists but no daemon is listening (a stale socket left by a daemon that stopped)",
                         ep->host);
        return hoist_error_hint(err, "restart the daemon (e.g. 'sudo systemctl restart docker'); "
                                     "if none should run there, remove the stale socket %s", sock);
    }
    hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "cannot connect to the Docker daemon at %s: %s", ep->host,
                     os_errno ? strerror(os_errno) : detail);
    return hoist_error_hint(err, "check that the daemon is running and that DOCKER_HOST / -H is right");
}

int hoist_diagnose_connect(const hoist_endpoint *endpoint, int os_errno, const char *detail,
                           hoist_error *err)
{
    if (!detail)
        detail = "unknown error";
    if (endpoint->kind == HOIST_ENDPOINT_UNIX)
        return diagnose_unix(endpoint, os_errno, detail, err);
    if (os_errno == ECONNREFUSED) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                         "cannot connect to the Docker daemon at %s: connection refused, no daemon "
                         "listens on %s:%d", endpoint->host, endpoint->address, endpoint->port);
        return hoist_error_hint(err, "start the daemon with -H tcp://0.0.0.0:%d, or fix DOCKER_HOST / -H",
                                endpoint->port);
    }
    hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                     "cannot connect to the Docker daemon at %s: %s", endpoint->host,
                     os_errno ? strerror(os_errno) : detail);
    return hoist_error_hint(err, "check the address, the network path and, for TLS, DOCKER_CERT_PATH "
                                 "and DOCKER_TLS_VERIFY");
}
