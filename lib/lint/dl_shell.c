/*
 * dl_shell.c - hadolint's rules about the shell commands of RUN: commands
 * that make no sense in a container, cd, sudo, useradd without -l, noisy
 * wget, mixing wget and curl, replacing /bin/sh, and pipes without
 * pipefail.
 *
 * Each check reads the commands shell.c split out of every RUN (ONBUILD RUN
 * included) and reports on the RUN instruction.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Call fn for every command of every RUN; stop a RUN at the first report. */
#define FOR_EACH_CMD(ctx, i, c)                                                            \
    for (size_t i = 0; i < (ctx)->n; i++)                                                  \
        for (size_t c##_k = 0; c##_k < lint_run_script((ctx), i)->count; c##_k++)          \
            for (const lint_cmd *c = &lint_run_script((ctx), i)->cmds[c##_k]; c; c = NULL)

static void dl3001(lint_ctx *ctx)
{
    static const char *const bad[] = {"free", "kill", "mount", "ps", "service", "shutdown",
                                      "ssh", "top", "vim", "ifconfig", "nano", NULL};
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        for (size_t k = 0; k < s->count; k++) {
            const char *name = lint_cmd_name(&s->cmds[k]);
            bool hit = false;
            for (size_t b = 0; bad[b] && !hit; b++)
                hit = !strcmp(name, bad[b]);
            if (hit) {
                lint_report(ctx, (int)i, NULL, "remove it; containers are not machines to log into",
                            "For some bash commands it makes no sense running them in a Docker "
                            "container like ssh, vim, shutdown, service, ps, free, top, kill, "
                            "mount, ifconfig: '%s'", name);
                break;
            }
        }
    }
}

static void first_use(lint_ctx *ctx, const char *name, const char *hint, const char *msg)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const lint_script *s = lint_run_script(ctx, i);
        for (size_t k = 0; k < s->count; k++)
            if (lint_cmd_is(&s->cmds[k], name)) {
                lint_report(ctx, (int)i, NULL, hint, "%s", msg);
                break;
            }
    }
}

static void dl3003(lint_ctx *ctx)
{
    first_use(ctx, "cd", "set WORKDIR /path instead of cd",
              "Use WORKDIR to switch to a directory");
}

static void dl3004(lint_ctx *ctx)
{
    first_use(ctx, "sudo", "RUN already runs as root (or use gosu in entrypoints)",
              "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to "
              "enforce root");
}

static void dl3046(lint_ctx *ctx)
{
    FOR_EACH_CMD(ctx, i, c)
    {
        if (!lint_cmd_is(c, "useradd") || lint_cmd_has_flag(c, 'l', "--no-log-init"))
            continue;
        const char *uid = NULL;
        for (size_t k = 1; k < c->argc; k++) {
            if ((!strcmp(c->argv[k], "-u") || !strcmp(c->argv[k], "--uid")) && k + 1 < c->argc)
                uid = c->argv[k + 1];
            else if (lint_has_prefix(c->argv[k], "--uid="))
                uid = c->argv[k] + 6;
        }
        if (uid && strlen(uid) > 5 && isdigit((unsigned char)uid[0]))
            lint_report(ctx, (int)i, NULL, "add -l (--no-log-init) to useradd",
                        "useradd without flag -l and high UID will result in excessively large "
                        "Image");
    }
}

static void dl3047(lint_ctx *ctx)
{
    FOR_EACH_CMD(ctx, i, c)
    {
        if (!lint_cmd_is(c, "wget"))
            continue;
        if (lint_cmd_has_flag(c, 0, "--progress") || lint_cmd_has_flag(c, 'q', "--quiet") ||
            lint_cmd_has_word(c, "-nv") || lint_cmd_has_flag(c, 0, "--no-verbose") ||
            lint_cmd_has_flag(c, 'o', "--output-file") ||
            lint_cmd_has_flag(c, 'a', "--append-output"))
            continue;
        lint_report(ctx, (int)i, NULL, "add --progress=dot:giga (or -q)",
                    "wget without flag --progress will result in excessively bloated build logs "
                    "when downloading larger files");
    }
}

static void dl4001(lint_ctx *ctx)
{
    /* Each RUN using one of them once the stage has used both. */
    int stage = -2;
    bool wget = false, curl = false;
    for (size_t i = 0; i < ctx->n; i++) {
        if (lint_stage_of(ctx, i) != stage) {
            stage = lint_stage_of(ctx, i);
            wget = curl = false;
        }
        const lint_script *s = lint_run_script(ctx, i);
        bool uses = false;
        for (size_t k = 0; k < s->count; k++) {
            bool w = lint_cmd_is(&s->cmds[k], "wget"), c = lint_cmd_is(&s->cmds[k], "curl");
            wget |= w;
            curl |= c;
            uses |= w || c;
        }
        if (wget && curl && uses) {
            lint_report(ctx, (int)i, NULL, "pick one download tool",
                        "Either use Wget or Curl but not both");
        }
    }
}

static void dl4005(lint_ctx *ctx)
{
    FOR_EACH_CMD(ctx, i, c)
    {
        if (!lint_cmd_is(c, "ln") || c->argc < 2)
            continue;
        if (!strcmp(c->argv[c->argc - 1], "/bin/sh"))
            lint_report(ctx, (int)i, NULL, "use SHELL [\"/bin/bash\", \"-c\"]",
                        "Use SHELL to change the default shell");
    }
}

/* SHELL that fails pipelines or is not a POSIX shell at all (pwsh, cmd):
 * both make DL4006 moot. As hadolint reads it: bash, zsh or ash with an
 * -o flag (also grouped: -eo) and a `pipefail` word; /bin/sh -o pipefail
 * does not count (dash and busybox sh may lack it). */
static bool shell_ok(const hoist_df_instruction *sh)
{
    if (!sh->arg_count)
        return false;
    const char *a0 = sh->args[0].value;
    const char *b = strrchr(a0, '/');
    b = b ? b + 1 : a0;
    if (strstr(b, "pwsh") || strstr(b, "powershell") || !strcasecmp(b, "cmd") ||
        !strcasecmp(b, "cmd.exe"))
        return true;
    if (strcmp(b, "bash") && strcmp(b, "zsh") && strcmp(b, "ash"))
        return false;
    bool o = false, pipefail = false;
    for (size_t k = 1; k < sh->arg_count; k++) {
        const char *a = sh->args[k].value;
        if (a[0] == '-' && a[1] != '-' && strchr(a, 'o'))
            o = true;
        if (!strcmp(a, "pipefail"))
            pipefail = true;
        if (!strcmp(a, "-opipefail") || strstr(a, "set -o pipefail"))
            return true;
    }
    return o && pipefail;
}

static void dl4006(lint_ctx *ctx)
{
    int stage = -2;
    bool ok = false;
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *top = lint_ins_top(ctx, i);
        if (top->stage != stage) {
            stage = top->stage;
            ok = false;
        }
        if (top->kind == HOIST_DF_SHELL)
            ok = shell_ok(top);
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_RUN || ins->form != HOIST_DF_FORM_SHELL || ok)
            continue;
        const lint_script *s = lint_run_script(ctx, i);
        if (!s->has_pipe)
            continue;
        /* `set -o pipefail` before the first pipeline also counts. */
        bool set = false;
        for (size_t k = 0; k < s->count && !s->cmds[k].in_pipe; k++) {
            const lint_cmd *c = &s->cmds[k];
            if (lint_cmd_is(c, "set") && ((lint_cmd_has_word(c, "-o") && lint_cmd_has_word(c, "pipefail")) ||
                                          lint_cmd_has_word(c, "-eo") || lint_cmd_has_word(c, "-euo") ||
                                          lint_cmd_has_word(c, "-exo") || lint_cmd_has_word(c, "-euxo")))
                set = true;
        }
        if (!set)
            lint_report(ctx, (int)i, NULL,
                        "add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before this RUN",
                        "Set the SHELL option -o pipefail before RUN with a pipe in it. If you "
                        "are using /bin/sh in an alpine image or if your shell is symlinked to "
                        "busybox then consider explicitly setting your SHELL to /bin/ash, or "
                        "disable this check");
    }
}

#define R(id, sev, title, expl, fn) {{id, "hadolint", HOIST_LINT_##sev, title, expl}, fn}

static const lint_rule rules[] = {
    R("DL3001", INFO,
      "For some bash commands it makes no sense running them in a Docker container like ssh, "
      "vim, shutdown, service, ps, free, top, kill, mount, ifconfig.",
      "A build runs commands once, without a terminal, services or an init system; commands "
      "for interactive use or system administration do nothing useful there. Fix: remove them "
      "(start services from the entrypoint; debug in a running container).",
      dl3001),
    R("DL3003", WARNING, "Use WORKDIR to switch to a directory.",
      "`cd` in RUN only lasts for that RUN, so later instructions silently run elsewhere. "
      "Fix: WORKDIR /path (it also creates the directory).",
      dl3003),
    R("DL3004", ERROR,
      "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce "
      "root.",
      "RUN already runs as the current USER; sudo needs a tty and configuration that images "
      "rarely have. Fix: switch with USER root ... USER app, or use gosu/su-exec at run time.",
      dl3004),
    R("DL3046", WARNING, "useradd without flag -l and high UID will result in excessively large Image.",
      "useradd writes a lastlog/faillog entry sized by the UID; a UID in the millions creates "
      "a sparse file of gigabytes in the layer. Fix: useradd -l (--no-log-init).",
      dl3046),
    R("DL3047", INFO,
      "wget without flag --progress will result in excessively bloated build logs when "
      "downloading larger files.",
      "wget's default progress bar degrades to thousands of lines without a terminal. Fix: "
      "wget --progress=dot:giga, or -q / -nv.",
      dl3047),
    R("DL4001", WARNING, "Either use Wget or Curl but not both",
      "Installing both download tools makes the image bigger for nothing. Reported on each "
      "RUN that uses one once the stage has used both. Fix: use one of them throughout the "
      "stage.",
      dl4001),
    R("DL4005", WARNING, "Use SHELL to change the default shell",
      "Re-linking /bin/sh changes the shell under every program of the image, not just RUN. "
      "Fix: SHELL [\"/bin/bash\", \"-c\"].",
      dl4005),
    R("DL4006", WARNING, "Set the SHELL option -o pipefail before RUN with a pipe in it",
      "A pipeline's status is that of its last command, so `curl ... | tar x` succeeds even "
      "when the download fails, and the build goes on with a broken layer. Fix: SHELL "
      "[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] (or /bin/ash on alpine) before the RUN.",
      dl4006),
};

const lint_family lint_family_dl_shell = {rules, sizeof(rules) / sizeof(rules[0])};
