/*
 * dl_pkg.c - hadolint's rules about package managers in RUN: pinning
 * versions, answering prompts non-interactively, avoiding recommended
 * packages and caches, cleaning package lists, and commands meant for
 * humans (apt) or deprecated upgrades.
 *
 * Covered managers: apt-get/apt, apk, pip (also `python -m pip`), npm,
 * gem, yum, zypper, dnf/microdnf, yarn and `go install`. Each check finds
 * the relevant command with its subcommand in the split RUN script (see
 * shell.c) and looks at its flags and operands.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"

typedef bool (*cmd_pred)(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what);

/* The range of `word` in a one-line RUN (so the caret points at the
 * package); the whole instruction otherwise. */
static hoist_df_range word_range(const lint_ctx *ctx, size_t i, const char *word)
{
    const hoist_df_instruction *ins = lint_ins(ctx, i);
    hoist_df_range r = lint_ins_top(ctx, i)->range;
    const hoist_df_range *ar = &ins->raw_args_range;
    if (!word || !word[0] || ar->start.line <= 0 || ar->start.line != ar->end.line)
        return r;
    const char *hit = strstr(ins->raw_args, word);
    if (!hit)
        return r;
    r.start.line = r.end.line = ar->start.line;
    r.start.column = ar->start.column + (int)(hit - ins->raw_args);
    r.end.column = r.start.column + (int)strlen(word);
    return r;
}

/* Report once per RUN when pred is true for one of its commands. */
static void each_run(lint_ctx *ctx, cmd_pred pred, const char *hint, const char *msg)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        for (size_t k = 0; k < s->count; k++) {
            const char *what = NULL;
            if (pred(&s->cmds[k], ctx, i, &what)) {
                if (what) {
                    hoist_df_range r = word_range(ctx, i, what);
                    lint_report(ctx, (int)i, &r, hint, "%s: '%s'", msg, what);
                }
                else
                    lint_report(ctx, (int)i, NULL, hint, "%s", msg);
                break;
            }
        }
    }
}

static bool sub_is(const lint_cmd *c, const char *const *subs)
{
    size_t k = lint_cmd_subcommand(c);
    if (!k)
        return false;
    for (size_t j = 0; subs[j]; j++)
        if (!strcmp(c->argv[k], subs[j]))
            return true;
    return false;
}

static bool is_cmd(const lint_cmd *c, const char *const *names)
{
    for (size_t j = 0; names[j]; j++)
        if (lint_cmd_is(c, names[j]))
            return true;
    return false;
}

/* First operand (after the subcommand) that is not pinned, or NULL. */
static const char *unpinned(const lint_cmd *c, const char *const *valued,
                            bool (*pinned)(const char *))
{
    for (size_t k = lint_cmd_next_operand(c, valued, 0); k; k = lint_cmd_next_operand(c, valued, k))
        if (!pinned(c->argv[k]) && c->argv[k][0] != '$')
            return c->argv[k];
    return NULL;
}

/* RUN --mount=type=cache,target=<...path...> */
static bool cache_mount(const lint_ctx *ctx, size_t i, const char *path)
{
    const hoist_df_instruction *ins = lint_ins(ctx, i);
    for (size_t f = 0; f < ins->flag_count; f++) {
        const hoist_df_flag *fl = &ins->flags[f];
        if (strcmp(fl->name, "mount") || !fl->value)
            continue;
        if (strstr(fl->value, "type=cache") && strstr(fl->value, path))
            return true;
    }
    return false;
}

static bool script_removes(const lint_script *s, const char *path)
{
    for (size_t k = 0; k < s->count; k++) {
        const lint_cmd *c = &s->cmds[k];
        if (!lint_cmd_is(c, "rm"))
            continue;
        for (size_t a = 1; a < c->argc; a++)
            if (strstr(c->argv[a], path))
                return true;
    }
    return false;
}

/* ------------------------------------------------------------------ apt */
static const char *const apt_get[] = {"apt-get", NULL};
static const char *const install_sub[] = {"install", NULL};
static const char *const apt_valued[] = {"-t", "--target-release", "-o", "--option", "-c",
                                         "--config-file", NULL};

static bool apt_pinned(const char *p)
{
    return strchr(p, '=') || lint_has_suffix(p, ".deb") || p[0] == '/' || p[0] == '.';
}

static bool p3008(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, apt_get) || !sub_is(c, install_sub))
        return false;
    *what = unpinned(c, apt_valued, apt_pinned);
    return *what != NULL;
}

static void dl3008(lint_ctx *ctx)
{
    each_run(ctx, p3008, "pin it: apt-get install <package>=<version>",
             "Pin versions in apt-get install");
}

/* Stages the final image is built from (the last one and its FROM-stage
 * ancestors). */
static bool final_chain(const lint_ctx *ctx, int stage)
{
    if (!ctx->stage_count)
        return true;
    int s = (int)ctx->stage_count - 1;
    for (int guard = 0; s >= 0 && guard < 64; guard++) {
        if (s == stage)
            return true;
        if (ctx->stages[s].base_kind != HOIST_DF_BASE_STAGE)
            break;
        s = ctx->stages[s].base_stage;
    }
    return false;
}

static void dl3009(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        if (!lint_script_uses(s, "apt-get", "install") && !lint_script_uses(s, "apt", "install"))
            continue;
        if (!final_chain(ctx, lint_stage_of(ctx, i)))
            continue;
        if (script_removes(s, "/var/lib/apt/lists") || cache_mount(ctx, i, "/var/lib/apt"))
            continue;
        lint_report(ctx, (int)i, NULL, "end the RUN with: && rm -rf /var/lib/apt/lists/*",
                    "Delete the apt-get lists after installing something");
    }
}

static bool p3014(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, apt_get) || !sub_is(c, install_sub))
        return false;
    return !(lint_cmd_has_flag(c, 'y', "--yes") || lint_cmd_has_flag(c, 0, "--assume-yes") ||
             lint_cmd_has_word(c, "-qq") || lint_cmd_has_word(c, "-q=2") ||
             lint_cmd_has_word(c, "--quiet=2"));
}

static void dl3014(lint_ctx *ctx)
{
    each_run(ctx, p3014, "add -y: apt-get install -y ...", "Use the -y switch to avoid manual input");
}

static bool p3015(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, apt_get) || !sub_is(c, install_sub))
        return false;
    if (lint_cmd_has_flag(c, 0, "--no-install-recommends"))
        return false;
    for (size_t k = 1; k < c->argc; k++)
        if (strstr(c->argv[k], "Install-Recommends=false") ||
            strstr(c->argv[k], "Install-Recommends=0"))
            return false;
    return true;
}

static void dl3015(lint_ctx *ctx)
{
    each_run(ctx, p3015, "add --no-install-recommends",
             "Avoid additional packages by specifying --no-install-recommends");
}

static bool p3027(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    return lint_cmd_is(c, "apt") && lint_cmd_subcommand(c);
}

static void dl3027(lint_ctx *ctx)
{
    each_run(ctx, p3027, "use apt-get (or apt-cache) in scripts",
             "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache "
             "instead");
}

static bool p3005(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const up[] = {"upgrade", "dist-upgrade", NULL};
    return is_cmd(c, apt_get) && sub_is(c, up);
}

static void dl3005(lint_ctx *ctx)
{
    each_run(ctx, p3005, "update the base image instead",
             "Do not use apt-get upgrade or dist-upgrade");
}

/* ------------------------------------------------------------------ apk */
static const char *const apk[] = {"apk", NULL};
static const char *const add_[] = {"add", NULL};
static const char *const apk_valued[] = {"-t", "--virtual", "-X", "--repository",
                                         "--repositories-file", "-p", "--root", "--arch",
                                         "--keys-dir", "--cache-dir", NULL};

static bool apk_pinned(const char *p)
{
    return strchr(p, '=') || lint_has_suffix(p, ".apk") || p[0] == '/' || p[0] == '.';
}

static bool p3018(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, apk) || !sub_is(c, add_))
        return false;
    *what = unpinned(c, apk_valued, apk_pinned);
    return *what != NULL;
}

static void dl3018(lint_ctx *ctx)
{
    each_run(ctx, p3018, "pin it: apk add <package>=<version>", "Pin versions in apk add");
}

static bool p3019(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, apk) || !sub_is(c, add_))
        return false;
    return !lint_cmd_has_flag(c, 0, "--no-cache") && !cache_mount(ctx, i, "/var/cache/apk");
}

static void dl3019(lint_ctx *ctx)
{
    each_run(ctx, p3019, "apk add --no-cache ...",
             "Use the --no-cache switch to avoid the need to use --update and remove "
             "/var/cache/apk/* when done installing packages");
}

static bool p3017(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const up[] = {"upgrade", NULL};
    return is_cmd(c, apk) && sub_is(c, up);
}

static void dl3017(lint_ctx *ctx)
{
    each_run(ctx, p3017, "update the base image instead", "Do not use apk upgrade");
}

/* ------------------------------------------------------------------ pip */
/* Index of pip's subcommand for pip/pip3/python -m pip, or 0. */
static size_t pip_sub(const lint_cmd *c)
{
    const char *n = lint_cmd_name(c);
    size_t start = 0;
    if (!strncmp(n, "pip", 3) && (n[3] == '\0' || isdigit((unsigned char)n[3])))
        start = 1;
    else if (!strncmp(n, "python", 6)) {
        for (size_t k = 1; k + 1 < c->argc; k++)
            if (!strcmp(c->argv[k], "-m") && !strcmp(c->argv[k + 1], "pip")) {
                start = k + 2;
                break;
            }
    }
    if (!start)
        return 0;
    for (size_t k = start; k < c->argc; k++)
        if (c->argv[k][0] != '-')
            return k;
    return 0;
}

static bool pip_install(const lint_cmd *c)
{
    size_t k = pip_sub(c);
    return k && !strcmp(c->argv[k], "install");
}

static const char *const pip_valued[] = {
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
    "--extra-index-url", "-t", "--target", "--prefix", "--root", "-f", "--find-links",
    "--trusted-host", "--platform", "--python-version", "--implementation", "--abi", "--src",
    "--upgrade-strategy", "--progress-bar", "--log", "--proxy", "--retries", "--timeout",
    "--cert", "--client-cert", "--cache-dir", "--only-binary", "--no-binary", NULL};

static bool pip_pinned(const char *p)
{
    static const char *const ops[] = {"==", ">=", "<=", "~=", "!=", "<", ">", "@", NULL};
    for (size_t k = 0; ops[k]; k++)
        if (strstr(p, ops[k]))
            return true;
    return p[0] == '.' || p[0] == '/' || strstr(p, "://") || lint_has_suffix(p, ".whl") ||
           lint_has_suffix(p, ".tar.gz") || lint_has_suffix(p, ".zip");
}

static bool p3013(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!pip_install(c))
        return false;
    size_t sub = pip_sub(c);
    for (size_t k = sub + 1; k < c->argc; k++) {
        const char *a = c->argv[k];
        if (a[0] == '-') {
            for (size_t v = 0; pip_valued[v]; v++)
                if (!strcmp(a, pip_valued[v])) {
                    k++;
                    break;
                }
            continue;
        }
        if (!pip_pinned(a) && a[0] != '$') {
            *what = a;
            return true;
        }
    }
    return false;
}

static void dl3013(lint_ctx *ctx)
{
    each_run(ctx, p3013, "pin it: pip install <package>==<version>", "Pin versions in pip");
}

static bool stage_env_set(const lint_ctx *ctx, size_t i, const char *name)
{
    int stage = lint_stage_of(ctx, i);
    for (size_t j = 0; j < i; j++) {
        const hoist_df_instruction *d = lint_ins_top(ctx, j);
        if ((d->stage != stage) || (d->kind != HOIST_DF_ENV && d->kind != HOIST_DF_ARG))
            continue;
        for (size_t p = 0; p < d->pair_count; p++)
            if (!strcmp(d->pairs[p].key, name))
                return true;
    }
    return false;
}

static bool p3042(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!pip_install(c))
        return false;
    if (lint_cmd_has_flag(c, 0, "--no-cache-dir") || cache_mount(ctx, i, ".cache/pip") ||
        stage_env_set(ctx, i, "PIP_NO_CACHE_DIR"))
        return false;
    for (size_t k = 0; k < c->assign_count; k++)
        if (lint_has_prefix(c->assigns[k], "PIP_NO_CACHE_DIR="))
            return false;
    return true;
}

static void dl3042(lint_ctx *ctx)
{
    each_run(ctx, p3042, "pip install --no-cache-dir ...",
             "Avoid use of cache directory with pip. Use `pip install --no-cache-dir "
             "<package>`");
}

/* ------------------------------------------------------------------ npm */
static bool npm_pinned(const char *p)
{
    const char *at = strrchr(p, '@');
    return (at && at != p) || p[0] == '.' || p[0] == '/' || p[0] == '~' || strstr(p, "://") ||
           strstr(p, "git+") || strchr(p, '#') || strchr(p, ':') || lint_has_suffix(p, ".tgz") ||
           lint_has_suffix(p, ".tar.gz");
}

static bool p3016(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const subs[] = {"install", "i", "add", "isntall", NULL};
    static const char *const npm[] = {"npm", NULL};
    static const char *const valued[] = {"--registry", "--prefix", "--cache", NULL};
    if (!is_cmd(c, npm) || !sub_is(c, subs))
        return false;
    *what = unpinned(c, valued, npm_pinned);
    return *what != NULL;
}

static void dl3016(lint_ctx *ctx)
{
    each_run(ctx, p3016, "pin it: npm install <package>@<version>", "Pin versions in npm");
}

/* ------------------------------------------------------------------ gem */
static bool gem_pinned(const char *p)
{
    return strchr(p, ':') || lint_has_suffix(p, ".gem");
}

static bool p3028(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const gem[] = {"gem", NULL};
    static const char *const valued[] = {"-i", "--install-dir", "-n", "--bindir", "--source",
                                         "-s", "-P", "--trust-policy", "--platform", NULL};
    if (!is_cmd(c, gem) || !sub_is(c, install_sub))
        return false;
    if (lint_cmd_has_flag(c, 'v', "--version"))
        return false;
    *what = unpinned(c, valued, gem_pinned);
    return *what != NULL;
}

static void dl3028(lint_ctx *ctx)
{
    each_run(ctx, p3028, "pin it: gem install <gem>:<version>",
             "Pin versions in gem install. Instead of `gem install <gem>` use `gem install "
             "<gem>:<version>`");
}

/* ---------------------------------------------------- yum / dnf / zypper */
static const char *const yum[] = {"yum", NULL};
static const char *const dnf[] = {"dnf", "microdnf", NULL};
static const char *const zypper[] = {"zypper", NULL};
static const char *const rpm_install[] = {"install", "groupinstall", "localinstall", NULL};
static const char *const rpm_valued[] = {"-c", "--config", "--installroot", "--releasever",
                                         "--enablerepo", "--disablerepo", "--setopt", NULL};

static bool rpm_pinned(const char *p)
{
    for (const char *d = strchr(p, '-'); d; d = strchr(d + 1, '-'))
        if (isdigit((unsigned char)d[1]))
            return true;
    return lint_has_suffix(p, ".rpm") || p[0] == '/' || p[0] == '@' || strstr(p, "://");
}

static bool zypper_pinned(const char *p)
{
    return strchr(p, '=') || strchr(p, '<') || strchr(p, '>') || lint_has_suffix(p, ".rpm") ||
           p[0] == '/';
}

static bool yes_rpm(const lint_cmd *c)
{
    return lint_cmd_has_flag(c, 'y', "--assumeyes");
}

static bool p3030(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    return is_cmd(c, yum) && sub_is(c, rpm_install) && !yes_rpm(c);
}

static bool p3038(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    return is_cmd(c, dnf) && sub_is(c, rpm_install) && !yes_rpm(c);
}

static bool p3033(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, yum) || !sub_is(c, rpm_install))
        return false;
    *what = unpinned(c, rpm_valued, rpm_pinned);
    return *what != NULL;
}

static bool p3041(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, dnf) || !sub_is(c, rpm_install))
        return false;
    *what = unpinned(c, rpm_valued, rpm_pinned);
    return *what != NULL;
}

static bool p3031(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const up[] = {"update", "upgrade", NULL};
    return is_cmd(c, yum) && sub_is(c, up);
}

static bool p3039(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const up[] = {"update", "upgrade", "upgrade-minimal", NULL};
    return is_cmd(c, dnf) && sub_is(c, up);
}

static const char *const zypper_install[] = {"install", "in", "remove", "rm", "source-install",
                                             "si", "patch", NULL};

static bool p3034(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, zypper) || !sub_is(c, zypper_install))
        return false;
    return !(lint_cmd_has_flag(c, 'n', "--non-interactive") || lint_cmd_has_flag(c, 'y', "--no-confirm"));
}

static bool p3035(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const up[] = {"dist-upgrade", "dup", NULL};
    return is_cmd(c, zypper) && sub_is(c, up);
}

static bool p3037(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const in[] = {"install", "in", NULL};
    static const char *const valued[] = {"-t", "--type", "-r", "--repo", "--from", NULL};
    if (!is_cmd(c, zypper) || !sub_is(c, in))
        return false;
    *what = unpinned(c, valued, zypper_pinned);
    return *what != NULL;
}

/* "<tool> clean all" (or `zypper clean`/`cc`) in the same RUN, or the
 * cache directory removed or mounted as a cache. */
static void clean_rule(lint_ctx *ctx, const char *const *tools, const char *cache,
                       bool zyp, const char *hint, const char *msg)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        bool used = false, cleaned = false;
        for (size_t k = 0; k < s->count; k++) {
            const lint_cmd *c = &s->cmds[k];
            if (!is_cmd(c, tools))
                continue;
            size_t sub = lint_cmd_subcommand(c);
            if (!sub)
                continue;
            const char *v = c->argv[sub];
            if (zyp ? (!strcmp(v, "clean") || !strcmp(v, "cc"))
                    : (!strcmp(v, "clean") && lint_cmd_has_word(c, "all")))
                cleaned = true;
            else if (zyp ? sub_is(c, zypper_install) : sub_is(c, rpm_install))
                used = true;
        }
        if (used && !cleaned && !script_removes(s, cache) && !cache_mount(ctx, i, cache))
            lint_report(ctx, (int)i, NULL, hint, "%s", msg);
    }
}

static void dl3030(lint_ctx *ctx)
{
    each_run(ctx, p3030, "yum install -y ...",
             "Use the -y switch to avoid manual input `yum install -y <package>`");
}

static void dl3031(lint_ctx *ctx)
{
    each_run(ctx, p3031, "update the base image instead", "Do not use yum update");
}

static void dl3032(lint_ctx *ctx)
{
    clean_rule(ctx, yum, "/var/cache/yum", false, "end the RUN with: && yum clean all",
               "`yum clean all` missing after yum command.");
}

static void dl3033(lint_ctx *ctx)
{
    each_run(ctx, p3033, "pin it: yum install -y <package>-<version>",
             "Specify version with `yum install -y <package>-<version>`");
}

static void dl3034(lint_ctx *ctx)
{
    each_run(ctx, p3034, "zypper install -y ...",
             "Non-interactive switch missing from `zypper` command: `zypper install -y`");
}

static void dl3035(lint_ctx *ctx)
{
    each_run(ctx, p3035, "update the base image instead", "Do not use `zypper dist-upgrade`.");
}

static void dl3036(lint_ctx *ctx)
{
    clean_rule(ctx, zypper, "/var/cache/zypp", true, "end the RUN with: && zypper clean",
               "`zypper clean` missing after zypper use.");
}

static void dl3037(lint_ctx *ctx)
{
    each_run(ctx, p3037, "pin it: zypper install -y <package>=<version>",
             "Specify version with `zypper install -y <package>=<version>`");
}

static void dl3038(lint_ctx *ctx)
{
    each_run(ctx, p3038, "dnf install -y ...",
             "Use the -y switch to avoid manual input `dnf install -y <package>`");
}

static void dl3039(lint_ctx *ctx)
{
    each_run(ctx, p3039, "update the base image instead", "Do not use dnf update");
}

static void dl3040(lint_ctx *ctx)
{
    clean_rule(ctx, dnf, "/var/cache/dnf", false, "end the RUN with: && dnf clean all",
               "`dnf clean all` missing after dnf command.");
}

static void dl3041(lint_ctx *ctx)
{
    each_run(ctx, p3041, "pin it: dnf install -y <package>-<version>",
             "Specify version with `dnf install -y <package>-<version>`");
}

/* ----------------------------------------------------------- yarn / go */
static void dl3060(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        bool install = false, clean = false;
        for (size_t k = 0; k < s->count; k++) {
            const lint_cmd *c = &s->cmds[k];
            if (!lint_cmd_is(c, "yarn"))
                continue;
            size_t sub = lint_cmd_subcommand(c);
            if (!sub || !strcmp(c->argv[sub], "install") || !strcmp(c->argv[sub], "add"))
                install = true;
            else if (!strcmp(c->argv[sub], "cache") && lint_cmd_has_word(c, "clean"))
                clean = true;
        }
        if (install && !clean && !cache_mount(ctx, i, "yarn"))
            lint_report(ctx, (int)i, NULL, "end the RUN with: && yarn cache clean",
                        "`yarn cache clean` missing after `yarn install` was run.");
    }
}

static bool go_pinned(const char *p)
{
    const char *at = strchr(p, '@');
    return (at && strcmp(at, "@latest")) || p[0] == '.' || p[0] == '/';
}

static bool p3062(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const go[] = {"go", NULL};
    static const char *const subs[] = {"install", NULL};
    static const char *const valued[] = {"-o", "-tags", "-ldflags", "-gcflags", "-p", NULL};
    if (!is_cmd(c, go) || !sub_is(c, subs))
        return false;
    *what = unpinned(c, valued, go_pinned);
    return *what != NULL;
}

static void dl3062(lint_ctx *ctx)
{
    each_run(ctx, p3062, "pin it: go install <package>@<version>",
             "Pin versions in go install. Instead of `go install <package>` use `go install "
             "<package>@<version>`");
}

#define R(id, sev, title, expl, fn) {{id, "hadolint", HOIST_LINT_##sev, title, expl}, fn}
#define PIN "Without a version the build installs whatever the repository has that day, so " \
            "two builds of the same Dockerfile differ and a new release can break the image. "

static const lint_rule rules[] = {
    R("DL3005", OFF, "Do not use apt-get upgrade or dist-upgrade.",
      "Upgrading inside the image hides what the base image is and makes builds drift. "
      "hadolint has since retired this rule; hoist keeps it opt-in. Fix: use a newer base "
      "image.",
      dl3005),
    R("DL3008", WARNING, "Pin versions in apt-get install.",
      PIN "Fix: apt-get install <package>=<version>.", dl3008),
    R("DL3009", INFO, "Delete the apt-get lists after installing something.",
      "apt-get update leaves tens of megabytes of package lists in the layer. Fix: end the "
      "same RUN with `rm -rf /var/lib/apt/lists/*`, or use a cache mount on /var/lib/apt.",
      dl3009),
    R("DL3013", WARNING, "Pin versions in pip.",
      PIN "Fix: pip install <package>==<version>, or a requirements file with pins.", dl3013),
    R("DL3014", WARNING, "Use the -y switch.",
      "Without -y apt-get asks for confirmation; there is no terminal in a build, so it "
      "aborts. Fix: apt-get install -y.",
      dl3014),
    R("DL3015", INFO, "Avoid additional packages by specifying --no-install-recommends.",
      "apt installs recommended packages by default, often doubling the image for things "
      "nobody uses. Fix: apt-get install --no-install-recommends.",
      dl3015),
    R("DL3016", WARNING, "Pin versions in npm.",
      PIN "Fix: npm install <package>@<version>, or npm ci with a lockfile.", dl3016),
    R("DL3017", OFF, "Do not use apk upgrade.",
      "Upgrading inside the image hides what the base image is. hadolint has retired this "
      "rule; hoist keeps it opt-in. Fix: use a newer base image.",
      dl3017),
    R("DL3018", WARNING,
      "Pin versions in apk add. Instead of `apk add <package>` use `apk add "
      "<package>=<version>`.",
      PIN "Fix: apk add <package>=<version>.", dl3018),
    R("DL3019", INFO,
      "Use the --no-cache switch to avoid the need to use --update and remove "
      "/var/cache/apk/* when done installing packages.",
      "apk keeps its index in /var/cache/apk, which ends up in the layer. Fix: apk add "
      "--no-cache.",
      dl3019),
    R("DL3027", WARNING,
      "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache "
      "instead.",
      "apt's command-line interface is not stable for scripts and warns so itself. Fix: use "
      "apt-get or apt-cache.",
      dl3027),
    R("DL3028", WARNING,
      "Pin versions in gem install. Instead of `gem install <gem>` use `gem install "
      "<gem>:<version>`.",
      PIN "Fix: gem install <gem>:<version> (or -v).", dl3028),
    R("DL3030", WARNING, "Use the -y switch to avoid manual input `yum install -y <package>`.",
      "yum asks for confirmation without -y and the build aborts. Fix: yum install -y.", dl3030),
    R("DL3031", OFF, "Do not use yum update.",
      "Upgrading inside the image hides what the base image is. hadolint has retired this "
      "rule; hoist keeps it opt-in. Fix: use a newer base image.",
      dl3031),
    R("DL3032", WARNING, "`yum clean all` missing after yum command.",
      "yum's cache stays in the layer. Fix: end the RUN with `yum clean all`.", dl3032),
    R("DL3033", WARNING, "Specify version with `yum install -y <package>-<version>`.",
      PIN "Fix: yum install -y <package>-<version>.", dl3033),
    R("DL3034", WARNING, "Non-interactive switch missing from `zypper` command: `zypper install -y`.",
      "zypper asks for confirmation and the build aborts. Fix: zypper install -y (or -n).",
      dl3034),
    R("DL3035", WARNING, "Do not use `zypper dist-upgrade`.",
      "A distribution upgrade inside an image makes builds drift. Fix: use a newer base "
      "image.",
      dl3035),
    R("DL3036", WARNING, "`zypper clean` missing after zypper use.",
      "zypper's cache stays in the layer. Fix: end the RUN with `zypper clean`.", dl3036),
    R("DL3037", WARNING, "Specify version with `zypper install -y <package>[=]<version>`.",
      PIN "Fix: zypper install -y <package>=<version>.", dl3037),
    R("DL3038", WARNING, "Use the -y switch to avoid manual input `dnf install -y <package>`.",
      "dnf asks for confirmation without -y and the build aborts. Fix: dnf install -y.", dl3038),
    R("DL3039", OFF, "Do not use dnf update.",
      "Upgrading inside the image hides what the base image is. hadolint has retired this "
      "rule; hoist keeps it opt-in. Fix: use a newer base image.",
      dl3039),
    R("DL3040", WARNING, "`dnf clean all` missing after dnf command.",
      "dnf's cache stays in the layer. Fix: end the RUN with `dnf clean all`.", dl3040),
    R("DL3041", WARNING, "Specify version with `dnf install -y <package>-<version>`.",
      PIN "Fix: dnf install -y <package>-<version>.", dl3041),
    R("DL3042", WARNING, "Avoid cache directory with `pip install --no-cache-dir <package>`.",
      "pip keeps downloaded wheels in ~/.cache/pip, which ends up in the layer. Fix: pip "
      "install --no-cache-dir, ENV PIP_NO_CACHE_DIR=1, or a cache mount.",
      dl3042),
    R("DL3060", INFO, "`yarn cache clean` missing after `yarn install` was run.",
      "yarn's cache stays in the layer. Fix: end the RUN with `yarn cache clean`, or use a "
      "cache mount.",
      dl3060),
    R("DL3062", WARNING,
      "Pin versions in go install. Instead of `go install <package>` use `go install "
      "<package>@<version>`",
      PIN "@latest is not a pin either. Fix: go install <package>@v1.2.3.", dl3062),
};

const lint_family lint_family_dl_pkg = {rules, sizeof(rules) / sizeof(rules[0])};
