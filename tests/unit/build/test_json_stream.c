/*
 * test_json_stream.c - the message splitter: messages split across reads,
 * several per read, CRLF, braces inside strings, plain text lines, and a
 * stream cut mid-message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include "build/json_stream.h"

struct collected {
    char texts[16][256];
    int count;
};

static int collect(json_t *message, void *user)
{
    struct collected *c = user;
    char *dump = json_dumps(message, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    snprintf(c->texts[c->count++], sizeof(c->texts[0]), "%s", dump);
    free(dump);
    return 0;
}

static void feed_bytewise(hoist_json_stream *s, const char *text)
{
    for (size_t i = 0; text[i]; i++)
        assert_int_equal(hoist_json_stream_feed(s, text + i, 1, NULL), 0);
}

static void split_anywhere(void **state)
{
    const char *input = "{\"stream\":\"Step 1/2 : FROM x\\n\"}\r\n{\"aux\":{\"ID\":\"sha256:ab\"}}\r\n";
    struct collected c = {0};
    hoist_json_stream *s = hoist_json_stream_new(collect, &c);
    feed_bytewise(s, input);
    assert_int_equal(hoist_json_stream_finish(s, NULL), 0);
    hoist_json_stream_free(s);
    assert_int_equal(c.count, 2);
    assert_string_equal(c.texts[0], "{\"stream\":\"Step 1/2 : FROM x\\n\"}");
    assert_string_equal(c.texts[1], "{\"aux\":{\"ID\":\"sha256:ab\"}}");
}

static void several_per_read(void **state)
{
    const char *input = "{\"a\":1}{\"b\":2}\n{\"c\":3}";
    struct collected c = {0};
    hoist_json_stream *s = hoist_json_stream_new(collect, &c);
    assert_int_equal(hoist_json_stream_feed(s, input, strlen(input), NULL), 0);
    assert_int_equal(hoist_json_stream_finish(s, NULL), 0);
    hoist_json_stream_free(s);
    assert_int_equal(c.count, 3);
    assert_string_equal(c.texts[2], "{\"c\":3}");
}

static void braces_and_escapes_in_strings(void **state)
{
    const char *input = "{\"stream\":\"echo '}' \\\"{\\\" \\\\\"}\n{\"x\":[1,{\"y\":\"]\"}]}";
    struct collected c = {0};
    hoist_json_stream *s = hoist_json_stream_new(collect, &c);
    feed_bytewise(s, input);
    assert_int_equal(hoist_json_stream_finish(s, NULL), 0);
    hoist_json_stream_free(s);
    assert_int_equal(c.count, 2);
    assert_string_equal(c.texts[0], "{\"stream\":\"echo '}' \\\"{\\\" \\\\\"}");
    assert_string_equal(c.texts[1], "{\"x\":[1,{\"y\":\"]\"}]}");
}

static void plain_text_lines(void **state)
{
    const char *input = "not json\r\n{\"a\":1}\ntrailing";
    struct collected c = {0};
    hoist_json_stream *s = hoist_json_stream_new(collect, &c);
    assert_int_equal(hoist_json_stream_feed(s, input, strlen(input), NULL), 0);
    assert_int_equal(hoist_json_stream_finish(s, NULL), 0);
    hoist_json_stream_free(s);
    assert_int_equal(c.count, 3);
    assert_string_equal(c.texts[0], "\"not json\"");
    assert_string_equal(c.texts[2], "\"trailing\"");
}

static void cut_mid_message(void **state)
{
    struct collected c = {0};
    hoist_json_stream *s = hoist_json_stream_new(collect, &c);
    assert_int_equal(hoist_json_stream_feed(s, "{\"a\":", 5, NULL), 0);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_json_stream_finish(s, &err), HOIST_EENV);
    assert_non_null(strstr(err.message, "middle of a message"));
    hoist_json_stream_free(s);
}

static void malformed_message(void **state)
{
    struct collected c = {0};
    hoist_json_stream *s = hoist_json_stream_new(collect, &c);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_json_stream_feed(s, "{\"a\" 1}", 7, &err), HOIST_EFAILED);
    assert_non_null(strstr(err.message, "malformed"));
    hoist_json_stream_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_anywhere),
        cmocka_unit_test(several_per_read),
        cmocka_unit_test(braces_and_escapes_in_strings),
        cmocka_unit_test(plain_text_lines),
        cmocka_unit_test(cut_mid_message),
        cmocka_unit_test(malformed_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
