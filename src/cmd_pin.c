/*
 * cmd_pin.c - `hoist pin [DOCKERFILE] [--check] [--json]`
 *
 * Pins every `FROM image:tag` to its current digest (hoist_pin(): the
 * registry, else the engine's RepoDigests) by editing the file in place at
 * each reference, or with --check only reports: exit 1 when a pin is stale
 * or missing. One line per FROM: FILE:LINE, the state, the reference and
 * where the digest came from (or why it was skipped or could not be found).
 */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
        "usage: hoist pin [DOCKERFILE] [--check] [--json] [options]\n\n"
        "Pin every FROM image:tag of DOCKERFILE (default ./Dockerfile) to image:tag@sha256:...,\n"
        "editing only the references (comments and layout are kept).\n\n"
        "      --check           write nothing; exit 1 when a pin is stale or missing\n"
        "      --json            machine-readable report on stdout\n"
        "      --config DIR      docker config directory with the credentials (default: DOCKER_CONFIG, ~/.docker)\n"
        "      --ca-file FILE    also trust this CA for registries\n"
        "  -H, --host HOST       daemon whose RepoDigests to use when a registry cannot be asked\n"
        "      --context NAME    docker context to use\n\n"
        "Digests come from the registry (the manifest the tag points to, as 'docker pull' records it),\n"
        "else from the engine's RepoDigests of the image. References built from ARGs, stages and\n"
        "scratch are left alone.\n\n"
        "Exit status: 0 pinned (or up to date), 1 stale or missing pins (--check) or a digest not found,\n"
        "2 usage, 4 invalid Dockerfile.\n");
}

enum { O_CHECK = 256, O_JSON, O_CONFIG, O_CA, O_CONTEXT };
/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_pin_longopts[] = {
    {"check", no_argument, NULL, O_CHECK},
    {"json", no_argument, NULL, O_JSON},
    {"config", required_argument, NULL, O_CONFIG},
    {"ca-file", required_argument, NULL, O_CA},
    {"host", required_argument, NULL, 'H'},
    {"context", required_argument, NULL, O_CONTEXT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_pin_shortopts[] = "H:h";

int cmd_pin(int argc, char **argv)
{
    hoist_pin_options opts;
    hoist_pin_options_init(&opts);
    cli_registry_auth_from_env(&opts.auth);
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    bool json = false;

    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, cmd_pin_shortopts, cmd_pin_longopts, NULL)) != -1) {
        switch (ch) {
        case O_CHECK: opts.check = true; break;
        case O_JSON: json = true; break;
        case O_CONFIG: opts.auth.docker_config = optarg; break;
        case O_CA: opts.ca_file = optarg; break;
        case 'H': eopts.host_flag = optarg; break;
        case O_CONTEXT: eopts.context_flag = optarg; break;
        case 'h': usage(stdout); return 0;
        default:
            return cli_usage_error("pin", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("pin", "expected at most one DOCKERFILE");
    opts.dockerfile = optind < argc ? argv[optind] : "Dockerfile";
    if (eopts.host_flag && eopts.context_flag)
        return cli_usage_error("pin", "give either -H/--host or --context, not both");

    /* the engine is a fallback: without one, registries only */
    hoist_endpoint endpoint;
    hoist_client *client = NULL;
    hoist_error ignored = HOIST_ERROR_INIT;
    if (!hoist_endpoint_resolve(&endpoint, &eopts, &ignored)) {
        hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
        cli_log_install(&copts);
        copts.endpoint = &endpoint;
        copts.api_version_pin = getenv("DOCKER_API_VERSION");
        if (hoist_client_new(&client, &copts, &ignored))
            client = NULL;
    }
    opts.client = client;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_pin_result *res = NULL;
    int rc = hoist_pin(&res, &opts, &err);
    hoist_client_free(client);
    if (!res)
        return cli_report("pin", &err);

    size_t n = hoist_pin_result_entry_count(res);
    if (json) {
        json_t *root = json_object();
        json_object_set_new(root, "file", json_string(opts.dockerfile));
        json_object_set_new(root, "check", json_boolean(opts.check));
        json_object_set_new(root, "written", json_boolean(hoist_pin_result_written(res)));
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++) {
            const hoist_pin_entry *e = hoist_pin_result_entry_at(res, i);
            json_t *o = json_object();
            json_object_set_new(o, "line", json_integer(e->line));
            json_object_set_new(o, "image", json_string(e->image));
            json_object_set_new(o, "state", json_string(hoist_pin_state_name(e->state)));
            json_object_set_new(o, "digest", e->digest[0] ? json_string(e->digest) : json_null());
            json_object_set_new(o, "old_digest", e->old_digest[0] ? json_string(e->old_digest) : json_null());
            json_object_set_new(o, "source", e->source[0] ? json_string(e->source) : json_null());
            json_object_set_new(o, "note", e->note[0] ? json_string(e->note) : json_null());
            json_array_append_new(list, o);
        }
        json_object_set_new(root, "entries", list);
        json_object_set_new(root, "ok", json_boolean(rc == 0));
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(root);
    } else {
        for (size_t i = 0; i < n; i++) {
            const hoist_pin_entry *e = hoist_pin_result_entry_at(res, i);
            printf("%s:%d: %-8s %s", opts.dockerfile, e->line, hoist_pin_state_name(e->state), e->image);
            if (e->state == HOIST_PIN_STALE)
                printf("@%s, now %s", e->old_digest, e->digest);
            else if (e->state == HOIST_PIN_UNPINNED)
                printf(", currently %s", e->digest);
            else if (e->digest[0])
                printf("@%s", e->digest);
            if (e->source[0])
                printf(" (%s)", e->source);
            if (e->note[0])
                printf(": %s", e->note);
            putchar('\n');
        }
        if (hoist_pin_result_written(res))
            printf("hoist: %s updated\n", opts.dockerfile);
    }
    hoist_pin_result_free(res);
    if (rc)
        return cli_report("pin", &err);
    return 0;
}
