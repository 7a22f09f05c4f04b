/*
 * resolve.c - find what digest a tag points to now.
 *
 * Registry: GET /v2/ for the challenge (HTTPS, then plain HTTP when the
 * server does not speak TLS), a pull token for the repository, then HEAD
 * /v2/REPO/manifests/TAG accepting OCI indexes, manifest lists and single
 * manifests, as the daemon does, so the digest is the one `docker pull`
 * would record (the index for a multi-platform image). A registry without
 * Docker-Content-Digest on HEAD gets a GET, and the body's sha256.
 * Engine: the RepoDigests entry of the same repository.
 */
#include "registry/resolve.h"
#include "registry/auth_header.h"
#include "registry/reg_auth.h"
#include "common/sha256.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "engine/client_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCEPT "Accept: application/vnd.oci.image.index.v1+json, " \
               "application/vnd.docker.distribution.manifest.list.v2+json, " \
               "application/vnd.docker.distribution.manifest.v2+json, " \
               "application/vnd.oci.image.manifest.v1+json"

HOIST_DEFINE_FREEP(char, hoist_registry_header_free)
HOIST_DEFINE_FREEP(hoist_image_ref, hoist_image_ref_free)

static void cred_freep(hoist_credential **c)
{
    if (*c) {
        hoist_credential_clear(*c);
        free(*c);
    }
}

int reg_resolve_digest(reg_http *h, const hoist_credentials_options *copts, const hoist_image_ref *ref,
                       char *digest, size_t size, char *why, size_t why_size)
{
    digest[0] = '\0';
    const char *host = reg_api_host(ref->registry);
    char base[400], url[1400];
    snprintf(base, sizeof(base), "https://%s", host);
    snprintf(url, sizeof(url), "%s/v2/", base);
    reg_response resp;
    if (reg_http_do(h, "GET", url, NULL, NULL, &resp) < 0) {
        if (!reg_http_plain_server(resp.curl_code, resp.error)) {
            snprintf(why, why_size, "registry %s not reachable from here: %s", ref->registry, resp.error);
            reg_response_clear(&resp);
            return -1;
        }
        reg_response_clear(&resp);
        snprintf(base, sizeof(base), "http://%s", host);
        snprintf(url, sizeof(url), "%s/v2/", base);
        if (reg_http_do(h, "GET", url, NULL, NULL, &resp) < 0) {
            snprintf(why, why_size, "registry %s not reachable from here: %s", ref->registry, resp.error);
            reg_response_clear(&resp);
            return -1;
        }
    }
    reg_challenge ch;
    memset(&ch, 0, sizeof(ch));
    if (resp.status == 401)
        reg_parse_challenge(resp.www_authenticate, &ch);
    else if (resp.status != 200) {
        snprintf(why, why_size, "%s answered HTTP %ld: not a registry", url, resp.status);
        reg_response_clear(&resp);
        return -1;
    }
    reg_response_clear(&resp);

    _cleanup_(cred_freep) hoist_credential *cred = calloc(1, sizeof(*cred));
    if (!cred)
        return snprintf(why, why_size, "out of memory"), -1;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_credentials_get(copts, ref->registry, cred, &err)) {
        snprintf(why, why_size, "%s", err.message);
        return -1;
    }
    char scope[700];
    snprintf(scope, sizeof(scope), "repository:%s:pull", ref->repository);
    _cleanup_(hoist_registry_header_freep) char *auth = NULL;
    if (ch.scheme[0] && reg_authorize(h, &ch, scope, cred, &auth, &resp, why, why_size) < 0) {
        reg_response_clear(&resp);
        return -1;
    }
    reg_response_clear(&resp);
    snprintf(url, sizeof(url), "%s/v2/%s/manifests/%s", base, ref->repository, ref->tag ? ref->tag : "latest");
    const char *hdrs[] = {ACCEPT, auth, NULL};
    for (int attempt = 0; attempt < 2; attempt++) {
        if (reg_http_do(h, attempt ? "GET" : "HEAD", url, hdrs, NULL, &resp) < 0) {
            snprintf(why, why_size, "%s: %s", url, resp.error);
            reg_response_clear(&resp);
            return -1;
        }
        if (resp.status == 404) {
            snprintf(why, why_size, "the registry has no tag %s for %s", ref->tag ? ref->tag : "latest",
                     ref->repository);
            reg_response_clear(&resp);
            return -1;
        }
        if (resp.status == 401 || resp.status == 403) {
            snprintf(why, why_size, "the registry denied reading %s (HTTP %ld); 'hoist doctor --registry %s/%s' "
                     "says why", ref->repository, resp.status, ref->registry, ref->repository);
            reg_response_clear(&resp);
            return -1;
        }
        if (resp.status != 200) {
            snprintf(why, why_size, "%s answered HTTP %ld", url, resp.status);
            reg_response_clear(&resp);
            return -1;
        }
        if (resp.digest[0]) {
            snprintf(digest, size, "%s", resp.digest);
            reg_response_clear(&resp);
            return 0;
        }
        if (attempt == 1 && resp.body) {
            char hex[2 * HOIST_SHA256_SIZE + 1];
            hoist_sha256_hex(resp.body, resp.body_len, hex);
            snprintf(digest, size, "sha256:%s", hex);
            reg_response_clear(&resp);
            return 0;
        }
        reg_response_clear(&resp);
    }
    snprintf(why, why_size, "%s gave no digest", url);
    return -1;
}

int reg_engine_repo_digest(hoist_client *client, const char *name, const hoist_image_ref *ref, char *digest,
                       size_t size, char *why, size_t why_size)
{
    digest[0] = '\0';
    if (!client) {
        snprintf(why, why_size, "no engine to ask");
        return -1;
    }
    char path[1200];
    snprintf(path, sizeof(path), "/images/%s/json", name);
    _cleanup_json_ json_t *info = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_client_get_json(client, path, &info, &err)) {
        if (strstr(err.message, "404") || strstr(err.message, "No such image"))
            snprintf(why, why_size, "the engine does not have %s either", name);
        else
            snprintf(why, why_size, "asking the engine: %s", err.message);
        return -1;
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(info, "RepoDigests"), i, v) {
        const char *entry = json_string_value(v);
        if (!entry)
            continue;
        _cleanup_(hoist_image_ref_freep) hoist_image_ref *r = NULL;
        hoist_error ignored = HOIST_ERROR_INIT;
        if (hoist_image_ref_parse(&r, entry, &ignored))
            continue;
        if (r->digest && !strcmp(r->registry, ref->registry) && !strcmp(r->repository, ref->repository)) {
            snprintf(digest, size, "%s", r->digest);
            return 0;
        }
    }
    snprintf(why, why_size, "the engine has %s but no registry digest for it (built or loaded here, never "
             "pushed or pulled)", name);
    return -1;
}
