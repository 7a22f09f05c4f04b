/*
 * decoder.c - daemon build messages to hoist events.
 *
 * The classic builder reports progress as text in "stream" messages. A
 * step starts with "Step i/N : KEYWORD args"; the builder numbers every
 * instruction it will run in file order, so step i is the i-th entry of
 * the step map, checked against the keyword (and searched for when they
 * disagree, e.g. a daemon that counts differently). Bookkeeping lines
 * (" ---> <id>", "Running in", "Removing intermediate container") are
 * consumed here; "Using cache" marks the step cached; everything else is
 * build output, delivered line by line.
 */
#include "build/decoder.h"
#include "common/json_util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

double hoist_monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void hoist_build_decoder_init(hoist_build_decoder *d, const char *file, const hoist_step_source *steps,
                              size_t step_count, hoist_build_event_fn on_event, void *user)
{
    memset(d, 0, sizeof(*d));
    d->file = file;
    d->steps = steps;
    d->step_count = step_count;
    d->on_event = on_event;
    d->user = user;
    d->started = hoist_monotonic_seconds();
    d->step_index = (size_t)-1;
}

static void locate(const hoist_build_decoder *d, hoist_build_event *ev)
{
    ev->step = d->step;
    ev->step_total = d->step_total;
    if (d->step_index != (size_t)-1 && d->step_index < d->step_count) {
        ev->file = d->file;
        ev->line = d->steps[d->step_index].line;
        ev->end_line = d->steps[d->step_index].end_line;
    }
}

int hoist_build_decoder_emit(hoist_build_decoder *d, hoist_build_event *ev)
{
    ev->elapsed = hoist_monotonic_seconds() - d->started;
    if (!ev->keyword && d->keyword[0])
        ev->keyword = d->keyword;
    if (d->on_event && d->on_event(ev, d->user))
        d->stop = true;
    return d->stop;
}

int hoist_build_decoder_note(hoist_build_decoder *d, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    hoist_build_event ev = {.kind = HOIST_EVENT_NOTE, .text = text, .current = -1, .total = -1};
    return hoist_build_decoder_emit(d, &ev);
}

static void emit_simple(hoist_build_decoder *d, hoist_build_event_kind kind, const char *text, const char *id)
{
    hoist_build_event ev = {.kind = kind, .text = text, .id = id, .current = -1, .total = -1};
    locate(d, &ev);
    hoist_build_decoder_emit(d, &ev);
}

/* Close the current step: count it as run or cached. */
static void close_step(hoist_build_decoder *d)
{
    if (d->step <= 0)
        return;
    if (d->step_was_cached)
        d->steps_cached++;
    else if (strcmp(d->keyword, "FROM")) /* choosing a base image is not running a step */
        d->steps_run++;
    d->step_was_cached = false;
}

static size_t find_step(const hoist_build_decoder *d, int step, const char *keyword)
{
    if (!d->steps || step <= 0)
        return (size_t)-1;
    size_t guess = (size_t)(step - 1);
    if (guess < d->step_count && !strcasecmp(d->steps[guess].keyword, keyword))
        return guess;
    size_t from = d->step_index == (size_t)-1 ? 0 : d->step_index + 1;
    for (size_t i = from; i < d->step_count; i++)
        if (!strcasecmp(d->steps[i].keyword, keyword))
            return i;
    return guess < d->step_count ? guess : (size_t)-1;
}

/* "Step 3/7 : RUN make" */
static bool parse_step_line(hoist_build_decoder *d, const char *line)
{
    /* Positive numbers of at most 6 digits only: another line that starts
     * with "Step" is output, and sscanf's %d is undefined on overflow. */
    if (strncmp(line, "Step ", 5) != 0)
        return false;
    const char *p = line + 5;
    int step = 0, total = 0, digits = 0;
    for (; isdigit((unsigned char)*p) && digits < 7; p++, digits++)
        step = step * 10 + (*p - '0');
    if (digits == 0 || digits > 6 || step == 0 || *p++ != '/')
        return false;
    for (digits = 0; isdigit((unsigned char)*p) && digits < 7; p++, digits++)
        total = total * 10 + (*p - '0');
    if (digits == 0 || digits > 6 || total == 0)
        return false;
    while (*p == ' ')
        p++;
    if (*p != ':')
        return false;
    const char *text = p + 1;
    while (*text == ' ')
        text++;
    close_step(d);
    d->step = step;
    d->step_total = total;
    snprintf(d->step_text, sizeof(d->step_text), "%s", text);
    size_t k = 0;
    while (text[k] && !isspace((unsigned char)text[k]) && k + 1 < sizeof(d->keyword)) {
        d->keyword[k] = (char)toupper((unsigned char)text[k]);
        k++;
    }
    d->keyword[k] = '\0';
    d->step_index = find_step(d, step, d->keyword);
    hoist_build_event ev = {.kind = HOIST_EVENT_STEP, .text = d->step_text, .keyword = d->keyword,
                            .current = -1, .total = -1};
    locate(d, &ev);
    hoist_build_decoder_emit(d, &ev);
    return true;
}

static bool starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static void handle_line(hoist_build_decoder *d, char *line)
{
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        line[--n] = '\0';
    if (parse_step_line(d, line))
        return;
    if (starts_with(line, " ---> Using cache")) {
        d->step_was_cached = true;
        emit_simple(d, HOIST_EVENT_STEP_CACHED, d->step_text, NULL);
        return;
    }
    if (starts_with(line, " ---> ") || starts_with(line, "Removing intermediate container ") ||
        starts_with(line, "Successfully built "))
    {
        if (starts_with(line, "Successfully built ") && !d->image_id[0])
            snprintf(d->image_id, sizeof(d->image_id), "%s", line + strlen("Successfully built "));
        return;
    }
    if (starts_with(line, "Successfully tagged ")) {
        const char *tag = line + strlen("Successfully tagged ");
        if (d->tag_count < HOIST_BUILD_MAX_TAGS)
            snprintf(d->tags[d->tag_count++], sizeof(d->tags[0]), "%s", tag);
        emit_simple(d, HOIST_EVENT_TAGGED, tag, NULL);
        return;
    }
    /* q=1: the only stream message is the image ID. */
    if (d->step == 0 && starts_with(line, "sha256:") && !strchr(line, ' ')) {
        if (!d->image_id[0])
            snprintf(d->image_id, sizeof(d->image_id), "%s", line);
        return;
    }
    emit_simple(d, HOIST_EVENT_LOG, line, NULL);
}

/* Split stream text into lines; keep a trailing partial line for later. */
static void handle_stream(hoist_build_decoder *d, const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        if (d->pending_len + n >= sizeof(d->pending)) {
            /* An enormous line: deliver what we have rather than grow. */
            d->pending[d->pending_len] = '\0';
            handle_line(d, d->pending);
            d->pending_len = 0;
            if (n >= sizeof(d->pending))
                n = sizeof(d->pending) - 1;
        }
        memcpy(d->pending + d->pending_len, text, n);
        d->pending_len += n;
        if (!nl) {
            break;
        }
        d->pending[d->pending_len] = '\0';
        handle_line(d, d->pending);
        d->pending_len = 0;
        text = nl + 1;
    }
}

static void flush_pending(hoist_build_decoder *d)
{
    if (!d->pending_len)
        return;
    d->pending[d->pending_len] = '\0';
    d->pending_len = 0;
    handle_line(d, d->pending);
}

static void handle_error(hoist_build_decoder *d, const char *message)
{
    flush_pending(d);
    d->failed = true;
    char trimmed[HOIST_ERROR_MESSAGE_MAX];
    snprintf(trimmed, sizeof(trimmed), "%s", message);
    size_t n = strlen(trimmed);
    while (n && (trimmed[n - 1] == '\n' || trimmed[n - 1] == '\r'))
        trimmed[--n] = '\0';
    if (d->step > 0)
        snprintf(d->error_message, sizeof(d->error_message), "%s: %s", d->step_text, trimmed);
    else
        snprintf(d->error_message, sizeof(d->error_message), "%s", trimmed);
    if (d->step_index != (size_t)-1 && d->step_index < d->step_count) {
        d->error_line = d->steps[d->step_index].line;
        d->error_end_line = d->steps[d->step_index].end_line;
    }
    emit_simple(d, HOIST_EVENT_ERROR, trimmed, NULL);
}

int hoist_build_decoder_message(hoist_build_decoder *d, json_t *msg)
{
    if (json_is_string(msg)) {
        handle_stream(d, json_string_value(msg));
        handle_stream(d, "\n");
        return d->stop;
    }
    if (!json_is_object(msg))
        return d->stop;

    json_t *detail = json_object_get(msg, "errorDetail");
    const char *error = hoist_json_str(detail, "message", hoist_json_str(msg, "error", NULL));
    if (error) {
        handle_error(d, error);
        return d->stop;
    }
    const char *stream = hoist_json_str(msg, "stream", NULL);
    if (stream)
        handle_stream(d, stream);

    json_t *aux = json_object_get(msg, "aux");
    const char *id = hoist_json_str(aux, "ID", NULL);
    if (id) {
        snprintf(d->image_id, sizeof(d->image_id), "%s", id);
        emit_simple(d, HOIST_EVENT_IMAGE_ID, NULL, id);
    }

    const char *status = hoist_json_str(msg, "status", NULL);
    if (status) {
        json_t *progress = json_object_get(msg, "progressDetail");
        hoist_build_event ev = {.kind = HOIST_EVENT_PULL, .text = status,
                                .id = hoist_json_str(msg, "id", NULL),
                                .current = hoist_json_int(progress, "current", -1),
                                .total = hoist_json_int(progress, "total", -1)};
        locate(d, &ev);
        hoist_build_decoder_emit(d, &ev);
    }
    return d->stop;
}

void hoist_build_decoder_finish(hoist_build_decoder *d)
{
    flush_pending(d);
    if (!d->failed)
        close_step(d);
}
