/*
 * build_live.h - the terminal view of `hoist build`: the steps that are
 * running, each with its elapsed time and its last output lines, redrawn
 * in place at most ten times a second below the finished steps, which are
 * printed once, collapsed to one line with their duration (a failed step
 * keeps its last output). Works from the event model alone, for every
 * engine: BuildKit's parallel steps (told apart by vertex) and the
 * classic builder's sequential ones (a step ends when the next starts).
 */
#ifndef HOIST_BUILD_LIVE_H
#define HOIST_BUILD_LIVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include "hoist/hoist.h"

#define LIVE_LOG_LINES 3      /* output lines shown under a running step */
#define LIVE_TAIL_LINES 10    /* output lines kept to show when a step fails */
#define LIVE_LINE_BYTES 256

typedef enum live_state { LIVE_RUNNING, LIVE_DONE, LIVE_CACHED, LIVE_FAILED } live_state;

typedef struct live_step {
    int step, total;
    char vertex[80];          /* BuildKit: the vertex digest (steps may share a number) */
    char text[LIVE_LINE_BYTES];
    char where[96];           /* "Dockerfile:12" or "" */
    bool timed;               /* the engine reports durations (BuildKit) */
    double started;           /* elapsed seconds when it started */
    double duration;
    live_state state;
    char tail[LIVE_TAIL_LINES][LIVE_LINE_BYTES];
    unsigned lines;           /* output lines ever seen; the ring keeps the last ones */
} live_step;

typedef struct build_live {
    FILE *out;
    bool color;
    int width;                /* terminal columns */
    int height;               /* terminal rows */
    pthread_mutex_t lock;
    pthread_t ticker;
    bool ticking;
    volatile bool stop;
    int region_lines;         /* lines of the live region currently on screen */
    double last_draw;         /* monotonic seconds */
    double clock_offset;      /* monotonic - event elapsed; < 0 until the first event */
    live_step *steps;
    size_t count, cap;
} build_live;

void build_live_init(build_live *l, FILE *out, bool color);
/* Start the ticker that keeps elapsed times moving between events. */
void build_live_start(build_live *l);
/* Steps and their output: returns true when the event was consumed. */
bool build_live_event(build_live *l, const hoist_build_event *ev);
/* Around any other output to the same stream: erase the region, then
 * print, then let the region come back (within 0.1 s). */
void build_live_above(build_live *l);
void build_live_below(build_live *l);
/* End of the build: stop the ticker, settle running steps (done when
 * `ok`), erase the region. Safe to call twice. */
void build_live_finish(build_live *l, bool ok);

#endif
