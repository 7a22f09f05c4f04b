/*
 * test_registry_misc.c - the registry module's small parts: the
 * WWW-Authenticate parser, the JWT access claim, image name splitting,
 * redaction, and the diagnosis of each registry error the daemon reports
 * (the cause and a fix that names the registry).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/reg_auth.h"
#include "registry/registry_errors.h"
#include "registry/registry_internal.h"

static void challenge(void **state)
{
    (void)state;
    reg_challenge c;
    assert_int_equal(reg_parse_challenge("Bearer realm=\"https://auth.example/token\",service=\"reg.example\","
                                         "scope=\"repository:a/b:pull\"", &c), 0);
    assert_string_equal(c.scheme, "bearer");
    assert_string_equal(c.realm, "https://auth.example/token");
    assert_string_equal(c.service, "reg.example");
    assert_int_equal(reg_parse_challenge("Basic realm=\"hoist-basic\"", &c), 0);
    assert_string_equal(c.scheme, "basic");
    assert_string_equal(c.realm, "hoist-basic");
    /* unquoted values, other order, a comma inside a quoted value */
    assert_int_equal(reg_parse_challenge("Bearer service=s1,error=\"a,b\",realm=http://127.0.0.1:1/t", &c), 0);
    assert_string_equal(c.realm, "http://127.0.0.1:1/t");
    assert_string_equal(c.service, "s1");
    assert_int_equal(reg_parse_challenge("", &c), -1);
    assert_int_equal(reg_parse_challenge(NULL, &c), -1);
    assert_string_equal(reg_api_host("docker.io"), "registry-1.docker.io");
    assert_string_equal(reg_api_host("ghcr.io"), "ghcr.io");
}

static void token_actions(void **state)
{
    (void)state;
    /* header {"alg":"none"}, claims with access for two repositories */
    const char *claims = "{\"access\":[{\"type\":\"repository\",\"name\":\"team/app\",\"actions\":[\"pull\",\"push\"]},"
                         "{\"type\":\"repository\",\"name\":\"other\",\"actions\":[\"pull\"]}]}";
    char b64[512] = "", header[700];
    /* base64url without padding */
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(claims), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)claims[i] << 16 | (i + 1 < n ? (unsigned char)claims[i + 1] << 8 : 0) |
                     (i + 2 < n ? (unsigned char)claims[i + 2] : 0);
        b64[o++] = tbl[v >> 18 & 63];
        b64[o++] = tbl[v >> 12 & 63];
        if (i + 1 < n)
            b64[o++] = tbl[v >> 6 & 63];
        if (i + 2 < n)
            b64[o++] = tbl[v & 63];
    }
    snprintf(header, sizeof(header), "Authorization: Bearer eyJhbGciOiJub25lIn0.%s.sig", b64);
    char out[64];
    assert_int_equal(reg_token_actions(header, "team/app", out, sizeof(out)), 0);
    assert_string_equal(out, "pull,push");
    assert_int_equal(reg_token_actions(header, "other", out, sizeof(out)), 0);
    assert_string_equal(out, "pull");
    assert_int_equal(reg_token_actions(header, "none", out, sizeof(out)), 0);
    assert_string_equal(out, "");
    assert_int_equal(reg_token_actions("Authorization: Bearer opaque-token", "x", out, sizeof(out)), -1);
    assert_int_equal(reg_token_actions("Authorization: Basic abc", "x", out, sizeof(out)), -1);
}

static void names(void **state)
{
    (void)state;
    char name[128], tag[64], digest[100];
    assert_int_equal(hoist_split_image_name("127.0.0.1:5000/team/app:1.2", name, sizeof(name), tag, sizeof(tag),
                                            digest, sizeof(digest)), 0);
    assert_string_equal(name, "127.0.0.1:5000/team/app");
    assert_string_equal(tag, "1.2");
    assert_string_equal(digest, "");
    assert_int_equal(hoist_split_image_name("localhost:5000/app", name, sizeof(name), tag, sizeof(tag), digest,
                                            sizeof(digest)), 0);
    assert_string_equal(name, "localhost:5000/app");
    assert_string_equal(tag, "");
    assert_int_equal(hoist_split_image_name("busybox:1@sha256:abc", name, sizeof(name), tag, sizeof(tag), digest,
                                            sizeof(digest)), 0);
    assert_string_equal(name, "busybox");
    assert_string_equal(tag, "1");
    assert_string_equal(digest, "sha256:abc");
    char text[] = "token=Secret-123 and Secret-123 again";
    hoist_redact(text, "Secret-123");
    assert_string_equal(text, "token=*** and *** again");
    hoist_redact(text, "ab"); /* too short to be a secret: left alone */
    assert_string_equal(text, "token=*** and *** again");
}

static void errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *cred, *cause, *hint;
        int code;
    } cases[] = {
        {"denied: requested access to the resource is denied", "file", "lack permission", "push access", HOIST_EFAILED},
        {"denied: requested access to the resource is denied", "none", "refused anonymous", "docker login reg.example:5000", HOIST_EFAILED},
        {"unauthorized: authentication required", "none", "none are configured", "docker login reg.example:5000", HOIST_EFAILED},
        {"unauthorized: incorrect username or password", "store", "rejected the credentials", "log in again", HOIST_EFAILED},
        {"no basic auth credentials", "none", "none are configured", "docker login", HOIST_EFAILED},
        {"name unknown: repository name not known to registry", "file", "does not know this repository", "create 'team/app'", HOIST_EFAILED},
        {"blob upload invalid: blob upload invalid", "file", "rejected a layer upload", "retry", HOIST_EFAILED},
        {"tag invalid: manifest tag did not match URI", "file", "rejected the tag", "tag of letters", HOIST_EFAILED},
        {"Get \"https://reg.example:5000/v2/\": http: server gave HTTP response to HTTPS client", "none", "plain HTTP",
         "insecure-registries", HOIST_EENV},
        {"Get \"https://reg.example:5000/v2/\": x509: certificate signed by unknown authority", "none", "not trusted",
         "/etc/docker/certs.d/reg.example:5000/ca.crt", HOIST_EENV},
        {"Get \"https://reg.example:5000/v2/\": dial tcp 10.0.0.1:5000: connect: connection refused", "none",
         "cannot reach", "NO_PROXY", HOIST_EENV},
        {"toomanyrequests: You have reached your pull rate limit", "none", "rate-limits", "docker login", HOIST_EFAILED},
        {"something new", "file", "something new", "hoist doctor --registry reg.example:5000/team/app", HOIST_EFAILED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hoist_error err = HOIST_ERROR_INIT;
        int rc = hoist_registry_error("push reg.example:5000/team/app:1", cases[i].text, "reg.example:5000",
                                      "team/app", cases[i].cred, &err);
        if (rc != cases[i].code || !strstr(err.message, cases[i].cause) || !strstr(err.hint, cases[i].hint))
            fail_msg("case %zu: rc %d message '%s' hint '%s'", i, rc, err.message, err.hint);
        assert_non_null(strstr(err.message, "push reg.example:5000/team/app:1"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(challenge),
        cmocka_unit_test(token_actions),
        cmocka_unit_test(names),
        cmocka_unit_test(errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
