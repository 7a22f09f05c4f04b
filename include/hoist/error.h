/*
 * hoist/error.h - the error every fallible libhoist call fills.
 *
 * A hoist_error carries a code (which is also the CLI's exit code), a
 * message saying what failed, a hint saying what to do next, and where the
 * problem is (file:line:col) when there is a file. Buffers are fixed-size
 * so that reporting an error never needs to allocate and nothing has to be
 * freed. Every fallible call returns 0 on success and the non-zero code on
 * failure, so `return hoist_error_set(err, ...)` is the usual idiom.
 */
#ifndef HOIST_ERROR_H
#define HOIST_ERROR_H

#include <stdarg.h>

#include "hoist/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes double as the CLI exit codes (see docs/design.md). */
typedef enum hoist_code {
    HOIST_OK = 0,
    HOIST_EFAILED = 1,     /* the operation ran and failed (build error, findings) */
    HOIST_EUSAGE = 2,      /* bad flags or arguments */
    HOIST_EENV = 3,        /* environment not ready: no docker, no daemon, permissions, API version */
    HOIST_EINPUT = 4,      /* invalid input: Dockerfile, .dockerignore, paths, unreadable files */
    HOIST_EINTERRUPTED = 130 /* cancelled by SIGINT/SIGTERM */
} hoist_code;

/* Why it failed, finer than the code: lets a caller tell out-of-memory from
 * a missing file from a parse error without reading the message. NONE when
 * the failing site did not say; the code is always set. */
typedef enum hoist_reason {
    HOIST_REASON_NONE = 0,
    HOIST_REASON_NOMEM,        /* an allocation failed */
    HOIST_REASON_NOT_FOUND,    /* a file, directory, image or program does not exist */
    HOIST_REASON_PERMISSION,   /* not allowed to read, write or connect */
    HOIST_REASON_IO,           /* reading or writing failed otherwise */
    HOIST_REASON_PARSE,        /* malformed input that could not be read (JSON, YAML, tar) */
    HOIST_REASON_SYNTAX,       /* Dockerfile or .dockerignore syntax error */
    HOIST_REASON_PROTOCOL,     /* the daemon or a tool answered something unexpected */
    HOIST_REASON_DAEMON,       /* the daemon reported an error (HTTP status >= 400) */
    HOIST_REASON_CONNECT,      /* could not reach the daemon */
    HOIST_REASON_TIMEOUT,      /* a deadline passed */
    HOIST_REASON_CANCELLED,    /* cancelled by the caller or a signal */
    HOIST_REASON_UNSUPPORTED,  /* a feature the engine or hoist does not support */
    HOIST_REASON_LIMIT,        /* a size or count limit was exceeded */
    HOIST_REASON_INVALID,      /* a bad argument or option value */
    HOIST_REASON_CONFIG,       /* a bad configuration file (.hoist.yaml) */
    HOIST_REASON_BUILD,        /* the build itself failed (a step's command) */
} hoist_reason;

#define HOIST_ERROR_MESSAGE_MAX 1024
#define HOIST_ERROR_HINT_MAX 1024
#define HOIST_ERROR_FILE_MAX 1024

typedef struct hoist_error {
    int code;                               /* hoist_code; 0 when no error */
    char message[HOIST_ERROR_MESSAGE_MAX];  /* what failed */
    char hint[HOIST_ERROR_HINT_MAX];        /* what to do next; may be empty */
    char file[HOIST_ERROR_FILE_MAX];        /* file the error is about; may be empty */
    int line;                               /* 1-based; 0 when unknown */
    int column;                             /* 1-based; 0 when unknown */
    hoist_reason reason;                    /* finer cause; NONE when not known */
} hoist_error;

#define HOIST_ERROR_INIT {0, {0}, {0}, {0}, 0, 0, HOIST_REASON_NONE}

/* Reset to "no error". Safe on NULL. */
HOIST_EXTERN void hoist_error_clear(hoist_error *err);

/* Set code and message (printf-style); clears hint, location and reason
 * (HOIST_EINTERRUPTED implies HOIST_REASON_CANCELLED).
 * Returns `code` so callers can `return hoist_error_set(...)`. Safe on NULL. */
HOIST_EXTERN int hoist_error_set(hoist_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
HOIST_EXTERN int hoist_error_vset(hoist_error *err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Same, with a reason. */
HOIST_EXTERN int hoist_error_setr(hoist_error *err, int code, hoist_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "out of memory": HOIST_EFAILED with HOIST_REASON_NOMEM. Returns the code. */
HOIST_EXTERN int hoist_error_nomem(hoist_error *err);

/* Set the reason of an error already set. Returns err->code. Safe on NULL. */
HOIST_EXTERN int hoist_error_reason(hoist_error *err, hoist_reason reason);

/* The reason an errno value stands for: ENOENT/ENOTDIR -> NOT_FOUND,
 * EACCES/EPERM/EROFS -> PERMISSION, ENOMEM -> NOMEM, ETIMEDOUT -> TIMEOUT,
 * ECONNREFUSED -> CONNECT, EFBIG/E2BIG/ENAMETOOLONG -> LIMIT, others -> IO. */
HOIST_EXTERN hoist_reason hoist_reason_from_errno(int errnum);

/* Set the hint (printf-style). Returns err->code. Safe on NULL. */
HOIST_EXTERN int hoist_error_hint(hoist_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Set the location. `file` may be NULL. Returns err->code. Safe on NULL. */
HOIST_EXTERN int hoist_error_at(hoist_error *err, const char *file, int line, int column);

/* Prefix the message with more context ("reading X: <old message>"). */
HOIST_EXTERN int hoist_error_prefix(hoist_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A short stable name for a code: "ok", "failed", "usage", "environment",
 * "input", "interrupted". */
HOIST_EXTERN const char *hoist_code_name(int code);

/* A short stable name for a reason: "none", "nomem", "not-found",
 * "permission", "io", "parse", "syntax", "protocol", "daemon", "connect",
 * "timeout", "cancelled", "unsupported", "limit", "invalid", "config",
 * "build". */
HOIST_EXTERN const char *hoist_reason_name(hoist_reason reason);

#ifdef __cplusplus
}
#endif
#endif
