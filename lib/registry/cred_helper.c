/*
 * cred_helper.c - run a docker credential helper with its input on stdin,
 * its stdout captured (bounded) and a deadline.
 *
 * fork+exec rather than posix_spawn because the child gets its own process
 * group (a helper may start others: keychain agents, gpg) so that a timeout
 * kills all of it. stderr is discarded: helpers print their failures on
 * stdout, and what they print on stderr is not theirs to show. The output
 * may be a secret: it is wiped before being freed.
 */
#include "registry/cred_helper.h"
#include "common/cleanup.h"
#include "common/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HELPER_OUT_MAX (256 * 1024)

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* write() that turns a helper gone before reading its input into EPIPE
 * instead of a SIGPIPE for the whole process. */
static ssize_t write_nosigpipe(int fd, const void *data, size_t len)
{
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    ssize_t w = write(fd, data, len);
    int saved = errno;
    if (w < 0 && errno == EPIPE && !was_pending) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return w;
}

void hoist_helper_result_clear(hoist_helper_result *res)
{
    if (res->out) {
        explicit_bzero(res->out, res->out_len);
        free(res->out);
    }
    res->out = NULL;
    res->out_len = 0;
}

int hoist_helper_run(const char *name, const char *action, const char *input, const char *path_env,
                     int timeout_ms, hoist_helper_result *res, hoist_error *err)
{
    memset(res, 0, sizeof(*res));
    char prog[256], path[4096];
    snprintf(prog, sizeof(prog), "docker-credential-%s", name);
    if (hoist_find_executable(prog, path_env ? path_env : "/usr/local/bin:/usr/bin:/bin", path, sizeof(path)) < 0) {
        hoist_error_set(err, HOIST_EENV, "credential helper '%s' is not installed (not found on PATH)", prog);
        return hoist_error_hint(err, "install %s, or remove it from credsStore/credHelpers in the docker "
                                     "config file and log in again", prog);
    }
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0)
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "pipe: %s", strerror(errno));
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(in[0]);
        close(in[1]);
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "pipe: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]); close(in[1]); close(out[0]); close(out[1]);
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        setpgid(0, 0);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(in[0], 0);
        dup2(out[1], 1);
        if (devnull >= 0)
            dup2(devnull, 2);
        signal(SIGPIPE, SIG_DFL);
        execl(path, prog, action, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid); /* also from here: no race with the kill below */
    close(in[0]);
    close(out[1]);
    _cleanup_close_ int wr = in[1];
    _cleanup_close_ int rd = out[0];
    fcntl(wr, F_SETFL, O_NONBLOCK);

    size_t in_len = input ? strlen(input) : 0, in_off = 0;
    if (in_len == 0) {
        close(wr);
        wr = -1;
    }
    char *buf = calloc(1, HELPER_OUT_MAX + 1);
    if (!buf) {
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return hoist_error_nomem(err);
    }
    size_t used = 0;
    long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 15000);
    while (rd >= 0) {
        long left = deadline - now_ms();
        if (left <= 0) {
            res->timed_out = true;
            break;
        }
        struct pollfd p[2] = {{.fd = rd, .events = POLLIN}, {.fd = wr, .events = POLLOUT}};
        int n = poll(p, wr >= 0 ? 2 : 1, (int)left);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (wr >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write_nosigpipe(wr, input + in_off, in_len - in_off);
            if (w > 0)
                in_off += (size_t)w;
            if (w < 0 && errno != EAGAIN && errno != EINTR)
                in_off = in_len; /* the helper closed its stdin: stop writing */
            if (in_off >= in_len) {
                close(wr);
                wr = -1;
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            char tmp[4096];
            ssize_t r = read(rd, tmp, sizeof(tmp));
            if (r < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (r <= 0)
                break;
            size_t take = (size_t)r;
            if (take > HELPER_OUT_MAX - used)
                take = HELPER_OUT_MAX - used;
            memcpy(buf + used, tmp, take);
            used += take;
            explicit_bzero(tmp, sizeof(tmp));
        }
    }
    int status = 0;
    if (res->timed_out) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    } else {
        /* stdout closed: wait for the exit, still within the deadline */
        for (;;) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid || (w < 0 && errno != EINTR))
                break;
            if (now_ms() >= deadline) {
                res->timed_out = true;
                kill(-pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            struct timespec ts = {0, 5 * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    buf[used] = '\0';
    res->out = buf;
    res->out_len = used;
    res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return 0;
}
