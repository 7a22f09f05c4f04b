/*
 * test_hijack.c - hoist_session_start/close against a fake daemon on a
 * unix socket: the ping, then POST /v1.41/session with Upgrade: h2c, the
 * X-Docker-Expose-Session-* headers and one Grpc-Method header per served
 * method; the fake answers 101 and, in the same write, the HTTP/2 preface
 * and a Health/Check (bytes after the 101 must reach HTTP/2), reads the
 * answer, and hangs up. A refusal (HTTP 400) is a clear error.
 */
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "hoist/client.h"
#include "hoist/endpoint.h"
#include "session/session.h"

typedef struct fake {
    int listen_fd;
    bool refuse;
    char session_request[8192];
    int grpc_status;          /* of the health check, -1 if none */
    size_t reply_len;         /* response DATA bytes */
} fake;

static ssize_t read_headers(int fd, char *buf, size_t size)
{
    size_t len = 0;
    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, 1); /* byte by byte: never read past the headers */
        if (n <= 0)
            return -1;
        len++;
        buf[len] = '\0';
        if (len >= 4 && !memcmp(buf + len - 4, "\r\n\r\n", 4))
            return (ssize_t)len;
    }
    return -1;
}

static int on_header(nghttp2_session *h2, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
                     const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
    fake *f = user;
    if (namelen == 11 && !memcmp(name, "grpc-status", 11))
        f->grpc_status = atoi((const char *)value);
    return 0;
}

static int on_data(nghttp2_session *h2, uint8_t flags, int32_t id, const uint8_t *data, size_t len, void *user)
{
    ((fake *)user)->reply_len += len;
    return 0;
}

static ssize_t health_body(nghttp2_session *h2, int32_t id, uint8_t *buf, size_t length, uint32_t *flags,
                           nghttp2_data_source *source, void *user)
{
    memset(buf, 0, 5); /* an empty HealthCheckRequest */
    *flags |= NGHTTP2_DATA_FLAG_EOF;
    return 5;
}

static void *serve(void *arg)
{
    fake *f = arg;
    char buf[8192];
    for (;;) {
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        if (read_headers(fd, buf, sizeof(buf)) < 0) {
            close(fd);
            continue;
        }
        if (!strncmp(buf, "GET /_ping", 10)) {
            const char *r = "HTTP/1.1 200 OK\r\nAPI-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";
            if (write(fd, r, strlen(r)) < 0) {}
            /* curl may reuse it; the session opens its own */
            close(fd);
            continue;
        }
        snprintf(f->session_request, sizeof(f->session_request), "%s", buf);
        if (f->refuse) {
            const char *r = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n"
                            "{\"message\":\"no session\"}\n\n";
            if (write(fd, r, strlen(r)) < 0) {}
            close(fd);
            return NULL;
        }
        /* 101 and the first HTTP/2 bytes in one write */
        nghttp2_session_callbacks *cbs;
        nghttp2_session_callbacks_new(&cbs);
        nghttp2_session_callbacks_set_on_header_callback(cbs, on_header);
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, on_data);
        nghttp2_session *h2;
        nghttp2_session_client_new(&h2, cbs, f);
        nghttp2_session_callbacks_del(cbs);
        nghttp2_submit_settings(h2, NGHTTP2_FLAG_NONE, NULL, 0);
        nghttp2_nv nv[] = {
            {(uint8_t *)":method", (uint8_t *)"POST", 7, 4, 0},
            {(uint8_t *)":scheme", (uint8_t *)"http", 7, 4, 0},
            {(uint8_t *)":authority", (uint8_t *)"x", 10, 1, 0},
            {(uint8_t *)":path", (uint8_t *)"/grpc.health.v1.Health/Check", 5, 28, 0},
            {(uint8_t *)"content-type", (uint8_t *)"application/grpc", 12, 16, 0},
        };
        nghttp2_data_provider prd = {.read_callback = health_body};
        nghttp2_submit_request(h2, NULL, nv, 5, &prd, NULL);
        size_t len = (size_t)sprintf(buf, "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
        const uint8_t *out;
        ssize_t n;
        while ((n = nghttp2_session_mem_send(h2, &out)) > 0) {
            memcpy(buf + len, out, (size_t)n);
            len += (size_t)n;
        }
        if (write(fd, buf, len) < 0) {}
        for (int rounds = 0; rounds < 200 && f->grpc_status < 0; rounds++) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, 50) <= 0)
                continue;
            uint8_t in[16384];
            n = read(fd, in, sizeof(in));
            if (n <= 0)
                break;
            nghttp2_session_mem_recv(h2, in, (size_t)n);
            while ((n = nghttp2_session_mem_send(h2, &out)) > 0)
                if (write(fd, out, (size_t)n) < 0) {}
        }
        nghttp2_session_del(h2);
        close(fd);
        return NULL;
    }
}

static int start_fake(fake *f, char *sock, size_t size, pthread_t *th)
{
    snprintf(sock, size, "/tmp/hoist-hijack-%d.sock", (int)getpid());
    unlink(sock);
    f->grpc_status = -1;
    f->listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
    if (bind(f->listen_fd, (struct sockaddr *)&a, sizeof(a)) || listen(f->listen_fd, 4))
        return -1;
    return pthread_create(th, NULL, serve, f);
}

static hoist_client *client_for(const char *sock)
{
    char host[300];
    snprintf(host, sizeof(host), "unix://%s", sock);
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_endpoint_parse_host(&ep, host, &err), 0);
    hoist_client_options o = HOIST_CLIENT_OPTIONS_INIT;
    o.endpoint = &ep;
    hoist_client *c = NULL;
    assert_int_equal(hoist_client_new(&c, &o, &err), 0);
    return c;
}

static void test_hijack_and_health(void **state)
{
    fake f = {0};
    char sock[128];
    pthread_t th;
    assert_int_equal(start_fake(&f, sock, sizeof(sock), &th), 0);
    hoist_client *c = client_for(sock);
    hoist_session_config cfg = {.context_dir = "/tmp", .name = "test-session"};
    hoist_session *s = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_session_start(&s, c, &cfg, &err);
    assert_int_equal(rc, 0);
    pthread_join(th, NULL);
    assert_int_equal(f.grpc_status, 0);
    assert_int_equal(f.reply_len, 5 + 2); /* HealthCheckResponse{status: SERVING} */

    const char *r = f.session_request;
    assert_true(!strncmp(r, "POST /v1.41/session HTTP/1.1\r\n", 30));
    assert_non_null(strstr(r, "\r\nConnection: Upgrade\r\n"));
    assert_non_null(strstr(r, "\r\nUpgrade: h2c\r\n"));
    char want[128];
    snprintf(want, sizeof(want), "\r\nX-Docker-Expose-Session-Uuid: %s\r\n", hoist_session_id(s));
    assert_non_null(strstr(r, want));
    assert_non_null(strstr(r, "\r\nX-Docker-Expose-Session-Name: test-session\r\n"));
    assert_non_null(strstr(r, "\r\nX-Docker-Expose-Session-Sharedkey: "));
    assert_non_null(strstr(r, "X-Docker-Expose-Session-Grpc-Method: /grpc.health.v1.Health/Check\r\n"));
    assert_non_null(strstr(r, "X-Docker-Expose-Session-Grpc-Method: /moby.filesync.v1.FileSync/DiffCopy\r\n"));
    assert_non_null(strstr(r, "X-Docker-Expose-Session-Grpc-Method: /moby.buildkit.secrets.v1.Secrets/GetSecret\r\n"));
    assert_null(strchr(hoist_session_id(s), ':'));

    hoist_session_stats st;
    hoist_session_get_stats(s, &st);
    assert_int_equal(st.health_checks, 1);
    /* the fake hung up: that alone is not the session's failure */
    assert_int_equal(hoist_session_close(s, &err), 0);
    hoist_client_free(c);
    close(f.listen_fd);
    unlink(sock);
}

static void test_refused(void **state)
{
    fake f = {.refuse = true};
    char sock[128];
    pthread_t th;
    assert_int_equal(start_fake(&f, sock, sizeof(sock), &th), 0);
    hoist_client *c = client_for(sock);
    hoist_session_config cfg = {.context_dir = "/tmp"};
    hoist_session *s = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_session_start(&s, c, &cfg, &err);
    pthread_join(th, NULL);
    assert_int_equal(rc, HOIST_EENV);
    assert_null(s);
    assert_non_null(strstr(err.message, "HTTP 400"));
    assert_non_null(strstr(err.message, "no session"));
    hoist_client_free(c);
    close(f.listen_fd);
    unlink(sock);
}

static void test_bad_context(void **state)
{
    hoist_session *s = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_session_config cfg = {.context_dir = "/nonexistent/hoist-ctx"};
    /* fails before any connection: no client needed beyond a valid pointer */
    assert_int_equal(hoist_session_start(&s, NULL, &cfg, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "/nonexistent/hoist-ctx"));
    assert_int_equal(hoist_session_close(NULL, &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hijack_and_health),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_bad_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
