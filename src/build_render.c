/*
 * build_render.c - renderers for build events.
 *
 * Every renderer reads the same event model, whichever engine produced it.
 * Human output goes to stderr so that stdout stays clean for scripts (the
 * image ID with -q, the event stream with --progress json). The JSON
 * schema is documented in docs/build-events.md; keep the two in step.
 */
#include "build_render.h"
#include "cli.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

void build_renderer_init(build_renderer *r, render_mode mode)
{
    memset(r, 0, sizeof(*r));
    r->mode = mode;
    r->out = mode == RENDER_JSON ? stdout : stderr;
    r->color = mode == RENDER_TTY && cli_use_color(stderr);
    if (mode == RENDER_TTY) {
        build_live_init(&r->live, r->out, r->color);
        build_live_start(&r->live);
    }
}

static void human_size(double bytes, char *buf, size_t size)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

static void json_event(build_renderer *r, const hoist_build_event *ev)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(hoist_build_event_kind_name(ev->kind)));
    json_object_set_new(o, "elapsed", json_real(ev->elapsed));
    if (ev->text)
        json_object_set_new(o, "text", json_string(ev->text));
    if (ev->id)
        json_object_set_new(o, "id", json_string(ev->id));
    if (ev->step > 0) {
        json_object_set_new(o, "step", json_integer(ev->step));
        json_object_set_new(o, "steps", json_integer(ev->step_total));
    }
    if (ev->keyword && (ev->kind == HOIST_EVENT_STEP || ev->kind == HOIST_EVENT_STEP_CACHED ||
                        ev->kind == HOIST_EVENT_STEP_DONE || ev->kind == HOIST_EVENT_ERROR))
        json_object_set_new(o, "keyword", json_string(ev->keyword));
    if (ev->kind == HOIST_EVENT_FINDING && ev->keyword)
        json_object_set_new(o, "severity", json_string(ev->keyword));
    if (ev->file && ev->line > 0) {
        json_object_set_new(o, "file", json_string(ev->file));
        json_object_set_new(o, "line", json_integer(ev->line));
        json_object_set_new(o, "end_line", json_integer(ev->end_line > 0 ? ev->end_line : ev->line));
    }
    if (ev->current >= 0)
        json_object_set_new(o, "current", json_integer(ev->current));
    if (ev->total >= 0)
        json_object_set_new(o, "total", json_integer(ev->total));
    if (ev->kind == HOIST_EVENT_UPLOAD)
        json_object_set_new(o, "done", json_boolean(ev->done));
    if (ev->kind == HOIST_EVENT_STEP_DONE ||
        (ev->vertex && (ev->kind == HOIST_EVENT_STEP_CACHED || ev->kind == HOIST_EVENT_ERROR)))
        json_object_set_new(o, "duration", json_real(ev->duration));
    if (ev->kind == HOIST_EVENT_LOG && ev->stream > 0)
        json_object_set_new(o, "stream", json_integer(ev->stream));
    if (ev->vertex)
        json_object_set_new(o, "vertex", json_string(ev->vertex));
    if (ev->detail)
        json_object_set_new(o, "detail", json_string(ev->detail));
    if (ev->reason)
        json_object_set_new(o, "reason", json_string(ev->reason));
    json_dumpf(o, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', r->out);
    fflush(r->out);
    json_decref(o);
}

static void end_upload_line(build_renderer *r)
{
    if (r->upload_line) {
        fputc('\n', r->out);
        r->upload_line = false;
    }
}

/* PLAIN: BuildKit runs steps in parallel, so output, cache hits and
 * completions name their step when it is not the one shown last. */
static void plain_step_ref(build_renderer *r, const hoist_build_event *ev, char *buf, size_t size)
{
    buf[0] = '\0';
    if (ev->step > 0 && ev->step != r->last_step)
        snprintf(buf, size, " (step %d/%d)", ev->step, ev->step_total);
}

/* Print `text` and a newline; without colour (stderr not a terminal, or
 * NO_COLOR), the ANSI escape sequences a RUN command's own output carries
 * (compilers, test runners and package managers colour their output) are
 * dropped: CSI "ESC [ params final", OSC "ESC ] ... BEL|ESC \\", and the
 * two-byte "ESC x". */
static void put_line(build_renderer *r, const char *text)
{
    if (r->color || !strchr(text, '\033')) {
        fprintf(r->out, "%s\n", text);
        return;
    }
    for (const char *p = text; *p;) {
        if (*p != '\033') {
            size_t n = strcspn(p, "\033");
            fwrite(p, 1, n, r->out);
            p += n;
            continue;
        }
        p++;
        if (*p == '[') {
            for (p++; *p && !(*p >= 0x40 && *p <= 0x7e); p++)
                ;
            if (*p)
                p++;
        } else if (*p == ']') {
            for (p++; *p && *p != '\a' && !(*p == '\033' && p[1] == '\\'); p++)
                ;
            if (*p == '\a')
                p++;
            else if (*p)
                p += 2;
        } else if (*p) {
            p++;
        }
    }
    fputc('\n', r->out);
}

static void text_event(build_renderer *r, const hoist_build_event *ev)
{
    const char *bold = r->color ? "\033[1m" : "";
    const char *dim = r->color ? "\033[2m" : "";
    const char *yellow = r->color ? "\033[33m" : "";
    const char *reset = r->color ? "\033[0m" : "";
    char size[32];
    char ref[48];
    switch (ev->kind) {
    case HOIST_EVENT_NOTE:
        end_upload_line(r);
        fprintf(r->out, "%shoist: %s%s\n", dim, ev->text, reset);
        break;
    case HOIST_EVENT_UPLOAD:
        human_size((double)ev->current, size, sizeof(size));
        if (r->upload_started <= 0)
            r->upload_started = ev->elapsed;
        if (r->mode == RENDER_TTY) {
            double seconds = ev->elapsed - r->upload_started;
            char rate_text[32], total_text[32];
            human_size(seconds > 0.01 ? ev->current / seconds : 0, rate_text, sizeof(rate_text));
            fprintf(r->out, "\r\033[Khoist: %s ", ev->text);
            if (!ev->done && ev->total > 0) {
                double fraction = (double)ev->current / (double)ev->total;
                if (fraction > 1)
                    fraction = 1;
                int filled = (int)(fraction * 24);
                human_size((double)ev->total, total_text, sizeof(total_text));
                fprintf(r->out, "[%.*s%.*s] %3d%% %s / ~%s", filled, "########################", 24 - filled,
                        "........................", (int)(fraction * 100), size, total_text);
            } else {
                fprintf(r->out, "%s", size);
            }
            if (seconds >= 0.05)
                fprintf(r->out, " (%s/s)", rate_text);
            r->upload_line = true;
            if (ev->done)
                end_upload_line(r);
        } else if (ev->done) {
            fprintf(r->out, "hoist: context sent: %s\n", size);
        }
        break;
    case HOIST_EVENT_STEP:
        end_upload_line(r);
        fprintf(r->out, "%sStep %d/%d : %s%s", bold, ev->step, ev->step_total, ev->text, reset);
        if (ev->file && ev->line > 0)
            fprintf(r->out, "  %s(%s:%d)%s", dim, ev->file, ev->line, reset);
        fputc('\n', r->out);
        r->last_step = ev->step;
        break;
    case HOIST_EVENT_STEP_CACHED:
        plain_step_ref(r, ev, ref, sizeof(ref));
        fprintf(r->out, " %s---> cached%s%s\n", dim, ref, reset);
        break;
    case HOIST_EVENT_STEP_DONE:
        plain_step_ref(r, ev, ref, sizeof(ref));
        fprintf(r->out, " %s---> done in %.1fs%s%s\n", dim, ev->duration, ref, reset);
        break;
    case HOIST_EVENT_LOG:
        if (ev->step > 0 && ev->step != r->last_step && ev->vertex) {
            fprintf(r->out, "%s[step %d/%d]%s ", dim, ev->step, ev->step_total, reset);
        }
        put_line(r, ev->text);
        break;
    case HOIST_EVENT_PULL:
        if (ev->id)
            fprintf(r->out, "%s: ", ev->id);
        put_line(r, ev->text);
        break;
    case HOIST_EVENT_WARNING:
        end_upload_line(r);
        fprintf(r->out, "%swarning:%s %s\n", yellow, reset, ev->text);
        break;
    case HOIST_EVENT_ERROR:
        break; /* reported once, with its location, by build_render_failure */
    case HOIST_EVENT_IMAGE_ID:
        break;
    case HOIST_EVENT_FINDING:
        end_upload_line(r);
        if (ev->file && ev->line > 0)
            fprintf(r->out, "%s%s:%d: %s%s %s: %s\n", yellow, ev->file, ev->line, ev->keyword, reset, ev->id, ev->text);
        else
            fprintf(r->out, "%s%s: %s%s %s: %s\n", yellow, ev->file ? ev->file : "", ev->keyword, reset, ev->id,
                    ev->text);
        break;
    case HOIST_EVENT_TAGGED:
        fprintf(r->out, "Successfully tagged %s\n", ev->text);
        break;
    }
    fflush(r->out);
}

int build_render_event(const hoist_build_event *ev, void *user)
{
    build_renderer *r = user;
    if (r->mode == RENDER_QUIET)
        return 0;
    if (r->mode == RENDER_JSON) {
        json_event(r, ev);
        return 0;
    }
    if (r->mode == RENDER_TTY) {
        if (build_live_event(&r->live, ev))
            return 0;
        build_live_above(&r->live);
        text_event(r, ev);
        build_live_below(&r->live);
        return 0;
    }
    text_event(r, ev);
    return 0;
}

void build_render_result(build_renderer *r, const hoist_build_result *res)
{
    char size[32];
    human_size((double)res->context_bytes, size, sizeof(size));
    if (r->mode == RENDER_TTY)
        build_live_finish(&r->live, true);
    if (r->mode == RENDER_QUIET) {
        printf("%s\n", res->image_id);
        return;
    }
    if (r->mode == RENDER_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string("result"));
        json_object_set_new(o, "image_id", json_string(res->image_id));
        json_t *tags = json_array();
        for (size_t i = 0; i < res->tag_count; i++)
            json_array_append_new(tags, json_string(res->tags[i]));
        json_object_set_new(o, "tags", tags);
        json_object_set_new(o, "seconds", json_real(res->seconds));
        json_object_set_new(o, "context_bytes", json_integer((json_int_t)res->context_bytes));
        json_object_set_new(o, "context_entries", json_integer((json_int_t)res->context_entries));
        json_object_set_new(o, "steps", json_integer(res->steps_total));
        json_object_set_new(o, "steps_run", json_integer(res->steps_run));
        json_object_set_new(o, "steps_cached", json_integer(res->steps_cached));
        json_object_set_new(o, "api_version", json_string(res->api_version));
        json_object_set_new(o, "engine", json_string(hoist_build_engine_name(res->engine)));
        json_object_set_new(o, "builder", json_string(hoist_build_builder_name(res->builder)));
        json_dumpf(o, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', r->out);
        json_decref(o);
        return;
    }
    end_upload_line(r);
    if (res->engine == HOIST_BUILD_ENGINE_CLI)
        fprintf(r->out, "hoist: built %s in %.1fs with the docker CLI (%s; %d steps: %d run, %d cached)\n",
                res->image_id, res->seconds, hoist_build_builder_name(res->builder), res->steps_total,
                res->steps_run, res->steps_cached);
    else if (res->engine == HOIST_BUILD_ENGINE_BUILDKIT)
        fprintf(r->out, "hoist: built %s in %.1fs with %s%s (context: %s in %llu files sent; "
                "%d steps: %d run, %d cached)\n", res->image_id[0] ? res->image_id : "(exported with --output)",
                res->seconds, r->builder ? "the BuildKit builder " : "the daemon's BuildKit",
                r->builder ? r->builder : "", size, (unsigned long long)res->context_entries, res->steps_total,
                res->steps_run, res->steps_cached);
    else
        fprintf(r->out, "hoist: built %s in %.1fs (context %s, %llu entries; %d steps: %d run, %d cached)\n",
                res->image_id, res->seconds, size, (unsigned long long)res->context_entries,
                res->steps_total, res->steps_run, res->steps_cached);
    for (size_t i = 0; i < res->tag_count; i++)
        fprintf(r->out, "hoist: tagged %s\n", res->tags[i]);
}

void build_render_failure(build_renderer *r, const hoist_error *err, const hoist_build_result *res)
{
    if (r->mode == RENDER_TTY)
        build_live_finish(&r->live, false);
    if (r->mode == RENDER_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string("failed"));
        json_object_set_new(o, "exit_code", json_integer(err->code));
        if (err->reason != HOIST_REASON_NONE)
            json_object_set_new(o, "reason", json_string(hoist_reason_name(err->reason)));
        json_object_set_new(o, "message", json_string(err->message));
        if (err->hint[0])
            json_object_set_new(o, "hint", json_string(err->hint));
        if (err->file[0])
            json_object_set_new(o, "file", json_string(err->file));
        if (err->line > 0)
            json_object_set_new(o, "line", json_integer(err->line));
        json_object_set_new(o, "seconds", json_real(res->seconds));
        json_dumpf(o, r->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', r->out);
        json_decref(o);
    }
    end_upload_line(r);
    cli_report("build", err);
}
