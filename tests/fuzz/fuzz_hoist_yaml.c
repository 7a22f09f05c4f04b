/*
 * fuzz_hoist_yaml.c - libFuzzer target for .hoist.yaml, through the public
 * entry point hoist_lint_config_parse (lib/lint/config.c), whatever YAML
 * reader sits behind it.
 *
 * Any text must give a configuration or fail with HOIST_EINPUT and a
 * message; a configuration read must be usable by the linter (one
 * Dockerfile is checked with it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoist/dockerfile.h"
#include "hoist/lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An unexpected error: say what it was, then abort for libFuzzer. */
static void report(const hoist_error *err)
{
    fprintf(stderr, "unexpected error: code %d, %s:%d: %s\n", err->code, err->file, err->line, err->message);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 32768)
        return 0;
    hoist_lint_config *cfg = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_lint_config_parse((const char *)data, size, ".hoist.yaml", &cfg, &err) != 0) {
        if (err.code != HOIST_EINPUT || !err.message[0])
            report(&err);
        return 0;
    }
    (void)hoist_lint_config_threshold(cfg);
    static const char dockerfile[] = "FROM busybox:latest\nLABEL version=1 maintainer=x\n"
                                     "RUN apt-get install curl\nUSER root\nCOPY . /src\n";
    hoist_dockerfile *df = NULL;
    if (hoist_dockerfile_parse(dockerfile, sizeof(dockerfile) - 1, NULL, &df, &err) != 0)
        report(&err);
    hoist_lint_options lo = HOIST_LINT_OPTIONS_INIT;
    lo.flags = HOIST_LINT_NO_SHELLCHECK;
    lo.config = cfg;
    hoist_lint_result *res = NULL;
    if (hoist_lint_run(df, &lo, &res, &err) != 0)
        report(&err);
    hoist_lint_result_free(res);
    hoist_dockerfile_free(df);
    hoist_lint_config_free(cfg);
    return 0;
}
