/*
 * detect_go.c - recognise a Go module: go.mod (module path, go and
 * toolchain versions), go.sum, the main packages (directories whose .go
 * files say `package main`), cgo use (`import "C"`), a `version` variable in
 * package main (for -ldflags -X) and a listen port when a literal ":NNNN"
 * address appears in package main.
 */
#include "gen/gen_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

typedef struct go_scan {
    gen_pool *pool;
    gen_strv main_dirs; /* "" for the module root */
    bool cgo;
    bool version_var;
    int port;
    const char *port_file;
} go_scan;

/* The package clause: the first line starting with `package `. */
static bool is_package_main(const char *text)
{
    size_t pos = 0, len;
    const char *line;
    while (gen_next_line(text, &pos, &line, &len)) {
        const char *s = gen_skip_space(line);
        if (gen_starts_with(s, "package ")) {
            s = gen_skip_space(s + 8);
            return gen_starts_with(s, "main") &&
                   (s[4] == 0 || s[4] == ' ' || s[4] == '\t' || s[4] == '\n' || s[4] == '\r' ||
                    s[4] == '/');
        }
    }
    return false;
}

static bool declares_version_var(const char *text)
{
    static const char *const forms[] = {"var version ", "var version=", "\tversion ", "\tversion=",
                                        "var Version ", "\tVersion ", NULL};
    for (size_t i = 0; forms[i]; i++)
        if (strstr(text, forms[i]))
            return true;
    return false;
}

static int visit_go_file(const char *dir, const char *rel, void *user)
{
    go_scan *scan = user;
    size_t n = strlen(rel);
    if (n > 8 && !strcmp(rel + n - 8, "_test.go"))
        return 0;
    _cleanup_free_ char *text = NULL;
    if (gen_read_file(dir, rel, &text, NULL) < 0)
        return 0;
    if (strstr(text, "import \"C\""))
        scan->cgo = true;
    if (!is_package_main(text))
        return 0;
    const char *slash = strrchr(rel, '/');
    const char *pkg = gen_pool_strndup(scan->pool, rel, slash ? (size_t)(slash - rel) : 0);
    if (!pkg)
        return -1;
    if (!gen_strv_contains(&scan->main_dirs, pkg) && !gen_strv_push(&scan->main_dirs, pkg))
        return -1;
    if (declares_version_var(text))
        scan->version_var = true;
    static const char *const markers[] = {"\":", "\"0.0.0.0:", NULL};
    if (!scan->port) {
        scan->port = gen_find_port(text, markers);
        if (scan->port)
            scan->port_file = gen_pool_strdup(scan->pool, rel);
    }
    return 0;
}

/* First word after `keyword ` at the start of a go.mod line. */
static const char *gomod_value(gen_pool *pool, const char *text, const char *keyword)
{
    size_t pos = 0, len, kl = strlen(keyword);
    const char *line;
    while (gen_next_line(text, &pos, &line, &len)) {
        const char *s = gen_skip_space(line);
        size_t rest = len - (size_t)(s - line);
        if (rest > kl && !strncmp(s, keyword, kl) && (s[kl] == ' ' || s[kl] == '\t')) {
            const char *v = gen_skip_space(s + kl);
            size_t vl = strcspn(v, " \t\r\n");
            const char *comment = strstr(v, "//");
            if (comment && comment < v + vl)
                vl = (size_t)(comment - v);
            if (vl && v[0] == '"' && vl > 2 && v[vl - 1] == '"')
                return gen_pool_strndup(pool, v + 1, vl - 2);
            return vl ? gen_pool_strndup(pool, v, vl) : NULL;
        }
    }
    return NULL;
}

int gen_detect_go(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err)
{
    *out = NULL;
    _cleanup_free_ char *gomod = NULL;
    if (gen_read_file(dir, "go.mod", &gomod, NULL) < 0)
        return 0;
    gen_project *p = gen_project_new(HOIST_GEN_LANG_GO, "go");
    if (!p)
        return hoist_error_nomem(err);
    *out = p;
    const char *module = gomod_value(pool, gomod, "module");
    const char *go_version = gomod_value(pool, gomod, "go");
    const char *toolchain = gomod_value(pool, gomod, "toolchain");
    /* `go 1.22` is the minimum the module needs (go.dev/ref/mod#go-mod-file-go),
     * so any supported newer line honours it; `toolchain go1.22.5` names the
     * toolchain to use. */
    p->pub.version = go_version ? gen_pool_printf(pool, ">=%s", go_version) : NULL;
    if (toolchain && gen_starts_with(toolchain, "go"))
        p->pub.version = toolchain + 2;
    gen_project_reason(p, pool, "go.mod: module %s, go %s%s%s", module ? module : "(unnamed)",
                       go_version ? go_version : "(unset)", toolchain ? ", toolchain " : "",
                       toolchain ? toolchain : "");
    gen_project_add_manifest(p, pool, dir, "go.mod");
    if (gen_project_add_manifest(p, pool, dir, "go.sum")) {
        p->pub.lockfile = "go.sum";
        gen_project_reason(p, pool, "go.sum: dependency checksums, copied with go.mod");
    }

    go_scan scan = {.pool = pool};
    static const char *const go_suffix[] = {".go", NULL};
    int rc = gen_walk_sources(dir, go_suffix, 6, visit_go_file, &scan);
    if (rc) {
        gen_strv_free(&scan.main_dirs);
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory scanning Go sources");
    }
    p->pub.cgo = scan.cgo;
    p->pub.version_var = scan.version_var;
    p->pub.port = scan.port;
    if (scan.main_dirs.count) {
        const char *main_dir = scan.main_dirs.items[0];
        p->pub.entry = main_dir[0] ? gen_pool_printf(pool, "./%s", main_dir) : ".";
        const char *base = main_dir[0] ? strrchr(main_dir, '/') : NULL;
        if (main_dir[0])
            p->pub.name = gen_pool_strdup(pool, base ? base + 1 : main_dir);
        gen_project_reason(p, pool, "package main in %s", p->pub.entry);
        if (scan.main_dirs.count > 1)
            gen_project_note(p, pool, "%zu main packages; building %s (edit the go build line "
                                      "for another one)",
                             scan.main_dirs.count, p->pub.entry);
    } else {
        gen_project_note(p, pool, "no package main found; building the module root");
        p->pub.entry = ".";
    }
    if (!p->pub.name && module) {
        const char *slash = strrchr(module, '/');
        p->pub.name = slash ? slash + 1 : module;
    }
    if (!p->pub.name)
        p->pub.name = "app";
    if (scan.cgo)
        gen_project_reason(p, pool, "cgo: a Go file imports \"C\"");
    if (scan.port)
        gen_project_reason(p, pool, "listens on :%d (%s)", scan.port, scan.port_file);
    if (gen_file_exists(dir, "vendor/modules.txt"))
        gen_project_note(p, pool, "vendor/ present: go build uses it, go mod download is skipped "
                                  "by Go itself");
    gen_strv_free(&scan.main_dirs);
    return 0;
}
