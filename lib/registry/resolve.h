/*
 * resolve.h - the current digest of image:tag (internal): from the
 * registry (the manifest's Docker-Content-Digest, with the credentials
 * module and the token dance of reg_auth.h), or from the engine's
 * RepoDigests (GET /images/{name}/json). Used by pin.
 */
#ifndef HOIST_REGISTRY_RESOLVE_H
#define HOIST_REGISTRY_RESOLVE_H

#include <stddef.h>
#include "hoist/client.h"
#include "hoist/dockerfile.h"
#include "registry/credentials.h"
#include "registry/reg_http.h"

/* 0 with the digest, or -1 with why (no secrets). */
int reg_resolve_digest(reg_http *h, const hoist_credentials_options *copts, const hoist_image_ref *ref,
                       char *digest, size_t size, char *why, size_t why_size);

/* 0 with the digest the engine recorded for `name` (as written, with its
 * tag) in RepoDigests, or -1 with why. */
int engine_repo_digest(hoist_client *client, const char *name, const hoist_image_ref *ref, char *digest,
                       size_t size, char *why, size_t why_size);

#endif
