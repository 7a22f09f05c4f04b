/*
 * test_bake_sched.c - the bake scheduler (lib/bake/sched.c) with its build,
 * move and liveness steps injected: dependencies first, at most `jobs` at
 * once, the warmest builder chosen, dependencies moved to the builder
 * that needs them, a dead builder's targets retried elsewhere (and a
 * dependency whose only image it held rebuilt), failures skipping only
 * their dependents. The real steps are exercised by
 * tests/integration/test_bake.sh on two engines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "bake/bake_internal.h"

typedef struct fake {
    pthread_mutex_t lock;
    char log[4096];          /* "t@b " per build, in start order */
    char moves[1024];        /* "d:from>to " */
    int running, max_running;
    long die_builder;        /* a build on it fails with EENV, and it is then dead */
    int die_at;              /* ... once it has built this many */
    int built_on[4];
    const char *fail_target; /* this target fails with EFAILED */
    bool dead[4];
    int builds;
    char events[4096];       /* "kind target builder|" (when the event step is set) */
} fake;

static int fake_build(bake_sched *s, size_t t, size_t b, int attempt, hoist_build_result *res, hoist_error *err,
                      void *user)
{
    (void)attempt;
    fake *f = user;
    const char *name = s->plan->targets[t].name;
    pthread_mutex_lock(&f->lock);
    char one[64];
    snprintf(one, sizeof(one), "%s@%zu ", name, b);
    strncat(f->log, one, sizeof(f->log) - strlen(f->log) - 1);
    f->builds++;
    if (++f->running > f->max_running)
        f->max_running = f->running;
    bool die = (long)b == f->die_builder && f->built_on[b]++ >= f->die_at;
    if (die)
        f->dead[b] = true;
    pthread_mutex_unlock(&f->lock);
    usleep(20000);
    pthread_mutex_lock(&f->lock);
    f->running--;
    pthread_mutex_unlock(&f->lock);
    if (die)
        return hoist_error_set(err, HOIST_EENV, "connection to builder %zu lost", b);
    if (f->fail_target && !strcmp(name, f->fail_target))
        return hoist_error_set(err, HOIST_EFAILED, "RUN false: exit code 1");
    snprintf(res->image_id, sizeof(res->image_id), "sha256:%s", name);
    res->steps_total = 2;
    res->steps_cached = 1;
    res->seconds = 0.02;
    return 0;
}

static int fake_move(bake_sched *s, size_t d, size_t from, size_t to, hoist_error *err, void *user)
{
    fake *f = user;
    pthread_mutex_lock(&f->lock);
    char one[64];
    snprintf(one, sizeof(one), "%s:%zu>%zu ", s->plan->targets[d].name, from, to);
    strncat(f->moves, one, sizeof(f->moves) - strlen(f->moves) - 1);
    bool dead = f->dead[from] || f->dead[to];
    pthread_mutex_unlock(&f->lock);
    return dead ? hoist_error_set(err, HOIST_EENV, "connection lost") : 0;
}

static bool fake_alive(bake_sched *s, size_t b, void *user)
{
    (void)s;
    fake *f = user;
    pthread_mutex_lock(&f->lock);
    bool alive = !f->dead[b];
    pthread_mutex_unlock(&f->lock);
    return alive;
}

typedef struct fixture {
    hoist_bake_file *file;
    hoist_bake_plan *plan;
    bake_builder builders[4];
    bake_sched s;
    fake f;
    volatile sig_atomic_t stop;
} fixture;

static void setup(fixture *x, const char *json, size_t nbuilders, int slots, unsigned jobs)
{
    memset(x, 0, sizeof(*x));
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_bake_file_parse(&x->file, json, strlen(json), "t.json", &err) ||
        hoist_bake_plan_new(&x->plan, x->file, NULL, 0, &err))
        fail_msg("%s", err.message);
    for (size_t b = 0; b < nbuilders; b++) {
        snprintf(x->builders[b].spec.name, sizeof(x->builders[b].spec.name), "b%zu", b);
        x->builders[b].slots = slots;
    }
    pthread_mutex_init(&x->f.lock, NULL);
    x->f.die_builder = -1;
    x->s.plan = x->plan;
    x->s.builders = x->builders;
    x->s.builder_count = nbuilders;
    x->s.jobs = jobs;
    x->s.cancel = &x->stop;
    x->s.ops = (bake_ops){.build = fake_build, .move = fake_move, .alive = fake_alive, .user = &x->f};
    x->s.slots = calloc(x->plan->count, sizeof(bake_slot));
    pthread_mutex_init(&x->s.lock, NULL);
    pthread_cond_init(&x->s.cond, NULL);
}

static void teardown(fixture *x)
{
    free(x->s.slots);
    pthread_mutex_destroy(&x->s.lock);
    pthread_cond_destroy(&x->s.cond);
    pthread_mutex_destroy(&x->f.lock);
    hoist_bake_plan_free(x->plan);
    hoist_bake_file_free(x->file);
}

static long index_of(const fixture *x, const char *name)
{
    for (size_t i = 0; i < x->plan->count; i++)
        if (!strcmp(x->plan->targets[i].name, name))
            return (long)i;
    fail_msg("no %s", name);
    return -1;
}

static const char *chain = "{\"target\": {"
                           "\"base\": {\"context\": \"base\"},"
                           "\"left\": {\"context\": \"left\", \"depends_on\": [\"base\"]},"
                           "\"right\": {\"context\": \"right\", \"depends_on\": [\"base\"]},"
                           "\"left2\": {\"context\": \"left\", \"dockerfile\": \"Dockerfile.2\", \"depends_on\": [\"left\"]},"
                           "\"right2\": {\"context\": \"right2\", \"depends_on\": [\"right\"]},"
                           "\"final\": {\"context\": \"final\", \"depends_on\": [\"left2\", \"right2\"]}}}";

static void score_and_pick(void **state)
{
    (void)state;
    fixture x;
    setup(&x, chain, 3, 1, 3);
    size_t left2 = (size_t)index_of(&x, "left2"), left = (size_t)index_of(&x, "left");
    size_t fin = (size_t)index_of(&x, "final");
    for (size_t t = 0; t < x.plan->count; t++)
        x.s.slots[t].builder = -1;
    /* nothing anywhere: all cold, the first builder wins the tie */
    assert_int_equal(bake_sched_score(&x.s, left2, 0), 0);
    assert_int_equal(bake_sched_pick(&x.s, left2), 0);
    /* left built on b2: its image there (+10) and the same context (+3) */
    x.s.slots[left].state = BAKE_FINISHED;
    x.s.slots[left].status = HOIST_BAKE_STATUS_DONE;
    x.s.slots[left].builder = 2;
    x.s.slots[left].on = 1u << 2;
    assert_int_equal(bake_sched_score(&x.s, left2, 2), 13);
    assert_int_equal(bake_sched_pick(&x.s, left2), 2);
    /* b2 busy: the next free one, never waiting for the warm one */
    x.builders[2].busy = 1;
    assert_int_equal(bake_sched_pick(&x.s, left2), 0);
    /* equal scores: the less loaded builder */
    x.builders[2].busy = 0;
    x.builders[0].slots = 2;
    x.builders[0].busy = 1;
    assert_int_equal(bake_sched_pick(&x.s, fin), 1);
    /* a dead builder is never chosen; none free: -1 */
    x.builders[2].dead = true;
    assert_int_equal(bake_sched_pick(&x.s, left2), 1);
    x.builders[1].busy = 1;
    x.builders[0].busy = 2;
    assert_int_equal(bake_sched_pick(&x.s, left2), -1);
    /* the builder that built this very target before wins over all */
    x.builders[2].dead = false;
    x.builders[1].busy = 0;
    x.s.slots[left2].builder = 1;
    assert_int_equal(bake_sched_score(&x.s, left2, 1), 100);
    assert_int_equal(bake_sched_pick(&x.s, left2), 1);
    teardown(&x);
}

static void runs_the_dag(void **state)
{
    (void)state;
    fixture x;
    setup(&x, chain, 2, 1, 2);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(bake_sched_run(&x.s, &err), 0);
    for (size_t t = 0; t < x.plan->count; t++) {
        assert_int_equal(x.s.slots[t].status, HOIST_BAKE_STATUS_DONE);
        assert_int_equal(x.s.slots[t].attempts, 1);
    }
    assert_int_equal(x.f.builds, 6);
    assert_true(x.f.max_running <= 2);
    assert_int_equal(x.f.max_running, 2); /* left and right in parallel */
    /* dependencies before dependents */
    const char *order[][2] = {{"base@", "left@"}, {"base@", "right@"}, {"left@", "left2@"}, {"right@", "right2@"},
                              {"left2@", "final@"}, {"right2@", "final@"}};
    for (size_t i = 0; i < 6; i++)
        assert_true(strstr(x.f.log, order[i][0]) < strstr(x.f.log, order[i][1]));
    /* base on b0; left follows it there (warm), right goes to the free b1
     * with base moved there; left2 stays with left, right2 with right */
    assert_non_null(strstr(x.f.log, "base@0"));
    assert_non_null(strstr(x.f.log, "left@0"));
    assert_non_null(strstr(x.f.log, "right@1"));
    assert_non_null(strstr(x.f.log, "left2@0"));
    assert_non_null(strstr(x.f.log, "right2@1"));
    assert_non_null(strstr(x.f.moves, "base:0>1"));
    teardown(&x);

    /* one job at a time: strictly sequential */
    setup(&x, chain, 2, 1, 1);
    assert_int_equal(bake_sched_run(&x.s, &err), 0);
    assert_int_equal(x.f.max_running, 1);
    teardown(&x);
}

static void dead_builder(void **state)
{
    (void)state;
    fixture x;
    setup(&x, chain, 2, 1, 2);
    x.f.die_builder = 1; /* right goes there and the builder dies */
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(bake_sched_run(&x.s, &err), 0);
    assert_true(x.builders[1].dead);
    for (size_t t = 0; t < x.plan->count; t++) {
        assert_int_equal(x.s.slots[t].status, HOIST_BAKE_STATUS_DONE);
        assert_int_equal(x.s.slots[t].builder, 0);
    }
    assert_int_equal(x.s.slots[index_of(&x, "right")].attempts, 2);
    assert_non_null(strstr(x.f.log, "right@1"));
    assert_non_null(strstr(x.f.log, "right@0"));
    teardown(&x);

    /* every builder dies: HOIST_EENV, the rest not built */
    setup(&x, chain, 1, 1, 1);
    x.f.die_builder = 0;
    assert_int_equal(bake_sched_run(&x.s, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "6 of 6 targets not built"));
    assert_int_equal(x.s.slots[index_of(&x, "final")].status, HOIST_BAKE_STATUS_CANCELLED);
    teardown(&x);
}

/* A built dependency whose only image was on the builder that died is
 * built again for the targets that still need it. */
static void lost_image_rebuilt(void **state)
{
    (void)state;
    fixture x;
    setup(&x, chain, 2, 1, 2);
    /* b1 builds right, then dies under right2: right's image is gone with
     * it, so right is built again on b0 before right2 */
    x.f.die_builder = 1;
    x.f.die_at = 1;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(bake_sched_run(&x.s, &err), 0);
    assert_non_null(strstr(x.f.log, "right@1"));
    assert_non_null(strstr(x.f.log, "right2@1"));
    assert_non_null(strstr(x.f.log, "right@0"));
    assert_true(strstr(x.f.log, "right@0") < strstr(x.f.log, "right2@0"));
    assert_int_equal(x.s.slots[index_of(&x, "right")].attempts, 2);
    assert_int_equal(x.s.slots[index_of(&x, "right2")].attempts, 2);
    for (size_t t = 0; t < x.plan->count; t++) {
        assert_int_equal(x.s.slots[t].status, HOIST_BAKE_STATUS_DONE);
        assert_int_equal(x.s.slots[t].builder, 0);
    }
    teardown(&x);
}

static void failure_skips_dependents(void **state)
{
    (void)state;
    fixture x;
    setup(&x, chain, 2, 1, 2);
    x.f.fail_target = "left";
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(bake_sched_run(&x.s, &err), HOIST_EFAILED);
    assert_int_equal(x.s.slots[index_of(&x, "left")].status, HOIST_BAKE_STATUS_FAILED);
    assert_int_equal(x.s.slots[index_of(&x, "left2")].status, HOIST_BAKE_STATUS_SKIPPED);
    assert_int_equal(x.s.slots[index_of(&x, "final")].status, HOIST_BAKE_STATUS_SKIPPED);
    assert_int_equal(x.s.slots[index_of(&x, "right2")].status, HOIST_BAKE_STATUS_DONE);
    assert_non_null(strstr(err.message, "left: RUN false"));
    assert_null(strstr(x.f.log, "final@"));
    teardown(&x);
}

/* A buildkitd builder (no image store to load into) never gets a target
 * with dependencies; with only buildkitd builders those targets fail with
 * a reason, and builders that did not answer at setup are reported lost. */
static void record_event(bake_sched *s, const hoist_bake_event *ev, void *user)
{
    (void)s;
    fake *f = user;
    char one[700];
    snprintf(one, sizeof(one), "%s %s %s %s|", hoist_bake_event_kind_name(ev->kind), ev->target ? ev->target : "-",
             ev->builder, ev->text ? ev->text : "");
    strncat(f->events, one, sizeof(f->events) - strlen(f->events) - 1);
}

static void buildkitd_builders(void **state)
{
    (void)state;
    fixture x;
    setup(&x, chain, 2, 2, 4);
    x.builders[1].buildkitd = true;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(bake_sched_run(&x.s, &err), 0);
    for (size_t t = 0; t < x.plan->count; t++) {
        assert_int_equal(x.s.slots[t].status, HOIST_BAKE_STATUS_DONE);
        if (x.plan->dep_count[t])
            assert_int_equal(x.s.slots[t].builder, 0);
    }
    teardown(&x);

    /* only a buildkitd left (b0 did not answer at setup): base builds there,
     * its dependents fail and say why, theirs are skipped */
    setup(&x, chain, 2, 1, 2);
    x.s.ops.event = record_event;
    x.builders[0].dead = true;
    snprintf(x.builders[0].dead_why, sizeof(x.builders[0].dead_why), "connection refused");
    x.builders[1].buildkitd = true;
    assert_int_equal(bake_sched_run(&x.s, &err), HOIST_EENV);
    assert_int_equal(x.s.slots[index_of(&x, "base")].status, HOIST_BAKE_STATUS_DONE);
    assert_int_equal(x.s.slots[index_of(&x, "base")].builder, 1);
    assert_int_equal(x.s.slots[index_of(&x, "left")].status, HOIST_BAKE_STATUS_FAILED);
    assert_non_null(strstr(x.s.slots[index_of(&x, "left")].error, "left depends on base"));
    assert_non_null(strstr(x.s.slots[index_of(&x, "left")].error, "buildkitd"));
    assert_int_equal(x.s.slots[index_of(&x, "final")].status, HOIST_BAKE_STATUS_SKIPPED);
    assert_non_null(strstr(err.message, "5 of 6 targets not built"));
    assert_int_equal(x.f.builds, 1);
    assert_non_null(strstr(x.f.events, "builder-lost - b0 connection refused|"));
    assert_non_null(strstr(x.f.events, "failed left  left depends on base"));
    teardown(&x);
}

static void cancel_stops(void **state)
{
    (void)state;
    fixture x;
    setup(&x, chain, 2, 1, 2);
    x.stop = 1;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(bake_sched_run(&x.s, &err), HOIST_EINTERRUPTED);
    assert_int_equal(x.f.builds, 0);
    teardown(&x);
}

static void builder_specs(void **state)
{
    (void)state;
    bake_builder_spec s;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(bake_builder_spec_parse(&s, "tcp://127.0.0.1:2376,certs=/c,name=far,slots=3", "--builder", 0,
                                             &err), 0);
    assert_string_equal(s.addr, "tcp://127.0.0.1:2376");
    assert_string_equal(s.certs, "/c");
    assert_string_equal(s.name, "far");
    assert_int_equal(s.slots, 3);
    assert_int_equal(bake_builder_spec_parse(&s, "unix:///run/d.sock", "--builder", 0, &err), 0);
    assert_string_equal(s.name, "unix:///run/d.sock");
    /* every address hoist build --builder takes, and nothing else */
    const char *good[] = {"docker", "docker,name=main,slots=2", "ssh://me@far:2222", "docker-container://bk",
                          "kube-pod://bk?namespace=ci&container=buildkitd", "tcp://[::1]:1234"};
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
        assert_int_equal(bake_builder_spec_parse(&s, good[i], "--builder", 0, &err), 0);
    assert_string_equal(s.addr, "tcp://[::1]:1234");
    assert_int_equal(bake_builder_spec_parse(&s, "docker,name=main,slots=2", "--builder", 0, &err), 0);
    assert_string_equal(s.addr, "docker");
    assert_string_equal(s.name, "main");
    assert_int_equal(s.slots, 2);
    const char *bad[] = {"http://x:1", "dockerd", "unix://", "tcp://", "npipe:////./pipe/docker", "name=x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(bake_builder_spec_parse(&s, bad[i], "--builder", 0, &err), HOIST_EUSAGE);
        assert_true(strstr(err.message, "not a BuildKit address") || strstr(err.message, "has no address"));
        assert_non_null(strstr(err.hint, "docker"));
    }
    assert_int_equal(bake_builder_spec_parse(&s, "docker,certs=/c", "--builder", 0, &err), HOIST_EUSAGE);
    assert_non_null(strstr(err.message, "certs= is for tcp://"));
    assert_int_equal(bake_builder_spec_parse(&s, "unix:///x,slots=0", "--builder", 0, &err), HOIST_EUSAGE);
    assert_int_equal(bake_builder_spec_parse(&s, "unix:///x,colour=red", "--builder", 0, &err), HOIST_EUSAGE);
    assert_non_null(strstr(err.message, "unknown setting \"colour=red\""));
    assert_int_equal(bake_builder_spec_parse(&s, "unix:///x,certs=/c", "--builder", 0, &err), HOIST_EUSAGE);
    assert_int_equal(bake_builder_spec_parse(&s, "myhost", "b.txt", 3, &err), HOIST_EINPUT);
    assert_int_equal(err.line, 3);

    char path[] = "/tmp/hoist-builders.XXXXXX";
    int fd = mkstemp(path);
    const char *text = "# the pool\n\nunix:///a.sock,name=a\n  tcp://10.0.0.1:2375 \nbogus\n";
    /* builders.txt:5: bogus is not an address */
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    bake_builder_spec *specs = NULL;
    size_t n = 0;
    assert_int_equal(bake_builders_file_read(&specs, &n, path, &err), HOIST_EINPUT);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 5);
    assert_null(specs);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, text, strlen(text) - 6), (ssize_t)strlen(text) - 6);
    close(fd);
    assert_int_equal(bake_builders_file_read(&specs, &n, path, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(specs[0].name, "a");
    assert_string_equal(specs[1].addr, "tcp://10.0.0.1:2375");
    free(specs);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(score_and_pick),
        cmocka_unit_test(runs_the_dag),
        cmocka_unit_test(dead_builder),
        cmocka_unit_test(lost_image_rebuilt),
        cmocka_unit_test(failure_skips_dependents),
        cmocka_unit_test(cancel_stops),
        cmocka_unit_test(buildkitd_builders),
        cmocka_unit_test(builder_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
