/*
 * explain.c - hoist_explain(): the inputs of a build now against the last
 * build record (hoist/explain.h).
 *
 * Opens the context and parses the Dockerfile as hoist_build() does,
 * computes a record for the engine's builder (compute.c), loads the last
 * one (store.c) and compares them (compare.c). Reads nothing but the
 * context, the Dockerfile, the record and GET /images/{name}/json.
 */
#include "record/record.h"
#include "build/build_internal.h"
#include "common/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hoist_explanation {
    rec *now;
    rec *old;
    rec_verdict *verdicts;
    hoist_explain_step *steps;
    size_t step_count;
    long first_miss;
    char path[4200];
    char engine[16];
};

void hoist_explain_options_init(hoist_explain_options *opts)
{
    *opts = (hoist_explain_options)HOIST_EXPLAIN_OPTIONS_INIT;
}

const char *hoist_explain_status_name(hoist_explain_status status)
{
    switch (status) {
    case HOIST_EXPLAIN_CACHED: return "cached";
    case HOIST_EXPLAIN_MISS: return "miss";
    case HOIST_EXPLAIN_MAYBE: return "maybe";
    case HOIST_EXPLAIN_SKIPPED: return "skipped";
    }
    return "unknown";
}

const char *hoist_explain_cause_name(hoist_explain_cause cause)
{
    switch (cause) {
    case HOIST_EXPLAIN_CAUSE_NONE: return "";
    case HOIST_EXPLAIN_CAUSE_INSTRUCTION: return "instruction";
    case HOIST_EXPLAIN_CAUSE_ARG: return "arg";
    case HOIST_EXPLAIN_CAUSE_BASE: return "base";
    case HOIST_EXPLAIN_CAUSE_FILES: return "files";
    case HOIST_EXPLAIN_CAUSE_METADATA: return "metadata";
    case HOIST_EXPLAIN_CAUSE_PREVIOUS: return "previous";
    case HOIST_EXPLAIN_CAUSE_NEW: return "new";
    case HOIST_EXPLAIN_CAUSE_NO_CACHE: return "no-cache";
    }
    return "";
}

void hoist_explanation_free(hoist_explanation *ex)
{
    if (!ex)
        return;
    if (ex->now)
        rec_verdicts_free(ex->verdicts, ex->now->step_count);
    rec_free(ex->now);
    rec_free(ex->old);
    free(ex->steps);
    free(ex);
}
HOIST_DEFINE_FREEP(hoist_explanation, hoist_explanation_free)
HOIST_DEFINE_FREEP(hoist_context, hoist_context_free)
HOIST_DEFINE_FREEP(hoist_dockerfile, hoist_dockerfile_free)

bool hoist_explanation_has_record(const hoist_explanation *ex) { return ex && ex->old; }
const char *hoist_explanation_record_path(const hoist_explanation *ex) { return ex ? ex->path : ""; }
long long hoist_explanation_record_time(const hoist_explanation *ex) { return ex && ex->old ? ex->old->time : 0; }
const char *hoist_explanation_engine(const hoist_explanation *ex) { return ex ? ex->engine : ""; }
size_t hoist_explanation_step_count(const hoist_explanation *ex) { return ex ? ex->step_count : 0; }
long hoist_explanation_first_miss(const hoist_explanation *ex) { return ex ? ex->first_miss : -1; }

const hoist_explain_step *hoist_explanation_step_at(const hoist_explanation *ex, size_t index)
{
    return ex && index < ex->step_count ? &ex->steps[index] : NULL;
}

/* Fill the public step views from the record and the verdicts. */

static int rec_explanation_fill(hoist_explanation *ex, hoist_error *err)
{
    size_t n = ex->now->step_count;
    if (!(ex->steps = calloc(n ? n : 1, sizeof(*ex->steps))))
        return hoist_error_nomem(err);
    ex->step_count = n;
    ex->first_miss = -1;
    for (size_t i = 0; i < n; i++) {
        const rec_step *s = &ex->now->steps[i];
        const rec_verdict *v = &ex->verdicts[i];
        hoist_explain_step *o = &ex->steps[i];
        o->step = s->index + 1;
        o->line = s->line;
        o->stage = s->stage;
        o->keyword = s->keyword;
        o->text = s->text;
        o->status = v->status;
        o->cause = v->cause;
        o->reason = v->reason;
        o->after_step = v->after_step;
        o->last_duration = v->last_duration;
        o->changes = (const char *const *)v->changes;
        o->change_count = v->change_count;
        o->change_total = v->change_total;
        if (ex->first_miss < 0 && v->status == HOIST_EXPLAIN_MISS)
            ex->first_miss = (long)i;
    }
    return 0;
}

int hoist_explain(hoist_explanation **out, hoist_client *client, const hoist_explain_options *opts,
                  hoist_error *err)
{
    *out = NULL;
    if (HOIST_OPTIONS_CHECK(opts, HOIST_EXPLAIN_OPTIONS_VERSION, "hoist_explain", "HOIST_EXPLAIN_OPTIONS_INIT", err))
        return HOIST_EUSAGE;
    if (!client)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_explain: a client is required (base images are "
                               "resolved on the engine)");
    /* the daemon must answer: base images are looked up there */
    int rc = hoist_client_negotiate(client, err);
    if (rc)
        return rc;
    const char *engine;
    switch (opts->engine) {
    case HOIST_BUILD_ENGINE_API: engine = "api"; break;
    case HOIST_BUILD_ENGINE_BUILDKIT: engine = "buildkit"; break;
    case HOIST_BUILD_ENGINE_CLI:
        hoist_error_set(err, HOIST_EUSAGE, "hoist explain predicts the api and buildkit engines, not the cli");
        return hoist_error_hint(err, "use --engine api or --engine buildkit");
    default: {
        char why[512];
        engine = hoist_build_session_capable(client, why, sizeof(why)) ? "buildkit" : "api";
    }
    }
    hoist_context_options copts = HOIST_CONTEXT_OPTIONS_INIT;
    copts.dockerfile = opts->dockerfile;
    _cleanup_(hoist_context_freep) hoist_context *ctx = NULL;
    rc = hoist_context_open(&ctx, opts->context_dir && *opts->context_dir ? opts->context_dir : ".", &copts, err);
    if (rc)
        return rc;
    hoist_df_parse_options popts = HOIST_DF_PARSE_OPTIONS_INIT;
    popts.filename = opts->dockerfile && *opts->dockerfile ? opts->dockerfile : "Dockerfile";
    _cleanup_(hoist_dockerfile_freep) hoist_dockerfile *df = NULL;
    if ((rc = hoist_dockerfile_parse_file(&df, hoist_context_dockerfile_path(ctx), &popts, err)))
        return rc;
    _cleanup_(hoist_explanation_freep) hoist_explanation *ex = calloc(1, sizeof(*ex));
    if (!ex)
        return hoist_error_nomem(err);
    snprintf(ex->engine, sizeof(ex->engine), "%s", engine);
    const char *endpoint = hoist_client_endpoint(client)->host;
    rec_inputs in = {client, ctx, df, engine, endpoint, opts->target, opts->build_args, opts->build_arg_count, NULL};
    const char *dfp = hoist_context_dockerfile_path(ctx);
    if (rec_path(ex->path, sizeof(ex->path), opts->cache_dir, engine, endpoint, hoist_context_dir(ctx),
                 dfp ? dfp : "", opts->target ? opts->target : "") &&
        (rc = rec_load(&ex->old, ex->path, err)))
        return rc;
    in.prev = ex->old;
    if ((rc = rec_compute(&ex->now, &in, err)))
        return rc;
    if ((rc = rec_compare(&ex->verdicts, ex->old, ex->now, opts->no_cache, err)))
        return rc;
    if ((rc = rec_explanation_fill(ex, err)))
        return rc;
    *out = TAKE_PTR(ex);
    return 0;
}
