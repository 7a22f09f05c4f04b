/*
 * test_bk_trace.c - the BuildKit /build reply decoder on real replies
 * recorded from Docker 20.10 (tests/data/bktrace/, see its README): a
 * multi-stage build, its cached rebuild, a failing RUN, a RUN printing
 * 250 lines and a base image that cannot be pulled, fed whole and in small pieces; then hand-made StatusResponses
 * for what 20.10 does not send (warnings, partial lines across messages,
 * bytes that are not UTF-8) and for damaged replies (bad base64, bad
 * protobuf, a cut message, a reply with no result).
 *
 * Set HOIST_BKTRACE_DUMP=1 to print the events of each fixture.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "build/bk_trace.h"
#include "control.pb-c.h"

#define MAX_EVENTS 1024

struct seen {
    char lines[MAX_EVENTS][200]; /* "kind step line text" */
    char details[MAX_EVENTS][400];
    double durations[MAX_EVENTS];
    int streams[MAX_EVENTS];
    int count;
    int cancel_at;               /* return non-zero at this event (1-based); 0 never */
};

static int record(const hoist_build_event *ev, void *user)
{
    struct seen *s = user;
    if (s->count < MAX_EVENTS) {
        snprintf(s->lines[s->count], sizeof(s->lines[0]), "%s %d %d %s%s%s", hoist_build_event_kind_name(ev->kind),
                 ev->step, ev->line, ev->text ? ev->text : "", ev->id ? " id=" : "", ev->id ? ev->id : "");
        snprintf(s->details[s->count], sizeof(s->details[0]), "%s", ev->detail ? ev->detail : "");
        s->durations[s->count] = ev->duration;
        s->streams[s->count] = ev->stream;
        if (ev->kind == HOIST_EVENT_STEP || ev->kind == HOIST_EVENT_LOG || ev->kind == HOIST_EVENT_STEP_DONE)
            assert_non_null(ev->vertex);
    }
    s->count++;
    if (getenv("HOIST_BKTRACE_DUMP"))
        fprintf(stderr, "%s | %.2f\n", s->lines[s->count - 1], ev->duration);
    return s->cancel_at && s->count == s->cancel_at;
}

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

struct fixture {
    hoist_dockerfile *df;
    hoist_step_source steps[64];
    size_t step_count;
    hoist_build_decoder d;
    hoist_bk_trace *t;
    struct seen seen;
};

static void setup_fixture(struct fixture *fx, const char *dir)
{
    memset(fx, 0, sizeof(*fx));
    char path[512];
    snprintf(path, sizeof(path), "%s/bktrace/%s/Dockerfile", HOIST_TEST_DATA, dir);
    size_t len;
    char *text = slurp(path, &len);
    assert_int_equal(hoist_dockerfile_parse(&fx->df, text, len, NULL, NULL), 0);
    free(text);
    fx->step_count = hoist_dockerfile_instruction_count(fx->df);
    assert_true(fx->step_count <= 64);
    for (size_t i = 0; i < fx->step_count; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(fx->df, i);
        snprintf(fx->steps[i].keyword, sizeof(fx->steps[i].keyword), "%s", ins->keyword);
        fx->steps[i].line = ins->range.start.line;
        fx->steps[i].end_line = ins->range.end.line;
    }
    hoist_build_decoder_init(&fx->d, "Dockerfile", fx->steps, fx->step_count, record, &fx->seen);
    fx->t = hoist_bk_trace_new(&fx->d, fx->df);
    assert_non_null(fx->t);
}

static void teardown_fixture(struct fixture *fx)
{
    hoist_bk_trace_free(fx->t);
    hoist_dockerfile_free(fx->df);
}

/* Feed a recorded reply in pieces of `chunk` bytes (0: whole) and finish. */
static int run_reply(struct fixture *fx, const char *dir, const char *reply, size_t chunk, hoist_error *err)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/bktrace/%s/%s", HOIST_TEST_DATA, dir, reply);
    size_t len;
    char *data = slurp(path, &len);
    if (getenv("HOIST_BKTRACE_DUMP"))
        fprintf(stderr, "== %s/%s\n", dir, reply);
    size_t step = chunk ? chunk : len;
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        int rc = hoist_bk_trace_feed(fx->t, data + off, n, err);
        if (rc) {
            free(data);
            return rc;
        }
    }
    free(data);
    return hoist_bk_trace_finish(fx->t, err);
}

static void expect_events(const struct seen *s, const char *const *expected)
{
    int n = 0;
    for (; expected[n]; n++) {
        assert_true(n < s->count);
        assert_string_equal(s->lines[n], expected[n]);
    }
    assert_int_equal(s->count, n);
}


/* ------------------------------------------------------------- fixtures */

/* Both stages start FROM the same image: BuildKit makes one vertex of
 * them, named after the stage it saw first. Steps are instruction index +
 * 1, lines are the Dockerfile's (line 1 is a comment). */
static const char *const multistage_events[] = {
    "step 1 2 FROM docker.io/hoist-test/busybox:1",
    "step-cached 1 2 ",
    "step 2 3 WORKDIR /src",
    "step-cached 2 3 ",
    "step 3 4 COPY hello.txt .",
    "step-done 3 4 COPY hello.txt .",
    "step 4 5 RUN cat hello.txt > out.txt &&     echo built",
    "log 4 5 built",
    "step-done 4 5 RUN cat hello.txt > out.txt &&     echo built",
    "step 6 9 COPY --from=build /src/out.txt /out.txt",
    "step-done 6 9 COPY --from=build /src/out.txt /out.txt",
    "step 7 10 RUN echo done; echo to-stderr >&2",
    "log 7 10 done",
    "log 7 10 to-stderr",
    "step-done 7 10 RUN echo done; echo to-stderr >&2",
    "image-id 0 0  id=sha256:e66c13d989ae779d6a7c30deb1f33f98d3a1b5bfb48c3deb6de9d38933e5d494",
    "tagged 0 0 bktrace-fixture:ms",
    NULL,
};

static void multistage(void **state)
{
    (void)state;
    static const size_t chunks[] = {0, 1, 7, 4096};
    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        struct fixture fx;
        setup_fixture(&fx, "multistage");
        hoist_error err = HOIST_ERROR_INIT;
        assert_int_equal(run_reply(&fx, "multistage", "reply.jsonl", chunks[c], &err), 0);
        expect_events(&fx.seen, multistage_events);
        /* durations are BuildKit's own (completed - started) */
        assert_true(fx.seen.durations[5] > 0.05 && fx.seen.durations[5] < 0.1);   /* COPY 0.07 s */
        assert_true(fx.seen.durations[8] > 0.2 && fx.seen.durations[8] < 0.3);    /* RUN 0.23 s */
        assert_int_equal(fx.seen.streams[7], 1);
        assert_int_equal(fx.seen.streams[13], 2); /* to-stderr */
        assert_string_equal(fx.d.image_id, "sha256:e66c13d989ae779d6a7c30deb1f33f98d3a1b5bfb48c3deb6de9d38933e5d494");
        assert_int_equal(fx.d.tag_count, 1);
        assert_string_equal(fx.d.tags[0], "bktrace-fixture:ms");
        assert_int_equal(fx.d.step_total, 6);
        assert_int_equal(fx.d.steps_cached, 2);
        assert_int_equal(fx.d.steps_run, 4);
        assert_false(fx.d.failed);
        teardown_fixture(&fx);
    }
}

static const char *const cached_events[] = {
    "step 5 8 FROM docker.io/hoist-test/busybox:1",
    "step-done 5 8 FROM docker.io/hoist-test/busybox:1",
    "step 2 3 WORKDIR /src",
    "step-cached 2 3 ",
    "step 3 4 COPY hello.txt .",
    "step-cached 3 4 ",
    "step 4 5 RUN cat hello.txt > out.txt &&     echo built",
    "step-cached 4 5 ",
    "step 6 9 COPY --from=build /src/out.txt /out.txt",
    "step-cached 6 9 ",
    "step 7 10 RUN echo done; echo to-stderr >&2",
    "step-cached 7 10 ",
    "image-id 0 0  id=sha256:e66c13d989ae779d6a7c30deb1f33f98d3a1b5bfb48c3deb6de9d38933e5d494",
    "tagged 0 0 bktrace-fixture:ms",
    NULL,
};

static void cached_rebuild(void **state)
{
    (void)state;
    struct fixture fx;
    setup_fixture(&fx, "multistage");
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(run_reply(&fx, "multistage", "cached.jsonl", 0, &err), 0);
    expect_events(&fx.seen, cached_events);
    assert_int_equal(fx.d.steps_cached, 5);
    assert_int_equal(fx.d.steps_run, 0); /* FROM is neither run nor cached here */
    teardown_fixture(&fx);
}

static const char *const failing_events[] = {
    "step 1 1 FROM docker.io/hoist-test/busybox:1",
    "step-done 1 1 FROM docker.io/hoist-test/busybox:1",
    "step-cached 1 1 ",
    /* ENV (line 2) makes no vertex: [2/4] is the RUN on line 3 */
    "step 3 3 RUN echo \"hi\" > /g",
    "step-done 3 3 RUN echo \"hi\" > /g",
    "step 4 4 RUN echo first line;     echo second line;     echo oops >&2;     exit 3",
    "log 4 4 oops",
    "log 4 4 first line",
    "log 4 4 second line",
    "error 4 4 executor failed running [/bin/sh -c echo first line;     echo second line;     echo oops >&2;     "
    "exit 3]: exit code: 3",
    NULL,
};

static void failing_run(void **state)
{
    (void)state;
    static const size_t chunks[] = {0, 3};
    for (size_t c = 0; c < 2; c++) {
        struct fixture fx;
        setup_fixture(&fx, "failing");
        hoist_error err = HOIST_ERROR_INIT;
        assert_int_equal(run_reply(&fx, "failing", "reply.jsonl", chunks[c], &err), HOIST_EFAILED);
        expect_events(&fx.seen, failing_events);
        assert_string_equal(fx.seen.details[9], "oops\nfirst line\nsecond line");
        assert_true(fx.seen.durations[9] > 0.2 && fx.seen.durations[9] < 0.3);
        assert_true(fx.d.failed);
        assert_int_equal(fx.d.error_line, 4);
        assert_int_equal(fx.d.error_end_line, 7);
        assert_string_equal(fx.d.keyword, "RUN");
        assert_non_null(strstr(fx.d.error_message, "exit code: 3"));
        assert_int_equal(strncmp(fx.d.error_message, "RUN echo first line;", 20), 0);
        assert_string_equal(err.file, "Dockerfile");
        assert_int_equal(err.line, 4);
        assert_non_null(strstr(err.hint, "second line"));
        assert_string_equal(fx.d.image_id, "");
        teardown_fixture(&fx);
    }
}

static void many_lines(void **state)
{
    (void)state;
    struct fixture fx;
    setup_fixture(&fx, "manylines");
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(run_reply(&fx, "manylines", "reply.jsonl", 100, &err), 0);
    const struct seen *s = &fx.seen;
    assert_int_equal(s->count, 2 + 1 + 250 + 1 + 1 + 1 + 1);
    assert_string_equal(s->lines[2], "step 2 2 RUN i=1; while [ $i -le 250 ]; do echo \"line $i of 250\"; "
                                     "i=$((i+1)); done; printf 'tail without newline'");
    for (int i = 1; i <= 250; i++) {
        char want[64];
        snprintf(want, sizeof(want), "log 2 2 line %d of 250", i);
        assert_string_equal(s->lines[2 + i], want);
    }
    /* the last line has no newline: delivered when the step completes */
    assert_string_equal(s->lines[253], "log 2 2 tail without newline");
    assert_string_equal(s->lines[254], "step-done 2 2 RUN i=1; while [ $i -le 250 ]; do echo \"line $i of 250\"; "
                                       "i=$((i+1)); done; printf 'tail without newline'");
    assert_string_equal(s->lines[255], "image-id 0 0  id=sha256:536da0de9868a50701b223d146b593434aa583e88c0bef90"
                                       "9417b92dc1545026");
    assert_string_equal(s->lines[256], "tagged 0 0 bktrace-fixture:many");
    /* LABEL (line 3) makes no vertex */
    assert_int_equal(fx.d.step_total, 2);
    teardown_fixture(&fx);
}

/* A base image that cannot be pulled fails BuildKit's internal "load
 * metadata" vertex before any step runs: the error names the FROM. */
static void missing_base(void **state)
{
    (void)state;
    struct fixture fx;
    setup_fixture(&fx, "missingbase");
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(run_reply(&fx, "missingbase", "reply.jsonl", 0, &err), HOIST_EFAILED);
    static const char *const want[] = {
        "error 3 4 failed to do request: Head \"https://registry-1.docker.io/v2/hoist-test/nope/manifests/1\": "
        "proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused",
        NULL,
    };
    expect_events(&fx.seen, want);
    assert_int_equal(fx.d.error_line, 4);
    assert_string_equal(fx.d.keyword, "FROM");
    assert_string_equal(fx.d.step_text, "FROM hoist-test/nope:1");
    assert_int_equal(err.line, 4);
    teardown_fixture(&fx);
}

/* A --cache-from image that cannot be imported (not pushed yet, registry
 * down) fails BuildKit's "importing cache manifest" vertex, and BuildKit
 * builds without it: a warning, not the build's failure (hoist bake's
 * shared registry cache starts empty). Recorded from hoist build through
 * tests/tools/bk_capture.py with --cache-from 127.0.0.1:9/hoist-nope:cache. */
static void cache_miss(void **state)
{
    (void)state;
    struct fixture fx;
    setup_fixture(&fx, "cachemiss");
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(run_reply(&fx, "cachemiss", "reply.jsonl", 0, &err), 0);
    bool warned = false, image = false;
    for (int i = 0; i < fx.seen.count; i++) {
        warned |= strstr(fx.seen.lines[i], "warning 0 0 importing cache manifest from 127.0.0.1:9/hoist-nope:cache: ") ==
                  fx.seen.lines[i];
        image |= !strncmp(fx.seen.lines[i], "image-id 0 0  id=sha256:", 24);
        assert_null(strstr(fx.seen.lines[i], "error "));
    }
    assert_true(warned);
    assert_true(image);
    assert_int_equal(fx.d.error_line, 0);
    teardown_fixture(&fx);
}

/* Without a Dockerfile to map to, steps keep BuildKit's own per-stage
 * counter and keyword, with no location; errors keep their text. */
static void no_dockerfile(void **state)
{
    (void)state;
    struct fixture fx;
    setup_fixture(&fx, "multistage");
    hoist_bk_trace_free(fx.t);
    hoist_build_decoder_init(&fx.d, "Dockerfile", NULL, 0, record, &fx.seen);
    fx.t = hoist_bk_trace_new(&fx.d, NULL);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(run_reply(&fx, "multistage", "reply.jsonl", 0, &err), 0);
    static const char *const want[] = {
        "step 1 0 FROM docker.io/hoist-test/busybox:1",
        "step-cached 1 0 ",
        "step 2 0 WORKDIR /src",
        "step-cached 2 0 ",
        "step 3 0 COPY hello.txt .",
        "step-done 3 0 COPY hello.txt .",
        "step 4 0 RUN cat hello.txt > out.txt &&     echo built",
        "log 4 0 built",
        "step-done 4 0 RUN cat hello.txt > out.txt &&     echo built",
        "step 2 0 COPY --from=build /src/out.txt /out.txt",
        "step-done 2 0 COPY --from=build /src/out.txt /out.txt",
        "step 3 0 RUN echo done; echo to-stderr >&2",
        "log 3 0 done",
        "log 3 0 to-stderr",
        "step-done 3 0 RUN echo done; echo to-stderr >&2",
        "image-id 0 0  id=sha256:e66c13d989ae779d6a7c30deb1f33f98d3a1b5bfb48c3deb6de9d38933e5d494",
        "tagged 0 0 bktrace-fixture:ms",
        NULL,
    };
    expect_events(&fx.seen, want);
    assert_int_equal(fx.d.steps_run, 4);
    teardown_fixture(&fx);

    setup_fixture(&fx, "failing");
    hoist_bk_trace_free(fx.t);
    hoist_build_decoder_init(&fx.d, "Dockerfile", NULL, 0, record, &fx.seen);
    fx.t = hoist_bk_trace_new(&fx.d, NULL);
    assert_int_equal(run_reply(&fx, "failing", "reply.jsonl", 0, &err), HOIST_EFAILED);
    assert_int_equal(fx.d.error_line, 0);
    assert_string_equal(fx.d.keyword, "RUN");
    assert_int_equal(strncmp(fx.d.error_message, "RUN echo first line;", 20), 0);
    assert_non_null(strstr(fx.d.error_message, "exit code: 3"));
    teardown_fixture(&fx);
}

static void cancel_from_callback(void **state)
{
    (void)state;
    struct fixture fx;
    setup_fixture(&fx, "multistage");
    fx.seen.cancel_at = 3;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(run_reply(&fx, "multistage", "reply.jsonl", 0, &err), HOIST_EINTERRUPTED);
    assert_int_equal(fx.seen.count, 3);
    teardown_fixture(&fx);
}

/* -------------------------------------------------- hand-made messages */

static void feed_status(struct fixture *fx, Moby__Buildkit__V1__StatusResponse *sr, int want_rc)
{
    size_t n = moby__buildkit__v1__status_response__get_packed_size(sr);
    unsigned char *raw = malloc(n + 1);
    assert_non_null(raw);
    moby__buildkit__v1__status_response__pack(sr, raw);
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *line = malloc(n * 2 + 64);
    assert_non_null(line);
    size_t o = (size_t)sprintf(line, "{\"id\":\"moby.buildkit.trace\",\"aux\":\"");
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = raw[i] << 16 | (i + 1 < n ? raw[i + 1] << 8 : 0) | (i + 2 < n ? raw[i + 2] : 0);
        line[o++] = alphabet[v >> 18 & 63];
        line[o++] = alphabet[v >> 12 & 63];
        line[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        line[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    o += (size_t)sprintf(line + o, "\"}\n");
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_bk_trace_feed(fx->t, line, o, &err), want_rc);
    free(raw);
    free(line);
}

static void synthetic(void **state)
{
    (void)state;
    struct fixture fx;
    setup_fixture(&fx, "failing");
    Moby__Buildkit__V1__Timestamp t0 = MOBY__BUILDKIT__V1__TIMESTAMP__INIT, t1 = MOBY__BUILDKIT__V1__TIMESTAMP__INIT;
    t0.seconds = 1000;
    t1.seconds = 1002;
    t1.nanos = 500000000;
    Moby__Buildkit__V1__Vertex v = MOBY__BUILDKIT__V1__VERTEX__INIT;
    v.digest = "sha256:aa";
    v.name = "[3/4] RUN echo first line;     echo second line;     echo oops >&2;     exit 3";
    v.started = &t0;
    Moby__Buildkit__V1__Vertex *vs[] = {&v};
    /* output split across messages, a \r progress redraw, invalid UTF-8 */
    Moby__Buildkit__V1__VertexLog l1 = MOBY__BUILDKIT__V1__VERTEX_LOG__INIT, l2 = l1;
    l1.vertex = "sha256:aa";
    l1.stream = 1;
    l1.msg.data = (uint8_t *)"par";
    l1.msg.len = 3;
    l2.vertex = "sha256:aa";
    l2.stream = 1;
    l2.msg.data = (uint8_t *)"tial\n10%\r50%\r100%\nbad \xff\xc0\x80 \xe2\x82\xac\n";
    l2.msg.len = strlen((const char *)l2.msg.data);
    Moby__Buildkit__V1__VertexLog *ls1[] = {&l1}, *ls2[] = {&l2};
    Moby__Buildkit__V1__StatusResponse sr = MOBY__BUILDKIT__V1__STATUS_RESPONSE__INIT;
    sr.n_vertexes = 1;
    sr.vertexes = vs;
    sr.n_logs = 1;
    sr.logs = ls1;
    feed_status(&fx, &sr, 0);
    sr.n_vertexes = 0;
    sr.logs = ls2;
    feed_status(&fx, &sr, 0);
    /* a warning (BuildKit v0.10+) with details and a URL */
    Moby__Buildkit__V1__VertexWarning w = MOBY__BUILDKIT__V1__VERTEX_WARNING__INIT;
    w.vertex = "sha256:aa";
    w.short_.data = (uint8_t *)"something odd";
    w.short_.len = 13;
    ProtobufCBinaryData details[] = {{5, (uint8_t *)"first"}, {6, (uint8_t *)"second"}};
    w.n_detail = 2;
    w.detail = details;
    w.url = "https://example.invalid/w";
    Moby__Buildkit__V1__VertexWarning *ws[] = {&w};
    Moby__Buildkit__V1__StatusResponse sw = MOBY__BUILDKIT__V1__STATUS_RESPONSE__INIT;
    sw.n_warnings = 1;
    sw.warnings = ws;
    feed_status(&fx, &sw, 0);
    /* completion: 2.5 s */
    v.completed = &t1;
    Moby__Buildkit__V1__StatusResponse sc = MOBY__BUILDKIT__V1__STATUS_RESPONSE__INIT;
    sc.n_vertexes = 1;
    sc.vertexes = vs;
    feed_status(&fx, &sc, 0);
    /* the same vertex again changes nothing */
    feed_status(&fx, &sc, 0);

    static const char *const want[] = {
        "step 4 4 RUN echo first line;     echo second line;     echo oops >&2;     exit 3",
        "log 4 4 partial",
        "log 4 4 100%",
        "log 4 4 bad ??? \xe2\x82\xac",
        "warning 4 4 something odd",
        "step-done 4 4 RUN echo first line;     echo second line;     echo oops >&2;     exit 3",
        NULL,
    };
    expect_events(&fx.seen, want);
    assert_string_equal(fx.seen.details[4], "first\nsecond\nhttps://example.invalid/w");
    assert_true(fx.seen.durations[5] > 2.49 && fx.seen.durations[5] < 2.51);
    hoist_error err = HOIST_ERROR_INIT;
    /* no image and no error: the reply was cut */
    assert_int_equal(hoist_bk_trace_finish(fx.t, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "neither an image ID nor an error"));
    teardown_fixture(&fx);
}

static void damaged(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *message;
    } cases[] = {
        {"{\"id\":\"moby.buildkit.trace\",\"aux\":\"not base64!\"}\n", "not valid base64"},
        {"{\"id\":\"moby.buildkit.trace\",\"aux\":\"Cg==\"}\n", "not a valid StatusResponse"},   /* field 1, no length */
        {"{\"id\":\"moby.buildkit.trace\",\"aux\":\"CgUKA2Fi\"}\n", "not a valid StatusResponse"}, /* truncated */
        {"{\"id\":\"moby.buildkit.trace\",\"aux\":{\"x\":1}}\n", "has no base64"},
        {"{\"id\":\"moby.buildkit.trace\",\"aux\":\"", "ended in the middle of a message"},
        {"{\"id\":\"moby.buildkit.trace\",,}\n", "malformed message"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture fx;
        setup_fixture(&fx, "failing");
        hoist_error err = HOIST_ERROR_INIT;
        int rc = hoist_bk_trace_feed(fx.t, cases[i].line, strlen(cases[i].line), &err);
        if (!rc)
            rc = hoist_bk_trace_finish(fx.t, &err);
        assert_int_equal(rc, HOIST_EENV);
        if (!strstr(err.message, cases[i].message))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.message, cases[i].message);
        teardown_fixture(&fx);
    }
    /* an oversized message is refused, not buffered without end */
    struct fixture fx;
    setup_fixture(&fx, "failing");
    size_t big = 17u * 1024 * 1024;
    char *line = malloc(big);
    assert_non_null(line);
    memcpy(line, "{\"id\":\"moby.buildkit.trace\",\"aux\":\"", 35);
    memset(line + 35, 'A', big - 35);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_bk_trace_feed(fx.t, line, big, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "exceeds"));
    free(line);
    teardown_fixture(&fx);
}

static void base64(void **state)
{
    (void)state;
    unsigned char out[16];
    assert_int_equal(hoist_base64_decode("aGk=", 4, out), 2);
    assert_memory_equal(out, "hi", 2);
    assert_int_equal(hoist_base64_decode("aGk", 3, out), 2);
    assert_int_equal(hoist_base64_decode("aGVsbG8h", 8, out), 6);
    assert_memory_equal(out, "hello!", 6);
    assert_int_equal(hoist_base64_decode("", 0, out), 0);
    assert_int_equal(hoist_base64_decode("a", 1, out), -1);
    assert_int_equal(hoist_base64_decode("a-bc", 4, out), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multistage),
        cmocka_unit_test(cached_rebuild),
        cmocka_unit_test(failing_run),
        cmocka_unit_test(many_lines),
        cmocka_unit_test(missing_base),
        cmocka_unit_test(cache_miss),
        cmocka_unit_test(no_dockerfile),
        cmocka_unit_test(cancel_from_callback),
        cmocka_unit_test(synthetic),
        cmocka_unit_test(damaged),
        cmocka_unit_test(base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
