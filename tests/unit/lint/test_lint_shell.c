/*
 * test_lint_shell.c - the RUN script splitter (lib/lint/shell.c): quotes,
 * escapes, substitutions, operators, pipelines, redirections, keywords and
 * assignments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lint/lint_internal.h"

static void words(void **state)
{
    lint_script s;
    assert_int_equal(lint_shell_parse("apt-get install -y \"a b\" 'c d' e\\ f $(echo x y) ${V:-1 2}", &s), 0);
    assert_int_equal(s.count, 1);
    const lint_cmd *c = &s.cmds[0];
    assert_int_equal(c->argc, 8);
    assert_string_equal(c->argv[3], "a b");
    assert_string_equal(c->argv[4], "c d");
    assert_string_equal(c->argv[5], "e f");
    assert_string_equal(c->argv[6], "$(echo x y)");
    assert_string_equal(c->argv[7], "${V:-1 2}");
    assert_string_equal(lint_cmd_name(c), "apt-get");
    lint_script_free(&s);
}

static void operators(void **state)
{
    lint_script s;
    assert_int_equal(lint_shell_parse("set -e; A=1 B=2 /usr/bin/make all && if true; then echo ok; fi || "
                     "curl -s x | tar -xz 2>/dev/null >out.log\n# comment | not a pipe\nls",
                     &s), 0);
    assert_int_equal(s.count, 7);
    assert_string_equal(lint_cmd_name(&s.cmds[0]), "set");
    assert_string_equal(lint_cmd_name(&s.cmds[1]), "make");
    assert_int_equal(s.cmds[1].assign_count, 2);
    assert_string_equal(s.cmds[1].assigns[1], "B=2");
    assert_string_equal(lint_cmd_name(&s.cmds[2]), "true");
    assert_string_equal(lint_cmd_name(&s.cmds[3]), "echo");
    assert_string_equal(lint_cmd_name(&s.cmds[4]), "curl");
    assert_true(s.cmds[4].in_pipe);
    assert_string_equal(lint_cmd_name(&s.cmds[5]), "tar");
    assert_true(s.cmds[5].in_pipe);
    assert_int_equal(s.cmds[5].argc, 2); /* redirections dropped */
    assert_string_equal(lint_cmd_name(&s.cmds[6]), "ls");
    assert_false(s.cmds[6].in_pipe);
    assert_true(s.has_pipe);
    lint_script_free(&s);

    assert_int_equal(lint_shell_parse("a || b && c", &s), 0);
    assert_false(s.has_pipe);
    assert_int_equal(s.count, 3);
    lint_script_free(&s);
}

static void flags_and_operands(void **state)
{
    lint_script s;
    assert_int_equal(lint_shell_parse("apt-get -q install -qy --no-install-recommends -t bookworm curl=1 git", &s), 0);
    const lint_cmd *c = &s.cmds[0];
    assert_true(lint_cmd_has_flag(c, 'y', "--yes"));
    assert_true(lint_cmd_has_flag(c, 0, "--no-install-recommends"));
    assert_false(lint_cmd_has_flag(c, 'x', "--assume-yes"));
    assert_string_equal(c->argv[lint_cmd_subcommand(c)], "install");
    static const char *const valued[] = {"-t", NULL};
    size_t k = lint_cmd_next_operand(c, valued, 0);
    assert_true(k > 0);
    assert_string_equal(c->argv[k], "curl=1");
    k = lint_cmd_next_operand(c, valued, k);
    assert_true(k > 0);
    assert_string_equal(c->argv[k], "git");
    assert_int_equal(lint_cmd_next_operand(c, valued, k), 0);
    assert_true(lint_script_uses(&s, "apt-get", "install"));
    assert_false(lint_script_uses(&s, "apt-get", "upgrade"));
    lint_script_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words),
        cmocka_unit_test(operators),
        cmocka_unit_test(flags_and_operands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
