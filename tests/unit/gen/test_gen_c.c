/*
 * test_gen_c.c - hoist init for the C build shapes of tests/data/gen/c-shapes
 * (issue #14 item 14): each is detected with its tool and binary, and every
 * profile and runtime family gives a lint-clean Dockerfile whose static
 * builds carry -static on the tool's own routes plus the program-header
 * check, and whose glibc C++ builds link libstdc++ in. Also autotools with
 * a shipped ./configure, and the libraries a project links (pkg-config,
 * CMake, meson, autoconf, -l).
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "hoist/gen.h"

#include "test_gen.h"

static const hoist_gen_project *detect(const char *dir, hoist_gen_detection **d)
{
    hoist_error err = HOIST_ERROR_INIT;
    const hoist_gen_project *p = NULL;
    assert_int_equal(hoist_gen_detect(dir, d, &err), 0);
    if (hoist_gen_detection_pick(*d, HOIST_GEN_LANG_C, &p, &err))
        fail_msg("%s: %s", dir, err.message);
    return p;
}

void test_c_shapes(void **state)
{
    (void)state;
    static const struct {
        const char *shape, *tool, *entry, *static_route;
        bool cxx;
    } shapes[] = {
        {"cc-only", "make", "hello", "make CC=\"gcc -static\" CXX=\"g++ -static\"", false},
        {"ldflags", "make", "hello", "make CC=\"gcc -static\"", false},
        {"no-cc-var", "make", "hello", "make CC=\"gcc -static\"", false},
        {"cmake", "cmake", "build/hello", "-DCMAKE_EXE_LINKER_FLAGS=-static", false},
        {"meson", "meson", "build/hello", "--default-library=static --prefer-static", false},
        {"autotools", "autotools", "hello",
         "autoreconf -fi && ./configure --enable-static --disable-shared LDFLAGS=-static", false},
        {"cxx-glibc", "make", "hello", "make CC=\"gcc -static\" CXX=\"g++ -static\"", true},
    };
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        char dir[1024], sample[128];
        snprintf(sample, sizeof(sample), "c-shapes/%s", shapes[i].shape);
        snprintf(dir, sizeof(dir), "%s/gen/%s", HOIST_TEST_DATA, sample);
        hoist_gen_detection *d = NULL;
        const hoist_gen_project *p = detect(dir, &d);
        assert_string_equal(p->tool, shapes[i].tool);
        assert_string_equal(p->entry, shapes[i].entry);
        assert_int_equal(p->cxx, shapes[i].cxx);
        assert_null(p->libs); /* libm is part of the C library */
        bool notes_cc = false;
        for (size_t k = 0; k < p->note_count; k++)
            notes_cc |= strstr(p->notes[k], "names no $(CC)") != NULL;
        assert_int_equal(notes_cc, !strcmp(shapes[i].shape, "no-cc-var"));
        hoist_gen_detection_free(d);

        /* runtime without a C library: static, checked */
        hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
        o.runtime_image = "busybox:1.36.1";
        hoist_gen_result *r = NULL;
        gen_test_generate(sample, "static", &o, &r);
        const char *text = hoist_gen_result_dockerfile(r);
        if (!strstr(text, shapes[i].static_route))
            fail_msg("%s: no '%s' in\n%s", shapes[i].shape, shapes[i].static_route, text);
        assert_non_null(strstr(text, "ENV LDFLAGS=-static"));
        char check[256];
        snprintf(check, sizeof(check), "readelf -l /src/%s > /tmp/program-headers", shapes[i].entry);
        assert_non_null(strstr(text, check));
        assert_null(strstr(text, "-static-libstdc++"));
        hoist_gen_result_free(r);

        /* the default runtime has glibc: dynamic, libstdc++ linked in for C++ */
        o.runtime_image = NULL;
        gen_test_generate(sample, "default", &o, &r);
        text = hoist_gen_result_dockerfile(r);
        assert_non_null(strstr(text, "FROM debian:12.7-slim"));
        assert_null(strstr(text, "LDFLAGS=-static"));
        assert_null(strstr(text, "program-headers"));
        assert_int_equal(strstr(text, "-static-libstdc++ -static-libgcc") != NULL, shapes[i].cxx);
        hoist_gen_result_free(r);

        o.profile = HOIST_GEN_PROFILE_DEV;
        gen_test_generate(sample, "dev", &o, &r);
        hoist_gen_result_free(r);
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void put(const char *dir, const char *rel, const char *content)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

void test_c_libs_and_configure(void **state)
{
    (void)state;
    char dir[] = "/tmp/hoist-gen-c.XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const struct {
        const char *file, *text, *tool, *libs;
    } cases[] = {
        {"Makefile",
         "LDLIBS = $(shell pkg-config --libs libcurl openssl) -lz -lm -lpthread\n"
         "app: main.c\n\t$(CC) -o $@ main.c $(LDLIBS)\n",
         "make", "libcurl openssl -lz"},
        {"CMakeLists.txt",
         "project(app C)\nfind_package(PkgConfig REQUIRED)\nfind_package(ZLIB REQUIRED)\n"
         "pkg_check_modules(CURL REQUIRED libcurl>=7.0)\nfind_package(Threads)\n"
         "add_executable(app main.c)\n",
         "cmake", "libcurl ZLIB"},
        {"meson.build",
         "project('app', 'c')\nexecutable('app', 'main.c', dependencies: "
         "[dependency('threads'), dependency('libcurl', required: true)])\n",
         "meson", "libcurl"},
        {"configure.ac",
         "AC_INIT([app], [1])\nPKG_CHECK_MODULES([YAML], [yaml-0.1 >= 0.2])\n"
         "AC_CHECK_LIB([z], [deflate])\nAC_OUTPUT\n",
         "autotools", "yaml-0.1 -lz"},
    };
    put(dir, "main.c", "int main(void) { return 0; }\n");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        put(dir, cases[i].file, cases[i].text);
        hoist_gen_detection *d = NULL;
        const hoist_gen_project *p = detect(dir, &d);
        assert_string_equal(p->tool, cases[i].tool);
        if (!p->libs || strcmp(p->libs, cases[i].libs))
            fail_msg("%s: libs '%s', expected '%s'", cases[i].file, p->libs ? p->libs : "(none)",
                     cases[i].libs);
        /* libraries named in the choices, for either runtime family */
        hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
        for (int fam = 0; fam < 2; fam++) {
            o.runtime_image = fam ? "scratch" : NULL;
            hoist_gen_result *r = NULL;
            hoist_error err = HOIST_ERROR_INIT;
            assert_int_equal(hoist_gen_generate(p, &o, &r, &err), 0);
            bool named = false;
            for (size_t k = 0; k < hoist_gen_result_choice_count(r); k++) {
                const hoist_gen_choice *c = hoist_gen_result_choice(r, k);
                if (!strcmp(c->topic, "libraries") && !strcmp(c->value, cases[i].libs))
                    named = strstr(c->reason, fam ? "static archives" : "runtime image must") != NULL;
            }
            assert_true(named);
            hoist_gen_result_free(r);
        }
        hoist_gen_detection_free(d);
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, cases[i].file);
        remove(path);
    }

    /* a release tarball: ./configure shipped, no autoreconf */
    put(dir, "configure", "#!/bin/sh\necho configured\n");
    put(dir, "Makefile.in", "all:\n\t$(CC) -o tool main.c\n");
    char sub[1024];
    snprintf(sub, sizeof(sub), "%s/src", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    put(dir, "src/Makefile.am", "bin_PROGRAMS = tool\ntool_SOURCES = main.c\n");
    hoist_gen_detection *d = NULL;
    const hoist_gen_project *p = detect(dir, &d);
    assert_string_equal(p->tool, "autotools");
    assert_true(p->configure_script);
    assert_string_equal(p->entry, "src/tool");
    hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
    o.runtime_image = "scratch";
    hoist_gen_result *r = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_gen_generate(p, &o, &r, &err), 0);
    const char *text = hoist_gen_result_dockerfile(r);
    assert_null(strstr(text, "autoreconf"));
    assert_non_null(strstr(text, "RUN ./configure --enable-static --disable-shared LDFLAGS=-static && make"));
    assert_non_null(strstr(text, "COPY --from=build /src/src/tool /usr/local/bin/tool"));
    hoist_gen_result_free(r);
    hoist_gen_detection_free(d);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
