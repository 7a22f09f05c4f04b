/*
 * cmd_context.c - `hoist context`. Placeholder until its issue lands: it reports
 * that the command is not available yet and exits with a usage error.
 */
#include "cli.h"

int cmd_context(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "hoist context: not available in this build yet\n");
    return HOIST_EUSAGE;
}
