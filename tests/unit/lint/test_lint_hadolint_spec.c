/*
 * test_lint_hadolint_spec.c - hoist check against hadolint's own rule tests.
 *
 * Reads the assertions extracted from hadolint's test suite
 * (../shared/conformance/hadolint-spec/cases.json, beside the repository;
 * see ../shared/conformance/README.md), lints each case's Dockerfile text
 * in-process with hoist_lint_text() (the case's `config` applied as
 * .hoist.yaml keys, the ONBUILD variant when `onbuild` is set, ShellCheck
 * off) and compares the findings of the case's rule with what hadolint's
 * test demands. A disagreement fails the test unless docs/rules.md lists
 * the case's source (test/...Spec.hs:LINE) in its table of deliberate
 * deviations; a listed case that now agrees fails too, so the table stays
 * true. Exits 77 (skipped, with a note) when the shared data is absent.
 * hadolint-spec/ is looked for in $HOIST_CONFORMANCE_DIR (when set, nowhere
 * else; set it to "" to skip), then in ../shared/conformance next to the
 * source tree, then ../../shared/conformance (a git worktree kept one folder
 * deeper), as the BuildKit conformance test does.
 *
 *   test_lint_hadolint_spec [-v] [cases.json [rules.md]]
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoist/lint.h"

#ifndef HOIST_TEST_DATA
#error HOIST_TEST_DATA must name tests/data
#endif
#define SRC_ROOT HOIST_TEST_DATA "/../.."

typedef struct deviations {
    char **src;
    bool *used;
    size_t n;
} deviations;

/* Rows of docs/rules.md's deviation table: "| test/...Spec.hs:NN | ...". */
static int read_deviations(const char *path, deviations *d)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    char line[4096];
    while (fgets(line, sizeof(line), f)) {
        const char *p = line;
        if (*p++ != '|')
            continue;
        while (*p == ' ' || *p == '`')
            p++;
        if (strncmp(p, "test/", 5))
            continue;
        size_t len = strcspn(p, " `|");
        char **v = realloc(d->src, (d->n + 1) * sizeof(*v));
        bool *u = realloc(d->used, (d->n + 1) * sizeof(*u));
        if (v)
            d->src = v;
        if (u)
            d->used = u;
        if (!v || !u || !(d->src[d->n] = strndup(p, len))) {
            fclose(f);
            return -1;
        }
        d->used[d->n++] = false;
    }
    fclose(f);
    return 0;
}

static int deviation_index(const deviations *d, const char *source)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->src[i], source))
            return (int)i;
    return -1;
}

/* The case's configuration as .hoist.yaml text: block-style maps, lists and
 * scalars in flow style (JSON is valid YAML flow). The rule under
 * test is enabled even when it is off by default (hadolint's tests run the
 * rule itself). */
static hoist_lint_config *case_config(json_t *cfgj, const char *rule)
{
    hoist_error err = HOIST_ERROR_INIT;
    hoist_lint_config *cfg = NULL;
    int rc;
    if (json_is_object(cfgj)) {
        char yaml[8192];
        size_t w = 0;
        const char *key;
        json_t *val;
        yaml[0] = '\0';
        json_object_foreach(cfgj, key, val) {
            if (json_is_object(val)) {
                const char *k2;
                json_t *v2;
                if (w < sizeof(yaml))
                    w += (size_t)snprintf(yaml + w, sizeof(yaml) - w, "%s:\n", key);
                json_object_foreach(val, k2, v2) {
                    char *v = json_dumps(v2, JSON_COMPACT | JSON_ENCODE_ANY);
                    if (v && w < sizeof(yaml))
                        w += (size_t)snprintf(yaml + w, sizeof(yaml) - w, "  %s: %s\n", k2, v);
                    free(v);
                }
                continue;
            }
            char *v = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
            if (v && w < sizeof(yaml))
                w += (size_t)snprintf(yaml + w, sizeof(yaml) - w, "%s: %s\n", key, v);
            free(v);
        }
        rc = w < sizeof(yaml) ? hoist_lint_config_parse(yaml, w, "case.yaml", &cfg, &err) : -1;
    } else {
        rc = hoist_lint_config_new(&cfg, &err);
    }
    if (rc) {
        fprintf(stderr, "config: %s\n", err.message);
        return NULL;
    }
    const hoist_lint_rule_info *info = hoist_lint_rule_find(rule);
    json_t *ov = json_object_get(cfgj, "override");
    if (info && info->severity == HOIST_LINT_OFF && !json_is_object(ov))
        hoist_lint_config_override(cfg, rule, HOIST_LINT_WARNING, &err);
    return cfg;
}

int main(int argc, char **argv)
{
    bool verbose = argc > 1 && !strcmp(argv[1], "-v");
    if (verbose) {
        argv++;
        argc--;
    }
    char found[4096];
    const char *cases_path = NULL;
    FILE *probe = NULL;
    if (argc > 1) {
        cases_path = argv[1];
        probe = fopen(cases_path, "r");
    } else {
        /* when set, the variable alone decides (set it to "" to skip) */
        const char *env = getenv("HOIST_CONFORMANCE_DIR");
        const char *cands[] = {env, env ? NULL : SRC_ROOT "/../shared/conformance",
                               env ? NULL : SRC_ROOT "/../../shared/conformance"};
        for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]) && !probe; i++) {
            if (!cands[i] || !*cands[i])
                continue;
            snprintf(found, sizeof(found), "%s/hadolint-spec/cases.json", cands[i]);
            cases_path = found;
            probe = fopen(found, "r");
        }
    }
    const char *rules_md = argc > 2 ? argv[2] : SRC_ROOT "/docs/rules.md";
    if (!probe) {
        printf("SKIP: hadolint conformance not checked: no hadolint-spec/cases.json in "
               "$HOIST_CONFORMANCE_DIR, %s/../shared/conformance or "
               "%s/../../shared/conformance (the shared data lives next to the repository "
               "and is not part of a clone)\n",
               SRC_ROOT, SRC_ROOT);
        return 77;
    }
    fclose(probe);

    json_error_t jerr;
    json_t *root = json_load_file(cases_path, 0, &jerr);
    json_t *cases = json_object_get(root, "cases");
    if (!json_is_array(cases)) {
        fprintf(stderr, "%s: %s (line %d): no `cases` array\n", cases_path, jerr.text,
                jerr.line);
        return 1;
    }
    deviations dev = {0};
    if (read_deviations(rules_md, &dev))
        return 1;

    size_t agree = 0, deviating = 0, failed = 0, total = json_array_size(cases);
    for (size_t k = 0; k < total; k++) {
        json_t *c = json_array_get(cases, k);
        const char *rule = json_string_value(json_object_get(c, "rule"));
        const char *source = json_string_value(json_object_get(c, "source"));
        bool onbuild = json_is_true(json_object_get(c, "onbuild"));
        const char *text = json_string_value(
            json_object_get(c, onbuild ? "onbuild_text" : "dockerfile_text"));
        const char *expect = json_string_value(json_object_get(c, "expect"));
        json_t *count = json_object_get(c, "count");
        bool lines_positive = json_is_true(json_object_get(c, "lines_positive"));
        if (!rule || !source || !text || !expect) {
            fprintf(stderr, "case %zu: malformed record\n", k);
            failed++;
            continue;
        }
        hoist_lint_config *cfg = case_config(json_object_get(c, "config"), rule);
        if (!cfg) {
            fprintf(stderr, "%s: bad config\n", source);
            failed++;
            continue;
        }
        hoist_lint_options lo = HOIST_LINT_OPTIONS_INIT;
        lo.flags = HOIST_LINT_NO_SHELLCHECK;
        lo.config = cfg;
        hoist_lint_result *res = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        if (hoist_lint_text(text, strlen(text), &lo, &res, &err)) {
            fprintf(stderr, "%s: lint failed: %s\n", source, err.message);
            hoist_lint_config_free(cfg);
            failed++;
            continue;
        }
        size_t got = 0;
        bool bad_line = false;
        for (size_t i = 0; i < hoist_lint_result_count(res); i++) {
            const hoist_lint_finding *f = hoist_lint_result_get(res, i);
            if (strcmp(f->code, rule))
                continue;
            got++;
            if (f->range.start.line < 1)
                bad_line = true;
        }
        bool ok;
        char want[64];
        if (json_is_integer(count)) {
            ok = got == (size_t)json_integer_value(count);
            snprintf(want, sizeof(want), "exactly %lld", (long long)json_integer_value(count));
        } else if (!strcmp(expect, "catches")) {
            ok = got > 0;
            snprintf(want, sizeof(want), "at least 1");
        } else {
            ok = got == 0;
            snprintf(want, sizeof(want), "none");
        }
        if (ok && lines_positive && bad_line) {
            ok = false;
            snprintf(want, sizeof(want), "findings on a line >= 1");
        }
        int d = deviation_index(&dev, source);
        if (d >= 0)
            dev.used[d] = true;
        if (ok && d < 0) {
            agree++;
        } else if (!ok && d >= 0) {
            deviating++;
        } else {
            failed++;
            if (ok)
                printf("%s: agrees with hadolint now: remove it from the deviations of "
                       "docs/rules.md\n",
                       source);
            else
                printf("%s: %s (%s%s): want %s %s finding(s), got %zu\n", source, rule,
                       json_string_value(json_object_get(c, "it")), onbuild ? ", ONBUILD" : "",
                       want, rule, got);
            if (verbose || !ok) {
                for (const char *l = text; *l;) {
                    size_t n = strcspn(l, "\n");
                    printf("    | %.*s\n", (int)n, l);
                    l += n + (l[n] ? 1 : 0);
                }
                for (size_t i = 0; verbose && i < hoist_lint_result_count(res); i++) {
                    const hoist_lint_finding *f = hoist_lint_result_get(res, i);
                    printf("    > %d: %s %s\n", f->range.start.line, f->code, f->message);
                }
            }
        }
        hoist_lint_result_free(res);
        hoist_lint_config_free(cfg);
    }
    for (size_t i = 0; i < dev.n; i++) {
        if (!dev.used[i]) {
            printf("docs/rules.md lists %s as a deviation, but cases.json has no such case\n",
                   dev.src[i]);
            failed++;
        }
        free(dev.src[i]);
    }
    free(dev.src);
    free(dev.used);
    json_decref(root);
    printf("hadolint conformance: %zu cases, %zu agree, %zu documented deviations, %zu "
           "disagreements\n",
           total, agree, deviating, failed);
    return failed ? 1 : 0;
}
