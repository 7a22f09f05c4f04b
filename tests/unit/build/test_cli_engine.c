/*
 * test_cli_engine.c - the CLI engine hands the docker CLI the endpoint the
 * client resolved, whatever the environment says: -H from the endpoint's
 * fields, --tlsverify/--tls with its CA, certificate and key, and none of
 * DOCKER_HOST, DOCKER_CONTEXT, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH in the
 * child's environment. A fake `docker` script records what it was given
 * and writes the --iidfile the engine reads back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/cli_engine.h"
#include "build/decoder.h"
#include "hoist/endpoint.h"

typedef struct fixture {
    char dir[64];
    char docker[128];
    char argv_log[128];
    char env_log[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/hoist-cli-engine.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->docker, sizeof(f->docker), "%s/docker", f->dir);
    snprintf(f->argv_log, sizeof(f->argv_log), "%s/argv", f->dir);
    snprintf(f->env_log, sizeof(f->env_log), "%s/env", f->dir);
    FILE *s = fopen(f->docker, "w");
    if (!s)
        return -1;
    fprintf(s, "#!/bin/sh\n"
               "for a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s'\n"
               "env | grep '^DOCKER' | sort > '%s'\n"
               "iid=\nwhile [ $# -gt 0 ]; do [ \"$1\" = --iidfile ] && iid=$2; shift; done\n"
               "echo 'Step 1/1 : FROM scratch'\n"
               "printf 'sha256:%%064d\\n' 7 > \"$iid\"\n",
            f->argv_log, f->env_log);
    fclose(s);
    chmod(f->docker, 0755);
    /* what the environment says, which the endpoint set in code must beat */
    setenv("DOCKER_HOST", "unix:///nonexistent/from-env.sock", 1);
    setenv("DOCKER_CONTEXT", "context-from-env", 1);
    setenv("DOCKER_TLS_VERIFY", "1", 1);
    setenv("DOCKER_CERT_PATH", "/nonexistent/certs-from-env", 1);
    setenv("DOCKER_BUILDKIT", "1", 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    unlink(f->docker);
    unlink(f->argv_log);
    unlink(f->env_log);
    rmdir(f->dir);
    free(f);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static bool starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static int run_with(fixture *f, const hoist_endpoint *ep, const hoist_build_options *opts)
{
    hoist_docker_cli cli;
    memset(&cli, 0, sizeof(cli));
    snprintf(cli.path, sizeof(cli.path), "%s", f->docker);
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", NULL, 0, NULL, NULL);
    hoist_cli_build b = {
        .opts = opts,
        .endpoint = ep,
        .cli = &cli,
        .builder = HOIST_BUILDER_CLASSIC,
        .context_dir = f->dir,
        .dockerfile_path = "/nonexistent/Dockerfile",
        .df = NULL,
        .decoder = &d,
    };
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_cli_build_run(&b, &err);
    if (rc)
        fprintf(stderr, "cli build: %s\n", err.message);
    if (!rc)
        assert_string_equal(d.image_id, "sha256:0000000000000000000000000000000000000000000000000000000000000007");
    hoist_build_decoder_finish(&d);
    return rc;
}

/* A tcp+TLS endpoint filled in code (no environment involved). */
static void tls_endpoint_from_code(void **state)
{
    fixture *f = *state;
    hoist_endpoint ep;
    memset(&ep, 0, sizeof(ep));
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_parse_host("tcp://10.1.2.3:2376", &ep, &err), 0);
    ep.tls = true;
    ep.tls_verify = true;
    snprintf(ep.ca_file, sizeof(ep.ca_file), "/etc/hoist-test/ca.pem");
    snprintf(ep.cert_file, sizeof(ep.cert_file), "/etc/hoist-test/cert.pem");
    snprintf(ep.key_file, sizeof(ep.key_file), "/etc/hoist-test/key.pem");
    hoist_build_options opts = HOIST_BUILD_OPTIONS_INIT;
    const char *tags[] = {"x/y:1"};
    opts.params.tags = tags;
    opts.params.tag_count = 1;
    assert_int_equal(run_with(f, &ep, &opts), 0);

    const char *argv = slurp(f->argv_log);
    assert_ptr_equal(argv, strstr(argv, "-H\ntcp://10.1.2.3:2376\n--tlsverify\n"
                                 "--tlscacert\n/etc/hoist-test/ca.pem\n"
                                 "--tlscert\n/etc/hoist-test/cert.pem\n"
                                 "--tlskey\n/etc/hoist-test/key.pem\nbuild\n"));
    assert_null(strstr(argv, "--context"));
    assert_null(strstr(argv, "from-env"));
    assert_non_null(strstr(argv, "-t\nx/y:1\n"));
    const char *env = slurp(f->env_log);
    assert_null(strstr(env, "DOCKER_HOST="));
    assert_null(strstr(env, "DOCKER_CONTEXT="));
    assert_null(strstr(env, "DOCKER_TLS_VERIFY="));
    assert_null(strstr(env, "DOCKER_CERT_PATH="));
    assert_non_null(strstr(env, "DOCKER_BUILDKIT=0")); /* the builder's choice, not the environment's */
}

/* TLS without verification; https:// is written as tcp:// for the CLI. */
static void tls_without_verify(void **state)
{
    fixture *f = *state;
    hoist_endpoint ep;
    memset(&ep, 0, sizeof(ep));
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_parse_host("https://[::1]:2400", &ep, &err), 0);
    hoist_build_options opts = HOIST_BUILD_OPTIONS_INIT;
    opts.registry.docker_config = "/etc/hoist-test/docker-config";
    assert_int_equal(run_with(f, &ep, &opts), 0);
    const char *argv = slurp(f->argv_log);
    assert_ptr_equal(argv, strstr(argv, "-H\ntcp://[::1]:2400\n--tls\nbuild\n"));
    assert_null(strstr(argv, "--tlsverify"));
    assert_null(strstr(argv, "--tlscacert"));
    const char *env = slurp(f->env_log);
    assert_non_null(strstr(env, "DOCKER_CONFIG=/etc/hoist-test/docker-config\n"));
}

/* unix and ssh endpoints: -H only. */
static void unix_and_ssh(void **state)
{
    fixture *f = *state;
    hoist_endpoint ep;
    memset(&ep, 0, sizeof(ep));
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_parse_host("unix:///run/in-code.sock", &ep, &err), 0);
    hoist_build_options opts = HOIST_BUILD_OPTIONS_INIT;
    assert_int_equal(run_with(f, &ep, &opts), 0);
    const char *argv = slurp(f->argv_log);
    assert_true(starts_with(argv, "-H\nunix:///run/in-code.sock\nbuild\n"));
    assert_null(strstr(argv, "--tls"));

    memset(&ep, 0, sizeof(ep));
    assert_int_equal(hoist_endpoint_parse_host("ssh://builder@build.example:2222", &ep, &err), 0);
    assert_int_equal(run_with(f, &ep, &opts), 0);
    argv = slurp(f->argv_log);
    assert_true(starts_with(argv, "-H\nssh://builder@build.example:2222\nbuild\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(tls_endpoint_from_code, setup, teardown),
        cmocka_unit_test_setup_teardown(tls_without_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(unix_and_ssh, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
