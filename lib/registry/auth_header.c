/*
 * auth_header.c - X-Registry-Config and X-Registry-Auth from the
 * credentials module, as the docker CLI encodes them (URL-safe base64 of
 * JSON). Every intermediate buffer is wiped before being freed.
 */
#include "registry/auth_header.h"
#include "common/base64.h"
#include "common/cleanup.h"
#include "common/json_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *hoist_base64url_encode(const unsigned char *data, size_t len)
{
    size_t out_len = 4 * ((len + 2) / 3);
    char *out = malloc(out_len + 1);
    if (!out)
        return NULL;
    hoist_b64_encode(data, len, out);
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
    explicit_bzero(header, strlen(header));
    free(header);
}

/* Wipe every string value of a JSON tree, then free it. */
static void json_wipe_free(json_t *j)
{
    hoist_json_wipe(j);
    json_decref(j);
}

static json_t *auth_object(const hoist_credential *cred)
{
    json_t *o = json_object();
    if (!cred || cred->source == HOIST_CRED_NONE)
        return o;
    if (cred->username[0] || cred->password[0]) {
        json_object_set_new(o, "username", json_string(cred->username));
        json_object_set_new(o, "password", json_string(cred->password));
        size_t n = strlen(cred->username) + 1 + strlen(cred->password);
        char *plain = malloc(n + 1);
        char *b64 = malloc(4 * ((n + 2) / 3) + 1);
        if (plain && b64) {
            snprintf(plain, n + 1, "%s:%s", cred->username, cred->password);
            hoist_b64_encode(plain, n, b64);
            json_object_set_new(o, "auth", json_string(b64));
            explicit_bzero(plain, n);
            explicit_bzero(b64, strlen(b64));
        }
        free(plain);
        free(b64);
    }
    if (cred->identity_token[0])
        json_object_set_new(o, "identitytoken", json_string(cred->identity_token));
    if (cred->registry_token[0])
        json_object_set_new(o, "registrytoken", json_string(cred->registry_token));
    json_object_set_new(o, "serveraddress", json_string(cred->server));
    return o;
}

/* "Name: base64url(json)" into *header; consumes (wipes) json. */
static int make_header(const char *name, json_t *json, char **header, hoist_error *err)
{
    *header = NULL;
    char *text = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
    json_wipe_free(json);
    if (!text)
        return hoist_error_nomem(err);
    char *b64 = hoist_base64url_encode((const unsigned char *)text, strlen(text));
    explicit_bzero(text, strlen(text));
    free(text);
    if (!b64)
        return hoist_error_nomem(err);
    size_t size = strlen(b64) + strlen(name) + 4;
    *header = malloc(size);
    if (*header)
        snprintf(*header, size, "%s: %s", name, b64);
    hoist_registry_header_free(b64);
    return *header ? 0 : hoist_error_nomem(err);
}

static int add_to_map(const hoist_credential *cred, void *user)
{
    json_object_set_new((json_t *)user, cred->server, auth_object(cred));
    return 0;
}

int hoist_registry_config_header(const hoist_credentials_options *opts, char **header, hoist_error *skipped,
                                 hoist_error *err)
{
    *header = NULL;
    json_t *map = json_object();
    hoist_error ignored;
    int rc = hoist_credentials_foreach(opts, add_to_map, map, skipped ? skipped : &ignored, err);
    if (rc) {
        json_wipe_free(map);
        return rc;
    }
    return make_header("X-Registry-Config", map, header, err);
}

int hoist_registry_auth_header(const hoist_credential *cred, char **header, hoist_error *err)
{
    return make_header("X-Registry-Auth", auth_object(cred), header, err);
}
