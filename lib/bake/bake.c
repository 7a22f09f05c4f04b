/*
 * bake.c - hoist_bake(): a plan built over a pool of builders.
 *
 * Sets up the pool (builders.c: each builder probed once through the
 * Control API, which also tells a Docker engine builder from a buildkitd),
 * turns each target into hoist_build options on top of the caller's
 * template, and hands the DAG to the scheduler (sched.c) with the real
 * build, move and liveness steps (liveness: one Control API call). Every
 * event goes to the caller tagged with its target, one call at a time (the
 * scheduler's lock), and to TARGET.log under logs_dir when asked. A cache
 * pushed to a registry (cache-to type=registry,ref=R, or --registry) is an
 * inline cache: the build exports cache type=inline and gets the tag R, and
 * R is pushed after the build; a later build on any builder imports it
 * (cache-from R: the Dockerfile frontend's cache-from attribute). A failed cache push is a warning, not a failure.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bake/bake_internal.h"
#include "common/cleanup.h"
#include "common/options.h"

#define MAX_LIST 128

void hoist_bake_options_init(hoist_bake_options *opts)
{
    if (opts) {
        memset(opts, 0, sizeof(*opts));
        opts->version = HOIST_BAKE_OPTIONS_VERSION;
    }
}

const char *hoist_bake_event_kind_name(hoist_bake_event_kind k)
{
    switch (k) {
    case HOIST_BAKE_STARTED: return "started";
    case HOIST_BAKE_BUILD: return "build";
    case HOIST_BAKE_MOVED: return "moved";
    case HOIST_BAKE_DONE: return "done";
    case HOIST_BAKE_FAILED: return "failed";
    case HOIST_BAKE_SKIPPED: return "skipped";
    case HOIST_BAKE_RETRY: return "retry";
    case HOIST_BAKE_BUILDER_LOST: return "builder-lost";
    }
    return "unknown";
}

const char *hoist_bake_status_name(hoist_bake_status st)
{
    switch (st) {
    case HOIST_BAKE_STATUS_DONE: return "done";
    case HOIST_BAKE_STATUS_FAILED: return "failed";
    case HOIST_BAKE_STATUS_SKIPPED: return "skipped";
    case HOIST_BAKE_STATUS_CANCELLED: return "cancelled";
    }
    return "unknown";
}

struct hoist_bake_result {
    hoist_bake_row *rows;
    size_t count;
    double seconds;
};

void hoist_bake_result_free(hoist_bake_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        free((char *)r->rows[i].target);
        free((char *)r->rows[i].builder);
        free((char *)r->rows[i].builder_address);
        free((char *)r->rows[i].via);
        free((char *)r->rows[i].image_id);
        free((char *)r->rows[i].error);
    }
    free(r->rows);
    free(r);
}

size_t hoist_bake_result_row_count(const hoist_bake_result *r)
{
    return r ? r->count : 0;
}

const hoist_bake_row *hoist_bake_result_row_at(const hoist_bake_result *r, size_t i)
{
    return r && i < r->count ? &r->rows[i] : NULL;
}

double hoist_bake_result_seconds(const hoist_bake_result *r)
{
    return r ? r->seconds : 0;
}

/* ---- the run ----------------------------------------------------------- */

typedef struct bake_run {
    const hoist_bake_options *opts;
    hoist_build_options base;
    bake_sched sched;
    FILE **logs;
    char **cache_refs;      /* per target: the registry cache ref (--registry), or NULL */
    volatile sig_atomic_t stop;
} bake_run;

/* A build's events, forwarded with the target. */
typedef struct build_ctx {
    bake_run *run;
    size_t t, b;
    int attempt;
} build_ctx;

static void log_line(bake_run *run, size_t t, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void log_line(bake_run *run, size_t t, const char *fmt, ...)
{
    FILE *fp = run->logs ? run->logs[t] : NULL;
    if (!fp)
        return;
    fprintf(fp, "[%7.2f] ", bake_now() - run->sched.t0);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    fputc('\n', fp);
    fflush(fp);
}

static void log_build_event(bake_run *run, size_t t, const hoist_build_event *ev)
{
    switch (ev->kind) {
    case HOIST_EVENT_STEP:
        log_line(run, t, "step %d/%d: %s", ev->step, ev->step_total, ev->text ? ev->text : "");
        break;
    case HOIST_EVENT_STEP_CACHED: log_line(run, t, "  cached"); break;
    case HOIST_EVENT_LOG: log_line(run, t, "  %s", ev->text ? ev->text : ""); break;
    case HOIST_EVENT_ERROR: log_line(run, t, "error: %s", ev->text ? ev->text : ""); break;
    case HOIST_EVENT_WARNING: log_line(run, t, "warning: %s", ev->text ? ev->text : ""); break;
    case HOIST_EVENT_NOTE: log_line(run, t, "note: %s", ev->text ? ev->text : ""); break;
    case HOIST_EVENT_IMAGE_ID: log_line(run, t, "image %s", ev->id ? ev->id : ""); break;
    case HOIST_EVENT_TAGGED: log_line(run, t, "tagged %s", ev->text ? ev->text : ""); break;
    default: break;
    }
}

/* Under the scheduler's lock. */
static void deliver(bake_run *run, const hoist_bake_event *ev)
{
    if (run->opts->on_event && run->opts->on_event(ev, run->opts->user))
        run->stop = 1;
}

static int on_build_event(const hoist_build_event *bev, void *user)
{
    build_ctx *c = user;
    bake_run *run = c->run;
    pthread_mutex_lock(&run->sched.lock);
    log_build_event(run, c->t, bev);
    hoist_bake_event ev = {
        .kind = HOIST_BAKE_BUILD,
        .target = run->sched.plan->targets[c->t].name,
        .builder = run->sched.builders[c->b].spec.name,
        .attempt = c->attempt,
        .build = bev,
        .elapsed = bake_now() - run->sched.t0,
    };
    deliver(run, &ev);
    int stop = run->stop;
    pthread_mutex_unlock(&run->sched.lock);
    return stop;
}

static void on_sched_event(bake_sched *s, const hoist_bake_event *ev, void *user)
{
    bake_run *run = user;
    const hoist_bake_plan *p = s->plan;
    long t = -1;
    for (size_t i = 0; ev->target && i < p->count && t < 0; i++)
        if (p->targets[i].name == ev->target)
            t = (long)i;
    if (t >= 0 && run->logs && !run->logs[t] && ev->kind == HOIST_BAKE_STARTED) {
        char path[HOIST_PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s.log", run->opts->logs_dir, p->targets[t].name);
        for (char *c = path + strlen(run->opts->logs_dir) + 1; *c; c++)
            if (*c == '/')
                *c = '_';
        run->logs[t] = fopen(path, "w");
    }
    if (t >= 0)
        log_line(run, (size_t)t, "%s on %s%s%s", hoist_bake_event_kind_name(ev->kind), ev->builder,
                 ev->text ? ": " : "", ev->text ? ev->text : "");
    deliver(run, ev);
}

static int add(const char **list, size_t *n, const char *s)
{
    if (*n >= MAX_LIST)
        return -1;
    list[(*n)++] = s;
    return 0;
}

/* A cache-to "type=registry,ref=R" -> R (in buf). */
static const char *cache_ref(const char *spec, char *buf, size_t size)
{
    const char *ref = strstr(spec, "ref=");
    if (!ref)
        return NULL;
    ref += 4;
    snprintf(buf, size, "%.*s", (int)strcspn(ref, ","), ref);
    return buf;
}

static int real_build(bake_sched *s, size_t t, size_t b, int attempt, hoist_build_result *res, hoist_error *err,
                      void *user)
{
    bake_run *run = user;
    const hoist_bake_target *tg = &s->plan->targets[t];
    hoist_build_options o = run->base;
    const char *tags[MAX_LIST], *args[MAX_LIST], *labels[MAX_LIST], *cache_from[MAX_LIST];
    size_t nt = 0, na = 0, nl = 0, nc = 0;
    char refs[8][512];
    const char *push[8];
    size_t np = 0;
    bool inline_cache = false, overflow = false;
    for (size_t i = 0; i < tg->tag_count; i++)
        overflow |= add(tags, &nt, tg->tags[i]) != 0;
    for (size_t i = 0; i < tg->arg_count; i++)
        overflow |= add(args, &na, tg->args[i]) != 0;
    for (size_t i = 0; i < tg->label_count; i++)
        overflow |= add(labels, &nl, tg->labels[i]) != 0;
    /* cache sources are images with an inline cache: bare references go to
     * the Dockerfile frontend's cache-from, which imports them */
    for (size_t i = 0; i < tg->cache_from_count; i++)
        overflow |= add(cache_from, &nc, tg->cache_from[i]) != 0;
    for (size_t i = 0; i < tg->cache_to_count; i++) {
        inline_cache = true;
        if (np < 8 && cache_ref(tg->cache_to[i], refs[np], sizeof(refs[np]))) {
            overflow |= add(tags, &nt, refs[np]) != 0;
            push[np] = refs[np];
            np++;
        }
    }
    if (run->cache_refs && run->cache_refs[t]) {
        inline_cache = true;
        overflow |= add(tags, &nt, run->cache_refs[t]) != 0;
        overflow |= add(cache_from, &nc, run->cache_refs[t]) != 0;
        if (np < 8)
            push[np++] = run->cache_refs[t];
    }
    if (overflow)
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_LIMIT, "target %s: more than %d tags, args, labels "
                                "or cache sources", tg->name, MAX_LIST);
    if (tg->platform_count > 1) {
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_UNSUPPORTED, "target %s: %zu platforms; a Docker engine "
                         "builder builds one platform at a time", tg->name, tg->platform_count);
        hoist_error_at(err, tg->file, tg->line, 0);
        return hoist_error_hint(err, "make a matrix over the platform (\"matrix\": {\"p\": [...]}, \"platforms\": "
                                "[\"${p}\"])");
    }
    o.context_dir = tg->context;
    o.dockerfile = tg->dockerfile;
    o.params.tags = tags;
    o.params.tag_count = nt;
    o.params.build_args = args;
    o.params.build_arg_count = na;
    o.params.labels = labels;
    o.params.label_count = nl;
    o.params.cache_from = cache_from;
    o.params.cache_from_count = nc;
    o.params.target = tg->target;
    o.params.platform = tg->platform_count ? tg->platforms[0] : NULL;
    if (tg->network)
        o.params.network = tg->network;
    o.params.no_cache = tg->no_cache || o.params.no_cache;
    o.buildkit.output = tg->output;
    /* the inline cache (the only cache export of a Docker engine's own
     * BuildKit): in the image, pushed with it below */
    static const char *const inline_to[] = {"type=inline"};
    if (inline_cache) {
        o.buildkit.cache_to = inline_to;
        o.buildkit.cache_to_count = 1;
    }
    o.output.iidfile = NULL;
    build_ctx ctx = {.run = run, .t = t, .b = b, .attempt = attempt};
    o.output.on_event = on_build_event;
    o.output.user = &ctx;
    o.output.cancel = &run->stop;
    int rc = bake_builder_build(res, &s->builders[b], &o, run->opts->log, run->opts->log_user, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < np; i++) {
        hoist_error perr = HOIST_ERROR_INIT;
        if (bake_builder_push(&s->builders[b], push[i], &o, &run->stop, run->opts->log, run->opts->log_user, &perr)) {
            char text[HOIST_ERROR_MESSAGE_MAX + 600];
            snprintf(text, sizeof(text), "cache push to %s failed: %s", push[i], perr.message);
            hoist_build_event w = {.kind = HOIST_EVENT_WARNING, .text = text, .current = -1, .total = -1};
            on_build_event(&w, &ctx);
        } else {
            char text[600];
            snprintf(text, sizeof(text), "cache pushed to %s", push[i]);
            hoist_build_event w = {.kind = HOIST_EVENT_NOTE, .text = text, .current = -1, .total = -1};
            on_build_event(&w, &ctx);
        }
    }
    return 0;
}

static int real_move(bake_sched *s, size_t d, size_t from, size_t to, hoist_error *err, void *user)
{
    bake_run *run = user;
    const hoist_bake_target *dep = &s->plan->targets[d];
    pthread_mutex_lock(&s->lock);
    char ref[512];
    snprintf(ref, sizeof(ref), "%s", dep->tag_count ? dep->tags[0] : s->slots[d].res.image_id);
    pthread_mutex_unlock(&s->lock);
    return bake_builder_move_image(&s->builders[from], &s->builders[to], ref, run->opts->tmp_dir, &run->stop,
                                   run->opts->log, run->opts->log_user, err);
}

static bool real_alive(bake_sched *s, size_t b, void *user)
{
    bake_run *run = user;
    hoist_error err = HOIST_ERROR_INIT;
    return bake_builder_probe(&s->builders[b], run->base.engine.path_env, 5000, &err) == 0;
}

/* The pool from the options: each builder set up (and probed once). */
static int make_pool(bake_builder **out, size_t *count, const hoist_bake_options *opts, const char *path_env,
                     hoist_error *err)
{
    _cleanup_free_ bake_builder_spec *specs = NULL;
    size_t n = 0;
    if (opts->builders_file) {
        int rc = bake_builders_file_read(&specs, &n, opts->builders_file, err);
        if (rc)
            return rc;
    }
    if (opts->builder_count + n > BAKE_MAX_BUILDERS)
        return hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_LIMIT, "more than %d builders", BAKE_MAX_BUILDERS);
    _cleanup_free_ bake_builder *pool = calloc(opts->builder_count + n + 1, sizeof(*pool));
    if (!pool)
        return hoist_error_nomem(err);
    size_t k = 0;
    for (size_t i = 0; i < opts->builder_count; i++) {
        int rc = bake_builder_spec_parse(&pool[k].spec, opts->builders[i], "--builder", 0, err);
        if (rc)
            return rc;
        k++;
    }
    for (size_t i = 0; i < n; i++)
        pool[k++].spec = specs[i];
    if (!k) {
        /* none given: the engine's own BuildKit */
        if (!opts->endpoint)
            return hoist_error_set(err, HOIST_EUSAGE, "hoist_bake: no builder (give builders or endpoint)");
        snprintf(pool[0].spec.name, sizeof(pool[0].spec.name), "%s", opts->endpoint->host);
        snprintf(pool[0].spec.addr, sizeof(pool[0].spec.addr), "docker");
        k = 1;
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(pool[i].spec.name, pool[j].spec.name)) {
                hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "builder \"%s\" is given twice",
                                 pool[i].spec.name);
                return hoist_error_hint(err, "give each builder once (name=NAME tells two apart)");
            }
    for (size_t i = 0; i < k; i++) {
        int rc = bake_builder_setup(&pool[i], opts->endpoint, path_env, err);
        if (rc)
            return rc;
    }
    *out = TAKE_PTR(pool);
    *count = k;
    return 0;
}

static int make_result(hoist_bake_result **out, const bake_run *run, hoist_error *err)
{
    const bake_sched *s = &run->sched;
    hoist_bake_result *r = calloc(1, sizeof(*r));
    if (!r || !(r->rows = calloc(s->plan->count + 1, sizeof(*r->rows))))
        return free(r), hoist_error_nomem(err);
    r->seconds = bake_now() - s->t0;
    for (size_t t = 0; t < s->plan->count; t++) {
        const bake_slot *sl = &s->slots[t];
        hoist_bake_row *row = &r->rows[r->count++];
        row->status = sl->status;
        row->attempts = sl->attempts;
        row->seconds = sl->res.seconds;
        row->steps_total = sl->res.steps_total;
        row->steps_cached = sl->res.steps_cached;
        row->error_code = sl->status == HOIST_BAKE_STATUS_DONE ? 0 : sl->error_code;
        row->target = strdup(s->plan->targets[t].name);
        row->builder = strdup(sl->builder >= 0 ? s->builders[sl->builder].spec.name : "");
        row->builder_address = strdup(sl->builder >= 0 ? s->builders[sl->builder].spec.addr : "");
        row->builder_kind = sl->builder < 0 ? "" : s->builders[sl->builder].buildkitd ? "buildkitd" : "dockerd";
        row->via = strdup(sl->attempts ? sl->res.engine_reason : "");
        row->image_id = strdup(sl->status == HOIST_BAKE_STATUS_DONE ? sl->res.image_id : "");
        row->error = strdup(sl->status == HOIST_BAKE_STATUS_DONE ? "" : sl->error);
        if (!row->target || !row->builder || !row->builder_address || !row->via || !row->image_id || !row->error)
            return hoist_bake_result_free(r), hoist_error_nomem(err);
    }
    *out = r;
    return 0;
}

int hoist_bake(hoist_bake_result **out, const hoist_bake_plan *plan, const hoist_bake_options *opts, hoist_error *err)
{
    if (out)
        *out = NULL;
    int rc = HOIST_OPTIONS_CHECK(opts, HOIST_BAKE_OPTIONS_VERSION, "hoist_bake", "HOIST_BAKE_OPTIONS_INIT", err);
    if (rc)
        return rc;
    if (!plan)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_bake: plan is required");
    if (opts->build && (rc = HOIST_OPTIONS_CHECK(opts->build, HOIST_BUILD_OPTIONS_VERSION, "hoist_bake (build)",
                                                 "HOIST_BUILD_OPTIONS_INIT", err)))
        return rc;
    bake_run *run = calloc(1, sizeof(*run));
    if (!run)
        return hoist_error_nomem(err);
    run->opts = opts;
    hoist_build_options_init(&run->base);
    if (opts->build)
        run->base = *opts->build;
    bake_sched *s = &run->sched;
    s->plan = plan;
    s->cancel = &run->stop;
    s->user_cancel = opts->cancel;
    s->ops = (bake_ops){.build = real_build, .move = real_move, .alive = real_alive, .event = on_sched_event,
                        .user = run};
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    rc = make_pool(&s->builders, &s->builder_count, opts, run->base.engine.path_env, err);
    if (!rc && !(s->slots = calloc(plan->count + 1, sizeof(*s->slots))))
        rc = hoist_error_nomem(err);
    if (!rc && opts->logs_dir) {
        if (mkdir(opts->logs_dir, 0755) && errno != EEXIST) {
            int e = errno;
            rc = hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(e), "cannot create logs directory %s: %s",
                                  opts->logs_dir, strerror(e));
        } else if (!(run->logs = calloc(plan->count + 1, sizeof(FILE *)))) {
            rc = hoist_error_nomem(err);
        }
    }
    if (!rc && opts->registry) {
        if (!(run->cache_refs = calloc(plan->count + 1, sizeof(char *))))
            rc = hoist_error_nomem(err);
        for (size_t t = 0; !rc && t < plan->count; t++) {
            const hoist_bake_target *tg = &plan->targets[t];
            if (tg->cache_to_count || tg->cache_from_count || tg->output)
                continue; /* its own cache settings win */
            char tag[129];
            snprintf(tag, sizeof(tag), "%s", tg->name);
            for (char *c = tag; *c; c++)
                if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-')
                    *c = '_';
            if (asprintf(&run->cache_refs[t], "%s/hoist-bake-cache:%s", opts->registry, tag) < 0) {
                run->cache_refs[t] = NULL;
                rc = hoist_error_nomem(err);
            }
        }
    }
    if (!rc) {
        unsigned int slots_total = 0;
        for (size_t b = 0; b < s->builder_count; b++) {
            bake_builder *bb = &s->builders[b];
            bb->slots = bb->spec.slots ? bb->spec.slots
                                       : (opts->jobs ? (int)((opts->jobs + s->builder_count - 1) / s->builder_count) : 1);
            slots_total += (unsigned)bb->slots;
        }
        s->jobs = opts->jobs ? opts->jobs : slots_total;
        rc = bake_sched_run(s, err);
        hoist_error ferr = HOIST_ERROR_INIT;
        if (out && make_result(out, run, &ferr) && !rc)
            rc = hoist_error_nomem(err);
    }
    for (size_t t = 0; run->logs && t < plan->count; t++)
        if (run->logs[t])
            fclose(run->logs[t]);
    for (size_t t = 0; run->cache_refs && t < plan->count; t++)
        free(run->cache_refs[t]);
    free(run->cache_refs);
    free(run->logs);
    free(s->slots);
    free(s->builders);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(run);
    return rc;
}
