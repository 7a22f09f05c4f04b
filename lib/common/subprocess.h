/*
 * subprocess.h - run a short helper program and capture its output
 * (internal). Used for probes such as `docker --version`; long-running
 * children with streamed output belong to the CLI engine driver.
 */
#ifndef HOIST_SUBPROCESS_H
#define HOIST_SUBPROCESS_H

#include <stddef.h>
#include "hoist/error.h"

/* Run argv[0] (a path) with stdin from /dev/null; collect stdout and
 * stderr together into out (NUL-terminated, truncated to out_size). The
 * child is killed after timeout_ms. *exit_status gets the exit code, or
 * 128+signal. Returns 0 when the program ran (whatever its exit code). */
int hoist_run_capture(const char *const argv[], char *out, size_t out_size, int timeout_ms,
                      int *exit_status, hoist_error *err);

/* Find `name` in the colon-separated `path_env` (or use it as is when it
 * contains a '/'). Writes an absolute or given path to buf; 0 if found and
 * executable, -1 otherwise. */
int hoist_find_executable(const char *name, const char *path_env, char *buf, size_t size);

#endif
