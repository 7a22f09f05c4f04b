/*
 * run.c - hoist_lint_run(): one lint pass over a parsed Dockerfile.
 *
 * The pass builds a lint_ctx (stages, the parsed shell script of every RUN,
 * the build context when a directory is given), works out for each rule its
 * effective severity (default, then config overrides, then BuildKit's
 * `# check=` directive and global pragmas), runs the check of every rule
 * that is not off, runs ShellCheck, and finally drops the findings silenced
 * by per-instruction pragmas (`# hoist ignore=...`, `# hadolint ignore=...`
 * in the comments right before an instruction) and sorts the rest.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "dockerfile/df_internal.h"

const hoist_df_instruction *lint_ins_top(const lint_ctx *ctx, size_t i)
{
    return hoist_dockerfile_instruction(ctx->df, i);
}

const hoist_df_instruction *lint_ins(const lint_ctx *ctx, size_t i)
{
    const hoist_df_instruction *ins = hoist_dockerfile_instruction(ctx->df, i);
    if (ins && ins->kind == HOIST_DF_ONBUILD && ins->trigger)
        return ins->trigger;
    return ins;
}

const lint_script *lint_run_script(const lint_ctx *ctx, size_t i)
{
    static const lint_script empty = {0};
    return ctx->scripts && i < ctx->n ? &ctx->scripts[i] : &empty;
}

int lint_stage_of(const lint_ctx *ctx, size_t i)
{
    const hoist_df_instruction *ins = lint_ins_top(ctx, i);
    return ins ? ins->stage : -1;
}

static void add(lint_ctx *ctx, const char *file, const hoist_df_range *range, int ins,
                const char *hint, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void add(lint_ctx *ctx, const char *file, const hoist_df_range *range, int ins,
                const char *hint, const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    hoist_lint_severity sev = ctx->severity;
    if (lint_result_add(ctx->res, ctx->rule->info.id, sev, ctx->rule->info.source, file, range,
                        msg, hint, ins) < 0 &&
        !ctx->status)
        ctx->status = HOIST_EFAILED;
}

void lint_report(lint_ctx *ctx, int ins, const hoist_df_range *range, const char *hint,
                 const char *fmt, ...)
{
    hoist_df_range r = {{0, 0}, {0, 0}};
    if (range)
        r = *range;
    else if (ins >= 0)
        r = lint_ins_top(ctx, (size_t)ins)->range;
    va_list ap;
    va_start(ap, fmt);
    add(ctx, ctx->file, &r, ins, hint, fmt, ap);
    va_end(ap);
}

void lint_report_file(lint_ctx *ctx, const char *file, int line, const char *hint,
                      const char *fmt, ...)
{
    hoist_df_range r = {{line, line ? 1 : 0}, {line, 0}};
    va_list ap;
    va_start(ap, fmt);
    add(ctx, file, &r, -1, hint, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Pragmas                                                                    */

/* Does the comma/space separated `list` name `code`? "all" never matches
 * here (BuildKit's skip=all is handled by the caller). */
static bool list_has(const char *list, const char *code)
{
    size_t cl = strlen(code);
    const char *p = list;
    while (*p) {
        while (*p == ',' || *p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ' && *e != '\t' && *e != ';')
            e++;
        if ((size_t)(e - p) == cl && !strncasecmp(p, code, cl))
            return true;
        p = e;
    }
    return false;
}

typedef struct skips {
    char *check_skip;   /* value of skip= in # check= */
    bool check_all;     /* skip=all */
    bool check_error;   /* error=true */
    char **globals;     /* lists of global pragmas */
    size_t global_count;
} skips;

static void skips_free(skips *s)
{
    free(s->check_skip);
    for (size_t i = 0; i < s->global_count; i++)
        free(s->globals[i]);
    free(s->globals);
}

static void add_globals(skips *s, const hoist_df_instruction *ins)
{
    for (size_t c = 0; c < ins->comment_count; c++) {
        lint_pragma pr;
        if (lint_pragma_parse(ins->comments[c].text, &pr) != LINT_PRAGMA_GLOBAL_IGNORE)
            continue;
        char **v = realloc(s->globals, (s->global_count + 1) * sizeof(*v));
        if (!v)
            return;
        s->globals = v;
        if ((s->globals[s->global_count] = strdup(pr.value)))
            s->global_count++;
    }
}

static void read_skips(lint_ctx *ctx, skips *s)
{
    const hoist_df_directive *d = hoist_dockerfile_find_directive(ctx->df, "check");
    if (d && d->value) {
        /* skip=A,B;error=true */
        _cleanup_free_ char *v = strdup(d->value);
        char *save = NULL;
        for (char *part = v ? strtok_r(v, ";", &save) : NULL; part;
             part = strtok_r(NULL, ";", &save)) {
            while (*part == ' ')
                part++;
            if (!strncasecmp(part, "skip=", 5)) {
                free(s->check_skip);
                s->check_skip = strdup(part + 5);
                if (s->check_skip && list_has(s->check_skip, "all"))
                    s->check_all = true;
            } else if (!strncasecmp(part, "error=", 6)) {
                s->check_error = !strcasecmp(part + 6, "true");
            }
        }
    }
    if (ctx->opts->flags & HOIST_LINT_NO_PRAGMAS)
        return;
    for (size_t i = 0; i < ctx->n; i++)
        add_globals(s, lint_ins_top(ctx, i));
}

static bool skipped_globally(const skips *s, const hoist_lint_rule_info *r)
{
    if (!strcmp(r->source, "buildkit")) {
        if (s->check_all)
            return true;
        if (s->check_skip && list_has(s->check_skip, r->id))
            return true;
    }
    for (size_t i = 0; i < s->global_count; i++)
        if (lint_list_has(s->globals[i], r->id))
            return true;
    return false;
}

typedef struct filter_ud {
    lint_ctx *ctx;
    const skips *sk;
} filter_ud;

static bool keep_finding(void *ud, hoist_lint_finding *f, int ins)
{
    filter_ud *u = ud;
    lint_ctx *ctx = u->ctx;
    if (f->severity == HOIST_LINT_OFF)
        return false;
    if (ctx->opts->flags & HOIST_LINT_NO_PRAGMAS)
        return true;
    /* Global pragmas also apply to ShellCheck codes. */
    for (size_t i = 0; i < u->sk->global_count; i++)
        if (lint_list_has(u->sk->globals[i], f->code))
            return false;
    /* A stage pragma on the line before a FROM covers the lines after that
     * FROM up to the next one (hadolint: the finding's line decides). */
    int line = f->range.start.line;
    const hoist_df_instruction *stage_from = NULL;
    for (size_t j = 0; line > 0 && j < ctx->n; j++) {
        const hoist_df_instruction *t = lint_ins_top(ctx, j);
        if (t->range.start.line >= line)
            break;
        if (t->kind == HOIST_DF_FROM)
            stage_from = t;
    }
    for (size_t c = 0; stage_from && c < stage_from->comment_count; c++) {
        lint_pragma pr;
        if (lint_pragma_parse(stage_from->comments[c].text, &pr) == LINT_PRAGMA_STAGE_IGNORE &&
            stage_from->comments[c].range.start.line == stage_from->range.start.line - 1 &&
            lint_list_has(pr.value, f->code))
            return false;
    }
    if (ins < 0 || (size_t)ins >= ctx->n)
        return true;
    const hoist_df_instruction *top = lint_ins_top(ctx, (size_t)ins);
    for (size_t c = 0; c < top->comment_count; c++) {
        lint_pragma pr;
        if (lint_pragma_parse(top->comments[c].text, &pr) != LINT_PRAGMA_IGNORE)
            continue;
        /* hadolint's inline pragma covers the line after it only. */
        if (pr.hadolint && top->comments[c].range.start.line != top->range.start.line - 1)
            continue;
        if (lint_list_has(pr.value, f->code))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------------ */

bool lint_rule_enabled(const lint_ctx *ctx, const char *id)
{
    const lint_rule *r = lint_rule_lookup(id);
    if (!r)
        return false;
    return lint_config_severity(ctx->cfg, r->info.id, r->info.severity, NULL) != HOIST_LINT_OFF;
}

static bool is_shell_name(const char *s)
{
    const char *b = strrchr(s, '/');
    b = b ? b + 1 : s;
    return !strcmp(b, "sh") || !strcmp(b, "bash") || !strcmp(b, "ash") || !strcmp(b, "dash") ||
           !strcmp(b, "zsh");
}

static void parse_scripts(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_RUN)
            continue;
        if (ins->form == HOIST_DF_FORM_EXEC) {
            if (ins->arg_count >= 3 && is_shell_name(ins->args[0].value) &&
                !strcmp(ins->args[1].value, "-c")) {
                if (lint_shell_parse(ins->args[2].value, &ctx->scripts[i]) < 0)
                    ctx->status = HOIST_EFAILED;
                continue;
            }
            /* One command, the array as its words. */
            lint_script *s = &ctx->scripts[i];
            if (!ins->arg_count)
                continue;
            s->cmds = calloc(1, sizeof(lint_cmd));
            if (!s->cmds) {
                ctx->status = HOIST_EFAILED;
                continue;
            }
            s->count = 1;
            lint_cmd *c = &s->cmds[0];
            c->argv = calloc(ins->arg_count + 1, sizeof(char *));
            if (!c->argv) {
                ctx->status = HOIST_EFAILED;
                continue;
            }
            for (size_t k = 0; k < ins->arg_count; k++) {
                char *w = strdup(ins->args[k].value ? ins->args[k].value : "");
                if (!w) {
                    ctx->status = HOIST_EFAILED;
                    break;
                }
                c->argv[c->argc++] = w;
            }
            const char *slash = c->argc ? strrchr(c->argv[0], '/') : NULL;
            c->name = c->argc ? (slash ? slash + 1 : c->argv[0]) : "";
            continue;
        }
        const char *text = ins->raw_args ? ins->raw_args : "";
        /* A heredoc run by the default shell: its body is the script. */
        if (ins->heredoc_count && (lint_has_prefix(text, "<<") ||
                                   (lint_has_prefix(text, "bash") || lint_has_prefix(text, "sh ")))) {
            size_t len = strlen(text) + 2;
            for (size_t h = 0; h < ins->heredoc_count; h++)
                len += strlen(ins->heredocs[h].content ? ins->heredocs[h].content : "") + 1;
            _cleanup_free_ char *all = malloc(len);
            if (!all) {
                ctx->status = HOIST_EFAILED;
                continue;
            }
            /* The line with the heredoc operator itself, then the bodies. */
            size_t w = 0;
            all[0] = '\0';
            for (size_t h = 0; h < ins->heredoc_count; h++) {
                const char *c = ins->heredocs[h].content ? ins->heredocs[h].content : "";
                size_t cl = strlen(c);
                memcpy(all + w, c, cl);
                w += cl;
                all[w++] = '\n';
            }
            all[w] = '\0';
            if (lint_shell_parse(all, &ctx->scripts[i]) < 0)
                ctx->status = HOIST_EFAILED;
            continue;
        }
        if (lint_shell_parse(text, &ctx->scripts[i]) < 0)
            ctx->status = HOIST_EFAILED;
    }
}

int hoist_lint_run(const hoist_dockerfile *df, const hoist_lint_options *opts, hoist_lint_result **out,
                   hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    *out = NULL;
    hoist_lint_options defaults = HOIST_LINT_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    if (opts->version != HOIST_LINT_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_lint_options version %u is not supported",
                               opts->version);
    if (!df)
        return hoist_error_set(err, HOIST_EUSAGE, "no Dockerfile to check");

    lint_ctx ctx = {0};
    ctx.df = df;
    ctx.opts = opts;
    ctx.cfg = opts->config;
    ctx.file = opts->dockerfile ? opts->dockerfile : "Dockerfile";
    ctx.n = hoist_dockerfile_instruction_count(df);
    ctx.context_dir = opts->context_dir;

    hoist_df_stage *stages = NULL;
    int rc = hoist_dockerfile_stages(df, NULL, &stages, &ctx.stage_count, err);
    ctx.stages = stages;
    if (rc) {
        /* Stage evaluation failed (e.g. a bad ARG in FROM): lint without. */
        hoist_error_clear(err);
        ctx.stages = NULL;
        ctx.stage_count = 0;
    }
    rc = hoist_lint_result_new(&ctx.res, err);
    if (rc) {
        hoist_df_stages_free(stages);
        return rc;
    }
    ctx.scripts = calloc(ctx.n ? ctx.n : 1, sizeof(lint_script));
    if (!ctx.scripts) {
        hoist_df_stages_free(stages);
        hoist_lint_result_free(ctx.res);
        return hoist_error_nomem(err);
    }
    parse_scripts(&ctx);

    if (ctx.context_dir || opts->context) {
        rc = lint_context_load(&ctx, err);
        if (rc)
            goto done;
    }

    skips sk = {0};
    read_skips(&ctx, &sk);
    for (size_t i = 0; i < lint_rule_total(); i++) {
        const lint_rule *r = lint_rule_index(i);
        if (!r->check)
            continue;
        hoist_lint_severity sev =
            lint_config_severity(ctx.cfg, r->info.id, r->info.severity, NULL);
        if (sev == HOIST_LINT_OFF || skipped_globally(&sk, &r->info))
            continue;
        if (sk.check_error && !strcmp(r->info.source, "buildkit"))
            sev = HOIST_LINT_ERROR;
        ctx.rule = r;
        ctx.severity = sev;
        r->check(&ctx);
    }
    /* Rules without their own check (reported by a sibling) still obey the
     * config: drop their findings when they are off. */
    if (!(opts->flags & HOIST_LINT_NO_SHELLCHECK))
        lint_shellcheck(&ctx);

    filter_ud fu = {&ctx, &sk};
    lint_result_filter(ctx.res, keep_finding, &fu);
    lint_result_sort(ctx.res);
    skips_free(&sk);
    rc = ctx.status ? hoist_error_setr(err, ctx.status, HOIST_REASON_NOMEM, "out of memory while checking") : 0;

done:
    for (size_t i = 0; i < ctx.n; i++)
        lint_script_free(&ctx.scripts[i]);
    free(ctx.scripts);
    hoist_df_stages_free(stages);
    lint_context_free(&ctx);
    if (rc) {
        hoist_lint_result_free(ctx.res);
        return rc;
    }
    *out = ctx.res;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Linting text: what parses is linted, what BuildKit rejects is DL1000.     */

/* One DL1000 finding, if DL1000 is on, at (line, column) up to the end of
 * the instruction `ins` when given. */
static int add_dl1000(hoist_lint_result *res, const hoist_lint_options *opts, const char *file,
                      const hoist_df_instruction *ins, int line, int column, const char *message,
                      const char *hint)
{
    const lint_rule *r = lint_rule_lookup("DL1000");
    hoist_lint_severity sev =
        r ? lint_config_severity(opts->config, r->info.id, r->info.severity, NULL) : HOIST_LINT_OFF;
    if (sev == HOIST_LINT_OFF)
        return 0;
    hoist_df_range range = {{line, line ? (column > 0 ? column : 1) : 0}, {line, 0}};
    if (ins && ins->range.start.line == line)
        range.end = ins->range.end;
    return lint_result_add(res, r->info.id, sev, r->info.source, file, &range, message,
                           hint && hint[0] ? hint : NULL, -1);
}

/* What BuildKit's instruction layer rejects in a document only its parser
 * layer accepted: each instruction's own errors (unknown instruction, bad
 * flag, wrong arguments) and the stage order. A non-ARG instruction before
 * the first FROM is left to DL3061 when that rule is on. */
static int instruction_errors(const hoist_dockerfile *df, const hoist_lint_options *opts,
                              const char *file, hoist_lint_result *res)
{
    size_t n = hoist_dockerfile_instruction_count(df);
    bool seen_from = false, order_reported = false;
    const lint_rule *order = lint_rule_lookup("DL3061");
    bool dl3061 = order && lint_config_severity(opts->config, order->info.id,
                                                order->info.severity, NULL) != HOIST_LINT_OFF;
    for (size_t i = 0; i < n; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction(df, i);
        hoist_error e = HOIST_ERROR_INIT;
        if (df_validate_instruction(df, ins, &e)) {
            int line = ins->range.start.line;
            int col = e.line == line && e.column > 0 ? e.column : ins->keyword_range.start.column;
            if (add_dl1000(res, opts, file, ins, line, col, e.message, e.hint) < 0)
                return -1;
        }
        if (ins->kind == HOIST_DF_FROM) {
            seen_from = true;
        } else if (!seen_from && ins->kind != HOIST_DF_ARG && !order_reported) {
            order_reported = true;
            char msg[256];
            snprintf(msg, sizeof(msg),
                     "%s before the first FROM: no build stage in current context", ins->keyword);
            if (!dl3061 && add_dl1000(res, opts, file, ins, ins->range.start.line,
                                      ins->keyword_range.start.column, msg,
                                      "only ARG may come before the first FROM; start the "
                                      "build stage with `FROM <image>`") < 0)
                return -1;
        }
    }
    if (!seen_from && !order_reported && n &&
        add_dl1000(res, opts, file, NULL, hoist_dockerfile_instruction(df, 0)->range.start.line, 1,
                   "dockerfile contains no stages to build (no FROM instruction)",
                   "add a FROM instruction, e.g. `FROM alpine:3.20`") < 0)
        return -1;
    return 0;
}

int hoist_lint_text(const char *text, size_t len, const hoist_lint_options *opts,
                    hoist_lint_result **out, hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    *out = NULL;
    hoist_lint_options defaults = HOIST_LINT_OPTIONS_INIT;
    if (!opts)
        opts = &defaults;
    hoist_df_parse_options po = HOIST_DF_PARSE_OPTIONS_INIT;
    po.filename = opts->dockerfile ? opts->dockerfile : "Dockerfile";
    hoist_dockerfile *df = NULL;
    hoist_error perr = HOIST_ERROR_INIT;
    int rc = hoist_dockerfile_parse(text, len, &po, &df, &perr);
    if (rc && rc != HOIST_EINPUT)
        return hoist_error_set(err, rc, "%s", perr.message);
    bool ast_only = false;
    if (rc) {
        /* Rejected: lint what BuildKit's parser layer accepts, if anything. */
        hoist_error ignored = HOIST_ERROR_INIT;
        po.flags |= HOIST_DF_PARSE_AST_ONLY;
        ast_only = !hoist_dockerfile_parse(text, len, &po, &df, &ignored);
        if (!ast_only)
            df = NULL;
    }
    hoist_lint_result *res = NULL;
    if (df) {
        rc = hoist_lint_run(df, opts, &res, err);
        if (rc) {
            hoist_dockerfile_free(df);
            return rc;
        }
    } else if ((rc = hoist_lint_result_new(&res, err))) {
        return rc;
    }
    if (ast_only)
        rc = instruction_errors(df, opts, po.filename, res);
    else if (perr.code)
        rc = add_dl1000(res, opts, po.filename, NULL, perr.line, perr.column, perr.message,
                        perr.hint);
    hoist_dockerfile_free(df);
    if (rc < 0) {
        hoist_lint_result_free(res);
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory while checking");
    }
    lint_result_sort(res);
    *out = res;
    return 0;
}
