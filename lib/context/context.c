/*
 * context.c - resolve what a build context is made of, as the docker CLI
 * does before it walks anything.
 *
 * The context directory is made absolute and its symlinks resolved; it must
 * be a directory. The Dockerfile is -f (relative to the working directory)
 * or <context>/Dockerfile, falling back to <context>/dockerfile
 * (hoist_context_default_dockerfile, also used by `hoist check`); its path is
 * also resolved, and if it then lies outside the context it is sent under a
 * random ".dockerfile.<20 hex>" name. The ignore file is
 * <Dockerfile>.dockerignore when that exists (BuildKit's rule), else
 * <context>/.dockerignore. Finally the exceptions "!.dockerignore" and
 * "!<Dockerfile>" are appended when the patterns would exclude them
 * (TrimBuildFilesFromExcludes), which is how they are "always sent".
 */
#include "context_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ignore/ignore_internal.h"

int ignore_add_raw_pattern(hoist_ignore *ig, const char *pattern, const char *file, int line,
                           hoist_error *err);

#define DOCKERFILE_MAX (64u * 1024 * 1024)

void context_note(const hoist_context *ctx, const char *path, const char *fmt, ...)
{
    if (!ctx->on_note)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ctx->on_note(path, msg, ctx->note_user);
}

void hoist_context_free(hoist_context *ctx)
{
    if (!ctx)
        return;
    free(ctx->dir);
    free(ctx->dockerfile_name);
    free(ctx->dockerfile_path);
    free(ctx->ignore_path);
    free(ctx->dockerfile_data);
    context_listing_free(ctx);
    hoist_ignore_free(ctx->ignore);
    free(ctx);
}
HOIST_DEFINE_FREEP(hoist_context, hoist_context_free)

const char *hoist_context_dir(const hoist_context *ctx) { return ctx->dir; }
const char *hoist_context_dockerfile(const hoist_context *ctx) { return ctx->dockerfile_name; }
const char *hoist_context_dockerfile_path(const hoist_context *ctx) { return ctx->dockerfile_path; }
const char *hoist_context_ignore_file(const hoist_context *ctx) { return ctx->ignore_path; }
const hoist_ignore *hoist_context_ignore(const hoist_context *ctx) { return ctx->ignore; }

/* filepath.Abs: join with the working directory and clean. */
static char *absolute(const char *path)
{
    if (path[0] == '/')
        return go_clean_path(path, strlen(path));
    _cleanup_free_ char *cwd = getcwd(NULL, 0);
    if (!cwd)
        return NULL;
    _cleanup_free_ char *joined = NULL;
    if (asprintf(&joined, "%s/%s", cwd, path) < 0)
        return NULL;
    return go_clean_path(joined, strlen(joined));
}

/* filepath.Rel for two clean absolute paths. */
static char *relative(const char *base, const char *target)
{
    size_t b = 0, t = 0;
    for (;;) {
        while (base[b] == '/')
            b++;
        while (target[t] == '/')
            t++;
        size_t bl = strcspn(base + b, "/"), tl = strcspn(target + t, "/");
        if (bl == 0 || tl == 0 || bl != tl || memcmp(base + b, target + t, bl) != 0)
            break;
        b += bl;
        t += tl;
    }
    size_t ups = 0;
    for (size_t i = b; base[i];) {
        while (base[i] == '/')
            i++;
        if (!base[i])
            break;
        ups++;
        i += strcspn(base + i, "/");
    }
    const char *rest = target + t;
    while (*rest == '/')
        rest++;
    char *out = malloc(ups * 3 + strlen(rest) + 2);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < ups; i++)
        strcat(out, "../");
    strcat(out, rest);
    size_t n = strlen(out);
    if (n > 0 && out[n - 1] == '/')
        out[n - 1] = '\0';
    if (!out[0])
        strcpy(out, ".");
    return out;
}

static int read_small_file(const char *path, char **data, size_t *len, hoist_error *err)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                         "cannot read Dockerfile: %s", strerror(errno));
        hoist_error_at(err, path, 0, 0);
        return hoist_error_hint(err, "check the -f path and its permissions");
    }
    if ((uint64_t)st.st_size > DOCKERFILE_MAX) {
        hoist_error_set(err, HOIST_EINPUT, "Dockerfile is larger than 64 MiB");
        hoist_error_at(err, path, 0, 0);
        return hoist_error_hint(err, "pass the right file with -f");
    }
    _cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        return hoist_error_nomem(err);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                             "cannot read Dockerfile: %s", strerror(errno));
            hoist_error_at(err, path, 0, 0);
            return hoist_error_hint(err, "check the file's permissions");
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    *data = TAKE_PTR(buf);
    *len = got;
    return 0;
}

static bool is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int resolve_dir(hoist_context *ctx, const char *dir, hoist_error *err)
{
    _cleanup_free_ char *abs = absolute(dir);
    if (!abs)
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno),
                                "cannot resolve %s: %s", dir, strerror(errno));
    ctx->dir = realpath(abs, NULL);
    if (!ctx->dir) {
        int e = errno;
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e),
                         "unable to prepare context: path \"%s\" %s", dir,
                         e == ENOENT ? "not found" : strerror(e));
        hoist_error_at(err, dir, 0, 0);
        return hoist_error_hint(err, "give the directory to build from (usually the one holding "
                                     "the Dockerfile)");
    }
    struct stat st;
    if (stat(ctx->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        hoist_error_set(err, HOIST_EINPUT, "context must be a directory: %s", ctx->dir);
        hoist_error_at(err, dir, 0, 0);
        return hoist_error_hint(err, "pass the directory that contains the file, and the file "
                                     "itself with -f");
    }
    return 0;
}

char *hoist_context_default_dockerfile(const char *dir)
{
    char *path = NULL;
    if (asprintf(&path, "%s/Dockerfile", dir) < 0)
        return NULL;
    struct stat st;
    if (lstat(path, &st) < 0 && errno == ENOENT) {
        char *alt = NULL;
        if (asprintf(&alt, "%s/dockerfile", dir) >= 0 && lstat(alt, &st) == 0) {
            free(path);
            return alt;
        }
        free(alt);
    }
    return path;
}

static int resolve_dockerfile(hoist_context *ctx, const hoist_context_options *o, hoist_error *err,
                              char **given_abs)
{
    _cleanup_free_ char *abs = NULL;
    if (o->dockerfile) {
        abs = absolute(o->dockerfile);
    } else {
        abs = hoist_context_default_dockerfile(ctx->dir);
    }
    if (!abs)
        return hoist_error_nomem(err);
    _cleanup_free_ char *real = realpath(abs, NULL);
    if (!real) {
        if (!o->dockerfile && o->dockerfile_optional) {
            *given_abs = TAKE_PTR(abs);
            return 0;
        }
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                         "cannot locate Dockerfile: %s", strerror(errno));
        hoist_error_at(err, o->dockerfile ? o->dockerfile : abs, 0, 0);
        return hoist_error_hint(err, o->dockerfile
                                         ? "-f is relative to the current directory, not to the "
                                           "context"
                                         : "create a Dockerfile in the context or pass one with -f");
    }
    struct stat st;
    if (stat(real, &st) < 0 || S_ISDIR(st.st_mode)) {
        hoist_error_set(err, HOIST_EINPUT, "the Dockerfile is a directory");
        hoist_error_at(err, real, 0, 0);
        return hoist_error_hint(err, "pass the file itself with -f");
    }
    _cleanup_free_ char *rel = relative(ctx->dir, real);
    if (!rel)
        return hoist_error_nomem(err);
    if (!strncmp(rel, "../", 3)) {
        int rc = read_small_file(o->dockerfile ? o->dockerfile : real, &ctx->dockerfile_data,
                                 &ctx->dockerfile_len, err);
        if (rc)
            return rc;
        unsigned char rnd[10];
        if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
            return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno),
                                    "getrandom: %s", strerror(errno));
        char name[64];
        int n = snprintf(name, sizeof(name), ".dockerfile.");
        for (size_t i = 0; i < sizeof(rnd); i++)
            n += snprintf(name + n, sizeof(name) - (size_t)n, "%02x", rnd[i]);
        ctx->dockerfile_name = strdup(name);
        ctx->dockerfile_outside = true;
        ctx->generated_mtime = (int64_t)time(NULL);
    } else {
        ctx->dockerfile_name = strdup(rel);
    }
    ctx->dockerfile_path = TAKE_PTR(real);
    /* keep the rel path for TrimBuildFilesFromExcludes: stash in given_abs */
    *given_abs = TAKE_PTR(abs);
    if (!ctx->dockerfile_name)
        return hoist_error_nomem(err);
    return 0;
}

int hoist_context_open(hoist_context **out, const char *dir, const hoist_context_options *opts,
                       hoist_error *err)
{
    static const hoist_context_options defaults = HOIST_CONTEXT_OPTIONS_INIT;
    const hoist_context_options *o = opts ? opts : &defaults;
    *out = NULL;
    if (o->version != HOIST_CONTEXT_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_context_options: unsupported version %u",
                               o->version);
    _cleanup_(hoist_context_freep) hoist_context *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return hoist_error_nomem(err);
    ctx->on_note = o->on_note;
    ctx->note_user = o->note_user;

    int rc = resolve_dir(ctx, dir ? dir : ".", err);
    if (rc)
        return rc;
    _cleanup_free_ char *dockerfile_abs = NULL;
    rc = resolve_dockerfile(ctx, o, err, &dockerfile_abs);
    if (rc)
        return rc;

    /* which ignore file */
    _cleanup_free_ char *candidate = NULL;
    if (o->ignore_file) {
        candidate = strdup(o->ignore_file);
    } else {
        if (dockerfile_abs && asprintf(&candidate, "%s.dockerignore", dockerfile_abs) >= 0 &&
            !is_regular(candidate)) {
            free(candidate);
            candidate = NULL;
        }
        if (!candidate) {
            if (asprintf(&candidate, "%s/.dockerignore", ctx->dir) >= 0) {
                struct stat st;
                if (lstat(candidate, &st) < 0 && errno == ENOENT) {
                    free(candidate);
                    candidate = NULL;
                }
            } else {
                candidate = NULL;
            }
        }
    }
    if (candidate) {
        rc = hoist_ignore_load(&ctx->ignore, candidate, err);
        if (rc)
            return rc;
        ctx->ignore_path = TAKE_PTR(candidate);
    } else {
        rc = hoist_ignore_new(&ctx->ignore, err);
        if (rc)
            return rc;
    }

    /* TrimBuildFilesFromExcludes: keep .dockerignore and the Dockerfile */
    bool excluded = false;
    rc = hoist_ignore_match(ctx->ignore, ".dockerignore", &excluded, NULL, err);
    if (!rc && excluded)
        rc = ignore_add_raw_pattern(ctx->ignore, "!.dockerignore", HOIST_ALWAYS_SENT, 0, err);
    if (rc)
        return rc;
    if (ctx->dockerfile_path) {
        _cleanup_free_ char *rel = relative(ctx->dir, ctx->dockerfile_path);
        _cleanup_free_ char *exception = NULL;
        if (!rel || asprintf(&exception, "!%s", rel) < 0)
            return hoist_error_nomem(err);
        rc = hoist_ignore_match(ctx->ignore, rel, &excluded, NULL, err);
        if (!rc && excluded)
            rc = ignore_add_raw_pattern(ctx->ignore, exception, HOIST_ALWAYS_SENT, 0, err);
        if (rc)
            return rc;
    }
    *out = TAKE_PTR(ctx);
    return 0;
}

int context_open_plain(hoist_context **out, const char *dir, hoist_ignore *ignore, hoist_error *err)
{
    *out = NULL;
    hoist_context *ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        hoist_ignore_free(ignore);
        return hoist_error_nomem(err);
    }
    ctx->ignore = ignore;
    int rc = resolve_dir(ctx, dir, err);
    if (!rc && !ctx->ignore)
        rc = hoist_ignore_new(&ctx->ignore, err);
    if (rc) {
        hoist_context_free(ctx);
        return rc;
    }
    *out = ctx;
    return 0;
}
