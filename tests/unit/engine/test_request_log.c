/*
 * test_request_log.c - the request log's redaction (request_log.c): header
 * values, query parameters and JSON values that carry credentials are
 * replaced, everything else is kept byte for byte; streamed replies are
 * split into lines whatever the chunking, and over-long lines are passed
 * in pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engine/request_log.h"

static void test_headers(void **state)
{
    (void)state;
    char out[256];
    hoist_log_redact_header("X-Registry-Auth: eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InAifQ==", out, sizeof(out));
    assert_string_equal(out, "X-Registry-Auth: <redacted>");
    hoist_log_redact_header("x-registry-config: e30=", out, sizeof(out));
    assert_string_equal(out, "x-registry-config: <redacted>");
    hoist_log_redact_header("Authorization: Bearer abc.def", out, sizeof(out));
    assert_string_equal(out, "Authorization: <redacted>");
    hoist_log_redact_header("Content-Type: application/x-tar", out, sizeof(out));
    assert_string_equal(out, "Content-Type: application/x-tar");
    hoist_log_redact_header("no colon here", out, sizeof(out));
    assert_string_equal(out, "no colon here");
}

static void test_path(void **state)
{
    (void)state;
    char out[512];
    hoist_log_redact_path("/v1.47/build?t=app%3A1&buildargs=%7B%22TOKEN%22%3A%22s3cr3t%22%7D&rm=1", out,
                          sizeof(out));
    assert_string_equal(out, "/v1.47/build?t=app%3A1&buildargs=<redacted>&rm=1");
    hoist_log_redact_path("/v1.47/_ping", out, sizeof(out));
    assert_string_equal(out, "/v1.47/_ping");
    hoist_log_redact_path("/x?password=p&Token=t&tokens=keep", out, sizeof(out));
    assert_string_equal(out, "/x?password=<redacted>&Token=<redacted>&tokens=keep");
    /* truncation keeps it NUL-terminated */
    char small[12];
    hoist_log_redact_path("/v1.47/build?t=a", small, sizeof(small));
    assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void test_line(void **state)
{
    (void)state;
    char out[512];
    const char *in = "{\"status\":\"Login Succeeded\",\"IdentityToken\":\"tok-\\\"123\",\"x\":1}";
    hoist_log_redact_line(in, strlen(in), out, sizeof(out));
    assert_string_equal(out, "{\"status\":\"Login Succeeded\",\"IdentityToken\":\"<redacted>\",\"x\":1}");
    in = "{\"auth\" : \"dTpw\", \"password\":\"p\", \"stream\":\"Step 1/2 : RUN echo password\"}";
    hoist_log_redact_line(in, strlen(in), out, sizeof(out));
    assert_string_equal(out, "{\"auth\" : \"<redacted>\", \"password\":\"<redacted>\", \"stream\":\"Step 1/2 : RUN echo password\"}");
    /* a key that only looks like one inside a value is kept */
    in = "{\"stream\":\"token: abc\"}";
    hoist_log_redact_line(in, strlen(in), out, sizeof(out));
    assert_string_equal(out, in);
    /* unterminated and non-string values */
    in = "{\"token\":null,\"secret\":\"abc";
    hoist_log_redact_line(in, strlen(in), out, sizeof(out));
    assert_string_equal(out, "{\"token\":null,\"secret\":\"<redacted>\"");
}

struct seen {
    char lines[8][64];
    int n;
};

static void collect(const hoist_log_record *r, void *user)
{
    struct seen *s = user;
    assert_int_equal(r->event, HOIST_LOG_STREAM_LINE);
    if (s->n < 8)
        snprintf(s->lines[s->n++], 64, "%.*s", (int)r->line_len, r->line);
}

static void test_lines(void **state)
{
    (void)state;
    struct seen s = {0};
    hoist_log_lines l = {.fn = collect, .user = &s, .method = "POST", .path = "/build"};
    const char *stream = "{\"stream\":\"a\"}\r\n{\"stre";
    hoist_log_lines_feed(&l, stream, strlen(stream));
    const char *rest = "am\":\"b\",\"password\":\"x\"}\n\n";
    hoist_log_lines_feed(&l, rest, strlen(rest));
    hoist_log_lines_feed(&l, "tail", 4);
    hoist_log_lines_flush(&l);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.lines[0], "{\"stream\":\"a\"}");
    assert_string_equal(s.lines[1], "{\"stream\":\"b\",\"password\":\"<redacted>\"}");
    assert_string_equal(s.lines[2], "tail");

    /* a line longer than the buffer comes in pieces, none lost */
    struct seen t = {0};
    hoist_log_lines m = {.fn = collect, .user = &t};
    static char big[20000];
    memset(big, 'x', sizeof(big) - 1);
    hoist_log_lines_feed(&m, big, strlen(big));
    hoist_log_lines_flush(&m);
    assert_int_equal(t.n, 3); /* 8192 + 8192 + 3615 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
