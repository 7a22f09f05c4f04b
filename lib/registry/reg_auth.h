/*
 * reg_auth.h - the registry authentication dance from this machine
 * (internal): GET /v2/ and its WWW-Authenticate challenge (Basic, or
 * Bearer realm/service), then a token for a scope from the realm, with the
 * credentials module's username/password, identity token (OAuth2
 * refresh_token grant) or registry token. Used by `doctor --registry` and
 * `pin`.
 */
#ifndef HOIST_REGISTRY_REG_AUTH_H
#define HOIST_REGISTRY_REG_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include "registry/credentials.h"
#include "registry/reg_http.h"

typedef struct reg_challenge {
    char scheme[16];    /* "basic", "bearer", or "" (no challenge) */
    char realm[512];
    char service[256];
} reg_challenge;

/* Parse a WWW-Authenticate value; 0, or -1 when there is none. */
int reg_parse_challenge(const char *header, reg_challenge *out);

/* The host to talk to for `registry` (docker.io -> registry-1.docker.io). */
const char *reg_api_host(const char *registry);

/* The Authorization header for requests with `challenge` and `scope`
 * ("repository:team/app:pull,push"): Basic from the credentials, or a
 * Bearer token fetched from the realm. *header is malloc'd (wipe with
 * hoist_registry_header_free); NULL when anonymous and no token is needed.
 * On failure (-1) `resp` holds the realm's answer (status 0 when it could
 * not be reached) and `why` a short reason without secrets. */
int reg_authorize(reg_http *h, const reg_challenge *challenge, const char *scope, const hoist_credential *cred,
                  char **header, reg_response *resp, char *why, size_t why_size);

/* Actions granted for `repo` according to a JWT token's "access" claim:
 * "pull,push", "" when none; -1 when the token is not a readable JWT. */
int reg_token_actions(const char *authorization_header, const char *repo, char *out, size_t size);

#endif
