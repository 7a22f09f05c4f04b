/*
 * test_expand.c - variable expansion, quotes, escapes and word splitting,
 * checked against BuildKit's shell lexer behaviour case by case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hoist/dockerfile.h"

static const char *const env[][2] = {
    {"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"},
    {"NULL", ""},     {"FOO", "abcabc"}, {"SPACES", "x  y"}, {"PATHV", "/usr/local/bin:/usr/bin"},
};

static bool lookup(const char *name, size_t n, const char **v, size_t *vn, void *ctx)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
        if (strlen(env[i][0]) == n && !memcmp(env[i][0], name, n)) {
            *v = env[i][1];
            *vn = strlen(env[i][1]);
            return true;
        }
    return false;
}

typedef struct { const char *in; const char *out; /* NULL: must fail with `err` */ const char *err; } word_case;

static const word_case cases[] = {
    {"hello", "hello", NULL},
    {"he'll'o", "hello", NULL},
    {"he'llo", NULL, "matching single-quote"},
    {"he\\'llo", "he'llo", NULL},
    {"he\\\\'llo", NULL, "matching single-quote"},
    {"\"hello\"", "hello", NULL},
    {"\"hel'lo\"", "hel'lo", NULL},
    {"\"hel\\\"lo\"", "hel\"lo", NULL},
    {"\"hel\\\\lo\"", "hel\\lo", NULL},
    {"\"hel\\lo\"", "hel\\lo", NULL},       /* only " $ \ are escapable in "" */
    {"\"he", NULL, "matching double-quote"},
    {"'$PWD'", "$PWD", NULL},
    {"\"$PWD\"", "/home", NULL},
    {"\\$PWD", "$PWD", NULL},
    {"$PWD", "/home", NULL},
    {"${PWD}", "/home", NULL},
    {"x${PWD}y", "x/homey", NULL},
    {"$PWD/x", "/home/x", NULL},
    {"$XXX", "", NULL},
    {"${XXX}", "", NULL},
    {"${PWD:-x}", "/home", NULL},
    {"${XXX:-x}", "x", NULL},
    {"${XXX-x}", "x", NULL},
    {"${NULL:-x}", "x", NULL},
    {"${NULL-x}", "", NULL},
    {"${PWD:+x}", "x", NULL},
    {"${XXX:+x}", "", NULL},
    {"${NULL+x}", "x", NULL},
    {"${NULL:+x}", "", NULL},
    {"${XXX:-$PWD}", "/home", NULL},
    {"${XXX:-\"a b\"}", "a b", NULL},
    {"${XXX:-'$PWD'}", "$PWD", NULL},
    {"${XXX:?}", NULL, "XXX: is not allowed to be unset"},
    {"${NULL:?}", NULL, "NULL: is not allowed to be empty"},
    {"${NULL?}", "", NULL},
    {"${XXX?custom message}", NULL, "XXX: custom message"},
    {"${PWD?}", "/home", NULL},
    {"${FOO#*b}", "cabc", NULL},
    {"${FOO##*b}", "c", NULL},
    {"${FOO%b*}", "abca", NULL},
    {"${FOO%%b*}", "a", NULL},
    {"${FOO#x}", "abcabc", NULL},
    {"${FOO#?}", "bcabc", NULL},
    {"${FOO%?c}", "abca", NULL},
    {"${FOO/b/x}", "axcabc", NULL},
    {"${FOO//b/x}", "axcaxc", NULL},
    {"${FOO//b}", NULL, "missing '/' in ${}"},
    {"${FOO/a*b/-}", "-c", NULL},
    {"${FOO//?/.}", "......", NULL},
    {"${PATHV%%:*}", "/usr/local/bin", NULL},
    {"${PATHV#*:}", "/usr/bin", NULL},
    {"${PATHV##*/}", "bin", NULL},
    {"${FOO#\\x}", NULL, "invalid escape"},
    {"${}", NULL, "bad substitution"},
    {"${:x}", NULL, "bad substitution"},
    {"${", NULL, "missing '}'"},
    {"${PWD:-x", NULL, "missing '}'"},
    {"${PWD", NULL, "unsupported modifier"},
    {"${PWD:x}", NULL, "unsupported modifier (:x)"},
    {"${PWD^^}", NULL, "unsupported modifier (^)"},
    {"$", "$", NULL},
    {"a$", "a$", NULL},
    {"$/", "$/", NULL},
    {"$1", "", NULL},
    {"${1}", "", NULL},
    {"$@x", "x", NULL},
    {"${KOREAN}!", "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4!", NULL},
    {"trailing\\", "trailing", NULL},
    {"a\\ b", "a b", NULL},
    {"\\\\", "\\", NULL},
};

static void test_words(void **state)
{
    (void)state;
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.lookup = lookup;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        int rc = hoist_expand(&out, cases[i].in, strlen(cases[i].in), &o, &err);
        if (cases[i].out) {
            if (rc != 0 || strcmp(out, cases[i].out) != 0) {
                fprintf(stderr, "case %zu [%s]: want [%s] got rc=%d [%s] %s\n", i, cases[i].in, cases[i].out, rc,
                        out ? out : "", err.message);
                fail();
            }
        } else {
            if (rc != HOIST_EINPUT || !strstr(err.message, cases[i].err)) {
                fprintf(stderr, "case %zu [%s]: want error [%s] got rc=%d [%s] [%s]\n", i, cases[i].in,
                        cases[i].err, rc, out ? out : "", err.message);
                fail();
            }
            assert_true(err.column > 0);
        }
        free(out);
    }
}

static void expect_words(const char *in, unsigned flags, size_t n, ...)
{
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.lookup = lookup;
    o.flags = flags;
    char **words = NULL;
    size_t count = 0;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_expand_words(&words, &count, in, strlen(in), &o, &err), 0);
    if (count != n)
        fprintf(stderr, "[%s]: want %zu words, got %zu\n", in, n, count);
    assert_int_equal(count, n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(words[i], va_arg(ap, const char *));
    va_end(ap);
    hoist_strv_free(words, count);
}

static void test_split(void **state)
{
    (void)state;
    expect_words("a b  c", 0, 3, "a", "b", "c");
    expect_words("\"a b\" c", 0, 2, "a b", "c");
    expect_words("$SPACES", 0, 2, "x", "y");
    expect_words("\"$SPACES\"", 0, 1, "x  y");
    expect_words("a\\ b", 0, 1, "a b");
    expect_words("\"\" a", 0, 1, "a");
    expect_words("'' ''", 0, 0);
    expect_words("  lead trail  ", 0, 2, "lead", "trail");
    /* heredoc detection mode: quotes and escapes kept, unset variables kept */
    expect_words("RUN <<\"EOF\" cat", HOIST_EXPAND_RAW_QUOTES | HOIST_EXPAND_RAW_ESCAPES | HOIST_EXPAND_KEEP_UNSET,
                 3, "RUN", "<<\"EOF\"", "cat");
    expect_words("$UNSET ${UNSET:-x}", HOIST_EXPAND_KEEP_UNSET, 2, "$UNSET", "${UNSET:-x}");
}

static void test_backtick_escape(void **state)
{
    (void)state;
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.lookup = lookup;
    o.escape = '`';
    char *out = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_expand(&out, "C:\\dir `$PWD", 12, &o, &err), 0);
    assert_string_equal(out, "C:\\dir $PWD");
    free(out);
}

static void test_raw_flags(void **state)
{
    (void)state;
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.lookup = lookup;
    o.flags = HOIST_EXPAND_RAW_QUOTES;
    char *out = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_expand(&out, "'a' \"$PWD\"", 10, &o, &err), 0);
    assert_string_equal(out, "'a' \"/home\"");
    free(out);
    o.flags = HOIST_EXPAND_NO_QUOTES;
    assert_int_equal(hoist_expand(&out, "'a'", 3, &o, &err), 0);
    assert_string_equal(out, "'a'");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_backtick_escape),
        cmocka_unit_test(test_raw_flags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
