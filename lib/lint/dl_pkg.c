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

/* RUN --mount=type=cache or type=tmpfs whose target contains `frag` (as
 * hadolint's hasCacheOrTmpfsMountWith). */
static bool cache_mount(const lint_ctx *ctx, size_t i, const char *frag)
{
    const hoist_df_instruction *ins = lint_ins(ctx, i);
    for (size_t f = 0; f < ins->flag_count; f++) {
        const hoist_df_flag *fl = &ins->flags[f];
        if (strcmp(fl->name, "mount") || !fl->value)
            continue;
        bool cache = false, target = false;
        for (const char *p = fl->value; *p;) {
            size_t n = strcspn(p, ",");
            if ((n == 10 && !strncmp(p, "type=cache", n)) || (n == 10 && !strncmp(p, "type=tmpfs", n)))
                cache = true;
            const char *eq = memchr(p, '=', n);
            if (eq && ((eq - p == 6 && !strncmp(p, "target", 6)) ||
                       (eq - p == 3 && !strncmp(p, "dst", 3)) ||
                       (eq - p == 11 && !strncmp(p, "destination", 11)))) {
                char t[1024];
                snprintf(t, sizeof(t), "%.*s", (int)(n - (size_t)(eq + 1 - p)), eq + 1);
                if (strstr(t, frag))
                    target = true;
            }
            p += n + (p[n] ? 1 : 0);
        }
        if (cache && target)
            return true;
    }
    return false;
}

/* Any argument of c equals one of `words` (hadolint's cmdHasArgs). */
static bool has_any_word(const lint_cmd *c, const char *const *words)
{
    for (size_t j = 0; words[j]; j++)
        if (lint_cmd_has_word(c, words[j]))
            return true;
    return false;
}

/* Index of the first command of s that is one of `names` with one of
 * `words` among its arguments, or -1. */
static long first_cmd(const lint_script *s, const char *const *names, const char *const *words)
{
    for (size_t k = 0; k < s->count; k++)
        if (is_cmd(&s->cmds[k], names) && has_any_word(&s->cmds[k], words))
            return (long)k;
    return -1;
}

/* hadolint's "clean after install" test: no install command, or the first
 * install comes before the first clean. */
static bool cleaned_after(const lint_script *s, const char *const *tools,
                          const char *const *install, const char *const *clean,
                          const char *rm_path)
{
    static const char *const rm[] = {"rm", NULL};
    long in = first_cmd(s, tools, install);
    if (in < 0)
        return true;
    long cl = first_cmd(s, tools, clean);
    if (rm_path) {
        const char *const rmw[] = {"-rf", rm_path, NULL};
        long r = first_cmd(s, rm, rmw);
        if (r >= 0 && (cl < 0 || r < cl))
            cl = r;
    }
    return cl >= 0 && in < cl;
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

/* hadolint's DL3009: a RUN that updates the package lists (apt, apt-get or
 * aptitude update) without an `rm -rf` (of the lists) or cache
 * mounts of the lists, in a stage that reaches an image. */
static void dl3009(lint_ctx *ctx)
{
    static const char *const apt[] = {"apt", "apt-get", "aptitude", NULL};
    static const char *const update[] = {"update", NULL};
    static const char *const rm[] = {"rm", NULL};
    static const char *const rmw[] = {"-rf", "/var/lib/apt/lists/*", NULL};
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        if (first_cmd(s, apt, update) < 0 || first_cmd(s, rm, rmw) >= 0)
            continue;
        if (cache_mount(ctx, i, "/var/lib/apt/lists") ||
            (cache_mount(ctx, i, "/var/lib/apt") && cache_mount(ctx, i, "/var/cache/apt")))
            continue;
        if (!lint_in_result_stage(ctx, i))
            continue;
        lint_report(ctx, (int)i, NULL, "end the RUN with: && rm -rf /var/lib/apt/lists/*",
                    "Delete the apt-get lists after installing something");
    }
}

static bool p3014(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!is_cmd(c, apt_get) || !sub_is(c, install_sub))
        return false;
    if (lint_cmd_has_flag(c, 'y', "--yes") || lint_cmd_has_flag(c, 0, "--assume-yes") ||
        lint_cmd_has_flag(c, 0, "--qq") || lint_cmd_has_word(c, "-q=2") ||
        lint_cmd_has_word(c, "--quiet=2"))
        return false;
    /* -q twice (-qq, -q -q) or --quiet --quiet: quiet level 2 implies -y. */
    size_t q = 0, quiet = 0;
    for (size_t k = 1; k < c->argc; k++) {
        const char *a = c->argv[k];
        if (!strcmp(a, "--quiet"))
            quiet++;
        else if (a[0] == '-' && a[1] != '-')
            for (const char *p = a + 1; *p && *p != '='; p++)
                q += *p == 'q';
    }
    return q != 2 && quiet != 2;
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
    return strpbrk(p, "=~<>") || lint_has_suffix(p, ".apk") || p[0] == '/' || p[0] == '.';
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
/* hadolint's isPipInstall: a pip* command (not pipenv) with an `install`
 * argument, or python* with `-m pip install`. */
static bool pip_install(const lint_cmd *c)
{
    const char *n = lint_cmd_name(c);
    if (lint_has_prefix(n, "pip") && !lint_has_prefix(n, "pipenv"))
        return lint_cmd_has_word(c, "install");
    if (!lint_has_prefix(n, "python"))
        return false;
    for (size_t k = 1; k + 2 < c->argc; k++)
        if (!strcmp(c->argv[k], "-m") && !strcmp(c->argv[k + 1], "pip") &&
            !strcmp(c->argv[k + 2], "install"))
            return true;
    return false;
}

/* Is argv[k] a flag named in `names` (without dashes: "t", "target") that
 * takes its value from the next word (no "=value")? */
static bool takes_next(const char *a, const char *const *names)
{
    if (a[0] != '-' || !a[1] || strchr(a, '='))
        return false;
    if (a[1] == '-') {
        for (size_t j = 0; names[j]; j++)
            if (!strcmp(a + 2, names[j]))
                return true;
        return false;
    }
    for (const char *q = a + 1; *q; q++)
        for (size_t j = 0; names[j]; j++)
            if (names[j][0] == *q && !names[j][1])
                return true;
    return false;
}

/* hadolint's getArgsNoFlags after dropFlagArg(valued): the words after
 * argv[0] that are not flags ("-" and "--" count as words), without the
 * values of the `valued` flags. Returns a malloc'd array of pointers into
 * argv. */
static const char **plain_args(const lint_cmd *c, const char *const *valued, size_t *n)
{
    const char **v = calloc(c->argc + 1, sizeof(*v));
    *n = 0;
    if (!v)
        return NULL;
    for (size_t k = 1; k < c->argc; k++) {
        const char *a = c->argv[k];
        if (valued && takes_next(a, valued)) {
            k++;
            continue;
        }
        if (a[0] == '-' && a[1] && strcmp(a, "--"))
            continue;
        v[(*n)++] = a;
    }
    return v;
}

static const char *const pip_valued[] = {
    "abi", "b", "build", "e", "editable", "extra-index-url", "f", "find-links", "i",
    "index-url", "implementation", "no-binary", "only-binary", "platform", "prefix",
    "progress-bar", "proxy", "python", "python-version", "root", "root-user-action", "src",
    "t", "target", "trusted-host", "upgrade-strategy", NULL};

static bool pip_vcs(const char *p)
{
    static const char *const schemes[] = {"git", "hg+", "svn", "bzr+", NULL};
    for (size_t k = 0; schemes[k]; k++)
        if (lint_has_prefix(p, schemes[k]))
            return true;
    return false;
}

/* Pinned as hadolint sees it: a version operator, a VCS URL with @ref, a
 * local wheel or sdist, or a path (a '/' outside a VCS URL). */
static bool pip_pinned(const char *p)
{
    static const char *const ops[] = {"==", ">=", "<=", ">", "<", "!=", "~=", NULL};
    for (size_t k = 0; ops[k]; k++)
        if (strstr(p, ops[k]))
            return true;
    if (pip_vcs(p))
        return strchr(p, '@') != NULL;
    return lint_has_suffix(p, ".whl") || lint_has_suffix(p, ".tar.gz") || strchr(p, '/');
}

static bool p3013(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    if (!pip_install(c) || lint_cmd_has_flag(c, 'c', "--constraint") ||
        lint_cmd_has_word(c, "--requirement") || lint_cmd_has_word(c, "-r") ||
        lint_cmd_has_word(c, "."))
        return false;
    size_t n;
    _cleanup_free_ const char **ops = plain_args(c, pip_valued, &n);
    size_t k = 0;
    while (k < n && strcmp(ops[k], "install"))
        k++;
    while (k < n && !strcmp(ops[k], "install"))
        k++;
    for (; k < n; k++)
        if (!pip_pinned(ops[k]) && ops[k][0] != '$') {
            *what = ops[k];
            return true;
        }
    return false;
}

static void dl3013(lint_ctx *ctx)
{
    each_run(ctx, p3013, "pin it: pip install <package>==<version>", "Pin versions in pip");
}

static const char *const truthy[] = {"1",  "true", "True", "TRUE", "on", "On",
                                     "ON", "yes",  "Yes",  "YES",  NULL};

static bool is_truthy(const char *v, bool prefix)
{
    for (size_t k = 0; truthy[k]; k++)
        if (prefix ? lint_has_prefix(v, truthy[k]) : !strcmp(v, truthy[k]))
            return true;
    return false;
}

/* The key of a stage as hadolint's DL3042 names it: its alias, else its
 * image. */
static const char *stage_key(const hoist_df_instruction *from)
{
    const char *a = lint_from_alias(from);
    return a ? a : from->arg_count ? from->args[0].value : "";
}

/* PIP_NO_CACHE_DIR set to a true value by an ENV of `stage` before `before`,
 * or inherited from the stage it is built FROM. */
static bool pip_no_cache_env(const lint_ctx *ctx, int stage, size_t before, int depth)
{
    const hoist_df_instruction *from = NULL;
    size_t from_at = 0;
    for (size_t j = 0; j < before && j < ctx->n; j++) {
        if (lint_ins_top(ctx, j)->stage != stage)
            continue;
        const hoist_df_instruction *d = lint_ins(ctx, j);
        if (d->kind == HOIST_DF_FROM && !from) {
            from = d;
            from_at = j;
        }
        if (d->kind != HOIST_DF_ENV)
            continue;
        for (size_t p = 0; p < d->pair_count; p++)
            if (!strcmp(d->pairs[p].key, "PIP_NO_CACHE_DIR") && d->pairs[p].value &&
                is_truthy(d->pairs[p].value, false))
                return true;
    }
    if (!from || depth > 32 || !from->arg_count)
        return false;
    for (size_t j = from_at; j-- > 0;) {
        const hoist_df_instruction *f = lint_ins_top(ctx, j);
        if (f->kind == HOIST_DF_FROM && !strcmp(stage_key(f), from->args[0].value))
            return pip_no_cache_env(ctx, f->stage, ctx->n, depth + 1);
    }
    return false;
}

static bool pip_wrapper(const lint_cmd *c)
{
    const char *n = lint_cmd_name(c);
    if (strstr(n, "pipx") || strstr(n, "pipenv"))
        return true;
    if (!lint_has_prefix(n, "python"))
        return false;
    for (size_t k = 1; k + 1 < c->argc; k++)
        if (!strcmp(c->argv[k], "-m") &&
            (!strcmp(c->argv[k + 1], "pipx") || !strcmp(c->argv[k + 1], "pipenv")))
            return true;
    return false;
}

static void dl3042(lint_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        bool forgot = false;
        for (size_t k = 0; k < s->count && !forgot; k++) {
            const lint_cmd *c = &s->cmds[k];
            forgot = pip_install(c) && !lint_cmd_has_word(c, "--no-cache-dir") && !pip_wrapper(c);
        }
        if (!forgot || cache_mount(ctx, i, ".cache/pip"))
            continue;
        /* PIP_NO_CACHE_DIR=<true> anywhere in the script (export, prefix). */
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        const char *set = ins->raw_args ? strstr(ins->raw_args, "PIP_NO_CACHE_DIR=") : NULL;
        if (set && is_truthy(strchr(set, '=') + 1, true))
            continue;
        if (pip_no_cache_env(ctx, lint_stage_of(ctx, i), i, 0))
            continue;
        lint_report(ctx, (int)i, NULL, "pip install --no-cache-dir ...",
                    "Avoid use of cache directory with pip. Use `pip install --no-cache-dir "
                    "<package>`");
    }
}

/* ------------------------------------------------------------------ npm */
/* hadolint's npm pinning: a git URL needs #<commit>; tarballs and paths
 * are pinned; anything else needs @<version> after the @scope/. */
static bool npm_pinned(const char *p)
{
    static const char *const git[] = {"git://", "git+ssh://", "git+http://", "git+https://", NULL};
    for (size_t k = 0; git[k]; k++)
        if (lint_has_prefix(p, git[k]))
            return strchr(p, '#') != NULL;
    if (lint_has_suffix(p, ".tar") || lint_has_suffix(p, ".tar.gz") || lint_has_suffix(p, ".tgz"))
        return true;
    if (p[0] == '/' || lint_has_prefix(p, "./") || lint_has_prefix(p, "../") ||
        lint_has_prefix(p, "~/"))
        return true;
    const char *q = p;
    if (*q == '@')
        while (*q && *q > '/')
            q++;
    return strchr(q, '@') != NULL;
}

static bool p3016(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const subs[] = {"install", "i", "add", "isntall", NULL};
    static const char *const npm[] = {"npm", NULL};
    static const char *const valued[] = {"loglevel", "registry", "prefix", "cache", NULL};
    if (!is_cmd(c, npm))
        return false;
    size_t n;
    _cleanup_free_ const char **ops = plain_args(c, valued, &n);
    bool install = false;
    for (size_t j = 0; n && subs[j]; j++)
        install |= !strcmp(ops[0], subs[j]);
    if (!install)
        return false;
    for (size_t k = 1; k < n; k++)
        if (!npm_pinned(ops[k]) && ops[k][0] != '$') {
            *what = ops[k];
            return true;
        }
    return false;
}

static void dl3016(lint_ctx *ctx)
{
    each_run(ctx, p3016, "pin it: npm install <package>@<version>", "Pin versions in npm");
}

/* ------------------------------------------------------------------ gem */
/* hadolint's reading of `gem install`/`gem i`: no -v/--version; the words
 * before `--`, an option dropping the word after it, need a :version. */
static bool p3028(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const gem[] = {"gem", NULL};
    static const char *const subs[] = {"install", "i", NULL};
    if (!is_cmd(c, gem) || !has_any_word(c, subs))
        return false;
    if (lint_cmd_has_word(c, "-v") || lint_cmd_has_word(c, "--version"))
        return false;
    for (size_t k = 1; k < c->argc; k++)
        if (lint_has_prefix(c->argv[k], "--version="))
            return false;
    for (size_t k = 1; k < c->argc && strcmp(c->argv[k], "--"); k++) {
        const char *a = c->argv[k];
        if (a[0] == '-') {
            k++;
            continue;
        }
        if (strcmp(a, "install") && strcmp(a, "i") && !strchr(a, ':') &&
            !lint_has_suffix(a, ".gem") && a[0] != '$') {
            *what = a;
            return true;
        }
    }
    return false;
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

/* hadolint's version test for yum/dnf packages: name-version with the
 * parts after the first '-' made of version characters, one starting with
 * a digit; an .rpm file; or a variable set by an ARG or by an ENV of the
 * stage (or of the stage it is built FROM). */
static bool rpm_version_like(const char *p)
{
    const char *d = strchr(p, '-');
    bool digit = false;
    for (const char *q = d + 1;; q++) {
        if (q == d + 1 || q[-1] == '-')
            digit |= isdigit((unsigned char)*q) != 0;
        if (!*q)
            break;
        if (*q != '-' && !isalnum((unsigned char)*q) && !strchr(".~^_:+", *q))
            return false;
    }
    return digit;
}

static void var_seen(void *ud, const char *name, size_t len)
{
    void **u = ud;
    const lint_ctx *ctx = u[0];
    size_t i = *(size_t *)u[1];
    char n[256];
    snprintf(n, sizeof(n), "%.*s", (int)len, name);
    if (lint_var_defined(ctx, i, n, true))
        *(bool *)u[2] = true;
}

static bool rpm_fixed(const lint_ctx *ctx, size_t i, const char *p)
{
    if (!strchr(p, '-'))
        return false;
    if (lint_has_suffix(p, ".rpm"))
        return true;
    if (strchr(p, '$')) {
        bool found = false;
        void *u[3] = {(void *)ctx, &i, &found};
        lint_each_var(p, '\\', var_seen, u);
        return found;
    }
    return rpm_version_like(p);
}

/* First unpinned package (or module without a :stream) of a yum/dnf
 * install, as hadolint reads it: every non-flag argument of a command that
 * has an `install` argument, except the words install and module. */
static const char *rpm_unpinned(const lint_cmd *c, const lint_ctx *ctx, size_t i,
                                const char *const *tools, bool dnf_group)
{
    static const char *const install[] = {"install", NULL};
    static const char *const module[] = {"module", NULL};
    static const char *const modgroup[] = {"module", "group", NULL};
    if (!is_cmd(c, tools) || !has_any_word(c, install))
        return NULL;
    bool is_module = has_any_word(c, module);
    bool skip = has_any_word(c, dnf_group ? modgroup : module);
    for (size_t k = 1; k < c->argc; k++) {
        const char *a = c->argv[k];
        if ((a[0] == '-' && a[1]) || !strcmp(a, "install") || !strcmp(a, "module"))
            continue;
        if (is_module ? !strchr(a, ':') : (!skip && !rpm_fixed(ctx, i, a)))
            return a;
    }
    return NULL;
}

static bool p3033(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    *what = rpm_unpinned(c, ctx, i, yum, false);
    return *what != NULL;
}

static bool p3041(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    *what = rpm_unpinned(c, ctx, i, dnf, true);
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

/* `<tool> clean all` (`zypper clean`) after the install in the same RUN,
 * the cache removed, or mounted as a cache or tmpfs (hadolint's tests: a
 * clean before the install does not count). */
static void clean_rule(lint_ctx *ctx, const char *const *tools, const char *const *install,
                       const char *const *clean, const char *rm_path,
                       const char *const *mounts, const char *hint, const char *msg)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        /* Each tool is cleaned by itself (`dnf install && microdnf clean
         * all` leaves dnf's cache). */
        bool ok = true;
        for (size_t t = 0; tools[t]; t++) {
            const char *const one[] = {tools[t], NULL};
            ok &= cleaned_after(s, one, install, clean, rm_path);
        }
        if (ok)
            continue;
        bool mounted = false;
        for (size_t m = 0; mounts && mounts[m]; m++)
            mounted |= cache_mount(ctx, i, mounts[m]);
        if (!mounted)
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
    static const char *const install[] = {"install", NULL};
    static const char *const clean[] = {"clean", "all", NULL};
    clean_rule(ctx, yum, install, clean, "/var/cache/yum/*", NULL,
               "end the RUN with: && yum clean all", "`yum clean all` missing after yum command.");
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
    static const char *const install[] = {"install", "in", NULL};
    static const char *const clean[] = {"clean", "cc", NULL};
    static const char *const mounts[] = {"/var/cache/zypp", NULL};
    clean_rule(ctx, zypper, install, clean, NULL, mounts, "end the RUN with: && zypper clean",
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
    static const char *const install[] = {"install", "in", "upgrade", "up", "upgrade-minimal",
                                          "up-min", "reinstall", "rei", NULL};
    static const char *const clean[] = {"clean", "all", NULL};
    static const char *const mounts[] = {"/var/cache/libdnf5", ".cache/libdnf5", NULL};
    clean_rule(ctx, dnf, install, clean, "/var/cache/libdnf5*", mounts,
               "end the RUN with: && dnf clean all", "`dnf clean all` missing after dnf command.");
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
        long install = -1, clean = -1;
        for (size_t k = 0; k < s->count; k++) {
            const lint_cmd *c = &s->cmds[k];
            if (!lint_cmd_is(c, "yarn"))
                continue;
            size_t sub = lint_cmd_subcommand(c);
            if (lint_cmd_has_word(c, "cache") || lint_cmd_has_word(c, "clean")) {
                if (clean < 0)
                    clean = (long)k;
            } else if (!sub || !strcmp(c->argv[sub], "install") || !strcmp(c->argv[sub], "add")) {
                if (install < 0)
                    install = (long)k;
            }
        }
        /* No clean (and no cache mount), or a clean before the install. */
        bool forgot = install >= 0 && ((clean < 0 && !cache_mount(ctx, i, ".cache/yarn")) ||
                                       (clean >= 0 && clean < install));
        if (forgot && lint_in_result_stage(ctx, i))
            lint_report(ctx, (int)i, NULL, "end the RUN with: && yarn cache clean",
                        "`yarn cache clean` missing after `yarn install` was run.");
    }
}

/* hadolint's go pinning: a local path, or @<version> other than @latest
 * and @none. */
static bool go_pinned(const char *p)
{
    if (p[0] == '.' || p[0] == '/')
        return true;
    return strchr(p, '@') && !lint_has_suffix(p, "@latest") && !lint_has_suffix(p, "@none");
}

/* The package words of `go run` (the word after run: later ones are the
 * program's arguments) or, without a run, of `go install`/`go get`. Flags
 * that take a value drop it. */
static bool p3062(const lint_cmd *c, const lint_ctx *ctx, size_t i, const char **what)
{
    static const char *const valued[] = {"-o", "-tags", "-ldflags", "-gcflags", "-asmflags",
                                         "-p", "-modfile", "-mod", "-C", "-exec", "-pkgdir",
                                         "-toolexec", NULL};
    const lint_script *s = lint_run_script(ctx, i);
    bool any_run = false;
    for (size_t k = 0; k < s->count; k++)
        any_run |= lint_cmd_is(&s->cmds[k], "go") && lint_cmd_has_word(&s->cmds[k], "run");
    if (!lint_cmd_is(c, "go"))
        return false;
    bool run = lint_cmd_has_word(c, "run");
    if (any_run ? !run
                : !(lint_cmd_has_word(c, "install") || lint_cmd_has_word(c, "get")))
        return false;
    size_t idx = 0;
    for (size_t k = 1; k < c->argc; k++) {
        const char *a = c->argv[k];
        if (a[0] == '-') {
            for (size_t v = 0; valued[v]; v++)
                if (!strcmp(a, valued[v]))
                    k++;
            continue;
        }
        if (any_run) {
            if (idx++ > 1)
                break;
            if (!strcmp(a, "run"))
                continue;
        } else if (!strcmp(a, "install") || !strcmp(a, "get") || !strcmp(a, "tool")) {
            continue;
        }
        if (!go_pinned(a) && a[0] != '$') {
            *what = a;
            return true;
        }
    }
    return false;
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
      "apt-get (apt, aptitude) update leaves tens of megabytes of package lists in the "
      "layer. Reported in stages that reach an image (the last stage, stages used by FROM, "
      "ONBUILD triggers). Fix: end the same RUN with `rm -rf /var/lib/apt/lists/*`, or use "
      "cache mounts on /var/lib/apt/lists (or /var/lib/apt and /var/cache/apt).",
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
