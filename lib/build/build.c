/*
 * build.c - hoist_build(): one call from options to a built image.
 *
 * Stages, in order, each finishing before the next starts so that a bad
 * input never costs an upload:
 *   1. resolve the context directory and the Dockerfile (-f is relative to
 *      the caller's working directory, as with the docker CLI);
 *   2. parse the Dockerfile (syntax errors: HOIST_EINPUT, nothing sent) and
 *      build the step map used to put file:line on events and errors;
 *   3. negotiate the API version (the daemon must answer first: one
 *      diagnosis for every engine), choose the engine (engine_choice.c) and
 *      run the `hoist check` gate (check_gate.c) on the open context, whose
 *      one kept walk (hoist_context_entries) also gives the upload estimate;
 *   4. build: over the API, the query (options newer than the API version
 *      fail here), the registry credentials header, and the context tar
 *      streamed into POST /build while the reply is decoded (libcurl pulls
 *      the body straight from the context engine's tar reader, so the
 *      context is never held in memory or written to disk); or through the
 *      docker CLI (cli_engine.c); or natively through the daemon's BuildKit
 *      (bk_engine.c: a session serves the files BuildKit asks for);
 *   5. report: image ID (and --iidfile), tags, steps run and cached, and a
 *      hint for the failures users hit most (failure_hint.c).
 */
#include "common/options.h"
#include "hoist/build.h"
#include "hoist/context.h"
#include "hoist/dockerfile.h"
#include "build/build_internal.h"
#include "buildkit/control.h"
#include "build/cli_engine.h"
#include "build/decoder.h"
#include "build/json_stream.h"
#include "build/query.h"
#include "record/build_hook.h"
#include "registry/auth_header.h"
#include "hoist/registry.h"
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

#define ERROR_BODY_KEEP 65535 /* bytes of a refusal kept for its message */

const char *hoist_build_engine_name(hoist_build_engine engine)
{
    switch (engine) {
    case HOIST_BUILD_ENGINE_AUTO: return "auto";
    case HOIST_BUILD_ENGINE_API: return "api";
    case HOIST_BUILD_ENGINE_CLI: return "cli";
    case HOIST_BUILD_ENGINE_BUILDKIT: return "buildkit";
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
    case HOIST_EVENT_STEP_DONE: return "step-done";
    }
    return "unknown";
}

HOIST_DEFINE_FREEP(hoist_dockerfile, hoist_dockerfile_free)
HOIST_DEFINE_FREEP(hoist_json_stream, hoist_json_stream_free)
HOIST_DEFINE_FREEP(char, hoist_registry_header_free)
HOIST_DEFINE_FREEP(hoist_context, hoist_context_free)
HOIST_DEFINE_FREEP(hoist_context_tar, hoist_context_tar_free)

/* State shared by the request callbacks; all run on the calling thread. */
struct build_run {
    const hoist_build_options *opts;
    hoist_build_decoder decoder;
    hoist_context_tar *tar;
    int tar_rc;
    hoist_error tar_err;
    unsigned long long bytes_sent;
    long long upload_estimate;         /* -1 when not measured */
    bool body_done;
    double last_upload_event;
};

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
    return run->decoder.stop || (run->opts->output.cancel && *run->opts->output.cancel);
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
        hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "cannot write the image ID file %s: %s", path, strerror(errno));
        return hoist_error_hint(err, "check that the directory exists and is writable");
    }
    size_t n = strlen(id);
    int ok = write(fd, id, n) == (ssize_t)n;
    ok = (fchmod(fd, 0644) == 0) && ok;
    ok = (close(fd) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(e), "cannot write the image ID file %s: %s", path, strerror(e));
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
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
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

/* Estimated tar size of the context: a header block per entry (two when a
 * long name needs a PAX record), data rounded up to 512-byte blocks, and
 * the two-block trailer. Reads the context's kept walk (the one the check
 * gate already made, when it ran); reads no data. */
static long long estimate_tar_size(hoist_context *ctx, hoist_error *err)
{
    const hoist_context_entry *entries;
    size_t count;
    if (hoist_context_entries(ctx, &entries, &count, err))
        return -1;
    long long total = 1024;
    for (size_t i = 0; i < count; i++)
        if (entries[i].sent)
            total += (strlen(entries[i].name) > 99 ? 1024 : 512) + (long long)((entries[i].size + 511) / 512 * 512);
    return total;
}

/* 4a. POST /build with the context streamed from the tar reader. */
static int run_api(struct build_run *run, const hoist_build_plan *plan, hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    hoist_client *client = plan->client;
    hoist_build_result *result = plan->result;
    _cleanup_free_ char *query = NULL;
    int rc = hoist_build_query(client, opts, hoist_context_dockerfile(plan->ctx), result->api_version, &query, err);
    if (rc)
        return rc;
    _cleanup_(hoist_registry_header_freep) char *auth_header = NULL;
    hoist_credentials_options cred_opts = {.config_dir = opts->registry.docker_config, .home = opts->registry.home,
                                           .path_env = opts->engine.path_env};
    hoist_error skipped;
    rc = hoist_registry_config_header(&cred_opts, &auth_header, &skipped, err);
    if (rc)
        return rc;
    if (skipped.code) /* docker build goes on without them too; say so */
        on_context_note("credentials", skipped.message, run);
    if (hoist_context_ignore_file(plan->ctx))
        note(run, "ignore rules from %s", hoist_context_ignore_file(plan->ctx));

    _cleanup_(hoist_json_stream_freep) hoist_json_stream *stream = hoist_json_stream_new(on_message, run);
    if (!stream)
        return hoist_error_nomem(err);
    /* an error reply (HTML, text, megabytes) is the error's message, not build output */
    _cleanup_(hoist_reply_clear) hoist_reply reply = {.only_success = true, .head.max = ERROR_BODY_KEEP};
    hoist_json_stream_reply(stream, &reply);
    const char *headers[] = {
        /* also for gzip: the daemon detects the compression itself */
        "Content-Type: application/x-tar",
        auth_header,
        NULL,
    };
    run->upload_estimate = -1;
    if (opts->output.measure_upload && !opts->engine.gzip) {
        hoist_error ignored = HOIST_ERROR_INIT; /* the upload itself reports real errors */
        run->upload_estimate = estimate_tar_size(plan->ctx, &ignored);
    }
    hoist_context_tar_options topts = HOIST_CONTEXT_TAR_OPTIONS_INIT;
    topts.gzip = opts->engine.gzip;
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
        .cancel = on_cancel_poll,
        .cancel_user = run,
    };
    _cleanup_(hoist_http_response_clear) hoist_http_response resp = {0};
    hoist_error req_err = HOIST_ERROR_INIT;
    int req_rc = hoist_reply_request(client, query, &req, &reply, &resp, &req_err);
    hoist_build_decoder_finish(&run->decoder);
    result->context_bytes = hoist_context_tar_bytes(tar);
    result->context_entries = hoist_context_tar_entries(tar);

    /* most specific cause first */
    if (req_rc == HOIST_EINTERRUPTED || (opts->output.cancel && *opts->output.cancel) || run->decoder.stop) {
        hoist_error_set(err, HOIST_EINTERRUPTED, "build cancelled%s%s", run->decoder.step ? " during " : "",
                        run->decoder.step ? run->decoder.step_text : "");
        return hoist_error_hint(err, "the connection was closed, which stops the build on the daemon");
    }
    if (run->tar_rc) {
        *err = run->tar_err;
        return hoist_error_prefix(err, "sending the build context");
    }
    if (resp.status >= 300 || (req_rc && resp.status >= 400))
        return hoist_reply_http_error(&reply, &resp, "POST /build", client, err);
    if (req_rc) {
        *err = req_err;
        return req_rc;
    }
    if (run->decoder.failed)
        return HOIST_EFAILED;
    if (reply.rc) {
        *err = reply.err;
        return reply.rc;
    }
    return 0;
}

/* 4b. docker build / docker buildx build. */
static int run_cli(struct build_run *run, const hoist_build_plan *plan, const hoist_docker_cli *cli,
                   hoist_build_builder builder, hoist_error *err)
{
    hoist_cli_build b = {
        .opts = plan->opts,
        .endpoint = hoist_client_endpoint(plan->client),
        .cli = cli,
        .builder = builder,
        .context_dir = hoist_context_dir(plan->ctx),
        .dockerfile_path = hoist_context_dockerfile_path(plan->ctx),
        .df = plan->df,
        .decoder = &run->decoder,
    };
    return hoist_cli_build_run(&b, err);
}

void hoist_build_options_init(hoist_build_options *opts)
{
    *opts = (hoist_build_options)HOIST_BUILD_OPTIONS_INIT;
}

int hoist_build(hoist_build_result *result, hoist_client *client, const hoist_build_options *opts,
                hoist_error *err)
{
    memset(result, 0, sizeof(*result));
    if (HOIST_OPTIONS_CHECK(opts, HOIST_BUILD_OPTIONS_VERSION, "hoist_build", "HOIST_BUILD_OPTIONS_INIT", err))
        return HOIST_EUSAGE;
    /* the values docker build checks before it sends anything */
    int prc = build_params_check(&opts->params, err);
    if (prc)
        return prc;
    if (!client)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_build: a client is required (it checks the daemon first)");
    if (opts->registry.push && opts->params.tag_count == 0) {
        hoist_error_set(err, HOIST_EUSAGE, "--push needs a tag to push");
        return hoist_error_hint(err, "add -t NAME:TAG");
    }
    if (opts->registry.push && opts->buildkit.output && *opts->buildkit.output) {
        hoist_error_set(err, HOIST_EUSAGE, "--push and --output exclude each other: --output exports files, "
                        "no image is made to push");
        return hoist_error_hint(err, "drop --output to build and push an image");
    }

    double started = hoist_monotonic_seconds();
    _cleanup_free_ struct build_run *run = calloc(1, sizeof(*run));
    if (!run)
        return hoist_error_nomem(err);
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
    rc = hoist_dockerfile_parse_file(&df, hoist_context_dockerfile_path(ctx), &popts, err);
    if (rc)
        return rc;
    if (opts->params.target && *opts->params.target) {
        /* The daemon would only say "failed to reach build target" after the upload. */
        hoist_df_stage *stages = NULL;
        size_t stage_count;
        rc = hoist_dockerfile_stages(df, &stages, &stage_count, NULL, err);
        if (rc)
            return rc;
        hoist_df_stages_free(stages);
        _cleanup_free_ bool *needed = calloc(stage_count ? stage_count : 1, sizeof(bool));
        if (!needed)
            return hoist_error_nomem(err);
        rc = hoist_dockerfile_target_stages(df, needed, stage_count, opts->params.target, NULL, err);
        if (rc) {
            if (!err->file[0])
                hoist_error_at(err, dockerfile_label, 0, 0);
            return rc;
        }
    }
    size_t step_count = 0;
    _cleanup_free_ hoist_step_source *steps = step_map(df, &step_count);
    if (!steps)
        return hoist_error_nomem(err);
    hoist_build_decoder_init(&run->decoder, dockerfile_label, steps, step_count, opts->output.on_event, opts->output.user);

    /* The daemon must answer before anything else: one diagnosis for
     * every engine (missing socket, permissions, API version). */
    rc = hoist_client_negotiate(client, err);
    if (rc)
        return rc;
    snprintf(result->api_version, sizeof(result->api_version), "%s", hoist_client_api_version(client));

    /* 3. engine */
    hoist_build_plan plan = {client, opts, ctx, df, dockerfile_label, result, ""};
    hoist_docker_cli cli;
    hoist_build_builder builder = HOIST_BUILDER_CLASSIC;
    bool control = opts->buildkit.builder && *opts->buildkit.builder;
    if (control) {
        /* --builder: BuildKit's Control API on that builder (lib/buildkit) */
        if (opts->engine.kind != HOIST_BUILD_ENGINE_AUTO && opts->engine.kind != HOIST_BUILD_ENGINE_BUILDKIT) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--builder builds with BuildKit: it excludes "
                             "--engine %s", hoist_build_engine_name(opts->engine.kind));
            return hoist_error_hint(err, "drop --engine, or drop --builder");
        }
        result->engine = HOIST_BUILD_ENGINE_BUILDKIT;
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine buildkit: BuildKit's Control API "
                 "on the builder %s (--builder)", opts->buildkit.builder);
    } else {
        if (opts->buildkit.cache_to_count) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--cache-to needs a BuildKit builder (--builder)");
            return hoist_error_hint(err, "add --builder docker to build on the engine's BuildKit through its Control API");
        }
        rc = hoist_build_choose_engine(&plan, &cli, &builder, err);
        if (rc)
            return rc;
    }
    note(run, "%s", result->engine_reason);
    if (!opts->check.skip) {
        rc = hoist_build_check_gate(&plan, builder, &run->decoder, err);
        if (rc)
            return rc;
    }
    note(run, "context %s, Dockerfile %s, API %s", hoist_context_dir(ctx), dockerfile_label, result->api_version);
    /* the build record (hoist explain): inputs now, rebuild reasons as steps run */
    _cleanup_(rec_tap_freep) rec_tap *record = NULL;
    hoist_build_record_begin(&record, &plan, &run->decoder);

    /* 4. build */
    if (result->engine == HOIST_BUILD_ENGINE_CLI)
        rc = run_cli(run, &plan, &cli, builder, err);
    else if (control)
        rc = hoist_build_run_control(&plan, &run->decoder, err);
    else if (result->engine == HOIST_BUILD_ENGINE_BUILDKIT)
        rc = hoist_build_run_buildkit(&plan, &run->decoder, err);
    else
        rc = run_api(run, &plan, err);
    result->seconds = hoist_monotonic_seconds() - started;
    result->steps_total = run->decoder.step_total;
    result->steps_run = run->decoder.steps_run;
    result->steps_cached = run->decoder.steps_cached;
    hoist_build_record_end(record, rc || run->decoder.failed);

    /* 5. outcome (the buildkit engine's error already has file:line and
     * the step's last output) */
    if (rc == HOIST_EFAILED && run->decoder.failed && result->engine != HOIST_BUILD_ENGINE_BUILDKIT) {
        hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_BUILD, "%s", run->decoder.error_message);
        if (run->decoder.error_line)
            hoist_error_at(err, dockerfile_label, run->decoder.error_line, 0);
        hoist_build_failure_hint(opts, &run->decoder, err);
        return err->code;
    }
    if (rc == HOIST_EFAILED && run->decoder.failed && !err->hint[0])
        hoist_build_failure_hint(opts, &run->decoder, err); /* BuildKit: a step without output (FROM) */
    if (rc)
        return rc;
    if (result->engine == HOIST_BUILD_ENGINE_BUILDKIT && opts->buildkit.output && *opts->buildkit.output)
        return 0; /* exported with --output: no image in the daemon */
    if (!run->decoder.image_id[0]) {
        hoist_error_set(err, HOIST_EFAILED, "the daemon finished the build without reporting an image ID");
        return hoist_error_hint(err, "check the daemon's log; the build output above may say more");
    }
    snprintf(result->image_id, sizeof(result->image_id), "%s", run->decoder.image_id);
    for (size_t i = 0; i < run->decoder.tag_count; i++)
        snprintf(result->tags[i], sizeof(result->tags[i]), "%s", run->decoder.tags[i]);
    result->tag_count = run->decoder.tag_count;
    if (opts->output.iidfile && *opts->output.iidfile) {
        rc = write_iidfile(opts->output.iidfile, result->image_id, err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; opts->registry.push && i < opts->params.tag_count; i++) {
        hoist_push_options push_opts = HOIST_PUSH_OPTIONS_INIT;
        push_opts.image = opts->params.tags[i];
        push_opts.auth = (hoist_registry_auth_options){opts->registry.docker_config, opts->registry.home, opts->engine.path_env, 0};
        push_opts.on_event = opts->output.on_event;
        push_opts.user = opts->output.user;
        push_opts.cancel = opts->output.cancel;
        hoist_push_result pushed;
        if ((rc = hoist_push(&pushed, client, &push_opts, err)))
            return rc;
        note(run, "pushed %s:%s@%s", pushed.name, pushed.tag, pushed.digest);
    }
    return 0;
}
