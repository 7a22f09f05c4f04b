/*
 * bk_trace.h - decode the reply of POST /build?version=2 (BuildKit) into
 * hoist build events (internal).
 *
 * The reply is JSON lines: {"id":"moby.buildkit.trace","aux":"<base64
 * StatusResponse>"} for progress, {"id":"moby.image.id","aux":{"ID":..}}
 * for the result, and errorDetail/error lines when the build fails. The
 * decoder keeps the state of every vertex (digest -> step, timestamps,
 * partial output lines) and emits, through the hoist_build_decoder it is
 * given (callback, cancellation, file name, step map, results):
 *
 *   STEP         a Dockerfile step's vertex started (or was found cached);
 *                step = instruction index + 1, step_total = instructions,
 *                as the CLI engine numbers them; vertex = its digest
 *   STEP_CACHED  BuildKit took it from the cache
 *   STEP_DONE    it finished; duration = completed - started
 *   LOG          one line of its output (stream 1/2), partial lines kept
 *                per vertex and stream until their newline or the end
 *   WARNING      a VertexWarning (BuildKit v0.10+)
 *   PULL         a finished status of a step ("resolve ...", layers)
 *   TAGGED       "naming to <name>" of the exporter
 *   ERROR        the first failing vertex: its message, its step's
 *                file:line, and its last output lines in detail
 *   IMAGE_ID     moby.image.id
 *
 * Internal vertices ("[internal] load build definition", "exporting to
 * image") make no events except an ERROR and the exporter's tags.
 * Usage:
 *
 *   hoist_bk_trace *t = hoist_bk_trace_new(&decoder, df);
 *   for each chunk of the reply body: rc = hoist_bk_trace_feed(t, buf, n, err);
 *   rc = hoist_bk_trace_finish(t, err);   // 0: decoder.image_id is set
 *   hoist_bk_trace_free(t);
 */
#ifndef HOIST_BUILD_BK_TRACE_H
#define HOIST_BUILD_BK_TRACE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "build/decoder.h"
#include "engine/reply.h"
#include "hoist/dockerfile.h"
#include "hoist/error.h"

typedef struct hoist_bk_trace hoist_bk_trace;

/* `decoder` (initialised with hoist_build_decoder_init: file, step map,
 * callback) receives the results: image_id, tags, step_total, steps_run,
 * steps_cached, failed, error_message, error_line, keyword, step_text.
 * `df` is the parsed Dockerfile the build runs (for vertex names to
 * steps; NULL: no step is located). Both must outlive the trace. Returns
 * NULL when out of memory. */
hoist_bk_trace *hoist_bk_trace_new(hoist_build_decoder *decoder, const hoist_dockerfile *df);
void hoist_bk_trace_free(hoist_bk_trace *t);

/* Bytes of the reply body, split anywhere (one JSON line, or any chunk).
 * Returns 0; HOIST_EINTERRUPTED when the event callback asked to cancel;
 * HOIST_EENV (err set) for a message that cannot be decoded: malformed
 * JSON, a message over 16 MiB, bad base64 or protobuf in a trace. A build
 * failure reported by the daemon is not an error here: it is recorded and
 * returned by hoist_bk_trace_finish. */
int hoist_bk_trace_feed(hoist_bk_trace *t, const char *data, size_t len, hoist_error *err);

/* One already-parsed message (for a driver with its own splitter). */
int hoist_bk_trace_message(hoist_bk_trace *t, json_t *message, hoist_error *err);

/* One StatusResponse as protobuf bytes (BuildKit's Control.Status
 * stream). Returns 0, HOIST_EINTERRUPTED when the event callback asked to
 * cancel, HOIST_EENV when it cannot be decoded. */
int hoist_bk_trace_status(hoist_bk_trace *t, const uint8_t *data, size_t len, hoist_error *err);

/* End of the reply: flushes partial lines and settles the counts.
 * Returns 0 when the daemon reported an image (decoder->image_id);
 * HOIST_EFAILED when the build failed (err: the daemon's message, the
 * failing step's file:line, its last output lines as the hint);
 * HOIST_EENV when the reply was cut mid-message or ended with neither an
 * image nor an error. */
int hoist_bk_trace_finish(hoist_bk_trace *t, hoist_error *err);

/* Make `t` the decoder of a streamed reply (engine/reply.h): sets
 * reply->feed (hoist_bk_trace_feed, and hoist_bk_trace_finish at the end)
 * and reply->decoder. */
void hoist_bk_trace_reply(hoist_bk_trace *t, hoist_reply *reply);

/* Decode standard base64 (padding optional, no whitespace). Returns the
 * decoded length, or -1 for invalid input. `out` needs (len/4+1)*3 bytes. */
long hoist_base64_decode(const char *in, size_t len, unsigned char *out);

#endif
