/*
 * tmpl_c.c - the C and C++ template: make, CMake or meson in the gcc
 * toolchain image, the binary copied alone into a small runtime image.
 *
 * Facts used: TOOL_A make, TOOL_B cmake, TOOL_C meson; STATIC when the
 * runtime image has no glibc (busybox, scratch, alpine, distroless/static),
 * then LDFLAGS=-static is set for the build so that the binary carries its
 * C library. CMake and meson are not in the gcc image: Debian's packages are
 * installed at pinned versions.
 */
#include "gen/template.h"

#include <string.h>

#define EXEC HOIST_DF_FORM_EXEC

static const gen_step c_steps[] = {
    {.when = GEN_F_PROD, .comment = "{{header}}", .keyword = "FROM",
     .args = {"{{builder}}", "AS", "build"}},
    {.when = GEN_F_DEV, .comment = "{{header}}", .keyword = "FROM",
     .args = {"{{builder}}", "AS", "dev"}},
    {.when = GEN_F_TOOL_B, .comment = "CMake is not part of the gcc image: Debian's, pinned.",
     .keyword = "RUN",
     .args = {"apt-get update && apt-get install -y --no-install-recommends cmake=3.25.1-1 "
              "&& rm -rf /var/lib/apt/lists/*"}},
    {.when = GEN_F_TOOL_C, .comment = "meson is not part of the gcc image: Debian's, pinned.",
     .keyword = "RUN",
     .args = {"apt-get update && apt-get install -y --no-install-recommends meson=1.0.1-5 "
              "ninja-build=1.11.1-1 && rm -rf /var/lib/apt/lists/*"}},

    /* prod: build stage */
    {.when = GEN_F_PROD, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = GEN_F_PROD | GEN_F_STATIC,
     .comment = "Linked statically: the runtime image has no C library the binary could use.",
     .keyword = "ENV", .args = {"LDFLAGS=-static"}},
    {.when = GEN_F_PROD, .keyword = "COPY", .args = {".", "."}},
    {.when = GEN_F_PROD | GEN_F_TOOL_A, .keyword = "RUN", .args = {"make"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_B, .keyword = "RUN",
     .args = {"cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_C, .keyword = "RUN",
     .args = {"meson setup build --buildtype=release && meson compile -C build"}},

    /* prod: runtime stage */
    {.when = GEN_F_PROD, .comment = "Runtime: only the binary.", .keyword = "FROM",
     .args = {"{{runtime}}"}},
    {.when = GEN_F_PROD, .keyword = "COPY", .flags = {"--from=build"},
     .args = {"/src/{{entry}}", "/usr/local/bin/{{name}}"}},
    {.when = GEN_F_PROD, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_PROD | GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = GEN_F_PROD, .keyword = "ENTRYPOINT", .form = EXEC,
     .args = {"/usr/local/bin/{{name}}"}},

    /* dev: the toolchain image, sources owned by the non-root user */
    {.when = GEN_F_DEV, .keyword = "ENV", .args = {"HOME=/home/dev"}},
    {.when = GEN_F_DEV, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = GEN_F_DEV, .keyword = "RUN", .args = {"mkdir -p /home/dev && chown {{user}} /home/dev /src"}},
    {.when = GEN_F_DEV, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {".", "."}},
    {.when = GEN_F_DEV | GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = GEN_F_DEV | GEN_F_TOOL_A, .keyword = "CMD", .form = EXEC, .args = {"make"}},
    {.when = GEN_F_DEV | GEN_F_TOOL_B, .keyword = "CMD", .form = EXEC,
     .args = {"sh", "-c", "cmake -S . -B build && cmake --build build"}},
    {.when = GEN_F_DEV | GEN_F_TOOL_C, .keyword = "CMD", .form = EXEC,
     .args = {"sh", "-c", "meson setup build --reconfigure && meson compile -C build"}},
};

static const char *const c_ignore[] = {
    "# C/C++ build outputs: rebuilt inside the image, never copied in",
    "build",
    "builddir",
    "cmake-build-*",
    "**/*.o",
    "**/*.a",
    "**/*.so",
    "**/*.d",
    NULL,
};

static int c_prepare(gen_ctx *ctx, hoist_error *err)
{
    const hoist_gen_project *p = ctx->project;
    const char *tool = p->tool;
    if (!strcmp(tool, "cmake"))
        ctx->facts |= GEN_F_TOOL_B;
    else if (!strcmp(tool, "meson"))
        ctx->facts |= GEN_F_TOOL_C;
    else
        ctx->facts |= GEN_F_TOOL_A;
    gen_choice(ctx, "build", tool,
               !strcmp(tool, "make") ? "the project has a Makefile"
               : !strcmp(tool, "cmake") ? "the project has CMakeLists.txt (cmake 3.25.1 from Debian)"
                                        : "the project has meson.build (meson 1.0.1 from Debian)");
    gen_choice(ctx, "binary", p->entry ? p->entry : "app",
               "what the build produces; copied alone into the runtime image");
    if (ctx->opts->profile == HOIST_GEN_PROFILE_PROD) {
        gen_runtime_family fam = gen_runtime_family_of(ctx->runtime);
        if (fam != GEN_RUNTIME_GLIBC) {
            ctx->facts |= GEN_F_STATIC;
            gen_choice(ctx, "linking", "static (LDFLAGS=-static)",
                       "the runtime image %s has no glibc for a dynamically linked binary",
                       ctx->runtime);
        } else {
            gen_choice(ctx, "linking", "dynamic",
                       "the runtime image %s provides glibc; keep builder and runtime on the same "
                       "Debian release",
                       ctx->runtime);
        }
        /* a locally built binary in the context would look up to date to make */
        if (!strcmp(tool, "make") && p->entry && !strchr(p->entry, '/'))
            if (!gen_strv_push(&ctx->extra_ignores, gen_pool_strdup(ctx->pool, p->entry)))
                return hoist_error_nomem(err);
        gen_choice(ctx, "entrypoint", gen_pool_printf(ctx->pool, "/usr/local/bin/%s", p->name),
                   "exec form, so the program is PID 1 and receives signals");
    }
    return 0;
}

const gen_lang_template gen_template_c = {
    .lang = HOIST_GEN_LANG_C,
    .prepare = c_prepare,
    .steps = c_steps,
    .step_count = sizeof(c_steps) / sizeof(c_steps[0]),
    .ignore_lines = c_ignore,
};
