/*
 * decoder.h - turn the daemon's /build messages into hoist build events
 * (internal).
 *
 * Knows the classic builder's output conventions ("Step i/N : ...",
 * " ---> Using cache", "Successfully tagged ...") and the JSON fields
 * (stream, status/progressDetail/id, aux.ID, errorDetail/error). Each step
 * is mapped back to its Dockerfile instruction so that events and errors
 * carry file:line.
 */
#ifndef HOIST_BUILD_DECODER_H
#define HOIST_BUILD_DECODER_H

#include <jansson.h>
#include <stdbool.h>
#include "hoist/build.h"

/* One instruction the builder will run, in step order. */
typedef struct hoist_step_source {
    char keyword[16];
    int line;
    int end_line;
} hoist_step_source;

typedef struct hoist_build_decoder {
    /* configuration */
    const char *file;                 /* Dockerfile path for locations */
    const hoist_step_source *steps;   /* may be NULL */
    size_t step_count;
    hoist_build_event_fn on_event;
    void *user;
    double started;                   /* monotonic seconds at build start */

    /* state */
    int step;
    int step_total;
    size_t step_index;                /* index into steps of the current step, or (size_t)-1 */
    char step_text[512];
    char keyword[16];
    char pending[8192];               /* partial line of stream text */
    size_t pending_len;
    bool stop;                        /* on_event asked to cancel */

    /* results */
    char image_id[160];
    char tags[HOIST_BUILD_MAX_TAGS][256];
    size_t tag_count;
    int steps_run;
    int steps_cached;
    bool step_was_cached;
    bool failed;
    char error_message[HOIST_ERROR_MESSAGE_MAX];
    int error_line;
    int error_end_line;
} hoist_build_decoder;

void hoist_build_decoder_init(hoist_build_decoder *d, const char *file, const hoist_step_source *steps,
                              size_t step_count, hoist_build_event_fn on_event, void *user);

/* Process one message. Returns non-zero when the event callback asked to
 * cancel. */
int hoist_build_decoder_message(hoist_build_decoder *d, json_t *message);

/* End of stream: flush a pending partial line and close the last step. */
void hoist_build_decoder_finish(hoist_build_decoder *d);

/* Emit an event of hoist's own (NOTE, WARNING, UPLOAD). */
int hoist_build_decoder_emit(hoist_build_decoder *d, hoist_build_event *event);
/* Emit a NOTE event with printf-formatted text (up to 1 KiB). */
int hoist_build_decoder_note(hoist_build_decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

double hoist_monotonic_seconds(void);

#endif
