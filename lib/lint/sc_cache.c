/*
 * sc_cache.c - a cache of ShellCheck's verdicts, so that linting an
 * unchanged Dockerfile again does not start ShellCheck (about 14 ms of the
 * 16 ms a one-file `hoist check` takes).
 *
 * An entry is ShellCheck's JSON output for one script, in a file named by
 * the SHA-256 of (the shellcheck program's path, size and modification
 * time, which change when it is upgraded; the dialect; the script text) in
 * $XDG_CACHE_HOME/hoist/shellcheck (~/.cache/hoist/shellcheck when unset).
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

#include "common/sha256.h"

#define LINT_SC_CACHE_MAX 2000
#define LINT_SC_CACHE_BYTES (32ull << 20)
#define LINT_SC_CACHE_ENTRY_MAX (4u << 20)

static bool cache_enabled(const lint_ctx *ctx)
{
    if (ctx->opts->flags & HOIST_LINT_NO_CACHE)
        return false;
    const char *off = getenv("HOIST_NO_CACHE");
    return !off || !off[0] || !strcmp(off, "0");
}

/* The cache directory's path; false when there is none. */
static bool cache_dir(char *dir, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(dir, size, "%s/hoist/shellcheck", xdg);
    else if (home && home[0] == '/')
        n = snprintf(dir, size, "%s/.cache/hoist/shellcheck", home);
    else
        return false;
    return n >= 0 && (size_t)n < size;
}

/* mkdir -p of the cache directory, done by a write that found it missing
 * (a read of a missing directory is a miss and makes nothing). */
static bool make_cache_dir(char *dir)
{
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(dir, 0700);
        *p = '/';
        if (rc && errno != EEXIST)
            return false;
    }
    return !mkdir(dir, 0700) || errno == EEXIST;
}

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

typedef struct entry {
    char name[80];
    struct timespec mtime;
    unsigned long long size;
} entry;

static int by_age(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    return (x->mtime.tv_nsec > y->mtime.tv_nsec) - (x->mtime.tv_nsec < y->mtime.tv_nsec);
}

/* Remove the oldest entries when there are more than the limit. */
static void evict(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    entry *v = NULL;
    size_t n = 0, cap = 0;
    unsigned long long total = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len != 69 || strcmp(de->d_name + 64, ".json"))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, 0))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            entry *nv = realloc(v, cap * sizeof(*v));
            if (!nv)
                break;
            v = nv;
        }
        snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
        v[n].size = (unsigned long long)st.st_size;
        total += v[n].size;
        v[n++].mtime = st.st_mtim;
    }
    if (n > LINT_SC_CACHE_MAX || total > LINT_SC_CACHE_BYTES) {
        qsort(v, n, sizeof(*v), by_age);
        /* Down to 90% so that the next writes do not evict again at once. */
        for (size_t i = 0; i < n && (n - i > LINT_SC_CACHE_MAX * 9 / 10 ||
                                     total > LINT_SC_CACHE_BYTES / 10 * 9); i++) {
            unlinkat(dirfd(d), v[i].name, 0);
            total -= v[i].size;
        }
    }
    free(v);
    closedir(d);
}

void lint_sc_cache_put(const char key[65], const char *out, size_t len)
{
    char dir[4096], path[4200], tmp[4200];
    if (!len || len >= LINT_SC_CACHE_ENTRY_MAX || !cache_dir(dir, sizeof(dir)))
        return;
    snprintf(path, sizeof(path), "%s/%s.json", dir, key);
    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, key);
    int fd = mkstemp(tmp);
    if (fd < 0 && errno == ENOENT && make_cache_dir(dir)) {
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
    if ((unsigned char)key[0] % 16 == 0)
        evict(dir);
}
