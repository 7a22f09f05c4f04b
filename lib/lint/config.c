/*
 * config.c - lint configuration: ignored rules, severity overrides, the
 * failure threshold, trusted registries and hadolint's label schema.
 *
 * The file form is `.hoist.yaml` (YAML, read by yaml.c with libyaml): keys are read
 * at the top level or under `check:`, with hadolint's spellings accepted so
 * a `.hadolint.yaml` can be passed with --config. Overrides are kept as an
 * ordered list; the last entry naming a rule wins, which is what gives the
 * command line (applied after the file) precedence over the file.
 * hoist_lint_config_discover() is the one place that knows where the file
 * is when none is named (<context>/.hoist.yaml), for `hoist check` and for
 * the check `hoist build` runs.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/cleanup.h"
#include "common/json_util.h"
#include "lint/yaml.h"

typedef struct override {
    char *id;
    hoist_lint_severity sev;
} override;

typedef struct label_spec {
    char *name;
    char *type;
} label_spec;

struct hoist_lint_config {
    override *ov;
    size_t ov_count;
    char **trusted;
    size_t trusted_count;
    label_spec *labels;
    size_t label_count;
    bool strict_labels;
    hoist_lint_severity threshold;
};

static const char *const sev_names[] = {"off", "style", "info", "warning", "error", "none"};

const char *hoist_lint_severity_name(hoist_lint_severity sev)
{
    return (unsigned)sev <= HOIST_LINT_NEVER ? sev_names[sev] : "unknown";
}

int hoist_lint_severity_parse(const char *name, hoist_lint_severity *out)
{
    static const struct {
        const char *n;
        hoist_lint_severity s;
    } t[] = {{"error", HOIST_LINT_ERROR}, {"warning", HOIST_LINT_WARNING},
             {"warn", HOIST_LINT_WARNING}, {"info", HOIST_LINT_INFO},
             {"style", HOIST_LINT_STYLE}, {"ignore", HOIST_LINT_OFF},
             {"off", HOIST_LINT_OFF}, {"none", HOIST_LINT_NEVER}};
    for (size_t i = 0; name && i < sizeof(t) / sizeof(t[0]); i++)
        if (!strcasecmp(name, t[i].n)) {
            *out = t[i].s;
            return 0;
        }
    return -1;
}

int hoist_lint_config_new(hoist_lint_config **out, hoist_error *err)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return hoist_error_nomem(err);
    (*out)->threshold = HOIST_LINT_ERROR;
    return 0;
}

void hoist_lint_config_free(hoist_lint_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->ov_count; i++)
        free(cfg->ov[i].id);
    free(cfg->ov);
    for (size_t i = 0; i < cfg->trusted_count; i++)
        free(cfg->trusted[i]);
    free(cfg->trusted);
    for (size_t i = 0; i < cfg->label_count; i++) {
        free(cfg->labels[i].name);
        free(cfg->labels[i].type);
    }
    free(cfg->labels);
    free(cfg);
}
HOIST_DEFINE_FREEP(hoist_lint_config, hoist_lint_config_free)

static bool valid_id(const char *id)
{
    if (hoist_lint_rule_find(id))
        return true;
    /* ShellCheck codes: SC followed by digits. */
    if ((id[0] == 'S' || id[0] == 's') && (id[1] == 'C' || id[1] == 'c') && id[2]) {
        for (const char *p = id + 2; *p; p++)
            if (!isdigit((unsigned char)*p))
                return false;
        return true;
    }
    return false;
}

/* The canonical spelling of a rule ID (the table's), or the input. */
static const char *canonical(const char *id)
{
    const hoist_lint_rule_info *r = hoist_lint_rule_find(id);
    return r ? r->id : id;
}

int hoist_lint_config_override(hoist_lint_config *cfg, const char *id, hoist_lint_severity sev,
                               hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    if (!id || !valid_id(id)) {
        hoist_error_set(err, HOIST_EUSAGE, "unknown rule '%s'", id ? id : "(null)");
        return hoist_error_hint(err, "run 'hoist check --list-rules' to see the rule IDs");
    }
    if (sev == HOIST_LINT_NEVER)
        sev = HOIST_LINT_OFF;
    override *v = realloc(cfg->ov, (cfg->ov_count + 1) * sizeof(*v));
    if (!v)
        return hoist_error_nomem(err);
    cfg->ov = v;
    char *s = strdup(canonical(id));
    if (!s)
        return hoist_error_nomem(err);
    cfg->ov[cfg->ov_count].id = s;
    cfg->ov[cfg->ov_count++].sev = sev;
    return 0;
}

int hoist_lint_config_ignore(hoist_lint_config *cfg, const char *id, hoist_error *err)
{
    return hoist_lint_config_override(cfg, id, HOIST_LINT_OFF, err);
}

int hoist_lint_config_add_trusted_registry(hoist_lint_config *cfg, const char *registry,
                                           hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    char **v = realloc(cfg->trusted, (cfg->trusted_count + 1) * sizeof(*v));
    if (!v)
        return hoist_error_nomem(err);
    cfg->trusted = v;
    if (!(cfg->trusted[cfg->trusted_count] = strdup(registry)))
        return hoist_error_nomem(err);
    cfg->trusted_count++;
    return 0;
}

void hoist_lint_config_set_threshold(hoist_lint_config *cfg, hoist_lint_severity threshold)
{
    cfg->threshold = threshold;
}

hoist_lint_severity hoist_lint_config_threshold(const hoist_lint_config *cfg)
{
    return cfg ? cfg->threshold : HOIST_LINT_ERROR;
}

hoist_lint_severity lint_config_severity(const hoist_lint_config *cfg, const char *rule_id,
                                         hoist_lint_severity def, bool *overridden)
{
    if (overridden)
        *overridden = false;
    for (size_t i = cfg ? cfg->ov_count : 0; i-- > 0;)
        if (!strcasecmp(cfg->ov[i].id, rule_id)) {
            if (overridden)
                *overridden = true;
            return cfg->ov[i].sev;
        }
    return def;
}

size_t lint_config_trusted_count(const hoist_lint_config *cfg)
{
    return cfg ? cfg->trusted_count : 0;
}

const char *lint_config_trusted(const hoist_lint_config *cfg, size_t i)
{
    return cfg->trusted[i];
}

size_t lint_config_label_count(const hoist_lint_config *cfg)
{
    return cfg ? cfg->label_count : 0;
}

void lint_config_label(const hoist_lint_config *cfg, size_t i, const char **name,
                       const char **type)
{
    *name = cfg->labels[i].name;
    *type = cfg->labels[i].type;
}

bool lint_config_strict_labels(const hoist_lint_config *cfg)
{
    return cfg && cfg->strict_labels;
}

/* ------------------------------------------------------------------------ */

typedef struct parse_in {
    const lint_yaml *yaml;
    const char *file;
    hoist_error *err;
} parse_in;

/* A bad value: the error points at key `key` of map `parent`, or (key
 * NULL) at the value `node` itself. */
static int bad(const parse_in *in, const json_t *parent, const char *key, const json_t *node,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int bad(const parse_in *in, const json_t *parent, const char *key, const json_t *node,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(in->err, HOIST_EINPUT, fmt, ap);
    va_end(ap);
    hoist_error_reason(in->err, HOIST_REASON_CONFIG);
    hoist_error_hint(in->err, "run 'hoist check --list-rules' for rule IDs; severities are "
                              "error, warning, info, style, ignore");
    int line, col;
    lint_yaml_where(in->yaml, parent, key, node, &line, &col);
    return hoist_error_at(in->err, in->file, line, col);
}

static int apply_list(hoist_lint_config *cfg, const parse_in *in, json_t *list,
                      hoist_lint_severity sev, const json_t *parent, const char *key)
{
    if (json_is_null(list))
        return 0;
    if (json_is_string(list)) {
        const char *id = json_string_value(list);
        if (!valid_id(id))
            return bad(in, NULL, NULL, list, "unknown rule '%s'", id);
        return hoist_lint_config_override(cfg, id, sev, in->err);
    }
    if (!json_is_array(list))
        return bad(in, parent, key, NULL, "'%s' must be a list of rule IDs", key);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!json_is_string(v))
            return bad(in, NULL, NULL, v, "'%s' must be a list of rule IDs", key);
        const char *id = json_string_value(v);
        if (!valid_id(id))
            return bad(in, NULL, NULL, v, "unknown rule '%s'", id);
        int rc = hoist_lint_config_override(cfg, id, sev, in->err);
        if (rc)
            return rc;
    }
    return 0;
}

static int apply(hoist_lint_config *cfg, const parse_in *in, json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int rc = 0;
        if (!strcmp(key, "ignored") || !strcmp(key, "ignore")) {
            rc = apply_list(cfg, in, v, HOIST_LINT_OFF, obj, key);
        } else if (!strcmp(key, "override") || !strcmp(key, "overrides")) {
            if (json_is_null(v))
                continue;
            if (!json_is_object(v))
                return bad(in, obj, key, NULL, "'%s' must map a severity to a list of rule IDs", key);
            const char *sk;
            json_t *list;
            json_object_foreach(v, sk, list)
            {
                hoist_lint_severity sev;
                if (hoist_lint_severity_parse(sk, &sev) < 0 || sev == HOIST_LINT_NEVER)
                    return bad(in, v, sk, NULL, "unknown severity '%s'", sk);
                if ((rc = apply_list(cfg, in, list, sev, v, sk)))
                    return rc;
            }
        } else if (!strcmp(key, "failure-threshold") || !strcmp(key, "failure_threshold") ||
                   !strcmp(key, "failureThreshold")) {
            hoist_lint_severity sev;
            if (!json_is_string(v) || hoist_lint_severity_parse(json_string_value(v), &sev) < 0)
                return bad(in, obj, key, NULL, "'%s' must be error, warning, info, style or none", key);
            /* hadolint's "ignore" threshold fails on anything reported. */
            cfg->threshold = sev == HOIST_LINT_OFF ? HOIST_LINT_STYLE : sev;
        } else if (!strcmp(key, "trusted-registries") || !strcmp(key, "trustedRegistries") ||
                   !strcmp(key, "trusted_registries")) {
            if (json_is_null(v))
                continue;
            if (!json_is_array(v))
                return bad(in, obj, key, NULL, "'%s' must be a list of registries", key);
            size_t i;
            json_t *r;
            json_array_foreach(v, i, r)
            {
                if (!json_is_string(r))
                    return bad(in, NULL, NULL, r, "'%s' must be a list of registries", key);
                if ((rc = hoist_lint_config_add_trusted_registry(cfg, json_string_value(r),
                                                                 in->err)))
                    return rc;
            }
        } else if (!strcmp(key, "label-schema") || !strcmp(key, "labelSchema")) {
            if (!json_is_object(v))
                return bad(in, obj, key, NULL, "'%s' must map label names to types", key);
            const char *ln;
            json_t *lt;
            json_object_foreach(v, ln, lt)
            {
                static const char *const types[] = {"text", "url", "rfc3339", "semver",
                                                    "hash", "spdx", "email", NULL};
                const char *t = json_is_string(lt) ? json_string_value(lt) : "";
                bool ok = false;
                for (size_t k = 0; types[k]; k++)
                    ok |= !strcmp(types[k], t);
                if (!ok)
                    return bad(in, v, ln, NULL, "label '%s' needs a type: text, url, rfc3339, semver, "
                                       "hash, spdx or email", ln);
                label_spec *nv = realloc(cfg->labels, (cfg->label_count + 1) * sizeof(*nv));
                if (!nv)
                    return hoist_error_nomem(in->err);
                cfg->labels = nv;
                cfg->labels[cfg->label_count].name = strdup(ln);
                cfg->labels[cfg->label_count].type = strdup(t);
                cfg->label_count++;
            }
        } else if (!strcmp(key, "strict-labels") || !strcmp(key, "strictLabels")) {
            cfg->strict_labels = json_is_true(v);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* YAML is UTF-8 (jansson, which holds the parsed values, insists too): say
 * where the first bad byte is rather than fail later without a place. */
static int check_utf8(const char *text, size_t len, const char *file, hoist_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    int line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = n > 0 && i + n <= len && c != 0;
        for (size_t k = 1; ok && k < n; k++)
            ok = (s[i + k] & 0xC0) == 0x80;
        if (ok && n == 2)
            ok = c >= 0xC2;
        if (ok && n == 3) {
            unsigned cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
            ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
        }
        if (ok && n == 4) {
            unsigned cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6);
            ok = cp >= 0x10000 && cp <= 0x10FFFF;
        }
        if (!ok) {
            if (c == 0)
                hoist_error_set(err, HOIST_EINPUT, "the configuration contains a NUL byte");
            else
                hoist_error_set(err, HOIST_EINPUT, "the configuration is not valid UTF-8 (byte 0x%02x)", c);
            hoist_error_at(err, file, line, col);
            return hoist_error_hint(err, "save the file as UTF-8 text");
        }
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i += n;
    }
    return 0;
}

int hoist_lint_config_parse(const char *text, size_t len, const char *filename,
                            hoist_lint_config **out, hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    *out = NULL;
    const char *file = filename ? filename : ".hoist.yaml";
    _cleanup_(lint_yaml_free) lint_yaml yaml = {0};
    int rc = check_utf8(text, len, file, err);
    if (rc)
        return rc;
    rc = lint_yaml_parse(text, len, file, &yaml, err);
    if (rc)
        return rc;
    json_t *root = yaml.root;
    if (root && !json_is_null(root) && !json_is_object(root)) {
        int line, col;
        lint_yaml_where(&yaml, NULL, NULL, root, &line, &col);
        hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_CONFIG, "the configuration must be a map of keys");
        return hoist_error_at(err, file, line ? line : 1, col);
    }
    _cleanup_(hoist_lint_config_freep) hoist_lint_config *cfg = NULL;
    if ((rc = hoist_lint_config_new(&cfg, err)))
        return rc;
    parse_in in = {&yaml, file, err};
    if (json_is_object(root)) {
        if ((rc = apply(cfg, &in, root)))
            return rc;
        json_t *check = json_object_get(root, "check");
        if (json_is_object(check) && (rc = apply(cfg, &in, check)))
            return rc;
    }
    *out = TAKE_PTR(cfg);
    return 0;
}

int hoist_lint_config_load(const char *path, hoist_lint_config **out, hoist_error *err)
{
    hoist_error local = HOIST_ERROR_INIT;
    if (!err)
        err = &local;
    *out = NULL;
    _cleanup_fclose_ FILE *f = fopen(path, "rb");
    if (!f) {
        hoist_error_setr(err, HOIST_EINPUT, hoist_reason_from_errno(errno),
                         "cannot read config %s: %s", path, strerror(errno));
        return hoist_error_hint(err, "check the path given with --config");
    }
    _cleanup_(hbuf_free) hbuf buf = {.max = 16u << 20};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (!hbuf_append(&buf, chunk, n))
            return hbuf_error(&buf, err, "reading the config");
    if (ferror(f))
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_IO, "cannot read config %s", path);
    return hoist_lint_config_parse(buf.data ? buf.data : "", buf.len, path, out, err);
}

int hoist_lint_config_discover(const char *path, const char *context_dir, hoist_lint_config **out,
                               hoist_error *err)
{
    if (path && *path)
        return hoist_lint_config_load(path, out, err);
    char found[8192];
    int n = snprintf(found, sizeof(found), "%s/.hoist.yaml", context_dir && *context_dir ? context_dir : ".");
    /* A file that exists but cannot be read is an error, not the defaults. */
    if (n > 0 && (size_t)n < sizeof(found) && access(found, F_OK) == 0)
        return hoist_lint_config_load(found, out, err);
    return hoist_lint_config_new(out, err);
}
