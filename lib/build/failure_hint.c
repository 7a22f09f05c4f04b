/*
 * failure_hint.c - what to do next when a build fails.
 *
 * The daemon's message says what went wrong; the hint says what to do. The
 * problems users hit most get a specific one: a base image that is not on
 * the engine and cannot be pulled, a registry that refuses access (and
 * whether hoist had credentials to offer), a tag that does not exist, a
 * COPY source that is not in the build context, a connection to the
 * daemon that broke (the CLI says "unexpected EOF").
 */
#include "build/build_internal.h"
#include "common/cleanup.h"
#include "common/json_util.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static bool mentions(const char *text, const char *const *needles)
{
    for (; *needles; needles++)
        if (strcasestr(text, *needles))
            return true;
    return false;
}

/* Does $DOCKER_CONFIG/config.json hold credentials for `registry`? */
static bool has_credentials(const hoist_build_options *opts, const char *registry)
{
    char path[PATH_MAX + 32];
    if (opts->registry.docker_config && *opts->registry.docker_config)
        snprintf(path, sizeof(path), "%s/config.json", opts->registry.docker_config);
    else
        snprintf(path, sizeof(path), "%s/.docker/config.json", opts->registry.home ? opts->registry.home : "/root");
    _cleanup_json_ json_t *root = json_load_file(path, 0, NULL);
    json_t *auths = json_object_get(root, "auths");
    if (json_object_get(auths, registry))
        return true;
    /* Docker Hub is keyed by its legacy URL. */
    return !strcmp(registry, "docker.io") && json_object_get(auths, "https://index.docker.io/v1/");
}

/* The hint for a failed build: the three problems users hit most (a base
 * image that cannot be pulled, registry permissions, a COPY source that is
 * not in the context) get a specific next step. */
void hoist_build_failure_hint(const hoist_build_options *opts, const hoist_build_decoder *d, hoist_error *err)
{
    static const char *const network[] = {"proxyconnect", "dial tcp", "no such host", "i/o timeout",
                                          "TLS handshake", "connection refused", NULL};
    static const char *const denied[] = {"pull access denied", "unauthorized", "authentication required",
                                         "denied:", "forbidden", NULL};
    /* BuildKit says "<ref>: not found" */
    static const char *const missing_tag[] = {"manifest unknown", "not found: manifest", ": not found", NULL};
    static const char *const copy_missing[] = {"COPY failed", "ADD failed", "no such file or directory",
                                               "failed to compute cache key", NULL};
    /* the docker CLI's words when its connection to the daemon broke */
    static const char *const dropped[] = {"unexpected EOF", "connection reset by peer", "broken pipe", NULL};
    const char *message = d->error_message;
    if (mentions(message, dropped) && !mentions(message, network)) {
        hoist_error_hint(err, "the connection to the daemon broke during the build: check that it is running "
                              "('hoist doctor') and retry");
        return;
    }
    if (!strcmp(d->keyword, "FROM")) {
        char image[512] = "";
        sscanf(d->step_text, "%*s %511s", image);
        hoist_image_ref *ref = NULL;
        const char *registry = hoist_image_ref_parse(&ref, image, NULL) == 0 ? ref->registry : "its registry";
        if (mentions(message, denied))
            hoist_error_hint(err, "the registry %s refused %s: check the name, then 'docker login %s' (%s)",
                             registry, image, registry,
                             has_credentials(opts, registry)
                                 ? "hoist sent the credentials from the docker config; they were rejected"
                                 : "the docker config holds no credentials for it");
        else if (mentions(message, missing_tag))
            hoist_error_hint(err, "%s has no such tag or digest in %s; pin one that exists", image, registry);
        else if (mentions(message, network))
            hoist_error_hint(err, "%s is not on this engine and %s cannot be reached from the daemon: load the "
                                  "image onto the engine ('docker load'), or fix the daemon's network or proxy",
                             image, registry);
        else
            hoist_error_hint(err, "the base image could not be used; check its name and tag");
        hoist_image_ref_free(ref);
        return;
    }
    if ((!strcmp(d->keyword, "COPY") || !strcmp(d->keyword, "ADD")) && mentions(message, copy_missing)) {
        hoist_error_hint(err, "the source is not in the build context: check the path and the ignore file "
                              "('hoist context --explain PATH' says which line excludes it)");
        return;
    }
    hoist_error_hint(err, "the build stopped at this instruction; its output above says why");
}

