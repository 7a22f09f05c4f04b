/*
 * features.c - the one owner of "which Dockerfile feature needs which
 * builder" (hoist/features.h).
 *
 * feature_table lists every syntax feature the parser detects: its bit, its
 * name for messages, the instruction(s) and flag that make it, the
 * Dockerfile frontend version that introduced it, and whether the classic
 * builder runs it (none does today). releases maps a Docker release to its
 * Engine API version and the frontend built into its BuildKit.
 * hoist_dockerfile_unsupported() answers, for an engine (classic, the
 * daemon's BuildKit, or a native BuildKit with a given frontend), which uses
 * it cannot run; engine choice (lib/build/engine_choice.c) and the HS009
 * lint rule (lib/lint/hs_context.c) both ask it. Triggers of ONBUILD count
 * for their ONBUILD instruction.
 */
#include <stdio.h>
#include <string.h>

#include "dockerfile/df_internal.h"
#include "hoist/features.h"
#include "hoist/version.h"

static const struct feature_info {
    hoist_df_feature bit;
    const char *name;
    hoist_df_kind kind1, kind2; /* instructions the flag belongs to */
    const char *flag;           /* NULL: heredoc */
    int fe_major, fe_minor;     /* frontend version that added it */
    bool classic;               /* the classic builder runs it */
} feature_table[] = {
    {HOIST_DF_FEATURE_RUN_MOUNT, "RUN --mount", HOIST_DF_RUN, HOIST_DF_RUN, "mount", 1, 2, false},
    {HOIST_DF_FEATURE_COPY_CHMOD, "COPY/ADD --chmod", HOIST_DF_COPY, HOIST_DF_ADD, "chmod", 1, 2, false},
    {HOIST_DF_FEATURE_RUN_NETWORK, "RUN --network", HOIST_DF_RUN, HOIST_DF_RUN, "network", 1, 3, false},
    {HOIST_DF_FEATURE_RUN_SECURITY, "RUN --security", HOIST_DF_RUN, HOIST_DF_RUN, "security", 1, 3, false},
    {HOIST_DF_FEATURE_HEREDOC, "heredoc", HOIST_DF_UNKNOWN, HOIST_DF_UNKNOWN, NULL, 1, 4, false},
    {HOIST_DF_FEATURE_COPY_LINK, "COPY/ADD --link", HOIST_DF_COPY, HOIST_DF_ADD, "link", 1, 4, false},
    {HOIST_DF_FEATURE_ADD_KEEP_GIT_DIR, "ADD --keep-git-dir", HOIST_DF_ADD, HOIST_DF_ADD, "keep-git-dir", 1, 5,
     false},
    {HOIST_DF_FEATURE_ADD_CHECKSUM, "ADD --checksum", HOIST_DF_ADD, HOIST_DF_ADD, "checksum", 1, 6, false},
    {HOIST_DF_FEATURE_COPY_PARENTS, "COPY/ADD --parents", HOIST_DF_COPY, HOIST_DF_ADD, "parents", 1, 7, false},
    {HOIST_DF_FEATURE_COPY_EXCLUDE, "COPY/ADD --exclude", HOIST_DF_COPY, HOIST_DF_ADD, "exclude", 1, 7, false},
    {HOIST_DF_FEATURE_HEALTHCHECK_START_INTERVAL, "HEALTHCHECK --start-interval", HOIST_DF_HEALTHCHECK,
     HOIST_DF_HEALTHCHECK, "start-interval", 1, 6, false},
    {HOIST_DF_FEATURE_RUN_DEVICE, "RUN --device", HOIST_DF_RUN, HOIST_DF_RUN, "device", 1, 14, false},
    {HOIST_DF_FEATURE_ADD_UNPACK, "ADD --unpack", HOIST_DF_ADD, HOIST_DF_ADD, "unpack", 1, 17, false},
};
#define N_FEATURES (sizeof(feature_table) / sizeof(feature_table[0]))

/* Docker releases, oldest first: the Engine API version each introduced
 * and the Dockerfile frontend built into its BuildKit. For a version, the
 * last entry at or below it wins. */
static const struct release {
    int major, minor; /* Docker release */
    int api_minor;    /* Engine API 1.<api_minor> */
    int fe_major, fe_minor;
} releases[] = {
    {18, 9, 39, 1, 0},  {19, 3, 40, 1, 0},  {20, 10, 41, 1, 2}, {23, 0, 42, 1, 5}, {24, 0, 43, 1, 5},
    {25, 0, 44, 1, 6},  {26, 0, 45, 1, 7},  {27, 0, 46, 1, 9},  {28, 0, 48, 1, 14},
};
#define N_RELEASES (sizeof(releases) / sizeof(releases[0]))

/* Does the instruction itself (not its trigger) use feature k? */
static bool uses_feature(const hoist_df_instruction *ins, size_t k)
{
    const struct feature_info *f = &feature_table[k];
    if (!f->flag)
        return ins->heredoc_count > 0;
    return (ins->kind == f->kind1 || ins->kind == f->kind2) && hoist_df_instruction_flag(ins, f->flag);
}

/* The instruction or its ONBUILD trigger uses feature k. */
static bool uses_feature_deep(const hoist_df_instruction *ins, size_t k)
{
    for (; ins; ins = ins->trigger)
        if (uses_feature(ins, k))
            return true;
    return false;
}

unsigned hoist_dockerfile_features(const hoist_dockerfile *df)
{
    unsigned f = 0;
    for (size_t i = 0; df && i < df->instruction_count; i++)
        for (size_t k = 0; k < N_FEATURES; k++)
            if (uses_feature_deep(&df->instructions[i], k))
                f |= feature_table[k].bit;
    return f;
}

int hoist_dockerfile_feature_line(const hoist_dockerfile *df, hoist_df_feature feature)
{
    for (size_t k = 0; k < N_FEATURES; k++) {
        if (feature_table[k].bit != feature)
            continue;
        for (size_t i = 0; df && i < df->instruction_count; i++)
            if (uses_feature_deep(&df->instructions[i], k))
                return df->instructions[i].range.start.line;
    }
    return 0;
}

const char *hoist_df_feature_name(hoist_df_feature feature)
{
    for (size_t k = 0; k < N_FEATURES; k++)
        if (feature_table[k].bit == feature)
            return feature_table[k].name;
    return "";
}

const char *hoist_engine_kind_name(hoist_engine_kind kind)
{
    switch (kind) {
    case HOIST_ENGINE_CLASSIC: return "classic";
    case HOIST_ENGINE_BUILDKIT: return "buildkit";
    case HOIST_ENGINE_BUILDKIT_NATIVE: return "buildkit-native";
    }
    return "";
}

void hoist_engine_builtin_frontend(const char *engine_version, int *major, int *minor)
{
    int v_major = 0, v_minor = 0;
    *major = *minor = 0;
    if (!engine_version || sscanf(engine_version, "%d.%d", &v_major, &v_minor) != 2)
        return;
    for (size_t i = 0; i < N_RELEASES; i++) {
        const struct release *r = &releases[i];
        if (v_major > r->major || (v_major == r->major && v_minor >= r->minor)) {
            *major = r->fe_major;
            *minor = r->fe_minor;
        }
    }
}

/* The frontend of the release that introduced API 1.<api_minor> (or the
 * newest one before it); false when the version does not parse. */
static bool api_frontend(const char *api_version, int *major, int *minor)
{
    int a = 0, b = 0;
    *major = *minor = 0;
    if (!api_version || hoist_api_version_parse(api_version, &a, &b) != 0)
        return false;
    for (size_t i = 0; i < N_RELEASES; i++)
        if (a > 1 || (a == 1 && b >= releases[i].api_minor)) {
            *major = releases[i].fe_major;
            *minor = releases[i].fe_minor;
        }
    return true;
}

bool hoist_engine_frontend(const hoist_engine_caps *engine, int *major, int *minor)
{
    *major = *minor = 0;
    if (!engine || engine->kind == HOIST_ENGINE_CLASSIC)
        return true;
    if (engine->frontend_major || engine->frontend_minor) {
        *major = engine->frontend_major;
        *minor = engine->frontend_minor;
        return true;
    }
    if (engine->kind == HOIST_ENGINE_BUILDKIT_NATIVE)
        return false;
    int v_major, v_minor;
    if (engine->engine_version && sscanf(engine->engine_version, "%d.%d", &v_major, &v_minor) == 2) {
        hoist_engine_builtin_frontend(engine->engine_version, major, minor);
        return true;
    }
    return api_frontend(engine->api_version, major, minor);
}

bool hoist_frontend_supports(int major, int minor, const hoist_feature_use *use)
{
    if (major != use->min_frontend_major)
        return major > use->min_frontend_major;
    return minor >= use->min_frontend_minor;
}

static void add(hoist_feature_use *out, size_t cap, size_t *n, const struct feature_info *f, const char *name,
                const hoist_df_instruction *ins, int index)
{
    if (*n < cap) {
        hoist_feature_use *u = &out[*n];
        u->feature = f ? f->name : name;
        u->min_frontend_major = f ? f->fe_major : 1;
        u->min_frontend_minor = f ? f->fe_minor : 0;
        u->line = ins ? ins->range.start.line : 0;
        u->column = 0;
        u->bit = f ? f->bit : 0;
        u->classic = f ? f->classic : false;
        u->instruction = index;
    }
    (*n)++;
}

/* Can `engine` (frontend fe_major.fe_minor when BuildKit, `known` or not)
 * run feature k? */
static bool can_run(const hoist_engine_caps *engine, bool frontend_decides, bool known, int fe_major, int fe_minor,
                    size_t k)
{
    const struct feature_info *f = &feature_table[k];
    if (engine->kind == HOIST_ENGINE_CLASSIC)
        return f->classic;
    if (frontend_decides || !known)
        return true;
    return fe_major != f->fe_major ? fe_major > f->fe_major : fe_minor >= f->fe_minor;
}

size_t hoist_dockerfile_unsupported(const hoist_dockerfile *df, const hoist_engine_caps *engine,
                                    const char *platform, unsigned flags, hoist_feature_use *out, size_t cap)
{
    static const hoist_engine_caps classic = HOIST_ENGINE_CAPS_INIT;
    if (!engine)
        engine = &classic;
    size_t n = 0;
    size_t count = df ? df->instruction_count : 0;
    int fe_major = 0, fe_minor = 0;
    bool known = hoist_engine_frontend(engine, &fe_major, &fe_minor);
    /* With `# syntax=`, BuildKit runs the named frontend image instead. */
    bool frontend_decides = engine->kind != HOIST_ENGINE_CLASSIC && df && hoist_dockerfile_find_directive(df, "syntax");
    if (flags & HOIST_FEATURES_EVERY_USE) {
        for (size_t i = 0; i < count; i++)
            for (size_t k = 0; k < N_FEATURES; k++)
                if (!can_run(engine, frontend_decides, known, fe_major, fe_minor, k) &&
                    uses_feature_deep(&df->instructions[i], k))
                    add(out, cap, &n, &feature_table[k], NULL, &df->instructions[i], (int)i);
    } else {
        for (size_t k = 0; k < N_FEATURES; k++) {
            if (can_run(engine, frontend_decides, known, fe_major, fe_minor, k))
                continue;
            for (size_t i = 0; i < count; i++)
                if (uses_feature_deep(&df->instructions[i], k)) {
                    add(out, cap, &n, &feature_table[k], NULL, &df->instructions[i], (int)i);
                    break;
                }
        }
    }
    if (engine->kind == HOIST_ENGINE_CLASSIC && platform && strchr(platform, ','))
        add(out, cap, &n, NULL, "multiple platforms (--platform with a list)", NULL, -1);
    return n;
}

size_t hoist_dockerfile_buildkit_features(const hoist_dockerfile *df, const char *platform,
                                          hoist_feature_use *out, size_t cap)
{
    hoist_engine_caps classic = HOIST_ENGINE_CAPS_INIT;
    return hoist_dockerfile_unsupported(df, &classic, platform, 0, out, cap);
}
