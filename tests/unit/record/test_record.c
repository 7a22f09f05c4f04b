/*
 * test_record.c - build records: computed from a real context directory,
 * JSON round trip, save/load, and the comparison behind hoist explain
 * (which edit makes which step miss, per builder model). No engine: base
 * images are "missing" (the integration test covers real ones).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "record/record.h"
#include "common/json_util.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *DF = "ARG BASE=busybox\n"
                        "FROM $BASE AS build\n"
                        "ARG VERSION=1\n"
                        "WORKDIR /src\n"
                        "COPY src/ ./\n"
                        "RUN make\n"
                        "LABEL a=b\n"
                        "RUN echo $VERSION\n"
                        "FROM busybox\n"
                        "COPY --from=build /out /out\n"
                        "COPY b.txt /b\n";

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/hoist-test-record.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char src[512];
    snprintf(src, sizeof(src), "%s/src", dir);
    assert_int_equal(mkdir(src, 0755), 0);
    write_file("Dockerfile", DF);
    write_file(".dockerignore", "*.log\n");
    write_file("src/a.c", "int a;\n");
    write_file("b.txt", "b\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static rec *compute_prev(const char *engine, const char *const *args, size_t nargs, const rec *prev)
{
    hoist_context_options copts = HOIST_CONTEXT_OPTIONS_INIT;
    hoist_context *ctx = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_open(&ctx, dir, &copts, &err), 0);
    hoist_dockerfile *df = NULL;
    assert_int_equal(hoist_dockerfile_parse_file(&df, hoist_context_dockerfile_path(ctx), NULL, &err), 0);
    rec_inputs in = {NULL, ctx, df, engine, "unix:///x.sock", NULL, args, nargs, prev};
    rec *r = NULL;
    assert_int_equal(rec_compute(&r, &in, &err), 0);
    hoist_dockerfile_free(df);
    hoist_context_free(ctx);
    return r;
}

static rec *compute(const char *engine, const char *const *args, size_t nargs)
{
    return compute_prev(engine, args, nargs, NULL);
}

/* The n-th entry (0-based) of a step's file table, in rd. */
static const rec_file *nth_file(const rec *r, int step_at, size_t n, rec_file_reader *rd)
{
    const rec_step *s = &r->steps[step_at];
    rec_file_reader_init(rd, r->files, s->files_at, s->file_count);
    for (size_t i = 0; i <= n; i++)
        assert_int_equal(rec_file_next(rd), 1);
    return &rd->file;
}

/* First step that misses: its step number and cause; 0 when none. */
static int first_miss(const rec *old, const rec *now, hoist_explain_cause *cause, char *reason, size_t size)
{
    rec_verdict *v = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(rec_compare(&v, old, now, false, &err), 0);
    int step = 0;
    for (size_t i = 0; i < now->step_count && !step; i++)
        if (v[i].status == HOIST_EXPLAIN_MISS) {
            step = now->steps[i].index + 1;
            *cause = v[i].cause;
            snprintf(reason, size, "%s", v[i].reason);
        }
    rec_verdicts_free(v, now->step_count);
    return step;
}

static void expect(const char *engine, rec **old, int step, hoist_explain_cause cause, const char *reason_part,
                   const char *const *args, size_t nargs)
{
    rec *now = compute_prev(engine, args, nargs, *old); /* digests of unchanged files reused */
    hoist_explain_cause got_cause = HOIST_EXPLAIN_CAUSE_NONE;
    char reason[1024] = "";
    int got = first_miss(*old, now, &got_cause, reason, sizeof(reason));
    if (got != step)
        fail_msg("%s: first miss: expected step %d, got %d (%s)", engine, step, got, reason);
    if (step) {
        assert_int_equal(got_cause, cause);
        if (reason_part && !strstr(reason, reason_part))
            fail_msg("reason '%s' lacks '%s'", reason, reason_part);
    }
    rec_free(*old);
    *old = now;
}

static void test_roundtrip(void **state)
{
    (void)state;
    rec *r = compute("buildkit", NULL, 0);
    assert_true(r->step_count >= 10);
    json_t *j = rec_to_json(r);
    assert_non_null(j);
    char *a = json_dumps(j, JSON_SORT_KEYS);
    rec *back = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(rec_from_json(&back, j, &err), 0);
    json_t *j2 = rec_to_json(back);
    char *b = json_dumps(j2, JSON_SORT_KEYS);
    assert_string_equal(a, b);
    /* COPY src/ ./ lists the directory and its file, with modes */
    const rec_step *copy = &back->steps[3];
    assert_string_equal(copy->keyword, "COPY");
    assert_true(copy->has_sources);
    assert_int_equal(copy->file_count, 2);
    rec_file_reader rd;
    assert_string_equal(nth_file(r, 3, 1, &rd)->path, "src/a.c");
    assert_int_equal(rd.file.type, 'f');
    assert_int_equal(nth_file(r, 3, 0, &rd)->type, 'd');
    assert_int_equal(rec_file_next(&rd), 1);
    assert_int_equal(rec_file_next(&rd), 0); /* two entries, then the end */
    assert_false(rd.broken);
    /* a record of another format is refused */
    json_object_set_new(j, "format", json_integer(99));
    rec *bad = NULL;
    assert_int_equal(rec_from_json(&bad, j, &err), HOIST_EINPUT);
    assert_null(bad);
    free(a);
    free(b);
    json_decref(j);
    json_decref(j2);
    rec_free(back);
    rec_free(r);
}

/* A file whose stat signature is unchanged is not read again: its digest
 * comes from the last record (here a tampered one, to see it). */
static void test_reuse(void **state)
{
    (void)state;
    rec *old = compute("api", NULL, 0);
    rec_file_reader rd;
    const rec_file *f = nth_file(old, 3, 1, &rd);
    assert_string_equal(f->path, "src/a.c");
    assert_true(f->sig != 0);
    char real[65];
    memcpy(real, f->digest, sizeof(real));
    /* tamper with the recorded digest: 32 bytes of 0xaa */
    unsigned char aa[32];
    memset(aa, 0xaa, sizeof(aa));
    assert_int_equal(fseeko(old->files, rd.digest_at, SEEK_SET), 0);
    assert_int_equal(fwrite(aa, 1, 32, old->files), 32);
    assert_int_equal(fflush(old->files), 0);
    char tampered[65];
    memset(tampered, 'a', 64);
    tampered[64] = '\0';
    rec *again = compute_prev("api", NULL, 0, old);
    assert_string_equal(nth_file(again, 3, 1, &rd)->digest, tampered);
    rec_free(again);
    /* a new write changes the stat: read again */
    write_file("src/a.c", "int a;\n");
    again = compute_prev("api", NULL, 0, old);
    assert_string_equal(nth_file(again, 3, 1, &rd)->digest, real);
    rec_free(again);
    rec_free(old);
}

static void test_save_load(void **state)
{
    (void)state;
    char cache[400], path[4200];
    snprintf(cache, sizeof(cache), "%s/cache/records", dir);
    assert_true(rec_path(path, sizeof(path), cache, "api", "unix:///x.sock", dir, "Dockerfile", ""));
    char other[4200];
    assert_true(rec_path(other, sizeof(other), cache, "api", "unix:///x.sock", dir, "Dockerfile", "build"));
    assert_string_not_equal(path, other); /* the target is part of the key */
    rec *none = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(rec_load(&none, path, &err), 0);
    assert_null(none);
    rec *r = compute("api", NULL, 0);
    assert_int_equal(rec_save(r, path, &err), 0);
    rec *back = NULL;
    assert_int_equal(rec_load(&back, path, &err), 0);
    assert_non_null(back);
    assert_int_equal(back->step_count, r->step_count);
    /* a broken record is no record */
    FILE *f = fopen(path, "w");
    fputs("{not json", f);
    fclose(f);
    rec *broken = NULL;
    assert_int_equal(rec_load(&broken, path, &err), 0);
    assert_null(broken);
    rec_free(back);
    rec_free(r);
}

static void test_compare_buildkit(void **state)
{
    (void)state;
    const char *v2[] = {"VERSION=2"};
    rec *old = compute("buildkit", NULL, 0);
    expect("buildkit", &old, 0, 0, NULL, NULL, 0);                      /* unchanged */
    char path[512];
    snprintf(path, sizeof(path), "%s/src/a.c", dir);
    struct utimbuf t = {1000000000, 1000000000};
    assert_int_equal(utime(path, &t), 0);
    expect("buildkit", &old, 0, 0, NULL, NULL, 0);                      /* mtime only */
    assert_int_equal(chmod(path, 0600), 0);
    expect("buildkit", &old, 5, HOIST_EXPLAIN_CAUSE_FILES, "src/a.c changed (mode)", NULL, 0);
    write_file("src/a.c", "int b;\n");
    expect("buildkit", &old, 5, HOIST_EXPLAIN_CAUSE_FILES, "src/a.c changed (content)", NULL, 0);
    write_file("x.log", "noise\n");
    expect("buildkit", &old, 0, 0, NULL, NULL, 0);                      /* ignored file */
    write_file("src/new.c", "\n");
    expect("buildkit", &old, 5, HOIST_EXPLAIN_CAUSE_FILES, "src/new.c added", NULL, 0);
    /* a build arg misses the first RUN after its ARG, used or not */
    expect("buildkit", &old, 6, HOIST_EXPLAIN_CAUSE_ARG, "ARG VERSION changed 1 \u2192 2", v2, 1);
    /* a comment moves lines, not instructions; a LABEL is no BuildKit step */
    char df[1024];
    snprintf(df, sizeof(df), "# comment\n%s", DF);
    write_file("Dockerfile", df);
    expect("buildkit", &old, 0, 0, NULL, v2, 1);
    char *label = strstr(df, "LABEL a=b");
    memcpy(label, "LABEL a=c", 9);
    write_file("Dockerfile", df);
    expect("buildkit", &old, 0, 0, NULL, v2, 1);
    /* blanks between words and the keyword's case are not compared */
    char *copy = strstr(df, "COPY src/ ./");
    memcpy(copy, "copy src/ ./", 12);
    write_file("Dockerfile", df);
    expect("buildkit", &old, 0, 0, NULL, v2, 1);
    char *run = strstr(df, "RUN make");
    memcpy(run, "RUN mak2", 8);
    write_file("Dockerfile", df);
    expect("buildkit", &old, 6, HOIST_EXPLAIN_CAUSE_INSTRUCTION, "line 7 edited", v2, 1);
    rec_free(old);
    write_file("Dockerfile", DF);
}

static void test_run_mount(void **state)
{
    (void)state;
    write_file("Dockerfile", "FROM busybox AS a\n"
                             "RUN echo a\n"
                             "FROM busybox\n"
                             "RUN --mount=type=bind,source=b.txt,target=/b cat /b\n"
                             "RUN --mount=type=cache,target=/c --mount=from=a,target=/a true\n");
    rec *old = compute("buildkit", NULL, 0);
    assert_true(old->steps[3].has_sources);
    assert_int_equal(old->steps[3].file_count, 1);
    rec_file_reader rd;
    assert_string_equal(nth_file(old, 3, 0, &rd)->path, "b.txt");
    assert_false(old->steps[4].has_sources);
    assert_string_equal(old->steps[4].from, "stage:0");
    write_file("src/a.c", "not mounted\n");
    expect("buildkit", &old, 0, 0, NULL, NULL, 0);
    write_file("b.txt", "mounted\n");
    expect("buildkit", &old, 4, HOIST_EXPLAIN_CAUSE_FILES, "b.txt changed (content)", NULL, 0);
    /* the stage a RUN mounts from rebuilds: maybe */
    write_file("Dockerfile", "FROM busybox AS a\n"
                             "RUN echo b\n"
                             "FROM busybox\n"
                             "RUN --mount=type=bind,source=b.txt,target=/b cat /b\n"
                             "RUN --mount=type=cache,target=/c --mount=from=a,target=/a true\n");
    rec *now = compute("buildkit", NULL, 0);
    rec_verdict *v = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(rec_compare(&v, old, now, false, &err), 0);
    assert_int_equal(v[1].status, HOIST_EXPLAIN_MISS);
    assert_int_equal(v[3].status, HOIST_EXPLAIN_CACHED);
    assert_int_equal(v[4].status, HOIST_EXPLAIN_MAYBE);
    rec_verdicts_free(v, now->step_count);
    rec_free(now);
    rec_free(old);
}

static void test_compare_classic(void **state)
{
    (void)state;
    rec *old = compute("api", NULL, 0);
    /* a global ARG moves FROM: the classic builder's first probe after it (an ARG) misses */
    const char *base[] = {"BASE=alpine"};
    expect("api", &old, 3, HOIST_EXPLAIN_CAUSE_BASE, "the base image is now alpine (was busybox)", base, 1);
    expect("api", &old, 3, HOIST_EXPLAIN_CAUSE_BASE, "now busybox", NULL, 0);
    /* the classic builder probes ARG and LABEL too */
    char df[1024];
    snprintf(df, sizeof(df), "%s", DF);
    char *label = strstr(df, "LABEL a=b");
    memcpy(label, "LABEL a=c", 9);
    write_file("Dockerfile", df);
    expect("api", &old, 7, HOIST_EXPLAIN_CAUSE_INSTRUCTION, "line 7 edited", NULL, 0);
    /* the next steps of the stage follow; the other stage's COPY --from is a maybe */
    rec *now = compute("api", NULL, 0);
    write_file("Dockerfile", DF);
    rec *changed = compute("api", NULL, 0);
    rec_verdict *v = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(rec_compare(&v, now, changed, false, &err), 0);
    for (size_t i = 0; i < changed->step_count; i++) {
        int step = changed->steps[i].index + 1;
        if (step == 8)
            assert_int_equal(v[i].cause, HOIST_EXPLAIN_CAUSE_PREVIOUS);
        if (step == 10)
            assert_int_equal(v[i].status, HOIST_EXPLAIN_MAYBE);
    }
    rec_verdicts_free(v, changed->step_count);
    /* no record: every step is new; --no-cache: every step misses */
    assert_int_equal(rec_compare(&v, NULL, changed, false, &err), 0);
    assert_int_equal(v[1].cause, HOIST_EXPLAIN_CAUSE_NEW);
    rec_verdicts_free(v, changed->step_count);
    assert_int_equal(rec_compare(&v, changed, changed, true, &err), 0);
    assert_int_equal(v[1].cause, HOIST_EXPLAIN_CAUSE_NO_CACHE);
    rec_verdicts_free(v, changed->step_count);
    rec_free(now);
    rec_free(changed);
    rec_free(old);
}

/* The walk's order: '/' before any other byte. */
static void test_path_order(void **state)
{
    (void)state;
    assert_true(rec_path_cmp("a/b", "a.txt") < 0);
    assert_true(rec_path_cmp("a.txt", "a/b") > 0);
    assert_true(rec_path_cmp("a", "a/b") < 0);
    assert_true(rec_path_cmp("a/b", "a-b") < 0);
    assert_true(rec_path_cmp("b", "a/z") > 0);
    assert_int_equal(rec_path_cmp("x/y", "x/y"), 0);
}

/* Many files, saved and loaded: the tables are compared side by side;
 * added and changed files are named before removed ones, counts are
 * exact beyond the 64 listed. */
static void test_many_files(void **state)
{
    (void)state;
    write_file("Dockerfile", "FROM busybox\nCOPY src/ /src\n");
    char name[64];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "src/f%03d.txt", i);
        write_file(name, name);
    }
    char cache[400], path[4200];
    snprintf(cache, sizeof(cache), "%s/cache/records", dir);
    assert_true(rec_path(path, sizeof(path), cache, "buildkit", "unix:///x.sock", dir, "Dockerfile", ""));
    rec *first = compute("buildkit", NULL, 0);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(rec_save(first, path, &err), 0);
    rec_free(first);
    rec *old = NULL;
    assert_int_equal(rec_load(&old, path, &err), 0);
    assert_non_null(old);
    assert_int_equal(old->steps[1].file_count, 302); /* src, a.c, 300 files */
    expect("buildkit", &old, 0, 0, NULL, NULL, 0);
    assert_int_equal(rec_save(old, path, &err), 0); /* a computed record again */
    rec_free(old);
    assert_int_equal(rec_load(&old, path, &err), 0);
    /* 100 removed, 1 changed, 1 added */
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "%s/src/f%03d.txt", dir, i + 100);
        assert_int_equal(unlink(name), 0);
    }
    write_file("src/f250.txt", "changed");
    write_file("src/zz.txt", "new");
    rec *now = compute_prev("buildkit", NULL, 0, old);
    rec_verdict *v = NULL;
    assert_int_equal(rec_compare(&v, old, now, false, &err), 0);
    assert_int_equal(v[1].status, HOIST_EXPLAIN_MISS);
    assert_int_equal(v[1].cause, HOIST_EXPLAIN_CAUSE_FILES);
    assert_int_equal(v[1].change_total, 102);
    assert_int_equal(v[1].change_count, 64);
    assert_string_equal(v[1].changes[0], "src/f250.txt (content)");
    assert_string_equal(v[1].changes[1], "src/zz.txt (added)");
    assert_string_equal(v[1].changes[2], "src/f100.txt (removed)");
    assert_string_equal(v[1].reason, "src/f250.txt changed (content) and 101 more");
    rec_verdicts_free(v, now->step_count);
    rec_free(now);
    /* a record cut short is no record */
    rec_free(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(truncate(path, st.st_size - 10), 0);
    rec *cut = NULL;
    assert_int_equal(rec_load(&cut, path, &err), 0);
    assert_null(cut);
    write_file("Dockerfile", DF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_buildkit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_classic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_mount, setup, teardown),
        cmocka_unit_test(test_path_order),
        cmocka_unit_test_setup_teardown(test_many_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
