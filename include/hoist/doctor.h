/*
 * hoist/doctor.h - is a Docker engine usable from here, and if not, why.
 *
 * hoist_doctor_run() performs a fixed sequence of checks (docker CLI,
 * endpoint, daemon reachable, API versions, server, BuildKit, disk) and
 * fills a report, one entry per check, each pass/warn/fail/skip with a
 * message and a hint. The engine is usable when no check failed.
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

typedef enum hoist_check_status {
    HOIST_CHECK_PASS = 0,
    HOIST_CHECK_WARN,
    HOIST_CHECK_FAIL,
    HOIST_CHECK_SKIP,
} hoist_check_status;

#define HOIST_DOCTOR_MAX_CHECKS 12
#define HOIST_DOCTOR_MAX_FIELDS 8

typedef struct hoist_doctor_field {
    char key[32];
    char value[256];
} hoist_doctor_field;

typedef struct hoist_doctor_check {
    char id[32];            /* stable: docker-cli, endpoint, daemon, api-version, server, buildkit, disk */
    char title[48];         /* human label */
    hoist_check_status status;
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
#define HOIST_DOCTOR_OPTIONS_INIT \
    {HOIST_DOCTOR_OPTIONS_VERSION, HOIST_ENDPOINT_OPTIONS_INIT, NULL, NULL, NULL, NULL, NULL}

/* Run every check. Returns 0 when the engine is usable; HOIST_EENV when
 * not, with err holding the first failure's message and hint. The report
 * is complete either way. */
HOIST_EXTERN int hoist_doctor_run(const hoist_doctor_options *opts, hoist_doctor_report *report, hoist_error *err);

/* "pass", "warn", "fail", "skip". */
HOIST_EXTERN const char *hoist_check_status_name(hoist_check_status status);

#ifdef __cplusplus
}
#endif
#endif
