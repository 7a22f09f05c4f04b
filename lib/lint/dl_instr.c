/*
 * dl_instr.c - hadolint's rules about instructions themselves (not the shell
 * commands inside RUN): base images and tags, stage aliases, COPY/ADD
 * arguments, CMD/ENTRYPOINT form, users, WORKDIR, EXPOSE, ENV/ARG names.
 *
 * IDs and meanings follow hadolint's documentation so that `# hadolint
 * ignore=` pragmas and configs keep working; the checks are written from
 * those descriptions, against hoist's AST. Each check walks the instruction
 * list once and reports on the instruction at fault.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FOR_EACH_INS(ctx, i, ins)                                                            \
    for (size_t i = 0; i < (ctx)->n; i++)                                                    \
        for (const hoist_df_instruction *ins = lint_ins((ctx), i); ins; ins = NULL)

static const char *argv_at(const hoist_df_instruction *ins, size_t k)
{
    return k < ins->arg_count && ins->args[k].value ? ins->args[k].value : "";
}

/* ---------------------------------------------------------------- DL1001 */
static void dl1001(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        for (size_t c = 0; c < ins->comment_count; c++) {
            lint_pragma p;
            if (lint_pragma_parse(ins->comments[c].text, &p) == LINT_PRAGMA_IGNORE)
                lint_report(ctx, -1, &ins->comments[c].range,
                            "fix the finding, or ignore the rule in .hoist.yaml",
                            "Please refrain from using inline ignore pragmas `# hadolint "
                            "ignore=DLxxxx`.");
        }
    }
}

/* ---------------------------------------------------------------- DL3000 */
static bool is_abs_path(const char *p)
{
    return p[0] == '/' || p[0] == '$' || p[0] == '\\' ||
           (isalpha((unsigned char)p[0]) && p[1] == ':');
}

static void dl3000(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_WORKDIR)
            continue;
        char b[1024];
        lint_strip_quotes(ins->raw_args, b, sizeof(b));
        if (b[0] && !is_abs_path(b))
            lint_report(ctx, (int)i, NULL, "use an absolute path such as /app",
                        "Use absolute WORKDIR: '%s' is relative", b);
    }
}

/* ---------------------------------------------------------------- DL3002 */
static void dl3002(lint_ctx *ctx)
{
    /* hadolint: every stage whose last USER is root (a USER before any FROM
     * does not count). */
    int last_user = -1, stage = -1;
    for (size_t i = 0; i <= ctx->n; i++) {
        const hoist_df_instruction *ins = i < ctx->n ? lint_ins_top(ctx, i) : NULL;
        if (!ins || ins->kind == HOIST_DF_FROM) {
            if (last_user >= 0 &&
                lint_is_root_user(lint_ins_top(ctx, (size_t)last_user)->raw_args))
                lint_report(ctx, last_user, NULL,
                            "switch to an unprivileged user at the end: USER app",
                            "Last USER should not be root");
            last_user = -1;
            stage++;
            continue;
        }
        if (ins->kind == HOIST_DF_USER && stage >= 0)
            last_user = (int)i;
    }
}

/* ---------------------------------------------------------- DL3006/DL3007 */
static void dl3006(lint_ctx *ctx)
{
    for (size_t s = 0; s < ctx->stage_count; s++) {
        const hoist_df_stage *st = &ctx->stages[s];
        if (st->base_kind != HOIST_DF_BASE_IMAGE || !st->image || strchr(st->base, '$'))
            continue;
        if (!st->image->tag && !st->image->digest)
            lint_report(ctx, (int)st->first_instruction, NULL,
                        "name a tag or a digest, e.g. FROM debian:12.5-slim",
                        "Always tag the version of an image explicitly: '%s'", st->base);
    }
}

static void dl3007(lint_ctx *ctx)
{
    for (size_t s = 0; s < ctx->stage_count; s++) {
        const hoist_df_stage *st = &ctx->stages[s];
        if (st->base_kind != HOIST_DF_BASE_IMAGE || !st->image)
            continue;
        if (st->image->tag && !strcmp(st->image->tag, "latest") && !st->image->digest)
            lint_report(ctx, (int)st->first_instruction, NULL,
                        "pin a release tag (or a digest) instead of latest",
                        "Using latest is prone to errors if the image will ever update. Pin the "
                        "version explicitly to a release tag: '%s'", st->base);
    }
}

/* ---------------------------------------------------------------- DL3010 */
static bool is_archive(const char *s)
{
    /* hadolint's list (compressed single files count: ADD does not
     * extract them, but hadolint accepts them), plus .tar.zst. */
    static const char *const ext[] = {".tar", ".Z",   ".bz2", ".gz",  ".lz",  ".lzma",
                                      ".tZ",  ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
                                      ".tpz", ".txz", ".xz",  ".tar.zst", NULL};
    for (size_t i = 0; ext[i]; i++)
        if (lint_has_suffix(s, ext[i]))
            return true;
    return false;
}

/* The last path element, '/' or '\\' separated (Windows paths too). */
static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/'), *b = strrchr(p, '\\');
    if (b && (!s || b > s))
        s = b;
    return s ? s + 1 : p;
}

static bool tar_extracts(const lint_cmd *c, const char *name)
{
    static const char *const unpack[] = {"unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz",
                                         "uncompress", "zcat", "gzcat", NULL};
    bool x = false;
    for (size_t k = 0; unpack[k] && !x; k++)
        x = lint_cmd_is(c, unpack[k]);
    if (lint_cmd_is(c, "tar"))
        x = lint_cmd_has_flag(c, 'x', "--extract") || lint_cmd_has_word(c, "--get") ||
            (c->argc > 1 && c->argv[1][0] != '-' && strchr(c->argv[1], 'x'));
    if (!x)
        return false;
    for (size_t k = 1; k < c->argc; k++)
        if (!strcmp(base_name(c->argv[k]), name))
            return true;
    return false;
}

static void dl3010(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_COPY || ins->arg_count < 2 || hoist_df_instruction_flag(ins, "from"))
            continue;
        /* An archive destination names the file to look for; otherwise
         * the archive sources do. */
        char dst[1024];
        lint_strip_quotes(argv_at(ins, ins->arg_count - 1), dst, sizeof(dst));
        bool dst_archive = is_archive(dst);
        for (size_t k = 0; k + 1 < ins->arg_count; k++) {
            char src[1024];
            lint_strip_quotes(argv_at(ins, k), src, sizeof(src));
            if (dst_archive)
                snprintf(src, sizeof(src), "%s", dst);
            else if (!is_archive(src))
                continue;
            const char *bn = base_name(src);
            bool hit = false;
            for (size_t j = i + 1; j < ctx->n && !hit; j++) {
                if (lint_stage_of(ctx, j) != lint_stage_of(ctx, i))
                    break;
                const lint_script *sc = lint_run_script(ctx, j);
                for (size_t c = 0; c < sc->count && !hit; c++)
                    hit = tar_extracts(&sc->cmds[c], bn);
            }
            if (hit) {
                lint_report(ctx, (int)i, NULL, "ADD extracts local tar archives itself",
                            "Use ADD for extracting archives into an image: '%s' is copied and "
                            "then extracted", src);
                break;
            }
            if (dst_archive)
                break;
        }
    }
}

/* ---------------------------------------------------------------- DL3011 */
static bool port_ok(const char *s)
{
    if (!*s || s[0] == '$')
        return true;
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s)
        return true; /* not a number: ExposeInvalidFormat's business */
    return v >= 0 && v <= 65535;
}

static void dl3011(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_EXPOSE)
            continue;
        for (size_t k = 0; k < ins->arg_count; k++) {
            char p[256];
            lint_strip_quotes(argv_at(ins, k), p, sizeof(p));
            char *slash = strchr(p, '/');
            if (slash)
                *slash = '\0';
            char *colon = strrchr(p, ':');
            char *port = colon ? colon + 1 : p;
            char *dash = strchr(port, '-');
            bool ok = true;
            if (dash) {
                *dash = '\0';
                ok = port_ok(port) && port_ok(dash + 1);
            } else {
                ok = port_ok(port);
            }
            if (!ok)
                lint_report(ctx, (int)i, &ins->args[k].range,
                            "ports are numbers from 0 to 65535",
                            "Valid UNIX ports range from 0 to 65535: '%s'", argv_at(ins, k));
        }
    }
}

/* ------------------------------------------------------- DL3012/4003/4004 */
static void multiple(lint_ctx *ctx, hoist_df_kind kind, const char *msg, const char *hint)
{
    int stage = -2;
    int seen = 0;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->stage != stage) {
            stage = ins->stage;
            seen = 0;
        }
        if (ins->kind == kind && ++seen > 1)
            lint_report(ctx, (int)i, NULL, hint, "%s", msg);
    }
}

static void dl3012(lint_ctx *ctx)
{
    multiple(ctx, HOIST_DF_HEALTHCHECK, "Multiple HEALTHCHECK instructions",
             "keep one HEALTHCHECK per stage; only the last one takes effect");
}

static void dl4003(lint_ctx *ctx)
{
    multiple(ctx, HOIST_DF_CMD, "Multiple CMD instructions found",
             "keep one CMD per stage; only the last one takes effect");
}

static void dl4004(lint_ctx *ctx)
{
    multiple(ctx, HOIST_DF_ENTRYPOINT, "Multiple ENTRYPOINT instructions found",
             "keep one ENTRYPOINT per stage; only the last one takes effect");
}

/* ---------------------------------------------------------------- DL3020 */
static bool is_url(const char *s)
{
    return lint_has_prefix(s, "http://") || lint_has_prefix(s, "https://") ||
           lint_has_prefix(s, "git@") || lint_has_prefix(s, "git://") ||
           lint_has_suffix(s, ".git");
}

static void dl3020(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_ADD || ins->arg_count < 2)
            continue;
        for (size_t k = 0; k + 1 < ins->arg_count; k++) {
            char src[1024];
            lint_strip_quotes(argv_at(ins, k), src, sizeof(src));
            if (lint_has_prefix(src, "<<") || is_url(src) || is_archive(src) || strchr(src, '$'))
                continue;
            lint_report(ctx, (int)i, NULL, "replace ADD with COPY",
                        "Use COPY instead of ADD for files and folders: '%s'", src);
            break;
        }
    }
}

/* ---------------------------------------------------------------- DL3021 */
static void dl3021(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_COPY || ins->arg_count <= 2)
            continue;
        size_t srcs = 0;
        for (size_t k = 0; k + 1 < ins->arg_count; k++)
            srcs += !lint_has_prefix(argv_at(ins, k), "<<");
        char dst[1024];
        lint_strip_quotes(argv_at(ins, ins->arg_count - 1), dst, sizeof(dst));
        size_t n = strlen(dst);
        if (srcs > 1 && n && dst[n - 1] != '/')
            lint_report(ctx, (int)i, &ins->args[ins->arg_count - 1].range,
                        "end the destination with '/'",
                        "COPY with more than 2 arguments requires the last argument to end with "
                        "/: '%s'", dst);
    }
}

/* ---------------------------------------------------------- DL3022/DL3023 */
static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Alias of a stage defined before instruction i (case-insensitive). */
static int alias_before(const lint_ctx *ctx, size_t i, const char *name)
{
    for (size_t j = 0; j < i; j++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, j);
        const char *a = f->kind == HOIST_DF_FROM ? lint_from_alias(f) : NULL;
        if (a && !strcasecmp(a, name))
            return f->stage;
    }
    return -1;
}

static void dl3022(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_COPY)
            continue;
        const hoist_df_flag *from = hoist_df_instruction_flag(ins, "from");
        if (!from || !from->value || !from->value[0])
            continue;
        const char *v = from->value;
        if (all_digits(v)) {
            /* An index names one of the stages started so far. */
            size_t froms = 0;
            for (size_t j = 0; j <= i; j++)
                froms += lint_ins_top(ctx, j)->kind == HOIST_DF_FROM;
            if (strlen(v) > 6 || (size_t)atol(v) >= froms)
                lint_report(ctx, (int)i, &from->range,
                            "name a stage defined above with FROM ... AS <name>",
                            "COPY --from should reference a previously defined FROM alias: "
                            "'%s' is not a stage index here", v);
            continue;
        }
        if (strchr(v, ':') || strchr(v, '/') || strchr(v, '@') ||
            strchr(v, '$'))
            continue;
        int own = lint_stage_of(ctx, i);
        const char *alias = own >= 0 ? lint_from_alias(lint_stage_from(ctx, own)) : NULL;
        if (alias && !strcasecmp(alias, v))
            continue; /* DL3023 */
        if (alias_before(ctx, i, v) < 0)
            lint_report(ctx, (int)i, &from->range,
                        "name a stage defined above with FROM ... AS <name>",
                        "COPY --from should reference a previously defined FROM alias: '%s'", v);
    }
}

static void dl3023(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_COPY)
            continue;
        const hoist_df_flag *from = hoist_df_instruction_flag(ins, "from");
        int own = lint_stage_of(ctx, i);
        const char *alias = own >= 0 ? lint_from_alias(lint_stage_from(ctx, own)) : NULL;
        if (from && from->value && alias && !strcasecmp(alias, from->value))
            lint_report(ctx, (int)i, &from->range, "copy from an earlier stage",
                        "COPY --from cannot reference its own FROM alias: '%s'", from->value);
    }
}

/* ---------------------------------------------------------------- DL3024 */
static void dl3024(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const char *a = f->kind == HOIST_DF_FROM ? lint_from_alias(f) : NULL;
        if (a && alias_before(ctx, i, a) >= 0)
            lint_report(ctx, (int)i, &f->args[2].range, "give every stage its own name",
                        "FROM aliases (stage names) must be unique: '%s'", a);
    }
}

/* ---------------------------------------------------------------- DL3025 */
static void dl3025(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        bool shell_check = ins->kind == HOIST_DF_HEALTHCHECK && ins->arg_count &&
                           !strcasecmp(argv_at(ins, 0), "CMD") &&
                           ins->form == HOIST_DF_FORM_SHELL;
        if (shell_check ||
            ((ins->kind == HOIST_DF_CMD || ins->kind == HOIST_DF_ENTRYPOINT) &&
             ins->form == HOIST_DF_FORM_SHELL && ins->raw_args[0]))
            lint_report(ctx, (int)i, NULL, "write it as a JSON array: [\"prog\", \"arg\"]",
                        "Use arguments JSON notation for CMD and ENTRYPOINT arguments");
    }
}

/* ---------------------------------------------------------------- DL3026 */
static bool registry_trusted(const lint_ctx *ctx, const char *reg)
{
    for (size_t k = 0; k < lint_config_trusted_count(ctx->cfg); k++) {
        const char *t = lint_config_trusted(ctx->cfg, k);
        size_t tl = strlen(t);
        if (!strcasecmp(t, reg) || !strcmp(t, "*"))
            return true;
        /* "*.example.com" or "*example.com": a suffix; "example*": a prefix. */
        if (t[0] == '*' && lint_has_suffix(reg, t + 1))
            return true;
        if (tl > 1 && t[tl - 1] == '*' && !strncmp(reg, t, tl - 1))
            return true;
        if (!strcmp(reg, "docker.io") &&
            (!strcasecmp(t, "hub.docker.com") || !strcasecmp(t, "index.docker.io")))
            return true;
    }
    return false;
}

/* An image named by COPY --from or RUN --mount from= (not a stage name
 * defined above, not a stage index): report it unless it comes from a
 * trusted registry. */
static void dl3026_ref(lint_ctx *ctx, size_t i, const char *v, const hoist_df_range *range,
                       const char *what)
{
    if (!v || !v[0] || all_digits(v) || strchr(v, '$') || alias_before(ctx, i + 1, v) >= 0)
        return;
    hoist_image_ref *ref = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_image_ref_parse(v, &ref, &err))
        return;
    if (!registry_trusted(ctx, ref->registry) && strcmp(v, "scratch"))
        lint_report(ctx, (int)i, range,
                    "use an image from a trusted registry, or add the registry to "
                    "trusted-registries",
                    "Use only an allowed registry in %s: '%s' is from %s", what, v, ref->registry);
    hoist_image_ref_free(ref);
}

static void dl3026(lint_ctx *ctx)
{
    if (!lint_config_trusted_count(ctx->cfg))
        return;
    for (size_t s = 0; s < ctx->stage_count; s++) {
        const hoist_df_stage *st = &ctx->stages[s];
        if (st->base_kind != HOIST_DF_BASE_IMAGE || !st->image)
            continue;
        if (!registry_trusted(ctx, st->image->registry))
            lint_report(ctx, (int)st->first_instruction, NULL,
                        "use an image from a trusted registry, or add the registry to "
                        "trusted-registries",
                        "Use only an allowed registry in the FROM image: '%s' is from %s",
                        st->base, st->image->registry);
    }
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind == HOIST_DF_COPY) {
            const hoist_df_flag *from = hoist_df_instruction_flag(ins, "from");
            if (from)
                dl3026_ref(ctx, i, from->value, &from->range, "COPY --from");
            continue;
        }
        if (ins->kind != HOIST_DF_RUN)
            continue;
        for (size_t f = 0; f < ins->flag_count; f++) {
            const hoist_df_flag *fl = &ins->flags[f];
            if (strcmp(fl->name, "mount") || !fl->value)
                continue;
            /* type=bind (the default) or type=cache, with from=<image>. */
            char type[32] = "bind", from[512] = "";
            for (const char *p = fl->value; *p;) {
                size_t n = strcspn(p, ",");
                if (lint_has_prefix(p, "type=") && n - 5 < sizeof(type))
                    snprintf(type, sizeof(type), "%.*s", (int)(n - 5), p + 5);
                else if (lint_has_prefix(p, "from=") && n - 5 < sizeof(from))
                    snprintf(from, sizeof(from), "%.*s", (int)(n - 5), p + 5);
                p += n + (p[n] ? 1 : 0);
            }
            if (!strcmp(type, "bind") || !strcmp(type, "cache"))
                dl3026_ref(ctx, i, from, &fl->range, "RUN --mount from=");
        }
    }
}

/* ---------------------------------------------------------------- DL3029 */
static void dl3029(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        if (f->kind != HOIST_DF_FROM)
            continue;
        const hoist_df_flag *p = hoist_df_instruction_flag(f, "platform");
        if (p && p->value && !strchr(p->value, '$'))
            lint_report(ctx, (int)i, &p->range,
                        "let `--platform` on the command line choose, or use $BUILDPLATFORM",
                        "Do not use --platform flag with FROM: '%s'", p->value);
    }
}

/* ---------------------------------------------------------------- DL3043 */
static void dl3043(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *o = lint_ins_top(ctx, i);
        if (o->kind != HOIST_DF_ONBUILD || !o->trigger)
            continue;
        hoist_df_kind k = o->trigger->kind;
        if (k == HOIST_DF_ONBUILD || k == HOIST_DF_FROM || k == HOIST_DF_MAINTAINER)
            lint_report(ctx, (int)i, NULL, NULL,
                        "ONBUILD, FROM or MAINTAINER triggered from within ONBUILD instruction");
    }
}

/* ---------------------------------------------------------------- DL3044 */
typedef struct self_ref {
    const hoist_df_instruction *ins;
    size_t upto;      /* pairs [0, upto) are defined in this statement */
    const char *hit;
    size_t hit_len;
    const lint_ctx *ctx;
    size_t index;
} self_ref;

static bool defined_before(const lint_ctx *ctx, size_t index, const char *name, size_t len)
{
    int stage = lint_stage_of(ctx, index);
    for (size_t j = 0; j < index; j++) {
        const hoist_df_instruction *d = lint_ins_top(ctx, j);
        if (d->stage != stage && d->stage != -1)
            continue;
        if (d->kind != HOIST_DF_ENV && d->kind != HOIST_DF_ARG)
            continue;
        for (size_t p = 0; p < d->pair_count; p++)
            if (strlen(d->pairs[p].key) == len && !strncmp(d->pairs[p].key, name, len))
                return true;
    }
    return false;
}

static void self_ref_var(void *ud, const char *name, size_t len)
{
    self_ref *s = ud;
    if (s->hit)
        return;
    for (size_t p = 0; p < s->upto; p++)
        if (strlen(s->ins->pairs[p].key) == len && !strncmp(s->ins->pairs[p].key, name, len) &&
            !defined_before(s->ctx, s->index, name, len)) {
            s->hit = name;
            s->hit_len = len;
        }
}

static void dl3044(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->kind != HOIST_DF_ENV || ins->pair_count < 2)
            continue;
        for (size_t p = 1; p < ins->pair_count; p++) {
            self_ref s = {ins, p, NULL, 0, ctx, i};
            if (ins->pairs[p].value)
                lint_each_var(ins->pairs[p].value, hoist_dockerfile_escape(ctx->df),
                              self_ref_var, &s);
            if (s.hit) {
                lint_report(ctx, (int)i, &ins->pairs[p].range,
                            "split it into two ENV instructions",
                            "Do not refer to an environment variable within the same ENV "
                            "statement where it is defined: '%.*s'", (int)s.hit_len, s.hit);
                break;
            }
        }
    }
}

/* ---------------------------------------------------------------- DL3045 */
static bool stage_has_workdir(const lint_ctx *ctx, int stage, size_t before)
{
    for (int guard = 0; stage >= 0 && guard < 64; guard++) {
        for (size_t j = 0; j < before; j++) {
            const hoist_df_instruction *d = lint_ins_top(ctx, j);
            if (d->stage == stage && d->kind == HOIST_DF_WORKDIR)
                return true;
        }
        if ((size_t)stage >= ctx->stage_count ||
            ctx->stages[stage].base_kind != HOIST_DF_BASE_STAGE)
            return false;
        before = ctx->n;
        stage = ctx->stages[stage].base_stage;
    }
    return false;
}

static void dl3045(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->kind != HOIST_DF_COPY || ins->arg_count < 2)
            continue;
        char dst[1024];
        lint_strip_quotes(argv_at(ins, ins->arg_count - 1), dst, sizeof(dst));
        if (is_abs_path(dst))
            continue;
        if (!stage_has_workdir(ctx, ins->stage, i))
            lint_report(ctx, (int)i, &ins->args[ins->arg_count - 1].range,
                        "set WORKDIR first, or copy to an absolute path",
                        "COPY to a relative destination without WORKDIR set: '%s'", dst);
    }
}

/* ---------------------------------------------------------------- DL3057 */
/* hadolint's DL3057: every stage without a HEALTHCHECK is reported, unless
 * it is built FROM a stage (by name) that has one; a HEALTHCHECK also
 * clears the stages the current one is built from, transitively (they are
 * the chain that ends in a checked image). */
static void dl3057(lint_ctx *ctx)
{
    size_t count = 0;
    for (size_t i = 0; i < ctx->n; i++)
        count += lint_ins_top(ctx, i)->kind == HOIST_DF_FROM;
    if (!count)
        return;
    struct sid {
        size_t ins;
        const char *src, *name;
        bool good;
    } *ids = calloc(count, sizeof(*ids));
    if (!ids) {
        ctx->status = HOIST_EFAILED;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->kind == HOIST_DF_FROM && n < count) {
            struct sid *s = &ids[n++];
            s->ins = i;
            s->src = argv_at(ins, 0);
            s->name = lint_from_alias(ins) ? lint_from_alias(ins) : s->src;
            for (size_t t = 0; t + 1 < n; t++)
                if (ids[t].good && !strcmp(ids[t].name, s->src))
                    s->good = true;
        } else if (ins->kind == HOIST_DF_HEALTHCHECK && n) {
            ids[n - 1].good = true;
            /* Its ancestors (by stage name) become good too. */
            const char *src = ids[n - 1].src;
            for (size_t guard = 0; src && guard < n; guard++) {
                const char *next = NULL;
                for (size_t t = 0; t + 1 < n; t++)
                    if (!ids[t].good && !strcmp(ids[t].name, src)) {
                        ids[t].good = true;
                        next = ids[t].src;
                    }
                src = next;
            }
        }
    }
    for (size_t t = 0; t < n; t++)
        if (!ids[t].good)
            lint_report(ctx, (int)ids[t].ins, NULL,
                        "add HEALTHCHECK CMD <probe> (or HEALTHCHECK NONE)",
                        "HEALTHCHECK instruction missing");
    free(ids);
}

/* ---------------------------------------------------------------- DL3059 */
static void flags_text(const hoist_df_instruction *ins, char *b, size_t size)
{
    b[0] = '\0';
    size_t w = 0;
    for (size_t f = 0; f < ins->flag_count && w < size; f++)
        w += (size_t)snprintf(b + w, size - w, "%s ", ins->flags[f].text);
}

static void dl3059(lint_ctx *ctx)
{
    for (size_t i = 1; i < ctx->n; i++) {
        const hoist_df_instruction *a = lint_ins_top(ctx, i - 1), *b = lint_ins_top(ctx, i);
        if (a->kind != HOIST_DF_RUN || b->kind != HOIST_DF_RUN || a->stage != b->stage)
            continue;
        char fa[1024], fb[1024];
        flags_text(a, fa, sizeof(fa));
        flags_text(b, fb, sizeof(fb));
        /* A RUN chaining several commands (&&, ;) is a deliberate split
         * (hadolint); only single-command RUNs are merge candidates. */
        if (!strcmp(fa, fb) && lint_run_script(ctx, i - 1)->count <= 1 &&
            lint_run_script(ctx, i)->count <= 1)
            lint_report(ctx, (int)i, NULL, "join them with && into one RUN",
                        "Multiple consecutive RUN instructions. Consider consolidation.");
    }
}

/* ---------------------------------------------------------------- DL3061 */
static void dl3061(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->kind == HOIST_DF_FROM)
            return;
        if (ins->kind != HOIST_DF_ARG) {
            lint_report(ctx, (int)i, NULL, "start with FROM (ARGs may come before it)",
                        "Invalid instruction order. Dockerfile must begin with FROM, ARG or "
                        "comment.");
            return;
        }
    }
}

/* ---------------------------------------------------------------- DL3063 */
static void dl3063(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const char *a = f->kind == HOIST_DF_FROM ? lint_from_alias(f) : NULL;
        if (a && (!strcasecmp(a, "scratch") || !strcasecmp(a, "context")))
            lint_report(ctx, (int)i, &f->args[2].range, "pick another stage name",
                        "Stage name should not be a reserved word: '%s'", a);
    }
}

/* ---------------------------------------------------------------- DL3064 */
static const char *const sensitive_names[] = {
    "ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY", "CI_DEPLOY_PASSWORD", "CI_DEPLOY_USER", "DOCKERHUB_PASSWORD",
    "DOCKER_PASSWORD", "DOCKER_USERNAME", "FIREBASE_TOKEN", "GH_TOKEN", "GITHUB_TOKEN",
    "HEROKU_API_KEY", "NPM_AUTH_TOKEN", "NPM_TOKEN", "OPENAI_API_KEY", "OS_PASSWORD",
    "POSTGRES_PASSWORD", "SLACK_TOKEN", "STRIPE_API_KEY", "VAULT_TOKEN", NULL};
static const char *const sensitive_parts[] = {"api_key", "client_key", "password", "private",
                                              "secret", "token", "username", NULL};

static bool is_sensitive(const char *name)
{
    for (size_t k = 0; sensitive_names[k]; k++)
        if (!strcasecmp(name, sensitive_names[k]))
            return true;
    for (size_t k = 0; sensitive_parts[k]; k++)
        if (strcasestr(name, sensitive_parts[k]))
            return true;
    return false;
}

static void dl3064(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_ARG && ins->kind != HOIST_DF_ENV)
            continue;
        for (size_t p = 0; p < ins->pair_count; p++)
            if (is_sensitive(ins->pairs[p].key)) {
                lint_report(ctx, (int)i, &ins->pairs[p].range,
                            "pass secrets with RUN --mount=type=secret instead",
                            "Potentially sensitive data should not be used in the ARG or ENV "
                            "commands: '%s'", ins->pairs[p].key);
                break;
            }
    }
}

/* ---------------------------------------------------------------- DL3065 */
static bool is_target_platform(const char *v)
{
    return !strcmp(v, "$TARGETPLATFORM") || !strcmp(v, "${TARGETPLATFORM}");
}

static void dl3065(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const hoist_df_flag *p =
            f->kind == HOIST_DF_FROM ? hoist_df_instruction_flag(f, "platform") : NULL;
        if (p && p->value && is_target_platform(p->value))
            lint_report(ctx, (int)i, &p->range, "drop the --platform flag",
                        "Setting FROM --platform to predefined $TARGETPLATFORM is redundant as "
                        "this is the default behavior");
    }
}

/* ---------------------------------------------------------------- DL3066 */
static void dl3066(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_USER)
            continue;
        char u[256];
        lint_strip_quotes(ins->raw_args, u, sizeof(u));
        char *colon = strchr(u, ':');
        if (colon)
            *colon = '\0';
        if (u[0] && u[0] != '$' && !all_digits(u))
            lint_report(ctx, (int)i, NULL, "use a numeric UID (and GID), e.g. USER 10001:10001",
                        "Non-numeric user-id may not be resolvable by host system: '%s'", u);
    }
}

/* ---------------------------------------------------------------- DL3067 */
static void dl3067(lint_ctx *ctx)
{
    FOR_EACH_INS(ctx, i, ins)
    {
        if (ins->kind != HOIST_DF_COPY || ins->arg_count < 2 ||
            !hoist_df_instruction_flag(ins, "from"))
            continue;
        char d[64];
        lint_strip_quotes(argv_at(ins, ins->arg_count - 1), d, sizeof(d));
        bool root_src = false;
        for (size_t k = 0; k + 1 < ins->arg_count; k++) {
            char s[64];
            lint_strip_quotes(argv_at(ins, k), s, sizeof(s));
            root_src |= !strcmp(s, "/");
        }
        if (root_src && !strcmp(d, "/"))
            lint_report(ctx, (int)i, NULL, "copy only the files the image needs",
                        "Do not copy an entire filesystem from another stage");
    }
}

/* ---------------------------------------------------------------- DL4000 */
static void dl4000(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++)
        if (lint_ins(ctx, i)->kind == HOIST_DF_MAINTAINER)
            lint_report(ctx, (int)i, NULL,
                        "use LABEL org.opencontainers.image.authors=\"...\" instead",
                        "MAINTAINER is deprecated");
}

#define R(id, sev, title, expl, fn) {{id, "hadolint", HOIST_LINT_##sev, title, expl}, fn}

static const lint_rule rules[] = {
    R("DL1000", ERROR, "The Dockerfile does not build as written.",
      "BuildKit rejects this file: a syntax error, an instruction it does not know, a flag "
      "an instruction does not take, or no FROM. hoist still checks everything that parses, "
      "but the build will fail. Fix: what the message says, at the line it names.",
      NULL),
    R("DL1001", OFF, "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.",
      "Inline ignore pragmas hide findings where reviewers do not look. Opt-in rule (override "
      "it to a severity to enable). Fix: fix the finding, or ignore the rule in the "
      "configuration for the whole project.",
      dl1001),
    R("DL3000", ERROR, "Use absolute WORKDIR.",
      "A relative WORKDIR is resolved against whatever directory the base image left "
      "behind, so the same Dockerfile lands files in different places when the base image "
      "changes. Fix: give WORKDIR an absolute path (WORKDIR /app), or a variable that holds "
      "one.",
      dl3000),
    R("DL3002", WARNING, "Last user should not be root.",
      "The last USER of a stage is the user its image, and every stage built FROM it, runs "
      "as. Running as root turns any compromise of the application into root inside the "
      "container. Reported for every stage whose last USER is root, as hadolint does. Fix: "
      "create an unprivileged user and end the stage with USER <that user>.",
      dl3002),
    R("DL3006", WARNING, "Always tag the version of an image explicitly.",
      "FROM without a tag means :latest, which moves: two builds of the same Dockerfile get "
      "different bases and layer caches break. Fix: name a tag (FROM debian:12.5-slim) or, "
      "better for reproducibility, a digest (FROM debian@sha256:...).",
      dl3006),
    R("DL3007", WARNING,
      "Using latest is prone to errors if the image will ever update. Pin the version "
      "explicitly to a release tag.",
      ":latest is whatever was pushed last; builds stop being reproducible and a new major "
      "version can arrive unannounced. Fix: pin a release tag, or a digest.",
      dl3007),
    R("DL3010", INFO, "Use ADD for extracting archives into an image.",
      "COPY of a local tar archive followed by `tar -x` in a RUN stores the archive in a "
      "layer and then its contents in another. ADD extracts local tar archives itself, in one "
      "layer. Fix: ADD archive.tar.gz /dest/ and drop the tar step.",
      dl3010),
    R("DL3011", ERROR, "Valid UNIX ports range from 0 to 65535.",
      "EXPOSE documents a port; a number outside 0-65535 is not a port and is rejected at "
      "run time. Fix: use the real port number.",
      dl3011),
    R("DL3012", ERROR, "Multiple HEALTHCHECK instructions.",
      "Only the last HEALTHCHECK of a stage takes effect; the earlier ones are dead code "
      "that misleads readers. Fix: keep a single HEALTHCHECK.",
      dl3012),
    R("DL3020", ERROR, "Use COPY instead of ADD for files and folders.",
      "ADD also fetches URLs and extracts archives, so using it for plain files hides what "
      "the instruction really does. Fix: use COPY for local files and directories; keep ADD "
      "for archives to extract (or remote sources with --checksum).",
      dl3020),
    R("DL3021", ERROR, "COPY with more than 2 arguments requires the last argument to end with /",
      "With several sources the destination must be a directory, and Docker requires it "
      "to end with '/'; the build fails otherwise. Fix: COPY a b /dest/.",
      dl3021),
    R("DL3022", WARNING, "COPY --from should reference a previously defined FROM alias",
      "--from names an earlier stage (by its AS name or index) or an image. A bare name that "
      "is not a stage defined above is pulled as an image, usually by mistake. Fix: define the "
      "stage first (FROM ... AS name) or spell the image with a tag.",
      dl3022),
    R("DL3023", ERROR, "COPY --from cannot reference its own FROM alias",
      "A stage cannot copy from itself: the build fails with a circular dependency. Fix: copy "
      "from an earlier stage.",
      dl3023),
    R("DL3024", ERROR, "FROM aliases (stage names) must be unique",
      "Two stages with the same AS name make --from and --target ambiguous; BuildKit rejects "
      "it. Fix: rename one of the stages.",
      dl3024),
    R("DL3025", WARNING, "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
      "In shell form the command runs as a child of /bin/sh -c, which does not forward "
      "signals: docker stop waits for the timeout and kills the process. Fix: use the exec "
      "form, CMD [\"prog\", \"arg\"].",
      dl3025),
    R("DL3026", ERROR, "Use only an allowed registry in the FROM image",
      "When trusted-registries is configured, base images must come from one of them. Fix: "
      "use a mirrored image from a trusted registry, or add the registry to the "
      "trusted-registries list of .hoist.yaml.",
      dl3026),
    R("DL3029", WARNING, "Do not use --platform flag with FROM.",
      "A constant --platform on FROM pins the stage to one architecture and defeats "
      "multi-platform builds. Fix: remove it and pass --platform to the build, or use "
      "$BUILDPLATFORM for stages that only run build tools.",
      dl3029),
    R("DL3043", ERROR, "ONBUILD, FROM or MAINTAINER triggered from within ONBUILD instruction.",
      "These instructions cannot run as triggers; the child build fails. Fix: remove them from "
      "ONBUILD.",
      dl3043),
    R("DL3044", ERROR,
      "Do not refer to an environment variable within the same ENV statement where it is "
      "defined.",
      "Variables in ENV are expanded with the values from before the statement, so "
      "ENV A=1 B=$A sets B to the old A (usually empty). Fix: split it into two ENV "
      "instructions.",
      dl3044),
    R("DL3045", WARNING, "COPY to a relative destination without WORKDIR set.",
      "A relative destination is resolved against the working directory inherited from the "
      "base image, which can change. Fix: set WORKDIR before the COPY, or use an absolute "
      "destination.",
      dl3045),
    R("DL3057", OFF, "HEALTHCHECK instruction missing.",
      "Without HEALTHCHECK the engine cannot tell a running container from a working one. "
      "Reported on each stage without one, unless it is built FROM a stage that has one or "
      "is part of a FROM chain that ends in one (as hadolint does). Opt-in rule (override it "
      "to a severity to enable). Fix: add HEALTHCHECK CMD <probe>.",
      dl3057),
    R("DL3059", INFO, "Multiple consecutive RUN instructions. Consider consolidation.",
      "Each RUN makes a layer; consecutive single-command RUNs with the same options can "
      "usually be joined with && to make fewer, smaller layers (a RUN that already chains "
      "commands is taken as a deliberate split). Fix: merge them, unless the split is "
      "deliberate for caching.",
      dl3059),
    R("DL3061", ERROR,
      "Invalid instruction order. Dockerfile must begin with FROM, ARG or comment.",
      "Only ARG (and parser directives and comments) may come before the first FROM. Fix: move "
      "the instruction after FROM.",
      dl3061),
    R("DL3063", WARNING, "Stage name should not be a reserved word.",
      "`scratch` and `context` have special meanings in FROM and --from; a stage named so "
      "is ambiguous. Fix: rename the stage.",
      dl3063),
    R("DL3064", WARNING, "Potentially sensitive data should not be used in the ARG or ENV commands",
      "ARG and ENV values are stored in the image metadata and history, where anyone who can "
      "pull the image can read them. Fix: use build secrets (RUN --mount=type=secret,id=...) "
      "or runtime configuration.",
      dl3064),
    R("DL3065", WARNING,
      "Setting FROM --platform to predefined $TARGETPLATFORM is redundant as this is the "
      "default behavior",
      "Stages already build for the target platform. Fix: drop --platform=$TARGETPLATFORM.",
      dl3065),
    R("DL3066", INFO, "Non-numeric user-id may not be resolvable by host system",
      "A user name is resolved through /etc/passwd of the image; Kubernetes runAsNonRoot and "
      "host tooling need a number. Fix: USER 10001 (or uid:gid).",
      dl3066),
    R("DL3067", WARNING, "Do not copy an entire filesystem from another stage",
      "COPY --from=stage / / copies every file of the other stage, including package "
      "caches and build tools, into the image. Fix: copy only the paths the image needs.",
      dl3067),
    R("DL4000", ERROR, "MAINTAINER is deprecated",
      "MAINTAINER was deprecated in favour of labels. Fix: LABEL "
      "org.opencontainers.image.authors=\"name <mail>\".",
      dl4000),
    R("DL4003", WARNING, "Multiple CMD instructions found.",
      "Only the last CMD of a stage takes effect. Fix: keep one CMD.", dl4003),
    R("DL4004", ERROR, "Multiple ENTRYPOINT instructions found.",
      "Only the last ENTRYPOINT of a stage takes effect. Fix: keep one ENTRYPOINT.", dl4004),
};

const lint_family lint_family_dl_instr = {rules, sizeof(rules) / sizeof(rules[0])};
