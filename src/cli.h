/*
 * cli.h - shared pieces of the hoist command-line tool.
 *
 * Each command lives in its own cmd_<name>.c and exposes one entry point
 * `int cmd_<name>(int argc, char **argv)` that returns the process exit
 * code. The CLI only uses libhoist's public API (include/hoist/).
 */
#ifndef HOIST_CLI_H
#define HOIST_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "hoist/hoist.h"

int cmd_doctor(int argc, char **argv);
int cmd_context(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pin(int argc, char **argv);

/* Print an error the standard way on stderr:
 *   hoist: <file:line:col: >message
 *   hint: <hint>
 * and return err->code (or 1 when the code is 0). */
int cli_report(const char *command, const hoist_error *err);

/* Print a usage error for `command` and return HOIST_EUSAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

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
