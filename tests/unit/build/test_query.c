/*
 * test_query.c - /build query parameters: every option's parameter, JSON
 * where the API wants JSON, repeated parameters, version gates naming both
 * versions. (The X-Registry-Config header is tested with the credentials
 * module, tests/unit/registry/.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <jansson.h>

#include "build/query.h"

static hoist_client *test_client;

/* A client only for its libcurl (escaping); it never connects. */
static int make_client(void **state)
{
    hoist_endpoint ep;
    memset(&ep, 0, sizeof(ep));
    assert_int_equal(hoist_endpoint_parse_host("unix:///nonexistent/docker.sock", &ep, NULL), 0);
    hoist_client_options o = HOIST_CLIENT_OPTIONS_INIT;
    o.endpoint = &ep;
    return hoist_client_new(&o, &test_client, NULL);
}

static int free_client(void **state)
{
    hoist_client_free(test_client);
    return 0;
}

static char *unescape(const char *s)
{
    int n = 0;
    char *u = curl_easy_unescape(NULL, s, 0, &n);
    char *copy = strdup(u);
    curl_free(u);
    return copy;
}

static void all_options(void **state)
{
    const char *tags[] = {"app:1", "app:latest"};
    const char *args[] = {"A=1", "B=two words"};
    const char *labels[] = {"org.x=y"};
    const char *cache[] = {"app:cache"};
    const char *hosts[] = {"db:10.0.0.5", "cache:10.0.0.6"};
    hoist_build_options o = HOIST_BUILD_OPTIONS_INIT;
    o.params.tags = tags;
    o.params.tag_count = 2;
    o.params.build_args = args;
    o.params.build_arg_count = 2;
    o.params.labels = labels;
    o.params.label_count = 1;
    o.params.cache_from = cache;
    o.params.cache_from_count = 1;
    o.params.add_hosts = hosts;
    o.params.add_host_count = 2;
    o.params.target = "runtime";
    o.params.platform = "linux/amd64";
    o.params.network = "none";
    o.params.no_cache = true;
    o.params.pull = true;
    o.params.shm_size = 67108864;
    o.params.memory = 536870912;
    char *q = NULL;
    assert_int_equal(hoist_build_query(test_client, &o, "sub/Dockerfile", "1.41", &q, NULL), 0);
    char *u = unescape(q);
    assert_non_null(strstr(u, "/build?dockerfile=sub/Dockerfile&t=app:1&t=app:latest"));
    assert_non_null(strstr(u, "buildargs={\"A\":\"1\",\"B\":\"two words\"}"));
    assert_non_null(strstr(u, "labels={\"org.x\":\"y\"}"));
    assert_non_null(strstr(u, "cachefrom=[\"app:cache\"]"));
    assert_non_null(strstr(u, "extrahosts=db:10.0.0.5&extrahosts=cache:10.0.0.6"));
    assert_non_null(strstr(u, "target=runtime"));
    assert_non_null(strstr(u, "platform=linux/amd64"));
    assert_non_null(strstr(u, "networkmode=none"));
    assert_non_null(strstr(u, "nocache=1"));
    assert_non_null(strstr(u, "pull=1"));
    assert_non_null(strstr(u, "rm=1&forcerm=1"));
    assert_non_null(strstr(u, "shmsize=67108864"));
    assert_non_null(strstr(u, "memory=536870912"));
    assert_null(strchr(q, ' '));
    free(u);
    free(q);
}

static void build_arg_from_environment(void **state)
{
    const char *args[] = {"FROM_ENV", "NOT_SET_ANYWHERE_XYZ"};
    setenv("FROM_ENV", "env-value", 1);
    unsetenv("NOT_SET_ANYWHERE_XYZ");
    hoist_build_options o = HOIST_BUILD_OPTIONS_INIT;
    o.params.build_args = args;
    o.params.build_arg_count = 2;
    char *q = NULL;
    assert_int_equal(hoist_build_query(test_client, &o, "Dockerfile", "1.41", &q, NULL), 0);
    char *u = unescape(q);
    assert_non_null(strstr(u, "buildargs={\"FROM_ENV\":\"env-value\"}"));
    free(u);
    free(q);
}

static void version_gates(void **state)
{
    hoist_build_options o = HOIST_BUILD_OPTIONS_INIT;
    o.params.platform = "linux/arm64";
    char *q = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_build_query(test_client, &o, "Dockerfile", "1.31", &q, &err), HOIST_EENV);
    assert_null(q);
    assert_non_null(strstr(err.message, "--platform"));
    assert_non_null(strstr(err.message, "1.32"));
    assert_non_null(strstr(err.message, "1.31"));

    hoist_build_options t = HOIST_BUILD_OPTIONS_INIT;
    t.params.target = "x";
    assert_int_equal(hoist_build_query(test_client, &t, "Dockerfile", "1.28", &q, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "--target"));
}

static void bad_values(void **state)
{
    const char *labels[] = {"novalue"};
    hoist_build_options o = HOIST_BUILD_OPTIONS_INIT;
    o.params.labels = labels;
    o.params.label_count = 1;
    char *q = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_build_query(test_client, &o, "Dockerfile", "1.41", &q, &err), HOIST_EUSAGE);
    const char *hosts[] = {"nocolon"};
    hoist_build_options h = HOIST_BUILD_OPTIONS_INIT;
    h.params.add_hosts = hosts;
    h.params.add_host_count = 1;
    assert_int_equal(hoist_build_query(test_client, &h, "Dockerfile", "1.41", &q, &err), HOIST_EUSAGE);
    assert_null(q);
}

static void keep_intermediate(void **state)
{
    hoist_build_options o = HOIST_BUILD_OPTIONS_INIT;
    o.params.keep_intermediate = true;
    o.output.quiet = true;
    char *q = NULL;
    assert_int_equal(hoist_build_query(test_client, &o, "Dockerfile", "1.41", &q, NULL), 0);
    assert_non_null(strstr(q, "rm=0&forcerm=0"));
    assert_non_null(strstr(q, "q=1"));
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_options),
        cmocka_unit_test(build_arg_from_environment),
        cmocka_unit_test(version_gates),
        cmocka_unit_test(bad_values),
        cmocka_unit_test(keep_intermediate),
    };
    return cmocka_run_group_tests(tests, make_client, free_client);
}
