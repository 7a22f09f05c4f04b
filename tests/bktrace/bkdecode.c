/*
 * bkdecode.c - decode a POST /build?version=2 reply read from standard
 * input with lib/build/bk_trace.c and print one line per event, for the
 * integration test that builds on the real engine:
 *
 *   bkdecode DOCKERFILE < reply.jsonl
 *
 * Each line: "<kind> step=<n>/<total> line=<l> [stream=<s>] [duration=<d>]
 * text=<text>" ("id=<id>" for image-id), then a last line "result rc=<rc>
 * image=<id> steps=<n> run=<n> cached=<n> error_line=<l> message=<...>".
 * Exit 0 when the reply decoded (whether the build succeeded or not).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/bk_trace.h"

static int on_event(const hoist_build_event *ev, void *user)
{
    (void)user;
    printf("%s step=%d/%d line=%d", hoist_build_event_kind_name(ev->kind), ev->step, ev->step_total, ev->line);
    if (ev->stream)
        printf(" stream=%d", ev->stream);
    if (ev->kind == HOIST_EVENT_STEP_DONE || (ev->kind == HOIST_EVENT_ERROR && ev->vertex))
        printf(" duration=%.3f", ev->duration);
    if (ev->id)
        printf(" id=%s", ev->id);
    printf(" text=%s\n", ev->text ? ev->text : "");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bkdecode DOCKERFILE < reply\n");
        return 2;
    }
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_dockerfile_parse_file(&df, argv[1], NULL, &err)) {
        fprintf(stderr, "bkdecode: %s\n", err.message);
        return 4;
    }
    size_t n = hoist_dockerfile_instruction_count(df);
    hoist_step_source *steps = calloc(n ? n : 1, sizeof(*steps));
    if (!steps)
        return 1;
    for (size_t i = 0; i < n; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
        snprintf(steps[i].keyword, sizeof(steps[i].keyword), "%s", ins->keyword);
        steps[i].line = ins->range.start.line;
        steps[i].end_line = ins->range.end.line;
    }
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, n, on_event, NULL);
    hoist_bk_trace *t = hoist_bk_trace_new(&d, df);
    if (!t)
        return 1;
    char buf[4096];
    size_t got;
    int rc = 0;
    while (!rc && (got = fread(buf, 1, sizeof(buf), stdin)) > 0)
        rc = hoist_bk_trace_feed(t, buf, got, &err);
    if (!rc)
        rc = hoist_bk_trace_finish(t, &err);
    printf("result rc=%d image=%s steps=%d run=%d cached=%d error_line=%d message=%s\n", rc, d.image_id,
           d.step_total, d.steps_run, d.steps_cached, err.line, rc ? err.message : "");
    hoist_bk_trace_free(t);
    free(steps);
    hoist_dockerfile_free(df);
    return rc == 0 || rc == HOIST_EFAILED ? 0 : 1;
}
