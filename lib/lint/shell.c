/*
 * shell.c - split the script of a RUN instruction into simple commands.
 *
 * Rules such as "pin versions in apt-get install" need the words of each
 * command, not a full shell grammar. This scanner reads POSIX shell text
 * well enough for that: quotes ('...', "..."), backslash escapes, $(...),
 * ${...} and backquotes stay inside one word; `;`, `&&`, `||`, `&`, `|`,
 * newlines and parentheses end a command; `|` marks both sides as a
 * pipeline; redirections and their targets are dropped; `#` at the start of
 * a word starts a comment. Leading `NAME=value` words are kept apart as
 * assignments, and shell keywords (if, then, do, !, ...) before the command
 * name are skipped, so `if true; then apt-get install x; fi` yields
 * `true` and `apt-get install x`.
 */
#include "lint/lint_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/vec.h"

typedef struct words {
    char **v;
    size_t n, cap;
} words;

/* Takes s (freeing it when it cannot be stored). False when out of memory. */
static bool words_push(words *w, char *s)
{
    char **v = hoist_vec_grow(w->v, &w->cap, w->n, sizeof(*v), 8);
    if (!v) {
        free(s);
        return false;
    }
    w->v = v;
    w->v[w->n++] = s;
    return true;
}

typedef struct scanner {
    lint_script *out;
    words cur;        /* words of the command being read */
    hbuf word;
    bool oom;         /* an allocation failed: the rest is skipped */
    bool in_word;     /* a word has started (possibly empty: "") */
    bool skip_next;   /* the next word is a redirection target */
    bool pipe_next;   /* the next command follows a `|` */
    bool cur_piped;
} scanner;

static const char *const keywords[] = {"if", "then", "else", "elif", "fi", "do", "done",
                                       "while", "until", "!", "{", "}", "time", "esac",
                                       NULL};

static bool is_keyword(const char *w)
{
    for (size_t i = 0; keywords[i]; i++)
        if (!strcmp(w, keywords[i]))
            return true;
    return false;
}

static bool is_assignment(const char *w)
{
    if (!(isalpha((unsigned char)w[0]) || w[0] == '_'))
        return false;
    for (const char *p = w; *p; p++) {
        if (*p == '=')
            return true;
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return false;
    }
    return false;
}

static void buf_putc(scanner *s, char c)
{
    if (!hbuf_putc(&s->word, c))
        s->oom = true;
}

static void end_word(scanner *s)
{
    if (!s->in_word || s->oom)
        return;
    s->in_word = false;
    if (s->skip_next) {
        s->skip_next = false;
        hbuf_reset(&s->word);
        return;
    }
    /* The word buffer is reused; each word gets an exact-size copy. */
    char *w = strndup(s->word.data ? s->word.data : "", s->word.len);
    hbuf_reset(&s->word);
    if (!w || !words_push(&s->cur, w))
        s->oom = true;
}

static void cmd_free(lint_cmd *c)
{
    for (size_t j = 0; j < c->argc; j++)
        free(c->argv[j]);
    for (size_t j = 0; j < c->assign_count; j++)
        free(c->assigns[j]);
    free(c->argv);
    free(c->assigns);
}

static void end_cmd(scanner *s, bool piped_after)
{
    end_word(s);
    words *w = &s->cur;
    if (s->oom) {
        for (size_t j = 0; j < w->n; j++)
            free(w->v[j]);
        w->n = 0;
        return;
    }
    size_t i = 0;
    lint_cmd cmd = {0};
    /* Keywords and assignments before the command name. */
    for (; i < w->n; i++) {
        if (is_keyword(w->v[i])) {
            free(w->v[i]);
            w->v[i] = NULL;
            continue;
        }
        if (is_assignment(w->v[i])) {
            if (!cmd.assigns)
                cmd.assigns = calloc(w->n, sizeof(char *));
            if (!cmd.assigns) {
                s->oom = true;
                break;
            }
            cmd.assigns[cmd.assign_count++] = w->v[i];
            w->v[i] = NULL;
            continue;
        }
        break;
    }
    /* `for x in a b` and `case x in` are not commands. */
    bool drop = i < w->n && (!strcmp(w->v[i], "for") || !strcmp(w->v[i], "case"));
    if (i < w->n && !drop && !s->oom) {
        cmd.argc = w->n - i;
        cmd.argv = calloc(cmd.argc + 1, sizeof(char *));
        if (!cmd.argv) {
            s->oom = true;
            cmd.argc = 0;
        }
        for (size_t j = 0; j < cmd.argc; j++) {
            cmd.argv[j] = w->v[i + j];
            w->v[i + j] = NULL;
        }
    }
    for (size_t j = 0; j < w->n; j++)
        free(w->v[j]);
    w->n = 0;
    if (s->oom) {
        cmd_free(&cmd);
        return;
    }
    if (cmd.argc == 0 && cmd.assign_count == 0) {
        free(cmd.argv);
        free(cmd.assigns);
        s->pipe_next = piped_after;
        return;
    }
    cmd.name = "";
    if (cmd.argc) {
        const char *slash = strrchr(cmd.argv[0], '/');
        cmd.name = slash ? slash + 1 : cmd.argv[0];
    }
    cmd.in_pipe = s->pipe_next || piped_after;
    if (piped_after)
        s->out->has_pipe = true;
    lint_script *o = s->out;
    lint_cmd *v = realloc(o->cmds, (o->count + 1) * sizeof(*v));
    if (!v) {
        cmd_free(&cmd);
        s->oom = true;
        return;
    }
    o->cmds = v;
    o->cmds[o->count++] = cmd;
    s->pipe_next = piped_after;
}

/* Copy a balanced $( ... ) / ${ ... } / `...` region into the word. Returns
 * the position after it. */
static const char *copy_nested(scanner *s, const char *p)
{
    if (*p == '`') {
        buf_putc(s, *p++);
        while (*p && *p != '`') {
            if (*p == '\\' && p[1])
                buf_putc(s, *p++);
            buf_putc(s, *p++);
        }
        if (*p)
            buf_putc(s, *p++);
        return p;
    }
    char open = p[1], close = open == '(' ? ')' : '}';
    int depth = 0;
    buf_putc(s, *p++); /* $ */
    while (*p) {
        char c = *p;
        if (c == '\\' && p[1]) {
            buf_putc(s, *p++);
            buf_putc(s, *p++);
            continue;
        }
        if (c == '\'' ) {
            buf_putc(s, *p++);
            while (*p && *p != '\'')
                buf_putc(s, *p++);
            if (*p)
                buf_putc(s, *p++);
            continue;
        }
        buf_putc(s, *p++);
        if (c == open)
            depth++;
        else if (c == close && --depth == 0)
            break;
    }
    return p;
}

int lint_shell_parse(const char *text, lint_script *out)
{
    memset(out, 0, sizeof(*out));
    scanner s = {.out = out};
    const char *p = text ? text : "";
    while (*p && !s.oom) {
        char c = *p;
        if (c == '\\') {
            if (p[1] == '\n') {
                p += 2;
                continue;
            }
            if (p[1]) {
                s.in_word = true;
                buf_putc(&s, p[1]);
                p += 2;
                continue;
            }
            p++;
            continue;
        }
        if (c == '\'') {
            s.in_word = true;
            p++;
            while (*p && *p != '\'')
                buf_putc(&s, *p++);
            if (*p)
                p++;
            continue;
        }
        if (c == '"') {
            s.in_word = true;
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
                    if (p[1] != '\n')
                        buf_putc(&s, p[1]);
                    p += 2;
                    continue;
                }
                if ((*p == '$' && (p[1] == '(' || p[1] == '{')) || *p == '`') {
                    p = copy_nested(&s, p);
                    continue;
                }
                buf_putc(&s, *p++);
            }
            if (*p)
                p++;
            continue;
        }
        if ((c == '$' && (p[1] == '(' || p[1] == '{')) || c == '`') {
            s.in_word = true;
            p = copy_nested(&s, p);
            continue;
        }
        if (c == '#' && !s.in_word) {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            end_word(&s);
            p++;
            continue;
        }
        if (c == '\n' || c == ';' || c == '(' || c == ')') {
            end_cmd(&s, false);
            p++;
            if (c == ';' && *p == ';')
                p++;
            continue;
        }
        if (c == '&') {
            if (p[1] == '>') { /* &> file */
                end_word(&s);
                p += 2;
                if (*p == '>')
                    p++;
                s.skip_next = true;
                continue;
            }
            end_cmd(&s, false);
            p += p[1] == '&' ? 2 : 1;
            continue;
        }
        if (c == '|') {
            if (p[1] == '|') {
                end_cmd(&s, false);
                p += 2;
            } else {
                end_cmd(&s, true);
                p += p[1] == '&' ? 2 : 1;
            }
            continue;
        }
        if (c == '>' || c == '<') {
            /* A word of digits right before is the fd: drop it. */
            if (s.in_word && s.word.data) {
                bool digits = s.word.len > 0;
                for (size_t i = 0; i < s.word.len; i++)
                    if (!isdigit((unsigned char)s.word.data[i]))
                        digits = false;
                if (digits) {
                    hbuf_reset(&s.word);
                    s.in_word = false;
                }
            }
            end_word(&s);
            p++;
            while (*p == '>' || *p == '<' || *p == '&' || *p == '|' || *p == '-')
                p++;
            s.skip_next = true;
            continue;
        }
        s.in_word = true;
        buf_putc(&s, c);
        p++;
    }
    end_cmd(&s, false);
    hbuf_free(&s.word);
    free(s.cur.v);
    if (s.oom) {
        lint_script_free(out);
        return -1;
    }
    return 0;
}

void lint_script_free(lint_script *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->count; i++)
        cmd_free(&sc->cmds[i]);
    free(sc->cmds);
    memset(sc, 0, sizeof(*sc));
}

const char *lint_cmd_name(const lint_cmd *c)
{
    return c->name ? c->name : "";
}

bool lint_cmd_is(const lint_cmd *c, const char *name)
{
    return c->argc && c->name[0] == name[0] && !strcmp(c->name, name);
}

bool lint_cmd_has_word(const lint_cmd *c, const char *word)
{
    for (size_t i = 1; i < c->argc; i++)
        if (!strcmp(c->argv[i], word))
            return true;
    return false;
}

bool lint_cmd_has_flag(const lint_cmd *c, char s, const char *lng)
{
    for (size_t i = 1; i < c->argc; i++) {
        const char *a = c->argv[i];
        if (!strcmp(a, "--"))
            break;
        if (lng && lint_has_prefix(a, lng) && (a[strlen(lng)] == '\0' || a[strlen(lng)] == '='))
            return true;
        if (s && a[0] == '-' && a[1] != '-' && a[1] && strchr(a + 1, s)) {
            /* A short group: every char a letter, stop at '=' */
            bool group = true;
            for (const char *q = a + 1; *q && *q != '='; q++)
                if (!isalnum((unsigned char)*q))
                    group = false;
            const char *eq = strchr(a, '=');
            const char *hit = strchr(a + 1, s);
            if (group && (!eq || hit < eq))
                return true;
        }
    }
    return false;
}

size_t lint_cmd_subcommand(const lint_cmd *c)
{
    for (size_t i = 1; i < c->argc; i++)
        if (c->argv[i][0] != '-')
            return i;
    return 0;
}

size_t lint_cmd_next_operand(const lint_cmd *c, const char *const *valued, size_t i)
{
    size_t sub = lint_cmd_subcommand(c);
    if (!sub)
        return 0;
    for (i = i < sub ? sub + 1 : i + 1; i < c->argc; i++) {
        const char *a = c->argv[i];
        if (a[0] != '-')
            return i;
        for (size_t k = 0; valued && valued[k]; k++)
            if (!strcmp(a, valued[k])) {
                i++;
                break;
            }
    }
    return 0;
}

bool lint_script_uses(const lint_script *s, const char *name, const char *sub)
{
    for (size_t i = 0; s && i < s->count; i++) {
        const lint_cmd *c = &s->cmds[i];
        if (!lint_cmd_is(c, name))
            continue;
        if (!sub)
            return true;
        size_t k = lint_cmd_subcommand(c);
        if (k && !strcmp(c->argv[k], sub))
            return true;
    }
    return false;
}
