/*
 * test_gen.h - shared between the gen unit test files: the sample helper
 * and the list of case tests (test_gen_cases.c).
 */
#ifndef HOIST_TEST_GEN_H
#define HOIST_TEST_GEN_H

#include "hoist/gen.h"

/* Generate for tests/data/gen/<sample>, asserting lint-clean and context-clean. */
void gen_test_generate(const char *sample, const char *variant_name, const hoist_gen_options *o,
                       hoist_gen_result **out);

void test_several_candidates(void **state);
void test_no_project(void **state);
void test_image_overrides(void **state);
void test_go_cgo(void **state);
void test_substitution(void **state);
void test_dockerignore_guard(void **state);
void test_verify_missing_source(void **state);
void test_write_no_clobber(void **state);
void test_make_default_goal(void **state);
void test_node_variants(void **state);
void test_image_table(void **state);
void test_image_eol(void **state);
void test_rust_toolchain(void **state);
void test_c_shapes(void **state);
void test_c_libs_and_configure(void **state);

#define GEN_CASE_TESTS                                                                       \
    cmocka_unit_test(test_several_candidates), cmocka_unit_test(test_no_project),           \
        cmocka_unit_test(test_image_overrides), cmocka_unit_test(test_go_cgo),              \
        cmocka_unit_test(test_substitution), cmocka_unit_test(test_dockerignore_guard),     \
        cmocka_unit_test(test_verify_missing_source), cmocka_unit_test(test_write_no_clobber), \
        cmocka_unit_test(test_make_default_goal), cmocka_unit_test(test_node_variants),     \
        cmocka_unit_test(test_image_table), cmocka_unit_test(test_image_eol),               \
        cmocka_unit_test(test_c_shapes), cmocka_unit_test(test_c_libs_and_configure),     \
        cmocka_unit_test(test_rust_toolchain),

#endif
