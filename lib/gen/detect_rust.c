/*
 * detect_rust.c - recognise a Rust crate: Cargo.toml ([package] name and
 * rust-version, the first [[bin]] name), Cargo.lock. A workspace root
 * without [package] is reported with a note: the generated file builds the
 * workspace's default members.
 */
#include "gen/gen_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

int gen_detect_rust(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err)
{
    *out = NULL;
    _cleanup_free_ char *toml = NULL;
    if (gen_read_file(dir, "Cargo.toml", &toml, NULL) < 0)
        return 0;
    gen_project *p = gen_project_new(HOIST_GEN_LANG_RUST, "cargo");
    if (!p)
        return hoist_error_nomem(err);
    *out = p;
    gen_project_add_manifest(p, pool, dir, "Cargo.toml");
    if (gen_project_add_manifest(p, pool, dir, "Cargo.lock")) {
        p->pub.lockfile = "Cargo.lock";
        gen_project_reason(p, pool, "Cargo.lock: builds with --locked");
    } else {
        gen_project_note(p, pool, "no Cargo.lock: dependency versions are resolved at build time");
    }
    const char *name = gen_toml_string(pool, toml, "package", "name");
    const char *bin = gen_toml_string(pool, toml, "bin", "name");
    p->pub.version = gen_toml_string(pool, toml, "package", "rust-version");
    gen_project_reason(p, pool, "Cargo.toml: package %s%s%s", name ? name : "(none)",
                       p->pub.version ? ", rust-version " : "",
                       p->pub.version ? p->pub.version : "");
    if (!name && gen_toml_has_section(toml, "workspace"))
        gen_project_note(p, pool, "a workspace root: cargo install needs one package; edit the "
                                  "build line to name it");
    p->pub.name = name ? name : "app";
    p->pub.entry = bin ? bin : p->pub.name;
    if (bin)
        gen_project_reason(p, pool, "[[bin]] %s", bin);
    static const char *const markers[] = {"0.0.0.0:", "127.0.0.1:", "\":", NULL};
    _cleanup_free_ char *code = NULL;
    if (gen_read_file(dir, "src/main.rs", &code, NULL) == 0 &&
        (p->pub.port = gen_find_port(code, markers)))
        gen_project_reason(p, pool, "listens on port %d (src/main.rs)", p->pub.port);
    return 0;
}
