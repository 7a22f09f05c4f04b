/*
 * sc_cache.c - a cache of ShellCheck's verdicts, so that linting an
 * unchanged Dockerfile again does not start ShellCheck (about 14 ms of the
 * 16 ms a one-file `hoist check` takes).
 *
 * An entry is ShellCheck's JSON output for one script, in a file named by
 * the SHA-256 of (the shellcheck program's path, size and modification
 * time, which change when it is upgraded; the dialect; the script text) in
 * $XDG_CACHE_HOME/hoist/shellcheck (~/.cache/hoist/shellcheck when unset;
 * common/cache_dir.h finds, makes and bounds it).
 * Entries are written to a temporary file and renamed, so concurrent runs
 * never read half an entry. The directory is kept to LINT_SC_CACHE_MAX
 * entries and LINT_SC_CACHE_BYTES: when a write finds it over either, the
 * oldest entries (by modification time, which a hit refreshes) are removed.
 *
 * The cache is off when the run has HOIST_LINT_NO_CACHE, when the
 * environment variable HOIST_NO_CACHE is set to anything but "" or "0", or
 * when no cache directory can be made; a broken entry is treated as a miss.
 */
#include "lint/lint_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cache_dir.h"
#include "common/sha256.h"

#define LINT_SC_CACHE_MAX 2000
#define LINT_SC_CACHE_BYTES (32ull << 20)
#define LINT_SC_CACHE_ENTRY_MAX (4u << 20)

static bool cache_enabled(const lint_ctx *ctx)
{
    if (ctx->opts->flags & HOIST_LINT_NO_CACHE)
        return false;
    return hoist_cache_enabled();
}

/* The cache directory's path; false when there is none. */
static bool cache_dir(char *dir, size_t size) { return hoist_cache_dir("shellcheck", dir, size); }

bool lint_sc_cache_key(const lint_ctx *ctx, const char *prog, const char *dialect,
                       const char *script, size_t len, char key[65])
{
    if (!cache_enabled(ctx))
        return false;
    struct stat st;
    if (stat(prog, &st))
        return false;
    char head[4352];
    int n = snprintf(head, sizeof(head), "hoist-sc-1\n%s\n%lld\n%lld.%09ld\n%s\n", prog,
                     (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                     dialect);
    if (n < 0 || (size_t)n >= sizeof(head))
        return false;
    hoist_sha256 md;
    hoist_sha256_init(&md);
    hoist_sha256_update(&md, head, (size_t)n);
    hoist_sha256_update(&md, script, len);
    hoist_sha256_final_hex(&md, key);
    return true;
}

char *lint_sc_cache_get(const char key[65])
{
    char dir[4096], path[4200];
    if (!cache_dir(dir, sizeof(dir)))
        return NULL;
    snprintf(path, sizeof(path), "%s/%s.json", dir, key);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (!fstat(fd, &st) && st.st_size > 0 && st.st_size < LINT_SC_CACHE_ENTRY_MAX &&
        (buf = malloc((size_t)st.st_size + 1))) {
        ssize_t got = read(fd, buf, (size_t)st.st_size);
        if (got != st.st_size) {
            free(buf);
            buf = NULL;
        } else {
            buf[got] = '\0';
            futimens(fd, NULL); /* a hit keeps the entry young */
        }
    }
    close(fd);
    return buf;
}

static bool is_entry(const char *name)
{
    return strlen(name) == 69 && !strcmp(name + 64, ".json");
}

void lint_sc_cache_put(const char key[65], const char *out, size_t len)
{
    char dir[4096], path[4200], tmp[4200];
    if (!len || len >= LINT_SC_CACHE_ENTRY_MAX || !cache_dir(dir, sizeof(dir)))
        return;
    snprintf(path, sizeof(path), "%s/%s.json", dir, key);
    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, key);
    int fd = mkstemp(tmp);
    if (fd < 0 && errno == ENOENT && hoist_cache_mkdir(dir)) {
        snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, key);
        fd = mkstemp(tmp);
    }
    if (fd < 0)
        return;
    bool ok = write(fd, out, len) == (ssize_t)len;
    ok &= close(fd) == 0;
    if (!ok || rename(tmp, path)) {
        unlink(tmp);
        return;
    }
    /* Count entries now and then only: a scan per write would cost more
     * than it saves once the directory is large. */
    if ((unsigned char)key[0] % 16 == 0) /* down to 90%: the next writes do not evict again at once */
        hoist_cache_bound(dir, is_entry, LINT_SC_CACHE_MAX, LINT_SC_CACHE_BYTES, LINT_SC_CACHE_MAX * 9 / 10,
                          LINT_SC_CACHE_BYTES / 10 * 9);
}
