/*
 * test_cli_progress.c - docker CLI output to events: BuildKit plain
 * progress (per-stage numbering mapped to Dockerfile lines, cached steps,
 * logs with timestamps removed, vertex errors, tags) and the classic
 * builder's text with its error on stderr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "build/cli_progress.h"

static const char dockerfile[] =
    "FROM hoist-test/busybox:1 AS base\n"               /* 1 */
    "WORKDIR /w\n"                                        /* 2 */
    "RUN --mount=type=cache,target=/c echo hi\n"          /* 3 */
    "COPY . /ctx\n"                                       /* 4 */
    "FROM base\n"                                         /* 5 */
    "RUN exit 3\n";                                       /* 6 */

struct seen {
    hoist_build_event_kind kinds[64];
    char texts[64][160];
    int lines[64];
    int count;
};

static int record(const hoist_build_event *ev, void *user)
{
    struct seen *s = user;
    if (s->count < 64) {
        s->kinds[s->count] = ev->kind;
        snprintf(s->texts[s->count], sizeof(s->texts[0]), "%s", ev->text ? ev->text : "");
        s->lines[s->count] = ev->line;
        s->count++;
    }
    return 0;
}

static hoist_step_source steps[6];

static hoist_dockerfile *parse(void)
{
    hoist_dockerfile *df = NULL;
    assert_int_equal(hoist_dockerfile_parse(&df, dockerfile, strlen(dockerfile), NULL, NULL), 0);
    for (size_t i = 0; i < hoist_dockerfile_instruction_count(df); i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
        snprintf(steps[i].keyword, sizeof(steps[i].keyword), "%s", ins->keyword);
        steps[i].line = steps[i].end_line = ins->range.start.line;
    }
    return df;
}

static void buildkit_stream(void **state)
{
    hoist_dockerfile *df = parse();
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 6, record, &s);
    hoist_cli_progress p;
    hoist_cli_progress_init(&p, &d, df, true);
    const char *lines[] = {
        "#1 [internal] load build definition from Dockerfile",
        "#1 transferring dockerfile: 189B done",
        "#1 DONE 0.0s",
        "",
        "#4 [base 1/4] FROM docker.io/hoist-test/busybox:1",
        "#4 DONE 0.1s",
        "#5 [base 2/4] WORKDIR /w",
        "#5 CACHED",
        "#6 [base 3/4] RUN --mount=type=cache,target=/c echo hi",
        "#6 sha256:4341c5564768ca5d277e51e7473beb5ba0ae7ce5d9629e4a46e59b4eb4595a40",
        "#6 0.229 hi",
        "#6 DONE 0.3s",
        "#8 [base 4/4] COPY . /ctx",
        "#9 [stage-1 1/1] RUN exit 3",
        "#9 ERROR: executor failed running [/bin/sh -c exit 3]: exit code: 3",
        "------",
        " > [stage-1 1/1] RUN exit 3:",
        "------",
        "executor failed running [/bin/sh -c exit 3]: exit code: 3",
        NULL,
    };
    for (int i = 0; lines[i]; i++)
        hoist_cli_progress_line(&p, lines[i], true);
    hoist_cli_progress_finish(&p, 1);

    assert_true(d.failed);
    assert_int_equal(d.error_line, 6);
    assert_string_equal(d.error_message, "RUN exit 3: executor failed running [/bin/sh -c exit 3]: exit code: 3");
    assert_int_equal(d.steps_cached, 1);
    assert_int_equal(d.step_total, 5);
    /* STEP(1) STEP(2) CACHED STEP(3) LOG STEP(4) STEP(6) ERROR */
    hoist_build_event_kind want[] = {HOIST_EVENT_STEP, HOIST_EVENT_STEP, HOIST_EVENT_STEP_CACHED, HOIST_EVENT_STEP,
                                     HOIST_EVENT_LOG, HOIST_EVENT_STEP, HOIST_EVENT_STEP, HOIST_EVENT_ERROR};
    assert_int_equal(s.count, 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(s.kinds[i], want[i]);
    int want_lines[] = {1, 2, 2, 3, 3, 4, 6, 6};
    for (int i = 0; i < 8; i++)
        assert_int_equal(s.lines[i], want_lines[i]);
    assert_string_equal(s.texts[4], "hi");
    hoist_dockerfile_free(df);
}

static void buildkit_single_stage_and_tags(void **state)
{
    const char *text = "FROM hoist-test/busybox:1\nENV A=1\nRUN true\n";
    hoist_dockerfile *df = NULL;
    assert_int_equal(hoist_dockerfile_parse(&df, text, strlen(text), NULL, NULL), 0);
    hoist_step_source st[3] = {{"FROM", 1, 1}, {"ENV", 2, 2}, {"RUN", 3, 3}};
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", st, 3, record, &s);
    hoist_cli_progress p;
    hoist_cli_progress_init(&p, &d, df, true);
    hoist_cli_progress_line(&p, "#5 [3/3] RUN true", true);
    hoist_cli_progress_line(&p, "#7 naming to docker.io/library/app:1 done", true);
    hoist_cli_progress_finish(&p, 0);
    assert_false(d.failed);
    assert_int_equal(s.lines[0], 3);
    assert_int_equal(d.tag_count, 1);
    assert_string_equal(d.tags[0], "docker.io/library/app:1");
    hoist_dockerfile_free(df);
}

/* BuildKit counts only the instructions that make a vertex (FROM an image,
 * ADD, COPY, RUN, WORKDIR): after an ENV, [3/3] is the second RUN, not
 * the third instruction. */
static void buildkit_counts_vertices_only(void **state)
{
    const char *text = "FROM hoist-test/busybox:1\nENV A=1\nRUN echo a\nLABEL x=y\nRUN echo b\n";
    hoist_dockerfile *df = NULL;
    assert_int_equal(hoist_dockerfile_parse(&df, text, strlen(text), NULL, NULL), 0);
    hoist_step_source st[5] = {{"FROM", 1, 1}, {"ENV", 2, 2}, {"RUN", 3, 3}, {"LABEL", 4, 4}, {"RUN", 5, 5}};
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", st, 5, record, &s);
    hoist_cli_progress p;
    hoist_cli_progress_init(&p, &d, df, true);
    hoist_cli_progress_line(&p, "#4 [1/3] FROM docker.io/hoist-test/busybox:1", true);
    hoist_cli_progress_line(&p, "#5 [2/3] RUN echo a", true);
    hoist_cli_progress_line(&p, "#6 [3/3] RUN echo b", true);
    hoist_cli_progress_finish(&p, 0);
    assert_int_equal(s.count, 3);
    assert_int_equal(s.lines[0], 1);
    assert_int_equal(s.lines[1], 3);
    assert_int_equal(s.lines[2], 5);
    hoist_dockerfile_free(df);
}

static void classic_error_on_stderr(void **state)
{
    hoist_dockerfile *df = parse();
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 6, NULL, NULL);
    hoist_cli_progress p;
    hoist_cli_progress_init(&p, &d, df, false);
    hoist_cli_progress_line(&p, "Sending build context to Docker daemon  2.048kB", false);
    hoist_cli_progress_line(&p, "Step 1/6 : FROM hoist-test/busybox:1 AS base", false);
    hoist_cli_progress_line(&p, "Step 6/6 : RUN exit 3", false);
    hoist_cli_progress_line(&p, " ---> Running in 1234", false);
    hoist_cli_progress_line(&p, "The command '/bin/sh -c exit 3' returned a non-zero code: 3", true);
    hoist_cli_progress_finish(&p, 1);
    assert_true(d.failed);
    assert_int_equal(d.error_line, 6);
    assert_string_equal(d.error_message, "RUN exit 3: The command '/bin/sh -c exit 3' returned a non-zero code: 3");
    hoist_dockerfile_free(df);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buildkit_stream),
        cmocka_unit_test(buildkit_single_stage_and_tags),
        cmocka_unit_test(buildkit_counts_vertices_only),
        cmocka_unit_test(classic_error_on_stderr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
