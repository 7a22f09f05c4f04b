/*
 * util.c - helpers shared by the detectors and the generator: a string pool
 * that owns everything a detection returns, string lists, reading project
 * files, a sorted source walk that skips dependency and output folders, and
 * the small text scanners detection needs (lines, a port heuristic, one-line
 * TOML strings). Nothing here understands a language; detect_*.c do.
 */
#include "gen/gen_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/vec.h"

void gen_pool_free(gen_pool *pool)
{
    for (size_t i = 0; i < pool->count; i++)
        free(pool->items[i]);
    free(pool->items);
    pool->items = NULL;
    pool->count = pool->cap = 0;
}

static const char *pool_take(gen_pool *pool, char *s)
{
    if (!s)
        return NULL;
    char **items = hoist_vec_grow(pool->items, &pool->cap, pool->count, sizeof(*items), 32);
    if (!items) {
        free(s);
        return NULL;
    }
    pool->items = items;
    pool->items[pool->count++] = s;
    return s;
}

const char *gen_pool_strdup(gen_pool *pool, const char *s)
{
    return s ? pool_take(pool, strdup(s)) : NULL;
}

const char *gen_pool_strndup(gen_pool *pool, const char *s, size_t n)
{
    return s ? pool_take(pool, strndup(s, n)) : NULL;
}

const char *gen_pool_printf(gen_pool *pool, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : pool_take(pool, s);
}

bool gen_strv_push(gen_strv *v, const char *s)
{
    if (!s)
        return false;
    const char **items = hoist_vec_grow(v->items, &v->cap, v->count, sizeof(*items), 8);
    if (!items)
        return false;
    v->items = items;
    v->items[v->count++] = s;
    return true;
}

bool gen_strv_contains(const gen_strv *v, const char *s)
{
    for (size_t i = 0; i < v->count; i++)
        if (!strcmp(v->items[i], s))
            return true;
    return false;
}

void gen_strv_free(gen_strv *v)
{
    free(v->items);
    v->items = NULL;
    v->count = v->cap = 0;
}

int gen_read_file(const char *dir, const char *rel, char **data, size_t *len)
{
    *data = NULL;
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, rel) < 0)
        return -1;
    _cleanup_fclose_ FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (!buf)
        return -1;
    for (;;) {
        if (cap - n < 2) {
            if (cap >= (size_t)64 << 20) { /* manifests are small; refuse huge files */
                errno = EFBIG;
                return -1;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                return -1;
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f))
        return -1;
    buf[n] = 0;
    if (len)
        *len = n;
    *data = TAKE_PTR(buf);
    return 0;
}

static bool stat_is(const char *dir, const char *rel, mode_t type)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, rel) < 0)
        return false;
    struct stat st;
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

bool gen_file_exists(const char *dir, const char *rel)
{
    return stat_is(dir, rel, S_IFREG);
}

static bool skipped_dir(const char *name)
{
    static const char *const skip[] = {"node_modules", "vendor", "target", "build", "builddir",
                                       "testdata", "dist", "__pycache__", "venv", NULL};
    if (name[0] == '.' || name[0] == '_')
        return true;
    for (size_t i = 0; skip[i]; i++)
        if (!strcmp(name, skip[i]))
            return true;
    return false;
}

static bool has_suffix(const char *name, const char *const *suffixes)
{
    size_t n = strlen(name);
    for (size_t i = 0; suffixes[i]; i++) {
        size_t s = strlen(suffixes[i]);
        if (n > s && !strcmp(name + n - s, suffixes[i]))
            return true;
    }
    return false;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_level(const char *dir, const char *rel, const char *const *suffixes, int depth,
                      gen_visit_fn visit, void *user)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s%s%s", dir, rel[0] ? "/" : "", rel) < 0)
        return -1;
    _cleanup_closedir_ DIR *d = opendir(path);
    if (!d)
        return 0;
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof(*names));
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (!(names[count] = strdup(de->d_name))) {
            rc = -1;
            break;
        }
        count++;
    }
    if (rc == 0 && count)
        qsort(names, count, sizeof(*names), cmp_names);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        _cleanup_free_ char *child = NULL;
        if (asprintf(&child, "%s%s%s", rel, rel[0] ? "/" : "", names[i]) < 0) {
            rc = -1;
            break;
        }
        _cleanup_free_ char *full = NULL;
        if (asprintf(&full, "%s/%s", dir, child) < 0) {
            rc = -1;
            break;
        }
        struct stat st;
        if (lstat(full, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth > 0 && !skipped_dir(names[i]))
                rc = walk_level(dir, child, suffixes, depth - 1, visit, user);
        } else if (S_ISREG(st.st_mode) && has_suffix(names[i], suffixes)) {
            rc = visit(dir, child, user);
        }
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return rc;
}

int gen_walk_sources(const char *dir, const char *const *suffixes, int max_depth,
                     gen_visit_fn visit, void *user)
{
    return walk_level(dir, "", suffixes, max_depth, visit, user);
}

bool gen_next_line(const char *text, size_t *pos, const char **line, size_t *len)
{
    if (!text[*pos])
        return false;
    const char *s = text + *pos;
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    *line = s;
    *len = n > 0 && s[n - 1] == '\r' ? n - 1 : n;
    *pos += nl ? n + 1 : n;
    return true;
}

const char *gen_skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

bool gen_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int gen_find_port(const char *text, const char *const *markers)
{
    for (size_t m = 0; markers[m]; m++) {
        size_t ml = strlen(markers[m]);
        for (const char *p = strstr(text, markers[m]); p; p = strstr(p + 1, markers[m])) {
            const char *q = gen_skip_space(p + ml);
            if (!isdigit((unsigned char)*q))
                continue;
            long port = strtol(q, NULL, 10);
            size_t digits = strspn(q, "0123456789");
            if (digits >= 2 && digits <= 5 && port > 0 && port <= 65535)
                return (int)port;
        }
    }
    return 0;
}

/* Section name of a `[name]` header line, or NULL when the line is not one. */
static bool section_header(const char *line, size_t len, const char **name, size_t *name_len)
{
    const char *s = gen_skip_space(line);
    const char *end = line + len;
    if (s >= end || *s != '[')
        return false;
    s++;
    if (s < end && *s == '[') /* [[array.of.tables]] reads as its name */
        s++;
    const char *close = memchr(s, ']', (size_t)(end - s));
    if (!close)
        return false;
    *name = s;
    *name_len = (size_t)(close - s);
    return true;
}

bool gen_toml_has_section(const char *text, const char *section)
{
    size_t pos = 0, len, nl;
    const char *line, *name;
    while (gen_next_line(text, &pos, &line, &len))
        if (section_header(line, len, &name, &nl) && nl == strlen(section) &&
            !strncmp(name, section, nl))
            return true;
    return false;
}

const char *gen_toml_string(gen_pool *pool, const char *text, const char *section,
                            const char *key)
{
    size_t pos = 0, len, nl;
    const char *line, *name;
    bool in_section = section[0] == 0;
    size_t klen = strlen(key);
    while (gen_next_line(text, &pos, &line, &len)) {
        if (section_header(line, len, &name, &nl)) {
            in_section = nl == strlen(section) && !strncmp(name, section, nl);
            continue;
        }
        if (!in_section)
            continue;
        const char *s = gen_skip_space(line);
        const char *end = line + len;
        if ((size_t)(end - s) <= klen || strncmp(s, key, klen) != 0)
            continue;
        s = gen_skip_space(s + klen);
        if (s >= end || *s != '=')
            continue;
        s = gen_skip_space(s + 1);
        if (s >= end || (*s != '"' && *s != '\''))
            continue;
        char quote = *s++;
        const char *close = memchr(s, quote, (size_t)(end - s));
        if (!close)
            continue;
        return gen_pool_strndup(pool, s, (size_t)(close - s));
    }
    return NULL;
}
