/*
 * bk_engine.c - the `buildkit` engine: the daemon's BuildKit driven
 * natively, without the docker CLI.
 *
 * Data flow (docs/design.md, "The buildkit engine"):
 *   1. a session (lib/session) is attached to the daemon with POST /session
 *      and served from a thread of its own: FileSync for the dirs "context"
 *      (the context directory) and "dockerfile" (the Dockerfile's directory,
 *      which may lie outside the context), Auth from the docker config,
 *      Secrets and SSH from the buildkit options, FileSend for a tar output;
 *   2. POST /build?version=2&session=ID&remote=client-session&buildid=ID with
 *      an empty body and every classic query parameter that BuildKit reads
 *      (query.c: t, buildargs, labels, target, platform, networkmode,
 *      nocache, pull, cachefrom, extrahosts, shmsize, memory), plus
 *      outputs (API 1.40+) for --output; BuildKit pulls the files it needs
 *      through the session, so nothing is tarred or uploaded up front;
 *   3. the reply (moby.buildkit.trace progress, moby.image.id) is decoded
 *      by bk_trace.c into the same events as the other engines, with
 *      file:line for every step;
 *   4. cancellation (the cancel flag, or the event callback returning
 *      non-zero) stops the request, sends POST /build/cancel?id=ID and
 *      closes the session: nothing is left running on the daemon. A session
 *      that ends by itself mid-build (daemon gone, connection cut) stops the
 *      build with HOIST_EENV within SESSION_GRACE seconds.
 * The context size reported is the file data the session sent (BuildKit
 * asks only for what changed since its last build of the same context).
 */
#include "build/build_internal.h"
#include "build/bk_trace.h"
#include "build/query.h"
#include "common/cleanup.h"
#include "engine/client_internal.h"
#include "hoist/version.h"
#include "session/session.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Seconds a build may go on after its session ended on its own: the
 * daemon may close the session just before its last reply lines. */
#define SESSION_GRACE 2.0

typedef struct bk_engine_run {
    const hoist_build_plan *plan;
    hoist_build_decoder *decoder;
    hoist_bk_trace *trace;
    hoist_session *session;
    hoist_reply reply;           /* decoded by trace; its head: a refusal's message */
    double session_ended_at;     /* 0: still serving */
    bool session_lost;
} bk_engine_run;

static int on_cancel(void *user)
{
    bk_engine_run *run = user;
    const hoist_build_options *opts = run->plan->opts;
    if (run->decoder->stop || (opts->output.cancel && *opts->output.cancel) || run->reply.rc == HOIST_EINTERRUPTED)
        return 1;
    if (hoist_session_ended(run->session)) {
        double now = hoist_monotonic_seconds();
        if (!run->session_ended_at)
            run->session_ended_at = now;
        else if (now - run->session_ended_at > SESSION_GRACE) {
            run->session_lost = true;
            return 1;
        }
    }
    return 0;
}

/* ---- --secret, --ssh, --output ---------------------------------------- */

/* The value of `key=` in a comma-separated list of key=value, copied. */
static bool kv_get(const char *spec, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);
    for (const char *p = spec; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            snprintf(out, size, "%.*s", (int)(n - klen - 1), p + klen + 1);
            return true;
        }
        p = end ? end + 1 : NULL;
    }
    return false;
}

/* Every key of `spec` must be one of `known` (NULL-terminated). */
static int kv_check(const char *spec, const char *flag, const char *const *known, const char *example,
                    hoist_error *err)
{
    for (const char *p = spec; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        bool ok = false;
        for (size_t i = 0; eq && known[i]; i++)
            ok |= strlen(known[i]) == (size_t)(eq - p) && !strncmp(p, known[i], (size_t)(eq - p));
        if (!ok) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "%s '%s': '%.*s' is not a known KEY=VALUE field", flag, spec, (int)n, p);
            return hoist_error_hint(err, "write %s %s", flag, example);
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int hoist_bk_parse_secrets(const hoist_build_buildkit_options *bk, bk_secrets *out, hoist_error *err)
{
    static const char *const known[] = {"id", "src", "source", "file", "env", "type", NULL};
    const char *example = "id=ID,src=PATH or id=ID,env=VAR";
    if (!bk->secret_count)
        return 0;
    out->items = calloc(bk->secret_count, sizeof(*out->items));
    out->strings = calloc(bk->secret_count, sizeof(*out->strings));
    if (!out->items || !out->strings)
        return hoist_error_nomem(err);
    for (size_t i = 0; i < bk->secret_count; i++) {
        const char *spec = bk->secrets[i];
        int rc = kv_check(spec, "--secret", known, example, err);
        if (rc)
            return rc;
        char *id = out->strings[i][0], *src = out->strings[i][1], *env = out->strings[i][2], type[16] = "";
        bool has_src = kv_get(spec, "src", src, PATH_MAX) || kv_get(spec, "source", src, PATH_MAX) ||
                       kv_get(spec, "file", src, PATH_MAX);
        bool has_env = kv_get(spec, "env", env, PATH_MAX);
        if (kv_get(spec, "type", type, sizeof(type)) && strcmp(type, "file") && strcmp(type, "env")) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--secret '%s': type must be file or env", spec);
            return hoist_error_hint(err, "write --secret %s", example);
        }
        if (!kv_get(spec, "id", id, PATH_MAX) || !id[0]) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--secret '%s' has no id", spec);
            return hoist_error_hint(err, "write --secret %s", example);
        }
        if (has_src && has_env) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--secret '%s' gives both a file and an environment variable", spec);
            return hoist_error_hint(err, "write --secret %s", example);
        }
        if (!has_src && !has_env) {
            /* as the docker CLI: the id names the variable (type=env) or the file */
            if (!strcmp(type, "env"))
                snprintf(env, PATH_MAX, "%s", id), has_env = true;
            else
                snprintf(src, PATH_MAX, "%s", id), has_src = true;
        }
        if (has_src && access(src, R_OK)) {
            hoist_error_set(err, HOIST_EINPUT, "--secret %s: cannot read %s: %s", id, src, strerror(errno));
            hoist_error_at(err, src, 0, 0);
            return hoist_error_hint(err, "give a readable file with src=PATH, or env=VAR");
        }
        out->items[i] = (hoist_session_secret){.id = id, .file = has_src ? src : NULL, .env = has_env ? env : NULL};
    }
    out->count = bk->secret_count;
    return 0;
}

int hoist_bk_parse_ssh(const hoist_build_buildkit_options *bk, bk_ssh *out, hoist_error *err)
{
    if (!bk->ssh_count)
        return 0;
    out->items = calloc(bk->ssh_count, sizeof(*out->items));
    out->strings = calloc(bk->ssh_count, sizeof(*out->strings));
    if (!out->items || !out->strings)
        return hoist_error_nomem(err);
    for (size_t i = 0; i < bk->ssh_count; i++) {
        const char *spec = bk->ssh[i];
        const char *eq = strchr(spec, '=');
        char *id = out->strings[i][0], *path = out->strings[i][1];
        if (!eq || eq == spec || !eq[1] || strchr(eq + 1, ',')) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--ssh '%s': expected ID=SOCKET%s", spec,
                            !eq ? " (no agent socket: is SSH_AUTH_SOCK set?)" : "");
            return hoist_error_hint(err, "write --ssh default (uses $SSH_AUTH_SOCK) or --ssh ID=/path/to/agent.sock");
        }
        snprintf(id, PATH_MAX, "%.*s", (int)(eq - spec), spec);
        snprintf(path, PATH_MAX, "%s", eq + 1);
        struct stat st;
        if (stat(path, &st)) {
            hoist_error_set(err, HOIST_EINPUT, "--ssh %s: %s: %s", id, path, strerror(errno));
            hoist_error_at(err, path, 0, 0);
            return hoist_error_hint(err, "give the socket of a running ssh-agent (eval $(ssh-agent))");
        }
        if (!S_ISSOCK(st.st_mode)) {
            /* The docker CLI runs an agent of its own for key files; hoist does not. */
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--ssh %s: %s is not an ssh-agent socket (key files are not "
                            "supported)", id, path);
            hoist_error_at(err, path, 0, 0);
            return hoist_error_hint(err, "load the key into an agent: eval $(ssh-agent); ssh-add %s; then "
                                         "--ssh %s=$SSH_AUTH_SOCK", path, id);
        }
        out->items[i] = (hoist_session_ssh){.id = id, .socket = path};
    }
    out->count = bk->ssh_count;
    return 0;
}

void bk_secrets_free(bk_secrets *s)
{
    free(s->items);
    free(s->strings);
}

void bk_ssh_free(bk_ssh *s)
{
    free(s->items);
    free(s->strings);
}

int hoist_build_parse_output(const char *spec, hoist_build_output *out, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!spec || !*spec)
        return 0;
    static const char *const known[] = {"type", "dest", NULL};
    const char *example = "type=local,dest=DIR or type=tar,dest=FILE";
    if (!strchr(spec, '=') && !strchr(spec, ',')) {
        if (!strcmp(spec, "-")) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--output -: writing a tar to standard output is not supported");
            return hoist_error_hint(err, "write the tar to a file: --output type=tar,dest=FILE");
        }
        out->type = HOIST_BUILD_OUTPUT_LOCAL;
        snprintf(out->dest, sizeof(out->dest), "%s", spec);
        return 0;
    }
    int rc = kv_check(spec, "--output", known, example, err);
    if (rc)
        return rc;
    char type[32] = "";
    if (!kv_get(spec, "type", type, sizeof(type))) {
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--output '%s' has no type", spec);
        return hoist_error_hint(err, "write --output %s", example);
    }
    if (!strcmp(type, "local"))
        out->type = HOIST_BUILD_OUTPUT_LOCAL;
    else if (!strcmp(type, "tar"))
        out->type = HOIST_BUILD_OUTPUT_TAR;
    else {
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--output type=%s is not supported (local and tar are)", type);
        return hoist_error_hint(err, "write --output %s; images go to the daemon without --output", example);
    }
    if (!kv_get(spec, "dest", out->dest, sizeof(out->dest)) || !out->dest[0]) {
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--output '%s' has no dest", spec);
        return hoist_error_hint(err, "write --output %s", example);
    }
    if (!strcmp(out->dest, "-")) {
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--output dest=-: writing to standard output is not supported");
        return hoist_error_hint(err, "write --output type=tar,dest=FILE");
    }
    return 0;
}

/* ---- the build ---------------------------------------------------------- */

static int append_param(char **query, hoist_client *client, const char *key, const char *value)
{
    _cleanup_free_ char *esc = hoist_transport_escape(hoist_client_transport(client), value);
    if (!esc)
        return -1;
    char *grown = NULL;
    if (asprintf(&grown, "%s%c%s=%s", *query, strchr(*query, '?') ? '&' : '?', key, esc) < 0)
        return -1;
    free(*query);
    *query = grown;
    return 0;
}

/* A temporary file beside `dest` for the tar the session receives. */
static int temp_beside(const char *dest, char *out, size_t size, hoist_error *err)
{
    _cleanup_free_ char *copy = strdup(dest);
    if (!copy)
        return hoist_error_nomem(err);
    const char *dir = dirname(copy);
    snprintf(out, size, "%s/.hoist-output-XXXXXX", dir);
    int fd = mkstemp(out);
    if (fd < 0) {
        hoist_error_set(err, HOIST_EINPUT, "--output %s: cannot create a file in %s: %s", dest, dir, strerror(errno));
        return hoist_error_at(err, dir, 0, 0);
    }
    close(fd);
    return 0;
}

void hoist_build_session_result(hoist_build_result *result, const hoist_session_stats *stats)
{
    result->context_bytes = stats->bytes_sent;
    result->context_entries = stats->files_sent;
    result->session = (hoist_build_session_stats){
        .requests = stats->req_packets,
        .stat_packets = stats->stat_packets,
        .calls = stats->calls,
        .unimplemented = stats->unimplemented,
        .health_checks = stats->health_checks,
        .secrets_sent = stats->secrets_sent,
        .credentials_asked = stats->credentials_asked,
        .output_bytes = stats->output_bytes,
        .max_step_us = stats->max_step_us,
    };
}

int hoist_build_run_buildkit(const hoist_build_plan *plan, hoist_build_decoder *decoder, hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    hoist_client *client = plan->client;
    hoist_build_result *result = plan->result;

    hoist_build_output output;
    int rc = hoist_build_parse_output(opts->buildkit.output, &output, err);
    if (rc)
        return rc;
    if (output.type != HOIST_BUILD_OUTPUT_IMAGE && hoist_api_version_compare(result->api_version, "1.40") < 0) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_UNSUPPORTED, "--output needs Engine API 1.40 or newer, but the API version in use is %s",
                        result->api_version);
        return hoist_error_hint(err, "upgrade the Docker engine or unset DOCKER_API_VERSION");
    }
    _cleanup_(bk_secrets_free) bk_secrets secrets = {0};
    _cleanup_(bk_ssh_free) bk_ssh ssh = {0};
    if ((rc = hoist_bk_parse_secrets(&opts->buildkit, &secrets, err)) || (rc = hoist_bk_parse_ssh(&opts->buildkit, &ssh, err)))
        return rc;

    /* The Dockerfile's directory is served as "dockerfile": -f may point
     * outside the context. */
    _cleanup_free_ char *df_path = realpath(hoist_context_dockerfile_path(plan->ctx), NULL);
    if (!df_path) {
        hoist_error_set(err, HOIST_EINPUT, "cannot resolve the Dockerfile %s: %s", plan->dockerfile_label,
                        strerror(errno));
        return hoist_error_at(err, plan->dockerfile_label, 0, 0);
    }
    _cleanup_free_ char *dir_buf = strdup(df_path), *name_buf = strdup(df_path);
    if (!dir_buf || !name_buf)
        return hoist_error_nomem(err);
    const char *df_dir = dirname(dir_buf), *df_name = basename(name_buf);

    _cleanup_free_ char *query = NULL;
    rc = hoist_build_query(client, opts, df_name, result->api_version, &query, err);
    if (rc)
        return rc;
    unsigned char rnd[16];
    char build_id[40];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
        return hoist_error_set(err, HOIST_EFAILED, "no random numbers for the build id");
    for (size_t i = 0; i < sizeof(rnd); i++)
        sprintf(build_id + 2 * i, "%02x", rnd[i]);

    /* The tar output: FileSend writes the stream to a file; a local output
     * is that tar unpacked into dest once the build is done. */
    char tar_path[PATH_MAX] = "";
    if (output.type == HOIST_BUILD_OUTPUT_TAR)
        snprintf(tar_path, sizeof(tar_path), "%s", output.dest);
    else if (output.type == HOIST_BUILD_OUTPUT_LOCAL && (rc = temp_beside(output.dest, tar_path, sizeof(tar_path), err)))
        return rc;

    hoist_session_config cfg = {
        .context_dir = hoist_context_dir(plan->ctx),
        .dockerfile_dir = df_dir,
        .secrets = secrets.items,
        .n_secrets = secrets.count,
        .ssh = ssh.items,
        .n_ssh = ssh.count,
        .docker_config_dir = opts->registry.docker_config,
        .home = opts->registry.home,
        .output_tar = tar_path[0] ? tar_path : NULL,
        .cancel = opts->output.cancel,
    };
    bk_engine_run run = {.plan = plan, .decoder = decoder, .reply.head.max = 8191};
    rc = hoist_session_start(&run.session, client, &cfg, err);
    if (rc) {
        if (output.type == HOIST_BUILD_OUTPUT_LOCAL)
            unlink(tar_path);
        return rc;
    }
    run.trace = hoist_bk_trace_new(decoder, plan->df);
    bool oom = !run.trace || append_param(&query, client, "version", "2") ||
               append_param(&query, client, "session", hoist_session_id(run.session)) ||
               append_param(&query, client, "remote", "client-session") ||
               append_param(&query, client, "buildid", build_id) ||
               (output.type != HOIST_BUILD_OUTPUT_IMAGE &&
                append_param(&query, client, "outputs", "[{\"Type\":\"tar\",\"Attrs\":{}}]"));
    if (oom) {
        hoist_session_close(run.session, NULL);
        hoist_bk_trace_free(run.trace);
        if (output.type == HOIST_BUILD_OUTPUT_LOCAL)
            unlink(tar_path);
        return hoist_error_nomem(err);
    }

    hoist_http_request req = {
        .method = "POST",
        .headers = (const char *const[]){"Content-Type: application/x-tar", NULL},
        .body = "",
        .body_len = 0,
        .cancel = on_cancel,
        .cancel_user = &run,
    };
    hoist_http_response resp = {0};
    hoist_error req_err = HOIST_ERROR_INIT;
    hoist_bk_trace_reply(run.trace, &run.reply);
    int req_rc = hoist_reply_request(client, query, &req, &run.reply, &resp, &req_err);
    bool cancelled = req_rc == HOIST_EINTERRUPTED && !run.session_lost;
    if (cancelled) {
        /* Closing the connection stops the build too; say it explicitly,
         * while the session is still there for the daemon to wind down. */
        char path[96];
        snprintf(path, sizeof(path), "/build/cancel?id=%s", build_id);
        hoist_http_request creq = {.method = "POST", .body = "", .timeout_ms = 5000};
        hoist_http_response cresp = {0};
        hoist_error ignored = HOIST_ERROR_INIT;
        hoist_client_request(client, path, &creq, &cresp, &ignored);
        hoist_http_response_clear(&cresp);
    }
    int trace_rc = run.reply.rc;
    hoist_error trace_err = run.reply.err;
    hoist_session_stats stats;
    hoist_session_get_stats(run.session, &stats);
    hoist_error sess_err = HOIST_ERROR_INIT;
    int sess_rc = hoist_session_close(run.session, &sess_err);
    hoist_bk_trace_free(run.trace);
    hoist_build_session_result(result, &stats);

    /* most specific cause first */
    if (cancelled || (opts->output.cancel && *opts->output.cancel) || decoder->stop) {
        rc = hoist_error_set(err, HOIST_EINTERRUPTED, "build cancelled%s%s", decoder->step_text[0] ? " during " : "",
                             decoder->step_text);
        hoist_error_hint(err, "the build was cancelled on the daemon (POST /build/cancel) and the session closed");
    } else if (run.session_lost) {
        rc = hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "the daemon closed the BuildKit session mid-build%s%s",
                             sess_rc ? ": " : "", sess_rc ? sess_err.message : "");
        hoist_error_hint(err, "the daemon stopped or the connection to it was cut; check the daemon's log");
    } else if (resp.status >= 300) {
        rc = hoist_reply_http_error(&run.reply, &resp, "POST /build", client, err);
    } else if (req_rc) {
        *err = req_err;
        rc = req_rc;
        if (rc != HOIST_EINTERRUPTED)
            hoist_error_prefix(err, "the build's connection to the daemon");
    } else if (trace_rc == HOIST_EFAILED) {
        *err = trace_err;
        rc = hoist_error_reason(err, HOIST_REASON_BUILD);
    } else if (trace_rc && !(output.type != HOIST_BUILD_OUTPUT_IMAGE && trace_rc == HOIST_EENV && !decoder->failed &&
                             stats.output_bytes > 0)) {
        *err = trace_err;
        rc = trace_rc;
    } else if (sess_rc) {
        *err = sess_err;
        rc = sess_rc;
    } else {
        rc = 0;
    }
    resp.body = NULL;
    hoist_http_response_clear(&resp);
    hoist_reply_clear(&run.reply);
    if (output.type == HOIST_BUILD_OUTPUT_LOCAL) {
        if (!rc)
            rc = hoist_build_unpack_output(tar_path, output.dest, err);
        unlink(tar_path);
    } else if (rc && output.type == HOIST_BUILD_OUTPUT_TAR) {
        unlink(tar_path); /* no half-written tar left behind */
    }
    return rc;
}
