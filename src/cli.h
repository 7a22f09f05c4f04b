/*
 * cli.h - shared pieces of the hoist command-line tool.
 *
 * Each command lives in its own cmd_<name>.c and exposes one entry point
 * `int cmd_<name>(int argc, char **argv)` that returns the process exit
 * code. The CLI only uses libhoist's public API (include/hoist/).
 */
#ifndef HOIST_CLI_H
#define HOIST_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include "hoist/hoist.h"

/* A command of the CLI: the table main() dispatches with, `hoist help`
 * lists and `hoist completion` turns into shell completions. `longopts` and
 * `shortopts` are the very tables the command's getopt_long loop parses
 * (cmd_<name>_longopts / cmd_<name>_shortopts), so a new flag is completed
 * as soon as it is parsed. */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const struct option *longopts;   /* NULL-terminated; NULL: no flags */
    const char *shortopts;
} cli_command;

extern const cli_command cli_commands[];
extern const size_t cli_command_count;
/* The global flags (`hoist [-v] [--version] [--help] <command>`). */
extern const struct option cli_global_longopts[];
extern const char cli_global_shortopts[];
const cli_command *cli_command_find(const char *name);

#define CLI_DECLARE(name)                                 \
    int cmd_##name(int argc, char **argv);                \
    extern const struct option cmd_##name##_longopts[];   \
    extern const char cmd_##name##_shortopts[]
CLI_DECLARE(doctor);
CLI_DECLARE(context);
CLI_DECLARE(parse);
CLI_DECLARE(check);
CLI_DECLARE(explain);
CLI_DECLARE(build);
CLI_DECLARE(bake);
CLI_DECLARE(init);
CLI_DECLARE(push);
CLI_DECLARE(pin);
CLI_DECLARE(version);
CLI_DECLARE(completion);
CLI_DECLARE(help);


/* Print an error the standard way on stderr:
 *   hoist: <file:line:col: >message
 *   hint: <hint>
 * and return err->code (or 1 when the code is 0). */
int cli_report(const char *command, const hoist_error *err);

/* Print a usage error for `command` and return HOIST_EUSAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Registry credentials as the docker CLI finds them: $DOCKER_CONFIG,
 * $HOME, $PATH for docker-credential-NAME helpers, and
 * HOIST_CREDENTIAL_TIMEOUT (seconds) for a helper that does not answer. */
void cli_registry_auth_from_env(hoist_registry_auth_options *auth);

/* The request log (cli_log.c): on when HOIST_LOG=debug (or -v). */
bool cli_log_enabled(void);
void cli_log_install(hoist_client_options *opts);
/* The callback to pass where a library call makes its own client
 * (hoist_doctor_options.log); NULL when the log is off. */
hoist_log_fn cli_log_callback(void);

/* True when colour may be used on `stream` (a terminal and NO_COLOR unset). */
bool cli_use_color(FILE *stream);

/* Signals (cli_signals.c). cli_signal: the first cancelling signal
 * received under cli_signals_cancel, else 0. */
#include <signal.h>
extern volatile sig_atomic_t cli_signal;
void cli_signals_default(void);
void cli_signals_cancel(void);
void cli_signals_temp_file(const char *path);
int cli_signal_exit_code(int sig);

#endif
