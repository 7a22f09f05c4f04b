/*
 * test_fidelity.c - parser details where hoist once differed from BuildKit
 * v0.32.2 (issue #14), through the public API: heredocs with blanks after
 * `<<`, the 65,535-byte line limit (and the printer keeping under it),
 * `\u0000` in exec form, unknown instructions' one empty word, directive
 * lines that are not comments, the empty continuation warning, and the line
 * of a repeated directive. The BuildKit-format cases for the same inputs
 * are in tests/data/dockerfile/buildkit (test_conformance.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hoist/dockerfile.h"

static hoist_dockerfile *parse_n(const char *src, size_t n, unsigned flags)
{
    hoist_df_parse_options o = HOIST_DF_PARSE_OPTIONS_INIT;
    o.flags = flags;
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_dockerfile_parse(&df, src, n, &o, &err);
    if (rc)
        fail_msg("unexpected parse error %d:%d: %s", err.line, err.column, err.message);
    return df;
}

static hoist_dockerfile *parse_ok(const char *src)
{
    return parse_n(src, strlen(src), HOIST_DF_PARSE_AST_ONLY);
}

static void expect_error_n(const char *src, size_t n, unsigned flags, int line, const char *msg)
{
    hoist_df_parse_options o = HOIST_DF_PARSE_OPTIONS_INIT;
    o.flags = flags;
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_dockerfile_parse(&df, src, n, &o, &err);
    if (rc != HOIST_EINPUT || err.line != line || !strstr(err.message, msg))
        fail_msg("expected error at line %d with \"%s\", got rc=%d line %d: %s", line, msg, rc, err.line,
                 err.message);
    assert_null(df);
    assert_true(err.hint[0] != 0);
}

/* Print, parse again; the instructions' args must be the same. */
static void round_trip(const hoist_dockerfile *df)
{
    char *text = NULL;
    size_t len = 0;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dockerfile_print(df, &text, &len, NULL, &err), 0);
    hoist_dockerfile *again = parse_n(text, len, HOIST_DF_PARSE_AST_ONLY);
    assert_int_equal(hoist_dockerfile_instruction_count(again), hoist_dockerfile_instruction_count(df));
    for (size_t i = 0; i < hoist_dockerfile_instruction_count(df); i++) {
        const hoist_df_instruction *a = hoist_dockerfile_instruction_at(df, i);
        const hoist_df_instruction *b = hoist_dockerfile_instruction_at(again, i);
        assert_string_equal(a->original, b->original);
        assert_int_equal(a->arg_count, b->arg_count);
        for (size_t k = 0; k < a->arg_count; k++) {
            assert_int_equal(a->args[k].len, b->args[k].len);
            assert_memory_equal(a->args[k].value, b->args[k].value, a->args[k].len);
        }
        assert_int_equal(a->heredoc_count, b->heredoc_count);
    }
    hoist_dockerfile_free(again);
    free(text);
}

/* ---- item 1: blanks after << ---- */

static void test_heredoc_blank_after_lt(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("FROM a\nRUN cat << EOF > /etc/motd\nhello\nEOF\n"
                                    "RUN cat 3<<\tEOF\nx\nEOF\n"
                                    "COPY << 'EOF' /x\n$y\nEOF\n");
    assert_int_equal(hoist_dockerfile_instruction_count(df), 4);
    const hoist_df_instruction *run = hoist_dockerfile_instruction_at(df, 1);
    assert_int_equal(run->heredoc_count, 1);
    assert_string_equal(run->heredocs[0].name, "EOF");
    assert_string_equal(run->heredocs[0].content, "hello\n");
    assert_int_equal(run->range.end.line, 4);
    const hoist_df_instruction *fd = hoist_dockerfile_instruction_at(df, 2);
    assert_int_equal(fd->heredoc_count, 1);
    assert_int_equal(fd->heredocs[0].fd, 3);
    const hoist_df_instruction *cp = hoist_dockerfile_instruction_at(df, 3);
    assert_int_equal(cp->heredoc_count, 1);
    assert_false(cp->heredocs[0].expand);
    assert_string_equal(cp->heredocs[0].content, "$y\n");
    round_trip(df);
    hoist_dockerfile_free(df);

    /* the lexer keeps the blanks in the word, as BuildKit's */
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    char **words = NULL;
    size_t n = 0;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_expand_words(&words, &n, "cat <<  EOF x", 13, &o, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(words[1], "<<  EOF");
    hoist_strv_free(words, n);
}

static void test_heredoc_not(void **state)
{
    (void)state;
    /* `<<-` then a blank: no heredoc, the body lines are instructions */
    hoist_dockerfile *df = parse_ok("FROM a\nRUN cat <<-  EOF\nhello\nEOF\n");
    assert_int_equal(hoist_dockerfile_instruction_count(df), 4);
    assert_int_equal(hoist_dockerfile_instruction_at(df, 1)->heredoc_count, 0);
    assert_string_equal(hoist_dockerfile_instruction_at(df, 2)->keyword_original, "hello");
    hoist_dockerfile_free(df);
    const char *bad = "FROM a\nRUN cat <<-  EOF\nhello\nEOF\n";
    expect_error_n(bad, strlen(bad), 0, 3, "unknown instruction: hello");
    /* an indented terminator does not end it */
    const char *ind = "FROM a\nRUN cat << EOF\nhello\n  EOF\n";
    expect_error_n(ind, strlen(ind), HOIST_DF_PARSE_AST_ONLY, 2, "unterminated heredoc");
}

/* ---- item 2: 65,535 bytes a line ---- */

static char *line_file(const char *head, size_t fill, const char *tail, size_t *n)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *s = malloc(hl + fill + tl + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    memset(s + hl, 'x', fill);
    memcpy(s + hl + fill, tail, tl + 1);
    *n = hl + fill + tl;
    return s;
}

static void test_long_line(void **state)
{
    (void)state;
    size_t n;
    /* "RUN echo " is 9 bytes: 65,535 in all is the most */
    char *s = line_file("FROM a\nRUN echo ", 65535 - 9, "\n", &n);
    hoist_dockerfile *df = parse_n(s, n, 0);
    hoist_dockerfile_free(df);
    free(s);
    s = line_file("FROM a\nRUN echo ", 65535 - 9, "", &n); /* no newline at the end */
    df = parse_n(s, n, 0);
    hoist_dockerfile_free(df);
    free(s);

    s = line_file("FROM a\nRUN echo ", 65536 - 9, "\n", &n);
    expect_error_n(s, n, 0, 2, "dockerfile line greater than max allowed size of 65535");
    expect_error_n(s, n, HOIST_DF_PARSE_AST_ONLY, 2, "dockerfile line greater than max allowed size of 65535");
    free(s);
    s = line_file("FROM a\nRUN echo ", 65536 - 9, "", &n);
    expect_error_n(s, n, 0, 2, "dockerfile line greater than max allowed size of 65535");
    free(s);
    /* the CR of a CRLF counts, as in bufio.Scanner */
    s = line_file("FROM a\r\nRUN echo ", 65535 - 9, "\r\n", &n);
    expect_error_n(s, n, 0, 2, "dockerfile line greater than max allowed size of 65535");
    free(s);
    /* the first line */
    s = line_file("# ", 70000, "\nFROM a\n", &n);
    expect_error_n(s, n, 0, 1, "dockerfile line greater than max allowed size of 65535");
    free(s);
    /* inside a heredoc: BuildKit stops reading, the heredoc is unterminated */
    s = line_file("FROM a\nRUN cat <<EOF\n", 70000, "\nEOF\n", &n);
    expect_error_n(s, n, 0, 2, "unterminated heredoc");
    free(s);
    /* earlier errors come first */
    s = line_file("FROM a\nRUN [1]\nRUN ", 70000, "\n", &n);
    expect_error_n(s, n, 0, 2, "arrays must be comprised of strings only");
    free(s);
}

/* A joined continuation line may be longer than the limit: the printer cuts
 * it so that the parser reads it back. */
static void test_print_long_joined_line(void **state)
{
    (void)state;
    size_t part = 40000;
    char *s = malloc(3 * part + 64);
    assert_non_null(s);
    size_t n = 0;
    n += (size_t)sprintf(s, "FROM a\nRUN echo ");
    for (int k = 0; k < 3; k++) {
        /* '#' must not start the next physical line (a comment there) */
        memset(s + n, k == 1 ? '#' : 'y', part);
        s[n] = 'z';
        n += part;
        s[n++] = '\\';
        s[n++] = '\n';
    }
    n += (size_t)sprintf(s + n, "end\n");
    hoist_dockerfile *df = parse_n(s, n, 0);
    assert_true(strlen(hoist_dockerfile_instruction_at(df, 1)->original) > 120000);
    round_trip(df);
    hoist_dockerfile_free(df);
    free(s);
}

/* ---- item 3: \u0000 in exec form ---- */

static void test_json_nul(void **state)
{
    (void)state;
    const char *src = "FROM a\nCMD [\"a\\u0000b\", \"c\"]\n";
    hoist_dockerfile *df = parse_n(src, strlen(src), 0);
    const hoist_df_instruction *cmd = hoist_dockerfile_instruction_at(df, 1);
    assert_int_equal(cmd->form, HOIST_DF_FORM_EXEC);
    assert_int_equal(cmd->arg_count, 2);
    assert_int_equal(cmd->args[0].len, 3);
    assert_memory_equal(cmd->args[0].value, "a\0b", 4);
    assert_int_equal(cmd->args[1].len, 1);
    round_trip(df);

    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    assert_non_null(f);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dockerfile_write_json(df, f, false, &err), 0);
    fclose(f);
    assert_non_null(strstr(out, "\"args\":[\"a\\u0000b\",\"c\"]"));
    free(out);
    hoist_dockerfile_free(df);
}

/* ---- item 4: unknown instructions ---- */

static void test_unknown_one_empty_word(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("FOO\nONBUILD BAR\nBAZ a b\n");
    for (size_t i = 0; i < 3; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
        if (ins->trigger)
            ins = ins->trigger;
        assert_int_equal(ins->kind, HOIST_DF_UNKNOWN);
        assert_int_equal(ins->arg_count, 1);
        assert_string_equal(ins->args[0].value, "");
        assert_int_equal(ins->args[0].len, 0);
    }
    assert_string_equal(hoist_dockerfile_instruction_at(df, 2)->raw_args, "a b");
    round_trip(df);
    hoist_dockerfile_free(df);
}

/* ---- item 5: directives are not comments; the warning ---- */

static void test_directives_and_warning(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("# syntax=docker/dockerfile:1\n  # escape=\\\n# note\nFROM a\n"
                                    "RUN echo \\\n\n  hi \\\n  there\n");
    assert_int_equal(hoist_dockerfile_directive_count(df), 2);
    const hoist_df_instruction *from = hoist_dockerfile_instruction_at(df, 0);
    assert_int_equal(from->comment_count, 1);
    assert_string_equal(from->comments[0].text, "note");
    assert_int_equal(hoist_dockerfile_warning_count(df), 1);
    const hoist_df_warning *w = hoist_dockerfile_warning_at(df, 0);
    assert_string_equal(w->message, "Empty continuation line found in: RUN echo   hi   there");
    assert_int_equal(w->range.start.line, 8);
    round_trip(df);
    hoist_dockerfile_free(df);
}

/* ---- item 6: the line of a repeated directive ---- */

static void test_repeated_directive_line(void **state)
{
    (void)state;
    const char *s = "# escape=`\n# escape=\\\nFROM a\n";
    expect_error_n(s, strlen(s), 0, 2, "only one escape parser directive can be used");
    s = "# syntax=a\n#check=skip=all\n# SYNTAX=b\nFROM a\n";
    expect_error_n(s, strlen(s), HOIST_DF_PARSE_AST_ONLY, 3, "only one syntax parser directive can be used");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heredoc_blank_after_lt),
        cmocka_unit_test(test_heredoc_not),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_print_long_joined_line),
        cmocka_unit_test(test_json_nul),
        cmocka_unit_test(test_unknown_one_empty_word),
        cmocka_unit_test(test_directives_and_warning),
        cmocka_unit_test(test_repeated_directive_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
