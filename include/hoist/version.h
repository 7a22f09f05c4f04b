/*
 * hoist/version.h - libhoist's own version and Docker API version helpers.
 */
#ifndef HOIST_VERSION_H
#define HOIST_VERSION_H

#include <stdbool.h>
#include <stddef.h>
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

/* A library libhoist is made of (components.c). Strings are empty when
 * unknown. */
typedef struct hoist_component {
    char name[32];        /* "libhoist", "jansson", "openssl", "nghttp2", "protobuf-c",
                             "libyaml", "libcurl", "libarchive" */
    char version[64];     /* running version; empty when not loaded */
    char built_with[64];  /* version of the headers libhoist was compiled with */
    char soname[64];      /* lazy: the soname found ("libcurl.so.4") */
    char note[128];       /* lazy: "not loaded (loaded on demand)"; libcurl: its TLS library */
    bool lazy;            /* loaded with dlopen when first needed */
    bool loaded;          /* in the process (always true for linked ones) */
} hoist_component;

/* Load lazy libraries to report their versions (and unload them again). */
#define HOIST_COMPONENTS_LOAD 1u

/* Fill up to `max` entries of `out` (libhoist first) and return how many
 * there are (call with max 0 to count). Without HOIST_COMPONENTS_LOAD a
 * lazy library not yet loaded in this process is reported with an empty
 * version and loaded = false: asking does not load it. */
HOIST_EXTERN size_t hoist_components(hoist_component *out, size_t max, unsigned int flags);

/* Capabilities compiled into libhoist ("buildkit-session", "endpoint-ssh",
 * "request-log", ...), stable lower-case words. */
HOIST_EXTERN size_t hoist_capability_count(void);
HOIST_EXTERN const char *hoist_capability_at(size_t index);

#ifdef __cplusplus
}
#endif
#endif
