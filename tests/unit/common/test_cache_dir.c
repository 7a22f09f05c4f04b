/* Unit tests for lib/common/cache_dir.c: the directory from XDG_CACHE_HOME
 * or HOME, HOIST_NO_CACHE, mkdir -p, and bounding a directory (oldest
 * removed first, other files left alone, keep_* below max_*). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cache_dir.h"

static void dir_from_env(void **state)
{
    (void)state;
    char dir[64];
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    setenv("HOME", "/home/u", 1);
    assert_true(hoist_cache_dir("records", dir, sizeof(dir)));
    assert_string_equal(dir, "/x/cache/hoist/records");
    setenv("XDG_CACHE_HOME", "relative", 1);
    assert_true(hoist_cache_dir("shellcheck", dir, sizeof(dir)));
    assert_string_equal(dir, "/home/u/.cache/hoist/shellcheck");
    assert_false(hoist_cache_dir("shellcheck", dir, 10)); /* too long */
    unsetenv("XDG_CACHE_HOME");
    setenv("HOME", "", 1);
    assert_false(hoist_cache_dir("records", dir, sizeof(dir)));

    unsetenv("HOIST_NO_CACHE");
    assert_true(hoist_cache_enabled());
    setenv("HOIST_NO_CACHE", "0", 1);
    assert_true(hoist_cache_enabled());
    setenv("HOIST_NO_CACHE", "", 1);
    assert_true(hoist_cache_enabled());
    setenv("HOIST_NO_CACHE", "1", 1);
    assert_false(hoist_cache_enabled());
    unsetenv("HOIST_NO_CACHE");
}

static bool is_entry(const char *name)
{
    size_t len = strlen(name);
    return len > 4 && !strcmp(name + len - 4, ".ent");
}

static void put(const char *dir, const char *name, size_t size, time_t mtime)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < size; i++)
        fputc('x', f);
    fclose(f);
    struct timespec t[2] = {{mtime, 0}, {mtime, 0}};
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static bool exists(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static void mkdir_and_bound(void **state)
{
    (void)state;
    char base[] = "/tmp/hoist-cache-dir-XXXXXX";
    assert_non_null(mkdtemp(base));
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/a/b/c", base);
    assert_true(hoist_cache_mkdir(dir));
    assert_string_equal(dir + strlen(base), "/a/b/c"); /* restored */
    assert_true(hoist_cache_mkdir(dir));                /* exists: fine */
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    /* five entries of 10 bytes, oldest first; one other file, oldest of all */
    put(dir, "other.txt", 10, 1000);
    put(dir, "1.ent", 10, 2000);
    put(dir, "2.ent", 10, 3000);
    put(dir, "3.ent", 10, 4000);
    put(dir, "4.ent", 10, 5000);
    put(dir, "5.ent", 10, 6000);
    hoist_cache_bound(dir, is_entry, 5, 1000, 2, 1000); /* not over: nothing goes */
    assert_true(exists(dir, "1.ent"));
    hoist_cache_bound(dir, is_entry, 4, 1000, 4, 1000); /* one too many */
    assert_false(exists(dir, "1.ent"));
    assert_true(exists(dir, "2.ent"));
    hoist_cache_bound(dir, is_entry, 10, 30, 10, 20); /* 40 bytes: down to 20 */
    assert_false(exists(dir, "2.ent"));
    assert_false(exists(dir, "3.ent"));
    assert_true(exists(dir, "4.ent"));
    assert_true(exists(dir, "5.ent"));
    assert_true(exists(dir, "other.txt"));
    hoist_cache_bound("/nonexistent/hoist", is_entry, 0, 0, 0, 0); /* no directory: nothing */

    const char *names[] = {"other.txt", "4.ent", "5.ent"};
    char path[512];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    const char *dirs[] = {"a/b/c", "a/b", "a", ""};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", base, dirs[i]);
        assert_int_equal(rmdir(path), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dir_from_env),
        cmocka_unit_test(mkdir_and_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
