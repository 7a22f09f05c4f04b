/*
 * stress.c - many builds through libhoist in one process, for
 * tests/integration/test_threads.sh and test_soak.sh. Not installed.
 *
 *   stress threads N [--engine api|bk] DIR PREFIX
 *       N threads at once, each with its own client, context directory
 *       (DIR/tN, made here with a Dockerfile unique to the thread) and tag
 *       PREFIX-tN. Prints "tag <tag> <image id>" per thread; exit 0 only
 *       when every build succeeded with an image id.
 *   stress loop N [--engine api|bk] DIR TAG
 *       N consecutive builds of DIR/loop (one file changes every build, so
 *       each build makes a new image) tagged TAG, one client each (as a
 *       long-running caller would). Measures resident memory (VmRSS) and
 *       the number of open descriptors at build 10 and at build N and
 *       fails when either grew (descriptors: at all; memory: by more than
 *       HOIST_SOAK_RSS_KB, default 3072 kB, of allocator noise).
 *       Prints "measure <build> rss_kb=<n> fds=<n>" and "image <id>" lines.
 *   stress failloop N [--engine api|bk] DIR TAG
 *       the same against a faulty daemon (tests/integration/tools/
 *       fault_proxy.py): every build must fail; descriptors and memory are
 *       compared between build 2 and build N.
 *
 * Both engines build through hoist_build(): --engine api is the classic
 * builder over the Engine API, bk the daemon's BuildKit driven natively
 * through hoist's session (HOIST_BUILD_ENGINE_BUILDKIT). Errors on stderr,
 * exit code = hoist code (1 for a failed assertion).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hoist/build.h"
#include "hoist/client.h"
#include "hoist/endpoint.h"

enum { ENGINE_API, ENGINE_BK };

typedef struct job {
    int engine;
    char dir[4096];
    char tag[256];
    char image_id[160];
    hoist_error err;
    int rc;
} job;

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int bad = fputs(text, f) < 0;
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

/* One build of j->dir tagged j->tag with a fresh client. Without the cache:
 * every build makes new images anyway, and the classic builder's cache
 * lookup walks every child image of the base, which fails ("unable to find
 * image") when another user of a shared engine removes one meanwhile. */
static void build_one(job *j)
{
    hoist_endpoint_options eo = HOIST_ENDPOINT_OPTIONS_INIT;
    hoist_endpoint_options_from_env(&eo);
    hoist_endpoint ep;
    hoist_client *client = NULL;
    hoist_client_options co = HOIST_CLIENT_OPTIONS_INIT;
    co.endpoint = &ep;
    j->err = (hoist_error)HOIST_ERROR_INIT;
    j->image_id[0] = '\0';
    j->rc = hoist_endpoint_resolve(&ep, &eo, &j->err);
    if (!j->rc)
        j->rc = hoist_client_new(&client, &co, &j->err);
    if (!j->rc) {
        const char *tags[1] = {j->tag};
        hoist_build_options o = HOIST_BUILD_OPTIONS_INIT;
        o.context_dir = j->dir;
        o.params.tags = tags;
        o.params.tag_count = 1;
        o.params.network = "none";
        o.params.no_cache = true; /* see above */
        o.engine.kind = j->engine == ENGINE_API ? HOIST_BUILD_ENGINE_API : HOIST_BUILD_ENGINE_BUILDKIT;
        o.check.skip = true;
        o.output.quiet = j->engine == ENGINE_API; /* q=1 for the classic builder only, as before */
        hoist_build_result r;
        j->rc = hoist_build(&r, client, &o, &j->err);
        if (!j->rc)
            snprintf(j->image_id, sizeof(j->image_id), "%s", r.image_id);
    }
    hoist_client_free(client);
    if (!j->rc && strncmp(j->image_id, "sha256:", 7) != 0) {
        j->rc = 1;
        snprintf(j->err.message, sizeof(j->err.message), "build of %s returned no image id", j->dir);
    }
}

static void *thread_main(void *arg)
{
    build_one(arg);
    return NULL;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static int usage(void)
{
    fprintf(stderr, "usage: stress threads|loop|failloop N [--engine api|bk] DIR TAG\n");
    return 2;
}

static int run_threads(int n, int engine, const char *dir, const char *prefix)
{
    job *jobs = calloc((size_t)n, sizeof(*jobs));
    pthread_t *tids = calloc((size_t)n, sizeof(*tids));
    if (!jobs || !tids)
        return 3;
    for (int i = 0; i < n; i++) {
        job *j = &jobs[i];
        j->engine = engine;
        snprintf(j->dir, sizeof(j->dir), "%s/t%d", dir, i);
        snprintf(j->tag, sizeof(j->tag), "%s-t%d", prefix, i);
        char path[4200], text[512];
        if (mkdir(j->dir, 0755) && errno != EEXIST)
            return fprintf(stderr, "stress: mkdir %s: %s\n", j->dir, strerror(errno)), 4;
        snprintf(path, sizeof(path), "%s/Dockerfile", j->dir);
        snprintf(text, sizeof(text),
                 "FROM hoist-test/busybox:1\nCOPY data /data\nRUN echo thread %d >> /data && cat /data\n"
                 "LABEL hoist.stress.thread=\"%d\"\n", i, i);
        if (write_file(path, text))
            return fprintf(stderr, "stress: cannot write %s\n", path), 4;
        snprintf(path, sizeof(path), "%s/data", j->dir);
        snprintf(text, sizeof(text), "%s %d\n", prefix, i);
        if (write_file(path, text))
            return fprintf(stderr, "stress: cannot write %s\n", path), 4;
    }
    for (int i = 0; i < n; i++)
        if (pthread_create(&tids[i], NULL, thread_main, &jobs[i]))
            return fprintf(stderr, "stress: pthread_create failed\n"), 3;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(tids[i], NULL);
        if (jobs[i].rc) {
            fprintf(stderr, "stress: thread %d (%s): %s\n", i, jobs[i].tag, jobs[i].err.message);
            rc = rc ? rc : jobs[i].rc;
        } else {
            printf("tag %s %s\n", jobs[i].tag, jobs[i].image_id);
        }
    }
    free(jobs);
    free(tids);
    return rc;
}

static int run_loop(int n, int engine, const char *dir, const char *tag, bool expect_fail)
{
    job j = {.engine = engine};
    snprintf(j.dir, sizeof(j.dir), "%s/loop", dir);
    snprintf(j.tag, sizeof(j.tag), "%s", tag);
    char path[4200];
    if (mkdir(j.dir, 0755) && errno != EEXIST)
        return fprintf(stderr, "stress: mkdir %s: %s\n", j.dir, strerror(errno)), 4;
    snprintf(path, sizeof(path), "%s/Dockerfile", j.dir);
    if (write_file(path, "FROM hoist-test/busybox:1\nCOPY data /data\nRUN cat /data\n"))
        return fprintf(stderr, "stress: cannot write %s\n", path), 4;
    const char *env = getenv("HOIST_SOAK_RSS_KB");
    long slack = env ? strtol(env, NULL, 10) : 3072;
    long rss10 = 0;
    int fds10 = 0;
    for (int i = 1; i <= n; i++) {
        char text[128];
        snprintf(path, sizeof(path), "%s/data", j.dir);
        snprintf(text, sizeof(text), "%s build %d\n", tag, i);
        if (write_file(path, text))
            return fprintf(stderr, "stress: cannot write %s\n", path), 4;
        build_one(&j);
        if (expect_fail && !j.rc) {
            fprintf(stderr, "stress: build %d succeeded through a faulty daemon\n", i);
            return 1;
        }
        if (expect_fail) {
            printf("error %d %s\n", j.rc, j.err.message);
        } else if (j.rc) {
            fprintf(stderr, "stress: build %d: %s\n", i, j.err.message);
            return j.rc;
        } else {
            printf("image %s\n", j.image_id);
        }
        int first = expect_fail ? 2 : 10;
        if (i == first || i == n) {
            long rss = rss_kb();
            int fds = count_fds();
            printf("measure %d rss_kb=%ld fds=%d\n", i, rss, fds);
            fflush(stdout);
            if (i == first) {
                rss10 = rss, fds10 = fds;
            } else if (n > first) {
                if (fds != fds10) {
                    fprintf(stderr, "stress: open descriptors went from %d at build %d to %d at build %d\n",
                            fds10, first, fds, n);
                    return 1;
                }
                if (rss - rss10 > slack) {
                    fprintf(stderr, "stress: resident memory grew from %ld kB at build %d to %ld kB at build %d "
                            "(more than %ld kB)\n", rss10, first, rss, n, slack);
                    return 1;
                }
            }
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return usage();
    int n = atoi(argv[2]);
    int engine = ENGINE_API;
    int a = 3;
    if (!strcmp(argv[a], "--engine") && a + 1 < argc) {
        if (!strcmp(argv[a + 1], "bk"))
            engine = ENGINE_BK;
        else if (strcmp(argv[a + 1], "api"))
            return usage();
        a += 2;
    }
    if (n <= 0 || argc != a + 2)
        return usage();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(argv[1], "threads"))
        return run_threads(n, engine, argv[a], argv[a + 1]);
    if (!strcmp(argv[1], "loop"))
        return run_loop(n, engine, argv[a], argv[a + 1], false);
    if (!strcmp(argv[1], "failloop"))
        return run_loop(n, engine, argv[a], argv[a + 1], true);
    return usage();
}
