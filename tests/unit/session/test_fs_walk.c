/*
 * test_fs_walk.c - what FileSync sends: fsutil's walk order (parents
 * first, names sorted bytewise), Go os.FileMode bits, symlinks and hard
 * links, exclude patterns with exceptions (the excluded parent is still
 * sent), include patterns and followpaths, and the Stat wire encoding.
 */
#include <fcntl.h>
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

#include "fsutil.pb-c.h"
#include "session/fs_walk.h"

void svc_filesync_fill_stat(const fs_entry *e, Fsutil__Types__Stat *st);
char *svc_filesync_url_unescape(const char *s);

static char tmp[256];

static void put(const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmp, rel);
    for (char *p = path + strlen(tmp) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static int setup(void **state)
{
    snprintf(tmp, sizeof(tmp), "/tmp/hoist-fswalk-test-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    put("a.txt", "hello");
    put("a/x", "x");
    put("a-b", "dash");
    put("d/e/f", "deep");
    put("d/g", "g");
    char p1[512], p2[512];
    snprintf(p1, sizeof(p1), "%s/a.txt", tmp);
    snprintf(p2, sizeof(p2), "%s/c", tmp);
    if (link(p1, p2))
        return -1;
    snprintf(p2, sizeof(p2), "%s/link", tmp);
    if (symlink("a.txt", p2))
        return -1;
    chmod(p1, 0640);
    return 0;
}

static int teardown(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* All paths of a walk joined with spaces. */
static void walk_all(const fs_walk_options *o, char *out, size_t size)
{
    fs_walk *w = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(fs_walk_new(&w, tmp, o, &err), 0);
    out[0] = '\0';
    const fs_entry *e;
    for (;;) {
        assert_int_equal(fs_walk_next(w, &e, &err), 0);
        if (!e)
            break;
        if (out[0])
            strncat(out, " ", size - strlen(out) - 1);
        strncat(out, e->path, size - strlen(out) - 1);
    }
    fs_walk_free(w);
}

static void test_order_and_stats(void **state)
{
    fs_walk_options o = {0};
    fs_walk *w = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(fs_walk_new(&w, tmp, &o, &err), 0);
    const char *want[] = {"a", "a/x", "a-b", "a.txt", "c", "d", "d/e", "d/e/f", "d/g", "link"};
    const fs_entry *e;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_int_equal(fs_walk_next(w, &e, &err), 0);
        assert_non_null(e);
        assert_string_equal(e->path, want[i]);
        if (!strcmp(e->path, "a")) {
            assert_int_equal(e->mode, 0x80000000u | 0755);
            assert_int_equal(e->size, 0);
            assert_false(e->requestable);
        } else if (!strcmp(e->path, "a.txt")) {
            assert_int_equal(e->mode, 0640);
            assert_int_equal(e->size, 5);
            assert_string_equal(e->linkname, "");
            assert_true(e->requestable);
            struct stat st;
            char p[512];
            snprintf(p, sizeof(p), "%s/a.txt", tmp);
            lstat(p, &st);
            assert_int_equal(e->mtime_ns, (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec);
        } else if (!strcmp(e->path, "c")) {
            /* second name of a.txt's inode: a hard link to the first */
            assert_string_equal(e->linkname, "a.txt");
            assert_int_equal(e->size, 0);
            assert_int_equal(e->mode, 0640);
        } else if (!strcmp(e->path, "link")) {
            assert_int_equal(e->mode, 0x08000000u | 0777);
            assert_string_equal(e->linkname, "a.txt");
            assert_false(e->requestable);
        }
    }
    assert_int_equal(fs_walk_next(w, &e, &err), 0);
    assert_null(e);
    fs_walk_free(w);
}

static void test_excludes(void **state)
{
    char got[1024];
    const char *ex1[] = {"d", "*.txt"};
    fs_walk_options o = {.excludes = ex1, .n_excludes = 2};
    walk_all(&o, got, sizeof(got));
    assert_string_equal(got, "a a/x a-b c link"); /* c: a.txt's other name, now the first */

    /* an exception inside an excluded directory: the directory and the
     * path down to the exception are sent, nothing else of it */
    const char *ex2[] = {"d", "!d/e/f"};
    fs_walk_options o2 = {.excludes = ex2, .n_excludes = 2};
    walk_all(&o2, got, sizeof(got));
    assert_string_equal(got, "a a/x a-b a.txt c d d/e d/e/f link");

    /* an invalid pattern is an error naming it */
    const char *ex3[] = {"[a"};
    fs_walk_options o3 = {.excludes = ex3, .n_excludes = 1};
    fs_walk *w = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_not_equal(fs_walk_new(&w, tmp, &o3, &err), 0);
    assert_null(w);
}

static void test_includes_and_follow(void **state)
{
    char got[1024];
    const char *inc[] = {"d/e/f"};
    fs_walk_options o = {.includes = inc, .n_includes = 1};
    walk_all(&o, got, sizeof(got));
    assert_string_equal(got, "d d/e d/e/f");

    const char *inc2[] = {"a"};
    fs_walk_options o2 = {.includes = inc2, .n_includes = 1};
    walk_all(&o2, got, sizeof(got));
    assert_string_equal(got, "a a/x");

    const char *inc3[] = {"*.txt"};
    fs_walk_options o3 = {.includes = inc3, .n_includes = 1};
    walk_all(&o3, got, sizeof(got));
    assert_string_equal(got, "a.txt");

    /* followpaths: the symlink and what it points to */
    const char *fol[] = {"link"};
    fs_walk_options o4 = {.follow = fol, .n_follow = 1};
    walk_all(&o4, got, sizeof(got));
    assert_string_equal(got, "a.txt link");

    /* an empty include list sends nothing */
    static const char *none[1];
    fs_walk_options o5 = {.includes = none, .n_includes = 0};
    walk_all(&o5, got, sizeof(got));
    assert_string_equal(got, "");
}

static void test_match_prefix(void **state)
{
    bool m, p;
    fs_match_prefix("a/b/c", "a", &m, &p);
    assert_true(m);
    assert_true(p);
    fs_match_prefix("a/b/c", "a/b/c", &m, &p);
    assert_true(m);
    assert_false(p);
    fs_match_prefix("a/*/c", "a/zz", &m, &p);
    assert_true(m);
    assert_true(p);
    fs_match_prefix("*.go", "x/y.go", &m, &p);
    assert_false(m);
}

static void test_go_mode(void **state)
{
    assert_int_equal(fs_go_mode(S_IFREG | 0755), 0755);
    assert_int_equal(fs_go_mode(S_IFDIR | 0700), 0x80000000u | 0700);
    assert_int_equal(fs_go_mode(S_IFLNK | 0777), 0x08000000u | 0777);
    assert_int_equal(fs_go_mode(S_IFCHR | 0666), (1u << 26) | (1u << 21) | 0666);
    assert_int_equal(fs_go_mode(S_IFBLK | 0660), (1u << 26) | 0660);
    assert_int_equal(fs_go_mode(S_IFIFO | 0644), (1u << 25) | 0644);
    assert_int_equal(fs_go_mode(S_IFREG | S_ISUID | S_ISGID | S_ISVTX | 0755),
                     (1u << 23) | (1u << 22) | (1u << 20) | 0755);
}

static void test_stat_encoding(void **state)
{
    fs_entry e = {.path = "a", .mode = 0644, .size = 3, .mtime_ns = 1, .linkname = ""};
    Fsutil__Types__Stat st;
    svc_filesync_fill_stat(&e, &st);
    Fsutil__Types__Packet p = FSUTIL__TYPES__PACKET__INIT;
    p.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_STAT;
    p.stat = &st;
    uint8_t buf[64];
    size_t n = fsutil__types__packet__pack(&p, buf);
    /* Packet{stat(2): Stat{path(1)="a", mode(2)=420, size(5)=3, modTime(6)=1}} */
    static const uint8_t want[] = {0x12, 0x0a, 0x0a, 0x01, 'a', 0x10, 0xa4, 0x03, 0x28, 0x03, 0x30, 0x01};
    assert_int_equal(n, sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));

    /* REQ{id=7}: type(1)=1, ID(3)=7; DATA end of file: type 2 and the id */
    Fsutil__Types__Packet r = FSUTIL__TYPES__PACKET__INIT;
    r.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_REQ;
    r.id = 7;
    n = fsutil__types__packet__pack(&r, buf);
    static const uint8_t want_req[] = {0x08, 0x01, 0x18, 0x07};
    assert_int_equal(n, sizeof(want_req));
    assert_memory_equal(buf, want_req, n);

    /* the empty STAT that ends the list is an empty message */
    Fsutil__Types__Packet end = FSUTIL__TYPES__PACKET__INIT;
    assert_int_equal(fsutil__types__packet__get_packed_size(&end), 0);

    char *u = svc_filesync_url_unescape("a%2Fb+c%zz");
    assert_string_equal(u, "a/b c%zz");
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_and_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excludes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_includes_and_follow, setup, teardown),
        cmocka_unit_test(test_match_prefix),
        cmocka_unit_test(test_go_mode),
        cmocka_unit_test(test_stat_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
