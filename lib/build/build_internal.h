/*
 * build_internal.h - the pieces of hoist_build() that live in their own
 * files: engine choice, the check gate, failure hints (internal).
 */
#ifndef HOIST_BUILD_INTERNAL_H
#define HOIST_BUILD_INTERNAL_H

#include "build/decoder.h"
#include "hoist/build.h"
#include "hoist/context.h"
#include "hoist/docker_cli.h"
#include "hoist/dockerfile.h"

/* Everything both engines share after the Dockerfile is parsed. */
typedef struct hoist_build_plan {
    hoist_client *client;
    const hoist_build_options *opts;
    hoist_context *ctx;
    const hoist_dockerfile *df;
    const char *dockerfile_label;
    hoist_build_result *result;
    char engine_version[64];   /* Docker release, when engine choice asked the
                                  daemon (BuildKit-only features used); "" otherwise */
} hoist_build_plan;

/* Which engine runs the build, and why (result->engine, ->engine_reason).
 * Fills *cli and *builder when it is the CLI. Refuses, before anything
 * runs, what no available engine can build. */
int hoist_build_choose_engine(hoist_build_plan *plan, hoist_docker_cli *cli, hoist_build_builder *builder,
                              hoist_error *err);

/* Lint the Dockerfile and its context: findings become FINDING events;
 * those at or above the configured threshold fail with HOIST_EFAILED. */
int hoist_build_check_gate(const hoist_build_plan *plan, hoist_build_builder builder, hoist_build_decoder *decoder,
                           hoist_error *err);

/* Set the hint of a failed build's error from what failed and how. */
void hoist_build_failure_hint(const hoist_build_options *opts, const hoist_build_decoder *decoder,
                              hoist_error *err);

/* params_check.c: the docker CLI's checks of flag values (tags, build
 * args, labels, add-host, sizes) and hoist's of --platform, made before
 * any connection. HOIST_EUSAGE with a hint, or 0. */
int build_params_check(const hoist_build_params *p, hoist_error *err);

#endif
