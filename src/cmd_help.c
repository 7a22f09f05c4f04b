/*
 * cmd_help.c - `hoist help [COMMAND]`: a command's manual page.
 *
 * The page is docs/hoist-COMMAND.1. It is looked for next to the running
 * executable first, so that build/hoist shows the in-tree page of the
 * checkout it was built from (../docs/ from build/) and an installed
 * PREFIX/bin/hoist the page installed with it (../share/man/man1/); the
 * page found (PAGE.1, or PAGE.1.gz as packages install it) is shown with
 * `man -l PAGE`. Without a page there, `man
 * hoist-COMMAND` searches MANPATH. When man is not installed (or shows
 * nothing), the command's --help is printed instead, so the answer is never
 * empty.
 */
#include "cli.h"

#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const struct option cmd_help_longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_help_shortopts[] = "h";

extern char **environ;

static void usage(FILE *out)
{
    fprintf(out, "usage: hoist help [COMMAND]\n\n"
                 "Show COMMAND's manual page (man -l on the page installed with hoist or\n"
                 "in the source tree; its --help when man is missing). Without COMMAND,\n"
                 "list the commands.\n");
}

/* True when `prog` is an executable file in a PATH directory. */
static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char buf[PATH_MAX];
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? p : ".", prog);
        if (access(buf, X_OK) == 0)
            return true;
        p += n;
        if (*p == ':')
            p++;
    }
    return false;
}

/* The page next to the executable: ../docs (source tree) or
 * ../share/man/man1 (installed); 0 when found. */
static int find_page(const char *name, char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    static const char *const rel[] = {"../docs", "../share/man/man1", "docs"};
    /* Packages compress pages (dh_installman); man -l reads both. */
    static const char *const ext[] = {".1", ".1.gz"};
    for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
        for (size_t j = 0; j < sizeof(ext) / sizeof(ext[0]); j++) {
            snprintf(out, size, "%s/%s/hoist-%s%s", exe, rel[i], name, ext[j]);
            if (access(out, R_OK) == 0)
                return 0;
        }
    return -1;
}

static int run_man(char *const argv[])
{
    fflush(stdout);
    pid_t pid;
    if (posix_spawnp(&pid, "man", NULL, NULL, argv, environ) != 0)
        return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cmd_help(int argc, char **argv)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, cmd_help_shortopts, cmd_help_longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        return cli_usage_error("help", "unknown option '%s'", argv[optind - 1]);
    }
    if (optind >= argc) {
        printf("commands:");
        for (size_t i = 0; i < cli_command_count; i++)
            printf(" %s", cli_commands[i].name);
        printf("\nRun 'hoist help COMMAND' for its manual page.\n");
        return 0;
    }
    if (argc - optind > 1)
        return cli_usage_error("help", "one command at a time");
    const char *name = argv[optind];
    const cli_command *cmd = cli_command_find(name);
    if (!cmd)
        return cli_usage_error("help", "'%s' is not a hoist command", name);

    if (on_path("man")) {
        char page[PATH_MAX + 64], topic[64];
        int rc;
        if (find_page(name, page, sizeof(page)) == 0) {
            rc = run_man((char *[]){"man", "-l", page, NULL});
        } else {
            snprintf(topic, sizeof(topic), "hoist-%s", name);
            rc = run_man((char *[]){"man", topic, NULL});
        }
        if (rc == 0)
            return 0;
        fprintf(stderr, "hoist help: man could not show hoist-%s(1); here is 'hoist %s --help':\n\n",
                name, name);
    }
    return cmd->run(2, (char *[]){(char *)name, "--help", NULL});
}
