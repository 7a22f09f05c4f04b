/*
 * write.c - put the generated Dockerfile and .dockerignore on disk without
 * ever clobbering a file by accident.
 *
 * Without `force`, both targets are checked first (nothing is written when
 * either exists), and each file is then linked into place from a temporary
 * file with link(2), which fails rather than replace a file that appeared
 * in between. With `force`, rename(2) replaces atomically.
 */
#include "gen/gen_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

static int exists_error(const char *path, hoist_error *err)
{
    hoist_error_set(err, HOIST_EFAILED, "%s already exists; not overwriting it", path);
    hoist_error_at(err, path, 0, 0);
    return hoist_error_hint(err, "compare with --diff, print with --stdout, or replace it with "
                                 "--force");
}

static int write_one(const char *path, const char *text, bool force, hoist_error *err)
{
    _cleanup_free_ char *tmp = NULL;
    if (asprintf(&tmp, "%s.hoist-XXXXXX", path) < 0)
        return hoist_error_nomem(err);
    _cleanup_close_ int fd = mkstemp(tmp);
    if (fd < 0) {
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "cannot create a file next to %s: %s", path,
                         strerror(errno));
        return hoist_error_hint(err, "check that the directory is writable");
    }
    size_t len = strlen(text);
    const char *p = text;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            unlink(tmp);
            return hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e),
                                    "cannot write %s: %s", tmp, strerror(e));
        }
        p += n;
        len -= (size_t)n;
    }
    if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
        int e = errno;
        unlink(tmp);
        return hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e), "cannot write %s: %s", tmp, strerror(e));
    }
    int rc;
    if (force) {
        rc = rename(tmp, path);
    } else {
        rc = link(tmp, path);
        int e = errno;
        unlink(tmp);
        errno = e;
    }
    if (rc < 0) {
        int e = errno;
        if (force)
            unlink(tmp);
        if (e == EEXIST)
            return exists_error(path, err);
        return hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e),
                                "cannot write %s: %s", path, strerror(e));
    }
    return 0;
}

int hoist_gen_write(const hoist_gen_result *r, const char *dir, const char *dockerfile_name,
                    bool force, hoist_error *err)
{
    const char *dockerfile = hoist_gen_result_dockerfile(r);
    const char *ignore = hoist_gen_result_dockerignore(r);
    if (!dockerfile || !ignore)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_gen_write: no result");
    _cleanup_free_ char *df_path = NULL, *ig_path = NULL;
    if (asprintf(&df_path, "%s/%s", dir, dockerfile_name ? dockerfile_name : "Dockerfile") < 0 ||
        asprintf(&ig_path, "%s/.dockerignore", dir) < 0)
        return hoist_error_nomem(err);
    struct stat st;
    if (!force) {
        if (lstat(df_path, &st) == 0)
            return exists_error(df_path, err);
        if (lstat(ig_path, &st) == 0)
            return exists_error(ig_path, err);
    }
    int rc = write_one(df_path, dockerfile, force, err);
    if (rc == 0)
        rc = write_one(ig_path, ignore, force, err);
    return rc;
}
