/*
 * lint_harness.h - helpers for the lint unit tests: lint a Dockerfile given
 * as text, with an optional YAML config and an optional build context made
 * of "path" / "path=content" / "dir/" entries in a fresh temporary
 * directory, and ask whether a rule was reported.
 */
#ifndef LINT_HARNESS_H
#define LINT_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "hoist/lint.h"

typedef struct lint_case {
    const char *rule;
    bool expect;
    const char *dockerfile;
    const char *config;          /* YAML or NULL */
    const char *const *files;    /* NULL-terminated or NULL: no context */
    bool ast_only;               /* parse with HOIST_DF_PARSE_AST_ONLY */
    const hoist_lint_engine *engine;
    uint64_t size_limit;
    bool as_text;                /* lint the text as is with hoist_lint_text
                                    (no FROM added, parse errors are DL1000) */
} lint_case;

/* Lint; the result (never NULL) must be freed. Fails the test on errors. */
hoist_lint_result *lint_text(const lint_case *c);
bool lint_has(const hoist_lint_result *r, const char *code);
/* Remove a directory tree made by the harness. */
void lint_rmrf(const char *dir);

#endif
