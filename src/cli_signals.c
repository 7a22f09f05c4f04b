/*
 * cli_signals.c - what the hoist CLI does on SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE (documented in docs/reliability.md).
 *
 * Every command: SIGINT and SIGTERM exit 130, SIGHUP 129, after stopping
 * the helper processes hoist started (shellcheck, the docker CLI: the
 * children found in /proc; SIGKILL, as they run for hoist only) and
 * removing the one temporary file the command may be writing (registered
 * with cli_signals_temp_file; the destination is only ever replaced by a
 * rename, so it is never partial). SIGPIPE (stdout closed, `| head -1`)
 * keeps its default action: the process ends quietly, status 141.
 *
 * `hoist build` instead lets the build stop cleanly: all four signals set
 * cli_signal, which the library polls through hoist_build_options.cancel;
 * it closes the connection (the daemon stops the build and removes the
 * container) or stops the docker CLI's process group, and the command
 * exits cli_signal_exit_code().
 */
#include "cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

volatile sig_atomic_t cli_signal;

static char temp_path[4200];
static volatile sig_atomic_t temp_set;

int cli_signal_exit_code(int sig)
{
    switch (sig) {
    case SIGHUP: return 129;
    case SIGPIPE: return 141;
    default: return HOIST_EINTERRUPTED;
    }
}

/* Parse a decimal number; -1 when there is none. Async-signal-safe. */
static long parse_long(const char *s)
{
    long v = -1;
    for (; *s >= '0' && *s <= '9'; s++)
        v = (v < 0 ? 0 : v * 10) + (*s - '0');
    return v;
}

/* SIGKILL every child of this process, from a signal handler: only raw
 * system calls (open, getdents64, read, kill), no stdio or malloc. */
static void kill_children(void)
{
    int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return;
    long self = (long)getpid();
    char buf[8192];
    long n;
    while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            struct {
                uint64_t ino;
                int64_t off;
                unsigned short reclen;
                unsigned char type;
                char name[];
            } *d = (void *)(buf + off);
            off += d->reclen;
            long pid = parse_long(d->name);
            if (pid <= 0 || pid == self)
                continue;
            /* "/proc/<pid>/stat": pid (comm) state ppid ... */
            char path[64] = "/proc/";
            size_t len = 6;
            for (size_t i = 0; d->name[i] && len < 40; i++)
                path[len++] = d->name[i];
            memcpy(path + len, "/stat", 6);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                continue;
            char stat[512];
            ssize_t got = read(fd, stat, sizeof(stat) - 1);
            close(fd);
            if (got <= 0)
                continue;
            stat[got] = '\0';
            char *paren = NULL;
            for (char *p = stat; *p; p++)
                if (*p == ')')
                    paren = p; /* the last ')': comm may contain one */
            if (paren && paren[1] == ' ' && paren[2] && paren[3] == ' ' && parse_long(paren + 4) == self)
                kill((pid_t)pid, SIGKILL);
        }
    }
    close(dir);
}

static void on_exit_signal(int sig)
{
    kill_children();
    if (temp_set)
        unlink(temp_path);
    _exit(cli_signal_exit_code(sig));
}

static void on_cancel_signal(int sig)
{
    if (!cli_signal)
        cli_signal = sig;
}

static void install(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

void cli_signals_default(void)
{
    install(SIGINT, on_exit_signal);
    install(SIGTERM, on_exit_signal);
    install(SIGHUP, on_exit_signal);
}

void cli_signals_cancel(void)
{
    install(SIGINT, on_cancel_signal);
    install(SIGTERM, on_cancel_signal);
    install(SIGHUP, on_cancel_signal);
    install(SIGPIPE, on_cancel_signal);
}

void cli_signals_temp_file(const char *path)
{
    temp_set = 0;
    if (path && strlen(path) < sizeof(temp_path)) {
        memcpy(temp_path, path, strlen(path) + 1);
        temp_set = 1;
    }
}
