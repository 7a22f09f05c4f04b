/*
 * store.c - build records on disk: one JSON file per (engine endpoint,
 * engine, context directory, Dockerfile, target) in
 * $XDG_CACHE_HOME/hoist/records (~/.cache/hoist/records when unset),
 * named by the SHA-256 of those keys.
 *
 * Like the ShellCheck cache (lib/lint/sc_cache.c): written to a temporary
 * file and renamed, so a reader never sees half a record; after a write the
 * directory is kept to REC_STORE_MAX files and REC_STORE_BYTES (the oldest
 * by modification time go first); off when HOIST_NO_CACHE is set to
 * anything but "" or "0". A record that cannot be read or parsed is no
 * record.
 */
#include "record/record.h"
#include "common/json_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/sha256.h"

#define REC_STORE_MAX 256
#define REC_STORE_BYTES (64ull << 20)
#define REC_FILE_MAX (16ull << 20)

bool rec_enabled(void)
{
    const char *off = getenv("HOIST_NO_CACHE");
    return !off || !off[0] || !strcmp(off, "0");
}

static bool default_dir(char *dir, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(dir, size, "%s/hoist/records", xdg);
    else if (home && home[0] == '/')
        n = snprintf(dir, size, "%s/.cache/hoist/records", home);
    else
        return false;
    return n > 0 && (size_t)n < size;
}

static bool mkdir_p(char *dir)
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

bool rec_path(char *buf, size_t size, const char *dir, const char *engine, const char *endpoint,
              const char *context, const char *dockerfile, const char *target)
{
    char d[4096];
    if (dir && *dir)
        snprintf(d, sizeof(d), "%s", dir);
    else if (!rec_enabled() || !default_dir(d, sizeof(d)))
        return false;
    _cleanup_free_ char *key = NULL;
    if (asprintf(&key, "hoist-record-%d\n%s\n%s\n%s\n%s\n%s\n", REC_FORMAT, engine ? engine : "",
                 endpoint ? endpoint : "", context ? context : "", dockerfile ? dockerfile : "",
                 target ? target : "") < 0)
        return false;
    char hexs[2 * HOIST_SHA256_SIZE + 1];
    hoist_sha256_hex(key, strlen(key), hexs);
    hexs[40] = '\0'; /* the first 20 bytes name the file */
    int w = snprintf(buf, size, "%s/%s-%s.json", d, engine ? engine : "engine", hexs);
    return w > 0 && (size_t)w < size;
}

int rec_load(rec **out, const char *path, hoist_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) || !S_ISREG(st.st_mode) || (unsigned long long)st.st_size > REC_FILE_MAX)
        return 0;
    json_error_t jerr;
    _cleanup_json_ json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        return 0;
    hoist_error ignored = HOIST_ERROR_INIT;
    if (rec_from_json(out, j, &ignored)) {
        if (ignored.code == HOIST_EUSAGE || ignored.reason == HOIST_REASON_NOMEM)
            return hoist_error_nomem(err);
        *out = NULL;
    }
    return 0;
}

typedef struct aged {
    char *path;
    long long mtime;
    unsigned long long size;
} aged;

static int by_age(const void *a, const void *b)
{
    const aged *x = a, *y = b;
    return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

static void evict(const char *dir)
{
    _cleanup_closedir_ DIR *d = opendir(dir);
    if (!d)
        return;
    aged *list = NULL;
    size_t n = 0, cap = 0;
    unsigned long long total = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json"))
            continue;
        char *p = NULL;
        struct stat st;
        if (asprintf(&p, "%s/%s", dir, de->d_name) < 0)
            break;
        if (stat(p, &st)) {
            free(p);
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            aged *nl = realloc(list, nc * sizeof(*nl));
            if (!nl) {
                free(p);
                break;
            }
            list = nl;
            cap = nc;
        }
        list[n++] = (aged){p, (long long)st.st_mtime, (unsigned long long)st.st_size};
        total += (unsigned long long)st.st_size;
    }
    if (n)
        qsort(list, n, sizeof(*list), by_age);
    for (size_t i = 0; i < n; i++) {
        if (n - i > REC_STORE_MAX || total > REC_STORE_BYTES) {
            unlink(list[i].path);
            total -= list[i].size;
        }
        free(list[i].path);
    }
    free(list);
}

int rec_save(const rec *r, const char *path, hoist_error *err)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return hoist_error_set(err, HOIST_EUSAGE, "record path %s has no directory", path);
    *slash = '\0';
    if (!mkdir_p(dir))
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno),
                                "cannot make the record directory %s: %s", dir, strerror(errno));
    _cleanup_json_ json_t *j = rec_to_json(r);
    if (!j)
        return hoist_error_nomem(err);
    _cleanup_free_ char *text = json_dumps(j, JSON_COMPACT);
    if (!text)
        return hoist_error_nomem(err);
    size_t len = strlen(text);
    if (len > REC_FILE_MAX)
        return hoist_error_set(err, HOIST_EFAILED, "build record too large (%zu bytes): not kept", len);
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno), "cannot write %s: %s", tmp,
                                strerror(errno));
    bool ok = write(fd, text, len) == (ssize_t)len;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        return hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(e), "cannot write %s: %s", path,
                                strerror(e));
    }
    evict(dir);
    return 0;
}
