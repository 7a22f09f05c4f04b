/*
 * curl_api.c - resolve the libcurl functions hoist uses.
 */
#include "engine/curl_api.h"
#include "common/dynlib.h"

#include <stddef.h>
#include <string.h>

#define SYM(field, name) {name, offsetof(hoist_curl_api, field)}

int hoist_curl_api_load(hoist_curl_api *api, hoist_error *err)
{
    static const hoist_dynsym symbols[] = {
        SYM(easy_init, "curl_easy_init"),
        SYM(easy_cleanup, "curl_easy_cleanup"),
        SYM(easy_reset, "curl_easy_reset"),
        SYM(easy_setopt, "curl_easy_setopt"),
        SYM(easy_perform, "curl_easy_perform"),
        SYM(easy_getinfo, "curl_easy_getinfo"),
        SYM(easy_strerror, "curl_easy_strerror"),
        SYM(easy_escape, "curl_easy_escape"),
        SYM(free, "curl_free"),
        SYM(slist_append, "curl_slist_append"),
        SYM(slist_free_all, "curl_slist_free_all"),
        SYM(easy_send, "curl_easy_send"),
        SYM(easy_recv, "curl_easy_recv"),
    };
    static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4", NULL};
    memset(api, 0, sizeof(*api));
    return hoist_dynlib_load(sonames, "libcurl4", symbols, sizeof(symbols) / sizeof(symbols[0]), api,
                             &api->handle, err);
}

void hoist_curl_api_unload(hoist_curl_api *api)
{
    hoist_dynlib_unload(api->handle);
    memset(api, 0, sizeof(*api));
}
