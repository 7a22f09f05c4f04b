/*
 * engine_choice.c - `--engine auto|buildkit|api|cli`: who runs the build.
 *
 * auto takes native BuildKit (bk_engine.c) whenever the daemon can run
 * BuildKit sessions: a negotiated API of 1.39 or newer, a Linux daemon, and
 * BuildKit not switched off by the operator. The last is read from the
 * ping's Builder-Version header: dockerd sets it only when daemon.json has
 * features.buildkit ("2" for true, "1" for false); Docker 20.10 on Linux
 * serves POST /build?version=2 either way, so an absent header means
 * "available", and "1" is taken as the operator's wish for the classic
 * builder (the docker CLI follows it the same way). Where sessions are not
 * possible, auto takes the Engine API (classic builder) unless the
 * Dockerfile (or a multi-platform --platform) needs BuildKit, which hoist
 * then reaches through the docker CLI: buildx when installed, else the
 * CLI's built-in BuildKit. The CLI runs only when asked or needed.
 * What cannot run anywhere available is refused here, naming the line and
 * what is needed: BuildKit through a CLI without it (suggesting another
 * docker on PATH that has it), --secret/--ssh/--output without the buildkit
 * engine, or a feature newer than the engine's built-in Dockerfile frontend
 * (a `# syntax=` line would have to pull a newer one). Which feature each
 * engine can run is asked of hoist_dockerfile_unsupported()
 * (lib/dockerfile/features.c), the same answer the HS009 lint rule uses.
 */
#include "build/build_internal.h"
#include "hoist/features.h"
#include "hoist/version.h"

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
        if (hoist_docker_cli_find(&other, candidate, NULL, &ignored) ||
            hoist_docker_cli_probe(&other, &ignored))
            continue;
        if (other.has_buildx || other.builtin_buildkit) {
            snprintf(out, size, "; %s (%s) has %s: use --docker %s or HOIST_DOCKER=%s", candidate, other.version,
                     other.has_buildx ? "the buildx plugin" : "built-in BuildKit", candidate, candidate);
            return;
        }
    }
}

/* BuildKit runs what its built-in frontend knows; a newer one would be
 * pulled (only with `# syntax=`, which hoist leaves to BuildKit). Asks the
 * daemon's release, which also lets HS009 judge the same frontend. */
static int check_frontend(hoist_build_plan *plan, hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    hoist_build_result *result = plan->result;
    if (hoist_dockerfile_find_directive(plan->df, "syntax"))
        return 0;
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
    return 0;
}

bool hoist_build_session_capable(hoist_client *client, char *why, size_t size)
{
    const hoist_ping *ping = hoist_client_last_ping(client);
    const char *api = hoist_client_api_version(client);
    if (ping && ping->os_type[0] && strcmp(ping->os_type, "linux")) {
        snprintf(why, size, "the daemon runs on %s: BuildKit sessions need a Linux daemon", ping->os_type);
        return false;
    }
    if (hoist_api_version_compare(api, "1.39") < 0) {
        snprintf(why, size, "API %s: BuildKit sessions need API 1.39 (Docker 18.09) or newer%s", api,
                 hoist_client_api_version_pinned(client) ? " (DOCKER_API_VERSION pins it)" : "");
        return false;
    }
    if (ping && !strcmp(ping->builder_version, "1")) {
        snprintf(why, size, "the daemon's BuildKit is switched off (Builder-Version 1: daemon.json has "
                            "features.buildkit=false)");
        return false;
    }
    snprintf(why, size, "the daemon supports BuildKit sessions (API %s, %s daemon, Builder-Version %s)", api,
             ping && ping->os_type[0] ? ping->os_type : "linux",
             ping && ping->builder_version[0] ? ping->builder_version : "absent");
    return true;
}

static bool wants_buildkit_options(const hoist_build_options *opts, char *which, size_t size)
{
    const hoist_build_buildkit_options *bk = &opts->buildkit;
    snprintf(which, size, "%s%s%s", bk->secret_count ? "--secret " : "", bk->ssh_count ? "--ssh " : "",
             bk->output && *bk->output ? "--output " : "");
    size_t n = strlen(which);
    if (n)
        which[n - 1] = '\0';
    return n > 0;
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

    char why[300], which[64];
    bool capable = hoist_build_session_capable(plan->client, why, sizeof(why));
    bool bk_options = wants_buildkit_options(opts, which, sizeof(which));
    if (opts->engine.kind == HOIST_BUILD_ENGINE_BUILDKIT || (opts->engine.kind == HOIST_BUILD_ENGINE_AUTO && capable)) {
        if (!capable) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_UNSUPPORTED, "the buildkit engine cannot run here: %s", why);
            return hoist_error_hint(err, "use --engine api (classic builder) or --engine cli (the docker CLI)");
        }
        result->engine = HOIST_BUILD_ENGINE_BUILDKIT;
        result->builder = *builder = HOIST_BUILDER_BUILDKIT;
        int rc = use_count ? check_frontend(plan, err) : 0;
        if (rc)
            return rc;
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine buildkit%s: %s",
                 opts->engine.kind == HOIST_BUILD_ENGINE_AUTO ? " (auto)" : " (chosen with --engine buildkit)", why);
        return 0;
    }
    if (bk_options) {
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_UNSUPPORTED, "%s need%s the buildkit engine, but %s", which,
                        strchr(which, ' ') ? "" : "s",
                        opts->engine.kind == HOIST_BUILD_ENGINE_AUTO ? why : "another engine was chosen with --engine");
        return hoist_error_hint(err, "use --engine buildkit (native BuildKit through a session, API 1.39+)");
    }
    if (opts->engine.kind == HOIST_BUILD_ENGINE_API) {
        if (use_count) {
            hoist_error_set(err, HOIST_EENV, "the API engine builds with the classic builder, which cannot run %s",
                            needs);
            hoist_error_at(err, plan->dockerfile_label, uses[0].line, uses[0].column);
            return hoist_error_hint(err, "use --engine buildkit (or auto) to build with the daemon's BuildKit");
        }
        result->engine = HOIST_BUILD_ENGINE_API;
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine api: chosen with --engine api");
        return 0;
    }
    if (opts->engine.kind == HOIST_BUILD_ENGINE_AUTO && use_count) {
        /* The CLI's BuildKit goes through the same daemon: it helps only
         * when the daemon has BuildKit but its default is switched off. */
        const hoist_ping *ping = hoist_client_last_ping(plan->client);
        if (!ping || strcmp(ping->builder_version, "1")) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_UNSUPPORTED, "this Dockerfile needs BuildKit (%s), but %s",
                             needs, why);
            hoist_error_at(err, plan->dockerfile_label, uses[0].line, uses[0].column);
            return hoist_error_hint(err, "use an engine with BuildKit (Docker 18.09+ on Linux; unset "
                                         "DOCKER_API_VERSION if it pins an older API)");
        }
    }
    if (opts->engine.kind == HOIST_BUILD_ENGINE_AUTO && !use_count) {
        result->engine = HOIST_BUILD_ENGINE_API;
        snprintf(result->engine_reason, sizeof(result->engine_reason),
                 "engine api (auto): %s; the Dockerfile needs no BuildKit-only feature", why);
        return 0;
    }

    /* The CLI: chosen explicitly, or needed for BuildKit. */
    int rc = hoist_docker_cli_find(cli, opts->engine.docker_cli, opts->engine.path_env, err);
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
    if (use_count && (rc = check_frontend(plan, err)))
        return rc;
    if (opts->engine.kind == HOIST_BUILD_ENGINE_CLI)
        snprintf(result->engine_reason, sizeof(result->engine_reason), "engine cli (%s, %s): chosen with --engine cli",
                 cli->path, hoist_build_builder_name(*builder));
    else
        snprintf(result->engine_reason, sizeof(result->engine_reason),
                 "engine cli (auto, %s via %s): BuildKit needed for %s, and %s", hoist_build_builder_name(*builder),
                 cli->path, needs, why);
    return 0;
}

