/*
 * error.c - filling hoist_error values.
 *
 * All setters tolerate a NULL error pointer (the caller did not want
 * details) and always return the error's code so that a failing function
 * can report and return in one statement.
 */
#include "hoist/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void hoist_error_clear(hoist_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof(*err));
}

int hoist_error_vset(hoist_error *err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    hoist_error_clear(err);
    err->code = code;
    if (code == HOIST_EINTERRUPTED)
        err->reason = HOIST_REASON_CANCELLED;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return code;
}

int hoist_error_setr(hoist_error *err, int code, hoist_reason reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(err, code, fmt, ap);
    va_end(ap);
    if (err)
        err->reason = reason;
    return code;
}

int hoist_error_nomem(hoist_error *err)
{
    return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory");
}

int hoist_error_reason(hoist_error *err, hoist_reason reason)
{
    if (!err)
        return 0;
    err->reason = reason;
    return err->code;
}

hoist_reason hoist_reason_from_errno(int errnum)
{
    switch (errnum) {
    case 0: return HOIST_REASON_NONE;
    case ENOENT: case ENOTDIR: return HOIST_REASON_NOT_FOUND;
    case EACCES: case EPERM: case EROFS: return HOIST_REASON_PERMISSION;
    case ENOMEM: return HOIST_REASON_NOMEM;
    case ETIMEDOUT: return HOIST_REASON_TIMEOUT;
    case ECONNREFUSED: case EHOSTUNREACH: case ENETUNREACH: return HOIST_REASON_CONNECT;
    case EFBIG: case E2BIG: case ENAMETOOLONG: case EOVERFLOW: return HOIST_REASON_LIMIT;
    case EINTR: case ECANCELED: return HOIST_REASON_CANCELLED;
    default: return HOIST_REASON_IO;
    }
}

int hoist_error_set(hoist_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int hoist_error_hint(hoist_error *err, const char *fmt, ...)
{
    if (!err)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
    va_end(ap);
    return err->code;
}

int hoist_error_at(hoist_error *err, const char *file, int line, int column)
{
    if (!err)
        return 0;
    if (file)
        snprintf(err->file, sizeof(err->file), "%s", file);
    err->line = line;
    err->column = column;
    return err->code;
}

int hoist_error_prefix(hoist_error *err, const char *fmt, ...)
{
    if (!err)
        return 0;
    char prefix[HOIST_ERROR_MESSAGE_MAX];
    char old[HOIST_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof(old));
    snprintf(err->message, sizeof(err->message), "%s: %s", prefix, old);
    return err->code;
}

const char *hoist_code_name(int code)
{
    switch (code) {
    case HOIST_OK: return "ok";
    case HOIST_EFAILED: return "failed";
    case HOIST_EUSAGE: return "usage";
    case HOIST_EENV: return "environment";
    case HOIST_EINPUT: return "input";
    case HOIST_EINTERRUPTED: return "interrupted";
    default: return "unknown";
    }
}

const char *hoist_reason_name(hoist_reason reason)
{
    switch (reason) {
    case HOIST_REASON_NONE: return "none";
    case HOIST_REASON_NOMEM: return "nomem";
    case HOIST_REASON_NOT_FOUND: return "not-found";
    case HOIST_REASON_PERMISSION: return "permission";
    case HOIST_REASON_IO: return "io";
    case HOIST_REASON_PARSE: return "parse";
    case HOIST_REASON_SYNTAX: return "syntax";
    case HOIST_REASON_PROTOCOL: return "protocol";
    case HOIST_REASON_DAEMON: return "daemon";
    case HOIST_REASON_CONNECT: return "connect";
    case HOIST_REASON_TIMEOUT: return "timeout";
    case HOIST_REASON_CANCELLED: return "cancelled";
    case HOIST_REASON_UNSUPPORTED: return "unsupported";
    case HOIST_REASON_LIMIT: return "limit";
    case HOIST_REASON_INVALID: return "invalid";
    case HOIST_REASON_CONFIG: return "config";
    case HOIST_REASON_BUILD: return "build";
    }
    return "unknown";
}
