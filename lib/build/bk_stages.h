/*
 * bk_stages.h - map BuildKit's vertex names back to Dockerfile
 * instructions (internal).
 *
 * BuildKit's Dockerfile frontend names the vertex of a step
 * "[<stage> <i>/<n>] KEYWORD args": <stage> is the stage's AS name (lower
 * case) or "stage-<index>", and is left out when the Dockerfile has a
 * single stage; <i>/<n> counts only the instructions that make a vertex in
 * that stage: its FROM when the base is an image (not scratch, not an
 * earlier stage), then every ADD, COPY, RUN and WORKDIR in order. ENV,
 * LABEL and the other metadata instructions make no vertex. Used for the
 * docker CLI's plain progress and for the API's BuildKit trace alike.
 */
#ifndef HOIST_BUILD_BK_STAGES_H
#define HOIST_BUILD_BK_STAGES_H

#include <stdbool.h>
#include <stddef.h>
#include "hoist/dockerfile.h"

#define HOIST_BK_MAX_STAGES 128

typedef struct hoist_bk_stage {
    char name[128];        /* lower case AS name, or "" */
    size_t first;          /* index of its FROM */
    size_t end;            /* one past its last instruction */
    bool from_is_step;     /* FROM an image (not scratch, not another stage) */
} hoist_bk_stage;

typedef struct hoist_bk_stages {
    const hoist_dockerfile *df;
    hoist_bk_stage stages[HOIST_BK_MAX_STAGES];
    size_t count;
} hoist_bk_stages;

/* df may be NULL: then nothing is ever located. */
void hoist_bk_stages_init(hoist_bk_stages *s, const hoist_dockerfile *df);

/* Parse a step's vertex name "[<platform> <stage> <i>/<n>] TEXT": fills
 * stage (lower case, "" when absent; `size` bytes), index, total and text
 * (after the prefix). False for names without a counter ("[internal]
 * load ...", "exporting to image"). */
bool hoist_bk_vertex_name_parse(const char *name, char *stage, size_t size, int *index, int *total,
                                const char **text);

/* The instruction index that vertex `name` runs, or -1 for a vertex that
 * is not a Dockerfile step ("[internal] load ...", "exporting to image").
 * *text_out (may be NULL) receives the part after the "[...] " prefix. */
long hoist_bk_stages_locate(const hoist_bk_stages *s, const char *name, const char **text_out);

/* The FROM instruction whose image is `ref` (as BuildKit names it in
 * "[internal] load metadata for docker.io/library/x:latest"), compared
 * after normalisation; -1 when none. */
long hoist_bk_stages_locate_image(const hoist_bk_stages *s, const char *ref);

#endif
