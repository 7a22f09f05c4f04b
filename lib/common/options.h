/*
 * options.h - the one check every entry point makes on its options struct
 * (internal).
 *
 * Every public options struct starts with `unsigned int version`, set by
 * its HOIST_X_OPTIONS_INIT macro or hoist_x_options_init(). An entry point
 * checks it first, so a caller built against other headers gets a clear
 * HOIST_EUSAGE instead of reading fields that are not there.
 */
#ifndef HOIST_COMMON_OPTIONS_H
#define HOIST_COMMON_OPTIONS_H

#include "hoist/error.h"

/* 0 when opts is non-NULL and opts_version == want; otherwise HOIST_EUSAGE
 * "<fn>: options version mismatch" (or "<fn>: options are NULL") with a
 * hint naming the initialiser `init_name`. */
int hoist_options_check(const void *opts, unsigned int opts_version, unsigned int want, const char *fn,
                        const char *init_name, hoist_error *err);

/* hoist_options_check() for a struct whose first field is `version`. */
#define HOIST_OPTIONS_CHECK(opts, WANT, fn, init_name, err) \
    hoist_options_check((opts), (opts) ? (opts)->version : 0u, (WANT), (fn), (init_name), (err))

/* The same for options that may be NULL (meaning "defaults"). */
#define HOIST_OPTIONS_CHECK_OPT(opts, WANT, fn, init_name, err) \
    ((opts) ? HOIST_OPTIONS_CHECK(opts, WANT, fn, init_name, err) : 0)

#endif
