/*
 * cli_signals.c - what the hoist CLI does on SIGINT, SIGTERM, SIGHUP and
 * SIGPIPE (documented in docs/reliability.md).
 *
 * Every command: SIGINT and SIGTERM exit 130, SIGHUP 129, after removing
 * the one temporary file the command may be writing (registered with
 * cli_signals_temp_file; the destination is only ever replaced by a
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

#include <signal.h>
#include <string.h>
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

static void on_exit_signal(int sig)
{
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
