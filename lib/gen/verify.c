/*
 * verify.c - prove with the context engine that the generated .dockerignore
 * does not hide what the generated Dockerfile copies.
 *
 * The .dockerignore text is written to a private temporary file and the
 * context is opened with it as the ignore file (hoist_context_options
 * .ignore_file), exactly as `docker build` would read it. Then every COPY
 * and ADD without --from is walked: each source must exist and be sent
 * (hoist_context_explain). "." is the whole context and always qualifies.
 */
#include "gen/template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "hoist/context.h"

HOIST_DEFINE_FREEP(hoist_context, hoist_context_free)

typedef struct temp_file {
    char path[4096];
    int fd;
} temp_file;

static void temp_file_remove(temp_file *t)
{
    if (t->fd >= 0)
        close(t->fd);
    if (t->path[0])
        unlink(t->path);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static int check_source(hoist_context *ctx, const char *keyword, const char *src,
                        hoist_error *err)
{
    if (!strcmp(src, ".") || !strcmp(src, "./"))
        return 0;
    hoist_context_explanation ex;
    int rc = hoist_context_explain(ctx, src, &ex, err);
    if (rc)
        return rc;
    if (!ex.exists) {
        hoist_error_set(err, HOIST_EFAILED, "%s source %s does not exist in the context",
                        keyword, src);
        return hoist_error_hint(err, "the project changed since detection; run hoist init again");
    }
    if (ex.sent)
        return 0;
    hoist_ignore_pattern_info info = {0};
    const hoist_ignore *ig = hoist_context_ignore(ctx);
    if (ex.pattern >= 0 && hoist_ignore_get(ig, (size_t)ex.pattern, &info) == 0) {
        hoist_error_set(err, HOIST_EFAILED,
                        "%s source %s would not be sent: .dockerignore line %d (%s) excludes it",
                        keyword, src, info.line, info.source);
    } else {
        hoist_error_set(err, HOIST_EFAILED, "%s source %s would not be sent%s%s", keyword, src,
                        ex.via[0] ? " because of " : "", ex.via);
    }
    return hoist_error_hint(err, "this is a bug in hoist init's .dockerignore; please report it");
}

int hoist_gen_verify_context(const hoist_gen_result *r, const char *dir, hoist_error *err)
{
    const char *text = hoist_gen_result_dockerignore(r);
    const hoist_dockerfile *df = hoist_gen_result_ast(r);
    if (!text || !df)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_gen_verify_context: no result");
    _cleanup_(temp_file_remove) temp_file tmp = {.path = "", .fd = -1};
    const char *tmpdir = getenv("TMPDIR");
    snprintf(tmp.path, sizeof(tmp.path), "%s/hoist-init-ignore.XXXXXX",
             tmpdir && tmpdir[0] ? tmpdir : "/tmp");
    tmp.fd = mkstemp(tmp.path);
    if (tmp.fd < 0) {
        tmp.path[0] = 0;
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno), "cannot create a temporary file: %s",
                                strerror(errno));
    }
    if (write_all(tmp.fd, text, strlen(text)) < 0)
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno),
                                "cannot write %s: %s", tmp.path, strerror(errno));

    hoist_context_options co = HOIST_CONTEXT_OPTIONS_INIT;
    co.dockerfile_optional = true;
    co.ignore_file = tmp.path;
    _cleanup_(hoist_context_freep) hoist_context *ctx = NULL;
    int rc = hoist_context_open(&ctx, dir, &co, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < hoist_dockerfile_instruction_count(df); i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction(df, i);
        if ((ins->kind != HOIST_DF_COPY && ins->kind != HOIST_DF_ADD) ||
            hoist_df_instruction_flag(ins, "from"))
            continue;
        for (size_t a = 0; a + 1 < ins->arg_count; a++)
            if ((rc = check_source(ctx, ins->keyword, ins->args[a].value, err)))
                return rc;
    }
    return 0;
}
