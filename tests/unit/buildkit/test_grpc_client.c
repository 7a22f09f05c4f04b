/*
 * test_grpc_client.c - hoist's gRPC client (lib/buildkit/grpc_client.c)
 * against hoist's gRPC server (lib/session/grpc.c), two independent
 * nghttp2 sessions on the two ends of a socketpair: unary calls, status
 * and percent-encoded messages from the trailers, trailers-only replies
 * (UNIMPLEMENTED), a server stream with a message of several MiB split
 * across DATA frames, a bidirectional stream with metadata, a connection
 * closed mid-call, a peer that answers HTTP/1.x, and the frame header and
 * percent-decoding helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "buildkit/grpc_client.h"
#include "control_api.pb-c.h"
#include "session/grpc.h"

/* ---- the server side: methods ------------------------------------------- */

#define BIG (5u * 1024 * 1024 + 3)

static void unary_done(grpc_call *call)
{
    grpc_call_send_bytes(call, (const uint8_t *)"pong", 4);
    grpc_call_finish(call, GRPC_OK, NULL);
}

static void fail_done(grpc_call *call)
{
    grpc_call_finish(call, GRPC_NOT_FOUND, "no such thing: 100% sure, caf\xc3\xa9\nline 2");
}

static void stream_start(grpc_call *call)
{
    grpc_call_send_bytes(call, (const uint8_t *)"one", 3);
    uint8_t *big = malloc(BIG);
    for (size_t i = 0; i < BIG; i++)
        big[i] = (uint8_t)(i * 7);
    grpc_call_send_bytes(call, big, BIG);
    free(big);
    grpc_call_send_bytes(call, NULL, 0); /* an empty message is a message */
    grpc_call_send_bytes(call, (const uint8_t *)"three", 5);
    grpc_call_finish(call, GRPC_OK, NULL);
}

static void echo_message(grpc_call *call, const uint8_t *msg, size_t len)
{
    const char *who = NULL;
    grpc_call_metadata(call, "x-who", &who, 1);
    char reply[128];
    int n = snprintf(reply, sizeof(reply), "%s:%.*s", who ? who : "?", (int)len, (const char *)msg);
    grpc_call_send_bytes(call, (const uint8_t *)reply, (size_t)n);
}

static void echo_half_close(grpc_call *call)
{
    const char *v[4];
    size_t n = grpc_call_metadata(call, "x-multi", v, 4);
    char msg[64];
    snprintf(msg, sizeof(msg), "%zu values", n);
    grpc_call_finish(call, GRPC_OK, msg);
}

static void silent_start(grpc_call *call) { (void)call; /* never answers */ }

static const grpc_method methods[] = {
    {"/t.S/Unary", NULL, NULL, unary_done, NULL, NULL},
    {"/t.S/Fail", NULL, NULL, fail_done, NULL, NULL},
    {"/t.S/Stream", stream_start, NULL, NULL, NULL, NULL},
    {"/t.S/Echo", NULL, echo_message, echo_half_close, NULL, NULL},
    {"/t.S/Silent", silent_start, NULL, NULL, NULL, NULL},
};

/* ---- a pair: client and server on a socketpair ---------------------------- */

typedef struct pair {
    grpcc *c;
    grpc_server *srv;
    int sfd;                  /* the server's end */
    const uint8_t *out;
    size_t out_len;
} pair;

static void pair_open(pair *p)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
    bk_stream *s = bk_stream_from_fd(sv[0], "test-peer");
    assert_non_null(s);
    p->c = grpcc_new(s, "test", NULL, 0);
    assert_non_null(p->c);
    p->srv = grpc_server_new(methods, sizeof(methods) / sizeof(methods[0]), NULL);
    assert_non_null(p->srv);
    p->sfd = sv[1];
    p->out = NULL;
    p->out_len = 0;
}

static void pair_close(pair *p)
{
    grpcc_free(p->c);
    grpc_server_free(p->srv);
    if (p->sfd >= 0)
        close(p->sfd);
}

/* One round of the server: read, feed, write without blocking. */
static void server_step(pair *p)
{
    if (p->sfd < 0)
        return;
    uint8_t buf[65536];
    for (;;) {
        ssize_t n = recv(p->sfd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n <= 0)
            break;
        assert_int_equal(grpc_server_feed(p->srv, buf, (size_t)n), 0);
    }
    grpc_server_pump(p->srv);
    for (;;) {
        if (!p->out_len) {
            ssize_t n = grpc_server_output(p->srv, &p->out);
            assert_true(n >= 0);
            if (!n)
                break;
            p->out_len = (size_t)n;
        }
        ssize_t w = send(p->sfd, p->out, p->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w <= 0)
            break;
        p->out += w;
        p->out_len -= (size_t)w;
    }
}

static void run_until(pair *p, const grpcc_call *call)
{
    hoist_error err = HOIST_ERROR_INIT;
    for (int i = 0; i < 20000 && !grpcc_call_done(call); i++) {
        if (grpcc_run(p->c, NULL, 0, 1, &err))
            break;
        server_step(p);
    }
}

/* ---- collected replies ------------------------------------------------------ */

typedef struct got {
    int messages;
    size_t bytes[8];
    char first[8][64];
    bool big_ok;
    int done;
    int status;
    char message[1024];
} got;

static int on_message(grpcc_call *call, const uint8_t *msg, size_t len, void *user)
{
    (void)call;
    got *g = user;
    if (g->messages < 8) {
        g->bytes[g->messages] = len;
        snprintf(g->first[g->messages], sizeof(g->first[0]), "%.*s", (int)(len < 63 ? len : 63), (const char *)msg);
    }
    if (len == BIG) {
        g->big_ok = true;
        for (size_t i = 0; i < len; i++)
            if (msg[i] != (uint8_t)(i * 7)) {
                g->big_ok = false;
                break;
            }
    }
    g->messages++;
    return 0;
}

static void on_done(grpcc_call *call, int status, const char *message, void *user)
{
    (void)call;
    got *g = user;
    g->done++;
    g->status = status;
    snprintf(g->message, sizeof(g->message), "%s", message);
}

static const grpcc_handlers handlers = {on_message, on_done};

/* ---- tests --------------------------------------------------------------- */

static void test_unary_ok(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Unary", NULL, 0, &handlers, &g);
    assert_non_null(call);
    assert_int_equal(grpcc_send(call, (const uint8_t *)"ping", 4), 0);
    grpcc_close_send(call);
    run_until(&p, call);
    assert_int_equal(g.done, 1);
    assert_int_equal(g.status, 0);
    assert_int_equal(g.messages, 1);
    assert_string_equal(g.first[0], "pong");
    assert_int_equal(grpcc_call_status(call), 0);
    grpcc_call_free(call);
    pair_close(&p);
}

static void test_status_and_message(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Fail", NULL, 0, &handlers, &g);
    grpcc_close_send(call);
    run_until(&p, call);
    assert_int_equal(g.done, 1);
    assert_int_equal(g.status, 5);
    assert_int_equal(g.messages, 0);
    /* percent-encoded on the wire ('%', non-ASCII, newline), decoded back */
    assert_string_equal(g.message, "no such thing: 100% sure, caf\xc3\xa9\nline 2");
    assert_string_equal(grpcc_status_name(g.status), "NOT_FOUND");
    grpcc_call_free(call);
    pair_close(&p);
}

static void test_trailers_only_unimplemented(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Nope", NULL, 0, &handlers, &g);
    grpcc_send(call, (const uint8_t *)"x", 1);
    grpcc_close_send(call);
    run_until(&p, call);
    assert_int_equal(g.status, GRPCC_STATUS_UNIMPLEMENTED);
    assert_non_null(strstr(g.message, "unknown method /t.S/Nope"));
    grpcc_call_free(call);
    pair_close(&p);
}

static void test_server_stream_big_message(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Stream", NULL, 0, &handlers, &g);
    grpcc_close_send(call);
    run_until(&p, call);
    assert_int_equal(g.status, 0);
    assert_int_equal(g.messages, 4);
    assert_string_equal(g.first[0], "one");
    assert_int_equal(g.bytes[1], BIG);
    assert_true(g.big_ok);
    assert_int_equal(g.bytes[2], 0);
    assert_string_equal(g.first[3], "three");
    grpcc_call_free(call);
    pair_close(&p);
}

static void test_bidi_with_metadata(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_md md[] = {{"x-who", "hoist"}, {"x-multi", "a"}, {"x-multi", "b"}, {"x-multi", "c"}};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Echo", md, 4, &handlers, &g);
    Moby__Buildkit__V1__BytesMessage m = MOBY__BUILDKIT__V1__BYTES_MESSAGE__INIT;
    grpcc_send(call, (const uint8_t *)"first", 5);
    /* a reply arrives before this side has finished sending */
    for (int i = 0; i < 2000 && g.messages < 1; i++) {
        hoist_error err = HOIST_ERROR_INIT;
        grpcc_run(p.c, NULL, 0, 1, &err);
        server_step(&p);
    }
    assert_int_equal(g.messages, 1);
    assert_string_equal(g.first[0], "hoist:first");
    m.data.data = (uint8_t *)"second";
    m.data.len = 6;
    assert_int_equal(grpcc_send_msg(call, &m.base), 0);
    grpcc_close_send(call);
    assert_int_equal(grpcc_send(call, (const uint8_t *)"late", 4), -1); /* closed for sending */
    run_until(&p, call);
    assert_int_equal(g.status, 0);
    assert_int_equal(g.messages, 2);
    /* the second reply echoes the packed BytesMessage: field 1, length 6 */
    assert_int_equal(g.bytes[1], strlen("hoist:") + 8);
    assert_string_equal(g.message, "3 values");
    grpcc_call_free(call);
    pair_close(&p);
}

/* grpcc_unary drives only the client: the server runs in a thread. */
typedef struct server_thread {
    pair *p;
    volatile int stop;
} server_thread;

static void *serve(void *arg)
{
    server_thread *t = arg;
    while (!t->stop) {
        server_step(t->p);
        usleep(500);
    }
    return NULL;
}

static void test_unary_helper(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    server_thread t = {&p, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, serve, &t), 0);
    Moby__Buildkit__V1__InfoRequest req = MOBY__BUILDKIT__V1__INFO_REQUEST__INIT;
    uint8_t *resp = NULL;
    size_t len = 0;
    int status = -1;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(grpcc_unary(p.c, "/t.S/Unary", &req.base, &resp, &len, 10000, &status, &err), 0);
    assert_int_equal(status, 0);
    assert_int_equal(len, 4);
    assert_memory_equal(resp, "pong", 4);
    free(resp);
    /* a failing call: HOIST_EENV naming the method, the status and the message */
    assert_int_equal(grpcc_unary(p.c, "/t.S/Fail", &req.base, &resp, &len, 10000, &status, &err), HOIST_EENV);
    assert_int_equal(status, 5);
    assert_null(resp);
    assert_non_null(strstr(err.message, "/t.S/Fail"));
    assert_non_null(strstr(err.message, "NOT_FOUND"));
    assert_non_null(strstr(err.message, "no such thing: 100% sure"));
    /* UNIMPLEMENTED says so in the reason */
    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(grpcc_unary(p.c, "/t.S/Missing", &req.base, &resp, &len, 10000, &status, &err), HOIST_EENV);
    assert_int_equal(status, GRPCC_STATUS_UNIMPLEMENTED);
    assert_int_equal(err.reason, HOIST_REASON_UNSUPPORTED);
    /* no answer in time */
    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(grpcc_unary(p.c, "/t.S/Silent", &req.base, &resp, &len, 300, &status, &err), HOIST_EENV);
    assert_int_equal(err.reason, HOIST_REASON_TIMEOUT);
    /* cancelled by the caller's flag (a signal handler's) */
    volatile sig_atomic_t cancel = 1;
    grpcc_set_cancel(p.c, &cancel);
    err = (hoist_error)HOIST_ERROR_INIT;
    assert_int_equal(grpcc_unary(p.c, "/t.S/Silent", &req.base, &resp, &len, 10000, &status, &err), HOIST_EINTERRUPTED);
    grpcc_set_cancel(p.c, NULL);
    t.stop = 1;
    pthread_join(th, NULL);
    pair_close(&p);
}

static void test_connection_lost_mid_call(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Silent", NULL, 0, &handlers, &g);
    grpcc_close_send(call);
    for (int i = 0; i < 50; i++) {
        hoist_error err = HOIST_ERROR_INIT;
        grpcc_run(p.c, NULL, 0, 1, &err);
        server_step(&p);
    }
    assert_int_equal(g.done, 0);
    close(p.sfd);
    p.sfd = -1;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = 0;
    for (int i = 0; i < 100 && !rc; i++)
        rc = grpcc_run(p.c, NULL, 0, 5, &err);
    assert_int_equal(rc, HOIST_EENV);
    assert_int_equal(g.done, 1);
    assert_int_equal(g.status, GRPCC_STATUS_UNAVAILABLE);
    assert_non_null(strstr(g.message, "test-peer"));
    assert_false(grpcc_alive(p.c));
    assert_non_null(strstr(grpcc_error(p.c), "closed the connection"));
    /* a new call on a dead connection is refused */
    assert_null(grpcc_start(p.c, "/t.S/Unary", NULL, 0, &handlers, &g));
    grpcc_call_free(call);
    pair_close(&p);
}

static void test_http1_peer(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Unary", NULL, 0, &handlers, &g);
    grpcc_close_send(call);
    hoist_error err = HOIST_ERROR_INIT;
    grpcc_run(p.c, NULL, 0, 1, &err);
    const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
    assert_int_equal(send(p.sfd, reply, sizeof(reply) - 1, 0), (ssize_t)(sizeof(reply) - 1));
    close(p.sfd);
    p.sfd = -1;
    int rc = 0;
    for (int i = 0; i < 100 && !rc; i++)
        rc = grpcc_run(p.c, NULL, 0, 5, &err);
    assert_int_equal(rc, HOIST_EENV);
    assert_non_null(strstr(err.message, "speaks TLS"));
    assert_non_null(strstr(err.message, "HTTP/1.0 400 Bad Request"));
    assert_true(grpcc_call_done(call));
    grpcc_call_free(call);
    pair_close(&p);
}

static void test_cancel_resets_stream(void **state)
{
    (void)state;
    pair p;
    pair_open(&p);
    got g = {0};
    grpcc_call *call = grpcc_start(p.c, "/t.S/Silent", NULL, 0, &handlers, &g);
    for (int i = 0; i < 20; i++) {
        hoist_error err = HOIST_ERROR_INIT;
        grpcc_run(p.c, NULL, 0, 1, &err);
        server_step(&p);
    }
    grpcc_cancel(call);
    assert_int_equal(g.done, 1);
    assert_int_equal(g.status, GRPCC_STATUS_CANCELLED);
    /* the connection stays usable for other calls */
    got g2 = {0};
    grpcc_call *call2 = grpcc_start(p.c, "/t.S/Unary", NULL, 0, &handlers, &g2);
    grpcc_close_send(call2);
    run_until(&p, call2);
    assert_int_equal(g2.status, 0);
    assert_string_equal(g2.first[0], "pong");
    grpcc_call_free(call);
    grpcc_call_free(call2);
    pair_close(&p);
}

static void test_helpers(void **state)
{
    (void)state;
    bool compressed = true;
    const uint8_t hdr[] = {0, 0, 1, 0, 2, 'x'};
    assert_int_equal(grpcc_frame_length(hdr, sizeof(hdr), &compressed), 65538);
    assert_false(compressed);
    const uint8_t zhdr[] = {1, 0, 0, 0, 0};
    assert_int_equal(grpcc_frame_length(zhdr, 5, &compressed), 0);
    assert_true(compressed);
    assert_int_equal(grpcc_frame_length(hdr, 4, &compressed), -1);
    char out[64];
    const char *in = "a%20b%25c%zz%4";
    grpcc_percent_decode(in, strlen(in), out, sizeof(out));
    assert_string_equal(out, "a b%c%zz%4"); /* bad escapes are kept as they are */
    grpcc_percent_decode("abcdef", 6, out, 4);
    assert_string_equal(out, "abc");
    assert_string_equal(grpcc_status_name(14), "UNAVAILABLE");
    assert_string_equal(grpcc_status_name(99), "UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unary_ok),
        cmocka_unit_test(test_status_and_message),
        cmocka_unit_test(test_trailers_only_unimplemented),
        cmocka_unit_test(test_server_stream_big_message),
        cmocka_unit_test(test_bidi_with_metadata),
        cmocka_unit_test(test_unary_helper),
        cmocka_unit_test(test_connection_lost_mid_call),
        cmocka_unit_test(test_http1_peer),
        cmocka_unit_test(test_cancel_resets_stream),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
