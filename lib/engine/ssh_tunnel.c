/*
 * ssh_tunnel.c - an OpenSSH stream-local forward to a remote Docker socket.
 *
 * The local socket lives in a fresh 0700 directory under /tmp so that no
 * other user can use the tunnel. The ssh child gets PR_SET_PDEATHSIG, so
 * it dies with hoist even when hoist is killed and cannot clean up.
 */
#include "engine/ssh_tunnel.h"
#include "common/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void hoist_ssh_tunnel_collect(hoist_ssh_tunnel *t)
{
    if (t->stderr_fd < 0)
        return;
    for (;;) {
        char chunk[512];
        ssize_t n = read(t->stderr_fd, chunk, sizeof(chunk) - 1);
        if (n <= 0)
            return;
        chunk[n] = '\0';
        size_t have = strlen(t->said), add = (size_t)n;
        if (have + add >= sizeof(t->said)) {
            /* keep the most recent text: drop from the front */
            size_t drop = have + add - (sizeof(t->said) - 1);
            if (drop > have)
                drop = have;
            memmove(t->said, t->said + drop, have - drop + 1);
            have -= drop;
            if (add >= sizeof(t->said))
                add = sizeof(t->said) - 1 - have;
        }
        memcpy(t->said + have, chunk, add);
        t->said[have + add] = '\0';
    }
}

void hoist_ssh_tunnel_close(hoist_ssh_tunnel *t)
{
    if (t->pid > 0) {
        kill(t->pid, SIGTERM);
        while (waitpid(t->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        t->pid = 0;
    }
    if (t->stderr_fd >= 0) {
        close(t->stderr_fd);
        t->stderr_fd = -1;
    }
    if (t->socket[0]) {
        unlink(t->socket);
        t->socket[0] = '\0';
    }
    if (t->dir[0]) {
        rmdir(t->dir);
        t->dir[0] = '\0';
    }
}

static void last_line(const char *text, char *out, size_t size)
{
    size_t len = strlen(text);
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    size_t start = len;
    while (start && text[start - 1] != '\n')
        start--;
    snprintf(out, size, "%.*s", (int)(len - start), text + start);
}

int hoist_ssh_tunnel_open(const hoist_endpoint *ep, hoist_ssh_tunnel *t, hoist_error *err)
{
    memset(t, 0, sizeof(*t));
    t->stderr_fd = -1;
    char ssh[HOIST_PATH_MAX];
    if (hoist_find_executable("ssh", getenv("PATH"), ssh, sizeof(ssh)) < 0) {
        hoist_error_set(err, HOIST_EENV, "%s needs the ssh client, and none was found on PATH", ep->host);
        return hoist_error_hint(err, "install OpenSSH's client (Debian: openssh-client)");
    }
    snprintf(t->dir, sizeof(t->dir), "/tmp/hoist-ssh.XXXXXX");
    if (!mkdtemp(t->dir)) {
        t->dir[0] = '\0';
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno),
                                "cannot create a directory for the ssh tunnel: %s",
                                strerror(errno));
    }
    snprintf(t->socket, sizeof(t->socket), "%s/docker.sock", t->dir);
    char forward[HOIST_PATH_MAX + 200], port[16], target[800];
    snprintf(forward, sizeof(forward), "%s:%s", t->socket, ep->ssh_socket[0] ? ep->ssh_socket : "/var/run/docker.sock");
    snprintf(port, sizeof(port), "%d", ep->port > 0 ? ep->port : 22);
    if (ep->ssh_user[0])
        snprintf(target, sizeof(target), "%s@%s", ep->ssh_user, ep->address);
    else
        snprintf(target, sizeof(target), "%s", ep->address);
    /* HOIST_SSH_CONFIG: an ssh_config file to use instead of ~/.ssh/config. */
    const char *config = getenv("HOIST_SSH_CONFIG");
    const char *argv[24];
    size_t n = 0;
    argv[n++] = ssh;
    if (config && *config) {
        argv[n++] = "-F";
        argv[n++] = config;
    }
    const char *fixed[] = {"-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=15",
                           "-o", "ConnectTimeout=10", "-nNT", "-L", forward, "-p", port, "--", target};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        argv[n++] = fixed[i];
    argv[n] = NULL;

    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        hoist_ssh_tunnel_close(t);
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno), "pipe: %s", strerror(errno));
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        hoist_ssh_tunnel_close(t);
        return hoist_error_setr(err, HOIST_EFAILED, hoist_reason_from_errno(errno),
                                "cannot start ssh: %s", strerror(errno));
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        dup2(pipefd[1], 2);
        execv(ssh, (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    t->pid = pid;
    t->stderr_fd = pipefd[0];
    fcntl(t->stderr_fd, F_SETFL, O_NONBLOCK);

    for (int waited_ms = 0; waited_ms < 20000; waited_ms += 50) {
        struct stat st;
        if (stat(t->socket, &st) == 0 && S_ISSOCK(st.st_mode))
            return 0;
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            t->pid = 0;
            hoist_ssh_tunnel_collect(t);
            char line[600];
            last_line(t->said, line, sizeof(line));
            hoist_error_set(err, HOIST_EENV, "ssh to %s failed: %s", target,
                            line[0] ? line : "ssh exited without a message");
            hoist_ssh_tunnel_close(t);
            char how[900];
            if (ep->port > 0 && ep->port != 22)
                snprintf(how, sizeof(how), "ssh -p %s %s", port, target);
            else
                snprintf(how, sizeof(how), "ssh %s", target);
            return hoist_error_hint(err, "check that '%s' works without a password prompt (a key or an agent, "
                                         "and a known host key), as the docker CLI needs too", how);
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    hoist_ssh_tunnel_collect(t);
    hoist_ssh_tunnel_close(t);
    hoist_error_set(err, HOIST_EENV, "ssh to %s did not open the tunnel within 20 s", target);
    return hoist_error_hint(err, "check the host's reachability and that sshd allows stream-local forwarding "
                                 "(AllowStreamLocalForwarding)");
}
