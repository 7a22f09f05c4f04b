/*
 * test_api.c - the public Dockerfile API beyond the corpus: positions,
 * errors with file:line:col and hints, stages and image references, ARG/ENV
 * scoping, COPY --from resolution, --target graphs, building documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hoist/dockerfile.h"
#include "hoist/features.h"

static hoist_dockerfile *parse_ok(const char *src)
{
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_dockerfile_parse(&df, src, strlen(src), NULL, &err);
    if (rc)
        fprintf(stderr, "unexpected: %d:%d %s\n", err.line, err.column, err.message);
    assert_int_equal(rc, 0);
    return df;
}

static void test_positions(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("FROM alpine\n\n  RUN --mount=type=cache,target=/x \\\n    echo \"a\" \\\n  b\nCOPY [\"a\", \"b c\", \"/d/\"]\n");
    const hoist_df_instruction *run = hoist_dockerfile_instruction_at(df, 1);
    assert_int_equal(run->range.start.line, 3);
    assert_int_equal(run->range.end.line, 5);
    assert_int_equal(run->keyword_range.start.column, 3);
    assert_int_equal(run->flags[0].range.start.line, 3);
    assert_int_equal(run->flags[0].range.start.column, 7);
    assert_string_equal(run->flags[0].name, "mount");
    assert_string_equal(run->flags[0].value, "type=cache,target=/x");
    assert_int_equal(run->raw_args_range.start.line, 4);
    assert_int_equal(run->raw_args_range.start.column, 5);
    assert_int_equal(run->raw_args_range.end.line, 5);
    assert_string_equal(run->raw_args, "echo \"a\"   b");
    const hoist_df_instruction *copy = hoist_dockerfile_instruction_at(df, 2);
    assert_int_equal(copy->form, HOIST_DF_FORM_EXEC);
    assert_int_equal(copy->arg_count, 3);
    assert_string_equal(copy->args[1].value, "b c");
    assert_int_equal(copy->args[1].range.start.column, 12);
    assert_int_equal(copy->args[1].range.end.column, 17);
    hoist_dockerfile_free(df);
}

static void expect_error(const char *src, int line, const char *msg)
{
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_parse_options o = HOIST_DF_PARSE_OPTIONS_INIT;
    o.filename = "Dockerfile.test";
    int rc = hoist_dockerfile_parse(&df, src, strlen(src), &o, &err);
    if (rc != HOIST_EINPUT || err.line != line || !strstr(err.message, msg))
        fprintf(stderr, "want %d:%s got rc=%d %d: %s\n", line, msg, rc, err.line, err.message);
    assert_int_equal(rc, HOIST_EINPUT);
    assert_int_equal(err.line, line);
    assert_non_null(strstr(err.message, msg));
    assert_string_equal(err.file, "Dockerfile.test");
    assert_true(err.column >= 1);
    assert_true(err.hint[0] != 0);
    assert_null(df);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("", 1, "file with no instructions");
    expect_error("# only a comment\n\n", 2, "file with no instructions");
    expect_error("FROM a\nRUNN x\n", 2, "unknown instruction: RUNN");
    expect_error("RUN x\n", 1, "no build stage");
    expect_error("ARG A=1\n", 1, "no stages");
    expect_error("# escape=x\nFROM a\n", 1, "invalid escape token");
    expect_error("# escape=`\n# escape=\\\nFROM a\n", 2, "only one escape parser directive");
    expect_error("FROM a\nRUN <<EOF\nnever ends\n", 2, "unterminated heredoc");
    expect_error("FROM a\nENV\n", 2, "ENV requires at least one argument");
    expect_error("FROM a\nCOPY --chmod 644 x /y\n", 2, "missing a value on flag: --chmod");
    expect_error("FROM a\nCOPY --frm=x a b\n", 2, "unknown flag: --frm");
    expect_error("FROM\n", 1, "FROM requires either one or three arguments");
    expect_error("FROM a AS 1x\n", 1, "invalid name for build stage");
    expect_error("FROM a\nCMD [1]\n", 2, "arrays must be comprised of strings only");
    expect_error("FROM a\nSHELL /bin/sh -c\n", 2, "SHELL requires the arguments to be in JSON form");
}

static void test_unknown_hint(void **state)
{
    (void)state;
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dockerfile_parse(&df, "FROM a\nCOPPY x y\n", 17, NULL, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.hint, "COPY"));
    assert_int_equal(err.column, 1);
}

static void test_image_ref(void **state)
{
    (void)state;
    struct { const char *in, *reg, *repo, *tag, *digest; } ok[] = {
        {"golang", "docker.io", "library/golang", NULL, NULL},
        {"golang:1.22-alpine", "docker.io", "library/golang", "1.22-alpine", NULL},
        {"user/app:v1", "docker.io", "user/app", "v1", NULL},
        {"ghcr.io/o/r/x:tag", "ghcr.io", "o/r/x", "tag", NULL},
        {"localhost:5000/app", "localhost:5000", "app", NULL, NULL},
        {"localhost/app:1", "localhost", "app", "1", NULL},
        {"index.docker.io/library/busybox", "docker.io", "library/busybox", NULL, NULL},
        {"alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "docker.io",
         "library/alpine", NULL, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
        {"a/b:c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "docker.io", "a/b", "c",
         "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        hoist_image_ref *r = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        assert_int_equal(hoist_image_ref_parse(&r, ok[i].in, &err), 0);
        assert_string_equal(r->registry, ok[i].reg);
        assert_string_equal(r->repository, ok[i].repo);
        if (ok[i].tag)
            assert_string_equal(r->tag, ok[i].tag);
        else
            assert_null(r->tag);
        if (ok[i].digest)
            assert_string_equal(r->digest, ok[i].digest);
        else
            assert_null(r->digest);
        hoist_image_ref_free(r);
    }
    const char *bad[] = {"", "Upper:tag", "user/Upper", "alpine:", "a//b", "-a", "alpine@sha256:123", "a:b:c"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        hoist_image_ref *r = NULL;
        hoist_error err = HOIST_ERROR_INIT;
        if (hoist_image_ref_parse(&r, bad[i], &err) == 0)
            fprintf(stderr, "accepted bad ref %s\n", bad[i]);
        assert_int_equal(hoist_image_ref_parse(&r, bad[i], &err), HOIST_EINPUT);
    }
}

static const char *multi =
    "ARG GO=1.22\n"
    "ARG BASE=alpine\n"
    "FROM golang:${GO}-alpine AS build\n"
    "ARG GO\n"
    "ENV CGO_ENABLED=0 DIR=/src\n"
    "WORKDIR $DIR\n"
    "RUN go build\n"
    "FROM build AS test\n"
    "RUN go test\n"
    "FROM ${BASE}:3.20 AS tools\n"
    "FROM --platform=$BUILDPLATFORM scratch\n"
    "ARG TARGETARCH\n"
    "COPY --from=build /src/app /app\n"
    "RUN --mount=type=bind,from=tools,target=/t true\n";

static void test_stages(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok(multi);
    hoist_df_stage *st;
    size_t n;
    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_eval_options eo = HOIST_DF_EVAL_OPTIONS_INIT;
    eo.build_platform = "linux/amd64";
    eo.target_platform = "linux/arm64";
    assert_int_equal(hoist_dockerfile_stages(df, &st, &n, &eo, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(st[0].name, "build");
    assert_string_equal(st[0].base, "golang:${GO}-alpine");
    assert_string_equal(st[0].base_expanded, "golang:1.22-alpine");
    assert_string_equal(st[0].image->repository, "library/golang");
    assert_string_equal(st[0].image->tag, "1.22-alpine");
    assert_int_equal(st[1].base_kind, HOIST_DF_BASE_STAGE);
    assert_int_equal(st[1].base_stage, 0);
    assert_string_equal(st[2].base_expanded, "alpine:3.20");
    assert_int_equal(st[3].base_kind, HOIST_DF_BASE_SCRATCH);
    assert_null(st[3].name);
    assert_string_equal(st[3].platform, "$BUILDPLATFORM");
    assert_string_equal(st[3].platform_expanded, "linux/amd64");
    assert_int_equal(st[0].first_instruction, 2);
    assert_int_equal(st[0].instruction_count, 5);

    /* build args override defaults */
    hoist_df_build_arg ba[] = {{"GO", "1.23"}};
    eo.build_args = ba;
    eo.build_arg_count = 1;
    hoist_df_stage *st2;
    assert_int_equal(hoist_dockerfile_stages(df, &st2, &n, &eo, &err), 0);
    assert_string_equal(st2[0].base_expanded, "golang:1.23-alpine");
    /* each call is a list of its own: the first is still as it was */
    assert_string_equal(st[0].base_expanded, "golang:1.22-alpine");
    hoist_df_stages_free(st2);
    hoist_dockerfile_free(df);
    /* the list outlives the handle for its own strings */
    assert_string_equal(st[0].name, "build");
    assert_string_equal(st[0].image->repository, "library/golang");
    hoist_df_stages_free(st);
}

static void test_scope(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok(multi);
    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_eval_options eo = HOIST_DF_EVAL_OPTIONS_INIT;
    eo.build_platform = "linux/amd64";
    eo.target_platform = "linux/arm64";
    hoist_df_scope *sc = NULL;
    /* at WORKDIR (index 5): GO redeclared, ENV set, BASE not redeclared */
    assert_int_equal(hoist_dockerfile_scope_at(df, &sc, 5, &eo, &err), 0);
    assert_string_equal(hoist_df_scope_get(sc, "GO"), "1.22");
    assert_string_equal(hoist_df_scope_get(sc, "DIR"), "/src");
    assert_null(hoist_df_scope_get(sc, "BASE"));
    assert_null(hoist_df_scope_get(sc, "TARGETARCH"));
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.lookup = hoist_df_scope_lookup;
    o.lookup_ctx = sc;
    char *out = NULL;
    assert_int_equal(hoist_expand(&out, "$DIR/bin", 8, &o, &err), 0);
    assert_string_equal(out, "/src/bin");
    free(out);
    hoist_df_scope_free(sc);
    /* FROM lines see the global ARGs */
    assert_int_equal(hoist_dockerfile_scope_at(df, &sc, 9, &eo, &err), 0);
    assert_string_equal(hoist_df_scope_get(sc, "BASE"), "alpine");
    assert_string_equal(hoist_df_scope_get(sc, "TARGETPLATFORM"), "linux/arm64");
    hoist_df_scope_free(sc);
    /* stage "test" inherits ENV from "build", not its ARGs */
    assert_int_equal(hoist_dockerfile_scope_at(df, &sc, 8, &eo, &err), 0);
    assert_string_equal(hoist_df_scope_get(sc, "CGO_ENABLED"), "0");
    assert_null(hoist_df_scope_get(sc, "GO"));
    hoist_df_scope_free(sc);
    /* declared platform ARG inside a stage */
    assert_int_equal(hoist_dockerfile_scope_at(df, &sc, 12, &eo, &err), 0);
    assert_string_equal(hoist_df_scope_get(sc, "TARGETARCH"), "arm64");
    hoist_df_scope_free(sc);
    hoist_dockerfile_free(df);
}

static void test_env_same_instruction(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("FROM a\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\nRUN x\n");
    hoist_df_scope *sc = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dockerfile_scope_at(df, &sc, 4, NULL, &err), 0);
    assert_string_equal(hoist_df_scope_get(sc, "def"), "hello");
    assert_string_equal(hoist_df_scope_get(sc, "ghi"), "bye");
    hoist_df_scope_free(sc);
    hoist_dockerfile_free(df);
}

static void test_resolve_and_target(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok(multi);
    hoist_error err = HOIST_ERROR_INIT;
    hoist_df_copy_from r;
    assert_int_equal(hoist_dockerfile_resolve_from(df, &r, 3, "BUILD", &err), 0);
    assert_int_equal(r.kind, HOIST_DF_FROM_STAGE);
    assert_int_equal(r.stage, 0);
    assert_int_equal(hoist_dockerfile_resolve_from(df, &r, 3, "1", &err), 0);
    assert_int_equal(r.stage, 1);
    assert_int_equal(hoist_dockerfile_resolve_from(df, &r, 3, "nginx:latest", &err), 0);
    assert_int_equal(r.kind, HOIST_DF_FROM_IMAGE);
    assert_int_equal(hoist_dockerfile_resolve_from(df, &r, 0, "build", &err), HOIST_EINPUT);
    assert_int_equal(hoist_dockerfile_resolve_from(df, &r, 3, "9", &err), HOIST_EINPUT);

    bool need[4];
    assert_int_equal(hoist_dockerfile_target_stages(df, need, 4, NULL, NULL, &err), 0);
    assert_true(need[0] && !need[1] && need[2] && need[3]);
    assert_int_equal(hoist_dockerfile_target_stages(df, need, 4, "test", NULL, &err), 0);
    assert_true(need[0] && need[1] && !need[2] && !need[3]);
    assert_int_equal(hoist_dockerfile_target_stages(df, need, 4, "nope", NULL, &err), HOIST_EUSAGE);
    assert_non_null(strstr(err.hint, "build"));
    hoist_dockerfile_free(df);
}

static void test_append(void **state)
{
    (void)state;
    hoist_dockerfile *df = hoist_dockerfile_new();
    hoist_error err = HOIST_ERROR_INIT;
    const char *from_args[] = {"golang:1.22", "AS", "build"};
    hoist_df_instruction_spec s = HOIST_DF_INSTRUCTION_SPEC_INIT;
    s.keyword = "FROM";
    s.args = from_args;
    s.arg_count = 3;
    const char *cm[] = {"build stage"};
    s.comments = cm;
    s.comment_count = 1;
    assert_int_equal(hoist_dockerfile_append(df, &s, &err), 0);
    const char *cmd_args[] = {"/app", "--flag=\"quoted\"", "tab\there"};
    hoist_df_instruction_spec c = HOIST_DF_INSTRUCTION_SPEC_INIT;
    c.keyword = "CMD";
    c.form = HOIST_DF_FORM_EXEC;
    c.args = cmd_args;
    c.arg_count = 3;
    assert_int_equal(hoist_dockerfile_append(df, &c, &err), 0);
    const char *copy_flags[] = {"--from=build", "--chown=app user"};
    const char *copy_args[] = {"/out/app", "/app"};
    hoist_df_instruction_spec cp = HOIST_DF_INSTRUCTION_SPEC_INIT;
    cp.keyword = "COPY";
    cp.flags = copy_flags;
    cp.flag_count = 2;
    cp.args = copy_args;
    cp.arg_count = 2;
    assert_int_equal(hoist_dockerfile_append(df, &cp, &err), 0);
    hoist_df_instruction_spec bad = HOIST_DF_INSTRUCTION_SPEC_INIT;
    bad.keyword = "COPY";
    bad.args = copy_args;
    bad.arg_count = 1;
    assert_int_equal(hoist_dockerfile_append(df, &bad, &err), HOIST_EINPUT);

    const hoist_df_instruction *ins = hoist_dockerfile_instruction_at(df, 1);
    assert_int_equal(ins->form, HOIST_DF_FORM_EXEC);
    assert_string_equal(ins->args[1].value, "--flag=\"quoted\"");
    assert_string_equal(ins->args[2].value, "tab\there");
    assert_string_equal(hoist_dockerfile_instruction_at(df, 2)->flags[1].value, "app user");
    assert_int_equal(hoist_dockerfile_instruction_at(df, 2)->stage, 0);

    char *text = NULL;
    assert_int_equal(hoist_dockerfile_print(df, &text, NULL, NULL, &err), 0);
    assert_string_equal(text, "# build stage\nFROM golang:1.22 AS build\n"
                              "CMD [\"/app\", \"--flag=\\\"quoted\\\"\", \"tab\\there\"]\n"
                              "COPY --from=build --\"chown=app user\" /out/app /app\n");
    hoist_dockerfile *again = parse_ok(text);
    assert_string_equal(hoist_dockerfile_instruction_at(again, 2)->flags[1].text, "--chown=app user");
    hoist_dockerfile_free(again);
    free(text);
    hoist_dockerfile_free(df);
}

static void test_warnings_and_ast_only(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("FROM a\nRUN echo \\\n\n  hi\n");
    assert_int_equal(hoist_dockerfile_warning_count(df), 1);
    assert_int_equal(hoist_dockerfile_warning_at(df, 0)->range.start.line, 4);
    assert_string_equal(hoist_dockerfile_instruction_at(df, 1)->raw_args, "echo   hi");
    hoist_dockerfile_free(df);

    hoist_df_parse_options o = HOIST_DF_PARSE_OPTIONS_INIT;
    o.flags = HOIST_DF_PARSE_AST_ONLY;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dockerfile_parse(&df, "BOGUS x\n", 8, &o, &err), 0);
    assert_int_equal(hoist_dockerfile_instruction_at(df, 0)->kind, HOIST_DF_UNKNOWN);
    assert_string_equal(hoist_dockerfile_instruction_at(df, 0)->keyword, "BOGUS");
    hoist_dockerfile_free(df);
}

static void test_features(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("FROM a\nRUN --mount=type=cache,target=/c true\nCOPY --link --chmod=644 a b\n"
                                    "ONBUILD RUN <<EOF\nx\nEOF\n");
    unsigned f = hoist_dockerfile_features(df);
    assert_true(f & HOIST_DF_FEATURE_RUN_MOUNT);
    assert_true(f & HOIST_DF_FEATURE_COPY_LINK);
    assert_true(f & HOIST_DF_FEATURE_COPY_CHMOD);
    assert_true(f & HOIST_DF_FEATURE_HEREDOC);
    assert_false(f & HOIST_DF_FEATURE_RUN_NETWORK);
    assert_int_equal(hoist_dockerfile_feature_line(df, HOIST_DF_FEATURE_HEREDOC), 4);
    assert_int_equal(hoist_dockerfile_feature_line(df, HOIST_DF_FEATURE_COPY_LINK), 3);
    assert_string_equal(hoist_df_feature_name(HOIST_DF_FEATURE_RUN_MOUNT), "RUN --mount");
    hoist_dockerfile_free(df);
}

/* The feature table answers "what can this engine not run" for every
 * engine kind; engine choice and HS009 both ask it. */
static void test_unsupported(void **state)
{
    (void)state;
    hoist_dockerfile *df = parse_ok("FROM a\nRUN --mount=type=cache,target=/c --device=/dev/fuse true\n"
                                    "RUN <<EOF\nx\nEOF\nADD --unpack=true a.tgz /x\n"
                                    "HEALTHCHECK --start-interval=1s CMD true\nRUN --mount=type=tmpfs,target=/t true\n");
    hoist_feature_use u[32];
    /* classic: everything, one entry per feature at its first line, table order */
    hoist_engine_caps caps = HOIST_ENGINE_CAPS_INIT;
    size_t n = hoist_dockerfile_unsupported(df, &caps, "linux/amd64,linux/arm64", 0, u, 32);
    assert_int_equal(n, 6);
    assert_string_equal(u[0].feature, "RUN --mount");
    assert_int_equal(u[0].line, 2);
    assert_string_equal(u[1].feature, "heredoc");
    assert_string_equal(u[2].feature, "HEALTHCHECK --start-interval");
    assert_string_equal(u[3].feature, "RUN --device");
    assert_string_equal(u[4].feature, "ADD --unpack");
    assert_int_equal(u[4].line, 6);
    assert_int_equal(u[5].line, 0); /* the multi-platform build */
    assert_int_equal(hoist_dockerfile_buildkit_features(df, NULL, u, 32), 5);
    /* every use: RUN --mount counts twice */
    assert_int_equal(hoist_dockerfile_unsupported(df, &caps, NULL, HOIST_FEATURES_EVERY_USE, u, 32), 6);
    assert_int_equal(u[5].instruction, 5);
    assert_string_equal(u[5].feature, "RUN --mount");

    /* Docker 20.10: BuildKit with frontend 1.2 runs RUN --mount only */
    caps.kind = HOIST_ENGINE_BUILDKIT;
    caps.engine_version = "20.10.24+dfsg1";
    int major, minor;
    assert_true(hoist_engine_frontend(&caps, &major, &minor));
    assert_int_equal(major * 100 + minor, 102);
    n = hoist_dockerfile_unsupported(df, &caps, "linux/amd64,linux/arm64", 0, u, 32);
    assert_int_equal(n, 4);
    assert_string_equal(u[0].feature, "heredoc");
    assert_int_equal(u[0].min_frontend_minor, 4);
    /* by API version alone: 1.45 is Docker 26.0, frontend 1.7 */
    caps.engine_version = NULL;
    caps.api_version = "1.45";
    n = hoist_dockerfile_unsupported(df, &caps, NULL, 0, u, 32);
    assert_int_equal(n, 2);
    assert_string_equal(u[0].feature, "RUN --device");
    assert_string_equal(u[1].feature, "ADD --unpack");
    /* Docker 28: frontend 1.14 lacks only ADD --unpack (1.17) */
    caps.engine_version = "28.1.1";
    n = hoist_dockerfile_unsupported(df, &caps, NULL, 0, u, 32);
    assert_int_equal(n, 1);
    assert_string_equal(u[0].feature, "ADD --unpack");
    /* unknown versions: assume new enough */
    caps.engine_version = "weird";
    caps.api_version = NULL;
    assert_false(hoist_engine_frontend(&caps, &major, &minor));
    assert_int_equal(hoist_dockerfile_unsupported(df, &caps, NULL, 0, u, 32), 0);
    /* a native BuildKit with Docker 20.10's frontend */
    caps.kind = HOIST_ENGINE_BUILDKIT_NATIVE;
    assert_int_equal(hoist_dockerfile_unsupported(df, &caps, NULL, 0, u, 32), 0); /* frontend not given */
    caps.frontend_major = 1;
    caps.frontend_minor = 2;
    assert_int_equal(hoist_dockerfile_unsupported(df, &caps, NULL, 0, u, 32), 4);
    assert_string_equal(hoist_engine_kind_name(caps.kind), "buildkit-native");
    hoist_dockerfile_free(df);

    /* with # syntax=, the frontend image decides on BuildKit, not on classic */
    df = parse_ok("# syntax=docker/dockerfile:1\nFROM a\nRUN <<EOF\nx\nEOF\n");
    assert_int_equal(hoist_dockerfile_unsupported(df, &caps, NULL, 0, u, 32), 0);
    hoist_engine_caps classic = HOIST_ENGINE_CAPS_INIT;
    assert_int_equal(hoist_dockerfile_unsupported(df, &classic, NULL, 0, u, 32), 1);
    hoist_dockerfile_free(df);
}

static void test_parse_file(void **state)
{
    (void)state;
    hoist_dockerfile *df = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_dockerfile_parse_file(&df, "/nonexistent/Dockerfile", NULL, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "/nonexistent/Dockerfile"));
    assert_int_equal(hoist_dockerfile_parse_file(&df, HOIST_TEST_DATA "/dockerfile/001-minimal.Dockerfile", NULL, &err), 0);
    assert_int_equal(hoist_dockerfile_instruction_count(df), 1);
    hoist_dockerfile_free(df);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unknown_hint),     cmocka_unit_test(test_image_ref),
        cmocka_unit_test(test_stages),           cmocka_unit_test(test_scope),
        cmocka_unit_test(test_env_same_instruction), cmocka_unit_test(test_resolve_and_target),
        cmocka_unit_test(test_append),           cmocka_unit_test(test_warnings_and_ast_only),
        cmocka_unit_test(test_parse_file),       cmocka_unit_test(test_features), cmocka_unit_test(test_unsupported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
