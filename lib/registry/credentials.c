/*
 * credentials.c - find a registry's credentials the way the docker CLI
 * does: credHelpers, credsStore, then config.json's auths.
 *
 * The config is read on every call (no cache: libhoist keeps no global
 * state, and `docker login` may change it between two calls). jansson's
 * error text can quote the file, so only its line and column are kept.
 * Every buffer that held a secret is wiped with explicit_bzero.
 */
#include "registry/credentials.h"
#include "common/base64.h"
#include "registry/cred_helper.h"
#include "common/cleanup.h"
#include "common/json_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOT_FOUND_MESSAGE "credentials not found in native keychain"

const char *hoist_cred_source_name(hoist_cred_source source)
{
    switch (source) {
    case HOIST_CRED_FILE: return "file";
    case HOIST_CRED_STORE: return "store";
    case HOIST_CRED_HELPER: return "helper";
    case HOIST_CRED_NONE: break;
    }
    return "none";
}

void hoist_credential_clear(hoist_credential *cred)
{
    if (cred)
        explicit_bzero(cred, sizeof(*cred));
}

void hoist_credentials_config_path(const hoist_credentials_options *opts, char *buf, size_t size)
{
    if (opts && opts->config_dir && *opts->config_dir)
        snprintf(buf, size, "%s/config.json", opts->config_dir);
    else
        snprintf(buf, size, "%s/.docker/config.json", opts && opts->home && *opts->home ? opts->home : "/root");
}

/* "https://host:5000/v2/" -> "host:5000" (the CLI's ConvertToHostname). */
static void host_of(const char *text, char *buf, size_t size)
{
    if (!strncmp(text, "http://", 7))
        text += 7;
    else if (!strncmp(text, "https://", 8))
        text += 8;
    size_t n = strcspn(text, "/");
    if (n >= size)
        n = size - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
}

static bool is_hub(const char *host)
{
    return !strcmp(host, "docker.io") || !strcmp(host, "index.docker.io") ||
           !strcmp(host, "registry-1.docker.io");
}

void hoist_registry_server_key(const char *host, char *buf, size_t size)
{
    char h[512];
    host_of(host ? host : "", h, sizeof(h));
    if (!*h || is_hub(h))
        snprintf(buf, size, "%s", HOIST_DOCKER_HUB_SERVER);
    else
        snprintf(buf, size, "%s", h);
}

/* Two registry names denote the same registry. */
static bool same_registry(const char *a, const char *b)
{
    char ka[512], kb[512];
    hoist_registry_server_key(a, ka, sizeof(ka));
    hoist_registry_server_key(b, kb, sizeof(kb));
    return !strcmp(ka, kb);
}

/* 1-based line of the first `"key"` in the file, 0 when not found. Used
 * to place an error about an entry without quoting the file. */
static int line_of_key(const char *path, const char *key)
{
    _cleanup_fclose_ FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char needle[600];
    snprintf(needle, sizeof(needle), "\"%s\"", key);
    size_t nlen = strlen(needle), matched = 0;
    int line = 1, c;
    while ((c = fgetc(f)) != EOF) {
        if ((char)c == needle[matched]) {
            if (++matched == nlen)
                return line;
        } else {
            matched = (char)c == needle[0] ? 1 : 0;
        }
        if (c == '\n')
            line++;
    }
    return 0;
}

void hoist_json_wipe(json_t *j)
{
    if (json_is_string(j)) {
        explicit_bzero((char *)json_string_value(j), json_string_length(j));
    } else if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
            hoist_json_wipe(v);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v)
            hoist_json_wipe(v);
    }
}

static void wipe_jsonp(json_t **j)
{
    if (*j) {
        hoist_json_wipe(*j);
        json_decref(*j);
    }
}

/* Load config.json: *root NULL (and 0) when the file does not exist. */
static int load_config(const char *path, json_t **root, hoist_error *err)
{
    *root = NULL;
    if (access(path, F_OK) != 0)
        return 0;
    json_error_t jerr;
    *root = json_load_file(path, 0, &jerr);
    if (!*root) {
        if (access(path, R_OK) != 0) {
            hoist_error_set(err, HOIST_EENV, "cannot read the docker config file %s", path);
            return hoist_error_hint(err, "make it readable by this user, or point DOCKER_CONFIG (or --config) "
                                         "at another directory");
        }
        /* jerr.text may quote the file's content, which may be a secret. */
        hoist_error_set(err, HOIST_EENV, "the docker config file is not valid JSON");
        hoist_error_at(err, path, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0);
        return hoist_error_hint(err, "fix the JSON syntax at that position, or point DOCKER_CONFIG "
                                     "(or --config) at another directory");
    }
    if (!json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        hoist_error_set(err, HOIST_EENV, "the docker config file is not a JSON object");
        hoist_error_at(err, path, 1, 0);
        return hoist_error_hint(err, "it should look like {\"auths\": {...}}");
    }
    const char *fields[] = {"auths", "credHelpers"};
    for (size_t i = 0; i < 2; i++) {
        json_t *v = json_object_get(*root, fields[i]);
        if (v && !json_is_object(v)) {
            json_decref(*root);
            *root = NULL;
            hoist_error_set(err, HOIST_EENV, "'%s' in the docker config file must be an object", fields[i]);
            hoist_error_at(err, path, line_of_key(path, fields[i]), 0);
            return hoist_error_hint(err, "fix that entry, or log in again with 'docker login'");
        }
    }
    json_t *store = json_object_get(*root, "credsStore");
    if (store && !json_is_string(store)) {
        json_decref(*root);
        *root = NULL;
        hoist_error_set(err, HOIST_EENV, "'credsStore' in the docker config file must be a helper name");
        hoist_error_at(err, path, line_of_key(path, "credsStore"), 0);
        return hoist_error_hint(err, "write e.g. \"credsStore\": \"pass\", or remove it");
    }
    return 0;
}

/* Decode base64("user:password") into the credential. */
static int split_auth(const char *b64, hoist_credential *out)
{
    size_t len = strlen(b64);
    if (len == 0 || len % 4 || len > 8192)
        return -1;
    unsigned char decoded[6144 + 4];
    ssize_t n = hoist_b64_decode(b64, len, decoded);
    if (n < 0)
        return -1;
    decoded[n] = '\0';
    char *colon = memchr(decoded, ':', (size_t)n);
    int rc = -1;
    if (colon) {
        *colon = '\0';
        snprintf(out->username, sizeof(out->username), "%s", (char *)decoded);
        snprintf(out->password, sizeof(out->password), "%s", colon + 1);
        rc = 0;
    }
    explicit_bzero(decoded, sizeof(decoded));
    return rc;
}

/* An `auths` entry into *out. */
static int from_file_entry(const char *path, const char *key, json_t *entry, hoist_credential *out,
                           hoist_error *err)
{
    out->source = HOIST_CRED_FILE;
    snprintf(out->server, sizeof(out->server), "%s", key);
    if (!json_is_object(entry)) {
        hoist_error_set(err, HOIST_EENV, "the entry for registry '%s' in the docker config file is not an object",
                        key);
        hoist_error_at(err, path, line_of_key(path, key), 0);
        return hoist_error_hint(err, "log in again with 'docker login %s'", key);
    }
    hoist_json_copy_str(entry, "username", out->username, sizeof(out->username));
    hoist_json_copy_str(entry, "password", out->password, sizeof(out->password));
    hoist_json_copy_str(entry, "identitytoken", out->identity_token, sizeof(out->identity_token));
    hoist_json_copy_str(entry, "registrytoken", out->registry_token, sizeof(out->registry_token));
    const char *auth = hoist_json_str(entry, "auth", NULL);
    if (auth && *auth && split_auth(auth, out) < 0) {
        hoist_credential_clear(out);
        hoist_error_set(err, HOIST_EENV, "the credentials for registry '%s' in the docker config file are not "
                        "valid base64 of 'user:password'", key);
        hoist_error_at(err, path, line_of_key(path, key), 0);
        return hoist_error_hint(err, "log in again with 'docker login %s'", key);
    }
    if (!out->username[0] && !out->password[0] && !out->identity_token[0] && !out->registry_token[0])
        out->source = HOIST_CRED_NONE; /* {} entries: what `docker login` leaves with a store */
    return 0;
}

/* Ask helper `name` for `server`'s credentials. */
static int from_helper(const hoist_credentials_options *opts, const char *path, const char *name,
                       const char *server, hoist_cred_source source, hoist_credential *out, hoist_error *err)
{
    _cleanup_(hoist_helper_result_clear) hoist_helper_result res = {0};
    int rc = hoist_helper_run(name, "get", server, opts->path_env, opts->helper_timeout_ms, &res, err);
    if (rc) {
        hoist_error_prefix(err, "credentials for %s (%s in %s)", server,
                           source == HOIST_CRED_STORE ? "credsStore" : "credHelpers", path);
        return rc;
    }
    if (res.timed_out) {
        hoist_error_set(err, HOIST_EENV, "credential helper docker-credential-%s did not answer for %s within %d s",
                        name, server, (opts->helper_timeout_ms > 0 ? opts->helper_timeout_ms : 15000) / 1000);
        return hoist_error_hint(err, "it may be waiting for a password prompt or an agent; run "
                                     "'echo %s | docker-credential-%s get' by hand", server, name);
    }
    if (res.exit_status != 0) {
        if (strstr(res.out, NOT_FOUND_MESSAGE)) {
            out->source = HOIST_CRED_NONE;
            return 0;
        }
        /* the helper's first output line is its error message */
        char first[200];
        size_t n = strcspn(res.out, "\r\n");
        snprintf(first, sizeof(first), "%.*s", (int)(n < sizeof(first) - 1 ? n : sizeof(first) - 1), res.out);
        hoist_error_set(err, HOIST_EENV, "credential helper docker-credential-%s failed for %s (exit %d)%s%s", name,
                        server, res.exit_status, first[0] ? ": " : "", first);
        return hoist_error_hint(err, "run 'echo %s | docker-credential-%s get' to see why; log in again with "
                                     "'docker login %s'", server, name, server);
    }
    json_error_t jerr;
    _cleanup_(wipe_jsonp) json_t *reply = json_loadb(res.out, res.out_len, 0, &jerr);
    if (!reply || !json_is_object(reply)) {
        hoist_error_set(err, HOIST_EENV, "credential helper docker-credential-%s answered %s with something that is "
                        "not a JSON object", name, server);
        return hoist_error_hint(err, "the helper does not speak the docker-credential protocol; check "
                                     "credsStore/credHelpers in %s", path);
    }
    out->source = source;
    snprintf(out->server, sizeof(out->server), "%s", server);
    snprintf(out->helper, sizeof(out->helper), "%s", name);
    const char *user = hoist_json_str(reply, "Username", "");
    const char *secret = hoist_json_str(reply, "Secret", "");
    if (!strcmp(user, "<token>")) {
        snprintf(out->identity_token, sizeof(out->identity_token), "%s", secret);
    } else {
        snprintf(out->username, sizeof(out->username), "%s", user);
        snprintf(out->password, sizeof(out->password), "%s", secret);
    }
    /* wipe the parsed copy of the secret */
    json_t *s = json_object_get(reply, "Secret");
    if (json_is_string(s))
        explicit_bzero((char *)json_string_value(s), json_string_length(s));
    if (!out->username[0] && !out->password[0] && !out->identity_token[0])
        out->source = HOIST_CRED_NONE;
    return 0;
}

/* The helper configured for `key` in credHelpers, or NULL. */
static const char *helper_for(json_t *root, const char *key)
{
    json_t *helpers = json_object_get(root, "credHelpers");
    const char *k;
    json_t *v;
    json_object_foreach(helpers, k, v) {
        if (json_is_string(v) && same_registry(k, key))
            return json_string_value(v);
    }
    return NULL;
}

int hoist_credentials_get(const hoist_credentials_options *opts, const char *host, hoist_credential *out,
                          hoist_error *err)
{
    static const hoist_credentials_options defaults = {0};
    if (!opts)
        opts = &defaults;
    memset(out, 0, sizeof(*out));
    char path[4200];
    hoist_credentials_config_path(opts, path, sizeof(path));
    snprintf(out->config_path, sizeof(out->config_path), "%s", path);
    char key[512];
    hoist_registry_server_key(host, key, sizeof(key));

    _cleanup_(wipe_jsonp) json_t *root = NULL;
    int rc = load_config(path, &root, err);
    if (rc || !root)
        return rc;
    const char *helper = helper_for(root, key);
    if (helper) {
        rc = from_helper(opts, path, helper, key, HOIST_CRED_HELPER, out, err);
        snprintf(out->config_path, sizeof(out->config_path), "%s", path);
        return rc;
    }
    const char *store = hoist_json_str(root, "credsStore", NULL);
    if (store && *store) {
        rc = from_helper(opts, path, store, key, HOIST_CRED_STORE, out, err);
        snprintf(out->config_path, sizeof(out->config_path), "%s", path);
        return rc;
    }
    json_t *auths = json_object_get(root, "auths");
    const char *k;
    json_t *v;
    json_object_foreach(auths, k, v) {
        if (same_registry(k, key)) {
            rc = from_file_entry(path, k, v, out, err);
            snprintf(out->config_path, sizeof(out->config_path), "%s", path);
            return rc;
        }
    }
    return 0;
}

int hoist_credentials_lookup(const hoist_credentials_options *opts, const char *host, char *username,
                             size_t username_size, char *secret, size_t secret_size, hoist_error *err)
{
    if (username_size)
        username[0] = '\0';
    if (secret_size)
        secret[0] = '\0';
    hoist_credential *cred = malloc(sizeof(*cred));
    if (!cred)
        return hoist_error_nomem(err);
    int rc = hoist_credentials_get(opts, host, cred, err);
    if (!rc && cred->source != HOIST_CRED_NONE) {
        if (cred->identity_token[0]) {
            snprintf(secret, secret_size, "%s", cred->identity_token);
        } else {
            snprintf(username, username_size, "%s", cred->username);
            snprintf(secret, secret_size, "%s", cred->password);
        }
    }
    hoist_credential_clear(cred);
    free(cred);
    return rc;
}

/* A helper failure during a walk: kept in *skipped (the first) when the
 * caller tolerates them, else the walk's error. */
static int walk_failure(int rc, hoist_error *skipped, hoist_error *failure, hoist_error *err)
{
    if (!skipped) {
        if (err)
            *err = *failure;
        return rc;
    }
    if (!skipped->code)
        *skipped = *failure;
    return 0;
}

int hoist_credentials_foreach(const hoist_credentials_options *opts, hoist_credential_fn fn, void *user,
                              hoist_error *skipped, hoist_error *err)
{
    static const hoist_credentials_options defaults = {0};
    if (!opts)
        opts = &defaults;
    char path[4200];
    hoist_credentials_config_path(opts, path, sizeof(path));
    _cleanup_(wipe_jsonp) json_t *root = NULL;
    int rc = load_config(path, &root, err);
    if (rc || !root)
        return rc;
    hoist_credential *cred = malloc(sizeof(*cred));
    if (!cred)
        return hoist_error_nomem(err);
    _cleanup_json_ json_t *done = json_object(); /* server keys already given */

    /* the store's list (or the file's auths), each unless a credHelper owns it */
    const char *store = hoist_json_str(root, "credsStore", NULL);
    _cleanup_json_ json_t *keys = json_array();
    if (skipped)
        *skipped = (hoist_error)HOIST_ERROR_INIT;
    if (store && *store) {
        hoist_helper_result res;
        hoist_error failure = HOIST_ERROR_INIT;
        rc = hoist_helper_run(store, "list", NULL, opts->path_env, opts->helper_timeout_ms, &res, &failure);
        if (rc) {
            hoist_error_prefix(&failure, "listing credentials (credsStore in %s)", path);
            rc = walk_failure(rc, skipped, &failure, err);
        } else {
            if (res.timed_out || res.exit_status != 0) {
                rc = hoist_error_set(&failure, HOIST_EENV, "credential helper docker-credential-%s %s (credsStore in %s)",
                                     store, res.timed_out ? "did not answer 'list' in time" : "failed to list credentials",
                                     path);
                hoist_error_hint(&failure, "run 'docker-credential-%s list' to see why", store);
                rc = walk_failure(rc, skipped, &failure, err);
            } else {
                _cleanup_json_ json_t *list = json_loadb(res.out, res.out_len, 0, NULL);
                const char *k;
                json_t *v;
                json_object_foreach(list, k, v)
                    json_array_append_new(keys, json_string(k));
            }
            hoist_helper_result_clear(&res);
        }
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(root, "auths"), k, v)
            json_array_append_new(keys, json_string(k));
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(root, "credHelpers"), k, v)
        json_array_append_new(keys, json_string(k));

    size_t i;
    json_t *item;
    json_array_foreach(keys, i, item) {
        if (rc)
            break;
        const char *server = json_string_value(item);
        char key[512];
        hoist_registry_server_key(server, key, sizeof(key));
        if (json_object_get(done, key))
            continue;
        json_object_set_new(done, key, json_true());
        memset(cred, 0, sizeof(*cred));
        const char *helper = helper_for(root, key);
        hoist_error failure = HOIST_ERROR_INIT;
        if (helper || (store && *store)) {
            rc = from_helper(opts, path, helper ? helper : store, server, helper ? HOIST_CRED_HELPER : HOIST_CRED_STORE,
                             cred, &failure);
            if (rc) {
                rc = walk_failure(rc, skipped, &failure, err);
                hoist_credential_clear(cred);
                continue;
            }
        } else {
            rc = from_file_entry(path, server, json_object_get(json_object_get(root, "auths"), server), cred, err);
        }
        if (!rc && cred->source != HOIST_CRED_NONE) {
            snprintf(cred->config_path, sizeof(cred->config_path), "%s", path);
            rc = fn(cred, user);
        }
        hoist_credential_clear(cred);
    }
    free(cred);
    return rc;
}

int hoist_credentials_source(const hoist_credentials_options *opts, const char *host, hoist_cred_source *source,
                             char *helper, size_t helper_size, hoist_error *err)
{
    static const hoist_credentials_options defaults = {0};
    if (!opts)
        opts = &defaults;
    *source = HOIST_CRED_NONE;
    helper[0] = '\0';
    char path[4200], key[512];
    hoist_credentials_config_path(opts, path, sizeof(path));
    hoist_registry_server_key(host, key, sizeof(key));
    _cleanup_(wipe_jsonp) json_t *root = NULL;
    int rc = load_config(path, &root, err);
    if (rc || !root)
        return rc;
    const char *name = helper_for(root, key);
    if (name) {
        *source = HOIST_CRED_HELPER;
        snprintf(helper, helper_size, "%s", name);
        return 0;
    }
    const char *store = hoist_json_str(root, "credsStore", NULL);
    if (store && *store) {
        *source = HOIST_CRED_STORE;
        snprintf(helper, helper_size, "%s", store);
        return 0;
    }
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(root, "auths"), k, v) {
        if (same_registry(k, key)) {
            *source = HOIST_CRED_FILE;
            return 0;
        }
    }
    return 0;
}
