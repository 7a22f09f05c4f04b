/*
 * cmd_bake.c - `hoist bake [FILE] [TARGET...]`: many targets over a pool
 * of builders.
 *
 * Reads the bake file (FILE, -f, or the default lookup), plans the targets
 * asked for (hoist_bake_plan_new) and builds them with hoist_bake(). The
 * output interleaves the targets' builds, each line prefixed with its
 * target ("[app] step 2/3 RUN make"); --progress json writes one JSON
 * object per line on stdout, every one tagged with "target"; --logs DIR
 * keeps a log per target. A summary table (target, builder, status,
 * duration, cached steps, image) ends the run. Builders are what `hoist
 * build --builder` takes (every target is built through BuildKit's
 * Control API); the default pool is `docker`, the -H engine's BuildKit. Exit codes as hoist build:
 * 0 every target built, 1 a build failed, 2 usage, 3 no builder usable,
 * 4 bad bake file or Dockerfile, 130 interrupted.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LIST 64

static void usage(FILE *out)
{
    fprintf(out,
        "usage: hoist bake [FILE] [TARGET...] [options]\n\n"
        "Build the targets of a bake file (docker-bake.json, or compose.yaml's build: sections)\n"
        "over a pool of builders, dependencies first.\n\n"
        "  -f, --file FILE          bake file (default: docker-bake.json, docker-bake.override.json,\n"
        "                           compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml)\n"
        "      --builder ADDR       a builder of the pool (repeatable), as hoist build --builder takes it:\n"
        "                           docker (the -H engine's BuildKit), unix://PATH (buildkitd),\n"
        "                           tcp://HOST:PORT (buildkitd, or a Docker engine's TLS port), ssh://HOST,\n"
        "                           docker-container://NAME, kube-pod://NAME; then ,certs=DIR (ca.pem\n"
        "                           cert.pem key.pem: mutual TLS), ,name=NAME, ,slots=N (builds at once);\n"
        "                           default: docker\n"
        "      --builders FILE      builders, one a line ('#' comments)\n"
        "  -j, --jobs N             builds at once over the pool (default: one per builder slot)\n"
        "      --registry HOST[:PORT][/PREFIX]  shared cache: each target's inline cache is pushed to\n"
        "                           and read from REGISTRY/hoist-bake-cache:TARGET\n"
        "      --logs DIR           write each target's build log to DIR/TARGET.log\n"
        "      --progress MODE      auto, plain, tty, json or quiet (default auto)\n"
        "      --print              print the plan as JSON and build nothing\n"
        "      --no-cache           build every target without the cache\n"
        "      --engine ENGINE      auto or buildkit (bake builds through BuildKit's Control API)\n"
        "      --no-check           skip the hoist check gate\n"
        "  -H, --host HOST          the engine of the builder docker, where buildkitd builders' images go\n"
        "      --context NAME       docker context to use (same)\n\n"
        "Exit status: 0 every target built, 1 a build failed, 2 usage, 3 no builder usable,\n"
        "4 invalid bake file, Dockerfile or context, 130 interrupted.\n");
}

enum { O_BUILDER = 256, O_BUILDERS, O_REGISTRY, O_LOGS, O_PROGRESS, O_PRINT, O_NO_CACHE, O_ENGINE, O_NO_CHECK,
       O_CONTEXT };
const struct option cmd_bake_longopts[] = {
    {"file", required_argument, NULL, 'f'},
    {"builder", required_argument, NULL, O_BUILDER},
    {"builders", required_argument, NULL, O_BUILDERS},
    {"jobs", required_argument, NULL, 'j'},
    {"registry", required_argument, NULL, O_REGISTRY},
    {"logs", required_argument, NULL, O_LOGS},
    {"progress", required_argument, NULL, O_PROGRESS},
    {"print", no_argument, NULL, O_PRINT},
    {"no-cache", no_argument, NULL, O_NO_CACHE},
    {"engine", required_argument, NULL, O_ENGINE},
    {"no-check", no_argument, NULL, O_NO_CHECK},
    {"host", required_argument, NULL, 'H'},
    {"context", required_argument, NULL, O_CONTEXT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_bake_shortopts[] = "f:j:H:h";

typedef enum { BAKE_PLAIN, BAKE_TTY, BAKE_JSON, BAKE_QUIET } bake_mode;

typedef struct render {
    bake_mode mode;
    bool color;
    const hoist_bake_plan *plan;
} render;

static int target_color(const render *r, const char *name)
{
    static const int colors[] = {36, 33, 35, 32, 34, 91, 96, 93};
    size_t n = hoist_bake_plan_target_count(r->plan);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(hoist_bake_plan_target_at(r->plan, i)->name, name))
            return colors[i % 8];
    return 37;
}

static void prefix(const render *r, const char *target)
{
    if (r->color)
        fprintf(stderr, "\033[%dm[%s]\033[0m ", target_color(r, target), target);
    else
        fprintf(stderr, "[%s] ", target);
}

static void json_out(const hoist_bake_event *ev)
{
    json_t *o = json_object();
    const hoist_build_event *b = ev->build;
    char kind[64];
    /* the build's own events keep their type ("step", "log"...); bake's are "bake-started"... */
    snprintf(kind, sizeof(kind), b ? "%s" : "bake-%s",
             b ? hoist_build_event_kind_name(b->kind) : hoist_bake_event_kind_name(ev->kind));
    json_object_set_new(o, "type", json_string(kind));
    if (ev->target)
        json_object_set_new(o, "target", json_string(ev->target));
    json_object_set_new(o, "builder", json_string(ev->builder ? ev->builder : ""));
    if (ev->attempt)
        json_object_set_new(o, "attempt", json_integer(ev->attempt));
    json_object_set_new(o, "elapsed", json_real(ev->elapsed));
    if (b) {
        if (b->text) json_object_set_new(o, "text", json_string(b->text));
        if (b->id) json_object_set_new(o, "id", json_string(b->id));
        if (b->step > 0) {
            json_object_set_new(o, "step", json_integer(b->step));
            json_object_set_new(o, "steps", json_integer(b->step_total));
        }
        if (b->keyword) json_object_set_new(o, "keyword", json_string(b->keyword));
        if (b->file && b->line > 0) {
            json_object_set_new(o, "file", json_string(b->file));
            json_object_set_new(o, "line", json_integer(b->line));
        }
        if (b->duration > 0) json_object_set_new(o, "duration", json_real(b->duration));
        if (b->detail) json_object_set_new(o, "detail", json_string(b->detail));
    } else {
        if (ev->text) json_object_set_new(o, "text", json_string(ev->text));
        if (ev->kind == HOIST_BAKE_DONE || ev->kind == HOIST_BAKE_FAILED)
            json_object_set_new(o, "seconds", json_real(ev->seconds));
    }
    json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    fflush(stdout);
    json_decref(o);
}

static int on_event(const hoist_bake_event *ev, void *user)
{
    render *r = user;
    if (r->mode == BAKE_QUIET)
        return 0;
    if (r->mode == BAKE_JSON) {
        json_out(ev);
        return 0;
    }
    const hoist_build_event *b = ev->build;
    if (!ev->target) {
        fprintf(stderr, "hoist: builder %s left the pool: %s\n", ev->builder, ev->text ? ev->text : "");
        return 0;
    }
    if (b) {
        switch (b->kind) {
        case HOIST_EVENT_STEP:
            prefix(r, ev->target);
            fprintf(stderr, "step %d/%d %s\n", b->step, b->step_total, b->text ? b->text : "");
            break;
        case HOIST_EVENT_STEP_CACHED:
            prefix(r, ev->target);
            fprintf(stderr, "step %d/%d cached\n", b->step, b->step_total);
            break;
        case HOIST_EVENT_LOG:
            prefix(r, ev->target);
            fprintf(stderr, "  %s\n", b->text ? b->text : "");
            break;
        case HOIST_EVENT_ERROR:
        case HOIST_EVENT_WARNING:
            prefix(r, ev->target);
            fprintf(stderr, "%s: %s\n", b->kind == HOIST_EVENT_ERROR ? "error" : "warning", b->text ? b->text : "");
            break;
        case HOIST_EVENT_NOTE:
            if (b->text && strstr(b->text, "cache pushed")) {
                prefix(r, ev->target);
                fprintf(stderr, "%s\n", b->text);
            }
            break;
        default:
            break;
        }
        return 0;
    }
    prefix(r, ev->target);
    switch (ev->kind) {
    case HOIST_BAKE_STARTED:
        fprintf(stderr, "started on %s%s\n", ev->builder, ev->attempt > 1 ? " (again)" : "");
        break;
    case HOIST_BAKE_MOVED: fprintf(stderr, "image of %s copied to %s\n", ev->text, ev->builder); break;
    case HOIST_BAKE_DONE: fprintf(stderr, "built %s in %.1fs on %s\n", ev->text, ev->seconds, ev->builder); break;
    case HOIST_BAKE_FAILED: fprintf(stderr, "FAILED on %s: %s\n", ev->builder, ev->text ? ev->text : ""); break;
    case HOIST_BAKE_SKIPPED: fprintf(stderr, "skipped: %s did not build\n", ev->text ? ev->text : ""); break;
    case HOIST_BAKE_RETRY: fprintf(stderr, "will run again (%s)\n", ev->text ? ev->text : ""); break;
    default: fputc('\n', stderr); break;
    }
    return 0;
}

static void summary(const render *r, const hoist_bake_result *res)
{
    if (!res || r->mode == BAKE_QUIET)
        return;
    size_t n = hoist_bake_result_row_count(res);
    if (r->mode == BAKE_JSON) {
        json_t *o = json_object(), *rows = json_array();
        json_object_set_new(o, "type", json_string("bake-summary"));
        json_object_set_new(o, "seconds", json_real(hoist_bake_result_seconds(res)));
        for (size_t i = 0; i < n; i++) {
            const hoist_bake_row *row = hoist_bake_result_row_at(res, i);
            json_t *j = json_object();
            json_object_set_new(j, "target", json_string(row->target));
            json_object_set_new(j, "builder", json_string(row->builder));
            json_object_set_new(j, "address", json_string(row->builder_address));
            json_object_set_new(j, "kind", json_string(row->builder_kind));
            json_object_set_new(j, "via", json_string(row->via));
            json_object_set_new(j, "status", json_string(hoist_bake_status_name(row->status)));
            json_object_set_new(j, "attempts", json_integer(row->attempts));
            json_object_set_new(j, "seconds", json_real(row->seconds));
            json_object_set_new(j, "steps", json_integer(row->steps_total));
            json_object_set_new(j, "cached", json_integer(row->steps_cached));
            json_object_set_new(j, "image_id", json_string(row->image_id));
            if (row->error[0])
                json_object_set_new(j, "error", json_string(row->error));
            json_array_append_new(rows, j);
        }
        json_object_set_new(o, "targets", rows);
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
        return;
    }
    int wt = 6, wb = 7;
    for (size_t i = 0; i < n; i++) {
        const hoist_bake_row *row = hoist_bake_result_row_at(res, i);
        if ((int)strlen(row->target) > wt) wt = (int)strlen(row->target);
        if ((int)strlen(row->builder) > wb) wb = (int)strlen(row->builder);
    }
    printf("%-*s  %-*s  %-9s  %8s  %-6s  %s\n", wt, "TARGET", wb, "BUILDER", "STATUS", "DURATION", "CACHED", "IMAGE");
    for (size_t i = 0; i < n; i++) {
        const hoist_bake_row *row = hoist_bake_result_row_at(res, i);
        char cached[32], image[32];
        snprintf(cached, sizeof(cached), "%d/%d", row->steps_cached, row->steps_total);
        snprintf(image, sizeof(image), "%.19s", row->image_id[0] ? row->image_id : "-");
        printf("%-*s  %-*s  %-9s  %7.1fs  %-6s  %s%s%s\n", wt, row->target, wb, row->builder[0] ? row->builder : "-",
               hoist_bake_status_name(row->status), row->seconds, cached, image, row->error[0] ? "  " : "",
               row->error);
    }
    printf("%zu targets in %.1fs\n", n, hoist_bake_result_seconds(res));
}

static bool looks_like_file(const char *arg)
{
    struct stat st;
    size_t n = strlen(arg);
    static const char *const ext[] = {".json", ".yaml", ".yml"};
    for (size_t i = 0; i < 3; i++)
        if (n > strlen(ext[i]) && !strcmp(arg + n - strlen(ext[i]), ext[i]))
            return true;
    return stat(arg, &st) == 0 && S_ISREG(st.st_mode);
}

static void plan_freep(hoist_bake_plan **p) { hoist_bake_plan_free(*p); }
static void file_freep(hoist_bake_file **f) { hoist_bake_file_free(*f); }
static void result_freep(hoist_bake_result **r) { hoist_bake_result_free(*r); }

int cmd_bake(int argc, char **argv)
{
    const char *file = NULL, *progress = "auto";
    const char *builders[MAX_LIST];
    size_t builder_count = 0;
    hoist_bake_options opts = HOIST_BAKE_OPTIONS_INIT;
    hoist_build_options bopts = HOIST_BUILD_OPTIONS_INIT;
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    bool print = false;

    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, cmd_bake_shortopts, cmd_bake_longopts, NULL)) != -1) {
        switch (ch) {
        case 'f': file = optarg; break;
        case O_BUILDER:
            if (builder_count >= MAX_LIST)
                return cli_usage_error("bake", "too many --builder (at most %d)", MAX_LIST);
            builders[builder_count++] = optarg;
            break;
        case O_BUILDERS: opts.builders_file = optarg; break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024)
                return cli_usage_error("bake", "--jobs '%s': give a number from 1 to 1024", optarg);
            opts.jobs = (unsigned)n;
            break;
        }
        case O_REGISTRY: opts.registry = optarg; break;
        case O_LOGS: opts.logs_dir = optarg; break;
        case O_PROGRESS: progress = optarg; break;
        case O_PRINT: print = true; break;
        case O_NO_CACHE: bopts.params.no_cache = true; break;
        case O_ENGINE:
            if (!strcmp(optarg, "auto")) bopts.engine.kind = HOIST_BUILD_ENGINE_AUTO;
            else if (!strcmp(optarg, "buildkit")) bopts.engine.kind = HOIST_BUILD_ENGINE_BUILDKIT;
            else return cli_usage_error("bake", "--engine '%s': bake builds through BuildKit's Control API on "
                                        "its builders; use auto or buildkit (for the classic builder, hoist "
                                        "build --engine %s one target at a time)", optarg, optarg);
            break;
        case O_NO_CHECK: bopts.check.skip = true; break;
        case 'H': eopts.host_flag = optarg; break;
        case O_CONTEXT: eopts.context_flag = optarg; break;
        case 'h': usage(stdout); return 0;
        default:
            return cli_usage_error("bake", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (eopts.host_flag && eopts.context_flag)
        return cli_usage_error("bake", "give either -H/--host or --context, not both");
    render r = {.mode = BAKE_PLAIN};
    if (!strcmp(progress, "plain")) r.mode = BAKE_PLAIN;
    else if (!strcmp(progress, "json")) r.mode = BAKE_JSON;
    else if (!strcmp(progress, "quiet")) r.mode = BAKE_QUIET;
    else if (!strcmp(progress, "auto") || !strcmp(progress, "tty"))
        r.mode = isatty(STDERR_FILENO) ? BAKE_TTY : BAKE_PLAIN;
    else
        return cli_usage_error("bake", "--progress '%s': use auto, plain, tty, json or quiet", progress);
    r.color = r.mode == BAKE_TTY && cli_use_color(stderr);

    char found[4096];
    hoist_error err = HOIST_ERROR_INIT;
    int rc;
    if (!file && optind < argc && looks_like_file(argv[optind]))
        file = argv[optind++];
    if (!file) {
        if ((rc = hoist_bake_file_find(found, sizeof(found), NULL, &err)))
            return cli_report("bake", &err);
        file = found;
    }
    __attribute__((cleanup(file_freep))) hoist_bake_file *bf = NULL;
    if ((rc = hoist_bake_file_load(&bf, file, &err)))
        return cli_report("bake", &err);
    __attribute__((cleanup(plan_freep))) hoist_bake_plan *plan = NULL;
    if ((rc = hoist_bake_plan_new(&plan, bf, (const char *const *)argv + optind, (size_t)(argc - optind), &err)))
        return cli_report("bake", &err);
    r.plan = plan;
    if (print) {
        char *json = NULL;
        if ((rc = hoist_bake_plan_json(plan, &json, &err)))
            return cli_report("bake", &err);
        printf("%s\n", json);
        free(json);
        return 0;
    }

    /* the engine of the builder `docker` (the default pool) and where
     * buildkitd builders' images are loaded */
    hoist_endpoint endpoint;
    if ((rc = hoist_endpoint_resolve(&endpoint, &eopts, &err)))
        return cli_report("bake", &err);
    opts.endpoint = &endpoint;
    bopts.registry.docker_config = getenv("DOCKER_CONFIG");
    bopts.registry.home = getenv("HOME");
    bopts.engine.path_env = getenv("PATH");
    bopts.engine.docker_cli = getenv("HOIST_DOCKER");
    opts.builders = builders;
    opts.builder_count = builder_count;
    opts.build = &bopts;
    opts.on_event = on_event;
    opts.user = &r;
    opts.cancel = &cli_signal;
    opts.tmp_dir = getenv("TMPDIR");
    if (cli_log_enabled())
        opts.log = cli_log_callback();
    cli_signals_cancel();

    __attribute__((cleanup(result_freep))) hoist_bake_result *res = NULL;
    rc = hoist_bake(&res, plan, &opts, &err);
    if (cli_signal == SIGPIPE)
        return cli_signal_exit_code(cli_signal);
    summary(&r, res);
    if (rc && (!res || r.mode == BAKE_QUIET || rc != HOIST_EFAILED))
        cli_report("bake", &err);
    else if (rc)
        fprintf(stderr, "hoist: bake: %s\n", err.message);
    return cli_signal ? cli_signal_exit_code(cli_signal) : rc;
}
