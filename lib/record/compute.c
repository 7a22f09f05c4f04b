/*
 * compute.c - compute a build record: per step, the inputs the chosen
 * builder keys its layer cache on (docs/cache.md has the model and the
 * BuildKit/moby sources it follows).
 *
 *  - both builders: the instruction as written (continuations joined,
 *    heredoc bodies appended); for RUN every ARG declared in the stage
 *    before it, with its value (the classic builder prepends them to the
 *    command it compares, BuildKit puts them in the RUN's environment); for
 *    other steps the ARGs the text names; FROM's base as an image ID
 *    (GET /images/{name}/json), an earlier stage or scratch;
 *  - COPY/ADD from the context: per source entry the builder sees (after
 *    .dockerignore; the Dockerfile and .dockerignore only when not ignored)
 *    a SHA-256 of its type, permission bits, link target and content. No
 *    mtime (neither builder hashes it), no owner (hoist sends 0:0 to both,
 *    as the docker CLI does), no xattrs (hoist sends none);
 *  - classic builder: every instruction after FROM is a cache step;
 *    BuildKit: only RUN, COPY, ADD and WORKDIR are; the stage's
 *    ENV/ARG/USER/SHELL/WORKDIR text before a RUN (and before a COPY, ADD or
 *    WORKDIR that expands a variable) is part of that step's inputs.
 *
 * The file list comes from the context's kept walk (hoist_context_entries),
 * the one hoist build already made for its checks. Each step's file table
 * goes straight to the record's spool (files.c), in walk order, while the
 * last record's table for the same step is read alongside: a file whose
 * stat signature (the walk's lstat: inode, size, mode, mtime, ctime) is
 * unchanged keeps its digest and is neither read nor stat'ed again.
 * Memory does not grow with the context.
 */
#include "record/record.h"
#include "common/json_util.h"
#include "context/context_internal.h"
#include "engine/client_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/sha256.h"

HOIST_DEFINE_FREEP(hoist_df_scope, hoist_df_scope_free)

/* While computing: the record being made (its file tables go to its
 * spool) and the last record, whose file table for the same step is read
 * alongside, in the same order, to reuse the digests of files whose stat
 * signature did not change. */
typedef struct compute_state {
    rec *r;
    const rec *prev;
    char last[REC_PATH_MAX];     /* the last path written to the table being written */
} compute_state;

/* The last record's table for a step like s: the same instruction (so an
 * inserted line does not lose the digests), else the same position. */
static const rec_step *prev_step(const compute_state *cs, const rec_step *s)
{
    const rec *p = cs->prev;
    for (size_t i = 0; p && p->files && i < p->step_count; i++)
        if (p->steps[i].has_sources && p->steps[i].norm && s->norm && !strcmp(p->steps[i].norm, s->norm))
            return &p->steps[i];
    for (size_t i = 0; p && p->files && i < p->step_count; i++)
        if (p->steps[i].has_sources && p->steps[i].index == s->index)
            return &p->steps[i];
    return NULL;
}

/* The digest of one context entry: what both builders' tarsum headers
 * carry that can change here (type, mode bits, link target, device
 * numbers, size via the content) and the content. `was` is the last
 * record's entry for the same path, if any. */
static int entry_digest(hoist_context *ctx, const hoist_context_entry *e, rec_file *f, const rec_file *was,
                        hoist_error *err)
{
    const char *what = e->type == HOIST_ENTRY_DIR ? "dir" : e->type == HOIST_ENTRY_SYMLINK ? "symlink"
                       : e->type == HOIST_ENTRY_FILE || e->type == HOIST_ENTRY_HARDLINK ? "file" : "device";
    f->type = what[0] == 's' ? 'l' : what[0] == 'd' && what[1] == 'e' ? 'c' : what[0];
    f->mode = (unsigned)(e->mode & 07777);
    bool regular = e->type == HOIST_ENTRY_FILE || e->type == HOIST_ENTRY_HARDLINK;
    if (regular && (f->sig = context_entry_sig(ctx, e)) && was && was->sig == f->sig && was->type == f->type &&
        was->mode == f->mode) {
        memcpy(f->digest, was->digest, sizeof(f->digest));
        return 0;
    }
    char path[2 * REC_PATH_MAX + 8];
    if (regular && (size_t)snprintf(path, sizeof(path), "%s/%s", hoist_context_dir(ctx), e->name) >= sizeof(path))
        return hoist_error_set(err, HOIST_EINPUT, "cannot read %s: name too long", e->name);
    hoist_sha256 md;
    hoist_sha256_init(&md);
    char head[4400];
    int n = snprintf(head, sizeof(head), "hoist-rec-1 %s %o %u:%u %s\n", what, (unsigned)(e->mode & 07777),
                     e->dev_major, e->dev_minor, e->type == HOIST_ENTRY_SYMLINK && e->link ? e->link : "");
    hoist_sha256_update(&md, head, (size_t)n < sizeof(head) ? (size_t)n : sizeof(head));
    if (regular) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "cannot read %s: %s",
                                    e->name, strerror(errno));
        char buf[65536];
        ssize_t got;
        while ((got = read(fd, buf, sizeof(buf))) > 0)
            hoist_sha256_update(&md, buf, (size_t)got);
        if (got < 0)
            return hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "cannot read %s: %s",
                                    e->name, strerror(errno));
    }
    hoist_sha256_final_hex(&md, f->digest);
    return 0;
}

/* Does the COPY source `src` (cleaned) select the entry `name`? */
static bool source_matches(const char *src, bool glob, const char *name)
{
    if (!*src)
        return true;
    size_t n = strlen(src);
    if (glob) {
        if (fnmatch(src, name, FNM_PATHNAME) == 0)
            return true;
        /* entries under a directory the pattern matched */
        for (const char *slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
            char head[4096];
            size_t hl = (size_t)(slash - name);
            if (hl >= sizeof(head))
                break;
            memcpy(head, name, hl);
            head[hl] = '\0';
            if (fnmatch(src, head, FNM_PATHNAME) == 0)
                return true;
        }
        return false;
    }
    return !strncmp(name, src, n) && (name[n] == '\0' || name[n] == '/');
}

static void clean_source(char *s)
{
    for (;;) {
        if (s[0] == '/')
            memmove(s, s + 1, strlen(s));
        else if (s[0] == '.' && s[1] == '/')
            memmove(s, s + 2, strlen(s) - 1);
        else
            break;
    }
    size_t n = strlen(s);
    while (n && s[n - 1] == '/')
        s[--n] = '\0';
    if (!strcmp(s, "."))
        s[0] = '\0';
}

/* Does the builder see this entry (sent, and not only kept by the
 * Dockerfile/.dockerignore exception the CLI adds)? */
static bool builder_sees(hoist_context *ctx, const hoist_context_entry *e)
{
    if (!e->sent || e->generated)
        return false;
    if (e->pattern >= 0) {
        const hoist_ignore_pattern_info *p = hoist_ignore_pattern_at(hoist_context_ignore(ctx), (size_t)e->pattern);
        if (p && p->file && !strcmp(p->file, HOIST_ALWAYS_SENT))
            return false;
    }
    return true;
}

static int add_sources(rec_step *s, hoist_context *ctx, char **srcs, size_t nsrc, compute_state *cs,
                       hoist_error *err)
{
    const hoist_context_entry *entries;
    size_t count;
    int rc = hoist_context_entries(ctx, &entries, &count, err);
    if (rc)
        return rc;
    hoist_sha256 set;
    hoist_sha256_init(&set);
    FILE *spool = cs->r->files;
    if (s->has_sources)
        return hoist_error_set(err, HOIST_EUSAGE, "step %d has two file tables", s->index + 1);
    s->has_sources = true;
    s->files_at = (long long)ftello(spool);
    cs->last[0] = '\0';
    const rec_step *ps = prev_step(cs, s);
    rec_file_reader pr;
    rec_file_reader_init(&pr, ps ? cs->prev->files : NULL, ps ? ps->files_at : 0, ps ? ps->file_count : 0);
    int have = rec_file_next(&pr);
    for (size_t i = 0; i < count; i++) {
        const hoist_context_entry *e = &entries[i];
        if (!builder_sees(ctx, e))
            continue;
        bool hit = false;
        for (size_t k = 0; k < nsrc && !hit; k++)
            hit = source_matches(srcs[k], strpbrk(srcs[k], "*?[") != NULL, e->name);
        if (!hit)
            continue;
        int c = 1;
        while (have && (c = rec_path_cmp(pr.file.path, e->name)) < 0)
            have = rec_file_next(&pr);
        rec_file f = {.path = e->name};
        if ((rc = entry_digest(ctx, e, &f, have && c == 0 ? &pr.file : NULL, err)))
            return rc;
        hoist_sha256_update(&set, e->name, strlen(e->name) + 1);
        hoist_sha256_update(&set, f.digest, 64);
        if (s->file_count >= REC_FILES_MAX || strlen(e->name) >= REC_PATH_MAX) {
            s->files_truncated = true;
            continue;
        }
        if (rec_file_write(spool, cs->last, &f))
            return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno),
                                    "cannot spool the build record: %s", strerror(errno));
        s->file_count++;
    }
    hoist_sha256_final_hex(&set, s->sources);
    return 0;
}

/* What the builder keys an image on: the classic builder its image ID
 * (the parent of the next step's cache probe), BuildKit the chain ID of
 * its layers (source/containerimage cacheKeyFromConfig), so that a new
 * image with the same layers (a LABEL changed) hits there. Here the chain
 * is a SHA-256 of RootFS.Layers in order. "missing:NAME" when the engine
 * does not have it. */
static char *image_id(hoist_client *client, const char *name, bool layers)
{
    char *out = NULL;
    if (client) {
        char path[1400];
        snprintf(path, sizeof(path), "/images/%s/json", name);
        _cleanup_json_ json_t *info = NULL;
        hoist_error ignored = HOIST_ERROR_INIT;
        if (!hoist_client_get_json(client, path, &info, &ignored)) {
            const char *id = hoist_json_str(info, "Id", NULL);
            const json_t *list = json_object_get(json_object_get(info, "RootFS"), "Layers");
            if (layers && json_is_array(list)) {
                hoist_sha256 md;
                hoist_sha256_init(&md);
                size_t i;
                const json_t *v;
                json_array_foreach(list, i, v) {
                    const char *l = json_string_value(v);
                    hoist_sha256_update(&md, l ? l : "", l ? strlen(l) + 1 : 1);
                }
                char hx[65];
                hoist_sha256_final_hex(&md, hx);
                if (asprintf(&out, "layers:sha256:%s", hx) < 0)
                    return NULL;
                return out;
            }
            if (id)
                return strdup(id);
        }
    }
    if (asprintf(&out, "missing:%s", name) < 0)
        return NULL;
    return out;
}

static bool names_var(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strchr(text, '$'); p; p = strchr(p + 1, '$')) {
        const char *q = p + 1;
        if (*q == '{')
            q++;
        if (!strncmp(q, name, n) && !(q[n] == '_' || (q[n] >= 'A' && q[n] <= 'Z') || (q[n] >= 'a' && q[n] <= 'z') ||
                                      (q[n] >= '0' && q[n] <= '9')))
            return true;
    }
    return false;
}

/* *dst = *dst + a + b + c (NULL pieces are empty). */
static int append(char **dst, const char *a, const char *b, const char *c)
{
    char *next = NULL;
    if (asprintf(&next, "%s%s%s%s", *dst ? *dst : "", a ? a : "", b ? b : "", c ? c : "") < 0)
        return -1;
    free(*dst);
    *dst = next;
    return 0;
}

/* The instruction as both builders compare it: the parsed keyword, flags
 * and arguments (so blanks between words and the keyword's case do not
 * count, while a shell-form command stays byte for byte: it is one
 * argument), then heredoc bodies. */
static char *normalize(const hoist_df_instruction *ins)
{
    char *out = NULL;
    if (append(&out, ins->keyword, ins->form == HOIST_DF_FORM_EXEC ? " [exec]" : "", NULL))
        return NULL;
    for (size_t i = 0; i < ins->flag_count; i++)
        if (append(&out, " ", ins->flags[i].text, NULL))
            goto fail;
    for (size_t i = 0; i < ins->arg_count; i++)
        if (append(&out, "\x1f", ins->args[i].value, NULL))
            goto fail;
    for (size_t i = 0; i < ins->pair_count; i++)
        if (append(&out, "\x1e", ins->pairs[i].key, "=") || append(&out, ins->pairs[i].value, NULL, NULL))
            goto fail;
    for (size_t h = 0; h < ins->heredoc_count; h++)
        if (append(&out, "\n<<", ins->heredocs[h].content, NULL))
            goto fail;
    return out;
fail:
    free(out);
    return NULL;
}

static bool buildkit_step(hoist_df_kind k)
{
    return k == HOIST_DF_RUN || k == HOIST_DF_COPY || k == HOIST_DF_ADD || k == HOIST_DF_WORKDIR;
}

static bool is_url(const char *s)
{
    return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8) || !strncmp(s, "git@", 4);
}

/* COPY/ADD: --from, or the sources from the context. */
static int copy_inputs(rec_step *s, const rec_inputs *in, const hoist_df_instruction *ins, int stage,
                       hoist_df_scope *scope, compute_state *cs, hoist_error *err)
{
    const hoist_df_flag *from = hoist_df_instruction_flag(ins, "from");
    if (from && from->value) {
        hoist_df_copy_from cf;
        int rc = hoist_dockerfile_resolve_from(in->df, &cf, stage, from->value, err);
        if (rc)
            return rc;
        if (cf.kind == HOIST_DF_FROM_STAGE) {
            if (asprintf(&s->from, "stage:%d", cf.stage) < 0)
                return hoist_error_nomem(err);
        } else if (!(s->from = image_id(in->client, from->value, !strcmp(in->engine, "buildkit")))) {
            return hoist_error_nomem(err);
        }
        return 0;
    }
    size_t n = ins->arg_count ? ins->arg_count - 1 : 0;
    _cleanup_free_ char **srcs = calloc(n ? n : 1, sizeof(char *));
    if (!srcs)
        return hoist_error_nomem(err);
    size_t used = 0;
    int rc = 0;
    hoist_expand_options eo = HOIST_EXPAND_OPTIONS_INIT;
    eo.escape = hoist_dockerfile_escape(in->df);
    eo.lookup = hoist_df_scope_lookup;
    eo.lookup_ctx = scope;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *a = ins->args[i].value;
        if (!strncmp(a, "<<", 2))
            continue; /* a heredoc: its body is in the step's text */
        if (ins->kind == HOIST_DF_ADD && is_url(a)) {
            free(s->from);
            if (asprintf(&s->from, "url:%s", a) < 0)
                rc = hoist_error_nomem(err);
            continue;
        }
        char *v = NULL;
        hoist_error ignored = HOIST_ERROR_INIT;
        if (hoist_expand(&v, a, strlen(a), &eo, &ignored) || !v)
            v = strdup(a);
        if (!v) {
            rc = hoist_error_nomem(err);
            break;
        }
        clean_source(v);
        srcs[used++] = v;
    }
    if (!rc)
        rc = add_sources(s, in->ctx, srcs, used, cs, err);
    for (size_t i = 0; i < used; i++)
        free(srcs[i]);
    return rc;
}

/* BuildKit: RUN --mount=type=bind (the default type) mounts files, read
 * only, and its ExecOp keys on their content like COPY (the mount's
 * selector goes through the same contenthash); from=<stage> makes the RUN
 * depend on that stage's files. Cache, secret, ssh and tmpfs mounts are
 * not cache inputs. */
static int mount_inputs(rec_step *s, const rec_inputs *in, const hoist_df_instruction *ins, int stage,
                        hoist_df_scope *scope, compute_state *cs, hoist_error *err)
{
    _cleanup_free_ char **srcs = calloc(ins->flag_count + 1, sizeof(char *));
    if (!srcs)
        return hoist_error_nomem(err);
    size_t used = 0;
    int rc = 0;
    hoist_expand_options eo = HOIST_EXPAND_OPTIONS_INIT;
    eo.escape = hoist_dockerfile_escape(in->df);
    eo.lookup = hoist_df_scope_lookup;
    eo.lookup_ctx = scope;
    for (size_t i = 0; i < ins->flag_count && !rc; i++) {
        const hoist_df_flag *f = &ins->flags[i];
        if (strcmp(f->name, "mount") || !f->value)
            continue;
        char *spec = NULL;
        hoist_error ignored = HOIST_ERROR_INIT;
        if (hoist_expand(&spec, f->value, strlen(f->value), &eo, &ignored) || !spec)
            spec = strdup(f->value);
        if (!spec) {
            rc = hoist_error_nomem(err);
            break;
        }
        const char *type = "bind", *source = "", *from = NULL;
        char *save = NULL;
        for (char *field = strtok_r(spec, ",", &save); field; field = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(field, '=');
            if (!eq)
                continue;
            *eq = '\0';
            if (!strcmp(field, "type"))
                type = eq + 1;
            else if (!strcmp(field, "source") || !strcmp(field, "src"))
                source = eq + 1;
            else if (!strcmp(field, "from"))
                from = eq + 1;
        }
        if (strcmp(type, "bind")) {
            free(spec);
            continue;
        }
        if (from && *from) {
            if (!s->from) {
                hoist_df_copy_from cf;
                if ((rc = hoist_dockerfile_resolve_from(in->df, &cf, stage, from, err))) {
                    free(spec);
                    break;
                }
                if (cf.kind == HOIST_DF_FROM_STAGE ? asprintf(&s->from, "stage:%d", cf.stage) < 0
                                                    : !(s->from = image_id(in->client, from, true)))
                    rc = hoist_error_nomem(err);
            }
            free(spec);
            continue;
        }
        if (!(srcs[used] = strdup(source)))
            rc = hoist_error_nomem(err);
        else
            clean_source(srcs[used++]);
        free(spec);
    }
    if (!rc && used)
        rc = add_sources(s, in->ctx, srcs, used, cs, err);
    for (size_t i = 0; i < used; i++)
        free(srcs[i]);
    return rc;
}

static int parse_build_args(hoist_df_build_arg **out, char ***keys, const rec_inputs *in)
{
    *out = calloc(in->build_arg_count ? in->build_arg_count : 1, sizeof(**out));
    *keys = calloc(in->build_arg_count ? in->build_arg_count : 1, sizeof(char *));
    if (!*out || !*keys)
        return -1;
    for (size_t i = 0; i < in->build_arg_count; i++) {
        const char *eq = strchr(in->build_args[i], '=');
        (*keys)[i] = eq ? strndup(in->build_args[i], (size_t)(eq - in->build_args[i])) : strdup(in->build_args[i]);
        if (!(*keys)[i])
            return -1;
        (*out)[i].key = (*keys)[i];
        (*out)[i].value = eq ? eq + 1 : NULL;
    }
    return 0;
}

static int compute_steps(rec *r, const rec_inputs *in, hoist_df_stage *stages, size_t stage_count,
                         const bool *included, const hoist_df_eval_options *eval, compute_state *cs,
                         hoist_error *err)
{
    bool bk = !strcmp(in->engine, "buildkit");
    size_t total = 0;
    for (size_t s = 0; s < stage_count; s++)
        if (included[s])
            total += stages[s].instruction_count;
    if (total && !(r->steps = calloc(total, sizeof(*r->steps))))
        return hoist_error_nomem(err);
    for (size_t s = 0; s < stage_count; s++) {
        if (!included[s])
            continue;
        const hoist_df_stage *st = &stages[s];
        _cleanup_free_ const char **declared = calloc(st->instruction_count + 1, sizeof(char *) * 8);
        size_t ndeclared = 0, declared_cap = (st->instruction_count + 1) * 8;
        _cleanup_free_ char *meta = NULL;
        if (!declared)
            return hoist_error_nomem(err);
        for (size_t i = st->first_instruction; i < st->first_instruction + st->instruction_count; i++) {
            const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(in->df, i);
            rec_step *step = &r->steps[r->step_count++];
            step->index = (int)i;
            step->line = ins->range.start.line;
            step->stage = (int)s;
            step->duration = -1;
            snprintf(step->keyword, sizeof(step->keyword), "%s", ins->keyword);
            if (!(step->text = strdup(ins->original)) || !(step->norm = normalize(ins)))
                return hoist_error_nomem(err);
            if (ins->kind == HOIST_DF_FROM) {
                step->skipped = true;
                if (st->base_kind == HOIST_DF_BASE_STAGE) {
                    if (asprintf(&step->base, "stage:%d", st->base_stage) < 0)
                        return hoist_error_nomem(err);
                } else if (st->base_kind == HOIST_DF_BASE_SCRATCH) {
                    step->base = strdup("scratch");
                } else {
                    step->base = image_id(in->client, st->base_expanded, bk);
                }
                step->base_name = strdup(st->base_expanded ? st->base_expanded : "");
                if (!step->base || !step->base_name)
                    return hoist_error_nomem(err);
                continue;
            }
            step->skipped = bk && !buildkit_step(ins->kind);
            _cleanup_(hoist_df_scope_freep) hoist_df_scope *scope = NULL;
            int rc = hoist_dockerfile_scope_at(in->df, &scope, i, eval, err);
            if (rc)
                return rc;
            /* build args the step sees */
            if (!(step->args = strdup("")))
                return hoist_error_nomem(err);
            for (size_t k = 0; k < ndeclared; k++) {
                bool dup = false;
                for (size_t j = 0; j < k && !dup; j++)
                    dup = !strcmp(declared[j], declared[k]);
                if (dup || (ins->kind != HOIST_DF_RUN && !names_var(step->norm, declared[k])))
                    continue;
                const char *v = hoist_df_scope_get(scope, declared[k]);
                if (v && (append(&step->args, declared[k], "=", v) || append(&step->args, "\n", NULL, NULL)))
                    return hoist_error_nomem(err);
            }
            if (bk && (ins->kind == HOIST_DF_RUN || (buildkit_step(ins->kind) && strchr(step->norm, '$'))))
                if (!(step->meta = strdup(meta ? meta : "")))
                    return hoist_error_nomem(err);
            if (ins->kind == HOIST_DF_COPY || ins->kind == HOIST_DF_ADD)
                if ((rc = copy_inputs(step, in, ins, (int)s, scope, cs, err)))
                    return rc;
            if (bk && ins->kind == HOIST_DF_RUN && (rc = mount_inputs(step, in, ins, (int)s, scope, cs, err)))
                return rc;
            if (ins->kind == HOIST_DF_ARG)
                for (size_t k = 0; k < ins->pair_count && ndeclared < declared_cap; k++)
                    declared[ndeclared++] = ins->pairs[k].key;
            if (ins->kind == HOIST_DF_ENV || ins->kind == HOIST_DF_ARG || ins->kind == HOIST_DF_USER ||
                ins->kind == HOIST_DF_SHELL || ins->kind == HOIST_DF_WORKDIR)
                if (append(&meta, ins->original, "\n", NULL))
                    return hoist_error_nomem(err);
        }
    }
    return 0;
}

int rec_compute(rec **out, const rec_inputs *in, hoist_error *err)
{
    *out = NULL;
    _cleanup_(rec_freep) rec *r = calloc(1, sizeof(*r));
    if (!r)
        return hoist_error_nomem(err);
    snprintf(r->engine, sizeof(r->engine), "%s", in->engine);
    r->time = (long long)time(NULL);
    const char *dfp = hoist_context_dockerfile_path(in->ctx);
    if (!(r->endpoint = strdup(in->endpoint ? in->endpoint : "")) || !(r->context = strdup(hoist_context_dir(in->ctx))) ||
        !(r->dockerfile = strdup(dfp ? dfp : "")) || !(r->target = strdup(in->target ? in->target : "")))
        return hoist_error_nomem(err);

    _cleanup_free_ hoist_df_build_arg *args = NULL;
    _cleanup_free_ char **keys = NULL;
    int prc = parse_build_args(&args, &keys, in);
    int rc = 0;
    hoist_df_eval_options eval = HOIST_DF_EVAL_OPTIONS_INIT;
    eval.build_args = args;
    eval.build_arg_count = in->build_arg_count;
    hoist_df_stage *stages = NULL;
    size_t stage_count = 0;
    _cleanup_free_ bool *needed = NULL;
    if (prc)
        rc = hoist_error_nomem(err);
    if (!rc)
        rc = hoist_dockerfile_stages(in->df, &stages, &stage_count, &eval, err);
    if (!rc && !(needed = calloc(stage_count ? stage_count : 1, sizeof(bool))))
        rc = hoist_error_nomem(err);
    if (!rc && stage_count)
        rc = hoist_dockerfile_target_stages(in->df, needed, stage_count, in->target, &eval, err);
    if (!rc && strcmp(in->engine, "buildkit")) {
        /* the classic builder runs every stage up to the target */
        size_t last = 0;
        for (size_t s = 0; s < stage_count; s++)
            if (needed[s])
                last = s;
        for (size_t s = 0; s <= last && s < stage_count; s++)
            needed[s] = true;
    }
    if (!rc && (!(r->files = rec_spool_open()) || fputs(REC_MAGIC, r->files) == EOF))
        rc = hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno), "cannot spool the build record: %s",
                              strerror(errno));
    _cleanup_free_ compute_state *cs = rc ? NULL : calloc(1, sizeof(*cs));
    if (!rc && !cs)
        rc = hoist_error_nomem(err);
    if (!rc) {
        cs->r = r;
        cs->prev = in->prev;
        rc = compute_steps(r, in, stages, stage_count, needed, &eval, cs, err);
    }
    if (!rc && fflush(r->files))
        rc = hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno), "cannot spool the build record: %s",
                              strerror(errno));
    hoist_df_stages_free(stages);
    for (size_t i = 0; keys && i < in->build_arg_count; i++)
        free(keys[i]);
    if (rc)
        return rc;
    *out = TAKE_PTR(r);
    return 0;
}
