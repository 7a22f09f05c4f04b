/*
 * test_gen.c - hoist init's generator against the sample projects.
 *
 * For every sample in tests/data/gen/<lang>-sample and every variant (prod,
 * dev, prod with --buildkit; the C sample also with the offline images the
 * integration test builds with), the generated Dockerfile and .dockerignore
 * must equal the reviewed files in tests/data/gen/expected/, pass
 * `hoist check` (the lint library) with no finding at all, and pass the
 * context check. HOIST_UPDATE_EXPECTED=1 rewrites the expected files
 * instead (review the diff before committing it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hoist/gen.h"
#include "hoist/lint.h"

#include "test_gen.h"

typedef struct variant {
    const char *suffix;
    hoist_gen_profile profile;
    bool buildkit;
    const char *builder, *runtime;
} variant;

static const variant variants[] = {
    {"prod", HOIST_GEN_PROFILE_PROD, false, NULL, NULL},
    {"dev", HOIST_GEN_PROFILE_DEV, false, NULL, NULL},
    {"buildkit", HOIST_GEN_PROFILE_PROD, true, NULL, NULL},
};

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = calloc(1, (size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    return s;
}

static void expect_file(const char *name, const char *actual)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/gen/expected/%s", HOIST_TEST_DATA, name);
    const char *update = getenv("HOIST_UPDATE_EXPECTED");
    if (update && update[0] == '1') {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fputs(actual, f);
        fclose(f);
        return;
    }
    char *expected = read_text(path);
    if (!expected)
        fail_msg("missing %s (run with HOIST_UPDATE_EXPECTED=1, then review it)", path);
    if (strcmp(expected, actual) != 0) {
        print_error("--- %s (expected)\n%s--- generated\n%s", path, expected, actual);
        free(expected);
        fail_msg("%s differs from the generated text", name);
    }
    free(expected);
}

static void assert_lint_clean(hoist_gen_result *r, const char *what)
{
    hoist_error err = HOIST_ERROR_INIT;
    hoist_lint_options lo = HOIST_LINT_OPTIONS_INIT;
    hoist_lint_result *res = NULL;
    assert_int_equal(hoist_lint_run(&res, hoist_gen_result_ast(r), &lo, &err), 0);
    size_t n = hoist_lint_result_finding_count(res);
    for (size_t i = 0; i < n; i++) {
        const hoist_lint_finding *f = hoist_lint_result_finding_at(res, i);
        print_error("%s: line %d: %s %s\n", what, f->range.start.line, f->code, f->message);
    }
    hoist_lint_result_free(res);
    assert_int_equal(n, 0);
}

void gen_test_generate(const char *sample, const char *variant_name, const hoist_gen_options *o,
                       hoist_gen_result **out)
{
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/gen/%s", HOIST_TEST_DATA, sample);
    hoist_error err = HOIST_ERROR_INIT;
    hoist_gen_detection *d = NULL;
    const hoist_gen_project *p = NULL;
    assert_int_equal(hoist_gen_detect(&d, dir, &err), 0);
    if (hoist_gen_detection_pick(d, &p, HOIST_GEN_LANG_NONE, &err))
        fail_msg("%s: %s", sample, err.message);
    hoist_gen_result *r = NULL;
    if (hoist_gen_generate(&r, p, o, &err))
        fail_msg("%s/%s: %s", sample, variant_name, err.message);
    char what[256];
    snprintf(what, sizeof(what), "%s/%s", sample, variant_name);
    assert_lint_clean(r, what);
    if (hoist_gen_verify_context(r, dir, &err))
        fail_msg("%s: context check: %s", what, err.message);
    hoist_gen_detection_free(d);
    *out = r;
}

static void check_sample(const char *sample)
{
    char lang[64];
    snprintf(lang, sizeof(lang), "%s", sample);
    *strchr(lang, '-') = 0;
    for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
        hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
        o.profile = variants[v].profile;
        o.buildkit = variants[v].buildkit;
        hoist_gen_result *r = NULL;
        gen_test_generate(sample, variants[v].suffix, &o, &r);
        char name[256];
        snprintf(name, sizeof(name), "%s-%s.Dockerfile", lang, variants[v].suffix);
        expect_file(name, hoist_gen_result_dockerfile(r));
        snprintf(name, sizeof(name), "%s-%s.dockerignore", lang, variants[v].suffix);
        expect_file(name, hoist_gen_result_dockerignore(r));
        hoist_gen_result_free(r);
    }
}

static void test_c_sample(void **state) { (void)state; check_sample("c-sample"); }
static void test_go_sample(void **state) { (void)state; check_sample("go-sample"); }
static void test_node_sample(void **state) { (void)state; check_sample("node-sample"); }
static void test_python_sample(void **state) { (void)state; check_sample("python-sample"); }
static void test_rust_sample(void **state) { (void)state; check_sample("rust-sample"); }
static void test_java_sample(void **state) { (void)state; check_sample("java-sample"); }

/* The exact file the integration test builds on the private engine. */
static void test_c_sample_offline_images(void **state)
{
    (void)state;
    hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
    o.builder_image = "hoist-test/gcc:12";
    o.runtime_image = "hoist-test/busybox:1";
    hoist_gen_result *r = NULL;
    gen_test_generate("c-sample", "offline", &o, &r);
    expect_file("c-offline.Dockerfile", hoist_gen_result_dockerfile(r));
    assert_non_null(strstr(hoist_gen_result_dockerfile(r), "ENV LDFLAGS=-static"));
    hoist_gen_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c_sample),
        cmocka_unit_test(test_go_sample),
        cmocka_unit_test(test_node_sample),
        cmocka_unit_test(test_python_sample),
        cmocka_unit_test(test_rust_sample),
        cmocka_unit_test(test_java_sample),
        cmocka_unit_test(test_c_sample_offline_images),
        GEN_CASE_TESTS
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
