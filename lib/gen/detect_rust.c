/*
 * detect_rust.c - recognise a Rust crate: Cargo.toml ([package] name and
 * rust-version, the first [[bin]] name), Cargo.lock, and the toolchain a
 * rust-toolchain.toml ([toolchain] channel) or rust-toolchain file pins: a
 * numeric channel ("1.80.1", "1.80") is the version the project asks for,
 * ahead of rust-version, which is only a minimum. A workspace root
 * without [package] is reported with a note: the generated file builds the
 * workspace's default members.
 */
#include "gen/gen_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

/* The numeric channel of rust-toolchain.toml or a rust-toolchain file
 * (either the TOML form or one line naming the channel); NULL for stable,
 * beta, nightly or none. */
static const char *toolchain_channel(gen_pool *pool, const char *dir, const char **file)
{
    static const char *const files[] = {"rust-toolchain.toml", "rust-toolchain", NULL};
    for (size_t i = 0; files[i]; i++) {
        _cleanup_free_ char *text = NULL;
        if (gen_read_file(dir, files[i], &text, NULL) < 0)
            continue;
        *file = files[i];
        const char *ch = gen_toml_string(pool, text, "toolchain", "channel");
        if (!ch && !strchr(text, '=')) {
            const char *s = gen_skip_space(text);
            ch = gen_pool_strndup(pool, s, strcspn(s, " \t\r\n"));
        }
        if (!ch || !isdigit((unsigned char)ch[0]))
            return NULL;
        size_t n = strspn(ch, "0123456789.");
        return ch[n] ? NULL : ch; /* "1.80.1", not "1.80.1-x86_64-..." */
    }
    return NULL;
}

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
    /* rust-version is the minimum supported Rust: a lower bound */
    const char *msrv = gen_toml_string(pool, toml, "package", "rust-version");
    p->pub.version = msrv ? gen_pool_printf(pool, ">=%s", msrv) : NULL;
    gen_project_reason(p, pool, "Cargo.toml: package %s%s%s", name ? name : "(none)",
                       msrv ? ", rust-version " : "", msrv ? msrv : "");
    const char *tc_file = NULL;
    const char *channel = toolchain_channel(pool, dir, &tc_file);
    if (channel) {
        p->pub.version = channel;
        gen_project_reason(p, pool, "%s: toolchain %s", tc_file, channel);
    }
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
