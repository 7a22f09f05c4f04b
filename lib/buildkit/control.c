/*
 * control.c - hoist_build on a BuildKit builder through the Control API
 * (see control.h for the sequence).
 *
 * One thread (the caller's) runs the gRPC connection: grpcc_run polls the
 * builder's stream and the local end of the session's socketpair, and the
 * three calls (Session, Solve, Status) progress together. Bytes the
 * builder sends on Session are queued for the socketpair; while more than
 * PUMP_HIGH bytes wait, the connection is not read (back-pressure through
 * HTTP/2 flow control). Bytes the session writes are sent as BytesMessage
 * while the Session call's queue is under PUMP_HIGH.
 */
#include "buildkit/control.h"

#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "build/bk_trace.h"
#include "buildkit/dial.h"
#include "buildkit/transfer.h"
#include "common/buf.h"
#include "common/cleanup.h"
#include "engine/client_internal.h"
#include "control_api.pb-c.h"
#include "session/session.h"

#define PUMP_HIGH (4u * 1024 * 1024)
#define STATUS_GRACE_S 10.0   /* after Solve: wait this long for the Status stream to end */
#define CANCEL_GRACE_S 5.0    /* after a cancel: wait this long for the builder to wind down */
#define MAX_ATTRS 512

/* ---- string maps for the request ---------------------------------------- */

typedef struct kv_list {
    char *key[MAX_ATTRS];
    char *value[MAX_ATTRS];
    size_t n;
    bool failed;
} kv_list;

static void kv_add(kv_list *l, const char *key, const char *value)
{
    if (l->n == MAX_ATTRS) {
        l->failed = true;
        return;
    }
    l->key[l->n] = strdup(key);
    l->value[l->n] = strdup(value);
    if (!l->key[l->n] || !l->value[l->n])
        l->failed = true;
    l->n++;
}

static void kv_free(kv_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->key[i]);
        free(l->value[i]);
    }
    l->n = 0;
}

/* Entries of any protobuf-c map<string,string> (they share one layout). */
typedef struct map_entry {
    ProtobufCMessage base;
    char *key;
    char *value;
} map_entry;

static map_entry **kv_entries(const kv_list *l, const ProtobufCMessageDescriptor *desc, map_entry **storage)
{
    map_entry *items = calloc(l->n ? l->n : 1, sizeof(*items));
    map_entry **ptrs = calloc(l->n ? l->n : 1, sizeof(*ptrs));
    if (!items || !ptrs) {
        free(items);
        free(ptrs);
        return NULL;
    }
    for (size_t i = 0; i < l->n; i++) {
        protobuf_c_message_init(desc, &items[i]);
        items[i].key = l->key[i];
        items[i].value = l->value[i];
        ptrs[i] = &items[i];
    }
    *storage = items;
    return ptrs;
}

/* The dockerfile.v0 frontend's attributes, from the build options. */
static int frontend_attrs(const hoist_build_options *opts, const char *df_name, kv_list *a, hoist_error *err)
{
    const hoist_build_params *p = &opts->params;
    kv_add(a, "filename", df_name);
    if (p->target && *p->target)
        kv_add(a, "target", p->target);
    if (p->platform && *p->platform)
        kv_add(a, "platform", p->platform);
    if (p->no_cache)
        kv_add(a, "no-cache", "");
    if (p->pull)
        kv_add(a, "image-resolve-mode", "pull");
    char key[600];
    for (size_t i = 0; i < p->build_arg_count; i++) {
        const char *arg = p->build_args[i], *eq = strchr(arg, '=');
        if (eq) {
            snprintf(key, sizeof(key), "build-arg:%.*s", (int)(eq - arg), arg);
            kv_add(a, key, eq + 1);
        } else if (getenv(arg)) { /* "K": from the environment, as docker build does */
            snprintf(key, sizeof(key), "build-arg:%s", arg);
            kv_add(a, key, getenv(arg));
        }
    }
    for (size_t i = 0; i < p->label_count; i++) {
        const char *l = p->labels[i], *eq = strchr(l, '=');
        snprintf(key, sizeof(key), "label:%.*s", (int)(eq ? eq - l : (long)strlen(l)), l);
        kv_add(a, key, eq ? eq + 1 : "");
    }
    if (p->network && *p->network && strcmp(p->network, "default")) {
        if (strcmp(p->network, "none") && strcmp(p->network, "host")) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_UNSUPPORTED, "--network %s: a BuildKit builder runs "
                             "steps with network default, none or host only", p->network);
            return hoist_error_hint(err, "use --network none or host, or build without --builder");
        }
        kv_add(a, "force-network-mode", p->network);
    }
    if (p->add_host_count) {
        /* "host=ip,host=ip"; docker's host:ip is split at its first ':' */
        hbuf hosts = {0};
        for (size_t i = 0; i < p->add_host_count; i++) {
            const char *h = p->add_hosts[i];
            const char *sep = strchr(h, '=');
            if (!sep)
                sep = strchr(h, ':');
            if (i)
                hbuf_putc(&hosts, ',');
            if (sep)
                hbuf_printf(&hosts, "%.*s=%s", (int)(sep - h), h, sep + 1);
            else
                hbuf_puts(&hosts, h);
        }
        hbuf_terminate(&hosts);
        if (hosts.data)
            kv_add(a, "add-hosts", hosts.data);
        bool bad = hosts.failed;
        hbuf_free(&hosts);
        if (bad)
            return hoist_error_nomem(err);
    }
    if (p->shm_size > 0) {
        char n[32];
        snprintf(n, sizeof(n), "%lld", p->shm_size);
        kv_add(a, "shm-size", n);
    }
    if (p->cache_from_count) {
        hbuf list = {0};
        for (size_t i = 0; i < p->cache_from_count; i++) {
            if (strchr(p->cache_from[i], '='))
                continue; /* type=...: a cache import (cache options), not an image */
            if (list.len)
                hbuf_putc(&list, ',');
            hbuf_puts(&list, p->cache_from[i]);
        }
        hbuf_terminate(&list);
        if (list.len)
            kv_add(a, "cache-from", list.data);
        hbuf_free(&list);
    }
    if (a->failed)
        return hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_LIMIT, "too many build arguments and labels "
                                "(more than %d)", MAX_ATTRS);
    return 0;
}

/* ---- cache imports and exports ------------------------------------------ */

typedef struct cache_opts {
    Moby__Buildkit__V1__CacheOptionsEntry **imports, **exports;
    size_t n_imports, n_exports;
} cache_opts;

static void entry_free(Moby__Buildkit__V1__CacheOptionsEntry *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_attrs; i++) {
        free(e->attrs[i]->key);
        free(e->attrs[i]->value);
        free(e->attrs[i]);
    }
    free(e->attrs);
    if (e->type != protobuf_c_empty_string)
        free(e->type);
    free(e);
}

static void cache_free(cache_opts *c)
{
    for (size_t i = 0; i < c->n_imports; i++)
        entry_free(c->imports[i]);
    for (size_t i = 0; i < c->n_exports; i++)
        entry_free(c->exports[i]);
    free(c->imports);
    free(c->exports);
}

/* "type=T,k=v,..." (a bare REF is type=registry,ref=REF) into an entry. */
static int cache_entry(const char *spec, const char *flag, Moby__Buildkit__V1__CacheOptionsEntry **out,
                       hoist_error *err)
{
    Moby__Buildkit__V1__CacheOptionsEntry *e = calloc(1, sizeof(*e));
    if (!e)
        return hoist_error_nomem(err);
    moby__buildkit__v1__cache_options_entry__init(e);
    *out = e;
    if (!strchr(spec, '=')) {
        e->type = strdup("registry");
        e->attrs = calloc(1, sizeof(*e->attrs));
        Moby__Buildkit__V1__CacheOptionsEntry__AttrsEntry *a = calloc(1, sizeof(*a));
        if (!e->type || !e->attrs || !a) {
            free(a);
            return hoist_error_nomem(err);
        }
        moby__buildkit__v1__cache_options_entry__attrs_entry__init(a);
        a->key = strdup("ref");
        a->value = strdup(spec);
        e->attrs[e->n_attrs++] = a;
        return a->key && a->value ? 0 : hoist_error_nomem(err);
    }
    size_t fields = 1;
    for (const char *p = spec; *p; p++)
        fields += *p == ',';
    if (!(e->attrs = calloc(fields, sizeof(*e->attrs))))
        return hoist_error_nomem(err);
    for (const char *p = spec; *p;) {
        size_t n = strcspn(p, ",");
        const char *eq = memchr(p, '=', n);
        if (!eq || eq == p) {
            hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "%s '%s': '%.*s' is not KEY=VALUE", flag, spec,
                             (int)n, p);
            return hoist_error_hint(err, "write %s type=registry,ref=REGISTRY/IMAGE:cache or %s type=inline", flag,
                                    flag);
        }
        char *key = strndup(p, (size_t)(eq - p)), *value = strndup(eq + 1, n - (size_t)(eq - p) - 1);
        if (!key || !value) {
            free(key);
            free(value);
            return hoist_error_nomem(err);
        }
        if (!strcmp(key, "type")) {
            free(key);
            if (e->type && e->type != protobuf_c_empty_string)
                free(e->type);
            e->type = value;
        } else {
            Moby__Buildkit__V1__CacheOptionsEntry__AttrsEntry *a = calloc(1, sizeof(*a));
            if (!a) {
                free(key);
                free(value);
                return hoist_error_nomem(err);
            }
            moby__buildkit__v1__cache_options_entry__attrs_entry__init(a);
            a->key = key;
            a->value = value;
            e->attrs[e->n_attrs++] = a;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (!e->type || e->type == protobuf_c_empty_string || !e->type[0]) {
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_INVALID, "%s '%s' has no type", flag, spec);
        return hoist_error_hint(err, "write %s type=registry,ref=REGISTRY/IMAGE:cache or %s type=inline", flag, flag);
    }
    if (!strcmp(e->type, "local")) {
        /* buildctl serves a local cache as a content store over the session */
        hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_UNSUPPORTED, "%s '%s': type=local needs the client's content "
                         "store in the session, which hoist does not serve", flag, spec);
        return hoist_error_hint(err, "share the cache through a registry: %s type=registry,ref=REGISTRY/IMAGE:cache",
                                flag);
    }
    return 0;
}

static int cache_parse(const hoist_build_options *opts, cache_opts *c, hoist_error *err)
{
    const hoist_build_params *p = &opts->params;
    const hoist_build_buildkit_options *bk = &opts->buildkit;
    size_t ni = 0;
    for (size_t i = 0; i < p->cache_from_count; i++)
        ni += strchr(p->cache_from[i], '=') != NULL; /* bare image refs go to the frontend's cache-from */
    if ((ni && !(c->imports = calloc(ni, sizeof(*c->imports)))) ||
        (bk->cache_to_count && !(c->exports = calloc(bk->cache_to_count, sizeof(*c->exports)))))
        return hoist_error_nomem(err);
    for (size_t i = 0; i < p->cache_from_count; i++) {
        if (!strchr(p->cache_from[i], '='))
            continue;
        int rc = cache_entry(p->cache_from[i], "--cache-from", &c->imports[c->n_imports++], err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < bk->cache_to_count; i++) {
        int rc = cache_entry(bk->cache_to[i], "--cache-to", &c->exports[c->n_exports++], err);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- the run ------------------------------------------------------------ */

typedef struct ctl_run {
    const hoist_build_plan *plan;
    hoist_build_decoder *decoder;
    hoist_bk_trace *trace;
    grpcc *c;
    grpcc_call *session_call, *solve_call, *status_call;
    int pump_fd;                    /* our end of the session's socketpair */
    uint8_t *to_session;            /* builder -> session bytes not yet written */
    size_t to_len, to_off, to_cap;
    bool pump_eof;                  /* the session closed its end */
    bool session_done;
    int trace_rc;
    hoist_error trace_err;
    bool solve_done, status_done;
    int solve_status;
    char solve_message[4096];
    char image_id[160];
    char exporter_keys[512];        /* what the exporter answered (for a missing image id) */
    bool oom;
} ctl_run;

static void pump_write(ctl_run *r)
{
    while (r->to_off < r->to_len) {
        ssize_t n = send(r->pump_fd, r->to_session + r->to_off, r->to_len - r->to_off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            r->pump_eof = true; /* the session is gone; the builder learns it from the stream */
            r->to_off = r->to_len = 0;
            return;
        }
        r->to_off += (size_t)n;
    }
    r->to_off = r->to_len = 0;
}

static int on_session_message(grpcc_call *call, const uint8_t *msg, size_t len, void *user)
{
    (void)call;
    ctl_run *r = user;
    Moby__Buildkit__V1__BytesMessage *m = moby__buildkit__v1__bytes_message__unpack(NULL, len, msg);
    if (!m)
        return 1;
    if (!r->pump_eof && m->data.len) {
        if (r->to_off && r->to_off == r->to_len)
            r->to_off = r->to_len = 0;
        if (r->to_len + m->data.len > r->to_cap) {
            size_t cap = r->to_cap ? r->to_cap : 65536;
            while (cap < r->to_len + m->data.len)
                cap *= 2;
            uint8_t *n = realloc(r->to_session, cap);
            if (!n) {
                r->oom = true;
                moby__buildkit__v1__bytes_message__free_unpacked(m, NULL);
                return 1;
            }
            r->to_session = n;
            r->to_cap = cap;
        }
        memcpy(r->to_session + r->to_len, m->data.data, m->data.len);
        r->to_len += m->data.len;
    }
    moby__buildkit__v1__bytes_message__free_unpacked(m, NULL);
    pump_write(r);
    return 0;
}

static void on_session_done(grpcc_call *call, int status, const char *message, void *user)
{
    (void)call;
    (void)status;
    (void)message;
    ctl_run *r = user;
    r->session_done = true;
}

/* Session bytes to the builder, while the call's queue has room. */
static void pump_read(ctl_run *r)
{
    uint8_t buf[65536];
    for (int i = 0; i < 16 && !r->pump_eof && !r->session_done; i++) {
        if (grpcc_call_queued(r->session_call) > PUMP_HIGH)
            return;
        ssize_t n = recv(r->pump_fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        if (n <= 0) {
            r->pump_eof = true;
            grpcc_close_send(r->session_call);
            return;
        }
        Moby__Buildkit__V1__BytesMessage m = MOBY__BUILDKIT__V1__BYTES_MESSAGE__INIT;
        m.data.data = buf;
        m.data.len = (size_t)n;
        if (grpcc_send_msg(r->session_call, &m.base))
            return;
    }
}

static int on_solve_message(grpcc_call *call, const uint8_t *msg, size_t len, void *user)
{
    (void)call;
    ctl_run *r = user;
    Moby__Buildkit__V1__SolveResponse *resp = moby__buildkit__v1__solve_response__unpack(NULL, len, msg);
    if (!resp)
        return 0; /* the status says what went wrong, if anything */
    size_t used = 0;
    for (size_t i = 0; i < resp->n_exporter_response; i++) {
        const char *k = resp->exporter_response[i]->key, *v = resp->exporter_response[i]->value;
        if (!strcmp(k, "containerimage.digest") && !r->image_id[0])
            snprintf(r->image_id, sizeof(r->image_id), "%s", v);
        if (!strcmp(k, "containerimage.config.digest"))
            snprintf(r->image_id, sizeof(r->image_id), "%s", v);
        int n = snprintf(r->exporter_keys + used, sizeof(r->exporter_keys) - used, "%s%s", used ? ", " : "", k);
        if (n > 0 && used + (size_t)n < sizeof(r->exporter_keys))
            used += (size_t)n;
    }
    moby__buildkit__v1__solve_response__free_unpacked(resp, NULL);
    return 0;
}

static void on_solve_done(grpcc_call *call, int status, const char *message, void *user)
{
    (void)call;
    ctl_run *r = user;
    r->solve_done = true;
    r->solve_status = status;
    snprintf(r->solve_message, sizeof(r->solve_message), "%s", message ? message : "");
}

static int on_status_message(grpcc_call *call, const uint8_t *msg, size_t len, void *user)
{
    (void)call;
    ctl_run *r = user;
    if (r->trace_rc)
        return 0;
    r->trace_rc = hoist_bk_trace_status(r->trace, msg, len, &r->trace_err);
    return 0;
}

static void on_status_done(grpcc_call *call, int status, const char *message, void *user)
{
    (void)call;
    (void)status;
    (void)message;
    ctl_run *r = user;
    r->status_done = true;
}

static void random_id(char *out, size_t size)
{
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    unsigned char rnd[25];
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
        memset(rnd, 7, sizeof(rnd));
    size_t n = sizeof(rnd) < size - 1 ? sizeof(rnd) : size - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[rnd[i] % 36];
    out[n] = '\0';
}

static void note(hoist_build_decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(hoist_build_decoder *d, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    hoist_build_event ev = {.kind = HOIST_EVENT_NOTE, .text = text, .current = -1, .total = -1};
    hoist_build_decoder_emit(d, &ev);
}

/* A message of the daemon's /build reply, for bk_trace (errors, the image). */
static void trace_json(ctl_run *r, json_t *msg)
{
    if (msg && !r->trace_rc)
        r->trace_rc = hoist_bk_trace_message(r->trace, msg, &r->trace_err);
    json_decref(msg);
}

static bool cancel_requested(const ctl_run *r)
{
    const hoist_build_options *opts = r->plan->opts;
    return r->decoder->stop || (opts->output.cancel && *opts->output.cancel) || r->trace_rc == HOIST_EINTERRUPTED;
}

/* Run the three calls until Solve has answered and Status has ended (or
 * the grace times passed), the build was cancelled, or the connection
 * was lost. */
static void run_calls(ctl_run *r, bool *cancelled)
{
    double solve_done_at = 0, cancelled_at = 0;
    hoist_error ignored = HOIST_ERROR_INIT;
    while (grpcc_alive(r->c)) {
        double now = hoist_monotonic_seconds();
        if (!*cancelled && cancel_requested(r)) {
            *cancelled = true;
            cancelled_at = now;
            grpcc_cancel(r->solve_call);
            grpcc_cancel(r->status_call);
        }
        if (*cancelled && now - cancelled_at > CANCEL_GRACE_S)
            break;
        if (r->solve_done && !*cancelled) {
            if (!solve_done_at)
                solve_done_at = now;
            if (r->status_done || now - solve_done_at > STATUS_GRACE_S)
                break;
        }
        if (*cancelled)
            break; /* the reset is sent below, after the loop */
        struct pollfd pfd = {.fd = r->pump_fd, .events = 0};
        if (!r->pump_eof && !r->session_done && grpcc_call_queued(r->session_call) <= PUMP_HIGH)
            pfd.events |= POLLIN;
        if (r->to_off < r->to_len)
            pfd.events |= POLLOUT;
        grpcc_pause_read(r->c, r->to_len - r->to_off > PUMP_HIGH);
        if (grpcc_run(r->c, &pfd, 1, 100, &ignored))
            break;
        if (pfd.revents & POLLOUT)
            pump_write(r);
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
            pump_read(r);
        if (r->oom)
            break;
    }
    /* the resets and the end of the session stream go out now */
    if (r->session_call && !r->session_done)
        grpcc_close_send(r->session_call);
    for (int i = 0; i < 5 && grpcc_alive(r->c); i++)
        if (grpcc_run(r->c, NULL, 0, 0, &ignored))
            break;
}

/* The Dockerfile's directory and name (-f may point outside the context). */
static int dockerfile_parts(const hoist_build_plan *plan, char **dir, char **name, hoist_error *err)
{
    _cleanup_free_ char *df_path = realpath(hoist_context_dockerfile_path(plan->ctx), NULL);
    if (!df_path) {
        hoist_error_set(err, HOIST_EINPUT, "cannot resolve the Dockerfile %s: %s", plan->dockerfile_label,
                        strerror(errno));
        return hoist_error_at(err, plan->dockerfile_label, 0, 0);
    }
    _cleanup_free_ char *a = strdup(df_path), *b = strdup(df_path);
    if (!a || !b)
        return hoist_error_nomem(err);
    *dir = strdup(dirname(a));
    *name = strdup(basename(b));
    if (!*dir || !*name)
        return hoist_error_nomem(err);
    return 0;
}

/* ListWorkers and Info: what the builder is, for --progress, and whether
 * it is a Docker engine's BuildKit (its worker's executor is "moby"). Info
 * is newer than Docker 20.10's BuildKit: UNIMPLEMENTED is not an error. */
static int describe_builder(ctl_run *r, bool *moby, hoist_error *err)
{
    *moby = false;
    Moby__Buildkit__V1__ListWorkersRequest lreq = MOBY__BUILDKIT__V1__LIST_WORKERS_REQUEST__INIT;
    uint8_t *raw = NULL;
    size_t len = 0;
    int rc = grpcc_unary(r->c, "/moby.buildkit.v1.Control/ListWorkers", &lreq.base, &raw, &len, 30000, NULL, err);
    if (rc) {
        if (rc != HOIST_EINTERRUPTED)
            hoist_error_prefix(err, "cannot talk to the builder");
        return rc;
    }
    Moby__Buildkit__V1__ListWorkersResponse *lw = moby__buildkit__v1__list_workers_response__unpack(NULL, len, raw);
    free(raw);
    if (!lw)
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "the builder's ListWorkers reply is not a "
                                "valid ListWorkersResponse");
    for (size_t i = 0; i < lw->n_record; i++) {
        const Moby__Buildkit__V1__WorkerRecord *w = lw->record[i];
        char plats[256] = "";
        size_t used = 0;
        for (size_t k = 0; k < w->n_platforms && used < sizeof(plats) - 1; k++) {
            int n = snprintf(plats + used, sizeof(plats) - used, "%s%s/%s%s%s", k ? "," : "", w->platforms[k]->os,
                             w->platforms[k]->architecture, w->platforms[k]->variant[0] ? "/" : "",
                             w->platforms[k]->variant);
            if (n > 0)
                used += (size_t)n;
        }
        const char *executor = "";
        for (size_t k = 0; k < w->n_labels; k++)
            if (!strcmp(w->labels[k]->key, "org.mobyproject.buildkit.worker.executor"))
                executor = w->labels[k]->value;
        if (!strcmp(executor, "moby") || !strcmp(w->id, "moby"))
            *moby = true;
        note(r->decoder, "builder worker %s: platforms %s%s%s%s%s", w->id, plats[0] ? plats : "?",
             executor[0] ? ", executor " : "", executor,
             w->buildkit_version && w->buildkit_version->version[0] ? ", BuildKit " : "",
             w->buildkit_version ? w->buildkit_version->version : "");
    }
    moby__buildkit__v1__list_workers_response__free_unpacked(lw, NULL);
    Moby__Buildkit__V1__InfoRequest ireq = MOBY__BUILDKIT__V1__INFO_REQUEST__INIT;
    int status = -1;
    hoist_error ierr = HOIST_ERROR_INIT;
    if (!grpcc_unary(r->c, "/moby.buildkit.v1.Control/Info", &ireq.base, &raw, &len, 30000, &status, &ierr)) {
        Moby__Buildkit__V1__InfoResponse *info = moby__buildkit__v1__info_response__unpack(NULL, len, raw);
        if (info && info->buildkit_version)
            note(r->decoder, "builder BuildKit %s %s (%s)", info->buildkit_version->package,
                 info->buildkit_version->version, info->buildkit_version->revision);
        if (info)
            moby__buildkit__v1__info_response__free_unpacked(info, NULL);
        free(raw);
    } else if (!grpcc_alive(r->c)) {
        *err = ierr;
        return ierr.code;
    }
    return 0;
}

int hoist_build_run_control(const hoist_build_plan *plan, hoist_build_decoder *decoder, hoist_error *err)
{
    const hoist_build_options *opts = plan->opts;
    const hoist_build_buildkit_options *bk = &opts->buildkit;
    hoist_build_result *result = plan->result;
    int rc = bk_address_check(bk->builder, err);
    if (rc)
        return rc;
    hoist_build_output output;
    _cleanup_(bk_secrets_free) bk_secrets secrets = {0};
    _cleanup_(bk_ssh_free) bk_ssh ssh = {0};
    _cleanup_(cache_free) cache_opts cache = {0};
    if ((rc = hoist_build_parse_output(bk->output, &output, err)) ||
        (rc = hoist_bk_parse_secrets(bk, &secrets, err)) || (rc = hoist_bk_parse_ssh(bk, &ssh, err)) ||
        (rc = cache_parse(opts, &cache, err)))
        return rc;
    _cleanup_free_ char *df_dir = NULL, *df_name = NULL;
    if ((rc = dockerfile_parts(plan, &df_dir, &df_name, err)))
        return rc;
    _cleanup_(kv_free) kv_list fattrs = {0};
    _cleanup_(kv_free) kv_list eattrs = {0};
    if ((rc = frontend_attrs(opts, df_name, &fattrs, err)))
        return rc;

    /* the session, not serving yet */
    hoist_session_config cfg = {
        .context_dir = hoist_context_dir(plan->ctx),
        .dockerfile_dir = df_dir,
        .docker_config_dir = opts->registry.docker_config,
        .home = opts->registry.home,
        .path_env = opts->engine.path_env,
        .secrets = secrets.items,
        .n_secrets = secrets.count,
        .ssh = ssh.items,
        .n_ssh = ssh.count,
        .cancel = opts->output.cancel,
    };
    hoist_session *session = NULL;
    if ((rc = hoist_session_prepare(&session, &cfg, err)))
        return rc;

    /* the builder */
    bk_dial_options dopts = {
        .address = bk->builder,
        .engine = plan->client,
        .tls_ca = bk->builder_tls_ca,
        .tls_cert = bk->builder_tls_cert,
        .tls_key = bk->builder_tls_key,
        .path_env = opts->engine.path_env,
    };
    bk_dial_info info;
    ctl_run r = {.plan = plan, .decoder = decoder, .pump_fd = -1};
    if ((rc = bk_dial(&dopts, &r.c, &info, err))) {
        hoist_session_close(session, NULL);
        return rc;
    }
    note(decoder, "builder: %s", info.describe);
    grpcc_set_cancel(r.c, opts->output.cancel);
    bool moby_worker = false;
    if ((rc = describe_builder(&r, &moby_worker, err))) {
        grpcc_free(r.c);
        hoist_session_close(session, NULL);
        return rc;
    }

    /* Where the image goes: the moby exporter puts it in the builder's own
     * engine; another engine's image is copied over; buildkitd's comes as
     * the docker exporter's tar through the session (FileSend). */
    enum { TO_ENGINE, COPY_FROM_ENGINE, LOAD_TAR, MOBY_CHECK, FILES } dest = TO_ENGINE;
    if (output.type != HOIST_BUILD_OUTPUT_IMAGE) {
        dest = FILES; /* the tar exporter through the session's FileSend */
    } else if (!info.engine_is_builder && info.via_dockerd) {
        json_t *mine = NULL;
        hoist_error ignored = HOIST_ERROR_INIT;
        char id[sizeof(info.engine_id)] = "";
        if (!hoist_client_get_json(plan->client, "/info", &mine, &ignored)) {
            const char *eid = json_string_value(json_object_get(mine, "ID"));
            const char *root = json_string_value(json_object_get(mine, "DockerRootDir"));
            if (eid)
                snprintf(id, sizeof(id), "%s %s", eid, root ? root : "");
        }
        dest = id[0] && !strcmp(id, info.engine_id) ? TO_ENGINE : COPY_FROM_ENGINE;
        json_decref(mine);
        note(decoder, dest == TO_ENGINE ? "the builder's engine is the engine hoist builds for"
                                        : "the builder's engine is another engine: the image will be copied over");
    } else if (!info.engine_is_builder && moby_worker) {
        /* a Docker engine's BuildKit behind a plain socket: which engine is
         * unknown; the image must turn up in ours */
        dest = MOBY_CHECK;
    } else if (!info.engine_is_builder) {
        dest = LOAD_TAR;
    }
    char tar_path[PATH_MAX] = "";
    if (dest == FILES && output.type == HOIST_BUILD_OUTPUT_TAR)
        snprintf(tar_path, sizeof(tar_path), "%s", output.dest);
    if (dest == LOAD_TAR || (dest == FILES && output.type == HOIST_BUILD_OUTPUT_LOCAL)) {
        /* a temporary tar: the image to load, or the files to unpack into dest */
        const char *tmpdir = getenv("TMPDIR");
        if (dest == FILES) {
            _cleanup_free_ char *copy = strdup(output.dest);
            snprintf(tar_path, sizeof(tar_path), "%s/.hoist-output-XXXXXX.tar", copy ? dirname(copy) : ".");
        } else {
            snprintf(tar_path, sizeof(tar_path), "%s/hoist-image-XXXXXX.tar", tmpdir && *tmpdir ? tmpdir : "/tmp");
        }
        int tfd = mkstemps(tar_path, 4);
        if (tfd < 0) {
            hoist_error_set(err, HOIST_EINPUT, "cannot create the temporary file %s: %s", tar_path, strerror(errno));
            grpcc_free(r.c);
            hoist_session_close(session, NULL);
            tar_path[0] = '\0';
            return err->code;
        }
        close(tfd);
    }
    if (tar_path[0]) {
        if ((rc = hoist_session_set_output_tar(session, tar_path, err))) {
            unlink(tar_path);
            grpcc_free(r.c);
            hoist_session_close(session, NULL);
            return rc;
        }
    }

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        if (tar_path[0])
            unlink(tar_path);
        grpcc_free(r.c);
        hoist_session_close(session, NULL);
        return hoist_error_set(err, HOIST_EFAILED, "socketpair: %s", strerror(errno));
    }
    r.pump_fd = sv[1];
    if ((rc = hoist_session_serve_fd(session, sv[0], bk->builder, err))) {
        if (tar_path[0])
            unlink(tar_path);
        close(sv[1]);
        grpcc_free(r.c);
        hoist_session_close(session, NULL);
        return rc;
    }

    /* Control.Session, with the session's headers as metadata */
    hoist_session_header hdrs[64];
    int nh = hoist_session_headers(session, hdrs, 64);
    if (nh > 64)
        nh = 64;
    grpcc_md md[64];
    for (int i = 0; i < nh; i++)
        md[i] = (grpcc_md){hdrs[i].name, hdrs[i].value};
    grpcc_handlers sh = {on_session_message, on_session_done};
    r.session_call = grpcc_start(r.c, "/moby.buildkit.v1.Control/Session", md, (size_t)nh, &sh, &r);

    /* Control.Solve */
    char ref[32];
    random_id(ref, sizeof(ref));
    if (opts->params.tag_count && dest != FILES) {
        hbuf names = {0};
        for (size_t i = 0; i < opts->params.tag_count; i++) {
            if (i)
                hbuf_putc(&names, ',');
            hbuf_puts(&names, opts->params.tags[i]);
        }
        hbuf_terminate(&names);
        if (names.data)
            kv_add(&eattrs, "name", names.data);
        hbuf_free(&names);
    }
    map_entry *fstore = NULL, *estore = NULL;
    Moby__Buildkit__V1__SolveRequest req = MOBY__BUILDKIT__V1__SOLVE_REQUEST__INIT;
    req.ref = ref;
    req.session = (char *)hoist_session_id(session);
    req.frontend = "dockerfile.v0";
    req.exporter = dest == LOAD_TAR ? "docker" : dest == FILES ? "tar" : "moby";
    Moby__Buildkit__V1__CacheOptions copts = MOBY__BUILDKIT__V1__CACHE_OPTIONS__INIT;
    if (cache.n_imports || cache.n_exports) {
        copts.n_imports = cache.n_imports;
        copts.imports = cache.imports;
        copts.n_exports = cache.n_exports;
        copts.exports = cache.exports;
        req.cache = &copts;
    }
    req.n_frontend_attrs = fattrs.n;
    req.frontend_attrs = (Moby__Buildkit__V1__SolveRequest__FrontendAttrsEntry **)kv_entries(
        &fattrs, &moby__buildkit__v1__solve_request__frontend_attrs_entry__descriptor, &fstore);
    req.n_exporter_attrs = eattrs.n;
    req.exporter_attrs = (Moby__Buildkit__V1__SolveRequest__ExporterAttrsEntry **)kv_entries(
        &eattrs, &moby__buildkit__v1__solve_request__exporter_attrs_entry__descriptor, &estore);
    grpcc_handlers solve_h = {on_solve_message, on_solve_done};
    r.solve_call = grpcc_start(r.c, "/moby.buildkit.v1.Control/Solve", NULL, 0, &solve_h, &r);
    bool oom = !r.session_call || !r.solve_call || !req.frontend_attrs || !req.exporter_attrs ||
               eattrs.failed || grpcc_send_msg(r.solve_call, &req.base);
    free(req.frontend_attrs);
    free(req.exporter_attrs);
    free(fstore);
    free(estore);
    if (r.solve_call)
        grpcc_close_send(r.solve_call);

    /* Control.Status */
    Moby__Buildkit__V1__StatusRequest sreq = MOBY__BUILDKIT__V1__STATUS_REQUEST__INIT;
    sreq.ref = ref;
    grpcc_handlers status_h = {on_status_message, on_status_done};
    r.status_call = grpcc_start(r.c, "/moby.buildkit.v1.Control/Status", NULL, 0, &status_h, &r);
    oom = oom || !r.status_call || grpcc_send_msg(r.status_call, &sreq.base);
    if (r.status_call)
        grpcc_close_send(r.status_call);
    r.trace = hoist_bk_trace_new(decoder, plan->df);
    bool cancelled = false;
    if (!oom && r.trace)
        run_calls(&r, &cancelled);
    else
        r.oom = true;

    /* outcome */
    /* the connection died (the builder, or the way to it): not a build failure */
    bool lost = !cancelled && (!r.solve_done || (r.solve_status != 0 && grpcc_error(r.c)[0]));
    char lost_why[700];
    snprintf(lost_why, sizeof(lost_why), "%s", grpcc_error(r.c)[0] ? grpcc_error(r.c) : "the connection ended");
    if (!cancelled && r.solve_done && r.solve_status == 0 && r.image_id[0]) {
        json_t *m = json_pack("{s:s, s:{s:s}}", "id", "moby.image.id", "aux", "ID", r.image_id);
        trace_json(&r, m);
    } else if (!cancelled && r.solve_done && r.solve_status != 0) {
        json_t *m = json_pack("{s:{s:s}}", "errorDetail", "message", r.solve_message);
        trace_json(&r, m);
    }
    int trace_rc = r.trace_rc;
    hoist_error trace_err = r.trace_err;
    if (!cancelled && !lost && !trace_rc && r.trace)
        trace_rc = hoist_bk_trace_finish(r.trace, &trace_err);
    if (dest == FILES && trace_rc == HOIST_EENV && !decoder->failed && r.solve_done && r.solve_status == 0)
        trace_rc = 0; /* files exported: no image id is expected */

    if (r.pump_fd >= 0)
        shutdown(r.pump_fd, SHUT_RDWR);
    hoist_session_stats stats;
    hoist_session_get_stats(session, &stats);
    hoist_error sess_err = HOIST_ERROR_INIT;
    int sess_rc = hoist_session_close(session, &sess_err);
    if (r.pump_fd >= 0)
        close(r.pump_fd);
    free(r.to_session);
    hoist_build_session_result(result, &stats);
    hoist_bk_trace_free(r.trace);
    grpcc_free(r.c);

    if (tar_path[0] && (r.oom || cancelled || lost || trace_rc))
        unlink(tar_path);
    if (r.oom)
        return hoist_error_nomem(err);
    if (cancelled) {
        rc = hoist_error_set(err, HOIST_EINTERRUPTED, "build cancelled%s%s", decoder->step_text[0] ? " during " : "",
                             decoder->step_text);
        return hoist_error_hint(err, "the Solve call was cancelled on the builder and the session closed");
    }
    if (lost) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_CONNECT, "the builder went away mid-build: %s", lost_why);
        return hoist_error_hint(err, "the builder (%s) stopped or the connection to it was cut; check its log",
                                info.describe);
    }
    if (!cancelled && !lost && r.solve_done && r.solve_status != 0 &&
        (strstr(r.solve_message, "unknown cache exporter") || strstr(r.solve_message, "unknown cache importer"))) {
        hoist_error_setr(err, HOIST_EENV, HOIST_REASON_UNSUPPORTED, "the builder (%s) refused the cache option: %s",
                         info.describe, r.solve_message);
        if (moby_worker)
            return hoist_error_hint(err, "a Docker engine's built-in BuildKit (worker moby; Docker 20.10) exports only "
                                         "--cache-to type=inline (the cache travels in the image: push it, then "
                                         "--cache-from IMAGE); type=registry needs a buildkitd builder");
        return hoist_error_hint(err, "this builder's BuildKit lacks that cache backend; try type=inline or type=registry");
    }
    if (trace_rc) {
        *err = trace_err;
        if (trace_rc == HOIST_EFAILED)
            hoist_error_reason(err, HOIST_REASON_BUILD);
        if (trace_rc == HOIST_EENV && !r.image_id[0] && r.solve_status == 0) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_PROTOCOL, "the builder finished without an image id "
                             "(its exporter answered: %s)", r.exporter_keys[0] ? r.exporter_keys : "nothing");
        }
        return trace_rc;
    }
    if (sess_rc) {
        *err = sess_err;
        if (tar_path[0])
            unlink(tar_path);
        return sess_rc;
    }
    if (dest == FILES) {
        if (output.type == HOIST_BUILD_OUTPUT_LOCAL) {
            rc = hoist_build_unpack_output(tar_path, output.dest, err);
            unlink(tar_path);
            return rc;
        }
        return 0;
    }
    if (dest == LOAD_TAR) {
        rc = bk_image_load_file(plan->client, tar_path, opts->output.cancel, err);
        unlink(tar_path);
        if (!rc)
            note(decoder, "loaded the image into the engine (POST /images/load)");
        return rc;
    }
    if (dest == MOBY_CHECK && decoder->image_id[0]) {
        char path[300];
        snprintf(path, sizeof(path), "/images/%s/json", decoder->image_id);
        hoist_http_request ireq = {.method = "GET", .timeout_ms = 30000};
        hoist_http_response iresp = {0};
        rc = hoist_client_request(plan->client, path, &ireq, &iresp, err);
        long st = iresp.status;
        hoist_http_response_clear(&iresp);
        if (rc)
            return rc;
        if (st == 404) {
            hoist_error_setr(err, HOIST_EENV, HOIST_REASON_UNSUPPORTED, "the builder at %s is another Docker engine's "
                             "BuildKit (worker moby): the image %s stayed in that engine", bk->builder,
                             decoder->image_id);
            return hoist_error_hint(err, "reach that engine with --builder tcp://HOST:PORT (its TLS port; hoist then "
                                         "copies the image) or build with -H pointing at it");
        }
        return 0;
    }
    if (dest == COPY_FROM_ENGINE) {
        const char *id_name[1] = {decoder->image_id};
        rc = bk_image_copy_from_engine(&dopts, plan->client, opts->params.tag_count ? opts->params.tags : id_name,
                                       opts->params.tag_count ? opts->params.tag_count : 1, opts->output.cancel, err);
        if (!rc)
            note(decoder, "copied the image from the builder's engine into the engine (GET /images/get, "
                          "POST /images/load)");
        return rc;
    }
    return 0;
}
