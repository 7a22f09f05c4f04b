/*
 * dockerfile.c - the hoist_dockerfile handle: creation, freeing, reading a
 * file, and the read-only accessors of the public API.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "dockerfile/df_internal.h"

static const char *const kind_names[] = {
    [HOIST_DF_UNKNOWN] = "",          [HOIST_DF_ADD] = "ADD",
    [HOIST_DF_ARG] = "ARG",           [HOIST_DF_CMD] = "CMD",
    [HOIST_DF_COPY] = "COPY",         [HOIST_DF_ENTRYPOINT] = "ENTRYPOINT",
    [HOIST_DF_ENV] = "ENV",           [HOIST_DF_EXPOSE] = "EXPOSE",
    [HOIST_DF_FROM] = "FROM",         [HOIST_DF_HEALTHCHECK] = "HEALTHCHECK",
    [HOIST_DF_LABEL] = "LABEL",       [HOIST_DF_MAINTAINER] = "MAINTAINER",
    [HOIST_DF_ONBUILD] = "ONBUILD",   [HOIST_DF_RUN] = "RUN",
    [HOIST_DF_SHELL] = "SHELL",       [HOIST_DF_STOPSIGNAL] = "STOPSIGNAL",
    [HOIST_DF_USER] = "USER",         [HOIST_DF_VOLUME] = "VOLUME",
    [HOIST_DF_WORKDIR] = "WORKDIR",
};

const char *hoist_df_kind_name(hoist_df_kind kind)
{
    if ((unsigned)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
        return "";
    return kind_names[kind];
}

hoist_df_kind hoist_df_kind_from_name(const char *keyword)
{
    if (!keyword)
        return HOIST_DF_UNKNOWN;
    for (size_t i = 1; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
        if (!strcasecmp(keyword, kind_names[i]))
            return (hoist_df_kind)i;
    return HOIST_DF_UNKNOWN;
}

bool hoist_df_kind_expands(hoist_df_kind kind)
{
    switch (kind) {
    case HOIST_DF_ADD: case HOIST_DF_ARG: case HOIST_DF_COPY: case HOIST_DF_ENV:
    case HOIST_DF_EXPOSE: case HOIST_DF_FROM: case HOIST_DF_LABEL: case HOIST_DF_STOPSIGNAL:
    case HOIST_DF_USER: case HOIST_DF_VOLUME: case HOIST_DF_WORKDIR:
        return true;
    default:
        return false;
    }
}

hoist_dockerfile *hoist_dockerfile_new(void)
{
    hoist_dockerfile *df = calloc(1, sizeof(*df));
    if (df)
        df->escape = '\\';
    return df;
}

void hoist_dockerfile_free(hoist_dockerfile *df)
{
    if (!df)
        return;
    free(df->directives);
    free(df->instructions);
    free(df->warnings);
    df_arena_free(&df->arena);
    free(df);
}

int hoist_dockerfile_parse_file(const char *path, const hoist_df_parse_options *opts,
                                hoist_dockerfile **out, hoist_error *err)
{
    *out = NULL;
    _cleanup_fclose_ FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e), "cannot read %s: %s", path, strerror(e));
        hoist_error_at(err, path, 0, 0);
        return hoist_error_hint(err, e == ENOENT ? "check the path; -f is relative to the current directory"
                                                 : "check the file's permissions");
    }
    hbuf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (!hbuf_append(&b, chunk, n)) {
            hbuf_free(&b);
            return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory reading %s", path);
        }
    if (ferror(f)) {
        int e = errno;
        hbuf_free(&b);
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e), "cannot read %s: %s", path, strerror(e));
        return hoist_error_at(err, path, 0, 0);
    }
    hoist_df_parse_options o = HOIST_DF_PARSE_OPTIONS_INIT;
    if (opts)
        o = *opts;
    if (!o.filename)
        o.filename = path;
    int rc = hoist_dockerfile_parse(b.data ? b.data : "", b.len, &o, out, err);
    hbuf_free(&b);
    return rc;
}

size_t hoist_dockerfile_directive_count(const hoist_dockerfile *df)
{
    return df ? df->directive_count : 0;
}

const hoist_df_directive *hoist_dockerfile_directive(const hoist_dockerfile *df, size_t i)
{
    return df && i < df->directive_count ? &df->directives[i] : NULL;
}

const hoist_df_directive *hoist_dockerfile_find_directive(const hoist_dockerfile *df, const char *name)
{
    for (size_t i = 0; df && i < df->directive_count; i++)
        if (!strcasecmp(df->directives[i].name, name))
            return &df->directives[i];
    return NULL;
}

char hoist_dockerfile_escape(const hoist_dockerfile *df)
{
    return df ? df->escape : '\\';
}

size_t hoist_dockerfile_instruction_count(const hoist_dockerfile *df)
{
    return df ? df->instruction_count : 0;
}

const hoist_df_instruction *hoist_dockerfile_instruction(const hoist_dockerfile *df, size_t i)
{
    return df && i < df->instruction_count ? &df->instructions[i] : NULL;
}

size_t hoist_dockerfile_warning_count(const hoist_dockerfile *df)
{
    return df ? df->warning_count : 0;
}

const hoist_df_warning *hoist_dockerfile_warning(const hoist_dockerfile *df, size_t i)
{
    return df && i < df->warning_count ? &df->warnings[i] : NULL;
}

const hoist_df_flag *hoist_df_instruction_flag(const hoist_df_instruction *ins, const char *name)
{
    const hoist_df_flag *found = NULL;
    for (size_t i = 0; ins && i < ins->flag_count; i++)
        if (!strcmp(ins->flags[i].name, name))
            found = &ins->flags[i];
    return found;
}
