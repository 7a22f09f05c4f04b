/*
 * dynlib.h - load a shared library on first use (internal).
 *
 * libcurl and libarchive drag in some forty shared libraries (TLS, Kerberos,
 * LDAP, compressors, XML). Linking them into every hoist process made each
 * start cost ~5 ms even for commands that never touch the network or write
 * a tar (parse, check). The objects that need them (the HTTP transport, the
 * tar writer) load them with dlopen when they are created and keep the
 * function table in themselves: no process-wide state, and dlopen's own
 * reference counting makes the second load free.
 *
 * hoist's own C++ code (RE2's shim, lib/ignore/re2_module.h) is a shared
 * module loaded the same way, for the same reason: libre2 and libstdc++
 * cost about 1 ms at every start.
 */
#ifndef HOIST_DYNLIB_H
#define HOIST_DYNLIB_H

#include <stddef.h>
#include "hoist/error.h"

typedef struct hoist_dynsym {
    const char *name;  /* symbol to resolve */
    size_t offset;     /* where its address goes in the table */
} hoist_dynsym;

/* dlopen the first of `sonames` (NULL-terminated) that loads, then resolve
 * every symbol into `table`. On failure nothing stays loaded and err says
 * which library or symbol was missing and which package provides it. */
int hoist_dynlib_load(const char *const *sonames, const char *package, const hoist_dynsym *symbols,
                      size_t count, void *table, void **handle, hoist_error *err);

/* Load one of hoist's own modules, `file` (e.g. "hoist-re2.so"): the copy
 * already loaded (the module's soname is its file name); else from the
 * search path of the program or library holding libhoist's code, which
 * finds the module of an uninstalled build through the RUNPATH that build
 * gives hoist, libhoist.so and the tests (Meson's build_rpath, removed at
 * install), or LD_LIBRARY_PATH; else from the installed module directory,
 * HOIST_MODULEDIR ($libdir/hoist/1). The module stays loaded until the
 * process ends (RTLD_NODELETE), so that objects made and freed in turn do
 * not load and relocate it each time. */
int hoist_dynlib_load_module(const char *file, const hoist_dynsym *symbols, size_t count, void *table,
                             void **handle, hoist_error *err);

void hoist_dynlib_unload(void *handle);

#endif
