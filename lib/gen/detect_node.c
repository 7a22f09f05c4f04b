/*
 * detect_node.c - recognise a Node.js project: package.json (name,
 * engines.node, scripts.start/build/dev, main), the lockfile that names the
 * package manager (package-lock.json or npm-shrinkwrap.json: npm, yarn.lock:
 * yarn, pnpm-lock.yaml: pnpm), how to start it without npm in between
 * (`node FILE` from scripts.start, else main, else server.js/index.js/app.js)
 * and a listen port from the entry file.
 */
#include "gen/gen_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json_util.h"

static bool plain_path(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-", *s))
            return false;
    return true;
}

/* "node server.js" -> "server.js"; NULL unless exactly `node <file>`. */
static const char *node_start_file(gen_pool *pool, const char *start)
{
    if (!start || strncmp(start, "node ", 5) != 0)
        return NULL;
    const char *f = gen_skip_space(start + 5);
    size_t n = strcspn(f, " \t");
    if (!n || f[n] != 0)
        return NULL;
    const char *file = gen_pool_strndup(pool, f, n);
    return file && plain_path(file) ? file : NULL;
}

int gen_detect_node(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err)
{
    *out = NULL;
    _cleanup_free_ char *text = NULL;
    size_t len = 0;
    if (gen_read_file(dir, "package.json", &text, &len) < 0)
        return 0;
    json_error_t jerr;
    _cleanup_json_ json_t *pkg = json_loadb(text, len, 0, &jerr);
    if (!json_is_object(pkg)) {
        hoist_error_set(err, HOIST_EINPUT, "package.json is not a JSON object: %s",
                        pkg ? "wrong type" : jerr.text);
        hoist_error_at(err, "package.json", pkg ? 1 : jerr.line, pkg ? 1 : jerr.column);
        return hoist_error_hint(err, "fix package.json (npm would reject it too)");
    }
    const char *lock = NULL, *tool = "npm";
    if (gen_file_exists(dir, "package-lock.json"))
        lock = "package-lock.json";
    else if (gen_file_exists(dir, "npm-shrinkwrap.json"))
        lock = "npm-shrinkwrap.json";
    else if (gen_file_exists(dir, "yarn.lock"))
        lock = "yarn.lock", tool = "yarn";
    else if (gen_file_exists(dir, "pnpm-lock.yaml"))
        lock = "pnpm-lock.yaml", tool = "pnpm";
    gen_project *p = gen_project_new(HOIST_GEN_LANG_NODE, tool);
    if (!p)
        return hoist_error_nomem(err);
    *out = p;

    const char *name = hoist_json_str(pkg, "name", NULL);
    if (name) {
        const char *slash = strrchr(name, '/');
        p->pub.name = gen_pool_strdup(pool, slash ? slash + 1 : name);
    } else {
        p->pub.name = "app";
    }
    gen_project_reason(p, pool, "package.json: %s%s", name ? "name " : "no name",
                       name ? name : "");
    gen_project_add_manifest(p, pool, dir, "package.json");
    if (lock) {
        gen_project_add_manifest(p, pool, dir, lock);
        p->pub.lockfile = gen_pool_strdup(pool, lock);
        gen_project_reason(p, pool, "%s: installs with %s", lock, tool);
    } else {
        gen_project_note(p, pool, "no lockfile: installs are not reproducible (run npm install "
                                  "and commit package-lock.json)");
    }
    json_t *engines = json_object_get(pkg, "engines");
    const char *engine = hoist_json_str(engines, "node", NULL);
    if (engine) {
        p->pub.version = gen_pool_strdup(pool, engine);
        gen_project_reason(p, pool, "engines.node: %s", engine);
    }
    json_t *scripts = json_object_get(pkg, "scripts");
    const char *start = hoist_json_str(scripts, "start", NULL);
    p->pub.build_script = hoist_json_str(scripts, "build", NULL) != NULL;
    p->pub.dev_script = hoist_json_str(scripts, "dev", NULL) != NULL;
    if (p->pub.build_script)
        gen_project_reason(p, pool, "scripts.build: run in the build stage");

    const char *entry = node_start_file(pool, start);
    if (entry) {
        gen_project_reason(p, pool, "scripts.start runs node %s", entry);
    } else {
        const char *main = hoist_json_str(pkg, "main", NULL);
        if (main && plain_path(main) && gen_file_exists(dir, main)) {
            entry = gen_pool_strdup(pool, main);
            gen_project_reason(p, pool, "main: %s", main);
        }
        static const char *const guesses[] = {"server.js", "index.js", "app.js", "main.js", NULL};
        for (size_t i = 0; !entry && guesses[i]; i++)
            if (gen_file_exists(dir, guesses[i])) {
                entry = guesses[i];
                gen_project_reason(p, pool, "%s: the conventional entry file", entry);
            }
    }
    if (entry) {
        const char *argv[] = {"node", entry};
        gen_project_command(p, pool, argv, 2);
        p->pub.entry = entry;
        _cleanup_free_ char *code = NULL;
        static const char *const markers[] = {".listen(", "PORT || ", "PORT ?? ", "port = ", NULL};
        if (gen_read_file(dir, entry, &code, NULL) == 0 &&
            (p->pub.port = gen_find_port(code, markers)))
            gen_project_reason(p, pool, "listens on port %d (%s)", p->pub.port, entry);
    } else if (start) {
        const char *argv[] = {"npm", "start"};
        gen_project_command(p, pool, argv, 2);
        gen_project_note(p, pool, "scripts.start is '%s': started through npm start (npm does not "
                                  "forward signals; prefer `node FILE`)",
                         start);
    } else {
        gen_project_note(p, pool, "no start script, main or server.js: no ENTRYPOINT");
    }
    return 0;
}
