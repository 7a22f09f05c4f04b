/*
 * hoist/registry.h - images and registries: push, registry diagnosis,
 * digest pins.
 *
 * Credentials are found the way the docker CLI finds them: credHelpers,
 * credsStore (docker-credential-NAME helpers), then `auths` in
 * $DOCKER_CONFIG/config.json. They are handed to the daemon in the headers
 * it expects and never appear in events, results or errors.
 *
 * hoist_push() pushes one tag through the Engine API (POST
 * /images/{name}/push) and streams per-layer progress as build events
 * (HOIST_EVENT_PULL: text is the status, id the layer, current/total the
 * bytes), so the same renderers show builds and pushes. A failure is
 * decoded into one diagnosis with the fix (denied, unauthorized, unknown
 * repository, invalid blob upload or tag, insecure registry, TLS trust,
 * image not on the engine).
 *
 * Follows the API convention of docs/conventions.md: out-parameter first,
 * options with a version and _options_init(), payload last.
 */
#ifndef HOIST_REGISTRY_H
#define HOIST_REGISTRY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "hoist/build.h"
#include "hoist/client.h"
#include "hoist/doctor.h"
#include "hoist/error.h"
#include "hoist/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where credentials come from: the same fields for every registry call. */
typedef struct hoist_registry_auth_options {
    const char *docker_config;   /* --config / $DOCKER_CONFIG; NULL: $HOME/.docker */
    const char *home;            /* $HOME, used when docker_config is NULL */
    const char *path_env;        /* $PATH, to find docker-credential-NAME helpers */
    int helper_timeout_ms;       /* a credential helper that does not answer fails; 0: 15 s */
} hoist_registry_auth_options;

/* ------------------------------------------------------------------------ */
/* Push                                                                      */

typedef struct hoist_push_options {
    unsigned int version;             /* HOIST_PUSH_OPTIONS_VERSION */
    const char *image;                /* NAME[:TAG] (no tag: latest); required */
    hoist_registry_auth_options auth;
    hoist_build_event_fn on_event;    /* progress; may be NULL */
    void *user;
    volatile sig_atomic_t *cancel;    /* optional: set non-zero to stop (HOIST_EINTERRUPTED) */
} hoist_push_options;

#define HOIST_PUSH_OPTIONS_VERSION 1
#define HOIST_PUSH_OPTIONS_INIT {.version = HOIST_PUSH_OPTIONS_VERSION}
HOIST_EXTERN void hoist_push_options_init(hoist_push_options *opts);

typedef struct hoist_push_result {
    char name[512];            /* repository as given, e.g. 127.0.0.1:5000/team/app */
    char tag[128];
    char registry[256];        /* normalised host: docker.io, 127.0.0.1:5000 */
    char digest[160];          /* sha256:... of the pushed manifest */
    long long size;            /* manifest size in bytes, as the daemon reports it */
    char credentials[16];      /* where they came from: none, file, store, helper */
    int layers_pushed;
    int layers_existing;       /* "Layer already exists" or "Mounted from" another repository */
    double seconds;
} hoist_push_result;

/* Push opts->image from the engine behind `client` to its registry. */
HOIST_EXTERN int hoist_push(hoist_push_result *result, hoist_client *client, const hoist_push_options *opts,
                            hoist_error *err);

/* ------------------------------------------------------------------------ */
/* Registry diagnosis (hoist doctor --registry)                             */

typedef struct hoist_registry_check_options {
    unsigned int version;             /* HOIST_REGISTRY_CHECK_OPTIONS_VERSION */
    const char *target;               /* HOST[/REPO] (a name without a host is on docker.io); required */
    bool push;                        /* also check push permission on REPO */
    hoist_registry_auth_options auth;
    hoist_client *client;             /* the daemon whose registry settings to report; NULL: skipped */
    const char *ca_file;              /* also trust this CA (default: the system's, and
                                         /etc/docker/certs.d/HOST/ca.crt as the daemon does) */
    long timeout_ms;                  /* per request; 0: 15 s */
} hoist_registry_check_options;

#define HOIST_REGISTRY_CHECK_OPTIONS_VERSION 1
#define HOIST_REGISTRY_CHECK_OPTIONS_INIT {.version = HOIST_REGISTRY_CHECK_OPTIONS_VERSION}
HOIST_EXTERN void hoist_registry_check_options_init(hoist_registry_check_options *opts);

/* Check, in order, with one report line each (ids): credentials (where they
 * come from: file, store or helper, or none; never the secret), helper (the
 * helper runs and answers), daemon (the daemon's insecure-registries,
 * mirrors and proxy as they apply to HOST), reachable (/v2/ from here),
 * tls (trusted, unknown CA, plain HTTP vs the daemon's insecure list),
 * challenge (none, Basic, or Bearer realm/service), pull (login and a token
 * with pull scope on REPO), push (with opts->push: push scope, proven by
 * opening and cancelling a blob upload). Returns 0 when nothing failed,
 * HOIST_EENV when something did (the report says what and how to fix it),
 * another code when the checks could not run (err). */
HOIST_EXTERN int hoist_registry_check(hoist_doctor_report *report, const hoist_registry_check_options *opts,
                                      hoist_error *err);

/* ------------------------------------------------------------------------ */
/* Digest pins (hoist pin)                                                   */

typedef struct hoist_pin_options {
    unsigned int version;             /* HOIST_PIN_OPTIONS_VERSION */
    const char *dockerfile;           /* path; required */
    bool check;                       /* do not write: report pins that are stale or missing */
    hoist_registry_auth_options auth;
    hoist_client *client;             /* the engine, for RepoDigests when the registry cannot be
                                         asked; NULL: registry only */
    const char *ca_file;              /* also trust this CA for registries */
    long timeout_ms;                  /* per registry request; 0: 10 s */
} hoist_pin_options;

#define HOIST_PIN_OPTIONS_VERSION 1
#define HOIST_PIN_OPTIONS_INIT {.version = HOIST_PIN_OPTIONS_VERSION}
HOIST_EXTERN void hoist_pin_options_init(hoist_pin_options *opts);

typedef enum hoist_pin_state {
    HOIST_PIN_PINNED = 0,   /* a digest was added */
    HOIST_PIN_UPDATED,      /* a stale digest was replaced */
    HOIST_PIN_CURRENT,      /* already pinned to the tag's current digest */
    HOIST_PIN_STALE,        /* check: the pinned digest is not the tag's current one */
    HOIST_PIN_UNPINNED,     /* check: no digest */
    HOIST_PIN_SKIPPED,      /* a stage, scratch, a reference with ARGs, a digest without a tag */
    HOIST_PIN_FAILED,       /* the digest could not be found (note says why) */
} hoist_pin_state;

typedef struct hoist_pin_entry {
    int line;                /* of the FROM */
    int column;              /* of the image reference */
    char image[512];         /* as written, without the digest */
    char old_digest[160];    /* the digest written before, or "" */
    char digest[160];        /* the tag's current digest, or "" */
    char source[16];         /* where it came from: "registry", "engine", or "" */
    hoist_pin_state state;
    char note[512];          /* why skipped or failed */
} hoist_pin_entry;

typedef struct hoist_pin_result hoist_pin_result;

/* Pin every `FROM image:tag` of opts->dockerfile to image:tag@sha256:...,
 * from the registry (manifest digest) when it answers, else the engine's
 * RepoDigests. The file is edited at each FROM's image only (comments,
 * layout, flags and `AS` names are kept) and replaced atomically. With
 * opts->check nothing is written. Returns 0, or HOIST_EFAILED when a pin
 * is stale or missing (check) or a digest could not be found; *out is
 * set in both cases (NULL only for other errors: unreadable or invalid
 * Dockerfile, write failure). */
HOIST_EXTERN int hoist_pin(hoist_pin_result **out, const hoist_pin_options *opts, hoist_error *err);
HOIST_EXTERN size_t hoist_pin_result_entry_count(const hoist_pin_result *result);
HOIST_EXTERN const hoist_pin_entry *hoist_pin_result_entry_at(const hoist_pin_result *result, size_t index);
/* True when the file was rewritten. */
HOIST_EXTERN bool hoist_pin_result_written(const hoist_pin_result *result);
HOIST_EXTERN void hoist_pin_result_free(hoist_pin_result *result);
/* "pinned", "updated", "current", "stale", "unpinned", "skipped", "failed". */
HOIST_EXTERN const char *hoist_pin_state_name(hoist_pin_state state);

#ifdef __cplusplus
}
#endif
#endif
