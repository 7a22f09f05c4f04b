/*
 * cmd_explain.c - `hoist explain [PATH] [build flags]`: which step of the
 * next build will miss the layer cache, why, and what rebuilds after it.
 *
 * Takes the flags of `hoist build` that change cache keys (-f, --target,
 * --build-arg, --engine, --no-cache) and the engine flags (-H, --context),
 * calls hoist_explain() and prints the first miss with its cause, then
 * every step that rebuilds after it with its last duration; --json prints
 * the same as one object (docs/cache.md). Exit 0 whether or not a step
 * misses, also when there is no record yet (the message says so).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#define MAX_ARGS 64

static void usage(FILE *out)
{
    fprintf(out,
        "usage: hoist explain [PATH] [-f DOCKERFILE] [options]\n\n"
        "Predict which step of the next `hoist build` misses the layer cache and why, from the\n"
        "record of the last successful build with the same engine, context, Dockerfile and target.\n\n"
        "  -f, --file FILE          Dockerfile (default: PATH/Dockerfile)\n"
        "      --target STAGE       build up to this stage\n"
        "      --build-arg K=V      build argument (K alone: from the environment); repeatable\n"
        "      --engine ENGINE      auto, buildkit or api: whose cache to predict (default auto, as hoist build)\n"
        "      --no-cache           predict a --no-cache build (every step runs)\n"
        "      --json               one JSON object on stdout (schema in docs/cache.md)\n"
        "  -H, --host HOST          daemon to use (base image IDs)\n"
        "      --context NAME       docker context to use\n\n"
        "Records live in $XDG_CACHE_HOME/hoist/records (~/.cache/hoist/records); HOIST_NO_CACHE=1\n"
        "turns them off. Exit status: 0 (whether or not a step misses, and when no build is recorded\n"
        "yet), 2 usage, 3 engine not usable, 4 invalid Dockerfile or context.\n");
}

enum { O_BUILD_ARG = 256, O_TARGET, O_ENGINE, O_NO_CACHE, O_JSON, O_CONTEXT };
/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_explain_longopts[] = {
    {"file", required_argument, NULL, 'f'},
    {"target", required_argument, NULL, O_TARGET},
    {"build-arg", required_argument, NULL, O_BUILD_ARG},
    {"engine", required_argument, NULL, O_ENGINE},
    {"no-cache", no_argument, NULL, O_NO_CACHE},
    {"json", no_argument, NULL, O_JSON},
    {"host", required_argument, NULL, 'H'},
    {"context", required_argument, NULL, O_CONTEXT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_explain_shortopts[] = "f:H:h";

static void client_freep(hoist_client **c) { hoist_client_free(*c); }
static void explanation_freep(hoist_explanation **e) { hoist_explanation_free(*e); }

static json_t *step_json(const hoist_explain_step *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "step", json_integer(s->step));
    json_object_set_new(o, "line", json_integer(s->line));
    json_object_set_new(o, "stage", json_integer(s->stage));
    json_object_set_new(o, "keyword", json_string(s->keyword));
    json_object_set_new(o, "text", json_string(s->text));
    json_object_set_new(o, "status", json_string(hoist_explain_status_name(s->status)));
    json_object_set_new(o, "cause", json_string(hoist_explain_cause_name(s->cause)));
    json_object_set_new(o, "reason", json_string(s->reason));
    if (s->after_step)
        json_object_set_new(o, "after_step", json_integer(s->after_step));
    if (s->last_duration >= 0)
        json_object_set_new(o, "last_duration", json_real(s->last_duration));
    if (s->change_total) {
        json_t *changes = json_array();
        for (size_t i = 0; i < s->change_count; i++)
            json_array_append_new(changes, json_string(s->changes[i]));
        json_object_set_new(o, "changes", changes);
        json_object_set_new(o, "change_total", json_integer((json_int_t)s->change_total));
    }
    return o;
}

static int print_json(const hoist_explanation *ex)
{
    json_t *root = json_object();
    json_object_set_new(root, "engine", json_string(hoist_explanation_engine(ex)));
    json_object_set_new(root, "record", json_string(hoist_explanation_record_path(ex)));
    json_object_set_new(root, "has_record", json_boolean(hoist_explanation_has_record(ex)));
    if (hoist_explanation_has_record(ex))
        json_object_set_new(root, "record_time", json_integer(hoist_explanation_record_time(ex)));
    long first = hoist_explanation_first_miss(ex);
    json_t *steps = json_array();
    for (size_t i = 0; i < hoist_explanation_step_count(ex); i++)
        json_array_append_new(steps, step_json(hoist_explanation_step_at(ex, i)));
    json_object_set_new(root, "first_miss",
                        first >= 0 ? step_json(hoist_explanation_step_at(ex, (size_t)first)) : json_null());
    json_object_set_new(root, "steps", steps);
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(root);
    return 0;
}

static void duration_text(double d, char *buf, size_t size)
{
    if (d < 0)
        snprintf(buf, size, "duration unknown");
    else
        snprintf(buf, size, "%.1fs last time", d);
}

static int print_text(const hoist_explanation *ex, const char *label)
{
    if (!hoist_explanation_has_record(ex)) {
        printf("no build recorded yet for this engine (%s), context, Dockerfile and target: every step will run.\n"
               "hoist build records one after it succeeds%s%s.\n", hoist_explanation_engine(ex),
               *hoist_explanation_record_path(ex) ? ", in " : " (records are off: HOIST_NO_CACHE)",
               hoist_explanation_record_path(ex));
        return 0;
    }
    time_t when = (time_t)hoist_explanation_record_time(ex);
    char stamp[64] = "";
    struct tm tm;
    if (localtime_r(&when, &tm))
        strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    long first = hoist_explanation_first_miss(ex);
    if (first < 0) {
        bool maybe = false;
        for (size_t i = 0; i < hoist_explanation_step_count(ex); i++)
            maybe |= hoist_explanation_step_at(ex, i)->status == HOIST_EXPLAIN_MAYBE;
        printf("every step will come from the cache%s (engine %s, compared with the build of %s)\n",
               maybe ? ", unless noted below" : "", hoist_explanation_engine(ex), stamp);
    } else {
        const hoist_explain_step *s = hoist_explanation_step_at(ex, (size_t)first);
        printf("%s:%d %s: %s\n", label, s->line, s->text, s->reason);
        for (size_t i = 0; i < s->change_count; i++)
            printf("  %s\n", s->changes[i]);
        if (s->change_total > s->change_count)
            printf("  ... and %zu more\n", s->change_total - s->change_count);
    }
    bool header = false;
    for (size_t i = 0; i < hoist_explanation_step_count(ex); i++) {
        const hoist_explain_step *s = hoist_explanation_step_at(ex, i);
        if ((long)i == first || (s->status != HOIST_EXPLAIN_MISS && s->status != HOIST_EXPLAIN_MAYBE))
            continue;
        if (!header) {
            printf(first >= 0 ? "then:\n" : "but:\n");
            header = true;
        }
        char d[48];
        duration_text(s->last_duration, d, sizeof(d));
        printf("  step %d %s:%d %s: %s%s (%s)\n", s->step, label, s->line, s->keyword,
               s->status == HOIST_EXPLAIN_MAYBE ? "may rebuild: " : "", s->reason, d);
    }
    if (first >= 0) {
        const hoist_explain_step *s = hoist_explanation_step_at(ex, (size_t)first);
        char d[48];
        duration_text(s->last_duration, d, sizeof(d));
        double total = 0;
        size_t rebuilt = 0, unknown = 0;
        for (size_t i = 0; i < hoist_explanation_step_count(ex); i++) {
            const hoist_explain_step *r = hoist_explanation_step_at(ex, i);
            if (r->status != HOIST_EXPLAIN_MISS)
                continue;
            rebuilt++;
            if (r->last_duration >= 0)
                total += r->last_duration;
            else
                unknown++;
        }
        printf("(step %d: %s; %zu step%s rebuild, %.1fs last time%s; engine %s, compared with the build of %s)\n",
               s->step, d, rebuilt, rebuilt == 1 ? "" : "s", total, unknown ? " for those timed" : "",
               hoist_explanation_engine(ex), stamp);
    }
    return 0;
}

int cmd_explain(int argc, char **argv)
{
    hoist_explain_options opts = HOIST_EXPLAIN_OPTIONS_INIT;
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    const char *args[MAX_ARGS];
    char *owned[MAX_ARGS] = {0};
    size_t nargs = 0;
    bool json = false;
    opts.engine = HOIST_BUILD_ENGINE_AUTO;

    optind = 1;
    opterr = 0;
    int ch, rc = 0;
    while ((ch = getopt_long(argc, argv, cmd_explain_shortopts, cmd_explain_longopts, NULL)) != -1) {
        switch (ch) {
        case 'f': opts.dockerfile = optarg; break;
        case O_TARGET: opts.target = optarg; break;
        case O_BUILD_ARG:
            if (nargs >= MAX_ARGS)
                return cli_usage_error("explain", "too many --build-arg options (at most %d)", MAX_ARGS);
            if (!strchr(optarg, '=')) {
                /* as docker build: K alone takes K from the environment, and is unset without it */
                const char *v = getenv(optarg);
                if (!v)
                    break;
                if (asprintf(&owned[nargs], "%s=%s", optarg, v) < 0)
                    return 1;
                args[nargs] = owned[nargs];
                nargs++;
                break;
            }
            args[nargs++] = optarg;
            break;
        case O_ENGINE:
            if (!strcmp(optarg, "api"))
                opts.engine = HOIST_BUILD_ENGINE_API;
            else if (!strcmp(optarg, "buildkit"))
                opts.engine = HOIST_BUILD_ENGINE_BUILDKIT;
            else if (!strcmp(optarg, "auto"))
                opts.engine = HOIST_BUILD_ENGINE_AUTO;
            else
                return cli_usage_error("explain", "--engine '%s': use auto, buildkit or api (the cli engine's "
                                       "cache is not predicted)", optarg);
            break;
        case O_NO_CACHE: opts.no_cache = true; break;
        case O_JSON: json = true; break;
        case 'H': eopts.host_flag = optarg; break;
        case O_CONTEXT: eopts.context_flag = optarg; break;
        case 'h': usage(stdout); return 0;
        default:
            return cli_usage_error("explain", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("explain", "expected at most one PATH, got '%s' and '%s'", argv[optind],
                               argv[optind + 1]);
    if (optind < argc)
        opts.context_dir = argv[optind];
    if (eopts.host_flag && eopts.context_flag)
        return cli_usage_error("explain", "give either -H/--host or --context, not both");
    opts.build_args = args;
    opts.build_arg_count = nargs;

    hoist_error err = HOIST_ERROR_INIT;
    hoist_endpoint endpoint;
    __attribute__((cleanup(client_freep))) hoist_client *client = NULL;
    __attribute__((cleanup(explanation_freep))) hoist_explanation *ex = NULL;
    if (!(rc = hoist_endpoint_resolve(&endpoint, &eopts, &err))) {
        hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
        cli_log_install(&copts);
        copts.endpoint = &endpoint;
        copts.api_version_pin = getenv("DOCKER_API_VERSION");
        rc = hoist_client_new(&client, &copts, &err);
    }
    if (!rc)
        rc = hoist_explain(&ex, client, &opts, &err);
    for (size_t i = 0; i < nargs; i++)
        free(owned[i]);
    if (rc)
        return cli_report("explain", &err);
    const char *label = opts.dockerfile && *opts.dockerfile ? opts.dockerfile : "Dockerfile";
    return json ? print_json(ex) : print_text(ex, label);
}
