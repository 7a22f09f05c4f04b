/*
 * hoist/lint.h - `hoist check`: lint a parsed Dockerfile together with its
 * build context.
 *
 * One call, hoist_lint_run(), runs every enabled rule on a parsed
 * Dockerfile (and, when a context directory is given, on the context) and
 * returns an opaque result holding the findings, sorted by position;
 * hoist_lint_text() does the same from text, and lints what a file BuildKit
 * would reject still parses into (its rejection is finding DL1000). Rules
 * come in families: hadolint's DL rules (same IDs and meanings), BuildKit's
 * build checks (same names), hoist's own context-aware HS rules and, when the
 * `shellcheck` program is installed, ShellCheck's SC codes on shell-form RUN.
 *
 * What is reported is decided, in this order: the rule's default severity;
 * the configuration (a hoist_lint_config, read from `.hoist.yaml` or built by
 * the caller: ignored rules, severity overrides, trusted registries); inline
 * pragmas in the Dockerfile (`# hoist ignore=ID,...` and `# hadolint
 * ignore=...` before an instruction, `# hoist global ignore=...`, `# hadolint
 * stage ignore=...` before a FROM, BuildKit's `# check=skip=...` directive).
 * A rule whose severity ends up OFF is not run.
 *
 * The library keeps no global state; the rule table is constant. Results and
 * configs are owned by the caller and freed with their _free function.
 *
 * Threads: hoist_lint_run() only reads the Dockerfile handle and the config,
 * so one parsed Dockerfile and one config may be linted from several threads
 * at once (each run gets its own result). An open hoist_context passed in
 * the options is walked (and its walk cached) by the run: give each thread
 * its own, or do not share it while another thread uses it. A result or a
 * config being edited belongs to one thread at a time.
 */
#ifndef HOIST_LINT_H
#define HOIST_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hoist/context.h"
#include "hoist/dockerfile.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Severities, in increasing order. OFF means "not reported". NEVER is only a
 * failure threshold: nothing reaches it, so the check never fails. */
typedef enum hoist_lint_severity {
    HOIST_LINT_OFF = 0,
    HOIST_LINT_STYLE = 1,
    HOIST_LINT_INFO = 2,
    HOIST_LINT_WARNING = 3,
    HOIST_LINT_ERROR = 4,
    HOIST_LINT_NEVER = 5,
} hoist_lint_severity;

/* "off", "style", "info", "warning", "error", "none". */
HOIST_EXTERN const char *hoist_lint_severity_name(hoist_lint_severity sev);
/* Parse a severity or threshold name, case-insensitive: error, warning,
 * info, style, ignore/off, none. Returns 0, or -1 when unknown. */
HOIST_EXTERN int hoist_lint_severity_parse(const char *name, hoist_lint_severity *out);

/* ------------------------------------------------------------------------ */
/* Rules                                                                      */

typedef struct hoist_lint_rule_info {
    const char *id;          /* "DL3008", "StageNameCasing", "HS001" */
    const char *source;      /* "hadolint", "buildkit", "hoist" */
    hoist_lint_severity severity; /* default; OFF: opt-in (enable it with an
                                     override in the config) */
    const char *title;       /* one-line message */
    const char *explanation; /* why it matters and how to fix it */
} hoist_lint_rule_info;

HOIST_EXTERN size_t hoist_lint_rule_count(void);
HOIST_EXTERN const hoist_lint_rule_info *hoist_lint_rule_at(size_t index);
/* Look a rule up by ID, case-insensitive; NULL when unknown. */
HOIST_EXTERN const hoist_lint_rule_info *hoist_lint_rule_find(const char *id);

/* ------------------------------------------------------------------------ */
/* Configuration                                                              */

typedef struct hoist_lint_config hoist_lint_config;

/* An empty configuration: defaults everywhere, threshold error. */
HOIST_EXTERN int hoist_lint_config_new(hoist_lint_config **out, hoist_error *err);
/* Parse `.hoist.yaml` text (a YAML subset: block and flow maps and lists,
 * plain and quoted scalars, comments). Keys read, at the top level or under
 * a `check:` key: `ignored` (list of rule IDs), `override` (map severity ->
 * list of IDs), `failure-threshold`, `trusted-registries` (also hadolint's
 * `trustedRegistries`). Other keys are left for other commands. An unknown
 * rule ID or severity is HOIST_EINPUT with the line. */
HOIST_EXTERN int hoist_lint_config_parse(const char *text, size_t len, const char *filename,
                            hoist_lint_config **out, hoist_error *err);
HOIST_EXTERN int hoist_lint_config_load(const char *path, hoist_lint_config **out, hoist_error *err);
/* The configuration of a check: the file `path` when given (--config,
 * --check-config), else `.hoist.yaml` in `context_dir` (NULL: ".") when it
 * exists (an unreadable one is an error), else the defaults. */
HOIST_EXTERN int hoist_lint_config_discover(const char *path, const char *context_dir, hoist_lint_config **out,
                               hoist_error *err);
HOIST_EXTERN void hoist_lint_config_free(hoist_lint_config *cfg);

/* Edits (the CLI's --ignore, --failure-threshold, --trusted-registry); they
 * take precedence over what the file said. */
HOIST_EXTERN int hoist_lint_config_ignore(hoist_lint_config *cfg, const char *id, hoist_error *err);
HOIST_EXTERN int hoist_lint_config_override(hoist_lint_config *cfg, const char *id, hoist_lint_severity sev,
                               hoist_error *err);
HOIST_EXTERN int hoist_lint_config_add_trusted_registry(hoist_lint_config *cfg, const char *registry,
                                           hoist_error *err);
HOIST_EXTERN void hoist_lint_config_set_threshold(hoist_lint_config *cfg, hoist_lint_severity threshold);
HOIST_EXTERN hoist_lint_severity hoist_lint_config_threshold(const hoist_lint_config *cfg);

/* ------------------------------------------------------------------------ */
/* Engine capabilities (for the "feature the target engine cannot run" rule) */

#define HOIST_LINT_ENGINE_VERSION 1
typedef struct hoist_lint_engine {
    unsigned int version;    /* HOIST_LINT_ENGINE_VERSION */
    bool known;              /* false: the engine is unknown, rule HS009 is
                                not run (offline `hoist check`) */
    bool buildkit;           /* builds go through BuildKit (not the classic
                                builder) */
    const char *api_version; /* negotiated Engine API version, "1.43" */
    const char *engine_version; /* Docker release ("20.10.24"); NULL:
                                   unknown, the built-in frontend is
                                   guessed from api_version (features.h) */
} hoist_lint_engine;
#define HOIST_LINT_ENGINE_INIT {HOIST_LINT_ENGINE_VERSION, false, true, NULL, NULL}

/* ------------------------------------------------------------------------ */
/* Running                                                                    */

typedef enum hoist_lint_flags {
    HOIST_LINT_NO_SHELLCHECK = 1u << 0, /* do not run shellcheck */
    HOIST_LINT_NO_PRAGMAS = 1u << 1,    /* ignore inline pragmas */
    HOIST_LINT_NO_CACHE = 1u << 2,      /* do not use (or fill) the cache of
                                           ShellCheck verdicts in
                                           $XDG_CACHE_HOME/hoist (also off
                                           when HOIST_NO_CACHE=1) */
} hoist_lint_flags;

#define HOIST_LINT_OPTIONS_VERSION 1
typedef struct hoist_lint_options {
    unsigned int version;       /* HOIST_LINT_OPTIONS_VERSION */
    unsigned int flags;         /* hoist_lint_flags */
    const char *dockerfile;     /* name used in findings; "Dockerfile" */
    const char *context_dir;    /* build context root; NULL (and no
                                   `context`): the HS context rules are not
                                   run */
    const hoist_lint_config *config;  /* NULL: defaults */
    const hoist_lint_engine *engine;  /* NULL: unknown engine */
    const char *shellcheck;     /* shellcheck program; NULL: "shellcheck"
                                   on PATH */
    uint64_t context_size_limit; /* HS007 threshold in bytes; 0: 500 MiB */
    hoist_context *context;     /* an already open build context (hoist
                                   build's): used instead of opening
                                   context_dir, and walked through
                                   hoist_context_entries, so the walk is
                                   shared with the caller; NULL: open
                                   context_dir */
} hoist_lint_options;
#define HOIST_LINT_OPTIONS_INIT {HOIST_LINT_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL}

typedef struct hoist_lint_finding {
    const char *code;             /* rule ID or "SC2086" */
    hoist_lint_severity severity; /* after config and pragmas */
    const char *message;
    const char *file;             /* the Dockerfile, or a context file */
    hoist_df_range range;         /* line 0: the whole file */
    const char *hint;             /* what to do; NULL when none */
    const char *source;           /* "hadolint", "buildkit", "hoist",
                                     "shellcheck" */
} hoist_lint_finding;

typedef struct hoist_lint_result hoist_lint_result;

/* Lint a parsed Dockerfile. On success *out holds the findings (possibly
 * none); failure (HOIST_EINPUT for an unreadable context, ...) leaves *out
 * NULL. The Dockerfile handle, the options and the config are only read, so
 * several threads may lint the same handle with the same config at once
 * (see the thread note at the top). */
HOIST_EXTERN int hoist_lint_run(const hoist_dockerfile *df, const hoist_lint_options *opts,
                   hoist_lint_result **out, hoist_error *err);

/* Parse `len` bytes of Dockerfile text and lint them, as `hoist check`
 * does. A file BuildKit would reject (no FROM, an unknown instruction, a bad
 * flag, a syntax error) is not an error here: its rejection is a DL1000
 * finding (BuildKit's message at its location; DL3061 reports a missing
 * FROM instead when it is enabled) and whatever BuildKit's parser layer
 * accepts is linted as usual, so fragments such as `RUN pip install foo`
 * are checked too. opts->dockerfile names the file. Errors are only for
 * the run itself (out of memory, an unreadable context). */
HOIST_EXTERN int hoist_lint_text(const char *text, size_t len, const hoist_lint_options *opts,
                                 hoist_lint_result **out, hoist_error *err);

/* An empty result, to merge several runs into with hoist_lint_result_merge. */
HOIST_EXTERN int hoist_lint_result_new(hoist_lint_result **out, hoist_error *err);
/* Move every finding and note of `from` into `into`; `from` is left empty. */
HOIST_EXTERN int hoist_lint_result_merge(hoist_lint_result *into, hoist_lint_result *from, hoist_error *err);
HOIST_EXTERN void hoist_lint_result_free(hoist_lint_result *r);

HOIST_EXTERN size_t hoist_lint_result_count(const hoist_lint_result *r);
HOIST_EXTERN const hoist_lint_finding *hoist_lint_result_get(const hoist_lint_result *r, size_t index);
/* Highest severity reported, OFF when there is no finding. */
HOIST_EXTERN hoist_lint_severity hoist_lint_result_max(const hoist_lint_result *r);
/* True when some finding is at or above `threshold`. */
HOIST_EXTERN bool hoist_lint_result_fails(const hoist_lint_result *r, hoist_lint_severity threshold);
/* Notes about the run itself ("shellcheck is not installed: ..."). */
HOIST_EXTERN size_t hoist_lint_result_note_count(const hoist_lint_result *r);
HOIST_EXTERN const char *hoist_lint_result_note(const hoist_lint_result *r, size_t index);

/* ------------------------------------------------------------------------ */
/* Output                                                                     */

typedef enum hoist_lint_format {
    HOIST_LINT_FORMAT_TTY = 0,   /* human: source line, caret, colour */
    HOIST_LINT_FORMAT_JSON,      /* hadolint-compatible array */
    HOIST_LINT_FORMAT_SARIF,     /* SARIF 2.1.0 */
    HOIST_LINT_FORMAT_CHECKSTYLE,
    HOIST_LINT_FORMAT_GNU,       /* file:line:col: severity: message [code] */
    HOIST_LINT_FORMAT_CODECLIMATE, /* Code Climate issues, GitLab's code quality report */
} hoist_lint_format;

/* "tty", "json", "sarif", "checkstyle", "gnu", "codeclimate" (also read as
 * "gitlab"). Returns 0 or -1. */
HOIST_EXTERN int hoist_lint_format_parse(const char *name, hoist_lint_format *out);

/* The source text of a file named in the findings, so that the tty format
 * can show the line with a caret. */
typedef struct hoist_lint_source {
    const char *file;
    const char *text;
    size_t len;
} hoist_lint_source;

#define HOIST_LINT_WRITE_OPTIONS_VERSION 1
typedef struct hoist_lint_write_options {
    unsigned int version;             /* HOIST_LINT_WRITE_OPTIONS_VERSION */
    bool color;                       /* tty: ANSI colours */
    const hoist_lint_source *sources; /* tty: may be NULL */
    size_t source_count;
} hoist_lint_write_options;
#define HOIST_LINT_WRITE_OPTIONS_INIT {HOIST_LINT_WRITE_OPTIONS_VERSION, false, NULL, 0}

HOIST_EXTERN int hoist_lint_write(const hoist_lint_result *r, hoist_lint_format format, FILE *out,
                     const hoist_lint_write_options *opts, hoist_error *err);

#ifdef __cplusplus
}
#endif
#endif
