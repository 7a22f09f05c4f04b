/*
 * fs_walk.c - fsutil's walk on top of the context walker (see fs_walk.h).
 *
 * The context iterator (lib/context/walk.c) supplies the order and the
 * exclude patterns, including Docker's rule that an excluded directory is
 * still walked when an exception names something inside it. This file adds
 * the include filter and makes sure every entry's parent directories were
 * sent before it: fsutil sends a directory that is excluded but walked, and
 * the directories leading to an included path, so a missing parent is
 * stat'ed and sent first.
 */
#include "session/fs_walk.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "context/context_internal.h"
#include "ignore/ignore_internal.h"
#include "common/vec.h"

typedef struct pending {
    fs_entry e;
    char *path, *link;
} pending;

struct fs_walk {
    hoist_context *ctx;
    hoist_context_iter *it;
    char *root;
    char **includes;
    size_t n_includes, includes_cap;
    bool filter_includes;
    char *last_included_dir;
    char **stack;            /* directories sent, outermost first */
    size_t depth, stack_cap;
    pending *queue;          /* entries due before the next walker step */
    size_t q_head, q_len, q_cap;
    pending current;         /* what the last call returned */
};

static int oom(hoist_error *err) { return hoist_error_nomem(err); }

uint32_t fs_go_mode(mode_t m)
{
    uint32_t g = m & 0777;
    switch (m & S_IFMT) {
    case S_IFDIR: g |= 1u << 31; break;
    case S_IFLNK: g |= 1u << 27; break;
    case S_IFBLK: g |= 1u << 26; break;
    case S_IFCHR: g |= 1u << 26 | 1u << 21; break;
    case S_IFIFO: g |= 1u << 25; break;
    case S_IFSOCK: break; /* fsutil clears the socket bit */
    default: break;
    }
    if (m & S_ISUID) g |= 1u << 23;
    if (m & S_ISGID) g |= 1u << 22;
    if (m & S_ISVTX) g |= 1u << 20;
    return g;
}

void fs_match_prefix(const char *pattern, const char *path, bool *matched, bool *partial)
{
    size_t slashes = 0;
    for (const char *p = path; *p; p++)
        slashes += *p == '/';
    *partial = false;
    char buf[4096];
    const char *pat = pattern;
    size_t seen = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p == '/' && seen++ == slashes) {
            size_t n = (size_t)(p - pattern);
            if (n >= sizeof(buf))
                n = sizeof(buf) - 1;
            memcpy(buf, pattern, n);
            buf[n] = '\0';
            pat = buf;
            *partial = true;
            break;
        }
    }
    *matched = fnmatch(pat, path, FNM_PATHNAME) == 0;
}

static void pending_clear(pending *p)
{
    free(p->path);
    free(p->link);
    memset(p, 0, sizeof(*p));
}

void fs_walk_free(fs_walk *w)
{
    if (!w)
        return;
    hoist_context_iter_free(w->it);
    hoist_context_free(w->ctx);
    for (size_t i = 0; i < w->n_includes; i++)
        free(w->includes[i]);
    free(w->includes);
    free(w->last_included_dir);
    for (size_t i = 0; i < w->depth; i++)
        free(w->stack[i]);
    free(w->stack);
    for (size_t i = 0; i < w->q_len; i++)
        pending_clear(&w->queue[(w->q_head + i) % w->q_cap]);
    free(w->queue);
    pending_clear(&w->current);
    free(w->root);
    free(w);
}
HOIST_DEFINE_FREEP(fs_walk, fs_walk_free)

static int add_include(fs_walk *w, const char *pattern, hoist_error *err)
{
    while (pattern[0] == '/')
        pattern++;
    char *clean = ignore_go_clean_path(pattern, strlen(pattern));
    if (!clean)
        return oom(err);
    for (size_t i = 0; i < w->n_includes; i++) {
        if (!strcmp(w->includes[i], clean)) {
            free(clean);
            return 0;
        }
    }
    char **ni = hoist_vec_grow(w->includes, &w->includes_cap, w->n_includes, sizeof(*ni), 8);
    if (!ni) {
        free(clean);
        return oom(err);
    }
    w->includes = ni;
    w->includes[w->n_includes++] = clean;
    return 0;
}

/* A followpath is included, and so is what its symlink points to. */
static int add_follow(fs_walk *w, const char *path, int depth, hoist_error *err)
{
    int rc = add_include(w, path, err);
    if (rc || depth > 16)
        return rc;
    _cleanup_free_ char *abs = NULL;
    if (asprintf(&abs, "%s/%s", w->root, path) < 0)
        return oom(err);
    char target[4096];
    ssize_t n = readlink(abs, target, sizeof(target) - 1);
    if (n <= 0)
        return 0; /* not a symlink (or missing): nothing to follow */
    target[n] = '\0';
    _cleanup_free_ char *joined = NULL;
    if (target[0] == '/') {
        joined = strdup(target + 1);
    } else {
        const char *slash = strrchr(path, '/');
        if (slash) {
            if (asprintf(&joined, "%.*s/%s", (int)(slash - path), path, target) < 0)
                joined = NULL;
        } else {
            joined = strdup(target);
        }
    }
    if (!joined)
        return oom(err);
    _cleanup_free_ char *clean = ignore_go_clean_path(joined, strlen(joined));
    if (!clean)
        return oom(err);
    if (!strcmp(clean, "..") || !strncmp(clean, "../", 3))
        return 0; /* outside the directory: fsutil cannot send it either */
    return add_follow(w, clean, depth + 1, err);
}

int fs_walk_new(fs_walk **out, const char *dir, const fs_walk_options *o, hoist_error *err)
{
    *out = NULL;
    _cleanup_(fs_walk_freep) fs_walk *w = calloc(1, sizeof(*w));
    if (!w)
        return oom(err);
    hoist_ignore *ig = NULL;
    int rc = hoist_ignore_new(&ig, err);
    for (size_t i = 0; !rc && i < o->n_excludes; i++)
        rc = hoist_ignore_add_line(ig, o->excludes[i], "exclude-patterns", (int)i + 1, err);
    if (rc) {
        hoist_ignore_free(ig);
        return rc;
    }
    rc = context_open_plain(&w->ctx, dir, ig, err);
    if (rc)
        return rc;
    if (!(w->root = strdup(hoist_context_dir(w->ctx))))
        return oom(err);
    w->filter_includes = o->includes != NULL || o->n_follow > 0;
    for (size_t i = 0; i < o->n_includes; i++)
        if ((rc = add_include(w, o->includes[i], err)))
            return rc;
    for (size_t i = 0; i < o->n_follow; i++)
        if ((rc = add_follow(w, o->follow[i], 0, err)))
            return rc;
    rc = hoist_context_iter_new(&w->it, w->ctx, CONTEXT_ITER_NO_OPEN, err);
    if (rc)
        return rc;
    *out = TAKE_PTR(w);
    return 0;
}

static int enqueue(fs_walk *w, const char *path, const struct stat *st, const char *link, bool hardlink,
                   hoist_error *err)
{
    if (w->q_len == w->q_cap) {
        size_t cap = w->q_cap ? w->q_cap * 2 : 16;
        pending *nq = calloc(cap, sizeof(*nq));
        if (!nq)
            return oom(err);
        for (size_t i = 0; i < w->q_len; i++)
            nq[i] = w->queue[(w->q_head + i) % w->q_cap];
        free(w->queue);
        w->queue = nq;
        w->q_cap = cap;
        w->q_head = 0;
    }
    pending *p = &w->queue[(w->q_head + w->q_len) % w->q_cap];
    memset(p, 0, sizeof(*p));
    p->path = strdup(path);
    p->link = strdup(link ? link : "");
    if (!p->path || !p->link) {
        pending_clear(p);
        return oom(err);
    }
    w->q_len++;
    fs_entry *e = &p->e;
    e->mode = fs_go_mode(st->st_mode);
    e->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    e->size = S_ISDIR(st->st_mode) || hardlink ? 0 : (int64_t)st->st_size;
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
        e->devmajor = major(st->st_rdev);
        e->devminor = minor(st->st_rdev);
    }
    e->requestable = S_ISREG(st->st_mode); /* fsutil: no os.ModeType bit */
    return 0;
}

static int push_dir(fs_walk *w, const char *path, hoist_error *err)
{
    char **ns = hoist_vec_grow(w->stack, &w->stack_cap, w->depth, sizeof(*ns), 16);
    if (!ns)
        return oom(err);
    w->stack = ns;
    if (!(w->stack[w->depth] = strdup(path)))
        return oom(err);
    w->depth++;
    return 0;
}

static bool is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && path[n] == '/';
}

/* Queue the parent directories of `path` that were not sent yet. */
static int ensure_parents(fs_walk *w, const char *path, hoist_error *err)
{
    while (w->depth && !is_under(path, w->stack[w->depth - 1]))
        free(w->stack[--w->depth]);
    size_t have = w->depth ? strlen(w->stack[w->depth - 1]) + 1 : 0;
    for (const char *p = path + have; (p = strchr(p, '/')); p++) {
        _cleanup_free_ char *parent = strndup(path, (size_t)(p - path));
        _cleanup_free_ char *abs = NULL;
        if (!parent || asprintf(&abs, "%s/%s", w->root, parent) < 0)
            return oom(err);
        struct stat st;
        if (lstat(abs, &st) < 0) {
            hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "cannot stat %s: %s", parent, strerror(errno));
            return hoist_error_at(err, abs, 0, 0);
        }
        int rc = enqueue(w, parent, &st, NULL, false, err);
        if (!rc)
            rc = push_dir(w, parent, err);
        if (rc)
            return rc;
    }
    return 0;
}

static bool included(fs_walk *w, const char *path, bool is_dir, bool *prune)
{
    *prune = false;
    if (!w->filter_includes)
        return true;
    if (w->last_included_dir && is_under(path, w->last_included_dir))
        return true;
    bool matched = false, partial = true;
    for (size_t i = 0; i < w->n_includes; i++) {
        bool m, p;
        fs_match_prefix(w->includes[i], path, &m, &p);
        if (m) {
            matched = true;
            if (!p) {
                partial = false;
                break;
            }
        }
    }
    if (!matched) {
        *prune = is_dir;
        return false;
    }
    if (!partial && is_dir) {
        free(w->last_included_dir);
        w->last_included_dir = strdup(path);
    }
    return true;
}

int fs_walk_next(fs_walk *w, const fs_entry **out, hoist_error *err)
{
    *out = NULL;
    pending_clear(&w->current);
    while (!w->q_len) {
        const hoist_context_entry *e;
        int rc = hoist_context_iter_next(w->it, &e, err);
        if (rc)
            return rc;
        if (!e)
            return 0;
        bool is_dir = e->type == HOIST_ENTRY_DIR, prune;
        if (!included(w, e->name, is_dir, &prune)) {
            if (prune)
                context_iter_skip_dir(w->it);
            continue;
        }
        _cleanup_free_ char *name = strdup(e->name);
        if (!name)
            return oom(err);
        struct stat st = *context_iter_stat(w->it);
        const char *link = e->link;
        bool hardlink = e->type == HOIST_ENTRY_HARDLINK;
        _cleanup_free_ char *link_copy = link ? strdup(link) : NULL;
        if (link && !link_copy)
            return oom(err);
        if ((rc = ensure_parents(w, name, err)))
            return rc;
        if ((rc = enqueue(w, name, &st, link_copy, hardlink, err)))
            return rc;
        if (is_dir && (rc = push_dir(w, name, err)))
            return rc;
    }
    w->current = w->queue[w->q_head];
    w->q_head = (w->q_head + 1) % w->q_cap;
    w->q_len--;
    w->current.e.path = w->current.path;
    w->current.e.linkname = w->current.link;
    *out = &w->current.e;
    return 0;
}
