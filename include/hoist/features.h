/*
 * hoist/features.h - which Dockerfile features an engine can run.
 *
 * One table (lib/dockerfile/features.c) knows, for every feature the parser
 * detects (hoist_df_feature: heredocs, RUN --mount/--network/--security/
 * --device, COPY/ADD --link/--chmod/--parents/--exclude, ADD --checksum/
 * --keep-git-dir/--unpack, HEALTHCHECK --start-interval), the Dockerfile
 * frontend version that introduced it and whether the classic builder runs
 * it at all; and, for every Docker release, its Engine API version and the
 * frontend built into its BuildKit (the one used without `# syntax=`).
 *
 * The one question, "which uses in this Dockerfile can this engine not
 * run?", is hoist_dockerfile_unsupported(). `hoist build` asks it to choose
 * between the API (classic builder) and the CLI with BuildKit and to refuse
 * early what no available engine can build; `hoist check`'s HS009 asks it
 * about the engine the build will use. Engines:
 *  - classic: the Engine API's classic builder runs none of the features
 *    (nor a multi-platform build);
 *  - buildkit: the daemon's BuildKit runs what its built-in frontend knows
 *    (from the frontend version if given, else the Docker release, else the
 *    API version); a `# syntax=` directive makes BuildKit fetch a frontend
 *    image, which then decides (nothing is refused here);
 *  - buildkit-native: a BuildKit daemon spoken to directly, whose built-in
 *    frontend version is given (Docker 20.10's BuildKit v0.8 has 1.2).
 * Everything here is constant data and pure functions: thread-safe.
 * hoist_feature_use and hoist_engine_caps are plain values.
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
    const char *feature;      /* "RUN --mount", "heredoc", "COPY/ADD --link", ... */
    int min_frontend_major;   /* Dockerfile frontend version that added it */
    int min_frontend_minor;
    int line;                 /* where it is used (0: not on a line, e.g. a
                                 multi-platform --platform) */
    int column;
    hoist_df_feature bit;     /* 0 for the multi-platform entry */
    bool classic;             /* the classic builder can run it */
    int instruction;          /* index of the (top-level) instruction; -1 */
} hoist_feature_use;

typedef enum hoist_engine_kind {
    HOIST_ENGINE_CLASSIC = 0,       /* Engine API, classic builder */
    HOIST_ENGINE_BUILDKIT,          /* the Docker daemon's BuildKit */
    HOIST_ENGINE_BUILDKIT_NATIVE,   /* a BuildKit daemon; frontend given */
} hoist_engine_kind;

/* "classic", "buildkit", "buildkit-native". */
HOIST_EXTERN const char *hoist_engine_kind_name(hoist_engine_kind kind);

typedef struct hoist_engine_caps {
    hoist_engine_kind kind;
    const char *engine_version; /* Docker release ("20.10.24+dfsg1"); NULL: unknown */
    const char *api_version;    /* Engine API ("1.41"); used when the
                                   release is unknown; NULL: unknown */
    int frontend_major;         /* built-in Dockerfile frontend; 0.0: from */
    int frontend_minor;         /* the versions above (required for native) */
} hoist_engine_caps;
#define HOIST_ENGINE_CAPS_INIT {HOIST_ENGINE_CLASSIC, NULL, NULL, 0, 0}

enum {
    /* One entry per instruction using a feature (ONBUILD triggers count for
     * their ONBUILD), instead of one per feature at its first use. */
    HOIST_FEATURES_EVERY_USE = 1u << 0,
};

/* The uses in `df` that `engine` cannot run, in table order (one per feature
 * at its first line, or every use with HOIST_FEATURES_EVERY_USE), plus a
 * multi-platform `platform` value ("linux/amd64,linux/arm64") for the
 * classic builder. Fills up to `cap` entries of `out` and returns how many
 * there are in total. A BuildKit engine whose frontend cannot be known
 * (hoist_engine_frontend returns false), or a Dockerfile with `# syntax=` on
 * BuildKit, is assumed to run everything. */
HOIST_EXTERN size_t hoist_dockerfile_unsupported(const hoist_dockerfile *df, const hoist_engine_caps *engine,
                                    const char *platform, unsigned flags, hoist_feature_use *out,
                                    size_t cap);

/* The BuildKit-only features `df` uses: what the classic builder cannot
 * run (hoist_dockerfile_unsupported with a classic engine). */
HOIST_EXTERN size_t hoist_dockerfile_buildkit_features(const hoist_dockerfile *df, const char *platform,
                                          hoist_feature_use *out, size_t cap);

/* The built-in Dockerfile frontend of an engine: given, else from its
 * release, else from its API version. 0.0 for the classic builder and for
 * an engine older than BuildKit. Returns false when it cannot be known
 * (no parsable version, or a native BuildKit without a frontend version),
 * in which case hoist_dockerfile_unsupported assumes everything runs. */
HOIST_EXTERN bool hoist_engine_frontend(const hoist_engine_caps *engine, int *major, int *minor);

/* The built-in Dockerfile frontend version of a Docker engine version
 * ("20.10.24+dfsg1" -> 1.2); 0.0 when the engine has no BuildKit. */
HOIST_EXTERN void hoist_engine_builtin_frontend(const char *engine_version, int *major, int *minor);

/* True when frontend major.minor supports `use`. */
HOIST_EXTERN bool hoist_frontend_supports(int major, int minor, const hoist_feature_use *use);

#ifdef __cplusplus
}
#endif
#endif
