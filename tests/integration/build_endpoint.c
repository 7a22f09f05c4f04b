/*
 * build_endpoint.c - test helper for test_build_endpoint.sh: build with
 * the CLI engine on a daemon whose endpoint is set in code (parsed from
 * argv, never from the environment), so the test can show that the docker
 * CLI child builds there even when DOCKER_HOST and DOCKER_CONTEXT point
 * elsewhere.
 *
 *   build_endpoint HOST CONTEXT TAG DOCKER_CLI
 */
#include <hoist/hoist.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST CONTEXT TAG DOCKER_CLI\n", argv[0]);
        return 2;
    }
    hoist_error err = HOIST_ERROR_INIT;
    hoist_endpoint endpoint;
    hoist_client *client = NULL;
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    copts.endpoint = &endpoint;

    const char *tags[] = {argv[3]};
    hoist_build_options opts = HOIST_BUILD_OPTIONS_INIT;
    opts.context_dir = argv[2];
    opts.params.tags = tags;
    opts.params.tag_count = 1;
    opts.params.network = "none";
    opts.engine.kind = HOIST_BUILD_ENGINE_CLI;
    opts.engine.docker_cli = argv[4];
    opts.engine.path_env = getenv("PATH");
    hoist_build_result result;

    int rc = hoist_endpoint_parse_host(argv[1], &endpoint, &err);
    if (!rc)
        rc = hoist_client_new(&copts, &client, &err);
    if (!rc)
        rc = hoist_build(client, &opts, &result, &err);
    hoist_client_free(client);
    if (rc) {
        fprintf(stderr, "%s (reason %s)\nhint: %s\n", err.message, hoist_reason_name(err.reason), err.hint);
        return rc;
    }
    printf("built %s with %s\n", result.image_id, hoist_build_engine_name(result.engine));
    return 0;
}
