/*
 * svc_ssh.c - moby.sshforward.v1.SSH: CheckAgent says whether an agent id
 * is configured; ForwardAgent connects to that agent's unix socket and
 * relays BytesMessage payloads both ways. The id comes from the
 * "buildkit.ssh.id" metadata ("default" when absent). Reads from the agent
 * happen in pump steps when the socket is readable (the session loop polls
 * it); writes to the agent are small protocol messages.
 */
#include "session/session_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "session_ssh.pb-c.h"

static const hoist_session_ssh *find_agent(hoist_session *s, const char *id)
{
    if (!id || !id[0])
        id = "default";
    for (size_t i = 0; i < s->cfg.n_ssh; i++) {
        const char *cid = s->cfg.ssh[i].id && s->cfg.ssh[i].id[0] ? s->cfg.ssh[i].id : "default";
        if (!strcmp(cid, id))
            return &s->cfg.ssh[i];
    }
    return NULL;
}

void svc_ssh_check_done(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    const char *id = NULL;
    Moby__Sshforward__V1__CheckAgentRequest *req = NULL;
    if (grpc_call_state(call)) {
        const unary_req *r = grpc_call_state(call);
        req = moby__sshforward__v1__check_agent_request__unpack(NULL, r->len, r->data);
        id = req ? req->id : NULL;
    }
    const hoist_session_ssh *a = find_agent(s, id);
    if (req)
        moby__sshforward__v1__check_agent_request__free_unpacked(req, NULL);
    if (!a) {
        grpc_call_finish(call, GRPC_NOT_FOUND, "unset ssh forward key");
        return;
    }
    Moby__Sshforward__V1__CheckAgentResponse resp = MOBY__SSHFORWARD__V1__CHECK_AGENT_RESPONSE__INIT;
    if (grpc_call_send(call, &resp.base))
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "cannot queue the reply");
    else
        grpc_call_finish(call, GRPC_OK, NULL);
}

typedef struct forward {
    int fd;
    uint8_t buf[16384];
} forward;

void svc_ssh_forward_start(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    const char *id = NULL;
    grpc_call_metadata(call, "buildkit.ssh.id", &id, 1);
    const hoist_session_ssh *a = find_agent(s, id);
    if (!a) {
        grpc_call_finish(call, GRPC_NOT_FOUND, "unset ssh forward key");
        return;
    }
    const char *path = a->socket;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (!path || strlen(path) >= sizeof(addr.sun_path)) {
        grpc_call_finish(call, GRPC_NOT_FOUND, "no usable ssh agent socket");
        return;
    }
    strcpy(addr.sun_path, path);
    forward *fw = calloc(1, sizeof(*fw));
    if (!fw) {
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    fw->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fw->fd < 0 || connect(fw->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        char msg[600];
        snprintf(msg, sizeof(msg), "cannot connect to the ssh agent at %s: %s", path, strerror(errno));
        if (fw->fd >= 0)
            close(fw->fd);
        free(fw);
        grpc_call_finish(call, GRPC_UNAVAILABLE, msg);
        return;
    }
    fcntl(fw->fd, F_SETFL, fcntl(fw->fd, F_GETFL) | O_NONBLOCK);
    grpc_call_set_state(call, fw);
    grpc_call_watch_fd(call, fw->fd);
    grpc_call_want_pump(call, true);
}

void svc_ssh_forward_message(grpc_call *call, const uint8_t *msg, size_t len)
{
    forward *fw = grpc_call_state(call);
    if (!fw)
        return;
    Moby__Sshforward__V1__BytesMessage *m = moby__sshforward__v1__bytes_message__unpack(NULL, len, msg);
    if (!m) {
        grpc_call_finish(call, GRPC_INVALID_ARGUMENT, "cannot decode BytesMessage");
        return;
    }
    size_t off = 0;
    while (off < m->data.len) {
        ssize_t n = write(fw->fd, m->data.data + off, m->data.len - off);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd p = {.fd = fw->fd, .events = POLLOUT};
            if (poll(&p, 1, 1000) <= 0)
                break;
        } else {
            break;
        }
    }
    bool short_write = off < m->data.len;
    moby__sshforward__v1__bytes_message__free_unpacked(m, NULL);
    if (short_write)
        grpc_call_finish(call, GRPC_UNAVAILABLE, "the ssh agent stopped reading");
}

void svc_ssh_forward_half_close(grpc_call *call)
{
    forward *fw = grpc_call_state(call);
    if (fw)
        shutdown(fw->fd, SHUT_WR);
}

void svc_ssh_forward_pump(grpc_call *call)
{
    forward *fw = grpc_call_state(call);
    if (!fw)
        return;
    ssize_t n = read(fw->fd, fw->buf, sizeof(fw->buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        grpc_call_finish(call, GRPC_OK, NULL);
        return;
    }
    Moby__Sshforward__V1__BytesMessage m = MOBY__SSHFORWARD__V1__BYTES_MESSAGE__INIT;
    m.data.data = fw->buf;
    m.data.len = (size_t)n;
    if (grpc_call_send(call, &m.base))
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "cannot queue agent data");
}

void svc_ssh_forward_free(grpc_call *call)
{
    forward *fw = grpc_call_state(call);
    if (fw) {
        close(fw->fd);
        free(fw);
    }
}
