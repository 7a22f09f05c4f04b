/*
 * test_version.c - API version parsing and numeric comparison.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hoist/version.h"

static void parse_valid(void **state)
{
    int major = -1, minor = -1;
    assert_int_equal(hoist_api_version_parse("1.41", &major, &minor), 0);
    assert_int_equal(major, 1);
    assert_int_equal(minor, 41);
    assert_int_equal(hoist_api_version_parse("2.0", &major, &minor), 0);
    assert_int_equal(major, 2);
    assert_int_equal(minor, 0);
}

static void parse_invalid(void **state)
{
    const char *bad[] = {"", "1", "1.", ".1", "v1.41", "1.41.0", "1.4a", " 1.41", "1.-1", "abc",
                         "99999999999.1", NULL};
    for (int i = 0; bad[i]; i++)
        assert_int_equal(hoist_api_version_parse(bad[i], NULL, NULL), -1);
    assert_int_equal(hoist_api_version_parse(NULL, NULL, NULL), -1);
}

static void compare_numeric(void **state)
{
    assert_true(hoist_api_version_compare("1.9", "1.10") < 0);
    assert_true(hoist_api_version_compare("1.10", "1.9") > 0);
    assert_true(hoist_api_version_compare("1.41", "1.41") == 0);
    assert_true(hoist_api_version_compare("1.41", "1.47") < 0);
    assert_true(hoist_api_version_compare("2.0", "1.99") > 0);
    assert_true(hoist_api_version_compare("1.024", "1.24") == 0);
}

static void compare_invalid_sorts_first(void **state)
{
    assert_true(hoist_api_version_compare("junk", "1.0") < 0);
    assert_true(hoist_api_version_compare("1.0", "junk") > 0);
    assert_true(hoist_api_version_compare("junk", "junk") == 0);
}

static void limits_are_ordered(void **state)
{
    assert_true(hoist_api_version_compare(HOIST_API_VERSION_MIN, HOIST_API_VERSION_MAX) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_valid),
        cmocka_unit_test(parse_invalid),
        cmocka_unit_test(compare_numeric),
        cmocka_unit_test(compare_invalid_sorts_first),
        cmocka_unit_test(limits_are_ordered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
