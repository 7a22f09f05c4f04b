/*
 * credentials.h - registry credentials for the session's Auth service
 * (internal seam).
 *
 * BuildKit asks the session for a registry host's credentials
 * (moby.filesync.v1.Auth/Credentials; X-Registry-Config is ignored with
 * BuildKit). Today they come from the `auths` of the docker config file;
 * credential helpers (credsStore, credHelpers) can be added behind the same
 * function later without touching the service.
 */
#ifndef HOIST_SESSION_CREDENTIALS_H
#define HOIST_SESSION_CREDENTIALS_H

#include "hoist/error.h"

typedef struct hoist_credentials {
    char *username;   /* "" with an identity token */
    char *secret;     /* password or identity token */
} hoist_credentials;

/* Look up `host` ("docker.io", "registry.example:5000") in
 * <config_dir>/config.json, or <home>/.docker/config.json when config_dir
 * is NULL (the caller resolves $DOCKER_CONFIG and $HOME; both NULL: no
 * credentials). Returns 0 with both fields NULL when there are none (no
 * file, no entry); HOIST_EENV when the file cannot be read or parsed (the
 * message names the file, never a secret). */
int hoist_credentials_get(const char *config_dir, const char *home, const char *host, hoist_credentials *out,
                          hoist_error *err);
/* Wipe and free the strings. */
void hoist_credentials_clear(hoist_credentials *creds);

#endif
