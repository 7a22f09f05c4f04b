/*
 * fuzz_bk_trace.c - libFuzzer target for the BuildKit /build reply decoder
 * (lib/build/bk_trace.c). The first byte picks the mode: even, the rest is
 * the reply body as is (JSON lines); odd, the rest is the bytes of one
 * StatusResponse, sent as the daemon does (base64 in a moby.buildkit.trace
 * line) twice, so that repeated vertices and split output are exercised.
 * A fixed multi-stage Dockerfile gives the vertex names steps to map to.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/bk_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char dockerfile[] =
    "FROM hoist-test/busybox:1 AS build\n"
    "WORKDIR /src\n"
    "ENV A=1\n"
    "RUN echo built\n"
    "FROM build AS two\n"
    "COPY --from=build /src /x\n"
    "FROM scratch\n"
    "ADD x /y\n";

static int on_event(const hoist_build_event *ev, void *user)
{
    (void)user;
    /* every text must be a C string */
    if (ev->text)
        (void)strlen(ev->text);
    if (ev->detail)
        (void)strlen(ev->detail);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    hoist_dockerfile *df = NULL;
    if (hoist_dockerfile_parse(&df, dockerfile, strlen(dockerfile), NULL, NULL))
        abort();
    hoist_step_source steps[16];
    size_t n = hoist_dockerfile_instruction_count(df);
    for (size_t i = 0; i < n && i < 16; i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
        snprintf(steps[i].keyword, sizeof(steps[i].keyword), "%s", ins->keyword);
        steps[i].line = steps[i].end_line = ins->range.start.line;
    }
    hoist_build_decoder d;
    hoist_build_decoder_init(&d, "Dockerfile", steps, n, on_event, NULL);
    hoist_bk_trace *t = hoist_bk_trace_new(&d, df);
    hoist_error err = HOIST_ERROR_INIT;
    const uint8_t *body = data + 1;
    size_t len = size - 1;
    if (data[0] & 1) {
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char *line = malloc(len / 3 * 4 + 80);
        size_t o = (size_t)sprintf(line, "{\"id\":\"moby.buildkit.trace\",\"aux\":\"");
        for (size_t i = 0; i < len; i += 3) {
            unsigned v = (unsigned)body[i] << 16 | (i + 1 < len ? (unsigned)body[i + 1] << 8 : 0) |
                         (i + 2 < len ? body[i + 2] : 0);
            line[o++] = alphabet[v >> 18 & 63];
            line[o++] = alphabet[v >> 12 & 63];
            line[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
            line[o++] = i + 2 < len ? alphabet[v & 63] : '=';
        }
        o += (size_t)sprintf(line + o, "\"}\n");
        if (!hoist_bk_trace_feed(t, line, o, &err))
            hoist_bk_trace_feed(t, line, o, &err);
        free(line);
    } else {
        hoist_bk_trace_feed(t, (const char *)body, len, &err);
    }
    hoist_bk_trace_finish(t, &err);
    hoist_bk_trace_free(t);
    hoist_dockerfile_free(df);
    return 0;
}
