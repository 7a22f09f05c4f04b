/*
 * yaml.h - a YAML subset reader for hoist's config files (see yaml.c).
 */
#ifndef HOIST_LINT_YAML_H
#define HOIST_LINT_YAML_H

#include <jansson.h>
#include <stddef.h>

#include "hoist/error.h"

/* Parse `len` bytes into a jansson value (an object for a normal config).
 * Errors are HOIST_EINPUT with file and line. */
int lint_yaml_parse(const char *text, size_t len, const char *file, json_t **out,
                     hoist_error *err);

#endif
