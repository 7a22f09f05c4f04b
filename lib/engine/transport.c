/*
 * transport.c - libcurl-based HTTP transport to the Docker daemon.
 *
 * A transport keeps one curl easy handle so consecutive requests reuse the
 * connection. Unix sockets use CURLOPT_UNIX_SOCKET_PATH with a dummy host
 * name ("docker"), as the docker CLI does; tcp uses http:// or https://
 * with the endpoint's CA, certificate and key. The daemon's identity
 * headers (API-Version, Builder-Version, OSType) are captured from every
 * response because negotiation needs them from /_ping.
 */
#include "engine/transport.h"
#include "engine/request_log.h"
#include "common/cleanup.h"
#include "engine/curl_api.h"
#include "engine/raw_conn.h"
#include "engine/ssh_tunnel.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COLLECT_LIMIT (64u * 1024u * 1024u)

struct hoist_transport {
    hoist_endpoint endpoint;
    hoist_curl_api api;          /* libcurl, loaded when the transport is made */
    hoist_ssh_tunnel tunnel;     /* ssh endpoints: the local end of the forward */
    CURL *curl;
    char base_url[600];
    hoist_log_fn log;            /* request log (request_log.h), or NULL */
    void *log_user;
};

void hoist_transport_set_log(hoist_transport *t, hoist_log_fn fn, void *user)
{
    t->log = fn;
    t->log_user = user;
}

int hoist_transport_new(const hoist_endpoint *endpoint, hoist_transport **out, hoist_error *err)
{
    *out = NULL;
    hoist_transport *t = calloc(1, sizeof(*t));
    if (!t)
        return hoist_error_nomem(err);
    t->endpoint = *endpoint;
    t->tunnel.stderr_fd = -1;
    if (endpoint->kind == HOIST_ENDPOINT_SSH) {
        int rc = hoist_ssh_tunnel_open(endpoint, &t->tunnel, err);
        if (rc) {
            free(t);
            return rc;
        }
    }
    int rc = hoist_curl_api_load(&t->api, err);
    if (rc) {
        hoist_ssh_tunnel_close(&t->tunnel);
        free(t);
        return rc;
    }
    t->curl = t->api.easy_init();
    if (!t->curl) {
        hoist_ssh_tunnel_close(&t->tunnel);
        hoist_curl_api_unload(&t->api);
        free(t);
        return hoist_error_set(err, HOIST_EFAILED, "cannot initialise libcurl");
    }
    if (endpoint->kind == HOIST_ENDPOINT_UNIX || endpoint->kind == HOIST_ENDPOINT_SSH) {
        snprintf(t->base_url, sizeof(t->base_url), "http://docker");
    } else {
        int v6 = strchr(endpoint->address, ':') != NULL;
        snprintf(t->base_url, sizeof(t->base_url), "%s://%s%s%s:%d", endpoint->tls ? "https" : "http",
                 v6 ? "[" : "", endpoint->address, v6 ? "]" : "", endpoint->port);
    }
    *out = t;
    return 0;
}

void hoist_transport_free(hoist_transport *transport)
{
    if (!transport)
        return;
    transport->api.easy_cleanup(transport->curl);
    hoist_curl_api_unload(&transport->api);
    hoist_ssh_tunnel_close(&transport->tunnel);
    free(transport);
}

void hoist_http_response_clear(hoist_http_response *response)
{
    if (!response)
        return;
    free(response->body);
    memset(response, 0, sizeof(*response));
}

struct transfer {
    const hoist_http_request *request;
    hoist_http_response *response;
    size_t collected_cap;
    int sink_stopped;
    int body_aborted;
    int cancelled;
    int oom;
    hoist_log_lines *lines;  /* streamed reply lines for the log, or NULL */
};

static size_t on_write(char *data, size_t size, size_t nmemb, void *user)
{
    struct transfer *tr = user;
    size_t len = size * nmemb;
    if (tr->request->sink) {
        if (tr->lines)
            hoist_log_lines_feed(tr->lines, data, len);
        if (tr->request->sink(data, len, tr->request->sink_user)) {
            tr->sink_stopped = 1;
            return 0;
        }
        return len;
    }
    hoist_http_response *resp = tr->response;
    if (resp->body_len + len + 1 > COLLECT_LIMIT) {
        tr->oom = 1;
        return 0;
    }
    if (resp->body_len + len + 1 > tr->collected_cap) {
        size_t cap = tr->collected_cap ? tr->collected_cap : 4096;
        while (cap < resp->body_len + len + 1)
            cap *= 2;
        char *grown = realloc(resp->body, cap);
        if (!grown) {
            tr->oom = 1;
            return 0;
        }
        resp->body = grown;
        tr->collected_cap = cap;
    }
    memcpy(resp->body + resp->body_len, data, len);
    resp->body_len += len;
    resp->body[resp->body_len] = '\0';
    return len;
}

static void capture_header(const char *line, size_t len, const char *name, char *dst, size_t dst_size)
{
    size_t name_len = strlen(name);
    if (len <= name_len + 1 || strncasecmp(line, name, name_len) || line[name_len] != ':')
        return;
    const char *v = line + name_len + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    snprintf(dst, dst_size, "%.*s", (int)(end - v), v);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
    struct transfer *tr = user;
    size_t len = size * nmemb;
    hoist_http_response *r = tr->response;
    capture_header(data, len, "API-Version", r->api_version, sizeof(r->api_version));
    capture_header(data, len, "Builder-Version", r->builder_version, sizeof(r->builder_version));
    capture_header(data, len, "OSType", r->os_type, sizeof(r->os_type));
    capture_header(data, len, "Docker-Experimental", r->docker_experimental, sizeof(r->docker_experimental));
    return len;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *user)
{
    struct transfer *tr = user;
    size_t n = tr->request->body_source(buf, size * nitems, tr->request->body_user);
    if (n == HOIST_BODY_ABORT) {
        tr->body_aborted = 1;
        return CURL_READFUNC_ABORT;
    }
    return n;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct transfer *tr = user;
    if (tr->request->cancel && tr->request->cancel(tr->request->cancel_user)) {
        tr->cancelled = 1;
        return 1;
    }
    return 0;
}

/* The tunnel is up but the request failed: ssh says why on its stderr
 * ("open failed: connect failed: No such file or directory"). */
static int diagnose_ssh(hoist_transport *t, const char *detail, hoist_error *err)
{
    const hoist_endpoint *ep = &t->endpoint;
    hoist_ssh_tunnel_collect(&t->tunnel);
    char said[sizeof(t->tunnel.said)];
    snprintf(said, sizeof(said), "%s", t->tunnel.said);
    for (size_t end = strlen(said); end && (said[end - 1] == '\n' || said[end - 1] == '\r');)
        said[--end] = '\0';
    if (strstr(said, "No such file or directory")) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_NOT_FOUND,
                         "on %s, the Docker socket %s does not exist: the daemon is not running "
                         "there", ep->address, ep->ssh_socket);
        return hoist_error_hint(err, "start the daemon on that host, or name its socket with HOIST_SSH_SOCKET");
    }
    if (strstr(said, "Permission denied")) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PERMISSION,
                         "on %s, the ssh user %s may not open the Docker socket %s", ep->address,
                         ep->ssh_user[0] ? ep->ssh_user : "(default)", ep->ssh_socket);
        return hoist_error_hint(err, "add that user to the docker group on the remote host, or connect as one "
                                     "who may use Docker");
    }
    if (strstr(said, "open failed")) {
        /* sshd does not say why; these are the two usual reasons */
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                         "on %s, sshd could not open the Docker socket %s: it does not exist (no "
                         "daemon running there) or the ssh user %s may not use it", ep->address, ep->ssh_socket,
                         ep->ssh_user[0] ? ep->ssh_user : "(default)");
        return hoist_error_hint(err, "check with 'ssh %s%s%s ls -l %s'; start the daemon, name its socket with "
                                     "HOIST_SSH_SOCKET, or use a user in the remote docker group",
                                ep->ssh_user, ep->ssh_user[0] ? "@" : "", ep->address, ep->ssh_socket);
    }
    if (strstr(said, "Connection refused")) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                         "on %s, nothing listens on the Docker socket %s (a stale socket)",
                         ep->address, ep->ssh_socket);
        return hoist_error_hint(err, "restart the daemon on that host");
    }
    hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "the ssh tunnel to %s failed: %s%s%s", ep->host, detail,
                     said[0] ? "; ssh said: " : "", said);
    return hoist_error_hint(err, "check the connection with 'ssh %s%s%s'", ep->ssh_user, ep->ssh_user[0] ? "@" : "",
                            ep->address);
}


static void configure_endpoint(CURL *c, const hoist_transport *t)
{
    const hoist_endpoint *ep = &t->endpoint;
    if (ep->kind == HOIST_ENDPOINT_UNIX || ep->kind == HOIST_ENDPOINT_SSH) {
        t->api.easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH,
                         ep->kind == HOIST_ENDPOINT_SSH ? t->tunnel.socket : ep->socket_path);
        return;
    }
    if (ep->tls) {
        if (ep->ca_file[0])
            t->api.easy_setopt(c, CURLOPT_CAINFO, ep->ca_file);
        if (ep->cert_file[0])
            t->api.easy_setopt(c, CURLOPT_SSLCERT, ep->cert_file);
        if (ep->key_file[0])
            t->api.easy_setopt(c, CURLOPT_SSLKEY, ep->key_file);
        t->api.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, ep->tls_verify ? 1L : 0L);
        t->api.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, ep->tls_verify ? 2L : 0L);
    }
}

int hoist_transport_request(hoist_transport *t, const hoist_http_request *req,
                            hoist_http_response *resp, hoist_error *err)
{
    memset(resp, 0, sizeof(*resp));
    CURL *c = t->curl;
    t->api.easy_reset(c);

    char url[8192];
    if ((size_t)snprintf(url, sizeof(url), "%s%s", t->base_url, req->path) >= sizeof(url))
        return hoist_error_set(err, HOIST_EUSAGE, "request path too long (%zu bytes)", strlen(req->path));

    struct transfer tr = {.request = req, .response = resp};
    struct curl_slist *headers = NULL;
    /* Expect: 100-continue only adds a round trip; the daemon reads at once. */
    headers = t->api.slist_append(headers, "Expect:");
    headers = t->api.slist_append(headers, "User-Agent: hoist/" "0.1");
    for (const char *const *h = req->headers; h && *h; h++)
        headers = t->api.slist_append(headers, *h);

    t->api.easy_setopt(c, CURLOPT_URL, url);
    t->api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* Only loopback or the endpoint itself: never a proxy from the environment. */
    t->api.easy_setopt(c, CURLOPT_PROXY, "");
    t->api.easy_setopt(c, CURLOPT_NOPROXY, "*");
    t->api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    t->api.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    t->api.easy_setopt(c, CURLOPT_WRITEDATA, &tr);
    t->api.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    t->api.easy_setopt(c, CURLOPT_HEADERDATA, &tr);
    t->api.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (req->timeout_ms > 0)
        t->api.easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    if (req->idle_timeout_s > 0) {
        t->api.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
        t->api.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, req->idle_timeout_s);
    }
    if (req->cancel) {
        t->api.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        t->api.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        t->api.easy_setopt(c, CURLOPT_XFERINFODATA, &tr);
    }
    configure_endpoint(c, t);

    const char *method = req->method ? req->method : "GET";
    if (!strcmp(method, "HEAD")) {
        t->api.easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (!strcmp(method, "GET")) {
        t->api.easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        t->api.easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        if (req->body_source) {
            t->api.easy_setopt(c, CURLOPT_UPLOAD, 1L);
            t->api.easy_setopt(c, CURLOPT_READFUNCTION, on_read);
            t->api.easy_setopt(c, CURLOPT_READDATA, &tr);
        } else {
            t->api.easy_setopt(c, CURLOPT_POST, 1L);
            t->api.easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
            t->api.easy_setopt(c, CURLOPT_COPYPOSTFIELDS, req->body ? req->body : "");
        }
    }

    char logged_path[2048];
    _cleanup_free_ hoist_log_lines *lines = NULL;
    if (t->log) {
        hoist_log_redact_path(req->path, logged_path, sizeof(logged_path));
        enum { MAX_LOGGED = 32 };
        char texts[MAX_LOGGED][512];
        const char *list[MAX_LOGGED + 1];
        size_t n = 0;
        for (const char *const *h = req->headers; h && *h && n < MAX_LOGGED; h++, n++) {
            hoist_log_redact_header(*h, texts[n], sizeof(texts[n]));
            list[n] = texts[n];
        }
        list[n] = NULL;
        hoist_log_record rec = {.event = HOIST_LOG_REQUEST, .method = method, .path = logged_path,
                                .headers = list};
        t->log(&rec, t->log_user);
        if (req->sink && (lines = calloc(1, sizeof(*lines)))) {
            lines->fn = t->log;
            lines->user = t->log_user;
            lines->method = method;
            lines->path = logged_path;
            tr.lines = lines;
        }
    }

    CURLcode cc = t->api.easy_perform(c);
    t->api.slist_free_all(headers);
    t->api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    t->api.easy_getinfo(c, CURLINFO_TOTAL_TIME, &resp->seconds);
    if (t->log) {
        if (lines)
            hoist_log_lines_flush(lines);
        hoist_log_record rec = {.event = HOIST_LOG_RESPONSE, .method = method, .path = logged_path,
                                .status = resp->status, .seconds = resp->seconds};
        t->log(&rec, t->log_user);
    }
    if (cc == CURLE_OK)
        return 0;

    if (tr.cancelled)
        return hoist_error_set(err, HOIST_EINTERRUPTED, "%s %s cancelled", method, req->path);
    if (tr.sink_stopped)
        return 0; /* the caller's sink chose to stop; it knows why */
    if (tr.body_aborted)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_IO, "%s %s: sending the request body failed", method,
                                req->path);
    if (tr.oom)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_LIMIT, "%s %s: response larger than %u MiB", method,
                                req->path, COLLECT_LIMIT >> 20);

    long os_errno = 0;
    t->api.easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    if (t->endpoint.kind == HOIST_ENDPOINT_SSH && resp->status == 0)
        return diagnose_ssh(t, t->api.easy_strerror(cc), err);
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
        return hoist_diagnose_connect(&t->endpoint, (int)os_errno, t->api.easy_strerror(cc), err);
    case CURLE_OPERATION_TIMEDOUT:
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_TIMEOUT, "the Docker daemon at %s did not answer %s %s in time",
                         t->endpoint.host, method, req->path);
        return hoist_error_hint(err, "the daemon may be overloaded or hung; check its logs");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                         "TLS with the Docker daemon at %s failed: %s", t->endpoint.host,
                         t->api.easy_strerror(cc));
        return hoist_error_hint(err, "check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) and DOCKER_TLS_VERIFY");
    default:
        if (t->endpoint.tls && resp->status == 0 && (cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR)) {
            /* A daemon with --tlsverify drops the handshake of a client
             * without an acceptable certificate. */
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                             "the Docker daemon at %s closed the TLS connection during the "
                             "handshake: it did not accept %s", t->endpoint.host,
                             t->endpoint.cert_file[0] ? "hoist's client certificate" : "a client without a certificate");
            return hoist_error_hint(err, t->endpoint.cert_file[0]
                                             ? "use a certificate signed by the CA the daemon trusts (DOCKER_CERT_PATH)"
                                             : "put cert.pem and key.pem (signed by the daemon's CA) in DOCKER_CERT_PATH");
        }
        if (resp->status == 0 && (cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR))
            return hoist_diagnose_connect(&t->endpoint, (int)os_errno, t->api.easy_strerror(cc), err);
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT,
                         "the connection to the Docker daemon at %s dropped during %s %s: %s",
                         t->endpoint.host, method, req->path, t->api.easy_strerror(cc));
        return hoist_error_hint(err, "the daemon may have stopped or restarted; check that it is running "
                                     "('hoist doctor') and retry");
    }
}

char *hoist_transport_escape(hoist_transport *t, const char *text)
{
    char *escaped = t->api.easy_escape(t->curl, text, 0);
    if (!escaped)
        return NULL;
    char *copy = strdup(escaped);
    t->api.free(escaped);
    return copy;
}

int hoist_transport_raw_open(hoist_transport *t, hoist_raw_conn **out, hoist_error *err)
{
    *out = NULL;
    hoist_raw_conn *c = calloc(1, sizeof(*c));
    if (!c)
        return hoist_error_nomem(err);
    c->fd = -1;
    snprintf(c->host, sizeof(c->host), "%s", t->endpoint.host);
    int rc = hoist_curl_api_load(&c->api, err);
    if (rc) {
        free(c);
        return rc;
    }
    if (!(c->curl = c->api.easy_init())) {
        hoist_raw_conn_free(c);
        return hoist_error_set(err, HOIST_EFAILED, "cannot initialise libcurl");
    }
    /* configure_endpoint uses the transport's table; both are libcurl */
    c->api.easy_setopt(c->curl, CURLOPT_URL, t->base_url);
    c->api.easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    c->api.easy_setopt(c->curl, CURLOPT_PROXY, "");
    c->api.easy_setopt(c->curl, CURLOPT_NOPROXY, "*");
    c->api.easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    c->api.easy_setopt(c->curl, CURLOPT_CONNECT_ONLY, 1L);
    configure_endpoint(c->curl, t);
    CURLcode cc = c->api.easy_perform(c->curl);
    if (cc != CURLE_OK) {
        long os_errno = 0;
        c->api.easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &os_errno);
        char detail[256];
        snprintf(detail, sizeof(detail), "%s", c->api.easy_strerror(cc));
        hoist_raw_conn_free(c);
        if (t->endpoint.kind == HOIST_ENDPOINT_SSH)
            return diagnose_ssh(t, detail, err);
        return hoist_diagnose_connect(&t->endpoint, (int)os_errno, detail, err);
    }
    curl_socket_t sock = CURL_SOCKET_BAD;
    if (c->api.easy_getinfo(c->curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK || sock == CURL_SOCKET_BAD) {
        hoist_raw_conn_free(c);
        return hoist_error_set(err, HOIST_EENV, "libcurl gave no socket for the connection to %s",
                               t->endpoint.host);
    }
    c->fd = (int)sock;
    *out = c;
    return 0;
}
