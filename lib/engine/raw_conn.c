/*
 * raw_conn.c - non-blocking send/recv over a libcurl CONNECT_ONLY
 * connection (see raw_conn.h). The connection itself is opened by
 * hoist_transport_raw_open in transport.c, which knows the endpoint.
 */
#include "engine/raw_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* A plain socket (no curl): the session inside BuildKit's Control.Session
 * stream runs on one end of a socketpair. */
int hoist_raw_conn_from_fd(int fd, const char *host, hoist_raw_conn **out)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    (*out)->fd = fd;
    snprintf((*out)->host, sizeof((*out)->host), "%s", host);
    return 0;
}

static ssize_t plain_io(hoist_raw_conn *c, void *buf, size_t len, bool out)
{
    ssize_t n = out ? send(c->fd, buf, len, MSG_NOSIGNAL) : recv(c->fd, buf, len, 0);
    if (n < 0 && (errno == EWOULDBLOCK || errno == EINTR))
        errno = EAGAIN;
    else if (n < 0 && errno != EAGAIN)
        errno = ECONNRESET;
    return n;
}

ssize_t hoist_raw_conn_send(hoist_raw_conn *c, const void *buf, size_t len)
{
    if (!c->curl)
        return plain_io(c, (void *)buf, len, true);
    size_t n = 0;
    CURLcode cc = c->api.easy_send(c->curl, buf, len, &n);
    if (cc == CURLE_AGAIN) {
        errno = EAGAIN;
        return -1;
    }
    if (cc != CURLE_OK) {
        errno = ECONNRESET;
        return -1;
    }
    return (ssize_t)n;
}

ssize_t hoist_raw_conn_recv(hoist_raw_conn *c, void *buf, size_t len)
{
    if (!c->curl)
        return plain_io(c, buf, len, false);
    size_t n = 0;
    CURLcode cc = c->api.easy_recv(c->curl, buf, len, &n);
    if (cc == CURLE_AGAIN) {
        errno = EAGAIN;
        return -1;
    }
    if (cc != CURLE_OK) {
        errno = ECONNRESET;
        return -1;
    }
    return (ssize_t)n;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int hoist_raw_conn_send_all(hoist_raw_conn *c, const void *buf, size_t len, int timeout_ms,
                            hoist_error *err)
{
    const char *p = buf;
    long deadline = now_ms() + timeout_ms;
    while (len) {
        ssize_t n = hoist_raw_conn_send(c, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN)
            return hoist_error_set(err, HOIST_EENV, "the connection to the Docker daemon at %s dropped "
                                   "while sending", c->host);
        long left = deadline - now_ms();
        if (left <= 0)
            return hoist_error_set(err, HOIST_EENV, "the Docker daemon at %s did not accept data in time",
                                   c->host);
        struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
        poll(&pfd, 1, (int)left);
    }
    return 0;
}

void hoist_raw_conn_free(hoist_raw_conn *c)
{
    if (!c)
        return;
    if (c->curl)
        c->api.easy_cleanup(c->curl);
    if (c->api.handle)
        hoist_curl_api_unload(&c->api);
    else if (c->fd >= 0)
        close(c->fd); /* hoist_raw_conn_from_fd */
    free(c);
}
