/*
 * regex.c - the part of Go's regexp syntax that patternmatcher can produce.
 *
 * patternmatcher turns a pattern that needs more than a string comparison
 * into a Go regular expression: '*' becomes [^/]*, '?' becomes [^/], '**'
 * becomes "(.*" "/)?" or ".*", some punctuation is escaped, and everything else
 * (including the user's '[...]' classes, '^' and '\x' escapes) is passed
 * through verbatim. Docker therefore matches with Go regexp semantics, and so
 * must we: classes with ranges, negation, POSIX [:name:] and Perl \d\s\w
 * items, octal/hex/C escapes, '^' '$' \A \z \b \B, '.' that does not match a
 * newline, and * + ? quantifiers (possibly on a user class closed by a
 * generated ']'). Unicode classes (\p) and \Q..\E are refused with an error
 * instead of being guessed at.
 *
 * The expression is parsed into a tree, compiled into a small instruction
 * list and run by a backtracking matcher that remembers visited
 * (instruction, offset) pairs, so matching is linear in pattern x path size.
 * Input is decoded as UTF-8 the Go way (an invalid byte is U+FFFD).
 */
#include "ignore_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

/* ---------------------------------------------------------------- classes */

typedef struct rune_class {
    int32_t *ranges; /* lo,hi pairs, sorted and merged */
    size_t n;        /* number of pairs */
    size_t cap;
} rune_class;

static int class_add(rune_class *c, int32_t lo, int32_t hi)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        int32_t *r = realloc(c->ranges, cap * 2 * sizeof(int32_t));
        if (!r)
            return -1;
        c->ranges = r;
        c->cap = cap;
    }
    c->ranges[2 * c->n] = lo;
    c->ranges[2 * c->n + 1] = hi;
    c->n++;
    return 0;
}

static int cmp_range(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static void class_normalize(rune_class *c)
{
    if (c->n == 0)
        return;
    qsort(c->ranges, c->n, 2 * sizeof(int32_t), cmp_range);
    size_t w = 0;
    for (size_t i = 1; i < c->n; i++) {
        if (c->ranges[2 * i] <= c->ranges[2 * w + 1] + 1) {
            if (c->ranges[2 * i + 1] > c->ranges[2 * w + 1])
                c->ranges[2 * w + 1] = c->ranges[2 * i + 1];
        } else {
            w++;
            c->ranges[2 * w] = c->ranges[2 * i];
            c->ranges[2 * w + 1] = c->ranges[2 * i + 1];
        }
    }
    c->n = w + 1;
}

static int class_negate(rune_class *c)
{
    class_normalize(c);
    rune_class neg = {0};
    int32_t next = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->ranges[2 * i] > next && class_add(&neg, next, c->ranges[2 * i] - 1) < 0)
            goto oom;
        next = c->ranges[2 * i + 1] + 1;
    }
    if (next <= 0x10FFFF && class_add(&neg, next, 0x10FFFF) < 0)
        goto oom;
    free(c->ranges);
    *c = neg;
    return 0;
oom:
    free(neg.ranges);
    return -1;
}

static bool class_has(const rune_class *c, int32_t r)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r < c->ranges[2 * mid])
            hi = mid;
        else if (r > c->ranges[2 * mid + 1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------ tree */

enum node_kind {
    N_LIT, N_CLASS, N_ANY_NOT_NL, N_BEGIN, N_END, N_WORDB, N_NWORDB,
    N_CONCAT, N_ALT, N_STAR, N_PLUS, N_QUEST, N_EMPTY,
};

typedef struct node {
    enum node_kind kind;
    int32_t rune;
    size_t class_index;
    struct node **kids;
    size_t nkids;
} node;

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    rune_class *classes;
    size_t nclasses;
    size_t class_cap;
    char *errbuf;
    size_t errlen;
    bool failed;
} parser;

static void node_free(node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n);
}

static node *perr(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static node *perr(parser *p, const char *fmt, ...)
{
    if (!p->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->errbuf, p->errlen, fmt, ap);
        va_end(ap);
    }
    p->failed = true;
    return NULL;
}

static node *node_new(parser *p, enum node_kind kind)
{
    node *n = calloc(1, sizeof(*n));
    if (!n)
        return perr(p, "out of memory");
    n->kind = kind;
    return n;
}

static int node_push(parser *p, node *parent, node *kid)
{
    node **k = realloc(parent->kids, (parent->nkids + 1) * sizeof(*k));
    if (!k) {
        perr(p, "out of memory");
        return -1;
    }
    parent->kids = k;
    parent->kids[parent->nkids++] = kid;
    return 0;
}

static rune_class *class_new(parser *p, size_t *index)
{
    if (p->nclasses == p->class_cap) {
        size_t cap = p->class_cap ? p->class_cap * 2 : 4;
        rune_class *c = realloc(p->classes, cap * sizeof(*c));
        if (!c) {
            perr(p, "out of memory");
            return NULL;
        }
        p->classes = c;
        p->class_cap = cap;
    }
    *index = p->nclasses;
    memset(&p->classes[p->nclasses], 0, sizeof(rune_class));
    return &p->classes[p->nclasses++];
}

static bool at_end(const parser *p) { return p->pos >= p->len; }

static int32_t next_rune(parser *p)
{
    size_t w;
    int32_t r = utf8_decode(p->s + p->pos, p->len - p->pos, &w);
    p->pos += w;
    return r;
}

static bool is_alnum(int32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hexval(int32_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Go's parseEscape: the character after '\' that stands for one rune.
 * p->pos is just past the backslash. Returns -1 on error. */
static int32_t parse_escape(parser *p)
{
    if (at_end(p)) {
        perr(p, "trailing backslash at end of expression");
        return -1;
    }
    size_t start = p->pos;
    int32_t c = next_rune(p);
    if (c < 0x80 && !is_alnum(c))
        return c;
    switch (c) {
    case '1': case '2': case '3': case '4': case '5': case '6': case '7':
        /* a single non-zero digit would be a backreference */
        if (at_end(p) || p->s[p->pos] < '0' || p->s[p->pos] > '7')
            break;
        /* fallthrough */
    case '0': {
        int32_t r = c - '0';
        for (int i = 1; i < 3; i++) {
            if (at_end(p) || p->s[p->pos] < '0' || p->s[p->pos] > '7')
                break;
            r = r * 8 + (p->s[p->pos++] - '0');
        }
        return r;
    }
    case 'x': {
        if (at_end(p))
            break;
        if (p->s[p->pos] == '{') {
            p->pos++;
            int32_t r = 0;
            int digits = 0;
            while (!at_end(p) && p->s[p->pos] != '}') {
                int v = hexval(p->s[p->pos]);
                if (v < 0)
                    break;
                r = r * 16 + v;
                digits++;
                p->pos++;
                if (r > 0x10FFFF)
                    break;
            }
            if (at_end(p) || p->s[p->pos] != '}' || digits == 0 || r > 0x10FFFF)
                break;
            p->pos++;
            return r;
        }
        if (p->len - p->pos < 2)
            break;
        int a = hexval(p->s[p->pos]), b = hexval(p->s[p->pos + 1]);
        if (a < 0 || b < 0)
            break;
        p->pos += 2;
        return a * 16 + b;
    }
    case 'a': return '\a';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    default:
        break;
    }
    perr(p, "invalid escape sequence: `\\%.*s`", (int)(p->pos - start), p->s + start);
    return -1;
}

/* Perl class escapes \d \s \w and their negations, into c. p->pos is at
 * the letter. Returns 1 when handled, 0 when not a Perl class. */
static int perl_class(parser *p, rune_class *c, bool *negate_whole)
{
    char k = p->s[p->pos];
    rune_class tmp = {0};
    bool neg = false;
    switch (k) {
    case 'D': neg = true; /* fallthrough */
    case 'd': class_add(&tmp, '0', '9'); break;
    case 'S': neg = true; /* fallthrough */
    case 's':
        class_add(&tmp, '\t', '\n'); class_add(&tmp, '\f', '\r'); class_add(&tmp, ' ', ' ');
        break;
    case 'W': neg = true; /* fallthrough */
    case 'w':
        class_add(&tmp, '0', '9'); class_add(&tmp, 'A', 'Z'); class_add(&tmp, '_', '_');
        class_add(&tmp, 'a', 'z');
        break;
    default:
        return 0;
    }
    p->pos++;
    if (neg)
        class_negate(&tmp);
    for (size_t i = 0; i < tmp.n; i++)
        class_add(c, tmp.ranges[2 * i], tmp.ranges[2 * i + 1]);
    free(tmp.ranges);
    (void)negate_whole;
    return 1;
}

struct posix_class { const char *name; const char *ranges; };
/* ranges as pairs of characters */
static const struct posix_class posix_classes[] = {
    {"alnum", "09AZaz"}, {"alpha", "AZaz"}, {"ascii", "\x01\x7f"}, {"blank", "\t\t  "},
    {"cntrl", "\x01\x1f\x7f\x7f"}, {"digit", "09"}, {"graph", "!~"}, {"lower", "az"},
    {"print", " ~"}, {"punct", "!/:@[`{~"}, {"space", "\t\r  "}, {"upper", "AZ"},
    {"word", "09AZ__az"}, {"xdigit", "09AFaf"},
};

/* [:name:] inside a class. Returns 1 when consumed, 0 when the text is not
 * a named class (then '[' is an ordinary character), -1 on error. */
static int named_class(parser *p, rune_class *c)
{
    const char *s = p->s + p->pos;
    size_t n = p->len - p->pos;
    if (n <= 2 || s[0] != '[' || s[1] != ':')
        return 0;
    const char *end = NULL;
    for (size_t i = 2; i + 1 < n; i++) {
        if (s[i] == ':' && s[i + 1] == ']') {
            end = s + i;
            break;
        }
    }
    if (!end)
        return 0;
    const char *name = s + 2;
    size_t nlen = (size_t)(end - name);
    bool neg = false;
    if (nlen > 0 && name[0] == '^') {
        neg = true;
        name++;
        nlen--;
    }
    for (size_t i = 0; i < sizeof(posix_classes) / sizeof(posix_classes[0]); i++) {
        if (strlen(posix_classes[i].name) == nlen && !memcmp(posix_classes[i].name, name, nlen)) {
            rune_class tmp = {0};
            const char *r = posix_classes[i].ranges;
            size_t rl = strlen(r);
            if (i == 2) /* ascii includes NUL */
                class_add(&tmp, 0, 0x7f);
            else
                for (size_t j = 0; j + 1 < rl; j += 2)
                    class_add(&tmp, (unsigned char)r[j], (unsigned char)r[j + 1]);
            if (i == 4)
                class_add(&tmp, 0, 0);
            if (neg)
                class_negate(&tmp);
            for (size_t j = 0; j < tmp.n; j++)
                class_add(c, tmp.ranges[2 * j], tmp.ranges[2 * j + 1]);
            free(tmp.ranges);
            p->pos += (size_t)(end - s) + 2;
            return 1;
        }
    }
    perr(p, "invalid character class range: `%.*s`", (int)(end - s + 2), s);
    return -1;
}

static int32_t class_char(parser *p)
{
    if (at_end(p)) {
        perr(p, "missing closing ]");
        return -1;
    }
    if (p->s[p->pos] == '\\') {
        p->pos++;
        return parse_escape(p);
    }
    return next_rune(p);
}

static node *parse_class(parser *p)
{
    size_t start = p->pos;
    p->pos++; /* '[' */
    size_t idx;
    rune_class *c = class_new(p, &idx);
    if (!c)
        return NULL;
    bool negated = false;
    if (!at_end(p) && p->s[p->pos] == '^') {
        negated = true;
        p->pos++;
    }
    bool first = true;
    while (at_end(p) || p->s[p->pos] != ']' || first) {
        first = false;
        if (at_end(p))
            return perr(p, "missing closing ]: `%.*s`", (int)(p->len - start), p->s + start);
        int nc = named_class(p, &p->classes[idx]);
        if (nc < 0)
            return NULL;
        if (nc > 0)
            continue;
        if (p->s[p->pos] == '\\' && p->pos + 1 < p->len) {
            char k = p->s[p->pos + 1];
            if (k == 'p' || k == 'P')
                return perr(p, "Unicode classes (\\p) are not supported by hoist");
            p->pos++;
            if (perl_class(p, &p->classes[idx], NULL))
                continue;
            p->pos--;
        }
        size_t item = p->pos;
        int32_t lo = class_char(p);
        if (p->failed)
            return NULL;
        int32_t hi = lo;
        if (p->len - p->pos >= 2 && p->s[p->pos] == '-' && p->s[p->pos + 1] != ']') {
            p->pos++;
            hi = class_char(p);
            if (p->failed)
                return NULL;
            if (hi < lo)
                return perr(p, "invalid character class range: `%.*s`", (int)(p->pos - item),
                            p->s + item);
        }
        if (class_add(&p->classes[idx], lo, hi) < 0)
            return perr(p, "out of memory");
    }
    p->pos++; /* ']' */
    if (negated && class_negate(&p->classes[idx]) < 0)
        return perr(p, "out of memory");
    class_normalize(&p->classes[idx]);
    node *n = node_new(p, N_CLASS);
    if (n)
        n->class_index = idx;
    return n;
}

static node *parse_alt(parser *p);

static node *parse_atom(parser *p)
{
    char ch = p->s[p->pos];
    node *n;
    switch (ch) {
    case '(':
        p->pos++;
        if (!at_end(p) && p->s[p->pos] == '?')
            return perr(p, "regexp groups with flags are not supported by hoist");
        n = parse_alt(p);
        if (!n)
            return NULL;
        if (at_end(p) || p->s[p->pos] != ')') {
            node_free(n);
            return perr(p, "missing closing )");
        }
        p->pos++;
        return n;
    case '[':
        return parse_class(p);
    case '.':
        p->pos++;
        return node_new(p, N_ANY_NOT_NL);
    case '^':
        p->pos++;
        return node_new(p, N_BEGIN);
    case '$':
        p->pos++;
        return node_new(p, N_END);
    case '*': case '+': case '?':
        return perr(p, "missing argument to repetition operator: `%c`", ch);
    case '\\': {
        p->pos++;
        if (at_end(p))
            return perr(p, "trailing backslash at end of expression");
        char k = p->s[p->pos];
        switch (k) {
        case 'A': p->pos++; return node_new(p, N_BEGIN);
        case 'z': p->pos++; return node_new(p, N_END);
        case 'b': p->pos++; return node_new(p, N_WORDB);
        case 'B': p->pos++; return node_new(p, N_NWORDB);
        case 'p': case 'P':
            return perr(p, "Unicode classes (\\p) are not supported by hoist");
        case 'Q':
            return perr(p, "\\Q...\\E quoting is not supported by hoist");
        case 'd': case 'D': case 's': case 'S': case 'w': case 'W': {
            size_t idx;
            if (!class_new(p, &idx))
                return NULL;
            perl_class(p, &p->classes[idx], NULL);
            class_normalize(&p->classes[idx]);
            n = node_new(p, N_CLASS);
            if (n)
                n->class_index = idx;
            return n;
        }
        default: {
            int32_t r = parse_escape(p);
            if (p->failed)
                return NULL;
            n = node_new(p, N_LIT);
            if (n)
                n->rune = r;
            return n;
        }
        }
    }
    default: {
        int32_t r = next_rune(p);
        n = node_new(p, N_LIT);
        if (n)
            n->rune = r;
        return n;
    }
    }
}

static node *parse_repeat(parser *p)
{
    node *atom = parse_atom(p);
    if (!atom)
        return NULL;
    bool repeated = false;
    while (!at_end(p)) {
        char q = p->s[p->pos];
        if (q != '*' && q != '+' && q != '?')
            break;
        if (repeated) {
            node_free(atom);
            return perr(p, "invalid nested repetition operator");
        }
        p->pos++;
        /* a non-greedy marker changes nothing for a yes/no match */
        if (!at_end(p) && p->s[p->pos] == '?')
            p->pos++;
        node *r = node_new(p, q == '*' ? N_STAR : q == '+' ? N_PLUS : N_QUEST);
        if (!r || node_push(p, r, atom) < 0) {
            node_free(atom);
            node_free(r);
            return NULL;
        }
        atom = r;
        repeated = true;
    }
    return atom;
}

static node *parse_concat(parser *p)
{
    node *cat = node_new(p, N_CONCAT);
    if (!cat)
        return NULL;
    while (!at_end(p) && p->s[p->pos] != '|' && p->s[p->pos] != ')') {
        node *kid = parse_repeat(p);
        if (!kid || node_push(p, cat, kid) < 0) {
            node_free(kid);
            node_free(cat);
            return NULL;
        }
    }
    return cat;
}

static node *parse_alt(parser *p)
{
    node *first = parse_concat(p);
    if (!first)
        return NULL;
    if (at_end(p) || p->s[p->pos] != '|')
        return first;
    node *alt = node_new(p, N_ALT);
    if (!alt || node_push(p, alt, first) < 0) {
        node_free(first);
        node_free(alt);
        return NULL;
    }
    while (!at_end(p) && p->s[p->pos] == '|') {
        p->pos++;
        node *kid = parse_concat(p);
        if (!kid || node_push(p, alt, kid) < 0) {
            node_free(kid);
            node_free(alt);
            return NULL;
        }
    }
    return alt;
}

/* --------------------------------------------------------------- program */

enum op { OP_LIT, OP_CLASS, OP_ANY_NOT_NL, OP_BEGIN, OP_END, OP_WORDB, OP_NWORDB,
          OP_SPLIT, OP_JMP, OP_MATCH };

typedef struct inst {
    enum op op;
    int32_t arg;  /* rune, class index, or first target */
    int32_t arg2; /* second target of a split */
} inst;

struct go_regex {
    inst *prog;
    size_t n;
    size_t cap;
    rune_class *classes;
    size_t nclasses;
};

static int emit(go_regex *re, enum op op, int32_t arg, int32_t arg2)
{
    if (re->n == re->cap) {
        size_t cap = re->cap ? re->cap * 2 : 32;
        inst *pr = realloc(re->prog, cap * sizeof(*pr));
        if (!pr)
            return -1;
        re->prog = pr;
        re->cap = cap;
    }
    re->prog[re->n] = (inst){op, arg, arg2};
    return (int)re->n++;
}

static int gen(go_regex *re, const node *n)
{
    int at, a;
    switch (n->kind) {
    case N_LIT: return emit(re, OP_LIT, n->rune, 0) < 0 ? -1 : 0;
    case N_CLASS: return emit(re, OP_CLASS, (int32_t)n->class_index, 0) < 0 ? -1 : 0;
    case N_ANY_NOT_NL: return emit(re, OP_ANY_NOT_NL, 0, 0) < 0 ? -1 : 0;
    case N_BEGIN: return emit(re, OP_BEGIN, 0, 0) < 0 ? -1 : 0;
    case N_END: return emit(re, OP_END, 0, 0) < 0 ? -1 : 0;
    case N_WORDB: return emit(re, OP_WORDB, 0, 0) < 0 ? -1 : 0;
    case N_NWORDB: return emit(re, OP_NWORDB, 0, 0) < 0 ? -1 : 0;
    case N_EMPTY: return 0;
    case N_CONCAT:
        for (size_t i = 0; i < n->nkids; i++)
            if (gen(re, n->kids[i]) < 0)
                return -1;
        return 0;
    case N_ALT: {
        /* split L1, next; L1: kid; jmp end; next: ... ; jumps patched after */
        int jumps[n->nkids];
        for (size_t i = 0; i < n->nkids; i++) {
            int split = -1;
            if (i + 1 < n->nkids && (split = emit(re, OP_SPLIT, 0, 0)) < 0)
                return -1;
            if (split >= 0)
                re->prog[split].arg = (int32_t)re->n;
            if (gen(re, n->kids[i]) < 0)
                return -1;
            jumps[i] = -1;
            if (i + 1 < n->nkids) {
                if ((jumps[i] = emit(re, OP_JMP, 0, 0)) < 0)
                    return -1;
                re->prog[split].arg2 = (int32_t)re->n;
            }
        }
        for (size_t i = 0; i < n->nkids; i++)
            if (jumps[i] >= 0)
                re->prog[jumps[i]].arg = (int32_t)re->n;
        return 0;
    }
    case N_STAR:
        if ((at = emit(re, OP_SPLIT, 0, 0)) < 0)
            return -1;
        re->prog[at].arg = (int32_t)re->n;
        if (gen(re, n->kids[0]) < 0 || emit(re, OP_JMP, at, 0) < 0)
            return -1;
        re->prog[at].arg2 = (int32_t)re->n;
        return 0;
    case N_PLUS:
        at = (int)re->n;
        if (gen(re, n->kids[0]) < 0 || (a = emit(re, OP_SPLIT, at, 0)) < 0)
            return -1;
        re->prog[a].arg2 = (int32_t)re->n;
        return 0;
    case N_QUEST:
        if ((at = emit(re, OP_SPLIT, 0, 0)) < 0)
            return -1;
        re->prog[at].arg = (int32_t)re->n;
        if (gen(re, n->kids[0]) < 0)
            return -1;
        re->prog[at].arg2 = (int32_t)re->n;
        return 0;
    }
    return -1;
}

void go_regex_free(go_regex *re)
{
    if (!re)
        return;
    for (size_t i = 0; i < re->nclasses; i++)
        free(re->classes[i].ranges);
    free(re->classes);
    free(re->prog);
    free(re);
}

int go_regex_compile(const char *s, size_t len, go_regex **out, char *errbuf, size_t errlen)
{
    parser p = {.s = s, .len = len, .errbuf = errbuf, .errlen = errlen};
    *out = NULL;
    for (size_t i = 0; i < len;) {
        size_t w;
        if (utf8_decode(s + i, len - i, &w) == UTF8_RUNE_ERROR && w == 1) {
            snprintf(errbuf, errlen, "invalid UTF-8");
            return -1;
        }
        i += w;
    }
    node *tree = parse_alt(&p);
    if (tree && !at_end(&p)) {
        perr(&p, "unexpected )");
        node_free(tree);
        tree = NULL;
    }
    go_regex *re = calloc(1, sizeof(*re));
    if (!tree || !re) {
        if (!p.failed)
            snprintf(errbuf, errlen, "out of memory");
        node_free(tree);
        for (size_t i = 0; i < p.nclasses; i++)
            free(p.classes[i].ranges);
        free(p.classes);
        free(re);
        return -1;
    }
    re->classes = p.classes;
    re->nclasses = p.nclasses;
    int rc = gen(re, tree);
    node_free(tree);
    if (rc < 0 || emit(re, OP_MATCH, 0, 0) < 0) {
        snprintf(errbuf, errlen, "out of memory");
        go_regex_free(re);
        return -1;
    }
    *out = re;
    return 0;
}

/* --------------------------------------------------------------- matching */

static bool is_word_byte(const char *s, size_t len, size_t pos)
{
    if (pos >= len)
        return false;
    unsigned char c = (unsigned char)s[pos];
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

struct frame { int32_t pc; size_t pos; };

bool go_regex_match(const go_regex *re, const char *s, size_t len)
{
    size_t bits = re->n * (len + 1);
    uint8_t small[2048];
    _cleanup_free_ uint8_t *big = NULL;
    uint8_t *visited = small;
    if ((bits + 7) / 8 > sizeof(small)) {
        big = calloc((bits + 7) / 8, 1);
        if (!big)
            return false;
        visited = big;
    } else {
        memset(small, 0, (bits + 7) / 8);
    }
    struct frame stack_small[64];
    _cleanup_free_ struct frame *stack_big = NULL;
    struct frame *stack = stack_small;
    size_t cap = 64, top = 0;
    stack[top++] = (struct frame){0, 0};
    while (top > 0) {
        struct frame f = stack[--top];
        for (;;) {
            size_t bit = (size_t)f.pc * (len + 1) + f.pos;
            if (visited[bit / 8] & (1u << (bit % 8)))
                break;
            visited[bit / 8] |= (uint8_t)(1u << (bit % 8));
            const inst *in = &re->prog[f.pc];
            bool ok = true;
            switch (in->op) {
            case OP_MATCH:
                return true;
            case OP_LIT:
            case OP_CLASS:
            case OP_ANY_NOT_NL: {
                if (f.pos >= len) {
                    ok = false;
                    break;
                }
                size_t w;
                int32_t r = utf8_decode(s + f.pos, len - f.pos, &w);
                if (in->op == OP_LIT)
                    ok = r == in->arg;
                else if (in->op == OP_CLASS)
                    ok = class_has(&re->classes[in->arg], r);
                else
                    ok = r != '\n';
                f.pos += w;
                f.pc++;
                break;
            }
            case OP_BEGIN: ok = f.pos == 0; f.pc++; break;
            case OP_END: ok = f.pos == len; f.pc++; break;
            case OP_WORDB:
            case OP_NWORDB: {
                bool before = f.pos > 0 && is_word_byte(s, len, f.pos - 1);
                bool after = is_word_byte(s, len, f.pos);
                ok = (before != after) == (in->op == OP_WORDB);
                f.pc++;
                break;
            }
            case OP_JMP:
                f.pc = in->arg;
                break;
            case OP_SPLIT:
                if (top == cap) {
                    size_t ncap = cap * 2;
                    struct frame *ns = malloc(ncap * sizeof(*ns));
                    if (!ns)
                        return false;
                    memcpy(ns, stack, top * sizeof(*ns));
                    free(stack_big);
                    stack = stack_big = ns;
                    cap = ncap;
                }
                stack[top++] = (struct frame){in->arg2, f.pos};
                f.pc = in->arg;
                break;
            }
            if (!ok)
                break;
        }
    }
    return false;
}
