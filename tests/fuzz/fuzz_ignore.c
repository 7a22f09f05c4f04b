/*
 * fuzz_ignore.c - libFuzzer target for the .dockerignore reader and matcher.
 *
 * Input: ignore-file text, then a NUL byte, then paths to match, one per
 * line. Any text must parse or fail cleanly with HOIST_EINPUT and a line;
 * every path must match without crashing, and the pattern that decided must
 * be a valid index. Exercises pattern cleaning, the glob-to-regex compiler,
 * the regex engine and the parent-directory rule.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoist/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An unexpected error: say what it was, then abort for libFuzzer. */
static void report(const hoist_error *err)
{
    fprintf(stderr, "unexpected error: code %d, %s:%d: %s\n", err->code, err->file, err->line, err->message);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    const char *text = (const char *)data;
    const uint8_t *nul = memchr(data, 0, size);
    size_t text_len = nul ? (size_t)(nul - data) : size;
    hoist_ignore *ig = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    if (hoist_ignore_parse(&ig, text, text_len, ".dockerignore", &err) != 0) {
        if (err.code != HOIST_EINPUT || !err.message[0] || err.line <= 0)
            report(&err);
        return 0;
    }
    size_t n = hoist_ignore_count(ig);
    for (size_t i = 0; i < n; i++) {
        hoist_ignore_pattern_info info;
        if (hoist_ignore_get(ig, i, &info) != 0 || !info.pattern)
            abort();
    }
    /* The paths: NUL-terminated copies of each line after the NUL. */
    size_t off = nul ? text_len + 1 : size;
    int paths = 0;
    while (off <= size && paths < 64) {
        const uint8_t *nl = memchr(data + off, '\n', size - off);
        size_t plen = nl ? (size_t)(nl - (data + off)) : size - off;
        char *path = malloc(plen + 1);
        if (!path)
            break;
        memcpy(path, data + off, plen);
        path[plen] = '\0';
        bool excluded = false;
        int decider = -2;
        if (hoist_ignore_match(ig, path, &excluded, &decider, &err) == 0) {
            if (decider < -1 || decider >= (int)n || (decider == -1 && excluded))
                abort();
        }
        hoist_ignore_must_walk_excluded_dir(ig, path);
        free(path);
        paths++;
        if (!nl)
            break;
        off += plen + 1;
    }
    /* Same for the text itself as one path, which is long and odd. */
    if (!nul && size > 0) {
        char *path = strndup(text, text_len);
        bool excluded;
        if (path)
            hoist_ignore_match(ig, path, &excluded, NULL, &err);
        free(path);
    }
    hoist_ignore_free(ig);
    return 0;
}
