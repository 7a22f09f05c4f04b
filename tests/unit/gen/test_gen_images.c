/*
 * test_gen_images.c - the dated image table (lib/gen/images.c): the newest
 * supported line is the default as of the table's date, a declared version
 * picks its line (even past its end of life, flagged), a lower or upper
 * bound picks the newest line inside it, and gen_image_eol() answers for
 * FROM references as hoist check's HS010 sees them. Rust: rust-toolchain
 * pins the toolchain image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "gen/images.h"

#include "test_gen.h"

void test_image_table(void **state)
{
    (void)state;
    assert_string_equal(gen_images_as_of, "2026-11-30");
    static const struct {
        hoist_gen_lang lang;
        const char *version;
        const char *builder;
        bool past_eol, unpinned, is_default;
    } cases[] = {
        {HOIST_GEN_LANG_NODE, NULL, "node:24.11.0-bookworm-slim", false, false, true},
        {HOIST_GEN_LANG_NODE, ">=18", "node:24.11.0-bookworm-slim", false, false, false},
        {HOIST_GEN_LANG_NODE, ">=18 <23", "node:22.9.0-bookworm-slim", false, false, false},
        {HOIST_GEN_LANG_NODE, "^18 || ^22.1", "node:22.9.0-bookworm-slim", false, false, false},
        {HOIST_GEN_LANG_NODE, "^20.1", "node:20.17.0-bookworm-slim", true, false, false},
        {HOIST_GEN_LANG_NODE, "18.x", "node:18.20.4-bookworm-slim", true, false, false},
        {HOIST_GEN_LANG_NODE, "v22", "node:22.9.0-bookworm-slim", false, false, false},
        {HOIST_GEN_LANG_NODE, "16", "node:24.11.0-bookworm-slim", false, true, true},
        {HOIST_GEN_LANG_NODE, "lts", "node:24.11.0-bookworm-slim", false, false, true},
        {HOIST_GEN_LANG_PYTHON, NULL, "python:3.14.0-slim-bookworm", false, false, true},
        {HOIST_GEN_LANG_PYTHON, ">=3.9", "python:3.14.0-slim-bookworm", false, false, false},
        {HOIST_GEN_LANG_PYTHON, ">=3.9,<3.13", "python:3.12.6-slim-bookworm", false, false, false},
        {HOIST_GEN_LANG_PYTHON, "~=3.11", "python:3.14.0-slim-bookworm", false, false, false},
        {HOIST_GEN_LANG_PYTHON, "~=3.11.2", "python:3.11.10-slim-bookworm", false, false, false},
        {HOIST_GEN_LANG_PYTHON, "3.13", "python:3.13.0-slim-bookworm", false, false, false},
        {HOIST_GEN_LANG_PYTHON, "==3.10.*", "python:3.10.15-slim-bookworm", true, false, false},
        {HOIST_GEN_LANG_PYTHON, "3.8", "python:3.14.0-slim-bookworm", false, true, true},
        {HOIST_GEN_LANG_GO, NULL, "golang:1.26.1-bookworm", false, false, true},
        {HOIST_GEN_LANG_GO, "1.22.5", "golang:1.22.7-bookworm", true, false, false},
        {HOIST_GEN_LANG_GO, "1.25", "golang:1.25.0-bookworm", false, false, false},
        {HOIST_GEN_LANG_GO, "1.2", "golang:1.26.1-bookworm", false, false, true},
        {HOIST_GEN_LANG_JAVA, "17", "maven:3.9.9-eclipse-temurin-17", false, false, false},
        {HOIST_GEN_LANG_JAVA, NULL, "maven:3.9.9-eclipse-temurin-21", false, false, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hoist_gen_project p = {.lang = cases[i].lang, .version = cases[i].version,
                               .tool = cases[i].lang == HOIST_GEN_LANG_JAVA ? "maven" : NULL};
        gen_image_pick pick;
        gen_pick_images(&p, &pick);
        if (!pick.builder || strcmp(pick.builder, cases[i].builder) ||
            pick.past_eol != cases[i].past_eol || pick.unpinned != cases[i].unpinned ||
            pick.is_default != cases[i].is_default)
            fail_msg("case %zu (%s): got %s past_eol=%d unpinned=%d default=%d", i,
                     cases[i].version ? cases[i].version : "(none)",
                     pick.builder ? pick.builder : "(null)", pick.past_eol, pick.unpinned,
                     pick.is_default);
    }
    /* cgo: a C library at run time, whatever the line */
    hoist_gen_project cgo = {.lang = HOIST_GEN_LANG_GO, .cgo = true};
    const char *b, *r;
    hoist_gen_default_images(&cgo, &b, &r);
    assert_string_equal(r, "debian:12.7-slim");
    cgo.cgo = false;
    hoist_gen_default_images(&cgo, &b, &r);
    assert_string_equal(r, "alpine:3.23.0");
}

void test_image_eol(void **state)
{
    (void)state;
    static const struct {
        const char *image;
        const char *line, *fix; /* line NULL: not past its end of life */
    } cases[] = {
        {"node:18.20.4-bookworm-slim", "18", "24"},
        {"node:18", "18", "24"},
        {"docker.io/library/node:16-alpine", "16", "24"},
        {"node:20.17.0-bookworm-slim", "20", "24"},
        {"node:23.1.0", "23", "24"},
        {"node:22.9.0-bookworm-slim", NULL, NULL},
        {"node:24.11.0", NULL, NULL},
        {"node:lts", NULL, NULL},
        {"node", NULL, NULL},
        {"mynode:18", NULL, NULL},
        {"registry.example/node:18", NULL, NULL},
        {"python:3.8-slim", "3.8", "3.14"},
        {"python:3.10.15-slim-bookworm", "3.10", "3.14"},
        {"python:3.1", NULL, NULL},
        {"python:3.11", NULL, NULL},
        {"golang:1.21", "1.21", "1.26"},
        {"golang:1.24.6-bookworm", "1.24", "1.26"},
        {"golang:1.25.0", NULL, NULL},
        {"golang:1.2", NULL, NULL},
        {"golang:1.26.1-alpine3.23", NULL, NULL},
        {"node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
         NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        gen_eol_info info;
        bool eol = gen_image_eol(cases[i].image, &info);
        if (eol != (cases[i].line != NULL))
            fail_msg("%s: eol=%d", cases[i].image, eol);
        if (!eol)
            continue;
        assert_string_equal(info.line, cases[i].line);
        assert_string_equal(info.fix_line, cases[i].fix);
        assert_non_null(info.eol);
        assert_true(strcmp(info.eol, gen_images_as_of) <= 0);
        assert_non_null(info.fix_image);
    }
}

/* rust-toolchain pins the toolchain image; rust-version is only a minimum. */
void test_rust_toolchain(void **state)
{
    (void)state;
    char dir[] = "/tmp/hoist-gen-rust.XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const struct {
        const char *file, *text, *builder;
    } cases[] = {
        {"rust-toolchain.toml", "[toolchain]\nchannel = \"1.80.1\"\ncomponents = [\"clippy\"]\n",
         "FROM rust:1.80.1-slim-bookworm AS build"},
        {"rust-toolchain", "1.79\n", "FROM rust:1.79-slim-bookworm AS build"},
        {"rust-toolchain", "stable\n", "FROM rust:1.81.0-slim-bookworm AS build"},
        {NULL, NULL, "FROM rust:1.81.0-slim-bookworm AS build"}, /* rust-version alone */
    };
    char path[512];
    snprintf(path, sizeof(path), "%s/Cargo.toml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[package]\nname = \"app\"\nversion = \"0.1.0\"\nrust-version = \"1.70\"\n", f);
    fclose(f);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char tc[512];
        snprintf(tc, sizeof(tc), "%s/%s", dir, cases[i].file ? cases[i].file : "none");
        if (cases[i].file) {
            f = fopen(tc, "w");
            assert_non_null(f);
            fputs(cases[i].text, f);
            fclose(f);
        }
        hoist_error err = HOIST_ERROR_INIT;
        hoist_gen_detection *d = NULL;
        const hoist_gen_project *p = NULL;
        assert_int_equal(hoist_gen_detect(dir, &d, &err), 0);
        assert_int_equal(hoist_gen_detection_pick(d, HOIST_GEN_LANG_RUST, &p, &err), 0);
        hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
        hoist_gen_result *r = NULL;
        assert_int_equal(hoist_gen_generate(p, &o, &r, &err), 0);
        if (!strstr(hoist_gen_result_dockerfile(r), cases[i].builder))
            fail_msg("case %zu: no '%s' in\n%s", i, cases[i].builder, hoist_gen_result_dockerfile(r));
        hoist_gen_result_free(r);
        hoist_gen_detection_free(d);
        if (cases[i].file)
            remove(tc);
    }
    remove(path);
    rmdir(dir);
}
