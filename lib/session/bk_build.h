/*
 * bk_build.h - a BuildKit build through the session (internal; minimal
 * driver until the build engine takes it over).
 *
 * Starts a session serving the context and the Dockerfile's directory,
 * sends POST /build?version=2&session=ID&remote=client-session with an
 * empty body, reads the JSON lines (moby.buildkit.trace progress is
 * counted and handed to on_message undecoded), takes the image id from
 * {"id":"moby.image.id","aux":{"ID":...}} and closes the session.
 */
#ifndef HOIST_SESSION_BK_BUILD_H
#define HOIST_SESSION_BK_BUILD_H

#include <jansson.h>

#include "session/session.h"

typedef struct hoist_bk_build_options {
    const char *context_dir;
    const char *dockerfile;          /* path; NULL: <context>/Dockerfile */
    const char *tag;                 /* t=, or NULL */
    const char *target;              /* target=, or NULL */
    const char *const *build_args;   /* "NAME=value" */
    size_t n_build_args;
    const char *network;             /* networkmode=; NULL: "none" */
    bool no_cache;
    const hoist_session_secret *secrets;
    size_t n_secrets;
    const hoist_session_ssh *ssh;
    size_t n_ssh;
    const char *docker_config_dir;   /* $DOCKER_CONFIG, or NULL */
    const char *home;                /* $HOME, for ~/.docker when docker_config_dir is NULL */
    const char *output_tar;          /* export the result as a tar here instead of an image */
    volatile int *cancel;
    /* every JSON message of the reply, as received (may be NULL) */
    void (*on_message)(json_t *message, void *user);
    void *user;
} hoist_bk_build_options;

typedef struct hoist_bk_build_result {
    char image_id[160];
    char build_id[40];
    unsigned long trace_messages;    /* moby.buildkit.trace lines */
    unsigned long messages;
    hoist_session_stats stats;       /* of the session, after the build */
} hoist_bk_build_result;

int hoist_bk_build(hoist_client *client, const hoist_bk_build_options *opts, hoist_bk_build_result *result,
                   hoist_error *err);

#endif
