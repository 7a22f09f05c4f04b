/*
 * features.c - BuildKit-only Dockerfile features and frontend versions.
 *
 * The parser finds the constructs the classic builder rejects
 * (hoist_dockerfile_features); this file knows which Dockerfile frontend
 * version introduced each. The engine-version table maps a Docker release to the
 * frontend built into its BuildKit (the one used without `# syntax=`).
 */
#include "hoist/features.h"

#include <stdio.h>
#include <string.h>

/* The Dockerfile frontend version that introduced each feature the parser
 * detects (hoist_dockerfile_features). */
static const struct {
    hoist_df_feature feature;
    int major, minor;
} frontend_of[] = {
    {HOIST_DF_FEATURE_RUN_MOUNT, 1, 2},
    {HOIST_DF_FEATURE_COPY_CHMOD, 1, 2},
    {HOIST_DF_FEATURE_RUN_NETWORK, 1, 3},
    {HOIST_DF_FEATURE_RUN_SECURITY, 1, 3},
    {HOIST_DF_FEATURE_HEREDOC, 1, 4},
    {HOIST_DF_FEATURE_COPY_LINK, 1, 4},
    {HOIST_DF_FEATURE_ADD_KEEP_GIT_DIR, 1, 5},
    {HOIST_DF_FEATURE_ADD_CHECKSUM, 1, 6},
    {HOIST_DF_FEATURE_COPY_PARENTS, 1, 7},
    {HOIST_DF_FEATURE_COPY_EXCLUDE, 1, 7},
    {HOIST_DF_FEATURE_HEALTHCHECK_START_INTERVAL, 1, 6},
    {HOIST_DF_FEATURE_RUN_DEVICE, 1, 14},
    {HOIST_DF_FEATURE_ADD_UNPACK, 1, 17},
};

struct engine_frontend {
    int major, minor; /* Docker release */
    int fe_major, fe_minor;
};

/* Oldest first; the last entry whose release is <= the engine wins. */
static const struct engine_frontend engine_frontends[] = {
    {18, 9, 1, 0}, {20, 10, 1, 2}, {23, 0, 1, 5}, {25, 0, 1, 6},
    {26, 0, 1, 7}, {27, 0, 1, 9}, {28, 0, 1, 14},
};

static void add(hoist_feature_use *out, size_t cap, size_t *n, const char *feature, int major, int minor, int line)
{
    if (*n < cap) {
        out[*n].feature = feature;
        out[*n].min_frontend_major = major;
        out[*n].min_frontend_minor = minor;
        out[*n].line = line;
        out[*n].column = 0;
    }
    (*n)++;
}

size_t hoist_dockerfile_buildkit_features(const hoist_dockerfile *df, const char *platform,
                                          hoist_feature_use *out, size_t cap)
{
    size_t n = 0;
    unsigned used = hoist_dockerfile_features(df);
    for (size_t i = 0; i < sizeof(frontend_of) / sizeof(frontend_of[0]); i++) {
        if (used & frontend_of[i].feature)
            add(out, cap, &n, hoist_df_feature_name(frontend_of[i].feature), frontend_of[i].major,
                frontend_of[i].minor, hoist_dockerfile_feature_line(df, frontend_of[i].feature));
    }
    if (platform && strchr(platform, ','))
        add(out, cap, &n, "multiple platforms (--platform with a list)", 1, 0, 0);
    return n;
}

void hoist_engine_builtin_frontend(const char *engine_version, int *major, int *minor)
{
    int v_major = 0, v_minor = 0;
    *major = *minor = 0;
    if (!engine_version || sscanf(engine_version, "%d.%d", &v_major, &v_minor) != 2)
        return;
    for (size_t i = 0; i < sizeof(engine_frontends) / sizeof(engine_frontends[0]); i++) {
        const struct engine_frontend *e = &engine_frontends[i];
        if (v_major > e->major || (v_major == e->major && v_minor >= e->minor)) {
            *major = e->fe_major;
            *minor = e->fe_minor;
        }
    }
}

bool hoist_frontend_supports(int major, int minor, const hoist_feature_use *use)
{
    if (major != use->min_frontend_major)
        return major > use->min_frontend_major;
    return minor >= use->min_frontend_minor;
}
