/*
 * reply.c - a streamed reply decoded as it arrives, its head kept for the
 * error message (see reply.h).
 */
#include "engine/reply.h"

int hoist_reply_sink(const char *data, size_t len, void *user)
{
    hoist_reply *reply = user;
    hbuf_append_head(&reply->head, data, len);
    /* a refusal (HTML, text, megabytes) is the error's message, not a stream */
    if (reply->rc || (reply->only_success && reply->response && reply->response->status >= 300))
        return 0;
    reply->rc = reply->feed(reply->decoder, data, len, &reply->err);
    return 0;
}

int hoist_reply_request(hoist_client *client, const char *path, hoist_http_request *request, hoist_reply *reply,
                        hoist_http_response *response, hoist_error *err)
{
    request->sink = hoist_reply_sink;
    request->sink_user = reply;
    reply->response = response;
    int rc = hoist_client_request(client, path, request, response, err);
    reply->response = NULL;
    if (!rc && !reply->rc)
        reply->rc = reply->feed(reply->decoder, NULL, 0, &reply->err);
    return rc;
}

const char *hoist_reply_head(const hoist_reply *reply)
{
    return reply->head.data ? reply->head.data : "";
}

int hoist_reply_http_error(const hoist_reply *reply, const hoist_http_response *response, const char *what,
                           const hoist_client *client, hoist_error *err)
{
    hoist_http_response head = *response;
    head.body = (char *)hoist_reply_head(reply);
    head.body_len = reply->head.len;
    return hoist_http_error_from_response(&head, what, client, err);
}

void hoist_reply_clear(hoist_reply *reply)
{
    hbuf_free(&reply->head);
}
