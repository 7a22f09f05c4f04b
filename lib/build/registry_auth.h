/*
 * registry_auth.h - registry credentials for a build (internal).
 *
 * The daemon pulls base images with the credentials the client sends in
 * the X-Registry-Config header: URL-safe base64 of a JSON map from
 * registry to {username, password, auth, serveraddress, identitytoken},
 * built from the `auths` of $DOCKER_CONFIG/config.json. Credentials never
 * appear in messages: errors name the file and line only.
 */
#ifndef HOIST_BUILD_REGISTRY_AUTH_H
#define HOIST_BUILD_REGISTRY_AUTH_H

#include <stddef.h>
#include "hoist/error.h"

/* Build the header line "X-Registry-Config: ..." into a new string
 * (*header, free() it after wiping with hoist_registry_header_free).
 * `config_dir` NULL means $HOME/.docker. A missing config file is not an
 * error (no credentials); a malformed one is HOIST_EENV. */
int hoist_registry_config_header(const char *config_dir, const char *home, char **header,
                                 hoist_error *err);

/* Wipe and free a header made above. */
void hoist_registry_header_free(char *header);

/* URL-safe base64 (RFC 4648 section 5, with padding) of len bytes; a new
 * string, or NULL when out of memory. */
char *hoist_base64url_encode(const unsigned char *data, size_t len);

#endif
