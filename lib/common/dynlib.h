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

void hoist_dynlib_unload(void *handle);

#endif
