/*
 * test_conformance.c - hoist's Dockerfile parser against BuildKit's own
 * output on the shared corpus (../shared/conformance/dockerfile, outside the
 * repository: NAME.Dockerfile + NAME.expected.json written by BuildKit
 * v0.32.2, see ../shared/conformance/README.md).
 *
 * For every file the parser runs twice: AST only (BuildKit's parser.Parse)
 * and full (instructions.Parse). Compared: directives, escape, every node
 * (value, flags, next, heredocs, start/end line, original, prev_comment,
 * the "json" attribute, the ONBUILD trigger), warnings, the parse error
 * (hoist's message must contain BuildKit's, the line must be equal), then the
 * instructions layer's error, stages (name, base, platform, line) and
 * meta-ARG names.
 *
 * Every difference is named "FILE FIELD" (FIELD like nodes[3].next or
 * parse_error.line). It must be listed in
 * tests/data/dockerfile/conformance-deviations.txt with a key that
 * docs/ast-json.md explains under "Differences from BuildKit"; anything
 * else fails, and so does a listed difference that no longer happens.
 *
 * The corpus is looked for in $HOIST_CONFORMANCE_DIR (the folder holding
 * dockerfile/; when set, nowhere else), then ../shared/conformance next to
 * the source tree, then
 * ../../shared/conformance (a git worktree kept one folder deeper). A clone
 * without it runs only the local cases, with a note.
 *
 * Local cases in the same format, tests/data/dockerfile/buildkit/, always
 * run: BuildKit v0.32.2's answers for inputs the shared corpus lacks (issue
 * #14), written by hand from its parser source.
 */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "hoist/dockerfile.h"

#ifndef HOIST_SOURCE_ROOT
#error "HOIST_SOURCE_ROOT must name the source tree"
#endif

#define DEVIATIONS HOIST_SOURCE_ROOT "/tests/data/dockerfile/conformance-deviations.txt"
#define DOC HOIST_SOURCE_ROOT "/docs/ast-json.md"

static char corpus_dir[4096];

static bool find_corpus(void)
{
    /* when set, the variable alone decides (set it to "" to skip) */
    const char *env = getenv("HOIST_CONFORMANCE_DIR");
    const char *cands[] = {env, env ? NULL : HOIST_SOURCE_ROOT "/../shared/conformance",
                           env ? NULL : HOIST_SOURCE_ROOT "/../../shared/conformance"};
    for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
        struct stat st;
        if (!cands[i] || !*cands[i])
            continue;
        snprintf(corpus_dir, sizeof(corpus_dir), "%s/dockerfile", cands[i]);
        if (stat(corpus_dir, &st) == 0 && S_ISDIR(st.st_mode))
            return true;
    }
    return false;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

/* ---- the differences found, and the documented ones ---- */

typedef struct diff {
    char *file;
    char *field;
    bool documented;
    bool seen;
} diff;

typedef struct diff_list {
    diff *v;
    size_t n, cap;
} diff_list;

static diff_list found, allowed;

static void list_add(diff_list *l, const char *file, const char *field)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        assert_non_null(l->v);
    }
    l->v[l->n++] = (diff){strdup(file), strdup(field), false, false};
}

static void list_free(diff_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].file);
        free(l->v[i].field);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static const char *cur_file;

static void differ(const char *field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void differ(const char *field, const char *fmt, ...)
{
    char detail[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    list_add(&found, cur_file, field);
    diff *d = &found.v[found.n - 1];
    for (size_t i = 0; i < allowed.n; i++)
        if (!strcmp(allowed.v[i].file, d->file) && !strcmp(allowed.v[i].field, d->field)) {
            allowed.v[i].seen = true;
            d->documented = true;
        }
    if (!d->documented)
        fprintf(stderr, "UNDOCUMENTED %s %s: %s\n", cur_file, field, detail);
}

/* conformance-deviations.txt: `FILE FIELD KEY reason...`; KEY must appear
 * as `KEY` in the "Differences from BuildKit" section of docs/ast-json.md. */
static void load_allowed(void)
{
    char *text = read_all(DEVIATIONS, NULL);
    assert_non_null(text);
    char *doc = read_all(DOC, NULL);
    assert_non_null(doc);
    const char *section = strstr(doc, "## Differences from BuildKit");
    assert_non_null(section);
    int bad = 0, lineno = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '#' || *line == 0)
            continue;
        char file[512], field[256], key[128];
        int used = 0;
        if (sscanf(line, "%511s %255s %127s %n", file, field, key, &used) != 3 || line[used] == 0) {
            fprintf(stderr, "%s: entry %d needs FILE FIELD KEY REASON: %s\n", DEVIATIONS, lineno, line);
            bad++;
            continue;
        }
        char quoted[140];
        snprintf(quoted, sizeof(quoted), "`%s`", key);
        if (!strstr(section, quoted)) {
            fprintf(stderr, "%s: key %s (%s %s) is not explained in docs/ast-json.md, section "
                            "\"Differences from BuildKit\"\n", DEVIATIONS, key, file, field);
            bad++;
        }
        list_add(&allowed, file, field);
    }
    free(text);
    free(doc);
    assert_int_equal(bad, 0);
}

/* ---- comparisons ---- */

static char *lower_dup(const char *s)
{
    char *d = strdup(s ? s : "");
    for (char *p = d; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return d;
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void cmp_str(const char *field, const char *exp, const char *act)
{
    if (strcmp(exp, act))
        differ(field, "BuildKit \"%s\", hoist \"%s\"", exp, act);
}

static void cmp_int(const char *field, json_int_t exp, long long act)
{
    if (exp != act)
        differ(field, "BuildKit %lld, hoist %lld", (long long)exp, act);
}

static char *dump(json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void cmp_json(const char *field, json_t *exp, json_t *act)
{
    if (!json_equal(exp, act)) {
        char *a = dump(exp), *b = dump(act);
        differ(field, "BuildKit %s, hoist %s", a, b);
        free(a);
        free(b);
    }
    json_decref(act);
}

static json_t *string_n(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    return j ? j : json_string("<invalid UTF-8>");
}

static void cmp_node(const char *path, json_t *en, const hoist_df_instruction *ins, bool trigger)
{
    char f[256];
    char *low = lower_dup(ins->keyword_original);
    snprintf(f, sizeof(f), "%s.value", path);
    char *elow = lower_dup(jstr(en, "value"));
    cmp_str(f, elow, low);
    free(elow);
    free(low);

    json_t *a = json_array();
    for (size_t i = 0; i < ins->flag_count; i++)
        json_array_append_new(a, string_n(ins->flags[i].text, strlen(ins->flags[i].text)));
    snprintf(f, sizeof(f), "%s.flags", path);
    cmp_json(f, json_object_get(en, "flags"), a);

    a = json_array();
    if (ins->kind == HOIST_DF_ENV || ins->kind == HOIST_DF_LABEL) {
        /* BuildKit's Next holds key, value, separator ("=", or "" for the
         * legacy `KEY value` form) per pair; hoist's args hold key, value
         * and the form is `legacy_pairs` (docs: env-label-next) */
        for (size_t i = 0; i < ins->pair_count; i++) {
            json_array_append_new(a, string_n(ins->pairs[i].key, strlen(ins->pairs[i].key)));
            json_array_append_new(a, string_n(ins->pairs[i].value, strlen(ins->pairs[i].value)));
            json_array_append_new(a, json_string(ins->legacy_pairs ? "" : "="));
        }
    } else {
        for (size_t i = 0; i < ins->arg_count; i++)
            json_array_append_new(a, string_n(ins->args[i].value, ins->args[i].len));
    }
    snprintf(f, sizeof(f), "%s.next", path);
    cmp_json(f, json_object_get(en, "next"), a);

    a = json_array();
    for (size_t i = 0; i < ins->heredoc_count; i++) {
        const hoist_df_heredoc *h = &ins->heredocs[i];
        json_array_append_new(a, json_pack("{s:o,s:o,s:b,s:b,s:I}", "name", string_n(h->name, strlen(h->name)),
                                           "content", string_n(h->content, strlen(h->content)), "expand",
                                           h->expand, "chomp", h->strip_tabs, "fd", (json_int_t)h->fd));
    }
    snprintf(f, sizeof(f), "%s.heredocs", path);
    cmp_json(f, json_object_get(en, "heredocs"), a);

    /* BuildKit leaves an ONBUILD trigger's lines at 0 (see docs). */
    if (!trigger) {
        snprintf(f, sizeof(f), "%s.start_line", path);
        cmp_int(f, json_integer_value(json_object_get(en, "start_line")), ins->range.start.line);
        snprintf(f, sizeof(f), "%s.end_line", path);
        cmp_int(f, json_integer_value(json_object_get(en, "end_line")), ins->range.end.line);
    }
    snprintf(f, sizeof(f), "%s.original", path);
    cmp_str(f, jstr(en, "original"), ins->original);

    a = json_array();
    for (size_t i = 0; i < ins->comment_count; i++)
        json_array_append_new(a, string_n(ins->comments[i].text, strlen(ins->comments[i].text)));
    snprintf(f, sizeof(f), "%s.prev_comment", path);
    cmp_json(f, json_object_get(en, "prev_comment"), a);

    a = json_array();
    if (ins->form == HOIST_DF_FORM_EXEC)
        json_array_append_new(a, json_string("json"));
    snprintf(f, sizeof(f), "%s.attributes", path);
    cmp_json(f, json_object_get(en, "attributes"), a);

    json_t *et = json_object_get(en, "trigger");
    snprintf(f, sizeof(f), "%s.trigger", path);
    if (!et != !ins->trigger)
        differ(f, "BuildKit %s a trigger, hoist %s", et ? "has" : "has no", ins->trigger ? "has" : "has none");
    else if (et)
        cmp_node(f, et, ins->trigger, true);
}

/* BuildKit's error text must be contained in hoist's (hoist adds detail). */
static void cmp_error(const char *field, json_t *eerr, int rc, const hoist_error *err)
{
    char f[256];
    if (!eerr) {
        if (rc)
            differ(field, "BuildKit: no error, hoist: line %d: %s", err->line, err->message);
        return;
    }
    const char *msg = jstr(eerr, "message");
    json_int_t line = json_integer_value(json_object_get(eerr, "line"));
    /* instructions errors read "dockerfile parse error on line N: MSG" */
    const char *p = strstr(msg, "dockerfile parse error on line ");
    if (p == msg) {
        p = strstr(msg, ": ");
        if (p)
            msg = p + 2;
    }
    if (!rc) {
        differ(field, "BuildKit: line %lld: %s; hoist: no error", (long long)line, msg);
        return;
    }
    snprintf(f, sizeof(f), "%s.message", field);
    if (!strstr(err->message, msg))
        differ(f, "BuildKit \"%s\", hoist \"%s\"", msg, err->message);
    snprintf(f, sizeof(f), "%s.line", field);
    cmp_int(f, line, err->line);
}

static void cmp_ast(json_t *exp, const hoist_dockerfile *df)
{
    json_t *d = json_object();
    for (size_t i = 0; i < hoist_dockerfile_directive_count(df); i++) {
        const hoist_df_directive *dir = hoist_dockerfile_directive_at(df, i);
        json_object_set_new(d, dir->name, string_n(dir->value, strlen(dir->value)));
    }
    cmp_json("directives", json_object_get(exp, "directives"), d);
    char esc[2] = {hoist_dockerfile_escape(df), 0};
    cmp_str("escape", jstr(exp, "escape"), esc);

    json_t *nodes = json_object_get(exp, "nodes");
    size_t n = hoist_dockerfile_instruction_count(df);
    if (json_array_size(nodes) != n) {
        differ("nodes.count", "BuildKit %zu nodes, hoist %zu", json_array_size(nodes), n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof(path), "nodes[%zu]", i);
        cmp_node(path, json_array_get(nodes, i), hoist_dockerfile_instruction_at(df, i), false);
    }
    json_t *w = json_array();
    for (size_t i = 0; i < hoist_dockerfile_warning_count(df); i++) {
        const hoist_df_warning *hw = hoist_dockerfile_warning_at(df, i);
        json_array_append_new(w, json_pack("{s:o,s:i}", "message", string_n(hw->message, strlen(hw->message)),
                                           "line", hw->range.start.line));
    }
    cmp_json("warnings", json_object_get(exp, "warnings"), w);
}

/* instructions.Parse's stages and meta ARGs, read off the AST. */
static void cmp_instructions(json_t *ei, const hoist_dockerfile *df)
{
    json_t *stages = json_array(), *meta = json_array();
    bool in_stage = false;
    for (size_t i = 0; i < hoist_dockerfile_instruction_count(df); i++) {
        const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, i);
        if (ins->kind == HOIST_DF_FROM) {
            in_stage = true;
            const hoist_df_flag *pf = hoist_df_instruction_flag(ins, "platform");
            char *name = lower_dup(ins->arg_count >= 3 ? ins->args[2].value : "");
            json_array_append_new(stages, json_pack("{s:s,s:s,s:s,s:i}", "name", name, "base",
                                                    ins->arg_count ? ins->args[0].value : "", "platform",
                                                    pf && pf->value ? pf->value : "", "line",
                                                    ins->range.start.line));
            free(name);
        } else if (!in_stage && ins->kind == HOIST_DF_ARG) {
            for (size_t k = 0; k < ins->pair_count; k++)
                json_array_append_new(meta, json_string(ins->pairs[k].key));
        }
    }
    cmp_json("instructions.stages", json_object_get(ei, "stages"), stages);
    cmp_json("instructions.meta_args", json_object_get(ei, "meta_args"), meta);
}

static void run_one(const char *dir, const char *name)
{
    char path[4096];
    cur_file = name;
    snprintf(path, sizeof(path), "%s/%s.Dockerfile", dir, name);
    size_t len;
    char *data = read_all(path, &len);
    assert_non_null(data);
    snprintf(path, sizeof(path), "%s/%s.expected.json", dir, name);
    json_error_t jerr;
    json_t *exp = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (!exp)
        fail_msg("%s: %s (line %d)", path, jerr.text, jerr.line);

    hoist_df_parse_options po = HOIST_DF_PARSE_OPTIONS_INIT;
    po.filename = name;
    po.flags = HOIST_DF_PARSE_AST_ONLY;
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_dockerfile_parse(&df, data, len, &po, &err);
    json_t *perr = json_object_get(exp, "parse_error");
    cmp_error("parse_error", json_is_null(perr) ? NULL : perr, rc, &err);
    if (rc == 0 && json_is_null(perr))
        cmp_ast(exp, df);
    hoist_dockerfile_free(df);
    df = NULL;

    json_t *ei = json_object_get(exp, "instructions");
    if (json_is_object(ei) && json_is_true(json_object_get(ei, "available"))) {
        po.flags = 0;
        hoist_error_clear(&err);
        rc = hoist_dockerfile_parse(&df, data, len, &po, &err);
        json_t *ee = json_object_get(ei, "error");
        cmp_error("instructions.error", json_is_null(ee) ? NULL : ee, rc, &err);
        if (rc == 0 && json_is_null(ee))
            cmp_instructions(ei, df);
        hoist_dockerfile_free(df);
    }
    json_decref(exp);
    free(data);
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 11 && !strcmp(e->d_name + l - 11, ".Dockerfile")) {
            if (n == cap) {
                cap = cap ? cap * 2 : 256;
                names = realloc(names, cap * sizeof(*names));
                assert_non_null(names);
            }
            names[n++] = strndup(e->d_name, l - 11);
        }
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmpstr);
    for (size_t i = 0; i < n; i++)
        run_one(dir, names[i]);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return n;
}

static bool have_corpus;

static void test_corpus(void **state)
{
    (void)state;
    load_allowed();
    size_t local = run_dir(HOIST_SOURCE_ROOT "/tests/data/dockerfile/buildkit");
    size_t n = have_corpus ? run_dir(corpus_dir) : 0;

    int undocumented = 0, stale = 0;
    for (size_t i = 0; i < found.n; i++)
        undocumented += !found.v[i].documented;
    for (size_t i = 0; i < allowed.n; i++)
        if (!allowed.v[i].seen && (have_corpus || !strncmp(allowed.v[i].file, "hoist-", 6))) {
            fprintf(stderr, "STALE %s %s: listed in conformance-deviations.txt but hoist now agrees with "
                            "BuildKit; remove the entry\n", allowed.v[i].file, allowed.v[i].field);
            stale++;
        }
    fprintf(stderr, "conformance: %zu local and %zu shared files, %zu differences (%d undocumented), %d stale "
                    "entries\n", local, n, found.n, undocumented, stale);
    list_free(&found);
    list_free(&allowed);
    assert_int_equal(undocumented, 0);
    assert_int_equal(stale, 0);
    assert_true(local >= 5);
    assert_true(!have_corpus || n >= 200);
}

int main(void)
{
    have_corpus = find_corpus();
    if (have_corpus)
        printf("corpus: %s\n", corpus_dir);
    else
        printf("NOTE: BuildKit's shared corpus skipped, only the local cases run: no dockerfile/ in "
               "$HOIST_CONFORMANCE_DIR, %s/../shared/conformance or %s/../../shared/conformance (it lives "
               "next to the repository and is not part of a clone)\n", HOIST_SOURCE_ROOT, HOIST_SOURCE_ROOT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
