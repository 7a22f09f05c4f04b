/*
 * cli_common.c - error reporting and terminal helpers shared by commands.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_report(const char *command, const hoist_error *err)
{
    bool color = cli_use_color(stderr);
    const char *red = color ? "\033[1;31m" : "";
    const char *dim = color ? "\033[2m" : "";
    const char *reset = color ? "\033[0m" : "";

    fprintf(stderr, "%shoist %s: error:%s ", red, command, reset);
    if (err->file[0]) {
        fprintf(stderr, "%s", err->file);
        if (err->line > 0) {
            fprintf(stderr, ":%d", err->line);
            if (err->column > 0)
                fprintf(stderr, ":%d", err->column);
        }
        fprintf(stderr, ": ");
    }
    fprintf(stderr, "%s\n", err->message[0] ? err->message : "unknown error");
    if (err->hint[0])
        fprintf(stderr, "%shint:%s %s\n", dim, reset, err->hint);
    return err->code ? err->code : HOIST_EFAILED;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "hoist %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'hoist %s --help'.\n", command);
    return HOIST_EUSAGE;
}

bool cli_use_color(FILE *stream)
{
    const char *no_color = getenv("NO_COLOR");
    if (no_color && no_color[0])
        return false;
    const char *term = getenv("TERM");
    if (term && !strcmp(term, "dumb"))
        return false;
    return isatty(fileno(stream));
}

void cli_registry_auth_from_env(hoist_registry_auth_options *auth)
{
    auth->docker_config = getenv("DOCKER_CONFIG");
    auth->home = getenv("HOME");
    auth->path_env = getenv("PATH");
    const char *timeout = getenv("HOIST_CREDENTIAL_TIMEOUT");
    if (timeout)
        auth->helper_timeout_ms = atoi(timeout) * 1000;
}
