/*
 * template.c - apply a template (an array of gen_step) to a Dockerfile AST.
 *
 * For each step whose `when` bits are all set and whose `unless` bits are
 * all clear, the comment, flags and arguments are substituted and handed to
 * hoist_dockerfile_append as a hoist_df_instruction_spec. Substitution
 * knows where a value lands (gen_place) so a value can never change the
 * shape of the instruction: exec-form elements are JSON-encoded by the
 * printer, shell commands get the value single-quoted unless it is made of
 * characters the shell leaves alone, and every other place accepts plain
 * words only.
 */
#include "gen/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/cleanup.h"
#include "common/vec.h"

bool gen_set_var(gen_ctx *ctx, const char *name, const char *value)
{
    for (size_t i = 0; i < ctx->var_count; i++)
        if (!strcmp(ctx->vars[i].name, name)) {
            ctx->vars[i].value = value;
            return true;
        }
    if (ctx->var_count == GEN_VARS_MAX)
        return false;
    ctx->vars[ctx->var_count++] = (gen_var){.name = name, .value = value};
    return true;
}

bool gen_set_list(gen_ctx *ctx, const char *name, const char *const *list, size_t count)
{
    for (size_t i = 0; i < ctx->var_count; i++)
        if (!strcmp(ctx->vars[i].name, name)) {
            ctx->vars[i].list = list;
            ctx->vars[i].list_count = count;
            return true;
        }
    if (ctx->var_count == GEN_VARS_MAX)
        return false;
    ctx->vars[ctx->var_count++] = (gen_var){.name = name, .list = list, .list_count = count};
    return true;
}

bool gen_choice(gen_ctx *ctx, const char *topic, const char *value, const char *reason_fmt, ...)
{
    hoist_gen_choice *c = hoist_vec_grow(ctx->choices, &ctx->choice_cap, ctx->choice_count, sizeof(*c), 16);
    if (!c)
        return false;
    ctx->choices = c;
    char *reason = NULL;
    va_list ap;
    va_start(ap, reason_fmt);
    int n = vasprintf(&reason, reason_fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    const char *kept = gen_pool_strdup(ctx->pool, reason);
    free(reason);
    ctx->choices[ctx->choice_count++] = (hoist_gen_choice){
        .topic = topic, .value = gen_pool_strdup(ctx->pool, value ? value : ""), .reason = kept};
    return kept != NULL;
}

static const gen_var *find_var(const gen_ctx *ctx, const char *name, size_t len)
{
    for (size_t i = 0; i < ctx->var_count; i++)
        if (strlen(ctx->vars[i].name) == len && !strncmp(ctx->vars[i].name, name, len))
            return &ctx->vars[i];
    return NULL;
}

static bool shell_safe(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@%+,-", *s))
            return false;
    return true;
}

static bool plain_word(const char *s)
{
    return shell_safe(s);
}

static bool append_shell_quoted(hbuf *b, const char *v)
{
    if (shell_safe(v))
        return hbuf_puts(b, v);
    hbuf_putc(b, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '\'')
            hbuf_puts(b, "'\\''");
        else
            hbuf_putc(b, *p);
    }
    return hbuf_putc(b, '\'');
}

int gen_substitute(const gen_ctx *ctx, const char *text, gen_place place, char **out,
                   hoist_error *err)
{
    *out = NULL;
    _cleanup_(hbuf_free) hbuf buf = {0};
    const char *p = text;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            if (!hbuf_puts(&buf, p))
                return hoist_error_nomem(err);
            break;
        }
        if (!hbuf_append(&buf, p, (size_t)(open - p)))
            return hoist_error_nomem(err);
        const char *close = strstr(open + 2, "}}");
        if (!close)
            return hoist_error_set(err, HOIST_EFAILED, "template: unterminated {{ in '%s'", text);
        const gen_var *var = find_var(ctx, open + 2, (size_t)(close - open - 2));
        if (!var || !var->value)
            return hoist_error_set(err, HOIST_EFAILED, "template: no value for %.*s in '%s'",
                                   (int)(close - open - 2), open + 2, text);
        const char *v = var->value;
        if (strchr(v, '\n') || strchr(v, '\r'))
            return hoist_error_set(err, HOIST_EINPUT, "%s value '%s' contains a line break",
                                   var->name, v);
        bool ok;
        if (place == GEN_PLACE_SHELL) {
            ok = append_shell_quoted(&buf, v);
        } else {
            if (place == GEN_PLACE_WORD && !plain_word(v)) {
                hoist_error_set(err, HOIST_EINPUT,
                                "%s '%s' cannot be written safely into a Dockerfile word",
                                var->name, v);
                return hoist_error_hint(err, "use names made of letters, digits and ._/:=@%%+,-");
            }
            ok = hbuf_puts(&buf, v);
        }
        if (!ok)
            return hoist_error_nomem(err);
        p = close + 2;
    }
    *out = hbuf_take(&buf, NULL);
    return *out ? 0 : hoist_error_nomem(err);
}

/* Strings made for one instruction, freed together. */
typedef struct owned_strings {
    char *items[64];
    size_t count;
} owned_strings;

static void owned_strings_free(owned_strings *o)
{
    for (size_t i = 0; i < o->count; i++)
        free(o->items[i]);
    o->count = 0;
}

static int add_substituted(const gen_ctx *ctx, const char *text, gen_place place,
                           owned_strings *owned, const char **slot, hoist_error *err)
{
    if (owned->count == sizeof(owned->items) / sizeof(owned->items[0]))
        return hoist_error_set(err, HOIST_EFAILED, "template: instruction too long");
    char *s = NULL;
    int rc = gen_substitute(ctx, text, place, &s, err);
    if (rc)
        return rc;
    owned->items[owned->count++] = s;
    *slot = s;
    return 0;
}

static gen_place arg_place(const gen_step *step)
{
    if (step->form == HOIST_DF_FORM_EXEC)
        return GEN_PLACE_RAW;
    if (!strcmp(step->keyword, "RUN") || !strcmp(step->keyword, "CMD") ||
        !strcmp(step->keyword, "ENTRYPOINT"))
        return GEN_PLACE_SHELL;
    return GEN_PLACE_WORD;
}

static int apply_step(hoist_dockerfile *df, const gen_step *step, const gen_ctx *ctx,
                      hoist_error *err)
{
    _cleanup_(owned_strings_free) owned_strings owned = {.count = 0};
    const char *flags[GEN_STEP_MAX_FLAGS];
    const char *args[64];
    const char *comment = NULL;
    size_t nflags = 0, nargs = 0;
    int rc;
    if (step->comment && (rc = add_substituted(ctx, step->comment, GEN_PLACE_RAW, &owned,
                                               &comment, err)))
        return rc;
    for (size_t i = 0; i < GEN_STEP_MAX_FLAGS && step->flags[i]; i++) {
        const char *f = step->flags[i];
        size_t fl = strlen(f);
        /* `{{?name}}`: the flag is the variable's value, or nothing when unset */
        if (fl > 5 && !strncmp(f, "{{?", 3) && !strcmp(f + fl - 2, "}}")) {
            const gen_var *var = find_var(ctx, f + 3, fl - 5);
            if (!var || !var->value)
                continue;
            if (!plain_word(var->value))
                return hoist_error_set(err, HOIST_EINPUT, "flag %s '%s' is not a plain word",
                                       var->name, var->value);
            flags[nflags++] = var->value;
            continue;
        }
        if ((rc = add_substituted(ctx, f, GEN_PLACE_WORD, &owned, &flags[nflags++], err)))
            return rc;
    }
    gen_place place = arg_place(step);
    for (size_t i = 0; i < GEN_STEP_MAX_ARGS && step->args[i]; i++) {
        const char *a = step->args[i];
        size_t al = strlen(a);
        if (al > 5 && !strncmp(a, "{{@", 3) && !strcmp(a + al - 2, "}}")) {
            const gen_var *var = find_var(ctx, a + 3, al - 5);
            if (!var || !var->list)
                return hoist_error_set(err, HOIST_EFAILED, "template: no list for %s", a);
            for (size_t k = 0; k < var->list_count; k++) {
                const char *item = var->list[k];
                if (nargs == sizeof(args) / sizeof(args[0]))
                    return hoist_error_set(err, HOIST_EFAILED, "template: too many arguments");
                if (strchr(item, '\n') || (place != GEN_PLACE_RAW && !plain_word(item))) {
                    hoist_error_set(err, HOIST_EINPUT,
                                    "%s item '%s' cannot be written safely into %s", var->name,
                                    item, step->keyword);
                    return hoist_error_hint(err, "rename the file, or write this line by hand");
                }
                args[nargs++] = item;
            }
            continue;
        }
        if (nargs == sizeof(args) / sizeof(args[0]))
            return hoist_error_set(err, HOIST_EFAILED, "template: too many arguments");
        if ((rc = add_substituted(ctx, a, place, &owned, &args[nargs++], err)))
            return rc;
    }
    hoist_df_instruction_spec spec = HOIST_DF_INSTRUCTION_SPEC_INIT;
    spec.keyword = step->keyword;
    spec.flags = flags;
    spec.flag_count = nflags;
    spec.form = step->form;
    spec.args = args;
    spec.arg_count = nargs;
    spec.comments = comment ? &comment : NULL;
    spec.comment_count = comment ? 1 : 0;
    return hoist_dockerfile_append(df, &spec, err);
}

int gen_template_apply(hoist_dockerfile *df, const gen_step *steps, size_t count,
                       const gen_ctx *ctx, hoist_error *err)
{
    for (size_t i = 0; i < count; i++) {
        const gen_step *s = &steps[i];
        if ((ctx->facts & s->when) != s->when || (ctx->facts & s->unless))
            continue;
        int rc = apply_step(df, s, ctx, err);
        if (rc)
            return rc;
    }
    return 0;
}
