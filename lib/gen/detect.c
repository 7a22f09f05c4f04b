/*
 * detect.c - run every language detector over a directory and collect the
 * candidates; choose one (or explain why a `--lang` is needed).
 *
 * Detectors live one per language in detect_<lang>.c and only read files.
 * The order of the table is the order candidates are reported in. A
 * project's public view (hoist_gen_project) points into its string lists,
 * which are frozen once the detector returns.
 */
#include "gen/gen_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/cleanup.h"

struct hoist_gen_detection {
    gen_pool pool;
    gen_project **projects;
    size_t count;
};

static const struct {
    hoist_gen_lang lang;
    const char *name;
    gen_detect_fn detect;
    const char *looks_for;
} detectors[] = {
    {HOIST_GEN_LANG_GO, "go", gen_detect_go, "go.mod"},
    {HOIST_GEN_LANG_NODE, "node", gen_detect_node, "package.json"},
    {HOIST_GEN_LANG_PYTHON, "python", gen_detect_python,
     "pyproject.toml, requirements.txt or Pipfile"},
    {HOIST_GEN_LANG_RUST, "rust", gen_detect_rust, "Cargo.toml"},
    {HOIST_GEN_LANG_C, "c", gen_detect_c, "Makefile, CMakeLists.txt or meson.build"},
    {HOIST_GEN_LANG_JAVA, "java", gen_detect_java, "pom.xml or build.gradle(.kts)"},
};
#define DETECTOR_COUNT (sizeof(detectors) / sizeof(detectors[0]))

const char *hoist_gen_lang_name(hoist_gen_lang lang)
{
    for (size_t i = 0; i < DETECTOR_COUNT; i++)
        if (detectors[i].lang == lang)
            return detectors[i].name;
    return "";
}

int hoist_gen_lang_parse(const char *name, hoist_gen_lang *out)
{
    static const struct {
        const char *alias;
        hoist_gen_lang lang;
    } aliases[] = {
        {"golang", HOIST_GEN_LANG_GO},     {"js", HOIST_GEN_LANG_NODE},
        {"javascript", HOIST_GEN_LANG_NODE}, {"typescript", HOIST_GEN_LANG_NODE},
        {"nodejs", HOIST_GEN_LANG_NODE},   {"py", HOIST_GEN_LANG_PYTHON},
        {"c++", HOIST_GEN_LANG_C},         {"cpp", HOIST_GEN_LANG_C},
        {"cxx", HOIST_GEN_LANG_C},
    };
    if (!name)
        return -1;
    for (size_t i = 0; i < DETECTOR_COUNT; i++)
        if (!strcasecmp(name, detectors[i].name)) {
            *out = detectors[i].lang;
            return 0;
        }
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (!strcasecmp(name, aliases[i].alias)) {
            *out = aliases[i].lang;
            return 0;
        }
    return -1;
}

gen_project *gen_project_new(hoist_gen_lang lang, const char *tool)
{
    gen_project *p = calloc(1, sizeof(*p));
    if (p) {
        p->pub.lang = lang;
        p->pub.tool = tool;
    }
    return p;
}

void gen_project_free(gen_project *p)
{
    if (!p)
        return;
    gen_strv_free(&p->manifests);
    gen_strv_free(&p->reasons);
    gen_strv_free(&p->notes);
    gen_strv_free(&p->command);
    free(p);
}

bool gen_project_add_manifest(gen_project *p, gen_pool *pool, const char *dir, const char *rel)
{
    if (!gen_file_exists(dir, rel) || gen_strv_contains(&p->manifests, rel))
        return false;
    return gen_strv_push(&p->manifests, gen_pool_strdup(pool, rel));
}

__attribute__((format(printf, 3, 0)))
static bool push_vprintf(gen_strv *v, gen_pool *pool, const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        return false;
    const char *kept = gen_pool_strdup(pool, s);
    free(s);
    return gen_strv_push(v, kept);
}

bool gen_project_reason(gen_project *p, gen_pool *pool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = push_vprintf(&p->reasons, pool, fmt, ap);
    va_end(ap);
    return ok;
}

bool gen_project_note(gen_project *p, gen_pool *pool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = push_vprintf(&p->notes, pool, fmt, ap);
    va_end(ap);
    return ok;
}

bool gen_project_command(gen_project *p, gen_pool *pool, const char *const *argv, size_t argc)
{
    p->command.count = 0;
    for (size_t i = 0; i < argc; i++)
        if (!gen_strv_push(&p->command, gen_pool_strdup(pool, argv[i])))
            return false;
    return true;
}

/* Point the public view at the lists once the detector is done. */
static void freeze(gen_project *p)
{
    p->pub.manifests = p->manifests.items;
    p->pub.manifest_count = p->manifests.count;
    p->pub.reasons = p->reasons.items;
    p->pub.reason_count = p->reasons.count;
    p->pub.notes = p->notes.items;
    p->pub.note_count = p->notes.count;
    p->pub.command = p->command.items;
    p->pub.command_count = p->command.count;
}

void hoist_gen_detection_free(hoist_gen_detection *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        gen_project_free(d->projects[i]);
    free(d->projects);
    gen_pool_free(&d->pool);
    free(d);
}
HOIST_DEFINE_FREEP(hoist_gen_detection, hoist_gen_detection_free)

int hoist_gen_detect(const char *dir, hoist_gen_detection **out, hoist_error *err)
{
    *out = NULL;
    struct stat st;
    if (!dir || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        hoist_error_set(err, HOIST_EINPUT, "%s is not a readable directory", dir ? dir : "(null)");
        hoist_error_at(err, dir, 0, 0);
        return hoist_error_hint(err, "pass the project's root directory");
    }
    _cleanup_(hoist_gen_detection_freep) hoist_gen_detection *d = calloc(1, sizeof(*d));
    if (!d || !(d->projects = calloc(DETECTOR_COUNT, sizeof(*d->projects))))
        return hoist_error_nomem(err);
    for (size_t i = 0; i < DETECTOR_COUNT; i++) {
        gen_project *p = NULL;
        int rc = detectors[i].detect(dir, &d->pool, &p, err);
        if (rc) {
            gen_project_free(p);
            return rc;
        }
        if (p) {
            freeze(p);
            d->projects[d->count++] = p;
        }
    }
    *out = TAKE_PTR(d);
    return 0;
}

size_t hoist_gen_detection_count(const hoist_gen_detection *d)
{
    return d ? d->count : 0;
}

const hoist_gen_project *hoist_gen_detection_get(const hoist_gen_detection *d, size_t index)
{
    return d && index < d->count ? &d->projects[index]->pub : NULL;
}

int hoist_gen_detection_pick(const hoist_gen_detection *d, hoist_gen_lang lang,
                             const hoist_gen_project **out, hoist_error *err)
{
    *out = NULL;
    if (lang != HOIST_GEN_LANG_NONE) {
        for (size_t i = 0; i < d->count; i++)
            if (d->projects[i]->pub.lang == lang) {
                *out = &d->projects[i]->pub;
                return 0;
            }
        const char *looks_for = "";
        for (size_t i = 0; i < DETECTOR_COUNT; i++)
            if (detectors[i].lang == lang)
                looks_for = detectors[i].looks_for;
        hoist_error_set(err, HOIST_EINPUT, "no %s project here: found no %s",
                        hoist_gen_lang_name(lang), looks_for);
        return hoist_error_hint(err, "run hoist init in the project's root directory, or drop "
                                     "--lang to see what was detected");
    }
    if (d->count == 1) {
        *out = &d->projects[0]->pub;
        return 0;
    }
    if (d->count == 0) {
        hoist_error_set(err, HOIST_EINPUT, "no project detected: looked for go.mod, package.json, "
                                           "pyproject.toml, requirements.txt, Pipfile, Cargo.toml, "
                                           "Makefile, CMakeLists.txt, meson.build, pom.xml, "
                                           "build.gradle");
        return hoist_error_hint(err, "run hoist init in the project's root directory");
    }
    char names[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < d->count && used < sizeof(names); i++)
        used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
                                 hoist_gen_lang_name(d->projects[i]->pub.lang));
    hoist_error_set(err, HOIST_EUSAGE, "several kinds of project detected: %s", names);
    return hoist_error_hint(err, "choose one with --lang %s (or --lang %s)",
                            hoist_gen_lang_name(d->projects[0]->pub.lang),
                            hoist_gen_lang_name(d->projects[1]->pub.lang));
}
