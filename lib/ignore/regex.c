/*
 * regex.c - Go's regexp for .dockerignore patterns, through hoist-re2.so
 * (RE2 behind re2_shim.cc), loaded on the first compile (re2_module.h).
 *
 * Each compiled expression holds a reference to the module (dlopen counts
 * them; the module itself stays loaded once loaded, dynlib.h), so nothing
 * process-wide is kept here.
 */
#include "ignore_internal.h"
#include "ignore/re2_module.h"

#include "common/dynlib.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct re2_api {
    hoist_re2_compile_fn *compile;
    hoist_re2_match_fn *match;
    hoist_re2_free_fn *free;
} re2_api;

struct ignore_go_regex {
    void *module;
    re2_api api;
    hoist_re2 *re;
};

int ignore_go_regex_compile(const char *s, size_t len, ignore_go_regex **out, char *errbuf, size_t errlen,
                            hoist_error *err)
{
    static const hoist_dynsym symbols[] = {
        {HOIST_RE2_COMPILE, offsetof(re2_api, compile)},
        {HOIST_RE2_MATCH, offsetof(re2_api, match)},
        {HOIST_RE2_FREE, offsetof(re2_api, free)},
    };
    *out = NULL;
    ignore_go_regex *g = calloc(1, sizeof(*g));
    if (!g) {
        snprintf(errbuf, errlen, "out of memory");
        return -1;
    }
    if (hoist_dynlib_load_module(HOIST_RE2_MODULE, symbols, sizeof(symbols) / sizeof(symbols[0]), &g->api,
                                 &g->module, err)) {
        free(g);
        return -2;
    }
    if (g->api.compile(s, len, &g->re, errbuf, errlen) < 0) {
        hoist_dynlib_unload(g->module);
        free(g);
        return -1;
    }
    *out = g;
    return 0;
}

bool ignore_go_regex_match(const ignore_go_regex *g, const char *s, size_t len)
{
    return g->api.match(g->re, s, len);
}

void ignore_go_regex_free(ignore_go_regex *g)
{
    if (!g)
        return;
    g->api.free(g->re);
    hoist_dynlib_unload(g->module);
    free(g);
}
