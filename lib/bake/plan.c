/*
 * plan.c - which targets to build, in which order (hoist_bake_plan).
 *
 * Names given are targets, matrix names (all of their instances) or groups
 * (recursively); none means the group "default", else the target
 * "default", else every target of the file. Every dependency of a chosen
 * target is added. The order is a depth-first post-order from the names
 * given: each dependency comes before its dependents, and otherwise the
 * file's order is kept. A dependency cycle is an error naming the cycle's
 * path; a contexts "KEY": "target:NAME" entry becomes the build arg
 * KEY=<NAME's first tag> here.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bake/bake_internal.h"
#include "common/cleanup.h"
#include "common/suggest.h"

void hoist_bake_plan_free(hoist_bake_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->count; i++) {
        bake_target_clear(&p->targets[i]);
        if (p->deps)
            free(p->deps[i]);
    }
    free(p->targets);
    free(p->deps);
    free(p->dep_count);
    free(p);
}
HOIST_DEFINE_FREEP(hoist_bake_plan, hoist_bake_plan_free)

size_t hoist_bake_plan_target_count(const hoist_bake_plan *p)
{
    return p ? p->count : 0;
}

const hoist_bake_target *hoist_bake_plan_target_at(const hoist_bake_plan *p, size_t i)
{
    return p && i < p->count ? &p->targets[i] : NULL;
}

static long find_target(const hoist_bake_file *f, const char *name)
{
    for (size_t i = 0; i < f->target_count; i++)
        if (!strcmp(f->targets[i].name, name))
            return (long)i;
    return -1;
}

static const bake_group *find_group(const bake_group *g, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(g[i].name, name))
            return &g[i];
    return NULL;
}

/* The names a file knows, for "did you mean". */
static const char *suggest_name(const hoist_bake_file *f, const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < f->target_count; i++) {
        size_t d = hoist_edit_distance(name, f->targets[i].name);
        if (d < best_d)
            best_d = d, best = f->targets[i].name;
    }
    for (size_t i = 0; i < f->group_count; i++) {
        size_t d = hoist_edit_distance(name, f->groups[i].name);
        if (d < best_d)
            best_d = d, best = f->groups[i].name;
    }
    return best;
}

static int unknown_name(const hoist_bake_file *f, const char *name, const char *who, int line, hoist_error *err)
{
    if (who)
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_CONFIG, "\"%s\" depends on \"%s\", which is not a target "
                         "of %s", who, name, f->path);
    else
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_NOT_FOUND, "no target or group \"%s\" in %s", name, f->path);
    if (line)
        hoist_error_at(err, f->path, line, 0);
    const char *near = suggest_name(f, name);
    if (near)
        return hoist_error_hint(err, "did you mean \"%s\"?", near);
    char list[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < f->target_count && used + 64 < sizeof(list); i++)
        used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", f->targets[i].name);
    return hoist_error_hint(err, "the targets are: %s", list);
}

/* Mark name's targets in `want` (groups and matrices expanded). */
static int select_name(const hoist_bake_file *f, const char *name, bool *want, int depth, const char *who, int line,
                       hoist_error *err)
{
    if (depth > 32)
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_CONFIG,
                                "groups nest more than 32 deep at \"%s\" (a group includes itself?)", name);
    long t = find_target(f, name);
    if (t >= 0) {
        want[t] = true;
        return 0;
    }
    const bake_group *g = find_group(f->matrix, f->matrix_count, name);
    if (!g && !who)
        g = find_group(f->groups, f->group_count, name);
    if (!g)
        return unknown_name(f, name, who, line, err);
    for (size_t i = 0; i < g->targets.n; i++) {
        int rc = select_name(f, g->targets.v[i], want, depth + 1, who, line ? line : g->line, err);
        if (rc)
            return rc;
    }
    return 0;
}

int bake_find_cycle(size_t n, size_t *const *deps, const size_t *dep_count, const char *const *names,
                    const char *file, const int *lines, hoist_error *err)
{
    /* iterative-free recursion bound: n is at most MAX_TARGETS (4096) */
    _cleanup_free_ unsigned char *color = calloc(n ? n : 1, 1); /* 0 new, 1 on the path, 2 done */
    _cleanup_free_ size_t *stack = malloc((n ? n : 1) * sizeof(size_t));
    _cleanup_free_ size_t *next = calloc(n ? n : 1, sizeof(size_t));
    if (!color || !stack || !next)
        return hoist_error_nomem(err);
    for (size_t start = 0; start < n; start++) {
        if (color[start])
            continue;
        size_t top = 0;
        stack[top++] = start;
        color[start] = 1;
        while (top) {
            size_t v = stack[top - 1];
            if (next[v] < dep_count[v]) {
                size_t w = deps[v][next[v]++];
                if (color[w] == 1) {
                    /* the cycle: w ... v -> w, from the path on the stack */
                    char path[1024] = "";
                    size_t used = 0, from = 0;
                    while (stack[from] != w)
                        from++;
                    for (size_t i = from; i < top && used < sizeof(path) - 1; i++)
                        used += (size_t)snprintf(path + used, sizeof(path) - used, "%s -> ", names[stack[i]]);
                    if (used < sizeof(path) - 1)
                        snprintf(path + used, sizeof(path) - used, "%s", names[w]);
                    hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_CONFIG, "dependency cycle: %s", path);
                    if (file)
                        hoist_error_at(err, file, lines ? lines[w] : 0, 0);
                    return hoist_error_hint(err, "remove one of these dependencies (depends_on, contexts)");
                }
                if (!color[w]) {
                    color[w] = 1;
                    stack[top++] = w;
                }
            } else {
                color[v] = 2;
                top--;
            }
        }
    }
    return 0;
}

/* Post-order from `v`: dependencies first (iterative, no recursion). */
static void post_order(size_t v, size_t *const *deps, const size_t *dep_count, bool *seen, size_t *order,
                       size_t *count, size_t *stack, size_t *next)
{
    if (seen[v])
        return;
    size_t top = 0;
    stack[top++] = v;
    seen[v] = true;
    next[v] = 0;
    while (top) {
        size_t u = stack[top - 1];
        if (next[u] < dep_count[u]) {
            size_t w = deps[u][next[u]++];
            if (!seen[w]) {
                seen[w] = true;
                next[w] = 0;
                stack[top++] = w;
            }
        } else {
            order[(*count)++] = u;
            top--;
        }
    }
}

int hoist_bake_plan_new(hoist_bake_plan **out, const hoist_bake_file *f, const char *const *names, size_t name_count,
                        hoist_error *err)
{
    if (!out || !f || (name_count && !names))
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_bake_plan_new: out and file are required");
    *out = NULL;
    size_t n = f->target_count;
    _cleanup_free_ bool *want = calloc(n + 1, sizeof(bool));
    _cleanup_free_ size_t **fdeps = calloc(n + 1, sizeof(size_t *));
    _cleanup_free_ size_t *fdep_count = calloc(n + 1, sizeof(size_t));
    _cleanup_free_ const char **tnames = calloc(n + 1, sizeof(char *));
    _cleanup_free_ int *lines = calloc(n + 1, sizeof(int));
    if (!want || !fdeps || !fdep_count || !tnames || !lines)
        return hoist_error_nomem(err);
    int rc = 0;
    /* every target's dependencies as indexes */
    _cleanup_free_ bool *mark = calloc(n + 1, sizeof(bool));
    if (!mark)
        return hoist_error_nomem(err);
    for (size_t i = 0; i < n && !rc; i++) {
        const hoist_bake_target *t = &f->targets[i];
        tnames[i] = t->name;
        lines[i] = t->line;
        memset(mark, 0, n * sizeof(bool));
        for (size_t j = 0; j < t->depends_on_count && !rc; j++)
            rc = select_name(f, t->depends_on[j], mark, 0, t->name, t->line, err);
        if (rc)
            break;
        if (!(fdeps[i] = calloc(n + 1, sizeof(size_t))))
            rc = hoist_error_nomem(err);
        for (size_t j = 0; j < n && !rc; j++)
            if (mark[j])
                fdeps[i][fdep_count[i]++] = j;
    }
    if (!rc)
        rc = bake_find_cycle(n, fdeps, fdep_count, tnames, f->path, lines, err);
    if (!rc && name_count) {
        for (size_t i = 0; i < name_count && !rc; i++)
            rc = select_name(f, names[i], want, 0, NULL, 0, err);
    } else if (!rc) {
        const bake_group *g = find_group(f->groups, f->group_count, "default");
        long t = find_target(f, "default");
        if (g)
            rc = select_name(f, "default", want, 0, NULL, 0, err);
        else if (t >= 0)
            want[t] = true;
        else
            for (size_t i = 0; i < n; i++)
                want[i] = true;
    }
    _cleanup_free_ size_t *order = calloc(n + 1, sizeof(size_t));
    _cleanup_free_ size_t *stack = calloc(n + 1, sizeof(size_t));
    _cleanup_free_ size_t *next = calloc(n + 1, sizeof(size_t));
    _cleanup_free_ bool *seen = calloc(n + 1, sizeof(bool));
    _cleanup_free_ long *index_of = calloc(n + 1, sizeof(long));
    size_t count = 0;
    if (!rc && (!order || !stack || !next || !seen || !index_of))
        rc = hoist_error_nomem(err);
    if (!rc)
        for (size_t i = 0; i < n; i++)
            if (want[i])
                post_order(i, fdeps, fdep_count, seen, order, &count, stack, next);
    _cleanup_(hoist_bake_plan_freep) hoist_bake_plan *p = rc ? NULL : calloc(1, sizeof(*p));
    if (!rc && (!p || !(p->targets = calloc(count + 1, sizeof(*p->targets))) ||
                !(p->deps = calloc(count + 1, sizeof(size_t *))) ||
                !(p->dep_count = calloc(count + 1, sizeof(size_t)))))
        rc = hoist_error_nomem(err);
    for (size_t i = 0; i < n; i++)
        index_of[i] = -1;
    for (size_t k = 0; !rc && k < count; k++) {
        size_t i = order[k];
        index_of[i] = (long)k;
        if (bake_target_copy(&p->targets[k], &f->targets[i]) ||
            !(p->deps[k] = calloc(fdep_count[i] + 1, sizeof(size_t)))) {
            p->count = k + 1;
            rc = hoist_error_nomem(err);
            break;
        }
        p->count = k + 1;
        for (size_t j = 0; j < fdep_count[i]; j++)
            p->deps[k][p->dep_count[k]++] = (size_t)index_of[fdeps[i][j]];
        /* contexts: KEY=@target:NAME -> KEY=<NAME's first tag> */
        hoist_bake_target *t = &p->targets[k];
        for (size_t a = 0; a < t->arg_count; a++) {
            char *eq = strstr(t->args[a], "=@target:");
            if (!eq)
                continue;
            long d = find_target(f, eq + 9);
            const hoist_bake_target *dep = d >= 0 ? &f->targets[d] : NULL;
            if (!dep || !dep->tag_count) {
                hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_CONFIG,
                                 "target \"%s\": contexts %.*s=target:%s needs \"%s\" to have a tag", t->name,
                                 (int)(eq - t->args[a]), t->args[a], eq + 9, eq + 9);
                hoist_error_at(err, t->file, t->line, 0);
                rc = hoist_error_hint(err, "add \"tags\": [\"NAME:TAG\"] to target \"%s\"", eq + 9);
                break;
            }
            char *arg = NULL;
            if (asprintf(&arg, "%.*s=%s", (int)(eq - t->args[a]), t->args[a], dep->tags[0]) < 0) {
                rc = hoist_error_nomem(err);
                break;
            }
            free((char *)t->args[a]);
            ((char **)t->args)[a] = arg;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(fdeps[i]);
    if (rc)
        return rc;
    *out = TAKE_PTR(p);
    return 0;
}

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *kvs(const char *const *v, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++) {
        const char *eq = strchr(v[i], '=');
        _cleanup_free_ char *k = strndup(v[i], eq ? (size_t)(eq - v[i]) : strlen(v[i]));
        if (k)
            json_object_set_new(o, k, eq ? json_string(eq + 1) : json_null());
    }
    return o;
}

int hoist_bake_plan_json(const hoist_bake_plan *p, char **out, hoist_error *err)
{
    if (!p || !out)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_bake_plan_json: plan and out are required");
    json_t *root = json_object(), *targets = json_object(), *names = json_array();
    for (size_t i = 0; root && targets && names && i < p->count; i++) {
        const hoist_bake_target *t = &p->targets[i];
        json_t *o = json_object();
        json_object_set_new(o, "context", json_string(t->context));
        json_object_set_new(o, "dockerfile", json_string(t->dockerfile));
        if (t->arg_count) json_object_set_new(o, "args", kvs(t->args, t->arg_count));
        if (t->tag_count) json_object_set_new(o, "tags", strs(t->tags, t->tag_count));
        if (t->label_count) json_object_set_new(o, "labels", kvs(t->labels, t->label_count));
        if (t->platform_count) json_object_set_new(o, "platforms", strs(t->platforms, t->platform_count));
        if (t->depends_on_count) json_object_set_new(o, "depends_on", strs(t->depends_on, t->depends_on_count));
        if (t->cache_from_count) json_object_set_new(o, "cache-from", strs(t->cache_from, t->cache_from_count));
        if (t->cache_to_count) json_object_set_new(o, "cache-to", strs(t->cache_to, t->cache_to_count));
        if (t->target) json_object_set_new(o, "target", json_string(t->target));
        if (t->network) json_object_set_new(o, "network", json_string(t->network));
        if (t->output) json_object_set_new(o, "output", strs(&t->output, 1));
        if (t->no_cache) json_object_set_new(o, "no-cache", json_true());
        json_object_set_new(targets, t->name, o);
        json_array_append_new(names, json_string(t->name));
    }
    json_t *group = json_object(), *def = json_object();
    if (!root || !targets || !names || !group || !def) {
        json_decref(root), json_decref(targets), json_decref(names), json_decref(group), json_decref(def);
        return hoist_error_nomem(err);
    }
    json_object_set_new(def, "targets", names);
    json_object_set_new(group, "default", def);
    json_object_set_new(root, "group", group);
    json_object_set_new(root, "target", targets);
    *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return *out ? 0 : hoist_error_nomem(err);
}
