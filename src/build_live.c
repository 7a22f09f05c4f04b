/*
 * build_live.c - the live terminal view of build steps.
 *
 * Output model: everything above the region is final and scrolls like
 * plain output; the region (running steps, their last lines) is erased
 * with "cursor up N, clear to end of screen" and drawn again. Its lines
 * are cut to the terminal's width so that none wraps (a wrapped line
 * would break the count). Events arrive on the library's thread; a ticker
 * thread redraws every 0.1 s while steps run; one mutex guards the state.
 */
#include "build_live.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_INTERVAL 0.1

static double now_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void build_live_init(build_live *l, FILE *out, bool color)
{
    memset(l, 0, sizeof(*l));
    l->out = out;
    l->color = color;
    l->width = 80;
    l->height = 24;
    l->clock_offset = -1;
    struct winsize ws;
    if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        l->width = ws.ws_col;
        l->height = ws.ws_row > 4 ? ws.ws_row : 4;
    }
    pthread_mutex_init(&l->lock, NULL);
}

static double elapsed_now(const build_live *l)
{
    return l->clock_offset < 0 ? 0 : now_monotonic() - l->clock_offset;
}

/* Print at most `cols` columns of s (UTF-8 aware: continuation bytes take
 * no column). The program's own colour sequences (ESC [ ... letter) are
 * dropped: in the region they would bleed into the next line. */
static int put_cut(FILE *out, const char *s, int cols)
{
    int used = 0;
    const char *p = s;
    while (*p) {
        unsigned char c = (unsigned char)*p;
        if (c == 0x1b && p[1] == '[') {
            p += 2;
            while (*p && !(*p >= 0x40 && *p <= 0x7e))
                p++;
            if (*p)
                p++;
            continue;
        }
        if ((c & 0xC0) != 0x80) {
            if (used >= cols)
                break;
            used++;
        }
        fputc(c == '\t' ? ' ' : (c < 0x20 ? '?' : c), out);
        p++;
    }
    return used;
}

static void erase_region(build_live *l)
{
    if (l->region_lines > 0)
        fprintf(l->out, "\033[%dA\033[J", l->region_lines);
    l->region_lines = 0;
}

static const char *tail_line(const live_step *s, unsigned i)
{
    return s->tail[i % LIVE_TAIL_LINES];
}

static void draw_region(build_live *l)
{
    erase_region(l);
    const char *dim = l->color ? "\033[2m" : "";
    const char *blue = l->color ? "\033[34m" : "";
    const char *reset = l->color ? "\033[0m" : "";
    int budget = l->height - 2;
    double now = elapsed_now(l);
    for (size_t i = 0; i < l->count && budget > 0; i++) {
        live_step *s = &l->steps[i];
        if (s->state != LIVE_RUNNING)
            continue;
        char time_text[32];
        snprintf(time_text, sizeof(time_text), " %.1fs", now - s->started > 0 ? now - s->started : 0);
        fprintf(l->out, "%s=> ", blue);
        char head[LIVE_LINE_BYTES + 32];
        snprintf(head, sizeof(head), "[%d/%d] %s", s->step, s->total, s->text);
        int room = l->width - 1 - 3 - (int)strlen(time_text);
        put_cut(l->out, head, room > 10 ? room : 10);
        fprintf(l->out, "%s%s\n", time_text, reset);
        l->region_lines++;
        budget--;
        unsigned from = s->lines > LIVE_LOG_LINES ? s->lines - LIVE_LOG_LINES : 0;
        for (unsigned k = from; k < s->lines && budget > 0; k++) {
            fprintf(l->out, "%s   ", dim);
            put_cut(l->out, tail_line(s, k), l->width - 4);
            fprintf(l->out, "%s\n", reset);
            l->region_lines++;
            budget--;
        }
    }
    fflush(l->out);
    l->last_draw = now_monotonic();
}

static void *tick(void *arg)
{
    build_live *l = arg;
    struct timespec pause = {0, 100 * 1000 * 1000};
    while (!l->stop) {
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&l->lock);
        bool running = false;
        for (size_t i = 0; i < l->count && !running; i++)
            running = l->steps[i].state == LIVE_RUNNING;
        if (!l->stop && (running || l->region_lines))
            draw_region(l);
        pthread_mutex_unlock(&l->lock);
    }
    return NULL;
}

void build_live_start(build_live *l)
{
    sigset_t all, old;
    sigfillset(&all);
    /* signals stay with the main thread, whose calls they interrupt */
    pthread_sigmask(SIG_BLOCK, &all, &old);
    l->ticking = pthread_create(&l->ticker, NULL, tick, l) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static live_step *find_step(build_live *l, const hoist_build_event *ev, bool create)
{
    for (size_t i = l->count; i-- > 0;) {
        const live_step *s = &l->steps[i];
        if (ev->vertex ? !strcmp(s->vertex, ev->vertex) : (!s->vertex[0] && s->step == ev->step))
            return &l->steps[i];
    }
    if (!create)
        return NULL;
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        live_step *grown = realloc(l->steps, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        l->steps = grown;
        l->cap = cap;
    }
    live_step *s = &l->steps[l->count++];
    memset(s, 0, sizeof(*s));
    return s;
}

/* A finished step, printed once above the region. */
static void print_finished(build_live *l, const live_step *s, const char *detail)
{
    const char *dim = l->color ? "\033[2m" : "";
    const char *red = l->color ? "\033[31m" : "";
    const char *green = l->color ? "\033[32m" : "";
    const char *reset = l->color ? "\033[0m" : "";
    const char *tag = s->state == LIVE_CACHED ? "CACHED " : s->state == LIVE_FAILED ? "ERROR " : "";
    const char *color = s->state == LIVE_FAILED ? red : s->state == LIVE_DONE ? green : dim;
    char right[128] = "";
    if (s->state != LIVE_CACHED)
        snprintf(right, sizeof(right), " %.1fs", s->duration);
    if (s->where[0])
        snprintf(right + strlen(right), sizeof(right) - strlen(right), "  %s", s->where);
    char head[LIVE_LINE_BYTES + 64];
    snprintf(head, sizeof(head), "%s[%d/%d] %s", tag, s->step, s->total, s->text);
    fprintf(l->out, "%s=> ", color);
    int room = l->width - 1 - 3 - (int)strlen(right);
    put_cut(l->out, head, room > 10 ? room : 10);
    fprintf(l->out, "%s%s%s%s\n", reset, dim, right, reset);
    if (s->state != LIVE_FAILED)
        return;
    /* the failing step's last output, as BuildKit shows it */
    if (detail && *detail) {
        const char *p = detail;
        while (*p) {
            size_t n = strcspn(p, "\n");
            char line[LIVE_LINE_BYTES];
            snprintf(line, sizeof(line), "%.*s", (int)n, p);
            fprintf(l->out, "%s | ", dim);
            put_cut(l->out, line, LIVE_LINE_BYTES);
            fprintf(l->out, "%s\n", reset);
            p += n + (p[n] == '\n');
        }
        return;
    }
    unsigned from = s->lines > LIVE_TAIL_LINES ? s->lines - LIVE_TAIL_LINES : 0;
    for (unsigned k = from; k < s->lines; k++) {
        fprintf(l->out, "%s | ", dim);
        put_cut(l->out, tail_line(s, k), LIVE_LINE_BYTES);
        fprintf(l->out, "%s\n", reset);
    }
}

static void finish_step(build_live *l, live_step *s, live_state state, double duration, const char *detail)
{
    if (s->state != LIVE_RUNNING)
        return;
    s->state = state;
    s->duration = duration;
    erase_region(l);
    print_finished(l, s, detail);
}

static void maybe_draw(build_live *l)
{
    if (now_monotonic() - l->last_draw >= REDRAW_INTERVAL)
        draw_region(l);
    else
        fflush(l->out);
}

bool build_live_event(build_live *l, const hoist_build_event *ev)
{
    if (ev->step <= 0 || (ev->kind != HOIST_EVENT_STEP && ev->kind != HOIST_EVENT_STEP_CACHED &&
                          ev->kind != HOIST_EVENT_STEP_DONE && ev->kind != HOIST_EVENT_LOG &&
                          ev->kind != HOIST_EVENT_ERROR))
        return false;
    pthread_mutex_lock(&l->lock);
    if (l->clock_offset < 0)
        l->clock_offset = now_monotonic() - ev->elapsed;
    live_step *s = find_step(l, ev, ev->kind == HOIST_EVENT_STEP);
    switch (ev->kind) {
    case HOIST_EVENT_STEP:
        if (!ev->vertex) {
            /* classic builder: one step at a time, so the others are done */
            for (size_t i = 0; i < l->count; i++)
                if (&l->steps[i] != s && !l->steps[i].timed && l->steps[i].state == LIVE_RUNNING)
                    finish_step(l, &l->steps[i], LIVE_DONE, ev->elapsed - l->steps[i].started, NULL);
        }
        if (!s)
            break;
        memset(s, 0, sizeof(*s));
        s->step = ev->step;
        s->total = ev->step_total;
        if (ev->vertex)
            snprintf(s->vertex, sizeof(s->vertex), "%s", ev->vertex);
        s->timed = ev->vertex != NULL;
        s->started = ev->elapsed;
        snprintf(s->text, sizeof(s->text), "%s", ev->text ? ev->text : "");
        if (ev->file && ev->line > 0)
            snprintf(s->where, sizeof(s->where), "%s:%d", ev->file, ev->line);
        break;
    case HOIST_EVENT_STEP_CACHED:
        if (s)
            finish_step(l, s, LIVE_CACHED, 0, NULL);
        break;
    case HOIST_EVENT_STEP_DONE:
        if (s)
            finish_step(l, s, LIVE_DONE, ev->duration > 0 || s->timed ? ev->duration : ev->elapsed - s->started,
                        NULL);
        break;
    case HOIST_EVENT_ERROR:
        if (s)
            finish_step(l, s, LIVE_FAILED, s->timed ? ev->duration : ev->elapsed - s->started, ev->detail);
        break;
    case HOIST_EVENT_LOG:
        if (s) {
            snprintf(s->tail[s->lines % LIVE_TAIL_LINES], LIVE_LINE_BYTES, "%s", ev->text ? ev->text : "");
            s->lines++;
            if (s->state != LIVE_RUNNING) {
                /* output after the step finished (classic: a cached step's notes) */
                erase_region(l);
                fprintf(l->out, "   %s\n", ev->text ? ev->text : "");
            }
        }
        break;
    default:
        break;
    }
    maybe_draw(l);
    pthread_mutex_unlock(&l->lock);
    return true;
}

void build_live_above(build_live *l)
{
    pthread_mutex_lock(&l->lock);
    erase_region(l);
}

void build_live_below(build_live *l)
{
    maybe_draw(l);
    pthread_mutex_unlock(&l->lock);
}

void build_live_finish(build_live *l, bool ok)
{
    if (l->ticking) {
        l->stop = true;
        pthread_join(l->ticker, NULL);
        l->ticking = false;
    }
    double now = elapsed_now(l);
    erase_region(l);
    for (size_t i = 0; i < l->count; i++) {
        live_step *s = &l->steps[i];
        if (s->state == LIVE_RUNNING)
            finish_step(l, s, ok ? LIVE_DONE : LIVE_FAILED, now - s->started, NULL);
    }
    fflush(l->out);
    free(l->steps);
    l->steps = NULL;
    l->count = l->cap = 0;
}
