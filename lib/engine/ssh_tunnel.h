/*
 * ssh_tunnel.h - reach a daemon on an ssh:// host (internal).
 *
 * The transport speaks HTTP over a unix socket; for ssh endpoints it runs
 * `ssh -nNT -L LOCAL:REMOTE` (OpenSSH stream-local forwarding) and talks to
 * the local end, which ssh connects to the daemon's socket on the remote
 * host for each connection. The user's ssh configuration, agent and known
 * hosts apply; BatchMode makes a missing key an error instead of a prompt.
 */
#ifndef HOIST_ENGINE_SSH_TUNNEL_H
#define HOIST_ENGINE_SSH_TUNNEL_H

#include <sys/types.h>
#include "hoist/endpoint.h"
#include "hoist/error.h"

typedef struct hoist_ssh_tunnel {
    pid_t pid;              /* the ssh process, 0 when closed */
    int stderr_fd;          /* ssh's stderr (non-blocking), -1 when closed */
    char dir[64];           /* private directory holding the local socket */
    char socket[128];       /* local end of the tunnel */
    char said[1024];        /* what ssh printed, kept for diagnoses */
} hoist_ssh_tunnel;

/* Start ssh and wait (up to 20 s) until the local socket exists. */
int hoist_ssh_tunnel_open(const hoist_endpoint *endpoint, hoist_ssh_tunnel *tunnel, hoist_error *err);

/* Collect what ssh printed so far into tunnel->said (last lines kept). */
void hoist_ssh_tunnel_collect(hoist_ssh_tunnel *tunnel);

/* Stop ssh and remove the local socket. Safe to call twice. */
void hoist_ssh_tunnel_close(hoist_ssh_tunnel *tunnel);

#endif
