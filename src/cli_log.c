/*
 * cli_log.c - the CLI's request log: -v / HOIST_LOG=debug.
 *
 * Installs libhoist's request log callback (hoist_client_options.log) on
 * the clients the commands make, and prints each record to stderr:
 *   hoist: -> POST /v1.47/build?t=app&buildargs=<redacted>
 *   hoist: ->    X-Registry-Config: <redacted>
 *   hoist: <- {"stream":"Step 1/2 : FROM busybox"}
 *   hoist: <- 200 POST /v1.47/build (1.532 s)
 * The library redacts credentials before the callback sees them; nothing
 * here can print one. The log is off unless HOIST_LOG is debug (or trace).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void log_record(const hoist_log_record *r, void *user)
{
    (void)user;
    switch (r->event) {
    case HOIST_LOG_REQUEST:
        fprintf(stderr, "hoist: -> %s %s\n", r->method, r->path);
        for (const char *const *h = r->headers; h && *h; h++)
            fprintf(stderr, "hoist: ->    %s\n", *h);
        break;
    case HOIST_LOG_RESPONSE:
        if (r->status)
            fprintf(stderr, "hoist: <- %ld %s %s (%.3f s)\n", r->status, r->method, r->path, r->seconds);
        else
            fprintf(stderr, "hoist: <- no reply to %s %s (%.3f s)\n", r->method, r->path, r->seconds);
        break;
    case HOIST_LOG_STREAM_LINE:
        fprintf(stderr, "hoist: <- %.*s\n", (int)r->line_len, r->line);
        break;
    }
}

bool cli_log_enabled(void)
{
    const char *v = getenv("HOIST_LOG");
    return v && (!strcasecmp(v, "debug") || !strcasecmp(v, "trace"));
}

hoist_log_fn cli_log_callback(void)
{
    return cli_log_enabled() ? log_record : NULL;
}

void cli_log_install(hoist_client_options *opts)
{
    opts->log = cli_log_callback();
    opts->log_user = NULL;
}
