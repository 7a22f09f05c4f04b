/*
 * file.c - read a bake file: hoist's JSON bake format or a compose file's
 * `build:` sections, into targets (hoist_bake_file).
 *
 * Both formats go through the YAML reader of lib/lint (JSON is YAML's flow
 * style), which keeps the line and column of every key and value: every
 * bad input is reported at its place with the fix. A .json file is first
 * checked by jansson so that a JSON syntax error reads as one.
 *
 * JSON (close to `docker buildx bake --print`):
 *   {"group": {"default": {"targets": ["app"]}},
 *    "target": {"app": {"context": "app", "dockerfile": "Dockerfile",
 *        "args": {"K": "V"}, "tags": ["app:1"], "target": "stage",
 *        "platforms": [...], "depends_on": ["base"],
 *        "contexts": {"base": "target:base"}, "labels": {...},
 *        "no-cache": false, "output": ["type=local,dest=out"],
 *        "cache-from": [...], "cache-to": [...], "network": "none",
 *        "matrix": {"v": ["1", "2"]}, "name": "app-${v}"}}}
 * A matrix expands the target once per combination of values; ${VAR} in
 * every string of the target takes the value; without "name" the
 * instances are NAME-VALUE[-VALUE...]. A dependency on the matrix's name
 * means all of its instances. contexts "KEY": "target:NAME" is a
 * dependency on NAME whose first tag is passed as build arg KEY (buildx
 * would pass a named context; `ARG KEY` + `FROM ${KEY}` reads it).
 *
 * Compose: every service with `build:` is a target (build: DIR or a map
 * with context, dockerfile, args, target, tags, labels, cache_from,
 * cache_to, no_cache, network, platforms); `image:` is its first tag
 * (none: PROJECT-SERVICE, as docker compose names it, PROJECT being the
 * file's directory); depends_on on services that are targets orders them.
 *
 * Relative contexts are resolved against the file's directory and
 * Dockerfiles against their context, as buildx and compose do.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bake/bake_internal.h"
#include "common/cleanup.h"
#include "common/suggest.h"
#include "lint/yaml.h"

#define MAX_FILE_BYTES (16u << 20)
#define MAX_TARGETS 4096

int bake_strv_add(bake_strv *l, const char *s)
{
    char **v = realloc(l->v, (l->n + 2) * sizeof(*v));
    if (!v)
        return -1;
    l->v = v;
    if (!(v[l->n] = strdup(s)))
        return -1;
    v[++l->n] = NULL;
    return 0;
}

void bake_strv_clear(bake_strv *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void strv_free_const(const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)v[i]);
    free((void *)v);
}

void bake_target_clear(hoist_bake_target *t)
{
    free((char *)t->name);
    free((char *)t->context);
    free((char *)t->dockerfile);
    free((char *)t->target);
    free((char *)t->output);
    free((char *)t->network);
    free((char *)t->file);
    strv_free_const(t->args, t->arg_count);
    strv_free_const(t->tags, t->tag_count);
    strv_free_const(t->labels, t->label_count);
    strv_free_const(t->platforms, t->platform_count);
    strv_free_const(t->depends_on, t->depends_on_count);
    strv_free_const(t->cache_from, t->cache_from_count);
    strv_free_const(t->cache_to, t->cache_to_count);
    memset(t, 0, sizeof(*t));
}

static int dup_opt(const char **dst, const char *src)
{
    *dst = NULL;
    if (src && !(*dst = strdup(src)))
        return -1;
    return 0;
}

static int dup_list(const char *const **dst, const char *const *src, size_t n)
{
    *dst = NULL;
    if (!n)
        return 0;
    char **v = calloc(n + 1, sizeof(*v));
    if (!v)
        return -1;
    *dst = (const char *const *)v;
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = strdup(src[i])))
            return -1;
    return 0;
}

int bake_target_copy(hoist_bake_target *d, const hoist_bake_target *s)
{
    memset(d, 0, sizeof(*d));
    d->no_cache = s->no_cache;
    d->line = s->line;
#define L(f, c) (d->c = s->c, dup_list(&d->f, s->f, s->c))
    if (dup_opt(&d->name, s->name) || dup_opt(&d->context, s->context) || dup_opt(&d->dockerfile, s->dockerfile) ||
        dup_opt(&d->target, s->target) || dup_opt(&d->output, s->output) || dup_opt(&d->network, s->network) ||
        dup_opt(&d->file, s->file) || L(args, arg_count) || L(tags, tag_count) || L(labels, label_count) ||
        L(platforms, platform_count) || L(depends_on, depends_on_count) || L(cache_from, cache_from_count) ||
        L(cache_to, cache_to_count))
        return -1;
#undef L
    return 0;
}

static void group_clear(bake_group *g)
{
    free(g->name);
    bake_strv_clear(&g->targets);
}

void hoist_bake_file_free(hoist_bake_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->target_count; i++)
        bake_target_clear(&f->targets[i]);
    for (size_t i = 0; i < f->group_count; i++)
        group_clear(&f->groups[i]);
    for (size_t i = 0; i < f->matrix_count; i++)
        group_clear(&f->matrix[i]);
    free(f->targets);
    free(f->groups);
    free(f->matrix);
    free(f->path);
    free(f);
}
HOIST_DEFINE_FREEP(hoist_bake_file, hoist_bake_file_free)

size_t hoist_bake_file_target_count(const hoist_bake_file *f)
{
    return f ? f->target_count : 0;
}

const hoist_bake_target *hoist_bake_file_target_at(const hoist_bake_file *f, size_t i)
{
    return f && i < f->target_count ? &f->targets[i] : NULL;
}

bool hoist_bake_file_is_compose(const hoist_bake_file *f)
{
    return f && f->compose;
}

/* ---- reading ------------------------------------------------------------ */

/* A target being read: the lists grow here, then move into the public view. */
typedef struct draft {
    char *name, *context, *dockerfile, *target, *output, *network;
    bake_strv args, tags, labels, platforms, deps, cache_from, cache_to;
    bool no_cache;
    int line;
} draft;

static void draft_clear(draft *d)
{
    free(d->name);
    free(d->context);
    free(d->dockerfile);
    free(d->target);
    free(d->output);
    free(d->network);
    bake_strv_clear(&d->args);
    bake_strv_clear(&d->tags);
    bake_strv_clear(&d->labels);
    bake_strv_clear(&d->platforms);
    bake_strv_clear(&d->deps);
    bake_strv_clear(&d->cache_from);
    bake_strv_clear(&d->cache_to);
    memset(d, 0, sizeof(*d));
}

typedef struct reader {
    const char *file;
    char *dir;               /* the file's directory */
    lint_yaml y;
    hoist_bake_file *out;
    hoist_error *err;
} reader;

/* An error at the key `key` of `parent` (or at `node` when key is NULL). */
__attribute__((format(printf, 6, 7))) static int bad(reader *r, const json_t *parent, const char *key,
                                                    const json_t *node, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(r->err, HOIST_EINPUT, fmt, ap);
    va_end(ap);
    hoist_error_reason(r->err, HOIST_REASON_CONFIG);
    int line = 0, col = 0;
    if (!lint_yaml_where(&r->y, parent, key, node, &line, &col) && key)
        lint_yaml_where(&r->y, NULL, NULL, parent, &line, &col);
    hoist_error_at(r->err, r->file, line, col);
    if (hint)
        hoist_error_hint(r->err, "%s", hint);
    return HOIST_EINPUT;
}

static int line_of(reader *r, const json_t *parent, const char *key)
{
    int line = 0, col = 0;
    lint_yaml_where(&r->y, parent, key, NULL, &line, &col);
    return line;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "a map";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    default: return "a number";
    }
}

/* A scalar as text: strings as they are, booleans and numbers written out. */
static const char *scalar_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (json_is_integer(v)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    if (json_is_real(v)) {
        snprintf(buf, size, "%g", json_real_value(v));
        return buf;
    }
    return NULL;
}

static int get_string(reader *r, const json_t *obj, const char *key, const json_t *v, char **out)
{
    char num[64];
    const char *s = scalar_text(v, num, sizeof(num));
    if (!s || json_is_boolean(v))
        return bad(r, obj, key, v, "write it as a string in quotes", "\"%s\" must be a string, not %s", key,
                   type_name(v));
    free(*out);
    if (!(*out = strdup(s)))
        return hoist_error_nomem(r->err);
    return 0;
}

static int get_bool(reader *r, const json_t *obj, const char *key, const json_t *v, bool *out)
{
    if (json_is_boolean(v))
        *out = json_is_true(v);
    else if (json_is_string(v) && (!strcmp(json_string_value(v), "true") || !strcmp(json_string_value(v), "false")))
        *out = !strcmp(json_string_value(v), "true");
    else
        return bad(r, obj, key, v, "write true or false", "\"%s\" must be true or false, not %s", key, type_name(v));
    return 0;
}

/* A list of strings (a lone string is accepted as a list of one when
 * `lone` is set, as compose allows for some keys). */
static int get_list(reader *r, const json_t *obj, const char *key, const json_t *v, bake_strv *out, bool lone)
{
    char num[64];
    if (lone && json_is_string(v))
        return bake_strv_add(out, json_string_value(v)) ? hoist_error_nomem(r->err) : 0;
    if (!json_is_array(v))
        return bad(r, obj, key, v, "write a list of strings, e.g. [\"a\", \"b\"]", "\"%s\" must be a list, not %s",
                   key, type_name(v));
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e) {
        const char *s = scalar_text(e, num, sizeof(num));
        if (!s)
            return bad(r, NULL, NULL, e, "every entry must be a string", "\"%s\": entry %zu is %s, not a string",
                       key, i + 1, type_name(e));
        if (bake_strv_add(out, s))
            return hoist_error_nomem(r->err);
    }
    return 0;
}

/* A map of K: V (or, when `list_ok`, a list of "K=V" / "K"), as "K=V"
 * entries; a null value is "K" (the value comes from the environment). */
static int get_kv(reader *r, const json_t *obj, const char *key, const json_t *v, bake_strv *out, bool list_ok)
{
    char num[64];
    if (list_ok && json_is_array(v))
        return get_list(r, obj, key, v, out, false);
    if (!json_is_object(v))
        return bad(r, obj, key, v, list_ok ? "write a map (K: V) or a list of \"K=V\"" : "write a map {\"K\": \"V\"}",
                   "\"%s\" must be a map, not %s", key, type_name(v));
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)v, k, e) {
        _cleanup_free_ char *kv = NULL;
        if (json_is_null(e)) {
            kv = strdup(k);
        } else {
            const char *s = scalar_text(e, num, sizeof(num));
            if (!s)
                return bad(r, v, k, e, "give the value as a string", "\"%s\": the value of %s is %s", key, k,
                           type_name(e));
            if (asprintf(&kv, "%s=%s", k, s) < 0)
                kv = NULL;
        }
        if (!kv || bake_strv_add(out, kv))
            return hoist_error_nomem(r->err);
    }
    return 0;
}

/* "type=registry,ref=R" -> R; "type=inline" kept; a bare R kept. */
static int get_cache_from(reader *r, const json_t *obj, const char *key, const json_t *v, bake_strv *out)
{
    bake_strv raw = {0};
    int rc = get_list(r, obj, key, v, &raw, true);
    for (size_t i = 0; !rc && i < raw.n; i++) {
        const char *s = raw.v[i], *ref = s;
        if (strstr(s, "type=")) {
            if (!strstr(s, "type=registry"))
                rc = bad(r, obj, key, v, "use type=registry,ref=IMAGE (or a plain IMAGE): the Docker engines of "
                         "the pool import cache from images", "\"%s\": \"%s\" is not supported", key, s);
            else if (!(ref = strstr(s, "ref=")))
                rc = bad(r, obj, key, v, "add ref=IMAGE", "\"%s\": \"%s\" has no ref=", key, s);
            else
                ref += 4;
        }
        if (!rc) {
            _cleanup_free_ char *one = strndup(ref, strcspn(ref, ","));
            if (!one || bake_strv_add(out, one))
                rc = hoist_error_nomem(r->err);
        }
    }
    bake_strv_clear(&raw);
    return rc;
}

static int get_cache_to(reader *r, const json_t *obj, const char *key, const json_t *v, bake_strv *out)
{
    bake_strv raw = {0};
    int rc = get_list(r, obj, key, v, &raw, true);
    for (size_t i = 0; !rc && i < raw.n; i++) {
        const char *s = raw.v[i];
        bool ok = !strcmp(s, "type=inline") || (strstr(s, "type=registry") && strstr(s, "ref="));
        if (!ok)
            rc = bad(r, obj, key, v, "use type=inline, or type=registry,ref=IMAGE (an inline cache pushed to "
                     "IMAGE): the Docker engines of the pool export cache inline",
                     "\"%s\": \"%s\" is not supported", key, s);
        else if (bake_strv_add(out, s))
            rc = hoist_error_nomem(r->err);
    }
    bake_strv_clear(&raw);
    return rc;
}

/* contexts {"KEY": "target:NAME"}: a dependency on NAME, its tag as arg KEY. */
static int get_contexts(reader *r, const json_t *obj, const json_t *v, draft *d)
{
    if (!json_is_object(v))
        return bad(r, obj, "contexts", v, "write {\"NAME\": \"target:OTHER\"}", "\"contexts\" must be a map, not %s",
                   type_name(v));
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)v, k, e) {
        const char *s = json_string_value(e);
        if (!s || strncmp(s, "target:", 7) || !s[7])
            return bad(r, v, k, e, "hoist bake reads only \"target:NAME\" contexts (a target of this file); put "
                       "other sources in the Dockerfile", "contexts \"%s\": \"%s\" is not target:NAME", k,
                       s ? s : type_name(e));
        _cleanup_free_ char *kv = NULL;
        if (asprintf(&kv, "%s=@target:%s", k, s + 7) < 0 || bake_strv_add(&d->args, kv) ||
            bake_strv_add(&d->deps, s + 7))
            return hoist_error_nomem(r->err);
    }
    return 0;
}

static const char *const json_keys[] = {
    "context", "dockerfile", "args", "tags", "target", "platforms", "depends_on", "contexts", "labels",
    "no-cache", "output", "cache-from", "cache-to", "network", "matrix", "name",
};

static int read_json_target(reader *r, const json_t *targets, const char *name, const json_t *t, draft *d)
{
    if (!json_is_object(t))
        return bad(r, targets, name, t, "write the target as a map of its settings",
                   "target \"%s\" must be a map, not %s", name, type_name(t));
    d->line = line_of(r, targets, name);
    if (!(d->name = strdup(name)))
        return hoist_error_nomem(r->err);
    const char *k;
    const json_t *v;
    int rc = 0;
    json_object_foreach((json_t *)t, k, v) {
        if (!strcmp(k, "context")) rc = get_string(r, t, k, v, &d->context);
        else if (!strcmp(k, "dockerfile")) rc = get_string(r, t, k, v, &d->dockerfile);
        else if (!strcmp(k, "target")) rc = get_string(r, t, k, v, &d->target);
        else if (!strcmp(k, "network")) rc = get_string(r, t, k, v, &d->network);
        else if (!strcmp(k, "args")) rc = get_kv(r, t, k, v, &d->args, false);
        else if (!strcmp(k, "labels")) rc = get_kv(r, t, k, v, &d->labels, false);
        else if (!strcmp(k, "tags")) rc = get_list(r, t, k, v, &d->tags, false);
        else if (!strcmp(k, "platforms")) rc = get_list(r, t, k, v, &d->platforms, false);
        else if (!strcmp(k, "depends_on")) rc = get_list(r, t, k, v, &d->deps, false);
        else if (!strcmp(k, "contexts")) rc = get_contexts(r, t, v, d);
        else if (!strcmp(k, "no-cache")) rc = get_bool(r, t, k, v, &d->no_cache);
        else if (!strcmp(k, "cache-from")) rc = get_cache_from(r, t, k, v, &d->cache_from);
        else if (!strcmp(k, "cache-to")) rc = get_cache_to(r, t, k, v, &d->cache_to);
        else if (!strcmp(k, "output")) {
            bake_strv outs = {0};
            rc = get_list(r, t, k, v, &outs, true);
            if (!rc && outs.n > 1)
                rc = bad(r, t, k, v, "keep one output", "\"output\": %zu outputs, hoist builds one", outs.n);
            if (!rc && outs.n == 1 && !(d->output = strdup(outs.v[0])))
                rc = hoist_error_nomem(r->err);
            bake_strv_clear(&outs);
        } else if (!strcmp(k, "matrix") || !strcmp(k, "name")) {
            continue; /* expand_matrix */
        } else {
            const char *near = hoist_suggest(k, json_keys, sizeof(json_keys) / sizeof(json_keys[0]));
            char hint[256];
            if (near)
                snprintf(hint, sizeof(hint), "did you mean \"%s\"?", near);
            else
                snprintf(hint, sizeof(hint), "a target takes context, dockerfile, args, tags, target, platforms, "
                         "depends_on, contexts, labels, no-cache, output, cache-from, cache-to, network, matrix, name");
            rc = bad(r, t, k, NULL, hint, "target \"%s\": unknown key \"%s\"", name, k);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static const char *const compose_build_keys[] = {
    "context", "dockerfile", "args", "target", "tags", "labels", "cache_from", "cache_to", "no_cache", "network",
    "platforms",
};

static int read_compose_service(reader *r, const json_t *services, const char *name, const json_t *svc, draft *d)
{
    const json_t *b = json_object_get(svc, "build");
    d->line = line_of(r, services, name);
    if (!(d->name = strdup(name)))
        return hoist_error_nomem(r->err);
    int rc = 0;
    if (json_is_string(b)) {
        rc = get_string(r, svc, "build", b, &d->context);
    } else if (json_is_object(b)) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)b, k, v) {
            if (!strcmp(k, "context")) rc = get_string(r, b, k, v, &d->context);
            else if (!strcmp(k, "dockerfile")) rc = get_string(r, b, k, v, &d->dockerfile);
            else if (!strcmp(k, "target")) rc = get_string(r, b, k, v, &d->target);
            else if (!strcmp(k, "network")) rc = get_string(r, b, k, v, &d->network);
            else if (!strcmp(k, "args")) rc = get_kv(r, b, k, v, &d->args, true);
            else if (!strcmp(k, "labels")) rc = get_kv(r, b, k, v, &d->labels, true);
            else if (!strcmp(k, "tags")) rc = get_list(r, b, k, v, &d->tags, false);
            else if (!strcmp(k, "platforms")) rc = get_list(r, b, k, v, &d->platforms, false);
            else if (!strcmp(k, "no_cache")) rc = get_bool(r, b, k, v, &d->no_cache);
            else if (!strcmp(k, "cache_from")) rc = get_cache_from(r, b, k, v, &d->cache_from);
            else if (!strcmp(k, "cache_to")) rc = get_cache_to(r, b, k, v, &d->cache_to);
            else if (strncmp(k, "x-", 2)) {
                const char *near = hoist_suggest(k, compose_build_keys,
                                                 sizeof(compose_build_keys) / sizeof(compose_build_keys[0]));
                char hint[300];
                snprintf(hint, sizeof(hint), "%s%s%shoist bake reads context, dockerfile, args, target, tags, "
                         "labels, cache_from, cache_to, no_cache, network and platforms",
                         near ? "did you mean \"" : "", near ? near : "", near ? "\"? " : "");
                rc = bad(r, b, k, NULL, hint, "service \"%s\": build key \"%s\" is not supported", name, k);
            }
            if (rc)
                return rc;
        }
    } else {
        return bad(r, svc, "build", b, "write build: DIR or build: {context: DIR, ...}",
                   "service \"%s\": \"build\" must be a directory or a map, not %s", name, type_name(b));
    }
    /* image: the first tag; none: PROJECT-SERVICE like docker compose */
    const json_t *image = json_object_get(svc, "image");
    bake_strv tags = {0};
    if (image) {
        _cleanup_free_ char *img = NULL;
        if ((rc = get_string(r, svc, "image", image, &img)))
            return rc;
        if (bake_strv_add(&tags, img))
            return hoist_error_nomem(r->err);
    } else {
        _cleanup_free_ char *copy = strdup(r->dir), *tag = NULL;
        if (!copy)
            return hoist_error_nomem(r->err);
        const char *project = basename(copy);
        if (asprintf(&tag, "%s-%s", !strcmp(project, "/") ? "bake" : project, name) < 0)
            return hoist_error_nomem(r->err);
        for (char *p = tag; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (bake_strv_add(&tags, tag))
            return hoist_error_nomem(r->err);
    }
    for (size_t i = 0; i < d->tags.n; i++)
        if (bake_strv_add(&tags, d->tags.v[i]))
            return bake_strv_clear(&tags), hoist_error_nomem(r->err);
    bake_strv_clear(&d->tags);
    d->tags = tags;
    /* depends_on: a list, or a map of service: {condition: ...} */
    const json_t *deps = json_object_get(svc, "depends_on");
    if (json_is_object(deps)) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)deps, k, v)
            if (bake_strv_add(&d->deps, k))
                return hoist_error_nomem(r->err);
    } else if (deps && (rc = get_list(r, svc, "depends_on", deps, &d->deps, false))) {
        return rc;
    }
    return 0;
}

/* ---- matrix --------------------------------------------------------------- */

char *bake_subst(const char *text, char *const *vars, char *const *vals, size_t n)
{
    if (!text)
        return NULL;
    size_t cap = strlen(text) + 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(vals[i]) * 8;
    char *out = malloc(cap + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = text; *p;) {
        bool done = false;
        if (p[0] == '$' && p[1] == '{') {
            const char *end = strchr(p + 2, '}');
            for (size_t i = 0; end && i < n; i++) {
                size_t len = strlen(vars[i]);
                if ((size_t)(end - p - 2) == len && !strncmp(p + 2, vars[i], len)) {
                    size_t vl = strlen(vals[i]);
                    if ((size_t)(o - out) + vl + strlen(end) + 1 > cap) {
                        size_t used = (size_t)(o - out);
                        cap = used + vl + strlen(end) + 1 + cap;
                        char *grown = realloc(out, cap + 1);
                        if (!grown)
                            return free(out), NULL;
                        out = grown;
                        o = out + used;
                    }
                    memcpy(o, vals[i], vl);
                    o += vl;
                    p = end + 1;
                    done = true;
                    break;
                }
            }
        }
        if (!done) {
            if ((size_t)(o - out) + 2 > cap) {
                size_t used = (size_t)(o - out);
                cap = cap * 2 + 2;
                char *grown = realloc(out, cap + 1);
                if (!grown)
                    return free(out), NULL;
                out = grown;
                o = out + used;
            }
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static int subst_field(char **field, char *const *vars, char *const *vals, size_t n)
{
    if (!*field)
        return 0;
    char *s = bake_subst(*field, vars, vals, n);
    if (!s)
        return -1;
    free(*field);
    *field = s;
    return 0;
}

static int subst_list(bake_strv *l, char *const *vars, char *const *vals, size_t n)
{
    for (size_t i = 0; i < l->n; i++)
        if (subst_field(&l->v[i], vars, vals, n))
            return -1;
    return 0;
}

/* ---- into the file --------------------------------------------------------- */

static int resolve_path(char **out, const char *base, const char *path)
{
    if (path[0] == '/' || !strcmp(base, ".") || !*base)
        *out = strdup(path);
    else if (asprintf(out, "%s/%s", base, path) < 0)
        *out = NULL;
    return *out ? 0 : -1;
}

static const char *const *take_list(bake_strv *l, size_t *count)
{
    *count = l->n;
    char **v = l->v;
    l->v = NULL;
    l->n = 0;
    return (const char *const *)v;
}

/* Move a finished draft into the file's targets. */
static int add_target(reader *r, draft *d)
{
    hoist_bake_file *f = r->out;
    for (size_t i = 0; i < f->target_count; i++)
        if (!strcmp(f->targets[i].name, d->name)) {
            hoist_error_setr(r->err, HOIST_EINPUT, HOIST_REASON_CONFIG,
                             "two targets are named \"%s\" (lines %d and %d)", d->name, f->targets[i].line, d->line);
            hoist_error_at(r->err, r->file, d->line, 0);
            return hoist_error_hint(r->err, "give the matrix a \"name\" template that uses every variable, "
                                    "e.g. \"%s-${VAR}\"", d->name);
        }
    if (f->target_count >= MAX_TARGETS)
        return hoist_error_setr(r->err, HOIST_EINPUT, HOIST_REASON_LIMIT, "more than %d targets", MAX_TARGETS);
    hoist_bake_target *grown = realloc(f->targets, (f->target_count + 1) * sizeof(*grown));
    if (!grown)
        return hoist_error_nomem(r->err);
    f->targets = grown;
    hoist_bake_target *t = &f->targets[f->target_count];
    memset(t, 0, sizeof(*t));
    const char *ctx = d->context ? d->context : ".";
    char *context = NULL, *dockerfile = NULL;
    if (resolve_path(&context, r->dir, ctx) ||
        resolve_path(&dockerfile, context, d->dockerfile ? d->dockerfile : "Dockerfile")) {
        free(context);
        return hoist_error_nomem(r->err);
    }
    f->target_count++;
    t->context = context;
    t->dockerfile = dockerfile;
    t->name = d->name;
    d->name = NULL;
    t->target = d->target;
    d->target = NULL;
    t->output = d->output;
    d->output = NULL;
    t->network = d->network;
    d->network = NULL;
    t->no_cache = d->no_cache;
    t->line = d->line;
    if (!(t->file = strdup(r->file)))
        return hoist_error_nomem(r->err);
    t->args = take_list(&d->args, &t->arg_count);
    t->tags = take_list(&d->tags, &t->tag_count);
    t->labels = take_list(&d->labels, &t->label_count);
    t->platforms = take_list(&d->platforms, &t->platform_count);
    t->depends_on = take_list(&d->deps, &t->depends_on_count);
    t->cache_from = take_list(&d->cache_from, &t->cache_from_count);
    t->cache_to = take_list(&d->cache_to, &t->cache_to_count);
    return 0;
}

/* Read one JSON target, expanding its matrix. */
static int json_target(reader *r, const json_t *targets, const char *name, const json_t *t)
{
    const json_t *matrix = json_is_object(t) ? json_object_get(t, "matrix") : NULL;
    const json_t *tmpl = json_is_object(t) ? json_object_get(t, "name") : NULL;
    draft d = {0};
    int rc;
    if (tmpl && !matrix)
        return bad(r, t, "name", tmpl, "remove \"name\", or add a \"matrix\" whose variables it uses",
                   "target \"%s\": \"name\" is only for a matrix", name);
    if (tmpl && !json_is_string(tmpl))
        return bad(r, t, "name", tmpl, "write a template such as \"app-${VAR}\"", "\"name\" must be a string");
    if (!matrix) {
        rc = read_json_target(r, targets, name, t, &d);
        if (!rc)
            rc = add_target(r, &d);
        draft_clear(&d);
        return rc;
    }
    if (!json_is_object(matrix) || !json_object_size(matrix))
        return bad(r, t, "matrix", matrix, "write {\"VAR\": [\"value1\", \"value2\"]}",
                   "target \"%s\": \"matrix\" must be a non-empty map of lists", name);
    size_t n = json_object_size(matrix), combos = 1;
    char *vars[32], *vals[32];
    const json_t *lists[32];
    if (n > 32)
        return bad(r, t, "matrix", matrix, "use at most 32 variables", "matrix of %zu variables", n);
    size_t i = 0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)matrix, k, v) {
        if (!json_is_array(v) || !json_array_size(v))
            return bad(r, matrix, k, v, "write a list of values, e.g. [\"1\", \"2\"]",
                       "matrix \"%s\" must be a non-empty list", k);
        size_t j;
        const json_t *e;
        json_array_foreach(v, j, e)
            if (!json_is_string(e) && !json_is_number(e))
                return bad(r, NULL, NULL, e, "matrix values are strings", "matrix \"%s\": value %zu is %s", k, j + 1,
                           type_name(e));
        vars[i] = (char *)k;
        lists[i++] = v;
        combos *= json_array_size(v);
        if (combos > MAX_TARGETS)
            return bad(r, t, "matrix", matrix, "use fewer values", "matrix makes more than %d targets", MAX_TARGETS);
    }
    bake_group group = {0};
    if (!(group.name = strdup(name)))
        return hoist_error_nomem(r->err);
    group.line = line_of(r, targets, name);
    rc = 0;
    for (size_t c = 0; !rc && c < combos; c++) {
        size_t rest = c;
        char nums[32][64];
        for (size_t m = n; m-- > 0;) {
            size_t len = json_array_size(lists[m]);
            const json_t *e = json_array_get(lists[m], rest % len);
            vals[m] = (char *)scalar_text(e, nums[m], sizeof(nums[m]));
            rest /= len;
        }
        _cleanup_free_ char *iname = NULL;
        if (tmpl) {
            iname = bake_subst(json_string_value(tmpl), vars, vals, n);
        } else {
            size_t len = strlen(name) + 1;
            for (size_t m = 0; m < n; m++)
                len += strlen(vals[m]) + 1;
            if ((iname = malloc(len))) {
                strcpy(iname, name);
                for (size_t m = 0; m < n; m++)
                    strcat(strcat(iname, "-"), vals[m]);
            }
        }
        if (!iname) {
            rc = hoist_error_nomem(r->err);
            break;
        }
        if ((rc = read_json_target(r, targets, name, t, &d)))
            break;
        free(d.name);
        d.name = TAKE_PTR(iname);
        if (subst_field(&d.context, vars, vals, n) || subst_field(&d.dockerfile, vars, vals, n) ||
            subst_field(&d.target, vars, vals, n) || subst_field(&d.output, vars, vals, n) ||
            subst_list(&d.args, vars, vals, n) || subst_list(&d.tags, vars, vals, n) ||
            subst_list(&d.labels, vars, vals, n) || subst_list(&d.deps, vars, vals, n) ||
            subst_list(&d.cache_from, vars, vals, n) || subst_list(&d.cache_to, vars, vals, n) ||
            bake_strv_add(&group.targets, d.name)) {
            rc = hoist_error_nomem(r->err);
            break;
        }
        rc = add_target(r, &d);
        draft_clear(&d);
    }
    draft_clear(&d);
    if (!rc) {
        bake_group *grown = realloc(r->out->matrix, (r->out->matrix_count + 1) * sizeof(*grown));
        if (!grown)
            rc = hoist_error_nomem(r->err);
        else {
            r->out->matrix = grown;
            r->out->matrix[r->out->matrix_count++] = group;
            return 0;
        }
    }
    group_clear(&group);
    return rc;
}

static int read_groups(reader *r, const json_t *groups)
{
    if (!json_is_object(groups))
        return bad(r, r->y.root, "group", groups, "write {\"default\": {\"targets\": [\"a\", \"b\"]}}",
                   "\"group\" must be a map, not %s", type_name(groups));
    const char *k;
    const json_t *g;
    json_object_foreach((json_t *)groups, k, g) {
        const json_t *list = json_is_object(g) ? json_object_get(g, "targets") : NULL;
        if (!list)
            return bad(r, groups, k, g, "write {\"targets\": [\"a\", \"b\"]}",
                       "group \"%s\" must be a map with \"targets\"", k);
        const char *gk;
        const json_t *gv;
        json_object_foreach((json_t *)g, gk, gv)
            if (strcmp(gk, "targets"))
                return bad(r, g, gk, NULL, "a group has only \"targets\"", "group \"%s\": unknown key \"%s\"", k, gk);
        bake_group group = {0};
        group.line = line_of(r, groups, k);
        int rc = (group.name = strdup(k)) ? get_list(r, g, "targets", list, &group.targets, false)
                                          : hoist_error_nomem(r->err);
        bake_group *grown = rc ? NULL : realloc(r->out->groups, (r->out->group_count + 1) * sizeof(*grown));
        if (!grown) {
            group_clear(&group);
            return rc ? rc : hoist_error_nomem(r->err);
        }
        r->out->groups = grown;
        r->out->groups[r->out->group_count++] = group;
    }
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static int parse_json_syntax(reader *r, const char *text, size_t len)
{
    json_error_t je;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (v) {
        json_decref(v);
        return 0;
    }
    hoist_error_setr(r->err, HOIST_EINPUT, HOIST_REASON_PARSE, "not valid JSON: %s", je.text);
    hoist_error_at(r->err, r->file, je.line, je.column);
    return hoist_error_hint(r->err, "fix the JSON at that place (docker buildx bake --print writes a valid file)");
}

static int read_all(reader *r, const char *text, size_t len)
{
    int rc;
    bool json = ends_with(r->file, ".json");
    if (json && (rc = parse_json_syntax(r, text, len)))
        return rc;
    if ((rc = lint_yaml_parse(text, len, r->file, &r->y, r->err))) {
        if (r->err && !r->err->hint[0])
            hoist_error_hint(r->err, json ? "fix the file at that place" : "fix the YAML at that place (compose files "
                             "are YAML: indent with spaces, one key once per map)");
        return rc;
    }
    const json_t *root = r->y.root;
    if (!json_is_object(root)) {
        hoist_error_setr(r->err, HOIST_EINPUT, HOIST_REASON_CONFIG, "%s", root ? "the file is not a map" : "the file is empty");
        hoist_error_at(r->err, r->file, 1, 1);
        return hoist_error_hint(r->err, json ? "write {\"target\": {\"NAME\": {\"context\": \".\"}}}"
                                             : "write services: with a build: section per image");
    }
    r->out->compose = !json;
    if (json) {
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)root, k, v) {
            if (!strcmp(k, "target")) {
                if (!json_is_object(v))
                    return bad(r, root, k, v, "write {\"NAME\": {...}}", "\"target\" must be a map, not %s", type_name(v));
                const char *tn;
                const json_t *tv;
                json_object_foreach((json_t *)v, tn, tv)
                    if ((rc = json_target(r, v, tn, tv)))
                        return rc;
            } else if (!strcmp(k, "group")) {
                if ((rc = read_groups(r, v)))
                    return rc;
            } else if (strcmp(k, "variable")) {
                return bad(r, root, k, NULL, "a bake file has \"target\" and \"group\"", "unknown key \"%s\"", k);
            }
        }
        if (!r->out->target_count)
            return bad(r, root, "target", NULL, "add {\"target\": {\"NAME\": {\"context\": \".\"}}}",
                       "the file defines no target");
        return 0;
    }
    const json_t *services = json_object_get(root, "services");
    if (!services)
        return bad(r, NULL, NULL, root, "add services: with a build: section per image", "no \"services\" in the compose file");
    if (!json_is_object(services))
        return bad(r, root, "services", services, "write services: as a map of service names",
                   "\"services\" must be a map, not %s", type_name(services));
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)services, k, v) {
        if (!json_is_object(v))
            return bad(r, services, k, v, "write the service as a map", "service \"%s\" must be a map", k);
        if (!json_object_get(v, "build"))
            continue;
        draft d = {0};
        rc = read_compose_service(r, services, k, v, &d);
        if (!rc)
            rc = add_target(r, &d);
        draft_clear(&d);
        if (rc)
            return rc;
    }
    /* depends_on on a service without build: is a run-time dependency only */
    for (size_t i = 0; i < r->out->target_count; i++) {
        hoist_bake_target *t = &r->out->targets[i];
        char **deps = (char **)t->depends_on;
        size_t kept = 0;
        for (size_t j = 0; j < t->depends_on_count; j++) {
            bool target = false;
            for (size_t m = 0; m < r->out->target_count && !target; m++)
                target = !strcmp(r->out->targets[m].name, deps[j]);
            if (!target && !json_object_get(services, deps[j]))
                return bad(r, services, t->name, NULL, "name a service of this file", "service \"%s\" depends on "
                           "\"%s\", which is not a service", t->name, deps[j]);
            if (target)
                deps[kept++] = deps[j];
            else
                free(deps[j]);
        }
        t->depends_on_count = kept;
    }
    if (!r->out->target_count)
        return bad(r, root, "services", NULL, "give a service a build: section", "no service has a build: section");
    return 0;
}

int hoist_bake_file_parse(hoist_bake_file **out, const char *text, size_t len, const char *filename, hoist_error *err)
{
    if (!out || (!text && len) || !filename)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_bake_file_parse: out, text and filename are required");
    *out = NULL;
    _cleanup_(hoist_bake_file_freep) hoist_bake_file *f = calloc(1, sizeof(*f));
    _cleanup_free_ char *copy = strdup(filename);
    if (!f || !copy || !(f->path = strdup(filename)))
        return hoist_error_nomem(err);
    reader r = {.file = filename, .out = f, .err = err};
    if (!(r.dir = strdup(dirname(copy))))
        return hoist_error_nomem(err);
    int rc = read_all(&r, text ? text : "", len);
    lint_yaml_free(&r.y);
    free(r.dir);
    if (rc)
        return rc;
    *out = TAKE_PTR(f);
    return 0;
}

int hoist_bake_file_load(hoist_bake_file **out, const char *path, hoist_error *err)
{
    if (!out || !path)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_bake_file_load: out and path are required");
    *out = NULL;
    _cleanup_fclose_ FILE *fp = fopen(path, "rb");
    if (!fp) {
        int e = errno;
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e),
                         "cannot open bake file %s: %s", path, strerror(e));
        return hoist_error_hint(err, "give an existing file (hoist bake -f FILE), or run in the directory that "
                                "has docker-bake.json or compose.yaml");
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_INVALID, "%s is a directory, not a bake file", path);
        return hoist_error_hint(err, "name the file inside it, e.g. %s/docker-bake.json", path);
    }
    _cleanup_free_ char *buf = malloc(MAX_FILE_BYTES + 1);
    if (!buf)
        return hoist_error_nomem(err);
    size_t n = fread(buf, 1, MAX_FILE_BYTES + 1, fp);
    if (ferror(fp))
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_IO, "cannot read %s", path);
    if (n > MAX_FILE_BYTES)
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_LIMIT, "%s is larger than %u MiB", path,
                                MAX_FILE_BYTES >> 20);
    return hoist_bake_file_parse(out, buf, n, path, err);
}

int hoist_bake_file_find(char *out, size_t size, const char *dir, hoist_error *err)
{
    static const char *const names[] = {
        "docker-bake.json", "docker-bake.override.json", "compose.yaml", "compose.yml", "docker-compose.yml",
        "docker-compose.yaml",
    };
    if (!out || !size)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_bake_file_find: out is required");
    if (!dir)
        dir = ".";
    char path[HOIST_PATH_MAX];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (access(path, F_OK) == 0) {
            if (strlen(!strcmp(dir, ".") ? names[i] : path) >= size)
                return hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_LIMIT, "path too long: %s", path);
            snprintf(out, size, "%s", !strcmp(dir, ".") ? names[i] : path);
            return 0;
        }
    }
    snprintf(path, sizeof(path), "%s/docker-bake.hcl", dir);
    if (access(path, F_OK) == 0) {
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_UNSUPPORTED, "%s is HCL, which hoist bake does not read", path);
        return hoist_error_hint(err, "convert it once: docker buildx bake --print > docker-bake.json");
    }
    hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_NOT_FOUND,
                     "no bake file in %s (docker-bake.json, compose.yaml, compose.yml, docker-compose.yml)", dir);
    return hoist_error_hint(err, "give one: hoist bake FILE [TARGET...]");
}
