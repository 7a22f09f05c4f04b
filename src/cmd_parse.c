/*
 * cmd_parse.c - `hoist parse`. Placeholder until its issue lands: it reports
 * that the command is not available yet and exits with a usage error.
 */
#include "cli.h"

int cmd_parse(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "hoist parse: not available in this build yet\n");
    return HOIST_EUSAGE;
}
