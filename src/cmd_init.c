/*
 * cmd_init.c - `hoist init`: detect the project in a directory and write a
 * multi-stage Dockerfile and a .dockerignore for it.
 *
 *   hoist init [options] [DIR]
 *
 * Steps: detect (hoist_gen_detect; several candidates need --lang), generate
 * (hoist_gen_generate, templates held as data, through the AST and printer),
 * lint what was generated with hoist check's library (any finding at all is
 * a bug: nothing is written), verify with the context engine that the
 * .dockerignore sends every file the Dockerfile copies, then write, print
 * (--stdout) or compare (--diff). A summary of what was detected and each
 * choice goes to stderr. Existing files are never replaced without --force.
 * Exit: 0 ok, 1 refused (file exists, lint findings, context check),
 * 2 usage (including several candidates without --lang), 4 invalid input.
 */
#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "hoist/lint.h"

extern char **environ;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hoist init [options] [DIR]\n\n"
            "Detect the project in DIR (default: the current directory) and write a\n"
            "multi-stage Dockerfile and a .dockerignore for it. Detects Go, Node, Python,\n"
            "Rust, C/C++ and Java projects.\n\n"
            "      --lang LANG             go, node, python, rust, c, java (when several match)\n"
            "      --profile PROFILE       prod (default: small runtime image) or dev\n"
            "                              (toolchain image for local iteration)\n"
            "      --base builder=IMAGE    builder (toolchain) image instead of the pinned default\n"
            "      --base runtime=IMAGE    runtime image instead of the pinned default\n"
            "      --buildkit              use BuildKit cache mounts for package caches\n"
            "  -f, --file NAME             Dockerfile name in DIR (default: Dockerfile)\n"
            "      --stdout[=WHICH]        print instead of writing: Dockerfile (default) or\n"
            "                              .dockerignore\n"
            "      --diff                  show a unified diff against the existing files\n"
            "      --force                 replace existing files\n"
            "      --pin tag|digest        digest: pin the base images to their current digests after\n"
            "                              writing (as hoist pin; needs the registry or the engine)\n"
            "  -q, --quiet                 no summary\n"
            "  -h, --help                  this help\n\n"
            "Exit codes: 0 ok, 1 refused (a file exists, or the generated file would have\n"
            "findings), 2 usage (also: several project kinds and no --lang), 4 invalid input.\n");
}

typedef struct init_args {
    const char *dir;
    const char *lang;
    const char *profile;
    const char *builder;
    const char *runtime;
    const char *file;
    const char *stdout_which; /* NULL: write files */
    bool buildkit, diff, force, quiet;
    bool pin_digest; /* --pin digest */
} init_args;

enum { OPT_LANG = 256, OPT_PROFILE, OPT_BASE, OPT_BUILDKIT, OPT_STDOUT, OPT_DIFF, OPT_FORCE, OPT_PIN };
/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_init_longopts[] = {
    {"lang", required_argument, NULL, OPT_LANG},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"base", required_argument, NULL, OPT_BASE},
    {"buildkit", no_argument, NULL, OPT_BUILDKIT},
    {"file", required_argument, NULL, 'f'},
    {"stdout", optional_argument, NULL, OPT_STDOUT},
    {"diff", no_argument, NULL, OPT_DIFF},
    {"force", no_argument, NULL, OPT_FORCE},
    {"pin", required_argument, NULL, OPT_PIN},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_init_shortopts[] = "f:qh";

static int parse_args(int argc, char **argv, init_args *a)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, cmd_init_shortopts, cmd_init_longopts, NULL)) != -1) {
        switch (c) {
        case OPT_LANG: a->lang = optarg; break;
        case OPT_PROFILE: a->profile = optarg; break;
        case OPT_BASE:
            if (!strncmp(optarg, "builder=", 8))
                a->builder = optarg + 8;
            else if (!strncmp(optarg, "runtime=", 8))
                a->runtime = optarg + 8;
            else
                return cli_usage_error("init", "--base takes builder=IMAGE or runtime=IMAGE, not '%s'",
                                       optarg);
            if (!optarg[8])
                return cli_usage_error("init", "--base %s: the image is empty", optarg);
            break;
        case OPT_BUILDKIT: a->buildkit = true; break;
        case 'f': a->file = optarg; break;
        case OPT_STDOUT:
            a->stdout_which = optarg ? optarg : "Dockerfile";
            if (strcmp(a->stdout_which, "Dockerfile") && strcmp(a->stdout_which, ".dockerignore") &&
                strcmp(a->stdout_which, "dockerignore"))
                return cli_usage_error("init", "--stdout takes Dockerfile or .dockerignore, not '%s'",
                                       a->stdout_which);
            break;
        case OPT_DIFF: a->diff = true; break;
        case OPT_FORCE: a->force = true; break;
        case OPT_PIN:
            if (strcmp(optarg, "tag") && strcmp(optarg, "digest"))
                return cli_usage_error("init", "--pin takes tag or digest, not '%s'", optarg);
            a->pin_digest = !strcmp(optarg, "digest");
            break;
        case 'q': a->quiet = true; break;
        case 'h': usage(stdout); return -1;
        case ':':
            return cli_usage_error("init", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("init", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        a->dir = argv[optind++];
    if (a->pin_digest && (a->stdout_which || a->diff))
        return cli_usage_error("init", "--pin digest pins the written file: not with --stdout or --diff");
    if (optind < argc)
        return cli_usage_error("init", "one directory at most, got '%s' too", argv[optind]);
    if (a->stdout_which && a->diff)
        return cli_usage_error("init", "--stdout and --diff do not go together");
    if (a->file && (strchr(a->file, '/') || !a->file[0]))
        return cli_usage_error("init", "-f takes a file name inside DIR, not a path: '%s'", a->file);
    return 0;
}

static void print_detection(const char *dir, const hoist_gen_detection *d,
                            const hoist_gen_project *chosen)
{
    for (size_t i = 0; i < hoist_gen_detection_count(d); i++) {
        const hoist_gen_project *p = hoist_gen_detection_get(d, i);
        fprintf(stderr, "%s %s project (%s) in %s\n", p == chosen ? "detected" : "also found",
                hoist_gen_lang_name(p->lang), p->tool, dir);
        for (size_t r = 0; r < p->reason_count; r++)
            fprintf(stderr, "  because %s\n", p->reasons[r]);
        for (size_t n = 0; n < p->note_count; n++)
            fprintf(stderr, "  note: %s\n", p->notes[n]);
    }
}

static void print_choices(const hoist_gen_result *r)
{
    fprintf(stderr, "choices:\n");
    for (size_t i = 0; i < hoist_gen_result_choice_count(r); i++) {
        const hoist_gen_choice *c = hoist_gen_result_choice(r, i);
        fprintf(stderr, "  %-14s %s\n  %-14s   (%s)\n", c->topic, c->value, "", c->reason);
    }
}

/* The quality bar: no finding at all, whatever its severity. One exception:
 * HS010 (a release line past its end of life) comes from the version the
 * project declares or the --base image the user gave, which init honours:
 * the file is written and the finding shown as a warning. */
static int lint_generated(hoist_gen_result *r, const char *name, size_t *warned)
{
    hoist_error err = HOIST_ERROR_INIT;
    hoist_lint_options lo = HOIST_LINT_OPTIONS_INIT;
    lo.dockerfile = name;
    hoist_lint_result *res = NULL;
    if (hoist_lint_run(hoist_gen_result_ast(r), &lo, &res, &err))
        return cli_report("init", &err);
    size_t n = hoist_lint_result_count(res), eol = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(hoist_lint_result_get(res, i)->code, "HS010"))
            eol++;
    *warned = eol;
    if (n && eol == n) {
        fprintf(stderr, "hoist init: warning: the Dockerfile uses a release line past its end of "
                        "life (the version the project declares, or --base):\n");
        const char *text = hoist_gen_result_dockerfile(r);
        hoist_lint_source src = {name, text, strlen(text)};
        hoist_lint_write_options wo = HOIST_LINT_WRITE_OPTIONS_INIT;
        wo.sources = &src;
        wo.source_count = 1;
        wo.color = cli_use_color(stderr);
        hoist_lint_write(res, HOIST_LINT_FORMAT_TTY, stderr, &wo, &err);
        hoist_lint_result_free(res);
        return 0;
    }
    if (n) {
        fprintf(stderr, "hoist init: error: the generated %s has %zu finding%s; nothing written:\n",
                name, n, n == 1 ? "" : "s");
        const char *text = hoist_gen_result_dockerfile(r);
        hoist_lint_source src = {name, text, strlen(text)};
        hoist_lint_write_options wo = HOIST_LINT_WRITE_OPTIONS_INIT;
        wo.sources = &src;
        wo.source_count = 1;
        wo.color = cli_use_color(stderr);
        hoist_lint_write(res, HOIST_LINT_FORMAT_TTY, stderr, &wo, &err);
        fprintf(stderr, "hint: this is a bug in hoist init's templates; please report it\n");
    }
    hoist_lint_result_free(res);
    return n ? HOIST_EFAILED : 0;
}

/* diff -u existing generated, labelled a/NAME and b/NAME. */
static int show_diff(const char *dir, const char *name, const char *text)
{
    char *existing = NULL;
    if (asprintf(&existing, "%s/%s", dir, name) < 0)
        return HOIST_EFAILED;
    struct stat st;
    bool exists = stat(existing, &st) == 0;
    char tmp[] = "/tmp/hoist-init-diff.XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(existing);
        fprintf(stderr, "hoist init: error: cannot create a temporary file: %s\n", strerror(errno));
        return HOIST_EENV;
    }
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len;
    close(fd);
    char la[512], lb[512];
    snprintf(la, sizeof(la), "a/%s", name);
    snprintf(lb, sizeof(lb), "b/%s", name);
    char *argv[] = {"diff", "-u", "--label", la, "--label", lb, exists ? existing : "/dev/null",
                    tmp, NULL};
    int rc = 0;
    pid_t pid;
    fflush(stdout);
    if (!ok || posix_spawnp(&pid, "diff", NULL, NULL, argv, environ) != 0) {
        fprintf(stderr, "hoist init: error: cannot run diff (diffutils)\n");
        rc = HOIST_EENV;
    } else {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
            rc = HOIST_EFAILED;
    }
    unlink(tmp);
    free(existing);
    return rc;
}

/* --pin digest: hoist pin on the file just written (the engine, when one
 * is configured, answers for images the registry cannot be asked about). */
static int pin_written(const char *dir, const char *name, bool quiet)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    hoist_pin_options po;
    hoist_pin_options_init(&po);
    po.dockerfile = path;
    po.auth.docker_config = getenv("DOCKER_CONFIG");
    po.auth.home = getenv("HOME");
    po.auth.path_env = getenv("PATH");
    hoist_endpoint_options eo = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eo);
    hoist_endpoint ep;
    hoist_error err = HOIST_ERROR_INIT, ignored = HOIST_ERROR_INIT;
    hoist_client *client = NULL;
    if (!hoist_endpoint_resolve(&eo, &ep, &ignored)) {
        hoist_client_options co = HOIST_CLIENT_OPTIONS_INIT;
        cli_log_install(&co);
        co.endpoint = &ep;
        if (hoist_client_new(&co, &client, &ignored))
            client = NULL;
    }
    po.client = client;
    hoist_pin_result *res = NULL;
    int rc = hoist_pin(&res, &po, &err);
    hoist_client_free(client);
    for (size_t i = 0; i < hoist_pin_result_entry_count(res); i++) {
        const hoist_pin_entry *e = hoist_pin_result_entry_at(res, i);
        if (e->state == HOIST_PIN_PINNED && !quiet)
            fprintf(stderr, "pinned %s@%s (%s)\n", e->image, e->digest, e->source);
        else if (e->state == HOIST_PIN_FAILED)
            fprintf(stderr, "not pinned %s: %s\n", e->image, e->note);
    }
    hoist_pin_result_free(res);
    if (rc) {
        hoist_error_prefix(&err, "%s was written with tags only", path);
        return cli_report("init", &err);
    }
    return 0;
}

int cmd_init(int argc, char **argv)
{
    init_args a = {.dir = "."};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;

    hoist_gen_options go = HOIST_GEN_OPTIONS_INIT;
    go.buildkit = a.buildkit;
    go.builder_image = a.builder;
    go.runtime_image = a.runtime;
    if (a.profile && hoist_gen_profile_parse(a.profile, &go.profile) < 0)
        return cli_usage_error("init", "--profile takes prod or dev, not '%s'", a.profile);
    hoist_gen_lang lang = HOIST_GEN_LANG_NONE;
    if (a.lang && hoist_gen_lang_parse(a.lang, &lang) < 0)
        return cli_usage_error("init", "unknown --lang '%s': use go, node, python, rust, c or java",
                               a.lang);

    hoist_error err = HOIST_ERROR_INIT;
    hoist_gen_detection *det = NULL;
    hoist_gen_result *res = NULL;
    const hoist_gen_project *project = NULL;
    const char *name = a.file ? a.file : "Dockerfile";
    if ((rc = hoist_gen_detect(a.dir, &det, &err)))
        goto report;
    if ((rc = hoist_gen_detection_pick(det, lang, &project, &err))) {
        if (!a.quiet && hoist_gen_detection_count(det) > 1)
            print_detection(a.dir, det, NULL);
        goto report;
    }
    if (!a.quiet)
        print_detection(a.dir, det, project);
    if ((rc = hoist_gen_generate(project, &go, &res, &err)))
        goto report;
    size_t eol_findings = 0;
    if ((rc = lint_generated(res, name, &eol_findings)))
        goto done;
    if ((rc = hoist_gen_verify_context(res, a.dir, &err)))
        goto report;
    if (!a.quiet)
        print_choices(res);

    if (a.stdout_which) {
        bool ignore = strcmp(a.stdout_which, "Dockerfile") != 0;
        fputs(ignore ? hoist_gen_result_dockerignore(res) : hoist_gen_result_dockerfile(res), stdout);
        goto done;
    }
    if (a.diff) {
        rc = show_diff(a.dir, name, hoist_gen_result_dockerfile(res));
        if (rc == 0)
            rc = show_diff(a.dir, ".dockerignore", hoist_gen_result_dockerignore(res));
        goto done;
    }
    if ((rc = hoist_gen_write(res, a.dir, a.file, a.force, &err)))
        goto report;
    if (!a.quiet)
        fprintf(stderr, "wrote %s/%s and %s/.dockerignore (checked: %s; every COPY "
                        "source is sent)\n",
                a.dir, name, a.dir,
                eol_findings ? "no lint finding but HS010 above" : "no lint finding");
    if (a.pin_digest)
        rc = pin_written(a.dir, name, a.quiet);
    goto done;

report:
    rc = cli_report("init", &err);
done:
    hoist_gen_result_free(res);
    hoist_gen_detection_free(det);
    return rc;
}
