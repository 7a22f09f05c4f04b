/*
 * cli_engine.h - build by running the docker CLI (internal).
 *
 * The child gets the context as an absolute path, -f as the absolute path
 * of the same Dockerfile, and the context root as its working directory,
 * so relative paths mean the same whatever the caller's directory was. The
 * daemon is the client's resolved endpoint, handed over as -H and the TLS
 * flags (never the caller's raw -H/--context, nor what the environment
 * says: DOCKER_HOST, DOCKER_CONTEXT, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
 * are removed from the child's environment). It
 * runs in its own process group: a cancel sends SIGINT to the group, waits,
 * and only then escalates, so no process is left behind.
 */
#ifndef HOIST_BUILD_CLI_ENGINE_H
#define HOIST_BUILD_CLI_ENGINE_H

#include "build/decoder.h"
#include "hoist/build.h"
#include "hoist/docker_cli.h"
#include "hoist/endpoint.h"
#include "hoist/dockerfile.h"

typedef struct hoist_cli_build {
    const hoist_build_options *opts;
    const hoist_endpoint *endpoint; /* the daemon to build on */
    const hoist_docker_cli *cli;
    hoist_build_builder builder;   /* CLASSIC, BUILDKIT or BUILDX */
    const char *context_dir;       /* absolute */
    const char *dockerfile_path;   /* absolute */
    const hoist_dockerfile *df;
    hoist_build_decoder *decoder;
} hoist_cli_build;

/* Run the build. Returns 0 when the CLI succeeded and the image ID was
 * read from its --iidfile; HOIST_EFAILED for a failed build (the decoder
 * holds the located error); HOIST_EINTERRUPTED when cancelled; HOIST_EENV
 * when the CLI could not be started. */
int hoist_cli_build_run(const hoist_cli_build *b, hoist_error *err);

#endif
