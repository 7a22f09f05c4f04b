/*
 * test_bake_file.c - reading bake files (lib/bake/file.c) and planning
 * them (lib/bake/plan.c): the JSON format and compose build: sections,
 * matrix expansion, groups, dependency order, cycles named with their
 * path, and every bad input reported at its file and line with a hint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bake/bake_internal.h"

static hoist_bake_file *parse_ok(const char *text, const char *name)
{
    hoist_bake_file *f = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_bake_file_parse(&f, text, strlen(text), name, &err);
    if (rc)
        fail_msg("%s: %s:%d: %s (%s)", name, err.file, err.line, err.message, err.hint);
    return f;
}

static hoist_error parse_bad(const char *text, const char *name)
{
    hoist_bake_file *f = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    int rc = hoist_bake_file_parse(&f, text, strlen(text), name, &err);
    assert_int_equal(rc, HOIST_EINPUT);
    assert_null(f);
    assert_string_equal(err.file, name);
    assert_true(err.hint[0] != '\0');
    return err;
}

static const hoist_bake_target *find(const hoist_bake_file *f, const char *name)
{
    for (size_t i = 0; i < hoist_bake_file_target_count(f); i++)
        if (!strcmp(hoist_bake_file_target_at(f, i)->name, name))
            return hoist_bake_file_target_at(f, i);
    fail_msg("no target %s", name);
    return NULL;
}

static void json_targets(void **state)
{
    (void)state;
    const char *text = "{\n"
                       "  \"group\": {\"default\": {\"targets\": [\"app\"]}},\n"
                       "  \"target\": {\n"
                       "    \"base\": {\"context\": \"base\", \"tags\": [\"b:1\"]},\n"
                       "    \"app\": {\n"
                       "      \"context\": \"src\", \"dockerfile\": \"build/Dockerfile\",\n"
                       "      \"args\": {\"V\": \"1\", \"N\": 2, \"E\": null}, \"labels\": {\"l\": \"x\"},\n"
                       "      \"tags\": [\"app:1\", \"app:latest\"], \"target\": \"run\", \"platforms\": [\"linux/amd64\"],\n"
                       "      \"contexts\": {\"BASE\": \"target:base\"}, \"no-cache\": true, \"network\": \"none\",\n"
                       "      \"cache-from\": [\"type=registry,ref=r/c:app\", \"r/plain\"], \"cache-to\": [\"type=inline\"],\n"
                       "      \"output\": [\"type=local,dest=out\"]\n"
                       "    }\n"
                       "  }\n"
                       "}\n";
    hoist_bake_file *f = parse_ok(text, "/p/docker-bake.json");
    assert_false(hoist_bake_file_is_compose(f));
    assert_int_equal(hoist_bake_file_target_count(f), 2);
    const hoist_bake_target *t = find(f, "app");
    assert_string_equal(t->context, "/p/src");
    assert_string_equal(t->dockerfile, "/p/src/build/Dockerfile");
    assert_int_equal(t->arg_count, 4);
    assert_string_equal(t->args[0], "V=1");
    assert_string_equal(t->args[1], "N=2");
    assert_string_equal(t->args[2], "E");
    assert_string_equal(t->args[3], "BASE=@target:base");
    assert_int_equal(t->tag_count, 2);
    assert_string_equal(t->target, "run");
    assert_true(t->no_cache);
    assert_string_equal(t->network, "none");
    assert_int_equal(t->cache_from_count, 2);
    assert_string_equal(t->cache_from[0], "r/c:app");
    assert_string_equal(t->cache_from[1], "r/plain");
    assert_string_equal(t->cache_to[0], "type=inline");
    assert_string_equal(t->output, "type=local,dest=out");
    assert_int_equal(t->depends_on_count, 1);
    assert_string_equal(t->depends_on[0], "base");
    assert_int_equal(t->line, 5);

    /* the default group: app and its dependency, dependency first; the
     * contexts arg becomes the dependency's tag */
    hoist_bake_plan *p = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_bake_plan_new(&p, f, NULL, 0, &err), 0);
    assert_int_equal(hoist_bake_plan_target_count(p), 2);
    assert_string_equal(hoist_bake_plan_target_at(p, 0)->name, "base");
    assert_string_equal(hoist_bake_plan_target_at(p, 1)->name, "app");
    assert_string_equal(hoist_bake_plan_target_at(p, 1)->args[3], "BASE=b:1");
    assert_int_equal(p->dep_count[1], 1);
    assert_int_equal(p->deps[1][0], 0);
    char *json = NULL;
    assert_int_equal(hoist_bake_plan_json(p, &json, &err), 0);
    assert_non_null(strstr(json, "\"BASE\": \"b:1\""));
    free(json);
    hoist_bake_plan_free(p);
    hoist_bake_file_free(f);
}

static void json_matrix(void **state)
{
    (void)state;
    const char *text = "{\"target\": {\n"
                       " \"lib\": {\"matrix\": {\"v\": [\"1\", \"2\"], \"os\": [\"a\", \"b\", \"c\"]},\n"
                       "         \"name\": \"lib-${os}-${v}\", \"context\": \"lib${v}\",\n"
                       "         \"args\": {\"VERSION\": \"${v}\", \"KEEP\": \"${other}\"}, \"tags\": [\"lib:${v}-${os}\"]},\n"
                       " \"plain\": {\"matrix\": {\"x\": [\"1\", \"2\"]}},\n"
                       " \"all\": {\"depends_on\": [\"lib\"]}\n"
                       "}}";
    hoist_bake_file *f = parse_ok(text, "docker-bake.json");
    assert_int_equal(hoist_bake_file_target_count(f), 6 + 2 + 1);
    const hoist_bake_target *t = find(f, "lib-c-2");
    assert_string_equal(t->context, "lib2");
    assert_string_equal(t->args[0], "VERSION=2");
    assert_string_equal(t->args[1], "KEEP=${other}"); /* not a matrix variable: kept */
    assert_string_equal(t->tags[0], "lib:2-c");
    find(f, "plain-1");
    find(f, "plain-2");
    /* a dependency on the matrix's name is all of its instances */
    hoist_bake_plan *p = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    const char *names[] = {"all"};
    assert_int_equal(hoist_bake_plan_new(&p, f, names, 1, &err), 0);
    assert_int_equal(hoist_bake_plan_target_count(p), 7);
    assert_string_equal(hoist_bake_plan_target_at(p, 6)->name, "all");
    assert_int_equal(p->dep_count[6], 6);
    hoist_bake_plan_free(p);
    /* naming the matrix selects its instances */
    const char *lib[] = {"plain"};
    assert_int_equal(hoist_bake_plan_new(&p, f, lib, 1, &err), 0);
    assert_int_equal(hoist_bake_plan_target_count(p), 2);
    hoist_bake_plan_free(p);
    hoist_bake_file_free(f);

    /* bake_subst on its own */
    char *vars[] = {"a", "bb"}, *vals[] = {"1", "two"};
    char *s = bake_subst("${a}-${bb}-${c}-$a-${a", vars, vals, 2);
    assert_string_equal(s, "1-two-${c}-$a-${a");
    free(s);
    /* two instances with one name */
    hoist_error e = parse_bad("{\"target\": {\"x\": {\"matrix\": {\"v\": [\"1\", \"2\"]}, \"name\": \"same\"}}}",
                              "m.json");
    assert_non_null(strstr(e.message, "two targets are named \"same\""));
}

static void compose_services(void **state)
{
    (void)state;
    const char *text = "services:\n"
                       "  db:\n"
                       "    image: postgres:16\n"
                       "  api:\n"
                       "    build:\n"
                       "      context: ./api\n"
                       "      dockerfile: Dockerfile.prod\n"
                       "      args:\n"
                       "        - GO=1.22\n"
                       "        - PROXY\n"
                       "      target: run\n"
                       "      cache_from: [reg/api:cache]\n"
                       "    image: reg/api:1\n"
                       "    depends_on: [db, base]\n"
                       "  base:\n"
                       "    build: base\n"
                       "  web:\n"
                       "    build: {context: web, args: {A: 1}, tags: [web:extra], no_cache: true}\n"
                       "    depends_on:\n"
                       "      api: {condition: service_started}\n";
    hoist_bake_file *f = parse_ok(text, "/srv/My-Proj/compose.yaml");
    assert_true(hoist_bake_file_is_compose(f));
    assert_int_equal(hoist_bake_file_target_count(f), 3);
    const hoist_bake_target *api = find(f, "api");
    assert_string_equal(api->context, "/srv/My-Proj/./api");
    assert_string_equal(api->dockerfile, "/srv/My-Proj/./api/Dockerfile.prod");
    assert_string_equal(api->args[0], "GO=1.22");
    assert_string_equal(api->args[1], "PROXY");
    assert_string_equal(api->tags[0], "reg/api:1");
    assert_string_equal(api->cache_from[0], "reg/api:cache");
    /* db has no build: a run-time dependency only */
    assert_int_equal(api->depends_on_count, 1);
    assert_string_equal(api->depends_on[0], "base");
    assert_int_equal(api->line, 4);
    const hoist_bake_target *base = find(f, "base");
    assert_string_equal(base->tags[0], "my-proj-base"); /* docker compose's PROJECT-SERVICE */
    const hoist_bake_target *web = find(f, "web");
    assert_string_equal(web->args[0], "A=1");
    assert_int_equal(web->tag_count, 2);
    assert_true(web->no_cache);
    hoist_bake_plan *p = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_bake_plan_new(&p, f, NULL, 0, &err), 0);
    assert_int_equal(hoist_bake_plan_target_count(p), 3);
    assert_string_equal(hoist_bake_plan_target_at(p, 0)->name, "base");
    assert_string_equal(hoist_bake_plan_target_at(p, 1)->name, "api");
    assert_string_equal(hoist_bake_plan_target_at(p, 2)->name, "web");
    hoist_bake_plan_free(p);
    hoist_bake_file_free(f);
}

struct bad_case {
    const char *name, *text;
    int line;
    const char *message;
};

static void bad_inputs(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"a.json", "{\"target\": {\"x\": {\"context\": \".\",}}}", 1, "not valid JSON"},
        {"a.json", "{\"target\": {\n \"x\": {\n  \"contxt\": \".\"}}}", 3, "unknown key \"contxt\""},
        {"a.json", "{\"target\": {\n \"x\": {\"tags\": \"a:1\"}}}", 2, "\"tags\" must be a list"},
        {"a.json", "{\"target\": {\n \"x\": {\n \"args\": [\"A=1\"]}}}", 3, "\"args\" must be a map"},
        {"a.json", "{\"target\": {\n \"x\": {\"no-cache\": \"yes\"}}}", 2, "must be true or false"},
        {"a.json", "{\"target\": {\n \"x\": {\"contexts\": {\"B\": \"docker-image://x\"}}}}", 2, "not target:NAME"},
        {"a.json", "{\"target\": {\n \"x\": {\"cache-to\": [\"type=local,dest=d\"]}}}", 2, "not supported"},
        {"a.json", "{\"target\": {\n \"x\": {\"name\": \"y\"}}}", 2, "only for a matrix"},
        {"a.json", "{\"target\": {\n \"x\": {\"matrix\": {\"v\": []}}}}", 2, "non-empty list"},
        {"a.json", "{\"targets\": {}}", 1, "unknown key \"targets\""},
        {"a.json", "{\"group\": {\"default\": {\"targets\": [\"x\"]}}}", 0, "defines no target"},
        {"a.json", "[]", 1, "not a map"},
        {"c.yaml", "services:\n  a:\n    build:\n      contxt: .\n", 4, "build key \"contxt\""},
        {"c.yaml", "services:\n  a:\n    build: [x]\n", 3, "\"build\" must be a directory or a map"},
        {"c.yaml", "services:\n  a:\n    build: .\n    depends_on: [nope]\n", 2, "not a service"},
        {"c.yaml", "services:\n  a:\n    image: x\n", 1, "no service has a build"},
        {"c.yaml", "version: '3'\n", 1, "no \"services\""},
        {"c.yaml", "services:\n  a:\n    build: .\n  a:\n    build: .\n", 4, "uplicate"},
        {"c.yaml", "services:\n  a: [\n", 3, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hoist_error e = parse_bad(cases[i].text, cases[i].name);
        if (!strstr(e.message, cases[i].message) || (cases[i].line && e.line != cases[i].line))
            fail_msg("case %zu: %s:%d: %s (want line %d, '%s')", i, e.file, e.line, e.message, cases[i].line,
                     cases[i].message);
    }
}

static void plan_errors(void **state)
{
    (void)state;
    const char *text = "{\"target\": {\n"
                       " \"a\": {\"depends_on\": [\"b\"]},\n"
                       " \"b\": {\"depends_on\": [\"c\"]},\n"
                       " \"c\": {\"depends_on\": [\"a\"]},\n"
                       " \"d\": {}\n"
                       "}}";
    hoist_bake_file *f = parse_ok(text, "cyc.json");
    hoist_bake_plan *p = NULL;
    hoist_error err = HOIST_ERROR_INIT;
    const char *d[] = {"d"};
    assert_int_equal(hoist_bake_plan_new(&p, f, d, 1, &err), HOIST_EINPUT);
    assert_null(p);
    assert_string_equal(err.message, "dependency cycle: a -> b -> c -> a");
    assert_string_equal(err.file, "cyc.json");
    assert_int_equal(err.line, 2);
    hoist_bake_file_free(f);

    f = parse_ok("{\"target\": {\"self\": {\"depends_on\": [\"self\"]}}}", "s.json");
    assert_int_equal(hoist_bake_plan_new(&p, f, NULL, 0, &err), HOIST_EINPUT);
    assert_string_equal(err.message, "dependency cycle: self -> self");
    hoist_bake_file_free(f);

    f = parse_ok("{\"target\": {\"app\": {}, \"x\": {\n\"depends_on\": [\"ap\"]}},\n"
                 " \"group\": {\"g\": {\"targets\": [\"h\"]}, \"h\": {\"targets\": [\"g\"]}}}", "u.json");
    const char *missing[] = {"aap"};
    assert_int_equal(hoist_bake_plan_new(&p, f, missing, 1, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "depends on \"ap\""));
    hoist_bake_file_free(f);

    f = parse_ok("{\"target\": {\"app\": {}},\n"
                 " \"group\": {\"g\": {\"targets\": [\"h\"]}, \"h\": {\"targets\": [\"g\"]}}}", "u.json");
    assert_int_equal(hoist_bake_plan_new(&p, f, missing, 1, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "no target or group \"aap\""));
    assert_string_equal(err.hint, "did you mean \"app\"?");
    const char *g[] = {"g"};
    assert_int_equal(hoist_bake_plan_new(&p, f, g, 1, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "nest more than 32"));
    hoist_bake_file_free(f);

    f = parse_ok("{\"target\": {\"a\": {}, \"b\": {\"contexts\": {\"A\": \"target:a\"}}}}", "t.json");
    assert_int_equal(hoist_bake_plan_new(&p, f, NULL, 0, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "needs \"a\" to have a tag"));
    hoist_bake_file_free(f);
}

static void default_lookup(void **state)
{
    (void)state;
    char dir[] = "/tmp/hoist-bake-find.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[4096], path[4200];
    hoist_error err = HOIST_ERROR_INIT;
    assert_int_equal(hoist_bake_file_find(out, sizeof(out), dir, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.message, "no bake file"));
    snprintf(path, sizeof(path), "%s/docker-bake.hcl", dir);
    FILE *fp = fopen(path, "w");
    fclose(fp);
    assert_int_equal(hoist_bake_file_find(out, sizeof(out), dir, &err), HOIST_EINPUT);
    assert_non_null(strstr(err.hint, "docker buildx bake --print"));
    snprintf(path, sizeof(path), "%s/docker-compose.yml", dir);
    fclose(fopen(path, "w"));
    assert_int_equal(hoist_bake_file_find(out, sizeof(out), dir, &err), 0);
    assert_string_equal(out, path);
    char path2[4200];
    snprintf(path2, sizeof(path2), "%s/docker-bake.json", dir);
    fclose(fopen(path2, "w"));
    assert_int_equal(hoist_bake_file_find(out, sizeof(out), dir, &err), 0);
    assert_string_equal(out, path2);
    unlink(path2);
    unlink(path);
    snprintf(path, sizeof(path), "%s/docker-bake.hcl", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_targets),
        cmocka_unit_test(json_matrix),
        cmocka_unit_test(compose_services),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(plan_errors),
        cmocka_unit_test(default_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
