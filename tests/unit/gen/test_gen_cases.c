/*
 * test_gen_cases.c - hoist init's edge cases on small projects made in a
 * temporary directory: several candidates, nothing detected, image
 * overrides that are not pinned, cgo and the runtime family, how template
 * values are quoted, the .dockerignore guard for manifests, the context
 * check and never overwriting a file.
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "gen/template.h"
#include "hoist/gen.h"
#include "hoist/lint.h"

#include "test_gen.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

typedef struct scratch {
    char dir[256];
} scratch;

static void scratch_new(scratch *s)
{
    snprintf(s->dir, sizeof(s->dir), "/tmp/hoist-gen-test.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
}

static void scratch_free(scratch *s)
{
    nftw(s->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const scratch *s, const char *rel, const char *content)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
    char *slash = strrchr(path, '/');
    for (char *p = path + strlen(s->dir) + 1; p < slash; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0755);
            *p = '/';
        }
    *slash = 0;
    mkdir(path, 0755);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static hoist_gen_result *generate_in(const scratch *s, hoist_gen_lang lang, const hoist_gen_options *o,
                                     hoist_gen_detection **det)
{
    hoist_error err = HOIST_ERROR_INIT;
    const hoist_gen_project *p = NULL;
    assert_int_equal(hoist_gen_detect(s->dir, det, &err), 0);
    if (hoist_gen_detection_pick(*det, lang, &p, &err))
        fail_msg("pick: %s", err.message);
    hoist_gen_result *r = NULL;
    if (hoist_gen_generate(p, o, &r, &err))
        fail_msg("generate: %s", err.message);
    return r;
}

void test_several_candidates(void **state)
{
    (void)state;
    scratch s;
    scratch_new(&s);
    put(&s, "go.mod", "module example.com/x\n\ngo 1.22\n");
    put(&s, "main.go", "package main\n\nfunc main() {}\n");
    put(&s, "package.json", "{\"name\": \"x\", \"main\": \"index.js\"}\n");
    put(&s, "index.js", "console.log('x')\n");
    hoist_error err = HOIST_ERROR_INIT;
    hoist_gen_detection *d = NULL;
    const hoist_gen_project *p = NULL;
    assert_int_equal(hoist_gen_detect(s.dir, &d, &err), 0);
    assert_int_equal(hoist_gen_detection_count(d), 2);
    assert_int_equal(hoist_gen_detection_pick(d, HOIST_GEN_LANG_NONE, &p, &err), HOIST_EUSAGE);
    assert_non_null(strstr(err.message, "go, node"));
    assert_non_null(strstr(err.hint, "--lang"));
    assert_int_equal(hoist_gen_detection_pick(d, HOIST_GEN_LANG_NODE, &p, &err), 0);
    assert_int_equal(p->lang, HOIST_GEN_LANG_NODE);
    assert_int_equal(hoist_gen_detection_pick(d, HOIST_GEN_LANG_RUST, &p, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "Cargo.toml"));
    hoist_gen_detection_free(d);
    /* a broken package.json is invalid input, located */
    put(&s, "package.json", "{\"name\": \n");
    assert_int_equal(hoist_gen_detect(s.dir, &d, &err), HOIST_EINPUT);
    assert_string_equal(err.file, "package.json");
    assert_true(err.line > 0);
    scratch_free(&s);
}

void test_no_project(void **state)
{
    (void)state;
    scratch s;
    scratch_new(&s);
    put(&s, "README", "nothing to build\n");
    /* a Makefile without C sources is not a C project */
    put(&s, "Makefile", "all:\n\techo hi\n");
    hoist_error err = HOIST_ERROR_INIT;
    hoist_gen_detection *d = NULL;
    const hoist_gen_project *p = NULL;
    assert_int_equal(hoist_gen_detect(s.dir, &d, &err), 0);
    assert_int_equal(hoist_gen_detection_count(d), 0);
    assert_int_equal(hoist_gen_detection_pick(d, HOIST_GEN_LANG_NONE, &p, &err), HOIST_EINPUT);
    hoist_gen_detection_free(d);
    char missing[300];
    snprintf(missing, sizeof(missing), "%s/nope", s.dir);
    assert_int_equal(hoist_gen_detect(missing, &d, &err), HOIST_EINPUT);
    assert_null(d);
    scratch_free(&s);
}

void test_image_overrides(void **state)
{
    (void)state;
    static const struct {
        const char *builder, *runtime;
        int code;
        const char *from_line;
    } cases[] = {
        {"golang:latest", NULL, HOIST_EUSAGE, NULL},
        {"golang", NULL, HOIST_EUSAGE, NULL},
        {NULL, "alpine", HOIST_EUSAGE, NULL},
        {"scratch", NULL, HOIST_EUSAGE, NULL},
        {"NOT A REF", NULL, HOIST_EUSAGE, NULL},
        {NULL, "scratch", 0, "FROM scratch\n"},
        {"registry.example:5000/go/toolchain:1.22.5", NULL, 0,
         "FROM registry.example:5000/go/toolchain:1.22.5 AS build\n"},
        {NULL, "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 0,
         "FROM alpine@sha256:"},
    };
    hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
    hoist_gen_detection *d = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    const hoist_gen_project *p = NULL;
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/gen/go-sample", HOIST_TEST_DATA);
    assert_int_equal(hoist_gen_detect(dir, &d, &err), 0);
    assert_int_equal(hoist_gen_detection_pick(d, HOIST_GEN_LANG_NONE, &p, &err), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        o.builder_image = cases[i].builder;
        o.runtime_image = cases[i].runtime;
        hoist_gen_result *r = NULL;
        int rc = hoist_gen_generate(p, &o, &r, &err);
        if (rc != cases[i].code)
            fail_msg("case %zu: got %d (%s)", i, rc, err.message);
        if (rc) {
            assert_null(r);
            assert_true(err.hint[0] != 0);
            continue;
        }
        assert_non_null(strstr(hoist_gen_result_dockerfile(r), cases[i].from_line));
        /* scratch and a digest are static runtimes too */
        assert_non_null(strstr(hoist_gen_result_dockerfile(r), "CGO_ENABLED=0"));
        hoist_gen_result_free(r);
    }
    hoist_gen_detection_free(d);
}

void test_go_cgo(void **state)
{
    (void)state;
    scratch s;
    scratch_new(&s);
    put(&s, "go.mod", "module example.com/cgo // comment\n\ngo 1.21.3\n");
    put(&s, "main.go", "package main\n\n// #include <stdio.h>\nimport \"C\"\n\nfunc main() {}\n");
    hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
    hoist_gen_detection *d = NULL;
    hoist_gen_result *r = generate_in(&s, HOIST_GEN_LANG_NONE, &o, &d);
    const hoist_gen_project *p = hoist_gen_detection_get(d, 0);
    assert_true(p->cgo);
    assert_string_equal(p->name, "cgo");
    const char *text = hoist_gen_result_dockerfile(r);
    /* `go 1.21.3` is a minimum: the newest supported line honours it */
    assert_non_null(strstr(text, "FROM golang:1.26.1-bookworm AS build"));
    assert_non_null(strstr(text, "FROM debian:12.7-slim"));
    assert_null(strstr(text, "CGO_ENABLED"));
    hoist_gen_result_free(r);
    /* cgo, but the user asks for alpine: cgo off, and the choice says why */
    o.runtime_image = "alpine:3.20.3";
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_gen_generate(p, &o, &r, &err), 0);
    assert_non_null(strstr(hoist_gen_result_dockerfile(r), "ENV CGO_ENABLED=0"));
    bool explained = false;
    for (size_t i = 0; i < hoist_gen_result_choice_count(r); i++) {
        const hoist_gen_choice *c = hoist_gen_result_choice(r, i);
        if (!strcmp(c->topic, "cgo") && strstr(c->reason, "alpine"))
            explained = true;
    }
    assert_true(explained);
    hoist_gen_result_free(r);
    hoist_gen_detection_free(d);
    scratch_free(&s);
}

void test_substitution(void **state)
{
    (void)state;
    gen_pool pool = {0};
    gen_ctx ctx = {.pool = &pool};
    assert_true(gen_set_var(&ctx, "plain", "./cmd/x"));
    assert_true(gen_set_var(&ctx, "spaced", "a b'c"));
    assert_true(gen_set_var(&ctx, "dollar", "$HOME"));
    char *out = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(gen_substitute(&ctx, "go build {{plain}}", GEN_PLACE_SHELL, &out, &err), 0);
    assert_string_equal(out, "go build ./cmd/x");
    free(out);
    assert_int_equal(gen_substitute(&ctx, "echo {{spaced}}", GEN_PLACE_SHELL, &out, &err), 0);
    assert_string_equal(out, "echo 'a b'\\''c'");
    free(out);
    assert_int_equal(gen_substitute(&ctx, "echo {{dollar}}", GEN_PLACE_SHELL, &out, &err), 0);
    assert_string_equal(out, "echo '$HOME'");
    free(out);
    assert_int_equal(gen_substitute(&ctx, "/src/{{spaced}}", GEN_PLACE_WORD, &out, &err),
                     HOIST_EINPUT);
    assert_null(out);
    assert_int_equal(gen_substitute(&ctx, "/src/{{dollar}}", GEN_PLACE_WORD, &out, &err),
                     HOIST_EINPUT);
    assert_int_equal(gen_substitute(&ctx, "{{spaced}}", GEN_PLACE_RAW, &out, &err), 0);
    assert_string_equal(out, "a b'c");
    free(out);
    assert_int_equal(gen_substitute(&ctx, "{{missing}}", GEN_PLACE_RAW, &out, &err), HOIST_EFAILED);
    /* an exec-form step with such a value is still one well-formed element */
    static const gen_step steps[] = {
        {.keyword = "FROM", .args = {"busybox:1.36.1"}},
        {.keyword = "ENTRYPOINT", .form = HOIST_DF_FORM_EXEC, .args = {"/bin/{{spaced}}"}},
    };
    hoist_dockerfile *df = hoist_dockerfile_new();
    assert_int_equal(gen_template_apply(df, steps, 2, &ctx, &err), 0);
    const hoist_df_instruction *ins = hoist_dockerfile_instruction(df, 1);
    assert_int_equal(ins->arg_count, 1);
    assert_string_equal(ins->args[0].value, "/bin/a b'c");
    hoist_dockerfile_free(df);
    gen_pool_free(&pool);
}

void test_dockerignore_guard(void **state)
{
    (void)state;
    static const char *const greedy[] = {"*.lock", "*.toml", NULL};
    static const gen_lang_template tmpl = {.lang = HOIST_GEN_LANG_RUST, .ignore_lines = greedy};
    static const char *const manifests[] = {"Cargo.toml", "Cargo.lock"};
    hoist_gen_project p = {.lang = HOIST_GEN_LANG_RUST, .manifests = manifests, .manifest_count = 2};
    gen_pool pool = {0};
    gen_ctx ctx = {.project = &p, .pool = &pool};
    char *text = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(gen_dockerignore_text(&ctx, &tmpl, &text, &err), 0);
    assert_non_null(strstr(text, "\n!Cargo.toml\n!Cargo.lock\n"));
    free(text);
    gen_pool_free(&pool);
}

void test_verify_missing_source(void **state)
{
    (void)state;
    scratch s;
    scratch_new(&s);
    put(&s, "requirements.txt", "flask==3.0.3\n");
    put(&s, "app.py", "print('x')\n");
    hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
    hoist_gen_detection *d = NULL;
    hoist_gen_result *r = generate_in(&s, HOIST_GEN_LANG_NONE, &o, &d);
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_gen_verify_context(r, s.dir, &err), 0);
    char path[512];
    snprintf(path, sizeof(path), "%s/requirements.txt", s.dir);
    unlink(path);
    assert_int_equal(hoist_gen_verify_context(r, s.dir, &err), HOIST_EFAILED);
    assert_non_null(strstr(err.message, "requirements.txt"));
    hoist_gen_result_free(r);
    hoist_gen_detection_free(d);
    scratch_free(&s);
}

static char *slurp(const char *dir, const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

void test_write_no_clobber(void **state)
{
    (void)state;
    scratch s;
    scratch_new(&s);
    put(&s, "Cargo.toml", "[package]\nname = \"w\"\nversion = \"0.1.0\"\n");
    put(&s, "src/main.rs", "fn main() {}\n");
    put(&s, ".dockerignore", "# mine\n");
    hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
    hoist_gen_detection *d = NULL;
    hoist_gen_result *r = generate_in(&s, HOIST_GEN_LANG_NONE, &o, &d);
    hoist_error err = HOIST_ERROR_INIT;
    /* .dockerignore exists: nothing is written, not even the Dockerfile */
    assert_int_equal(hoist_gen_write(r, s.dir, NULL, false, &err), HOIST_EFAILED);
    assert_non_null(strstr(err.hint, "--force"));
    char *df = slurp(s.dir, "Dockerfile");
    assert_null(df);
    char *ig = slurp(s.dir, ".dockerignore");
    assert_string_equal(ig, "# mine\n");
    free(ig);
    assert_int_equal(hoist_gen_write(r, s.dir, NULL, true, &err), 0);
    df = slurp(s.dir, "Dockerfile");
    assert_string_equal(df, hoist_gen_result_dockerfile(r));
    free(df);
    ig = slurp(s.dir, ".dockerignore");
    assert_string_equal(ig, hoist_gen_result_dockerignore(r));
    free(ig);
    /* a second run without --force refuses */
    assert_int_equal(hoist_gen_write(r, s.dir, "Dockerfile", false, &err), HOIST_EFAILED);
    hoist_gen_result_free(r);
    hoist_gen_detection_free(d);
    scratch_free(&s);
}

void test_make_default_goal(void **state)
{
    (void)state;
    scratch s;
    scratch_new(&s);
    put(&s, "Makefile", "BIN := tool\nCFLAGS = -O2\n\n.PHONY: all\nall: $(BIN)\n\n"
                        "%.o: %.c\n\t$(CC) -c $<\n$(BIN): src/tool.o\n\t$(CC) $(LDFLAGS) -o $@ $^\n");
    put(&s, "src/tool.c", "int main(void) { return 0; }\n");
    hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
    o.runtime_image = "scratch";
    hoist_gen_detection *d = NULL;
    hoist_gen_result *r = generate_in(&s, HOIST_GEN_LANG_C, &o, &d);
    const hoist_gen_project *p = hoist_gen_detection_get(d, 0);
    assert_string_equal(p->tool, "make");
    assert_string_equal(p->entry, "tool");
    const char *text = hoist_gen_result_dockerfile(r);
    assert_non_null(strstr(text, "COPY --from=build /src/tool /usr/local/bin/tool\n"));
    assert_non_null(strstr(text, "ENV LDFLAGS=-static\n"));
    assert_non_null(strstr(hoist_gen_result_dockerignore(r), "\ntool\n"));
    hoist_gen_result_free(r);
    hoist_gen_detection_free(d);
    scratch_free(&s);
}

void test_node_variants(void **state)
{
    (void)state;
    static const struct {
        const char *lock, *lock_text;
        bool build;
        const char *expect;
    } cases[] = {
        {"yarn.lock", "# yarn\n", false, "RUN yarn install --frozen-lockfile --production && yarn cache clean\n"},
        {"pnpm-lock.yaml", "lockfileVersion: '9.0'\n", true,
         "RUN corepack pnpm run build && corepack pnpm prune --prod\n"},
        {NULL, NULL, true, "RUN npm run build && npm prune --omit=dev\n"},
        {NULL, NULL, false, "RUN npm install --omit=dev\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        scratch s;
        scratch_new(&s);
        put(&s, "package.json", cases[i].build
                                    ? "{\"name\":\"w\",\"scripts\":{\"build\":\"tsc\",\"start\":\"node dist/main.js\"}}"
                                    : "{\"name\":\"w\",\"scripts\":{\"start\":\"node index.js\"}}");
        put(&s, "index.js", "require('http').createServer().listen(8081)\n");
        if (cases[i].lock)
            put(&s, cases[i].lock, cases[i].lock_text);
        hoist_gen_options o = HOIST_GEN_OPTIONS_INIT;
        hoist_gen_detection *d = NULL;
        hoist_gen_result *r = generate_in(&s, HOIST_GEN_LANG_NONE, &o, &d);
        const char *text = hoist_gen_result_dockerfile(r);
        if (!strstr(text, cases[i].expect))
            fail_msg("case %zu: no '%s' in\n%s", i, cases[i].expect, text);
        hoist_error err = HOIST_ERROR_INIT;
        hoist_lint_options lo = HOIST_LINT_OPTIONS_INIT;
        hoist_lint_result *lr = NULL;
        assert_int_equal(hoist_lint_run(hoist_gen_result_ast(r), &lo, &lr, &err), 0);
        for (size_t k = 0; k < hoist_lint_result_count(lr); k++)
            print_error("case %zu: %s %s\n", i, hoist_lint_result_get(lr, k)->code,
                        hoist_lint_result_get(lr, k)->message);
        assert_int_equal(hoist_lint_result_count(lr), 0);
        hoist_lint_result_free(lr);
        assert_int_equal(hoist_gen_verify_context(r, s.dir, &err), 0);
        hoist_gen_result_free(r);
        hoist_gen_detection_free(d);
        scratch_free(&s);
    }
}
