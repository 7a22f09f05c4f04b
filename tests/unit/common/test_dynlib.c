/* Unit tests for hoist_dynlib_load_module (lib/common/dynlib.c): hoist's
 * own module is found in the build tree, a missing module or a module
 * without the expected symbol is an environment error that names the file
 * and the installed module directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/dynlib.h"
#include "hoist_config.h"
#include "ignore/re2_module.h"

typedef struct api {
    hoist_re2_compile_fn *compile;
    hoist_re2_match_fn *match;
    hoist_re2_free_fn *free;
} api;

static const hoist_dynsym symbols[] = {
    {HOIST_RE2_COMPILE, offsetof(api, compile)},
    {HOIST_RE2_MATCH, offsetof(api, match)},
    {HOIST_RE2_FREE, offsetof(api, free)},
};

static void loads_the_re2_module(void **state)
{
    (void)state;
    api a = {0};
    void *h = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dynlib_load_module(HOIST_RE2_MODULE, symbols, 3, &a, &h, &err), 0);
    assert_non_null(h);
    hoist_re2 *re = NULL;
    char why[128];
    assert_int_equal(a.compile("^a[^/]*$", 8, &re, why, sizeof(why)), 0);
    assert_true(a.match(re, "abc", 3));
    assert_false(a.match(re, "a/c", 3));
    a.free(re);
    assert_int_equal(a.compile("^(a$", 4, &re, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "missing )"));
    /* a second load finds the loaded copy */
    api b = {0};
    void *h2 = NULL;
    assert_int_equal(hoist_dynlib_load_module(HOIST_RE2_MODULE, symbols, 3, &b, &h2, &err), 0);
    assert_ptr_equal(b.compile, a.compile);
    hoist_dynlib_unload(h2);
    hoist_dynlib_unload(h);
}

static void missing_module_is_an_environment_error(void **state)
{
    (void)state;
    api a = {0};
    void *h = &a;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dynlib_load_module("hoist-nosuch.so", symbols, 3, &a, &h, &err), HOIST_EENV);
    assert_null(h);
    assert_non_null(strstr(err.message, "hoist-nosuch.so"));
    assert_non_null(strstr(err.message, HOIST_MODULEDIR));
    assert_non_null(strstr(err.hint, "reinstall hoist"));
}

static void module_without_the_symbol(void **state)
{
    (void)state;
    static const hoist_dynsym wrong[] = {{"hoist_re2_v0_compile", 0}};
    void *fn = NULL, *h = &fn;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dynlib_load_module(HOIST_RE2_MODULE, wrong, 1, &fn, &h, &err), HOIST_EENV);
    assert_null(h);
    assert_non_null(strstr(err.message, "lacks hoist_re2_v0_compile"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_the_re2_module),
        cmocka_unit_test(missing_module_is_an_environment_error),
        cmocka_unit_test(module_without_the_symbol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
