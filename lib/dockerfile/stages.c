/*
 * stages.c - build stages, ARG/ENV scoping and the stage graph, as
 * BuildKit's dockerfile2llb sees them.
 *
 * Global scope (what FROM lines see): the automatic platform ARGs
 * (BUILDPLATFORM, BUILDOS, BUILDARCH, BUILDVARIANT, TARGET*), then the ARGs
 * before the first FROM in order; a --build-arg overrides a declared ARG's
 * default, a default is expanded with what is declared before it.
 * Stage scope: ENV inherited from a parent stage (FROM <stage>), then the
 * stage's own ARG and ENV in order. A global ARG is visible in a stage only
 * when the stage redeclares it (`ARG NAME`), and an automatic platform ARG
 * only when declared too. ENV wins over ARG of the same name. All pairs of
 * one instruction are expanded with the scope before that instruction.
 *
 * Everything here only reads the document: stage lists and scopes are new
 * caller-owned objects with their own arenas, so one parsed document can be
 * queried from several threads at once.
 */
#include <stddef.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/utsname.h>

#include "dockerfile/df_internal.h"
#include "dockerfile/shell_lex.h"

typedef struct scope_var {
    const char *name;
    const char *value; /* NULL: declared without a value (unset) */
    bool is_env;
} scope_var;

struct hoist_df_scope {
    df_arena arena;
    scope_var *vars;
    size_t count, cap;
};

static scope_var *scope_find(const hoist_df_scope *s, const char *name, size_t n, bool env)
{
    for (size_t i = s->count; i-- > 0;)
        if (s->vars[i].is_env == env && strlen(s->vars[i].name) == n && !memcmp(s->vars[i].name, name, n))
            return &s->vars[i];
    return NULL;
}

static bool scope_set(hoist_df_scope *s, const char *name, const char *value, bool env)
{
    scope_var *v = scope_find(s, name, strlen(name), env);
    const char *val = value ? df_arena_strdup(&s->arena, value) : NULL;
    if (value && !val)
        return false;
    if (v) {
        v->value = val;
        return true;
    }
    scope_var nv = {df_arena_strdup(&s->arena, name), val, env};
    return nv.name && df_vec_push((void **)&s->vars, &s->count, &s->cap, sizeof(nv), &nv);
}

bool hoist_df_scope_lookup(void *ctx, const char *name, size_t n, const char **value, size_t *value_len)
{
    const hoist_df_scope *s = ctx;
    const scope_var *v = scope_find(s, name, n, true);
    if (!v || !v->value)
        v = scope_find(s, name, n, false);
    if (!v || !v->value)
        return false;
    *value = v->value;
    *value_len = strlen(v->value);
    return true;
}

const char *hoist_df_scope_get(const hoist_df_scope *s, const char *name)
{
    const char *v;
    size_t n;
    return hoist_df_scope_lookup((void *)s, name, strlen(name), &v, &n) ? v : NULL;
}

void hoist_df_scope_free(hoist_df_scope *s)
{
    if (!s)
        return;
    free(s->vars);
    df_arena_free(&s->arena);
    free(s);
}

/* ---- expansion helper ---- */

static char *expand_in(hoist_df_scope *s, const char *word, char escape, hoist_error *err)
{
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.escape = escape;
    o.lookup = hoist_df_scope_lookup;
    o.lookup_ctx = s;
    char *out = NULL;
    if (hoist_expand(word, strlen(word), &o, &out, err))
        return NULL;
    char *res = df_arena_strdup(&s->arena, out);
    free(out);
    return res;
}

static const hoist_df_build_arg *find_build_arg(const hoist_df_eval_options *o, const char *key)
{
    for (size_t i = 0; o && i < o->build_arg_count; i++)
        if (o->build_args[i].key && !strcmp(o->build_args[i].key, key))
            return &o->build_args[i];
    return NULL;
}

static const char *host_platform(char *buf, size_t n)
{
    struct utsname u;
    const char *arch = "amd64";
    if (uname(&u) == 0) {
        if (!strcmp(u.machine, "aarch64") || !strcmp(u.machine, "arm64"))
            arch = "arm64";
        else if (!strncmp(u.machine, "armv7", 5))
            arch = "arm/v7";
        else if (!strcmp(u.machine, "s390x"))
            arch = "s390x";
        else if (!strcmp(u.machine, "ppc64le"))
            arch = "ppc64le";
        else if (!strcmp(u.machine, "riscv64"))
            arch = "riscv64";
    }
    snprintf(buf, n, "linux/%s", arch);
    return buf;
}

static bool set_platform_args(hoist_df_scope *s, const char *prefix, const char *platform)
{
    char os[64] = "", arch[64] = "", variant[64] = "", key[64];
    sscanf(platform, "%63[^/]/%63[^/]/%63s", os, arch, variant);
    snprintf(key, sizeof(key), "%sPLATFORM", prefix);
    bool ok = scope_set(s, key, platform, false);
    snprintf(key, sizeof(key), "%sOS", prefix);
    ok = ok && scope_set(s, key, os, false);
    snprintf(key, sizeof(key), "%sARCH", prefix);
    ok = ok && scope_set(s, key, arch, false);
    snprintf(key, sizeof(key), "%sVARIANT", prefix);
    return ok && scope_set(s, key, variant, false);
}

static hoist_df_scope *scope_new(void)
{
    return calloc(1, sizeof(hoist_df_scope));
}

static bool is_platform_arg(const char *n)
{
    static const char *const names[] = {"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
                                        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"};
    for (size_t i = 0; i < 8; i++)
        if (!strcmp(n, names[i]))
            return true;
    return false;
}

/* Apply one ARG instruction to scope s. `global` is the global scope when s
 * is a stage scope (NULL when s is the global scope). */
static int apply_arg(hoist_df_scope *s, const hoist_df_scope *global, const hoist_df_instruction *ins,
                     const hoist_df_eval_options *o, char escape, hoist_error *err)
{
    const char **vals = calloc(ins->pair_count + 1, sizeof(char *));
    if (!vals)
        return hoist_error_nomem(err);
    int rc = 0;
    for (size_t i = 0; i < ins->pair_count && rc == 0; i++) {
        const hoist_df_pair *p = &ins->pairs[i];
        const hoist_df_build_arg *ba = find_build_arg(o, p->key);
        if (ba && ba->value)
            vals[i] = ba->value;
        else if (p->value) {
            vals[i] = expand_in(s, p->value, escape, err);
            if (!vals[i])
                rc = HOIST_EINPUT;
        } else if (global) {
            vals[i] = hoist_df_scope_get(global, p->key);
        }
    }
    for (size_t i = 0; i < ins->pair_count && rc == 0; i++)
        if (!scope_set(s, ins->pairs[i].key, vals[i], false))
            rc = hoist_error_nomem(err);
    free(vals);
    return rc;
}

static int apply_env(hoist_df_scope *s, const hoist_df_instruction *ins, char escape, hoist_error *err)
{
    size_t n = ins->pair_count;
    const char **keys = calloc(n + 1, sizeof(char *)), **vals = calloc(n + 1, sizeof(char *));
    int rc = (!keys || !vals) ? hoist_error_nomem(err) : 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        keys[i] = expand_in(s, ins->pairs[i].key, escape, err);
        vals[i] = keys[i] ? expand_in(s, ins->pairs[i].value ? ins->pairs[i].value : "", escape, err) : NULL;
        if (!keys[i] || !vals[i])
            rc = HOIST_EINPUT;
    }
    for (size_t i = 0; i < n && rc == 0; i++)
        if (!scope_set(s, keys[i], vals[i], true))
            rc = hoist_error_nomem(err);
    free(keys);
    free(vals);
    return rc;
}

static int global_scope(const hoist_dockerfile *df, const hoist_df_eval_options *o, hoist_df_scope **out,
                        hoist_error *err)
{
    hoist_df_scope *g = scope_new();
    if (!g)
        return hoist_error_nomem(err);
    char hb[64];
    const char *build = o && o->build_platform ? o->build_platform : host_platform(hb, sizeof(hb));
    const char *target = o && o->target_platform ? o->target_platform : build;
    if (!set_platform_args(g, "BUILD", build) || !set_platform_args(g, "TARGET", target)) {
        hoist_df_scope_free(g);
        return hoist_error_nomem(err);
    }
    for (size_t i = 0; i < df->instruction_count && df->instructions[i].stage < 0; i++) {
        const hoist_df_instruction *ins = &df->instructions[i];
        if (ins->kind != HOIST_DF_ARG)
            continue;
        int rc = apply_arg(g, NULL, ins, o, df->escape, err);
        if (rc) {
            hoist_error_at(err, df->filename, ins->range.start.line, ins->keyword_range.start.column);
            hoist_df_scope_free(g);
            return rc;
        }
    }
    *out = g;
    return 0;
}

/* A stage list handed to the caller: the array and, behind it, the arena
 * holding its strings, so that computing stages never writes into the
 * (immutable, shareable) document. The caller sees `items`. */
typedef struct stage_list {
    df_arena arena;
    size_t count;
    hoist_df_stage items[];
} stage_list;

void hoist_df_stages_free(hoist_df_stage *stages)
{
    if (!stages)
        return;
    stage_list *l = (stage_list *)(void *)((char *)stages - offsetof(stage_list, items));
    df_arena_free(&l->arena);
    free(l);
}

/* Compute the stage list of a document into a new caller-owned list. Only
 * reads `df`. */
static int compute_stages(const hoist_dockerfile *df, const hoist_df_eval_options *o, hoist_df_stage **out,
                          size_t *out_count, hoist_error *err)
{
    *out = NULL;
    *out_count = 0;
    hoist_df_scope *g = NULL;
    int rc = global_scope(df, o, &g, err);
    if (rc)
        return rc;
    size_t n = 0;
    for (size_t i = 0; i < df->instruction_count; i++)
        n += df->instructions[i].kind == HOIST_DF_FROM;
    stage_list *list = calloc(1, sizeof(stage_list) + (n + 1) * sizeof(hoist_df_stage));
    if (!list) {
        hoist_df_scope_free(g);
        return hoist_error_nomem(err);
    }
    df_arena *arena = &list->arena;
    hoist_df_stage *stages = list->items;
    size_t stage_count = 0;
    for (size_t i = 0; i < df->instruction_count; i++) {
        const hoist_df_instruction *ins = &df->instructions[i];
        if (ins->kind != HOIST_DF_FROM) {
            if (stage_count)
                stages[stage_count - 1].instruction_count++;
            continue;
        }
        hoist_df_stage *st = &stages[stage_count];
        st->index = (int)stage_count;
        st->first_instruction = i;
        st->instruction_count = 1;
        st->base_stage = -1;
        st->base = ins->arg_count ? ins->args[0].value : "";
        if (ins->arg_count == 3) {
            char *nm = df_arena_strdup(arena, ins->args[2].value);
            for (char *p = nm; p && *p; p++)
                *p = df_ascii_lower(*p);
            st->name = nm;
        }
        hoist_error e2 = HOIST_ERROR_INIT;
        char *exp = expand_in(g, st->base, df->escape, &e2);
        if (!exp) {
            *err = e2;
            hoist_error_at(err, df->filename, ins->range.start.line, ins->args ? ins->args[0].range.start.column : 1);
            hoist_df_scope_free(g);
            hoist_df_stages_free(stages);
            return HOIST_EINPUT;
        }
        st->base_expanded = df_arena_strdup(arena, exp);
        const hoist_df_flag *pf = hoist_df_instruction_flag(ins, "platform");
        if (pf && pf->value) {
            st->platform = pf->value;
            char *pe = expand_in(g, pf->value, df->escape, &e2);
            st->platform_expanded = pe ? df_arena_strdup(arena, pe) : NULL;
        }
        if (!st->base_expanded) {
            /* out of memory: treated as an image that does not parse */
        } else if (!strcmp(st->base_expanded, "scratch")) {
            st->base_kind = HOIST_DF_BASE_SCRATCH;
        } else {
            for (size_t k = 0; k < stage_count; k++)
                if (stages[k].name && !strcasecmp(stages[k].name, st->base_expanded)) {
                    st->base_kind = HOIST_DF_BASE_STAGE;
                    st->base_stage = (int)k;
                }
            if (st->base_kind == HOIST_DF_BASE_IMAGE) {
                hoist_image_ref *ref = NULL;
                hoist_error e3 = HOIST_ERROR_INIT;
                if (hoist_image_ref_parse(st->base_expanded, &ref, &e3) == 0) {
                    hoist_image_ref *copy = df_arena_alloc(arena, sizeof(*copy));
                    if (copy) {
                        copy->text = df_arena_strdup(arena, ref->text);
                        copy->registry = df_arena_strdup(arena, ref->registry);
                        copy->repository = df_arena_strdup(arena, ref->repository);
                        copy->tag = ref->tag ? df_arena_strdup(arena, ref->tag) : NULL;
                        copy->digest = ref->digest ? df_arena_strdup(arena, ref->digest) : NULL;
                    }
                    st->image = copy;
                    hoist_image_ref_free(ref);
                }
            }
        }
        stage_count++;
    }
    hoist_df_scope_free(g);
    list->count = stage_count;
    *out = stages;
    *out_count = stage_count;
    return 0;
}

int hoist_dockerfile_stages(const hoist_dockerfile *df, const hoist_df_eval_options *o, hoist_df_stage **stages,
                            size_t *count, hoist_error *err)
{
    *stages = NULL;
    *count = 0;
    if (!df)
        return hoist_error_set(err, HOIST_EUSAGE, "no Dockerfile");
    return compute_stages(df, o, stages, count, err);
}

int hoist_dockerfile_scope_at(const hoist_dockerfile *df, size_t index, const hoist_df_eval_options *o,
                              hoist_df_scope **out, hoist_error *err)
{
    *out = NULL;
    if (index > df->instruction_count)
        return hoist_error_set(err, HOIST_EUSAGE, "instruction index %zu out of range", index);
    hoist_df_scope *g = NULL;
    int rc = global_scope(df, o, &g, err);
    if (rc)
        return rc;
    int stage = index < df->instruction_count ? df->instructions[index].stage : -1;
    if (index < df->instruction_count && df->instructions[index].kind == HOIST_DF_FROM)
        stage = -1; /* a FROM line sees the global scope */
    if (stage < 0) {
        *out = g;
        return 0;
    }
    hoist_df_stage *stages = NULL;
    size_t nst;
    if ((rc = compute_stages(df, o, &stages, &nst, err))) {
        hoist_df_scope_free(g);
        return rc;
    }
    /* the chain of FROM <stage> parents, oldest first, contributes ENV */
    int chain[64];
    size_t depth = 0;
    for (int s = stage; s >= 0 && depth < 64; s = stages[s].base_stage)
        chain[depth++] = s;
    hoist_df_scope *sc = scope_new();
    if (!sc) {
        hoist_df_scope_free(g);
        hoist_df_stages_free(stages);
        return hoist_error_nomem(err);
    }
    for (size_t d = depth; d-- > 0 && rc == 0;) {
        const hoist_df_stage *st = &stages[chain[d]];
        /* ARGs do not cross stages: keep only ENV from parents */
        for (size_t k = 0; k < sc->count; k++)
            if (!sc->vars[k].is_env)
                sc->vars[k].value = NULL;
        size_t end = st->first_instruction + st->instruction_count;
        if (d == 0)
            end = index;
        for (size_t i = st->first_instruction + 1; i < end && rc == 0; i++) {
            const hoist_df_instruction *ins = &df->instructions[i];
            if (ins->kind == HOIST_DF_ARG) {
                rc = apply_arg(sc, g, ins, o, df->escape, err);
                /* automatic platform ARGs become visible when declared */
                for (size_t p = 0; rc == 0 && p < ins->pair_count; p++)
                    if (!ins->pairs[p].value && is_platform_arg(ins->pairs[p].key) &&
                        !find_build_arg(o, ins->pairs[p].key))
                        scope_set(sc, ins->pairs[p].key, hoist_df_scope_get(g, ins->pairs[p].key), false);
            } else if (ins->kind == HOIST_DF_ENV) {
                rc = apply_env(sc, ins, df->escape, err);
            }
            if (rc)
                hoist_error_at(err, df->filename, ins->range.start.line, ins->keyword_range.start.column);
        }
    }
    hoist_df_scope_free(g);
    hoist_df_stages_free(stages);
    if (rc) {
        hoist_df_scope_free(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

/* ---- stage references ---- */

int hoist_dockerfile_resolve_from(const hoist_dockerfile *df, int stage, const char *from,
                                  hoist_df_copy_from *out, hoist_error *err)
{
    /* Stage names and numbers come from the FROM lines as written (names
     * are not expanded), so no stage evaluation is needed. */
    out->kind = HOIST_DF_FROM_IMAGE;
    out->stage = -1;
    out->text = from;
    size_t n = 0;
    for (size_t i = 0; i < df->instruction_count; i++) {
        const hoist_df_instruction *ins = &df->instructions[i];
        if (ins->kind != HOIST_DF_FROM)
            continue;
        if (ins->arg_count == 3 && !strcasecmp(ins->args[2].value, from)) {
            if ((int)n == stage)
                return hoist_error_set(err, HOIST_EINPUT, "circular dependency detected on stage: %s", from);
            out->kind = HOIST_DF_FROM_STAGE;
            out->stage = (int)n;
            return 0;
        }
        n++;
    }
    char *end;
    long idx = strtol(from, &end, 10);
    if (*from && !*end && from[0] != '+' && from[0] != ' ') {
        if (idx < 0 || (size_t)idx >= n) {
            hoist_error_set(err, HOIST_EINPUT, "invalid stage index %ld", idx);
            return hoist_error_hint(err, "stages are numbered from 0 in FROM order; there are %zu", n);
        }
        if ((int)idx == stage)
            return hoist_error_set(err, HOIST_EINPUT, "circular dependency detected on stage: %ld", idx);
        out->kind = HOIST_DF_FROM_STAGE;
        out->stage = (int)idx;
    }
    return 0;
}

/* Stage references of one instruction: COPY --from and RUN --mount from=. */
static void collect_refs(const hoist_dockerfile *df, const hoist_df_instruction *ins, int stage, bool *needed,
                         int *todo, size_t *ntodo, hoist_df_scope *scope)
{
    for (size_t f = 0; f < ins->flag_count; f++) {
        const hoist_df_flag *fl = &ins->flags[f];
        const char *from = NULL;
        char buf[512];
        if (ins->kind == HOIST_DF_COPY && !strcmp(fl->name, "from") && fl->value) {
            from = fl->value;
        } else if (ins->kind == HOIST_DF_RUN && !strcmp(fl->name, "mount") && fl->value) {
            /* comma-separated key=value; from= names the source */
            const char *p = fl->value;
            while (p && *p) {
                const char *c = strchr(p, ',');
                size_t len = c ? (size_t)(c - p) : strlen(p);
                if (len > 5 && !strncasecmp(p, "from=", 5) && len - 5 < sizeof(buf)) {
                    memcpy(buf, p + 5, len - 5);
                    buf[len - 5] = 0;
                    from = buf;
                }
                p = c ? c + 1 : NULL;
            }
        }
        if (!from)
            continue;
        char *exp = scope ? expand_in(scope, from, df->escape, NULL) : NULL;
        hoist_df_copy_from r;
        hoist_error e = HOIST_ERROR_INIT;
        if (hoist_dockerfile_resolve_from(df, stage, exp ? exp : from, &r, &e) == 0 &&
            r.kind == HOIST_DF_FROM_STAGE && !needed[r.stage]) {
            needed[r.stage] = true;
            todo[(*ntodo)++] = r.stage;
        }
    }
}

static int stage_graph(const hoist_dockerfile *df, const hoist_df_stage *stages, size_t n, const char *target,
                       const hoist_df_eval_options *o, bool *needed, size_t needed_count, hoist_error *err);

int hoist_dockerfile_target_stages(const hoist_dockerfile *df, const char *target, const hoist_df_eval_options *o,
                                   bool *needed, size_t needed_count, hoist_error *err)
{
    hoist_df_stage *stages = NULL;
    size_t n;
    int rc = compute_stages(df, o, &stages, &n, err);
    if (!rc)
        rc = stage_graph(df, stages, n, target, o, needed, needed_count, err);
    hoist_df_stages_free(stages);
    return rc;
}

static int stage_graph(const hoist_dockerfile *df, const hoist_df_stage *stages, size_t n, const char *target,
                       const hoist_df_eval_options *o, bool *needed, size_t needed_count, hoist_error *err)
{
    if (needed_count < n)
        return hoist_error_set(err, HOIST_EUSAGE, "needed[] has %zu entries, the file has %zu stages", needed_count, n);
    memset(needed, 0, needed_count * sizeof(bool));
    if (n == 0)
        return 0;
    int t = (int)n - 1;
    if (target && *target) {
        t = -1;
        for (size_t i = 0; i < n; i++)
            if (stages[i].name && !strcasecmp(stages[i].name, target))
                t = (int)i;
        if (t < 0) {
            hbuf names = {0};
            for (size_t i = 0; i < n; i++)
                if (stages[i].name) {
                    if (names.len)
                        hbuf_puts(&names, ", ");
                    hbuf_puts(&names, stages[i].name);
                }
            hoist_error_set(err, HOIST_EUSAGE, "target stage \"%s\" could not be found", target);
            hoist_error_hint(err, names.len ? "named stages: %s" : "%s", names.len ? names.data : "the Dockerfile has no named stages");
            hbuf_free(&names);
            return HOIST_EUSAGE;
        }
    }
    int *todo = calloc(n * 2 + 2, sizeof(int));
    if (!todo)
        return hoist_error_nomem(err);
    size_t ntodo = 0;
    needed[t] = true;
    todo[ntodo++] = t;
    while (ntodo) {
        int s = todo[--ntodo];
        const hoist_df_stage *st = &stages[s];
        if (st->base_stage >= 0 && !needed[st->base_stage]) {
            needed[st->base_stage] = true;
            todo[ntodo++] = st->base_stage;
        }
        for (size_t i = st->first_instruction + 1; i < st->first_instruction + st->instruction_count; i++) {
            hoist_df_scope *sc = NULL;
            hoist_error e = HOIST_ERROR_INIT;
            const hoist_df_instruction *ins = &df->instructions[i];
            bool has_ref = false;
            for (size_t f = 0; f < ins->flag_count; f++)
                has_ref |= !strcmp(ins->flags[f].name, "from") || !strcmp(ins->flags[f].name, "mount");
            if (!has_ref)
                continue;
            hoist_dockerfile_scope_at(df, i, o, &sc, &e);
            collect_refs(df, ins, s, needed, todo, &ntodo, sc);
            hoist_df_scope_free(sc);
        }
    }
    free(todo);
    return 0;
}
