/*
 * record.c - the build record's memory form and its JSON file form.
 *
 * The JSON is the record's header, versioned by "format" (REC_FORMAT); a
 * record of another format is refused and treated as no record by the
 * store. Strings are kept as the Dockerfile has them. The per-file tables
 * are not in it: each step names its table's offset and length in the
 * record's file (files.c), which is read one entry at a time.
 */
#include "record/record.h"
#include "common/json_util.h"

#include <stdlib.h>
#include <string.h>

static void step_clear(rec_step *s)
{
    free(s->text);
    free(s->norm);
    free(s->args);
    free(s->meta);
    free(s->base);
    free(s->base_name);
    free(s->from);
}

void rec_free(rec *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->step_count; i++)
        step_clear(&r->steps[i]);
    free(r->steps);
    free(r->endpoint);
    free(r->context);
    free(r->dockerfile);
    free(r->target);
    if (r->files)
        fclose(r->files);
    free(r);
}

static int set_opt_str(json_t *o, const char *key, const char *v)
{
    return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

json_t *rec_to_json(const rec *r)
{
    json_t *root = json_object();
    json_t *steps = json_array();
    if (!root || !steps) {
        json_decref(root);
        json_decref(steps);
        return NULL;
    }
    int bad = json_object_set_new(root, "format", json_integer(REC_FORMAT));
    bad |= json_object_set_new(root, "engine", json_string(r->engine));
    bad |= set_opt_str(root, "endpoint", r->endpoint);
    bad |= set_opt_str(root, "context", r->context);
    bad |= set_opt_str(root, "dockerfile", r->dockerfile);
    bad |= set_opt_str(root, "target", r->target ? r->target : "");
    bad |= json_object_set_new(root, "time", json_integer(r->time));
    bad |= json_object_set_new(root, "steps", steps);
    for (size_t i = 0; i < r->step_count && !bad; i++) {
        const rec_step *s = &r->steps[i];
        json_t *o = json_object();
        if (!o || json_array_append_new(steps, o))
            return json_decref(root), NULL;
        bad |= json_object_set_new(o, "step", json_integer(s->index + 1));
        bad |= json_object_set_new(o, "line", json_integer(s->line));
        bad |= json_object_set_new(o, "stage", json_integer(s->stage));
        bad |= json_object_set_new(o, "keyword", json_string(s->keyword));
        bad |= set_opt_str(o, "text", s->text);
        bad |= set_opt_str(o, "norm", s->norm);
        bad |= set_opt_str(o, "args", s->args);
        bad |= set_opt_str(o, "meta", s->meta);
        bad |= set_opt_str(o, "base", s->base);
        bad |= set_opt_str(o, "base_name", s->base_name);
        bad |= set_opt_str(o, "from", s->from);
        bad |= json_object_set_new(o, "skipped", json_boolean(s->skipped));
        bad |= json_object_set_new(o, "ran", json_boolean(s->ran));
        bad |= json_object_set_new(o, "cached", json_boolean(s->cached));
        bad |= json_object_set_new(o, "duration", json_real(s->duration));
        if (s->has_sources) {
            bad |= json_object_set_new(o, "sources", json_string(s->sources));
            bad |= json_object_set_new(o, "files_truncated", json_boolean(s->files_truncated));
            bad |= json_object_set_new(o, "files_at", json_integer(s->files_at));
            bad |= json_object_set_new(o, "file_count", json_integer((json_int_t)s->file_count));
        }
    }
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static int dup_opt(char **dst, const json_t *o, const char *key)
{
    const char *v = hoist_json_str(o, key, NULL);
    if (!v)
        return 0;
    return (*dst = strdup(v)) ? 0 : -1;
}

static void copy_fixed(char *dst, size_t size, const json_t *o, const char *key)
{
    snprintf(dst, size, "%s", hoist_json_str(o, key, ""));
}

int rec_from_json(rec **out, const json_t *j, hoist_error *err)
{
    *out = NULL;
    if (!json_is_object(j) || hoist_json_int(j, "format", 0) != REC_FORMAT)
        return hoist_error_set(err, HOIST_EINPUT, "not a hoist build record of format %d", REC_FORMAT);
    _cleanup_(rec_freep) rec *r = calloc(1, sizeof(*r));
    if (!r)
        return hoist_error_nomem(err);
    copy_fixed(r->engine, sizeof(r->engine), j, "engine");
    r->time = hoist_json_int(j, "time", 0);
    if (dup_opt(&r->endpoint, j, "endpoint") || dup_opt(&r->context, j, "context") ||
        dup_opt(&r->dockerfile, j, "dockerfile") || dup_opt(&r->target, j, "target"))
        return hoist_error_nomem(err);
    const json_t *steps = json_object_get(j, "steps");
    size_t n = json_array_size(steps);
    if (n && !(r->steps = calloc(n, sizeof(*r->steps))))
        return hoist_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(steps, i);
        rec_step *s = &r->steps[i];
        r->step_count++;
        s->index = (int)hoist_json_int(o, "step", 1) - 1;
        s->line = (int)hoist_json_int(o, "line", 0);
        s->stage = (int)hoist_json_int(o, "stage", 0);
        copy_fixed(s->keyword, sizeof(s->keyword), o, "keyword");
        if (dup_opt(&s->text, o, "text") || dup_opt(&s->norm, o, "norm") || dup_opt(&s->args, o, "args") || dup_opt(&s->meta, o, "meta") ||
            dup_opt(&s->base, o, "base") || dup_opt(&s->base_name, o, "base_name") || dup_opt(&s->from, o, "from"))
            return hoist_error_nomem(err);
        s->skipped = hoist_json_bool(o, "skipped", 0);
        s->ran = hoist_json_bool(o, "ran", 0);
        s->cached = hoist_json_bool(o, "cached", 0);
        const json_t *d = json_object_get(o, "duration");
        s->duration = json_is_number(d) ? json_number_value(d) : -1;
        const char *sources = hoist_json_str(o, "sources", NULL);
        if (!sources)
            continue;
        s->has_sources = true;
        snprintf(s->sources, sizeof(s->sources), "%s", sources);
        s->files_truncated = hoist_json_bool(o, "files_truncated", 0);
        json_int_t at = hoist_json_int(o, "files_at", 0), fc = hoist_json_int(o, "file_count", 0);
        if (at < 0 || fc < 0 || fc > REC_FILES_MAX)
            return hoist_error_set(err, HOIST_EINPUT, "broken file table in a build record");
        s->files_at = at;
        s->file_count = (size_t)fc;
    }
    *out = TAKE_PTR(r);
    return 0;
}
