/*
 * ignore.c - reading .dockerignore files and deciding what they exclude.
 *
 * Two stages, as in Docker. Reading (the docker CLI's ignorefile.ReadAll):
 * split into lines, drop a UTF-8 BOM on the first line and a CR before each
 * LF, skip lines whose first byte is '#' (before trimming, so " #x" is a
 * pattern), trim space, note a leading '!', clean the rest with
 * filepath.Clean and drop one leading '/'. Compiling (patternmatcher.New):
 * trim and clean again, reject a lone "!", check the syntax with Go's
 * filepath.Match rules and compile (pattern.c). A pattern whose regular
 * expression does not compile (a Go regexp error such as "!a\\c") is kept:
 * Docker compiles each pattern when a path first reaches it, so the file is
 * refused only when some path in the context evaluates that pattern; until
 * then the line is as harmless as it is to docker build.
 *
 * Matching walks the patterns in order; a pattern is only evaluated when it
 * could change the current answer (an exclusion when not yet excluded, an
 * exception when excluded) and the last one that matches decides. A pattern
 * also matches a path when it matches one of the path's parent directories;
 * the walker passes the parent's per-pattern results down instead of
 * re-checking every prefix (MatchesUsingParentResults).
 */
#include "ignore_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/vec.h"

#define IGNORE_MAX_LINE (64 * 1024 - 1) /* bufio.Scanner's token limit */

int hoist_ignore_new(hoist_ignore **out, hoist_error *err)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return hoist_error_nomem(err);
    return 0;
}

static void pattern_clear(ignore_pattern *p)
{
    free(p->cleaned);
    free(p->source);
    free(p->file);
    free(p->bad);
    ignore_go_regex_free(p->regex);
}

void hoist_ignore_free(hoist_ignore *ig)
{
    if (!ig)
        return;
    for (size_t i = 0; i < ig->count; i++)
        pattern_clear(&ig->patterns[i]);
    free(ig->patterns);
    free(ig);
}

size_t hoist_ignore_pattern_count(const hoist_ignore *ig) { return ig ? ig->count : 0; }

bool hoist_ignore_has_exceptions(const hoist_ignore *ig) { return ig && ig->has_exceptions; }

const hoist_ignore_pattern_info *hoist_ignore_pattern_at(const hoist_ignore *ig, size_t index)
{
    if (!ig || index >= ig->count)
        return NULL;
    return &ig->patterns[index].info;
}

static int bad_pattern(hoist_error *err, const char *file, int line, const char *source,
                       const char *why)
{
    hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX, "invalid ignore pattern '%s': %s", source, why);
    hoist_error_at(err, file, line, 0);
    return hoist_error_hint(err, "fix or remove this line; patterns use Go filepath.Match syntax "
                                 "(* ? [a-z] [^a] \\x) plus ** and a leading ! for exceptions");
}

/* patternmatcher.New for one pattern that ReadAll already normalised. */
static int add_compiled(hoist_ignore *ig, const char *pat, size_t len, const char *source,
                        const char *file, int line, hoist_error *err)
{
    size_t start, n;
    ignore_go_trim_space(pat, len, &start, &n);
    if (n == 0)
        return 0;
    _cleanup_free_ char *clean = ignore_go_clean_path(pat + start, n);
    if (!clean)
        return hoist_error_nomem(err);
    bool exception = false;
    char *body = clean;
    if (clean[0] == '!') {
        if (clean[1] == '\0')
            return bad_pattern(err, file, line, source, "a lone '!' excludes nothing "
                                                        "(illegal exclusion pattern)");
        exception = true;
        body++;
    }
    size_t blen = strlen(body);
    if (ignore_go_glob_is_bad(body, blen))
        return bad_pattern(err, file, line, source, "syntax error in pattern");

    ignore_pattern *np = hoist_vec_grow(ig->patterns, &ig->cap, ig->count, sizeof(*np), 16);
    if (!np)
        return hoist_error_nomem(err);
    ig->patterns = np;
    ignore_pattern p = {0};
    p.cleaned = strndup(body, blen);
    p.cleaned_len = blen;
    p.source = strdup(source);
    p.file = strdup(file ? file : "");
    p.line = line;
    p.exception = exception;
    if (!p.cleaned || !p.source || !p.file) {
        pattern_clear(&p);
        return hoist_error_nomem(err);
    }
    char why[256];
    int rc = ignore_pattern_compile(&p, why, sizeof(why), err);
    if (rc < 0) {
        pattern_clear(&p);
        return rc == -2 ? HOIST_EENV : hoist_error_set(err, HOIST_EFAILED, "%s", why);
    }
    p.info = (hoist_ignore_pattern_info){p.cleaned, p.source, p.file, p.line, p.exception};
    ig->patterns[ig->count++] = p;
    if (exception)
        ig->has_exceptions = true;
    return 0;
}

int ignore_add_raw_pattern(hoist_ignore *ig, const char *pattern, const char *file, int line,
                           hoist_error *err);
int ignore_add_raw_pattern(hoist_ignore *ig, const char *pattern, const char *file, int line,
                           hoist_error *err)
{
    return add_compiled(ig, pattern, strlen(pattern), pattern, file, line, err);
}

/* ReadAll for one line (without its newline). */
static int add_line(hoist_ignore *ig, const char *text, size_t len, const char *file, int lineno,
                    hoist_error *err)
{
    if (len > 0 && text[len - 1] == '\r')
        len--;
    if (len > 0 && text[0] == '#')
        return 0;
    _cleanup_free_ char *source = strndup(text, len);
    if (!source)
        return hoist_error_nomem(err);
    size_t start, n;
    ignore_go_trim_space(text, len, &start, &n);
    if (n == 0)
        return 0;
    const char *pat = text + start;
    bool invert = pat[0] == '!';
    if (invert) {
        size_t s2, n2;
        ignore_go_trim_space(pat + 1, n - 1, &s2, &n2);
        pat = pat + 1 + s2;
        n = n2;
    }
    _cleanup_free_ char *clean = NULL;
    const char *body = "";
    if (n > 0) {
        clean = ignore_go_clean_path(pat, n);
        if (!clean)
            return hoist_error_nomem(err);
        body = clean;
        if (strlen(body) > 1 && body[0] == '/')
            body++;
    }
    _cleanup_free_ char *full = NULL;
    if (asprintf(&full, "%s%s", invert ? "!" : "", body) < 0) {
        full = NULL;
        return hoist_error_nomem(err);
    }
    return add_compiled(ig, full, strlen(full), source, file, lineno, err);
}

int hoist_ignore_add_line(hoist_ignore *ig, const char *line, const char *file, int lineno,
                          hoist_error *err)
{
    return add_line(ig, line, strlen(line), file, lineno, err);
}

int hoist_ignore_parse(hoist_ignore **out, const char *text, size_t len, const char *filename,
                       hoist_error *err)
{
    hoist_ignore *ig = NULL;
    int rc = hoist_ignore_new(&ig, err);
    if (rc)
        return rc;
    size_t pos = 0;
    int lineno = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *line = text + pos;
        size_t n = end - pos;
        if (lineno == 0 && n >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3)) {
            line += 3;
            n -= 3;
        }
        lineno++;
        if (n > IGNORE_MAX_LINE) {
            hoist_ignore_free(ig);
            hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_LIMIT,
                             "line is longer than 64 KiB (docker cannot read it)");
            hoist_error_at(err, filename, lineno, 0);
            return hoist_error_hint(err, "shorten or split the line");
        }
        rc = add_line(ig, line, n, filename, lineno, err);
        if (rc) {
            hoist_ignore_free(ig);
            return rc;
        }
        pos = nl ? end + 1 : len;
    }
    *out = ig;
    return 0;
}

int hoist_ignore_load(hoist_ignore **out, const char *path, hoist_error *err)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                         "cannot open ignore file: %s", strerror(errno));
        hoist_error_at(err, path, 0, 0);
        return hoist_error_hint(err, "check that the file exists and is readable");
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_INVALID, "ignore file is not a regular file");
        hoist_error_at(err, path, 0, 0);
        return hoist_error_hint(err, "replace it with a regular file");
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    _cleanup_free_ char *buf = malloc(cap);
    if (!buf)
        return hoist_error_nomem(err);
    for (;;) {
        if (len == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                return hoist_error_nomem(err);
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                             "cannot read ignore file: %s", strerror(errno));
            hoist_error_at(err, path, 0, 0);
            return hoist_error_hint(err, "check the file's permissions");
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    return hoist_ignore_parse(out, buf, len, path, err);
}

int ignore_bad_pattern_error(const hoist_ignore *ig, int index, const char *path,
                             hoist_error *err)
{
    const ignore_pattern *p = &ig->patterns[index];
    hoist_error_set(err, HOIST_EINPUT, "invalid ignore pattern '%s': %s (reached when checking %s; "
                    "docker build fails on it the same way)", p->source, p->bad, path);
    hoist_error_at(err, p->file, p->line, 0);
    return hoist_error_hint(err, "fix or remove this line; a pattern is a Go regular expression "
                                 "once translated, so a '\\' escape must form a valid Go "
                                 "regexp escape (use [x] for a literal x)");
}

void ignore_match_using_parent(const hoist_ignore *ig, const char *path, size_t len,
                               const uint8_t *parent, uint8_t *self, bool *excluded, int *decider,
                               int *bad)
{
    bool matched = false;
    *bad = -1;
    int last = -1;
    /* the parent directory's path, for the slow check at the root level */
    size_t dirlen = 0;
    for (size_t i = len; i > 0; i--) {
        if (path[i - 1] == '/') {
            dirlen = i - 1;
            break;
        }
    }
    for (size_t i = 0; i < ig->count; i++) {
        const ignore_pattern *p = &ig->patterns[i];
        bool match = parent ? parent[i] : false;
        if (!match) {
            if (p->exception != matched) {
                if (self)
                    self[i] = 0;
                continue;
            }
            if (p->bad) {
                /* patternmatcher returns ErrBadPattern from this match */
                *bad = (int)i;
                *excluded = false;
                if (decider)
                    *decider = -1;
                return;
            }
            match = ignore_pattern_match(p, path, len);
            if (!match && !parent && dirlen > 0) {
                /* every parent prefix: "a", "a/b", ... */
                for (size_t k = 0; k <= dirlen && !match; k++) {
                    if (k == dirlen || path[k] == '/')
                        match = ignore_pattern_match(p, path, k);
                }
            }
        }
        if (self)
            self[i] = match;
        if (match) {
            matched = !p->exception;
            last = (int)i;
        }
    }
    *excluded = matched;
    if (decider)
        *decider = last;
}

int hoist_ignore_match(const hoist_ignore *ig, bool *excluded, int *decider, const char *path,
                       hoist_error *err)
{
    *excluded = false;
    if (decider)
        *decider = -1;
    if (!ig)
        return 0;
    _cleanup_free_ char *clean = ignore_go_clean_path(path, strlen(path));
    if (!clean)
        return hoist_error_nomem(err);
    if (!strcmp(clean, "."))
        return 0;
    int bad;
    ignore_match_using_parent(ig, clean, strlen(clean), NULL, NULL, excluded, decider, &bad);
    if (bad >= 0)
        return ignore_bad_pattern_error(ig, bad, clean, err);
    return 0;
}

bool hoist_ignore_must_walk_excluded_dir(const hoist_ignore *ig, const char *dir)
{
    if (!ig || !ig->has_exceptions)
        return false;
    size_t dlen = strlen(dir);
    for (size_t i = 0; i < ig->count; i++) {
        const ignore_pattern *p = &ig->patterns[i];
        if (!p->exception)
            continue;
        /* strings.HasPrefix(pattern + "/", dir + "/") */
        if (p->cleaned_len + 1 < dlen + 1)
            continue;
        if (memcmp(p->cleaned, dir, dlen) != 0)
            continue;
        char next = dlen < p->cleaned_len ? p->cleaned[dlen] : '/';
        if (next == '/')
            return true;
    }
    return false;
}
