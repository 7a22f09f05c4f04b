/*
 * shellcheck.c - the ShellCheck bridge: run the `shellcheck` program over
 * the shell-form RUN instructions, as hadolint does, and turn its SC codes
 * into findings on the RUN they came from.
 *
 * All RUN scripts of a Dockerfile go into one temporary script (one
 * shellcheck process per Dockerfile), each preceded by `export NAME=1` for
 * the ARG and ENV names declared so far in its stage, so that SC2154
 * ("referenced but not assigned") does not fire for build variables. A
 * line map sends every reported line back to its instruction. The dialect
 * is sh, or bash when a SHELL instruction selects bash; RUNs under a
 * non-POSIX SHELL (pwsh, cmd) are skipped. When shellcheck is not
 * installed, the run gets a note instead of findings. Verdicts are cached
 * per (shellcheck, dialect, script) by sc_cache.c.
 */
#include "lint/lint_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "common/subprocess.h"

/* The script handed to shellcheck, and which instruction each of its lines
 * came from. On an allocation failure `oom` is set and the rest is skipped. */
typedef struct sbuf {
    hbuf text;
    int *line_ins; /* line (1-based) -> instruction, -1 */
    size_t lines, line_cap;
    bool oom;
} sbuf;

static void sb_line(sbuf *b, const char *text, size_t n, int ins)
{
    if (b->oom)
        return;
    if (!hbuf_append(&b->text, text, n) || !hbuf_putc(&b->text, '\n')) {
        b->oom = true;
        return;
    }
    if (b->lines + 2 > b->line_cap) {
        size_t cap = (b->lines + 2) * 2;
        int *v = realloc(b->line_ins, cap * sizeof(int));
        if (!v) {
            b->oom = true;
            return;
        }
        b->line_ins = v;
        b->line_cap = cap;
    }
    b->line_ins[++b->lines] = ins;
}

static void sb_text(sbuf *b, const char *text, int ins)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        sb_line(b, p, n, ins);
        p += n + (nl ? 1 : 0);
    }
}

static bool non_posix(const hoist_df_instruction *sh)
{
    if (!sh->arg_count)
        return false;
    const char *a = sh->args[0].value;
    return strcasestr(a, "pwsh") || strcasestr(a, "powershell") || strcasestr(a, "cmd");
}

static void run_it(lint_ctx *ctx, const char *path, const sbuf *b, bool bash)
{
    /* The same script under the same shellcheck: its cached verdict. */
    char key[65];
    bool cacheable = lint_sc_cache_key(ctx, path, bash ? "bash" : "sh", b->text.data, b->text.len, key);
    _cleanup_free_ char *outbuf = cacheable ? lint_sc_cache_get(key) : NULL;
    bool cached = outbuf != NULL;
    int status = 0;
    if (!cached) {
        const char *tmpdir = getenv("TMPDIR");
        char tmpl[4096];
        snprintf(tmpl, sizeof(tmpl), "%s/hoist-check-XXXXXX.sh", tmpdir && *tmpdir ? tmpdir : "/tmp");
        int fd = mkstemps(tmpl, 3);
        if (fd < 0) {
            lint_result_note(ctx->res, "shellcheck skipped: cannot create a temporary file: %s",
                             strerror(errno));
            return;
        }
        /* The script reaches shellcheck as /dev/fd/N of a file already
         * unlinked: nothing is left in TMPDIR whatever ends hoist (a signal,
         * SIGKILL). The descriptor is inherited by the child only. */
        unlink(tmpl);
        if (write(fd, b->text.data, b->text.len) != (ssize_t)b->text.len) {
            lint_result_note(ctx->res, "shellcheck skipped: cannot write a temporary file");
            close(fd);
            return;
        }
        char script[32];
        snprintf(script, sizeof(script), "/dev/fd/%d", fd);
        const char *argv[] = {path, "-f", "json1", "-s", bash ? "bash" : "sh", "-e", "SC1090,SC1091",
                              "--", script, NULL};
        size_t cap = 4u << 20;
        outbuf = malloc(cap);
        hoist_error e = HOIST_ERROR_INIT;
        int rc = outbuf ? hoist_run_capture(argv, outbuf, cap, 60000, &status, &e) : -1;
        close(fd);
        if (rc != 0) {
            lint_result_note(ctx->res, "shellcheck could not be run: %s", outbuf ? e.message : "out of memory");
            return;
        }
    }
    json_error_t je;
    /* stderr is merged into the output: parse from the first '{'. */
    const char *start = strchr(outbuf, '{');
    _cleanup_json_ json_t *root = start ? json_loads(start, JSON_DISABLE_EOF_CHECK, &je) : NULL;
    json_t *comments = json_object_get(root, "comments");
    if (!json_is_array(comments)) {
        lint_result_note(ctx->res, "shellcheck gave no usable output (exit %d)", status);
        return;
    }
    if (cacheable && !cached && (status == 0 || status == 1))
        lint_sc_cache_put(key, start, strlen(start));
    size_t k;
    json_t *c;
    json_array_foreach(comments, k, c)
    {
        long long line = hoist_json_int(c, "line", 0);
        if (line <= 0 || (size_t)line > b->lines || b->line_ins[line] < 0)
            continue;
        int ins = b->line_ins[line];
        char code[32];
        snprintf(code, sizeof(code), "SC%lld", hoist_json_int(c, "code", 0));
        hoist_lint_severity sev = HOIST_LINT_WARNING;
        hoist_lint_severity_parse(hoist_json_str(c, "level", "warning"), &sev);
        sev = lint_config_severity(ctx->cfg, code, sev, NULL);
        if (sev == HOIST_LINT_OFF)
            continue;
        const hoist_df_instruction *top = lint_ins_top(ctx, (size_t)ins);
        if (lint_result_add(ctx->res, code, sev, "shellcheck", ctx->file, &top->range,
                            hoist_json_str(c, "message", ""), NULL, ins) < 0)
            ctx->status = HOIST_EFAILED;
    }
}

void lint_shellcheck(lint_ctx *ctx)
{
    bool any = false;
    for (size_t i = 0; i < ctx->n && !any; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        any = ins->kind == HOIST_DF_RUN && ins->form == HOIST_DF_FORM_SHELL;
    }
    if (!any)
        return;
    const char *prog = ctx->opts->shellcheck ? ctx->opts->shellcheck : "shellcheck";
    char path[4096];
    if (hoist_find_executable(prog, getenv("PATH"), path, sizeof(path)) != 0) {
        lint_result_note(ctx->res, "shellcheck is not installed: SC checks of RUN instructions "
                                   "were skipped (install the shellcheck package to get them)");
        return;
    }

    sbuf b = {0};
    bool bash = false;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->kind == HOIST_DF_SHELL && ins->arg_count && strstr(ins->args[0].value, "bash"))
            bash = true;
    }
    sb_line(&b, bash ? "#!/bin/bash" : "#!/bin/sh", strlen(bash ? "#!/bin/bash" : "#!/bin/sh"), -1);
    int stage = -2;
    bool skip_stage_shell = false, skip_default = false, seen_from = false;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *top = lint_ins_top(ctx, i);
        if (top->stage != stage) {
            stage = top->stage;
            skip_stage_shell = skip_default;
        }
        /* `# hadolint shell=NAME` sets the shell of the RUNs that follow in
         * the stage; before the first FROM, of every stage (as hadolint). */
        for (size_t c = 0; c < top->comment_count; c++) {
            lint_pragma pr;
            if (lint_pragma_parse(top->comments[c].text, &pr) != LINT_PRAGMA_SHELL)
                continue;
            skip_stage_shell = strcasestr(pr.value, "pwsh") || strcasestr(pr.value, "powershell") ||
                               strcasestr(pr.value, "cmd");
            if (!seen_from)
                skip_default = skip_stage_shell;
        }
        seen_from |= top->kind == HOIST_DF_FROM;
        if (top->kind == HOIST_DF_SHELL)
            skip_stage_shell = non_posix(top);
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_RUN || ins->form != HOIST_DF_FORM_SHELL || skip_stage_shell)
            continue;
        /* Variables declared in the stage so far, plus global ARGs. */
        for (size_t j = 0; j < i; j++) {
            const hoist_df_instruction *d = lint_ins_top(ctx, j);
            if ((d->stage != stage && d->stage != -1) ||
                (d->kind != HOIST_DF_ARG && d->kind != HOIST_DF_ENV))
                continue;
            for (size_t p = 0; p < d->pair_count; p++) {
                char line[512];
                int n = snprintf(line, sizeof(line), "export %s", d->pairs[p].key);
                if (n > 0 && (size_t)n < sizeof(line))
                    sb_line(&b, line, (size_t)n, -1);
            }
        }
        if (ins->heredoc_count && lint_has_prefix(ins->raw_args, "<<")) {
            for (size_t h = 0; h < ins->heredoc_count; h++)
                sb_text(&b, ins->heredocs[h].content ? ins->heredocs[h].content : "", (int)i);
        } else if (!ins->heredoc_count) {
            sb_text(&b, ins->raw_args, (int)i);
        }
    }

    if (b.oom)
        ctx->status = HOIST_EFAILED; /* reported as out of memory by hoist_lint_run */
    else
        run_it(ctx, path, &b, bash);
    hbuf_free(&b.text);
    free(b.line_ins);
}
