/*
 * sched.c - the bake scheduler: a DAG of targets over a pool of builders.
 *
 * A target is ready when every dependency is built. Ready targets go out
 * longest-chain-first (the number of targets that wait on it, transitively,
 * through its longest path: the critical path first), at most `jobs` at
 * once, each on a live builder with a free slot. Among free builders the
 * warmest wins (bake_sched_score):
 *   +100 the builder already built this very target (a rebuild: all of
 *        its steps are in that cache);
 *   +10  per dependency whose image is already in the builder's store
 *        (its layers are the dependent's base, and nothing has to move);
 *   +3   per target with the same context directory built or building
 *        there (the same files, so COPY steps and the session's
 *        transferred files are cached);
 *   +1   per target with the same Dockerfile there;
 * ties go to the builder with fewer running builds, then to the first
 * given. A free builder is never left idle to wait for a warmer busy one.
 *
 * A buildkitd builder (no image store hoist can load into) never gets a
 * target with dependencies; when only such builders are left, those
 * targets fail with an error that says why.
 *
 * Before a build, every dependency whose image is not on the chosen
 * builder is moved there (ops.move). A build or move that fails with
 * HOIST_EENV makes the scheduler ask which builder is gone (ops.alive):
 * a dead builder leaves the pool, the target goes back to the queue (up to
 * BAKE_MAX_ATTEMPTS), and a built target whose image existed only on the
 * dead builder is built again if a target still needs it. Any other
 * failure fails the target and skips its dependents; independent targets
 * go on. Worker threads run the builds; the decisions are taken under one
 * lock by the thread that called bake_sched_run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bake/bake_internal.h"
#include "common/cleanup.h"

#define BAKE_MAX_ATTEMPTS 3

double bake_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

int bake_sched_score(const bake_sched *s, size_t t, size_t b)
{
    const hoist_bake_plan *p = s->plan;
    const hoist_bake_target *tt = &p->targets[t];
    int score = 0;
    if (s->slots[t].builder == (long)b)
        score += 100;
    for (size_t i = 0; i < p->dep_count[t]; i++)
        if (s->slots[p->deps[t][i]].on & (1ull << b))
            score += 10;
    for (size_t o = 0; o < p->count; o++) {
        const bake_slot *os = &s->slots[o];
        if (o == t || os->builder != (long)b ||
            (os->state == BAKE_WAITING && os->status != HOIST_BAKE_STATUS_DONE))
            continue;
        if (same(p->targets[o].context, tt->context))
            score += 3;
        if (same(p->targets[o].dockerfile, tt->dockerfile))
            score += 1;
    }
    return score;
}

long bake_sched_pick(const bake_sched *s, size_t t)
{
    long best = -1;
    int best_score = -1;
    for (size_t b = 0; b < s->builder_count; b++) {
        const bake_builder *bb = &s->builders[b];
        if (bb->dead || bb->busy >= bb->slots || (bb->buildkitd && s->plan->dep_count[t]))
            continue;
        int score = bake_sched_score(s, t, b);
        if (score > best_score || (score == best_score && bb->busy < s->builders[best].busy)) {
            best = (long)b;
            best_score = score;
        }
    }
    return best;
}

static void emit(bake_sched *s, hoist_bake_event_kind kind, size_t t, long b, const char *text, double seconds)
{
    if (!s->ops.event)
        return;
    hoist_bake_event ev = {
        .kind = kind,
        .target = t == (size_t)-1 ? NULL : s->plan->targets[t].name,
        .builder = b >= 0 ? s->builders[b].spec.name : "",
        .attempt = t == (size_t)-1 ? 0 : s->slots[t].attempts,
        .text = text,
        .seconds = seconds,
        .elapsed = bake_now() - s->t0,
    };
    s->ops.event(s, &ev, s->ops.user);
}

/* Builder b is gone: out of the pool; images only it had are lost. */
static void builder_lost(bake_sched *s, size_t b, const char *why)
{
    bake_builder *bb = &s->builders[b];
    if (bb->dead)
        return;
    bb->dead = true;
    snprintf(bb->dead_why, sizeof(bb->dead_why), "%s", why);
    emit(s, HOIST_BAKE_BUILDER_LOST, (size_t)-1, (long)b, why, 0);
    const hoist_bake_plan *p = s->plan;
    for (size_t t = 0; t < p->count; t++) {
        bake_slot *sl = &s->slots[t];
        sl->on &= ~(1ull << b);
        if (sl->state != BAKE_FINISHED || sl->status != HOIST_BAKE_STATUS_DONE || sl->on)
            continue;
        /* built, but its image went with the builder: needed again? */
        bool needed = false;
        for (size_t d = 0; d < p->count && !needed; d++)
            for (size_t i = 0; i < p->dep_count[d] && !needed; i++)
                needed = p->deps[d][i] == t && s->slots[d].state != BAKE_FINISHED;
        if (needed) {
            sl->state = BAKE_WAITING;
            emit(s, HOIST_BAKE_RETRY, t, (long)b, "its image was on the lost builder: building it again", 0);
        }
    }
}

typedef struct job {
    bake_sched *s;
    size_t t, b;
    int attempt;
} job;

static int worker_body(job *j, hoist_build_result *res, hoist_error *err, long *failed_builder)
{
    bake_sched *s = j->s;
    const hoist_bake_plan *p = s->plan;
    *failed_builder = (long)j->b;
    for (size_t i = 0; i < p->dep_count[j->t]; i++) {
        size_t d = p->deps[j->t][i];
        pthread_mutex_lock(&s->lock);
        unsigned long long on = s->slots[d].on;
        pthread_mutex_unlock(&s->lock);
        if (on & (1ull << j->b))
            continue;
        long from = -1;
        for (size_t b = 0; b < s->builder_count && from < 0; b++)
            if (on & (1ull << b))
                from = (long)b;
        if (from < 0)
            return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_NOT_FOUND,
                                    "the image of %s is on no live builder", p->targets[d].name);
        int rc = s->ops.move(s, d, (size_t)from, j->b, err, s->ops.user);
        if (rc) {
            if (rc == HOIST_EENV && s->ops.alive && !s->ops.alive(s, (size_t)from, s->ops.user))
                *failed_builder = from;
            return rc;
        }
        pthread_mutex_lock(&s->lock);
        s->slots[d].on |= 1ull << j->b;
        emit(s, HOIST_BAKE_MOVED, j->t, (long)j->b, p->targets[d].name, 0);
        pthread_mutex_unlock(&s->lock);
    }
    return s->ops.build(s, j->t, j->b, j->attempt, res, err, s->ops.user);
}

static void *worker(void *arg)
{
    job *j = arg;
    bake_sched *s = j->s;
    hoist_build_result res;
    memset(&res, 0, sizeof(res));
    hoist_error err = HOIST_ERROR_INIT;
    long failed_builder;
    int rc = worker_body(j, &res, &err, &failed_builder);
    bool builder_alive = true;
    if (rc == HOIST_EENV && s->ops.alive)
        builder_alive = failed_builder != (long)j->b ? true : s->ops.alive(s, j->b, s->ops.user);

    pthread_mutex_lock(&s->lock);
    bake_slot *sl = &s->slots[j->t];
    bake_builder *bb = &s->builders[j->b];
    bb->busy--;
    s->running--;
    sl->res = res;
    if (!rc) {
        sl->state = BAKE_FINISHED;
        sl->status = HOIST_BAKE_STATUS_DONE;
        sl->on |= 1ull << j->b;
        sl->error[0] = '\0';
        sl->error_code = 0;
        emit(s, HOIST_BAKE_DONE, j->t, (long)j->b, res.image_id, res.seconds);
    } else if (rc == HOIST_EENV && failed_builder != (long)j->b && !s->cancelled) {
        /* the dependency's builder went away during the move */
        builder_lost(s, (size_t)failed_builder, err.message);
        sl->state = BAKE_WAITING;
        emit(s, HOIST_BAKE_RETRY, j->t, (long)j->b, err.message, 0);
    } else if (rc == HOIST_EENV && !s->cancelled && (!builder_alive || sl->attempts < BAKE_MAX_ATTEMPTS)) {
        if (!builder_alive)
            builder_lost(s, j->b, err.message);
        snprintf(sl->error, sizeof(sl->error), "%s", err.message);
        sl->error_code = rc;
        sl->state = BAKE_WAITING;
        if (sl->attempts >= BAKE_MAX_ATTEMPTS && builder_alive) {
            sl->state = BAKE_FINISHED;
            sl->status = HOIST_BAKE_STATUS_FAILED;
            emit(s, HOIST_BAKE_FAILED, j->t, (long)j->b, err.message, res.seconds);
        } else {
            emit(s, HOIST_BAKE_RETRY, j->t, (long)j->b, err.message, 0);
        }
    } else {
        sl->state = BAKE_FINISHED;
        sl->status = rc == HOIST_EINTERRUPTED || s->cancelled ? HOIST_BAKE_STATUS_CANCELLED : HOIST_BAKE_STATUS_FAILED;
        snprintf(sl->error, sizeof(sl->error), "%s", err.message[0] ? err.message : hoist_code_name(rc));
        sl->error_code = rc;
        emit(s, HOIST_BAKE_FAILED, j->t, (long)j->b, sl->error, res.seconds);
    }
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    free(j);
    return NULL;
}

/* Longest chain of dependents below each target (its priority). */
static void priorities(bake_sched *s)
{
    const hoist_bake_plan *p = s->plan;
    /* the plan lists dependencies first: walk it backwards */
    for (size_t k = p->count; k-- > 0;)
        for (size_t i = 0; i < p->dep_count[k]; i++) {
            bake_slot *d = &s->slots[p->deps[k][i]];
            if (d->priority < s->slots[k].priority + 1)
                d->priority = s->slots[k].priority + 1;
        }
}

/* A waiting target's dependencies: 1 all built, 0 not yet, -1 one failed
 * (its index in *failed). */
static int deps_state(const bake_sched *s, size_t t, size_t *failed)
{
    const hoist_bake_plan *p = s->plan;
    int state = 1;
    for (size_t i = 0; i < p->dep_count[t]; i++) {
        const bake_slot *d = &s->slots[p->deps[t][i]];
        if (d->state == BAKE_FINISHED && d->status != HOIST_BAKE_STATUS_DONE) {
            *failed = p->deps[t][i];
            return -1;
        }
        if (d->state != BAKE_FINISHED)
            state = 0;
    }
    return state;
}

static int worst(int a, int b)
{
    /* interrupted > environment > input > failed */
    static const int rank[] = {[HOIST_EFAILED] = 1, [HOIST_EINPUT] = 2, [HOIST_EENV] = 3};
    int ra = a == HOIST_EINTERRUPTED ? 4 : (a > 0 && a <= HOIST_EINPUT ? rank[a] : 0);
    int rb = b == HOIST_EINTERRUPTED ? 4 : (b > 0 && b <= HOIST_EINPUT ? rank[b] : 0);
    return rb > ra ? b : a;
}

int bake_sched_run(bake_sched *s, hoist_error *err)
{
    const hoist_bake_plan *p = s->plan;
    if (!s->builder_count || s->builder_count > BAKE_MAX_BUILDERS)
        return hoist_error_set(err, HOIST_EUSAGE, "bake: %zu builders (1 to %d)", s->builder_count, BAKE_MAX_BUILDERS);
    for (size_t t = 0; t < p->count; t++) {
        s->slots[t].builder = -1;
        s->slots[t].state = BAKE_WAITING;
    }
    priorities(s);
    /* builders that did not answer when the pool was set up */
    for (size_t b = 0; b < s->builder_count; b++)
        if (s->builders[b].dead)
            emit(s, HOIST_BAKE_BUILDER_LOST, (size_t)-1, (long)b, s->builders[b].dead_why, 0);
    pthread_t *threads = NULL;
    size_t nthreads = 0, cap = 0;
    int rc = 0;
    s->t0 = bake_now();
    pthread_mutex_lock(&s->lock);
    for (;;) {
        if ((s->cancel && *s->cancel) || (s->user_cancel && *s->user_cancel)) {
            s->cancelled = true;
            if (s->cancel)
                *s->cancel = 1;
        }
        bool progress = true;
        while (progress) {
            progress = false;
            /* skip targets whose dependency failed */
            for (size_t t = 0; t < p->count; t++) {
                size_t failed;
                if (s->slots[t].state == BAKE_WAITING && deps_state(s, t, &failed) < 0) {
                    bake_slot *sl = &s->slots[t];
                    sl->state = BAKE_FINISHED;
                    sl->status = s->slots[failed].status == HOIST_BAKE_STATUS_CANCELLED ? HOIST_BAKE_STATUS_CANCELLED
                                                                                        : HOIST_BAKE_STATUS_SKIPPED;
                    snprintf(sl->error, sizeof(sl->error), "dependency %s did not build", p->targets[failed].name);
                    sl->error_code = s->slots[failed].error_code;
                    emit(s, HOIST_BAKE_SKIPPED, t, -1, p->targets[failed].name, 0);
                    progress = true;
                }
            }
        }
        size_t alive = 0, engines = 0;
        for (size_t b = 0; b < s->builder_count; b++) {
            alive += !s->builders[b].dead;
            engines += !s->builders[b].dead && !s->builders[b].buildkitd;
        }
        /* a target with dependencies needs a Docker engine builder */
        for (size_t t = 0; alive && !engines && !s->cancelled && t < p->count; t++) {
            size_t failed;
            bake_slot *sl = &s->slots[t];
            if (sl->state != BAKE_WAITING || !p->dep_count[t] || deps_state(s, t, &failed) != 1)
                continue;
            sl->state = BAKE_FINISHED;
            sl->status = HOIST_BAKE_STATUS_FAILED;
            sl->error_code = HOIST_EENV;
            snprintf(sl->error, sizeof(sl->error), "%s depends on %s, and no builder left in the pool can use "
                     "another target's image: a buildkitd has no image store hoist can load into (its FROM looks "
                     "images up in registries); add a Docker engine builder (docker, or tcp:// of a Docker "
                     "engine's TLS port)", p->targets[t].name, p->targets[p->deps[t][0]].name);
            emit(s, HOIST_BAKE_FAILED, t, -1, sl->error, 0);
        }
        /* dispatch ready targets, critical path first (among those a free builder can take) */
        while (!s->cancelled && alive && (unsigned)s->running < s->jobs) {
            long pick_t = -1, b = -1;
            for (size_t t = 0; t < p->count; t++) {
                size_t failed;
                if (s->slots[t].state != BAKE_WAITING || deps_state(s, t, &failed) != 1)
                    continue;
                if (pick_t >= 0 && s->slots[t].priority <= s->slots[pick_t].priority)
                    continue;
                long tb = bake_sched_pick(s, t);
                if (tb >= 0)
                    pick_t = (long)t, b = tb;
            }
            if (pick_t < 0)
                break;
            bake_slot *sl = &s->slots[pick_t];
            job *j = malloc(sizeof(*j));
            if (nthreads == cap) {
                pthread_t *grown = realloc(threads, (cap * 2 + 8) * sizeof(*grown));
                if (grown)
                    threads = grown, cap = cap * 2 + 8;
            }
            if (!j || nthreads == cap) {
                free(j);
                rc = hoist_error_nomem(err);
                s->cancelled = true;
                break;
            }
            sl->attempts++;
            sl->state = BAKE_RUNNING;
            sl->builder = b;
            s->builders[b].busy++;
            s->running++;
            *j = (job){.s = s, .t = (size_t)pick_t, .b = (size_t)b, .attempt = sl->attempts};
            emit(s, HOIST_BAKE_STARTED, (size_t)pick_t, b,
                 s->builders[b].describe[0] ? s->builders[b].describe : NULL, 0);
            if (pthread_create(&threads[nthreads], NULL, worker, j)) {
                free(j);
                s->builders[b].busy--;
                s->running--;
                sl->state = BAKE_WAITING;
                rc = hoist_error_setr(err, HOIST_EENV, HOIST_REASON_LIMIT, "cannot start a build thread");
                s->cancelled = true;
                break;
            }
            nthreads++;
        }
        if (!alive || s->cancelled) {
            /* nothing more can start: what waits is not built */
            for (size_t t = 0; t < p->count; t++) {
                bake_slot *sl = &s->slots[t];
                if (sl->state != BAKE_WAITING)
                    continue;
                sl->state = BAKE_FINISHED;
                sl->status = HOIST_BAKE_STATUS_CANCELLED;
                if (!alive) {
                    char why[sizeof(sl->error)];
                    snprintf(why, sizeof(why), "%s", sl->error);
                    for (size_t b = 0; !why[0] && b < s->builder_count; b++)
                        if (s->builders[b].dead_why[0])
                            snprintf(why, sizeof(why), "%s", s->builders[b].dead_why);
                    snprintf(sl->error, sizeof(sl->error), "no builder left%s%.900s", why[0] ? ": " : "", why);
                }
                else
                    snprintf(sl->error, sizeof(sl->error), "cancelled");
                sl->error_code = alive ? HOIST_EINTERRUPTED : HOIST_EENV;
            }
        }
        if (!s->running) {
            bool waiting = false;
            for (size_t t = 0; t < p->count; t++)
                waiting |= s->slots[t].state == BAKE_WAITING;
            if (!waiting)
                break;
            if (alive && !s->cancelled) {
                /* waiting targets and nothing runs or can start: a bug, not a hang */
                bool any_free = false;
                for (size_t b = 0; b < s->builder_count; b++)
                    any_free |= !s->builders[b].dead && s->builders[b].busy < s->builders[b].slots;
                if (!any_free || s->jobs == 0) {
                    rc = hoist_error_set(err, HOIST_EUSAGE, "bake: no slot can run a build (jobs %u)", s->jobs);
                    s->cancelled = true;
                }
                continue;
            }
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L)
            ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&s->cond, &s->lock, &ts);
    }
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    if (rc)
        return rc;
    /* the worst failure, and the first target that had it */
    int code = 0;
    for (size_t t = 0; t < p->count; t++)
        if (s->slots[t].status != HOIST_BAKE_STATUS_DONE)
            code = worst(code, s->slots[t].error_code ? s->slots[t].error_code : HOIST_EFAILED);
    if (!code)
        return 0;
    size_t total = 0;
    long first = -1;
    for (size_t t = 0; t < p->count; t++)
        if (s->slots[t].status != HOIST_BAKE_STATUS_DONE) {
            total++;
            if (first < 0 || (s->slots[t].status == HOIST_BAKE_STATUS_FAILED &&
                              s->slots[first].status != HOIST_BAKE_STATUS_FAILED))
                first = (long)t;
        }
    const char *firstname = p->targets[first].name, *why = s->slots[first].error;
    hoist_error_set(err, code, "%zu of %zu targets not built (%s: %s)", total, p->count, firstname, why);
    if (code == HOIST_EENV)
        hoist_error_hint(err, "no builder of the pool could build them (lost, or unfit: see the error); check "
                                  "a builder with hoist build --builder ADDR");
    return code;
}
