/*
 * cmd_parse.c - `hoist parse`: parse a Dockerfile exactly as BuildKit does
 * and print its AST as JSON (docs/ast-json.md) or as Dockerfile text.
 *
 *   hoist parse [-f] [FILE|-] [--json [--compact]] [--print [--canonical]]
 *               [--ast-only] [--warnings]
 *
 * A parse error prints `file:line:col: message` and a hint, and exits 4.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hoist parse [-f] [FILE|-] [--json [--compact]] [--print [--canonical]]\n"
            "                   [--ast-only] [--warnings]\n\n"
            "Parse a Dockerfile the way BuildKit reads it and print the result.\n\n"
            "  -f, --file FILE   the Dockerfile (default ./Dockerfile; - reads stdin)\n"
            "      --json        the AST as JSON, documented in docs/ast-json.md (default)\n"
            "      --compact     JSON on one line\n"
            "      --print       the AST printed back as Dockerfile text\n"
            "      --canonical   with --print: upper-case keywords\n"
            "      --ast-only    only BuildKit's parser layer: keep unknown instructions and\n"
            "                    skip argument/flag checks\n"
            "      --warnings    print parser warnings on stderr\n"
            "  -h, --help        this help\n\n"
            "Exit codes: 0 ok, 2 usage, 4 invalid Dockerfile or unreadable file.\n");
}

static int read_stdin(char **data, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
        ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
        if (r < 0) {
            free(buf);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_parse_longopts[] = {
    {"file", required_argument, NULL, 'f'}, {"json", no_argument, NULL, 'j'},
    {"compact", no_argument, NULL, 'c'},    {"print", no_argument, NULL, 'p'},
    {"canonical", no_argument, NULL, 'C'},  {"ast-only", no_argument, NULL, 'a'},
    {"warnings", no_argument, NULL, 'w'},   {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_parse_shortopts[] = "f:h";

int cmd_parse(int argc, char **argv)
{
    const char *file = NULL;
    bool json = false, print = false, compact = false, canonical = false, ast_only = false,
         warnings = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, cmd_parse_shortopts, cmd_parse_longopts, NULL)) != -1) {
        switch (c) {
        case 'f': file = optarg; break;
        case 'j': json = true; break;
        case 'c': compact = true; break;
        case 'p': print = true; break;
        case 'C': canonical = true; break;
        case 'a': ast_only = true; break;
        case 'w': warnings = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return HOIST_EUSAGE;
        }
    }
    if (optind < argc) {
        if (file)
            return cli_usage_error("parse", "give the Dockerfile once (-f or a path, not both)");
        file = argv[optind++];
    }
    if (optind < argc)
        return cli_usage_error("parse", "unexpected argument '%s'", argv[optind]);
    if (json && print)
        return cli_usage_error("parse", "--json and --print are exclusive");
    if (!file)
        file = "Dockerfile";

    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_parse_options opts = HOIST_DF_PARSE_OPTIONS_INIT;
    opts.flags = ast_only ? HOIST_DF_PARSE_AST_ONLY : 0;
    hoist_dockerfile *df = NULL;
    int rc;
    if (!strcmp(file, "-")) {
        char *data = NULL;
        size_t len = 0;
        if (read_stdin(&data, &len) != 0) {
            hoist_error_set(&err, HOIST_EINPUT, "cannot read the Dockerfile from stdin");
            return cli_report("parse", &err);
        }
        opts.filename = "<stdin>";
        rc = hoist_dockerfile_parse(data, len, &opts, &df, &err);
        free(data);
    } else {
        rc = hoist_dockerfile_parse_file(file, &opts, &df, &err);
    }
    if (rc)
        return cli_report("parse", &err);

    if (warnings)
        for (size_t i = 0; i < hoist_dockerfile_warning_count(df); i++) {
            const hoist_df_warning *w = hoist_dockerfile_warning(df, i);
            fprintf(stderr, "hoist parse: warning: %s:%d: %s\n", file, w->range.start.line, w->message);
        }

    if (print) {
        hoist_df_print_options po = HOIST_DF_PRINT_OPTIONS_INIT;
        if (canonical)
            po.flags |= HOIST_DF_PRINT_CANONICAL;
        char *text = NULL;
        size_t len = 0;
        rc = hoist_dockerfile_print(df, &po, &text, &len, &err);
        if (rc == 0 && fwrite(text, 1, len, stdout) != len)
            rc = hoist_error_set(&err, HOIST_EFAILED, "cannot write output");
        free(text);
    } else {
        rc = hoist_dockerfile_write_json(df, stdout, !compact, &err);
    }
    hoist_dockerfile_free(df);
    if (rc)
        return cli_report("parse", &err);
    return fflush(stdout) == 0 ? 0 : HOIST_EFAILED;
}
