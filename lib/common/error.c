/*
 * error.c - filling hoist_error values.
 *
 * All setters tolerate a NULL error pointer (the caller did not want
 * details) and always return the error's code so that a failing function
 * can report and return in one statement.
 */
#include "hoist/error.h"

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
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    return code;
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
