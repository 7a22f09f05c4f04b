/*
 * reg_http.h - HTTP to a registry from this machine (internal): the
 * distribution API (/v2/), token realms. libcurl through the dlopen'd
 * table of lib/engine/curl_api.h; proxies from the environment as libcurl
 * reads them (http_proxy, https_proxy, no_proxy): "from here" means what
 * this process sees, not what the daemon sees.
 */
#ifndef HOIST_REGISTRY_REG_HTTP_H
#define HOIST_REGISTRY_REG_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include "engine/curl_api.h"
#include "hoist/error.h"

typedef struct reg_http {
    hoist_curl_api api;
    CURL *curl;
    const char *ca_file;      /* extra trust (NULL: the system's, plus /etc/docker/certs.d/HOST/ca.crt) */
    long timeout_ms;
    bool insecure;            /* do not verify the peer (after a diagnosed trust failure) */
} reg_http;

typedef struct reg_response {
    long status;              /* 0 when no HTTP response came */
    int curl_code;            /* CURLE_OK when one did */
    char error[512];          /* curl's description when it failed */
    char www_authenticate[1024];
    char digest[160];         /* Docker-Content-Digest */
    char location[1024];
    char content_type[160];
    char *body;               /* the first 64 KiB, NUL-terminated (may hold a token: wiped on clear) */
    size_t body_len;
} reg_response;

int reg_http_open(reg_http *h, const char *ca_file, long timeout_ms, hoist_error *err);
void reg_http_close(reg_http *h);

/* One request; body_text may be NULL. Returns 0 when an HTTP response
 * arrived (any status), -1 otherwise (resp->curl_code and error say why). */
int reg_http_do(reg_http *h, const char *method, const char *url, const char *const *headers,
                const char *body_text, reg_response *resp);
void reg_response_clear(reg_response *resp);

/* True when curl_code is a TLS trust failure (unknown CA, bad name). */
bool reg_http_tls_untrusted(int curl_code);
/* True when the failure looks like TLS spoken to a plain-HTTP server. */
bool reg_http_plain_server(int curl_code, const char *error);

#endif
