/*
 * fuzz_context_meta.c - libFuzzer target for a docker context store entry,
 * $DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json, as read by
 * hoist_endpoint_resolve (lib/engine/endpoint.c) for --context NAME.
 *
 * Any content must resolve to an endpoint or fail with HOIST_EENV naming
 * meta.json; a resolved endpoint has a kind and a host.
 */
#include "common/sha256.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hoist/endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An unexpected error: say what it was, then abort for libFuzzer. */
static void report(const hoist_error *err)
{
    fprintf(stderr, "unexpected error: code %d, %s:%d: %s\n", err->code, err->file, err->line, err->message);
    abort();
}

static char dir[64];
static char meta_dir[256];
static char meta[300];

static void cleanup(void)
{
    char p[256];
    unlink(meta);
    rmdir(meta_dir);
    snprintf(p, sizeof(p), "%s/contexts/meta", dir);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/contexts", dir);
    rmdir(p);
    rmdir(dir);
}

static void setup(void)
{
    snprintf(dir, sizeof(dir), "%s/hoist-fuzz-ctx.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        abort();
    char hex[65];
    hoist_sha256_hex("fuzz", 4, hex);
    char p[256];
    snprintf(p, sizeof(p), "%s/contexts", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof(p), "%s/contexts/meta", dir);
    mkdir(p, 0700);
    snprintf(meta_dir, sizeof(meta_dir), "%s/%s", p, hex);
    mkdir(meta_dir, 0700);
    snprintf(meta, sizeof(meta), "%s/meta.json", meta_dir);
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    if (!dir[0])
        setup();
    FILE *f = fopen(meta, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    if (fclose(f) != 0)
        abort();

    hoist_endpoint_options opts = HOIST_ENDPOINT_OPTIONS_INIT;
    opts.docker_config = dir;
    opts.context_flag = "fuzz";
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_endpoint_resolve(&ep, &opts, &err) == 0) {
        if (!ep.host[0])
            abort();
    } else if (err.code != HOIST_EENV && err.code != HOIST_EINPUT) {
        report(&err);
    } else if (!err.message[0]) {
        report(&err);
    }
    return 0;
}
