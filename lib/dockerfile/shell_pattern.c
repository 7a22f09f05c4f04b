/*
 * shell_pattern.c - glob-like patterns of `${v#p}`, `${v%p}`, `${v/p/r}`
 * matched exactly like BuildKit's regex translation of them.
 *
 * Matching is a set-of-positions simulation over the token list, so it is
 * linear in pattern x subject and never backtracks. For anchored matches
 * with only `*`, `?` and literals, Go's leftmost-first search with lazy
 * stars ends at the shortest possible end and with greedy stars at the
 * longest, so we compute the reachable end set and take its min or max.
 */
#include "dockerfile/shell_pattern.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct rune_at {
    int32_t r;
    size_t off;
} rune_at;

/* text/scanner-style decode of a whole string into runes (skips a BOM at
 * the very start, like Scanner.Peek does). */
static rune_at *decode_all(const char *s, size_t n, size_t *count, bool skip_bom)
{
    rune_at *v = malloc((n + 1) * sizeof(*v));
    if (!v)
        return NULL;
    size_t i = 0, k = 0;
    if (skip_bom && n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF)
        i = 3;
    while (i < n) {
        size_t w;
        v[k].r = utf8_decode(s + i, n - i, &w);
        v[k].off = i;
        k++;
        i += w;
    }
    *count = k;
    return v;
}

bool df_pattern_compile(const char *pat, size_t n, df_pattern *out, char *msg, size_t msgsz)
{
    size_t rc;
    rune_at *r = decode_all(pat, n, &rc, true);
    out->toks = NULL;
    out->count = 0;
    if (!r) {
        snprintf(msg, msgsz, "out of memory");
        return false;
    }
    out->toks = malloc((rc + 1) * sizeof(df_pat_tok));
    if (!out->toks) {
        free(r);
        snprintf(msg, msgsz, "out of memory");
        return false;
    }
    for (size_t i = 0; i < rc; i++) {
        int32_t t = r[i].r;
        if (t == '*') {
            out->toks[out->count++] = (df_pat_tok){DF_PAT_STAR, 0};
            continue;
        }
        if (t == '?') {
            out->toks[out->count++] = (df_pat_tok){DF_PAT_ANY, 0};
            continue;
        }
        if (t == '\\') {
            int32_t peek = i + 1 < rc ? r[i + 1].r : -1;
            if (peek == '}' || peek == '/')
                continue; /* the escape only protected ${} syntax */
            i++;
            t = i < rc ? r[i].r : -1;
            if (t != '*' && t != '?' && t != '\\') {
                hbuf tmp = {0};
                hbuf_put_rune(&tmp, t < 0 ? UTF8_RUNE_ERROR : t);
                snprintf(msg, msgsz, "invalid escape '\\%s'", tmp.data ? tmp.data : "");
                hbuf_free(&tmp);
                free(r);
                df_pattern_free(out);
                return false;
            }
        }
        out->toks[out->count++] = (df_pat_tok){DF_PAT_LIT, t};
    }
    free(r);
    return true;
}

void df_pattern_free(df_pattern *p)
{
    free(p->toks);
    p->toks = NULL;
    p->count = 0;
}

/* Reachable end positions (indexes into runes[]) of the pattern started at
 * rune index `start`. cur/next are scratch bitmaps of rc+1 entries. */
static bool match_runes(const df_pattern *p, const rune_at *runes, size_t rc, size_t start,
                        bool greedy, size_t *end_idx, unsigned char *cur, unsigned char *nxt)
{
    memset(cur, 0, rc + 1);
    cur[start] = 1;
    for (size_t t = 0; t < p->count; t++) {
        memset(nxt, 0, rc + 1);
        bool any = false;
        const df_pat_tok *tok = &p->toks[t];
        if (tok->kind == DF_PAT_STAR) {
            bool on = false;
            for (size_t i = start; i <= rc; i++) {
                if (cur[i])
                    on = true;
                if (on) {
                    nxt[i] = 1;
                    any = true;
                    if (i < rc && runes[i].r == '\n')
                        on = false; /* '.' does not cross a newline */
                }
            }
        } else {
            for (size_t i = start; i < rc; i++) {
                if (!cur[i])
                    continue;
                bool ok = tok->kind == DF_PAT_ANY ? runes[i].r != '\n' : runes[i].r == tok->rune;
                if (ok) {
                    nxt[i + 1] = 1;
                    any = true;
                }
            }
        }
        if (!any)
            return false;
        memcpy(cur, nxt, rc + 1);
    }
    if (greedy) {
        for (size_t i = rc + 1; i-- > start;)
            if (cur[i]) {
                *end_idx = i;
                return true;
            }
    } else {
        for (size_t i = start; i <= rc; i++)
            if (cur[i]) {
                *end_idx = i;
                return true;
            }
    }
    return false;
}

bool df_pattern_match_at(const df_pattern *p, const char *s, size_t n, size_t start, bool greedy,
                         size_t *end)
{
    size_t rc;
    rune_at *runes = decode_all(s, n, &rc, false);
    if (!runes)
        return false;
    unsigned char *cur = malloc(2 * (rc + 1));
    bool ok = false;
    if (cur) {
        size_t si = 0;
        while (si < rc && runes[si].off < start)
            si++;
        size_t e;
        ok = match_runes(p, runes, rc, si, greedy, &e, cur, cur + rc + 1);
        if (ok)
            *end = e < rc ? runes[e].off : n;
    }
    free(cur);
    free(runes);
    return ok;
}

bool df_pattern_trim_prefix(const char *pat, size_t patn, const char *v, size_t vn, bool greedy,
                            hbuf *out, char *msg, size_t msgsz)
{
    df_pattern p;
    if (!df_pattern_compile(pat, patn, &p, msg, msgsz)) {
        char inner[512];
        snprintf(inner, sizeof(inner), "%s", msg);
        snprintf(msg, msgsz, "invalid pattern (%.*s) in substitution: %s", (int)patn, pat, inner);
        return false;
    }
    size_t end;
    if (df_pattern_match_at(&p, v, vn, 0, greedy, &end))
        hbuf_append(out, v + end, vn - end);
    else
        hbuf_append(out, v, vn);
    df_pattern_free(&p);
    return true;
}

/* reversePattern: reverse runes but keep `\x` pairs in order. */
static bool reverse_pattern(const char *pat, size_t n, hbuf *out)
{
    size_t rc;
    rune_at *r = decode_all(pat, n, &rc, false);
    if (!r)
        return false;
    int32_t *o = malloc((rc + 1) * sizeof(int32_t));
    if (!o) {
        free(r);
        return false;
    }
    size_t last = rc ? rc - 1 : 0;
    for (size_t i = 0; i < rc;) {
        size_t oi = last - i;
        if (r[i].r == '\\' && i != last) {
            o[oi - 1] = '\\';
            o[oi] = r[i + 1].r;
            i += 2;
        } else {
            o[oi] = r[i].r;
            i++;
        }
    }
    for (size_t i = 0; i < rc; i++)
        hbuf_put_rune(out, o[i]);
    free(o);
    free(r);
    return true;
}

/* []rune(s) reversed and re-encoded (invalid bytes become U+FFFD). */
static bool reverse_string(const char *s, size_t n, hbuf *out)
{
    size_t rc;
    rune_at *r = decode_all(s, n, &rc, false);
    if (!r)
        return false;
    for (size_t i = rc; i-- > 0;)
        hbuf_put_rune(out, r[i].r);
    free(r);
    return true;
}

bool df_pattern_trim_suffix(const char *pat, size_t patn, const char *v, size_t vn, bool greedy,
                            hbuf *out, char *msg, size_t msgsz)
{
    hbuf rp = {0}, rv = {0}, trimmed = {0};
    bool ok = reverse_pattern(pat, patn, &rp) && reverse_string(v, vn, &rv) && hbuf_terminate(&rp) &&
              hbuf_terminate(&rv);
    if (ok)
        ok = df_pattern_trim_prefix(rp.data, rp.len, rv.data, rv.len, greedy, &trimmed, msg, msgsz);
    if (ok)
        ok = reverse_string(trimmed.data ? trimmed.data : "", trimmed.len, out);
    hbuf_free(&rp);
    hbuf_free(&rv);
    hbuf_free(&trimmed);
    return ok;
}

/* regexp.Expand for a pattern with no capture groups: `$$` is `$`, `$0` /
 * `${0}` is the whole match, any other well-formed name is empty, and a
 * malformed `$` is literal. */
static void expand_template(const char *t, size_t tn, const char *m, size_t mn, hbuf *out)
{
    size_t i = 0;
    while (i < tn) {
        if (t[i] != '$') {
            hbuf_putc(out, t[i++]);
            continue;
        }
        i++;
        if (i < tn && t[i] == '$') {
            hbuf_putc(out, '$');
            i++;
            continue;
        }
        size_t ns, ne, next;
        if (i < tn && t[i] == '{') {
            ns = i + 1;
            ne = ns;
            while (ne < tn && t[ne] != '}') {
                size_t w;
                int32_t r = utf8_decode(t + ne, tn - ne, &w);
                if (!df_is_letter_rune(r) && !df_is_digit_rune(r) && r != '_')
                    break;
                ne += w;
            }
            if (ne == ns || ne >= tn || t[ne] != '}') {
                hbuf_putc(out, '$');
                continue;
            }
            next = ne + 1;
        } else {
            ns = ne = i;
            while (ne < tn) {
                size_t w;
                int32_t r = utf8_decode(t + ne, tn - ne, &w);
                if (!df_is_letter_rune(r) && !df_is_digit_rune(r) && r != '_')
                    break;
                ne += w;
            }
            if (ne == ns) {
                hbuf_putc(out, '$');
                continue;
            }
            next = ne;
        }
        bool all_digits = true;
        unsigned long num = 0;
        for (size_t k = ns; k < ne; k++) {
            if (t[k] < '0' || t[k] > '9') {
                all_digits = false;
                break;
            }
            if (num < 100000000)
                num = num * 10 + (unsigned long)(t[k] - '0');
        }
        if (all_digits && num == 0)
            hbuf_append(out, m, mn);
        i = next;
    }
}

bool df_pattern_replace(const char *pat, size_t patn, const char *v, size_t vn, const char *repl,
                        size_t repln, bool all, hbuf *out, char *msg, size_t msgsz)
{
    df_pattern p;
    if (!df_pattern_compile(pat, patn, &p, msg, msgsz)) {
        char inner[512];
        snprintf(inner, sizeof(inner), "%s", msg);
        snprintf(msg, msgsz, "invalid pattern (%.*s) in substitution: %s", (int)patn, pat, inner);
        return false;
    }
    size_t rc;
    rune_at *runes = decode_all(v, vn, &rc, false);
    unsigned char *scratch = runes ? malloc(2 * (rc + 1)) : NULL;
    if (!runes || !scratch) {
        free(runes);
        df_pattern_free(&p);
        snprintf(msg, msgsz, "out of memory");
        return false;
    }
#define OFF(idx) ((idx) < rc ? runes[(idx)].off : vn)
    if (!all) {
        bool found = false;
        for (size_t s = 0; s <= rc && !found; s++) {
            size_t e;
            if (match_runes(&p, runes, rc, s, true, &e, scratch, scratch + rc + 1)) {
                hbuf_append(out, v, OFF(s));
                hbuf_append(out, repl, repln);
                hbuf_append(out, v + OFF(e), vn - OFF(e));
                found = true;
            }
        }
        if (!found)
            hbuf_append(out, v, vn);
    } else {
        /* regexp.ReplaceAllString's loop, in rune indexes. */
        size_t last_end = 0, search = 0;
        while (search <= rc) {
            size_t ms = 0, me = 0;
            bool found = false;
            for (size_t s = search; s <= rc; s++) {
                if (match_runes(&p, runes, rc, s, true, &me, scratch, scratch + rc + 1)) {
                    ms = s;
                    found = true;
                    break;
                }
            }
            if (!found)
                break;
            hbuf_append(out, v + OFF(last_end), OFF(ms) - OFF(last_end));
            if (me > last_end || ms == 0)
                expand_template(repl, repln, v + OFF(ms), OFF(me) - OFF(ms), out);
            if (out->len > DF_EXPAND_MAX) {
                free(scratch);
                free(runes);
                df_pattern_free(&p);
                snprintf(msg, msgsz, "expanded value is too large (over %d bytes)", DF_EXPAND_MAX);
                return false;
            }
            last_end = me;
            if (search + 1 > me)
                search++;
            else
                search = me;
        }
        hbuf_append(out, v + OFF(last_end), vn - OFF(last_end));
    }
#undef OFF
    free(scratch);
    free(runes);
    df_pattern_free(&p);
    return true;
}
