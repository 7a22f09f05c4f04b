/*
 * hoist/explain.h - which build step will miss the layer cache, and why.
 *
 * After every successful build on the api or buildkit engine (or the cli
 * engine, recorded as the builder it ran: classic as api, built-in BuildKit
 * as buildkit; not buildx), hoist_build() stores a build record: per step, what that builder keys its cache on
 * (the instruction, the base image's ID, the build args it sees, and for
 * COPY/ADD from the context one digest per source file over exactly the
 * metadata that builder hashes; docs/cache.md has the facts and their
 * sources). hoist_explain() computes the same inputs now and compares them
 * with the last record for the same engine endpoint, context, Dockerfile
 * and target: the first step that will miss and the input that caused it,
 * then every step that rebuilds after it, each with its last duration.
 *
 * Records live in $XDG_CACHE_HOME/hoist/records (~/.cache/hoist/records),
 * one JSON file per endpoint+engine+context+Dockerfile+target, written
 * atomically, at most 256 files and 64 MiB (the oldest go first). They are
 * neither written nor read when HOIST_NO_CACHE is set to anything but ""
 * or "0" (the variable the ShellCheck cache obeys too); cache_dir in the
 * options overrides the directory.
 *
 * Threads: an explanation is a plain read-only object once made; it may be
 * read from any thread. hoist_explain uses its client for the call.
 */
#ifndef HOIST_EXPLAIN_H
#define HOIST_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include "hoist/build.h"
#include "hoist/client.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hoist_explanation hoist_explanation;

/* What will happen to a step on the next build. */
typedef enum hoist_explain_status {
    HOIST_EXPLAIN_CACHED = 0,  /* every input the builder keys on is unchanged */
    HOIST_EXPLAIN_MISS,        /* an input changed (reason says which), or a step before it missed */
    HOIST_EXPLAIN_MAYBE,       /* depends on what an earlier step produces (COPY --from a stage
                                  that rebuilds: the builder hashes the copied files, which hoist
                                  cannot know before they are built) */
    HOIST_EXPLAIN_SKIPPED,     /* not a cache step for this builder (FROM, global ARG; BuildKit's
                                  ENV, LABEL, CMD... which change only the image config) */
} hoist_explain_status;

/* Which input changed. */
typedef enum hoist_explain_cause {
    HOIST_EXPLAIN_CAUSE_NONE = 0,
    HOIST_EXPLAIN_CAUSE_INSTRUCTION,  /* the instruction's text was edited (or one was added/removed) */
    HOIST_EXPLAIN_CAUSE_ARG,          /* a build arg the step sees has another value */
    HOIST_EXPLAIN_CAUSE_BASE,         /* the base image moved to another image ID */
    HOIST_EXPLAIN_CAUSE_FILES,        /* COPY/ADD source files changed, appeared or went away */
    HOIST_EXPLAIN_CAUSE_METADATA,     /* BuildKit: an edited ENV/ARG/USER/SHELL/WORKDIR this RUN sees */
    HOIST_EXPLAIN_CAUSE_PREVIOUS,     /* an earlier step of the stage (or the stage it builds on) misses */
    HOIST_EXPLAIN_CAUSE_NEW,          /* the last build did not run this step */
    HOIST_EXPLAIN_CAUSE_NO_CACHE,     /* --no-cache */
} hoist_explain_cause;

typedef struct hoist_explain_step {
    int step;                   /* 1-based instruction number, as in build events */
    int line;                   /* Dockerfile line of the instruction */
    int stage;                  /* 0-based stage index */
    const char *keyword;        /* "COPY" */
    const char *text;           /* the instruction as written (continuations joined) */
    hoist_explain_status status;
    hoist_explain_cause cause;
    const char *reason;         /* one line, e.g. "src/main.c changed (content)"; "" when cached */
    int after_step;             /* CAUSE_PREVIOUS: the step whose miss this follows; else 0 */
    double last_duration;       /* seconds it took when it last ran (not from the cache); -1 unknown */
    const char *const *changes; /* CAUSE_FILES: "path (content)", "path (mode)", "path (added)",
                                   "path (removed)"; at most 64 listed */
    size_t change_count;
    size_t change_total;        /* all changed files, listed or not */
} hoist_explain_step;

#define HOIST_EXPLAIN_OPTIONS_VERSION 1

typedef struct hoist_explain_options {
    unsigned int version;            /* HOIST_EXPLAIN_OPTIONS_VERSION */
    const char *context_dir;         /* NULL: "." */
    const char *dockerfile;          /* -f, relative to the working directory; NULL: <context>/Dockerfile */
    const char *target;              /* NULL or "": the last stage */
    const char *const *build_args;   /* "K=V" (the caller resolves a bare "K" from its environment) */
    size_t build_arg_count;
    hoist_build_engine engine;       /* API or BUILDKIT; AUTO: BuildKit when the daemon can run
                                        native BuildKit builds, else API (as hoist_build picks) */
    bool no_cache;                   /* --no-cache: every step misses */
    const char *cache_dir;           /* NULL: $XDG_CACHE_HOME/hoist/records */
} hoist_explain_options;

#define HOIST_EXPLAIN_OPTIONS_INIT {.version = HOIST_EXPLAIN_OPTIONS_VERSION}
/* Same as HOIST_EXPLAIN_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_explain_options_init(hoist_explain_options *opts);

/* Compare the inputs of a build with `opts` now with the last record.
 * Fills *out (free with hoist_explanation_free) also when there is no
 * record yet (hoist_explanation_has_record() is then false). The client
 * resolves base images to their IDs (GET /images/{name}/json); a base that
 * the engine lacks is recorded as missing. Bad Dockerfile or context:
 * HOIST_EINPUT; unknown target or engine cli: HOIST_EUSAGE. */
HOIST_EXTERN int hoist_explain(hoist_explanation **out, hoist_client *client, const hoist_explain_options *opts,
                               hoist_error *err);
HOIST_EXTERN void hoist_explanation_free(hoist_explanation *ex);

HOIST_EXTERN bool hoist_explanation_has_record(const hoist_explanation *ex);
/* The record file compared with (or that a build would write). */
HOIST_EXTERN const char *hoist_explanation_record_path(const hoist_explanation *ex);
/* When the record was written (seconds since the epoch), 0 without one. */
HOIST_EXTERN long long hoist_explanation_record_time(const hoist_explanation *ex);
/* "api" or "buildkit": the engine whose cache is predicted. */
HOIST_EXTERN const char *hoist_explanation_engine(const hoist_explanation *ex);
/* Steps of the build in Dockerfile order (only the target's stages). */
HOIST_EXTERN size_t hoist_explanation_step_count(const hoist_explanation *ex);
HOIST_EXTERN const hoist_explain_step *hoist_explanation_step_at(const hoist_explanation *ex, size_t index);
/* Index (for hoist_explanation_step_at) of the first step that will miss,
 * or -1 when every step will come from the cache. */
HOIST_EXTERN long hoist_explanation_first_miss(const hoist_explanation *ex);

HOIST_EXTERN const char *hoist_explain_status_name(hoist_explain_status status); /* "cached", "miss", "maybe", "skipped" */
HOIST_EXTERN const char *hoist_explain_cause_name(hoist_explain_cause cause);    /* "instruction", "arg", "base",
                                                                              "files", "metadata", "previous",
                                                                              "new", "no-cache", "" */

#ifdef __cplusplus
}
#endif
#endif
