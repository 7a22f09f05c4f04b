/*
 * json_out.c - the AST as the documented JSON (docs/ast-json.md), written
 * with jansson so that every string is escaped correctly. Keys are emitted
 * in a fixed order; the contract is additive: new keys may appear, existing
 * ones keep their meaning.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>

#include "dockerfile/df_internal.h"

/* s[0..n) may hold NUL bytes (a JSON `\u0000` in an exec-form array). */
static json_t *jstrn(const char *s, size_t n)
{
    /* jansson refuses invalid UTF-8; BuildKit's Go strings may hold it, so
     * fall back to a lossy copy (U+FFFD per bad byte) rather than dropping. */
    if (!s)
        s = "", n = 0;
    json_t *j = json_stringn(s, n);
    if (j)
        return j;
    hbuf b = {0};
    size_t i = 0;
    while (i < n) {
        size_t w;
        int32_t r = utf8_decode(s + i, n - i, &w);
        hbuf_put_rune(&b, r);
        i += w;
    }
    j = json_stringn(b.data ? b.data : "", b.len);
    hbuf_free(&b);
    return j;
}

static json_t *jstr(const char *s)
{
    return jstrn(s, s ? strlen(s) : 0);
}

static json_t *instruction_json(const hoist_df_instruction *ins)
{
    json_t *o = json_object();
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "%s", ins->keyword);
    for (char *p = cmd; *p; p++)
        *p = df_ascii_lower(*p);
    json_object_set_new(o, "cmd", jstr(ins->kind == HOIST_DF_UNKNOWN && strlen(ins->keyword) >= sizeof(cmd) ? ins->keyword_original : cmd));
    json_object_set_new(o, "line", json_integer(ins->range.start.line));
    json_object_set_new(o, "end_line", json_integer(ins->range.end.line));
    json_object_set_new(o, "column", json_integer(ins->keyword_range.start.column));
    json_t *flags = json_array();
    for (size_t i = 0; i < ins->flag_count; i++)
        json_array_append_new(flags, jstr(ins->flags[i].text));
    json_object_set_new(o, "flags", flags);
    json_object_set_new(o, "form", json_string(ins->form == HOIST_DF_FORM_EXEC ? "exec" : "shell"));
    if (ins->form == HOIST_DF_FORM_EXEC) {
        json_t *a = json_array();
        for (size_t i = 0; i < ins->arg_count; i++)
            json_array_append_new(a, jstrn(ins->args[i].value, ins->args[i].len));
        json_object_set_new(o, "args", a);
    } else {
        json_object_set_new(o, "args", jstr(ins->raw_args));
    }
    json_t *words = json_array();
    for (size_t i = 0; i < ins->arg_count; i++)
        json_array_append_new(words, jstrn(ins->args[i].value, ins->args[i].len));
    json_object_set_new(o, "words", words);
    json_t *hd = json_array();
    for (size_t i = 0; i < ins->heredoc_count; i++) {
        const hoist_df_heredoc *h = &ins->heredocs[i];
        json_t *ho = json_object();
        json_object_set_new(ho, "name", jstr(h->name));
        json_object_set_new(ho, "body", jstr(h->content));
        json_object_set_new(ho, "expand", json_boolean(h->expand));
        json_object_set_new(ho, "strip_tabs", json_boolean(h->strip_tabs));
        json_object_set_new(ho, "fd", json_integer(h->fd));
        json_object_set_new(ho, "line", json_integer(h->range.start.line));
        json_object_set_new(ho, "end_line", json_integer(h->range.end.line));
        json_array_append_new(hd, ho);
    }
    json_object_set_new(o, "heredocs", hd);
    if (ins->kind == HOIST_DF_ENV || ins->kind == HOIST_DF_LABEL || ins->kind == HOIST_DF_ARG) {
        json_t *pairs = json_array();
        for (size_t i = 0; i < ins->pair_count; i++) {
            const hoist_df_pair *p = &ins->pairs[i];
            json_array_append_new(pairs, json_pack("{s:o,s:o}", "key", jstr(p->key), "value",
                                                   p->value ? jstr(p->value) : json_null()));
        }
        json_object_set_new(o, "pairs", pairs);
        if (ins->kind != HOIST_DF_ARG)
            json_object_set_new(o, "legacy", json_boolean(ins->legacy_pairs));
    }
    json_t *comments = json_array();
    for (size_t i = 0; i < ins->comment_count; i++)
        json_array_append_new(comments, jstr(ins->comments[i].text));
    json_object_set_new(o, "comments", comments);
    json_object_set_new(o, "stage", json_integer(ins->stage));
    json_object_set_new(o, "original", jstr(ins->original));
    if (ins->trigger)
        json_object_set_new(o, "trigger", instruction_json(ins->trigger));
    return o;
}

json_t *df_dockerfile_json(const hoist_dockerfile *df)
{
    json_t *root = json_object();
    json_t *dirs = json_object();
    for (size_t i = 0; i < df->directive_count; i++)
        json_object_set_new(dirs, df->directives[i].name, jstr(df->directives[i].value));
    json_object_set_new(root, "directives", dirs);
    char esc[2] = {df->escape, 0};
    json_object_set_new(root, "escape", json_string(esc));
    json_t *list = json_array();
    for (size_t i = 0; i < df->instruction_count; i++)
        json_array_append_new(list, instruction_json(&df->instructions[i]));
    json_object_set_new(root, "instructions", list);
    json_t *warnings = json_array();
    for (size_t i = 0; i < df->warning_count; i++)
        json_array_append_new(warnings, json_pack("{s:o,s:i}", "message", jstr(df->warnings[i].message),
                                                  "line", df->warnings[i].range.start.line));
    json_object_set_new(root, "warnings", warnings);
    return root;
}

int hoist_dockerfile_write_json(const hoist_dockerfile *df, FILE *out, bool pretty, hoist_error *err)
{
    json_t *root = df_dockerfile_json(df);
    if (!root)
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory building JSON");
    size_t flags = JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(2) : JSON_COMPACT);
    int rc = json_dumpf(root, out, flags);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return hoist_error_set(err, HOIST_EFAILED, "cannot write JSON output");
    return 0;
}
