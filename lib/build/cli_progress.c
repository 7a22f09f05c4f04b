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

static void lower_copy(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* Stages as BuildKit names them: "name" or "stage-<index>". */
static void compute_stages(hoist_cli_progress *p)
{
    size_t n = hoist_dockerfile_instruction_count(p->df);
    for (size_t i = 0; i < n; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction(p->df, i);
        if (ins->kind != HOIST_DF_FROM)
            continue;
        if (p->stage_count && p->stages[p->stage_count - 1].end == 0)
            p->stages[p->stage_count - 1].end = i;
        if (p->stage_count >= HOIST_CLI_MAX_STAGES)
            break;
        hoist_cli_stage *st = &p->stages[p->stage_count++];
        memset(st, 0, sizeof(*st));
        st->first = i;
        if (ins->arg_count >= 3 && !strcasecmp(ins->args[1].value, "as"))
            lower_copy(st->name, sizeof(st->name), ins->args[2].value);
        const char *base = ins->arg_count ? ins->args[0].value : "";
        bool from_stage = false;
        for (size_t s = 0; s + 1 < p->stage_count; s++)
            if (p->stages[s].name[0] && !strcasecmp(p->stages[s].name, base))
                from_stage = true;
        st->from_is_step = !from_stage && strcasecmp(base, "scratch") != 0;
    }
    if (p->stage_count && p->stages[p->stage_count - 1].end == 0)
        p->stages[p->stage_count - 1].end = n;
}

void hoist_cli_progress_init(hoist_cli_progress *p, hoist_build_decoder *decoder, const hoist_dockerfile *df,
                             bool buildkit)
{
    memset(p, 0, sizeof(*p));
    p->decoder = decoder;
    p->df = df;
    p->buildkit = buildkit;
    if (df)
        compute_stages(p);
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

/* "[name 2/4] RUN x", "[stage-1 1/1] RUN x" or "[2/3] RUN x": the
 * instruction it runs, or -1. */
static long locate_vertex(const hoist_cli_progress *p, const char *name, const char **text_out)
{
    if (name[0] != '[')
        return -1;
    const char *close = strchr(name, ']');
    if (!close)
        return -1;
    char inside[256];
    snprintf(inside, sizeof(inside), "%.*s", (int)(close - name - 1), name + 1);
    *text_out = close[1] == ' ' ? close + 2 : close + 1;
    char stage_name[200] = "";
    int index = 0, total = 0;
    if (sscanf(inside, "%d/%d", &index, &total) != 2 &&
        sscanf(inside, "%199s %d/%d", stage_name, &index, &total) != 3)
        return -1;
    const hoist_cli_stage *st = NULL;
    if (!stage_name[0]) {
        st = p->stage_count ? &p->stages[p->stage_count - 1] : NULL;
    } else {
        char lowered[200];
        lower_copy(lowered, sizeof(lowered), stage_name);
        for (size_t s = 0; s < p->stage_count && !st; s++)
            if (!strcmp(p->stages[s].name, lowered))
                st = &p->stages[s];
        int number;
        if (!st && sscanf(lowered, "stage-%d", &number) == 1 && number >= 0 && (size_t)number < p->stage_count)
            st = &p->stages[number];
    }
    if (!st || index <= 0)
        return -1;
    size_t first = st->from_is_step ? st->first : st->first + 1;
    size_t at = first + (size_t)(index - 1);
    if (at >= st->end)
        return -1;
    /* Trust the keyword: search the stage when the count disagrees. */
    const hoist_df_instruction *ins = hoist_dockerfile_instruction(p->df, at);
    size_t klen = strcspn(*text_out, " ");
    if (strncasecmp(ins->keyword, *text_out, klen) || strlen(ins->keyword) != klen) {
        for (size_t i = first; i < st->end; i++) {
            const hoist_df_instruction *other = hoist_dockerfile_instruction(p->df, i);
            if (!strncasecmp(other->keyword, *text_out, klen) && strlen(other->keyword) == klen)
                return (long)i;
        }
    }
    return (long)at;
}

static void emit_at(hoist_cli_progress *p, hoist_build_event_kind kind, const hoist_cli_vertex *v, const char *text)
{
    hoist_build_event ev = {.kind = kind, .text = text, .current = -1, .total = -1};
    if (v && v->instruction >= 0) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction(p->df, (size_t)v->instruction);
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
        const hoist_df_instruction *ins = hoist_dockerfile_instruction(p->df, (size_t)v->instruction);
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
        v->instruction = locate_vertex(p, rest, &text);
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
