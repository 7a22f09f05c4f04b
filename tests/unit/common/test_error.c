/* Unit tests for the reason of a hoist_error (lib/common/error.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hoist/dockerfile.h"
#include "hoist/error.h"
#include "hoist/ignore.h"

static void init_and_set(void **state)
{
    (void)state;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(err.reason, HOIST_REASON_NONE);
    assert_int_equal(hoist_error_nomem(&err), HOIST_EFAILED);
    assert_int_equal(err.reason, HOIST_REASON_NOMEM);
    assert_string_equal(err.message, "out of memory");
    /* set clears the reason; prefix and hint keep it */
    hoist_error_set(&err, HOIST_EINPUT, "x");
    assert_int_equal(err.reason, HOIST_REASON_NONE);
    hoist_error_setr(&err, HOIST_EINPUT, HOIST_REASON_SYNTAX, "bad %s", "line");
    hoist_error_prefix(&err, "reading %s", "f");
    hoist_error_hint(&err, "fix it");
    assert_int_equal(err.reason, HOIST_REASON_SYNTAX);
    assert_string_equal(err.message, "reading f: bad line");
    /* interrupted always means cancelled */
    hoist_error_set(&err, HOIST_EINTERRUPTED, "stopped");
    assert_int_equal(err.reason, HOIST_REASON_CANCELLED);
    assert_int_equal(hoist_error_reason(&err, HOIST_REASON_TIMEOUT), HOIST_EINTERRUPTED);
    assert_int_equal(err.reason, HOIST_REASON_TIMEOUT);
    /* NULL is tolerated */
    assert_int_equal(hoist_error_setr(NULL, HOIST_EENV, HOIST_REASON_IO, "x"), HOIST_EENV);
    assert_int_equal(hoist_error_nomem(NULL), HOIST_EFAILED);
}

static void from_errno(void **state)
{
    (void)state;
    assert_int_equal(hoist_reason_from_errno(ENOENT), HOIST_REASON_NOT_FOUND);
    assert_int_equal(hoist_reason_from_errno(ENOTDIR), HOIST_REASON_NOT_FOUND);
    assert_int_equal(hoist_reason_from_errno(EACCES), HOIST_REASON_PERMISSION);
    assert_int_equal(hoist_reason_from_errno(EPERM), HOIST_REASON_PERMISSION);
    assert_int_equal(hoist_reason_from_errno(ENOMEM), HOIST_REASON_NOMEM);
    assert_int_equal(hoist_reason_from_errno(ETIMEDOUT), HOIST_REASON_TIMEOUT);
    assert_int_equal(hoist_reason_from_errno(ECONNREFUSED), HOIST_REASON_CONNECT);
    assert_int_equal(hoist_reason_from_errno(EIO), HOIST_REASON_IO);
    assert_int_equal(hoist_reason_from_errno(0), HOIST_REASON_NONE);
}

static void names_are_stable_and_distinct(void **state)
{
    (void)state;
    assert_string_equal(hoist_reason_name(HOIST_REASON_NONE), "none");
    assert_string_equal(hoist_reason_name(HOIST_REASON_NOMEM), "nomem");
    assert_string_equal(hoist_reason_name(HOIST_REASON_NOT_FOUND), "not-found");
    assert_string_equal(hoist_reason_name(HOIST_REASON_SYNTAX), "syntax");
    assert_string_equal(hoist_reason_name(HOIST_REASON_CANCELLED), "cancelled");
    assert_string_equal(hoist_reason_name((hoist_reason)999), "unknown");
    for (int a = HOIST_REASON_NONE; a <= HOIST_REASON_BUILD; a++) {
        assert_string_not_equal(hoist_reason_name((hoist_reason)a), "unknown");
        for (int b = a + 1; b <= HOIST_REASON_BUILD; b++)
            assert_string_not_equal(hoist_reason_name((hoist_reason)a), hoist_reason_name((hoist_reason)b));
    }
}

/* The main error sites say why, beside the exit class. */
static void sites_set_reasons(void **state)
{
    (void)state;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_dockerfile *df = NULL;
    const char *bad = "FROM busybox\nFROBNICATE x\n";
    assert_int_equal(hoist_dockerfile_parse(bad, strlen(bad), NULL, &df, &err), HOIST_EINPUT);
    assert_int_equal(err.reason, HOIST_REASON_SYNTAX);
    assert_int_equal(err.line, 2);
    assert_int_equal(hoist_dockerfile_parse_file("/nonexistent/hoist/Dockerfile", NULL, &df, &err), HOIST_EINPUT);
    assert_int_equal(err.reason, HOIST_REASON_NOT_FOUND);

    hoist_ignore *ig = NULL;
    const char *pat = "ok\n[unclosed\n";
    assert_int_equal(hoist_ignore_parse(&ig, pat, strlen(pat), ".dockerignore", &err), HOIST_EINPUT);
    assert_int_equal(err.reason, HOIST_REASON_SYNTAX);
    assert_int_equal(err.line, 2);
    assert_int_equal(hoist_ignore_load(&ig, "/nonexistent/hoist/.dockerignore", &err), HOIST_EINPUT);
    assert_int_equal(err.reason, HOIST_REASON_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_and_set),
        cmocka_unit_test(from_errno),
        cmocka_unit_test(names_are_stable_and_distinct),
        cmocka_unit_test(sites_set_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
