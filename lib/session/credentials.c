/*
 * credentials.c - registry credentials from the docker config's `auths`
 * (see credentials.h). Keys are matched on their host: "https://host/v1/",
 * "host" and "http://host" all name host; Docker Hub is stored as
 * "https://index.docker.io/v1/" and asked for as "docker.io". An entry's
 * "auth" is base64 of "user:password"; an "identitytoken" wins over it, as
 * in the docker CLI's session auth provider.
 */
#include "session/credentials.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

static void wipe_free(char *s)
{
    if (!s)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

void hoist_credentials_clear(hoist_credentials *c)
{
    wipe_free(c->username);
    wipe_free(c->secret);
    c->username = c->secret = NULL;
}

/* The host part of an auths key, into buf. */
static void key_host(const char *key, char *buf, size_t size)
{
    const char *p = strstr(key, "://");
    p = p ? p + 3 : key;
    size_t n = strcspn(p, "/");
    snprintf(buf, size, "%.*s", (int)n, p);
}

static bool is_hub(const char *host)
{
    return !strcmp(host, "docker.io") || !strcmp(host, "index.docker.io") ||
           !strcmp(host, "registry-1.docker.io");
}

static int decode_auth(const char *b64, hoist_credentials *out)
{
    size_t len = strlen(b64);
    unsigned char *buf = malloc(len / 4 * 3 + 4);
    if (!buf)
        return -1;
    int n = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len);
    if (n < 0) {
        free(buf);
        return -1;
    }
    /* EVP_DecodeBlock counts padding as zero bytes */
    while (len && b64[len - 1] == '=' && n > 0) {
        n--;
        len--;
    }
    buf[n] = '\0';
    char *colon = strchr((char *)buf, ':');
    int rc = -1;
    if (colon) {
        *colon = '\0';
        out->username = strdup((char *)buf);
        out->secret = strdup(colon + 1);
        rc = out->username && out->secret ? 0 : -1;
    }
    explicit_bzero(buf, (size_t)n + 1);
    free(buf);
    return rc;
}

int hoist_credentials_get(const char *config_dir, const char *home, const char *host, hoist_credentials *out,
                          hoist_error *err)
{
    out->username = out->secret = NULL;
    char path[4096];
    if (config_dir && config_dir[0])
        snprintf(path, sizeof(path), "%s/config.json", config_dir);
    else if (home && home[0])
        snprintf(path, sizeof(path), "%s/.docker/config.json", home);
    else
        return 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        hoist_error_set(err, HOIST_EENV, "cannot read the docker config %s: %s", path, strerror(errno));
        return hoist_error_at(err, path, 0, 0);
    }
    json_error_t jerr;
    json_t *root = json_loadf(f, 0, &jerr);
    fclose(f);
    if (!root) {
        hoist_error_set(err, HOIST_EENV, "the docker config %s is not valid JSON (line %d)", path, jerr.line);
        hoist_error_at(err, path, jerr.line, 0);
        return hoist_error_hint(err, "fix the file or log in again with 'docker login'");
    }
    json_t *auths = json_object_get(root, "auths");
    const char *key;
    json_t *entry;
    int rc = 0;
    json_object_foreach(auths, key, entry) {
        char h[512];
        key_host(key, h, sizeof(h));
        if (strcmp(h, host) && !(is_hub(h) && is_hub(host)))
            continue;
        const char *token = json_string_value(json_object_get(entry, "identitytoken"));
        const char *auth = json_string_value(json_object_get(entry, "auth"));
        const char *user = json_string_value(json_object_get(entry, "username"));
        const char *pass = json_string_value(json_object_get(entry, "password"));
        if (token && token[0]) {
            out->username = strdup("");
            out->secret = strdup(token);
            if (!out->username || !out->secret)
                rc = hoist_error_set(err, HOIST_EFAILED, "out of memory");
        } else if (auth && auth[0]) {
            if (decode_auth(auth, out)) {
                hoist_credentials_clear(out);
                hoist_error_set(err, HOIST_EENV, "the docker config %s has an invalid \"auth\" for %s", path,
                                key);
                rc = hoist_error_hint(err, "log in again with 'docker login %s'", host);
            }
        } else if (user || pass) {
            out->username = strdup(user ? user : "");
            out->secret = strdup(pass ? pass : "");
            if (!out->username || !out->secret)
                rc = hoist_error_set(err, HOIST_EFAILED, "out of memory");
        }
        break;
    }
    json_decref(root);
    if (rc)
        hoist_credentials_clear(out);
    return rc;
}
