/*
 * util.c - small string helpers shared by the lint rules: case-insensitive
 * comparison, prefix/suffix tests, quote removal, variable references in a
 * word (as BuildKit's shell lexer finds them) and an edit distance for
 * "did you mean" suggestions.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool lint_streq_ci(const char *a, const char *b)
{
    return a && b && !strcasecmp(a, b);
}

bool lint_has_prefix(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

bool lint_has_suffix(const char *s, const char *suffix)
{
    size_t a = s ? strlen(s) : 0, b = strlen(suffix);
    return s && a >= b && !strcmp(s + a - b, suffix);
}

char *lint_unquote(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
        return strndup(s + 1, n - 2);
    return strdup(s);
}

bool lint_is_all_upper(const char *s)
{
    for (; *s; s++)
        if (islower((unsigned char)*s))
            return false;
    return true;
}

bool lint_is_all_lower(const char *s)
{
    for (; *s; s++)
        if (isupper((unsigned char)*s))
            return false;
    return true;
}

void lint_each_var(const char *w, char esc, void (*fn)(void *ud, const char *name, size_t len),
                   void *ud)
{
    if (!esc)
        esc = '\\';
    bool single = false;
    for (const char *p = w; *p; p++) {
        if (*p == esc && p[1] && !single) {
            p++;
            continue;
        }
        if (*p == '\'') {
            single = !single;
            continue;
        }
        if (single || *p != '$')
            continue;
        const char *q = p + 1;
        if (*q == '{') {
            q++;
            const char *st = q;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            if (q > st)
                fn(ud, st, (size_t)(q - st));
            p = q - 1;
        } else if (isalpha((unsigned char)*q) || *q == '_') {
            const char *st = q;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            fn(ud, st, (size_t)(q - st));
            p = q - 1;
        }
    }
}


void lint_strip_quotes(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        s++;
        n -= 2;
    }
    if (n >= size)
        n = size - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
}

const char *lint_from_alias(const hoist_df_instruction *from)
{
    if (from->kind != HOIST_DF_FROM || from->arg_count < 3)
        return NULL;
    if (strcasecmp(from->args[1].value, "as"))
        return NULL;
    return from->args[2].value;
}

const hoist_df_instruction *lint_stage_from(const lint_ctx *ctx, int stage)
{
    if (stage < 0)
        return NULL;
    if ((size_t)stage < ctx->stage_count)
        return lint_ins_top(ctx, ctx->stages[stage].first_instruction);
    /* Stage evaluation failed (e.g. a FROM BuildKit rejects): scan. */
    for (size_t j = 0; j < ctx->n; j++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, j);
        if (f->kind == HOIST_DF_FROM && f->stage == stage)
            return f;
    }
    return NULL;
}

bool lint_is_root_user(const char *user)
{
    char b[256];
    lint_strip_quotes(user, b, sizeof(b));
    char *colon = strchr(b, ':');
    if (colon)
        *colon = '\0';
    return !strcmp(b, "root") || !strcmp(b, "0");
}

/* ------------------------------------------------------------------------ */
/* Pragmas                                                                    */

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Append [p, p+n) to out->value, ','-separated. */
static bool pragma_add(lint_pragma *out, const char *p, size_t n)
{
    size_t used = strlen(out->value);
    if (used + n + 2 > sizeof(out->value))
        return false;
    if (used)
        out->value[used++] = ',';
    memcpy(out->value + used, p, n);
    out->value[used + n] = '\0';
    return true;
}

/* hadolint's grammar: the whole comment must match. */
static lint_pragma_kind hadolint_pragma(const char *p, lint_pragma *out)
{
    p = skip_blanks(p);
    if (strncmp(p, "hadolint", 8) || (p[8] != ' ' && p[8] != '\t'))
        return LINT_PRAGMA_NONE;
    p = skip_blanks(p + 8);
    lint_pragma_kind kind = LINT_PRAGMA_IGNORE;
    if (!strncmp(p, "global", 6) && (p[6] == ' ' || p[6] == '\t')) {
        kind = LINT_PRAGMA_GLOBAL_IGNORE;
        p = skip_blanks(p + 6);
    } else if (!strncmp(p, "stage", 5) && (p[5] == ' ' || p[5] == '\t')) {
        kind = LINT_PRAGMA_STAGE_IGNORE;
        p = skip_blanks(p + 5);
    }
    if (kind == LINT_PRAGMA_IGNORE && !strncmp(p, "shell", 5)) {
        p = skip_blanks(p + 5);
        if (*p != '=')
            return LINT_PRAGMA_NONE;
        p = skip_blanks(p + 1);
        size_t n = strcspn(p, " \t\n");
        if (!n || !pragma_add(out, p, n))
            return LINT_PRAGMA_NONE;
        p = skip_blanks(p + n);
        if (*p && *p != '#')
            return LINT_PRAGMA_NONE;
        return out->kind = LINT_PRAGMA_SHELL;
    }
    if (strncmp(p, "ignore", 6))
        return LINT_PRAGMA_NONE;
    p = skip_blanks(p + 6);
    if (*p != '=')
        return LINT_PRAGMA_NONE;
    p = skip_blanks(p + 1);
    for (;;) {
        size_t n = strspn(p, "DLSC0123456789");
        if (!n || !pragma_add(out, p, n))
            return LINT_PRAGMA_NONE;
        p = skip_blanks(p + n);
        if (*p == '#' || !*p)
            break;
        if (*p != ',')
            return LINT_PRAGMA_NONE;
        p = skip_blanks(p + 1);
    }
    return out->kind = kind;
}

static const char *hoist_sep(const char *p)
{
    while (*p == ' ' || *p == ':' || *p == '\t')
        p++;
    return p;
}

lint_pragma_kind lint_pragma_parse(const char *comment, lint_pragma *out)
{
    memset(out, 0, sizeof(*out));
    if (!comment)
        return LINT_PRAGMA_NONE;
    const char *p = comment;
    while (*p == ' ' || *p == '\t' || *p == '#')
        p++;
    if (!strncmp(p, "hadolint", 8)) {
        out->hadolint = true;
        if (hadolint_pragma(p, out) == LINT_PRAGMA_NONE)
            memset(out, 0, sizeof(*out));
        return out->kind;
    }
    if (strncasecmp(p, "hoist", 5) || (p[5] != ' ' && p[5] != ':' && p[5] != '\t'))
        return LINT_PRAGMA_NONE;
    p = hoist_sep(p + 5);
    lint_pragma_kind kind = LINT_PRAGMA_IGNORE;
    if (!strncasecmp(p, "global", 6) && (p[6] == ' ' || p[6] == ':' || p[6] == '\t')) {
        kind = LINT_PRAGMA_GLOBAL_IGNORE;
        p = hoist_sep(p + 6);
    } else if (!strncasecmp(p, "stage", 5) && (p[5] == ' ' || p[5] == ':' || p[5] == '\t')) {
        kind = LINT_PRAGMA_STAGE_IGNORE;
        p = hoist_sep(p + 5);
    }
    bool shell = kind == LINT_PRAGMA_IGNORE && !strncasecmp(p, "shell", 5);
    if (!shell && strncasecmp(p, "ignore", 6))
        return LINT_PRAGMA_NONE;
    p = skip_blanks(p + (shell ? 5 : 6));
    if (*p != '=')
        return LINT_PRAGMA_NONE;
    p = skip_blanks(p + 1);
    while (*p && *p != '#') {
        size_t n = strcspn(p, shell ? " \t#" : ", \t;#");
        if (n && !pragma_add(out, p, n))
            return out->kind = LINT_PRAGMA_NONE;
        p += n;
        p += strspn(p, ", \t;");
        if (shell)
            break;
    }
    if (!out->value[0])
        return LINT_PRAGMA_NONE;
    return out->kind = shell ? LINT_PRAGMA_SHELL : kind;
}

bool lint_list_has(const char *list, const char *code)
{
    size_t cl = strlen(code);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == cl && !strncasecmp(p, code, cl))
            return true;
        p += n + (e ? 1 : 0);
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* Variables in scope                                                         */

static bool env_in_stage(const lint_ctx *ctx, int stage, size_t before, const char *name,
                         int depth)
{
    const hoist_df_instruction *from = NULL;
    for (size_t j = 0; j < before && j < ctx->n; j++) {
        const hoist_df_instruction *d = lint_ins(ctx, j);
        if (lint_ins_top(ctx, j)->stage != stage)
            continue;
        if (d->kind == HOIST_DF_FROM && !from)
            from = d;
        if (d->kind != HOIST_DF_ENV)
            continue;
        for (size_t p = 0; p < d->pair_count; p++)
            if (!strcmp(d->pairs[p].key, name))
                return true;
    }
    /* A stage built FROM an earlier stage's name inherits its ENV. */
    if (!from || !from->arg_count || depth > 32)
        return false;
    const char *base = from->args[0].value;
    for (size_t j = 0; j < ctx->n; j++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, j);
        if (f == from)
            break;
        const char *alias = f->kind == HOIST_DF_FROM ? lint_from_alias(f) : NULL;
        if (alias && base && !strcasecmp(alias, base))
            return env_in_stage(ctx, f->stage, ctx->n, name, depth + 1);
    }
    return false;
}

bool lint_var_defined(const lint_ctx *ctx, size_t i, const char *name, bool args_too)
{
    for (size_t j = 0; args_too && j < i && j < ctx->n; j++) {
        const hoist_df_instruction *d = lint_ins(ctx, j);
        if (d->kind != HOIST_DF_ARG)
            continue;
        for (size_t p = 0; p < d->pair_count; p++)
            if (!strcmp(d->pairs[p].key, name))
                return true;
    }
    return env_in_stage(ctx, lint_stage_of(ctx, i), i, name, 0);
}

/* ------------------------------------------------------------------------ */

/* The image name of a FROM (its first argument without :tag or @digest). */
static size_t from_image_len(const char *img)
{
    size_t n = strcspn(img, "@");
    const char *slash = memrchr(img, '/', n);
    const char *colon = memchr(slash ? slash : img, ':', n - (size_t)((slash ? slash : img) - img));
    return colon ? (size_t)(colon - img) : n;
}

bool lint_in_result_stage(const lint_ctx *ctx, size_t i)
{
    const hoist_df_instruction *top = lint_ins_top(ctx, i);
    if (top->kind == HOIST_DF_ONBUILD)
        return true; /* runs in whatever image is built FROM this one */
    int last = -1;
    for (size_t j = 0; j < ctx->n; j++)
        if (lint_ins_top(ctx, j)->kind == HOIST_DF_FROM)
            last = lint_ins_top(ctx, j)->stage;
    if (top->stage == last)
        return true;
    const hoist_df_instruction *from = top->stage >= 0 ? lint_stage_from(ctx, top->stage) : NULL;
    const char *alias = from ? lint_from_alias(from) : NULL;
    if (!alias)
        return false;
    for (size_t j = 0; j < ctx->n; j++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, j);
        if (f->kind != HOIST_DF_FROM || !f->arg_count || !f->args[0].value)
            continue;
        const char *img = f->args[0].value;
        size_t n = from_image_len(img);
        if (n == strlen(alias) && !strncasecmp(img, alias, n))
            return true;
    }
    return false;
}
