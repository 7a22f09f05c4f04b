/*
 * cred_helper.h - run a docker-credential-NAME helper (internal).
 *
 * The protocol of docker/docker-credential-helpers: `docker-credential-NAME
 * get` with the server URL on stdin prints {"ServerURL","Username","Secret"}
 * on stdout; `list` prints {"URL":"user",...}; a failure exits non-zero
 * with its message on stdout ("credentials not found in native keychain"
 * when there are none). The child runs in its own process group and is
 * killed with it when it does not finish before the deadline.
 */
#ifndef HOIST_REGISTRY_CRED_HELPER_H
#define HOIST_REGISTRY_CRED_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include "hoist/error.h"

typedef struct hoist_helper_result {
    char *out;          /* stdout, NUL-terminated (wipe with hoist_helper_result_clear) */
    size_t out_len;
    int exit_status;    /* exit code, or 128+signal */
    bool timed_out;
} hoist_helper_result;

/* Run docker-credential-`name` `action` with `input` on stdin. Returns 0
 * when it ran (whatever its status; timed_out set when killed), HOIST_EENV
 * when it is not on path_env or cannot be started. */
int hoist_helper_run(const char *name, const char *action, const char *input, const char *path_env,
                     int timeout_ms, hoist_helper_result *res, hoist_error *err);

void hoist_helper_result_clear(hoist_helper_result *res);

#endif
