/*
 * doctor.c - the checks behind `hoist doctor`.
 *
 * Checks run in dependency order; when the daemon cannot be reached the
 * checks that need it are skipped rather than failed, so the report shows
 * one root cause instead of a cascade. Every failing check carries the
 * diagnosis the transport produced (missing socket, stale socket,
 * permission denied, API version too new), with its hint.
 */
#include "common/options.h"
#include "engine/doctor_report.h"
#include "hoist/doctor.h"
#include "hoist/client.h"
#include "hoist/docker_cli.h"
#include "hoist/version.h"
#include "common/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

/* Below this much free space under the data root, builds start failing. */
#define DISK_WARN_BYTES (2ULL * 1024 * 1024 * 1024)

const char *hoist_doctor_status_name(hoist_doctor_status status)
{
    switch (status) {
    case HOIST_DOCTOR_PASS: return "pass";
    case HOIST_DOCTOR_WARN: return "warn";
    case HOIST_DOCTOR_FAIL: return "fail";
    case HOIST_DOCTOR_SKIP: return "skip";
    }
    return "?";
}

static void set_from_error(hoist_doctor_check *c, const hoist_error *e)
{
    c->status = HOIST_DOCTOR_FAIL;
    snprintf(c->message, sizeof(c->message), "%s", e->message);
    snprintf(c->hint, sizeof(c->hint), "%s", e->hint);
}

static void skip_rest(hoist_doctor_report *r, const char *why, const char *const ids[][2])
{
    for (size_t i = 0; ids[i][0]; i++)
        engine_report_set(engine_report_add(r, ids[i][0], ids[i][1]), HOIST_DOCTOR_SKIP, "%s", why);
}

static void check_docker_cli(const hoist_doctor_options *opts, hoist_doctor_report *r)
{
    hoist_doctor_check *c = engine_report_add(r, "docker-cli", "docker CLI");
    hoist_docker_cli cli;
    hoist_error e = HOIST_ERROR_INIT;
    if (hoist_docker_cli_find(&cli, opts->docker_cli, opts->path_env, &e)) {
        /* The API engine needs no CLI, so a missing one is only a warning,
         * unless the user explicitly chose a binary that does not work. */
        set_from_error(c, &e);
        if (!cli.from_choice)
            c->status = HOIST_DOCTOR_WARN;
        return;
    }
    engine_report_set(c, HOIST_DOCTOR_PASS, "%s (%s)", cli.path, cli.version_line);
    engine_report_field(c, "path", cli.path);
    engine_report_field(c, "version", cli.version);
}

static void check_disk(const hoist_endpoint *ep, const hoist_server_info *info, hoist_doctor_report *r)
{
    hoist_doctor_check *c = engine_report_add(r, "disk", "free disk");
    struct statvfs vfs;
    if (ep->kind != HOIST_ENDPOINT_UNIX || !info->docker_root_dir[0]) {
        engine_report_set(c, HOIST_DOCTOR_SKIP, "the daemon is not local; cannot measure %s",
                   info->docker_root_dir[0] ? info->docker_root_dir : "its data root");
        return;
    }
    if (statvfs(info->docker_root_dir, &vfs) != 0) {
        engine_report_set(c, HOIST_DOCTOR_SKIP, "cannot inspect the data root %s from here "
                   "(another mount namespace, or no permission)", info->docker_root_dir);
        return;
    }
    unsigned long long avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
    unsigned long long total = (unsigned long long)vfs.f_blocks * vfs.f_frsize;
    char value[64];
    snprintf(value, sizeof(value), "%llu", avail);
    engine_report_field(c, "free_bytes", value);
    engine_report_field(c, "data_root", info->docker_root_dir);
    if (avail < DISK_WARN_BYTES) {
        engine_report_set(c, HOIST_DOCTOR_WARN, "only %.1f GiB free of %.1f GiB under %s",
                   avail / 1073741824.0, total / 1073741824.0, info->docker_root_dir);
        snprintf(c->hint, sizeof(c->hint), "free space: 'docker system prune' removes unused images "
                 "and build cache");
    } else {
        engine_report_set(c, HOIST_DOCTOR_PASS, "%.1f GiB free of %.1f GiB under %s", avail / 1073741824.0,
                   total / 1073741824.0, info->docker_root_dir);
    }
}

/* BuildKit over the Engine API: POST /build?version=2 with a session that
 * the client serves on a hijacked POST /session (non-experimental from
 * API 1.39; deprecated from 1.53 in favour of gRPC on the API socket).
 * The session is not opened here: the API version and the ping's
 * Builder-Version header say whether it can be. The daemon's BuildKit
 * runs its built-in Dockerfile frontend (dockerfile.v0) unless a
 * Dockerfile names another with "# syntax=", which needs a pull. */
static void check_buildkit(const hoist_ping *ping, hoist_doctor_report *r)
{
    hoist_doctor_check *c = engine_report_add(r, "buildkit", "BuildKit");
    engine_report_field(c, "builder_version", ping->builder_version);
    bool windows = ping->os_type[0] && !strcmp(ping->os_type, "windows");
    bool session = hoist_api_version_compare(ping->api_version, "1.39") >= 0 && !windows;
    bool deprecated = session && hoist_api_version_compare(ping->api_version, "1.53") >= 0;
    char session_text[160];
    if (session)
        snprintf(session_text, sizeof(session_text), "session: POST /session%s",
                 deprecated ? " (deprecated from API 1.53)" : "");
    else
        snprintf(session_text, sizeof(session_text), "no session: POST /session needs API 1.39%s",
                 windows ? " and a Linux daemon" : "");
    engine_report_field(c, "session", session ? "yes" : "no");
    engine_report_field(c, "frontend", "built-in (dockerfile.v0)");
    /* hoist build's engine choice (lib/build/engine_choice.c) reads the same
     * facts: sessions possible and Builder-Version not "1" (daemon.json
     * features.buildkit=false) -> native BuildKit. */
    engine_report_field(c, "hoist_build_engine", session && strcmp(ping->builder_version, "1") ? "buildkit" : "api");
    if (session && !strcmp(ping->builder_version, "1")) {
        engine_report_set(c, HOIST_DOCTOR_PASS, "available (API %s >= 1.39; %s; built-in frontend (dockerfile.v0)), "
                   "but switched off as the default (Builder-Version 1: daemon.json features.buildkit=false); "
                   "hoist build uses the classic builder unless --engine buildkit", ping->api_version, session_text);
        snprintf(c->hint, sizeof(c->hint), "BuildKit-only Dockerfile features (RUN --mount, heredocs) are "
                 "built through the docker CLI with DOCKER_BUILDKIT=1, or natively with --engine buildkit");
    } else if (session) {
        engine_report_set(c, HOIST_DOCTOR_PASS, "available (API %s >= 1.39; %s; built-in frontend (dockerfile.v0)); "
                   "hoist build uses it natively (Builder-Version %s)", ping->api_version, session_text,
                   ping->builder_version[0] ? ping->builder_version : "absent");
    } else {
        engine_report_set(c, HOIST_DOCTOR_WARN, "not available (Builder-Version '%s', API %s); %s", ping->builder_version,
                   ping->api_version, session_text);
        snprintf(c->hint, sizeof(c->hint), "Dockerfiles with RUN --mount or heredocs will not build on this engine");
    }
}

static void client_freep(hoist_client **c)
{
    hoist_client_free(*c);
}

void hoist_doctor_options_init(hoist_doctor_options *opts)
{
    *opts = (hoist_doctor_options)HOIST_DOCTOR_OPTIONS_INIT;
}

int hoist_doctor_run(hoist_doctor_report *r, const hoist_doctor_options *opts, hoist_error *err)
{
    memset(r, 0, sizeof(*r));
    /* Version 1 ends before `log`: it is accepted too. */
    unsigned int seen = opts && opts->version == 1 ? HOIST_DOCTOR_OPTIONS_VERSION : (opts ? opts->version : 0u);
    if (hoist_options_check(opts, seen, HOIST_DOCTOR_OPTIONS_VERSION, "hoist_doctor_run", "HOIST_DOCTOR_OPTIONS_INIT",
                            err))
        return HOIST_EUSAGE;

    static const char *const after_endpoint[][2] = {
        {"daemon", "daemon"}, {"api-version", "API version"}, {"server", "server"},
        {"buildkit", "BuildKit"}, {"disk", "free disk"}, {NULL, NULL}};
    static const char *const after_daemon[][2] = {
        {"api-version", "API version"}, {"server", "server"}, {"buildkit", "BuildKit"},
        {"disk", "free disk"}, {NULL, NULL}};

    /* Declared before the first jump to `done`, which must not skip it. */
    _cleanup_(client_freep) hoist_client *client = NULL;
    check_docker_cli(opts, r);

    hoist_doctor_check *c = engine_report_add(r, "endpoint", "endpoint");
    hoist_endpoint ep;
    hoist_error e = HOIST_ERROR_INIT;
    if (hoist_endpoint_resolve(&ep, &opts->endpoint, &e)) {
        set_from_error(c, &e);
        skip_rest(r, "no endpoint", after_endpoint);
        goto done;
    }
    engine_report_set(c, HOIST_DOCTOR_PASS, "%s (%s%s%s)", ep.host, hoist_endpoint_source_describe(ep.source),
               ep.context_name[0] ? ": " : "", ep.context_name);
    engine_report_field(c, "host", ep.host);
    engine_report_field(c, "source", hoist_endpoint_source_describe(ep.source));
    if (ep.context_name[0])
        engine_report_field(c, "context", ep.context_name);

    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    copts.endpoint = &ep;
    copts.api_version_pin = opts->api_version_pin;
    copts.request_timeout_ms = 10000;
    if (opts->version >= 2) {
        copts.log = opts->log;
        copts.log_user = opts->log_user;
    }
    c = engine_report_add(r, "daemon", "daemon");
    hoist_ping ping;
    if (hoist_client_new(&client, &copts, &e) || hoist_client_ping(client, &ping, &e)) {
        set_from_error(c, &e);
        skip_rest(r, "daemon not reachable", after_daemon);
        goto done;
    }
    engine_report_set(c, HOIST_DOCTOR_PASS, "reachable (ping %.1f ms)", ping.seconds * 1000.0);

    c = engine_report_add(r, "api-version", "API version");
    engine_report_field(c, "daemon", ping.api_version);
    engine_report_field(c, "client_max", HOIST_API_VERSION_MAX);
    if (hoist_client_negotiate(client, &e)) {
        set_from_error(c, &e);
        skip_rest(r, "API version not usable", after_daemon + 1);
        goto done;
    }
    hoist_server_version ver;
    hoist_error verr = HOIST_ERROR_INIT;
    int have_version = hoist_client_version(client, &ver, &verr) == 0;
    if (!have_version && verr.code == HOIST_EENV) {
        /* e.g. a pinned version below the daemon's minimum */
        set_from_error(c, &verr);
        skip_rest(r, "API version not usable", after_daemon + 1);
        goto done;
    }
    snprintf(r->negotiated_api_version, sizeof(r->negotiated_api_version), "%s",
             hoist_client_api_version(client));
    engine_report_field(c, "negotiated", r->negotiated_api_version);
    if (have_version)
        engine_report_field(c, "daemon_min", ver.min_api_version);
    engine_report_set(c, HOIST_DOCTOR_PASS, "daemon %s (minimum %s), client maximum %s, %s %s", ping.api_version,
               have_version && ver.min_api_version[0] ? ver.min_api_version : "?", HOIST_API_VERSION_MAX,
               hoist_client_api_version_pinned(client) ? "pinned by DOCKER_API_VERSION to" : "negotiated",
               r->negotiated_api_version);

    c = engine_report_add(r, "server", "server");
    hoist_server_info info;
    if (hoist_client_info(client, &info, &e)) {
        set_from_error(c, &e);
        memset(&info, 0, sizeof(info));
    } else {
        engine_report_set(c, HOIST_DOCTOR_PASS, "Docker Engine %s, %s/%s, storage driver %s",
                   have_version ? ver.version : info.server_version,
                   have_version ? ver.os : info.os_type, have_version ? ver.arch : info.architecture,
                   info.storage_driver);
        engine_report_field(c, "version", have_version ? ver.version : info.server_version);
        engine_report_field(c, "os", have_version ? ver.os : info.os_type);
        engine_report_field(c, "arch", have_version ? ver.arch : info.architecture);
        engine_report_field(c, "storage_driver", info.storage_driver);
        engine_report_field(c, "data_root", info.docker_root_dir);
    }

    check_buildkit(&ping, r);

    check_disk(&ep, &info, r);

done:
    r->usable = true;
    for (size_t i = 0; i < r->count; i++) {
        if (r->checks[i].status == HOIST_DOCTOR_FAIL) {
            if (r->usable) {
                hoist_error_set(err, HOIST_EENV, "%s", r->checks[i].message);
                hoist_error_hint(err, "%s", r->checks[i].hint);
            }
            r->usable = false;
        }
    }
    return r->usable ? 0 : HOIST_EENV;
}
