/*
 * dynlib.c - dlopen + dlsym into a table of function pointers.
 */
#include "common/dynlib.h"
#include "hoist_config.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Resolve `symbols` of `lib` into `table`; NULL, or the first name missing. */
static const char *resolve(void *lib, const hoist_dynsym *symbols, size_t count, void *table)
{
    for (size_t i = 0; i < count; i++) {
        void *address = dlsym(lib, symbols[i].name);
        if (!address)
            return symbols[i].name;
        /* POSIX guarantees that a function's address survives this copy. */
        memcpy((char *)table + symbols[i].offset, &address, sizeof(address));
    }
    return NULL;
}

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
    const char *missing = resolve(lib, symbols, count, table);
    if (missing) {
        hoist_error_set(err, HOIST_EENV, "%s lacks %s: the installed library is too old", sonames[0], missing);
        dlclose(lib);
        return hoist_error_hint(err, "upgrade the %s package", package);
    }
    *handle = lib;
    return 0;
}

/* dlopen `file` from the directories the object holding this code (the
 * hoist program, a program linking libhoist.a, or libhoist.so) searches:
 * LD_LIBRARY_PATH, its RUNPATH, the system directories. dlopen of a bare
 * name would search its caller's, and a sanitizer's dlopen interceptor
 * makes its own runtime library the caller. NULL when absent. */
static void *open_on_search_path(const char *file, int flags)
{
    Dl_info info;
    if (!dladdr((void *)open_on_search_path, &info) || !info.dli_fname)
        return NULL;
    void *self = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
    if (!self)
        self = dlopen(NULL, RTLD_LAZY); /* the code is in the main program */
    if (!self)
        return NULL;
    void *lib = NULL;
    Dl_serinfo size;
    Dl_serinfo *paths = NULL;
    if (dlinfo(self, RTLD_DI_SERINFOSIZE, &size) == 0 && (paths = malloc(size.dls_size))) {
        *paths = size;
        if (dlinfo(self, RTLD_DI_SERINFOSIZE, paths) == 0 && dlinfo(self, RTLD_DI_SERINFO, paths) == 0) {
            for (unsigned int i = 0; i < paths->dls_cnt && !lib; i++) {
                char path[4096];
                int n = snprintf(path, sizeof(path), "%s/%s", paths->dls_serpath[i].dls_name, file);
                if (n > 0 && (size_t)n < sizeof(path))
                    lib = dlopen(path, RTLD_NOW | RTLD_LOCAL | flags);
            }
        }
    }
    free(paths);
    dlclose(self);
    return lib;
}

int hoist_dynlib_load_module(const char *file, const hoist_dynsym *symbols, size_t count, void *table,
                             void **handle, hoist_error *err)
{
    *handle = NULL;
    char installed[4096];
    int n = snprintf(installed, sizeof(installed), "%s/%s", HOIST_MODULEDIR, file);
    if (n < 0 || (size_t)n >= sizeof(installed))
        return hoist_error_set(err, HOIST_EENV, "module path too long: %s/%s", HOIST_MODULEDIR, file);
    const int flags = RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE;
    /* Loaded already: found by its soname (its file name), no search. Else
     * on the search path (an uninstalled build: the build directory,
     * through its RUNPATH), else in the installed directory. */
    void *lib = dlopen(file, flags | RTLD_NOLOAD);
    if (!lib)
        lib = open_on_search_path(file, RTLD_NODELETE);
    if (!lib && !(lib = dlopen(installed, flags))) {
        hoist_error_set(err, HOIST_EENV, "cannot load hoist module %s: %s", file, dlerror());
        return hoist_error_hint(err, "reinstall hoist (it installs the module as %s)", installed);
    }
    const char *missing = resolve(lib, symbols, count, table);
    if (missing) {
        dlclose(lib);
        hoist_error_set(err, HOIST_EENV, "hoist module %s lacks %s: it belongs to another version of hoist",
                        file, missing);
        return hoist_error_hint(err, "reinstall hoist (it installs the module as %s)", installed);
    }
    *handle = lib;
    return 0;
}

void hoist_dynlib_unload(void *handle)
{
    if (handle)
        dlclose(handle);
}
