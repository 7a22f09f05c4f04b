/*
 * subprocess.c - spawn a helper with posix_spawn, capture its output with
 * a deadline, and reap it. The child never inherits our stdin, so a probe
 * can never steal input from a user's terminal.
 */
#include "common/subprocess.h"
#include "common/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int hoist_run_capture(const char *const argv[], char *out, size_t out_size, int timeout_ms,
                      int *exit_status, hoist_error *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "pipe: %s", strerror(errno));
    _cleanup_close_ int rd = fds[0];
    int wr = fds[1];

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, wr, 1);
    posix_spawn_file_actions_adddup2(&actions, wr, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(wr);
    if (rc != 0)
        return hoist_error_set(err, HOIST_EENV, "cannot run %s: %s", argv[0], strerror(rc));

    size_t used = 0;
    long deadline = now_ms() + timeout_ms;
    int timed_out = 0;
    for (;;) {
        long left = deadline - now_ms();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd p = {.fd = rd, .events = POLLIN};
        int n = poll(&p, 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            timed_out = n == 0;
            break;
        }
        char chunk[4096];
        ssize_t got = read(rd, chunk, sizeof(chunk));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t keep = (size_t)got;
        if (out_size && used + keep >= out_size)
            keep = out_size - 1 - used;
        if (out_size) {
            memcpy(out + used, chunk, keep);
            used += keep;
        }
    }
    if (out_size)
        out[used] = '\0';
    if (timed_out)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out)
        return hoist_error_setr(err, HOIST_EENV, HOIST_REASON_TIMEOUT,
                                "%s did not finish within %d ms", argv[0], timeout_ms);
    *exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}

static int is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int hoist_find_executable(const char *name, const char *path_env, char *buf, size_t size)
{
    if (!name || !*name)
        return -1;
    if (strchr(name, '/')) {
        snprintf(buf, size, "%s", name);
        return is_executable_file(buf) ? 0 : -1;
    }
    const char *p = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
    while (*p) {
        size_t len = strcspn(p, ":");
        if (len == 0)
            snprintf(buf, size, "./%s", name);
        else
            snprintf(buf, size, "%.*s/%s", (int)len, p, name);
        if (is_executable_file(buf))
            return 0;
        p += len;
        if (*p == ':')
            p++;
    }
    return -1;
}
