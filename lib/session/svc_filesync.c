/*
 * svc_filesync.c - moby.filesync.v1.FileSync/DiffCopy, the sending side of
 * fsutil's protocol (see fs_walk.h for what is sent).
 *
 * The daemon names the directory in the "dir-name" metadata ("context" or
 * "dockerfile") and filters with "include-patterns", "exclude-patterns" and
 * "followpaths" (a "<key>-encoded: 1" companion means URL-query escaped
 * values). The session streams one STAT packet per entry (its id is its
 * index among the STATs) and an empty STAT at the end; the daemon sends
 * REQ{id} for the files it does not have, answered with DATA chunks and an
 * empty DATA; the daemon's FIN is answered with FIN and ends the call. All
 * of it happens in pump steps: at most STATS_PER_PUMP stats or one chunk of
 * CHUNK bytes each, and only while the call's queue is short, so a large
 * file never sits in memory and health checks are answered in between.
 * The paths of requestable files are kept (one string arena) to serve
 * REQs; nothing else grows with the context.
 */
#include "session/session_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.pb-c.h"
#include "session/fs_walk.h"
#include "common/vec.h"

#define CHUNK (64u * 1024)
#define STATS_PER_PUMP 64

typedef struct file_ref {
    uint32_t id;
    size_t off;          /* path in the arena */
} file_ref;

typedef struct fsync_state {
    hoist_session *s;
    char *root;
    fs_walk *walk;
    bool walk_done;
    uint32_t next_id;
    char *arena;
    size_t arena_len, arena_cap;
    file_ref *files;
    size_t n_files, files_cap;
    uint32_t *reqs;      /* FIFO of requested ids */
    size_t req_head, req_len, req_cap;
    int fd;              /* file being sent, or -1 */
    uint32_t cur_id;
    bool sending;
    uint8_t *buf;
} fsync_state;

void svc_filesync_fill_stat(const fs_entry *e, Fsutil__Types__Stat *st);
char *svc_filesync_url_unescape(const char *s);

void svc_filesync_fill_stat(const fs_entry *e, Fsutil__Types__Stat *st)
{
    fsutil__types__stat__init(st);
    st->path = (char *)e->path;
    st->mode = e->mode;
    st->uid = 0;
    st->gid = 0;
    st->size = e->size;
    st->modtime = e->mtime_ns;
    st->linkname = (char *)(e->linkname ? e->linkname : "");
    st->devmajor = e->devmajor;
    st->devminor = e->devminor;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Go's url.QueryUnescape, lenient: a bad escape is kept as is. */
char *svc_filesync_url_unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    if (!out)
        return NULL;
    for (; *s; s++) {
        if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
            *o++ = (char)(hexval(s[1]) << 4 | hexval(s[2]));
            s += 2;
        } else if (*s == '+') {
            *o++ = ' ';
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static void fsync_free(fsync_state *f)
{
    if (!f)
        return;
    fs_walk_free(f->walk);
    if (f->fd >= 0)
        close(f->fd);
    free(f->root);
    free(f->arena);
    free(f->files);
    free(f->reqs);
    free(f->buf);
    free(f);
}

void svc_filesync_free(grpc_call *call)
{
    fsync_free(grpc_call_state(call));
}

static void send_packet(grpc_call *call, Fsutil__Types__Packet *p)
{
    if (grpc_call_send(call, &p->base))
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "cannot queue a FileSync packet");
}

/* Fail the transfer: PACKET_ERR to the receiver, then the status. */
static void fail(grpc_call *call, const char *message)
{
    Fsutil__Types__Packet p = FSUTIL__TYPES__PACKET__INIT;
    p.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_ERR;
    p.data.data = (uint8_t *)message;
    p.data.len = strlen(message);
    send_packet(call, &p);
    grpc_call_finish(call, GRPC_UNKNOWN, message);
}

/* Metadata values of `key`, URL-unescaped when "<key>-encoded" says so.
 * Returns the count (values in *out, each to free), -1 when out of memory. */
static ssize_t metadata_list(grpc_call *call, const char *key, char ***out, bool *present)
{
    *out = NULL;
    size_t n = grpc_call_metadata(call, key, NULL, 0);
    *present = n > 0;
    if (!n)
        return 0;
    const char **vals = calloc(n, sizeof(*vals));
    char **copy = calloc(n, sizeof(*copy));
    char enc_key[64];
    snprintf(enc_key, sizeof(enc_key), "%s-encoded", key);
    const char *enc = NULL;
    grpc_call_metadata(call, enc_key, &enc, 1);
    bool encoded = enc && !strcmp(enc, "1");
    if (!vals || !copy) {
        free(vals);
        free(copy);
        return -1;
    }
    grpc_call_metadata(call, key, vals, n);
    for (size_t i = 0; i < n; i++) {
        copy[i] = encoded ? svc_filesync_url_unescape(vals[i]) : strdup(vals[i]);
        if (!copy[i]) {
            for (size_t j = 0; j < i; j++)
                free(copy[j]);
            free(copy);
            free(vals);
            return -1;
        }
    }
    free(vals);
    *out = copy;
    return (ssize_t)n;
}

static void free_list(char **list, ssize_t n)
{
    for (ssize_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void svc_filesync_start(grpc_call *call)
{
    hoist_session *s = grpc_call_user(call);
    const char *dir_name = NULL;
    grpc_call_metadata(call, "dir-name", &dir_name, 1);
    const char *dir = NULL;
    if (dir_name && !strcmp(dir_name, "context"))
        dir = s->context_dir;
    else if (dir_name && !strcmp(dir_name, "dockerfile"))
        dir = s->dockerfile_dir;
    if (!dir) {
        char msg[300];
        snprintf(msg, sizeof(msg), "no access allowed to dir \"%s\"", dir_name ? dir_name : "");
        grpc_call_finish(call, GRPC_NOT_FOUND, msg);
        return;
    }
    fsync_state *f = calloc(1, sizeof(*f));
    if (!f || !(f->buf = malloc(CHUNK)) || !(f->root = strdup(dir))) {
        fsync_free(f);
        grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    f->s = s;
    f->fd = -1;
    grpc_call_set_state(call, f);

    char **inc = NULL, **exc = NULL, **fol = NULL;
    bool inc_present, exc_present, fol_present;
    ssize_t n_inc = metadata_list(call, "include-patterns", &inc, &inc_present);
    ssize_t n_exc = metadata_list(call, "exclude-patterns", &exc, &exc_present);
    ssize_t n_fol = metadata_list(call, "followpaths", &fol, &fol_present);
    hoist_error err = HOIST_ERROR_INIT;
    int rc;
    if (n_inc < 0 || n_exc < 0 || n_fol < 0) {
        rc = hoist_error_set(&err, HOIST_EFAILED, "out of memory");
    } else {
        static const char *const none[1] = {NULL};
        fs_walk_options o = {
            .includes = inc_present ? (const char *const *)inc : NULL,
            .n_includes = (size_t)n_inc,
            .excludes = exc_present ? (const char *const *)exc : none,
            .n_excludes = (size_t)n_exc,
            .follow = fol_present ? (const char *const *)fol : none,
            .n_follow = (size_t)n_fol,
        };
        rc = fs_walk_new(&f->walk, dir, &o, &err);
    }
    free_list(inc, n_inc);
    free_list(exc, n_exc);
    free_list(fol, n_fol);
    if (rc) {
        fail(call, err.message);
        return;
    }
    grpc_call_want_pump(call, true);
}

static int remember(fsync_state *f, uint32_t id, const char *path)
{
    size_t len = strlen(path) + 1;
    if (f->arena_len + len > f->arena_cap) {
        size_t cap = f->arena_cap ? f->arena_cap * 2 : 16384;
        while (cap < f->arena_len + len)
            cap *= 2;
        char *na = realloc(f->arena, cap);
        if (!na)
            return -1;
        f->arena = na;
        f->arena_cap = cap;
    }
    file_ref *nf = hoist_vec_grow(f->files, &f->files_cap, f->n_files, sizeof(*nf), 256);
    if (!nf)
        return -1;
    f->files = nf;
    memcpy(f->arena + f->arena_len, path, len);
    f->files[f->n_files].id = id;
    f->files[f->n_files].off = f->arena_len;
    f->n_files++;
    f->arena_len += len;
    return 0;
}

static const char *path_of(const fsync_state *f, uint32_t id)
{
    size_t lo = 0, hi = f->n_files;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->files[mid].id == id)
            return f->arena + f->files[mid].off;
        if (f->files[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void walk_step(grpc_call *call, fsync_state *f)
{
    for (int i = 0; i < STATS_PER_PUMP && !f->walk_done && !grpc_call_finished(call); i++) {
        const fs_entry *e;
        hoist_error err = HOIST_ERROR_INIT;
        if (fs_walk_next(f->walk, &e, &err)) {
            fail(call, err.message);
            return;
        }
        Fsutil__Types__Packet p = FSUTIL__TYPES__PACKET__INIT;
        p.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_STAT;
        Fsutil__Types__Stat st;
        if (!e) {
            f->walk_done = true;
            fs_walk_free(f->walk);
            f->walk = NULL;
        } else {
            svc_filesync_fill_stat(e, &st);
            p.stat = &st;
            if (e->requestable && remember(f, f->next_id, e->path)) {
                grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "out of memory");
                return;
            }
            f->next_id++;
        }
        send_packet(call, &p);
        SESSION_COUNT(f->s, stat_packets, 1);
    }
}

static void data_step(grpc_call *call, fsync_state *f)
{
    Fsutil__Types__Packet p = FSUTIL__TYPES__PACKET__INIT;
    p.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_DATA;
    if (!f->sending) {
        if (!f->req_len)
            return;
        f->cur_id = f->reqs[f->req_head];
        f->req_head = (f->req_head + 1) % f->req_cap;
        f->req_len--;
        f->sending = true;
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", f->root, path_of(f, f->cur_id));
        /* like fsutil: a file that cannot be opened is sent empty */
        f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    }
    p.id = f->cur_id;
    ssize_t n = 0;
    if (f->fd >= 0) {
        do
            n = read(f->fd, f->buf, CHUNK);
        while (n < 0 && errno == EINTR);
    }
    if (n > 0) {
        p.data.data = f->buf;
        p.data.len = (size_t)n;
        send_packet(call, &p);
        SESSION_COUNT(f->s, bytes_sent, n);
        return;
    }
    if (n < 0) {
        char msg[600];
        snprintf(msg, sizeof(msg), "reading %s: %s", path_of(f, f->cur_id), strerror(errno));
        fail(call, msg);
        return;
    }
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    f->sending = false;
    send_packet(call, &p); /* empty DATA: end of this file */
    SESSION_COUNT(f->s, files_sent, 1);
}

void svc_filesync_pump(grpc_call *call)
{
    fsync_state *f = grpc_call_state(call);
    if (!f)
        return;
    data_step(call, f);
    if (!grpc_call_finished(call))
        walk_step(call, f);
    grpc_call_want_pump(call, !f->walk_done || f->sending || f->req_len);
}

static void queue_req(grpc_call *call, fsync_state *f, uint32_t id)
{
    if (!path_of(f, id)) {
        char msg[64];
        snprintf(msg, sizeof(msg), "invalid file id %u", id);
        fail(call, msg);
        return;
    }
    if (f->req_len == f->req_cap) {
        size_t cap = f->req_cap ? f->req_cap * 2 : 64;
        uint32_t *nr = malloc(cap * sizeof(*nr));
        if (!nr) {
            grpc_call_finish(call, GRPC_RESOURCE_EXHAUSTED, "out of memory");
            return;
        }
        for (size_t i = 0; i < f->req_len; i++)
            nr[i] = f->reqs[(f->req_head + i) % f->req_cap];
        free(f->reqs);
        f->reqs = nr;
        f->req_cap = cap;
        f->req_head = 0;
    }
    f->reqs[(f->req_head + f->req_len) % f->req_cap] = id;
    f->req_len++;
    grpc_call_want_pump(call, true);
}

void svc_filesync_message(grpc_call *call, const uint8_t *msg, size_t len)
{
    fsync_state *f = grpc_call_state(call);
    if (!f)
        return;
    Fsutil__Types__Packet *p = fsutil__types__packet__unpack(NULL, len, msg);
    if (!p) {
        fail(call, "cannot decode a FileSync packet");
        return;
    }
    switch (p->type) {
    case FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_REQ:
        SESSION_COUNT(f->s, req_packets, 1);
        queue_req(call, f, p->id);
        break;
    case FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_FIN: {
        Fsutil__Types__Packet fin = FSUTIL__TYPES__PACKET__INIT;
        fin.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_FIN;
        send_packet(call, &fin);
        grpc_call_finish(call, GRPC_OK, NULL);
        break;
    }
    case FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_ERR: {
        char m[600];
        snprintf(m, sizeof(m), "error from receiver: %.*s", (int)p->data.len, (const char *)p->data.data);
        grpc_call_finish(call, GRPC_UNKNOWN, m);
        break;
    }
    default:
        break;
    }
    fsutil__types__packet__free_unpacked(p, NULL);
}
