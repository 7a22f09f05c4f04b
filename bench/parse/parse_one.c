/*
 * parse_one.c - what `hoist parse --compact FILE` does (parse with the
 * instruction checks, write the JSON to stdout), in a binary that links
 * only what parsing needs (libhoist.a's Dockerfile objects and jansson).
 * bench/parse/run.sh uses it to separate the parser's per-process cost from
 * the hoist CLI's start-up, which loads libcurl, gnutls, krb5 and friends
 * for the engine commands.
 */
#include <stdio.h>

#include "hoist/dockerfile.h"

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_dockerfile_parse_file(&df, argv[1], NULL, &err) != 0) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        return err.code;
    }
    int rc = hoist_dockerfile_write_json(df, stdout, false, &err);
    hoist_dockerfile_free(df);
    return rc;
}
