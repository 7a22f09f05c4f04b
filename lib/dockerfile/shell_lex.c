/*
 * shell_lex.c - variable expansion, quote and escape processing, and word
 * splitting, as BuildKit's frontend/dockerfile/shell Lex does.
 *
 * The structure follows BuildKit's on purpose, because its quirks are the
 * specification: a text/scanner-like rune reader (a BOM at the start is
 * skipped, invalid UTF-8 reads as U+FFFD), processStopOn for the main loop
 * and for the words inside `${...}`, single quotes that take everything
 * literally, double quotes where only `"`, `$` and the escape character can
 * be escaped, and `${name<op>word}` operators. Words are split only on
 * whitespace that did not come from quotes or escapes, nor from the blanks
 * right after `<<` (kept in the word, for `<< EOF` heredocs).
 */
#include "dockerfile/shell_lex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dockerfile/shell_pattern.h"

#define LEX_EOF UTF8_EOF

typedef struct words_acc {
    hbuf word;
    bool in_word;
    df_lex_result *res;
} words_acc;

typedef struct shell_word {
    utf8_scanner in;   /* the word being read, rune by rune */
    int32_t escape;
    unsigned flags;
    bool raw_escapes;
    hoist_expand_lookup_fn lookup;
    void *ctx;
    df_lex_result *res;
    bool failed;
} shell_word;

static int32_t sw_peek(shell_word *sw) { return utf8_peek(&sw->in); }
static int32_t sw_next(shell_word *sw) { return utf8_next(&sw->in); }

static bool sw_fail(shell_word *sw, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool sw_fail(shell_word *sw, const char *fmt, ...)
{
    if (!sw->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(sw->res->message, sizeof(sw->res->message), fmt, ap);
        va_end(ap);
        sw->res->error_offset = sw->in.pos;
        sw->failed = true;
    }
    return false;
}

static bool words_flush(words_acc *w)
{
    char *s = strndup(w->word.data ? w->word.data : "", w->word.len);
    if (!s)
        return false;
    if (!df_vec_push((void **)&w->res->words, &w->res->word_count, &w->res->word_cap, sizeof(char *),
                     &s)) {
        free(s);
        return false;
    }
    hbuf_reset(&w->word);
    w->in_word = false;
    return true;
}

static void words_add_raw_char(words_acc *w, int32_t ch)
{
    hbuf_put_rune(&w->word, ch);
    w->in_word = true;
}

static void words_add_char(words_acc *w, int32_t ch)
{
    bool space = utf8_is_space(ch);
    if (space && w->in_word) {
        if (w->word.len != 0)
            words_flush(w);
    } else if (!space) {
        words_add_raw_char(w, ch);
    }
}

static void words_add_string(words_acc *w, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t width;
        int32_t r = utf8_decode(s + i, n - i, &width);
        words_add_char(w, r);
        i += width;
    }
}

static void words_add_raw_string(words_acc *w, const char *s, size_t n)
{
    hbuf_append(&w->word, s, n);
    w->in_word = true;
}

static bool process_stop_on(shell_word *sw, int32_t stop, bool raw_escapes, hbuf *result,
                            words_acc *words);
static bool process_dollar(shell_word *sw, hbuf *out);

static bool get_env(shell_word *sw, const char *name, size_t n, const char **v, size_t *vn)
{
    *v = "";
    *vn = 0;
    if (!sw->lookup)
        return false;
    const char *val = NULL;
    size_t vl = 0;
    if (!sw->lookup(sw->ctx, name, n, &val, &vl))
        return false;
    *v = val ? val : "";
    *vn = val ? vl : 0;
    return true;
}

static bool is_special_param(int32_t c)
{
    switch (c) {
    case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
        return true;
    }
    return false;
}

static void process_name(shell_word *sw, hbuf *name)
{
    while (sw_peek(sw) != LEX_EOF) {
        int32_t ch = sw_peek(sw);
        if (name->len == 0 && df_is_digit_rune(ch)) {
            while (sw_peek(sw) != LEX_EOF && df_is_digit_rune(sw_peek(sw)))
                hbuf_put_rune(name, sw_next(sw));
            return;
        }
        if (name->len == 0 && is_special_param(ch)) {
            hbuf_put_rune(name, sw_next(sw));
            return;
        }
        if (!df_is_letter_rune(ch) && !df_is_digit_rune(ch) && ch != '_')
            break;
        hbuf_put_rune(name, sw_next(sw));
    }
}

static bool process_single_quote(shell_word *sw, hbuf *out)
{
    bool raw = sw->flags & HOIST_EXPAND_RAW_QUOTES;
    int32_t ch = sw_next(sw);
    if (raw)
        hbuf_put_rune(out, ch);
    for (;;) {
        ch = sw_next(sw);
        if (ch == LEX_EOF)
            return sw_fail(sw, "unexpected end of statement while looking for matching single-quote");
        if (ch == '\'') {
            if (raw)
                hbuf_put_rune(out, ch);
            return true;
        }
        hbuf_put_rune(out, ch);
    }
}

static bool process_double_quote(shell_word *sw, hbuf *out)
{
    bool raw = sw->flags & HOIST_EXPAND_RAW_QUOTES;
    int32_t ch = sw_next(sw);
    if (raw)
        hbuf_put_rune(out, ch);
    for (;;) {
        int32_t pk = sw_peek(sw);
        if (pk == LEX_EOF)
            return sw_fail(sw, "unexpected end of statement while looking for matching double-quote");
        if (pk == '"') {
            ch = sw_next(sw);
            if (raw)
                hbuf_put_rune(out, ch);
            return true;
        }
        if (pk == '$') {
            if (!process_dollar(sw, out))
                return false;
            continue;
        }
        ch = sw_next(sw);
        if (ch == sw->escape) {
            if (sw->raw_escapes)
                hbuf_put_rune(out, ch);
            int32_t nx = sw_peek(sw);
            if (nx == LEX_EOF)
                continue;
            if (nx == '"' || nx == '$' || nx == sw->escape)
                ch = sw_next(sw);
        }
        hbuf_put_rune(out, ch);
    }
}

static void put_unset_form(hbuf *out, const char *name, size_t nn, const char *op, size_t opn,
                           const char *word, size_t wn)
{
    hbuf_puts(out, "${");
    hbuf_append(out, name, nn);
    hbuf_append(out, op, opn);
    hbuf_append(out, word, wn);
    hbuf_putc(out, '}');
}

static bool process_dollar(shell_word *sw, hbuf *out)
{
    bool keep_unset = sw->flags & HOIST_EXPAND_KEEP_UNSET;
    sw_next(sw); /* '$' */
    if (sw_peek(sw) != '{') {
        hbuf name = {0};
        process_name(sw, &name);
        if (name.len == 0) {
            hbuf_putc(out, '$');
            hbuf_free(&name);
            return true;
        }
        const char *v;
        size_t vn;
        bool found = get_env(sw, name.data, name.len, &v, &vn);
        if (!found && keep_unset) {
            hbuf_putc(out, '$');
            hbuf_append(out, name.data, name.len);
        } else {
            hbuf_append(out, v, vn);
        }
        hbuf_free(&name);
        return true;
    }
    sw_next(sw); /* '{' */
    int32_t pk = sw_peek(sw);
    if (pk == LEX_EOF)
        return sw_fail(sw, "syntax error: missing '}'");
    if (pk == '{' || pk == '}' || pk == ':')
        return sw_fail(sw, "syntax error: bad substitution");

    hbuf name = {0}, chs = {0}, word = {0};
    bool ok = true;
    process_name(sw, &name);
    const char *nm = name.data ? name.data : "";
    int32_t ch = sw_next(sw);
    hbuf_put_rune(&chs, ch == LEX_EOF ? UTF8_RUNE_ERROR : ch);
    bool null_is_unset = false;
    const char *v;
    size_t vn;
    bool set;

    switch (ch) {
    case '}':
        set = get_env(sw, nm, name.len, &v, &vn);
        if (!set && keep_unset)
            put_unset_form(out, nm, name.len, "", 0, "", 0);
        else
            hbuf_append(out, v, vn);
        break;
    case ':':
    case '+':
    case '-':
    case '?':
    case '#':
    case '%': {
        if (ch == ':') {
            null_is_unset = true;
            ch = sw_next(sw);
            hbuf_put_rune(&chs, ch == LEX_EOF ? UTF8_RUNE_ERROR : ch);
        }
        bool raw = ch == '#' || ch == '%';
        if (!process_stop_on(sw, '}', raw, &word, NULL)) {
            if (sw_peek(sw) == LEX_EOF) {
                sw->failed = false;
                sw_fail(sw, "syntax error: missing '}'");
            }
            ok = false;
            break;
        }
        const char *wd = word.data ? word.data : "";
        set = get_env(sw, nm, name.len, &v, &vn);
        if (keep_unset && !set) {
            put_unset_form(out, nm, name.len, chs.data, chs.len, wd, word.len);
            break;
        }
        switch (ch) {
        case '-':
            if (!set || (null_is_unset && vn == 0))
                hbuf_append(out, wd, word.len);
            else
                hbuf_append(out, v, vn);
            break;
        case '+':
            if (!(!set || (null_is_unset && vn == 0)))
                hbuf_append(out, wd, word.len);
            break;
        case '?':
            if (!set) {
                ok = sw_fail(sw, "%s: %s", nm, word.len ? wd : "is not allowed to be unset");
                break;
            }
            if (null_is_unset && vn == 0) {
                ok = sw_fail(sw, "%s: %s", nm, word.len ? wd : "is not allowed to be empty");
                break;
            }
            hbuf_append(out, v, vn);
            break;
        case '%':
        case '#': {
            bool greedy = false;
            size_t off = 0;
            if (word.len > 0 && (int32_t)(unsigned char)wd[0] == ch) {
                greedy = true;
                off = 1;
            }
            char msg[400];
            bool r = ch == '%' ? df_pattern_trim_suffix(wd + off, word.len - off, v, vn, greedy, out,
                                                        msg, sizeof(msg))
                               : df_pattern_trim_prefix(wd + off, word.len - off, v, vn, greedy, out,
                                                        msg, sizeof(msg));
            if (!r)
                ok = sw_fail(sw, "%s", msg);
            break;
        }
        default:
            ok = sw_fail(sw, "unsupported modifier (%s) in substitution", chs.data);
        }
        break;
    }
    case '/': {
        bool all = sw_peek(sw) == '/';
        if (all)
            sw_next(sw);
        hbuf pattern = {0};
        if (!process_stop_on(sw, '/', true, &pattern, NULL)) {
            if (sw_peek(sw) == LEX_EOF) {
                sw->failed = false;
                sw_fail(sw, "syntax error: missing '/' in ${}");
            }
            hbuf_free(&pattern);
            ok = false;
            break;
        }
        if (!process_stop_on(sw, '}', true, &word, NULL)) {
            if (sw_peek(sw) == LEX_EOF) {
                sw->failed = false;
                sw_fail(sw, "syntax error: missing '}'");
            }
            hbuf_free(&pattern);
            ok = false;
            break;
        }
        const char *pd = pattern.data ? pattern.data : "";
        const char *wd = word.data ? word.data : "";
        set = get_env(sw, nm, name.len, &v, &vn);
        if (keep_unset && !set) {
            hbuf_puts(out, "${");
            hbuf_append(out, nm, name.len);
            hbuf_putc(out, '/');
            hbuf_append(out, pd, pattern.len);
            hbuf_putc(out, '/');
            hbuf_append(out, wd, word.len);
            hbuf_putc(out, '}');
        } else {
            char msg[400];
            if (!df_pattern_replace(pd, pattern.len, v, vn, wd, word.len, all, out, msg, sizeof(msg)))
                ok = sw_fail(sw, "%s", msg);
        }
        hbuf_free(&pattern);
        break;
    }
    default:
        ok = sw_fail(sw, "unsupported modifier (%s) in substitution", chs.data);
    }
    hbuf_free(&name);
    hbuf_free(&chs);
    hbuf_free(&word);
    if (ok && out->len > DF_EXPAND_MAX)
        ok = sw_fail(sw, "expanded value is too large (over %d bytes)", DF_EXPAND_MAX);
    return ok;
}

static bool process_stop_on(shell_word *sw, int32_t stop, bool raw_escapes, hbuf *result,
                            words_acc *words)
{
    bool saved = sw->raw_escapes;
    sw->raw_escapes = raw_escapes;
    bool quotes = !(sw->flags & HOIST_EXPAND_NO_QUOTES);
    bool ok = true;
    while (sw_peek(sw) != LEX_EOF) {
        int32_t ch = sw_peek(sw);
        if (stop != LEX_EOF && ch == stop) {
            sw_next(sw);
            goto done;
        }
        if (ch == '$' || (quotes && (ch == '\'' || ch == '"'))) {
            hbuf tmp = {0};
            bool r = ch == '$' ? process_dollar(sw, &tmp)
                     : ch == '\'' ? process_single_quote(sw, &tmp)
                                  : process_double_quote(sw, &tmp);
            if (!r) {
                hbuf_free(&tmp);
                ok = false;
                goto done;
            }
            hbuf_append(result, tmp.data ? tmp.data : "", tmp.len);
            if (words) {
                if (ch == '$')
                    words_add_string(words, tmp.data ? tmp.data : "", tmp.len);
                else
                    words_add_raw_string(words, tmp.data ? tmp.data : "", tmp.len);
            }
            hbuf_free(&tmp);
            continue;
        }
        if (ch == '<') {
            /* processPossibleHeredoc: `<<` takes the blanks after it into
             * the word, so `<< EOF` stays one word ("<< EOF") */
            hbuf tmp = {0};
            hbuf_putc(&tmp, (char)sw_next(sw));
            if (sw_peek(sw) == '<') {
                hbuf_putc(&tmp, (char)sw_next(sw));
                for (int32_t c = sw_peek(sw); c == ' ' || c == '\t' || c == '\r'; c = sw_peek(sw))
                    hbuf_putc(&tmp, (char)sw_next(sw));
            }
            hbuf_append(result, tmp.data, tmp.len);
            if (words)
                words_add_raw_string(words, tmp.data, tmp.len);
            hbuf_free(&tmp);
            continue;
        }
        ch = sw_next(sw);
        if (ch == sw->escape) {
            if (sw->raw_escapes) {
                if (words)
                    words_add_raw_char(words, ch);
                hbuf_put_rune(result, ch);
            }
            ch = sw_next(sw);
            if (ch == LEX_EOF)
                break;
            if (words)
                words_add_raw_char(words, ch);
        } else if (words) {
            words_add_char(words, ch);
        }
        hbuf_put_rune(result, ch);
    }
    if (stop != LEX_EOF) {
        char s[8] = {0};
        hbuf t = {0};
        hbuf_put_rune(&t, stop);
        memcpy(s, t.data, t.len < 7 ? t.len : 7);
        hbuf_free(&t);
        ok = sw_fail(sw, "unexpected end of statement while looking for matching %s", s);
    }
done:
    sw->raw_escapes = saved;
    return ok;
}

bool df_lex_process(const char *word, size_t len, const hoist_expand_options *opts,
                    df_lex_result *r)
{
    memset(r, 0, sizeof(*r));
    shell_word sw = {0};
    sw.in = (utf8_scanner){word, len, 0};
    sw.escape = (opts && opts->escape) ? (unsigned char)opts->escape : '\\';
    sw.flags = opts ? opts->flags : 0;
    sw.raw_escapes = sw.flags & HOIST_EXPAND_RAW_ESCAPES;
    sw.lookup = opts ? opts->lookup : NULL;
    sw.ctx = opts ? opts->lookup_ctx : NULL;
    sw.res = r;
    /* text/scanner skips a byte order mark at the very start */
    if (len >= 3 && (unsigned char)word[0] == 0xEF && (unsigned char)word[1] == 0xBB &&
        (unsigned char)word[2] == 0xBF)
        sw.in.pos = 3;
    words_acc w = {.res = r};
    bool ok = process_stop_on(&sw, LEX_EOF, sw.raw_escapes, &r->result, &w);
    if (ok && w.word.len > 0)
        words_flush(&w);
    hbuf_free(&w.word);
    hbuf_terminate(&r->result);
    if (!ok) {
        /* BuildKit returns no words on error */
        for (size_t i = 0; i < r->word_count; i++)
            free(r->words[i]);
        r->word_count = 0;
    }
    return ok;
}

void df_lex_result_free(df_lex_result *r)
{
    hbuf_free(&r->result);
    for (size_t i = 0; i < r->word_count; i++)
        free(r->words[i]);
    free(r->words);
    r->words = NULL;
    r->word_count = r->word_cap = 0;
}

/* ---- public API ---- */

int hoist_expand(const char *word, size_t len, const hoist_expand_options *opts, char **out,
                 hoist_error *err)
{
    *out = NULL;
    df_lex_result r;
    if (!df_lex_process(word, len, opts, &r)) {
        int rc = hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX, "failed to process \"%.*s\": %s",
                                  (int)(len > 200 ? 200 : len), word, r.message);
        hoist_error_at(err, NULL, 0, (int)r.error_offset + 1);
        hoist_error_hint(err, "check the ${...} syntax; write a literal $ as \\$");
        df_lex_result_free(&r);
        return rc;
    }
    *out = r.result.data ? r.result.data : strdup("");
    r.result.data = NULL;
    df_lex_result_free(&r);
    if (!*out)
        return hoist_error_nomem(err);
    return 0;
}

int hoist_expand_words(const char *word, size_t len, const hoist_expand_options *opts,
                       char ***out_words, size_t *out_count, hoist_error *err)
{
    *out_words = NULL;
    *out_count = 0;
    df_lex_result r;
    if (!df_lex_process(word, len, opts, &r)) {
        int rc = hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_SYNTAX, "failed to process \"%.*s\": %s",
                                  (int)(len > 200 ? 200 : len), word, r.message);
        hoist_error_at(err, NULL, 0, (int)r.error_offset + 1);
        df_lex_result_free(&r);
        return rc;
    }
    *out_words = r.words;
    *out_count = r.word_count;
    r.words = NULL;
    r.word_count = 0;
    df_lex_result_free(&r);
    return 0;
}

void hoist_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
