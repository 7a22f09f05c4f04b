/*
 * cmd_doctor.c - `hoist doctor [--json] [-H HOST] [--context NAME] [--docker PATH]`
 *                 `hoist doctor --registry HOST[/REPO] [--push] [--config DIR] [--ca-file FILE]`
 *
 * Prints one line per check (pass/warn/fail/skip, the finding, and a hint
 * when something needs doing) and exits 0 when the engine is usable, 3 when
 * not. --json prints {"usable":..., "negotiated_api_version":...,
 * "checks":[{"id","title","status","message","hint","details":{...}}]}.
 * With --registry the checks are the registry's (hoist_registry_check:
 * credentials, helper, daemon view, reachability, TLS, challenge, pull,
 * push) and the summary is "registry usable" ({"registry":..., "usable"}).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hoist doctor [--json] [-H HOST] [--context NAME] [--docker PATH]\n\n"
            "Check that a Docker engine is usable from here and explain what is not.\n\n"
            "  -H, --host HOST     daemon to check (default: DOCKER_HOST, docker context, local socket)\n"
            "      --context NAME  use this docker context\n"
            "      --docker PATH   the docker CLI to check (default: HOIST_DOCKER, then PATH)\n"
            "      --json          machine-readable report\n\n"
            "  --registry HOST[/REPO]  check a registry instead: where the credentials come from, the\n"
            "                          credential helper, the daemon's view, /v2/ from here, TLS, the auth\n"
            "                          challenge and a pull token on REPO\n"
            "      --push              with --registry: also check push permission on REPO\n"
            "      --config DIR        docker config directory (default: DOCKER_CONFIG, ~/.docker)\n"
            "      --ca-file FILE      also trust this CA for the registry\n\n"
            "Exit status: 0 usable, 3 not usable, 2 usage error.\n");
}

static void print_text(const hoist_doctor_report *r, const char *registry)
{
    bool color = cli_use_color(stdout);
    for (size_t i = 0; i < r->count; i++) {
        const hoist_doctor_check *c = &r->checks[i];
        const char *col = "";
        if (color) {
            switch (c->status) {
            case HOIST_DOCTOR_PASS: col = "\033[32m"; break;
            case HOIST_DOCTOR_WARN: col = "\033[33m"; break;
            case HOIST_DOCTOR_FAIL: col = "\033[1;31m"; break;
            case HOIST_DOCTOR_SKIP: col = "\033[2m"; break;
            }
        }
        printf("%s%-4s%s  %-12s %s\n", col, hoist_doctor_status_name(c->status), color ? "\033[0m" : "",
               c->title, c->message);
        if (c->hint[0])
            printf("      %-12s hint: %s\n", "", c->hint);
    }
    if (registry)
        printf("registry usable: %s\n", r->usable ? "yes" : "no");
    else if (r->usable)
        printf("engine usable: yes (API %s)\n", r->negotiated_api_version);
    else
        printf("engine usable: no\n");
}

static int print_json(const hoist_doctor_report *r, const char *registry)
{
    json_t *root = json_object();
    if (registry)
        json_object_set_new(root, "registry", json_string(registry));
    json_object_set_new(root, "usable", json_boolean(r->usable));
    if (!registry)
        json_object_set_new(root, "negotiated_api_version",
                            r->negotiated_api_version[0] ? json_string(r->negotiated_api_version) : json_null());
    json_t *checks = json_array();
    for (size_t i = 0; i < r->count; i++) {
        const hoist_doctor_check *c = &r->checks[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(c->id));
        json_object_set_new(o, "title", json_string(c->title));
        json_object_set_new(o, "status", json_string(hoist_doctor_status_name(c->status)));
        json_object_set_new(o, "message", json_string(c->message));
        json_object_set_new(o, "hint", c->hint[0] ? json_string(c->hint) : json_null());
        json_t *details = json_object();
        for (size_t f = 0; f < c->field_count; f++)
            json_object_set_new(details, c->fields[f].key, json_string(c->fields[f].value));
        json_object_set_new(o, "details", details);
        json_array_append_new(checks, o);
    }
    json_object_set_new(root, "checks", checks);
    int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(root);
    return rc;
}

/* --registry: the daemon's view needs a client; without one (no daemon)
 * that check is skipped and the rest still runs. */
static int doctor_registry(const hoist_doctor_options *dopts, const char *target, bool push, const char *config,
                           const char *ca_file, hoist_doctor_report *report, hoist_error *err)
{
    hoist_registry_check_options ro;
    hoist_registry_check_options_init(&ro);
    ro.target = target;
    ro.push = push;
    cli_registry_auth_from_env(&ro.auth);
    ro.auth.docker_config = config;     /* --config only, as before */
    ro.auth.path_env = dopts->path_env;
    ro.ca_file = ca_file;
    hoist_endpoint endpoint;
    hoist_client *client = NULL;
    hoist_error ignored = HOIST_ERROR_INIT;
    if (!hoist_endpoint_resolve(&endpoint, &dopts->endpoint, &ignored)) {
        hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
        cli_log_install(&copts);
        copts.endpoint = &endpoint;
        copts.api_version_pin = dopts->api_version_pin;
        if (hoist_client_new(&client, &copts, &ignored))
            client = NULL;
    }
    ro.client = client;
    int rc = hoist_registry_check(report, &ro, err);
    hoist_client_free(client);
    return rc;
}

/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_doctor_longopts[] = {
    {"json", no_argument, NULL, 'j'},
    {"host", required_argument, NULL, 'H'},
    {"context", required_argument, NULL, 'c'},
    {"docker", required_argument, NULL, 'd'},
    {"registry", required_argument, NULL, 'r'},
    {"push", no_argument, NULL, 'p'},
    {"config", required_argument, NULL, 'C'},
    {"ca-file", required_argument, NULL, 'A'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_doctor_shortopts[] = "+H:h";

int cmd_doctor(int argc, char **argv)
{
    bool json = false, push = false;
    const char *registry = NULL, *config = getenv("DOCKER_CONFIG"), *ca_file = NULL;
    hoist_doctor_options opts = HOIST_DOCTOR_OPTIONS_INIT;
    opts.log = cli_log_callback();
    hoist_endpoint_options_from_env(&opts.endpoint);
    opts.api_version_pin = getenv("DOCKER_API_VERSION");
    opts.docker_cli = getenv("HOIST_DOCKER");
    opts.path_env = getenv("PATH");

    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, cmd_doctor_shortopts, cmd_doctor_longopts, NULL)) != -1) {
        switch (ch) {
        case 'j': json = true; break;
        case 'H': opts.endpoint.host_flag = optarg; break;
        case 'c': opts.endpoint.context_flag = optarg; break;
        case 'd': opts.docker_cli = optarg; break;
        case 'r': registry = optarg; break;
        case 'p': push = true; break;
        case 'C': config = optarg; break;
        case 'A': ca_file = optarg; break;
        case 'h': usage(stdout); return 0;
        default:
            return cli_usage_error("doctor", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
    if (opts.endpoint.host_flag && opts.endpoint.context_flag)
        return cli_usage_error("doctor", "give either -H/--host or --context, not both");

    if (push && !registry)
        return cli_usage_error("doctor", "--push goes with --registry HOST/REPO");
    static hoist_doctor_report report; /* large; keep it off the stack */
    hoist_error err = HOIST_ERROR_INIT;
    int rc;
    if (registry) {
        rc = doctor_registry(&opts, registry, push, config, ca_file, &report, &err);
        if (rc && report.count == 0)
            return cli_report("doctor", &err);
        if (json)
            print_json(&report, registry);
        else
            print_text(&report, registry);
        return rc;
    }
    rc = hoist_doctor_run(&report, &opts, &err);
    if (rc && report.count == 0)
        return cli_report("doctor", &err);
    if (json)
        print_json(&report, NULL);
    else
        print_text(&report, NULL);
    return rc;
}
