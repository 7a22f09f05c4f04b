/*
 * cmd_check.c - `hoist check`: lint Dockerfiles together with their build
 * context.
 *
 *   hoist check [options] [PATH...]
 *
 * PATH is a context directory (its Dockerfile, or -f, is checked together
 * with the context), a Dockerfile (checked alone, or with --context DIR), or
 * `-` for a Dockerfile on standard input; the default is the current
 * directory; a directory's Dockerfile is found as docker does
 * (hoist_context_default_dockerfile: Dockerfile, else dockerfile). The
 * configuration is --config FILE, else .hoist.yaml in the context directory
 * (or the current directory), found by hoist_lint_config_discover as the
 * check of `hoist build` does; --ignore, --failure-threshold
 * and --trusted-registry are applied on top of it. Findings of every PATH go
 * into one report. Exit: 0 below the threshold, 1 at or above it, 2 usage,
 * 4 when a Dockerfile (or config, or context) is invalid.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hoist check [options] [PATH...]\n\n"
            "Lint Dockerfiles together with their build context: hadolint's DL rules,\n"
            "BuildKit's build checks, hoist's context rules (HS) and ShellCheck.\n\n"
            "PATH is a context directory (checked with its Dockerfile), a Dockerfile, or -\n"
            "for standard input. Default: the current directory.\n\n"
            "  -f, --file DOCKERFILE        Dockerfile for a context directory PATH\n"
            "      --context DIR            check a Dockerfile PATH together with context DIR\n"
            "      --no-context             do not look at the build context\n"
            "      --format FORMAT          tty (default), json, sarif, checkstyle, gnu,\n"
            "                               codeclimate (GitLab code quality; alias gitlab)\n"
            "      --config FILE            configuration (default: .hoist.yaml in the context)\n"
            "      --ignore ID              do not report rule ID (repeatable)\n"
            "      --failure-threshold LVL  error (default), warning, info, style, none\n"
            "      --trusted-registry REG   allowed registry for FROM (repeatable, DL3026)\n"
            "      --no-shellcheck          do not run shellcheck on RUN instructions\n"
            "      --no-cache               do not use the cache of ShellCheck verdicts\n"
            "                               ($XDG_CACHE_HOME/hoist; also HOIST_NO_CACHE=1)\n"
            "      --no-color               no colours in tty output (also NO_COLOR)\n"
            "      --explain ID             explain a rule and how to fix what it reports\n"
            "      --list-rules             list every rule with its default severity\n"
            "                               (--format json: with the explanations)\n"
            "  -h, --help                   this help\n\n"
            "Pragmas: '# hoist ignore=ID,...' (or '# hadolint ignore=...') before an\n"
            "instruction, '# hoist global ignore=...', and BuildKit's '# check=skip=...'.\n"
            "Exit codes: 0 below the threshold, 1 findings at or above it, 2 usage,\n"
            "4 invalid input (unreadable Dockerfile, bad config or context). A Dockerfile\n"
            "BuildKit would reject is still checked: the rejection is finding DL1000.\n");
}

typedef struct source {
    char *name;
    char *text;
    size_t len;
} source;

static int read_all(FILE *f, char **out, size_t *len)
{
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
    }
    if (ferror(f)) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static int explain(const char *id)
{
    const hoist_lint_rule_info *r = hoist_lint_rule_find(id);
    if (!r) {
        fprintf(stderr, "hoist check: unknown rule '%s'\n", id);
        fprintf(stderr, "hint: run 'hoist check --list-rules' to see the rule IDs\n");
        return HOIST_EUSAGE;
    }
    printf("%s (%s, default severity %s)\n\n%s\n\n%s\n", r->id, r->source,
           r->severity == HOIST_LINT_OFF ? "off (opt-in)" : hoist_lint_severity_name(r->severity),
           r->title, r->explanation);
    return 0;
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void list_rules(bool json)
{
    if (json) {
        printf("[");
        for (size_t i = 0; i < hoist_lint_rule_count(); i++) {
            const hoist_lint_rule_info *r = hoist_lint_rule_at(i);
            printf("%s\n  {\"id\": ", i ? "," : "");
            json_string(r->id);
            printf(", \"source\": \"%s\", \"severity\": \"%s\", \"title\": ", r->source,
                   hoist_lint_severity_name(r->severity));
            json_string(r->title);
            printf(", \"explanation\": ");
            json_string(r->explanation);
            printf("}");
        }
        printf("\n]\n");
        return;
    }
    for (size_t i = 0; i < hoist_lint_rule_count(); i++) {
        const hoist_lint_rule_info *r = hoist_lint_rule_at(i);
        printf("%-32s %-9s %-8s %s\n", r->id, r->source, hoist_lint_severity_name(r->severity),
               r->title);
    }
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

enum { OPT_CONTEXT = 256, OPT_NO_CONTEXT, OPT_FORMAT, OPT_CONFIG, OPT_IGNORE, OPT_THRESHOLD,
       OPT_TRUSTED, OPT_NO_SC, OPT_NO_SC_CACHE, OPT_NO_COLOR, OPT_EXPLAIN, OPT_LIST };
/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_check_longopts[] = {
    {"file", required_argument, NULL, 'f'},
    {"context", required_argument, NULL, OPT_CONTEXT},
    {"no-context", no_argument, NULL, OPT_NO_CONTEXT},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"ignore", required_argument, NULL, OPT_IGNORE},
    {"failure-threshold", required_argument, NULL, OPT_THRESHOLD},
    {"trusted-registry", required_argument, NULL, OPT_TRUSTED},
    {"no-shellcheck", no_argument, NULL, OPT_NO_SC},
    {"no-cache", no_argument, NULL, OPT_NO_SC_CACHE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"list-rules", no_argument, NULL, OPT_LIST},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_check_shortopts[] = "f:h";

int cmd_check(int argc, char **argv)
{
    const char *file = NULL, *context = NULL, *config_path = NULL;
    const char *threshold_arg = NULL;
    bool no_context = false, no_sc = false, no_color = false, list = false, no_cache = false;
    hoist_lint_format format = HOIST_LINT_FORMAT_TTY;
    const char **ignores = calloc((size_t)argc + 1, sizeof(char *));
    const char **trusted = calloc((size_t)argc + 1, sizeof(char *));
    size_t n_ignores = 0, n_trusted = 0;
    int rc = 0;
    if (!ignores || !trusted) {
        free(ignores);
        free(trusted);
        return HOIST_EFAILED;
    }
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, cmd_check_shortopts, cmd_check_longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            file = optarg;
            break;
        case OPT_CONTEXT:
            context = optarg;
            break;
        case OPT_NO_CONTEXT:
            no_context = true;
            break;
        case OPT_FORMAT:
            if (hoist_lint_format_parse(optarg, &format) < 0)
                rc = cli_usage_error("check", "unknown format '%s' (tty, json, sarif, "
                                              "checkstyle, gnu, codeclimate)", optarg);
            break;
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_IGNORE:
            ignores[n_ignores++] = optarg;
            break;
        case OPT_THRESHOLD:
            threshold_arg = optarg;
            break;
        case OPT_TRUSTED:
            trusted[n_trusted++] = optarg;
            break;
        case OPT_NO_SC:
            no_sc = true;
            break;
        case OPT_NO_SC_CACHE:
            no_cache = true;
            break;
        case OPT_NO_COLOR:
            no_color = true;
            break;
        case OPT_EXPLAIN:
            free(ignores);
            free(trusted);
            return explain(optarg);
        case OPT_LIST:
            list = true;
            break;
        case 'h':
            free(ignores);
            free(trusted);
            usage(stdout);
            return 0;
        default:
            rc = HOIST_EUSAGE;
            fprintf(stderr, "Try 'hoist check --help'.\n");
        }
        if (rc)
            break;
    }
    if (!rc && list) {
        free(ignores);
        free(trusted);
        list_rules(format == HOIST_LINT_FORMAT_JSON);
        return 0;
    }
    hoist_lint_severity threshold = HOIST_LINT_ERROR;
    if (!rc && threshold_arg && (hoist_lint_severity_parse(threshold_arg, &threshold) < 0))
        rc = cli_usage_error("check", "unknown failure threshold '%s' (error, warning, info, "
                                      "style, none)", threshold_arg);
    if (rc) {
        free(ignores);
        free(trusted);
        return rc;
    }

    /* Work list: (dockerfile, context) pairs. */
    int npaths = argc - optind;
    const char *default_path = ".";
    char **paths = argv + optind;
    if (npaths == 0) {
        paths = (char **)&default_path;
        npaths = 1;
    }

    /* Configuration: --config, else .hoist.yaml of the first context. */
    hoist_error err = HOIST_ERROR_INIT;
    hoist_lint_config *cfg = NULL;
    const char *first_ctx = context ? context : (is_dir(paths[0]) ? paths[0] : ".");
    rc = hoist_lint_config_discover(config_path, first_ctx, &cfg, &err);
    for (size_t i = 0; !rc && i < n_ignores; i++) {
        /* Accept comma-separated lists too. */
        char *dup = strdup(ignores[i]), *save = NULL;
        for (char *id = dup ? strtok_r(dup, ", ", &save) : NULL; id && !rc;
             id = strtok_r(NULL, ", ", &save))
            rc = hoist_lint_config_ignore(cfg, id, &err);
        free(dup);
    }
    for (size_t i = 0; !rc && i < n_trusted; i++)
        rc = hoist_lint_config_add_trusted_registry(cfg, trusted[i], &err);
    free(ignores);
    free(trusted);
    if (rc) {
        hoist_lint_config_free(cfg);
        return cli_report("check", &err);
    }
    if (threshold_arg)
        hoist_lint_config_set_threshold(cfg, threshold);
    threshold = hoist_lint_config_threshold(cfg);

    hoist_lint_result *all = NULL;
    if (hoist_lint_result_new(&all, &err)) {
        hoist_lint_config_free(cfg);
        return cli_report("check", &err);
    }
    source *sources = calloc((size_t)npaths, sizeof(source));
    size_t nsources = 0;
    int input_error = 0;

    for (int p = 0; p < npaths && sources; p++) {
        const char *path = paths[p];
        char dfbuf[4096];
        const char *dockerfile = NULL, *ctxdir = NULL;
        if (strcmp(path, "-") && is_dir(path)) {
            ctxdir = path;
            if (file) {
                dockerfile = file;
            } else {
                char *found = hoist_context_default_dockerfile(path);
                snprintf(dfbuf, sizeof(dfbuf), "%s", found ? found : path);
                free(found);
                dockerfile = dfbuf;
            }
        } else {
            dockerfile = path;
            ctxdir = context;
        }
        if (no_context)
            ctxdir = NULL;

        /* Read the Dockerfile. */
        source *src = &sources[nsources];
        FILE *f = strcmp(dockerfile, "-") ? fopen(dockerfile, "rb") : stdin;
        if (!f || read_all(f, &src->text, &src->len) < 0) {
            hoist_error_set(&err, HOIST_EINPUT, "cannot read %s: %s", dockerfile,
                            strerror(errno ? errno : EIO));
            hoist_error_hint(&err, "give the path of a Dockerfile or of a context directory");
            cli_report("check", &err);
            if (f && f != stdin)
                fclose(f);
            input_error = HOIST_EINPUT;
            continue;
        }
        if (f != stdin)
            fclose(f);
        src->name = strdup(strcmp(dockerfile, "-") ? dockerfile : "<stdin>");
        nsources++;

        /* A file BuildKit rejects (no FROM, an unknown instruction, a bad
         * flag, a syntax error) is a DL1000 finding; the rest of it is
         * still checked. */
        hoist_lint_options lo = HOIST_LINT_OPTIONS_INIT;
        lo.dockerfile = src->name;
        lo.context_dir = ctxdir;
        lo.config = cfg;
        if (no_sc)
            lo.flags |= HOIST_LINT_NO_SHELLCHECK;
        if (no_cache)
            lo.flags |= HOIST_LINT_NO_CACHE;
        hoist_lint_result *res = NULL;
        hoist_error_clear(&err);
        int lrc = hoist_lint_text(src->text, src->len, &lo, &res, &err);
        if (lrc) {
            cli_report("check", &err);
            input_error = lrc == HOIST_EINPUT ? HOIST_EINPUT : (input_error ? input_error : lrc);
            continue;
        }
        hoist_lint_result_merge(all, res, &err);
        hoist_lint_result_free(res);
        /* Only the tty format shows source lines: keep the text for it. */
        if (format != HOIST_LINT_FORMAT_TTY) {
            free(src->text);
            src->text = NULL;
            src->len = 0;
        }
    }

    hoist_lint_source *views = calloc(nsources + 1, sizeof(*views));
    for (size_t i = 0; views && i < nsources; i++) {
        views[i].file = sources[i].name;
        views[i].text = sources[i].text;
        views[i].len = sources[i].len;
    }
    hoist_lint_write_options wo = HOIST_LINT_WRITE_OPTIONS_INIT;
    wo.color = !no_color && cli_use_color(stdout);
    wo.sources = views;
    wo.source_count = views ? nsources : 0;
    hoist_error_clear(&err);
    if (hoist_lint_write(all, format, stdout, &wo, &err))
        rc = cli_report("check", &err);
    /* Notes go to stderr for machine formats so stdout stays parseable. */
    if (format != HOIST_LINT_FORMAT_TTY)
        for (size_t i = 0; i < hoist_lint_result_note_count(all); i++)
            fprintf(stderr, "hoist check: note: %s\n", hoist_lint_result_note(all, i));
    fflush(stdout);

    if (!rc)
        rc = input_error ? input_error : (hoist_lint_result_fails(all, threshold) ? HOIST_EFAILED : 0);
    free(views);
    for (size_t i = 0; i < nsources; i++) {
        free(sources[i].name);
        free(sources[i].text);
    }
    free(sources);
    hoist_lint_result_free(all);
    hoist_lint_config_free(cfg);
    return rc;
}
