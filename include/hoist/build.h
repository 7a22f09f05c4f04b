/*
 * hoist/build.h - build an image on a Docker engine, with one call.
 *
 * hoist_build() parses the Dockerfile (a syntax error stops the build
 * before anything is uploaded), runs `hoist check` on it and its context
 * (findings at or above the configured threshold stop the build; the
 * others are reported as warnings), then builds: by default on the daemon's
 * own BuildKit (engine buildkit: hoist serves the BuildKit session from
 * which BuildKit reads the files it needs, and runs POST /build?version=2),
 * else by streaming the context as a tar straight into the classic
 * builder's POST /build (engine api) or through the docker CLI (engine
 * cli). The daemon's reply becomes events (hoist_build_event) delivered to
 * a callback, and a result is filled: image ID, tags, duration, context
 * size, steps run and cached, which engine ran and why. A failed build is
 * HOIST_EFAILED with the daemon's message and the Dockerfile location of
 * the failing step; cancellation (the cancel flag, or the callback
 * returning non-zero) stops the build on the daemon (closing the
 * connection; with BuildKit also POST /build/cancel) and returns
 * HOIST_EINTERRUPTED; a daemon that goes away mid-build is HOIST_EENV.
 *
 * Threads: hoist_build() uses its hoist_client for the whole call, so one
 * client serves one build at a time; builds on different clients may run
 * in different threads at once. A hoist_build_options (and its groups
 * hoist_build_params, hoist_build_engine_options, hoist_build_check_options,
 * hoist_build_output_options, hoist_build_registry_options,
 * hoist_build_buildkit_options) is only read
 * during the call and may be shared by threads that do not change it; its
 * output.on_event callback runs on the calling thread. A hoist_build_result and a
 * hoist_build_event (valid during the callback only) belong to the caller's
 * thread. hoist_build_engine, hoist_build_builder and
 * hoist_build_event_kind are plain enums.
 */
#ifndef HOIST_BUILD_H
#define HOIST_BUILD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "hoist/client.h"
#include "hoist/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hoist_build_event_kind {
    HOIST_EVENT_NOTE = 0,      /* hoist's own information (engine choice, context summary) */
    HOIST_EVENT_UPLOAD,        /* context upload progress: current bytes (total when known) */
    HOIST_EVENT_STEP,          /* a build step started: step/step_total, keyword, text, file:line */
    HOIST_EVENT_STEP_CACHED,   /* the current step was satisfied from the cache */
    HOIST_EVENT_LOG,           /* one line of build output */
    HOIST_EVENT_PULL,          /* pull/status progress: text, id, current/total */
    HOIST_EVENT_WARNING,       /* a warning from hoist or the daemon */
    HOIST_EVENT_ERROR,         /* the build failed: text, file:line of the step */
    HOIST_EVENT_IMAGE_ID,      /* the built image: id */
    HOIST_EVENT_TAGGED,        /* a tag was applied: text is the tag */
    HOIST_EVENT_FINDING,       /* a `hoist check` finding: id (rule), text, file:line, keyword = severity */
    HOIST_EVENT_STEP_DONE,     /* a step finished (not from the cache): duration; BuildKit only */
} hoist_build_event_kind;

typedef struct hoist_build_event {
    hoist_build_event_kind kind;
    const char *text;          /* message, log line, instruction text, tag */
    const char *id;            /* image or layer ID, when the event has one */
    const char *keyword;       /* STEP: instruction keyword, upper case */
    int step;                  /* STEP and after: 1-based step number; 0 before the first */
    int step_total;
    const char *file;          /* Dockerfile path (as given) when a location is known */
    int line;                  /* 1-based line of the step's instruction; 0 if unknown */
    int end_line;
    long long current;         /* UPLOAD/PULL progress; -1 when unknown */
    long long total;           /* -1 when unknown */
    double elapsed;            /* seconds since the build started */
    bool done;                 /* UPLOAD: the last one (current is then the exact total sent) */
    /* Added with the BuildKit trace decoder (fields are only ever appended). */
    double duration;           /* STEP_DONE (and STEP_CACHED, ERROR with a vertex): seconds the
                                  step ran, as BuildKit timed it; 0 when not timed */
    int stream;                /* LOG: 1 stdout, 2 stderr; 0 when unknown (classic builder) */
    const char *vertex;        /* BuildKit: digest of the vertex the event belongs to; NULL otherwise.
                                  Steps may run in parallel: this tells their events apart */
    const char *detail;        /* ERROR: the failing step's last output lines; WARNING: details;
                                  newline-separated; NULL when none */
    /* Added with build records (hoist/explain.h). */
    const char *reason;        /* NOTE "step N rebuilt: ...": why a step the last build recorded ran
                                  again (the text after "rebuilt: "); NULL otherwise */
} hoist_build_event;

/* Return 0 to go on, non-zero to cancel the build. */
typedef int (*hoist_build_event_fn)(const hoist_build_event *event, void *user);

/* Who runs the build. AUTO (the default) picks native BuildKit whenever the
 * daemon supports BuildKit sessions (API 1.39+, a Linux daemon, BuildKit not
 * switched off in daemon.json); else the API (classic builder), or the CLI
 * with BuildKit when the Dockerfile needs BuildKit. The CLI only when asked
 * or needed. */
typedef enum hoist_build_engine {
    HOIST_BUILD_ENGINE_AUTO = 0,
    HOIST_BUILD_ENGINE_API,
    HOIST_BUILD_ENGINE_CLI,
    HOIST_BUILD_ENGINE_BUILDKIT,   /* the daemon's BuildKit, driven natively: POST /build?version=2
                                      with a session hoist serves (no docker CLI) */
} hoist_build_engine;

/* Which builder ran it. */
typedef enum hoist_build_builder {
    HOIST_BUILDER_CLASSIC = 0,  /* the daemon's classic builder (API, or CLI with DOCKER_BUILDKIT=0) */
    HOIST_BUILDER_BUILDKIT,     /* the docker CLI's built-in BuildKit (DOCKER_BUILDKIT=1) */
    HOIST_BUILDER_BUILDX,       /* docker buildx build */
} hoist_build_builder;

/* What to build: the parameters `docker build` takes as flags. */
typedef struct hoist_build_params {
    const char *const *tags;       /* -t, repeatable */
    size_t tag_count;
    const char *const *build_args; /* "K=V", or "K" to take K from the environment */
    size_t build_arg_count;
    const char *const *labels;     /* "K=V" */
    size_t label_count;
    const char *const *cache_from;
    size_t cache_from_count;
    const char *const *add_hosts;  /* "host:ip" */
    size_t add_host_count;
    const char *target;
    const char *platform;
    const char *network;           /* networkmode: default, none, host, or a network name */
    bool no_cache;
    bool pull;
    bool keep_intermediate;        /* false (default): rm=1 and forcerm=1 */
    long long shm_size;            /* bytes; 0 = daemon default */
    long long memory;              /* bytes; 0 = no limit */
} hoist_build_params;

/* Who runs it. The daemon is the client's endpoint in both cases: the CLI
 * engine passes that endpoint to the docker CLI (-H and the TLS flags), so
 * it builds on the daemon the client resolved, whatever the environment
 * says. */
typedef struct hoist_build_engine_options {
    hoist_build_engine kind;       /* AUTO by default */
    const char *docker_cli;        /* CLI engine: --docker / HOIST_DOCKER; NULL: `docker` on path_env */
    const char *path_env;          /* $PATH for finding the docker CLI */
    bool gzip;                     /* API engine: compress the context upload */
} hoist_build_engine_options;

/* The `hoist check` gate run before the build. */
typedef struct hoist_build_check_options {
    bool skip;                     /* do not run it */
    const char *config;            /* lint configuration; NULL: <context>/.hoist.yaml when present */
} hoist_build_check_options;

/* What the caller gets while it runs. */
typedef struct hoist_build_output_options {
    hoist_build_event_fn on_event; /* may be NULL */
    void *user;
    volatile sig_atomic_t *cancel; /* optional: set non-zero (e.g. from a signal handler) to cancel */
    const char *iidfile;           /* write the image ID here on success */
    bool quiet;                    /* q=1: the daemon prints only the image ID */
    bool measure_upload;           /* walk the context first so that upload events carry an
                                      estimated total (for progress bars); costs one extra walk */
} hoist_build_output_options;

/* Where registry credentials come from. */
typedef struct hoist_build_registry_options {
    const char *docker_config;     /* $DOCKER_CONFIG; NULL: ~/.docker */
    const char *home;              /* $HOME, used when docker_config is NULL */
    bool push;                     /* after a successful build, push every tag (hoist_push, registry.h);
                                      credentials from docker_config/home and engine.path_env */
} hoist_build_registry_options;

/* Options only BuildKit understands (the buildkit engine). Strings in the
 * docker CLI's syntax, parsed by the library (errors name the flag). */
typedef struct hoist_build_buildkit_options {
    const char *const *secrets;    /* --secret "id=ID[,src=PATH|,env=VAR]" (src= also source=, file=) */
    size_t secret_count;
    const char *const *ssh;        /* --ssh "ID=SOCKET" (an agent socket; the caller turns "default"
                                      into "default=$SSH_AUTH_SOCK": the library reads no env) */
    size_t ssh_count;
    const char *output;            /* --output "type=local,dest=DIR", "type=tar,dest=FILE" or a bare
                                      DIR (local); NULL: the image in the daemon */
    /* Added with the Control API client (fields are only ever appended). */
    const char *builder;           /* --builder / BUILDKIT_HOST: build on this BuildKit builder through
                                      BuildKit's Control API (gRPC) instead of POST /build:
                                      "docker" (the client's engine, through its /grpc endpoint),
                                      unix://PATH, tcp://HOST:PORT (mutual TLS), ssh://HOST,
                                      docker-container://NAME, kube-pod://NAME. NULL: POST /build */
    const char *builder_tls_ca;    /* tcp://: --builder-tlscacert, the CA that signed the builder */
    const char *builder_tls_cert;  /* tcp://: --builder-tlscert, hoist's client certificate */
    const char *builder_tls_key;   /* tcp://: --builder-tlskey, its key */
    const char *const *cache_to;   /* --cache-to "type=registry,ref=R", "type=local,dest=DIR", "type=inline"
                                      (builder only) */
    size_t cache_to_count;
} hoist_build_buildkit_options;

/* Grouped the way libgit2 nests its checkout and fetch options: start from
 * HOIST_BUILD_OPTIONS_INIT and set the fields needed, e.g.
 *   opts.params.tags = tags; opts.output.on_event = cb; opts.engine.kind = HOIST_BUILD_ENGINE_CLI;
 * Options only BuildKit understands (secrets, ssh, outputs) are in .buildkit. */
typedef struct hoist_build_options {
    unsigned int version;          /* HOIST_BUILD_OPTIONS_VERSION */
    const char *context_dir;       /* build context; NULL means "." */
    const char *dockerfile;        /* -f: relative to the caller's working directory; NULL: <context>/Dockerfile */
    hoist_build_params params;
    hoist_build_engine_options engine;
    hoist_build_check_options check;
    hoist_build_output_options output;
    hoist_build_registry_options registry;
    hoist_build_buildkit_options buildkit;
} hoist_build_options;

#define HOIST_BUILD_OPTIONS_VERSION 2
#define HOIST_BUILD_OPTIONS_INIT {.version = HOIST_BUILD_OPTIONS_VERSION}
/* Same as HOIST_BUILD_OPTIONS_INIT, for callers that cannot use the macro. */
HOIST_EXTERN void hoist_build_options_init(hoist_build_options *opts);

#define HOIST_BUILD_MAX_TAGS 32

/* What hoist's BuildKit session served during a build (engine buildkit, or a --builder;
 * all zero with the other engines). The file data it sent is the result's
 * context_bytes, its files context_entries. BuildKit asks only for what
 * changed since its last build of the same context, so after one changed
 * file `requests` is 1. */
typedef struct hoist_build_session_stats {
    unsigned long long requests;          /* FileSync file requests received (REQ packets) */
    unsigned long long stat_packets;      /* FileSync STAT packets sent (entries, plus the final empty one) */
    unsigned long long calls;             /* gRPC calls the daemon made */
    unsigned long long unimplemented;     /* of which to a method the session does not serve */
    unsigned long long health_checks;
    unsigned long long secrets_sent;
    unsigned long long credentials_asked;
    unsigned long long output_bytes;      /* buildkit.output: tar bytes received */
    unsigned long long max_step_us;       /* longest time the session thread was busy at once
                                             (microseconds): bounds a health check's wait */
} hoist_build_session_stats;

typedef struct hoist_build_result {
    char image_id[160];               /* "sha256:..." */
    char tags[HOIST_BUILD_MAX_TAGS][256];
    size_t tag_count;
    double seconds;                   /* whole build, upload included */
    unsigned long long context_bytes; /* tar bytes uploaded (before compression) */
    unsigned long long context_entries;
    int steps_total;
    int steps_run;
    int steps_cached;
    char api_version[32];             /* the API version used */
    hoist_build_engine engine;        /* API, CLI or BUILDKIT: what actually ran */
    hoist_build_builder builder;
    char engine_reason[512];          /* why this engine (auto) */
    /* Added with the session statistics (fields are only ever appended). */
    hoist_build_session_stats session; /* engine buildkit: what the session served */
} hoist_build_result;

HOIST_EXTERN int hoist_build(hoist_build_result *result, hoist_client *client, const hoist_build_options *opts,
                hoist_error *err);

HOIST_EXTERN const char *hoist_build_engine_name(hoist_build_engine engine);   /* "auto", "api", "cli", "buildkit" */
HOIST_EXTERN const char *hoist_build_builder_name(hoist_build_builder builder); /* "classic", "buildkit", "buildx" */

/* Stable lower-case name of an event kind, as used in --progress json. */
HOIST_EXTERN const char *hoist_build_event_kind_name(hoist_build_event_kind kind);

#ifdef __cplusplus
}
#endif
#endif
