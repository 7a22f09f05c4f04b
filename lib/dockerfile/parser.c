/*
 * parser.c - the Dockerfile parser driver: physical lines to instructions,
 * following BuildKit's parser.Parse line by line.
 *
 * For each physical line (a UTF-8 BOM is dropped from the first): a line
 * whose first non-space byte is '#' is a comment (kept for the next
 * instruction; a bare '#' forgets the comments gathered so far) and, while
 * only directives have been seen, possibly a parser directive (then it is
 * not kept as a comment, as in BuildKit v0.32). A line over 65,535 bytes
 * ends the reading there, as BuildKit's line scanner does, and is an error
 * once the lines before it are parsed. Otherwise it
 * starts an instruction: leading whitespace goes, and while the line ends in
 * the escape character (optionally followed by spaces/tabs, and not itself
 * escaped) the following lines are appended; comment lines and blank lines
 * inside a continuation are skipped (the latter with a warning). The joined
 * line becomes a node (line_parsers.c). RUN/COPY/ADD (also under ONBUILD)
 * in shell form may name heredocs: their bodies follow, line by line, up to
 * the terminator. Then, unless only the AST was asked for, every instruction
 * is checked the way BuildKit's instructions package checks it.
 */
#include <stdlib.h>

#include "dockerfile/df_internal.h"
#include "dockerfile/line_parsers.h"
#include "dockerfile/shell_lex.h"

typedef struct df_parser {
    hoist_dockerfile *df;
    const char *src;
    size_t n;
    df_linemap lm;
    size_t nlines;      /* lines BuildKit reads: up to a too long one */
    size_t long_line;   /* 1-based line over DF_MAX_LINE bytes, 0 if none */
    size_t idx; /* lines consumed (BuildKit's currentLine) */
    bool dir_done;
    bool seen[3];
    char escape;
    hoist_df_comment *comments;
    size_t comment_count, comment_cap;
    hbuf text;
    uint32_t *map;
    size_t map_cap;
    const char *filename;
    hoist_error *err;
} df_parser;

/* bufio.Scanner's limit in BuildKit: a line of more bytes (its '\n' not
 * counted) ends the reading with "dockerfile line greater than max allowed
 * size of 65535". */
#define DF_MAX_LINE 65535

static const char *const directive_names[3] = {"syntax", "escape", "check"};

/* ---- positions ---- */

hoist_df_pos df_linemap_pos(df_linemap *lm, size_t off)
{
    size_t h = lm->hint;
    for (int step = 0; step < 2 && h < lm->count; step++, h++) {
        if (lm->starts[h] <= off && (h + 1 == lm->count || off < lm->starts[h + 1])) {
            lm->hint = h;
            return (hoist_df_pos){(int)h + 1, (int)(off - lm->starts[h]) + 1};
        }
    }
    size_t lo = 0, hi = lm->count;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (lm->starts[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    lm->hint = lo;
    hoist_df_pos p = {(int)lo + 1, (int)(off >= lm->starts[lo] ? off - lm->starts[lo] : 0) + 1};
    return p;
}

hoist_df_range df_text_range(df_linemap *lm, df_text t, size_t a, size_t b)
{
    hoist_df_range r = {{0, 0}, {0, 0}};
    if (t.n == 0)
        return r;
    if (a >= t.n)
        a = t.n - 1;
    r.start = df_linemap_pos(lm, t.map[a]);
    if (b <= a) {
        r.end = r.start;
        return r;
    }
    if (b > t.n)
        b = t.n;
    r.end = df_linemap_pos(lm, t.map[b - 1]);
    r.end.column++;
    return r;
}

static size_t line_start(const df_parser *p, size_t i)
{
    return p->lm.starts[i];
}

static size_t line_end(const df_parser *p, size_t i) /* exclusive, includes '\n' */
{
    return i + 1 < p->lm.count ? p->lm.starts[i + 1] : p->n;
}

/* bytes.TrimRight(line, "\r\n") */
static size_t trim_newline(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n;
}

static bool is_comment_line(const char *s, size_t n)
{
    n = trim_newline(s, n);
    size_t a = utf8_trim_left_space(s, n);
    return a < n && s[a] == '#';
}

static int perr(df_parser *p, int line, int col, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int perr(df_parser *p, int line, int col, const char *hint, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hoist_error_vset(p->err, HOIST_EINPUT, fmt, ap);
    va_end(ap);
    hoist_error_reason(p->err, HOIST_REASON_SYNTAX);
    hoist_error_at(p->err, p->filename, line, col);
    if (hint)
        hoist_error_hint(p->err, "%s", hint);
    return HOIST_EINPUT;
}

static int poom(df_parser *p)
{
    return hoist_error_setr(p->err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory while parsing the Dockerfile");
}

/* ---- directives ---- */

static bool re_space(char c) /* Go regexp \s */
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* DirectiveParser.ParseLine on token s[0..n) (already left-trimmed) at
 * source offset off, physical line `line`. */
static int check_directive(df_parser *p, const char *s, size_t n, size_t off, int line)
{
    if (p->dir_done)
        return 0;
    if (n == 0 || s[0] != '#') {
        p->dir_done = true;
        return 0;
    }
    size_t i = 1 + utf8_trim_left_space(s + 1, n - 1);
    if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
        p->dir_done = true;
        return 0;
    }
    size_t ns = i;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9')))
        i++;
    size_t ne = i;
    while (i < n && re_space(s[i]))
        i++;
    if (i >= n || s[i] != '=') {
        p->dir_done = true;
        return 0;
    }
    i++;
    if (i >= n) {
        p->dir_done = true;
        return 0;
    }
    size_t w = 0;
    while (i + w < n && re_space(s[i + w]))
        w++;
    size_t vs, ve;
    if (i + w < n) {
        vs = i + w;
        ve = n;
        while (ve > vs + 1 && re_space(s[ve - 1]))
            ve--;
    } else {
        /* all blanks: the lazy (.+?) still takes one character */
        vs = i + w - 1;
        ve = vs + 1;
    }
    int which = -1;
    for (int k = 0; k < 3; k++)
        if (df_strcaseeq_n(s + ns, ne - ns, directive_names[k]))
            which = k;
    if (which < 0) {
        p->dir_done = true;
        return 0;
    }
    int col = (int)(off - line_start(p, (size_t)line - 1)) + 1;
    if (p->seen[which])
        return perr(p, line, col, "keep a single directive line at the top of the file",
                    "only one %s parser directive can be used", directive_names[which]);
    p->seen[which] = true;
    if (which == 1) {
        if (!(ve - vs == 1 && (s[vs] == '\\' || s[vs] == '`')))
            return perr(p, line, col + (int)vs, "use `# escape=\\` (the default) or `# escape=``",
                        "invalid escape token '%.*s' does not match ` or \\", (int)(ve - vs), s + vs);
        p->escape = s[vs];
    }
    hoist_df_directive d;
    d.name = directive_names[which];
    d.value = df_arena_strndup(&p->df->arena, s + vs, ve - vs);
    d.range.start = (hoist_df_pos){line, col};
    d.range.end = (hoist_df_pos){line, col + (int)n};
    if (!d.value || !df_vec_push((void **)&p->df->directives, &p->df->directive_count,
                                 &p->df->directive_cap, sizeof(d), &d))
        return poom(p);
    return 0;
}

/* ---- continuation ---- */

/* trimContinuationCharacter on s[0..n): returns the kept length and whether
 * the line ends the instruction. */
static size_t trim_continuation(const df_parser *p, const char *s, size_t n, bool *end_of_line)
{
    size_t k = n;
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
        k--;
    *end_of_line = true;
    if (k == 0 || s[k - 1] != p->escape)
        return n;
    size_t esc = k - 1;
    if (esc == 0) {
        *end_of_line = false;
        return 0;
    }
    if (s[esc - 1] == p->escape)
        return n; /* an escaped escape character is not a continuation */
    *end_of_line = false;
    return esc;
}

static bool text_append(df_parser *p, size_t src_off, size_t len)
{
    if (p->text.len + len > p->map_cap) {
        size_t nc = p->map_cap ? p->map_cap : 256;
        while (nc < p->text.len + len)
            nc *= 2;
        uint32_t *m = realloc(p->map, nc * sizeof(uint32_t));
        if (!m)
            return false;
        p->map = m;
        p->map_cap = nc;
    }
    for (size_t i = 0; i < len; i++)
        p->map[p->text.len + i] = (uint32_t)(src_off + i);
    return hbuf_append(&p->text, p->src + src_off, len);
}

/* ---- heredocs ---- */

typedef struct heredoc_vec {
    hoist_df_heredoc *v;
    size_t n, cap;
} heredoc_vec;

/* ParseHeredoc on one word: `^(\d*)<<(-?)\s*([^<]*)$`, then the delimiter is
 * lexed with and without raw quotes to learn whether any part was quoted. */
static int parse_heredoc_word(df_parser *p, const char *word, hoist_df_heredoc *out, bool *found,
                              char *msg, size_t msgsz)
{
    *found = false;
    size_t i = 0;
    unsigned long long fd = 0;
    bool fd_overflow = false;
    while (word[i] >= '0' && word[i] <= '9') {
        unsigned long long nfd = fd * 10 + (unsigned long long)(word[i] - '0');
        if (nfd / 10 != fd)
            fd_overflow = true;
        fd = nfd;
        i++;
    }
    if (word[i] != '<' || word[i + 1] != '<')
        return 0;
    i += 2;
    bool chomp = false;
    if (word[i] == '-') {
        chomp = true;
        i++;
    }
    while (re_space(word[i])) /* `<< EOF`: the lexer kept the blanks */
        i++;
    const char *rest = word + i;
    if (strchr(rest, '<') || *rest == 0)
        return 0;
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.flags = HOIST_EXPAND_KEEP_UNSET;
    df_lex_result plain, raw;
    if (!df_lex_process(rest, strlen(rest), &o, &plain)) {
        snprintf(msg, msgsz, "%s", plain.message);
        df_lex_result_free(&plain);
        return HOIST_EINPUT;
    }
    if (plain.word_count != 1) {
        df_lex_result_free(&plain);
        return 0;
    }
    o.flags |= HOIST_EXPAND_RAW_QUOTES;
    if (!df_lex_process(rest, strlen(rest), &o, &raw)) {
        snprintf(msg, msgsz, "%s", raw.message);
        df_lex_result_free(&plain);
        df_lex_result_free(&raw);
        return HOIST_EINPUT;
    }
    if (raw.word_count != plain.word_count) {
        snprintf(msg, msgsz, "internal lexing of heredoc produced inconsistent results: %s", rest);
        df_lex_result_free(&plain);
        df_lex_result_free(&raw);
        return HOIST_EINPUT;
    }
    size_t q1 = 0, q2 = 0;
    for (const char *c = plain.words[0]; *c; c++)
        q1 += (*c == '\'' || *c == '"');
    for (const char *c = raw.words[0]; *c; c++)
        q2 += (*c == '\'' || *c == '"');
    memset(out, 0, sizeof(*out));
    out->name = df_arena_strdup(&p->df->arena, plain.words[0]);
    out->expand = q1 == q2;
    out->strip_tabs = chomp;
    out->fd = fd_overflow || fd > 0xFFFFFFFFull ? 0xFFFFFFFFu : (unsigned)fd;
    df_lex_result_free(&plain);
    df_lex_result_free(&raw);
    if (!out->name)
        return poom(p);
    *found = true;
    return 0;
}

bool df_word_is_heredoc(const char *word)
{
    if (!strstr(word, "<<"))
        return false;
    /* the same match as parse_heredoc_word, without allocating the result */
    size_t i = 0;
    while (word[i] >= '0' && word[i] <= '9')
        i++;
    if (word[i] != '<' || word[i + 1] != '<')
        return false;
    i += 2;
    if (word[i] == '-')
        i++;
    while (re_space(word[i]))
        i++;
    const char *rest = word + i;
    if (strchr(rest, '<') || *rest == 0)
        return false;
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.flags = HOIST_EXPAND_KEEP_UNSET;
    df_lex_result plain;
    bool ok = df_lex_process(rest, strlen(rest), &o, &plain) && plain.word_count == 1;
    df_lex_result_free(&plain);
    return ok;
}

static bool can_contain_heredoc(const hoist_df_instruction *ins)
{
    /* A heredoc word needs "<<" in the line; lexing keeps quotes, escapes
     * and unset variables raw, so no "<<" can appear that was not written.
     * Checking first saves lexing every RUN/COPY/ADD line. */
    if (!strstr(ins->original, "<<"))
        return false;
    if (ins->kind == HOIST_DF_ONBUILD && ins->trigger)
        ins = ins->trigger;
    if (ins->kind != HOIST_DF_RUN && ins->kind != HOIST_DF_COPY && ins->kind != HOIST_DF_ADD)
        return false;
    return ins->form != HOIST_DF_FORM_EXEC;
}

/* heredocsFromLine + reading the bodies. */
static int read_heredocs(df_parser *p, hoist_df_instruction *ins, int start_line)
{
    hoist_expand_options o = HOIST_EXPAND_OPTIONS_INIT;
    o.flags = HOIST_EXPAND_RAW_QUOTES | HOIST_EXPAND_RAW_ESCAPES | HOIST_EXPAND_KEEP_UNSET;
    df_lex_result words;
    df_lex_process(ins->original, strlen(ins->original), &o, &words); /* errors: no words */
    heredoc_vec hv = {0};
    int rc = 0;
    for (size_t w = 0; w < words.word_count && rc == 0; w++) {
        hoist_df_heredoc h;
        bool found;
        char msg[600];
        rc = parse_heredoc_word(p, words.words[w], &h, &found, msg, sizeof(msg));
        if (rc == HOIST_EINPUT) {
            perr(p, start_line, 1, "check the quoting of the heredoc delimiter", "%s", msg);
            break;
        }
        if (rc || !found)
            continue;
        hbuf body = {0};
        bool terminated = false;
        size_t first_line = p->idx;
        while (p->idx < p->nlines) {
            size_t ls = line_start(p, p->idx), le = line_end(p, p->idx);
            p->idx++;
            const char *s = p->src + ls;
            size_t tn = trim_newline(s, le - ls);
            size_t a = 0;
            if (h.strip_tabs)
                while (a < tn && s[a] == '\t')
                    a++;
            if (tn - a == strlen(h.name) && memcmp(s + a, h.name, tn - a) == 0) {
                terminated = true;
                break;
            }
            hbuf_append(&body, s, le - ls);
        }
        if (!terminated) {
            hbuf_free(&body);
            char hint[160];
            if (p->long_line)
                snprintf(hint, sizeof(hint),
                         "line %zu is longer than %d bytes, where BuildKit stops reading; shorten it",
                         p->long_line, DF_MAX_LINE);
            else
                snprintf(hint, sizeof(hint), "add a line containing only the delimiter to end the heredoc");
            rc = perr(p, start_line, 1, hint, "unterminated heredoc %s (no line \"%s\" after line %d)", h.name,
                      h.name, start_line);
            break;
        }
        h.content = df_arena_strndup(&p->df->arena, body.data ? body.data : "", body.len);
        hbuf_free(&body);
        h.range.start = (hoist_df_pos){(int)first_line + 1, 1};
        h.range.end = (hoist_df_pos){(int)p->idx, (int)(line_end(p, p->idx - 1) - line_start(p, p->idx - 1)) + 1};
        if (!h.content || !df_vec_push((void **)&hv.v, &hv.n, &hv.cap, sizeof(h), &h))
            rc = poom(p);
    }
    df_lex_result_free(&words);
    if (rc == 0 && hv.n) {
        ins->heredocs = df_arena_memdup(&p->df->arena, hv.v, hv.n * sizeof(*hv.v));
        ins->heredoc_count = hv.n;
        if (!ins->heredocs)
            rc = poom(p);
        else if (ins->trigger) {
            ins->trigger->heredocs = ins->heredocs;
            ins->trigger->heredoc_count = ins->heredoc_count;
        }
    }
    free(hv.v);
    return rc;
}

/* ---- main loop ---- */

static int add_comment(df_parser *p, size_t ls, size_t le, int line)
{
    const char *s = p->src + ls;
    size_t n = le - ls;
    /* BuildKit: strings.TrimSpace(string(bytesRead[1:])) */
    size_t a = 1 + utf8_trim_left_space(s + 1, n - 1);
    size_t b = utf8_trim_right_space(s, n);
    if (b < a)
        b = a;
    if (a == b) {
        p->comment_count = 0; /* an empty comment line forgets the block */
        return 0;
    }
    hoist_df_comment c;
    c.text = df_arena_strndup(&p->df->arena, s + a, b - a);
    c.is_directive = false;
    c.range.start = (hoist_df_pos){line, 1};
    c.range.end = (hoist_df_pos){line, (int)trim_newline(s, n) + 1};
    if (!c.text || !df_vec_push((void **)&p->comments, &p->comment_count, &p->comment_cap, sizeof(c), &c))
        return poom(p);
    return 0;
}

static int parse_lines(df_parser *p)
{
    while (p->idx < p->nlines) {
        size_t ls = line_start(p, p->idx), le = line_end(p, p->idx);
        const char *s = p->src + ls;
        size_t ln = le - ls;
        int line = (int)p->idx + 1;
        bool comment = is_comment_line(s, ln);
        size_t before_dirs = p->df->directive_count;
        if (comment) {
            int rc = add_comment(p, ls, le, line);
            if (rc)
                return rc;
        }
        size_t tn = trim_newline(s, ln);
        size_t a = utf8_trim_left_space(s, tn);
        int rc = check_directive(p, s + a, tn - a, ls + a, line);
        if (rc)
            return rc;
        /* BuildKit v0.32 keeps a directive line out of the comments */
        if (comment && p->df->directive_count > before_dirs && p->comment_count)
            p->comment_count--;
        p->idx++;
        if (comment)
            continue;
        int start_line = (int)p->idx;
        bool eol;
        size_t keep = trim_continuation(p, s + a, tn - a, &eol);
        if (eol && keep == 0)
            continue;
        hbuf_reset(&p->text);
        if (!text_append(p, ls + a, keep))
            return poom(p);
        bool empty_cont = false;
        while (!eol && p->idx < p->nlines) {
            size_t ls2 = line_start(p, p->idx), le2 = line_end(p, p->idx);
            const char *s2 = p->src + ls2;
            size_t tn2 = trim_newline(s2, le2 - ls2);
            p->idx++;
            if (is_comment_line(s2, le2 - ls2))
                continue;
            if (utf8_trim_left_space(s2, tn2) == tn2) {
                empty_cont = true;
                continue;
            }
            size_t keep2 = trim_continuation(p, s2, tn2, &eol);
            if (!text_append(p, ls2, keep2))
                return poom(p);
        }
        df_text t = {p->text.data ? p->text.data : "", p->map, p->text.len};
        hoist_df_instruction ins;
        memset(&ins, 0, sizeof(ins));
        ins.stage = -1;
        df_node_ctx nc = {p->df, &p->lm, p->escape, p->filename, p->err, start_line};
        rc = df_build_node(&nc, t, &ins);
        if (rc)
            return rc;
        if (empty_cont) {
            /* as BuildKit: names the joined line, at the last line read */
            hoist_df_warning w;
            hbuf msg = {0};
            bool ok = hbuf_puts(&msg, "Empty continuation line found in: ") && hbuf_append(&msg, t.s, t.n);
            w.message = ok ? df_arena_strndup(&p->df->arena, msg.data, msg.len) : NULL;
            hbuf_free(&msg);
            w.range.start = (hoist_df_pos){(int)p->idx, 1};
            w.range.end = (hoist_df_pos){(int)p->idx, 1};
            if (!w.message || !df_vec_push((void **)&p->df->warnings, &p->df->warning_count,
                                           &p->df->warning_cap, sizeof(w), &w))
                return poom(p);
        }
        if (can_contain_heredoc(&ins)) {
            rc = read_heredocs(p, &ins, start_line);
            if (rc)
                return rc;
        }
        size_t last = p->idx - 1;
        ins.range.start = t.n ? df_linemap_pos(&p->lm, t.map[0]) : (hoist_df_pos){start_line, 1};
        ins.range.start.line = start_line;
        ins.range.end = (hoist_df_pos){(int)p->idx,
                                       (int)(trim_newline(p->src + line_start(p, last),
                                                          line_end(p, last) - line_start(p, last))) + 1};
        if (ins.trigger) {
            ins.trigger->range = ins.range;
            ins.trigger->range.start = ins.trigger->keyword_range.start;
        }
        if (p->comment_count) {
            ins.comments = df_arena_memdup(&p->df->arena, p->comments, p->comment_count * sizeof(*p->comments));
            if (!ins.comments)
                return poom(p);
            ins.comment_count = p->comment_count;
        }
        p->comment_count = 0;
        if (!df_vec_push((void **)&p->df->instructions, &p->df->instruction_count,
                         &p->df->instruction_cap, sizeof(ins), &ins))
            return poom(p);
    }
    if (p->long_line)
        return perr(p, (int)p->long_line, DF_MAX_LINE + 1,
                    "split the line with the escape character at the end of each part, or move the data "
                    "into a file and COPY it",
                    "dockerfile line greater than max allowed size of %d", DF_MAX_LINE);
    if (p->df->instruction_count == 0)
        return perr(p, (int)(p->nlines ? p->nlines : 1), 1,
                    "a Dockerfile needs at least a FROM instruction, e.g. `FROM alpine:3.20`",
                    "file with no instructions");
    return 0;
}

/* Assign stage indexes and enforce "FROM first" (instructions.Parse). */
static int check_stages(df_parser *p, bool validate)
{
    int stage = -1;
    for (size_t i = 0; i < p->df->instruction_count; i++) {
        hoist_df_instruction *ins = &p->df->instructions[i];
        if (validate) {
            int rc = df_validate_instruction(p->df, ins, p->err);
            if (rc) {
                hoist_error_at(p->err, p->filename, ins->range.start.line,
                               p->err->column > 0 && p->err->line == ins->range.start.line
                                   ? p->err->column
                                   : ins->keyword_range.start.column);
                return rc;
            }
        }
        if (ins->kind == HOIST_DF_FROM)
            stage++;
        else if (stage < 0 && ins->kind != HOIST_DF_ARG && validate)
            return perr(p, ins->range.start.line, ins->keyword_range.start.column,
                        "only ARG may come before the first FROM; start the build stage with `FROM <image>`",
                        "%s before the first FROM: no build stage in current context", ins->keyword);
        ins->stage = stage;
        if (ins->trigger)
            ins->trigger->stage = stage;
    }
    if (validate && stage < 0)
        return perr(p, p->df->instructions[0].range.start.line, 1,
                    "add a FROM instruction, e.g. `FROM alpine:3.20`",
                    "dockerfile contains no stages to build (no FROM instruction)");
    return 0;
}

int hoist_dockerfile_parse(const char *data, size_t len, const hoist_df_parse_options *opts,
                           hoist_dockerfile **out, hoist_error *err)
{
    *out = NULL;
    hoist_error_clear(err);
    if (len > UINT32_MAX - 1)
        return hoist_error_setr(err, HOIST_EINPUT, HOIST_REASON_LIMIT, "Dockerfile is too large (%zu bytes)", len);
    hoist_dockerfile *df = hoist_dockerfile_new();
    if (!df)
        return hoist_error_nomem(err);
    df_parser p;
    memset(&p, 0, sizeof(p));
    p.df = df;
    p.src = data ? data : "";
    p.n = data ? len : 0;
    p.escape = '\\';
    p.err = err;
    const char *fname = opts && opts->filename ? opts->filename : "Dockerfile";
    df->filename = df_arena_strdup(&df->arena, fname);
    p.filename = df->filename;
    unsigned flags = opts ? opts->flags : 0;

    int rc = 0;
    /* C strings cannot carry NUL; BuildKit (Go) would keep it, but no real
     * Dockerfile has one, so say so instead of silently cutting text. */
    const char *nul = p.n ? memchr(p.src, 0, p.n) : NULL;
    if (nul) {
        size_t off = (size_t)(nul - p.src), line = 1, ls = 0;
        for (size_t i = 0; i < off; i++)
            if (p.src[i] == '\n') {
                line++;
                ls = i + 1;
            }
        rc = perr(&p, (int)line, (int)(off - ls) + 1, "the file looks binary or corrupted; save it as UTF-8 text",
                  "Dockerfile contains a NUL byte");
        goto done;
    }
    /* line table */
    size_t start = 0;
    if (p.n >= 3 && (unsigned char)p.src[0] == 0xEF && (unsigned char)p.src[1] == 0xBB &&
        (unsigned char)p.src[2] == 0xBF)
        start = 3;
    if (!df_vec_push((void **)&p.lm.starts, &p.lm.count, &p.lm.cap, sizeof(size_t), &start)) {
        rc = poom(&p);
        goto done;
    }
    for (const char *q = p.src; (q = memchr(q, '\n', (size_t)(p.src + p.n - q))) != NULL; q++) {
        size_t off = (size_t)(q - p.src) + 1;
        if (off >= p.n)
            break;
        if (!df_vec_push((void **)&p.lm.starts, &p.lm.count, &p.lm.cap, sizeof(size_t), &off)) {
            rc = poom(&p);
            goto done;
        }
    }
    p.nlines = p.n > 0 ? p.lm.count : 0;
    for (size_t i = 0; i < p.nlines; i++) {
        /* raw bytes, a BOM included, as bufio.Scanner counts them */
        size_t ls = i ? p.lm.starts[i] : 0, le = i + 1 < p.lm.count ? p.lm.starts[i + 1] : p.n;
        if (le > ls && p.src[le - 1] == '\n')
            le--;
        if (le - ls > DF_MAX_LINE) {
            p.long_line = i + 1;
            p.nlines = i; /* BuildKit parses what came before, then fails */
            break;
        }
    }

    rc = parse_lines(&p);
    if (rc == 0) {
        df->escape = p.escape;
        rc = check_stages(&p, !(flags & HOIST_DF_PARSE_AST_ONLY));
    }
done:
    free(p.comments);
    free(p.map);
    hbuf_free(&p.text);
    free(p.lm.starts);
    if (rc) {
        hoist_dockerfile_free(df);
        return rc;
    }
    *out = df;
    return 0;
}
