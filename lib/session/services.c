/*
 * services.c - the methods the session serves, and the unary ones:
 * Health/Check, Auth/Credentials (GetTokenAuthority and FetchToken are
 * left UNIMPLEMENTED, which BuildKit reads as "no token auth") and
 * Secrets/GetSecret. FileSync is in svc_filesync.c, FileSend in
 * svc_filesend.c, SSH in svc_ssh.c.
 *
 * A unary call keeps its one request message and answers when the client
 * half-closes, from the session thread, without blocking: a secret file is
 * small (BuildKit's limit is 500 KiB) and read at once.
 */
#include "session/session_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health.pb-c.h"
#include "registry/credentials.h"

#include "session_auth.pb-c.h"
#include "session_secrets.pb-c.h"

#define SECRET_MAX (500u * 1024)

const grpc_method hoist_session_methods[] = {
    {"/grpc.health.v1.Health/Check", NULL, svc_unary_message, svc_health_done, NULL, svc_unary_free},
    {"/moby.filesync.v1.FileSync/DiffCopy", svc_filesync_start, svc_filesync_message, NULL, svc_filesync_pump,
     svc_filesync_free},
    {"/moby.filesync.v1.FileSend/DiffCopy", svc_filesend_start, svc_filesend_message, svc_filesend_half_close,
     NULL, svc_filesend_free},
    {"/moby.filesync.v1.Auth/Credentials", NULL, svc_unary_message, svc_credentials_done, NULL, svc_unary_free},
    {"/moby.buildkit.secrets.v1.Secrets/GetSecret", NULL, svc_unary_message, svc_secret_done, NULL,
     svc_unary_free},
    {"/moby.sshforward.v1.SSH/CheckAgent", NULL, svc_unary_message, svc_ssh_check_done, NULL, svc_unary_free},
    {"/moby.sshforward.v1.SSH/ForwardAgent", svc_ssh_forward_start, svc_ssh_forward_message,
     svc_ssh_forward_half_close, svc_ssh_forward_pump, svc_ssh_forward_free},
};
const size_t hoist_session_n_methods = sizeof(hoist_session_methods) / sizeof(hoist_session_methods[0]);

void svc_unary_message(grpc_call *call, const uint8_t *msg, size_t len)
{
    if (grpc_call_state(call)) {
        grpc_call_finish(call, GRPC_INVALID_ARGUMENT, "more than one request message in a unary call");
        return;
    }
    unary_req *r = malloc(sizeof(*r) + len);
    if (!r) {
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    r->len = len;
    memcpy(r->data, msg, len);
    grpc_call_set_state(call, r);
}

void svc_unary_free(grpc_call *call)
{
    unary_req *r = grpc_call_state(call);
    if (r) {
        explicit_bzero(r->data, r->len);
        free(r);
    }
}

/* The request of a unary call, or NULL after finishing the call. */
static const unary_req *request_of(grpc_call *call)
{
    const unary_req *r = grpc_call_state(call);
    if (!r)
        grpc_call_finish(call, GRPC_INVALID_ARGUMENT, "no request message");
    return r;
}

static void reply(grpc_call *call, const ProtobufCMessage *msg)
{
    if (grpc_call_send(call, msg))
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "cannot queue the reply");
    else
        grpc_call_finish(call, GRPC_OK, NULL);
}

void svc_health_done(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    SESSION_COUNT(s, health_checks, 1);
    Grpc__Health__V1__HealthCheckResponse resp = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
    resp.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
    reply(call, &resp.base);
}

void svc_credentials_done(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    const unary_req *r = request_of(call);
    if (!r)
        return;
    Moby__Filesync__V1__CredentialsRequest *req =
        moby__filesync__v1__credentials_request__unpack(NULL, r->len, r->data);
    if (!req) {
        grpc_call_finish(call, GRPC_INVALID_ARGUMENT, "cannot decode CredentialsRequest");
        return;
    }
    SESSION_COUNT(s, credentials_asked, 1);
    /* One lookup for every engine (lib/registry): auths, credsStore and
     * credHelpers. A helper runs on this thread; its timeout is kept
     * below the daemon's patience for health checks being answered. */
    hoist_credentials_options copts = {
        .config_dir = s->config_dir,
        .home = s->home,
        .path_env = s->path_env,
        .helper_timeout_ms = SESSION_HELPER_TIMEOUT_MS,
    };
    char username[512], secret[8192];
    hoist_error err = HOIST_ERROR_INIT;
    int rc = (s->config_dir || s->home)
                 ? hoist_credentials_lookup(&copts, req->host ? req->host : "", username, sizeof username, secret,
                                            sizeof secret, &err)
                 : (username[0] = secret[0] = '\0', 0);
    moby__filesync__v1__credentials_request__free_unpacked(req, NULL);
    if (rc) {
        grpc_call_finish(call, GRPC_INTERNAL, err.message);
        return;
    }
    Moby__Filesync__V1__CredentialsResponse resp = MOBY__FILESYNC__V1__CREDENTIALS_RESPONSE__INIT;
    resp.username = username;
    resp.secret = secret;
    reply(call, &resp.base);
    explicit_bzero(username, sizeof username);
    explicit_bzero(secret, sizeof secret);
}

static int read_secret(const hoist_session_secret *sec, uint8_t **data, size_t *len, char *why, size_t why_size)
{
    *data = NULL;
    *len = 0;
    if (!sec->file) {
        const char *v = sec->env ? getenv(sec->env) : NULL;
        if (!v) {
            snprintf(why, why_size, "secret %s: environment variable %s is not set", sec->id,
                     sec->env ? sec->env : "(none)");
            return GRPC_NOT_FOUND;
        }
        *len = strlen(v);
        if (!(*data = malloc(*len + 1)))
            return GRPC_RESOURCE_EXHAUSTED;
        memcpy(*data, v, *len);
        return 0;
    }
    int fd = open(sec->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(why, why_size, "secret %s: cannot open %s: %s", sec->id, sec->file, strerror(errno));
        return GRPC_NOT_FOUND;
    }
    uint8_t *buf = malloc(SECRET_MAX + 1);
    if (!buf) {
        close(fd);
        return GRPC_RESOURCE_EXHAUSTED;
    }
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, SECRET_MAX + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, why_size, "secret %s: cannot read %s: %s", sec->id, sec->file, strerror(errno));
            explicit_bzero(buf, n);
            free(buf);
            close(fd);
            return GRPC_NOT_FOUND;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > SECRET_MAX) {
            snprintf(why, why_size, "secret %s: %s is larger than %u bytes", sec->id, sec->file, SECRET_MAX);
            explicit_bzero(buf, n);
            free(buf);
            close(fd);
            return GRPC_RESOURCE_EXHAUSTED;
        }
    }
    close(fd);
    *data = buf;
    *len = n;
    return 0;
}

void svc_secret_done(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    const unary_req *r = request_of(call);
    if (!r)
        return;
    Moby__Buildkit__Secrets__V1__GetSecretRequest *req =
        moby__buildkit__secrets__v1__get_secret_request__unpack(NULL, r->len, r->data);
    if (!req) {
        grpc_call_finish(call, GRPC_INVALID_ARGUMENT, "cannot decode GetSecretRequest");
        return;
    }
    const hoist_session_secret *sec = NULL;
    for (size_t i = 0; i < s->cfg.n_secrets; i++)
        if (req->id && !strcmp(s->cfg.secrets[i].id, req->id))
            sec = &s->cfg.secrets[i];
    char why[600];
    if (!sec) {
        snprintf(why, sizeof(why), "secret %s not found", req->id ? req->id : "");
        moby__buildkit__secrets__v1__get_secret_request__free_unpacked(req, NULL);
        grpc_call_finish(call, GRPC_NOT_FOUND, why);
        return;
    }
    moby__buildkit__secrets__v1__get_secret_request__free_unpacked(req, NULL);
    uint8_t *data;
    size_t len;
    int status = read_secret(sec, &data, &len, why, sizeof(why));
    if (status) {
        grpc_call_finish(call, status, why);
        return;
    }
    Moby__Buildkit__Secrets__V1__GetSecretResponse resp = MOBY__BUILDKIT__SECRETS__V1__GET_SECRET_RESPONSE__INIT;
    resp.data.data = data;
    resp.data.len = len;
    reply(call, &resp.base);
    SESSION_COUNT(s, secrets_sent, 1);
    explicit_bzero(data, len);
    free(data);
}
