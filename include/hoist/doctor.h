/*
 * hoist/doctor.h - is a Docker engine usable from here, and if not, why.
 *
 * hoist_doctor_run() performs a fixed sequence of checks (docker CLI,
 * endpoint, daemon reachable, API versions, server, BuildKit, disk) and
 * fills a report, one entry per check, each pass/warn/fail/skip with a
 * message and a hint. The engine is usable when no check failed.
 *
 * Threads: hoist_doctor_run() makes its own client and keeps no state, so
 * several threads may run it at once, each with its own
 * hoist_doctor_report (hoist_doctor_check, hoist_doctor_field: plain values
 * inside it); the options are only read.
 */
#ifndef HOIST_DOCTOR_H
#define HOIST_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include "hoist/client.h"
#include "hoist/endpoint.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hoist_doctor_status {
    HOIST_DOCTOR_PASS = 0,
    HOIST_DOCTOR_WARN,
    HOIST_DOCTOR_FAIL,
    HOIST_DOCTOR_SKIP,
} hoist_doctor_status;

#define HOIST_DOCTOR_MAX_CHECKS 12
#define HOIST_DOCTOR_MAX_FIELDS 8

typedef struct hoist_doctor_field {
    char key[32];
    char value[256];
} hoist_doctor_field;

typedef struct hoist_doctor_check {
    char id[32];            /* stable: docker-cli, endpoint, daemon, api-version, server, buildkit, disk */
    char title[48];         /* human label */
    hoist_doctor_status status;
    char message[HOIST_ERROR_MESSAGE_MAX];
    char hint[HOIST_ERROR_HINT_MAX];
    hoist_doctor_field fields[HOIST_DOCTOR_MAX_FIELDS]; /* machine-readable details */
    size_t field_count;
} hoist_doctor_check;

typedef struct hoist_doctor_report {
    hoist_doctor_check checks[HOIST_DOCTOR_MAX_CHECKS];
    size_t count;
    bool usable;                      /* no check failed */
    char negotiated_api_version[32];  /* empty when the daemon was not reached */
} hoist_doctor_report;

typedef struct hoist_doctor_options {
    unsigned int version;              /* HOIST_DOCTOR_OPTIONS_VERSION */
    hoist_endpoint_options endpoint;   /* how to find the daemon */
    const char *api_version_pin;       /* DOCKER_API_VERSION or NULL */
    const char *docker_cli;            /* --docker / HOIST_DOCKER or NULL */
    const char *path_env;              /* $PATH for finding the docker CLI */
    /* version 2: */
    hoist_log_fn log;                  /* request log of the daemon checks (client.h), or NULL */
    void *log_user;
} hoist_doctor_options;

/* Version 1 (without log) is still accepted. */
#define HOIST_DOCTOR_OPTIONS_VERSION 2
/* Names the nested endpoint options too: they carry their own version. */
#define HOIST_DOCTOR_OPTIONS_INIT \
    {.version = HOIST_DOCTOR_OPTIONS_VERSION, .endpoint = HOIST_ENDPOINT_OPTIONS_INIT}
/* Same as HOIST_DOCTOR_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_doctor_options_init(hoist_doctor_options *opts);

/* Run every check. Returns 0 when the engine is usable; HOIST_EENV when
 * not, with err holding the first failure's message and hint. The report
 * is complete either way. */
HOIST_EXTERN int hoist_doctor_run(hoist_doctor_report *report, const hoist_doctor_options *opts, hoist_error *err);

/* "pass", "warn", "fail", "skip". */
HOIST_EXTERN const char *hoist_doctor_status_name(hoist_doctor_status status);

#ifdef __cplusplus
}
#endif
#endif
