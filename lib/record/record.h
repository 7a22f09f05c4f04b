/*
 * record.h - build records: per step, what a builder keys its layer cache
 * on (internal; the public face is hoist/explain.h).
 *
 * A record is computed from the parsed Dockerfile, the open context (its
 * kept walk: no extra walk) and the engine (base image IDs), for one
 * builder model: "api" (the classic builder) or "buildkit". The model
 * (docs/cache.md) decides which instructions are cache steps and which
 * inputs each one sees. record.c holds the model and its header's JSON
 * form, files.c the per-file tables (on disk, read and written one entry
 * at a time: memory does not grow with the context), compute.c computes
 * one, compare.c compares two, store.c keeps them on disk, build_hook.c
 * ties them to hoist_build().
 */
#ifndef HOIST_RECORD_H
#define HOIST_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "hoist/build.h"
#include "hoist/context.h"
#include "hoist/dockerfile.h"
#include "hoist/explain.h"
#include "common/cleanup.h"

#include <stdint.h>
#include <stdio.h>

#define REC_FORMAT 2
#define REC_FILES_MAX 250000     /* files listed per step; beyond, only the set digest */
#define REC_PATH_MAX 4096        /* longer names are not listed (the set digest has them) */
#define REC_MAGIC "hoist-record 2\n"

/* One entry of a step's file table (files.c has the on-disk form). */
typedef struct rec_file {
    const char *path;            /* relative to the context root */
    char digest[65];             /* sha256 hex of what the builder hashes (docs/cache.md) */
    char type;                   /* 'f' file, 'd' dir, 'l' symlink, 'c' device */
    unsigned mode;               /* permission bits */
    uint64_t sig;                /* files: the stat signature of the walk that hashed it
                                    (context_entry_sig), 0 none; a later compute reuses the
                                    digest while it is the same (ctime moves with every write,
                                    chmod and chown) */
} rec_file;

/* The walk's order of paths ('/' first), which file tables are in. */
int rec_path_cmp(const char *a, const char *b);
/* Append rf to a table; prev holds the last path written ("" at first,
 * REC_PATH_MAX bytes). -1 on a write error or a path too long. */
int rec_file_write(FILE *f, char *prev, const rec_file *rf);

typedef struct rec_file_reader {
    FILE *f;
    size_t left;
    bool broken;                 /* stopped at an entry it could not decode */
    bool reseek;                 /* f is shared with another reader: seek before each entry */
    long long pos;               /* offset in f */
    long long digest_at;         /* offset of the current entry's digest (32 bytes) */
    char path[REC_PATH_MAX];
    rec_file file;               /* the current entry; its path is `path` */
} rec_file_reader;

/* An anonymous read-write file in $TMPDIR (/tmp), gone when closed: a
 * computed record's tables. NULL with errno on failure. */
FILE *rec_spool_open(void);

/* Read the `count` entries at offset `at` of f (f NULL: none). */
void rec_file_reader_init(rec_file_reader *r, FILE *f, long long at, size_t count);
/* 1 with r->file the next entry, 0 at the end (or when broken). */
int rec_file_next(rec_file_reader *r);

typedef struct rec_step {
    int index;                   /* 0-based instruction index (step = index + 1) */
    int line;
    int stage;
    char keyword[16];
    char *text;                  /* the instruction as written, continuations joined */
    char *norm;                  /* what the builder compares: keyword, flags and arguments as the
                                  parser splits them (blanks between words and the keyword's case do
                                  not matter), heredoc bodies */
    char *args;                  /* build args this builder shows the step: "K=V\n"... */
    char *meta;                  /* BuildKit RUN: the stage's ENV/ARG/USER/SHELL/WORKDIR text before it */
    char *base;                  /* FROM: image ID, "stage:N", "scratch" or "missing:NAME" */
    char *base_name;             /* FROM: the image as named (after global ARGs) */
    char *from;                  /* COPY --from: "stage:N" or an image ID ("missing:NAME") */
    bool has_sources;            /* COPY/ADD from the build context */
    char sources[65];            /* digest of the whole source set */
    long long files_at;          /* its file table: offset in the record's `files` */
    size_t file_count;
    bool files_truncated;
    bool skipped;                /* not a cache step for this builder */
    /* the last build */
    bool ran;                    /* the builder ran it (not from the cache) */
    bool cached;
    double duration;             /* seconds it ran; -1 unknown */
} rec_step;

typedef struct rec {
    char engine[16];             /* "api" or "buildkit" */
    char *endpoint;
    char *context;
    char *dockerfile;
    char *target;                /* "" for the last stage */
    long long time;
    rec_step *steps;
    size_t step_count;
    FILE *files;                 /* the file tables: the record file when loaded (REC_MAGIC, tables,
                                    header JSON, trailer), an anonymous spool when computed; owned */
} rec;

void rec_free(rec *r);
static inline void rec_freep(rec **r) { if (*r) rec_free(*r); }

/* The header's JSON form (docs/cache.md, "record file"): everything but
 * the file tables, which stay in r->files. rec_from_json fails
 * (HOIST_EINPUT) on a record of another format. */
json_t *rec_to_json(const rec *r);
int rec_from_json(rec **out, const json_t *j, hoist_error *err);

/* What compute needs. */
typedef struct rec_inputs {
    hoist_client *client;        /* base image IDs; NULL: every image "missing" */
    hoist_context *ctx;
    const hoist_dockerfile *df;
    const char *engine;          /* "api" or "buildkit" */
    const char *endpoint;
    const char *target;
    const char *const *build_args; /* "K=V" */
    size_t build_arg_count;
    const rec *prev;             /* the last record, whose unchanged files need no reading; may be NULL */
} rec_inputs;

int rec_compute(rec **out, const rec_inputs *in, hoist_error *err);

/* Per step of `now`: the prediction against `old` (NULL: no record). */
typedef struct rec_verdict {
    hoist_explain_status status;
    hoist_explain_cause cause;
    char reason[1024];
    int after_step;
    char **changes;              /* malloc'd strings */
    size_t change_count;
    size_t change_total;
    double last_duration;
} rec_verdict;

int rec_compare(rec_verdict **out, const rec *old, const rec *now, bool no_cache, hoist_error *err);
void rec_verdicts_free(rec_verdict *v, size_t count);

/* The record file for these keys under `dir` (NULL: the default
 * directory; false when records are off or there is no directory). */
bool rec_path(char *buf, size_t size, const char *dir, const char *engine, const char *endpoint,
              const char *context, const char *dockerfile, const char *target);
bool rec_enabled(void);
/* Load: 0 with *out NULL when there is none (or it is unreadable: a broken
 * record is no record). */
int rec_load(rec **out, const char *path, hoist_error *err);
/* Write atomically, then keep the directory within its bounds. */
int rec_save(const rec *r, const char *path, hoist_error *err);

#endif
