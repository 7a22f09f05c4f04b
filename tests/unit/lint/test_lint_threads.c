/*
 * test_lint_threads.c - one parsed Dockerfile, linted and queried from 8
 * threads at once.
 *
 * dockerfile.h and lint.h promise that a parsed handle is immutable and
 * that hoist_lint_run() only reads it (and the shared config). This test
 * parses once, computes a single-threaded baseline (the findings, the stage
 * list, the printed text), then runs 8 threads that each lint the same
 * handle with the same config many times (with their own context
 * directory walk) and run every other read-only query, comparing each
 * answer with the baseline. Run under ThreadSanitizer (tests/run-tsan) it
 * also proves there is no data race; without TSan it still checks that
 * concurrent answers are the same as sequential ones.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hoist/dockerfile.h"
#include "hoist/lint.h"

#define THREADS 8
#define ROUNDS 12

static const char dockerfile[] =
    "# syntax=docker/dockerfile:1\n"
    "ARG GO=1.22\n"
    "ARG BASE=alpine\n"
    "FROM golang:${GO} AS build\n"
    "WORKDIR /src\n"
    "ARG GO\n"
    "ENV GOFLAGS=-mod=mod\n"
    "COPY . .\n"
    "RUN go mod download\n"
    "RUN --mount=type=cache,target=/root/.cache go build -o /app .\n"
    "RUN apt-get update && apt-get install -y curl\n"
    "FROM build AS test\n"
    "RUN go test ./...\n"
    "FROM ${BASE}:3.20\n"
    "COPY --from=build /app /app\n"
    "COPY missing.txt /etc/\n"
    "COPY <<EOF /etc/motd\n"
    "hello\n"
    "EOF\n"
    "HEALTHCHECK --start-interval=1s CMD [\"/app\", \"health\"]\n"
    "ONBUILD RUN echo $HOME\n"
    "cmd /app\n";

typedef struct shared {
    const hoist_dockerfile *df;
    const hoist_lint_config *cfg;
    const hoist_lint_engine *engine;
    char ctxdir[64];
    char *baseline;      /* findings, one line each */
    char *printed;       /* hoist_dockerfile_print */
    size_t stage_count;
    char stage_names[256];
} shared;

/* The findings as text, one "code line:col severity message" a line. */
static char *findings_text(const hoist_lint_result *r)
{
    size_t cap = 256, len = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < hoist_lint_result_finding_count(r); i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(r, i);
        char line[3000];
        int n = snprintf(line, sizeof(line), "%s %s:%d:%d %s %s\n", f->code, f->file, f->range.start.line,
                         f->range.start.column, hoist_lint_severity_name(f->severity), f->message);
        if (n < 0)
            continue;
        while (len + (size_t)n + 1 > cap) {
            cap *= 2;
            char *t = realloc(s, cap);
            if (!t) {
                free(s);
                return NULL;
            }
            s = t;
        }
        memcpy(s + len, line, (size_t)n + 1);
        len += (size_t)n;
    }
    return s;
}

static char *lint_once(const shared *sh, hoist_error *err)
{
    hoist_lint_options o = HOIST_LINT_OPTIONS_INIT;
    o.flags = HOIST_LINT_NO_SHELLCHECK;
    o.config = sh->cfg;
    o.engine = sh->engine;
    o.context_dir = sh->ctxdir;
    o.dockerfile = "Dockerfile";
    hoist_lint_result *r = NULL;
    if (hoist_lint_run(&r, sh->df, &o, err))
        return NULL;
    char *text = findings_text(r);
    hoist_lint_result_free(r);
    return text;
}

static void stage_names(const hoist_df_stage *st, size_t n, char *out, size_t size)
{
    size_t w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && w < size; i++)
        w += (size_t)snprintf(out + w, size - w, "%s=%s;", st[i].name ? st[i].name : "-",
                              st[i].base_expanded ? st[i].base_expanded : "?");
}

/* One thread: every read-only query, ROUNDS times; returns the number of
 * answers that differed from the baseline (0 expected). */
static void *worker(void *arg)
{
    const shared *sh = arg;
    long bad = 0;
    for (int round = 0; round < ROUNDS; round++) {
        hoist_error err = HOIST_ERROR_INIT;
        char *text = lint_once(sh, &err);
        if (!text || strcmp(text, sh->baseline))
            bad++;
        free(text);

        hoist_df_stage *st = NULL;
        size_t n = 0;
        if (hoist_dockerfile_stages(sh->df, &st, &n, NULL, &err) || n != sh->stage_count) {
            bad++;
        } else {
            char names[256];
            stage_names(st, n, names, sizeof(names));
            bad += strcmp(names, sh->stage_names) != 0;
        }
        hoist_df_stages_free(st);

        bool needed[8];
        if (hoist_dockerfile_target_stages(sh->df, needed, 8, "test", NULL, &err) || !needed[0] || !needed[1] ||
            needed[2])
            bad++;
        hoist_df_copy_from from;
        if (hoist_dockerfile_resolve_from(sh->df, &from, 2, "BUILD", &err) || from.kind != HOIST_DF_FROM_STAGE ||
            from.stage != 0)
            bad++;
        hoist_df_scope *sc = NULL;
        if (hoist_dockerfile_scope_at(sh->df, &sc, 5, NULL, &err) || !hoist_df_scope_get(sc, "GO") ||
            strcmp(hoist_df_scope_get(sc, "GO"), "1.22"))
            bad++;
        hoist_df_scope_free(sc);

        char *printed = NULL;
        if (hoist_dockerfile_print(sh->df, &printed, NULL, NULL, &err) || strcmp(printed, sh->printed))
            bad++;
        free(printed);
    }
    return (void *)bad;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_lint_from_threads(void **state)
{
    (void)state;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_dockerfile *df = NULL;
    assert_int_equal(hoist_dockerfile_parse(&df, dockerfile, sizeof(dockerfile) - 1, NULL, &err), 0);
    hoist_lint_config *cfg = NULL;
    assert_int_equal(hoist_lint_config_new(&cfg, &err), 0);
    hoist_lint_engine engine = HOIST_LINT_ENGINE_INIT;
    engine.known = true;
    engine.buildkit = false; /* the classic builder: HS009 has something to say */
    engine.api_version = "1.41";

    shared sh = {.df = df, .cfg = cfg, .engine = &engine};
    snprintf(sh.ctxdir, sizeof(sh.ctxdir), "/tmp/hoist-lint-threads.XXXXXX");
    assert_non_null(mkdtemp(sh.ctxdir));
    write_file(sh.ctxdir, "go.mod", "module x\n");
    write_file(sh.ctxdir, "main.go", "package main\n");
    write_file(sh.ctxdir, ".env", "TOKEN=x\n");

    sh.baseline = lint_once(&sh, &err);
    assert_non_null(sh.baseline);
    /* The baseline is worth comparing: rules of every family fired. */
    assert_non_null(strstr(sh.baseline, "HS001"));   /* missing.txt */
    assert_non_null(strstr(sh.baseline, "HS006"));   /* .env */
    assert_non_null(strstr(sh.baseline, "HS009"));   /* classic builder */
    assert_non_null(strstr(sh.baseline, "DL3008"));  /* apt-get unpinned */
    assert_int_equal(hoist_dockerfile_print(df, &sh.printed, NULL, NULL, &err), 0);
    hoist_df_stage *st = NULL;
    assert_int_equal(hoist_dockerfile_stages(df, &st, &sh.stage_count, NULL, &err), 0);
    assert_int_equal(sh.stage_count, 3);
    stage_names(st, sh.stage_count, sh.stage_names, sizeof(sh.stage_names));
    hoist_df_stages_free(st);

    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, &sh), 0);
    long bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *ret = NULL;
        assert_int_equal(pthread_join(t[i], &ret), 0);
        bad += (long)ret;
    }
    assert_int_equal(bad, 0);

    /* Nothing the threads did changed the handle's answers. */
    char *again = lint_once(&sh, &err);
    assert_non_null(again);
    assert_string_equal(again, sh.baseline);
    free(again);

    for (const char *const *n = (const char *const[]){"go.mod", "main.go", ".env", NULL}; *n; n++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", sh.ctxdir, *n);
        unlink(path);
    }
    rmdir(sh.ctxdir);
    free(sh.baseline);
    free(sh.printed);
    hoist_lint_config_free(cfg);
    hoist_dockerfile_free(df);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lint_from_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
