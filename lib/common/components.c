/*
 * components.c - what libhoist is made of: its own version, the libraries
 * it uses (with the version each was built against and the one running),
 * and the capabilities compiled in. `hoist version` prints it.
 *
 * jansson, nghttp2 and protobuf-c are linked: their running versions come
 * from their own version functions. libcurl, libarchive and libyaml are
 * loaded with dlopen when a client, a tar writer or a YAML parse needs
 * them, and RE2 with the module hoist-re2.so on the first .dockerignore
 * wildcard (dynlib.h). Asking must not load forty libraries into a process that did
 * not need them, so by default a lazy library is looked up with
 * RTLD_NOLOAD (is it already in the process?) and reported "not loaded";
 * HOIST_COMPONENTS_LOAD loads it for the question and unloads it after.
 * No state is kept: the caller's array is filled.
 */
#include "hoist/version.h"
#include "hoist_config.h"

#include <archive.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>
#include <jansson.h>
#include <nghttp2/nghttp2.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <protobuf-c/protobuf-c.h>
#include <yaml.h>

#include "common/dynlib.h"
#include "ignore/re2_module.h"
#include <stdio.h>
#include <string.h>

static void set(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static hoist_component *add(hoist_component *out, size_t max, size_t *n, const char *name,
                            const char *built_with, bool lazy)
{
    hoist_component *c = *n < max ? &out[*n] : NULL;
    (*n)++;
    if (!c)
        return NULL;
    memset(c, 0, sizeof(*c));
    set(c->name, sizeof(c->name), name);
    set(c->built_with, sizeof(c->built_with), built_with);
    c->lazy = lazy;
    c->loaded = !lazy;
    return c;
}

/* A lazily loaded library: find it in the process (or load it when
 * `load`), then ask it its version through `fn`. */
static void probe_lazy(hoist_component *c, const char *const *sonames, bool load,
                       void (*fn)(void *handle, hoist_component *c))
{
    if (!c)
        return;
    for (size_t i = 0; sonames[i]; i++) {
        void *h = dlopen(sonames[i], RTLD_LAZY | RTLD_NOLOAD);
        bool was_loaded = h != NULL;
        if (!h && load)
            h = dlopen(sonames[i], RTLD_LAZY | RTLD_LOCAL);
        if (!h)
            continue;
        set(c->soname, sizeof(c->soname), sonames[i]);
        c->loaded = was_loaded;
        fn(h, c);
        dlclose(h);
        return;
    }
    if (load)
        set(c->note, sizeof(c->note), "cannot be loaded (not installed?)");
    else
        set(c->note, sizeof(c->note), "not loaded (loaded on demand)");
}

static void curl_version_of(void *h, hoist_component *c)
{
    curl_version_info_data *(*info)(CURLversion) =
        (curl_version_info_data * (*)(CURLversion)) dlsym(h, "curl_version_info");
    curl_version_info_data *d = info ? info(CURLVERSION_NOW) : NULL;
    if (d) {
        set(c->version, sizeof(c->version), d->version);
        snprintf(c->note, sizeof(c->note), "%s%s%s", d->ssl_version ? d->ssl_version : "",
                 d->libz_version ? ", zlib " : "", d->libz_version ? d->libz_version : "");
    }
}

static void yaml_version_of(void *h, hoist_component *c)
{
    const char *(*v)(void) = (const char *(*)(void))dlsym(h, "yaml_get_version_string");
    set(c->version, sizeof(c->version), v ? v() : NULL);
}

/* libre2 has no version function: the version is the one in the name of
 * the file the module's libre2.so.N resolves to. When re2.pc gave no
 * version (Debian's says 0.0.0), the running one stands in for it. */
static void re2_version_of(void *h, hoist_component *c)
{
    struct link_map *lm = NULL;
    if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0) {
        while (lm && lm->l_prev)
            lm = lm->l_prev;
        for (; lm; lm = lm->l_next) {
            const char *base = strrchr(lm->l_name, '/');
            base = base ? base + 1 : lm->l_name;
            char real[4096];
            if (strncmp(base, "libre2.so.", 10) || !realpath(lm->l_name, real))
                continue;
            const char *v = strstr(strrchr(real, '/'), ".so.");
            set(c->version, sizeof(c->version), v ? v + 4 : NULL);
            break;
        }
    }
    if (!strcmp(c->built_with, "unknown"))
        set(c->built_with, sizeof(c->built_with), c->version);
}

/* RE2 comes with hoist's module, which is found as regex.c finds it. */
static void probe_re2(hoist_component *c, bool load)
{
    if (!c)
        return;
    void *h = dlopen(HOIST_RE2_MODULE, RTLD_LAZY | RTLD_NOLOAD);
    c->loaded = h != NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (!h && load && hoist_dynlib_load_module(HOIST_RE2_MODULE, NULL, 0, NULL, &h, &err) != 0) {
        set(c->note, sizeof(c->note), err.message);
        return;
    }
    if (!h) {
        set(c->note, sizeof(c->note), "not loaded (loaded on demand)");
        return;
    }
    set(c->soname, sizeof(c->soname), HOIST_RE2_MODULE);
    re2_version_of(h, c);
    dlclose(h);
}

static void archive_version_of(void *h, hoist_component *c)
{
    const char *(*v)(void) = (const char *(*)(void))dlsym(h, "archive_version_string");
    const char *s = v ? v() : NULL;
    if (s && !strncmp(s, "libarchive ", 11))
        s += 11;
    set(c->version, sizeof(c->version), s);
}

size_t hoist_components(hoist_component *out, size_t max, unsigned int flags)
{
    size_t n = 0;
    bool load = flags & HOIST_COMPONENTS_LOAD;
    hoist_component *c;

    if ((c = add(out, max, &n, "libhoist", HOIST_VERSION, false)))
        set(c->version, sizeof(c->version), hoist_version_string());
#if JANSSON_VERSION_HEX >= 0x020d00
    if ((c = add(out, max, &n, "jansson", JANSSON_VERSION, false)))
        set(c->version, sizeof(c->version), jansson_version_str());
#else
    if ((c = add(out, max, &n, "jansson", JANSSON_VERSION, false)))
        set(c->version, sizeof(c->version), JANSSON_VERSION);
#endif
    if ((c = add(out, max, &n, "openssl", OPENSSL_VERSION_STR, false)))
        set(c->version, sizeof(c->version), OpenSSL_version(OPENSSL_VERSION_STRING));
    if ((c = add(out, max, &n, "nghttp2", NGHTTP2_VERSION, false)))
        set(c->version, sizeof(c->version), nghttp2_version(0)->version_str);
    if ((c = add(out, max, &n, "protobuf-c", PROTOBUF_C_VERSION, false)))
        set(c->version, sizeof(c->version), protobuf_c_version());

    static const char *const curl_sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4", NULL};
    probe_lazy(add(out, max, &n, "libcurl", LIBCURL_VERSION, true), curl_sonames, load,
               curl_version_of);
    static const char *const archive_sonames[] = {"libarchive.so.13", NULL};
    probe_lazy(add(out, max, &n, "libarchive", ARCHIVE_VERSION_ONLY_STRING, true), archive_sonames,
               load, archive_version_of);
    static const char *const yaml_sonames[] = {"libyaml-0.so.2", NULL};
    probe_lazy(add(out, max, &n, "libyaml", HOIST_YAML_BUILT_WITH, true), yaml_sonames, load,
               yaml_version_of);
    probe_re2(add(out, max, &n, "re2", HOIST_RE2_BUILT_WITH, true), load);
    return n;
}

/* What this build of libhoist can do, as stable lower-case words. */
static const char *const capabilities[] = {
    "engine-api",        /* builds through the Engine API (classic builder) */
    "docker-cli",        /* builds through the docker CLI (BuildKit) */
    "buildkit-session",  /* BuildKit session over HTTP/2 (nghttp2, protobuf-c) */
    "endpoint-unix",
    "endpoint-tcp-tls",
    "endpoint-ssh",
    "registry",          /* push, pin, credential helpers */
    "lint",              /* DL, BuildKit, HS rules; ShellCheck when installed */
    "init",              /* Dockerfile generation */
    "lazy-libcurl",
    "lazy-libarchive",
    "lazy-libyaml",
    "lazy-re2",          /* RE2 in the module hoist-re2.so */
    "request-log",       /* hoist_client_options.log */
};

size_t hoist_capability_count(void)
{
    return sizeof(capabilities) / sizeof(capabilities[0]);
}

const char *hoist_capability_at(size_t index)
{
    return index < hoist_capability_count() ? capabilities[index] : NULL;
}
