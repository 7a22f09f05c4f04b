/*
 * fuzz_session.c - libFuzzer target for the BuildKit session's gRPC layer
 * and services: the input picks a method, a split point and the request
 * body (gRPC framing and protobuf bytes as the daemon would send them),
 * sent by a real HTTP/2 client (nghttp2, in memory) in two DATA parts.
 * Nothing may crash, leak or hang, whatever the framing or the packets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../unit/session/h2_client.h"
#include "session/session_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void remove_dir(void)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/sub/b", dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/sub", dir);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/a.txt", dir);
    unlink(p);
    rmdir(dir);
}

static void setup_dir(void)
{
    if (dir[0])
        return;
    atexit(remove_dir);
    snprintf(dir, sizeof(dir), "/tmp/hoist-fuzz-session-%d", (int)getpid());
    mkdir(dir, 0755);
    char p[128];
    snprintf(p, sizeof(p), "%s/a.txt", dir);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs("hello", f);
        fclose(f);
    }
    snprintf(p, sizeof(p), "%s/sub", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/sub/b", dir);
    f = fopen(p, "w");
    if (f) {
        fputs("bee", f);
        fclose(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    setup_dir();
    static const char *const paths[] = {
        "/grpc.health.v1.Health/Check",
        "/moby.filesync.v1.FileSync/DiffCopy",
        "/moby.filesync.v1.Auth/Credentials",
        "/moby.buildkit.secrets.v1.Secrets/GetSecret",
        "/moby.sshforward.v1.SSH/CheckAgent",
        "/moby.filesync.v1.FileSend/DiffCopy",
        "/nope/Nope",
    };
    const char *path = paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
    size_t split = data[1] % (size - 1);
    const uint8_t *body = data + 2;
    size_t len = size - 2;
    if (split > len)
        split = len;

    struct hoist_session *s = calloc(1, sizeof(*s));
    s->context_dir = strdup(dir);
    s->dockerfile_dir = strdup(dir);
    s->config_dir = strdup(dir); /* no config.json there: no credentials */
    hoist_session_secret secrets[] = {{"x", "/dev/null", NULL}};
    s->cfg.secrets = secrets;
    s->cfg.n_secrets = 1;
    grpc_server *srv = grpc_server_new(hoist_session_methods, hoist_session_n_methods, s);
    h2c c;
    h2c_init(&c, srv);
    const char *md[] = {"dir-name", "context", "exclude-patterns", "sub", NULL};
    h2c_stream *st = h2c_call(&c, path, md, body, split, false);
    h2c_run(&c);
    h2c_send(&c, st, body + split, len - split, true);
    h2c_run(&c);
    h2c_free(&c);
    grpc_server_free(srv);
    free(s->context_dir);
    free(s->dockerfile_dir);
    free(s->config_dir);
    free(s);
    return 0;
}
