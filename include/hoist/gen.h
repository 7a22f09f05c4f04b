/*
 * hoist/gen.h - `hoist init`: detect what kind of project a directory holds
 * and generate a multi-stage Dockerfile and a .dockerignore for it.
 *
 * Three steps, each a plain call:
 *  1. hoist_gen_detect() looks at a directory and returns every project kind
 *     it recognises (Go, Node, Python, Rust, C/C++, Java), each with the
 *     facts the templates need and the reasons it was recognised.
 *     hoist_gen_detection_pick() chooses one, or explains that several
 *     candidates need a `--lang`.
 *  2. hoist_gen_generate() fills the language's template (held as data in
 *     libhoist, never pasted together as text) with those facts and the
 *     options, builds the Dockerfile through the AST
 *     (hoist_dockerfile_append) and prints it with hoist_dockerfile_print.
 *     It also writes the .dockerignore text and a list of the choices made
 *     and why.
 *  3. hoist_gen_verify_context() opens the build context with the generated
 *     .dockerignore and checks that every file the Dockerfile COPYs from the
 *     context is sent; hoist_gen_write() writes both files, never replacing
 *     an existing one unless asked to.
 *
 * Base images come from a table of pinned versions (never `latest`) that the
 * caller overrides per stage. No global state; handles are owned by the
 * caller and freed with their _free function.
 */
#ifndef HOIST_GEN_H
#define HOIST_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include "hoist/dockerfile.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hoist_gen_lang {
    HOIST_GEN_LANG_NONE = 0,
    HOIST_GEN_LANG_GO,
    HOIST_GEN_LANG_NODE,
    HOIST_GEN_LANG_PYTHON,
    HOIST_GEN_LANG_RUST,
    HOIST_GEN_LANG_C, /* C and C++ */
    HOIST_GEN_LANG_JAVA,
} hoist_gen_lang;

/* "go", "node", "python", "rust", "c", "java"; "" for NONE. */
HOIST_EXTERN const char *hoist_gen_lang_name(hoist_gen_lang lang);
/* Parse a language name, case-insensitive; aliases: golang, js, javascript,
 * typescript, py, c++, cpp, cxx. Returns 0, or -1 when unknown. */
HOIST_EXTERN int hoist_gen_lang_parse(const char *name, hoist_gen_lang *out);

/* ------------------------------------------------------------------------ */
/* Detection                                                                  */

/* One recognised project. Strings and arrays are owned by the detection
 * handle. Fields that do not apply to the language are NULL/0/false. */
typedef struct hoist_gen_project {
    hoist_gen_lang lang;
    const char *tool;      /* build tool or package manager: "go", "npm",
                              "yarn", "pnpm", "pip", "pipenv", "poetry",
                              "cargo", "make", "cmake", "meson", "autotools",
                              "maven",
                              "gradle" */
    const char *name;      /* application or binary name */
    const char *version;   /* toolchain version the project asks for ("1.22",
                              "20", "3.12", "21"); NULL when it says nothing */
    const char *entry;     /* what to build: Go main package ("./cmd/hello"),
                              C/C++ binary path relative to the build
                              directory, Rust binary name, Java artifact path;
                              NULL when unknown */
    const char *const *command; /* how to run it in the image, for
                                   interpreted languages (["node",
                                   "server.js"], ["python", "-m", "app"]);
                                   relative to the working directory */
    size_t command_count;
    const char *const *manifests; /* dependency manifests and lockfiles that
                                     exist, relative to the project root:
                                     copied before the sources */
    size_t manifest_count;
    const char *lockfile;  /* the lockfile among the manifests; NULL if none */
    const char *const *reasons; /* why: "go.mod: module example.com/hello" */
    size_t reason_count;
    const char *const *notes;   /* doubts: "2 main packages; building ..." */
    size_t note_count;
    int port;              /* port the program listens on; 0 when unknown */
    bool cgo;              /* Go: some file imports "C" */
    bool cxx;              /* C family: C++ sources */
    bool build_script;     /* Node: package.json has scripts.build */
    bool dev_script;       /* Node: package.json has scripts.dev */
    bool version_var;      /* Go: package main declares `version` */
    const char *libs;      /* C family: libraries linked beyond the C
                              library, from pkg-config modules and -l flags
                              ("libcurl -lz"); NULL when none */
    bool configure_script; /* C family, autotools: ./configure is shipped
                              (else autoreconf makes it) */
} hoist_gen_project;

typedef struct hoist_gen_detection hoist_gen_detection;

/* Look at `dir` (not recursively beyond what each language needs) and list
 * the projects found, in a fixed language order. Finding nothing is not an
 * error here (count 0). An unreadable directory is HOIST_EINPUT; a manifest
 * that cannot be parsed (package.json) is HOIST_EINPUT with its location. */
HOIST_EXTERN int hoist_gen_detect(const char *dir, hoist_gen_detection **out, hoist_error *err);
HOIST_EXTERN void hoist_gen_detection_free(hoist_gen_detection *d);

HOIST_EXTERN size_t hoist_gen_detection_count(const hoist_gen_detection *d);
HOIST_EXTERN const hoist_gen_project *hoist_gen_detection_get(const hoist_gen_detection *d, size_t index);

/* Choose the project to generate for. `lang` NONE: the only candidate; with
 * several, HOIST_EUSAGE naming them and hinting `--lang`. A language that
 * was not detected, or no project at all, is HOIST_EINPUT saying what was
 * looked for. */
HOIST_EXTERN int hoist_gen_detection_pick(const hoist_gen_detection *d, hoist_gen_lang lang,
                             const hoist_gen_project **out, hoist_error *err);

/* ------------------------------------------------------------------------ */
/* Base images                                                                */

/* The pinned default images for a project: builder (toolchain) and runtime.
 * They depend on the language, the tool and the version the project asks
 * for (e.g. engines.node 18 picks the pinned node 18 image). */
HOIST_EXTERN void hoist_gen_default_images(const hoist_gen_project *p, const char **builder,
                              const char **runtime);

/* ------------------------------------------------------------------------ */
/* Generation                                                                 */

typedef enum hoist_gen_profile {
    HOIST_GEN_PROFILE_PROD = 0, /* multi-stage, small runtime image */
    HOIST_GEN_PROFILE_DEV,      /* toolchain image for local iteration */
} hoist_gen_profile;

/* "prod" or "dev"; 0 or -1. */
HOIST_EXTERN int hoist_gen_profile_parse(const char *name, hoist_gen_profile *out);
HOIST_EXTERN const char *hoist_gen_profile_name(hoist_gen_profile profile);

#define HOIST_GEN_OPTIONS_VERSION 1
typedef struct hoist_gen_options {
    unsigned int version;      /* HOIST_GEN_OPTIONS_VERSION */
    hoist_gen_profile profile;
    bool buildkit;             /* RUN --mount=type=cache for package caches */
    const char *builder_image; /* NULL: the pinned default */
    const char *runtime_image; /* NULL: the pinned default */
} hoist_gen_options;
#define HOIST_GEN_OPTIONS_INIT {HOIST_GEN_OPTIONS_VERSION, HOIST_GEN_PROFILE_PROD, false, NULL, NULL}

/* One decision and why it was taken, for the summary. */
typedef struct hoist_gen_choice {
    const char *topic;  /* "builder image", "cgo", "dependencies", ... */
    const char *value;  /* "golang:1.22.5-bookworm" */
    const char *reason; /* "pinned default for go 1.22 (override with --base builder=IMAGE)" */
} hoist_gen_choice;

typedef struct hoist_gen_result hoist_gen_result;

/* Generate for `project`. An image override that is not a valid reference,
 * or that names `latest` or no tag, is HOIST_EUSAGE. */
HOIST_EXTERN int hoist_gen_generate(const hoist_gen_project *project, const hoist_gen_options *opts,
                       hoist_gen_result **out, hoist_error *err);
HOIST_EXTERN void hoist_gen_result_free(hoist_gen_result *r);

/* The generated Dockerfile as an AST (owned by the result, read-only; lint it with
 * hoist_lint_run) and as printed text. */
HOIST_EXTERN const hoist_dockerfile *hoist_gen_result_ast(const hoist_gen_result *r);
HOIST_EXTERN const char *hoist_gen_result_dockerfile(const hoist_gen_result *r);
HOIST_EXTERN const char *hoist_gen_result_dockerignore(const hoist_gen_result *r);
HOIST_EXTERN size_t hoist_gen_result_choice_count(const hoist_gen_result *r);
HOIST_EXTERN const hoist_gen_choice *hoist_gen_result_choice(const hoist_gen_result *r, size_t index);

/* Check with the context engine that, with the generated .dockerignore,
 * every source the generated Dockerfile COPYs from the context (no --from)
 * exists under `dir` and is sent. A source that would be missing is
 * HOIST_EFAILED naming it and the ignore line that drops it. */
HOIST_EXTERN int hoist_gen_verify_context(const hoist_gen_result *r, const char *dir, hoist_error *err);

/* Write <dir>/<dockerfile_name> (NULL: "Dockerfile") and <dir>/.dockerignore.
 * Without `force`, an existing file is left alone and the call fails with
 * HOIST_EFAILED before writing anything. Each file is written to a temporary
 * name and renamed into place. */
HOIST_EXTERN int hoist_gen_write(const hoist_gen_result *r, const char *dir, const char *dockerfile_name,
                    bool force, hoist_error *err);

#ifdef __cplusplus
}
#endif
#endif
