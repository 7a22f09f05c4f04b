/*
 * cmd_version.c - `hoist version [--json] [--load]`: hoist's version, the
 * libraries it runs with and the capabilities compiled in.
 *
 * What a bug report needs: the hoist and libhoist versions, each library's
 * running version next to the one it was built with (a mismatch explains
 * many "works here, not there"), and for libcurl and libarchive, which
 * libhoist loads on demand, whether they are loaded; --load loads them to
 * report their versions (and says when one cannot be loaded, which is what
 * `hoist build` would then fail on). --json prints
 *   {"hoist": V, "libhoist": V, "soname": "libhoist.so.1",
 *    "components": [{"name", "version", "built_with", "lazy", "loaded",
 *                    "soname", "note"}], "features": [...]}
 */
#include "cli.h"

#include <string.h>

#include "hoist_config.h"

enum { OPT_JSON = 256, OPT_LOAD };
const struct option cmd_version_longopts[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"load", no_argument, NULL, OPT_LOAD},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_version_shortopts[] = "h";

static void usage(FILE *out)
{
    fprintf(out, "usage: hoist version [--json] [--load]\n\n"
                 "Print the versions of hoist, libhoist and the libraries they use (running\n"
                 "and built-with), and the features compiled in.\n\n"
                 "      --json   one JSON object\n"
                 "      --load   load libcurl and libarchive (normally loaded on demand)\n"
                 "               to report their versions\n"
                 "  -h, --help   this help\n");
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

int cmd_version(int argc, char **argv)
{
    optind = 1;
    opterr = 0;
    bool json = false;
    unsigned int flags = 0;
    int c;
    while ((c = getopt_long(argc, argv, cmd_version_shortopts, cmd_version_longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: json = true; break;
        case OPT_LOAD: flags |= HOIST_COMPONENTS_LOAD; break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("version", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error("version", "unexpected argument '%s'", argv[optind]);

    hoist_component comps[16];
    size_t n = hoist_components(comps, 16, flags);
    if (n > 16)
        n = 16;
    if (json) {
        printf("{\"hoist\": ");
        json_string(HOIST_VERSION);
        printf(", \"libhoist\": ");
        json_string(hoist_version_string());
        printf(", \"soname\": \"libhoist.so.%s\", \"api_versions\": {\"min\": \"%s\", \"max\": \"%s\"},"
               "\n \"components\": [",
               HOIST_SOVERSION, HOIST_API_VERSION_MIN, HOIST_API_VERSION_MAX);
        for (size_t i = 0; i < n; i++) {
            const hoist_component *k = &comps[i];
            printf("%s\n  {\"name\": ", i ? "," : "");
            json_string(k->name);
            printf(", \"version\": ");
            if (k->version[0])
                json_string(k->version);
            else
                printf("null");
            printf(", \"built_with\": ");
            json_string(k->built_with);
            printf(", \"lazy\": %s, \"loaded\": %s", k->lazy ? "true" : "false",
                   k->loaded ? "true" : "false");
            if (k->soname[0]) {
                printf(", \"soname\": ");
                json_string(k->soname);
            }
            if (k->note[0]) {
                printf(", \"note\": ");
                json_string(k->note);
            }
            putchar('}');
        }
        printf("\n ],\n \"features\": [");
        for (size_t i = 0; i < hoist_capability_count(); i++) {
            printf("%s", i ? ", " : "");
            json_string(hoist_capability_at(i));
        }
        printf("]}\n");
        return fflush(stdout) ? HOIST_EFAILED : 0;
    }
    printf("hoist %s (libhoist %s, libhoist.so.%s, Engine API %s-%s)\n", HOIST_VERSION,
           hoist_version_string(), HOIST_SOVERSION, HOIST_API_VERSION_MIN, HOIST_API_VERSION_MAX);
    for (size_t i = 1; i < n; i++) {
        const hoist_component *k = &comps[i];
        printf("  %-11s %s", k->name, k->version[0] ? k->version : "-");
        if (strcmp(k->version, k->built_with))
            printf(" (built with %s)", k->built_with);
        if (k->lazy) {
            if (k->version[0])
                printf(" %s%s", k->soname, k->loaded ? "" : ", loaded for this report");
            if (k->note[0])
                printf("%s%s", k->version[0] ? ", " : " ", k->note);
        }
        putchar('\n');
    }
    printf("  features:  ");
    for (size_t i = 0; i < hoist_capability_count(); i++)
        printf("%s%s", i ? " " : "", hoist_capability_at(i));
    putchar('\n');
    return fflush(stdout) ? HOIST_EFAILED : 0;
}
