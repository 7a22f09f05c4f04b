/*
 * tmpl_go.c - the Go template: go.mod and go.sum copied and downloaded
 * first, then the sources, built with -trimpath and a VERSION build
 * argument stamped in through -ldflags -X, into a small runtime image.
 *
 * CGO_ENABLED=0 (fact STATIC) whenever the runtime is alpine, scratch,
 * distroless or busybox, and whenever the code does not use cgo at all: a
 * static binary runs anywhere. With cgo and a glibc runtime, cgo stays on.
 * With --buildkit the module and build caches are cache mounts.
 */
#include "gen/template.h"

#include <string.h>

#define EXEC HOIST_DF_FORM_EXEC

static const gen_step go_steps[] = {
    {.when = GEN_F_PROD, .comment = "{{header}}", .keyword = "FROM",
     .args = {"{{builder}}", "AS", "build"}},
    {.when = GEN_F_DEV, .comment = "{{header}}", .keyword = "FROM",
     .args = {"{{builder}}", "AS", "dev"}},

    /* prod: build stage */
    {.when = GEN_F_PROD, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = GEN_F_PROD | GEN_F_STATIC, .comment = "{{static_reason}}", .keyword = "ENV",
     .args = {"CGO_ENABLED=0"}},
    {.when = GEN_F_PROD,
     .comment = "Dependencies first: this layer is reused until the module files change.",
     .keyword = "COPY", .args = {"{{@manifests}}", "./"}},
    {.when = GEN_F_PROD, .unless = GEN_F_BUILDKIT, .keyword = "RUN", .args = {"go mod download"}},
    {.when = GEN_F_PROD | GEN_F_BUILDKIT, .keyword = "RUN",
     .flags = {"--mount=type=cache,target=/go/pkg/mod"}, .args = {"go mod download"}},
    {.when = GEN_F_PROD, .keyword = "COPY", .args = {".", "."}},
    {.when = GEN_F_PROD,
     .comment = "Stamped into the binary: docker build --build-arg VERSION=1.2.3",
     .keyword = "ARG", .args = {"VERSION=dev"}},
    {.when = GEN_F_PROD, .unless = GEN_F_BUILDKIT, .keyword = "RUN",
     .args = {"go build -trimpath -ldflags=\"-s -w -X main.version=${VERSION}\" "
              "-o /out/{{name}} {{entry}}"}},
    {.when = GEN_F_PROD | GEN_F_BUILDKIT, .keyword = "RUN",
     .flags = {"--mount=type=cache,target=/go/pkg/mod",
               "--mount=type=cache,target=/root/.cache/go-build"},
     .args = {"go build -trimpath -ldflags=\"-s -w -X main.version=${VERSION}\" "
              "-o /out/{{name}} {{entry}}"}},

    /* prod: runtime stage */
    {.when = GEN_F_PROD, .comment = "Runtime: only the binary.", .keyword = "FROM",
     .args = {"{{runtime}}"}},
    {.when = GEN_F_PROD, .keyword = "COPY", .flags = {"--from=build"},
     .args = {"/out/{{name}}", "/usr/local/bin/{{name}}"}},
    {.when = GEN_F_PROD, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_PROD | GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = GEN_F_PROD, .keyword = "ENTRYPOINT", .form = EXEC,
     .args = {"/usr/local/bin/{{name}}"}},

    /* dev: toolchain image, caches in the dev user's home */
    {.when = GEN_F_DEV, .keyword = "ENV",
     .args = {"HOME=/home/dev", "GOCACHE=/home/dev/.cache/go-build",
              "GOMODCACHE=/home/dev/go/pkg/mod"}},
    {.when = GEN_F_DEV, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = GEN_F_DEV, .keyword = "RUN",
     .args = {"mkdir -p /home/dev && chown {{user}} /home/dev /src"}},
    {.when = GEN_F_DEV, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_DEV, .keyword = "COPY", .flags = {"--chown={{user}}"},
     .args = {"{{@manifests}}", "./"}},
    {.when = GEN_F_DEV, .keyword = "RUN", .args = {"go mod download"}},
    {.when = GEN_F_DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {".", "."}},
    {.when = GEN_F_DEV | GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = GEN_F_DEV, .keyword = "CMD", .form = EXEC, .args = {"go", "run", "{{entry}}"}},
};

static const char *const go_ignore[] = {
    "# Go build outputs and local tooling",
    "bin",
    "**/*.test",
    "**/*.out",
    "coverage.*",
    NULL,
};

static int go_prepare(gen_ctx *ctx, hoist_error *err)
{
    const hoist_gen_project *p = ctx->project;
    gen_choice(ctx, "main package", p->entry, "go build target; the binary is named %s",
               p->name);
    if (ctx->opts->profile != HOIST_GEN_PROFILE_PROD)
        return 0;
    const char *family = gen_runtime_needs_static(ctx->runtime);
    const char *reason;
    if (family && p->cgo) {
        reason = gen_pool_printf(ctx->pool,
                                 "cgo disabled: the runtime image is %s, which cannot run a "
                                 "cgo binary built against glibc.",
                                 family);
        gen_choice(ctx, "cgo", "CGO_ENABLED=0",
                   "the code imports \"C\" but the runtime is %s: cgo packages will fail to "
                   "build; use --base runtime=debian:12.7-slim to keep cgo",
                   family);
    } else if (family) {
        reason = gen_pool_printf(ctx->pool,
                                 "Static binary: the runtime image is %s, so cgo is off.", family);
        gen_choice(ctx, "cgo", "CGO_ENABLED=0", "the runtime image is %s: the binary must not "
                                                "need a C library", family);
    } else if (!p->cgo) {
        reason = "Static binary: no cgo in the sources, so the binary runs on any base.";
        gen_choice(ctx, "cgo", "CGO_ENABLED=0", "no Go file imports \"C\"");
    } else {
        reason = NULL;
        gen_choice(ctx, "cgo", "enabled",
                   "the code imports \"C\" and the runtime image %s has glibc", ctx->runtime);
    }
    if (reason) {
        ctx->facts |= GEN_F_STATIC;
        if (!gen_set_var(ctx, "static_reason", reason))
            return hoist_error_nomem(err);
    }
    gen_choice(ctx, "flags", "-trimpath -ldflags=\"-s -w -X main.version=${VERSION}\"",
               "reproducible paths, no debug tables, the VERSION build argument stamped in%s",
               p->version_var ? "" : " (package main declares no `version` variable yet)");
    gen_choice(ctx, "entrypoint", gen_pool_printf(ctx->pool, "/usr/local/bin/%s", p->name),
               "exec form, so the program is PID 1 and receives signals");
    return 0;
}

const gen_lang_template gen_template_go = {
    .lang = HOIST_GEN_LANG_GO,
    .prepare = go_prepare,
    .steps = go_steps,
    .step_count = sizeof(go_steps) / sizeof(go_steps[0]),
    .ignore_lines = go_ignore,
};
