/*
 * yaml.c - the small YAML subset `.hoist.yaml` is written in, read into
 * jansson values.
 *
 * Supported: block maps (`key: value`, `key:` then an indented block), block
 * lists (`- item`, including `- key: value` items that start a map), flow
 * lists and maps of scalars (`[a, "b"]`, `{a: b}`), plain, single- and
 * double-quoted scalars, `true`/`false`/`null`, and `#` comments. Anchors,
 * tags, multi-document streams and block scalars (`|`, `>`) are not: they
 * are reported as errors with the line, so nothing is silently misread.
 * Every scalar becomes a JSON string except booleans and null.
 */
#include "lint/yaml.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json_util.h"

typedef struct yline {
    int no;       /* 1-based */
    int indent;
    char *text;   /* content after the indentation, comment removed */
} yline;

typedef struct yparser {
    yline *lines;
    size_t count;
    size_t pos;
    const char *file;
    hoist_error *err;
} yparser;

static int yerr(yparser *p, int line, const char *msg)
{
    hoist_error_set(p->err, HOIST_EINPUT, "%s", msg);
    hoist_error_hint(p->err, "hoist reads a YAML subset: maps, lists, scalars, flow [a, b] lists");
    return hoist_error_at(p->err, p->file, line, 0);
}

static void strip_comment(char *s)
{
    char q = 0;
    for (char *c = s; *c; c++) {
        if (q) {
            if (*c == q)
                q = 0;
            continue;
        }
        if (*c == '"' || *c == '\'') {
            if (c == s || c[-1] == ' ' || c[-1] == '\t' || c[-1] == '[' || c[-1] == ',' ||
                c[-1] == ':' || c[-1] == '-' || c[-1] == '{')
                q = *c;
            continue;
        }
        if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
            *c = '\0';
            break;
        }
    }
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static json_t *scalar(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        /* Double quotes: handle \" and \\ only. */
        char *o = malloc(n);
        if (!o)
            return NULL;
        size_t w = 0;
        for (size_t i = 1; i + 1 < n; i++) {
            if (s[0] == '"' && s[i] == '\\' && i + 2 < n)
                i++;
            else if (s[0] == '\'' && s[i] == '\'' && i + 2 < n && s[i + 1] == '\'')
                i++;
            o[w++] = s[i];
        }
        json_t *j = json_stringn(o, w);
        free(o);
        return j;
    }
    if ((n == 4 && !strncmp(s, "true", 4)) || (n == 3 && !strncmp(s, "yes", 3)))
        return json_true();
    if ((n == 5 && !strncmp(s, "false", 5)) || (n == 2 && !strncmp(s, "no", 2)))
        return json_false();
    if ((n == 4 && !strncmp(s, "null", 4)) || (n == 1 && s[0] == '~') || n == 0)
        return json_null();
    return json_stringn(s, n);
}

/* Split a flow collection body on top-level commas. */
static json_t *flow(yparser *p, int line, const char *s)
{
    size_t n = strlen(s);
    bool is_map = s[0] == '{';
    if (n < 2 || s[n - 1] != (is_map ? '}' : ']')) {
        yerr(p, line, "unterminated flow collection");
        return NULL;
    }
    json_t *out = is_map ? json_object() : json_array();
    const char *b = s + 1, *end = s + n - 1;
    while (b < end) {
        const char *e = b;
        char q = 0;
        while (e < end && (q || *e != ',')) {
            if (q && *e == q)
                q = 0;
            else if (!q && (*e == '"' || *e == '\''))
                q = *e;
            e++;
        }
        const char *ib = b;
        while (ib < e && isspace((unsigned char)*ib))
            ib++;
        if (ib < e) {
            if (is_map) {
                const char *colon = memchr(ib, ':', (size_t)(e - ib));
                if (!colon) {
                    json_decref(out);
                    yerr(p, line, "flow map entry without ':'");
                    return NULL;
                }
                json_t *k = scalar(ib, (size_t)(colon - ib));
                json_t *v = scalar(colon + 1, (size_t)(e - colon - 1));
                if (json_is_string(k))
                    json_object_set_new(out, json_string_value(k), v);
                else
                    json_decref(v);
                json_decref(k);
            } else {
                json_array_append_new(out, scalar(ib, (size_t)(e - ib)));
            }
        }
        b = e + 1;
    }
    return out;
}

static json_t *value_of(yparser *p, int line, const char *s)
{
    if (s[0] == '[' || s[0] == '{')
        return flow(p, line, s);
    if (s[0] == '&' || s[0] == '*' || s[0] == '!' || s[0] == '|' || s[0] == '>') {
        yerr(p, line, "unsupported YAML feature (anchor, alias, tag, or block scalar in a list)");
        return NULL;
    }
    return scalar(s, strlen(s));
}

static json_t *block(yparser *p, int indent);

/* `key: rest` at the current line, inside a map at `indent`. */
static int map_entry(yparser *p, json_t *map, const char *text, int indent, int line)
{
    const char *colon = NULL;
    char q = 0;
    for (const char *c = text; *c; c++) {
        if (q) {
            if (*c == q)
                q = 0;
        } else if (*c == '"' || *c == '\'') {
            q = *c;
        } else if (*c == ':' && (c[1] == '\0' || c[1] == ' ' || c[1] == '\t')) {
            colon = c;
            break;
        }
    }
    if (!colon)
        return yerr(p, line, "expected 'key: value'");
    _cleanup_json_ json_t *k = scalar(text, (size_t)(colon - text));
    if (!json_is_string(k))
        return yerr(p, line, "map key must be a string");
    const char *rest = colon + 1;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    json_t *v;
    if (*rest == '|' || *rest == '>') {
        /* Block scalar: the more-indented lines that follow, joined with
         * newlines (|) or spaces (>); chomping indicators are accepted. */
        bool literal = *rest == '|';
        size_t total = 1;
        size_t first = p->pos;
        while (p->pos < p->count && p->lines[p->pos].indent > indent)
            total += strlen(p->lines[p->pos++].text) + 1;
        char *buf = malloc(total);
        if (!buf)
            return hoist_error_nomem(p->err);
        size_t w = 0;
        for (size_t li = first; li < p->pos; li++) {
            size_t n = strlen(p->lines[li].text);
            memcpy(buf + w, p->lines[li].text, n);
            w += n;
            if (li + 1 < p->pos)
                buf[w++] = literal ? '\n' : ' ';
        }
        v = json_stringn(buf, w);
        free(buf);
    } else if (*rest) {
        v = value_of(p, line, rest);
        if (!v)
            return p->err->code;
    } else if (p->pos < p->count && (p->lines[p->pos].indent > indent ||
                                     (p->lines[p->pos].indent == indent &&
                                      p->lines[p->pos].text[0] == '-'))) {
        v = block(p, p->lines[p->pos].indent);
        if (!v)
            return p->err->code;
    } else {
        v = json_null();
    }
    json_object_set_new(map, json_string_value(k), v);
    return 0;
}

static json_t *block(yparser *p, int indent)
{
    if (p->pos >= p->count)
        return json_null();
    bool list = p->lines[p->pos].text[0] == '-' &&
                (p->lines[p->pos].text[1] == '\0' || p->lines[p->pos].text[1] == ' ');
    json_t *out = list ? json_array() : json_object();
    while (p->pos < p->count) {
        yline *l = &p->lines[p->pos];
        if (l->indent < indent)
            break;
        if (l->indent > indent) {
            json_decref(out);
            yerr(p, l->no, "unexpected indentation");
            return NULL;
        }
        bool item = l->text[0] == '-' && (l->text[1] == '\0' || l->text[1] == ' ');
        if (item != list)
            break;
        p->pos++;
        if (!list) {
            if (map_entry(p, out, l->text, indent, l->no)) {
                json_decref(out);
                return NULL;
            }
            continue;
        }
        const char *rest = l->text + 1;
        while (*rest == ' ')
            rest++;
        if (!*rest) {
            json_t *v = p->pos < p->count && p->lines[p->pos].indent > indent
                            ? block(p, p->lines[p->pos].indent)
                            : json_null();
            if (!v) {
                json_decref(out);
                return NULL;
            }
            json_array_append_new(out, v);
            continue;
        }
        /* `- key: value` starts a map whose other keys are indented to the
         * column of `key`. */
        bool is_map = false;
        char q = 0;
        for (const char *c = rest; *c && rest[0] != '[' && rest[0] != '{'; c++) {
            if (q) {
                if (*c == q)
                    q = 0;
            } else if (*c == '"' || *c == '\'') {
                q = *c;
            } else if (*c == ':' && (c[1] == '\0' || c[1] == ' ')) {
                is_map = true;
                break;
            }
        }
        if (is_map) {
            int inner = indent + (int)(rest - l->text);
            json_t *m = json_object();
            if (map_entry(p, m, rest, inner, l->no)) {
                json_decref(m);
                json_decref(out);
                return NULL;
            }
            while (p->pos < p->count && p->lines[p->pos].indent == inner &&
                   p->lines[p->pos].text[0] != '-') {
                yline *m2 = &p->lines[p->pos++];
                if (map_entry(p, m, m2->text, inner, m2->no)) {
                    json_decref(m);
                    json_decref(out);
                    return NULL;
                }
            }
            json_array_append_new(out, m);
            continue;
        }
        json_t *v = value_of(p, l->no, rest);
        if (!v) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, v);
    }
    return out;
}

int lint_yaml_parse(const char *text, size_t len, const char *file, json_t **out,
                     hoist_error *err)
{
    *out = NULL;
    yparser p = {.file = file ? file : "<config>", .err = err};
    _cleanup_free_ char *copy = strndup(text, len);
    if (!copy)
        return hoist_error_nomem(err);
    int no = 0;
    int rc = 0;
    char *save = NULL;
    /* strtok_r would skip blank lines' numbering: walk by hand. */
    char *s = copy;
    (void)save;
    while (s) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        no++;
        if (no == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF)
            s += 3;
        int indent = 0;
        while (s[indent] == ' ')
            indent++;
        if (s[indent] == '\t') {
            rc = yerr(&p, no, "tabs are not allowed for indentation in YAML");
            break;
        }
        char *t = s + indent;
        strip_comment(t);
        if (!strcmp(t, "---") || !strcmp(t, "...")) {
            t[0] = '\0';
        }
        if (t[0]) {
            yline *v = realloc(p.lines, (p.count + 1) * sizeof(*v));
            if (!v) {
                rc = hoist_error_nomem(err);
                break;
            }
            p.lines = v;
            p.lines[p.count].no = no;
            p.lines[p.count].indent = indent;
            p.lines[p.count].text = t;
            p.count++;
        }
        s = nl ? nl + 1 : NULL;
    }
    if (!rc) {
        json_t *root = p.count ? block(&p, p.lines[0].indent) : json_object();
        if (!root) {
            rc = err && err->code ? err->code : HOIST_EINPUT;
        } else if (p.pos < p.count) {
            json_decref(root);
            rc = yerr(&p, p.lines[p.pos].no, "unexpected line (indentation does not match)");
        } else {
            *out = root;
        }
    }
    free(p.lines);
    return rc;
}
