/*
 * cmd_context.c - `hoist context`: show, explain and stream the build
 * context that `docker build` would send.
 *
 *   hoist context [PATH] [-f DOCKERFILE] [--list | --stats [--json] |
 *                 --explain FILE [--json] | --tar FILE|- [--gzip]]
 *
 * --list prints one tar entry per line in tar order (directories end with
 * '/'); --stats (the default) sums up what is sent, the largest files and
 * directories, and what each ignore line excluded; --explain says whether a
 * path is sent and which ignore line decided; --tar writes the exact
 * stream. Everything goes through libhoist's public context API.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define TOP_N 10

enum mode { MODE_STATS, MODE_LIST, MODE_EXPLAIN, MODE_TAR };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hoist context [PATH] [-f DOCKERFILE] [--list | --stats [--json] |\n"
            "                     --explain FILE [--json] | --tar FILE|- [--gzip]]\n\n"
            "Show exactly what `docker build PATH` would send as its build context.\n\n"
            "  -f, --file DOCKERFILE  Dockerfile (relative to the current directory, as with docker)\n"
            "      --list             one line per tar entry, in tar order; directories end in '/'\n"
            "      --stats            counts, sizes, largest files and directories, and what each\n"
            "                         ignore-file line excluded (default)\n"
            "      --explain FILE     is FILE sent, and which ignore-file line decided\n"
            "      --json             machine-readable output for --stats and --explain\n"
            "      --tar FILE|-       write the exact tar stream docker would upload\n"
            "      --gzip             compress the --tar output with gzip\n"
            "  -h, --help             this help\n\n"
            "The ignore file is <Dockerfile>.dockerignore when it exists, else PATH/.dockerignore.\n"
            "Exit codes: 0 ok, 2 usage, 4 invalid input (bad context path, Dockerfile,\n"
            ".dockerignore syntax, unreadable file).\n");
}

static void print_note(const char *path, const char *message, void *user)
{
    json_t *notes = user;
    if (notes) {
        json_array_append_new(notes, json_pack("{s:s, s:s}", "path", path, "message", message));
        return;
    }
    fprintf(stderr, "hoist context: note: %s: %s\n", path, message);
}

static void print_name(FILE *out, const hoist_context_entry *e)
{
    fputs(e->name, out);
    if (e->type == HOIST_ENTRY_DIR)
        fputc('/', out);
    fputc('\n', out);
}

static int run_list(hoist_context *ctx, hoist_error *err)
{
    hoist_context_iter *it = NULL;
    int rc = hoist_context_iter_new(&it, ctx, 0, err);
    if (rc)
        return rc;
    const hoist_context_entry *e;
    while (!(rc = hoist_context_iter_next(it, &e, err)) && e)
        print_name(stdout, e);
    hoist_context_iter_free(it);
    if (fflush(stdout) != 0 && !rc)
        rc = hoist_error_set(err, HOIST_EFAILED, "writing the list: %s", strerror(errno));
    return rc;
}

/* ---- --stats ---- */

typedef struct ranked {
    char *path;
    uint64_t bytes;
} ranked;

typedef struct top_list {
    ranked items[TOP_N];
    size_t n;
} top_list;

static void top_add(top_list *t, const char *path, uint64_t bytes)
{
    if (t->n == TOP_N && bytes <= t->items[TOP_N - 1].bytes)
        return;
    size_t at = t->n < TOP_N ? t->n++ : TOP_N - 1;
    free(t->items[at].path);
    t->items[at].path = strdup(path);
    t->items[at].bytes = bytes;
    while (at > 0 && t->items[at].bytes > t->items[at - 1].bytes) {
        ranked tmp = t->items[at];
        t->items[at] = t->items[at - 1];
        t->items[at - 1] = tmp;
        at--;
    }
}

static void top_clear(top_list *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].path);
    t->n = 0;
}

/* Open directories of the entry being counted: their sizes accumulate and
 * are ranked when the walk leaves them (entries come depth first). */
typedef struct dir_stack {
    char *path;           /* "a/b" */
    size_t *ends;         /* end offset of each open level in path */
    uint64_t *bytes;
    size_t depth, cap, path_cap;
} dir_stack;

static void dirs_pop(dir_stack *d, top_list *top)
{
    d->depth--;
    size_t end = d->ends[d->depth];
    char saved = d->path[end];
    d->path[end] = '\0';
    top_add(top, d->path, d->bytes[d->depth]);
    d->path[end] = saved;
    if (d->depth > 0)
        d->bytes[d->depth - 1] += d->bytes[d->depth];
}

/* Make the open levels equal to the parent directories of `name`. */
static int dirs_enter(dir_stack *d, const char *name, top_list *top)
{
    const char *slash = strrchr(name, '/');
    size_t plen = slash ? (size_t)(slash - name) : 0;
    /* pop levels that are not a prefix of name's parent */
    while (d->depth > 0) {
        size_t end = d->ends[d->depth - 1];
        if (end <= plen && !strncmp(d->path, name, end) && (end == plen || name[end] == '/'))
            break;
        dirs_pop(d, top);
    }
    size_t have = d->depth ? d->ends[d->depth - 1] : 0;
    while (have < plen) {
        size_t next = have + (have ? 1 : 0);
        const char *s = memchr(name + next, '/', plen - next);
        size_t end = s ? (size_t)(s - name) : plen;
        if (d->depth == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 32;
            d->ends = realloc(d->ends, d->cap * sizeof(*d->ends));
            d->bytes = realloc(d->bytes, d->cap * sizeof(*d->bytes));
            if (!d->ends || !d->bytes)
                return -1;
        }
        if (end + 1 > d->path_cap) {
            d->path_cap = (end + 1) * 2;
            if (!(d->path = realloc(d->path, d->path_cap)))
                return -1;
        }
        memcpy(d->path, name, end);
        d->path[end] = '\0';
        d->ends[d->depth] = end;
        d->bytes[d->depth] = 0;
        d->depth++;
        have = end;
    }
    return 0;
}

typedef struct pattern_count {
    uint64_t files, bytes;
} pattern_count;

static json_t *top_json(const top_list *t)
{
    json_t *a = json_array();
    for (size_t i = 0; i < t->n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I}", "path", t->items[i].path, "bytes",
                                           (json_int_t)t->items[i].bytes));
    return a;
}

static void human(uint64_t b, char *buf, size_t len)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    size_t u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%llu B", (unsigned long long)b);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
}

static int run_stats(hoist_context *ctx, bool as_json, json_t *notes, hoist_error *err)
{
    const hoist_ignore *ig = hoist_context_ignore(ctx);
    size_t npat = hoist_ignore_count(ig);
    pattern_count *counts = calloc(npat + 1, sizeof(*counts));
    if (!counts)
        return hoist_error_set(err, HOIST_EFAILED, "out of memory");
    uint64_t entries = 0, files = 0, dirs = 0, links = 0, bytes = 0, ex_files = 0, ex_bytes = 0;
    top_list top_files = {0}, top_dirs = {0};
    dir_stack ds = {0};
    hoist_context_iter *it = NULL;
    int rc = hoist_context_iter_new(&it, ctx, HOIST_ITER_EXCLUDED, err);
    const hoist_context_entry *e;
    while (!rc && !(rc = hoist_context_iter_next(it, &e, err)) && e) {
        if (!e->sent) {
            if (e->type != HOIST_ENTRY_DIR) {
                ex_files++;
                ex_bytes += e->size;
                if (e->pattern >= 0) {
                    counts[e->pattern].files++;
                    counts[e->pattern].bytes += e->size;
                }
            }
            continue;
        }
        entries++;
        if (e->type == HOIST_ENTRY_DIR)
            dirs++;
        else if (e->type == HOIST_ENTRY_SYMLINK || e->type == HOIST_ENTRY_HARDLINK)
            links++;
        else
            files++;
        bytes += e->size;
        if (e->type == HOIST_ENTRY_FILE) {
            top_add(&top_files, e->name, e->size);
            if (dirs_enter(&ds, e->name, &top_dirs) < 0) {
                rc = hoist_error_set(err, HOIST_EFAILED, "out of memory");
                break;
            }
            if (ds.depth)
                ds.bytes[ds.depth - 1] += e->size;
        }
    }
    while (ds.depth)
        dirs_pop(&ds, &top_dirs);
    free(ds.path);
    free(ds.ends);
    free(ds.bytes);
    hoist_context_iter_free(it);

    if (!rc) {
        const char *ignore_file = hoist_context_ignore_file(ctx);
        const char *dockerfile = hoist_context_dockerfile(ctx);
        if (as_json) {
            json_t *pats = json_array();
            for (size_t i = 0; i < npat; i++) {
                hoist_ignore_pattern_info info;
                hoist_ignore_get(ig, i, &info);
                json_array_append_new(
                    pats, json_pack("{s:s, s:i, s:s, s:s, s:b, s:I, s:I}", "file", info.file,
                                    "line", info.line, "source", info.source, "pattern",
                                    info.pattern, "exception", info.exception, "excluded_files",
                                    (json_int_t)counts[i].files, "excluded_bytes",
                                    (json_int_t)counts[i].bytes));
            }
            json_t *root = json_pack(
                "{s:s, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:O?}",
                "context", hoist_context_dir(ctx), "dockerfile", dockerfile, "dockerfile_path",
                hoist_context_dockerfile_path(ctx), "ignore_file", ignore_file, "entries",
                (json_int_t)entries, "files", (json_int_t)files, "directories", (json_int_t)dirs,
                "links", (json_int_t)links, "bytes", (json_int_t)bytes, "excluded_files",
                (json_int_t)ex_files, "excluded_bytes", (json_int_t)ex_bytes, "largest_files",
                top_json(&top_files), "largest_directories", top_json(&top_dirs), "patterns", pats,
                "notes", notes);
            json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            fputc('\n', stdout);
            json_decref(root);
        } else {
            char hb[32];
            human(bytes, hb, sizeof(hb));
            printf("context:     %s\n", hoist_context_dir(ctx));
            printf("dockerfile:  %s\n", dockerfile ? dockerfile : "(none)");
            printf("ignore file: %s\n", ignore_file ? ignore_file : "(none)");
            printf("sent:        %llu entries (%llu files, %llu directories, %llu links), %s\n",
                   (unsigned long long)entries, (unsigned long long)files,
                   (unsigned long long)dirs, (unsigned long long)links, hb);
            human(ex_bytes, hb, sizeof(hb));
            printf("excluded:    %llu files, %s\n", (unsigned long long)ex_files, hb);
            if (top_files.n) {
                printf("\nlargest files:\n");
                for (size_t i = 0; i < top_files.n; i++) {
                    human(top_files.items[i].bytes, hb, sizeof(hb));
                    printf("  %10s  %s\n", hb, top_files.items[i].path);
                }
            }
            if (top_dirs.n) {
                printf("\nlargest directories (sent bytes):\n");
                for (size_t i = 0; i < top_dirs.n; i++) {
                    human(top_dirs.items[i].bytes, hb, sizeof(hb));
                    printf("  %10s  %s/\n", hb, top_dirs.items[i].path);
                }
            }
            if (npat) {
                printf("\nignore lines:\n");
                for (size_t i = 0; i < npat; i++) {
                    hoist_ignore_pattern_info info;
                    hoist_ignore_get(ig, i, &info);
                    human(counts[i].bytes, hb, sizeof(hb));
                    if (info.line > 0)
                        printf("  %s:%d: %-30s ", info.file, info.line, info.source);
                    else
                        printf("  %s: %-30s ", info.file, info.source);
                    if (info.exception)
                        printf("(exception)\n");
                    else
                        printf("excluded %llu files, %s\n", (unsigned long long)counts[i].files, hb);
                }
            }
        }
    }
    top_clear(&top_files);
    top_clear(&top_dirs);
    free(counts);
    return rc;
}

/* ---- --explain ---- */

static const char *type_name(hoist_entry_type t)
{
    switch (t) {
    case HOIST_ENTRY_FILE: return "file";
    case HOIST_ENTRY_DIR: return "directory";
    case HOIST_ENTRY_SYMLINK: return "symlink";
    case HOIST_ENTRY_HARDLINK: return "hard link";
    case HOIST_ENTRY_CHAR: return "character device";
    case HOIST_ENTRY_BLOCK: return "block device";
    case HOIST_ENTRY_FIFO: return "fifo";
    case HOIST_ENTRY_SOCKET: return "socket";
    }
    return "entry";
}

static int run_explain(hoist_context *ctx, const char *path, bool as_json, hoist_error *err)
{
    hoist_context_explanation ex;
    int rc = hoist_context_explain(ctx, path, &ex, err);
    if (rc)
        return rc;
    hoist_ignore_pattern_info info = {0};
    bool have = ex.pattern >= 0 &&
                hoist_ignore_get(hoist_context_ignore(ctx), (size_t)ex.pattern, &info) == 0;
    char where[1200] = "";
    if (have) {
        if (info.line > 0)
            snprintf(where, sizeof(where), "%s:%d: %s", info.file, info.line, info.source);
        else
            snprintf(where, sizeof(where), "%s %s", info.file, info.source);
    }
    char reason[2048];
    if (ex.generated)
        snprintf(reason, sizeof(reason), "the Dockerfile lies outside the context, so it is "
                                         "added under this generated name");
    else if (ex.via_symlink)
        snprintf(reason, sizeof(reason), "'%s' is a symlink: it is sent as a link and never "
                                         "followed, so nothing below it is sent", ex.via);
    else if (ex.via[0])
        snprintf(reason, sizeof(reason), "its directory '%s' is excluded by %s, and no exception "
                                         "names anything inside it, so it is not walked", ex.via, where);
    else if (ex.sent && ex.always_sent)
        snprintf(reason, sizeof(reason), "always sent: the docker CLI keeps the Dockerfile and "
                                         ".dockerignore even when ignored (%s)", where);
    else if (ex.sent && have)
        snprintf(reason, sizeof(reason), "re-included by %s", where);
    else if (ex.sent)
        snprintf(reason, sizeof(reason), "no ignore pattern matches it");
    else if (have)
        snprintf(reason, sizeof(reason), "excluded by %s", where);
    else
        snprintf(reason, sizeof(reason), "%ss are never sent", type_name(ex.type));
    if (ex.sent && ex.walked_excluded && !ex.via[0] && !ex.generated)
        strncat(reason, " (an excluded parent directory is still walked because an exception "
                        "names something inside it; that directory's own entry is not sent)",
                sizeof(reason) - strlen(reason) - 1);
    if (as_json) {
        json_t *o = json_pack("{s:s, s:b, s:b, s:s?, s:s?, s:i, s:s?, s:s}", "path", path, "sent",
                              ex.sent, "exists", ex.exists,
                              "type", ex.exists ? type_name(ex.type) : NULL, "ignore_file",
                              have ? info.file : NULL, "line", have ? info.line : 0, "pattern",
                              have ? info.source : NULL, "reason", reason);
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    } else {
        printf("%s: %s%s\n", path, ex.sent ? "sent" : "NOT sent",
               ex.exists ? "" : " (does not exist; this is what would happen if it did)");
        printf("  %s\n", reason);
    }
    return 0;
}

/* ---- --tar ---- */

static int run_tar(hoist_context *ctx, const char *dest, bool gzip, hoist_error *err)
{
    hoist_tar_options opts = HOIST_TAR_OPTIONS_INIT;
    opts.gzip = gzip;
    if (!strcmp(dest, "-")) {
        if (isatty(STDOUT_FILENO)) {
            hoist_error_set(err, HOIST_EUSAGE, "refusing to write a tar stream to a terminal");
            return hoist_error_hint(err, "redirect stdout or use --tar FILE");
        }
        return hoist_context_write_tar_fd(ctx, &opts, STDOUT_FILENO, err);
    }
    /* A device, fifo or socket (/dev/stdout, a named pipe) is written to
     * directly, and never removed. */
    struct stat st;
    if (stat(dest, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        int fd = open(dest, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            hoist_error_set(err, HOIST_EINPUT, "cannot open %s: %s", dest, strerror(errno));
            return hoist_error_hint(err, "check that it is writable");
        }
        int rc = hoist_context_write_tar_fd(ctx, &opts, fd, err);
        if (close(fd) < 0 && !rc)
            rc = hoist_error_set(err, HOIST_EFAILED, "writing %s: %s", dest, strerror(errno));
        return rc;
    }
    /* Write beside the destination and rename at the end: a full disk, an
     * unreadable file or a signal never leaves a partial tar, nor destroys
     * the FILE that was there. */
    size_t tlen = strlen(dest) + 16;
    char *tmp = malloc(tlen);
    if (!tmp)
        return hoist_error_set(err, HOIST_EFAILED, "out of memory");
    snprintf(tmp, tlen, "%s.XXXXXX", dest);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        hoist_error_set(err, HOIST_EINPUT, "cannot create %s: %s", dest, strerror(errno));
        free(tmp);
        return hoist_error_hint(err, "check that the directory exists and is writable");
    }
    cli_signals_temp_file(tmp);
    mode_t mask = umask(0);
    umask(mask);
    int rc = hoist_context_write_tar_fd(ctx, &opts, fd, err);
    if (!rc && fchmod(fd, 0666 & ~mask) < 0)
        rc = hoist_error_set(err, HOIST_EFAILED, "writing %s: %s", dest, strerror(errno));
    if (!rc && fsync(fd) < 0)
        rc = hoist_error_set(err, HOIST_EFAILED, "writing %s: %s", dest, strerror(errno));
    if (close(fd) < 0 && !rc)
        rc = hoist_error_set(err, HOIST_EFAILED, "writing %s: %s", dest, strerror(errno));
    if (!rc && rename(tmp, dest) < 0)
        rc = hoist_error_set(err, HOIST_EFAILED, "cannot rename the tar to %s: %s", dest, strerror(errno));
    if (rc)
        unlink(tmp); /* never leave a truncated tar behind */
    cli_signals_temp_file(NULL);
    free(tmp);
    return rc;
}

/* The flags getopt_long parses; `hoist completion` reads the same table. */
const struct option cmd_context_longopts[] = {
    {"file", required_argument, NULL, 'f'}, {"list", no_argument, NULL, 'l'},
    {"stats", no_argument, NULL, 's'},      {"explain", required_argument, NULL, 'e'},
    {"json", no_argument, NULL, 'j'},       {"tar", required_argument, NULL, 't'},
    {"gzip", no_argument, NULL, 'z'},       {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};
const char cmd_context_shortopts[] = "f:h";

int cmd_context(int argc, char **argv)
{
    const char *dockerfile = NULL, *explain = NULL, *tar = NULL;
    bool json = false, gzip = false;
    int modes = 0;
    enum mode mode = MODE_STATS;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, cmd_context_shortopts, cmd_context_longopts, NULL)) != -1) {
        switch (c) {
        case 'f': dockerfile = optarg; break;
        case 'l': mode = MODE_LIST; modes++; break;
        case 's': mode = MODE_STATS; modes++; break;
        case 'e': mode = MODE_EXPLAIN; explain = optarg; modes++; break;
        case 't': mode = MODE_TAR; tar = optarg; modes++; break;
        case 'j': json = true; break;
        case 'z': gzip = true; break;
        case 'h': usage(stdout); return 0;
        default:
            if (optopt)
                return cli_usage_error("context", "option '%s' needs a value or is unknown",
                                       argv[optind - 1]);
            return cli_usage_error("context", "unknown option '%s'", argv[optind - 1]);
        }
    }
    const char *dir = ".";
    if (optind < argc)
        dir = argv[optind++];
    if (optind < argc)
        return cli_usage_error("context", "unexpected argument '%s' (one context PATH only)",
                               argv[optind]);
    if (modes > 1)
        return cli_usage_error("context", "--list, --stats, --explain and --tar are exclusive");
    if (gzip && mode != MODE_TAR)
        return cli_usage_error("context", "--gzip only applies to --tar");
    if (json && mode != MODE_STATS && mode != MODE_EXPLAIN)
        return cli_usage_error("context", "--json applies to --stats and --explain");

    json_t *notes = json && mode == MODE_STATS ? json_array() : NULL;
    hoist_context_options opts = HOIST_CONTEXT_OPTIONS_INIT;
    opts.dockerfile = dockerfile;
    opts.dockerfile_optional = true;
    opts.on_note = print_note;
    opts.note_user = notes;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_context *ctx = NULL;
    int rc = hoist_context_open(&ctx, dir, &opts, &err);
    if (!rc && !hoist_context_dockerfile(ctx) && mode != MODE_EXPLAIN)
        fprintf(stderr, "hoist context: note: no Dockerfile in %s; docker build would stop "
                        "here (pass one with -f)\n", hoist_context_dir(ctx));
    if (!rc && (mode == MODE_LIST || mode == MODE_TAR) && hoist_context_ignore_file(ctx))
        fprintf(stderr, "hoist context: using ignore file %s\n", hoist_context_ignore_file(ctx));
    if (!rc) {
        switch (mode) {
        case MODE_LIST: rc = run_list(ctx, &err); break;
        case MODE_STATS: rc = run_stats(ctx, json, notes, &err); break;
        case MODE_EXPLAIN: rc = run_explain(ctx, explain, json, &err); break;
        case MODE_TAR: rc = run_tar(ctx, tar, gzip, &err); break;
        }
    }
    hoist_context_free(ctx);
    json_decref(notes);
    if (rc)
        return cli_report("context", &err);
    return 0;
}
