/*
 * hoist/docker_cli.h - finding the docker CLI and what it can do.
 *
 * The binary is chosen by an explicit choice (the --docker flag or
 * HOIST_DOCKER), else the first `docker` on PATH.
 *
 * Threads: a hoist_docker_cli is a plain value filled in the caller's
 * memory; the lookup keeps no state, so threads may look up at once, each
 * into its own struct.
 */
#ifndef HOIST_DOCKER_CLI_H
#define HOIST_DOCKER_CLI_H

#include <stdbool.h>
#include "hoist/endpoint.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hoist_docker_cli {
    char path[HOIST_PATH_MAX];  /* the binary that will run */
    char version[64];           /* "28.2.2" */
    char version_line[256];     /* first line of `docker --version` */
    int from_choice;            /* 1 when chosen by --docker/HOIST_DOCKER */
    /* Filled by hoist_docker_cli_probe(): */
    bool probed;
    bool has_buildx;            /* `docker buildx version` works */
    char buildx_version[64];
    bool builtin_buildkit;      /* `DOCKER_BUILDKIT=1 docker build` uses BuildKit without buildx
                                   (CLI 18.09 to 22.x; from 23.0 that needs buildx) */
} hoist_docker_cli;

/* Locate and probe the docker CLI. `choice` is --docker or $HOIST_DOCKER
 * (NULL for PATH lookup); `path_env` is $PATH. Errors are HOIST_EENV with
 * a hint on installing or choosing the CLI. */
HOIST_EXTERN int hoist_docker_cli_find(hoist_docker_cli *out, const char *choice, const char *path_env,
                          hoist_error *err);

/* Find out which builders the CLI found by hoist_docker_cli_find() can
 * drive: the buildx plugin, built-in BuildKit, or only the classic builder.
 * Runs `docker buildx version`; needs no daemon. */
HOIST_EXTERN int hoist_docker_cli_probe(hoist_docker_cli *cli, hoist_error *err);

#ifdef __cplusplus
}
#endif
#endif
