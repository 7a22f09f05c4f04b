/*
 * cmd_push.c - `hoist push [options] NAME[:TAG]`
 *
 * Pushes an image from the engine to its registry with hoist_push(): the
 * credentials the docker CLI would use (credHelpers, credsStore, auths in
 * config.json; --config names another directory), per-layer progress as
 * bars on a terminal, plain lines, or JSON lines (docs/build-events.md;
 * the last line is {"type":"pushed",...} or {"type":"failed",...}). On
 * success stdout gets NAME:TAG@DIGEST (plain/tty) for scripts. A failure is
 * one diagnosis with its fix; 'hoist doctor --registry' digs further.
 */
#include "cli.h"
#include "build_render.h"

#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
        "usage: hoist push [options] NAME[:TAG]\n\n"
        "Push an image from the Docker engine to its registry (TAG defaults to latest).\n\n"
        "      --config DIR      docker config directory with the credentials (default: DOCKER_CONFIG, ~/.docker)\n"
        "      --progress MODE   auto, plain, tty, json or quiet (default auto: tty on a terminal)\n"
        "  -q, --quiet           print only NAME:TAG@DIGEST\n"
        "  -H, --host HOST       daemon to use (default: DOCKER_HOST, docker context, local socket)\n"
        "      --context NAME    docker context to use\n\n"
        "Exit status: 0 pushed, 1 the push failed (denied, unauthorized, ...), 2 usage,\n"
        "3 engine, registry or credential helper not usable, 130 interrupted.\n");
}

#define MAX_LAYERS 128

/* The terminal view: one line per layer, redrawn in place. */
typedef struct push_view {
    FILE *out;
    struct layer {
        char id[72];
        char status[48];
        long long current, total;
    } layers[MAX_LAYERS];
    size_t count;
    size_t drawn;
} push_view;

static void view_draw(push_view *v)
{
    if (v->drawn)
        fprintf(v->out, "\033[%zuA", v->drawn);
    for (size_t i = 0; i < v->count; i++) {
        struct layer *l = &v->layers[i];
        fprintf(v->out, "\r\033[K%.12s: %-22s", l->id, l->status);
        if (l->total > 0 && l->current >= 0 && !strcmp(l->status, "Pushing")) {
            double f = (double)l->current / (double)l->total;
            if (f > 1)
                f = 1;
            int filled = (int)(f * 30);
            fprintf(v->out, " [%.*s%.*s] %5.1f/%.1f MB", filled, "==============================", 30 - filled,
                    "                              ", l->current / 1e6, l->total / 1e6);
        }
        fputc('\n', v->out);
    }
    v->drawn = v->count;
    fflush(v->out);
}

typedef struct push_ui {
    render_mode mode;
    build_renderer renderer; /* plain and json */
    push_view view;          /* tty */
} push_ui;

static int on_event(const hoist_build_event *ev, void *user)
{
    push_ui *ui = user;
    if (ui->mode == RENDER_QUIET)
        return 0;
    if (ui->mode != RENDER_TTY)
        return build_render_event(ev, &ui->renderer);
    push_view *v = &ui->view;
    if (ev->kind != HOIST_EVENT_PULL || !ev->id) {
        if (ev->kind == HOIST_EVENT_ERROR)
            return 0;
        /* a line above the table */
        if (v->drawn)
            fprintf(v->out, "\033[%zuA\r\033[K", v->drawn);
        fprintf(v->out, "%s\n", ev->text ? ev->text : "");
        v->drawn = 0;
        view_draw(v);
        return 0;
    }
    size_t i;
    for (i = 0; i < v->count; i++)
        if (!strcmp(v->layers[i].id, ev->id))
            break;
    if (i == v->count) {
        if (v->count == MAX_LAYERS)
            return 0;
        v->count++;
        snprintf(v->layers[i].id, sizeof(v->layers[i].id), "%s", ev->id);
    }
    snprintf(v->layers[i].status, sizeof(v->layers[i].status), "%s", ev->text);
    v->layers[i].current = ev->current;
    v->layers[i].total = ev->total;
    view_draw(v);
    return 0;
}

static void client_freep(hoist_client **c)
{
    hoist_client_free(*c);
}

static int fail(push_ui *ui, const hoist_error *err)
{
    if (ui->mode == RENDER_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string("failed"));
        json_object_set_new(o, "exit_code", json_integer(err->code));
        json_object_set_new(o, "message", json_string(err->message));
        if (err->hint[0])
            json_object_set_new(o, "hint", json_string(err->hint));
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    }
    return cli_report("push", err);
}

enum { O_CONFIG = 256, O_PROGRESS, O_CONTEXT };
/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_push_longopts[] = {
    {"config", required_argument, NULL, O_CONFIG},
    {"progress", required_argument, NULL, O_PROGRESS},
    {"quiet", no_argument, NULL, 'q'},
    {"host", required_argument, NULL, 'H'},
    {"context", required_argument, NULL, O_CONTEXT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_push_shortopts[] = "qH:h";

int cmd_push(int argc, char **argv)
{
    hoist_push_options opts;
    hoist_push_options_init(&opts);
    cli_registry_auth_from_env(&opts.auth);
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    const char *progress = "auto";

    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, cmd_push_shortopts, cmd_push_longopts, NULL)) != -1) {
        switch (ch) {
        case O_CONFIG: opts.auth.docker_config = optarg; break;
        case O_PROGRESS: progress = optarg; break;
        case 'q': progress = "quiet"; break;
        case 'H': eopts.host_flag = optarg; break;
        case O_CONTEXT: eopts.context_flag = optarg; break;
        case 'h': usage(stdout); return 0;
        default:
            return cli_usage_error("push", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return cli_usage_error("push", "expected one NAME[:TAG]");
    opts.image = argv[optind];
    if (eopts.host_flag && eopts.context_flag)
        return cli_usage_error("push", "give either -H/--host or --context, not both");

    push_ui ui;
    memset(&ui, 0, sizeof(ui));
    if (!strcmp(progress, "plain"))
        ui.mode = RENDER_PLAIN;
    else if (!strcmp(progress, "json"))
        ui.mode = RENDER_JSON;
    else if (!strcmp(progress, "quiet"))
        ui.mode = RENDER_QUIET;
    else if (!strcmp(progress, "auto") || !strcmp(progress, "tty"))
        ui.mode = isatty(STDERR_FILENO) ? RENDER_TTY : RENDER_PLAIN;
    else
        return cli_usage_error("push", "--progress '%s': use auto, plain, tty, json or quiet", progress);
    build_renderer_init(&ui.renderer, ui.mode == RENDER_TTY ? RENDER_PLAIN : ui.mode);
    ui.view.out = stderr;
    opts.on_event = on_event;
    opts.user = &ui;
    opts.cancel = &interrupted;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    hoist_error err = HOIST_ERROR_INIT;
    hoist_endpoint endpoint;
    int rc;
    if ((rc = hoist_endpoint_resolve(&endpoint, &eopts, &err)))
        return fail(&ui, &err);
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    cli_log_install(&copts);
    copts.endpoint = &endpoint;
    copts.api_version_pin = getenv("DOCKER_API_VERSION");
    __attribute__((cleanup(client_freep))) hoist_client *client = NULL;
    if ((rc = hoist_client_new(&client, &copts, &err)))
        return fail(&ui, &err);
    hoist_push_result res;
    if ((rc = hoist_push(&res, client, &opts, &err)))
        return fail(&ui, &err);

    if (ui.mode == RENDER_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "type", json_string("pushed"));
        json_object_set_new(o, "name", json_string(res.name));
        json_object_set_new(o, "tag", json_string(res.tag));
        json_object_set_new(o, "registry", json_string(res.registry));
        json_object_set_new(o, "digest", json_string(res.digest));
        json_object_set_new(o, "size", json_integer(res.size));
        json_object_set_new(o, "credentials", json_string(res.credentials));
        json_object_set_new(o, "layers_pushed", json_integer(res.layers_pushed));
        json_object_set_new(o, "layers_existing", json_integer(res.layers_existing));
        json_object_set_new(o, "seconds", json_real(res.seconds));
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
        return 0;
    }
    if (ui.mode != RENDER_QUIET)
        fprintf(stderr, "hoist: pushed %s:%s to %s in %.1fs (%d layers pushed, %d already there; credentials: %s)\n",
                res.name, res.tag, res.registry, res.seconds, res.layers_pushed, res.layers_existing,
                res.credentials);
    printf("%s:%s@%s\n", res.name, res.tag, res.digest);
    return 0;
}
