/*
 * stream.c - the generic part of a builder byte stream, the socket
 * flavour, and the HTTP/1.1 reply reader used before a protocol switch
 * (see stream.h).
 */
#include "buildkit/stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

ssize_t bk_stream_read(bk_stream *s, void *buf, size_t len) { return s->ops->read(s, buf, len); }
ssize_t bk_stream_write(bk_stream *s, const void *buf, size_t len) { return s->ops->write(s, buf, len); }

void bk_stream_free(bk_stream *s)
{
    if (!s)
        return;
    if (s->ops && s->ops->close)
        s->ops->close(s);
    free(s);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int bk_stream_write_all(bk_stream *s, const void *buf, size_t len, int timeout_ms, hoist_error *err)
{
    const char *p = buf;
    long deadline = now_ms() + timeout_ms;
    while (len) {
        ssize_t n = bk_stream_write(s, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN)
            return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "the connection to the builder at %s "
                                    "dropped while sending: %s", s->peer, strerror(errno));
        long left = deadline - now_ms();
        if (left <= 0)
            return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_TIMEOUT, "the builder at %s did not accept "
                                    "data in time", s->peer);
        struct pollfd pfd[2] = {{.fd = s->write_fd, .events = POLLOUT}, {.fd = s->read_fd, .events = POLLIN}};
        poll(pfd, 2, left > 100 ? 100 : (int)left); /* TLS may need to read to write */
    }
    return 0;
}

int bk_stream_http_head(bk_stream *s, const char *what, char *head, size_t size, unsigned char **extra,
                        size_t *extra_len, int timeout_ms, hoist_error *err)
{
    *extra = NULL;
    *extra_len = 0;
    size_t len = 0;
    long deadline = now_ms() + timeout_ms;
    char *end = NULL;
    while (!end) {
        if (len + 1 >= size)
            return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "%s: the reply headers from %s are "
                                    "too long", what, s->peer), -1;
        ssize_t n = bk_stream_read(s, head + len, size - 1 - len);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "%s: %s closed the connection instead of "
                             "answering", what, s->peer);
            return -1;
        }
        if (n < 0) {
            long left = deadline - now_ms();
            if (left <= 0) {
                hoist_error_setr(err, HOIST_EENV, HOIST_REASON_TIMEOUT, "%s: %s did not answer in time", what,
                                 s->peer);
                return -1;
            }
            struct pollfd p = {.fd = s->read_fd, .events = POLLIN};
            poll(&p, 1, (int)left);
            continue;
        }
        len += (size_t)n;
        head[len] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    int status = 0;
    if (sscanf(head, "HTTP/1.%*d %d", &status) != 1) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "%s: the reply from %s is not HTTP/1.1", what,
                         s->peer);
        return -1;
    }
    size_t hlen = (size_t)(end + 4 - head);
    if (len > hlen) {
        if (!(*extra = malloc(len - hlen))) {
            hoist_error_nomem(err);
            return -1;
        }
        memcpy(*extra, head + hlen, len - hlen);
        *extra_len = len - hlen;
    }
    end[2] = '\0'; /* keep the head only (the body, if any, is in extra) */
    return status;
}

/* ---- sockets ------------------------------------------------------------ */

static ssize_t fd_read(bk_stream *s, void *buf, size_t len)
{
    ssize_t n = recv(s->read_fd, buf, len, 0);
    if (n < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    if (n < 0 && errno == EINTR)
        errno = EAGAIN;
    return n;
}

static ssize_t fd_write(bk_stream *s, const void *buf, size_t len)
{
    ssize_t n = send(s->write_fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EWOULDBLOCK || errno == EINTR))
        errno = EAGAIN;
    return n;
}

static void fd_close(bk_stream *s)
{
    if (s->read_fd >= 0)
        close(s->read_fd);
    s->read_fd = s->write_fd = -1;
}

static const bk_stream_ops fd_ops = {fd_read, fd_write, fd_close};

bk_stream *bk_stream_from_fd(int fd, const char *peer)
{
    bk_stream *s = calloc(1, sizeof(*s));
    if (!s) {
        close(fd);
        return NULL;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    s->ops = &fd_ops;
    s->read_fd = s->write_fd = fd;
    snprintf(s->peer, sizeof(s->peer), "%s", peer);
    return s;
}
