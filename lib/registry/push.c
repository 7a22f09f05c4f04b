/*
 * push.c - hoist_push(): POST /images/{name}/push?tag= with X-Registry-Auth,
 * the daemon's JSON progress stream decoded into build events, and a
 * failure decoded into one diagnosis (registry_errors.c).
 *
 * The daemon does the registry work (layer uploads, token dance); hoist
 * finds the credentials the docker CLI would send and reads the stream:
 * {"status":"Pushing","progressDetail":{"current","total"},"id":layer},
 * "Pushed", "Layer already exists", the final {"aux":{"Tag","Digest",
 * "Size"}}, or {"errorDetail":{"message"}}. Every text from the daemon is
 * redacted of the secret in use before it is shown, as a precaution.
 */
#include "registry/auth_header.h"
#include "registry/credentials.h"
#include "registry/registry_errors.h"
#include "registry/registry_internal.h"
#include "build/json_stream.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "engine/client_internal.h"
#include "hoist/dockerfile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

HOIST_DEFINE_FREEP(char, hoist_registry_header_free)
HOIST_DEFINE_FREEP(hoist_json_stream, hoist_json_stream_free)
HOIST_DEFINE_FREEP(hoist_image_ref, hoist_image_ref_free)

double hoist_registry_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int hoist_split_image_name(const char *image, char *name, size_t name_size, char *tag, size_t tag_size,
                           char *digest, size_t digest_size)
{
    char buf[1024];
    if (snprintf(buf, sizeof(buf), "%s", image) >= (int)sizeof(buf))
        return -1;
    digest[0] = tag[0] = '\0';
    char *at = strchr(buf, '@');
    if (at) {
        *at = '\0';
        if (snprintf(digest, digest_size, "%s", at + 1) >= (int)digest_size)
            return -1;
    }
    char *slash = strrchr(buf, '/');
    char *colon = strrchr(slash ? slash : buf, ':');
    if (colon) {
        *colon = '\0';
        if (snprintf(tag, tag_size, "%s", colon + 1) >= (int)tag_size)
            return -1;
    }
    return snprintf(name, name_size, "%s", buf) >= (int)name_size ? -1 : 0;
}

void hoist_push_options_init(hoist_push_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->version = HOIST_PUSH_OPTIONS_VERSION;
}

struct push_run {
    const hoist_push_options *opts;
    hoist_push_result *result;
    hoist_credential *cred;
    char error[1024];           /* errorDetail.message, redacted */
    bool failed;
    bool stop;
    double started;
};

static void redact_all(struct push_run *run, char *text)
{
    hoist_redact(text, run->cred->password);
    hoist_redact(text, run->cred->identity_token);
    hoist_redact(text, run->cred->registry_token);
}

static void emit(struct push_run *run, hoist_build_event *ev)
{
    ev->elapsed = hoist_registry_now() - run->started;
    if (run->opts->on_event && run->opts->on_event(ev, run->opts->user))
        run->stop = true;
}

static int on_message(json_t *msg, void *user)
{
    struct push_run *run = user;
    if (!json_is_object(msg))
        return 0;
    const char *error = hoist_json_str(json_object_get(msg, "errorDetail"), "message",
                                       hoist_json_str(msg, "error", NULL));
    if (error) {
        snprintf(run->error, sizeof(run->error), "%s", error);
        redact_all(run, run->error);
        run->failed = true;
        hoist_build_event ev = {.kind = HOIST_EVENT_ERROR, .text = run->error, .current = -1, .total = -1};
        emit(run, &ev);
        return 0;
    }
    json_t *aux = json_object_get(msg, "aux");
    const char *digest = hoist_json_str(aux, "Digest", NULL);
    if (digest) {
        snprintf(run->result->digest, sizeof(run->result->digest), "%s", digest);
        run->result->size = hoist_json_int(aux, "Size", 0);
        return 0;
    }
    const char *status = hoist_json_str(msg, "status", NULL);
    if (!status)
        return 0;
    const char *id = hoist_json_str(msg, "id", NULL);
    if (id && !strcmp(status, "Pushed"))
        run->result->layers_pushed++;
    else if (id && (!strcmp(status, "Layer already exists") || !strncmp(status, "Mounted from ", 13)))
        run->result->layers_existing++;
    /* the final "TAG: digest: sha256:... size: N" line is the aux above in words */
    if (!id && strstr(status, ": digest: "))
        return 0;
    char text[1024];
    snprintf(text, sizeof(text), "%s", status);
    redact_all(run, text);
    json_t *progress = json_object_get(msg, "progressDetail");
    hoist_build_event ev = {.kind = HOIST_EVENT_PULL, .text = text, .id = id,
                            .current = hoist_json_int(progress, "current", -1),
                            .total = hoist_json_int(progress, "total", -1)};
    emit(run, &ev);
    return 0;
}

static int on_cancel(void *user)
{
    struct push_run *run = user;
    return run->stop || (run->opts->cancel && *run->opts->cancel);
}

static bool valid_tag(const char *tag)
{
    size_t n = strlen(tag);
    if (n == 0 || n > 128 || tag[0] == '.' || tag[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)tag[i]) && !strchr("_.-", tag[i]))
            return false;
    return true;
}

static void cred_freep(hoist_credential **c)
{
    if (*c) {
        hoist_credential_clear(*c);
        free(*c);
    }
}

int hoist_push(hoist_push_result *result, hoist_client *client, const hoist_push_options *opts, hoist_error *err)
{
    if (result)
        memset(result, 0, sizeof(*result));
    if (!opts || opts->version != HOIST_PUSH_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_push: options version mismatch");
    if (!client || !result)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_push: a client and a result are required");
    if (!opts->image || !*opts->image)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_push: no image name given");
    double started = hoist_registry_now();

    char digest[160];
    if (hoist_split_image_name(opts->image, result->name, sizeof(result->name), result->tag, sizeof(result->tag),
                               digest, sizeof(digest)) < 0)
        return hoist_error_set(err, HOIST_EUSAGE, "image name '%.200s' is too long", opts->image);
    if (digest[0]) {
        hoist_error_set(err, HOIST_EUSAGE, "cannot push '%s': a digest names content, push a tag", opts->image);
        return hoist_error_hint(err, "give NAME:TAG");
    }
    if (!result->tag[0])
        snprintf(result->tag, sizeof(result->tag), "latest");
    if (!valid_tag(result->tag)) {
        hoist_error_set(err, HOIST_EUSAGE, "'%s' is not a valid tag", result->tag);
        return hoist_error_hint(err, "a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
    }
    char full[700];
    snprintf(full, sizeof(full), "%s:%s", result->name, result->tag);
    _cleanup_(hoist_image_ref_freep) hoist_image_ref *ref = NULL;
    if (hoist_image_ref_parse(&ref, full, err)) {
        err->code = HOIST_EUSAGE;
        return hoist_error_hint(err, "give NAME[:TAG], e.g. 127.0.0.1:5000/team/app:1");
    }
    snprintf(result->registry, sizeof(result->registry), "%s", ref->registry);

    int rc = hoist_client_negotiate(client, err);
    if (rc)
        return rc;

    _cleanup_(cred_freep) hoist_credential *cred = calloc(1, sizeof(*cred));
    if (!cred)
        return hoist_error_nomem(err);
    hoist_credentials_options copts = hoist_registry_cred_options(&opts->auth);
    rc = hoist_credentials_get(&copts, ref->registry, cred, err);
    if (rc)
        return hoist_error_prefix(err, "push %s", full);
    snprintf(result->credentials, sizeof(result->credentials), "%s", hoist_cred_source_name(cred->source));
    _cleanup_(hoist_registry_header_freep) char *auth = NULL;
    rc = hoist_registry_auth_header(cred, &auth, err);
    if (rc)
        return rc;

    _cleanup_free_ struct push_run *run = calloc(1, sizeof(*run));
    if (!run)
        return hoist_error_nomem(err);
    run->opts = opts;
    run->result = result;
    run->cred = cred;
    run->started = started;
    _cleanup_(hoist_json_stream_freep) hoist_json_stream *stream = hoist_json_stream_new(on_message, run);
    if (!stream)
        return hoist_error_nomem(err);
    /* the reply's first bytes: an HTTP error's body */
    _cleanup_(hoist_reply_clear) hoist_reply reply = {.head.max = 4095};
    hoist_json_stream_reply(stream, &reply);

    char path[1024];
    snprintf(path, sizeof(path), "/images/%s/push?tag=%s", result->name, result->tag);
    const char *headers[] = {auth, NULL};
    hoist_http_request req = {
        .method = "POST",
        .headers = headers,
        .cancel = on_cancel,
        .cancel_user = run,
    };
    _cleanup_(hoist_http_response_clear) hoist_http_response resp = {0};
    hoist_error req_err = HOIST_ERROR_INIT;
    int req_rc = hoist_reply_request(client, path, &req, &reply, &resp, &req_err);
    result->seconds = hoist_registry_now() - started;

    char what[800];
    snprintf(what, sizeof(what), "push %s", full);
    if (req_rc == HOIST_EINTERRUPTED || run->stop || (opts->cancel && *opts->cancel)) {
        hoist_error_set(err, HOIST_EINTERRUPTED, "%s: cancelled", what);
        return hoist_error_hint(err, "the connection was closed; layers already uploaded stay in the registry");
    }
    if (resp.status >= 300) {
        _cleanup_json_ json_t *body = json_loadb(hoist_reply_head(&reply), reply.head.len, 0, NULL);
        char message[1024];
        snprintf(message, sizeof(message), "%s", hoist_json_str(body, "message", hoist_reply_head(&reply)));
        message[strcspn(message, "\r\n")] = '\0';
        redact_all(run, message);
        if (resp.status == 404 || resp.status == 401 || resp.status == 403 || strstr(message, "denied") ||
            strstr(message, "unauthorized"))
            return hoist_registry_error(what, message, result->registry, ref->repository, result->credentials, err);
        hoist_http_response fake = resp;
        fake.body = message;
        fake.body_len = strlen(message);
        rc = hoist_http_error_from_response(&fake, what, client, err);
        fake.body = NULL;
        return rc;
    }
    if (req_rc) {
        *err = req_err;
        return hoist_error_prefix(err, "%s", what);
    }
    if (run->failed && strstr(run->error, "does not exist locally")) {
        hoist_error_set(err, HOIST_EFAILED, "%s: the image is not on this engine", what);
        return hoist_error_hint(err, "build it with 'hoist build -t %s' or tag an existing image with 'docker tag "
                                     "IMAGE %s' first", full, full);
    }
    if (run->failed)
        return hoist_registry_error(what, run->error, result->registry, ref->repository, result->credentials, err);
    if (reply.rc) {
        *err = reply.err;
        return hoist_error_prefix(err, "%s: reading the daemon's reply", what);
    }
    if (!result->digest[0]) {
        hoist_error_set(err, HOIST_EFAILED, "%s: the daemon finished without reporting the pushed digest", what);
        return hoist_error_hint(err, "check the daemon's log");
    }
    return 0;
}
