/*
 * main.c - the hoist command-line tool: global flags and command dispatch.
 *
 * `hoist [--version] [--help] <command> [args]`. Each command parses its
 * own flags (cmd_*.c) and returns the exit code documented in docs/design.md:
 * 0 ok, 1 failed, 2 usage, 3 environment, 4 invalid input, 130 interrupted
 * (SIGINT/SIGTERM; 129 SIGHUP, 141 SIGPIPE: see cli_signals.c).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"doctor", cmd_doctor, "check that a Docker engine is usable and explain what is not"},
    {"context", cmd_context, "show, explain and stream the build context docker build would send"},
    {"parse", cmd_parse, "parse a Dockerfile and print its AST as JSON or text"},
    {"build", cmd_build, "build an image on a Docker engine, streamed, with errors at the Dockerfile line"},
    {"init", cmd_init, "detect the project and write a compliant multi-stage Dockerfile and .dockerignore"},
    {"push", cmd_push, "push an image to its registry, with the docker CLI's credentials and a diagnosis on failure"},
    {"pin", cmd_pin, "pin every FROM image:tag of a Dockerfile to its current digest (or --check the pins)"},
    {"check", cmd_check, "lint a Dockerfile together with its build context"},
};

static void print_help(FILE *out)
{
    fprintf(out, "usage: hoist [--version] [--help] <command> [<args>]\n\n"
                 "Automate Docker image builds the standard way.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'hoist <command> --help' for a command's options.\n"
                 "Exit codes: 0 ok, 1 failed, 2 usage, 3 environment not ready,\n"
                 "4 invalid input, 130 interrupted (129 SIGHUP, 141 SIGPIPE).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return HOIST_EUSAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        print_help(stdout);
        return 0;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("hoist %s\n", hoist_version_string());
        return 0;
    }
    cli_signals_default();
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (!strcmp(commands[i].name, name))
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "hoist: '%s' is not a hoist command.\n", name);
    print_help(stderr);
    return HOIST_EUSAGE;
}
