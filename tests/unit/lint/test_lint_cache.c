/*
 * test_lint_cache.c - the layer-cache rules HS011 (whole-context COPY
 * before the dependency install while the manifests are in the context),
 * HS012 (a build-arg that changes every build above RUN steps) and HS013
 * (files that change between builds reach a COPY), over real contexts in
 * temporary directories: what triggers each, the near misses that must
 * not, the messages and hints (the manifests found, the fix lines, the
 * ignore lines), and that applying the fix a finding gives makes it go away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_harness.h"

#define FILES(...) ((const char *const[]){__VA_ARGS__, NULL})

static const hoist_lint_engine classic = {HOIST_LINT_ENGINE_VERSION, true, false, "1.41", NULL};

typedef struct got {
    int count;        /* findings of the rule */
    int line, column; /* of the first */
    char message[2048];
    char hint[4096];
} got;

/* Lint df (a FROM is added when it has none) with the context `files`
 * (NULL: no context) and the config `cfg`; what rule `code` reported. */
static got run(const char *code, const char *df, const char *const *files, const char *cfg,
               const hoist_lint_engine *engine)
{
    lint_case c = {code, true, df, cfg, files, false, engine, 0, false};
    hoist_lint_result *r = lint_text(&c);
    got g;
    memset(&g, 0, sizeof(g));
    for (size_t i = 0; i < hoist_lint_result_finding_count(r); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        if (strcmp(f->code, code))
            continue;
        if (!g.count++) {
            g.line = f->range.start.line;
            g.column = f->range.start.column;
            snprintf(g.message, sizeof(g.message), "%s", f->message);
            snprintf(g.hint, sizeof(g.hint), "%s", f->hint ? f->hint : "");
            assert_int_equal(f->severity, HOIST_LINT_WARNING);
            assert_string_equal(f->source, "hoist");
        }
    }
    hoist_lint_result_free(r);
    return g;
}

#define has(hay, needle)                                                                    \
    do {                                                                                    \
        if (!strstr((hay), (needle))) {                                                     \
            fprintf(stderr, "expected '%s' in: %s\n", (needle), (hay));                     \
            fail();                                                                         \
        }                                                                                   \
    } while (0)

static void none(const char *code, const char *df, const char *const *files)
{
    got g = run(code, df, files, NULL, NULL);
    if (g.count)
        fprintf(stderr, "unexpected %s: %s\n", code, g.message);
    assert_int_equal(g.count, 0);
}

/* The Dockerfile the HS011 hint describes: the `...` segments of the hint,
 * one line each, after `prefix`. */
static void apply_hint(const char *prefix, const char *hint, char *out, size_t size)
{
    snprintf(out, size, "%s", prefix);
    for (const char *p = strchr(hint, '`'); p; p = strchr(p, '`')) {
        const char *e = strchr(p + 1, '`');
        if (!e)
            break;
        size_t w = strlen(out);
        snprintf(out + w, size - w, "%.*s\n", (int)(e - p - 1), p + 1);
        p = e + 1;
    }
}

/* ------------------------------------------------------------------ HS011 */

static void hs011_npm(void **state)
{
    (void)state;
    const char *const *ctx = FILES("package.json={}", "package-lock.json={}", "src/index.js=1");
    got g = run("HS011", "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n",
                ctx, NULL, NULL);
    assert_int_equal(g.count, 1);
    assert_int_equal(g.line, 3);
    has(g.message, "whole context");
    has(g.message, "npm install at line 4");
    has(g.message, "(package.json, package-lock.json)");
    has(g.hint, "`COPY package.json package-lock.json ./`, `RUN npm ci`, `COPY . .`");

    /* The fix it gives is clean. */
    char df[2048];
    apply_hint("FROM node:22\nWORKDIR /app\n", g.hint, df, sizeof(df));
    has(df, "COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n");
    none("HS011", df, ctx);
    none("HS001", df, ctx);
}

static void hs011_other_tools(void **state)
{
    (void)state;
    got g = run("HS011", "WORKDIR /w\nCOPY . .\nRUN yarn --frozen-lockfile\n",
                FILES("package.json={}", "yarn.lock=", ".yarnrc.yml=x"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.hint, "`COPY package.json yarn.lock .yarnrc.yml ./`, `RUN yarn --frozen-lockfile`");

    g = run("HS011", "WORKDIR /w\nCOPY . .\nRUN pnpm install --frozen-lockfile\n",
            FILES("package.json={}", "pnpm-lock.yaml=x"), NULL, NULL);
    has(g.hint, "`COPY package.json pnpm-lock.yaml ./`");

    g = run("HS011", "WORKDIR /w\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n",
            FILES("requirements.txt=flask==3.0.0", "app.py=1"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "(requirements.txt)");
    has(g.hint, "`COPY requirements.txt ./`, `RUN pip install --no-cache-dir -r requirements.txt`");

    /* A requirements file in a folder keeps its place; `pip install .` is
     * left for after the sources. */
    g = run("HS011", "WORKDIR /w\nCOPY . .\nRUN python3 -m pip install -r requirements/prod.txt .\n",
            FILES("requirements/prod.txt=x", "setup.py=1"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.hint, "`COPY requirements/prod.txt ./requirements/`");
    has(g.hint, "`RUN python3 -m pip install -r requirements/prod.txt`");

    /* Words the shell needs quoted stay quoted. */
    g = run("HS011", "WORKDIR /w\nCOPY . .\nRUN pip install -r requirements.txt --trusted-host \"it's here\"\n",
            FILES("requirements.txt=x"), NULL, NULL);
    has(g.hint, "`RUN pip install -r requirements.txt --trusted-host 'it'\\''s here'`");

    g = run("HS011", "WORKDIR /w\nCOPY . .\nRUN poetry install --only main\n",
            FILES("pyproject.toml=x", "poetry.lock=x"), NULL, NULL);
    has(g.hint, "`COPY pyproject.toml poetry.lock ./`, `RUN poetry install --only main --no-root`");

    g = run("HS011", "WORKDIR /w\nCOPY . .\nRUN uv sync --locked\n",
            FILES("pyproject.toml=x", "uv.lock=x"), NULL, NULL);
    has(g.hint, "`RUN uv sync --locked --no-install-project`");

    g = run("HS011", "WORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n",
            FILES("go.mod=module x", "go.sum=x", "main.go=package main"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "go install at line 4");
    has(g.hint, "`COPY go.mod go.sum ./`, `RUN go mod download`, `COPY . .`");

    /* A build that downloads what it lacks. */
    g = run("HS011", "WORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n",
            FILES("go.mod=module x", "go.sum=x", "main.go=package main"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "`go build` at line 4, which downloads the dependencies");
    has(g.hint, "`RUN go mod download`, `COPY . .` (then line 4 as before)");

    g = run("HS011", "WORKDIR /src\nCOPY . .\nRUN cargo build --release\n",
            FILES("Cargo.toml=x", "Cargo.lock=x", "src/main.rs=x"), NULL, NULL);
    has(g.hint, "`COPY Cargo.toml Cargo.lock ./`");
    has(g.hint, "cargo fetch");

    g = run("HS011", "WORKDIR /src\nCOPY . .\nRUN ./mvnw -B package\n",
            FILES("pom.xml=x", "mvnw=x", ".mvn/wrapper/maven-wrapper.properties=x"), NULL, NULL);
    has(g.hint, "`COPY pom.xml mvnw ./`, `COPY .mvn ./.mvn/`, `RUN ./mvnw -B dependency:go-offline`");

    g = run("HS011", "WORKDIR /src\nCOPY . .\nRUN bundle install\n",
            FILES("Gemfile=x", "Gemfile.lock=x"), NULL, NULL);
    has(g.hint, "`COPY Gemfile Gemfile.lock ./`, `RUN bundle install`");

    g = run("HS011", "WORKDIR /src\nCOPY . .\nRUN composer install --no-dev\n",
            FILES("composer.json=x", "composer.lock=x"), NULL, NULL);
    has(g.hint, "`RUN composer install --no-dev --no-scripts --no-autoloader`");
}

static void hs011_where(void **state)
{
    (void)state;
    /* A directory that holds the manifests, then WORKDIR into it. */
    got g = run("HS011", "COPY app/ /srv/app/\nWORKDIR /srv/app\nRUN npm ci\n",
                FILES("app/package.json={}", "app/package-lock.json={}", "README=x"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "all of app/");
    has(g.hint, "`COPY app/package.json app/package-lock.json /srv/app/`");

    /* `cd` inside the RUN. */
    g = run("HS011", "WORKDIR /src\nCOPY . .\nRUN cd web && npm ci && npm run build\n",
            FILES("web/package.json={}", "api/main.go=x"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.hint, "`COPY web/package.json ./web/`, `RUN cd web && npm ci`, `COPY . .` (then line 4 as "
                "before, without the install)");

    /* ADD copies the same way. */
    g = run("HS011", "ADD . /app\nWORKDIR /app\nRUN npm install --omit=dev\n",
            FILES("package.json={}"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "ADD of the whole context before the npm install at line 4");
    has(g.hint, "`COPY package.json /app/`, `RUN npm install --omit=dev`, `ADD . /app`");

    /* The manifests are copied first, but COPY . still precedes the install. */
    g = run("HS011", "WORKDIR /app\nCOPY package*.json ./\nCOPY . .\nRUN npm ci\n",
            FILES("package.json={}", "package-lock.json={}"), NULL, NULL);
    assert_int_equal(g.count, 1);
    assert_int_equal(g.line, 4);
    has(g.message, "package.json is copied at line 3, but this COPY");
    has(g.message, "move the install above this line");
}

static void hs011_silent(void **state)
{
    (void)state;
    const char *const *node = FILES("package.json={}", "package-lock.json={}", "index.js=1");
    /* The right order. */
    none("HS011", "WORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"
                  "RUN npm run build\n", node);
    /* No manifest in the context. */
    none("HS011", "WORKDIR /app\nCOPY . .\nRUN npm ci\n", FILES("index.js=1"));
    /* The manifest is excluded: not sent, nothing to copy first (HS002/HS004
     * have their say). */
    none("HS011", "WORKDIR /app\nCOPY . .\nRUN npm ci\n",
         FILES(".dockerignore=package*.json\n", "package.json={}", "index.js=1"));
    /* The install is in another stage. */
    none("HS011", "FROM node:22 AS src\nWORKDIR /app\nCOPY . .\nFROM node:22\nWORKDIR /app\n"
                  "RUN npm ci\n", node);
    /* The install does not follow the COPY. */
    none("HS011", "FROM node:22\nWORKDIR /app\nRUN npm ci\nCOPY . .\n", node);
    /* Not installs from the manifests. */
    none("HS011", "WORKDIR /app\nCOPY . .\nRUN npm install -g pm2 && npm install left-pad\n", node);
    none("HS011", "WORKDIR /app\nCOPY . .\nRUN pip install flask==3.0.0\n",
         FILES("requirements.txt=x"));
    /* A directory without the manifests. */
    none("HS011", "WORKDIR /app\nCOPY src/ ./src/\nRUN npm ci\n",
         FILES("package.json={}", "src/index.js=1"));
    /* The install runs somewhere the COPY did not put anything. */
    none("HS011", "COPY . /src\nWORKDIR /other\nRUN npm ci\n", node);
    /* go build: vendored modules, a module without dependencies, a cache mount. */
    none("HS011", "WORKDIR /s\nCOPY . .\nRUN go build .\n",
         FILES("go.mod=x", "go.sum=x", "vendor/modules.txt=x"));
    none("HS011", "WORKDIR /s\nCOPY . .\nRUN go build .\n", FILES("go.mod=x", "main.go=x"));
    none("HS011", "WORKDIR /s\nCOPY . .\nRUN --mount=type=cache,target=/root/go/pkg/mod go build .\n",
         FILES("go.mod=x", "go.sum=x"));
    /* go build after a go mod download above the COPY. */
    none("HS011", "WORKDIR /s\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build .\n",
         FILES("go.mod=x", "go.sum=x"));
    /* No context: HS011 is silent (HS008 speaks instead). */
    none("HS011", "WORKDIR /app\nCOPY . .\nRUN npm ci\n", NULL);
}

static void hs011_hs008_and_disabling(void **state)
{
    (void)state;
    const char *df = "WORKDIR /app\nCOPY . .\nRUN npm ci\n";
    const char *const *node = FILES("package.json={}", "package-lock.json={}");
    /* Without a context HS008 guesses; with one, HS011 knows. */
    assert_int_equal(run("HS008", df, NULL, NULL, NULL).count, 1);
    assert_int_equal(run("HS008", df, node, NULL, NULL).count, 0);
    assert_int_equal(run("HS008", df, FILES("index.js=1"), NULL, NULL).count, 0);
    /* HS011 off: HS008 is back. */
    assert_int_equal(run("HS011", df, node, "ignored: [HS011]\n", NULL).count, 0);
    assert_int_equal(run("HS008", df, node, "ignored: [HS011]\n", NULL).count, 1);
    /* Pragmas. */
    assert_int_equal(run("HS011", "WORKDIR /app\n# hoist ignore=HS011\nCOPY . .\nRUN npm ci\n", node,
                         NULL, NULL).count, 0);
    assert_int_equal(run("HS011", "# hoist global ignore=HS011\nFROM node:22\nWORKDIR /app\nCOPY . .\n"
                                  "RUN npm ci\n", node, NULL, NULL).count, 0);
    /* A severity override. */
    lint_case c = {"HS011", true, df, "override:\n  error: [HS011]\n", node, false, NULL, 0, false};
    hoist_lint_result *r = lint_text(&c);
    assert_int_equal(hoist_lint_result_max(r), HOIST_LINT_ERROR);
    hoist_lint_result_free(r);
}

/* ------------------------------------------------------------------ HS012 */

static void hs012_reported(void **state)
{
    (void)state;
    got g = run("HS012", "FROM debian:12\nARG BUILD_DATE\nRUN apt-get update && apt-get install -y gcc\n"
                         "COPY . /src\nRUN make -C /src\nLABEL org.opencontainers.image.created=$BUILD_DATE\n",
                NULL, NULL, NULL);
    assert_int_equal(g.count, 1);
    assert_int_equal(g.line, 2);
    assert_int_equal(g.column, 5);
    has(g.message, "BUILD_DATE holds a timestamp");
    has(g.message, "2 RUN steps that do not use it rebuild every time (lines 3, 5)");
    has(g.hint, "right before line 6, its first use");

    g = run("HS012", "ARG git_commit\nRUN make\n", NULL, NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "a commit ID");
    has(g.message, "1 RUN step that does not use it rebuilds every time (line 3)");
    has(g.hint, "nothing in this stage uses $git_commit");

    g = run("HS012", "ARG VERSION CI_PIPELINE_ID\nRUN make\nRUN echo $CI_PIPELINE_ID > /id\n", NULL,
            NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "CI_PIPELINE_ID holds a build number");

    /* Used early, then expensive steps. */
    g = run("HS012", "ARG GIT_SHA\nRUN echo $GIT_SHA > /rev\nRUN make\n", NULL, NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "(line 4)");
    has(g.hint, "move `ARG GIT_SHA` and the step that uses it (line 3) below line 4");

    /* In a build stage of a multi-stage file. */
    g = run("HS012", "FROM golang:1.23 AS build\nARG VCS_REF\nRUN go build -ldflags \"-X main.rev=$VCS_REF\" -o /app .\n"
                     "RUN go test ./...\nFROM scratch\nCOPY --from=build /app /app\n", NULL, NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "(line 4)");
}

static void hs012_engines(void **state)
{
    (void)state;
    /* A LABEL that uses it: with the classic builder, a new image config,
     * so everything after it misses; with BuildKit, metadata only. */
    const char *df = "ARG BUILD_DATE\nLABEL built=$BUILD_DATE\nCOPY a /a\nRUN make\n";
    got bk = run("HS012", df, NULL, NULL, NULL);
    got cl = run("HS012", df, NULL, NULL, &classic);
    assert_int_equal(bk.count, 1);
    assert_int_equal(cl.count, 1);
    assert_null(strstr(bk.message, "from the LABEL"));
    has(cl.message, "from the LABEL at line 3 on, a new image config for the classic builder");
}

static void hs012_silent(void **state)
{
    (void)state;
    none("HS012", "ARG SOURCE_DATE_EPOCH\nRUN make\n", NULL);
    none("HS012", "ARG VERSION=1.2\nRUN make\n", NULL);
    none("HS012", "RUN make\nARG GIT_SHA\nLABEL org.opencontainers.image.revision=$GIT_SHA\n", NULL);
    none("HS012", "RUN make\nARG GIT_SHA\nRUN echo $GIT_SHA > /rev\n", NULL);
    /* A global ARG is not in a stage's scope unless declared there. */
    none("HS012", "ARG GIT_SHA\nFROM alpine:3.19\nRUN make\n", NULL);
    /* A default that pins a commit. */
    none("HS012", "ARG LIBFOO_COMMIT=0123456789abcdef0123456789abcdef01234567\nRUN make\n", NULL);
    /* Not a date: no suffix match on *_DATE alone. */
    none("HS012", "ARG RELEASE_DATE\nRUN make\n", NULL);
    /* No RUN below it. */
    none("HS012", "ARG BUILD_DATE\nCOPY a /a\nLABEL d=$BUILD_DATE\n", NULL);
    /* Pragmas and config. */
    none("HS012", "# hoist ignore=HS012\nARG GIT_SHA\nRUN make\n", NULL);
    assert_int_equal(run("HS012", "ARG GIT_SHA\nRUN make\n", NULL, "ignored: [HS012]\n", NULL).count, 0);
}

/* ------------------------------------------------------------------ HS013 */

static void hs013_reported(void **state)
{
    (void)state;
    got g = run("HS013", "WORKDIR /app\nCOPY . .\n",
                FILES(".git/HEAD=ref", ".git/objects/ab/cd=x", "main.c=x", "build.log=x"), NULL, NULL);
    assert_int_equal(g.count, 1);
    assert_int_equal(g.line, 3);
    has(g.message, "3 files");
    has(g.message, ".git/ (git data, 2 files)");
    has(g.message, "build.log (log)");
    has(g.message, "no ignore file excludes");
    has(g.hint, "create .dockerignore with: *.log, .git");

    /* An ignore file that misses them; nested paths need **. */
    g = run("HS013", "COPY . /app\n",
            FILES(".dockerignore=*.tmp\n", "logs/a.log=x", "src/x/b.log=y", "src/__pycache__/m.pyc=x",
                  "src/m.py=x"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "the ignore file does not exclude");
    has(g.message, "src/__pycache__/ (Python bytecode, 1 file)");
    assert_null(strstr(g.message, "m.pyc (")); /* counted in its directory */
    has(g.hint, "add to .dockerignore: **/*.log, **/__pycache__");

    /* A directory COPY reaches what is inside it only. */
    g = run("HS013", "COPY src/ /app/\n", FILES("src/.DS_Store=x", "src/a.c=x", "README.md~=x"), NULL, NULL);
    assert_int_equal(g.count, 1);
    has(g.message, "src/.DS_Store");
    assert_null(strstr(g.message, "README.md~"));

    /* Build output next to its manifest; node_modules when a RUN installs. */
    g = run("HS013", "WORKDIR /app\nCOPY . .\nRUN npm ci\n",
            FILES("package.json={}", "node_modules/x/index.js=1", "dist/main.js=1", "Cargo.toml=x",
                  "target/debug/x=1"), NULL, NULL);
    has(g.message, "node_modules/ (installed packages, 1 file)");
    has(g.message, "dist/ (build output");
    has(g.message, "target/ (build output");
    has(g.hint, "dist, node_modules, target");

    /* .env files by name, templates left alone. */
    g = run("HS013", "COPY . /app\n", FILES(".env=A=1", ".env.local=B=2", ".env.example=A="), NULL, NULL);
    has(g.hint, ".env, .env.local");
    assert_null(strstr(g.hint, "example"));
    assert_null(strstr(g.message, "example"));

    /* More than five. */
    g = run("HS013", "COPY . /app\n", FILES("a.log=1", "b.log=1", "c.log=1", "d.log=1", "e.log=1", "f.log=1",
                                            "g.log=1"), NULL, NULL);
    has(g.message, "and 2 more");
    has(g.hint, "*.log");
}

/* Writing the lines the hint gives into .dockerignore ends the finding. */
static void hs013_fix_works(void **state)
{
    (void)state;
    const char *df = "WORKDIR /app\nCOPY . .\nRUN npm ci\n";
    got g = run("HS013", df,
                FILES(".dockerignore=# mine\n*.log\n!keep.log\n", "package.json={}", ".git/HEAD=x",
                      "node_modules/a/b.js=1", "src/app.log=1", "keep.log=1", "src/.DS_Store=1",
                      "web/dist/a.js=1", "web/package.json={}", ".env.production=X=1", "x.swp=1"),
                NULL, NULL);
    assert_int_equal(g.count, 1);
    /* keep.log is re-included by an exception that names it: on purpose;
     * a pattern for every .log file would exclude it again, so src/app.log
     * goes by name. */
    assert_null(strstr(g.message, "keep.log"));
    has(g.hint, "src/app.log");
    assert_null(strstr(g.hint, "*.log"));
    const char *lines = strstr(g.hint, ": ");
    assert_non_null(lines);
    char ign[1024] = ".dockerignore=# mine\n*.log\n!keep.log\n";
    for (const char *p = lines + 2; *p;) {
        size_t n = strcspn(p, ",");
        size_t w = strlen(ign);
        snprintf(ign + w, sizeof(ign) - w, "%.*s\n", (int)n, p);
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    got again = run("HS013", df,
                    FILES(ign, "package.json={}", ".git/HEAD=x", "node_modules/a/b.js=1", "src/app.log=1",
                          "keep.log=1", "src/.DS_Store=1", "web/dist/a.js=1", "web/package.json={}",
                          ".env.production=X=1", "x.swp=1"),
                    NULL, NULL);
    if (again.count)
        fprintf(stderr, "%s\nstill: %s\n", ign, again.message);
    assert_int_equal(again.count, 0);
}

static void hs013_silent(void **state)
{
    (void)state;
    /* All excluded. */
    none("HS013", "COPY . /app\n", FILES(".dockerignore=.git\n**/*.log\n", ".git/HEAD=x", "a/b.log=x"));
    /* Not copied: named files only, or from another stage. */
    none("HS013", "COPY main.c /app/\n", FILES(".git/HEAD=x", "main.c=x", "x.log=1"));
    none("HS013", "FROM alpine:3.19 AS b\nFROM alpine:3.19\nCOPY --from=b / /x\n", FILES(".git/HEAD=x"));
    /* node_modules without an install; dist/target/build without the
     * build system that makes them; a coverage/ that is source. */
    none("HS013", "COPY . /app\n", FILES("node_modules/a.js=1"));
    none("HS013", "COPY . /app\n", FILES("dist/a=1", "target/b=1", "build/c.sh=1", "coverage/x.go=1"));
    /* A file named like a directory kind, and the other way round. */
    none("HS013", "COPY . /app\n", FILES(".git=gitdir: ../x", "logs.log/a=1"));
    /* No context. */
    none("HS013", "COPY . /app\n", NULL);
    /* Pragma. */
    none("HS013", "# hoist ignore=HS013\nCOPY . /app\n", FILES("x.log=1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hs011_npm),
        cmocka_unit_test(hs011_other_tools),
        cmocka_unit_test(hs011_where),
        cmocka_unit_test(hs011_silent),
        cmocka_unit_test(hs011_hs008_and_disabling),
        cmocka_unit_test(hs012_reported),
        cmocka_unit_test(hs012_engines),
        cmocka_unit_test(hs012_silent),
        cmocka_unit_test(hs013_reported),
        cmocka_unit_test(hs013_fix_works),
        cmocka_unit_test(hs013_silent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
