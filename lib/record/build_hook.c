/*
 * build_hook.c - build records made by hoist_build() (build_hook.h).
 *
 * Step timing: BuildKit times each step (STEP_DONE's duration); the
 * classic builder does not, so a step there lasts from its STEP event to
 * the next one (or the end of the build). A step that comes from the cache
 * keeps the duration it had when it last ran, so that `hoist explain` can
 * say what a rebuild costs.
 */
#include "record/build_hook.h"
#include "record/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec_tap {
    rec *now;
    rec *old;
    rec_verdict *verdicts;
    char path[4200];
    hoist_build_decoder *decoder;
    hoist_build_event_fn fwd;
    void *fwd_user;
    /* per instruction index */
    size_t n;
    bool *cached, *ran, *reported;
    double *duration;
    int open_step;          /* classic: the step running now (1-based), 0 none */
    double open_since;
};

void rec_tap_free(rec_tap *t)
{
    if (!t)
        return;
    if (t->now)
        rec_verdicts_free(t->verdicts, t->now->step_count);
    rec_free(t->now);
    rec_free(t->old);
    free(t->cached);
    free(t->ran);
    free(t->reported);
    free(t->duration);
    free(t);
}

static const rec_step *now_step(const rec_tap *t, int index, const rec_verdict **v)
{
    for (size_t i = 0; i < t->now->step_count; i++)
        if (t->now->steps[i].index == index) {
            if (v)
                *v = &t->verdicts[i];
            return &t->now->steps[i];
        }
    return NULL;
}

/* The step ran: say why when the last build had it. */
static int report_rebuilt(rec_tap *t, int step, const hoist_build_event *like)
{
    size_t i = (size_t)step - 1;
    if (!t->old || i >= t->n || t->reported[i])
        return 0;
    t->reported[i] = true;
    const rec_verdict *v = NULL;
    const rec_step *s = now_step(t, step - 1, &v);
    if (!s || s->skipped || !v || v->cause == HOIST_EXPLAIN_CAUSE_NEW)
        return 0;
    char reason[1100], text[1200];
    if (v->status == HOIST_EXPLAIN_MISS || v->status == HOIST_EXPLAIN_MAYBE)
        snprintf(reason, sizeof(reason), "%s", v->reason);
    else
        snprintf(reason, sizeof(reason), "not in the builder's cache (its inputs are unchanged since the last build)");
    snprintf(text, sizeof(text), "step %d rebuilt: %s", step, reason);
    hoist_build_event ev = {.kind = HOIST_EVENT_NOTE, .text = text, .reason = reason, .step = step,
                            .step_total = like ? like->step_total : 0, .file = like ? like->file : NULL,
                            .line = s->line, .end_line = s->line, .current = -1, .total = -1,
                            .elapsed = like ? like->elapsed : 0};
    return t->fwd ? t->fwd(&ev, t->fwd_user) : 0;
}

static int close_open(rec_tap *t, double now, const hoist_build_event *like)
{
    int step = t->open_step;
    t->open_step = 0;
    if (step <= 0 || (size_t)step > t->n || t->cached[step - 1])
        return 0;
    t->ran[step - 1] = true;
    t->duration[step - 1] = now - t->open_since;
    return report_rebuilt(t, step, like);
}

static int on_event(const hoist_build_event *ev, void *user)
{
    rec_tap *t = user;
    bool classic = strcmp(t->now->engine, "buildkit") != 0;
    size_t i = ev->step > 0 ? (size_t)ev->step - 1 : (size_t)-1;
    int rc = 0;
    switch (ev->kind) {
    case HOIST_EVENT_STEP:
        if (classic) {
            rc = close_open(t, ev->elapsed, ev);
            t->open_step = ev->step;
            t->open_since = ev->elapsed;
        }
        break;
    case HOIST_EVENT_STEP_CACHED:
        if (i < t->n)
            t->cached[i] = true;
        break;
    case HOIST_EVENT_STEP_DONE:
        if (i < t->n && !t->cached[i]) {
            t->ran[i] = true;
            t->duration[i] = ev->duration;
            rc = report_rebuilt(t, ev->step, ev);
        }
        break;
    case HOIST_EVENT_IMAGE_ID:
    case HOIST_EVENT_ERROR:
        if (classic)
            rc = close_open(t, ev->elapsed, ev);
        break;
    default:
        break;
    }
    if (rc)
        return rc;
    return t->fwd ? t->fwd(ev, t->fwd_user) : 0;
}

/* A NOTE, not a WARNING: records are a cache, and the build goes on (an
 * unreadable source file, say, is the build's own error to report). */
static void warn(hoist_build_decoder *d, const char *what, const hoist_error *e)
{
    char text[1400];
    snprintf(text, sizeof(text), "no build record (hoist explain): %s: %s", what, e->message);
    hoist_build_event ev = {.kind = HOIST_EVENT_NOTE, .text = text, .current = -1, .total = -1};
    hoist_build_decoder_emit(d, &ev);
}

void hoist_build_record_begin(rec_tap **out, const hoist_build_plan *plan, hoist_build_decoder *decoder)
{
    *out = NULL;
    /* Records are per builder cache: the cli engine's classic builder is
     * the api engine's, its built-in BuildKit the daemon's BuildKit; buildx
     * may build elsewhere (a builder container) and is not recorded. */
    const hoist_build_result *res = plan->result;
    const char *engine = NULL;
    if (res->engine == HOIST_BUILD_ENGINE_API || (res->engine == HOIST_BUILD_ENGINE_CLI && res->builder == HOIST_BUILDER_CLASSIC))
        engine = "api";
    else if (res->engine == HOIST_BUILD_ENGINE_BUILDKIT ||
             (res->engine == HOIST_BUILD_ENGINE_CLI && res->builder == HOIST_BUILDER_BUILDKIT))
        engine = "buildkit";
    if (!engine || !rec_enabled() || (plan->opts->buildkit.output && *plan->opts->buildkit.output))
        return;
    _cleanup_(rec_tap_freep) rec_tap *t = calloc(1, sizeof(*t));
    if (!t)
        return;
    const hoist_build_params *p = &plan->opts->params;
    rec_inputs in = {plan->client, plan->ctx, plan->df, engine, hoist_client_endpoint(plan->client)->host,
                     p->target, p->build_args, p->build_arg_count, NULL};
    hoist_error err = HOIST_ERROR_INIT;
    const char *dfp = hoist_context_dockerfile_path(plan->ctx);
    if (!rec_path(t->path, sizeof(t->path), NULL, engine, in.endpoint, hoist_context_dir(plan->ctx),
                  dfp ? dfp : "", p->target ? p->target : ""))
        return;
    if (rec_load(&t->old, t->path, &err))
        return;
    in.prev = t->old;
    if (rec_compute(&t->now, &in, &err)) {
        warn(decoder, "computing the cache inputs", &err);
        return;
    }
    if (rec_compare(&t->verdicts, t->old, t->now, p->no_cache, &err))
        return;
    t->n = hoist_dockerfile_instruction_count(plan->df);
    t->cached = calloc(t->n + 1, sizeof(bool));
    t->ran = calloc(t->n + 1, sizeof(bool));
    t->reported = calloc(t->n + 1, sizeof(bool));
    t->duration = calloc(t->n + 1, sizeof(double));
    if (!t->cached || !t->ran || !t->reported || !t->duration)
        return;
    t->decoder = decoder;
    t->fwd = decoder->on_event;
    t->fwd_user = decoder->user;
    decoder->on_event = on_event;
    decoder->user = t;
    *out = TAKE_PTR(t);
}

void hoist_build_record_end(rec_tap *t, int build_rc)
{
    if (!t)
        return;
    /* the decoder outlives this call; give the callback back */
    t->decoder->on_event = t->fwd;
    t->decoder->user = t->fwd_user;
    if (build_rc)
        return;
    if (strcmp(t->now->engine, "buildkit"))
        close_open(t, hoist_monotonic_seconds() - t->decoder->started, NULL);
    for (size_t k = 0; k < t->now->step_count; k++) {
        rec_step *s = &t->now->steps[k];
        size_t i = (size_t)s->index;
        if (i >= t->n)
            continue;
        s->ran = t->ran[i];
        s->cached = t->cached[i];
        if (s->ran) {
            s->duration = t->duration[i];
        } else if (t->old) {
            for (size_t j = 0; j < t->old->step_count; j++)
                if (t->old->steps[j].index == s->index && t->old->steps[j].text && s->text &&
                    !strcmp(t->old->steps[j].text, s->text))
                    s->duration = t->old->steps[j].duration;
        }
    }
    /* like the ShellCheck cache: a directory that cannot be written is no
     * reason to say anything on every build */
    hoist_error err = HOIST_ERROR_INIT;
    if (rec_save(t->now, t->path, &err) && err.code != HOIST_EENV)
        warn(t->decoder, "saving", &err);
}
