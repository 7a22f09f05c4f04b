/*
 * bench_parse.c - in-process parser throughput: read every file named on
 * stdin into memory, then parse all of them (with BuildKit's instruction
 * checks, as `hoist parse` does) ROUNDS times and print MB/s. Built and run
 * by bench/parse/run.sh against build/libhoist.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hoist/dockerfile.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    char **data = NULL;
    size_t *lens = NULL, n = 0, cap = 0, total = 0;
    char path[4096];
    while (fgets(path, sizeof(path), stdin)) {
        path[strcspn(path, "\n")] = 0;
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            data = realloc(data, cap * sizeof(*data));
            lens = realloc(lens, cap * sizeof(*lens));
        }
        data[n] = malloc((size_t)sz + 1);
        lens[n] = fread(data[n], 1, (size_t)sz, f);
        total += lens[n];
        n++;
        fclose(f);
    }
    size_t instructions = 0;
    double t0 = now();
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            hoist_dockerfile *df = NULL;
            hoist_error err = HOIST_ERROR_INIT;
            if (hoist_dockerfile_parse(&df, data[i], lens[i], NULL, &err) != 0) {
                fprintf(stderr, "file %zu: %d:%d %s\n", i, err.line, err.column, err.message);
                return 1;
            }
            instructions += hoist_dockerfile_instruction_count(df);
            hoist_dockerfile_free(df);
        }
    }
    double secs = now() - t0;
    double mb = (double)total * rounds / 1e6;
    printf("files=%zu bytes=%zu rounds=%d instructions=%zu seconds=%.3f mb_per_s=%.1f\n", n, total, rounds,
           instructions / (size_t)rounds, secs, mb / secs);
    for (size_t i = 0; i < n; i++)
        free(data[i]);
    free(data);
    free(lens);
    return 0;
}
