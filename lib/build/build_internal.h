/*
 * build_internal.h - the pieces of hoist_build() that live in their own
 * files: engine choice, the check gate, failure hints (internal).
 */
#ifndef HOIST_BUILD_INTERNAL_H
#define HOIST_BUILD_INTERNAL_H

#include <limits.h>

#include "build/decoder.h"
#include "hoist/build.h"
#include "hoist/context.h"
#include "hoist/docker_cli.h"
#include "hoist/dockerfile.h"
#include "session/session.h"

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

/* --output of the buildkit engine, parsed (bk_engine.c). */
typedef enum hoist_build_output_type {
    HOIST_BUILD_OUTPUT_IMAGE = 0,   /* no --output: the image in the daemon */
    HOIST_BUILD_OUTPUT_LOCAL,       /* type=local,dest=DIR (or a bare DIR) */
    HOIST_BUILD_OUTPUT_TAR,         /* type=tar,dest=FILE */
} hoist_build_output_type;

typedef struct hoist_build_output {
    hoist_build_output_type type;
    char dest[4096];
} hoist_build_output;

/* Parse --output; NULL or "" is the image. Bad specs: HOIST_EUSAGE. */
int hoist_build_parse_output(const char *spec, hoist_build_output *out, hoist_error *err);

/* The buildkit engine (bk_engine.c): session, POST /build?version=2, the
 * trace decoded into `decoder`'s events and results; fills
 * plan->result->context_bytes/entries. */
int hoist_build_run_buildkit(const hoist_build_plan *plan, hoist_build_decoder *decoder, hoist_error *err);

/* --secret and --ssh of the buildkit options, checked and resolved for a
 * session (bk_engine.c; the Control API path uses them too). Free with
 * bk_secrets_free / bk_ssh_free (also after an error). */
typedef struct bk_secrets {
    hoist_session_secret *items;
    char (*strings)[3][PATH_MAX];
    size_t count;
} bk_secrets;
typedef struct bk_ssh {
    hoist_session_ssh *items;
    char (*strings)[2][PATH_MAX];
    size_t count;
} bk_ssh;
int hoist_bk_parse_secrets(const hoist_build_buildkit_options *bk, bk_secrets *out, hoist_error *err);
int hoist_bk_parse_ssh(const hoist_build_buildkit_options *bk, bk_ssh *out, hoist_error *err);
void bk_secrets_free(bk_secrets *s);
void bk_ssh_free(bk_ssh *s);

/* The session's counters into the result (context_bytes/entries and
 * .session), for both BuildKit paths. */
void hoist_build_session_result(hoist_build_result *result, const hoist_session_stats *stats);

/* Unpack the tar at `tar_path` into the directory `dest` (output_unpack.c). */
int hoist_build_unpack_output(const char *tar_path, const char *dest, hoist_error *err);

/* Can the daemon run native BuildKit builds? Fills `why` either way. */
bool hoist_build_session_capable(hoist_client *client, char *why, size_t size);

#endif
