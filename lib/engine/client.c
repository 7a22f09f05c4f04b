/*
 * client.c - Engine API client: ping, version negotiation, /version, /info.
 *
 * Negotiation follows the Docker clients: the daemon's API-Version header
 * from /_ping is its maximum; we use min(HOIST_API_VERSION_MAX, daemon)
 * unless DOCKER_API_VERSION pins a version, which is used as is provided
 * the daemon supports it. Errors from the daemon come as HTTP status plus
 * a JSON body {"message": ...}; the message is what users need to read.
 */
#include "hoist/client.h"
#include "hoist/version.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "engine/client_internal.h"

#include <stdlib.h>
#include <string.h>

struct hoist_client {
    hoist_endpoint endpoint;
    hoist_transport *transport;
    char pin[32];
    char api_version[32];
    bool negotiated;
    long timeout_ms;
    hoist_ping ping;
};

int hoist_client_new(const hoist_client_options *opts, hoist_client **out, hoist_error *err)
{
    *out = NULL;
    /* Version 1 ends before `log`: read the fields it has. */
    if (!opts || opts->version < 1 || opts->version > HOIST_CLIENT_OPTIONS_VERSION || !opts->endpoint)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_client_new: bad options (version or endpoint)");
    if (opts->api_version_pin && *opts->api_version_pin &&
        hoist_api_version_parse(opts->api_version_pin, NULL, NULL) < 0) {
        hoist_error_set(err, HOIST_EENV, "DOCKER_API_VERSION='%s' is not an API version", opts->api_version_pin);
        return hoist_error_hint(err, "use MAJOR.MINOR, e.g. DOCKER_API_VERSION=1.41, or unset it to negotiate");
    }
    hoist_client *c = calloc(1, sizeof(*c));
    if (!c)
        return hoist_error_nomem(err);
    c->endpoint = *opts->endpoint;
    c->timeout_ms = opts->request_timeout_ms > 0 ? opts->request_timeout_ms : 30000;
    if (opts->api_version_pin)
        snprintf(c->pin, sizeof(c->pin), "%s", opts->api_version_pin);
    int rc = hoist_transport_new(&c->endpoint, &c->transport, err);
    if (rc) {
        free(c);
        return rc;
    }
    if (opts->version >= 2 && opts->log)
        hoist_transport_set_log(c->transport, opts->log, opts->log_user);
    *out = c;
    return 0;
}

void hoist_client_free(hoist_client *client)
{
    if (!client)
        return;
    hoist_transport_free(client->transport);
    free(client);
}

const char *hoist_client_api_version(const hoist_client *client) { return client->api_version; }
bool hoist_client_api_version_pinned(const hoist_client *client) { return client->pin[0] != '\0'; }
const hoist_ping *hoist_client_last_ping(const hoist_client *client) { return &client->ping; }
const hoist_endpoint *hoist_client_endpoint(const hoist_client *client) { return &client->endpoint; }
hoist_transport *hoist_client_transport(hoist_client *client) { return client->transport; }

int hoist_http_error_from_response(const hoist_http_response *resp, const char *what,
                                   const hoist_client *client, hoist_error *err)
{
    const char *message = NULL;
    _cleanup_json_ json_t *body = NULL;
    if (resp->body && resp->body_len) {
        body = json_loadb(resp->body, resp->body_len, 0, NULL);
        message = hoist_json_str(body, "message", NULL);
    }
    char text[600];
    if (!message) {
        snprintf(text, sizeof(text), "%.*s", resp->body ? (int)strcspn(resp->body, "\r\n") : 0,
                 resp->body ? resp->body : "");
        message = text[0] ? text : "no message";
    }
    /* "client version 1.99 is too new. Maximum supported API version is 1.41" */
    if (resp->status == 400 && strstr(message, "client version")) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_UNSUPPORTED, "%s: the daemon refused API version %s: %s", what,
                         client ? client->api_version : "?", message);
        return hoist_error_hint(err, "unset DOCKER_API_VERSION to negotiate, or pin a version the daemon supports");
    }
    if (resp->status == 400 && strstr(message, "HTTP request to an HTTPS server")) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL,
                         "%s: the daemon speaks TLS on this port and hoist sent plain HTTP", what);
        return hoist_error_hint(err, "set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the directory with ca.pem, "
                                     "cert.pem and key.pem (or write the host as https://...)");
    }
    int code = HOIST_EFAILED;
    if (resp->status == 401 || resp->status == 403)
        code = HOIST_EENV;
    hoist_error_set(err, code, "%s: daemon answered HTTP %ld: %s", what, resp->status, message);
    hoist_error_reason(err, resp->status == 404   ? HOIST_REASON_NOT_FOUND
                            : resp->status == 401 || resp->status == 403 ? HOIST_REASON_PERMISSION
                                                                         : HOIST_REASON_DAEMON);
    if (resp->status == 404)
        hoist_error_hint(err, "the object does not exist on this daemon, or the daemon is too old for this call");
    else if (resp->status >= 500)
        hoist_error_hint(err, "the daemon failed; its log may say more");
    else if (resp->status == 401 || resp->status == 403)
        hoist_error_hint(err, "check the registry credentials in $DOCKER_CONFIG/config.json");
    return code;
}

int hoist_client_ping(hoist_client *client, hoist_ping *out, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    hoist_http_request req = {.method = "GET", .path = "/_ping", .timeout_ms = client->timeout_ms};
    _cleanup_(hoist_http_response_clear) hoist_http_response resp = {0};
    int rc = hoist_transport_request(client->transport, &req, &resp, err);
    if (rc)
        return rc;
    if (resp.status != 200) {
        /* Some daemons answer a failing ping with 500 but still set the headers. */
        if (!resp.api_version[0])
            return hoist_http_error_from_response(&resp, "GET /_ping", NULL, err);
    }
    if (!resp.api_version[0]) {
        hoist_error_set(err, HOIST_EENV, "%s answered /_ping without an API-Version header; "
                        "it does not look like a Docker daemon", client->endpoint.host);
        return hoist_error_hint(err, "check DOCKER_HOST / -H");
    }
    snprintf(out->api_version, sizeof(out->api_version), "%s", resp.api_version);
    snprintf(out->builder_version, sizeof(out->builder_version), "%s", resp.builder_version);
    snprintf(out->os_type, sizeof(out->os_type), "%s", resp.os_type);
    out->experimental = !strcmp(resp.docker_experimental, "true");
    out->seconds = resp.seconds;
    return 0;
}

int hoist_client_negotiate(hoist_client *client, hoist_error *err)
{
    if (client->negotiated)
        return 0;
    int rc = hoist_client_ping(client, &client->ping, err);
    if (rc)
        return rc;
    const char *daemon = client->ping.api_version;
    if (hoist_api_version_parse(daemon, NULL, NULL) < 0) {
        hoist_error_set(err, HOIST_EENV, "the daemon reported an invalid API version '%s'", daemon);
        return hoist_error_hint(err, "pin one with DOCKER_API_VERSION");
    }
    if (client->pin[0]) {
        if (hoist_api_version_compare(client->pin, daemon) > 0) {
            hoist_error_set(err, HOIST_EENV,
                            "DOCKER_API_VERSION=%s is too new for the daemon at %s: its maximum "
                            "supported API version is %s", client->pin, client->endpoint.host, daemon);
            return hoist_error_hint(err, "set DOCKER_API_VERSION=%s (or lower), or unset it so that "
                                         "hoist negotiates", daemon);
        }
        snprintf(client->api_version, sizeof(client->api_version), "%s", client->pin);
    } else {
        if (hoist_api_version_compare(daemon, HOIST_API_VERSION_MIN) < 0) {
            hoist_error_set(err, HOIST_EENV, "the daemon at %s speaks API %s, older than hoist's minimum %s",
                            client->endpoint.host, daemon, HOIST_API_VERSION_MIN);
            return hoist_error_hint(err, "upgrade the Docker engine");
        }
        const char *chosen = hoist_api_version_compare(daemon, HOIST_API_VERSION_MAX) < 0
                                 ? daemon : HOIST_API_VERSION_MAX;
        snprintf(client->api_version, sizeof(client->api_version), "%s", chosen);
    }
    client->negotiated = true;
    return 0;
}

int hoist_client_versioned_path(hoist_client *client, const char *path, char *buf, size_t size,
                                hoist_error *err)
{
    int rc = hoist_client_negotiate(client, err);
    if (rc)
        return rc;
    if ((size_t)snprintf(buf, size, "/v%s%s", client->api_version, path) >= size)
        return hoist_error_set(err, HOIST_EUSAGE, "request path too long");
    return 0;
}

int hoist_client_request(hoist_client *client, const char *path, hoist_http_request *request,
                         hoist_http_response *response, hoist_error *err)
{
    size_t size = strlen(path) + 48;
    _cleanup_free_ char *full = malloc(size);
    if (!full)
        return hoist_error_nomem(err);
    int rc = hoist_client_versioned_path(client, path, full, size, err);
    if (rc)
        return rc;
    request->path = full;
    rc = hoist_transport_request(client->transport, request, response, err);
    request->path = NULL;
    return rc;
}

int hoist_client_get_json(hoist_client *client, const char *path, json_t **out, hoist_error *err)
{
    *out = NULL;
    hoist_http_request req = {.method = "GET", .timeout_ms = client->timeout_ms};
    _cleanup_(hoist_http_response_clear) hoist_http_response resp = {0};
    int rc = hoist_client_request(client, path, &req, &resp, err);
    if (rc)
        return rc;
    char what[300];
    snprintf(what, sizeof(what), "GET %s", path);
    if (resp.status < 200 || resp.status >= 300)
        return hoist_http_error_from_response(&resp, what, client, err);
    json_error_t jerr;
    *out = json_loadb(resp.body ? resp.body : "", resp.body_len, 0, &jerr);
    if (!*out)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_PROTOCOL, "%s: the daemon's answer is not JSON: %s",
                                what, jerr.text);
    return 0;
}

int hoist_client_version(hoist_client *client, hoist_server_version *out, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    _cleanup_json_ json_t *v = NULL;
    int rc = hoist_client_get_json(client, "/version", &v, err);
    if (rc)
        return rc;
    hoist_json_copy_str(v, "Version", out->version, sizeof(out->version));
    hoist_json_copy_str(v, "ApiVersion", out->api_version, sizeof(out->api_version));
    hoist_json_copy_str(v, "MinAPIVersion", out->min_api_version, sizeof(out->min_api_version));
    hoist_json_copy_str(v, "Os", out->os, sizeof(out->os));
    hoist_json_copy_str(v, "Arch", out->arch, sizeof(out->arch));
    hoist_json_copy_str(v, "KernelVersion", out->kernel_version, sizeof(out->kernel_version));
    hoist_json_copy_str(v, "GoVersion", out->go_version, sizeof(out->go_version));
    hoist_json_copy_str(v, "GitCommit", out->git_commit, sizeof(out->git_commit));
    return 0;
}

int hoist_client_info(hoist_client *client, hoist_server_info *out, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    _cleanup_json_ json_t *v = NULL;
    int rc = hoist_client_get_json(client, "/info", &v, err);
    if (rc)
        return rc;
    hoist_json_copy_str(v, "Name", out->name, sizeof(out->name));
    hoist_json_copy_str(v, "ServerVersion", out->server_version, sizeof(out->server_version));
    hoist_json_copy_str(v, "Driver", out->storage_driver, sizeof(out->storage_driver));
    hoist_json_copy_str(v, "DockerRootDir", out->docker_root_dir, sizeof(out->docker_root_dir));
    hoist_json_copy_str(v, "OperatingSystem", out->operating_system, sizeof(out->operating_system));
    hoist_json_copy_str(v, "OSType", out->os_type, sizeof(out->os_type));
    hoist_json_copy_str(v, "Architecture", out->architecture, sizeof(out->architecture));
    hoist_json_copy_str(v, "CgroupDriver", out->cgroup_driver, sizeof(out->cgroup_driver));
    out->ncpu = (int)hoist_json_int(v, "NCPU", 0);
    out->mem_total = hoist_json_int(v, "MemTotal", 0);
    out->containers = hoist_json_int(v, "Containers", 0);
    out->images = hoist_json_int(v, "Images", 0);
    return 0;
}
