/*
 * test_decoder.c - classic builder messages to events: steps mapped to
 * Dockerfile lines, cached steps, logs split into lines, tags, the image
 * ID from aux (and from "Successfully built" or q=1 when aux is absent),
 * pull progress, and errors located at the failing step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "build/decoder.h"

struct seen {
    hoist_build_event_kind kinds[64];
    char texts[64][128];
    int lines[64];
    int count;
};

static int record(const hoist_build_event *ev, void *user)
{
    struct seen *s = user;
    if (s->count < 64) {
        s->kinds[s->count] = ev->kind;
        snprintf(s->texts[s->count], sizeof(s->texts[0]), "%s", ev->text ? ev->text : (ev->id ? ev->id : ""));
        s->lines[s->count] = ev->line;
        s->count++;
    }
    return 0;
}

static const hoist_step_source steps[] = {
    {"ARG", 1, 1}, {"FROM", 3, 3}, {"COPY", 4, 4}, {"RUN", 5, 7},
};

static void feed(hoist_build_decoder *d, const char *json)
{
    json_error_t jerr;
    json_t *m = json_loads(json, JSON_DECODE_ANY, &jerr);
    assert_non_null(m);
    hoist_build_decoder_message(d, m);
    json_decref(m);
}

static void successful_build(void **state)
{
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 4, record, &s);
    feed(&d, "{\"stream\":\"Step 1/4 : ARG V=1\\n\"}");
    feed(&d, "{\"stream\":\"Step 2/4 : FROM base\\n\"}");
    feed(&d, "{\"stream\":\" ---> 31b6288cc526\\n\"}");
    feed(&d, "{\"stream\":\"Step 3/4 : COPY . /src\\n\"}");
    feed(&d, "{\"stream\":\" ---> Using cache\\n ---> 1234\\n\"}");
    feed(&d, "{\"stream\":\"Step 4/4 : RUN make\\n\"}");
    feed(&d, "{\"stream\":\" ---> Running in abc\\n\"}");
    feed(&d, "{\"stream\":\"hello \"}");
    feed(&d, "{\"stream\":\"world\\nsecond line\\n\"}");
    feed(&d, "{\"stream\":\"Removing intermediate container abc\\n ---> def\\n\"}");
    feed(&d, "{\"aux\":{\"ID\":\"sha256:feed\"}}");
    feed(&d, "{\"stream\":\"Successfully built feed\\n\"}");
    feed(&d, "{\"stream\":\"Successfully tagged app:1\\n\"}");
    hoist_build_decoder_finish(&d);

    assert_string_equal(d.image_id, "sha256:feed");
    assert_int_equal(d.tag_count, 1);
    assert_string_equal(d.tags[0], "app:1");
    assert_int_equal(d.steps_cached, 1);
    assert_int_equal(d.steps_run, 2); /* ARG and RUN; FROM is not a run step */
    assert_false(d.failed);

    /* STEP ARG, STEP FROM, STEP COPY, CACHED, STEP RUN, LOG, LOG, IMAGE_ID, TAGGED */
    hoist_build_event_kind want[] = {HOIST_EVENT_STEP, HOIST_EVENT_STEP, HOIST_EVENT_STEP,
                                     HOIST_EVENT_STEP_CACHED, HOIST_EVENT_STEP, HOIST_EVENT_LOG,
                                     HOIST_EVENT_LOG, HOIST_EVENT_IMAGE_ID, HOIST_EVENT_TAGGED};
    assert_int_equal(s.count, 9);
    for (int i = 0; i < 9; i++)
        assert_int_equal(s.kinds[i], want[i]);
    assert_string_equal(s.texts[4], "RUN make");
    assert_int_equal(s.lines[4], 5);
    assert_string_equal(s.texts[5], "hello world");
    assert_int_equal(s.lines[5], 5);
    assert_string_equal(s.texts[6], "second line");
}

static void failing_step_located(void **state)
{
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 4, record, &s);
    feed(&d, "{\"stream\":\"Step 1/4 : ARG V=1\\n\"}");
    feed(&d, "{\"stream\":\"Step 2/4 : FROM base\\n\"}");
    feed(&d, "{\"stream\":\"Step 3/4 : COPY . /src\\n\"}");
    feed(&d, "{\"stream\":\"Step 4/4 : RUN make\\n\"}");
    feed(&d, "{\"errorDetail\":{\"code\":2,\"message\":\"The command '/bin/sh -c make' returned a non-zero code: 2\"},"
             "\"error\":\"The command '/bin/sh -c make' returned a non-zero code: 2\"}");
    hoist_build_decoder_finish(&d);
    assert_true(d.failed);
    assert_int_equal(d.error_line, 5);
    assert_int_equal(d.error_end_line, 7);
    assert_string_equal(d.error_message, "RUN make: The command '/bin/sh -c make' returned a non-zero code: 2");
    assert_int_equal(s.kinds[s.count - 1], HOIST_EVENT_ERROR);
    assert_int_equal(s.lines[s.count - 1], 5);
}

static void keyword_mismatch_searches_forward(void **state)
{
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 4, record, &s);
    /* A daemon that does not count the global ARG. */
    feed(&d, "{\"stream\":\"Step 1/3 : FROM base\\n\"}");
    feed(&d, "{\"stream\":\"Step 2/3 : COPY . /src\\n\"}");
    assert_int_equal(s.lines[0], 3);
    assert_int_equal(s.lines[1], 4);
}

static void error_before_any_step(void **state)
{
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 4, NULL, NULL);
    feed(&d, "{\"error\":\"Cannot locate specified Dockerfile: Dockerfile\"}");
    assert_true(d.failed);
    assert_int_equal(d.error_line, 0);
    assert_string_equal(d.error_message, "Cannot locate specified Dockerfile: Dockerfile");
}

/* Lines that only look like "Step i/N :" are output, not steps (found by
 * fuzz_build_stream: a negative step number reached the events). */
static void bogus_step_lines_are_output(void **state)
{
    static const char *lines[] = {
        "{\"stream\":\"Step -9/2 : RUN x\\n\"}", "{\"stream\":\"Step 0/2 : RUN x\\n\"}",
        "{\"stream\":\"Step 99999999999/2 : RUN x\\n\"}", "{\"stream\":\"Step 1/-2 : RUN x\\n\"}",
        "{\"stream\":\"Step 1/2 RUN x\\n\"}",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        struct seen s = {0};
        hoist_build_decoder d;
        hoist_build_decoder_init(&d, "Dockerfile", steps, 4, record, &s);
        feed(&d, lines[i]);
        assert_int_equal(d.step, 0);
        for (int k = 0; k < s.count; k++)
            assert_int_not_equal(s.kinds[k], HOIST_EVENT_STEP);
    }
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 4, record, &s);
    feed(&d, "{\"stream\":\"Step 3/4 :COPY . /src\\n\"}");
    assert_int_equal(d.step, 3);
    assert_int_equal(s.lines[0], 4);
}

static void quiet_and_legacy_ids(void **state)
{
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", NULL, 0, NULL, NULL);
    feed(&d, "{\"stream\":\"sha256:0123abcd\\n\"}");
    hoist_build_decoder_finish(&d);
    assert_string_equal(d.image_id, "sha256:0123abcd");

    hoist_build_decoder_init(&d, "Dockerfile", NULL, 0, NULL, NULL);
    feed(&d, "{\"stream\":\"Step 1/1 : FROM x\\n\"}");
    feed(&d, "{\"stream\":\"Successfully built 0123abcd\\n\"}");
    hoist_build_decoder_finish(&d);
    assert_string_equal(d.image_id, "0123abcd");
}

static void pull_progress_and_unknown_fields(void **state)
{
    struct seen s = {0};
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 4, record, &s);
    feed(&d, "{\"status\":\"Downloading\",\"id\":\"abc\",\"progressDetail\":{\"current\":10,\"total\":100},\"future\":true}");
    feed(&d, "{\"somethingNew\":{\"x\":1}}");
    feed(&d, "\"plain text line\"");
    assert_int_equal(s.count, 2);
    assert_int_equal(s.kinds[0], HOIST_EVENT_PULL);
    assert_string_equal(s.texts[0], "Downloading");
    assert_int_equal(s.kinds[1], HOIST_EVENT_LOG);
    assert_string_equal(s.texts[1], "plain text line");
}

static int stop_on_step(const hoist_build_event *ev, void *user)
{
    return ev->kind == HOIST_EVENT_STEP;
}

static void callback_can_cancel(void **state)
{
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 4, stop_on_step, NULL);
    json_t *m = json_loads("{\"stream\":\"Step 1/4 : ARG V\\n\"}", 0, NULL);
    assert_int_not_equal(hoist_build_decoder_message(&d, m), 0);
    json_decref(m);
    assert_true(d.stop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(successful_build),
        cmocka_unit_test(failing_step_located),
        cmocka_unit_test(keyword_mismatch_searches_forward),
        cmocka_unit_test(error_before_any_step),
        cmocka_unit_test(bogus_step_lines_are_output),
        cmocka_unit_test(quiet_and_legacy_ids),
        cmocka_unit_test(pull_progress_and_unknown_fields),
        cmocka_unit_test(callback_can_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
