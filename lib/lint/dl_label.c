/*
 * dl_label.c - hadolint's label rules: label key syntax (DL3048) and the
 * label schema checks (DL3049-DL3058) that apply when `.hoist.yaml` has a
 * `label-schema:` map of label name to type (text, url, rfc3339, semver,
 * hash, spdx, email), optionally with `strict-labels: true`.
 *
 * Values are checked as written (surrounding quotes removed); values that
 * use a variable are skipped, since only the build knows them.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef void (*label_fn)(lint_ctx *ctx, size_t i, const hoist_df_pair *p, const char *key,
                         const char *value);

static void each_label(lint_ctx *ctx, label_fn fn)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_LABEL)
            continue;
        for (size_t p = 0; p < ins->pair_count; p++) {
            char k[512], v[2048];
            lint_strip_quotes(ins->pairs[p].key, k, sizeof(k));
            lint_strip_quotes(ins->pairs[p].value ? ins->pairs[p].value : "", v, sizeof(v));
            fn(ctx, i, &ins->pairs[p], k, v);
        }
    }
}

static const char *schema_type(const lint_ctx *ctx, const char *key)
{
    for (size_t i = 0; i < lint_config_label_count(ctx->cfg); i++) {
        const char *n, *t;
        lint_config_label(ctx->cfg, i, &n, &t);
        if (!strcmp(n, key))
            return t;
    }
    return NULL;
}

/* ---------------------------------------------------------------- DL3048 */
/* hadolint's label key test: starts with a-z, ends with a-z or 0-9, only
 * a-z 0-9 . - _ /, no reserved namespace, no ".." or "--" (so a variable
 * in the key is reported too). */
static bool key_valid(const char *k)
{
    size_t n = strlen(k);
    if (!n)
        return false;
    if (lint_has_prefix(k, "com.docker.") || lint_has_prefix(k, "io.docker.") ||
        lint_has_prefix(k, "org.dockerproject."))
        return false;
    if (!islower((unsigned char)k[0]) || k[0] > 'z' ||
        !(islower((unsigned char)k[n - 1]) || isdigit((unsigned char)k[n - 1])))
        return false;
    if (strstr(k, "..") || strstr(k, "--"))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("._/-", c)))
            return false;
    }
    return true;
}

static void f3048(lint_ctx *ctx, size_t i, const hoist_df_pair *p, const char *k, const char *v)
{
    if (!key_valid(k))
        lint_report(ctx, (int)i, &p->range,
                    "use lower-case reverse-DNS keys such as org.opencontainers.image.source",
                    "Invalid Label Key: '%s'", k);
}

static void dl3048(lint_ctx *ctx)
{
    each_label(ctx, f3048);
}

/* ---------------------------------------------------------------- DL3049 */
/* Stage names as hadolint's stage-tracking rules see them. */
typedef struct stage_id {
    size_t ins;        /* its FROM */
    const char *alias; /* AS name as written, or NULL */
    char image[256];   /* image name without tag or digest */
    int state;         /* 0 bad, 1 good, 2 silent */
} stage_id;

static size_t stage_ids(lint_ctx *ctx, stage_id **out)
{
    size_t n = 0;
    *out = calloc(ctx->n ? ctx->n : 1, sizeof(**out));
    if (!*out) {
        ctx->status = HOIST_EFAILED;
        return 0;
    }
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *f = lint_ins_top(ctx, i);
        if (f->kind != HOIST_DF_FROM || !f->arg_count)
            continue;
        stage_id *st = &(*out)[n++];
        st->ins = i;
        st->alias = lint_from_alias(f);
        const char *img = f->args[0].value ? f->args[0].value : "";
        size_t len = strcspn(img, "@");
        const char *slash = memrchr(img, '/', len);
        const char *colon = strchr(slash ? slash : img, ':');
        if (colon && (size_t)(colon - img) < len)
            len = (size_t)(colon - img);
        snprintf(st->image, sizeof(st->image), "%.*s", (int)len, img);
    }
    return n;
}

static bool alias_is(const stage_id *st, const char *name)
{
    return st->alias && name && !strcmp(st->alias, name);
}

/* hadolint's DL3049, per label: a stage is fine when it sets the label,
 * when it is built FROM a stage that did, or when a later stage that sets
 * the label or a COPY --from uses it by name (it is an intermediate). */
static void dl3049(lint_ctx *ctx)
{
    size_t n = lint_config_label_count(ctx->cfg);
    for (size_t l = 0; l < n; l++) {
        const char *name, *type;
        lint_config_label(ctx->cfg, l, &name, &type);
        stage_id *ids = NULL;
        size_t count = stage_ids(ctx, &ids), cur = 0;
        bool in_stage = false;
        for (size_t i = 0; i < ctx->n; i++) {
            const hoist_df_instruction *ins = lint_ins_top(ctx, i);
            if (ins->kind == HOIST_DF_FROM) {
                if (in_stage)
                    cur++;
                in_stage = true;
                if (cur >= count)
                    break;
                for (size_t t = 0; t < cur; t++)
                    if (ids[t].state == 1 && alias_is(&ids[t], ids[cur].image))
                        ids[cur].state = 1;
                continue;
            }
            if (!in_stage)
                continue;
            const char *silence = NULL;
            if (ins->kind == HOIST_DF_COPY) {
                const hoist_df_flag *from = hoist_df_instruction_flag(ins, "from");
                silence = from ? from->value : NULL;
            } else if (ins->kind == HOIST_DF_LABEL) {
                bool has = false;
                for (size_t p = 0; p < ins->pair_count && !has; p++) {
                    char k[512];
                    lint_strip_quotes(ins->pairs[p].key, k, sizeof(k));
                    has = !strcmp(k, name);
                }
                if (has) {
                    silence = ids[cur].alias ? ids[cur].alias : ids[cur].image;
                    ids[cur].state = 1;
                }
            }
            for (size_t t = 0; silence && t < count; t++)
                if (ids[t].state == 0 && alias_is(&ids[t], silence))
                    ids[t].state = 2;
        }
        for (size_t t = 0; t < count; t++)
            if (ids[t].state == 0)
                lint_report(ctx, (int)ids[t].ins, NULL, "add LABEL <name>=<value> to the stage",
                            "Label `%s` is missing.", name);
        free(ids);
    }
}

static void f3050(lint_ctx *ctx, size_t i, const hoist_df_pair *p, const char *k, const char *v)
{
    if (!schema_type(ctx, k))
        lint_report(ctx, (int)i, &p->range, "remove it or add it to label-schema",
                    "Superfluous label(s) present: '%s'", k);
}

static void dl3050(lint_ctx *ctx)
{
    if (lint_config_strict_labels(ctx->cfg))
        each_label(ctx, f3050);
}

static void f3051(lint_ctx *ctx, size_t i, const hoist_df_pair *p, const char *k, const char *v)
{
    if (schema_type(ctx, k) && !v[0])
        lint_report(ctx, (int)i, &p->range, "give it a value", "Label `%s` is empty.", k);
}

static void dl3051(lint_ctx *ctx)
{
    each_label(ctx, f3051);
}

/* ---------------------------------------------------------- value checks */
static bool is_url(const char *v)
{
    const char *s = strstr(v, "://");
    if (!s || s == v)
        return false;
    for (const char *p = v; p < s; p++)
        if (!(isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.'))
            return false;
    return s[3] != '\0' && !strchr(v, ' ');
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool is_rfc3339(const char *v)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    if (strlen(v) < 20 || !digits(v, 4) || v[4] != '-' || !digits(v + 5, 2) || v[7] != '-' ||
        !digits(v + 8, 2) || (v[10] != 'T' && v[10] != 't' && v[10] != ' ') ||
        !digits(v + 11, 2) || v[13] != ':' || !digits(v + 14, 2) || v[16] != ':' ||
        !digits(v + 17, 2))
        return false;
    const char *p = v + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p == 'Z' || *p == 'z')
        return p[1] == '\0';
    return (*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
           p[6] == '\0';
}

static bool is_semver(const char *v)
{
    const char *p = v;
    for (int part = 0; part < 3; part++) {
        if (!isdigit((unsigned char)*p))
            return false;
        if (*p == '0' && isdigit((unsigned char)p[1]))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        if (part < 2 && *p++ != '.')
            return false;
    }
    if (*p == '-') {
        p++;
        if (!*p)
            return false;
        while (isalnum((unsigned char)*p) || *p == '.' || *p == '-')
            p++;
    }
    if (*p == '+') {
        p++;
        if (!*p)
            return false;
        while (isalnum((unsigned char)*p) || *p == '.' || *p == '-')
            p++;
    }
    return *p == '\0';
}

static bool is_hash(const char *v)
{
    size_t n = strlen(v);
    if (n != 7 && n != 40 && n != 64 && !(n >= 7 && n <= 12))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)v[i]))
            return false;
    return true;
}

static bool is_email(const char *v)
{
    const char *at = strchr(v, '@');
    if (!at || at == v || strchr(at + 1, '@') || strchr(v, ' '))
        return false;
    const char *dot = strrchr(at, '.');
    return dot && dot > at + 1 && dot[1];
}

/* SPDX: a list of common identifiers, LicenseRef-*, and expressions built
 * with AND/OR/WITH and parentheses. */
static bool spdx_id(const char *s, size_t n)
{
    static const char *const ids[] = {
        "0BSD", "AGPL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0",
        "Artistic-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Clear",
        "BSL-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "CDDL-1.0", "CDDL-1.1", "EPL-1.0",
        "EPL-2.0", "EUPL-1.2", "GPL-2.0", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0",
        "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.1", "LGPL-2.1-only",
        "LGPL-2.1-or-later", "LGPL-3.0", "LGPL-3.0-only", "LGPL-3.0-or-later", "MIT", "MIT-0",
        "MPL-1.1", "MPL-2.0", "MS-PL", "NCSA", "OFL-1.1", "OpenSSL", "PostgreSQL", "Python-2.0",
        "Ruby", "Unlicense", "UPL-1.0", "Vim", "WTFPL", "X11", "Zlib", "ZPL-2.1",
        "Classpath-exception-2.0", "LLVM-exception", "GCC-exception-3.1", NULL};
    if (n > 11 && !strncmp(s, "LicenseRef-", 11))
        return true;
    if (n && s[n - 1] == '+')
        n--;
    for (size_t i = 0; ids[i]; i++)
        if (strlen(ids[i]) == n && !strncasecmp(ids[i], s, n))
            return true;
    return false;
}

static bool is_spdx(const char *v)
{
    bool want_id = true, any = false;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '(' || *p == ')')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ' ' && *e != '(' && *e != ')')
            e++;
        size_t n = (size_t)(e - p);
        bool op = (n == 3 && (!strncmp(p, "AND", 3))) || (n == 2 && !strncmp(p, "OR", 2)) ||
                  (n == 4 && !strncmp(p, "WITH", 4));
        if (want_id) {
            if (op || !spdx_id(p, n))
                return false;
            any = true;
        } else if (!op) {
            return false;
        }
        want_id = !want_id;
        p = e;
    }
    return any && !want_id;
}

typedef struct typed {
    const char *type;
    bool (*ok)(const char *);
    const char *msg;
    const char *hint;
} typed;

static void typed_check(lint_ctx *ctx, const typed *t)
{
    for (size_t i = 0; i < ctx->n; i++) {
        const hoist_df_instruction *ins = lint_ins(ctx, i);
        if (ins->kind != HOIST_DF_LABEL)
            continue;
        for (size_t p = 0; p < ins->pair_count; p++) {
            char k[512], v[2048];
            lint_strip_quotes(ins->pairs[p].key, k, sizeof(k));
            lint_strip_quotes(ins->pairs[p].value ? ins->pairs[p].value : "", v, sizeof(v));
            const char *type = schema_type(ctx, k);
            if (!type || strcmp(type, t->type) || !v[0] || strchr(v, '$'))
                continue;
            if (!t->ok(v))
                lint_report(ctx, (int)i, &ins->pairs[p].range, t->hint, "Label `%s` %s", k, t->msg);
        }
    }
}

static void dl3052(lint_ctx *ctx)
{
    static const typed t = {"url", is_url, "is not a valid URL.",
                            "use an absolute URL such as https://example.com/repo"};
    typed_check(ctx, &t);
}

static void dl3053(lint_ctx *ctx)
{
    static const typed t = {"rfc3339", is_rfc3339,
                            "is not a valid time format - must conform to RFC3339.",
                            "use a time such as 2024-05-01T12:00:00Z"};
    typed_check(ctx, &t);
}

static void dl3054(lint_ctx *ctx)
{
    static const typed t = {"spdx", is_spdx, "is not a valid SPDX license identifier.",
                            "use an SPDX identifier such as MIT or Apache-2.0"};
    typed_check(ctx, &t);
}

static void dl3055(lint_ctx *ctx)
{
    static const typed t = {"hash", is_hash, "is not a valid git hash.",
                            "use a short or full git commit hash"};
    typed_check(ctx, &t);
}

static void dl3056(lint_ctx *ctx)
{
    static const typed t = {"semver", is_semver,
                            "does not conform to semantic versioning.",
                            "use a version such as 1.4.2"};
    typed_check(ctx, &t);
}

static void dl3058(lint_ctx *ctx)
{
    static const typed t = {"email", is_email,
                            "is not a valid email format - must conform to RFC5322.",
                            "use an address such as team@example.com"};
    typed_check(ctx, &t);
}

#define R(id, sev, title, expl, fn) {{id, "hadolint", HOIST_LINT_##sev, title, expl}, fn}
#define SCHEMA " Applies to labels listed in label-schema in .hoist.yaml."

static const lint_rule rules[] = {
    R("DL3048", STYLE, "Invalid Label Key",
      "Label keys should be lower-case reverse-DNS names (letters, digits, '.' and '-', "
      "starting and ending with a letter or digit, no doubled separators) and must not use "
      "the com.docker., io.docker. or org.dockerproject. namespaces. Fix: rename the key, "
      "e.g. org.opencontainers.image.source.",
      dl3048),
    R("DL3049", INFO, "Label `<label>` is missing.",
      "A label required by the label schema is not set in a stage." SCHEMA
      " Fix: add LABEL <name>=<value>.",
      dl3049),
    R("DL3050", INFO, "Superfluous label(s) present.",
      "With strict-labels: true, labels outside the schema are reported." SCHEMA
      " Fix: remove the label or add it to the schema.",
      dl3050),
    R("DL3051", WARNING, "Label `<label>` is empty.",
      "A schema label has an empty value." SCHEMA " Fix: give it a value.", dl3051),
    R("DL3052", WARNING, "Label `<label>` is not a valid URL.",
      "A label of type url does not hold an absolute URL." SCHEMA, dl3052),
    R("DL3053", WARNING, "Label `<label>` is not a valid time format - must conform to RFC3339.",
      "A label of type rfc3339 does not hold an RFC 3339 time." SCHEMA, dl3053),
    R("DL3054", WARNING, "Label `<label>` is not a valid SPDX license identifier.",
      "A label of type spdx does not hold an SPDX license expression." SCHEMA, dl3054),
    R("DL3055", WARNING, "Label `<label>` is not a valid git hash.",
      "A label of type hash does not hold a git commit hash." SCHEMA, dl3055),
    R("DL3056", WARNING, "Label `<label>` does not conform to semantic versioning.",
      "A label of type semver does not hold a semantic version." SCHEMA, dl3056),
    R("DL3058", WARNING, "Label `<label>` is not a valid email format - must conform to RFC5322.",
      "A label of type email does not hold an e-mail address." SCHEMA, dl3058),
};

const lint_family lint_family_dl_label = {rules, sizeof(rules) / sizeof(rules[0])};
