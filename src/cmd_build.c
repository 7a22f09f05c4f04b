/*
 * cmd_build.c - `hoist build [PATH] [-f DOCKERFILE] [options]`
 *
 * Flags follow `docker build` where the meaning is the same. The command
 * resolves the endpoint, connects, hands everything to hoist_build() and
 * renders its events. SIGINT/SIGTERM/SIGHUP/SIGPIPE set a flag the library
 * polls (cli_signals.c): it closes the connection (the daemon then stops
 * the build and, with forcerm, removes the container) and the command
 * exits 130 (129 for SIGHUP, 141 for SIGPIPE).
 */
#include "cli.h"
#include "build_render.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LIST 64

static void usage(FILE *out)
{
    fprintf(out,
        "usage: hoist build [PATH] [-f DOCKERFILE] [options]\n\n"
        "Build an image from PATH (default .) on a Docker engine.\n\n"
        "  -f, --file PATH          Dockerfile (relative to the current directory; default PATH/Dockerfile)\n"
        "  -t, --tag NAME[:TAG]     tag the image (repeatable)\n"
        "      --build-arg K[=V]    build-time variable (K alone: from the environment)\n"
        "      --label K=V          image label (repeatable)\n"
        "      --target STAGE       build up to this stage\n"
        "      --platform OS/ARCH   target platform\n"
        "      --network MODE       network for RUN: default, none, host, or a network name\n"
        "      --no-cache           do not use the build cache\n"
        "      --pull               always try to pull newer base images\n"
        "      --cache-from IMAGE   image to use as cache source (repeatable); with --builder also\n"
        "                           type=registry,ref=IMAGE\n"
        "      --cache-to SPEC      with --builder: export the build cache: type=registry,ref=IMAGE\n"
        "                           [,mode=max] or type=inline (repeatable)\n"
        "      --add-host HOST:IP   extra /etc/hosts entry (repeatable)\n"
        "      --shm-size SIZE      size of /dev/shm (e.g. 64m)\n"
        "  -m, --memory SIZE        memory limit for RUN (e.g. 512m)\n"
        "      --iidfile FILE       write the image ID to FILE\n"
        "      --push               push every -t tag after the build (like hoist push)\n"
        "  -q, --quiet              print only the image ID\n"
        "      --gzip               compress the context upload\n"
        "      --progress MODE      auto, plain, tty, json or quiet (default auto: tty on a terminal)\n"
        "      --engine ENGINE      auto (default): the daemon's BuildKit when it supports sessions\n"
        "                           (API 1.39+, Linux), else the Engine API's classic builder, or the\n"
        "                           CLI when the Dockerfile needs BuildKit; buildkit (native, no CLI);\n"
        "                           api (classic builder); or cli (docker buildx build, else\n"
        "                           DOCKER_BUILDKIT=1 docker build, else the classic builder)\n"
        "      --secret id=ID[,src=PATH|,env=VAR]  secret for RUN --mount=type=secret (buildkit; repeatable)\n"
        "      --ssh default|ID=SOCKET  ssh-agent for RUN --mount=type=ssh (default: $SSH_AUTH_SOCK)\n"
        "      --output type=local,dest=DIR | type=tar,dest=FILE  export the result's files (buildkit)\n"
        "      --builder ADDR       build on this BuildKit builder through its Control API (default:\n"
        "                           BUILDKIT_HOST): docker (the engine's own BuildKit, via /grpc),\n"
        "                           unix://PATH, tcp://HOST:PORT (mutual TLS), ssh://HOST,\n"
        "                           docker-container://NAME, kube-pod://NAME\n"
        "      --builder-tlscacert FILE  CA of a tcp:// builder (default: BUILDKIT_TLS_CA_CERT)\n"
        "      --builder-tlscert FILE    client certificate for it (default: BUILDKIT_TLS_CERT)\n"
        "      --builder-tlskey FILE     its key (default: BUILDKIT_TLS_KEY)\n"
        "      --docker PATH        the docker CLI for the CLI engine (default: HOIST_DOCKER, then PATH)\n"
        "      --no-check           skip the hoist check gate (by default errors stop the build)\n"
        "      --check-config FILE  hoist check configuration (default: PATH/.hoist.yaml)\n"
        "  -H, --host HOST          daemon to use (default: DOCKER_HOST, docker context, local socket)\n"
        "      --context NAME       docker context to use\n\n"
        "Exit status: 0 built, 1 the build failed, 2 usage, 3 engine not usable,\n"
        "4 invalid Dockerfile or context, 130 interrupted (129 SIGHUP, 141 SIGPIPE).\n");
}

/* "512", "64k", "64m", "1g" (also kb, mb, gb; case-insensitive) to bytes. */
static int parse_size(const char *text, long long *out)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || value < 0)
        return -1;
    long long mult = 1;
    switch (tolower((unsigned char)*end)) {
    case '\0': break;
    case 'b': mult = 1; end++; break;
    case 'k': mult = 1LL << 10; end++; break;
    case 'm': mult = 1LL << 20; end++; break;
    case 'g': mult = 1LL << 30; end++; break;
    default: return -1;
    }
    if (mult > 1 && tolower((unsigned char)*end) == 'b')
        end++;
    if (*end)
        return -1;
    *out = (long long)(value * (double)mult);
    return 0;
}

struct list {
    const char *items[MAX_LIST];
    size_t count;
};

static int list_add(struct list *l, const char *flag, const char *value)
{
    if (l->count >= MAX_LIST)
        return cli_usage_error("build", "too many %s options (at most %d)", flag, MAX_LIST);
    l->items[l->count++] = value;
    return 0;
}

static void client_freep(hoist_client **c)
{
    hoist_client_free(*c);
}

enum { O_BUILD_ARG = 256, O_LABEL, O_TARGET, O_PLATFORM, O_NETWORK, O_NO_CACHE, O_PULL, O_CACHE_FROM,
       O_ADD_HOST, O_SHM, O_IIDFILE, O_GZIP, O_PROGRESS, O_ENGINE, O_CONTEXT, O_DOCKER, O_NO_CHECK, O_CHECK_CONFIG, O_PUSH,
       O_SECRET, O_SSH, O_BUILDER, O_BUILDER_CA, O_BUILDER_CERT, O_BUILDER_KEY, O_CACHE_TO };
/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_build_longopts[] = {
    {"file", required_argument, NULL, 'f'},
    {"tag", required_argument, NULL, 't'},
    {"build-arg", required_argument, NULL, O_BUILD_ARG},
    {"label", required_argument, NULL, O_LABEL},
    {"target", required_argument, NULL, O_TARGET},
    {"platform", required_argument, NULL, O_PLATFORM},
    {"network", required_argument, NULL, O_NETWORK},
    {"no-cache", no_argument, NULL, O_NO_CACHE},
    {"pull", no_argument, NULL, O_PULL},
    {"cache-from", required_argument, NULL, O_CACHE_FROM},
    {"cache-to", required_argument, NULL, O_CACHE_TO},
    {"add-host", required_argument, NULL, O_ADD_HOST},
    {"shm-size", required_argument, NULL, O_SHM},
    {"memory", required_argument, NULL, 'm'},
    {"iidfile", required_argument, NULL, O_IIDFILE},
    {"quiet", no_argument, NULL, 'q'},
    {"gzip", no_argument, NULL, O_GZIP},
    {"progress", required_argument, NULL, O_PROGRESS},
    {"engine", required_argument, NULL, O_ENGINE},
    {"docker", required_argument, NULL, O_DOCKER},
    {"no-check", no_argument, NULL, O_NO_CHECK},
    {"check-config", required_argument, NULL, O_CHECK_CONFIG},
    {"push", no_argument, NULL, O_PUSH},
    {"secret", required_argument, NULL, O_SECRET},
    {"ssh", required_argument, NULL, O_SSH},
    {"output", required_argument, NULL, 'o'},
    {"builder", required_argument, NULL, O_BUILDER},
    {"builder-tlscacert", required_argument, NULL, O_BUILDER_CA},
    {"builder-tlscert", required_argument, NULL, O_BUILDER_CERT},
    {"builder-tlskey", required_argument, NULL, O_BUILDER_KEY},
    {"host", required_argument, NULL, 'H'},
    {"context", required_argument, NULL, O_CONTEXT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_build_shortopts[] = "f:t:m:qo:H:h";

int cmd_build(int argc, char **argv)
{
    hoist_build_options opts = HOIST_BUILD_OPTIONS_INIT;
    hoist_endpoint_options eopts = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eopts);
    struct list tags = {0}, args = {0}, labels = {0}, cache_from = {0}, hosts = {0}, secrets = {0}, ssh = {0}, cache_to = {0};
    char ssh_specs[MAX_LIST][512];
    const char *progress = "auto";
    int rc;

    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, cmd_build_shortopts, cmd_build_longopts, NULL)) != -1) {
        switch (ch) {
        case 'f': opts.dockerfile = optarg; break;
        case 't': if ((rc = list_add(&tags, "-t", optarg))) return rc; break;
        case O_BUILD_ARG: if ((rc = list_add(&args, "--build-arg", optarg))) return rc; break;
        case O_LABEL:
            if ((rc = list_add(&labels, "--label", optarg))) return rc;
            break;
        case O_TARGET: opts.params.target = optarg; break;
        case O_PLATFORM: opts.params.platform = optarg; break;
        case O_NETWORK: opts.params.network = optarg; break;
        case O_NO_CACHE: opts.params.no_cache = true; break;
        case O_PULL: opts.params.pull = true; break;
        case O_CACHE_FROM: if ((rc = list_add(&cache_from, "--cache-from", optarg))) return rc; break;
        case O_CACHE_TO: if ((rc = list_add(&cache_to, "--cache-to", optarg))) return rc; break;
        case O_ADD_HOST:
            if ((rc = list_add(&hosts, "--add-host", optarg))) return rc;
            break;
        case O_SHM:
            if (parse_size(optarg, &opts.params.shm_size) < 0)
                return cli_usage_error("build", "--shm-size '%s' is not a size (e.g. 64m)", optarg);
            break;
        case 'm':
            if (parse_size(optarg, &opts.params.memory) < 0)
                return cli_usage_error("build", "--memory '%s' is not a size (e.g. 512m)", optarg);
            break;
        case O_IIDFILE: opts.output.iidfile = optarg; break;
        case 'q': opts.output.quiet = true; progress = "quiet"; break;
        case O_GZIP: opts.engine.gzip = true; break;
        case O_PROGRESS: progress = optarg; break;
        case O_ENGINE:
            if (!strcmp(optarg, "api"))
                opts.engine.kind = HOIST_BUILD_ENGINE_API;
            else if (!strcmp(optarg, "cli"))
                opts.engine.kind = HOIST_BUILD_ENGINE_CLI;
            else if (!strcmp(optarg, "auto"))
                opts.engine.kind = HOIST_BUILD_ENGINE_AUTO;
            else if (!strcmp(optarg, "buildkit"))
                opts.engine.kind = HOIST_BUILD_ENGINE_BUILDKIT;
            else
                return cli_usage_error("build", "--engine '%s': use auto, buildkit, api or cli", optarg);
            break;
        case O_DOCKER: opts.engine.docker_cli = optarg; break;
        case O_BUILDER: opts.buildkit.builder = optarg; break;
        case O_BUILDER_CA: opts.buildkit.builder_tls_ca = optarg; break;
        case O_BUILDER_CERT: opts.buildkit.builder_tls_cert = optarg; break;
        case O_BUILDER_KEY: opts.buildkit.builder_tls_key = optarg; break;
        case O_NO_CHECK: opts.check.skip = true; break;
        case O_CHECK_CONFIG: opts.check.config = optarg; break;
        case O_PUSH: opts.registry.push = true; break;
        case O_SECRET: if ((rc = list_add(&secrets, "--secret", optarg))) return rc; break;
        case O_SSH: {
            /* "default" and "ID" alone mean the agent at $SSH_AUTH_SOCK: read here, not in the library */
            const char *sock = getenv("SSH_AUTH_SOCK");
            if (!strchr(optarg, '=') && !strchr(optarg, ',')) {
                if (!sock || !*sock)
                    return cli_usage_error("build", "--ssh %s: SSH_AUTH_SOCK is not set (start ssh-agent, or "
                                           "give --ssh %s=SOCKET)", optarg, optarg);
                snprintf(ssh_specs[ssh.count % MAX_LIST], sizeof(ssh_specs[0]), "%s=%s", optarg, sock);
                if ((rc = list_add(&ssh, "--ssh", ssh_specs[ssh.count % MAX_LIST]))) return rc;
            } else if ((rc = list_add(&ssh, "--ssh", optarg))) {
                return rc;
            }
            break;
        }
        case 'o':
            if (opts.buildkit.output)
                return cli_usage_error("build", "give --output once");
            opts.buildkit.output = optarg;
            break;
        case 'H': eopts.host_flag = optarg; break;
        case O_CONTEXT: eopts.context_flag = optarg; break;
        case 'h': usage(stdout); return 0;
        default:
            return cli_usage_error("build", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return cli_usage_error("build", "expected at most one PATH, got '%s' and '%s'", argv[optind],
                               argv[optind + 1]);
    if (optind < argc)
        opts.context_dir = argv[optind];
    if (eopts.host_flag && eopts.context_flag)
        return cli_usage_error("build", "give either -H/--host or --context, not both");

    render_mode mode;
    if (!strcmp(progress, "plain"))
        mode = RENDER_PLAIN;
    else if (!strcmp(progress, "json"))
        mode = RENDER_JSON;
    else if (!strcmp(progress, "quiet"))
        mode = RENDER_QUIET;
    else if (!strcmp(progress, "auto") || !strcmp(progress, "tty"))
        /* the live view redraws stderr in place: only on a terminal */
        mode = isatty(STDERR_FILENO) ? RENDER_TTY : RENDER_PLAIN;
    else
        return cli_usage_error("build", "--progress '%s': use auto, plain, tty, json or quiet", progress);

    opts.params.tags = tags.items;
    opts.params.tag_count = tags.count;
    opts.params.build_args = args.items;
    opts.params.build_arg_count = args.count;
    opts.params.labels = labels.items;
    opts.params.label_count = labels.count;
    opts.params.cache_from = cache_from.items;
    opts.params.cache_from_count = cache_from.count;
    opts.params.add_hosts = hosts.items;
    opts.params.add_host_count = hosts.count;
    opts.registry.docker_config = getenv("DOCKER_CONFIG");
    if (!opts.engine.docker_cli)
        opts.engine.docker_cli = getenv("HOIST_DOCKER");
    opts.engine.path_env = getenv("PATH");
    /* buildctl's environment for the builder and its TLS files */
    if (!opts.buildkit.builder && getenv("BUILDKIT_HOST") && *getenv("BUILDKIT_HOST"))
        opts.buildkit.builder = getenv("BUILDKIT_HOST");
    if (!opts.buildkit.builder_tls_ca)
        opts.buildkit.builder_tls_ca = getenv("BUILDKIT_TLS_CA_CERT");
    if (!opts.buildkit.builder_tls_cert)
        opts.buildkit.builder_tls_cert = getenv("BUILDKIT_TLS_CERT");
    if (!opts.buildkit.builder_tls_key)
        opts.buildkit.builder_tls_key = getenv("BUILDKIT_TLS_KEY");
    opts.registry.home = getenv("HOME");
    opts.buildkit.cache_to = cache_to.items;
    opts.buildkit.cache_to_count = cache_to.count;
    opts.buildkit.secrets = secrets.items;
    opts.buildkit.secret_count = secrets.count;
    opts.buildkit.ssh = ssh.items;
    opts.buildkit.ssh_count = ssh.count;

    opts.output.measure_upload = mode == RENDER_TTY;
    build_renderer renderer;
    build_renderer_init(&renderer, mode);
    renderer.builder = opts.buildkit.builder && *opts.buildkit.builder ? opts.buildkit.builder : NULL;
    opts.output.on_event = build_render_event;
    opts.output.user = &renderer;
    opts.output.cancel = &cli_signal;
    cli_signals_cancel();

    hoist_error err = HOIST_ERROR_INIT;
    hoist_build_result result;
    memset(&result, 0, sizeof(result));
    hoist_endpoint endpoint;
    if ((rc = hoist_endpoint_resolve(&endpoint, &eopts, &err)))
        return build_render_failure(&renderer, &err, &result), rc;
    hoist_client_options copts = HOIST_CLIENT_OPTIONS_INIT;
    cli_log_install(&copts);
    copts.endpoint = &endpoint;
    copts.api_version_pin = getenv("DOCKER_API_VERSION");
    __attribute__((cleanup(client_freep))) hoist_client *client = NULL;
    if ((rc = hoist_client_new(&client, &copts, &err)))
        return build_render_failure(&renderer, &err, &result), rc;

    rc = hoist_build(&result, client, &opts, &err);
    if (rc) {
        if (cli_signal != SIGPIPE) /* stdout is gone: end quietly */
            build_render_failure(&renderer, &err, &result);
        return cli_signal ? cli_signal_exit_code(cli_signal) : rc;
    }
    build_render_result(&renderer, &result);
    return cli_signal ? cli_signal_exit_code(cli_signal) : 0;
}
