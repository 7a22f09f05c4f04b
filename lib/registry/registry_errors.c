/*
 * registry_errors.c - classify registry failures (the distribution spec's
 * error codes as the daemon words them, Go's TLS and dial errors) into one
 * message and one hint each.
 */
#include "registry/registry_errors.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool has(const char *text, const char *needle)
{
    return strcasestr(text, needle) != NULL;
}

void hoist_redact(char *text, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 4)
        return;
    char *p;
    while ((p = strstr(text, secret))) {
        memcpy(p, "***", 3);
        memmove(p + 3, p + n, strlen(p + n) + 1);
    }
}

int hoist_registry_error(const char *what, const char *text, const char *registry, const char *repo,
                         const char *cred_source, hoist_error *err)
{
    bool anonymous = !cred_source || !strcmp(cred_source, "none");
    hoist_code code = HOIST_EFAILED;
    const char *cause;
    char hint[HOIST_ERROR_HINT_MAX];
    if (has(text, "does not exist locally") || has(text, "No such image")) {
        cause = "the image is not on this engine";
        snprintf(hint, sizeof(hint), "build it with 'hoist build -t %s:TAG' or tag an existing image with "
                 "'docker tag IMAGE %s:TAG' first", repo, repo);
    } else if (has(text, "server gave HTTP response to HTTPS client")) {
        code = HOIST_EENV;
        cause = "the registry speaks plain HTTP and the daemon does not treat it as insecure";
        snprintf(hint, sizeof(hint), "add \"%s\" to \"insecure-registries\" in the daemon's daemon.json and "
                 "restart it (registries on 127.0.0.0/8 are insecure by default), or serve the registry over TLS",
                 registry);
    } else if (has(text, "x509:") || has(text, "certificate signed by unknown authority") ||
               has(text, "certificate is not valid") || has(text, "tls: ")) {
        code = HOIST_EENV;
        cause = "the registry's TLS certificate is not trusted";
        snprintf(hint, sizeof(hint), "put the registry's CA certificate in /etc/docker/certs.d/%s/ca.crt on the "
                 "daemon's host (and in the system trust store for hoist), or list it in insecure-registries",
                 registry);
    } else if (has(text, "toomanyrequests")) {
        cause = "the registry rate-limits these requests";
        snprintf(hint, sizeof(hint), "wait and retry, or log in to %s ('docker login %s') for a higher limit",
                 registry, registry);
    } else if (has(text, "denied") || has(text, "insufficient_scope") || has(text, "forbidden")) {
        cause = anonymous ? "the registry refused anonymous access" : "the credentials lack permission";
        if (anonymous)
            snprintf(hint, sizeof(hint), "log in first: 'docker login %s'", registry);
        else
            snprintf(hint, sizeof(hint), "the account in use (from the docker config's %s) may not write to "
                     "'%s': ask for push access, or push to a repository you own; "
                     "'hoist doctor --registry %s/%s --push' checks the token's scope",
                     cred_source, repo, registry, repo);
    } else if (has(text, "unauthorized") || has(text, "no basic auth credentials") ||
               has(text, "authentication required") || has(text, "incorrect username or password")) {
        code = HOIST_EFAILED;
        cause = anonymous ? "the registry requires credentials and none are configured"
                          : "the registry rejected the credentials";
        snprintf(hint, sizeof(hint), "%s 'docker login %s' (hoist reads the same config.json and credential "
                 "helpers)", anonymous ? "log in with" : "the password or token may have expired: log in again with",
                 registry);
    } else if (has(text, "name unknown") || has(text, "repository name not known") ||
               has(text, "NAME_UNKNOWN")) {
        cause = "the registry does not know this repository";
        snprintf(hint, sizeof(hint), "create '%s' on the registry first (many registries need that), or check the "
                 "spelling of the name", repo);
    } else if (has(text, "blob upload invalid") || has(text, "blob upload unknown") ||
               has(text, "BLOB_UPLOAD")) {
        cause = "the registry rejected a layer upload";
        snprintf(hint, sizeof(hint), "retry the push; if it repeats, a proxy in between may cut or alter uploads, "
                 "or the registry's storage is full (check its log)");
    } else if (has(text, "tag invalid") || has(text, "manifest invalid") || has(text, "TAG_INVALID") ||
               has(text, "MANIFEST_INVALID")) {
        cause = "the registry rejected the tag or manifest";
        snprintf(hint, sizeof(hint), "use a tag of letters, digits, '_', '.' and '-' (at most 128, not starting with "
                 "'.' or '-'); the registry may also refuse overwriting an immutable tag");
    } else if (has(text, "connection refused") || has(text, "no such host") || has(text, "i/o timeout") ||
               has(text, "proxyconnect") || has(text, "dial tcp") || has(text, "network is unreachable")) {
        code = HOIST_EENV;
        cause = "the daemon cannot reach the registry";
        snprintf(hint, sizeof(hint), "check that %s is up and reachable from the daemon's host, and the daemon's "
                 "proxy settings (NO_PROXY for a local registry); 'hoist doctor --registry %s' shows both sides",
                 registry, registry);
    } else {
        cause = NULL;
        snprintf(hint, sizeof(hint), "'hoist doctor --registry %s/%s' checks credentials, reachability and "
                 "permissions step by step", registry, repo);
    }
    if (cause)
        hoist_error_set(err, code, "%s: %s (%s)", what, cause, text);
    else
        hoist_error_set(err, code, "%s: %s", what, text);
    return hoist_error_hint(err, "%s", hint);
}
