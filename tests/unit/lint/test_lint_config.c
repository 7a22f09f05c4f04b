/*
 * test_lint_config.c - configuration (.hoist.yaml subset, hadolint
 * spellings, errors with lines), precedence between defaults, config,
 * later edits (the CLI) and inline pragmas, BuildKit's check directive,
 * the failure threshold, and the JSON writer read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "hoist/context.h"
#include "lint_harness.h"
#include "lint/lint_internal.h"
#include "lint/yaml.h"

static const hoist_lint_finding *find(const hoist_lint_result *r, const char *code)
{
    for (size_t i = 0; i < hoist_lint_result_count(r); i++)
        if (!strcmp(hoist_lint_result_get(r, i)->code, code))
            return hoist_lint_result_get(r, i);
    return NULL;
}

static void yaml_forms(void **state)
{
    const char *y = "# hoist settings\n"
                    "build:\n  tags: [a, b]\n"
                    "check:\n"
                    "  ignored:\n    - DL3006   # base tag\n    - 'dl3007'\n"
                    "  override:\n    error: [DL3008]\n    style:\n      - StageNameCasing\n"
                    "  failure-threshold: warning\n"
                    "  trustedRegistries:\n    - ghcr.io\n";
    hoist_lint_config *cfg = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_lint_config_parse(y, strlen(y), "x.yaml", &cfg, &err), 0);
    assert_int_equal(hoist_lint_config_threshold(cfg), HOIST_LINT_WARNING);
    hoist_lint_config_free(cfg);
    /* Keys of other commands may use block scalars. */
    const char *y2 = "build:\n  script: |\n    make\n    make install\n  note: >\n    a b\n"
                     "ignored: [DL3006]\n";
    cfg = NULL;
    assert_int_equal(hoist_lint_config_parse(y2, strlen(y2), "y.yaml", &cfg, &err), 0);
    lint_case c = {"x", false, "FROM debian\nRUN apt-get install -y --no-install-recommends curl\n",
                   NULL, NULL, false, NULL, 0, false};
    (void)c;
    hoist_lint_config_free(cfg);
}

static void yaml_errors_have_lines(void **state)
{
    struct {
        const char *text;
        int line;
    } bad[] = {
        {"ignored:\n  - DL9999\n", 2},
        {"override:\n  fatal: [DL3006]\n", 2},
        {"failure-threshold: sometimes\n", 1},
        {"ignored: [DL3006\n", 1},
        {"a:\n\tb: 1\n", 2},
        {"a: 1\nb: [x, y\nc: 2\n", 3},          /* malformed: a ':' inside an unclosed list */
        {"a: \"open\n", 1},                      /* unclosed quote */
        {"a: *nowhere\n", 1},                     /* alias of an undefined anchor */
        {"ignored: [DL3006]\nignored: [DL3007]\n", 2}, /* duplicate key */
        {"? [a, b]\n: 1\n", 1},                  /* a list as a key */
        {"ignored: []\n---\nignored: []\n", 3}, /* a second document */
        {"- DL3006\n", 1},                        /* not a map */
        {"check:\n  ignored: [DL3006, DL9998]\n", 2},
        {"check:\n  ignored:\n    - DL3006\n    - 'DL9997'\n", 4},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        hoist_lint_config *cfg = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        int rc = hoist_lint_config_parse(bad[i].text, strlen(bad[i].text), "c.yaml", &cfg, &err);
        if (rc != HOIST_EINPUT || err.line != bad[i].line)
            fprintf(stderr, "case %zu: rc %d line %d (%s)\n", i, rc, err.line, err.message);
        assert_int_equal(rc, HOIST_EINPUT);
        assert_int_equal(err.line, bad[i].line);
        assert_string_equal(err.file, "c.yaml");
        assert_null(cfg);
    }
}

/* Full YAML through libyaml: anchors and aliases, merge keys, block
 * scalars, every quoting style, quoted keys, flow lists. */
static void yaml_full(void **state)
{
    const char *y = "base: &common\n"
                    "  - DL3006\n"
                    "  - \"DL3007\"\n"
                    "defaults: &d {failure-threshold: info}\n"
                    "check:\n"
                    "  <<: *d\n"
                    "  ignored: *common\n"
                    "  \"override\":\n"
                    "    'error': [DL3008, \"DL3009\"]\n"
                    "  trusted-registries: [ghcr.io, 'quay.io']\n"
                    "  label-schema:\n"
                    "    \"org.opencontainers.image.url\": url\n"
                    "notes: |\n"
                    "  DL3006: we pin by digest\n"
                    "  elsewhere\n"
                    "folded: >-\n"
                    "  one\n"
                    "  two\n";
    hoist_lint_config *cfg = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_lint_config_parse(y, strlen(y), "full.yaml", &cfg, &err), 0);
    assert_int_equal(hoist_lint_config_threshold(cfg), HOIST_LINT_INFO);
    assert_int_equal(lint_config_severity(cfg, "DL3006", HOIST_LINT_WARNING, NULL), HOIST_LINT_OFF);
    assert_int_equal(lint_config_severity(cfg, "DL3007", HOIST_LINT_WARNING, NULL), HOIST_LINT_OFF);
    assert_int_equal(lint_config_severity(cfg, "DL3008", HOIST_LINT_WARNING, NULL), HOIST_LINT_ERROR);
    assert_int_equal(lint_config_severity(cfg, "DL3009", HOIST_LINT_INFO, NULL), HOIST_LINT_ERROR);
    assert_int_equal(lint_config_severity(cfg, "DL3010", HOIST_LINT_INFO, NULL), HOIST_LINT_INFO);
    assert_int_equal(lint_config_trusted_count(cfg), 2);
    assert_string_equal(lint_config_trusted(cfg, 1), "quay.io");
    assert_int_equal(lint_config_label_count(cfg), 1);
    const char *name, *type;
    lint_config_label(cfg, 0, &name, &type);
    assert_string_equal(name, "org.opencontainers.image.url");
    assert_string_equal(type, "url");
    hoist_lint_config_free(cfg);

    /* the scalars themselves, through the reader */
    const char *t = "lit: |\n  a\n  b\nfold: >\n  a\n  b\nsq: 'it''s'\ndq: \"tab\\there\"\n"
                    "\"quoted key\": 1\nt: TRUE\nf: false\nn: ~\ne:\nqs: 'true'\nnum: 010\n"
                    "a: &x [1, {k: v}]\nb: *x\n";
    lint_yaml yy;
    assert_int_equal(lint_yaml_parse(t, strlen(t), "t.yaml", &yy, &err), 0);
    json_t *r = yy.root;
    assert_string_equal(json_string_value(json_object_get(r, "lit")), "a\nb\n");
    assert_string_equal(json_string_value(json_object_get(r, "fold")), "a b\n");
    assert_string_equal(json_string_value(json_object_get(r, "sq")), "it's");
    assert_string_equal(json_string_value(json_object_get(r, "dq")), "tab\there");
    assert_string_equal(json_string_value(json_object_get(r, "quoted key")), "1");
    assert_true(json_is_true(json_object_get(r, "t")));
    assert_true(json_is_false(json_object_get(r, "f")));
    assert_true(json_is_null(json_object_get(r, "n")));
    assert_true(json_is_null(json_object_get(r, "e")));
    assert_string_equal(json_string_value(json_object_get(r, "qs")), "true");
    assert_string_equal(json_string_value(json_object_get(r, "num")), "010");
    assert_true(json_equal(json_object_get(r, "a"), json_object_get(r, "b")));
    int line, col;
    assert_true(lint_yaml_where(&yy, r, "quoted key", NULL, &line, &col));
    assert_int_equal(line, 9);
    assert_int_equal(col, 1);
    assert_true(lint_yaml_where(&yy, r, "fold", NULL, &line, &col));
    assert_int_equal(line, 4);
    lint_yaml_free(&yy);

    /* an unknown rule found through an alias is reported where it is written */
    const char *u = "ids: &ids\n  - DL3006\n  - DL9999\nignored: *ids\n";
    cfg = NULL;
    assert_int_equal(hoist_lint_config_parse(u, strlen(u), "u.yaml", &cfg, &err), HOIST_EINPUT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 5);
    assert_int_equal(err.reason, HOIST_REASON_CONFIG);
    assert_null(cfg);

    /* a malformed file: the error names the file, line and column */
    const char *m = "check:\n  ignored: [DL3006\n  failure-threshold: error\n";
    assert_int_equal(hoist_lint_config_parse(m, strlen(m), "m.yaml", &cfg, &err), HOIST_EINPUT);
    assert_string_equal(err.file, "m.yaml");
    assert_int_equal(err.line, 3);
    assert_true(err.column > 0);
    assert_int_equal(err.reason, HOIST_REASON_PARSE);

    /* aliases that expand exponentially fail instead of eating memory */
    const char *lol = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    assert_int_equal(hoist_lint_config_parse(lol, strlen(lol), "lol.yaml", &cfg, &err), HOIST_EINPUT);
    assert_int_equal(err.reason, HOIST_REASON_LIMIT);

    /* empty and comment-only files are an empty config */
    assert_int_equal(hoist_lint_config_parse("", 0, "e.yaml", &cfg, &err), 0);
    hoist_lint_config_free(cfg);
    assert_int_equal(hoist_lint_config_parse("# nothing\n", 10, "e.yaml", &cfg, &err), 0);
    hoist_lint_config_free(cfg);
}

static void config_precedence(void **state)
{
    const char *df = "FROM debian\nRUN apt-get install -y --no-install-recommends curl\n";
    /* default */
    lint_case c = {"x", false, df, NULL, NULL, false, NULL, 0, false};
    hoist_lint_result *r = lint_text(&c);
    assert_int_equal(find(r, "DL3006")->severity, HOIST_LINT_WARNING);
    assert_int_equal(find(r, "DL3008")->severity, HOIST_LINT_WARNING);
    hoist_lint_result_free(r);
    /* config: ignore DL3006, DL3008 raised to error */
    c.config = "ignored: [DL3006]\noverride:\n  error: [DL3008]\n";
    r = lint_text(&c);
    assert_null(find(r, "DL3006"));
    assert_int_equal(find(r, "DL3008")->severity, HOIST_LINT_ERROR);
    assert_true(hoist_lint_result_fails(r, HOIST_LINT_ERROR));
    hoist_lint_result_free(r);

    /* edits after the file win (what the CLI does with --ignore). */
    hoist_lint_config *cfg = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    const char *y = "override:\n  error: [DL3008]\n";
    assert_int_equal(hoist_lint_config_parse(y, strlen(y), NULL, &cfg, &err), 0);
    assert_int_equal(hoist_lint_config_ignore(cfg, "dl3008", &err), 0);
    assert_int_equal(hoist_lint_config_ignore(cfg, "NOPE1", &err), HOIST_EUSAGE);
    hoist_df_parse_options po = HOIST_DF_PARSE_OPTIONS_INIT;
    hoist_dockerfile *d = NULL;
    assert_int_equal(hoist_dockerfile_parse(df, strlen(df), &po, &d, &err), 0);
    hoist_lint_options o = HOIST_LINT_OPTIONS_INIT;
    o.config = cfg;
    o.flags = HOIST_LINT_NO_SHELLCHECK;
    assert_int_equal(hoist_lint_run(d, &o, &r, &err), 0);
    assert_null(find(r, "DL3008"));
    assert_non_null(find(r, "DL3006"));
    hoist_lint_result_free(r);
    hoist_dockerfile_free(d);
    hoist_lint_config_free(cfg);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* One discovery for `hoist check` and the build: the named file, else
 * <context>/.hoist.yaml, else the defaults; a bad file is an error. */
static void config_discover(void **state)
{
    (void)state;
    char dir[] = "/tmp/hoist-lint-discover.XXXXXX";
    assert_non_null(mkdtemp(dir));
    hoist_error err = HOIST_ERROR_INIT;
    hoist_lint_config *cfg = NULL;
    assert_int_equal(hoist_lint_config_discover(NULL, dir, &cfg, &err), 0);
    assert_int_equal(hoist_lint_config_threshold(cfg), HOIST_LINT_ERROR);
    hoist_lint_config_free(cfg);
    write_text(dir, ".hoist.yaml", "failure-threshold: warning\n");
    assert_int_equal(hoist_lint_config_discover(NULL, dir, &cfg, &err), 0);
    assert_int_equal(hoist_lint_config_threshold(cfg), HOIST_LINT_WARNING);
    hoist_lint_config_free(cfg);
    write_text(dir, "other.yaml", "failure-threshold: info\n");
    char other[256];
    snprintf(other, sizeof(other), "%s/other.yaml", dir);
    assert_int_equal(hoist_lint_config_discover(other, dir, &cfg, &err), 0);
    assert_int_equal(hoist_lint_config_threshold(cfg), HOIST_LINT_INFO);
    hoist_lint_config_free(cfg);
    write_text(dir, ".hoist.yaml", "ignored: [NOPE1]\n");
    assert_int_equal(hoist_lint_config_discover("", dir, &cfg, &err), HOIST_EINPUT);
    assert_null(cfg);
    lint_rmrf(dir);
}

/* Given the caller's open context, the lint reads its kept walk instead of
 * opening and walking the directory again. */
static void shared_context(void **state)
{
    (void)state;
    char dir[] = "/tmp/hoist-lint-shared.XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_text(dir, "app.py", "print(1)\n");
    write_text(dir, ".dockerignore", "*.py\n");
    hoist_error err = HOIST_ERROR_INIT;
    hoist_context *ctx = NULL;
    hoist_context_options co = HOIST_CONTEXT_OPTIONS_INIT;
    co.dockerfile_optional = true;
    assert_int_equal(hoist_context_open(&ctx, dir, &co, &err), 0);
    const char *text = "FROM alpine:3.19\nCOPY app.py /app/\n";
    hoist_dockerfile *d = NULL;
    assert_int_equal(hoist_dockerfile_parse(text, strlen(text), NULL, &d, &err), 0);
    hoist_lint_options o = HOIST_LINT_OPTIONS_INIT;
    o.flags = HOIST_LINT_NO_SHELLCHECK;
    o.context = ctx;
    hoist_lint_result *r = NULL;
    assert_int_equal(hoist_lint_run(d, &o, &r, &err), 0);
    const hoist_lint_finding *f = find(r, "HS002");
    assert_non_null(f);
    assert_non_null(strstr(f->message, ".dockerignore:1"));
    hoist_lint_result_free(r);
    /* the lint walked through the context's kept walk: a file added after
     * the run is not in the list the context hands out next */
    write_text(dir, "new.py", "x\n");
    const hoist_context_entry *e = NULL;
    size_t n = 0;
    assert_int_equal(hoist_context_entries(ctx, &e, &n, &err), 0);
    assert_int_equal(n, 2); /* .dockerignore, app.py */
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(e[i].name, "new.py");
    /* the context is still the caller's after the run */
    assert_string_equal(hoist_context_ignore_file(ctx) + strlen(hoist_context_ignore_file(ctx)) - 13,
                        ".dockerignore");
    hoist_context_free(ctx);
    hoist_dockerfile_free(d);
    lint_rmrf(dir);
}

static void pragmas(void **state)
{
    lint_case c = {"x", false,
                   "FROM debian\n"
                   "# hadolint ignore=DL3008\n"
                   "RUN apt-get install -y curl\n"
                   "# hoist ignore=DL3008, DL3015\n"
                   "RUN apt-get install -y wget\n"
                   "# hoist global ignore=DL3006\n"
                   "CMD node x\n",
                   NULL, NULL, false, NULL, 0, false};
    hoist_lint_result *r = lint_text(&c);
    assert_null(find(r, "DL3006"));
    const hoist_lint_finding *f = find(r, "DL3008");
    assert_null(f);
    /* DL3015 is silenced only on line 5 */
    int n3015 = 0;
    for (size_t i = 0; i < hoist_lint_result_count(r); i++)
        if (!strcmp(hoist_lint_result_get(r, i)->code, "DL3015")) {
            n3015++;
            assert_int_equal(hoist_lint_result_get(r, i)->range.start.line, 3);
        }
    assert_int_equal(n3015, 1);
    assert_non_null(find(r, "DL3025"));
    hoist_lint_result_free(r);
}

/* Findings of `code` and the line of the first one (0: none). */
static int count_code(const hoist_lint_result *r, const char *code, int *line)
{
    int n = 0;
    *line = 0;
    for (size_t i = 0; i < hoist_lint_result_count(r); i++)
        if (!strcmp(hoist_lint_result_get(r, i)->code, code) && !n++)
            *line = hoist_lint_result_get(r, i)->range.start.line;
    return n;
}

/* hadolint's pragma grammar: an inline ignore covers the next line only;
 * IDs are D, L, S, C and digits (anything else: not a pragma); a trailing
 * comment is allowed; stage ignore before a FROM covers that stage. */
static void hadolint_pragmas(void **state)
{
    lint_case c = {"x", false,
                   "FROM debian:12\n"
                   "# hadolint ignore=DL3059 # joined later\n"
                   "RUN a\n"
                   "RUN b\n"
                   "# hadolint ignore=DL3059\n"
                   "\n"
                   "RUN c\n"
                   "# hadolint ignore=DL3059,foo\n"
                   "RUN d\n"
                   "# hadolint stage ignore=DL3000\n"
                   "FROM debian:12\n"
                   "WORKDIR x\n"
                   "FROM debian:12\n"
                   "WORKDIR y\n"
                   "# hadolint global ignore=DL3002 , DL3011\n"
                   "USER root\n"
                   "EXPOSE 99999\n",
                   NULL, NULL, false, NULL, 0, true};
    hoist_lint_result *r = lint_text(&c);
    int line;
    /* RUN b (line 4) has no pragma; RUN c (7): the pragma is not on the line
     * before it; RUN d (9): "foo" makes it no pragma at all. */
    assert_int_equal(count_code(r, "DL3059", &line), 3);
    assert_int_equal(line, 4);
    assert_int_equal(count_code(r, "DL3000", &line), 1);
    assert_int_equal(line, 14);
    assert_int_equal(count_code(r, "DL3002", &line), 0);
    assert_int_equal(count_code(r, "DL3011", &line), 0);
    hoist_lint_result_free(r);
}

static void check_directive(void **state)
{
    lint_case c = {"x", false,
                   "# check=skip=JSONArgsRecommended,StageNameCasing;error=true\n"
                   "FROM alpine:3.19 AS Build\nCMD node x\nMAINTAINER me\n",
                   NULL, NULL, false, NULL, 0, false};
    hoist_lint_result *r = lint_text(&c);
    assert_null(find(r, "JSONArgsRecommended"));
    assert_null(find(r, "StageNameCasing"));
    assert_non_null(find(r, "DL3025")); /* hadolint rules are not BuildKit checks */
    assert_int_equal(find(r, "MaintainerDeprecated")->severity, HOIST_LINT_ERROR);
    hoist_lint_result_free(r);

    c.dockerfile = "# check=skip=all\nFROM alpine:3.19 AS Build\nMAINTAINER me\n";
    r = lint_text(&c);
    assert_null(find(r, "MaintainerDeprecated"));
    assert_null(find(r, "StageNameCasing"));
    assert_non_null(find(r, "DL4000"));
    hoist_lint_result_free(r);
}

static void threshold(void **state)
{
    lint_case c = {"x", false, "FROM alpine:3.19\nRUN a\nRUN b\n", NULL, NULL, false, NULL, 0, false};
    hoist_lint_result *r = lint_text(&c);
    assert_int_equal(hoist_lint_result_max(r), HOIST_LINT_INFO); /* DL3059 */
    assert_false(hoist_lint_result_fails(r, HOIST_LINT_ERROR));
    assert_false(hoist_lint_result_fails(r, HOIST_LINT_WARNING));
    assert_true(hoist_lint_result_fails(r, HOIST_LINT_INFO));
    assert_true(hoist_lint_result_fails(r, HOIST_LINT_STYLE));
    assert_false(hoist_lint_result_fails(r, HOIST_LINT_NEVER));
    hoist_lint_result_free(r);

    hoist_lint_severity s;
    assert_int_equal(hoist_lint_severity_parse("Warning", &s), 0);
    assert_int_equal(s, HOIST_LINT_WARNING);
    assert_int_equal(hoist_lint_severity_parse("none", &s), 0);
    assert_int_equal(s, HOIST_LINT_NEVER);
    assert_int_equal(hoist_lint_severity_parse("bogus", &s), -1);
}

static void json_round_trip(void **state)
{
    lint_case c = {"x", false, "FROM debian\nCOPY a b /x\n", NULL, NULL, false, NULL, 0, false};
    hoist_lint_result *r = lint_text(&c);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_lint_write(r, HOIST_LINT_FORMAT_JSON, f, NULL, &err), 0);
    fclose(f);
    json_error_t je;
    json_t *arr = json_loads(buf, 0, &je);
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), hoist_lint_result_count(r));
    json_t *first = json_array_get(arr, 0);
    assert_string_equal(json_string_value(json_object_get(first, "code")), "DL3006");
    assert_string_equal(json_string_value(json_object_get(first, "level")), "warning");
    assert_int_equal(json_integer_value(json_object_get(first, "line")), 1);
    assert_true(json_is_integer(json_object_get(first, "column")));
    assert_true(json_is_string(json_object_get(first, "file")));
    assert_true(json_is_string(json_object_get(first, "message")));
    json_decref(arr);
    free(buf);

    /* merge */
    hoist_lint_result *all = NULL;
    assert_int_equal(hoist_lint_result_new(&all, &err), 0);
    size_t n = hoist_lint_result_count(r);
    assert_int_equal(hoist_lint_result_merge(all, r, &err), 0);
    assert_int_equal(hoist_lint_result_count(all), n);
    assert_int_equal(hoist_lint_result_count(r), 0);
    hoist_lint_result_free(r);
    hoist_lint_result_free(all);
}

static void rule_lookup(void **state)
{
    assert_non_null(hoist_lint_rule_find("dl3008"));
    assert_string_equal(hoist_lint_rule_find("stagenamecasing")->id, "StageNameCasing");
    assert_null(hoist_lint_rule_find("DL9999"));
    hoist_lint_format fmt;
    assert_int_equal(hoist_lint_format_parse("sarif", &fmt), 0);
    assert_int_equal(fmt, HOIST_LINT_FORMAT_SARIF);
    assert_int_equal(hoist_lint_format_parse("xml", &fmt), -1);
    /* hadolint's full ID range is present */
    char id[16];
    for (int i = 3000; i <= 3067; i++) {
        snprintf(id, sizeof(id), "DL%d", i);
        assert_non_null(hoist_lint_rule_find(id));
    }
    for (int i = 4000; i <= 4006; i++) {
        if (i == 4002)
            continue; /* hadolint has no DL4002 */
        snprintf(id, sizeof(id), "DL%d", i);
        assert_non_null(hoist_lint_rule_find(id));
    }
}

/* Text that is not UTF-8 (found by fuzz_hoist_yaml): an error at the bad
 * byte, whatever YAML reader sits behind the config. */
static void not_utf8(void **state)
{
    (void)state;
    static const char *bad[] = {"ignored:\n  - DL\255300\n", "a: 1\nb: caf\xc3\n", "a: \xed\xa0\x80\n"};
    static const int lines[] = {2, 2, 1};
    for (size_t i = 0; i < 3; i++) {
        hoist_lint_config *cfg = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        assert_int_equal(hoist_lint_config_parse(bad[i], strlen(bad[i]), "c.yaml", &cfg, &err), HOIST_EINPUT);
        assert_int_equal(err.line, lines[i]);
        assert_non_null(strstr(err.message, "UTF-8"));
        assert_null(cfg);
    }
    hoist_lint_config *cfg = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    const char nul[] = "a: 1\0\n";
    assert_int_equal(hoist_lint_config_parse(nul, sizeof(nul) - 1, "c.yaml", &cfg, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "NUL"));
    const char ok[] = "\xef\xbb\xbfignored: [DL3006]  # caf\xc3\xa9 \xf0\x9f\x90\xb3\n";
    assert_int_equal(hoist_lint_config_parse(ok, sizeof(ok) - 1, "c.yaml", &cfg, &err), 0);
    hoist_lint_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(yaml_forms),       cmocka_unit_test(yaml_errors_have_lines),
        cmocka_unit_test(yaml_full),
        cmocka_unit_test(config_precedence), cmocka_unit_test(pragmas),
        cmocka_unit_test(hadolint_pragmas),
        cmocka_unit_test(config_discover),  cmocka_unit_test(shared_context),
        cmocka_unit_test(check_directive),  cmocka_unit_test(threshold),
        cmocka_unit_test(json_round_trip),  cmocka_unit_test(rule_lookup),
        cmocka_unit_test(not_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
