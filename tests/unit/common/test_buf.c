/* Unit tests for lib/common/buf.c: growth, printf, take, the cap and the
 * sticky failure that replaces abort(). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"

static void grows_and_terminates(void **state)
{
    (void)state;
    hbuf b = {0};
    assert_null(b.data);
    for (int i = 0; i < 1000; i++)
        assert_true(hbuf_putc(&b, (char)('a' + i % 26)));
    assert_int_equal(b.len, 1000);
    assert_int_equal(b.data[1000], '\0');
    assert_true(b.cap > 1000);
    assert_true(hbuf_puts(&b, "xyz"));
    assert_memory_equal(b.data + 1000, "xyz", 4);
    assert_true(hbuf_append(&b, "\0z", 2)); /* embedded NUL kept */
    assert_int_equal(b.len, 1005);
    assert_int_equal(b.data[1003], '\0');
    assert_int_equal(b.data[1004], 'z');
    hbuf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void printf_short_and_long(void **state)
{
    (void)state;
    hbuf b = {0};
    assert_true(hbuf_printf(&b, "%s=%d", "n", 42));
    assert_string_equal(b.data, "n=42");
    char big[1000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_true(hbuf_printf(&b, "[%s]", big)); /* longer than the stack buffer */
    assert_int_equal(b.len, 4 + 1001);
    assert_int_equal(b.data[4], '[');
    assert_int_equal(b.data[b.len - 1], ']');
    assert_int_equal(strlen(b.data), b.len);
    hbuf_free(&b);
}

static void take_hands_over(void **state)
{
    (void)state;
    hbuf b = {0};
    size_t n = 99;
    char *empty = hbuf_take(&b, &n); /* empty is "" rather than NULL */
    assert_non_null(empty);
    assert_string_equal(empty, "");
    assert_int_equal(n, 0);
    free(empty);
    hbuf_puts(&b, "hello");
    char *s = hbuf_take(&b, &n);
    assert_string_equal(s, "hello");
    assert_int_equal(n, 5);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    hbuf_free(&b);
}

static void put_rune_like_go(void **state)
{
    (void)state;
    hbuf b = {0};
    assert_true(hbuf_put_rune(&b, 'A'));
    assert_true(hbuf_put_rune(&b, 0xE9));
    assert_true(hbuf_put_rune(&b, 0x20AC));
    assert_true(hbuf_put_rune(&b, 0x1F600));
    assert_true(hbuf_put_rune(&b, 0xD800));   /* surrogate -> U+FFFD */
    assert_true(hbuf_put_rune(&b, 0x110000)); /* too big -> U+FFFD */
    assert_true(hbuf_put_rune(&b, -1));       /* negative -> U+FFFD */
    assert_string_equal(b.data, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    hbuf_free(&b);
}

static void cap_fails_sticky_without_abort(void **state)
{
    (void)state;
    hbuf b = {.max = 8};
    assert_true(hbuf_puts(&b, "12345678")); /* exactly the cap */
    assert_false(hbuf_putc(&b, '9'));
    assert_int_equal(b.failed, EOVERFLOW);
    assert_int_equal(b.len, 8);            /* nothing partial was added */
    assert_string_equal(b.data, "12345678");
    assert_false(hbuf_puts(&b, ""));       /* sticky, even for nothing */
    assert_false(hbuf_printf(&b, "%d", 1));
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hbuf_error(&b, &err, "building X"), HOIST_EFAILED);
    assert_int_equal(err.reason, HOIST_REASON_LIMIT);
    assert_non_null(strstr(err.message, "building X: more than 8 bytes"));
    assert_null(hbuf_take(&b, NULL));      /* a failed buffer hands nothing over */
    assert_null(b.data);
    assert_int_equal(b.failed, 0);
    /* reset clears the failure and keeps the cap */
    hbuf c = {.max = 4};
    assert_false(hbuf_puts(&c, "too long"));
    hbuf_reset(&c);
    assert_int_equal(c.failed, 0);
    assert_true(hbuf_puts(&c, "ok"));
    assert_false(hbuf_printf(&c, "%s", "abc"));
    hbuf_free(&c);
}

/* The head of a stream: what fits below the cap, the rest dropped quietly. */
static void append_head_keeps_first_bytes(void **state)
{
    (void)state;
    hbuf b = {.max = 8};
    hbuf_append_head(&b, "", 0);
    assert_int_equal(b.len, 0);
    hbuf_append_head(&b, "abcde", 5);
    hbuf_append_head(&b, "fghij", 5);
    hbuf_append_head(&b, "klm", 3);
    assert_int_equal(b.failed, 0);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "abcdefgh");
    assert_true(hbuf_append(&b, "", 0)); /* still usable: nothing failed */
    assert_false(hbuf_putc(&b, 'x'));    /* a real append past the cap still fails */
    hbuf_free(&b);
}

static void huge_reserve_is_an_error(void **state)
{
    (void)state;
    hbuf b = {.max = SIZE_MAX};
    assert_true(hbuf_putc(&b, 'x'));
    assert_false(hbuf_reserve(&b, SIZE_MAX - 1)); /* would wrap: refused, not abort */
    assert_int_equal(b.failed, EOVERFLOW);
    hbuf_free(&b);
    hoist_error err = HOIST_ERROR_INIT;
    hbuf m = {.failed = ENOMEM};
    hbuf_error(&m, &err, "printing");
    assert_int_equal(err.reason, HOIST_REASON_NOMEM);
    assert_string_equal(err.message, "out of memory printing");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grows_and_terminates),
        cmocka_unit_test(printf_short_and_long),
        cmocka_unit_test(take_hands_over),
        cmocka_unit_test(put_rune_like_go),
        cmocka_unit_test(cap_fails_sticky_without_abort),
        cmocka_unit_test(append_head_keeps_first_bytes),
        cmocka_unit_test(huge_reserve_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
