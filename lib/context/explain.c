/*
 * explain.c - answer "is this path sent, and which line decided?".
 *
 * Follows the walk (walk.c) down the path's components only: each ancestor
 * is matched with its parent's per-pattern results, exactly as the walk
 * would, and the first ancestor that is excluded and not walked (or that is
 * a symlink, which the walk never enters) settles it. Otherwise the path's
 * own match decides. The answer is given whether or not the path exists,
 * so "would a file here be sent?" can be asked too.
 */
#include "context_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "ignore/ignore_internal.h"

int hoist_context_explain(hoist_context *ctx, const char *path, hoist_context_explanation *out,
                          hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    out->pattern = -1;
    const char *p = path;
    size_t dlen = strlen(ctx->dir);
    if (p[0] == '/') {
        if (strncmp(p, ctx->dir, dlen) != 0 || (p[dlen] != '/' && p[dlen] != '\0')) {
            hoist_error_set(err, HOIST_EINPUT, "%s is outside the context %s", path, ctx->dir);
            return hoist_error_hint(err, "give a path relative to the context root");
        }
        p += dlen;
    }
    _cleanup_free_ char *clean = go_clean_path(p, strlen(p));
    if (!clean)
        return hoist_error_nomem(err);
    char *rel = clean;
    while (*rel == '/')
        rel++;
    if (!*rel || !strcmp(rel, ".") || !strncmp(rel, "../", 3) || !strcmp(rel, "..")) {
        hoist_error_set(err, HOIST_EINPUT, "'%s' is not a path inside the context", path);
        return hoist_error_hint(err, "give a path relative to the context root, e.g. src/main.c");
    }
    if (ctx->dockerfile_outside && !strcmp(rel, ctx->dockerfile_name)) {
        out->sent = out->generated = out->exists = true;
        return 0;
    }
    const hoist_ignore *ig = ctx->ignore;
    size_t len = strlen(rel);
    _cleanup_free_ uint8_t *parent = calloc(ig->count + 1, 1);
    _cleanup_free_ uint8_t *self = calloc(ig->count + 1, 1);
    _cleanup_free_ char *abs = malloc(dlen + len + 2);
    if (!parent || !self || !abs)
        return hoist_error_nomem(err);
    snprintf(abs, dlen + len + 2, "%s/%s", ctx->dir, rel);
    struct stat full;
    if (lstat(abs, &full) == 0) {
        out->exists = true;
        out->type = context_type_of_mode(full.st_mode);
    }
    bool have_parent = false;
    bool on_disk = true;
    for (size_t end = 0; end <= len; end++) {
        if (end < len && rel[end] != '/')
            continue;
        bool last = end == len;
        snprintf(abs, dlen + len + 2, "%s/%.*s", ctx->dir, (int)end, rel);
        struct stat st;
        bool exists = on_disk && lstat(abs, &st) == 0;
        on_disk = exists;
        bool excluded;
        int decider;
        ignore_match_using_parent(ig, rel, end, have_parent ? parent : NULL, self, &excluded,
                                  &decider);
        if (last) {
            out->sent = !excluded;
            out->pattern = decider;
            if (exists && (out->type == HOIST_ENTRY_SOCKET || out->type == HOIST_ENTRY_FIFO))
                out->sent = false;
            if (decider >= 0) {
                hoist_ignore_pattern_info info;
                hoist_ignore_get(ig, (size_t)decider, &info);
                out->always_sent = !strcmp(info.file, HOIST_ALWAYS_SENT);
            }
            return 0;
        }
        if (exists && S_ISLNK(st.st_mode)) {
            out->sent = false;
            out->pattern = -1;
            out->via_symlink = true;
            snprintf(out->via, sizeof(out->via), "%.*s", (int)end, rel);
            return 0;
        }
        if (excluded) {
            snprintf(out->via, sizeof(out->via), "%.*s", (int)end, rel);
            if (!hoist_ignore_must_walk_excluded_dir(ig, out->via)) {
                out->sent = false;
                out->pattern = decider;
                return 0;
            }
            out->walked_excluded = true;
            out->via[0] = '\0';
        }
        memcpy(parent, self, ig->count);
        have_parent = true;
    }
    return 0;
}
