/*
 * doctor_report.h - filling a hoist_doctor_report (internal).
 *
 * The doctor (lib/engine/doctor.c) and the registry check
 * (lib/registry/check.c) both report checks in a hoist_doctor_report; these
 * are the one set of helpers they share. Text is truncated to the fixed
 * fields; nothing allocates.
 */
#ifndef HOIST_ENGINE_DOCTOR_REPORT_H
#define HOIST_ENGINE_DOCTOR_REPORT_H

#include "hoist/doctor.h"

/* A new check `id` titled `title` (the last slot is reused when full). */
hoist_doctor_check *engine_report_add(hoist_doctor_report *r, const char *id, const char *title);
/* Set the status and message. */
__attribute__((format(printf, 3, 4))) void engine_report_set(hoist_doctor_check *c, hoist_doctor_status status,
                                                             const char *fmt, ...);
/* Set the hint. */
__attribute__((format(printf, 2, 3))) void engine_report_hint(hoist_doctor_check *c, const char *fmt, ...);
/* Add a key/value field (ignored when value is NULL or the fields are full). */
void engine_report_field(hoist_doctor_check *c, const char *key, const char *value);

#endif
