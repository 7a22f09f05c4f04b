/*
 * cli_engine.c - run `docker build` / `docker buildx build` and turn its
 * output into hoist events.
 *
 * fork+exec rather than posix_spawn because the child needs three things
 * set between the two: its own process group (so a cancel reaches the CLI
 * and whatever it started), its working directory (the context root), and
 * its stdout/stderr on our pipes. The parent polls both pipes, splits
 * lines, and checks the cancel flag at least every 100 ms.
 */
#include "build/cli_engine.h"
#include "build/cli_progress.h"
#include "common/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 512
/* After SIGINT, how long the CLI gets to stop the build before SIGKILL. */
#define CANCEL_GRACE_MS 8000

struct argv_builder {
    const char *argv[MAX_ARGS];
    char owned[64][32]; /* numbers formatted here */
    char host[HOIST_PATH_MAX + 16]; /* the -H value */
    size_t owned_count;
    size_t count;
    bool overflow;
};

static void push(struct argv_builder *a, const char *arg)
{
    if (a->count + 1 >= MAX_ARGS) {
        a->overflow = true;
        return;
    }
    a->argv[a->count++] = arg;
    a->argv[a->count] = NULL;
}

static void push_number(struct argv_builder *a, long long value)
{
    if (a->owned_count >= 64) {
        a->overflow = true;
        return;
    }
    char *slot = a->owned[a->owned_count++];
    snprintf(slot, sizeof(a->owned[0]), "%lld", value);
    push(a, slot);
}

static void push_list(struct argv_builder *a, const char *flag, const char *const *items, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        push(a, flag);
        push(a, items[i]);
    }
}

/* The global flags that point the docker CLI at the endpoint: -H with the
 * resolved host URL, and for TLS --tls or --tlsverify with the CA,
 * certificate and key the endpoint uses. ssh:// hosts go as they are (the
 * CLI runs `docker system dial-stdio` on the remote host itself). */
static void push_endpoint(struct argv_builder *a, const hoist_endpoint *ep)
{
    if (!ep)
        return;
    /* from the fields rather than ep->host, which a caller filling the
     * struct by hand may have left empty or written as https:// */
    char *host = a->host;
    bool v6 = strchr(ep->address, ':') != NULL;
    switch (ep->kind) {
    case HOIST_ENDPOINT_UNIX:
        snprintf(host, sizeof(a->host), "unix://%s", ep->socket_path);
        break;
    case HOIST_ENDPOINT_TCP:
        snprintf(host, sizeof(a->host), "tcp://%s%s%s:%d", v6 ? "[" : "", ep->address, v6 ? "]" : "", ep->port);
        break;
    case HOIST_ENDPOINT_SSH:
        snprintf(host, sizeof(a->host), "ssh://%s%s%s%s%s:%d", ep->ssh_user, ep->ssh_user[0] ? "@" : "",
                 v6 ? "[" : "", ep->address, v6 ? "]" : "", ep->port);
        break;
    }
    push(a, "-H");
    push(a, host);
    if (ep->kind != HOIST_ENDPOINT_TCP || !ep->tls)
        return;
    push(a, ep->tls_verify ? "--tlsverify" : "--tls");
    if (ep->ca_file[0]) {
        push(a, "--tlscacert");
        push(a, ep->ca_file);
    }
    if (ep->cert_file[0]) {
        push(a, "--tlscert");
        push(a, ep->cert_file);
    }
    if (ep->key_file[0]) {
        push(a, "--tlskey");
        push(a, ep->key_file);
    }
}

static void build_argv(const hoist_cli_build *b, const char *iidfile, struct argv_builder *a)
{
    const hoist_build_options *o = b->opts;
    push(a, b->cli->path);
    push_endpoint(a, b->endpoint);
    if (b->builder == HOIST_BUILDER_BUILDX) {
        push(a, "buildx");
        push(a, "build");
        push(a, "--load");
    } else {
        push(a, "build");
    }
    if (b->builder != HOIST_BUILDER_CLASSIC)
        push(a, "--progress=plain");
    else if (!o->params.keep_intermediate)
        push(a, "--force-rm");
    push(a, "-f");
    push(a, b->dockerfile_path);
    push_list(a, "-t", o->params.tags, o->params.tag_count);
    push_list(a, "--build-arg", o->params.build_args, o->params.build_arg_count);
    push_list(a, "--label", o->params.labels, o->params.label_count);
    push_list(a, "--cache-from", o->params.cache_from, o->params.cache_from_count);
    push_list(a, "--add-host", o->params.add_hosts, o->params.add_host_count);
    if (o->params.target && *o->params.target) {
        push(a, "--target");
        push(a, o->params.target);
    }
    if (o->params.platform && *o->params.platform) {
        push(a, "--platform");
        push(a, o->params.platform);
    }
    if (o->params.network && *o->params.network) {
        push(a, "--network");
        push(a, o->params.network);
    }
    if (o->params.no_cache)
        push(a, "--no-cache");
    if (o->params.pull)
        push(a, "--pull");
    if (o->params.shm_size > 0) {
        push(a, "--shm-size");
        push_number(a, o->params.shm_size);
    }
    if (o->params.memory > 0) {
        push(a, "--memory");
        push_number(a, o->params.memory);
    }
    push(a, "--iidfile");
    push(a, iidfile);
    push(a, b->context_dir);
}

/* Variables the child must not see: the endpoint is on its command line,
 * the builder is chosen here, and credentials come from the options. */
static bool replaced_variable(const char *entry, bool docker_config_set)
{
    static const char *const names[] = {"DOCKER_BUILDKIT=", "DOCKER_HOST=", "DOCKER_CONTEXT=",
                                        "DOCKER_TLS_VERIFY=", "DOCKER_CERT_PATH=", "DOCKER_TLS=", NULL};
    for (size_t k = 0; names[k]; k++)
        if (!strncmp(entry, names[k], strlen(names[k])))
            return true;
    return docker_config_set && !strncmp(entry, "DOCKER_CONFIG=", 14);
}

/* environ without the endpoint variables, with DOCKER_BUILDKIT set to the
 * builder's choice and DOCKER_CONFIG to the options' (when given). The
 * pointers are environ's or static, except docker_config_entry (owned by
 * the caller). */
static char **child_environment(hoist_build_builder builder, const char *docker_config_entry)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 3, sizeof(char *));
    if (!env)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (!replaced_variable(environ[i], docker_config_entry != NULL))
            env[j++] = environ[i];
    if (builder == HOIST_BUILDER_BUILDKIT)
        env[j++] = "DOCKER_BUILDKIT=1";
    else if (builder == HOIST_BUILDER_CLASSIC)
        env[j++] = "DOCKER_BUILDKIT=0";
    if (docker_config_entry)
        env[j++] = (char *)docker_config_entry;
    env[j] = NULL;
    return env;
}

struct line_reader {
    int fd;
    bool is_stderr;
    bool open;
    char buf[16384];
    size_t len;
};

static void reader_flush_lines(struct line_reader *r, hoist_cli_progress *p, bool all)
{
    size_t start = 0;
    for (size_t i = 0; i < r->len; i++) {
        if (r->buf[i] == '\n' || r->buf[i] == '\r') {
            r->buf[i] = '\0';
            hoist_cli_progress_line(p, r->buf + start, r->is_stderr);
            start = i + 1;
        }
    }
    if (all || (start == 0 && r->len == sizeof(r->buf) - 1)) {
        /* end of stream, or an over-long line: deliver what there is */
        r->buf[r->len] = '\0';
        if (r->len > start)
            hoist_cli_progress_line(p, r->buf + start, r->is_stderr);
        start = r->len;
    }
    memmove(r->buf, r->buf + start, r->len - start);
    r->len -= start;
}

static void reader_read(struct line_reader *r, hoist_cli_progress *p)
{
    ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        r->open = false;
        reader_flush_lines(r, p, true);
        return;
    }
    r->len += (size_t)n;
    reader_flush_lines(r, p, false);
}

static long now_ms(void)
{
    return (long)(hoist_monotonic_seconds() * 1000.0);
}

static int read_iidfile(const char *path, char *out, size_t size)
{
    _cleanup_fclose_ FILE *f = fopen(path, "r");
    if (!f || !fgets(out, (int)size, f))
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] ? 0 : -1;
}

int hoist_cli_build_run(const hoist_cli_build *b, hoist_error *err)
{
    const hoist_build_options *o = b->opts;
    hoist_build_decoder *d = b->decoder;

    char iid_dir[] = "/tmp/hoist-iid.XXXXXX";
    if (!mkdtemp(iid_dir))
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno),
                                "cannot create a temporary directory: %s", strerror(errno));
    char iidfile[sizeof(iid_dir) + 8];
    snprintf(iidfile, sizeof(iidfile), "%s/iid", iid_dir);

    struct argv_builder args = {0};
    build_argv(b, iidfile, &args);
    _cleanup_free_ char *docker_config = NULL;
    bool oom = false;
    if (o->registry.docker_config && *o->registry.docker_config &&
        asprintf(&docker_config, "DOCKER_CONFIG=%s", o->registry.docker_config) < 0) {
        docker_config = NULL;
        oom = true;
    }
    _cleanup_free_ char **env = oom ? NULL : child_environment(b->builder, docker_config);
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    int rc = 0;
    if (!env) {
        rc = hoist_error_nomem(err);
        goto cleanup_dir;
    }
    if (args.overflow) {
        rc = hoist_error_setr(err, HOIST_EUSAGE, HOIST_REASON_LIMIT, "too many build options for the docker CLI");
        goto cleanup_dir;
    }
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        rc = hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "pipe: %s", strerror(errno));
        goto cleanup_pipes;
    }

    {
        char line[1024];
        size_t used = 0;
        for (size_t i = 0; i < args.count && used + 2 < sizeof(line); i++)
            used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", i ? " " : "", args.argv[i]);
        hoist_build_event ev = {.kind = HOIST_EVENT_NOTE, .text = line, .current = -1, .total = -1};
        hoist_build_decoder_emit(d, &ev);
    }

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        rc = hoist_error_setr(err, HOIST_EENV, hoist_reason_from_errno(errno),
                              "cannot start %s: %s", b->cli->path, strerror(errno));
        goto cleanup_pipes;
    }
    if (pid == 0) {
        setpgid(0, 0);
        /* If hoist dies without cancelling (SIGKILL), the CLI is told as by
         * a cancel, rather than building on for nobody. */
        prctl(PR_SET_PDEATHSIG, SIGINT);
        if (getppid() != parent)
            _exit(1);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        if (chdir(b->context_dir) != 0)
            _exit(126);
        execve(b->cli->path, (char *const *)args.argv, env);
        _exit(127);
    }
    setpgid(pid, pid); /* also from here: no race with an early cancel */
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;

    hoist_cli_progress progress;
    hoist_cli_progress_init(&progress, d, b->df, b->builder != HOIST_BUILDER_CLASSIC);
    struct line_reader readers[2] = {{.fd = out_pipe[0], .is_stderr = false, .open = true},
                                     {.fd = err_pipe[0], .is_stderr = true, .open = true}};
    bool cancelled = false;
    long cancel_at = 0;
    bool killed = false;
    while (readers[0].open || readers[1].open) {
        struct pollfd fds[2];
        nfds_t nfds = 0;
        struct line_reader *which[2];
        for (int i = 0; i < 2; i++) {
            if (readers[i].open) {
                fds[nfds].fd = readers[i].fd;
                fds[nfds].events = POLLIN;
                which[nfds++] = &readers[i];
            }
        }
        int n = poll(fds, nfds, 100);
        if (n > 0) {
            for (nfds_t i = 0; i < nfds; i++)
                if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
                    reader_read(which[i], &progress);
        }
        if (!cancelled && ((o->output.cancel && *o->output.cancel) || d->stop)) {
            cancelled = true;
            cancel_at = now_ms();
            kill(-pid, SIGINT);
        }
        if (cancelled && !killed && now_ms() - cancel_at > CANCEL_GRACE_MS) {
            killed = true;
            kill(-pid, SIGKILL);
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* Anything the CLI started in its group must not outlive it. */
    kill(-pid, SIGKILL);
    int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

    if (cancelled) {
        rc = HOIST_EINTERRUPTED;
        hoist_error_set(err, rc, "build cancelled; the docker CLI (process group %d) was stopped", (int)pid);
        goto cleanup_pipes;
    }
    if (exit_code == 127 || exit_code == 126) {
        rc = hoist_error_set(err, HOIST_EENV, "could not run %s in %s (exit %d)", b->cli->path, b->context_dir,
                             exit_code);
        hoist_error_hint(err, "check that the docker CLI is executable and the context directory accessible");
        goto cleanup_pipes;
    }
    hoist_cli_progress_finish(&progress, exit_code);
    if (exit_code != 0 || d->failed) {
        rc = HOIST_EFAILED;
        goto cleanup_pipes;
    }
    if (read_iidfile(iidfile, d->image_id, sizeof(d->image_id)) < 0) {
        rc = hoist_error_set(err, HOIST_EFAILED, "the docker CLI succeeded but wrote no image ID");
        goto cleanup_pipes;
    }
    {
        hoist_build_event ev = {.kind = HOIST_EVENT_IMAGE_ID, .id = d->image_id, .current = -1, .total = -1};
        hoist_build_decoder_emit(d, &ev);
    }

cleanup_pipes:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
    }
cleanup_dir:
    unlink(iidfile);
    rmdir(iid_dir);
    return rc;
}
