/*
 * cli_progress.h - parse the docker CLI's build output into hoist build
 * events (internal).
 *
 * Two dialects: the classic builder's "Step i/N : ..." text (the same as
 * the API's stream, so it goes through the shared decoder) and BuildKit's
 * plain progress ("#N [stage i/n] RUN ...", "#N 0.23 output", "#N CACHED",
 * "#N ERROR: ..."). BuildKit numbers steps per stage and may interleave
 * them; each vertex is mapped back to its instruction (and line) through
 * the stage it names (bk_stages.h), so events carry the same step numbers
 * and locations as the API engine's.
 */
#ifndef HOIST_BUILD_CLI_PROGRESS_H
#define HOIST_BUILD_CLI_PROGRESS_H

#include <stdbool.h>
#include "build/bk_stages.h"
#include "build/decoder.h"
#include "hoist/dockerfile.h"

#define HOIST_CLI_MAX_VERTICES 512

typedef struct hoist_cli_vertex {
    int number;            /* BuildKit's #N */
    long instruction;      /* index into the Dockerfile's instructions; -1: not a step */
    bool cached;
    bool counted;
} hoist_cli_vertex;

typedef struct hoist_cli_progress {
    hoist_build_decoder *decoder;
    const hoist_dockerfile *df;
    bool buildkit;
    hoist_bk_stages stages;   /* vertex names to instructions */
    hoist_cli_vertex vertices[HOIST_CLI_MAX_VERTICES];
    size_t vertex_count;
    int steps_seen;
    int from_steps;        /* FROM vertices: counted as steps, neither run nor cached */
    char last_stderr[HOIST_ERROR_MESSAGE_MAX]; /* last non-empty stderr line (classic errors) */
    char final_error[HOIST_ERROR_MESSAGE_MAX]; /* BuildKit summary error line */
} hoist_cli_progress;

void hoist_cli_progress_init(hoist_cli_progress *p, hoist_build_decoder *decoder, const hoist_dockerfile *df,
                             bool buildkit);
/* One line of the child's output (without its newline). */
void hoist_cli_progress_line(hoist_cli_progress *p, const char *line, bool from_stderr);
/* The child exited with `status`: settle counts and the error, if any. */
void hoist_cli_progress_finish(hoist_cli_progress *p, int status);

#endif
