/*
 * tmpl_rust.c - the Rust template: Cargo.toml and Cargo.lock copied first
 * and the dependencies fetched against a placeholder main.rs (so that the
 * fetch layer survives source edits), then `cargo install --path .` into
 * /out, and the binary alone in a Debian slim runtime (Rust links glibc
 * dynamically by default).
 *
 * Facts: LOCKFILE (--locked); BUILDKIT (registry and target caches).
 */
#include "gen/template.h"

#include <string.h>

#define EXEC HOIST_DF_FORM_EXEC
#define PROD GEN_F_PROD
#define DEV GEN_F_DEV
#define LOCK GEN_F_LOCKFILE
#define BK GEN_F_BUILDKIT

static const gen_step rust_steps[] = {
    {.when = PROD, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "build"}},
    {.when = DEV, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "dev"}},
    {.when = DEV, .keyword = "ENV", .args = {"HOME=/home/dev", "CARGO_HOME=/home/dev/.cargo"}},
    {.when = PROD, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = DEV, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = DEV, .keyword = "RUN", .args = {"mkdir -p /home/dev && chown {{user}} /home/dev /src"}},
    {.when = DEV, .keyword = "USER", .args = {"{{user}}"}},
    {.when = PROD, .comment = "Dependencies first: fetched against a placeholder main.rs, reused "
                              "until Cargo.toml or Cargo.lock change.",
     .keyword = "COPY", .args = {"{{@manifests}}", "./"}},
    {.when = DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {"{{@manifests}}", "./"}},
    {.when = LOCK, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch --locked"}},
    {.unless = LOCK, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch"}},
    {.when = PROD, .keyword = "COPY", .args = {".", "."}},
    {.when = DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {".", "."}},
    {.when = PROD | LOCK, .keyword = "RUN", .flags = {"{{?cache}}", "{{?target_cache}}"},
     .args = {"cargo install --path . --locked --root /out"}},
    {.when = PROD, .unless = LOCK, .keyword = "RUN", .flags = {"{{?cache}}", "{{?target_cache}}"},
     .args = {"cargo install --path . --root /out"}},

    {.when = PROD, .comment = "Runtime: only the binary.", .keyword = "FROM", .args = {"{{runtime}}"}},
    {.when = PROD, .keyword = "COPY", .flags = {"--from=build"},
     .args = {"/out/bin/{{entry}}", "/usr/local/bin/{{entry}}"}},
    {.when = PROD, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = PROD, .keyword = "ENTRYPOINT", .form = EXEC, .args = {"/usr/local/bin/{{entry}}"}},
    {.when = DEV, .keyword = "CMD", .form = EXEC, .args = {"cargo", "run"}},
};

static const char *const rust_ignore[] = {
    "# Rust build outputs",
    "target",
    "**/*.rs.bk",
    NULL,
};

static int rust_prepare(gen_ctx *ctx, hoist_error *err)
{
    const hoist_gen_project *p = ctx->project;
    bool dev = ctx->opts->profile == HOIST_GEN_PROFILE_DEV;
    if (ctx->opts->buildkit && !dev &&
        (!gen_set_var(ctx, "cache", "--mount=type=cache,target=/usr/local/cargo/registry") ||
         !gen_set_var(ctx, "target_cache", "--mount=type=cache,target=/src/target")))
        return hoist_error_nomem(err);
    gen_choice(ctx, "build", p->lockfile ? "cargo install --locked" : "cargo install",
               "release build of binary %s into /out/bin%s", p->entry,
               p->lockfile ? ", exactly the versions in Cargo.lock" : "");
    if (!dev && gen_runtime_family_of(ctx->runtime) != GEN_RUNTIME_GLIBC)
        gen_choice(ctx, "warning", ctx->runtime,
                   "the runtime image has no glibc: build for x86_64-unknown-linux-musl or use a "
                   "Debian runtime");
    if (!dev)
        gen_choice(ctx, "entrypoint", gen_pool_printf(ctx->pool, "/usr/local/bin/%s", p->entry),
                   "exec form, so the program is PID 1 and receives signals");
    return 0;
}

const gen_lang_template gen_template_rust = {
    .lang = HOIST_GEN_LANG_RUST,
    .prepare = rust_prepare,
    .steps = rust_steps,
    .step_count = sizeof(rust_steps) / sizeof(rust_steps[0]),
    .ignore_lines = rust_ignore,
};
