/*
 * dial_remote.c - builders over tcp (TLS or plain h2c) and through
 * `buildctl dial-stdio` helpers (see dial.h).
 *
 * TLS uses OpenSSL's libssl directly, not libcurl: curl does not hand
 * over a raw HTTP/2 stream to a caller that wants to be the HTTP/2 client
 * itself (CONNECT_ONLY gives TLS bytes but negotiates no ALPN "h2"), and
 * grpc-go builders refuse TLS without ALPN h2. After the handshake the
 * protocol ALPN chose says who answered: "h2" is buildkitd (gRPC at
 * once); anything else is taken for a Docker engine's TLS port, checked
 * with GET /_ping and GET /info (its ID tells whether it is the engine
 * hoist builds for), then POST /grpc upgrades the same TLS connection.
 *
 * libssl is loaded with dlopen when a TLS connection is made
 * (common/dynlib.h): linked, it and libcrypto cost every hoist process
 * ~1.5 ms of relocations. The functions are called through the table in
 * the connection; OpenSSL's macros are spelled as the calls they stand
 * for (SSL_ctrl, BIO_ctrl, ...). The two callbacks, which get only
 * OpenSSL's objects, look up what they call in the libssl already loaded.
 *
 * The dial-stdio helpers run as a child whose stdin and stdout are one
 * end of a socketpair; the other end is the stream. Closing the stream
 * kills and reaps the child.
 */
#include "buildkit/dial.h"

#include <dlfcn.h>
#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/dynlib.h"
#include "common/subprocess.h"

#define CONNECT_TIMEOUT_MS 15000

/* ---- host:port ---------------------------------------------------------- */

static int split_hostport(const char *address, const char *hp, char *host, size_t hsize, char *port, size_t psize,
                          hoist_error *err)
{
    const char *colon;
    if (hp[0] == '[') {
        const char *close_b = strchr(hp, ']');
        if (!close_b || close_b[1] != ':')
            goto bad;
        snprintf(host, hsize, "%.*s", (int)(close_b - hp - 1), hp + 1);
        colon = close_b + 1;
    } else {
        colon = strrchr(hp, ':');
        if (!colon || colon == hp)
            goto bad;
        snprintf(host, hsize, "%.*s", (int)(colon - hp), hp);
    }
    snprintf(port, psize, "%s", colon + 1);
    char *slash = strchr(port, '/');
    if (slash)
        *slash = '\0';
    if (!port[0] || strspn(port, "0123456789") != strlen(port))
        goto bad;
    return 0;
bad:
    hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--builder %s: expected tcp://HOST:PORT", address);
    return hoist_error_hint(err, "buildkitd listens where --addr tcp://0.0.0.0:1234 says; give that port");
}

static int tcp_connect(const char *address, const char *host, const char *port, int *out, hoist_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai)
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "--builder %s: cannot resolve %s: %s", address,
                                host, gai_strerror(gai));
    int last = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
            last = errno;
            close(fd);
            continue;
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int pr = poll(&p, 1, CONNECT_TIMEOUT_MS);
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (pr <= 0)
            soerr = ETIMEDOUT;
        else
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
        if (soerr) {
            last = soerr;
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        freeaddrinfo(res);
        *out = fd;
        return 0;
    }
    freeaddrinfo(res);
    hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "cannot connect to the builder at %s: %s", address,
                     strerror(last ? last : ECONNREFUSED));
    return hoist_error_hint(err, "is buildkitd (or the engine) listening there? check the address and firewalls");
}

/* ---- TLS ---------------------------------------------------------------- */

#define TLS_API(X)                                                                                              \
    X(TLS_client_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl) X(SSL_CTX_set_alpn_protos)             \
    X(SSL_CTX_set_verify) X(SSL_CTX_load_verify_locations) X(SSL_CTX_set_default_verify_paths)                 \
    X(SSL_CTX_use_certificate_chain_file) X(SSL_CTX_use_PrivateKey_file) X(SSL_CTX_check_private_key)          \
    X(SSL_CTX_set_client_cert_cb) X(SSL_new) X(SSL_free) X(SSL_ctrl) X(SSL_set_ex_data) X(SSL_get0_param)      \
    X(SSL_set1_host) X(SSL_set_bio) X(SSL_connect) X(SSL_read) X(SSL_write) X(SSL_get_error)                    \
    X(SSL_get_verify_result) X(SSL_get0_alpn_selected) X(X509_VERIFY_PARAM_set1_ip_asc)                          \
    X(X509_verify_cert_error_string) X(ERR_clear_error) X(ERR_peek_error) X(ERR_get_error)                     \
    X(ERR_reason_error_string) X(BIO_s_socket) X(BIO_new) X(BIO_int_ctrl) X(BIO_meth_new) X(BIO_meth_free)      \
    X(BIO_meth_set_write) X(BIO_meth_set_read) X(BIO_meth_get_read) X(BIO_meth_set_puts) X(BIO_meth_get_puts)  \
    X(BIO_meth_set_ctrl) X(BIO_meth_get_ctrl) X(BIO_meth_set_create) X(BIO_meth_get_create)                    \
    X(BIO_meth_set_destroy) X(BIO_meth_get_destroy)

/* The libssl (and libcrypto) functions this file calls. */
typedef struct tls_api {
#define TLS_MEMBER(f) __typeof__(f) *f;
    TLS_API(TLS_MEMBER)
#undef TLS_MEMBER
} tls_api;

static const char *const ssl_sonames[] = {"libssl.so.3", NULL};

static int tls_api_load(tls_api *api, void **lib, hoist_error *err)
{
#define TLS_SYMBOL(f) {#f, offsetof(tls_api, f)},
    static const hoist_dynsym symbols[] = {TLS_API(TLS_SYMBOL)};
#undef TLS_SYMBOL
    return hoist_dynlib_load(ssl_sonames, "libssl3", symbols, sizeof(symbols) / sizeof(symbols[0]), api, lib, err);
}

/* For the callbacks: `name` in the libssl this process has loaded. */
static void *loaded_ssl_symbol(const char *name)
{
    void *lib = dlopen(ssl_sonames[0], RTLD_LAZY | RTLD_NOLOAD);
    if (!lib)
        return NULL;
    void *f = dlsym(lib, name);
    dlclose(lib); /* the connection's own reference keeps it loaded */
    return f;
}

typedef struct tls_impl {
    tls_api api;
    void *lib;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO_METHOD *meth;
    int fd;
} tls_impl;

static ssize_t ssl_io(bk_stream *s, void *buf, size_t len, bool out)
{
    tls_impl *t = s->impl;
    const tls_api *a = &t->api;
    if (!len)
        return 0;
    a->ERR_clear_error();
    int n = out ? a->SSL_write(t->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len)
                : a->SSL_read(t->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    if (n > 0)
        return n;
    switch (a->SSL_get_error(t->ssl, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    default: {
        unsigned long e = a->ERR_peek_error();
        errno = e ? EPROTO : (errno ? errno : ECONNRESET);
        if (!out && !e && errno == 0)
            return 0;
        return -1;
    }
    }
}

static ssize_t tls_read(bk_stream *s, void *buf, size_t len) { return ssl_io(s, buf, len, false); }
static ssize_t tls_write(bk_stream *s, const void *buf, size_t len) { return ssl_io(s, (void *)buf, len, true); }
static void tls_close(bk_stream *s)
{
    tls_impl *t = s->impl;
    if (!t)
        return;
    if (t->lib) {
        t->api.SSL_free(t->ssl);
        t->api.SSL_CTX_free(t->ctx);
        t->api.BIO_meth_free(t->meth);
        hoist_dynlib_unload(t->lib);
    }
    if (t->fd >= 0)
        close(t->fd);
    free(t);
}
static const bk_stream_ops tls_ops = {tls_read, tls_write, tls_close};

static int on_client_cert(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
    (void)x509;
    (void)pkey;
    __typeof__(SSL_get_ex_data) *get = (__typeof__(SSL_get_ex_data) *)loaded_ssl_symbol("SSL_get_ex_data");
    int *flag = get ? get(ssl, 0) : NULL; /* SSL_get_app_data */
    if (flag)
        *flag = 1;
    return 0; /* no certificate to offer */
}

/* A socket BIO whose writes never raise SIGPIPE (send with MSG_NOSIGNAL):
 * OpenSSL's own socket BIO uses write(), and a builder that hangs up
 * must be an error, not a signal that ends hoist. */
static int nosig_write(BIO *b, const char *buf, int len)
{
    __typeof__(BIO_ctrl) *ctrl = (__typeof__(BIO_ctrl) *)loaded_ssl_symbol("BIO_ctrl");
    __typeof__(BIO_set_flags) *set_flags = (__typeof__(BIO_set_flags) *)loaded_ssl_symbol("BIO_set_flags");
    __typeof__(BIO_clear_flags) *clear_flags = (__typeof__(BIO_clear_flags) *)loaded_ssl_symbol("BIO_clear_flags");
    if (!ctrl || !set_flags || !clear_flags) {
        errno = ENOSYS;
        return -1;
    }
    int fd = (int)ctrl(b, BIO_C_GET_FD, 0, NULL); /* BIO_get_fd */
    ssize_t n = send(fd, buf, (size_t)len, MSG_NOSIGNAL);
    clear_flags(b, BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY); /* BIO_clear_retry_flags */
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        set_flags(b, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY); /* BIO_set_retry_write */
    return (int)n;
}

static BIO *nosig_bio(const tls_api *a, int fd, BIO_METHOD **meth)
{
    /* a copy of the socket method with its write replaced; freed with the stream */
    *meth = a->BIO_meth_new(BIO_TYPE_SOCKET, "hoist socket");
    if (!*meth)
        return NULL;
    const BIO_METHOD *sock = a->BIO_s_socket();
    a->BIO_meth_set_write(*meth, nosig_write);
    a->BIO_meth_set_read(*meth, a->BIO_meth_get_read(sock));
    a->BIO_meth_set_puts(*meth, a->BIO_meth_get_puts(sock));
    a->BIO_meth_set_ctrl(*meth, a->BIO_meth_get_ctrl(sock));
    a->BIO_meth_set_create(*meth, a->BIO_meth_get_create(sock));
    a->BIO_meth_set_destroy(*meth, a->BIO_meth_get_destroy(sock));
    BIO *b = a->BIO_new(*meth);
    if (b)
        a->BIO_int_ctrl(b, BIO_C_SET_FD, BIO_NOCLOSE, fd); /* BIO_set_fd */
    return b;
}

static void ssl_reason(const tls_api *a, char *out, size_t size)
{
    unsigned long e = a->ERR_get_error();
    if (!e) {
        snprintf(out, size, "the connection was closed during the handshake");
        return;
    }
    const char *r = a->ERR_reason_error_string(e);
    snprintf(out, size, "%s", r ? r : "TLS error");
    a->ERR_clear_error();
}

/* TLS on a connected socket. *stream owns fd afterwards (even on error). */
static int tls_start(const bk_dial_options *o, const char *host, int fd, bk_stream **stream, hoist_error *err)
{
    *stream = NULL;
    tls_impl *t = calloc(1, sizeof(*t));
    bk_stream *s = calloc(1, sizeof(*s));
    if (!t || !s) {
        free(t);
        free(s);
        close(fd);
        return hoist_error_nomem(err);
    }
    t->fd = fd;
    s->ops = &tls_ops;
    s->impl = t;
    s->read_fd = s->write_fd = fd;
    snprintf(s->peer, sizeof(s->peer), "%s", o->address);
    *stream = s;
    int rc = tls_api_load(&t->api, &t->lib, err);
    if (rc)
        return rc;
    const tls_api *a = &t->api;
    if (!(t->ctx = a->SSL_CTX_new(a->TLS_client_method())))
        return hoist_error_nomem(err);
    a->SSL_CTX_ctrl(t->ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL); /* ..._set_min_proto_version */
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    a->SSL_CTX_set_alpn_protos(t->ctx, alpn, sizeof(alpn) - 1);
    a->SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
    if (o->tls_ca && *o->tls_ca) {
        if (a->SSL_CTX_load_verify_locations(t->ctx, o->tls_ca, NULL) != 1) {
            hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_NOT_FOUND, "--builder-tlscacert %s: cannot read a CA "
                             "certificate (PEM) from it", o->tls_ca);
            return hoist_error_at(err, o->tls_ca, 0, 0);
        }
    } else {
        a->SSL_CTX_set_default_verify_paths(t->ctx);
    }
    bool have_cert = o->tls_cert && *o->tls_cert;
    if (have_cert) {
        if (a->SSL_CTX_use_certificate_chain_file(t->ctx, o->tls_cert) != 1) {
            hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_NOT_FOUND, "--builder-tlscert %s: cannot read a "
                             "certificate (PEM) from it", o->tls_cert);
            return hoist_error_at(err, o->tls_cert, 0, 0);
        }
        if (a->SSL_CTX_use_PrivateKey_file(t->ctx, o->tls_key, SSL_FILETYPE_PEM) != 1 ||
            a->SSL_CTX_check_private_key(t->ctx) != 1) {
            hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_NOT_FOUND, "--builder-tlskey %s: cannot read the key "
                             "of %s from it", o->tls_key, o->tls_cert);
            return hoist_error_at(err, o->tls_key, 0, 0);
        }
    } else {
        a->SSL_CTX_set_client_cert_cb(t->ctx, on_client_cert);
    }
    if (!(t->ssl = a->SSL_new(t->ctx)))
        return hoist_error_nomem(err);
    int cert_requested = 0;
    a->SSL_set_ex_data(t->ssl, 0, &cert_requested); /* SSL_set_app_data */
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    if (is_ip)
        a->X509_VERIFY_PARAM_set1_ip_asc(a->SSL_get0_param(t->ssl), host);
    else {
        /* SSL_set_tlsext_host_name */
        a->SSL_ctrl(t->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)host);
        a->SSL_set1_host(t->ssl, host);
    }
    BIO *bio = nosig_bio(a, fd, &t->meth);
    if (!bio)
        return hoist_error_nomem(err);
    a->SSL_set_bio(t->ssl, bio, bio);
    /* the handshake, blocking with a deadline */
    long deadline_ms = CONNECT_TIMEOUT_MS;
    for (;;) {
        a->ERR_clear_error();
        int r = a->SSL_connect(t->ssl);
        if (r == 1)
            break;
        int e = a->SSL_get_error(t->ssl, r);
        if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) && deadline_ms > 0) {
            struct pollfd p = {.fd = fd, .events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT};
            if (poll(&p, 1, 100) == 0)
                deadline_ms -= 100;
            continue;
        }
        char why[256];
        ssl_reason(a, why, sizeof(why));
        long vr = a->SSL_get_verify_result(t->ssl);
        if (vr != X509_V_OK) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PERMISSION, "TLS: cannot verify the certificate of the "
                             "builder at %s: %s", o->address, a->X509_verify_cert_error_string(vr));
            return hoist_error_hint(err, "give the CA that signed it with --builder-tlscacert (BUILDKIT_TLS_CA_CERT)");
        }
        if (cert_requested && !have_cert) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PERMISSION, "TLS: the builder at %s did not accept a "
                             "client without a certificate (%s)", o->address, why);
            return hoist_error_hint(err, "give a client certificate signed by the builder's CA with "
                                         "--builder-tlscert and --builder-tlskey (BUILDKIT_TLS_CERT, BUILDKIT_TLS_KEY)");
        }
        if (deadline_ms <= 0)
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_TIMEOUT, "TLS: the builder at %s did not finish the "
                             "handshake in time", o->address);
        else
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "TLS handshake with the builder at %s failed: %s",
                             o->address, why);
        return hoist_error_hint(err, "check that the port speaks TLS and that the certificates belong together");
    }
    if (cert_requested && !have_cert) {
        /* TLS 1.3: the server would only refuse after the handshake */
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PERMISSION, "TLS: the builder at %s did not accept a client "
                         "without a certificate (it asked for one)", o->address);
        return hoist_error_hint(err, "give a client certificate signed by the builder's CA with --builder-tlscert "
                                     "and --builder-tlskey (BUILDKIT_TLS_CERT, BUILDKIT_TLS_KEY)");
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    return 0;
}

/* One HTTP/1.1 GET on the stream; the body (Content-Length) into body. */
static int http_get(bk_stream *s, const char *path, char *body, size_t size, hoist_error *err)
{
    char req[256];
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: hoist/0.2\r\n\r\n", path);
    int rc = bk_stream_write_all(s, req, (size_t)n, CONNECT_TIMEOUT_MS, err);
    if (rc)
        return rc;
    char head[8192], what[128];
    snprintf(what, sizeof(what), "GET %s", path);
    _cleanup_free_ unsigned char *extra = NULL;
    size_t extra_len = 0;
    int status = bk_stream_http_head(s, what, head, sizeof(head), &extra, &extra_len, CONNECT_TIMEOUT_MS, err);
    if (status < 0)
        return err->code;
    if (status != 200)
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "the server at %s answered %s with HTTP "
                                "%d: it is neither buildkitd (no ALPN h2) nor a Docker engine", s->peer, what, status);
    long clen = -1;
    bool chunked = false;
    for (char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (!strncasecmp(line + 2, "Content-Length:", 15))
            clen = strtol(line + 17, NULL, 10);
        if (!strncasecmp(line + 2, "Transfer-Encoding:", 18) && strstr(line + 20, "chunked"))
            chunked = true;
    }
    if (!chunked && (clen < 0 || (size_t)clen >= size))
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "%s on %s: no usable Content-Length", what,
                                s->peer);
    /* raw bytes until the body is complete: clen bytes, or the chunks up to
     * the last (zero-size) one, decoded in place */
    _cleanup_free_ char *raw = malloc(size);
    if (!raw)
        return hoist_error_nomem(err);
    size_t have = extra_len < size - 1 ? extra_len : size - 1;
    if (have)
        memcpy(raw, extra, have);
    for (;;) {
        if (!chunked && have >= (size_t)clen) {
            memcpy(body, raw, (size_t)clen);
            body[clen] = '\0';
            return 0;
        }
        if (chunked) {
            size_t pos = 0, out = 0;
            bool complete = false;
            for (;;) {
                char *nl = memchr(raw + pos, '\n', have - pos);
                if (!nl)
                    break;
                long csize = strtol(raw + pos, NULL, 16);
                size_t data = (size_t)(nl + 1 - raw);
                if (csize <= 0) {
                    complete = true;
                    break;
                }
                if (data + (size_t)csize + 2 > have)
                    break;
                memcpy(body + out, raw + data, (size_t)csize);
                out += (size_t)csize;
                pos = data + (size_t)csize + 2;
            }
            if (complete) {
                body[out] = '\0';
                return 0;
            }
        }
        if (have >= size - 1)
            return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_LIMIT, "%s on %s: the reply is too long", what,
                                    s->peer);
        ssize_t r = bk_stream_read(s, raw + have, size - 1 - have);
        if (r > 0) {
            have += (size_t)r;
            continue;
        }
        if (r == 0 || errno != EAGAIN)
            return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "%s: %s closed the connection", what,
                                    s->peer);
        struct pollfd p = {.fd = s->read_fd, .events = POLLIN};
        if (poll(&p, 1, CONNECT_TIMEOUT_MS) == 0)
            return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_TIMEOUT, "%s: %s did not answer in time", what,
                                    s->peer);
    }
}

/* The engine's identity from GET /info's JSON: its ID and data root
 * (engines sharing /etc/docker share the ID, not the data root). */
static void engine_id(const char *json, char *out, size_t size)
{
    out[0] = '\0';
    json_error_t jerr;
    json_t *info = json_loads(json, 0, &jerr);
    const char *id = json_string_value(json_object_get(info, "ID"));
    const char *root = json_string_value(json_object_get(info, "DockerRootDir"));
    if (id)
        snprintf(out, size, "%s %s", id, root ? root : "");
    json_decref(info);
}

int bk_dial_tcp_stream(const bk_dial_options *o, bk_stream **out, bool *h2, hoist_error *err)
{
    *out = NULL;
    const char *hp = o->address + strlen("tcp://");
    char host[256], port[16];
    int rc = split_hostport(o->address, hp, host, sizeof(host), port, sizeof(port), err);
    if (rc)
        return rc;
    bool tls = (o->tls_ca && *o->tls_ca) || (o->tls_cert && *o->tls_cert) || (o->tls_key && *o->tls_key);
    if (tls && (!o->tls_cert || !*o->tls_cert) != (!o->tls_key || !*o->tls_key)) {
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "--builder-tlscert and --builder-tlskey go together");
        return hoist_error_hint(err, "give both (the client certificate and its key), or neither");
    }
    int fd = -1;
    if ((rc = tcp_connect(o->address, host, port, &fd, err)))
        return rc;
    if (!tls) {
        *out = bk_stream_from_fd(fd, o->address);
        *h2 = true;
        if (!*out)
            return hoist_error_nomem(err);
        (*out)->plain_tcp = true;
        return 0;
    }
    bk_stream *s;
    if ((rc = tls_start(o, host, fd, &s, err))) {
        bk_stream_free(s);
        return rc;
    }
    const unsigned char *proto = NULL;
    unsigned plen = 0;
    const tls_impl *t = s->impl;
    t->api.SSL_get0_alpn_selected(t->ssl, &proto, &plen);
    *h2 = plen == 2 && !memcmp(proto, "h2", 2);
    *out = s;
    return 0;
}

int bk_dial_tcp(const bk_dial_options *o, const char *hostport, grpcc **out, bk_dial_info *info, hoist_error *err)
{
    (void)hostport;
    bk_stream *s;
    bool h2;
    int rc = bk_dial_tcp_stream(o, &s, &h2, err);
    if (rc)
        return rc;
    bool tls = s->ops == &tls_ops;
    if (h2) {
        grpcc *c = grpcc_new(s, "localhost", NULL, 0);
        if (!c) {
            bk_stream_free(s);
            return hoist_error_nomem(err);
        }
        *out = c;
        snprintf(info->describe, sizeof(info->describe), "buildkitd at %s (%s)", o->address,
                 tls ? "TLS, ALPN h2: gRPC directly" : "plain h2c, no TLS");
        return 0;
    }
    /* Not h2: a Docker engine's TLS port? */
    char body[65536];
    if ((rc = http_get(s, "/_ping", body, sizeof(body), err)) || (rc = http_get(s, "/info", body, sizeof(body), err))) {
        bk_stream_free(s);
        return rc;
    }
    engine_id(body, info->engine_id, sizeof(info->engine_id));
    if ((rc = bk_grpc_upgrade(s, "/grpc", "docker", out, err))) {
        bk_stream_free(s);
        return rc;
    }
    info->via_dockerd = true;
    snprintf(info->describe, sizeof(info->describe), "the BuildKit of the Docker engine at %s (TLS without ALPN h2: "
             "a Docker engine, reached through its /grpc endpoint)", o->address);
    return 0;
}

/* ---- buildctl dial-stdio ------------------------------------------------ */

typedef struct proc_impl {
    pid_t pid;
    int fd;
} proc_impl;

static ssize_t proc_read(bk_stream *s, void *buf, size_t len)
{
    proc_impl *p = s->impl;
    ssize_t n = recv(p->fd, buf, len, 0);
    if (n < 0 && (errno == EWOULDBLOCK || errno == EINTR))
        errno = EAGAIN;
    return n;
}

static ssize_t proc_write(bk_stream *s, const void *buf, size_t len)
{
    proc_impl *p = s->impl;
    ssize_t n = send(p->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EWOULDBLOCK || errno == EINTR))
        errno = EAGAIN;
    return n;
}

static void proc_close(bk_stream *s)
{
    proc_impl *p = s->impl;
    if (!p)
        return;
    close(p->fd);
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        for (int i = 0; i < 50; i++) {
            if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
                p->pid = 0;
                break;
            }
            usleep(20000);
        }
        if (p->pid > 0) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
        }
    }
    free(p);
}
static const bk_stream_ops proc_ops = {proc_read, proc_write, proc_close};

int bk_dial_stdio(const bk_dial_options *o, grpcc **out, bk_dial_info *info, hoist_error *err)
{
    const char *a = o->address;
    char target[512] = "", ns[256] = "", port[16] = "", kctx[256] = "", kcont[256] = "";
    const char *argv[20];
    size_t k = 0;
    char prog[4096];
    const char *tool;
    if (!strncmp(a, "ssh://", 6)) {
        tool = "ssh";
        snprintf(target, sizeof(target), "%s", a + 6);
        char *slash = strchr(target, '/');
        if (slash)
            *slash = '\0';
        char *colon = strrchr(target, ':');
        if (colon && !strchr(target, ']')) {
            snprintf(port, sizeof(port), "%s", colon + 1);
            *colon = '\0';
        }
    } else if (!strncmp(a, "docker-container://", 19)) {
        tool = "docker";
        snprintf(target, sizeof(target), "%s", a + 19);
    } else {
        tool = "kubectl";
        snprintf(target, sizeof(target), "%s", a + 11);
        char *q = strchr(target, '?');
        if (q) {
            *q = '\0';
            /* buildctl's query keys: namespace, context, container */
            for (char *kv = q + 1; *kv;) {
                size_t n = strcspn(kv, "&");
                if (!strncmp(kv, "namespace=", 10))
                    snprintf(ns, sizeof(ns), "%.*s", (int)(n - 10), kv + 10);
                else if (!strncmp(kv, "context=", 8))
                    snprintf(kctx, sizeof(kctx), "%.*s", (int)(n - 8), kv + 8);
                else if (!strncmp(kv, "container=", 10))
                    snprintf(kcont, sizeof(kcont), "%.*s", (int)(n - 10), kv + 10);
                kv += n;
                if (*kv == '&')
                    kv++;
            }
        }
    }
    if (!target[0] || target[0] == '-')
        return bk_address_check("", err);
    if (hoist_find_executable(tool, o->path_env ? o->path_env : "/usr/local/bin:/usr/bin:/bin", prog, sizeof(prog))) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_NOT_FOUND, "--builder %s needs the %s program, which is not on "
                         "PATH", a, tool);
        return hoist_error_hint(err, "install %s, or give the builder's unix:// or tcp:// address", tool);
    }
    argv[k++] = prog;
    if (!strcmp(tool, "ssh")) {
        if (port[0]) {
            argv[k++] = "-p";
            argv[k++] = port;
        }
        argv[k++] = "-o";
        argv[k++] = "BatchMode=yes";
        argv[k++] = "--";
        argv[k++] = target;
        argv[k++] = "buildctl";
        argv[k++] = "dial-stdio";
    } else if (!strcmp(tool, "docker")) {
        argv[k++] = "exec";
        argv[k++] = "-i";
        argv[k++] = target;
        argv[k++] = "buildctl";
        argv[k++] = "dial-stdio";
    } else {
        if (kctx[0]) {
            argv[k++] = "--context";
            argv[k++] = kctx;
        }
        argv[k++] = "exec";
        if (ns[0]) {
            argv[k++] = "--namespace";
            argv[k++] = ns;
        }
        if (kcont[0]) {
            argv[k++] = "-c";
            argv[k++] = kcont;
        }
        argv[k++] = "-i";
        argv[k++] = target;
        argv[k++] = "--";
        argv[k++] = "buildctl";
        argv[k++] = "dial-stdio";
    }
    argv[k] = NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
        return hoist_error_set(err, HOIST_EFAILED, "socketpair: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return hoist_error_set(err, HOIST_EFAILED, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(sv[1], 0);
        dup2(sv[1], 1);
        setpgid(0, 0); /* a terminal's Ctrl-C goes to hoist, which ends the helper */
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    close(sv[1]);
    proc_impl *p = calloc(1, sizeof(*p));
    bk_stream *s = calloc(1, sizeof(*s));
    if (!p || !s) {
        free(s);
        if (p)
            free(p);
        close(sv[0]);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return hoist_error_nomem(err);
    }
    p->pid = pid;
    p->fd = sv[0];
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    s->ops = &proc_ops;
    s->impl = p;
    s->read_fd = s->write_fd = sv[0];
    snprintf(s->peer, sizeof(s->peer), "%s (through `%s ... buildctl dial-stdio`)", a, tool);
    grpcc *c = grpcc_new(s, "localhost", NULL, 0);
    if (!c) {
        bk_stream_free(s);
        return hoist_error_nomem(err);
    }
    *out = c;
    snprintf(info->describe, sizeof(info->describe), "the BuildKit builder at %s", s->peer);
    return 0;
}
