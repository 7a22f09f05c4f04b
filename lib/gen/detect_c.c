/*
 * detect_c.c - recognise a C or C++ project: a build file (Makefile,
 * CMakeLists.txt or meson.build) next to C/C++ sources, and the binary it
 * builds: the default goal of the Makefile (through `all:` and simple
 * variables), CMake's first add_executable(), meson's first executable(),
 * autotools' first bin_PROGRAMS (configure.ac, with or without a shipped
 * ./configure). A build file without any C/C++ source (a Go project's
 * Makefile) is not a C project.
 *
 * It also lists the libraries linked beyond the C library (pkg-config
 * modules, CMake find_package/pkg_check_modules, meson dependency(),
 * PKG_CHECK_MODULES/AC_CHECK_LIB, -lNAME), because they decide whether a
 * static link can work and what a runtime image must hold.
 */
#include "gen/gen_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

typedef struct c_scan {
    size_t c_files, cxx_files;
    const char *first;
    gen_pool *pool;
} c_scan;

static int visit_c_file(const char *dir, const char *rel, void *user)
{
    (void)dir;
    c_scan *scan = user;
    size_t n = strlen(rel);
    if (n > 2 && !strcmp(rel + n - 2, ".c"))
        scan->c_files++;
    else
        scan->cxx_files++;
    if (!scan->first)
        scan->first = gen_pool_strdup(scan->pool, rel);
    return 0;
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == '/';
}

/* Value of a simple `NAME = value` (also :=, ?=, ::=) assignment. */
static const char *make_variable(gen_pool *pool, const char *text, const char *name, size_t nlen)
{
    size_t pos = 0, len;
    const char *line;
    while (gen_next_line(text, &pos, &line, &len)) {
        const char *s = gen_skip_space(line);
        const char *end = line + len;
        if ((size_t)(end - s) <= nlen || strncmp(s, name, nlen) != 0)
            continue;
        const char *q = gen_skip_space(s + nlen);
        while (q < end && (*q == ':' || *q == '?'))
            q++;
        if (q >= end || *q != '=')
            continue;
        q = gen_skip_space(q + 1);
        size_t vl = 0;
        while (q + vl < end && is_name_char(q[vl]))
            vl++;
        return vl ? gen_pool_strndup(pool, q, vl) : NULL;
    }
    return NULL;
}

/* `$(NAME)` or `${NAME}` -> its value; anything else as is. */
static const char *make_expand(gen_pool *pool, const char *text, const char *word)
{
    size_t n = strlen(word);
    if (n > 3 && word[0] == '$' && (word[1] == '(' || word[1] == '{') &&
        (word[n - 1] == ')' || word[n - 1] == '}'))
        return make_variable(pool, text, word + 2, n - 3);
    return word;
}

/* The default goal: the first rule's first target; through `all`, its first
 * prerequisite. */
static const char *make_default_goal(gen_pool *pool, const char *text)
{
    size_t pos = 0, len;
    const char *line;
    while (gen_next_line(text, &pos, &line, &len)) {
        if (!len || line[0] == '\t' || line[0] == '#' || isspace((unsigned char)line[0]))
            continue;
        const char *colon = memchr(line, ':', len);
        if (!colon || (colon + 1 < line + len && colon[1] == '='))
            continue;
        const char *eq = memchr(line, '=', len);
        if (eq && eq < colon)
            continue;
        if (line[0] == '.' || memchr(line, '%', (size_t)(colon - line)))
            continue;
        size_t tl = strcspn(line, " \t:");
        const char *target = make_expand(pool, text, gen_pool_strndup(pool, line, tl));
        if (!target)
            return NULL;
        if (strcmp(target, "all") != 0)
            return target;
        const char *prereq = gen_skip_space(colon + 1);
        size_t pl = strcspn(prereq, " \t\r\n;");
        if (!pl)
            return NULL;
        return make_expand(pool, text, gen_pool_strndup(pool, prereq, pl));
    }
    return NULL;
}

/* ---- libraries linked beyond the C library ---- */

typedef struct lib_list {
    char text[512];
    size_t len;
} lib_list;

static bool is_libc_part(const char *name, size_t n)
{
    static const char *const parts[] = {"m", "c", "pthread", "dl", "rt", "threads", "Threads",
                                        "util", "PkgConfig", NULL};
    for (size_t i = 0; parts[i]; i++)
        if (strlen(parts[i]) == n && !strncmp(parts[i], name, n))
            return true;
    return false;
}

static void lib_add(lib_list *l, const char *prefix, const char *name, size_t n)
{
    if (!n || is_libc_part(name, n))
        return;
    char word[128];
    int w = snprintf(word, sizeof(word), "%s%.*s", prefix, (int)n, name);
    if (w <= 0 || (size_t)w >= sizeof(word))
        return;
    /* already listed? */
    for (const char *p = strstr(l->text, word); p; p = strstr(p + 1, word))
        if ((p == l->text || p[-1] == ' ') && (p[w] == 0 || p[w] == ' '))
            return;
    if (l->len + (size_t)w + 2 >= sizeof(l->text))
        return;
    if (l->len)
        l->text[l->len++] = ' ';
    memcpy(l->text + l->len, word, (size_t)w + 1);
    l->len += (size_t)w;
}

static size_t lib_word(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-' || s[n] == '.' || s[n] == '+')
        n++;
    return n;
}

/* Words after `marker` up to `stop` that look like module names. */
static void lib_scan_args(lib_list *l, const char *text, const char *marker, const char *stop,
                          const char *prefix, bool first_is_prefix_var)
{
    for (const char *p = strstr(text, marker); p; p = strstr(p + 1, marker)) {
        const char *a = p + strlen(marker);
        bool first = true;
        while (*a && !strchr(stop, *a)) {
            while (*a && !strchr(stop, *a) &&
                   (*a == ' ' || *a == '\t' || *a == '[' || *a == ']' || *a == ',' ||
                    *a == '\'' || *a == '"'))
                a++;
            if (!*a || strchr(stop, *a))
                break;
            if (*a == '-' || *a == '$' || *a == '>' || *a == '<' || *a == '=' ||
                isdigit((unsigned char)*a)) { /* flags, variables, version bounds */
                a += strcspn(a, " \t,])'\"\n");
                continue;
            }
            size_t n = lib_word(a);
            if (!n) {
                a++;
                continue;
            }
            bool keyword = (n == 8 && !strncmp(a, "REQUIRED", 8)) || (n == 5 && !strncmp(a, "QUIET", 5)) ||
                           (n == 6 && !strncmp(a, "CONFIG", 6)) || (n == 6 && !strncmp(a, "MODULE", 6)) ||
                           (n == 10 && !strncmp(a, "COMPONENTS", 10)) || (n == 8 && !strncmp(a, "required", 8)) ||
                           (n == 4 && !strncmp(a, "true", 4)) || (n == 5 && !strncmp(a, "false", 5));
            if (!(first && first_is_prefix_var) && !keyword)
                lib_add(l, prefix, a, n);
            first = false;
            a += n;
        }
    }
}

static void scan_libs(lib_list *l, const char *text)
{
    if (!text)
        return;
    lib_scan_args(l, text, "pkg-config --libs", ")\n;`", "", false);
    lib_scan_args(l, text, "pkg-config --cflags --libs", ")\n;`", "", false);
    lib_scan_args(l, text, "pkg_check_modules(", ")", "", true);
    lib_scan_args(l, text, "PKG_CHECK_MODULES(", ")", "", true);
    lib_scan_args(l, text, "find_package(", ")\n", "", false);
    lib_scan_args(l, text, "dependency(", ",)\n", "", false);
    lib_scan_args(l, text, "AC_CHECK_LIB(", ",)\n", "-l", false);
    /* -lNAME words */
    for (const char *p = strstr(text, "-l"); p; p = strstr(p + 2, "-l")) {
        if (p != text && !isspace((unsigned char)p[-1]) && p[-1] != '=' && p[-1] != '"' && p[-1] != '\'')
            continue;
        size_t n = lib_word(p + 2);
        if (n && isalpha((unsigned char)p[2]))
            lib_add(l, "-l", p + 2, n);
    }
}

/* First argument of `call(` in a CMake or meson file, quotes removed. */
static const char *first_call_arg(gen_pool *pool, const char *text, const char *call)
{
    for (const char *p = strstr(text, call); p; p = strstr(p + 1, call)) {
        if (p != text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
            continue;
        const char *a = p + strlen(call);
        while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
            a++;
        if (*a == '\'' || *a == '"')
            a++;
        size_t n = 0;
        while (is_name_char(a[n]) && a[n] != '/')
            n++;
        if (n)
            return gen_pool_strndup(pool, a, n);
    }
    return NULL;
}

int gen_detect_c(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err)
{
    *out = NULL;
    static const char *const makefiles[] = {"GNUmakefile", "makefile", "Makefile", NULL};
    const char *makefile = NULL;
    for (size_t i = 0; makefiles[i] && !makefile; i++)
        if (gen_file_exists(dir, makefiles[i]))
            makefile = makefiles[i];
    bool cmake = gen_file_exists(dir, "CMakeLists.txt");
    bool meson = gen_file_exists(dir, "meson.build");
    const char *configure_ac = gen_file_exists(dir, "configure.ac")   ? "configure.ac"
                               : gen_file_exists(dir, "configure.in") ? "configure.in"
                                                                      : NULL;
    bool configure = gen_file_exists(dir, "configure");
    bool autotools = configure_ac || (configure && gen_file_exists(dir, "Makefile.in"));
    if (!makefile && !cmake && !meson && !autotools)
        return 0;

    c_scan scan = {.pool = pool};
    static const char *const suffixes[] = {".c", ".cc", ".cpp", ".cxx", ".C", NULL};
    if (gen_walk_sources(dir, suffixes, 4, visit_c_file, &scan))
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory scanning C sources");
    if (!scan.c_files && !scan.cxx_files)
        return 0;

    /* CMake and meson describe the build; a Makefile beside them is often a
     * wrapper, so they win. */
    const char *tool = cmake ? "cmake" : meson ? "meson" : autotools ? "autotools" : "make";
    gen_project *p = gen_project_new(HOIST_GEN_LANG_C, tool);
    if (!p)
        return hoist_error_nomem(err);
    *out = p;
    p->pub.cxx = scan.cxx_files > 0;
    gen_project_reason(p, pool, "%zu C and %zu C++ source files (first: %s)", scan.c_files,
                       scan.cxx_files, scan.first);
    _cleanup_free_ char *text = NULL;
    const char *binary = NULL;
    lib_list libs = {.len = 0};
    if (cmake) {
        gen_project_reason(p, pool, "CMakeLists.txt: built with cmake");
        if (gen_read_file(dir, "CMakeLists.txt", &text, NULL) == 0) {
            binary = first_call_arg(pool, text, "add_executable(");
            scan_libs(&libs, text);
        }
        if (binary)
            gen_project_reason(p, pool, "CMakeLists.txt: add_executable(%s)", binary);
        p->pub.entry = binary ? gen_pool_printf(pool, "build/%s", binary) : NULL;
    } else if (meson) {
        gen_project_reason(p, pool, "meson.build: built with meson");
        if (gen_read_file(dir, "meson.build", &text, NULL) == 0) {
            binary = first_call_arg(pool, text, "executable(");
            scan_libs(&libs, text);
        }
        if (binary)
            gen_project_reason(p, pool, "meson.build: executable('%s')", binary);
        p->pub.entry = binary ? gen_pool_printf(pool, "build/%s", binary) : NULL;
    } else if (autotools) {
        p->pub.configure_script = configure;
        gen_project_reason(p, pool, "%s: built with ./configure && make%s",
                           configure_ac ? configure_ac : "configure",
                           configure ? "" : " (configure made by autoreconf)");
        _cleanup_free_ char *ac = NULL;
        if (configure_ac && gen_read_file(dir, configure_ac, &ac, NULL) == 0)
            scan_libs(&libs, ac);
        /* bin_PROGRAMS of the top Makefile.am, else of src/Makefile.am */
        static const char *const ams[] = {"Makefile.am", "src/Makefile.am", NULL};
        for (size_t i = 0; ams[i] && !binary; i++) {
            _cleanup_free_ char *am = NULL;
            if (gen_read_file(dir, ams[i], &am, NULL) < 0)
                continue;
            scan_libs(&libs, am);
            const char *prog = make_variable(pool, am, "bin_PROGRAMS", 12);
            if (prog) {
                binary = i ? gen_pool_printf(pool, "src/%s", prog) : prog;
                gen_project_reason(p, pool, "%s: bin_PROGRAMS = %s", ams[i], prog);
            }
        }
        p->pub.entry = binary;
    } else {
        gen_project_reason(p, pool, "%s: built with make", makefile);
        if (gen_read_file(dir, makefile, &text, NULL) == 0) {
            binary = make_default_goal(pool, text);
            scan_libs(&libs, text);
            if (!strstr(text, "$(CC)") && !strstr(text, "${CC}") && !strstr(text, "$(CXX)") &&
                !strstr(text, "${CXX}") && !strstr(text, "$(LINK"))
                gen_project_note(p, pool, "%s names no $(CC)/$(CXX): a static link is passed "
                                          "through CC, CXX and LDFLAGS, and may not reach a "
                                          "link command that names the compiler itself (the "
                                          "build stage checks the result)",
                                 makefile);
        }
        if (binary)
            gen_project_reason(p, pool, "%s: default goal builds %s", makefile, binary);
        p->pub.entry = binary;
    }
    if (libs.len) {
        p->pub.libs = gen_pool_strdup(pool, libs.text);
        gen_project_reason(p, pool, "links libraries beyond the C library: %s", libs.text);
    }
    if (makefile && (cmake || meson))
        gen_project_note(p, pool, "%s is also present; building with %s", makefile, tool);
    if (!binary)
        gen_project_note(p, pool, "could not tell which binary the build produces; the "
                                  "Dockerfile copies 'app'");
    if (binary) {
        const char *slash = strrchr(binary, '/');
        p->pub.name = slash ? slash + 1 : binary;
    } else {
        p->pub.name = "app";
        p->pub.entry = !strcmp(tool, "make") || autotools ? "app" : "build/app";
    }
    static const char *const markers[] = {"htons(", "PORT ", NULL};
    const char *src = scan.first;
    _cleanup_free_ char *code = NULL;
    if (src && gen_read_file(dir, src, &code, NULL) == 0) {
        p->pub.port = gen_find_port(code, markers);
        if (p->pub.port)
            gen_project_reason(p, pool, "listens on port %d (%s)", p->pub.port, src);
    }
    return 0;
}
