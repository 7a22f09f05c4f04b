/*
 * yaml.h - read a YAML config file (.hoist.yaml) into jansson values, with
 * the position of every key and value for error messages (see yaml.c).
 */
#ifndef HOIST_LINT_YAML_H
#define HOIST_LINT_YAML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "hoist/error.h"

/* Where a value (or a map key) was written. */
typedef struct lint_yaml_mark {
    const json_t *node;    /* the value */
    const json_t *parent;  /* the map or list it is in; NULL for the root */
    char *key;             /* its key when parent is a map */
    int line, column;      /* 1-based: of the key when there is one, else of the value */
    int value_line, value_column;
} lint_yaml_mark;

typedef struct lint_yaml {
    json_t *root;          /* NULL for an empty file */
    lint_yaml_mark *marks;
    size_t mark_count, mark_cap;
} lint_yaml;

/* Parse `len` bytes. Errors are HOIST_EINPUT with file, line and column
 * (HOIST_REASON_PARSE for malformed YAML, HOIST_REASON_LIMIT when aliases
 * expand too far). On success the caller frees *out with lint_yaml_free. */
int lint_yaml_parse(const char *text, size_t len, const char *file, lint_yaml *out, hoist_error *err);
void lint_yaml_free(lint_yaml *y);

/* Line and column of key `key` in map `parent`, or (key NULL) of the first
 * value `node`. False when unknown (both then 0). */
bool lint_yaml_where(const lint_yaml *y, const json_t *parent, const char *key, const json_t *node,
                     int *line, int *column);

#endif
