/*
 * engine_choice.c - `--engine auto|api|cli`: who runs the build.
 *
 * auto takes the Engine API unless the Dockerfile (or a multi-platform
 * --platform) needs BuildKit, which hoist reaches through the docker CLI:
 * buildx when installed, else the CLI's built-in BuildKit. What cannot run
 * anywhere available is refused here, naming the line and what is needed:
 * BuildKit through a CLI without it (suggesting another docker on PATH that
 * has it), or a feature newer than the engine's built-in Dockerfile
 * frontend (a `# syntax=` line would have to pull a newer one). Which
 * feature each engine can run is asked of hoist_dockerfile_unsupported()
 * (lib/dockerfile/features.c), the same answer the HS009 lint rule uses.
 */
#include "build/build_internal.h"
#include "hoist/features.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Other docker binaries on PATH (and the distribution's) that have
 * BuildKit built in, to suggest when the chosen one has none. */
static void suggest_buildkit_cli(const hoist_build_options *opts, const char *current, char *out, size_t size)
{
    out[0] = '\0';
    char path[8192];
    snprintf(path, sizeof(path), "%s:/usr/bin:/usr/local/bin", opts->engine.path_env ? opts->engine.path_env : "");
    char *save = NULL;
    for (char *dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char candidate[4200];
        snprintf(candidate, sizeof(candidate), "%s/docker", dir);
        char real_candidate[PATH_MAX], real_current[PATH_MAX];
        if (!realpath(candidate, real_candidate) || (realpath(current, real_current) &&
                                                     !strcmp(real_candidate, real_current)))
            continue;
        hoist_docker_cli other;
        hoist_error ignored = HOIST_ERROR_INIT;
        if (hoist_docker_cli_find(candidate, NULL, &other, &ignored) ||
            hoist_docker_cli_probe(&other, &ignored))
            continue;
        if (other.has_buildx || other.builtin_buildkit) {
            snprintf(out, size, "; %s (%s) has %s: use --docker %s or HOIST_DOCKER=%s", candidate, other.version,
                     other.has_buildx ? "the buildx plugin" : "built-in BuildKit", candidate, candidate);
            return;
        }
    }
}

int hoist_build_choose_engine(hoist_build_plan *plan, hoist_docker_cli *cli, hoist_build_builder *builder,
                         hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    hoist_build_result *result = plan->result;
    hoist_feature_use uses[16];
    /* What the classic builder (the API engine) cannot run. */
    hoist_engine_caps classic = HOIST_ENGINE_CAPS_INIT;
    size_t use_count = hoist_dockerfile_unsupported(plan->df, &classic, opts->params.platform, 0, uses, 16);
    size_t shown = use_count < 16 ? use_count : 16;
    char needs[600] = "";
    size_t used = 0;
    for (size_t i = 0; i < shown && used + 2 < sizeof(needs); i++)
        used += (size_t)snprintf(needs + used, sizeof(needs) - used, "%s%s (line %d)", i ? ", " : "",
                                 uses[i].feature, uses[i].line);

    if (opts->engine.kind == HOIST_BUILD_ENGINE_API) {
        if (use_count) {
            hoist_error_set(err, HOIST_EENV, "the API engine builds with the classic builder, which cannot run %s",
                            needs);
            hoist_error_at(err, plan->dockerfile_label, uses[0].line, uses[0].column);
            return hoist_error_hint(err, "use --engine cli (or auto) to build with BuildKit through the docker CLI");
        }
        result->engine = HOIST_BUILD_ENGINE_API;
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine api: chosen with --engine api");
        return 0;
    }
    if (opts->engine.kind == HOIST_BUILD_ENGINE_AUTO && !use_count) {
        result->engine = HOIST_BUILD_ENGINE_API;
        snprintf(result->engine_reason, sizeof(result->engine_reason),
                 "engine api (auto): the Dockerfile needs no BuildKit-only feature");
        return 0;
    }

    /* The CLI: chosen explicitly, or needed for BuildKit. */
    int rc = hoist_docker_cli_find(opts->engine.docker_cli, opts->engine.path_env, cli, err);
    if (!rc)
        rc = hoist_docker_cli_probe(cli, err);
    if (rc) {
        if (use_count)
            hoist_error_prefix(err, "this Dockerfile needs BuildKit (%s), which hoist reaches through the docker CLI",
                               needs);
        return rc;
    }
    result->engine = HOIST_BUILD_ENGINE_CLI;
    if (cli->has_buildx)
        *builder = HOIST_BUILDER_BUILDX;
    else if (cli->builtin_buildkit)
        *builder = HOIST_BUILDER_BUILDKIT;
    else if (use_count) {
        char suggestion[1200];
        suggest_buildkit_cli(opts, cli->path, suggestion, sizeof(suggestion));
        hoist_error_set(err, HOIST_EENV,
                        "this Dockerfile needs BuildKit (%s), but the docker CLI %s (%s) has neither the buildx "
                        "plugin nor built-in BuildKit", needs, cli->path, cli->version);
        hoist_error_at(err, plan->dockerfile_label, uses[0].line, uses[0].column);
        return hoist_error_hint(err, "install the buildx plugin (Debian: docker-buildx) or choose a CLI "
                                     "with --docker PATH%s", suggestion);
    } else {
        *builder = HOIST_BUILDER_CLASSIC;
    }
    result->builder = *builder;

    /* BuildKit runs what its built-in frontend knows; a newer one would be pulled. */
    if (use_count && !hoist_dockerfile_find_directive(plan->df, "syntax")) {
        hoist_server_version version;
        if (hoist_client_version(plan->client, &version, err))
            return err->code;
        snprintf(plan->engine_version, sizeof(plan->engine_version), "%s", version.version);
        hoist_engine_caps caps = HOIST_ENGINE_CAPS_INIT;
        caps.kind = HOIST_ENGINE_BUILDKIT;
        caps.engine_version = version.version;
        caps.api_version = result->api_version;
        hoist_feature_use bad;
        if (hoist_dockerfile_unsupported(plan->df, &caps, opts->params.platform, 0, &bad, 1)) {
            int major, minor;
            hoist_engine_frontend(&caps, &major, &minor);
            hoist_error_set(err, HOIST_EENV,
                            "%s needs Dockerfile frontend %d.%d, but the engine (Docker %s) has the built-in "
                            "frontend %d.%d", bad.feature, bad.min_frontend_major, bad.min_frontend_minor,
                            version.version, major, minor);
            hoist_error_at(err, plan->dockerfile_label, bad.line, bad.column);
            return hoist_error_hint(err, "upgrade the engine, or rewrite this instruction without %s "
                                         "(a '# syntax=docker/dockerfile:%d.%d' line would work only where "
                                         "that frontend image can be pulled)",
                                    bad.feature, bad.min_frontend_major, bad.min_frontend_minor);
        }
    }
    if (opts->engine.kind == HOIST_BUILD_ENGINE_CLI)
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine cli (%s, %s): chosen with --engine cli",
                 cli->path, hoist_build_builder_name(*builder));
    else
        snprintf(result->engine_reason, sizeof(result->engine_reason),
                 "engine cli (auto, %s via %s): BuildKit needed for %s", hoist_build_builder_name(*builder),
                 cli->path, needs);
    return 0;
}

