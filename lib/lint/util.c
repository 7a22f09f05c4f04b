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
    if (stage < 0 || (size_t)stage >= ctx->stage_count)
        return NULL;
    return lint_ins_top(ctx, ctx->stages[stage].first_instruction);
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
