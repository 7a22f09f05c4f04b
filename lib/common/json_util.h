/*
 * json_util.h - small helpers over jansson used across libhoist: scope-bound
 * references and typed lookups that tolerate missing or mistyped fields
 * (the daemon adds fields over time and older daemons omit them).
 */
#ifndef HOIST_JSON_UTIL_H
#define HOIST_JSON_UTIL_H

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static inline void hoist_json_decrefp(json_t **j) { if (*j) json_decref(*j); }
#define _cleanup_json_ __attribute__((cleanup(hoist_json_decrefp)))

/* The string at obj[key], or `fallback` when absent or not a string. */
static inline const char *hoist_json_str(const json_t *obj, const char *key, const char *fallback)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : fallback;
}

/* Copy obj[key] (string) into buf; empty when absent. */
static inline void hoist_json_copy_str(const json_t *obj, const char *key, char *buf, size_t size)
{
    snprintf(buf, size, "%s", hoist_json_str(obj, key, ""));
}

static inline long long hoist_json_int(const json_t *obj, const char *key, long long fallback)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_integer(v) ? json_integer_value(v) : fallback;
}

static inline int hoist_json_bool(const json_t *obj, const char *key, int fallback)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_boolean(v) ? json_is_true(v) : fallback;
}

#endif
