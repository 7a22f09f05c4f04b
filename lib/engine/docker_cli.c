/*
 * docker_cli.c - locate the docker CLI and read its version.
 *
 * `docker --version` prints "Docker version 28.2.2, build e6534b4"; that
 * needs no daemon, so it works even when the engine is down.
 */
#include "hoist/docker_cli.h"
#include "common/subprocess.h"

#include <stdio.h>
#include <string.h>

int hoist_docker_cli_find(hoist_docker_cli *out, const char *choice, const char *path_env,
                          hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    out->from_choice = choice && *choice;
    const char *name = out->from_choice ? choice : "docker";
    if (hoist_find_executable(name, path_env, out->path, sizeof(out->path)) < 0) {
        if (out->from_choice) {
            hoist_error_set(err, HOIST_EENV, "the docker CLI '%s' (from --docker or HOIST_DOCKER) "
                            "is not an executable file", choice);
            return hoist_error_hint(err, "give the path of a docker binary, e.g. --docker /usr/bin/docker");
        }
        hoist_error_set(err, HOIST_EENV, "no docker CLI found on PATH");
        return hoist_error_hint(err, "install it (Debian: 'apt-get install docker.io'), or name one with "
                                     "--docker PATH or HOIST_DOCKER; the API engine works without it");
    }
    const char *argv[] = {out->path, "--version", NULL};
    char text[1024];
    int status = 0;
    int rc = hoist_run_capture(argv, text, sizeof(text), 10000, &status, err);
    if (rc)
        return rc;
    /* Warnings (e.g. an unreadable config.json) may come before the
     * version line; take the line that carries the version. */
    char *line = strstr(text, "Docker version");
    if (!line)
        line = text;
    line[strcspn(line, "\r\n")] = '\0';
    snprintf(out->version_line, sizeof(out->version_line), "%s", line);
    if (status != 0) {
        hoist_error_set(err, HOIST_EENV, "'%s --version' failed with exit code %d: %s", out->path,
                        status, line);
        return hoist_error_hint(err, "reinstall the docker CLI or choose another with --docker PATH");
    }
    const char *v = strstr(line, "version ");
    if (v) {
        v += strlen("version ");
        snprintf(out->version, sizeof(out->version), "%.*s", (int)strcspn(v, ", "), v);
    }
    return 0;
}

int hoist_docker_cli_probe(hoist_docker_cli *cli, hoist_error *err)
{
    const char *argv[] = {cli->path, "buildx", "version", NULL};
    char text[1024];
    int status = 0;
    int rc = hoist_run_capture(argv, text, sizeof(text), 10000, &status, err);
    if (rc)
        return rc;
    cli->has_buildx = status == 0;
    if (cli->has_buildx) {
        /* "github.com/docker/buildx v0.12.1 30feaa1" */
        const char *v = strstr(text, " v");
        if (v)
            snprintf(cli->buildx_version, sizeof(cli->buildx_version), "%.*s", (int)strcspn(v + 1, " \n"),
                     v + 1);
    }
    int major = 0, minor = 0;
    if (sscanf(cli->version, "%d.%d", &major, &minor) == 2)
        cli->builtin_buildkit = (major > 18 || (major == 18 && minor >= 9)) && major < 23;
    cli->probed = true;
    return 0;
}
