/*
 * build_render.h - how `hoist build` shows build events: plain lines, an
 * interactive terminal view (build_live.h), one JSON object per line, or
 * nothing. build_render_result or build_render_failure ends the output.
 */
#ifndef HOIST_BUILD_RENDER_H
#define HOIST_BUILD_RENDER_H

#include <stdio.h>
#include "build_live.h"
#include "hoist/hoist.h"

typedef enum render_mode {
    RENDER_PLAIN,
    RENDER_TTY,
    RENDER_JSON,
    RENDER_QUIET,
} render_mode;

typedef struct build_renderer {
    render_mode mode;
    FILE *out;          /* events (stdout for json, stderr otherwise) */
    bool color;
    bool upload_line;   /* TTY: an upload progress line is showing */
    double upload_started;
    int last_step;      /* PLAIN: the step whose header was printed last */
    build_live live;    /* TTY: running steps drawn in place */
    const char *builder; /* --builder address, for the summary line; NULL: the daemon's */
} build_renderer;

void build_renderer_init(build_renderer *r, render_mode mode);
/* hoist_build_event_fn */
int build_render_event(const hoist_build_event *event, void *user);
void build_render_result(build_renderer *r, const hoist_build_result *result);
void build_render_failure(build_renderer *r, const hoist_error *err, const hoist_build_result *result);

#endif
