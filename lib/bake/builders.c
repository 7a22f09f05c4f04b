/*
 * builders.c - the builders of a bake pool: their addresses, how a target
 * is built on one, and how an image goes from one to another.
 *
 * A builder is written "ADDR[,certs=DIR][,name=NAME][,slots=N]". Today
 * ADDR is a Docker engine (unix://, tcp://, ssh://, as -H takes them) and
 * certs=DIR holds ca.pem, cert.pem and key.pem for mutual TLS (the layout
 * of DOCKER_CERT_PATH). bake_builder_build() is the one place that maps a
 * builder to a hoist_build() call: a client of its own on the builder's
 * endpoint for each build (a client serves one build at a time), so that
 * builds on different builders, or on the slots of one, run in threads at
 * once. A BuildKit Control API builder (buildkitd, dockerd's /grpc) is
 * meant to be added here and nowhere else.
 *
 * Dependencies between builders move as images: GET /images/NAME/get on
 * the builder that built it, POST /images/load on the one that needs it,
 * through a file in tmp_dir (removed at once). The image keeps its ID and
 * tags, so a dependent's FROM TAG and its cache keys are the same as on
 * the builder that built the dependency; no registry is needed (the
 * builders may have no network at all). See docs/design.md "Bake".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bake/bake_internal.h"
#include "common/cleanup.h"
#include "engine/client_internal.h"
#include "hoist/registry.h"

HOIST_DEFINE_FREEP(hoist_client, hoist_client_free)

int bake_builder_spec_parse(bake_builder_spec *out, const char *text, const char *where, int line, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    _cleanup_free_ char *copy = strdup(text ? text : "");
    if (!copy)
        return hoist_error_nomem(err);
    char *save = NULL;
    int code = line ? HOIST_EINPUT : HOIST_EUSAGE;
    for (char *part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*part))
            part++;
        if (!out->addr[0]) {
            if (!strstr(part, "://") || strlen(part) >= sizeof(out->addr))
                break;
            snprintf(out->addr, sizeof(out->addr), "%s", part);
        } else if (!strncmp(part, "certs=", 6)) {
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
        return hoist_error_hint(err, "start it with unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST");
    }
    hoist_endpoint ep;
    hoist_error perr = HOIST_ERROR_INIT;
    if (hoist_endpoint_parse_host(&ep, out->addr, &perr)) {
        hoist_error_setr(err, code, HOIST_REASON_INVALID, "%s: builder \"%s\": %s", where, text, perr.message);
        if (line)
            hoist_error_at(err, where, line, 0);
        return hoist_error_hint(err, "%s", perr.hint[0] ? perr.hint : "use unix://PATH, tcp://HOST:PORT or ssh://HOST");
    }
    if (out->certs[0] && ep.kind != HOIST_ENDPOINT_TCP) {
        hoist_error_setr(err, code, HOIST_REASON_INVALID, "%s: builder \"%s\": certs= is for tcp:// addresses", where,
                         text);
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

int bake_builder_endpoint(hoist_endpoint *out, const bake_builder_spec *spec, hoist_error *err)
{
    int rc = hoist_endpoint_parse_host(out, spec->addr, err);
    if (rc)
        return rc;
    out->source = HOIST_ENDPOINT_FROM_FLAG;
    if (out->kind == HOIST_ENDPOINT_SSH && !out->ssh_socket[0])
        snprintf(out->ssh_socket, sizeof(out->ssh_socket), "/var/run/docker.sock");
    if (spec->certs[0]) {
        out->tls = true;
        out->tls_verify = true;
        snprintf(out->ca_file, sizeof(out->ca_file), "%s/ca.pem", spec->certs);
        snprintf(out->cert_file, sizeof(out->cert_file), "%s/cert.pem", spec->certs);
        snprintf(out->key_file, sizeof(out->key_file), "%s/key.pem", spec->certs);
        const char *files[] = {out->ca_file, out->cert_file, out->key_file};
        for (size_t i = 0; i < 3; i++)
            if (access(files[i], R_OK)) {
                hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_NOT_FOUND, "builder %s: cannot read %s", spec->name,
                                 files[i]);
                return hoist_error_hint(err, "certs=DIR needs ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH)");
            }
    }
    return 0;
}

static int client_for(hoist_client **out, const bake_builder *b, hoist_log_fn log, void *log_user, hoist_error *err)
{
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    copts.endpoint = &b->endpoint;
    copts.log = log;
    copts.log_user = log_user;
    return hoist_client_new(out, &copts, err);
}

int bake_builder_build(hoist_build_result *res, const bake_builder *b, const hoist_build_options *opts,
                       hoist_log_fn log, void *log_user, hoist_error *err)
{
    _cleanup_(hoist_client_freep) hoist_client *client = NULL;
    int rc = client_for(&client, b, log, log_user, err);
    if (rc)
        return rc;
    return hoist_build(res, client, opts, err);
}

int bake_builder_push(const bake_builder *b, const char *ref, const hoist_build_options *opts,
                      volatile sig_atomic_t *cancel, hoist_log_fn log, void *log_user, hoist_error *err)
{
    _cleanup_(hoist_client_freep) hoist_client *client = NULL;
    int rc = client_for(&client, b, log, log_user, err);
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
    int rc = client_for(&src, from, log, log_user, err);
    if (!rc)
        rc = client_for(&dst, to, log, log_user, err);
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
