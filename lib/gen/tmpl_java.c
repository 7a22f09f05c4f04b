/*
 * tmpl_java.c - the Java template: the build file copied first and the
 * dependencies resolved in a layer of their own (mvn dependency:go-offline,
 * gradle dependencies), then the sources, the jar built without tests, and
 * the jar alone in a JRE runtime image.
 *
 * Facts: TOOL_A maven, TOOL_B gradle. {{?cache}} is ~/.m2 or ~/.gradle as a
 * cache mount with --buildkit.
 */
#include "gen/template.h"

#include <string.h>

#define EXEC HOIST_DF_FORM_EXEC
#define PROD GEN_F_PROD
#define DEV GEN_F_DEV
#define MAVEN GEN_F_TOOL_A
#define GRADLE GEN_F_TOOL_B

static const gen_step java_steps[] = {
    {.when = PROD, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "build"}},
    {.when = DEV, .comment = "{{header}}", .keyword = "FROM", .args = {"{{builder}}", "AS", "dev"}},
    {.when = DEV | MAVEN, .keyword = "ENV", .args = {"HOME=/home/dev"}},
    {.when = DEV | GRADLE, .keyword = "ENV", .args = {"HOME=/home/dev", "GRADLE_USER_HOME=/home/dev/.gradle"}},
    {.when = PROD, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = DEV, .keyword = "WORKDIR", .args = {"/src"}},
    {.when = DEV, .keyword = "RUN", .args = {"mkdir -p /home/dev && chown {{user}} /home/dev /src"}},
    {.when = DEV, .keyword = "USER", .args = {"{{user}}"}},
    {.when = PROD, .comment = "Dependencies first: resolved once, reused until the build files change.",
     .keyword = "COPY", .args = {"{{@manifests}}", "./"}},
    {.when = DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {"{{@manifests}}", "./"}},
    {.when = MAVEN, .keyword = "RUN", .flags = {"{{?cache}}"}, .args = {"mvn -B -q dependency:go-offline"}},
    {.when = GRADLE, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"gradle --no-daemon -q dependencies"}},
    {.when = PROD, .keyword = "COPY", .args = {".", "."}},
    {.when = DEV, .keyword = "COPY", .flags = {"--chown={{user}}"}, .args = {".", "."}},
    {.when = PROD | MAVEN, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"mvn -B -q package -DskipTests"}},
    {.when = PROD | GRADLE, .keyword = "RUN", .flags = {"{{?cache}}"},
     .args = {"gradle --no-daemon -q assemble"}},

    {.when = PROD, .comment = "Runtime: a JRE and the jar.", .keyword = "FROM", .args = {"{{runtime}}"}},
    {.when = PROD, .keyword = "WORKDIR", .args = {"/app"}},
    {.when = PROD, .keyword = "COPY", .flags = {"--from=build"},
     .args = {"/src/{{entry}}", "/app/app.jar"}},
    {.when = PROD, .keyword = "USER", .args = {"{{user}}"}},
    {.when = GEN_F_PORT, .keyword = "EXPOSE", .args = {"{{port}}"}},
    {.when = PROD, .keyword = "ENTRYPOINT", .form = EXEC, .args = {"java", "-jar", "/app/app.jar"}},
    {.when = DEV | MAVEN, .keyword = "CMD", .form = EXEC, .args = {"mvn", "-B", "-o", "verify"}},
    {.when = DEV | GRADLE, .keyword = "CMD", .form = EXEC,
     .args = {"gradle", "--no-daemon", "--offline", "build"}},
};

static const char *const java_ignore[] = {
    "# Java build outputs and tool state",
    "target",
    "build",
    ".gradle",
    "out",
    "**/*.class",
    "**/*.iml",
    NULL,
};

static int java_prepare(gen_ctx *ctx, hoist_error *err)
{
    const hoist_gen_project *p = ctx->project;
    bool maven = !strcmp(p->tool, "maven");
    ctx->facts |= maven ? MAVEN : GRADLE;
    bool dev = ctx->opts->profile == HOIST_GEN_PROFILE_DEV;
    if (ctx->opts->buildkit && !dev &&
        !gen_set_var(ctx, "cache", maven ? "--mount=type=cache,target=/root/.m2"
                                         : "--mount=type=cache,target=/root/.gradle"))
        return hoist_error_nomem(err);
    gen_choice(ctx, "build", maven ? "mvn package -DskipTests" : "gradle assemble",
               "tests belong in CI, not in the image build; dependencies resolved in their own "
               "layer first");
    if (!dev) {
        gen_choice(ctx, "artifact", p->entry, "copied alone into the runtime image as /app/app.jar");
        gen_choice(ctx, "entrypoint", "java -jar /app/app.jar", "exec form: the JVM is PID 1");
    }
    return 0;
}

const gen_lang_template gen_template_java = {
    .lang = HOIST_GEN_LANG_JAVA,
    .prepare = java_prepare,
    .steps = java_steps,
    .step_count = sizeof(java_steps) / sizeof(java_steps[0]),
    .ignore_lines = java_ignore,
};
