/*
 * tmpl_node.c - the Node.js template: package.json and the lockfile copied
 * first, a clean install from the lockfile (npm ci, yarn --frozen-lockfile,
 * pnpm --frozen-lockfile), production-only (dev dependencies only live in
 * the build stage when a build script needs them, and are pruned after
 * it), then the application copied into a runtime stage with
 * NODE_ENV=production, started with node directly so that signals reach it.
 *
 * Facts: TOOL_A npm, TOOL_B yarn, TOOL_C pnpm; BUILD_SCRIPT; LOCKFILE;
 * EXTRA_A a dev script (profile dev runs it); EXTRA_B a full install (dev
 * profile, or a build script). {{?cache}} is the package cache mount with
 * --buildkit.
 */
#include "gen/template.h"

#include <string.h>

#define EXEC HOIST_DF_FORM_EXEC
#define PROD GEN_F_PROD
#define DEV GEN_F_DEV
#define NPM GEN_F_TOOL_A
#define YARN GEN_F_TOOL_B
#define PNPM GEN_F_TOOL_C
#define BUILD GEN_F_BUILD_SCRIPT
#define LOCK GEN_F_LOCKFILE
#define DEV_SCRIPT GEN_F_EXTRA_A
#define FULL GEN_F_EXTRA_B

static const gen_step node_steps[] = {
    {.when = PROD, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "build"}},
    {.when = DEV, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "dev"}},
    {.when = DEV, .keyword = "ENV", .args = {"HOME=/home/dev"}},
    {.when = PROD, .keyword = "WORKDIR", .args = {"/app"}},
    {.when = DEV, .keyword = "WORKDIR", .args = {"/app"}},
    {.when = DEV, .keyword = "RUN", .args = {"mkdir -p /home/dev && chown {{user}} /home/dev /app"}},
    {.when = DEV, .keyword = "USER", .args = {"{{user}}"}},
    {.when = PROD, .comment = "Dependencies first: reused until the manifest or the lockfile change.",
     .keyword = "COPY", .args = {"{{@manifests}}", "./"}},
    {.when = DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {"{{@manifests}}", "./"}},

    /* production-only install */
    {.when = NPM | LOCK, .unless = FULL, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"npm ci --omit=dev"}},
    {.when = NPM, .unless = FULL | LOCK, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"npm install --omit=dev"}},
    {.when = YARN, .unless = FULL, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"yarn install --frozen-lockfile --production && yarn cache clean"}},
    {.when = PNPM, .unless = FULL, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"corepack pnpm install --frozen-lockfile --prod"}},
    /* full install: the build script (or the dev profile) needs dev dependencies */
    {.when = FULL | NPM | LOCK, .keyword = "RUN", .flags = {"{{?cache}}"}, .args = {"npm ci"}},
    {.when = FULL | NPM, .unless = LOCK, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"npm install"}},
    {.when = FULL | YARN, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"yarn install --frozen-lockfile && yarn cache clean"}},
    {.when = FULL | PNPM, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"corepack pnpm install --frozen-lockfile"}},

    {.when = PROD, .keyword = "COPY", .args = {".", "."}},
    {.when = DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {".", "."}},
    /* build, then drop the dev dependencies again */
    {.when = PROD | BUILD | NPM, .keyword = "RUN", .args = {"npm run build && npm prune --omit=dev"}},
    {.when = PROD | BUILD | YARN, .keyword = "RUN",
     .args = {"yarn build && yarn install --frozen-lockfile --production --ignore-scripts "
              "--prefer-offline && yarn cache clean"}},
    {.when = PROD | BUILD | PNPM, .keyword = "RUN",
     .args = {"corepack pnpm run build && corepack pnpm prune --prod"}},

    /* prod: runtime stage */
    {.when = PROD, .comment = "Runtime: production dependencies and the application.",
     .keyword = "FROM", .args = {"{{runtime}}"}},
    {.when = PROD, .keyword = "ENV", .args = {"NODE_ENV=production"}},
    {.when = PROD, .keyword = "WORKDIR", .args = {"/app"}},
    {.when = PROD, .keyword = "COPY", .flags = {"--from=build"}, .args = {"/app", "/app"}},
    {.when = PROD, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = PROD | GEN_F_COMMAND, .keyword = "ENTRYPOINT", .form = EXEC, .args = {"{{@command}}"}},
    {.when = DEV | DEV_SCRIPT, .keyword = "CMD", .form = EXEC, .args = {"npm", "run", "dev"}},
    {.when = DEV | GEN_F_COMMAND, .unless = DEV_SCRIPT, .keyword = "CMD", .form = EXEC,
     .args = {"{{@command}}"}},
};

static const char *const node_ignore[] = {
    "# Node: dependencies are installed inside the image, never copied in",
    "node_modules",
    "**/node_modules",
    "npm-debug.log*",
    "yarn-debug.log*",
    "yarn-error.log*",
    ".pnpm-store",
    "coverage",
    ".nyc_output",
    ".next/cache",
    NULL,
};

static int node_prepare(gen_ctx *ctx, hoist_error *err)
{
    const hoist_gen_project *p = ctx->project;
    const char *tool = p->tool;
    ctx->facts |= !strcmp(tool, "yarn") ? YARN : !strcmp(tool, "pnpm") ? PNPM : NPM;
    bool dev = ctx->opts->profile == HOIST_GEN_PROFILE_DEV;
    if (dev || p->build_script)
        ctx->facts |= FULL;
    if (dev && p->dev_script)
        ctx->facts |= DEV_SCRIPT;
    if (ctx->opts->buildkit) {
        const char *cache = !strcmp(tool, "yarn") ? "--mount=type=cache,target=/usr/local/share/.cache/yarn"
                            : !strcmp(tool, "pnpm") ? "--mount=type=cache,target=/root/.local/share/pnpm/store"
                                                    : "--mount=type=cache,target=/root/.npm";
        if (!dev && !gen_set_var(ctx, "cache", cache))
            return hoist_error_nomem(err);
    }
    const char *install = !strcmp(tool, "yarn") ? "yarn install --frozen-lockfile"
                          : !strcmp(tool, "pnpm") ? "pnpm install --frozen-lockfile"
                          : p->lockfile ? "npm ci" : "npm install";
    if (dev)
        gen_choice(ctx, "install", install, "all dependencies, for local iteration");
    else if (p->build_script)
        gen_choice(ctx, "install", install,
                   "clean install from the lockfile; dev dependencies for the build script, "
                   "pruned right after it so the runtime gets production dependencies only");
    else
        gen_choice(ctx, "install", gen_pool_printf(ctx->pool, "%s (production only)", install),
                   "clean install from the lockfile, without dev dependencies");
    if (!dev && p->command_count)
        gen_choice(ctx, "entrypoint", p->command[p->command_count - 1],
                   "%s, exec form: the process is PID 1 and receives signals",
                   !strcmp(p->command[0], "node") ? "node runs it directly" : "npm start");
    if (dev && p->dev_script)
        gen_choice(ctx, "command", "npm run dev", "package.json has a dev script");
    if (!p->command_count)
        gen_choice(ctx, "entrypoint", "(none)", "no start script, main or server.js was found");
    return 0;
}

const gen_lang_template gen_template_node = {
    .lang = HOIST_GEN_LANG_NODE,
    .prepare = node_prepare,
    .steps = node_steps,
    .step_count = sizeof(node_steps) / sizeof(node_steps[0]),
    .ignore_lines = node_ignore,
};
