/*
 * registry_errors.h - one diagnosis, with the fix, for what a registry (or
 * the daemon talking to one) answered (internal). Used by push, doctor and
 * pin so that the same failure reads the same everywhere.
 */
#ifndef HOIST_REGISTRY_ERRORS_H
#define HOIST_REGISTRY_ERRORS_H

#include "hoist/error.h"

/* Fill err from a registry or daemon error text: `what` is the operation
 * ("push 127.0.0.1:5000/app:1"), registry the host, repo the repository
 * path, cred_source where credentials came from ("none", "file", ...).
 * The message keeps the registry's own words; the hint says what to do.
 * Returns err's code (HOIST_EFAILED, or HOIST_EENV for TLS/insecure/
 * unreachable registries). */
int hoist_registry_error(const char *what, const char *text, const char *registry, const char *repo,
                         const char *cred_source, hoist_error *err);

/* Replace every occurrence of `secret` (when at least 4 bytes) in text with
 * "***", in place. */
void hoist_redact(char *text, const char *secret);

#endif
