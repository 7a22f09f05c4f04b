/*
 * fs_walk.h - the entries FileSync sends, in fsutil's order (internal).
 *
 * fsutil's sender walks a directory like Go's filepath.Walk (depth first,
 * names sorted bytewise, parents before children) and keeps an entry when
 * it passes the include patterns (Go filepath.Match against the path, a
 * directory on the way to a pattern passes too), the followpaths (names
 * whose symlinks are resolved and added to the includes) and the exclude
 * patterns (.dockerignore syntax: hoist's own matcher and context walker,
 * lib/ignore and lib/context). Each entry becomes a Stat: the path, Go
 * os.FileMode bits, size, mtime in nanoseconds, the symlink target or the
 * first name of a hard link. Owners are zeroed, as the docker CLI does.
 * Memory: the walker's per-level listings only.
 */
#ifndef HOIST_SESSION_FS_WALK_H
#define HOIST_SESSION_FS_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hoist/error.h"

typedef struct fs_walk fs_walk;

typedef struct fs_entry {
    const char *path;       /* relative, '/'-separated */
    uint32_t mode;          /* Go os.FileMode */
    int64_t size;
    int64_t mtime_ns;
    const char *linkname;   /* symlink target, hard link's first name, or "" */
    int64_t devmajor, devminor;
    bool requestable;       /* the receiver may ask for its data */
} fs_entry;

typedef struct fs_walk_options {
    const char *const *includes;  /* NULL: no include filter */
    size_t n_includes;
    const char *const *excludes;
    size_t n_excludes;
    const char *const *follow;
    size_t n_follow;
} fs_walk_options;

int fs_walk_new(fs_walk **out, const char *dir, const fs_walk_options *opts, hoist_error *err);
/* Next entry (valid until the next call), or NULL at the end. */
int fs_walk_next(fs_walk *w, const fs_entry **out, hoist_error *err);
void fs_walk_free(fs_walk *w);

/* Go's os.FileMode for an st_mode. */
uint32_t fs_go_mode(mode_t m);

/* fsutil's include test of one pattern: *matched, and *partial when only
 * the leading components of the pattern were compared. */
void fs_match_prefix(const char *pattern, const char *path, bool *matched, bool *partial);

#endif
