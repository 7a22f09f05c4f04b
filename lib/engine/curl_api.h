/*
 * curl_api.h - the libcurl functions the transport uses, loaded on demand
 * (see common/dynlib.h for why). Each transport owns one table.
 */
#ifndef HOIST_ENGINE_CURL_API_H
#define HOIST_ENGINE_CURL_API_H

#include <curl/curl.h>
#include "hoist/error.h"

typedef struct hoist_curl_api {
    void *handle;
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *curl);
    void (*easy_reset)(CURL *curl);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *curl);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    char *(*easy_escape)(CURL *curl, const char *text, int length);
    void (*free)(void *p);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
    /* raw connections (raw_conn.c): CURLOPT_CONNECT_ONLY, then these */
    CURLcode (*easy_send)(CURL *curl, const void *buffer, size_t buflen, size_t *n);
    CURLcode (*easy_recv)(CURL *curl, void *buffer, size_t buflen, size_t *n);
} hoist_curl_api;

int hoist_curl_api_load(hoist_curl_api *api, hoist_error *err);
void hoist_curl_api_unload(hoist_curl_api *api);

#endif
