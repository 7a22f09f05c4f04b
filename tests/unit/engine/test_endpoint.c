/*
 * test_endpoint.c - endpoint resolution: flag, DOCKER_HOST, DOCKER_CONTEXT,
 * config.json's currentContext, the default; host URL parsing; TLS
 * material; and the errors for bad hosts and unknown contexts. Each test
 * builds its own DOCKER_CONFIG directory with a real context store layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/sha256.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hoist/endpoint.h"

struct fixture {
    char dir[256];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/hoist-endpoint-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
    assert_int_equal(system(cmd), 0);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void context_hash(const char *name, char out[65])
{
    hoist_sha256_hex(name, strlen(name), out);
}

static void add_context(const struct fixture *f, const char *name, const char *host, int tls_files)
{
    char hash[65], path[1024], json[1024];
    context_hash(name, hash);
    snprintf(path, sizeof(path), "%s/contexts/meta/%s/meta.json", f->dir, hash);
    snprintf(json, sizeof(json),
             "{\"Name\":\"%s\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"%s\",\"SkipTLSVerify\":false}}}",
             name, host);
    write_file(path, json);
    if (tls_files) {
        const char *files[] = {"ca.pem", "cert.pem", "key.pem"};
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof(path), "%s/contexts/tls/%s/docker/%s", f->dir, hash, files[i]);
            write_file(path, "pem");
        }
    }
}

static hoist_endpoint_options opts_for(const struct fixture *f)
{
    hoist_endpoint_options o = HOIST_ENDPOINT_OPTIONS_INIT;
    o.docker_config = f->dir;
    return o;
}

static void default_socket(void **state)
{
    hoist_endpoint_options o = opts_for(*state);
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, &err), 0);
    assert_int_equal(ep.kind, HOIST_ENDPOINT_UNIX);
    assert_int_equal(ep.source, HOIST_ENDPOINT_FROM_DEFAULT);
    assert_string_equal(ep.socket_path, "/var/run/docker.sock");
    assert_string_equal(ep.host, "unix:///var/run/docker.sock");
}

static void flag_beats_everything(void **state)
{
    struct fixture *f = *state;
    add_context(f, "remote", "tcp://10.0.0.1:2376", 0);
    hoist_endpoint_options o = opts_for(f);
    o.host_flag = "unix:///run/flag.sock";
    o.docker_host = "unix:///run/env.sock";
    o.docker_context = "remote";
    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, NULL), 0);
    assert_int_equal(ep.source, HOIST_ENDPOINT_FROM_FLAG);
    assert_string_equal(ep.socket_path, "/run/flag.sock");
}

static void docker_host_beats_context_env(void **state)
{
    struct fixture *f = *state;
    add_context(f, "remote", "tcp://10.0.0.1:2376", 0);
    hoist_endpoint_options o = opts_for(f);
    o.docker_host = "tcp://127.0.0.1:2375";
    o.docker_context = "remote";
    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, NULL), 0);
    assert_int_equal(ep.source, HOIST_ENDPOINT_FROM_DOCKER_HOST);
    assert_int_equal(ep.kind, HOIST_ENDPOINT_TCP);
    assert_string_equal(ep.address, "127.0.0.1");
    assert_int_equal(ep.port, 2375);
    assert_false(ep.tls);
}

static void context_flag_beats_docker_host(void **state)
{
    struct fixture *f = *state;
    add_context(f, "remote", "tcp://10.0.0.1:2376", 1);
    hoist_endpoint_options o = opts_for(f);
    o.context_flag = "remote";
    o.docker_host = "unix:///run/env.sock";
    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, NULL), 0);
    assert_int_equal(ep.source, HOIST_ENDPOINT_FROM_DOCKER_CONTEXT);
    assert_string_equal(ep.context_name, "remote");
    assert_string_equal(ep.address, "10.0.0.1");
    assert_true(ep.tls);
    assert_true(ep.tls_verify);
    assert_non_null(strstr(ep.ca_file, "/contexts/tls/"));
    assert_non_null(strstr(ep.cert_file, "cert.pem"));
    assert_non_null(strstr(ep.key_file, "key.pem"));
}

static void docker_context_env(void **state)
{
    struct fixture *f = *state;
    add_context(f, "rootless", "unix:///run/user/1000/docker.sock", 0);
    hoist_endpoint_options o = opts_for(f);
    o.docker_context = "rootless";
    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, NULL), 0);
    assert_int_equal(ep.source, HOIST_ENDPOINT_FROM_DOCKER_CONTEXT);
    assert_string_equal(ep.socket_path, "/run/user/1000/docker.sock");
}

static void config_current_context(void **state)
{
    struct fixture *f = *state;
    add_context(f, "ci", "unix:///run/ci.sock", 0);
    char path[512];
    snprintf(path, sizeof(path), "%s/config.json", f->dir);
    write_file(path, "{\"auths\":{},\"currentContext\":\"ci\"}");
    hoist_endpoint_options o = opts_for(f);
    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, NULL), 0);
    assert_int_equal(ep.source, HOIST_ENDPOINT_FROM_CONFIG_CONTEXT);
    assert_string_equal(ep.socket_path, "/run/ci.sock");
    assert_string_equal(ep.context_name, "ci");
}

static void default_context_name_means_default(void **state)
{
    hoist_endpoint_options o = opts_for(*state);
    o.docker_context = "default";
    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, NULL), 0);
    assert_string_equal(ep.socket_path, "/var/run/docker.sock");
}

static void unknown_context_is_env_error(void **state)
{
    hoist_endpoint_options o = opts_for(*state);
    o.docker_context = "nope";
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "'nope' not found"));
    assert_non_null(strstr(err.hint, "docker context ls"));
}

static void broken_config_names_file_and_line(void **state)
{
    struct fixture *f = *state;
    char path[512];
    snprintf(path, sizeof(path), "%s/config.json", f->dir);
    write_file(path, "{\n  \"currentContext\": \"x\",\n  oops\n}");
    hoist_endpoint_options o = opts_for(f);
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, &err), HOIST_EENV);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 3);
}

static void parse_hosts(void **state)
{
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    memset(&ep, 0, sizeof(ep));
    assert_int_equal(hoist_endpoint_parse_host(&ep, "tcp://example.test", &err), 0);
    assert_int_equal(ep.port, 2375);
    assert_int_equal(hoist_endpoint_parse_host(&ep, "https://example.test", &err), 0);
    assert_true(ep.tls);
    assert_int_equal(ep.port, 2376);
    assert_int_equal(hoist_endpoint_parse_host(&ep, "tcp://[::1]:2376", &err), 0);
    assert_string_equal(ep.address, "::1");
    assert_int_equal(ep.port, 2376);
    assert_string_equal(ep.host, "tcp://[::1]:2376");
    assert_int_equal(hoist_endpoint_parse_host(&ep, "127.0.0.1:1234", &err), 0);
    assert_int_equal(ep.kind, HOIST_ENDPOINT_TCP);
    assert_int_equal(ep.port, 1234);
    assert_int_equal(hoist_endpoint_parse_host(&ep, "ssh://me@build.test:2222", &err), 0);
    assert_int_equal(ep.kind, HOIST_ENDPOINT_SSH);
    assert_string_equal(ep.ssh_user, "me");
    assert_string_equal(ep.address, "build.test");
    assert_int_equal(ep.port, 2222);
    assert_int_equal(hoist_endpoint_parse_host(&ep, "unix://", &err), 0);
    assert_string_equal(ep.socket_path, "/var/run/docker.sock");
}

static void parse_bad_hosts(void **state)
{
    const char *bad[] = {"tcp://host:notaport", "tcp://host:70000", "ftp://x", "unix://relative.sock",
                         "tcp://host:2375/path", NULL};
    for (int i = 0; bad[i]; i++) {
        hoist_endpoint ep;
        hoist_error err = HOIST_ERROR_INIT;
        memset(&ep, 0, sizeof(ep));
        assert_int_equal(hoist_endpoint_parse_host(&ep, bad[i], &err), HOIST_EUSAGE);
        assert_true(err.message[0] != '\0');
        assert_true(err.hint[0] != '\0');
    }
}

static void bad_docker_host_is_env_error(void **state)
{
    hoist_endpoint_options o = opts_for(*state);
    o.docker_host = "tcp://host:notaport";
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "DOCKER_HOST"));
}

static void tls_env(void **state)
{
    struct fixture *f = *state;
    char path[512];
    snprintf(path, sizeof(path), "%s/certs/ca.pem", f->dir);
    write_file(path, "pem");
    snprintf(path, sizeof(path), "%s/certs/cert.pem", f->dir);
    write_file(path, "pem");
    snprintf(path, sizeof(path), "%s/certs/key.pem", f->dir);
    write_file(path, "pem");
    char certs[300];
    snprintf(certs, sizeof(certs), "%s/certs", f->dir);
    hoist_endpoint_options o = opts_for(f);
    o.docker_host = "tcp://127.0.0.1:2376";
    o.tls_verify = "1";
    o.cert_path = certs;
    hoist_endpoint ep;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, NULL), 0);
    assert_true(ep.tls);
    assert_true(ep.tls_verify);
    snprintf(path, sizeof(path), "%s/ca.pem", certs);
    assert_string_equal(ep.ca_file, path);
}

static void options_version_checked(void **state)
{
    hoist_endpoint_options o = opts_for(*state);
    o.version = 99;
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_resolve(&ep, &o, &err), HOIST_EUSAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(default_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(flag_beats_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(docker_host_beats_context_env, setup, teardown),
        cmocka_unit_test_setup_teardown(context_flag_beats_docker_host, setup, teardown),
        cmocka_unit_test_setup_teardown(docker_context_env, setup, teardown),
        cmocka_unit_test_setup_teardown(config_current_context, setup, teardown),
        cmocka_unit_test_setup_teardown(default_context_name_means_default, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_context_is_env_error, setup, teardown),
        cmocka_unit_test_setup_teardown(broken_config_names_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_bad_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_docker_host_is_env_error, setup, teardown),
        cmocka_unit_test_setup_teardown(tls_env, setup, teardown),
        cmocka_unit_test_setup_teardown(options_version_checked, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
