/*
 * credentials.h - registry credentials as the docker CLI finds them
 * (internal; used by every engine: the classic build's X-Registry-Config,
 * push's X-Registry-Auth, the BuildKit session's Auth service, doctor and
 * pin).
 *
 * Sources, in the docker CLI's order for one registry: `credHelpers[host]`
 * (docker-credential-NAME), else `credsStore`, else `auths` in
 * config.json. Docker Hub's hosts (docker.io, index.docker.io,
 * registry-1.docker.io) are stored under "https://index.docker.io/v1/".
 * The config directory is opts->config_dir (--config / DOCKER_CONFIG),
 * else $HOME/.docker. A missing config file means "no credentials".
 *
 * Secrets never appear in errors: a malformed config names the file, line
 * and column (never its text); a helper's failure names the helper, the
 * registry and its exit status. Buffers holding secrets are wiped with
 * hoist_credential_clear() (callers) or before being freed (here).
 */
#ifndef HOIST_REGISTRY_CREDENTIALS_H
#define HOIST_REGISTRY_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "hoist/error.h"

#define HOIST_DOCKER_HUB_SERVER "https://index.docker.io/v1/"

typedef struct hoist_credentials_options {
    const char *config_dir;  /* --config / $DOCKER_CONFIG; NULL: $HOME/.docker */
    const char *home;        /* $HOME (NULL: "/root") */
    const char *path_env;    /* $PATH, to find docker-credential-NAME (NULL: /usr/local/bin:/usr/bin:/bin) */
    int helper_timeout_ms;   /* a helper that does not answer in time fails; 0: 15000 */
} hoist_credentials_options;

typedef enum hoist_cred_source {
    HOIST_CRED_NONE = 0,     /* no credentials for this registry */
    HOIST_CRED_FILE,         /* `auths` in config.json */
    HOIST_CRED_STORE,        /* `credsStore` helper */
    HOIST_CRED_HELPER,       /* `credHelpers[host]` helper */
} hoist_cred_source;

typedef struct hoist_credential {
    hoist_cred_source source;
    char server[512];           /* the key/server URL they are stored under */
    char helper[128];           /* STORE/HELPER: NAME of docker-credential-NAME */
    char config_path[4200];     /* the config.json consulted (may not exist) */
    char username[512];
    char password[4096];        /* empty when an identity token is used */
    char identity_token[8192];  /* "identitytoken" (or a helper's "<token>" user) */
    char registry_token[8192];  /* "registrytoken": a bearer token for the registry */
} hoist_credential;

/* "none", "file", "store", "helper". */
const char *hoist_cred_source_name(hoist_cred_source source);

/* Normalise a registry name for lookups: "https://ghcr.io/v2/" -> "ghcr.io";
 * Docker Hub's names -> HOIST_DOCKER_HUB_SERVER. */
void hoist_registry_server_key(const char *host, char *buf, size_t size);

/* The credentials for one registry host ("ghcr.io", "127.0.0.1:5000",
 * "docker.io"). 0 with out->source == HOIST_CRED_NONE when there are none;
 * HOIST_EENV for a malformed config or a helper that fails, is missing or
 * times out. Wipe *out with hoist_credential_clear() after use. */
int hoist_credentials_get(const hoist_credentials_options *opts, const char *host, hoist_credential *out,
                          hoist_error *err);

/* The seam for the BuildKit session's Auth.Credentials service: username
 * and secret for `host` as BuildKit wants them (an identity token is the
 * secret with an empty username). Both are "" when there are none (return
 * 0). Buffers are wiped on failure; the caller wipes them after use. */
int hoist_credentials_lookup(const hoist_credentials_options *opts, const char *host, char *username,
                             size_t username_size, char *secret, size_t secret_size, hoist_error *err);

/* Every stored credential (auths, the store's `list`, each credHelpers
 * entry), as the docker CLI's GetAllCredentials; fn gets each (valid
 * during the call). A non-zero return from fn stops and is returned.
 * With `skipped` non-NULL, a helper that fails (missing, error, timeout)
 * does not stop the walk: that registry is left out and the first such
 * failure is stored in *skipped (code 0 when none); a malformed config
 * still fails. */
typedef int (*hoist_credential_fn)(const hoist_credential *cred, void *user);
int hoist_credentials_foreach(const hoist_credentials_options *opts, hoist_credential_fn fn, void *user,
                              hoist_error *skipped, hoist_error *err);

/* Where `host`'s credentials would come from, from the config alone (no
 * helper is run): *source, and the helper's NAME into helper (or "").
 * Fails like hoist_credentials_get for a malformed config. */
int hoist_credentials_source(const hoist_credentials_options *opts, const char *host, hoist_cred_source *source,
                             char *helper, size_t helper_size, hoist_error *err);

/* Wipe a credential (explicit_bzero). */
void hoist_credential_clear(hoist_credential *cred);

/* Wipe every string of a JSON tree (objects and arrays) in place, before
 * it is freed: config files, helper replies and auth headers hold secrets. */
void hoist_json_wipe(json_t *j);

/* Where the config file is: writes the path into buf. */
void hoist_credentials_config_path(const hoist_credentials_options *opts, char *buf, size_t size);

#endif
