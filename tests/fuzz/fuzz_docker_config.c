/*
 * fuzz_docker_config.c - libFuzzer target for the docker CLI's config.json
 * as hoist reads it: registry credentials (lib/registry: credentials.c
 * and the X-Registry-Config header of auth_header.c) and currentContext (lib/engine/endpoint.c).
 *
 * The input is written to $tmp/config.json (both readers take a config
 * directory, as the CLI does). Any content must give a header or fail with
 * HOIST_EENV naming the file, and the error must not quote the file: it
 * may hold credentials.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/auth_header.h"
#include "hoist/endpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An unexpected error: say what it was, then abort for libFuzzer. */
static void report(const hoist_error *err)
{
    fprintf(stderr, "unexpected error: code %d, %s:%d: %s\n", err->code, err->file, err->line, err->message);
    abort();
}

static char dir[64];

static void cleanup(void)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/config.json", dir);
    unlink(path);
    rmdir(dir);
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, size, f);
    return (fclose(f) == 0 && w == size) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "%s/hoist-fuzz-cfg.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (!mkdtemp(dir))
            abort();
        atexit(cleanup);
    }
    char path[128];
    snprintf(path, sizeof(path), "%s/config.json", dir);
    if (write_file(path, data, size) != 0)
        abort();

    hoist_error err = HOIST_ERROR_INIT;
    char *header = NULL;
    /* PATH is the scratch directory: a credsStore or credHelpers entry in
     * the input names a helper that is never found, never one that runs. */
    hoist_credentials_options copts = {.config_dir = dir, .path_env = dir, .helper_timeout_ms = 1000};
    if (hoist_registry_config_header(&copts, &header, NULL, &err) == 0) {
        if (!header || strncmp(header, "X-Registry-Config: ", 19) != 0)
            abort();
        hoist_registry_header_free(header);
    } else {
        if (err.code != HOIST_EENV || !err.message[0] || strcmp(err.file, path) != 0)
            report(&err);
    }

    hoist_endpoint_options opts = HOIST_ENDPOINT_OPTIONS_INIT;
    opts.docker_config = dir;
    hoist_endpoint ep;
    err = (hoist_error)HOIST_ERROR_INIT;
    if (hoist_endpoint_resolve(&opts, &ep, &err) != 0 && !err.message[0])
        report(&err);
    return 0;
}
