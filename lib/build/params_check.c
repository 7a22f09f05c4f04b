/*
 * params_check.c - the checks the docker CLI makes on `docker build`'s flag
 * values before it sends anything, made on hoist_build_params before any
 * connection (so hoist_build() callers get them too).
 *
 * The docker CLI (28.2.2) refuses, with exit 125 and nothing uploaded:
 *   -t         a name that is not a reference (distribution/reference's
 *              grammar: lower-case path components, an optional registry
 *              host[:port] first, an optional :tag; at most 255 characters
 *              of name); "x@sha256:..." passes the grammar and is left to
 *              the daemon, as the CLI does;
 *   --build-arg an empty name ("=x");
 *   --label    an empty name, or a name with a space or tab;
 *   --add-host no ':' or '=' separator, an empty name or one with ':', or
 *              an address that is not IPv4/IPv6 (optionally in [ ]) nor
 *              "host-gateway";
 *   sizes      negative --shm-size / --memory (the CLI's parser refuses "-1").
 * The CLI passes --platform to the daemon unchecked, and the classic builder
 * ignores a platform it cannot use when the base image is local (so
 * "foo/bar" builds). hoist is stricter there: the value must parse as
 * containerd's platforms.Parse reads it (1 to 3 '/'-separated parts of
 * [A-Za-z0-9_-], a single part being a known OS or architecture) and name
 * an OS Go knows, since no image can be built for anything else.
 * Every failure is HOIST_EUSAGE with HOIST_REASON_INVALID and a hint.
 */
#include "build_internal.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

/* path-component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* */
static bool path_component_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (n == 0 || !is_lower_alnum(s[0]))
        return false;
    while (i < n) {
        while (i < n && is_lower_alnum(s[i]))
            i++;
        if (i == n)
            return true;
        size_t sep = i;
        if (s[i] == '.') {
            i++;
        } else if (s[i] == '_') {
            i++;
            if (i < n && s[i] == '_')
                i++;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-')
                i++;
        } else {
            return false;
        }
        if (i == n || !is_lower_alnum(s[i]) || i == sep)
            return false;
    }
    return true;
}

/* domain: host components ([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])
 * joined by '.', or an IPv6 literal in [ ], then an optional :port. */
static bool domain_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (n > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', n);
        if (!close)
            return false;
        char v6[64];
        size_t l = (size_t)(close - s - 1);
        if (l == 0 || l >= sizeof(v6))
            return false;
        memcpy(v6, s + 1, l);
        v6[l] = '\0';
        unsigned char buf[16];
        if (inet_pton(AF_INET6, v6, buf) != 1)
            return false;
        i = l + 2;
    } else {
        for (;;) {
            size_t start = i;
            while (i < n && (is_alnum(s[i]) || s[i] == '-'))
                i++;
            if (i == start || s[start] == '-' || s[i - 1] == '-')
                return false;
            if (i < n && s[i] == '.') {
                i++;
                continue;
            }
            break;
        }
    }
    if (i == n)
        return true;
    if (s[i] != ':' || i + 1 == n)
        return false;
    for (i++; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* reference.ParseNormalizedNamed plus the CLI's ValidateTag. Returns NULL
 * or why the reference is refused. */
static const char *reference_problem(const char *ref)
{
    size_t len = strlen(ref);
    if (len == 0)
        return "invalid reference format";
    /* split off @digest (checked by the daemon, as the CLI does) and :tag */
    const char *at = strchr(ref, '@');
    size_t name_end = at ? (size_t)(at - ref) : len;
    const char *last_slash = memrchr(ref, '/', name_end);
    const char *colon = memchr(last_slash ? last_slash : ref, ':',
                               name_end - (size_t)((last_slash ? last_slash : ref) - ref));
    size_t repo_end = colon ? (size_t)(colon - ref) : name_end;
    if (colon) {
        const char *tag = colon + 1;
        size_t tlen = name_end - repo_end - 1;
        if (tlen == 0 || tlen > 128)
            return "invalid reference format";
        if (!(is_alnum(tag[0]) || tag[0] == '_'))
            return "invalid reference format";
        for (size_t i = 1; i < tlen; i++)
            if (!(is_alnum(tag[i]) || tag[i] == '_' || tag[i] == '.' || tag[i] == '-'))
                return "invalid reference format";
    }
    if (repo_end == 0)
        return "invalid reference format";
    /* the first component is a registry when it has '.' or ':' or is
     * "localhost" (or has an upper-case letter, which a path may not) */
    size_t i = 0;
    const char *slash = memchr(ref, '/', repo_end);
    if (slash) {
        size_t dl = (size_t)(slash - ref);
        bool is_domain = memchr(ref, '.', dl) || memchr(ref, ':', dl) ||
                         (dl == 9 && !memcmp(ref, "localhost", 9));
        for (size_t k = 0; k < dl && !is_domain; k++)
            if (ref[k] >= 'A' && ref[k] <= 'Z')
                is_domain = true;
        /* a first component that is no host name may still be a path
         * component (the grammar's domain is optional): "a-b.c_d/x" */
        if (is_domain && domain_ok(ref, dl))
            i = dl + 1;
        else if (is_domain && !path_component_ok(ref, dl))
            return "invalid reference format";
    }
    if (repo_end - i > 255 || repo_end > 255)
        return "repository name must not be more than 255 characters";
    bool upper = false;
    for (size_t k = i; k < repo_end; k++)
        if (ref[k] >= 'A' && ref[k] <= 'Z')
            upper = true;
    if (upper)
        return "repository name must be lowercase";
    while (i <= repo_end) {
        const char *end = memchr(ref + i, '/', repo_end - i);
        size_t cl = end ? (size_t)(end - (ref + i)) : repo_end - i;
        if (!path_component_ok(ref + i, cl))
            return "invalid reference format";
        i += cl + 1;
        if (!end)
            break;
    }
    return NULL;
}

static const char *const known_os[] = {
    "aix", "android", "darwin", "dragonfly", "freebsd", "illumos", "ios", "js", "linux",
    "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "macos",
};
static const char *const known_arch[] = {
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
    "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le",
    "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm", "i386", "x86_64",
    "x86-64", "aarch64", "armhf", "armel",
};

static bool in_list(const char *s, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && !strncasecmp(list[i], s, n))
            return true;
    return false;
}

static const char *platform_problem(const char *p)
{
    const char *parts[3];
    size_t lens[3], n = 0;
    const char *s = p;
    for (;;) {
        if (n == 3)
            return "more than three '/'-separated parts";
        const char *slash = strchr(s, '/');
        parts[n] = s;
        lens[n] = slash ? (size_t)(slash - s) : strlen(s);
        if (lens[n] == 0)
            return "an empty part";
        for (size_t i = 0; i < lens[n]; i++)
            if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '-')
                return "a character other than letters, digits, '_' and '-'";
        n++;
        if (!slash)
            break;
        s = slash + 1;
    }
    size_t nos = sizeof(known_os) / sizeof(known_os[0]);
    size_t narch = sizeof(known_arch) / sizeof(known_arch[0]);
    if (n == 1) {
        if (!in_list(parts[0], lens[0], known_os, nos) && !in_list(parts[0], lens[0], known_arch, narch))
            return "an unknown operating system or architecture";
        return NULL;
    }
    if (!in_list(parts[0], lens[0], known_os, nos))
        return "an unknown operating system";
    if (!in_list(parts[1], lens[1], known_arch, narch))
        return "an unknown architecture";
    return NULL;
}

static bool ip_ok(const char *v, size_t n)
{
    char buf[64];
    /* ValidateIPAddress trims space first */
    while (n > 0 && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')) {
        v++;
        n--;
    }
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r'))
        n--;
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, v, n);
    buf[n] = '\0';
    unsigned char out[16];
    return inet_pton(AF_INET, buf, out) == 1 || inet_pton(AF_INET6, buf, out) == 1;
}

static const char *add_host_problem(const char *h)
{
    const char *sep = strchr(h, '=');
    if (!sep)
        sep = strchr(h, ':');
    if (!sep || sep == h || memchr(h, ':', (size_t)(sep - h)))
        return "bad format (want NAME:IP or NAME=IP)";
    const char *v = sep + 1;
    size_t n = strlen(v);
    if (!strcmp(v, "host-gateway"))
        return NULL;
    if (n > 2 && v[0] == '[' && v[n - 1] == ']') {
        v++;
        n -= 2;
    }
    if (!ip_ok(v, n))
        return "invalid IP address";
    return NULL;
}

static int invalid(hoist_error *err, const char *flag, const char *value, const char *why,
                   const char *hint)
{
    hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "%s '%s': %s", flag, value, why);
    return hoist_error_hint(err, "%s", hint);
}

int build_params_check(const hoist_build_params *p, hoist_error *err)
{
    for (size_t i = 0; i < p->tag_count; i++) {
        const char *why = p->tags[i] ? reference_problem(p->tags[i]) : "missing";
        if (why)
            return invalid(err, "-t", p->tags[i] ? p->tags[i] : "", why,
                           "a tag is [REGISTRY[:PORT]/]NAME[:TAG]: lower-case letters, digits "
                           "and . _ - in NAME, at most 128 of [A-Za-z0-9_.-] in TAG "
                           "(e.g. -t myapp:1.0)");
    }
    for (size_t i = 0; i < p->build_arg_count; i++) {
        const char *a = p->build_args[i];
        if (!a || a[0] == '=' || a[0] == '\0')
            return invalid(err, "--build-arg", a ? a : "", "empty name",
                           "write --build-arg NAME=VALUE, or --build-arg NAME to take NAME "
                           "from the environment");
    }
    for (size_t i = 0; i < p->label_count; i++) {
        const char *l = p->labels[i] ? p->labels[i] : "";
        size_t kl = strcspn(l, "=");
        size_t b = 0, e = kl;
        while (b < e && (l[b] == ' ' || l[b] == '\t' || l[b] == '\n' || l[b] == '\r'))
            b++;
        while (e > b && (l[e - 1] == ' ' || l[e - 1] == '\t' || l[e - 1] == '\n' || l[e - 1] == '\r'))
            e--;
        if (b == e)
            return invalid(err, "--label", l, "empty name", "write --label NAME=VALUE");
        if (memchr(l + b, ' ', e - b) || memchr(l + b, '\t', e - b))
            return invalid(err, "--label", l, "the name contains white space",
                           "write --label NAME=VALUE with a NAME without spaces");
    }
    for (size_t i = 0; i < p->add_host_count; i++) {
        const char *h = p->add_hosts[i] ? p->add_hosts[i] : "";
        const char *why = add_host_problem(h);
        if (why)
            return invalid(err, "--add-host", h, why,
                           "write --add-host NAME:IP (IPv4, IPv6 or host-gateway), e.g. "
                           "--add-host db:10.0.0.5");
    }
    if (p->platform && *p->platform) {
        const char *why = platform_problem(p->platform);
        if (why)
            return invalid(err, "--platform", p->platform, why,
                           "write OS/ARCH[/VARIANT], e.g. --platform linux/amd64 or linux/arm64/v8");
    }
    if (p->shm_size < 0) {
        char v[32];
        snprintf(v, sizeof(v), "%lld", p->shm_size);
        return invalid(err, "--shm-size", v, "a size cannot be negative", "give a size such as 64m");
    }
    if (p->memory < 0) {
        char v[32];
        snprintf(v, sizeof(v), "%lld", p->memory);
        return invalid(err, "--memory", v, "a size cannot be negative", "give a size such as 512m");
    }
    return 0;
}
