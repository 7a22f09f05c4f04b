/*
 * query.c - map hoist build options to POST /build query parameters.
 *
 * Repeated parameters (t, extrahosts) are repeated; maps and lists the API
 * documents as JSON (buildargs, labels, cachefrom) are JSON. A parameter
 * newer than the negotiated API version would be silently ignored by the
 * daemon, so it is refused here, before anything is uploaded.
 */
#include "build/query.h"
#include "hoist/version.h"
#include "common/buf.h"
#include "common/cleanup.h"
#include "engine/client_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qbuf {
    hoist_client *client; /* escapes with the transport's libcurl */
    hbuf b;
    int oom;              /* escaping or JSON encoding failed */
};

static void qb_append(struct qbuf *q, const char *s) { hbuf_puts(&q->b, s); }

static void qb_param(struct qbuf *q, const char *key, const char *value)
{
    char *escaped = hoist_transport_escape(hoist_client_transport(q->client), value);
    if (!escaped) {
        q->oom = 1;
        return;
    }
    qb_append(q, q->b.data && strchr(q->b.data, '?') ? "&" : "?");
    qb_append(q, key);
    qb_append(q, "=");
    qb_append(q, escaped);
    free(escaped);
}

static void qb_json(struct qbuf *q, const char *key, json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!text) {
        q->oom = 1;
        return;
    }
    qb_param(q, key, text);
    free(text);
}

static int need_version(const char *api, const char *option, const char *min, hoist_error *err)
{
    if (hoist_api_version_compare(api, min) >= 0)
        return 0;
    hoist_error_set(err, HOIST_EENV, "%s needs Engine API %s or newer, but the API version in use is %s",
                    option, min, api);
    return hoist_error_hint(err, "upgrade the Docker engine, unset DOCKER_API_VERSION if it pins an older "
                                 "version, or drop %s", option);
}

/* Split "K=V" into a JSON object entry; "K" alone takes K from the
 * environment and is skipped when unset, as the docker CLI does. */
static int add_pairs(json_t *obj, const char *const *items, size_t count, const char *flag, bool from_env,
                     hoist_error *err)
{
    for (size_t i = 0; i < count; i++) {
        const char *eq = strchr(items[i], '=');
        size_t klen = eq ? (size_t)(eq - items[i]) : strlen(items[i]);
        if (klen == 0) {
            hoist_error_set(err, HOIST_EUSAGE, "%s '%s': the name is empty", flag, items[i]);
            return hoist_error_hint(err, "write %s NAME=VALUE", flag);
        }
        char key[512];
        snprintf(key, sizeof(key), "%.*s", (int)klen, items[i]);
        if (eq) {
            json_object_set_new(obj, key, json_string(eq + 1));
        } else if (from_env) {
            const char *v = getenv(key);
            if (v)
                json_object_set_new(obj, key, json_string(v));
        } else {
            hoist_error_set(err, HOIST_EUSAGE, "%s '%s' has no value", flag, items[i]);
            return hoist_error_hint(err, "write %s NAME=VALUE", flag);
        }
    }
    return 0;
}

int hoist_build_query(hoist_client *client, const hoist_build_options *opts, const char *dockerfile_in_tar,
                      const char *api, char **out, hoist_error *err)
{
    *out = NULL;
    int rc;
    if (opts->params.cache_from_count && (rc = need_version(api, "--cache-from", "1.25", err)))
        return rc;
    if (opts->params.network && *opts->params.network && (rc = need_version(api, "--network", "1.25", err)))
        return rc;
    if (opts->params.add_host_count && (rc = need_version(api, "--add-host", "1.28", err)))
        return rc;
    if (opts->params.target && *opts->params.target && (rc = need_version(api, "--target", "1.29", err)))
        return rc;
    if (opts->params.platform && *opts->params.platform && (rc = need_version(api, "--platform", "1.32", err)))
        return rc;

    struct qbuf q = {.client = client};
    qb_append(&q, "/build");
    qb_param(&q, "dockerfile", dockerfile_in_tar);
    for (size_t i = 0; i < opts->params.tag_count; i++)
        qb_param(&q, "t", opts->params.tags[i]);

    json_t *args = json_object();
    rc = add_pairs(args, opts->params.build_args, opts->params.build_arg_count, "--build-arg", true, err);
    if (!rc && json_object_size(args))
        qb_json(&q, "buildargs", args);
    json_decref(args);
    if (rc)
        goto fail;

    json_t *labels = json_object();
    rc = add_pairs(labels, opts->params.labels, opts->params.label_count, "--label", false, err);
    if (!rc && json_object_size(labels))
        qb_json(&q, "labels", labels);
    json_decref(labels);
    if (rc)
        goto fail;

    if (opts->params.cache_from_count) {
        json_t *list = json_array();
        for (size_t i = 0; i < opts->params.cache_from_count; i++)
            json_array_append_new(list, json_string(opts->params.cache_from[i]));
        qb_json(&q, "cachefrom", list);
        json_decref(list);
    }
    for (size_t i = 0; i < opts->params.add_host_count; i++) {
        if (!strchr(opts->params.add_hosts[i], ':')) {
            rc = hoist_error_set(err, HOIST_EUSAGE, "--add-host '%s' is not HOST:IP", opts->params.add_hosts[i]);
            hoist_error_hint(err, "write --add-host db.internal:10.0.0.5");
            goto fail;
        }
        qb_param(&q, "extrahosts", opts->params.add_hosts[i]);
    }
    if (opts->params.target && *opts->params.target)
        qb_param(&q, "target", opts->params.target);
    if (opts->params.platform && *opts->params.platform)
        qb_param(&q, "platform", opts->params.platform);
    if (opts->params.network && *opts->params.network)
        qb_param(&q, "networkmode", opts->params.network);
    if (opts->params.no_cache)
        qb_param(&q, "nocache", "1");
    if (opts->params.pull)
        qb_param(&q, "pull", "1");
    if (opts->output.quiet)
        qb_param(&q, "q", "1");
    qb_param(&q, "rm", opts->params.keep_intermediate ? "0" : "1");
    qb_param(&q, "forcerm", opts->params.keep_intermediate ? "0" : "1");
    char number[32];
    if (opts->params.shm_size > 0) {
        snprintf(number, sizeof(number), "%lld", opts->params.shm_size);
        qb_param(&q, "shmsize", number);
    }
    if (opts->params.memory > 0) {
        snprintf(number, sizeof(number), "%lld", opts->params.memory);
        qb_param(&q, "memory", number);
    }
    if (q.oom) {
        rc = hoist_error_nomem(err);
        goto fail;
    }
    if (q.b.failed) {
        rc = hbuf_error(&q.b, err, "building the /build query");
        goto fail;
    }
    *out = hbuf_take(&q.b, NULL);
    return *out ? 0 : hoist_error_nomem(err);
fail:
    hbuf_free(&q.b);
    return rc;
}
