/*
 * gen_internal.h - shared pieces of lib/gen (project detection and
 * Dockerfile generation), not part of the public API.
 *
 * Ownership: every string a detector produces lives in a gen_pool (a list
 * of malloc'd strings freed together), so the public hoist_gen_project view
 * can hand out plain `const char *` without per-field bookkeeping. String
 * lists (gen_strv) hold pointers into the pool.
 */
#ifndef HOIST_GEN_INTERNAL_H
#define HOIST_GEN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "hoist/gen.h"

/* ---- string pool and lists (util.c) ---- */

typedef struct gen_pool {
    char **items;
    size_t count, cap;
} gen_pool;

void gen_pool_free(gen_pool *pool);
/* Copies `s` into the pool; NULL on allocation failure (or s NULL). */
const char *gen_pool_strdup(gen_pool *pool, const char *s);
const char *gen_pool_strndup(gen_pool *pool, const char *s, size_t n);
const char *gen_pool_printf(gen_pool *pool, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

typedef struct gen_strv {
    const char **items;
    size_t count, cap;
} gen_strv;

bool gen_strv_push(gen_strv *v, const char *s);
bool gen_strv_contains(const gen_strv *v, const char *s);
void gen_strv_free(gen_strv *v);

/* ---- files (util.c) ---- */

/* Read <dir>/<rel> into a malloc'd NUL-terminated buffer. Returns 0, or -1
 * when it does not exist or cannot be read (errno set). */
int gen_read_file(const char *dir, const char *rel, char **data, size_t *len);
bool gen_file_exists(const char *dir, const char *rel);

/* Visit regular files under `dir` whose names end with one of `suffixes`
 * (NULL-terminated), sorted, at most `max_depth` directories deep, skipping
 * hidden directories and the usual dependency and output folders
 * (node_modules, vendor, target, build, testdata, dist, __pycache__, venv).
 * `rel` is '/'-separated and relative to dir. A non-zero return from the
 * visitor stops the walk and is returned. */
typedef int (*gen_visit_fn)(const char *dir, const char *rel, void *user);
int gen_walk_sources(const char *dir, const char *const *suffixes, int max_depth,
                     gen_visit_fn visit, void *user);

/* ---- small text helpers (util.c) ---- */

/* Next line of `text` starting at *pos: sets *line and *len (without '\n') and
 * advances *pos; false at the end. */
bool gen_next_line(const char *text, size_t *pos, const char **line, size_t *len);
/* Skip spaces and tabs. */
const char *gen_skip_space(const char *s);
/* True when s starts with prefix. */
bool gen_starts_with(const char *s, const char *prefix);
/* A port number found after `marker` in `text` (e.g. marker ":" in
 * "ListenAndServe(\":8080\""); 0 when none. Used by the detectors'
 * port heuristics. */
int gen_find_port(const char *text, const char *const *markers);
/* Value of `key = "value"` or `key = 'value'` in a TOML section ("" for
 * the top level, "package" for [package]); NULL when absent. Only simple
 * one-line string values are understood, which is all detection needs. */
const char *gen_toml_string(gen_pool *pool, const char *text, const char *section,
                            const char *key);
/* Is there a `[section]` header (exact) in the TOML text? */
bool gen_toml_has_section(const char *text, const char *section);

/* ---- projects (detect.c) ---- */

typedef struct gen_project {
    hoist_gen_project pub;
    gen_strv manifests, reasons, notes, command;
} gen_project;

gen_project *gen_project_new(hoist_gen_lang lang, const char *tool);
/* Add a manifest if the file exists under dir; returns whether it did. */
bool gen_project_add_manifest(gen_project *p, gen_pool *pool, const char *dir, const char *rel);
bool gen_project_reason(gen_project *p, gen_pool *pool, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool gen_project_note(gen_project *p, gen_pool *pool, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool gen_project_command(gen_project *p, gen_pool *pool, const char *const *argv, size_t argc);

/* A detector: sets *out to a new project when `dir` holds one of its kind,
 * leaves it NULL otherwise. Errors only for unreadable or invalid input. */
typedef int (*gen_detect_fn)(const char *dir, gen_pool *pool, gen_project **out,
                             hoist_error *err);

int gen_detect_go(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err);
int gen_detect_node(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err);
int gen_detect_python(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err);
int gen_detect_rust(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err);
int gen_detect_c(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err);
int gen_detect_java(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err);

#endif
