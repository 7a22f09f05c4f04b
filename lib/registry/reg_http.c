/*
 * reg_http.c - one libcurl easy handle for a series of registry requests
 * (connections are reused), headers captured for the registry protocol,
 * bodies bounded and wiped. Redirects are followed (blob and token
 * endpoints often redirect); the Authorization header is not sent to
 * another host (libcurl's default).
 */
#include "registry/reg_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define BODY_MAX (64 * 1024)

int reg_http_open(reg_http *h, const char *ca_file, long timeout_ms, hoist_error *err)
{
    memset(h, 0, sizeof(*h));
    int rc = hoist_curl_api_load(&h->api, err);
    if (rc)
        return rc;
    h->curl = h->api.easy_init();
    if (!h->curl) {
        hoist_curl_api_unload(&h->api);
        return hoist_error_set(err, HOIST_EFAILED, "curl_easy_init failed");
    }
    h->ca_file = ca_file;
    h->timeout_ms = timeout_ms > 0 ? timeout_ms : 15000;
    return 0;
}

void reg_http_close(reg_http *h)
{
    if (h->curl)
        h->api.easy_cleanup(h->curl);
    if (h->api.handle)
        hoist_curl_api_unload(&h->api);
    memset(h, 0, sizeof(*h));
}

void reg_response_clear(reg_response *resp)
{
    if (resp->body) {
        explicit_bzero(resp->body, resp->body_len);
        free(resp->body);
    }
    memset(resp, 0, sizeof(*resp));
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    reg_response *r = user;
    size_t len = size * n;
    if (!r->body) {
        r->body = calloc(1, BODY_MAX + 1);
        if (!r->body)
            return 0;
    }
    size_t keep = BODY_MAX - r->body_len;
    if (keep > len)
        keep = len;
    memcpy(r->body + r->body_len, data, keep);
    r->body_len += keep;
    r->body[r->body_len] = '\0';
    return len;
}

static void copy_value(const char *line, size_t len, size_t name_len, char *out, size_t size)
{
    const char *v = line + name_len;
    size_t n = len - name_len;
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
        n--;
    snprintf(out, size, "%.*s", (int)n, v);
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    reg_response *r = user;
    size_t len = size * n;
    static const struct { const char *name; size_t off; size_t size; } fields[] = {
        {"www-authenticate:", offsetof(reg_response, www_authenticate), sizeof(((reg_response *)0)->www_authenticate)},
        {"docker-content-digest:", offsetof(reg_response, digest), sizeof(((reg_response *)0)->digest)},
        {"location:", offsetof(reg_response, location), sizeof(((reg_response *)0)->location)},
        {"content-type:", offsetof(reg_response, content_type), sizeof(((reg_response *)0)->content_type)},
    };
    /* a new response (redirect, 100 Continue): forget the previous one's */
    if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
        r->www_authenticate[0] = r->digest[0] = r->location[0] = r->content_type[0] = '\0';
        return len;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        size_t nl = strlen(fields[i].name);
        if (len > nl && !strncasecmp(data, fields[i].name, nl))
            copy_value(data, len, nl, (char *)r + fields[i].off, fields[i].size);
    }
    return len;
}

int reg_http_do(reg_http *h, const char *method, const char *url, const char *const *headers,
                const char *body_text, reg_response *resp)
{
    memset(resp, 0, sizeof(*resp));
    hoist_curl_api *a = &h->api;
    CURL *c = h->curl;
    a->easy_reset(c);
    char errbuf[CURL_ERROR_SIZE] = "";
    a->easy_setopt(c, CURLOPT_URL, url);
    a->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    a->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    a->easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
    a->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms < 10000 ? h->timeout_ms : 10000L);
    a->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    a->easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    a->easy_setopt(c, CURLOPT_USERAGENT, "hoist (docker-registry-client)");
    a->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    a->easy_setopt(c, CURLOPT_WRITEDATA, resp);
    a->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    a->easy_setopt(c, CURLOPT_HEADERDATA, resp);
    if (h->ca_file && *h->ca_file)
        a->easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
    if (h->insecure) {
        a->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        a->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!strcmp(method, "HEAD"))
        a->easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "GET"))
        a->easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body_text) {
        a->easy_setopt(c, CURLOPT_POSTFIELDS, body_text);
        a->easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body_text));
    } else if (!strcmp(method, "POST") || !strcmp(method, "PUT")) {
        a->easy_setopt(c, CURLOPT_POSTFIELDS, "");
        a->easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    }
    struct curl_slist *list = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        list = a->slist_append(list, headers[i]);
    if (list)
        a->easy_setopt(c, CURLOPT_HTTPHEADER, list);
    CURLcode cc = a->easy_perform(c);
    if (list) {
        /* the list holds Authorization values: wipe before freeing */
        for (struct curl_slist *l = list; l; l = l->next)
            explicit_bzero(l->data, strlen(l->data));
        a->slist_free_all(list);
    }
    a->easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    a->easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    resp->curl_code = (int)cc;
    if (cc != CURLE_OK) {
        snprintf(resp->error, sizeof(resp->error), "%s", errbuf[0] ? errbuf : a->easy_strerror(cc));
        return -1;
    }
    a->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    return 0;
}

bool reg_http_tls_untrusted(int curl_code)
{
    return curl_code == CURLE_PEER_FAILED_VERIFICATION;
}

bool reg_http_plain_server(int curl_code, const char *error)
{
    return curl_code == CURLE_SSL_CONNECT_ERROR &&
           (strstr(error, "wrong version number") || strstr(error, "packet length too long") ||
            strstr(error, "unexpected eof") || strstr(error, "record layer failure") || strstr(error, "http request"));
}
