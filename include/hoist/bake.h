/*
 * hoist/bake.h - build many targets over a pool of builders (`hoist bake`).
 *
 * A bake file lists targets: hoist's JSON bake format (close to
 * `docker buildx bake`'s JSON, documented in docs/man/hoist-bake.1 and
 * docs/design.md "Bake") or a compose file's `build:` sections.
 * hoist_bake_file_load() reads one (every bad input is HOIST_EINPUT naming
 * the file, line and fix), hoist_bake_plan_new() picks the targets asked
 * for (groups and matrices expanded, dependencies added, a dependency cycle
 * named with its path) in an order where every dependency comes first, and
 * hoist_bake() builds the plan: a DAG scheduled over a pool of builders,
 * at most `jobs` builds at once, each target on the builder whose cache is
 * warmest for it, a dependency built elsewhere moved to the builder that
 * needs it, a target whose builder went away retried on another (the dead
 * builder leaves the pool). Each build is hoist_build() (build.h) through
 * BuildKit's Control API on the builder (buildkit.builder).
 *
 * Threads: hoist_bake() runs builds in threads of its own (one per running
 * build) and returns when all are done. The on_event callback is called
 * from those threads, one call at a time (the library serialises them).
 * A hoist_bake_file, hoist_bake_plan and hoist_bake_result may be read
 * from several threads at once; none is changed after it is made.
 */
#ifndef HOIST_BAKE_H
#define HOIST_BAKE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "hoist/build.h"
#include "hoist/client.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hoist_bake_file hoist_bake_file;
typedef struct hoist_bake_plan hoist_bake_plan;
typedef struct hoist_bake_result hoist_bake_result;

/* One target, as read (matrix expanded, paths resolved). Strings live as
 * long as the file (or the plan) that handed the target out. */
typedef struct hoist_bake_target {
    const char *name;
    const char *context;           /* directory; relative ones are resolved against the file's */
    const char *dockerfile;        /* path: relative ones are resolved against the context */
    const char *const *args;       /* "K=V", or "K" (from the environment) */
    size_t arg_count;
    const char *const *tags;
    size_t tag_count;
    const char *const *labels;     /* "K=V" */
    size_t label_count;
    const char *const *platforms;
    size_t platform_count;
    const char *const *depends_on; /* target names (matrix names expanded) */
    size_t depends_on_count;
    const char *const *cache_from; /* image references ("type=registry,ref=R" read as R) */
    size_t cache_from_count;
    const char *const *cache_to;   /* "type=inline" or "type=registry,ref=R" */
    size_t cache_to_count;
    const char *target;            /* Dockerfile stage, or NULL */
    const char *output;            /* --output value, or NULL (the image in the builder's store) */
    const char *network;           /* RUN network, or NULL */
    bool no_cache;
    const char *file;              /* where it was defined */
    int line;
} hoist_bake_target;

/* Read `path` (a .json bake file or a compose .yaml/.yml). */
HOIST_EXTERN int hoist_bake_file_load(hoist_bake_file **out, const char *path, hoist_error *err);
/* The same from memory; `filename` names it in errors, decides the format
 * (compose unless it ends in .json) and is the base of relative paths. */
HOIST_EXTERN int hoist_bake_file_parse(hoist_bake_file **out, const char *text, size_t len, const char *filename,
                                       hoist_error *err);
HOIST_EXTERN void hoist_bake_file_free(hoist_bake_file *file);
HOIST_EXTERN size_t hoist_bake_file_target_count(const hoist_bake_file *file);
HOIST_EXTERN const hoist_bake_target *hoist_bake_file_target_at(const hoist_bake_file *file, size_t index);
/* True when the file was a compose file. */
HOIST_EXTERN bool hoist_bake_file_is_compose(const hoist_bake_file *file);

/* The default bake file in `dir` (NULL: "."), looked up like buildx:
 * docker-bake.json, docker-bake.override.json, compose.yaml, compose.yml,
 * docker-compose.yml, docker-compose.yaml; the first found is written to
 * out. HOIST_EINPUT when none exists (or only an HCL file, which hoist does
 * not read: the hint says how to convert it). */
HOIST_EXTERN int hoist_bake_file_find(char *out, size_t size, const char *dir, hoist_error *err);

/* The targets to build for `names` (targets or groups; none: the group
 * "default", else the target "default", else every target) with their
 * dependencies, dependencies first. A cycle is HOIST_EINPUT naming it
 * ("a -> b -> a"). The plan keeps a reference to nothing: free the file
 * whenever. */
HOIST_EXTERN int hoist_bake_plan_new(hoist_bake_plan **out, const hoist_bake_file *file, const char *const *names,
                                     size_t name_count, hoist_error *err);
HOIST_EXTERN void hoist_bake_plan_free(hoist_bake_plan *plan);
HOIST_EXTERN size_t hoist_bake_plan_target_count(const hoist_bake_plan *plan);
HOIST_EXTERN const hoist_bake_target *hoist_bake_plan_target_at(const hoist_bake_plan *plan, size_t index);
/* The plan as JSON ({"target": {...}, "group": {"default": ...}}, the bake
 * format hoist reads): *out is malloc'd. */
HOIST_EXTERN int hoist_bake_plan_json(const hoist_bake_plan *plan, char **out, hoist_error *err);

typedef enum hoist_bake_event_kind {
    HOIST_BAKE_STARTED = 0,    /* a target started on a builder (attempt counts retries) */
    HOIST_BAKE_BUILD,          /* an event of the target's build: see `build` */
    HOIST_BAKE_MOVED,          /* a dependency's image was copied to the builder: text is its name */
    HOIST_BAKE_DONE,           /* built: seconds, text = image ID */
    HOIST_BAKE_FAILED,         /* failed: text = the error */
    HOIST_BAKE_SKIPPED,        /* not built: a dependency failed (text names it) */
    HOIST_BAKE_RETRY,          /* its builder went away: it goes back in the queue (text = why) */
    HOIST_BAKE_BUILDER_LOST,   /* a builder left the pool: builder, text = why */
} hoist_bake_event_kind;

typedef struct hoist_bake_event {
    hoist_bake_event_kind kind;
    const char *target;             /* NULL for BUILDER_LOST */
    const char *builder;            /* the builder's name */
    int attempt;                    /* 1 for the first */
    const hoist_build_event *build; /* BUILD: the build's event; NULL otherwise */
    const char *text;
    double seconds;                 /* DONE/FAILED: the build's duration */
    double elapsed;                 /* since hoist_bake started */
} hoist_bake_event;

/* Return 0 to go on, non-zero to cancel the whole bake. */
typedef int (*hoist_bake_event_fn)(const hoist_bake_event *event, void *user);

/* Stable lower-case name of an event kind ("started", "build", ...). */
HOIST_EXTERN const char *hoist_bake_event_kind_name(hoist_bake_event_kind kind);

typedef struct hoist_bake_options {
    unsigned int version;             /* HOIST_BAKE_OPTIONS_VERSION */
    /* The pool. A builder is "ADDR[,certs=DIR][,name=NAME][,slots=N]": ADDR is
     * what hoist_build_buildkit_options.builder takes (BuildKit's Control API:
     * docker = `endpoint`'s engine through its /grpc, unix://PATH buildkitd,
     * tcp://HOST:PORT buildkitd or a Docker engine's TLS port, ssh://,
     * docker-container://, kube-pod://); certs=DIR holds ca.pem, cert.pem
     * and key.pem for tcp with mutual TLS (as DOCKER_CERT_PATH); slots=N lets
     * it run N builds at once (default: jobs spread over the pool). A
     * Docker engine builder keeps its images in its engine; a buildkitd's
     * images are loaded into `endpoint`'s engine, and it builds no target
     * that has dependencies. None given: "docker". */
    const char *const *builders;
    size_t builder_count;
    const char *builders_file;        /* one builder a line ('#' comments), added to `builders` */
    const hoist_endpoint *endpoint;   /* the engine of the builder "docker" (also the pool when no
                                         other builder is given) and where buildkitd builders'
                                         images are loaded */
    unsigned int jobs;                /* builds at once over the pool; 0: one per builder slot */
    const char *registry;             /* HOST[:PORT][/PREFIX]: shared cache, every target without
                                         cache-to/cache-from of its own gets an inline cache pushed to
                                         and read from REGISTRY/hoist-bake-cache:TARGET; NULL: none */
    const char *logs_dir;             /* a log file per target (TARGET.log); NULL: none */
    const char *tmp_dir;              /* where image moves are staged; NULL: /tmp */
    const hoist_build_options *build; /* every build starts from these (engine, check, registry
                                         credentials, path_env); the target's fields replace
                                         params, context_dir, dockerfile and buildkit.output.
                                         NULL: HOIST_BUILD_OPTIONS_INIT */
    hoist_bake_event_fn on_event;     /* may be NULL */
    void *user;
    volatile sig_atomic_t *cancel;    /* optional: set non-zero to cancel every build */
    hoist_log_fn log;                 /* request log of every client, or NULL */
    void *log_user;
} hoist_bake_options;

#define HOIST_BAKE_OPTIONS_VERSION 1
#define HOIST_BAKE_OPTIONS_INIT {.version = HOIST_BAKE_OPTIONS_VERSION}
HOIST_EXTERN void hoist_bake_options_init(hoist_bake_options *opts);

typedef enum hoist_bake_status {
    HOIST_BAKE_STATUS_DONE = 0,
    HOIST_BAKE_STATUS_FAILED,
    HOIST_BAKE_STATUS_SKIPPED,        /* a dependency failed */
    HOIST_BAKE_STATUS_CANCELLED,      /* not run: cancelled, or no builder left */
} hoist_bake_status;
HOIST_EXTERN const char *hoist_bake_status_name(hoist_bake_status status); /* "done", "failed", ... */

/* One row of the summary: a target of the plan, in the plan's order. */
typedef struct hoist_bake_row {
    const char *target;
    const char *builder;              /* the builder that ran its last attempt; "" when none */
    hoist_bake_status status;
    int attempts;
    double seconds;                   /* its last attempt's build */
    int steps_total, steps_cached;
    const char *image_id;             /* "" unless DONE */
    const char *error;                /* FAILED/SKIPPED/CANCELLED: why; "" otherwise */
    int error_code;                   /* the hoist_code of that error; 0 when DONE */
    /* Added with Control API builders (fields are only ever appended). */
    const char *builder_address;      /* the builder's ADDR (as hoist build --builder); "" when none */
    const char *builder_kind;         /* "dockerd" (a Docker engine's BuildKit: images stay in that
                                         engine) or "buildkitd"; "" when none */
    const char *via;                  /* how its last attempt was built (the build result's
                                         engine_reason: BuildKit's Control API on ADDR) */
} hoist_bake_row;

/* Build the plan. Returns 0 when every target was built; else the worst
 * code: HOIST_EINTERRUPTED (cancelled), HOIST_EENV (no builder usable),
 * HOIST_EINPUT (a target's Dockerfile or context), HOIST_EFAILED (a
 * build failed). *out is set whenever targets were scheduled (also on
 * failure, NULL otherwise): free it with hoist_bake_result_free. */
HOIST_EXTERN int hoist_bake(hoist_bake_result **out, const hoist_bake_plan *plan, const hoist_bake_options *opts,
                            hoist_error *err);
HOIST_EXTERN void hoist_bake_result_free(hoist_bake_result *result);
HOIST_EXTERN size_t hoist_bake_result_row_count(const hoist_bake_result *result);
HOIST_EXTERN const hoist_bake_row *hoist_bake_result_row_at(const hoist_bake_result *result, size_t index);
/* Seconds the whole bake took (its makespan). */
HOIST_EXTERN double hoist_bake_result_seconds(const hoist_bake_result *result);

#ifdef __cplusplus
}
#endif
#endif
