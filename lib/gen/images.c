/*
 * images.c - the dated table of language release lines and pinned base
 * images, and what a runtime image is made of.
 *
 * The table is data with an "as of" date (GEN_IMAGES_AS_OF): each release
 * line of Node, Python and Go carries its release date, its end of life
 * (end of security support) and, when hoist pins images for it, the builder
 * and runtime image. Whether a line is supported is decided against the
 * table's date, never the machine's clock, so that `hoist init` writes the
 * same Dockerfile wherever and whenever it runs; refreshing the table means
 * moving the date and the pins together.
 *
 * Defaults: the newest line that is released and not past its end of life
 * as of the table's date (for Node, the newest LTS line: odd lines are
 * short-lived "Current" releases). A version the project declares is
 * honoured: an exact line ("20", "3.11", "1.22.5", "^20.1", "~=3.11.0")
 * picks that line, even one past its end of life (the choice says so and
 * `hoist check` reports it as HS010); a lower bound (">=18", ">3.9") picks
 * the newest supported line, below an upper bound when one is given
 * (">=3.9,<3.13"). Java keeps per-tool rows (maven/gradle) by release, Rust
 * and C one pinned row each. Users override either stage with
 * `--base builder=IMAGE --base runtime=IMAGE`.
 *
 * The same table answers gen_image_eol() for the HS010 rule of hoist check
 * (lib/lint/hs_images.c).
 *
 * Sources (looked up for the table's date):
 *   Node   - endoflife.date/nodejs and nodejs.org/about/eol: 16 EOL
 *            2023-09-11, 18 EOL 2025-04-30, 20 EOL 2026-04-30, 22 EOL
 *            2027-04-30, 24 (LTS "Krypton" from 24.11.0) EOL 2028-04-30,
 *            odd lines 6 months after release + 2 (23: 2025-06-01,
 *            25: 2026-06-01). Node 26 (due April 2026) is not in the table:
 *            no source for its pins was available when it was made.
 *   Python - devguide.python.org/versions (and endoflife.date/python):
 *            first release and EOL of 3.7 .. 3.14; the devguide gives the
 *            EOL month of the lines still supported, the last day of that
 *            month is used.
 *   Go     - go.dev/doc/devel/release and endoflife.date/go: each release is
 *            supported until two newer majors are out, so a line's EOL is
 *            the release date of the line two after it. 1.26 was released
 *            on 2026-02-10 (1.26.1 by March 2026); no source covered
 *            1.27, so 1.25's end of life is left open (NULL).
 *   alpine - 3.23 (in use by golang:1.26.0-alpine3.23); 3.20, the old pin,
 *            reached end of support on 2026-04-01.
 */
#include "gen/images.h"
#include "gen/template.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gen_images_as_of = "2026-11-30";

typedef struct release_line {
    hoist_gen_lang lang;
    const char *repo;     /* the Docker Hub repository of the toolchain image */
    const char *line;     /* "24", "3.14", "1.26" */
    const char *released; /* YYYY-MM-DD */
    const char *eol;      /* YYYY-MM-DD; NULL: not announced in the sources */
    bool lts;             /* a line meant for production (Node: even lines) */
    const char *builder;  /* pinned images; NULL: hoist pins none for this line */
    const char *runtime;
} release_line;

#define GO_RUNTIME "alpine:3.23.0"

/* Oldest first within a language. */
static const release_line lines[] = {
    {HOIST_GEN_LANG_NODE, "node", "16", "2021-04-20", "2023-09-11", true, NULL, NULL},
    {HOIST_GEN_LANG_NODE, "node", "18", "2022-04-19", "2025-04-30", true,
     "node:18.20.4-bookworm-slim", "node:18.20.4-bookworm-slim"},
    {HOIST_GEN_LANG_NODE, "node", "20", "2023-04-18", "2026-04-30", true,
     "node:20.17.0-bookworm-slim", "node:20.17.0-bookworm-slim"},
    {HOIST_GEN_LANG_NODE, "node", "21", "2023-10-17", "2024-06-01", false, NULL, NULL},
    {HOIST_GEN_LANG_NODE, "node", "22", "2024-04-24", "2027-04-30", true,
     "node:22.9.0-bookworm-slim", "node:22.9.0-bookworm-slim"},
    {HOIST_GEN_LANG_NODE, "node", "23", "2024-10-16", "2025-06-01", false, NULL, NULL},
    {HOIST_GEN_LANG_NODE, "node", "24", "2025-05-06", "2028-04-30", true,
     "node:24.11.0-bookworm-slim", "node:24.11.0-bookworm-slim"},
    {HOIST_GEN_LANG_NODE, "node", "25", "2025-10-15", "2026-06-01", false, NULL, NULL},

    {HOIST_GEN_LANG_PYTHON, "python", "3.7", "2018-06-27", "2023-06-27", true, NULL, NULL},
    {HOIST_GEN_LANG_PYTHON, "python", "3.8", "2019-10-14", "2024-10-07", true, NULL, NULL},
    {HOIST_GEN_LANG_PYTHON, "python", "3.9", "2020-10-05", "2025-10-31", true, NULL, NULL},
    {HOIST_GEN_LANG_PYTHON, "python", "3.10", "2021-10-04", "2026-10-31", true,
     "python:3.10.15-slim-bookworm", "python:3.10.15-slim-bookworm"},
    {HOIST_GEN_LANG_PYTHON, "python", "3.11", "2022-10-24", "2027-10-31", true,
     "python:3.11.10-slim-bookworm", "python:3.11.10-slim-bookworm"},
    {HOIST_GEN_LANG_PYTHON, "python", "3.12", "2023-10-02", "2028-10-31", true,
     "python:3.12.6-slim-bookworm", "python:3.12.6-slim-bookworm"},
    {HOIST_GEN_LANG_PYTHON, "python", "3.13", "2024-10-07", "2029-10-31", true,
     "python:3.13.0-slim-bookworm", "python:3.13.0-slim-bookworm"},
    {HOIST_GEN_LANG_PYTHON, "python", "3.14", "2025-10-07", "2030-10-31", true,
     "python:3.14.0-slim-bookworm", "python:3.14.0-slim-bookworm"},

    {HOIST_GEN_LANG_GO, "golang", "1.20", "2023-02-01", "2024-02-06", true, NULL, NULL},
    {HOIST_GEN_LANG_GO, "golang", "1.21", "2023-08-08", "2024-08-13", true,
     "golang:1.21.13-bookworm", GO_RUNTIME},
    {HOIST_GEN_LANG_GO, "golang", "1.22", "2024-02-06", "2025-02-11", true,
     "golang:1.22.7-bookworm", GO_RUNTIME},
    {HOIST_GEN_LANG_GO, "golang", "1.23", "2024-08-13", "2025-08-12", true,
     "golang:1.23.1-bookworm", GO_RUNTIME},
    {HOIST_GEN_LANG_GO, "golang", "1.24", "2025-02-11", "2026-02-10", true,
     "golang:1.24.6-bookworm", GO_RUNTIME},
    {HOIST_GEN_LANG_GO, "golang", "1.25", "2025-08-12", NULL, true,
     "golang:1.25.0-bookworm", GO_RUNTIME},
    {HOIST_GEN_LANG_GO, "golang", "1.26", "2026-02-10", NULL, true,
     "golang:1.26.1-bookworm", GO_RUNTIME},
};
#define LINE_COUNT (sizeof(lines) / sizeof(lines[0]))

/* Java, Rust and C: rows by tool and release; version NULL is the
 * language's fallback and comes last. */
typedef struct image_row {
    hoist_gen_lang lang;
    const char *tool;    /* NULL: any tool of the language */
    const char *version; /* NULL: the language's fallback row */
    const char *builder;
    const char *runtime;
} image_row;

static const image_row image_rows[] = {
    {HOIST_GEN_LANG_RUST, NULL, NULL, "rust:1.81.0-slim-bookworm", "debian:12.7-slim"},
    {HOIST_GEN_LANG_C, NULL, NULL, "gcc:13.3.0", "debian:12.7-slim"},
    {HOIST_GEN_LANG_JAVA, "gradle", "17", "gradle:8.10.2-jdk17", "eclipse-temurin:17.0.12_7-jre"},
    {HOIST_GEN_LANG_JAVA, "gradle", NULL, "gradle:8.10.2-jdk21", "eclipse-temurin:21.0.4_7-jre"},
    {HOIST_GEN_LANG_JAVA, "maven", "17", "maven:3.9.9-eclipse-temurin-17",
     "eclipse-temurin:17.0.12_7-jre"},
    {HOIST_GEN_LANG_JAVA, NULL, NULL, "maven:3.9.9-eclipse-temurin-21",
     "eclipse-temurin:21.0.4_7-jre"},
};

/* ------------------------------------------------------------ versions */

#define VER_MAX 3
typedef struct version {
    int part[VER_MAX];
    int count; /* parts given (0: none) */
} version;

/* Reads "1.22.5", "v20", "20.x", "3.11.*" at s; returns the end. */
static const char *parse_version(const char *s, version *v)
{
    memset(v, 0, sizeof(*v));
    if (*s == 'v' || *s == 'V')
        s++;
    while (v->count < VER_MAX && isdigit((unsigned char)*s)) {
        long n = strtol(s, (char **)&s, 10);
        v->part[v->count++] = n > 100000 ? 100000 : (int)n;
        if (*s != '.' || !isdigit((unsigned char)s[1]))
            break;
        s++;
    }
    while (isdigit((unsigned char)*s) || *s == '.' || *s == '*' || *s == 'x' || *s == 'X')
        s++;
    return s;
}

/* Compare the first n parts (missing parts are 0). */
static int version_cmp(const version *a, const version *b, int n)
{
    for (int i = 0; i < n && i < VER_MAX; i++)
        if (a->part[i] != b->part[i])
            return a->part[i] < b->part[i] ? -1 : 1;
    return 0;
}

/* Does one comparator ("^20.1", ">=3.9", "<21", "1.22.5", "==3.11.*") admit
 * the release line `ln` (whose own precision is ln->count parts)? */
static bool comparator_admits(hoist_gen_lang lang, const char *op, size_t oplen, const version *v,
                              const version *ln)
{
    int k = ln->count;
    if (!v->count)
        return true; /* "*", "x": anything */
    bool finer = v->count > k; /* "3.12.5" against the line 3.12 */
    int c = version_cmp(ln, v, k);
    if (oplen == 2 && !strncmp(op, ">=", 2))
        return c >= 0;
    if (oplen == 1 && *op == '>')
        return finer ? c >= 0 : c > 0;
    if (oplen == 2 && !strncmp(op, "<=", 2))
        return c <= 0;
    if (oplen == 1 && *op == '<')
        return finer ? c <= 0 : c < 0;
    if (oplen == 2 && !strncmp(op, "!=", 2))
        return v->count < k || version_cmp(ln, v, k) != 0;
    /* Python's ~=X.Y and a caret on a line of two parts (poetry's ^3.11)
     * are lower bounds within the major: >=X.Y, <X+1 */
    bool two_part_lines = lang == HOIST_GEN_LANG_PYTHON || lang == HOIST_GEN_LANG_GO;
    if (two_part_lines && v->count == 2 &&
        ((oplen == 2 && !strncmp(op, "~=", 2)) || (oplen == 1 && *op == '^')))
        return ln->part[0] == v->part[0] && version_cmp(ln, v, 2) >= 0;
    if (two_part_lines && v->count == 1 && oplen == 1 && *op == '^')
        return ln->part[0] == v->part[0];
    /* exact: =, ==, ~, ^ (on Node's one-part lines), ~=X.Y.Z, bare */
    int m = v->count < k ? v->count : k;
    return version_cmp(ln, v, m) == 0;
}

/* Does the declared version `spec` admit the line? Alternatives split by
 * "||"; comparators within one by ',' or spaces (all must hold). */
static bool spec_admits(hoist_gen_lang lang, const char *spec, const char *line)
{
    version ln;
    parse_version(line, &ln);
    const char *s = spec;
    for (;;) {
        const char *alt_end = strstr(s, "||");
        if (!alt_end)
            alt_end = s + strlen(s);
        bool all = true, any_comparator = false;
        const char *p = s;
        while (p < alt_end) {
            while (p < alt_end && (isspace((unsigned char)*p) || *p == ','))
                p++;
            if (p >= alt_end)
                break;
            const char *op = p;
            while (p < alt_end && strchr("<>=!~^", *p))
                p++;
            size_t oplen = (size_t)(p - op);
            while (p < alt_end && isspace((unsigned char)*p))
                p++;
            version v;
            const char *after = parse_version(p, &v);
            if (after == p) { /* not a version: skip the word */
                while (p < alt_end && !isspace((unsigned char)*p) && *p != ',')
                    p++;
                continue;
            }
            p = after;
            any_comparator = true;
            if (!comparator_admits(lang, op, oplen, &v, &ln))
                all = false;
        }
        if (all && any_comparator)
            return true;
        if (!*alt_end)
            return false;
        s = alt_end + 2;
    }
}

/* ISO dates compare as strings. */
static bool line_supported(const release_line *l)
{
    return strcmp(l->released, gen_images_as_of) <= 0 &&
           (!l->eol || strcmp(l->eol, gen_images_as_of) > 0);
}

static const release_line *newest_supported(hoist_gen_lang lang)
{
    const release_line *best = NULL;
    for (size_t i = 0; i < LINE_COUNT; i++)
        if (lines[i].lang == lang && lines[i].builder && lines[i].lts && line_supported(&lines[i]))
            best = &lines[i];
    return best;
}

void gen_pick_images(const hoist_gen_project *p, gen_image_pick *out)
{
    memset(out, 0, sizeof(*out));
    const release_line *def = newest_supported(p->lang);
    if (def) {
        const release_line *pick = NULL, *eol_pick = NULL;
        bool declared_any = false;
        if (p->version) {
            for (size_t i = 0; i < LINE_COUNT; i++) {
                const release_line *l = &lines[i];
                if (l->lang != p->lang || !spec_admits(p->lang, p->version, l->line))
                    continue;
                declared_any = true;
                if (!l->builder)
                    continue;
                if (line_supported(l))
                    pick = l; /* oldest first: the newest wins */
                else
                    eol_pick = l;
            }
        }
        if (!pick && eol_pick)
            pick = eol_pick;
        out->unpinned = p->version && !pick && declared_any;
        out->is_default = !pick;
        if (!pick)
            pick = def;
        out->builder = pick->builder;
        out->runtime = pick->runtime;
        out->line = pick->line;
        out->eol = pick->eol;
        out->past_eol = !line_supported(pick);
    } else {
        const image_row *fallback = NULL, *match = NULL;
        for (size_t i = 0; i < sizeof(image_rows) / sizeof(image_rows[0]) && !match; i++) {
            const image_row *r = &image_rows[i];
            if (r->lang != p->lang || (r->tool && (!p->tool || strcmp(r->tool, p->tool))))
                continue;
            if (!r->version) {
                if (!fallback)
                    fallback = r;
                continue;
            }
            if (p->version && spec_admits(p->lang, p->version, r->version))
                match = r;
        }
        if (!match)
            match = fallback;
        if (match) {
            out->builder = match->builder;
            out->runtime = match->runtime;
            out->is_default = match == fallback;
        }
    }
    /* cgo needs a C library at run time */
    if (p->lang == HOIST_GEN_LANG_GO && p->cgo && out->runtime)
        out->runtime = "debian:12.7-slim";
}

void hoist_gen_default_images(const hoist_gen_project *p, const char **builder,
                              const char **runtime)
{
    gen_image_pick pick;
    gen_pick_images(p, &pick);
    *builder = pick.builder;
    *runtime = pick.runtime;
}

/* ------------------------------------------------------------ end of life */

bool gen_image_eol(const char *image, gen_eol_info *out)
{
    memset(out, 0, sizeof(*out));
    /* Docker Hub's official images only: [docker.io/][library/]NAME:TAG */
    const char *s = image;
    if (!strncmp(s, "docker.io/", 10))
        s += 10;
    else if (!strncmp(s, "index.docker.io/", 16))
        s += 16;
    if (!strncmp(s, "library/", 8))
        s += 8;
    size_t rl = strcspn(s, ":@");
    if (s[rl] != ':')
        return false; /* no tag: latest, or a digest alone */
    const char *tag = s + rl + 1;
    if (!isdigit((unsigned char)*tag))
        return false; /* lts, alpine, bookworm, ${VERSION}: no line */
    version v;
    parse_version(tag, &v);
    for (size_t i = 0; i < LINE_COUNT; i++) {
        const release_line *l = &lines[i];
        if (strlen(l->repo) != rl || strncmp(s, l->repo, rl))
            continue;
        version ln;
        parse_version(l->line, &ln);
        if (v.count < ln.count || version_cmp(&v, &ln, ln.count))
            continue;
        if (line_supported(l) || !l->eol)
            return false;
        const release_line *fix = newest_supported(l->lang);
        out->repo = l->repo;
        out->line = l->line;
        out->eol = l->eol;
        out->fix_line = fix ? fix->line : NULL;
        out->fix_image = fix ? fix->builder : NULL;
        return true;
    }
    return false;
}

/* The image's repository path without registry host, tag and digest. */
static void repository_of(const char *image, char *out, size_t cap)
{
    const char *start = image;
    const char *slash = strchr(image, '/');
    if (slash) {
        size_t first = (size_t)(slash - image);
        if (memchr(image, '.', first) || memchr(image, ':', first) ||
            (first == 9 && !strncmp(image, "localhost", 9)))
            start = slash + 1;
    }
    size_t n = strcspn(start, "@");
    const char *colon = memchr(start, ':', n);
    if (colon)
        n = (size_t)(colon - start);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, start, n);
    out[n] = 0;
}

static bool repo_has_word(const char *repo, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = strstr(repo, word); p; p = strstr(p + 1, word)) {
        bool start_ok = p == repo || p[-1] == '/' || p[-1] == '-' || p[-1] == '_';
        bool end_ok = p[wl] == 0 || p[wl] == '/' || p[wl] == '-' || p[wl] == '_';
        if (start_ok && end_ok)
            return true;
    }
    return false;
}

const char *gen_runtime_needs_static(const char *image)
{
    char repo[512];
    if (!strcmp(image, "scratch"))
        return "scratch";
    repository_of(image, repo, sizeof(repo));
    if (repo_has_word(repo, "alpine"))
        return "alpine";
    if (repo_has_word(repo, "distroless"))
        return "distroless";
    if (repo_has_word(repo, "busybox"))
        return "busybox";
    return NULL;
}

gen_runtime_family gen_runtime_family_of(const char *image)
{
    char repo[512];
    if (!strcmp(image, "scratch"))
        return GEN_RUNTIME_NO_LIBC;
    repository_of(image, repo, sizeof(repo));
    if (repo_has_word(repo, "alpine"))
        return GEN_RUNTIME_MUSL;
    if (repo_has_word(repo, "busybox") || strstr(repo, "distroless/static"))
        return GEN_RUNTIME_NO_LIBC;
    if (strstr(repo, "distroless/"))
        return GEN_RUNTIME_GLIBC;
    static const char *const glibc[] = {"debian", "ubuntu", "gcc", "buildpack-deps", "fedora",
                                        "centos", "rockylinux", "almalinux", "ubi8", "ubi9",
                                        "amazonlinux", "node", "python", "eclipse-temurin",
                                        "rust", "golang", "openjdk", NULL};
    for (size_t i = 0; glibc[i]; i++)
        if (repo_has_word(repo, glibc[i]))
            return GEN_RUNTIME_GLIBC;
    /* unknown: assume nothing, which is what a static binary needs */
    return GEN_RUNTIME_NO_LIBC;
}
