/*
 * bk_trace.c - BuildKit's /build progress (StatusResponse) to events.
 *
 * Each trace message is a delta: vertices reappear with more fields set
 * (started, then completed, cached, error), logs and statuses refer to
 * vertices by digest. A vertex is located once, when its name is first
 * seen (bk_stages.h); events are emitted on transitions only, so a vertex
 * that is repeated does not repeat its STEP. Output bytes are split into
 * lines per vertex and stream; bytes that are not UTF-8 are replaced so
 * that every event text is valid JSON text.
 */
#include "build/bk_trace.h"
#include "build/bk_stages.h"
#include "build/json_stream.h"
#include "common/json_util.h"
#include "common/vec.h"
#include "control.pb-c.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_MAX_BYTES 8192   /* a longer line is delivered in pieces */
#define TAIL_LINES 8          /* output lines kept per vertex for an error */
#define TAIL_LINE_BYTES 240
#define MAX_VERTICES 8192     /* beyond this, new vertices are ignored */

typedef struct line_buf {
    char *data;
    size_t len;
} line_buf;

typedef struct bk_vertex {
    char *digest;
    char *name;
    long instruction;          /* Dockerfile instruction index; -1: not located */
    bool is_step;              /* a step: located, or at least named "[... i/n] KEYWORD ..." */
    int bk_index, bk_total;    /* BuildKit's per-stage counter, for steps not located */
    char keyword[16];          /* upper case */
    const char *text;          /* the name after its "[...] " prefix (points into name) */
    double started, completed; /* Unix seconds; 0 unset */
    bool step_emitted, cached_emitted, done, failed;
    bool counted_run;          /* counted in steps_run (undone if BuildKit later says cached) */
    line_buf out[3];           /* by stream: [0] other, [1] stdout, [2] stderr */
    char tail[TAIL_LINES][TAIL_LINE_BYTES];
    unsigned tail_count;       /* lines ever added; the ring holds the last TAIL_LINES */
} bk_vertex;

struct hoist_bk_trace {
    hoist_build_decoder *d;
    hoist_bk_stages stages;
    hoist_json_stream *json;
    hoist_error *feed_err;    /* err of the feed call in progress */
    bk_vertex *vertices;
    size_t vertex_count, vertex_cap;
    char **done_statuses;     /* status IDs already reported */
    size_t done_count, done_cap;
    int steps_seen;
    unsigned long messages;   /* trace messages decoded, for error messages */
    bool have_error_vertex;
    size_t error_vertex;
    char error_detail[TAIL_LINES * TAIL_LINE_BYTES];
    char naming[HOIST_BUILD_MAX_TAGS][256]; /* the exporter's "naming to" names */
    size_t naming_count;
};

/* ---------------------------------------------------------------- base64 */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long hoist_base64_decode(const char *in, size_t len, unsigned char *out)
{
    while (len && in[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return -1;
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (long)o;
}

/* ------------------------------------------------------------- utilities */

/* Copy bytes into a NUL-terminated string, replacing NUL bytes and bytes
 * that do not start a valid UTF-8 sequence (overlong forms and surrogates
 * included, as jansson rejects them) with '?'. dst has room for n + 1. */
static void sanitize(char *dst, const unsigned char *src, size_t n)
{
    size_t i = 0, o = 0;
    while (i < n) {
        unsigned char c = src[i];
        size_t extra = c < 0x80 ? 0 : (c >= 0xC2 && c <= 0xDF) ? 1 : (c & 0xF0) == 0xE0 ? 2
                     : (c >= 0xF0 && c <= 0xF4) ? 3 : 9;
        bool ok = extra != 9 && c != 0 && i + extra < n;
        for (size_t k = 1; ok && k <= extra; k++)
            ok = (src[i + k] & 0xC0) == 0x80;
        if (ok && extra == 2 && ((c == 0xE0 && src[i + 1] < 0xA0) || (c == 0xED && src[i + 1] >= 0xA0)))
            ok = false;
        if (ok && extra == 3 && ((c == 0xF0 && src[i + 1] < 0x90) || (c == 0xF4 && src[i + 1] >= 0x90)))
            ok = false;
        if (!ok) {
            dst[o++] = '?';
            i++;
            continue;
        }
        memcpy(dst + o, src + i, extra + 1);
        o += extra + 1;
        i += extra + 1;
    }
    dst[o] = '\0';
}

static double ts_seconds(const Moby__Buildkit__V1__Timestamp *ts)
{
    if (!ts)
        return 0;
    double s = (double)ts->seconds + ts->nanos / 1e9;
    return s > 0 ? s : 0;
}

static char *dup_str(const char *s)
{
    return strdup(s ? s : "");
}

/* ------------------------------------------------------------- vertices */

static bk_vertex *find_vertex(hoist_bk_trace *t, const char *digest, bool create)
{
    if (!digest || !*digest)
        return NULL;
    for (size_t i = t->vertex_count; i-- > 0;)
        if (!strcmp(t->vertices[i].digest, digest))
            return &t->vertices[i];
    if (!create || t->vertex_count >= MAX_VERTICES)
        return NULL;
    bk_vertex *grown = hoist_vec_grow(t->vertices, &t->vertex_cap, t->vertex_count, sizeof(*grown), 32);
    if (!grown)
        return NULL;
    t->vertices = grown;
    bk_vertex *v = &t->vertices[t->vertex_count];
    memset(v, 0, sizeof(*v));
    v->digest = dup_str(digest);
    if (!v->digest)
        return NULL;
    v->instruction = -1;
    t->vertex_count++;
    return v;
}

/* First sight of a vertex's name: is it a step, and which one. */
static void name_vertex(hoist_bk_trace *t, bk_vertex *v, const char *name)
{
    v->name = dup_str(name);
    if (!v->name)
        return;
    v->text = v->name;
    v->instruction = hoist_bk_stages_locate(&t->stages, v->name, &v->text);
    if (v->instruction >= 0) {
        v->is_step = true;
        snprintf(v->keyword, sizeof(v->keyword), "%s",
                 hoist_dockerfile_instruction_at(t->stages.df, (size_t)v->instruction)->keyword);
        return;
    }
    char stage[8];
    if (!hoist_bk_vertex_name_parse(v->name, stage, sizeof(stage), &v->bk_index, &v->bk_total, &v->text))
        return;
    v->is_step = true;
    size_t k = 0;
    for (; v->text[k] && v->text[k] != ' ' && k + 1 < sizeof(v->keyword); k++)
        v->keyword[k] = (char)toupper((unsigned char)v->text[k]);
    v->keyword[k] = '\0';
}

static void locate(hoist_bk_trace *t, const bk_vertex *v, hoist_build_event *ev)
{
    ev->vertex = v ? v->digest : NULL;
    if (!v || !v->is_step)
        return;
    if (v->instruction < 0) {
        /* no Dockerfile to map to (or a frontend that names steps its own
         * way): BuildKit's own counter, without a location */
        ev->keyword = v->keyword;
        ev->step = v->bk_index;
        ev->step_total = v->bk_total;
        return;
    }
    const hoist_build_decoder *d = t->d;
    size_t i = (size_t)v->instruction;
    const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(t->stages.df, i);
    ev->keyword = ins->keyword;
    ev->step = (int)i + 1;
    ev->step_total = (int)hoist_dockerfile_instruction_count(t->stages.df);
    if (d->steps && i < d->step_count) {
        ev->file = d->file;
        ev->line = d->steps[i].line;
        ev->end_line = d->steps[i].end_line;
    }
}

/* Nothing more once the callback asked to stop. */
static int send(hoist_bk_trace *t, hoist_build_event *ev)
{
    return t->d->stop ? 1 : hoist_build_decoder_emit(t->d, ev);
}

static int emit(hoist_bk_trace *t, hoist_build_event_kind kind, const bk_vertex *v, const char *text)
{
    hoist_build_event ev = {.kind = kind, .text = text, .current = -1, .total = -1};
    locate(t, v, &ev);
    return send(t, &ev);
}

static double vertex_duration(const bk_vertex *v)
{
    return v->started > 0 && v->completed >= v->started ? v->completed - v->started : 0;
}

static void add_tail(bk_vertex *v, const char *line)
{
    snprintf(v->tail[v->tail_count % TAIL_LINES], TAIL_LINE_BYTES, "%s", line);
    v->tail_count++;
}

static void emit_line(hoist_bk_trace *t, bk_vertex *v, int stream, const char *data, size_t n)
{
    while (n && (data[n - 1] == '\r' || data[n - 1] == '\n'))
        n--;
    /* A progress bar redraws with \r: keep what was drawn last. */
    const char *cr = memchr(data, '\r', n);
    while (cr) {
        size_t skip = (size_t)(cr - data) + 1;
        data += skip;
        n -= skip;
        cr = memchr(data, '\r', n);
    }
    char *line = malloc(n + 1);
    if (!line)
        return;
    sanitize(line, (const unsigned char *)data, n);
    add_tail(v, line);
    hoist_build_event ev = {.kind = HOIST_EVENT_LOG, .text = line, .current = -1, .total = -1,
                            .stream = stream};
    locate(t, v, &ev);
    send(t, &ev);
    free(line);
}

static void vertex_output(hoist_bk_trace *t, bk_vertex *v, int stream, const unsigned char *msg, size_t len)
{
    line_buf *b = &v->out[stream];
    while (len) {
        const unsigned char *nl = memchr(msg, '\n', len);
        size_t n = nl ? (size_t)(nl - msg) : len;
        if (!b->len && nl) {
            emit_line(t, v, stream, (const char *)msg, n);
            msg += n + 1;
            len -= n + 1;
            continue;
        }
        if (!b->data && !(b->data = malloc(LINE_MAX_BYTES)))
            return;
        size_t room = LINE_MAX_BYTES - b->len;
        size_t take = n < room ? n : room;
        memcpy(b->data + b->len, msg, take);
        b->len += take;
        msg += take;
        len -= take;
        bool line_ends = nl && take == n;
        if (b->len == LINE_MAX_BYTES || line_ends) {
            emit_line(t, v, stream, b->data, b->len);
            b->len = 0;
        }
        if (line_ends) {
            msg++;
            len--;
        }
    }
}

static void flush_vertex(hoist_bk_trace *t, bk_vertex *v)
{
    for (int s = 0; s < 3; s++) {
        line_buf *b = &v->out[s];
        if (b->len) {
            size_t n = b->len;
            b->len = 0;
            if (v->is_step)
                emit_line(t, v, s, b->data, n);
        }
    }
}

static void record_failure(hoist_bk_trace *t, bk_vertex *v, const char *message)
{
    hoist_build_decoder *d = t->d;
    /* A base image that cannot be resolved fails BuildKit's internal
     * "load metadata for <image>" vertex: blame the FROM that names it. */
    static const char metadata[] = "[internal] load metadata for ";
    if (v && !v->is_step && v->name && !strncmp(v->name, metadata, strlen(metadata))) {
        v->instruction = hoist_bk_stages_locate_image(&t->stages, v->name + strlen(metadata));
        if (v->instruction >= 0) {
            v->is_step = true;
            snprintf(v->keyword, sizeof(v->keyword), "FROM");
        }
    }
    d->failed = true;
    t->error_detail[0] = '\0';
    if (v) {
        flush_vertex(t, v);
        t->have_error_vertex = true;
        t->error_vertex = (size_t)(v - t->vertices);
        unsigned from = v->tail_count > TAIL_LINES ? v->tail_count - TAIL_LINES : 0;
        size_t used = 0;
        for (unsigned i = from; i < v->tail_count; i++) {
            int n = snprintf(t->error_detail + used, sizeof(t->error_detail) - used, "%s%s", used ? "\n" : "",
                             v->tail[i % TAIL_LINES]);
            if (n < 0 || (size_t)n >= sizeof(t->error_detail) - used)
                break;
            used += (size_t)n;
        }
    }
    if (v && v->instruction >= 0) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(t->stages.df, (size_t)v->instruction);
        snprintf(d->error_message, sizeof(d->error_message), "%s: %s", ins->original, message);
        snprintf(d->keyword, sizeof(d->keyword), "%s", ins->keyword);
        snprintf(d->step_text, sizeof(d->step_text), "%s", ins->original);
        if (d->steps && (size_t)v->instruction < d->step_count) {
            d->error_line = d->steps[v->instruction].line;
            d->error_end_line = d->steps[v->instruction].end_line;
        }
        d->step = (int)v->instruction + 1;
    } else if (v && v->is_step) {
        snprintf(d->error_message, sizeof(d->error_message), "%s: %s", v->text, message);
        snprintf(d->keyword, sizeof(d->keyword), "%s", v->keyword);
        snprintf(d->step_text, sizeof(d->step_text), "%s", v->text);
    } else {
        snprintf(d->error_message, sizeof(d->error_message), "%s", message);
    }
    hoist_build_event ev = {.kind = HOIST_EVENT_ERROR, .text = message, .current = -1, .total = -1,
                            .detail = t->error_detail[0] ? t->error_detail : NULL};
    locate(t, v, &ev);
    if (v)
        ev.duration = vertex_duration(v);
    send(t, &ev);
}

/* A vertex error caused by another one failing first. */
static bool is_cancellation(const char *error)
{
    return strstr(error, "context canceled") || strstr(error, "context cancelled");
}

static void vertex_update(hoist_bk_trace *t, const Moby__Buildkit__V1__Vertex *pv)
{
    bk_vertex *v = find_vertex(t, pv->digest, true);
    if (!v)
        return;
    if (!v->name && pv->name && *pv->name)
        name_vertex(t, v, pv->name);
    if (pv->started && !v->started)
        v->started = ts_seconds(pv->started);
    if (pv->completed)
        v->completed = ts_seconds(pv->completed);
    bool step = v->is_step;
    if (step && !v->step_emitted && (pv->started || pv->cached || pv->completed)) {
        v->step_emitted = true;
        t->steps_seen++;
        emit(t, HOIST_EVENT_STEP, v, v->text);
    }
    if (step && pv->cached && !v->cached_emitted) {
        v->cached_emitted = true;
        t->d->steps_cached++;
        if (v->counted_run) {
            v->counted_run = false;
            t->d->steps_run--;
        }
        emit(t, HOIST_EVENT_STEP_CACHED, v, NULL);
    }
    if (pv->error && *pv->error && !v->failed) {
        v->failed = true;
        v->done = true;
        /* BuildKit goes on without a cache it cannot import (a --cache-from
         * image not pushed yet): a warning, not the build's failure */
        if (v->text && !strncmp(v->text, "importing cache manifest from ", 30)) {
            char text[1024];
            snprintf(text, sizeof(text), "%s: %s (building without it)", v->text, pv->error);
            emit(t, HOIST_EVENT_WARNING, NULL, text);
            return;
        }
        if (!t->d->failed && !is_cancellation(pv->error))
            record_failure(t, v, pv->error);
        return;
    }
    if (pv->completed && !v->done) {
        v->done = true;
        flush_vertex(t, v);
        if (step && !v->cached_emitted) {
            if (strcmp(v->keyword, "FROM")) { /* choosing a base image is not running a step */
                t->d->steps_run++;
                v->counted_run = true;
            }
            hoist_build_event ev = {.kind = HOIST_EVENT_STEP_DONE, .current = -1, .total = -1,
                                    .duration = vertex_duration(v)};
            locate(t, v, &ev);
            ev.text = v->text;
            send(t, &ev);
        }
    }
}

static bool status_reported(hoist_bk_trace *t, const char *id)
{
    for (size_t i = 0; i < t->done_count; i++)
        if (!strcmp(t->done_statuses[i], id))
            return true;
    char **grown = hoist_vec_grow(t->done_statuses, &t->done_cap, t->done_count, sizeof(*grown), 16);
    if (!grown)
        return true;
    t->done_statuses = grown;
    char *copy = dup_str(id);
    if (!copy)
        return true;
    t->done_statuses[t->done_count++] = copy;
    return false;
}

static void status_update(hoist_bk_trace *t, const Moby__Buildkit__V1__VertexStatus *ps)
{
    if (!ps->completed || !ps->id || !*ps->id)
        return;
    if (status_reported(t, ps->id))
        return;
    bk_vertex *v = find_vertex(t, ps->vertex, false);
    static const char naming[] = "naming to ";
    if (!strncmp(ps->id, naming, strlen(naming))) {
        /* dockerd tags the image itself and says so in a "Successfully
         * tagged" stream message; these names are the fallback */
        if (t->naming_count < HOIST_BUILD_MAX_TAGS)
            snprintf(t->naming[t->naming_count++], sizeof(t->naming[0]), "%s", ps->id + strlen(naming));
        return;
    }
    if (!v || !v->is_step)
        return;
    hoist_build_event ev = {.kind = HOIST_EVENT_PULL, .text = ps->name && *ps->name ? ps->name : ps->id,
                            .current = ps->current, .total = ps->total > 0 ? ps->total : -1};
    locate(t, v, &ev);
    ev.id = ps->id;
    send(t, &ev);
}

static void log_update(hoist_bk_trace *t, const Moby__Buildkit__V1__VertexLog *pl)
{
    bk_vertex *v = find_vertex(t, pl->vertex, true);
    if (!v || !pl->msg.len)
        return;
    int stream = pl->stream == 1 || pl->stream == 2 ? (int)pl->stream : 0;
    if (!v->is_step && v->name)
        return; /* internal vertices' output is not build output */
    vertex_output(t, v, stream, pl->msg.data, pl->msg.len);
}

static void warning_update(hoist_bk_trace *t, const Moby__Buildkit__V1__VertexWarning *pw)
{
    bk_vertex *v = find_vertex(t, pw->vertex, false);
    char *text = malloc(pw->short_.len + 1);
    size_t detail_len = 0;
    for (size_t i = 0; i < pw->n_detail; i++)
        detail_len += pw->detail[i].len + 1;
    if (pw->url && *pw->url)
        detail_len += strlen(pw->url) + 1;
    char *detail = malloc(detail_len + 1);
    if (!text || !detail) {
        free(text);
        free(detail);
        return;
    }
    sanitize(text, pw->short_.data, pw->short_.len);
    size_t used = 0;
    for (size_t i = 0; i < pw->n_detail; i++) {
        if (used)
            detail[used++] = '\n';
        sanitize(detail + used, pw->detail[i].data, pw->detail[i].len);
        used += strlen(detail + used);
    }
    if (pw->url && *pw->url)
        used += (size_t)sprintf(detail + used, "%s%s", used ? "\n" : "", pw->url);
    detail[used] = '\0';
    hoist_build_event ev = {.kind = HOIST_EVENT_WARNING, .text = text, .current = -1, .total = -1,
                            .detail = used ? detail : NULL};
    locate(t, v, &ev);
    send(t, &ev);
    free(text);
    free(detail);
}

/* --------------------------------------------------------------- messages */

static void status_response(hoist_bk_trace *t, Moby__Buildkit__V1__StatusResponse *sr);

static int trace_message(hoist_bk_trace *t, const char *aux, size_t len, hoist_error *err)
{
    t->messages++;
    unsigned char *raw = malloc(len / 4 * 3 + 4);
    if (!raw)
        return hoist_error_set(err, HOIST_EENV, "out of memory decoding the daemon's BuildKit progress");
    long n = hoist_base64_decode(aux, len, raw);
    if (n < 0) {
        free(raw);
        hoist_error_set(err, HOIST_EENV, "BuildKit progress message %lu from the daemon is not valid base64",
                        t->messages);
        return hoist_error_hint(err, "the reply of POST /build was damaged on the way (a proxy?); "
                                     "retry, or build with --engine cli");
    }
    Moby__Buildkit__V1__StatusResponse *sr = moby__buildkit__v1__status_response__unpack(NULL, (size_t)n, raw);
    free(raw);
    if (!sr) {
        hoist_error_set(err, HOIST_EENV, "BuildKit progress message %lu from the daemon is not a valid "
                        "StatusResponse (protobuf)", t->messages);
        return hoist_error_hint(err, "the reply of POST /build was damaged on the way (a proxy?); "
                                     "retry, or build with --engine cli");
    }
    status_response(t, sr);
    return 0;
}

int hoist_bk_trace_status(hoist_bk_trace *t, const uint8_t *data, size_t len, hoist_error *err)
{
    t->messages++;
    Moby__Buildkit__V1__StatusResponse *sr = moby__buildkit__v1__status_response__unpack(NULL, len, data);
    if (!sr)
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "BuildKit status message %lu from the "
                                "builder is not a valid StatusResponse (protobuf)", t->messages);
    status_response(t, sr);
    return t->d->stop ? HOIST_EINTERRUPTED : 0;
}

static void status_response(hoist_bk_trace *t, Moby__Buildkit__V1__StatusResponse *sr)
{
    for (size_t i = 0; i < sr->n_vertexes && !t->d->stop; i++)
        vertex_update(t, sr->vertexes[i]);
    for (size_t i = 0; i < sr->n_logs && !t->d->stop; i++)
        log_update(t, sr->logs[i]);
    for (size_t i = 0; i < sr->n_statuses && !t->d->stop; i++)
        status_update(t, sr->statuses[i]);
    for (size_t i = 0; i < sr->n_warnings && !t->d->stop; i++)
        warning_update(t, sr->warnings[i]);
    moby__buildkit__v1__status_response__free_unpacked(sr, NULL);
}

static void daemon_error(hoist_bk_trace *t, const char *message)
{
    if (t->d->failed)
        return; /* the failing vertex said it first, with its location */
    char trimmed[HOIST_ERROR_MESSAGE_MAX];
    snprintf(trimmed, sizeof(trimmed), "%s", message);
    size_t n = strlen(trimmed);
    while (n && (trimmed[n - 1] == '\n' || trimmed[n - 1] == '\r'))
        trimmed[--n] = '\0';
    /* Find the vertex the error is about: one that failed, else none. */
    bk_vertex *v = NULL;
    for (size_t i = 0; i < t->vertex_count && !v; i++)
        if (t->vertices[i].failed)
            v = &t->vertices[i];
    record_failure(t, v, trimmed);
}

int hoist_bk_trace_message(hoist_bk_trace *t, json_t *msg, hoist_error *err)
{
    if (!json_is_object(msg))
        return hoist_build_decoder_message(t->d, msg) ? HOIST_EINTERRUPTED : 0;
    const char *id = hoist_json_str(msg, "id", NULL);
    json_t *aux = json_object_get(msg, "aux");
    if (id && !strcmp(id, "moby.buildkit.trace")) {
        if (!json_is_string(aux)) {
            hoist_error_set(err, HOIST_EENV, "BuildKit progress message %lu from the daemon has no base64 \"aux\"",
                            t->messages + 1);
            return hoist_error_hint(err, "the daemon's reply is not what BuildKit sends; build with --engine cli");
        }
        int rc = trace_message(t, json_string_value(aux), json_string_length(aux), err);
        if (rc)
            return rc;
    } else if (id && !strcmp(id, "moby.image.id")) {
        const char *image = hoist_json_str(aux, "ID", NULL);
        if (image) {
            snprintf(t->d->image_id, sizeof(t->d->image_id), "%s", image);
            hoist_build_event ev = {.kind = HOIST_EVENT_IMAGE_ID, .id = t->d->image_id, .current = -1,
                                    .total = -1};
            send(t, &ev);
        }
    } else {
        json_t *detail = json_object_get(msg, "errorDetail");
        const char *error = hoist_json_str(detail, "message", hoist_json_str(msg, "error", NULL));
        if (error)
            daemon_error(t, error);
        else
            hoist_build_decoder_message(t->d, msg);
    }
    return t->d->stop ? HOIST_EINTERRUPTED : 0;
}

static int on_json(json_t *msg, void *user)
{
    hoist_bk_trace *t = user;
    return hoist_bk_trace_message(t, msg, t->feed_err);
}

hoist_bk_trace *hoist_bk_trace_new(hoist_build_decoder *decoder, const hoist_dockerfile *df)
{
    hoist_bk_trace *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->d = decoder;
    hoist_bk_stages_init(&t->stages, df);
    t->json = hoist_json_stream_new(on_json, t);
    if (!t->json) {
        free(t);
        return NULL;
    }
    return t;
}

void hoist_bk_trace_free(hoist_bk_trace *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->vertex_count; i++) {
        bk_vertex *v = &t->vertices[i];
        free(v->digest);
        free(v->name);
        for (int s = 0; s < 3; s++)
            free(v->out[s].data);
    }
    free(t->vertices);
    for (size_t i = 0; i < t->done_count; i++)
        free(t->done_statuses[i]);
    free(t->done_statuses);
    hoist_json_stream_free(t->json);
    free(t);
}

int hoist_bk_trace_feed(hoist_bk_trace *t, const char *data, size_t len, hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    t->feed_err = err;
    int rc = hoist_json_stream_feed(t->json, data, len, err);
    t->feed_err = NULL;
    if (rc == HOIST_EFAILED) /* the splitter's "malformed" / "exceeds": the reply, not the build */
        err->code = rc = HOIST_EENV;
    return rc;
}

int hoist_bk_trace_finish(hoist_bk_trace *t, hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    t->feed_err = err;
    int rc = hoist_json_stream_finish(t->json, err);
    t->feed_err = NULL;
    for (size_t i = 0; i < t->vertex_count; i++)
        flush_vertex(t, &t->vertices[i]);
    hoist_build_decoder *d = t->d;
    hoist_build_decoder_finish(d); /* plain "stream" text the daemon added ("Successfully tagged") */
    d->step_total = t->steps_seen;
    if (!d->failed && !d->tag_count)
        for (size_t i = 0; i < t->naming_count; i++) {
            snprintf(d->tags[d->tag_count++], sizeof(d->tags[0]), "%s", t->naming[i]);
            emit(t, HOIST_EVENT_TAGGED, NULL, t->naming[i]);
        }
    if (d->failed) {
        hoist_error_set(err, HOIST_EFAILED, "%s", d->error_message);
        if (d->error_line)
            hoist_error_at(err, d->file, d->error_line, 0);
        if (t->error_detail[0]) {
            char hint[HOIST_ERROR_HINT_MAX];
            snprintf(hint, sizeof(hint), "the step's last output:\n%s", t->error_detail);
            hoist_error_hint(err, "%s", hint);
        }
        return HOIST_EFAILED;
    }
    if (rc)
        return rc == HOIST_EFAILED ? HOIST_EENV : rc;
    if (d->stop)
        return hoist_error_set(err, HOIST_EINTERRUPTED, "build cancelled");
    if (!d->image_id[0]) {
        hoist_error_set(err, HOIST_EENV, "the daemon's BuildKit reply ended with neither an image ID nor an error");
        return hoist_error_hint(err, "the connection to the daemon was cut, or the daemon stopped; check its log");
    }
    return 0;
}

static int reply_feed(void *t, const char *data, size_t len, hoist_error *err)
{
    return data ? hoist_bk_trace_feed(t, data, len, err) : hoist_bk_trace_finish(t, err);
}

void hoist_bk_trace_reply(hoist_bk_trace *t, hoist_reply *reply)
{
    reply->feed = reply_feed;
    reply->decoder = t;
}
