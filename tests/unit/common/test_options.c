/* Unit tests for the options convention: every _INIT and _options_init()
 * sets the version, and entry points refuse an unknown version with
 * HOIST_EUSAGE and a message naming the function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hoist/hoist.h"

static void init_functions_match_macros(void **state)
{
    (void)state;
    hoist_client_options c;
    hoist_client_options_init(&c);
    assert_int_equal(c.version, HOIST_CLIENT_OPTIONS_VERSION);
    hoist_endpoint_options e;
    hoist_endpoint_options_init(&e);
    assert_int_equal(e.version, HOIST_ENDPOINT_OPTIONS_VERSION);
    hoist_doctor_options d;
    hoist_doctor_options_init(&d);
    assert_int_equal(d.version, HOIST_DOCTOR_OPTIONS_VERSION);
    assert_int_equal(d.endpoint.version, HOIST_ENDPOINT_OPTIONS_VERSION);
    hoist_df_parse_options p;
    hoist_df_parse_options_init(&p);
    assert_int_equal(p.version, HOIST_DF_PARSE_OPTIONS_VERSION);
    hoist_expand_options x;
    hoist_expand_options_init(&x);
    assert_int_equal(x.version, HOIST_EXPAND_OPTIONS_VERSION);
    hoist_lint_engine le;
    hoist_lint_engine_init(&le);
    assert_int_equal(le.version, HOIST_LINT_ENGINE_VERSION);
    assert_true(le.buildkit);
    hoist_context_tar_options t;
    hoist_context_tar_options_init(&t);
    assert_int_equal(t.version, HOIST_CONTEXT_TAR_OPTIONS_VERSION);
    hoist_build_options b;
    hoist_build_options_init(&b);
    assert_int_equal(b.version, HOIST_BUILD_OPTIONS_VERSION);
}

static void unknown_version_is_usage_error(void **state)
{
    (void)state;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_parse_options p = HOIST_DF_PARSE_OPTIONS_INIT;
    p.version = 99;
    hoist_dockerfile *df = NULL;
    assert_int_equal(hoist_dockerfile_parse(&df, "FROM a\n", 7, &p, &err), HOIST_EUSAGE);
    assert_null(df);
    assert_non_null(strstr(err.message, "hoist_dockerfile_parse: options version mismatch (got 99"));
    assert_non_null(strstr(err.hint, "HOIST_DF_PARSE_OPTIONS_INIT"));

    hoist_expand_options x = HOIST_EXPAND_OPTIONS_INIT;
    x.version = 0;
    char *out = NULL;
    assert_int_equal(hoist_expand(&out, "$a", 2, &x, &err), HOIST_EUSAGE);
    assert_null(out);

    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, NULL, &err), HOIST_EUSAGE);
    assert_non_null(strstr(err.message, "hoist_endpoint_resolve: options are NULL"));
    /* no error struct: the code alone still says so */
    hoist_endpoint_options e = HOIST_ENDPOINT_OPTIONS_INIT;
    e.version = 2;
    assert_int_equal(hoist_endpoint_resolve(&ep, &e, NULL), HOIST_EUSAGE);

    assert_int_equal(hoist_dockerfile_parse(&df, "FROM a\n", 7, NULL, &err), 0);
    hoist_lint_engine eng = HOIST_LINT_ENGINE_INIT;
    eng.version = 7;
    hoist_lint_options lo = HOIST_LINT_OPTIONS_INIT;
    lo.engine = &eng;
    hoist_lint_result *r = NULL;
    assert_int_equal(hoist_lint_run(&r, df, &lo, &err), HOIST_EUSAGE);
    assert_null(r);
    assert_non_null(strstr(err.message, "hoist_lint_run (engine): options version mismatch"));
    hoist_dockerfile_free(df);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_functions_match_macros),
        cmocka_unit_test(unknown_version_is_usage_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
