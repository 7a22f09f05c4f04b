/*
 * hs_cache.c - hoist's layer-cache rules (HS011-HS013): a build that will
 * miss its cache more often than it needs to, reported only when this
 * Dockerfile and this context make it happen.
 *
 * The model the rules reason with (docs/rules.md gives its sources, moby's
 * builder and BuildKit's Dockerfile frontend, and the experiment that
 * confirms it): a step's cache key includes its parent's, so the first step
 * of a stage that misses reruns every step after it. A COPY/ADD misses when
 * a file it copies changes. A RUN misses when its command or its
 * environment changes, and the value of every build-arg declared (ARG)
 * above it in the stage is in that environment, with BuildKit as with the
 * classic builder. With the classic builder an instruction that only
 * changes the image config (LABEL, ENV, ...) also makes every later step
 * miss when its value changes; with BuildKit it does not.
 *
 *  HS011  COPY of the whole context (or of the directory that holds the
 *         dependency manifests) above the dependency install: the
 *         manifests are in the context, so copying them alone first would
 *         let the install layer be reused. The finding names the manifests
 *         and the COPY/RUN/COPY lines of the fix. Needs the context.
 *  HS012  A build-arg that changes on every build (a date, a commit, a
 *         build number) declared above RUN steps that do not use it.
 *  HS013  Files that change between builds (.git, logs, build output,
 *         caches, editor files, .env) reach a COPY because the ignore file
 *         does not exclude them. Needs the context; the suggested ignore
 *         lines are checked with the matcher the build uses (lib/ignore).
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PATH_LEN 1024

/* ------------------------------------------------------------ paths */

static const lint_ctx_entry *find_entry(const lint_ctx *ctx, const char *path)
{
    for (size_t i = 0; i < ctx->entry_count; i++)
        if (!strcmp(ctx->entries[i].path, path))
            return &ctx->entries[i];
    return NULL;
}

/* A file (dir false) or a directory (dir true) at `path` that the context
 * sends. */
static bool sent(const lint_ctx *ctx, const char *path, bool dir)
{
    const lint_ctx_entry *e = find_entry(ctx, path);
    return e && !e->excluded && e->dir == dir;
}

/* Normalise a '/'-separated path: no empty or "." components, ".." resolved
 * (never above the start), no trailing '/'. An absolute path keeps its
 * leading '/' ("/" for the root); a relative one may become "". */
static void path_norm(const char *in, char *out, size_t size)
{
    size_t w = 0, base = 0;
    if (in[0] == '/')
        out[w++] = '/';
    base = w;
    out[w] = '\0';
    for (const char *p = in; *p;) {
        while (*p == '/')
            p++;
        const char *e = p;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - p);
        if (!n)
            break;
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (w > base && out[w - 1] != '/')
                w--;
            if (w > base)
                w--;
            out[w] = '\0';
        } else if (!(n == 1 && p[0] == '.') && w + n + 2 < size) {
            if (w > base)
                out[w++] = '/';
            memcpy(out + w, p, n);
            w += n;
            out[w] = '\0';
        }
        p = e;
    }
}

/* `p` relative to `dir` (an absolute `p` stands alone), normalised. */
static void path_join(const char *dir, const char *p, char *out, size_t size)
{
    char tmp[2 * PATH_LEN + 2];
    if (p[0] == '/' || !dir || !dir[0])
        snprintf(tmp, sizeof(tmp), "%s", p);
    else
        snprintf(tmp, sizeof(tmp), "%s/%s", dir, p);
    path_norm(tmp, out, size);
}

/* Is normalised `p` the directory `dir` or inside it? *rest is then what
 * follows ("" or "a/b"). dir "" is the root of a relative tree. */
static bool path_under(const char *p, const char *dir, const char **rest)
{
    if (!dir[0] || !strcmp(dir, "/")) {
        if (dir[0] && p[0] != '/')
            return false;
        *rest = dir[0] ? p + 1 : p;
        return true;
    }
    size_t n = strlen(dir);
    if (strncmp(p, dir, n) || (p[n] && p[n] != '/'))
        return false;
    *rest = p[n] ? p + n + 1 : p + n;
    return true;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* ------------------------------------------------------------ stages */

static size_t stage_end(const lint_ctx *ctx, int stage)
{
    if (stage >= 0 && (size_t)stage < ctx->stage_count)
        return ctx->stages[stage].first_instruction + ctx->stages[stage].instruction_count;
    size_t j = 0;
    while (j < ctx->n && lint_ins_top(ctx, j)->stage != stage)
        j++;
    while (j < ctx->n && lint_ins_top(ctx, j)->stage == stage)
        j++;
    return j;
}

/* The working directory of `stage` before instruction `end`, as its
 * WORKDIR lines (and those of the stage it is built FROM) set it: true with
 * an absolute path in out, false when unknown (the base image's, or a
 * variable). */
static bool stage_workdir(const lint_ctx *ctx, int stage, size_t end, char *out, size_t size,
                          int depth)
{
    bool known = false;
    out[0] = '\0';
    if (stage < 0 || (size_t)stage >= ctx->stage_count || depth > 64)
        return false;
    const hoist_df_stage *st = &ctx->stages[stage];
    if (st->base_kind == HOIST_DF_BASE_STAGE && st->base_stage >= 0 && st->base_stage < stage)
        known = stage_workdir(ctx, st->base_stage, stage_end(ctx, st->base_stage), out, size,
                              depth + 1);
    size_t stop = stage_end(ctx, stage);
    if (end < stop)
        stop = end;
    for (size_t j = st->first_instruction + 1; j < stop; j++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, j);
        if (ins->kind != HOIST_DF_WORKDIR || ins->arg_count < 1)
            continue;
        char w[PATH_LEN], t[PATH_LEN];
        lint_strip_quotes(ins->args[0].value, w, sizeof(w));
        if (strchr(w, '$')) {
            known = false;
        } else if (w[0] == '/') {
            path_norm(w, out, size);
            known = true;
        } else if (known) {
            path_join(out, w, t, sizeof(t));
            snprintf(out, size, "%s", t);
        }
    }
    if (!known)
        out[0] = '\0';
    return known;
}

/* ------------------------------------------------------------ variables */

typedef struct var_ud {
    const char *name;
    bool found;
} var_ud;

static void var_seen(void *ud, const char *name, size_t len)
{
    var_ud *u = ud;
    if (strlen(u->name) == len && !strncmp(u->name, name, len))
        u->found = true;
}

/* Does instruction `ins` reference $name (its text, flags and heredocs)? */
static bool ins_uses_var(const lint_ctx *ctx, const hoist_df_instruction *ins, const char *name)
{
    char esc = hoist_dockerfile_escape(ctx->df);
    var_ud u = {name, false};
    if (ins->original)
        lint_each_var(ins->original, esc, var_seen, &u);
    for (size_t h = 0; !u.found && h < ins->heredoc_count; h++)
        if (ins->heredocs[h].content)
            lint_each_var(ins->heredocs[h].content, esc, var_seen, &u);
    return u.found;
}

/* ------------------------------------------------------------ installs */

typedef enum eco {
    ECO_NODE,
    ECO_PIP,
    ECO_POETRY,
    ECO_UV,
    ECO_PIPENV,
    ECO_GO,
    ECO_CARGO,
    ECO_MAVEN,
    ECO_GRADLE,
    ECO_BUNDLER,
    ECO_COMPOSER,
    ECO_COUNT
} eco;

/* The manifests an install reads, in the directory it runs in: every
 * `required` entry must be there (alternatives separated by '|'); the
 * `optional` ones are copied too when present (a trailing '/' names a
 * directory). pip's are the -r/-c files its command names. */
static const struct {
    const char *required[2];
    const char *optional[12];
} manifests[ECO_COUNT] = {
    [ECO_NODE] = {{"package.json"},
                  {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
                   "bun.lock", "bun.lockb", ".npmrc", ".yarnrc", ".yarnrc.yml",
                   "pnpm-workspace.yaml", ".yarn/releases/", ".yarn/patches/"}},
    [ECO_PIP] = {{NULL}, {NULL}},
    [ECO_POETRY] = {{"pyproject.toml"}, {"poetry.lock", "poetry.toml"}},
    [ECO_UV] = {{"pyproject.toml"}, {"uv.lock", ".python-version"}},
    [ECO_PIPENV] = {{"Pipfile"}, {"Pipfile.lock"}},
    [ECO_GO] = {{"go.mod"}, {"go.sum"}},
    [ECO_CARGO] = {{"Cargo.toml", "Cargo.lock"}, {NULL}},
    [ECO_MAVEN] = {{"pom.xml"}, {"mvnw", ".mvn/"}},
    [ECO_GRADLE] = {{"build.gradle|build.gradle.kts"},
                    {"settings.gradle", "settings.gradle.kts", "gradle.properties", "gradlew",
                     "gradle/"}},
    [ECO_BUNDLER] = {{"Gemfile"}, {"Gemfile.lock"}},
    [ECO_COMPOSER] = {{"composer.json"}, {"composer.lock"}},
};

#define MAX_REQ 4

typedef struct install {
    eco eco;
    const lint_cmd *cmd;
    bool build;              /* a build that downloads what it lacks (go build,
                                cargo build, mvn package...), not an install */
    char cd[PATH_LEN];       /* where a `cd` earlier in the RUN moved ("" none) */
    const char *req[MAX_REQ]; /* pip: the -r/-c files, as written */
    size_t req_count;
} install;

static bool is_versioned(const char *name, const char *prog)
{
    size_t n = strlen(prog);
    if (strncmp(name, prog, n))
        return false;
    for (const char *p = name + n; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return false;
    return true;
}

static bool argv_has(const lint_cmd *c, size_t from, const char *word)
{
    for (size_t i = from; i < c->argc; i++)
        if (!strcmp(c->argv[i], word))
            return true;
    return false;
}

/* pip's -r/-c files from argv[from...]; false when there is none or one is
 * a variable. */
static bool pip_requirements(const lint_cmd *c, size_t from, install *in)
{
    static const char *const opts[] = {"-r", "--requirement", "-c", "--constraint"};
    for (size_t i = from; i < c->argc; i++) {
        const char *a = c->argv[i], *file = NULL;
        for (size_t o = 0; o < 4 && !file; o++) {
            size_t n = strlen(opts[o]);
            if (!strcmp(a, opts[o]) && i + 1 < c->argc)
                file = c->argv[++i];
            else if (!strncmp(a, opts[o], n) && a[n] == '=' && opts[o][1] == '-')
                file = a + n + 1;
            else if (!strncmp(a, opts[o], n) && a[n] && opts[o][1] != '-')
                file = a + n;
        }
        if (!file)
            continue;
        if (strchr(file, '$') || strstr(file, "://") || in->req_count == MAX_REQ)
            return false;
        in->req[in->req_count++] = file;
    }
    return in->req_count > 0;
}

/* Is command c a dependency install (or a build that downloads)? Fills
 * in->eco, in->build and pip's files. */
static bool classify(const lint_cmd *c, install *in)
{
    const char *n = lint_cmd_name(c);
    size_t sub = lint_cmd_subcommand(c);
    const char *s = sub ? c->argv[sub] : "";
    static const char *const npm_valued[] = {"--prefix", "-w", "--workspace", "--omit",
                                             "--include", "--registry", "--cache", NULL};
    in->build = false;
    in->req_count = 0;
    if (!strcmp(n, "npm") || !strcmp(n, "pnpm") || !strcmp(n, "bun")) {
        if (lint_cmd_has_flag(c, 'g', "--global"))
            return false;
        in->eco = ECO_NODE;
        if (!strcmp(s, "ci") || !strcmp(s, "clean-install") || !strcmp(s, "fetch"))
            return true;
        /* `npm install express` adds a package: not an install from the
         * manifests. */
        return (!strcmp(s, "install") || !strcmp(s, "i")) &&
               !lint_cmd_next_operand(c, npm_valued, 0);
    }
    if (!strcmp(n, "yarn")) {
        in->eco = ECO_NODE;
        return !sub || !strcmp(s, "install");
    }
    if (is_versioned(n, "pip") || (is_versioned(n, "python") && c->argc > 3 &&
                                   !strcmp(c->argv[1], "-m") && !strcmp(c->argv[2], "pip"))) {
        size_t k = is_versioned(n, "pip") ? sub : 3;
        in->eco = ECO_PIP;
        return k && !strcmp(c->argv[k], "install") && pip_requirements(c, k + 1, in);
    }
    if (!strcmp(n, "uv")) {
        if (!strcmp(s, "sync")) {
            in->eco = ECO_UV;
            return true;
        }
        in->eco = ECO_PIP;
        return !strcmp(s, "pip") && sub + 1 < c->argc && !strcmp(c->argv[sub + 1], "install") &&
               pip_requirements(c, sub + 2, in);
    }
    if (!strcmp(n, "poetry") || !strcmp(n, "pipenv")) {
        in->eco = n[1] == 'o' ? ECO_POETRY : ECO_PIPENV;
        return !strcmp(s, "install") || !strcmp(s, "sync");
    }
    if (!strcmp(n, "go")) {
        in->eco = ECO_GO;
        if (!strcmp(s, "mod"))
            return sub + 1 < c->argc && !strcmp(c->argv[sub + 1], "download");
        if (!strcmp(s, "build") || !strcmp(s, "install")) {
            for (size_t i = sub + 1; i < c->argc; i++)
                if (strchr(c->argv[i], '@')) /* go install pkg@version */
                    return false;
            in->build = true;
            return true;
        }
        return false;
    }
    if (!strcmp(n, "cargo")) {
        in->eco = ECO_CARGO;
        in->build = !strcmp(s, "build");
        return in->build || !strcmp(s, "fetch");
    }
    if (!strcmp(n, "mvn") || !strcmp(n, "mvnw")) {
        in->eco = ECO_MAVEN;
        if (argv_has(c, 1, "dependency:go-offline") || argv_has(c, 1, "dependency:resolve"))
            return true;
        in->build = argv_has(c, 1, "package") || argv_has(c, 1, "install") ||
                    argv_has(c, 1, "verify") || argv_has(c, 1, "compile");
        return in->build;
    }
    if (!strcmp(n, "gradle") || !strcmp(n, "gradlew")) {
        in->eco = ECO_GRADLE;
        if (argv_has(c, 1, "dependencies"))
            return true;
        in->build = argv_has(c, 1, "build") || argv_has(c, 1, "assemble") ||
                    argv_has(c, 1, "bootJar") || argv_has(c, 1, "installDist") ||
                    argv_has(c, 1, "jar") || argv_has(c, 1, "shadowJar");
        return in->build;
    }
    if (!strcmp(n, "bundle") || !strcmp(n, "composer")) {
        in->eco = n[0] == 'b' ? ECO_BUNDLER : ECO_COMPOSER;
        return !strcmp(s, "install");
    }
    return false;
}

typedef void (*install_fn)(lint_ctx *ctx, size_t run, const install *in, void *ud);

/* Every install of RUN instruction `run`, with the directory a `cd` before
 * it in the same RUN moved to. Stops at a `cd` it cannot follow. */
static void each_install(lint_ctx *ctx, size_t run, install_fn fn, void *ud)
{
    const lint_script *s = lint_run_script(ctx, run);
    install in;
    memset(&in, 0, sizeof(in));
    for (size_t k = 0; k < s->count; k++) {
        const lint_cmd *c = &s->cmds[k];
        if (lint_cmd_is(c, "cd")) {
            if (c->argc < 2 || strchr(c->argv[1], '$') || !strcmp(c->argv[1], "-"))
                return;
            char t[PATH_LEN];
            path_join(in.cd, c->argv[1], t, sizeof(t));
            snprintf(in.cd, sizeof(in.cd), "%s", t);
            continue;
        }
        if (!classify(c, &in))
            continue;
        in.cmd = c;
        fn(ctx, run, &in, ud);
    }
}

/* ------------------------------------------------------------ HS011 */

#define MAX_FILES 16

typedef struct found {
    char path[MAX_FILES][PATH_LEN]; /* context paths */
    char rel[MAX_FILES][PATH_LEN];  /* the same, relative to where the install runs */
    bool dir[MAX_FILES];
    size_t count;
} found;

static void found_add(found *f, const char *path, const char *rel, bool dir)
{
    if (f->count == MAX_FILES)
        return;
    snprintf(f->path[f->count], PATH_LEN, "%s", path);
    snprintf(f->rel[f->count], PATH_LEN, "%s", rel);
    f->dir[f->count++] = dir;
}

/* Where the install looks, and what it finds there, through one COPY. */
typedef struct mapping {
    char src[PATH_LEN];        /* the COPY source: context directory ("" root) */
    char dest[PATH_LEN];       /* image directory it lands in (maybe virtual) */
    char run_dir[PATH_LEN];    /* image directory the install runs in */
    char ctx_dir[PATH_LEN];    /* the context directory that is */
    char copy_wd[PATH_LEN];    /* workdir at the COPY; "" unknown */
} mapping;

/* A destination we cannot name (a variable, a relative path under an
 * unknown workdir): the install is taken to run where the files landed. */
static const char virtual_dest[] = "/.hoist-copy-destination";

/* Map the install `in` of RUN `run` through COPY instruction `cp`, source
 * `src`: false when the install does not run under where it copied. */
static bool map_install(const lint_ctx *ctx, size_t cp, const char *src, size_t run,
                        const install *in, mapping *m)
{
    const hoist_df_instruction *ins = lint_ins_top(ctx, cp);
    char wd_run[PATH_LEN], d0[PATH_LEN];
    bool copy_wd = stage_workdir(ctx, ins->stage, cp, m->copy_wd, sizeof(m->copy_wd), 0);
    bool run_wd = stage_workdir(ctx, ins->stage, run, wd_run, sizeof(wd_run), 0);
    lint_strip_quotes(ins->args[ins->arg_count - 1].value, d0, sizeof(d0));
    bool dest_known = !strchr(d0, '$') && (d0[0] == '/' || copy_wd);
    if (dest_known)
        path_join(copy_wd ? m->copy_wd : "/", d0, m->dest, sizeof(m->dest));
    else
        snprintf(m->dest, sizeof(m->dest), "%s", virtual_dest);
    path_join(run_wd && dest_known ? wd_run : m->dest, in->cd, m->run_dir, sizeof(m->run_dir));
    const char *rest;
    if (!path_under(m->run_dir, m->dest, &rest))
        return false;
    snprintf(m->src, sizeof(m->src), "%s", src);
    path_join(src, rest, m->ctx_dir, sizeof(m->ctx_dir));
    return true;
}

/* The manifests of `in` in the context, as the install would read them
 * through mapping m; false when a required one is missing. */
static bool find_manifests(const lint_ctx *ctx, const install *in, const mapping *m, found *f)
{
    char p[PATH_LEN];
    f->count = 0;
    if (in->eco == ECO_PIP) {
        for (size_t r = 0; r < in->req_count; r++) {
            char ip[PATH_LEN];
            const char *rest;
            path_join(m->run_dir, in->req[r], ip, sizeof(ip));
            if (!path_under(ip, m->dest, &rest))
                return false;
            path_join(m->src, rest, p, sizeof(p));
            if (!sent(ctx, p, false))
                return false;
            const char *rel;
            if (!path_under(ip, m->run_dir, &rel))
                rel = in->req[r];
            found_add(f, p, rel, false);
        }
        return true;
    }
    for (size_t r = 0; r < 2 && manifests[in->eco].required[r]; r++) {
        char alts[256];
        snprintf(alts, sizeof(alts), "%s", manifests[in->eco].required[r]);
        bool ok = false;
        char *save = NULL;
        for (char *a = strtok_r(alts, "|", &save); a && !ok; a = strtok_r(NULL, "|", &save)) {
            path_join(m->ctx_dir, a, p, sizeof(p));
            if ((ok = sent(ctx, p, false)))
                found_add(f, p, a, false);
        }
        if (!ok)
            return false;
    }
    for (size_t o = 0; o < 12 && manifests[in->eco].optional[o]; o++) {
        char name[256];
        snprintf(name, sizeof(name), "%s", manifests[in->eco].optional[o]);
        size_t n = strlen(name);
        bool dir = n && name[n - 1] == '/';
        if (dir)
            name[n - 1] = '\0';
        path_join(m->ctx_dir, name, p, sizeof(p));
        if (sent(ctx, p, dir))
            found_add(f, p, name, dir);
    }
    if (in->eco == ECO_GO && in->build) {
        /* go build downloads only when there are modules to download and
         * they are not vendored. */
        path_join(m->ctx_dir, "go.sum", p, sizeof(p));
        if (!sent(ctx, p, false))
            return false;
        path_join(m->ctx_dir, "vendor/modules.txt", p, sizeof(p));
        if (sent(ctx, p, false))
            return false;
    }
    return true;
}

/* A COPY (no --from) at index j that copies context file `path` by name or
 * glob (not as part of a directory). */
static bool copies_file(const lint_ctx *ctx, size_t j, const char *path)
{
    const hoist_df_instruction *ins = lint_ins_top(ctx, j);
    if ((ins->kind != HOIST_DF_COPY && ins->kind != HOIST_DF_ADD) || ins->arg_count < 2 ||
        hoist_df_instruction_flag(ins, "from"))
        return false;
    for (size_t k = 0; k + 1 < ins->arg_count; k++) {
        char src[PATH_LEN];
        lint_clean_src(ins->args[k].value, src, sizeof(src));
        if (src[0] && (!strcmp(src, path) || fnmatch(src, path, FNM_PATHNAME) == 0))
            return true;
    }
    return false;
}

static void append(char *b, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *b, size_t size, const char *fmt, ...)
{
    size_t w = strlen(b);
    if (w + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + w, size - w, fmt, ap);
    va_end(ap);
}

/* A word as a shell would need it written: as is, in single quotes, or
 * (when it holds one) in single quotes with each ' written '\''. */
static void append_word(char *b, size_t size, const char *w)
{
    bool plain = w[0] != '\0';
    for (const char *p = w; *p && plain; p++)
        plain = isalnum((unsigned char)*p) || strchr("-_./=:@,+%", *p);
    if (plain) {
        append(b, size, "%s%s", b[0] ? " " : "", w);
        return;
    }
    append(b, size, "%s'", b[0] ? " " : "");
    for (const char *p = w; *p; p++) {
        if (*p == '\'')
            append(b, size, "%s", "'\\''");
        else
            append(b, size, "%c", *p);
    }
    append(b, size, "'");
}

/* The install command of the fix: the command as written, made to work
 * without the sources (poetry --no-root, ...), or for a build the command
 * that only downloads the dependencies. */
static void fix_command(const install *in, char *b, size_t size)
{
    const lint_cmd *c = in->cmd;
    b[0] = '\0';
    if (in->cd[0])
        append(b, size, "cd %s &&", in->cd);
    const char *prog = c->argv[0];
    switch (in->eco) {
    case ECO_GO:
        append(b, size, "%sgo mod download", b[0] ? " " : "");
        return;
    case ECO_CARGO:
        /* cargo needs a target to read the manifest: a stub, removed after. */
        append(b, size, "%smkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch && "
                        "rm -r src", b[0] ? " " : "");
        return;
    case ECO_MAVEN:
        append(b, size, "%s%s -B dependency:go-offline", b[0] ? " " : "", prog);
        return;
    case ECO_GRADLE:
        append(b, size, "%s%s dependencies --no-daemon", b[0] ? " " : "", prog);
        return;
    default:
        break;
    }
    for (size_t a = 0; a < c->assign_count; a++)
        append_word(b, size, c->assigns[a]);
    for (size_t i = 0; i < c->argc; i++) {
        const char *w = c->argv[i];
        /* pip: the project itself (".", -e PATH) needs the sources. */
        if (in->eco == ECO_PIP && (!strcmp(w, "-e") || !strcmp(w, "--editable"))) {
            i++;
            continue;
        }
        if (in->eco == ECO_PIP && i > 0 && (!strcmp(w, ".") || !strcmp(w, "./")))
            continue;
        append_word(b, size, w);
    }
    if (in->eco == ECO_POETRY && !argv_has(c, 1, "--no-root"))
        append(b, size, " --no-root");
    if (in->eco == ECO_UV && !argv_has(c, 1, "--no-install-project"))
        append(b, size, " --no-install-project");
    if (in->eco == ECO_COMPOSER && !argv_has(c, 1, "--no-scripts"))
        append(b, size, " --no-scripts --no-autoloader");
}

/* How the fix names image directory `dir`: relative to the workdir of the
 * broad COPY when it is there or below, else absolute. */
static void dest_name(const mapping *m, const char *dir, char *out, size_t size)
{
    const char *rest;
    if (path_under(dir, virtual_dest, &rest) || (m->copy_wd[0] && path_under(dir, m->copy_wd, &rest)))
        snprintf(out, size, rest[0] ? "./%s/" : "./", rest);
    else
        snprintf(out, size, "%s%s", dir, strcmp(dir, "/") ? "/" : "");
}

typedef struct hs011_ud {
    size_t reported[64][2]; /* (COPY index, ecosystem) already reported */
    size_t report_count;
} hs011_ud;

static bool run_has_cache_mount(const hoist_df_instruction *ins)
{
    for (size_t f = 0; f < ins->flag_count; f++)
        if (!strcmp(ins->flags[f].name, "mount") && ins->flags[f].value &&
            strstr(ins->flags[f].value, "type=cache"))
            return true;
    return false;
}

/* Did an earlier RUN of the stage (before `run`) already fetch `e`'s
 * dependencies (go mod download before go build, ...)? */
static bool fetched_before(lint_ctx *ctx, size_t first, size_t run, eco e)
{
    for (size_t j = first; j < run; j++) {
        const lint_script *s = lint_run_script(ctx, j);
        for (size_t k = 0; k < s->count; k++) {
            install in;
            memset(&in, 0, sizeof(in));
            if (classify(&s->cmds[k], &in) && in.eco == e && !in.build)
                return true;
        }
    }
    return false;
}

static void hs011_install(lint_ctx *ctx, size_t run, const install *in, void *vud)
{
    hs011_ud *ud = vud;
    const hoist_df_instruction *r = lint_ins_top(ctx, run);
    int stage = r->stage;
    if (stage < 0)
        return;
    size_t first = stage >= 0 && (size_t)stage < ctx->stage_count
                       ? ctx->stages[stage].first_instruction
                       : 0;
    if (in->build && (run_has_cache_mount(r) || fetched_before(ctx, first, run, in->eco)))
        return;
    for (size_t i = first + 1; i < run; i++) {
        const hoist_df_instruction *cp = lint_ins_top(ctx, i);
        if ((cp->kind != HOIST_DF_COPY && cp->kind != HOIST_DF_ADD) || cp->arg_count < 2 ||
            cp->stage != stage || hoist_df_instruction_flag(cp, "from") || cp->heredoc_count)
            continue;
        for (size_t k = 0; k + 1 < cp->arg_count; k++) {
            const char *v = cp->args[k].value;
            char src[PATH_LEN];
            if (!v || strchr(v, '$') || strstr(v, "://") || strpbrk(v, "*?["))
                continue;
            lint_clean_src(v, src, sizeof(src));
            if (src[0] && !sent(ctx, src, true))
                continue;
            mapping m;
            found f;
            if (!map_install(ctx, i, src, run, in, &m) || !find_manifests(ctx, in, &m, &f) ||
                !f.count)
                continue;
            for (size_t d = 0; d < ud->report_count; d++)
                if (ud->reported[d][0] == i && ud->reported[d][1] == (size_t)in->eco)
                    return;
            if (ud->report_count < 64) {
                ud->reported[ud->report_count][0] = i;
                ud->reported[ud->report_count++][1] = (size_t)in->eco;
            }
            /* The manifests, and the COPY lines of the fix. */
            char names[1024] = "", fix[3072] = "", root_files[1024] = "", cmd[1024];
            size_t pre = 0;
            for (size_t j = first + 1; j < i && !pre; j++)
                if (copies_file(ctx, j, f.path[0]))
                    pre = j;
            for (size_t x = 0; x < f.count; x++) {
                append(names, sizeof(names), "%s%s%s", x ? ", " : "", f.path[x], f.dir[x] ? "/" : "");
                if (!f.dir[x] && !strchr(f.rel[x], '/')) {
                    append(root_files, sizeof(root_files), " %s", f.path[x]);
                    continue;
                }
                char where[PATH_LEN], sub[PATH_LEN], dn[PATH_LEN];
                snprintf(sub, sizeof(sub), "%s", f.rel[x]);
                if (!f.dir[x]) {
                    char *slash = strrchr(sub, '/');
                    *slash = '\0';
                }
                path_join(m.run_dir, sub, where, sizeof(where));
                dest_name(&m, where, dn, sizeof(dn));
                append(fix, sizeof(fix), "`COPY %s %s`, ", f.path[x], dn);
            }
            char dn[PATH_LEN], head[1200] = "";
            dest_name(&m, m.run_dir, dn, sizeof(dn));
            if (root_files[0])
                snprintf(head, sizeof(head), "`COPY%s %s`, ", root_files, dn);
            fix_command(in, cmd, sizeof(cmd));
            /* What else the install's RUN does stays below the COPY. */
            const lint_script *rs = lint_run_script(ctx, run);
            size_t others = 0;
            for (size_t c = 0; c < rs->count; c++)
                others += &rs->cmds[c] != in->cmd && !lint_cmd_is(&rs->cmds[c], "cd");
            char rest[128] = "";
            if (in->build || others)
                snprintf(rest, sizeof(rest), " (then line %d as before%s)", r->range.start.line,
                         in->build ? "" : ", without the install");
            char hint[4096];
            snprintf(hint, sizeof(hint),
                     "copy the manifests alone, install, then copy the rest: %s%s`RUN %s`, `%s`%s",
                     head, fix, cmd, cp->original ? cp->original : "COPY . .", rest);
            char what[PATH_LEN + 64];
            if (src[0])
                snprintf(what, sizeof(what), "all of %s/", src);
            else
                snprintf(what, sizeof(what), "the whole context");
            const char *tool = lint_cmd_name(in->cmd);
            if (pre)
                lint_report(ctx, (int)i, NULL, hint,
                            "%s is copied at line %d, but this %s of %s still comes before the "
                            "%s install at line %d: a change to any file it copies reruns the "
                            "install; move the install above this line",
                            f.path[0], lint_ins_top(ctx, pre)->range.start.line, cp->keyword, what,
                            tool, r->range.start.line);
            else if (in->build)
                lint_report(ctx, (int)i, NULL, hint,
                            "%s of %s before `%s %s` at line %d, which downloads the "
                            "dependencies: a change to any file downloads them again, although "
                            "the manifests in the context (%s) would let a download step above "
                            "this COPY be reused",
                            cp->keyword, what, tool, in->cmd->argc > 1 ? in->cmd->argv[1] : "",
                            r->range.start.line, names);
            else
                lint_report(ctx, (int)i, NULL, hint,
                            "%s of %s before the %s install at line %d: a change to any file "
                            "reruns the install, although the manifests it needs (%s) are in the "
                            "context and, copied alone first, would let it be reused",
                            cp->keyword, what, tool, r->range.start.line, names);
            return;
        }
    }
}

static void hs011(lint_ctx *ctx)
{
    if (!ctx->context_walked)
        return;
    hs011_ud ud = {.report_count = 0};
    for (size_t j = 0; j < ctx->n; j++)
        if (lint_ins_top(ctx, j)->kind == HOIST_DF_RUN)
            each_install(ctx, j, hs011_install, &ud);
}

/* ------------------------------------------------------------ HS012 */

static const char *const volatile_names[] = {
    "BUILD_DATE", "BUILDDATE", "BUILD_TIME", "BUILD_TIMESTAMP", "TIMESTAMP", "DATE", "NOW",
    "GIT_SHA", "GIT_SHA1", "GIT_COMMIT", "GIT_COMMIT_SHA", "GIT_HASH", "GIT_REV",
    "GIT_REVISION", "GIT_SHORT_SHA", "COMMIT", "COMMIT_SHA", "COMMIT_HASH", "SHA", "REVISION",
    "VCS_REF", "SOURCE_COMMIT", "BUILD_NUMBER", "BUILD_NUM", "BUILD_ID", "CI_PIPELINE_ID",
    "CI_PIPELINE_IID", "CI_JOB_ID", "CI_COMMIT_SHA", "CI_COMMIT_SHORT_SHA", "GITHUB_SHA",
    "GITHUB_RUN_ID", "GITHUB_RUN_NUMBER", "BUILDKITE_BUILD_NUMBER", "BUILDKITE_COMMIT",
    "CIRCLE_BUILD_NUM", "CIRCLE_SHA1", "TRAVIS_BUILD_NUMBER", "TRAVIS_COMMIT",
    "BITBUCKET_BUILD_NUMBER", "BITBUCKET_COMMIT", "DRONE_BUILD_NUMBER", "DRONE_COMMIT_SHA",
    "BUILD_SOURCEVERSION", "BUILD_BUILDID", "BUILD_BUILDNUMBER", NULL};
static const char *const volatile_suffixes[] = {
    "_BUILD_DATE", "_BUILD_TIME", "_TIMESTAMP", "_GIT_SHA", "_GIT_COMMIT", "_COMMIT_SHA",
    "_COMMIT", "_REVISION", "_VCS_REF", "_BUILD_NUMBER", "_BUILD_ID", NULL};

/* What a build-arg named `name` holds when that changes on every build
 * ("a timestamp", "a commit ID", "a build number"), or NULL. A default that
 * is a full commit hash pins a commit: not volatile. SOURCE_DATE_EPOCH is
 * left alone on purpose (see docs/rules.md, HS012). */
static const char *volatile_kind(const char *name, const char *def)
{
    char up[128], d[256];
    size_t n = strlen(name);
    if (n >= sizeof(up))
        return NULL;
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)toupper((unsigned char)name[i]);
    if (!strcmp(up, "SOURCE_DATE_EPOCH"))
        return NULL;
    if (def) {
        lint_strip_quotes(def, d, sizeof(d));
        size_t h = 0;
        while (isxdigit((unsigned char)d[h]))
            h++;
        if (h >= 40 && !d[h])
            return NULL;
    }
    bool hit = false;
    for (size_t i = 0; volatile_names[i] && !hit; i++)
        hit = !strcmp(up, volatile_names[i]);
    for (size_t i = 0; volatile_suffixes[i] && !hit; i++)
        hit = lint_has_suffix(up, volatile_suffixes[i]);
    if (!hit)
        return NULL;
    if (strstr(up, "DATE") || strstr(up, "TIME") || !strcmp(up, "NOW"))
        return "a timestamp";
    if (strstr(up, "NUM") || strstr(up, "_ID") || strstr(up, "IID") || strstr(up, "BUILDID"))
        return "a build number";
    return "a commit ID";
}

static void hs012(lint_ctx *ctx)
{
    bool classic = ctx->opts->engine && ctx->opts->engine->known && !ctx->opts->engine->buildkit;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *a = lint_ins_top(ctx, i);
        if (a->kind != HOIST_DF_ARG || a->stage < 0)
            continue;
        size_t end = stage_end(ctx, a->stage);
        for (size_t p = 0; p < a->pair_count; p++) {
            const char *name = a->pairs[p].key;
            const char *kind = volatile_kind(name, a->pairs[p].value);
            if (!kind)
                continue;
            /* The first step its changing value makes miss. */
            size_t miss = end, use = end;
            for (size_t j = i + 1; j < end && miss == end; j++) {
                const hoist_df_instruction *s = lint_ins_top(ctx, j);
                bool uses = s->kind != HOIST_DF_ARG && ins_uses_var(ctx, s, name);
                if (uses && use == end)
                    use = j;
                if (s->kind == HOIST_DF_RUN ||
                    (uses && (classic || s->kind == HOIST_DF_COPY || s->kind == HOIST_DF_ADD ||
                              s->kind == HOIST_DF_WORKDIR)))
                    miss = j;
            }
            for (size_t j = miss; j < end && use == end; j++)
                if (lint_ins_top(ctx, j)->kind != HOIST_DF_ARG &&
                    ins_uses_var(ctx, lint_ins_top(ctx, j), name))
                    use = j;
            /* The RUN steps that rerun without needing to. */
            char lines[256] = "";
            size_t needless = 0, last = 0;
            for (size_t j = miss; j < end; j++) {
                const hoist_df_instruction *s = lint_ins_top(ctx, j);
                if (s->kind != HOIST_DF_RUN || ins_uses_var(ctx, s, name))
                    continue;
                if (needless < 6)
                    append(lines, sizeof(lines), "%s%d", needless ? ", " : "", s->range.start.line);
                else if (needless == 6)
                    append(lines, sizeof(lines), ", ...");
                needless++;
                last = j;
            }
            if (!needless)
                continue;
            const hoist_df_instruction *m = lint_ins_top(ctx, miss);
            char from[160] = "";
            if (m->kind != HOIST_DF_RUN)
                snprintf(from, sizeof(from), " (from the %s at line %d on%s)", m->keyword,
                         m->range.start.line,
                         classic && m->kind != HOIST_DF_COPY && m->kind != HOIST_DF_ADD &&
                                 m->kind != HOIST_DF_WORKDIR
                             ? ", a new image config for the classic builder"
                             : "");
            char hint[1024];
            int last_line = lint_ins_top(ctx, last)->range.start.line;
            if (use == end)
                snprintf(hint, sizeof(hint),
                         "nothing in this stage uses $%s: remove `ARG %s`, or declare it only "
                         "where it is used, as late as possible (e.g. in the last stage, right "
                         "before `LABEL org.opencontainers.image.revision=$%s`)",
                         name, name, name);
            else if (use > last)
                snprintf(hint, sizeof(hint),
                         "declare `ARG %s` as late as possible: right before line %d, its first "
                         "use, below the steps that do not need it",
                         name, lint_ins_top(ctx, use)->range.start.line);
            else
                snprintf(hint, sizeof(hint),
                         "move `ARG %s` and the step that uses it (line %d) below line %d, after "
                         "the steps that do not need it (or into the last stage, e.g. as a LABEL)",
                         name, lint_ins_top(ctx, use)->range.start.line, last_line);
            lint_report(ctx, (int)i, &a->pairs[p].range, hint,
                        "build-arg %s holds %s, which changes on every build: its value is part "
                        "of the cache key of every RUN below this ARG%s, so %zu RUN step%s that "
                        "do%s not use it rebuild%s every time (line%s %s)",
                        name, kind, from, needless, needless == 1 ? "" : "s",
                        needless == 1 ? "es" : "", needless == 1 ? "s" : "",
                        needless == 1 ? "" : "s", lines);
        }
    }
}

/* ------------------------------------------------------------ HS013 */

enum noise_cond {
    COND_NONE,
    COND_NODE_INSTALL, /* a RUN after the COPY installs node_modules */
    COND_CARGO_MAVEN,  /* target/ beside Cargo.toml or pom.xml */
    COND_DIST,         /* dist/ beside a package manifest */
    COND_BUILD,        /* build/ holding build-system output */
    COND_COVERAGE,     /* coverage/ holding a report */
    COND_ENV,          /* .env.* that is not a template */
};

typedef struct noise_kind {
    const char *glob; /* basename pattern */
    bool dir;
    const char *what;
    enum noise_cond cond;
} noise_kind;

static const noise_kind noise[] = {
    {".git", true, "git data", COND_NONE},
    {".hg", true, "version control data", COND_NONE},
    {".svn", true, "version control data", COND_NONE},
    {"node_modules", true, "installed packages", COND_NODE_INSTALL},
    {"target", true, "build output", COND_CARGO_MAVEN},
    {"dist", true, "build output", COND_DIST},
    {"build", true, "build output", COND_BUILD},
    {".next", true, "build output", COND_DIST},
    {"__pycache__", true, "Python bytecode", COND_NONE},
    {".pytest_cache", true, "test cache", COND_NONE},
    {".mypy_cache", true, "type-checker cache", COND_NONE},
    {".ruff_cache", true, "linter cache", COND_NONE},
    {".tox", true, "test environments", COND_NONE},
    {".nyc_output", true, "coverage data", COND_NONE},
    {"htmlcov", true, "coverage report", COND_NONE},
    {"coverage", true, "coverage report", COND_COVERAGE},
    {"*.log", false, "log", COND_NONE},
    {"npm-debug.log*", false, "log", COND_NONE},
    {"*.pyc", false, "Python bytecode", COND_NONE},
    {".coverage", false, "coverage data", COND_NONE},
    {".DS_Store", false, "OS file", COND_NONE},
    {"Thumbs.db", false, "OS file", COND_NONE},
    {"*.swp", false, "editor file", COND_NONE},
    {"*.swo", false, "editor file", COND_NONE},
    {"*~", false, "editor file", COND_NONE},
    {".env", false, "environment file", COND_NONE},
    {".env.*", false, "environment file", COND_ENV},
};
#define NOISE_COUNT (sizeof(noise) / sizeof(noise[0]))

/* Is there a context entry `name` in the directory holding `path`? */
static bool sibling(const lint_ctx *ctx, const char *path, const char *name)
{
    char p[PATH_LEN];
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(p, sizeof(p), "%.*s/%s", (int)(slash - path), path, name);
    else
        snprintf(p, sizeof(p), "%s", name);
    return find_entry(ctx, p) != NULL;
}

static bool child(const lint_ctx *ctx, const char *dir, const char *name)
{
    char p[PATH_LEN];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return find_entry(ctx, p) != NULL;
}

static bool stage_installs_node(lint_ctx *ctx, size_t from)
{
    int stage = lint_ins_top(ctx, from)->stage;
    size_t end = stage_end(ctx, stage);
    for (size_t j = from + 1; j < end; j++) {
        const lint_script *s = lint_run_script(ctx, j);
        for (size_t k = 0; k < s->count; k++) {
            install in;
            memset(&in, 0, sizeof(in));
            if (classify(&s->cmds[k], &in) && in.eco == ECO_NODE)
                return true;
        }
    }
    return false;
}

static bool cond_holds(lint_ctx *ctx, size_t copy, const noise_kind *k, const char *path)
{
    const char *bn = base_name(path);
    switch (k->cond) {
    case COND_NONE:
        return true;
    case COND_NODE_INSTALL:
        return stage_installs_node(ctx, copy);
    case COND_CARGO_MAVEN:
        return sibling(ctx, path, "Cargo.toml") || sibling(ctx, path, "pom.xml");
    case COND_DIST:
        return sibling(ctx, path, "package.json") || sibling(ctx, path, "setup.py") ||
               sibling(ctx, path, "pyproject.toml") || sibling(ctx, path, "setup.cfg");
    case COND_BUILD:
        return child(ctx, path, "build.ninja") || child(ctx, path, "CMakeCache.txt") ||
               child(ctx, path, "asset-manifest.json") || sibling(ctx, path, "build.gradle") ||
               sibling(ctx, path, "build.gradle.kts") ||
               ((sibling(ctx, path, "setup.py") || sibling(ctx, path, "pyproject.toml")) &&
                child(ctx, path, "lib"));
    case COND_COVERAGE:
        return child(ctx, path, "lcov.info") || child(ctx, path, "coverage-final.json") ||
               child(ctx, path, "clover.xml") || child(ctx, path, "lcov-report");
    case COND_ENV:
        return !lint_has_suffix(bn, ".example") && !lint_has_suffix(bn, ".sample") &&
               !lint_has_suffix(bn, ".template") && !lint_has_suffix(bn, ".dist");
    }
    return false;
}

/* The kind of noise context entry e is, or NULL. */
static const noise_kind *noise_of(const lint_ctx_entry *e)
{
    const char *bn = base_name(e->path);
    for (size_t k = 0; k < NOISE_COUNT; k++)
        if (noise[k].dir == e->dir && fnmatch(noise[k].glob, bn, FNM_PERIOD) == 0)
            return &noise[k];
    return NULL;
}

/* Was e sent because an exception pattern names it on purpose? */
static bool reincluded_on_purpose(const lint_ctx *ctx, const lint_ctx_entry *e)
{
    const hoist_ignore_pattern_info *info =
        e->decider < 0 || !ctx->ignore ? NULL : hoist_ignore_pattern_at(ctx->ignore, (size_t)e->decider);
    if (!info || !info->exception)
        return false;
    const char *pat = info->pattern;
    if (lint_has_prefix(pat, "**/"))
        pat += 3;
    return !strcmp(info->pattern, e->path) || !strcmp(pat, base_name(e->path));
}

/* Would the ignore line in `one`, added at the end of the ignore file,
 * exclude one of the `kept` files, those an exception re-includes on
 * purpose (`!keep.log` after `*.log`)? Then the offenders are named by
 * their paths instead. */
static bool excludes_kept(const hoist_ignore *one, const lint_ctx_entry *const *kept, size_t nk)
{
    for (size_t i = 0; i < nk; i++) {
        bool excluded = false;
        if (!hoist_ignore_match(one, &excluded, NULL, kept[i]->path, NULL) && excluded)
            return true;
    }
    return false;
}

typedef struct offender {
    const lint_ctx_entry *e;
    const noise_kind *kind;
    size_t files;
} offender;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Report the offenders a COPY includes, with the ignore lines that exclude
 * them: per kind its pattern, at the root or, when some are deeper, at any
 * depth (`**` + '/'); .env files by name (a pattern would also exclude
 * .env.example). Each line is checked with lib/ignore's matcher: when it
 * does not exclude an offender, or excludes a file kept on purpose, the
 * offender's own path is given instead. */
static void hs013_report(lint_ctx *ctx, size_t copy, const offender *off, size_t n)
{
    bool nested[NOISE_COUNT] = {false}, have[NOISE_COUNT] = {false}, usable[NOISE_COUNT];
    char kind_line[NOISE_COUNT][64];
    size_t files = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)(off[i].kind - noise);
        have[k] = true;
        if (strchr(off[i].e->path, '/'))
            nested[k] = true;
        files += off[i].files;
    }
    /* The files exceptions keep on purpose (usually none). */
    const lint_ctx_entry **kept = NULL;
    size_t nk = 0;
    for (size_t i = 0; i < ctx->entry_count; i++) {
        const lint_ctx_entry *e = &ctx->entries[i];
        if (e->excluded || !reincluded_on_purpose(ctx, e))
            continue;
        const lint_ctx_entry **v = realloc(kept, (nk + 1) * sizeof(*kept));
        if (!v) {
            free(kept);
            ctx->status = HOIST_EFAILED;
            return;
        }
        kept = v;
        kept[nk++] = e;
    }
    hoist_ignore *one[NOISE_COUNT] = {NULL};
    for (size_t k = 0; k < NOISE_COUNT; k++) {
        usable[k] = have[k] && noise[k].cond != COND_ENV && strcmp(noise[k].glob, ".env");
        if (!usable[k])
            continue;
        snprintf(kind_line[k], sizeof(kind_line[k]), "%s%s", nested[k] ? "**/" : "", noise[k].glob);
        usable[k] = !hoist_ignore_parse(&one[k], kind_line[k], strlen(kind_line[k]), "suggestion", NULL) &&
                    !excludes_kept(one[k], kept, nk);
    }
    free(kept);
    /* The lines, unique and sorted. */
    const char **sorted = calloc(n, sizeof(*sorted));
    if (!sorted) {
        for (size_t k = 0; k < NOISE_COUNT; k++)
            hoist_ignore_free(one[k]);
        ctx->status = HOIST_EFAILED;
        return;
    }
    size_t nl = 0;
    bool used[NOISE_COUNT] = {false};
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)(off[i].kind - noise);
        bool excluded = false;
        if (usable[k] && !hoist_ignore_match(one[k], &excluded, NULL, off[i].e->path, NULL) && excluded) {
            if (!used[k])
                sorted[nl++] = kind_line[k];
            used[k] = true;
        } else {
            sorted[nl++] = off[i].e->path; /* paths of offenders are unique */
        }
    }
    for (size_t k = 0; k < NOISE_COUNT; k++)
        hoist_ignore_free(one[k]);
    qsort(sorted, nl, sizeof(*sorted), cmp_str);
    char add[1024] = "", list[1024] = "";
    for (size_t k = 0; k < nl; k++) {
        if (k == 12) {
            append(add, sizeof(add), ", ...");
            break;
        }
        append(add, sizeof(add), "%s%s", k ? ", " : "", sorted[k]);
    }
    for (size_t i = 0; i < n; i++) {
        if (i == 5) {
            append(list, sizeof(list), ", and %zu more", n - 5);
            break;
        }
        const offender *o = &off[i];
        if (o->e->dir)
            append(list, sizeof(list), "%s%s/ (%s, %zu file%s)", i ? ", " : "", o->e->path,
                   o->kind->what, o->files, o->files == 1 ? "" : "s");
        else
            append(list, sizeof(list), "%s%s (%s)", i ? ", " : "", o->e->path, o->kind->what);
    }
    const char *ignfile = ctx->ignore_file ? base_name(ctx->ignore_file) : NULL;
    char hint[1400];
    if (ignfile)
        snprintf(hint, sizeof(hint), "add to %s: %s", ignfile, add);
    else
        snprintf(hint, sizeof(hint), "create .dockerignore with: %s", add);
    const hoist_df_instruction *ins = lint_ins_top(ctx, copy);
    lint_report(ctx, (int)copy, NULL, hint,
                "%s copies %zu file%s that change between builds and %s: %s; when one changes, "
                "this %s and every step after it rebuild",
                ins->keyword, files, files == 1 ? "" : "s",
                ignfile ? "that the ignore file does not exclude" : "that no ignore file excludes",
                list, ins->keyword);
    free(sorted);
}

static void hs013(lint_ctx *ctx)
{
    if (!ctx->context_walked)
        return;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins_top(ctx, i);
        if ((ins->kind != HOIST_DF_COPY && ins->kind != HOIST_DF_ADD) || ins->arg_count < 2 ||
            hoist_df_instruction_flag(ins, "from") || ins->heredoc_count || ins->stage < 0)
            continue;
        offender *off = NULL;
        size_t n = 0, cap = 0;
        for (size_t k = 0; k + 1 < ins->arg_count; k++) {
            const char *v = ins->args[k].value;
            char src[PATH_LEN];
            if (!v || strchr(v, '$') || strstr(v, "://") || strpbrk(v, "*?["))
                continue;
            lint_clean_src(v, src, sizeof(src));
            if (src[0] && !sent(ctx, src, true))
                continue;
            offender *cur = NULL; /* the directory offender being counted */
            for (size_t x = 0; x < ctx->entry_count; x++) {
                const lint_ctx_entry *e = &ctx->entries[x];
                const char *rest;
                if (e->excluded || !path_under(e->path, src, &rest) || !rest[0])
                    continue;
                if (cur) {
                    const char *r2;
                    if (path_under(e->path, cur->e->path, &r2)) {
                        if (!e->dir)
                            cur->files++;
                        continue;
                    }
                    cur = NULL;
                }
                const noise_kind *kind = noise_of(e);
                if (!kind || !cond_holds(ctx, i, kind, e->path) || reincluded_on_purpose(ctx, e))
                    continue;
                bool dup = false; /* two sources of one COPY overlapping */
                for (size_t d = 0; k > 0 && d < n && !dup; d++)
                    dup = off[d].e == e;
                if (dup)
                    continue;
                if (n == cap) {
                    size_t nc = cap ? cap * 2 : 16;
                    offender *v2 = realloc(off, nc * sizeof(*off));
                    if (!v2) {
                        free(off);
                        ctx->status = HOIST_EFAILED;
                        return;
                    }
                    off = v2;
                    cap = nc;
                }
                off[n] = (offender){e, kind, e->dir ? 0 : 1};
                if (e->dir)
                    cur = &off[n];
                n++;
            }
        }
        if (n)
            hs013_report(ctx, i, off, n);
        free(off);
    }
}

/* ------------------------------------------------------------ table */

#define R(id, title, expl, fn) {{id, "hoist", HOIST_LINT_WARNING, title, expl}, fn}

static const lint_rule rules[] = {
    R("HS011", "COPY of the whole context before the dependency install, while the manifests are in the context",
      "A step's cache key includes its parent's: when any file a COPY copies changes, that COPY "
      "and every step after it rebuild. A COPY of the whole context (or of the directory that "
      "holds package.json, requirements.txt, go.mod, Cargo.toml, pom.xml, Gemfile, "
      "composer.json...) above the dependency install reinstalls every dependency on every "
      "source change. Reported only when the manifests the install reads are in the context and "
      "the install follows the COPY in the same stage. The finding names the manifests found. "
      "Fix: COPY the manifests alone, run the install, then COPY the rest (the finding gives the "
      "exact lines).",
      hs011),
    R("HS012", "A build-arg that changes on every build is declared above RUN steps that do not use it",
      "The value of every build-arg declared with ARG is in the environment of every RUN below "
      "the ARG in its stage, with BuildKit as with the classic builder, so it is part of their "
      "cache keys. An ARG holding a date, a commit ID or a build number (BUILD_DATE, GIT_SHA, "
      "VCS_REF, BUILD_NUMBER, CI_PIPELINE_ID...) makes every RUN below it rebuild on every "
      "build. SOURCE_DATE_EPOCH is not reported: it exists for reproducible builds. Fix: "
      "declare the ARG as late as possible, right before its use (e.g. in the last stage: "
      "ARG GIT_SHA then LABEL org.opencontainers.image.revision=$GIT_SHA).",
      hs012),
    R("HS013", "Files that change between builds reach a COPY because the ignore file does not exclude them",
      "A COPY of the context (or of a directory) also copies .git, log files, build output "
      "(dist/, target/, build/), caches (__pycache__, .pytest_cache), node_modules that a RUN "
      "reinstalls anyway, editor and OS files and .env files when the ignore file does not "
      "exclude them; they change from one build to the next, and when one changes the COPY and "
      "every step after it rebuild. Reported only for such paths that exist, are sent and are "
      "copied. The finding lists them and the ignore lines to add, checked with the same "
      "matcher the build uses. Fix: add the lines to .dockerignore.",
      hs013),
};

const lint_family lint_family_hs_cache = {rules, sizeof(rules) / sizeof(rules[0])};
