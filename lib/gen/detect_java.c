/*
 * detect_java.c - recognise a Java project: pom.xml (Maven: artifactId and
 * version outside <parent>, the Java release from maven.compiler.release,
 * maven.compiler.source or java.version) or build.gradle(.kts) (Gradle:
 * rootProject.name from settings.gradle, `version`, the toolchain's
 * languageVersion). The artifact is target/<artifactId>-<version>.jar or
 * build/libs/<name>-<version>.jar; the port is server.port from
 * src/main/resources/application.properties, else 8080 for Spring Boot.
 */
#include "gen/gen_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

/* Text of the first <tag>...</tag> in [text, end), trimmed; NULL if none. */
static const char *xml_element(gen_pool *pool, const char *text, const char *tag)
{
    char open[64], close[64];
    snprintf(open, sizeof(open), "<%s>", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    const char *s = strstr(text, open);
    if (!s)
        return NULL;
    s += strlen(open);
    const char *e = strstr(s, close);
    if (!e)
        return NULL;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    return e > s ? gen_pool_strndup(pool, s, (size_t)(e - s)) : NULL;
}

/* pom.xml with the <parent> block and <dependencies> cut out, so that the
 * first artifactId/version are the project's own. */
static char *pom_own_part(const char *pom)
{
    char *copy = strdup(pom);
    if (!copy)
        return NULL;
    static const char *const blocks[][2] = {{"<parent>", "</parent>"},
                                            {"<dependencies>", "</dependencies>"},
                                            {"<build>", "</build>"},
                                            {"<dependencyManagement>", "</dependencyManagement>"}};
    for (size_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
        char *s = strstr(copy, blocks[b][0]);
        char *e = s ? strstr(s, blocks[b][1]) : NULL;
        if (s && e)
            memset(s, ' ', (size_t)(e + strlen(blocks[b][1]) - s));
    }
    return copy;
}

/* `key = 'value'`, `key = "value"` or `key 'value'` in a Gradle script. */
static const char *gradle_value(gen_pool *pool, const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
        if (p != text && (isalnum((unsigned char)p[-1]) || p[-1] == '.' || p[-1] == '_'))
            continue;
        const char *q = gen_skip_space(p + kl);
        if (*q == '=')
            q = gen_skip_space(q + 1);
        if (*q != '"' && *q != '\'')
            continue;
        char quote = *q++;
        const char *e = strchr(q, quote);
        if (e && !memchr(q, '\n', (size_t)(e - q)))
            return gen_pool_strndup(pool, q, (size_t)(e - q));
    }
    return NULL;
}

static void detect_port(gen_project *p, gen_pool *pool, const char *dir, bool spring)
{
    _cleanup_free_ char *props = NULL;
    static const char *const markers[] = {"server.port=", "server.port =", NULL};
    if (gen_read_file(dir, "src/main/resources/application.properties", &props, NULL) == 0 &&
        (p->pub.port = gen_find_port(props, markers))) {
        gen_project_reason(p, pool, "application.properties: server.port=%d", p->pub.port);
        return;
    }
    if (spring) {
        p->pub.port = 8080;
        gen_project_reason(p, pool, "Spring Boot: listens on 8080 unless server.port says otherwise");
    }
}

static int detect_maven(const char *dir, gen_pool *pool, gen_project *p, const char *pom)
{
    _cleanup_free_ char *own = pom_own_part(pom);
    if (!own)
        return -1;
    const char *artifact = xml_element(pool, own, "artifactId");
    const char *version = xml_element(pool, own, "version");
    const char *packaging = xml_element(pool, own, "packaging");
    p->pub.version = xml_element(pool, pom, "maven.compiler.release");
    if (!p->pub.version)
        p->pub.version = xml_element(pool, pom, "java.version");
    if (!p->pub.version)
        p->pub.version = xml_element(pool, pom, "maven.compiler.source");
    p->pub.name = artifact ? artifact : "app";
    gen_project_reason(p, pool, "pom.xml: artifact %s %s%s%s", p->pub.name,
                       version ? version : "(no version)", p->pub.version ? ", Java " : "",
                       p->pub.version ? p->pub.version : "");
    if (packaging && strcmp(packaging, "jar"))
        gen_project_note(p, pool, "packaging is %s, not jar: adjust the COPY --from=build line",
                         packaging);
    p->pub.entry = version ? gen_pool_printf(pool, "target/%s-%s.jar", p->pub.name, version)
                           : gen_pool_printf(pool, "target/%s.jar", p->pub.name);
    if (version && strchr(version, '$'))
        gen_project_note(p, pool, "the version is a property (%s): check the jar name", version);
    detect_port(p, pool, dir, strstr(pom, "spring-boot") != NULL);
    return 0;
}

static void detect_gradle(const char *dir, gen_pool *pool, gen_project *p, const char *build,
                          const char *build_file)
{
    _cleanup_free_ char *settings = NULL;
    if (gen_read_file(dir, "settings.gradle", &settings, NULL) < 0)
        gen_read_file(dir, "settings.gradle.kts", &settings, NULL);
    const char *name = settings ? gradle_value(pool, settings, "rootProject.name") : NULL;
    const char *version = gradle_value(pool, build, "version");
    if (!name) {
        const char *slash = strrchr(dir, '/');
        name = gen_pool_strdup(pool, slash && slash[1] ? slash + 1 : dir);
    }
    p->pub.name = name;
    const char *lv = strstr(build, "JavaLanguageVersion.of(");
    if (lv)
        p->pub.version = gen_pool_strndup(pool, lv + 23, strspn(lv + 23, "0123456789"));
    gen_project_reason(p, pool, "%s: project %s %s", build_file, name,
                       version ? version : "(no version)");
    p->pub.entry = version ? gen_pool_printf(pool, "build/libs/%s-%s.jar", name, version)
                           : gen_pool_printf(pool, "build/libs/%s.jar", name);
    if (strstr(build, "org.springframework.boot"))
        gen_project_note(p, pool, "Spring Boot also builds a -plain.jar; the Dockerfile copies "
                                  "the executable one");
    detect_port(p, pool, dir, strstr(build, "org.springframework.boot") != NULL);
}

int gen_detect_java(const char *dir, gen_pool *pool, gen_project **out, hoist_error *err)
{
    *out = NULL;
    _cleanup_free_ char *pom = NULL, *gradle = NULL;
    const char *build_file = NULL;
    if (gen_read_file(dir, "pom.xml", &pom, NULL) < 0) {
        if (gen_read_file(dir, "build.gradle", &gradle, NULL) == 0)
            build_file = "build.gradle";
        else if (gen_read_file(dir, "build.gradle.kts", &gradle, NULL) == 0)
            build_file = "build.gradle.kts";
        else
            return 0;
    }
    gen_project *p = gen_project_new(HOIST_GEN_LANG_JAVA, pom ? "maven" : "gradle");
    if (!p)
        return hoist_error_nomem(err);
    *out = p;
    if (pom) {
        gen_project_add_manifest(p, pool, dir, "pom.xml");
        if (detect_maven(dir, pool, p, pom))
            return hoist_error_nomem(err);
        return 0;
    }
    gen_project_add_manifest(p, pool, dir, build_file);
    gen_project_add_manifest(p, pool, dir, "settings.gradle");
    gen_project_add_manifest(p, pool, dir, "settings.gradle.kts");
    gen_project_add_manifest(p, pool, dir, "gradle.properties");
    if (gen_project_add_manifest(p, pool, dir, "gradle.lockfile"))
        p->pub.lockfile = "gradle.lockfile";
    detect_gradle(dir, pool, p, gradle, build_file);
    return 0;
}
