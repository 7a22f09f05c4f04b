/*
 * cache_dir.c - hoist's directories in the user's cache (see cache_dir.h).
 */
#include "common/cache_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool hoist_cache_enabled(void)
{
    const char *off = getenv("HOIST_NO_CACHE");
    return !off || !off[0] || !strcmp(off, "0");
}

bool hoist_cache_dir(const char *name, char *dir, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(dir, size, "%s/hoist/%s", xdg, name);
    else if (home && home[0] == '/')
        n = snprintf(dir, size, "%s/.cache/hoist/%s", home, name);
    else
        return false;
    return n > 0 && (size_t)n < size;
}

bool hoist_cache_mkdir(char *dir)
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

typedef struct entry {
    char *name;
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

void hoist_cache_bound(const char *dir, bool (*is_entry)(const char *name), size_t max_files,
                       unsigned long long max_bytes, size_t keep_files, unsigned long long keep_bytes)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    entry *v = NULL;
    size_t n = 0, cap = 0;
    unsigned long long total = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!is_entry(de->d_name))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, 0) || !S_ISREG(st.st_mode))
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            entry *nv = realloc(v, nc * sizeof(*v));
            if (!nv)
                break;
            v = nv;
            cap = nc;
        }
        if (!(v[n].name = strdup(de->d_name)))
            break;
        v[n].size = (unsigned long long)st.st_size;
        v[n].mtime = st.st_mtim;
        total += v[n++].size;
    }
    if (n > max_files || total > max_bytes) {
        qsort(v, n, sizeof(*v), by_age);
        for (size_t i = 0; i < n && (n - i > keep_files || total > keep_bytes); i++) {
            unlinkat(dirfd(d), v[i].name, 0);
            total -= v[i].size;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
    closedir(d);
}
