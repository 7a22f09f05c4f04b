/*
 * line_parsers.c - from a logical line to an instruction node.
 *
 * splitCommand trims the line, splits off the keyword at the first run of
 * [\t\v\f\r ] and extracts leading `--flags` (quotes and backslashes inside
 * a flag are processed; bytes are looked at one at a time, as BuildKit
 * does). The rest goes to the keyword's line parser:
 *   RUN CMD ENTRYPOINT SHELL      JSON array or the whole text
 *   ADD COPY VOLUME               JSON array or whitespace-split words
 *   FROM EXPOSE                   whitespace-split words
 *   ENV LABEL                     name=value pairs, or legacy `name value`
 *   ARG                           words (name or name=value)
 *   USER WORKDIR STOPSIGNAL MAINTAINER   the whole text
 *   HEALTHCHECK                   type word, then like CMD
 *   ONBUILD                       a nested instruction
 * Unknown keywords keep one empty argument, whatever follows them (BuildKit's
 * parseIgnore returns one empty node); the instruction layer rejects them
 * later.
 */
#include "dockerfile/line_parsers.h"

#include <stdlib.h>

static int node_error(df_node_ctx *c, df_text t, size_t at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int node_error(df_node_ctx *c, df_text t, size_t at, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(c->err, HOIST_EINPUT, fmt, ap);
    va_end(ap);
    hoist_error_reason(c->err, HOIST_REASON_SYNTAX);
    /* BuildKit reports the instruction's first line; point at the column
     * when the offending text is on that line. */
    int line = c->start_line, col = 1;
    if (at < t.n) {
        hoist_df_pos pos = df_linemap_pos(c->lm, t.map[at]);
        if (pos.line == line || line <= 0) {
            line = pos.line;
            col = pos.column;
        }
    }
    hoist_error_at(c->err, c->filename, line, col);
    if (hint)
        hoist_error_hint(c->err, "%s", hint);
    return HOIST_EINPUT;
}

static int oom(df_node_ctx *c)
{
    return hoist_error_setr(c->err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory while parsing the Dockerfile");
}

/* ---- words ---- */

bool df_parse_words(df_arena *a, const char *s, size_t n, char escape, df_word **words,
                    size_t *count)
{
    enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
    df_word *v = NULL;
    size_t cnt = 0, cap = 0;
    hbuf w = {0};
    int32_t quote = 0;
    bool blank_ok = false;
    int32_t ch = 0;
    size_t chw = 0, wstart = 0;
    bool ok = true;
    int32_t esc = (unsigned char)escape;

#define PUSH_WORD(endpos)                                                                  \
    do {                                                                                   \
        df_word dw = {df_arena_strndup(a, w.data ? w.data : "", w.len), wstart, (endpos)}; \
        if (!dw.value || !df_vec_push((void **)&v, &cnt, &cap, sizeof(dw), &dw)) {         \
            ok = false;                                                                    \
            goto out;                                                                      \
        }                                                                                  \
    } while (0)

    for (size_t pos = 0; pos <= n; pos += chw) {
        if (pos != n)
            ch = utf8_decode(s + pos, n - pos, &chw);
        else
            chw = 1; /* loop ends after this iteration */
        if (phase == IN_SPACES) {
            if (pos == n)
                break;
            if (utf8_is_space(ch))
                continue;
            phase = IN_WORD;
            wstart = pos;
        }
        if ((phase == IN_WORD || phase == IN_QUOTE) && pos == n) {
            if (blank_ok || w.len > 0)
                PUSH_WORD(n);
            break;
        }
        if (phase == IN_WORD) {
            if (utf8_is_space(ch)) {
                phase = IN_SPACES;
                if (blank_ok || w.len > 0)
                    PUSH_WORD(pos);
                hbuf_reset(&w);
                blank_ok = false;
                continue;
            }
            if (ch == '\'' || ch == '"') {
                quote = ch;
                blank_ok = true;
                phase = IN_QUOTE;
            }
            if (ch == esc) {
                if (pos + chw == n)
                    continue; /* an escape at the very end is dropped */
                hbuf_put_rune(&w, ch);
                pos += chw;
                ch = utf8_decode(s + pos, n - pos, &chw);
            }
            hbuf_put_rune(&w, ch);
            continue;
        }
        if (phase == IN_QUOTE) {
            if (ch == quote)
                phase = IN_WORD;
            if (ch == esc && quote != '\'') {
                if (pos + chw == n) {
                    phase = IN_WORD;
                    continue;
                }
                pos += chw;
                hbuf_put_rune(&w, ch);
                ch = utf8_decode(s + pos, n - pos, &chw);
            }
            hbuf_put_rune(&w, ch);
        }
    }
#undef PUSH_WORD
out:
    hbuf_free(&w);
    if (!ok) {
        free(v);
        return false;
    }
    *words = cnt ? df_arena_memdup(a, v, cnt * sizeof(*v)) : NULL;
    *count = cnt;
    free(v);
    return !cnt || *words;
}

/* ---- helpers that fill the instruction ---- */

typedef struct arg_vec {
    hoist_df_arg *v;
    size_t n, cap;
} arg_vec;

static bool push_arg_n(df_node_ctx *c, arg_vec *av, df_text t, const char *value, size_t len, size_t a,
                       size_t b)
{
    hoist_df_arg arg = {value, df_text_range(c->lm, t, a, b), len};
    return df_vec_push((void **)&av->v, &av->n, &av->cap, sizeof(arg), &arg);
}

static bool push_arg(df_node_ctx *c, arg_vec *av, df_text t, const char *value, size_t a, size_t b)
{
    hoist_df_arg arg = {value, df_text_range(c->lm, t, a, b), strlen(value)};
    return df_vec_push((void **)&av->v, &av->n, &av->cap, sizeof(arg), &arg);
}

static bool push_arg_copy(df_node_ctx *c, arg_vec *av, df_text t, size_t a, size_t b)
{
    char *s = df_arena_strndup(&c->df->arena, t.s + a, b - a);
    return s && push_arg(c, av, t, s, a, b);
}

static bool finish_args(df_node_ctx *c, arg_vec *av, hoist_df_instruction *ins)
{
    ins->arg_count = av->n;
    ins->args = av->n ? df_arena_memdup(&c->df->arena, av->v, av->n * sizeof(*av->v)) : NULL;
    free(av->v);
    av->v = NULL;
    return !av->n || ins->args;
}

/* reWhitespace.Split(s, -1) over t.s[a..b). */
static bool split_ws(df_node_ctx *c, arg_vec *av, df_text t, size_t a, size_t b)
{
    if (a >= b)
        return true;
    size_t i = a, ws = a;
    while (i <= b) {
        if (i == b || df_is_ascii_ws((unsigned char)t.s[i])) {
            if (!push_arg_copy(c, av, t, ws, i))
                return false;
            while (i < b && df_is_ascii_ws((unsigned char)t.s[i]))
                i++;
            ws = i;
            if (i == b)
                break;
            continue;
        }
        i++;
    }
    return true;
}

/* parseJSON on t.s[a..b): returns the JSON status; elements pushed as args. */
static df_json_status try_json(df_node_ctx *c, arg_vec *av, df_text t, size_t a, size_t b)
{
    df_json_elem *el;
    size_t n;
    df_json_status st = df_json_string_array(t.s + a, b - a, &c->df->arena, &el, &n);
    if (st != DF_JSON_STRINGS)
        return st;
    for (size_t i = 0; i < n; i++)
        if (!push_arg_n(c, av, t, el[i].value, el[i].len, a + el[i].tok_start, a + el[i].tok_end))
            return DF_JSON_NOMEM;
    return DF_JSON_STRINGS;
}

static int json_not_strings(df_node_ctx *c, df_text t, size_t a)
{
    return node_error(c, t, a,
                      "write every element as a \"string\", or drop the brackets to use shell form",
                      "when using JSON array syntax, arrays must be comprised of strings only");
}

/* parseMaybeJSON */
static int parse_maybe_json(df_node_ctx *c, arg_vec *av, df_text t, size_t a, size_t b,
                            hoist_df_instruction *ins)
{
    if (a >= b)
        return 0;
    df_json_status st = try_json(c, av, t, a, b);
    if (st == DF_JSON_STRINGS) {
        ins->form = HOIST_DF_FORM_EXEC;
        return 0;
    }
    if (st == DF_JSON_NOMEM)
        return oom(c);
    if (st == DF_JSON_NOT_STRINGS)
        return json_not_strings(c, t, a);
    return push_arg_copy(c, av, t, a, b) ? 0 : oom(c);
}

/* parseMaybeJSONToList */
static int parse_maybe_json_list(df_node_ctx *c, arg_vec *av, df_text t, size_t a, size_t b,
                                 hoist_df_instruction *ins)
{
    df_json_status st = try_json(c, av, t, a, b);
    if (st == DF_JSON_STRINGS) {
        ins->form = HOIST_DF_FORM_EXEC;
        return 0;
    }
    if (st == DF_JSON_NOMEM)
        return oom(c);
    if (st == DF_JSON_NOT_STRINGS)
        return json_not_strings(c, t, a);
    return split_ws(c, av, t, a, b) ? 0 : oom(c);
}

typedef struct pair_vec {
    hoist_df_pair *v;
    size_t n, cap;
} pair_vec;

static bool push_pair(df_node_ctx *c, pair_vec *pv, df_text t, const char *k, const char *v,
                      size_t a, size_t b)
{
    hoist_df_pair p = {k, v, df_text_range(c->lm, t, a, b)};
    return df_vec_push((void **)&pv->v, &pv->n, &pv->cap, sizeof(p), &p);
}

/* parseNameVal for ENV and LABEL. */
static int parse_name_val(df_node_ctx *c, arg_vec *av, pair_vec *pv, df_text t, size_t a, size_t b,
                          const char *key, hoist_df_instruction *ins)
{
    df_word *words;
    size_t nw;
    if (!df_parse_words(&c->df->arena, t.s + a, b - a, c->escape, &words, &nw))
        return oom(c);
    if (nw == 0)
        return 0;
    if (!strchr(words[0].value, '=')) {
        /* legacy form: KEY name value, split once on [\t\v\f\r ]+ */
        size_t k = a;
        while (k < b && !df_is_ascii_ws((unsigned char)t.s[k]))
            k++;
        if (k >= b)
            return node_error(c, t, a, "write it as name=value (or `name value` for one pair)",
                              "%s must have two arguments", key);
        size_t vs = k;
        while (vs < b && df_is_ascii_ws((unsigned char)t.s[vs]))
            vs++;
        char *kk = df_arena_strndup(&c->df->arena, t.s + a, k - a);
        char *vv = df_arena_strndup(&c->df->arena, t.s + vs, b - vs);
        if (!kk || !vv || !push_pair(c, pv, t, kk, vv, a, b) || !push_arg(c, av, t, kk, a, k) ||
            !push_arg(c, av, t, vv, vs, b))
            return oom(c);
        ins->legacy_pairs = true;
        return 0;
    }
    for (size_t i = 0; i < nw; i++) {
        char *eq = strchr(words[i].value, '=');
        size_t ws = a + words[i].start, we = a + words[i].end;
        if (!eq)
            return node_error(c, t, ws, "every item must be name=value; quote values that contain spaces",
                              "Syntax error - can't find = in \"%s\". Must be of the form: name=value",
                              words[i].value);
        char *kk = df_arena_strndup(&c->df->arena, words[i].value, (size_t)(eq - words[i].value));
        char *vv = eq + 1;
        if (!kk || !push_pair(c, pv, t, kk, vv, ws, we) || !push_arg(c, av, t, kk, ws, we) ||
            !push_arg(c, av, t, vv, ws, we))
            return oom(c);
    }
    return 0;
}

/* parseNameOrNameVal for ARG. */
static int parse_arg_words(df_node_ctx *c, arg_vec *av, pair_vec *pv, df_text t, size_t a, size_t b)
{
    df_word *words;
    size_t nw;
    if (!df_parse_words(&c->df->arena, t.s + a, b - a, c->escape, &words, &nw))
        return oom(c);
    for (size_t i = 0; i < nw; i++) {
        size_t ws = a + words[i].start, we = a + words[i].end;
        if (!push_arg(c, av, t, words[i].value, ws, we))
            return oom(c);
        char *eq = strchr(words[i].value, '=');
        char *kk = eq ? df_arena_strndup(&c->df->arena, words[i].value, (size_t)(eq - words[i].value))
                      : words[i].value;
        if (!kk || !push_pair(c, pv, t, kk, eq ? eq + 1 : NULL, ws, we))
            return oom(c);
    }
    return 0;
}

/* ---- flags ---- */

typedef struct flag_vec {
    hoist_df_flag *v;
    size_t n, cap;
} flag_vec;

static bool push_flag(df_node_ctx *c, flag_vec *fv, df_text t, hbuf *w, size_t a, size_t b)
{
    hoist_df_flag f = {0};
    f.text = df_arena_strndup(&c->df->arena, w->data ? w->data : "", w->len);
    if (!f.text)
        return false;
    const char *nm = f.text + (w->len >= 2 ? 2 : w->len);
    const char *eq = strchr(nm, '=');
    f.name = df_arena_strndup(&c->df->arena, nm, eq ? (size_t)(eq - nm) : strlen(nm));
    f.value = eq ? eq + 1 : NULL;
    f.range = df_text_range(c->lm, t, a, b);
    return f.name && df_vec_push((void **)&fv->v, &fv->n, &fv->cap, sizeof(f), &f);
}

/* extractBuilderFlags over t.s[a..b): fills flags, returns the offset where
 * the arguments start (b when everything was flags). */
static bool extract_flags(df_node_ctx *c, df_text t, size_t a, size_t b, flag_vec *fv, size_t *rest)
{
    enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
    hbuf w = {0};
    char quote = 0;
    bool blank_ok = false;
    unsigned char ch = 0;
    size_t wstart = a;
    bool ok = true;
    *rest = b;
    for (size_t pos = a; pos <= b; pos++) {
        if (pos != b)
            ch = (unsigned char)t.s[pos];
        if (phase == IN_SPACES) {
            if (pos == b)
                break;
            if (df_is_space_byte(ch))
                continue;
            if (ch != '-' || pos + 1 == b || t.s[pos + 1] != '-') {
                *rest = pos;
                goto out;
            }
            phase = IN_WORD;
            wstart = pos;
        }
        if ((phase == IN_WORD || phase == IN_QUOTE) && pos == b) {
            if (!(w.len == 2 && memcmp(w.data, "--", 2) == 0) && (blank_ok || w.len > 0))
                if (!push_flag(c, fv, t, &w, wstart, b))
                    ok = false;
            break;
        }
        if (phase == IN_WORD) {
            if (df_is_space_byte(ch)) {
                phase = IN_SPACES;
                if (w.len == 2 && memcmp(w.data, "--", 2) == 0) {
                    *rest = pos;
                    goto out;
                }
                if (blank_ok || w.len > 0)
                    if (!push_flag(c, fv, t, &w, wstart, pos)) {
                        ok = false;
                        goto out;
                    }
                hbuf_reset(&w);
                blank_ok = false;
                continue;
            }
            if (ch == '\'' || ch == '"') {
                quote = (char)ch;
                blank_ok = true;
                phase = IN_QUOTE;
                continue;
            }
            if (ch == '\\') {
                if (pos + 1 == b)
                    continue;
                pos++;
                ch = (unsigned char)t.s[pos];
            }
            hbuf_putc(&w, (char)ch);
            continue;
        }
        if (phase == IN_QUOTE) {
            if (ch == (unsigned char)quote) {
                phase = IN_WORD;
                continue;
            }
            if (ch == '\\') {
                if (pos + 1 == b) {
                    phase = IN_WORD;
                    continue;
                }
                pos++;
                ch = (unsigned char)t.s[pos];
            }
            hbuf_putc(&w, (char)ch);
        }
    }
out:
    hbuf_free(&w);
    return ok;
}

/* ---- the node ---- */

int df_build_node(df_node_ctx *c, df_text t, hoist_df_instruction *ins)
{
    df_arena *ar = &c->df->arena;
    size_t a = utf8_trim_left_space(t.s, t.n);
    size_t b = utf8_trim_right_space(t.s, t.n);
    if (b < a)
        b = a;
    size_t k = a;
    while (k < b && !df_is_ascii_ws((unsigned char)t.s[k]))
        k++;
    char *kw_orig = df_arena_strndup(ar, t.s + a, k - a);
    char *kw = df_arena_strndup(ar, t.s + a, k - a);
    ins->original = df_arena_strndup(ar, t.s, t.n);
    if (!kw_orig || !kw || !ins->original)
        return oom(c);
    for (char *p = kw; *p; p++)
        *p = df_ascii_upper(*p);
    ins->keyword = kw;
    ins->keyword_original = kw_orig;
    ins->keyword_range = df_text_range(c->lm, t, a, k);
    ins->kind = hoist_df_kind_from_name(kw);
    ins->form = HOIST_DF_FORM_SHELL;

    size_t args_a = b, args_b = b;
    flag_vec fv = {0};
    if (k < b) {
        size_t r0 = k;
        while (r0 < b && df_is_ascii_ws((unsigned char)t.s[r0]))
            r0++;
        size_t rest;
        if (!extract_flags(c, t, r0, b, &fv, &rest)) {
            free(fv.v);
            return oom(c);
        }
        args_a = rest + utf8_trim_left_space(t.s + rest, b - rest);
        args_b = args_a + utf8_trim_right_space(t.s + args_a, b - args_a);
    }
    ins->flag_count = fv.n;
    ins->flags = fv.n ? df_arena_memdup(ar, fv.v, fv.n * sizeof(*fv.v)) : NULL;
    free(fv.v);
    if (fv.n && !ins->flags)
        return oom(c);
    ins->raw_args = df_arena_strndup(ar, t.s + args_a, args_b - args_a);
    if (!ins->raw_args)
        return oom(c);
    ins->raw_args_range = df_text_range(c->lm, t, args_a, args_b);

    arg_vec av = {0};
    pair_vec pv = {0};
    int rc = 0;
    switch (ins->kind) {
    case HOIST_DF_RUN:
    case HOIST_DF_CMD:
    case HOIST_DF_ENTRYPOINT:
    case HOIST_DF_SHELL:
        rc = parse_maybe_json(c, &av, t, args_a, args_b, ins);
        break;
    case HOIST_DF_ADD:
    case HOIST_DF_COPY:
    case HOIST_DF_VOLUME:
        rc = parse_maybe_json_list(c, &av, t, args_a, args_b, ins);
        break;
    case HOIST_DF_FROM:
    case HOIST_DF_EXPOSE:
        rc = split_ws(c, &av, t, args_a, args_b) ? 0 : oom(c);
        break;
    case HOIST_DF_ENV:
        rc = parse_name_val(c, &av, &pv, t, args_a, args_b, "ENV", ins);
        break;
    case HOIST_DF_LABEL:
        rc = parse_name_val(c, &av, &pv, t, args_a, args_b, "LABEL", ins);
        break;
    case HOIST_DF_ARG:
        rc = parse_arg_words(c, &av, &pv, t, args_a, args_b);
        break;
    case HOIST_DF_USER:
    case HOIST_DF_WORKDIR:
    case HOIST_DF_STOPSIGNAL:
    case HOIST_DF_MAINTAINER:
        if (args_a < args_b)
            rc = push_arg_copy(c, &av, t, args_a, args_b) ? 0 : oom(c);
        break;
    case HOIST_DF_HEALTHCHECK: {
        /* the type ends at the first byte that unicode.IsSpace(rune(b)) */
        size_t sep = args_a;
        while (sep < args_b && !df_is_space_byte((unsigned char)t.s[sep]))
            sep++;
        size_t next = sep;
        while (next < args_b && df_is_space_byte((unsigned char)t.s[next]))
            next++;
        if (sep == args_a)
            break;
        if (!push_arg_copy(c, &av, t, args_a, sep)) {
            rc = oom(c);
            break;
        }
        rc = parse_maybe_json(c, &av, t, next, args_b, ins);
        break;
    }
    case HOIST_DF_ONBUILD: {
        if (args_a >= args_b)
            break;
        hoist_df_instruction *trig = df_arena_alloc(ar, sizeof(*trig));
        if (!trig) {
            rc = oom(c);
            break;
        }
        df_text sub = {t.s + args_a, t.map + args_a, args_b - args_a};
        rc = df_build_node(c, sub, trig);
        if (rc == 0) {
            trig->range = ins->range;
            trig->stage = ins->stage;
            ins->trigger = trig;
        }
        break;
    }
    case HOIST_DF_UNKNOWN:
        /* parseIgnore: one empty node, whatever the arguments */
        rc = push_arg(c, &av, t, "", args_a, args_a) ? 0 : oom(c);
        break;
    }
    if (rc == 0 && !finish_args(c, &av, ins))
        rc = oom(c);
    free(av.v);
    if (rc == 0) {
        ins->pair_count = pv.n;
        ins->pairs = pv.n ? df_arena_memdup(ar, pv.v, pv.n * sizeof(*pv.v)) : NULL;
        if (pv.n && !ins->pairs)
            rc = oom(c);
    }
    free(pv.v);
    return rc;
}
