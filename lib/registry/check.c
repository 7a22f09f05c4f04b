/*
 * check.c - hoist_registry_check(): `hoist doctor --registry HOST[/REPO]`.
 *
 * Walks what a pull or push needs, in order, and stops trusting later
 * steps when an earlier one fails (they are reported as skipped): where
 * the credentials come from, whether the helper answers, what the daemon
 * thinks of the registry (GET /info: RegistryConfig, HttpProxy, NoProxy),
 * /v2/ from this machine over HTTPS (then plain HTTP), the TLS trust, the
 * auth challenge, a token for pull and for push. The push permission is
 * proven the only way a registry tells it: a blob upload is opened and
 * cancelled at once (nothing is written). Secrets are never put in the
 * report; a username is (it is not a secret).
 */
#include "registry/auth_header.h"
#include "registry/cred_helper.h"
#include "registry/credentials.h"
#include "registry/reg_auth.h"
#include "registry/reg_http.h"
#include "registry/registry_internal.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "engine/client_internal.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void hoist_registry_check_options_init(hoist_registry_check_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->version = HOIST_REGISTRY_CHECK_OPTIONS_VERSION;
}

static hoist_doctor_check *add(hoist_doctor_report *r, const char *id, const char *title)
{
    if (r->count >= HOIST_DOCTOR_MAX_CHECKS)
        return &r->checks[HOIST_DOCTOR_MAX_CHECKS - 1];
    hoist_doctor_check *c = &r->checks[r->count++];
    memset(c, 0, sizeof(*c));
    snprintf(c->id, sizeof(c->id), "%s", id);
    snprintf(c->title, sizeof(c->title), "%s", title);
    return c;
}

__attribute__((format(printf, 3, 4))) static void set(hoist_doctor_check *c, hoist_check_status st, const char *fmt, ...)
{
    c->status = st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->message, sizeof(c->message), fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void hint(hoist_doctor_check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->hint, sizeof(c->hint), fmt, ap);
    va_end(ap);
}

static void field(hoist_doctor_check *c, const char *key, const char *value)
{
    if (c->field_count >= HOIST_DOCTOR_MAX_FIELDS || !value)
        return;
    hoist_doctor_field *f = &c->fields[c->field_count++];
    snprintf(f->key, sizeof(f->key), "%s", key);
    snprintf(f->value, sizeof(f->value), "%s", value);
}

static void skip(hoist_doctor_report *r, const char *id, const char *title, const char *why)
{
    set(add(r, id, title), HOIST_CHECK_SKIP, "%s", why);
}

/* host without port; [v6] brackets dropped */
static void bare_host(const char *host, char *out, size_t size)
{
    if (host[0] == '[') {
        size_t n = strcspn(host + 1, "]");
        snprintf(out, size, "%.*s", (int)n, host + 1);
        return;
    }
    size_t n = strcspn(host, ":");
    snprintf(out, size, "%.*s", (int)n, host);
}

static bool ipv4_in_cidr(const char *ip, const char *cidr)
{
    char net[64];
    const char *slash = strchr(cidr, '/');
    if (!slash)
        return false;
    snprintf(net, sizeof(net), "%.*s", (int)(slash - cidr), cidr);
    int bits = atoi(slash + 1);
    struct in_addr a, b;
    if (inet_pton(AF_INET, ip, &a) != 1 || inet_pton(AF_INET, net, &b) != 1 || bits < 0 || bits > 32)
        return false;
    uint32_t mask = bits == 0 ? 0 : htonl(~0u << (32 - bits));
    return (a.s_addr & mask) == (b.s_addr & mask);
}

/* Go's httpproxy NO_PROXY rules, simplified: "*", exact host or host:port,
 * domain suffixes (with or without a leading dot), IPv4 CIDRs. */
static bool no_proxy_matches(const char *no_proxy, const char *host)
{
    char bare[256];
    bare_host(host, bare, sizeof(bare));
    char list[2048];
    snprintf(list, sizeof(list), "%s", no_proxy ? no_proxy : "");
    char *save = NULL;
    for (char *e = strtok_r(list, ", ", &save); e; e = strtok_r(NULL, ", ", &save)) {
        if (!strcmp(e, "*") || !strcasecmp(e, host) || !strcasecmp(e, bare))
            return true;
        if (strchr(e, '/') && ipv4_in_cidr(bare, e))
            return true;
        const char *suffix = e[0] == '.' ? e + 1 : e;
        size_t hl = strlen(bare), sl = strlen(suffix);
        if (sl && hl > sl && !strcasecmp(bare + hl - sl, suffix) && bare[hl - sl - 1] == '.')
            return true;
    }
    return false;
}

struct daemon_view {
    bool known;
    bool insecure;
};

static void check_daemon(hoist_doctor_report *r, hoist_client *client, const char *host, struct daemon_view *dv)
{
    hoist_doctor_check *c = add(r, "daemon", "daemon view");
    if (!client) {
        set(c, HOIST_CHECK_SKIP, "no daemon to ask");
        return;
    }
    hoist_error e = HOIST_ERROR_INIT;
    _cleanup_json_ json_t *info = NULL;
    if (hoist_client_get_json(client, "/info", &info, &e)) {
        set(c, HOIST_CHECK_SKIP, "the daemon could not be asked: %s", e.message);
        hint(c, "'hoist doctor' (without --registry) diagnoses the engine");
        return;
    }
    dv->known = true;
    json_t *rc = json_object_get(info, "RegistryConfig");
    char bare[256];
    bare_host(host, bare, sizeof(bare));
    /* insecure: IndexConfigs[host].Secure == false, or an insecure CIDR */
    json_t *index = json_object_get(json_object_get(rc, "IndexConfigs"), host);
    char why[300] = "";
    if (index && json_is_false(json_object_get(index, "Secure"))) {
        dv->insecure = true;
        snprintf(why, sizeof(why), "listed in insecure-registries");
    }
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rc, "InsecureRegistryCIDRs"), i, v) {
        if (!dv->insecure && json_is_string(v) && ipv4_in_cidr(bare, json_string_value(v))) {
            dv->insecure = true;
            snprintf(why, sizeof(why), "in the insecure range %s", json_string_value(v));
        }
    }
    char mirrors[256] = "";
    json_t *mlist = index ? json_object_get(index, "Mirrors") : NULL;
    if (!json_array_size(mlist) && (!strcmp(host, "docker.io") || !strcmp(host, "index.docker.io")))
        mlist = json_object_get(rc, "Mirrors");
    json_array_foreach(mlist, i, v) {
        size_t n = strlen(mirrors);
        snprintf(mirrors + n, sizeof(mirrors) - n, "%s%s", n ? ", " : "", json_string_value(v));
    }
    const char *https_proxy = hoist_json_str(info, "HttpsProxy", "");
    const char *http_proxy = hoist_json_str(info, "HttpProxy", "");
    const char *no_proxy = hoist_json_str(info, "NoProxy", "");
    const char *proxy = dv->insecure && *http_proxy ? http_proxy : *https_proxy ? https_proxy : http_proxy;
    bool proxied = *proxy && !no_proxy_matches(no_proxy, host);
    field(c, "insecure", dv->insecure ? "true" : "false");
    field(c, "mirrors", mirrors);
    field(c, "proxy", proxy);
    field(c, "no_proxy", no_proxy);
    field(c, "proxied", proxied ? "true" : "false");
    char proxy_text[600];
    if (!*proxy)
        snprintf(proxy_text, sizeof(proxy_text), "no proxy");
    else if (proxied)
        snprintf(proxy_text, sizeof(proxy_text), "through the proxy %s", proxy);
    else
        snprintf(proxy_text, sizeof(proxy_text), "directly (NO_PROXY covers it; proxy %s)", proxy);
    set(c, proxied ? HOIST_CHECK_WARN : HOIST_CHECK_PASS, "the daemon treats %s as %s%s%s%s; it connects %s%s%s", host,
        dv->insecure ? "insecure (" : "secure (TLS verified)", why, dv->insecure ? ")" : "",
        "", proxy_text, mirrors[0] ? "; mirrors: " : "", mirrors);
    if (proxied)
        hint(c, "the daemon reaches %s through %s: if that proxy cannot reach it, add %s to the daemon's NO_PROXY "
                "(its environment or \"proxies\" in daemon.json)", host, proxy, bare);
}

static const char *cred_title(hoist_cred_source s)
{
    switch (s) {
    case HOIST_CRED_FILE: return "auths in the docker config file";
    case HOIST_CRED_STORE: return "the credsStore helper";
    case HOIST_CRED_HELPER: return "the credHelpers entry";
    case HOIST_CRED_NONE: break;
    }
    return "nowhere";
}

static void cred_freep(hoist_credential **c)
{
    if (*c) {
        hoist_credential_clear(*c);
        free(*c);
    }
}

HOIST_DEFINE_FREEP(char, hoist_registry_header_free)

int hoist_registry_check(hoist_doctor_report *report, const hoist_registry_check_options *opts, hoist_error *err)
{
    if (report)
        memset(report, 0, sizeof(*report));
    if (!opts || opts->version != HOIST_REGISTRY_CHECK_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_registry_check: options version mismatch");
    if (!report || !opts->target || !*opts->target)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_registry_check: a report and a target are required");

    /* HOST[/REPO]: the first part is a host when it looks like one */
    char host[256], repo[512] = "";
    const char *slash = strchr(opts->target, '/');
    size_t first = slash ? (size_t)(slash - opts->target) : strlen(opts->target);
    char head[256];
    snprintf(head, sizeof(head), "%.*s", (int)first, opts->target);
    if (strchr(head, '.') || strchr(head, ':') || !strcmp(head, "localhost") || !slash) {
        if (!slash && !strchr(head, '.') && !strchr(head, ':') && strcmp(head, "localhost")) {
            snprintf(host, sizeof(host), "docker.io");
            snprintf(repo, sizeof(repo), "library/%s", head);
        } else {
            snprintf(host, sizeof(host), "%s", head);
            if (slash)
                snprintf(repo, sizeof(repo), "%s", slash + 1);
        }
    } else {
        snprintf(host, sizeof(host), "docker.io");
        snprintf(repo, sizeof(repo), "%s", opts->target);
    }
    repo[strcspn(repo, ":@")] = '\0'; /* a tag or digest given by habit */
    if (!strcmp(host, "index.docker.io") || !strcmp(host, "registry-1.docker.io"))
        snprintf(host, sizeof(host), "docker.io");
    if (opts->push && !repo[0]) {
        hoist_error_set(err, HOIST_EUSAGE, "--push needs a repository: HOST/REPO");
        return hoist_error_hint(err, "e.g. hoist doctor --registry %s/team/app --push", host);
    }

    hoist_credentials_options copts = hoist_registry_cred_options(&opts->auth);
    char config_path[4200];
    hoist_credentials_config_path(&copts, config_path, sizeof(config_path));

    /* 1. credentials: where from */
    hoist_doctor_check *c = add(report, "credentials", "credentials");
    field(c, "registry", host);
    field(c, "config", config_path);
    hoist_cred_source source;
    char helper[128];
    hoist_error e = HOIST_ERROR_INIT;
    bool creds_ok = true;
    if (hoist_credentials_source(&copts, host, &source, helper, sizeof(helper), &e)) {
        set(c, HOIST_CHECK_FAIL, "%s%s%s", e.message, e.file[0] ? " at " : "", e.file);
        if (e.line) {
            size_t n = strlen(c->message);
            snprintf(c->message + n, sizeof(c->message) - n, ":%d:%d", e.line, e.column);
        }
        hint(c, "%s", e.hint);
        creds_ok = false;
    } else {
        field(c, "source", hoist_cred_source_name(source));
        if (helper[0])
            field(c, "helper", helper);
        if (source == HOIST_CRED_NONE)
            set(c, HOIST_CHECK_PASS, "no credentials for %s in %s: access is anonymous", host, config_path);
        else if (source == HOIST_CRED_FILE)
            set(c, HOIST_CHECK_PASS, "from %s (%s)", cred_title(source), config_path);
        else
            set(c, HOIST_CHECK_PASS, "from %s docker-credential-%s (%s)", cred_title(source), helper, config_path);
    }

    /* 2. the helper answers */
    _cleanup_(cred_freep) hoist_credential *cred = calloc(1, sizeof(*cred));
    if (!cred)
        return hoist_error_nomem(err);
    if (!creds_ok) {
        skip(report, "helper", "helper", "the docker config file could not be read");
    } else {
        double t0 = hoist_registry_now();
        e = (hoist_error)HOIST_ERROR_INIT;
        int grc = hoist_credentials_get(&copts, host, cred, &e);
        double dt = hoist_registry_now() - t0;
        if (source == HOIST_CRED_NONE || source == HOIST_CRED_FILE) {
            skip(report, "helper", "helper", "no credential helper is configured for this registry");
            if (grc) { /* a bad auths entry */
                set(c, HOIST_CHECK_FAIL, "%s", e.message);
                hint(c, "%s", e.hint);
                creds_ok = false;
            }
        } else {
            hoist_doctor_check *h = add(report, "helper", "helper");
            field(h, "helper", helper);
            if (grc) {
                set(h, HOIST_CHECK_FAIL, "%s", e.message);
                hint(h, "%s", e.hint);
                creds_ok = false;
            } else {
                char secs[32];
                snprintf(secs, sizeof(secs), "%.2f", dt);
                field(h, "seconds", secs);
                if (cred->source == HOIST_CRED_NONE)
                    set(h, HOIST_CHECK_WARN, "docker-credential-%s answered in %.2f s: no credentials for %s", helper,
                        dt, host);
                else
                    set(h, HOIST_CHECK_PASS, "docker-credential-%s answered in %.2f s with %s for %s", helper, dt,
                        cred->identity_token[0] ? "an identity token" : "a username and password", host);
                if (cred->source == HOIST_CRED_NONE)
                    hint(h, "log in with 'docker login %s' to store credentials in the helper", host);
            }
        }
        if (creds_ok && cred->username[0])
            field(c, "username", cred->username);
    }

    /* 3. the daemon's view */
    struct daemon_view dv = {0};
    check_daemon(report, opts->client, host, &dv);

    /* 4-5. /v2/ from here, TLS */
    reg_http http;
    char ca[600] = "";
    if (opts->ca_file && *opts->ca_file) {
        snprintf(ca, sizeof(ca), "%s", opts->ca_file);
    } else {
        struct stat st;
        snprintf(ca, sizeof(ca), "/etc/docker/certs.d/%s/ca.crt", host);
        if (stat(ca, &st) != 0)
            ca[0] = '\0';
    }
    int rc = reg_http_open(&http, ca[0] ? ca : NULL, opts->timeout_ms, err);
    if (rc)
        return rc;
    const char *api_host = reg_api_host(host);
    char base[400], url[1400];
    snprintf(base, sizeof(base), "https://%s", api_host);
    snprintf(url, sizeof(url), "%s/v2/", base);
    reg_response resp;
    hoist_doctor_check *reach = add(report, "reachable", "reachable");
    hoist_doctor_check *tls = add(report, "tls", "TLS");
    bool go_on = true;
    if (reg_http_do(&http, "GET", url, NULL, NULL, &resp) < 0) {
        if (reg_http_tls_untrusted(resp.curl_code)) {
            set(reach, HOIST_CHECK_PASS, "%s answers on HTTPS", api_host);
            char why[600];
            snprintf(why, sizeof(why), "%s", resp.error);
            reg_response_clear(&resp);
            set(tls, dv.insecure ? HOIST_CHECK_WARN : HOIST_CHECK_FAIL,
                "the certificate of %s is not trusted here (%s)%s", api_host, why,
                dv.insecure ? "; the daemon does not verify it (insecure registry)" : "");
            hint(tls, "if the registry uses its own CA, put it in /etc/docker/certs.d/%s/ca.crt (the daemon reads it "
                      "there; hoist too, or give --ca-file FILE)%s", host,
                 dv.insecure ? "" : "; or list the registry in the daemon's insecure-registries");
            http.insecure = true;
            if (reg_http_do(&http, "GET", url, NULL, NULL, &resp) < 0)
                go_on = false;
        } else if (reg_http_plain_server(resp.curl_code, resp.error)) {
            reg_response_clear(&resp);
            snprintf(base, sizeof(base), "http://%s", api_host);
            snprintf(url, sizeof(url), "%s/v2/", base);
            if (reg_http_do(&http, "GET", url, NULL, NULL, &resp) < 0) {
                go_on = false;
            } else {
                set(reach, HOIST_CHECK_PASS, "%s answers on plain HTTP (no TLS)", api_host);
                if (dv.known && !dv.insecure) {
                    set(tls, HOIST_CHECK_FAIL, "%s serves plain HTTP but the daemon requires TLS for it", host);
                    hint(tls, "add \"%s\" to \"insecure-registries\" in the daemon's daemon.json and restart it, or "
                              "serve the registry over TLS", host);
                } else {
                    set(tls, HOIST_CHECK_PASS, "plain HTTP%s", dv.known ? "; the daemon treats it as insecure" : "");
                }
            }
        } else {
            go_on = false;
        }
        if (!go_on) {
            set(reach, HOIST_CHECK_FAIL, "%s cannot be reached from here: %s", url, resp.error);
            hint(reach, "check that the registry is up and that this machine may connect to it (firewall, DNS, "
                        "http_proxy/https_proxy/no_proxy in this environment)");
            set(tls, HOIST_CHECK_SKIP, "the registry was not reached");
        }
    } else {
        set(reach, HOIST_CHECK_PASS, "%s answers on HTTPS", api_host);
        set(tls, HOIST_CHECK_PASS, "certificate trusted%s%s", ca[0] ? " with " : "", ca);
    }
    field(reach, "url", url);
    if (go_on) {
        char status[16];
        snprintf(status, sizeof(status), "%ld", resp.status);
        field(reach, "status", status);
        if (resp.status != 200 && resp.status != 401) {
            set(reach, HOIST_CHECK_FAIL, "%s answered HTTP %ld: not a registry API (v2)", url, resp.status);
            hint(reach, "check the host and port: the registry's API is served at /v2/");
            go_on = false;
        }
    }

    /* 6. the challenge */
    reg_challenge ch;
    memset(&ch, 0, sizeof(ch));
    hoist_doctor_check *chk = add(report, "challenge", "challenge");
    if (!go_on) {
        set(chk, HOIST_CHECK_SKIP, "the registry was not reached");
    } else if (resp.status == 200 || reg_parse_challenge(resp.www_authenticate, &ch) < 0) {
        set(chk, HOIST_CHECK_PASS, "none: the registry needs no authentication");
    } else {
        field(chk, "scheme", ch.scheme);
        field(chk, "realm", ch.realm);
        field(chk, "service", ch.service);
        if (!strcmp(ch.scheme, "bearer"))
            set(chk, HOIST_CHECK_PASS, "Bearer, token realm %s (service %s)", ch.realm, ch.service[0] ? ch.service : "-");
        else if (!strcmp(ch.scheme, "basic"))
            set(chk, HOIST_CHECK_PASS, "Basic%s%s", ch.realm[0] ? ", realm " : "", ch.realm);
        else {
            set(chk, HOIST_CHECK_FAIL, "an authentication scheme neither docker nor hoist supports: %s", ch.scheme);
            hint(chk, "docker registries use Basic or Bearer token authentication");
            go_on = false;
        }
    }
    reg_response_clear(&resp);

    /* 7. pull: log in, a token with pull scope on REPO */
    bool anonymous = cred->source == HOIST_CRED_NONE;
    const char *login = anonymous ? "anonymously" : "with the credentials";
    hoist_doctor_check *pull = add(report, "pull", repo[0] ? "pull" : "login");
    if (!go_on || !creds_ok) {
        set(pull, HOIST_CHECK_SKIP, !creds_ok ? "no usable credentials" : "the registry was not reached");
    } else {
        char scope[700] = "", why[900] = "";
        if (repo[0])
            snprintf(scope, sizeof(scope), "repository:%s:pull", repo);
        _cleanup_(hoist_registry_header_freep) char *auth = NULL;
        if (ch.scheme[0] && reg_authorize(&http, &ch, scope, cred, &auth, &resp, why, sizeof(why)) < 0) {
            set(pull, HOIST_CHECK_FAIL, "no token %s: %s", login, why);
            if (resp.status == 401 || resp.status == 403)
                hint(pull, anonymous ? "the registry needs credentials: 'docker login %s'"
                                     : "the registry rejected the credentials: log in again with 'docker login %s'",
                     host);
            else
                hint(pull, "the token service must be reachable from here and from the daemon");
            reg_response_clear(&resp);
        } else {
            reg_response_clear(&resp);
            if (repo[0])
                snprintf(url, sizeof(url), "%s/v2/%s/tags/list", base, repo);
            else
                snprintf(url, sizeof(url), "%s/v2/", base);
            const char *hdrs[] = {auth, NULL};
            if (reg_http_do(&http, "GET", url, auth ? hdrs : NULL, NULL, &resp) < 0) {
                set(pull, HOIST_CHECK_FAIL, "%s failed: %s", url, resp.error);
            } else if (resp.status == 200) {
                set(pull, HOIST_CHECK_PASS, "%s %s%s%s", repo[0] ? "pull allowed on" : "logged in to", repo[0] ? repo : host,
                    ch.scheme[0] ? (anonymous ? " (anonymous)" : " (authenticated)") : "",
                    !strcmp(ch.scheme, "bearer") ? " with a token" : "");
            } else if (resp.status == 404 && repo[0]) {
                set(pull, HOIST_CHECK_PASS, "access granted; %s does not exist yet (a push creates it)", repo);
            } else if (resp.status == 401 || resp.status == 403) {
                set(pull, HOIST_CHECK_FAIL, "%s %s %s: HTTP %ld", resp.status == 401 ? "not authorized" : "denied",
                    repo[0] ? "to pull" : "to log in to", repo[0] ? repo : host, resp.status);
                if (anonymous)
                    hint(pull, "log in first: 'docker login %s'", host);
                else if (resp.status == 401)
                    hint(pull, "the registry rejected the credentials from %s: log in again with 'docker login %s'",
                         cred_title(cred->source), host);
                else
                    hint(pull, "the account has no read access to %s: ask for it, or check the repository name", repo);
            } else {
                set(pull, HOIST_CHECK_FAIL, "%s answered HTTP %ld", url, resp.status);
            }
            reg_response_clear(&resp);
        }
    }

    /* 8. push scope, proven by opening (and cancelling) a blob upload */
    if (opts->push) {
        hoist_doctor_check *push = add(report, "push", "push");
        if (!go_on || !creds_ok || pull->status == HOIST_CHECK_FAIL) {
            set(push, HOIST_CHECK_SKIP, "%s", pull->status == HOIST_CHECK_FAIL ? "pull access failed" :
                                             !creds_ok ? "no usable credentials" : "the registry was not reached");
        } else {
            char scope[700], why[900] = "";
            snprintf(scope, sizeof(scope), "repository:%s:pull,push", repo);
            _cleanup_(hoist_registry_header_freep) char *auth = NULL;
            char granted[64] = "";
            if (ch.scheme[0] && reg_authorize(&http, &ch, scope, cred, &auth, &resp, why, sizeof(why)) < 0) {
                set(push, HOIST_CHECK_FAIL, "no token with push scope %s: %s", login, why);
                hint(push, "%s", anonymous ? "log in first" : "the account may not write to this repository");
                reg_response_clear(&resp);
            } else {
                reg_response_clear(&resp);
                bool jwt = auth && !strcmp(ch.scheme, "bearer") && reg_token_actions(auth, repo, granted, sizeof(granted)) == 0;
                if (jwt)
                    field(push, "granted", granted);
                snprintf(url, sizeof(url), "%s/v2/%s/blobs/uploads/", base, repo);
                const char *hdrs[] = {auth, NULL};
                if (reg_http_do(&http, "POST", url, auth ? hdrs : NULL, NULL, &resp) < 0) {
                    set(push, HOIST_CHECK_FAIL, "%s failed: %s", url, resp.error);
                } else if (resp.status == 202) {
                    set(push, HOIST_CHECK_PASS, "push allowed on %s (a blob upload opened and was cancelled)%s%s", repo,
                        jwt ? "; token grants " : "", jwt ? granted : "");
                    if (resp.location[0]) {
                        char loc[1400];
                        if (resp.location[0] == '/')
                            snprintf(loc, sizeof(loc), "%s%s", base, resp.location);
                        else
                            snprintf(loc, sizeof(loc), "%s", resp.location);
                        reg_response_clear(&resp);
                        reg_http_do(&http, "DELETE", loc, auth ? hdrs : NULL, NULL, &resp);
                    }
                } else if (resp.status == 401 || resp.status == 403) {
                    set(push, HOIST_CHECK_FAIL, "push denied on %s (HTTP %ld)%s%s", repo, resp.status,
                        jwt ? "; the token grants only " : "", jwt ? (granted[0] ? granted : "nothing") : "");
                    if (anonymous)
                        hint(push, "log in first: 'docker login %s'", host);
                    else
                        hint(push, "the account (credentials from %s) may read but not write %s: ask for push access, "
                                   "or push to a repository it owns", cred_title(cred->source), repo);
                } else if (resp.status == 404) {
                    set(push, HOIST_CHECK_FAIL, "the registry does not know the repository %s", repo);
                    hint(push, "create it on the registry first, or check the name");
                } else {
                    set(push, HOIST_CHECK_FAIL, "%s answered HTTP %ld", url, resp.status);
                }
                reg_response_clear(&resp);
            }
        }
    }
    reg_http_close(&http);
    report->usable = true;
    for (size_t i = 0; i < report->count; i++)
        if (report->checks[i].status == HOIST_CHECK_FAIL)
            report->usable = false;
    if (!report->usable)
        return hoist_error_set(err, HOIST_EENV, "the registry %s is not usable from here", host);
    return 0;
}
