/*
 * hoist/dockerfile.h - Dockerfile parser, AST, variable expansion, stages
 * and printer, reading Dockerfiles exactly as BuildKit's dockerfile frontend
 * (frontend/dockerfile/parser + instructions) does.
 *
 * Parse a buffer or a file into a `hoist_dockerfile` handle. The handle owns
 * every string and array reachable from it; the structs below are plain,
 * read-only views that stay valid until hoist_dockerfile_free().
 *
 * Threads: a parsed handle is immutable. Every function taking a
 * `const hoist_dockerfile *` only reads it (stage lists and scopes are new
 * caller-owned objects), so one handle may be queried, printed and linted
 * from any number of threads at once. Only hoist_dockerfile_append() (while
 * a generator builds a document) and hoist_dockerfile_free() write; they
 * must not run concurrently with anything else on the same handle. The
 * library keeps no global state, so different handles are independent.
 *
 * Positions: lines are 1-based; columns are 1-based byte offsets into the
 * source line (a UTF-8 BOM on line 1 is not counted). A range's end is
 * exclusive: `end.column` is one past the last byte. Instruction ranges span
 * every physical line of the instruction, continuation and heredoc lines
 * included.
 *
 * Parse errors fill `hoist_error` with code HOIST_EINPUT (exit code 4), the
 * file name, line and column, a message worded like BuildKit's and a hint.
 * The view structs (hoist_df_pos, hoist_df_range, hoist_df_directive,
 * hoist_df_comment, hoist_df_flag, hoist_df_arg, hoist_df_pair,
 * hoist_df_heredoc, hoist_df_instruction, hoist_df_warning,
 * hoist_df_instruction_spec) share their handle's rule: readable from any
 * thread while the handle lives. A hoist_image_ref, a hoist_df_stage list
 * (hoist_df_build_arg, hoist_df_copy_from) and a hoist_df_scope are
 * caller-owned and used by one thread at a time.
 */
#ifndef HOIST_DOCKERFILE_H
#define HOIST_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Source positions                                                          */

typedef struct hoist_df_pos {
    int line;   /* 1-based; 0 when unknown (e.g. built, not parsed) */
    int column; /* 1-based byte column */
} hoist_df_pos;

typedef struct hoist_df_range {
    hoist_df_pos start;
    hoist_df_pos end; /* exclusive */
} hoist_df_range;

/* ------------------------------------------------------------------------ */
/* AST                                                                        */

/* Instruction kinds. UNKNOWN is an instruction BuildKit's parser keeps but
 * its instruction layer rejects ("unknown instruction"); hoist_dockerfile_parse
 * reports it as an error unless HOIST_DF_PARSE_AST_ONLY is set. */
typedef enum hoist_df_kind {
    HOIST_DF_UNKNOWN = 0,
    HOIST_DF_ADD,
    HOIST_DF_ARG,
    HOIST_DF_CMD,
    HOIST_DF_COPY,
    HOIST_DF_ENTRYPOINT,
    HOIST_DF_ENV,
    HOIST_DF_EXPOSE,
    HOIST_DF_FROM,
    HOIST_DF_HEALTHCHECK,
    HOIST_DF_LABEL,
    HOIST_DF_MAINTAINER,
    HOIST_DF_ONBUILD,
    HOIST_DF_RUN,
    HOIST_DF_SHELL,
    HOIST_DF_STOPSIGNAL,
    HOIST_DF_USER,
    HOIST_DF_VOLUME,
    HOIST_DF_WORKDIR,
} hoist_df_kind;

/* Upper-case keyword of a kind ("RUN"); "" for HOIST_DF_UNKNOWN. */
HOIST_EXTERN const char *hoist_df_kind_name(hoist_df_kind kind);
/* Kind of a keyword, case-insensitive; HOIST_DF_UNKNOWN when not one. */
HOIST_EXTERN hoist_df_kind hoist_df_kind_from_name(const char *keyword);

typedef enum hoist_df_form {
    HOIST_DF_FORM_SHELL = 0, /* arguments are text (also for instructions
                                that have no exec form, e.g. FROM, ENV) */
    HOIST_DF_FORM_EXEC = 1,  /* arguments were a JSON array of strings */
} hoist_df_form;

/* A parser directive at the top of the file: `# syntax=...`, `# escape=...`,
 * `# check=...`. */
typedef struct hoist_df_directive {
    const char *name;     /* lower case: "syntax", "escape" or "check" */
    const char *value;    /* trimmed value */
    hoist_df_range range; /* the whole directive line */
} hoist_df_directive;

/* A comment line that precedes an instruction (BuildKit's PrevComment).
 * Pragmas such as `# hoist:ignore=...` live here. */
typedef struct hoist_df_comment {
    const char *text;     /* as BuildKit keeps it: the line after its first
                             byte, trimmed ("# foo" -> "foo") */
    bool is_directive;    /* always false now: directive lines are not kept
                             as comments (BuildKit v0.32); kept for the ABI */
    hoist_df_range range;
} hoist_df_comment;

/* A `--name=value` flag before the arguments. Quotes and backslash escapes
 * inside the flag are already removed, as BuildKit does. */
typedef struct hoist_df_flag {
    const char *text;     /* "--from=build" as BuildKit stores it */
    const char *name;     /* "from" */
    const char *value;    /* "build"; NULL when written without '=' */
    hoist_df_range range;
} hoist_df_flag;

/* One argument. For exec form, a decoded JSON array element; otherwise a
 * word or the whole argument text, depending on the instruction (see
 * hoist_df_instruction.args). */
typedef struct hoist_df_arg {
    const char *value;    /* NUL-terminated */
    hoist_df_range range; /* for exec form, the JSON string token */
    size_t len;           /* bytes in value: more than strlen(value) only when
                             a JSON string held `\u0000`, which BuildKit keeps */
} hoist_df_arg;

/* A key/value pair of ENV, LABEL or ARG. Values are as written: quotes and
 * escapes are kept (they are removed when the value is expanded, see
 * hoist_expand), exactly like BuildKit's AST. */
typedef struct hoist_df_pair {
    const char *key;
    const char *value;    /* NULL for a bare `ARG name` */
    hoist_df_range range; /* key through value */
} hoist_df_pair;

/* A heredoc body attached to RUN, COPY or ADD (`<<EOF`, `<<-EOF`). */
typedef struct hoist_df_heredoc {
    const char *name;     /* delimiter, quotes removed: "EOF" */
    const char *content;  /* body lines, each with its '\n'; tabs are NOT
                             stripped here even when strip_tabs (BuildKit
                             strips them when it uses the content) */
    unsigned fd;          /* leading file descriptor (`3<<EOF`), 0 if none */
    bool expand;          /* false when any part of the delimiter was quoted */
    bool strip_tabs;      /* `<<-`: leading tabs are removed from each line */
    hoist_df_range range; /* first body line through the terminator line */
} hoist_df_heredoc;

typedef struct hoist_df_instruction hoist_df_instruction;

struct hoist_df_instruction {
    hoist_df_kind kind;
    const char *keyword;          /* normalised upper case: "RUN" (for an
                                     unknown instruction, its upper case) */
    const char *keyword_original; /* as written: "run" */
    hoist_df_range range;         /* all physical lines of the instruction */
    hoist_df_range keyword_range;

    /* The instruction with continuation lines joined, comment lines inside
     * the continuation dropped and the escape+newline removed; BuildKit's
     * Node.Original (no heredoc bodies). */
    const char *original;

    hoist_df_flag *flags;
    size_t flag_count;

    hoist_df_form form;
    /* Text after the keyword and flags, trimmed: the argument text exactly as
     * BuildKit hands it to the instruction parser. "" when none. */
    const char *raw_args;
    hoist_df_range raw_args_range; /* start/end of raw_args in the source */

    /* Arguments as BuildKit's AST lists them (Node.Next values):
     *  - exec form (RUN/CMD/ENTRYPOINT/SHELL/ADD/COPY/VOLUME/HEALTHCHECK CMD):
     *    the decoded JSON strings;
     *  - FROM, EXPOSE, ADD, COPY, VOLUME in shell form: whitespace-split words;
     *  - RUN, CMD, ENTRYPOINT, SHELL, USER, WORKDIR, STOPSIGNAL, MAINTAINER in
     *    shell form: one element, the whole text;
     *  - HEALTHCHECK: the type ("CMD"/"NONE") then the command as above;
     *  - ARG: the words (quotes kept), one per declaration;
     *  - ENV, LABEL: key, value, key, value, ... (same data as `pairs`);
     *  - ONBUILD: none (see `trigger`); unknown instructions: none. */
    hoist_df_arg *args;
    size_t arg_count;

    /* ENV, LABEL, ARG only. */
    hoist_df_pair *pairs;
    size_t pair_count;
    bool legacy_pairs; /* ENV/LABEL written as `KEY name value` (one pair) */

    hoist_df_heredoc *heredocs;
    size_t heredoc_count;

    /* Comment lines before this instruction (after the previous one). */
    hoist_df_comment *comments;
    size_t comment_count;

    /* ONBUILD: the wrapped instruction (its range is inside this one's);
     * NULL otherwise. */
    hoist_df_instruction *trigger;

    /* Index of the stage this instruction belongs to; -1 for instructions
     * before the first FROM (global ARGs). The FROM itself carries the index
     * of the stage it starts. */
    int stage;
};

/* ------------------------------------------------------------------------ */
/* Parsing                                                                    */

typedef struct hoist_dockerfile hoist_dockerfile;

typedef enum hoist_df_parse_flags {
    /* Stop after BuildKit's parser layer: keep unknown instructions and skip
     * the instruction-level checks (argument counts, flags, FROM first).
     * Syntax errors (directives, JSON arrays of non-strings, ENV/LABEL form,
     * unterminated heredocs, empty file) are still errors. */
    HOIST_DF_PARSE_AST_ONLY = 1u << 0,
} hoist_df_parse_flags;

#define HOIST_DF_PARSE_OPTIONS_VERSION 1
typedef struct hoist_df_parse_options {
    unsigned int version;  /* HOIST_DF_PARSE_OPTIONS_VERSION */
    unsigned int flags;    /* hoist_df_parse_flags */
    const char *filename;  /* used in errors; "Dockerfile" when NULL */
} hoist_df_parse_options;
#define HOIST_DF_PARSE_OPTIONS_INIT {.version = HOIST_DF_PARSE_OPTIONS_VERSION}
/* Same as HOIST_DF_PARSE_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_df_parse_options_init(hoist_df_parse_options *opts);

/* Parse `len` bytes (need not be NUL-terminated). opts may be NULL. On
 * success *out is a new handle; on failure *out is NULL and err is set
 * (code HOIST_EINPUT, location filled). */
HOIST_EXTERN int hoist_dockerfile_parse(hoist_dockerfile **out, const char *data, size_t len,
                           const hoist_df_parse_options *opts, hoist_error *err);

/* Read and parse a file. opts->filename defaults to `path`. A file that
 * cannot be read is HOIST_EINPUT too. */
HOIST_EXTERN int hoist_dockerfile_parse_file(hoist_dockerfile **out, const char *path,
                                const hoist_df_parse_options *opts, hoist_error *err);

/* An empty document to build with hoist_dockerfile_append() (generators). */
HOIST_EXTERN hoist_dockerfile *hoist_dockerfile_new(void);

HOIST_EXTERN void hoist_dockerfile_free(hoist_dockerfile *df);

/* Directives found at the top of the file. */
HOIST_EXTERN size_t hoist_dockerfile_directive_count(const hoist_dockerfile *df);
HOIST_EXTERN const hoist_df_directive *hoist_dockerfile_directive_at(const hoist_dockerfile *df, size_t i);
/* The directive named `name` (lower case), or NULL. */
HOIST_EXTERN const hoist_df_directive *hoist_dockerfile_find_directive(const hoist_dockerfile *df,
                                                          const char *name);
/* The escape character in effect: '\\' or '`'. */
HOIST_EXTERN char hoist_dockerfile_escape(const hoist_dockerfile *df);

/* Top-level instructions in file order (ONBUILD triggers are nested). */
HOIST_EXTERN size_t hoist_dockerfile_instruction_count(const hoist_dockerfile *df);
HOIST_EXTERN const hoist_df_instruction *hoist_dockerfile_instruction_at(const hoist_dockerfile *df, size_t i);

/* Non-fatal findings of the parser, as BuildKit reports them (e.g. "Empty
 * continuation line"). */
typedef struct hoist_df_warning {
    const char *message;
    hoist_df_range range;
} hoist_df_warning;
HOIST_EXTERN size_t hoist_dockerfile_warning_count(const hoist_dockerfile *df);
HOIST_EXTERN const hoist_df_warning *hoist_dockerfile_warning_at(const hoist_dockerfile *df, size_t i);

/* Flag lookup on an instruction: the last flag named `name`, or NULL. */
HOIST_EXTERN const hoist_df_flag *hoist_df_instruction_flag(const hoist_df_instruction *ins, const char *name);

/* ------------------------------------------------------------------------ */
/* Building (for generators): append an instruction from structured data.   */
/* The text is produced with correct quoting and re-parsed, so the result is */
/* exactly what parsing the printed file gives.                               */

#define HOIST_DF_SPEC_VERSION 1
typedef struct hoist_df_instruction_spec {
    unsigned int version;       /* HOIST_DF_SPEC_VERSION */
    const char *keyword;        /* "RUN" */
    const char *const *flags;   /* "--from=build", ... (quoted as needed) */
    size_t flag_count;
    hoist_df_form form;
    /* exec form: the array elements (JSON-encoded for you);
     * shell form: the words, joined with one space and written verbatim. */
    const char *const *args;
    size_t arg_count;
    const char *const *comments; /* comment lines to put before it */
    size_t comment_count;
} hoist_df_instruction_spec;
#define HOIST_DF_INSTRUCTION_SPEC_INIT {.version = HOIST_DF_SPEC_VERSION}

HOIST_EXTERN int hoist_dockerfile_append(hoist_dockerfile *df, const hoist_df_instruction_spec *spec,
                            hoist_error *err);

/* ------------------------------------------------------------------------ */
/* Printer                                                                    */

typedef enum hoist_df_print_flags {
    HOIST_DF_PRINT_CANONICAL = 1u << 0,   /* upper-case keywords */
    HOIST_DF_PRINT_NO_COMMENTS = 1u << 1, /* drop comment lines */
} hoist_df_print_flags;

#define HOIST_DF_PRINT_OPTIONS_VERSION 1
typedef struct hoist_df_print_options {
    unsigned int version; /* HOIST_DF_PRINT_OPTIONS_VERSION */
    unsigned int flags;   /* hoist_df_print_flags */
} hoist_df_print_options;
#define HOIST_DF_PRINT_OPTIONS_INIT {.version = HOIST_DF_PRINT_OPTIONS_VERSION}
/* Same as HOIST_DF_PRINT_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_df_print_options_init(hoist_df_print_options *opts);

/* Print the AST back as Dockerfile text: directives, comments, one line per
 * instruction, heredoc bodies. Parsing the output gives the same AST (up to
 * source positions). *out is malloc'd and NUL-terminated; *out_len may be
 * NULL. */
HOIST_EXTERN int hoist_dockerfile_print(const hoist_dockerfile *df, char **out,
                           size_t *out_len, const hoist_df_print_options *opts, hoist_error *err);

/* ------------------------------------------------------------------------ */
/* Variable expansion (BuildKit's shell lexer)                               */

/* Look up `name` (`name_len` bytes, not NUL-terminated). Return true and set
 * *value and *value_len when the variable is set (possibly to ""), false when it
 * is unset. */
typedef bool (*hoist_expand_lookup_fn)(const char *name, size_t name_len, const char **value,
                                       size_t *value_len, void *user);

typedef enum hoist_expand_flags {
    HOIST_EXPAND_KEEP_UNSET = 1u << 0,  /* leave `$x`/`${x...}` as written when
                                           x is unset (BuildKit SkipUnsetEnv) */
    HOIST_EXPAND_RAW_QUOTES = 1u << 1,  /* keep quote characters in the result */
    HOIST_EXPAND_RAW_ESCAPES = 1u << 2, /* keep escape characters in the result */
    HOIST_EXPAND_NO_QUOTES = 1u << 3,   /* quotes are ordinary characters
                                           (BuildKit SkipProcessQuotes) */
} hoist_expand_flags;

#define HOIST_EXPAND_OPTIONS_VERSION 1
typedef struct hoist_expand_options {
    unsigned int version;          /* HOIST_EXPAND_OPTIONS_VERSION */
    unsigned int flags;            /* hoist_expand_flags */
    char escape;                   /* '\\' (default when 0) or '`' */
    hoist_expand_lookup_fn lookup; /* NULL: every variable is unset */
    void *lookup_ctx;
} hoist_expand_options;
#define HOIST_EXPAND_OPTIONS_INIT {.version = HOIST_EXPAND_OPTIONS_VERSION}
/* Same as HOIST_EXPAND_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_expand_options_init(hoist_expand_options *opts);

/* Expand `$v`, `${v}`, `${v:-w}`, `${v-w}`, `${v:+w}`, `${v+w}`, `${v:?w}`,
 * `${v?w}`, `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`, `${v/p/r}`,
 * `${v//p/r}`, and process quotes and escapes, as BuildKit's
 * shell.Lex.ProcessWord does. *out is malloc'd and NUL-terminated. A syntax
 * error ("bad substitution", "missing '}'") or a `${v?msg}` failure is
 * HOIST_EINPUT with the column (1-based offset into `word`) in err->column. */
HOIST_EXTERN int hoist_expand(char **out, const char *word, size_t len, const hoist_expand_options *opts,
                 hoist_error *err);

/* Like hoist_expand, then split into words on unquoted whitespace (BuildKit
 * ProcessWords). *out_words is a malloc'd array of malloc'd strings; free
 * with hoist_strv_free(). */
HOIST_EXTERN int hoist_expand_words(char ***out_words, size_t *out_count, const char *word,
                       size_t len, const hoist_expand_options *opts, hoist_error *err);

HOIST_EXTERN void hoist_strv_free(char **v, size_t n);

/* True when instructions of this kind expand variables in their arguments
 * (ADD, ARG, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME,
 * WORKDIR; ONBUILD triggers expand when they run). */
HOIST_EXTERN bool hoist_df_kind_expands(hoist_df_kind kind);

/* ------------------------------------------------------------------------ */
/* Stages, ARG/ENV scoping, image references                                 */

/* An image reference split as the docker distribution reference grammar
 * does, with Docker Hub normalisation ("golang" -> docker.io, library/golang). */
typedef struct hoist_image_ref {
    const char *text;       /* the reference that was parsed */
    const char *registry;   /* "docker.io", "ghcr.io", "localhost:5000" */
    const char *repository; /* "library/golang" */
    const char *tag;        /* "1.22"; NULL when absent */
    const char *digest;     /* "sha256:..."; NULL when absent */
} hoist_image_ref;

/* Parse and normalise a reference. Fails (HOIST_EINPUT) on an invalid one. */
HOIST_EXTERN int hoist_image_ref_parse(hoist_image_ref **out, const char *text, hoist_error *err);
HOIST_EXTERN void hoist_image_ref_free(hoist_image_ref *ref);

/* A build argument given on the command line (`--build-arg KEY=VALUE`); value
 * NULL means `--build-arg KEY` (taken from the environment by the caller). */
typedef struct hoist_df_build_arg {
    const char *key;
    const char *value;
} hoist_df_build_arg;

#define HOIST_DF_EVAL_OPTIONS_VERSION 1
typedef struct hoist_df_eval_options {
    unsigned int version;                /* HOIST_DF_EVAL_OPTIONS_VERSION */
    const hoist_df_build_arg *build_args;
    size_t build_arg_count;
    const char *target_platform;         /* "linux/amd64"; NULL: build platform */
    const char *build_platform;          /* NULL: the host's (linux/<arch>) */
} hoist_df_eval_options;
#define HOIST_DF_EVAL_OPTIONS_INIT {.version = HOIST_DF_EVAL_OPTIONS_VERSION}
/* Same as HOIST_DF_EVAL_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_df_eval_options_init(hoist_df_eval_options *opts);

typedef enum hoist_df_base_kind {
    HOIST_DF_BASE_IMAGE = 0, /* an image reference */
    HOIST_DF_BASE_STAGE,     /* FROM <earlier stage name> */
    HOIST_DF_BASE_SCRATCH,   /* FROM scratch */
} hoist_df_base_kind;

typedef struct hoist_df_stage {
    int index;
    const char *name;        /* lower case `AS` name; NULL when unnamed */
    const char *base;        /* base as written ("golang:${GO}") */
    const char *base_expanded; /* after expanding global ARGs */
    hoist_df_base_kind base_kind;
    int base_stage;          /* HOIST_DF_BASE_STAGE: index of that stage; else -1 */
    hoist_image_ref *image;  /* HOIST_DF_BASE_IMAGE and parsable: the split
                                reference; NULL otherwise */
    const char *platform;    /* --platform value as written; NULL when absent */
    const char *platform_expanded;
    size_t first_instruction; /* index of its FROM in the instruction list */
    size_t instruction_count; /* FROM through the last instruction of the stage */
} hoist_df_stage;

/* Stages of a parsed file, computed with `opts` (NULL for defaults), as a
 * new caller-owned list of *count entries: free it with
 * hoist_df_stages_free(). Its strings live with the list, except `base` and
 * `platform`, which point into the handle. The handle is not modified. */
HOIST_EXTERN int hoist_dockerfile_stages(const hoist_dockerfile *df, hoist_df_stage **stages,
                            size_t *count, const hoist_df_eval_options *opts, hoist_error *err);
/* Free a list from hoist_dockerfile_stages (NULL is fine). */
HOIST_EXTERN void hoist_df_stages_free(hoist_df_stage *stages);

typedef enum hoist_df_from_kind {
    HOIST_DF_FROM_STAGE = 0, /* an earlier stage (by name or index) */
    HOIST_DF_FROM_IMAGE,     /* an image (or named context) reference */
} hoist_df_from_kind;

typedef struct hoist_df_copy_from {
    hoist_df_from_kind kind;
    int stage;           /* HOIST_DF_FROM_STAGE: stage index; else -1 */
    const char *text;    /* the `from` passed to the resolve call (points
                            into it: valid as long as that string is) */
} hoist_df_copy_from;

/* Resolve `COPY --from` (or `RUN --mount=from=`) value `from` used in stage
 * `stage` the way BuildKit does: a stage name (case-insensitive) or a number
 * below `stage` names a stage; anything else is an image reference. A stage
 * referring to itself or a later stage by name is an error. */
HOIST_EXTERN int hoist_dockerfile_resolve_from(const hoist_dockerfile *df, hoist_df_copy_from *out, int stage,
                                  const char *from, hoist_error *err);

/* Which stages a build of `target` (NULL or "": the last stage) needs:
 * needed[i] is set for every stage reachable through FROM <stage>,
 * COPY --from and RUN --mount from=. `needed` has one entry per stage.
 * An unknown target is HOIST_EUSAGE with a hint listing the stage names. */
HOIST_EXTERN int hoist_dockerfile_target_stages(const hoist_dockerfile *df, bool *needed,
                                   size_t needed_count, const char *target,
                                   const hoist_df_eval_options *opts, hoist_error *err);

/* Variable scope in effect just before instruction `index` runs (global ARGs
 * for a FROM, the stage's ARG/ENV otherwise), for use with hoist_expand:
 * pass hoist_df_scope_lookup as the lookup and the scope as its ctx. */
typedef struct hoist_df_scope hoist_df_scope;
HOIST_EXTERN int hoist_dockerfile_scope_at(const hoist_dockerfile *df, hoist_df_scope **out,
                              size_t index, const hoist_df_eval_options *opts,
                              hoist_error *err);
HOIST_EXTERN bool hoist_df_scope_lookup(const char *name, size_t name_len, const char **value, size_t *value_len,
                           void *scope);
/* The value of `name` in scope, or NULL when unset. */
HOIST_EXTERN const char *hoist_df_scope_get(const hoist_df_scope *scope, const char *name);
HOIST_EXTERN void hoist_df_scope_free(hoist_df_scope *scope);

/* ------------------------------------------------------------------------ */
/* Syntax features (for engine feature detection)                             */

/* Features that not every builder understands: the classic builder predates
 * heredocs and most flags below; older BuildKit frontends lack some. */
typedef enum hoist_df_feature {
    HOIST_DF_FEATURE_HEREDOC = 1u << 0,        /* RUN/COPY/ADD <<EOF */
    HOIST_DF_FEATURE_RUN_MOUNT = 1u << 1,      /* RUN --mount */
    HOIST_DF_FEATURE_RUN_NETWORK = 1u << 2,    /* RUN --network */
    HOIST_DF_FEATURE_RUN_SECURITY = 1u << 3,   /* RUN --security */
    HOIST_DF_FEATURE_COPY_LINK = 1u << 4,      /* COPY/ADD --link */
    HOIST_DF_FEATURE_COPY_CHMOD = 1u << 5,     /* COPY/ADD --chmod */
    HOIST_DF_FEATURE_COPY_PARENTS = 1u << 6,   /* COPY/ADD --parents */
    HOIST_DF_FEATURE_COPY_EXCLUDE = 1u << 7,   /* COPY/ADD --exclude */
    HOIST_DF_FEATURE_ADD_CHECKSUM = 1u << 8,   /* ADD --checksum */
    HOIST_DF_FEATURE_ADD_KEEP_GIT_DIR = 1u << 9, /* ADD --keep-git-dir */
    HOIST_DF_FEATURE_HEALTHCHECK_START_INTERVAL = 1u << 10, /* --start-interval */
    HOIST_DF_FEATURE_RUN_DEVICE = 1u << 11,    /* RUN --device */
    HOIST_DF_FEATURE_ADD_UNPACK = 1u << 12,    /* ADD --unpack */
} hoist_df_feature;

/* Bit set of the features the document uses (ONBUILD triggers included). */
HOIST_EXTERN unsigned hoist_dockerfile_features(const hoist_dockerfile *df);
/* First line using `feature` (one bit), 0 when unused. */
HOIST_EXTERN int hoist_dockerfile_feature_line(const hoist_dockerfile *df, hoist_df_feature feature);
/* "heredoc", "RUN --mount", ... for messages. */
HOIST_EXTERN const char *hoist_df_feature_name(hoist_df_feature feature);

/* ------------------------------------------------------------------------ */
/* JSON                                                                        */

/* Write the documented AST JSON (docs/ast-json.md) to `out`. */
HOIST_EXTERN int hoist_dockerfile_write_json(const hoist_dockerfile *df, FILE *out, bool pretty,
                                hoist_error *err);

#ifdef __cplusplus
}
#endif
#endif
