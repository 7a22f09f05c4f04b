/*
 * hoist/version.h - libhoist's own version and Docker API version helpers.
 * Threads: constant data, callable from any thread.
 */
#ifndef HOIST_VERSION_H
#define HOIST_VERSION_H

#include "hoist/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The newest Engine API version libhoist speaks. */
#define HOIST_API_VERSION_MAX "1.47"
/* The oldest Engine API version libhoist will talk to. */
#define HOIST_API_VERSION_MIN "1.24"

/* libhoist's version, e.g. "0.1.0". */
HOIST_EXTERN const char *hoist_version_string(void);

/* Parse "MAJOR.MINOR" (each a decimal number). Returns 0 and fills the
 * parts, or -1 when the string is not a valid API version. */
HOIST_EXTERN int hoist_api_version_parse(const char *version, int *major, int *minor);

/* Compare two API versions numerically ("1.9" < "1.10"). Returns <0, 0,
 * >0. Invalid versions sort before every valid one. */
HOIST_EXTERN int hoist_api_version_compare(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
