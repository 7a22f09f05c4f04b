/*
 * context_internal.h - private state shared by the context files.
 *
 * context.c resolves the directory, the Dockerfile and the ignore file;
 * walk.c turns that into tar entries in Docker's order; listing.c keeps one
 * walk for everyone who needs the list before the upload; tar.c serialises
 * the entries with libarchive. The walk hands tar.c an open descriptor for
 * each regular file (opened while walking, so that an unreadable file is
 * reported before its header is written) or in-memory content for the
 * entries hoist generates.
 */
#ifndef HOIST_CONTEXT_INTERNAL_H
#define HOIST_CONTEXT_INTERNAL_H

#include <sys/types.h>

#include <sys/stat.h>
#include "hoist/context.h"

#define HOIST_ALWAYS_SENT "<always sent>"

struct hoist_context {
    char *dir;                 /* absolute, resolved */
    char *dockerfile_name;     /* name in the tar, or NULL */
    char *dockerfile_path;     /* absolute path on disk, or NULL */
    char *ignore_path;         /* ignore file used, or NULL */
    hoist_ignore *ignore;
    /* Dockerfile outside the context: its content travels as a generated
     * entry and ".dockerignore" gets its name appended (docker CLI). */
    bool dockerfile_outside;
    char *dockerfile_data;
    size_t dockerfile_len;
    int64_t generated_mtime;
    hoist_context_note_fn on_note;
    void *note_user;
    /* hoist_context_entries(): the walk, made once (listing.c) */
    bool listed;
    hoist_context_entry *listing;
    uint64_t *listing_sig;     /* per entry: its stat signature (context_entry_sig) */
    size_t listing_count;
};

void context_listing_free(hoist_context *ctx);
/* A regular file's stat signature as the kept walk saw it: a 64-bit mix
 * of device, inode, size, mode, mtime and ctime (nanoseconds), never 0;
 * 0 for other entries and for entries not from hoist_context_entries().
 * ctime moves with every write, chmod and chown, so an unchanged
 * signature means unchanged content (build records reuse digests by it). */
uint64_t context_entry_sig(const hoist_context *ctx, const hoist_context_entry *e);

void context_note(const hoist_context *ctx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The entry type of a stat mode (S_ISDIR -> HOIST_ENTRY_DIR, ...). */
hoist_entry_type context_type_of_mode(mode_t m);

/* The current entry's content source, for the tar writer: an open fd to
 * read entry->size bytes from, or a memory block. */
int context_iter_fd(const hoist_context_iter *it);
const void *context_iter_data(const hoist_context_iter *it, size_t *len);

/* For the BuildKit session's FileSync (lib/session/fs_walk.c): a context
 * on `dir` judged by `ignore` alone (taken, even on failure), without the
 * Dockerfile and "always sent" rules of hoist_context_open. */
int context_open_plain(hoist_context **out, const char *dir, hoist_ignore *ignore, hoist_error *err);
/* Iterator flag: do not open regular files (FileSync reads only what the
 * daemon asks for, later). */
#define CONTEXT_ITER_NO_OPEN (1u << 30)
/* Do not descend into the directory entry just returned. */
void context_iter_skip_dir(hoist_context_iter *it);
/* The lstat of the entry just returned. */
const struct stat *context_iter_stat(const hoist_context_iter *it);

#endif
