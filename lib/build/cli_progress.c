/*
 * cli_progress.c - docker CLI build output to events.
 */
#include "build/cli_progress.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void hoist_cli_progress_init(hoist_cli_progress *p, hoist_build_decoder *decoder, const hoist_dockerfile *df,
                             bool buildkit)
{
    memset(p, 0, sizeof(*p));
    p->decoder = decoder;
    p->df = df;
    p->buildkit = buildkit;
    hoist_bk_stages_init(&p->stages, df);
}

static hoist_cli_vertex *vertex(hoist_cli_progress *p, int number, bool create)
{
    for (size_t i = 0; i < p->vertex_count; i++)
        if (p->vertices[i].number == number)
            return &p->vertices[i];
    if (!create || p->vertex_count >= HOIST_CLI_MAX_VERTICES)
        return NULL;
    hoist_cli_vertex *v = &p->vertices[p->vertex_count++];
    memset(v, 0, sizeof(*v));
    v->number = number;
    v->instruction = -1;
    return v;
}

static void emit_at(hoist_cli_progress *p, hoist_build_event_kind kind, const hoist_cli_vertex *v, const char *text)
{
    hoist_build_event ev = {.kind = kind, .text = text, .current = -1, .total = -1};
    if (v && v->instruction >= 0) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(p->df, (size_t)v->instruction);
        ev.keyword = ins->keyword;
        ev.step = (int)v->instruction + 1;
        ev.step_total = (int)hoist_dockerfile_instruction_count(p->df);
        ev.file = p->decoder->file;
        ev.line = p->decoder->steps[v->instruction].line;
        ev.end_line = p->decoder->steps[v->instruction].end_line;
    }
    hoist_build_decoder_emit(p->decoder, &ev);
}

static void buildkit_error(hoist_cli_progress *p, const hoist_cli_vertex *v, const char *message)
{
    hoist_build_decoder *d = p->decoder;
    if (d->failed)
        return;
    d->failed = true;
    if (v && v->instruction >= 0) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(p->df, (size_t)v->instruction);
        snprintf(d->error_message, sizeof(d->error_message), "%s: %s", ins->original, message);
        d->error_line = d->steps[v->instruction].line;
        d->error_end_line = d->steps[v->instruction].end_line;
    } else {
        snprintf(d->error_message, sizeof(d->error_message), "%s", message);
    }
    emit_at(p, HOIST_EVENT_ERROR, v, message);
}

static bool starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static void buildkit_line(hoist_cli_progress *p, const char *line)
{
    if (line[0] != '#') {
        /* Summary after the vertices: "ERROR: failed to solve: ..." or
         * "executor failed running [...]: exit code: 3". */
        if (starts_with(line, "ERROR: ") || starts_with(line, "error: ") || strstr(line, "failed to solve") ||
            starts_with(line, "executor failed"))
            snprintf(p->final_error, sizeof(p->final_error), "%s", starts_with(line, "ERROR: ") ? line + 7 : line);
        return;
    }
    char *end;
    long number = strtol(line + 1, &end, 10);
    if (end == line + 1 || *end != ' ')
        return;
    const char *rest = end + 1;
    hoist_cli_vertex *v = vertex(p, (int)number, true);
    if (!v)
        return;
    if (rest[0] == '[' && !v->counted) {
        const char *text = rest;
        v->instruction = hoist_bk_stages_locate(&p->stages, rest, &text);
        v->counted = true;
        if (v->instruction >= 0) {
            p->steps_seen++;
            if (!strncasecmp(text, "FROM ", 5))
                p->from_steps++;
            emit_at(p, HOIST_EVENT_STEP, v, text);
        }
        return;
    }
    if (!strcmp(rest, "CACHED")) {
        if (v->instruction >= 0 && !v->cached) {
            v->cached = true;
            p->decoder->steps_cached++;
            emit_at(p, HOIST_EVENT_STEP_CACHED, v, NULL);
        }
        return;
    }
    if (starts_with(rest, "ERROR: ") || starts_with(rest, "ERROR ")) {
        buildkit_error(p, v, rest + 6 + (rest[5] == ':'));
        return;
    }
    if (starts_with(rest, "DONE") || starts_with(rest, "sha256:") || starts_with(rest, "CANCELED"))
        return;
    if (starts_with(rest, "naming to ")) {
        char tag[256];
        snprintf(tag, sizeof(tag), "%s", rest + strlen("naming to "));
        char *done = strstr(tag, " done");
        if (done)
            *done = '\0';
        hoist_build_decoder *d = p->decoder;
        if (d->tag_count < HOIST_BUILD_MAX_TAGS)
            snprintf(d->tags[d->tag_count++], sizeof(d->tags[0]), "%s", tag);
        emit_at(p, HOIST_EVENT_TAGGED, NULL, tag);
        return;
    }
    if (v->instruction < 0)
        return; /* internal vertices: loading definitions, context transfer, export */
    /* "0.229 output" */
    char *after;
    strtod(rest, &after);
    if (after != rest && *after == ' ')
        rest = after + 1;
    emit_at(p, HOIST_EVENT_LOG, v, rest);
}

static void classic_line(hoist_cli_progress *p, const char *line, bool from_stderr)
{
    if (from_stderr) {
        if (!line[0])
            return;
        snprintf(p->last_stderr, sizeof(p->last_stderr), "%s", line);
        if (starts_with(line, "DEPRECATED") || starts_with(line, "WARNING") ||
            starts_with(line, "            ") || starts_with(line, "Install the buildx") ||
            starts_with(line, "BuildKit is currently") || starts_with(line, "Environment-variable"))
        {
            hoist_build_event ev = {.kind = HOIST_EVENT_WARNING, .text = line, .current = -1, .total = -1};
            hoist_build_decoder_emit(p->decoder, &ev);
        }
        return;
    }
    if (starts_with(line, "Sending build context to Docker daemon"))
        return;
    json_t *msg = json_string(line);
    if (msg) {
        hoist_build_decoder_message(p->decoder, msg);
        json_decref(msg);
    }
}

void hoist_cli_progress_line(hoist_cli_progress *p, const char *line, bool from_stderr)
{
    if (p->buildkit)
        buildkit_line(p, line);
    else
        classic_line(p, line, from_stderr);
}

void hoist_cli_progress_finish(hoist_cli_progress *p, int status)
{
    hoist_build_decoder *d = p->decoder;
    if (p->buildkit) {
        d->step_total = p->steps_seen;
        d->steps_run = p->steps_seen - d->steps_cached - p->from_steps;
        if (status != 0 && !d->failed)
            buildkit_error(p, NULL, p->final_error[0] ? p->final_error : "the docker CLI reported a failure");
        return;
    }
    hoist_build_decoder_finish(d);
    if (status != 0 && !d->failed) {
        /* The classic CLI prints the daemon's error on stderr and exits 1. */
        json_t *msg = json_pack("{s:s}", "error", p->last_stderr[0] ? p->last_stderr : "the docker CLI reported a failure");
        if (msg) {
            hoist_build_decoder_message(d, msg);
            json_decref(msg);
        }
    }
}
