/*
 * dynlib.c - dlopen + dlsym into a table of function pointers.
 */
#include "common/dynlib.h"
#include "hoist_config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* dlopen the first of `names` that loads, then resolve `symbols`. On
 * failure *last_error is dlerror's text for the last name tried, or NULL
 * when a symbol was missing (then *missing names it). */
static void *open_and_resolve(const char *const *names, int flags, const hoist_dynsym *symbols,
                              size_t count, void *table, const char **last_error, const char **missing)
{
    void *lib = NULL;
    *last_error = "no library name";
    *missing = NULL;
    for (const char *const *name = names; *name && !lib; name++) {
        lib = dlopen(*name, RTLD_NOW | RTLD_LOCAL | flags);
        if (!lib)
            *last_error = dlerror();
    }
    if (!lib)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        void *address = dlsym(lib, symbols[i].name);
        if (!address) {
            *last_error = NULL;
            *missing = symbols[i].name;
            dlclose(lib);
            return NULL;
        }
        /* POSIX guarantees that a function's address survives this copy. */
        memcpy((char *)table + symbols[i].offset, &address, sizeof(address));
    }
    return lib;
}

int hoist_dynlib_load(const char *const *sonames, const char *package, const hoist_dynsym *symbols,
                      size_t count, void *table, void **handle, hoist_error *err)
{
    const char *last_error, *missing;
    *handle = open_and_resolve(sonames, 0, symbols, count, table, &last_error, &missing);
    if (*handle)
        return 0;
    if (missing) {
        hoist_error_set(err, HOIST_EENV, "%s lacks %s: the installed library is too old", sonames[0],
                        missing);
        return hoist_error_hint(err, "upgrade the %s package", package);
    }
    hoist_error_set(err, HOIST_EENV, "cannot load %s: %s", sonames[0], last_error);
    return hoist_error_hint(err, "install the %s package", package);
}

int hoist_dynlib_load_module(const char *file, const hoist_dynsym *symbols, size_t count, void *table,
                             void **handle, hoist_error *err)
{
    char installed[4096];
    int n = snprintf(installed, sizeof(installed), "%s/%s", HOIST_MODULEDIR, file);
    if (n < 0 || (size_t)n >= sizeof(installed))
        return hoist_error_set(err, HOIST_EENV, "module path too long: %s/%s", HOIST_MODULEDIR, file);
    const char *names[] = {file, installed, NULL};
    const char *last_error, *missing;
    *handle = open_and_resolve(names, RTLD_NODELETE, symbols, count, table, &last_error, &missing);
    if (*handle)
        return 0;
    if (missing)
        hoist_error_set(err, HOIST_EENV, "hoist module %s lacks %s: it belongs to another version of hoist",
                        file, missing);
    else
        hoist_error_set(err, HOIST_EENV, "cannot load hoist module %s: %s", file, last_error);
    return hoist_error_hint(err, "reinstall hoist (it installs the module as %s)", installed);
}

void hoist_dynlib_unload(void *handle)
{
    if (handle)
        dlclose(handle);
}
