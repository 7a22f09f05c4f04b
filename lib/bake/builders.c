/*
 * builders.c - the builders of a bake pool: their addresses, how a target
 * is built on one, and how an image goes from one to another.
 *
 * A builder is written "ADDR[,certs=DIR][,name=NAME][,slots=N]". ADDR is
 * exactly what `hoist build --builder` takes, checked by the same parser
 * (bk_address_check, buildkit/dial.h): docker (the client's engine's
 * BuildKit, through its /grpc), unix:// (buildkitd's socket), tcp:// (mutual
 * TLS: buildkitd, or a Docker engine's TLS port, told apart by ALPN),
 * ssh://, docker-container://, kube-pod://. certs=DIR holds ca.pem,
 * cert.pem and key.pem (DOCKER_CERT_PATH's layout) and fills the TLS fields
 * of `--builder-tlscacert/-tlscert/-tlskey`. bake_builder_build() is the
 * one place that maps a builder to a hoist_build() call: the Control API on
 * the builder's address, with a client of its own (a client serves one
 * build at a time) on the engine the image must land in, so that builds on
 * different builders, or on the slots of one, run in threads at once.
 *
 * Two kinds of builder (bake_builder_setup finds out with one ListWorkers
 * call, which also says whether it answers at all):
 *   a Docker engine builder (`docker`, or tcp:// where a Docker engine
 *     answers): hoist's client is that same engine, so the moby exporter
 *     names the image there and a dependent built on the same builder
 *     finds it by tag. Dependencies between such builders move as images:
 *     GET /images/NAME/get on the builder that built it, POST /images/load
 *     on the one that needs it, through a file in tmp_dir (removed at
 *     once). The image keeps its ID and tags, so a dependent's FROM TAG and
 *     its cache keys are the same as on the builder that built the
 *     dependency; no registry is needed.
 *   a buildkitd (every other address): no image store hoist can load
 *     into, so its images go to the client's engine (the docker exporter's
 *     tar, POST /images/load) and a target with dependencies never runs on
 *     it (FROM would look the dependency up in a registry): the scheduler
 *     keeps such targets on Docker engine builders, and fails them with a
 *     clear error when the pool has none. See docs/design.md "Bake".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bake/bake_internal.h"
#include "buildkit/dial.h"
#include "common/cleanup.h"
#include "control.pb-c.h"
#include "engine/client_internal.h"
#include "hoist/registry.h"

HOIST_DEFINE_FREEP(hoist_client, hoist_client_free)

#define SETUP_TIMEOUT_MS 15000

static bool is_tcp(const char *addr) { return !strncmp(addr, "tcp://", 6); }

int bake_builder_spec_parse(bake_builder_spec *out, const char *text, const char *where, int line, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    _cleanup_free_ char *copy = strdup(text ? text : "");
    if (!copy)
        return hoist_error_nomem(err);
    char *save = NULL;
    int code = line ? HOIST_EINPUT : HOIST_EUSAGE;
    bool first = true;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save), first = false) {
        while (isspace((unsigned char)*part))
            part++;
        if (first && (strstr(part, "://") || !strchr(part, '='))) {
            if (strlen(part) >= sizeof(out->addr))
                break;
            snprintf(out->addr, sizeof(out->addr), "%s", part);
        } else if (!strncmp(part, "certs=", 6) && part[6]) {
            snprintf(out->certs, sizeof(out->certs), "%s", part + 6);
        } else if (!strncmp(part, "name=", 5) && part[5]) {
            snprintf(out->name, sizeof(out->name), "%s", part + 5);
        } else if (!strncmp(part, "slots=", 6)) {
            char *end;
            long n = strtol(part + 6, &end, 10);
            if (*end || n < 1 || n > 64) {
                hoist_error_setr(err, code, HOIST_REASON_INVALID, "%s: builder \"%s\": slots must be 1 to 64", where,
                                 text);
                if (line)
                    hoist_error_at(err, where, line, 0);
                return hoist_error_hint(err, "write slots=N, e.g. slots=2");
            }
            out->slots = (int)n;
        } else {
            hoist_error_setr(err, code, HOIST_REASON_INVALID, "%s: builder \"%s\": unknown setting \"%s\"", where, text,
                             part);
            if (line)
                hoist_error_at(err, where, line, 0);
            return hoist_error_hint(err, "a builder is ADDR[,certs=DIR][,name=NAME][,slots=N]");
        }
    }
    if (!out->addr[0]) {
        hoist_error_setr(err, code, HOIST_REASON_INVALID, "%s: builder \"%s\" has no address", where, text);
        if (line)
            hoist_error_at(err, where, line, 0);
        return hoist_error_hint(err, "start it with what hoist build --builder takes: docker, unix://PATH, "
                                     "tcp://HOST:PORT, ssh://HOST, docker-container://NAME or kube-pod://NAME");
    }
    hoist_error perr = HOIST_ERROR_INIT;
    if (bk_address_check(out->addr, &perr)) {
        hoist_error_setr(err, code, HOIST_REASON_INVALID, "%s: builder \"%s\": %s", where, text, perr.message);
        if (line)
            hoist_error_at(err, where, line, 0);
        return hoist_error_hint(err, "%s", perr.hint);
    }
    if (out->certs[0] && !is_tcp(out->addr)) {
        hoist_error_setr(err, code, HOIST_REASON_INVALID, "%s: builder \"%s\": certs= is for tcp:// addresses", where,
                         text);
        if (line)
            hoist_error_at(err, where, line, 0);
        return hoist_error_hint(err, "remove certs=, or use tcp://HOST:PORT");
    }
    if (!out->name[0])
        snprintf(out->name, sizeof(out->name), "%s", out->addr);
    return 0;
}

int bake_builders_file_read(bake_builder_spec **out, size_t *count, const char *path, hoist_error *err)
{
    *out = NULL;
    *count = 0;
    _cleanup_fclose_ FILE *fp = fopen(path, "r");
    if (!fp) {
        int e = errno;
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(e), "cannot open builders file %s: %s", path,
                         strerror(e));
        return hoist_error_hint(err, "give a file with one builder a line: ADDR[,certs=DIR][,name=NAME]");
    }
    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        s[strcspn(s, "\r\n")] = '\0';
        if (!*s || *s == '#')
            continue;
        for (char *e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
            *--e = '\0';
        if (*count >= BAKE_MAX_BUILDERS) {
            free(*out);
            *out = NULL;
            hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_LIMIT, "more than %d builders", BAKE_MAX_BUILDERS);
            return hoist_error_at(err, path, lineno, 0);
        }
        bake_builder_spec *grown = realloc(*out, (*count + 1) * sizeof(*grown));
        if (!grown)
            return free(*out), *out = NULL, hoist_error_nomem(err);
        *out = grown;
        int rc = bake_builder_spec_parse(&grown[*count], s, path, lineno, err);
        if (rc)
            return free(*out), *out = NULL, *count = 0, rc;
        (*count)++;
    }
    return 0;
}

static int client_for(hoist_client **out, const hoist_endpoint *ep, long timeout_ms, hoist_log_fn log,
                      void *log_user, hoist_error *err)
{
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    copts.endpoint = ep;
    copts.request_timeout_ms = timeout_ms;
    copts.log = log;
    copts.log_user = log_user;
    return hoist_client_new(out, &copts, err);
}

/* Dial the builder and make one Control API call (ListWorkers). */
static int probe(const bake_builder *b, const hoist_endpoint *engine_ep, const char *path_env, int timeout_ms,
                 bk_dial_info *info, hoist_error *err)
{
    _cleanup_(hoist_client_freep) hoist_client *engine = NULL;
    int rc;
    if (!strcmp(b->spec.addr, "docker")) {
        if (!engine_ep)
            return hoist_error_set(err, HOIST_EUSAGE, "builder %s: `docker` is the engine of the client, and "
                                   "hoist_bake was given none (endpoint)", b->spec.name);
        if ((rc = client_for(&engine, engine_ep, timeout_ms, NULL, NULL, err)))
            return rc;
    }
    bk_dial_options d = {
        .address = b->spec.addr,
        .engine = engine,
        .tls_ca = b->tls_ca[0] ? b->tls_ca : NULL,
        .tls_cert = b->tls_cert[0] ? b->tls_cert : NULL,
        .tls_key = b->tls_key[0] ? b->tls_key : NULL,
        .path_env = path_env,
    };
    grpcc *c = NULL;
    if ((rc = bk_dial(&d, &c, info, err)))
        return hoist_error_prefix(err, "builder %s", b->spec.name), rc;
    Moby__Buildkit__V1__ListWorkersRequest req = MOBY__BUILDKIT__V1__LIST_WORKERS_REQUEST__INIT;
    uint8_t *raw = NULL;
    size_t len = 0;
    rc = grpcc_unary(c, "/moby.buildkit.v1.Control/ListWorkers", &req.base, &raw, &len, timeout_ms, NULL, err);
    free(raw);
    grpcc_free(c);
    if (rc)
        hoist_error_prefix(err, "builder %s: ListWorkers", b->spec.name);
    return rc;
}

int bake_builder_probe(const bake_builder *b, const char *path_env, int timeout_ms, hoist_error *err)
{
    bk_dial_info info;
    return probe(b, &b->endpoint, path_env, timeout_ms, &info, err);
}

int bake_builder_setup(bake_builder *b, const hoist_endpoint *engine, const char *path_env, hoist_error *err)
{
    const bake_builder_spec *spec = &b->spec;
    if (spec->certs[0]) {
        snprintf(b->tls_ca, sizeof(b->tls_ca), "%s/ca.pem", spec->certs);
        snprintf(b->tls_cert, sizeof(b->tls_cert), "%s/cert.pem", spec->certs);
        snprintf(b->tls_key, sizeof(b->tls_key), "%s/key.pem", spec->certs);
        const char *files[] = {b->tls_ca, b->tls_cert, b->tls_key};
        for (size_t i = 0; i < 3; i++)
            if (access(files[i], R_OK)) {
                hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_NOT_FOUND, "builder %s: cannot read %s", spec->name,
                                 files[i]);
                return hoist_error_hint(err, "certs=DIR needs ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH)");
            }
    }
    if (engine)
        b->endpoint = *engine;
    bk_dial_info info;
    hoist_error perr = HOIST_ERROR_INIT;
    int rc = probe(b, engine, path_env, SETUP_TIMEOUT_MS, &info, &perr);
    if (rc == HOIST_EENV) {
        /* it does not answer: out of the pool from the start (the scheduler says so) */
        b->dead = true;
        snprintf(b->dead_why, sizeof(b->dead_why), "%s", perr.message);
        snprintf(b->describe, sizeof(b->describe), "%s (not answering)", spec->addr);
        return 0;
    }
    if (rc) {
        *err = perr;
        return rc;
    }
    snprintf(b->describe, sizeof(b->describe), "%s", info.describe);
    if (!strcmp(spec->addr, "docker"))
        return 0; /* the client's engine: images stay there */
    if (is_tcp(spec->addr) && info.via_dockerd) {
        /* a Docker engine's TLS port: its Engine API is the same address */
        hoist_endpoint ep;
        if ((rc = hoist_endpoint_parse_host(&ep, spec->addr, err)))
            return hoist_error_prefix(err, "builder %s", spec->name), rc;
        ep.source = HOIST_ENDPOINT_FROM_FLAG;
        if (b->tls_ca[0]) {
            ep.tls = true;
            ep.tls_verify = true;
            snprintf(ep.ca_file, sizeof(ep.ca_file), "%s", b->tls_ca);
            snprintf(ep.cert_file, sizeof(ep.cert_file), "%s", b->tls_cert);
            snprintf(ep.key_file, sizeof(ep.key_file), "%s", b->tls_key);
        }
        b->endpoint = ep;
        return 0;
    }
    b->buildkitd = true;
    if (!engine)
        return hoist_error_set(err, HOIST_EUSAGE, "builder %s is a buildkitd: its images need an engine to land "
                               "in, and hoist_bake was given none (endpoint)", spec->name);
    return 0;
}

int bake_builder_build(hoist_build_result *res, const bake_builder *b, const hoist_build_options *opts,
                       hoist_log_fn log, void *log_user, hoist_error *err)
{
    _cleanup_(hoist_client_freep) hoist_client *client = NULL;
    int rc = client_for(&client, &b->endpoint, 0, log, log_user, err);
    if (rc)
        return rc;
    hoist_build_options o = *opts;
    o.buildkit.builder = b->spec.addr;
    o.buildkit.builder_tls_ca = b->tls_ca[0] ? b->tls_ca : NULL;
    o.buildkit.builder_tls_cert = b->tls_cert[0] ? b->tls_cert : NULL;
    o.buildkit.builder_tls_key = b->tls_key[0] ? b->tls_key : NULL;
    return hoist_build(res, client, &o, err);
}

int bake_builder_push(const bake_builder *b, const char *ref, const hoist_build_options *opts,
                      volatile sig_atomic_t *cancel, hoist_log_fn log, void *log_user, hoist_error *err)
{
    _cleanup_(hoist_client_freep) hoist_client *client = NULL;
    int rc = client_for(&client, &b->endpoint, 0, log, log_user, err);
    if (rc)
        return rc;
    hoist_push_options popts = HOIST_PUSH_OPTIONS_INIT;
    popts.image = ref;
    popts.auth.docker_config = opts->registry.docker_config;
    popts.auth.home = opts->registry.home;
    popts.auth.path_env = opts->engine.path_env;
    popts.cancel = cancel;
    hoist_push_result pres;
    return hoist_push(&pres, client, &popts, err);
}

/* ---- moving an image ----------------------------------------------------- */

static int sink_to_fd(const char *data, size_t len, void *user)
{
    int fd = *(int *)user;
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

static size_t source_from_fd(char *buf, size_t len, void *user)
{
    int fd = *(int *)user;
    for (;;) {
        ssize_t n = read(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? HOIST_BODY_ABORT : (size_t)n;
    }
}

static int poll_cancel(void *user)
{
    volatile sig_atomic_t *c = user;
    return c && *c;
}

int bake_builder_move_image(const bake_builder *from, const bake_builder *to, const char *ref, const char *tmp_dir,
                            volatile sig_atomic_t *cancel, hoist_log_fn log, void *log_user, hoist_error *err)
{
    char path[HOIST_PATH_MAX];
    snprintf(path, sizeof(path), "%s/hoist-bake-image.XXXXXX", tmp_dir ? tmp_dir : "/tmp");
    _cleanup_close_ int fd = mkstemp(path);
    if (fd < 0) {
        int e = errno;
        hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(e), "cannot create a file in %s: %s",
                         tmp_dir ? tmp_dir : "/tmp", strerror(e));
        return hoist_error_hint(err, "give a writable directory with room for the image");
    }
    unlink(path); /* nothing left behind, whatever happens */
    _cleanup_(hoist_client_freep) hoist_client *src = NULL;
    _cleanup_(hoist_client_freep) hoist_client *dst = NULL;
    int rc = client_for(&src, &from->endpoint, 0, log, log_user, err);
    if (!rc)
        rc = client_for(&dst, &to->endpoint, 0, log, log_user, err);
    if (rc)
        return rc;
    _cleanup_free_ char *escaped = NULL;
    hoist_transport *tr = hoist_client_transport(src);
    if (!(escaped = hoist_transport_escape(tr, ref)))
        return hoist_error_nomem(err);
    char api[HOIST_PATH_MAX];
    snprintf(api, sizeof(api), "/images/%s/get", escaped);
    hoist_http_request get = {.method = "GET", .sink = sink_to_fd, .sink_user = &fd, .cancel = poll_cancel,
                              .cancel_user = (void *)cancel, .idle_timeout_s = 300};
    hoist_http_response resp = {0};
    rc = hoist_client_request(src, api, &get, &resp, err);
    if (!rc && (resp.status < 200 || resp.status > 299))
        rc = hoist_http_error_from_response(&resp, "GET /images/get", src, err);
    hoist_http_response_clear(&resp);
    if (rc)
        return hoist_error_prefix(err, "saving %s on builder %s", ref, from->spec.name), rc;
    if (lseek(fd, 0, SEEK_SET) < 0)
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_IO, "rewinding the saved image: %s", strerror(errno));
    static const char *const headers[] = {"Content-Type: application/x-tar", NULL};
    hoist_http_request load = {.method = "POST", .headers = headers, .body_source = source_from_fd,
                               .body_user = &fd, .cancel = poll_cancel, .cancel_user = (void *)cancel,
                               .idle_timeout_s = 300};
    memset(&resp, 0, sizeof(resp));
    rc = hoist_client_request(dst, "/images/load?quiet=1", &load, &resp, err);
    if (!rc && (resp.status < 200 || resp.status > 299))
        rc = hoist_http_error_from_response(&resp, "POST /images/load", dst, err);
    if (!rc && resp.body && strstr(resp.body, "\"error")) {
        rc = hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_DAEMON, "the engine did not load %s: %.300s", ref,
                              resp.body);
    }
    hoist_http_response_clear(&resp);
    if (rc)
        return hoist_error_prefix(err, "loading %s into builder %s", ref, to->spec.name), rc;
    return 0;
}
