/*
 * walk.c - the context's tar entries, in the order Docker writes them.
 *
 * Docker walks the context with Go's filepath.WalkDir: depth first, each
 * directory's names sorted bytewise, the root itself not an entry. For each
 * path it asks the pattern matcher (passing the parent directory's
 * per-pattern results down) whether it is excluded. An excluded file is
 * skipped. An excluded directory is skipped with everything below it,
 * unless some exception pattern's text starts with "<dir>/"; then it is
 * walked (its children are judged one by one) but the directory entry
 * itself is not sent. Sent regular files with more than one link become
 * hard-link entries after their first name (inode-keyed, like Docker).
 *
 * The iterator keeps one sorted listing per open directory level and the
 * per-pattern flags of each level, nothing else, so memory does not grow
 * with the size of the tree. With HOIST_ITER_EXCLUDED it also reports what
 * is not sent (and walks pruned trees just to count them) for --stats and
 * --explain.
 *
 * Docker's own tar would hold fifos; hoist skips them (and sockets, which
 * Docker also skips) with a note, because a fifo in a context is almost
 * always an accident and reading one blocks.
 */
#include "context_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ignore/ignore_internal.h"
#include "common/vec.h"

typedef struct walk_frame {
    char **names;
    size_t n, idx;
    size_t rel_len;       /* length of this directory's relative path */
    uint8_t *matched;     /* per-pattern results for this directory; NULL at root */
    bool pruned;          /* below an excluded, unwalked directory */
    int pruned_pattern;
    DIR *dir;             /* kept open (first FRAME_FDS levels) so that entries are
                             reached with fstatat/openat from it instead of a
                             lookup of their whole path; NULL: use the path */
} walk_frame;

/* Levels that keep their directory open: deeper trees fall back to full
 * paths rather than run out of descriptors. */
#define FRAME_FDS 64

typedef struct link_slot {
    ino_t ino;
    char *name;
} link_slot;

enum walk_phase { PHASE_WALK, PHASE_DOCKERFILE, PHASE_DOCKERIGNORE, PHASE_DONE };

struct hoist_context_iter {
    hoist_context *ctx;
    unsigned int flags;
    walk_frame *frames;
    size_t depth, cap;
    char *abs;            /* ctx->dir + "/" + relative path */
    size_t abs_cap, root_len;
    char *link;
    size_t link_cap;
    hoist_context_entry entry;
    int fd;
    char *data;           /* generated content of the current entry */
    size_t data_len;
    link_slot *links;
    size_t nlinks, links_cap;
    enum walk_phase phase;
    bool sent_dockerignore;
    struct stat st;       /* lstat of the current entry */
    int cur_dfd;          /* directory of the current entry, or AT_FDCWD */
    const char *cur_path; /* the current entry relative to cur_dfd */
};

int context_iter_fd(const hoist_context_iter *it) { return it->fd; }

const struct stat *context_iter_stat(const hoist_context_iter *it) { return &it->st; }

const void *context_iter_data(const hoist_context_iter *it, size_t *len)
{
    *len = it->data_len;
    return it->data;
}

static void frame_clear(walk_frame *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    free(f->matched);
    if (f->dir)
        closedir(f->dir);
    memset(f, 0, sizeof(*f));
}

static void release_current(hoist_context_iter *it)
{
    if (it->fd >= 0)
        close(it->fd);
    it->fd = -1;
    free(it->data);
    it->data = NULL;
    it->data_len = 0;
}

void hoist_context_iter_free(hoist_context_iter *it)
{
    if (!it)
        return;
    release_current(it);
    while (it->depth > 0)
        frame_clear(&it->frames[--it->depth]);
    free(it->frames);
    for (size_t i = 0; i < it->links_cap; i++)
        free(it->links[i].name);
    free(it->links);
    free(it->abs);
    free(it->link);
    free(it);
}
HOIST_DEFINE_FREEP(hoist_context_iter, hoist_context_iter_free)

static char *rel(hoist_context_iter *it) { return it->abs + it->root_len + 1; }

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int oom(hoist_error *err) { return hoist_error_nomem(err); }

/* Read and sort the directory at it->abs into a new frame. Returns 0, an
 * error code, or -1 when the directory could not be read and `tolerate` is
 * set (noted and skipped). */
static int push_frame(hoist_context_iter *it, size_t rel_len, uint8_t *matched, bool pruned,
                      int pruned_pattern, bool tolerate, hoist_error *err)
{
    _cleanup_free_ uint8_t *owned = matched;
    _cleanup_closedir_ DIR *d = opendir(it->abs);
    if (!d) {
        int e = errno;
        if (tolerate || e == ENOENT) {
            context_note(it->ctx, rel_len ? rel(it) : ".", "%s; not counted",
                         e == ENOENT ? "directory vanished during the walk" : strerror(e));
            return -1;
        }
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e), "cannot read directory %s: %s",
                         rel_len ? rel(it) : ".", strerror(e));
        hoist_error_at(err, it->abs, 0, 0);
        return hoist_error_hint(err, "make it readable (chmod a+rx) or exclude it in "
                                     ".dockerignore; docker build would fail the same way");
    }
    walk_frame *nf = hoist_vec_grow(it->frames, &it->cap, it->depth, sizeof(*nf), 16);
    if (!nf)
        return oom(err);
    it->frames = nf;
    walk_frame f = {0};
    size_t cap = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (f.n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(f.names, cap * sizeof(*nn));
            if (!nn) {
                frame_clear(&f);
                return oom(err);
            }
            f.names = nn;
        }
        if (!(f.names[f.n] = strdup(de->d_name))) {
            frame_clear(&f);
            return oom(err);
        }
        f.n++;
    }
    if (errno) {
        int e = errno;
        frame_clear(&f);
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e), "cannot list directory %s: %s",
                         rel_len ? rel(it) : ".", strerror(e));
        hoist_error_at(err, it->abs, 0, 0);
        return hoist_error_hint(err, "check the file system and permissions");
    }
    if (f.n > 1)
        qsort(f.names, f.n, sizeof(char *), cmp_names);
    f.rel_len = rel_len;
    f.matched = TAKE_PTR(owned);
    f.pruned = pruned;
    f.pruned_pattern = pruned_pattern;
    if (it->depth < FRAME_FDS)
        f.dir = TAKE_PTR(d);
    it->frames[it->depth++] = f;
    return 0;
}

int hoist_context_iter_new(hoist_context_iter **out, hoist_context *ctx, unsigned int flags,
                           hoist_error *err)
{
    *out = NULL;
    _cleanup_(hoist_context_iter_freep) hoist_context_iter *it = calloc(1, sizeof(*it));
    if (!it)
        return oom(err);
    it->ctx = ctx;
    it->flags = flags;
    it->fd = -1;
    it->root_len = strlen(ctx->dir);
    it->abs_cap = it->root_len + 256;
    if (!(it->abs = malloc(it->abs_cap)))
        return oom(err);
    memcpy(it->abs, ctx->dir, it->root_len + 1);
    it->abs[it->root_len + 1] = '\0';
    int rc = push_frame(it, 0, NULL, false, -1, false, err);
    if (rc > 0)
        return rc;
    *out = TAKE_PTR(it);
    return 0;
}

/* Put "<dir rel>/<name>" after the root in it->abs. */
static int set_path(hoist_context_iter *it, size_t dir_len, const char *name, hoist_error *err)
{
    size_t nlen = strlen(name);
    size_t need = it->root_len + 1 + dir_len + 1 + nlen + 1;
    if (need > it->abs_cap) {
        size_t cap = need * 2;
        char *na = realloc(it->abs, cap);
        if (!na)
            return oom(err);
        it->abs = na;
        it->abs_cap = cap;
    }
    it->abs[it->root_len] = '/';
    char *r = rel(it);
    size_t at = dir_len;
    if (dir_len)
        r[at++] = '/';
    memcpy(r + at, name, nlen + 1);
    return 0;
}

static const char *link_seen(hoist_context_iter *it, ino_t ino, const char *name, int *rc)
{
    *rc = 0;
    if ((it->nlinks + 1) * 10 >= it->links_cap * 7) {
        size_t cap = it->links_cap ? it->links_cap * 2 : 64;
        link_slot *ns = calloc(cap, sizeof(*ns));
        if (!ns) {
            *rc = -1;
            return NULL;
        }
        for (size_t i = 0; i < it->links_cap; i++) {
            if (!it->links[i].name)
                continue;
            size_t h = (size_t)it->links[i].ino * 0x9E3779B97F4A7C15ull % cap;
            while (ns[h].name)
                h = (h + 1) % cap;
            ns[h] = it->links[i];
        }
        free(it->links);
        it->links = ns;
        it->links_cap = cap;
    }
    size_t h = (size_t)ino * 0x9E3779B97F4A7C15ull % it->links_cap;
    while (it->links[h].name) {
        if (it->links[h].ino == ino)
            return it->links[h].name;
        h = (h + 1) % it->links_cap;
    }
    if (!(it->links[h].name = strdup(name))) {
        *rc = -1;
        return NULL;
    }
    it->links[h].ino = ino;
    it->nlinks++;
    return NULL;
}

static int read_link(hoist_context_iter *it, size_t size_hint, hoist_error *err)
{
    size_t need = size_hint + 2 > 256 ? size_hint + 2 : 256;
    for (;;) {
        if (need > it->link_cap) {
            char *nl = realloc(it->link, need);
            if (!nl)
                return oom(err);
            it->link = nl;
            it->link_cap = need;
        }
        ssize_t n = readlinkat(it->cur_dfd, it->cur_path, it->link, it->link_cap);
        if (n < 0) {
            hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                             "cannot read symlink %s: %s", rel(it), strerror(errno));
            hoist_error_at(err, it->abs, 0, 0);
            return hoist_error_hint(err, "check the link and its directory's permissions");
        }
        if ((size_t)n < it->link_cap) {
            it->link[n] = '\0';
            return 0;
        }
        need = it->link_cap * 2;
    }
}

hoist_entry_type context_type_of_mode(mode_t m)
{
    if (S_ISDIR(m)) return HOIST_ENTRY_DIR;
    if (S_ISLNK(m)) return HOIST_ENTRY_SYMLINK;
    if (S_ISCHR(m)) return HOIST_ENTRY_CHAR;
    if (S_ISBLK(m)) return HOIST_ENTRY_BLOCK;
    if (S_ISFIFO(m)) return HOIST_ENTRY_FIFO;
    if (S_ISSOCK(m)) return HOIST_ENTRY_SOCKET;
    return HOIST_ENTRY_FILE;
}

static void fill_entry(hoist_context_iter *it, const struct stat *st)
{
    hoist_context_entry *e = &it->entry;
    it->st = *st;
    memset(e, 0, sizeof(*e));
    e->name = rel(it);
    e->type = context_type_of_mode(st->st_mode);
    e->mode = st->st_mode;
    e->size = e->type == HOIST_ENTRY_FILE ? (uint64_t)st->st_size : 0;
    e->mtime = (int64_t)st->st_mtime;
    e->dev_major = major(st->st_rdev);
    e->dev_minor = minor(st->st_rdev);
    e->pattern = -1;
}

/* The docker CLI appends the outside Dockerfile's generated name to the
 * .dockerignore it sends. */
static int extend_dockerignore(hoist_context_iter *it, hoist_error *err)
{
    hoist_context *ctx = it->ctx;
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    if (it->fd >= 0) {
        size_t cap = it->entry.size + strlen(ctx->dockerfile_name) + 3;
        if (!(buf = malloc(cap)))
            return oom(err);
        while (len < it->entry.size) {
            ssize_t r = read(it->fd, buf + len, it->entry.size - len);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            len += (size_t)r;
        }
        close(it->fd);
        it->fd = -1;
        len += (size_t)sprintf(buf + len, "\n%s\n", ctx->dockerfile_name);
    } else if (asprintf(&buf, ".dockerignore\n%s\n", ctx->dockerfile_name) >= 0) {
        len = strlen(buf);
    } else {
        buf = NULL;
        return oom(err);
    }
    it->data = TAKE_PTR(buf);
    it->data_len = len;
    it->entry.size = len;
    it->entry.generated = true;
    return 0;
}

static int generated_entry(hoist_context_iter *it, const char *name, const hoist_context_entry **out,
                           hoist_error *err)
{
    if (set_path(it, 0, name, err))
        return HOIST_EFAILED;
    hoist_context_entry *e = &it->entry;
    memset(e, 0, sizeof(*e));
    e->name = rel(it);
    e->type = HOIST_ENTRY_FILE;
    e->mode = S_IFREG | 0600;
    e->mtime = it->ctx->generated_mtime;
    e->sent = true;
    e->pattern = -1;
    e->generated = true;
    *out = e;
    return 0;
}

static int finish(hoist_context_iter *it, const hoist_context_entry **out, hoist_error *err)
{
    hoist_context *ctx = it->ctx;
    if (it->phase == PHASE_WALK)
        it->phase = ctx->dockerfile_outside ? PHASE_DOCKERFILE : PHASE_DONE;
    if (it->phase == PHASE_DOCKERFILE) {
        it->phase = it->sent_dockerignore ? PHASE_DONE : PHASE_DOCKERIGNORE;
        if (generated_entry(it, ctx->dockerfile_name, out, err))
            return HOIST_EFAILED;
        if (!(it->data = malloc(ctx->dockerfile_len + 1)))
            return oom(err);
        memcpy(it->data, ctx->dockerfile_data, ctx->dockerfile_len);
        it->data_len = ctx->dockerfile_len;
        it->entry.size = ctx->dockerfile_len;
        return 0;
    }
    if (it->phase == PHASE_DOCKERIGNORE) {
        it->phase = PHASE_DONE;
        if (generated_entry(it, ".dockerignore", out, err))
            return HOIST_EFAILED;
        return extend_dockerignore(it, err);
    }
    *out = NULL;
    return 0;
}

void context_iter_skip_dir(hoist_context_iter *it)
{
    if (it->entry.type != HOIST_ENTRY_DIR || !it->depth)
        return;
    walk_frame *f = &it->frames[it->depth - 1];
    if (f->idx == 0 && f->rel_len == strlen(it->entry.name)) {
        frame_clear(f);
        it->depth--;
    }
}

int hoist_context_iter_next(hoist_context_iter *it, const hoist_context_entry **out,
                            hoist_error *err)
{
    const hoist_ignore *ig = it->ctx->ignore;
    const bool want_excluded = it->flags & HOIST_ITER_EXCLUDED;
    *out = NULL;
    release_current(it);
    while (it->depth > 0) {
        walk_frame *f = &it->frames[it->depth - 1];
        if (f->idx == f->n) {
            frame_clear(f);
            it->depth--;
            continue;
        }
        const char *name = f->names[f->idx++];
        size_t dir_len = f->rel_len;
        if (set_path(it, dir_len, name, err))
            return HOIST_EFAILED;
        size_t rlen = dir_len + (dir_len ? 1 : 0) + strlen(name);
        it->cur_dfd = f->dir ? dirfd(f->dir) : AT_FDCWD;
        it->cur_path = f->dir ? name : it->abs;
        struct stat st;
        /* the full path must still fit the kernel's limit, as docker's
         * lstat of it would fail, even though it is not looked up whole */
        bool too_long = it->root_len + 1 + rlen >= PATH_MAX;
        if (too_long || fstatat(it->cur_dfd, it->cur_path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            int e = too_long ? ENAMETOOLONG : errno;
            if (e == ENOENT) {
                context_note(it->ctx, rel(it), "vanished during the walk; not sent");
                continue;
            }
            if (e == ENAMETOOLONG) {
                /* The path is too long for the kernel (PATH_MAX): say so
                 * with its start only, the message would not hold it. */
                hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_LIMIT, "a path in the context is %zu bytes long, over the "
                                "system's limit of %d: %.200s...", strlen(it->abs), PATH_MAX, rel(it));
                hoist_error_at(err, it->ctx->dir, 0, 0);
                return hoist_error_hint(err, "shorten the directory names, or exclude that directory in "
                                             ".dockerignore; docker build fails on it the same way");
            }
            hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e), "cannot stat %s: %s", rel(it), strerror(e));
            hoist_error_at(err, it->abs, 0, 0);
            return hoist_error_hint(err, "make its directory searchable or exclude it in "
                                         ".dockerignore");
        }
        fill_entry(it, &st);
        hoist_context_entry *e = &it->entry;
        bool is_dir = S_ISDIR(st.st_mode);

        if (f->pruned) {
            e->pattern = f->pruned_pattern;
            e->pruned = true;
            if (is_dir) {
                int rc = push_frame(it, rlen, NULL, true, f->pruned_pattern, true, err);
                if (rc > 0)
                    return rc;
            }
            *out = e;
            return 0;
        }

        uint8_t *self = NULL;
        if (ig->count && !(self = calloc(ig->count, 1)))
            return oom(err);
        bool skip = false;
        int decider = -1, bad;
        ignore_match_using_parent(ig, rel(it), rlen, f->matched, self, &skip, &decider, &bad);
        if (bad >= 0) {
            free(self);
            return ignore_bad_pattern_error(ig, bad, rel(it), err);
        }
        e->pattern = decider;

        if (skip) {
            if (!is_dir) {
                free(self);
                if (!want_excluded)
                    continue;
                *out = e;
                return 0;
            }
            if (hoist_ignore_must_walk_excluded_dir(ig, rel(it))) {
                int rc = push_frame(it, rlen, self, false, -1, false, err);
                if (rc > 0)
                    return rc;
            } else {
                free(self);
                if (!want_excluded)
                    continue;
                int rc = push_frame(it, rlen, NULL, true, decider, true, err);
                if (rc > 0)
                    return rc;
            }
            if (!want_excluded)
                continue;
            *out = e;
            return 0;
        }

        if (e->type == HOIST_ENTRY_SOCKET || e->type == HOIST_ENTRY_FIFO) {
            free(self);
            context_note(it->ctx, rel(it), "%s skipped (not sent)",
                         e->type == HOIST_ENTRY_SOCKET ? "socket" : "fifo");
            if (!want_excluded)
                continue;
            *out = e;
            return 0;
        }
        e->sent = true;
        if (dir_len == 0 && !strcmp(name, ".dockerignore"))
            it->sent_dockerignore = true;
        if (is_dir) {
            int rc = push_frame(it, rlen, self, false, -1, false, err);
            if (rc > 0)
                return rc;
            *out = e;
            return 0;
        }
        free(self);
        if (st.st_nlink > 1) {
            int rc;
            const char *first = link_seen(it, st.st_ino, rel(it), &rc);
            if (rc)
                return oom(err);
            if (first) {
                e->type = HOIST_ENTRY_HARDLINK;
                e->link = first;
                e->size = 0;
                *out = e;
                return 0;
            }
        }
        if (e->type == HOIST_ENTRY_SYMLINK) {
            int rc = read_link(it, (size_t)st.st_size, err);
            if (rc)
                return rc;
            e->link = it->link;
        } else if (e->type == HOIST_ENTRY_FILE && !(it->flags & CONTEXT_ITER_NO_OPEN)) {
            it->fd = openat(it->cur_dfd, it->cur_path,
                            O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
            if (it->fd < 0) {
                int en = errno;
                if (en == ENOENT) {
                    context_note(it->ctx, rel(it), "vanished during the walk; not sent");
                    continue;
                }
                hoist_error_set(err, HOIST_EINPUT, "cannot read %s: %s", rel(it), strerror(en));
                hoist_error_at(err, it->abs, 0, 0);
                return hoist_error_hint(err, "make it readable (chmod a+r) or exclude it in "
                                             ".dockerignore; docker build would fail the same way");
            }
            if (dir_len == 0 && !strcmp(name, ".dockerignore") && it->ctx->dockerfile_outside) {
                int rc = extend_dockerignore(it, err);
                if (rc)
                    return rc;
            }
        }
        *out = e;
        return 0;
    }
    return finish(it, out, err);
}
