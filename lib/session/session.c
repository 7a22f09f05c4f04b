/*
 * session.c - start, serve and close a BuildKit session (see session.h).
 *
 * Start: open a raw connection to the daemon (engine/raw_conn.h), send
 * POST /vX.Y/session with Upgrade: h2c and the X-Docker-Expose-Session-*
 * headers (one Grpc-Method header per served method), read the reply
 * headers and require 101. Bytes after the headers already belong to
 * HTTP/2 (the daemon starts with its client preface at once) and are fed
 * to the gRPC server first.
 *
 * Serve: one thread runs a poll loop on the socket (and on a wake pipe,
 * and on the descriptors of relayed ssh agents): read everything readable
 * into nghttp2, pump handlers one bounded step each, write what nghttp2
 * produced without blocking. A Health/Check is therefore answered within
 * one pump step (one 64 KiB read or 64 stats).
 *
 * Close: tell the thread to stop, join it, close the connection (the
 * daemon then drops the session). The first failure the thread met is
 * returned; a connection closed by the daemon is not a failure by itself
 * (the build's reply says why).
 */
#include "session/session_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/sha256.h"
#include "engine/client_internal.h"

#define HEADER_MAX 16384
#define UPGRADE_TIMEOUT_MS 30000

const char *hoist_session_id(const hoist_session *s) { return s->id; }

void hoist_session_get_stats(hoist_session *s, hoist_session_stats *out)
{
    memset(out, 0, sizeof(*out));
    out->stat_packets = atomic_load(&s->stat_packets);
    out->req_packets = atomic_load(&s->req_packets);
    out->files_sent = atomic_load(&s->files_sent);
    out->bytes_sent = atomic_load(&s->bytes_sent);
    out->health_checks = atomic_load(&s->health_checks);
    out->calls = atomic_load(&s->calls);
    out->unimplemented = atomic_load(&s->unimplemented);
    out->secrets_sent = atomic_load(&s->secrets_sent);
    out->credentials_asked = atomic_load(&s->credentials_asked);
    out->output_bytes = atomic_load(&s->output_bytes);
    out->max_step_us = atomic_load(&s->max_step_us);
}

static void session_free(hoist_session *s)
{
    if (!s)
        return;
    grpc_server_free(s->srv);
    hoist_raw_conn_free(s->conn);
    if (s->wake[0] >= 0)
        close(s->wake[0]);
    if (s->wake[1] >= 0)
        close(s->wake[1]);
    free(s->early);
    free(s->context_dir);
    free(s->dockerfile_dir);
    free(s->config_dir);
    free(s->home);
    free(s->path_env);
    free(s->output_tar);
    free(s);
}
HOIST_DEFINE_FREEP(hoist_session, session_free)

/* BuildKit's identity.NewID: 25 base-36 characters. */
static int new_id(char *out, size_t size)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    unsigned char rnd[25];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
        return -1;
    size_t n = sizeof(rnd) < size - 1 ? sizeof(rnd) : size - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[rnd[i] % 36];
    out[n] = '\0';
    return 0;
}

static void shared_key(const char *dir, char out[65])
{
    hoist_sha256_hex(dir, strlen(dir), out);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The longest stretch the loop spent away from poll(): a bound on how long
 * a health check can wait for its answer. */
static void note_step(hoist_session *s, uint64_t start)
{
    uint64_t took = now_us() - start;
    if (took > atomic_load(&s->max_step_us))
        atomic_store(&s->max_step_us, took);
}

/* Header values must not break the request. */
static bool header_safe(const char *v)
{
    for (; *v; v++)
        if (*v == '\r' || *v == '\n')
            return false;
    return true;
}

static int send_upgrade(hoist_session *s, const char *path, hoist_error *err)
{
    const char *name = s->cfg.name ? s->cfg.name : s->context_dir;
    if (!header_safe(name))
        return hoist_error_set(err, HOIST_EUSAGE, "the session name must not contain line breaks");
    size_t cap = 4096 + strlen(name);
    _cleanup_free_ char *req = malloc(cap);
    if (!req)
        return hoist_error_nomem(err);
    size_t n = (size_t)snprintf(req, cap,
                                "POST %s HTTP/1.1\r\nHost: docker\r\nUser-Agent: hoist/0.1\r\n"
                                "Connection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n"
                                "X-Docker-Expose-Session-Uuid: %s\r\n"
                                "X-Docker-Expose-Session-Name: %s\r\n"
                                "X-Docker-Expose-Session-Sharedkey: %s\r\n",
                                path, s->id, name, s->shared_key);
    for (size_t i = 0; i < hoist_session_n_methods && n < cap; i++)
        n += (size_t)snprintf(req + n, cap - n, "X-Docker-Expose-Session-Grpc-Method: %s\r\n",
                              hoist_session_methods[i].path);
    n += (size_t)snprintf(req + n, n < cap ? cap - n : 0, "\r\n");
    if (n >= cap)
        return hoist_error_set(err, HOIST_EFAILED, "session request too long");
    return hoist_raw_conn_send_all(s->conn, req, n, UPGRADE_TIMEOUT_MS, err);
}

/* Read the reply headers; keep bytes past them in s->early. */
static int read_upgrade_reply(hoist_session *s, hoist_error *err)
{
    _cleanup_free_ char *buf = malloc(HEADER_MAX + 1);
    if (!buf)
        return hoist_error_nomem(err);
    size_t len = 0;
    long deadline = now_ms() + UPGRADE_TIMEOUT_MS;
    char *end = NULL;
    while (!end) {
        if (len == HEADER_MAX)
            return hoist_error_set(err, HOIST_EENV, "POST /session: the daemon's reply headers are too long");
        ssize_t n = hoist_raw_conn_recv(s->conn, buf + len, HEADER_MAX - len);
        if (n == 0 || (n < 0 && errno != EAGAIN)) {
            hoist_error_set(err, HOIST_EENV, "the Docker daemon at %s closed the connection instead of "
                            "answering POST /session", s->conn->host);
            return hoist_error_hint(err, "the daemon may not support BuildKit sessions (API 1.39 or later "
                                         "needed); check 'hoist doctor'");
        }
        if (n < 0) {
            long left = deadline - now_ms();
            if (left <= 0)
                return hoist_error_set(err, HOIST_EENV, "the Docker daemon at %s did not answer POST /session "
                                       "in time", s->conn->host);
            struct pollfd p = {.fd = s->conn->fd, .events = POLLIN};
            poll(&p, 1, (int)left);
            continue;
        }
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
        return hoist_error_set(err, HOIST_EENV, "POST /session: the daemon's reply is not HTTP");
    size_t head = (size_t)(end + 4 - buf);
    if (status != 101) {
        /* the body (usually {"message": ...}) as far as it arrived */
        char *body = end + 4;
        char *nl = strchr(body, '\n');
        if (nl)
            *nl = '\0';
        hoist_error_set(err, HOIST_EENV, "the Docker daemon refused the BuildKit session (HTTP %d)%s%s", status,
                        body[0] ? ": " : "", body);
        return hoist_error_hint(err, "BuildKit sessions need Docker 18.09 or later (API 1.39) with BuildKit "
                                     "enabled in the daemon");
    }
    if (len > head) {
        if (!(s->early = malloc(len - head)))
            return hoist_error_nomem(err);
        memcpy(s->early, buf + head, len - head);
        s->early_len = len - head;
    }
    return 0;
}

static void thread_fail(hoist_session *s, int code, const char *what, const char *detail)
{
    if (s->failed)
        return;
    s->failed = true;
    hoist_error_set(&s->failure, code, "BuildKit session: %s%s", what, detail);
}

static void sync_counts(hoist_session *s)
{
    atomic_store(&s->calls, grpc_server_calls(s->srv));
    atomic_store(&s->unimplemented, grpc_server_unimplemented(s->srv));
}

static void *session_loop(void *arg)
{
    hoist_session *s = arg;
    if (s->early_len && grpc_server_feed(s->srv, s->early, s->early_len)) {
        thread_fail(s, HOIST_EENV, "", grpc_server_error(s->srv));
        return NULL;
    }
    uint8_t rbuf[65536];
    const uint8_t *out = NULL;
    size_t out_len = 0;
    uint64_t step_start = now_us();
    bool input_pending = false;
    while (!atomic_load(&s->stop)) {
        if (s->cfg.cancel && *s->cfg.cancel)
            break;
        bool busy = grpc_server_pump(s->srv);
        sync_counts(s);
        /* write what is due, without blocking */
        bool blocked = false;
        for (;;) {
            if (!out_len) {
                ssize_t n = grpc_server_output(s->srv, &out);
                if (n < 0) {
                    thread_fail(s, HOIST_EFAILED, "", grpc_server_error(s->srv));
                    return NULL;
                }
                if (n == 0)
                    break;
                out_len = (size_t)n;
            }
            ssize_t w = hoist_raw_conn_send(s->conn, out, out_len);
            if (w > 0) {
                out += w;
                out_len -= (size_t)w;
                continue;
            }
            if (w < 0 && errno == EAGAIN) {
                blocked = true;
                break;
            }
            thread_fail(s, HOIST_EENV, "lost the connection to the daemon at ", s->conn->host);
            return NULL;
        }
        if (!grpc_server_alive(s->srv) && !out_len) {
            s->peer_closed = true;
            break;
        }
        struct pollfd pfd[10];
        pfd[0] = (struct pollfd){.fd = s->conn->fd, .events = POLLIN | (blocked ? POLLOUT : 0)};
        pfd[1] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
        int watch[8];
        size_t nw = grpc_server_watch_fds(s->srv, watch, 8);
        for (size_t i = 0; i < nw; i++)
            pfd[2 + i] = (struct pollfd){.fd = watch[i], .events = POLLIN};
        note_step(s, step_start);
        int pr = poll(pfd, 2 + (nfds_t)nw, busy || input_pending ? 0 : 1000);
        step_start = now_us();
        if (pr < 0 && errno != EINTR) {
            thread_fail(s, HOIST_EFAILED, "poll: ", strerror(errno));
            return NULL;
        }
        if (!input_pending && (pr <= 0 || !(pfd[0].revents & (POLLIN | POLLHUP | POLLERR))))
            continue;
        /* Read what is available, up to a budget so that replies go out in
         * between; TLS may hold decrypted bytes poll() cannot see, so a
         * spent budget means "poll without waiting" next time. */
        input_pending = false;
        for (int reads = 0;; reads++) {
            if (reads == 16) {
                input_pending = true;
                break;
            }
            ssize_t n = hoist_raw_conn_recv(s->conn, rbuf, sizeof(rbuf));
            if (n > 0) {
                if (grpc_server_feed(s->srv, rbuf, (size_t)n)) {
                    thread_fail(s, HOIST_EENV, "", grpc_server_error(s->srv));
                    return NULL;
                }
                continue;
            }
            if (n < 0 && errno == EAGAIN)
                break;
            s->peer_closed = true; /* EOF or reset: the daemon dropped the session */
            sync_counts(s);
            return NULL;
        }
    }
    sync_counts(s);
    return NULL;
}

/* The loop, then a flag the build watches: a session that ended while its
 * build still runs means the daemon (or the connection to it) went away. */
static void *session_main(void *arg)
{
    hoist_session *s = arg;
    session_loop(s);
    atomic_store(&s->ended, 1);
    return NULL;
}

bool hoist_session_ended(hoist_session *s)
{
    return s && atomic_load(&s->ended);
}

/* Everything but the connection: copies, checks, id and shared key. */
static int session_prepare(hoist_session **out, const hoist_session_config *cfg, hoist_error *err)
{
    *out = NULL;
    if (!cfg || !cfg->context_dir)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_session_start: no context directory");
    _cleanup_(session_freep) hoist_session *s = calloc(1, sizeof(*s));
    if (!s)
        return hoist_error_nomem(err);
    s->wake[0] = s->wake[1] = -1;
    s->cfg = *cfg;
    s->context_dir = realpath(cfg->context_dir, NULL);
    if (!s->context_dir) {
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "context directory %s: %s", cfg->context_dir, strerror(errno));
        return hoist_error_at(err, cfg->context_dir, 0, 0);
    }
    const char *df_dir = cfg->dockerfile_dir ? cfg->dockerfile_dir : cfg->context_dir;
    s->dockerfile_dir = realpath(df_dir, NULL);
    if (!s->dockerfile_dir) {
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno), "Dockerfile directory %s: %s", df_dir, strerror(errno));
        return hoist_error_at(err, df_dir, 0, 0);
    }
    if ((cfg->docker_config_dir && !(s->config_dir = strdup(cfg->docker_config_dir))) ||
        (cfg->home && !(s->home = strdup(cfg->home))) ||
        (cfg->path_env && !(s->path_env = strdup(cfg->path_env))) ||
        (cfg->output_tar && !(s->output_tar = strdup(cfg->output_tar))))
        return hoist_error_nomem(err);
    s->cfg.context_dir = s->context_dir;
    s->cfg.dockerfile_dir = s->dockerfile_dir;
    s->cfg.docker_config_dir = s->config_dir;
    s->cfg.output_tar = s->output_tar;
    s->cfg.home = s->home;
    s->cfg.path_env = s->path_env;
    for (size_t i = 0; i < cfg->n_ssh; i++)
        if (!cfg->ssh[i].socket)
            return hoist_error_set(err, HOIST_EUSAGE, "ssh agent %s: no socket (is SSH_AUTH_SOCK set?)",
                                   cfg->ssh[i].id && cfg->ssh[i].id[0] ? cfg->ssh[i].id : "default");
    for (size_t i = 0; i < cfg->n_secrets; i++)
        if (!cfg->secrets[i].id || (!cfg->secrets[i].file && !cfg->secrets[i].env))
            return hoist_error_set(err, HOIST_EUSAGE, "secret %zu: needs an id and a file or an environment "
                                   "variable", i + 1);
    if (new_id(s->id, sizeof(s->id)))
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "no random numbers for the session id: %s", strerror(errno));
    shared_key(s->context_dir, s->shared_key);
    if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK))
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "pipe: %s", strerror(errno));
    if (!(s->srv = grpc_server_new(hoist_session_methods, hoist_session_n_methods, s)))
        return hoist_error_set(err, HOIST_EFAILED, "cannot create the HTTP/2 session (out of memory)");
    *out = TAKE_PTR(s);
    return 0;
}

static int session_run(hoist_session *s, hoist_error *err)
{
    int rc = pthread_create(&s->thread, NULL, session_main, s);
    if (rc)
        return hoist_error_set(err, HOIST_EFAILED, "cannot start the session thread: %s", strerror(rc));
    s->thread_started = true;
    return 0;
}

int hoist_session_start(hoist_session **out, hoist_client *client, const hoist_session_config *cfg,
                        hoist_error *err)
{
    *out = NULL;
    _cleanup_(session_freep) hoist_session *s = NULL;
    int rc = session_prepare(&s, cfg, err);
    if (rc)
        return rc;
    char path[128];
    if ((rc = hoist_client_versioned_path(client, "/session", path, sizeof(path), err)))
        return rc;
    rc = hoist_transport_raw_open(hoist_client_transport(client), &s->conn, err);
    if (rc)
        return rc;
    rc = send_upgrade(s, path, err);
    if (!rc)
        rc = read_upgrade_reply(s, err);
    if (!rc)
        rc = session_run(s, err);
    if (rc)
        return rc;
    *out = TAKE_PTR(s);
    return 0;
}

int hoist_session_prepare(hoist_session **out, const hoist_session_config *cfg, hoist_error *err)
{
    return session_prepare(out, cfg, err);
}

int hoist_session_headers(const hoist_session *s, hoist_session_header *out, size_t max)
{
    const char *name = s->cfg.name ? s->cfg.name : s->context_dir;
    size_t n = 0;
    if (n < max)
        out[n] = (hoist_session_header){"x-docker-expose-session-uuid", s->id};
    n++;
    if (n < max)
        out[n] = (hoist_session_header){"x-docker-expose-session-name", name};
    n++;
    if (n < max)
        out[n] = (hoist_session_header){"x-docker-expose-session-sharedkey", s->shared_key};
    n++;
    for (size_t i = 0; i < hoist_session_n_methods; i++, n++)
        if (n < max)
            out[n] = (hoist_session_header){"x-docker-expose-session-grpc-method", hoist_session_methods[i].path};
    return (int)n;
}

int hoist_session_set_output_tar(hoist_session *s, const char *path, hoist_error *err)
{
    if (s->thread_started)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_session_set_output_tar: the session is already serving");
    char *copy = strdup(path);
    if (!copy)
        return hoist_error_nomem(err);
    free(s->output_tar);
    s->output_tar = copy;
    s->cfg.output_tar = copy;
    return 0;
}

int hoist_session_serve_fd(hoist_session *s, int fd, const char *peer, hoist_error *err)
{
    if (s->conn || s->thread_started) {
        close(fd);
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_session_serve_fd: the session is already serving");
    }
    if (hoist_raw_conn_from_fd(fd, peer, &s->conn)) {
        close(fd);
        return hoist_error_nomem(err);
    }
    return session_run(s, err);
}

int hoist_session_close(hoist_session *s, hoist_error *err)
{
    if (!s)
        return 0;
    if (s->thread_started) {
        atomic_store(&s->stop, 1);
        ssize_t w = write(s->wake[1], "x", 1);
        (void)w;
        pthread_join(s->thread, NULL);
    }
    int rc = 0;
    if (s->failed) {
        if (err)
            *err = s->failure;
        rc = s->failure.code ? s->failure.code : HOIST_EFAILED;
    }
    session_free(s);
    return rc;
}
