/*
 * test_grpc.c - the session's gRPC layer and its services, driven by a
 * real HTTP/2 client (nghttp2, in memory): message framing across DATA
 * frames and several messages per frame, UNIMPLEMENTED for unknown
 * methods, the 16 MiB limit, grpc-message percent-encoding, Health,
 * Secrets, Auth and a whole FileSync/DiffCopy exchange (STAT, REQ, DATA,
 * FIN) over a temporary directory.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fsutil.pb-c.h"
#include "h2_client.h"
#include "health.pb-c.h"
#include "session/session_internal.h"
#include "session_auth.pb-c.h"
#include "session_secrets.pb-c.h"

/* ---- an echo method for the framing tests ---- */

static void echo_message(grpc_call *call, const uint8_t *msg, size_t len)
{
    /* reply with the length (decimal) and the first byte */
    char reply[64];
    int n = snprintf(reply, sizeof(reply), "%zu:%c", len, len ? msg[0] : '-');
    grpc_call_send_bytes(call, (const uint8_t *)reply, (size_t)n);
}

static void echo_done(grpc_call *call)
{
    const char *v = NULL;
    grpc_call_metadata(call, "x-fail", &v, 1);
    if (v)
        grpc_call_finish(call, GRPC_FAILED_PRECONDITION, v);
    else
        grpc_call_finish(call, GRPC_OK, NULL);
}

static const grpc_method echo_methods[] = {
    {"/test.Echo/Echo", NULL, echo_message, echo_done, NULL, NULL},
};

static void test_unknown_method(void **state)
{
    grpc_server *srv = grpc_server_new(echo_methods, 1, NULL);
    h2c c;
    h2c_init(&c, srv);
    h2c_stream *s = h2c_call(&c, "/nope.Service/Missing", NULL, NULL, 0, true);
    h2c_run(&c);
    assert_int_equal(s->status, GRPC_UNIMPLEMENTED);
    assert_non_null(strstr(s->message, "unknown method /nope.Service/Missing"));
    assert_string_equal(s->content_type, "application/grpc");
    assert_true(s->closed);
    assert_int_equal(grpc_server_unimplemented(srv), 1);
    h2c_free(&c);
    grpc_server_free(srv);
}

static void test_framing_across_frames(void **state)
{
    grpc_server *srv = grpc_server_new(echo_methods, 1, NULL);
    h2c c;
    h2c_init(&c, srv);
    /* one 40000-byte message (three DATA frames at the default 16 KiB)
     * followed by two small ones in the same buffer */
    size_t big_len = 40000;
    uint8_t *big = malloc(big_len);
    memset(big, 'b', big_len);
    size_t l1, l2, l3;
    uint8_t *f1 = h2c_frame(big, big_len, &l1);
    uint8_t *f2 = h2c_frame((const uint8_t *)"x", 1, &l2);
    uint8_t *f3 = h2c_frame(NULL, 0, &l3);
    size_t total = l1 + l2 + l3;
    uint8_t *body = malloc(total);
    memcpy(body, f1, l1);
    memcpy(body + l1, f2, l2);
    memcpy(body + l1 + l2, f3, l3);
    h2c_stream *s = h2c_call(&c, "/test.Echo/Echo", NULL, body, total, true);
    h2c_run(&c);
    assert_int_equal(s->status, 0);
    const uint8_t *m;
    size_t len;
    assert_true(h2c_message(s, 0, &m, &len));
    assert_memory_equal(m, "40000:b", len);
    assert_true(h2c_message(s, 1, &m, &len));
    assert_memory_equal(m, "1:x", len);
    assert_true(h2c_message(s, 2, &m, &len));
    assert_memory_equal(m, "0:-", len);
    assert_false(h2c_message(s, 3, &m, &len));
    free(big);
    free(f1);
    free(f2);
    free(f3);
    free(body);
    h2c_free(&c);
    grpc_server_free(srv);
}

static void test_status_message_encoded(void **state)
{
    grpc_server *srv = grpc_server_new(echo_methods, 1, NULL);
    h2c c;
    h2c_init(&c, srv);
    const char *md[] = {"x-fail", "50% done", NULL};
    h2c_stream *s = h2c_call(&c, "/test.Echo/Echo", md, NULL, 0, true);
    h2c_run(&c);
    assert_int_equal(s->status, GRPC_FAILED_PRECONDITION);
    assert_string_equal(s->message, "50%25 done");
    h2c_free(&c);
    grpc_server_free(srv);

    char out[64];
    grpc_percent_encode("a%b\n\xe2\x82\xac", out, sizeof(out));
    assert_string_equal(out, "a%25b%0A%E2%82%AC");
    grpc_percent_encode("abcdef", out, 4);
    assert_string_equal(out, "abc");
}

static void test_oversized_message(void **state)
{
    grpc_server *srv = grpc_server_new(echo_methods, 1, NULL);
    h2c c;
    h2c_init(&c, srv);
    /* a header announcing 17 MiB, then some of it */
    size_t len = 5 + 100000;
    uint8_t *body = calloc(1, len);
    uint32_t announced = 17u << 20;
    body[1] = (uint8_t)(announced >> 24);
    body[2] = (uint8_t)(announced >> 16);
    body[3] = (uint8_t)(announced >> 8);
    body[4] = (uint8_t)announced;
    h2c_stream *s = h2c_call(&c, "/test.Echo/Echo", NULL, body, len, true);
    h2c_run(&c);
    assert_int_equal(s->status, GRPC_RESOURCE_EXHAUSTED);
    assert_non_null(strstr(s->message, "larger than the limit"));
    /* the connection still serves other calls */
    h2c_stream *s2 = h2c_call(&c, "/test.Echo/Echo", NULL, NULL, 0, true);
    h2c_run(&c);
    assert_int_equal(s2->status, 0);
    free(body);
    h2c_free(&c);
    grpc_server_free(srv);
}

/* ---- the session's services ---- */

static char tmp[256];

static void put(const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmp, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static int setup_tmp(void **state)
{
    snprintf(tmp, sizeof(tmp), "/tmp/hoist-session-test-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *pack(const ProtobufCMessage *m, size_t *framed_len)
{
    size_t len = protobuf_c_message_get_packed_size(m);
    uint8_t *raw = malloc(len + 1);
    protobuf_c_message_pack(m, raw);
    uint8_t *framed = h2c_frame(raw, len, framed_len);
    free(raw);
    return framed;
}

static struct hoist_session *fake_session(void)
{
    struct hoist_session *s = calloc(1, sizeof(*s));
    s->context_dir = strdup(tmp);
    s->dockerfile_dir = strdup(tmp);
    return s;
}

static void free_fake(struct hoist_session *s)
{
    free(s->context_dir);
    free(s->dockerfile_dir);
    free(s->config_dir);
    free(s->home);
    free(s);
}

static void test_health_and_secrets(void **state)
{
    struct hoist_session *sess = fake_session();
    put("secret.txt", "s3cr3t");
    char secret_path[512];
    snprintf(secret_path, sizeof(secret_path), "%s/secret.txt", tmp);
    hoist_session_secret secrets[] = {{"x", secret_path, NULL}, {"e", NULL, "HOIST_TEST_SECRET_ENV"}};
    setenv("HOIST_TEST_SECRET_ENV", "from-env", 1);
    sess->cfg.secrets = secrets;
    sess->cfg.n_secrets = 2;
    grpc_server *srv = grpc_server_new(hoist_session_methods, hoist_session_n_methods, sess);
    h2c c;
    h2c_init(&c, srv);

    Grpc__Health__V1__HealthCheckRequest hreq = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
    size_t hl;
    uint8_t *hbody = pack(&hreq.base, &hl);
    h2c_stream *hs = h2c_call(&c, "/grpc.health.v1.Health/Check", NULL, hbody, hl, true);

    Moby__Buildkit__Secrets__V1__GetSecretRequest sreq = MOBY__BUILDKIT__SECRETS__V1__GET_SECRET_REQUEST__INIT;
    sreq.id = (char *)"x";
    size_t sl;
    uint8_t *sbody = pack(&sreq.base, &sl);
    h2c_stream *ss = h2c_call(&c, "/moby.buildkit.secrets.v1.Secrets/GetSecret", NULL, sbody, sl, true);
    sreq.id = (char *)"e";
    size_t el;
    uint8_t *ebody = pack(&sreq.base, &el);
    h2c_stream *es = h2c_call(&c, "/moby.buildkit.secrets.v1.Secrets/GetSecret", NULL, ebody, el, true);
    sreq.id = (char *)"unknown";
    size_t ul;
    uint8_t *ubody = pack(&sreq.base, &ul);
    h2c_stream *us = h2c_call(&c, "/moby.buildkit.secrets.v1.Secrets/GetSecret", NULL, ubody, ul, true);
    h2c_stream *ts = h2c_call(&c, "/moby.filesync.v1.Auth/GetTokenAuthority", NULL, NULL, 0, true);
    h2c_run(&c);

    const uint8_t *m;
    size_t len;
    assert_int_equal(hs->status, 0);
    assert_true(h2c_message(hs, 0, &m, &len));
    Grpc__Health__V1__HealthCheckResponse *hr = grpc__health__v1__health_check_response__unpack(NULL, len, m);
    assert_non_null(hr);
    assert_int_equal(hr->status, GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING);
    grpc__health__v1__health_check_response__free_unpacked(hr, NULL);

    assert_int_equal(ss->status, 0);
    assert_true(h2c_message(ss, 0, &m, &len));
    Moby__Buildkit__Secrets__V1__GetSecretResponse *sr =
        moby__buildkit__secrets__v1__get_secret_response__unpack(NULL, len, m);
    assert_non_null(sr);
    assert_int_equal(sr->data.len, 6);
    assert_memory_equal(sr->data.data, "s3cr3t", 6);
    moby__buildkit__secrets__v1__get_secret_response__free_unpacked(sr, NULL);

    assert_int_equal(es->status, 0);
    assert_true(h2c_message(es, 0, &m, &len));
    sr = moby__buildkit__secrets__v1__get_secret_response__unpack(NULL, len, m);
    assert_int_equal(sr->data.len, 8);
    assert_memory_equal(sr->data.data, "from-env", 8);
    moby__buildkit__secrets__v1__get_secret_response__free_unpacked(sr, NULL);

    assert_int_equal(us->status, GRPC_NOT_FOUND);
    assert_false(h2c_message(us, 0, &m, &len));
    assert_int_equal(ts->status, GRPC_UNIMPLEMENTED);
    assert_int_equal(atomic_load(&sess->health_checks), 1);
    assert_int_equal(atomic_load(&sess->secrets_sent), 2);

    free(hbody);
    free(sbody);
    free(ebody);
    free(ubody);
    h2c_free(&c);
    grpc_server_free(srv);
    free_fake(sess);
}

static void test_credentials(void **state)
{
    struct hoist_session *sess = fake_session();
    /* "user:pa:ss" in base64 */
    put("config.json", "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dXNlcjpwYTpzcw==\"},"
                       "\"reg.example:5000\":{\"identitytoken\":\"tok\"}}}");
    sess->config_dir = strdup(tmp);
    grpc_server *srv = grpc_server_new(hoist_session_methods, hoist_session_n_methods, sess);
    h2c c;
    h2c_init(&c, srv);
    const char *hosts[] = {"docker.io", "reg.example:5000", "other.example"};
    h2c_stream *st[3];
    uint8_t *bodies[3];
    for (int i = 0; i < 3; i++) {
        Moby__Filesync__V1__CredentialsRequest req = MOBY__FILESYNC__V1__CREDENTIALS_REQUEST__INIT;
        req.host = (char *)hosts[i];
        size_t l;
        bodies[i] = pack(&req.base, &l);
        st[i] = h2c_call(&c, "/moby.filesync.v1.Auth/Credentials", NULL, bodies[i], l, true);
    }
    h2c_run(&c);
    const char *want_user[] = {"user", "", ""};
    const char *want_secret[] = {"pa:ss", "tok", ""};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(st[i]->status, 0);
        const uint8_t *m;
        size_t len;
        assert_true(h2c_message(st[i], 0, &m, &len));
        Moby__Filesync__V1__CredentialsResponse *r = moby__filesync__v1__credentials_response__unpack(NULL, len, m);
        assert_non_null(r);
        assert_string_equal(r->username, want_user[i]);
        assert_string_equal(r->secret, want_secret[i]);
        moby__filesync__v1__credentials_response__free_unpacked(r, NULL);
        free(bodies[i]);
    }
    h2c_free(&c);
    grpc_server_free(srv);
    free_fake(sess);
}

static Fsutil__Types__Packet *packet(const h2c_stream *s, size_t i)
{
    const uint8_t *m;
    size_t len;
    if (!h2c_message(s, i, &m, &len))
        return NULL;
    return fsutil__types__packet__unpack(NULL, len, m);
}

static void test_diffcopy(void **state)
{
    struct hoist_session *sess = fake_session();
    put("b.txt", "bee");
    put("a.txt", "ay");
    put(".dockerignore", "b.txt\n");
    grpc_server *srv = grpc_server_new(hoist_session_methods, hoist_session_n_methods, sess);
    h2c c;
    h2c_init(&c, srv);
    const char *md[] = {"dir-name", "context", "exclude-patterns", "b.txt", NULL};
    h2c_stream *s = h2c_call(&c, "/moby.filesync.v1.FileSync/DiffCopy", md, NULL, 0, false);
    const char *bad_md[] = {"dir-name", "elsewhere", NULL};
    h2c_stream *bad = h2c_call(&c, "/moby.filesync.v1.FileSync/DiffCopy", bad_md, NULL, 0, true);
    h2c_run(&c);
    assert_int_equal(bad->status, GRPC_NOT_FOUND);
    assert_int_equal(s->status, -1); /* still open */

    /* STATs in walk order, then an empty STAT */
    const char *want[] = {".dockerignore", "a.txt"};
    Fsutil__Types__Packet *p;
    for (size_t i = 0; i < 2; i++) {
        assert_non_null(p = packet(s, i));
        assert_int_equal(p->type, FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_STAT);
        assert_non_null(p->stat);
        assert_string_equal(p->stat->path, want[i]);
        assert_int_equal(p->stat->uid, 0);
        fsutil__types__packet__free_unpacked(p, NULL);
    }
    assert_non_null(p = packet(s, 2));
    assert_int_equal(p->type, FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_STAT);
    assert_null(p->stat);
    fsutil__types__packet__free_unpacked(p, NULL);
    assert_null(packet(s, 3));

    /* REQ a.txt (id 1) */
    Fsutil__Types__Packet req = FSUTIL__TYPES__PACKET__INIT;
    req.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_REQ;
    req.id = 1;
    size_t rl;
    uint8_t *rbody = pack(&req.base, &rl);
    h2c_send(&c, s, rbody, rl, false);
    h2c_run(&c);
    assert_non_null(p = packet(s, 3));
    assert_int_equal(p->type, FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_DATA);
    assert_int_equal(p->id, 1);
    assert_int_equal(p->data.len, 2);
    assert_memory_equal(p->data.data, "ay", 2);
    fsutil__types__packet__free_unpacked(p, NULL);
    assert_non_null(p = packet(s, 4));
    assert_int_equal(p->type, FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_DATA);
    assert_int_equal(p->data.len, 0);
    fsutil__types__packet__free_unpacked(p, NULL);

    /* FIN is answered with FIN and status OK */
    Fsutil__Types__Packet fin = FSUTIL__TYPES__PACKET__INIT;
    fin.type = FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_FIN;
    size_t fl;
    uint8_t *fbody = pack(&fin.base, &fl);
    h2c_send(&c, s, fbody, fl, true);
    h2c_run(&c);
    assert_non_null(p = packet(s, 5));
    assert_int_equal(p->type, FSUTIL__TYPES__PACKET__PACKET_TYPE__PACKET_FIN);
    fsutil__types__packet__free_unpacked(p, NULL);
    assert_int_equal(s->status, 0);
    assert_int_equal(atomic_load(&sess->req_packets), 1);
    assert_int_equal(atomic_load(&sess->files_sent), 1);
    assert_int_equal(atomic_load(&sess->bytes_sent), 2);
    assert_int_equal(atomic_load(&sess->stat_packets), 3);
    free(rbody);
    free(fbody);
    h2c_free(&c);
    grpc_server_free(srv);
    free_fake(sess);
}

/* "<key>-encoded: 1" means URL-query-escaped values; include-patterns
 * limit the walk (the frontend sends them when it knows the COPY sources) */
static void test_diffcopy_patterns(void **state)
{
    struct hoist_session *sess = fake_session();
    put("a.txt", "ay");
    put("b c.txt", "bee");
    put("d.txt", "dee");
    grpc_server *srv = grpc_server_new(hoist_session_methods, hoist_session_n_methods, sess);
    h2c c;
    h2c_init(&c, srv);
    const char *md[] = {"dir-name", "context", "exclude-patterns", "a%2Etxt", "exclude-patterns", "b+c.txt",
                        "exclude-patterns-encoded", "1", NULL};
    h2c_stream *s = h2c_call(&c, "/moby.filesync.v1.FileSync/DiffCopy", md, NULL, 0, false);
    const char *md2[] = {"dir-name", "context", "include-patterns", "b*", NULL};
    h2c_stream *s2 = h2c_call(&c, "/moby.filesync.v1.FileSync/DiffCopy", md2, NULL, 0, false);
    h2c_run(&c);
    Fsutil__Types__Packet *p;
    assert_non_null(p = packet(s, 0));
    assert_string_equal(p->stat->path, "d.txt");
    fsutil__types__packet__free_unpacked(p, NULL);
    assert_non_null(p = packet(s, 1));
    assert_null(p->stat);
    fsutil__types__packet__free_unpacked(p, NULL);
    assert_non_null(p = packet(s2, 0));
    assert_string_equal(p->stat->path, "b c.txt");
    fsutil__types__packet__free_unpacked(p, NULL);
    assert_non_null(p = packet(s2, 1));
    assert_null(p->stat);
    fsutil__types__packet__free_unpacked(p, NULL);
    h2c_free(&c);
    grpc_server_free(srv);
    free_fake(sess);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_method),
        cmocka_unit_test(test_framing_across_frames),
        cmocka_unit_test(test_status_message_encoded),
        cmocka_unit_test(test_oversized_message),
        cmocka_unit_test_setup_teardown(test_health_and_secrets, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_credentials, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_diffcopy, setup_tmp, teardown_tmp),
        cmocka_unit_test_setup_teardown(test_diffcopy_patterns, setup_tmp, teardown_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
