/*
 * images.c - the table of pinned base images and what a runtime image is
 * made of.
 *
 * Every default is a specific version tag (never `latest`, never a bare
 * major), chosen by the language, the build tool and the toolchain version
 * the project asks for. A version the table does not know, or a lower bound
 * (">=18"), falls back to the language's default row. Users override either stage with
 * `--base builder=IMAGE --base runtime=IMAGE`.
 */
#include "gen/template.h"

#include <stdlib.h>
#include <string.h>

typedef struct image_row {
    hoist_gen_lang lang;
    const char *tool;    /* NULL: any tool of the language */
    const char *version; /* NULL: the language's fallback row */
    const char *builder;
    const char *runtime;
} image_row;

/* Fallback rows (version NULL) come last for each language. */
static const image_row image_table[] = {
    {HOIST_GEN_LANG_GO, NULL, "1.21", "golang:1.21.13-bookworm", "alpine:3.20.3"},
    {HOIST_GEN_LANG_GO, NULL, "1.22", "golang:1.22.7-bookworm", "alpine:3.20.3"},
    {HOIST_GEN_LANG_GO, NULL, "1.23", "golang:1.23.1-bookworm", "alpine:3.20.3"},
    {HOIST_GEN_LANG_GO, NULL, NULL, "golang:1.23.1-bookworm", "alpine:3.20.3"},
    {HOIST_GEN_LANG_NODE, NULL, "18", "node:18.20.4-bookworm-slim", "node:18.20.4-bookworm-slim"},
    {HOIST_GEN_LANG_NODE, NULL, "20", "node:20.17.0-bookworm-slim", "node:20.17.0-bookworm-slim"},
    {HOIST_GEN_LANG_NODE, NULL, "22", "node:22.9.0-bookworm-slim", "node:22.9.0-bookworm-slim"},
    {HOIST_GEN_LANG_NODE, NULL, NULL, "node:20.17.0-bookworm-slim", "node:20.17.0-bookworm-slim"},
    {HOIST_GEN_LANG_PYTHON, NULL, "3.10", "python:3.10.15-slim-bookworm",
     "python:3.10.15-slim-bookworm"},
    {HOIST_GEN_LANG_PYTHON, NULL, "3.11", "python:3.11.10-slim-bookworm",
     "python:3.11.10-slim-bookworm"},
    {HOIST_GEN_LANG_PYTHON, NULL, "3.12", "python:3.12.6-slim-bookworm",
     "python:3.12.6-slim-bookworm"},
    {HOIST_GEN_LANG_PYTHON, NULL, NULL, "python:3.12.6-slim-bookworm",
     "python:3.12.6-slim-bookworm"},
    {HOIST_GEN_LANG_RUST, NULL, NULL, "rust:1.81.0-slim-bookworm", "debian:12.7-slim"},
    {HOIST_GEN_LANG_C, NULL, NULL, "gcc:13.3.0", "debian:12.7-slim"},
    {HOIST_GEN_LANG_JAVA, "gradle", "17", "gradle:8.10.2-jdk17", "eclipse-temurin:17.0.12_7-jre"},
    {HOIST_GEN_LANG_JAVA, "gradle", NULL, "gradle:8.10.2-jdk21", "eclipse-temurin:21.0.4_7-jre"},
    {HOIST_GEN_LANG_JAVA, "maven", "17", "maven:3.9.9-eclipse-temurin-17",
     "eclipse-temurin:17.0.12_7-jre"},
    {HOIST_GEN_LANG_JAVA, NULL, NULL, "maven:3.9.9-eclipse-temurin-21",
     "eclipse-temurin:21.0.4_7-jre"},
};

/* Does the project's version select this row? "1.22.5" matches "1.22";
 * ">=18" and "^20.1" match on their first number. */
static bool version_matches(const char *want, const char *row)
{
    if (*want == '>') /* ">=18": the newest default satisfies it */
        return false;
    while (*want && !(*want >= '0' && *want <= '9'))
        want++;
    size_t n = strlen(row);
    return !strncmp(want, row, n) && (want[n] == 0 || want[n] == '.' || want[n] == ' ' ||
                                      want[n] == ',' || want[n] == '<' || want[n] == '|');
}

void hoist_gen_default_images(const hoist_gen_project *p, const char **builder,
                              const char **runtime)
{
    *builder = *runtime = NULL;
    const image_row *fallback = NULL;
    for (size_t i = 0; i < sizeof(image_table) / sizeof(image_table[0]); i++) {
        const image_row *r = &image_table[i];
        if (r->lang != p->lang || (r->tool && (!p->tool || strcmp(r->tool, p->tool))))
            continue;
        if (!r->version) {
            if (!fallback)
                fallback = r;
            continue;
        }
        if (p->version && version_matches(p->version, r->version)) {
            *builder = r->builder;
            *runtime = r->runtime;
            break;
        }
    }
    if (!*builder && fallback) {
        *builder = fallback->builder;
        *runtime = fallback->runtime;
    }
    /* cgo needs a C library at run time */
    if (p->lang == HOIST_GEN_LANG_GO && p->cgo && *runtime)
        *runtime = "debian:12.7-slim";
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
