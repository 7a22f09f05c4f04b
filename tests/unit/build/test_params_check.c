/*
 * test_params_check.c - the flag values docker build refuses before it
 * sends anything (lib/build/params_check.c), and the daemon's answers about
 * user input turned into usage errors (lib/engine/client.c). Issue #14
 * item 13: each row was accepted, and uploaded, before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "build/build_internal.h"
#include "engine/client_internal.h"

struct row {
    const char *flag;
    const char *value;
    bool ok;
};

/* verdicts of docker CLI 28.2.2 (exit 125 before the upload, or sent) */
static const struct row rows[] = {
    {"-t", "Bad Tag!", false}, {"-t", "UPPER", false}, {"-t", "a:b:c", false},
    {"-t", "a:", false}, {"-t", ":a", false}, {"-t", "a___b", false}, {"-t", "a__b", true},
    {"-t", "localhost:5000/a/b:c", true}, {"-t", "Registry.io/x", true}, {"-t", "a/B", false},
    {"-t", "myapp:1.0", true}, {"-t", "a-b_c/e--f:T_1.x-y", true}, {"-t", "a-b.c_d/x", true}, {"-t", "a/-b", false},
    {"-t", "[::1]:5000/x", true}, {"-t", "a..b", false},
    {"--build-arg", "=x", false}, {"--build-arg", "a", true}, {"--build-arg", "a=", true},
    {"--label", "=x", false}, {"--label", "a", true}, {"--label", " =x", false},
    {"--label", "a b=1", false}, {"--label", "a=b c", true},
    {"--add-host", "bad", false}, {"--add-host", "h:notip", false}, {"--add-host", "h=1.2.3.4", true},
    {"--add-host", "h:::1", true}, {"--add-host", "h:[::1]", true}, {"--add-host", "h:host-gateway", true},
    {"--add-host", ":1.2.3.4", false}, {"--add-host", "h:1.2.3", false},
    {"--platform", "foo/bar", false}, {"--platform", "linux/amd64", true}, {"--platform", "arm64", true},
    {"--platform", "linux/arm64/v8", true}, {"--platform", "linux/amd64/v2/x", false},
    {"--platform", "linux//amd64", false}, {"--platform", "linux/am d64", false},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        hoist_build_params p = {0};
        const char *one[] = {r->value};
        if (!strcmp(r->flag, "-t")) {
            p.tags = one;
            p.tag_count = 1;
        } else if (!strcmp(r->flag, "--build-arg")) {
            p.build_args = one;
            p.build_arg_count = 1;
        } else if (!strcmp(r->flag, "--label")) {
            p.labels = one;
            p.label_count = 1;
        } else if (!strcmp(r->flag, "--add-host")) {
            p.add_hosts = one;
            p.add_host_count = 1;
        } else {
            p.platform = r->value;
        }
        hoist_error err = HOIST_ERROR_INIT;
        int rc = build_params_check(&p, &err);
        if ((rc == 0) != r->ok) {
            print_error("%s '%s': expected %s, got %d %s\n", r->flag, r->value,
                        r->ok ? "accepted" : "refused", rc, err.message);
            fail();
        }
        if (!r->ok) {
            assert_int_equal(rc, HOIST_EUSAGE);
            assert_int_equal(err.reason, HOIST_REASON_INVALID);
            assert_non_null(strstr(err.message, r->flag));
            assert_true(err.hint[0] != '\0');
        }
    }
}

static void test_sizes(void **state)
{
    (void)state;
    hoist_build_params p = {0};
    hoist_error err = HOIST_ERROR_INIT;
    p.shm_size = -1;
    assert_int_equal(build_params_check(&p, &err), HOIST_EUSAGE);
    p.shm_size = 0;
    p.memory = -5;
    assert_int_equal(build_params_check(&p, &err), HOIST_EUSAGE);
    p.memory = 1;
    assert_int_equal(build_params_check(&p, &err), 0);
}

static void test_daemon_answers(void **state)
{
    (void)state;
    static const struct { long status; const char *body; int code; } cases[] = {
        {500, "{\"message\":\"invalid reference format\"}", HOIST_EUSAGE},
        {400, "{\"message\":\"Minimum memory limit allowed is 6MB\"}", HOIST_EUSAGE},
        {500, "{\"message\":\"Minimum memory limit allowed is 6MB\"}", HOIST_EUSAGE},
        {500, "{\"message\":\"something broke\"}", HOIST_EFAILED},
        {404, "{\"message\":\"no such image\"}", HOIST_EFAILED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hoist_http_response resp = {0};
        resp.status = cases[i].status;
        resp.body = (char *)cases[i].body;
        resp.body_len = strlen(cases[i].body);
        hoist_error err = HOIST_ERROR_INIT;
        assert_int_equal(hoist_http_error_from_response(&resp, "POST /build", NULL, &err), cases[i].code);
        if (cases[i].code == HOIST_EUSAGE)
            assert_null(strstr(err.hint, "log may say more"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_daemon_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
