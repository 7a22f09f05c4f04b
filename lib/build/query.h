/*
 * query.h - the /build query string from build options (internal).
 */
#ifndef HOIST_BUILD_QUERY_H
#define HOIST_BUILD_QUERY_H

#include "hoist/build.h"
#include "hoist/client.h"

/* Build "/build?..." for `opts`, naming `dockerfile_in_tar` as the
 * Dockerfile. Options the negotiated `api_version` does not support fail
 * with HOIST_EENV naming the option and both versions; malformed values
 * (a --label without '=') fail with HOIST_EUSAGE. *out is malloc'd. */
int hoist_build_query(hoist_client *client, const hoist_build_options *opts, const char *dockerfile_in_tar,
                      const char *api_version, char **out, hoist_error *err);

#endif
