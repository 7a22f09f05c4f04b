/*
 * image_ref.c - image references split and normalised the way the docker
 * distribution/reference package does (ParseNormalizedNamed):
 *
 *   [domain/]path[:tag][@digest]
 *
 * The first path component is a domain when it contains '.' or ':' or is
 * "localhost" (and has no upper case); otherwise the domain is docker.io and
 * a single-component path gets "library/". Path components are lower-case
 * alphanumerics joined by '.', '_', '__' or runs of '-'; tags are
 * [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; digests are algorithm:hex (32+ hex).
 */
#include <stdlib.h>

#include "dockerfile/df_internal.h"

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool valid_path_component(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    for (size_t i = 0; i < n;) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        /* separator: '.', '_', '__' or '-'+ ; must be followed by alnum */
        if (s[i] == '.' || s[i] == '_') {
            size_t j = i + 1;
            if (s[i] == '_' && j < n && s[j] == '_')
                j++;
            if (j >= n || !is_lower_alnum(s[j]))
                return false;
            i = j;
            continue;
        }
        if (s[i] == '-') {
            while (i < n && s[i] == '-')
                i++;
            if (i >= n || !is_lower_alnum(s[i]))
                return false;
            continue;
        }
        return false;
    }
    return true;
}

static bool valid_domain(const char *s, size_t n)
{
    if (n == 0)
        return false;
    size_t host_end = n;
    if (s[0] == '[') { /* IPv6 literal */
        const char *close = memchr(s, ']', n);
        if (!close)
            return false;
        host_end = (size_t)(close - s) + 1;
        for (size_t i = 1; i + 1 < host_end; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
                  (s[i] >= 'A' && s[i] <= 'F') || s[i] == ':'))
                return false;
    } else {
        const char *colon = memchr(s, ':', n);
        if (colon)
            host_end = (size_t)(colon - s);
        /* dot-separated labels of [A-Za-z0-9] with inner '-' */
        size_t i = 0;
        while (i < host_end) {
            size_t j = i;
            while (j < host_end && s[j] != '.')
                j++;
            if (j == i)
                return false;
            for (size_t k = i; k < j; k++) {
                char c = s[k];
                bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!alnum && !(c == '-' && k != i && k != j - 1))
                    return false;
            }
            i = j + 1;
            if (j < host_end && i == host_end)
                return false;
        }
    }
    if (host_end < n) {
        if (s[host_end] != ':' || host_end + 1 >= n)
            return false;
        for (size_t i = host_end + 1; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return false;
    }
    return true;
}

static bool valid_tag(const char *s, size_t n)
{
    if (n == 0 || n > 128)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool w = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!(w || (i > 0 && (c == '.' || c == '-'))))
            return false;
    }
    return true;
}

static bool valid_digest(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (!colon || colon == s)
        return false;
    size_t an = (size_t)(colon - s);
    for (size_t i = 0; i < an; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !((c == '-' || c == '_' || c == '+' || c == '.') && i > 0 && i + 1 < an))
            return false;
    }
    size_t hn = n - an - 1;
    if (hn < 32)
        return false;
    for (size_t i = an + 1; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

struct image_ref_alloc {
    hoist_image_ref ref;
    df_arena arena;
};

int hoist_image_ref_parse(const char *text, hoist_image_ref **out, hoist_error *err)
{
    *out = NULL;
    if (!text || !*text)
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX, "invalid reference format: empty image name");
    size_t n = strlen(text);
    const char *at = strchr(text, '@');
    size_t name_end = at ? (size_t)(at - text) : n;
    const char *digest = at ? at + 1 : NULL;
    if (digest && !valid_digest(digest, n - name_end - 1)) {
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX,
                         "invalid reference format: bad digest in \"%s\"", text);
        return hoist_error_hint(err, "a digest looks like sha256:<64 hex digits>");
    }
    /* tag: after the last ':' that follows the last '/' */
    size_t last_slash = 0;
    bool has_slash = false;
    for (size_t i = 0; i < name_end; i++)
        if (text[i] == '/') {
            last_slash = i;
            has_slash = true;
        }
    size_t tag_colon = name_end;
    for (size_t i = has_slash ? last_slash : 0; i < name_end; i++)
        if (text[i] == ':')
            tag_colon = i;
    size_t repo_end = tag_colon;
    const char *tag = tag_colon < name_end ? text + tag_colon + 1 : NULL;
    size_t tag_n = tag ? name_end - tag_colon - 1 : 0;
    if (tag && !valid_tag(tag, tag_n)) {
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX, "invalid reference format: bad tag in \"%s\"", text);
        return hoist_error_hint(err, "tags use letters, digits, '_', '.' and '-' (at most 128)");
    }
    /* domain */
    const char *first_slash = memchr(text, '/', repo_end);
    const char *domain = "docker.io";
    size_t domain_n = 9;
    size_t path_start = 0;
    if (first_slash) {
        size_t fl = (size_t)(first_slash - text);
        bool has_upper = false;
        for (size_t i = 0; i < fl; i++)
            has_upper |= text[i] >= 'A' && text[i] <= 'Z';
        bool is_domain = memchr(text, '.', fl) || memchr(text, ':', fl) ||
                         (fl == 9 && !memcmp(text, "localhost", 9)) || has_upper;
        if (is_domain) {
            if (!valid_domain(text, fl)) {
                hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX,
                                 "invalid reference format: bad registry in \"%s\"", text);
                return hoist_error_hint(err, "a registry is host[:port], e.g. ghcr.io or localhost:5000");
            }
            domain = text;
            domain_n = fl;
            path_start = fl + 1;
        }
    }
    if (domain_n == 15 && !memcmp(domain, "index.docker.io", 15)) {
        domain = "docker.io";
        domain_n = 9;
    }
    /* path components */
    for (size_t i = path_start; i <= repo_end;) {
        size_t j = i;
        while (j < repo_end && text[j] != '/')
            j++;
        if (!valid_path_component(text + i, j - i)) {
            bool upper = false;
            for (size_t k = path_start; k < repo_end; k++)
                upper |= text[k] >= 'A' && text[k] <= 'Z';
            hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX, "invalid reference format%s: \"%s\"",
                             upper ? ": repository name must be lowercase" : "", text);
            return hoist_error_hint(err, "repository names use lower-case letters, digits and . _ - separators");
        }
        i = j + 1;
    }
    if (repo_end - path_start + domain_n + 1 > 255)
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX,
                                "invalid reference format: repository name must not be more than 255 characters");

    struct image_ref_alloc *r = calloc(1, sizeof(*r));
    if (!r)
        return hoist_error_nomem(err);
    hbuf repo = {0};
    bool library = domain_n == 9 && !memcmp(domain, "docker.io", 9) && !memchr(text + path_start, '/', repo_end - path_start);
    if (library)
        hbuf_puts(&repo, "library/");
    hbuf_append(&repo, text + path_start, repo_end - path_start);
    r->ref.text = df_arena_strdup(&r->arena, text);
    r->ref.registry = df_arena_strndup(&r->arena, domain, domain_n);
    r->ref.repository = df_arena_strndup(&r->arena, repo.data, repo.len);
    r->ref.tag = tag ? df_arena_strndup(&r->arena, tag, tag_n) : NULL;
    r->ref.digest = digest ? df_arena_strdup(&r->arena, digest) : NULL;
    hbuf_free(&repo);
    if (!r->ref.text || !r->ref.registry || !r->ref.repository) {
        hoist_image_ref_free(&r->ref);
        return hoist_error_nomem(err);
    }
    *out = &r->ref;
    return 0;
}

void hoist_image_ref_free(hoist_image_ref *ref)
{
    if (!ref)
        return;
    struct image_ref_alloc *r = (struct image_ref_alloc *)ref;
    df_arena_free(&r->arena);
    free(r);
}
