/*
 * test_ignore.c - table tests for the .dockerignore matcher.
 *
 * Each row is an ignore file, a path, and whether Docker excludes it (by
 * patternmatcher.MatchesOrParentMatches). Expected answers follow the Go
 * code paths, including the odd ones: "**foo" is a suffix test, a class
 * like [^a] can match '/', and '^' outside a class is a regexp anchor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hoist/ignore.h"
#include "ignore/ignore_internal.h"

struct match_case {
    const char *ignore;
    const char *path;
    bool excluded;
};

static const struct match_case match_cases[] = {
    /* anchoring and parents */
    {"foo", "foo", true},
    {"foo", "foo/bar", true},
    {"foo", "foobar", false},
    {"foo", "a/foo", false},
    {"a/b", "a/b/c/d", true},
    {"a/b", "a", false},
    /* cleaning */
    {"/foo", "foo", true},
    {"foo/", "foo/x", true},
    {"./a/../b", "b", true},
    {"a//b", "a/b", true},
    {"  spaced  ", "spaced", true},
    {"\tfoo\t", "foo", true},
    /* comments only when '#' is the very first byte */
    {"# foo", "# foo", false},
    {"#foo", "#foo", false},
    {" #foo", "#foo", true},
    /* * and ? never cross / */
    {"*.go", "a.go", true},
    {"*.go", "dir/a.go", false},
    {"*/*.go", "dir/a.go", true},
    {"?.txt", "a.txt", true},
    {"?.txt", "ab.txt", false},
    {"?.txt", "\xc3\xa9.txt", true},   /* one rune, two bytes */
    {"a?b", "a/b", false},
    /* ** at start, middle, end */
    {"**/*.go", "a.go", true},
    {"**/*.go", "x/y/a.go", true},
    {"**/foo", "foo", true},
    {"**/foo", "a/b/foo", true},
    {"**/foo", "xfoo", false},
    {"**foo", "xfoo", true},           /* suffix test in Docker */
    {"**foo", "a/xfoo", true},
    {"a/**/b", "a/b", true},
    {"a/**/b", "a/x/y/b", true},
    {"a/**/b", "a/x/b/c", true},
    {"a/**/b", "ab", false},
    {"a/**", "a", false},
    {"a/**", "a/b", true},
    {"a/**", "a/b/c", true},
    {"a**", "abc/d", true},
    {"**", "anything/at/all", true},
    {"**/", "x", true},
    {"a/**/*.txt", "a/x.txt", true},
    {"a/**/*.txt", "a/b/c/x.txt", true},
    {"a/**/*.txt", "b/x.txt", false},
    /* character classes */
    {"[a-c].txt", "b.txt", true},
    {"[a-c].txt", "d.txt", false},
    {"[^a].txt", "b.txt", true},
    {"[^a].txt", "a.txt", false},
    {"x[^a]y", "x/y", true},           /* Go regexp class: matches '/' */
    {"[abc]", "b", true},
    {"[\\]]x", "]x", true},
    {"[[:digit:]]x", "5x", true},
    {"[[:digit:]]x", "ax", false},
    {"[*]", "]", true},                /* becomes [[^/]*] in Docker's regexp */
    /* escapes */
    {"\\*.txt", "*.txt", true},
    {"\\*.txt", "a.txt", false},
    {"a\\?", "a?", true},
    {"\\!x", "!x", true},
    /* regexp metacharacters are literal */
    {"a.b", "a.b", true},
    {"a.b", "axb", false},
    {"a.b*", "axb", false},
    {"f(o)o*", "f(o)obar", true},
    {"a+b*", "a+b", true},
    {"x{1}*", "x{1}", true},
    {"$x*", "$xy", true},
    {"^a", "^a", true},                /* no wildcard: compared as a string */
    {"^a", "a", false},
    {"^a*", "ab", true},               /* '^' is an anchor in Docker's regexp */
    {"a^b*", "a^b", false},
    /* '|' '{' '}' escape Docker's escaping (issue #14 item 9) */
    {"p|q*", "p", true},
    {"p|q*", "pz", true},             /* ^p| matches any path starting with p */
    {"p|q*", "xq", true},             /* |q[^/]*$ matches any path ending in q... */
    {"p|q*", "p|q", true},
    {"p|q*", "z", false},
    {"p|q*", "zq/w", true},           /* ...or its parent */
    {"a{2}*", "aa", true},
    {"a{2}*", "aab", true},
    {"a{2}*", "a{2}", false},
    {"a{2}*", "a", false},
    /* Go regexp features that reach the matcher (item 8) */
    {"\\Qa", "a$", true},             /* \Q quotes the generated '$' too */
    {"\\Qa", "a", false},
    {"\\pN", "1", true},
    {"\\pN", "\xd9\xa3", true},      /* ARABIC-INDIC DIGIT THREE */
    {"\\pN", "a", false},
    {"x/**/[--z]", "x/y", true},
    {"x/**/[--z]", "x/a/b", true},      /* the class matches the '/' */
    {"x/**/[--z]", "x/,", false},
    {"*", "\xff", true},               /* invalid UTF-8 is one rune, U+FFFD */
    {"?", "\xff\xfe", false},
    {"[\xef\xbf\xbd]", "\xff", true},   /* and equals a literal U+FFFD */
    /* exceptions and last match wins */
    {"*.md\n!README.md", "README.md", false},
    {"*.md\n!README.md", "a.md", true},
    {"!a\na", "a", true},
    {"a\n!a", "a", false},
    {"dir\n!dir/keep", "dir/keep", false},
    {"dir\n!dir/keep", "dir/keep/sub", false},
    {"dir\n!dir/keep", "dir/other", true},
    {"dir\n!dir/keep\ndir/keep/x", "dir/keep/x", true},
    {"*\n!*.c\nsub", "sub/a.c", true},
    {"node_modules\n!**/keep", "node_modules/keep", false},
    /* patterns that match nothing */
    {".", "a", false},
    {"/", "a", false},
    {"..", "a", false},
    /* BOM and CRLF */
    {"\xEF\xBB\xBF" "foo\r\nbar\r\n", "foo", true},
    {"\xEF\xBB\xBF" "foo\r\nbar\r\n", "bar", true},
    {"foo\n\xEF\xBB\xBF" "bar", "bar", false},
};

static void test_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
        const struct match_case *c = &match_cases[i];
        hoist_ignore *ig = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        int rc = hoist_ignore_parse(&ig, c->ignore, strlen(c->ignore), ".dockerignore", &err);
        if (rc) {
            print_error("case %zu: parse of %s failed: %s\n", i, c->ignore, err.message);
            fail();
        }
        bool excluded = !c->excluded;
        if (hoist_ignore_match(ig, &excluded, NULL, c->path, &err) != 0) {
            print_error("case %zu: %s\n", i, err.message);
            fail();
        }
        if (excluded != c->excluded) {
            print_error("case %zu: ignore %s path %s: expected %s\n", i, c->ignore, c->path,
                        c->excluded ? "excluded" : "included");
            fail();
        }
        hoist_ignore_free(ig);
    }
}

struct bad_case {
    const char *ignore;
    int line;
};

static const struct bad_case bad_cases[] = {
    {"ok\n[", 2},
    {"!", 1},
    {"a\n\n! ", 3},
    {"x\\", 1},
    {"[]a]", 1},
    {"[a-]", 1},
    {"[^]", 1},
    {"a[b", 1},
};

static void test_bad_patterns(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        hoist_ignore *ig = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        int rc = hoist_ignore_parse(&ig, bad_cases[i].ignore, strlen(bad_cases[i].ignore),
                                    "ctx/.dockerignore", &err);
        if (rc != HOIST_EINPUT) {
            print_error("case %zu: %s accepted\n", i, bad_cases[i].ignore);
            fail();
        }
        assert_null(ig);
        assert_string_equal(err.file, "ctx/.dockerignore");
        assert_int_equal(err.line, bad_cases[i].line);
        assert_true(err.hint[0] != '\0');
    }
}

/* A pattern that filepath.Match accepts but Go's regexp refuses is an
 * error only once a path reaches it (Docker compiles lazily, item 7). */
struct lazy_case {
    const char *ignore;
    const char *path;
    int bad_line; /* 0: matches without error */
};

static const struct lazy_case lazy_cases[] = {
    {"x\n!a\\c", "y", 0},           /* an exception is not evaluated for a kept path */
    {"x\n!a\\c", "x", 2},
    {"x\n!a\\c", "x/y", 2},
    {"nomatch\n![z-a]", "y", 0},
    {"[z-a]", "y", 1},
    {"\\q*", "y", 1},                 /* invalid escape in Go regexp */
    {"a\n\\C*", "b", 2},             /* RE2 knows \C, Go does not */
    {"a\n\\C*", "a", 0},
    {"*\nfoo|(", "x", 0},             /* '(' is escaped: this one compiles */
    {"a{1001}*", "x", 1},              /* Go's repeat limit */
    {"a*[b", "x", 1},                  /* filepath.Match stops at the failed "a" */
    {"zz\n!a*[b", "x", 0},
};

static void test_lazy_bad_patterns(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(lazy_cases) / sizeof(lazy_cases[0]); i++) {
        const struct lazy_case *c = &lazy_cases[i];
        hoist_ignore *ig = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        assert_int_equal(hoist_ignore_parse(&ig, c->ignore, strlen(c->ignore), "ctx/.dockerignore",
                                            &err), 0);
        bool excluded;
        int rc = hoist_ignore_match(ig, &excluded, NULL, c->path, &err);
        if (c->bad_line == 0) {
            if (rc) {
                print_error("lazy case %zu: %s\n", i, err.message);
                fail();
            }
        } else {
            if (rc != HOIST_EINPUT) {
                print_error("lazy case %zu: %s on %s accepted\n", i, c->ignore, c->path);
                fail();
            }
            assert_string_equal(err.file, "ctx/.dockerignore");
            assert_int_equal(err.line, c->bad_line);
            assert_true(err.hint[0] != '\0');
        }
        hoist_ignore_free(ig);
    }
}

static void test_pattern_info(void **state)
{
    (void)state;
    const char *text = "# c\n  /a/b/ \n! ./keep/..//x\n";
    hoist_ignore *ig = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_ignore_parse(&ig, text, strlen(text), "f", &err), 0);
    assert_int_equal(hoist_ignore_pattern_count(ig), 2);
    const hoist_ignore_pattern_info *info = hoist_ignore_pattern_at(ig, 0);
    assert_non_null(info);
    assert_string_equal(info->pattern, "a/b");
    assert_int_equal(info->line, 2);
    assert_false(info->exception);
    info = hoist_ignore_pattern_at(ig, 1);
    assert_non_null(info);
    assert_string_equal(info->pattern, "x");
    assert_true(info->exception);
    assert_int_equal(info->line, 3);
    assert_null(hoist_ignore_pattern_at(ig, 2));
    assert_true(hoist_ignore_has_exceptions(ig));
    int decider = -1;
    bool ex;
    assert_int_equal(hoist_ignore_match(ig, &ex, &decider, "a/b/c", &err), 0);
    assert_true(ex);
    assert_int_equal(decider, 0);
    hoist_ignore_free(ig);
}

static void test_walk_excluded_dir(void **state)
{
    (void)state;
    const char *text = "dir\nnode_modules\n!dir/sub/keep\n!**/keep\n!*/x\n";
    hoist_ignore *ig = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_ignore_parse(&ig, text, strlen(text), "f", &err), 0);
    assert_true(hoist_ignore_must_walk_excluded_dir(ig, "dir"));
    assert_true(hoist_ignore_must_walk_excluded_dir(ig, "dir/sub"));
    assert_true(hoist_ignore_must_walk_excluded_dir(ig, "dir/sub/keep"));
    assert_false(hoist_ignore_must_walk_excluded_dir(ig, "di"));
    /* Docker compares the exception's text, so wildcards do not count */
    assert_false(hoist_ignore_must_walk_excluded_dir(ig, "node_modules"));
    hoist_ignore_free(ig);
}

static void test_clean_path(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        {"", "."}, {"a/b/", "a/b"}, {"/../a", "/a"}, {"a/../..", ".."}, {"../../x/..", "../.."},
        {"//a//b//", "/a/b"}, {"./", "."}, {"a/./b/.", "a/b"}, {"/", "/"}, {"..a/b", "..a/b"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *c = ignore_go_clean_path(cases[i][0], strlen(cases[i][0]));
        assert_string_equal(c, cases[i][1]);
        free(c);
    }
}

static void test_regex_engine(void **state)
{
    (void)state;
    static const struct { const char *re, *s; bool m; } cases[] = {
        {"^a[^/]*b$", "axxb", true}, {"^a[^/]*b$", "ax/b", false}, {"^(.*/)?b$", "x/y/b", true},
        {"^(.*/)?b$", "b", true}, {"^(.*/)?b$", "xb", false}, {"^\\d+$", "123", true},
        {"^[[:alpha:]]$", "q", true}, {"^a|b$", "b", true}, {"^.*$", "a\nb", false},
        {"^\\x41$", "A", true}, {"^\\101$", "A", true}, {"^[^a]$", "\n", true},
        {"^a{2}$", "aa", true}, {"^\\pL$", "\xc3\xa9", true}, {"^[^/]$", "\xff", true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ignore_go_regex *re = NULL;
        char buf[128];
        hoist_error e = HOIST_ERROR_INIT;
        assert_int_equal(ignore_go_regex_compile(cases[i].re, strlen(cases[i].re), &re, buf, sizeof(buf), &e), 0);
        if (ignore_go_regex_match(re, cases[i].s, strlen(cases[i].s)) != cases[i].m) {
            print_error("regex case %zu: %s on %s\n", i, cases[i].re, cases[i].s);
            fail();
        }
        ignore_go_regex_free(re);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_bad_patterns),
        cmocka_unit_test(test_lazy_bad_patterns),
        cmocka_unit_test(test_pattern_info),
        cmocka_unit_test(test_walk_excluded_dir),
        cmocka_unit_test(test_clean_path),
        cmocka_unit_test(test_regex_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
