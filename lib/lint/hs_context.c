/*
 * hs_context.c - hoist's own rules (HS IDs), which look at the Dockerfile
 * together with the build context, plus BuildKit's CopyIgnoredFile.
 *
 * The context is the caller's open one (hoist build passes its own) or is
 * opened here with libhoist's context API (the same resolution, ignore file
 * and walk `hoist build` uses); its one kept walk (hoist_context_entries,
 * excluded entries included, shared with the build's upload estimate) is
 * read as a flat list of names with their size and whether they are sent.
 * The rules then answer: does each COPY/ADD source exist and get sent (and
 * if not, which ignore-file line excluded it); is there an
 * ignore file when bulky directories sit in the context; is a lockfile
 * excluded while its manifest is copied; are secrets or too many bytes sent.
 * Two rules need no context: a Go binary built with cgo copied into a
 * musl/scratch/distroless stage, and `COPY .` before a dependency install.
 * HS009 reports the uses the target engine cannot run (given by the caller:
 * hoist build passes what the daemon reported), as answered by the feature
 * table of lib/dockerfile/features.c (hoist_dockerfile_unsupported).
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "hoist/features.h"

/* ------------------------------------------------------------------ load */
/* The caller's open context (hoist build's) or one opened here; either way
 * its one kept walk (hoist_context_entries) is what the rules read. */
int lint_context_load(lint_ctx *ctx, hoist_error *err)
{
    int rc;
    if (ctx->opts->context) {
        ctx->hctx = ctx->opts->context;
    } else {
        hoist_context_options o = HOIST_CONTEXT_OPTIONS_INIT;
        o.dockerfile_optional = true;
        /* Use the Dockerfile's path when it names a file on disk, so that a
         * <Dockerfile>.dockerignore beside it is found as docker does. */
        if (ctx->opts->dockerfile && strcmp(ctx->opts->dockerfile, "-") &&
            access(ctx->opts->dockerfile, R_OK) == 0)
            o.dockerfile = ctx->opts->dockerfile;
        if ((rc = hoist_context_open(&ctx->owned_hctx, ctx->context_dir, &o, err)))
            return rc;
        ctx->hctx = ctx->owned_hctx;
    }
    if (!ctx->context_dir)
        ctx->context_dir = hoist_context_dir(ctx->hctx);
    ctx->ignore = hoist_context_ignore(ctx->hctx);
    ctx->ignore_file = hoist_context_ignore_file(ctx->hctx);
    const hoist_context_entry *all = NULL;
    size_t count = 0;
    if ((rc = hoist_context_entries(ctx->hctx, &all, &count, err)))
        return rc;
    ctx->entries = calloc(count ? count : 1, sizeof(*ctx->entries));
    if (!ctx->entries)
        return hoist_error_nomem(err);
    for (size_t i = 0; i < count; i++) {
        const hoist_context_entry *e = &all[i];
        if (e->generated)
            continue;
        lint_ctx_entry *le = &ctx->entries[ctx->entry_count++];
        le->path = e->name; /* owned by the context */
        le->dir = e->type == HOIST_ENTRY_DIR;
        le->excluded = !e->sent;
        le->decider = e->pattern;
        le->size = e->size;
        if (e->sent)
            ctx->context_bytes += e->size;
    }
    ctx->context_walked = true;
    return 0;
}

void lint_context_free(lint_ctx *ctx)
{
    free(ctx->entries);
    ctx->entries = NULL;
    ctx->entry_count = 0;
    hoist_context_free(ctx->owned_hctx);
    ctx->owned_hctx = NULL;
    ctx->hctx = NULL;
}

static const lint_ctx_entry *entry(const lint_ctx *ctx, const char *path)
{
    for (size_t i = 0; i < ctx->entry_count; i++)
        if (!strcmp(ctx->entries[i].path, path))
            return &ctx->entries[i];
    return NULL;
}

/* "file:line ('pattern')" of ignore pattern idx. */
static void pattern_where(const lint_ctx *ctx, int idx, char *b, size_t size)
{
    const hoist_ignore_pattern_info *info = idx < 0 ? NULL : hoist_ignore_pattern_at(ctx->ignore, (size_t)idx);
    if (!info) {
        snprintf(b, size, "the ignore file");
        return;
    }
    snprintf(b, size, "%s:%d ('%s%s')", info->file, info->line, info->exception ? "!" : "",
             info->pattern);
}

/* Clean a COPY source into a context-relative path: strip quotes, "./",
 * leading '/', trailing '/'. "" means the whole context. */
void lint_clean_src(const char *in, char *b, size_t size)
{
    lint_strip_quotes(in, b, size);
    char *p = b;
    for (;;) {
        if (p[0] == '.' && p[1] == '/')
            p += 2;
        else if (p[0] == '/')
            p++;
        else
            break;
    }
    if (!strcmp(p, "."))
        p[0] = '\0';
    memmove(b, p, strlen(p) + 1);
    size_t n = strlen(b);
    while (n && b[n - 1] == '/')
        b[--n] = '\0';
}

static bool is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static bool is_remote(const char *s)
{
    return strstr(s, "://") || lint_has_prefix(s, "git@");
}

/* Sources of a context COPY/ADD (no --from, no heredoc, no URL, no $). */
typedef void (*src_fn)(lint_ctx *ctx, size_t i, const hoist_df_arg *arg, const char *src);

static void each_context_source(lint_ctx *ctx, src_fn fn)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if ((ins->kind != HOIST_DF_COPY && ins->kind != HOIST_DF_ADD) || ins->arg_count < 2)
            continue;
        if (hoist_df_instruction_flag(ins, "from"))
            continue;
        for (size_t k = 0; k + 1 < ins->arg_count; k++) {
            const char *v = ins->args[k].value;
            if (!v || lint_has_prefix(v, "<<") || is_remote(v) || strchr(v, '$'))
                continue;
            char src[4096];
            lint_clean_src(v, src, sizeof(src));
            fn(ctx, i, &ins->args[k], src);
        }
    }
}

/* ------------------------------------------------- HS001 / HS002 / CopyIgnoredFile */
typedef struct src_state {
    bool exists, sent;
    int decider;
} src_state;

static src_state source_state(const lint_ctx *ctx, const char *src)
{
    src_state st = {false, false, -1};
    if (!src[0]) {
        st.exists = st.sent = true;
        return st;
    }
    if (!is_glob(src)) {
        const lint_ctx_entry *e = entry(ctx, src);
        if (e) {
            st.exists = true;
            st.sent = !e->excluded;
            st.decider = e->decider;
            /* An excluded directory with something re-included inside. */
            if (!st.sent && e->dir) {
                size_t n = strlen(src);
                for (size_t i = 0; i < ctx->entry_count; i++)
                    if (!strncmp(ctx->entries[i].path, src, n) && ctx->entries[i].path[n] == '/' &&
                        !ctx->entries[i].excluded)
                        st.sent = true;
            }
        }
        return st;
    }
    for (size_t i = 0; i < ctx->entry_count; i++) {
        if (fnmatch(src, ctx->entries[i].path, FNM_PATHNAME) != 0)
            continue;
        st.exists = true;
        if (!ctx->entries[i].excluded)
            st.sent = true;
        else if (st.decider < 0)
            st.decider = ctx->entries[i].decider;
    }
    return st;
}

static void hs001_src(lint_ctx *ctx, size_t i, const hoist_df_arg *arg, const char *src)
{
    src_state st = source_state(ctx, src);
    if (!st.exists)
        lint_report(ctx, (int)i, &arg->range,
                    "check the path: sources are relative to the context directory",
                    "%s source '%s' does not exist in the build context %s",
                    lint_ins_top(ctx, i)->keyword, arg->value, ctx->context_dir);
}

static void hs001(lint_ctx *ctx)
{
    if (ctx->context_walked)
        each_context_source(ctx, hs001_src);
}

static void excluded_src(lint_ctx *ctx, size_t i, const hoist_df_arg *arg, const char *src)
{
    src_state st = source_state(ctx, src);
    if (!st.exists || st.sent)
        return;
    char where[1200];
    pattern_where(ctx, st.decider, where, sizeof(where));
    char hint[1400];
    snprintf(hint, sizeof(hint), "add '!%s' to the ignore file, or remove the pattern at %s", src,
             where);
    if (!strcmp(ctx->rule->info.id, "CopyIgnoredFile"))
        lint_report(ctx, (int)i, &arg->range, hint,
                    "Attempting to Copy file \"%s\" that is excluded by .dockerignore", src);
    else
        lint_report(ctx, (int)i, &arg->range, hint,
                    "%s source '%s' is excluded from the build context by %s",
                    lint_ins_top(ctx, i)->keyword, arg->value, where);
}

static void hs002(lint_ctx *ctx)
{
    if (ctx->context_walked)
        each_context_source(ctx, excluded_src);
}

static void copy_ignored_file(lint_ctx *ctx)
{
    /* HS002 reports the same case as an error naming the pattern. */
    if (ctx->context_walked && !lint_rule_enabled(ctx, "HS002"))
        each_context_source(ctx, excluded_src);
}

/* ------------------------------------------------------------------ HS003 */
static void hs003(lint_ctx *ctx)
{
    static const char *const bulky[] = {"node_modules", ".git", "dist", "build", "target",
                                        "__pycache__", ".venv", "venv", ".tox", ".next",
                                        "coverage", ".gradle", NULL};
    if (!ctx->context_walked || ctx->ignore_file)
        return;
    char found[512] = "";
    size_t w = 0;
    for (size_t i = 0; i < ctx->entry_count; i++) {
        const lint_ctx_entry *e = &ctx->entries[i];
        if (!e->dir || strchr(e->path, '/'))
            continue;
        for (size_t b = 0; bulky[b]; b++)
            if (!strcmp(e->path, bulky[b]) && w < sizeof(found) - 64)
                w += (size_t)snprintf(found + w, sizeof(found) - w, "%s%s/", w ? ", " : "",
                                      e->path);
    }
    if (w)
        lint_report_file(ctx, ctx->context_dir, 0,
                         "add a .dockerignore listing them (e.g. node_modules, .git, dist)",
                         "No .dockerignore while the context contains %s: they are sent to the "
                         "daemon on every build", found);
}

/* ------------------------------------------------------------------ HS004 */
static const struct {
    const char *manifest, *lock;
} lockfiles[] = {{"go.mod", "go.sum"},
                 {"package.json", "package-lock.json"},
                 {"package.json", "yarn.lock"},
                 {"package.json", "pnpm-lock.yaml"},
                 {"pyproject.toml", "poetry.lock"},
                 {"Cargo.toml", "Cargo.lock"}};

typedef struct lock_ud {
    const char *manifest;
    bool copied;
    size_t at;
} lock_ud;

static void hs004(lint_ctx *ctx)
{
    if (!ctx->context_walked)
        return;
    for (size_t l = 0; l < sizeof(lockfiles) / sizeof(lockfiles[0]); l++) {
        const lint_ctx_entry *lock = NULL;
        for (size_t i = 0; i < ctx->entry_count && !lock; i++) {
            const char *p = ctx->entries[i].path;
            const char *bn = strrchr(p, '/');
            if (!strcmp(bn ? bn + 1 : p, lockfiles[l].lock) && ctx->entries[i].excluded)
                lock = &ctx->entries[i];
        }
        if (!lock)
            continue;
        /* Is the manifest copied (by name, glob or as part of `COPY .`)? */
        for (size_t i = 0; i < ctx->n; i++) {
            const hoist_df_instruction *ins = lint_ins_top(ctx, i);
            if ((ins->kind != HOIST_DF_COPY && ins->kind != HOIST_DF_ADD) ||
                hoist_df_instruction_flag(ins, "from"))
                continue;
            bool copies = false;
            for (size_t k = 0; k + 1 < ins->arg_count && !copies; k++) {
                char src[4096];
                lint_clean_src(ins->args[k].value, src, sizeof(src));
                const char *bn = strrchr(src, '/');
                bn = bn ? bn + 1 : src;
                copies = !src[0] || !strcmp(bn, lockfiles[l].manifest) ||
                         (is_glob(bn) && fnmatch(bn, lockfiles[l].manifest, 0) == 0);
            }
            if (!copies)
                continue;
            char where[1200];
            pattern_where(ctx, lock->decider, where, sizeof(where));
            lint_report(ctx, (int)i, NULL, "remove the pattern or add an exception for the lockfile",
                        "%s is copied but its lockfile %s is excluded by %s: dependencies will "
                        "not be the locked versions", lockfiles[l].manifest, lock->path, where);
            break;
        }
    }
}

/* ------------------------------------------------------------------ HS005 */
static bool minimal_base(const lint_ctx *ctx, int stage)
{
    for (int guard = 0; stage >= 0 && (size_t)stage < ctx->stage_count && guard < 64; guard++) {
        const hoist_df_stage *st = &ctx->stages[stage];
        if (st->base_kind == HOIST_DF_BASE_SCRATCH)
            return true;
        if (st->base_kind == HOIST_DF_BASE_IMAGE) {
            const char *b = st->base_expanded ? st->base_expanded : st->base;
            return strcasestr(b, "alpine") || strcasestr(b, "distroless") ||
                   strcasestr(b, "busybox") || strcasestr(b, "chainguard/static");
        }
        stage = st->base_stage;
    }
    return false;
}

static bool stage_sets_cgo_off(const lint_ctx *ctx, int stage, size_t before)
{
    for (size_t j = 0; j < before; j++) {
        const hoist_df_instruction *d = lint_ins_top(ctx, j);
        if (d->stage != stage || (d->kind != HOIST_DF_ENV && d->kind != HOIST_DF_ARG))
            continue;
        for (size_t p = 0; p < d->pair_count; p++)
            if (!strcmp(d->pairs[p].key, "CGO_ENABLED") && d->pairs[p].value &&
                strstr(d->pairs[p].value, "0"))
                return true;
    }
    return false;
}

static bool run_builds_go_with_cgo(const lint_ctx *ctx, size_t i)
{
    const lint_script *s = lint_run_script(ctx, i);
    bool off = false;
    for (size_t k = 0; k < s->count; k++) {
        const lint_cmd *c = &s->cmds[k];
        if (lint_cmd_is(c, "export") || lint_cmd_is(c, "env"))
            for (size_t a = 1; a < c->argc; a++)
                if (!strcmp(c->argv[a], "CGO_ENABLED=0"))
                    off = true;
        bool go_build = lint_cmd_is(c, "go") && c->argc > 1 &&
                        (!strcmp(c->argv[1], "build") || !strcmp(c->argv[1], "install"));
        if (lint_cmd_is(c, "env")) {
            for (size_t a = 1; a + 1 < c->argc; a++)
                if (!strcmp(c->argv[a], "go") &&
                    (!strcmp(c->argv[a + 1], "build") || !strcmp(c->argv[a + 1], "install")))
                    go_build = true;
        }
        bool cmd_off = off;
        for (size_t a = 0; a < c->assign_count; a++)
            if (!strcmp(c->assigns[a], "CGO_ENABLED=0"))
                cmd_off = true;
        if (go_build && !cmd_off)
            return true;
    }
    return false;
}

static void hs005(lint_ctx *ctx)
{
    for (size_t s = 0; s < ctx->stage_count; s++) {
        /* A go build with cgo on in stage s... */
        size_t build_at = 0;
        bool found = false;
        for (size_t i = 0; i < ctx->n && !found; i++) {
            const hoist_df_instruction *ins = lint_ins_top(ctx, i);
            if (ins->stage != (int)s || ins->kind != HOIST_DF_RUN)
                continue;
            if (run_builds_go_with_cgo(ctx, i) && !stage_sets_cgo_off(ctx, (int)s, i)) {
                build_at = i;
                found = true;
            }
        }
        if (!found || minimal_base(ctx, (int)s))
            continue;
        /* ...copied into a musl / scratch / distroless stage. */
        for (size_t i = 0; i < ctx->n; i++) {
            const hoist_df_instruction *ins = lint_ins_top(ctx, i);
            if (ins->kind != HOIST_DF_COPY || ins->stage < 0)
                continue;
            const hoist_df_flag *from = hoist_df_instruction_flag(ins, "from");
            if (!from || !from->value)
                continue;
            hoist_df_copy_from cf;
            hoist_error e = HOIST_ERROR_INIT;
            if (hoist_dockerfile_resolve_from(ctx->df, &cf, ins->stage, from->value, &e) != 0 ||
                cf.kind != HOIST_DF_FROM_STAGE || cf.stage != (int)s)
                continue;
            if (!minimal_base(ctx, ins->stage))
                continue;
            lint_report(ctx, (int)build_at, NULL,
                        "build with CGO_ENABLED=0 (ENV CGO_ENABLED=0 or CGO_ENABLED=0 go build)",
                        "Go binary built with cgo enabled (the default) is copied at line %d "
                        "into a stage based on %s, which lacks glibc: it will fail with 'not "
                        "found' at run time",
                        ins->range.start.line,
                        ctx->stages[ins->stage].base_expanded ? ctx->stages[ins->stage].base_expanded
                                                              : ctx->stages[ins->stage].base);
            break;
        }
    }
}

/* ------------------------------------------------------------------ HS006 */
static bool file_contains(const char *dir, const char *rel, const char *needle)
{
    char path[8192];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    _cleanup_fclose_ FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

static const char *secret_kind(const lint_ctx *ctx, const lint_ctx_entry *e)
{
    const char *p = e->path;
    const char *bn = strrchr(p, '/');
    bn = bn ? bn + 1 : p;
    if (e->dir) {
        if (!strcmp(bn, ".aws") || !strcmp(bn, ".azure") || !strcmp(bn, ".ssh") ||
            !strcmp(p, ".config/gcloud") || !strcmp(bn, ".gnupg") || !strcmp(bn, ".kube"))
            return "a credentials folder";
        return NULL;
    }
    if (!strcmp(bn, ".env") || (lint_has_prefix(bn, ".env.") && !lint_has_suffix(bn, ".example") &&
                                 !lint_has_suffix(bn, ".sample") &&
                                 !lint_has_suffix(bn, ".template") &&
                                 !lint_has_suffix(bn, ".dist")))
        return "an environment file";
    if (!strcmp(bn, "id_rsa") || !strcmp(bn, "id_dsa") || !strcmp(bn, "id_ecdsa") ||
        !strcmp(bn, "id_ed25519"))
        return "a private SSH key";
    if ((lint_has_suffix(bn, ".pem") || lint_has_suffix(bn, ".key")) && e->size < 1 << 20 &&
        file_contains(hoist_context_dir(ctx->hctx), p, "PRIVATE KEY"))
        return "a private key";
    if (!strcmp(bn, ".git-credentials") || !strcmp(bn, ".netrc") || !strcmp(bn, ".pypirc"))
        return "a credentials file";
    if (!strcmp(bn, ".npmrc") && e->size < 1 << 20 &&
        file_contains(hoist_context_dir(ctx->hctx), p, "_authToken"))
        return "an .npmrc with a token";
    if (!strcmp(p, ".docker/config.json"))
        return "docker credentials";
    return NULL;
}

static void hs006(lint_ctx *ctx)
{
    if (!ctx->context_walked)
        return;
    for (size_t i = 0; i < ctx->entry_count; i++) {
        const lint_ctx_entry *e = &ctx->entries[i];
        if (e->excluded)
            continue;
        const char *kind = secret_kind(ctx, e);
        if (!kind)
            continue;
        char hint[5000];
        snprintf(hint, sizeof(hint), "add '%s' to .dockerignore; pass secrets with --secret",
                 e->path);
        lint_report_file(ctx, e->path, 0, hint,
                         "%s (%s) is in the build context and is sent to the daemon%s", e->path,
                         kind, " (and into the image by any COPY that covers it)");
        /* Do not report every file inside a reported folder. */
        if (e->dir) {
            size_t n = strlen(e->path);
            while (i + 1 < ctx->entry_count && !strncmp(ctx->entries[i + 1].path, e->path, n) &&
                   ctx->entries[i + 1].path[n] == '/')
                i++;
        }
    }
}

/* ------------------------------------------------------------------ HS007 */
static void human(unsigned long long b, char *out, size_t size)
{
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    int k = 0;
    while (v >= 1024 && k < 4) {
        v /= 1024;
        k++;
    }
    snprintf(out, size, k ? "%.1f %s" : "%.0f %s", v, u[k]);
}

static void hs007(lint_ctx *ctx)
{
    unsigned long long limit = ctx->opts->context_size_limit ? ctx->opts->context_size_limit
                                                             : 500ull << 20;
    if (!ctx->context_walked || ctx->context_bytes <= limit)
        return;
    /* Largest top-level contributors. */
    struct top {
        char name[256];
        unsigned long long bytes;
    } top[64];
    size_t nt = 0;
    for (size_t i = 0; i < ctx->entry_count; i++) {
        const lint_ctx_entry *e = &ctx->entries[i];
        if (e->excluded || !e->size)
            continue;
        const char *slash = strchr(e->path, '/');
        size_t n = slash ? (size_t)(slash - e->path) : strlen(e->path);
        size_t k;
        for (k = 0; k < nt; k++)
            if (strlen(top[k].name) == n && !strncmp(top[k].name, e->path, n))
                break;
        if (k == nt) {
            if (nt == 64)
                continue;
            snprintf(top[nt].name, sizeof(top[nt].name), "%.*s%s", (int)n, e->path,
                     slash ? "/" : "");
            top[nt++].bytes = 0;
        }
        top[k].bytes += e->size;
    }
    char list[1024] = "";
    size_t w = 0;
    for (int round = 0; round < 3 && nt; round++) {
        size_t best = 0;
        for (size_t k = 1; k < nt; k++)
            if (top[k].bytes > top[best].bytes)
                best = k;
        char hb[32];
        human(top[best].bytes, hb, sizeof(hb));
        w += (size_t)snprintf(list + w, sizeof(list) - w, "%s%s %s", w ? ", " : "",
                              top[best].name, hb);
        top[best] = top[--nt];
    }
    char total[32], lim[32];
    human(ctx->context_bytes, total, sizeof(total));
    human(limit, lim, sizeof(lim));
    lint_report_file(ctx, ctx->context_dir, 0,
                     "exclude what the build does not need in .dockerignore",
                     "The build context sends %s (over %s); largest: %s", total, lim, list);
}

/* ------------------------------------------------------------------ HS008 */
static const char *install_step(const lint_cmd *c)
{
    static const struct {
        const char *cmd, *sub;
    } steps[] = {{"npm", "ci"},          {"npm", "install"},       {"npm", "i"},
                 {"yarn", "install"},    {"pnpm", "install"},      {"pip", "install"},
                 {"pip3", "install"},    {"poetry", "install"},    {"go", "mod"},
                 {"bundle", "install"},  {"composer", "install"},  {"cargo", "fetch"},
                 {"mvn", "dependency:go-offline"}, {"pipenv", "install"}, {"uv", "sync"}};
    for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
        if (!lint_cmd_is(c, steps[k].cmd))
            continue;
        size_t sub = lint_cmd_subcommand(c);
        if (!strcmp(steps[k].cmd, "yarn") && !sub)
            return "yarn";
        if (sub && !strcmp(c->argv[sub], steps[k].sub)) {
            if (!strcmp(steps[k].cmd, "go") && !lint_cmd_has_word(c, "download"))
                continue;
            /* pip install <packages> without -r is not from the sources. */
            if (!strncmp(steps[k].cmd, "pip", 3) && !lint_cmd_has_word(c, "-r") &&
                !lint_cmd_has_word(c, "--requirement") && !lint_cmd_has_word(c, ".") &&
                !lint_cmd_has_word(c, "-e"))
                continue;
            return steps[k].cmd;
        }
    }
    return NULL;
}

static void hs008(lint_ctx *ctx)
{
    /* With the context, HS011 reports the same case when it matters (the
     * manifests are there) and names the fix. */
    if (ctx->context_walked && lint_rule_enabled(ctx, "HS011"))
        return;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if ((ins->kind != HOIST_DF_COPY && ins->kind != HOIST_DF_ADD) || ins->arg_count < 2 ||
            hoist_df_instruction_flag(ins, "from"))
            continue;
        bool all = false;
        for (size_t k = 0; k + 1 < ins->arg_count; k++) {
            char src[4096];
            lint_clean_src(ins->args[k].value, src, sizeof(src));
            all |= !src[0];
        }
        if (!all)
            continue;
        for (size_t j = i + 1; j < ctx->n; j++) {
            const hoist_df_instruction *r = lint_ins_top(ctx, j);
            if (r->stage != ins->stage)
                break;
            const lint_script *s = lint_run_script(ctx, j);
            const char *tool = NULL;
            size_t k;
            for (k = 0; k < s->count && !tool; k++)
                tool = install_step(&s->cmds[k]);
            if (!tool)
                continue;
            lint_report(ctx, (int)i, NULL,
                        "copy the dependency manifests first, install, then COPY the rest",
                        "COPY of the whole context before the dependency install at line %d "
                        "(%s): every source change invalidates the cache and reinstalls "
                        "the dependencies", r->range.start.line, tool);
            break;
        }
    }
}

/* ------------------------------------------------------------------ HS009 */
/* What the target engine cannot run is asked of the feature table
 * (hoist_dockerfile_unsupported), the same answer engine choice uses. */
static void hs009(lint_ctx *ctx)
{
    const hoist_lint_engine *e = ctx->opts->engine;
    if (!e || !e->known)
        return;
    hoist_engine_caps caps = HOIST_ENGINE_CAPS_INIT;
    caps.kind = e->buildkit ? HOIST_ENGINE_BUILDKIT : HOIST_ENGINE_CLASSIC;
    caps.api_version = e->api_version;
    caps.engine_version = e->engine_version;
    hoist_feature_use uses[64];
    size_t n = hoist_dockerfile_unsupported(ctx->df, &caps, NULL, HOIST_FEATURES_EVERY_USE, uses, 64);
    if (n > 64)
        n = 64;
    int fe_major = 0, fe_minor = 0;
    hoist_engine_frontend(&caps, &fe_major, &fe_minor);
    for (size_t i = 0; i < n; i++) {
        const hoist_feature_use *u = &uses[i];
        char needs[128], engine[128];
        if (e->buildkit) {
            snprintf(needs, sizeof(needs), "Dockerfile frontend %d.%d", u->min_frontend_major,
                     u->min_frontend_minor);
            int w = e->engine_version ? snprintf(engine, sizeof(engine), "Docker %s, ", e->engine_version) : 0;
            if (w < 0 || (size_t)w >= sizeof(engine))
                w = 0;
            snprintf(engine + w, sizeof(engine) - (size_t)w, "API %s, BuildKit with frontend %d.%d",
                     e->api_version ? e->api_version : "unknown", fe_major, fe_minor);
        } else {
            snprintf(needs, sizeof(needs), "BuildKit");
            snprintf(engine, sizeof(engine), "API %s, classic builder",
                     e->api_version ? e->api_version : "unknown");
        }
        lint_report(ctx, u->instruction, NULL,
                    e->buildkit ? "add '# syntax=docker/dockerfile:1' at the top, or upgrade the engine"
                                : "enable BuildKit (DOCKER_BUILDKIT=1) or upgrade the engine",
                    "%s needs %s, which the target engine (%s) does not provide", u->feature, needs, engine);
    }
}

#define R(id, sev, title, expl, fn) {{id, "hoist", HOIST_LINT_##sev, title, expl}, fn}

static const lint_rule rules[] = {
    R("HS001", ERROR, "COPY or ADD source is missing from the build context",
      "The build can only read files inside the context directory; a source that is not there "
      "fails the build with \"not found\" after everything before it ran. Fix: correct the "
      "path (it is relative to the context root, not to the Dockerfile), or run the build "
      "from the right directory.",
      hs001),
    R("HS002", ERROR, "COPY or ADD source is excluded by the ignore file",
      "The file exists but a .dockerignore pattern keeps it out of the context, so the build "
      "fails with \"not found\". The finding names the pattern and its line. Fix: remove the "
      "pattern or add an exception (!path) after it.",
      hs002),
    R("HS003", WARNING, "No ignore file while bulky or private directories are in the context",
      "Without .dockerignore, node_modules, .git and build output are sent to the daemon on "
      "every build (slow) and end up in the image with COPY . (big, and stale dependencies "
      "built for the host). Fix: add a .dockerignore that lists them.",
      hs003),
    R("HS004", ERROR, "A lockfile is excluded while its manifest is copied",
      "Copying package.json without package-lock.json (go.mod without go.sum, ...) makes the "
      "build resolve dependency versions anew, or fail (go: missing go.sum entry). Fix: remove "
      "the ignore pattern that excludes the lockfile.",
      hs004),
    R("HS005", ERROR, "Go binary built with cgo is copied into an alpine, scratch or distroless stage",
      "go build links against glibc when cgo is enabled (the default with a C toolchain, as in "
      "golang images); alpine (musl), scratch and static distroless images have no glibc, so "
      "the binary fails with \"not found\". Fix: build with CGO_ENABLED=0.",
      hs005),
    R("HS006", WARNING, "Secrets are in the build context",
      ".env files, private keys, .npmrc with tokens, .git-credentials and cloud credential "
      "folders are sent to the daemon and copied into the image by COPY . . Fix: list them in "
      ".dockerignore and pass secrets with --secret / RUN --mount=type=secret.",
      hs006),
    R("HS007", WARNING, "The build context is very large",
      "Every build sends the whole context before the first instruction runs. The finding "
      "names the largest top-level entries. Fix: exclude what the build does not use in "
      ".dockerignore.",
      hs007),
    R("HS008", WARNING, "COPY of the whole context before a dependency install step",
      "Any source change invalidates the COPY . layer and every layer after it, so the "
      "dependencies are downloaded again on every build. Fix: COPY only the manifests "
      "(package.json and lockfile, go.mod/go.sum, requirements.txt), run the install, then "
      "COPY . . Without the context, this is a guess from the Dockerfile alone; with it, HS011 "
      "reports the case instead (only when the manifests are there, with the fix lines), and "
      "HS008 is reported only when HS011 is disabled.",
      hs008),
    R("HS009", ERROR, "Dockerfile feature the target engine cannot run",
      "Heredocs, RUN --mount, COPY --link/--chmod and other flags need BuildKit and a recent "
      "Dockerfile frontend. hoist build checks them against the engine it talks to (hoist "
      "check alone does not know the engine). Fix: add '# syntax=docker/dockerfile:1', enable "
      "BuildKit, or upgrade the engine.",
      hs009),
    {{"CopyIgnoredFile", "buildkit", HOIST_LINT_WARNING,
      "Attempting to Copy file that is excluded by .dockerignore",
      "BuildKit's check for a COPY/ADD source excluded by .dockerignore. hoist reports this "
      "case as HS002 (an error naming the pattern); CopyIgnoredFile is reported instead when "
      "HS002 is disabled.",
      },
     copy_ignored_file},
};

const lint_family lint_family_hs = {rules, sizeof(rules) / sizeof(rules[0])};
