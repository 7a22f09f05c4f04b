/*
 * fuzz_build_stream.c - libFuzzer target for the daemon's /build reply:
 * the JSON message splitter (lib/build/json_stream.c) feeding the classic
 * builder's event decoder (lib/build/decoder.c).
 *
 * Input: the first byte picks the read sizes the stream is cut into (a
 * daemon's reply arrives split anywhere); the rest is the reply. Every
 * message goes through the decoder against a made-up three-step
 * Dockerfile; every event must carry sane fields (text set, line inside
 * the file or 0). Malformed streams must fail with an error message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build/decoder.h"
#include "build/json_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(const hoist_build_event *ev, void *user)
{
    (void)user;
    if (ev->line < 0 || ev->line > 100 || ev->end_line < 0 || ev->step < 0)
        abort();
    if (ev->text)
        (void)strlen(ev->text);
    if (ev->id)
        (void)strlen(ev->id);
    if (ev->keyword)
        (void)strlen(ev->keyword);
    return 0;
}

static int on_message(json_t *message, void *user)
{
    hoist_build_decoder_message(user, message);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    static const hoist_step_source steps[] = {
        {"FROM", 1, 1}, {"RUN", 2, 4}, {"COPY", 5, 5},
    };
    unsigned chunk = (unsigned)data[0] % 17 + 1;
    data++;
    size--;
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, 3, on_event, NULL);
    hoist_json_stream *s = hoist_json_stream_new(on_message, &d);
    if (!s)
        return 0;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = 0;
    size_t off = 0;
    while (off < size && rc == 0) {
        size_t n = size - off < chunk ? size - off : chunk;
        if (chunk == 17)
            n = size - off; /* all at once */
        rc = hoist_json_stream_feed(s, (const char *)data + off, n, &err);
        off += n;
    }
    if (rc == 0)
        rc = hoist_json_stream_finish(s, &err);
    if (rc != 0 && !err.message[0])
        abort();
    hoist_build_decoder_finish(&d);
    if (d.error_line < 0 || d.error_line > 100 || strnlen(d.image_id, sizeof(d.image_id)) == sizeof(d.image_id)
        || d.tag_count > HOIST_BUILD_MAX_TAGS)
        abort();
    hoist_json_stream_free(s);
    return 0;
}
