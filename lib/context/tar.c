/*
 * tar.c - the context as a tar stream, pulled or pushed, in flat memory.
 *
 * libarchive writes the entries (PAX "restricted": plain ustar headers, with
 * PAX extended headers only where needed - long names, files over 8 GiB,
 * non-ASCII names) through a callback into a small output buffer. The
 * stream is produced on demand: each step writes one header or one chunk
 * of file data, so a reader pulling bytes (libcurl's read callback, a pipe)
 * never makes hoist hold more than one chunk plus libarchive's block.
 * Output is unblocked (no padding to 10 KiB records), like Go's tar writer.
 *
 * Names are handed to libarchive as UTF-8 under a thread-local UTF-8
 * locale, so non-ASCII names are written as PAX "path" records without
 * touching the process locale.
 */
#include "context_internal.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "context/archive_api.h"

#define TAR_CHUNK (256 * 1024)

enum tar_state { TAR_NEXT_ENTRY, TAR_DATA, TAR_CLOSING, TAR_DONE };

struct hoist_context_tar {
    hoist_archive_api api;   /* libarchive, loaded when the writer is made */
    hoist_context *ctx;
    hoist_context_iter *it;
    struct archive *a;
    struct archive_entry *entry;
    char *out;            /* bytes produced, not yet handed out */
    size_t out_len, out_off, out_cap;
    char *chunk;
    enum tar_state state;
    int fd;
    const char *data;     /* generated content being written */
    uint64_t remaining;
    uint64_t entries, bytes;
    char *current;        /* name of the entry being written, for messages */
    locale_t utf8;
};

static la_ssize_t out_write(struct archive *a, void *user, const void *buf, size_t len)
{
    (void)a;
    hoist_context_tar *t = user;
    if (t->out_off > 0 && t->out_off == t->out_len)
        t->out_off = t->out_len = 0;
    if (t->out_len + len > t->out_cap) {
        if (t->out_off > 0) {
            memmove(t->out, t->out + t->out_off, t->out_len - t->out_off);
            t->out_len -= t->out_off;
            t->out_off = 0;
        }
        if (t->out_len + len > t->out_cap) {
            size_t cap = (t->out_len + len) * 2;
            char *no = realloc(t->out, cap);
            if (!no) {
                t->api.set_error(a, ENOMEM, "out of memory");
                return -1;
            }
            t->out = no;
            t->out_cap = cap;
        }
    }
    memcpy(t->out + t->out_len, buf, len);
    t->out_len += len;
    return (la_ssize_t)len;
}

void hoist_context_tar_free(hoist_context_tar *t)
{
    if (!t)
        return;
    if (t->a)
        t->api.write_free(t->a);
    if (t->entry)
        t->api.entry_free(t->entry);
    hoist_context_iter_free(t->it);
    free(t->out);
    free(t->chunk);
    free(t->current);
    if (t->utf8)
        freelocale(t->utf8);
    hoist_archive_api_unload(&t->api);
    free(t);
}
HOIST_DEFINE_FREEP(hoist_context_tar, hoist_context_tar_free)

uint64_t hoist_context_tar_entries(const hoist_context_tar *t) { return t->entries; }
uint64_t hoist_context_tar_bytes(const hoist_context_tar *t) { return t->bytes; }

static int archive_failed(hoist_context_tar *t, hoist_error *err, const char *what)
{
    hoist_error_set(err, HOIST_EFAILED, "writing the context tar (%s%s%s): %s", what,
                    t->current ? " " : "", t->current ? t->current : "",
                    t->api.error_string(t->a) ? t->api.error_string(t->a) : "unknown error");
    return hoist_error_hint(err, "this is a bug in hoist or libarchive; please report it");
}

int hoist_context_tar_new(hoist_context_tar **out, hoist_context *ctx,
                          const hoist_tar_options *opts, hoist_error *err)
{
    static const hoist_tar_options defaults = HOIST_TAR_OPTIONS_INIT;
    const hoist_tar_options *o = opts ? opts : &defaults;
    *out = NULL;
    if (o->version != HOIST_TAR_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_tar_options: unsupported version %u",
                               o->version);
    _cleanup_(hoist_context_tar_freep) hoist_context_tar *t = calloc(1, sizeof(*t));
    if (!t)
        return hoist_error_nomem(err);
    t->ctx = ctx;
    t->fd = -1;
    t->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    int rc = hoist_archive_api_load(&t->api, err);
    if (rc)
        return rc;
    if (!(t->chunk = malloc(TAR_CHUNK)) || !(t->entry = t->api.entry_new()) ||
        !(t->a = t->api.write_new()))
        return hoist_error_nomem(err);
    rc = hoist_context_iter_new(&t->it, ctx, 0, err);
    if (rc)
        return rc;
    locale_t old = t->utf8 ? uselocale(t->utf8) : (locale_t)0;
    int ar = t->api.write_set_format_pax_restricted(t->a);
    if (ar == ARCHIVE_OK && o->gzip) {
        ar = t->api.write_add_filter_gzip(t->a);
        if (ar == ARCHIVE_OK && o->gzip_level >= 1 && o->gzip_level <= 9) {
            char lvl[32];
            snprintf(lvl, sizeof(lvl), "gzip:compression-level=%d", o->gzip_level);
            ar = t->api.write_set_options(t->a, lvl);
        }
    }
    if (ar == ARCHIVE_OK)
        ar = t->api.write_set_bytes_per_block(t->a, 0);
    if (ar == ARCHIVE_OK)
        ar = t->api.write_open(t->a, t, NULL, out_write, NULL);
    if (old)
        uselocale(old);
    if (ar != ARCHIVE_OK)
        return archive_failed(t, err, "setup");
    *out = TAKE_PTR(t);
    return 0;
}

static void fill_archive_entry(const hoist_archive_api *api, struct archive_entry *ae, const hoist_context_entry *e)
{
    api->entry_clear(ae);
    if (e->type == HOIST_ENTRY_DIR) {
        size_t n = strlen(e->name);
        char name[n + 2];
        memcpy(name, e->name, n);
        name[n] = '/';
        name[n + 1] = '\0';
        api->entry_copy_pathname(ae, name);
    } else {
        api->entry_copy_pathname(ae, e->name);
    }
    api->entry_set_mode(ae, e->mode);
    api->entry_set_uid(ae, 0);
    api->entry_set_gid(ae, 0);
    api->entry_set_mtime(ae, e->mtime, 0);
    switch (e->type) {
    case HOIST_ENTRY_HARDLINK:
        api->entry_set_filetype(ae, AE_IFREG);
        api->entry_copy_hardlink(ae, e->link);
        api->entry_set_size(ae, 0);
        break;
    case HOIST_ENTRY_SYMLINK:
        api->entry_copy_symlink(ae, e->link);
        api->entry_set_size(ae, 0);
        break;
    case HOIST_ENTRY_CHAR:
    case HOIST_ENTRY_BLOCK:
        api->entry_set_rdevmajor(ae, e->dev_major);
        api->entry_set_rdevminor(ae, e->dev_minor);
        api->entry_set_size(ae, 0);
        break;
    case HOIST_ENTRY_FILE:
        api->entry_set_size(ae, (la_int64_t)e->size);
        break;
    default:
        api->entry_set_size(ae, 0);
        break;
    }
}

/* One unit of work: a header, a chunk of data, or the trailer. */
static int tar_step(hoist_context_tar *t, hoist_error *err)
{
    switch (t->state) {
    case TAR_NEXT_ENTRY: {
        const hoist_context_entry *e = NULL;
        int rc = hoist_context_iter_next(t->it, &e, err);
        if (rc)
            return rc;
        if (!e) {
            t->state = TAR_CLOSING;
            return 0;
        }
        free(t->current);
        t->current = strdup(e->name);
        fill_archive_entry(&t->api, t->entry, e);
        if (t->api.write_header(t->a, t->entry) < ARCHIVE_WARN)
            return archive_failed(t, err, "header");
        t->entries++;
        if (e->type == HOIST_ENTRY_FILE && e->size > 0) {
            size_t len = 0;
            t->data = context_iter_data(t->it, &len);
            t->fd = t->data ? -1 : context_iter_fd(t->it);
            t->remaining = e->size;
            t->state = TAR_DATA;
        }
        return 0;
    }
    case TAR_DATA: {
        size_t want = t->remaining < TAR_CHUNK ? (size_t)t->remaining : TAR_CHUNK;
        const char *src = t->chunk;
        size_t got = 0;
        if (t->data) {
            src = t->data;
            got = want;
            t->data += want;
        } else {
            while (got < want) {
                ssize_t r = read(t->fd, t->chunk + got, want - got);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r < 0) {
                    hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                                     "cannot read %s: %s", t->current,
                                     strerror(errno));
                    return hoist_error_hint(err, "make the file readable or exclude it");
                }
                if (r == 0)
                    break;
                got += (size_t)r;
            }
            if (got < want) {
                /* The file shrank after the walk measured it. The header
                 * already promised the old size: padding would send
                 * content that never existed, so stop, as docker does. */
                hoist_error_set(err, HOIST_EINPUT, "%s shrank while being sent (%llu bytes missing)",
                                t->current, (unsigned long long)(t->remaining - got));
                return hoist_error_hint(err, "stop whatever writes to it during the build, or exclude it "
                                             "in .dockerignore");
            }
            if (t->remaining == got) {
                /* The last chunk: more data means the file grew. */
                char extra;
                ssize_t r;
                while ((r = read(t->fd, &extra, 1)) < 0 && errno == EINTR)
                    ;
                if (r > 0) {
                    hoist_error_set(err, HOIST_EINPUT, "%s grew while being sent", t->current);
                    return hoist_error_hint(err, "stop whatever writes to it during the build, or "
                                                 "exclude it in .dockerignore");
                }
            }
        }
        if (t->api.write_data(t->a, src, got) < 0)
            return archive_failed(t, err, "data");
        t->remaining -= got;
        if (t->remaining == 0) {
            t->state = TAR_NEXT_ENTRY;
            t->data = NULL;
            t->fd = -1;
        }
        return 0;
    }
    case TAR_CLOSING:
        if (t->api.write_close(t->a) != ARCHIVE_OK)
            return archive_failed(t, err, "trailer");
        t->state = TAR_DONE;
        return 0;
    case TAR_DONE:
        return 0;
    }
    return 0;
}

static int tar_fill(hoist_context_tar *t, hoist_error *err)
{
    locale_t old = t->utf8 ? uselocale(t->utf8) : (locale_t)0;
    int rc = 0;
    while (t->out_off == t->out_len && t->state != TAR_DONE && !rc)
        rc = tar_step(t, err);
    if (old)
        uselocale(old);
    return rc;
}

int hoist_context_tar_read(hoist_context_tar *t, void *buf, size_t cap, size_t *n, hoist_error *err)
{
    *n = 0;
    int rc = tar_fill(t, err);
    if (rc)
        return rc;
    size_t avail = t->out_len - t->out_off;
    size_t take = avail < cap ? avail : cap;
    memcpy(buf, t->out + t->out_off, take);
    t->out_off += take;
    t->bytes += take;
    *n = take;
    return 0;
}

int hoist_context_write_tar(hoist_context *ctx, const hoist_tar_options *opts, hoist_write_fn write,
                            void *user, hoist_error *err)
{
    _cleanup_(hoist_context_tar_freep) hoist_context_tar *t = NULL;
    int rc = hoist_context_tar_new(&t, ctx, opts, err);
    if (rc)
        return rc;
    for (;;) {
        rc = tar_fill(t, err);
        if (rc)
            return rc;
        size_t avail = t->out_len - t->out_off;
        if (avail == 0)
            return 0;
        /* hand out whatever one step produced, without another copy */
        int wr = write(t->out + t->out_off, avail, user);
        if (wr) {
            if (wr != HOIST_EFAILED && wr != HOIST_EUSAGE && wr != HOIST_EENV &&
                wr != HOIST_EINPUT && wr != HOIST_EINTERRUPTED)
                wr = HOIST_EINTERRUPTED;
            if (!err || !err->code)
                hoist_error_set(err, wr, "the context stream was stopped by its consumer");
            return wr;
        }
        t->bytes += avail;
        t->out_off = t->out_len;
    }
}

struct fd_sink {
    int fd;
    hoist_error *err;
};

static int write_fd(const void *buf, size_t len, void *user)
{
    struct fd_sink *s = user;
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(s->fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = errno;
            hoist_error_setr(s->err, e == EPIPE ? HOIST_EINTERRUPTED : HOIST_EFAILED, hoist_reason_from_errno(e),
                             "writing the context tar: %s", strerror(e));
            hoist_error_hint(s->err, "check the output file or pipe");
            return s->err ? s->err->code : HOIST_EFAILED;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int hoist_context_write_tar_fd(hoist_context *ctx, const hoist_tar_options *opts, int fd,
                               hoist_error *err)
{
    struct fd_sink s = {fd, err};
    return hoist_context_write_tar(ctx, opts, write_fd, &s, err);
}
