/*
 * auth_header.h - the credential headers the Engine API takes (internal).
 *
 * X-Registry-Config (POST /build): URL-safe base64 of a JSON map from
 * registry to {username, password, auth, serveraddress, identitytoken,
 * registrytoken}, every stored credential. X-Registry-Auth (POST
 * /images/{name}/push, pull): the same object for one registry, or {}
 * when there are none. The strings hold secrets: free them with
 * hoist_registry_header_free, which wipes them first.
 */
#ifndef HOIST_REGISTRY_AUTH_HEADER_H
#define HOIST_REGISTRY_AUTH_HEADER_H

#include <stddef.h>
#include "hoist/error.h"
#include "registry/credentials.h"

/* "X-Registry-Config: ..." into a new string. No config file: an empty map.
 * A malformed config is HOIST_EENV. A helper that fails leaves its
 * registries out (as `docker build` does) and, when `skipped` is given,
 * is described there (code 0 when nothing was left out). */
int hoist_registry_config_header(const hoist_credentials_options *opts, char **header, hoist_error *skipped,
                                 hoist_error *err);

/* "X-Registry-Auth: ..." for `cred` (NULL or source NONE: {}). */
int hoist_registry_auth_header(const hoist_credential *cred, char **header, hoist_error *err);

/* Wipe and free a header made above (NULL is fine). */
void hoist_registry_header_free(char *header);

/* URL-safe base64 (RFC 4648 section 5, with padding) of len bytes; a new
 * string, or NULL when out of memory. */
char *hoist_base64url_encode(const unsigned char *data, size_t len);

#endif
