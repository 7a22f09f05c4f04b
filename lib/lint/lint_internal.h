/*
 * lint_internal.h - what the rule families, the runner and the formatters of
 * lib/lint share.
 *
 * A rule is a constant table entry: its public info (ID, source, default
 * severity, one-line title, explanation) and a check function. Rules are
 * grouped in families, one file each (dl_*.c, bk_*.c, hs_*.c); registry.c
 * lists the families. The runner (run.c) builds a lint_ctx for one
 * Dockerfile, decides which rules are enabled, calls their check functions,
 * and filters what they reported through the pragmas. A check reports with
 * lint_report(), which takes the rule from ctx->rule.
 */
#ifndef HOIST_LINT_INTERNAL_H
#define HOIST_LINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "hoist/lint.h"
#include "hoist/context.h"
#include "hoist/ignore.h"

typedef struct lint_ctx lint_ctx;
typedef struct lint_rule lint_rule;

typedef void (*lint_check_fn)(lint_ctx *ctx);

struct lint_rule {
    hoist_lint_rule_info info; /* first: &rule->info is the public view */
    lint_check_fn check;       /* NULL: reported by another rule's check */
};

typedef struct lint_family {
    const lint_rule *rules;
    size_t count;
} lint_family;

extern const lint_family lint_family_dl_instr;
extern const lint_family lint_family_dl_shell;
extern const lint_family lint_family_dl_pkg;
extern const lint_family lint_family_dl_label;
extern const lint_family lint_family_buildkit;
extern const lint_family lint_family_hs;
extern const lint_family lint_family_hs_images; /* hs_images.c: HS010 */
extern const lint_family lint_family_hs_cache;  /* hs_cache.c: HS011-HS013 */

/* registry.c: index over every family. */
size_t lint_rule_total(void);
const lint_rule *lint_rule_index(size_t i);
const lint_rule *lint_rule_lookup(const char *id); /* case-insensitive */

/* ------------------------------------------------------------------------ */
/* Shell scripts of RUN instructions, split into simple commands (shell.c). */

typedef struct lint_cmd {
    const char *name; /* argv[0] without its directory ("" when none) */
    char **argv;    /* words, quotes and escapes removed; env assignments
                       and shell keywords before the command name dropped */
    size_t argc;
    char **assigns; /* `NAME=value` words before the command name */
    size_t assign_count;
    bool in_pipe;   /* part of a pipeline (`a | b`) */
} lint_cmd;

typedef struct lint_script {
    lint_cmd *cmds;
    size_t count;
    bool has_pipe;
} lint_script;

/* Split text into commands. 0, or -1 when out of memory (out is then empty). */
int lint_shell_parse(const char *text, lint_script *out);
void lint_script_free(lint_script *s);
/* argv[0] without a leading directory ("/usr/bin/apt-get" -> "apt-get"). */
const char *lint_cmd_name(const lint_cmd *c);
bool lint_cmd_is(const lint_cmd *c, const char *name);
/* Some argv[i], i >= 1, equals word. */
bool lint_cmd_has_word(const lint_cmd *c, const char *word);
/* A flag is present: short letter `s` (also in a group such as -qy; 0 for
 * none) or long option `lng` ("--yes", also "--yes=..."; NULL for none). */
bool lint_cmd_has_flag(const lint_cmd *c, char s, const char *lng);
/* Index of the first non-flag word after argv[0] (the subcommand), or 0. */
size_t lint_cmd_subcommand(const lint_cmd *c);
/* Index of the next non-flag word after the subcommand that follows argv[i]
 * (start with i = 0), or 0 when there is none. Flags listed in `valued`
 * ("-t", "--target-release", ...) consume the next word. Allocates nothing. */
size_t lint_cmd_next_operand(const lint_cmd *c, const char *const *valued, size_t i);

/* Any command of the script is `name` (and has subcommand `sub`, or any
 * subcommand when sub is NULL). */
bool lint_script_uses(const lint_script *s, const char *name, const char *sub);

/* ------------------------------------------------------------------------ */
/* Results (result.c)                                                         */

int lint_result_add(hoist_lint_result *r, const char *code, hoist_lint_severity sev,
                    const char *source, const char *file, const hoist_df_range *range,
                    const char *message, const char *hint, int ins_index);
int lint_result_note(hoist_lint_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void lint_result_sort(hoist_lint_result *r);
/* Keep only the findings for which keep() returns true. */
void lint_result_filter(hoist_lint_result *r, bool (*keep)(void *ud, hoist_lint_finding *f, int ins),
                        void *ud);

/* ------------------------------------------------------------------------ */
/* Configuration (config.c)                                                   */

/* Effective severity of `rule_id` given its default; OFF when ignored. */
hoist_lint_severity lint_config_severity(const hoist_lint_config *cfg, const char *rule_id,
                                         hoist_lint_severity def, bool *overridden);
size_t lint_config_trusted_count(const hoist_lint_config *cfg);
const char *lint_config_trusted(const hoist_lint_config *cfg, size_t i);
/* Label schema (hadolint's label-schema / strict-labels). */
size_t lint_config_label_count(const hoist_lint_config *cfg);
void lint_config_label(const hoist_lint_config *cfg, size_t i, const char **name,
                       const char **type);
bool lint_config_strict_labels(const hoist_lint_config *cfg);

/* ------------------------------------------------------------------------ */
/* The run context                                                            */

/* One file of the build context, as the walk saw it. */
typedef struct lint_ctx_entry {
    const char *path; /* relative, '/'-separated (owned by the context) */
    bool dir;
    bool excluded;  /* by the ignore file */
    int decider;    /* ignore pattern index that decided, -1 */
    unsigned long long size;
} lint_ctx_entry;

struct lint_ctx {
    const hoist_dockerfile *df;
    const hoist_lint_options *opts;
    const hoist_lint_config *cfg;
    const char *file;                /* Dockerfile name in findings */
    size_t n;                        /* instruction count */
    const hoist_df_stage *stages;
    size_t stage_count;
    lint_script *scripts;            /* n entries, RUN (and ONBUILD RUN) only */
    hoist_lint_result *res;
    const lint_rule *rule;           /* rule being checked */
    hoist_lint_severity severity;    /* its effective severity */
    int status;                      /* first allocation failure etc. */

    /* Build context (HS rules); context_dir NULL when not given. */
    const char *context_dir;
    hoist_context *hctx;             /* the context: the caller's or owned_hctx */
    hoist_context *owned_hctx;       /* opened by this run, NULL when given */
    const hoist_ignore *ignore;      /* patterns in force (never NULL when
                                        hctx is set) */
    const char *ignore_file;         /* NULL when there is no ignore file */
    unsigned long long context_bytes; /* total size of what is sent */
    lint_ctx_entry *entries;
    size_t entry_count;
    bool context_walked;
};

/* The instruction at i, or its ONBUILD trigger when i is ONBUILD. */
const hoist_df_instruction *lint_ins(const lint_ctx *ctx, size_t i);
const hoist_df_instruction *lint_ins_top(const lint_ctx *ctx, size_t i);
/* Parsed shell script of RUN instruction i (empty when not a RUN). */
const lint_script *lint_run_script(const lint_ctx *ctx, size_t i);
/* Index of the stage instruction i belongs to (-1 before the first FROM). */
int lint_stage_of(const lint_ctx *ctx, size_t i);

/* Report a finding of ctx->rule at `range` (NULL: whole file) of the
 * Dockerfile, on instruction `ins` (-1: none; used by pragmas). */
void lint_report(lint_ctx *ctx, int ins, const hoist_df_range *range, const char *hint,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Same for another file (context rules): `line` 0 for the whole file. */
void lint_report_file(lint_ctx *ctx, const char *file, int line, const char *hint,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Is the rule `id` enabled in this run (for rules that defer to another)? */
bool lint_rule_enabled(const lint_ctx *ctx, const char *id);

/* ------------------------------------------------------------------------ */
/* Small string helpers (util.c)                                              */

bool lint_has_prefix(const char *s, const char *prefix);
bool lint_has_suffix(const char *s, const char *suffix);
bool lint_is_all_upper(const char *s);
bool lint_is_all_lower(const char *s);
/* Names of the variables referenced by `$x` / `${x...}` in word (escape
 * char `esc`, single quotes respected); calls fn for each. */
void lint_each_var(const char *word, char esc, void (*fn)(void *ud, const char *name, size_t len),
                   void *ud);
/* Copy s into buf without one pair of surrounding quotes. */
void lint_strip_quotes(const char *s, char *buf, size_t size);
/* The `AS name` of a FROM as written, or NULL. */
const hoist_df_instruction *lint_stage_from(const lint_ctx *ctx, int stage);
const char *lint_from_alias(const hoist_df_instruction *from);
/* Is variable `name` set before instruction i: by an ENV of i's stage (or
 * of the stage it is built FROM by name, transitively) or, with args_too,
 * by any ARG above i (hadolint's scope for version variables)? */
bool lint_var_defined(const lint_ctx *ctx, size_t i, const char *name, bool args_too);
/* Does what instruction i leaves behind reach an image, as hadolint's
 * DL3009/DL3060 decide: i is in the last stage, in a stage whose name a
 * FROM uses, or is an ONBUILD trigger (it runs in a child image)? */
bool lint_in_result_stage(const lint_ctx *ctx, size_t i);
/* "root", "0", "root:x", "0:0" */
bool lint_is_root_user(const char *user);

/* Pragmas in comments (text as the AST keeps it, '#' removed). hadolint's
 * forms are read exactly as hadolint reads them: `hadolint ignore=ID,...`,
 * `hadolint global ignore=ID,...`, `hadolint stage ignore=ID,...` (on the
 * line before a FROM), `hadolint shell=NAME`, each optionally
 * followed by a `# comment`, and IDs made of D, L, S, C and digits (anything
 * else and the comment is not a pragma). hoist's own `hoist ignore=...`,
 * `hoist:ignore=...`, `hoist global ignore=...`, `hoist stage ignore=...`
 * and `hoist shell=...` are
 * case-insensitive and take any IDs. */
typedef enum lint_pragma_kind {
    LINT_PRAGMA_NONE = 0,
    LINT_PRAGMA_IGNORE,        /* the next instruction */
    LINT_PRAGMA_GLOBAL_IGNORE, /* the whole file */
    LINT_PRAGMA_STAGE_IGNORE,  /* before a FROM: the stage it starts */
    LINT_PRAGMA_SHELL,         /* the shell of the RUNs that follow */
} lint_pragma_kind;
typedef struct lint_pragma {
    lint_pragma_kind kind;
    bool hadolint;   /* hadolint's spelling: an inline ignore covers only the
                        instruction on the next line */
    char value[512]; /* IGNORE: IDs separated by ','; SHELL: the shell */
} lint_pragma;
lint_pragma_kind lint_pragma_parse(const char *comment, lint_pragma *out);
/* Does the ',' separated list name `code` (case-insensitive)? */
bool lint_list_has(const char *list, const char *code);

/* sc_cache.c: ShellCheck verdicts cached per (program, dialect, script).
 * lint_sc_cache_key() fills the key and returns false when the cache is
 * off for this run; _get returns a malloc'd copy of the stored output or
 * NULL; _put stores one (errors are ignored: it is only a cache). */
bool lint_sc_cache_key(const lint_ctx *ctx, const char *prog, const char *dialect,
                       const char *script, size_t len, char key[65]);
char *lint_sc_cache_get(const char key[65]);
void lint_sc_cache_put(const char key[65], const char *out, size_t len);

/* shellcheck.c: run shellcheck over the RUN instructions. */
void lint_shellcheck(lint_ctx *ctx);

/* hs_context.c: open (or take the caller's) context and read its walk. */
int lint_context_load(lint_ctx *ctx, hoist_error *err);
void lint_context_free(lint_ctx *ctx);
/* A COPY/ADD source as a context-relative path: quotes, "./", leading '/'
 * and trailing '/' removed; "" is the whole context. */
void lint_clean_src(const char *in, char *b, size_t size);

#endif
