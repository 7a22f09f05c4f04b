/*
 * json_stream.h - split a byte stream into JSON messages (internal).
 *
 * The daemon's /build reply is a sequence of JSON objects, usually one per
 * line, but reads split them anywhere and one read may hold several. Feed
 * bytes as they arrive; each complete value is parsed and handed to the
 * callback. Text outside any JSON value (some proxies and old daemons send
 * plain lines) is delivered as a JSON string, one per line.
 */
#ifndef HOIST_BUILD_JSON_STREAM_H
#define HOIST_BUILD_JSON_STREAM_H

#include <jansson.h>
#include <stddef.h>
#include "engine/reply.h"
#include "hoist/error.h"

typedef struct hoist_json_stream hoist_json_stream;

/* Receives a new reference it must not keep without json_incref; return
 * non-zero to stop (feed then returns that value). */
typedef int (*hoist_json_message_fn)(json_t *message, void *user);

hoist_json_stream *hoist_json_stream_new(hoist_json_message_fn on_message, void *user);
void hoist_json_stream_free(hoist_json_stream *stream);

/* Returns 0, the callback's non-zero value, or HOIST_EFAILED (err set)
 * for a malformed or oversized message. */
int hoist_json_stream_feed(hoist_json_stream *stream, const char *data, size_t len, hoist_error *err);

/* End of input: a pending partial value is an error (the connection was
 * cut mid-message); pending plain text is delivered. */
int hoist_json_stream_finish(hoist_json_stream *stream, hoist_error *err);

/* Make `stream` the decoder of a streamed reply (engine/reply.h): sets
 * reply->feed (feed, and finish at the end) and reply->decoder. */
void hoist_json_stream_reply(hoist_json_stream *stream, hoist_reply *reply);

#endif
