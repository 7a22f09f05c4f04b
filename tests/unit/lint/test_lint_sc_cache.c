/*
 * test_lint_sc_cache.c - the cache of ShellCheck verdicts (lib/lint/
 * sc_cache.c): keys change with the dialect, the script and the program;
 * entries round-trip; the switches turn it off; the directory stays within
 * its entry limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lint/lint_internal.h"
#include "lint_harness.h"

static char dir[] = "/tmp/hoist-sc-cache-test.XXXXXX";

static int setup(void **state)
{
    if (!mkdtemp(dir))
        return -1;
    setenv("XDG_CACHE_HOME", dir, 1);
    unsetenv("HOIST_NO_CACHE");
    return 0;
}

static int teardown(void **state)
{
    lint_rmrf(dir);
    return 0;
}

static size_t entries(void)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/hoist/shellcheck", dir);
    DIR *d = opendir(path);
    size_t n = 0;
    for (struct dirent *de; d && (de = readdir(d));)
        n += strstr(de->d_name, ".json") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void keys_and_round_trip(void **state)
{
    hoist_lint_options o = HOIST_LINT_OPTIONS_INIT;
    lint_ctx ctx = {0};
    ctx.opts = &o;
    char k1[65], k2[65], k3[65], k4[65];
    assert_true(lint_sc_cache_key(&ctx, "/bin/sh", "sh", "echo a\n", 7, k1));
    assert_true(lint_sc_cache_key(&ctx, "/bin/sh", "bash", "echo a\n", 7, k2));
    assert_true(lint_sc_cache_key(&ctx, "/bin/sh", "sh", "echo b\n", 7, k3));
    assert_true(lint_sc_cache_key(&ctx, "/bin/ls", "sh", "echo a\n", 7, k4));
    assert_int_equal(strlen(k1), 64);
    assert_string_not_equal(k1, k2);
    assert_string_not_equal(k1, k3);
    assert_string_not_equal(k1, k4);
    assert_null(lint_sc_cache_get(k1));
    lint_sc_cache_put(k1, "{\"comments\":[]}", 15);
    char *got = lint_sc_cache_get(k1);
    assert_non_null(got);
    assert_string_equal(got, "{\"comments\":[]}");
    free(got);
    assert_null(lint_sc_cache_get(k2));

    /* Off: by the run's flag, by HOIST_NO_CACHE; no program, no key. */
    o.flags = HOIST_LINT_NO_CACHE;
    assert_false(lint_sc_cache_key(&ctx, "/bin/sh", "sh", "echo a\n", 7, k1));
    o.flags = 0;
    setenv("HOIST_NO_CACHE", "1", 1);
    assert_false(lint_sc_cache_key(&ctx, "/bin/sh", "sh", "echo a\n", 7, k1));
    setenv("HOIST_NO_CACHE", "0", 1);
    assert_true(lint_sc_cache_key(&ctx, "/bin/sh", "sh", "echo a\n", 7, k1));
    unsetenv("HOIST_NO_CACHE");
    assert_false(lint_sc_cache_key(&ctx, "/nonexistent/shellcheck", "sh", "x", 1, k1));
}

/* Eviction runs on some writes (keys starting with '0'): fill past the
 * limit with other keys, then one such write brings the count down. */
static void bounded(void **state)
{
    char key[65];
    for (int i = 0; i < 2100; i++) {
        snprintf(key, sizeof(key), "1%063d", i);
        lint_sc_cache_put(key, "{}", 2);
    }
    assert_int_equal(entries(), 2100 + 1 /* from the first test */);
    snprintf(key, sizeof(key), "0%063d", 0);
    lint_sc_cache_put(key, "{}", 2);
    size_t n = entries();
    assert_true(n <= 1800);
    assert_true(n >= 1700);
    /* The newest entry survives. */
    char *got = lint_sc_cache_get(key);
    assert_non_null(got);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_and_round_trip),
        cmocka_unit_test(bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
