/*
 * features.c - which syntax features a Dockerfile uses, so the build can
 * pick (or refuse) a builder: heredocs and the flags the classic builder
 * and older BuildKit frontends do not know. Triggers of ONBUILD count.
 */
#include "dockerfile/df_internal.h"

static const struct {
    hoist_df_feature bit;
    const char *name;
    hoist_df_kind kind1, kind2; /* instructions the flag belongs to */
    const char *flag;
} feature_table[] = {
    {HOIST_DF_FEATURE_HEREDOC, "heredoc", HOIST_DF_UNKNOWN, HOIST_DF_UNKNOWN, NULL},
    {HOIST_DF_FEATURE_RUN_MOUNT, "RUN --mount", HOIST_DF_RUN, HOIST_DF_RUN, "mount"},
    {HOIST_DF_FEATURE_RUN_NETWORK, "RUN --network", HOIST_DF_RUN, HOIST_DF_RUN, "network"},
    {HOIST_DF_FEATURE_RUN_SECURITY, "RUN --security", HOIST_DF_RUN, HOIST_DF_RUN, "security"},
    {HOIST_DF_FEATURE_COPY_LINK, "COPY/ADD --link", HOIST_DF_COPY, HOIST_DF_ADD, "link"},
    {HOIST_DF_FEATURE_COPY_CHMOD, "COPY/ADD --chmod", HOIST_DF_COPY, HOIST_DF_ADD, "chmod"},
    {HOIST_DF_FEATURE_COPY_PARENTS, "COPY/ADD --parents", HOIST_DF_COPY, HOIST_DF_ADD, "parents"},
    {HOIST_DF_FEATURE_COPY_EXCLUDE, "COPY/ADD --exclude", HOIST_DF_COPY, HOIST_DF_ADD, "exclude"},
    {HOIST_DF_FEATURE_ADD_CHECKSUM, "ADD --checksum", HOIST_DF_ADD, HOIST_DF_ADD, "checksum"},
    {HOIST_DF_FEATURE_ADD_KEEP_GIT_DIR, "ADD --keep-git-dir", HOIST_DF_ADD, HOIST_DF_ADD, "keep-git-dir"},
    {HOIST_DF_FEATURE_HEALTHCHECK_START_INTERVAL, "HEALTHCHECK --start-interval", HOIST_DF_HEALTHCHECK,
     HOIST_DF_HEALTHCHECK, "start-interval"},
    {HOIST_DF_FEATURE_RUN_DEVICE, "RUN --device", HOIST_DF_RUN, HOIST_DF_RUN, "device"},
    {HOIST_DF_FEATURE_ADD_UNPACK, "ADD --unpack", HOIST_DF_ADD, HOIST_DF_ADD, "unpack"},
};
#define N_FEATURES (sizeof(feature_table) / sizeof(feature_table[0]))

static unsigned instruction_features(const hoist_df_instruction *ins)
{
    unsigned f = 0;
    if (ins->heredoc_count)
        f |= HOIST_DF_FEATURE_HEREDOC;
    for (size_t k = 1; k < N_FEATURES; k++) {
        if (ins->kind != feature_table[k].kind1 && ins->kind != feature_table[k].kind2)
            continue;
        if (hoist_df_instruction_flag(ins, feature_table[k].flag))
            f |= feature_table[k].bit;
    }
    if (ins->trigger)
        f |= instruction_features(ins->trigger);
    return f;
}

unsigned hoist_dockerfile_features(const hoist_dockerfile *df)
{
    unsigned f = 0;
    for (size_t i = 0; df && i < df->instruction_count; i++)
        f |= instruction_features(&df->instructions[i]);
    return f;
}

int hoist_dockerfile_feature_line(const hoist_dockerfile *df, hoist_df_feature feature)
{
    for (size_t i = 0; df && i < df->instruction_count; i++)
        if (instruction_features(&df->instructions[i]) & feature)
            return df->instructions[i].range.start.line;
    return 0;
}

const char *hoist_df_feature_name(hoist_df_feature feature)
{
    for (size_t k = 0; k < N_FEATURES; k++)
        if (feature_table[k].bit == feature)
            return feature_table[k].name;
    return "";
}
