/*
 * check_gate.c - `hoist check` before every build.
 *
 * The Dockerfile and its context are linted with the configuration of
 * `hoist check` (--check-config, else <context>/.hoist.yaml, found by
 * hoist_lint_config_discover as `hoist check` does) and the engine that will
 * run the build, on the build's own open context (its walk is kept and
 * shared with the upload estimate, so the context is walked once); every finding is shown as an event, and those at
 * or above the failure threshold stop the build before anything is sent.
 * ShellCheck is left to `hoist check` itself: it costs a process per RUN.
 */
#include "build/build_internal.h"
#include "common/cleanup.h"
#include "hoist/lint.h"

#include <stdio.h>

HOIST_DEFINE_FREEP(hoist_lint_config, hoist_lint_config_free)
HOIST_DEFINE_FREEP(hoist_lint_result, hoist_lint_result_free)

int hoist_build_check_gate(const hoist_build_plan *plan, hoist_build_builder builder, hoist_build_decoder *decoder,
                           hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    _cleanup_(hoist_lint_config_freep) hoist_lint_config *config = NULL;
    int rc = hoist_lint_config_discover(&config, opts->check.config, hoist_context_dir(plan->ctx), err);
    if (rc)
        return rc;
    hoist_lint_engine engine = HOIST_LINT_ENGINE_INIT;
    engine.known = true;
    engine.buildkit = plan->result->engine == HOIST_BUILD_ENGINE_BUILDKIT ||
                      (plan->result->engine == HOIST_BUILD_ENGINE_CLI && builder != HOIST_BUILDER_CLASSIC);
    engine.api_version = plan->result->api_version;
    /* The release, when engine choice asked for it: then HS009 judges the
     * built-in frontend exactly as engine choice did. */
    engine.engine_version = plan->engine_version[0] ? plan->engine_version : NULL;
    hoist_lint_options lopts = HOIST_LINT_OPTIONS_INIT;
    /* shellcheck runs once per RUN; `hoist check` is the place for it. */
    lopts.flags = HOIST_LINT_NO_SHELLCHECK;
    /* The absolute path: the linter also looks for <Dockerfile>.dockerignore
     * beside it, which a label relative to some other directory would miss. */
    lopts.dockerfile = hoist_context_dockerfile_path(plan->ctx);
    lopts.context_dir = hoist_context_dir(plan->ctx);
    /* The build's open context: its one walk serves the rules and, later,
     * the upload estimate. */
    lopts.context = plan->ctx;
    lopts.config = config;
    lopts.engine = &engine;
    _cleanup_(hoist_lint_result_freep) hoist_lint_result *findings = NULL;
    rc = hoist_lint_run(&findings, plan->df, &lopts, err);
    if (rc)
        return rc;
    hoist_lint_severity threshold = hoist_lint_config_threshold(config);
    size_t blocking = 0;
    const hoist_lint_finding *first_blocking = NULL;
    for (size_t i = 0; i < hoist_lint_result_finding_count(findings); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(findings, i);
        hoist_build_event ev = {.kind = HOIST_EVENT_FINDING, .id = f->code, .text = f->message,
                                .keyword = hoist_lint_severity_name(f->severity), .file = f->file,
                                .line = f->range.start.line, .end_line = f->range.end.line,
                                .current = -1, .total = -1};
        hoist_build_decoder_emit(decoder, &ev);
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

