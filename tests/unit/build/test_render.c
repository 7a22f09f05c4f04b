/*
 * test_render.c - the CLI's build renderers (src/build_render.c,
 * src/build_live.c) fed with the events of real BuildKit replies
 * (tests/data/bktrace): plain lines with durations and CACHED, the JSON
 * stream with the new fields, and the terminal view's final screen
 * (finished steps collapsed with their duration; a failed step with its
 * last output).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../src/build_render.h"
#include "build/bk_trace.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Decode a fixture reply into `r`; returns what finish returned. */
static int render_fixture(build_renderer *r, const char *dir, const char *reply)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/bktrace/%s/Dockerfile", HOIST_TEST_DATA, dir);
    size_t len;
    char *text = slurp(path, &len);
    hoist_dockerfile *df = NULL;
    assert_int_equal(hoist_dockerfile_parse(&df, text, len, NULL, NULL), 0);
    free(text);
    size_t n = hoist_dockerfile_instruction_count(df);
    hoist_step_source *steps = calloc(n, sizeof(*steps));
    assert_non_null(steps);
    for (size_t i = 0; i < n; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
        snprintf(steps[i].keyword, sizeof(steps[i].keyword), "%s", ins->keyword);
        steps[i].line = steps[i].end_line = ins->range.start.line;
    }
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, n, build_render_event, r);
    hoist_bk_trace *t = hoist_bk_trace_new(&d, df);
    snprintf(path, sizeof(path), "%s/bktrace/%s/%s", HOIST_TEST_DATA, dir, reply);
    char *data = slurp(path, &len);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_bk_trace_feed(t, data, len, &err), 0);
    int rc = hoist_bk_trace_finish(t, &err);
    free(data);
    hoist_bk_trace_free(t);
    free(steps);
    hoist_dockerfile_free(df);
    return rc;
}

static void plain(void **state)
{
    (void)state;
    char *out = NULL;
    size_t size = 0;
    build_renderer r;
    build_renderer_init(&r, RENDER_PLAIN);
    r.out = open_memstream(&out, &size);
    assert_int_equal(render_fixture(&r, "multistage", "reply.jsonl"), 0);
    fclose(r.out);
    static const char want[] =
        "Step 1/7 : FROM docker.io/hoist-test/busybox:1  (Dockerfile:2)\n"
        " ---> cached\n"
        "Step 2/7 : WORKDIR /src  (Dockerfile:3)\n"
        " ---> cached\n"
        "Step 3/7 : COPY hello.txt .  (Dockerfile:4)\n"
        " ---> done in 0.1s\n"
        "Step 4/7 : RUN cat hello.txt > out.txt &&     echo built  (Dockerfile:5)\n"
        "built\n"
        " ---> done in 0.2s\n"
        "Step 6/7 : COPY --from=build /src/out.txt /out.txt  (Dockerfile:9)\n"
        " ---> done in 0.2s\n"
        "Step 7/7 : RUN echo done; echo to-stderr >&2  (Dockerfile:10)\n"
        "done\n"
        "to-stderr\n"
        " ---> done in 0.3s\n"
        "Successfully tagged bktrace-fixture:ms\n";
    assert_string_equal(out, want);
    free(out);
}

static void json(void **state)
{
    (void)state;
    char *out = NULL;
    size_t size = 0;
    build_renderer r;
    build_renderer_init(&r, RENDER_JSON);
    r.out = open_memstream(&out, &size);
    assert_int_equal(render_fixture(&r, "failing", "reply.jsonl"), HOIST_EFAILED);
    fclose(r.out);
    /* every line is one object; the step-done, log and error carry the new fields */
    assert_non_null(strstr(out, "\"type\":\"step-done\""));
    assert_non_null(strstr(out, "\"duration\":0.4"));
    assert_non_null(strstr(out, "\"text\":\"oops\",\"step\":4,\"steps\":5,\"file\":\"Dockerfile\",\"line\":4,"
                                "\"end_line\":4,\"stream\":2,\"vertex\":\"sha256:"));
    const char *error = strstr(out, "{\"type\":\"error\"");
    assert_non_null(error);
    assert_non_null(strstr(error, "\"keyword\":\"RUN\""));
    assert_non_null(strstr(error, "\"detail\":\"oops\\nfirst line\\nsecond line\""));
    free(out);
}

static void tty_final_screen(void **state)
{
    (void)state;
    char *out = NULL;
    size_t size = 0;
    build_renderer r;
    memset(&r, 0, sizeof(r));
    r.mode = RENDER_TTY;
    r.out = open_memstream(&out, &size);
    build_live_init(&r.live, r.out, false); /* no ticker: only event-driven draws */
    assert_int_equal(render_fixture(&r, "failing", "reply.jsonl"), HOIST_EFAILED);
    build_live_finish(&r.live, false);
    fclose(r.out);
    /* finished steps are printed once, collapsed, with their duration */
    assert_non_null(strstr(out, "=> [1/5] FROM docker.io/hoist-test/busybox:1 0.0s  Dockerfile:1\n"));
    assert_non_null(strstr(out, "=> [3/5] RUN echo \"hi\" > /g 0.5s  Dockerfile:3\n"));
    /* the failed one keeps its last output */
    const char *failed = strstr(out, "=> ERROR [4/5] RUN echo first line;     echo second line;");
    assert_non_null(failed);
    /* cut to the terminal's 80 columns (no line may wrap), the duration kept */
    const char *eol = strchr(failed, '\n');
    assert_non_null(eol);
    assert_int_equal(eol - failed, 79);
    assert_non_null(strstr(failed, " 0.2s  Dockerfile:4\n | oops\n | first line\n | second line\n"));
    /* the live region was erased at the end: the output ends with the failure */
    size_t n = strlen(out);
    assert_true(n > 20);
    assert_string_equal(out + n - strlen(" | second line\n"), " | second line\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain),
        cmocka_unit_test(json),
        cmocka_unit_test(tty_final_screen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
