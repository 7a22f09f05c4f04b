/*
 * bkbuild.c - test driver for the BuildKit session: builds a directory
 * with hoist_build() on the buildkit engine (public API only, no `hoist
 * check` gate) against the daemon of DOCKER_HOST and prints the image id
 * and the session's counters (hoist_build_result.session), for
 * tests/integration. Not installed.
 *
 *   bkbuild [-f DOCKERFILE] [-t TAG] [--target T] [--build-arg N=V]
 *           [--secret id=ID,src=FILE | id=ID,env=VAR] [--ssh ID=SOCKET|default]
 *           [--network MODE] [--no-cache] [--output-tar FILE] [--messages] CONTEXT
 *
 * Output: "image <id>" and one "stats k=v ..." line on stdout; with
 * --messages every build event too (all of its texts: what a caller of
 * the library could show). Errors on stderr, exit code = hoist code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoist/build.h"
#include "hoist/client.h"
#include "hoist/endpoint.h"

static int print_event(const hoist_build_event *ev, void *user)
{
    (void)user;
    printf("message %s text=%s id=%s detail=%s\n", hoist_build_event_kind_name(ev->kind), ev->text ? ev->text : "",
           ev->id ? ev->id : "", ev->detail ? ev->detail : "");
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: bkbuild [-f FILE] [-t TAG] [--target T] [--build-arg N=V] [--secret id=ID,src=FILE] "
                    "[--ssh ID=SOCKET] [--network MODE] [--no-cache] [--output-tar FILE] [--messages] CONTEXT\n");
    return 2;
}

int main(int argc, char **argv)
{
    hoist_build_options o = HOIST_BUILD_OPTIONS_INIT;
    const char *secrets[16], *ssh[4], *args[32], *tags[1];
    char ssh_default[4][4200], output[4200];
    size_t n_sec = 0, n_ssh = 0, n_args = 0;
    o.params.network = "none";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-f") && v) {
            o.dockerfile = v, i++;
        } else if (!strcmp(a, "-t") && v) {
            tags[0] = v, i++;
            o.params.tags = tags;
            o.params.tag_count = 1;
        } else if (!strcmp(a, "--target") && v) {
            o.params.target = v, i++;
        } else if (!strcmp(a, "--output-tar") && v) {
            snprintf(output, sizeof(output), "type=tar,dest=%s", v), i++;
            o.buildkit.output = output;
        } else if (!strcmp(a, "--network") && v) {
            o.params.network = v, i++;
        } else if (!strcmp(a, "--build-arg") && v && n_args < 32) {
            args[n_args++] = v, i++;
        } else if (!strcmp(a, "--secret") && v && n_sec < 16) {
            secrets[n_sec++] = v, i++;
        } else if (!strcmp(a, "--ssh") && v && n_ssh < 4) {
            /* as the CLI: a bare ID is ID=$SSH_AUTH_SOCK */
            if (!strchr(v, '=')) {
                const char *sock = getenv("SSH_AUTH_SOCK");
                snprintf(ssh_default[n_ssh], sizeof(ssh_default[n_ssh]), "%s=%s", v, sock ? sock : "");
                v = ssh_default[n_ssh];
            }
            ssh[n_ssh++] = v, i++;
        } else if (!strcmp(a, "--no-cache")) {
            o.params.no_cache = true;
        } else if (!strcmp(a, "--messages")) {
            o.output.on_event = print_event;
        } else if (a[0] == '-' || o.context_dir) {
            return usage();
        } else {
            o.context_dir = a;
        }
    }
    if (!o.context_dir)
        return usage();
    o.params.build_args = args;
    o.params.build_arg_count = n_args;
    o.buildkit.secrets = secrets;
    o.buildkit.secret_count = n_sec;
    o.buildkit.ssh = ssh;
    o.buildkit.ssh_count = n_ssh;
    o.engine.kind = HOIST_BUILD_ENGINE_BUILDKIT;
    o.check.skip = true;
    o.registry.docker_config = getenv("DOCKER_CONFIG");
    o.registry.home = getenv("HOME");

    hoist_error err = HOIST_ERROR_INIT;
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    hoist_endpoint endpoint;
    hoist_client *client = NULL;
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    copts.endpoint = &endpoint;
    hoist_build_result r;
    memset(&r, 0, sizeof(r));
    int rc = hoist_endpoint_resolve(&endpoint, &eopts, &err);
    if (!rc)
        rc = hoist_client_new(&client, &copts, &err);
    if (!rc)
        rc = hoist_build(&r, client, &o, &err);
    hoist_client_free(client);
    if (r.image_id[0])
        printf("image %s\n", r.image_id);
    const hoist_build_session_stats *s = &r.session;
    printf("stats stat=%llu req=%llu files=%llu bytes=%llu health=%llu calls=%llu unimplemented=%llu "
           "secrets=%llu credentials=%llu output=%llu max_step_us=%llu\n",
           s->stat_packets, s->requests, r.context_entries, r.context_bytes, s->health_checks, s->calls,
           s->unimplemented, s->secrets_sent, s->credentials_asked, s->output_bytes, s->max_step_us);
    if (rc) {
        fprintf(stderr, "bkbuild: %s\n", err.message);
        if (err.hint[0])
            fprintf(stderr, "hint: %s\n", err.hint);
        return rc;
    }
    return 0;
}
