/*
 * build.c - hoist_build(): one call from options to a built image.
 *
 * Stages, in order, each finishing before the next starts so that a bad
 * input never costs an upload:
 *   1. resolve the context directory and the Dockerfile (-f is relative to
 *      the caller's working directory, as with the docker CLI);
 *   2. parse the Dockerfile (syntax errors: HOIST_EINPUT, nothing sent) and
 *      build the step map used to put file:line on events and errors;
 *   3. negotiate the API version and build the query (options newer than
 *      it fail here) and the registry credentials header;
 *   4. stream the context tar into POST /build while decoding the reply:
 *      libcurl pulls the body straight from the context engine's tar
 *      reader, so the context is never held in memory or written to disk;
 *   5. report: image ID (and --iidfile), tags, steps run and cached.
 */
#include "hoist/build.h"
#include "hoist/context.h"
#include "hoist/dockerfile.h"
#include "build/cli_engine.h"
#include "build/decoder.h"
#include "hoist/docker_cli.h"
#include "hoist/features.h"
#include "hoist/lint.h"
#include "build/json_stream.h"
#include "build/query.h"
#include "build/registry_auth.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "engine/client_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ERROR_BODY_KEEP 65536

const char *hoist_build_engine_name(hoist_build_engine engine)
{
    switch (engine) {
    case HOIST_BUILD_ENGINE_AUTO: return "auto";
    case HOIST_BUILD_ENGINE_API: return "api";
    case HOIST_BUILD_ENGINE_CLI: return "cli";
    }
    return "unknown";
}

const char *hoist_build_builder_name(hoist_build_builder builder)
{
    switch (builder) {
    case HOIST_BUILDER_CLASSIC: return "classic";
    case HOIST_BUILDER_BUILDKIT: return "buildkit";
    case HOIST_BUILDER_BUILDX: return "buildx";
    }
    return "unknown";
}

const char *hoist_build_event_kind_name(hoist_build_event_kind kind)
{
    switch (kind) {
    case HOIST_EVENT_NOTE: return "note";
    case HOIST_EVENT_UPLOAD: return "upload";
    case HOIST_EVENT_STEP: return "step";
    case HOIST_EVENT_STEP_CACHED: return "step-cached";
    case HOIST_EVENT_LOG: return "log";
    case HOIST_EVENT_PULL: return "pull";
    case HOIST_EVENT_WARNING: return "warning";
    case HOIST_EVENT_ERROR: return "error";
    case HOIST_EVENT_IMAGE_ID: return "image-id";
    case HOIST_EVENT_TAGGED: return "tagged";
    case HOIST_EVENT_FINDING: return "finding";
    }
    return "unknown";
}

HOIST_DEFINE_FREEP(hoist_dockerfile, hoist_dockerfile_free)
HOIST_DEFINE_FREEP(hoist_json_stream, hoist_json_stream_free)
HOIST_DEFINE_FREEP(char, hoist_registry_header_free)
HOIST_DEFINE_FREEP(hoist_context, hoist_context_free)
HOIST_DEFINE_FREEP(hoist_context_tar, hoist_context_tar_free)
HOIST_DEFINE_FREEP(hoist_lint_config, hoist_lint_config_free)
HOIST_DEFINE_FREEP(hoist_lint_result, hoist_lint_result_free)

/* State shared by the request callbacks; all run on the calling thread. */
struct build_run {
    const hoist_build_options *opts;
    hoist_build_decoder decoder;
    hoist_json_stream *stream;
    hoist_context_tar *tar;
    int tar_rc;
    hoist_error tar_err;
    unsigned long long bytes_sent;
    long long upload_estimate;         /* -1 when not measured */
    bool body_done;
    hoist_error stream_err;
    int stream_rc;
    double last_upload_event;
    char error_body[ERROR_BODY_KEEP];
    size_t error_body_len;
};

static int on_reply_bytes(const char *data, size_t len, void *user)
{
    struct build_run *run = user;
    if (run->error_body_len < sizeof(run->error_body) - 1) {
        size_t keep = sizeof(run->error_body) - 1 - run->error_body_len;
        if (keep > len)
            keep = len;
        memcpy(run->error_body + run->error_body_len, data, keep);
        run->error_body_len += keep;
        run->error_body[run->error_body_len] = '\0';
    }
    if (run->stream_rc)
        return 0;
    run->stream_rc = hoist_json_stream_feed(run->stream, data, len, &run->stream_err);
    return 0;
}

static int on_message(json_t *message, void *user)
{
    struct build_run *run = user;
    hoist_build_decoder_message(&run->decoder, message);
    return 0;
}

static void emit_upload(struct build_run *run, bool final)
{
    double now = hoist_monotonic_seconds();
    if (!final && now - run->last_upload_event < 0.1)
        return;
    run->last_upload_event = now;
    hoist_build_event ev = {.kind = HOIST_EVENT_UPLOAD, .current = (long long)run->bytes_sent,
                            .total = final ? (long long)run->bytes_sent : run->upload_estimate,
                            .text = final ? "context sent" : "sending context", .done = final};
    hoist_build_decoder_emit(&run->decoder, &ev);
}

static size_t on_body(char *buf, size_t len, void *user)
{
    struct build_run *run = user;
    if (run->body_done)
        return 0;
    size_t n = 0;
    run->tar_rc = hoist_context_tar_read(run->tar, buf, len, &n, &run->tar_err);
    if (run->tar_rc)
        return HOIST_BODY_ABORT; /* a truncated context must not reach the daemon as complete */
    run->bytes_sent += n;
    run->body_done = n == 0;
    emit_upload(run, n == 0);
    return n;
}

static int on_cancel_poll(void *user)
{
    struct build_run *run = user;
    return run->decoder.stop || (run->opts->cancel && *run->opts->cancel);
}

static void note(struct build_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct build_run *run, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    hoist_build_event ev = {.kind = HOIST_EVENT_NOTE, .text = text, .current = -1, .total = -1};
    hoist_build_decoder_emit(&run->decoder, &ev);
}

static void on_context_note(const char *path, const char *message, void *user)
{
    struct build_run *run = user;
    char text[1200];
    snprintf(text, sizeof(text), "%s: %s", path, message);
    hoist_build_event ev = {.kind = HOIST_EVENT_WARNING, .text = text, .current = -1, .total = -1};
    hoist_build_decoder_emit(&run->decoder, &ev);
}

static int write_iidfile(const char *path, const char *id, hoist_error *err)
{
    char tmp[PATH_MAX + 16];
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        hoist_error_set(err, HOIST_EFAILED, "cannot write the image ID file %s: %s", path, strerror(errno));
        return hoist_error_hint(err, "check that the directory exists and is writable");
    }
    size_t n = strlen(id);
    int ok = write(fd, id, n) == (ssize_t)n;
    ok = (fchmod(fd, 0644) == 0) && ok;
    ok = (close(fd) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return hoist_error_set(err, HOIST_EFAILED, "cannot write the image ID file %s: %s", path, strerror(e));
    }
    return 0;
}

/* Steps in the order the classic builder numbers them: every instruction
 * in file order (global ARGs first). ONBUILD triggers are not steps. */
static hoist_step_source *step_map(const hoist_dockerfile *df, size_t *count)
{
    size_t n = hoist_dockerfile_instruction_count(df);
    hoist_step_source *steps = calloc(n ? n : 1, sizeof(*steps));
    if (!steps)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction(df, i);
        snprintf(steps[i].keyword, sizeof(steps[i].keyword), "%s", ins->keyword);
        steps[i].line = ins->range.start.line;
        steps[i].end_line = ins->range.end.line;
        /* range.end is exclusive: an instruction ending at column 1 of the next line */
        if (ins->range.end.column <= 1 && steps[i].end_line > steps[i].line)
            steps[i].end_line--;
    }
    *count = n;
    return steps;
}

/* Everything both engines share after the Dockerfile is parsed. */
struct build_plan {
    hoist_client *client;
    const hoist_build_options *opts;
    hoist_context *ctx;
    hoist_dockerfile *df;
    const char *dockerfile_label;
    hoist_build_result *result;
};

/* Estimated tar size of the context: a header block per entry (two when a
 * long name needs a PAX record), data rounded up to 512-byte blocks, and
 * the two-block trailer. Walks names and sizes only; reads no data. */
static long long estimate_tar_size(hoist_context *ctx, hoist_error *err)
{
    hoist_context_iter *it = NULL;
    if (hoist_context_iter_new(&it, ctx, 0, err))
        return -1;
    long long total = 1024;
    const hoist_context_entry *entry;
    while (hoist_context_iter_next(it, &entry, err) == 0 && entry)
        total += (strlen(entry->name) > 99 ? 1024 : 512) + (long long)((entry->size + 511) / 512 * 512);
    hoist_context_iter_free(it);
    return total;
}

/* 4a. POST /build with the context streamed from the tar reader. */
static int run_api(struct build_run *run, const struct build_plan *plan, hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    hoist_client *client = plan->client;
    hoist_build_result *result = plan->result;
    _cleanup_free_ char *query = NULL;
    int rc = hoist_build_query(client, opts, hoist_context_dockerfile(plan->ctx), result->api_version, &query, err);
    if (rc)
        return rc;
    _cleanup_(hoist_registry_header_freep) char *auth_header = NULL;
    rc = hoist_registry_config_header(opts->docker_config, opts->home, &auth_header, err);
    if (rc)
        return rc;
    if (hoist_context_ignore_file(plan->ctx))
        note(run, "ignore rules from %s", hoist_context_ignore_file(plan->ctx));

    _cleanup_(hoist_json_stream_freep) hoist_json_stream *stream = hoist_json_stream_new(on_message, run);
    if (!stream)
        return hoist_error_set(err, HOIST_EFAILED, "out of memory");
    run->stream = stream;
    const char *headers[] = {
        /* also for gzip: the daemon detects the compression itself */
        "Content-Type: application/x-tar",
        auth_header,
        NULL,
    };
    run->upload_estimate = -1;
    if (opts->measure_upload && !opts->gzip) {
        hoist_error ignored = HOIST_ERROR_INIT; /* the upload itself reports real errors */
        run->upload_estimate = estimate_tar_size(plan->ctx, &ignored);
    }
    hoist_tar_options topts = HOIST_TAR_OPTIONS_INIT;
    topts.gzip = opts->gzip;
    _cleanup_(hoist_context_tar_freep) hoist_context_tar *tar = NULL;
    rc = hoist_context_tar_new(&tar, plan->ctx, &topts, err);
    if (rc)
        return rc;
    run->tar = tar;
    hoist_http_request req = {
        .method = "POST",
        .headers = headers,
        .body_source = on_body,
        .body_user = run,
        .sink = on_reply_bytes,
        .sink_user = run,
        .cancel = on_cancel_poll,
        .cancel_user = run,
    };
    _cleanup_(hoist_http_response_clear) hoist_http_response resp = {0};
    hoist_error req_err = HOIST_ERROR_INIT;
    int req_rc = hoist_client_request(client, query, &req, &resp, &req_err);
    if (!run->stream_rc && !req_rc)
        run->stream_rc = hoist_json_stream_finish(stream, &run->stream_err);
    hoist_build_decoder_finish(&run->decoder);
    result->context_bytes = hoist_context_tar_bytes(tar);
    result->context_entries = hoist_context_tar_entries(tar);

    /* most specific cause first */
    if (req_rc == HOIST_EINTERRUPTED || (opts->cancel && *opts->cancel) || run->decoder.stop) {
        hoist_error_set(err, HOIST_EINTERRUPTED, "build cancelled%s%s", run->decoder.step ? " during " : "",
                        run->decoder.step ? run->decoder.step_text : "");
        return hoist_error_hint(err, "the connection was closed, which stops the build on the daemon");
    }
    if (run->tar_rc) {
        *err = run->tar_err;
        return hoist_error_prefix(err, "sending the build context");
    }
    if (resp.status >= 300 || (req_rc && resp.status >= 400)) {
        hoist_http_response fake = resp;
        fake.body = run->error_body;
        fake.body_len = run->error_body_len;
        rc = hoist_http_error_from_response(&fake, "POST /build", client, err);
        fake.body = NULL;
        return rc;
    }
    if (req_rc) {
        *err = req_err;
        return req_rc;
    }
    if (run->decoder.failed)
        return HOIST_EFAILED;
    if (run->stream_rc) {
        *err = run->stream_err;
        return run->stream_rc;
    }
    return 0;
}

/* Other docker binaries on PATH (and the distribution's) that have
 * BuildKit built in, to suggest when the chosen one has none. */
static void suggest_buildkit_cli(const hoist_build_options *opts, const char *current, char *out, size_t size)
{
    out[0] = '\0';
    char path[8192];
    snprintf(path, sizeof(path), "%s:/usr/bin:/usr/local/bin", opts->path_env ? opts->path_env : "");
    char *save = NULL;
    for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char candidate[4200];
        snprintf(candidate, sizeof(candidate), "%s/docker", dir);
        char real_candidate[PATH_MAX], real_current[PATH_MAX];
        if (!realpath(candidate, real_candidate) || (realpath(current, real_current) &&
                                                     !strcmp(real_candidate, real_current)))
            continue;
        hoist_docker_cli other;
        hoist_error ignored = HOIST_ERROR_INIT;
        if (hoist_docker_cli_find(candidate, NULL, &other, &ignored) ||
            hoist_docker_cli_probe(&other, &ignored))
            continue;
        if (other.has_buildx || other.builtin_buildkit) {
            snprintf(out, size, "; %s (%s) has %s: use --docker %s or HOIST_DOCKER=%s", candidate, other.version,
                     other.has_buildx ? "the buildx plugin" : "built-in BuildKit", candidate, candidate);
            return;
        }
    }
}

/* 3. Which engine runs the build, and why. Fills *cli when it is the CLI. */
static int choose_engine(const struct build_plan *plan, hoist_docker_cli *cli, hoist_build_builder *builder,
                         hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    hoist_build_result *result = plan->result;
    hoist_feature_use uses[16];
    size_t use_count = hoist_dockerfile_buildkit_features(plan->df, opts->platform, uses, 16);
    size_t shown = use_count < 16 ? use_count : 16;
    char needs[600] = "";
    size_t used = 0;
    for (size_t i = 0; i < shown && used + 2 < sizeof(needs); i++)
        used += (size_t)snprintf(needs + used, sizeof(needs) - used, "%s%s (line %d)", i ? ", " : "",
                                 uses[i].feature, uses[i].line);

    if (opts->engine == HOIST_BUILD_ENGINE_API) {
        if (use_count) {
            hoist_error_set(err, HOIST_EENV, "the API engine builds with the classic builder, which cannot run %s",
                            needs);
            hoist_error_at(err, plan->dockerfile_label, uses[0].line, uses[0].column);
            return hoist_error_hint(err, "use --engine cli (or auto) to build with BuildKit through the docker CLI");
        }
        result->engine = HOIST_BUILD_ENGINE_API;
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine api: chosen with --engine api");
        return 0;
    }
    if (opts->engine == HOIST_BUILD_ENGINE_AUTO && !use_count) {
        result->engine = HOIST_BUILD_ENGINE_API;
        snprintf(result->engine_reason, sizeof(result->engine_reason),
                 "engine api (auto): the Dockerfile needs no BuildKit-only feature");
        return 0;
    }

    /* The CLI: chosen explicitly, or needed for BuildKit. */
    int rc = hoist_docker_cli_find(opts->docker_cli, opts->path_env, cli, err);
    if (!rc)
        rc = hoist_docker_cli_probe(cli, err);
    if (rc) {
        if (use_count)
            hoist_error_prefix(err, "this Dockerfile needs BuildKit (%s), which hoist reaches through the docker CLI",
                               needs);
        return rc;
    }
    result->engine = HOIST_BUILD_ENGINE_CLI;
    if (cli->has_buildx)
        *builder = HOIST_BUILDER_BUILDX;
    else if (cli->builtin_buildkit)
        *builder = HOIST_BUILDER_BUILDKIT;
    else if (use_count) {
        char suggestion[1200];
        suggest_buildkit_cli(opts, cli->path, suggestion, sizeof(suggestion));
        hoist_error_set(err, HOIST_EENV,
                        "this Dockerfile needs BuildKit (%s), but the docker CLI %s (%s) has neither the buildx "
                        "plugin nor built-in BuildKit", needs, cli->path, cli->version);
        hoist_error_at(err, plan->dockerfile_label, uses[0].line, uses[0].column);
        return hoist_error_hint(err, "install the buildx plugin (Debian: docker-buildx) or choose a CLI "
                                     "with --docker PATH%s", suggestion);
    } else {
        *builder = HOIST_BUILDER_CLASSIC;
    }
    result->builder = *builder;

    /* BuildKit runs what its built-in frontend knows; a newer one would be pulled. */
    if (use_count && !hoist_dockerfile_find_directive(plan->df, "syntax")) {
        hoist_server_version version;
        if (hoist_client_version(plan->client, &version, err))
            return err->code;
        int major, minor;
        hoist_engine_builtin_frontend(version.version, &major, &minor);
        for (size_t i = 0; i < shown; i++) {
            if (!hoist_frontend_supports(major, minor, &uses[i])) {
                hoist_error_set(err, HOIST_EENV,
                                "%s needs Dockerfile frontend %d.%d, but the engine (Docker %s) has the built-in "
                                "frontend %d.%d", uses[i].feature, uses[i].min_frontend_major,
                                uses[i].min_frontend_minor, version.version, major, minor);
                hoist_error_at(err, plan->dockerfile_label, uses[i].line, uses[i].column);
                return hoist_error_hint(err, "upgrade the engine, or rewrite this instruction without %s "
                                             "(a '# syntax=docker/dockerfile:%d.%d' line would work only where "
                                             "that frontend image can be pulled)",
                                        uses[i].feature, uses[i].min_frontend_major, uses[i].min_frontend_minor);
            }
        }
    }
    if (opts->engine == HOIST_BUILD_ENGINE_CLI)
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine cli (%s, %s): chosen with --engine cli",
                 cli->path, hoist_build_builder_name(*builder));
    else
        snprintf(result->engine_reason, sizeof(result->engine_reason),
                 "engine cli (auto, %s via %s): BuildKit needed for %s", hoist_build_builder_name(*builder),
                 cli->path, needs);
    return 0;
}

/* 3b. The `hoist check` gate: findings become events; those at or above
 * the threshold stop the build before anything is sent. */
static int run_checks(struct build_run *run, const struct build_plan *plan, hoist_build_builder builder,
                      hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    _cleanup_(hoist_lint_config_freep) hoist_lint_config *config = NULL;
    char default_config[PATH_MAX + 16];
    snprintf(default_config, sizeof(default_config), "%s/.hoist.yaml", hoist_context_dir(plan->ctx));
    const char *config_path = opts->check_config && *opts->check_config ? opts->check_config
                              : access(default_config, F_OK) == 0 ? default_config : NULL;
    int rc = config_path ? hoist_lint_config_load(config_path, &config, err) : hoist_lint_config_new(&config, err);
    if (rc)
        return rc;
    hoist_lint_engine engine = HOIST_LINT_ENGINE_INIT;
    engine.known = true;
    engine.buildkit = plan->result->engine == HOIST_BUILD_ENGINE_CLI && builder != HOIST_BUILDER_CLASSIC;
    engine.api_version = plan->result->api_version;
    hoist_lint_options lopts = HOIST_LINT_OPTIONS_INIT;
    /* shellcheck runs once per RUN; `hoist check` is the place for it. */
    lopts.flags = HOIST_LINT_NO_SHELLCHECK;
    /* The absolute path: the linter also looks for <Dockerfile>.dockerignore
     * beside it, which a label relative to some other directory would miss. */
    lopts.dockerfile = hoist_context_dockerfile_path(plan->ctx);
    lopts.context_dir = hoist_context_dir(plan->ctx);
    lopts.config = config;
    lopts.engine = &engine;
    _cleanup_(hoist_lint_result_freep) hoist_lint_result *findings = NULL;
    rc = hoist_lint_run(plan->df, &lopts, &findings, err);
    if (rc)
        return rc;
    hoist_lint_severity threshold = hoist_lint_config_threshold(config);
    size_t blocking = 0;
    const hoist_lint_finding *first_blocking = NULL;
    for (size_t i = 0; i < hoist_lint_result_count(findings); i++) {
        const hoist_lint_finding *f = hoist_lint_result_get(findings, i);
        hoist_build_event ev = {.kind = HOIST_EVENT_FINDING, .id = f->code, .text = f->message,
                                .keyword = hoist_lint_severity_name(f->severity), .file = f->file,
                                .line = f->range.start.line, .end_line = f->range.end.line,
                                .current = -1, .total = -1};
        hoist_build_decoder_emit(&run->decoder, &ev);
        if (f->severity >= threshold) {
            blocking++;
            if (!first_blocking)
                first_blocking = f;
        }
    }
    if (!blocking)
        return 0;
    hoist_error_set(err, HOIST_EFAILED, "hoist check: %zu finding%s at or above '%s' (first: %s %s)", blocking,
                    blocking == 1 ? "" : "s", hoist_lint_severity_name(threshold),
                    first_blocking ? first_blocking->code : "?", first_blocking ? first_blocking->message : "");
    if (first_blocking)
        hoist_error_at(err, first_blocking->file, first_blocking->range.start.line,
                       first_blocking->range.start.column);
    return hoist_error_hint(err, "fix the findings above (hoist check --explain ID says how), raise the "
                                 "failure threshold in .hoist.yaml, or build anyway with --no-check");
}

/* 4b. docker build / docker buildx build. */
static int run_cli(struct build_run *run, const struct build_plan *plan, const hoist_docker_cli *cli,
                   hoist_build_builder builder, hoist_error *err)
{
    hoist_cli_build b = {
        .opts = plan->opts,
        .cli = cli,
        .builder = builder,
        .context_dir = hoist_context_dir(plan->ctx),
        .dockerfile_path = hoist_context_dockerfile_path(plan->ctx),
        .df = plan->df,
        .decoder = &run->decoder,
    };
    return hoist_cli_build_run(&b, err);
}

static bool mentions(const char *text, const char *const *needles)
{
    for (; *needles; needles++)
        if (strcasestr(text, *needles))
            return true;
    return false;
}

/* Does $DOCKER_CONFIG/config.json hold credentials for `registry`? */
static bool has_credentials(const hoist_build_options *opts, const char *registry)
{
    char path[PATH_MAX + 32];
    if (opts->docker_config && *opts->docker_config)
        snprintf(path, sizeof(path), "%s/config.json", opts->docker_config);
    else
        snprintf(path, sizeof(path), "%s/.docker/config.json", opts->home ? opts->home : "/root");
    _cleanup_json_ json_t *root = json_load_file(path, 0, NULL);
    json_t *auths = json_object_get(root, "auths");
    if (json_object_get(auths, registry))
        return true;
    /* Docker Hub is keyed by its legacy URL. */
    return !strcmp(registry, "docker.io") && json_object_get(auths, "https://index.docker.io/v1/");
}

/* The hint for a failed build: the three problems users hit most (a base
 * image that cannot be pulled, registry permissions, a COPY source that is
 * not in the context) get a specific next step. */
static void failure_hint(const hoist_build_options *opts, const hoist_build_decoder *d, hoist_error *err)
{
    static const char *const network[] = {"proxyconnect", "dial tcp", "no such host", "i/o timeout",
                                          "TLS handshake", "connection refused", NULL};
    static const char *const denied[] = {"pull access denied", "unauthorized", "authentication required",
                                         "denied:", "forbidden", NULL};
    static const char *const missing_tag[] = {"manifest unknown", "not found: manifest", NULL};
    static const char *const copy_missing[] = {"COPY failed", "ADD failed", "no such file or directory",
                                               "failed to compute cache key", NULL};
    const char *message = d->error_message;
    if (!strcmp(d->keyword, "FROM")) {
        char image[512] = "";
        sscanf(d->step_text, "%*s %511s", image);
        hoist_image_ref *ref = NULL;
        const char *registry = hoist_image_ref_parse(image, &ref, NULL) == 0 ? ref->registry : "its registry";
        if (mentions(message, denied))
            hoist_error_hint(err, "the registry %s refused %s: check the name, then 'docker login %s' (%s)",
                             registry, image, registry,
                             has_credentials(opts, registry)
                                 ? "hoist sent the credentials from the docker config; they were rejected"
                                 : "the docker config holds no credentials for it");
        else if (mentions(message, missing_tag))
            hoist_error_hint(err, "%s has no such tag or digest in %s; pin one that exists", image, registry);
        else if (mentions(message, network))
            hoist_error_hint(err, "%s is not on this engine and %s cannot be reached from the daemon: load the "
                                  "image onto the engine ('docker load'), or fix the daemon's network or proxy",
                             image, registry);
        else
            hoist_error_hint(err, "the base image could not be used; check its name and tag");
        hoist_image_ref_free(ref);
        return;
    }
    if ((!strcmp(d->keyword, "COPY") || !strcmp(d->keyword, "ADD")) && mentions(message, copy_missing)) {
        hoist_error_hint(err, "the source is not in the build context: check the path and the ignore file "
                              "('hoist context --explain PATH' says which line excludes it)");
        return;
    }
    hoist_error_hint(err, "the build stopped at this instruction; its output above says why");
}

int hoist_build(hoist_client *client, const hoist_build_options *opts, hoist_build_result *result,
                hoist_error *err)
{
    memset(result, 0, sizeof(*result));
    if (!opts || opts->version != HOIST_BUILD_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_build: options version mismatch");
    if (!client)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_build: a client is required (it checks the daemon first)");

    double started = hoist_monotonic_seconds();
    _cleanup_free_ struct build_run *run = calloc(1, sizeof(*run));
    if (!run)
        return hoist_error_set(err, HOIST_EFAILED, "out of memory");
    run->opts = opts;

    /* 1. context and Dockerfile */
    hoist_context_options copts = HOIST_CONTEXT_OPTIONS_INIT;
    copts.dockerfile = opts->dockerfile;
    copts.on_note = on_context_note;
    copts.note_user = run;
    _cleanup_(hoist_context_freep) hoist_context *ctx = NULL;
    int rc = hoist_context_open(&ctx, opts->context_dir && *opts->context_dir ? opts->context_dir : ".",
                                &copts, err);
    if (rc)
        return rc;
    const char *dockerfile_label = opts->dockerfile && *opts->dockerfile ? opts->dockerfile : "Dockerfile";

    /* 2. parse */
    hoist_df_parse_options popts = HOIST_DF_PARSE_OPTIONS_INIT;
    popts.filename = dockerfile_label;
    _cleanup_(hoist_dockerfile_freep) hoist_dockerfile *df = NULL;
    rc = hoist_dockerfile_parse_file(hoist_context_dockerfile_path(ctx), &popts, &df, err);
    if (rc)
        return rc;
    if (opts->target && *opts->target) {
        /* The daemon would only say "failed to reach build target" after the upload. */
        const hoist_df_stage *stages;
        size_t stage_count;
        rc = hoist_dockerfile_stages(df, NULL, &stages, &stage_count, err);
        if (rc)
            return rc;
        _cleanup_free_ bool *needed = calloc(stage_count ? stage_count : 1, sizeof(bool));
        if (!needed)
            return hoist_error_set(err, HOIST_EFAILED, "out of memory");
        rc = hoist_dockerfile_target_stages(df, opts->target, NULL, needed, stage_count, err);
        if (rc) {
            if (!err->file[0])
                hoist_error_at(err, dockerfile_label, 0, 0);
            return rc;
        }
    }
    size_t step_count = 0;
    _cleanup_free_ hoist_step_source *steps = step_map(df, &step_count);
    if (!steps)
        return hoist_error_set(err, HOIST_EFAILED, "out of memory");
    hoist_build_decoder_init(&run->decoder, dockerfile_label, steps, step_count, opts->on_event, opts->user);

    /* The daemon must answer before anything else: one diagnosis for
     * every engine (missing socket, permissions, API version). */
    rc = hoist_client_negotiate(client, err);
    if (rc)
        return rc;
    snprintf(result->api_version, sizeof(result->api_version), "%s", hoist_client_api_version(client));

    /* 3. engine */
    struct build_plan plan = {client, opts, ctx, df, dockerfile_label, result};
    hoist_docker_cli cli;
    hoist_build_builder builder = HOIST_BUILDER_CLASSIC;
    rc = choose_engine(&plan, &cli, &builder, err);
    if (rc)
        return rc;
    note(run, "%s", result->engine_reason);
    if (!opts->no_check) {
        rc = run_checks(run, &plan, builder, err);
        if (rc)
            return rc;
    }
    note(run, "context %s, Dockerfile %s, API %s", hoist_context_dir(ctx), dockerfile_label, result->api_version);

    /* 4. build */
    rc = result->engine == HOIST_BUILD_ENGINE_CLI ? run_cli(run, &plan, &cli, builder, err) : run_api(run, &plan, err);
    result->seconds = hoist_monotonic_seconds() - started;
    result->steps_total = run->decoder.step_total;
    result->steps_run = run->decoder.steps_run;
    result->steps_cached = run->decoder.steps_cached;

    /* 5. outcome */
    if (rc == HOIST_EFAILED && run->decoder.failed) {
        hoist_error_set(err, HOIST_EFAILED, "%s", run->decoder.error_message);
        if (run->decoder.error_line)
            hoist_error_at(err, dockerfile_label, run->decoder.error_line, 0);
        failure_hint(opts, &run->decoder, err);
        return err->code;
    }
    if (rc)
        return rc;
    if (!run->decoder.image_id[0]) {
        hoist_error_set(err, HOIST_EFAILED, "the daemon finished the build without reporting an image ID");
        return hoist_error_hint(err, "check the daemon's log; the build output above may say more");
    }
    snprintf(result->image_id, sizeof(result->image_id), "%s", run->decoder.image_id);
    for (size_t i = 0; i < run->decoder.tag_count; i++)
        snprintf(result->tags[i], sizeof(result->tags[i]), "%s", run->decoder.tags[i]);
    result->tag_count = run->decoder.tag_count;
    if (opts->iidfile && *opts->iidfile) {
        rc = write_iidfile(opts->iidfile, result->image_id, err);
        if (rc)
            return rc;
    }
    return 0;
}
