/*
 * test_credentials.c - the credentials module: config.json auths (auth,
 * identitytoken, registrytoken), Docker Hub's key, credsStore and
 * credHelpers through real helper scripts (found, not found, failing,
 * slow, missing, not JSON), the order between them, the headers built
 * from them, and secrets that never reach an error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include "common/base64.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "registry/auth_header.h"
#include "registry/credentials.h"

#define CANARY "Canary-Pw-7731"

static char dir[64];

static void write_file(const char *name, const char *text, int mode)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/hoist-creds-XXXXXX");
    assert_non_null(mkdtemp(dir));
    /* helper scripts: the docker-credential protocol, on PATH = dir */
    write_file("docker-credential-good",
               "#!/bin/sh\n"
               "read -r url\n"
               "case \"$1:$url\" in\n"
               "  get:127.0.0.1:5000) printf '{\"ServerURL\":\"%s\",\"Username\":\"helperuser\",\"Secret\":\"" CANARY "\"}' \"$url\" ;;\n"
               "  get:tok.example) printf '{\"ServerURL\":\"%s\",\"Username\":\"<token>\",\"Secret\":\"tok-" CANARY "\"}' \"$url\" ;;\n"
               "  list:*) printf '{\"127.0.0.1:5000\":\"helperuser\",\"nothere.example\":\"x\"}' ;;\n"
               "  *) echo 'credentials not found in native keychain'; exit 1 ;;\n"
               "esac\n", 0755);
    write_file("docker-credential-broken", "#!/bin/sh\necho 'cannot reach the keychain'; exit 3\n", 0755);
    write_file("docker-credential-slow", "#!/bin/sh\nsleep 30\n", 0755);
    write_file("docker-credential-notjson", "#!/bin/sh\necho '" CANARY "'\n", 0755);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static hoist_credentials_options opts_here(void)
{
    hoist_credentials_options o = {.config_dir = dir, .path_env = dir, .helper_timeout_ms = 2000};
    return o;
}

static void assert_no_secret(const hoist_error *err)
{
    assert_null(strstr(err->message, CANARY));
    assert_null(strstr(err->hint, CANARY));
}

static json_t *decode_header(const char *header, const char *name)
{
    const char *b64 = header + strlen(name) + 2;
    size_t len = strlen(b64);
    char *std = strdup(b64);
    for (size_t i = 0; i < len; i++)
        std[i] = std[i] == '-' ? '+' : std[i] == '_' ? '/' : std[i];
    unsigned char *raw = malloc(len + 4);
    ssize_t n = hoist_b64_decode(std, len, raw);
    json_t *j = n < 0 ? NULL : json_loadb((char *)raw, (size_t)n, 0, NULL);
    free(raw);
    free(std);
    return j;
}

static void file_auths(void **state)
{
    (void)state;
    /* "user:s3cret+/?" ; Docker Hub under its v1 URL; an identity token */
    write_file("config.json",
               "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"dXNlcjpzM2NyZXQrLz8=\"},\"helper.example\":{},\n"
               " \"https://index.docker.io/v1/\":{\"auth\":\"aHViOmh1YnB3\"},\n"
               " \"https://ghcr.io\":{\"identitytoken\":\"id-tok\",\"registrytoken\":\"reg-tok\"}}}", 0600);
    hoist_credentials_options o = opts_here();
    hoist_credential c;
    assert_int_equal(hoist_credentials_get(&o, "127.0.0.1:5000", &c, NULL), 0);
    assert_int_equal(c.source, HOIST_CRED_FILE);
    assert_string_equal(c.username, "user");
    assert_string_equal(c.password, "s3cret+/?");
    const char *hub[] = {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(hoist_credentials_get(&o, hub[i], &c, NULL), 0);
        assert_string_equal(c.username, "hub");
        assert_string_equal(c.server, "https://index.docker.io/v1/");
    }
    assert_int_equal(hoist_credentials_get(&o, "ghcr.io", &c, NULL), 0);
    assert_string_equal(c.identity_token, "id-tok");
    assert_string_equal(c.registry_token, "reg-tok");
    char user[64], secret[64];
    assert_int_equal(hoist_credentials_lookup(&o, "ghcr.io", user, sizeof(user), secret, sizeof(secret), NULL), 0);
    assert_string_equal(user, "");
    assert_string_equal(secret, "id-tok");
    assert_int_equal(hoist_credentials_lookup(&o, "registry-1.docker.io", user, sizeof(user), secret,
                                              sizeof(secret), NULL), 0);
    assert_string_equal(user, "hub");
    assert_string_equal(secret, "hubpw");
    assert_int_equal(hoist_credentials_get(&o, "helper.example", &c, NULL), 0);
    assert_int_equal(c.source, HOIST_CRED_NONE);
    assert_int_equal(hoist_credentials_get(&o, "other.example", &c, NULL), 0);
    assert_int_equal(c.source, HOIST_CRED_NONE);
    hoist_credential_clear(&c);
    assert_string_equal(c.username, "");

    /* X-Registry-Config: every credential, URL-safe, keyed by server */
    char *header = NULL;
    assert_int_equal(hoist_registry_config_header(&o, &header, NULL, NULL), 0);
    assert_non_null(strstr(header, "X-Registry-Config: "));
    assert_null(strchr(header + 19, '+'));
    assert_null(strchr(header + 19, '/'));
    json_t *j = decode_header(header, "X-Registry-Config");
    assert_non_null(j);
    json_t *e = json_object_get(j, "127.0.0.1:5000");
    assert_string_equal(json_string_value(json_object_get(e, "username")), "user");
    assert_string_equal(json_string_value(json_object_get(e, "password")), "s3cret+/?");
    assert_string_equal(json_string_value(json_object_get(e, "serveraddress")), "127.0.0.1:5000");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "https://ghcr.io"), "identitytoken")),
                        "id-tok");
    assert_null(json_object_get(j, "helper.example"));
    json_decref(j);
    hoist_registry_header_free(header);
}

static void bad_config(void **state)
{
    (void)state;
    hoist_credentials_options o = opts_here();
    hoist_credential c;
    char path[128];
    snprintf(path, sizeof(path), "%s/config.json", dir);
    /* malformed: the error names file, line and column, never the content */
    write_file("config.json", "{\"auths\":{\n\"r\":{\"auth\":\"" CANARY "\" oops}}}", 0600);
    hoist_error err = HOIST_ERROR_INIT;
    char *header = NULL;
    assert_int_equal(hoist_registry_config_header(&o, &header, NULL, &err), HOIST_EENV);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 2);
    assert_true(err.column > 0);
    assert_no_secret(&err);
    /* base64 that is not user:password: file and line of the entry */
    write_file("config.json", "{\"auths\":{\n\n\"bad.example\":{\"auth\":\"" CANARY "\"}}}", 0600);
    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(hoist_credentials_get(&o, "bad.example", &c, &err), HOIST_EENV);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "bad.example"));
    assert_no_secret(&err);
    write_file("config.json", "{\"credHelpers\": [\"" CANARY "\"]}", 0600);
    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(hoist_credentials_get(&o, "x.example", &c, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "credHelpers"));
    assert_no_secret(&err);
    /* no config at all: no credentials, an empty map "{}" */
    unlink(path);
    assert_int_equal(hoist_credentials_get(&o, "127.0.0.1:5000", &c, NULL), 0);
    assert_int_equal(c.source, HOIST_CRED_NONE);
    assert_int_equal(hoist_registry_config_header(&o, &header, NULL, NULL), 0);
    assert_string_equal(header, "X-Registry-Config: e30=");
    hoist_registry_header_free(header);
}

static void helpers(void **state)
{
    (void)state;
    hoist_credentials_options o = opts_here();
    hoist_credential c;
    hoist_error err = HOIST_ERROR_INIT;
    /* credsStore answers; credHelpers wins over it and over auths */
    write_file("config.json",
               "{\"auths\":{\"127.0.0.1:5000\":{},\"h.example\":{\"auth\":\"dXNlcjpzM2NyZXQ=\"}},\n"
               " \"credsStore\":\"good\",\n"
               " \"credHelpers\":{\"broken.example\":\"broken\",\"slow.example\":\"slow\",\n"
               "   \"missing.example\":\"nosuchhelper\",\"notjson.example\":\"notjson\",\"tok.example\":\"good\"}}",
               0600);
    assert_int_equal(hoist_credentials_get(&o, "127.0.0.1:5000", &c, &err), 0);
    assert_int_equal(c.source, HOIST_CRED_STORE);
    assert_string_equal(c.helper, "good");
    assert_string_equal(c.username, "helperuser");
    assert_string_equal(c.password, CANARY);
    /* the store does not know it: "credentials not found" is no credentials, not an error */
    assert_int_equal(hoist_credentials_get(&o, "h.example", &c, &err), 0);
    assert_int_equal(c.source, HOIST_CRED_NONE);
    /* identity token from a helper */
    assert_int_equal(hoist_credentials_get(&o, "tok.example", &c, &err), 0);
    assert_int_equal(c.source, HOIST_CRED_HELPER);
    assert_string_equal(c.identity_token, "tok-" CANARY);
    assert_string_equal(c.username, "");

    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(hoist_credentials_get(&o, "broken.example", &c, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "docker-credential-broken"));
    assert_non_null(strstr(err.message, "exit 3"));
    assert_non_null(strstr(err.message, "cannot reach the keychain"));

    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(hoist_credentials_get(&o, "missing.example", &c, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "docker-credential-nosuchhelper"));
    assert_non_null(strstr(err.message, "not installed"));

    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(hoist_credentials_get(&o, "notjson.example", &c, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "not a JSON object"));
    assert_no_secret(&err);

    err = (hoist_error)HOIST_ERROR_INIT;
    o.helper_timeout_ms = 300;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(hoist_credentials_get(&o, "slow.example", &c, &err), HOIST_EENV);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_non_null(strstr(err.message, "did not answer"));
    assert_true(t1.tv_sec - t0.tv_sec < 5); /* killed, not waited for */
    hoist_credential_clear(&c);
}

static void headers(void **state)
{
    (void)state;
    hoist_credentials_options o = opts_here();
    /* list from the store, each fetched with get; a listed one the helper
     * then does not know is left out */
    write_file("config.json", "{\"credsStore\":\"good\"}", 0600);
    char *header = NULL;
    assert_int_equal(hoist_registry_config_header(&o, &header, NULL, NULL), 0);
    json_t *j = decode_header(header, "X-Registry-Config");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "127.0.0.1:5000"), "password")), CANARY);
    assert_int_equal(json_object_size(j), 1);
    json_decref(j);
    hoist_registry_header_free(header);

    /* a failing helper leaves its registry out of a build's header, as
     * docker build does, and says which */
    write_file("config.json", "{\"auths\":{\"a.example\":{\"auth\":\"dXNlcjpzM2NyZXQ=\"}},"
               "\"credHelpers\":{\"broken.example\":\"broken\",\"slow.example\":\"nosuch\"}}", 0600);
    hoist_error skipped;
    assert_int_equal(hoist_registry_config_header(&o, &header, &skipped, NULL), 0);
    assert_int_equal(skipped.code, HOIST_EENV);
    assert_non_null(strstr(skipped.message, "docker-credential-broken"));
    j = decode_header(header, "X-Registry-Config");
    assert_int_equal(json_object_size(j), 1);
    assert_non_null(json_object_get(j, "a.example"));
    json_decref(j);
    hoist_registry_header_free(header);
    write_file("config.json", "{\"credsStore\":\"good\"}", 0600);

    hoist_credential c;
    assert_int_equal(hoist_credentials_get(&o, "127.0.0.1:5000", &c, NULL), 0);
    assert_int_equal(hoist_registry_auth_header(&c, &header, NULL), 0);
    j = decode_header(header, "X-Registry-Auth");
    assert_string_equal(json_string_value(json_object_get(j, "username")), "helperuser");
    assert_string_equal(json_string_value(json_object_get(j, "serveraddress")), "127.0.0.1:5000");
    json_decref(j);
    hoist_registry_header_free(header);
    hoist_credential_clear(&c);
    assert_int_equal(hoist_registry_auth_header(NULL, &header, NULL), 0);
    assert_string_equal(header, "X-Registry-Auth: e30=");
    hoist_registry_header_free(header);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file_auths),
        cmocka_unit_test(bad_config),
        cmocka_unit_test(helpers),
        cmocka_unit_test(headers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
