/*
 * hoist/features.h - which Dockerfile features need BuildKit, and whether
 * an engine can run them.
 *
 * The classic builder (API builds without BuildKit) runs none of them. A
 * BuildKit build runs what its built-in Dockerfile frontend knows, which
 * depends on the engine's version; a `# syntax=` directive would fetch a
 * newer frontend image, which an offline engine cannot pull. `hoist build
 * --engine auto` uses this to choose between the API and the CLI with
 * BuildKit, and to refuse early what no available engine can build.
 */
#ifndef HOIST_FEATURES_H
#define HOIST_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include "hoist/dockerfile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hoist_feature_use {
    const char *feature;      /* "RUN --mount", "heredoc", "COPY --link", ... */
    int min_frontend_major;   /* Dockerfile frontend version that added it */
    int min_frontend_minor;
    int line;                 /* where it is used */
    int column;
} hoist_feature_use;

/* Find the BuildKit-only features `df` uses (and a multi-platform
 * `platform` flag value, e.g. "linux/amd64,linux/arm64"). Fills up to
 * `cap` entries and returns how many were found in total. */
HOIST_EXTERN size_t hoist_dockerfile_buildkit_features(const hoist_dockerfile *df, const char *platform,
                                          hoist_feature_use *out, size_t cap);

/* The built-in Dockerfile frontend version of a Docker engine version
 * ("20.10.24+dfsg1" -> 1.2); 0.0 when the engine has no BuildKit. */
HOIST_EXTERN void hoist_engine_builtin_frontend(const char *engine_version, int *major, int *minor);

/* True when frontend major.minor supports `use`. */
HOIST_EXTERN bool hoist_frontend_supports(int major, int minor, const hoist_feature_use *use);

#ifdef __cplusplus
}
#endif
#endif
