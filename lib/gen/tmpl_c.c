/*
 * tmpl_c.c - the C and C++ template: make, CMake, meson or autotools in the
 * gcc toolchain image, the binary copied alone into a small runtime image.
 *
 * Facts used: TOOL_A make, TOOL_B cmake, TOOL_C meson, TOOL_D autotools
 * (EXTRA_A: no shipped ./configure, autoreconf makes it); STATIC when the
 * runtime image has no glibc (busybox, scratch, alpine, distroless/static);
 * EXTRA_B for C++ on a glibc runtime (libstdc++ and libgcc linked in, since
 * the toolchain's libstdc++ can be newer than the runtime's).
 *
 * A static link is made certain rather than hoped for: -static goes through
 * every route each build tool reads (make: CC/CXX on the command line,
 * which override the Makefile's own assignments, and LDFLAGS in the
 * environment; CMake: CMAKE_EXE_LINKER_FLAGS and no shared libraries; meson:
 * LDFLAGS at setup, static default library and --prefer-static; autotools:
 * LDFLAGS at configure time), then the build stage reads the binary's
 * program headers and fails, naming the fix, when it still asks for a
 * dynamic loader (which would otherwise surface at run time as "exec
 * /usr/local/bin/NAME: no such file or directory").
 *
 * CMake, meson and autoconf/automake are not in every gcc image: Debian's
 * packages (bookworm) are installed at pinned versions when the builder
 * lacks the tool, so a builder image that has it needs no network.
 */
#include "gen/template.h"

#include <string.h>

#define EXEC HOIST_DF_FORM_EXEC

#define CMAKE "cmake -S . -B build -DCMAKE_BUILD_TYPE=Release"
#define MESON "meson setup build --buildtype=release"
#define CONFIGURE_STATIC "./configure --enable-static --disable-shared LDFLAGS=-static && make"
#define CXX_FLAGS "-static-libstdc++ -static-libgcc"
#define CXX_COMMENT "libstdc++ and libgcc linked in: the runtime's may be older than the toolchain's."
#define STATIC_COMMENT                                                                           \
    "-static by every route the build reads; the check fails the build (not the run) if "   \
    "the binary still needs a dynamic loader."
/* Appended to a static build: the binary must have no program interpreter. */
#define STATIC_CHECK                                                                             \
    " && readelf -l /src/{{entry}} > /tmp/program-headers && if grep -q 'program interpreter' "  \
    "/tmp/program-headers; then echo \"error: /src/{{entry}} is dynamically linked but the "      \
    "runtime image has no C library; link it statically (the link command must use CC or "     \
    "LDFLAGS) or choose a runtime with glibc: hoist init --base runtime=debian:12.7-slim\" >&2; " \
    "exit 1; fi"

static const gen_step c_steps[] = {
    {.when = GEN_F_PROD, .comment = "{{header}}", .keyword = "FROM",
     .args = {"{{builder}}", "AS", "build"}},
    {.when = GEN_F_DEV, .comment = "{{header}}", .keyword = "FROM",
     .args = {"{{builder}}", "AS", "dev"}},
    {.when = GEN_F_TOOL_B, .comment = "CMake, when the builder lacks it: Debian's, pinned.",
     .keyword = "RUN",
     .args = {"command -v cmake >/dev/null || (apt-get update && apt-get install -y "
              "--no-install-recommends cmake=3.25.1-1 && rm -rf /var/lib/apt/lists/*)"}},
    {.when = GEN_F_TOOL_C, .comment = "meson, when the builder lacks it: Debian's, pinned.",
     .keyword = "RUN",
     .args = {"command -v meson >/dev/null || (apt-get update && apt-get install -y "
              "--no-install-recommends meson=1.0.1-5 ninja-build=1.11.1-1 && rm -rf "
              "/var/lib/apt/lists/*)"}},
    {.when = GEN_F_TOOL_D | GEN_F_EXTRA_A,
     .comment = "autoconf and automake, when the builder lacks them: Debian's, pinned.",
     .keyword = "RUN",
     .args = {"command -v autoreconf >/dev/null || (apt-get update && apt-get install -y "
              "--no-install-recommends autoconf=2.71-3 automake=1:1.16.5-1.3 && rm -rf "
              "/var/lib/apt/lists/*)"}},

    /* prod: build stage */
    {.when = GEN_F_PROD, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = GEN_F_PROD | GEN_F_STATIC,
     .comment = "Linked statically: the runtime image has no C library the binary could use.",
     .keyword = "ENV", .args = {"LDFLAGS=-static"}},
    {.when = GEN_F_PROD, .keyword = "COPY", .args = {".", "."}},
    {.when = GEN_F_PROD | GEN_F_TOOL_A, .unless = GEN_F_STATIC | GEN_F_EXTRA_B, .keyword = "RUN",
     .args = {"make"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_A | GEN_F_STATIC, .comment = STATIC_COMMENT,
     .keyword = "RUN", .args = {"make CC=\"gcc -static\" CXX=\"g++ -static\"" STATIC_CHECK}},
    {.when = GEN_F_PROD | GEN_F_TOOL_A | GEN_F_EXTRA_B, .comment = CXX_COMMENT,
     .keyword = "RUN", .args = {"make CXX=\"g++ " CXX_FLAGS "\""}},

    {.when = GEN_F_PROD | GEN_F_TOOL_B, .unless = GEN_F_STATIC | GEN_F_EXTRA_B, .keyword = "RUN",
     .args = {CMAKE " && cmake --build build"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_B | GEN_F_STATIC, .comment = STATIC_COMMENT,
     .keyword = "RUN",
     .args = {CMAKE " -DBUILD_SHARED_LIBS=OFF -DCMAKE_EXE_LINKER_FLAGS=-static && cmake --build "
              "build" STATIC_CHECK}},
    {.when = GEN_F_PROD | GEN_F_TOOL_B | GEN_F_EXTRA_B, .comment = CXX_COMMENT,
     .keyword = "RUN",
     .args = {CMAKE " -DCMAKE_EXE_LINKER_FLAGS=\"" CXX_FLAGS "\" && cmake --build build"}},

    {.when = GEN_F_PROD | GEN_F_TOOL_C, .unless = GEN_F_STATIC | GEN_F_EXTRA_B, .keyword = "RUN",
     .args = {MESON " && meson compile -C build"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_C | GEN_F_STATIC, .comment = STATIC_COMMENT,
     .keyword = "RUN",
     .args = {MESON " --default-library=static --prefer-static && meson compile -C build"
              STATIC_CHECK}},
    {.when = GEN_F_PROD | GEN_F_TOOL_C | GEN_F_EXTRA_B, .comment = CXX_COMMENT,
     .keyword = "RUN",
     .args = {"LDFLAGS=\"" CXX_FLAGS "\" " MESON " && meson compile -C build"}},

    /* autotools: with a shipped ./configure, or autoreconf first (EXTRA_A) */
    {.when = GEN_F_PROD | GEN_F_TOOL_D, .unless = GEN_F_STATIC | GEN_F_EXTRA_B | GEN_F_EXTRA_A,
     .keyword = "RUN", .args = {"./configure && make"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_D | GEN_F_EXTRA_A, .unless = GEN_F_STATIC | GEN_F_EXTRA_B,
     .keyword = "RUN", .args = {"autoreconf -fi && ./configure && make"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_D | GEN_F_STATIC, .unless = GEN_F_EXTRA_A,
     .comment = STATIC_COMMENT, .keyword = "RUN", .args = {CONFIGURE_STATIC STATIC_CHECK}},
    {.when = GEN_F_PROD | GEN_F_TOOL_D | GEN_F_STATIC | GEN_F_EXTRA_A,
     .comment = STATIC_COMMENT, .keyword = "RUN",
     .args = {"autoreconf -fi && " CONFIGURE_STATIC STATIC_CHECK}},
    {.when = GEN_F_PROD | GEN_F_TOOL_D | GEN_F_EXTRA_B, .unless = GEN_F_EXTRA_A,
     .comment = CXX_COMMENT, .keyword = "RUN",
     .args = {"./configure LDFLAGS=\"" CXX_FLAGS "\" && make"}},
    {.when = GEN_F_PROD | GEN_F_TOOL_D | GEN_F_EXTRA_B | GEN_F_EXTRA_A,
     .comment = CXX_COMMENT, .keyword = "RUN",
     .args = {"autoreconf -fi && ./configure LDFLAGS=\"" CXX_FLAGS "\" && make"}},

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
    {.when = GEN_F_DEV | GEN_F_TOOL_D, .unless = GEN_F_EXTRA_A, .keyword = "CMD", .form = EXEC,
     .args = {"sh", "-c", "./configure && make"}},
    {.when = GEN_F_DEV | GEN_F_TOOL_D | GEN_F_EXTRA_A, .keyword = "CMD", .form = EXEC,
     .args = {"sh", "-c", "autoreconf -fi && ./configure && make"}},
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
    else if (!strcmp(tool, "autotools"))
        ctx->facts |= GEN_F_TOOL_D | (p->configure_script ? 0 : GEN_F_EXTRA_A);
    else
        ctx->facts |= GEN_F_TOOL_A;
    gen_choice(ctx, "build", tool,
               !strcmp(tool, "make")    ? "the project has a Makefile"
               : !strcmp(tool, "cmake") ? "the project has CMakeLists.txt (the builder's cmake, "
                                          "else 3.25.1 from Debian)"
               : !strcmp(tool, "meson") ? "the project has meson.build (the builder's meson, "
                                          "else 1.0.1 from Debian)"
               : p->configure_script    ? "the project ships ./configure (autotools)"
                                        : "the project has configure.ac: autoreconf makes "
                                          "./configure (the builder's autoconf and automake, "
                                          "else Debian's)");
    gen_choice(ctx, "binary", p->entry ? p->entry : "app",
               "what the build produces; copied alone into the runtime image");
    if (ctx->opts->profile == HOIST_GEN_PROFILE_PROD) {
        gen_runtime_family fam = gen_runtime_family_of(ctx->runtime);
        if (fam != GEN_RUNTIME_GLIBC) {
            ctx->facts |= GEN_F_STATIC;
            gen_choice(ctx, "linking", "static (-static through every route, checked)",
                       "the runtime image %s has no glibc for a dynamically linked binary; the "
                       "build stage fails if the binary still needs a dynamic loader",
                       ctx->runtime);
            if (p->libs)
                gen_choice(ctx, "libraries", p->libs,
                           "a static link needs their static archives (.a, Debian's -dev "
                           "packages) in the builder; if they are missing, use a runtime with "
                           "glibc and the libraries' packages (--base runtime=debian:12.7-slim)");
        } else {
            if (p->cxx)
                ctx->facts |= GEN_F_EXTRA_B;
            gen_choice(ctx, "linking", p->cxx ? "dynamic, libstdc++ and libgcc static" : "dynamic",
                       "the runtime image %s provides glibc; keep builder and runtime on the same "
                       "Debian release",
                       ctx->runtime);
            if (p->libs)
                gen_choice(ctx, "libraries", p->libs,
                           "linked dynamically: the runtime image must hold them (install their "
                           "runtime packages in the runtime stage)");
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
