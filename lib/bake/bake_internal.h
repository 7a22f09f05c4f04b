/*
 * bake_internal.h - what the files of lib/bake share: the parsed file, the
 * plan, the builder pool and the scheduler's injectable build step.
 *
 * file.c reads a bake file (JSON or compose) into targets; plan.c selects
 * and orders them; builders.c turns builder addresses (those of `hoist
 * build --builder`) into Control API builds and is the ONE place that
 * decides how a builder runs hoist_build (and moves images between
 * builders); sched.c is the DAG scheduler, which calls
 * builds through bake_ops so that unit tests can run it without an engine;
 * bake.c is hoist_bake(): logs, events, the result.
 */
#ifndef HOIST_BAKE_INTERNAL_H
#define HOIST_BAKE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "hoist/bake.h"

/* ---- targets (file.c) ---------------------------------------------------- */

/* A string list owned by its target. */
typedef struct bake_strv {
    char **v;
    size_t n;
} bake_strv;

int bake_strv_add(bake_strv *l, const char *s);
void bake_strv_clear(bake_strv *l);

/* Deep copy of a public target (every string and list malloc'd). */
int bake_target_copy(hoist_bake_target *dst, const hoist_bake_target *src);
void bake_target_clear(hoist_bake_target *t);

typedef struct bake_group {
    char *name;
    bake_strv targets;
    int line;
} bake_group;

struct hoist_bake_file {
    char *path;
    bool compose;
    hoist_bake_target *targets;
    size_t target_count;
    bake_group *groups;
    size_t group_count;
    /* matrix targets: the name in the file and the names it expanded to */
    bake_group *matrix;
    size_t matrix_count;
};

/* Substitute ${VAR} for matrix values (vars[i]=vals[i]); others kept. */
char *bake_subst(const char *text, char *const *vars, char *const *vals, size_t n);

struct hoist_bake_plan {
    hoist_bake_target *targets;  /* dependencies first */
    size_t count;
    size_t **deps;               /* deps[i]: indexes (into targets) of i's dependencies */
    size_t *dep_count;
};

/* Detect a cycle among n nodes (edges: deps). 0, or HOIST_EINPUT naming
 * the cycle "a -> b -> a" with names[]. */
int bake_find_cycle(size_t n, size_t *const *deps, const size_t *dep_count, const char *const *names,
                    const char *file, const int *lines, hoist_error *err);

/* ---- builders (builders.c) --------------------------------------------- */

typedef struct bake_builder_spec {
    char name[128];
    char addr[1024];    /* what `hoist build --builder` takes (bk_address_check) */
    char certs[1024];
    int slots;          /* 0: default */
} bake_builder_spec;

/* Parse "ADDR[,certs=DIR][,name=NAME][,slots=N]"; ADDR is checked by the
 * BuildKit address parser of `hoist build --builder` (buildkit/dial.h).
 * `where` names the flag or file:line in errors. */
int bake_builder_spec_parse(bake_builder_spec *out, const char *text, const char *where, int line,
                            hoist_error *err);
/* Read a builders file: one spec a line, '#' comments, blank lines. */
int bake_builders_file_read(bake_builder_spec **out, size_t *count, const char *path, hoist_error *err);

/* A builder of the pool at run time. */
typedef struct bake_builder {
    bake_builder_spec spec;
    hoist_endpoint endpoint;  /* the engine its images land in (Engine API): its own for a
                                 Docker engine builder, else the client's engine */
    bool buildkitd;           /* no engine of its own: FROM cannot name other targets' images */
    char tls_ca[1100], tls_cert[1100], tls_key[1100]; /* from certs=DIR */
    char describe[512];       /* how hoist reached it (the dial's description) */
    int slots;
    int busy;
    bool dead;
    char dead_why[512];
} bake_builder;

/* Set up builder b: TLS files from certs=, then one Control API call
 * (ListWorkers) that says whether it answers and what it is: `docker` and a
 * tcp:// port where a Docker engine answers are Docker engine builders
 * (images in that engine); every other address is a buildkitd (images
 * loaded into `engine`). A builder that does not answer (HOIST_EENV) is
 * marked dead, not an error. `engine` may be NULL when no builder needs it. */
int bake_builder_setup(bake_builder *b, const hoist_endpoint *engine, const char *path_env, hoist_error *err);
/* Does builder b answer a Control API call now? (err: why not) */
int bake_builder_probe(const bake_builder *b, const char *path_env, int timeout_ms, hoist_error *err);

/* How a target is built on a builder: THE mapping from a builder address
 * to a hoist_build call (BuildKit's Control API on the builder, with a
 * hoist_client of the engine its images land in). `opts` is complete
 * except for the builder. */
int bake_builder_build(hoist_build_result *res, const bake_builder *b, const hoist_build_options *opts,
                       hoist_log_fn log, void *log_user, hoist_error *err);
/* Copy image `ref` from builder `from` to builder `to` (GET /images/get,
 * POST /images/load through a file in tmp_dir, on their engines). */
int bake_builder_move_image(const bake_builder *from, const bake_builder *to, const char *ref, const char *tmp_dir,
                            volatile sig_atomic_t *cancel, hoist_log_fn log, void *log_user, hoist_error *err);
/* Push `ref` from the builder's engine (the inline cache of a target). */
int bake_builder_push(const bake_builder *b, const char *ref, const hoist_build_options *opts,
                      volatile sig_atomic_t *cancel, hoist_log_fn log, void *log_user, hoist_error *err);

/* ---- scheduler (sched.c) ------------------------------------------------ */

typedef struct bake_sched bake_sched;

/* What the scheduler calls; bake.c gives the real ones, tests their own. */
typedef struct bake_ops {
    /* Build target t on builder b (from a worker thread). Fills res. */
    int (*build)(bake_sched *s, size_t t, size_t b, int attempt, hoist_build_result *res, hoist_error *err,
                 void *user);
    /* Make dependency d (built on builder `from`) available on builder `to`. */
    int (*move)(bake_sched *s, size_t d, size_t from, size_t to, hoist_error *err, void *user);
    /* After a HOIST_EENV: does builder b still answer? */
    bool (*alive)(bake_sched *s, size_t b, void *user);
    /* Events (called under the scheduler's lock: one at a time). */
    void (*event)(bake_sched *s, const hoist_bake_event *ev, void *user);
    void *user;
} bake_ops;

/* Per-target state, read by the caller after bake_sched_run. */
typedef struct bake_slot {
    hoist_bake_status status;
    enum { BAKE_WAITING, BAKE_RUNNING, BAKE_FINISHED } state;
    int attempts;
    long builder;          /* last builder, -1 none */
    unsigned long long on; /* bit b: its image is in builder b's store */
    hoist_build_result res;
    char error[1024];
    int error_code;
    int priority;          /* longest chain of dependents */
} bake_slot;

struct bake_sched {
    const hoist_bake_plan *plan;
    bake_builder *builders;
    size_t builder_count;
    unsigned int jobs;
    bake_ops ops;
    volatile sig_atomic_t *cancel;       /* the flag every build polls; set on cancel */
    volatile sig_atomic_t *user_cancel;  /* the caller's flag */
    bake_slot *slots;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int running;
    bool cancelled;
    double t0;
};

#define BAKE_MAX_BUILDERS 64

/* Score of builder b for target t (higher: warmer cache). See sched.c. */
int bake_sched_score(const bake_sched *s, size_t t, size_t b);
/* The builder t should go to now: a live builder with a free slot, the
 * warmest; -1 when none is free. */
long bake_sched_pick(const bake_sched *s, size_t t);
/* Run every target of the plan. Returns 0 or the worst code (see
 * hoist_bake); err describes the first failure. */
int bake_sched_run(bake_sched *s, hoist_error *err);
double bake_now(void);

#endif
