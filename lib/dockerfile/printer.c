/*
 * printer.c - AST back to Dockerfile text, and building documents from
 * structured data (hoist_dockerfile_append).
 *
 * One line per instruction: keyword, flags, then the argument text exactly
 * as BuildKit received it (continuations are already joined, so it fits on
 * one line, unless that line would be longer than the 65,535 bytes BuildKit
 * reads: then it is cut with continuations), then heredoc bodies and their
 * terminators. Comments are printed
 * so that BuildKit reads back the same comment text, and so that directive
 * lines stay directives and nothing else becomes one: a comment that would
 * look like a directive at the top is pushed out of the directive block by
 * a blank line. A few quoting rules keep flags and arguments unchanged on
 * re-parse (see quote_flag and the `--` guard).
 */
#include <stdlib.h>

#include "dockerfile/df_internal.h"

static bool flag_needs_quotes(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (df_is_space_byte(*p) || *p == '"' || *p == '\'' || *p == '\\' || *p == '`' || *p >= 0x80)
            return true;
    return false;
}

/* `--name=value` such that BuildKit's extractBuilderFlags gives it back:
 * `--` stays bare (it is how a flag is recognised), the rest is put in
 * double quotes with `\` escaping when needed. */
static void put_flag(hbuf *b, const char *text)
{
    if (!flag_needs_quotes(text) && strncmp(text, "--", 2) == 0 && strcmp(text, "--") != 0) {
        hbuf_puts(b, text);
        return;
    }
    hbuf_puts(b, "--\"");
    for (const char *p = text + (strncmp(text, "--", 2) == 0 ? 2 : 0); *p; p++) {
        if (*p == '"' || *p == '\\')
            hbuf_putc(b, '\\');
        hbuf_putc(b, *p);
    }
    hbuf_putc(b, '"');
}

/* A line ending in an unescaped escape character would continue onto the
 * next one; BuildKit's TrimSpace would drop a trailing U+00A0 but its
 * continuation check does not see it, so it keeps the text intact. */
static void guard_continuation(hbuf *b, size_t line_start, char escape)
{
    size_t n = b->len - line_start;
    const char *s = b->data + line_start;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--; /* the continuation check allows blanks after the escape */
    if (n >= 1 && s[n - 1] == escape && (n == 1 || s[n - 2] != escape))
        hbuf_puts(b, "\xc2\xa0");
}

/* BuildKit reads lines of at most 65,535 bytes. A joined instruction line
 * can be longer than any of the lines it came from: cut it with
 * escape+newline where the parser joins it back byte for byte, i.e. where
 * neither side ends or starts specially: the byte before the cut is not the
 * escape character (an escaped escape is no continuation), the byte after
 * it is printable ASCII other than '#' and the escape character (the next
 * line must not read as a comment, a blank line or start with an escape). */
#define PRINT_MAX_LINE 65535

static bool cut_ok(const char *s, size_t i, char escape)
{
    unsigned char c = (unsigned char)s[i];
    return c > 0x20 && c < 0x7f && c != '#' && c != (unsigned char)escape && s[i - 1] != escape;
}

static void split_long_line(hbuf *b, size_t line_start, char escape)
{
    size_t n = b->len - line_start;
    if (n <= PRINT_MAX_LINE)
        return;
    char *copy = malloc(n);
    if (!copy)
        return;
    memcpy(copy, b->data + line_start, n);
    b->len = line_start;
    size_t pos = 0;
    while (n - pos > PRINT_MAX_LINE) {
        size_t cut = pos + PRINT_MAX_LINE - 1; /* room for the escape */
        while (cut > pos + 1 && !cut_ok(copy, cut, escape))
            cut--;
        if (cut <= pos + 1)
            break; /* nowhere to cut (65,535 blanks): leave it long */
        hbuf_append(b, copy + pos, cut - pos);
        hbuf_putc(b, escape);
        hbuf_putc(b, '\n');
        pos = cut;
    }
    hbuf_append(b, copy + pos, n - pos);
    free(copy);
}

static void put_instruction_line(hbuf *b, const hoist_df_instruction *ins, bool canonical, char escape)
{
    size_t line_start = b->len;
    if (!canonical && ins->original && *ins->keyword_original) {
        /* The joined line BuildKit parsed, verbatim: parsing it again gives
         * the same node, heredoc detection included (which looks at the
         * whole line, bytes the flag scanner skips included). */
        hbuf_puts(b, ins->original);
        guard_continuation(b, line_start, escape);
        split_long_line(b, line_start, escape);
        return;
    }
    if (!*ins->keyword_original) {
        /* Only a continuation running into the end of the file leaves an
         * instruction with no text at all (kept with AST_ONLY); a lone
         * escape character on the last line recreates it. */
        hbuf_putc(b, escape);
        return;
    }
    hbuf_puts(b, canonical && ins->kind != HOIST_DF_UNKNOWN ? ins->keyword : ins->keyword_original);
    for (size_t i = 0; i < ins->flag_count; i++) {
        hbuf_putc(b, ' ');
        put_flag(b, ins->flags[i].text);
    }
    if (ins->trigger && canonical && ins->trigger->kind != HOIST_DF_UNKNOWN &&
        !strncmp(ins->raw_args, ins->trigger->keyword_original, strlen(ins->trigger->keyword_original))) {
        /* ONBUILD's text is the trigger verbatim; only its keyword changes */
        hbuf_putc(b, ' ');
        hbuf_puts(b, ins->trigger->keyword);
        hbuf_puts(b, ins->raw_args + strlen(ins->trigger->keyword_original));
    } else if (ins->raw_args && *ins->raw_args) {
        hbuf_putc(b, ' ');
        /* arguments that start with `--` would be read as flags, and a
         * stray 0x85/0xA0 byte would be skipped as a space by the flag
         * scanner (which BuildKit runs byte by byte) but not by its
         * TrimSpace: `--` ends the flags first in both cases */
        unsigned char first = (unsigned char)ins->raw_args[0];
        if (!strncmp(ins->raw_args, "--", 2) || first == 0x85 || first == 0xA0)
            hbuf_puts(b, "-- ");
        hbuf_puts(b, ins->raw_args);
    }
    /* A keyword that ends in a Unicode space (only garbage input has one)
     * came from a line where something followed it that BuildKit's
     * TrimSpace kept; with nothing after it, the space would be trimmed
     * away. A lone 0xA0 byte after a blank is kept by TrimSpace (it is not
     * valid UTF-8) and skipped as a blank by the flag scanner, so it gives
     * back the same keyword and no arguments. */
    const char *kw = canonical && ins->kind != HOIST_DF_UNKNOWN ? ins->keyword : ins->keyword_original;
    size_t kwl = strlen(kw);
    if (!ins->flag_count && !ins->trigger && !*ins->raw_args && utf8_trim_right_space(kw, kwl) != kwl)
        hbuf_puts(b, " \xa0");
    guard_continuation(b, line_start, escape);
    split_long_line(b, line_start, escape);
}

/* Would "# <text>" be read as a parser directive? */
static bool looks_like_directive(const char *t)
{
    const char *p = t;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return false;
    const char *ns = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
        p++;
    size_t nl = (size_t)(p - ns);
    if (!(df_strcaseeq_n(ns, nl, "syntax") || df_strcaseeq_n(ns, nl, "escape") ||
          df_strcaseeq_n(ns, nl, "check")))
        return false;
    while (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\r')
        p++;
    return *p == '=' && p[1] != 0;
}

int hoist_dockerfile_print(const hoist_dockerfile *df, const hoist_df_print_options *opts,
                           char **out, size_t *out_len, hoist_error *err)
{
    *out = NULL;
    bool canonical = opts && (opts->flags & HOIST_DF_PRINT_CANONICAL);
    bool comments = !(opts && (opts->flags & HOIST_DF_PRINT_NO_COMMENTS));
    hbuf b = {0};
    hbuf_reserve(&b, 4096);

    bool dirs_in_comments = false;
    if (df->instruction_count) {
        const hoist_df_instruction *first = &df->instructions[0];
        for (size_t i = 0; i < first->comment_count; i++)
            dirs_in_comments |= first->comments[i].is_directive;
    }
    bool zone_open = true; /* still where a directive would be recognised */
    size_t next_directive = 0;
    if (df->directive_count && (!dirs_in_comments || !comments)) {
        for (size_t i = 0; i < df->directive_count; i++) {
            hbuf_puts(&b, "# ");
            hbuf_puts(&b, df->directives[i].name);
            hbuf_putc(&b, '=');
            hbuf_puts(&b, df->directives[i].value);
            hbuf_putc(&b, '\n');
        }
        hbuf_puts(&b, "#\n"); /* ends the directive block and drops them
                                   from the next instruction's comments */
        zone_open = false;
    }
    for (size_t i = 0; i < df->instruction_count; i++) {
        const hoist_df_instruction *ins = &df->instructions[i];
        for (size_t c = 0; comments && c < ins->comment_count; c++) {
            const hoist_df_comment *cm = &ins->comments[c];
            if (cm->is_directive && zone_open) {
                /* an indented directive line keeps its '#' in the text */
                hbuf_puts(&b, cm->text[0] == '#' ? " " : "# ");
                hbuf_puts(&b, cm->text);
                /* The comment text lost trailing Unicode spaces that the
                 * directive's value keeps (Go's \s is only [\t\n\f\r ], so
                 * a \v stays in the value; a blank value is one space):
                 * write them back after the text. */
                if (next_directive < df->directive_count) {
                    const char *v = df->directives[next_directive].value;
                    size_t vl = strlen(v), tl = strlen(cm->text);
                    size_t vt = utf8_trim_right_space(v, vl);
                    if (vt < vl && tl >= vt && !memcmp(cm->text + tl - vt, v, vt))
                        hbuf_append(&b, v + vt, vl - vt);
                }
                next_directive++;
                hbuf_putc(&b, '\n');
                continue;
            }
            if (zone_open && looks_like_directive(cm->text))
                hbuf_putc(&b, '\n');
            zone_open = false;
            /* "#" alone when "# " would make the line longer than the
             * 65,535 bytes the parser reads (the source line was not) */
            hbuf_puts(&b, strlen(cm->text) + 2 > PRINT_MAX_LINE ? "#" : "# ");
            hbuf_puts(&b, cm->text);
            hbuf_putc(&b, '\n');
        }
        zone_open = false;
        put_instruction_line(&b, ins, canonical, df->escape);
        hbuf_putc(&b, '\n');
        for (size_t h = 0; h < ins->heredoc_count; h++) {
            hbuf_puts(&b, ins->heredocs[h].content);
            hbuf_puts(&b, ins->heredocs[h].name);
            hbuf_putc(&b, '\n');
        }
    }
    /* A parser drops one byte order mark at the start of the file; if the
     * text itself starts with one (a keyword beginning with U+FEFF), add a
     * mark for the parser to drop. */
    if (b.len >= 3 && !memcmp(b.data, "\xef\xbb\xbf", 3)) {
        hbuf with_bom = {0};
        hbuf_append(&with_bom, "\xef\xbb\xbf", 3);
        hbuf_append(&with_bom, b.data, b.len);
        hbuf_free(&b);
        b = with_bom;
    }
    if (!hbuf_terminate(&b)) {
        hbuf_free(&b);
        return hoist_error_setr(err, HOIST_EFAILED, HOIST_REASON_NOMEM, "out of memory printing the Dockerfile");
    }
    *out = b.data;
    if (out_len)
        *out_len = b.len;
    return 0;
}

/* ---- building ---- */

static void put_json_string(hbuf *b, const char *s)
{
    hbuf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': hbuf_puts(b, "\\\""); break;
        case '\\': hbuf_puts(b, "\\\\"); break;
        case '\n': hbuf_puts(b, "\\n"); break;
        case '\r': hbuf_puts(b, "\\r"); break;
        case '\t': hbuf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                char tmp[8];
                snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
                hbuf_puts(b, tmp);
            } else {
                hbuf_putc(b, (char)*p);
            }
        }
    }
    hbuf_putc(b, '"');
}

static const char *copy_str(df_arena *a, const char *s)
{
    return s ? df_arena_strdup(a, s) : NULL;
}

/* Deep copy of an instruction into another document's arena; positions are
 * cleared because they referred to the scratch text. */
static bool copy_instruction(df_arena *a, hoist_df_instruction *dst, const hoist_df_instruction *src)
{
    static const hoist_df_range none = {{0, 0}, {0, 0}};
    *dst = *src;
    dst->range = dst->keyword_range = dst->raw_args_range = none;
    dst->keyword = copy_str(a, src->keyword);
    dst->keyword_original = copy_str(a, src->keyword_original);
    dst->original = copy_str(a, src->original);
    dst->raw_args = copy_str(a, src->raw_args);
    if (src->flag_count) {
        dst->flags = df_arena_alloc(a, src->flag_count * sizeof(*dst->flags));
        if (!dst->flags)
            return false;
        for (size_t i = 0; i < src->flag_count; i++) {
            dst->flags[i].text = copy_str(a, src->flags[i].text);
            dst->flags[i].name = copy_str(a, src->flags[i].name);
            dst->flags[i].value = copy_str(a, src->flags[i].value);
            dst->flags[i].range = none;
        }
    }
    if (src->arg_count) {
        dst->args = df_arena_alloc(a, src->arg_count * sizeof(*dst->args));
        if (!dst->args)
            return false;
        for (size_t i = 0; i < src->arg_count; i++) {
            /* len may exceed strlen: a JSON `\u0000` is kept */
            char *v = src->args[i].value ? df_arena_alloc(a, src->args[i].len + 1) : NULL;
            if (v) {
                memcpy(v, src->args[i].value, src->args[i].len);
                v[src->args[i].len] = 0;
            }
            dst->args[i].value = v;
            dst->args[i].len = src->args[i].len;
            dst->args[i].range = none;
        }
    }
    if (src->pair_count) {
        dst->pairs = df_arena_alloc(a, src->pair_count * sizeof(*dst->pairs));
        if (!dst->pairs)
            return false;
        for (size_t i = 0; i < src->pair_count; i++) {
            dst->pairs[i].key = copy_str(a, src->pairs[i].key);
            dst->pairs[i].value = copy_str(a, src->pairs[i].value);
            dst->pairs[i].range = none;
        }
    }
    dst->heredocs = NULL;
    dst->heredoc_count = 0;
    if (src->comment_count) {
        dst->comments = df_arena_alloc(a, src->comment_count * sizeof(*dst->comments));
        if (!dst->comments)
            return false;
        for (size_t i = 0; i < src->comment_count; i++) {
            dst->comments[i].text = copy_str(a, src->comments[i].text);
            dst->comments[i].is_directive = false;
            dst->comments[i].range = none;
        }
    }
    if (src->trigger) {
        dst->trigger = df_arena_alloc(a, sizeof(*dst->trigger));
        if (!dst->trigger || !copy_instruction(a, dst->trigger, src->trigger))
            return false;
    }
    return true;
}

int hoist_dockerfile_append(hoist_dockerfile *df, const hoist_df_instruction_spec *spec, hoist_error *err)
{
    if (!spec || spec->version != HOIST_DF_SPEC_VERSION || !spec->keyword || !*spec->keyword)
        return hoist_error_set(err, HOIST_EUSAGE, "hoist_dockerfile_append: invalid instruction spec");
    hbuf b = {0};
    if (df->escape == '`')
        hbuf_puts(&b, "# escape=`\n");
    for (size_t i = 0; i < spec->comment_count; i++) {
        const char *c = spec->comments[i];
        if (strchr(c, '\n'))
            goto bad_text;
        hbuf_puts(&b, "# ");
        hbuf_puts(&b, c);
        hbuf_putc(&b, '\n');
    }
    hbuf_puts(&b, spec->keyword);
    for (size_t i = 0; i < spec->flag_count; i++) {
        if (strchr(spec->flags[i], '\n'))
            goto bad_text;
        hbuf_putc(&b, ' ');
        put_flag(&b, spec->flags[i]);
    }
    if (spec->form == HOIST_DF_FORM_EXEC) {
        hbuf_puts(&b, " [");
        for (size_t i = 0; i < spec->arg_count; i++) {
            if (i)
                hbuf_puts(&b, ", ");
            put_json_string(&b, spec->args[i]);
        }
        hbuf_putc(&b, ']');
    } else {
        for (size_t i = 0; i < spec->arg_count; i++) {
            if (strchr(spec->args[i], '\n'))
                goto bad_text;
            hbuf_putc(&b, ' ');
            hbuf_puts(&b, spec->args[i]);
        }
    }
    hbuf_putc(&b, '\n');

    hoist_df_parse_options po = HOIST_DF_PARSE_OPTIONS_INIT;
    po.flags = HOIST_DF_PARSE_AST_ONLY;
    po.filename = "<generated>";
    hoist_dockerfile *tmp = NULL;
    int rc = hoist_dockerfile_parse(b.data, b.len, &po, &tmp, err);
    if (rc == 0 && tmp->instruction_count != 1)
        rc = hoist_error_set(err, HOIST_EINPUT, "generated text for %s is not one instruction", spec->keyword);
    if (rc == 0)
        rc = df_validate_instruction(df, &tmp->instructions[0], err);
    if (rc == 0) {
        hoist_df_instruction ins;
        if (!copy_instruction(&df->arena, &ins, &tmp->instructions[0]) ||
            !df_vec_push((void **)&df->instructions, &df->instruction_count, &df->instruction_cap,
                         sizeof(ins), &ins)) {
            rc = hoist_error_nomem(err);
        } else {
            int stage = -1;
            for (size_t i = 0; i < df->instruction_count; i++) {
                if (df->instructions[i].kind == HOIST_DF_FROM)
                    stage++;
                df->instructions[i].stage = stage;
                if (df->instructions[i].trigger)
                    df->instructions[i].trigger->stage = stage;
            }
        }
    }
    if (rc && err)
        hoist_error_prefix(err, "generating %s", spec->keyword);
    hoist_dockerfile_free(tmp);
    hbuf_free(&b);
    return rc;
bad_text:
    hbuf_free(&b);
    return hoist_error_set(err, HOIST_EINPUT, "%s: generated text may not contain a newline", spec->keyword);
}
