/*
 * test_corpus.c - runs every tests/data/dockerfile/<name>.Dockerfile:
 *
 *  - <name>.json holds the expected result, written by hand from BuildKit's
 *    rules. It is matched as a subset: every key present must be equal in
 *    the parser's JSON (arrays must have the same length), keys left out
 *    are not checked. {"error": {"line": N, "message": "substring"}} means
 *    the parse must fail at that line with that text in the message.
 *  - every file that parses is printed and parsed again; the two ASTs must
 *    be identical apart from source positions (and the printer's canonical
 *    mode must also round-trip).
 */
#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dockerfile/df_internal.h"
#include "hoist/dockerfile.h"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = 0;
    *len = got;
    return buf;
}

/* expected ⊆ actual */
static bool subset(json_t *exp, json_t *act, char *path, size_t pathsz)
{
    if (json_is_object(exp)) {
        if (!json_is_object(act))
            return false;
        const char *k;
        json_t *v;
        json_object_foreach(exp, k, v) {
            size_t l = strlen(path);
            snprintf(path + l, pathsz - l, ".%s", k);
            if (!subset(v, json_object_get(act, k), path, pathsz))
                return false;
            path[l] = 0;
        }
        return true;
    }
    if (json_is_array(exp)) {
        if (!json_is_array(act) || json_array_size(exp) != json_array_size(act))
            return false;
        for (size_t i = 0; i < json_array_size(exp); i++) {
            size_t l = strlen(path);
            snprintf(path + l, pathsz - l, "[%zu]", i);
            if (!subset(json_array_get(exp, i), json_array_get(act, i), path, pathsz))
                return false;
            path[l] = 0;
        }
        return true;
    }
    return act && json_equal(exp, act);
}

/* Remove what legitimately changes when printing: positions and the raw
 * joined line. */
static void strip_positions(json_t *j, bool keyword_case)
{
    if (json_is_object(j)) {
        static const char *const drop[] = {"line", "end_line", "column", "original", "warnings"};
        for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
            json_object_del(j, drop[i]);
        if (keyword_case)
            json_object_del(j, "cmd");
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) strip_positions(v, keyword_case);
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            strip_positions(json_array_get(j, i), keyword_case);
    }
}

static int failures;
#define CASE_FAIL() do { failures++; goto out; } while (0)

static void check_identity(const char *name, hoist_dockerfile *df, unsigned print_flags, unsigned parse_flags)
{
    json_t *a = NULL, *b = NULL;
    hoist_dockerfile *again = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_print_options po = HOIST_DF_PRINT_OPTIONS_INIT;
    po.flags = print_flags;
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(hoist_dockerfile_print(df, &text, &len, &po, &err), 0);
    hoist_df_parse_options popts = HOIST_DF_PARSE_OPTIONS_INIT;
    popts.flags = parse_flags;
    int rc = hoist_dockerfile_parse(&again, text, len, &popts, &err);
    if (rc) {
        fprintf(stderr, "%s: printed text does not parse: %d:%d %s\n----\n%s----\n", name, err.line,
                err.column, err.message, text);
        CASE_FAIL();
    }
    a = df_dockerfile_json(df);
    b = df_dockerfile_json(again);
    strip_positions(a, false);
    strip_positions(b, false);
    if (!json_equal(a, b)) {
        char *sa = json_dumps(a, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        char *sb = json_dumps(b, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        fprintf(stderr, "%s: parse/print/parse differs (flags %u)\nprinted:\n%s\nfirst:\n%s\nsecond:\n%s\n", name,
                print_flags, text, sa, sb);
        free(sa);
        free(sb);
        CASE_FAIL();
    }
out:
    json_decref(a);
    json_decref(b);
    hoist_dockerfile_free(again);
    free(text);
}

static int files_run, files_ok;

static void run_one(const char *dir, const char *base)
{
    char path[4096], expath[4096];
    snprintf(path, sizeof(path), "%s/%s.Dockerfile", dir, base);
    snprintf(expath, sizeof(expath), "%s/%s.json", dir, base);
    size_t len, elen;
    char *data = read_all(path, &len);
    char *exp_text = read_all(expath, &elen);
    json_t *exp = NULL;
    hoist_dockerfile *df = NULL;
    assert_non_null(data);
    if (!exp_text) {
        fprintf(stderr, "%s: missing expected file %s\n", base, expath);
        CASE_FAIL();
    }
    json_error_t jerr;
    exp = json_loads(exp_text, 0, &jerr);
    if (!exp) {
        fprintf(stderr, "%s: bad expected JSON: %s (line %d)\n", base, jerr.text, jerr.line);
        CASE_FAIL();
    }
    files_run++;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_parse_options po = HOIST_DF_PARSE_OPTIONS_INIT;
    po.filename = base;
    json_t *ast_only = json_object_get(exp, "ast_only");
    if (json_is_true(ast_only))
        po.flags = HOIST_DF_PARSE_AST_ONLY;
    int rc = hoist_dockerfile_parse(&df, data, len, &po, &err);
    json_t *experr = json_object_get(exp, "error");
    if (experr) {
        json_int_t line = json_integer_value(json_object_get(experr, "line"));
        const char *msg = json_string_value(json_object_get(experr, "message"));
        if (rc != HOIST_EINPUT || err.line != line || (msg && !strstr(err.message, msg))) {
            fprintf(stderr, "%s: expected error at line %lld containing \"%s\", got rc=%d line=%d: %s\n", base,
                    (long long)line, msg ? msg : "", rc, err.line, err.message);
            CASE_FAIL();
        }
        if (!err.file[0] || !err.hint[0] || err.column < 1) {
            fprintf(stderr, "%s: error without file, column or hint: %s\n", base, err.message);
            CASE_FAIL();
        }
    } else {
        if (rc) {
            fprintf(stderr, "%s: unexpected error %d:%d: %s\n", base, err.line, err.column, err.message);
            CASE_FAIL();
        }
        json_t *act = df_dockerfile_json(df);
        json_t *expcopy = json_deep_copy(exp);
        json_object_del(expcopy, "ast_only");
        char where[1024] = "";
        if (!subset(expcopy, act, where, sizeof(where))) {
            char *s = json_dumps(act, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
            json_t *e = json_deep_copy(expcopy);
            char *se = json_dumps(e, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
            fprintf(stderr, "%s: mismatch at %s\nexpected: %s\nactual: %s\n", base, where, se, s);
            free(s);
            free(se);
            json_decref(e);
            json_decref(expcopy);
            json_decref(act);
            CASE_FAIL();
        }
        json_decref(expcopy);
        json_decref(act);
        int before = failures;
        check_identity(base, df, 0, po.flags);
        if (failures != before)
            goto out;
    }
    files_ok++;
out:
    hoist_dockerfile_free(df);
    json_decref(exp);
    free(exp_text);
    free(data);
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_corpus(void **state)
{
    (void)state;
    const char *dir = HOIST_TEST_DATA "/dockerfile";
    DIR *d = opendir(dir);
    assert_non_null(d);
    char *names[4096];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 4096) {
        size_t l = strlen(e->d_name);
        if (l > 11 && !strcmp(e->d_name + l - 11, ".Dockerfile"))
            names[n++] = strndup(e->d_name, l - 11);
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmpstr);
    for (size_t i = 0; i < n; i++) {
        run_one(dir, names[i]);
        free(names[i]);
    }
    fprintf(stderr, "corpus: %d files, %d ok\n", files_run, files_ok);
    assert_int_equal(failures, 0);
    assert_true(files_run >= 100);
}

/* Canonical printing (upper-case keywords) must round-trip too. */
static void test_canonical_print(void **state)
{
    (void)state;
    const char *src = "from alpine AS b\nrun echo hi\nonbuild copy a b\n";
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dockerfile_parse(&df, src, strlen(src), NULL, &err), 0);
    hoist_df_print_options po = HOIST_DF_PRINT_OPTIONS_INIT;
    po.flags = HOIST_DF_PRINT_CANONICAL;
    char *text = NULL;
    assert_int_equal(hoist_dockerfile_print(df, &text, NULL, &po, &err), 0);
    assert_string_equal(text, "FROM alpine AS b\nRUN echo hi\nONBUILD COPY a b\n");
    free(text);
    hoist_dockerfile_free(df);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_canonical_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
