/*
 * reply.h - a streamed reply decoded as it arrives, its first bytes kept
 * for the error message (internal).
 *
 * POST /build (classic and BuildKit) and POST /images/NAME/push answer
 * with JSON lines when they start and with a short body when they refuse
 * (JSON {"message"}, text, HTML, megabytes of it). A hoist_reply is such a
 * request's sink: it keeps the first head.max bytes (common/buf.h,
 * hbuf_append_head) and hands every byte to `feed` until feed fails (the
 * first failure is kept in rc/err). hoist_reply_request performs the
 * request with it and, when the reply ended normally, calls feed once more
 * with data NULL: the end of input.
 *
 *   hoist_reply reply = {.feed = f, .decoder = d, .head.max = 8192};
 *   int req_rc = hoist_reply_request(client, path, &req, &reply, &resp, &req_err);
 *   if (resp.status >= 300) rc = hoist_reply_http_error(&reply, &resp, "POST /build", client, err);
 *   else if (reply.rc) ... reply.err ...
 *   hoist_reply_clear(&reply);
 */
#ifndef HOIST_ENGINE_REPLY_H
#define HOIST_ENGINE_REPLY_H

#include <stdbool.h>
#include "common/buf.h"
#include "engine/client_internal.h"

/* Bytes of the reply; data NULL: the reply ended normally. 0 or a hoist code. */
typedef int (*hoist_reply_feed_fn)(void *decoder, const char *data, size_t len, hoist_error *err);

typedef struct hoist_reply {
    hoist_reply_feed_fn feed;
    void *decoder;
    bool only_success;              /* feed only a reply whose status is below 300 */
    hbuf head;                      /* the reply's first bytes; set head.max */
    int rc;                         /* the first failure of feed or finish */
    hoist_error err;
    const hoist_http_response *response; /* the request's, while it runs */
} hoist_reply;

/* A sink (hoist_http_request.sink) with the reply as sink_user. */
int hoist_reply_sink(const char *data, size_t len, void *reply);

/* hoist_client_request with the reply as the request's sink; then, when
 * the request succeeded and the feed did not fail, the end of input. Returns the
 * request's result (the decoder's is in reply->rc). */
int hoist_reply_request(hoist_client *client, const char *path, hoist_http_request *request, hoist_reply *reply,
                        hoist_http_response *response, hoist_error *err);

/* The reply's first bytes, NUL-terminated ("" when none came). */
const char *hoist_reply_head(const hoist_reply *reply);

/* The error of a refused request (status >= 300), from the kept head
 * (hoist_http_error_from_response). */
int hoist_reply_http_error(const hoist_reply *reply, const hoist_http_response *response, const char *what,
                           const hoist_client *client, hoist_error *err);

void hoist_reply_clear(hoist_reply *reply);

#endif
