/*
 * main.c - the hoist command-line tool: global flags and command dispatch.
 *
 * `hoist [-v] [--version] [--help] <command> [args]`. Each command parses
 * its own flags (cmd_*.c) and returns the exit code documented in
 * docs/design.md: 0 ok, 1 failed, 2 usage, 3 environment, 4 invalid input,
 * 130 interrupted (SIGINT/SIGTERM; 129 SIGHUP, 141 SIGPIPE: see
 * cli_signals.c). -v/--verbose is HOIST_LOG=debug: every Engine API request
 * and reply is logged to stderr (cli_log.c). The command table below is
 * the one `hoist help` lists and `hoist completion` completes from.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cli.h"

#define CMD(n, summary) {#n, cmd_##n, summary, cmd_##n##_longopts, cmd_##n##_shortopts}
const cli_command cli_commands[] = {
    CMD(doctor, "check that a Docker engine is usable and explain what is not"),
    CMD(context, "show, explain and stream the build context docker build would send"),
    CMD(parse, "parse a Dockerfile and print its AST as JSON or text"),
    CMD(build, "build an image on a Docker engine, streamed, with errors at the Dockerfile line"),
    CMD(bake, "build the targets of a bake or compose file over a pool of builders, dependencies first"),
    CMD(init, "detect the project and write a compliant multi-stage Dockerfile and .dockerignore"),
    CMD(push, "push an image to its registry, with the docker CLI's credentials and a diagnosis on failure"),
    CMD(pin, "pin every FROM image:tag of a Dockerfile to its current digest (or --check the pins)"),
    CMD(check, "lint a Dockerfile together with its build context"),
    CMD(explain, "predict which build step will miss the layer cache, and why"),
    CMD(version, "print the versions of hoist, libhoist and its libraries, and its features"),
    CMD(completion, "print the bash, zsh or fish completion script"),
    CMD(help, "show the manual page of a command"),
};
const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct option cli_global_longopts[] = {
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cli_global_shortopts[] = "+vh";

const cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; name && i < cli_command_count; i++)
        if (!strcmp(cli_commands[i].name, name))
            return &cli_commands[i];
    return NULL;
}

static void print_help(FILE *out)
{
    fprintf(out, "usage: hoist [-v] [--version] [--help] <command> [<args>]\n\n"
                 "Automate Docker image builds the standard way.\n\ncommands:\n");
    for (size_t i = 0; i < cli_command_count; i++)
        fprintf(out, "  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(out, "\n  -v, --verbose  log every Engine API request and reply to stderr\n"
                 "                 (HOIST_LOG=debug; credentials are never printed)\n"
                 "\nRun 'hoist help <command>' for its manual, 'hoist <command> --help' for\n"
                 "its options.\n"
                 "Exit codes: 0 ok, 1 failed, 2 usage, 3 environment not ready,\n"
                 "4 invalid input, 130 interrupted (129 SIGHUP, 141 SIGPIPE).\n");
}

/* hoist holds registry passwords, identity tokens, credential-helper
 * replies and --secret values in memory while it builds or pushes: no core
 * file may carry them to disk (a pipe to systemd-coredump ignores
 * RLIMIT_CORE, hence PR_SET_DUMPABLE too, which also keeps other processes
 * of the same user from reading this one's memory). The children hoist
 * starts (docker, ssh, shellcheck) get their own setting back at exec.
 * HOIST_ALLOW_CORE=1 keeps cores on, for debugging hoist itself. See
 * docs/reliability.md "Secrets in memory and core dumps". */
static void no_core_dumps(void)
{
    const char *allow = getenv("HOIST_ALLOW_CORE");
    if (allow && !strcmp(allow, "1"))
        return;
    struct rlimit rl;
    if (getrlimit(RLIMIT_CORE, &rl) == 0) {
        rl.rlim_cur = 0;
        setrlimit(RLIMIT_CORE, &rl);
    }
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int main(int argc, char **argv)
{
    no_core_dumps();
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_help(stdout);
            return 0;
        }
        if (!strcmp(a, "--version"))
            return cmd_version(1, (char *[]){"version", NULL});
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            /* The commands read HOIST_LOG when they make a client. */
            setenv("HOIST_LOG", "debug", 1);
            continue;
        }
        fprintf(stderr, "hoist: unknown option '%s'\n", a);
        print_help(stderr);
        return HOIST_EUSAGE;
    }
    if (i >= argc) {
        print_help(stderr);
        return HOIST_EUSAGE;
    }
    const char *name = argv[i];
    if (!strcmp(name, "help") && argc - i == 1) {
        print_help(stdout);
        return 0;
    }
    cli_signals_default();
    const cli_command *c = cli_command_find(name);
    if (c)
        return c->run(argc - i, argv + i);
    fprintf(stderr, "hoist: '%s' is not a hoist command.\n", name);
    print_help(stderr);
    return HOIST_EUSAGE;
}
