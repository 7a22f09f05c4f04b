/* Unit tests for lib/common/vec.c: room by doubling, the first size, and
 * failure (overflow) leaving the array as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "common/vec.h"

static void grows_by_doubling(void **state)
{
    (void)state;
    int *items = NULL;
    size_t count = 0, cap = 0;
    for (int i = 0; i < 100; i++) {
        int *grown = hoist_vec_grow(items, &cap, count, sizeof(*grown), 4);
        assert_non_null(grown);
        items = grown;
        assert_true(cap > count);
        assert_true(cap == 4 || cap == 8 || cap == 16 || cap == 32 || cap == 64 || cap == 128);
        items[count++] = i;
    }
    assert_int_equal(cap, 128);
    for (int i = 0; i < 100; i++)
        assert_int_equal(items[i], i);
    /* room left: the same array */
    assert_ptr_equal(hoist_vec_grow(items, &cap, 100, sizeof(int), 4), items);
    free(items);
}

static void overflow_leaves_it_unchanged(void **state)
{
    (void)state;
    size_t cap = 4;
    char *items = malloc(4);
    assert_non_null(items);
    assert_null(hoist_vec_grow(items, &cap, 4, SIZE_MAX / 4, 4));
    assert_int_equal(cap, 4);
    size_t huge = SIZE_MAX / 2 + 1;
    assert_null(hoist_vec_grow(items, &huge, huge, 1, 4));
    assert_int_equal(huge, SIZE_MAX / 2 + 1);
    free(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grows_by_doubling),
        cmocka_unit_test(overflow_leaves_it_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
