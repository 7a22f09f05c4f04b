/*
 * result.c - the findings list a lint run returns.
 *
 * A hoist_lint_result owns an array of findings; every string in a finding
 * is a private copy, so results outlive the Dockerfile handle and can be
 * merged (several Dockerfiles in one report). Each finding remembers, on the
 * side, the instruction it was reported on so that pragmas can be applied
 * after the rules ran. Notes are free-form lines about the run itself.
 */
#include "lint/lint_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

struct hoist_lint_result {
    hoist_lint_finding *items;
    int *ins;
    size_t count, cap;
    char **notes;
    size_t note_count;
};

int hoist_lint_result_new(hoist_lint_result **out, hoist_error *err)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return hoist_error_nomem(err);
    return 0;
}

/* All strings of a finding live in one block that starts at f->code. */
static void finding_clear(hoist_lint_finding *f)
{
    free((char *)f->code);
    f->code = NULL;
}

void hoist_lint_result_free(hoist_lint_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        finding_clear(&r->items[i]);
    free(r->items);
    free(r->ins);
    for (size_t i = 0; i < r->note_count; i++)
        free(r->notes[i]);
    free(r->notes);
    free(r);
}

int lint_result_add(hoist_lint_result *r, const char *code, hoist_lint_severity sev,
                    const char *source, const char *file, const hoist_df_range *range,
                    const char *message, const char *hint, int ins_index)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        hoist_lint_finding *items = realloc(r->items, cap * sizeof(*items));
        if (!items)
            return -1;
        r->items = items;
        int *ins = realloc(r->ins, cap * sizeof(*ins));
        if (!ins)
            return -1;
        r->ins = ins;
        r->cap = cap;
    }
    hoist_lint_finding f = {0};
    if (!source)
        source = "hoist";
    if (!file)
        file = "Dockerfile";
    if (hint && !hint[0])
        hint = NULL;
    size_t lc = strlen(code) + 1, ls = strlen(source) + 1, lf = strlen(file) + 1,
           lm = strlen(message) + 1, lh = hint ? strlen(hint) + 1 : 0;
    char *block = malloc(lc + ls + lf + lm + lh);
    if (!block)
        return -1;
    char *p = block;
    f.code = memcpy(p, code, lc), p += lc;
    f.source = memcpy(p, source, ls), p += ls;
    f.file = memcpy(p, file, lf), p += lf;
    f.message = memcpy(p, message, lm), p += lm;
    f.hint = hint ? memcpy(p, hint, lh) : NULL;
    f.severity = sev;
    if (range)
        f.range = *range;
    r->ins[r->count] = ins_index;
    r->items[r->count++] = f;
    return 0;
}

int lint_result_note(hoist_lint_result *r, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    for (size_t i = 0; i < r->note_count; i++)
        if (!strcmp(r->notes[i], s)) {
            free(s);
            return 0;
        }
    char **v = realloc(r->notes, (r->note_count + 1) * sizeof(*v));
    if (!v) {
        free(s);
        return -1;
    }
    r->notes = v;
    r->notes[r->note_count++] = s;
    return 0;
}

static int cmp_finding(const void *pa, const void *pb)
{
    const hoist_lint_finding *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->range.start.line != b->range.start.line)
        return a->range.start.line < b->range.start.line ? -1 : 1;
    if (a->range.start.column != b->range.start.column)
        return a->range.start.column < b->range.start.column ? -1 : 1;
    return strcmp(a->code, b->code);
}

void lint_result_sort(hoist_lint_result *r)
{
    /* ins[] is only used before sorting (pragmas), so it is dropped here. */
    if (r->count > 1)
        qsort(r->items, r->count, sizeof(*r->items), cmp_finding);
    for (size_t i = 0; i < r->count; i++)
        r->ins[i] = -1;
}

void lint_result_filter(hoist_lint_result *r, bool (*keep)(void *ud, hoist_lint_finding *f, int ins),
                        void *ud)
{
    size_t w = 0;
    for (size_t i = 0; i < r->count; i++) {
        if (keep(ud, &r->items[i], r->ins[i])) {
            r->ins[w] = r->ins[i];
            r->items[w++] = r->items[i];
        } else {
            finding_clear(&r->items[i]);
        }
    }
    r->count = w;
}

int hoist_lint_result_merge(hoist_lint_result *into, hoist_lint_result *from, hoist_error *err)
{
    for (size_t i = 0; i < from->count; i++) {
        if (into->count == into->cap) {
            size_t cap = into->cap ? into->cap * 2 : 16;
            hoist_lint_finding *items = realloc(into->items, cap * sizeof(*items));
            if (!items)
                return hoist_error_nomem(err);
            into->items = items;
            int *ins = realloc(into->ins, cap * sizeof(*ins));
            if (!ins)
                return hoist_error_nomem(err);
            into->ins = ins;
            into->cap = cap;
        }
        into->ins[into->count] = -1;
        into->items[into->count++] = from->items[i];
    }
    from->count = 0;
    for (size_t i = 0; i < from->note_count; i++) {
        if (lint_result_note(into, "%s", from->notes[i]) < 0)
            return hoist_error_nomem(err);
        free(from->notes[i]);
    }
    from->note_count = 0;
    return 0;
}

size_t hoist_lint_result_count(const hoist_lint_result *r)
{
    return r ? r->count : 0;
}

const hoist_lint_finding *hoist_lint_result_get(const hoist_lint_result *r, size_t i)
{
    return r && i < r->count ? &r->items[i] : NULL;
}

hoist_lint_severity hoist_lint_result_max(const hoist_lint_result *r)
{
    hoist_lint_severity m = HOIST_LINT_OFF;
    for (size_t i = 0; r && i < r->count; i++)
        if (r->items[i].severity > m)
            m = r->items[i].severity;
    return m;
}

bool hoist_lint_result_fails(const hoist_lint_result *r, hoist_lint_severity threshold)
{
    if (threshold >= HOIST_LINT_NEVER)
        return false;
    if (threshold == HOIST_LINT_OFF)
        threshold = HOIST_LINT_STYLE;
    return r && r->count && hoist_lint_result_max(r) >= threshold;
}

size_t hoist_lint_result_note_count(const hoist_lint_result *r)
{
    return r ? r->note_count : 0;
}

const char *hoist_lint_result_note(const hoist_lint_result *r, size_t i)
{
    return r && i < r->note_count ? r->notes[i] : NULL;
}
