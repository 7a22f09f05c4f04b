/*
 * build_image.c - the smallest complete program that builds an image with
 * libhoist: resolve the daemon like the docker CLI does, connect, build,
 * print each step as it starts. Compiled with the project so it stays true.
 *
 *   cc build_image.c $(pkg-config --cflags --libs hoist) -o build_image
 *   ./build_image examples/hello-c my/hello:1
 */
#include <hoist/hoist.h>
#include <stdio.h>

static int on_event(const hoist_build_event *ev, void *user)
{
    (void)user;
    if (ev->kind == HOIST_EVENT_STEP)
        printf("step %d/%d at %s:%d: %s\n", ev->step, ev->step_total, ev->file, ev->line, ev->text);
    return 0; /* non-zero would cancel the build */
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s CONTEXT TAG\n", argv[0]);
        return 2;
    }
    hoist_error err = HOIST_ERROR_INIT;
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    hoist_endpoint endpoint;
    hoist_client *client = NULL;
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    copts.endpoint = &endpoint;

    const char *tags[] = {argv[2]};
    hoist_build_options opts = HOIST_BUILD_OPTIONS_INIT;
    opts.context_dir = argv[1];
    opts.params.tags = tags;
    opts.params.tag_count = 1;
    opts.params.network = "none";
    opts.output.on_event = on_event;
    hoist_build_result result;

    int rc = hoist_endpoint_resolve(&eopts, &endpoint, &err);
    if (!rc)
        rc = hoist_client_new(&copts, &client, &err);
    if (!rc)
        rc = hoist_build(client, &opts, &result, &err);
    hoist_client_free(client);
    if (rc) {
        if (err.file[0])
            fprintf(stderr, "%s:%d: ", err.file, err.line);
        fprintf(stderr, "%s\nhint: %s\n", err.message, err.hint);
        return rc;
    }
    printf("built %s (%d steps, %d cached)\n", result.image_id, result.steps_total, result.steps_cached);
    return 0;
}
