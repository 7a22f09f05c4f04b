/*
 * hoist/context.h - the build context, exactly as `docker build` sends it.
 *
 * hoist_context_open() resolves a context directory the way the docker CLI
 * does (absolute, symlinks resolved, must be a directory), finds the
 * Dockerfile (-f is relative to the caller's working directory; a Dockerfile
 * outside the context is carried in the tar as ".dockerfile.<20 hex>") and
 * reads the ignore file (<Dockerfile>.dockerignore beside the Dockerfile
 * wins over <context>/.dockerignore, as with BuildKit).
 *
 * Three ways to consume it:
 *  - hoist_context_entries: one walk, kept, shared by whoever asks;
 *  - the entry iterator yields tar entries in tar order (Go filepath.Walk
 *    order: names sorted bytewise, depth first), one at a time, in constant
 *    memory apart from one sorted directory listing per open level;
 *  - the tar stream produces the exact bytes to upload, either pulled
 *    (hoist_context_tar_read, fits libcurl's read callback) or pushed to a
 *    byte callback (hoist_context_write_tar). Memory stays flat.
 *
 * What goes in follows the docker CLI's classic builder path: directories
 * are entries, symlinks are stored as links and never followed, hard links
 * after the first become link entries, owners are 0:0 with no names, modes
 * are kept, mtimes are kept to the second, the Dockerfile and .dockerignore
 * are sent even when ignored. hoist skips sockets (as Docker does) and
 * fifos (Docker would send a fifo entry; hoist skips it with a note).
 *
 * Threads: a hoist_context may be used from one thread at a time (its walk
 * is cached inside it, so even the calls taking a non-const pointer write
 * it); different contexts may be used from different threads. A
 * hoist_context_iter and a hoist_context_tar belong to one thread at a
 * time, and no other thread may use their context meanwhile.
 * hoist_context_options, hoist_tar_options, hoist_context_entry (a view
 * into its context) and hoist_context_explanation are plain values.
 */
#ifndef HOIST_CONTEXT_H
#define HOIST_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hoist/error.h"
#include "hoist/ignore.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hoist_context hoist_context;
typedef struct hoist_context_iter hoist_context_iter;
typedef struct hoist_context_tar hoist_context_tar;

/* A note about something skipped or odd (socket, fifo, file that vanished,
 * file that changed size while being read). `path` is relative to the
 * context root. */
typedef void (*hoist_context_note_fn)(const char *path, const char *message, void *user);

#define HOIST_CONTEXT_OPTIONS_VERSION 1

typedef struct hoist_context_options {
    unsigned int version;       /* HOIST_CONTEXT_OPTIONS_VERSION */
    const char *dockerfile;     /* -f as given, relative to the working directory;
                                   NULL: <context>/Dockerfile (or "dockerfile") */
    bool dockerfile_optional;   /* a missing default Dockerfile is not an error */
    const char *ignore_file;    /* use this ignore file instead of looking for one */
    hoist_context_note_fn on_note;
    void *note_user;
} hoist_context_options;

#define HOIST_CONTEXT_OPTIONS_INIT {.version = HOIST_CONTEXT_OPTIONS_VERSION}
/* Same as HOIST_CONTEXT_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_context_options_init(hoist_context_options *opts);

HOIST_EXTERN int hoist_context_open(hoist_context **out, const char *dir, const hoist_context_options *opts,
                       hoist_error *err);
HOIST_EXTERN void hoist_context_free(hoist_context *ctx);

/* The Dockerfile docker uses in `dir` when none is named: dir/Dockerfile,
 * else dir/dockerfile when only that one exists (as the docker CLI does).
 * A malloc'd path (dir/Dockerfile when neither exists); NULL when out of
 * memory. */
HOIST_EXTERN char *hoist_context_default_dockerfile(const char *dir);

/* Absolute context directory with symlinks resolved. */
HOIST_EXTERN const char *hoist_context_dir(const hoist_context *ctx);
/* The Dockerfile's name inside the tar (the `dockerfile` query parameter of
 * POST /build): e.g. "Dockerfile", "sub/app.Dockerfile", ".dockerfile.<hex>".
 * NULL when there is no Dockerfile (dockerfile_optional). */
HOIST_EXTERN const char *hoist_context_dockerfile(const hoist_context *ctx);
/* Absolute path of the Dockerfile on disk, or NULL. */
HOIST_EXTERN const char *hoist_context_dockerfile_path(const hoist_context *ctx);
/* Absolute path of the ignore file in use, or NULL when there is none. */
HOIST_EXTERN const char *hoist_context_ignore_file(const hoist_context *ctx);
/* The patterns in force: the ignore file's lines, plus the exceptions the
 * docker CLI adds so that the Dockerfile and .dockerignore are always sent
 * (their file is "<always sent>", line 0). Never NULL. */
HOIST_EXTERN const hoist_ignore *hoist_context_ignore(const hoist_context *ctx);

typedef enum hoist_entry_type {
    HOIST_ENTRY_FILE = 0,
    HOIST_ENTRY_DIR,
    HOIST_ENTRY_SYMLINK,
    HOIST_ENTRY_HARDLINK,  /* a later name of an already sent inode */
    HOIST_ENTRY_CHAR,
    HOIST_ENTRY_BLOCK,
    HOIST_ENTRY_FIFO,      /* only reported with HOIST_ITER_EXCLUDED (never sent) */
    HOIST_ENTRY_SOCKET,    /* idem */
} hoist_entry_type;

typedef struct hoist_context_entry {
    const char *name;      /* relative, '/'-separated, no trailing slash */
    hoist_entry_type type;
    uint32_t mode;         /* st_mode: type and permission bits */
    uint64_t size;         /* bytes of data in the tar (0 unless FILE) */
    int64_t mtime;         /* seconds */
    const char *link;      /* SYMLINK target or HARDLINK first name; else NULL */
    uint32_t dev_major, dev_minor;
    bool sent;             /* false only when iterating with HOIST_ITER_EXCLUDED */
    int pattern;           /* index of the ignore pattern that decided, or -1 */
    bool pruned;           /* not sent because an ancestor directory was pruned */
    bool generated;        /* made by hoist: .dockerfile.<hex>, extended .dockerignore */
} hoist_context_entry;

enum {
    /* Also yield what is NOT sent (excluded entries, entries under pruned
     * directories, sockets and fifos), with sent == false. This costs a walk
     * of the excluded trees; it is what `--stats` and `--explain` use. */
    HOIST_ITER_EXCLUDED = 1u << 0,
};

HOIST_EXTERN int hoist_context_iter_new(hoist_context_iter **out, hoist_context *ctx, unsigned int flags,
                           hoist_error *err);
/* Next entry in tar order. Returns 0 with *entry == NULL at the end. The
 * entry stays valid until the next call. Errors (unreadable directory or
 * file) are HOIST_EINPUT and name the path. */
HOIST_EXTERN int hoist_context_iter_next(hoist_context_iter *it, const hoist_context_entry **entry,
                            hoist_error *err);
HOIST_EXTERN void hoist_context_iter_free(hoist_context_iter *it);

/* Every entry, excluded ones included (as with HOIST_ITER_EXCLUDED; look
 * at `sent`), from one walk that the context keeps: the first call walks,
 * later calls return the same list, valid until hoist_context_free. What
 * needs the list before the upload (the checks hoist build runs, its upload
 * estimate) shares it instead of walking again. The walk reports no notes
 * (the tar stream's walk does). Not safe to call from two threads at once
 * on the same context. */
HOIST_EXTERN int hoist_context_entries(hoist_context *ctx, const hoist_context_entry **entries, size_t *count,
                          hoist_error *err);

/* Why a path is or is not sent. */
typedef struct hoist_context_explanation {
    bool sent;             /* would be in the tar */
    bool exists;           /* present on disk (lstat) */
    hoist_entry_type type; /* when it exists */
    int pattern;           /* deciding pattern (see hoist_context_ignore), or -1 */
    char via[4096];        /* ancestor that decided (pruned directory, or a
                              symlink on the way); empty when the path itself */
    bool via_symlink;      /* `via` is a symlink: the walk never enters it */
    bool walked_excluded;  /* an excluded ancestor is walked because an
                              exception names something inside it */
    bool always_sent;      /* kept by the Dockerfile/.dockerignore rule */
    bool generated;        /* the name of an outside Dockerfile (.dockerfile.<hex>) */
} hoist_context_explanation;

/* Explain `path` (relative to the context root, '/'-separated; an
 * absolute path inside the context is accepted too). */
HOIST_EXTERN int hoist_context_explain(hoist_context *ctx, hoist_context_explanation *out, const char *path,
                          hoist_error *err);

#define HOIST_CONTEXT_TAR_OPTIONS_VERSION 1

typedef struct hoist_context_tar_options {
    unsigned int version;  /* HOIST_CONTEXT_TAR_OPTIONS_VERSION */
    bool gzip;
    int gzip_level;        /* 1..9; 0 = libarchive default */
} hoist_context_tar_options;

#define HOIST_CONTEXT_TAR_OPTIONS_INIT {.version = HOIST_CONTEXT_TAR_OPTIONS_VERSION}
/* Same as HOIST_CONTEXT_TAR_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_context_tar_options_init(hoist_context_tar_options *opts);

/* Pull interface: each read returns up to `cap` bytes of the stream;
 * *n == 0 means the stream is complete. */
HOIST_EXTERN int hoist_context_tar_new(hoist_context_tar **out, hoist_context *ctx,
                          const hoist_context_tar_options *opts, hoist_error *err);
HOIST_EXTERN int hoist_context_tar_read(hoist_context_tar *tar, void *buf, size_t cap, size_t *n,
                           hoist_error *err);
/* Entries written and stream bytes handed out so far (compressed bytes
 * when gzip is on). */
HOIST_EXTERN uint64_t hoist_context_tar_entries(const hoist_context_tar *tar);
HOIST_EXTERN uint64_t hoist_context_tar_bytes(const hoist_context_tar *tar);
HOIST_EXTERN void hoist_context_tar_free(hoist_context_tar *tar);

/* Push interface: `write` receives the stream in order; a non-zero return
 * stops the stream and is returned (HOIST_EINTERRUPTED if it is not a
 * hoist_code). */
typedef int (*hoist_write_fn)(const void *buf, size_t len, void *user);
HOIST_EXTERN int hoist_context_write_tar(hoist_context *ctx, const hoist_context_tar_options *opts,
                            hoist_write_fn write, void *user, hoist_error *err);
/* Convenience: write the stream to a file descriptor. */
HOIST_EXTERN int hoist_context_write_tar_fd(hoist_context *ctx, const hoist_context_tar_options *opts, int fd,
                               hoist_error *err);

#ifdef __cplusplus
}
#endif
#endif
