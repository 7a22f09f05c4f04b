/*
 * endpoint.c - resolve which Docker daemon to talk to, the docker CLI way.
 *
 * Order: -H flag, --context flag, DOCKER_HOST, DOCKER_CONTEXT, the
 * currentContext in $DOCKER_CONFIG/config.json, then the default socket.
 * A named context is read from the CLI's context store:
 *   $DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json
 *     {"Name": ..., "Endpoints": {"docker": {"Host": ..., "SkipTLSVerify": ...}}}
 *   $DOCKER_CONFIG/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem
 * The context called "default" means "no context": DOCKER_HOST or the
 * default socket. hoist_endpoint_context_names lists the store (shell
 * completion of --context).
 */
#include "common/options.h"
#include "hoist/endpoint.h"
#include "common/cleanup.h"
#include "common/sha256.h"
#include "common/json_util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void hoist_endpoint_options_from_env(hoist_endpoint_options *opts)
{
    opts->docker_host = getenv("DOCKER_HOST");
    opts->docker_context = getenv("DOCKER_CONTEXT");
    opts->docker_config = getenv("DOCKER_CONFIG");
    opts->home = getenv("HOME");
    opts->tls_verify = getenv("DOCKER_TLS_VERIFY");
    opts->cert_path = getenv("DOCKER_CERT_PATH");
    opts->ssh_socket = getenv("HOIST_SSH_SOCKET");
}


const char *hoist_endpoint_source_describe(hoist_endpoint_source source)
{
    switch (source) {
    case HOIST_ENDPOINT_FROM_FLAG: return "from the -H/--host flag";
    case HOIST_ENDPOINT_FROM_DOCKER_HOST: return "from DOCKER_HOST";
    case HOIST_ENDPOINT_FROM_DOCKER_CONTEXT: return "from the docker context named by DOCKER_CONTEXT or --context";
    case HOIST_ENDPOINT_FROM_CONFIG_CONTEXT: return "from the current docker context in config.json";
    case HOIST_ENDPOINT_FROM_DEFAULT: return "the default socket (no -H, DOCKER_HOST or docker context set)";
    }
    return "unknown";
}

static int is_blank(const char *s) { return !s || !*s; }

static int parse_port(const char *text, int *port)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value <= 0 || value > 65535)
        return -1;
    *port = (int)value;
    return 0;
}

/* Split "host[:port]" (IPv6 in brackets) into address and port. */
static int split_host_port(const char *hostport, char *addr, size_t addr_size, int *port,
                           int default_port)
{
    const char *colon;
    *port = default_port;
    if (hostport[0] == '[') {
        const char *close = strchr(hostport, ']');
        if (!close)
            return -1;
        snprintf(addr, addr_size, "%.*s", (int)(close - hostport - 1), hostport + 1);
        colon = close[1] == ':' ? close + 1 : NULL;
        if (!colon && close[1])
            return -1;
    } else {
        colon = strrchr(hostport, ':');
        size_t len = colon ? (size_t)(colon - hostport) : strlen(hostport);
        snprintf(addr, addr_size, "%.*s", (int)len, hostport);
    }
    if (colon && colon[1] && parse_port(colon + 1, port) < 0)
        return -1;
    if (!addr[0])
        snprintf(addr, addr_size, "127.0.0.1");
    return 0;
}

int hoist_endpoint_parse_host(hoist_endpoint *out, const char *host, hoist_error *err)
{
    if (is_blank(host))
        host = HOIST_DEFAULT_HOST;
    hoist_endpoint_source keep_source = out->source;
    char keep_context[sizeof(out->context_name)];
    memcpy(keep_context, out->context_name, sizeof(keep_context));
    memset(out, 0, sizeof(*out));
    out->source = keep_source;
    memcpy(out->context_name, keep_context, sizeof(keep_context));

    const char *rest;
    if (!strncmp(host, "unix://", 7)) {
        rest = host + 7;
        out->kind = HOIST_ENDPOINT_UNIX;
        snprintf(out->socket_path, sizeof(out->socket_path), "%s",
                 *rest ? rest : &HOIST_DEFAULT_HOST[strlen("unix://")]);
        snprintf(out->host, sizeof(out->host), "unix://%s", out->socket_path);
        if (out->socket_path[0] != '/')
            return hoist_error_set(err, HOIST_EUSAGE,
                                   "invalid Docker host '%s': a unix socket path must be absolute",
                                   host),
                   hoist_error_hint(err, "write it as unix:///absolute/path/docker.sock");
        return 0;
    }
    int tls = 0;
    int is_ssh = 0;
    if (!strncmp(host, "tcp://", 6)) {
        rest = host + 6;
    } else if (!strncmp(host, "http://", 7)) {
        rest = host + 7;
    } else if (!strncmp(host, "https://", 8)) {
        rest = host + 8;
        tls = 1;
    } else if (!strncmp(host, "ssh://", 6)) {
        rest = host + 6;
        is_ssh = 1;
    } else if (strstr(host, "://")) {
        hoist_error_set(err, HOIST_EUSAGE, "invalid Docker host '%s': unsupported scheme", host);
        return hoist_error_hint(err, "use unix:///path/docker.sock, tcp://HOST:PORT or ssh://USER@HOST");
    } else {
        rest = host; /* bare HOST:PORT means tcp, as for dockerd -H */
    }

    char hostport[600];
    snprintf(hostport, sizeof(hostport), "%s", rest);
    char *slash = strchr(hostport, '/');
    if (slash) {
        if (slash[1]) {
            hoist_error_set(err, HOIST_EUSAGE, "invalid Docker host '%s': a path is not allowed", host);
            return hoist_error_hint(err, "remove everything after HOST:PORT");
        }
        *slash = '\0';
    }
    if (is_ssh) {
        char *at = strrchr(hostport, '@');
        const char *hp = hostport;
        if (at) {
            *at = '\0';
            snprintf(out->ssh_user, sizeof(out->ssh_user), "%s", hostport);
            hp = at + 1;
        }
        if (split_host_port(hp, out->address, sizeof(out->address), &out->port, 22) < 0 ||
            !*hp) {
            hoist_error_set(err, HOIST_EUSAGE, "invalid Docker host '%s'", host);
            return hoist_error_hint(err, "write it as ssh://USER@HOST[:PORT]");
        }
        out->kind = HOIST_ENDPOINT_SSH;
        snprintf(out->host, sizeof(out->host), "%s", host);
        return 0;
    }
    out->kind = HOIST_ENDPOINT_TCP;
    out->tls = tls;
    if (split_host_port(hostport, out->address, sizeof(out->address), &out->port, tls ? 2376 : 2375) < 0) {
        hoist_error_set(err, HOIST_EUSAGE, "invalid Docker host '%s': bad HOST:PORT", host);
        return hoist_error_hint(err, "write it as tcp://HOST:PORT, e.g. tcp://127.0.0.1:2376");
    }
    snprintf(out->host, sizeof(out->host), "tcp://%s%s%s:%d", strchr(out->address, ':') ? "[" : "",
             out->address, strchr(out->address, ':') ? "]" : "", out->port);
    return 0;
}

/* Where the docker CLI keeps its configuration. */
static void config_dir(const hoist_endpoint_options *opts, char *buf, size_t size)
{
    if (!is_blank(opts->docker_config))
        snprintf(buf, size, "%s", opts->docker_config);
    else
        snprintf(buf, size, "%s/.docker", is_blank(opts->home) ? "/root" : opts->home);
}

static void sha256_hex(const char *text, char out[65])
{
    hoist_sha256_hex(text, strlen(text), out);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Take ca.pem, cert.pem and key.pem from `dir` where they exist; any
 * certificate there means the endpoint speaks TLS. */
static void use_tls_files(hoist_endpoint *ep, const char *dir)
{
    struct {
        char *path;
        size_t size;
        const char *name;
    } files[] = {{ep->ca_file, sizeof(ep->ca_file), "ca.pem"},
                 {ep->cert_file, sizeof(ep->cert_file), "cert.pem"},
                 {ep->key_file, sizeof(ep->key_file), "key.pem"}};
    for (size_t i = 0; i < 3; i++) {
        snprintf(files[i].path, files[i].size, "%s/%s", dir, files[i].name);
        if (!file_exists(files[i].path))
            files[i].path[0] = '\0';
    }
    if (ep->ca_file[0] || ep->cert_file[0])
        ep->tls = true;
}

/* Apply DOCKER_TLS_VERIFY / DOCKER_CERT_PATH to a tcp endpoint. */
static void apply_env_tls(const hoist_endpoint_options *opts, hoist_endpoint *ep)
{
    if (ep->kind != HOIST_ENDPOINT_TCP)
        return;
    char dir[HOIST_PATH_MAX];
    if (!is_blank(opts->cert_path))
        snprintf(dir, sizeof(dir), "%s", opts->cert_path);
    else
        config_dir(opts, dir, sizeof(dir));
    if (!is_blank(opts->tls_verify)) {
        ep->tls = true;
        ep->tls_verify = true;
    }
    if (ep->tls || !is_blank(opts->cert_path)) {
        use_tls_files(ep, dir);
    }
}

/* Read the current context from config.json; empty when none. */
static int config_current_context(const hoist_endpoint_options *opts, char *name, size_t size,
                                  hoist_error *err)
{
    char dir[HOIST_PATH_MAX], path[HOIST_PATH_MAX + 16];
    config_dir(opts, dir, sizeof(dir));
    snprintf(path, sizeof(path), "%s/config.json", dir);
    name[0] = '\0';
    if (access(path, F_OK) != 0)
        return 0;
    json_error_t jerr;
    _cleanup_json_ json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        hoist_error_set(err, HOIST_EENV, "cannot read docker config: %s", jerr.text);
        hoist_error_at(err, path, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0);
        return hoist_error_hint(err, "fix the JSON in %s, or point DOCKER_CONFIG at another directory", path);
    }
    hoist_json_copy_str(root, "currentContext", name, size);
    return 0;
}

static int load_context(const hoist_endpoint_options *opts, const char *name, hoist_endpoint *out,
                        hoist_error *err)
{
    char dir[HOIST_PATH_MAX], hash[65], path[HOIST_PATH_MAX + 128];
    config_dir(opts, dir, sizeof(dir));
    sha256_hex(name, hash);
    snprintf(path, sizeof(path), "%s/contexts/meta/%s/meta.json", dir, hash);
    if (access(path, F_OK) != 0) {
        hoist_error_set(err, HOIST_EENV, "docker context '%s' not found (no %s)", name, path);
        return hoist_error_hint(err, "list contexts with 'docker context ls', or unset DOCKER_CONTEXT "
                                     "/ run 'docker context use default'");
    }
    json_error_t jerr;
    _cleanup_json_ json_t *meta = json_load_file(path, 0, &jerr);
    if (!meta) {
        hoist_error_set(err, HOIST_EENV, "cannot read docker context '%s': %s", name, jerr.text);
        hoist_error_at(err, path, jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0);
        return hoist_error_hint(err, "recreate it with 'docker context rm %s' and 'docker context create'", name);
    }
    json_t *docker = json_object_get(json_object_get(meta, "Endpoints"), "docker");
    const char *host = hoist_json_str(docker, "Host", NULL);
    if (!host) {
        hoist_error_set(err, HOIST_EENV, "docker context '%s' has no docker endpoint host", name);
        hoist_error_at(err, path, 0, 0);
        return hoist_error_hint(err, "set one with 'docker context update %s --docker host=...'", name);
    }
    int rc = hoist_endpoint_parse_host(out, host, err);
    if (rc) {
        /* The bad host is in a file of the environment, not on our command
         * line: same code as a bad DOCKER_HOST. */
        err->code = HOIST_EENV;
        hoist_error_prefix(err, "docker context '%s'", name);
        return hoist_error_at(err, path, 0, 0);
    }
    if (out->kind == HOIST_ENDPOINT_TCP) {
        char tls[HOIST_PATH_MAX + 128];
        snprintf(tls, sizeof(tls), "%s/contexts/tls/%s/docker", dir, hash);
        use_tls_files(out, tls);
        out->tls_verify = out->tls && !hoist_json_bool(docker, "SkipTLSVerify", 0);
    }
    snprintf(out->context_name, sizeof(out->context_name), "%s", name);
    return 0;
}

/* Resolve "no context": DOCKER_HOST, else the default socket. */
static int resolve_without_context(const hoist_endpoint_options *opts, hoist_endpoint *out,
                                   hoist_endpoint_source default_source, hoist_error *err)
{
    if (!is_blank(opts->docker_host)) {
        out->source = HOIST_ENDPOINT_FROM_DOCKER_HOST;
        int rc = hoist_endpoint_parse_host(out, opts->docker_host, err);
        if (rc) {
            err->code = HOIST_EENV;
            return hoist_error_prefix(err, "DOCKER_HOST");
        }
    } else {
        out->source = default_source;
        hoist_endpoint_parse_host(out, HOIST_DEFAULT_HOST, err);
    }
    apply_env_tls(opts, out);
    return 0;
}

/* ssh endpoints reach the daemon's unix socket on the remote host. */
static void apply_ssh_socket(const hoist_endpoint_options *opts, hoist_endpoint *ep)
{
    if (ep->kind == HOIST_ENDPOINT_SSH)
        snprintf(ep->ssh_socket, sizeof(ep->ssh_socket), "%s",
                 !is_blank(opts->ssh_socket) ? opts->ssh_socket : "/var/run/docker.sock");
}

static int resolve(const hoist_endpoint_options *opts, hoist_endpoint *out, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    if (HOIST_OPTIONS_CHECK(opts, HOIST_ENDPOINT_OPTIONS_VERSION, "hoist_endpoint_resolve", "HOIST_ENDPOINT_OPTIONS_INIT",
                            err))
        return HOIST_EUSAGE;

    if (!is_blank(opts->host_flag)) {
        out->source = HOIST_ENDPOINT_FROM_FLAG;
        int rc = hoist_endpoint_parse_host(out, opts->host_flag, err);
        if (rc)
            return hoist_error_prefix(err, "-H/--host");
        apply_env_tls(opts, out);
        return 0;
    }

    const char *context = NULL;
    hoist_endpoint_source source = HOIST_ENDPOINT_FROM_DOCKER_CONTEXT;
    char current[256] = "";
    if (!is_blank(opts->context_flag)) {
        context = opts->context_flag;
    } else if (!is_blank(opts->docker_host)) {
        return resolve_without_context(opts, out, HOIST_ENDPOINT_FROM_DEFAULT, err);
    } else if (!is_blank(opts->docker_context)) {
        context = opts->docker_context;
    } else {
        int rc = config_current_context(opts, current, sizeof(current), err);
        if (rc)
            return rc;
        if (current[0]) {
            context = current;
            source = HOIST_ENDPOINT_FROM_CONFIG_CONTEXT;
        }
    }
    if (!context || !strcmp(context, "default"))
        return resolve_without_context(opts, out, context ? source : HOIST_ENDPOINT_FROM_DEFAULT, err);
    out->source = source;
    return load_context(opts, context, out, err);
}

void hoist_endpoint_options_init(hoist_endpoint_options *opts)
{
    *opts = (hoist_endpoint_options)HOIST_ENDPOINT_OPTIONS_INIT;
}

int hoist_endpoint_resolve(hoist_endpoint *out, const hoist_endpoint_options *opts, hoist_error *err)
{
    int rc = resolve(opts, out, err);
    if (!rc)
        apply_ssh_socket(opts, out);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The context store's names: "default" (always there, as in `docker
 * context ls`) and the Name of every meta.json under contexts/meta, sorted.
 * A meta.json that cannot be read is skipped: listing is for completion and
 * display, and load_context reports the bad file when it is used. */
int hoist_endpoint_context_names(const hoist_endpoint_options *opts, char ***names, size_t *count,
                                 hoist_error *err)
{
    *names = NULL;
    *count = 0;
    if (!opts || opts->version != HOIST_ENDPOINT_OPTIONS_VERSION)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_endpoint_context_names: options version mismatch");
    char dir[HOIST_PATH_MAX], meta_dir[HOIST_PATH_MAX + 32];
    config_dir(opts, dir, sizeof(dir));
    snprintf(meta_dir, sizeof(meta_dir), "%s/contexts/meta", dir);
    size_t n = 0, cap = 8;
    _cleanup_closedir_ DIR *d = NULL;
    char **list = calloc(cap, sizeof(*list));
    if (!list || !(list[n++] = strdup("default")))
        goto oom;
    d = opendir(meta_dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[HOIST_PATH_MAX * 2];
        snprintf(path, sizeof(path), "%s/%s/meta.json", meta_dir, e->d_name);
        _cleanup_json_ json_t *meta = json_load_file(path, 0, NULL);
        const char *name = hoist_json_str(meta, "Name", NULL);
        if (!name || !name[0] || !strcmp(name, "default"))
            continue;
        if (n + 1 >= cap) {
            char **grown = realloc(list, 2 * cap * sizeof(*list));
            if (!grown)
                goto oom;
            list = grown;
            cap *= 2;
        }
        if (!(list[n] = strdup(name)))
            goto oom;
        n++;
    }
    qsort(list + 1, n - 1, sizeof(*list), cmp_names);
    *names = list;
    *count = n;
    return 0;
oom:
    hoist_endpoint_context_names_free(list, n);
    return hoist_error_set(err, HOIST_EFAILED, "out of memory");
}

void hoist_endpoint_context_names_free(char **names, size_t count)
{
    for (size_t i = 0; names && i < count; i++)
        free(names[i]);
    free(names);
}
