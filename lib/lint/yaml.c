/*
 * yaml.c - `.hoist.yaml` read with libyaml into jansson values.
 *
 * libyaml parses full YAML 1.1 (block and flow collections, every quoting
 * style, block scalars `|` and `>`, anchors and aliases, tags, comments);
 * this file turns its document tree into JSON the config code walks, and
 * remembers where each key and value was written so that a bad rule ID is
 * reported at its own line and column. Conversion rules: a plain
 * `true`/`false` (any case) is a boolean, a plain `null`, `~` or nothing is
 * null, every other scalar (numbers included) is a string, and quoted
 * scalars are always strings. `<<: *anchor` merges a map (YAML's merge
 * key). A key that is not a scalar, a duplicate key, or a second document
 * is an error. Aliases are expanded by copying, with a cap on the total
 * number of values so that a "billion laughs" file fails instead of
 * exhausting memory.
 *
 * libyaml is loaded with dlopen for the parse (common/dynlib.h): most
 * hoist processes read no YAML, and each start would otherwise map and
 * relocate it.
 */
#include "lint/yaml.h"
#include "common/vec.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "common/dynlib.h"

#define YAML_MAX_VALUES 100000 /* values after alias expansion */
#define YAML_MAX_DEPTH 64

/* The libyaml functions this file calls, resolved at each parse. */
typedef struct yaml_api {
    __typeof__(yaml_parser_initialize) *parser_initialize;
    __typeof__(yaml_parser_set_input_string) *parser_set_input_string;
    __typeof__(yaml_parser_load) *parser_load;
    __typeof__(yaml_parser_delete) *parser_delete;
    __typeof__(yaml_document_get_root_node) *document_get_root_node;
    __typeof__(yaml_document_get_node) *document_get_node;
    __typeof__(yaml_document_delete) *document_delete;
} yaml_api;

static int yaml_api_load(yaml_api *api, void **handle, hoist_error *err)
{
#define SYM(f) {"yaml_" #f, offsetof(yaml_api, f)}
    static const hoist_dynsym symbols[] = {
        SYM(parser_initialize),      SYM(parser_set_input_string), SYM(parser_load),
        SYM(parser_delete),          SYM(document_get_root_node),  SYM(document_get_node),
        SYM(document_delete),
    };
#undef SYM
    static const char *const sonames[] = {"libyaml-0.so.2", NULL};
    return hoist_dynlib_load(sonames, "libyaml-0-2", symbols, sizeof(symbols) / sizeof(symbols[0]), api,
                             handle, err);
}

typedef struct conv {
    const yaml_api *api;
    yaml_document_t *doc;
    lint_yaml *out;
    const char *file;
    hoist_error *err;
    size_t values;
} conv;

static int yerr(conv *c, const yaml_mark_t *m, hoist_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int yerr(conv *c, const yaml_mark_t *m, hoist_reason reason, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(c->err, HOIST_EINPUT, fmt, ap);
    va_end(ap);
    hoist_error_reason(c->err, reason);
    return hoist_error_at(c->err, c->file, m ? (int)m->line + 1 : 0, m ? (int)m->column + 1 : 0);
}

static int add_mark(conv *c, const json_t *node, const json_t *parent, const char *key,
                    const yaml_mark_t *at, const yaml_mark_t *value_at)
{
    lint_yaml *y = c->out;
    lint_yaml_mark *v = hoist_vec_grow(y->marks, &y->mark_cap, y->mark_count, sizeof(*v), 32);
    if (!v)
        return hoist_error_nomem(c->err);
    y->marks = v;
    lint_yaml_mark *m = &y->marks[y->mark_count];
    *m = (lint_yaml_mark){.node = node, .parent = parent, .line = (int)at->line + 1,
                          .column = (int)at->column + 1, .value_line = (int)value_at->line + 1,
                          .value_column = (int)value_at->column + 1};
    if (key && !(m->key = strdup(key)))
        return hoist_error_nomem(c->err);
    y->mark_count++;
    return 0;
}

static bool plain_is(const yaml_node_t *n, const char *word)
{
    return n->data.scalar.length == strlen(word) &&
           !strncasecmp((const char *)n->data.scalar.value, word, n->data.scalar.length);
}

static int convert(conv *c, yaml_node_t *n, int depth, json_t **out);

static int scalar(conv *c, yaml_node_t *n, json_t **out)
{
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (plain_is(n, "true") || plain_is(n, "false")) {
            *out = json_boolean(plain_is(n, "true"));
            return 0;
        }
        if (len == 0 || plain_is(n, "null") || plain_is(n, "~")) {
            *out = json_null();
            return 0;
        }
    }
    if (memchr(v, '\0', len))
        return yerr(c, &n->start_mark, HOIST_REASON_PARSE, "a NUL character in a YAML value");
    *out = json_stringn(v, len);
    if (!*out)
        return yerr(c, &n->start_mark, HOIST_REASON_PARSE, "a YAML value is not valid UTF-8");
    return 0;
}

static int merge_into(conv *c, json_t *obj, yaml_node_t *src, const yaml_mark_t *at, int depth)
{
    json_t *m = NULL;
    int rc = convert(c, src, depth + 1, &m);
    if (rc)
        return rc;
    if (!json_is_object(m)) {
        json_decref(m);
        return yerr(c, at, HOIST_REASON_PARSE, "'<<' must merge a map (or a list of maps)");
    }
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v)
    {
        if (json_object_get(obj, k))
            continue; /* keys written in the map itself win */
        if (json_object_set(obj, k, v) || add_mark(c, v, obj, k, at, at)) {
            json_decref(m);
            return hoist_error_nomem(c->err);
        }
    }
    json_decref(m);
    return 0;
}

static int mapping(conv *c, yaml_node_t *n, int depth, json_t **out)
{
    json_t *obj = json_object();
    if (!obj)
        return hoist_error_nomem(c->err);
    int rc = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; !rc && p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = c->api->document_get_node(c->doc, p->key);
        yaml_node_t *v = c->api->document_get_node(c->doc, p->value);
        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            rc = yerr(c, &k->start_mark, HOIST_REASON_PARSE, "a map key must be a string, not a %s",
                      k->type == YAML_MAPPING_NODE ? "map" : "list");
            break;
        }
        const char *key = (const char *)k->data.scalar.value;
        if (k->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !strcmp(key, "<<")) {
            if (v->type == YAML_SEQUENCE_NODE) {
                for (yaml_node_item_t *i = v->data.sequence.items.start; !rc && i < v->data.sequence.items.top;
                     i++) {
                    yaml_node_t *item = c->api->document_get_node(c->doc, *i);
                    if (item)
                        rc = merge_into(c, obj, item, &k->start_mark, depth);
                }
            } else {
                rc = merge_into(c, obj, v, &k->start_mark, depth);
            }
            continue;
        }
        if (strlen(key) != k->data.scalar.length) {
            rc = yerr(c, &k->start_mark, HOIST_REASON_PARSE, "a NUL character in a YAML key");
            break;
        }
        if (json_object_get(obj, key)) {
            /* a key from an earlier '<<' merge is overridden; a repeated key is an error */
            bool written = false;
            for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
                yaml_node_t *qk = c->api->document_get_node(c->doc, q->key);
                if (qk && qk->type == YAML_SCALAR_NODE && !strcmp((const char *)qk->data.scalar.value, key))
                    written = true;
            }
            if (written) {
                rc = yerr(c, &k->start_mark, HOIST_REASON_PARSE, "duplicate key '%s'", key);
                break;
            }
        }
        json_t *value = NULL;
        if ((rc = convert(c, v, depth + 1, &value)))
            break;
        if (json_object_set_new(obj, key, value)) {
            rc = hoist_error_nomem(c->err);
            break;
        }
        rc = add_mark(c, value, obj, key, &k->start_mark, &v->start_mark);
    }
    if (rc) {
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return 0;
}

static int sequence(conv *c, yaml_node_t *n, int depth, json_t **out)
{
    json_t *arr = json_array();
    if (!arr)
        return hoist_error_nomem(c->err);
    int rc = 0;
    for (yaml_node_item_t *i = n->data.sequence.items.start; !rc && i < n->data.sequence.items.top; i++) {
        yaml_node_t *item = c->api->document_get_node(c->doc, *i);
        if (!item)
            continue;
        json_t *value = NULL;
        if ((rc = convert(c, item, depth + 1, &value)))
            break;
        if (json_array_append_new(arr, value)) {
            rc = hoist_error_nomem(c->err);
            break;
        }
        rc = add_mark(c, value, arr, NULL, &item->start_mark, &item->start_mark);
    }
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

static int convert(conv *c, yaml_node_t *n, int depth, json_t **out)
{
    *out = NULL;
    if (++c->values > YAML_MAX_VALUES)
        return yerr(c, &n->start_mark, HOIST_REASON_LIMIT,
                    "the YAML expands to more than %d values (aliases of aliases?)", YAML_MAX_VALUES);
    if (depth > YAML_MAX_DEPTH)
        return yerr(c, &n->start_mark, HOIST_REASON_LIMIT, "the YAML nests deeper than %d levels",
                    YAML_MAX_DEPTH);
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return scalar(c, n, out);
    case YAML_MAPPING_NODE:
        return mapping(c, n, depth, out);
    case YAML_SEQUENCE_NODE:
        return sequence(c, n, depth, out);
    default:
        *out = json_null();
        return 0;
    }
}

static int parser_error(conv *c, const yaml_parser_t *p, size_t len)
{
    if (p->error == YAML_MEMORY_ERROR)
        return hoist_error_nomem(c->err);
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->context && p->problem_mark.index >= len)
        /* the file ended inside something (an unclosed '[' or quote):
         * point where that started */
        yerr(c, &p->context_mark, HOIST_REASON_PARSE, "%s: the file ends %s", problem, p->context);
    else if (p->context)
        yerr(c, &p->problem_mark, HOIST_REASON_PARSE, "%s (%s at line %zu, column %zu)", problem, p->context,
             p->context_mark.line + 1, p->context_mark.column + 1);
    else
        yerr(c, &p->problem_mark, HOIST_REASON_PARSE, "%s", problem);
    return hoist_error_hint(c->err, "check the YAML syntax at that place: indentation with spaces (no tabs), "
                                    "closed brackets and quotes, 'key: value' with a space after ':'");
}

int lint_yaml_parse(const char *text, size_t len, const char *file, lint_yaml *out, hoist_error *err)
{
    memset(out, 0, sizeof(*out));
    yaml_api api;
    void *lib;
    int loaded = yaml_api_load(&api, &lib, err);
    if (loaded)
        return loaded;
    conv c = {.api = &api, .out = out, .file = file, .err = err};
    yaml_parser_t parser;
    if (!api.parser_initialize(&parser)) {
        hoist_dynlib_unload(lib);
        return hoist_error_nomem(err);
    }
    api.parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_document_t doc;
    int rc = 0;
    if (!api.parser_load(&parser, &doc)) {
        rc = parser_error(&c, &parser, len);
        api.parser_delete(&parser);
        hoist_dynlib_unload(lib);
        return rc;
    }
    c.doc = &doc;
    yaml_node_t *root = api.document_get_root_node(&doc);
    if (root) {
        rc = convert(&c, root, 0, &out->root);
        yaml_mark_t start = root->start_mark;
        if (!rc)
            rc = add_mark(&c, out->root, NULL, NULL, &start, &start);
        if (!rc) {
            /* a second document is not a config this file can mean */
            yaml_document_t next;
            if (!api.parser_load(&parser, &next)) {
                rc = parser_error(&c, &parser, len);
            } else {
                yaml_node_t *r2 = api.document_get_root_node(&next);
                if (r2)
                    rc = yerr(&c, &r2->start_mark, HOIST_REASON_PARSE,
                              "a second YAML document ('---'): the configuration is one document");
                api.document_delete(&next);
            }
        }
    }
    api.document_delete(&doc);
    api.parser_delete(&parser);
    hoist_dynlib_unload(lib);
    if (rc)
        lint_yaml_free(out);
    return rc;
}

void lint_yaml_free(lint_yaml *y)
{
    if (!y)
        return;
    json_decref(y->root);
    for (size_t i = 0; i < y->mark_count; i++)
        free(y->marks[i].key);
    free(y->marks);
    memset(y, 0, sizeof(*y));
}

bool lint_yaml_where(const lint_yaml *y, const json_t *parent, const char *key, const json_t *node,
                     int *line, int *column)
{
    *line = *column = 0;
    /* the newest first: a key written after a '<<' merge replaced it */
    for (size_t i = y ? y->mark_count : 0; i-- > 0;) {
        const lint_yaml_mark *m = &y->marks[i];
        bool hit = key ? (m->parent == parent && m->key && !strcmp(m->key, key)) : m->node == node;
        if (hit) {
            *line = key ? m->line : m->value_line;
            *column = key ? m->column : m->value_column;
            return true;
        }
    }
    return false;
}
