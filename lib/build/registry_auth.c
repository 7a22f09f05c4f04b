/*
 * registry_auth.c - X-Registry-Config from the docker CLI's config file.
 *
 * config.json keeps each registry's credentials as "auth":
 * base64("user:password") (and optionally "identitytoken"). The daemon
 * wants them split into username and password too, keyed by registry, so
 * the map is rebuilt here. Credential helpers (credsStore/credHelpers) are
 * a later addition; registries that use them are skipped.
 */
#include "build/registry_auth.h"
#include "common/cleanup.h"
#include "common/json_util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *hoist_base64url_encode(const unsigned char *data, size_t len)
{
    size_t out_len = 4 * ((len + 2) / 3);
    char *out = malloc(out_len + 1);
    if (!out)
        return NULL;
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    for (size_t i = 0; i < out_len; i++) {
        if (out[i] == '+')
            out[i] = '-';
        else if (out[i] == '/')
            out[i] = '_';
    }
    out[out_len] = '\0';
    return out;
}

void hoist_registry_header_free(char *header)
{
    if (!header)
        return;
    OPENSSL_cleanse(header, strlen(header));
    free(header);
}

/* Decode base64("user:password"); 0 on success. */
static int split_auth(const char *b64, char *user, size_t user_size, char *pass, size_t pass_size)
{
    size_t len = strlen(b64);
    if (len == 0 || len % 4 || len > 8192)
        return -1;
    unsigned char decoded[6144 + 4];
    int n = EVP_DecodeBlock(decoded, (const unsigned char *)b64, (int)len);
    if (n < 0)
        return -1;
    /* EVP_DecodeBlock counts padding bytes as zeros; drop them. */
    if (len >= 1 && b64[len - 1] == '=')
        n--;
    if (len >= 2 && b64[len - 2] == '=')
        n--;
    decoded[n] = '\0';
    char *colon = memchr(decoded, ':', (size_t)n);
    int rc = -1;
    if (colon) {
        *colon = '\0';
        snprintf(user, user_size, "%s", (char *)decoded);
        snprintf(pass, pass_size, "%s", colon + 1);
        rc = 0;
    }
    OPENSSL_cleanse(decoded, sizeof(decoded));
    return rc;
}

int hoist_registry_config_header(const char *config_dir, const char *home, char **header,
                                 hoist_error *err)
{
    *header = NULL;
    char path[4200];
    if (config_dir && *config_dir)
        snprintf(path, sizeof(path), "%s/config.json", config_dir);
    else
        snprintf(path, sizeof(path), "%s/.docker/config.json", home && *home ? home : "/root");

    _cleanup_json_ json_t *map = json_object();
    if (access(path, F_OK) == 0) {
        json_error_t jerr;
        _cleanup_json_ json_t *root = json_load_file(path, 0, &jerr);
        if (!root) {
            /* jerr.text may quote the file's content, which may be a secret. */
            hoist_error_set(err, HOIST_EENV, "the docker config file is not valid JSON");
            hoist_error_at(err, path, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0);
            return hoist_error_hint(err, "fix the JSON syntax at that position, or point DOCKER_CONFIG "
                                         "at another directory");
        }
        json_t *auths = json_object_get(root, "auths");
        const char *registry;
        json_t *entry;
        json_object_foreach(auths, registry, entry) {
            const char *auth = hoist_json_str(entry, "auth", NULL);
            const char *token = hoist_json_str(entry, "identitytoken", NULL);
            if (!auth && !token)
                continue;
            json_t *out = json_object();
            char user[2048] = "", pass[4096] = "";
            if (auth && split_auth(auth, user, sizeof(user), pass, sizeof(pass)) < 0) {
                json_decref(out);
                hoist_error_set(err, HOIST_EENV, "the credentials for registry '%s' in the docker config "
                                "file are not valid base64 'user:password'", registry);
                hoist_error_at(err, path, 0, 0);
                return hoist_error_hint(err, "log in again with 'docker login %s'", registry);
            }
            if (auth) {
                json_object_set_new(out, "username", json_string(user));
                json_object_set_new(out, "password", json_string(pass));
                json_object_set_new(out, "auth", json_string(auth));
            }
            if (token)
                json_object_set_new(out, "identitytoken", json_string(token));
            json_object_set_new(out, "serveraddress", json_string(registry));
            json_object_set_new(map, registry, out);
            OPENSSL_cleanse(user, sizeof(user));
            OPENSSL_cleanse(pass, sizeof(pass));
        }
    }
    char *text = json_dumps(map, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return hoist_error_nomem(err);
    char *b64 = hoist_base64url_encode((const unsigned char *)text, strlen(text));
    OPENSSL_cleanse(text, strlen(text));
    free(text);
    if (!b64)
        return hoist_error_nomem(err);
    size_t size = strlen(b64) + 32;
    *header = malloc(size);
    if (*header)
        snprintf(*header, size, "X-Registry-Config: %s", b64);
    hoist_registry_header_free(b64);
    return *header ? 0 : hoist_error_nomem(err);
}
