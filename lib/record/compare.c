/*
 * compare.c - predict, step by step, what the builder will do with the
 * inputs of `now` given the record of the last build `old`.
 *
 * Steps are matched by instruction index (a comment or blank line moves
 * lines, not instructions). A step misses when one of its own inputs
 * changed (checked in this order: instruction text, base, build args,
 * COPY --from image, source files, BuildKit metadata), or when an earlier
 * step of its stage missed, or when its stage is built FROM a stage that
 * rebuilds. A COPY --from a stage that rebuilds is "maybe": both builders
 * hash the copied files, which are only known once built.
 */
#include "record/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_verdicts_free(rec_verdict *v, size_t count)
{
    if (!v)
        return;
    for (size_t i = 0; i < count; i++) {
        for (size_t k = 0; k < v[i].change_count; k++)
            free(v[i].changes[k]);
        free(v[i].changes);
    }
    free(v);
}

static bool same(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

static const rec_step *find_old(const rec *old, int index)
{
    for (size_t i = 0; old && i < old->step_count; i++)
        if (old->steps[i].index == index)
            return &old->steps[i];
    return NULL;
}

/* The value of K in a "K=V\n" list; NULL when absent. Writes it to buf. */
static const char *arg_value(const char *list, const char *key, char *buf, size_t size)
{
    size_t n = strlen(key);
    for (const char *p = list; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > n && !strncmp(p, key, n) && p[n] == '=') {
            snprintf(buf, size, "%.*s", (int)(len - n - 1), p + n + 1);
            return buf;
        }
        p = nl ? nl + 1 : p + len;
    }
    return NULL;
}

static void arg_reason(rec_verdict *v, const rec_step *o, const rec_step *s)
{
    const char *lists[2] = {s->args, o->args};
    for (int side = 0; side < 2; side++) {
        for (const char *p = lists[side]; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            const char *eq = memchr(p, '=', len);
            if (eq) {
                char key[256], a[512], b[512];
                snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
                const char *was = arg_value(o->args, key, a, sizeof(a));
                const char *is = arg_value(s->args, key, b, sizeof(b));
                if (!same(was, is) || (!was) != (!is)) {
                    bool used = strstr(s->text, key) != NULL;
                    snprintf(v->reason, sizeof(v->reason), "ARG %s changed %s \u2192 %s (%s line %d)", key,
                             was ? was : "(unset)", is ? is : "(unset)", used ? "used at" : "in scope of the RUN at",
                             s->line);
                    return;
                }
            }
            p = nl ? nl + 1 : p + len;
        }
    }
    snprintf(v->reason, sizeof(v->reason), "the build args it sees changed");
}

static int add_change(rec_verdict *v, const char *path, const char *what)
{
    v->change_total++;
    if (v->change_count >= 64)
        return 0;
    char **nc = realloc(v->changes, (v->change_count + 1) * sizeof(char *));
    if (!nc)
        return -1;
    v->changes = nc;
    if (asprintf(&v->changes[v->change_count], "%s (%s)", path, what) < 0)
        return -1;
    v->change_count++;
    return 0;
}

/* Both tables are in walk order: one pass over each, side by side. As
 * they come: added and changed files first, then removed ones. */
static int file_changes(rec_verdict *v, const rec *old, const rec_step *o, const rec *now, const rec_step *s)
{
    rec_file_reader a, b;
    rec_file_reader_init(&a, old->files, o->files_at, o->has_sources ? o->file_count : 0);
    rec_file_reader_init(&b, now->files, s->files_at, s->has_sources ? s->file_count : 0);
    a.reseek = b.reseek = old->files == now->files; /* one record against itself */
    int ha = rec_file_next(&a), hb = rec_file_next(&b), rc = 0;
    char *removed[64];
    size_t nremoved = 0, removed_total = 0;
    while ((ha || hb) && !rc) {
        int c = !ha ? 1 : !hb ? -1 : rec_path_cmp(a.file.path, b.file.path);
        if (c < 0) {
            if (nremoved < 64 && !(removed[nremoved++] = strdup(a.file.path)))
                rc = -1;
            removed_total++;
            ha = rec_file_next(&a);
        } else if (c > 0) {
            rc = add_change(v, b.file.path, "added");
            hb = rec_file_next(&b);
        } else {
            if (strcmp(a.file.digest, b.file.digest))
                rc = add_change(v, b.file.path, a.file.mode != b.file.mode ? "mode" : a.file.type != b.file.type ? "type"
                                                                                                       : "content");
            ha = rec_file_next(&a);
            hb = rec_file_next(&b);
        }
    }
    for (size_t i = 0; i < nremoved; i++) {
        if (!rc && removed[i])
            rc = add_change(v, removed[i], "removed");
        free(removed[i]);
    }
    if (!rc && removed_total > nremoved)
        v->change_total += removed_total - nremoved;
    if (rc)
        return rc;
    if (v->change_count) {
        /* "path (what)" -> "path changed (what)" or "path added" */
        const char *c = v->changes[0];
        const char *paren = strrchr(c, '(');
        int plen = paren && paren > c ? (int)(paren - c - 1) : (int)strlen(c);
        const char *what = paren ? paren + 1 : ")";
        int wlen = (int)strcspn(what, ")");
        if ((wlen == 5 && !strncmp(what, "added", 5)) || (wlen == 7 && !strncmp(what, "removed", 7)))
            snprintf(v->reason, sizeof(v->reason), "%.*s %.*s", plen, c, wlen, what);
        else
            snprintf(v->reason, sizeof(v->reason), "%.*s changed (%.*s)", plen, c, wlen, what);
        if (v->change_total > 1) {
            char more[64];
            snprintf(more, sizeof(more), " and %zu more", v->change_total - 1);
            strncat(v->reason, more, sizeof(v->reason) - strlen(v->reason) - 1);
        }
    } else {
        snprintf(v->reason, sizeof(v->reason), "its source files changed%s",
                 o->files_truncated || s->files_truncated ? " (too many to list)" : "");
    }
    return 0;
}

/* An own input of s that changed since o; CAUSE_NONE when none. */
static int own_change(rec_verdict *v, const rec *old, const rec_step *o, const rec *now, const rec_step *s)
{
    if (!o) {
        v->cause = HOIST_EXPLAIN_CAUSE_NEW;
        snprintf(v->reason, sizeof(v->reason), "not in the last build");
        return 0;
    }
    if (strcmp(o->keyword, s->keyword) || (o->norm && s->norm ? !same(o->norm, s->norm) : !same(o->text, s->text))) {
        v->cause = HOIST_EXPLAIN_CAUSE_INSTRUCTION;
        snprintf(v->reason, sizeof(v->reason), "line %d edited", s->line);
        return 0;
    }
    if (!same(o->base, s->base)) {
        v->cause = HOIST_EXPLAIN_CAUSE_BASE;
        if (!same(o->base_name, s->base_name))
            snprintf(v->reason, sizeof(v->reason), "the base image is now %s (was %s)",
                     s->base_name ? s->base_name : "", o->base_name ? o->base_name : "");
        else if (s->base && !strncmp(s->base, "missing:", 8))
            snprintf(v->reason, sizeof(v->reason), "base image %s is not on the engine", s->base_name);
        else if (s->base && !strncmp(s->base, "layers:", 7))
            snprintf(v->reason, sizeof(v->reason), "base image %s moved to other layers (%s)",
                     s->base_name ? s->base_name : "", s->base + 7);
        else
            snprintf(v->reason, sizeof(v->reason), "base image %s moved to %s", s->base_name ? s->base_name : "",
                     s->base ? s->base : "");
        return 0;
    }
    if (!same(o->args, s->args)) {
        v->cause = HOIST_EXPLAIN_CAUSE_ARG;
        arg_reason(v, o, s);
        return 0;
    }
    if (!same(o->from, s->from) && !(s->from && !strncmp(s->from, "stage:", 6))) {
        v->cause = HOIST_EXPLAIN_CAUSE_BASE;
        snprintf(v->reason, sizeof(v->reason), "the image it copies from moved to %s", s->from ? s->from : "");
        return 0;
    }
    if (o->has_sources != s->has_sources || strcmp(o->sources, s->sources)) {
        v->cause = HOIST_EXPLAIN_CAUSE_FILES;
        return file_changes(v, old, o, now, s);
    }
    if (!same(o->meta, s->meta)) {
        v->cause = HOIST_EXPLAIN_CAUSE_METADATA;
        snprintf(v->reason, sizeof(v->reason), "an ENV, ARG, USER, SHELL or WORKDIR line before it was edited");
        return 0;
    }
    return 0;
}

int rec_compare(rec_verdict **out, const rec *old, const rec *now, bool no_cache, hoist_error *err)
{
    *out = NULL;
    rec_verdict *v = calloc(now->step_count + 1, sizeof(*v));
    if (!v)
        return hoist_error_nomem(err);
    int max_stage = 0;
    for (size_t i = 0; i < now->step_count; i++)
        if (now->steps[i].stage > max_stage)
            max_stage = now->steps[i].stage;
    /* per stage: the step whose miss rebuilds the rest (0: none), a base
     * change waiting for the stage's first cache step, "maybe" state */
    int *missed = calloc((size_t)max_stage + 2, sizeof(int));
    int *maybe = calloc((size_t)max_stage + 2, sizeof(int));
    rec_verdict *pending = calloc((size_t)max_stage + 2, sizeof(*pending));
    if (!missed || !maybe || !pending) {
        free(missed);
        free(maybe);
        free(pending);
        free(v);
        return hoist_error_nomem(err);
    }
    int rc = 0;
    for (size_t i = 0; i < now->step_count && !rc; i++) {
        const rec_step *s = &now->steps[i];
        const rec_step *o = old ? find_old(old, s->index) : NULL;
        rec_verdict *vi = &v[i];
        int st = s->stage;
        vi->last_duration = o ? o->duration : -1;
        if (!old) {
            vi->status = s->skipped ? HOIST_EXPLAIN_SKIPPED : HOIST_EXPLAIN_MISS;
            vi->cause = s->skipped ? HOIST_EXPLAIN_CAUSE_NONE : HOIST_EXPLAIN_CAUSE_NEW;
            snprintf(vi->reason, sizeof(vi->reason), "%s", s->skipped ? "" : "no build recorded yet");
            continue;
        }
        if (s->skipped) {
            vi->status = HOIST_EXPLAIN_SKIPPED;
            if (!strcmp(s->keyword, "FROM")) {
                if (no_cache) {
                    pending[st].cause = HOIST_EXPLAIN_CAUSE_NO_CACHE;
                } else if (s->base && !strncmp(s->base, "stage:", 6)) {
                    int bs = atoi(s->base + 6);
                    if (bs <= max_stage && missed[bs]) {
                        pending[st].cause = HOIST_EXPLAIN_CAUSE_PREVIOUS;
                        pending[st].after_step = missed[bs];
                        snprintf(pending[st].reason, sizeof(pending[st].reason),
                                 "its base stage rebuilds (step %d)", missed[bs]);
                    } else if (bs <= max_stage && maybe[bs]) {
                        maybe[st] = maybe[bs];
                    }
                }
                if (!pending[st].cause) {
                    rec_verdict tmp = {0};
                    if ((rc = own_change(&tmp, old, o, now, s)))
                        break;
                    if (tmp.cause)
                        pending[st] = tmp;
                }
                snprintf(vi->reason, sizeof(vi->reason), "%s", pending[st].reason);
            }
            continue;
        }
        if (no_cache) {
            vi->status = HOIST_EXPLAIN_MISS;
            vi->cause = HOIST_EXPLAIN_CAUSE_NO_CACHE;
            snprintf(vi->reason, sizeof(vi->reason), "--no-cache");
            continue;
        }
        if (missed[st]) {
            vi->status = HOIST_EXPLAIN_MISS;
            vi->cause = HOIST_EXPLAIN_CAUSE_PREVIOUS;
            vi->after_step = missed[st];
            snprintf(vi->reason, sizeof(vi->reason), "after step %d", missed[st]);
            continue;
        }
        if (pending[st].cause) {
            *vi = pending[st];
            vi->last_duration = o ? o->duration : -1;
            vi->status = HOIST_EXPLAIN_MISS;
            memset(&pending[st], 0, sizeof(pending[st]));
            missed[st] = s->index + 1;
            continue;
        }
        if ((rc = own_change(vi, old, o, now, s)))
            break;
        if (vi->cause) {
            vi->status = HOIST_EXPLAIN_MISS;
            missed[st] = s->index + 1;
            continue;
        }
        if (s->from && !strncmp(s->from, "stage:", 6)) {
            int fs = atoi(s->from + 6);
            if (fs <= max_stage && (missed[fs] || maybe[fs])) {
                vi->status = HOIST_EXPLAIN_MAYBE;
                vi->cause = HOIST_EXPLAIN_CAUSE_PREVIOUS;
                vi->after_step = missed[fs] ? missed[fs] : maybe[fs];
                snprintf(vi->reason, sizeof(vi->reason),
                         "copies from a stage that rebuilds (step %d): misses only if the copied files change",
                         vi->after_step);
                if (!maybe[st])
                    maybe[st] = s->index + 1;
                continue;
            }
        }
        if (maybe[st]) {
            vi->status = HOIST_EXPLAIN_MAYBE;
            vi->cause = HOIST_EXPLAIN_CAUSE_PREVIOUS;
            vi->after_step = maybe[st];
            snprintf(vi->reason, sizeof(vi->reason), "after step %d, which may miss", maybe[st]);
            continue;
        }
        if (s->from && !strncmp(s->from, "url:", 4)) {
            vi->status = HOIST_EXPLAIN_MAYBE;
            snprintf(vi->reason, sizeof(vi->reason), "ADD from a URL: the builder fetches and hashes it again");
            maybe[st] = s->index + 1;
            continue;
        }
        vi->status = HOIST_EXPLAIN_CACHED;
    }
    free(missed);
    free(maybe);
    free(pending);
    if (rc) {
        rec_verdicts_free(v, now->step_count);
        return hoist_error_nomem(err);
    }
    *out = v;
    return 0;
}
