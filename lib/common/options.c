/*
 * options.c - the options version check shared by every entry point.
 */
#include "common/options.h"

int hoist_options_check(const void *opts, unsigned int opts_version, unsigned int want, const char *fn,
                        const char *init_name, hoist_error *err)
{
    if (!opts) {
        hoist_error_set(err, HOIST_EUSAGE, "%s: options are NULL", fn);
        hoist_error_hint(err, "pass options initialised with %s", init_name);
        return HOIST_EUSAGE;
    }
    if (opts_version == want)
        return 0;
    hoist_error_set(err, HOIST_EUSAGE, "%s: options version mismatch (got %u, this library knows %u)", fn,
                    opts_version, want);
    hoist_error_hint(err, "initialise the options with %s and rebuild against this hoist", init_name);
    return HOIST_EUSAGE;
}
