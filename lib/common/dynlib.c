/*
 * dynlib.c - dlopen + dlsym into a table of function pointers.
 */
#include "common/dynlib.h"

#include <dlfcn.h>
#include <string.h>

int hoist_dynlib_load(const char *const *sonames, const char *package, const hoist_dynsym *symbols,
                      size_t count, void *table, void **handle, hoist_error *err)
{
    *handle = NULL;
    void *lib = NULL;
    const char *last_error = "no library name";
    for (const char *const *name = sonames; *name && !lib; name++) {
        lib = dlopen(*name, RTLD_NOW | RTLD_LOCAL);
        if (!lib)
            last_error = dlerror();
    }
    if (!lib) {
        hoist_error_set(err, HOIST_EENV, "cannot load %s: %s", sonames[0], last_error);
        return hoist_error_hint(err, "install the %s package", package);
    }
    for (size_t i = 0; i < count; i++) {
        void *address = dlsym(lib, symbols[i].name);
        if (!address) {
            hoist_error_set(err, HOIST_EENV, "%s lacks %s: the installed library is too old", sonames[0],
                            symbols[i].name);
            dlclose(lib);
            return hoist_error_hint(err, "upgrade the %s package", package);
        }
        /* POSIX guarantees that a function's address survives this copy. */
        memcpy((char *)table + symbols[i].offset, &address, sizeof(address));
    }
    *handle = lib;
    return 0;
}

void hoist_dynlib_unload(void *handle)
{
    if (handle)
        dlclose(handle);
}
