/*
 * test_context.c - walker, resolver, explain and tar stream unit tests.
 *
 * Each test builds a small tree in a temporary directory, opens it as a
 * context and checks the entries (names, order, types) or the tar stream
 * read back with libarchive. The differential test in tests/integration
 * checks the same rules against the real daemon on random trees.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "hoist/context.h"

static char root[256];

static void put(const char *rel, const char *content)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    /* create parents */
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    if (content) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
    } else {
        mkdir(path, 0755);
    }
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(p);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/hoist-ctx-unit.XXXXXX");
    assert_non_null(mkdtemp(root));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* All entries, "name" or "name/" for directories, joined with spaces. */
static char *listing(hoist_context *ctx, unsigned flags)
{
    hoist_context_iter *it = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_iter_new(&it, ctx, flags, &err), 0);
    static char buf[8192];
    buf[0] = '\0';
    const hoist_context_entry *e;
    while (hoist_context_iter_next(it, &e, &err) == 0 && e) {
        if (buf[0])
            strcat(buf, " ");
        if (!e->sent)
            strcat(buf, "-");
        strcat(buf, e->name);
        if (e->type == HOIST_ENTRY_DIR)
            strcat(buf, "/");
        if (e->type == HOIST_ENTRY_SYMLINK)
            strcat(buf, "@");
    }
    assert_int_equal(err.code, 0);
    hoist_context_iter_free(it);
    return buf;
}

static hoist_context *open_ctx(const char *dockerfile)
{
    hoist_context_options o = HOIST_CONTEXT_OPTIONS_INIT;
    o.dockerfile = dockerfile;
    o.dockerfile_optional = true;
    hoist_context *ctx = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_context_open(&ctx, root, &o, &err);
    if (rc)
        print_error("open: %s\n", err.message);
    assert_int_equal(rc, 0);
    return ctx;
}

static void test_order(void **state)
{
    (void)state;
    put("a.b", "1");
    put("a/x", "2");
    put("B", "3");
    put("a b", "4");
    put("empty", NULL);
    hoist_context *ctx = open_ctx(NULL);
    /* Go's walk: names sorted bytewise per directory, depth first */
    assert_string_equal(listing(ctx, 0), "B a/ a/x a b a.b empty/");
    hoist_context_free(ctx);
}

static void test_exception_inside_excluded_dir(void **state)
{
    (void)state;
    put("a/x", "1");
    put("a/y", "2");
    put("n/m/k", "3");
    put(".dockerignore", "a\n!a/x\nn\n!**/k\n");
    hoist_context *ctx = open_ctx(NULL);
    /* "a" is walked (its entry is not sent); "n" is pruned: "!**" does not
     * start with "n/" */
    assert_string_equal(listing(ctx, 0), ".dockerignore a/x");
    assert_string_equal(listing(ctx, HOIST_ITER_EXCLUDED),
                        ".dockerignore -a/ a/x -a/y -n/ -n/m/ -n/m/k");
    hoist_context_free(ctx);
}

/* The walk passes each directory's per-pattern results to its children
 * (patternmatcher.MatchesUsingParentResults, as the docker CLI's tar does):
 * "!d" was skipped for "d" (nothing to re-include yet), so it does not
 * count as matching d's children, and d/f stays excluded. Checked against
 * the docker 28 CLI; MatchesOrParentMatches would have re-included d/f. */
static void test_parent_results_rule(void **state)
{
    (void)state;
    put("d/f", "1");
    put("d/g", "2");
    put(".dockerignore", "d/f\n!d\n");
    hoist_context *ctx = open_ctx(NULL);
    assert_string_equal(listing(ctx, 0), ".dockerignore d/ d/g");
    hoist_context_explanation ex;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_explain(ctx, "d/f", &ex, &err), 0);
    assert_false(ex.sent);
    assert_int_equal(ex.pattern, 0);
    hoist_context_free(ctx);
}

static void test_always_sent(void **state)
{
    (void)state;
    put("Dockerfile", "FROM x\n");
    put(".dockerignore", "*\n");
    put("other", "o");
    hoist_context *ctx = open_ctx(NULL);
    assert_string_equal(listing(ctx, 0), ".dockerignore Dockerfile");
    assert_string_equal(hoist_context_dockerfile(ctx), "Dockerfile");
    hoist_context_free(ctx);
}

static void test_symlinks_not_followed(void **state)
{
    (void)state;
    put("d/f", "1");
    char p[512];
    snprintf(p, sizeof(p), "%s/ld", root);
    assert_int_equal(symlink("d", p), 0);
    snprintf(p, sizeof(p), "%s/out", root);
    assert_int_equal(symlink("../../../etc/passwd", p), 0);
    snprintf(p, sizeof(p), "%s/dangling", root);
    assert_int_equal(symlink("nowhere", p), 0);
    hoist_context *ctx = open_ctx(NULL);
    assert_string_equal(listing(ctx, 0), "d/ d/f dangling@ ld@ out@");
    hoist_context_free(ctx);
}

static int notes;
static void count_note(const char *path, const char *msg, void *user)
{
    (void)path; (void)msg; (void)user;
    notes++;
}

static void test_fifo_skipped_with_note(void **state)
{
    (void)state;
    put("f", "1");
    char p[512];
    snprintf(p, sizeof(p), "%s/pipe", root);
    assert_int_equal(mkfifo(p, 0644), 0);
    hoist_context_options o = HOIST_CONTEXT_OPTIONS_INIT;
    o.dockerfile_optional = true;
    o.on_note = count_note;
    hoist_context *ctx = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_open(&ctx, root, &o, &err), 0);
    notes = 0;
    assert_string_equal(listing(ctx, 0), "f");
    assert_int_equal(notes, 1);
    hoist_context_free(ctx);
}

/* hoist_context_entries: one walk, kept, excluded entries included, no
 * notes (the tar walk says them); the same list on every call. */
static void test_entries_walked_once(void **state)
{
    (void)state;
    put("keep.txt", "12345");
    put("drop/x", "1");
    put(".dockerignore", "drop\n");
    char p[512];
    snprintf(p, sizeof(p), "%s/pipe", root);
    assert_int_equal(mkfifo(p, 0644), 0);
    hoist_context_options o = HOIST_CONTEXT_OPTIONS_INIT;
    o.dockerfile_optional = true;
    o.on_note = count_note;
    hoist_context *ctx = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_open(&ctx, root, &o, &err), 0);
    notes = 0;
    const hoist_context_entry *e1 = NULL, *e2 = NULL;
    size_t n1 = 0, n2 = 0;
    assert_int_equal(hoist_context_entries(ctx, &e1, &n1, &err), 0);
    assert_int_equal(notes, 0);
    char seen[512] = "";
    for (size_t i = 0; i < n1; i++) {
        strcat(seen, e1[i].sent ? "" : "-");
        strcat(seen, e1[i].name);
        strcat(seen, " ");
    }
    assert_string_equal(seen, ".dockerignore -drop -drop/x keep.txt -pipe ");
    assert_int_equal(e1[n1 - 2].size, 5);
    /* a file added after the walk is not seen: the list is kept */
    put("later.txt", "x");
    assert_int_equal(hoist_context_entries(ctx, &e2, &n2, &err), 0);
    assert_ptr_equal(e1, e2);
    assert_int_equal(n1, n2);
    /* the tar stream's walk is separate and says its notes */
    assert_string_equal(listing(ctx, 0), ".dockerignore keep.txt later.txt");
    assert_int_equal(notes, 1);
    hoist_context_free(ctx);
}

/* The Dockerfile docker takes from a directory: Dockerfile, else dockerfile. */
static void test_default_dockerfile(void **state)
{
    (void)state;
    char *path = hoist_context_default_dockerfile(root);
    char want[512];
    snprintf(want, sizeof(want), "%s/Dockerfile", root);
    assert_string_equal(path, want); /* neither exists */
    free(path);
    put("dockerfile", "FROM a\n");
    path = hoist_context_default_dockerfile(root);
    snprintf(want, sizeof(want), "%s/dockerfile", root);
    assert_string_equal(path, want);
    free(path);
    put("Dockerfile", "FROM a\n");
    path = hoist_context_default_dockerfile(root);
    snprintf(want, sizeof(want), "%s/Dockerfile", root);
    assert_string_equal(path, want);
    free(path);
}

static void test_bad_context(void **state)
{
    (void)state;
    put("file", "x");
    char p[512];
    hoist_context *ctx = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    snprintf(p, sizeof(p), "%s/file", root);
    assert_int_equal(hoist_context_open(&ctx, p, NULL, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "must be a directory"));
    snprintf(p, sizeof(p), "%s/missing", root);
    assert_int_equal(hoist_context_open(&ctx, p, NULL, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "not found"));
    /* default Dockerfile missing and not optional */
    assert_int_equal(hoist_context_open(&ctx, root, NULL, &err), HOIST_EINPUT);
    put(".dockerignore", "ok\n[bad\n");
    put("Dockerfile", "FROM x\n");
    assert_int_equal(hoist_context_open(&ctx, root, NULL, &err), HOIST_EINPUT);
    assert_int_equal(err.line, 2);
    assert_null(ctx);
}

static void test_outside_dockerfile(void **state)
{
    (void)state;
    put("ctx/a", "1");
    put("ctx/.dockerignore", "a\n");
    put("df/Dockerfile", "FROM x\n");
    char dir[512], df[512];
    snprintf(dir, sizeof(dir), "%s/ctx", root);
    snprintf(df, sizeof(df), "%s/df/Dockerfile", root);
    hoist_context_options o = HOIST_CONTEXT_OPTIONS_INIT;
    o.dockerfile = df;
    hoist_context *ctx = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_open(&ctx, dir, &o, &err), 0);
    const char *name = hoist_context_dockerfile(ctx);
    assert_int_equal(strncmp(name, ".dockerfile.", 12), 0);
    assert_int_equal(strlen(name), 12 + 20);
    /* read the tar back: the generated Dockerfile and the extended ignore */
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    static char tarbuf[65536];
    size_t total = 0, n;
    hoist_context_tar *t = NULL;
    assert_int_equal(hoist_context_tar_new(&t, ctx, NULL, &err), 0);
    do {
        assert_int_equal(hoist_context_tar_read(t, tarbuf + total, 7, &n, &err), 0);
        total += n;
    } while (n > 0);
    hoist_context_tar_free(t);
    assert_int_equal(total % 512, 0);
    assert_int_equal(archive_read_open_memory(a, tarbuf, total), ARCHIVE_OK);
    struct archive_entry *ae;
    int seen = 0;
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        char data[256] = {0};
        archive_read_data(a, data, sizeof(data) - 1);
        if (!strcmp(archive_entry_pathname(ae), ".dockerignore")) {
            char want[128];
            snprintf(want, sizeof(want), "a\n\n%s\n", name);
            assert_string_equal(data, want);
            seen |= 1;
        } else if (!strcmp(archive_entry_pathname(ae), name)) {
            assert_string_equal(data, "FROM x\n");
            seen |= 2;
        }
        assert_int_equal(archive_entry_uid(ae), 0);
    }
    assert_int_equal(seen, 3);
    archive_read_free(a);
    hoist_context_free(ctx);
}

static void test_per_dockerfile_ignore(void **state)
{
    (void)state;
    put("app.Dockerfile", "FROM x\n");
    put("app.Dockerfile.dockerignore", "b\n");
    put(".dockerignore", "a\n");
    put("a", "1");
    put("b", "2");
    char df[512];
    snprintf(df, sizeof(df), "%s/app.Dockerfile", root);
    hoist_context *ctx = open_ctx(df);
    const char *used = hoist_context_ignore_file(ctx);
    assert_non_null(used);
    assert_non_null(strstr(used, "app.Dockerfile.dockerignore"));
    assert_string_equal(listing(ctx, 0), ".dockerignore a app.Dockerfile app.Dockerfile.dockerignore");
    hoist_context_free(ctx);
}

static void test_explain(void **state)
{
    (void)state;
    put("a/x", "1");
    put("n/m/k", "3");
    put(".dockerignore", "a\n!a/x\nn\n");
    hoist_context *ctx = open_ctx(NULL);
    hoist_context_explanation ex;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_explain(ctx, "a/x", &ex, &err), 0);
    assert_true(ex.sent);
    assert_int_equal(ex.pattern, 1);
    assert_true(ex.walked_excluded);
    assert_int_equal(hoist_context_explain(ctx, "n/m/k", &ex, &err), 0);
    assert_false(ex.sent);
    assert_string_equal(ex.via, "n");
    assert_int_equal(ex.pattern, 2);
    assert_int_equal(hoist_context_explain(ctx, "zzz", &ex, &err), 0);
    assert_true(ex.sent);
    assert_false(ex.exists);
    assert_int_equal(hoist_context_explain(ctx, "../x", &ex, &err), HOIST_EINPUT);
    hoist_context_free(ctx);
}

static void test_tar_hardlink_and_long_name(void **state)
{
    (void)state;
    /* a file name cannot pass 255 bytes, so make a 300+ byte path */
    char longname[400];
    memset(longname, 'n', 370);
    longname[120] = '/';
    longname[241] = '/';
    longname[370] = '\0';
    put(longname, "L");
    put("h1", "same");
    char p1[512], p2[512];
    snprintf(p1, sizeof(p1), "%s/h1", root);
    snprintf(p2, sizeof(p2), "%s/h2", root);
    assert_int_equal(link(p1, p2), 0);
    hoist_context *ctx = open_ctx(NULL);
    char tmpl[] = "/tmp/hoist-ctx-tar.XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    hoist_error err = HOIST_ERROR_INIT;
    hoist_tar_options to = HOIST_TAR_OPTIONS_INIT;
    to.gzip = true;
    assert_int_equal(hoist_context_write_tar_fd(ctx, &to, fd, &err), 0);
    close(fd);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_filter_gzip(a);
    assert_int_equal(archive_read_open_filename(a, tmpl, 4096), ARCHIVE_OK);
    struct archive_entry *ae;
    int seen = 0;
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(ae);
        if (!strcmp(name, longname))
            seen |= 1;
        if (!strcmp(name, "h2")) {
            assert_non_null(archive_entry_hardlink(ae));
            assert_string_equal(archive_entry_hardlink(ae), "h1");
            seen |= 2;
        }
    }
    assert_int_equal(seen, 3);
    archive_read_free(a);
    unlink(tmpl);
    hoist_context_free(ctx);
}

static void test_vanishing_and_shrinking_files(void **state)
{
    (void)state;
    put("a", "1");
    put("b", "2");
    put("c", "0123456789");
    hoist_context_options o = HOIST_CONTEXT_OPTIONS_INIT;
    o.dockerfile_optional = true;
    o.on_note = count_note;
    hoist_context *ctx = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_open(&ctx, root, &o, &err), 0);
    /* b disappears after the directory was listed: noted and skipped */
    hoist_context_iter *it = NULL;
    assert_int_equal(hoist_context_iter_new(&it, ctx, 0, &err), 0);
    const hoist_context_entry *e;
    assert_int_equal(hoist_context_iter_next(it, &e, &err), 0);
    assert_string_equal(e->name, "a");
    char p[512];
    snprintf(p, sizeof(p), "%s/b", root);
    unlink(p);
    notes = 0;
    assert_int_equal(hoist_context_iter_next(it, &e, &err), 0);
    assert_string_equal(e->name, "c");
    assert_int_equal(notes, 1);
    hoist_context_iter_free(it);
    /* c shrinks after its header is out: an error naming it, never a tar
     * whose data is not the file's (docker's tar writer fails too) */
    hoist_context_tar *t = NULL;
    assert_int_equal(hoist_context_tar_new(&t, ctx, NULL, &err), 0);
    static char buf[65536];
    size_t total = 0, n;
    /* read a's header and data, and c's header (3 x 512 bytes) */
    while (total < 1536) {
        assert_int_equal(hoist_context_tar_read(t, buf + total, 1536 - total, &n, &err), 0);
        assert_true(n > 0);
        total += n;
    }
    snprintf(p, sizeof(p), "%s/c", root);
    assert_int_equal(truncate(p, 3), 0);
    int rc;
    do {
        rc = hoist_context_tar_read(t, buf + total, sizeof(buf) - total, &n, &err);
        total += n;
    } while (rc == 0 && n > 0);
    assert_int_equal(rc, HOIST_EINPUT);
    assert_non_null(strstr(err.message, "c shrank"));
    hoist_context_tar_free(t);

    /* c grows after its header is out: an error too */
    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(hoist_context_tar_new(&t, ctx, NULL, &err), 0);
    total = 0;
    while (total < 1536) {
        assert_int_equal(hoist_context_tar_read(t, buf + total, 1536 - total, &n, &err), 0);
        assert_true(n > 0);
        total += n;
    }
    FILE *f = fopen(p, "a");
    assert_non_null(f);
    fputs("more", f);
    fclose(f);
    do {
        rc = hoist_context_tar_read(t, buf + total, sizeof(buf) - total, &n, &err);
        total += n;
    } while (rc == 0 && n > 0);
    assert_int_equal(rc, HOIST_EINPUT);
    assert_non_null(strstr(err.message, "c grew"));
    hoist_context_tar_free(t);
    hoist_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exception_inside_excluded_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parent_results_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_always_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fifo_skipped_with_note, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entries_walked_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_dockerfile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outside_dockerfile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_dockerfile_ignore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tar_hardlink_and_long_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vanishing_and_shrinking_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
