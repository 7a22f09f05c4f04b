/*
 * registry_internal.h - helpers shared inside lib/registry (internal).
 */
#ifndef HOIST_REGISTRY_INTERNAL_H
#define HOIST_REGISTRY_INTERNAL_H

#include <stddef.h>
#include "hoist/registry.h"
#include "registry/credentials.h"

/* The credentials module's options from the public auth options. */
static inline hoist_credentials_options hoist_registry_cred_options(const hoist_registry_auth_options *a)
{
    hoist_credentials_options o = {a->docker_config, a->home, a->path_env, a->helper_timeout_ms};
    return o;
}

/* Split "NAME[:TAG][@DIGEST]" (the tag's ':' is the one after the last '/')
 * into name, tag ("" when absent) and digest ("" when absent). -1 when a
 * part does not fit. */
int hoist_split_image_name(const char *image, char *name, size_t name_size, char *tag, size_t tag_size,
                           char *digest, size_t digest_size);

double hoist_registry_now(void);

#endif
