/*
 * bkbuild.c - test driver for the BuildKit session: builds a directory
 * through hoist_bk_build against the daemon of DOCKER_HOST and prints the
 * image id and the session's counters, for tests/integration. Not
 * installed.
 *
 *   bkbuild [-f DOCKERFILE] [-t TAG] [--target T] [--build-arg N=V]
 *           [--secret id=ID,src=FILE | id=ID,env=VAR] [--ssh ID=SOCKET]
 *           [--network MODE] [--no-cache] [--output-tar FILE] [--messages] CONTEXT
 *
 * Output: "image <id>" and one "stats k=v ..." line on stdout; with
 * --messages every JSON reply message too. Errors on stderr, exit code =
 * hoist code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoist/client.h"
#include "hoist/endpoint.h"
#include "session/bk_build.h"

static void print_message(json_t *msg, void *user)
{
    char *s = json_dumps(msg, JSON_COMPACT);
    if (s)
        printf("message %s\n", s);
    free(s);
}

static int usage(void)
{
    fprintf(stderr, "usage: bkbuild [-f FILE] [-t TAG] [--target T] [--build-arg N=V] [--secret id=ID,src=FILE] "
                    "[--ssh ID=SOCKET] [--network MODE] [--no-cache] [--messages] CONTEXT\n");
    return 2;
}

int main(int argc, char **argv)
{
    hoist_bk_build_options o = {0};
    hoist_session_secret secrets[16];
    hoist_session_ssh ssh[4];
    const char *args[32];
    size_t n_sec = 0, n_ssh = 0, n_args = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-f") && v) {
            o.dockerfile = v, i++;
        } else if (!strcmp(a, "-t") && v) {
            o.tag = v, i++;
        } else if (!strcmp(a, "--target") && v) {
            o.target = v, i++;
        } else if (!strcmp(a, "--output-tar") && v) {
            o.output_tar = v, i++;
        } else if (!strcmp(a, "--network") && v) {
            o.network = v, i++;
        } else if (!strcmp(a, "--build-arg") && v && n_args < 32) {
            args[n_args++] = v, i++;
        } else if (!strcmp(a, "--secret") && v && n_sec < 16) {
            char *spec = argv[i + 1], *save = NULL; /* argv is writable */
            hoist_session_secret sec = {0};
            for (char *kv = strtok_r(spec, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
                if (!strncmp(kv, "id=", 3))
                    sec.id = kv + 3;
                else if (!strncmp(kv, "src=", 4))
                    sec.file = kv + 4;
                else if (!strncmp(kv, "env=", 4))
                    sec.env = kv + 4;
            }
            secrets[n_sec++] = sec;
            i++;
        } else if (!strcmp(a, "--ssh") && v && n_ssh < 4) {
            char *spec = argv[i + 1];
            char *eq = strchr(spec, '=');
            if (eq)
                *eq = '\0';
            ssh[n_ssh++] = (hoist_session_ssh){spec, eq ? eq + 1 : getenv("SSH_AUTH_SOCK")};
            i++;
        } else if (!strcmp(a, "--no-cache")) {
            o.no_cache = true;
        } else if (!strcmp(a, "--messages")) {
            o.on_message = print_message;
        } else if (a[0] == '-' || o.context_dir) {
            return usage();
        } else {
            o.context_dir = a;
        }
    }
    if (!o.context_dir)
        return usage();
    o.secrets = secrets;
    o.n_secrets = n_sec;
    o.ssh = ssh;
    o.n_ssh = n_ssh;
    o.build_args = args;
    o.docker_config_dir = getenv("DOCKER_CONFIG");
    o.home = getenv("HOME");
    o.n_build_args = n_args;

    hoist_error err = HOIST_ERROR_INIT;
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    hoist_endpoint endpoint;
    hoist_client *client = NULL;
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    copts.endpoint = &endpoint;
    hoist_bk_build_result r;
    memset(&r, 0, sizeof(r));
    int rc = hoist_endpoint_resolve(&endpoint, &eopts, &err);
    if (!rc)
        rc = hoist_client_new(&client, &copts, &err);
    if (!rc)
        rc = hoist_bk_build(client, &o, &r, &err);
    hoist_client_free(client);
    if (r.image_id[0])
        printf("image %s\n", r.image_id);
    printf("stats stat=%llu req=%llu files=%llu bytes=%llu health=%llu calls=%llu unimplemented=%llu "
           "secrets=%llu credentials=%llu output=%llu max_step_us=%llu trace=%lu messages=%lu\n",
           (unsigned long long)r.stats.stat_packets, (unsigned long long)r.stats.req_packets,
           (unsigned long long)r.stats.files_sent, (unsigned long long)r.stats.bytes_sent,
           (unsigned long long)r.stats.health_checks, (unsigned long long)r.stats.calls,
           (unsigned long long)r.stats.unimplemented, (unsigned long long)r.stats.secrets_sent,
           (unsigned long long)r.stats.credentials_asked, (unsigned long long)r.stats.output_bytes,
           (unsigned long long)r.stats.max_step_us,
           r.trace_messages, r.messages);
    if (rc) {
        fprintf(stderr, "bkbuild: %s\n", err.message);
        if (err.hint[0])
            fprintf(stderr, "hint: %s\n", err.hint);
        return rc;
    }
    return 0;
}
