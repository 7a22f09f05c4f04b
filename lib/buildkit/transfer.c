/*
 * transfer.c - images from a builder into the engine (see transfer.h).
 *
 * The copy from another engine reads GET /images/get's reply on a TLS
 * connection of our own (dial_remote.c) and decodes its chunked transfer
 * encoding inside the body source of POST /images/load, so the tar moves
 * from one engine to the other at the speed of the slower side.
 */
#include "buildkit/transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/cleanup.h"
#include "engine/client_internal.h"

#define IO_TIMEOUT_MS 60000

typedef struct load_state {
    int fd;                     /* a file, or */
    bk_stream *s;               /* an HTTP/1.1 reply body from another engine */
    bool chunked;
    long chunk_left;            /* bytes left in the current chunk; -1: read a size line */
    long plain_left;            /* Content-Length body: bytes left; -1: until close */
    unsigned char *pre;         /* bytes read with the reply head */
    size_t pre_len, pre_off;
    bool failed, done;
    char why[300];
    volatile sig_atomic_t *cancel;
} load_state;

/* Raw bytes of the source body (before chunk decoding); 0 at end. */
static ssize_t src_read(load_state *st, char *buf, size_t len)
{
    if (st->pre_off < st->pre_len) {
        size_t n = st->pre_len - st->pre_off < len ? st->pre_len - st->pre_off : len;
        memcpy(buf, st->pre + st->pre_off, n);
        st->pre_off += n;
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t n = bk_stream_read(st->s, buf, len);
        if (n >= 0)
            return n;
        if (errno != EAGAIN)
            return -1;
        struct pollfd p = {.fd = st->s->read_fd, .events = POLLIN};
        if (poll(&p, 1, IO_TIMEOUT_MS) == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
    }
}

static bool src_byte(load_state *st, char *c)
{
    return src_read(st, c, 1) == 1;
}

static size_t on_body(char *buf, size_t len, void *user)
{
    load_state *st = user;
    if (st->failed)
        return HOIST_BODY_ABORT;
    if (st->cancel && *st->cancel) {
        st->failed = true;
        snprintf(st->why, sizeof(st->why), "cancelled");
        return HOIST_BODY_ABORT;
    }
    if (st->done)
        return 0;
    if (st->fd >= 0) {
        ssize_t n = read(st->fd, buf, len);
        if (n < 0) {
            st->failed = true;
            snprintf(st->why, sizeof(st->why), "reading the image tar: %s", strerror(errno));
            return HOIST_BODY_ABORT;
        }
        return (size_t)n;
    }
    if (!st->chunked) {
        if (st->plain_left == 0)
            return 0;
        if (st->plain_left > 0 && (size_t)st->plain_left < len)
            len = (size_t)st->plain_left;
        ssize_t n = src_read(st, buf, len);
        if (n < 0 || (n == 0 && st->plain_left > 0)) {
            st->failed = true;
            snprintf(st->why, sizeof(st->why), "the builder's engine stopped sending the image");
            return HOIST_BODY_ABORT;
        }
        if (st->plain_left > 0)
            st->plain_left -= n;
        return (size_t)n;
    }
    if (st->chunk_left <= 0) {
        /* "\r\n" after a chunk, then "SIZE[;ext]\r\n" */
        char line[64];
        size_t k = 0;
        char c;
        for (;;) {
            if (!src_byte(st, &c))
                goto cut;
            if (c == '\n') {
                line[k] = '\0';
                if (k && line[k - 1] == '\r')
                    line[--k] = '\0';
                if (k)
                    break;
                continue; /* the CRLF that ends the previous chunk */
            }
            if (k < sizeof(line) - 1)
                line[k++] = c;
        }
        st->chunk_left = strtol(line, NULL, 16);
        if (st->chunk_left == 0) {
            st->done = true;
            return 0;
        }
    }
    if ((size_t)st->chunk_left < len)
        len = (size_t)st->chunk_left;
    ssize_t n = src_read(st, buf, len);
    if (n <= 0)
        goto cut;
    st->chunk_left -= n;
    return (size_t)n;
cut:
    st->failed = true;
    snprintf(st->why, sizeof(st->why), "the builder's engine stopped sending the image mid-way");
    return HOIST_BODY_ABORT;
}

static int cancel_poll(void *user)
{
    load_state *st = user;
    return st->cancel && *st->cancel;
}

static int load(hoist_client *client, load_state *st, hoist_error *err)
{
    hoist_http_request req = {
        .method = "POST",
        .headers = (const char *const[]){"Content-Type: application/x-tar", NULL},
        .body_source = on_body,
        .body_user = st,
        .cancel = cancel_poll,
        .cancel_user = st,
        .idle_timeout_s = IO_TIMEOUT_MS / 1000,
    };
    hoist_http_response resp = {0};
    int rc = hoist_client_request(client, "/images/load?quiet=1", &req, &resp, err);
    if (st->failed) {
        hoist_http_response_clear(&resp);
        if (st->cancel && *st->cancel)
            return hoist_error_set(err, HOIST_EINTERRUPTED, "cancelled while loading the image into the engine");
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "loading the image into the engine: %s",
                                st->why);
    }
    if (!rc && resp.status >= 300)
        rc = hoist_http_error_from_response(&resp, "POST /images/load", client, err);
    if (!rc && resp.body && strstr(resp.body, "\"errorDetail\"")) {
        char *m = strstr(resp.body, "\"message\":\"");
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_DAEMON, "POST /images/load: the engine refused the image: %.300s",
                         m ? m + 11 : resp.body);
        rc = err->code;
    }
    hoist_http_response_clear(&resp);
    return rc;
}

int bk_image_load_file(hoist_client *client, const char *tar_path, volatile sig_atomic_t *cancel, hoist_error *err)
{
    load_state st = {.fd = open(tar_path, O_RDONLY | O_CLOEXEC), .cancel = cancel};
    if (st.fd < 0)
        return hoist_error_set(err, HOIST_EFAILED, "the exported image %s: %s", tar_path, strerror(errno));
    int rc = load(client, &st, err);
    close(st.fd);
    return rc;
}

int bk_image_copy_from_engine(const bk_dial_options *builder, hoist_client *client, const char *const *names,
                              size_t n_names, volatile sig_atomic_t *cancel, hoist_error *err)
{
    bk_stream *s = NULL;
    bool h2 = false;
    int rc = bk_dial_tcp_stream(builder, &s, &h2, err);
    if (rc)
        return rc;
    hbuf req = {0};
    hbuf_puts(&req, "GET /images/get");
    for (size_t i = 0; i < n_names; i++) {
        hbuf_puts(&req, i ? "&names=" : "?names=");
        for (const char *p = names[i]; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
                hbuf_putc(&req, *p);
            else
                hbuf_printf(&req, "%%%02X", (unsigned char)*p);
        }
    }
    hbuf_puts(&req, " HTTP/1.1\r\nHost: docker\r\nUser-Agent: hoist/0.2\r\n\r\n");
    if (req.failed) {
        hbuf_free(&req);
        bk_stream_free(s);
        return hoist_error_nomem(err);
    }
    rc = bk_stream_write_all(s, req.data, req.len, IO_TIMEOUT_MS, err);
    hbuf_free(&req);
    char head[8192];
    load_state st = {.fd = -1, .s = s, .chunk_left = -1, .plain_left = -1, .cancel = cancel};
    int status = rc ? -1 : bk_stream_http_head(s, "GET /images/get", head, sizeof(head), &st.pre, &st.pre_len,
                                               IO_TIMEOUT_MS, err);
    if (status < 0) {
        bk_stream_free(s);
        return err->code ? err->code : rc;
    }
    if (status != 200) {
        free(st.pre);
        bk_stream_free(s);
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_DAEMON, "GET /images/get on the builder's engine at %s "
                                "answered HTTP %d", builder->address, status);
    }
    for (char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (!strncasecmp(line + 2, "Transfer-Encoding:", 18) && strstr(line + 20, "chunked"))
            st.chunked = true;
        if (!strncasecmp(line + 2, "Content-Length:", 15))
            st.plain_left = strtol(line + 17, NULL, 10);
    }
    rc = load(client, &st, err);
    free(st.pre);
    bk_stream_free(s);
    return rc;
}
