/* Unit tests for lib/common/utf8.c. The expected values are what Go's
 * utf8.DecodeRune / utf8.EncodeRune / unicode.IsSpace return for the same
 * bytes (the ignore matcher and the Dockerfile parser rely on that). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/utf8.h"

typedef struct {
    const char *in;
    size_t n;
    int32_t rune;
    size_t width;
} dcase;

static void decode_matches_go(void **state)
{
    (void)state;
    static const dcase cases[] = {
        {"a", 1, 'a', 1},
        {"\x7F", 1, 0x7F, 1},
        {"\xC3\xA9", 2, 0xE9, 2},
        {"\xE2\x82\xAC", 3, 0x20AC, 3},
        {"\xF0\x9F\x98\x80", 4, 0x1F600, 4},
        {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4},
        /* invalid: every one is (RuneError, 1) in Go */
        {"\x80", 1, 0xFFFD, 1},             /* stray continuation byte */
        {"\xBF", 1, 0xFFFD, 1},
        {"\xC0\x80", 2, 0xFFFD, 1},         /* overlong NUL */
        {"\xC1\xBF", 2, 0xFFFD, 1},         /* overlong */
        {"\xE0\x80\xAF", 3, 0xFFFD, 1},     /* overlong '/' */
        {"\xF0\x80\x80\xAF", 4, 0xFFFD, 1}, /* overlong '/' */
        {"\xED\xA0\x80", 3, 0xFFFD, 1},     /* surrogate U+D800 */
        {"\xED\xBF\xBF", 3, 0xFFFD, 1},     /* surrogate U+DFFF */
        {"\xF4\x90\x80\x80", 4, 0xFFFD, 1}, /* U+110000 */
        {"\xF5\x80\x80\x80", 4, 0xFFFD, 1},
        {"\xFF", 1, 0xFFFD, 1},
        {"\xC3", 1, 0xFFFD, 1},             /* truncated */
        {"\xE2\x82", 2, 0xFFFD, 1},         /* truncated */
        {"\xE2\x82\x41", 3, 0xFFFD, 1},     /* bad continuation */
        {"\xF0\x9F\x98", 3, 0xFFFD, 1},     /* truncated 4-byte */
        {"\xC3\xA9", 1, 0xFFFD, 1},         /* n cuts a valid rune */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t w = 99;
        int32_t r = utf8_decode(cases[i].in, cases[i].n, &w);
        if (r != cases[i].rune || w != cases[i].width)
            fail_msg("case %zu: got (U+%04X, %zu), want (U+%04X, %zu)", i, (unsigned)r, w,
                     (unsigned)cases[i].rune, cases[i].width);
    }
    size_t w = 99;
    assert_int_equal(utf8_decode("", 0, &w), UTF8_RUNE_ERROR);
    assert_int_equal(w, 0);
}

static void encode_round_trips(void **state)
{
    (void)state;
    static const int32_t runes[] = {0, 'x', 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0xFFFD};
    for (size_t i = 0; i < sizeof(runes) / sizeof(runes[0]); i++) {
        char buf[4];
        size_t n = utf8_encode(runes[i], buf);
        size_t w;
        assert_int_equal(utf8_decode(buf, n, &w), runes[i]);
        assert_int_equal(w, n);
    }
    char buf[4];
    assert_int_equal(utf8_encode(0xD800, buf), 3);
    assert_memory_equal(buf, "\xEF\xBF\xBD", 3);
    assert_int_equal(utf8_encode(0x110000, buf), 3);
    assert_memory_equal(buf, "\xEF\xBF\xBD", 3);
    assert_int_equal(utf8_encode(-5, buf), 3);
}

static void is_space_like_unicode(void **state)
{
    (void)state;
    static const int32_t spaces[] = {' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xA0, 0x1680, 0x2000,
                                     0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
    for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++)
        assert_true(utf8_is_space(spaces[i]));
    static const int32_t others[] = {'a', 0, 0x1C, 0x200B, 0xFEFF, 0xFFFD, 0x180E};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_false(utf8_is_space(others[i]));
}

/* strings.TrimSpace and utf8.DecodeLastRune. */
static void trim_and_decode_last(void **state)
{
    (void)state;
    const char s[] = "\xE3\x80\x80 \t a\xC2\xA0" "b \xC2\x85\n\xE2\x80\xA8"; /* U+3000, U+00A0, U+0085, U+2028 */
    size_t n = sizeof(s) - 1;
    size_t l = utf8_trim_left_space(s, n);
    size_t r = utf8_trim_right_space(s, n);
    assert_int_equal(l, 6);
    assert_memory_equal(s + l, "a\xC2\xA0" "b", r - l);
    /* an invalid byte is U+FFFD, not a space: trimming stops there */
    const char bad[] = " \xC2x \xA0";
    assert_int_equal(utf8_trim_left_space(bad, sizeof(bad) - 1), 1);
    assert_int_equal(utf8_trim_right_space(bad, sizeof(bad) - 1), sizeof(bad) - 1); /* lone 0xA0 */
    assert_int_equal(utf8_trim_right_space("   ", 3), 0);
    size_t w;
    assert_int_equal(utf8_decode_last("a\xE2\x82\xAC", 4, &w), 0x20AC);
    assert_int_equal(w, 3);
    assert_int_equal(utf8_decode_last("a\xE2\x82", 3, &w), UTF8_RUNE_ERROR); /* truncated */
    assert_int_equal(w, 1);
    assert_int_equal(utf8_decode_last("\x80\x80\x80\x80\x80", 5, &w), UTF8_RUNE_ERROR);
    assert_int_equal(w, 1);
    assert_int_equal(utf8_decode_last("z", 1, &w), 'z');
    assert_int_equal(w, 1);
}

static void scanner_steps_by_rune(void **state)
{
    (void)state;
    const char s[] = "a\xC3\xA9\x80z";
    utf8_scanner sc = {s, sizeof(s) - 1, 0};
    assert_int_equal(utf8_peek(&sc), 'a');
    assert_int_equal(utf8_next(&sc), 'a');
    assert_int_equal(utf8_peek(&sc), 0xE9);
    assert_int_equal(utf8_next(&sc), 0xE9);
    assert_int_equal(sc.pos, 3);
    assert_int_equal(utf8_next(&sc), UTF8_RUNE_ERROR); /* the stray byte, width 1 */
    assert_int_equal(sc.pos, 4);
    assert_int_equal(utf8_next(&sc), 'z');
    assert_int_equal(utf8_peek(&sc), UTF8_EOF);
    assert_int_equal(utf8_next(&sc), UTF8_EOF);
    assert_int_equal(sc.pos, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decode_matches_go),
        cmocka_unit_test(encode_round_trips),
        cmocka_unit_test(is_space_like_unicode),
        cmocka_unit_test(trim_and_decode_last),
        cmocka_unit_test(scanner_steps_by_rune),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
