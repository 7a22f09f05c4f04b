/*
 * lint_harness.c - see lint_harness.h.
 */
#include "lint_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

void lint_rmrf(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void make_file(const char *root, const char *spec)
{
    char path[4096];
    const char *eq = strchr(spec, '=');
    size_t n = eq ? (size_t)(eq - spec) : strlen(spec);
    snprintf(path, sizeof(path), "%s/%.*s", root, (int)n, spec);
    /* Create parent directories. */
    for (char *p = path + strlen(root) + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    }
    if (path[strlen(path) - 1] == '/')
        return;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    if (eq)
        fputs(eq + 1, f);
    fclose(f);
}

hoist_lint_result *lint_text(const lint_case *c)
{
    char text[8192];
    if (c->as_text)
        snprintf(text, sizeof(text), "%s", c->dockerfile);
    else if (!strstr(c->dockerfile, "FROM") && !strstr(c->dockerfile, "from "))
        snprintf(text, sizeof(text), "FROM alpine:3.19\n%s", c->dockerfile);
    else
        snprintf(text, sizeof(text), "%s", c->dockerfile);

    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_parse_options po = HOIST_DF_PARSE_OPTIONS_INIT;
    if (c->ast_only)
        po.flags |= HOIST_DF_PARSE_AST_ONLY;
    hoist_dockerfile *df = NULL;
    if (!c->as_text && hoist_dockerfile_parse(text, strlen(text), &po, &df, &err)) {
        fprintf(stderr, "case %s: parse error: %s (line %d)\n%s\n", c->rule, err.message, err.line,
                text);
        fail();
    }
    hoist_lint_config *cfg = NULL;
    if (c->config) {
        if (hoist_lint_config_parse(c->config, strlen(c->config), "test.yaml", &cfg, &err)) {
            fprintf(stderr, "case %s: config error: %s\n", c->rule, err.message);
            fail();
        }
    }
    char dir[] = "/tmp/hoist-lint-test.XXXXXX";
    bool have_ctx = c->files != NULL;
    if (have_ctx) {
        assert_non_null(mkdtemp(dir));
        for (size_t i = 0; c->files[i]; i++)
            make_file(dir, c->files[i]);
    }
    hoist_lint_options o = HOIST_LINT_OPTIONS_INIT;
    o.config = cfg;
    o.context_dir = have_ctx ? dir : NULL;
    o.engine = c->engine;
    o.context_size_limit = c->size_limit;
    o.flags = HOIST_LINT_NO_SHELLCHECK;
    hoist_lint_result *r = NULL;
    int rc = c->as_text ? hoist_lint_text(text, strlen(text), &o, &r, &err)
                        : hoist_lint_run(df, &o, &r, &err);
    if (rc) {
        fprintf(stderr, "case %s: lint error: %s\n", c->rule, err.message);
        fail();
    }
    if (have_ctx)
        lint_rmrf(dir);
    hoist_lint_config_free(cfg);
    hoist_dockerfile_free(df);
    return r;
}

bool lint_has(const hoist_lint_result *r, const char *code)
{
    for (size_t i = 0; i < hoist_lint_result_count(r); i++)
        if (!strcmp(hoist_lint_result_get(r, i)->code, code))
            return true;
    return false;
}
