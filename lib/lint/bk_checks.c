/*
 * bk_checks.c - BuildKit's build checks (`docker build --check`), with
 * BuildKit's names and messages, so `# check=skip=...` directives written
 * for BuildKit keep working.
 *
 * CopyIgnoredFile needs the build context and lives with the context rules
 * in hs_context.c. UndefinedVar cannot see the environment of base images
 * offline; it knows the variables that official images commonly set (PATH,
 * JAVA_HOME, GOPATH, ...) and otherwise assumes what is not declared in the
 * Dockerfile is undefined.
 */
#include "common/suggest.h"
#include "lint/lint_internal.h"
#include "common/vec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *argv_at(const hoist_df_instruction *ins, size_t k)
{
    return k < ins->arg_count && ins->args[k].value ? ins->args[k].value : "";
}

static void stage_name_casing(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const char *a = f->kind == HOIST_DF_FROM ? lint_from_alias(f) : NULL;
        if (a && !lint_is_all_lower(a))
            lint_report(ctx, (int)i, &f->args[2].range, "write stage names in lower case",
                        "Stage name '%s' should be lowercase", a);
    }
}

static void from_as_casing(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        if (f->kind != HOIST_DF_FROM || !lint_from_alias(f))
            continue;
        const char *kw = f->keyword_original, *as = f->args[1].value;
        bool kw_up = lint_is_all_upper(kw), kw_low = lint_is_all_lower(kw);
        if ((kw_up && !lint_is_all_upper(as)) || (kw_low && !lint_is_all_lower(as)))
            lint_report(ctx, (int)i, &f->args[1].range, "write FROM and AS in the same case",
                        "'%s' and '%s' keywords' casing do not match", as, kw);
    }
}

static void json_args_recommended(lint_ctx *ctx)
{
    int stage = -2;
    bool shell = false;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->stage != stage) {
            stage = ins->stage;
            shell = false;
        }
        if (ins->kind == HOIST_DF_SHELL)
            shell = true;
        if ((ins->kind == HOIST_DF_CMD || ins->kind == HOIST_DF_ENTRYPOINT) &&
            ins->form == HOIST_DF_FORM_SHELL && !shell && ins->raw_args[0])
            lint_report(ctx, (int)i, NULL, "use the exec form: CMD [\"prog\", \"arg\"]",
                        "JSON arguments recommended for %s to prevent unintended behavior "
                        "related to OS signals", ins->keyword);
    }
}

/* ----------------------------------------------------------- UndefinedVar */
static const char *const image_env[] = {
    "PATH", "HOME", "HOSTNAME", "LANG", "LANGUAGE", "LC_ALL", "TZ", "JAVA_HOME", "JAVA_VERSION",
    "JDK_VERSION", "GOPATH", "GOROOT", "GOLANG_VERSION", "GOTOOLCHAIN", "NODE_VERSION",
    "YARN_VERSION", "NPM_CONFIG_LOGLEVEL", "PYTHON_VERSION", "PYTHON_SHA256", "PYTHON_PIP_VERSION",
    "PIP_VERSION", "GPG_KEY", "RUBY_VERSION", "RUBY_MAJOR", "GEM_HOME", "BUNDLE_PATH",
    "BUNDLE_APP_CONFIG", "BUNDLE_SILENCE_ROOT_WARNING", "RUST_VERSION", "RUSTUP_HOME",
    "CARGO_HOME", "PHP_VERSION", "PHP_INI_DIR", "NGINX_VERSION", "MAVEN_HOME", "MAVEN_CONFIG",
    "GRADLE_HOME", "GRADLE_VERSION", "DOTNET_VERSION", "ASPNET_VERSION", "ASPNETCORE_URLS",
    "ASPNETCORE_HTTP_PORTS", "APP_UID", "CATALINA_HOME", "ERLANG_VERSION", "ELIXIR_VERSION",
    "PERL_VERSION", "HTTPD_PREFIX", "PG_MAJOR", "PG_VERSION", "PGDATA", "MYSQL_MAJOR",
    "REDIS_VERSION", NULL};

static const char *const builtin_args[] = {"TARGETPLATFORM", "TARGETOS", "TARGETARCH",
                                           "TARGETVARIANT", "BUILDPLATFORM", "BUILDOS",
                                           "BUILDARCH", "BUILDVARIANT", "BUILDKIT_SYNTAX", NULL};

typedef struct names {
    const char **v;
    size_t n, cap;
} names;

static void names_add(names *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], name))
            return;
    const char **v = hoist_vec_grow(s->v, &s->cap, s->n, sizeof(*v), 16);
    if (!v)
        return;
    s->v = v;
    s->v[s->n++] = name;
}

static bool names_has(const names *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && !strncmp(s->v[i], name, len))
            return true;
    return false;
}

static bool list_has(const char *const *l, const char *name, size_t len)
{
    for (size_t i = 0; l[i]; i++)
        if (strlen(l[i]) == len && !strncmp(l[i], name, len))
            return true;
    return false;
}

typedef struct undef_ud {
    lint_ctx *ctx;
    size_t index;
    const names *scope;
    const names *all;      /* every name declared anywhere, for suggestions */
    const hoist_df_range *range;
    bool from;             /* UndefinedArgInFrom: only global ARGs count */
    names reported;
    char buf[16][128];
    size_t nbuf;
} undef_ud;

static void undef_var(void *ud, const char *name, size_t len)
{
    undef_ud *u = ud;
    if (names_has(u->scope, name, len) || list_has(builtin_args, name, len))
        return;
    if (!u->from && list_has(image_env, name, len))
        return;
    if (u->nbuf >= 16 || len >= 128)
        return;
    memcpy(u->buf[u->nbuf], name, len);
    u->buf[u->nbuf][len] = '\0';
    if (names_has(&u->reported, name, len))
        return;
    names_add(&u->reported, u->buf[u->nbuf]);
    const char *nm = u->buf[u->nbuf++];
    if (u->from) {
        lint_report(u->ctx, (int)u->index, u->range, "declare it with ARG before the first FROM",
                    "FROM argument '%s' is not declared", nm);
        return;
    }
    const char *best = hoist_suggest(nm, (const char *const *)u->all->v, u->all->n);
    if (best)
        lint_report(u->ctx, (int)u->index, u->range, "declare it with ARG or ENV first",
                    "Usage of undefined variable '$%s' (did you mean $%s?)", nm, best);
    else
        lint_report(u->ctx, (int)u->index, u->range, "declare it with ARG or ENV first",
                    "Usage of undefined variable '$%s'", nm);
}

static void check_word(undef_ud *u, const char *w, const hoist_df_range *r)
{
    if (!w || !strchr(w, '$'))
        return;
    u->range = r;
    lint_each_var(w, hoist_dockerfile_escape(u->ctx->df), undef_var, u);
}

/* Scope at the end of each stage (ENV only is inherited by FROM <stage>). */
static void undefined_var(lint_ctx *ctx)
{
    names all = {0};
    names globals = {0};
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->kind == HOIST_DF_ARG || ins->kind == HOIST_DF_ENV)
            for (size_t p = 0; p < ins->pair_count; p++) {
                names_add(&all, ins->pairs[p].key);
                if (ins->stage < 0)
                    names_add(&globals, ins->pairs[p].key);
            }
    }
    names *env_of = calloc(ctx->stage_count + 1, sizeof(names));
    if (!env_of) {
        free(all.v);
        free(globals.v);
        return;
    }
    names scope = {0}; /* ARG and ENV names of the current stage */
    names envs = {0};  /* its ENV names: what a FROM <stage> child inherits */
    int stage = -2;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->stage < 0)
            continue;
        if (ins->stage != stage) {
            if (stage >= 0 && (size_t)stage < ctx->stage_count)
                env_of[stage] = envs;
            else
                free(envs.v);
            free(scope.v);
            memset(&scope, 0, sizeof(scope));
            memset(&envs, 0, sizeof(envs));
            stage = ins->stage;
            if ((size_t)stage < ctx->stage_count &&
                ctx->stages[stage].base_kind == HOIST_DF_BASE_STAGE) {
                const names *p = &env_of[ctx->stages[stage].base_stage];
                for (size_t k = 0; k < p->n; k++) {
                    names_add(&scope, p->v[k]);
                    names_add(&envs, p->v[k]);
                }
            }
        }
        undef_ud u = {.ctx = ctx, .index = i, .scope = &scope, .all = &all};
        if (ins->kind != HOIST_DF_ONBUILD && hoist_df_kind_expands(ins->kind) &&
            ins->kind != HOIST_DF_FROM) {
            if (ins->kind == HOIST_DF_ENV || ins->kind == HOIST_DF_ARG ||
                ins->kind == HOIST_DF_LABEL) {
                for (size_t p = 0; p < ins->pair_count; p++)
                    check_word(&u, ins->pairs[p].value, &ins->pairs[p].range);
            } else {
                for (size_t k = 0; k < ins->arg_count; k++)
                    if (!lint_has_prefix(argv_at(ins, k), "<<"))
                        check_word(&u, ins->args[k].value, &ins->args[k].range);
                for (size_t f = 0; f < ins->flag_count; f++)
                    check_word(&u, ins->flags[f].value, &ins->flags[f].range);
            }
        }
        free(u.reported.v);
        if (ins->kind == HOIST_DF_ARG || ins->kind == HOIST_DF_ENV)
            for (size_t p = 0; p < ins->pair_count; p++) {
                names_add(&scope, ins->pairs[p].key);
                if (ins->kind == HOIST_DF_ENV)
                    names_add(&envs, ins->pairs[p].key);
            }
    }
    if (stage >= 0 && (size_t)stage < ctx->stage_count)
        env_of[stage] = envs;
    else
        free(envs.v);
    free(scope.v);
    for (size_t s = 0; s < ctx->stage_count; s++)
        free(env_of[s].v);
    free(env_of);
    free(all.v);
    free(globals.v);
}

static void undefined_arg_in_from(lint_ctx *ctx)
{
    names globals = {0};
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->kind == HOIST_DF_ARG && ins->stage < 0)
            for (size_t p = 0; p < ins->pair_count; p++)
                names_add(&globals, ins->pairs[p].key);
        if (ins->kind != HOIST_DF_FROM)
            continue;
        undef_ud u = {.ctx = ctx, .index = i, .scope = &globals, .all = &globals, .from = true};
        if (ins->arg_count)
            check_word(&u, ins->args[0].value, &ins->args[0].range);
        for (size_t f = 0; f < ins->flag_count; f++)
            check_word(&u, ins->flags[f].value, &ins->flags[f].range);
        free(u.reported.v);
    }
    free(globals.v);
}

/* ------------------------------------------------- SecretsUsedInArgOrEnv */
static bool secret_name(const char *name)
{
    static const char *const words[] = {"apikey", "auth", "credential", "credentials", "key",
                                        "password", "pword", "passwd", "secret", "token", NULL};
    bool hit = false;
    const char *p = name;
    while (*p) {
        const char *e = strchr(p, '_');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 6 && !strncasecmp(p, "public", 6))
            return false;
        for (size_t i = 0; words[i]; i++)
            if (strlen(words[i]) == n && !strncasecmp(p, words[i], n))
                hit = true;
        if (!e)
            break;
        p = e + 1;
    }
    return hit;
}

static void secrets_used(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_ARG && ins->kind != HOIST_DF_ENV)
            continue;
        for (size_t p = 0; p < ins->pair_count; p++)
            if (secret_name(ins->pairs[p].key))
                lint_report(ctx, (int)i, &ins->pairs[p].range,
                            "use RUN --mount=type=secret,id=... and pass it with --secret",
                            "Do not use ARG or ENV instructions for sensitive data (%s \"%s\")",
                            ins->keyword, ins->pairs[p].key);
    }
}

static void legacy_key_value(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if ((ins->kind == HOIST_DF_ENV || ins->kind == HOIST_DF_LABEL) && ins->legacy_pairs)
            lint_report(ctx, (int)i, NULL, "write it as key=value",
                        "\"%s key=value\" should be used instead of legacy \"%s key value\" "
                        "format", ins->keyword, ins->keyword);
    }
}

static void workdir_relative(lint_ctx *ctx)
{
    int stage = -2;
    bool abs_seen = false;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if (ins->stage != stage) {
            stage = ins->stage;
            abs_seen = false;
        }
        if (ins->kind != HOIST_DF_WORKDIR)
            continue;
        char b[1024];
        lint_strip_quotes(ins->raw_args, b, sizeof(b));
        bool abs = b[0] == '/' || b[0] == '$' || b[0] == '\\' ||
                   (isalpha((unsigned char)b[0]) && b[1] == ':');
        if (!abs && !abs_seen)
            lint_report(ctx, (int)i, NULL, "use an absolute path",
                        "Relative workdir \"%s\" can have unexpected results if the base image "
                        "changes", b);
        abs_seen |= abs;
    }
}

static void multiple_instructions(lint_ctx *ctx)
{
    static const hoist_df_kind kinds[] = {HOIST_DF_CMD, HOIST_DF_ENTRYPOINT,
                                          HOIST_DF_HEALTHCHECK};
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < ctx->n; i++) {
            const hoist_df_instruction *ins = lint_ins_top(ctx, i);
            if (ins->kind != kinds[k])
                continue;
            for (size_t j = i + 1; j < ctx->n; j++) {
                const hoist_df_instruction *later = lint_ins_top(ctx, j);
                if (later->stage != ins->stage)
                    break;
                if (later->kind == kinds[k]) {
                    lint_report(ctx, (int)i, NULL, "keep only the last one",
                                "Multiple %s instructions should not be used in the same stage "
                                "because only the last one will be used", ins->keyword);
                    break;
                }
            }
        }
    }
}

static void duplicate_stage_name(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const char *a = f->kind == HOIST_DF_FROM ? lint_from_alias(f) : NULL;
        if (!a)
            continue;
        for (size_t j = 0; j < i; j++) {
            const hoist_df_instruction *g = lint_ins_top(ctx, j);
            const char *b = g->kind == HOIST_DF_FROM ? lint_from_alias(g) : NULL;
            if (b && !strcasecmp(a, b)) {
                lint_report(ctx, (int)i, &f->args[2].range, "rename one of the stages",
                            "Duplicate stage name \"%s\", stage names should be unique", a);
                break;
            }
        }
    }
}

static void reserved_stage_name(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const char *a = f->kind == HOIST_DF_FROM ? lint_from_alias(f) : NULL;
        if (a && (!strcasecmp(a, "scratch") || !strcasecmp(a, "context")))
            lint_report(ctx, (int)i, &f->args[2].range, "rename the stage",
                        "Stage name should not use the same name as reserved stage \"%s\"", a);
    }
}

static void invalid_default_arg_in_from(lint_ctx *ctx)
{
    for (size_t s = 0; s < ctx->stage_count; s++) {
        const hoist_df_stage *st = &ctx->stages[s];
        if (!strchr(st->base, '$') || st->base_kind != HOIST_DF_BASE_IMAGE)
            continue;
        const char *e = st->base_expanded ? st->base_expanded : "";
        bool bad = !e[0];
        if (!bad && !st->image) {
            hoist_image_ref *ref = NULL;
            hoist_error err = HOIST_ERROR_INIT;
            bad = hoist_image_ref_parse(&ref, e, &err) != 0;
            hoist_image_ref_free(ref);
        }
        if (bad)
            lint_report(ctx, (int)st->first_instruction, NULL,
                        "give the ARG a default that makes a valid image name",
                        "Default value for ARG %s results in empty or invalid base image name",
                        st->base);
    }
}

static void redundant_target_platform(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const hoist_df_flag *p =
            f->kind == HOIST_DF_FROM ? hoist_df_instruction_flag(f, "platform") : NULL;
        if (p && p->value &&
            (!strcmp(p->value, "$TARGETPLATFORM") || !strcmp(p->value, "${TARGETPLATFORM}")))
            lint_report(ctx, (int)i, &p->range, "drop the --platform flag",
                        "Setting platform to predefined %s in FROM is redundant as this is the "
                        "default behavior", p->value);
    }
}

static void platform_const(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        const hoist_df_flag *p =
            f->kind == HOIST_DF_FROM ? hoist_df_instruction_flag(f, "platform") : NULL;
        if (!p || !p->value || strchr(p->value, '$'))
            continue;
        /* A stage named after its platform (build-arm64) is deliberate. */
        const char *alias = lint_from_alias(f);
        bool named = false;
        if (alias) {
            char b[256];
            snprintf(b, sizeof(b), "%s", p->value);
            for (char *part = strtok(b, "/"); part; part = strtok(NULL, "/"))
                if (strcasestr(alias, part))
                    named = true;
        }
        if (!named)
            lint_report(ctx, (int)i, &p->range, "use $BUILDPLATFORM or pass --platform to the build",
                        "FROM --platform flag should not use constant value \"%s\"", p->value);
    }
}

static void maintainer_deprecated(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++)
        if (lint_ins(ctx, i)->kind == HOIST_DF_MAINTAINER)
            lint_report(ctx, (int)i, NULL,
                        "use LABEL org.opencontainers.image.authors=\"...\"",
                        "Maintainer instruction is deprecated in favor of using label");
}

static void consistent_casing(lint_ctx *ctx)
{
    size_t up = 0, low = 0;
    for (size_t i = 0; i < ctx->n; i++) {
        const char *k = lint_ins_top(ctx, i)->keyword_original;
        if (lint_is_all_upper(k))
            up++;
        else if (lint_is_all_lower(k))
            low++;
    }
    bool lower = low > up;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        const char *k = ins->keyword_original;
        if (lower ? !lint_is_all_lower(k) : !lint_is_all_upper(k))
            lint_report(ctx, (int)i, &ins->keyword_range, "write every instruction in one case",
                        "Command '%s' should match the case of the command majority (%s)", k,
                        lower ? "lowercase" : "uppercase");
    }
}

static void no_empty_continuation(lint_ctx *ctx)
{
    for (size_t w = 0; w < hoist_dockerfile_warning_count(ctx->df); w++) {
        const hoist_df_warning *wr = hoist_dockerfile_warning_at(ctx->df, w);
        if (!strcasestr(wr->message, "empty continuation"))
            continue;
        int ins = -1;
        for (size_t i = 0; i < ctx->n; i++) {
            const hoist_df_range *r = &lint_ins_top(ctx, i)->range;
            if (r->start.line <= wr->range.start.line && wr->range.start.line <= r->end.line)
                ins = (int)i;
        }
        lint_report(ctx, ins, &wr->range, "remove the empty line or end the instruction",
                    "Empty continuation line");
    }
}

static void expose_checks(lint_ctx *ctx, bool proto)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_EXPOSE)
            continue;
        for (size_t k = 0; k < ins->arg_count; k++) {
            char a[256];
            lint_strip_quotes(argv_at(ins, k), a, sizeof(a));
            if (proto) {
                const char *slash = strchr(a, '/');
                if (slash && !lint_is_all_lower(slash + 1))
                    lint_report(ctx, (int)i, &ins->args[k].range, "write tcp or udp",
                                "Defined protocol '%s' in EXPOSE instruction should be lowercase",
                                a);
            } else if (strchr(a, ':')) {
                lint_report(ctx, (int)i, &ins->args[k].range,
                            "EXPOSE takes a port; publish ports with docker run -p",
                            "EXPOSE instruction should not define an IP address or host-port "
                            "mapping, found '%s'", a);
            }
        }
    }
}

static void expose_proto_casing(lint_ctx *ctx)
{
    expose_checks(ctx, true);
}

static void expose_invalid_format(lint_ctx *ctx)
{
    expose_checks(ctx, false);
}

#define R(id, sev, title, expl, fn) {{id, "buildkit", HOIST_LINT_##sev, title, expl}, fn}

static const lint_rule rules[] = {
    R("StageNameCasing", WARNING, "Stage names should be lowercase",
      "Stage names are case-insensitive in --from and --target but are shown lower-cased; "
      "mixed case invites mismatches. Fix: write the AS name in lower case.",
      stage_name_casing),
    R("FromAsCasing", WARNING, "The 'as' keyword should match the case of the 'from' keyword",
      "FROM ... as ... mixes cases. Fix: write FROM ... AS ... (or from ... as ...).",
      from_as_casing),
    R("JSONArgsRecommended", WARNING,
      "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related "
      "to OS signals",
      "The shell form runs the command under /bin/sh -c, which does not pass SIGTERM on; the "
      "container ignores docker stop until it is killed. Fix: use the exec form, "
      "CMD [\"prog\", \"arg\"] (or exec in a script).",
      json_args_recommended),
    R("UndefinedVar", WARNING, "Variables should be defined before their use",
      "A $VAR that is neither an ARG nor an ENV of the stage expands to an empty string, "
      "usually because of a typo or an ARG declared only before FROM. Fix: declare it (ARG "
      "VAR inside the stage) or correct the name. Offline, hoist does not know the base "
      "image's environment beyond common variables such as PATH and JAVA_HOME.",
      undefined_var),
    R("UndefinedArgInFrom", WARNING, "FROM command must use declared ARGs",
      "A variable in FROM can only come from an ARG declared before the first FROM (or a "
      "built-in platform ARG). Fix: add ARG NAME=default at the top of the file.",
      undefined_arg_in_from),
    R("SecretsUsedInArgOrEnv", WARNING,
      "Sensitive data should not be used in the ARG or ENV commands",
      "ARG and ENV values end up in the image configuration and history, readable by anyone "
      "who can pull the image. Fix: RUN --mount=type=secret,id=name and docker build --secret.",
      secrets_used),
    R("LegacyKeyValueFormat", WARNING,
      "Legacy key/value format with whitespace separator should not be used",
      "`ENV key value` sets one variable whose value is the rest of the line, which is easy "
      "to misread; the form is deprecated. Fix: ENV key=value.",
      legacy_key_value),
    R("WorkdirRelativePath", WARNING,
      "Relative workdir without an absolute workdir declared within the build can have "
      "unexpected results if the base image changes",
      "A relative WORKDIR is resolved against the base image's working directory. Fix: use an "
      "absolute path, or set an absolute WORKDIR earlier in the stage.",
      workdir_relative),
    R("MultipleInstructionsDisallowed", WARNING,
      "Multiple instructions of the same type should not be used in the same stage",
      "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect. Fix: keep one.",
      multiple_instructions),
    R("DuplicateStageName", WARNING, "Stage names should be unique",
      "Two stages share a name, so --from and --target are ambiguous. Fix: rename one.",
      duplicate_stage_name),
    R("ReservedStageName", WARNING, "Reserved words should not be used as stage names",
      "`scratch` and `context` are reserved in FROM and --from. Fix: rename the stage.",
      reserved_stage_name),
    R("InvalidDefaultArgInFrom", WARNING,
      "Default value for global ARG results in an empty or invalid base image name",
      "With the ARG defaults, the FROM reference expands to nothing or to an invalid name, so "
      "a build without --build-arg fails. Fix: give the ARG a valid default.",
      invalid_default_arg_in_from),
    R("RedundantTargetPlatform", WARNING,
      "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the "
      "default behavior",
      "Stages build for the target platform by default. Fix: drop --platform=$TARGETPLATFORM.",
      redundant_target_platform),
    R("FromPlatformFlagConstDisallowed", OFF, "FROM --platform flag should not use a constant value",
      "A constant platform pins the stage to one architecture. Opt-in, as in BuildKit. Fix: "
      "use $BUILDPLATFORM/$TARGETPLATFORM or name the stage after its platform.",
      platform_const),
    R("MaintainerDeprecated", WARNING,
      "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
      "Fix: LABEL org.opencontainers.image.authors=\"name <mail>\".", maintainer_deprecated),
    R("ConsistentInstructionCasing", WARNING,
      "All commands within the Dockerfile should use the same casing (either upper or lower)",
      "Mixed-case instructions are harder to read and grep. Fix: use the case most of the "
      "file uses (upper case is conventional).",
      consistent_casing),
    R("NoEmptyContinuation", WARNING, "Empty continuation lines will become errors in a future release",
      "An empty line inside a continued instruction is ignored today but will be an error. "
      "Fix: remove the empty line (a comment line is fine).",
      no_empty_continuation),
    R("ExposeProtoCasing", WARNING, "Protocol in EXPOSE instruction should be lowercase",
      "Fix: EXPOSE 53/udp, not 53/UDP.", expose_proto_casing),
    R("ExposeInvalidFormat", WARNING,
      "IP address and host-port mapping should not be used in EXPOSE instruction. This will "
      "become an error in a future release",
      "EXPOSE documents a container port; host addresses and ports are chosen at run time. "
      "Fix: EXPOSE 8080 and publish with docker run -p 127.0.0.1:80:8080.",
      expose_invalid_format),
};

const lint_family lint_family_buildkit = {rules, sizeof(rules) / sizeof(rules[0])};
