/*
 * features.c - BuildKit-only Dockerfile features and frontend versions.
 *
 * Each entry of the table is an instruction flag (or a construct) that the
 * classic builder rejects, with the Dockerfile frontend version that
 * introduced it. The engine-version table maps a Docker release to the
 * frontend built into its BuildKit (the one used without `# syntax=`).
 */
#include "hoist/features.h"

#include <stdio.h>
#include <string.h>

struct flag_feature {
    hoist_df_kind kind;
    const char *flag;
    const char *feature;
    int major, minor;
};

static const struct flag_feature flag_features[] = {
    {HOIST_DF_RUN, "mount", "RUN --mount", 1, 2},
    {HOIST_DF_RUN, "network", "RUN --network", 1, 3},
    {HOIST_DF_RUN, "security", "RUN --security", 1, 3},
    {HOIST_DF_COPY, "chmod", "COPY --chmod", 1, 2},
    {HOIST_DF_ADD, "chmod", "ADD --chmod", 1, 2},
    {HOIST_DF_COPY, "link", "COPY --link", 1, 4},
    {HOIST_DF_ADD, "link", "ADD --link", 1, 4},
    {HOIST_DF_ADD, "keep-git-dir", "ADD --keep-git-dir", 1, 5},
    {HOIST_DF_ADD, "checksum", "ADD --checksum", 1, 6},
    {HOIST_DF_COPY, "parents", "COPY --parents", 1, 7},
    {HOIST_DF_ADD, "parents", "ADD --parents", 1, 7},
    {HOIST_DF_COPY, "exclude", "COPY --exclude", 1, 7},
    {HOIST_DF_ADD, "exclude", "ADD --exclude", 1, 7},
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

static void add(hoist_feature_use *out, size_t cap, size_t *n, const char *feature, int major, int minor,
                hoist_df_pos pos)
{
    if (*n < cap) {
        out[*n].feature = feature;
        out[*n].min_frontend_major = major;
        out[*n].min_frontend_minor = minor;
        out[*n].line = pos.line;
        out[*n].column = pos.column;
    }
    (*n)++;
}

static void scan_instruction(const hoist_df_instruction *ins, hoist_feature_use *out, size_t cap, size_t *n)
{
    for (size_t f = 0; f < ins->flag_count; f++) {
        for (size_t k = 0; k < sizeof(flag_features) / sizeof(flag_features[0]); k++) {
            const struct flag_feature *ff = &flag_features[k];
            if (ff->kind == ins->kind && !strcmp(ff->flag, ins->flags[f].name))
                add(out, cap, n, ff->feature, ff->major, ff->minor, ins->flags[f].range.start);
        }
    }
    if (ins->heredoc_count)
        add(out, cap, n, "heredoc", 1, 4, ins->heredocs[0].range.start);
    if (ins->trigger)
        scan_instruction(ins->trigger, out, cap, n);
}

size_t hoist_dockerfile_buildkit_features(const hoist_dockerfile *df, const char *platform,
                                          hoist_feature_use *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < hoist_dockerfile_instruction_count(df); i++)
        scan_instruction(hoist_dockerfile_instruction(df, i), out, cap, &n);
    if (platform && strchr(platform, ',')) {
        hoist_df_pos none = {0, 0};
        add(out, cap, &n, "multiple platforms (--platform with a list)", 1, 0, none);
    }
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
