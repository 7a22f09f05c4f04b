/*
 * bk_build.c - POST /build?version=2 over a BuildKit session (see
 * bk_build.h). The daemon reads the Dockerfile and the context through the
 * session's FileSync; the request body is empty. An error before the
 * stream starts is an HTTP status with a JSON message; afterwards it is an
 * {"error","errorDetail"} line.
 */
#include "session/bk_build.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "build/json_stream.h"
#include "common/cleanup.h"
#include "engine/client_internal.h"

#define ERROR_BODY_MAX 8192

typedef struct bk_run {
    const hoist_bk_build_options *opts;
    hoist_bk_build_result *result;
    hoist_json_stream *stream;
    char error_body[ERROR_BODY_MAX + 1];
    size_t error_len;
    bool failed;
    hoist_error build_err;
    int stream_rc;
    hoist_error stream_err;
} bk_run;

static int on_json(json_t *msg, void *user)
{
    bk_run *run = user;
    run->result->messages++;
    const char *id = json_string_value(json_object_get(msg, "id"));
    if (id && !strcmp(id, "moby.buildkit.trace"))
        run->result->trace_messages++;
    if (id && !strcmp(id, "moby.image.id")) {
        const char *image = json_string_value(json_object_get(json_object_get(msg, "aux"), "ID"));
        if (image)
            snprintf(run->result->image_id, sizeof(run->result->image_id), "%s", image);
    }
    json_t *detail = json_object_get(msg, "errorDetail");
    const char *error = json_string_value(json_object_get(msg, "error"));
    if (!error)
        error = json_string_value(json_object_get(detail, "message"));
    if (error && !run->failed) {
        run->failed = true;
        hoist_error_set(&run->build_err, HOIST_EFAILED, "build failed: %s", error);
    }
    if (run->opts->on_message)
        run->opts->on_message(msg, run->opts->user);
    return 0;
}

static int on_bytes(const char *data, size_t len, void *user)
{
    bk_run *run = user;
    if (run->error_len < ERROR_BODY_MAX) {
        size_t take = len < ERROR_BODY_MAX - run->error_len ? len : ERROR_BODY_MAX - run->error_len;
        memcpy(run->error_body + run->error_len, data, take);
        run->error_len += take;
        run->error_body[run->error_len] = '\0';
    }
    if (!run->stream_rc)
        run->stream_rc = hoist_json_stream_feed(run->stream, data, len, &run->stream_err);
    return 0;
}

static int on_cancel(void *user)
{
    const bk_run *run = user;
    return run->opts->cancel && *run->opts->cancel;
}

static int add_param(char **q, size_t *len, size_t *cap, hoist_transport *t, const char *key, const char *value)
{
    _cleanup_free_ char *esc = hoist_transport_escape(t, value);
    if (!esc)
        return -1;
    size_t need = *len + strlen(key) + strlen(esc) + 3;
    if (need > *cap) {
        size_t nc = need * 2;
        char *nq = realloc(*q, nc);
        if (!nq)
            return -1;
        *q = nq;
        *cap = nc;
    }
    *len += (size_t)sprintf(*q + *len, "&%s=%s", key, esc);
    return 0;
}

/* buildargs is a JSON object {"NAME": "value"} */
static char *build_args_json(const hoist_bk_build_options *o)
{
    json_t *obj = json_object();
    for (size_t i = 0; obj && i < o->n_build_args; i++) {
        const char *eq = strchr(o->build_args[i], '=');
        _cleanup_free_ char *name = eq ? strndup(o->build_args[i], (size_t)(eq - o->build_args[i]))
                                       : strdup(o->build_args[i]);
        if (!name) {
            json_decref(obj);
            return NULL;
        }
        json_object_set_new(obj, name, eq ? json_string(eq + 1) : json_null());
    }
    char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    json_decref(obj);
    return s;
}

int hoist_bk_build(hoist_client *client, const hoist_bk_build_options *o, hoist_bk_build_result *result,
                   hoist_error *err)
{
    memset(result, 0, sizeof(*result));
    int rc = hoist_client_negotiate(client, err);
    if (rc)
        return rc;
    /* the Dockerfile: its directory is served as "dockerfile" */
    _cleanup_free_ char *df = NULL;
    if (o->dockerfile)
        df = realpath(o->dockerfile, NULL);
    else if (asprintf(&df, "%s/Dockerfile", o->context_dir) < 0)
        df = NULL;
    else {
        char *r = realpath(df, NULL);
        free(df);
        df = r;
    }
    if (!df) {
        hoist_error_set(err, HOIST_EINPUT, "cannot find the Dockerfile %s", o->dockerfile ? o->dockerfile
                        : "Dockerfile in the context");
        return hoist_error_at(err, o->dockerfile ? o->dockerfile : o->context_dir, 0, 0);
    }
    _cleanup_free_ char *df_dir_buf = strdup(df), *df_name_buf = strdup(df);
    if (!df_dir_buf || !df_name_buf)
        return hoist_error_nomem(err);
    const char *df_dir = dirname(df_dir_buf), *df_name = basename(df_name_buf);

    unsigned char rnd[16];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
        return hoist_error_set(err, HOIST_EFAILED, "no random numbers for the build id");
    for (size_t i = 0; i < sizeof(rnd); i++)
        sprintf(result->build_id + 2 * i, "%02x", rnd[i]);

    hoist_session_config cfg = {
        .context_dir = o->context_dir,
        .dockerfile_dir = df_dir,
        .secrets = o->secrets,
        .n_secrets = o->n_secrets,
        .ssh = o->ssh,
        .n_ssh = o->n_ssh,
        .docker_config_dir = o->docker_config_dir,
        .home = o->home,
        .output_tar = o->output_tar,
        .cancel = o->cancel,
    };
    hoist_session *session = NULL;
    rc = hoist_session_start(&session, client, &cfg, err);
    if (rc)
        return rc;

    hoist_transport *t = hoist_client_transport(client);
    size_t len = 0, cap = 512;
    _cleanup_free_ char *q = malloc(cap);
    _cleanup_free_ char *args = build_args_json(o);
    if (!q || !args) {
        hoist_session_close(session, NULL);
        return hoist_error_nomem(err);
    }
    len = (size_t)sprintf(q, "/build?version=2");
    int bad = add_param(&q, &len, &cap, t, "session", hoist_session_id(session)) ||
              add_param(&q, &len, &cap, t, "remote", "client-session") ||
              add_param(&q, &len, &cap, t, "dockerfile", df_name) ||
              add_param(&q, &len, &cap, t, "buildid", result->build_id) ||
              add_param(&q, &len, &cap, t, "networkmode", o->network ? o->network : "none") ||
              (o->n_build_args && add_param(&q, &len, &cap, t, "buildargs", args)) ||
              (o->tag && add_param(&q, &len, &cap, t, "t", o->tag)) ||
              (o->target && add_param(&q, &len, &cap, t, "target", o->target)) ||
              (o->no_cache && add_param(&q, &len, &cap, t, "nocache", "1")) ||
              (o->output_tar && add_param(&q, &len, &cap, t, "outputs", "[{\"Type\":\"tar\",\"Attrs\":{}}]")) ||
              add_param(&q, &len, &cap, t, "rm", "1");
    if (bad) {
        hoist_session_close(session, NULL);
        return hoist_error_nomem(err);
    }

    bk_run *run = calloc(1, sizeof(*run));
    if (!run || !(run->stream = hoist_json_stream_new(on_json, run))) {
        free(run);
        hoist_session_close(session, NULL);
        return hoist_error_nomem(err);
    }
    run->opts = o;
    run->result = result;
    hoist_http_request req = {
        .method = "POST",
        .headers = (const char *const[]){"Content-Type: application/x-tar", NULL},
        .body = "",
        .body_len = 0,
        .sink = on_bytes,
        .sink_user = run,
        .cancel = on_cancel,
        .cancel_user = run,
    };
    hoist_http_response resp = {0};
    hoist_error req_err = HOIST_ERROR_INIT;
    int req_rc = hoist_client_request(client, q, &req, &resp, &req_err);
    if (!req_rc && !run->stream_rc)
        run->stream_rc = hoist_json_stream_finish(run->stream, &run->stream_err);

    hoist_session_get_stats(session, &result->stats);
    hoist_error sess_err = HOIST_ERROR_INIT;
    int sess_rc = hoist_session_close(session, &sess_err);

    if (req_rc == HOIST_EINTERRUPTED || (o->cancel && *o->cancel)) {
        /* closing the connection cancels too; say so explicitly as well */
        char cancel_path[96];
        snprintf(cancel_path, sizeof(cancel_path), "/build/cancel?id=%s", result->build_id);
        hoist_http_request creq = {.method = "POST", .body = "", .timeout_ms = 5000};
        hoist_http_response cresp = {0};
        hoist_error ignored = HOIST_ERROR_INIT;
        hoist_client_request(client, cancel_path, &creq, &cresp, &ignored);
        hoist_http_response_clear(&cresp);
        rc = hoist_error_set(err, HOIST_EINTERRUPTED, "build cancelled");
    } else if (resp.status >= 300) {
        hoist_http_response fake = resp;
        fake.body = run->error_body;
        fake.body_len = run->error_len;
        rc = hoist_http_error_from_response(&fake, "POST /build", client, err);
    } else if (req_rc) {
        *err = req_err;
        rc = req_rc;
    } else if (run->failed) {
        *err = run->build_err;
        rc = HOIST_EFAILED;
    } else if (sess_rc) {
        *err = sess_err;
        rc = sess_rc;
    } else if (run->stream_rc) {
        *err = run->stream_err;
        rc = run->stream_rc;
    } else if (!result->image_id[0] && !o->output_tar) {
        rc = hoist_error_set(err, HOIST_EFAILED, "the build finished without an image id");
    }
    resp.body = NULL;
    hoist_http_response_clear(&resp);
    hoist_json_stream_free(run->stream);
    free(run);
    return rc;
}
