/*
 * doctor_report.c - the helpers that fill a hoist_doctor_report.
 */
#include "engine/doctor_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

hoist_doctor_check *engine_report_add(hoist_doctor_report *r, const char *id, const char *title)
{
    if (r->count >= HOIST_DOCTOR_MAX_CHECKS)
        return &r->checks[HOIST_DOCTOR_MAX_CHECKS - 1];
    hoist_doctor_check *c = &r->checks[r->count++];
    memset(c, 0, sizeof(*c));
    snprintf(c->id, sizeof(c->id), "%s", id);
    snprintf(c->title, sizeof(c->title), "%s", title);
    return c;
}

void engine_report_set(hoist_doctor_check *c, hoist_doctor_status status, const char *fmt, ...)
{
    c->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof(c->message), fmt, ap);
    va_end(ap);
}

void engine_report_hint(hoist_doctor_check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->hint, sizeof(c->hint), fmt, ap);
    va_end(ap);
}

void engine_report_field(hoist_doctor_check *c, const char *key, const char *value)
{
    if (c->field_count >= HOIST_DOCTOR_MAX_FIELDS || !value)
        return;
    hoist_doctor_field *f = &c->fields[c->field_count++];
    snprintf(f->key, sizeof(f->key), "%s", key);
    snprintf(f->value, sizeof(f->value), "%s", value);
}
