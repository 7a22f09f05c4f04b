/*
 * template.h - Dockerfile templates held as data, and the context a
 * language module fills before a template is applied.
 *
 * A template is a constant array of gen_step: one Dockerfile instruction
 * each, with the facts it needs (`when`, all bits set) and the facts that
 * rule it out (`unless`). Arguments are fixed text with `{{name}}`
 * placeholders; an argument that is exactly `{{@name}}` becomes one
 * argument per item of a list variable; a flag that is exactly `{{?name}}`
 * is the variable's value, or is left out when the variable is unset (cache
 * mounts that only --buildkit asks for). Values are never spliced in as
 * raw text: each substitution is checked or quoted for where it lands
 * (JSON-encoded by the printer in exec form, shell-quoted in shell-form
 * RUN/CMD/ENTRYPOINT, and refused when it is not a plain word anywhere
 * else), then the instruction goes through hoist_dockerfile_append, which
 * re-parses it.
 */
#ifndef HOIST_GEN_TEMPLATE_H
#define HOIST_GEN_TEMPLATE_H

#include "gen/gen_internal.h"
#include "hoist/dockerfile.h"

/* Facts a step can depend on. The TOOL bits mean what each language says
 * (npm/yarn/pnpm, make/cmake/meson, ...). */
enum {
    GEN_F_PROD = 1u << 0,
    GEN_F_DEV = 1u << 1,
    GEN_F_BUILDKIT = 1u << 2,
    GEN_F_PORT = 1u << 3,         /* the listen port is known */
    GEN_F_LOCKFILE = 1u << 4,     /* a lockfile exists */
    GEN_F_STATIC = 1u << 5,       /* static binary (C: -static, Go: CGO_ENABLED=0) */
    GEN_F_BUILD_SCRIPT = 1u << 6, /* a build step exists (Node scripts.build) */
    GEN_F_MANIFESTS = 1u << 7,    /* dependency manifests to copy first */
    GEN_F_COMMAND = 1u << 8,      /* the run command is known */
    GEN_F_TOOL_A = 1u << 9,
    GEN_F_TOOL_B = 1u << 10,
    GEN_F_TOOL_C = 1u << 11,
    GEN_F_TOOL_D = 1u << 12,
    GEN_F_EXTRA_A = 1u << 13,     /* language-specific */
    GEN_F_EXTRA_B = 1u << 14,
};

#define GEN_STEP_MAX_FLAGS 4
#define GEN_STEP_MAX_ARGS 10

typedef struct gen_step {
    unsigned when;
    unsigned unless;
    const char *comment; /* one comment line before it, may use {{vars}} */
    const char *keyword;
    const char *flags[GEN_STEP_MAX_FLAGS + 1]; /* NULL-terminated */
    hoist_df_form form;
    const char *args[GEN_STEP_MAX_ARGS + 1];   /* NULL-terminated */
} gen_step;

#define GEN_VARS_MAX 32
typedef struct gen_var {
    const char *name;
    const char *value;             /* scalar */
    const char *const *list;       /* list (for {{@name}}) */
    size_t list_count;
} gen_var;

typedef struct gen_ctx gen_ctx;

/* A language's generator: facts, variables, choices and extra ignore lines
 * (prepare), the steps, and the language's .dockerignore lines. */
typedef struct gen_lang_template {
    hoist_gen_lang lang;
    int (*prepare)(gen_ctx *ctx, hoist_error *err);
    const gen_step *steps;
    size_t step_count;
    const char *const *ignore_lines; /* NULL-terminated; '#' lines are comments */
} gen_lang_template;

typedef struct gen_choice_item {
    hoist_gen_choice pub;
} gen_choice_item;

struct gen_ctx {
    const hoist_gen_project *project;
    const hoist_gen_options *opts;
    const char *builder;  /* chosen images */
    const char *runtime;
    bool builder_overridden, runtime_overridden;
    unsigned facts;
    gen_var vars[GEN_VARS_MAX];
    size_t var_count;
    gen_pool *pool;
    hoist_gen_choice *choices;
    size_t choice_count, choice_cap;
    gen_strv extra_ignores; /* project-specific .dockerignore lines */
};

/* Set a scalar or list variable (the strings must outlive the context). */
bool gen_set_var(gen_ctx *ctx, const char *name, const char *value);
bool gen_set_list(gen_ctx *ctx, const char *name, const char *const *list, size_t count);
/* Record a choice for the summary (reason is printf-style). */
bool gen_choice(gen_ctx *ctx, const char *topic, const char *value, const char *reason_fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Append every step whose conditions hold. */
int gen_template_apply(hoist_dockerfile *df, const gen_step *steps, size_t count,
                       const gen_ctx *ctx, hoist_error *err);

/* Substitute `{{name}}` in `text` for a place of kind `place` (see
 * template.c); *out is malloc'd. Exposed for the unit tests. */
typedef enum gen_place {
    GEN_PLACE_RAW = 0,  /* exec-form element or comment: any text w/o newline */
    GEN_PLACE_SHELL,    /* shell-form command: values shell-quoted as needed */
    GEN_PLACE_WORD,     /* other shell-form instructions and flags: plain words only */
} gen_place;
int gen_substitute(const gen_ctx *ctx, const char *text, gen_place place, char **out,
                   hoist_error *err);

/* Base images (images.c). */
typedef enum gen_runtime_family {
    GEN_RUNTIME_GLIBC = 0, /* debian, ubuntu, distroless/base|cc, toolchain images */
    GEN_RUNTIME_MUSL,      /* alpine */
    GEN_RUNTIME_NO_LIBC,   /* scratch, busybox, distroless/static */
} gen_runtime_family;
gen_runtime_family gen_runtime_family_of(const char *image);
/* "scratch", "alpine", "distroless", "busybox" or NULL for the family test
 * the issue names (CGO_ENABLED=0 is required there). */
const char *gen_runtime_needs_static(const char *image);

/* The language tables (tmpl_<lang>.c). */
extern const gen_lang_template gen_template_go;
extern const gen_lang_template gen_template_node;
extern const gen_lang_template gen_template_python;
extern const gen_lang_template gen_template_rust;
extern const gen_lang_template gen_template_c;
extern const gen_lang_template gen_template_java;

/* .dockerignore text for the context (dockerignore.c). */
int gen_dockerignore_text(const gen_ctx *ctx, const gen_lang_template *tmpl, char **out,
                          hoist_error *err);

#endif
