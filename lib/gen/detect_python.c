/*
 * detect_python.c - recognise a Python project and how its dependencies
 * are pinned: requirements.txt (pip), Pipfile with Pipfile.lock (pipenv),
 * pyproject.toml with [tool.poetry] and poetry.lock (poetry), or a PEP 621
 * pyproject.toml alone (pip installs the project itself). The Python
 * version comes from .python-version or requires-python; the command from
 * [project.scripts] (a console script), a package's __main__.py
 * (python -m PKG), or app.py/main.py/server.py.
 */
#include "gen/gen_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

/* "3.11" out of ">=3.11", "3.11.4", "python-3.11.4". */
static const char *major_minor(gen_pool *pool, const char *text)
{
    const char *s = text;
    while (*s && !isdigit((unsigned char)*s))
        s++;
    size_t n = strspn(s, "0123456789");
    if (!n || s[n] != '.')
        return NULL;
    size_t m = strspn(s + n + 1, "0123456789");
    return m ? gen_pool_strndup(pool, s, n + 1 + m) : NULL;
}

/* First `name = "module:func"` key under [project.scripts]. */
static const char *first_script(gen_pool *pool, const char *text)
{
    size_t pos = 0, len;
    const char *line;
    bool in = false;
    while (gen_next_line(text, &pos, &line, &len)) {
        const char *s = gen_skip_space(line);
        if (*s == '[') {
            in = gen_starts_with(s, "[project.scripts]") || gen_starts_with(s, "[tool.poetry.scripts]");
            continue;
        }
        if (!in || *s == '#' || s >= line + len)
            continue;
        size_t n = 0;
        while (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_' || s[n] == '.')
            n++;
        if (n && strchr(gen_skip_space(s + n), '=') == gen_skip_space(s + n))
            return gen_pool_strndup(pool, s, n);
    }
    return NULL;
}

typedef struct main_scan {
    gen_pool *pool;
    const char *package;
} main_scan;

static int visit_main(const char *dir, const char *rel, void *user)
{
    (void)dir;
    main_scan *scan = user;
    const char *slash = strchr(rel, '/');
    /* PKG/__main__.py or src/PKG/__main__.py */
    if (scan->package || !slash)
        return 0;
    const char *base = strrchr(rel, '/') + 1;
    if (strcmp(base, "__main__.py") != 0)
        return 0;
    const char *pkg_start = gen_starts_with(rel, "src/") ? rel + 4 : rel;
    const char *pkg_end = strchr(pkg_start, '/');
    if (pkg_end && pkg_end + 1 == base)
        scan->package = gen_pool_strndup(scan->pool, pkg_start, (size_t)(pkg_end - pkg_start));
    return 0;
}

int gen_detect_python(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err)
{
    *out = NULL;
    bool requirements = gen_file_exists(dir, "requirements.txt");
    bool pipfile = gen_file_exists(dir, "Pipfile");
    _cleanup_free_ char *pyproject = NULL;
    gen_read_file(dir, "pyproject.toml", &pyproject, NULL);
    if (!requirements && !pipfile && !pyproject)
        return 0;
    bool poetry = pyproject && gen_toml_has_section(pyproject, "tool.poetry");
    const char *tool = requirements ? "pip" : pipfile ? "pipenv" : poetry ? "poetry" : "pip";
    gen_project *p = gen_project_new(HOIST_GEN_LANG_PYTHON, tool);
    if (!p)
        return hoist_error_nomem(err);
    *out = p;
    if (requirements) {
        gen_project_add_manifest(p, pool, dir, "requirements.txt");
        p->pub.lockfile = "requirements.txt";
        gen_project_reason(p, pool, "requirements.txt: installed with pip");
    } else if (pipfile) {
        gen_project_add_manifest(p, pool, dir, "Pipfile");
        if (gen_project_add_manifest(p, pool, dir, "Pipfile.lock"))
            p->pub.lockfile = "Pipfile.lock";
        gen_project_reason(p, pool, "Pipfile%s: installed with pipenv",
                           p->pub.lockfile ? " and Pipfile.lock" : "");
    } else if (poetry) {
        gen_project_add_manifest(p, pool, dir, "pyproject.toml");
        if (gen_project_add_manifest(p, pool, dir, "poetry.lock"))
            p->pub.lockfile = "poetry.lock";
        gen_project_reason(p, pool, "pyproject.toml: [tool.poetry]%s", p->pub.lockfile ? ", poetry.lock" : "");
    } else {
        gen_project_reason(p, pool, "pyproject.toml: installed with pip (PEP 621)");
        gen_project_note(p, pool, "no requirements.txt or lockfile: dependencies are installed "
                                  "together with the sources (pip install .), not in a layer of "
                                  "their own");
    }
    const char *name = pyproject ? gen_toml_string(pool, pyproject, "project", "name") : NULL;
    if (!name && poetry)
        name = gen_toml_string(pool, pyproject, "tool.poetry", "name");
    p->pub.name = name ? name : "app";

    _cleanup_free_ char *pyver = NULL;
    if (gen_read_file(dir, ".python-version", &pyver, NULL) == 0 &&
        (p->pub.version = major_minor(pool, pyver)))
        gen_project_reason(p, pool, ".python-version: %s", p->pub.version);
    const char *requires = pyproject ? gen_toml_string(pool, pyproject, "project", "requires-python")
                                     : NULL;
    /* kept whole: ">=3.9" is a lower bound, not the 3.9 line (images.c) */
    if (!p->pub.version && requires && major_minor(pool, requires) &&
        (p->pub.version = requires))
        gen_project_reason(p, pool, "requires-python: %s", requires);

    const char *script = pyproject ? first_script(pool, pyproject) : NULL;
    main_scan scan = {.pool = pool};
    static const char *const py[] = {".py", NULL};
    if (gen_walk_sources(dir, py, 2, visit_main, &scan))
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory scanning Python sources");
    const char *file = NULL;
    if (script) {
        const char *argv[] = {script};
        gen_project_command(p, pool, argv, 1);
        p->pub.entry = script;
        gen_project_reason(p, pool, "console script %s ([project.scripts])", script);
    } else if (scan.package) {
        const char *argv[] = {"python", "-m", scan.package};
        gen_project_command(p, pool, argv, 3);
        p->pub.entry = scan.package;
        gen_project_reason(p, pool, "package %s has __main__.py: python -m %s", scan.package,
                           scan.package);
    } else {
        static const char *const guesses[] = {"app.py", "main.py", "server.py", "run.py", NULL};
        for (size_t i = 0; guesses[i] && !file; i++)
            if (gen_file_exists(dir, guesses[i]))
                file = guesses[i];
        if (file) {
            const char *argv[] = {"python", file};
            gen_project_command(p, pool, argv, 2);
            p->pub.entry = file;
            gen_project_reason(p, pool, "%s: the entry script", file);
        } else {
            gen_project_note(p, pool, "no console script, __main__.py or app.py: no ENTRYPOINT");
        }
    }
    if (file) {
        _cleanup_free_ char *code = NULL;
        static const char *const markers[] = {"port=", "PORT\", ", "port = ", NULL};
        if (gen_read_file(dir, file, &code, NULL) == 0) {
            if ((p->pub.port = gen_find_port(code, markers)))
                gen_project_reason(p, pool, "listens on port %d (%s)", p->pub.port, file);
        }
    }
    return 0;
}
